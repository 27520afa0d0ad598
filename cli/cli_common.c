/* cli_common.c — options every I/O command shares, config file, and the generic
 * "stages over the shared reader/writer" driver. */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

int cli_verbosity = 1;

static void vsay(const char *fmt, va_list ap)
{
    fputs("tamis: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsay(fmt, ap);
    va_end(ap);
}

void cli_info(const char *fmt, ...)
{
    if (cli_verbosity < 1)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsay(fmt, ap);
    va_end(ap);
}

/* Each skipped record: one line naming file, byte offset and record number. */
void cli_report_skip(void *ctx, const tamis_error *e)
{
    (void)ctx;
    if (cli_verbosity < 1)
        return;
    fprintf(stderr, "tamis: %s: offset %llu, record %llu: %s: %s (skipped)\n",
            e->file[0] ? e->file : "-", (unsigned long long)e->offset,
            (unsigned long long)e->record, tamis_strerror(e->status), e->message);
}

static const char common_help[] =
    "input/output:\n"
    "  INPUT...               files, directories or - (stdin); default: stdin\n"
    "  -o, --output FILE      JSONL output (.gz/.zst compress); default: stdout\n"
    "  --dropped FILE         also write dropped documents (with reasons) to FILE\n"
    "  --keep-dropped         write dropped documents to the output too\n"
    "  --stats FILE           write run statistics as JSON to FILE\n"
    "  --format F             force input format: auto warc arc jsonl text html\n"
    "  --text-field KEY       JSONL: field holding the text (default text)\n"
    "  --id-field KEY         JSONL: field holding the id (default id)\n"
    "  --max-record-bytes N   skip records larger than N bytes (default 64 MiB)\n"
    "  --payload              write the raw payload too (as UTF-8)\n"
    "configuration:\n"
    "  --config FILE          INI config: [stage] sections of key = value (docs/config.md)\n"
    "  --set STAGE.KEY=VALUE  override one parameter (repeatable)\n"
    "general:\n"
    "  -j, --threads N        worker threads (default: all cores)\n"
    "  --strict               exit 1 if any record was skipped as bad input\n"
    "  -q, --quiet            errors only    -v, --verbose  more detail\n"
    "  -h, --help             this help\n";

void cli_usage(const cli_command *cmd, FILE *f)
{
    fprintf(f, "usage: tamis %s [OPTIONS] [INPUT...]\n\n%s\n\n%s\n", cmd->name, cmd->summary,
            cmd->description ? cmd->description : "");
    if (cmd->flags && cmd->flags[0].flag) {
        fprintf(f, "%s options:\n", cmd->name);
        for (const cli_flag *fl = cmd->flags; fl->flag; fl++) {
            char left[64];
            snprintf(left, sizeof left, "%s%s", fl->flag, fl->takes_value ? " V" : "");
            fprintf(f, "  %-22s %s (%s.%s)\n", left, fl->help, fl->stage, fl->key);
        }
    }
    if (!cmd->main || cmd->stages) {
        fputs(common_help, f);
        if (cmd->stages) {
            fprintf(f, "stage parameters (set with --set or --config):\n");
            for (const char *const *s = cmd->stages; *s; s++)
                fprintf(f, "  see `tamis config --default --stage %s`\n", *s);
        }
    }
}

static int add_set(cli_io *io, const char *stage, const char *key, const char *val)
{
    size_t n = strlen(stage) + strlen(key) + strlen(val) + 3;
    char *s = malloc(n);
    if (!s)
        return CLI_EXIT_INTERNAL;
    snprintf(s, n, "%s.%s=%s", stage, key, val);
    char **ns = realloc(io->sets, (io->n_sets + 1) * sizeof *ns);
    if (!ns) {
        free(s);
        return CLI_EXIT_INTERNAL;
    }
    io->sets = ns;
    io->sets[io->n_sets++] = s;
    return -1;
}

static int parse_format(const char *v, tamis_format *out)
{
    static const char *const names[] = {"auto", "warc", "arc", "jsonl", "text", "html"};
    for (int i = 0; i < 6; i++)
        if (!strcmp(v, names[i])) {
            *out = (tamis_format)i;
            return 0;
        }
    return -1;
}

int cli_parse_io(const cli_command *cmd, int argc, char **argv, cli_io *io)
{
    memset(io, 0, sizeof *io);
    io->output = "-";
    io->progress = -1;
    tamis_reader_opts_init(&io->reader);
    tamis_writer_opts_init(&io->writer);
    io->inputs = calloc((size_t)argc + 1, sizeof *io->inputs);
    if (!io->inputs)
        return CLI_EXIT_INTERNAL;
    int only_inputs = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
#define NEED_VALUE()                                                                       \
    do {                                                                                   \
        if (!v) {                                                                          \
            cli_error("%s: option %s needs a value", cmd->name, a);                        \
            return CLI_EXIT_USAGE;                                                         \
        }                                                                                  \
        i++;                                                                               \
    } while (0)
        if (only_inputs || a[0] != '-' || !strcmp(a, "-")) {
            io->inputs[io->n_inputs++] = a;
            continue;
        }
        if (a[0] == '-' && a[1] == 'j' && a[2]) { /* -j2 */
            v = a + 2;
            a = "-j";
            i--;
        }
        if (!strcmp(a, "--")) {
            only_inputs = 1;
        } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            cli_usage(cmd, stdout);
            return CLI_EXIT_OK;
        } else if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
            NEED_VALUE();
            io->output = v;
        } else if (!strcmp(a, "--stats")) {
            NEED_VALUE();
            io->stats_path = v;
        } else if (!strcmp(a, "--config")) {
            NEED_VALUE();
            io->config_path = v;
        } else if (!strcmp(a, "--dropped")) {
            NEED_VALUE();
            io->dropped_path = v;
        } else if (!strcmp(a, "--keep-dropped")) {
            io->keep_dropped = 1;
        } else if (!strcmp(a, "--strict")) {
            io->strict = 1;
        } else if (!strcmp(a, "--payload")) {
            io->writer.with_payload = 1;
        } else if (!strcmp(a, "--progress")) {
            io->progress = 1;
        } else if (!strcmp(a, "--no-progress")) {
            io->progress = 0;
        } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
            cli_verbosity = 0;
        } else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
            cli_verbosity = 2;
        } else if (!strcmp(a, "-j") || !strcmp(a, "--threads")) {
            NEED_VALUE();
            char *end;
            long n = strtol(v, &end, 10);
            if (*end || n < 0 || n > 1024) {
                cli_error("%s: -j takes a thread count (0 = all cores), not '%s'", cmd->name, v);
                return CLI_EXIT_USAGE;
            }
            io->threads = (int)n;
        } else if (!strcmp(a, "--format")) {
            NEED_VALUE();
            if (parse_format(v, &io->reader.format)) {
                cli_error("%s: unknown format '%s' (auto warc arc jsonl text html)", cmd->name, v);
                return CLI_EXIT_USAGE;
            }
        } else if (!strcmp(a, "--text-field")) {
            NEED_VALUE();
            io->reader.text_field = v;
        } else if (!strcmp(a, "--id-field")) {
            NEED_VALUE();
            io->reader.id_field = v;
        } else if (!strcmp(a, "--max-record-bytes")) {
            NEED_VALUE();
            char *end;
            unsigned long long n = strtoull(v, &end, 10);
            if (*end || n == 0) {
                cli_error("%s: --max-record-bytes takes a positive byte count", cmd->name);
                return CLI_EXIT_USAGE;
            }
            io->reader.max_record_bytes = n;
        } else if (!strcmp(a, "--set")) {
            NEED_VALUE();
            const char *dot = strchr(v, '.'), *eq = strchr(v, '=');
            if (!dot || !eq || dot > eq) {
                cli_error("%s: --set takes STAGE.KEY=VALUE, not '%s'", cmd->name, v);
                return CLI_EXIT_USAGE;
            }
            char stage[64], key[128];
            snprintf(stage, sizeof stage, "%.*s", (int)(dot - v), v);
            snprintf(key, sizeof key, "%.*s", (int)(eq - dot - 1), dot + 1);
            int rc = add_set(io, stage, key, eq + 1);
            if (rc >= 0)
                return rc;
        } else {
            const cli_flag *hit = NULL;
            for (const cli_flag *fl = cmd->flags; fl && fl->flag; fl++)
                if (!strcmp(fl->flag, a))
                    hit = fl;
            if (!hit) {
                cli_error("%s: unknown option '%s' (see `tamis %s --help`)", cmd->name, a,
                          cmd->name);
                return CLI_EXIT_USAGE;
            }
            if (hit->takes_value)
                NEED_VALUE();
            int rc = add_set(io, hit->stage, hit->key, hit->takes_value ? v : "true");
            if (rc >= 0)
                return rc;
        }
