/* fuzz_filter.c — bytes -> text document -> filter stage (signals, every rule, C4 line
 * removal, a per-language configuration chosen by the first byte). */
#include "common/tm_common.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static tamis_stage *stage;
    if (!stage) {
        if (tamis_stage_new(&stage, "filter", NULL) != TAMIS_OK)
            abort();
        /* line removal exercises the second pass over the lines */
        tamis_stage_set(stage, "c4_remove_lines", "true", NULL);
        tamis_stage_set(stage, "c4_min_sentences", "0", NULL);
        tamis_stage_set(stage, "lang_overrides", "de.gopher_min_words=1;zh.fineweb=false", NULL);
    }
    static const char *const langs[] = {NULL, "en", "de", "zh", "xx"};
    tamis_doc *doc = tamis_doc_new();
    if (!doc)
        return 0;
    const char *lang = size ? langs[data[0] % 5] : NULL;
    tamis_doc_set_text(doc, (const char *)data, size);
    if (lang)
        tamis_doc_set(doc, TAMIS_F_LANG, lang);
    tamis_status st = tamis_stage_process(stage, doc, NULL);
    if (st != TAMIS_OK && st != TAMIS_ERR_NOMEM)
        abort();
    /* every signal is a finite number */
    for (uint32_t i = 0; i < doc->n_signals; i++)
        if (!(doc->signals[i].value == doc->signals[i].value) || doc->signals[i].value < 0)
            abort();
    tamis_doc_free(doc);
    return 0;
}
