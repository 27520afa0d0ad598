/* tm_lang.h — the language-ID backends behind one internal interface (CLD2, fastText, the
 * ensemble), script detection and ISO 639 code mapping. Private to src/langid. */
#ifndef TM_LANG_H
#define TM_LANG_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One guess: a language code (ISO 639-1, else 639-3, optionally "-Script"/"-Region" as the
 * backend names it) and a probability-like score in 0..1. */
typedef struct tm_lang_guess {
    char code[12];
    float score;
} tm_lang_guess;

#define TM_LANG_TOPK 3

/* ---- CLD2 (tm_lang_cld2.cc). Thread-safe: CLD2 keeps no mutable global state. */
typedef struct tm_cld2_out {
    tm_lang_guess top[TM_LANG_TOPK]; /* score = percent of text / 100 */
    int n;                           /* guesses filled (0 when CLD2 knows nothing) */
    double nscore[TM_LANG_TOPK];     /* CLD2 "normalized score": ~1 for normal text */
    int text_bytes;                  /* letters CLD2 scored */
    bool reliable;                   /* CLD2's is_reliable */
} tm_cld2_out;

/* Detects s[0..n) (must be valid UTF-8; n <= INT_MAX). best_effort: CLD2's
 * kCLDFlagBestEffort, which answers on short text instead of "unknown". clean: s comes
 * from tm_script_clean, so CLD2's interchange-validity check is skipped. Returns 0, or -1
 * if CLD2 rejected the input (then out->n == 0). */
int tm_cld2_detect(const char *s, size_t n, bool best_effort, bool clean, tm_cld2_out *out);
/* True when CLD2's full tables are active (a language only they know is detected): on
 * Debian they load only when libcld2_full is linked with --no-as-needed. */
bool tm_cld2_full_tables(void);
/* CLD2's version string (static). */
const char *tm_cld2_version(void);

/* ---- fastText (tm_lang_fasttext.cc) */
typedef struct tm_ft tm_ft;
/* Loads a supervised fastText model. NULL on failure, with a message in err. */
tm_ft *tm_ft_load(const char *path, char *err, size_t errlen);
void tm_ft_free(tm_ft *m);
/* Top-k predictions for s[0..n) exactly as `fasttext predict-prob MODEL - k threshold`
 * prints them for the same text put on one line (newlines become spaces): labels with a
 * probability below threshold are left out (fastText then prunes its label tree early).
 * Codes are the labels without "__label__". Thread-safe for one model. Returns the number
 * of guesses (<= k). */
int tm_ft_predict(const tm_ft *m, const char *s, size_t n, int k, float threshold,
                  tm_lang_guess *out);
/* 1 when predictions use the fast tokenizer that mirrors fastText's (see the .cc). */
int tm_ft_is_fast(const tm_ft *m);

/* ---- scripts (tm_lang_script.c) */
typedef enum tm_script {
    TM_SCRIPT_NONE = 0, /* no letters */
    TM_SCRIPT_LATIN,
    TM_SCRIPT_CYRILLIC,
    TM_SCRIPT_GREEK,
    TM_SCRIPT_ARMENIAN,
    TM_SCRIPT_GEORGIAN,
    TM_SCRIPT_HEBREW,
    TM_SCRIPT_ARABIC,
    TM_SCRIPT_DEVANAGARI,
    TM_SCRIPT_BENGALI,
    TM_SCRIPT_GURMUKHI,
    TM_SCRIPT_GUJARATI,
    TM_SCRIPT_ORIYA,
    TM_SCRIPT_TAMIL,
    TM_SCRIPT_TELUGU,
    TM_SCRIPT_KANNADA,
    TM_SCRIPT_MALAYALAM,
    TM_SCRIPT_SINHALA,
    TM_SCRIPT_THAI,
    TM_SCRIPT_LAO,
    TM_SCRIPT_TIBETAN,
    TM_SCRIPT_MYANMAR,
    TM_SCRIPT_KHMER,
    TM_SCRIPT_HANGUL,
    TM_SCRIPT_HIRAGANA,
    TM_SCRIPT_KATAKANA,
    TM_SCRIPT_HAN,
    TM_SCRIPT_ETHIOPIC,
    TM_SCRIPT_MONGOLIAN,
    TM_SCRIPT_THAANA,
    TM_SCRIPT_OTHER,
    TM_SCRIPT__COUNT
} tm_script;

/* Letters per script in s[0..n) (counts has TM_SCRIPT__COUNT slots, zeroed by the call).
 * Returns the total letter count. Invalid bytes count as nothing. */
size_t tm_script_counts(const char *s, size_t n, size_t *counts);
/* Copies s[0..n) to out (n + 1 bytes, NUL-terminated, *out_n bytes before the NUL) for the
 * backends, counting letters per script on the way as tm_script_counts does: invalid
 * UTF-8 and the code points CLD2 refuses as not "interchange-valid" (C0 controls but tab
 * and newline, DEL, C1 controls, noncharacters) become one space each. */
size_t tm_script_clean(const char *s, size_t n, char *out, size_t *out_n, size_t *counts);
/* Builds the tables the two calls above use (they call it too; idempotent, thread-safe). */
void tm_script_init(void);
/* The dominant script of a count table (Hiragana/Katakana/Han mixes are reported as
 * TM_SCRIPT_HIRAGANA when kana make up >= 10 % of them: that is Japanese). */
tm_script tm_script_dominant(const size_t *counts, size_t total);
/* ISO 15924 code ("Latn", "Cyrl", "Hani", "Jpan"…), static. */
const char *tm_script_code(tm_script s);
/* The one language a script is used for, when there is one ("el" for Greek, "ko" for
 * Hangul, "ja" for kana…); NULL for scripts shared by several languages. */
const char *tm_script_language(tm_script s);

/* ---- ISO 639 (tm_lang_script.c) */
/* Maps a backend's code to tamis's: ISO 639-1 when one exists, else ISO 639-3; drops
 * script/region suffixes ("zh-Hant" -> "zh", "sr-ME" -> "sr"), renames deprecated codes
 * ("iw" -> "he", "jw" -> "jv", "in" -> "id", "no" -> "nb"), and turns CLD2's
 * pseudo-languages ("un", "xx-*") into "und". Writes a NUL-terminated code into out
 * (at least 12 bytes). */
void tm_lang_iso(const char *code, char *out);

#ifdef __cplusplus
}
#endif
#endif
