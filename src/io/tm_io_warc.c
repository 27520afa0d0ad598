/* tm_io_warc.c — WARC (1.0/1.1, 0.18 leniently) and ARC (v1/v2) record parsing over the
 * decompressed window: headers, Content-Length blocks, lenient recovery from wrong
 * lengths, and resynchronisation on the next "WARC/" line after garbage. */
#include "tm_io.h"

#include <ctype.h>
#include <stdlib.h>

#define MAX_HEAD (1u << 20)   /* a WARC header block longer than this is garbage */
#define LOOKAHEAD (64u << 10) /* how far past a declared block end a boundary is sought */
#define MAX_LINE (64u << 10)  /* an ARC header line */

static int is_sep(char c) { return c == '\r' || c == '\n' || c == '\0' || c == ' ' || c == '\t'; }

/* Consumes separator bytes (CR, LF, NUL, blanks) between records. 1 if data follows. */
static int skip_separators(tm_src *s)
{
    for (;;) {
        size_t n = tm_src_fill(s, 1);
        if (!n)
            return 0;
        const char *d = tm_src_data(s);
        size_t i = 0;
        while (i < n && is_sep(d[i]))
            i++;
        tm_src_consume(s, i);
        if (i < n)
            return 1;
    }
}

/* 1 if d[0..n) starts with "WARC/" and a digit (a version line). */
static int warc_line(const char *d, size_t n)
{
    return n >= 6 && memcmp(d, "WARC/", 5) == 0 && isdigit((unsigned char)d[5]);
}

/* Length of the header block at d (through its blank line), 0 if not within n. */
static size_t head_len(const char *d, size_t n)
{
    const char *p = d, *end = d + n;
    while (p < end) {
        const char *e = memchr(p, '\n', (size_t)(end - p));
        if (!e)
            return 0;
        if (e == p || (e == p + 1 && *p == '\r'))
            return (size_t)(e + 1 - d);
        p = e + 1;
    }
    return 0;
}

/* Skips to the next line that starts with "WARC/<digit>" (not consuming it). */
static void skip_to_warc_line(tm_src *s)
{
    tm_src_consume(s, 1); /* we are at a byte that starts no record */
    for (;;) {
        size_t n = tm_src_fill(s, 65536);
        if (!n)
            return;
        int more = n >= 65536; /* fill returns less only at the end of the input */
        const char *d = tm_src_data(s);
        const char *nl = memchr(d, '\n', n);
        if (!nl) {
            tm_src_consume(s, n);
            continue;
        }
        size_t b = (size_t)(nl - d) + 1;
        if (more && n - b < 6) {
            tm_src_consume(s, b - 1); /* keep the newline: decide once more bytes came */
            continue;
        }
        tm_src_consume(s, b);
        if (warc_line(d + b, n - b))
            return;
    }
}

/* Consumes n bytes in chunks (bodies over the size limit). Returns bytes skipped. */
static uint64_t skip_bytes(tm_src *s, uint64_t n)
{
    uint64_t done = 0;
    while (done < n) {
        size_t have = tm_src_fill(s, (size_t)TM_MIN(n - done, (uint64_t)(1u << 20)));
        if (!have)
            break;
        size_t k = (size_t)TM_MIN((uint64_t)have, n - done);
        tm_src_consume(s, k);
        done += k;
    }
    return done;
}

/* The record boundary ("\nWARC/<digit>" at a line start) nearest to `want` within
 * d[from..n), or 0 if none. */
static size_t nearest_boundary(const char *d, size_t from, size_t n, size_t want)
{
    size_t best = 0, best_dist = SIZE_MAX;
    for (size_t i = from; i < n;) {
        const char *nl = memchr(d + i, '\n', n - i);
        if (!nl)
            break;
        size_t b = (size_t)(nl - d) + 1;
        if (warc_line(d + b, n - b)) {
            size_t dist = b > want ? b - want : want - b;
            if (dist < best_dist) {
                best = b;
                best_dist = dist;
            }
            if (b > want)
                break;
        }
        i = b;
    }
    return best;
}

static uint64_t parse_len(const char *v, size_t n, int *ok)
{
    uint64_t x = 0;
    *ok = n > 0 && n <= 19;
    for (size_t i = 0; i < n && *ok; i++) {
        if (!isdigit((unsigned char)v[i]))
            *ok = 0;
        else
            x = x * 10 + (uint64_t)(v[i] - '0');
    }
    return x;
}

