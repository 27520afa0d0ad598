/* tm_clean_lex.c — the clean stage's phrase lexicon (navigation, notices, bylines, dates)
 * and one stop-word map over the big web languages (word -> bit mask of languages). */
#include "tm_clean_int.h"
#include "../common/tm_unicode.h"

#include <stdio.h>
#include <stdlib.h>
#include <utf8proc.h>
#include <xxhash.h>

/* The ~30 largest languages of the web by content share (W3Techs), those that have a
 * stop-word list: the candidates of the cheap language guess. */
static const char *const big_langs[] = {
    "en", "ru", "es", "de", "fr", "ja", "pt", "tr", "it", "fa", "nl", "pl", "zh", "vi",
    "id", "cs", "ko", "uk", "ar", "sv", "hu", "el", "ro", "da", "fi", "he", "th", "no",
    "sk", "bg", "hr", "ca", NULL};

/* What the phrase scan reads comes first (bytes 0..29 of 48): fewer records straddle two
 * cache lines (callgrind --cache-sim: the scan's D1 misses are on these records). */
typedef struct cl_phrase {
    const char *s; /* normalised */
    uint32_t len;
    uint32_t nwords; /* words (normalised: spaces + 1) */
    uint32_t pre;  /* first four bytes (when len >= 4): a cheap test before memcmp */
    uint32_t suf;  /* last four bytes (when len >= 4): phrases found by their first word
                    * differ at the end ("read more", "read also") */
    int32_t next;  /* next phrase with the same first word, -1 */
    uint8_t cls;
    bool nospace;  /* written in a script without spaces: matched as a substring */
    int value;
    int32_t next_in_class; /* next phrase of the same class, -1 */
    int32_t next_by_byte;  /* related labels: next with the same first byte, -1 */
} cl_phrase;


struct cl_lex {
    tm_arena arena;
    cl_phrase *ph;
    size_t n_ph, cap_ph;
    cl_map words;  /* word -> stop-word language mask and chain of phrases it starts */
    cl_map nsfirst; /* first character of a no-space-script phrase -> chain (head) */
    bool ready;    /* maps complete: the normaliser looks its words up */
    int32_t class_head[LX__COUNT];
    int32_t related_by_byte[256]; /* related labels by first normalised byte */
    /* One bit per first two bytes of a related label (a one-byte label sets its first
     * byte with every second one): most lines start with none, and skip the chain. */
    uint64_t related2[65536 / 64];
    /* The related labels again, contiguous by first byte: rel[rel_at[b] .. rel_at[b + 1]).
     * cl_lex_prefix walked them as a chain of phrase records (~3 D1 misses a call,
     * callgrind --cache-sim). */
    struct cl_relph {
        uint32_t pre, len;
        const char *s;
    } *rel;
    uint32_t rel_at[257];
    int n_langs;
    size_t stop_maxlen; /* longest stop word (bytes): longer words skip the lookup */
    const char *langs[CL_MAX_LANGS];
    cl_cptab cp;
};

int32_t cl_tolower_slow(int32_t cp) { return utf8proc_tolower(cp); }

const cl_cptab *cl_lex_cptab(const cl_lex *lx) { return &lx->cp; }

/* Little-endian value of s[0..n) zero-padded to 8 bytes (n <= 8), the same as memcpy into
 * a zeroed word, but with whole loads: a memcpy of a variable length compiles to byte
 * stores then a word load, and that load stalls on store forwarding (perf: 12 % of
 * map_find's samples on the multiply that consumed it). Overlapping bytes are equal, so
 * OR-ing the overlapping loads gives the exact value. */
static inline uint64_t load_le_pad(const char *s, size_t n)
{
    if (n >= 8) {
        uint64_t v;
        memcpy(&v, s, 8);
        return v;
    }
    if (n >= 4) {
        uint32_t lo, hi;
        memcpy(&lo, s, 4);
        memcpy(&hi, s + n - 4, 4);
        return (uint64_t)lo | ((uint64_t)hi << (8 * (n - 4)));
    }
    if (!n)
        return 0;
    const unsigned char *u = (const unsigned char *)s;
    return (uint64_t)u[0] | ((uint64_t)u[n / 2] << (8 * (n / 2))) | ((uint64_t)u[n - 1] << (8 * (n - 1)));
}


/* Keys are words: up to 16 bytes they are hashed inline (two 64-bit loads and a
 * multiply-xorshift mix); XXH3 through the shared library's PLT cost more than the probe
 * for such short keys (callgrind). Longer keys use XXH3. */
