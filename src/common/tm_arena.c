/* tm_arena.c — per-document bump allocator: all memory derived from one document. */
#include "tm_common.h"

#include <stdio.h>

#define TM_ARENA_MIN_CHUNK (16u * 1024u)

struct tm_arena_chunk {
    tm_arena_chunk *next; /* older chunk */
    size_t cap, used;
    _Alignas(16) unsigned char mem[];
};

void tm_arena_init(tm_arena *a) { memset(a, 0, sizeof *a); }

/* Keeps one chunk for reuse — the largest up to TM_ARENA_KEEP — and frees the others.
 * Keeping the largest (not the first) means a stream of similar documents settles on one
 * chunk big enough for each of them: no malloc, and no fresh pages for the kernel to zero,
 * per document. */
#define TM_ARENA_KEEP ((size_t)16 << 20)

void tm_arena_reset(tm_arena *a)
{
    tm_arena_chunk *keep = NULL;
    for (tm_arena_chunk *c = a->head; c; c = c->next)
        if (c->cap <= TM_ARENA_KEEP && (!keep || c->cap > keep->cap))
            keep = c;
    tm_arena_chunk *c = a->head;
    while (c) {
        tm_arena_chunk *next = c->next;
        if (c != keep)
            tm_free(c);
        c = next;
    }
    if (keep) {
        keep->next = NULL;
        keep->used = 0;
    }
    a->head = a->first = keep;
    a->total = 0;
}

void tm_arena_free(tm_arena *a)
{
    tm_arena_chunk *c = a->head;
    while (c) {
        tm_arena_chunk *next = c->next;
        tm_free(c);
        c = next;
    }
    memset(a, 0, sizeof *a);
}

void *tm_arena_alloc(tm_arena *a, size_t n)
{
    n = (n + 15u) & ~(size_t)15u;
    if (n == 0)
        n = 16;
    tm_arena_chunk *c = a->head;
    if (!c || c->cap - c->used < n) {
        /* Grow geometrically so a document with big text needs few chunks. */
        size_t cap = c ? c->cap * 2 : TM_ARENA_MIN_CHUNK;
        if (cap < n)
            cap = n;
        if (cap > ((size_t)1 << 26) && n < ((size_t)1 << 26))
            cap = (size_t)1 << 26;
        tm_arena_chunk *nc = tm_malloc(sizeof *nc + cap);
        if (!nc)
            return NULL;
        nc->cap = cap;
        nc->used = 0;
        nc->next = c;
        a->head = nc;
        if (!a->first)
            a->first = nc;
        c = nc;
    }
    void *p = c->mem + c->used;
    c->used += n;
    a->total += n;
    return p;
}

char *tm_arena_strndup(tm_arena *a, const char *s, size_t n)
{
    char *d = tm_arena_alloc(a, n + 1);
    if (d) {
        if (n)
            memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

char *tm_arena_printf(tm_arena *a, const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *d = n >= 0 ? tm_arena_alloc(a, (size_t)n + 1) : NULL;
    if (d)
        vsnprintf(d, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    return d;
}
