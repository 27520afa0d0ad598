/* tm_io_http.c — HTTP responses inside WARC/ARC records: status line, headers, chunked
 * transfer-encoding and gzip/deflate/br content-encoding, each undone only where the
 * bytes really are encoded (crawlers often store already-decoded bodies). */
#include "tm_io.h"

#include <brotli/decode.h>
#include <ctype.h>
#include <stdlib.h>
#include <zlib.h>

static int ieq_prefix(const char *s, size_t n, const char *lit)
{
    size_t k = strlen(lit);
    return n >= k && strncasecmp(s, lit, k) == 0;
}

static int contains_ci(const char *s, size_t n, const char *lit)
{
    size_t k = strlen(lit);
    for (size_t i = 0; i + k <= n; i++)
        if (strncasecmp(s + i, lit, k) == 0)
            return 1;
    return 0;
}

tamis_kind tm_sniff_kind(const char *ct, size_t ctn, const uint8_t *p, size_t n)
{
    if (ct && ctn) {
        if (contains_ci(ct, ctn, "html"))
            return TAMIS_KIND_HTML;
        if (ieq_prefix(ct, ctn, "text/plain"))
            return TAMIS_KIND_TEXT;
    }
    /* No or unhelpful type: look at the first non-blank bytes (after a UTF-8 BOM). */
    size_t i = 0;
    if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
        i = 3;
    while (i < n && i < 1024 && isspace(p[i]))
        i++;
    const char *s = (const char *)p + i;
    size_t m = n - i;
    if (ieq_prefix(s, m, "<!doctype html") || ieq_prefix(s, m, "<html") ||
        ieq_prefix(s, m, "<head") || ieq_prefix(s, m, "<body"))
        return TAMIS_KIND_HTML;
    if (ct && ctn && ieq_prefix(ct, ctn, "text/"))
        return TAMIS_KIND_TEXT;
    return TAMIS_KIND_OTHER;
}

tamis_status tm_set_url(tamis_doc *doc, const char *u, size_t n)
{
    while (n && isspace((unsigned char)*u)) {
        u++;
        n--;
    }
    while (n && isspace((unsigned char)u[n - 1]))
        n--;
    if (n >= 2 && u[0] == '<' && u[n - 1] == '>') { /* wget writes <URL> */
        u++;
        n -= 2;
    }
    if (!n)
        return TAMIS_OK;
    char *o = tm_arena_alloc(&doc->arena, n * 3 + 1);
    if (!o)
        return TAMIS_ERR_NOMEM;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)u[i];
        if (c <= 0x20 || c == 0x7f) {
            static const char hex[] = "0123456789ABCDEF";
            o[k++] = '%';
            o[k++] = hex[c >> 4];
            o[k++] = hex[c & 15];
        } else {
            o[k++] = (char)c;
        }
    }
    return tm_doc_setn(doc, TAMIS_F_URL, o, k);
}

const char *tm_head_get(const char *p, const char *end, const char *name, size_t *len)
{
    size_t nl = strlen(name);
    while (p < end) {
        const char *e = memchr(p, '\n', (size_t)(end - p));
        if (!e)
            e = end;
        if ((size_t)(e - p) > nl && strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
            const char *v = p + nl + 1, *ve = e;
            while (v < ve && (*v == ' ' || *v == '\t'))
                v++;
            while (ve > v && (ve[-1] == '\r' || ve[-1] == ' ' || ve[-1] == '\t'))
                ve--;
            *len = (size_t)(ve - v);
            return v;
        }
        p = e + 1;
    }
    return NULL;
}

/* Undoes chunked transfer-encoding into out. 0 if the body is not well-formed chunked
 * data (then the caller keeps it raw: a crawler may have decoded it already). */
