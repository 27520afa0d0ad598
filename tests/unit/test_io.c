/* test_io.c — readers and writers on small hand-made inputs: gzip (per-record members and
 * whole-file), zstd (multi-frame, dictionary frame), WARC/HTTP decoding, ARC, JSONL
 * fields, bad input (invalid JSON, invalid UTF-8, NUL, oversized lines, truncation,
 * garbage), the JSONL round trip, and writers (gzip, zstd, atomic, write errors). */
#include "io/tm_io.h"
#include "tm_test.h"

#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

/* ---- helpers ---- */

typedef struct bytes {
    uint8_t *p;
    size_t n;
} bytes;

static void cat_bytes(bytes *b, const void *p, size_t n)
{
    b->p = realloc(b->p, b->n + n + 1);
    memcpy(b->p + b->n, p, n);
    b->n += n;
}

static void gz_member(bytes *b, const char *s, size_t n)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY);
    uLong bound = deflateBound(&z, (uLong)n) + 32;
    uint8_t *out = malloc(bound);
    z.next_in = (Bytef *)(uintptr_t)s;
    z.avail_in = (uInt)n;
    z.next_out = out;
    z.avail_out = (uInt)bound;
    deflate(&z, Z_FINISH);
    cat_bytes(b, out, bound - z.avail_out);
    deflateEnd(&z);
    free(out);
}

static char *warc_record(const char *type, const char *uri, const char *block)
{
    static char buf[8192];
    snprintf(buf, sizeof buf,
             "WARC/1.0\r\nWARC-Type: %s\r\nWARC-Target-URI: %s\r\nWARC-Date: 2024-01-02T03:04:05Z\r\n"
             "WARC-Record-ID: <urn:uuid:%s>\r\nContent-Type: application/http; msgtype=response\r\n"
             "Content-Length: %zu\r\n\r\n%s\r\n\r\n",
             type, uri, uri + strlen(uri) - 1, strlen(block), block);
    return buf;
}

static const char *HTTP1 = "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=ISO-8859-1\r\n\r\n"
                           "<html><body>first</body></html>";
static const char *HTTP2 = "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\n\r\nsecond page";

typedef struct got {
    int n_ok, n_err;
    tamis_status errs[16];
    uint64_t err_rec[16];
    char url[16][128];
    uint64_t off[16];
    uint64_t rec[16];
    char text[16][256];
    tamis_kind kind[16];
} got;

static void read_all(tamis_reader *r, got *g)
{
    memset(g, 0, sizeof *g);
    tamis_doc *d = tamis_doc_new();
    for (int guard = 0; guard < 1000000; guard++) {
        tamis_error e = {0};
        tamis_status st = tamis_reader_next(r, d, &e);
        if (st == TAMIS_END)
            break;
        if (st != TAMIS_OK) {
            if (g->n_err < 16) {
                g->errs[g->n_err] = st;
                g->err_rec[g->n_err] = e.record;
            }
            g->n_err++;
            continue;
        }
        if (g->n_ok < 16) {
            const char *u = tamis_doc_get(d, TAMIS_F_URL);
            snprintf(g->url[g->n_ok], 128, "%s", u ? u : "-");
            g->off[g->n_ok] = d->src_offset;
            g->rec[g->n_ok] = d->src_record;
            snprintf(g->text[g->n_ok], 256, "%s", tamis_doc_text(d, NULL));
            g->kind[g->n_ok] = tamis_doc_kind(d);
        }
        g->n_ok++;
    }
    tamis_doc_free(d);
}

static void read_mem(const void *p, size_t n, const tamis_reader_opts *o, got *g)
{
    tamis_reader *r = NULL;
    tamis_status st = tm_reader_open_mem(&r, p, n, "mem", o, NULL);
    CHECK_EQ_INT(st, TAMIS_OK);
    read_all(r, g);
    tamis_reader_free(r);
}

/* ---- tests ---- */