static int is_content_type(const char *t, size_t n)
{
    return n == 0 || (n == 8 && !strncasecmp(t, "response", 8)) ||
           (n == 8 && !strncasecmp(t, "resource", 8)) ||
           (n == 10 && !strncasecmp(t, "conversion", 10));
}

static tamis_status set_id(tamis_doc *doc, tm_rd *r, const char *id, size_t n)
{
    if (n >= 2 && id[0] == '<' && id[n - 1] == '>') {
        id++;
        n -= 2;
    }
    if (n)
        return tamis_doc_set_id(doc, id, n);
    char *c = tm_arena_printf(&doc->arena, "%s#%llu", r->file, (unsigned long long)r->record);
    if (!c)
        return TAMIS_ERR_NOMEM;
    doc->id = c;
    return TAMIS_OK;
}

/* Fills doc from a parsed WARC record. head = header lines after the version line. */
static tamis_status warc_doc(tm_rd *r, tamis_doc *doc, const char *head, const char *head_end,
                             const char *block, size_t blen, uint64_t cl, uint64_t off)
{
    size_t l;
    const char *v;
    tamis_status st = TAMIS_OK;
    const char *type = tm_head_get(head, head_end, "WARC-Type", &l);
    size_t tl = type ? l : 0;
    doc->src_file = r->file;
    doc->src_offset = off;
    doc->src_record = r->record;
    v = tm_head_get(head, head_end, "WARC-Record-ID", &l);
    st = set_id(doc, r, v ? v : "", v ? l : 0);
    if (st == TAMIS_OK && (v = tm_head_get(head, head_end, "WARC-Target-URI", &l)))
        st = tm_set_url(doc, v, l);
    if (st == TAMIS_OK && tl)
        st = tm_doc_setn(doc, TAMIS_F_WARC_TYPE, type, tl);
    if (st == TAMIS_OK && (v = tm_head_get(head, head_end, "WARC-Date", &l)) && l)
        st = tm_doc_setn(doc, TAMIS_F_WARC_DATE, v, l);
    if (st == TAMIS_OK && (v = tm_head_get(head, head_end, "WARC-Record-ID", &l)) && l)
        st = tm_doc_setn(doc, TAMIS_F_WARC_ID, v, l);
    if (st == TAMIS_OK) {
        char num[24];
        int k = snprintf(num, sizeof num, "%llu", (unsigned long long)cl);
        st = tm_doc_setn(doc, TAMIS_F_CONTENT_LENGTH, num, (size_t)k);
    }
    if (st != TAMIS_OK)
        return st;
    size_t ctl = 0;
    const char *ct = tm_head_get(head, head_end, "Content-Type", &ctl);
    if (tl == 10 && !strncasecmp(type, "conversion", 10)) {
        /* WET: the block is the page text. */
        doc->kind = TAMIS_KIND_TEXT;
        st = tm_doc_set_textn(doc, block, blen);
        if (st == TAMIS_OK && ct && ctl)
            st = tm_doc_setn(doc, TAMIS_F_CONTENT_TYPE, ct, ctl);
        return st;
    }
    int http = (tl == 8 && (!strncasecmp(type, "response", 8))) ||
               (tl == 7 && !strncasecmp(type, "revisit", 7));
    if (tl == 0 || http || (tl == 8 && !strncasecmp(type, "resource", 8))) {
        /* A record without WARC-Type may still hold an HTTP response: sniff. */
        if (tl == 0 && blen >= 5 && !memcmp(block, "HTTP/", 5))
            http = 1;
        st = tm_http_fill(r, doc, block, blen, ct, ct ? ctl : 0, http);
    } else {
        st = tamis_doc_set_payload(doc, TAMIS_KIND_OTHER, (const uint8_t *)block, blen);
        if (st == TAMIS_OK && ct && ctl)
            st = tm_doc_setn(doc, TAMIS_F_CONTENT_TYPE, ct, ctl);
    }
    if (st == TAMIS_OK && doc->kind == TAMIS_KIND_TEXT && doc->text_len == 0)
        st = tm_doc_set_textn(doc, (const char *)doc->payload, doc->payload_len);
    return st;
}

