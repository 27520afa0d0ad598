/* tm_unicode.c — shared Unicode helpers over utf8proc (classes, case fold, NFD/NFKC) and
 * ICU (dictionary word break for scripts written without spaces). */
#include "tm_unicode.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <utf8proc.h>

int32_t tm_utf8_next(const char **pp, const char *end)
{
    const unsigned char *p = (const unsigned char *)*pp;
    if (p[0] < 0x80) {
        *pp += 1;
        return p[0];
    }
    utf8proc_int32_t cp;
    utf8proc_ssize_t k = utf8proc_iterate(p, end - *pp, &cp);
    if (k <= 0) {
        *pp += 1;
        return 0xFFFD;
    }
    *pp += k;
    return cp;
}

size_t tm_utf8_put(char *out, int32_t cp)
{
    return (size_t)utf8proc_encode_char(cp, (utf8proc_uint8_t *)out);
}

static inline utf8proc_category_t cat(int32_t cp) { return utf8proc_category(cp); }

bool tm_is_letter(int32_t cp)
{
    if (cp < 0x80)
        return (cp | 0x20) >= 'a' && (cp | 0x20) <= 'z';
    utf8proc_category_t c = cat(cp);
    return c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_ME;
}

bool tm_is_digit(int32_t cp)
{
    if (cp < 0x80)
        return cp >= '0' && cp <= '9';
    utf8proc_category_t c = cat(cp);
    return c >= UTF8PROC_CATEGORY_ND && c <= UTF8PROC_CATEGORY_NO;
}

bool tm_is_space(int32_t cp)
{
    if (cp < 0x80)
        return cp == ' ' || (cp >= 9 && cp <= 13);
    if (cp == 0x200B || cp == 0xFEFF || cp == 0x85)
        return true;
    utf8proc_category_t c = cat(cp);
    return c >= UTF8PROC_CATEGORY_ZS && c <= UTF8PROC_CATEGORY_ZP;
}

bool tm_is_punct(int32_t cp)
{
    utf8proc_category_t c = cat(cp);
    return c >= UTF8PROC_CATEGORY_PC && c <= UTF8PROC_CATEGORY_PO;
}

bool tm_is_symbol(int32_t cp)
{
    utf8proc_category_t c = cat(cp);
    return c >= UTF8PROC_CATEGORY_SM && c <= UTF8PROC_CATEGORY_SO;
}

bool tm_is_upper(int32_t cp)
{
    if (cp < 0x80)
        return cp >= 'A' && cp <= 'Z';
    utf8proc_category_t c = cat(cp);
    return c == UTF8PROC_CATEGORY_LU || c == UTF8PROC_CATEGORY_LT;
}

bool tm_is_nospace_script(int32_t cp)
{
    return (cp >= 0x2E80 && cp <= 0x9FFF) ||   /* CJK radicals, kana, CJK ideographs */
           (cp >= 0xF900 && cp <= 0xFAFF) ||   /* CJK compatibility */
           (cp >= 0x20000 && cp <= 0x2FA1F) || /* CJK extensions */
           (cp >= 0x0E00 && cp <= 0x0EFF) ||   /* Thai, Lao */
           (cp >= 0x1780 && cp <= 0x17FF) ||   /* Khmer */
           (cp >= 0x1000 && cp <= 0x109F) ||   /* Myanmar */
           (cp >= 0xFF66 && cp <= 0xFF9F);     /* half-width katakana */
}

size_t tm_words(const char *s, size_t n, tm_word_fn fn, void *ctx)
{
    const char *p = s, *end = s + n;
    size_t count = 0;
    while (p < end) {
        const char *st = p;
        int32_t cp = tm_utf8_next(&p, end);
        if (tm_is_nospace_script(cp)) {
            const char *q = p;
            while (q < end) {
                const char *qs = q;
                int32_t c2 = tm_utf8_next(&q, end);
                if (!tm_is_nospace_script(c2)) {
                    q = qs;
                    break;
                }
            }
            count += tm_segment_nospace(st, (size_t)(q - st), fn, ctx);
            p = q;
            continue;
        }
        if (!tm_is_letter(cp) && !tm_is_digit(cp))
            continue;
        const char *we = p;
        while (p < end) {
            const char *cs = p;
            int32_t c = tm_utf8_next(&p, end);
            if (tm_is_nospace_script(c)) {
                p = cs;
                break;
            }
            if (tm_is_letter(c) || tm_is_digit(c)) {
                we = p;
                continue;
            }
            /* Joiners stay inside a word only between two word characters. */
            if (c == '\'' || c == 0x2019 || c == '-' || c == '.' || c == 0x00B7 || c == '_') {
                const char *q = p;
                if (q < end) {
                    int32_t nx = tm_utf8_next(&q, end);
                    if ((tm_is_letter(nx) || tm_is_digit(nx)) && !tm_is_nospace_script(nx)) {
                        p = q;
                        we = q;
                        continue;
                    }
                }
            }
            p = cs;
            break;
        }
        if (fn)
            fn(ctx, st, (size_t)(we - st));
        count++;
        p = we;
    }
    return count;
}

