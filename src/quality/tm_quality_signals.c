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
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <utf8proc.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
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

/* ---- a hash table of 64-bit keys with a count and one auxiliary word per key, one
 * 16-byte slot each so that a probe touches one cache line. Key 0 marks an empty slot,
 * so a (1 in 2^64) zero hash is remapped to 1. */
typedef struct qslot {
    uint64_t key;
    uint32_t cnt;
    uint32_t aux;
} qslot;

typedef struct qmap {
    qslot *slots;
    /* the slot of every key, in insertion order (n <= cap / 2 entries): emptying the
     * table writes only these slots, and the unigram sums walk them in a fixed order */
    uint32_t *used;
    size_t cap, n;
    /* slots allocated: a document uses the first cap of them, the power of two its
     * keys need, so that the memory of a longer document is reused (no calloc, no page
     * faults per document: measured 4 % of the stage's instructions) while a short
     * document's keys stay in as few cache lines as a table of its own size. Every
     * allocated slot past the current keys is zero. */
    size_t mem;
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
    m->slots = tm_calloc(cap, sizeof *m->slots);
    m->used = m->slots ? tm_malloc((cap / 2 + 1) * sizeof *m->used) : NULL;
    if (!m->used) {
        tm_free(m->slots);
        m->slots = NULL;
    }
    m->cap = m->mem = m->slots ? cap : 0;
    m->n = 0;
    return m->slots != NULL;
}

static void qmap_free(qmap *m)
{
    tm_free(m->slots);
    tm_free(m->used);
    memset(m, 0, sizeof *m);
}

/* Empties the table by clearing the slots its keys took, not the whole table: most
 * documents fill a small part of their table, and a memset of every table per
 * document cost about 5 % of the stage. Also when the keys fill a quarter to a half of
 * the slots (a memset there was measured 6.4 M instructions more on the bench corpus,
 * and 33 000 more D1 write misses in callgrind's cache model: it writes every line of
 * a table that no longer fits in D1, the list only the lines its keys took). */
static void qmap_clear(qmap *m)
{
    for (size_t i = 0; i < m->n; i++)
        m->slots[m->used[i]].key = 0;
    m->n = 0;
}

/* Empties the table and sizes it for `expect` keys (load at most one half). */
static bool qmap_reset(qmap *m, size_t expect)
{
    size_t want = pow2_at_least(expect * 2 + 1);
    qmap_clear(m);
    if (m->mem < want) {
        qmap_free(m);
        return qmap_alloc(m, want);
    }
    m->cap = want;
    return true;
}

/* The first slot a key probes. Keys are XXH3 or n-gram hashes (ngram_extend), whose low
 * bits are as mixed as the rest: they index the table directly. */
static inline size_t qslot_home(uint64_t key, size_t mask) { return (size_t)key & mask; }

static inline size_t qmap_slot(const qmap *m, uint64_t key)
{
    size_t mask = m->cap - 1, i = qslot_home(key, mask);
    while (m->slots[i].key && m->slots[i].key != key)
        i = (i + 1) & mask;
    return i;
}

/* Returns the slot of key, inserting it (cnt 0, aux 0) if absent; *fresh says which.
 * Every caller sizes its table for all the keys it can put (qmap_reset with the count
 * of words, n-gram positions, lines or paragraphs), so the table never fills past one
 * half and needs no growth test per key (measured 2 % of the stage). */
static inline qslot *qmap_put(qmap *m, uint64_t key, bool *fresh)
{
    if (!key)
        key = 1;
    size_t i = qmap_slot(m, key);
    qslot *sl = &m->slots[i];
    *fresh = !sl->key;
    if (*fresh) {
        sl->key = key;
        sl->cnt = 0;
        sl->aux = 0;
        m->used[m->n++] = (uint32_t)i;
    }
    return sl;
}

