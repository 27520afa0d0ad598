/* tm_pipeline.c — composes readers, stages and writers: worker threads over record
 * batches with output in input order, corpus stages in passes, sharded resumable runs.
 *
 * A run is a sequence of passes. Stages are cut at every corpus stage (dedup, clean in
 * corpus mode): pass 0 runs the stages before the first corpus stage and spools the
 * surviving documents while that corpus stage observes them; its finish() runs; pass 1
 * re-reads the spool through the corpus stage's process() and the stages up to the next
 * corpus stage; and so on until the last pass writes the output. */
#include "../common/tm_common.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define TM_MAX_STAGES 16
#define TM_BATCH_BYTES ((size_t)32 << 20) /* a batch also ends after this much input */

/* How a memory budget (tamis_pipeline_opts.mem_mb, docs/architecture.md) is split. First
 * TM_BUDGET_FIXED for what does not depend on the corpus: the program, libraries, models,
 * stop-word sets, per-thread parser state and codec contexts (measured 40-60 MB in a full run; with 48 MB a -j2 run at 128 MB peaked at 131-141 MB, so 64 and a 160 MB minimum in cmd_run.c). The rest R:
 *   batches in flight: two batches of at most R/64 of input each; the stages' work on a
 *     batch took up to 7 times its input (parsed DOM, text copies; measured with
 *     bench/bench_run.sh), so about R/4;
 *   what the documents' arenas keep between batches: at most R/8 over all slots;
 *   the corpus stage observing a pass: R/2 for its state (dedup's records), past which it
 *     keeps that state on disk;
 *   the remaining R/8: readers' and writers' codec contexts, spool writers, statistics. */
#define TM_BUDGET_FIXED ((size_t)64 << 20)
#define TM_BUDGET_BATCH_DIV 64
#define TM_BUDGET_KEEP_DIV 8
#define TM_BUDGET_CORPUS_DIV 2

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- one document in flight */
typedef struct slot {
    tamis_doc *doc;
    tamis_status st;
    tamis_error err;
    double secs[TM_MAX_STAGES];
    int reached; /* stages [from, reached) ran */
} slot;

typedef struct batch {
    slot *slots;
    size_t n, cap;
    size_t from, to; /* stage range this batch runs */
    tamis_stage *prep; /* corpus stage that will observe the survivors: its prepare() */
    /* Work counters live in the batch: a worker that wakes late holds a pointer to the
     * batch it was posted, never to a newer one's counters. */
    atomic_size_t next, done;
} batch;

struct tamis_pipeline {
    tamis_pipeline_opts o;
    tamis_stage *stages[TM_MAX_STAGES];
    size_t n_stages;
    size_t batch_bytes; /* a batch ends after this much input */
    size_t slot_keep;   /* a document's arena above this is freed after its batch */
    size_t corpus_mem;  /* budget of a corpus stage's state, 0: none */
    /* worker pool */
    pthread_t *threads;
    int n_threads;
    pthread_mutex_t mu;
    pthread_cond_t work_cv, done_cv;
    batch *cur;
    uint64_t gen;
    bool quit, pool_started;
    /* The two batches in flight belong to the pipeline, not to a pass: a worker that
     * wakes late may still hold a pointer to one after its pass has returned. */
    batch bufs[2];
    double t0;
    /* Progress across the shards of tamis_pipeline_run_dir: what finished shards added
     * (dir_done) plus the shard being processed. */
    bool in_dir;
    tamis_stats *dir_done;
    uint64_t dir_bytes_done, dir_bytes_total;
    size_t dir_shard, dir_shards;
};

/* Runs stages [from, to) on one document, then the observing corpus stage's prepare()
 * on a survivor, so that the serial observe() only stores what it made. */
static void process_slot(tamis_pipeline *p, slot *s, size_t from, size_t to,
                         tamis_stage *prep)
{
    s->st = TAMIS_OK;
    s->reached = (int)from;
    s->doc->corpus_rec = NULL;
    for (size_t k = from; k < to; k++) {
        if (tamis_doc_dropped(s->doc))
            break;
        double t = now_s();
        tamis_status st = tamis_stage_process(p->stages[k], s->doc, &s->err);
        s->secs[k] = now_s() - t;
        s->reached = (int)k + 1;
        if (st != TAMIS_OK) {
            s->st = st;
            return;
        }
    }
    if (prep && !tamis_doc_dropped(s->doc))
        s->st = tm_stage_prepare(prep, s->doc, &s->err);
}

