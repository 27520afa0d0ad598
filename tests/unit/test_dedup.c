/* test_dedup.c — the dedup stage: dolma's paragraph-dedup fixture, keep policies, exact vs
 * near reasons, containment, and bad input (empty and short documents, thousands of
 * identical documents, a band bucket with 100 000 members). */
#include "tm_test.h"
#include "tm_dedup_testutil.h"
#include "dedup/tm_dedup.h"

static tamis_stage *mk_stage(const char *const *sets)
{
    tamis_stage *s = NULL;
    tamis_error err = {0};
    tamis_stage_new(&s, "dedup", &err);
    for (size_t i = 0; sets && sets[i]; i += 2)
        if (tamis_stage_set(s, sets[i], sets[i + 1], &err) != TAMIS_OK)
            fprintf(stderr, "set %s: %s\n", sets[i], err.message);
    return s;
}

/* Report counter by name, from the stage's JSON report. */
static long long report_num(tamis_stage *s, const char *key)
{
    char *js = NULL;
    tamis_stage_report(s, &js);
    long long v = -1;
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":", key);
    const char *p = js ? strstr(js, pat) : NULL;
    if (p)
        v = atoll(p + strlen(pat));
    free(js);
    return v;
}

/* Deterministic pseudo-random words (letters only: digits would normalise to 0). */
static void add_words(tm_buf *b, unsigned *state, int n)
{
    for (int i = 0; i < n; i++) {
        *state = *state * 1103515245u + 12345u;
        unsigned x = (*state >> 8) % 50000u;
        char w[8];
        int k = 0;
        do {
            w[k++] = (char)('a' + x % 26);
            x /= 26;
        } while (x && k < 7);
        tm_buf_append(b, w, (size_t)k);
        tm_buf_putc(b, i % 17 == 16 ? '\n' : ' ');
    }
}

static char *words_text(unsigned seed, int n)
{
    tm_buf b;
    tm_buf_init(&b);
    add_words(&b, &seed, n);
    tm_buf_nul(&b);
    return b.data;
}

/* dolma's reference output for paragraph dedup: a paragraph (line) already seen earlier in
 * the corpus is flagged, first occurrence kept, exact bytes; spans in code points,
 * including the line's '\n'. 43 spans in document 2, none elsewhere. */
TEST(test_dolma_paragraphs)
{
    tcorpus c = {0};
    char docs_path[4096];
    snprintf(docs_path, sizeof docs_path, "%s",
             tm_shared_path("data/cc-text-samples/dolma-deduper/documents-000.json.gz"));
    const char *exp_path =
        tm_shared_path("data/cc-text-samples/dolma-deduper/expected-dedupe-paragraphs.json.gz");
    CHECK(tcorpus_load(&c, docs_path) == 0);
    CHECK_EQ_INT(c.n, 10);
    /* The expected file has attributes, not text: read its spans with a plain scan. */
    gzFile f = gzopen(exp_path, "rb");
    CHECK(f != NULL);
    char line[65536];
    size_t doc = 0, total_spans = 0, matched = 0;
    tm_dd_cfg cfg;
    tm_params_defaults(tm_dd_param_table, &cfg);
    cfg.line_normalize = false;
    cfg.line_keep_first = true;
    cfg.line_threshold = 1;
    tm_dd_lines t = {0};
    tm_buf norm, tmp;
    tm_buf_init(&norm);
    tm_buf_init(&tmp);
    for (size_t i = 0; i < c.n; i++)
        CHECK(tm_dd_lines_observe(&t, &cfg, &norm, &tmp, c.d[i].text, c.d[i].text_len, i) ==
              TAMIS_OK);
    while (f && gzgets(f, line, sizeof line) && doc < c.n) {
        /* expected spans as [start,end,1] triples */
        long exp_spans[256][2];
        size_t ne = 0;
        const char *p = strstr(line, "spans\": [");
        for (p = p ? p + 9 : NULL; p && ne < 256;) {
            p = strchr(p, '[');
            if (!p)
                break;
            long a, b;
            if (sscanf(p, "[%ld, %ld", &a, &b) != 2)
                break;
            exp_spans[ne][0] = a;
            exp_spans[ne][1] = b;
            ne++;
            p++;
        }
        /* ours, converted from bytes to code points */
        size_t n = tm_dd_lines_spans(&t, &cfg, &norm, &tmp, c.d[doc].text, c.d[doc].text_len,
                                     doc, NULL, NULL);
        CHECK_EQ_INT(n, ne);
        /* walk lines again to compare positions */
        const char *text = c.d[doc].text;
        size_t len = c.d[doc].text_len, k = 0;
        size_t cp = 0, pos = 0;
        while (pos < len && k < ne) {
            const char *nl = memchr(text + pos, '\n', len - pos);
            size_t le = nl ? (size_t)(nl - text) : len;
            size_t cps = cp;
            for (size_t q = pos; q < le; q++)
                cp += ((unsigned char)text[q] & 0xC0) != 0x80;
            size_t cpe = cp + 1; /* dolma's span counts the '\n', even after the last line */
            if ((long)cps == exp_spans[k][0]) {
                CHECK_EQ_INT(cpe, exp_spans[k][1]);
                matched += (long)cpe == exp_spans[k][1];
                k++;
            }
            cp++;
            pos = le + 1;
        }
        total_spans += ne;
        doc++;
    }
    if (f)
        gzclose(f);
    CHECK_EQ_INT(doc, 10);
    CHECK_EQ_INT(total_spans, 43);
    CHECK_EQ_INT(matched, 43);
    /* through the stage: the 43 lines leave document 2, which counts them */
    static const char *const sets[] = {"exact", "false", "near", "false", "lines", "true",
                                       "line_normalize", "false", NULL};
    tamis_stage *s = mk_stage(sets);
    tres res[10];
    CHECK(trun(s, &c, res) == TAMIS_OK);
    CHECK_EQ_INT(res[1].removed, 43);
    CHECK_EQ_INT(res[0].removed, 0);
    CHECK(strlen(res[1].text) < c.d[1].text_len);
    CHECK(strstr(res[1].text, "PPAA Home") == NULL);
    CHECK(strstr(res[0].text, "PPAA Home") != NULL);
    CHECK_EQ_INT(report_num(s, "lines_removed"), 43);
    tres_free(res, 10);
    tamis_stage_free(s);
    tm_dd_lines_free(&t);
    tm_buf_free(&norm);
    tm_buf_free(&tmp);
    tm_params_free(tm_dd_param_table, &cfg);
    tcorpus_free(&c);
}