static inline uint64_t cl_hash(const char *s, size_t n)
{
    if (n > 16)
        return XXH3_64bits(s, n);
    return cl_mix(load_le_pad(s, n < 8 ? n : 8), n > 8 ? load_le_pad(s + 8, n - 8) : 0, n);
}


static inline const cl_slot *map_find(const cl_map *m, const char *k, size_t n)
{
    return map_find_h(m, cl_hash(k, n));
}

/* Returns the slot of key (inserted with val 0 when new), NULL on allocation failure. */
static cl_slot *map_put(cl_map *m, const char *k, size_t n)
{
    if ((m->n + 1) * 2 > m->cap) {
        size_t nc = m->cap ? m->cap * 2 : 1024;
        cl_slot *ns = tm_calloc(nc, sizeof *ns);
        uint64_t *nh = tm_calloc(nc, sizeof *nh);
        if (!ns || !nh) {
            tm_free(ns);
            tm_free(nh);
            return NULL;
        }
        for (size_t i = 0; i < m->cap; i++) {
            if (!m->slots[i].tag)
                continue;
            size_t j = m->hashes[i] & (nc - 1);
            while (ns[j].tag)
                j = (j + 1) & (nc - 1);
            ns[j] = m->slots[i];
            nh[j] = m->hashes[i];
        }
        tm_free(m->slots);
        tm_free(m->hashes);
        m->slots = ns;
        m->hashes = nh;
        m->cap = nc;
    }
    uint64_t h = cl_hash(k, n);
    uint32_t t = tag_of(h);
    uint32_t bb = bloom_bit(h);
    m->bloom[bb >> 6] |= 1ull << (bb & 63);
    size_t i = h & (m->cap - 1);
    for (; m->slots[i].tag; i = (i + 1) & (m->cap - 1))
        if (m->slots[i].tag == t)
            return &m->slots[i];
    m->slots[i].tag = t;
    m->slots[i].val = 0;
    m->slots[i].head = 0;
    m->hashes[i] = h;
    m->n++;
    return &m->slots[i];
}

/* ASCII byte -> its normalised letter or digit (lowercase), 0 for a separator. */
#define NA(c) ((c) >= 'A' && (c) <= 'Z' ? (c) + 32 : \
               (((c) >= 'a' && (c) <= 'z') || ((c) >= '0' && (c) <= '9')) ? (c) : 0)
#define NA4(c) NA(c), NA((c) + 1), NA((c) + 2), NA((c) + 3)
#define NA16(c) NA4(c), NA4((c) + 4), NA4((c) + 8), NA4((c) + 12)
#define NA64(c) NA16(c), NA16((c) + 16), NA16((c) + 32), NA16((c) + 48)
/* Over all byte values (0 for bytes >= 0x80), so the word loop below needs one table load
 * per byte and no separate ASCII test. */
static const char norm_ascii256[256] = {NA64(0), NA64(64)};


bool cl_normalize(const cl_lex *lx, tm_arena *a, const char *line, size_t n, cl_norm *out)
{
    char *s = tm_arena_alloc(a, CL_NORM_BYTES(n));
    cl_nword *w = tm_arena_alloc(a, CL_NORM_WORDS(n) * sizeof *w);
    if (!s || !w)
        return false;
    cl_normalize_into(lx, s, w, line, n, out);
    return true;
}

/* Ends the word at normalised bytes [ws, k) made from line bytes [ostart, oend) with
 * hash h, and looks it up once for the scan and the stop-word count (not while the maps
 * are being built). */
static inline void put_word(const cl_lex *lx, cl_nword *w, size_t *nw, uint32_t *heads,
                            size_t ws, size_t k, size_t ostart, size_t oend, uint64_t h)
{
    cl_nword *x = &w[(*nw)++];
    x->off = (uint32_t)ws;
    x->len = (uint32_t)(k - ws);
    x->ostart = (uint32_t)ostart;
    x->oend = (uint32_t)oend;
    const cl_slot *sl = lx->ready ? map_find_h(&lx->words, h) : NULL;
    x->stop = sl ? sl->val : 0;
    x->head = sl ? (int32_t)sl->head - 1 : -1;
    *heads |= (uint32_t)(x->head + 1);
}

static inline void end_word(const cl_lex *lx, cl_nword *w, size_t *nw, uint32_t *heads,
                            const char *s, size_t ws, size_t k, size_t ostart, size_t oend)
{
    put_word(lx, w, nw, heads, ws, k, ostart, oend, cl_hash(s + ws, k - ws));
}

