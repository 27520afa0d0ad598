/* tm_dedup_stage.c — the 'dedup' corpus stage: observe every document (signature record,
 * line counts), cluster in finish(), then annotate/drop each document in process().
 *
 * Records are made by prepare() on the pipeline's worker threads and only stored by the
 * serial observe(). They stay in memory up to the stage's budget; past it they go to a
 * signature file (the sharded steps' format, unlinked at once so a crash leaves nothing)
 * and finish() clusters them with the sharded steps' external bucket sort over the
 * memory-mapped file: the same clusters, in bounded memory. */
#include "tm_dedup.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

const tm_param tm_dd_param_table[] = {
    {"exact", TM_P_BOOL, "true", offsetof(tm_dd_cfg, exact),
     "exact dedup: XXH3-128 of the normalised text"},
    {"near", TM_P_BOOL, "true", offsetof(tm_dd_cfg, near),
     "near-duplicate dedup: MinHash-LSH on word n-gram shingles"},
    {"containment", TM_P_BOOL, "false", offsetof(tm_dd_cfg, containment),
     "similarity = |A∩B|/min(|A|,|B|) (truncated copies, syndication) instead of Jaccard"},
    {"lines", TM_P_BOOL, "false", offsetof(tm_dd_cfg, lines),
     "CCNet-style line dedup across the corpus (removes repeated lines)"},
    {"drop", TM_P_BOOL, "true", offsetof(tm_dd_cfg, drop),
     "drop non-representatives (false: only annotate dup_cluster)"},
    {"ngram", TM_P_INT, "5", offsetof(tm_dd_cfg, ngram), "words per shingle"},
    {"bands", TM_P_INT, "14", offsetof(tm_dd_cfg, bands), "LSH bands"},
    {"rows", TM_P_INT, "8", offsetof(tm_dd_cfg, rows), "MinHash values per band"},
    {"seed", TM_P_INT, "1", offsetof(tm_dd_cfg, seed), "seed of the MinHash permutations"},
    {"threshold", TM_P_DOUBLE, "0.8", offsetof(tm_dd_cfg, threshold),
     "similarity a candidate pair needs to be a duplicate"},
    {"verify", TM_P_STRING, "exact", offsetof(tm_dd_cfg, verify),
     "candidate check: exact (shingle sets), estimate (signatures), none"},
    {"keep", TM_P_STRING, "first", offsetof(tm_dd_cfg, keep),
     "representative kept per cluster: first, longest, earliest (date field)"},
    {"pairs", TM_P_STRING, "", offsetof(tm_dd_cfg, pairs),
     "write verified pairs as TSV id_a, id_b, similarity to this file"},
    {"bucket_all_pairs", TM_P_INT, "200", offsetof(tm_dd_cfg, bucket_all_pairs),
     "buckets up to this size compare every pair; larger ones link to the first member"},
    {"line_threshold", TM_P_INT, "1", offsetof(tm_dd_cfg, line_threshold),
     "a line seen more than this many times in the corpus is a duplicate"},
    {"line_keep_first", TM_P_BOOL, "true", offsetof(tm_dd_cfg, line_keep_first),
     "keep a duplicated line where it first occurs (false: remove it everywhere)"},
    {"line_normalize", TM_P_BOOL, "true", offsetof(tm_dd_cfg, line_normalize),
     "compare lines after normalisation (false: raw bytes)"},
    {"line_min_chars", TM_P_INT, "1", offsetof(tm_dd_cfg, line_min_chars),
     "lines shorter than this (after normalisation) are never removed"},
    {"partitions", TM_P_INT, "4", offsetof(tm_dd_cfg, partitions),
     "sharded mode: band-hash-range partitions processed one at a time"},
    {"mem_mb", TM_P_INT, "256", offsetof(tm_dd_cfg, mem_mb),
     "MB of records (stage; 0: all on disk) or sort buffer (sharded buckets) before "
     "spilling to disk"},
    {"threads", TM_P_INT, "0", offsetof(tm_dd_cfg, threads),
     "sharded mode: signature threads (0: all cores; tamis dedup -j sets it)"},
    {0},
};

/* Scratch of one prepare() call, pooled: worker threads take one and put it back. */
typedef struct prep_scratch {
    tm_dd_scratch s;
    tm_buf out;
} prep_scratch;

#define PREP_POOL 64

