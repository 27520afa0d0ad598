/* test_extract.c — the extract stage on small hand-written pages: metadata precedence,
 * boilerplate removal (nav, footer, comments), charset handling (windows-1251 with and
 * without a declaration), Markdown output, limits (depth, size) and per-record outcomes. */
#include "common/tm_common.h"
#include "tm_test.h"

#include <stdlib.h>
#include <string.h>

/* Runs a fresh extract stage (with optional key=value settings, NULL-terminated) on an
 * HTML payload and returns the document (caller frees). */
static tamis_doc *run(const char *html, size_t n, const char *charset, const char *const *sets)
{
    tamis_stage *s = NULL;
    tamis_error err;
    memset(&err, 0, sizeof err);
    if (tamis_stage_new(&s, "extract", &err) != TAMIS_OK)
        return NULL;
    for (size_t i = 0; sets && sets[i]; i += 2)
        if (tamis_stage_set(s, sets[i], sets[i + 1], &err) != TAMIS_OK) {
            fprintf(stderr, "set %s: %s\n", sets[i], err.message);
            tamis_stage_free(s);
            return NULL;
        }
    tamis_doc *d = tamis_doc_new();
    tamis_doc_set_payload(d, TAMIS_KIND_HTML, (const uint8_t *)html, n);
    if (charset)
        tamis_doc_set(d, TAMIS_F_CHARSET, charset);
    tamis_status st = tamis_stage_process(s, d, &err);
    if (st != TAMIS_OK)
        fprintf(stderr, "process: %s %s\n", tamis_strerror(st), err.message);
    tamis_stage_free(s);
    return d;
}

static const char *text(tamis_doc *d) { return tamis_doc_text(d, NULL); }

static const char ARTICLE_P[] =
    "<p>The committee met on Tuesday to discuss the new budget, which includes funds for "
    "schools, roads and the hospital that was promised two years ago.</p>"
    "<p>Members argued for hours about the details, but in the end they agreed on a plan "
    "that, according to the chair, balances the needs of every district in the region.</p>"
    "<p>The vote is expected next month, after a public hearing where residents can ask "
    "questions, make proposals and read the full text of the draft.</p>";

