/* tm_dedup_cluster.c — LSH buckets to candidate pairs, verification, union-find clusters
 * and the kept representative of each cluster. Shared by the in-memory stage and the
 * sharded sub-commands, so both give the same clusters. */
#include "tm_dedup.h"

#include <errno.h>
#include <stdlib.h>

int tm_dd_entry_cmp(const void *va, const void *vb)
{
    const tm_dd_entry *a = va, *b = vb;
    if (a->band != b->band)
        return a->band < b->band ? -1 : 1;
    if (a->key != b->key)
        return a->key < b->key ? -1 : 1;
    return a->doc < b->doc ? -1 : a->doc > b->doc;
}

tamis_status tm_dd_pairs_push(tm_dd_pairs *l, uint64_t a, uint64_t b)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 1024;
        tm_dd_pair *nv = tm_realloc(l->v, cap * sizeof *nv);
        if (!nv)
            return TAMIS_ERR_NOMEM;
        l->v = nv;
        l->cap = cap;
    }
    l->v[l->n].a = a < b ? a : b;
    l->v[l->n].b = a < b ? b : a;
    l->n++;
    return TAMIS_OK;
}

static int pair_cmp(const void *va, const void *vb)
{
    const tm_dd_pair *a = va, *b = vb;
    if (a->a != b->a)
        return a->a < b->a ? -1 : 1;
    return a->b < b->b ? -1 : a->b > b->b;
}

void tm_dd_pairs_sort_unique(tm_dd_pairs *l)
{
    if (l->n < 2)
        return;
    qsort(l->v, l->n, sizeof *l->v, pair_cmp);
    size_t u = 1;
    for (size_t i = 1; i < l->n; i++)
        if (l->v[i].a != l->v[u - 1].a || l->v[i].b != l->v[u - 1].b)
            l->v[u++] = l->v[i];
    l->n = u;
}

tamis_status tm_dd_bucket_pairs(const tm_dd_params *p, const uint64_t *docs, size_t n,
                                tm_dd_pairs *out)
{
    if (n < 2)
        return TAMIS_OK;
    if (n <= p->bucket_all_pairs) {
        for (size_t i = 0; i < n; i++)
            for (size_t j = i + 1; j < n; j++) {
                tamis_status st = tm_dd_pairs_push(out, docs[i], docs[j]);
                if (st != TAMIS_OK)
                    return st;
            }
        return TAMIS_OK;
    }
    /* Large bucket: a star on its first member keeps the work linear (datatrove does the
     * same); the members' other bands still link them among themselves. */
    for (size_t j = 1; j < n; j++) {
        tamis_status st = tm_dd_pairs_push(out, docs[0], docs[j]);
        if (st != TAMIS_OK)
            return st;
    }
    return TAMIS_OK;
}

static bool view_of(const tm_dd_store *st, uint64_t i, tm_dd_view *v)
{
    if (i >= st->n)
        return false;
    return tm_dd_view_rec(st->p, st->base[i], st->avail ? st->avail[i] : UINT32_MAX, v);
}

static uint64_t uf_find(uint64_t *parent, uint64_t x);

/* Joins the trees of x and y; the smaller root becomes the root, so the forest does not
 * depend on the order of edges. False if they were joined already. */
static bool uf_union(uint64_t *parent, uint64_t x, uint64_t y)
{
    x = uf_find(parent, x);
    y = uf_find(parent, y);
    if (x == y)
        return false;
    if (x < y)
        parent[y] = x;
    else
        parent[x] = y;
    return true;
}

tamis_status tm_dd_verify(const tm_dd_store *st, const tm_dd_pairs *cand, tm_dd_edge **edges,
                          size_t *n_edges, size_t *cap_edges)
{
    return tm_dd_verify_forest(st, cand, NULL, edges, n_edges, cap_edges);
}