TEST(test_gzip_per_record_offsets)
{
    bytes b = {0};
    gz_member(&b, "", 0); /* an empty member first: offsets must skip it */
    size_t m1 = b.n;
    char *r1 = strdup(warc_record("response", "http://a.example/1", HTTP1));
    gz_member(&b, r1, strlen(r1));
    size_t m2 = b.n;
    char *r2 = strdup(warc_record("response", "http://a.example/2", HTTP2));
    gz_member(&b, r2, strlen(r2));
    got g;
    read_mem(b.p, b.n, NULL, &g);
    CHECK_EQ_INT(g.n_ok, 2);
    CHECK_EQ_INT(g.n_err, 0);
    CHECK_EQ_STR(g.url[0], "http://a.example/1");
    CHECK_EQ_STR(g.url[1], "http://a.example/2");
    CHECK_EQ_INT(g.off[0], m1); /* compressed offsets of the members */
    CHECK_EQ_INT(g.off[1], m2);
    CHECK_EQ_INT(g.rec[1], 2);
    CHECK_EQ_INT(g.kind[0], TAMIS_KIND_HTML);
    CHECK_EQ_INT(g.kind[1], TAMIS_KIND_TEXT);
    CHECK_EQ_STR(g.text[1], "second page");

    /* Whole-file gzip: the same records in one member -> decompressed offsets. */
    bytes w = {0};
    char *both = malloc(strlen(r1) + strlen(r2) + 1);
    strcpy(both, r1);
    strcat(both, r2);
    gz_member(&w, both, strlen(both));
    read_mem(w.p, w.n, NULL, &g);
    CHECK_EQ_INT(g.n_ok, 2);
    CHECK_EQ_INT(g.off[0], 0);
    CHECK_EQ_INT(g.off[1], strlen(r1));

    /* Truncated gzip: cut the second member in half -> one record, then one error. */
    read_mem(b.p, m2 + (b.n - m2) / 2, NULL, &g);
    CHECK_EQ_INT(g.n_ok, 1);
    CHECK_EQ_INT(g.n_err, 1);
    CHECK_EQ_INT(g.errs[0], TAMIS_ERR_TRUNCATED);
    free(both);
    free(r1);
    free(r2);
    free(b.p);
    free(w.p);
}

TEST(test_zstd_frames_and_dictionary)
{
    char *r1 = strdup(warc_record("response", "http://z.example/1", HTTP1));
    char *r2 = strdup(warc_record("response", "http://z.example/2", HTTP2));
    /* Two frames, plain. */
    bytes b = {0};
    uint8_t out[16384];
    size_t n1 = ZSTD_compress(out, sizeof out, r1, strlen(r1), 3);
    cat_bytes(&b, out, n1);
    size_t n2 = ZSTD_compress(out, sizeof out, r2, strlen(r2), 3);
    cat_bytes(&b, out, n2);
    got g;
    read_mem(b.p, b.n, NULL, &g);
    CHECK_EQ_INT(g.n_ok, 2);
    CHECK_EQ_INT(g.off[1], n1);
    CHECK_EQ_STR(g.url[1], "http://z.example/2");

    /* Dictionary in a skippable frame (magic 0x184D2A5D), frames compressed with it. */
    const char *dict = "WARC/1.0\r\nWARC-Type: response\r\nContent-Type: application/http; "
                       "msgtype=response\r\nHTTP/1.1 200 OK\r\nContent-Type: text/html";
    bytes d = {0};
    uint8_t hdr[8] = {0x5d, 0x2a, 0x4d, 0x18};
    uint32_t dl = (uint32_t)strlen(dict);
    hdr[4] = (uint8_t)dl;
    hdr[5] = (uint8_t)(dl >> 8);
    cat_bytes(&d, hdr, 8);
    cat_bytes(&d, dict, dl);
    ZSTD_CCtx *cc = ZSTD_createCCtx();
    size_t k1 = ZSTD_compress_usingDict(cc, out, sizeof out, r1, strlen(r1), dict, dl, 3);
    CHECK(!ZSTD_isError(k1));
    size_t f1 = d.n;
    cat_bytes(&d, out, k1);
    size_t k2 = ZSTD_compress_usingDict(cc, out, sizeof out, r2, strlen(r2), dict, dl, 3);
    size_t f2 = d.n;
    cat_bytes(&d, out, k2);
    ZSTD_freeCCtx(cc);
    read_mem(d.p, d.n, NULL, &g);
    CHECK_EQ_INT(g.n_ok, 2);
    CHECK_EQ_INT(g.n_err, 0);
    CHECK_EQ_STR(g.url[0], "http://z.example/1");
    CHECK_EQ_INT(g.off[0], f1);
    CHECK_EQ_INT(g.off[1], f2);
    free(r1);
    free(r2);
    free(b.p);
    free(d.p);
}