TEST(metadata_precedence)
{
    /* JSON-LD beats OpenGraph beats <meta name>; the single <h1> is the title. */
    const char *html =
        "<!doctype html><html lang=\"de-AT\"><head><title>Budget plan agreed | The Daily</title>"
        "<meta property=\"og:title\" content=\"OG budget title - The Daily\">"
        "<meta property=\"og:site_name\" content=\"The Daily\">"
        "<meta name=\"author\" content=\"Meta Person\">"
        "<meta property=\"article:published_time\" content=\"2020-01-01T08:00:00Z\">"
        "<meta property=\"article:tag\" content=\"budget\"><meta property=\"article:tag\" content=\"schools\">"
        "<meta name=\"description\" content=\"The committee agreed.\">"
        "<link rel=\"canonical\" href=\"https://example.org/budget\">"
        "<script type=\"application/ld+json\">{\"@context\":\"https://schema.org\",\"@graph\":[{\"@type\":\"WebSite\",\"name\":\"Daily Site\"},"
        "{\"@type\":\"NewsArticle\",\"headline\":\"LD budget headline\",\"datePublished\":\"2021-03-04T10:00:00+01:00\","
        "\"dateModified\":\"2021-03-05\",\"author\":[{\"@type\":\"Person\",\"name\":\"Jane Roe\"},{\"@type\":\"Person\",\"name\":\"By John Doe\"}],"
        "\"articleSection\":\"Politics\"}]}</script>"
        "</head><body><h1>Budget plan agreed</h1><div class=\"byline\">By Someone Else</div>"
        "<article>";
    char page[4096];
    snprintf(page, sizeof page, "%s%s</article></body></html>", html, ARTICLE_P);
    tamis_doc *d = run(page, strlen(page), NULL, NULL);
    CHECK(d != NULL);
    if (!d)
        return;
    CHECK_EQ_STR(tamis_doc_get(d, TAMIS_F_TITLE), "Budget plan agreed");
    CHECK_EQ_INT(tamis_doc_count(d, TAMIS_F_AUTHOR), 2);
    CHECK_EQ_STR(tamis_doc_get_at(d, TAMIS_F_AUTHOR, 0), "Jane Roe");
    CHECK_EQ_STR(tamis_doc_get_at(d, TAMIS_F_AUTHOR, 1), "John Doe");
    CHECK_EQ_STR(tamis_doc_get(d, TAMIS_F_DATE), "2021-03-04T10:00:00+01:00");
    CHECK_EQ_STR(tamis_doc_get(d, TAMIS_F_MODIFIED), "2021-03-05");
    CHECK_EQ_STR(tamis_doc_get(d, TAMIS_F_SITE), "The Daily");
    CHECK_EQ_STR(tamis_doc_get(d, TAMIS_F_CATEGORY), "Politics");
    CHECK_EQ_INT(tamis_doc_count(d, TAMIS_F_TAGS), 2);
    CHECK_EQ_STR(tamis_doc_get_at(d, TAMIS_F_TAGS, 1), "schools");
    CHECK_EQ_STR(tamis_doc_get(d, TAMIS_F_DESCRIPTION), "The committee agreed.");
    CHECK_EQ_STR(tamis_doc_get(d, TAMIS_F_CANONICAL), "https://example.org/budget");
    CHECK_EQ_STR(tamis_doc_get(d, TAMIS_F_LANG_HINT), "de-AT");
    /* the headline is metadata, not body text */
    CHECK(strstr(text(d), "Budget plan agreed") == NULL);
    CHECK(strstr(text(d), "The committee met on Tuesday") == text(d));
    tamis_doc_free(d);

    /* Without JSON-LD and <h1>: OpenGraph title (site suffix trimmed), <meta> author,
     * visible <time> date. */
    char page2[4096];
    snprintf(page2, sizeof page2,
             "<html><head><meta property=\"og:title\" content=\"Roads and schools funded - The Daily\">"
             "<meta name=\"author\" content=\"Meta Person\"></head><body>"
             "<time datetime=\"2019-11-20\">20 Nov</time><div>%s</div></body></html>",
             ARTICLE_P);
    d = run(page2, strlen(page2), NULL, NULL);
    CHECK_EQ_STR(tamis_doc_get(d, TAMIS_F_TITLE), "Roads and schools funded");
    CHECK_EQ_STR(tamis_doc_get(d, TAMIS_F_AUTHOR), "Meta Person");
    CHECK_EQ_STR(tamis_doc_get(d, TAMIS_F_DATE), "2019-11-20");
    tamis_doc_free(d);

    /* Visible byline and a German date line as the last resort. */
    char page3[4096];
    snprintf(page3, sizeof page3,
             "<html><body><div class=\"post\"><span class=\"author-name\">Von Erika Muster</span>"
             "<span class=\"post-date\">Veröffentlicht am 3. März 2022</span>%s</div></body></html>",
             ARTICLE_P);
    d = run(page3, strlen(page3), NULL, NULL);
    CHECK_EQ_STR(tamis_doc_get(d, TAMIS_F_AUTHOR), "Erika Muster");
    CHECK_EQ_STR(tamis_doc_get(d, TAMIS_F_DATE), "2022-03-03");
    tamis_doc_free(d);
}

