/* cmd_extract.c — `tamis extract`: HTML (WARC responses, .html files) -> main text + metadata */
#include "cli.h"

static const char *const stages[] = {"extract", NULL};

static const cli_flag flags[] = {
    {0},
};

const cli_command cli_cmd_extract = {
    .name = "extract",
    .summary = "HTML (WARC responses, .html files) -> main text + metadata",
    .description = "Finds the article or main content of each HTML record and writes its text and metadata.",
    .stages = stages,
    .flags = flags,
};