/* ---- byte-level helpers */
static inline bool is_ws(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

#ifdef __SSE2__
/* Bytes of v in [lo, lo + k) as a mask (0 < k < 128): adding 128 - lo moves the range to
 * the bottom of the signed bytes, -128 .. -128 + k - 1, and one signed compare against
 * -128 + k tests both ends (every other byte lands at or above it). */
static inline unsigned byte_range_mask(__m128i v, unsigned char lo, int k)
{
    __m128i t = _mm_add_epi8(v, _mm_set1_epi8((char)(unsigned char)(128 - lo)));
    return (unsigned)_mm_movemask_epi8(_mm_cmpgt_epi8(_mm_set1_epi8((char)(-128 + k)), t));
}

#endif

/* Python's str.strip() on ASCII whitespace and U+00A0 (the two kinds seen in web text). */
static inline void strip_span(const char *s, const char *e, const char **os, const char **oe)
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
 * set (. ? ! " ') is: ideographic and full-width stops (。！？｡), the Arabic question
 * mark (؟), Devanagari dandas (। ॥) and the Ethiopic full stop (።). Without them no
 * Chinese or Hindi line would count as ending a sentence. Returns the byte length of the
 * mark at p, or 0; switched on the lead byte because this runs on every byte. */
static inline size_t uni_terminal_len(const unsigned char *p, const unsigned char *e)
{
    ptrdiff_t room = e - p;
    switch (p[0]) {
    case 0xE3: return room >= 3 && p[1] == 0x80 && p[2] == 0x82 ? 3 : 0;
    case 0xEF:
        return room >= 3 && ((p[1] == 0xBC && (p[2] == 0x81 || p[2] == 0x9F)) ||
                             (p[1] == 0xBD && p[2] == 0xA1))
                   ? 3
                   : 0;
    case 0xD8: return room >= 2 && p[1] == 0x9F ? 2 : 0;
    case 0xE0: return room >= 3 && p[1] == 0xA5 && (p[2] == 0xA4 || p[2] == 0xA5) ? 3 : 0;
    case 0xE1: return room >= 3 && p[1] == 0x8D && p[2] == 0xA2 ? 3 : 0;
    default: return 0;
    }
}

/* datatrove's END_PUNCTUATION / FineWeb stop_chars: . ? ! " ' (plus the above). */
static inline bool ends_terminal(const char *s, const char *e)
{
    if (s >= e)
        return false;
    unsigned char c = (unsigned char)e[-1];
    if (c == '.' || c == '?' || c == '!' || c == '"' || c == '\'')
        return true;
    if (c < 0x80)
        return false;
    const unsigned char *ue = (const unsigned char *)e;
    return (e - s >= 3 && uni_terminal_len(ue - 3, ue) == 3) ||
           (e - s >= 2 && uni_terminal_len(ue - 2, ue) == 2);
}

static inline size_t sentence_end_len(const unsigned char *p, const unsigned char *e)
{
    unsigned char c = *p;
    if (c == '.' || c == '!' || c == '?')
        return 1;
    return c >= 0xD8 ? uni_terminal_len(p, e) : 0;
}

/* Sentences in one stripped line: runs of sentence-final punctuation followed (after
 * optional closing quotes/brackets) by whitespace or the end of the line, plus one for
 * trailing text without a final stop. NLTK's punkt (datatrove) also knows abbreviations;
 * this approximation over-counts "e.g. x" but needs no model. */
static size_t count_sentences(const char *cs, const char *ce)
{
    const unsigned char *s = (const unsigned char *)cs, *e = (const unsigned char *)ce;
    size_t n = 0;
    bool text_after = false;
    const unsigned char *p = s;
    while (p < e) {
#ifdef __SSE2__
        if (e - p >= 17) {
            /* Sixteen positions at a time up to the first that may end a sentence: an
             * ASCII stop or the first two bytes of one of the other scripts' stops
             * (uni_terminal_len). Chinese text has few of either. */
            const __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
            const __m128i v1 = _mm_loadu_si128((const __m128i *)(const void *)(p + 1));
#define EQ(x, b) _mm_cmpeq_epi8(x, _mm_set1_epi8((char)(b)))
            __m128i cand = _mm_or_si128(_mm_or_si128(EQ(v, '.'), EQ(v, '!')), EQ(v, '?'));
            cand = _mm_or_si128(cand, _mm_and_si128(EQ(v, 0xE3), EQ(v1, 0x80)));
            cand = _mm_or_si128(cand, _mm_and_si128(EQ(v, 0xEF), _mm_or_si128(EQ(v1, 0xBC), EQ(v1, 0xBD))));
            cand = _mm_or_si128(cand, _mm_and_si128(EQ(v, 0xD8), EQ(v1, 0x9F)));
            cand = _mm_or_si128(cand, _mm_and_si128(EQ(v, 0xE0), EQ(v1, 0xA5)));
            cand = _mm_or_si128(cand, _mm_and_si128(EQ(v, 0xE1), EQ(v1, 0x8D)));
            unsigned m = (unsigned)_mm_movemask_epi8(cand);
            unsigned skip = m ? (unsigned)__builtin_ctz(m) : 16;
            if (skip) {
                unsigned blank = (unsigned)_mm_movemask_epi8(EQ(v, ' ')) | byte_range_mask(v, 9, 5);
#undef EQ
                text_after |= (~blank & ((1u << skip) - 1)) != 0;
                p += skip;
                continue;
            }
        }
#endif
        size_t k = sentence_end_len(p, e);
        if (!k) {
            text_after |= !is_ws(*p);
            p++;
            continue;
        }
        const unsigned char *q = p + k;
        while (q < e && (k = sentence_end_len(q, e)) != 0)
            q += k;
        const unsigned char *r = q;
        while (r < e && (*r == '"' || *r == '\'' || *r == ')' || *r == ']'))
            r++;
        /* After an ASCII stop a space must follow; CJK stops end a sentence outright. */
        if (r == e || is_ws(*r) || q[-1] >= 0x80) {
            n++;
            text_after = false;
        }
        p = r;
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
#define N_POLICY (sizeof policy_substrings / sizeof *policy_substrings)
/* offset of each one's rarest letter, the memchr anchor: f, v, k, k, k, k */
static const size_t policy_anchor[N_POLICY] = {7, 3, 3, 8, 10, 7};

/* ---- per-thread scratch: the word arrays and hash tables are kept from one document
 * to the next (freed with the thread), so that a stream of documents costs no malloc,
 * page faults or calloc per document (measured 8 % of the stage on cc-text-samples). */
typedef struct qscratch {
    uint64_t *wh, *wf, *pc;
    size_t capw;
    uint64_t *g;
    uint32_t *cand, *sidx, *ks;
    size_t cap_rep;
    size_t *nlpos; /* offset of every '\n' of the text */
    size_t cap_nl;
    qmap uniq, lines, paras, count;
} qscratch;

/* Beyond this many bytes the scratch of a huge document is released after it. */
#define SCRATCH_KEEP_BYTES (64u << 20)

static void scratch_free(void *p)
{
    qscratch *x = p;
    if (!x)
        return;
    tm_free(x->wh);
    tm_free(x->wf);
    tm_free(x->pc);
    tm_free(x->g);
    tm_free(x->cand);
    tm_free(x->sidx);
    tm_free(x->ks);
    tm_free(x->nlpos);
    qmap_free(&x->uniq);
    qmap_free(&x->lines);
    qmap_free(&x->paras);
    qmap_free(&x->count);
    tm_free(x);
}

static size_t scratch_bytes(const qscratch *x)
{
    return x->capw * 24 + x->cap_rep * 20 + x->cap_nl * sizeof(size_t) +
           (x->uniq.mem + x->lines.mem + x->paras.mem + x->count.mem) *
               sizeof(qslot);
}

static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;
static bool scratch_key_ok;

static void scratch_key_init(void)
{
    scratch_key_ok = pthread_key_create(&scratch_key, scratch_free) == 0;
}

/* This thread's scratch (owned by the thread), or a fresh one the caller must give back
 * with scratch_release. NULL on allocation failure. */
static qscratch *scratch_get(void)
{
    pthread_once(&scratch_once, scratch_key_init);
    qscratch *x = scratch_key_ok ? pthread_getspecific(scratch_key) : NULL;
    if (x) {
        if (pthread_setspecific(scratch_key, NULL) != 0) /* in use: not re-entered */
            return NULL;
        return x;
    }
    return tm_calloc(1, sizeof(qscratch));
}

static void scratch_release(qscratch *x)
{
    if (!x)
        return;
    if (!scratch_key_ok || scratch_bytes(x) > SCRATCH_KEEP_BYTES ||
        pthread_setspecific(scratch_key, x) != 0)
        scratch_free(x);
}

/* Doubles the room for newline offsets; false on allocation failure. */
static __attribute__((noinline)) bool grow_nl(qscratch *x)
{
    size_t cap = x->cap_nl ? x->cap_nl * 2 : 4096;
    size_t *p = tm_realloc(x->nlpos, cap * sizeof *p);
    if (!p)
        return false;
    x->nlpos = p;
    x->cap_nl = cap;
    return true;
}

static bool grow_rep(qscratch *x, size_t n)
{
    if (x->cap_rep >= n)
        return true;
    size_t cap = n + n / 2 + 64;
    uint64_t *g = tm_realloc(x->g, cap * sizeof *g);
    if (g)
        x->g = g;
    uint32_t *cd = g ? tm_realloc(x->cand, cap * sizeof *cd) : NULL;
    if (cd)
        x->cand = cd;
    uint32_t *si = cd ? tm_realloc(x->sidx, cap * sizeof *si) : NULL;
    if (si)
        x->sidx = si;
    uint32_t *ks = si ? tm_realloc(x->ks, cap * sizeof *ks) : NULL;
    if (!ks)
        return false;
    x->ks = ks;
    x->cap_rep = cap;
    return true;
}

/* ---- the pass */
/* The words of the text, in order, and two counts taken as they are recorded. A struct
 * of its own so that the fast scanner can hold it in a local copy: stores into wh[]
 * (uint64_t) could alias counters kept next to them in qctx, and the compiler reloaded
 * every counter after every word. */
typedef struct qwords {
    uint64_t *wh;   /* XXH3 of the word as written */
    uint64_t *wf;   /* XXH3 of the word lower-cased (tm_quality_fold_hash) */
    /* pc[k]: code points in words 0..k-1 (cap + 1 entries, pc[0] = 0): the prefix sums
     * that give an n-gram's length in one subtraction, written as words come */
    uint64_t *pc;
    uint64_t chars; /* pc[n] */
    size_t n, cap;
    uint64_t alpha; /* words with a letter */
} qwords;

typedef struct qctx {
    const tm_quality_opts *o;
    qwords w;
    qmap uniq; /* case-folded word -> count; aux bit 0 stop word, bit 1 Gopher stop, bit 2
                * one of Gopher's own stop words (without a stop-word set) */
    uint64_t gopher_builtin; /* occurrences of Gopher's own stop words, as written */
    const char *gap; /* end of the previous word in the current line */
    uint64_t punct_tokens, letters, upper, digits;
    bool oom;
    tm_arena *arena; /* the document's: the segmentation memo below */
    struct segmemo *seg;
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


/* XXH3_64bits of a word, its short-input branch inlined: most words are at most 16
 * bytes, and the library call cost 30 instructions a word (5 % of the stage). The value
 * is XXH3_64bits's (tm_quality_fold_hash keys the stop-word sets with it). */
static inline uint64_t word_hash(const char *w, size_t n)
{
    return n <= 16 ? XXH3_len_0to16_64b((const xxh_u8 *)w, n, XXH3_kSecret, 0)
                   : XXH3_64bits(w, n);
}

/* Doubles the word arrays; false on allocation failure (w keeps what it had). */
static __attribute__((noinline)) bool qwords_grow(qwords *w)
{
    size_t cap = w->cap ? w->cap * 2 : 1024;
    uint64_t *nh = tm_realloc(w->wh, cap * sizeof *nh);
    if (nh)
        w->wh = nh;
    uint64_t *nf = nh ? tm_realloc(w->wf, cap * sizeof *nf) : NULL;
    if (nf)
        w->wf = nf;
    uint64_t *nc = nf ? tm_realloc(w->pc, (cap + 1) * sizeof *nc) : NULL;
    if (!nc)
        return false;
    nc[0] = 0;
    w->pc = nc;
    w->cap = cap;
    return true;
}

/* Records one word: its hashes, length and letter class (n-grams, unigram statistics,
 * stop words). fold/fl: the lower-cased form when it differs from the word, else fl 0.
 * False on allocation failure.
 * Inlined into its two callers: the call cost as much as the work. */
static inline __attribute__((always_inline)) bool add_word(qwords *w, const char *s, size_t n,
                                                           uint32_t chars, bool alpha,
                                                           const char *fold, size_t fl)
{
    /* The raw hash keys the n-grams (datatrove compares words case-sensitively); the
     * folded one keys the unigram statistics (RedPajama-V2 lower-cases first). */
    uint64_t h = word_hash(s, n);
    uint64_t hf = fl ? word_hash(fold, fl) : h;
    if (w->n == w->cap) {
        qwords t = *w; /* w itself stays in registers in the fast scanner */
        bool ok = qwords_grow(&t);
        *w = t;
        if (!ok)
            return false;
    }
    w->wh[w->n] = h;
    w->wf[w->n] = hf;
    w->chars += chars;
    w->pc[++w->n] = w->chars;
    w->alpha += alpha;
    return true;
}

/* Eight ASCII bytes lower-cased at once: a byte is upper-case when adding 0x80 - 'A' sets
 * its high bit and adding 0x80 - 'Z' - 1 does not (no carry: every byte is below 0x80);
 * that bit shifted to 0x20 is the case bit. */
static inline uint64_t ascii_lower8(uint64_t x)
{
    const uint64_t ones = 0x0101010101010101ull;
    return x | (((x + ones * (0x80 - 'A')) & ~(x + ones * (0x80 - 'Z' - 1)) & (ones * 0x80)) >> 2);
}

/* dst[0..n) = the ASCII word w[0..n) lower-cased: eight or four bytes per step, the last
 * step overlapping the one before (lower-casing twice changes nothing), instead of a
 * test per byte. */
static inline void ascii_lower(char *dst, const char *w, size_t n)
{
    if (n >= 8) {
        uint64_t x;
        for (size_t i = 0; i + 8 <= n; i += 8) {
            memcpy(&x, w + i, 8);
            x = ascii_lower8(x);
            memcpy(dst + i, &x, 8);
        }
        memcpy(&x, w + n - 8, 8);
        x = ascii_lower8(x);
        memcpy(dst + n - 8, &x, 8);
    } else if (n >= 4) {
        uint32_t x;
        memcpy(&x, w, 4);
        x = (uint32_t)ascii_lower8(x);
        memcpy(dst, &x, 4);
        memcpy(&x, w + n - 4, 4);
        x = (uint32_t)ascii_lower8(x);
        memcpy(dst + n - 4, &x, 4);
    } else
        for (size_t i = 0; i < n; i++)
            dst[i] = (char)(w[i] >= 'A' && w[i] <= 'Z' ? w[i] + 32 : w[i]);
}

/* How far ahead hash-table slots are prefetched: a long document's tables outgrow the
 * caches, and a miss costs about as much as this many inserts. */
#define PREFETCH 32
/* Tables smaller than this (64 KiB of slots, two L1 caches) are probed without
 * prefetching. With 1 MiB here the 2-core machine shared with other jobs spent a
 * quarter of the stage's samples on table misses (perf); paired runs of bench_filter
 * on the bench corpus, 4 each: best 0.890 -> 0.856 s, median 1.01 -> 0.86 s, for 2 %
 * more instructions. */
#define PREFETCH_MIN_SLOTS (1u << 12)

/* Gopher's own stop words, as datatrove uses them (the, be, to, of, and, that, have,
 * with), by word hash, and a 64-bit filter on the hashes' low bits: distinct words are
 * tested against the list once, in count_unigrams, rather than every word as written
 * (measured 6 M instructions on the bench corpus). Filled by tables_init. */
static const char *const gopher_builtin_list[] = {"the", "be",   "to",   "of",
                                                   "and", "that", "have", "with"};
#define N_GOPHER_BUILTIN (sizeof gopher_builtin_list / sizeof *gopher_builtin_list)
static uint64_t gopher_builtin_hash[N_GOPHER_BUILTIN], gopher_builtin_bits;

static inline bool gopher_builtin_word(uint64_t folded_hash)
{
    if (!(gopher_builtin_bits >> (folded_hash & 63) & 1))
        return false;
    for (size_t i = 0; i < N_GOPHER_BUILTIN; i++)
        if (gopher_builtin_hash[i] == folded_hash)
            return true;
    return false;
}

/* Counts the case-folded words after the pass (not word by word during it) so that the
 * table slots can be prefetched; stop-word membership is decided once per distinct
 * word, by its folded hash (aux bits as in qctx.uniq).
 * wslot[k] receives the slot of word k (repetition() starts from it). */
static bool count_unigrams(qctx *c, uint32_t *wslot)
{
    if (!qmap_reset(&c->uniq, c->w.n))
        return false;
    const size_t mask = c->uniq.cap - 1, nw = c->w.n;
    /* slots are prefetched PREFETCH words ahead up to pf_end (0: small table) */
    const size_t pf_end = c->uniq.cap > PREFETCH_MIN_SLOTS && nw > PREFETCH ? nw - PREFETCH : 0;
    const tm_qstop *stop = c->o->stop_words, *gstop = c->o->gopher_stop_words;
    for (size_t k = 0; k < nw; k++) {
        if (k < pf_end) /* (a zero hash, keyed as 1, only misses its prefetch) */
            __builtin_prefetch(&c->uniq.slots[qslot_home(c->w.wf[k + PREFETCH], mask)], 1);
        bool fresh;
        qslot *slot = qmap_put(&c->uniq, c->w.wf[k], &fresh);
        if (fresh) {
            uint32_t f = 0;
            if (tm_qstop_has(stop, c->w.wf[k]))
                f |= 1;
            if (tm_qstop_has(gstop, c->w.wf[k]))
                f |= 2;
            if (!gstop && gopher_builtin_word(c->w.wf[k]))
                f |= 4;
            slot->aux = f;
        }
        slot->cnt++;
        /* Gopher's list is matched as written (datatrove): a word counts when its folded
         * form is on the list and it has no upper-case letter, that is when its hash as
         * written is its folded hash (add_word) */
        if (slot->aux & 4)
            c->gopher_builtin += c->w.wh[k] == c->w.wf[k];
        wslot[k] = (uint32_t)(slot - c->uniq.slots);
    }
    return true;
}

/* First byte in [p, e) equal to the letter `lo` in either case, one pass for both cases
 * on (b | 0x20) == lo: sixteen bytes per step with SSE2 (every x86-64 has it; measured
 * 2.5 times fewer instructions than eight-byte SWAR), else eight (SWAR zero-byte test). */
static const unsigned char *find_letter_ci(const unsigned char *p, const unsigned char *e,
                                           unsigned char lo)
{
#ifdef __SSE2__
    const __m128i pat = _mm_set1_epi8((char)lo), low = _mm_set1_epi8(0x20);
    while (e - p >= 16) {
        __m128i v = _mm_or_si128(_mm_loadu_si128((const __m128i *)(const void *)p), low);
        unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, pat));
        if (m)
            return p + __builtin_ctz(m);
        p += 16;
    }
#endif
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    const uint64_t pat8 = ones * lo, low8 = ones * 0x20;
    while (e - p >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        uint64_t v = (w | low8) ^ pat8;
        uint64_t t = (v - ones) & ~v & highs;
        if (t) /* the lowest flagged byte is the first match (little-endian) */
            return p + (__builtin_ctzll(t) >> 3);
        p += 8;
    }
    for (; p < e; p++)
        if ((*p | 0x20) == lo)
            return p;
    return NULL;
}

/* Whether the k bytes at st equal the lower-case pattern u once '| 0x20' lower-cases them
 * (the compare behind both anchored searches below). */
static inline bool ci_match(const unsigned char *st, const unsigned char *u, size_t k)
{
    size_t j = 0;
    while (j < k && (st[j] | 0x20) == u[j])
        j++;
    return j == k;
}

/* Case-insensitive search for an ASCII lower-case pattern (Python's `p in line.lower()`
 * for the ASCII phrases C4 and RedPajama look for), without copying the line: find_letter_ci
 * finds the pattern's rarest letter (anchor, at offset a) in either case, and only
 * there is the whole pattern compared. '| 0x20' lower-cases ASCII letters and leaves
 * ' ' alone; patterns hold only letters and spaces, and text has no NUL. */
static const char *ci_find_at(const char *h, size_t n, const char *pat, size_t k, size_t a)
{
    if (n < k)
        return NULL;
    const unsigned char *u = (const unsigned char *)pat;
    const unsigned char *p = (const unsigned char *)h + a;
    const unsigned char *end = (const unsigned char *)h + n - (k - a - 1);
    while (p < end) {
        const unsigned char *q = find_letter_ci(p, end, u[a]);
        if (!q)
            return NULL;
        if (ci_match(q - a, u, k))
            return (const char *)(q - a);
        p = q + 1;
    }
    return NULL;
}

/* The phrases looked for in every line, case-insensitively, each anchored on a letter
 * pair of it that is rare in text: C4's "javascript" and "lorem ipsum" rules (also two
 * signals), and "cooki", "terms of use", "privacy policy", one of which each of C4's six
 * policy phrases contains. */
enum { PH_JS, PH_LOREM, PH_COOKI, PH_TERMS, PH_PRIVACY, PH__N };
static const struct {
    const char *pat;
    unsigned char k, a; /* length; offset of the anchor pair */
} line_phrase[PH__N] = {
    [PH_JS] = {"javascript", 10, 0},          /* "ja" */
    [PH_LOREM] = {"lorem ipsum", 11, 7},      /* "ps" */
    [PH_COOKI] = {"cooki", 5, 3},             /* "ki" */
    [PH_TERMS] = {"terms of use", 12, 2},     /* "rm" */
    [PH_PRIVACY] = {"privacy policy", 14, 5}, /* "cy" */
};

/* Matches of the line phrases p0 .. p1 - 1 in ls[0..L) counted per phrase into
 * found[p0 .. p1 - 1] (end: the text's end). No phrase can overlap itself, so these are Python's non-overlapping
 * counts. One pass tests the five anchor pairs together, sixteen positions per step
 * (reading up to 17 bytes ahead inside the text), while the line is in L1 cache: five
 * searches over the whole text, one per phrase, cost 23 M instructions on the bench
 * corpus. */
static inline __attribute__((always_inline)) void
find_line_phrases(const char *ls, size_t L, const char *end, int p0, int p1, uint32_t *found)
{
    memset(found + p0, 0, (size_t)(p1 - p0) * sizeof *found);
    if (L < 5) /* the shortest phrase */
        return;
    const unsigned char *s = (const unsigned char *)ls;
    const size_t lim = L - 1; /* positions where a pair can start */
    for (size_t i = 0; i < lim; i += 16) {
        unsigned m = 0;
#ifdef __SSE2__
        if (end - (ls + i) >= 17) {
            const __m128i low = _mm_set1_epi8(0x20);
            __m128i b1 = _mm_or_si128(_mm_loadu_si128((const __m128i *)(const void *)(s + i)), low);
            __m128i b2 =
                _mm_or_si128(_mm_loadu_si128((const __m128i *)(const void *)(s + i + 1)), low);
            __m128i hit = _mm_setzero_si128();
            for (int p = p0; p < p1; p++) { /* unrolled by the compiler */
                const char *u = line_phrase[p].pat + line_phrase[p].a;
                hit = _mm_or_si128(hit, _mm_and_si128(_mm_cmpeq_epi8(b1, _mm_set1_epi8(u[0])),
                                                      _mm_cmpeq_epi8(b2, _mm_set1_epi8(u[1]))));
            }
            m = (unsigned)_mm_movemask_epi8(hit);
            if (lim - i < 16)
                m &= (1u << (lim - i)) - 1;
        } else
#endif
        {
            size_t stop = lim - i < 16 ? lim - i : 16;
            for (size_t j = 0; j < stop; j++)
                for (int p = p0; p < p1; p++) {
                    const char *u = line_phrase[p].pat + line_phrase[p].a;
                    if ((s[i + j] | 0x20) == u[0] && (s[i + j + 1] | 0x20) == u[1])
                        m |= 1u << j;
                }
        }
        for (; m; m &= m - 1) {
            size_t q = i + (size_t)__builtin_ctz(m);
            for (int p = p0; p < p1; p++) {
                const unsigned char *u = (const unsigned char *)line_phrase[p].pat;
                size_t a = line_phrase[p].a, k = line_phrase[p].k;
                if ((s[q] | 0x20) == u[a] && (s[q + 1] | 0x20) == u[a + 1] && q >= a &&
                    q - a + k <= L && ci_match(s + q - a, u, k))
                    found[p]++;
            }
        }
    }
}

/* What the byte-level scan of one line finds. */
typedef struct line_scan {
    uint64_t chars;     /* code points */
    uint64_t toks;      /* whitespace-separated tokens (C4's line.split()) */
    uint64_t max_tok;   /* longest such token in code points (only when it matters) */
    uint64_t hashes, curly, ellipses, sentences;
    bool brace_open;
} line_scan;

/* Counts b if it is '#' (symbol_to_word_ratio) or a brace (curly_bracket_ratio, C4's
 * '{' rule); false for any other byte. */
static inline bool count_symbol(unsigned char b, line_scan *r)
{
    if (b == '#')
        r->hashes++;
    else if (b == '{') {
        r->curly++;
        r->brace_open = true;
    } else if (b == '}')
        r->curly++;
    else
        return false;
    return true;
}

/* Generic byte scan of a line (any UTF-8); words come from tm_words separately. */
static void scan_line_bytes(const char *ls, size_t L, line_scan *r)
{
    memset(r, 0, sizeof *r);
    const unsigned char *s = (const unsigned char *)ls;
    uint64_t chars = 0, toks = 0, max_tok = 0, tok_chars = 0, dots = 0;
    bool in_tok = false;
    size_t i = 0;
    while (i < L) {
        size_t stop = L - i < 16 ? L : i + 16;
#ifdef __SSE2__
        if (stop == i + 16) {
            /* Sixteen bytes with none of the bytes tested below (a stretch of Chinese or
             * Thai text) only add characters to the current token: counted at once,
             * continuation bytes (-128..-65 as signed bytes) summed by psadbw. */
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
            __m128i sp = _mm_or_si128(
                _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(' ')), _mm_cmpeq_epi8(v, _mm_set1_epi8('.'))),
                _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('#')),
                                          _mm_cmpeq_epi8(v, _mm_set1_epi8('{'))),
                             _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('}')),
                                          _mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xE2)))));
            if (!(_mm_movemask_epi8(sp) | byte_range_mask(v, 9, 5))) { /* 9-13: blanks */
                __m128i cont = _mm_and_si128(_mm_cmplt_epi8(v, _mm_set1_epi8(-64)),
                                             _mm_set1_epi8(1));
                __m128i sum = _mm_sad_epu8(cont, _mm_setzero_si128());
                uint64_t k = 16 - (uint64_t)_mm_cvtsi128_si32(sum) -
                             (uint64_t)_mm_cvtsi128_si32(_mm_srli_si128(sum, 8));
                r->ellipses += dots / 3; /* the first byte is not a '.' */
                dots = 0;
                if (!in_tok) {
                    toks++;
                    tok_chars = 0;
                    in_tok = true;
                }
                chars += k;
                tok_chars += k;
                i = stop;
                continue;
            }
        }
