/* tm_minhash.c — dedup normalisation, word n-gram shingles, MinHash signatures, band
 * hashes and the per-document signature record. Hashing is xxHash (XXH3). */
#include "tm_dedup.h"
#include "../common/tm_unicode.h"

#include <limits.h>
#include <stdlib.h>
#include <xxhash.h>

/* splitmix64: expands the user seed into permutation coefficients. */
static uint64_t splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

tamis_status tm_dd_params_from_cfg(const tm_dd_cfg *c, tm_dd_params *p, tamis_error *err)
{
    memset(p, 0, sizeof *p);
    if (c->ngram < 1 || c->ngram > 64)
        return tm_err(err, TAMIS_ERR_ARG, NULL, 0, 0, "dedup.ngram must be 1..64");
    if (c->bands < 1 || c->rows < 1 || c->bands * c->rows > 4096)
        return tm_err(err, TAMIS_ERR_ARG, NULL, 0, 0,
                      "dedup.bands and dedup.rows must be >= 1 with bands*rows <= 4096");
    if (!(c->threshold >= 0 && c->threshold <= 1))
        return tm_err(err, TAMIS_ERR_ARG, NULL, 0, 0, "dedup.threshold must be in [0,1]");
    p->ngram = (uint32_t)c->ngram;
    p->bands = (uint32_t)c->bands;
    p->rows = (uint32_t)c->rows;
    p->k = p->bands * p->rows;
    p->seed = (uint64_t)c->seed;
    p->threshold = c->threshold;
    p->exact = c->exact;
    p->near = c->near;
    p->containment = c->containment;
    p->bucket_all_pairs = c->bucket_all_pairs < 2 ? 2u
                          : c->bucket_all_pairs > 100000 ? 100000u
                                                         : (uint32_t)c->bucket_all_pairs;
    const char *v = c->verify ? c->verify : "exact";
    if (!strcmp(v, "exact"))
        p->verify = TM_DD_VERIFY_EXACT;
    else if (!strcmp(v, "estimate"))
        p->verify = TM_DD_VERIFY_ESTIMATE;
    else if (!strcmp(v, "none"))
        p->verify = TM_DD_VERIFY_NONE;
    else
        return tm_err(err, TAMIS_ERR_ARG, NULL, 0, 0,
                      "dedup.verify must be exact, estimate or none, not '%s'", v);
    const char *k = c->keep ? c->keep : "first";
    if (!strcmp(k, "first"))
        p->keep = TM_DD_KEEP_FIRST;
    else if (!strcmp(k, "longest"))
        p->keep = TM_DD_KEEP_LONGEST;
    else if (!strcmp(k, "earliest"))
        p->keep = TM_DD_KEEP_EARLIEST;
    else
        return tm_err(err, TAMIS_ERR_ARG, NULL, 0, 0,
                      "dedup.keep must be first, longest or earliest, not '%s'", k);
    return TAMIS_OK;
}

tamis_status tm_dd_hasher_init(tm_dd_hasher *h, const tm_dd_params *p)
{
    h->p = *p;
    h->b = tm_malloc(p->k * sizeof *h->b);
    if (!h->b) {
        tm_dd_hasher_free(h);
        return TAMIS_ERR_NOMEM;
    }
    uint64_t x = p->seed;
    for (uint32_t i = 0; i < p->k; i++)
        h->b[i] = splitmix(&x);
    return TAMIS_OK;
}

void tm_dd_hasher_free(tm_dd_hasher *h)
{
    tm_free(h->b);
    h->b = NULL;
}

void tm_dd_scratch_free(tm_dd_scratch *s)
{
    tm_buf_free(&s->norm);
    tm_buf_free(&s->tmp);
    tm_free(s->words);
    tm_free(s->sig);
    tm_free(s->sh);
    memset(s, 0, sizeof *s);
}