tamis_status tm_dd_verify_forest(const tm_dd_store *st, const tm_dd_pairs *cand,
                                 uint64_t *forest, tm_dd_edge **edges, size_t *n_edges,
                                 size_t *cap_edges)
{
    const tm_dd_params *p = st->p;
    for (size_t i = 0; i < cand->n; i++) {
        tm_dd_view a, b;
        if (forest && uf_find(forest, cand->v[i].a) == uf_find(forest, cand->v[i].b))
            continue; /* joined already: this pair cannot change the clusters */
        if (!view_of(st, cand->v[i].a, &a) || !view_of(st, cand->v[i].b, &b))
            return TAMIS_ERR_FORMAT;
        bool exact = (a.h->exact_lo | a.h->exact_hi) && a.h->exact_lo == b.h->exact_lo &&
                     a.h->exact_hi == b.h->exact_hi;
        if (exact && !p->exact && !p->near)
            continue;
        double sim = exact ? 1.0 : 0.0;
        if (!exact) {
            if (!p->near)
                continue;
            sim = tm_dd_similarity(p, &a, &b);
            if (sim < p->threshold)
                continue;
        } else if (!p->exact && p->near && (!a.h->n_shingles || !b.h->n_shingles)) {
            continue; /* near-only mode never merges documents without shingles */
        }
        if (*n_edges == *cap_edges) {
            size_t cap = *cap_edges ? *cap_edges * 2 : 1024;
            tm_dd_edge *ne = tm_realloc(*edges, cap * sizeof *ne);
            if (!ne)
                return TAMIS_ERR_NOMEM;
            *edges = ne;
            *cap_edges = cap;
        }
        tm_dd_edge *e = &(*edges)[(*n_edges)++];
        e->a = cand->v[i].a;
        e->b = cand->v[i].b;
        e->sim = sim;
        e->exact = exact;
        if (forest)
            uf_union(forest, e->a, e->b);
    }
    return TAMIS_OK;
}

static uint64_t uf_find(uint64_t *parent, uint64_t x)
{
    while (parent[x] != x) {
        parent[x] = parent[parent[x]]; /* path halving */
        x = parent[x];
    }
    return x;
}

/* True if document a is a better representative than b under the policy; ties go to the
 * earlier document so that the result does not depend on edge order. */
static bool better(const tm_dd_store *st, uint64_t a, uint64_t b)
{
    const tm_dd_params *p = st->p;
    if (p->keep != TM_DD_KEEP_FIRST) {
        tm_dd_view va, vb;
        if (view_of(st, a, &va) && view_of(st, b, &vb)) {
            if (p->keep == TM_DD_KEEP_LONGEST && va.h->text_len != vb.h->text_len)
                return va.h->text_len > vb.h->text_len;
            if (p->keep == TM_DD_KEEP_EARLIEST && va.h->date != vb.h->date)
                return va.h->date < vb.h->date;
        }
    }
    return a < b;
}

tamis_status tm_dd_cluster(const tm_dd_store *st, const tm_dd_edge *edges, size_t n_edges,
                           tm_dd_clusters *out)
{
    uint64_t n = st->n;
    memset(out, 0, sizeof *out);
    out->n = n;
    out->rep = tm_malloc((n ? n : 1) * sizeof *out->rep);
    out->size = tm_calloc(n ? n : 1, sizeof *out->size);
    if (!out->rep || !out->size) {
        tm_dd_clusters_free(out);
        return TAMIS_ERR_NOMEM;
    }
    uint64_t *parent = out->rep; /* union-find forest, then overwritten by the result */
    for (uint64_t i = 0; i < n; i++)
        parent[i] = i;
    for (size_t i = 0; i < n_edges; i++)
        if (edges[i].a < n && edges[i].b < n)
            uf_union(parent, edges[i].a, edges[i].b);
    /* size[root] counts members; best[root] (kept in size's sibling array) is chosen by
     * policy. One pass to find roots, sizes and the best member, one to spread them. */
    uint64_t *best = tm_malloc((n ? n : 1) * sizeof *best);
    if (!best) {
        tm_dd_clusters_free(out);
        return TAMIS_ERR_NOMEM;
    }
    for (uint64_t i = 0; i < n; i++) {
        uint64_t r = uf_find(parent, i);
        parent[i] = r;
        if (out->size[r]++ == 0 || better(st, i, best[r]))
            best[r] = i;
    }
    for (uint64_t i = 0; i < n; i++) {
        uint64_t r = parent[i];
        out->size[i] = out->size[r];
    }
    for (uint64_t i = 0; i < n; i++)
        out->rep[i] = best[out->rep[i]];
    tm_free(best);
    return TAMIS_OK;
}

void tm_dd_clusters_free(tm_dd_clusters *c)
{
    tm_free(c->rep);
    tm_free(c->size);
    memset(c, 0, sizeof *c);
}

tamis_status tm_dd_write_pairs(const char *path, const tm_dd_store *st, const tm_dd_edge *edges,
                               size_t n_edges, tamis_error *err)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return tm_err(err, TAMIS_ERR_IO, path, 0, 0, "cannot write pairs: %s", strerror(errno));
    for (size_t i = 0; i < n_edges; i++) {
        tm_dd_view a, b;
        if (!view_of(st, edges[i].a, &a) || !view_of(st, edges[i].b, &b))
            continue;
        fprintf(f, "%s\t%s\t%.4f\n", a.id, b.id, edges[i].sim);
    }
    if (fclose(f) != 0)
        return tm_err(err, TAMIS_ERR_IO, path, 0, 0, "cannot write pairs: %s", strerror(errno));
    return TAMIS_OK;
}
