/* cmd_dedup.c — `tamis dedup`: exact, line-level and MinHash-LSH near-duplicate detection */
#include "cli.h"

static const char *const stages[] = {"dedup", NULL};

static const cli_flag flags[] = {
    {0},
};

const cli_command cli_cmd_dedup = {
    .name = "dedup",
    .summary = "exact, line-level and MinHash-LSH near-duplicate detection",
    .description = "Marks duplicate clusters across the whole input and drops non-representatives.",
    .stages = stages,
    .flags = flags,
};
