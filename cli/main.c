/* main.c — `tamis`: command dispatch and top-level help. */
#include "cli.h"

#include <string.h>

static const cli_command *const commands[] = {
    &cli_cmd_run, &cli_cmd_cat, &cli_cmd_stats, &cli_cmd_extract, &cli_cmd_clean,
    &cli_cmd_lang, &cli_cmd_filter, &cli_cmd_dedup, &cli_cmd_config,
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static void top_usage(FILE *f)
{
    fprintf(f,
            "tamis %s — a fine sieve for crawled web text\n\n"
            "usage: tamis COMMAND [OPTIONS] [INPUT...]\n\n"
            "Turns WARC/WET/JSONL/HTML/text input (plain, gzip or zstd; format detected from\n"
            "the bytes) into clean, language-tagged, quality-scored, deduplicated JSONL.\n\n"
            "commands:\n",
            tamis_version());
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(f, "  %-9s %s\n", commands[i]->name, commands[i]->summary);
    fprintf(f, "\n`tamis COMMAND --help` explains a command and its options.\n"
               "Output layout: docs/output.md. Config file: docs/config.md.\n"
               "Exit codes: 0 ok, 1 records skipped with --strict, 2 usage, 3 input error,\n"
               "4 output error, 5 internal error, 130 interrupted (docs/cli.md).\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        top_usage(stderr);
        return CLI_EXIT_USAGE;
    }
    const char *name = argv[1];
    if (!strcmp(name, "--help") || !strcmp(name, "-h") || !strcmp(name, "help")) {
        if (argc > 2 && strcmp(name, "help") == 0) {
            for (size_t i = 0; i < N_COMMANDS; i++)
                if (!strcmp(commands[i]->name, argv[2])) {
                    cli_usage(commands[i], stdout);
                    return CLI_EXIT_OK;
                }
        }
        top_usage(stdout);
        return CLI_EXIT_OK;
    }
    if (!strcmp(name, "--version") || !strcmp(name, "-V")) {
        printf("tamis %s\n", tamis_version());
        return CLI_EXIT_OK;
    }
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (!strcmp(commands[i]->name, name)) {
            const cli_command *c = commands[i];
            return c->main ? c->main(c, argc - 1, argv + 1)
                           : cli_generic_main(c, argc - 1, argv + 1);
        }
    cli_error("unknown command '%s'", name);
    top_usage(stderr);
    return CLI_EXIT_USAGE;
}