tamis_status tm_warc_next(tm_rd *r, tamis_doc *doc, tamis_error *err)
{
    tm_src *s = r->src;
    for (;;) {
        if (!skip_separators(s))
            return TAMIS_END;
        uint64_t start = tm_src_tell(s);
        size_t have = tm_src_fill(s, 6);
        const char *d = tm_src_data(s);
        if (!warc_line(d, have)) {
            int report = !r->resyncing;
            r->resyncing = 1;
            uint64_t off = tm_src_record_offset(s, start);
            skip_to_warc_line(s);
            if (report)
                return tm_err(err, TAMIS_ERR_FORMAT, r->file, off, r->record + 1,
                              "expected a WARC/ version line, skipped to the next record");
            continue;
        }
        r->resyncing = 0;
        /* Find the blank line ending the header block. */
        size_t hl = 0, want = 8192;
        for (;;) {
            have = tm_src_fill(s, want);
            hl = head_len(tm_src_data(s), have);
            if (hl || have < want || want >= MAX_HEAD)
                break;
            want *= 4;
        }
        r->record++;
        uint64_t off = tm_src_record_offset(s, start);
        if (!hl) {
            if (have < want) {
                tm_src_consume(s, have);
                return tm_err(err, TAMIS_ERR_TRUNCATED, r->file, off, r->record,
                              "input ends inside the WARC header");
            }
            r->resyncing = 1;
            skip_to_warc_line(s);
            return tm_err(err, TAMIS_ERR_FORMAT, r->file, off, r->record,
                          "WARC header longer than %u bytes", MAX_HEAD);
        }
        d = tm_src_data(s);
        size_t l;
        const char *v = tm_head_get(d, d + hl, "Content-Length", &l);
        int ok = 0;
        uint64_t cl = v ? parse_len(v, l, &ok) : 0;
        if (!ok) {
            tm_src_consume(s, hl);
            r->resyncing = 1; /* the block that follows is skipped without a second message */
            return tm_err(err, TAMIS_ERR_FORMAT, r->file, off, r->record,
                          "WARC record without a valid Content-Length");
        }
        if (cl > r->max_rec) {
            tm_src_consume(s, hl);
            uint64_t got = skip_bytes(s, cl);
            if (got < cl)
                return tm_err(err, TAMIS_ERR_TRUNCATED, r->file, off, r->record,
                              "input ends inside a record of %llu bytes",
                              (unsigned long long)cl);
            return tm_err(err, TAMIS_ERR_TOO_BIG, r->file, off, r->record,
                          "record of %llu bytes is over max_record_bytes (%llu)",
                          (unsigned long long)cl, (unsigned long long)r->max_rec);
        }
        size_t total = hl + (size_t)cl;
        have = tm_src_fill(s, total + LOOKAHEAD);
        d = tm_src_data(s);
        size_t bend = total, next = total;
        /* What follows the block must be separators then "WARC/" (or the end). */
        size_t q = TM_MIN(total, have);
        while (q < have && is_sep(d[q]))
            q++;
        /* A block followed by its proper trailer is consistent even when garbage comes
         * next (that is resynchronised and reported); only a missing trailer makes the
         * Content-Length suspect. */
        int trailer = (have >= total + 4 && !memcmp(d + total, "\r\n\r\n", 4)) ||
                      (have >= total + 2 && !memcmp(d + total, "\n\n", 2));
        int clean = have >= total && (trailer || q == have || warc_line(d + q, have - q));
        if (!clean) {
            /* Wrong Content-Length (hand-made or cut files): trust the nearest record
             * boundary instead, if there is one. */
            size_t b = nearest_boundary(d, hl, have, total);
            if (b) {
                bend = b;
                next = b;
                /* Drop the record trailer (CRLFCRLF, or LF LF) before the boundary. */
                for (int k = 0; k < 4 && bend > hl && (d[bend - 1] == '\n' || d[bend - 1] == '\r');
                     k++)
                    bend--;
            } else if (have >= total && have < total + LOOKAHEAD && tm_src_eof(s) == 0 &&
                       tm_src_fill(s, total + LOOKAHEAD) < total + LOOKAHEAD) {
                /* The last record, shorter than what follows it before the end of the
                 * input: its Content-Length undercounts (hand-made files); take the rest. */
                have = tm_src_avail(s);
                d = tm_src_data(s);
                bend = next = have;
                while (bend > total && (d[bend - 1] == '\n' || d[bend - 1] == '\r'))
                    bend--;
            } else if (have < total) {
                tm_src_consume(s, have);
                return tm_err(err, TAMIS_ERR_TRUNCATED, r->file, off, r->record,
                              "record body has %zu of %llu bytes", have - hl,
                              (unsigned long long)cl);
            }
        }
        /* Header lines start after the version line. */
        const char *head = memchr(d, '\n', hl);
        head = head ? head + 1 : d + hl;
        const char *type = tm_head_get(head, d + hl, "WARC-Type", &l);
        if (!is_content_type(type, type ? l : 0) && !r->o->keep_non_content) {
            tm_src_consume(s, next);
            continue;
        }
        tamis_status st = warc_doc(r, doc, head, d + hl, d + hl, bend - hl, cl, off);
        tm_src_consume(s, next);
        if (st != TAMIS_OK)
            return tm_err(err, st, r->file, off, r->record, "cannot store the record: %s",
                          tamis_strerror(st));
        return TAMIS_OK;
    }
}

