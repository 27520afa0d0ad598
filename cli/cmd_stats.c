/* cmd_stats.c — `tamis stats`: counts of records, types and bytes of any input. */
#include "cli.h"

static const char *const no_stages[] = {NULL};

static int stats_main(const cli_command *cmd, int argc, char **argv)
{
    cli_io io;
    int rc = cli_parse_io(cmd, argc, argv, &io);
    if (rc < 0) {
        io.output = "/dev/null";
        rc = cli_run_stages(cmd, &io, no_stages);
    }
    cli_io_free(&io);
    return rc;
}

const cli_command cli_cmd_stats = {
    .name = "stats",
    .summary = "count records, bytes and errors of any input",
    .description = "Reads the input and prints its statistics as JSON.",
    .main = stats_main,
};
