/* test_clean.c — the clean stage: metadata parsers in two languages, glued related-link
 * labels, link and headline lists, corpus mode, explain mode and bad input (empty, 50 MB
 * line, invalid UTF-8, only boilerplate). The seed golden test is test_clean_seed.c. */
#include "tm_test.h"
#include "common/tm_common.h"


static tamis_stage *new_clean(const char *k1, const char *v1)
{
    tamis_stage *s = NULL;
    tamis_error err;
    memset(&err, 0, sizeof err);
    CHECK(tamis_stage_new(&s, "clean", &err) == TAMIS_OK);
    if (s && k1)
        CHECK(tamis_stage_set(s, k1, v1, &err) == TAMIS_OK);
    return s;
}

static tamis_doc *run(tamis_stage *s, const char *text, size_t len)
{
    tamis_doc *d = tamis_doc_new();
    tamis_error err;
    memset(&err, 0, sizeof err);
    CHECK(tamis_doc_set_text(d, text, len) == TAMIS_OK);
    tamis_status st = tamis_stage_process(s, d, &err);
    if (st != TAMIS_OK)
        fprintf(stderr, "process: %s\n", err.message);
    CHECK(st == TAMIS_OK);
    return d;
}

static uint64_t removed(const tamis_doc *d, const char *why)
{
    for (uint32_t i = 0; i < d->n_removed; i++)
        if (!strcmp(d->removed[i].name, why))
            return d->removed[i].n;
    return 0;
}

/* Body paragraphs written for these tests (not taken from any page). */
#define P1 "The council met on Tuesday evening to discuss the new budget, which has been delayed twice since the spring because of a dispute over school funding."
#define P2 "Several members said they would not vote for any plan that cuts the number of buses in the northern districts, where many families have no car."
#define P3 "The mayor answered that the city had no choice but to find savings, and she promised to publish the full figures before the next meeting in June."

TEST(metadata_lines)
{
    tamis_stage *s = new_clean(NULL, NULL);
    const char *text = "Home\nNews\nWorld\n"
                       "City council delays the budget vote again\n"
                       "By Jane Doe and John Roe in Nairobi\n"
                       "Published on 9 November 2023\n"
                       "Updated: 2023-11-10 10:00\n"
                       "5 min read\n" P1 "\n" P2 "\n"
                       "Read alsoMayor promises new figures\n" P3 "\n"
                       "Share this article\nBack to top\n";
    tamis_doc *d = run(s, text, strlen(text));
    CHECK_EQ_STR(tamis_doc_get(d, TAMIS_F_TITLE), "City council delays the budget vote again");
    CHECK_EQ_STR(tamis_doc_get(d, TAMIS_F_AUTHOR), "Jane Doe; John Roe");
    CHECK_EQ_INT(tamis_doc_count(d, TAMIS_F_AUTHOR), 1);
    CHECK_EQ_STR(tamis_doc_get(d, TAMIS_F_DATELINE), "Nairobi");
    CHECK_EQ_STR(tamis_doc_get(d, TAMIS_F_DATE), "2023-11-09");
    CHECK_EQ_STR(tamis_doc_get(d, TAMIS_F_MODIFIED), "2023-11-10");
    CHECK_EQ_STR(tamis_doc_get(d, TAMIS_F_READING_TIME), "5");
    CHECK_EQ_STR(tamis_doc_get(d, TAMIS_F_RELATED), "Mayor promises new figures");
    CHECK_EQ_STR(tamis_doc_text(d, NULL), P1 "\n" P2 "\n" P3);
    CHECK_EQ_INT(removed(d, "related"), 1);
    CHECK_EQ_INT(removed(d, "byline"), 1);
    CHECK_EQ_INT(removed(d, "date"), 2);
    tamis_doc_free(d);
    tamis_stage_free(s);
}

