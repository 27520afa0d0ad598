/* test_quality_paths.c — the fast line scanner gives exactly the values of the generic
 * path (tm_words + byte scan) on every document of aeb-wetlike, of the multilingual
 * cc-text-samples crawl file and of dclm-quality-labels, and on constructed lines that
 * sit on its boundaries. */
#include "quality/tm_quality.h"
#include "tm_test.h"

#include <dirent.h>
#include <zlib.h>

static tm_arena arena;
static int docs_checked;

static void compare(const char *text, size_t n, const char *what)
{
    tm_quality_opts fast, slow;
    tm_quality_opts_init(&fast);
    fast.stop_words = tm_qstop_get("en");
    slow = fast;
    slow.no_ascii_fast_path = true;
    tm_quality a, b;
    CHECK_EQ_INT(tm_quality_compute(text, n, &fast, &arena, true, &a), TAMIS_OK);
    CHECK_EQ_INT(tm_quality_compute(text, n, &slow, &arena, true, &b), TAMIS_OK);
    for (int i = 0; i < TM_QS__COUNT; i++)
        if (a.v[i] != b.v[i]) {
            fprintf(stderr, "%s: %s fast %.17g generic %.17g\n", what, tm_qs_name((tm_qs)i),
                    a.v[i], b.v[i]);
            tm_test_failed_checks++;
        }
    CHECK_EQ_INT(a.n_lines, b.n_lines);
    CHECK(memcmp(a.c4_verdict, b.c4_verdict, a.n_lines) == 0);
    tm_arena_reset(&arena);
    docs_checked++;
}

