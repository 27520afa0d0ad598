/* tm_clean_stage.c — the 'clean' stage: a language-aware line classifier for extracted
 * text (WET, scraped articles) that keeps the article, moves title, byline, dates, reading
 * time, site and related links into metadata, and in corpus mode drops lines repeated
 * across many documents (CCNet-style hash counts). docs/clean.md explains every rule. */
#include "tm_clean_int.h"
#include "../common/tm_unicode.h"

#include <stdio.h>
#include <stdlib.h>
#include <xxhash.h>

typedef struct clean_cfg {
    bool enabled;
    bool after_extract;
    bool explain;
    bool corpus;
    int64_t corpus_min_docs;
    int64_t corpus_table_mb;
    double stop_good;
    double stop_low;
    int64_t good_words;
    int64_t short_chars;
    int64_t lexicon_max_bytes;
    bool region;
    int64_t max_gap;
    int64_t max_lines;
    int64_t list_run;
    int64_t list_run_edge;
} clean_cfg;

static const tm_param clean_params[] = {
    {"enabled", TM_P_BOOL, "true", offsetof(clean_cfg, enabled), "run this stage"},
    {"after_extract", TM_P_BOOL, "false", offsetof(clean_cfg, after_extract),
     "also clean text that extract produced from HTML (default: text records only)"},
    {"explain", TM_P_BOOL, "false", offsetof(clean_cfg, explain),
     "replace the text by every line prefixed with KEEP/DROP and the rule (no doc is dropped)"},
    {"corpus", TM_P_BOOL, "false", offsetof(clean_cfg, corpus),
     "corpus mode: first pass counts normalised line hashes; lines seen in many docs are dropped"},
    {"corpus_min_docs", TM_P_INT, "3", offsetof(clean_cfg, corpus_min_docs),
     "corpus mode: a line found in at least this many documents is boilerplate"},
    {"corpus_table_mb", TM_P_INT, "256", offsetof(clean_cfg, corpus_table_mb),
     "corpus mode: memory ceiling of the line-hash table (MiB, 16 bytes per distinct line)"},
    {"stop_good", TM_P_DOUBLE, "0.25", offsetof(clean_cfg, stop_good),
     "stop-word density (document language) from which a sentence-like line is body text"},
    {"stop_low", TM_P_DOUBLE, "0.15", offsetof(clean_cfg, stop_low),
     "stop-word density below which a long line is not prose"},
    {"good_words", TM_P_INT, "8", offsetof(clean_cfg, good_words),
     "words a line with terminal punctuation needs to count as body text on its own"},
    {"short_chars", TM_P_INT, "40", offsetof(clean_cfg, short_chars),
     "lines shorter than this (characters) are judged by their neighbours"},
    {"lexicon_max_bytes", TM_P_INT, "250", offsetof(clean_cfg, lexicon_max_bytes),
     "lines longer than this are not matched against the phrase lexicon (speed)"},
    {"region", TM_P_BOOL, "true", offsetof(clean_cfg, region),
     "keep only the densest run of body lines (the article) and what lies between them"},
    {"max_gap", TM_P_INT, "8", offsetof(clean_cfg, max_gap),
     "region: this many dropped lines in a row end the article"},
    {"max_lines", TM_P_INT, "1000000", offsetof(clean_cfg, max_lines),
     "documents with more lines are dropped (clean_too_many_lines): ~130 bytes a line in memory"},
    {"list_run", TM_P_INT, "6", offsetof(clean_cfg, list_run),
     "this many consecutive list items (2-20 words, no final full stop) are navigation (0: off)"},
    {"list_run_edge", TM_P_INT, "3", offsetof(clean_cfg, list_run_edge),
     "same, before the first or after the last full-stop body sentence (header, footer; 0: off)"},
    {0},
};

/* ---- corpus table: bounded open-addressing map from line hash to document count. */
typedef struct cl_entry {
    uint64_t h; /* 0: empty (a real 0 hash is mapped to 1) */
    uint32_t n;
    uint32_t pad;
} cl_entry;

typedef struct cl_table {
    cl_entry *e;
    size_t cap, n, max_entries;
    uint32_t floor; /* counts at or below this were pruned at least once (lossy counting) */
    uint64_t prunes, lines_seen, docs_seen;
} cl_table;

typedef struct clean_state {
    const clean_cfg *cfg;
    cl_lex *lx;
    cl_table tab;
    tm_buf scratch; /* observe is serial: one scratch buffer of hashes */
    uint64_t docs, dropped, lines_in, lines_kept;
} clean_state;

/* ---- line model */
enum { CLS_BAD = 0, CLS_SHORT, CLS_NEAR, CLS_GOOD };

typedef struct cl_line {
    uint32_t off, len;
    uint32_t nchars, nwords, nstop, ncap, ndigits, nletters;
    uint32_t nlook; /* words looked up in the stop-word lists (a prefix sample) */
    uint32_t ncjk;  /* code points of scripts written without spaces */
    bool ascii;     /* every byte < 0x80 */
    bool blank_before;
    bool endp;      /* ends like a sentence (. ! ? … 。 and closing quotes after them) */
    bool colon_end; /* ends with ':' */
    bool fullstop;  /* ends with a full stop (. 。 । ։ ۔ ።), not ? ! ; … */
    bool meta;      /* moved to metadata */
    bool comment_head; /* "12 comments", "leave a reply": a reader-comment section opens */
    bool navfull;   /* every word is a navigation phrase */
    bool header_meta; /* a byline or a date line that is not a quote's signature */
    uint8_t cls;
    bool keep;
    const char *why;
} cl_line;

typedef struct cl_wordctx {
    const cl_lex *lx;
    const cl_cptab *ct;
    const tm_wordset *ws; /* stop words of a language outside the map, or NULL */
    uint16_t *lc;         /* stop-word hits of the current line per language of the map */
    uint32_t look;        /* words of the line still to look up (0: none) */
    cl_line *l;
    const char *line;     /* the line's first byte */
    const cl_nword *nw;   /* its normalised words (lines that get the lexicon), or NULL */
    size_t nnw, wj;       /* their count; the next one that can match a word */
    size_t stoplim;       /* cl_lex_stop_maxlen */
    const char *counted;  /* where count_words started on the line (NULL: it did not) */
    uint32_t high;        /* bytes >= 0x80 count_words saw */
    const cl_map *words;  /* cl_lex_words: the sample's short ASCII words probe it inline */
} cl_wordctx;

/* Counts one looked-up word in every stop-word list whose bit is set in m. */
static inline __attribute__((always_inline)) void add_stopmask(cl_wordctx *c, uint32_t m)
{
    /* A line counts at most 32 lookups (look), so a count cannot overflow. */
    for (; m; m &= m - 1)
        c->lc[__builtin_ctz(m)]++;
}

/* 1 when the word w[0..n) starts with an uppercase letter. */
static inline __attribute__((always_inline)) uint32_t word_cap(const cl_wordctx *c,
                                                               const char *w, size_t n)
{
    unsigned char c0 = (unsigned char)w[0];
    if (c0 < 0x80)
        return c0 >= 'A' && c0 <= 'Z';
    const char *p = w, *end = w + n;
    return cl_is_upper(c->ct, cl_utf8_next(&p, end));
}

/* Called once per word w[0..n): forced inline, since at -O2 gcc stopped inlining it once
 * classify was inlined into clean_process (+8 M instructions per 4 MB, callgrind). nw is
 * the word's normalised word when the caller knows it is one, else NULL. */
static inline __attribute__((always_inline)) void on_word(cl_wordctx *c, const char *w,
                                                          size_t n, const cl_nword *nw)
{
    cl_line *l = c->l;
    l->nwords++;
    l->ncap += word_cap(c, w, n);
    if (!c->look)
        return;
    c->look--;
    l->nlook++;
    if (c->ws) {
        l->nstop += tm_wordset_has(c->ws, w, n);
        return;
    }
    /* One lookup gives every language the word is a stop word of: the counts serve the
     * language guess and the density of whichever language wins. A word that is also a
     * word of the normalised line (same bytes: letters and digits only) was looked up
     * by the normaliser already (one probe for this and the phrase scan). */
    if (!nw && c->nnw) {
        uint32_t off = (uint32_t)(w - c->line);
        while (c->wj < c->nnw && c->nw[c->wj].ostart < off)
            c->wj++;
        if (c->wj < c->nnw && c->nw[c->wj].ostart == off && c->nw[c->wj].oend == off + n)
            nw = &c->nw[c->wj];
    }
    add_stopmask(c, nw ? (n <= c->stoplim ? nw->stop : 0) : cl_lex_stopmask(c->lx, w, n));
}

