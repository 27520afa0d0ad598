/* tm_quality_stop.c — stop-word sets as hash sets of folded-word hashes, so that the
 * signal pass tests a word with the hash it already computed (one probe, no string
 * compare). Measured on aeb-wetlike: tm_wordset_has (per-probe strlen and a second
 * hash) took 11 % of the whole filter stage. The words are those of
 * data/stopwords/<lang>.txt, the file tm_stopwords() reads, with the same line rules
 * (trimmed, '#' comments and blank lines skipped); folding is tm_quality_fold_hash's
 * per-code-point lower-casing, the one applied to text words. */
#include "tm_quality.h"

#include <pthread.h>
#include <stdio.h>
#include <utf8proc.h>
#define XXH_INLINE_ALL
#include <xxhash.h>

uint64_t tm_quality_fold_hash(const char *w, size_t n)
{
    char fold[256];
    size_t fl = 0;
    const char *p = w, *e = w + n;
    while (p < e) {
        unsigned char b = (unsigned char)*p;
        if (b < 0x80) {
            if (fl + 1 > sizeof fold)
                return XXH3_64bits(w, n);
            fold[fl++] = (char)(b >= 'A' && b <= 'Z' ? b + 32 : b);
            p++;
            continue;
        }
        int32_t cp = tm_utf8_next(&p, e);
        if (fl + 4 > sizeof fold)
            return XXH3_64bits(w, n);
        fl += tm_utf8_put(fold + fl, utf8proc_tolower(cp));
    }
    return XXH3_64bits(fold, fl);
}

static void put(tm_qstop *s, uint64_t h)
{
    if (!h)
        h = 1;
    uint32_t x = (uint32_t)(h >> 50), y = (uint32_t)(h >> 36) & 0x3FFF;
    s->bloom[x >> 6] |= 1ull << (x & 63);
    s->bloom[y >> 6] |= 1ull << (y & 63);
    size_t i = (size_t)(h ^ (h >> 29)) & (s->cap - 1);
    while (s->keys[i] && s->keys[i] != h)
        i = (i + 1) & (s->cap - 1);
    if (!s->keys[i]) {
        s->keys[i] = h;
        s->n++;
    }
}

tm_qstop *tm_qstop_from_text(const char *text, size_t n)
{
    size_t lines = 1;
    for (size_t i = 0; i < n; i++)
        lines += text[i] == '\n';
    tm_qstop *s = tm_calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->cap = 64;
    while (s->cap < lines * 4)
        s->cap *= 2;
    s->keys = tm_calloc(s->cap, sizeof *s->keys);
    if (!s->keys) {
        tm_free(s);
        return NULL;
    }
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && text[j] != '\n')
            j++;
        size_t a = i, b = j;
        while (a < b && (text[a] == ' ' || text[a] == '\t' || text[a] == '\r'))
            a++;
        while (b > a && (text[b - 1] == ' ' || text[b - 1] == '\t' || text[b - 1] == '\r'))
            b--;
        if (b > a && text[a] != '#')
            put(s, tm_quality_fold_hash(text + a, b - a));
        i = j + 1;
    }
    return s;
}

void tm_qstop_free(tm_qstop *s)
{
    if (!s)
        return;
    tm_free(s->keys);
    tm_free(s);
}

size_t tm_qstop_size(const tm_qstop *s) { return s ? s->n : 0; }

static void *build_qstop(const char *text, size_t n) { return tm_qstop_from_text(text, n); }

/* Process-wide cache, one set per language, loaded on first use (as tm_stopwords). */
const tm_qstop *tm_qstop_get(const char *lang)
{
    static tm_lang_cache cache = TM_LANG_CACHE_INIT;
    return tm_lang_cache_get(&cache, lang, build_qstop);
}
