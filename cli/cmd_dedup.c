/* cmd_dedup.c — `tamis dedup`: exact, line-level and MinHash-LSH near-duplicate detection,
 * all in one command or as the four sharded steps (signatures, buckets, cluster, filter). */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *const stages[] = {"dedup", NULL};

static const cli_flag flags[] = {
    {"--pairs", "dedup", "pairs", 1, "write verified pairs (id_a, id_b, similarity) as TSV"},
    {"--lines", "dedup", "lines", 0, "also remove lines repeated across the corpus (CCNet)"},
    {"--containment", "dedup", "containment", 0,
     "similarity = containment of the shorter in the longer (truncated copies)"},
    {"--threshold", "dedup", "threshold", 1, "similarity of a duplicate pair (default 0.8)"},
    {"--keep", "dedup", "keep", 1, "representative kept: first, longest, earliest"},
    {"--verify", "dedup", "verify", 1, "candidate check: exact, estimate, none"},
    {"--bands", "dedup", "bands", 1, "LSH bands (default 14)"},
    {"--rows", "dedup", "rows", 1, "rows per band (default 8)"},
    {"--ngram", "dedup", "ngram", 1, "words per shingle (default 5)"},
    {"--seed", "dedup", "seed", 1, "MinHash seed (default 1)"},
    {"--partitions", "dedup", "partitions", 1, "hash-range partitions of the buckets step"},
    {"--mem-mb", "dedup", "mem_mb", 1, "sort buffer of the buckets step before spilling"},
    {0},
};

static const char description[] =
    "Marks duplicate clusters across the whole input and drops non-representatives:\n"
    "exact (XXH3-128 of the normalised text), near (MinHash-LSH, verified), optionally\n"
    "line dedup (--lines). Each document gets dup_cluster {id, size, keep}.\n\n"
    "  tamis dedup [OPTIONS] INPUT...     everything locally: signatures, buckets by\n"
    "                                     partition (external sort), cluster, filter\n"
    "                                     (with --lines: the in-memory corpus stage)\n"
    "sharded steps (file formats in docs/dedup.md; same [dedup] settings in every step):\n"
    "  tamis dedup signatures [--shard N] -o SHARD.sig INPUT...\n"
    "  tamis dedup buckets --partition I -o EDGES.tsv [--tmp DIR] SIG...\n"
    "  tamis dedup cluster --edges EDGES.tsv [--edges ...] -o CLUSTERS.tsv SIG...\n"
    "  tamis dedup filter --clusters CLUSTERS.tsv [--shard N] -o OUT.jsonl INPUT...";

/* Removes `opt VALUE` occurrences from argv and collects the values. */
static int take_opt(int *argc, char **argv, const char *opt, const char **vals, int max)
{
    int n = 0, w = 1;
    for (int i = 1; i < *argc; i++) {
        if (!strcmp(argv[i], opt) && i + 1 < *argc) {
            if (n < max)
                vals[n++] = argv[i + 1];
            i++;
            continue;
        }
        argv[w++] = argv[i];
    }
    *argc = w;
    argv[w] = NULL;
    return n;
}

typedef struct apply_ctx {
    tamis_dedup *d;
    const char *path;
    int rc;
} apply_ctx;

static void apply_ini(void *vctx, const char *section, const char *key, const char *value,
                      int line)
{
    apply_ctx *c = vctx;
    if (c->rc || strcmp(section, "dedup") != 0 || !value)
        return;
    tamis_error err = {0};
    if (tamis_dedup_set(c->d, key, value, &err) != TAMIS_OK) {
        cli_error("%s:%d: %s", c->path, line, err.message);
        c->rc = CLI_EXIT_USAGE;
    }
}

/* The [dedup] section of --config, then every --set dedup.KEY=V and command flag. */
static int configure(const cli_io *io, tamis_dedup *d)
{
    char jn[16];
    snprintf(jn, sizeof jn, "%d", io->threads);
    tamis_dedup_set(d, "threads", jn, NULL); /* -j; a [dedup] threads setting overrides */
    if (io->config_path) {
        apply_ctx c = {d, io->config_path, 0};
        if (cli_ini_parse(io->config_path, apply_ini, &c) != 0) {
            cli_error("%s: cannot read config: %s", io->config_path, strerror(errno));
            return CLI_EXIT_USAGE;
        }
        if (c.rc)
            return c.rc;
    }
    for (size_t i = 0; i < io->n_sets; i++) {
        const char *s = io->sets[i];
        if (strncmp(s, "dedup.", 6) != 0)
            continue;
        const char *eq = strchr(s, '=');
        char key[128];
        snprintf(key, sizeof key, "%.*s", (int)(eq - s - 6), s + 6);
        tamis_error err = {0};
        if (tamis_dedup_set(d, key, eq + 1, &err) != TAMIS_OK) {
            cli_error("%s", err.message);
            return CLI_EXIT_USAGE;
        }
    }
    return 0;
}

