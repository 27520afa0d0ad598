/* tm_segment.c — ICU dictionary-based word break for Chinese, Japanese, Thai, Khmer, Lao,
 * Burmese: how tm_words() splits runs of scripts written without spaces. */
#include "tm_unicode.h"

#include <pthread.h>
#include <unicode/ubrk.h>
#include <unicode/utext.h>

/* Per thread: one break iterator (ubrk_open costs far more than a short run of text, and
 * an iterator must not be shared between threads) and the UTF-16 copy of the current run
 * with the byte offset of each UTF-16 unit. Freed by the key's destructor when a thread
 * ends. */
typedef struct seg_tls {
    UBreakIterator *bi;
    UChar *u;
    uint32_t *off; /* off[k]: byte offset in the run of UTF-16 unit k; off[len] = n */
    size_t cap;    /* UTF-16 units u and off have room for (off: cap + 1) */
} seg_tls;

static pthread_key_t seg_key;
static pthread_once_t seg_once = PTHREAD_ONCE_INIT;
static int seg_key_ok;

static void seg_free(void *p)
{
    seg_tls *t = p;
    if (!t)
        return;
    ubrk_close(t->bi);
    tm_free(t->u);
    tm_free(t->off);
    tm_free(t);
}

static void seg_init(void) { seg_key_ok = pthread_key_create(&seg_key, seg_free) == 0; }

static seg_tls *thread_state(void)
{
    pthread_once(&seg_once, seg_init);
    if (!seg_key_ok)
        return NULL;
    seg_tls *t = pthread_getspecific(seg_key);
    if (t)
        return t;
    t = tm_calloc(1, sizeof *t);
    if (!t)
        return NULL;
    UErrorCode st = U_ZERO_ERROR;
    t->bi = ubrk_open(UBRK_WORD, "", NULL, 0, &st);
    if (U_FAILURE(st) || pthread_setspecific(seg_key, t) != 0) {
        seg_free(t);
        return NULL;
    }
    return t;
}

int tm_segment_icu(void) { return thread_state() != NULL; }

/* Fallback when ICU is unusable: one word per character. */
static size_t per_char(const char *s, size_t n, tm_word_fn fn, void *ctx)
{
    const char *p = s, *end = s + n;
    size_t count = 0;
    while (p < end) {
        const char *st = p;
        tm_utf8_next(&p, end);
        if (fn)
            fn(ctx, st, (size_t)(p - st));
        count++;
    }
    return count;
}

/* Copies s[0..n) to t->u as UTF-16 with the byte offset of every unit; returns the
 * length in units, or -1 on allocation failure. An invalid byte is one U+FFFD, as
 * tm_utf8_next reads it. */
static int32_t to_utf16(seg_tls *t, const char *s, size_t n)
{
    if (n > t->cap) { /* at most one UTF-16 unit per byte */
        size_t cap = n + n / 2 + 64;
        UChar *u = tm_realloc(t->u, cap * sizeof *u);
        if (u)
            t->u = u;
        uint32_t *off = u ? tm_realloc(t->off, (cap + 1) * sizeof *off) : NULL;
        if (!off)
            return -1;
        t->off = off;
        t->cap = cap;
    }
    const char *p = s, *end = s + n;
    int32_t k = 0;
    while (p < end) {
        uint32_t at = (uint32_t)(p - s);
        const unsigned char *b = (const unsigned char *)p;
        int32_t cp;
        /* A run of these scripts is nearly all three-byte forms: those are decoded here
         * (the library call per character cost 60 instructions); the same values as
         * tm_utf8_next, which rejects overlong forms and surrogates, reads the rest. */
        if ((b[0] & 0xF0) == 0xE0 && end - p >= 3 && (b[1] & 0xC0) == 0x80 &&
            (b[2] & 0xC0) == 0x80 &&
            (cp = (int32_t)(((b[0] & 0x0Fu) << 12) | ((b[1] & 0x3Fu) << 6) | (b[2] & 0x3Fu))) >=
                0x800 &&
            (cp < 0xD800 || cp > 0xDFFF))
            p += 3;
        else
            cp = tm_utf8_next(&p, end);
        if (cp >= 0x10000) {
            t->off[k] = at;
            t->u[k++] = (UChar)(0xD7C0 + (cp >> 10));
            cp = 0xDC00 | (cp & 0x3FF);
        }
        t->off[k] = at;
        t->u[k++] = (UChar)cp;
    }
    t->off[k] = (uint32_t)n;
    return k;
}

size_t tm_segment_nospace(const char *s, size_t n, tm_word_fn fn, void *ctx)
{
    seg_tls *t = thread_state();
    if (!t || n > INT32_MAX)
        return per_char(s, n, fn, ctx);
    /* UTF-16, ICU's native form, for two reasons. Results: the Thai, Lao, Khmer and
     * Burmese engines compare word lengths in UText native units with thresholds meant
     * for UTF-16 units (a word shorter than 3 joins the unknown text after it); over a
     * UTF-8 UText a unit is a byte, so they split Burmese text where ICU's own API does
     * not (test_segmentation_icu_reference). Speed: over UTF-8 every engine step maps
     * indexes through the UText, and the CJK engine copies the range to UTF-16 anyway
     * (callgrind, bench corpus: 145 M -> 120 M instructions in this function). */
    int32_t len = to_utf16(t, s, n);
    UErrorCode st = U_ZERO_ERROR;
    if (len >= 0)
        ubrk_setText(t->bi, t->u, len, &st);
    if (len < 0 || U_FAILURE(st))
        return per_char(s, n, fn, ctx);
    size_t count = 0;
    int32_t prev = ubrk_first(t->bi);
    for (int32_t b = ubrk_next(t->bi); b != UBRK_DONE; prev = b, b = ubrk_next(t->bi)) {
        /* the rule status says whether the piece is a word (letters, kana, ideographs,
         * numbers) or spaces/punctuation between words */
        if (ubrk_getRuleStatus(t->bi) < UBRK_WORD_NONE_LIMIT)
            continue;
        if (fn)
            fn(ctx, s + t->off[prev], (size_t)(t->off[b] - t->off[prev]));
        count++;
    }
    return count;
}
