/* cmd_lang.c — `tamis lang`: language identification (CLD2 + fastText ensemble) */
#include "cli.h"

static const char *const stages[] = {"lang", NULL};

static const cli_flag flags[] = {
    {0},
};

const cli_command cli_cmd_lang = {
    .name = "lang",
    .summary = "language identification (CLD2 + fastText ensemble)",
    .description = "Sets metadata.lang and metadata.lang_score on every document.",
    .stages = stages,
    .flags = flags,
};
