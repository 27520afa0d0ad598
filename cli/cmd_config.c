/* cmd_config.c — `tamis config --default`: every stage parameter with default and help. */
#include "cli.h"

#include <string.h>

static void print_param(void *ctx, const char *key, const char *type, const char *def,
                        const char *help)
{
    (void)ctx;
    printf("# %s (%s)\n%s = %s\n", help, type, key, def ? def : "");
}

static int config_main(const cli_command *cmd, int argc, char **argv)
{
    const char *only = NULL;
    int want_default = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--default"))
            want_default = 1;
        else if (!strcmp(argv[i], "--stage") && i + 1 < argc)
            only = argv[++i];
        else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            printf("usage: tamis config --default [--stage NAME]\n\n%s\n", cmd->description);
            return CLI_EXIT_OK;
        } else {
            cli_error("config: unknown option '%s'", argv[i]);
            return CLI_EXIT_USAGE;
        }
    }
    if (!want_default) {
        cli_error("config: say --default to print the default configuration");
        return CLI_EXIT_USAGE;
    }
    printf("# tamis configuration (INI). Pass with --config FILE; override with --set STAGE.KEY=V.\n");
    if (!only || !strcmp(only, "run"))
        printf("\n[run]\n# stages `tamis run` applies, in order (string)\n"
               "stages = extract, clean, lang, filter, dedup\n"
               "# memory budget in MB, at least 160: batches in flight, arenas kept, dedup's\n"
               "# records (on disk under OUTDIR/.tamis past their share); docs/config.md (integer)\n"
               "mem_mb = 1024\n");
    for (const char *const *s = tamis_stage_names(); *s; s++) {
        if (only && strcmp(only, *s))
            continue;
        printf("\n[%s]\n", *s);
        tamis_stage_params(*s, print_param, NULL);
    }
    return CLI_EXIT_OK;
}

const cli_command cli_cmd_config = {
    .name = "config",
    .summary = "print the default configuration (every stage parameter, documented)",
    .description = "Prints an INI file with every parameter of every stage, its type, default and meaning.",
    .main = config_main,
};
