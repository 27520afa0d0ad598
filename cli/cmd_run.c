/* cmd_run.c — `tamis run`: the whole pipeline over many shards, resumable, with progress,
 * OUTDIR/stats.json and OUTDIR/report.html. */
#include "cli.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static volatile int run_cancel;

static void on_sigint(int sig)
{
    (void)sig;
    run_cancel = 1;
}

/* Default memory budget of a run in MiB (docs/config.md says how it is split). */
#define RUN_MEM_MB_DEFAULT 1024
/* Below this the fixed part (program, libraries, models: 64 MB reserved) and small
 * batches of documents do not fit. */
#define RUN_MEM_MB_MIN 160

typedef struct run_cfg {
    char stages[256];
    int rc;
    const char *path;
    long mem_mb;
} run_cfg;

/* Parses a budget in MiB: an integer >= RUN_MEM_MB_MIN; -1 if it is not one. */
static long parse_mem_mb(const char *v)
{
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (errno || end == v || *end || n < RUN_MEM_MB_MIN || n > (1L << 30))
        return -1;
    return n;
}

static void read_run_section(void *vctx, const char *section, const char *key,
                             const char *value, int line)
{
    run_cfg *c = vctx;
    if (strcmp(section, "run") != 0 || c->rc)
        return;
    if (value && !strcmp(key, "stages")) {
        snprintf(c->stages, sizeof c->stages, "%s", value);
        return;
    }
    if (value && !strcmp(key, "mem_mb")) {
        if ((c->mem_mb = parse_mem_mb(value)) < 0) {
            cli_error("%s:%d: [run] mem_mb: '%s' is not a number of MB >= %d", c->path, line,
                      value, RUN_MEM_MB_MIN);
            c->rc = CLI_EXIT_USAGE;
        }
        return;
    }
    cli_error("%s:%d: unknown [run] key '%s' (stages, mem_mb)", c->path, line, key);
    c->rc = CLI_EXIT_USAGE;
}