static int fail(const char *what, tamis_status st, const tamis_error *err)
{
    if (err->file[0])
        cli_error("dedup %s: %s: %s", what, err->file,
                  err->message[0] ? err->message : tamis_strerror(st));
    else
        cli_error("dedup %s: %s", what, err->message[0] ? err->message : tamis_strerror(st));
    switch (st) {
    case TAMIS_ERR_ARG: return CLI_EXIT_USAGE;
    case TAMIS_ERR_NOMEM:
    case TAMIS_ERR_INTERNAL: return CLI_EXIT_INTERNAL;
    default: return CLI_EXIT_INPUT;
    }
}

static int parse_u32(const char *what, const char *v, uint32_t *out)
{
    char *end;
    unsigned long n = strtoul(v, &end, 10);
    if (!*v || *end || n > 0xFFFFFFFFul) {
        cli_error("dedup: %s takes a number, not '%s'", what, v);
        return CLI_EXIT_USAGE;
    }
    *out = (uint32_t)n;
    return 0;
}

static int get_partitions(const cli_io *io, uint32_t *parts)
{
    /* the buckets count is a [dedup] parameter; read back the last setting given */
    *parts = 4;
    for (size_t i = 0; i < io->n_sets; i++)
        if (!strncmp(io->sets[i], "dedup.partitions=", 17) &&
            parse_u32("partitions", io->sets[i] + 17, parts))
            return CLI_EXIT_USAGE;
    if (*parts == 0)
        *parts = 1;
    return 0;
}

static int has_set_true(const cli_io *io, const char *key)
{
    size_t kl = strlen(key);
    int on = 0;
    for (size_t i = 0; i < io->n_sets; i++)
        if (!strncmp(io->sets[i], key, kl) && io->sets[i][kl] == '=') {
            const char *v = io->sets[i] + kl + 1;
            on = !strcmp(v, "true") || !strcmp(v, "1") || !strcmp(v, "yes") || !strcmp(v, "on");
        }
    return on;
}