/* Per-document memory of the in-memory path besides the record itself: its pointer, the
 * store's base, the bucket entries of every band and the exact bucket (24 bytes each),
 * bucket members and the clusters' rep and size. */
#define MEM_PER_DOC(p) (8 + 8 + 24 * ((size_t)(p)->bands + 1) + 8 + 16)

typedef struct dedup {
    const tm_dd_cfg *cfg;
    tm_dd_params p;
    tm_dd_hasher h;
    tm_dd_scratch scratch;
    pthread_mutex_t pool_mu;
    prep_scratch *pool[PREP_POOL];
    size_t n_pool;
    size_t budget;     /* bytes of corpus state kept in memory */
    char *tmp_dir;     /* where records go past the budget */
    uint64_t mem_bytes; /* record bytes held in blocks */
    /* Records on disk: a signature file (unlinked), mapped by finish(). */
    FILE *spill;
    uint64_t spill_bytes;
    tm_dd_sigset ss;
    bool on_disk;
    atomic_uint_fast64_t touched; /* record bytes process() read: trim the mapping now and then */
    bool records; /* exact or near: signature records are kept */
    /* Records in input order, in blocks (1 MB doubling up to 64 MB) that never move: one
     * growing buffer would need twice its size while it is copied to a bigger one. */
    uint8_t **blocks;
    size_t n_blocks, block_used, block_cap;
    tm_buf one;          /* the record being made */
    const uint8_t **rec; /* per document */
    uint64_t n, cap;
    bool seq_ok; /* observed doc->seq == observation index for every doc */
    bool finished;
    tm_dd_lines lines;
    tm_dd_clusters cl;
    atomic_uint_fast64_t next; /* process() index when doc->seq cannot be trusted */
    /* counters for the report */
    uint64_t n_candidates, n_edges, n_exact_edges;
    atomic_uint_fast64_t n_dup_exact, n_dup_near, n_lines_removed;
} dedup;

static int dedup_is_corpus(const void *vcfg)
{
    const tm_dd_cfg *c = vcfg;
    return c->exact || c->near || c->lines;
}

static tamis_status dedup_create(void **self, const void *vcfg, tamis_error *err)
{
    const tm_dd_cfg *cfg = vcfg;
    dedup *d = tm_calloc(1, sizeof *d);
    if (!d)
        return tm_err(err, TAMIS_ERR_NOMEM, NULL, 0, 0, "out of memory");
    d->cfg = cfg;
    tamis_status st = tm_dd_params_from_cfg(cfg, &d->p, err);
    if (st == TAMIS_OK && (st = tm_dd_hasher_init(&d->h, &d->p)) != TAMIS_OK)
        tm_err(err, st, NULL, 0, 0, "out of memory");
    if (st != TAMIS_OK) {
        tm_free(d);
        return st;
    }
    d->records = cfg->exact || cfg->near;
    d->seq_ok = true;
    /* 0 keeps every record on disk (tests use it to exercise that path). */
    d->budget = (size_t)(cfg->mem_mb < 0 ? 0 : cfg->mem_mb) << 20;
    pthread_mutex_init(&d->pool_mu, NULL);
    *self = d;
    return TAMIS_OK;
}

/* The budget is the smaller of dedup.mem_mb and what the pipeline gives the stage. */
static void dedup_set_budget(void *self, size_t bytes, const char *tmp_dir)
{
    dedup *d = self;
    if (bytes && bytes < d->budget)
        d->budget = bytes;
    if (tmp_dir) {
        tm_free(d->tmp_dir);
        d->tmp_dir = tm_strdup(tmp_dir);
    }
}

static void free_blocks(dedup *d)
{
    for (size_t i = 0; i < d->n_blocks; i++)
        tm_free(d->blocks[i]);
    tm_free(d->blocks);
    d->blocks = NULL;
    d->n_blocks = d->block_used = d->block_cap = 0;
    tm_free(d->rec);
    d->rec = NULL;
    d->cap = 0;
}

static void dedup_destroy(void *self)
{
    dedup *d = self;
    tm_dd_hasher_free(&d->h);
    tm_dd_scratch_free(&d->scratch);
    for (size_t i = 0; i < d->n_pool; i++) {
        tm_dd_scratch_free(&d->pool[i]->s);
        tm_buf_free(&d->pool[i]->out);
        tm_free(d->pool[i]);
    }
    pthread_mutex_destroy(&d->pool_mu);
    free_blocks(d);
    if (d->spill)
        fclose(d->spill);
    tm_dd_sigset_free(&d->ss);
    tm_free(d->tmp_dir);
    tm_buf_free(&d->one);
    tm_dd_lines_free(&d->lines);
    tm_dd_clusters_free(&d->cl);
    tm_free(d);
}