/* CCNet mode: a line above the threshold leaves every document, first one included. */
TEST(test_lines_ccnet)
{
    tcorpus c = {0};
    const char *a = "Share this article\nThe council voted on Tuesday.\nBack to top\n";
    const char *b = "Share this article\nRain is expected all week.\nBack to top!!\n";
    const char *d = "share THIS article\nNothing else here.\n";
    tcorpus_push(&c, "a", 1, a, strlen(a));
    tcorpus_push(&c, "b", 1, b, strlen(b));
    tcorpus_push(&c, "c", 1, d, strlen(d));
    static const char *const sets[] = {"exact", "false", "near", "false", "lines", "true",
                                       "line_keep_first", "false", "line_threshold", "2", NULL};
    tamis_stage *s = mk_stage(sets);
    tres res[3];
    CHECK(trun(s, &c, res) == TAMIS_OK);
    /* "share this article" x3 (normalised) > 2: removed everywhere; "back to top" x2: kept */
    CHECK_EQ_STR(res[0].text, "The council voted on Tuesday.\nBack to top\n");
    CHECK_EQ_STR(res[1].text, "Rain is expected all week.\nBack to top!!\n");
    CHECK_EQ_STR(res[2].text, "Nothing else here.\n");
    CHECK_EQ_INT(res[0].removed, 1);
    tres_free(res, 3);
    tamis_stage_free(s);
    tcorpus_free(&c);
}

/* Empty documents and documents under n words: never merged by the near stage; the exact
 * stage merges identical non-empty texts only. */
TEST(test_short_and_empty)
{
    tcorpus c = {0};
    for (int i = 0; i < 50; i++)
        tcorpus_push(&c, "empty", 5, "", 0);
    for (int i = 0; i < 50; i++)
        tcorpus_push(&c, "short", 5, "Read more here", 14);
    for (int i = 0; i < 50; i++) {
        char t[32];
        snprintf(t, sizeof t, "only %c%c words", 'a' + i % 26, 'a' + i / 26);
        tcorpus_push(&c, "tiny", 4, t, strlen(t));
    }
    static const char *const near_only[] = {"exact", "false", NULL};
    tamis_stage *s = mk_stage(near_only);
    tres *res = calloc(c.n, sizeof *res);
    CHECK(trun(s, &c, res) == TAMIS_OK);
    size_t dups = 0;
    for (size_t i = 0; i < c.n; i++)
        dups += res[i].has_dup || res[i].dropped;
    CHECK_EQ_INT(dups, 0);
    CHECK_EQ_INT(report_num(s, "candidate_pairs"), 0);
    tres_free(res, c.n);
    tamis_stage_free(s);
    s = mk_stage(NULL);
    CHECK(trun(s, &c, res) == TAMIS_OK);
    size_t empty_dup = 0, short_drop = 0;
    for (size_t i = 0; i < 50; i++)
        empty_dup += res[i].has_dup;
    for (size_t i = 50; i < 100; i++)
        short_drop += res[i].dropped && !strncmp(res[i].reason, "dup_exact:", 10);
    CHECK_EQ_INT(empty_dup, 0);
    CHECK_EQ_INT(short_drop, 49);
    CHECK(res[50].keep && res[50].size == 50);
    CHECK(!res[100].has_dup);
    tres_free(res, c.n);
    free(res);
    tamis_stage_free(s);
    tcorpus_free(&c);
}

