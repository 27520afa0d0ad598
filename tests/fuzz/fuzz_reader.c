/* fuzz_reader.c — any bytes through every reader (format detection, gzip/zstd, WARC, ARC,
 * JSONL, HTTP decoding) from memory; each delivered document is serialised and read back
 * as JSONL, which must succeed. The first byte picks reader options so small ceilings and
 * forced formats get exercised too. */
#include "io/tm_io.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t sel = data[0];
    data++;
    size--;
    tamis_reader_opts o;
    tamis_reader_opts_init(&o);
    o.format = (tamis_format)(sel % 6);
    o.keep_non_content = (sel >> 3) & 1;
    if (sel & 0x10)
        o.max_record_bytes = 64 + (sel & 0xe0);
    tamis_reader *r = NULL;
    if (tm_reader_open_mem(&r, data, size, "fuzz", &o, NULL) != TAMIS_OK)
        return 0;
    tamis_doc *d = tamis_doc_new();
    tamis_doc *back = tamis_doc_new();
    tamis_writer_opts wo;
    tamis_writer_opts_init(&wo);
    wo.with_payload = 1;
    /* Every call consumes input or ends, so 100000 calls is far beyond any input here. */
    for (int i = 0; i < 100000; i++) {
        tamis_error e = {0};
        tamis_status st = tamis_reader_next(r, d, &e);
        if (st == TAMIS_END)
            break;
        if (st != TAMIS_OK) {
            if (!e.message[0])
                abort(); /* every skipped record must say why */
            continue;
        }
        char *js = NULL;
        size_t len = 0;
        if (tamis_doc_to_json(d, &wo, &js, &len) == TAMIS_OK) {
            tamis_reader *r2 = NULL;
            if (tm_reader_open_mem(&r2, (const uint8_t *)js, len, "spool", NULL, NULL) ==
                TAMIS_OK) {
                if (tamis_reader_next(r2, back, NULL) != TAMIS_OK)
                    abort(); /* our own output must read back */
                tamis_reader_free(r2);
            }
            free(js);
        }
    }
    tamis_doc_free(back);
    tamis_doc_free(d);
    tamis_reader_free(r);
    return 0;
}
