/* tm_clean_int.h — internals of the clean stage shared by its files: the phrase lexicon
 * (data/lexicon/tm_clean_lexicon.txt), the multi-language stop-word map and the metadata
 * parsers. Only src/text includes it. */
#ifndef TM_CLEAN_INT_H
#define TM_CLEAN_INT_H

#include "../common/tm_common.h"

/* Phrase classes of the lexicon file (one "@name" section each). */
typedef enum cl_lexclass {
    LX_NAV = 0,    /* navigation/template phrase: a line made mostly of them is boilerplate */
    LX_NOTICE,     /* cookie, licence, theme, copyright notices: one hit marks the line */
    LX_RELATED,    /* labels that introduce a related-article link ("read also") */
    LX_BYLINE,     /* byline prefixes followed by the author ("by") */
    LX_CORRESP,    /* byline prefixes followed by PLACE, AUTHOR ("from our correspondent in") */
    LX_PUBLISHED,  /* publication-date labels ("published on") */
    LX_UPDATED,    /* modification-date labels ("updated") */
    LX_READTIME,   /* reading-time words ("min", "minutes", "read") */
    LX_MONTH,      /* month names with their number: "january=1" */
    LX_COMMENTS,   /* headings that open a reader-comment section ("3 comments") */
    LX__COUNT
} cl_lexclass;

/* At most this many languages share one stop-word bit mask. */
#define CL_MAX_LANGS 32

typedef struct cl_lex cl_lex;

/* Loads DIR/lexicon/tm_clean_lexicon.txt and the stop-word lists of the big web languages
 * from DIR/stopwords/. Returns NULL (err filled) if the lexicon cannot be read. */
cl_lex *cl_lex_load(const char *dir, tamis_error *err);
void cl_lex_free(cl_lex *lx);

/* Language index (0..n-1) of an ISO code in the stop-word map, or -1. */
int cl_lex_lang_index(const cl_lex *lx, const char *lang);
const char *cl_lex_lang_code(const cl_lex *lx, int idx);
/* Bit mask of the languages whose stop-word list holds the word w[0..n) (any case). */
uint32_t cl_lex_stopmask(const cl_lex *lx, const char *w, size_t n);

/* One word of a normalised line: bytes [off, off + len) of the normalised string, made
 * from bytes [ostart, oend) of the original line, and what one lookup of its cl_lex hash
 * in the phrase and stop-word map gave (after cl_lex_load): the stop-word language mask
 * (cl_lex_stopmask when the word is at most cl_lex_stop_maxlen bytes long) and the first
 * phrase that starts with the word (-1: none). The hash itself is not kept: nothing read
 * it after the lookup, and 24-byte records take one store less per word. */
typedef struct cl_nword {
    uint32_t off, len, ostart, oend;
    uint32_t stop;
    int32_t head;
} cl_nword;

/* A line normalised for phrase matching: lowercase, punctuation and symbols -> one space,
 * trimmed, with its words. */
typedef struct cl_norm {
    char *s;
    size_t n;
    bool nospace; /* holds a character of a script written without spaces */
    bool heads;   /* a word starts a phrase (cl_nword.head >= 0) */
    cl_nword *w;
    size_t nw;
    /* Counts of the original line, what the stage's character statistics give: code
     * points, ASCII digits, letters (ASCII letters and non-ASCII lead bytes), and whether
     * every byte is ASCII. */
    uint32_t chars, digits, letters;
    bool ascii;
} cl_norm;
/* Normalises line[0..n) into the arena. Returns false on allocation failure. */
bool cl_normalize(const cl_lex *lx, tm_arena *a, const char *line, size_t n, cl_norm *out);
/* The same into caller's buffers: s of CL_NORM_BYTES(n) bytes, w of CL_NORM_WORDS(n). */
#define CL_NORM_BYTES(n) ((n) * 2 + 16)
#define CL_NORM_WORDS(n) ((n) / 2 + 2)
void cl_normalize_into(const cl_lex *lx, char *s, cl_nword *w, const char *line, size_t n,
                       cl_norm *out);