static void write_stats(const cli_io *io, const tamis_stats *st, double secs)
{
    char *js = NULL;
    if (tamis_stats_json(st, secs, &js) != TAMIS_OK)
        return;
    if (io->stats_path) {
        FILE *f = fopen(io->stats_path, "w");
        if (f) {
            fprintf(f, "%s\n", js);
            fclose(f);
        }
    }
    free(js);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int sub_signatures(const cli_command *cmd, int argc, char **argv)
{
    const char *shard_s[1] = {"0"};
    take_opt(&argc, argv, "--shard", shard_s, 1);
    cli_io io;
    int rc = cli_parse_io(cmd, argc, argv, &io);
    tamis_dedup *d = NULL;
    tamis_error err = {0};
    uint32_t shard;
    if (rc >= 0)
        goto out;
    if ((rc = parse_u32("--shard", shard_s[0], &shard)) != 0)
        goto out;
    if (!strcmp(io.output, "-")) {
        cli_error("dedup signatures: give the signature file with -o FILE");
        rc = CLI_EXIT_USAGE;
        goto out;
    }
    if (tamis_dedup_new(&d, &err) != TAMIS_OK || (rc = configure(&io, d)) != 0) {
        rc = rc ? rc : CLI_EXIT_INTERNAL;
        goto out;
    }
    uint64_t n = 0;
    double t0 = now_s();
    tamis_status st = tamis_dedup_signatures(d, (const char *const *)io.inputs, io.n_inputs,
                                             &io.reader, shard, io.output, &n, &err);
    if (st != TAMIS_OK)
        rc = fail("signatures", st, &err);
    else
        cli_info("dedup signatures: %llu documents -> %s (%.2fs)", (unsigned long long)n,
                 io.output, now_s() - t0);
out:
    tamis_dedup_free(d);
    cli_io_free(&io);
    return rc < 0 ? 0 : rc;
}

static int sub_buckets(const cli_command *cmd, int argc, char **argv)
{
    const char *part_s[1] = {NULL}, *tmp[1] = {NULL};
    take_opt(&argc, argv, "--partition", part_s, 1);
    take_opt(&argc, argv, "--tmp", tmp, 1);
    cli_io io;
    int rc = cli_parse_io(cmd, argc, argv, &io);
    tamis_dedup *d = NULL;
    tamis_error err = {0};
    uint32_t part = 0;
    if (rc >= 0)
        goto out;
    if (!part_s[0] || !strcmp(io.output, "-")) {
        cli_error("dedup buckets: give --partition I and -o EDGES.tsv");
        rc = CLI_EXIT_USAGE;
        goto out;
    }
    if ((rc = parse_u32("--partition", part_s[0], &part)) != 0)
        goto out;
    if (tamis_dedup_new(&d, &err) != TAMIS_OK || (rc = configure(&io, d)) != 0) {
        rc = rc ? rc : CLI_EXIT_INTERNAL;
        goto out;
    }
    tamis_status st = tamis_dedup_buckets(d, (const char *const *)io.inputs, io.n_inputs, part,
                                          io.output, tmp[0], &err);
    if (st != TAMIS_OK)
        rc = fail("buckets", st, &err);
    else
        rc = 0;
out:
    tamis_dedup_free(d);
    cli_io_free(&io);
    return rc < 0 ? 0 : rc;
}

static int sub_cluster(const cli_command *cmd, int argc, char **argv)
{
    const char **edges = calloc((size_t)argc + 1, sizeof *edges);
    if (!edges)
        return CLI_EXIT_INTERNAL;
    int n_edges = take_opt(&argc, argv, "--edges", edges, argc);
    cli_io io;
    int rc = cli_parse_io(cmd, argc, argv, &io);
    tamis_dedup *d = NULL;
    tamis_error err = {0};
    if (rc >= 0)
        goto out;
    if (!n_edges || !strcmp(io.output, "-")) {
        cli_error("dedup cluster: give --edges FILE (one per partition) and -o CLUSTERS.tsv");
        rc = CLI_EXIT_USAGE;
        goto out;
    }
    if (tamis_dedup_new(&d, &err) != TAMIS_OK || (rc = configure(&io, d)) != 0) {
        rc = rc ? rc : CLI_EXIT_INTERNAL;
        goto out;
    }
    tamis_status st = tamis_dedup_cluster(d, (const char *const *)io.inputs, io.n_inputs, edges,
                                          (size_t)n_edges, io.output, &err);
    rc = st != TAMIS_OK ? fail("cluster", st, &err) : 0;
out:
    tamis_dedup_free(d);
    cli_io_free(&io);
    free(edges);
    return rc < 0 ? 0 : rc;
}

static int sub_filter(const cli_command *cmd, int argc, char **argv)
{
    const char *clusters[1] = {NULL}, *shard_s[1] = {"0"};
    take_opt(&argc, argv, "--clusters", clusters, 1);
    take_opt(&argc, argv, "--shard", shard_s, 1);
    cli_io io;
    int rc = cli_parse_io(cmd, argc, argv, &io);
    tamis_dedup *d = NULL;
    tamis_error err = {0};
    tamis_stats *stats = NULL;
    uint32_t shard;
    if (rc >= 0)
        goto out;
    if (!clusters[0]) {
        cli_error("dedup filter: give --clusters CLUSTERS.tsv");
        rc = CLI_EXIT_USAGE;
        goto out;
    }
    if ((rc = parse_u32("--shard", shard_s[0], &shard)) != 0)
        goto out;
    if (tamis_dedup_new(&d, &err) != TAMIS_OK || (rc = configure(&io, d)) != 0 ||
        !(stats = tamis_stats_new())) {
        rc = rc ? rc : CLI_EXIT_INTERNAL;
        goto out;
    }
    double t0 = now_s();
    tamis_status st = tamis_dedup_filter(d, clusters[0], shard, (const char *const *)io.inputs,
                                         io.n_inputs, &io.reader, &io.writer, io.keep_dropped,
                                         io.output, stats, &err);
    rc = st != TAMIS_OK ? fail("filter", st, &err) : 0;
    write_stats(&io, stats, now_s() - t0);
    cli_info("dedup filter: %llu in, %llu written, %llu dropped, %llu skipped",
             (unsigned long long)tamis_stats_in(stats),
             (unsigned long long)tamis_stats_written(stats),
             (unsigned long long)tamis_stats_dropped(stats),
             (unsigned long long)tamis_stats_skipped(stats));
out:
    tamis_stats_free(stats);
    tamis_dedup_free(d);
    cli_io_free(&io);
    return rc < 0 ? 0 : rc;
}

/* Everything locally: one shard (all inputs), every partition, cluster, filter; the
 * intermediate files live in a temporary folder next to the output (or in $TMPDIR). */
static int all_local(const cli_command *cmd, const cli_io *io)
{
    tamis_dedup *d = NULL;
    tamis_error err = {0};
    tamis_stats *stats = NULL;
    uint32_t parts;
    int rc = get_partitions(io, &parts);
    if (rc)
        return rc;
    const char *tmp_root = getenv("TMPDIR");
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/tamis-dedup-XXXXXX", tmp_root && *tmp_root ? tmp_root : "/tmp");
    if (!mkdtemp(dir)) {
        cli_error("dedup: cannot create a temporary folder %s: %s", dir, strerror(errno));
        return CLI_EXIT_OUTPUT;
    }
    char sig[4200], clusters[4200];
    char **edges = calloc(parts, sizeof *edges);
    snprintf(sig, sizeof sig, "%s/shard-0.sig", dir);
    snprintf(clusters, sizeof clusters, "%s/clusters.tsv", dir);
    if (!edges || tamis_dedup_new(&d, &err) != TAMIS_OK || !(stats = tamis_stats_new())) {
        rc = CLI_EXIT_INTERNAL;
        goto out;
    }
    if ((rc = configure(io, d)) != 0)
        goto out;
    double t0 = now_s(), t1, t2, t3;
    uint64_t n = 0;
    tamis_status st = tamis_dedup_signatures(d, (const char *const *)io->inputs, io->n_inputs,
                                             &io->reader, 0, sig, &n, &err);
    if (st != TAMIS_OK) {
        rc = fail("signatures", st, &err);
        goto out;
    }
    t1 = now_s();
    const char *sigs[1] = {sig};
    for (uint32_t p = 0; p < parts; p++) {
        edges[p] = malloc(4200);
        if (!edges[p]) {
            rc = CLI_EXIT_INTERNAL;
            goto out;
        }
        snprintf(edges[p], 4200, "%s/edges-%u.tsv", dir, p);
        st = tamis_dedup_buckets(d, sigs, 1, p, edges[p], dir, &err);
        if (st != TAMIS_OK) {
            rc = fail("buckets", st, &err);
            goto out;
        }
    }
    t2 = now_s();
    st = tamis_dedup_cluster(d, sigs, 1, (const char *const *)edges, parts, clusters, &err);
    if (st != TAMIS_OK) {
        rc = fail("cluster", st, &err);
        goto out;
    }
    t3 = now_s();
    st = tamis_dedup_filter(d, clusters, 0, (const char *const *)io->inputs, io->n_inputs,
                            &io->reader, &io->writer, io->keep_dropped, io->output, stats, &err);
    if (st != TAMIS_OK) {
        rc = fail("filter", st, &err);
        goto out;
    }
    double t4 = now_s();
    write_stats(io, stats, t4 - t0);
    cli_info("tamis %s: %llu records in, %llu written, %llu dropped, %llu skipped (%.2fs: "
             "signatures %.2f, buckets %.2f, cluster %.2f, filter %.2f)",
             cmd->name, (unsigned long long)tamis_stats_in(stats),
             (unsigned long long)tamis_stats_written(stats),
             (unsigned long long)tamis_stats_dropped(stats),
             (unsigned long long)tamis_stats_skipped(stats), t4 - t0, t1 - t0, t2 - t1,
             t3 - t2, t4 - t3);
    if (io->strict && tamis_stats_skipped(stats))
        rc = CLI_EXIT_STRICT;
out:
    unlink(sig);
    unlink(clusters);
    for (uint32_t p = 0; edges && p < parts; p++) {
        if (edges[p])
            unlink(edges[p]);
        free(edges[p]);
    }
    free(edges);
    rmdir(dir);
    tamis_stats_free(stats);
    tamis_dedup_free(d);
    return rc;
}

static const cli_command sub_cmd = {
    .name = "dedup",
    .summary = "exact, line-level and MinHash-LSH near-duplicate detection",
    .description = description,
    .stages = stages,
    .flags = flags,
};

static int dedup_main(const cli_command *cmd, int argc, char **argv)
{
    (void)cmd;
    if (argc > 1) {
        if (!strcmp(argv[1], "signatures"))
            return sub_signatures(&sub_cmd, argc - 1, argv + 1);
        if (!strcmp(argv[1], "buckets"))
            return sub_buckets(&sub_cmd, argc - 1, argv + 1);
        if (!strcmp(argv[1], "cluster"))
            return sub_cluster(&sub_cmd, argc - 1, argv + 1);
        if (!strcmp(argv[1], "filter"))
            return sub_filter(&sub_cmd, argc - 1, argv + 1);
    }
    cli_io io;
    int rc = cli_parse_io(&sub_cmd, argc, argv, &io);
    if (rc < 0) {
        /* Line dedup rewrites texts in a second pass over the corpus: that is the corpus
         * stage's job (through the pipeline's spool), not the sharded steps'. */
        if (has_set_true(&io, "dedup.lines"))
            rc = cli_run_stages(&sub_cmd, &io, stages);
        else
            rc = all_local(&sub_cmd, &io);
    }
    cli_io_free(&io);
    return rc;
}

const cli_command cli_cmd_dedup = {
    .name = "dedup",
    .summary = "exact, line-level and MinHash-LSH near-duplicate detection",
    .description = description,
    .stages = stages,
    .flags = flags,
    .main = dedup_main,
};