#undef NEED_VALUE
    }
    if (io->n_inputs == 0)
        io->inputs[io->n_inputs++] = "-";
    return -1;
}

void cli_io_free(cli_io *io)
{
    for (size_t i = 0; i < io->n_sets; i++)
        free(io->sets[i]);
    free(io->sets);
    free(io->inputs);
    memset(io, 0, sizeof *io);
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    char *e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
        *--e = '\0';
    return s;
}

int cli_ini_parse(const char *path, cli_ini_fn fn, void *ctx)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char line[4096], section[128] = "";
    int ln = 0;
    while (fgets(line, sizeof line, f)) {
        ln++;
        char *s = trim(line);
        if (!*s || *s == '#' || *s == ';')
            continue;
        if (*s == '[') {
            char *e = strchr(s, ']');
            if (e)
                *e = '\0';
            snprintf(section, sizeof section, "%s", trim(s + 1));
            continue;
        }
        char *eq = strchr(s, '=');
        if (!eq) {
            fn(ctx, section, s, NULL, ln);
            continue;
        }
        *eq = '\0';
        char *val = trim(eq + 1);
        /* Strip an inline comment after the value. */
        char *hash = strstr(val, " #");
        if (hash)
            *hash = '\0';
        val = trim(val);
        size_t vl = strlen(val);
        if (vl >= 2 && val[0] == '"' && val[vl - 1] == '"') {
            val[vl - 1] = '\0';
            val++;
        }
        fn(ctx, section, trim(s), val, ln);
    }
    fclose(f);
    return 0;
}