TEST(other_languages)
{
    tamis_stage *s = new_clean(NULL, NULL);
    /* German: correspondent byline, dotted date, reading-time label, glued "Lesen Sie
     * auch", nav in German. Text written for this test. */
    const char *de =
        "Startseite\nPolitik\n"
        "Der Stadtrat verschiebt die Abstimmung über den Haushalt\n"
        "Von unserem Korrespondenten in Hamburg, Max Beispiel\n"
        "Veröffentlicht am 3. März 2024\n"
        "Lesezeit: 4 Min.\n"
        "Der Stadtrat hat am Dienstag die Abstimmung über den neuen Haushalt erneut verschoben, "
        "weil sich die Fraktionen nicht über die Mittel für die Schulen einigen konnten.\n"
        "Mehrere Mitglieder erklärten, sie würden keinem Plan zustimmen, der die Zahl der Busse "
        "in den nördlichen Bezirken verringert, wo viele Familien kein Auto haben.\n"
        "Lesen Sie auchDie Bürgermeisterin verspricht neue Zahlen\n"
        "Nach oben\nImpressum\nDatenschutz\n";
    tamis_doc *d = run(s, de, strlen(de));
    CHECK_EQ_STR(tamis_doc_get(d, TAMIS_F_AUTHOR), "Max Beispiel");
    CHECK_EQ_STR(tamis_doc_get(d, TAMIS_F_DATELINE), "Hamburg");
    CHECK_EQ_STR(tamis_doc_get(d, TAMIS_F_DATE), "2024-03-03");
    CHECK_EQ_STR(tamis_doc_get(d, TAMIS_F_READING_TIME), "4");
    CHECK_EQ_STR(tamis_doc_get(d, TAMIS_F_RELATED), "Die Bürgermeisterin verspricht neue Zahlen");
    CHECK_EQ_STR(tamis_doc_get(d, TAMIS_F_TITLE),
                 "Der Stadtrat verschiebt die Abstimmung über den Haushalt");
    const char *t = tamis_doc_text(d, NULL);
    CHECK(strncmp(t, "Der Stadtrat hat am Dienstag", 28) == 0);
    CHECK(strstr(t, "Impressum") == NULL && strstr(t, "Nach oben") == NULL);
    tamis_doc_free(d);
    tamis_stage_free(s);
}

TEST(empty_and_boilerplate_only)
{
    tamis_stage *s = new_clean(NULL, NULL);
    tamis_doc *d = run(s, "", 0);
    CHECK(tamis_doc_dropped(d));
    CHECK(tamis_doc_reason_count(d) == 1 && !strncmp(tamis_doc_reason(d, 0), "clean_empty:", 12));
    tamis_doc_free(d);

    const char *bp = "Skip to content\nMenu\n[ad_1]\nShare this\nSubscribe\n"
                     "We use cookies to improve your experience. By continuing to use this site you agree.\n"
                     "Back to top\n";
    d = run(s, bp, strlen(bp));
    CHECK(tamis_doc_dropped(d));
    CHECK_EQ_STR(tamis_doc_text(d, NULL), "");
    CHECK(!strncmp(tamis_doc_reason(d, 0), "clean_empty: 7 of 7", 19));
    CHECK_EQ_INT(removed(d, "nav"), 5);
    CHECK_EQ_INT(removed(d, "markup"), 1);
    CHECK_EQ_INT(removed(d, "notice"), 1);
    tamis_doc_free(d);
    tamis_stage_free(s);
}

TEST(invalid_utf8_and_huge_line)
{
    tamis_stage *s = new_clean(NULL, NULL);
    const char bad[] = "Menu\n" P1 " \xff\xfe broken \xc3\n" P2 "\n";
    tamis_doc *d = run(s, bad, sizeof bad - 1);
    size_t n = 0;
    const char *t = tamis_doc_text(d, &n);
    CHECK(n > 0 && tm_utf8_valid_prefix(t, n) == n);
    if (!strstr(t, "\xEF\xBF\xBD"))
        fprintf(stderr, "got: %s\n", t);
    CHECK(strstr(t, "\xEF\xBF\xBD") != NULL); /* invalid bytes became U+FFFD */
    CHECK(strstr(t, "Menu") == NULL);
    tamis_doc_free(d);

    /* Three million one-letter lines: over the line ceiling, dropped without allocating. */
    size_t nl3 = 3000000 * 2;
    char *many = malloc(nl3 + 1);
    for (size_t i = 0; i < nl3; i += 2)
        many[i] = 'a', many[i + 1] = '\n';
    many[nl3] = 0;
    d = run(s, many, nl3);
    CHECK(tamis_doc_dropped(d) && !strncmp(tamis_doc_reason(d, 0), "clean_too_many_lines:", 21));
    tamis_doc_free(d);
    free(many);

    /* One 50 MB line of prose without a newline. */
    size_t big = 50u << 20, pl = strlen(P1) + 1;
    char *huge = malloc(big + 1);
    for (size_t i = 0; i < big; i += pl)
        memcpy(huge + i, P1 " ", TM_MIN(pl, big - i));
    huge[big] = 0;
    d = run(s, huge, big);
    t = tamis_doc_text(d, &n);
    CHECK(!tamis_doc_dropped(d));
    CHECK(n > (48u << 20) && n <= big);
    tamis_doc_free(d);
    free(huge);
    tamis_stage_free(s);
}

