/* test_dedup_neardup.c — MinHash-LSH on ../shared/data/neardup-dev (4,301 docs with the
 * complete list of pairs at true Jaccard >= 0.8): pair precision/recall of the default
 * mode, exact-hash pairs, and the containment mode against the same-source label.
 * TAMIS_DEDUP_PAIRS_OUT=DIR keeps the pairs files for scripts/eval_dedup.sh. */
#include "tm_test.h"
#include "tm_dedup_testutil.h"

#include <time.h>

static tcorpus corpus;
static char truth_path[4096];

/* Pairs as (a, b) numeric ids from "dev-NNNNN". */
typedef struct npair {
    long a, b;
} npair;

static int npair_cmp(const void *x, const void *y)
{
    const npair *p = x, *q = y;
    if (p->a != q->a)
        return p->a < q->a ? -1 : 1;
    return p->b < q->b ? -1 : p->b > q->b;
}

static long idnum(const char *s) { return strtol(strchr(s, '-') ? strchr(s, '-') + 1 : s, 0, 10); }

static npair mk(const char *a, const char *b)
{
    long x = idnum(a), y = idnum(b);
    npair p = {x < y ? x : y, x < y ? y : x};
    return p;
}

typedef struct pairset {
    npair *v;
    size_t n, cap;
} pairset;

static void ps_push(pairset *s, npair p)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 1024;
        s->v = realloc(s->v, s->cap * sizeof *s->v);
    }
    s->v[s->n++] = p;
}

static int ps_has(const pairset *s, npair p)
{
    return bsearch(&p, s->v, s->n, sizeof p, npair_cmp) != NULL;
}

/* Truth: pairs with jaccard >= 0.8 (a) and same-source pairs (b). */
static pairset truth_j, truth_src;

static void load_truth(void)
{
    FILE *f = fopen(truth_path, "r");
    char line[4096];
    if (!f || !fgets(line, sizeof line, f))
        return;
    while (fgets(line, sizeof line, f)) {
        char a[64], b[64];
        double j;
        int same;
        if (sscanf(line, "%63s\t%63s\t%lf\t%d", a, b, &j, &same) != 4)
            continue;
        if (j >= 0.8)
            ps_push(&truth_j, mk(a, b));
        if (same)
            ps_push(&truth_src, mk(a, b));
    }
    fclose(f);
    qsort(truth_j.v, truth_j.n, sizeof(npair), npair_cmp);
    qsort(truth_src.v, truth_src.n, sizeof(npair), npair_cmp);
}

static void score(const char *path, const pairset *truth, double *prec, double *rec)
{
    FILE *f = fopen(path, "r");
    char a[64], b[64];
    double sim;
    size_t n = 0, hit = 0;
    while (f && fscanf(f, "%63s\t%63s\t%lf", a, b, &sim) == 3) {
        n++;
        hit += ps_has(truth, mk(a, b));
    }
    if (f)
        fclose(f);
    *prec = n ? (double)hit / n : 0;
    *rec = truth->n ? (double)hit / truth->n : 0;
}