static const bool ascii_alnum[128] = {
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1,
    ['8'] = 1, ['9'] = 1, ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1,
    ['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1,
    ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1,
    ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1, ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1,
    ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1,
    ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1,
    ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1};

/* The same for every byte value (0 for bytes >= 0x80). */
#define AN(c) (((c) >= '0' && (c) <= '9') || (((c) | 32) >= 'a' && ((c) | 32) <= 'z'))
#define AN4(c) AN(c), AN((c) + 1), AN((c) + 2), AN((c) + 3)
#define AN16(c) AN4(c), AN4((c) + 4), AN4((c) + 8), AN4((c) + 12)
#define AN64(c) AN16(c), AN16((c) + 16), AN16((c) + 32), AN16((c) + 48)
static const bool ascii_alnum256[256] = {AN64(0), AN64(64)};

/* The ASCII joiners of a word (' - . _). */
static const bool ascii_joiner[256] = {['\''] = 1, ['-'] = 1, ['.'] = 1, ['_'] = 1};

static inline bool word_cp(const cl_cptab *t, int32_t cp)
{
    return cp < 0x80 ? ascii_alnum[cp] : (cl_is_letter(t, cp) || cl_is_digit(t, cp));
}

/* A run of characters of scripts written without spaces (Han, Kana, Thai, ...) whose
 * first character was just read, up to *pp: counted as one word per two characters
 * (no ICU dictionary segmentation, see line_words). */
static void nospace_run(cl_line *l, const char **pp, const char *end)
{
    const char *p = *pp;
    size_t run = 1;
    while (p < end && (unsigned char)*p >= 0xE0) {
        const char *q = p;
        if (!cl_is_nospace(cl_utf8_next(&q, end)))
            break;
        p = q;
        run++;
    }
    l->nwords += (uint32_t)((run + 1) / 2);
    l->ncjk += (uint32_t)run;
    *pp = p;
}

/* SWAR byte masks (bit 7 of each byte) of eight ASCII bytes: no byte has bit 7, so no
 * add carries into the next byte. */
#define SW_ONES 0x0101010101010101ull
#define SW_HB 0x8080808080808080ull
#define SW_RANGE(x, lo, hi) ((((x) + SW_ONES * (0x80 - (lo))) & ~((x) + SW_ONES * (0x7F - (hi)))) & SW_HB)
#define SW_COUNT(m) ((uint32_t)((((m) >> 7) * SW_ONES) >> 56))
/* Sum of the eight byte lanes of a (each up to 255). */
#define SW_HSUM(a) ((uint32_t)(((((a) & 0x00FF00FF00FF00FFull) + (((a) >> 8) & 0x00FF00FF00FF00FFull)) * \
                                0x0001000100010001ull) >> 48))

/* The word counts of line_words from p to the end, for the words past the stop-word
 * sample (only counted: words and capitalised first characters). A word
 * starts at a letter or digit that follows neither a letter or digit nor a joiner that
 * follows one (line_words joins "a.b", "l'a"); pw: the character before p is a letter or
 * digit. Eight ASCII bytes at a time; the byte walk was ~17 M instructions per 4 MB on
 * the lines over lexicon_max_bytes (callgrind). */
static void count_words(cl_wordctx *c, const char *p, const char *end, bool pw)
{
    cl_line *l = c->l;
    uint32_t words = 0, cap = 0, chars = 0, digits = 0, letters = 0, high = 0;
    bool pjw = false; /* the character before p is a joiner that follows a letter or digit */
    /* Per-byte counts of the ASCII chunks in byte lanes, summed every 255 chunks: one
     * shift and add per count instead of a multiply. */
    uint64_t aw = 0, ac = 0, ad = 0, al = 0;
    uint32_t lanes = 0;
    c->counted = p;
    while (p < end) {
        uint64_t x;
        if (end - p >= 8 && (memcpy(&x, p, 8), !(x & SW_HB))) {
            /* A run of ASCII chunks in a loop of its own, its counts and flags in locals:
             * in the one loop with the byte path gcc kept the lane counts on the stack
             * (~70 instructions per chunk, callgrind). */
            uint64_t w8 = aw, c8 = ac, d8 = ad, l8 = al;
            uint64_t p7 = pw ? 0x80u : 0u, j7 = pjw ? 0x80u : 0u;
            uint32_t ln = lanes;
            const char *run = p;
            do {
                uint64_t y = x | 0x2020202020202020ull;
                /* Uppercase: a letter with bit 5 clear (moved to bit 7 by the shift). */
                uint64_t lt = SW_RANGE(y, 'a', 'z'), up = lt & ~(x << 2);
                uint64_t dg = SW_RANGE(x, '0', '9'), an = lt | dg;
                uint64_t jn = SW_RANGE(x, '-', '.') | SW_RANGE(x, '\'', '\'') | SW_RANGE(x, '_', '_');
                uint64_t prev = (an << 8) | p7;
                uint64_t jw = jn & prev;
                uint64_t st = an & ~prev & ~((jw << 8) | j7);
                w8 += st >> 7;
                c8 += (st & up) >> 7;
                d8 += dg >> 7;
                l8 += lt >> 7;
                if (++ln == 255) {
                    words += SW_HSUM(w8), cap += SW_HSUM(c8);
                    digits += SW_HSUM(d8), letters += SW_HSUM(l8);
                    w8 = c8 = d8 = l8 = 0;
                    ln = 0;
                }
                p7 = (an >> 56) & 0x80;
                j7 = (jw >> 56) & 0x80;
                p += 8;
            } while (end - p >= 8 && (memcpy(&x, p, 8), !(x & SW_HB)));
            aw = w8, ac = c8, ad = d8, al = l8;
            lanes = ln;
            pw = p7 != 0;
            pjw = j7 != 0;
            chars += (uint32_t)(p - run);
            continue;
        }
        unsigned char b = (unsigned char)*p;
        bool w, j;
        if (b < 0x80) {
            p++;
            chars++;
            digits += b >= '0' && b <= '9';
            letters += (b | 32) >= 'a' && (b | 32) <= 'z';
            w = ascii_alnum[b];
            j = ascii_joiner[b];
            if (w && !pw && !pjw) {
                words++;
                cap += b >= 'A' && b <= 'Z';
            }
        } else {
            const char *st = p;
            int32_t cp = cl_utf8_next(&p, end);
            bool ns = cl_is_nospace(cp);
            if (ns)
                nospace_run(l, &p, end);
            /* char_stats' counts of the bytes read (a run of no-space characters is
             * read whole: byte by byte). */
            if (ns) {
                for (const char *q = st; q < p; q++) {
                    chars += ((unsigned char)*q & 0xC0) != 0x80;
                    letters += (unsigned char)*q >= 0xC0;
                }
                high += (uint32_t)(p - st);
            } else {
                cl_cp_counts(st, p, &chars, &letters, &high);
            }
            if (ns) {
                pw = pjw = false;
                continue;
            }
            w = word_cp(c->ct, cp);
            j = cp == 0x2019 || cp == 0x00B7;
            if (w && !pw && !pjw) {
                words++;
                cap += cl_is_upper(c->ct, cp);
            }
        }
        pjw = j && pw;
        pw = w;
    }
    l->nwords += words + SW_HSUM(aw);
    l->ncap += cap + SW_HSUM(ac);
    l->nchars += chars;
    l->ndigits += digits + SW_HSUM(ad);
    l->nletters += letters + SW_HSUM(al);
    c->high += high;
}

/* Words of a line with tm_words' rules (runs of letters and digits, joined by an inner
 * ' ’ - . · _), except that runs of scripts written without spaces (Han, Kana, Thai, ...)
 * count one word per two code points instead of going through ICU's dictionary
 * segmentation. Hand-written because tm_words decodes and classifies every character
 * through utf8proc and checks every one for a no-space script, and segments with ICU:
 * together 40 % of the stage's instructions (callgrind, bench/bench_clean.sh corpus).
 * ASCII bytes go through a table; the classifier only needs counts and a few words. */
static void line_words(const char *s, size_t n, cl_wordctx *c)
{
    const char *p = s, *end = s + n;
    if (!c->look) {
        count_words(c, p, end, false);
        return;
    }
    /* Words, capitals and lookups of the short ASCII words, in registers until the end. */
    uint32_t fwords = 0, fcap = 0;
    while (p < end) {
        const char *st = p;
        int32_t cp;
        if ((unsigned char)*p < 0x80) {
            cp = (unsigned char)*p++;
            if (!ascii_alnum[cp])
                continue;
            uint32_t mask;
            size_t wl;
            /* Most sampled words: a short ASCII word found and looked up in registers
             * (on_word's counts for an ASCII first byte, then its lookup). */
            if (!c->ws && !c->nnw && (wl = cl_ascii_word(c->words, c->stoplim, st, end, &mask))) {
                fwords++;
                fcap += cp >= 'A' && cp <= 'Z';
                c->look--;
                add_stopmask(c, mask);
                p = st + wl;
                if (!c->look) {
                    count_words(c, p, end, true);
                    break;
                }
                p++; /* the ASCII byte that ended the word: no letter or digit, and no
                      * joiner of a word (cl_ascii_word's tests) */
                continue;
            }
        } else {
            cp = cl_utf8_next(&p, end);
            if (cl_is_nospace(cp)) {
                nospace_run(c->l, &p, end);
                continue;
            }
            if (!word_cp(c->ct, cp))
                continue;
        }
        const char *we = p;
        while (p < end) {
            /* Runs of ASCII letters and digits, most of any word, in a tight loop. */
            while (p < end && ascii_alnum256[(unsigned char)*p])
                p++;
            we = p;
            if (p == end)
                break;
            const char *cs = p;
            int32_t x;
            if ((unsigned char)*p < 0x80)
                x = (unsigned char)*p++;
            else
                x = cl_utf8_next(&p, end);
            if (cl_is_nospace(x)) {
                p = cs;
                break;
            }
            if (word_cp(c->ct, x)) {
                we = p;
                continue;
            }
            if (x == '\'' || x == 0x2019 || x == '-' || x == '.' || x == 0x00B7 || x == '_') {
                const char *q = p;
                if (q < end) {
                    int32_t nx = (unsigned char)*q < 0x80 ? (unsigned char)*q++ : cl_utf8_next(&q, end);
                    if (word_cp(c->ct, nx) && !cl_is_nospace(nx)) {
                        p = we = q;
                        continue;
                    }
                }
            }
            p = cs;
            break;
        }
        on_word(c, st, (size_t)(we - st), NULL);
        p = we;
        if (!c->look) {
            count_words(c, p, end, true);
            break;
        }
    }
    c->l->nwords += fwords;
    c->l->ncap += fcap;
    c->l->nlook += fwords;
}

/* True when line bytes [a, b) between two normalised words are one joiner (' - . _ · ’):
 * line_words joins the words around it into one. */