/* Occurrences of needle in t. */
static int count_of(const char *t, const char *needle)
{
    int n = 0;
    for (const char *p = t; (p = strstr(p, needle)); p++)
        n++;
    return n;
}

TEST(explain_lists_every_line)
{
    tamis_stage *s = new_clean("explain", "true");
    const char *text = "Menu\n" P1 "\n\n" P2 "\nBack to top\n";
    tamis_doc *d = run(s, text, strlen(text));
    const char *t = tamis_doc_text(d, NULL);
    CHECK(!strncmp(t, "DROP nav", 8));
    CHECK_EQ_INT(count_of(t, "KEEP "), 2);
    CHECK_EQ_INT(count_of(t, "DROP "), 2);
    CHECK(!tamis_doc_dropped(d));
    tamis_doc_free(d);
    tamis_stage_free(s);
}

/* A line that occurs twice in a document is dropped both times; two lines of the same
 * length that share their first and last eight bytes (the repeat table's key) but differ
 * inside are both kept. */
TEST(repeated_lines_compared_whole)
{
    tamis_stage *s = new_clean(NULL, NULL);
    char p2x[] = P2;
    p2x[40] = p2x[40] == 'x' ? 'y' : 'x';
    char text[2048];
    int k = snprintf(text, sizeof text, "%s\n%s\n%s\n%s\n%s\n", P1, P2, p2x, P3, P1);
    tamis_doc *d = run(s, text, (size_t)k);
    const char *t = tamis_doc_text(d, NULL);
    CHECK_EQ_INT(removed(d, "repeated"), 2);
    CHECK(strstr(t, P2) != NULL);
    CHECK(strstr(t, p2x) != NULL);
    CHECK(strstr(t, P1) == NULL);
    tamis_doc_free(d);
    tamis_stage_free(s);
}

/* The line ceiling counts newlines: max_lines - 1 of them pass, max_lines drop the
 * document. More lines than the first guess of the line array (one per 64 bytes) are
 * all judged, with the blank line between two of them kept in the output. */
TEST(line_ceiling_and_many_short_lines)
{
    tamis_stage *s = new_clean("max_lines", "5");
    const char *four = P1 "\n" P2 "\n" P3 "\n" P1 " Again.\n" P2 " Again.";
    tamis_doc *d = run(s, four, strlen(four));
    CHECK(!tamis_doc_dropped(d));
    tamis_doc_free(d);
    const char *five = P1 "\n" P2 "\n" P3 "\n" P1 " Again.\n" P2 " Again.\n";
    d = run(s, five, strlen(five));
    CHECK(tamis_doc_dropped(d) && !strncmp(tamis_doc_reason(d, 0), "clean_too_many_lines:", 21));
    tamis_doc_free(d);
    tamis_stage_free(s);

    /* 300 one-letter lines after the body: 303 lines in ~1.1 kB (a first guess of 33). */
    s = new_clean("explain", "true");
    char text[4096];
    size_t k = (size_t)snprintf(text, sizeof text, "%s\n\n%s\n%s\n", P1, P2, P3);
    for (int i = 0; i < 300; i++)
        text[k++] = 'a', text[k++] = '\n';
    d = run(s, text, k);
    const char *t = tamis_doc_text(d, NULL);
    CHECK_EQ_INT(count_of(t, "\n"), 303);
    CHECK_EQ_INT(count_of(t, "DROP "), 300);
    tamis_doc_free(d);
    tamis_stage_free(s);
    s = new_clean(NULL, NULL);
    d = run(s, text, k);
    size_t n = 0;
    t = tamis_doc_text(d, &n);
    CHECK_EQ_STR(t, P1 "\n\n" P2 "\n" P3);
    CHECK_EQ_INT(n, strlen(P1 P2 P3) + 3);
    tamis_doc_free(d);
    tamis_stage_free(s);
}

/* The rule (explain) given to the line of TEXT that starts with LINE, or "" if absent. */
static const char *rule_of(const char *expl, const char *line, char *buf, size_t cap)
{
    buf[0] = 0;
    for (const char *p = expl; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        /* "KEEP rule<spaces>\tline": the line follows the padded rule name. */
        const char *r = p + 5, *sp = r;
        while (sp < p + len && *sp != ' ')
            sp++;
        const char *t = sp;
        while (t < p + len && (*t == ' ' || *t == '\t'))
            t++;
        if ((size_t)(p + len - t) == strlen(line) && !strncmp(t, line, strlen(line))) {
            size_t k = (size_t)(sp - p) < cap ? (size_t)(sp - p) : cap - 1;
            memcpy(buf, p, k);
            buf[k] = 0;
            return buf;
        }
        p += len + (nl != NULL);
    }
    return buf;
}

