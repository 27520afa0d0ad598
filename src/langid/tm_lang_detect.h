/* tm_lang_detect.h — one language-ID call over the backends (private to src/langid). */
#ifndef TM_LANG_DETECT_H
#define TM_LANG_DETECT_H

#include "../common/tm_common.h"
#include "tm_lang.h"

enum { TM_LANG_BACKEND_ENSEMBLE = 0, TM_LANG_BACKEND_CLD2 = 1, TM_LANG_BACKEND_FASTTEXT = 2 };

typedef struct tm_lang_opts {
    int backend;      /* TM_LANG_BACKEND_* */
    bool best_effort; /* CLD2's best-effort flag (answer on short text) */
    const tm_ft *ft;  /* fastText model; NULL: fastText is not used */
    /* Optional: a language CLD2 alone may confirm even when it is in the confusable list
     * (paragraphs of a document already labelled with it); NULL: none. */
    const char *agree;
} tm_lang_opts;

typedef struct tm_lang_result {
    tm_lang_guess top[TM_LANG_TOPK]; /* ISO 639 codes, best first; n == 0: undetermined */
    int n;
    tm_script script;    /* dominant script of the letters */
    double script_share; /* its share of the letters */
    size_t letters;
    bool reliable;
    bool ran_cld2, ran_fasttext;
} tm_lang_result;

/* Identifies the language of s[0..n), which must be text as tm_script_clean leaves it
 * (valid UTF-8 that CLD2 accepts; CLD2's own check is skipped). counts: the text's letters per
 * script when the caller has them already (tm_script_clean, tm_script_counts), else NULL.
 * Thread-safe. */
void tm_lang_identify(const tm_lang_opts *o, const char *s, size_t n, const size_t *counts,
                      tm_lang_result *r);
const char *tm_lang_backend_name(int backend);

#endif