static inline bool is_joiner_gap(const char *s, uint32_t a, uint32_t b)
{
    /* Nearly every gap is one byte (a space): tested first, through a table (a switch
     * and four compares were ~2 M instructions per 4 MB, callgrind). */
    const unsigned char *u = (const unsigned char *)s + a;
    if (b - a == 1)
        return ascii_joiner[u[0]];
    if (b - a == 2)
        return u[0] == 0xC2 && u[1] == 0xB7;
    return b - a == 3 && u[0] == 0xE2 && u[1] == 0x80 && u[2] == 0x99;
}

/* line_words' result from the normalised line, for a line without characters of scripts
 * written without spaces: its normalised words are the maximal runs of letters and digits,
 * and a word of line_words is a chain of them joined by single joiners. Saves the second
 * walk over the bytes of every line that gets the lexicon; a one-part word has its hash. */
static void words_from_norm(cl_wordctx *c, const char *s, const cl_norm *nl)
{
    const cl_nword *w = nl->w;
    size_t j = 0, e;
    uint32_t words = 0, cap = 0;
    if (c->ws) {
        /* A language outside the map: on_word asks its word set. */
        for (; j < nl->nw && c->look; j = e + 1) {
            for (e = j; e + 1 < nl->nw && is_joiner_gap(s, w[e].oend, w[e + 1].ostart);)
                e++;
            on_word(c, s + w[j].ostart, w[e].oend - w[j].ostart, e == j ? &w[j] : NULL);
        }
    } else {
        /* on_word's steps with the counts in registers (per-word updates of the line were
         * ~2 M instructions per 4 MB, callgrind). A one-part word has the normaliser's
         * lookup; a joined one matches no normalised word, so on_word would look it up. */
        uint32_t look = c->look;
        for (; j < nl->nw && look; j = e + 1) {
            for (e = j; e + 1 < nl->nw && is_joiner_gap(s, w[e].oend, w[e + 1].ostart);)
                e++;
            size_t n = w[e].oend - w[j].ostart;
            words++;
            cap += word_cap(c, s + w[j].ostart, n);
            look--;
            add_stopmask(c, e == j ? (n <= c->stoplim ? w[j].stop : 0)
                                   : cl_lex_stopmask(c->lx, s + w[j].ostart, n));
        }
        c->l->nlook += c->look - look;
        c->look = look;
    }
    /* The words past the sample are only counted. */
    for (; j < nl->nw; j = e + 1) {
        for (e = j; e + 1 < nl->nw && is_joiner_gap(s, w[e].oend, w[e + 1].ostart);)
            e++;
        words++;
        cap += word_cap(c, s + w[j].ostart, w[e].oend - w[j].ostart);
    }
    c->l->nwords += words;
    c->l->ncap += cap;
}

/* Per byte: code-point start (bits 0-15), ASCII digit (16-31), letter (32-47: ASCII
 * letters and non-ASCII lead bytes, nearly always letters in running text), non-ASCII
 * (48-63). */
#define CS_LETTER(c) ((((c) | 32) >= 'a' && ((c) | 32) <= 'z') || (c) >= 0xC0)
#define CS(c) ((uint64_t)(((c) & 0xC0) != 0x80) | ((uint64_t)((c) >= '0' && (c) <= '9') << 16) | \
               ((uint64_t)CS_LETTER(c) << 32) | ((uint64_t)((c) >= 0x80) << 48))
#define CS4(c) CS(c), CS((c) + 1), CS((c) + 2), CS((c) + 3)
#define CS16(c) CS4(c), CS4((c) + 4), CS4((c) + 8), CS4((c) + 12)
#define CS64(c) CS16(c), CS16((c) + 16), CS16((c) + 32), CS16((c) + 48)
static const uint64_t cs_tab[256] = {CS64(0), CS64(64), CS64(128), CS64(192)};

/* Character statistics of a line (lines that get the lexicon have them from the
 * normaliser, which computes the same), added to l's; high: bytes >= 0x80 in the rest of
 * the line. Every count is a sum over bytes, so a line's parts can be counted apart. */
static void char_stats(cl_line *l, const char *s, size_t n, uint32_t high_rest)
{
    uint32_t chars = 0, digits = 0, letters = 0, high = 0;
    /* Eight bytes at a time: an all-ASCII word (most of the text) by SWAR, where every
     * byte starts a code point and digits and letters are found by range tests on all
     * bytes at once (no carry crosses bytes below 0x80) and summed by one multiply; a
     * word with other bytes through the table (one load and add per byte, four 16-bit
     * counters in a word, flushed before 65535 bytes). The branchy byte loop was 15 % of
     * the stage's instructions, the table loop alone 4 %; now under 2 % (callgrind). */
    uint64_t acc = 0;
    size_t i = 0, inacc = 0;
    const uint64_t hb = 0x8080808080808080ull, ones = 0x0101010101010101ull;
    for (; n - i >= 8; i += 8) {
        uint64_t x;
        memcpy(&x, s + i, 8);
        if (x & hb) {
            for (size_t j = i; j < i + 8; j++)
                acc += cs_tab[(unsigned char)s[j]];
            if ((inacc += 8) > 65535 - 8) {
                chars += (uint32_t)(acc & 0xFFFF);
                digits += (uint32_t)((acc >> 16) & 0xFFFF);
                letters += (uint32_t)((acc >> 32) & 0xFFFF);
                high += (uint32_t)(acc >> 48);
                acc = 0;
                inacc = 0;
            }
            continue;
        }
        uint64_t dg = (x + 0x5050505050505050ull) & ~(x + 0x4646464646464646ull) & hb;
        uint64_t y = x | 0x2020202020202020ull;
        uint64_t lt = (y + 0x1F1F1F1F1F1F1F1Full) & ~(y + 0x0505050505050505ull) & hb;
        chars += 8;
        digits += (uint32_t)(((dg >> 7) * ones) >> 56);
        letters += (uint32_t)(((lt >> 7) * ones) >> 56);
    }
    for (; i < n; i++) /* at most 7 bytes: acc holds at most 65534 */
        acc += cs_tab[(unsigned char)s[i]];
    chars += (uint32_t)(acc & 0xFFFF);
    digits += (uint32_t)((acc >> 16) & 0xFFFF);
    letters += (uint32_t)((acc >> 32) & 0xFFFF);
    high += (uint32_t)(acc >> 48);
    l->nchars += chars;
    l->ascii = high + high_rest == 0;
    l->ndigits += digits;
    l->nletters += letters;
}

/* Sentence ending of a line. */
static void line_end(cl_line *l, const char *s, size_t n)
{
    /* Skip closing quotes and brackets, then look at the last mark. */
    const char *e = s + n;
    while (e > s) {
        unsigned char c = (unsigned char)e[-1];
        if (c == '"' || c == '\'' || c == ')' || c == ']' || c == ' ')
            e--;
        else if (c < 0x80) /* the marks below end with a byte >= 0x80 */
            break;
        else if (e - s >= 3 && (memcmp(e - 3, "\xE2\x80\x9D", 3) == 0 || /* ” */
                                memcmp(e - 3, "\xE2\x80\x99", 3) == 0))  /* ’ */
            e -= 3;
        else if (e - s >= 2 && memcmp(e - 2, "\xC2\xBB", 2) == 0) /* » */
            e -= 2;
        else
            break;
    }
    if (e == s)
        return;
    unsigned char c = (unsigned char)e[-1];
    if (c == '.' || c == '!' || c == '?' || c == ';') {
        l->endp = true;
        l->fullstop = c == '.';
    } else if (c == ':') {
        l->colon_end = true;
    } else if (c < 0x80) {
        return; /* the marks below end with a byte >= 0x80 */
    } else if (e - s >= 3 && (memcmp(e - 3, "\xE2\x80\xA6", 3) == 0 ||  /* … */
                              memcmp(e - 3, "\xE3\x80\x82", 3) == 0 ||  /* 。 */
                              memcmp(e - 3, "\xEF\xBC\x81", 3) == 0 ||  /* ！ */
                              memcmp(e - 3, "\xEF\xBC\x9F", 3) == 0)) { /* ？ */
        l->endp = true;
        l->fullstop = c == 0x82;
    } else if (e - s >= 2 && (memcmp(e - 2, "\xD8\x9F", 2) == 0 ||      /* ؟ */
                              memcmp(e - 2, "\xDB\x94", 2) == 0 ||      /* ۔ */
                              memcmp(e - 2, "\xD6\x89", 2) == 0)) {     /* ։ */
        l->endp = true;
        l->fullstop = c != 0x9F;
    } else if (e - s >= 3 && (memcmp(e - 3, "\xE0\xA5\xA4", 3) == 0 ||  /* । */
                              memcmp(e - 3, "\xE1\x8D\xA2", 3) == 0)) { /* ። */
        l->endp = true;
        l->fullstop = true;
    }
}

/* Shortcode and markup residue: "[ad_1]", "[caption id=...]", "[/caption]", "{{...}}",
 * "<div ...>", "<!-- -->". The whole line must be residue. */