/* The digits rule (a third or more of letters + digits are digits) at its boundary, on
 * ASCII-only lines (counted eight bytes at a time) and lines with two-byte letters (a
 * lead byte counts one letter): one digit more flips the line. The last pair would
 * flip if '[', '`', '{' (next to the letter ranges) counted as letters or ':' (next to
 * the digits) as a digit. */
TEST(digit_share_boundary)
{
    tamis_stage *s = new_clean("explain", "true");
    /* No body line: a short line next to body text could be kept as context. */
    const char *text = "Elu a 3714 contre 528 voix\n"
                       "Elu a 3714 contre 5286 voix\n"
                       "\xC3\x89lu \xC3\xA0 3714 contre 528 voix\n"
                       "\xC3\x89lu \xC3\xA0 3714 contre 5286 voix\n"
                       "xyz[`{ 12\n"
                       "xyzu 12:\n";
    tamis_doc *d = run(s, text, strlen(text));
    const char *t = tamis_doc_text(d, NULL);
    char b[64];
    CHECK(strcmp(rule_of(t, "Elu a 3714 contre 528 voix", b, sizeof b), "DROP digits") != 0);
    CHECK(b[0] != 0);
    CHECK_EQ_STR(rule_of(t, "Elu a 3714 contre 5286 voix", b, sizeof b), "DROP digits");
    CHECK(strcmp(rule_of(t, "\xC3\x89lu \xC3\xA0 3714 contre 528 voix", b, sizeof b), "DROP digits") != 0);
    CHECK(b[0] != 0);
    CHECK_EQ_STR(rule_of(t, "\xC3\x89lu \xC3\xA0 3714 contre 5286 voix", b, sizeof b), "DROP digits");
    CHECK_EQ_STR(rule_of(t, "xyz[`{ 12", b, sizeof b), "DROP digits");
    CHECK(strcmp(rule_of(t, "xyzu 12:", b, sizeof b), "DROP digits") != 0);
    CHECK(b[0] != 0);
    tamis_doc_free(d);
    tamis_stage_free(s);
}

/* Link and headline lists (hand-written): a footer of link labels sharing one suffix,
 * one glued to its label, goes as `list`; a four-item list inside the article stays, a
 * six-item headline list inside it goes. With the rule off the footer is kept as
 * context of the last paragraph, which is what made template stubs near-duplicates. */
TEST(link_lists_are_navigation)
{
    const char *text = P1 "\n" P2 "\n"
                       "Longer bus routes in the north\n"
                       "A smaller fund for school repairs\n"
                       "New fees for parking downtown\n"
                       "Fewer opening hours at the library\n"
                       P3 "\n"
                       "Harbour Times Weekly opens in a new window\n"
                       "Garden and Home Journal opens in a new window\n"
                       "Reader Help Desk for subscribers opens in a new window\n"
                       "Evening Review Podcastopens in a new window\n";
    char b[64];
    for (int on = 1; on >= 0; on--) {
        tamis_stage *s = new_clean("explain", "true");
        tamis_error err;
        memset(&err, 0, sizeof err);
        if (!on) {
            CHECK(tamis_stage_set(s, "list_run", "0", &err) == TAMIS_OK);
            CHECK(tamis_stage_set(s, "list_run_edge", "0", &err) == TAMIS_OK);
        }
        tamis_doc *d = run(s, text, strlen(text));
        const char *t = tamis_doc_text(d, NULL);
        CHECK_EQ_STR(rule_of(t, "Harbour Times Weekly opens in a new window", b, sizeof b),
                     on ? "DROP list" : "KEEP context");
        CHECK_EQ_STR(rule_of(t, "Evening Review Podcastopens in a new window", b, sizeof b),
                     on ? "DROP list" : "KEEP context");
        CHECK_EQ_STR(rule_of(t, "Fewer opening hours at the library", b, sizeof b), "KEEP heading");
        CHECK_EQ_STR(rule_of(t, P3, b, sizeof b), "KEEP body");
        tamis_doc_free(d);
        tamis_stage_free(s);
    }
    const char *mid = P1 "\n"
                      "Council delays vote on the northern bus routes\n"
                      "Why the school repair fund keeps shrinking\n"
                      "Parking fees to rise downtown from next month\n"
                      "Library hours cut again after budget talks\n"
                      "Five questions before the June council meeting\n"
                      "What the new budget means for families\n"
                      P2 "\n" P3 "\n";
    tamis_stage *s = new_clean("explain", "true");
    tamis_doc *d = run(s, mid, strlen(mid));
    const char *t = tamis_doc_text(d, NULL);
    CHECK_EQ_STR(rule_of(t, "Why the school repair fund keeps shrinking", b, sizeof b), "DROP list");
    CHECK_EQ_STR(rule_of(t, "Parking fees to rise downtown from next month", b, sizeof b), "DROP list");
    /* The last item, right above the body, is taken as the title: removed either way. */
    CHECK(!strncmp(rule_of(t, "What the new budget means for families", b, sizeof b), "DROP", 4));
    CHECK_EQ_STR(rule_of(t, P2, b, sizeof b), "KEEP body");
    tamis_doc_free(d);
    tamis_stage_free(s);
}

