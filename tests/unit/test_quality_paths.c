/* test_quality_paths.c — the fast line scanner gives exactly the values of the generic
 * path (tm_words + byte scan) on every document of aeb-wetlike and cc-text-samples'
 * English files, and a few constructed lines that sit on its boundaries. */
#include "quality/tm_quality.h"
#include "tm_test.h"

#include <dirent.h>

static tm_arena arena;
static int docs_checked;

static void compare(const char *text, size_t n, const char *what)
{
    tm_quality_opts fast, slow;
    tm_quality_opts_init(&fast);
    fast.stop_words = tm_stopwords("en");
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

int main(void)
{
    tm_arena_init(&arena);
    RUN(test_boundaries);
    RUN(test_real_documents);
    tm_arena_free(&arena);
    printf("%d documents compared\n", docs_checked);
    TEST_MAIN_END();
}
