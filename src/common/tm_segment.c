/* tm_segment.c — ICU dictionary-based word break for Chinese, Japanese, Thai, Khmer, Lao,
 * Burmese: how tm_words() splits runs of scripts written without spaces. */
#include "tm_unicode.h"

#include <pthread.h>
#include <unicode/ubrk.h>
#include <unicode/utext.h>

/* One break iterator per thread: ubrk_open costs far more than a short run of text, and
 * an iterator must not be shared between threads. Closed by the key's destructor when a
 * thread ends. */
static pthread_key_t bi_key;
static pthread_once_t bi_once = PTHREAD_ONCE_INIT;
static int bi_key_ok;

static void bi_close(void *p) { ubrk_close((UBreakIterator *)p); }
static void bi_init(void) { bi_key_ok = pthread_key_create(&bi_key, bi_close) == 0; }

static UBreakIterator *thread_iterator(void)
{
    pthread_once(&bi_once, bi_init);
    if (!bi_key_ok)
        return NULL;
    UBreakIterator *bi = pthread_getspecific(bi_key);
    if (!bi) {
        UErrorCode st = U_ZERO_ERROR;
        bi = ubrk_open(UBRK_WORD, "", NULL, 0, &st);
        if (U_FAILURE(st)) {
            ubrk_close(bi);
            return NULL;
        }
        if (pthread_setspecific(bi_key, bi) != 0) {
            ubrk_close(bi);
            return NULL;
        }
    }
    return bi;
}

int tm_segment_icu(void) { return thread_iterator() != NULL; }

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

size_t tm_segment_nospace(const char *s, size_t n, tm_word_fn fn, void *ctx)
{
    UBreakIterator *bi = thread_iterator();
    if (!bi || n > INT32_MAX)
        return per_char(s, n, fn, ctx);
    UErrorCode st = U_ZERO_ERROR;
    /* UText over the UTF-8 bytes: no UTF-16 copy, and boundaries come back as byte
     * offsets into s. */
    UText ut = UTEXT_INITIALIZER;
    utext_openUTF8(&ut, s, (int64_t)n, &st);
    ubrk_setUText(bi, &ut, &st);
    if (U_FAILURE(st)) {
        utext_close(&ut);
        return per_char(s, n, fn, ctx);
    }
    size_t count = 0;
    int32_t prev = ubrk_first(bi);
    for (int32_t b = ubrk_next(bi); b != UBRK_DONE; prev = b, b = ubrk_next(bi)) {
        /* the rule status says whether the piece is a word (letters, kana, ideographs,
         * numbers) or spaces/punctuation between words */
        if (ubrk_getRuleStatus(bi) < UBRK_WORD_NONE_LIMIT)
            continue;
        if (fn)
            fn(ctx, s + prev, (size_t)(b - prev));
        count++;
    }
    /* detach the text before the stack UText goes away */
    UErrorCode st2 = U_ZERO_ERROR;
    ubrk_setText(bi, NULL, 0, &st2);
    utext_close(&ut);
    return count;
}