/* Thousands of identical documents: one cluster, a linear number of candidate pairs. */
TEST(test_identical_thousands)
{
    tcorpus c = {0};
    char *t = words_text(7, 300);
    for (int i = 0; i < 5000; i++) {
        char id[16];
        snprintf(id, sizeof id, "d%d", i);
        tcorpus_push(&c, id, strlen(id), t, strlen(t));
    }
    free(t);
    tamis_stage *s = mk_stage(NULL);
    tres *res = calloc(c.n, sizeof *res);
    CHECK(trun(s, &c, res) == TAMIS_OK);
    size_t dropped = 0;
    for (size_t i = 0; i < c.n; i++)
        dropped += res[i].dropped && !strncmp(res[i].reason, "dup_exact: same normalised text as d0", 37);
    CHECK_EQ_INT(dropped, 4999);
    CHECK(res[0].keep && !res[0].dropped && res[0].size == 5000);
    CHECK_EQ_STR(res[4321].cluster, "d0");
    long long cand = report_num(s, "candidate_pairs");
    CHECK(cand >= 4999 && cand <= 5000); /* a star per bucket, not 12.5 M pairs */
    tres_free(res, c.n);
    free(res);
    tamis_stage_free(s);
    tcorpus_free(&c);
}

/* 100 000 near-duplicates (a shared text plus one distinct word each): every band bucket
 * holds all of them; star linking keeps the pairs linear and they form one cluster. */
TEST(test_bucket_100k)
{
    tcorpus c = {0};
    char *base = words_text(11, 200);
    size_t bl = strlen(base);
    char *t = malloc(bl + 16);
    for (int i = 0; i < 100000; i++) {
        memcpy(t, base, bl);
        int x = i, k = 0;
        char w[8];
        do {
            w[k++] = (char)('a' + x % 26);
            x /= 26;
        } while (x);
        memcpy(t + bl, " zz", 3);
        memcpy(t + bl + 3, w, (size_t)k);
        char id[16];
        snprintf(id, sizeof id, "n%d", i);
        tcorpus_push(&c, id, strlen(id), t, bl + 3 + (size_t)k);
    }
    free(t);
    free(base);
    tamis_stage *s = mk_stage(NULL);
    tres *res = calloc(c.n, sizeof *res);
    CHECK(trun(s, &c, res) == TAMIS_OK);
    long long cand = report_num(s, "candidate_pairs");
    printf("100k bucket: %lld candidate pairs, %lld clusters\n", cand, report_num(s, "clusters"));
    CHECK(cand > 0 && cand < 1500000); /* all pairs would be 5e9 */
    CHECK_EQ_INT(report_num(s, "clusters"), 1);
    CHECK_EQ_INT(res[99999].size, 100000);
    CHECK(!strncmp(res[99999].reason, "dup_near:", 9));
    tres_free(res, c.n);
    free(res);
    tamis_stage_free(s);
    tcorpus_free(&c);
}