typedef struct apply_ctx {
    const cli_io *io;
    tamis_stage *stage;
    int rc;
} apply_ctx;

static void apply_ini(void *vctx, const char *section, const char *key, const char *value,
                      int line)
{
    apply_ctx *c = vctx;
    const char *name = tamis_stage_name(c->stage);
    size_t nl = strlen(name);
    if (c->rc || strncmp(section, name, nl) != 0 || (section[nl] && section[nl] != '.'))
        return;
    if (!value) {
        cli_error("%s:%d: expected `key = value`", c->io->config_path, line);
        c->rc = CLI_EXIT_USAGE;
        return;
    }
    /* [stage.sub] key = v is --set stage.sub.key=v (filter's [filter.lang.zh]) */
    char full[256];
    if (section[nl]) {
        snprintf(full, sizeof full, "%s.%s", section + nl + 1, key);
        key = full;
    }
    tamis_error err = {0};
    if (tamis_stage_set(c->stage, key, value, &err) != TAMIS_OK) {
        cli_error("%s:%d: %s", c->io->config_path, line, err.message);
        c->rc = CLI_EXIT_USAGE;
    }
}

int cli_configure_stage(const cli_io *io, tamis_stage *s)
{
    if (io->config_path) {
        apply_ctx c = {io, s, 0};
        if (cli_ini_parse(io->config_path, apply_ini, &c) != 0) {
            cli_error("%s: cannot read config: %s", io->config_path, strerror(errno));
            return CLI_EXIT_USAGE;
        }
        if (c.rc)
            return c.rc;
    }
    const char *name = tamis_stage_name(s);
    size_t nl = strlen(name);
    for (size_t i = 0; i < io->n_sets; i++) {
        const char *set = io->sets[i];
        if (strncmp(set, name, nl) != 0 || set[nl] != '.')
            continue;
        const char *eq = strchr(set, '=');
        char key[128];
        snprintf(key, sizeof key, "%.*s", (int)(eq - set - nl - 1), set + nl + 1);
        tamis_error err = {0};
        if (tamis_stage_set(s, key, eq + 1, &err) != TAMIS_OK) {
            cli_error("%s", err.message);
            return CLI_EXIT_USAGE;
        }
    }
    return 0;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

typedef struct progress_ctx {
    int tty;
} progress_ctx;

static void on_progress(void *vctx, const tamis_progress *p)
{
    progress_ctx *c = vctx;
    if (cli_verbosity < 1 || !c->tty)
        return;
    double mb = p->bytes_in / 1e6;
    double rate = p->seconds > 0 ? mb / p->seconds : 0;
    fprintf(stderr, "\r\033[K%llu in, %llu kept, %llu dropped, %llu skipped | %.1f MB %.1f MB/s %.0f docs/s",
            (unsigned long long)p->records_in, (unsigned long long)p->written,
            (unsigned long long)p->dropped, (unsigned long long)p->skipped, mb, rate,
            p->seconds > 0 ? p->records_in / p->seconds : 0.0);
    if (p->bytes_total && rate > 0 && p->bytes_in < p->bytes_total)
        fprintf(stderr, " ETA %.0fs", (p->bytes_total - p->bytes_in) / 1e6 / rate);
}

static int status_exit(tamis_status st)
{
    switch (st) {
    case TAMIS_OK: return CLI_EXIT_OK;
    case TAMIS_ERR_ARG: return CLI_EXIT_USAGE;
    case TAMIS_ERR_NOMEM:
    case TAMIS_ERR_INTERNAL: return CLI_EXIT_INTERNAL;
    default: return CLI_EXIT_INPUT;
    }
}

int cli_run_stages(const cli_command *cmd, const cli_io *io, const char *const *stage_names)
{
    int rc = 0;
    tamis_stage *stages[16] = {0};
    size_t n_stages = 0;
    tamis_pipeline *p = NULL;
    tamis_stats *stats = tamis_stats_new();
    progress_ctx pc = {io->progress == -1 ? isatty(2) : io->progress};
    if (!stats)
        return CLI_EXIT_INTERNAL;
    for (const char *const *s = stage_names; s && *s && n_stages < 16; s++) {
        tamis_error err = {0};
        if (tamis_stage_new(&stages[n_stages], *s, &err) != TAMIS_OK) {
            cli_error("%s", err.message);
            rc = CLI_EXIT_USAGE;
            goto out;
        }
        n_stages++;
        if ((rc = cli_configure_stage(io, stages[n_stages - 1])) != 0)
            goto out;
    }
    tamis_pipeline_opts po;
    tamis_pipeline_opts_init(&po);
    po.threads = io->threads;
    po.reader = io->reader;
    po.writer = io->writer;
    po.write_dropped = io->keep_dropped;
    po.dropped_path = io->dropped_path;
    po.on_error = cli_report_skip;
    po.on_progress = on_progress;
    po.ctx = &pc;
    if (tamis_pipeline_new(&p, &po) != TAMIS_OK) {
        rc = CLI_EXIT_INTERNAL;
        goto out;
    }
    for (size_t i = 0; i < n_stages; i++)
        tamis_pipeline_add(p, stages[i]);
    double t0 = now_seconds();
    tamis_error err = {0};
    tamis_status st = tamis_pipeline_run(p, (const char *const *)io->inputs, io->n_inputs,
                                         io->output, stats, &err);
    double secs = now_seconds() - t0;
    if (pc.tty && cli_verbosity >= 1)
        fputc('\n', stderr);
    if (st != TAMIS_OK) {
        if (err.file[0])
            cli_error("%s: %s", err.file, err.message[0] ? err.message : tamis_strerror(st));
        else
            cli_error("%s: %s", cmd->name, err.message[0] ? err.message : tamis_strerror(st));
        rc = status_exit(st);
        if (st == TAMIS_ERR_IO && err.file[0] && io->output && !strcmp(err.file, io->output))
            rc = CLI_EXIT_OUTPUT;
    }
    char *js = NULL;
    if (tamis_stats_json(stats, secs, &js) == TAMIS_OK) {
        if (io->stats_path) {
            FILE *f = fopen(io->stats_path, "w");
            if (!f || fprintf(f, "%s\n", js) < 0 || fclose(f) != 0) {
                cli_error("%s: cannot write stats: %s", io->stats_path, strerror(errno));
                if (!rc)
                    rc = CLI_EXIT_OUTPUT;
            }
        }
        if (cli_verbosity >= 2)
            fprintf(stderr, "tamis: stats %s\n", js);
        free(js);
    }
    if (cli_verbosity >= 1)
        fprintf(stderr, "tamis %s: %llu records in, %llu written, %llu dropped, %llu skipped (%.2fs)\n",
                cmd->name, (unsigned long long)tamis_stats_in(stats),
                (unsigned long long)tamis_stats_written(stats),
                (unsigned long long)tamis_stats_dropped(stats),
                (unsigned long long)tamis_stats_skipped(stats), secs);
    if (!rc && io->strict && tamis_stats_skipped(stats))
        rc = CLI_EXIT_STRICT;
out:
    tamis_pipeline_free(p);
    for (size_t i = 0; i < n_stages; i++)
        tamis_stage_free(stages[i]);
    tamis_stats_free(stats);
    return rc;
}

int cli_generic_main(const cli_command *cmd, int argc, char **argv)
{
    cli_io io;
    int rc = cli_parse_io(cmd, argc, argv, &io);
    if (rc < 0)
        rc = cli_run_stages(cmd, &io, cmd->stages);
    cli_io_free(&io);
    return rc;
}