void cl_normalize_into(const cl_lex *lx, char *s, cl_nword *w, const char *line, size_t n,
                       cl_norm *out)
{
    const cl_cptab *ct = &lx->cp;
    size_t k = 0, nw = 0, ws = 0, ostart = 0;
    /* The line's character counts on the way (the stage needs them for every line). */
    uint32_t digits = 0, letters = 0, high = 0, hichars = 0, alnum = 0;
    uint32_t heads = 0; /* non-zero when a word starts a phrase */
    bool inword = false; /* a space is written only after a word: no leading or double one */
    out->nospace = false;
    const char *p = line, *end = line + n;
    while (p < end) {
        const char *st = p;
        unsigned char c = (unsigned char)*p;
        if (c < 0x80) {
            if (!norm_ascii256[c]) {
                p++;
                if (inword) {
                    end_word(lx, w, &nw, &heads, s, ws, k, ostart, (size_t)(st - line));
                    s[k++] = ' ';
                    inword = false;
                }
                continue;
            }
            if (!inword) {
                inword = true;
                ws = k;
                ostart = (size_t)(st - line);
            }
            /* A run of ASCII letters and digits eight bytes at a time: range tests find
             * its end, 'A'..'Z' get bit 5 (no carry crosses bytes below 0x80); bytes past
             * the run are overwritten later or lie in the buffer's slack. A word that
             * starts at the run's first chunk and ends within 15 bytes at an ASCII
             * separator is hashed from the registers (cl_hash of its zero-padded bytes),
             * the separator consumed and the next word started here. chunk: 0 or 1 for
             * the first two chunks of such a word, 2 otherwise. */
            uint64_t first = 0;
            int chunk = k == ws ? 0 : 2;
            for (;;) {
                if (end - p < 8) {
                    char t;
                    while (p < end && (t = norm_ascii256[(unsigned char)*p])) {
                        s[k++] = t;
                        digits += t <= '9';
                        alnum++;
                        p++;
                    }
                    break;
                }
                uint64_t x, dg, lo, stop;
                memcpy(&x, p, 8);
                stop = swar_word_stop(x, &lo, &dg);
                memcpy(s + k, &lo, 8);
                if (!stop) {
                    digits += (uint32_t)(((dg >> 7) * 0x0101010101010101ull) >> 56);
                    alnum += 8;
                    k += 8;
                    p += 8;
                    if (chunk == 0)
                        first = lo;
                    chunk += chunk < 2;
                    continue;
                }
                size_t r = (size_t)__builtin_ctzll(stop) >> 3;
                uint64_t m = (1ull << (8 * r)) - 1;
                digits += (uint32_t)((((dg & m) >> 7) * 0x0101010101010101ull) >> 56);
                alnum += (uint32_t)r;
                k += r;
                p += r;
                if (chunk == 2 || ((x >> (8 * r)) & 0x80))
                    break;
                put_word(lx, w, &nw, &heads, ws, k, ostart, (size_t)(p - line),
                         chunk == 0 ? cl_mix(lo & m, 0, r) : cl_mix(first, lo & m, 8 + r));
                s[k++] = ' ';
                inword = false;
                p++;
                if (p == end || !norm_ascii256[(unsigned char)*p])
                    break;
                inword = true;
                ws = k;
                ostart = (size_t)(p - line);
                chunk = 0;
            }
            continue;
        }
        int32_t cp = cl_utf8_next(&p, end);
        cl_cp_counts(st, p, &hichars, &letters, &high);
        if (!out->nospace && cl_is_nospace(cp))
            out->nospace = true;
        if (cl_is_letter(ct, cp) || cl_is_digit(ct, cp)) {
            if (!inword) {
                inword = true;
                ws = k;
                ostart = (size_t)(st - line);
            }
            k += cl_utf8_put(s + k, cl_tolower(ct, cp));
        } else if (inword) {
            end_word(lx, w, &nw, &heads, s, ws, k, ostart, (size_t)(st - line));
            s[k++] = ' ';
            inword = false;
        }
    }
    if (inword)
        end_word(lx, w, &nw, &heads, s, ws, k, ostart, n);
    else if (k)
        k--; /* the space after the last word */
    s[k] = '\0';
    out->s = s;
    out->n = k;
    out->w = w;
    out->nw = nw;
    out->chars = (uint32_t)n - high + hichars;
    out->digits = digits;
    out->letters = letters + alnum - digits;
    out->ascii = high == 0;
    out->heads = heads != 0;
}

