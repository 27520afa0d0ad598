/* tm_io_src.c — a window of decompressed bytes over one input (plain, multi-member gzip,
 * multi-frame zstd with an optional dictionary frame), with member/frame start offsets
 * remembered so records can be located in the compressed file.
 *
 * gzip is inflated with ISA-L (igzip). Measured with bench/bench_read.sh on a 397 MB
 * per-record-gzip WARC (2 cores): `tamis stats` 3.46 s with ISA-L, 16.2 s with zlib
 * (TAMIS_INFLATE=zlib), `zcat > /dev/null` 10.4 s. ISA-L is what lets the reader beat
 * zcat; zlib stays selectable so the comparison can be re-run. */
#include "tm_io.h"

#include <errno.h>
#include <isa-l/igzip_lib.h>
#include <stdlib.h>
#include <zlib.h>
#include <zstd.h>

#define IN_CHUNK (256u << 10)
#define WIN_START (1u << 20)
/* Largest zstd dictionary accepted from a skippable frame (the .warc.zst convention). */
#define MAX_DICT (64u << 20)

typedef struct member_start {
    uint64_t dec, comp;
} member_start;

struct tm_src {
    char *buf; /* decompressed window: [pos, len) unconsumed */
    size_t pos, len, cap, max_cap;
    uint64_t buf_off; /* decompressed offset of buf[0] */
    const char *name;

    FILE *f;
    int own_f;
    const uint8_t *mem;
    size_t mem_len, mem_pos;

    uint8_t *in; /* compressed input: [in_pos, in_len) unread */
    size_t in_pos, in_len, in_cap;
    uint64_t in_off; /* file offset of in[0] */
    int in_eof;

    tm_codec codec;
    int use_zlib;
    struct inflate_state *isal;
    z_stream *zs;
    int in_member; /* gzip member / zstd frame started but not finished */
    ZSTD_DCtx *zd;
    uint64_t dec_total; /* decompressed bytes produced so far */

    member_start *ms;
    size_t n_ms, cap_ms;

    int eof;
    tamis_status err;
    char err_msg[200];
    uint64_t err_off;
};

size_t tm_src_avail(const tm_src *s) { return s->len - s->pos; }
const char *tm_src_data(const tm_src *s) { return s->buf + s->pos; }
uint64_t tm_src_tell(const tm_src *s) { return s->buf_off + s->pos; }
tm_codec tm_src_codec(const tm_src *s) { return s->codec; }
int tm_src_eof(const tm_src *s) { return s->eof && s->pos == s->len; }
size_t tm_src_max_window(const tm_src *s) { return s->max_cap; }

uint64_t tm_src_bytes_in(const tm_src *s)
{
    return s->codec == TM_CODEC_NONE ? s->buf_off + s->len : s->in_off + s->in_pos;
}

tamis_status tm_src_error(const tm_src *s, const char **msg, uint64_t *offset)
{
    if (msg)
        *msg = s->err_msg;
    if (offset)
        *offset = s->err_off;
    return s->err;
}

void tm_src_consume(tm_src *s, size_t n)
{
    if (n > s->len - s->pos)
        n = s->len - s->pos;
    s->pos += n;
}

static void set_err(tm_src *s, tamis_status st, uint64_t off, const char *what)
{
    if (s->err != TAMIS_OK)
        return;
    s->err = st;
    s->err_off = off;
    snprintf(s->err_msg, sizeof s->err_msg, "%s", what);
}

/* Reads raw bytes into dst; 0 at end of input (or on a read error, remembered). */
static size_t raw_read(tm_src *s, void *dst, size_t n)
{
    if (s->mem) {
        size_t k = TM_MIN(n, s->mem_len - s->mem_pos);
        memcpy(dst, s->mem + s->mem_pos, k);
        s->mem_pos += k;
        return k;
    }
    size_t k = fread(dst, 1, n, s->f);
    if (k == 0 && ferror(s->f)) {
        char m[160];
        snprintf(m, sizeof m, "read error: %s", strerror(errno));
        set_err(s, TAMIS_ERR_IO, tm_src_bytes_in(s), m);
    }
    return k;
}