static int split_stages(char *list, const char **out, int max)
{
    int n = 0;
    for (char *tok = strtok(list, ", "); tok && n < max; tok = strtok(NULL, ", "))
        out[n++] = tok;
    out[n] = NULL;
    return n;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

typedef struct progress_state {
    int tty;
    double last_log;
} progress_state;

static void on_progress(void *vctx, const tamis_progress *p)
{
    progress_state *s = vctx;
    if (cli_verbosity < 1)
        return;
    double mb = p->bytes_in / 1e6, rate = p->seconds > 0 ? mb / p->seconds : 0;
    char eta[32] = "";
    if (p->bytes_total && rate > 0 && p->bytes_in < p->bytes_total)
        snprintf(eta, sizeof eta, " ETA %.0fs", (p->bytes_total - p->bytes_in) / 1e6 / rate);
    if (s->tty) {
        fprintf(stderr,
                "\r\033[K[%zu/%zu] %llu in | %llu kept | %llu dropped | %llu skipped | %.1f MB | "
                "%.0f docs/s | %.1f MB/s%s",
                p->input_index + 1 > p->input_count ? p->input_count : p->input_index + 1,
                p->input_count, (unsigned long long)p->records_in,
                (unsigned long long)p->written, (unsigned long long)p->dropped,
                (unsigned long long)p->skipped, mb,
                p->seconds > 0 ? p->records_in / p->seconds : 0.0, rate, eta);
    } else if (p->seconds - s->last_log >= 10) {
        s->last_log = p->seconds;
        fprintf(stderr,
                "tamis run: %llu in, %llu kept, %llu dropped, %llu skipped, %.1f MB, %.1f MB/s%s\n",
                (unsigned long long)p->records_in, (unsigned long long)p->written,
                (unsigned long long)p->dropped, (unsigned long long)p->skipped, mb, rate, eta);
    }
}

static const char run_help[] =
    "Runs read -> extract (HTML records) or clean (text records) -> lang -> filter ->\n"
    "dedup -> write over every INPUT. Input i becomes OUTDIR/part-NNNNN.jsonl.zst (in input\n"
    "order, the same bytes whatever -j); with --keep-dropped the dropped documents and their\n"
    "reasons go to OUTDIR/dropped/. OUTDIR/stats.json holds every count and histogram;\n"
    "OUTDIR/report.html shows them (one self-contained page).\n\n"
    "Resumable: every file is written as NAME.tmp and renamed when complete. Run the same\n"
    "command again after a crash, kill or Ctrl-C and only unfinished shards are redone.\n\n"
    "run options:\n"
    "  -o, --output OUTDIR    output directory (required)\n"
    "  --stages LIST          comma-separated stages (default extract,clean,lang,filter,dedup)\n"
    "  --config FILE          INI config; [run] stages = ..., mem_mb = N, [STAGE] key = value\n"
    "  --mem-mb N             memory budget in MB (default 1024, at least 160): 64 MB for\n"
    "                         the program and models, of the rest a quarter for batches in\n"
    "                         flight, half for dedup's records (at most dedup.mem_mb; on\n"
    "                         disk under OUTDIR/.tamis past that); docs/config.md\n"
    "  --set STAGE.KEY=VALUE  override one parameter (repeatable)\n"
    "  --keep-dropped         also write dropped documents to OUTDIR/dropped/\n"
    "  -j, --threads N        worker threads (default: all cores)\n"
    "  --progress/--no-progress  force the progress line on or off (default: on a tty)\n"
    "  --format, --text-field, --id-field, --max-record-bytes  as for every command\n"
    "  -q, -v                 quieter, more verbose\n\n"
    "Defaults: `tamis config --default` prints every stage parameter.\n";

static int run_main(const cli_command *cmd, int argc, char **argv)
{
    /* --stages and --mem-mb are ours; everything else is the common option set. */
    char stages_arg[256] = "";
    const char *mem_arg = NULL;
    char **args = calloc((size_t)argc + 1, sizeof *args);
    int nargs = 0;
    if (!args)
        return CLI_EXIT_INTERNAL;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--stages") && i + 1 < argc) {
            snprintf(stages_arg, sizeof stages_arg, "%s", argv[++i]);
            continue;
        }
        if (!strcmp(argv[i], "--mem-mb") && i + 1 < argc) {
            mem_arg = argv[++i];
            continue;
        }
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            printf("usage: tamis run [OPTIONS] INPUT... -o OUTDIR\n\n%s", run_help);
            free(args);
            return CLI_EXIT_OK;
        }
        args[nargs++] = argv[i];
    }
    cli_io io;
    int rc = cli_parse_io(cmd, nargs, args, &io);
    if (rc >= 0) {
        free(args);
        return rc;
    }
    run_cfg rcfg = {"extract,clean,lang,filter,dedup", 0, io.config_path, RUN_MEM_MB_DEFAULT};
    if (io.config_path && cli_ini_parse(io.config_path, read_run_section, &rcfg) != 0) {
        cli_error("%s: cannot read config: %s", io.config_path, strerror(errno));
        rc = CLI_EXIT_USAGE;
        goto out;
    }
    if (rcfg.rc) {
        rc = rcfg.rc;
        goto out;
    }
    if (stages_arg[0])
        snprintf(rcfg.stages, sizeof rcfg.stages, "%s", stages_arg);
    if (mem_arg && (rcfg.mem_mb = parse_mem_mb(mem_arg)) < 0) {
        cli_error("run: --mem-mb '%s' is not a number of MB >= %d", mem_arg, RUN_MEM_MB_MIN);
        rc = CLI_EXIT_USAGE;
        goto out;
    }
    if (!strcmp(io.output, "-")) {
        cli_error("run: say where the output goes: -o OUTDIR");
        rc = CLI_EXIT_USAGE;
        goto out;
    }
    if (io.n_inputs == 1 && !strcmp(io.inputs[0], "-")) {
        cli_error("run: give the input files (a run is resumable, so it does not read stdin)");
        rc = CLI_EXIT_USAGE;
        goto out;
    }
    const char *names[17];
    split_stages(rcfg.stages, names, 16);
    tamis_stage *stages[16] = {0};
    size_t n_stages = 0;
    for (size_t i = 0; names[i]; i++) {
        tamis_error err = {0};
        if (tamis_stage_new(&stages[n_stages], names[i], &err) != TAMIS_OK) {
            cli_error("run: %s", err.message);
            rc = CLI_EXIT_USAGE;
            goto free_stages;
        }
        n_stages++;
        if ((rc = cli_configure_stage(&io, stages[n_stages - 1])) != 0)
            goto free_stages;
    }
    progress_state ps = {io.progress == -1 ? isatty(2) : io.progress, 0};
    tamis_pipeline_opts po;
    tamis_pipeline_opts_init(&po);
    po.threads = io.threads;
    po.mem_mb = (size_t)rcfg.mem_mb;
    po.reader = io.reader;
    po.writer = io.writer;
    po.write_dropped = io.keep_dropped || io.dropped_path;
    po.on_error = cli_report_skip;
    po.on_progress = on_progress;
    po.ctx = &ps;
    po.cancel = &run_cancel;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    tamis_pipeline *p = NULL;
    tamis_stats *stats = tamis_stats_new();
    if (!stats || tamis_pipeline_new(&p, &po) != TAMIS_OK) {
        rc = CLI_EXIT_INTERNAL;
        goto free_all;
    }
    for (size_t i = 0; i < n_stages; i++)
        tamis_pipeline_add(p, stages[i]);
    double t0 = now_seconds();
    tamis_error err = {0};
    tamis_status st = tamis_pipeline_run_dir(p, (const char *const *)io.inputs, io.n_inputs,
                                             io.output, stats, &err);
    double secs = now_seconds() - t0;
    if (ps.tty && cli_verbosity >= 1)
        fputc('\n', stderr);
    if (st == TAMIS_ERR_CANCELLED) {
        cli_error("run: interrupted; finished shards are kept, run the same command to resume");
        rc = 130;
        goto free_all;
    }
    if (st != TAMIS_OK) {
        cli_error("run: %s%s%s", err.file[0] ? err.file : "", err.file[0] ? ": " : "",
                  err.message[0] ? err.message : tamis_strerror(st));
        rc = st == TAMIS_ERR_IO && err.file[0] && strstr(err.file, io.output) == err.file
                 ? CLI_EXIT_OUTPUT
                 : st == TAMIS_ERR_NOMEM || st == TAMIS_ERR_INTERNAL ? CLI_EXIT_INTERNAL
                                                                     : CLI_EXIT_INPUT;
        /* Unopenable inputs still leave a complete run of the others. */
        if (rc != CLI_EXIT_INPUT)
            goto free_all;
    }
    char *js = NULL;
    if (tamis_stats_json(stats, secs, &js) != TAMIS_OK) {
        rc = CLI_EXIT_INTERNAL;
        goto free_all;
    }
    char path[4096], tmp[4200];
    snprintf(path, sizeof path, "%s/stats.json", io.output);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f || fprintf(f, "%s\n", js) < 0 || fclose(f) != 0 || rename(tmp, path) != 0) {
        cli_error("%s: cannot write: %s", path, strerror(errno));
        rc = CLI_EXIT_OUTPUT;
    } else {
        snprintf(path, sizeof path, "%s/report.html", io.output);
        if (cli_write_report(path, js, io.output) != 0) {
            cli_error("%s: cannot write: %s", path, strerror(errno));
            rc = CLI_EXIT_OUTPUT;
        }
    }
    free(js);
    if (cli_verbosity >= 1)
        fprintf(stderr,
                "tamis run: %llu records in, %llu written, %llu dropped, %llu skipped (%.2fs) -> %s\n",
                (unsigned long long)tamis_stats_in(stats),
                (unsigned long long)tamis_stats_written(stats),
                (unsigned long long)tamis_stats_dropped(stats),
                (unsigned long long)tamis_stats_skipped(stats), secs, io.output);
    /* -v: what each stage reports (dedup: clusters, pairs, records kept on disk). */
    for (size_t i = 0; cli_verbosity >= 2 && i < n_stages; i++) {
        char *rep = NULL;
        if (tamis_stage_report(stages[i], &rep) == TAMIS_OK && rep)
            fprintf(stderr, "tamis run: %s: %s\n", tamis_stage_name(stages[i]), rep);
        free(rep);
    }
    if (!rc && io.strict && tamis_stats_skipped(stats))
        rc = CLI_EXIT_STRICT;
free_all:
    tamis_pipeline_free(p);
    tamis_stats_free(stats);
free_stages:
    for (size_t i = 0; i < n_stages; i++)
        tamis_stage_free(stages[i]);
out:
    cli_io_free(&io);
    free(args);
    return rc;
}

const cli_command cli_cmd_run = {
    .name = "run",
    .summary = "the whole pipeline: extract/clean -> lang -> filter -> dedup -> JSONL shards + report",
    .description = run_help,
    .main = run_main,
};
