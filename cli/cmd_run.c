/* cmd_run.c — `tamis run`: the whole pipeline. */
#include "cli.h"

static const char *const stages[] = {"extract", "clean", "lang", "filter", "dedup", NULL};

const cli_command cli_cmd_run = {
    .name = "run",
    .summary = "the whole pipeline: extract/clean -> lang -> filter -> dedup -> JSONL",
    .description = "Runs every stage over the inputs.",
    .stages = stages,
};