TEST(boilerplate_removed)
{
    char page[8192];
    snprintf(page, sizeof page,
             "<html><head><title>x</title></head><body>"
             "<nav><ul><li><a href=\"/\">Home</a></li><li><a href=\"/news\">News</a></li>"
             "<li><a href=\"/sport\">Sport section</a></li></ul></nav>"
             "<div class=\"share-buttons\"><a href=\"#\">Share on Facebook</a></div>"
             "<div id=\"main\"><div class=\"article-body\">%s"
             "<h2>What happens next</h2><p>The council will publish the minutes, with every "
             "amendment and vote, on its website by Friday.</p>"
             "<ul class=\"related-links\"><li><a href=\"/a\">Another story about taxes</a></li>"
             "<li><a href=\"/b\">Yet another story</a></li></ul></div>"
             "<div id=\"comments\" class=\"comments-area\"><p>Reader comment: I think this "
             "budget is a disgrace and the council should resign, all of them, today.</p></div>"
             "</div><aside><p>Subscribe to our newsletter for daily updates and offers.</p></aside>"
             "<footer><p>Copyright 2024 The Daily, all rights reserved, imprint and privacy.</p></footer>"
             "</body></html>",
             ARTICLE_P);
    tamis_doc *d = run(page, strlen(page), NULL, NULL);
    const char *t = text(d);
    CHECK(strstr(t, "The committee met on Tuesday") != NULL);
    CHECK(strstr(t, "public hearing") != NULL);
    CHECK(strstr(t, "What happens next\n\nThe council will publish") != NULL);
    CHECK(strstr(t, "Home") == NULL);
    CHECK(strstr(t, "Share on Facebook") == NULL);
    CHECK(strstr(t, "Another story") == NULL);
    CHECK(strstr(t, "Reader comment") == NULL);
    CHECK(strstr(t, "newsletter") == NULL);
    CHECK(strstr(t, "Copyright") == NULL);
    /* paragraphs are separated by one blank line */
    CHECK(strstr(t, "years ago.\n\nMembers argued") != NULL);
    CHECK_EQ_INT(tamis_doc_dropped(d), 0);
    tamis_doc_free(d);

    /* comments=true keeps the comment section */
    const char *keep[] = {"comments", "true", NULL};
    d = run(page, strlen(page), NULL, keep);
    CHECK(strstr(text(d), "Reader comment") != NULL);
    tamis_doc_free(d);
}

/* Runs the extract stage on before + ARTICLE_P + after with default settings. */
static tamis_doc *run_around(const char *before, const char *after)
{
    char page[8192];
    snprintf(page, sizeof page, "%s%s%s", before, ARTICLE_P, after);
    return run(page, strlen(page), NULL, NULL);
}

/* Widget names in class tokens, author boxes, picture legends, forms, tables of contents,
 * teasers and calls-to-action at the end of an article go; a list with a weak name
 * ("rte--list") and no links stays (docs/extract.md, "Main content"). */
TEST(content_widgets)
{
    static const char before[] =
        "<html><body><div class=\"content-with-sidebar-wrap\"><div class=\"article-body\">"
        "<form action=\"/signup\"><p>Enter your e-mail address to get new posts from this "
        "blog, every week.</p><input name=\"email\"></form>"
        "<div class=\"ez-toc-container\"><p>Contents of this page</p><ul><li>Budget</li>"
        "<li>Vote</li></ul></div>"
        "<div class=\"article-header__author\"><p>John Poe has covered the council for "
        "the paper since 2004 and lives in the north of the town.</p></div>"
        "<div class=\"licenceInfo\"><p>This material is protected by law and may not be "
        "reproduced without the written consent of the publisher.</p></div>";
    static const char after[] =
        "<div class=\"newsletter newsletter--inline\"><div class=\"newsletter__content\">"
        "<p>Get our weekly letter with the best stories of the week.</p>"
        "<p>We never share your address with anyone else.</p></div></div>"
        "<div class=\"photo\"><img src=\"a.jpg\"><div class=\"legend\">The town hall, "
        "seen from the market square on a rainy day.</div>"
        "<p class=\"image-copyright\">Picture agency</p></div>"
        "<ul class=\"rte--list\"><li>new bus lines for the north</li>"
        "<li>free school meals</li></ul>"
        "<div class=\"teaser-box\"><p>Another town, another budget: what the neighbours "
        "did.</p></div>"
        "<p>The mayor said the plan would be reviewed in spring, when the first results "
        "of the new bus lines and the school meals are known to everyone.</p>"
        "<p>Readers asked many questions in the comments under our last report, and the "
        "council answered most of them at the hearing, which lasted until midnight and "
        "ended with a vote.</p>"
        "<p>Did you like this article? Then sign up for our free newsletter and get the "
        "best local stories of the week in your inbox every Friday morning, with offers "
        "from our partners.</p></div>"
        "<div class=\"author-profile\"><p>Jane Roe writes about local politics and "
        "has worked for the paper since 2004, mostly on the city council.</p></div>"
        "</div></body></html>";
    /* kept, then dropped: "newsletter__content" names the widget's inside, not the
     * article; a 160-byte call to action in the last third goes, a sentence that mentions
     * comments stays (weak words only trim short blocks) */
    static const char *const kept[] = {"The committee met on Tuesday", "reviewed in spring",
                                       "in the comments under our last report",
                                       "new bus lines for the north\nfree school meals", NULL};
    static const char *const dropped[] = {"weekly letter", "town hall, seen", "Picture agency",
                                          "Jane Roe", "sign up for our free newsletter",
                                          "Enter your e-mail", "Contents of",
                                          "Another town", "may not be reproduced",
                                          "John Poe", NULL};
    tamis_doc *d = run_around(before, after);
    for (size_t i = 0; kept[i]; i++)
        CHECK(strstr(text(d), kept[i]) != NULL);
    for (size_t i = 0; dropped[i]; i++)
        CHECK(strstr(text(d), dropped[i]) == NULL);
    tamis_doc_free(d);
}