/* The record of one document (thread-safe): left in doc->corpus_rec for observe(). */
static tamis_status dedup_prepare(void *self, tamis_doc *doc, tamis_error *err)
{
    dedup *d = self;
    if (!d->records)
        return TAMIS_OK;
    pthread_mutex_lock(&d->pool_mu);
    prep_scratch *ps = d->n_pool ? d->pool[--d->n_pool] : NULL;
    pthread_mutex_unlock(&d->pool_mu);
    if (!ps && !(ps = tm_calloc(1, sizeof *ps)))
        return tm_err(err, TAMIS_ERR_NOMEM, NULL, 0, 0, "out of memory");
    const char *id = doc->id ? doc->id : "";
    tm_buf_clear(&ps->out);
    tamis_status st = tm_dd_make_record(&d->h, &ps->s, doc->text, doc->text_len, id,
                                        strlen(id), 0, tamis_doc_get(doc, TAMIS_F_DATE),
                                        &ps->out);
    void *rec = st == TAMIS_OK ? tm_arena_alloc(&doc->arena, ps->out.len) : NULL;
    if (rec) {
        memcpy(rec, ps->out.data, ps->out.len);
        doc->corpus_rec = rec;
        doc->corpus_rec_len = ps->out.len;
    } else if (st == TAMIS_OK) {
        st = TAMIS_ERR_NOMEM;
    }
    pthread_mutex_lock(&d->pool_mu);
    if (d->n_pool < PREP_POOL) {
        d->pool[d->n_pool++] = ps;
        ps = NULL;
    }
    pthread_mutex_unlock(&d->pool_mu);
    if (ps) {
        tm_dd_scratch_free(&ps->s);
        tm_buf_free(&ps->out);
        tm_free(ps);
    }
    if (st != TAMIS_OK)
        return tm_err(err, st, doc->src_file, doc->src_offset, doc->src_record,
                      "dedup: signature: %s", tamis_strerror(st));
    return TAMIS_OK;
}

/* Moves the records held in memory to a new signature file: from now on observe() appends
 * there. The file is unlinked at once; its descriptor keeps it until the stage is freed. */
static const char *spill_dir(const dedup *d)
{
    const char *dir = d->tmp_dir && d->tmp_dir[0] ? d->tmp_dir : getenv("TMPDIR");
    return dir && dir[0] ? dir : "/tmp";
}