tamis_status tm_normalize(tm_buf *out, const char *s, size_t n, unsigned flags)
{
    const char *p = s, *end = s + n;
    bool pending_space = false, any = false;
    while (p < end) {
        int32_t cp = tm_utf8_next(&p, end);
        int32_t buf[8];
        utf8proc_ssize_t k = 1;
        buf[0] = cp;
        if (cp >= 0x80 && (flags & (TM_NORM_STRIP_ACCENTS | TM_NORM_NFKC | TM_NORM_CASEFOLD))) {
            int opt = UTF8PROC_DECOMPOSE;
            if (flags & TM_NORM_NFKC)
                opt |= UTF8PROC_COMPAT;
            if (flags & TM_NORM_CASEFOLD)
                opt |= UTF8PROC_CASEFOLD;
            if (flags & TM_NORM_STRIP_ACCENTS)
                opt |= UTF8PROC_STRIPMARK;
            k = utf8proc_decompose_char(cp, buf, 8, (utf8proc_option_t)opt, NULL);
            if (k < 0 || k > 8) {
                buf[0] = cp;
                k = 1;
            }
        } else if (cp < 0x80 && (flags & TM_NORM_CASEFOLD) && cp >= 'A' && cp <= 'Z') {
            buf[0] = cp + 32;
        }
        for (utf8proc_ssize_t i = 0; i < k; i++) {
            int32_t c = buf[i];
            if ((flags & TM_NORM_DIGITS_ZERO) && tm_is_digit(c))
                c = '0';
            bool sp = tm_is_space(c);
            if ((flags & TM_NORM_PUNCT_SPACE) && (tm_is_punct(c) || tm_is_symbol(c)))
                sp = true;
            if (sp) {
                if (flags & TM_NORM_SPACES) {
                    pending_space = any;
                    continue;
                }
                c = ' ';
            }
            if (pending_space) {
                tamis_status st = tm_buf_putc(out, ' ');
                if (st != TAMIS_OK)
                    return st;
                pending_space = false;
            }
            char u[4];
            size_t ul = tm_utf8_put(u, c);
            tamis_status st = tm_buf_append(out, u, ul);
            if (st != TAMIS_OK)
                return st;
            any = true;
        }
    }
    return TAMIS_OK;
}

/* ---- word sets: open addressing over xxHash-free FNV (short keys, build once). */
struct tm_wordset {
    char **keys;
    size_t cap, n;
};

static uint64_t fnv(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

static bool ws_insert(tm_wordset *ws, const char *w, size_t n)
{
    uint64_t h = fnv(w, n);
    for (size_t i = h & (ws->cap - 1);; i = (i + 1) & (ws->cap - 1)) {
        if (!ws->keys[i]) {
            ws->keys[i] = tm_strndup(w, n);
            if (!ws->keys[i])
                return false;
            ws->n++;
            return true;
        }
        if (strlen(ws->keys[i]) == n && memcmp(ws->keys[i], w, n) == 0)
            return true;
    }
}

tm_wordset *tm_wordset_from_lines(const char *text, size_t n)
{
    size_t lines = 1;
    for (size_t i = 0; i < n; i++)
        lines += text[i] == '\n' || text[i] == '\0';
    tm_wordset *ws = tm_calloc(1, sizeof *ws);
    if (!ws)
        return NULL;
    ws->cap = 64;
    while (ws->cap < lines * 2)
        ws->cap *= 2;
    ws->keys = tm_calloc(ws->cap, sizeof *ws->keys);
    if (!ws->keys) {
        tm_free(ws);
        return NULL;
    }
    tm_buf norm;
    tm_buf_init(&norm);
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && text[j] != '\n' && text[j] != '\0')
            j++;
        size_t a = i, b = j;
        while (a < b && (text[a] == ' ' || text[a] == '\t' || text[a] == '\r'))
            a++;
        while (b > a && (text[b - 1] == ' ' || text[b - 1] == '\t' || text[b - 1] == '\r'))
            b--;
        if (b > a && text[a] != '#') {
            tm_buf_clear(&norm);
            tm_normalize(&norm, text + a, b - a, TM_NORM_CASEFOLD);
            if (norm.len)
                ws_insert(ws, norm.data, norm.len);
        }
        i = j + 1;
    }
    tm_buf_free(&norm);
    return ws;
}