/* ---- ARC ------------------------------------------------------------------------ */

/* Splits an ARC header line into space-separated fields. Returns the count. */
static int split_fields(const char *p, size_t n, const char **f, size_t *fl, int max)
{
    int k = 0;
    size_t i = 0;
    while (i < n && k < max) {
        while (i < n && p[i] == ' ')
            i++;
        if (i >= n)
            break;
        size_t s0 = i;
        while (i < n && p[i] != ' ')
            i++;
        f[k] = p + s0;
        fl[k] = i - s0;
        k++;
    }
    return k;
}

/* ARC header line. v1: URL IP DATE TYPE LENGTH; v2 (file version "2"): URL IP DATE TYPE
 * STATUS CHECKSUM LOCATION OFFSET FILENAME LENGTH. Fields are taken from the right so a
 * URL with spaces (seen in the wild) stays one field. Fills url/date/type/len. */
typedef struct arc_fields {
    const char *url, *date, *type, *len;
    size_t url_n, date_n, type_n, len_n;
} arc_fields;

static int arc_header(const char *p, size_t n, int v2, arc_fields *a)
{
    const char *f[64];
    size_t fl[64];
    int nf = split_fields(p, n, f, fl, 64);
    int tail = v2 ? 9 : 4; /* fields after the URL */
    if (nf < tail + 1 || nf >= 64)
        return 0;
    int u_end = nf - tail; /* URL = fields [0, u_end) */
    a->url = f[0];
    a->url_n = (size_t)(f[u_end - 1] + fl[u_end - 1] - f[0]);
    a->date = f[u_end + 1];
    a->date_n = fl[u_end + 1];
    a->type = f[u_end + 2];
    a->type_n = fl[u_end + 2];
    a->len = f[nf - 1];
    a->len_n = fl[nf - 1];
    return memchr(a->url, ':', a->url_n) != NULL && a->date_n >= 8 &&
           isdigit((unsigned char)a->date[0]);
}

/* 14-digit ARC date -> ISO 8601 UTC. */
static tamis_status set_arc_date(tamis_doc *doc, const char *v, size_t n)
{
    if (n < 14)
        return TAMIS_OK;
    for (int i = 0; i < 14; i++)
        if (!isdigit((unsigned char)v[i]))
            return TAMIS_OK;
    char iso[24];
    int k = snprintf(iso, sizeof iso, "%.4s-%.2s-%.2sT%.2s:%.2s:%.2sZ", v, v + 4, v + 6, v + 8,
                     v + 10, v + 12);
    return tm_doc_setn(doc, TAMIS_F_WARC_DATE, iso, (size_t)k);
}

