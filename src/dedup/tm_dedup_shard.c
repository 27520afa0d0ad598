/* tm_dedup_shard.c — sharded dedup in four file-to-file steps (docs/dedup.md): signature
 * files per shard, band buckets per hash-range partition with an external sort, union-find
 * over all edges, and a filter pass per shard. Same records, buckets, verification and
 * clustering code as the in-memory stage, so both give the same clusters. */
#include "tm_dedup.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

struct tamis_dedup {
    tm_dd_cfg cfg;
};

tamis_status tamis_dedup_new(tamis_dedup **out, tamis_error *err)
{
    *out = NULL;
    tamis_dedup *d = tm_calloc(1, sizeof *d);
    if (!d)
        return tm_err(err, TAMIS_ERR_NOMEM, NULL, 0, 0, "out of memory");
    tamis_status st = tm_params_defaults(tm_dd_param_table, &d->cfg);
    if (st != TAMIS_OK) {
        tamis_dedup_free(d);
        return tm_err(err, st, NULL, 0, 0, "dedup: bad default parameters");
    }
    *out = d;
    return TAMIS_OK;
}

tamis_status tamis_dedup_set(tamis_dedup *d, const char *key, const char *value,
                             tamis_error *err)
{
    return tm_params_set(tm_dd_param_table, &d->cfg, "dedup", key, value, err);
}

void tamis_dedup_free(tamis_dedup *d)
{
    if (!d)
        return;
    tm_params_free(tm_dd_param_table, &d->cfg);
    tm_free(d);
}

/* ---- signature files */
#define SIG_MAGIC "TMDDSIG1"

typedef struct sig_header {
    char magic[8];
    uint32_t version, ngram, bands, rows;
    uint64_t seed;
    uint32_t verify, shard;
    uint64_t n_docs;
    uint64_t data_bytes; /* bytes of records after the header */
    uint64_t reserved;
} sig_header;

_Static_assert(sizeof(sig_header) == 64, "signature header is 64 bytes");

static void header_for(const tm_dd_params *p, uint32_t shard, sig_header *h)
{
    memset(h, 0, sizeof *h);
    memcpy(h->magic, SIG_MAGIC, 8);
    h->version = 1;
    h->ngram = p->ngram;
    h->bands = p->bands;
    h->rows = p->rows;
    h->seed = p->seed;
    h->verify = (uint32_t)p->verify;
    h->shard = shard;
}

tamis_status tm_dd_sig_header(FILE *f, const tm_dd_params *p, uint32_t shard, uint64_t n_docs,
                              uint64_t data_bytes, const char *path, tamis_error *err)
{
    sig_header h;
    header_for(p, shard, &h);
    h.n_docs = n_docs;
    h.data_bytes = data_bytes;
    if (fwrite(&h, sizeof h, 1, f) != 1)
        return tm_err(err, TAMIS_ERR_IO, path, 0, 0, "write failed: %s", strerror(errno));
    return TAMIS_OK;
}

static tamis_status flush_buf(FILE *f, tm_buf *b, const char *path, tamis_error *err)
{
    if (b->len && fwrite(b->data, 1, b->len, f) != b->len)
        return tm_err(err, TAMIS_ERR_IO, path, 0, 0, "write failed: %s", strerror(errno));
    tm_buf_clear(b);
    return TAMIS_OK;
}

/* Signatures of a batch of documents, split into contiguous ranges, one per thread; the
 * ranges' records are written in order, so the file is the same whatever the thread
 * count. */
typedef struct batch_doc {
    size_t text, text_len, id, id_len, date; /* offsets into the batch blob */
    bool has_date;
    uint64_t seq;
} batch_doc;

typedef struct sig_worker {
    const tm_dd_hasher *h;
    const char *blob;
    const batch_doc *docs;
    size_t from, to;
    tm_dd_scratch scratch;
    tm_buf out;
    tamis_status st;
    pthread_t tid;
} sig_worker;

static void *sig_work(void *arg)
{
    sig_worker *w = arg;
    tm_buf_clear(&w->out);
    w->st = TAMIS_OK;
    for (size_t i = w->from; i < w->to && w->st == TAMIS_OK; i++) {
        const batch_doc *bd = &w->docs[i];
        w->st = tm_dd_make_record(w->h, &w->scratch, w->blob + bd->text, bd->text_len,
                                  w->blob + bd->id, bd->id_len, bd->seq,
                                  bd->has_date ? w->blob + bd->date : NULL, &w->out);
    }
    return NULL;
}

static size_t n_threads(const tm_dd_cfg *c)
{
    long n = c->threads > 0 ? (long)c->threads : sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 64 ? 64 : (size_t)n;
}