void tm_wordset_free(tm_wordset *ws)
{
    if (!ws)
        return;
    for (size_t i = 0; i < ws->cap; i++)
        tm_free(ws->keys[i]);
    tm_free(ws->keys);
    tm_free(ws);
}

size_t tm_wordset_size(const tm_wordset *ws) { return ws ? ws->n : 0; }

static bool ws_has_exact(const tm_wordset *ws, const char *w, size_t n)
{
    uint64_t h = fnv(w, n);
    for (size_t i = h & (ws->cap - 1);; i = (i + 1) & (ws->cap - 1)) {
        if (!ws->keys[i])
            return false;
        if (strlen(ws->keys[i]) == n && memcmp(ws->keys[i], w, n) == 0)
            return true;
    }
}

bool tm_wordset_has(const tm_wordset *ws, const char *w, size_t n)
{
    if (!ws || !n)
        return false;
    /* Fast path: ASCII lowercase words need no folding. */
    bool plain = true;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)w[i];
        if (c >= 0x80 || (c >= 'A' && c <= 'Z')) {
            plain = false;
            break;
        }
    }
    if (plain)
        return ws_has_exact(ws, w, n);
    char small[256];
    tm_buf b = {small, 0, sizeof small, 0};
    /* tm_buf would realloc a stack buffer: fold into a heap buffer only if it is long. */
    if (n * 3 + 8 > sizeof small)
        return false;
    tm_normalize(&b, w, n, TM_NORM_CASEFOLD);
    return ws_has_exact(ws, b.data, b.len);
}

/* ---- stop-word lists: data/stopwords/<lang>.txt, and a cache of one set per language. */
bool tm_stopwords_file(const char *lang, tm_buf *out)
{
    if (!lang || !*lang || strlen(lang) >= 16 || strchr(lang, '/') || strchr(lang, '.'))
        return false;
    char path[4096];
    /* Language ID says nb (Bokmål) where stopwords-iso files Norwegian under no. */
    const char *file = !strcmp(lang, "nb") ? "no" : lang;
    snprintf(path, sizeof path, "%s/stopwords/%s.txt", tm_data_dir(), file);
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    char chunk[8192];
    size_t k;
    bool ok = true;
    while (ok && (k = fread(chunk, 1, sizeof chunk, f)) > 0)
        ok = tm_buf_append(out, chunk, k) == TAMIS_OK;
    fclose(f);
    return ok;
}

const void *tm_lang_cache_get(tm_lang_cache *c, const char *lang,
                              void *(*build)(const char *text, size_t n))
{
    if (!lang || !*lang || strlen(lang) >= sizeof c->e[0].lang)
        return NULL;
    pthread_mutex_lock(&c->lock);
    for (size_t i = 0; i < c->n; i++)
        if (!strcmp(c->e[i].lang, lang)) {
            const void *v = c->e[i].value;
            pthread_mutex_unlock(&c->lock);
            return v;
        }
    void *v = NULL;
    tm_buf b;
    tm_buf_init(&b);
    if (tm_stopwords_file(lang, &b))
        v = build(b.data ? b.data : "", b.len);
    tm_buf_free(&b);
    if (c->n < TM_LANG_CACHE_MAX) {
        snprintf(c->e[c->n].lang, sizeof c->e[c->n].lang, "%s", lang);
        c->e[c->n].value = v;
        c->n++;
    }
    pthread_mutex_unlock(&c->lock);
    return v;
}

static void *build_wordset(const char *text, size_t n) { return tm_wordset_from_lines(text, n); }

const tm_wordset *tm_stopwords(const char *lang)
{
    static tm_lang_cache cache = TM_LANG_CACHE_INIT;
    return tm_lang_cache_get(&cache, lang, build_wordset);
}