/* Refills the compressed input buffer (keeping unread bytes). 0 when nothing came. */
static size_t in_refill(tm_src *s)
{
    if (s->in_eof)
        return 0;
    if (s->in_pos > 0) {
        memmove(s->in, s->in + s->in_pos, s->in_len - s->in_pos);
        s->in_off += s->in_pos;
        s->in_len -= s->in_pos;
        s->in_pos = 0;
    }
    size_t k = raw_read(s, s->in + s->in_len, s->in_cap - s->in_len);
    if (k == 0)
        s->in_eof = 1;
    s->in_len += k;
    return k;
}

/* Ensures n compressed bytes are buffered if the input has them. */
static size_t in_need(tm_src *s, size_t n)
{
    while (s->in_len - s->in_pos < n && in_refill(s) > 0) {
    }
    return s->in_len - s->in_pos;
}

static void push_member(tm_src *s, uint64_t dec, uint64_t comp)
{
    if (s->n_ms && s->ms[s->n_ms - 1].dec == dec) {
        s->ms[s->n_ms - 1].comp = comp; /* an empty member: the record starts later */
        return;
    }
    if (s->n_ms == s->cap_ms) {
        size_t cap = s->cap_ms ? s->cap_ms * 2 : 64;
        member_start *nm = tm_realloc(s->ms, cap * sizeof *nm);
        if (!nm)
            return; /* offsets fall back to decompressed ones */
        s->ms = nm;
        s->cap_ms = cap;
    }
    s->ms[s->n_ms].dec = dec;
    s->ms[s->n_ms].comp = comp;
    s->n_ms++;
}

uint64_t tm_src_record_offset(tm_src *s, uint64_t dec)
{
    if (s->codec == TM_CODEC_NONE)
        return dec;
    /* Drop starts before dec (records are asked for in order). */
    size_t k = 0;
    while (k < s->n_ms && s->ms[k].dec < dec)
        k++;
    if (k) {
        memmove(s->ms, s->ms + k, (s->n_ms - k) * sizeof *s->ms);
        s->n_ms -= k;
    }
    if (s->n_ms && s->ms[0].dec == dec)
        return s->ms[0].comp;
    return dec;
}

static int gzip_magic(const uint8_t *p) { return p[0] == 0x1f && p[1] == 0x8b; }

/* After a member ends: 1 if another member follows, 0 at the end (trailing zero padding
 * is tolerated silently, other trailing bytes are reported once). */
static int next_member_follows(tm_src *s)
{
    size_t have = in_need(s, 2);
    if (have == 0)
        return 0;
    if (have >= 2 && gzip_magic(s->in + s->in_pos))
        return 1;
    uint64_t off = s->in_off + s->in_pos;
    /* Skip NUL padding to see whether anything else is there. */
    for (;;) {
        while (s->in_pos < s->in_len && s->in[s->in_pos] == 0)
            s->in_pos++;
        if (s->in_pos < s->in_len)
            break;
        if (in_refill(s) == 0)
            return 0;
    }
    if (in_need(s, 2) >= 2 && gzip_magic(s->in + s->in_pos))
        return 1;
    set_err(s, TAMIS_ERR_FORMAT, off, "trailing bytes after the last gzip member ignored");
    return 0;
}

/* Inflates into buf[len..cap) until something comes out, the window is full or the
 * input ends. Returns bytes produced; sets s->eof at the end. */