static bool is_markup(const char *s, size_t n)
{
    if (n < 3)
        return false;
    if (s[0] == '[' && s[n - 1] == ']') {
        size_t i = 1;
        if (s[i] == '/')
            i++;
        size_t st = i;
        while (i < n - 1 && (((s[i] | 32) >= 'a' && (s[i] | 32) <= 'z') ||
                             (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '-'))
            i++;
        /* A word then either the end or attributes (key="value"). */
        return i > st && (i == n - 1 || (s[i] == ' ' && memchr(s + i, '=', n - i)));
    }
    if (s[0] == '{' && s[1] == '{' && s[n - 1] == '}' && s[n - 2] == '}')
        return true;
    if (s[0] == '<' && s[n - 1] == '>' && (((s[1] | 32) >= 'a' && (s[1] | 32) <= 'z') ||
                                           s[1] == '/' || s[1] == '!'))
        return true;
    return false;
}

/* "©" (C2 A9) in the line; memchr for the lead byte beats glibc's memmem on a two-byte
 * needle (callgrind). */
static bool has_copyright(const char *s, size_t n)
{
    for (const char *p = s, *e = s + n; (p = memchr(p, 0xC2, (size_t)(e - p))); p++)
        if (p + 1 < e && (unsigned char)p[1] == 0xA9)
            return true;
    return false;
}

/* An excerpt cut by a listing page: "... [...]", "... […]", "(...)" at the end. */
static bool is_teaser_end(const char *s, size_t n)
{
    /* Every ending closes with ']' or ')': most lines are out at the last byte. */
    if (!n || (s[n - 1] != ']' && s[n - 1] != ')'))
        return false;
    static const char *const ends[] = {"[\xE2\x80\xA6]", "[...]", "(\xE2\x80\xA6)", "(...)", NULL};
    for (int i = 0; ends[i]; i++) {
        size_t k = strlen(ends[i]);
        if (n > k && memcmp(s + n - k, ends[i], k) == 0)
            return true;
    }
    return false;
}

/* URL or e-mail making up most of the line. */
static bool is_url_line(const char *s, size_t n, uint32_t words)
{
    size_t urlbytes = 0;
    const char *p = s, *end = s + n;
    while (p < end) {
        while (p < end && *p == ' ')
            p++;
        const char *ws = p;
        while (p < end && *p != ' ')
            p++;
        size_t wl = (size_t)(p - ws);
        if (wl >= 5 && (cl_memmem(ws, wl, "://", 3) || (wl > 4 && memcmp(ws, "www.", 4) == 0) ||
                        (memchr(ws, '@', wl) && memchr(ws, '.', wl))))
            urlbytes += wl;
    }
    (void)words;
    return urlbytes * 2 > n;
}

typedef struct cl_doc {
    const clean_state *st;
    tamis_doc *doc;
    const char *text;
    cl_line *lines;
    size_t n;
} cl_doc;

/* Splits the text into trimmed lines (blank lines are not kept, they set blank_before).
 * *newlines: the text's newlines, counted up to max_lines: at max_lines it stops (the
 * caller drops the document). The line array is sized for a line per 64 bytes, and only
 * a text with more lines has its newlines counted (a pass over every text to count them
 * first cost a memchr call per line, ~1 % of the stage, callgrind): one over the ceiling
 * is dropped without allocating for its lines. */
static tamis_status split_lines(tamis_doc *doc, const char *text, size_t len, uint64_t max_lines,
                                size_t *newlines, cl_line **out, size_t *n_out)
{
    size_t cap = len / 64 + 16, nls = 0;
    cl_line *L = tm_arena_alloc(&doc->arena, cap * sizeof *L);
    if (!L)
        return TAMIS_ERR_NOMEM;
    size_t n = 0;
    bool blank = false;
    const char *p = text, *end = text + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (nl && ++nls >= max_lines)
            break;
        const char *le = nl ? nl : end;
        const char *s = p, *e = le;
        /* Trim ASCII space, tabs, CR and NBSP (most lines start and end with none: one
         * test of the edge byte first). */
        while (s < e && ((unsigned char)*s <= ' ' || (unsigned char)*s == 0xC2)) {
            if (s < e && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\f' || *s == '\v'))
                s++;
            else if (e - s >= 2 && (unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xA0)
                s += 2;
            else
                break;
        }
        while (e > s && ((unsigned char)e[-1] <= ' ' || (unsigned char)e[-1] == 0xA0)) {
            if (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\f' ||
                          e[-1] == '\v'))
                e--;
            else if (e - s >= 2 && (unsigned char)e[-2] == 0xC2 && (unsigned char)e[-1] == 0xA0)
                e -= 2;
            else
                break;
        }
        if (e > s) {
            if (n == cap) {
                size_t total = nls;
                for (const char *q = nl; q && q + 1 < end &&
                                         (q = memchr(q + 1, '\n', (size_t)(end - q - 1)));)
                    if (++total >= max_lines)
                        break;
                if (total >= max_lines) {
                    nls = total;
                    break;
                }
                cap = total + 1; /* lines <= newlines + 1 */
                cl_line *nL = tm_arena_alloc(&doc->arena, cap * sizeof *L);
                if (!nL)
                    return TAMIS_ERR_NOMEM;
                memcpy(nL, L, n * sizeof *L);
                L = nL;
            }
            cl_line *l = &L[n++];
            memset(l, 0, sizeof *l);
            l->off = (uint32_t)(s - text);
            l->len = (uint32_t)(e - s);
            l->blank_before = blank;
            blank = false;
        } else {
            blank = true;
        }
        p = nl ? nl + 1 : end;
    }
    *out = L;
    *n_out = n;
    *newlines = nls;
    return TAMIS_OK;
}

/* Heuristic name-like line for category/site: 1..maxw words, no sentence end, no digits. */
static bool label_like(const cl_line *l, uint32_t maxw)
{
    return l->nwords >= 1 && l->nwords <= maxw && !l->endp && !l->colon_end &&
           l->ndigits == 0 && l->len <= 60;
}

static tamis_status set_if_absent(tamis_doc *doc, tamis_field f, const char *v, size_t n)
{
    if (tamis_doc_get(doc, f))
        return TAMIS_OK;
    return tm_doc_setn(doc, f, v, n);
}

/* A third or more of the letters and digits are digits (scores, tables, counters). */
static bool digity(const cl_line *l)
{
    return l->ndigits * 3 > l->nletters + l->ndigits;
}

/* Classifies every line and fills metadata. */
static tamis_status classify(const clean_state *st, tamis_doc *doc, const char *text,
                             cl_line *L, size_t n)
{
    const clean_cfg *cfg = st->cfg;
    const cl_lex *lx = st->lx;
    tamis_status rc = TAMIS_OK;
    /* Document language: metadata if set, else guessed below from the stop-word hits of
     * the long lines (navigation is short and often in another language than the body). */
    const char *lang = tamis_doc_get(doc, TAMIS_F_LANG);
    if (lang && !*lang)
        lang = NULL;
    int li = cl_lex_lang_index(lx, lang);
    cl_wordctx wc = {lx, cl_lex_cptab(lx), NULL, NULL, 0, NULL, NULL, NULL, 0, 0,
                     cl_lex_stop_maxlen(lx), NULL, 0, cl_lex_words(lx)};
    uint16_t *counts = NULL;
    if (lang && li < 0)
        wc.ws = tm_stopwords(lang);
    if (!wc.ws) {
        counts = tm_arena_alloc(&doc->arena, (n ? n : 1) * CL_MAX_LANGS * sizeof *counts);
        if (!counts)
            return TAMIS_ERR_NOMEM;
    }

    /* One normalisation buffer for the document, sized for its longest line that gets
     * the lexicon: the normalised line is only read while its line is judged (every
     * result is copied out), and two arena allocations per line cost ~4 M instructions
     * per 4 MB (callgrind). */
    size_t nmax = 0;
    for (size_t i = 0; i < n; i++)
        if (L[i].len <= (uint64_t)cfg->lexicon_max_bytes && L[i].len > nmax)
            nmax = L[i].len;
    char *nbuf = tm_arena_alloc(&doc->arena, CL_NORM_BYTES(nmax));
    cl_nword *nwords = tm_arena_alloc(&doc->arena, CL_NORM_WORDS(nmax) * sizeof *nwords);
    if (!nbuf || !nwords)
        return TAMIS_ERR_NOMEM;

    bool have_read = false, have_date = false, have_mod = false, have_byline = false;
    const uint64_t *related2 = cl_lex_related2(lx);
    for (size_t i = 0; i < n; i++) {
        cl_line *l = &L[i];
        const char *s = text + l->off;
        wc.l = l;
        /* Stop-word density is only needed for lines long enough to be judged on their
         * own, and 32 words estimate it well: the lookups were the stage's main cost. */
        wc.look = l->len >= (uint64_t)cfg->short_chars ? 32 : 0;
        if (counts && wc.look) {
            /* Zeroed here, a fixed 64-byte row the compiler writes inline: one memset
             * of the whole table per document was ~3.5 M instructions per 4 MB. Rows of
             * lines without lookups are left unset and never read (nlook 0). */
            wc.lc = counts + i * CL_MAX_LANGS;
            memset(wc.lc, 0, CL_MAX_LANGS * sizeof *wc.lc);
        }
        /* Lines that get the lexicon are normalised first: their words' hashes serve
         * the stop-word lookups too. */
        bool lexline = l->len <= (uint64_t)cfg->lexicon_max_bytes;
        cl_norm nl;
        if (lexline)
            cl_normalize_into(lx, nbuf, nwords, s, l->len, &nl);
        wc.line = s;
        wc.nw = lexline ? nl.w : NULL;
        wc.nnw = lexline ? nl.nw : 0;
        wc.wj = 0;
        wc.counted = NULL;
        wc.high = 0;
        line_end(l, s, l->len);
        if (lexline && !nl.nospace)
            words_from_norm(&wc, s, &nl);
        else
            line_words(s, l->len, &wc);
        /* After the words: count_words counts the characters of the part it walks. */
        if (lexline) {
            l->nchars = nl.chars;
            l->ndigits = nl.digits;
            l->nletters = nl.letters;
            l->ascii = nl.ascii;
        } else {
            char_stats(l, s, wc.counted ? (size_t)(wc.counted - s) : l->len, wc.high);
        }
        l->cls = CLS_BAD;
        if (l->nwords == 0) {
            l->why = "symbols";
            continue;
        }
        if (is_markup(s, l->len)) {
            l->why = "markup";
            continue;
        }
        if (is_teaser_end(s, l->len)) {
            l->why = "teaser";
            continue;
        }
        /* A URL word has "://", an '@' or starts with "www." (is_url_line). */
        if (l->nwords <= 12 && (memchr(s, '/', l->len) || memchr(s, '@', l->len) ||
                                cl_memmem(s, l->len, "www.", 4)) &&
            is_url_line(s, l->len, l->nwords)) {
            l->why = "url";
            continue;
        }
        if (lexline) {
            cl_hits h;
            cl_lex_scan(lx, &nl, &h);
            if (h.covered[LX_COMMENTS] && h.covered[LX_COMMENTS] + l->ndigits >= h.bytes && h.words <= 6)
                l->comment_head = true;
            l->navfull = h.covered[LX_NAV] >= h.bytes;
            if (h.covered[LX_NOTICE] > 0 ||
                (!l->ascii && l->nwords <= 30 && has_copyright(s, l->len))) {
                l->why = "notice";
                continue;
            }
            bool glued_ok;
            size_t rp = cl_related_possible(related2, &nl)
                            ? cl_lex_prefix(lx, LX_RELATED, &nl, &glued_ok) : 0;
            if (rp && l->nwords <= 40) {
                /* The rest after the label is the related article's title; a label glued
                 * to it ("read alsoWashington") is recognised by the lexicon prefix. */
                size_t o = cl_norm_orig(lx, &nl, s, l->len, rp);
                const char *r = s + o, *re = s + l->len;
                while (r < re && (*r == ' ' || *r == ':' || *r == '-' || *r == '|'))
                    r++;
                l->why = "related";
                l->meta = true;
                if (re - r >= 3)
                    rc = tamis_doc_add(doc, TAMIS_F_RELATED,
                                       tm_arena_strndup(&doc->arena, r, (size_t)(re - r)));
                else
                    l->why = "nav";
                if (rc)
                    return rc;
                continue;
            }
            if (h.covered[LX_NAV] * 2 >= h.bytes && l->nwords <= 15) {
                l->why = "nav";
                continue;
            }
            int minutes = cl_reading_time_possible(&h) ? cl_parse_reading_time(lx, &nl, &h) : 0;
            if (minutes > 0) {
                l->why = "reading_time";
                l->meta = true;
                if (!have_read) {
                    char b[16];
                    int k = snprintf(b, sizeof b, "%d", minutes);
                    if ((rc = set_if_absent(doc, TAMIS_F_READING_TIME, b, (size_t)k)))
                        return rc;
                    have_read = true;
                }
                continue;
            }
            cl_lexclass label = LX_PUBLISHED;
            bool stub = false;
            /* A date has at least three ASCII digits (a numeric year of four, or the three
             * numbers of a CJK date: cl_parse_date_line reads no other digits); a date
             * stub has a date label. */
            const char *iso = l->ndigits >= 3 || h.first[LX_PUBLISHED] >= 0 || h.first[LX_UPDATED] >= 0
                                  ? cl_parse_date_line(lx, &doc->arena, s, l->len, &nl, &h,
                                                       &label, &stub)
                                  : NULL;
            if (iso || stub) {
                l->why = "date";
                /* "— Name (@handle) date" signs an embedded post inside the article. */
                l->header_meta = l->nwords <= 6 && !memchr(s, '@', l->len) &&
                                 (unsigned char)s[0] != 0xE2 && s[0] != '(' &&
                                 s[0] != '-';
                l->meta = true;
                if (iso && label == LX_UPDATED && !have_mod) {
                    if ((rc = set_if_absent(doc, TAMIS_F_MODIFIED, iso, strlen(iso))))
                        return rc;
                    have_mod = true;
                } else if (iso && label == LX_PUBLISHED && !have_date) {
                    if ((rc = set_if_absent(doc, TAMIS_F_DATE, iso, strlen(iso))))
                        return rc;
                    have_date = true;
                }
                continue;
            }
            const char *author, *place;
            if (!l->endp && !l->colon_end && cl_byline_possible(&h) &&
                cl_parse_byline(lx, &doc->arena, s, l->len, &nl, &h, &author, &place)) {
                l->why = "byline";
                l->header_meta = true;
                l->meta = true;
                if (!have_byline) {
                    have_byline = true;
                    if (author && (rc = set_if_absent(doc, TAMIS_F_AUTHOR, author, strlen(author))))
                        return rc;
                    if (place && (rc = set_if_absent(doc, TAMIS_F_DATELINE, place, strlen(place))))
                        return rc;
                }
                continue;
            }
        }
        l->cls = CLS_NEAR; /* undecided: the quality pass below judges it */
        l->why = NULL;
    }
    if (counts) {
        if (li < 0) {
            uint64_t tot[CL_MAX_LANGS] = {0}, all = 0;
            for (int pass = 0; pass < 2 && all < 3; pass++) {
                memset(tot, 0, sizeof tot);
                all = 0;
                /* Lines without lookups have a zero row. */
                for (size_t i = 0; i < n; i++)
                    if (L[i].nlook && (pass == 1 || L[i].len >= 80))
                        for (int b = 0; b < CL_MAX_LANGS; b++)
                            tot[b] += counts[i * CL_MAX_LANGS + b];
                for (int b = 0; b < CL_MAX_LANGS; b++)
                    all += tot[b];
            }
            uint64_t bn = 0;
            for (int b = 0; b < CL_MAX_LANGS; b++)
                if (tot[b] > bn)
                    bn = tot[b], li = b;
            if (bn < 3)
                li = -1;
            lang = cl_lex_lang_code(lx, li);
        }
        for (size_t i = 0; li >= 0 && i < n; i++)
            L[i].nstop = L[i].nlook ? counts[i * CL_MAX_LANGS + li] : 0;
    }
    bool has_stop = li >= 0 || wc.ws;
    /* Scripts without case (CJK, Thai): capitalisation says nothing. */
    bool no_space_lang = lang && (!strcmp(lang, "zh") || !strcmp(lang, "ja") ||
                                  !strcmp(lang, "th"));
    /* A stop-word list that matches almost nothing in the long lines does not fit how the
     * text is tokenised (Korean particles glued to words, unsegmented scripts): judge
     * those documents by length and punctuation alone. */
    uint64_t dw = 0, ds = 0;
    for (size_t i = 0; i < n; i++)
        if (!L[i].why && L[i].nwords >= 10)
            dw += L[i].nlook, ds += L[i].nstop;
    if (has_stop && dw >= 30 && ds * 100 < dw * 8)
        has_stop = false;
    /* Text in scripts without spaces is not split into words here (see line_words), so
     * stop words cannot be counted: judge such documents on length and punctuation. */
    uint64_t cjk = 0, chars = 0;
    for (size_t i = 0; i < n; i++)
        cjk += L[i].ncjk, chars += L[i].nchars;
    if (cjk * 10 > chars * 3)
        has_stop = false;
    /* Lists differ in size per language (en 1300 words, uk 70): the thresholds follow
     * the density of the document's own long lines when that is lower. */
    double dd = dw ? (double)ds / (double)dw : 0;
    double stop_good = cfg->stop_good, stop_low = cfg->stop_low;
    if (dw >= 30 && dd * 0.6 < stop_good) {
        stop_good = dd * 0.6;
        stop_low = TM_MIN(stop_low, dd * 0.35);
    }
    for (size_t i = 0; i < n; i++) {
        cl_line *l = &L[i];
        if (l->why)
            continue;
        /* Quality class from length, stop words and sentence shape (jusText's idea with
         * thresholds re-fitted to the larger stopwords-iso lists). */
        double sd = has_stop && l->nlook && l->ncjk * 2 < l->nchars ? (double)l->nstop / l->nlook
                                                                    : stop_good;
        bool titlecase = !no_space_lang && l->nwords >= 4 && l->ncap * 10 >= l->nwords * 7;
        if (digity(l)) {
            l->why = "digits";
            l->cls = l->nchars < (uint64_t)cfg->short_chars ? CLS_SHORT : CLS_BAD;
        } else if (l->nchars < (uint64_t)cfg->short_chars || l->nwords < 4) {
            l->cls = CLS_SHORT;
            l->why = "short";
        } else if (sd < stop_low) {
            l->why = "low_stopwords";
            l->cls = CLS_BAD;
        } else if (titlecase && !l->endp) {
            l->cls = CLS_SHORT;
            l->why = "headline_like";
        } else if ((l->endp && l->nwords >= (uint64_t)cfg->good_words && sd >= stop_good) ||
                   (l->nwords >= 30 && sd >= stop_good)) {
            l->cls = CLS_GOOD;
            l->why = "body";
        } else {
            l->cls = CLS_NEAR;
            l->why = "near";
        }
    }
    return TAMIS_OK;
}

/* jusText-style context: short and near-good lines take the class of their neighbours. */
static void smooth(tm_arena *a, cl_line *L, size_t n)
{
    /* Nearest non-short, non-dropped-by-rule neighbour class, ignoring near-good. */
    /* In the document's arena (a malloc and free per document cost more than the loops
     * on short pages). */
    uint8_t *prev = tm_arena_alloc(a, n ? n : 1), *next = tm_arena_alloc(a, n ? n : 1);
    if (!prev || !next)
        return;
    uint8_t c = CLS_BAD;
    for (size_t i = 0; i < n; i++) {
        prev[i] = c;
        /* (A "related" line, which this once tested for, is meta.) */
        if (L[i].cls == CLS_GOOD || (L[i].cls == CLS_BAD && !L[i].meta))
            c = L[i].cls;
    }
    c = CLS_BAD;
    for (size_t i = n; i-- > 0;) {
        next[i] = c;
        if (L[i].cls == CLS_GOOD || (L[i].cls == CLS_BAD && !L[i].meta))
            c = L[i].cls;
    }
    for (size_t i = 0; i < n; i++) {
        cl_line *l = &L[i];
        if (l->cls == CLS_NEAR) {
            if (prev[i] == CLS_GOOD || next[i] == CLS_GOOD) {
                l->keep = true;
                l->why = "context";
            } else {
                l->why = "near_bad_context";
            }
        } else if (l->cls == CLS_SHORT) {
            if (prev[i] == CLS_GOOD && next[i] == CLS_GOOD) {
                l->keep = true;
                l->why = strcmp(l->why, "digits") ? (l->endp ? "context" : "heading") : "context";
            }
        } else if (l->cls == CLS_GOOD) {
            l->keep = true;
        }
    }
}

/* A line found twice or more in one page (menus, teaser lists shown in two places)
 * is page furniture, not article text: article paragraphs are not repeated verbatim. */
static tamis_status mark_repeats(tamis_doc *doc, const char *text, cl_line *L, size_t n)
{
    size_t cap = 16;
    while (cap < n * 2)
        cap *= 2;
    uint64_t *keys = tm_arena_alloc(&doc->arena, cap * sizeof *keys);
    uint32_t *first = tm_arena_alloc(&doc->arena, cap * sizeof *first);
    if (!keys || !first)
        return TAMIS_ERR_NOMEM;
    memset(keys, 0, cap * sizeof *keys);
    for (size_t i = 0; i < n; i++) {
        cl_line *l = &L[i];
        if (l->meta || l->nchars < 20 || l->cls == CLS_BAD)
            continue;
        /* Keyed by a hash of the whole line. A key of the length and the first and last
         * eight bytes saved ~4 M instructions per 4 MB, but lines that differ only inside
         * (a numbered listing: "... item 000123 was approved ...") all shared one key and
         * each was compared with every earlier one: 40,000 such lines took 4.6 s. */
        const char *s = text + l->off;
        uint64_t h = XXH3_64bits(s, l->len) | 1;
        size_t j = (size_t)h & (cap - 1);
        while (keys[j] && (keys[j] != h || L[first[j]].len != l->len ||
                           memcmp(text + L[first[j]].off, s, l->len) != 0))
            j = (j + 1) & (cap - 1);
        if (!keys[j]) {
            keys[j] = h;
            first[j] = (uint32_t)i;
            continue;
        }
        cl_line *f = &L[first[j]];
        f->cls = CLS_BAD;
        f->why = "repeated";
        l->cls = CLS_BAD;
        l->why = "repeated";
    }
    return TAMIS_OK;
}

/* A line of a list: at most 20 words, no final full stop, not moved to metadata. With
 * two words or more and kept so far it is an item (headline, link label); a one-word
 * line (a number "3" before each headline, a menu label) continues the run. */
static bool list_line(const cl_line *l)
{
    return !l->meta && l->nwords <= 20 && !l->colon_end && !l->fullstop;
}


/* Runs of consecutive list items are navigation, not article: "related" headline lists,
 * "other sites" link columns, footer links. A run counts in the header or footer zone
 * (before the first / after the last line that reads as a sentence: class good, ending
 * with a full stop) from list_run_edge (3) items, anywhere else from list_run (6): an
 * article's own bullet lists are shorter, or their items are sentences. Lines a rule
 * already removed (nav, short menu labels) and one-word lines continue a run without
 * counting. Items sharing one page template are what made stubs of different sources
 * near-duplicates once their own text was gone. */
static void mark_lists(cl_line *L, size_t n, int64_t run, int64_t run_edge)
{
    if (run <= 0 && run_edge <= 0)
        return;
    size_t first_p = n, last_p = 0;
    for (size_t i = 0; i < n; i++)
        if (L[i].cls == CLS_GOOD && L[i].fullstop) {
            if (first_p == n)
                first_p = i;
            last_p = i;
        }
    for (size_t i = 0; i < n;) {
        size_t j = i, items = 0;
        while (j < n && list_line(&L[j])) {
            items += L[j].cls != CLS_BAD && L[j].nwords >= 2 && !digity(&L[j]);
            j++;
        }
        bool zone = first_p == n || j <= first_p || i > last_p;
        int64_t need = zone && run_edge > 0 ? run_edge : run;
        if (need > 0 && items >= (size_t)need)
            for (size_t k = i; k < j; k++)
                if (L[k].cls != CLS_BAD && L[k].nwords >= 2 && !digity(&L[k])) {
                    L[k].cls = CLS_BAD;
                    L[k].why = "list";
                }
        i = j > i ? j : i + 1;
    }
}

/* Equality on ASCII letters and digits only (case-folded): typographic quotes, dashes
 * and final periods differ between a page's <title> and its heading. */
static bool loose_len_ok(size_t an, size_t bn)
{
    return an <= bn + bn / 4 + 8 && bn <= an + an / 4 + 8;
}

static bool loose_eq(const char *a, size_t an, const char *b, size_t bn)
{
    if (!loose_len_ok(an, bn))
        return false;
    size_t i = 0, j = 0, same = 0;
    for (;;) {
        while (i < an && !(((a[i] | 32) >= 'a' && (a[i] | 32) <= 'z') || (a[i] >= '0' && a[i] <= '9')))
            i++;
        while (j < bn && !(((b[j] | 32) >= 'a' && (b[j] | 32) <= 'z') || (b[j] >= '0' && b[j] <= '9')))
            j++;
        if (i == an || j == bn)
            break;
        if ((a[i] | 32) != (b[j] | 32))
            return false;
        i++, j++, same++;
    }
    if (i != an || j != bn)
        return false;
    /* Scripts without ASCII letters: fall back to byte equality. */
    return same >= 8 || (an == bn && memcmp(a, b, an) == 0);
}

/* The first ASCII letter or digit of a[0..n) case-folded as loose_eq compares it, -1 if
 * none: loose_eq is false when they differ, so most lines skip it. */
static int first_alnum(const char *a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (((a[i] | 32) >= 'a' && (a[i] | 32) <= 'z') || (a[i] >= '0' && a[i] <= '9'))
            return a[i] | 32;
    return -1;
}

/* The page's <title> is usually the first line ("Headline - Site"); the article's own
 * heading repeats the headline as a line of its own just above the body. Returns the
 * index of that heading when a kept line follows it closely, else n. */
static size_t find_anchor(const char *text, const cl_line *L, size_t n)
{
    if (n < 3)
        return n;
    const char *fs = text + L[0].off, *fe = fs + L[0].len;
    /* Candidate headlines: the whole title and its prefix before any separator. */
    size_t cut[16];
    int nc = 0;
    cut[nc++] = L[0].len;
    static const char *const seps[] = {" | ", " - ", " \xE2\x80\x93 ", " \xE2\x80\x94 ", " :: ",
                                       " \xC2\xB7 ", " \xC2\xBB ", NULL};
    for (int k = 0; seps[k]; k++) {
        size_t sl = strlen(seps[k]);
        for (const char *q = fs; nc < 16 && (q = cl_memmem(q, (size_t)(fe - q), seps[k], sl)); q += sl)
            if (q - fs >= 10)
                cut[nc++] = (size_t)(q - fs);
    }
    int f0[16];
    size_t cmin = cut[0], cmax = cut[0];
    for (int c = 0; c < nc; c++) {
        f0[c] = first_alnum(fs, cut[c]);
        cmin = TM_MIN(cmin, cut[c]);
        cmax = TM_MAX(cmax, cut[c]);
    }
    for (size_t i = 1; i < n; i++) {
        const cl_line *l = &L[i];
        /* loose_len_ok grows with either length: a line it rejects against the longest
         * and the shortest candidate (from either side) fits none (most body lines). */
        if (l->len > cmax + cmax / 4 + 8 || cmin > l->len + l->len / 4 + 8)
            continue;
        bool match = false;
        int fa = -2; /* not looked for yet: only for lines of a title's length */
        for (int c = 0; c < nc && !match; c++) {
            if (!loose_len_ok(l->len, cut[c]))
                continue;
            if (fa == -2)
                fa = first_alnum(text + l->off, l->len);
            match = fa == f0[c] && loose_eq(text + l->off, l->len, fs, cut[c]);
        }
        if (!match)
            continue;
        for (size_t j = i + 1; j < n && j <= i + 10; j++)
            if (L[j].keep && L[j].cls == CLS_GOOD)
                return i;
    }
    return n;
}

/* The article is one dense run. With an anchor (the headline line) it starts at the
 * first kept line after it; without, at the start of the maximum-sum segment where kept
 * lines score their length and dropped lines cost part of theirs. It ends at a reader-
 * comment heading or where a long gap of dropped lines (a footer, a teaser list's menu)
 * separates it from further text. */
static void main_region(cl_line *L, size_t n, size_t anchor, int64_t max_gap)
{
    size_t bs = n, be = n, from = anchor < n ? anchor + 1 : 0, to = n;
    /* Reader comments start at the first comment heading after some article text (a
     * share bar's "Comments" link sits right under the headline). */
    /* Likewise a byline or date line after the article text heads the next article
     * (teaser lists under the article repeat title, author, date, lede). */
    /* A standfirst may precede the byline, so the wall needs two body paragraphs. */
    uint64_t seen = 0, goods = 0;
    for (size_t i = from; i < n; i++) {
        if (seen >= 400 && (L[i].comment_head || (L[i].header_meta && !L[i].keep && goods >= 2))) {
            to = i;
            break;
        }
        if (L[i].keep) {
            seen += L[i].nchars;
            goods += L[i].cls == CLS_GOOD;
        }
    }
    {
        double best = 0, cur = 0;
        size_t cs = from;
        for (size_t i = from; i < to; i++) {
            double v;
            if (L[i].keep)
                v = (double)L[i].nchars;
            else if (L[i].meta)
                v = 0;
            else
                v = -0.5 * (double)TM_MIN(L[i].nchars, 200u) - 10;
            if (cur <= 0) {
                cur = 0;
                cs = i;
            }
            cur += v;
            if (cur > best) {
                best = cur;
                bs = cs;
                be = i + 1;
            }
        }
        while (bs < n && !L[bs].keep)
            bs++;
    }
    if (bs == n)
        return;
    /* Extend forward until a comment heading or a gap of max_gap dropped lines. */
    size_t gap = 0;
    for (size_t i = be; i < to && max_gap > 0; i++) {
        if (L[i].comment_head)
            break;
        if (L[i].keep) {
            be = i + 1;
            gap = 0;
        } else if (!L[i].meta && ++gap >= (size_t)max_gap) {
            break;
        }
    }
    for (size_t i = 0; i < n; i++)
        if (L[i].keep && (i < bs || i >= be)) {
            L[i].keep = false;
            L[i].why = i < bs ? "before_main" : "after_main";
        }
}

/* Title, category and site from position: the headline is the nearest title-like line
 * before the first kept line; a short label right above it is the category; the title
 * line of the page ("Headline - Site") or a short last line gives the site. */
static tamis_status position_meta(tamis_doc *doc, const char *text, cl_line *L, size_t n,
                                  size_t anchor)
{
    size_t first = n, last = 0, first_good = n;
    for (size_t i = 0; i < n; i++)
        if (L[i].keep) {
            if (first == n)
                first = i;
            if (first_good == n && L[i].cls == CLS_GOOD)
                first_good = i;
            last = i;
        }
    if (first == n)
        return TAMIS_OK;
    /* A headline kept by context (it sits next to the body) is still the headline. */
    if (first_good < n)
        first = first_good;
    tamis_status rc;
    size_t ti = anchor < first ? anchor : n;
    for (size_t k = first, seen = 0; k-- > 0 && seen < 12;) {
        cl_line *l = &L[k];
        seen++;
        if (ti < n)
            break;
        if (l->meta || !strcmp(l->why, "markup") || !strcmp(l->why, "notice"))
            continue;
        bool meta_between = false;
        for (size_t j = k + 1; j < first; j++)
            meta_between |= L[j].meta;
        if (l->keep && !meta_between)
            continue; /* a kept line right above the body is its first paragraph */
        if (l->nwords >= 3 && l->nwords <= 30 && !l->colon_end &&
            (!l->endp || text[l->off + l->len - 1] != '.')) {
            ti = k;
            break;
        }
    }
    if (ti < n) {
        cl_line *t = &L[ti];
        t->meta = true;
        t->keep = false;
        t->why = "title";
        if ((rc = set_if_absent(doc, TAMIS_F_TITLE, text + t->off, t->len)))
            return rc;
        if (ti > 0) {
            cl_line *c = &L[ti - 1];
            if (!c->meta && !c->keep && label_like(c, 3) && strcmp(c->why, "markup") &&
                strcmp(c->why, "notice")) {
                c->meta = true;
                c->why = "category";
                if ((rc = set_if_absent(doc, TAMIS_F_CATEGORY, text + c->off, c->len)))
                    return rc;
            }
        }
        /* "Headline - Site" as the page title on the first line. */
        if (ti > 0 && !tamis_doc_get(doc, TAMIS_F_SITE)) {
            const cl_line *f = &L[0];
            const char *fs = text + f->off, *fe = fs + f->len;
            static const char *const seps[] = {" | ", " - ", " \xE2\x80\x93 ", " \xE2\x80\x94 ",
                                               " :: ", " \xC2\xB7 ", NULL};
            for (int i = 0; seps[i]; i++) {
                const char *at = NULL, *q = fs;
                size_t sl = strlen(seps[i]);
                while ((q = cl_memmem(q, (size_t)(fe - q), seps[i], sl)))
                    at = q, q += sl;
                if (!at)
                    continue;
                const char *ss = at + sl;
                size_t left = (size_t)(at - fs);
                if (fe - ss > 0 && fe - ss <= 40 && left >= t->len / 2 &&
                    memcmp(fs, text + t->off, TM_MIN(left, (size_t)t->len) / 2) == 0) {
                    if ((rc = tm_doc_setn(doc, TAMIS_F_SITE, ss, (size_t)(fe - ss))))
                        return rc;
                    if (!L[0].meta && !L[0].keep && ti != 0) {
                        L[0].meta = true;
                        L[0].why = "page_title";
                    }
                    break;
                }
            }
        }
    }
    /* Site name in a short footer: the last label-like line after the article when only
     * navigation, markup or related links follow it. */
    if (!tamis_doc_get(doc, TAMIS_F_SITE) && n - last - 1 <= 6) {
        for (size_t k = n; k-- > last + 1;) {
            cl_line *l = &L[k];
            if ((!strcmp(l->why, "nav") && l->navfull) || !strcmp(l->why, "markup") ||
                !strcmp(l->why, "notice") || !strcmp(l->why, "url"))
                continue;
            if (!l->meta && !l->keep && label_like(l, 5) && l->ncap >= 1) {
                l->meta = true;
                l->why = "site";
                if ((rc = tm_doc_setn(doc, TAMIS_F_SITE, text + l->off, l->len)))
                    return rc;
            }
            break;
        }
    }
    return TAMIS_OK;
}

/* ---- corpus mode */

/* Hash of a line normalised for template matching: lowercase ASCII, digits -> 0, runs of
 * anything else -> one space. Non-ASCII bytes are kept as they are (cheap; templates
 * repeat byte-identically). */
static uint64_t line_hash(const char *s, size_t n)
{
    char buf[1024];
    size_t k = 0;
    bool space = true;
    XXH3_state_t *unused = NULL;
    (void)unused;
    uint64_t h = 0;
    bool chained = false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char o;
        if (c >= 'A' && c <= 'Z')
            o = (char)(c + 32);
        else if (c >= '0' && c <= '9')
            o = '0';
        else if ((c >= 'a' && c <= 'z') || c >= 0x80)
            o = (char)c;
        else {
            if (space)
                continue;
            o = ' ';
        }
        space = o == ' ';
        buf[k++] = o;
        if (k == sizeof buf) {
            h = XXH3_64bits_withSeed(buf, k, h);
            chained = true;
            k = 0;
        }
    }
    if (k && buf[k - 1] == ' ')
        k--;
    h = (k || chained) ? XXH3_64bits_withSeed(buf, k, h) : 0;
    return h ? h : 1;
}

