/* test_dedup_sig.c — the signature record against a plain reference of the documented
 * scheme (docs/dedup.md): normalised text (with the code-point cache, against the uncached
 * normaliser), word hashes, shingle hashes, the bands*rows MinHash values
 * min((lo ^ key_i) + i*hi), band hashes and the sorted distinct shingle set, over texts
 * built to hit every path of the fast code (16-byte blocks, cache collisions, invalid
 * UTF-8, k not a multiple of 4, more than 2^20 shingles); then the records of the whole
 * neardup-dev set against checksums of the signature files the code made before it was
 * optimised (same bytes or the dedup output would change). */
#include "tm_test.h"
#include "tm_dedup_testutil.h"
#include "common/tm_unicode.h"
#include "dedup/tm_dedup.h"

#include <xxhash.h>

/* ---- reference: the scheme as docs/dedup.md states it, written plainly */

/* word hashes appended to a tm_buf, 8 bytes each */
static void ref_word(void *ctx, const char *w, size_t len)
{
    uint64_t h = XXH3_64bits(w, len);
    tm_buf_append(ctx, &h, sizeof h);
}

/* Words: the space-separated tokens of the normalised text; tokens with non-ASCII bytes
 * split further by tm_words. */
static void ref_words(const char *t, size_t n, tm_buf *out)
{
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        int ascii = 1;
        while (j < n && t[j] != ' ')
            ascii &= (unsigned char)t[j++] < 0x80;
        if (ascii)
            ref_word(out, t + i, j - i);
        else
            tm_words(t + i, j - i, ref_word, out);
        i = j + 1;
    }
}

static uint64_t ref_splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static int cmp32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

typedef struct ref_rec {
    tm_buf words_buf;
    const uint64_t *words; /* n_words hashes in words_buf */
    size_t n_words;
    uint64_t *sig;  /* k values */
    uint32_t *set;  /* sorted distinct shingle tops */
    size_t n_set, nsh;
} ref_rec;

static void ref_compute(const tm_dd_params *p, const char *norm, size_t n, ref_rec *r)
{
    memset(r, 0, sizeof *r);
    tm_buf_init(&r->words_buf);
    ref_words(norm, n, &r->words_buf);
    r->words = (const uint64_t *)(const void *)r->words_buf.data;
    r->n_words = r->words_buf.len / 8;
    r->nsh = r->n_words >= p->ngram ? r->n_words - p->ngram + 1 : 0;
    r->sig = malloc(p->k * sizeof *r->sig);
    r->set = malloc((r->nsh + 1) * sizeof *r->set);
    uint64_t *key = malloc(p->k * sizeof *key), x = p->seed;
    for (uint32_t i = 0; i < p->k; i++) {
        key[i] = ref_splitmix(&x);
        r->sig[i] = UINT64_MAX;
    }
    for (size_t j = 0; j < r->nsh; j++) {
        uint64_t lo = XXH3_64bits_withSeed(r->words + j, p->ngram * 8, p->seed);
        uint64_t hi = lo ^ 0x9E3779B97F4A7C15ull;
        hi = (hi ^ (hi >> 33)) * 0xFF51AFD7ED558CCDull;
        hi = (hi ^ (hi >> 33)) * 0xC4CEB9FE1A85EC53ull;
        hi = (hi ^ (hi >> 33)) | 1;
        for (uint32_t i = 0; i < p->k; i++) {
            uint64_t v = (lo ^ key[i]) + (uint64_t)i * hi;
            if (v < r->sig[i])
                r->sig[i] = v;
        }
        r->set[j] = (uint32_t)(lo >> 32);
    }
    qsort(r->set, r->nsh, sizeof *r->set, cmp32);
    for (size_t j = 0; j < r->nsh; j++)
        if (r->n_set == 0 || r->set[r->n_set - 1] != r->set[j])
            r->set[r->n_set++] = r->set[j];
    free(key);
}

static void ref_free(ref_rec *r)
{
    tm_buf_free(&r->words_buf);
    free(r->sig);
    free(r->set);
}