size_t cl_norm_orig(const cl_lex *lx, const cl_norm *nl, const char *line, size_t n, size_t k)
{
    if (k >= nl->n)
        return n;
    for (size_t j = 0; j < nl->nw; j++) {
        const cl_nword *x = &nl->w[j];
        if (k > x->off + x->len)
            continue;
        if (k == x->off + x->len)
            return x->oend; /* the space after the word: made by the character there */
        /* Inside the word: the character whose lowercase form holds byte k. */
        const char *q = line + x->ostart, *end = line + n;
        size_t pos = x->off;
        for (;;) {
            const char *c0 = q;
            char tmp[4];
            size_t l = cl_utf8_put(tmp, cl_tolower(&lx->cp, cl_utf8_next(&q, end)));
            if (pos + l > k || q >= end)
                return (size_t)(c0 - line);
            pos += l;
        }
    }
    return n;
}

static bool has_nospace(const char *s, size_t n)
{
    const char *p = s, *end = s + n;
    while (p < end)
        if (tm_is_nospace_script(tm_utf8_next(&p, end)))
            return true;
    return false;
}

static bool add_phrase(cl_lex *lx, cl_lexclass cls, const char *txt, size_t n)
{
    int value = 0;
    const char *eq = memchr(txt, '=', n);
    if (eq) {
        value = atoi(eq + 1);
        n = (size_t)(eq - txt);
    }
    cl_norm nl;
    if (!cl_normalize(lx, &lx->arena, txt, n, &nl))
        return false;
    if (!nl.n)
        return true;
    if (lx->n_ph == lx->cap_ph) {
        size_t nc = lx->cap_ph ? lx->cap_ph * 2 : 512;
        cl_phrase *np = tm_realloc(lx->ph, nc * sizeof *np);
        if (!np)
            return false;
        lx->ph = np;
        lx->cap_ph = nc;
    }
    cl_phrase *ph = &lx->ph[lx->n_ph];
    ph->s = nl.s;
    ph->len = (uint32_t)nl.n;
    ph->nwords = (uint32_t)nl.nw;
    ph->pre = ph->suf = 0;
    if (nl.n >= 4) {
        memcpy(&ph->pre, nl.s, 4);
        memcpy(&ph->suf, nl.s + nl.n - 4, 4);
    }
    ph->cls = (uint8_t)cls;
    ph->value = value;
    ph->nospace = has_nospace(nl.s, nl.n);
    ph->next_in_class = lx->class_head[cls];
    ph->next_by_byte = -1;
    if (cls == LX_RELATED) {
        ph->next_by_byte = lx->related_by_byte[(unsigned char)nl.s[0]];
        lx->related_by_byte[(unsigned char)nl.s[0]] = (int32_t)lx->n_ph;
        for (unsigned b1 = 0; b1 < 256; b1++)
            if (nl.n == 1 || b1 == (unsigned char)nl.s[1]) {
                unsigned key = (unsigned char)nl.s[0] | b1 << 8;
                lx->related2[key >> 6] |= 1ull << (key & 63);
            }
    }
    lx->class_head[cls] = (int32_t)lx->n_ph;
    if (ph->nospace) {
        size_t cl = 1;
        while (cl < nl.n && ((unsigned char)nl.s[cl] & 0xC0) == 0x80)
            cl++;
        cl_slot *slot = map_put(&lx->nsfirst, nl.s, cl);
        if (!slot)
            return false;
        ph->next = (int32_t)slot->head - 1;
        slot->head = (uint32_t)lx->n_ph + 1;
    } else {
        const char *sp = memchr(nl.s, ' ', nl.n);
        size_t wl = sp ? (size_t)(sp - nl.s) : nl.n;
        cl_slot *slot = map_put(&lx->words, nl.s, wl);
        if (!slot)
            return false;
        ph->next = (int32_t)slot->head - 1;
        slot->head = (uint32_t)lx->n_ph + 1;
    }
    lx->n_ph++;
    return true;
}

static const char *const class_names[LX__COUNT] = {
    "nav", "notice", "related", "byline", "correspondent", "published", "updated",
    "readtime", "month", "comments"};