/* Byte offset in the original line line[0..n) of normalised byte k (k == nl->n: n). */
size_t cl_norm_orig(const cl_lex *lx, const cl_norm *nl, const char *line, size_t n, size_t k);
/* ---- the word map (stop words and phrase first words) and its inline probe, here so
 * that the long lines' sample (tm_clean_stage.c) looks its short ASCII words up without
 * a call (the call and the registers it saved were ~20 instructions per sampled word). */
/* 12 bytes: a key is identified by the high 32 bits of its hash (the low bits pick the
 * slot), so a probe never reads key bytes and the ~20k stop words of 32 languages fit in
 * 768 KiB. A false match needs a 32-bit tag collision on the same slot run: rare enough
 * for a heuristic word count. The stop-word lookup was the stage's hottest spot with full
 * keys (perf on bench/bench_clean.sh). One map holds the stop words and the first words
 * of the phrases, so the normaliser probes once per word for both (callgrind: the second
 * probe per sampled word was ~2 % of the stage). */
typedef struct cl_slot {
    uint32_t tag;  /* 0: empty */
    uint32_t val;  /* stop-word language mask */
    uint32_t head; /* first phrase (index + 1) starting with this word, 0: none */
} cl_slot;

static inline uint32_t tag_of(uint64_t h) { return (uint32_t)(h >> 32) | 1u; }

/* 2^17 bits (16 KiB, stays in L1/L2): one bit per key from hash bits 15..31. A probe of
 * the slot array is a cache miss for most words that are not keys (perf: the slot compare
 * held 44 % of the stop-word lookup's samples, 11 % of the stage); the filter turns ~90 %
 * of those into a hit on a small bitmap. No false negatives, so results are the same. */
#define CL_BLOOM_WORDS 2048
static inline uint32_t bloom_bit(uint64_t h) { return (uint32_t)(h >> 15) & (CL_BLOOM_WORDS * 64 - 1); }

typedef struct cl_map {
    cl_slot *slots;
    uint64_t *hashes; /* full hash per slot, for rehashing only */
    size_t cap, n;
    uint64_t bloom[CL_BLOOM_WORDS];
} cl_map;

/* The mix of the inline hash, from the key's two zero-padded words: two multiplies and a
 * fold of the high half into the low one (the slot index and the filter bit come from
 * the low half, the tag is the high half). For keys of one length and second word it is
 * a bijection of the first word (odd multiplier, then an invertible fold), so short keys
 * never share a full hash. A third multiply and shift cost ~2 M instructions per 4 MB
 * (callgrind); the output did not change on the bench and stress corpora. */
static inline uint64_t cl_mix(uint64_t a, uint64_t b, size_t n)
{
    uint64_t h = (a ^ 0x9E3779B97F4A7C15ull) * 0xBF58476D1CE4E5B9ull;
    h ^= (b + n) * 0x94D049BB133111EBull;
    return h ^ (h >> 32);
}

/* No test of an empty map: its filter has no bit set, so the slots are never read. */
static inline const cl_slot *map_find_h(const cl_map *m, uint64_t h)
{
    uint32_t b = bloom_bit(h);
    if (!(m->bloom[b >> 6] >> (b & 63) & 1))
        return NULL;
    uint32_t t = tag_of(h);
    for (size_t i = h & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
        const cl_slot *s = &m->slots[i];
        if (s->tag == t)
            return s;
        if (!s->tag)
            return NULL;
    }
}

/* Bit 7 of each byte of x that is not an ASCII letter or digit (bytes >= 0x80 included):
 * range tests on the low seven bits, no carry crosses bytes. *lower: x with 'A'..'Z'
 * lowercased (the other bytes as they are); *digit: bit 7 of each ASCII digit. */
static inline uint64_t swar_word_stop(uint64_t x, uint64_t *lower, uint64_t *digit)
{
    const uint64_t hb = 0x8080808080808080ull, x7 = x & 0x7F7F7F7F7F7F7F7Full;
    uint64_t dg = (x7 + 0x5050505050505050ull) & ~(x7 + 0x4646464646464646ull);
    uint64_t y = x7 | 0x2020202020202020ull;
    uint64_t lt = (y + 0x1F1F1F1F1F1F1F1Full) & ~(y + 0x0505050505050505ull);
    /* Uppercase: a letter with bit 5 clear (x7 << 2 moves bit 5 of each byte to its bit
     * 7): three operations and no constant where a range test took six and two. */
    uint64_t up = lt & ~(x7 << 2) & hb;
    *lower = x | (up >> 2);
    *digit = dg & hb;
    return (~(dg | lt) | x) & hb;
}