TEST(test_boundaries)
{
    static const char *const cases[] = {
        "don\xE2\x80\x99" "t stop \xE2\x80\x9Cquoted\xE2\x80\x9D \xE2\x80\x94 dash\xE2\x80\xA6 end.",
        "a\xE2\x80\x99 b \xE2\x80\x99" "c e.g. 3.14... x_y a-b-c a--b 'tis",
        "Price: \xC2\xA3" "5 \xC2\xA9 2020 \xC2\xA0nbsp\xC2\xA0 \xC2\xBB next \xC2\xAB!",
        "Wait?! \"Yes.\" (No.) [ok]. fine...more ... #tag {x}",
        "x\xC2\xB2 \xC2\xB5m \xC2\xBA \xC2\xB7 joined\xC2\xB7word", /* not fast: ² µ º · */
        "caf\xC3\xA9 na\xC3\xAF" "ve \xE2\x80\xA2 bullet",
        "   leading and trailing   ",
        "",
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        compare(cases[i], strlen(cases[i]), cases[i]);
}

/* Lengths where the fast scanner changes gear: a word longer than its counter run
 * (2^20 bytes), lines whose non-ASCII blocks outlast one 255-step count of the SSE2
 * line test, a no-space character deep in such a line, and malformed UTF-8 (truncated,
 * overlong, surrogate) at block edges. */
TEST(test_long_runs)
{
    size_t n = 3 * 400000; /* "aB3" x 400000: one word of 1.2 MB */
    char *w = malloc(n + 1);
    for (size_t i = 0; i < n; i += 3)
        memcpy(w + i, "aB3", 3);
    w[n] = 0;
    compare(w, n, "1.2 MB word");
    tm_quality q;
    CHECK_EQ_INT(tm_quality_compute(w, n, NULL, &arena, false, &q), TAMIS_OK);
    CHECK_EQ_INT((long)q.v[TM_QS_WORD_COUNT], 1);
    CHECK(q.v[TM_QS_FRAC_UPPERCASE] == 0.5);
    CHECK(q.v[TM_QS_FRAC_DIGITS] == 1.0 / 3);
    free(w);

    /* 6000 x "Привет мир " (Cyrillic: 20 two-byte characters, 11 ASCII bytes... per unit) */
    static const char unit[] = "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82 "
                               "\xD0\xBC\xD0\xB8\xD1\x80 ";
    size_t ul = sizeof unit - 1, reps = 6000;
    char *t = malloc(ul * reps + 64);
    for (size_t i = 0; i < reps; i++)
        memcpy(t + i * ul, unit, ul);
    size_t tl = ul * reps;
    compare(t, tl, "long Cyrillic line");
    CHECK_EQ_INT(tm_quality_compute(t, tl, NULL, &arena, false, &q), TAMIS_OK);
    CHECK_EQ_INT((long)q.v[TM_QS_CHARS], 11 * 6000);
    CHECK_EQ_INT((long)q.v[TM_QS_WORD_COUNT], 2 * 6000);
    static const char *const tails[] = {
        "\xE4\xB8\xAD\xE6\x96\x87",   /* 中文: no-space script, generic path */
        "\xE4\xB8",                   /* truncated three-byte form */
        "\xE0\x80\x80 \xED\xA0\x80 x", /* overlong, surrogate */
        "\xF0\x9F\x98\x80 \xE2\x80\xA6", /* emoji, ellipsis */
    };
    for (size_t k = 0; k < sizeof tails / sizeof *tails; k++) {
        size_t kl = strlen(tails[k]);
        for (size_t at = tl - 40; at < tl - 20; at += 7) { /* across 16-byte blocks */
            char *u = malloc(tl + kl);
            memcpy(u, t, at);
            memcpy(u + at, tails[k], kl);
            memcpy(u + at + kl, t + at, tl - at);
            compare(u, tl + kl, tails[k]);
            free(u);
        }
    }
    free(t);
}

/* C4's long-token rule at its edges: tokens of exactly m and m + 1 characters, in ASCII
 * and in two-byte letters (up to twice m bytes for m characters), after every kind of
 * blank, starting at every offset of a 16-byte step; m below and above one step. */
TEST(test_long_tokens)
{
    static const int64_t ms[] = {5, 16, 40, 1000};
    static const char blanks[] = {' ', '\t', '\r', '\v', '\f'};
    char *line = malloc(4096);
    int long_lines = 0;
    for (size_t mi = 0; mi < sizeof ms / sizeof *ms; mi++)
        for (int extra = 0; extra <= 1; extra++)
            for (int wide = 0; wide <= 1; wide++)
                for (size_t lead = 0; lead < 18; lead++)
                    for (size_t bi = 0; bi < sizeof blanks; bi++) {
                        memcpy(line, "It is", 5); /* C4 wants three tokens or more */
                        size_t k = 5;
                        for (size_t i = 0; i < lead; i++) /* tokens of at most 2 chars */
                            line[k++] = i % 3 == 2 ? blanks[bi] : 'a';
                        line[k++] = blanks[bi];
                        for (int64_t c = 0; c < ms[mi] + extra; c++) {
                            if (wide) {
                                line[k++] = (char)0xC3;
                                line[k++] = (char)0xA9;
                            } else
                                line[k++] = 'b';
                        }
                        memcpy(line + k, " end.", 5);
                        k += 5;
                        tm_quality_opts fast, slow;
                        tm_quality_opts_init(&fast);
                        fast.c4_max_word_length = ms[mi];
                        slow = fast;
                        slow.no_ascii_fast_path = true;
                        tm_quality a, b;
                        CHECK_EQ_INT(tm_quality_compute(line, k, &fast, &arena, true, &a),
                                     TAMIS_OK);
                        CHECK_EQ_INT(tm_quality_compute(line, k, &slow, &arena, true, &b),
                                     TAMIS_OK);
                        CHECK_EQ_INT(a.c4_verdict[0], extra ? TM_C4_LONG_WORD : TM_C4_KEPT);
                        CHECK_EQ_INT(b.c4_verdict[0], a.c4_verdict[0]);
                        long_lines += a.c4_verdict[0] == TM_C4_LONG_WORD;
                        tm_arena_reset(&arena);
                    }
    CHECK_EQ_INT(long_lines, 4 * 2 * 18 * 5);
    free(line);
}

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)len + 1);
    *n = fread(b, 1, (size_t)len, f);
    b[*n] = 0;
    fclose(f);
    return b;
}

TEST(test_real_documents)
{
    const char *dir = tm_shared_path("data/aeb-wetlike/text");
    DIR *d = opendir(dir);
    CHECK(d != NULL);
    if (!d)
        return;
    struct dirent *e;
    int files = 0;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char path[8192];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        size_t n;
        char *t = slurp(path, &n);
        if (!t)
            continue;
        compare(t, n, e->d_name);
        free(t);
        files++;
    }
    closedir(d);
    CHECK_EQ_INT(files, 136);
}