TEST(test_http_decoding)
{
    /* chunked + gzip content-encoding, really encoded */
    bytes body = {0};
    const char *html = "<html><head><title>t</title></head><body>decoded body</body></html>";
    gz_member(&body, html, strlen(html));
    char chunked[4096];
    int k = snprintf(chunked, sizeof chunked,
                     "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n"
                     "Content-Encoding: gzip\r\n\r\n%zx\r\n",
                     (size_t)10);
    memcpy(chunked + k, body.p, 10);
    k += 10;
    k += snprintf(chunked + k, sizeof chunked - (size_t)k, "\r\n%zx\r\n", body.n - 10);
    memcpy(chunked + k, body.p + 10, body.n - 10);
    k += (int)(body.n - 10);
    k += snprintf(chunked + k, sizeof chunked - (size_t)k, "\r\n0\r\n\r\n");
    char rec[8192];
    int n = snprintf(rec, sizeof rec,
                     "WARC/1.1\r\nWARC-Type: response\r\nWARC-Target-URI: <http://w.example/a b>\r\n"
                     "Content-Length: %d\r\n\r\n",
                     k);
    memcpy(rec + n, chunked, (size_t)k);
    n += k;
    n += snprintf(rec + n, sizeof rec - (size_t)n,
                  "\r\n\r\n"
                  /* CC style: X-Crawler-* says the body was decoded already; LF-only head */
                  "WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 115\r\n\r\n"
                  "HTTP/1.1 200 OK\nX-Crawler-Content-Encoding: gzip\nContent-Encoding: gzip\n"
                  "Content-Type: text/html\n\n<html>plain</html>\r\n\r\n");
    tamis_reader *r;
    CHECK_EQ_INT(tm_reader_open_mem(&r, (uint8_t *)rec, (size_t)n, "m", NULL, NULL), TAMIS_OK);
    tamis_doc *d = tamis_doc_new();
    CHECK_EQ_INT(tamis_reader_next(r, d, NULL), TAMIS_OK);
    size_t pl;
    const uint8_t *p = tamis_doc_payload(d, &pl);
    CHECK_EQ_INT(pl, strlen(html));
    CHECK(p && memcmp(p, html, strlen(html)) == 0);
    CHECK_EQ_STR(tamis_doc_get(d, TAMIS_F_URL), "http://w.example/a%20b");
    CHECK_EQ_STR(tamis_doc_get(d, TAMIS_F_HTTP_STATUS), "200");
    CHECK_EQ_INT(tamis_doc_kind(d), TAMIS_KIND_HTML);
    CHECK_EQ_INT(tamis_reader_next(r, d, NULL), TAMIS_OK);
    p = tamis_doc_payload(d, &pl);
    CHECK_EQ_INT(pl, 18);
    CHECK(p && memcmp(p, "<html>plain</html>", 18) == 0);
    CHECK_EQ_INT(tamis_reader_next(r, d, NULL), TAMIS_END);
    tamis_doc_free(d);
    tamis_reader_free(r);
    free(body.p);
}

TEST(test_warc_types_and_garbage)
{
    bytes b = {0};
    const char *junk = "this is not a WARC record\nnor is this\n";
    const char *r = warc_record("request", "http://t.example/1", "GET / HTTP/1.1\r\n\r\n");
    cat_bytes(&b, r, strlen(r));
    cat_bytes(&b, junk, strlen(junk)); /* garbage between records */
    r = warc_record("response", "http://t.example/2", HTTP2);
    cat_bytes(&b, r, strlen(r));
    r = warc_record("metadata", "http://t.example/3", "fetchTimeMs: 5\r\n");
    cat_bytes(&b, r, strlen(r));
    got g;
    read_mem(b.p, b.n, NULL, &g); /* content records only */
    CHECK_EQ_INT(g.n_ok, 1);
    CHECK_EQ_INT(g.n_err, 1); /* the garbage, once */
    CHECK_EQ_INT(g.errs[0], TAMIS_ERR_FORMAT);
    CHECK_EQ_STR(g.url[0], "http://t.example/2");
    CHECK_EQ_INT(g.rec[0], 2); /* record numbers count every record */
    tamis_reader_opts o;
    tamis_reader_opts_init(&o);
    o.keep_non_content = 1;
    read_mem(b.p, b.n, &o, &g);
    CHECK_EQ_INT(g.n_ok, 3);
    CHECK_EQ_STR(g.url[2], "http://t.example/3");
    /* A record over max_record_bytes is skipped; the next one still comes. */
    o.max_record_bytes = 60;
    read_mem(b.p, b.n, &o, &g);
    CHECK_EQ_INT(g.n_ok, 2);
    CHECK_EQ_INT(g.n_err, 2);
    CHECK_EQ_INT(g.errs[1], TAMIS_ERR_TOO_BIG);
    free(b.p);
}