static inline size_t cl_ascii_word(const cl_map *words, size_t stoplim, const char *st,
                                   const char *end, uint32_t *mask)
{
    if (end - st <= 16)
        return 0;
    uint64_t x, lo, dg, a, b = 0;
    memcpy(&x, st, 8);
    uint64_t stop = swar_word_stop(x, &lo, &dg);
    size_t n;
    if (stop) {
        n = (size_t)__builtin_ctzll(stop) >> 3;
        a = lo & ((1ull << (8 * n)) - 1);
    } else {
        a = lo;
        memcpy(&x, st + 8, 8);
        stop = swar_word_stop(x, &lo, &dg);
        if (!stop)
            return 0; /* 16 bytes or more */
        size_t r = (size_t)__builtin_ctzll(stop) >> 3;
        b = lo & ((1ull << (8 * r)) - 1);
        n = 8 + r;
    }
    /* The byte after the run (n < 16 < end - st, so it and the next exist): not a
     * joiner, or a joiner before an ASCII byte that is no letter or digit. */
    unsigned char e = (unsigned char)st[n], e1 = (unsigned char)st[n + 1];
    if (e >= 0x80)
        return 0;
    if ((e == '\'' || e == '-' || e == '.' || e == '_') &&
        (e1 >= 0x80 || (((e1 | 32) >= 'a' && (e1 | 32) <= 'z') || (e1 >= '0' && e1 <= '9'))))
        return 0;
    const cl_slot *s = n <= stoplim ? map_find_h(words, cl_mix(a, b, n)) : NULL;
    *mask = s ? s->val : 0;
    return n;
}

/* The word of line_words (tm_clean_stage.c) that starts at st, an ASCII letter or digit,
 * when it is a run of at most 15 ASCII letters and digits that the next bytes end: its
 * length, and in *mask cl_lex_stopmask of it. 0 when the caller's walk must decide (a
 * longer or non-ASCII word, a joiner that continues it, fewer than 17 bytes left). The
 * key is lowercased and hashed in registers: line_words' byte walk and cl_lex_stopmask's
 * key build cost ~270 instructions per sampled word (callgrind). cl_ascii_word is the
 * same on the map of cl_lex_words with stoplim cl_lex_stop_maxlen. */
size_t cl_lex_ascii_word(const cl_lex *lx, const char *st, const char *end, uint32_t *mask);
const cl_map *cl_lex_words(const cl_lex *lx);
/* Longest byte length (in the original text) a stop word can have: cl_lex_stopmask is 0
 * above it, else, for a word of letters and digits only, cl_nword.stop. */
size_t cl_lex_stop_maxlen(const cl_lex *lx);

/* Phrase hits of one normalised line. */
typedef struct cl_hits {
    uint32_t words;              /* words of the normalised line */
    uint32_t bytes;              /* its bytes, spaces excluded */
    uint32_t covered[LX__COUNT]; /* bytes (spaces excluded) covered by phrases of a class */
    int16_t first[LX__COUNT];    /* word index of the first hit of each class, -1: none */
    uint32_t end0[LX__COUNT];    /* for a hit at word 0: normalised byte end of the phrase */
} cl_hits;
void cl_lex_scan(const cl_lex *lx, const cl_norm *nl, cl_hits *h);
/* Length (normalised bytes) of the longest phrase of class c that is a prefix of the
 * normalised line, with or without a word boundary after it (0: none). A label glued to
 * the next word ("read alsoWashington") matches without the boundary. */
size_t cl_lex_prefix(const cl_lex *lx, cl_lexclass c, const cl_norm *nl, bool *boundary);
/* One bit per first two normalised bytes of a related label (a one-byte label sets its
 * byte with every second one), 65536 bits. */
