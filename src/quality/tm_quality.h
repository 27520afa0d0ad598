/* tm_quality.h — quality signals of one text, computed in one pass (src/quality only).
 *
 * The signals reproduce the definitions of datatrove's Gopher / C4 / FineWeb filters and
 * RedPajama-V2's natural-language and repetition signals; docs/signals.md gives each one
 * its formula and its reference. The filter stage (tm_filter_stage.c) turns them into
 * keep/drop decisions; unit tests call tm_quality_compute directly.
 */
#ifndef TM_QUALITY_H
#define TM_QUALITY_H

#include "../common/tm_common.h"
#include "../common/tm_unicode.h"

/* Signal ids. The X-macro keeps the enum and the signal names (the JSON keys under
 * "signals") in one place. */
#define TM_QS_LIST(X)                                                                      \
    X(CHARS, "chars")                                                                      \
    X(LINES, "lines")                                                                      \
    X(WORD_COUNT, "word_count")                                                            \
    X(TOKEN_COUNT, "token_count")                                                          \
    X(MEAN_WORD_LENGTH, "mean_word_length")                                                \
    X(SYMBOL_TO_WORD_RATIO, "symbol_to_word_ratio")                                        \
    X(HASH_TO_TOKEN_RATIO, "hash_to_token_ratio")                                          \
    X(ELLIPSIS_TO_TOKEN_RATIO, "ellipsis_to_token_ratio")                                  \
    X(FRAC_LINES_BULLET, "frac_lines_start_bullet")                                        \
    X(FRAC_LINES_ELLIPSIS, "frac_lines_end_ellipsis")                                      \
    X(FRAC_LINES_TERMINAL, "frac_lines_end_terminal_punct")                                \
    X(FRAC_LINES_JAVASCRIPT, "frac_lines_javascript")                                      \
    X(FRAC_WORDS_NO_ALPHA, "frac_words_no_alpha")                                          \
    X(FRAC_TOKENS_ALPHA, "frac_tokens_alpha")                                              \
    X(FRAC_UNIQUE_WORDS, "frac_unique_words")                                              \
    X(UNIGRAM_ENTROPY, "unigram_entropy")                                                  \
    X(STOP_WORD_FRACTION, "stop_word_fraction")                                            \
    X(GOPHER_STOP_WORDS, "gopher_stop_words")                                              \
    X(CURLY_BRACKET_RATIO, "curly_bracket_ratio")                                          \
    X(LOREM_IPSUM_RATIO, "lorem_ipsum_ratio")                                              \
    X(FRAC_UPPERCASE, "frac_uppercase_letters")                                            \
    X(FRAC_DIGITS, "frac_digit_chars")                                                     \
    X(NUM_SENTENCES, "num_sentences")                                                      \
    X(TOP_2GRAM, "frac_chars_top_2gram")                                                   \
    X(TOP_3GRAM, "frac_chars_top_3gram")                                                   \
    X(TOP_4GRAM, "frac_chars_top_4gram")                                                   \
    X(DUP_5GRAM, "frac_chars_dup_5gram")                                                   \
    X(DUP_6GRAM, "frac_chars_dup_6gram")                                                   \
    X(DUP_7GRAM, "frac_chars_dup_7gram")                                                   \
    X(DUP_8GRAM, "frac_chars_dup_8gram")                                                   \
    X(DUP_9GRAM, "frac_chars_dup_9gram")                                                   \
    X(DUP_10GRAM, "frac_chars_dup_10gram")                                                 \
    X(DUP_LINE_FRAC, "dup_line_frac")                                                      \
    X(DUP_LINE_CHAR_FRAC, "dup_line_char_frac")                                            \
    X(DUP_PARA_FRAC, "dup_para_frac")                                                      \
    X(DUP_PARA_CHAR_FRAC, "dup_para_char_frac")                                            \
    X(FW_LINE_PUNCT, "fineweb_line_punct_ratio")                                           \
    X(FW_SHORT_LINE, "fineweb_short_line_ratio")                                           \
    X(FW_CHAR_DUP, "fineweb_char_dup_ratio")                                               \
    X(FW_LIST_RATIO, "fineweb_list_ratio")                                                 \
    X(C4_LINES_KEPT, "c4_frac_lines_kept")                                                 \
    X(C4_SENTENCES, "c4_sentences")                                                        \
    X(C4_LOREM_IPSUM, "c4_lorem_ipsum")                                                    \
    X(C4_CURLY_BRACKET, "c4_curly_bracket")

#define TM_QS_ENUM(id, name) TM_QS_##id,
typedef enum tm_qs { TM_QS_LIST(TM_QS_ENUM) TM_QS__COUNT } tm_qs;
#undef TM_QS_ENUM

/* JSON name of a signal, static. */
const char *tm_qs_name(tm_qs id);