TEST(test_arc_minus_one)
{
    const char *arc = "filedesc://x.arc 0.0.0.0 20140301000000 text/plain -1\n"
                      "1 0 Test\nURL IP-address Archive-date Content-type Archive-length\n\n"
                      "http://e.example/ 1.2.3.4 20140401000000 text/html -1\n\n"
                      "http://e.example/b 1.2.3.4 20140401000000 text/plain 7\nabcdefg\n";
    tamis_reader_opts o;
    tamis_reader_opts_init(&o);
    o.keep_non_content = 1;
    got g;
    read_mem(arc, strlen(arc), &o, &g);
    CHECK_EQ_INT(g.n_ok, 3);
    CHECK_EQ_INT(g.n_err, 0);
    CHECK_EQ_STR(g.url[1], "http://e.example/");
    CHECK_EQ_STR(g.url[2], "http://e.example/b");
    CHECK_EQ_STR(g.text[2], "abcdefg");
}

TEST(test_jsonl_fields_and_bad_lines)
{
    const char in[] = "{\"doc\":\"alpha\",\"key\":\"a1\",\"metadata\":{\"url\":\"http://j/1\",\"x\":1}}\n"
                      "{\"doc\": broken\n"
                      "\n"
                      "{\"doc\":\"bad \xff utf8\",\"key\":7}\n"
                      "{\"doc\":\"nul\\u0000esc and raw \0 nul\",\"key\":\"n\"}\n"
                      "[1,2]\n"
                      "{\"doc\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}\n"
                      "{\"doc\":\"last\"}";
    tamis_reader_opts o;
    tamis_reader_opts_init(&o);
    o.text_field = "doc";
    o.id_field = "key";
    o.max_record_bytes = 80;
    tamis_reader *r;
    CHECK_EQ_INT(tm_reader_open_mem(&r, (const uint8_t *)in, sizeof in - 1, "j", &o, NULL),
                 TAMIS_OK);
    tamis_doc *d = tamis_doc_new();
    tamis_error e = {0};
    CHECK_EQ_INT(tamis_reader_next(r, d, &e), TAMIS_OK);
    CHECK_EQ_STR(tamis_doc_text(d, NULL), "alpha");
    CHECK_EQ_STR(tamis_doc_id(d), "a1");
    CHECK_EQ_STR(tamis_doc_get(d, TAMIS_F_URL), "http://j/1");
    CHECK_EQ_INT(tamis_reader_next(r, d, &e), TAMIS_ERR_FORMAT);
    CHECK_EQ_INT(e.record, 2);
    CHECK_EQ_STR(e.file, "j");
    CHECK_EQ_INT(tamis_reader_next(r, d, &e), TAMIS_OK);
    CHECK_EQ_STR(tamis_doc_text(d, NULL), "bad \xEF\xBF\xBD utf8"); /* sanitised */
    CHECK_EQ_STR(tamis_doc_id(d), "7");
    CHECK_EQ_INT(d->src_record, 4); /* line numbers count the blank line */
    CHECK_EQ_INT(tamis_reader_next(r, d, &e), TAMIS_OK);
    CHECK_EQ_STR(tamis_doc_text(d, NULL), "nulesc and raw  nul"); /* NULs removed */
    CHECK_EQ_INT(tamis_reader_next(r, d, &e), TAMIS_ERR_FORMAT); /* not an object */
    CHECK_EQ_INT(tamis_reader_next(r, d, &e), TAMIS_ERR_TOO_BIG);
    CHECK_EQ_INT(e.record, 7);
    CHECK_EQ_INT(tamis_reader_next(r, d, &e), TAMIS_OK);
    CHECK_EQ_STR(tamis_doc_text(d, NULL), "last");
    CHECK_EQ_INT(tamis_reader_next(r, d, &e), TAMIS_END);
    tamis_doc_free(d);
    tamis_reader_free(r);
}

/* A line far longer than the window (simulating a 2 GB line with a small ceiling):
 * skipped with TOO_BIG in bounded memory, the next line still read. */