static int dechunk(const char *p, size_t n, tm_buf *out)
{
    const char *end = p + n;
    tm_buf_clear(out);
    for (int chunks = 0;; chunks++) {
        const char *e = memchr(p, '\n', (size_t)(end - p));
        if (!e)
            return chunks > 0; /* cut short after whole chunks: keep what came */
        char *stop;
        unsigned long long sz = strtoull(p, &stop, 16);
        if (stop == p || (*stop != '\r' && *stop != '\n' && *stop != ';' && *stop != ' '))
            return 0;
        p = e + 1;
        if (sz == 0)
            return 1;
        if (sz > (unsigned long long)(end - p)) {
            /* Last chunk cut short: keep its bytes (a truncated capture). */
            if (tm_buf_append(out, p, (size_t)(end - p)) != TAMIS_OK)
                return 0;
            return 1;
        }
        if (tm_buf_append(out, p, (size_t)sz) != TAMIS_OK)
            return 0;
        p += sz;
        if (p < end && *p == '\r')
            p++;
        if (p < end && *p == '\n')
            p++;
    }
}

/* Inflates gzip/zlib/raw deflate (windowBits chooses) into out; 0 on failure. */
static int inflate_body(const uint8_t *p, size_t n, int wbits, tm_buf *out, size_t max)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, wbits) != Z_OK)
        return 0;
    tm_buf_clear(out);
    z.next_in = (Bytef *)(uintptr_t)p;
    z.avail_in = (uInt)TM_MIN(n, (size_t)UINT32_MAX);
    int rc = Z_OK;
    while (rc == Z_OK) {
        if (tm_buf_reserve(out, 65536) != TAMIS_OK || out->len > max) {
            rc = Z_MEM_ERROR;
            break;
        }
        z.next_out = (Bytef *)out->data + out->len;
        z.avail_out = (uInt)(out->cap - out->len);
        size_t before = z.avail_out;
        rc = inflate(&z, Z_NO_FLUSH);
        out->len += before - z.avail_out;
        if (rc == Z_BUF_ERROR && z.avail_in == 0)
            break; /* truncated body: keep what was decoded */
    }
    inflateEnd(&z);
    return (rc == Z_STREAM_END || rc == Z_BUF_ERROR || rc == Z_OK) && out->len > 0;
}

static int brotli_body(const uint8_t *p, size_t n, tm_buf *out, size_t max)
{
    BrotliDecoderState *st = BrotliDecoderCreateInstance(NULL, NULL, NULL);
    if (!st)
        return 0;
    tm_buf_clear(out);
    size_t avail_in = n;
    const uint8_t *next_in = p;
    BrotliDecoderResult r = BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT;
    while (r == BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT) {
        if (tm_buf_reserve(out, 65536) != TAMIS_OK || out->len > max)
            break;
        size_t avail_out = out->cap - out->len;
        uint8_t *next_out = (uint8_t *)out->data + out->len;
        r = BrotliDecoderDecompressStream(st, &avail_in, &next_in, &avail_out, &next_out, NULL);
        out->len = (size_t)((char *)next_out - out->data);
    }
    BrotliDecoderDestroyInstance(st);
    return r == BROTLI_DECODER_RESULT_SUCCESS && out->len > 0;
}

static tamis_status set_charset(tamis_doc *doc, const char *ct, size_t n)
{
    for (size_t i = 0; i + 8 <= n; i++) {
        if (strncasecmp(ct + i, "charset=", 8) != 0)
            continue;
        const char *v = ct + i + 8, *e = ct + n;
        if (v < e && (*v == '"' || *v == '\''))
            v++;
        const char *ve = v;
        while (ve < e && *ve != ';' && *ve != '"' && *ve != '\'' && *ve != ' ')
            ve++;
        if (ve > v)
            return tm_doc_setn(doc, TAMIS_F_CHARSET, v, (size_t)(ve - v));
    }
    return TAMIS_OK;
}

