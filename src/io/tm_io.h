/* tm_io.h — internals of the read/write layer: the decompressing byte window every
 * reader parses from, and the record parsers (WARC, ARC, JSONL, whole file) on top of it.
 * Only src/io and the io tests/fuzz targets include this header. */
#ifndef TM_IO_H
#define TM_IO_H

#include "../common/tm_common.h"

#include <stdio.h>

/* ---- byte window over one (possibly compressed) input ---------------------------- */

typedef enum tm_codec { TM_CODEC_NONE = 0, TM_CODEC_GZIP, TM_CODEC_ZSTD } tm_codec;

typedef struct tm_src tm_src;

/* Opens a window over f (borrowed unless own_f) or over mem[0..mem_len) (borrowed; f
 * must then be NULL). The codec is detected from the first bytes. max_window bounds the
 * decompressed bytes held at once (grows from 1 MiB on demand). name is borrowed and
 * only used in messages. */
tamis_status tm_src_open(tm_src **out, FILE *f, int own_f, const uint8_t *mem, size_t mem_len,
                         const char *name, size_t max_window, tamis_error *err);
void tm_src_free(tm_src *s);

/* Makes at least `need` decompressed bytes available at tm_src_data() unless the input
 * ends first (or need exceeds the window ceiling). Returns the bytes available; never
 * fails: stream errors are remembered (tm_src_error) and look like the end of input. */
size_t tm_src_fill(tm_src *s, size_t need);
/* Available bytes without reading more. */
size_t tm_src_avail(const tm_src *s);
const char *tm_src_data(const tm_src *s);
void tm_src_consume(tm_src *s, size_t n);
/* Decompressed offset of the next unconsumed byte. */
uint64_t tm_src_tell(const tm_src *s);
/* Offset to report for a record starting at decompressed offset dec: the compressed
 * offset of its gzip member / zstd frame when the record starts exactly at one (what CDX
 * indexes store, so `tail -c +OFFSET+1 FILE | zcat` starts at the record), else dec. */
uint64_t tm_src_record_offset(tm_src *s, uint64_t dec);
/* Compressed bytes consumed from the input so far. */
uint64_t tm_src_bytes_in(const tm_src *s);
tm_codec tm_src_codec(const tm_src *s);
/* 1 when no more bytes will come (after the window drains). */
int tm_src_eof(const tm_src *s);
/* Stream error (corrupt or truncated compressed data), TAMIS_OK if none. The message and
 * compressed offset describe it. */
tamis_status tm_src_error(const tm_src *s, const char **msg, uint64_t *offset);
/* Largest number of bytes tm_src_fill can make available at once. */
size_t tm_src_max_window(const tm_src *s);

/* ---- readers --------------------------------------------------------------------- */

/* Reader from memory (fuzz targets, tests): like tamis_reader_open on a file holding
 * data[0..len) named `name`. data and name are borrowed for the reader's life. */
tamis_status tm_reader_open_mem(tamis_reader **out, const uint8_t *data, size_t len,
                                const char *name, const tamis_reader_opts *opts,
                                tamis_error *err);

/* State a format parser sees (owned by tm_io_reader.c). */
typedef struct tm_rd {
    tm_src *src;
    const char *file;           /* current input name (borrowed by documents) */
    const tamis_reader_opts *o;
    uint64_t record;            /* records/lines started so far in this file */
    uint64_t max_rec;           /* effective max_record_bytes */
    int resyncing;              /* WARC/ARC: already reported the garbage being skipped */
    int whole_done;             /* TEXT/HTML: the one document was delivered */
    int src_err_reported;       /* the stream error was reported (once) */
    int arc_v2;                 /* ARC: the file header said version 2 */
    tm_buf scratch;             /* JSON string decoding, dechunking, header copies */
} tm_rd;

tamis_status tm_warc_next(tm_rd *r, tamis_doc *doc, tamis_error *err);
tamis_status tm_arc_next(tm_rd *r, tamis_doc *doc, tamis_error *err);
tamis_status tm_jsonl_next(tm_rd *r, tamis_doc *doc, tamis_error *err);
/* Parses one JSON line (no newline) into doc: tamis's own layout and dolma/datatrove's. */
tamis_status tm_jsonl_parse(tm_rd *r, const char *line, size_t len, tamis_doc *doc,
                            tamis_error *err, uint64_t offset);

/* HTTP payload helpers shared by WARC and ARC (tm_io_http.c). Parses an HTTP response
 * head at block[0..n) when it starts with "HTTP/", decodes the body (chunked, gzip,
 * deflate, br — only where the bytes really are encoded) and fills doc's payload, kind,
 * content_type, charset and http_status. warc_ctype is the record's own Content-Type
 * (used when there is no HTTP head). */
tamis_status tm_http_fill(tm_rd *r, tamis_doc *doc, const char *block, size_t n,
                          const char *warc_ctype, size_t warc_ctype_len, int has_http);
/* Value of header `name` (case-insensitive) in the head [p, end) of "Name: value" lines,
 * trimmed, or NULL. */
const char *tm_head_get(const char *p, const char *end, const char *name, size_t *len);
/* Kind from a content type and the first payload bytes. */
tamis_kind tm_sniff_kind(const char *ctype, size_t ctype_len, const uint8_t *p, size_t n);
/* Sets TAMIS_F_URL from a raw target URI: trims, strips wget's <...>, percent-encodes
 * spaces and control bytes. */
tamis_status tm_set_url(tamis_doc *doc, const char *u, size_t n);

#endif /* TM_IO_H */