TEST(test_jsonl_huge_line)
{
    size_t big = 5u << 20;
    char *in = malloc(big + 64);
    memcpy(in, "{\"text\":\"", 9);
    memset(in + 9, 'a', big);
    strcpy(in + 9 + big, "\"}\n{\"text\":\"ok\"}\n");
    tamis_reader_opts o;
    tamis_reader_opts_init(&o);
    o.max_record_bytes = 1000;
    got g;
    read_mem(in, strlen(in), &o, &g);
    CHECK_EQ_INT(g.n_err, 1);
    CHECK_EQ_INT(g.errs[0], TAMIS_ERR_TOO_BIG);
    CHECK_EQ_INT(g.n_ok, 1);
    CHECK_EQ_STR(g.text[0], "ok");
    free(in);
}

TEST(test_jsonl_round_trip)
{
    tamis_doc *d = tamis_doc_new();
    tamis_doc_set_id(d, "id-1", 4);
    tamis_doc_set_text(d, "Hello \"world\"\nline two", 22);
    d->src_file = "in/file.warc.gz";
    d->src_offset = 12345;
    d->src_record = 7;
    tamis_doc_set(d, TAMIS_F_URL, "https://x.example/a?b=1");
    tamis_doc_set(d, TAMIS_F_TITLE, "Title");
    tamis_doc_add(d, TAMIS_F_AUTHOR, "Ann");
    tamis_doc_add(d, TAMIS_F_AUTHOR, "Bob");
    tamis_doc_add(d, TAMIS_F_TAGS, "t1");
    tamis_doc_add(d, TAMIS_F_TAGS, "t2");
    tamis_doc_set(d, TAMIS_F_READING_TIME, "3");
    tamis_doc_set(d, TAMIS_F_LANG, "en");
    tamis_doc_set(d, TAMIS_F_LANG_SCORE, "0.93");
    tamis_doc_set(d, TAMIS_F_HTTP_STATUS, "200");
    tamis_doc_set_signal(d, "words", 120);
    tamis_doc_set_signal(d, "ratio", 0.123456789);
    tamis_doc_drop(d, "gopher_min_words: 12 < 50");
    tamis_doc_drop(d, "c4_badwords: 1");
    d->has_dup = true;
    d->dup_cluster = "id-0";
    d->dup_size = 3;
    d->dup_keep = false;
    tm_doc_count_removed(d, "boilerplate", 4);
    tamis_doc_set_payload(d, TAMIS_KIND_HTML, (const uint8_t *)"<p>x</p>", 8);
    d->input_meta = "{\"source\":\"cc\",\"n\":[1,{\"a\":2}],\"title\":\"ignored\"}";
    d->input_meta_len = strlen(d->input_meta);
    tamis_writer_opts wo;
    tamis_writer_opts_init(&wo);
    wo.with_payload = 1;
    char *j1 = NULL, *j2 = NULL, *j3 = NULL;
    size_t l1 = 0;
    CHECK_EQ_INT(tamis_doc_to_json(d, &wo, &j1, &l1), TAMIS_OK);
    tamis_reader *r;
    CHECK_EQ_INT(tm_reader_open_mem(&r, (uint8_t *)j1, l1, "spool", NULL, NULL), TAMIS_OK);
    tamis_doc *e = tamis_doc_new();
    CHECK_EQ_INT(tamis_reader_next(r, e, NULL), TAMIS_OK);
    CHECK_EQ_INT(tamis_doc_to_json(e, &wo, &j2, NULL), TAMIS_OK);
    /* The first pass rounds 0.123456789 to the printed 6 digits; after that it is exact. */
    CHECK(j2 != NULL);
    tamis_reader_free(r);
    CHECK_EQ_INT(tm_reader_open_mem(&r, (uint8_t *)j2, strlen(j2), "spool", NULL, NULL),
                 TAMIS_OK);
    tamis_doc *f = tamis_doc_new();
    CHECK_EQ_INT(tamis_reader_next(r, f, NULL), TAMIS_OK);
    CHECK_EQ_INT(tamis_doc_to_json(f, &wo, &j3, NULL), TAMIS_OK);
    CHECK_EQ_STR(j1, j2);
    CHECK_EQ_STR(j2, j3);
    CHECK_EQ_INT(tamis_doc_dropped(e), 1);
    CHECK_EQ_INT(e->src_offset, 12345);
    CHECK_EQ_INT(tamis_doc_count(e, TAMIS_F_TAGS), 2);
    tamis_reader_free(r);
    free(j1);
    free(j2);
    free(j3);
    tamis_doc_free(d);
    tamis_doc_free(e);
    tamis_doc_free(f);
}