static void *worker_main(void *arg)
{
    tamis_pipeline *p = arg;
    uint64_t seen = 0;
    for (;;) {
        pthread_mutex_lock(&p->mu);
        while (!p->quit && p->gen == seen)
            pthread_cond_wait(&p->work_cv, &p->mu);
        if (p->quit) {
            pthread_mutex_unlock(&p->mu);
            return NULL;
        }
        seen = p->gen;
        batch *b = p->cur;
        pthread_mutex_unlock(&p->mu);
        for (;;) {
            size_t i = atomic_fetch_add(&b->next, 1);
            if (i >= b->n)
                break;
            process_slot(p, &b->slots[i], b->from, b->to, b->prep);
            if (atomic_fetch_add(&b->done, 1) + 1 == b->n) {
                pthread_mutex_lock(&p->mu);
                pthread_cond_signal(&p->done_cv);
                pthread_mutex_unlock(&p->mu);
            }
        }
    }
}

static int cpu_count(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

static tamis_status pool_start(tamis_pipeline *p)
{
    if (p->pool_started || p->n_threads <= 1)
        return TAMIS_OK;
    p->threads = tm_calloc((size_t)p->n_threads, sizeof *p->threads);
    if (!p->threads)
        return TAMIS_ERR_NOMEM;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->work_cv, NULL);
    pthread_cond_init(&p->done_cv, NULL);
    p->pool_started = true;
    for (int i = 0; i < p->n_threads; i++)
        if (pthread_create(&p->threads[i], NULL, worker_main, p) != 0) {
            p->n_threads = i;
            break;
        }
    return TAMIS_OK;
}

static void pool_post(tamis_pipeline *p, batch *b)
{
    if (!p->pool_started || p->n_threads <= 1) {
        for (size_t i = 0; i < b->n; i++)
            process_slot(p, &b->slots[i], b->from, b->to, b->prep);
        return;
    }
    if (b->n == 0)
        return;
    pthread_mutex_lock(&p->mu);
    p->cur = b;
    atomic_store(&b->done, 0);
    atomic_store(&b->next, 0);
    p->gen++;
    pthread_cond_broadcast(&p->work_cv);
    pthread_mutex_unlock(&p->mu);
}

static void pool_wait(tamis_pipeline *p, batch *b)
{
    if (!p->pool_started || p->n_threads <= 1 || b->n == 0)
        return;
    pthread_mutex_lock(&p->mu);
    while (atomic_load(&b->done) < b->n)
        pthread_cond_wait(&p->done_cv, &p->mu);
    pthread_mutex_unlock(&p->mu);
}

static void pool_stop(tamis_pipeline *p)
{
    if (!p->pool_started)
        return;
    pthread_mutex_lock(&p->mu);
    p->quit = true;
    pthread_cond_broadcast(&p->work_cv);
    pthread_mutex_unlock(&p->mu);
    for (int i = 0; i < p->n_threads; i++)
        pthread_join(p->threads[i], NULL);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->work_cv);
    pthread_cond_destroy(&p->done_cv);
    tm_free(p->threads);
    p->threads = NULL;
    p->pool_started = false;
    p->quit = false;
}

void tamis_pipeline_opts_init(tamis_pipeline_opts *o)
{
    memset(o, 0, sizeof *o);
    tamis_reader_opts_init(&o->reader);
    tamis_writer_opts_init(&o->writer);
}

tamis_status tamis_pipeline_new(tamis_pipeline **out, const tamis_pipeline_opts *o)
{
    *out = NULL;
    tamis_pipeline *p = tm_calloc(1, sizeof *p);
    if (!p)
        return TAMIS_ERR_NOMEM;
    if (o)
        p->o = *o;
    else
        tamis_pipeline_opts_init(&p->o);
    if (!p->o.batch_docs)
        p->o.batch_docs = 256;
    p->n_threads = p->o.threads > 0 ? p->o.threads : cpu_count();
    p->batch_bytes = TM_BATCH_BYTES;
    p->slot_keep = SIZE_MAX;
    if (p->o.mem_mb) {
        size_t budget = p->o.mem_mb << 20;
        budget = budget > 2 * TM_BUDGET_FIXED ? budget - TM_BUDGET_FIXED : TM_BUDGET_FIXED;
        p->batch_bytes = TM_MIN(TM_BATCH_BYTES, TM_MAX(budget / TM_BUDGET_BATCH_DIV,
                                                       (size_t)1 << 20));
        p->slot_keep = budget / TM_BUDGET_KEEP_DIV / (2 * p->o.batch_docs);
        p->corpus_mem = budget / TM_BUDGET_CORPUS_DIV;
    }
    *out = p;
    return TAMIS_OK;
}