/* The lede in the article's header is the text's first paragraph; the headline's
 * subtitle is not text, and the lede comes once. */
TEST(content_lede)
{
    tamis_doc *d = run_around(
        "<html><body><nav><a href=\"/\">Home</a></nav><article><header>"
        "<h1>Budget agreed</h1><h2 class=\"subtitle\">A long night at the town hall</h2>"
        "<p class=\"article-intro\">After months of debate the council has a plan for "
        "schools and roads.</p></header><div class=\"article-body\">",
        "</div></article></body></html>");
    const char *t = text(d);
    CHECK(strncmp(t, "After months of debate", 22) == 0);
    CHECK(strstr(t, "roads.\n\nThe committee met on Tuesday") != NULL);
    CHECK(strstr(t + 1, "After months of debate") == NULL);
    CHECK(strstr(t, "A long night") == NULL);
    tamis_doc_free(d);
}

/* A short winner (a positively named box, 222 characters) does not hide a container of
 * far more real paragraphs elsewhere on the page (746 characters, more than 2 x 222 + 300,
 * scoring more than half the winner). */
TEST(content_short_winner)
{
    tamis_doc *d = run_around(
        "<html><body><div class=\"top-area\"><h2>Energy from gas</h2>"
        "<div class=\"post-text\"><p>Energy from gas, explained in three minutes, with "
        "figures, sources, and a map, by our team of three reporters, who spent a week on "
        "the road, talking to engineers, farmers, and mayors, and who answer your questions, "
        "every Friday, in a live chat, for free, for everyone.</p></div>"
        "<a href=\"/gas\">Read more about gas</a></div>"
        "<div class=\"container\"><div class=\"col\"><p>The committee agreed after a long "
        "debate and the chair thanked everyone for their patience during the many hours of "
        "the meeting in the old hall.</p>",
        "<p>Councillors from all parties said the hearing will be streamed live so that the "
        "public can follow every word of it from home or from the library downtown.</p>"
        "<p>The draft runs to eighty pages and is online while printed copies in large type "
        "are available at the library and the town hall and in both of the post offices.</p>"
        "</div></div></body></html>");
    CHECK(strstr(text(d), "The committee met on Tuesday") != NULL);
    CHECK(strstr(text(d), "Councillors from all parties") != NULL);
    tamis_doc_free(d);
}