static bool read_file(const char *path, tm_buf *b)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    char chunk[16384];
    size_t k;
    bool ok = true;
    while ((k = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (tm_buf_append(b, chunk, k) != TAMIS_OK)
            ok = false;
    fclose(f);
    return ok && tm_buf_nul(b) == TAMIS_OK;
}

/* Lexicon format: "@class" starts a section; "lang: phrase | phrase | ..." lines follow;
 * '#' starts a comment line. */
static bool parse_lexicon(cl_lex *lx, const char *text, size_t n, tamis_error *err,
                          const char *path)
{
    int cls = -1;
    const char *p = text, *end = text + n;
    uint64_t lineno = 0;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        lineno++;
        const char *s = p;
        p = nl ? nl + 1 : end;
        while (s < le && (*s == ' ' || *s == '\t'))
            s++;
        if (s == le || *s == '#')
            continue;
        if (*s == '@') {
            const char *e = s + 1;
            while (e < le && *e != ' ' && *e != '\t' && *e != '\r' && *e != '#')
                e++;
            cls = -1;
            for (int c = 0; c < LX__COUNT; c++)
                if (strlen(class_names[c]) == (size_t)(e - s - 1) &&
                    memcmp(class_names[c], s + 1, (size_t)(e - s - 1)) == 0)
                    cls = c;
            if (cls < 0) {
                tm_err(err, TAMIS_ERR_FORMAT, path, 0, lineno, "unknown lexicon class '%.*s'",
                       (int)(e - s), s);
                return false;
            }
            continue;
        }
        const char *colon = memchr(s, ':', (size_t)(le - s));
        if (cls < 0 || !colon) {
            tm_err(err, TAMIS_ERR_FORMAT, path, 0, lineno,
                   "lexicon line outside a section or without 'lang:'");
            return false;
        }
        const char *q = colon + 1;
        while (q < le) {
            const char *bar = memchr(q, '|', (size_t)(le - q));
            const char *pe = bar ? bar : le;
            if (!add_phrase(lx, (cl_lexclass)cls, q, (size_t)(pe - q))) {
                tm_err(err, TAMIS_ERR_NOMEM, path, 0, lineno, "out of memory");
                return false;
            }
            q = bar ? bar + 1 : le;
        }
    }
    return true;
}

static bool load_stopwords(cl_lex *lx, const char *dir)
{
    char path[4096];
    tm_buf b;
    tm_buf_init(&b);
    for (int i = 0; big_langs[i] && lx->n_langs < CL_MAX_LANGS; i++) {
        snprintf(path, sizeof path, "%s/stopwords/%s.txt", dir, big_langs[i]);
        tm_buf_clear(&b);
        if (!read_file(path, &b))
            continue;
        int bit = lx->n_langs++;
        lx->langs[bit] = big_langs[i];
        const char *p = b.data, *end = b.data + b.len;
        while (p < end) {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            const char *le = nl ? nl : end;
            cl_norm w;
            if (!cl_normalize(lx, &lx->arena, p, (size_t)(le - p), &w)) {
                tm_buf_free(&b);
                return false;
            }
            /* Multi-word entries cannot match one word: skip them. */
            if (w.n && !memchr(w.s, ' ', w.n)) {
                cl_slot *s = map_put(&lx->words, w.s, w.n);
                if (!s) {
                    tm_buf_free(&b);
                    return false;
                }
                s->val |= 1u << bit;
                if (w.n > lx->stop_maxlen)
                    lx->stop_maxlen = w.n;
            }
            p = nl ? nl + 1 : end;
        }
    }
    tm_buf_free(&b);
    return true;
}

/* Fills lx->rel and lx->rel_at from the chains of related labels by first byte. */
static bool index_related(cl_lex *lx)
{
    uint32_t n = 0;
    for (int b = 0; b < 256; b++) {
        lx->rel_at[b] = n;
        for (int32_t i = lx->related_by_byte[b]; i >= 0; i = lx->ph[i].next_by_byte)
            n++;
    }
    lx->rel_at[256] = n;
    lx->rel = tm_arena_alloc(&lx->arena, (n ? n : 1) * sizeof *lx->rel);
    if (!lx->rel)
        return false;
    for (int b = 0; b < 256; b++) {
        uint32_t k = lx->rel_at[b];
        for (int32_t i = lx->related_by_byte[b]; i >= 0; i = lx->ph[i].next_by_byte)
            lx->rel[k++] = (struct cl_relph){lx->ph[i].pre, lx->ph[i].len, lx->ph[i].s};
    }
    return true;
}