/* Every "text" of a JSONL file (gzip or plain: zlib reads both). */
static int compare_jsonl(const char *rel)
{
    gzFile f = gzopen(tm_shared_path(rel), "rb");
    CHECK(f != NULL);
    if (!f)
        return 0;
    tm_buf all, text;
    tm_buf_init(&all);
    tm_buf_init(&text);
    char chunk[65536];
    int k;
    while ((k = gzread(f, chunk, sizeof chunk)) > 0)
        tm_buf_append(&all, chunk, (size_t)k);
    gzclose(f);
    int docs = 0;
    const char *p = all.data, *end = all.data + all.len;
    while (p && p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        const char *q = tm_json_ws(p, le);
        tm_json_member m;
        while (q < le && *q == '{' ? 1 : 0) {
            const char *it = q;
            int r;
            while ((r = tm_json_obj_next(&it, le, &m, 64)) == 1)
                if (m.key_len == 4 && !memcmp(m.key, "text", 4)) {
                    tm_buf_clear(&text);
                    if (tm_json_decode_str(m.val, m.val_end, &text)) {
                        char what[64];
                        snprintf(what, sizeof what, "%s#%d", rel, docs + 1);
                        compare(text.data ? text.data : "", text.len, what);
                        docs++;
                    }
                }
            break;
        }
        p = nl ? nl + 1 : NULL;
    }
    tm_buf_free(&all);
    tm_buf_free(&text);
    return docs;
}

TEST(test_multilingual_crawl)
{
    CHECK_EQ_INT(compare_jsonl("data/cc-text-samples/CC-MAIN-20190717121559-20190717143559-00140.jsonl.gz"), 697);
    CHECK_EQ_INT(compare_jsonl("data/dclm-quality-labels/majority_data.jsonl"), 374);
}

/* Runs of a no-space script repeated in one document take the pieces ICU found the first
 * time (segment_run's memo): the same words as tm_words, which segments every run, for
 * runs seen again, for runs that are a prefix of another, and past the memo's first
 * table (64 slots). */
TEST(test_repeated_nospace_runs)
{
    static const char *const runs[] = {
        "\xE6\x88\x91\xE4\xBB\xAC\xE7\x9A\x84\xE6\x9C\x8D\xE5\x8A\xA1", /* 我们的服务 */
        "\xE6\x88\x91\xE4\xBB\xAC", /* 我们, its prefix */
        "\xE0\xB8\xA0\xE0\xB8\xB2\xE0\xB8\xA9\xE0\xB8\xB2\xE0\xB9\x84\xE0\xB8\x97\xE0\xB8\xA2", /* ภาษาไทย */
        "\xE3\x81\x93\xE3\x82\x8C\xE3\x81\xAF\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E", /* これは日本語 */
    };
    tm_buf t;
    tm_buf_init(&t);
    for (int k = 0; k < 300; k++) {
        char num[32];
        snprintf(num, sizeof num, " x%d ", k % 97); /* distinct ASCII between the runs */
        tm_buf_puts(&t, runs[k % 4]);
        tm_buf_puts(&t, num);
        if (k % 2 == 0) { /* a distinct run each time, k in Han numerals: 150 runs, more
                           * than the memo's first table holds */
            static const char *const han[] = {
                "\xE3\x80\x87", "\xE4\xB8\x80", "\xE4\xBA\x8C", "\xE4\xB8\x89",
                "\xE5\x9B\x9B", "\xE4\xBA\x94", "\xE5\x85\xAD", "\xE4\xB8\x83",
                "\xE5\x85\xAB", "\xE4\xB9\x9D"}; /* 〇一二三四五六七八九 */
            tm_buf_puts(&t, runs[(k / 2) % 4]);
            for (int v = k; v; v /= 10)
                tm_buf_puts(&t, han[v % 10]);
        }
        tm_buf_puts(&t, k % 9 == 0 ? "\xE3\x80\x82\n" : "\xE3\x80\x82 ");
    }
    compare(t.data, t.len, "repeated runs");
    tm_quality_opts o;
    tm_quality_opts_init(&o);
    tm_quality q, once;
    CHECK_EQ_INT(tm_quality_compute(t.data, t.len, &o, &arena, false, &q), TAMIS_OK);
    /* the same run in a document of its own has the same pieces */
    const char *one = runs[0];
    CHECK_EQ_INT(tm_quality_compute(one, strlen(one), &o, &arena, false, &once), TAMIS_OK);
    /* 我们 的 服务; the document: 300 ASCII words and the pieces of its runs */
    CHECK_EQ_INT((long long)once.v[TM_QS_WORD_COUNT], 3);
    CHECK_EQ_INT((long long)q.v[TM_QS_WORD_COUNT], 1643);
    tm_arena_reset(&arena);
    tm_buf_free(&t);
}

int main(void)
{
    tm_arena_init(&arena);
    RUN(test_boundaries);
    RUN(test_long_runs);
    RUN(test_long_tokens);
    RUN(test_real_documents);
    RUN(test_multilingual_crawl);
    RUN(test_repeated_nospace_runs);
    tm_arena_free(&arena);
    printf("%d documents compared\n", docs_checked);
    TEST_MAIN_END();
}