tamis_status tamis_pipeline_add(tamis_pipeline *p, tamis_stage *s)
{
    if (p->n_stages == TM_MAX_STAGES || !s)
        return TAMIS_ERR_ARG;
    p->stages[p->n_stages++] = s;
    return TAMIS_OK;
}

static void batch_free(batch *b);

void tamis_pipeline_free(tamis_pipeline *p)
{
    if (!p)
        return;
    pool_stop(p);
    batch_free(&p->bufs[0]);
    batch_free(&p->bufs[1]);
    tm_free(p);
}

/* ---- sources: the files one pass reads, in order */
typedef struct source {
    const char *const *paths;
    size_t n, idx;
    tamis_reader *r;
    const tamis_reader_opts *ro;
    bool number_seq;     /* spool pass: doc->seq = index of the doc in the spool */
    uint64_t seq;
    uint64_t bytes_done; /* bytes of the readers already finished */
    bool open_failed;    /* some input could not be opened */
    tamis_error open_err;
    uint64_t bytes_total; /* sizes of the regular files among paths, for the ETA */
    bool bytes_total_known;
} source;

/* Next record: TAMIS_OK, TAMIS_END, or a record-level error (skip it and call again). */
static tamis_status source_next(tamis_pipeline *p, source *s, tamis_doc *doc, tamis_error *e)
{
    for (;;) {
        if (!s->r) {
            if (s->idx >= s->n)
                return TAMIS_END;
            tamis_error oe = {0};
            tamis_status st = tamis_reader_open(&s->r, s->paths[s->idx], s->ro, &oe);
            if (st != TAMIS_OK) {
                /* A missing or unreadable input is reported and the run goes on. */
                s->idx++;
                s->open_failed = true;
                s->open_err = oe;
                if (!oe.file[0])
                    tm_err(&s->open_err, st, s->paths[s->idx - 1], 0, 0, "cannot open: %s",
                           oe.message[0] ? oe.message : tamis_strerror(st));
                if (p->o.on_error)
                    p->o.on_error(p->o.ctx, &s->open_err);
                continue;
            }
        }
        tamis_status st = tamis_reader_next(s->r, doc, e);
        if (st == TAMIS_END) {
            s->bytes_done += tamis_reader_bytes(s->r);
            tamis_reader_free(s->r);
            s->r = NULL;
            s->idx++;
            continue;
        }
        if (st == TAMIS_OK && s->number_seq)
            doc->seq = s->seq++;
        return st;
    }
}

static uint64_t source_bytes(const source *s)
{
    return s->bytes_done + (s->r ? tamis_reader_bytes(s->r) : 0);
}

static void source_close(source *s)
{
    tamis_reader_free(s->r);
    s->r = NULL;
}

/* ---- sinks: where a pass's documents go */
typedef struct sink {
    tamis_writer *out;       /* surviving documents */
    tamis_writer *dropped;   /* optional */
    bool write_dropped;      /* dropped documents to out too */
    bool final;              /* out is the run's output (count written, histograms) */
    tamis_stage *observe;    /* next corpus stage, observes survivors in order */
    uint64_t seq;
    tamis_stats *stats;
    const char *out_name;
} sink;

static tamis_status emit(tamis_pipeline *p, batch *b, sink *k, tamis_error *err)
{
    for (size_t i = 0; i < b->n; i++) {
        slot *s = &b->slots[i];
        tamis_doc *d = s->doc;
        for (int st = (int)b->from; st < s->reached; st++) {
            bool dropped_here = st == s->reached - 1 && s->st == TAMIS_OK && tamis_doc_dropped(d);
            tm_stats_stage(k->stats, tamis_stage_name(p->stages[st]), dropped_here, s->secs[st]);
        }
        if (s->st != TAMIS_OK) {
            tamis_stats_add_skipped(k->stats, s->st);
            if (!s->err.file[0] || s->err.status != s->st) {
                /* Stage errors carry no position: name the record (copy the message
                 * first, tm_err writes the same buffer). */
                char msg[sizeof s->err.message];
                memcpy(msg, s->err.message, sizeof msg);
                tm_err(&s->err, s->st, d->src_file, d->src_offset, d->src_record, "%s: %s",
                       s->reached > 0 ? tamis_stage_name(p->stages[s->reached - 1]) : "stage",
                       msg[0] ? msg : tamis_strerror(s->st));
            }
            if (p->o.on_error)
                p->o.on_error(p->o.ctx, &s->err);
            continue;
        }
        tamis_status st = TAMIS_OK;
        if (tamis_doc_dropped(d)) {
            tamis_stats_add_dropped(k->stats, tamis_doc_reason(d, 0));
            tm_stats_observe_doc(k->stats, d);
            if (k->dropped)
                st = tamis_writer_write(k->dropped, d, err);
            if (st == TAMIS_OK && k->write_dropped && k->final)
                st = tamis_writer_write(k->out, d, err);
        } else {
            if (k->observe) {
                d->seq = k->seq++;
                st = tamis_stage_observe(k->observe, d, err);
            }
            if (st == TAMIS_OK && k->out)
                st = tamis_writer_write(k->out, d, err);
            if (k->final) {
                tamis_stats_add_written(k->stats, d->text_len);
                tm_stats_observe_doc(k->stats, d);
            }
        }
        if (st != TAMIS_OK)
            return st;
    }
    /* An arena keeps its largest chunk for the next document; under a budget, a slot
     * that held a big document gives its memory back instead of keeping it. */
    for (size_t i = 0; i < b->n; i++)
        if (b->slots[i].doc->arena.total > p->slot_keep)
            tm_arena_free(&b->slots[i].doc->arena);
    return TAMIS_OK;
}