/* Runs the workers over the batch and appends their records to the file in order. */
static tamis_status run_batch(sig_worker *w, size_t nw, const tm_buf *blob, const batch_doc *docs,
                              size_t nd, FILE *f, uint64_t *data, const char *path,
                              tamis_error *err)
{
    if (!nd)
        return TAMIS_OK;
    /* contiguous ranges of about equal text bytes */
    size_t total = 0;
    for (size_t i = 0; i < nd; i++)
        total += docs[i].text_len + 64;
    size_t k = 0, acc = 0;
    for (size_t t = 0; t < nw; t++) {
        w[t].blob = blob->data;
        w[t].docs = docs;
        w[t].from = k;
        size_t goal = total * (t + 1) / nw;
        while (k < nd && (acc < goal || t == nw - 1)) {
            acc += docs[k].text_len + 64;
            k++;
        }
        w[t].to = k;
    }
    size_t started = 0;
    for (size_t t = 1; t < nw; t++) {
        if (w[t].from == w[t].to)
            continue;
        if (pthread_create(&w[t].tid, NULL, sig_work, &w[t]) != 0)
            sig_work(&w[t]); /* no thread: do it here */
        else
            started |= (size_t)1 << t;
    }
    sig_work(&w[0]);
    for (size_t t = 1; t < nw; t++)
        if (started & ((size_t)1 << t))
            pthread_join(w[t].tid, NULL);
    for (size_t t = 0; t < nw; t++) {
        if (w[t].from == w[t].to)
            continue;
        if (w[t].st != TAMIS_OK)
            return tm_err(err, w[t].st, NULL, 0, docs[w[t].from].seq + 1,
                          "dedup: signature: %s", tamis_strerror(w[t].st));
        *data += w[t].out.len;
        tamis_status st = flush_buf(f, &w[t].out, path, err);
        if (st != TAMIS_OK)
            return st;
    }
    return TAMIS_OK;
}

