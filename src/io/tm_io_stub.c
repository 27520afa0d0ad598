/* tm_io_stub.c — TEMPORARY: minimal reader/writer until src/io lands (to be deleted). */
#include "../common/tm_common.h"

#include <stdio.h>
#include <stdlib.h>

void tamis_reader_opts_init(tamis_reader_opts *o)
{
    memset(o, 0, sizeof *o);
    o->text_field = "text";
    o->id_field = "id";
    o->max_record_bytes = 64u << 20;
}

struct tamis_reader {
    FILE *f;
    char *path;
    int done;
    uint64_t bytes;
};

tamis_status tamis_reader_open(tamis_reader **out, const char *path, const tamis_reader_opts *o,
                               tamis_error *err)
{
    (void)o;
    tamis_reader *r = tm_calloc(1, sizeof *r);
    r->path = tm_strdup(path);
    r->f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    if (!r->f) {
        tm_free(r->path);
        tm_free(r);
        return tm_err(err, TAMIS_ERR_IO, path, 0, 0, "cannot open");
    }
    *out = r;
    return TAMIS_OK;
}

tamis_status tamis_reader_next(tamis_reader *r, tamis_doc *doc, tamis_error *err)
{
    (void)err;
    if (r->done)
        return TAMIS_END;
    r->done = 1;
    tamis_doc_reset(doc);
    tm_buf b;
    tm_buf_init(&b);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, r->f)) > 0)
        tm_buf_append(&b, chunk, n);
    r->bytes = b.len;
    tm_doc_set_textn(doc, b.data ? b.data : "", b.len);
    tamis_doc_set_id(doc, r->path, strlen(r->path));
    doc->src_file = r->path;
    doc->src_record = 1;
    tm_buf_free(&b);
    return TAMIS_OK;
}

uint64_t tamis_reader_bytes(const tamis_reader *r) { return r->bytes; }
tamis_format tamis_reader_format(const tamis_reader *r) { (void)r; return TAMIS_FMT_TEXT; }

void tamis_reader_free(tamis_reader *r)
{
    if (!r)
        return;
    if (r->f && r->f != stdin)
        fclose(r->f);
    tm_free(r->path);
    tm_free(r);
}

void tamis_writer_opts_init(tamis_writer_opts *o)
{
    memset(o, 0, sizeof *o);
    o->with_signals = 1;
}

struct tamis_writer {
    FILE *f;
    tamis_writer_opts o;
    tm_buf b;
};

tamis_status tamis_writer_open(tamis_writer **out, const char *path, const tamis_writer_opts *o,
                               tamis_error *err)
{
    tamis_writer *w = tm_calloc(1, sizeof *w);
    w->f = strcmp(path, "-") ? fopen(path, "wb") : stdout;
    if (!w->f) {
        tm_free(w);
        return tm_err(err, TAMIS_ERR_IO, path, 0, 0, "cannot open for writing");
    }
    if (o)
        w->o = *o;
    else
        tamis_writer_opts_init(&w->o);
    *out = w;
    return TAMIS_OK;
}

tamis_status tamis_writer_write(tamis_writer *w, const tamis_doc *doc, tamis_error *err)
{
    (void)err;
    tm_buf_clear(&w->b);
    tm_doc_json(doc, &w->o, &w->b);
    tm_buf_putc(&w->b, '\n');
    fwrite(w->b.data, 1, w->b.len, w->f);
    return TAMIS_OK;
}

tamis_status tamis_writer_close(tamis_writer *w, tamis_error *err)
{
    (void)err;
    if (!w)
        return TAMIS_OK;
    if (w->f != stdout)
        fclose(w->f);
    else
        fflush(stdout);
    tm_buf_free(&w->b);
    tm_free(w);
    return TAMIS_OK;
}