static cl_entry *tab_slot(const cl_table *t, uint64_t h)
{
    for (size_t i = (size_t)h & (t->cap - 1);; i = (i + 1) & (t->cap - 1))
        if (t->e[i].h == h || t->e[i].h == 0)
            return &t->e[i];
}

/* Lossy counting: when the table is 70% full, entries at the lowest counts are dropped
 * (their lines were rare so far); the floor remembers the largest count pruned. */
static tamis_status tab_prune(cl_table *t)
{
    cl_entry *old = t->e;
    size_t oldcap = t->cap;
    for (;;) {
        t->floor++;
        size_t keep = 0;
        for (size_t i = 0; i < oldcap; i++)
            if (old[i].h && old[i].n > t->floor)
                keep++;
        if (keep * 2 <= t->max_entries)
            break;
    }
    cl_entry *ne = tm_calloc(oldcap, sizeof *ne);
    if (!ne)
        return TAMIS_ERR_NOMEM;
    t->e = ne;
    t->n = 0;
    for (size_t i = 0; i < oldcap; i++)
        if (old[i].h && old[i].n > t->floor) {
            cl_entry *s = tab_slot(t, old[i].h);
            *s = old[i];
            t->n++;
        }
    tm_free(old);
    t->prunes++;
    return TAMIS_OK;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static tamis_status clean_observe(void *self, const tamis_doc *doc, tamis_error *err)
{
    clean_state *st = self;
    cl_table *t = &st->tab;
    if (!st->cfg->enabled || !st->cfg->corpus || doc->kind != TAMIS_KIND_TEXT ||
        (doc->extracted && !st->cfg->after_extract))
        return TAMIS_OK;
    tm_buf_clear(&st->scratch);
    const char *p = doc->text, *end = doc->text + doc->text_len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        uint64_t h = line_hash(p, (size_t)(le - p));
        if (h != 1 && tm_buf_append(&st->scratch, &h, sizeof h) != TAMIS_OK)
            return tm_err(err, TAMIS_ERR_NOMEM, NULL, 0, 0, "clean: out of memory");
        p = nl ? nl + 1 : end;
    }
    size_t k = st->scratch.len / sizeof(uint64_t);
    uint64_t *hs = (uint64_t *)(void *)st->scratch.data;
    if (k)
        qsort(hs, k, sizeof *hs, cmp_u64);
    t->docs_seen++;
    for (size_t i = 0; i < k; i++) {
        if (i && hs[i] == hs[i - 1])
            continue; /* count documents, not occurrences */
        t->lines_seen++;
        cl_entry *s = tab_slot(t, hs[i]);
        if (!s->h) {
            if ((t->n + 1) * 10 > t->max_entries * 7) {
                if (tab_prune(t) != TAMIS_OK)
                    return tm_err(err, TAMIS_ERR_NOMEM, NULL, 0, 0, "clean: out of memory");
                s = tab_slot(t, hs[i]);
            }
            s->h = hs[i];
            s->n = t->floor; /* lossy counting: a new key may have been pruned before */
            t->n++;
        }
        if (s->n < UINT32_MAX)
            s->n++;
    }
    return TAMIS_OK;
}

