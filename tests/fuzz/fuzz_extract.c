/* fuzz_extract.c — bytes -> extract stage on an HTML document. The first byte picks the
 * output format and options, the rest is the page; charset detection, the parser adapter,
 * metadata (JSON-LD scanning, date parsing) and rendering all see hostile input. */
#include "common/tm_common.h"

#include <stdint.h>
#include <stddef.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t mode = data[0];
    tamis_stage *s = NULL;
    if (tamis_stage_new(&s, "extract", NULL) != TAMIS_OK)
        return 0;
    if (mode & 1)
        tamis_stage_set(s, "format", "markdown", NULL);
    if (mode & 2)
        tamis_stage_set(s, "links", "true", NULL);
    if (mode & 4)
        tamis_stage_set(s, "comments", "true", NULL);
    if (mode & 8)
        tamis_stage_set(s, "max_depth", "16", NULL);
    tamis_doc *d = tamis_doc_new();
    if (d) {
        tamis_doc_set_payload(d, (mode & 16) ? TAMIS_KIND_TEXT : TAMIS_KIND_HTML, data + 1, size - 1);
        if (mode & 16)
            tm_doc_set_textn(d, (const char *)data + 1, size - 1);
        if (mode & 32)
            tamis_doc_set(d, TAMIS_F_CHARSET, (mode & 64) ? "windows-1251" : "shift_jis");
        tamis_stage_process(s, d, NULL);
        size_t n = 0;
        const char *t = tamis_doc_text(d, &n);
        /* the text is valid UTF-8 and NUL-terminated whatever came in */
        if (tm_utf8_valid_prefix(t, n) != n || t[n] != '\0')
            __builtin_trap();
        tamis_doc_free(d);
    }
    tamis_stage_free(s);
    return 0;
}
