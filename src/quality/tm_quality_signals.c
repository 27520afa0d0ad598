/* tm_quality_signals.c — every quality signal of a text in one pass over its lines.
 *
 * Definitions follow datatrove's GopherQualityFilter, GopherRepetitionFilter,
 * C4QualityFilter and FineWebQualityFilter (the values their rules compare) and
 * RedPajama-V2's natural-language signals; docs/signals.md lists each formula and where
 * tamis differs (words come from tm_words, not NLTK). Each line is scanned once for its
 * byte-level features and once by tm_words while it is still in L1 cache; words are
 * reduced to an XXH3 hash and a length so that the repetition signals (n-grams) run over
 * a compact array with hash tables: O(words) per n, never quadratic.
 */
#include "tm_quality.h"

#include <math.h>
#include <stdlib.h>
#include <utf8proc.h>
#define XXH_INLINE_ALL
#include <xxhash.h>

#define TM_QS_NAME(id, name) name,
static const char *const qs_names[TM_QS__COUNT] = {TM_QS_LIST(TM_QS_NAME)};
#undef TM_QS_NAME

const char *tm_qs_name(tm_qs id)
{
    return (unsigned)id < TM_QS__COUNT ? qs_names[id] : NULL;
}

static const char *const c4_names[TM_C4__COUNT] = {
    [TM_C4_KEPT] = "c4_kept",
    [TM_C4_LONG_WORD] = "c4_max_word_length",
    [TM_C4_NO_TERMINAL] = "c4_terminal_punct",
    [TM_C4_FEW_WORDS] = "c4_min_words_per_line",
    [TM_C4_JAVASCRIPT] = "c4_javascript",
    [TM_C4_POLICY] = "c4_policy",
};

const char *tm_c4_line_name(tm_c4_line why)
{
    return (unsigned)why < TM_C4__COUNT ? c4_names[why] : NULL;
}

void tm_quality_opts_init(tm_quality_opts *o)
{
    memset(o, 0, sizeof *o);
    o->fw_short_line_length = 30;
    o->c4_max_word_length = 1000;
    o->c4_min_words_per_line = 3;
    o->c4_terminal_punct = true;
    o->c4_remove_citations = true;
    o->c4_javascript = true;
    o->c4_policy = true;
    o->c4_lorem_ipsum = true;
    o->c4_curly_bracket = true;
}

/* ---- a hash table of 64-bit keys with a count and one auxiliary word per key. Key 0
 * marks an empty slot, so a (1 in 2^64) zero hash is remapped to 1. */
typedef struct qmap {
    uint64_t *keys;
    uint32_t *cnt;
    uint32_t *aux;
    size_t cap, n;
} qmap;

static size_t pow2_at_least(size_t x)
{
    size_t c = 16;
    while (c < x)
        c <<= 1;
    return c;
}

static bool qmap_alloc(qmap *m, size_t cap)
{
    m->keys = tm_calloc(cap, sizeof *m->keys);
    m->cnt = tm_malloc(cap * sizeof *m->cnt);
    m->aux = tm_malloc(cap * sizeof *m->aux);
    m->cap = cap;
    m->n = 0;
    return m->keys && m->cnt && m->aux;
}

static void qmap_free(qmap *m)
{
    tm_free(m->keys);
    tm_free(m->cnt);
    tm_free(m->aux);
    memset(m, 0, sizeof *m);
}

/* Empties the table, keeping capacity at least room for `expect` keys. */
static bool qmap_reset(qmap *m, size_t expect)
{
    size_t want = pow2_at_least(expect * 2 + 1);
    if (m->cap < want) {
        qmap_free(m);
        return qmap_alloc(m, want);
    }
    memset(m->keys, 0, m->cap * sizeof *m->keys);
    m->n = 0;
    return true;
}

static inline size_t qmap_slot(const qmap *m, uint64_t key)
{
    size_t mask = m->cap - 1, i = (size_t)(key ^ (key >> 29)) & mask;
    while (m->keys[i] && m->keys[i] != key)
        i = (i + 1) & mask;
    return i;
}

static bool qmap_grow(qmap *m)
{
    qmap old = *m;
    if (!qmap_alloc(m, old.cap * 2)) {
        qmap_free(m);
        *m = old;
        return false;
    }
    for (size_t i = 0; i < old.cap; i++)
        if (old.keys[i]) {
            size_t j = qmap_slot(m, old.keys[i]);
            m->keys[j] = old.keys[i];
            m->cnt[j] = old.cnt[i];
            m->aux[j] = old.aux[i];
            m->n++;
        }
    qmap_free(&old);
    return true;
}

