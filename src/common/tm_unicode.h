/* tm_unicode.h — Unicode helpers every text stage shares: decoding, character classes,
 * word iteration, normalisation (utf8proc), stop-word lists. One implementation so that
 * clean, lang, filter and dedup agree on what a "word" is. */
#ifndef TM_UNICODE_H
#define TM_UNICODE_H

#include "tm_common.h"

#include <pthread.h>

/* Decodes one code point at *p (advancing it); invalid bytes yield 0xFFFD and advance 1. */
int32_t tm_utf8_next(const char **p, const char *end);
/* Encodes cp into out (4 bytes room); returns its length. */
size_t tm_utf8_put(char *out, int32_t cp);

/* Character classes (utf8proc categories). */
bool tm_is_letter(int32_t cp);      /* L* and M* (marks belong to their letter) */
bool tm_is_digit(int32_t cp);       /* Nd, Nl, No */
bool tm_is_space(int32_t cp);       /* Zs, Zl, Zp, \t \n \r \v \f, U+200B */
bool tm_is_punct(int32_t cp);       /* P* */
bool tm_is_symbol(int32_t cp);      /* S* */
bool tm_is_upper(int32_t cp);       /* Lu, Lt */

/* Scripts that write without spaces between words (Han, Hiragana, Katakana, Thai, Lao,
 * Khmer, Myanmar): word iteration splits them further (ICU word break where built). */
bool tm_is_nospace_script(int32_t cp);

/* Segments s[0..n), a run of no-space-script text, into words with ICU's dictionary
 * word break (one break iterator per thread), calling fn (may be NULL) per word; returns
 * the word count. Falls back to one word per character if ICU cannot be opened. */
typedef void (*tm_word_fn)(void *ctx, const char *w, size_t len);
size_t tm_segment_nospace(const char *s, size_t n, tm_word_fn fn, void *ctx);
/* 1 when ICU's word break iterator could be opened (0: per-character fallback). */
int tm_segment_icu(void);

/* Calls fn for each word of s[0..n): a maximal run of letters and digits, keeping inner
 * apostrophes, hyphens and dots between letters/digits ("l'état", "e-mail", "3.14");
 * runs of no-space scripts are segmented with ICU's dictionary word break. Returns the
 * word count. fn may be NULL (count only). */
size_t tm_words(const char *s, size_t n, tm_word_fn fn, void *ctx);

/* Normalisation flags for tm_normalize. */
enum {
    TM_NORM_CASEFOLD = 1,      /* full case fold (utf8proc) */
    TM_NORM_STRIP_ACCENTS = 2, /* NFD then drop combining marks */
    TM_NORM_DIGITS_ZERO = 4,   /* every digit -> '0' */
    TM_NORM_PUNCT_SPACE = 8,   /* punctuation and symbols -> space */
    TM_NORM_SPACES = 16,       /* collapse whitespace runs to one ' ', trim ends */
    TM_NORM_NFKC = 32,         /* NFKC compatibility composition */
    /* datatrove's text normalisation for dedup: lowercase, digits->0, punct->space,
     * accents stripped, whitespace collapsed */
    TM_NORM_DEDUP = 1 | 2 | 4 | 8 | 16
};
/* Appends the normalised form of s[0..n) to out. */
tamis_status tm_normalize(tm_buf *out, const char *s, size_t n, unsigned flags);

/* Stop words of a language (ISO 639-1 code) from data/stopwords/<lang>.txt, loaded once
 * and cached for the process (thread-safe). NULL if there is no list for lang. */
typedef struct tm_wordset tm_wordset;
const tm_wordset *tm_stopwords(const char *lang);
/* Appends the raw stop-word file of lang (data/stopwords/<lang>.txt; nb reads no) to out;
 * false if there is none. For stages that build their own lookup structure. */
bool tm_stopwords_file(const char *lang, tm_buf *out);
/* A process-wide cache of one object per language built from its stop-word file, loaded
 * on first use (thread-safe). build gets the file's bytes; languages without a file cache
 * NULL. Static instances: `static tm_lang_cache c = TM_LANG_CACHE_INIT;`. */
#define TM_LANG_CACHE_MAX 256
typedef struct tm_lang_cache {
    pthread_mutex_t lock;
    size_t n;
    struct {
        char lang[16];
        void *value;
    } e[TM_LANG_CACHE_MAX];
} tm_lang_cache;
#define TM_LANG_CACHE_INIT {PTHREAD_MUTEX_INITIALIZER, 0, {{{0}, NULL}}}
const void *tm_lang_cache_get(tm_lang_cache *c, const char *lang,
                              void *(*build)(const char *text, size_t n));
/* Membership test for a word as it appears in text (compared case-folded). */
bool tm_wordset_has(const tm_wordset *ws, const char *w, size_t len);
size_t tm_wordset_size(const tm_wordset *ws);
/* A set built from a NUL-separated list in memory (caller frees with tm_wordset_free). */
tm_wordset *tm_wordset_from_lines(const char *text, size_t n);
void tm_wordset_free(tm_wordset *ws);

#endif