/* Why C4's line rules remove a line (the order in which datatrove tests them). */
typedef enum tm_c4_line {
    TM_C4_KEPT = 0,
    TM_C4_LONG_WORD,      /* a whitespace token longer than max_word_length */
    TM_C4_NO_TERMINAL,    /* does not end in . ? ! " ' (or ends in "...") */
    TM_C4_FEW_WORDS,      /* fewer than min_words_per_line whitespace tokens */
    TM_C4_JAVASCRIPT,     /* mentions "javascript" */
    TM_C4_POLICY,         /* terms of use / privacy policy / cookie notices */
    TM_C4__COUNT
} tm_c4_line;

/* Name under which removed lines are counted ("removed_lines" in the output). */
const char *tm_c4_line_name(tm_c4_line why);

/* Stop-word sets (tm_quality_stop.c): the words of data/stopwords/<lang>.txt kept as
 * hashes of their folded form, so that the pass tests a word with the hash it already
 * has. tm_qstop_get caches one set per language for the process (thread-safe) and
 * returns NULL when there is no list. */
typedef struct tm_qstop tm_qstop;
const tm_qstop *tm_qstop_get(const char *lang);
tm_qstop *tm_qstop_from_text(const char *text, size_t n); /* '\n'-separated words */
void tm_qstop_free(tm_qstop *s);
size_t tm_qstop_size(const tm_qstop *s);

/* The set's layout, here so that the membership test below inlines into the signal
 * pass (it runs once per distinct word of every document). */
struct tm_qstop {
    uint64_t bloom[256]; /* 16384-bit filter, two bits per word: most words that are not
                          * stop words are rejected in L1 without touching the table */
    uint64_t *keys;      /* open addressing, 0 = empty */
    size_t cap, n;
};

/* Whether the word with this folded hash (tm_quality_fold_hash) is in s; false for a NULL
 * s. */
static inline bool tm_qstop_has(const tm_qstop *s, uint64_t h)
{
    if (!s)
        return false;
    if (!h)
        h = 1;
    uint32_t x = (uint32_t)(h >> 50), y = (uint32_t)(h >> 36) & 0x3FFF;
    if (!((s->bloom[x >> 6] >> (x & 63) & 1) && (s->bloom[y >> 6] >> (y & 63) & 1)))
        return false;
    size_t i = (size_t)(h ^ (h >> 29)) & (s->cap - 1);
    while (s->keys[i]) {
        if (s->keys[i] == h)
            return true;
        i = (i + 1) & (s->cap - 1);
    }
    return false;
}
/* XXH3 of w lower-cased code point by code point (utf8proc_tolower): the key of the
 * unigram statistics and of stop-word sets. */
uint64_t tm_quality_fold_hash(const char *w, size_t n);

/* What the signal pass needs to know beyond the text. */
typedef struct tm_quality_opts {
    /* Stop words for stop_word_fraction (case-folded match); NULL: the signal is 0. */
    const tm_qstop *stop_words;
    /* Stop words for the Gopher rule: NULL means Gopher's own eight English words,
     * matched case-sensitively as datatrove does. */
    const tm_qstop *gopher_stop_words;
    int64_t fw_short_line_length;  /* FineWeb: a line this short (chars) or less is short */
    int64_t c4_max_word_length;    /* -1: rule off */
    int64_t c4_min_words_per_line; /* -1: rule off */
    bool c4_terminal_punct;
    bool c4_remove_citations;
    bool c4_javascript;
    bool c4_policy;
    bool c4_lorem_ipsum;
    bool c4_curly_bracket;
    /* Tests: send ASCII lines through tm_words like any other (must not change a value). */
    bool no_ascii_fast_path;
} tm_quality_opts;

/* Fills opts with the datatrove defaults (English stop words not loaded: NULL). */
void tm_quality_opts_init(tm_quality_opts *opts);

/* Result of the pass. c4_verdict (one entry per '\n'-separated line, in the arena) is
 * only filled when the caller asks for it. */
typedef struct tm_quality {
    double v[TM_QS__COUNT];
    size_t n_lines;          /* '\n'-separated lines: newlines + 1 */
    uint8_t *c4_verdict;     /* tm_c4_line per line, or NULL */
    uint64_t c4_removed[TM_C4__COUNT];
} tm_quality;

/* Computes every signal of text[0..n) (UTF-8; invalid bytes count as one U+FFFD each).
 * Scratch memory is kept per thread, from one call to the next; the memo of ICU's pieces
 * of no-space runs and, with want_lines, c4_verdict are allocated in arena. Thread-safe.
 * TAMIS_ERR_NOMEM on allocation failure. */
tamis_status tm_quality_compute(const char *text, size_t n, const tm_quality_opts *opts,
                                tm_arena *arena, bool want_lines, tm_quality *out);

/* Appends to out the text C4's line rules keep: stripped lines whose verdict is KEPT,
 * with Wikipedia-style citations removed when asked, joined by '\n'. */
tamis_status tm_quality_c4_text(const char *text, size_t n, const tm_quality *q,
                                bool remove_citations, tm_buf *out);

/* "%.6g" of v into p (room for 32 bytes), as snprintf writes it, for the drop reasons;
 * returns its length. */
int tm_quality_fmt6g(char *p, double v);

#endif /* TM_QUALITY_H */
