/* fuzz_lang.c — bytes -> the lang stage (backend and parameters from the first byte, the
 * rest as the text, invalid UTF-8 included) and -> tm_words (ICU segmentation), checking
 * that the result is always a defined label with a score in 0..1 and paragraph offsets
 * inside the text. The stages are created once (the model loads once). */
#include "common/tm_common.h"
#include "common/tm_unicode.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static tamis_stage *stages[4];

static tamis_stage *stage_for(uint8_t c)
{
    int i = c & 3;
    if (!stages[i]) {
        static const char *const backends[4] = {"ensemble", "cld2", "fasttext", "ensemble"};
        if (tamis_stage_new(&stages[i], "lang", NULL) != TAMIS_OK)
            return NULL;
        tamis_stage_set(stages[i], "backend", backends[i], NULL);
        /* small windows and limits so that sampling and paragraph bounds are exercised */
        tamis_stage_set(stages[i], "sample_bytes", i == 3 ? "64" : "8192", NULL);
        tamis_stage_set(stages[i], "paragraph_min_letters", i == 3 ? "1" : "40", NULL);
        tamis_stage_set(stages[i], "max_paragraphs", i == 3 ? "3" : "256", NULL);
    }
    return stages[i];
}

static void count_word(void *ctx, const char *w, size_t n)
{
    (void)w;
    if (n == 0)
        abort(); /* a word is never empty */
    (*(size_t *)ctx)++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const char *text = (const char *)data + 1;
    size_t n = size - 1;
    size_t seen = 0;
    if (tm_words(text, n, count_word, &seen) != seen)
        abort();
    tamis_stage *s = stage_for(data[0]);
    if (!s)
        return 0;
    tamis_doc *d = tamis_doc_new();
    if (!d)
        return 0;
    tamis_doc_set_text(d, text, n);
    if (tamis_stage_process(s, d, NULL) == TAMIS_OK) {
        const char *l = tamis_doc_get(d, TAMIS_F_LANG);
        const char *sc = tamis_doc_get(d, TAMIS_F_LANG_SCORE);
        if (!l || !sc || strlen(l) < 2 || strlen(l) > 11)
            abort();
        double v = atof(sc);
        if (v < 0 || v > 1)
            abort();
        size_t tl = 0;
        tamis_doc_text(d, &tl);
        for (size_t i = 0; i < tamis_doc_count(d, TAMIS_F_LANG_PARAGRAPHS); i++) {
            unsigned long a = 0, b = 0;
            if (sscanf(tamis_doc_get_at(d, TAMIS_F_LANG_PARAGRAPHS, i), "%lu-%lu", &a, &b) != 2 ||
                a > b || b > tl)
                abort();
        }
    }
    tamis_doc_free(d);
    return 0;
}