const uint64_t *cl_lex_related2(const cl_lex *lx);
/* Whether a related label can be a prefix of the normalised line: cl_lex_prefix's first
 * test, inline, since most lines start with none (the call was ~1 M instructions per
 * 4 MB, callgrind). */
static inline bool cl_related_possible(const uint64_t *related2, const cl_norm *nl)
{
    if (!nl->n)
        return false;
    unsigned key = (unsigned char)nl->s[0] | (unsigned)(nl->n > 1 ? (unsigned char)nl->s[1] : 0) << 8;
    return related2[key >> 6] >> (key & 63) & 1;
}
/* Month number (1..12) of a normalised word of n bytes whose phrase chain is head
 * (cl_nword.head), 0 if it is none. */
int cl_lex_month(const cl_lex *lx, int32_t head, size_t n);

/* ---- metadata parsers (tm_clean_meta.c); every result is allocated in the arena. */
/* If the line is a date line (an optional label and a date, little else), returns the
 * ISO 8601 date ("2023-11-09", with "T10:30" when a time is given) or NULL. *label is set
 * to LX_PUBLISHED or LX_UPDATED from the label (LX_PUBLISHED when none). *stub is set when
 * the line is a date label with no date ("Published on:"). */
const char *cl_parse_date_line(const cl_lex *lx, tm_arena *a, const char *line, size_t n,
                               const cl_norm *nl, const cl_hits *h, cl_lexclass *label,
                               bool *stub);
/* Reading time in minutes when the line is a reading-time line ("5 min read"), else 0. */
int cl_parse_reading_time(const cl_lex *lx, const cl_norm *nl, const cl_hits *h);
/* Whether the line's hits allow a reading time or a byline at all: the parsers' first
 * tests, inline so that most lines skip the calls (~2 M instructions per 4 MB). */
static inline bool cl_reading_time_possible(const cl_hits *h)
{
    return h->words >= 2 && h->words <= 7 && h->first[LX_READTIME] >= 0;
}
static inline bool cl_byline_possible(const cl_hits *h)
{
    return h->words >= 2 && h->words <= 16 &&
           ((h->first[LX_CORRESP] == 0 && h->end0[LX_CORRESP]) ||
            (h->first[LX_BYLINE] == 0 && h->end0[LX_BYLINE]));
}
/* Byline: author(s) (several joined with "; ") and dateline place. Returns true when
 * the line is a byline; *author and *place may be NULL. */
bool cl_parse_byline(const cl_lex *lx, tm_arena *a, const char *line, size_t n,
                     const cl_norm *nl, const cl_hits *h, const char **author,
                     const char **place);

/* ---- inline UTF-8 and character classes for the per-byte loops (the calls into
 * utf8proc per code point were ~15 % of the stage's instructions, callgrind). */
#include "../common/tm_unicode.h"

/* tm_utf8_next, inline for 1- to 3-byte sequences that are valid by construction;
 * anything else (overlong, surrogate, 4-byte, truncated, invalid) goes to tm_utf8_next,
 * so the result is always the same. */
