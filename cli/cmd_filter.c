/* cmd_filter.c — `tamis filter`: quality signals and Gopher/C4/FineWeb/language filters */
#include "cli.h"

static const char *const stages[] = {"filter", NULL};

static const cli_flag flags[] = {
    {0},
};

const cli_command cli_cmd_filter = {
    .name = "filter",
    .summary = "quality signals and Gopher/C4/FineWeb/language filters",
    .description = "Computes quality signals and drops documents that fail the configured filters, with every failing rule and its value as reasons.",
    .stages = stages,
    .flags = flags,
};
