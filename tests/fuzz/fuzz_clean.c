/* fuzz_clean.c — bytes -> text document -> clean stage (line classifier, lexicon, date,
 * byline and reading-time parsers); the first byte picks explain mode and a language.
 * Checks: no crash, the output text is never longer than the input plus the explain
 * prefixes, and a document is dropped only with the clean_empty reason. */
#include "common/tm_common.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static tamis_stage *plain, *explain;
    if (!plain) {
        if (tamis_stage_new(&plain, "clean", NULL) != TAMIS_OK ||
            tamis_stage_new(&explain, "clean", NULL) != TAMIS_OK)
            abort();
        tamis_stage_set(explain, "explain", "true", NULL);
    }
    static const char *const langs[] = {NULL, "en", "fr", "zh", "sw", "xx"};
    tamis_doc *doc = tamis_doc_new();
    if (!doc)
        return 0;
    bool ex = size && (data[0] & 1);
    const char *lang = size ? langs[(data[0] >> 1) % 6] : NULL;
    tamis_doc_set_text(doc, (const char *)data, size);
    if (lang)
        tamis_doc_set(doc, TAMIS_F_LANG, lang);
    size_t in_len = doc->text_len;
    tamis_status st = tamis_stage_process(ex ? explain : plain, doc, NULL);
    if (st != TAMIS_OK && st != TAMIS_ERR_NOMEM)
        abort();
    if (st == TAMIS_OK && !ex && doc->text_len > in_len)
        abort();
    if (doc->reasons.n && strncmp(doc->reasons.v[0], "clean_empty:", 12) != 0)
        abort();
    tamis_doc_free(doc);
    return 0;
}