TEST(corpus_mode_drops_template_lines)
{
    const char *tmpl = "This story was produced by the regional newsroom and may be shared with credit to the original authors.";
    const char *bodies[] = {P1, P2, P3, P1 " Again.", P2 " Again."};
    for (int corpus = 0; corpus < 2; corpus++) {
        tamis_stage *s = new_clean("corpus", corpus ? "true" : "false");
        CHECK_EQ_INT(tamis_stage_is_corpus(s), corpus);
        char text[5][1024];
        for (int i = 0; i < 5; i++)
            snprintf(text[i], sizeof text[i], "%s\n%s\n", bodies[i], tmpl);
        tamis_error err;
        memset(&err, 0, sizeof err);
        if (corpus) {
            for (int i = 0; i < 5; i++) {
                tamis_doc *d = tamis_doc_new();
                tamis_doc_set_text(d, text[i], strlen(text[i]));
                CHECK(tamis_stage_observe(s, d, &err) == TAMIS_OK);
                tamis_doc_free(d);
            }
            CHECK(tamis_stage_finish(s, &err) == TAMIS_OK);
        }
        for (int i = 0; i < 5; i++) {
            tamis_doc *d = run(s, text[i], strlen(text[i]));
            CHECK_EQ_INT(strstr(tamis_doc_text(d, NULL), "regional newsroom") != NULL, !corpus);
            CHECK_EQ_INT(removed(d, "corpus_repeated"), corpus);
            tamis_doc_free(d);
        }
        if (corpus) {
            char *rep = NULL;
            CHECK(tamis_stage_report(s, &rep) == TAMIS_OK && rep &&
                  strstr(rep, "\"corpus_docs\":5") && strstr(rep, "\"corpus_distinct_lines\":6"));
            free(rep);
        }
        tamis_stage_free(s);
    }
}

TEST(extracted_text_left_alone)
{
    /* Text the extract stage took from HTML is left as it is unless after_extract. */
    const char *text = "Menu\n" P1 "\n" P2 "\nBack to top\n";
    for (int opt = 0; opt < 2; opt++) {
        tamis_stage *s = new_clean("after_extract", opt ? "true" : "false");
        tamis_doc *d = tamis_doc_new();
        tamis_doc_set_text(d, text, strlen(text));
        d->extracted = true;
        CHECK(tamis_stage_process(s, d, NULL) == TAMIS_OK);
        CHECK_EQ_INT(strcmp(tamis_doc_text(d, NULL), text) == 0, !opt);
        CHECK_EQ_INT(removed(d, "nav"), opt ? 2 : 0);
        tamis_doc_free(d);
        tamis_stage_free(s);
    }
}

TEST(bad_parameters)
{
    tamis_stage *s = NULL;
    tamis_error err;
    memset(&err, 0, sizeof err);
    CHECK(tamis_stage_new(&s, "clean", &err) == TAMIS_OK);
    CHECK(tamis_stage_set(s, "corpus_min_docs", "1", &err) == TAMIS_OK);
    tamis_doc *d = tamis_doc_new();
    tamis_doc_set_text(d, "x", 1);
    CHECK(tamis_stage_process(s, d, &err) == TAMIS_ERR_ARG);
    CHECK(strstr(err.message, "corpus_min_docs") != NULL);
    tamis_doc_free(d);
    tamis_stage_free(s);
}

int main(void)
{
    RUN(metadata_lines);
    RUN(other_languages);
    RUN(empty_and_boilerplate_only);
    RUN(invalid_utf8_and_huge_line);
    RUN(explain_lists_every_line);
    RUN(repeated_lines_compared_whole);
    RUN(line_ceiling_and_many_short_lines);
    RUN(digit_share_boundary);
    RUN(link_lists_are_navigation);
    RUN(corpus_mode_drops_template_lines);
    RUN(extracted_text_left_alone);
    RUN(bad_parameters);
    TEST_MAIN_END();
}