/* ASCII: 0 separator (punctuation, symbol, space, control), 1 digit, else the byte to
 * write (letters lowercased). */
static const uint8_t ascii_map[128] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0,
    0, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111,
    112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 0, 0, 0, 0, 0,
    0, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111,
    112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 0, 0, 0, 0, 0,
};

/* Output side of the normaliser: collapses separators into single spaces, trims ends. */
typedef struct nout {
    tm_buf *b;
    bool pending, any, oom;
} nout;

static inline void n_space(nout *o) { o->pending = o->any; }

static inline void n_byte(nout *o, char c)
{
    if (TM_UNLIKELY(o->b->len + 3 > o->b->cap) && tm_buf_reserve(o->b, 256) != TAMIS_OK) {
        o->oom = true;
        return;
    }
    if (o->pending) {
        o->b->data[o->b->len++] = ' ';
        o->pending = false;
    }
    o->b->data[o->b->len++] = c;
    o->any = true;
}

/* Skips a digit run at p (any Nd/Nl/No code point); returns its end. */
static const char *digit_run(const char *p, const char *end)
{
    while (p < end) {
        unsigned char c = (unsigned char)*p;
        if (c < 0x80) {
            if (c < '0' || c > '9')
                break;
            p++;
            continue;
        }
        const char *q = p;
        if (!tm_is_digit(tm_utf8_next(&q, end)))
            break;
        p = q;
    }
    return p;
}

tamis_status tm_dd_normalize(tm_buf *out, tm_buf *tmp, const char *s, size_t n)
{
    /* Same result as datatrove's simplify_text, in one pass: `\d+([.,]\d+)?` -> "0" (so
     * that "3.14" and "12" are both the token "0": per-digit zeroing would keep number
     * lengths and break shingles on every changed number), lowercase, accents stripped,
     * punctuation/symbols/controls -> space, spaces collapsed. ASCII goes through a table;
     * other code points through tm_normalize (utf8proc). Hand-written because calling
     * tm_normalize on whole texts measured 13.5 MB/s on neardup-dev, a quarter of the
     * signature budget. */
    static const char *const seps = ".,";
    tm_buf_clear(out);
    tamis_status st = tm_buf_reserve(out, n + 16);
    if (st != TAMIS_OK)
        return st;
    nout o = {out, false, false, false};
    const char *p = s, *end = s + n;
    while (p < end) {
        unsigned char c = (unsigned char)*p;
        if (c < 0x80) {
            uint8_t m = ascii_map[c];
            if (m > 1) {
                /* a run of ASCII letters: one capacity check, then a tight copy */
                const char *q = p + 1;
                while (q < end && (unsigned char)*q < 0x80 && ascii_map[(unsigned char)*q] > 1)
                    q++;
                size_t run = (size_t)(q - p);
                if (out->len + run + 2 > out->cap &&
                    (st = tm_buf_reserve(out, run + 2)) != TAMIS_OK)
                    return st;
                char *w = out->data + out->len;
                if (o.pending) {
                    *w++ = ' ';
                    o.pending = false;
                }
                for (; p < q; p++)
                    *w++ = (char)ascii_map[(unsigned char)*p];
                out->len = (size_t)(w - out->data);
                o.any = true;
            } else if (m == 0) {
                n_space(&o);
                p++;
            } else {
                goto number;
            }
            continue;
        }
        {
            const char *cs = p;
            int32_t cp = tm_utf8_next(&p, end);
            if (tm_is_digit(cp)) {
                p = cs;
                goto number;
            }
            tm_buf_clear(tmp);
            st = tm_normalize(tmp, cs, (size_t)(p - cs),
                              TM_NORM_CASEFOLD | TM_NORM_STRIP_ACCENTS | TM_NORM_DIGITS_ZERO |
                                  TM_NORM_PUNCT_SPACE);
            if (st != TAMIS_OK)
                return st;
            for (size_t i = 0; i < tmp->len; i++) {
                if (tmp->data[i] == ' ')
                    n_space(&o);
                else
                    n_byte(&o, tmp->data[i]);
            }
            continue;
        }
    number: {
        p = digit_run(p, end);
        if (p < end) { /* optional separator + digits */
            const char *r = p;
            int32_t sep = tm_utf8_next(&r, end);
            bool is_sep = (sep < 0x80 && strchr(seps, (int)sep) && sep) || sep == 0x060C ||
                          sep == 0x066B || sep == 0x2396 || sep == 0x2397 || sep == 0x2398;
            if (is_sep && r < end) {
                const char *r2 = digit_run(r, end);
                if (r2 > r)
                    p = r2;
            }
        }
        n_byte(&o, '0');
    }
    }
    return o.oom ? TAMIS_ERR_NOMEM : tm_buf_nul(out);
}