cl_lex *cl_lex_load(const char *dir, tamis_error *err)
{
    cl_lex *lx = tm_calloc(1, sizeof *lx);
    if (!lx) {
        tm_err(err, TAMIS_ERR_NOMEM, NULL, 0, 0, "out of memory");
        return NULL;
    }
    tm_arena_init(&lx->arena);
    for (int32_t c = 0; c < 0x800; c++) {
        lx->cp.cls[c] = (uint8_t)((tm_is_letter(c) ? CL_CP_LETTER : 0) |
                                  (tm_is_digit(c) ? CL_CP_DIGIT : 0) |
                                  (tm_is_upper(c) ? CL_CP_UPPER : 0));
        lx->cp.lower[c] = utf8proc_tolower(c);
    }
    for (int c = 0; c < LX__COUNT; c++)
        lx->class_head[c] = -1;
    for (int b = 0; b < 256; b++)
        lx->related_by_byte[b] = -1;
    char path[4096];
    snprintf(path, sizeof path, "%s/lexicon/tm_clean_lexicon.txt", dir);
    tm_buf b;
    tm_buf_init(&b);
    if (!read_file(path, &b)) {
        tm_err(err, TAMIS_ERR_IO, path, 0, 0, "clean: cannot read the phrase lexicon");
        tm_buf_free(&b);
        cl_lex_free(lx);
        return NULL;
    }
    bool ok = parse_lexicon(lx, b.data, b.len, err, path);
    tm_buf_free(&b);
    if (ok && !load_stopwords(lx, dir)) {
        tm_err(err, TAMIS_ERR_NOMEM, NULL, 0, 0, "out of memory");
        ok = false;
    }
    if (ok && !index_related(lx)) {
        tm_err(err, TAMIS_ERR_NOMEM, NULL, 0, 0, "out of memory");
        ok = false;
    }
    if (!ok) {
        cl_lex_free(lx);
        return NULL;
    }
    lx->ready = true;
    return lx;
}

void cl_lex_free(cl_lex *lx)
{
    if (!lx)
        return;
    tm_free(lx->ph);
    tm_free(lx->words.slots);
    tm_free(lx->words.hashes);
    tm_free(lx->nsfirst.slots);
    tm_free(lx->nsfirst.hashes);
    tm_arena_free(&lx->arena);
    tm_free(lx);
}

int cl_lex_lang_index(const cl_lex *lx, const char *lang)
{
    if (!lang)
        return -1;
    for (int i = 0; i < lx->n_langs; i++)
        if (!strcmp(lx->langs[i], lang))
            return i;
    return -1;
}

const char *cl_lex_lang_code(const cl_lex *lx, int idx)
{
    return idx >= 0 && idx < lx->n_langs ? lx->langs[idx] : NULL;
}

size_t cl_lex_stop_maxlen(const cl_lex *lx)
{
    return lx->stop_maxlen + 8 < 40 ? lx->stop_maxlen + 8 : 40;
}


size_t cl_lex_ascii_word(const cl_lex *lx, const char *st, const char *end, uint32_t *mask)
{
    return cl_ascii_word(&lx->words, cl_lex_stop_maxlen(lx), st, end, mask);
}

const cl_map *cl_lex_words(const cl_lex *lx) { return &lx->words; }

