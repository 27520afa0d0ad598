/* cmd_cat.c — `tamis cat`: every record of any supported input as JSONL. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static const char *const no_stages[] = {NULL};

/* cat's own flags are taken out of argv before the shared option parser sees it. */
static int cat_main(const cli_command *cmd, int argc, char **argv)
{
    int content_only = 0, no_payload = 0;
    char **args = malloc(((size_t)argc + 1) * sizeof *args);
    if (!args)
        return CLI_EXIT_INTERNAL;
    int n = 0;
    for (int i = 0; i < argc; i++) {
        if (i > 0 && !strcmp(argv[i], "--content-only"))
            content_only = 1;
        else if (i > 0 && !strcmp(argv[i], "--no-payload"))
            no_payload = 1;
        else
            args[n++] = argv[i];
    }
    args[n] = NULL;
    cli_io io;
    int rc = cli_parse_io(cmd, n, args, &io);
    if (rc < 0) {
        /* cat shows every record (request, warcinfo, metadata, revisit too) with its
         * payload as text, unless asked otherwise. */
        io.reader.keep_non_content = !content_only;
        io.writer.with_payload = !no_payload;
        rc = cli_run_stages(cmd, &io, no_stages);
    }
    if (rc == CLI_EXIT_OK && n > 1 && (!strcmp(args[1], "-h") || !strcmp(args[1], "--help")))
        fputs("cat options:\n"
              "  --content-only         only content records (response, resource, conversion)\n"
              "  --no-payload           do not write the payload\n"
              "common options (docs/cli.md): -o FILE (.gz/.zst compress), --stats FILE,\n"
              "  --format F, --text-field K, --id-field K, --max-record-bytes N, --strict,\n"
              "  -q, -v\n",
              stdout);
    cli_io_free(&io);
    free(args);
    return rc;
}

const cli_command cli_cmd_cat = {
    .name = "cat",
    .summary = "records of any input as JSONL (url, WARC type, date, content type, text)",
    .description =
        "Reads WARC/ARC/WET/JSONL/HTML/text input (plain, gzip or zstd; format detected from\n"
        "the bytes) and writes one JSON line per record: id, source {file, offset, record},\n"
        "metadata {url, warc_type, warc_date, warc_record_id, content_type, charset,\n"
        "http_status, content_length}, text (WET, text/plain, JSONL) and payload (HTML and\n"
        "other textual bodies as UTF-8; binary bodies are omitted). Every WARC record type is\n"
        "shown; bad records are reported on stderr with file, offset and record number.",
    .main = cat_main,
};