tamis_status tamis_dedup_signatures(tamis_dedup *d, const char *const *inputs, size_t n_inputs,
                                    const tamis_reader_opts *ro, uint32_t shard,
                                    const char *sig_path, uint64_t *n_docs, tamis_error *err)
{
    tm_dd_params p;
    tamis_status st = tm_dd_params_from_cfg(&d->cfg, &p, err);
    if (st != TAMIS_OK)
        return st;
    tm_dd_hasher h;
    if ((st = tm_dd_hasher_init(&h, &p)) != TAMIS_OK)
        return tm_err(err, st, NULL, 0, 0, "out of memory");
    size_t nw = n_threads(&d->cfg);
    const size_t batch_max = 2048, blob_max = 16u << 20;
    sig_worker *w = tm_calloc(nw, sizeof *w);
    batch_doc *docs = tm_malloc(batch_max * sizeof *docs);
    tm_buf blob;
    tm_buf_init(&blob);
    size_t nd = 0;
    tamis_doc *doc = tamis_doc_new();
    FILE *f = fopen(sig_path, "wb");
    sig_header hd;
    header_for(&p, shard, &hd);
    uint64_t n = 0, data = 0;
    if (!f) {
        st = tm_err(err, TAMIS_ERR_IO, sig_path, 0, 0, "cannot write: %s", strerror(errno));
        goto done;
    }
    if (!doc || !w || !docs) {
        st = tm_err(err, TAMIS_ERR_NOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    for (size_t t = 0; t < nw; t++) {
        w[t].h = &h;
        tm_buf_init(&w[t].out);
    }
    if (fwrite(&hd, sizeof hd, 1, f) != 1) {
        st = tm_err(err, TAMIS_ERR_IO, sig_path, 0, 0, "write failed: %s", strerror(errno));
        goto done;
    }
    for (size_t i = 0; i < n_inputs && st == TAMIS_OK; i++) {
        tamis_reader *r = NULL;
        if ((st = tamis_reader_open(&r, inputs[i], ro, err)) != TAMIS_OK)
            break;
        for (;;) {
            tamis_error e = {0};
            tamis_status rs = tamis_reader_next(r, doc, &e);
            if (rs == TAMIS_END)
                break;
            if (rs != TAMIS_OK)
                continue; /* skipped record: the filter pass skips it the same way */
            const char *id = tamis_doc_id(doc);
            const char *date = tamis_doc_get(doc, TAMIS_F_DATE);
            size_t tl;
            const char *text = tamis_doc_text(doc, &tl);
            batch_doc *bd = &docs[nd];
            bd->seq = n++;
            bd->text = blob.len;
            bd->text_len = tl;
            st = tm_buf_append(&blob, text, tl);
            bd->id = blob.len;
            bd->id_len = strlen(id);
            if (st == TAMIS_OK)
                st = tm_buf_append(&blob, id, bd->id_len + 1);
            bd->has_date = date != NULL;
            bd->date = blob.len;
            if (st == TAMIS_OK && date)
                st = tm_buf_append(&blob, date, strlen(date) + 1);
            if (st != TAMIS_OK) {
                tm_err(err, st, inputs[i], 0, n, "dedup: signature batch: %s",
                       tamis_strerror(st));
                break;
            }
            if (++nd == batch_max || blob.len >= blob_max) {
                st = run_batch(w, nw, &blob, docs, nd, f, &data, sig_path, err);
                nd = 0;
                tm_buf_clear(&blob);
                if (st != TAMIS_OK)
                    break;
            }
        }
        tamis_reader_free(r);
    }
    if (st == TAMIS_OK)
        st = run_batch(w, nw, &blob, docs, nd, f, &data, sig_path, err);
    if (st == TAMIS_OK) {
        hd.n_docs = n;
        hd.data_bytes = data;
        if (fseek(f, 0, SEEK_SET) != 0 || fwrite(&hd, sizeof hd, 1, f) != 1)
            st = tm_err(err, TAMIS_ERR_IO, sig_path, 0, 0, "write failed: %s",
                        strerror(errno));
    }
done:
    if (f && fclose(f) != 0 && st == TAMIS_OK)
        st = tm_err(err, TAMIS_ERR_IO, sig_path, 0, 0, "write failed: %s", strerror(errno));
    if (n_docs)
        *n_docs = n;
    tamis_doc_free(doc);
    for (size_t t = 0; w && t < nw; t++) {
        tm_buf_free(&w[t].out);
        tm_dd_scratch_free(&w[t].scratch);
    }
    tm_free(w);
    tm_free(docs);
    tm_buf_free(&blob);
    tm_dd_hasher_free(&h);
    return st;
}

typedef tm_dd_sigset sigset;

void tm_dd_sigset_free(sigset *s)
{
    for (size_t i = 0; i < s->n_files; i++)
        if (s->maps && s->maps[i] && s->maps[i] != MAP_FAILED)
            munmap(s->maps[i], s->lens[i]);
    tm_free(s->maps);
    tm_free(s->lens);
    tm_free(s->shard);
    tm_free(s->first);
    tm_free(s->base);
    tm_free(s->avail);
    tm_free(s->doc_file);
    memset(s, 0, sizeof *s);
}

tamis_status tm_dd_sigset_open(sigset *s, const tm_dd_params *p, const char *const *paths,
                               const int *fds, size_t n, tamis_error *err)
{
    memset(s, 0, sizeof *s);
    s->p = *p;
    s->n_files = n;
    s->maps = tm_calloc(n ? n : 1, sizeof *s->maps);
    s->lens = tm_calloc(n ? n : 1, sizeof *s->lens);
    s->shard = tm_calloc(n ? n : 1, sizeof *s->shard);
    s->first = tm_calloc(n ? n : 1, sizeof *s->first);
    if (!s->maps || !s->lens || !s->shard || !s->first)
        return tm_err(err, TAMIS_ERR_NOMEM, NULL, 0, 0, "out of memory");
    uint64_t total = 0;
    sig_header want;
    header_for(&s->p, 0, &want);
    for (size_t i = 0; i < n; i++) {
        int fd = fds ? fds[i] : open(paths[i], O_RDONLY);
        struct stat sb;
        if (fd < 0 || fstat(fd, &sb) != 0) {
            if (fd >= 0 && !fds)
                close(fd);
            return tm_err(err, TAMIS_ERR_IO, paths[i], 0, 0, "cannot open: %s",
                          strerror(errno));
        }
        s->lens[i] = (size_t)sb.st_size;
        if (s->lens[i] < sizeof(sig_header)) {
            if (!fds)
                close(fd);
            return tm_err(err, TAMIS_ERR_FORMAT, paths[i], 0, 0, "not a signature file");
        }
        s->maps[i] = mmap(NULL, s->lens[i], PROT_READ, MAP_PRIVATE, fd, 0);
        if (!fds)
            close(fd);
        if (s->maps[i] == MAP_FAILED) {
            s->maps[i] = NULL;
            return tm_err(err, TAMIS_ERR_IO, paths[i], 0, 0, "cannot map: %s", strerror(errno));
        }
        sig_header h;
        memcpy(&h, s->maps[i], sizeof h);
        if (memcmp(h.magic, SIG_MAGIC, 8) != 0 || h.version != 1)
            return tm_err(err, TAMIS_ERR_FORMAT, paths[i], 0, 0, "not a signature file");
        if (h.ngram != want.ngram || h.bands != want.bands || h.rows != want.rows ||
            h.seed != want.seed || h.verify != want.verify)
            return tm_err(err, TAMIS_ERR_ARG, paths[i], 0, 0,
                          "made with other parameters (ngram %u, bands %u, rows %u, seed %llu, "
                          "verify %u): use the same [dedup] settings in every step",
                          h.ngram, h.bands, h.rows, (unsigned long long)h.seed, h.verify);
        if (h.data_bytes > s->lens[i] - sizeof h)
            return tm_err(err, TAMIS_ERR_TRUNCATED, paths[i], 0, 0, "signature file cut short");
        s->shard[i] = h.shard;
        s->first[i] = total;
        total += h.n_docs;
    }
    s->base = tm_malloc((total ? total : 1) * sizeof *s->base);
    s->avail = tm_malloc((total ? total : 1) * sizeof *s->avail);
    s->doc_file = tm_malloc((total ? total : 1) * sizeof *s->doc_file);
    if (!s->base || !s->avail || !s->doc_file)
        return tm_err(err, TAMIS_ERR_NOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < n; i++) {
        const uint8_t *m = s->maps[i];
        sig_header h;
        memcpy(&h, m, sizeof h);
        size_t off = sizeof h, end = sizeof h + (size_t)h.data_bytes, trimmed = 0;
        for (uint64_t k = 0; k < h.n_docs; k++) {
            tm_dd_view v;
            if (off >= end || !tm_dd_view_rec(&s->p, m + off, end - off, &v) || v.h->seq != k)
                return tm_err(err, TAMIS_ERR_FORMAT, paths[i], off, k + 1,
                              "bad signature record");
            uint64_t g = s->first[i] + k;
            if (off - trimmed > TM_DD_TRIM_BYTES) {
                madvise(s->maps[i], s->lens[i], MADV_DONTNEED);
                trimmed = off;
            }
            s->base[g] = m + off;
            s->avail[g] = end - off;
            s->doc_file[g] = (uint32_t)i;
            off += v.h->rec_len;
        }
    }
    tm_dd_sigset_trim(s);
    s->store.p = &s->p;
    s->store.base = s->base;
    s->store.avail = s->avail;
    s->store.n = total;
    return TAMIS_OK;
}

/* Drops the mapped pages from this process's resident set: they are clean file pages and
 * come back from the page cache when touched again. Keeps RSS bounded by what one chunk
 * of work touches instead of the size of all signature files. */
void tm_dd_sigset_trim(const sigset *s)
{
    for (size_t i = 0; i < s->n_files; i++)
        if (s->maps[i])
            madvise(s->maps[i], s->lens[i], MADV_DONTNEED);
}

static size_t rec_bytes(const sigset *ss, uint64_t doc)
{
    return ((const tm_dd_rec *)ss->base[doc])->rec_len;
}

/* Verifies candidates in chunks that read about TM_DD_TRIM_BYTES of records each,
 * trimming the mapped pages between chunks. */
static tamis_status verify_chunked(const sigset *ss, const tm_dd_pairs *cand, tm_dd_edge **edges,
                                   size_t *n_edges, size_t *cap_edges)
{
    for (size_t i = 0; i < cand->n;) {
        size_t j = i, bytes = 0;
        while (j < cand->n && (j == i || bytes < TM_DD_TRIM_BYTES)) {
            bytes += rec_bytes(ss, cand->v[j].a) + rec_bytes(ss, cand->v[j].b);
            j++;
        }
        tm_dd_pairs part = {cand->v + i, j - i, 0};
        tamis_status st = tm_dd_verify(&ss->store, &part, edges, n_edges, cap_edges);
        if (st != TAMIS_OK)
            return st;
        tm_dd_sigset_trim(ss);
        i = j;
    }
    return TAMIS_OK;
}

/* ---- buckets: entries of this partition, sorted in memory-bounded runs, merged. */
static uint32_t part_of(uint64_t key, uint32_t parts)
{
    return (uint32_t)(((key >> 32) * (uint64_t)parts) >> 32);
}

typedef struct run_reader {
    FILE *f;
    tm_dd_entry cur;
    bool live;
} run_reader;

static bool run_next(run_reader *r)
{
    r->live = fread(&r->cur, sizeof r->cur, 1, r->f) == 1;
    return r->live;
}

static FILE *temp_file(const char *dir, tamis_error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/tamis-dedup-run-XXXXXX", dir && dir[0] ? dir : ".");
    int fd = mkstemp(path);
    if (fd < 0) {
        tm_err(err, TAMIS_ERR_IO, path, 0, 0, "cannot create a sort run: %s", strerror(errno));
        return NULL;
    }
    unlink(path); /* gone when closed, even after a crash */
    FILE *f = fdopen(fd, "w+b");
    if (!f)
        close(fd);
    return f;
}

/* Groups a sorted entry stream into buckets and collects candidate pairs. */
typedef struct grouper {
    const tm_dd_params *p;
    uint64_t *members;
    size_t n, cap;
    uint32_t band;
    uint64_t key;
    tm_dd_pairs *cand;
    uint64_t buckets;
    /* With a forest, each bucket's pairs are verified at once and dropped, so candidates
     * never pile up (a cluster of 60 copies has 1,770 pairs in each of its buckets). */
    const sigset *ss;
    uint64_t *forest;
    tm_dd_edge **edges;
    size_t *n_edges, *cap_edges;
    uint64_t n_cand;
    size_t touched; /* record bytes read since the mapping was last trimmed */
} grouper;

static tamis_status group_flush(grouper *g)
{
    size_t before = g->cand->n;
    tamis_status st = tm_dd_bucket_pairs(g->p, g->members, g->n, g->cand);
    g->buckets += g->n > 1;
    if (st == TAMIS_OK && g->forest && g->cand->n > before) {
        g->n_cand += g->cand->n - before;
        st = tm_dd_verify_forest(&g->ss->store, g->cand, g->forest, g->edges, g->n_edges,
                                 g->cap_edges);
        g->cand->n = 0;
        for (size_t i = 0; i < g->n; i++)
            g->touched += ((const tm_dd_rec *)g->ss->base[g->members[i]])->rec_len;
        if (g->touched > TM_DD_TRIM_BYTES) {
            tm_dd_sigset_trim(g->ss);
            g->touched = 0;
        }
    }
    g->n = 0;
    return st;
}

static tamis_status group_add(grouper *g, const tm_dd_entry *e)
{
    if (g->n && (e->band != g->band || e->key != g->key)) {
        tamis_status st = group_flush(g);
        if (st != TAMIS_OK)
            return st;
    }
    if (g->n == g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 256;
        uint64_t *nm = tm_realloc(g->members, cap * sizeof *nm);
        if (!nm)
            return TAMIS_ERR_NOMEM;
        g->members = nm;
        g->cap = cap;
    }
    g->band = e->band;
    g->key = e->key;
    g->members[g->n++] = e->doc;
    return TAMIS_OK;
}

static tamis_status spill(tm_dd_entry *buf, size_t n, FILE ***runs, size_t *n_runs,
                          const char *dir, tamis_error *err)
{
    qsort(buf, n, sizeof *buf, tm_dd_entry_cmp);
    FILE *f = temp_file(dir, err);
    if (!f)
        return TAMIS_ERR_IO;
    if (fwrite(buf, sizeof *buf, n, f) != n || fflush(f) != 0) {
        fclose(f);
        return tm_err(err, TAMIS_ERR_IO, dir, 0, 0, "cannot write a sort run: %s",
                      strerror(errno));
    }
    FILE **nr = tm_realloc(*runs, (*n_runs + 1) * sizeof *nr);
    if (!nr) {
        fclose(f);
        return TAMIS_ERR_NOMEM;
    }
    *runs = nr;
    (*runs)[(*n_runs)++] = f;
    return TAMIS_OK;
}

tamis_status tm_dd_partition_edges(const sigset *ss, uint32_t partition, uint32_t parts,
                                   size_t mem, const char *tmp_dir, uint64_t *forest,
                                   tm_dd_edge **edges, size_t *n_edges, size_t *cap_edges,
                                   uint64_t *n_cand, tamis_error *err)
{
    const tm_dd_params *p = &ss->p;
    size_t cap = TM_MAX(mem / sizeof(tm_dd_entry), (size_t)1024);
    tm_dd_entry *buf = NULL;
    size_t nb = 0;
    FILE **runs = NULL;
    size_t n_runs = 0;
    run_reader *rr = NULL;
    tm_dd_pairs cand = {0};
    grouper g = {p, NULL, 0, 0, 0, 0, &cand, 0, ss, forest, edges, n_edges, cap_edges, 0, 0};
    tamis_status st = TAMIS_OK;
    buf = tm_malloc(cap * sizeof *buf);
    if (!buf) {
        st = tm_err(err, TAMIS_ERR_NOMEM, NULL, 0, 0, "out of memory (dedup.mem_mb)");
        goto done;
    }
    size_t touched = 0;
    for (uint64_t i = 0; i < ss->store.n && st == TAMIS_OK; i++) {
        tm_dd_view v;
        tm_dd_view_rec(p, ss->base[i], ss->avail[i], &v);
        if ((touched += v.h->rec_len) > TM_DD_TRIM_BYTES) {
            tm_dd_sigset_trim(ss);
            touched = 0;
        }
        for (uint32_t b = 0; b <= p->bands; b++) {
            uint64_t key;
            if (b < p->bands) {
                if (!p->near || !v.band)
                    continue;
                key = v.band[b];
            } else {
                if (!p->exact || !(v.h->exact_lo | v.h->exact_hi))
                    continue;
                key = v.h->exact_lo;
            }
            if (part_of(key, parts) != partition)
                continue;
            if (nb == cap) {
                if ((st = spill(buf, nb, &runs, &n_runs, tmp_dir, err)) != TAMIS_OK)
                    break;
                nb = 0;
            }
            buf[nb++] = (tm_dd_entry){key, b, 0, i};
        }
    }
    if (st != TAMIS_OK)
        goto done;
    if (n_runs == 0) {
        if (nb > 1)
            qsort(buf, nb, sizeof *buf, tm_dd_entry_cmp);
        for (size_t i = 0; i < nb && st == TAMIS_OK; i++)
            st = group_add(&g, &buf[i]);
    } else {
        if (nb && (st = spill(buf, nb, &runs, &n_runs, tmp_dir, err)) != TAMIS_OK)
            goto done;
        tm_free(buf);
        buf = NULL;
        rr = tm_calloc(n_runs, sizeof *rr);
        if (!rr) {
            st = TAMIS_ERR_NOMEM;
            goto done;
        }
        for (size_t r = 0; r < n_runs; r++) {
            rr[r].f = runs[r];
            rewind(runs[r]);
            run_next(&rr[r]);
        }
        /* k-way merge; k = input size / mem_mb is small, so a linear scan of the heads
         * costs less than the reads. */
        for (;;) {
            size_t best = SIZE_MAX;
            for (size_t r = 0; r < n_runs; r++)
                if (rr[r].live &&
                    (best == SIZE_MAX || tm_dd_entry_cmp(&rr[r].cur, &rr[best].cur) < 0))
                    best = r;
            if (best == SIZE_MAX)
                break;
            if ((st = group_add(&g, &rr[best].cur)) != TAMIS_OK)
                goto done;
            run_next(&rr[best]);
        }
    }
    if (st == TAMIS_OK && g.n)
        st = group_flush(&g);
    if (st != TAMIS_OK) {
        tm_err(err, st, NULL, 0, 0, "dedup buckets: %s", tamis_strerror(st));
        goto done;
    }
    tm_free(buf); /* the sort buffer is not needed while verifying */
    buf = NULL;
    tm_dd_pairs_sort_unique(&cand);
    *n_cand += cand.n + g.n_cand;
    tm_dd_sigset_trim(ss);
    if ((st = verify_chunked(ss, &cand, edges, n_edges, cap_edges)) != TAMIS_OK)
        tm_err(err, st, NULL, 0, 0, "dedup buckets: verification: %s", tamis_strerror(st));
done:
    for (size_t r = 0; r < n_runs; r++)
        fclose(runs[r]);
    tm_free(runs);
    tm_free(rr);
    tm_free(buf);
    tm_free(g.members);
    tm_free(cand.v);
    return st;
}

static uint32_t n_partitions(const tm_dd_cfg *c)
{
    return c->partitions < 1 ? 1u : c->partitions > 65536 ? 65536u : (uint32_t)c->partitions;
}

tamis_status tamis_dedup_buckets(tamis_dedup *d, const char *const *sigs, size_t n_sigs,
                                 uint32_t partition, const char *edges_path,
                                 const char *tmp_dir, tamis_error *err)
{
    uint32_t parts = n_partitions(&d->cfg);
    if (partition >= parts)
        return tm_err(err, TAMIS_ERR_ARG, NULL, 0, 0, "partition %u of %u does not exist",
                      partition, parts);
    char dirbuf[4096];
    if (!tmp_dir) {
        snprintf(dirbuf, sizeof dirbuf, "%s", edges_path);
        char *slash = strrchr(dirbuf, '/');
        if (slash)
            *slash = '\0';
        else
            snprintf(dirbuf, sizeof dirbuf, ".");
        tmp_dir = dirbuf;
    }
    tm_dd_params p;
    sigset ss = {0};
    tm_dd_edge *edges = NULL;
    size_t n_edges = 0, cap_edges = 0;
    uint64_t n_cand = 0;
    size_t mem = (size_t)(d->cfg.mem_mb < 1 ? 1 : d->cfg.mem_mb) << 20;
    tamis_status st = tm_dd_params_from_cfg(&d->cfg, &p, err);
    if (st == TAMIS_OK)
        st = tm_dd_sigset_open(&ss, &p, sigs, NULL, n_sigs, err);
    if (st == TAMIS_OK)
        st = tm_dd_partition_edges(&ss, partition, parts, mem, tmp_dir, NULL, &edges,
                                   &n_edges, &cap_edges, &n_cand, err);
    if (st == TAMIS_OK) {
        FILE *out = fopen(edges_path, "w");
        if (!out) {
            st = tm_err(err, TAMIS_ERR_IO, edges_path, 0, 0, "cannot write: %s",
                        strerror(errno));
        } else {
            fprintf(out, "#tamis-dedup-edges\tv1\tdocs=%llu\tpartition=%u/%u\tcandidates=%llu\n",
                    (unsigned long long)ss.store.n, partition, parts,
                    (unsigned long long)n_cand);
            for (size_t i = 0; i < n_edges; i++)
                fprintf(out, "%llu\t%llu\t%.6f\t%d\n", (unsigned long long)edges[i].a,
                        (unsigned long long)edges[i].b, edges[i].sim, edges[i].exact ? 1 : 0);
            if (fclose(out) != 0)
                st = tm_err(err, TAMIS_ERR_IO, edges_path, 0, 0, "write failed: %s",
                            strerror(errno));
        }
    }
    tm_free(edges);
    tm_dd_sigset_free(&ss);
    return st;
}

/* ---- cluster */
static int edge_cmp(const void *va, const void *vb)
{
    const tm_dd_edge *a = va, *b = vb;
    if (a->a != b->a)
        return a->a < b->a ? -1 : 1;
    return a->b < b->b ? -1 : a->b > b->b;
}

void tm_dd_edges_sort_unique(tm_dd_edge *edges, size_t *n)
{
    if (*n > 1)
        qsort(edges, *n, sizeof *edges, edge_cmp);
    size_t u = 0;
    for (size_t i = 0; i < *n; i++)
        if (u == 0 || edges[i].a != edges[u - 1].a || edges[i].b != edges[u - 1].b)
            edges[u++] = edges[i];
    *n = u;
}

static tamis_status read_edges(const char *path, uint64_t n_docs, tm_dd_edge **edges,
                               size_t *n, size_t *cap, tamis_error *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return tm_err(err, TAMIS_ERR_IO, path, 0, 0, "cannot open: %s", strerror(errno));
    char line[512];
    uint64_t ln = 0;
    tamis_status st = TAMIS_OK;
    while (fgets(line, sizeof line, f)) {
        ln++;
        if (line[0] == '#') {
            const char *dp = strstr(line, "docs=");
            if (dp && strtoull(dp + 5, NULL, 10) != n_docs) {
                st = tm_err(err, TAMIS_ERR_ARG, path, 0, ln,
                            "edges made over %llu documents, the signature files hold %llu: "
                            "give the same signature files in the same order",
                            strtoull(dp + 5, NULL, 10), (unsigned long long)n_docs);
                break;
            }
            continue;
        }
        char *e1, *e2, *e3;
        unsigned long long a = strtoull(line, &e1, 10);
        unsigned long long b = strtoull(e1, &e2, 10);
        double sim = strtod(e2, &e3);
        long ex = strtol(e3, NULL, 10);
        if (e1 == line || e2 == e1 || e3 == e2 || a >= n_docs || b >= n_docs || a == b) {
            st = tm_err(err, TAMIS_ERR_FORMAT, path, 0, ln, "bad edge line");
            break;
        }
        if (*n == *cap) {
            size_t nc = *cap ? *cap * 2 : 4096;
            tm_dd_edge *ne = tm_realloc(*edges, nc * sizeof *ne);
            if (!ne) {
                st = tm_err(err, TAMIS_ERR_NOMEM, NULL, 0, 0, "out of memory");
                break;
            }
            *edges = ne;
            *cap = nc;
        }
        tm_dd_edge *e = &(*edges)[(*n)++];
        e->a = a < b ? a : b;
        e->b = a < b ? b : a;
        e->sim = sim;
        e->exact = ex != 0;
    }
    fclose(f);
    return st;
}

/* Ids go into TSV cells: tabs and line breaks become spaces (matching uses shard+seq). */
static void put_cell(FILE *f, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        fputc(c == '\t' || c == '\n' || c == '\r' ? ' ' : c, f);
    }
}

tamis_status tamis_dedup_cluster(tamis_dedup *d, const char *const *sigs, size_t n_sigs,
                                 const char *const *edge_files, size_t n_edge_files,
                                 const char *clusters_path, tamis_error *err)
{
    sigset ss = {0};
    tm_dd_edge *edges = NULL;
    size_t n_edges = 0, cap = 0;
    tm_dd_clusters cl = {0};
    FILE *f = NULL;
    tm_dd_params p;
    tamis_status st = tm_dd_params_from_cfg(&d->cfg, &p, err);
    if (st == TAMIS_OK)
        st = tm_dd_sigset_open(&ss, &p, sigs, NULL, n_sigs, err);
    for (size_t i = 0; i < n_edge_files && st == TAMIS_OK; i++)
        st = read_edges(edge_files[i], ss.store.n, &edges, &n_edges, &cap, err);
    if (st != TAMIS_OK)
        goto done;
    tm_dd_edges_sort_unique(edges, &n_edges);
    if ((st = tm_dd_cluster(&ss.store, edges, n_edges, &cl)) != TAMIS_OK) {
        tm_err(err, st, NULL, 0, 0, "out of memory");
        goto done;
    }
    if (d->cfg.pairs && d->cfg.pairs[0] &&
        (st = tm_dd_write_pairs(d->cfg.pairs, &ss.store, edges, n_edges, err)) != TAMIS_OK)
        goto done;
    f = fopen(clusters_path, "w");
    if (!f) {
        st = tm_err(err, TAMIS_ERR_IO, clusters_path, 0, 0, "cannot write: %s",
                    strerror(errno));
        goto done;
    }
    fprintf(f, "#tamis-dedup-clusters\tv1\tdocs=%llu\n#shard\tseq\tid\tcluster\tsize\tkeep\texact\n",
            (unsigned long long)ss.store.n);
    size_t touched = 0;
    for (uint64_t i = 0; i < ss.store.n; i++) {
        if (cl.size[i] < 2)
            continue;
        if ((touched += rec_bytes(&ss, i) + rec_bytes(&ss, cl.rep[i])) > TM_DD_TRIM_BYTES) {
            tm_dd_sigset_trim(&ss);
            touched = 0;
        }
        tm_dd_view v, rv;
        tm_dd_view_rec(&ss.p, ss.base[i], ss.avail[i], &v);
        tm_dd_view_rec(&ss.p, ss.base[cl.rep[i]], ss.avail[cl.rep[i]], &rv);
        bool exact = cl.rep[i] != i && (v.h->exact_lo | v.h->exact_hi) &&
                     v.h->exact_lo == rv.h->exact_lo && v.h->exact_hi == rv.h->exact_hi;
        fprintf(f, "%u\t%llu\t", ss.shard[ss.doc_file[i]], (unsigned long long)v.h->seq);
        put_cell(f, v.id, v.h->id_len);
        fputc('\t', f);
        put_cell(f, rv.id, rv.h->id_len);
        fprintf(f, "\t%llu\t%d\t%d\n", (unsigned long long)cl.size[i], cl.rep[i] == i,
                exact ? 1 : 0);
    }
    if (fclose(f) != 0)
        st = tm_err(err, TAMIS_ERR_IO, clusters_path, 0, 0, "write failed: %s",
                    strerror(errno));
done:
    tm_dd_clusters_free(&cl);
    tm_free(edges);
    tm_dd_sigset_free(&ss);
    return st;
}

/* ---- filter */
typedef struct crow {
    uint64_t seq, size;
    bool keep, exact;
    char *cluster;
} crow;

static int crow_cmp(const void *va, const void *vb)
{
    const crow *a = va, *b = vb;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static tamis_status load_rows(const char *path, uint32_t shard, crow **rows, size_t *n,
                              tamis_error *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return tm_err(err, TAMIS_ERR_IO, path, 0, 0, "cannot open: %s", strerror(errno));
    tm_buf line;
    tm_buf_init(&line);
    size_t cap = 0;
    uint64_t ln = 0;
    tamis_status st = TAMIS_OK;
    char chunk[4096];
    for (;;) {
        tm_buf_clear(&line);
        bool got = false;
        while (fgets(chunk, sizeof chunk, f)) {
            got = true;
            size_t l = strlen(chunk);
            if ((st = tm_buf_append(&line, chunk, l)) != TAMIS_OK)
                break;
            if (l && chunk[l - 1] == '\n')
                break;
        }
        if (!got || st != TAMIS_OK)
            break;
        ln++;
        tm_buf_nul(&line);
        if (line.data[0] == '#')
            continue;
        /* shard seq id cluster size keep exact */
        char *cells[7];
        int nc = 0;
        char *s = line.data;
        while (nc < 7) {
            cells[nc++] = s;
            char *tab = strchr(s, '\t');
            if (!tab)
                break;
            *tab = '\0';
            s = tab + 1;
        }
        if (nc != 7) {
            st = tm_err(err, TAMIS_ERR_FORMAT, path, 0, ln, "bad cluster line");
            break;
        }
        if (strtoul(cells[0], NULL, 10) != shard)
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 1024;
            crow *nr = tm_realloc(*rows, cap * sizeof *nr);
            if (!nr) {
                st = TAMIS_ERR_NOMEM;
                break;
            }
            *rows = nr;
        }
        crow *r = &(*rows)[*n];
        r->seq = strtoull(cells[1], NULL, 10);
        r->cluster = tm_strdup(cells[3]);
        r->size = strtoull(cells[4], NULL, 10);
        r->keep = atoi(cells[5]) != 0;
        r->exact = strtol(cells[6], NULL, 10) != 0;
        if (!r->cluster) {
            st = TAMIS_ERR_NOMEM;
            break;
        }
        (*n)++;
    }
    fclose(f);
    tm_buf_free(&line);
    if (st == TAMIS_OK && *n > 1)
        qsort(*rows, *n, sizeof **rows, crow_cmp);
    return st;
}

tamis_status tamis_dedup_filter(tamis_dedup *d, const char *clusters_path, uint32_t shard,
                                const char *const *inputs, size_t n_inputs,
                                const tamis_reader_opts *ro, const tamis_writer_opts *wo,
                                int write_dropped, const char *output, tamis_stats *stats,
                                tamis_error *err)
{
    crow *rows = NULL;
    size_t n_rows = 0;
    tamis_writer *w = NULL;
    tamis_doc *doc = NULL;
    tamis_status st = load_rows(clusters_path, shard, &rows, &n_rows, err);
    if (st != TAMIS_OK)
        goto done;
    if ((st = tamis_writer_open(&w, output, wo, err)) != TAMIS_OK)
        goto done;
    if (!(doc = tamis_doc_new())) {
        st = TAMIS_ERR_NOMEM;
        goto done;
    }
    uint64_t seq = 0;
    for (size_t i = 0; i < n_inputs && st == TAMIS_OK; i++) {
        tamis_reader *r = NULL;
        if ((st = tamis_reader_open(&r, inputs[i], ro, err)) != TAMIS_OK)
            break;
        for (;;) {
            tamis_error e = {0};
            tamis_status rs = tamis_reader_next(r, doc, &e);
            if (rs == TAMIS_END)
                break;
            if (rs != TAMIS_OK) {
                if (stats) {
                    tamis_stats_add_in(stats, 0);
                    tamis_stats_add_skipped(stats, rs);
                }
                continue;
            }
            size_t tl;
            tamis_doc_text(doc, &tl);
            if (stats)
                tamis_stats_add_in(stats, doc->payload_len ? doc->payload_len : tl);
            crow key = {seq++, 0, false, false, NULL};
            const crow *row =
                n_rows ? bsearch(&key, rows, n_rows, sizeof *rows, crow_cmp) : NULL;
            if (row) {
                doc->has_dup = true;
                doc->dup_size = row->size;
                doc->dup_keep = row->keep;
                doc->dup_cluster = tm_arena_strndup(&doc->arena, row->cluster,
                                                    strlen(row->cluster));
                if (!row->keep && d->cfg.drop) {
                    if (row->exact)
                        tm_doc_dropf(doc, "dup_exact: same normalised text as %s",
                                     row->cluster);
                    else
                        tm_doc_dropf(doc, "dup_near: cluster %s of %llu documents",
                                     row->cluster, (unsigned long long)row->size);
                }
            }
            if (tamis_doc_dropped(doc)) {
                if (stats)
                    tamis_stats_add_dropped(stats, tamis_doc_reason(doc, 0));
                if (!write_dropped)
                    continue;
            } else if (stats) {
                tamis_stats_add_written(stats, tl);
            }
            if ((st = tamis_writer_write(w, doc, err)) != TAMIS_OK)
                break;
        }
        tamis_reader_free(r);
    }
done:
    if (w) {
        tamis_status cs = tamis_writer_close(w, st == TAMIS_OK ? err : NULL);
        if (st == TAMIS_OK)
            st = cs;
    }
    tamis_doc_free(doc);
    for (size_t i = 0; i < n_rows; i++)
        tm_free(rows[i].cluster);
    tm_free(rows);
    return st;
}