static size_t gzip_step(tm_src *s)
{
    size_t produced = 0;
    while (produced == 0 && !s->eof && s->len < s->cap) {
        if (!s->in_member) {
            if (!next_member_follows(s)) {
                s->eof = 1;
                break;
            }
            push_member(s, s->dec_total, s->in_off + s->in_pos);
            s->in_member = 1;
            if (s->use_zlib) {
                inflateReset(s->zs);
            } else {
                isal_inflate_reset(s->isal);
                s->isal->crc_flag = ISAL_GZIP;
            }
        }
        if (s->in_pos == s->in_len)
            in_refill(s);
        size_t avail_out = s->cap - s->len;
        int done, bad;
        size_t used, out;
        if (s->use_zlib) {
            z_stream *z = s->zs;
            z->next_in = s->in + s->in_pos;
            z->avail_in = (uInt)(s->in_len - s->in_pos);
            z->next_out = (Bytef *)s->buf + s->len;
            z->avail_out = (uInt)TM_MIN(avail_out, (size_t)UINT32_MAX);
            int rc = inflate(z, Z_NO_FLUSH);
            used = (size_t)(z->next_in - (s->in + s->in_pos));
            out = (size_t)((char *)z->next_out - (s->buf + s->len));
            done = rc == Z_STREAM_END;
            bad = rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR;
        } else {
            struct inflate_state *st = s->isal;
            st->next_in = s->in + s->in_pos;
            st->avail_in = (uint32_t)(s->in_len - s->in_pos);
            st->next_out = (uint8_t *)s->buf + s->len;
            st->avail_out = (uint32_t)TM_MIN(avail_out, (size_t)UINT32_MAX);
            int rc = isal_inflate(st);
            used = (size_t)(st->next_in - (s->in + s->in_pos));
            out = (size_t)((char *)st->next_out - (s->buf + s->len));
            done = st->block_state == ISAL_BLOCK_FINISH;
            bad = rc < 0;
        }
        s->in_pos += used;
        s->len += out;
        s->dec_total += out;
        produced += out;
        if (bad) {
            set_err(s, TAMIS_ERR_ENCODING, s->in_off + s->in_pos,
                    "corrupt gzip data (reading stops here)");
            s->eof = 1;
            break;
        }
        if (done) {
            s->in_member = 0;
            continue;
        }
        if (used == 0 && out == 0 && s->in_pos == s->in_len && s->in_eof) {
            char m[160];
            snprintf(m, sizeof m, "gzip stream cut short (member at offset %llu unfinished)",
                     (unsigned long long)(s->n_ms ? s->ms[s->n_ms - 1].comp : 0));
            set_err(s, TAMIS_ERR_TRUNCATED, s->in_off + s->in_pos, m);
            s->eof = 1;
        }
    }
    return produced;
}

static size_t zstd_step(tm_src *s)
{
    size_t produced = 0;
    while (produced == 0 && !s->eof && s->len < s->cap) {
        if (s->in_pos == s->in_len)
            in_refill(s);
        if (!s->in_member) {
            if (s->in_pos == s->in_len) {
                s->eof = 1;
                break;
            }
            push_member(s, s->dec_total, s->in_off + s->in_pos);
            s->in_member = 1;
        }
        ZSTD_inBuffer ib = {s->in + s->in_pos, s->in_len - s->in_pos, 0};
        ZSTD_outBuffer ob = {s->buf + s->len, s->cap - s->len, 0};
        size_t rc = ZSTD_decompressStream(s->zd, &ob, &ib);
        s->in_pos += ib.pos;
        s->len += ob.pos;
        s->dec_total += ob.pos;
        produced += ob.pos;
        if (ZSTD_isError(rc)) {
            char m[160];
            snprintf(m, sizeof m, "corrupt zstd data: %s (reading stops here)",
                     ZSTD_getErrorName(rc));
            set_err(s, TAMIS_ERR_ENCODING, s->in_off + s->in_pos, m);
            s->eof = 1;
            break;
        }
        if (rc == 0) {
            s->in_member = 0;
            continue;
        }
        if (ib.pos == 0 && ob.pos == 0 && s->in_pos == s->in_len && s->in_eof) {
            set_err(s, TAMIS_ERR_TRUNCATED, s->in_off + s->in_pos,
                    "zstd stream cut short inside a frame");
            s->eof = 1;
        }
    }
    return produced;
}