static tamis_status clean_finish(void *self, tamis_error *err)
{
    (void)self, (void)err;
    return TAMIS_OK;
}

static int clean_is_corpus(const void *cfg)
{
    const clean_cfg *c = cfg;
    return c->enabled && c->corpus;
}

static uint32_t corpus_count(const clean_state *st, const char *s, size_t n)
{
    if (!st->tab.e)
        return 0;
    const cl_entry *e = tab_slot(&st->tab, line_hash(s, n));
    return e->h ? e->n : 0;
}

/* ---- stage */

static tamis_status clean_create(void **self, const void *cfgp, tamis_error *err)
{
    const clean_cfg *cfg = cfgp;
    clean_state *st = tm_calloc(1, sizeof *st);
    if (!st)
        return tm_err(err, TAMIS_ERR_NOMEM, NULL, 0, 0, "clean: out of memory");
    st->cfg = cfg;
    tm_buf_init(&st->scratch);
    if (cfg->corpus_min_docs < 2 || cfg->corpus_table_mb < 1 || cfg->corpus_table_mb > 65536) {
        tm_free(st);
        return tm_err(err, TAMIS_ERR_ARG, NULL, 0, 0,
                      "clean: corpus_min_docs must be >= 2 and corpus_table_mb in 1..65536");
    }
    st->lx = cl_lex_load(tm_data_dir(), err);
    if (!st->lx) {
        tm_free(st);
        return err ? err->status : TAMIS_ERR_IO;
    }
    if (cfg->enabled && cfg->corpus) {
        size_t entries = (size_t)cfg->corpus_table_mb * 1024 * 1024 / sizeof(cl_entry);
        size_t cap = 1024;
        while (cap * 2 <= entries)
            cap *= 2;
        st->tab.cap = cap;
        st->tab.max_entries = cap;
        st->tab.e = tm_calloc(cap, sizeof *st->tab.e);
        if (!st->tab.e) {
            cl_lex_free(st->lx);
            tm_free(st);
            return tm_err(err, TAMIS_ERR_NOMEM, NULL, 0, 0, "clean: out of memory");
        }
    }
    *self = st;
    return TAMIS_OK;
}