#endif
        for (; i < stop; i++) {
            unsigned char b = s[i];
            bool cont = (b & 0xC0) == 0x80;
            chars += !cont;
            if (b == '.') {
                dots++;
            } else {
                r->ellipses += dots / 3;
                dots = 0;
            }
            if (!count_symbol(b, r) && b == 0xE2 && i + 2 < L && s[i + 1] == 0x80 &&
                s[i + 2] == 0xA6)
                r->ellipses++;
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
    }
    r->ellipses += dots / 3;
    if (in_tok && tok_chars > max_tok)
        max_tok = tok_chars;
    r->chars = chars;
    r->toks = toks;
    r->max_tok = max_tok;
}

/* Byte classes of the fast scanner. */
/* bit 0 letter, bit 1 upper-case letter, bit 2 digit: counts are sums of bits */
/* K_JOIN: the ASCII joiners of tm_words (' - . _) */
enum { K_LETTER = 1, K_UPPER = 2, K_DIGIT = 4, K_WS = 8, K_JOIN = 16 };
#define K_ALNUM (K_LETTER | K_DIGIT)
static const uint8_t kcls[256] = {
    /* ASCII: 9, 11-13, 32 blank; 0-9 digit; A-Z upper; a-z lower; ' - . _ joiners;
     * bytes >= 128: 0 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 8, 0, 8, 8, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    8, 0, 0, 0, 0, 0, 0, 16, 0, 0, 0, 0, 0, 16, 16, 0, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 0, 0, 0, 0, 0, 0,
    0, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 0, 0, 0, 0, 16,
    0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0,
};

static inline bool a_alnum(unsigned char b) { return kcls[b] & K_ALNUM; }

/* Decodes the character at s[i] (any byte: invalid ones are one U+FFFD, as tm_words).
 * The valid two- and three-byte forms (Latin, Greek, Cyrillic, Arabic, Indic, CJK) are
 * decoded here, the rest by tm_utf8_next: the library call per character cost more
 * than the scanner's work on it. Same values as tm_utf8_next (utf8proc: no overlong
 * forms, no surrogates). */
static inline int32_t char_at(const unsigned char *s, size_t i, size_t L, size_t *len)
{
    const unsigned char *p = s + i;
    unsigned b = p[0];
    if (b < 0x80) {
        *len = 1;
        return (int32_t)b;
    }
    size_t room = L - i;
    if (b >= 0xC2 && b <= 0xDF && room >= 2 && (p[1] & 0xC0) == 0x80) {
        *len = 2;
        return (int32_t)(((b & 0x1Fu) << 6) | (p[1] & 0x3Fu));
    }
    if ((b & 0xF0) == 0xE0 && room >= 3 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80) {
        int32_t cp = (int32_t)(((b & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu));
        if (cp >= 0x800 && (cp < 0xD800 || cp > 0xDFFF)) {
            *len = 3;
            return cp;
        }
    }
    const char *q = (const char *)p;
    int32_t cp = tm_utf8_next(&q, (const char *)s + L);
    *len = (size_t)(q - (const char *)p);
    return cp;
}

/* The same classes (K_LETTER, K_UPPER, K_DIGIT) for U+0080..U+07FF, the two-byte range
 * (Latin-1 and Latin Extended, Greek, Cyrillic, Armenian, Hebrew, Arabic...), filled
 * once from utf8proc: a table read instead of a property lookup per character. */
static uint8_t ucls2[0x800];
/* utf8proc_tolower of U+0000..U+07FF, filled once (fold_word) */
static int32_t lower2[0x800];
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

/* ASCII letters and digits as three counters in one word (letters, upper-case letters,
 * digits, KPACK_BITS each), 0 for every other byte: the fast scanner's inner loop adds
 * one entry per byte instead of testing three class bits (measured 24 -> 8
 * instructions per byte of a word). Filled by tables_init. */
#define KPACK_BITS 21
#define KPACK_MASK ((1u << KPACK_BITS) - 1)
#define KPACK_RUN ((size_t)1 << (KPACK_BITS - 1))
static uint64_t kpack[256];

/* c * log(c) for the counts of most distinct words (the unigram entropy's terms): the
 * same expression as in the sum, so the same doubles, without a log call per word
 * (measured 4 M of the stage's instructions on the bench corpus). */
#define CLOGC_N 256
static double clogc[CLOGC_N];

static void tables_init(void)
{
    for (size_t i = 0; i < N_GOPHER_BUILTIN; i++) {
        gopher_builtin_hash[i] = word_hash(gopher_builtin_list[i], strlen(gopher_builtin_list[i]));
        gopher_builtin_bits |= 1ull << (gopher_builtin_hash[i] & 63);
    }
    for (int k = 1; k < CLOGC_N; k++) {
        double cnt = k;
        clogc[k] = cnt * log(cnt);
    }
    for (int b = 0; b < 0x80; b++)
        kpack[b] = (kcls[b] & K_LETTER ? 1u : 0u) |
                   (kcls[b] & K_UPPER ? (uint64_t)1 << KPACK_BITS : 0u) |
                   (kcls[b] & K_DIGIT ? (uint64_t)1 << (2 * KPACK_BITS) : 0u);
    for (int32_t cp = 0; cp < 0x800; cp++)
        lower2[cp] = utf8proc_tolower(cp);
    for (int32_t cp = 0x80; cp < 0x800; cp++)
        ucls2[cp] = (uint8_t)((tm_is_letter(cp) ? K_LETTER : 0) | (tm_is_upper(cp) ? K_UPPER : 0) |
                              (tm_is_digit(cp) ? K_DIGIT : 0));
}

/* K_* class bits of a code point from U+0800 up, from the property functions. Letters and
 * digits are disjoint (Unicode categories L/M and N), and the scripts written without
 * spaces have no case (test_class_shortcuts checks both on every code point). */
static unsigned class_props(int32_t cp)
{
    if (tm_is_letter(cp))
        return K_LETTER | (!tm_is_nospace_script(cp) && tm_is_upper(cp) ? K_UPPER : 0);
    return tm_is_digit(cp) ? K_DIGIT : 0;
}

/* The classes of U+0800..U+FFFF (K_* bits, and K_NOSPACE for tm_is_nospace_script),
 * filled 256 code points at a time the first time one of them is met, for the process:
 * a table read instead of two or three property calls per character of Hindi, Korean,
 * Thai, Chinese... text (measured 8 M instructions on the bench corpus, where filling
 * the blocks it meets costs about 1 M). A block's flag is set (release) after its
 * entries, and read (acquire) before them. */
#define K_NOSPACE 32
static uint8_t bmp_cls[0x10000];
static _Atomic uint8_t bmp_ready[0x100];
static pthread_mutex_t bmp_lock = PTHREAD_MUTEX_INITIALIZER;

static __attribute__((noinline)) void bmp_fill(unsigned blk)
{
    pthread_mutex_lock(&bmp_lock);
    if (!atomic_load_explicit(&bmp_ready[blk], memory_order_relaxed)) {
        if (blk >= 0x4E && blk < 0x9F) /* CJK ideographs: all letters (test_class_shortcuts) */
            memset(bmp_cls + ((size_t)blk << 8), K_LETTER | K_NOSPACE, 256);
        else
            for (int32_t cp = (int32_t)blk << 8; cp < ((int32_t)blk + 1) << 8; cp++)
                bmp_cls[cp] =
                    (uint8_t)(class_props(cp) | (tm_is_nospace_script(cp) ? K_NOSPACE : 0));
        atomic_store_explicit(&bmp_ready[blk], 1, memory_order_release);
    }
    pthread_mutex_unlock(&bmp_lock);
}

static inline unsigned bmp_class(int32_t cp) /* 0x800 <= cp < 0x10000 */
{
    unsigned blk = (unsigned)cp >> 8;
    if (!atomic_load_explicit(&bmp_ready[blk], memory_order_acquire))
        bmp_fill(blk);
    return bmp_cls[cp];
}

/* K_* class bits of any code point (K_NOSPACE possibly set too). */
static inline unsigned char_class(int32_t cp)
{
    if (cp < 0x80)
        return kcls[cp];
    if (cp < 0x800)
        return ucls2[cp];
    return cp < 0x10000 ? bmp_class(cp) : class_props(cp);
}

static inline bool word_char(int32_t cp, unsigned char b)
{
    if (cp < 0x80)
        return (kcls[b] & K_ALNUM) != 0;
    return (char_class(cp) & K_ALNUM) != 0;
}

/* tm_words's joiners: they stay inside a word only between two word characters. */
static inline bool joiner(int32_t cp)
{
    return cp == '\'' || cp == '-' || cp == '.' || cp == '_' || cp == 0x2019 || cp == 0xB7;
}

/* The lower-cased form of a word with an upper-case letter, code point by code point
 * (utf8proc_tolower), into fold[128]; 0 if it does not fit (the word keys by itself). */
static size_t fold_word(const char *w, size_t n, char *fold)
{
    const unsigned char *s = (const unsigned char *)w;
    size_t fl = 0, len;
    for (size_t i = 0; i < n; i += len) {
        if (fl + 4 > 128)
            return 0;
        /* decoded, lower-cased and encoded here below U+0800 (Latin, Greek, Cyrillic...):
         * three library calls per character cost 68 instructions */
        int32_t cp = char_at(s, i, n, &len);
        int32_t lc = cp < 0x800 ? lower2[cp] : utf8proc_tolower(cp);
        if (lc < 0x80)
            fold[fl++] = (char)lc;
        else if (lc < 0x800) {
            fold[fl++] = (char)(0xC0 | (lc >> 6));
            fold[fl++] = (char)(0x80 | (lc & 0x3F));
        } else
            fl += tm_utf8_put(fold + fl, lc);
    }
    return fl;
}

/* Records a word with its letter classes known: lower-cases it when it has an upper-case
 * letter (wide: it has a non-ASCII character), then add_word. False on allocation
 * failure. */
static inline __attribute__((always_inline)) bool record_word(qwords *w, const char *s, size_t n,
                                                              uint32_t chars, bool alpha,
                                                              bool upper, bool wide)
{
    char fold[128];
    size_t fl = 0;
    if (upper && !wide && n <= sizeof fold) {
        ascii_lower(fold, s, n);
        fl = n;
    } else if (upper && wide)
        fl = fold_word(s, n, fold);
    return add_word(w, s, n, chars, alpha, fold, fl);
}

/* tm_words's callback (lines with a no-space script): classifies the word's characters
 * as the fast scanner does and records it. */
static void on_word(void *vctx, const char *w, size_t n)
{
    qctx *c = vctx;
    if (c->oom)
        return;
    scan_gap(c, c->gap, w);
    c->gap = w + n;
    const unsigned char *s = (const unsigned char *)w;
    uint32_t chars = 0, letters = 0, upper = 0, digits = 0;
    bool wide = false;
    for (size_t i = 0, len; i < n; i += len) {
        int32_t cp = char_at(s, i, n, &len);
        unsigned k = char_class(cp);
        wide |= cp >= 0x80;
        chars++;
        if (k & K_LETTER) {
            letters++;
            upper += (k >> 1) & 1;
        } else if (k & K_DIGIT)
            digits++;
    }
    if (!letters && !digits) {
        /* A segment without letters or digits (e.g. "。" from the segmenter of a no-space
         * script) is punctuation, as NLTK would have it. */
        c->punct_tokens++;
        return;
    }
    c->letters += letters;
    c->upper += upper;
    c->digits += digits;
    if (!record_word(&c->w, w, n, chars, letters > 0, upper > 0, wide))
        c->oom = true;
}

/* tm_is_nospace_script without the call for the characters below its first range
 * (U+0E00, Thai), which test_class_shortcuts checks, and by table in the BMP. */
static inline bool nospace_char(int32_t cp)
{
    return cp >= 0x0E00 && (cp < 0x10000 ? (bmp_class(cp) & K_NOSPACE) != 0
                                         : tm_is_nospace_script(cp));
}

/* ---- ICU's segmentation of a run of a no-space script, remembered per document: it
 * depends on the run's bytes alone (ubrk_setText starts afresh), and ICU's dictionary
 * engines cost about 500 instructions per byte, so a run seen again in the same document
 * (menus, headings, repeated phrases: 13 % of the no-space bytes of the bench corpus)
 * replays the pieces found the first time. Per document only: a memo across documents
 * would also skip the work on the bench's repeated copies of the corpus. */
typedef struct segrun {
    uint64_t key;   /* XXH3 of the run, 0 for an empty slot */
    const char *s;  /* the run's first occurrence (the text outlives the memo) */
    uint32_t n;     /* its length in bytes */
    uint32_t w0, nw; /* its pieces: po/pl[w0 .. w0 + nw) */
} segrun;

typedef struct segmemo {
    segrun *slot;
    size_t cap, used; /* cap: power of two, used <= cap / 2 */
    uint32_t *po, *pl; /* offset in the run and length of each piece */
    size_t np, capp;
} segmemo;

typedef struct segrec {
    qctx *c;
    const char *base;
    bool ok;
} segrec;

/* tm_segment_nospace's callback on a run's first occurrence: notes the piece, then
 * records it as tm_words's callback does. */
static void on_piece(void *vr, const char *w, size_t n)
{
    segrec *r = vr;
    segmemo *m = r->c->seg;
    if (r->ok && m->np == m->capp) {
        size_t cap = m->capp ? m->capp * 2 : 256;
        uint32_t *po = tm_arena_alloc(r->c->arena, cap * sizeof *po);
        uint32_t *pl = po ? tm_arena_alloc(r->c->arena, cap * sizeof *pl) : NULL;
        if (pl) {
            if (m->np) {
                memcpy(po, m->po, m->np * sizeof *po);
                memcpy(pl, m->pl, m->np * sizeof *pl);
            }
            m->po = po;
            m->pl = pl;
            m->capp = cap;
        } else
            r->ok = false;
    }
    if (r->ok) {
        m->po[m->np] = (uint32_t)(w - r->base);
        m->pl[m->np++] = (uint32_t)n;
    }
    on_word(r->c, w, n);
}

/* Doubles the memo's table (or makes its first one); false on allocation failure. */
static bool segmemo_grow(qctx *c)
{
    segmemo *m = c->seg;
    if (!m) {
        m = c->seg = tm_arena_alloc(c->arena, sizeof *m);
        if (!m)
            return false;
        memset(m, 0, sizeof *m);
    }
    size_t cap = m->cap ? m->cap * 2 : 64;
    segrun *ns = tm_arena_alloc(c->arena, cap * sizeof *ns);
    if (!ns)
        return false;
    memset(ns, 0, cap * sizeof *ns);
    for (size_t i = 0; i < m->cap; i++)
        if (m->slot[i].key) {
            size_t j = (size_t)m->slot[i].key & (cap - 1);
            while (ns[j].key)
                j = (j + 1) & (cap - 1);
            ns[j] = m->slot[i];
        }
    m->slot = ns;
    m->cap = cap;
    return true;
}

/* tm_segment_nospace(s, n, on_word, c), through the memo. */
static void segment_run(qctx *c, const char *s, size_t n)
{
    segmemo *m = c->seg;
    if (n > UINT32_MAX || ((!m || m->used * 2 >= m->cap) && !segmemo_grow(c))) {
        tm_segment_nospace(s, n, on_word, c); /* no memo: the same words */
        return;
    }
    m = c->seg;
    uint64_t key = XXH3_64bits(s, n);
    key += !key;
    size_t i = (size_t)key & (m->cap - 1);
    for (; m->slot[i].key; i = (i + 1) & (m->cap - 1)) {
        const segrun *r = &m->slot[i];
        if (r->key == key && r->n == n && !memcmp(r->s, s, n)) {
            for (uint32_t k = r->w0; k < r->w0 + r->nw; k++)
                on_word(c, s + m->po[k], m->pl[k]);
            return;
        }
    }
    segrec rec = {c, s, true};
    size_t w0 = m->np;
    tm_segment_nospace(s, n, on_piece, &rec);
    if (rec.ok && m->np <= UINT32_MAX) {
        m->slot[i] = (segrun){key, s, (uint32_t)n, (uint32_t)w0, (uint32_t)(m->np - w0)};
        m->used++;
    }
}

/* tm_words(ls, L, on_word, c), the same words in the same order (test_quality_paths
 * compares it with tm_words on every document of three corpora), for the lines with a
 * no-space script: characters decoded and classified here (char_at, char_class), runs
 * of no-space scripts segmented by tm_segment_nospace as tm_words does. tm_words's
 * decoding and class calls per character cost 12 M instructions on the bench corpus. */
static void line_words(qctx *c, const char *ls, size_t L)
{
    const unsigned char *s = (const unsigned char *)ls;
    size_t i = 0, len;
    while (i < L) {
        size_t st = i;
        int32_t cp = char_at(s, i, L, &len);
        i += len;
        if (nospace_char(cp)) {
            while (i < L && nospace_char(char_at(s, i, L, &len)))
                i += len;
            segment_run(c, ls + st, i - st);
            continue;
        }
        if (!(char_class(cp) & K_ALNUM))
            continue;
        size_t we = i;
        while (i < L) {
            int32_t c2 = char_at(s, i, L, &len);
            if (nospace_char(c2))
                break;
            if (char_class(c2) & K_ALNUM) {
                i += len;
                we = i;
                continue;
            }
            /* joiners stay inside a word only between two word characters */
            size_t nlen;
            int32_t nx;
            if (joiner(c2) && i + len < L && (char_class(nx = char_at(s, i + len, L, &nlen)) & K_ALNUM) &&
                !nospace_char(nx)) {
                i += len + nlen;
                we = i;
                continue;
            }
            break;
        }
        on_word(c, ls + st, we - st);
        i = we;
    }
}

#ifdef __SSE2__
/* Length of the run of ASCII letters and digits at p (0..16; the 16 bytes at p must be
 * readable), adding its letters, upper-case letters and digits to *nl, *nu, *nd: one
 * class test per sixteen bytes instead of a table add per byte (most words fit in one
 * step). Bytes >= 0x80 fall in none of the ranges. */
static inline unsigned ascii_run16(const unsigned char *p, uint32_t *nl, uint32_t *nu,
                                   uint32_t *nd)
{
    const __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
    unsigned ma = byte_range_mask(_mm_or_si128(v, _mm_set1_epi8(0x20)), 'a', 26);
    unsigned md = byte_range_mask(v, '0', 10);
    unsigned run = (unsigned)__builtin_ctz(~(ma | md)); /* bits 16.. of ~ are set: <= 16 */
    unsigned keep = (1u << run) - 1;
    /* digits and capitals are few: count set bits one by one (no popcnt in baseline x86-64) */
    unsigned d = 0;
    for (md &= keep; md; md &= md - 1)
        d++;
    *nd += d;
    *nl += run - d;
    for (unsigned mu = byte_range_mask(v, 'A', 26) & keep; mu; mu &= mu - 1)
        (*nu)++;
    return run;
}
#endif

/* Whether s[0..L) has more than m bytes in a row without a blank (is_ws), the necessary
 * condition for a whitespace token of more than m characters. Sixteen bytes per step:
 * the long lines this runs on cost 3.5 instructions per byte in the exact count. */
static bool has_long_stretch(const unsigned char *s, size_t L, uint64_t m)
{
    size_t i = 0, from = 0; /* from: start of the current stretch without blanks */
#ifdef __SSE2__
    if (m >= 16) { /* a stretch between two blanks of one step is shorter than 16 */
        for (; i + 16 <= L; i += 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
            /* blanks: ' ' and 9, 11, 12, 13 ('\n' (10) never occurs inside a line) */
            unsigned blank = (unsigned)_mm_movemask_epi8(
                _mm_cmpeq_epi8(v, _mm_set1_epi8(' '))) | byte_range_mask(v, 9, 5);
            if (!blank) {
                if (i + 16 - from > m)
                    return true;
                continue;
            }
            if (i + (size_t)__builtin_ctz(blank) - from > m)
                return true;
            from = i + 32 - (size_t)__builtin_clz(blank);
        }
    }
#endif
    for (; i < L; i++) {
        if (is_ws(s[i]))
            from = i + 1;
        else if (i + 1 - from > m)
            return true;
    }
    return false;
}

/* Fast path for every line without a no-space script (line_is_fast), which is nearly
 * all lines of text in Latin, Cyrillic, Greek, Arabic, Indic... scripts: one fused scan
 * finds the words (exactly tm_words's rule: letter/digit runs joined by ' ’ - . · _
 * between two word characters), the punctuation tokens between them, sentence ends
 * (count_sentences's rule), C4's whitespace tokens, '#', braces, "..." runs and "…",
 * classifying ASCII bytes by table. Measured on aeb-wetlike: tm_words's per-code-point
 * callback plus separate scans of the line cost about twice this. tests/unit/
 * test_quality_paths.c checks that both paths give identical signals. The caller sets
 * r->chars. */
static void scan_fast_line(qctx *c, const char *ls, size_t L, const char *stripped_end,
                           const char *tend, int64_t max_word_len, line_scan *r)
{
    const unsigned char *s = (const unsigned char *)ls, *se = s + L;
    memset(r, 0, sizeof *r);
    /* The words and counters live in locals during the line (see qwords). */
    qwords w = c->w;
    uint64_t letters = 0, upper = 0, digits = 0, punct = 0;
    /* Sixteen-byte steps may read past the line up to the end of the text: the line's
     * '\n' ends a run of letters as a space does, and the last line has no bytes after
     * it. */
    const ptrdiff_t avail = tend - ls;
    (void)avail;
    /* Sentences are counted on the stripped line (stripped_end: its end), as
     * count_sentences is called: a trailing no-break space must not count as text after
     * the last stop. */
    size_t lim = (size_t)(stripped_end - ls);
    bool text_after = false, gap_run = false, in_tok = false;
    size_t i = 0;
    uint64_t toks = 0;
    while (i < L) {
        unsigned char b = s[i];
        unsigned kc = kcls[b];
        if (kc & K_WS) {
            gap_run = false;
            in_tok = false;
            i++;
            continue;
        }
        /* C4's whitespace tokens: every unit below starts or continues one */
        toks += !in_tok;
        in_tok = true;
        size_t clen = 1;
        int32_t cp = b;
        if (b >= 0x80)
            cp = char_at(s, i, L, &clen);
        if ((kc & K_ALNUM) || (b >= 0x80 && word_char(cp, b))) {
            uint32_t nl = 0, nu = 0, nd = 0, cont = 0;
            bool wide = false;
            size_t st = i, we = i;
            for (;;) {
                /* the common case: a run of ASCII letters and digits */
#ifdef __SSE2__
                if ((ptrdiff_t)i + 16 <= avail) {
                    unsigned run = ascii_run16(s + i, &nl, &nu, &nd);
                    i += run;
                    if (run == 16)
                        continue;
                    we = i; /* a joiner is passed only before a word character */
                    if (i >= L)
                        break;
                } else
#endif
                {
                    /* near the end of the text: one table add per byte (kpack), cut
                     * every KPACK_RUN bytes so that no counter overflows into the next */
                    size_t cut = L - i > KPACK_RUN ? i + KPACK_RUN : L;
                    uint64_t acc = 0;
                    while (i < cut) {
                        uint64_t v = kpack[s[i]];
                        if (!v)
                            break;
                        acc += v;
                        i++;
                    }
                    nl += (uint32_t)(acc & KPACK_MASK);
                    nu += (uint32_t)((acc >> KPACK_BITS) & KPACK_MASK);
                    nd += (uint32_t)(acc >> (2 * KPACK_BITS));
                    we = i; /* a joiner is passed only before a word character */
                    if (i >= L)
                        break;
                    if (i == cut && kpack[s[i]])
                        continue;
                }
                if (s[i] < 0x80) {
                    /* an ASCII byte ends the run unless it is a joiner */
                    if (!(kcls[s[i]] & K_JOIN))
                        break;
                    cp = s[i];
                    clen = 1;
                } else {
                    cp = char_at(s, i, L, &clen);
                    unsigned wk = char_class(cp);
                    if (wk & K_ALNUM) {
                        wide = true;
                        cont += (uint32_t)clen - 1;
                        if (wk & K_LETTER) {
                            nl++;
                            nu += (wk >> 1) & 1;
                        } else
                            nd++;
                        i += clen;
                        we = i;
                        continue;
                    }
                }
                if (joiner(cp) && i + clen < L) {
                    size_t nlen;
                    if (word_char(char_at(s, i + clen, L, &nlen), s[i + clen])) {
                        cont += (uint32_t)clen - 1;
                        i += clen;
                        continue;
                    }
                }
                break;
            }
            letters += nl;
            upper += nu;
            digits += nd;
            if (!record_word(&w, ls + st, we - st, (uint32_t)(we - st) - cont, nl > 0, nu > 0,
                             wide)) {
                c->oom = true;
                break;
            }
            i = we;
            text_after = true;
            gap_run = false;
            if (i < L && s[i] == ' ') { /* the usual space after a word, taken here */
                i++;
                in_tok = false;
            }
            continue;
        }
        if (!gap_run) {
            punct++;
            gap_run = true;
        }
        size_t k = sentence_end_len(s + i, se);
        if (k) {
            /* a run of stops, then closing quotes/brackets, then a space or the end */
            size_t q = i, dots = 0;
            while (q < L && (k = sentence_end_len(s + q, se)) != 0) {
                if (s[q] == '.') {
                    dots++;
                } else {
                    r->ellipses += dots / 3;
                    dots = 0;
                }
                q += k;
            }
            r->ellipses += dots / 3;
            size_t e = q;
            while (e < lim && (s[e] == '"' || s[e] == '\'' || s[e] == ')' || s[e] == ']'))
                e++;
            /* after an ASCII stop a space must follow; CJK stops end a sentence outright */
            if (e >= lim || (kcls[s[e]] & K_WS) || s[q - 1] >= 0x80) {
                r->sentences++;
                text_after = false;
            }
            i = e;
            continue;
        }
        if (!count_symbol(b, r) && cp == 0x2026)
            r->ellipses++;
        text_after |= i < lim;
        i += clen;
    }
    if (text_after)
        r->sentences++;
    r->toks = toks;
    c->w = w;
    c->letters += letters;
    c->upper += upper;
    c->digits += digits;
    c->punct_tokens += punct;
    /* A token longer than max_word_len needs a line, and a stretch without blanks, at
     * least that long; only then is the longest token measured (its length serves only
     * that comparison). */
    if (max_word_len >= 0 && L > (uint64_t)max_word_len &&
        has_long_stretch(s, L, (uint64_t)max_word_len)) {
        uint64_t run = 0;
        for (size_t k2 = 0; k2 < L; k2++) {
            run = is_ws(s[k2]) ? 0 : run + ((s[k2] & 0xC0) != 0x80);
            if (run > r->max_tok)
                r->max_tok = run;
        }
    }
}

/* Whether scan_fast_line can take the line: no character of a script written without
 * spaces (those need tm_words's ICU segmentation). *cont receives the number of UTF-8
 * continuation bytes (0x80-0xBF), so that the line has L - *cont characters. Only the
 * characters with a lead byte 0xE0 or above (3- and 4-byte forms) can be of a no-space
 * script. With SSE2: sixteen bytes per step, continuation bytes counted in byte lanes
 * (psadbw sums them every 255 steps), an all-ASCII block costs one test; measured 3
 * times fewer instructions than the byte loop on the bench corpus. */
static inline bool line_is_fast(const char *ls, size_t L, uint64_t *cont)
{
    const unsigned char *s = (const unsigned char *)ls;
    uint64_t k = 0;
    size_t i = 0;
#ifdef __SSE2__
    const __m128i cont_lim = _mm_set1_epi8(-64), lead_min = _mm_set1_epi8((char)0xE0);
    const __m128i zero = _mm_setzero_si128();
    while (i + 16 <= L) {
        __m128i acc = zero; /* per byte lane: continuation bytes seen, at most 255 */
        for (int r = 0; r < 255 && i + 16 <= L; r++, i += 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
            if (!_mm_movemask_epi8(v))
                continue;
            acc = _mm_sub_epi8(acc, _mm_cmplt_epi8(v, cont_lim)); /* -128..-65: 0x80-0xBF */
            unsigned lead = (unsigned)_mm_movemask_epi8(
                _mm_cmpeq_epi8(_mm_max_epu8(v, lead_min), v)); /* v >= 0xE0 */
            while (lead) {
                size_t len;
                if (nospace_char(char_at(s, i + (size_t)__builtin_ctz(lead), L, &len)))
                    return false;
                lead &= lead - 1;
            }
        }
        __m128i sum = _mm_sad_epu8(acc, zero);
        k += (uint64_t)_mm_cvtsi128_si32(sum) + (uint64_t)_mm_cvtsi128_si32(_mm_srli_si128(sum, 8));
    }
#endif
    for (; i < L; i++) {
        unsigned char b = s[i];
        size_t len;
        if ((b & 0xC0) == 0x80)
            k++;
        else if (b >= 0xE0 && nospace_char(char_at(s, i, L, &len)))
            return false;
    }
    *cont = k;
    return true;
}

/* N-gram hashes are built incrementally: g[i] holds the hash of the (n-1)-gram at i and
 * one mix step extends it to the n-gram, so each n costs one multiply per word instead
 * of rehashing n words. The prefix is multiplied before the next word is mixed in, so
 * that the step is order-sensitive: with (g ^ w) alone, g of a 2-gram starting from the
 * word hash itself, "a b" and "b a" hashed alike ("User Tools / Site Tools" counted
 * "Tools Site" and "Site Tools" as one 2-gram). */
static inline uint64_t ngram_extend(uint64_t g, uint64_t w)
{
    uint64_t h = (g * 0xC2B2AE3D27D4EB4Full ^ w) * 0x9E3779B97F4A7C15ull;
    return h ^ (h >> 31);
}

/* Gopher's repetition signals for n = 2..10 over the word hashes, as datatrove computes
 * them (top: find_top_duplicate; dup: find_all_duplicate), in characters:
 *   top[n-2] = chars of the most frequent n-gram (words joined by one space) x its count,
 *              ties to the n-gram seen first (Counter.most_common);
 *   dup[n-5] = chars (words concatenated) of the n-grams found already seen while walking
 *              left to right, jumping n words after each hit.
 * Pruning, exact because an n-gram can only repeat where both its (n-1)-grams (at i and
 * i + 1) repeat: n-grams are counted only at the positions whose two (n-1)-grams occur
 * twice or more. A position whose n-gram is unique cannot hit in the walk, so the walk
 * jumps straight between repeated positions. Typical text repeats few 4-grams, so the
 * cost is about one hash-table pass over the words instead of nine.
 * The same holds one level down: a 2-gram can only repeat where both its words repeat,
 * and equal words have equal case-folded forms, so the 2-grams are counted only where
 * both words' folded counts (the unigram table, wslot[i] = slot of word i, from
 * count_unigrams) are 2 or more: about half the positions of typical text. */
static bool repetition(const qctx *c, qscratch *x, const uint64_t *prefix,
                       const uint32_t *wslot, uint64_t top[3], uint64_t dup[6])
{
    memset(top, 0, 3 * sizeof *top);
    memset(dup, 0, 6 * sizeof *dup);
    size_t W = c->w.n;
    if (W < 2)
        return true;
    uint64_t *g = x->g;
    uint32_t *cand = x->cand, *sidx = x->sidx;
    uint32_t *ks = x->ks; /* slot of each kept position's n-gram, for the walk */
    qmap count = x->count;
    bool ok = false;
    size_t nc = 0; /* candidates for n = 2: starts of two repeated words */
    const qslot *us = c->uniq.slots;
    bool rep_prev = us[wslot[0]].cnt >= 2;
    const bool ufar = c->uniq.cap > PREFETCH_MIN_SLOTS;
    for (size_t i = 0; i + 1 < W; i++) {
        if (ufar && i + PREFETCH < W)
            __builtin_prefetch(&us[wslot[i + PREFETCH]]);
        bool rep_next = us[wslot[i + 1]].cnt >= 2;
        cand[nc] = (uint32_t)i;
        nc += rep_prev && rep_next;
        rep_prev = rep_next;
    }
    for (size_t n = 2; n <= 10 && W >= n; n++) {
        size_t last = W - n + 1; /* number of n-grams */
        while (nc && cand[nc - 1] >= last)
            nc--;
        /* sized for this round's candidates: they shrink from one n to the next, and a
         * table of the first round's size spreads the few keys over more cache lines */
        if (!qmap_reset(&count, nc))
            goto out;
        uint32_t best = 0, first = 0;
        /* extend the hashes first, so that the counting loop can prefetch its slots: a
         * long document's tables outgrow the caches (measured 3x on 20 MB inputs) */
        if (n == 2) /* g holds (n-1)-gram hashes only where earlier rounds wrote them */
            for (size_t k = 0; k < nc; k++) {
                uint32_t i = cand[k];
                g[i] = ngram_extend(c->w.wh[i], c->w.wh[i + 1]);
            }
        else
            for (size_t k = 0; k < nc; k++) {
                uint32_t i = cand[k];
                g[i] = ngram_extend(g[i], c->w.wh[i + n - 1]);
            }
        const size_t mask = count.cap - 1;
        const bool far = count.cap > PREFETCH_MIN_SLOTS;
        /* slots are prefetched PREFETCH keys ahead up to pf_end (0: small table) */
        const size_t pf_end = far && nc > PREFETCH ? nc - PREFETCH : 0;
        for (size_t k = 0; k < nc; k++) {
            uint32_t i = cand[k];
            if (k < pf_end) {
                uint64_t h = g[cand[k + PREFETCH]];
                __builtin_prefetch(&count.slots[qslot_home(h, mask)], 1);
            }
            bool fresh;
            qslot *sl = qmap_put(&count, g[i], &fresh);
            if (fresh)
                sl->aux = i;
            sl->cnt++;
            sidx[k] = (uint32_t)(sl - count.slots);
        }
        if (n <= 4) {
            /* the most frequent n-gram, ties to the one seen first (smallest aux): one
             * test per distinct n-gram rather than per position */
            for (size_t u = 0; u < count.n; u++) {
                const qslot *sl = &count.slots[count.used[u]];
                if (sl->cnt > best || (sl->cnt == best && sl->aux < first)) {
                    best = sl->cnt;
                    first = sl->aux;
                }
            }
            if (best < 2) { /* every n-gram once: the first one wins */
                best = 1;
                first = 0;
            }
            top[n - 2] = (prefix[first + n] - prefix[first] + (n - 1)) * (uint64_t)best;
        }
        /* Keep the positions whose n-gram repeats (in order, in cand, for the walk) and,
         * in sidx, the candidates of the next round: an (n+1)-gram repeats only where
         * both its n-grams repeat, at i and i + 1, so of each run of consecutive kept
         * positions the last one goes. sidx[k] is read before anything is written at
         * k or below. */
        size_t nm = 0, na = 0;
        uint32_t prev = UINT32_MAX - 1; /* follows no position */
        const bool walk = n >= 5;
        for (size_t k = 0; k < nc; k++) {
            if (k < pf_end)
                __builtin_prefetch(&count.slots[sidx[k + PREFETCH]]);
            uint32_t si = sidx[k];
            if (count.slots[si].cnt >= 2) {
                uint32_t i = cand[k];
                if (prev + 1 == i)
                    sidx[na++] = prev;
                if (walk)
                    ks[nm] = si;
                cand[nm++] = i;
                prev = i;
            }
        }
        nc = nm;
        const size_t kpf_end = far && nc > PREFETCH ? nc - PREFETCH : 0;
        if (n >= 5 && nc) {
            /* The walk marks each n-gram it visits in its count slot (the top bit of cnt,
             * no longer needed this round): a visit to a marked one is a hit. Unique
             * n-grams are never hits and are not visited. */
            const uint32_t SEEN = 1u << 31;
            size_t idx = 0, k = 0;
            while (idx < last) {
                while (k < nc && cand[k] < idx)
                    k++;
                if (k == nc)
                    break;
                idx = cand[k];
                if (k < kpf_end)
                    __builtin_prefetch(&count.slots[ks[k + PREFETCH]]);
                qslot *sl = &count.slots[ks[k]];
                if (sl->cnt & SEEN) {
                    dup[n - 5] += prefix[idx + n] - prefix[idx];
                    idx += n;
                } else {
                    sl->cnt |= SEEN;
                    idx++;
                }
            }
        }
        if (!na) /* no (n+1)-gram can repeat, nor any longer one */
            break;
        uint32_t *t = cand;
        cand = sidx;
        sidx = t;
        nc = na;
    }
    /* With no repeated n-gram, the top of each larger n is still its first n-gram. */
    for (size_t n = 2; n <= 4 && W >= n; n++)
        if (!top[n - 2])
            top[n - 2] = prefix[n] - prefix[0] + (n - 1);
    ok = true;
out:
    x->count = count;
    return ok;
}

static inline double ratio(double a, double b) { return b > 0 ? a / b : 0.0; }

/* Counts a finished Gopher paragraph (its key and characters) and whether it repeats. */
static void para_close(qmap *paras, uint64_t key, uint64_t chars, uint64_t *elems,
                       uint64_t *dups, uint64_t *dup_chars)
{
    bool fresh;
    qmap_put(paras, key, &fresh);
    ++*elems;
    if (!fresh) {
        ++*dups;
        *dup_chars += chars;
    }
}

tamis_status tm_quality_compute(const char *text, size_t n, const tm_quality_opts *o,
                                tm_arena *arena, bool want_lines, tm_quality *out)
{
    memset(out, 0, sizeof *out);
    pthread_once(&tables_once, tables_init);
    tm_quality_opts defaults;
    if (!o) {
        tm_quality_opts_init(&defaults);
        o = &defaults;
    }
    qctx c;
    memset(&c, 0, sizeof c);
    c.o = o;
    c.arena = arena;
    qscratch *x = scratch_get();
    if (!x)
        return TAMIS_ERR_NOMEM;
    c.w.wh = x->wh;
    c.w.wf = x->wf;
    c.w.pc = x->pc;
    c.w.cap = x->capw;
    c.uniq = x->uniq;
    qmap lines = x->lines, paras = x->paras;
    const uint64_t *prefix = NULL;
    tamis_status st = TAMIS_ERR_NOMEM;

    /* Every '\n' found once, sixteen bytes per step: their number sizes the tables and
     * their offsets end the lines (a memchr per line, and one more pass to count them,
     * cost twice as much on the bench corpus's 64 000 short lines). */
    size_t newlines = 0;
    {
        const unsigned char *u = (const unsigned char *)text;
        size_t i = 0;
#ifdef __SSE2__
        for (; i + 16 <= n; i += 16) {
            unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
                _mm_loadu_si128((const __m128i *)(const void *)(u + i)), _mm_set1_epi8('\n')));
            for (; m; m &= m - 1) {
                if (newlines == x->cap_nl && !grow_nl(x))
                    goto done;
                x->nlpos[newlines++] = i + (size_t)__builtin_ctz(m);
            }
        }
#endif
        for (; i < n; i++)
            if (u[i] == '\n') {
                if (newlines == x->cap_nl && !grow_nl(x))
                    goto done;
                x->nlpos[newlines++] = i;
            }
    }
    out->n_lines = newlines + 1;
    if (want_lines) {
        out->c4_verdict = tm_arena_alloc(arena, out->n_lines);
        if (!out->c4_verdict)
            goto done;
    }
    /* sized for every line, and for paragraphs (a paragraph and a blank line each) */
    if (!qmap_reset(&lines, out->n_lines) || !qmap_reset(&paras, newlines / 2 + 1))
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
    const char *para_s = NULL; /* start of the open paragraph, or NULL */
    uint64_t para_chars = 0, para_key = 0;

    size_t li = 0;
    const char *ls = text, *end = text + n;
    for (;; li++) {
        const char *nl = li < newlines ? text + x->nlpos[li] : NULL;
        const char *le = nl ? nl : end;
        size_t L = (size_t)(le - ls);

        const char *s, *e;
        strip_span(ls, le, &s, &e);
        line_scan ln;
        uint64_t cont = 0;
        bool ascii = !o->no_ascii_fast_path && line_is_fast(ls, L, &cont);
        if (ascii) {
            scan_fast_line(&c, ls, L, e, end, o->c4_max_word_length, &ln);
            ln.chars = L - cont;
        } else {
            scan_line_bytes(ls, L, &ln);
            c.gap = ls;
            if (o->no_ascii_fast_path)
                tm_words(ls, L, on_word, &c);
            else
                line_words(&c, ls, L);
            scan_gap(&c, c.gap, le);
        }
        if (c.oom)
            goto done;
        uint64_t lchars = ln.chars, toks = ln.toks, max_tok = ln.max_tok;
        bool has_brace_open = ln.brace_open;
        hashes += ln.hashes;
        curly += ln.curly;
        ellipses += ln.ellipses;
        chars += lchars;

        bool blank = s == e;
        size_t line_sentences = 0;
        if (!blank) {
            if (*s == '-' || ((size_t)(e - s) >= 3 && !memcmp(s, "\xE2\x80\xA2", 3)))
                bullet_lines++;
            if (ends_with(s, e, "...", 3) || ends_with(s, e, "\xE2\x80\xA6", 3))
                ellipsis_lines++;
            if (ends_terminal(s, e))
                terminal_lines++;
            line_sentences = ascii ? ln.sentences : count_sentences(s, e);
            sentences += line_sentences;
        }
        uint32_t found[PH__N];
        find_line_phrases(ls, L, end, PH_JS, PH_LOREM + 1, found);
        bool js = found[PH_JS] > 0;
        js_lines += js;
        size_t lorem_here = found[PH_LOREM];
        lorem += lorem_here;

        /* FineWeb: the raw line, not stripped. */
        fw_punct += ends_terminal(ls, le);
        fw_short += lchars <= (uint64_t)(o->fw_short_line_length < 0 ? 0 : o->fw_short_line_length);

        /* Gopher lines (re.split("\n+")): every non-empty line; FineWeb: non-blank ones. */
        uint64_t line_hash = 0;
        if (L > 0) {
            bool fresh;
            line_hash = XXH3_64bits(ls, L);
            qmap_put(&lines, line_hash, &fresh);
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
                para_close(&paras, para_key, para_chars, &para_elems, &dup_paras,
                           &dup_para_chars);
                para_s = NULL;
            }
        } else {
            const char *cs = ls < ts ? ts : ls, *ce = le > te ? te : le;
            if (cs < ce) {
                uint64_t cc = lchars - (uint64_t)(cs - ls) - (uint64_t)(le - ce);
                /* A paragraph's key chains the hashes of its lines (a line cut by
                 * text.strip() hashed by itself): no byte is hashed twice. Lines hold
                 * no '\n', so equal paragraphs are equal sequences of lines. */
                uint64_t ph = cs == ls && ce == le ? line_hash : XXH3_64bits(cs, (size_t)(ce - cs));
                if (!para_s) {
                    para_s = cs;
                    para_chars = cc;
                    para_key = ph;
                } else {
                    para_chars += 1 + cc;
                    para_key = ngram_extend(para_key, ph);
                }
            }
        }

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
                /* Four of the six phrases contain "cooki", the other two are "terms of
                 * use" and "privacy policy": those three line phrases, looked for only in
                 * the lines that reach this rule, single out the few lines worth testing
                 * for every phrase. */
                if (o->c4_policy)
                    find_line_phrases(ls, L, end, PH_COOKI, PH__N, found);
                if (o->c4_policy && (found[PH_COOKI] || found[PH_TERMS] || found[PH_PRIVACY])) {
                    for (size_t k = 0; k < N_POLICY; k++)
                        if (ci_find_at(ls, L, policy_substrings[k], strlen(policy_substrings[k]),
                                       policy_anchor[k])) {
                            why = TM_C4_POLICY;
                            break;
                        }
                }
            }
        }
        if (why == TM_C4_KEPT) {
            c4_kept++;
            c4_sent += ce4 == e ? line_sentences : count_sentences(s, ce4);
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
    if (para_s)
        para_close(&paras, para_key, para_chars, &para_elems, &dup_paras, &dup_para_chars);
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

    if (!grow_rep(x, c.w.n + 1))
        goto done;
    /* Unigram statistics over case-folded words; x->sidx lends room for each word's
     * slot, which repetition() reads before it reuses sidx. */
    if (!count_unigrams(&c, x->sidx))
        goto done;

    /* Repetition over the word array. */
    prefix = c.w.pc; /* allocated once a word was recorded */
    uint64_t top[3], dup[6];
    if (!repetition(&c, x, prefix, x->sidx, top, dup))
        goto done;
    for (size_t k = 0; k < 3; k++)
        out->v[TM_QS_TOP_2GRAM + k] = ratio((double)top[k], (double)chars);
    for (size_t k = 0; k < 6; k++)
        out->v[TM_QS_DUP_5GRAM + k] = ratio((double)dup[k], (double)chars);

    double sum_clogc = 0;
    uint64_t stop = 0, gstop = 0;
    for (size_t u = 0; u < c.uniq.n; u++) {
        const qslot *sl = &c.uniq.slots[c.uniq.used[u]];
        if (sl->cnt > 1) { /* 1 log 1 = 0: most words occur once */
            double cnt = sl->cnt;
            sum_clogc += sl->cnt < CLOGC_N ? clogc[sl->cnt] : cnt * log(cnt);
        }
        if (sl->aux & 1)
            stop += sl->cnt;
        if (sl->aux & 2)
            gstop += sl->cnt;
    }

    /* splitlines() does not count the empty piece after a final newline. */
    size_t sl_lines = n == 0 ? 0 : out->n_lines - (text[n - 1] == '\n' ? 1 : 0);
    uint64_t W = c.w.n, T = c.w.n + c.punct_tokens;
    double *v = out->v;
    v[TM_QS_CHARS] = (double)chars;
    v[TM_QS_LINES] = (double)sl_lines;
    v[TM_QS_WORD_COUNT] = (double)W;
    v[TM_QS_TOKEN_COUNT] = (double)T;
    v[TM_QS_MEAN_WORD_LENGTH] = ratio((double)c.w.chars, (double)W);
    v[TM_QS_SYMBOL_TO_WORD_RATIO] = ratio((double)(hashes + ellipses), (double)W);
    v[TM_QS_HASH_TO_TOKEN_RATIO] = ratio((double)hashes, (double)T);
    v[TM_QS_ELLIPSIS_TO_TOKEN_RATIO] = ratio((double)ellipses, (double)T);
    v[TM_QS_FRAC_LINES_BULLET] = ratio((double)bullet_lines, (double)sl_lines);
    v[TM_QS_FRAC_LINES_ELLIPSIS] = ratio((double)ellipsis_lines, (double)sl_lines);
    v[TM_QS_FRAC_LINES_TERMINAL] = ratio((double)terminal_lines, (double)sl_lines);
    v[TM_QS_FRAC_LINES_JAVASCRIPT] = ratio((double)js_lines, (double)sl_lines);
    v[TM_QS_FRAC_WORDS_NO_ALPHA] = ratio((double)(W - c.w.alpha), (double)W);
    v[TM_QS_FRAC_TOKENS_ALPHA] = ratio((double)c.w.alpha, (double)T);
    v[TM_QS_FRAC_UNIQUE_WORDS] = ratio((double)c.uniq.n, (double)W);
    v[TM_QS_UNIGRAM_ENTROPY] = W ? log((double)W) - sum_clogc / (double)W : 0.0;
    v[TM_QS_STOP_WORD_FRACTION] = ratio((double)stop, (double)W);
    v[TM_QS_GOPHER_STOP_WORDS] = (double)(o->gopher_stop_words ? gstop : c.gopher_builtin);
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
    x->wh = c.w.wh;
    x->wf = c.w.wf;
    x->pc = c.w.pc;
    x->capw = c.w.cap;
    x->uniq = c.uniq;
    x->lines = lines;
    x->paras = paras;
    scratch_release(x);
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