size_t tm_src_fill(tm_src *s, size_t need)
{
    if (need > s->max_cap)
        need = s->max_cap;
    while (s->len - s->pos < need && !s->eof) {
        if (s->cap - s->pos < need || s->len == s->cap) {
            /* Slide the unconsumed bytes to the front; grow when that is not enough. */
            if (s->pos > 0) {
                memmove(s->buf, s->buf + s->pos, s->len - s->pos);
                s->buf_off += s->pos;
                s->len -= s->pos;
                s->pos = 0;
            }
            if (s->cap < need || s->len == s->cap) {
                if (s->cap >= s->max_cap)
                    break;
                size_t ncap = TM_MIN(TM_MAX(need, s->cap * 2), s->max_cap);
                char *nb = tm_realloc(s->buf, ncap);
                if (!nb) {
                    set_err(s, TAMIS_ERR_NOMEM, tm_src_bytes_in(s), "out of memory");
                    s->eof = 1;
                    break;
                }
                s->buf = nb;
                s->cap = ncap;
            }
        }
        if (s->codec == TM_CODEC_NONE) {
            size_t got = raw_read(s, s->buf + s->len, s->cap - s->len);
            s->len += got;
            if (got == 0)
                s->eof = 1;
        } else if (s->codec == TM_CODEC_GZIP) {
            gzip_step(s);
        } else {
            zstd_step(s);
        }
    }
    return s->len - s->pos;
}
/* .warc.zst convention: a skippable frame with magic 0x184D2A5D at the start holds the
 * dictionary (itself possibly zstd-compressed) for every following frame. */
static tamis_status zstd_load_dict(tm_src *s, tamis_error *err)
{
    const uint8_t *p = s->in + s->in_pos;
    uint32_t size = (uint32_t)p[4] | (uint32_t)p[5] << 8 | (uint32_t)p[6] << 16 |
                    (uint32_t)p[7] << 24;
    if (size > MAX_DICT)
        return tm_err(err, TAMIS_ERR_TOO_BIG, s->name, 0, 0,
                      "zstd dictionary frame of %u bytes is over the %u-byte limit", size,
                      MAX_DICT);
    /* Grow with the bytes that really come: a lying size field must not cost 64 MiB. */
    size_t dcap = TM_MIN((size_t)size, (size_t)65536);
    uint8_t *dict = tm_malloc(dcap ? dcap : 1);
    if (!dict)
        return TAMIS_ERR_NOMEM;
    s->in_pos += 8;
    size_t got = 0;
    while (got < size) {
        size_t have = in_need(s, 1);
        if (!have)
            break;
        size_t k = TM_MIN(have, size - got);
        if (got + k > dcap) {
            size_t nc = TM_MIN((size_t)size, TM_MAX(dcap * 2, got + k));
            uint8_t *nd = tm_realloc(dict, nc);
            if (!nd) {
                tm_free(dict);
                return TAMIS_ERR_NOMEM;
            }
            dict = nd;
            dcap = nc;
        }
        memcpy(dict + got, s->in + s->in_pos, k);
        s->in_pos += k;
        got += k;
    }
    if (got < size) {
        tm_free(dict);
        return tm_err(err, TAMIS_ERR_TRUNCATED, s->name, 0, 0,
                      "zstd dictionary frame cut short");
    }
    uint8_t *raw = dict;
    size_t raw_len = size;
    uint8_t *dec = NULL;
    if (size >= 4 && dict[0] == 0x28 && dict[1] == 0xb5 && dict[2] == 0x2f && dict[3] == 0xfd) {
        unsigned long long n = ZSTD_getFrameContentSize(dict, size);
        if (n == ZSTD_CONTENTSIZE_UNKNOWN || n == ZSTD_CONTENTSIZE_ERROR || n > MAX_DICT) {
            tm_free(dict);
            return tm_err(err, TAMIS_ERR_FORMAT, s->name, 0, 0,
                          "compressed zstd dictionary without a usable content size");
        }
        dec = tm_malloc(n ? (size_t)n : 1);
        if (!dec) {
            tm_free(dict);
            return TAMIS_ERR_NOMEM;
        }
        size_t r = ZSTD_decompress(dec, (size_t)n, dict, size);
        if (ZSTD_isError(r)) {
            tm_free(dict);
            tm_free(dec);
            return tm_err(err, TAMIS_ERR_ENCODING, s->name, 0, 0,
                          "cannot decompress the zstd dictionary: %s", ZSTD_getErrorName(r));
        }
        raw = dec;
        raw_len = r;
    }
    size_t rc = ZSTD_DCtx_loadDictionary(s->zd, raw, raw_len);
    tm_free(dict);
    tm_free(dec);
    if (ZSTD_isError(rc))
        return tm_err(err, TAMIS_ERR_FORMAT, s->name, 0, 0, "bad zstd dictionary: %s",
                      ZSTD_getErrorName(rc));
    return TAMIS_OK;
}