static void write_docs(const char *path, tamis_compression c, int atomic, int n)
{
    tamis_writer_opts wo;
    tamis_writer_opts_init(&wo);
    wo.compression = c;
    wo.atomic = atomic;
    tamis_writer *w;
    CHECK_EQ_INT(tamis_writer_open(&w, path, &wo, NULL), TAMIS_OK);
    tamis_doc *d = tamis_doc_new();
    char text[64];
    for (int i = 0; i < n; i++) {
        tamis_doc_reset(d);
        snprintf(text, sizeof text, "document number %d", i);
        tamis_doc_set_text(d, text, strlen(text));
        CHECK_EQ_INT(tamis_writer_write(w, d, NULL), TAMIS_OK);
    }
    tamis_doc_free(d);
    CHECK_EQ_INT(tamis_writer_close(w, NULL), TAMIS_OK);
}

TEST(test_writers)
{
    char dir[] = "/tmp/tamis_io_XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char p1[256], p2[256], p3[256], tmp[300];
    snprintf(p1, sizeof p1, "%s/a.jsonl.gz", dir);
    snprintf(p2, sizeof p2, "%s/b.jsonl.zst", dir);
    snprintf(p3, sizeof p3, "%s/c.jsonl", dir);
    write_docs(p1, TAMIS_COMP_AUTO, 0, 50000);
    write_docs(p2, TAMIS_COMP_AUTO, 1, 50000);
    write_docs(p3, TAMIS_COMP_AUTO, 0, 3);
    snprintf(tmp, sizeof tmp, "%s.tmp", p2);
    CHECK(access(tmp, F_OK) != 0); /* renamed into place */
    FILE *f = fopen(p1, "rb");
    unsigned char m[4] = {0};
    CHECK(f && fread(m, 1, 4, f) == 4);
    if (f)
        fclose(f);
    CHECK(m[0] == 0x1f && m[1] == 0x8b);
    /* Read back: the directory reader goes through the files sorted by name. */
    tamis_reader *r;
    CHECK_EQ_INT(tamis_reader_open(&r, dir, NULL, NULL), TAMIS_OK);
    got g;
    read_all(r, &g);
    tamis_reader_free(r);
    CHECK_EQ_INT(g.n_ok, 100003);
    CHECK_EQ_INT(g.n_err, 0);
    CHECK_EQ_STR(g.text[0], "document number 0");
    unlink(p1);
    unlink(p2);
    unlink(p3);
    rmdir(dir);
    /* Write errors name the file: /dev/full fails every write. */
    tamis_writer *w;
    tamis_error e = {0};
    if (tamis_writer_open(&w, "/dev/full", NULL, &e) == TAMIS_OK) {
        tamis_doc *d = tamis_doc_new();
        tamis_doc_set_text(d, "x", 1);
        tamis_status st = TAMIS_OK;
        for (int i = 0; i < 200000 && st == TAMIS_OK; i++)
            st = tamis_writer_write(w, d, &e);
        tamis_status cst = tamis_writer_close(w, &e);
        CHECK(st == TAMIS_ERR_IO || cst == TAMIS_ERR_IO);
        CHECK_EQ_STR(e.file, "/dev/full");
        CHECK(strstr(e.message, "No space") != NULL);
        tamis_doc_free(d);
    }
}

TEST(test_fixture_counts)
{
    /* Real data: the CC WARC file has 16 responses among its 50 records. */
    const char *p = tm_shared_path("data/warc-fixtures/resiliparse/warcfile.warc.gz");
    tamis_reader *r;
    CHECK_EQ_INT(tamis_reader_open(&r, p, NULL, NULL), TAMIS_OK);
    got g;
    read_all(r, &g);
    CHECK_EQ_INT(g.n_ok, 16);
    CHECK_EQ_INT(g.n_err, 0);
    CHECK_EQ_STR(g.url[0], "http://003338.cn/l41/481397.html");
    CHECK_EQ_INT(g.off[0], 940); /* compressed offset of its gzip member */
    CHECK_EQ_INT(tamis_reader_format(r), TAMIS_FMT_WARC);
    tamis_reader_free(r);
}

int main(void)
{
    RUN(test_gzip_per_record_offsets);
    RUN(test_zstd_frames_and_dictionary);
    RUN(test_http_decoding);
    RUN(test_warc_types_and_garbage);
    RUN(test_arc_minus_one);
    RUN(test_jsonl_fields_and_bad_lines);
    RUN(test_jsonl_huge_line);
    RUN(test_jsonl_round_trip);
    RUN(test_writers);
    RUN(test_fixture_counts);
    TEST_MAIN_END();
}