TEST(markdown_format)
{
    const char *page =
        "<html><body><article><p>The committee met on <b>Tuesday</b> to discuss the new "
        "budget, which includes funds for schools, roads and the <a href=\"https://h.example\">hospital</a>.</p>"
        "<h2>Details</h2><ul><li>Schools get more, as promised</li><li>Roads get less</li></ul>"
        "<table><tr><th>Item</th><th>Amount</th></tr><tr><td>Schools</td><td>10</td></tr></table>"
        "<blockquote>We did it, said the chair, and everyone agreed.</blockquote>"
        "<p>Members argued for hours about the details, but in the end they agreed on a plan "
        "that balances the needs of every district in the whole region.</p></article></body></html>";
    const char *md[] = {"format", "markdown", "links", "true", NULL};
    tamis_doc *d = run(page, strlen(page), NULL, md);
    const char *t = text(d);
    CHECK(strstr(t, "on **Tuesday** to") != NULL);
    CHECK(strstr(t, "[hospital](https://h.example).") != NULL);
    CHECK(strstr(t, "## Details\n\n- Schools get more, as promised\n- Roads get less") != NULL);
    CHECK(strstr(t, "| Item | Amount |\n| --- | --- |\n| Schools | 10 |") != NULL);
    CHECK(strstr(t, "> We did it") != NULL);
    tamis_doc_free(d);

    const char *bad[] = {"format", "html", NULL};
    tamis_stage *s = NULL;
    tamis_error err;
    memset(&err, 0, sizeof err);
    tamis_stage_new(&s, "extract", &err);
    tamis_stage_set(s, bad[0], bad[1], &err);
    tamis_doc *d2 = tamis_doc_new();
    tamis_doc_set_payload(d2, TAMIS_KIND_HTML, (const uint8_t *)page, strlen(page));
    CHECK_EQ_INT(tamis_stage_process(s, d2, &err), TAMIS_ERR_ARG);
    tamis_doc_free(d2);
    tamis_stage_free(s);
}

/* "Привет, мир" and more Russian in windows-1251 bytes, written here byte by byte. */
static size_t cp1251_page(char *out, size_t cap, int with_meta)
{
    /* "Городской совет обсудил новый бюджет" (the city council discussed the new budget) */
    static const unsigned char ru[] = {
        0xC3, 0xEE, 0xF0, 0xEE, 0xE4, 0xF1, 0xEA, 0xEE, 0xE9, 0x20, 0xF1, 0xEE, 0xE2, 0xE5,
        0xF2, 0x20, 0xEE, 0xE1, 0xF1, 0xF3, 0xE4, 0xE8, 0xEB, 0x20, 0xED, 0xEE, 0xE2, 0xFB,
        0xE9, 0x20, 0xE1, 0xFE, 0xE4, 0xE6, 0xE5, 0xF2, 0x2C, 0x20};
    size_t n = 0;
    n += (size_t)snprintf(out + n, cap - n, "<html><head>%s</head><body><article>",
                          with_meta ? "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1251\">" : "");
    for (int p = 0; p < 6; p++) {
        n += (size_t)snprintf(out + n, cap - n, "<p>");
        for (int k = 0; k < 4; k++) {
            memcpy(out + n, ru, sizeof ru);
            n += sizeof ru;
        }
        n += (size_t)snprintf(out + n, cap - n, "</p>");
    }
    n += (size_t)snprintf(out + n, cap - n, "</article></body></html>");
    return n;
}

TEST(charset_windows_1251)
{
    static const char utf8[] = "Городской совет обсудил новый бюджет";
    char page[8192];
    /* declared in <meta> */
    size_t n = cp1251_page(page, sizeof page, 1);
    tamis_doc *d = run(page, n, NULL, NULL);
    CHECK(strstr(text(d), utf8) != NULL);
    tamis_doc_free(d);
    /* declared only in the HTTP header (TAMIS_F_CHARSET) */
    n = cp1251_page(page, sizeof page, 0);
    d = run(page, n, "windows-1251", NULL);
    CHECK(strstr(text(d), utf8) != NULL);
    tamis_doc_free(d);
    /* undeclared: uchardet detects it */
    d = run(page, n, NULL, NULL);
    CHECK(strstr(text(d), utf8) != NULL);
    tamis_doc_free(d);
    /* a wrong UTF-8 label on windows-1251 bytes: the bytes are not UTF-8, so detection */
    d = run(page, n, "utf-8", NULL);
    CHECK(strstr(text(d), utf8) != NULL);
    tamis_doc_free(d);
    /* valid UTF-8 under a latin-1 label stays UTF-8 */
    char u[4096];
    snprintf(u, sizeof u, "<html><head><meta charset=\"iso-8859-1\"></head><body><article><p>%s, %s, %s, %s.</p></article></body></html>",
             utf8, utf8, utf8, utf8);
    d = run(u, strlen(u), NULL, NULL);
    CHECK(strstr(text(d), utf8) != NULL);
    tamis_doc_free(d);
}

