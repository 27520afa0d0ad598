/* cli.h — what the tamis commands share: the command table, common options and the
 * generic "one stage over the shared I/O" driver. Uses only include/tamis.h. */
#ifndef TAMIS_CLI_H
#define TAMIS_CLI_H

#include "tamis.h"

#include <stdio.h>

/* Documented exit codes (docs/cli.md). */
enum {
    CLI_EXIT_OK = 0,       /* done; skipped bad records are reported, not fatal */
    CLI_EXIT_STRICT = 1,   /* --strict and at least one record was skipped */
    CLI_EXIT_USAGE = 2,    /* bad command line or config */
    CLI_EXIT_INPUT = 3,    /* an input could not be opened or read */
    CLI_EXIT_OUTPUT = 4,   /* the output could not be written */
    CLI_EXIT_INTERNAL = 5  /* out of memory or a bug */
};

/* A command-specific flag that sets a stage parameter: `--min-words 50` sets
 * `<stage>.min_words=50`; a flag without value sets the key to "true". */
typedef struct cli_flag {
    const char *flag;      /* "--explain" */
    const char *stage;     /* stage name */
    const char *key;       /* parameter key */
    int takes_value;
    const char *help;
} cli_flag;

typedef struct cli_command {
    const char *name;
    const char *summary;     /* one line for `tamis --help` */
    const char *description; /* paragraph(s) for `tamis NAME --help` */
    const char *const *stages; /* NULL-terminated stage list for generic commands */
    const cli_flag *flags;     /* NULL-flag terminated, may be NULL */
    /* Custom commands implement main themselves (cat, stats, config, dedup stages...). */
    int (*main)(const struct cli_command *cmd, int argc, char **argv);
} cli_command;

extern const cli_command cli_cmd_cat, cli_cmd_stats, cli_cmd_extract, cli_cmd_clean,
    cli_cmd_lang, cli_cmd_filter, cli_cmd_dedup, cli_cmd_run, cli_cmd_config;

/* Verbosity: 0 quiet (errors only), 1 normal, 2 verbose. */
extern int cli_verbosity;

/* Common options every I/O command accepts. */
typedef struct cli_io {
    const char **inputs;
    size_t n_inputs;
    const char *output;       /* default "-" */
    const char *stats_path;   /* --stats FILE */
    const char *config_path;  /* --config FILE */
    const char *dropped_path; /* --dropped FILE */
    int keep_dropped;         /* --keep-dropped */
    int strict;               /* --strict */
    int threads;              /* -j N */
    int progress;             /* --progress / --no-progress (-1: auto) */
    tamis_reader_opts reader;
    tamis_writer_opts writer;
    /* --set stage.key=value and command flags, in order (applied after the config file) */
    char **sets;
    size_t n_sets;
} cli_io;

/* Parses argv into io. Command flags from cmd->flags become sets. Returns -1 on success,
 * or an exit code (usage printed) when the program should stop (e.g. --help: 0). */
int cli_parse_io(const cli_command *cmd, int argc, char **argv, cli_io *io);
void cli_io_free(cli_io *io);

/* Prints the usage of one command (common options + its flags) to f. */
void cli_usage(const cli_command *cmd, FILE *f);

/* Applies the config file's [stage] section and the --set list to a stage. Returns 0 or
 * CLI_EXIT_USAGE (message printed). */
int cli_configure_stage(const cli_io *io, tamis_stage *s);

/* Runs stage_names over the inputs with the shared reader/writer and reports. */
int cli_run_stages(const cli_command *cmd, const cli_io *io, const char *const *stage_names);

/* The generic main for commands with a stage list. */
int cli_generic_main(const cli_command *cmd, int argc, char **argv);

/* Diagnostics on stderr: "tamis: " prefix. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_report_skip(void *ctx, const tamis_error *err);

/* Config file: INI sections [stage] with `key = value` lines, # comments. Looks up the
 * value of key in section; returns a malloc'ed copy or NULL. Iteration for applying: */
typedef void (*cli_ini_fn)(void *ctx, const char *section, const char *key, const char *value,
                           int line);
int cli_ini_parse(const char *path, cli_ini_fn fn, void *ctx); /* 0 ok, -1 cannot read */

/* Writes the self-contained HTML report of a run's stats JSON (via PATH.tmp). 0 or -1. */
int cli_write_report(const char *path, const char *stats_json, const char *title);

#endif