static tamis_status batch_reserve(batch *b, size_t n)
{
    if (b->cap >= n)
        return TAMIS_OK;
    slot *ns = tm_realloc(b->slots, n * sizeof *ns);
    if (!ns)
        return TAMIS_ERR_NOMEM;
    for (size_t i = b->cap; i < n; i++) {
        memset(&ns[i], 0, sizeof ns[i]);
        ns[i].doc = tamis_doc_new();
        if (!ns[i].doc) {
            b->slots = ns;
            b->cap = i;
            return TAMIS_ERR_NOMEM;
        }
    }
    b->slots = ns;
    b->cap = n;
    return TAMIS_OK;
}

static void batch_free(batch *b)
{
    for (size_t i = 0; i < b->cap; i++)
        tamis_doc_free(b->slots[i].doc);
    tm_free(b->slots);
    memset(b, 0, sizeof *b);
}

/* Fills b from the source; read errors are counted (when count_in) and reported here. */
static tamis_status fill(tamis_pipeline *p, source *src, batch *b, bool count_in,
                         tamis_stats *stats)
{
    /* Mark every slot taken before n changes, so a late worker cannot claim one. */
    atomic_store(&b->next, SIZE_MAX / 2);
    b->n = 0;
    size_t bytes = 0;
    while (b->n < p->o.batch_docs && bytes < p->batch_bytes) {
        slot *s = &b->slots[b->n];
        memset(&s->err, 0, sizeof s->err);
        tamis_error e = {0};
        tamis_status st = source_next(p, src, s->doc, &e);
        if (st == TAMIS_END)
            break;
        if (st != TAMIS_OK) {
            if (count_in) {
                tamis_stats_add_in(stats, 0);
                tamis_stats_add_skipped(stats, st);
            }
            if (p->o.on_error)
                p->o.on_error(p->o.ctx, &e);
            continue;
        }
        /* The reader may be freed before this batch is written: own the file name. */
        if (s->doc->src_file)
            s->doc->src_file = tm_arena_strndup(&s->doc->arena, s->doc->src_file,
                                                strlen(s->doc->src_file));
        size_t sz = s->doc->payload_len ? s->doc->payload_len : s->doc->text_len;
        if (count_in)
            tamis_stats_add_in(stats, sz);
        bytes += sz;
        b->n++;
    }
    return TAMIS_OK;
}

static uint64_t file_sizes(const char *const *paths, size_t n)
{
    uint64_t total = 0;
    for (size_t i = 0; i < n; i++) {
        struct stat sb;
        if (stat(paths[i], &sb) == 0 && S_ISREG(sb.st_mode))
            total += (uint64_t)sb.st_size;
    }
    return total;
}

static void progress(tamis_pipeline *p, source *src, tamis_stats *stats, double *last,
                     bool force)
{
    if (!p->o.on_progress)
        return;
    double t = now_s();
    if (!force && t - *last < 1.0)
        return;
    *last = t;
    tamis_progress pr = {0};
    pr.records_in = tamis_stats_in(stats);
    pr.written = tamis_stats_written(stats);
    pr.dropped = tamis_stats_dropped(stats);
    pr.skipped = tamis_stats_skipped(stats);
    pr.seconds = t - p->t0;
    if (p->in_dir) {
        pr.records_in += tamis_stats_in(p->dir_done);
        pr.written += tamis_stats_written(p->dir_done);
        pr.dropped += tamis_stats_dropped(p->dir_done);
        pr.skipped += tamis_stats_skipped(p->dir_done);
        pr.bytes_in = p->dir_bytes_done + (src->ro == &p->o.reader ? source_bytes(src) : 0);
        pr.bytes_total = p->dir_bytes_total;
        pr.input_index = p->dir_shard;
        pr.input_count = p->dir_shards;
    } else {
        pr.bytes_in = source_bytes(src);
        if (!src->bytes_total_known) {
            src->bytes_total = file_sizes(src->paths, src->n);
            src->bytes_total_known = true;
        }
        pr.bytes_total = src->bytes_total;
        pr.input_index = src->idx;
        pr.input_count = src->n;
    }
    p->o.on_progress(p->o.ctx, &pr);
}

