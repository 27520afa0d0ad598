/* tm_dedup_lines.c — CCNet-style line dedup: 64-bit hashes of (normalised) lines counted
 * over the corpus in an open-addressing table, then duplicate lines located per document.
 * Memory: 24-byte slots kept at most half full = 48 MB per million distinct lines. */
#include "tm_dedup.h"

#include <xxhash.h>

void tm_dd_lines_free(tm_dd_lines *t)
{
    tm_free(t->slots);
    memset(t, 0, sizeof *t);
}

uint64_t tm_dd_line_hash(const tm_dd_cfg *cfg, tm_buf *norm, tm_buf *tmp, const char *s,
                         size_t n)
{
    const char *h = s;
    size_t hl = n;
    if (cfg->line_normalize) {
        if (tm_dd_normalize(norm, tmp, s, n) != TAMIS_OK)
            return 0;
        h = norm->data ? norm->data : "";
        hl = norm->len;
    }
    if (hl == 0 || (int64_t)hl < cfg->line_min_chars)
        return 0;
    uint64_t x = XXH3_64bits(h, hl);
    return x ? x : 1;
}

static tm_dd_line_slot *lookup(const tm_dd_lines *t, uint64_t h)
{
    size_t mask = t->cap - 1, i = (size_t)(h ^ (h >> 29)) & mask;
    while (t->slots[i].hash && t->slots[i].hash != h)
        i = (i + 1) & mask;
    return &t->slots[i];
}

static tamis_status grow(tm_dd_lines *t)
{
    size_t cap = t->cap ? t->cap * 2 : 4096;
    tm_dd_lines old = *t;
    t->slots = tm_calloc(cap, sizeof *t->slots);
    if (!t->slots) {
        *t = old;
        return TAMIS_ERR_NOMEM;
    }
    t->cap = cap;
    for (size_t i = 0; i < old.cap; i++)
        if (old.slots[i].hash)
            *lookup(t, old.slots[i].hash) = old.slots[i];
    tm_free(old.slots);
    return TAMIS_OK;
}

tamis_status tm_dd_lines_observe(tm_dd_lines *t, const tm_dd_cfg *cfg, tm_buf *norm,
                                 tm_buf *tmp, const char *text, size_t len, uint64_t seq)
{
    const char *p = text, *end = text + len;
    uint32_t line = 0;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        uint64_t h = tm_dd_line_hash(cfg, norm, tmp, p, (size_t)(le - p));
        if (h) {
            if ((t->n + 1) * 2 > t->cap) {
                tamis_status st = grow(t);
                if (st != TAMIS_OK)
                    return st;
            }
            tm_dd_line_slot *s = lookup(t, h);
            if (!s->hash) {
                s->hash = h;
                s->first_seq = seq;
                s->first_line = line;
                t->n++;
            }
            if (s->count < UINT32_MAX)
                s->count++;
        }
        line++;
        p = le + 1;
    }
    return TAMIS_OK;
}

size_t tm_dd_lines_spans(const tm_dd_lines *t, const tm_dd_cfg *cfg, tm_buf *norm, tm_buf *tmp,
                         const char *text, size_t len, uint64_t seq, tm_dd_span_fn fn,
                         void *ctx)
{
    if (!t->cap)
        return 0;
    const char *p = text, *end = text + len;
    uint32_t line = 0;
    size_t dups = 0;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        uint64_t h = tm_dd_line_hash(cfg, norm, tmp, p, (size_t)(le - p));
        if (h) {
            const tm_dd_line_slot *s = lookup(t, h);
            bool first = s->first_seq == seq && s->first_line == line;
            if (s->hash == h && (int64_t)s->count > cfg->line_threshold &&
                !(cfg->line_keep_first && first)) {
                dups++;
                if (fn)
                    fn(ctx, (size_t)(p - text), (size_t)(le - text) + (nl ? 1 : 0));
            }
        }
        line++;
        p = le + 1;
    }
    return dups;
}