static tamis_status build_output(tamis_doc *doc, const clean_cfg *cfg, const char *text,
                                 const cl_line *L, size_t n, size_t *kept_out)
{
    size_t kept = 0;
    if (cfg->explain) {
        tm_buf out;
        tm_buf_init(&out);
        tamis_status rc = TAMIS_OK;
        for (size_t i = 0; i < n && rc == TAMIS_OK; i++) {
            const cl_line *l = &L[i];
            rc = tm_buf_printf(&out, "%s %-15s\t", l->keep ? "KEEP" : "DROP", l->why);
            if (rc == TAMIS_OK)
                rc = tm_buf_append(&out, text + l->off, l->len);
            if (rc == TAMIS_OK)
                rc = tm_buf_putc(&out, '\n');
            kept += l->keep;
        }
        if (rc == TAMIS_OK)
            rc = tm_doc_set_textn(doc, out.data ? out.data : "", out.len);
        tm_buf_free(&out);
        *kept_out = kept;
        return rc;
    }
    /* Kept lines are slices of text that is already valid UTF-8: copy them into the
     * arena and adopt the result (no second validation pass). */
    size_t total = 1;
    for (size_t i = 0; i < n; i++)
        if (L[i].keep)
            total += L[i].len + 2;
    char *o = tm_arena_alloc(&doc->arena, total);
    if (!o)
        return TAMIS_ERR_NOMEM;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const cl_line *l = &L[i];
        if (!l->keep)
            continue;
        if (kept) {
            o[k++] = '\n';
            if (l->blank_before)
                o[k++] = '\n';
        }
        memcpy(o + k, text + l->off, l->len);
        k += l->len;
        kept++;
    }
    o[k] = '\0';
    tm_doc_adopt_text(doc, o, k);
    *kept_out = kept;
    return TAMIS_OK;
}

