/* tm_alloc.c — the library's one allocation hook, with failure injection for tests. */
#include "tm_common.h"

#include <stdatomic.h>
#include <stdlib.h>

/* Countdown to the injected failure; negative means disabled. Atomic so that the
 * pipeline's worker threads can allocate while a test arms it. */
static _Atomic long fail_countdown = -1;

void tm_alloc_fail_after(long n) { atomic_store(&fail_countdown, n); }

static bool should_fail(void)
{
    long c = atomic_load_explicit(&fail_countdown, memory_order_relaxed);
    if (TM_LIKELY(c < 0))
        return false;
    if (c == 0)
        return true;
    atomic_fetch_sub(&fail_countdown, 1);
    return false;
}

void *tm_malloc(size_t n) { return should_fail() ? NULL : malloc(n ? n : 1); }
void *tm_calloc(size_t n, size_t size) { return should_fail() ? NULL : calloc(n ? n : 1, size ? size : 1); }
void *tm_realloc(void *p, size_t n) { return should_fail() ? NULL : realloc(p, n ? n : 1); }
void tm_free(void *p) { free(p); }

char *tm_strndup(const char *s, size_t n)
{
    char *d = tm_malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

char *tm_strdup(const char *s) { return s ? tm_strndup(s, strlen(s)) : NULL; }