static inline int32_t cl_utf8_next(const char **pp, const char *end)
{
    const unsigned char *p = (const unsigned char *)*pp;
    unsigned c = p[0];
    if (c < 0x80) {
        *pp += 1;
        return (int32_t)c;
    }
    ptrdiff_t left = end - *pp;
    if (c >= 0xC2 && c <= 0xDF && left >= 2 && (p[1] & 0xC0) == 0x80) {
        *pp += 2;
        return (int32_t)(((c & 0x1Fu) << 6) | (p[1] & 0x3Fu));
    }
    if (c >= 0xE1 && c <= 0xEF && c != 0xED && left >= 3 && (p[1] & 0xC0) == 0x80 &&
        (p[2] & 0xC0) == 0x80) {
        *pp += 3;
        return (int32_t)(((c & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu));
    }
    return tm_utf8_next(pp, end);
}

/* Adds the character counts of the stage (code-point starts, letters: ASCII letters and
 * lead bytes >= 0xC0, bytes >= 0x80) of bytes [st, p), one code point that cl_utf8_next
 * read from non-ASCII bytes: more than one byte read is a valid sequence (one lead byte
 * >= 0xC2, then continuation bytes); one byte read is counted as it is. */
static inline void cl_cp_counts(const char *st, const char *p, uint32_t *chars,
                                uint32_t *letters, uint32_t *high)
{
    unsigned char c = (unsigned char)*st;
    if (p - st > 1) {
        (*chars)++;
        (*letters)++;
    } else {
        *chars += (c & 0xC0) != 0x80;
        *letters += c >= 0xC0;
    }
    *high += (uint32_t)(p - st);
}

/* memmem for the short needles of this stage (" | ", "://", " and "): memchr for the
 * needle's second byte (the first is often a space), then the bytes around it. glibc's
 * memmem set-up cost more than the search on these short lines (callgrind). Same result:
 * the first occurrence, or NULL. */
static inline const char *cl_memmem(const char *h, size_t n, const char *nd, size_t k)
{
    if (k < 2)
        return k ? (const char *)memchr(h, nd[0], n) : h;
    if (n < k)
        return NULL;
    const char *p = h + 1, *last = h + n - k + 1; /* where nd[1] of a match can be */
    while (p <= last && (p = memchr(p, nd[1], (size_t)(last - p) + 1))) {
        if (p[-1] == nd[0] && memcmp(p + 1, nd + 2, k - 2) == 0)
            return p - 1;
        p++;
    }
    return NULL;
}

/* tm_is_nospace_script with its big answers inline: CJK (U+2E80..U+9FFF) is, and
 * nothing below U+0E00, in U+1800..U+2E7F (punctuation, symbols: curly quotes, dashes,
 * the euro sign) or in U+A000..U+F8FF (Hangul among them) is; the rest asks it. The
 * out-of-line call per CJK or Hangul character was ~3 M instructions per 4 MB, per
 * punctuation character ~0.8 M (callgrind). test_clean_fast compares all code points. */
static inline bool cl_is_nospace(int32_t cp)
{
    if (cp < 0x0E00)
        return false;
    if (cp < 0x2E80)
        return cp < 0x1800 && tm_is_nospace_script(cp);
    if (cp <= 0x9FFF)
        return true;
    if (cp >= 0xA000 && cp < 0xF900)
        return false;
    return tm_is_nospace_script(cp);
}

/* tm_utf8_put, inline below U+D800. */
static inline size_t cl_utf8_put(char *o, int32_t cp)
{
    if (cp >= 0 && cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp >= 0x80 && cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp >= 0x800 && cp < 0xD800) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    return tm_utf8_put(o, cp);
}

/* tm_is_letter / tm_is_digit / tm_is_upper and utf8proc_tolower for U+0000..U+07FF
 * (Latin, Greek, Cyrillic, Armenian, Hebrew, Arabic), tabulated at stage start. */
enum { CL_CP_LETTER = 1, CL_CP_DIGIT = 2, CL_CP_UPPER = 4 };
typedef struct cl_cptab {
    uint8_t cls[0x800];
    int32_t lower[0x800];
} cl_cptab;
const cl_cptab *cl_lex_cptab(const cl_lex *lx);
static inline bool cl_is_letter(const cl_cptab *t, int32_t cp)
{
    return cp >= 0 && cp < 0x800 ? (t->cls[cp] & CL_CP_LETTER) != 0 : tm_is_letter(cp);
}
static inline bool cl_is_digit(const cl_cptab *t, int32_t cp)
{
    return cp >= 0 && cp < 0x800 ? (t->cls[cp] & CL_CP_DIGIT) != 0 : tm_is_digit(cp);
}
static inline bool cl_is_upper(const cl_cptab *t, int32_t cp)
{
    return cp >= 0 && cp < 0x800 ? (t->cls[cp] & CL_CP_UPPER) != 0 : tm_is_upper(cp);
}
int32_t cl_tolower_slow(int32_t cp);
static inline int32_t cl_tolower(const cl_cptab *t, int32_t cp)
{
    return cp >= 0 && cp < 0x800 ? t->lower[cp] : cl_tolower_slow(cp);
}

#endif