static int make_params(tm_dd_params *p, int ngram, int bands, int rows, int seed,
                       const char *verify)
{
    tm_dd_cfg c;
    memset(&c, 0, sizeof c);
    c.near = c.exact = true;
    c.ngram = ngram;
    c.bands = bands;
    c.rows = rows;
    c.seed = seed;
    c.threshold = 0.8;
    c.verify = (char *)verify;
    c.bucket_all_pairs = 200;
    tamis_error err = {0};
    return tm_dd_params_from_cfg(&c, p, &err) == TAMIS_OK;
}

/* Makes the record of text with s (a warm scratch: its code-point cache holds earlier
 * texts' code points) and checks every part against the reference. Returns the
 * number of shingles. */
static size_t check_text(const tm_dd_hasher *h, tm_dd_scratch *s, const char *text, size_t len)
{
    const tm_dd_params *p = &h->p;
    tm_buf out, norm, tmp;
    tm_buf_init(&out);
    tm_buf_init(&norm);
    tm_buf_init(&tmp);
    CHECK(tm_dd_make_record(h, s, text, len, "x", 1, 7, NULL, &out) == TAMIS_OK);
    CHECK(tm_dd_normalize(&norm, &tmp, text, len) == TAMIS_OK);
    CHECK_EQ_INT(s->norm.len, norm.len);
    CHECK(s->norm.len == norm.len && (!norm.len || !memcmp(s->norm.data, norm.data, norm.len)));
    ref_rec r;
    ref_compute(p, norm.data ? norm.data : "", norm.len, &r);
    tm_dd_view v;
    CHECK(tm_dd_view_rec(p, out.data, out.len, &v));
    CHECK_EQ_INT(v.h->n_words, r.n_words);
    CHECK(r.n_words == v.h->n_words && (!r.n_words || !memcmp(s->words, r.words, r.n_words * 8)));
    CHECK_EQ_INT(v.h->n_shingles, r.n_set);
    if (r.nsh && v.band) {
        int bands_ok = 1, sig_ok = 1;
        for (uint32_t b = 0; b < p->bands; b++)
            bands_ok &= v.band[b] == XXH3_64bits_withSeed(r.sig + (size_t)b * p->rows,
                                                          p->rows * 8, b);
        CHECK(bands_ok);
        if (p->verify == TM_DD_VERIFY_ESTIMATE)
            sig_ok = v.sig && !memcmp(v.sig, r.sig, p->k * 8);
        CHECK(sig_ok);
        if (p->verify == TM_DD_VERIFY_EXACT)
            CHECK(v.sh && !memcmp(v.sh, r.set, r.n_set * 4));
    }
    CHECK(!strcmp(v.id, "x"));
    size_t nsh = r.nsh;
    ref_free(&r);
    tm_buf_free(&out);
    tm_buf_free(&norm);
    tm_buf_free(&tmp);
    return nsh;
}

static void put_cp(tm_buf *b, int32_t cp)
{
    char u[4];
    tm_buf_append(b, u, tm_utf8_put(u, cp));
}

/* Deterministic pseudo-random generator. */
static uint32_t rnd(uint32_t *st)
{
    *st = *st * 1103515245u + 12345u;
    return *st >> 8;
}

/* Texts for every path: letter runs across 16-byte blocks (15, 16, 17, 33 letters),
 * capitals, numbers with separators, accented letters and combining marks, Greek,
 * Cyrillic, Han and Thai (ICU word break), a long case fold (U+0390 is 6 bytes folded),
 * invalid and truncated UTF-8, emoji, Arabic-Indic digits, and 2,000 distinct code points
 * twice (cache collisions and refills). */
