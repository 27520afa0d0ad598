/* cmd_clean.c — `tamis clean`: scraped text -> article text + metadata, boilerplate lines removed */
#include "cli.h"

static const char *const stages[] = {"clean", NULL};

static const cli_flag flags[] = {
    {0},
};

const cli_command cli_cmd_clean = {
    .name = "clean",
    .summary = "scraped text -> article text + metadata, boilerplate lines removed",
    .description = "Removes template and navigation lines from extracted text (WET, JSONL, .txt) and moves title, byline, dates, reading time, site and related links into metadata.",
    .stages = stages,
    .flags = flags,
};