/* One pass: src -> stages [from, to) -> sink, two batches in flight (one being
 * processed by the workers while the main thread reads the next and writes the last). */
static tamis_status run_pass(tamis_pipeline *p, source *src, size_t from, size_t to, sink *k,
                             bool count_in, tamis_error *err)
{
    batch *bufs = p->bufs;
    tamis_status st = TAMIS_OK;
    double last = 0;
    for (int i = 0; i < 2 && st == TAMIS_OK; i++) {
        st = batch_reserve(&bufs[i], p->o.batch_docs);
        bufs[i].from = from;
        bufs[i].to = to;
        bufs[i].prep = k->observe;
    }
    if (st == TAMIS_OK)
        st = pool_start(p);
    if (st != TAMIS_OK)
        return tm_err(err, st, NULL, 0, 0, "out of memory");
    batch *cur = &bufs[0], *nxt = &bufs[1];
    fill(p, src, cur, count_in, k->stats);
    pool_post(p, cur);
    while (cur->n > 0) {
        fill(p, src, nxt, count_in, k->stats);
        pool_wait(p, cur);
        st = emit(p, cur, k, err);
        if (st != TAMIS_OK)
            break;
        progress(p, src, k->stats, &last, false);
        if (p->o.cancel && *p->o.cancel) {
            st = tm_err(err, TAMIS_ERR_CANCELLED, NULL, 0, 0, "interrupted");
            pool_post(p, nxt);
            pool_wait(p, nxt);
            break;
        }
        pool_post(p, nxt);
        batch *t = cur;
        cur = nxt;
        nxt = t;
    }
    progress(p, src, k->stats, &last, true);
    return st;
}

/* Pass ranges: every corpus stage starts a new pass, and the stage that starts pass j+1
 * observes the survivors of pass j. A corpus stage at position 0 gets an empty pass
 * (read and spool only) so that it sees every document before processing any. */
static size_t pass_ranges(const tamis_pipeline *p, size_t (*range)[2])
{
    size_t n = 0, from = 0;
    if (p->n_stages && tamis_stage_is_corpus(p->stages[0])) {
        range[n][0] = range[n][1] = 0;
        n++;
    }
    for (size_t i = 1; i < p->n_stages; i++)
        if (tamis_stage_is_corpus(p->stages[i])) {
            range[n][0] = from;
            range[n][1] = i;
            n++;
            from = i;
        }
    range[n][0] = from;
    range[n][1] = p->n_stages;
    return n + 1;
}

static tamis_writer_opts spool_opts(const tamis_pipeline *p)
{
    tamis_writer_opts o = p->o.writer;
    o.compression = TAMIS_COMP_ZSTD;
    o.level = 1; /* spools are read once: speed over ratio */
    o.with_payload = 1;
    o.with_signals = 1;
    o.atomic = 0;
    return o;
}

static tamis_reader_opts spool_reader_opts(const tamis_pipeline *p)
{
    tamis_reader_opts o = p->o.reader;
    o.format = TAMIS_FMT_JSONL;
    o.text_field = "text";
    o.id_field = "id";
    return o;
}

/* Runs every pass from `inputs` to the writer `out`, through temporary spool files. */
/* Starts every stage before the first record: a stage that cannot start (bad parameter,
 * missing model) fails the run at once instead of skipping every record. */
static tamis_status start_stages(tamis_pipeline *p, tamis_error *err)
{
    for (size_t i = 0; i < p->n_stages; i++) {
        tamis_status st = tamis_stage_start(p->stages[i], err);
        if (st != TAMIS_OK)
            return st;
    }
    return TAMIS_OK;
}