static tamis_status start_spill(dedup *d, tamis_error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/tamis-dedup-XXXXXX", spill_dir(d));
    int fd = mkstemp(path);
    if (fd < 0)
        return tm_err(err, TAMIS_ERR_IO, path, 0, 0, "dedup: cannot spill records: %s",
                      strerror(errno));
    unlink(path);
    d->spill = fdopen(fd, "w+b");
    if (!d->spill) {
        close(fd);
        return tm_err(err, TAMIS_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    tamis_status st = tm_dd_sig_header(d->spill, &d->p, 0, 0, 0, "dedup spill", err);
    for (uint64_t i = 0; i < d->n && st == TAMIS_OK; i++) {
        const tm_dd_rec *r = (const tm_dd_rec *)d->rec[i];
        if (fwrite(r, r->rec_len, 1, d->spill) != 1)
            st = tm_err(err, TAMIS_ERR_IO, "dedup spill", 0, 0, "write failed: %s",
                        strerror(errno));
        d->spill_bytes += r->rec_len;
    }
    free_blocks(d);
    d->mem_bytes = 0;
    return st;
}

/* Appends one record (rec_len bytes at r) in memory blocks that never move: one growing
 * buffer would need twice its size while it is copied to a bigger one. */
static tamis_status keep_in_memory(dedup *d, const void *r, size_t len)
{
    if (d->n == d->cap) {
        uint64_t cap = d->cap ? d->cap * 2 : 4096;
        const uint8_t **no = tm_realloc(d->rec, cap * sizeof *no);
        if (!no)
            return TAMIS_ERR_NOMEM;
        d->rec = no;
        d->cap = cap;
    }
    if (d->block_used + len > d->block_cap) {
        size_t cap = TM_MAX((size_t)1 << (20 + TM_MIN(d->n_blocks, (size_t)6)), len);
        uint8_t **nb = tm_realloc(d->blocks, (d->n_blocks + 1) * sizeof *nb);
        if (!nb)
            return TAMIS_ERR_NOMEM;
        d->blocks = nb;
        uint8_t *b = tm_malloc(cap);
        if (!b)
            return TAMIS_ERR_NOMEM;
        d->blocks[d->n_blocks++] = b;
        d->block_used = 0;
        d->block_cap = cap;
    }
    uint8_t *dst = d->blocks[d->n_blocks - 1] + d->block_used;
    memcpy(dst, r, len);
    d->block_used += len;
    d->mem_bytes += len;
    d->rec[d->n] = dst;
    return TAMIS_OK;
}

static tamis_status dedup_observe(void *self, const tamis_doc *doc, tamis_error *err)
{
    dedup *d = self;
    if (d->finished)
        return tm_err(err, TAMIS_ERR_ARG, NULL, 0, 0, "dedup: observe() after finish()");
    if (doc->seq != d->n)
        d->seq_ok = false;
    tamis_status st = TAMIS_OK;
    if (d->cfg->lines) {
        st = tm_dd_lines_observe(&d->lines, d->cfg, &d->scratch.norm, &d->scratch.tmp,
                                 doc->text, doc->text_len, d->n);
        if (st != TAMIS_OK)
            return tm_err(err, st, doc->src_file, doc->src_offset, doc->src_record,
                          "dedup: line table: %s", tamis_strerror(st));
    }
    if (d->records) {
        /* The record prepare() made on a worker thread, else made here. */
        const void *rec = doc->corpus_rec;
        size_t len = doc->corpus_rec_len;
        if (!rec || len < sizeof(tm_dd_rec)) {
            const char *id = doc->id ? doc->id : "";
            tm_buf_clear(&d->one);
            st = tm_dd_make_record(&d->h, &d->scratch, doc->text, doc->text_len, id,
                                   strlen(id), d->n, tamis_doc_get(doc, TAMIS_F_DATE),
                                   &d->one);
            rec = d->one.data;
            len = d->one.len;
        }
        if (st == TAMIS_OK && !d->spill &&
            d->mem_bytes + len + (d->n + 1) * MEM_PER_DOC(&d->p) > d->budget)
            st = start_spill(d, err);
        if (st == TAMIS_OK && d->spill) {
            tm_dd_rec h;
            memcpy(&h, rec, sizeof h);
            h.seq = d->n;
            if (fwrite(&h, sizeof h, 1, d->spill) != 1 ||
                fwrite((const uint8_t *)rec + sizeof h, len - sizeof h, 1, d->spill) != 1)
                st = tm_err(err, TAMIS_ERR_IO, "dedup spill", 0, 0, "write failed: %s",
                            strerror(errno));
            d->spill_bytes += len;
        } else if (st == TAMIS_OK) {
            st = keep_in_memory(d, rec, len);
            if (st == TAMIS_OK)
                ((tm_dd_rec *)d->rec[d->n])->seq = d->n;
        }
        if (st != TAMIS_OK)
            return err && err->status == st ? st
                                            : tm_err(err, st, doc->src_file, doc->src_offset,
                                                     doc->src_record, "dedup: signature: %s",
                                                     tamis_strerror(st));
    }
    d->n++;
    return TAMIS_OK;
}

/* Verified edges (sorted by (a, b), unique) -> counters, clusters, pairs file. */
static tamis_status record_edges(dedup *d, const tm_dd_store *store, const tm_dd_edge *edges,
                                 size_t n_edges, tamis_error *err)
{
    d->n_edges = n_edges;
    for (size_t i = 0; i < n_edges; i++)
        d->n_exact_edges += edges[i].exact;
    tamis_status st = tm_dd_cluster(store, edges, n_edges, &d->cl);
    if (st != TAMIS_OK)
        return tm_err(err, st, NULL, 0, 0, "dedup: clustering %llu documents: %s",
                      (unsigned long long)d->n, tamis_strerror(st));
    if (d->cfg->pairs && d->cfg->pairs[0])
        st = tm_dd_write_pairs(d->cfg->pairs, store, edges, n_edges, err);
    return st;
}

/* Clusters the records of the spill file: the sharded steps' partitions, external bucket
 * sort and verification over the mapped file, with the stage's budget as sort buffer. */
static tamis_status finish_on_disk(dedup *d, tamis_error *err)
{
    tamis_status st = TAMIS_OK;
    if (fflush(d->spill) != 0 || fseek(d->spill, 0, SEEK_SET) != 0 ||
        (st = tm_dd_sig_header(d->spill, &d->p, 0, d->n, d->spill_bytes, "dedup spill",
                               err)) != TAMIS_OK ||
        fflush(d->spill) != 0)
        return st != TAMIS_OK ? st
                              : tm_err(err, TAMIS_ERR_IO, "dedup spill", 0, 0,
                                       "write failed: %s", strerror(errno));
    int fd = fileno(d->spill);
    const char *name = "dedup spill";
    if ((st = tm_dd_sigset_open(&d->ss, &d->p, &name, &fd, 1, err)) != TAMIS_OK)
        return st;
    fclose(d->spill); /* the mapping keeps the file */
    d->spill = NULL;
    d->on_disk = true;
    uint32_t parts = d->cfg->partitions < 1 ? 1u
                     : d->cfg->partitions > 65536 ? 65536u
                                                  : (uint32_t)d->cfg->partitions;
    tm_dd_edge *edges = NULL;
    size_t n_edges = 0, cap_edges = 0;
    /* Without a pairs file only the clusters matter: a spanning forest of them is enough,
     * and it bounds the edges by the number of documents (a cluster of 60 exact copies
     * has 1,770 verified pairs in every partition, and 59 forest edges). */
    uint64_t *forest = NULL;
    if (!(d->cfg->pairs && d->cfg->pairs[0])) {
        forest = tm_malloc((d->n ? d->n : 1) * sizeof *forest);
        if (!forest)
            return tm_err(err, TAMIS_ERR_NOMEM, NULL, 0, 0, "out of memory");
        for (uint64_t i = 0; i < d->n; i++)
            forest[i] = i;
    }
    for (uint32_t part = 0; part < parts && st == TAMIS_OK; part++)
        st = tm_dd_partition_edges(&d->ss, part, parts, d->budget / 2, spill_dir(d), forest,
                                   &edges, &n_edges, &cap_edges, &d->n_candidates, err);
    tm_free(forest);
    if (st == TAMIS_OK) {
        tm_dd_edges_sort_unique(edges, &n_edges);
        st = record_edges(d, &d->ss.store, edges, n_edges, err);
    }
    tm_free(edges);
    tm_dd_sigset_trim(&d->ss);
    return st;
}

/* Clusters the records held in memory: entries of every band (and the exact-text bucket)
 * sorted, buckets -> candidate pairs -> verified edges -> union-find. */
static tamis_status dedup_finish(void *self, tamis_error *err)
{
    dedup *d = self;
    d->finished = true;
    if (!d->records)
        return TAMIS_OK;
    if (d->spill)
        return finish_on_disk(d, err);
    const tm_dd_params *p = &d->p;
    tamis_status st = TAMIS_OK;
    const uint8_t **base = tm_malloc((d->n ? d->n : 1) * sizeof *base);
    tm_dd_entry *ent = NULL;
    size_t n_ent = 0, cap_ent = 0;
    tm_dd_pairs cand = {0};
    tm_dd_edge *edges = NULL;
    size_t n_edges = 0, cap_edges = 0;
    uint64_t *members = NULL;
    if (!base)
        goto oom;
    for (uint64_t i = 0; i < d->n; i++)
        base[i] = d->rec[i];
    tm_dd_store store = {p, base, NULL, d->n};
    for (uint64_t i = 0; i < d->n; i++) {
        tm_dd_view v;
        tm_dd_view_rec(p, base[i], UINT32_MAX, &v);
        size_t need = n_ent + p->bands + 1;
        if (need > cap_ent) {
            size_t cap = TM_MAX(need, cap_ent * 2);
            tm_dd_entry *ne = tm_realloc(ent, cap * sizeof *ne);
            if (!ne)
                goto oom;
            ent = ne;
            cap_ent = cap;
        }
        if (p->near && v.band)
            for (uint32_t b = 0; b < p->bands; b++)
                ent[n_ent++] = (tm_dd_entry){v.band[b], b, 0, i};
        if (p->exact && (v.h->exact_lo | v.h->exact_hi))
            ent[n_ent++] = (tm_dd_entry){v.h->exact_lo, p->bands, 0, i};
    }
    if (n_ent > 1)
        qsort(ent, n_ent, sizeof *ent, tm_dd_entry_cmp);
    members = tm_malloc((d->n ? d->n : 1) * sizeof *members);
    if (!members)
        goto oom;
    for (size_t i = 0; i < n_ent;) {
        size_t j = i;
        while (j < n_ent && ent[j].band == ent[i].band && ent[j].key == ent[i].key) {
            members[j - i] = ent[j].doc;
            j++;
        }
        if ((st = tm_dd_bucket_pairs(p, members, j - i, &cand)) != TAMIS_OK)
            goto fail;
        i = j;
    }
    tm_free(ent);
    ent = NULL;
    tm_dd_pairs_sort_unique(&cand);
    d->n_candidates = cand.n;
    if ((st = tm_dd_verify(&store, &cand, &edges, &n_edges, &cap_edges)) != TAMIS_OK)
        goto fail;
    st = record_edges(d, &store, edges, n_edges, err);
    goto done;
oom:
    st = TAMIS_ERR_NOMEM;
fail:
    tm_err(err, st, NULL, 0, 0, "dedup: clustering %llu documents: %s",
           (unsigned long long)d->n, tamis_strerror(st));
done:
    tm_free(base);
    tm_free(ent);
    tm_free(members);
    tm_free(cand.v);
    tm_free(edges);
    return st;
}

typedef struct span_ctx {
    size_t *v;
    size_t n, cap;
    bool oom;
} span_ctx;

static void on_span(void *vctx, size_t a, size_t b)
{
    span_ctx *c = vctx;
    if (c->n + 2 > c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 64;
        size_t *nv = tm_realloc(c->v, cap * sizeof *nv);
        if (!nv) {
            c->oom = true;
            return;
        }
        c->v = nv;
        c->cap = cap;
    }
    c->v[c->n++] = a;
    c->v[c->n++] = b;
}

static tamis_status remove_lines(dedup *d, tamis_doc *doc, uint64_t idx, tamis_error *err)
{
    tm_buf norm, tmp;
    tm_buf_init(&norm);
    tm_buf_init(&tmp);
    span_ctx sc = {0};
    size_t n = tm_dd_lines_spans(&d->lines, d->cfg, &norm, &tmp, doc->text, doc->text_len, idx,
                                 on_span, &sc);
    tm_buf_free(&norm);
    tm_buf_free(&tmp);
    tamis_status st = sc.oom ? TAMIS_ERR_NOMEM : TAMIS_OK;
    if (n && !sc.oom) {
        char *out = tm_arena_alloc(&doc->arena, doc->text_len + 1);
        if (!out) {
            st = TAMIS_ERR_NOMEM;
        } else {
            size_t w = 0, pos = 0;
            for (size_t i = 0; i < sc.n; i += 2) {
                memcpy(out + w, doc->text + pos, sc.v[i] - pos);
                w += sc.v[i] - pos;
                pos = sc.v[i + 1];
            }
            memcpy(out + w, doc->text + pos, doc->text_len - pos);
            w += doc->text_len - pos;
            out[w] = '\0';
            tm_doc_adopt_text(doc, out, w);
            st = tm_doc_count_removed(doc, "dup_line", n);
            atomic_fetch_add(&d->n_lines_removed, n);
        }
    }
    tm_free(sc.v);
    if (st != TAMIS_OK)
        tm_err(err, st, doc->src_file, doc->src_offset, doc->src_record, "dedup: lines: %s",
               tamis_strerror(st));
    return st;
}

/* Record of document idx, in memory or in the mapped spill file. */
static const uint8_t *rec_at(dedup *d, uint64_t idx)
{
    if (!d->on_disk)
        return d->rec[idx];
    /* Keep the resident part of the mapping small: its pages come back from the page
     * cache when read again. */
    const uint8_t *r = d->ss.base[idx];
    uint64_t len = ((const tm_dd_rec *)r)->rec_len;
    uint64_t before = atomic_fetch_add(&d->touched, len);
    if (before / TM_DD_TRIM_BYTES != (before + len) / TM_DD_TRIM_BYTES)
        tm_dd_sigset_trim(&d->ss);
    return r;
}

static tamis_status dedup_process(void *self, tamis_doc *doc, tamis_error *err)
{
    dedup *d = self;
    if (!d->finished)
        return tm_err(err, TAMIS_ERR_ARG, NULL, 0, 0,
                      "dedup is a corpus stage: observe every document and finish() first");
    uint64_t idx = d->seq_ok ? doc->seq : (uint64_t)atomic_fetch_add(&d->next, 1);
    if (idx >= d->n)
        return tm_err(err, TAMIS_ERR_ARG, doc->src_file, doc->src_offset, doc->src_record,
                      "dedup: document %llu was not observed in the first pass",
                      (unsigned long long)idx);
    const uint8_t *rec = NULL;
    tm_dd_view v = {0}, rv = {0};
    if (d->records) {
        rec = rec_at(d, idx);
        tm_dd_view_rec(&d->p, rec, UINT32_MAX, &v);
        const char *id = doc->id ? doc->id : "";
        if (strcmp(id, v.id) != 0)
            return tm_err(err, TAMIS_ERR_INTERNAL, doc->src_file, doc->src_offset,
                          doc->src_record,
                          "dedup: second pass out of order: '%s' where '%s' was observed", id,
                          v.id);
    }
    if (d->cfg->lines) {
        tamis_status st = remove_lines(d, doc, idx, err);
        if (st != TAMIS_OK)
            return st;
    }
    if (!d->records || d->cl.size[idx] < 2)
        return TAMIS_OK;
    uint64_t rep = d->cl.rep[idx];
    tm_dd_view_rec(&d->p, rec_at(d, rep), UINT32_MAX, &rv);
    doc->has_dup = true;
    doc->dup_size = d->cl.size[idx];
    doc->dup_keep = rep == idx;
    doc->dup_cluster = tm_arena_strndup(&doc->arena, rv.id, rv.h->id_len);
    if (!doc->dup_cluster)
        return tm_err(err, TAMIS_ERR_NOMEM, NULL, 0, 0, "out of memory");
    if (doc->dup_keep || !d->cfg->drop)
        return TAMIS_OK;
    bool exact = (v.h->exact_lo | v.h->exact_hi) && v.h->exact_lo == rv.h->exact_lo &&
                 v.h->exact_hi == rv.h->exact_hi;
    tamis_status st;
    if (exact) {
        atomic_fetch_add(&d->n_dup_exact, 1);
        st = tm_doc_dropf(doc, "dup_exact: same normalised text as %s", rv.id);
    } else {
        atomic_fetch_add(&d->n_dup_near, 1);
        st = tm_doc_dropf(doc, "dup_near: cluster %s of %llu documents", rv.id,
                          (unsigned long long)doc->dup_size);
    }
    return st;
}

static char *dedup_report(const void *self)
{
    const dedup *d = self;
    tm_buf b;
    tm_buf_init(&b);
    uint64_t clusters = 0, in_clusters = 0;
    for (uint64_t i = 0; d->cl.size && i < d->n; i++)
        if (d->cl.size[i] > 1) {
            in_clusters++;
            clusters += d->cl.rep[i] == i;
        }
    tm_buf_printf(&b,
                  "{\"documents\":%llu,\"clusters\":%llu,\"documents_in_clusters\":%llu,"
                  "\"candidate_pairs\":%llu,\"verified_pairs\":%llu,\"exact_pairs\":%llu,"
                  "\"dropped_exact\":%llu,\"dropped_near\":%llu,\"distinct_lines\":%llu,"
                  "\"lines_removed\":%llu,\"records_on_disk\":%llu}",
                  (unsigned long long)d->n, (unsigned long long)clusters,
                  (unsigned long long)in_clusters, (unsigned long long)d->n_candidates,
                  (unsigned long long)d->n_edges, (unsigned long long)d->n_exact_edges,
                  (unsigned long long)d->n_dup_exact, (unsigned long long)d->n_dup_near,
                  (unsigned long long)d->lines.n, (unsigned long long)d->n_lines_removed,
                  (unsigned long long)(d->on_disk || d->spill ? d->spill_bytes : 0));
    if (tm_buf_nul(&b) != TAMIS_OK) {
        tm_buf_free(&b);
        return NULL;
    }
    return b.data;
}

const tm_stage_vt tm_dedup_stage = {
    .name = "dedup",
    .params = tm_dd_param_table,
    .cfg_size = sizeof(tm_dd_cfg),
    .create = dedup_create,
    .process = dedup_process,
    .is_corpus = dedup_is_corpus,
    .observe = dedup_observe,
    .finish = dedup_finish,
    .report = dedup_report,
    .destroy = dedup_destroy,
    .prepare = dedup_prepare,
    .set_budget = dedup_set_budget,
};