tamis_status tm_src_open(tm_src **out, FILE *f, int own_f, const uint8_t *mem, size_t mem_len,
                         const char *name, size_t max_window, tamis_error *err)
{
    *out = NULL;
    tm_src *s = tm_calloc(1, sizeof *s);
    if (!s) {
        if (own_f && f)
            fclose(f);
        return TAMIS_ERR_NOMEM;
    }
    s->f = f;
    s->own_f = own_f;
    s->mem = mem;
    s->mem_len = mem_len;
    s->name = name;
    s->max_cap = TM_MAX(max_window, (size_t)WIN_START);
    s->cap = WIN_START;
    s->in_cap = IN_CHUNK;
    if (mem) {
        /* Small in-memory inputs (tests, fuzzing) start with small buffers; both grow or
         * refill as needed. */
        s->cap = TM_MIN((size_t)WIN_START, TM_MAX(mem_len * 2, (size_t)4096));
        s->in_cap = TM_MIN((size_t)IN_CHUNK, TM_MAX(mem_len, (size_t)4096));
    }
    s->buf = tm_malloc(s->cap);
    s->in = tm_malloc(s->in_cap);
    tamis_status st = TAMIS_OK;
    if (!s->buf || !s->in) {
        st = TAMIS_ERR_NOMEM;
        goto fail;
    }
    size_t have = in_need(s, 8);
    const uint8_t *p = s->in;
    if (have >= 2 && gzip_magic(p)) {
        s->codec = TM_CODEC_GZIP;
        const char *e = getenv("TAMIS_INFLATE");
        s->use_zlib = e && !strcmp(e, "zlib");
        if (s->use_zlib) {
            s->zs = tm_calloc(1, sizeof *s->zs);
            if (!s->zs || inflateInit2(s->zs, 16 + 15) != Z_OK) {
                tm_free(s->zs);
                s->zs = NULL;
                st = TAMIS_ERR_NOMEM;
                goto fail;
            }
        } else {
            s->isal = tm_malloc(sizeof *s->isal);
            if (!s->isal) {
                st = TAMIS_ERR_NOMEM;
                goto fail;
            }
            isal_inflate_init(s->isal);
            s->isal->crc_flag = ISAL_GZIP;
        }
    } else if (have >= 4 && ((p[0] == 0x28 && p[1] == 0xb5 && p[2] == 0x2f && p[3] == 0xfd) ||
                             ((p[0] & 0xf0) == 0x50 && p[1] == 0x2a && p[2] == 0x4d &&
                              p[3] == 0x18))) {
        s->codec = TM_CODEC_ZSTD;
        s->zd = ZSTD_createDCtx();
        if (!s->zd) {
            st = TAMIS_ERR_NOMEM;
            goto fail;
        }
        if (have >= 8 && p[0] == 0x5d) {
            st = zstd_load_dict(s, err);
            if (st != TAMIS_OK)
                goto fail;
        }
    } else {
        /* Plain: hand the already-read bytes to the window. */
        s->codec = TM_CODEC_NONE;
        memcpy(s->buf, s->in, have);
        s->len = have;
        s->in_len = s->in_pos = 0;
        if (s->in_eof)
            s->eof = 1;
    }
    *out = s;
    return TAMIS_OK;
fail:
    tm_src_free(s);
    if (st == TAMIS_ERR_NOMEM)
        tm_err(err, st, name, 0, 0, "out of memory opening the input");
    return st;
}

void tm_src_free(tm_src *s)
{
    if (!s)
        return;
    if (s->own_f && s->f)
        fclose(s->f);
    if (s->zs) {
        inflateEnd(s->zs);
        tm_free(s->zs);
    }
    tm_free(s->isal);
    ZSTD_freeDCtx(s->zd);
    tm_free(s->buf);
    tm_free(s->in);
    tm_free(s->ms);
    tm_free(s);
}