static tamis_status run_passes(tamis_pipeline *p, const char *const *inputs, size_t n_inputs,
                               tamis_writer *out, tamis_writer *dropped, tamis_stats *stats,
                               tamis_error *err)
{
    size_t range[TM_MAX_STAGES + 2][2];
    size_t passes = pass_ranges(p, range);
    tamis_reader_opts spool_ro = spool_reader_opts(p);
    tamis_writer_opts spool_wo = spool_opts(p);
    char spool_in[4096] = "", spool_out[4096] = "";
    tamis_status st = TAMIS_OK;
    bool open_failed = false;
    tamis_error open_err = {0};
    const char *tmpdir = getenv("TMPDIR");
    for (size_t j = 0; j < passes && st == TAMIS_OK; j++) {
        bool last = j + 1 == passes;
        sink k = {0};
        k.stats = stats;
        k.dropped = dropped;
        k.write_dropped = p->o.write_dropped != 0;
        k.final = last;
        k.observe = last ? NULL : p->stages[range[j + 1][0]];
        k.out = out;
        if (k.observe)
            tm_stage_set_budget(k.observe, p->corpus_mem, NULL);
        if (!last) {
            snprintf(spool_out, sizeof spool_out, "%s/tamis-spool-XXXXXX",
                     tmpdir && *tmpdir ? tmpdir : "/tmp");
            int fd = mkstemp(spool_out);
            if (fd < 0) {
                st = tm_err(err, TAMIS_ERR_IO, spool_out, 0, 0,
                            "cannot create a spool file: %s", strerror(errno));
                spool_out[0] = '\0';
                break;
            }
            close(fd);
            if ((st = tamis_writer_open(&k.out, spool_out, &spool_wo, err)) != TAMIS_OK)
                break;
        }
        if (j == 0) {
            source s = {inputs, n_inputs, 0, NULL, &p->o.reader, false, 0, 0, false, {0}, 0, false};
            st = run_pass(p, &s, range[j][0], range[j][1], &k, true, err);
            open_failed = s.open_failed;
            open_err = s.open_err;
            source_close(&s);
        } else {
            const char *paths[1] = {spool_in};
            source s = {paths, 1, 0, NULL, &spool_ro, true, 0, 0, false, {0}, 0, false};
            st = run_pass(p, &s, range[j][0], range[j][1], &k, false, err);
            source_close(&s);
            remove(spool_in);
            spool_in[0] = '\0';
        }
        if (!last) {
            tamis_status cs = tamis_writer_close(k.out, st == TAMIS_OK ? err : NULL);
            if (st == TAMIS_OK)
                st = cs;
            if (st == TAMIS_OK)
                st = tamis_stage_finish(k.observe, err);
            memcpy(spool_in, spool_out, sizeof spool_in);
            spool_out[0] = '\0';
        }
    }
    if (spool_in[0])
        remove(spool_in);
    if (spool_out[0])
        remove(spool_out);
    if (st == TAMIS_OK && open_failed) {
        if (err)
            *err = open_err;
        st = open_err.status && open_err.status != TAMIS_END ? open_err.status : TAMIS_ERR_IO;
    }
    return st;
}

tamis_status tamis_pipeline_run(tamis_pipeline *p, const char *const *inputs, size_t n_inputs,
                                const char *output, tamis_stats *stats, tamis_error *err)
{
    p->t0 = now_s();
    tamis_writer *out = NULL, *dropped = NULL;
    tamis_status st = start_stages(p, err);
    if (st != TAMIS_OK)
        return st;
    st = tamis_writer_open(&out, output, &p->o.writer, err);
    if (st != TAMIS_OK)
        return st;
    if (p->o.dropped_path &&
        (st = tamis_writer_open(&dropped, p->o.dropped_path, &p->o.writer, err)) != TAMIS_OK) {
        tamis_writer_close(out, NULL);
        return st;
    }
    st = run_passes(p, inputs, n_inputs, out, dropped, stats, err);
    tamis_status cs = tamis_writer_close(out, st == TAMIS_OK ? err : NULL);
    if (st == TAMIS_OK)
        st = cs;
    if (dropped) {
        cs = tamis_writer_close(dropped, st == TAMIS_OK ? err : NULL);
        if (st == TAMIS_OK)
            st = cs;
    }
    return st;
}

/* ---- sharded, resumable runs (tamis run) */

static bool file_exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

static tamis_status mkdir_p(const char *path, tamis_error *err)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s", path);
    for (char *q = tmp + 1; *q; q++)
        if (*q == '/') {
            *q = '\0';
            mkdir(tmp, 0777);
            *q = '/';
        }
    if (mkdir(tmp, 0777) != 0 && errno != EEXIST)
        return tm_err(err, TAMIS_ERR_IO, path, 0, 0, "cannot create directory: %s",
                      strerror(errno));
    struct stat sb;
    if (stat(tmp, &sb) != 0 || !S_ISDIR(sb.st_mode))
        return tm_err(err, TAMIS_ERR_IO, path, 0, 0, "not a directory");
    if (access(tmp, W_OK) != 0)
        return tm_err(err, TAMIS_ERR_IO, path, 0, 0, "not writable: %s", strerror(errno));
    return TAMIS_OK;
}