TEST(limits_and_outcomes)
{
    /* 10 000 nested <div>: flattened at max_depth, the inner text survives. */
    size_t depth = 10000, cap = depth * 12 + 4096;
    char *deep = malloc(cap);
    size_t n = (size_t)snprintf(deep, cap, "<html><body>");
    for (size_t i = 0; i < depth; i++)
        n += (size_t)snprintf(deep + n, cap - n, "<div>");
    n += (size_t)snprintf(deep + n, cap - n, "%s", ARTICLE_P);
    for (size_t i = 0; i < depth; i++)
        n += (size_t)snprintf(deep + n, cap - n, "</div>");
    n += (size_t)snprintf(deep + n, cap - n, "</body></html>");
    tamis_doc *d = run(deep, n, NULL, NULL);
    double v = 0;
    CHECK_EQ_INT(tamis_doc_signal(d, "extract_depth_limited", &v), TAMIS_OK);
    CHECK_NEAR(v, 1, 0);
    CHECK(strstr(text(d), "The committee met on Tuesday") != NULL);
    tamis_doc_free(d);
    free(deep);

    /* A page over max_bytes is cut there and says so. */
    size_t big = 3u << 20;
    char *page = malloc(big + 1);
    n = (size_t)snprintf(page, big, "<html><body><article>");
    while (n + sizeof ARTICLE_P < big) {
        memcpy(page + n, ARTICLE_P, sizeof ARTICLE_P - 1);
        n += sizeof ARTICLE_P - 1;
    }
    const char *lim[] = {"max_bytes", "1048576", NULL};
    d = run(page, n, NULL, lim);
    CHECK_EQ_INT(tamis_doc_signal(d, "extract_truncated", &v), TAMIS_OK);
    size_t tl = 0;
    tamis_doc_text(d, &tl);
    CHECK(tl > 500000 && tl < 1048576);
    tamis_doc_free(d);
    free(page);

    /* empty body, whitespace-only page, binary body */
    d = run("", 0, NULL, NULL);
    CHECK(tamis_doc_dropped(d));
    CHECK(!strncmp(tamis_doc_reason(d, 0), "extract_empty:", 14));
    tamis_doc_free(d);
    d = run("<html><body>  <div> </div></body></html>", 40, NULL, NULL);
    CHECK(tamis_doc_dropped(d));
    CHECK(!strncmp(tamis_doc_reason(d, 0), "extract_empty:", 14));
    tamis_doc_free(d);
    static const char png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10";
    d = run(png, sizeof png - 1, NULL, NULL);
    CHECK(tamis_doc_dropped(d));
    CHECK(!strncmp(tamis_doc_reason(d, 0), "extract_binary: png", 19));
    tamis_doc_free(d);
}

TEST(text_documents)
{
    tamis_stage *s = NULL;
    tamis_error err;
    memset(&err, 0, sizeof err);
    CHECK_EQ_INT(tamis_stage_new(&s, "extract", &err), TAMIS_OK);
    /* a TEXT document that is an HTML page is extracted */
    char page[4096];
    snprintf(page, sizeof page, "\xEF\xBB\xBF\n  <!DOCTYPE html><html><body><main>%s</main></body></html>", ARTICLE_P);
    tamis_doc *d = tamis_doc_new();
    tamis_doc_set_text(d, page, strlen(page));
    CHECK_EQ_INT(tamis_stage_process(s, d, &err), TAMIS_OK);
    CHECK(strncmp(text(d), "The committee met", 17) == 0);
    CHECK_EQ_INT(tamis_doc_kind(d), TAMIS_KIND_TEXT);
    /* plain text, even with a '<' in it, is left alone */
    const char *plain = "<3 this is not a page, and has no html or body tag";
    tamis_doc_set_text(d, plain, strlen(plain));
    CHECK_EQ_INT(tamis_stage_process(s, d, &err), TAMIS_OK);
    CHECK_EQ_STR(text(d), plain);
    tamis_doc_free(d);
    tamis_stage_free(s);
}

int main(void)
{
    RUN(metadata_precedence);
    RUN(boilerplate_removed);
    RUN(content_widgets);
    RUN(content_lede);
    RUN(content_short_winner);
    RUN(markdown_format);
    RUN(charset_windows_1251);
    RUN(limits_and_outcomes);
    RUN(text_documents);
    TEST_MAIN_END();
}