tamis_status tm_http_fill(tm_rd *r, tamis_doc *doc, const char *block, size_t n,
                          const char *wct, size_t wctn, int has_http)
{
    const char *body = block;
    size_t body_len = n;
    const char *ct = wct;
    size_t ctn = wctn;
    tamis_status st = TAMIS_OK;
    if (has_http && n >= 5 && memcmp(block, "HTTP/", 5) == 0) {
        /* Head ends at the first blank line (CRLF or LF-only, as ClueWeb writes it). */
        const char *end = block + n, *p = block, *he = NULL;
        while (p < end) {
            const char *e = memchr(p, '\n', (size_t)(end - p));
            if (!e)
                break;
            const char *ln = p;
            p = e + 1;
            if (e == ln || (e == ln + 1 && ln[0] == '\r')) {
                he = ln;
                break;
            }
        }
        const char *head_end = he ? he : end;
        body = he ? p : end;
        body_len = (size_t)(end - body);
        /* Status line: HTTP/x.y NNN reason */
        const char *sp = memchr(block, ' ', (size_t)(head_end - block));
        if (sp && head_end - sp > 3 && isdigit((unsigned char)sp[1]) &&
            isdigit((unsigned char)sp[2]) && isdigit((unsigned char)sp[3]))
            st = tm_doc_setn(doc, TAMIS_F_HTTP_STATUS, sp + 1, 3);
        const char *hdrs = memchr(block, '\n', (size_t)(head_end - block));
        hdrs = hdrs ? hdrs + 1 : head_end;
        size_t l;
        const char *v = tm_head_get(hdrs, head_end, "Content-Type", &l);
        if (v) {
            ct = v;
            ctn = l;
        }
        /* CC's crawler stores decoded bodies and renames the headers X-Crawler-*; the
         * remaining Transfer-/Content-Encoding headers are trusted only when the bytes
         * agree (ClueWeb says gzip over plain HTML). */
        const char *te = tm_head_get(hdrs, head_end, "Transfer-Encoding", &l);
        if (te && contains_ci(te, l, "chunked") &&
            !tm_head_get(hdrs, head_end, "X-Crawler-Transfer-Encoding", &l)) {
            if (body_len && isxdigit((unsigned char)body[0]) &&
                dechunk(body, body_len, &r->scratch)) {
                body = r->scratch.data ? r->scratch.data : "";
                body_len = r->scratch.len;
            }
        }
        const char *ce = tm_head_get(hdrs, head_end, "Content-Encoding", &l);
        if (ce && !tm_head_get(hdrs, head_end, "X-Crawler-Content-Encoding", &l)) {
            size_t cel = 0;
            tm_head_get(hdrs, head_end, "Content-Encoding", &cel);
            const uint8_t *b = (const uint8_t *)body;
            tm_buf dec;
            tm_buf_init(&dec);
            int ok = 0;
            if (contains_ci(ce, cel, "gzip") && body_len >= 2 && b[0] == 0x1f && b[1] == 0x8b)
                ok = inflate_body(b, body_len, 16 + 15, &dec, r->max_rec);
            else if (contains_ci(ce, cel, "deflate") && body_len >= 2)
                ok = ((b[0] & 0x0f) == 8 && ((b[0] << 8) | b[1]) % 31 == 0)
                         ? inflate_body(b, body_len, 15, &dec, r->max_rec)
                         : inflate_body(b, body_len, -15, &dec, r->max_rec);
            else if (contains_ci(ce, cel, "br") && body_len > 0 &&
                     tm_sniff_kind(NULL, 0, b, body_len) == TAMIS_KIND_OTHER)
                ok = brotli_body(b, body_len, &dec, r->max_rec);
            if (ok) {
                st = tamis_doc_set_payload(doc, TAMIS_KIND_OTHER, (const uint8_t *)dec.data,
                                           dec.len);
                tm_buf_free(&dec);
                goto typed;
            }
            tm_buf_free(&dec);
        }
    }
    if (st == TAMIS_OK)
        st = tamis_doc_set_payload(doc, TAMIS_KIND_OTHER, (const uint8_t *)body, body_len);
typed:
    if (st != TAMIS_OK)
        return st;
    doc->kind = tm_sniff_kind(ct, ctn, doc->payload, doc->payload_len);
    if (ct && ctn) {
        st = tm_doc_setn(doc, TAMIS_F_CONTENT_TYPE, ct, ctn);
        if (st == TAMIS_OK)
            st = set_charset(doc, ct, ctn);
    }
    return st;
}