/* Renames every "X.tmp" to "X"; the marker file (the shard itself) goes last. */
static tamis_status commit_file(const char *final_path, tamis_error *err)
{
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", final_path);
    if (rename(tmp, final_path) != 0)
        return tm_err(err, TAMIS_ERR_IO, final_path, 0, 0, "cannot rename %s: %s", tmp,
                      strerror(errno));
    return TAMIS_OK;
}

static void shard_path(char *out, size_t n, const char *outdir, size_t level, bool last,
                       size_t shard)
{
    if (last)
        snprintf(out, n, "%s/part-%05zu.jsonl.zst", outdir, shard);
    else
        snprintf(out, n, "%s/.tamis/level%zu-%05zu.jsonl.zst", outdir, level, shard);
}

/* Statistics sidecar of a shard: OUTDIR/.tamis/level<j>-<shard>.stats */
static void stats_path_of(char *out, size_t n, const char *outdir, size_t level, size_t shard)
{
    snprintf(out, n, "%s/.tamis/level%zu-%05zu.stats", outdir, level, shard);
}

/* Processes one shard at one level into dst (via dst.tmp) with its stats sidecar. */
static tamis_status run_shard(tamis_pipeline *p, source *src, size_t from, size_t to,
                              bool count_in, bool last, const char *dst, const char *stats_path,
                              const char *dropped_dst, tamis_error *err)
{
    char tmp[4200], stats_tmp[4200], dtmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", dst);
    snprintf(stats_tmp, sizeof stats_tmp, "%s.tmp", stats_path);
    tamis_writer_opts wo = last ? p->o.writer : spool_opts(p);
    if (last)
        wo.compression = TAMIS_COMP_ZSTD;
    wo.atomic = 0;
    tamis_stats *st_shard = tamis_stats_new();
    if (!st_shard)
        return TAMIS_ERR_NOMEM;
    sink k = {0};
    k.stats = st_shard;
    k.final = last;
    tamis_status st = tamis_writer_open(&k.out, tmp, &wo, err);
    if (st == TAMIS_OK && dropped_dst) {
        snprintf(dtmp, sizeof dtmp, "%s.tmp", dropped_dst);
        st = tamis_writer_open(&k.dropped, dtmp, &p->o.writer, err);
    }
    if (st == TAMIS_OK)
        st = run_pass(p, src, from, to, &k, count_in, err);
    tamis_status cs = tamis_writer_close(k.out, st == TAMIS_OK ? err : NULL);
    if (st == TAMIS_OK)
        st = cs;
    if (k.dropped) {
        cs = tamis_writer_close(k.dropped, st == TAMIS_OK ? err : NULL);
        if (st == TAMIS_OK)
            st = cs;
    }
    if (st == TAMIS_OK && tm_stats_save(st_shard, stats_tmp) != TAMIS_OK)
        st = tm_err(err, TAMIS_ERR_IO, stats_tmp, 0, 0, "cannot write: %s", strerror(errno));
    if (st == TAMIS_OK)
        st = commit_file(stats_path, err);
    if (st == TAMIS_OK && dropped_dst)
        st = commit_file(dropped_dst, err);
    if (st == TAMIS_OK)
        st = commit_file(dst, err); /* last: its presence marks the shard complete */
    if (st == TAMIS_OK && p->dir_done)
        tamis_stats_merge(p->dir_done, st_shard);
    tamis_stats_free(st_shard);
    return st;
}