/* Keep policies on three near-duplicates of different lengths and dates. */
TEST(test_keep_policies)
{
    char *base = words_text(3, 400);
    size_t bl = strlen(base);
    tcorpus c = {0};
    tm_buf b;
    tm_buf_init(&b);
    /* d0: base; d1: base + 10 words (longest); d2: base minus its last 5 words */
    tcorpus_push(&c, "d0", 2, base, bl);
    tm_buf_append(&b, base, bl);
    unsigned st = 99;
    add_words(&b, &st, 10);
    tcorpus_push(&c, "d1", 2, b.data, b.len);
    size_t cut = bl;
    for (int w = 0; w < 5; w++) {
        while (cut > 0 && base[cut - 1] != ' ' && base[cut - 1] != '\n')
            cut--;
        if (cut)
            cut--;
    }
    tcorpus_push(&c, "d2", 2, base, cut);
    c.d[0].date = strdup("2024-03-05");
    c.d[1].date = NULL;
    c.d[2].date = strdup("2023-12-31T10:00:00Z");
    const char *const policies[] = {"first", "d0", "longest", "d1", "earliest", "d2"};
    for (int k = 0; k < 3; k++) {
        const char *sets[] = {"keep", policies[2 * k], NULL};
        tamis_stage *s = mk_stage(sets);
        tres res[3];
        CHECK(trun(s, &c, res) == TAMIS_OK);
        for (int i = 0; i < 3; i++) {
            CHECK_EQ_STR(res[i].cluster, policies[2 * k + 1]);
            CHECK_EQ_INT(res[i].size, 3);
            CHECK_EQ_INT(res[i].keep, !strcmp(c.d[i].id, policies[2 * k + 1]));
            CHECK_EQ_INT(res[i].dropped, !res[i].keep);
        }
        tres_free(res, 3);
        tamis_stage_free(s);
    }
    tm_buf_free(&b);
    free(base);
    tcorpus_free(&c);
}

/* A truncated lead (40 % of the words) is a duplicate under containment, not Jaccard. */
TEST(test_containment_truncated)
{
    char *base = words_text(5, 500);
    size_t cut = strlen(base) * 2 / 5;
    while (cut && base[cut] != ' ')
        cut--;
    tcorpus c = {0};
    tcorpus_push(&c, "full", 4, base, strlen(base));
    tcorpus_push(&c, "lead", 4, base, cut);
    tres res[2];
    tamis_stage *s = mk_stage(NULL);
    CHECK(trun(s, &c, res) == TAMIS_OK);
    CHECK(!res[1].has_dup);
    tres_free(res, 2);
    tamis_stage_free(s);
    static const char *const sets[] = {"containment", "true", "bands", "32", "rows", "3",
                                       "threshold", "0.9", NULL};
    s = mk_stage(sets);
    CHECK(trun(s, &c, res) == TAMIS_OK);
    CHECK(res[1].has_dup && res[1].dropped && !strcmp(res[1].cluster, "full"));
    tres_free(res, 2);
    tamis_stage_free(s);
    free(base);
    tcorpus_free(&c);
}

/* Datatrove's normalisation: numbers with separators become one '0' token. */
TEST(test_normalize)
{
    tm_buf o, t;
    tm_buf_init(&o);
    tm_buf_init(&t);
    const char *in = "Le Café coûte 3,50 €  — (soit 12.5%) en 2024!";
    CHECK(tm_dd_normalize(&o, &t, in, strlen(in)) == TAMIS_OK);
    CHECK_EQ_STR(o.data, "le cafe coute 0 soit 0 en 0");
    CHECK(tm_dd_normalize(&o, &t, "", 0) == TAMIS_OK);
    CHECK_EQ_INT(o.len, 0);
    CHECK(tm_dd_normalize(&o, &t, "  ...  ", 7) == TAMIS_OK);
    CHECK_EQ_INT(o.len, 0);
    CHECK_EQ_INT(tm_dd_parse_date("2023-12-31T10:00:00Z"), 20231231);
    CHECK_EQ_INT(tm_dd_parse_date("2023"), 20230000);
    CHECK_EQ_INT(tm_dd_parse_date("May 5"), INT32_MAX);
    tm_buf_free(&o);
    tm_buf_free(&t);
}

/* Bad parameters are refused with a message naming them. */
TEST(test_bad_params)
{
    tamis_stage *s = NULL;
    tamis_error err = {0};
    tamis_stage_new(&s, "dedup", &err);
    tamis_stage_set(s, "keep", "random", &err);
    tamis_doc *d = tamis_doc_new();
    CHECK(tamis_stage_observe(s, d, &err) == TAMIS_ERR_ARG);
    CHECK(strstr(err.message, "dedup.keep") != NULL);
    tamis_doc_free(d);
    tamis_stage_free(s);
}

int main(void)
{
    RUN(test_normalize);
    RUN(test_bad_params);
    RUN(test_lines_ccnet);
    RUN(test_short_and_empty);
    RUN(test_identical_thousands);
    RUN(test_bucket_100k);
    RUN(test_keep_policies);
    RUN(test_containment_truncated);
    RUN(test_dolma_paragraphs); /* last: exits 77 when the shared data is absent */
    TEST_MAIN_END();
}
