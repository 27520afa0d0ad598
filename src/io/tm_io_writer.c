/* tm_io_writer.c — tamis_writer: JSONL lines to a file or stdout, plain, gzip (ISA-L
 * igzip deflate, much faster than zlib at the levels that matter for bulk text) or zstd,
 * buffered in 1 MiB blocks, optionally atomic (PATH.tmp, fsync, rename on close). Every
 * write error names the file; the first one is sticky and returned by close. */
#include "tm_io.h"

#include <errno.h>
#include <fcntl.h>
#include <isa-l/igzip_lib.h>
#include <stdlib.h>
#include <unistd.h>
#include <zstd.h>

#define OUT_BUF (1u << 20)

struct tamis_writer {
    tamis_writer_opts o;
    char *path, *tmp_path;
    int fd, own_fd;
    tamis_compression comp;
    tm_buf line;   /* one serialised document */
    uint8_t *out;  /* compressed (or plain) bytes waiting for write(2) */
    size_t out_len;
    uint8_t *in;   /* plain bytes waiting for the compressor */
    size_t in_len;
    struct isal_zstream *gz;
    uint8_t *gz_level_buf;
    ZSTD_CCtx *zc;
    tamis_status err;
    tamis_error err_detail;
};

void tamis_writer_opts_init(tamis_writer_opts *o)
{
    memset(o, 0, sizeof *o);
    o->with_signals = 1;
}

static int ends_with(const char *s, const char *suf)
{
    size_t n = strlen(s), k = strlen(suf);
    return n >= k && strcmp(s + n - k, suf) == 0;
}

static tamis_status fail(tamis_writer *w, tamis_error *err, tamis_status st, const char *what)
{
    if (w->err == TAMIS_OK) {
        w->err = st;
        tm_err(&w->err_detail, st, w->path, 0, 0, "%s: %s", what, strerror(errno));
    }
    if (err)
        *err = w->err_detail;
    return w->err;
}

static tamis_status write_all(tamis_writer *w, const uint8_t *p, size_t n, tamis_error *err)
{
    while (n) {
        ssize_t k = write(w->fd, p, n);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            return fail(w, err, TAMIS_ERR_IO, "write failed");
        }
        p += k;
        n -= (size_t)k;
    }
    return TAMIS_OK;
}

static tamis_status flush_out(tamis_writer *w, tamis_error *err)
{
    tamis_status st = write_all(w, w->out, w->out_len, err);
    w->out_len = 0;
    return st;
}

/* Compresses w->in (finishing the stream when last) into out, writing full blocks. */
static tamis_status compress_in(tamis_writer *w, int last, tamis_error *err)
{
    if (w->comp == TAMIS_COMP_GZIP) {
        struct isal_zstream *z = w->gz;
        z->next_in = w->in;
        z->avail_in = (uint32_t)w->in_len;
        z->end_of_stream = (uint16_t)last;
        z->flush = NO_FLUSH;
        do {
            z->next_out = w->out + w->out_len;
            z->avail_out = (uint32_t)(OUT_BUF - w->out_len);
            if (isal_deflate(z) != COMP_OK) {
                errno = EINVAL;
                return fail(w, err, TAMIS_ERR_INTERNAL, "gzip compression failed");
            }
            w->out_len = OUT_BUF - z->avail_out;
            if (w->out_len == OUT_BUF && flush_out(w, err) != TAMIS_OK)
                return w->err;
        } while (z->avail_in > 0 || (last && z->internal_state.state != ZSTATE_END));
    } else {
        ZSTD_inBuffer ib = {w->in, w->in_len, 0};
        for (;;) {
            ZSTD_outBuffer ob = {w->out + w->out_len, OUT_BUF - w->out_len, 0};
            size_t rem = ZSTD_compressStream2(w->zc, &ob, &ib, last ? ZSTD_e_end : ZSTD_e_continue);
            if (ZSTD_isError(rem)) {
                errno = EINVAL;
                return fail(w, err, TAMIS_ERR_INTERNAL, ZSTD_getErrorName(rem));
            }
            w->out_len += ob.pos;
            if (w->out_len == OUT_BUF && flush_out(w, err) != TAMIS_OK)
                return w->err;
            if (ib.pos == ib.size && (!last || rem == 0))
                break;
        }
    }
    w->in_len = 0;
    return TAMIS_OK;
}