uint32_t cl_lex_stopmask(const cl_lex *lx, const char *w, size_t n)
{
    char buf[96];
    if (n == 0 || n > 40 || n > lx->stop_maxlen + 8)
        return 0;
    if (n <= 16) {
        /* ASCII words up to 16 bytes (nearly every stop word) are lowercased eight bytes
         * at a time in registers and hashed from there: the byte loop and the buffer
         * round trip cost more than the probe (callgrind). Same hash as cl_hash. */
        uint64_t a = load_le_pad(w, n < 8 ? n : 8), b = n > 8 ? load_le_pad(w + 8, n - 8) : 0;
        if (!((a | b) & 0x8080808080808080ull)) {
            /* Bytes 'A'..'Z' get bit 5 set: the two adds carry into bit 7 exactly for
             * bytes >= 'A' and > 'Z' (no byte has bit 7, so no carry crosses bytes). */
            uint64_t ua = ((a + 0x3F3F3F3F3F3F3F3Full) ^ (a + 0x2525252525252525ull)) & 0x8080808080808080ull;
            uint64_t ub = ((b + 0x3F3F3F3F3F3F3F3Full) ^ (b + 0x2525252525252525ull)) & 0x8080808080808080ull;
            a |= ua >> 2;
            b |= ub >> 2;
            /* (val 0: a phrase's first word only, no stop word: try the head too) */
            const cl_slot *s = map_find_h(&lx->words, cl_mix(a, b, n));
            if (s && s->val)
                return s->val;
            /* An elided article ("l'etat"): the head before an inner apostrophe. Most
             * words have none: tested on the two words at once first. */
            const uint64_t ap = 0x2727272727272727ull, lo = 0x0101010101010101ull,
                           hi = 0x8080808080808080ull;
            uint64_t xa = a ^ ap, xb = b ^ ap;
            if (!(((xa - lo) & ~xa & hi) | ((xb - lo) & ~xb & hi)))
                return 0;
            for (size_t i = 1; i + 1 < n; i++)
                if (w[i] == '\'') {
                    char h[16];
                    for (size_t j = 0; j < i; j++)
                        h[j] = (char)((unsigned char)w[j] >= 'A' && (unsigned char)w[j] <= 'Z' ? w[j] + 32 : w[j]);
                    s = map_find(&lx->words, h, i);
                    return s ? s->val : 0;
                }
            return 0;
        }
    }
    /* Lowercase code point by code point (the lists were lowercased the same way), ASCII
     * bytes without the decoder; note whether an apostrophe occurs for the test below. */
    size_t k = 0;
    bool apos = false;
    const char *p = w, *end = w + n;
    while (p < end && k + 4 < sizeof buf) {
        unsigned char c = (unsigned char)*p;
        if (c < 0x80) {
            buf[k++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
            apos |= c == '\'';
            p++;
            continue;
        }
        int32_t cp = cl_utf8_next(&p, end);
        apos |= cp == 0x2019;
        k += cl_utf8_put(buf + k, cl_tolower(&lx->cp, cp));
    }
    if (p < end)
        return 0;
    const cl_slot *s = map_find(&lx->words, buf, k);
    if (s && s->val)
        return s->val;
    if (!apos)
        return 0;
    /* Words with an elided article or inner apostrophe ("l'état"): the lists hold the
     * parts, the lexicon normaliser splits at the apostrophe. Check the head. */
    for (size_t i = 1; i + 1 < k; i++)
        if (buf[i] == '\'' || (i + 2 < k && memcmp(buf + i, "\xE2\x80\x99", 3) == 0)) {
            s = map_find(&lx->words, buf, i);
            return s ? s->val : 0;
        }
    return 0;
}

/* No hits: what a line without any phrase gets, copied whole (a memset call and a loop
 * per line were ~3 % of the scan). */
static const cl_hits no_hits = {.first = {-1, -1, -1, -1, -1, -1, -1, -1, -1, -1}};

void cl_lex_scan(const cl_lex *lx, const cl_norm *nl, cl_hits *h)
{
    _Static_assert(LX__COUNT == 10, "no_hits.first lists every class");
    *h = no_hits;
    const char *s = nl->s;
    size_t n = nl->n;
    /* Bytes covered per class, overlaps counted once. Hits come in word order, so the
     * union of a class's phrases so far ends at its furthest word end (lastw) and a new
     * phrase adds its words from there (a byte mark per class and a loop over the phrase
     * were ~4 % of the scan). Classes c and c + 8 share a union (as they shared a mark
     * bit); lines over 512 normalised bytes count none. */
    uint32_t lastw[8] = {0};
    bool track = n <= 512, any = false;
    /* The normaliser separates words by one space and trims: the words' bytes are the
     * rest. Each word's phrase chain comes from the normaliser's lookup. */
    h->words = (uint32_t)nl->nw;
    h->bytes = nl->nw ? (uint32_t)(n - (nl->nw - 1)) : 0;
    if (!nl->heads && !nl->nospace)
        return; /* no word starts a phrase: the word loop is skipped (callgrind: -0.5 M) */
    for (uint32_t wi = 0; wi < nl->nw; wi++) {
        const cl_nword *w = &nl->w[wi];
        if (w->head < 0)
            continue;
        size_t pos = w->off;
        for (int32_t i = w->head; i >= 0; i = lx->ph[i].next) {
            const cl_phrase *ph = &lx->ph[i];
            if (pos + ph->len > n)
                continue;
            if (ph->len >= 4) {
                /* The first four or eight bytes and the last four: up to 12 bytes they
                 * cover the phrase, so most need no memcmp call (callgrind). */
                uint32_t x, y;
                memcpy(&x, s + pos + ph->len - 4, 4);
                if (x != ph->suf)
                    continue;
                if (ph->len <= 8) {
                    memcpy(&y, s + pos, 4);
                    if (y != ph->pre)
                        continue;
                } else {
                    uint64_t a, b;
                    memcpy(&a, s + pos, 8);
                    memcpy(&b, ph->s, 8);
                    if (a != b || (ph->len > 12 && memcmp(s + pos + 8, ph->s + 8, ph->len - 12) != 0))
                        continue;
                }
            } else if (memcmp(s + pos, ph->s, ph->len) != 0) {
                continue;
            }
            if (pos + ph->len < n && s[pos + ph->len] != ' ')
                continue;
            int c = ph->cls;
            any = true;
            if (h->first[c] < 0) {
                h->first[c] = (int16_t)(wi > 32767 ? 32767 : wi);
                if (wi == 0)
                    h->end0[c] = ph->len;
            } else if (wi == 0 && ph->len > h->end0[c]) {
                h->end0[c] = ph->len; /* longest phrase at the start wins */
            }
            uint32_t fw = lastw[c & 7] > wi ? lastw[c & 7] : wi, tw = wi + ph->nwords;
            if (track && tw > fw) {
                const cl_nword *a = &nl->w[fw], *b = &nl->w[tw - 1];
                h->covered[c] += b->off + b->len - a->off - (tw - 1 - fw);
                lastw[c & 7] = tw;
            }
        }
    }
    /* Phrases of scripts without spaces match as substrings: at each character, the
     * phrases that start with it. */
    for (size_t q = 0; nl->nospace && q < n;) {
        size_t cl = 1;
        while (q + cl < n && ((unsigned char)s[q + cl] & 0xC0) == 0x80)
            cl++;
        const cl_slot *slot = (unsigned char)s[q] >= 0xE0 ? map_find(&lx->nsfirst, s + q, cl) : NULL;
        for (int32_t i = slot ? (int32_t)slot->head - 1 : -1; i >= 0; i = lx->ph[i].next) {
            const cl_phrase *ph = &lx->ph[i];
            if (q + ph->len > n || memcmp(s + q, ph->s, ph->len) != 0)
                continue;
            int c = ph->cls;
            any = true;
            if (h->first[c] < 0) {
                h->first[c] = 0;
                if (q == 0)
                    h->end0[c] = ph->len;
            }
            h->covered[c] += ph->len;
        }
        q += cl;
    }
    /* Only substring hits can overlap: the word loop adds each word once per union (c and
     * c + 8 share one), so its counts never exceed the line's bytes. */
    for (int c = 0; any && nl->nospace && c < LX__COUNT; c++)
        if (h->covered[c] > h->bytes)
            h->covered[c] = h->bytes;
}

/* One candidate of cl_lex_prefix: phrase ps[0..len) with first four bytes pre (when
 * len >= 4) against the normalised line s[0..n); the longest match so far in *best. */
static inline void prefix_try(const char *s, size_t n, uint32_t pre, uint32_t len,
                              const char *ps, size_t *best, bool *boundary)
{
    if (len > n)
        return;
    if (len >= 4) { /* then n >= 4 */
        uint32_t x;
        memcpy(&x, s, 4);
        if (x != pre)
            return;
    }
    if (ps[0] != s[0] || memcmp(s, ps, len) != 0)
        return;
    if (len > *best) {
        *best = len;
        *boundary = len == n || s[len] == ' ';
    }
}

size_t cl_lex_prefix(const cl_lex *lx, cl_lexclass c, const cl_norm *nl, bool *boundary)
{
    size_t best = 0;
    *boundary = false;
    const char *s = nl->s;
    size_t n = nl->n;
    /* A glued label ends inside one of the line's words, so the first-word index does
     * not apply: every phrase of the class is tried (the classes used here are small). */
    if (!n)
        return 0;
    if (c == LX_RELATED) {
        if (!cl_related_possible(lx->related2, nl))
            return 0;
        unsigned b = (unsigned char)s[0];
        for (uint32_t k = lx->rel_at[b]; k < lx->rel_at[b + 1]; k++)
            prefix_try(s, n, lx->rel[k].pre, lx->rel[k].len, lx->rel[k].s, &best, boundary);
        return best;
    }
    for (int32_t i = lx->class_head[c]; i >= 0; i = lx->ph[i].next_in_class)
        prefix_try(s, n, lx->ph[i].pre, lx->ph[i].len, lx->ph[i].s, &best, boundary);
    return best;
}

const uint64_t *cl_lex_related2(const cl_lex *lx) { return lx->related2; }

int cl_lex_month(const cl_lex *lx, int32_t head, size_t n)
{
    for (int32_t i = head; i >= 0; i = lx->ph[i].next)
        if (lx->ph[i].cls == LX_MONTH && lx->ph[i].len == n)
            return lx->ph[i].value;
    return 0;
}