tamis_status tamis_pipeline_run_dir(tamis_pipeline *p, const char *const *inputs,
                                    size_t n_inputs, const char *outdir, tamis_stats *stats,
                                    tamis_error *err)
{
    char work[4200], path[4300], dpath[4300];
    p->t0 = now_s();
    snprintf(work, sizeof work, "%s/.tamis", outdir);
    tamis_status st = start_stages(p, err);
    if (st != TAMIS_OK)
        return st;
    st = mkdir_p(work, err);
    if (st == TAMIS_OK && p->o.write_dropped) {
        snprintf(path, sizeof path, "%s/dropped", outdir);
        st = mkdir_p(path, err);
    }
    if (st != TAMIS_OK)
        return st;
    size_t range[TM_MAX_STAGES + 2][2];
    size_t passes = pass_ranges(p, range);
    tamis_reader_opts spool_ro = spool_reader_opts(p);
    uint64_t *base = tm_calloc(n_inputs + 1, sizeof *base);
    p->dir_done = tamis_stats_new();
    if (!base || !p->dir_done) {
        tm_free(base);
        tamis_stats_free(p->dir_done);
        p->dir_done = NULL;
        return TAMIS_ERR_NOMEM;
    }
    p->in_dir = true;
    p->dir_bytes_total = file_sizes(inputs, n_inputs);
    p->dir_shards = n_inputs;
    bool open_failed = false;
    tamis_error open_err = {0};
    /* A finished run (every final shard present) has nothing left to do. */
    bool all_done = true;
    for (size_t i = 0; i < n_inputs && all_done; i++) {
        char sp[4400];
        shard_path(path, sizeof path, outdir, passes - 1, true, i);
        stats_path_of(sp, sizeof sp, outdir, passes - 1, i);
        all_done = file_exists(path) && file_exists(sp);
    }
    for (size_t j = 0; j < passes && st == TAMIS_OK && !all_done; j++) {
        bool last = j + 1 == passes;
        if (j > 0) {
            /* The corpus stage starting this level observes every survivor of the
             * previous level, shard by shard in order (also the resumed ones). */
            tamis_stage *obs = p->stages[range[j][0]];
            tm_stage_set_budget(obs, p->corpus_mem, work);
            tamis_stats *scratch = tamis_stats_new();
            uint64_t seq = 0;
            for (size_t i = 0; i < n_inputs && st == TAMIS_OK; i++) {
                base[i] = seq;
                shard_path(path, sizeof path, outdir, j - 1, false, i);
                const char *paths[1] = {path};
                source s = {paths, 1, 0, NULL, &spool_ro, false, 0, 0, false, {0}, 0, false};
                sink k = {0};
                k.stats = scratch;
                k.observe = obs;
                k.seq = seq;
                st = run_pass(p, &s, range[j][0], range[j][0], &k, false, err);
                seq = k.seq;
                source_close(&s);
            }
            base[n_inputs] = seq;
            tamis_stats_free(scratch);
            if (st == TAMIS_OK)
                st = tamis_stage_finish(obs, err);
        }
        for (size_t i = 0; i < n_inputs && st == TAMIS_OK; i++) {
            shard_path(path, sizeof path, outdir, j, last, i);
            char stats_path[4400];
            stats_path_of(stats_path, sizeof stats_path, outdir, j, i);
            p->dir_shard = i;
            if (file_exists(path) && file_exists(stats_path))
                continue; /* finished by an earlier run */
            const char *dropped_dst = NULL;
            if (p->o.write_dropped) {
                snprintf(dpath, sizeof dpath, "%s/dropped/level%zu-%05zu.jsonl.zst", outdir, j, i);
                dropped_dst = dpath;
            }
            if (j == 0) {
                source s = {&inputs[i], 1, 0, NULL, &p->o.reader, false, 0, 0, false, {0}, 0, false};
                st = run_shard(p, &s, range[j][0], range[j][1], true, last, path, stats_path,
                               dropped_dst, err);
                p->dir_bytes_done += source_bytes(&s);
                if (s.open_failed) {
                    open_failed = true;
                    open_err = s.open_err;
                }
                source_close(&s);
            } else {
                char prev[4300];
                shard_path(prev, sizeof prev, outdir, j - 1, false, i);
                const char *paths[1] = {prev};
                source s = {paths, 1, 0, NULL, &spool_ro, true, base[i], 0, false, {0}, 0, false};
                st = run_shard(p, &s, range[j][0], range[j][1], false, last, path, stats_path,
                               dropped_dst, err);
                source_close(&s);
            }
        }
    }
    tm_free(base);
    tamis_stats_free(p->dir_done);
    p->dir_done = NULL;
    p->in_dir = false;
    if (st != TAMIS_OK)
        return st;
    /* Intermediate shards are only needed to resume: drop their data, keep their stats. */
    for (size_t j = 0; j + 1 < passes; j++)
        for (size_t i = 0; i < n_inputs; i++) {
            shard_path(path, sizeof path, outdir, j, false, i);
            remove(path);
        }
    /* Totals: every level's sidecars (records dropped early are counted at their level). */
    for (size_t j = 0; j < passes; j++)
        for (size_t i = 0; i < n_inputs; i++) {
            char stats_path[4400];
            stats_path_of(stats_path, sizeof stats_path, outdir, j, i);
            if (tm_stats_load(stats, stats_path) != TAMIS_OK)
                return tm_err(err, TAMIS_ERR_IO, stats_path, 0, 0, "missing shard statistics");
        }
    if (open_failed) {
        if (err)
            *err = open_err;
        return open_err.status && open_err.status != TAMIS_END ? open_err.status : TAMIS_ERR_IO;
    }
    return TAMIS_OK;
}