static void pairs_path(char *buf, size_t n, const char *name)
{
    const char *dir = getenv("TAMIS_DEDUP_PAIRS_OUT");
    snprintf(buf, n, "%s/%s.tsv", dir ? dir : "/tmp", name);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double run_with(const char *name, const char *const *sets, tres *res)
{
    tamis_stage *s;
    tamis_error err = {0};
    tamis_stage_new(&s, "dedup", &err);
    char path[4096];
    pairs_path(path, sizeof path, name);
    tamis_stage_set(s, "pairs", path, &err);
    for (size_t i = 0; sets && sets[i]; i += 2)
        CHECK(tamis_stage_set(s, sets[i], sets[i + 1], &err) == TAMIS_OK);
    /* TAMIS_DEDUP_SET="key=value,key=value": extra settings for experiments */
    const char *extra = getenv("TAMIS_DEDUP_SET");
    if (extra) {
        char *dup = strdup(extra), *save = NULL;
        for (char *kv = strtok_r(dup, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
            char *eq = strchr(kv, '=');
            if (eq) {
                *eq = '\0';
                CHECK(tamis_stage_set(s, kv, eq + 1, &err) == TAMIS_OK);
            }
        }
        free(dup);
    }
    double t0 = now();
    CHECK(trun(s, &corpus, res) == TAMIS_OK);
    double secs = now() - t0;
    tamis_stage_free(s);
    /* id<TAB>cluster label for cluster-level scoring (make_neardup.py score --clusters) */
    char cpath[4200];
    snprintf(cpath, sizeof cpath, "%s.clusters", path);
    FILE *f = fopen(cpath, "w");
    for (size_t i = 0; f && i < corpus.n; i++)
        fprintf(f, "%s\t%s\n", corpus.d[i].id, res[i].has_dup ? res[i].cluster : corpus.d[i].id);
    if (f)
        fclose(f);
    return secs;
}

static size_t total_bytes(void)
{
    size_t b = 0;
    for (size_t i = 0; i < corpus.n; i++)
        b += corpus.d[i].text_len;
    return b;
}

/* Default mode: 14x8 banding, exact Jaccard check at 0.8. The target is
 * P >= 0.99 and R >= 0.97 against true Jaccard >= 0.8. */
TEST(test_default_jaccard)
{
    tres *res = calloc(corpus.n, sizeof *res);
    double secs = run_with("default", NULL, res);
    char path[4096];
    pairs_path(path, sizeof path, "default");
    double p, r, pb, rb;
    score(path, &truth_j, &p, &r);
    score(path, &truth_src, &pb, &rb);
    printf("default 14x8 exact-verify: (a) P %.4f R %.4f  (b) P %.4f R %.4f  %.2f MB/s (both passes)\n",
           p, r, pb, rb, total_bytes() / 1e6 / secs);
    CHECK(p >= 0.99);
    CHECK(r >= 0.97);
    /* annotation: every dropped doc points at a kept representative of its cluster */
    size_t dropped = 0;
    for (size_t i = 0; i < corpus.n; i++) {
        if (!res[i].dropped)
            continue;
        dropped++;
        CHECK(res[i].has_dup && !res[i].keep && res[i].size >= 2);
        CHECK(!strncmp(res[i].reason, "dup_exact:", 10) || !strncmp(res[i].reason, "dup_near:", 9));
    }
    printf("dropped %zu of %zu\n", dropped, corpus.n);
    CHECK(dropped > 1000 && dropped < 3008); /* 3008 = docs minus sources: the ceiling */
    tres_free(res, corpus.n);
    free(res);
}

/* Signature estimate instead of exact shingle sets: cheaper, less precise. */
TEST(test_estimate)
{
    static const char *const sets[] = {"verify", "estimate", NULL};
    tres *res = calloc(corpus.n, sizeof *res);
    run_with("estimate", sets, res);
    char path[4096];
    pairs_path(path, sizeof path, "estimate");
    double p, r;
    score(path, &truth_j, &p, &r);
    printf("estimate-verify: (a) P %.4f R %.4f\n", p, r);
    CHECK(p >= 0.85);
    CHECK(r >= 0.80);
    tres_free(res, corpus.n);
    free(res);
}

/* Containment mode for truncated copies and templated reprints, scored on the
 * same-source label (target: R >= 0.50 at P >= 0.98). */
TEST(test_containment)
{
    static const char *const sets[] = {"containment", "true", "bands", "32", "rows", "3",
                                       "threshold", "0.9", NULL};
    tres *res = calloc(corpus.n, sizeof *res);
    run_with("containment", sets, res);
    char path[4096];
    pairs_path(path, sizeof path, "containment");
    double p, r;
    score(path, &truth_src, &p, &r);
    printf("containment 32x3 >= 0.9: (b) P %.4f R %.4f\n", p, r);
    CHECK(p >= 0.98);
    CHECK(r >= 0.30); /* short of the 0.50 target: see docs/dedup.md */
    tres_free(res, corpus.n);
    free(res);
}

int main(void)
{
    const char *cp = tm_shared_path("data/neardup-dev/corpus.jsonl");
    char cpath[4096];
    snprintf(cpath, sizeof cpath, "%s", cp);
    snprintf(truth_path, sizeof truth_path, "%s", tm_shared_path("data/neardup-dev/pairs.tsv"));
    if (tcorpus_load(&corpus, cpath) != 0 || corpus.n != 4301) {
        fprintf(stderr, "cannot load %s (%zu docs)\n", cpath, corpus.n);
        return 1;
    }
    load_truth();
    CHECK_EQ_INT(truth_j.n, 10238);
    RUN(test_default_jaccard);
    RUN(test_estimate);
    RUN(test_containment);
    tcorpus_free(&corpus);
    free(truth_j.v);
    free(truth_src.v);
    TEST_MAIN_END();
}
