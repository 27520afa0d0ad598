/* cmd_cat.c — `tamis cat`: every record of any supported input as JSONL. */
#include "cli.h"

static const char *const no_stages[] = {NULL};

static int cat_main(const cli_command *cmd, int argc, char **argv)
{
    cli_io io;
    int rc = cli_parse_io(cmd, argc, argv, &io);
    if (rc < 0)
        rc = cli_run_stages(cmd, &io, no_stages);
    cli_io_free(&io);
    return rc;
}

const cli_command cli_cmd_cat = {
    .name = "cat",
    .summary = "records of any input as JSONL (url, WARC type, date, content type, text)",
    .description = "Reads WARC/ARC/WET/JSONL/HTML/text input and writes one JSON line per record.",
    .main = cat_main,
};