int32_t tm_dd_parse_date(const char *s)
{
    if (!s)
        return INT32_MAX;
    int y = 0, m = 0, d = 0, i = 0;
    for (; i < 4; i++) {
        if (s[i] < '0' || s[i] > '9')
            return INT32_MAX;
        y = y * 10 + (s[i] - '0');
    }
    if (s[4] == '-' && s[5] >= '0' && s[5] <= '9' && s[6] >= '0' && s[6] <= '9') {
        m = (s[5] - '0') * 10 + (s[6] - '0');
        if (s[7] == '-' && s[8] >= '0' && s[8] <= '9' && s[9] >= '0' && s[9] <= '9')
            d = (s[8] - '0') * 10 + (s[9] - '0');
    }
    if (m > 12 || d > 31)
        return INT32_MAX;
    return y * 10000 + m * 100 + d;
}

typedef struct word_ctx {
    tm_dd_scratch *s;
    size_t n;
    bool oom;
} word_ctx;

static void on_word(void *vctx, const char *w, size_t len)
{
    word_ctx *c = vctx;
    if (c->n == c->s->cap_words) {
        size_t cap = c->s->cap_words ? c->s->cap_words * 2 : 1024;
        uint64_t *nw = tm_realloc(c->s->words, cap * sizeof *nw);
        if (!nw) {
            c->oom = true;
            return;
        }
        c->s->words = nw;
        c->s->cap_words = cap;
    }
    c->s->words[c->n++] = XXH3_64bits(w, len);
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* LSD radix sort of 32-bit keys, 4 passes of 8 bits: qsort took a third of the signature
 * time on news-length texts. */
static void sort_u32(uint32_t *v, uint32_t *tmp, size_t n)
{
    if (n < 64) {
        qsort(v, n, sizeof *v, cmp_u32);
        return;
    }
    /* One counting pass for the 4 digits, then 4 scatter passes ping-ponging between v
     * and tmp (even count: the result ends in v). */
    size_t cnt[4][257];
    memset(cnt, 0, sizeof cnt);
    for (size_t i = 0; i < n; i++) {
        uint32_t x = v[i];
        cnt[0][(x & 0xFF) + 1]++;
        cnt[1][((x >> 8) & 0xFF) + 1]++;
        cnt[2][((x >> 16) & 0xFF) + 1]++;
        cnt[3][(x >> 24) + 1]++;
    }
    uint32_t *src = v, *dst = tmp;
    for (int d = 0; d < 4; d++) {
        size_t *c = cnt[d];
        for (size_t i = 1; i <= 256; i++)
            c[i] += c[i - 1];
        int sh = 8 * d;
        for (size_t i = 0; i < n; i++)
            dst[c[(src[i] >> sh) & 0xFF]++] = src[i];
        uint32_t *t = src;
        src = dst;
        dst = t;
    }
}

/* sig[i] = min over shingles of (lo ^ b[i]) + i * hi (mod 2^64), where (lo, hi) is the
 * shingle's hash pair: double hashing (Kirsch & Mitzenmacher) gives the k values with an
 * add each instead of a 64-bit multiply (a*x+b). Measured on neardup-dev: verify=estimate
 * P/R 0.895/0.883 against 0.901/0.878 with k independent a*x+b permutations, and 0.8 G
 * instructions for the signatures' hot loop against 1.6 G. Built twice, plain and AVX2,
 * picked at run time; both give the same values. */
#define TM_MINHASH_BODY                                                                    \
    for (uint32_t i = 0; i < k; i++)                                                       \
        sig[i] = UINT64_MAX;                                                               \
    for (size_t j = 0; j < n; j++) {                                                       \
        uint64_t lo = sh[2 * j], hi = sh[2 * j + 1] | 1;                                   \
        for (uint32_t i = 0; i < k; i++) {                                                 \
            uint64_t v = (lo ^ b[i]) + (uint64_t)i * hi;                                   \
            sig[i] = v < sig[i] ? v : sig[i];                                              \
        }                                                                                  \
    }

#if defined(__GNUC__) && defined(__x86_64__)
#include <immintrin.h>
#define TM_HAVE_AVX2_CLONE 1
/* AVX2 has no unsigned 64-bit compare: values are kept biased by 2^63 (adding 2^63 flips
 * the top bit) and compared signed; the bias rides on the i*hi term for free. */
__attribute__((target("avx2"))) static void minhash_avx2(const uint64_t *restrict b, uint32_t k,
                                                         const uint64_t *restrict sh, size_t n,
                                                         uint64_t *restrict sig)
{
    const uint64_t bias = 0x8000000000000000ull;
    uint32_t k4 = k & ~3u;
    for (uint32_t i = 0; i < k; i++)
        sig[i] = UINT64_MAX ^ bias;
    /* Two shingles per pass over sig: their values meet in registers first, halving the
     * loads and stores of sig and the loads of b. */
    size_t j = 0;
    for (; j + 1 < n; j += 2) {
        uint64_t lo1 = sh[2 * j], hi1 = sh[2 * j + 1] | 1;
        uint64_t lo2 = sh[2 * j + 2], hi2 = sh[2 * j + 3] | 1;
        __m256i vlo1 = _mm256_set1_epi64x((long long)lo1);
        __m256i vlo2 = _mm256_set1_epi64x((long long)lo2);
        __m256i step1 = _mm256_set1_epi64x((long long)(4 * hi1));
        __m256i step2 = _mm256_set1_epi64x((long long)(4 * hi2));
        __m256i t1 = _mm256_set_epi64x((long long)(3 * hi1 + bias), (long long)(2 * hi1 + bias),
                                       (long long)(hi1 + bias), (long long)bias);
        __m256i t2 = _mm256_set_epi64x((long long)(3 * hi2 + bias), (long long)(2 * hi2 + bias),
                                       (long long)(hi2 + bias), (long long)bias);
        uint32_t i = 0;
        for (; i < k4; i += 4) {
            __m256i vb = _mm256_loadu_si256((const __m256i *)(const void *)(b + i));
            __m256i v1 = _mm256_add_epi64(_mm256_xor_si256(vlo1, vb), t1);
            __m256i v2 = _mm256_add_epi64(_mm256_xor_si256(vlo2, vb), t2);
            __m256i m = _mm256_blendv_epi8(v1, v2, _mm256_cmpgt_epi64(v1, v2));
            __m256i cur = _mm256_loadu_si256((const __m256i *)(void *)(sig + i));
            __m256i gt = _mm256_cmpgt_epi64(cur, m);
            _mm256_storeu_si256((__m256i *)(void *)(sig + i), _mm256_blendv_epi8(cur, m, gt));
            t1 = _mm256_add_epi64(t1, step1);
            t2 = _mm256_add_epi64(t2, step2);
        }
        for (; i < k; i++) {
            uint64_t v1 = ((lo1 ^ b[i]) + (uint64_t)i * hi1) ^ bias;
            uint64_t v2 = ((lo2 ^ b[i]) + (uint64_t)i * hi2) ^ bias;
            int64_t m = (int64_t)v1 < (int64_t)v2 ? (int64_t)v1 : (int64_t)v2;
            if (m < (int64_t)sig[i])
                sig[i] = (uint64_t)m;
        }
    }
    for (; j < n; j++) {
        uint64_t lo = sh[2 * j], hi = sh[2 * j + 1] | 1;
        __m256i vlo = _mm256_set1_epi64x((long long)lo);
        __m256i step = _mm256_set1_epi64x((long long)(4 * hi));
        __m256i t = _mm256_set_epi64x((long long)(3 * hi + bias), (long long)(2 * hi + bias),
                                      (long long)(hi + bias), (long long)bias);
        uint32_t i = 0;
        for (; i < k4; i += 4) {
            __m256i vb = _mm256_loadu_si256((const __m256i *)(const void *)(b + i));
            __m256i v = _mm256_add_epi64(_mm256_xor_si256(vlo, vb), t);
            __m256i cur = _mm256_loadu_si256((const __m256i *)(void *)(sig + i));
            __m256i gt = _mm256_cmpgt_epi64(cur, v);
            _mm256_storeu_si256((__m256i *)(void *)(sig + i), _mm256_blendv_epi8(cur, v, gt));
            t = _mm256_add_epi64(t, step);
        }
        for (; i < k; i++) {
            uint64_t v = ((lo ^ b[i]) + (uint64_t)i * hi) ^ bias;
            if ((int64_t)v < (int64_t)sig[i])
                sig[i] = v;
        }
    }
    for (uint32_t i = 0; i < k; i++)
        sig[i] ^= bias;
}
#endif

static void minhash_plain(const uint64_t *restrict b, uint32_t k, const uint64_t *restrict sh,
                          size_t n, uint64_t *restrict sig)
{
    TM_MINHASH_BODY
}

/* sh: n shingle hashes as (lo, hi) pairs. */
static void minhash(const uint64_t *restrict b, uint32_t k, const uint64_t *restrict sh,
                    size_t n, uint64_t *restrict sig)
{
#ifdef TM_HAVE_AVX2_CLONE
    if (__builtin_cpu_supports("avx2")) {
        minhash_avx2(b, k, sh, n, sig);
        return;
    }
#endif
    minhash_plain(b, k, sh, n, sig);
}

tamis_status tm_dd_make_record(const tm_dd_hasher *h, tm_dd_scratch *s, const char *text,
                               size_t len, const char *id, size_t id_len, uint64_t seq,
                               const char *date, tm_buf *out)
{
    const tm_dd_params *p = &h->p;
    tamis_status st = tm_dd_normalize(&s->norm, &s->tmp, text, len);
    if (st != TAMIS_OK)
        return st;
    tm_dd_rec r;
    memset(&r, 0, sizeof r);
    r.seq = seq;
    r.id_len = (uint32_t)TM_MIN(id_len, (size_t)UINT32_MAX - 64);
    r.text_len = (uint32_t)TM_MIN(len, (size_t)UINT32_MAX);
    r.date = tm_dd_parse_date(date);
    if (s->norm.len) {
        XXH128_hash_t x = XXH3_128bits(s->norm.data, s->norm.len);
        r.exact_lo = x.low64;
        r.exact_hi = x.high64;
    }
    word_ctx wc = {s, 0, false};
    /* The normalised text separates words by single spaces: split there, and hand only
     * tokens with non-ASCII bytes to tm_words (it segments Han/Thai/... and splits at
     * format characters); tm_words over the whole text ran at half the speed. */
    const char *q = s->norm.data ? s->norm.data : "", *qe = q + s->norm.len;
    while (q < qe) {
        const char *sp = memchr(q, ' ', (size_t)(qe - q));
        const char *te = sp ? sp : qe;
        bool ascii = true;
        for (const char *t = q; t < te; t++)
            if ((unsigned char)*t >= 0x80) {
                ascii = false;
                break;
            }
        if (ascii)
            on_word(&wc, q, (size_t)(te - q));
        else
            tm_words(q, (size_t)(te - q), on_word, &wc);
        q = te + 1;
    }
    if (wc.oom)
        return TAMIS_ERR_NOMEM;
    r.n_words = (uint32_t)TM_MIN(wc.n, (size_t)UINT32_MAX);
    size_t nsh = wc.n >= p->ngram ? wc.n - p->ngram + 1 : 0;
    size_t n_sh_stored = 0;
    if (nsh) {
        /* s->sh holds the 128-bit shingle hashes, then their 32-bit tops and the radix
         * sort's scratch (2 * nsh u32 fit in 2 * nsh u64). */
        if (s->cap_sh < nsh) {
            size_t cap = nsh + 256;
            uint32_t *n32 = tm_realloc(s->sh, cap * 2 * sizeof(uint64_t));
            if (!n32)
                return TAMIS_ERR_NOMEM;
            s->sh = n32;
            s->cap_sh = cap;
        }
        if (!s->sig) {
            s->sig = tm_malloc(p->k * sizeof *s->sig);
            if (!s->sig)
                return TAMIS_ERR_NOMEM;
        }
        uint64_t *sh64 = (uint64_t *)(void *)s->sh;
        for (size_t i = 0; i < nsh; i++) {
            /* lo: XXH3 of the n word hashes; hi: a murmur3 finaliser of lo (the second
             * hash of double hashing only needs to be a different mix; XXH3-128 here
             * cost 8 % of signature time). */
            uint64_t lo = XXH3_64bits_withSeed(s->words + i, p->ngram * sizeof(uint64_t),
                                               p->seed);
            uint64_t hi = lo ^ 0x9E3779B97F4A7C15ull;
            hi = (hi ^ (hi >> 33)) * 0xFF51AFD7ED558CCDull;
            hi = (hi ^ (hi >> 33)) * 0xC4CEB9FE1A85EC53ull;
            sh64[2 * i] = lo;
            sh64[2 * i + 1] = hi ^ (hi >> 33);
        }
        /* Repeated shingles leave the minimum unchanged: no need to dedup first. */
        minhash(h->b, p->k, sh64, nsh, s->sig);
        /* The shingle set, as sorted distinct 32-bit tops of the low half (exact Jaccard
         * runs on them: collisions among a document's few thousand shingles are ~1e-4
         * likely and it halves the stored size). Written in place: sh32[i] lies below
         * sh64[2i], which is read first. */
        uint32_t *sh32 = s->sh;
        for (size_t i = 0; i < nsh; i++)
            sh32[i] = (uint32_t)(sh64[2 * i] >> 32);
        sort_u32(sh32, sh32 + nsh, nsh);
        for (size_t i = 0; i < nsh; i++)
            if (n_sh_stored == 0 || sh32[n_sh_stored - 1] != sh32[i])
                sh32[n_sh_stored++] = sh32[i];
        r.n_shingles = (uint32_t)n_sh_stored;
        if (p->verify != TM_DD_VERIFY_EXACT)
            n_sh_stored = 0;
    }
    size_t rec = sizeof r;
    if (nsh) {
        rec += p->bands * 8;
        if (p->verify == TM_DD_VERIFY_ESTIMATE)
            rec += p->k * 8;
        rec += n_sh_stored * 4;
    }
    rec += r.id_len + 1;
    rec = (rec + 7) & ~(size_t)7;
    if (rec > UINT32_MAX)
        return TAMIS_ERR_TOO_BIG;
    r.rec_len = (uint32_t)rec;
    st = tm_buf_reserve(out, rec);
    if (st != TAMIS_OK)
        return st;
    char *w = out->data + out->len;
    memset(w, 0, rec);
    memcpy(w, &r, sizeof r);
    size_t off = sizeof r;
    if (nsh) {
        for (uint32_t b = 0; b < p->bands; b++) {
            uint64_t bh = XXH3_64bits_withSeed(s->sig + (size_t)b * p->rows, p->rows * 8, b);
            memcpy(w + off, &bh, 8);
            off += 8;
        }
        if (p->verify == TM_DD_VERIFY_ESTIMATE) {
            memcpy(w + off, s->sig, p->k * 8);
            off += p->k * 8;
        }
        if (n_sh_stored)
            memcpy(w + off, s->sh, n_sh_stored * 4);
        off += n_sh_stored * 4;
    }
    memcpy(w + off, id, r.id_len);
    out->len += rec;
    return TAMIS_OK;
}

bool tm_dd_view_rec(const tm_dd_params *p, const void *rec, size_t avail, tm_dd_view *v)
{
    memset(v, 0, sizeof *v);
    if (avail < sizeof(tm_dd_rec))
        return false;
    const tm_dd_rec *r = rec;
    if (r->rec_len > avail || r->rec_len < sizeof *r || (r->rec_len & 7))
        return false;
    size_t need = sizeof *r + (size_t)r->id_len + 1;
    const uint8_t *b = rec;
    size_t off = sizeof *r;
    v->h = r;
    if (r->n_shingles) {
        need += (size_t)p->bands * 8;
        if (p->verify == TM_DD_VERIFY_ESTIMATE)
            need += (size_t)p->k * 8;
        if (p->verify == TM_DD_VERIFY_EXACT)
            need += (size_t)r->n_shingles * 4;
        if (need > r->rec_len)
            return false;
        v->band = (const uint64_t *)(const void *)(b + off);
        off += (size_t)p->bands * 8;
        if (p->verify == TM_DD_VERIFY_ESTIMATE) {
            v->sig = (const uint64_t *)(const void *)(b + off);
            off += (size_t)p->k * 8;
        }
        if (p->verify == TM_DD_VERIFY_EXACT) {
            v->sh = (const uint32_t *)(const void *)(b + off);
            off += (size_t)r->n_shingles * 4;
        }
    } else if (need > r->rec_len) {
        return false;
    }
    v->id = (const char *)b + off;
    return v->id[r->id_len] == '\0';
}

double tm_dd_similarity(const tm_dd_params *p, const tm_dd_view *a, const tm_dd_view *b)
{
    if (a->h->exact_lo == b->h->exact_lo && a->h->exact_hi == b->h->exact_hi &&
        (a->h->exact_lo | a->h->exact_hi))
        return 1.0;
    uint32_t na = a->h->n_shingles, nb = b->h->n_shingles;
    if (!na || !nb)
        return 0.0;
    double inter, uni;
    if (p->verify == TM_DD_VERIFY_EXACT && a->sh && b->sh) {
        size_t i = 0, j = 0, c = 0;
        while (i < na && j < nb) {
            uint32_t x = a->sh[i], y = b->sh[j];
            c += x == y;
            i += x <= y;
            j += y <= x;
        }
        inter = (double)c;
        uni = (double)na + nb - c;
    } else if (p->verify == TM_DD_VERIFY_ESTIMATE && a->sig && b->sig) {
        uint32_t eq = 0;
        for (uint32_t i = 0; i < p->k; i++)
            eq += a->sig[i] == b->sig[i];
        double j = (double)eq / p->k;
        /* |A∩B| = J (|A|+|B|) / (1+J) */
        inter = j * ((double)na + nb) / (1.0 + j);
        uni = (double)na + nb - inter;
    } else {
        return 1.0;
    }
    if (p->containment)
        return inter / (double)TM_MIN(na, nb);
    return uni > 0 ? inter / uni : 0.0;
}