tamis_status tamis_writer_open(tamis_writer **out, const char *path, const tamis_writer_opts *opts,
                               tamis_error *err)
{
    *out = NULL;
    if (!path)
        return tm_err(err, TAMIS_ERR_ARG, NULL, 0, 0, "no output path");
    tamis_writer *w = tm_calloc(1, sizeof *w);
    if (!w)
        return tm_err(err, TAMIS_ERR_NOMEM, path, 0, 0, "out of memory");
    if (opts)
        w->o = *opts;
    else
        tamis_writer_opts_init(&w->o);
    w->fd = -1;
    tm_buf_init(&w->line);
    int is_stdout = strcmp(path, "-") == 0;
    w->comp = w->o.compression;
    if (w->comp == TAMIS_COMP_AUTO)
        w->comp = ends_with(path, ".gz")    ? TAMIS_COMP_GZIP
                  : ends_with(path, ".zst") ? TAMIS_COMP_ZSTD
                                            : TAMIS_COMP_NONE;
    w->path = tm_strdup(path);
    w->out = tm_malloc(OUT_BUF);
    if (!w->path || !w->out)
        goto nomem;
    if (w->comp != TAMIS_COMP_NONE && !(w->in = tm_malloc(OUT_BUF)))
        goto nomem;
    if (w->comp == TAMIS_COMP_GZIP) {
        w->gz = tm_calloc(1, sizeof *w->gz);
        if (!w->gz)
            goto nomem;
        isal_deflate_init(w->gz);
        w->gz->gzip_flag = IGZIP_GZIP;
        /* Levels: 0 (codec default) -> 1, else 1..3 (ISA-L's range; higher clamps). */
        int lvl = w->o.level <= 0 ? 1 : TM_MIN(w->o.level, 3);
        static const uint32_t lvl_buf[4] = {0, ISAL_DEF_LVL1_DEFAULT, ISAL_DEF_LVL2_DEFAULT,
                                            ISAL_DEF_LVL3_DEFAULT};
        w->gz->level = (uint32_t)lvl;
        w->gz_level_buf = tm_malloc(lvl_buf[lvl]);
        if (!w->gz_level_buf)
            goto nomem;
        w->gz->level_buf = w->gz_level_buf;
        w->gz->level_buf_size = lvl_buf[lvl];
    } else if (w->comp == TAMIS_COMP_ZSTD) {
        w->zc = ZSTD_createCCtx();
        if (!w->zc)
            goto nomem;
        ZSTD_CCtx_setParameter(w->zc, ZSTD_c_compressionLevel, w->o.level ? w->o.level : 3);
    }
    if (is_stdout) {
        w->fd = 1;
    } else {
        const char *target = path;
        if (w->o.atomic) {
            size_t n = strlen(path) + 5;
            w->tmp_path = tm_malloc(n);
            if (!w->tmp_path)
                goto nomem;
            snprintf(w->tmp_path, n, "%s.tmp", path);
            target = w->tmp_path;
        }
        w->fd = open(target, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (w->fd < 0) {
            tamis_status st = tm_err(err, TAMIS_ERR_IO, path, 0, 0, "cannot open for writing: %s",
                                     strerror(errno));
            tamis_writer_close(w, NULL);
            return st;
        }
        w->own_fd = 1;
    }
    *out = w;
    return TAMIS_OK;
nomem:
    tamis_writer_close(w, NULL);
    return tm_err(err, TAMIS_ERR_NOMEM, path, 0, 0, "out of memory");
}

/* Appends bytes to the stream (through the compressor when there is one). */
static tamis_status put(tamis_writer *w, const char *p, size_t n, tamis_error *err)
{
    uint8_t *dst = w->comp == TAMIS_COMP_NONE ? w->out : w->in;
    size_t *len = w->comp == TAMIS_COMP_NONE ? &w->out_len : &w->in_len;
    while (n) {
        size_t k = TM_MIN(n, OUT_BUF - *len);
        memcpy(dst + *len, p, k);
        *len += k;
        p += k;
        n -= k;
        if (*len == OUT_BUF) {
            tamis_status st = w->comp == TAMIS_COMP_NONE ? flush_out(w, err)
                                                         : compress_in(w, 0, err);
            if (st != TAMIS_OK)
                return st;
        }
    }
    return TAMIS_OK;
}

tamis_status tamis_writer_write(tamis_writer *w, const tamis_doc *doc, tamis_error *err)
{
    if (w->err != TAMIS_OK) {
        if (err)
            *err = w->err_detail;
        return w->err;
    }
    tm_buf_clear(&w->line);
    tamis_status st = tm_doc_json(doc, &w->o, &w->line);
    if (st == TAMIS_OK)
        st = tm_buf_putc(&w->line, '\n');
    if (st != TAMIS_OK)
        return tm_err(err, st, w->path, 0, 0, "cannot serialise document %s: %s",
                      tamis_doc_id(doc), tamis_strerror(st));
    return put(w, w->line.data, w->line.len, err);
}

tamis_status tamis_writer_close(tamis_writer *w, tamis_error *err)
{
    if (!w)
        return TAMIS_OK;
    if (w->fd >= 0 && w->err == TAMIS_OK) {
        if (w->comp != TAMIS_COMP_NONE)
            compress_in(w, 1, NULL);
        if (w->err == TAMIS_OK)
            flush_out(w, NULL);
        if (w->err == TAMIS_OK && w->o.atomic && w->own_fd && fsync(w->fd) != 0)
            fail(w, NULL, TAMIS_ERR_IO, "fsync failed");
    }
    if (w->own_fd && close(w->fd) != 0 && w->err == TAMIS_OK)
        fail(w, NULL, TAMIS_ERR_IO, "close failed");
    if (w->tmp_path && w->fd >= 0) {
        if (w->err == TAMIS_OK) {
            if (rename(w->tmp_path, w->path) != 0)
                fail(w, NULL, TAMIS_ERR_IO, "cannot rename the .tmp file into place");
        } else {
            unlink(w->tmp_path);
        }
    }
    tamis_status st = w->err;
    if (st != TAMIS_OK && err)
        *err = w->err_detail;
    tm_buf_free(&w->line);
    tm_free(w->out);
    tm_free(w->in);
    tm_free(w->gz);
    tm_free(w->gz_level_buf);
    ZSTD_freeCCtx(w->zc);
    tm_free(w->path);
    tm_free(w->tmp_path);
    tm_free(w);
    return st;
}