tamis_status tm_arc_next(tm_rd *r, tamis_doc *doc, tamis_error *err)
{
    tm_src *s = r->src;
    for (;;) {
        if (!skip_separators(s))
            return TAMIS_END;
        uint64_t start = tm_src_tell(s);
        size_t have = tm_src_fill(s, MAX_LINE);
        const char *d = tm_src_data(s);
        const char *nl = memchr(d, '\n', have);
        size_t ll = nl ? (size_t)(nl - d) : have;
        size_t line_len = ll;
        if (ll && d[ll - 1] == '\r')
            ll--;
        arc_fields a;
        uint64_t off = tm_src_record_offset(s, start);
        if (!arc_header(d, ll, r->arc_v2, &a)) {
            int report = !r->resyncing;
            r->resyncing = 1;
            tm_src_consume(s, nl ? line_len + 1 : have);
            if (report)
                return tm_err(err, TAMIS_ERR_FORMAT, r->file, off, r->record + 1,
                              "expected an ARC header line, skipped to the next one");
            continue;
        }
        r->resyncing = 0;
        r->record++;
        size_t hl = nl ? line_len + 1 : have;
        int ok;
        uint64_t len = parse_len(a.len, a.len_n, &ok);
        if (ok && len > r->max_rec) {
            tm_src_consume(s, hl);
            uint64_t got = skip_bytes(s, len);
            return tm_err(err, got < len ? TAMIS_ERR_TRUNCATED : TAMIS_ERR_TOO_BIG, r->file, off,
                          r->record, "ARC record of %llu bytes is over max_record_bytes",
                          (unsigned long long)len);
        }
        size_t blen;
        if (ok) {
            have = tm_src_fill(s, hl + (size_t)len + 1);
            d = tm_src_data(s);
            if (have < hl + len && tm_src_error(s, NULL, NULL) == TAMIS_OK) {
                /* The input ends early by no more than its bare LFs: the file had its
                 * CRLFs rewritten to LF after the lengths were written (warcio's
                 * example-space-in-url.arc). The record is whole: keep it. */
                size_t bare = 0;
                for (size_t i = hl; i < have; i++)
                    bare += d[i] == '\n' && (i == hl || d[i - 1] != '\r');
                if (have - hl + bare >= len)
                    len = have - hl;
            }
            if (have < hl + len) {
                tm_src_consume(s, have);
                return tm_err(err, TAMIS_ERR_TRUNCATED, r->file, off, r->record,
                              "ARC record body has %zu of %llu bytes", have - hl,
                              (unsigned long long)len);
            }
            blen = (size_t)len;
        } else {
            /* Length -1 or garbage (as some tools wrote): the body runs to the next blank
             * line, as warcio reads it. */
            have = tm_src_fill(s, hl + MAX_LINE);
            d = tm_src_data(s);
            const char *b = d + hl, *e = d + have, *p = b;
            while (p < e) {
                const char *x = memchr(p, '\n', (size_t)(e - p));
                if (!x) {
                    p = e;
                    break;
                }
                if (x == p || (x == p + 1 && *p == '\r'))
                    break;
                p = x + 1;
            }
            blen = (size_t)(p - b);
        }
        int filedesc = a.url_n >= 11 && !memcmp(a.url, "filedesc://", 11);
        if (filedesc) /* the version block's first line: "1 0 ..." or "2 0 ..." */
            r->arc_v2 = blen >= 2 && d[hl] == '2' && d[hl + 1] == ' ';
        if (filedesc && !r->o->keep_non_content) {
            tm_src_consume(s, hl + blen);
            continue;
        }
        doc->src_file = r->file;
        doc->src_offset = off;
        doc->src_record = r->record;
        tamis_status st = TAMIS_OK;
        char *id = tm_arena_printf(&doc->arena, "%s#%llu", r->file, (unsigned long long)r->record);
        if (!id)
            st = TAMIS_ERR_NOMEM;
        doc->id = id;
        const char *body = d + hl;
        if (st == TAMIS_OK)
            st = tm_doc_setn(doc, TAMIS_F_WARC_TYPE, filedesc ? "warcinfo" : "response",
                             filedesc ? 8 : 8);
        if (st == TAMIS_OK && !filedesc)
            st = tm_set_url(doc, a.url, a.url_n);
        if (st == TAMIS_OK)
            st = set_arc_date(doc, a.date, a.date_n);
        if (st == TAMIS_OK && ok) {
            char num[24];
            int k = snprintf(num, sizeof num, "%llu", (unsigned long long)len);
            st = tm_doc_setn(doc, TAMIS_F_CONTENT_LENGTH, num, (size_t)k);
        }
        if (st == TAMIS_OK) {
            if (filedesc) {
                st = tamis_doc_set_payload(doc, TAMIS_KIND_OTHER, (const uint8_t *)body, blen);
                if (st == TAMIS_OK)
                    st = tm_doc_setn(doc, TAMIS_F_CONTENT_TYPE, a.type, a.type_n);
            } else {
                st = tm_http_fill(r, doc, body, blen, a.type, a.type_n, 1);
                if (st == TAMIS_OK && doc->kind == TAMIS_KIND_TEXT && !doc->text_len)
                    st = tm_doc_set_textn(doc, (const char *)doc->payload, doc->payload_len);
            }
        }
        tm_src_consume(s, hl + blen);
        if (st != TAMIS_OK)
            return tm_err(err, st, r->file, off, r->record, "cannot store the record: %s",
                          tamis_strerror(st));
        return TAMIS_OK;
    }
}