static void build_texts(tm_buf *t, size_t *ends, size_t *n_texts)
{
    static const char *const pieces[] = {
        "The Quick brown FOX jumps over the lazy dog. ",
        "abcdefghijklmno ABCDEFGHIJKLMNOP abcdefghijklmnopq abcdefghijklmnopqrstuvwxyzabcdefg ",
        "Prices: 3,14 and 12.5% or 1.000.000 (2024) -- x1y2z3 ",
        "Le Caf\xc3\xa9 co\xc3\xbbte cher; stra\xc3\x9f" "e, \xe1\xba\x9e, e\xcc\x81t\xc3\xa9 ",
        "\xce\x95\xce\xbb\xce\xbb\xce\xac\xce\xb4\xce\xb1 \xce\x90 \xd0\x9c\xd0\xbe\xd1\x81\xd0\xba\xd0\xb2\xd0\xb0 ",
        "\xe4\xb8\xad\xe6\x96\x87\xe7\xbb\xb4\xe5\x9f\xba\xe7\x99\xbe\xe7\xa7\x91\xe6\x98\xaf\xe4\xb8\x80\xe4\xb8\xaa ",
        "\xe0\xb8\xa0\xe0\xb8\xb2\xe0\xb8\xa9\xe0\xb8\xb2\xe0\xb9\x84\xe0\xb8\x97\xe0\xb8\xa2 ",
        "bad \xff\xfe bytes \xe2\x82 here \xf0\x9f\x98\x80 smile \xd9\xa3\xd9\xa4 ",
    };
    size_t np = sizeof pieces / sizeof *pieces, k = 0;
    uint32_t st = 1;
    tm_buf_clear(t);
    /* one text per piece, then mixes of growing length */
    for (size_t i = 0; i < np; i++) {
        tm_buf_append(t, pieces[i], strlen(pieces[i]));
        ends[k++] = t->len;
    }
    for (size_t m = 1; m <= 40; m++) {
        for (size_t i = 0; i < m * 3; i++) { /* whole pieces and halves (cut UTF-8) */
            const char *pc = pieces[rnd(&st) % np];
            tm_buf_append(t, pc, rnd(&st) % 2 ? strlen(pc) : strlen(pc) / 2 + 1);
        }
        ends[k++] = t->len;
    }
    for (int pass = 0; pass < 2; pass++) {
        for (int32_t cp = 0xA0; cp < 0xA0 + 2000; cp++) {
            if (cp >= 0xD800 && cp < 0xE000)
                continue;
            put_cp(t, cp);
            if (cp % 3 == 0)
                tm_buf_append(t, "w ", 2);
        }
        ends[k++] = t->len;
    }
    /* short texts: empty, under ngram words, exactly 16 bytes, ending without a space */
    static const char *const shorts[] = {"", "one", "one two three", "sixteen letters!",
                                         "a b c d e", "a b c d e f g", "  ...  "};
    for (size_t i = 0; i < sizeof shorts / sizeof *shorts; i++) {
        tm_buf_append(t, shorts[i], strlen(shorts[i]));
        ends[k++] = t->len;
    }
    *n_texts = k;
}

/* Every path of the fast code gives the reference's values, for several parameter sets
 * (k = 112, 45, 100, 1; ngram 5, 1, 3, 7; three seeds; estimate and exact). */
TEST(test_against_reference)
{
    static const int sets[][5] = {{5, 14, 8, 1, 0}, {5, 14, 8, 1, 1}, {5, 9, 5, 42, 1},
                                  {1, 20, 5, 7, 1}, {3, 1, 1, 1, 0},  {7, 20, 5, 3, 1}};
    tm_buf t;
    tm_buf_init(&t);
    size_t ends[128], n_texts = 0;
    build_texts(&t, ends, &n_texts);
    CHECK(n_texts < 128);
    size_t total_sh = 0;
    for (size_t si = 0; si < sizeof sets / sizeof *sets; si++) {
        tm_dd_params p;
        CHECK(make_params(&p, sets[si][0], sets[si][1], sets[si][2], sets[si][3],
                          sets[si][4] ? "estimate" : "exact"));
        tm_dd_hasher h;
        CHECK(tm_dd_hasher_init(&h, &p) == TAMIS_OK);
        tm_dd_scratch s;
        memset(&s, 0, sizeof s);
        size_t from = 0;
        for (size_t i = 0; i < n_texts; i++) {
            total_sh += check_text(&h, &s, t.data + from, ends[i] - from);
            from = ends[i];
        }
        tm_dd_scratch_free(&s);
        tm_dd_hasher_free(&h);
    }
    printf("%zu texts x %zu parameter sets, %zu shingles checked\n", n_texts,
           sizeof sets / sizeof *sets, total_sh);
    CHECK(total_sh > 20000);
    tm_buf_free(&t);
}