static tamis_status clean_process(void *self, tamis_doc *doc, tamis_error *err)
{
    clean_state *st = self;
    const clean_cfg *cfg = st->cfg;
    if (!cfg->enabled || doc->kind != TAMIS_KIND_TEXT || (doc->extracted && !cfg->after_extract))
        return TAMIS_OK;
    /* The document model keeps text valid UTF-8 without NULs (tm_doc_set_textn
     * sanitises); the decoders here also survive invalid bytes (U+FFFD, advance one). */
    size_t len = doc->text_len;
    const char *text = doc->text;
    /* Memory is ~130 bytes a line: a ceiling keeps a record of millions of one-character
     * lines from exhausting it. */
    size_t nl_count = 0;
    cl_line *L = NULL;
    size_t n = 0;
    tamis_status rc = split_lines(doc, text, len, (uint64_t)cfg->max_lines, &nl_count, &L, &n);
    if (rc == TAMIS_OK && nl_count >= (uint64_t)cfg->max_lines)
        return tm_doc_dropf(doc, "clean_too_many_lines: more than %lld lines",
                            (long long)cfg->max_lines);
    if (rc == TAMIS_OK)
        rc = classify(st, doc, text, L, n);
    if (rc == TAMIS_OK) {
        rc = mark_repeats(doc, text, L, n);
        mark_lists(L, n, cfg->list_run, cfg->list_run_edge);
    }
    if (rc == TAMIS_OK) {
        smooth(&doc->arena, L, n);
        size_t anchor = find_anchor(text, L, n);
        if (cfg->region)
            main_region(L, n, anchor, cfg->max_gap);
        /* Nothing passed but prose-like lines without a final stop (a one-paragraph
         * record cut short): keep those rather than drop the record. */
        bool any = false;
        for (size_t i = 0; i < n && !any; i++)
            any = L[i].keep;
        for (size_t i = 0; i < n && !any; i++)
            if (L[i].cls == CLS_NEAR && L[i].nwords >= 10 && !strcmp(L[i].why, "near_bad_context")) {
                L[i].keep = true;
                L[i].why = "sole_prose";
            }
        rc = position_meta(doc, text, L, n, anchor);
    }
    if (rc == TAMIS_OK && cfg->corpus && st->tab.e) {
        for (size_t i = 0; i < n; i++)
            if (L[i].keep && corpus_count(st, text + L[i].off, L[i].len) >=
                                 (uint64_t)cfg->corpus_min_docs) {
                L[i].keep = false;
                L[i].why = "corpus_repeated";
            }
    }
    if (rc != TAMIS_OK)
        return tm_err(err, rc, doc->src_file, doc->src_offset, doc->src_record,
                      "clean: %s", tamis_strerror(rc));
    /* Removed lines counted per rule here first (the rule names are a handful of string
     * literals, compared by pointer), then added in the order first seen, which is the
     * order of the output: one tm_doc_count_removed call per line, with its strcmp walk,
     * was ~5 M instructions per 4 MB (callgrind). Flushed in order when full. */
    struct {
        const char *why;
        uint64_t n;
    } rm[24];
    size_t nrm = 0;
    for (size_t i = 0; i < n && rc == TAMIS_OK; i++) {
        if (L[i].keep)
            continue;
        size_t j = 0;
        while (j < nrm && rm[j].why != L[i].why)
            j++;
        if (j == nrm) {
            if (nrm == sizeof rm / sizeof rm[0]) {
                for (size_t k = 0; k < nrm && rc == TAMIS_OK; k++)
                    rc = tm_doc_count_removed(doc, rm[k].why, rm[k].n);
                nrm = j = 0;
            }
            rm[nrm].why = L[i].why;
            rm[nrm++].n = 0;
        }
        rm[j].n++;
    }
    for (size_t k = 0; k < nrm && rc == TAMIS_OK; k++)
        rc = tm_doc_count_removed(doc, rm[k].why, rm[k].n);
    size_t kept = 0;
    if (rc == TAMIS_OK)
        rc = build_output(doc, cfg, text, L, n, &kept);
    if (rc == TAMIS_OK)
        rc = tamis_doc_set_signal(doc, "clean_lines_kept_ratio", n ? (double)kept / n : 0.0);
    if (rc == TAMIS_OK && kept == 0 && !cfg->explain)
        rc = tm_doc_dropf(doc, "clean_empty: %zu of %zu lines removed", n, n);
    if (rc != TAMIS_OK)
        return tm_err(err, rc, doc->src_file, doc->src_offset, doc->src_record,
                      "clean: %s", tamis_strerror(rc));
    return TAMIS_OK;
}

static char *clean_report(const void *self)
{
    const clean_state *st = self;
    if (!st->cfg->corpus || !st->tab.e)
        return NULL;
    tm_buf b;
    tm_buf_init(&b);
    tm_buf_printf(&b,
                  "{\"corpus_docs\":%llu,\"corpus_distinct_lines\":%zu,\"corpus_table_bytes\":%zu,"
                  "\"corpus_prunes\":%llu,\"corpus_count_floor\":%u}",
                  (unsigned long long)st->tab.docs_seen, st->tab.n,
                  st->tab.cap * sizeof(cl_entry), (unsigned long long)st->tab.prunes,
                  st->tab.floor);
    if (tm_buf_nul(&b) != TAMIS_OK) {
        tm_buf_free(&b);
        return NULL;
    }
    return b.data;
}

static void clean_destroy(void *self)
{
    clean_state *st = self;
    if (!st)
        return;
    cl_lex_free(st->lx);
    tm_free(st->tab.e);
    tm_buf_free(&st->scratch);
    tm_free(st);
}

const tm_stage_vt tm_clean_stage = {
    .name = "clean",
    .params = clean_params,
    .cfg_size = sizeof(clean_cfg),
    .create = clean_create,
    .process = clean_process,
    .is_corpus = clean_is_corpus,
    .observe = clean_observe,
    .finish = clean_finish,
    .report = clean_report,
    .destroy = clean_destroy,
};