/* Returns the slot of key, inserting it (cnt 0) if absent; *fresh says which. SIZE_MAX
 * on allocation failure. */
static inline size_t qmap_put(qmap *m, uint64_t key, bool *fresh)
{
    if (!key)
        key = 1;
    if (TM_UNLIKELY((m->n + 1) * 2 > m->cap) && !qmap_grow(m))
        return SIZE_MAX;
    size_t i = qmap_slot(m, key);
    *fresh = !m->keys[i];
    if (*fresh) {
        m->keys[i] = key;
        m->cnt[i] = 0;
        m->aux[i] = 0;
        m->n++;
    }
    return i;
}

/* ---- byte-level helpers */
static inline bool is_ws(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Python's str.strip() on ASCII whitespace and U+00A0 (the two kinds seen in web text). */
static void strip_span(const char *s, const char *e, const char **os, const char **oe)
{
    while (s < e) {
        if (is_ws((unsigned char)*s))
            s++;
        else if (e - s >= 2 && (unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xA0)
            s += 2;
        else
            break;
    }
    while (e > s) {
        if (is_ws((unsigned char)e[-1]))
            e--;
        else if (e - s >= 2 && (unsigned char)e[-2] == 0xC2 && (unsigned char)e[-1] == 0xA0)
            e -= 2;
        else
            break;
    }
    *os = s;
    *oe = e;
}

static inline bool ends_with(const char *s, const char *e, const char *suf, size_t k)
{
    return (size_t)(e - s) >= k && memcmp(e - k, suf, k) == 0;
}

/* Sentence-final punctuation of other scripts, accepted wherever datatrove's English
 * set (. ? ! " ') is: ideographic and full-width stops, Arabic question mark, Devanagari
 * danda, Ethiopic full stop. Without them no Chinese or Hindi line would count as ending
 * a sentence. */
static const char *const uni_terminals[] = {"\xE3\x80\x82", "\xEF\xBC\x81", "\xEF\xBC\x9F",
                                            "\xEF\xBD\xA1", "\xD8\x9F",     "\xE0\xA5\xA4",
                                            "\xE0\xA5\xA5", "\xE1\x8D\xA2"};

static bool is_uni_terminal_at_end(const char *s, const char *e)
{
    for (size_t i = 0; i < sizeof uni_terminals / sizeof *uni_terminals; i++)
        if (ends_with(s, e, uni_terminals[i], strlen(uni_terminals[i])))
            return true;
    return false;
}

/* datatrove's END_PUNCTUATION / FineWeb stop_chars: . ? ! " ' (plus the above). */
static bool ends_terminal(const char *s, const char *e)
{
    if (s >= e)
        return false;
    unsigned char c = (unsigned char)e[-1];
    if (c == '.' || c == '?' || c == '!' || c == '"' || c == '\'')
        return true;
    return c >= 0x80 && is_uni_terminal_at_end(s, e);
}

static inline bool is_sentence_end_char(const char *p, const char *e, size_t *len)
{
    unsigned char c = (unsigned char)*p;
    if (c == '.' || c == '!' || c == '?') {
        *len = 1;
        return true;
    }
    if (c >= 0x80)
        for (size_t i = 0; i < sizeof uni_terminals / sizeof *uni_terminals; i++) {
            size_t k = strlen(uni_terminals[i]);
            if ((size_t)(e - p) >= k && memcmp(p, uni_terminals[i], k) == 0) {
                *len = k;
                return true;
            }
        }
    return false;
}

/* Sentences in one stripped line: runs of sentence-final punctuation followed (after
 * optional closing quotes/brackets) by whitespace or the end of the line, plus one for
 * trailing text without a final stop. NLTK's punkt (datatrove) also knows abbreviations;
 * this approximation over-counts "e.g. x" but needs no model. */
static size_t count_sentences(const char *s, const char *e)
{
    if (s >= e)
        return 0;
    size_t n = 0;
    bool text_after = false;
    const char *p = s;
    while (p < e) {
        size_t k;
        if (is_sentence_end_char(p, e, &k)) {
            const char *q = p + k;
            while (q < e && is_sentence_end_char(q, e, &k))
                q += k;
            const char *r = q;
            while (r < e && (*r == '"' || *r == '\'' || *r == ')' || *r == ']'))
                r++;
            if (r == e || is_ws((unsigned char)*r) ||
                ((unsigned char)q[-1] >= 0x80 && r < e)) {
                n++;
                text_after = false;
            }
            p = r;
            continue;
        }
        if (!is_ws((unsigned char)*p))
            text_after = true;
        p++;
    }
    return n + (text_after ? 1 : 0);
}

/* Removes C4's Wikipedia citation marks ("[12]", "[]", "[edit]", "[citation needed]") from
 * the end of [s,e) as far as they repeat; returns the new end. Only the end matters to
 * the terminal-punctuation rule. */
static const char *strip_trailing_citations(const char *s, const char *e)
{
    for (;;) {
        if (e <= s || e[-1] != ']')
            return e;
        if (ends_with(s, e, "[edit]", 6)) {
            e -= 6;
            continue;
        }
        if (ends_with(s, e, "[citation needed]", 17)) {
            e -= 17;
            continue;
        }
        const char *q = e - 1;
        while (q > s && q[-1] >= '0' && q[-1] <= '9')
            q--;
        if (q > s && q[-1] == '[') {
            e = q - 1;
            continue;
        }
        return e;
    }
}

/* Length in bytes of the citation mark starting at p, or 0. */
static size_t citation_at(const char *p, const char *e)
{
    if (*p != '[')
        return 0;
    if ((size_t)(e - p) >= 6 && !memcmp(p, "[edit]", 6))
        return 6;
    if ((size_t)(e - p) >= 17 && !memcmp(p, "[citation needed]", 17))
        return 17;
    const char *q = p + 1;
    while (q < e && *q >= '0' && *q <= '9')
        q++;
    return q < e && *q == ']' ? (size_t)(q + 1 - p) : 0;
}

static const char *const policy_substrings[] = {"terms of use", "privacy policy",
                                                "cookie policy", "uses cookies",
                                                "use of cookies", "use cookies"};

static size_t count_sub(const char *h, size_t hn, const char *needle, size_t k)
{
    size_t c = 0;
    const char *p = h, *e = h + hn;
    while ((p = memmem(p, (size_t)(e - p), needle, k)) != NULL) {
        c++;
        p += k;
    }
    return c;
}

/* ---- the pass */
typedef struct qctx {
    const tm_quality_opts *o;
    /* per word */
    uint64_t *wh;   /* XXH3 of the word as written */
    uint32_t *wc;   /* its length in code points */
    size_t nw, capw;
    qmap uniq;      /* case-folded word -> count; aux bit 0 stop word, bit 1 Gopher stop */
    const char *gap; /* end of the previous word in the current line */
    uint64_t punct_tokens, word_chars, alpha_words, letters, upper, digits;
    uint64_t gopher_stop_builtin;
    bool oom;
} qctx;

/* Counts runs of non-blank bytes between words: the punctuation and symbol tokens that
 * NLTK's word_tokenize (datatrove) returns next to words. */
static void scan_gap(qctx *c, const char *s, const char *e)
{
    bool in = false;
    for (const char *p = s; p < e; p++) {
        bool blank = is_ws((unsigned char)*p);
        if (!blank && !in)
            c->punct_tokens++;
        in = !blank;
    }
}

static bool gopher_builtin_stop(const char *w, size_t n)
{
    /* Gopher's list as datatrove uses it: the, be, to, of, and, that, have, with. */
    switch (n) {
    case 2: return !memcmp(w, "be", 2) || !memcmp(w, "to", 2) || !memcmp(w, "of", 2);
    case 3: return !memcmp(w, "the", 3) || !memcmp(w, "and", 3);
    case 4: return !memcmp(w, "that", 4) || !memcmp(w, "have", 4) || !memcmp(w, "with", 4);
    default: return false;
    }
}

static void on_word(void *vctx, const char *w, size_t n)
{
    qctx *c = vctx;
    if (c->oom)
        return;
    scan_gap(c, c->gap, w);
    c->gap = w + n;

    uint32_t chars = 0;
    bool ascii = true, alpha = false, upper = false;
    for (size_t i = 0; i < n; i++) {
        unsigned char b = (unsigned char)w[i];
        if (b >= 0x80) {
            ascii = false;
            break;
        }
        if ((b | 0x20) >= 'a' && (b | 0x20) <= 'z') {
            alpha = true;
            c->letters++;
            if (b <= 'Z') {
                upper = true;
                c->upper++;
            }
        } else if (b >= '0' && b <= '9')
            c->digits++;
    }
    char fold[128];
    size_t fl = 0;
    if (ascii) {
        chars = (uint32_t)n;
        if (upper && n <= sizeof fold) {
            for (size_t i = 0; i < n; i++)
                fold[i] = (char)((w[i] >= 'A' && w[i] <= 'Z') ? w[i] + 32 : w[i]);
            fl = n;
        }
    } else {
        /* Slow path for non-ASCII words: decode, classify and lower-case per code point.
         * Counters of the ASCII prefix above are redone here. */
        alpha = false;
        const char *p = w, *e = w + n;
        bool foldable = true;
        /* undo the ASCII prefix's counts, then count the whole word */
        for (const char *q = w; q < e && (unsigned char)*q < 0x80; q++) {
            unsigned char b = (unsigned char)*q;
            if ((b | 0x20) >= 'a' && (b | 0x20) <= 'z') {
                c->letters--;
                if (b <= 'Z')
                    c->upper--;
            } else if (b >= '0' && b <= '9')
                c->digits--;
        }
        upper = false;
        uint64_t digits_before = c->digits;
        while (p < e) {
            int32_t cp = tm_utf8_next(&p, e);
            chars++;
            if (tm_is_letter(cp)) {
                alpha = true;
                c->letters++;
                if (tm_is_upper(cp)) {
                    upper = true;
                    c->upper++;
                }
            } else if (tm_is_digit(cp))
                c->digits++;
            if (foldable) {
                int32_t lc = utf8proc_tolower(cp);
                if (fl + 4 <= sizeof fold)
                    fl += tm_utf8_put(fold + fl, lc);
                else
                    foldable = false;
            }
        }
        if (!upper || !foldable)
            fl = 0;
        if (!alpha && c->digits == digits_before) {
            /* A segment without letters or digits (e.g. "。" from the segmenter of a
             * no-space script) is punctuation, as NLTK would have it. */
            c->punct_tokens++;
            return;
        }
    }
    /* The raw hash keys the n-grams (datatrove compares words case-sensitively); the
     * folded one keys the unigram statistics (RedPajama-V2 lower-cases first). */
    uint64_t h = XXH3_64bits(w, n);
    uint64_t hf = fl ? XXH3_64bits(fold, fl) : h;

    if (c->nw == c->capw) {
        size_t cap = c->capw ? c->capw * 2 : 1024;
        uint64_t *nh = tm_realloc(c->wh, cap * sizeof *nh);
        if (nh)
            c->wh = nh;
        uint32_t *nc = nh ? tm_realloc(c->wc, cap * sizeof *nc) : NULL;
        if (!nh || !nc) {
            c->oom = true;
            return;
        }
        c->wc = nc;
        c->capw = cap;
    }
    c->wh[c->nw] = h;
    c->wc[c->nw] = chars;
    c->nw++;
    c->word_chars += chars;
    c->alpha_words += alpha;
    if (!c->o->gopher_stop_words)
        c->gopher_stop_builtin += gopher_builtin_stop(w, n);

    bool fresh;
    size_t slot = qmap_put(&c->uniq, hf, &fresh);
    if (slot == SIZE_MAX) {
        c->oom = true;
        return;
    }
    if (fresh) {
        /* Stop-word membership is decided once per distinct word, not per occurrence. */
        uint32_t f = 0;
        if (c->o->stop_words && tm_wordset_has(c->o->stop_words, w, n))
            f |= 1;
        if (c->o->gopher_stop_words && tm_wordset_has(c->o->gopher_stop_words, w, n))
            f |= 2;
        c->uniq.aux[slot] = f;
    }
    c->uniq.cnt[slot]++;
}

static inline uint64_t ngram_hash(const uint64_t *wh, size_t n)
{
    return XXH3_64bits(wh, n * sizeof *wh);
}

/* datatrove find_top_duplicate: characters of the most frequent n-gram (words joined by
 * one space) times its count; ties go to the n-gram seen first, as Counter.most_common. */
static bool top_ngram(qctx *c, qmap *m, const uint64_t *prefix, size_t n, uint64_t *out)
{
    *out = 0;
    if (c->nw < n)
        return true;
    size_t count = c->nw - n + 1;
    if (!qmap_reset(m, count))
        return false;
    for (size_t i = 0; i < count; i++) {
        bool fresh;
        size_t s = qmap_put(m, ngram_hash(c->wh + i, n), &fresh);
        if (s == SIZE_MAX)
            return false;
        if (fresh)
            m->aux[s] = (uint32_t)i;
        m->cnt[s]++;
    }
    uint32_t best = 0, first = 0;
    for (size_t s = 0; s < m->cap; s++)
        if (m->keys[s] && (m->cnt[s] > best || (m->cnt[s] == best && m->aux[s] < first))) {
            best = m->cnt[s];
            first = m->aux[s];
        }
    *out = (prefix[first + n] - prefix[first] + (n - 1)) * (uint64_t)best;
    return true;
}

/* datatrove find_all_duplicate: walk the n-grams left to right; an n-gram seen before
 * adds its characters (words concatenated) and jumps n words ahead without recording the
 * n-grams it skips; a new one is recorded and the walk moves one word. */
static bool dup_ngrams(qctx *c, qmap *m, const uint64_t *prefix, size_t n, uint64_t *out)
{
    *out = 0;
    if (c->nw < n)
        return true;
    size_t last = c->nw - n + 1;
    if (!qmap_reset(m, last))
        return false;
    size_t i = 0;
    while (i < last) {
        bool fresh;
        size_t s = qmap_put(m, ngram_hash(c->wh + i, n), &fresh);
        if (s == SIZE_MAX)
            return false;
        if (!fresh) {
            *out += prefix[i + n] - prefix[i];
            i += n;
        } else
            i++;
    }
    return true;
}

static inline double ratio(double a, double b) { return b > 0 ? a / b : 0.0; }

tamis_status tm_quality_compute(const char *text, size_t n, const tm_quality_opts *o,
                                tm_arena *arena, bool want_lines, tm_quality *out)
{
    memset(out, 0, sizeof *out);
    tm_quality_opts defaults;
    if (!o) {
        tm_quality_opts_init(&defaults);
        o = &defaults;
    }
    qctx c;
    memset(&c, 0, sizeof c);
    c.o = o;
    qmap lines = {0}, paras = {0}, grams = {0};
    char *lower = NULL;
    size_t lower_cap = 0;
    uint64_t *prefix = NULL;
    tamis_status st = TAMIS_ERR_NOMEM;

    size_t newlines = 0;
    for (const char *p = text; (p = memchr(p, '\n', (size_t)(text + n - p))) != NULL; p++)
        newlines++;
    out->n_lines = newlines + 1;
    if (want_lines) {
        out->c4_verdict = tm_arena_alloc(arena, out->n_lines);
        if (!out->c4_verdict)
            goto done;
    }
    if (!qmap_alloc(&c.uniq, 1024) || !qmap_alloc(&lines, pow2_at_least(out->n_lines * 2)) ||
        !qmap_alloc(&paras, 64))
        goto done;

    const char *ts, *te; /* text.strip() bounds, for Gopher's paragraphs */
    strip_span(text, text + n, &ts, &te);

    uint64_t chars = 0, hashes = 0, ellipses = 0, curly = 0, lorem = 0;
    uint64_t bullet_lines = 0, ellipsis_lines = 0, terminal_lines = 0, js_lines = 0;
    uint64_t sentences = 0, fw_punct = 0, fw_short = 0, fw_dup_chars = 0;
    uint64_t line_elems = 0, dup_lines = 0, dup_line_chars = 0;
    uint64_t para_elems = 0, dup_paras = 0, dup_para_chars = 0;
    uint64_t c4_kept = 0, c4_sent = 0;
    bool c4_lorem = false, c4_curly = false;
    const char *para_s = NULL, *para_e = NULL;
    uint64_t para_chars = 0;

    size_t li = 0;
    const char *ls = text, *end = text + n;
    for (;; li++) {
        const char *nl = memchr(ls, '\n', (size_t)(end - ls));
        const char *le = nl ? nl : end;
        size_t L = (size_t)(le - ls);

        /* Byte pass: code points, '#', braces, "..." runs, "…", whitespace tokens (C4),
         * and an ASCII-lower-cased copy for the phrase searches. */
        if (L + 1 > lower_cap) {
            size_t cap = TM_MAX(L + 1, lower_cap * 2 + 256);
            char *nlw = tm_realloc(lower, cap);
            if (!nlw)
                goto done;
            lower = nlw;
            lower_cap = cap;
        }
        uint64_t lchars = 0, toks = 0, tok_chars = 0, max_tok = 0, dots = 0;
        bool in_tok = false, has_brace_open = false;
        for (size_t i = 0; i < L; i++) {
            unsigned char b = (unsigned char)ls[i];
            bool cont = (b & 0xC0) == 0x80;
            lchars += !cont;
            lower[i] = (char)((b >= 'A' && b <= 'Z') ? b + 32 : b);
            if (b == '.') {
                dots++;
            } else {
                ellipses += dots / 3;
                dots = 0;
            }
            if (b == '#')
                hashes++;
            else if (b == '{') {
                curly++;
                has_brace_open = true;
            } else if (b == '}')
                curly++;
            else if (b == 0xE2 && i + 2 < L && (unsigned char)ls[i + 1] == 0x80 &&
                     (unsigned char)ls[i + 2] == 0xA6)
                ellipses++;
            if (is_ws(b)) {
                if (in_tok && tok_chars > max_tok)
                    max_tok = tok_chars;
                in_tok = false;
            } else {
                if (!in_tok) {
                    toks++;
                    tok_chars = 0;
                }
                in_tok = true;
                tok_chars += !cont;
            }
        }
        ellipses += dots / 3;
        if (in_tok && tok_chars > max_tok)
            max_tok = tok_chars;
        chars += lchars;

        const char *s, *e;
        strip_span(ls, le, &s, &e);
        bool blank = s == e;
        if (!blank) {
            if (*s == '-' || ((size_t)(e - s) >= 3 && !memcmp(s, "\xE2\x80\xA2", 3)))
                bullet_lines++;
            if (ends_with(s, e, "...", 3) || ends_with(s, e, "\xE2\x80\xA6", 3))
                ellipsis_lines++;
            if (ends_terminal(s, e))
                terminal_lines++;
            sentences += count_sentences(s, e);
        }
        bool js = L >= 10 && memmem(lower, L, "javascript", 10) != NULL;
        js_lines += js;
        size_t lorem_here = L >= 11 ? count_sub(lower, L, "lorem ipsum", 11) : 0;
        lorem += lorem_here;

        /* FineWeb: the raw line, not stripped. */
        fw_punct += ends_terminal(ls, le);
        fw_short += lchars <= (uint64_t)(o->fw_short_line_length < 0 ? 0 : o->fw_short_line_length);

        /* Gopher lines (re.split("\n+")): every non-empty line; FineWeb: non-blank ones. */
        if (L > 0) {
            bool fresh;
            size_t sl = qmap_put(&lines, XXH3_64bits(ls, L), &fresh);
            if (sl == SIZE_MAX)
                goto done;
            line_elems++;
            if (!fresh) {
                dup_lines++;
                dup_line_chars += lchars;
                if (!blank)
                    fw_dup_chars += lchars;
            }
        }

        /* Gopher paragraphs: text.strip() split on "\n\n+". */
        if (L == 0) {
            if (para_s) {
                bool fresh;
                size_t sp = qmap_put(&paras, XXH3_64bits(para_s, (size_t)(para_e - para_s)), &fresh);
                if (sp == SIZE_MAX)
                    goto done;
                para_elems++;
                if (!fresh) {
                    dup_paras++;
                    dup_para_chars += para_chars;
                }
                para_s = NULL;
            }
        } else {
            const char *cs = ls < ts ? ts : ls, *ce = le > te ? te : le;
            if (cs < ce) {
                uint64_t cc = lchars - (uint64_t)(cs - ls) - (uint64_t)(le - ce);
                if (!para_s) {
                    para_s = cs;
                    para_chars = cc;
                } else
                    para_chars += 1 + cc;
                para_e = ce;
            }
        }

        /* Words of the line. */
        c.gap = ls;
        tm_words(ls, L, on_word, &c);
        if (c.oom)
            goto done;
        scan_gap(&c, c.gap, le);

        /* C4's line rules, in datatrove's order. */
        tm_c4_line why = TM_C4_KEPT;
        const char *ce4 = o->c4_remove_citations ? strip_trailing_citations(s, e) : e;
        if (o->c4_max_word_length >= 0 && max_tok > (uint64_t)o->c4_max_word_length)
            why = TM_C4_LONG_WORD;
        else if (o->c4_terminal_punct && (!ends_terminal(s, ce4) || ends_with(s, ce4, "...", 3)))
            why = TM_C4_NO_TERMINAL;
        else if (o->c4_min_words_per_line >= 0 && toks < (uint64_t)o->c4_min_words_per_line)
            why = TM_C4_FEW_WORDS;
        else {
            if (o->c4_lorem_ipsum && lorem_here)
                c4_lorem = true;
            if (o->c4_javascript && js)
                why = TM_C4_JAVASCRIPT;
            else {
                if (o->c4_curly_bracket && has_brace_open)
                    c4_curly = true;
                if (o->c4_policy) {
                    for (size_t k = 0; k < sizeof policy_substrings / sizeof *policy_substrings; k++)
                        if (memmem(lower, L, policy_substrings[k], strlen(policy_substrings[k]))) {
                            why = TM_C4_POLICY;
                            break;
                        }
                }
            }
        }
        if (why == TM_C4_KEPT) {
            c4_kept++;
            c4_sent += count_sentences(s, ce4);
        }
        out->c4_removed[why]++;
        if (out->c4_verdict)
            out->c4_verdict[li] = (uint8_t)why;

        if (!nl)
            break;
        ls = nl + 1;
    }
    chars += newlines;

    /* Close the last paragraph; an all-blank text is one empty paragraph. */
    if (para_s) {
        bool fresh;
        size_t sp = qmap_put(&paras, XXH3_64bits(para_s, (size_t)(para_e - para_s)), &fresh);
        if (sp == SIZE_MAX)
            goto done;
        para_elems++;
        if (!fresh) {
            dup_paras++;
            dup_para_chars += para_chars;
        }
    }
    if (!para_elems)
        para_elems = 1;
    /* re.split("\n+") also yields "" before a leading and after a trailing newline. */
    {
        bool lead = n > 0 && text[0] == '\n', trail = n > 0 && text[n - 1] == '\n';
        line_elems += lead + trail;
        if (lead && trail)
            dup_lines++;
        if (n == 0)
            line_elems = 1;
    }

    /* Repetition over the word array. */
    prefix = tm_malloc((c.nw + 1) * sizeof *prefix);
    if (!prefix)
        goto done;
    prefix[0] = 0;
    for (size_t i = 0; i < c.nw; i++)
        prefix[i + 1] = prefix[i] + c.wc[i];
    for (size_t k = 2; k <= 4; k++) {
        uint64_t top;
        if (!top_ngram(&c, &grams, prefix, k, &top))
            goto done;
        out->v[TM_QS_TOP_2GRAM + (k - 2)] = ratio((double)top, (double)chars);
    }
    for (size_t k = 5; k <= 10; k++) {
        uint64_t dup;
        if (!dup_ngrams(&c, &grams, prefix, k, &dup))
            goto done;
        out->v[TM_QS_DUP_5GRAM + (k - 5)] = ratio((double)dup, (double)chars);
    }

    /* Unigram statistics over case-folded words. */
    double sum_clogc = 0;
    uint64_t stop = 0, gstop = 0;
    for (size_t s = 0; s < c.uniq.cap; s++)
        if (c.uniq.keys[s]) {
            double cnt = c.uniq.cnt[s];
            sum_clogc += cnt * log(cnt);
            if (c.uniq.aux[s] & 1)
                stop += c.uniq.cnt[s];
            if (c.uniq.aux[s] & 2)
                gstop += c.uniq.cnt[s];
        }

    /* splitlines() does not count the empty piece after a final newline. */
    size_t sl_lines = n == 0 ? 0 : out->n_lines - (text[n - 1] == '\n' ? 1 : 0);
    uint64_t W = c.nw, T = c.nw + c.punct_tokens;
    double *v = out->v;
    v[TM_QS_CHARS] = (double)chars;
    v[TM_QS_LINES] = (double)sl_lines;
    v[TM_QS_WORD_COUNT] = (double)W;
    v[TM_QS_TOKEN_COUNT] = (double)T;
    v[TM_QS_MEAN_WORD_LENGTH] = ratio((double)c.word_chars, (double)W);
    v[TM_QS_SYMBOL_TO_WORD_RATIO] = ratio((double)(hashes + ellipses), (double)W);
    v[TM_QS_HASH_TO_TOKEN_RATIO] = ratio((double)hashes, (double)T);
    v[TM_QS_ELLIPSIS_TO_TOKEN_RATIO] = ratio((double)ellipses, (double)T);
    v[TM_QS_FRAC_LINES_BULLET] = ratio((double)bullet_lines, (double)sl_lines);
    v[TM_QS_FRAC_LINES_ELLIPSIS] = ratio((double)ellipsis_lines, (double)sl_lines);
    v[TM_QS_FRAC_LINES_TERMINAL] = ratio((double)terminal_lines, (double)sl_lines);
    v[TM_QS_FRAC_LINES_JAVASCRIPT] = ratio((double)js_lines, (double)sl_lines);
    v[TM_QS_FRAC_WORDS_NO_ALPHA] = ratio((double)(W - c.alpha_words), (double)W);
    v[TM_QS_FRAC_TOKENS_ALPHA] = ratio((double)c.alpha_words, (double)T);
    v[TM_QS_FRAC_UNIQUE_WORDS] = ratio((double)c.uniq.n, (double)W);
    v[TM_QS_UNIGRAM_ENTROPY] = W ? log((double)W) - sum_clogc / (double)W : 0.0;
    v[TM_QS_STOP_WORD_FRACTION] = ratio((double)stop, (double)W);
    v[TM_QS_GOPHER_STOP_WORDS] = (double)(o->gopher_stop_words ? gstop : c.gopher_stop_builtin);
    v[TM_QS_CURLY_BRACKET_RATIO] = ratio((double)curly, (double)chars);
    v[TM_QS_LOREM_IPSUM_RATIO] = ratio((double)lorem, (double)chars);
    v[TM_QS_FRAC_UPPERCASE] = ratio((double)c.upper, (double)c.letters);
    v[TM_QS_FRAC_DIGITS] = ratio((double)c.digits, (double)chars);
    v[TM_QS_NUM_SENTENCES] = (double)sentences;
    v[TM_QS_DUP_LINE_FRAC] = ratio((double)dup_lines, (double)line_elems);
    v[TM_QS_DUP_LINE_CHAR_FRAC] = ratio((double)dup_line_chars, (double)chars);
    v[TM_QS_DUP_PARA_FRAC] = ratio((double)dup_paras, (double)para_elems);
    v[TM_QS_DUP_PARA_CHAR_FRAC] = ratio((double)dup_para_chars, (double)chars);
    v[TM_QS_FW_LINE_PUNCT] = ratio((double)fw_punct, (double)out->n_lines);
    v[TM_QS_FW_SHORT_LINE] = ratio((double)fw_short, (double)out->n_lines);
    v[TM_QS_FW_CHAR_DUP] = ratio((double)fw_dup_chars, (double)(chars - newlines));
    /* datatrove divides by the token count and fails on a text without tokens; tamis
     * takes at least one token so the ratio stays defined. */
    v[TM_QS_FW_LIST_RATIO] = (double)newlines / (double)(T ? T : 1);
    v[TM_QS_C4_LINES_KEPT] = ratio((double)c4_kept, (double)out->n_lines);
    v[TM_QS_C4_SENTENCES] = (double)c4_sent;
    v[TM_QS_C4_LOREM_IPSUM] = c4_lorem;
    v[TM_QS_C4_CURLY_BRACKET] = c4_curly;
    st = TAMIS_OK;
done:
    tm_free(prefix);
    tm_free(lower);
    tm_free(c.wh);
    tm_free(c.wc);
    qmap_free(&c.uniq);
    qmap_free(&lines);
    qmap_free(&paras);
    qmap_free(&grams);
    return st;
}

tamis_status tm_quality_c4_text(const char *text, size_t n, const tm_quality *q,
                                bool remove_citations, tm_buf *out)
{
    if (!q->c4_verdict)
        return TAMIS_ERR_ARG;
    const char *ls = text, *end = text + n;
    bool first = true;
    for (size_t li = 0; li < q->n_lines; li++) {
        const char *nl = memchr(ls, '\n', (size_t)(end - ls));
        const char *le = nl ? nl : end;
        if (q->c4_verdict[li] == TM_C4_KEPT) {
            const char *s, *e;
            strip_span(ls, le, &s, &e);
            if (!first && tm_buf_putc(out, '\n') != TAMIS_OK)
                return TAMIS_ERR_NOMEM;
            first = false;
            const char *run = s;
            for (const char *p = s; p < e;) {
                size_t k = remove_citations ? citation_at(p, e) : 0;
                if (k) {
                    if (tm_buf_append(out, run, (size_t)(p - run)) != TAMIS_OK)
                        return TAMIS_ERR_NOMEM;
                    p += k;
                    run = p;
                } else
                    p++;
            }
            if (tm_buf_append(out, run, (size_t)(e - run)) != TAMIS_OK)
                return TAMIS_ERR_NOMEM;
        }
        if (!nl)
            break;
        ls = nl + 1;
    }
    return TAMIS_OK;
}
