/* test_clean_seed.c — golden test of the clean stage on the seed document: the expected
 * text and metadata are taken by line number from $TAMIS_SHARED/seed (the seed README's
 * line table), never pasted here. Exits 77 (skipped) without the shared folder. */
#include "tm_test.h"
#include "common/tm_common.h"

#include <ctype.h>

static uint64_t removed(const tamis_doc *d, const char *why)
{
    for (uint32_t i = 0; i < d->n_removed; i++)
        if (!strcmp(d->removed[i].name, why))
            return d->removed[i].n;
    return 0;
}

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long sz = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)sz + 1);
    size_t k = fread(b, 1, (size_t)sz, f);
    fclose(f);
    b[k] = 0;
    *n = k;
    return b;
}

/* Returns line `no` (1-based) trimmed, malloc'ed. */
static char *line_no(const char *text, int no)
{
    const char *p = text;
    for (int i = 1; i < no && p; i++) {
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    if (!p)
        return strdup("");
    const char *e = strchr(p, '\n');
    if (!e)
        e = p + strlen(p);
    /* Trim white space, no-break spaces (U+00A0) included, as the stage does. */
    for (;;) {
        if (e > p && isspace((unsigned char)e[-1]))
            e--;
        else if (e - p >= 2 && !memcmp(e - 2, "\xC2\xA0", 2))
            e -= 2;
        else
            break;
    }
    for (;;) {
        if (p < e && isspace((unsigned char)*p))
            p++;
        else if (e - p >= 2 && !memcmp(p, "\xC2\xA0", 2))
            p += 2;
        else
            break;
    }
    return strndup(p, (size_t)(e - p));
}

TEST(seed_golden)
{
    size_t n = 0;
    char *seed = slurp(tm_shared_path("seed/000_3169e15884f6b5b2.txt"), &n);
    CHECK(seed != NULL);
    if (!seed)
        return;
    tamis_stage *s = NULL;
    tamis_error err;
    memset(&err, 0, sizeof err);
    CHECK(tamis_stage_new(&s, "clean", &err) == TAMIS_OK);
    tamis_doc *d = tamis_doc_new();
    CHECK(tamis_doc_set_text(d, seed, n) == TAMIS_OK);
    CHECK(tamis_stage_process(s, d, &err) == TAMIS_OK);
    /* Text: lede (8), body 16, 18, sub-heading 20, body 22, 24 — paragraphs separated by
     * the blank lines they had. */
    static const int keep[] = {8, 16, 18, 20, 22, 24};
    char expect[16384] = "";
    for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++) {
        char *l = line_no(seed, keep[i]);
        if (i)
            strcat(expect, "\n\n");
        strncat(expect, l, sizeof expect - strlen(expect) - 1);
        free(l);
    }
    CHECK_EQ_STR(tamis_doc_text(d, NULL), expect);
    CHECK(!tamis_doc_dropped(d));
    char *title = line_no(seed, 4), *cat = line_no(seed, 2), *site = line_no(seed, 30);
    char *byline = line_no(seed, 14), *rt = line_no(seed, 12), *rel = line_no(seed, 26);
    CHECK_EQ_STR(tamis_doc_get(d, TAMIS_F_TITLE), title);
    CHECK_EQ_STR(tamis_doc_get(d, TAMIS_F_CATEGORY), cat);
    CHECK_EQ_STR(tamis_doc_get(d, TAMIS_F_SITE), site);
    /* "<prefix> à PLACE, AUTHOR": the author follows the last comma, the place is the
     * word before it. */
    const char *comma = strrchr(byline, ',');
    CHECK(comma != NULL);
    if (comma) {
        CHECK_EQ_STR(tamis_doc_get(d, TAMIS_F_AUTHOR), comma + 2);
        const char *sp = comma;
        while (sp > byline && sp[-1] != ' ')
            sp--;
        char *place = strndup(sp, (size_t)(comma - sp));
        CHECK_EQ_STR(tamis_doc_get(d, TAMIS_F_DATELINE), place);
        free(place);
    }
    char minutes[8];
    snprintf(minutes, sizeof minutes, "%d", atoi(rt));
    CHECK_EQ_STR(tamis_doc_get(d, TAMIS_F_READING_TIME), minutes);
    CHECK_EQ_STR(minutes, "2");
    /* The related link is the line without its glued label. */
    const char *r = tamis_doc_get(d, TAMIS_F_RELATED);
    CHECK(r && strlen(r) + 12 >= strlen(rel) && strlen(r) < strlen(rel) &&
          !strcmp(rel + strlen(rel) - strlen(r), r) && isupper((unsigned char)r[0]));
    CHECK(tamis_doc_get(d, TAMIS_F_DATE) == NULL); /* the stub has no date: none invented */
    CHECK_EQ_INT(removed(d, "markup"), 2);
    CHECK_EQ_INT(removed(d, "nav"), 1);
    CHECK_EQ_INT(removed(d, "notice"), 1);
    CHECK_EQ_INT(removed(d, "date"), 1);
    free(title), free(cat), free(site), free(byline), free(rt), free(rel);
    tamis_doc_free(d);
    tamis_stage_free(s);
    free(seed);
}

int main(void)
{
    RUN(seed_golden);
    TEST_MAIN_END();
}