/* datatrove's simplify_text on ASCII, written plainly: a number `\d+([.,]\d+)?` becomes
 * '0' (part of the token it touches), letters are lowercased, everything else separates;
 * single spaces, no spaces at the ends. */
static void ref_normalize_ascii(const char *s, size_t n, tm_buf *out)
{
    int pending = 0;
    tm_buf_clear(out);
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        int digit = c >= '0' && c <= '9', letter = (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
        if (!digit && !letter) {
            pending = out->len > 0;
            i++;
            continue;
        }
        if (pending)
            tm_buf_append(out, " ", 1);
        pending = 0;
        if (letter) {
            char l = (char)(c | 0x20);
            tm_buf_append(out, &l, 1);
            i++;
            continue;
        }
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i + 1 < n && (s[i] == '.' || s[i] == ',') && s[i + 1] >= '0' && s[i + 1] <= '9')
            for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
                ;
        tm_buf_append(out, "0", 1);
    }
}

/* The ASCII fast paths (16-byte blocks of letters and single separators) against the plain
 * normaliser above, on 3,000 random texts of words, numbers, punctuation runs and controls,
 * and on the edges of a block (a separator as its last byte, runs of 15 to 17 letters). */
TEST(test_normalize_ascii)
{
    static const char alpha[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    static const char sep[] = " ,.;:!?-'\"()[]{}/@#$%^&*_+=<>|~`\t\n\r\x01\x7f";
    tm_buf t, got, want, tmp;
    tm_buf_init(&t);
    tm_buf_init(&got);
    tm_buf_init(&want);
    tm_buf_init(&tmp);
    uint32_t st = 3;
    size_t bad = 0, bytes = 0;
    for (int k = 0; k < 3000; k++) {
        tm_buf_clear(&t);
        size_t len = rnd(&st) % 300;
        while (t.len < len) {
            uint32_t r = rnd(&st) % 10;
            size_t l = 1 + rnd(&st) % (r < 2 ? 18 : 7);
            for (size_t j = 0; j < l; j++) {
                char c = r < 6   ? alpha[rnd(&st) % 52]
                         : r < 8 ? sep[rnd(&st) % (sizeof sep - 1)]
                                 : (char)('0' + rnd(&st) % 10);
                tm_buf_append(&t, &c, 1);
            }
            if (rnd(&st) % 3)
                tm_buf_append(&t, rnd(&st) % 4 ? " " : (rnd(&st) % 2 ? "." : ","), 1);
        }
        ref_normalize_ascii(t.data, t.len, &want);
        CHECK(tm_dd_normalize(&got, &tmp, t.data, t.len) == TAMIS_OK);
        bytes += t.len;
        if (got.len != want.len || (want.len && memcmp(got.data, want.data, want.len))) {
            if (!bad++)
                fprintf(stderr, "in:   %.*s\ngot:  %.*s\nwant: %.*s\n", (int)t.len, t.data,
                        (int)got.len, got.data, (int)want.len, want.data);
        }
    }
    CHECK_EQ_INT(bad, 0);
    CHECK(bytes > 400000);
    const char *in = "abcdefghijklmno,pqrstuvwxyzabcdef gh  Abcdefghijklmnopq.rs 12,5x "
                     "aaaaaaaaaaaaaaa b";
    CHECK(tm_dd_normalize(&got, &tmp, in, strlen(in)) == TAMIS_OK);
    CHECK_EQ_STR(got.data, "abcdefghijklmno pqrstuvwxyzabcdef gh abcdefghijklmnopq rs 0x "
                           "aaaaaaaaaaaaaaa b");
    tm_buf_free(&t);
    tm_buf_free(&got);
    tm_buf_free(&want);
    tm_buf_free(&tmp);
}

/* More than 2^20 shingles (the sort's bucket count stops growing there) with repeats: a
 * passage of 50,000 words three times, then 1,000,000 words from a small vocabulary. */
TEST(test_large_text)
{
    tm_buf t;
    tm_buf_init(&t);
    uint32_t st = 7;
    char w[16];
    for (int rep = 0; rep < 3; rep++) {
        uint32_t s2 = 99;
        for (int i = 0; i < 50000; i++) {
            int l = 2 + (int)(rnd(&s2) % 9);
            for (int j = 0; j < l; j++)
                w[j] = (char)('a' + rnd(&s2) % 26);
            w[l] = ' ';
            tm_buf_append(&t, w, (size_t)l + 1);
        }
    }
    for (int i = 0; i < 1000000; i++) {
        uint32_t x = rnd(&st) % 3000;
        int l = snprintf(w, sizeof w, "w%c%c%c ", 'a' + x % 26, 'a' + x / 26 % 26,
                         'a' + x / 676);
        tm_buf_append(&t, w, (size_t)l);
    }
    tm_dd_params p;
    CHECK(make_params(&p, 5, 14, 8, 1, "exact"));
    tm_dd_hasher h;
    CHECK(tm_dd_hasher_init(&h, &p) == TAMIS_OK);
    tm_dd_scratch s;
    memset(&s, 0, sizeof s);
    size_t nsh = check_text(&h, &s, t.data, t.len);
    CHECK_EQ_INT(nsh, 1150000 - 4);
    tm_dd_scratch_free(&s);
    tm_dd_hasher_free(&h);
    tm_buf_free(&t);
}

/* The records of all of neardup-dev, concatenated, hash to what the signature files of the
 * code before its speed-up hashed to (tamis dedup signatures, file minus its 64-byte
 * header): byte-identical signatures, so identical buckets, pairs and output. The words
 * come from tm_words for non-ASCII tokens: a change of its ICU segmentation changes these
 * values too (eafe3ed changed 6 documents' words; the values are those of c5ee01e's
 * tm_minhash.c built with eafe3ed's segmentation). */
TEST(test_neardup_checksums)
{
    tcorpus c = {0};
    CHECK(tcorpus_load(&c, tm_shared_path("data/neardup-dev/corpus.jsonl")) == 0);
    CHECK_EQ_INT(c.n, 4301);
    static const struct {
        int ngram, bands, rows;
        const char *verify;
        uint64_t xxh3;
        size_t bytes;
    } runs[] = {{5, 14, 8, "exact", 0x38a391f96af01d9dull, 12802512},
                {5, 14, 8, "estimate", 0xd13f95b1538a65e9ull, 4610672},
                {3, 20, 5, "estimate", 0xf69b37cce2663dbaull, 4404224}};
    for (size_t ri = 0; ri < sizeof runs / sizeof *runs; ri++) {
        tm_dd_params p;
        CHECK(make_params(&p, runs[ri].ngram, runs[ri].bands, runs[ri].rows, 1,
                          runs[ri].verify));
        tm_dd_hasher h;
        CHECK(tm_dd_hasher_init(&h, &p) == TAMIS_OK);
        tm_dd_scratch s;
        memset(&s, 0, sizeof s);
        tm_buf out;
        tm_buf_init(&out);
        for (size_t i = 0; i < c.n; i++)
            CHECK(tm_dd_make_record(&h, &s, c.d[i].text, c.d[i].text_len, c.d[i].id,
                                    strlen(c.d[i].id), i, NULL, &out) == TAMIS_OK);
        uint64_t x = XXH3_64bits(out.data, out.len);
        printf("%s %dx%d ngram %d: %zu bytes, XXH3 %016llx\n", runs[ri].verify,
               runs[ri].bands, runs[ri].rows, runs[ri].ngram, out.len, (unsigned long long)x);
        CHECK_EQ_INT(out.len, runs[ri].bytes);
        CHECK(x == runs[ri].xxh3);
        tm_buf_free(&out);
        tm_dd_scratch_free(&s);
        tm_dd_hasher_free(&h);
    }
    tcorpus_free(&c);
}

int main(void)
{
    (void)trun; /* the shared test helpers this file does not need */
    (void)tres_free;
    RUN(test_normalize_ascii);
    RUN(test_against_reference);
    RUN(test_large_text);
    RUN(test_neardup_checksums); /* last: exits 77 when the shared data is absent */
    TEST_MAIN_END();
}
