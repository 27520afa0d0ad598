/* test_extract_meta.c — the metadata pass of the extract stage on hand-written pages: date
 * forms (English month names, ordinals, no-break spaces, two-digit years, slash dates that
 * read both ways, dates in the page address, relative dates that are not dates), JSON-LD
 * authors given by @id, bylines split across elements, author name cleanup, and the site
 * as the author of last resort. */
#include "common/tm_common.h"
#include "html/tm_html.h"
#include "tm_test.h"

#include <stdlib.h>
#include <string.h>

/* Body paragraphs long enough for the content pass; they hold no date and no byline. */
static const char BODY[] =
    "<p>The council met to discuss the new plan for the river banks, which includes a path "
    "for walkers, a small harbour and trees along the water that were promised long ago.</p>"
    "<p>Members argued about the details for a long time, but in the end they agreed on a "
    "plan that balances the needs of every part of the town and its many visitors.</p>";

/* Runs a fresh extract stage on a page made of head, body start and BODY; caller frees. */
static tamis_doc *page(const char *head, const char *body)
{
    char html[8192];
    snprintf(html, sizeof html, "<!doctype html><html><head>%s</head><body>%s<article>%s"
             "</article></body></html>", head, body, BODY);
    tamis_stage *s = NULL;
    tamis_error err;
    memset(&err, 0, sizeof err);
    if (tamis_stage_new(&s, "extract", &err) != TAMIS_OK)
        return NULL;
    tamis_doc *d = tamis_doc_new();
    tamis_doc_set_payload(d, TAMIS_KIND_HTML, (const uint8_t *)html, strlen(html));
    if (tamis_stage_process(s, d, &err) != TAMIS_OK)
        fprintf(stderr, "process: %s\n", err.message);
    tamis_stage_free(s);
    return d;
}

/* The date (first 10 characters) and author of a page; "" when absent. */
static char got_date[16];
static char got_author[256];
static void meta_of(const char *head, const char *body)
{
    tamis_doc *d = page(head, body);
    const char *v = d ? tamis_doc_get(d, TAMIS_F_DATE) : NULL;
    snprintf(got_date, sizeof got_date, "%.10s", v ? v : "");
    got_author[0] = 0;
    for (size_t i = 0; d && i < tamis_doc_count(d, TAMIS_F_AUTHOR); i++)
        snprintf(got_author + strlen(got_author), sizeof got_author - strlen(got_author),
                 "%s%s", i ? "; " : "", tamis_doc_get_at(d, TAMIS_F_AUTHOR, i));
    tamis_doc_free(d);
}

TEST(visible_date_forms)
{
    /* English full month names, with and without an ordinal */
    meta_of("", "<p class=\"entry-date\">March 7, 2016</p>");
    CHECK_EQ_STR(got_date, "2016-03-07");
    meta_of("", "<div class=\"date\">\n  September 3rd 2018\n</div>");
    CHECK_EQ_STR(got_date, "2018-09-03");
    meta_of("", "<span class=\"posted\">Published 22nd October 2017</span>");
    CHECK_EQ_STR(got_date, "2017-10-22");
    /* an unlabelled date right under the headline is the last resort */
    meta_of("", "<h1>River plan</h1><p>February 11, 2015</p>");
    CHECK_EQ_STR(got_date, "2015-02-11");
    /* a no-break space between month and year */
    meta_of("", "<p>Veröffentlicht: 4. Dezember&nbsp;2020</p>");
    CHECK_EQ_STR(got_date, "2020-12-04");
    /* Italian and Dutch month names */
    meta_of("", "<span class=\"data\">Pubblicato il 9 giugno 2021</span>");
    CHECK_EQ_STR(got_date, "2021-06-09");
    meta_of("", "<span class=\"datum\">Gepubliceerd op 12 mei 2019 door Ans</span>");
    CHECK_EQ_STR(got_date, "2019-05-12");
    /* a two-digit year where a class says it is a date */
    meta_of("", "<div class=\"upload-date\">07.04.21</div>");
    CHECK_EQ_STR(got_date, "2021-04-07");
    /* ... but a full date elsewhere on the page wins over it */
    meta_of("", "<div class=\"event-date\">19.1.23, 10:00 Uhr</div>"
                "<div class=\"post-date\">14.11.2022</div>");
    CHECK_EQ_STR(got_date, "2022-11-14");
    /* hAtom: the date in the title of an empty "published"/"updated" element */
    meta_of("", "<span class=\"updated\" title=\"2014-07-08T18:52:11+00:00\"></span>");
    CHECK_EQ_STR(got_date, "2014-07-08");
    /* a class-marked date in a sidebar is an event's, not the page's */
    meta_of("", "<aside><span class=\"event-date\">29.02.2020 18:00</span></aside>"
                "<p class=\"post-date\">11.02.2020</p>");
    CHECK_EQ_STR(got_date, "2020-02-11");
    /* an unlabelled date in navigation or a link text is not the page's */
    meta_of("", "<nav><ul><li><a href=\"/t\">Tariff rules (ended 28.02.2017)</a></li></ul></nav>"
                "<p>Minutes of the meeting of 3. Mai 2020</p>");
    CHECK_EQ_STR(got_date, "2020-05-03");
    /* relative dates are no dates; version numbers with two-digit parts are none either */
    meta_of("", "<span class=\"date\">vor 3 Stunden</span><p>Version 2.10.15 is out.</p>");
    CHECK_EQ_STR(got_date, "");
}

TEST(machine_dates)
{
    /* an ISO date in <abbr title> with itemprop */
    meta_of("", "<abbr class=\"published\" itemprop=\"datePublished\" "
                "title=\"2018-05-30T08:15:00-07:00\">8:15 AM</abbr>");
    CHECK_EQ_STR(got_date, "2018-05-30");
    /* the page address: /YYYY/MM/DD/ in the canonical link */
    meta_of("<link rel=\"canonical\" href=\"https://blog.example/2013/06/21/river-plan/\">", "");
    CHECK_EQ_STR(got_date, "2013-06-21");
    /* ... below a named published date */
    meta_of("<link rel=\"canonical\" href=\"https://blog.example/2013/06/21/river-plan/\">"
            "<meta property=\"article:published_time\" content=\"2013-06-22T07:00:00Z\">",
            "");
    CHECK_EQ_STR(got_date, "2013-06-22");
    /* ... and above a bare <time> */
    meta_of("<meta property=\"og:url\" content=\"https://news.example/2010-02-03-plan\">",
            "<time datetime=\"2011-01-01\">old</time>");
    CHECK_EQ_STR(got_date, "2010-02-03");
    /* a year and month alone are no date */
    meta_of("<link rel=\"canonical\" href=\"https://blog.example/2013/06/river-plan/\">", "");
    CHECK_EQ_STR(got_date, "");
    /* the published date, not the modified one, is the document's date */
    meta_of("<script type=\"application/ld+json\">{\"@type\":\"NewsArticle\","
            "\"dateModified\":\"2020-02-02\",\"datePublished\":\"2019-01-01\"}</script>", "");
    CHECK_EQ_STR(got_date, "2019-01-01");
    /* a later article:published_time is a republication; an earlier one is not */
    meta_of("<meta property=\"article:published_time\" content=\"2020-05-06T09:00:00+02:00\">"
            "<script type=\"application/ld+json\">{\"@type\":\"Article\","
            "\"datePublished\":\"2020-05-04T18:00:00+02:00\"}</script>", "");
    CHECK_EQ_STR(got_date, "2020-05-06");
    meta_of("<meta property=\"article:published_time\" content=\"2020-05-01T09:00:00+02:00\">"
            "<script type=\"application/ld+json\">{\"@type\":\"Article\","
            "\"datePublished\":\"2020-05-04T18:00:00+02:00\"}</script>", "");
    CHECK_EQ_STR(got_date, "2020-05-04");
    /* a bare <meta name=date> ranks below the page's <time datetime> */
    meta_of("<meta name=\"date\" content=\"2021-08-30\">",
            "<time datetime=\"2021-08-25T10:00\">25 Aug</time>");
    CHECK_EQ_STR(got_date, "2021-08-25");
    /* ... and below a date line the page marks by class */
    meta_of("<meta name=\"date\" content=\"2021-08-30\">",
            "<div class=\"news-timedata\">25.08.2021</div>");
    CHECK_EQ_STR(got_date, "2021-08-25");
    /* a slash date that reads both ways ranks below a labelled visible date ... */
    meta_of("<meta name=\"dc.date\" content=\"03/04/2022 10:11:12\">",
            "<p>Erstellt am: 04.03.2022</p>");
    CHECK_EQ_STR(got_date, "2022-03-04");
    /* ... and is read day first when nothing else is there */
    meta_of("<meta name=\"date\" content=\"03/04/2022 10:11:12\">", "");
    CHECK_EQ_STR(got_date, "2022-04-03");
    /* one that reads only one way is taken as it reads */
    meta_of("<meta name=\"dc.date\" content=\"06/25/2019\">", "<p>Erstellt am: 04.03.2022</p>");
    CHECK_EQ_STR(got_date, "2019-06-25");
}

TEST(content_date_parser_unchanged)
{
    /* the content pass removes date lines with tm_extract_parse_date: its forms stay those
     * it had (English full month names are the metadata pass's only) */
    char out[40];
    CHECK_EQ_INT(tm_extract_parse_date("3. Mai 2021", 11, out), 1);
    CHECK_EQ_STR(out, "2021-05-03");
    CHECK_EQ_INT(tm_extract_parse_date("Sept 4, 2019", 12, out), 1);
    CHECK_EQ_STR(out, "2019-09-04");
    CHECK_EQ_INT(tm_extract_parse_date("January 22, 2014", 16, out), 0);
    CHECK_EQ_INT(tm_extract_parse_date("07.04.21", 8, out), 0);
    /* an ambiguous slash date is still a date (1, not the metadata pass's 2) */
    CHECK_EQ_INT(tm_extract_parse_date("03/04/2022", 10, out), 1);
    CHECK_EQ_STR(out, "2022-04-03");
}

TEST(jsonld_authors)
{
    /* Yoast-style @graph: the article names its author by @id, a Person node resolves it */
    meta_of("<script type=\"application/ld+json\">{\"@context\":\"https://schema.org\","
            "\"@graph\":[{\"@type\":\"Article\",\"headline\":\"River\",\"author\":"
            "{\"@id\":\"https://t.example/#/person/1\"}},{\"@type\":\"Person\",\"@id\":"
            "\"https://t.example/#/person/2\",\"name\":\"Other Writer\"},{\"@type\":\"Person\","
            "\"@id\":\"https://t.example/#/person/1\",\"name\":\"Mara Lindqvist\"}]}</script>",
            "");
    CHECK_EQ_STR(got_author, "Mara Lindqvist");
    /* a string author, a list of Persons */
    meta_of("<script type=\"application/ld+json\">{\"@type\":\"BlogPosting\",\"author\":"
            "\"By Tom Ferreira\"}</script>", "");
    CHECK_EQ_STR(got_author, "Tom Ferreira");
    meta_of("<script type=\"application/ld+json\">{\"@type\":\"NewsArticle\",\"author\":"
            "[{\"@type\":\"Person\",\"name\":\"Ana Ruiz\"},{\"@type\":\"Person\",\"name\":"
            "\"Li Wei\"}]}</script>", "");
    CHECK_EQ_STR(got_author, "Ana Ruiz; Li Wei");
}

TEST(visible_bylines)
{
    /* label and name in separate elements */
    meta_of("", "<div class=\"wrote\">By&nbsp;<a href=\"/r/jd\">Jose de la Vega</a> </div>");
    CHECK_EQ_STR(got_author, "Jose de la Vega");
    meta_of("", "<p>(to be continued)<br><strong>Text:</strong> Heinrich Albers</p>"
                "<p><strong>Fotos:</strong> Archiv</p>");
    CHECK_EQ_STR(got_author, "Heinrich Albers");
    meta_of("", "<div class=\"submitted\">Gespeichert von <span>hanna_k</span> am 24. Juni "
                "2017 - 18:55</div>");
    CHECK_EQ_STR(got_author, "hanna_k");
    CHECK_EQ_STR(got_date, "2017-06-24");
    meta_of("", "<p> von <em>Gerda Sommer</em></p>");
    CHECK_EQ_STR(got_author, "Gerda Sommer");
    /* a date, a separator and a short name; a label after a separator; a name that ends
     * at a parenthesis or at a wide gap before the next credit */
    meta_of("", "<span class=\"field-content\">11.06.2021 - Lotte Brenner</span>");
    CHECK_EQ_STR(got_author, "Lotte Brenner");
    meta_of("", "<small>02.03.2022 | 09:10 Uhr | Ida Krug</small>");
    CHECK_EQ_STR(got_author, "Ida Krug");
    meta_of("", "<p>14.02.2021 - Der Bund der Steuerzahler warnt vor neuen Gebühren</p>");
    CHECK_EQ_STR(got_author, "");
    meta_of("", "<div>14.02.2021 <span>-&nbsp;Redaktion: Olaf Kurz (Pressesprecher)</span></div>");
    CHECK_EQ_STR(got_author, "Olaf Kurz");
    meta_of("", "<p><em>Text von Hanna Roth &nbsp; &nbsp;Illustration von Kai Bell</em></p>");
    CHECK_EQ_STR(got_author, "Hanna Roth");
    meta_of("", "<p><em>Written by: <a href=\"/x\">Maya Flores</a></em></p>");
    CHECK_EQ_STR(got_author, "Maya Flores");
    /* two names joined as the page writes them */
    meta_of("", "<p>Autoren Eike Brandt und Mia Holm</p>");
    CHECK_EQ_STR(got_author, "Eike Brandt und Mia Holm");
    /* the agency after the comma is not the author */
    meta_of("", "<p>Von Paul Keller, dpa</p>");
    CHECK_EQ_STR(got_author, "Paul Keller");
    /* a date line before the label */
    meta_of("", "<span>12.05.2021 09:30 von Rieke</span>");
    CHECK_EQ_STR(got_author, "Rieke");
    meta_of("", "<div class=\"meta-author\">Posted on May 2, 2020 by Ines Calder</div>");
    CHECK_EQ_STR(got_author, "Ines Calder");
    /* a blog's name in a menu link is no byline; the rel=author link is */
    meta_of("", "<nav><a href=\"/b\">Von Feld und Wald</a></nav>"
                "<p>Von <a rel=\"author\" href=\"/a/k\">Konrad</a> / 3. Mai 2021</p>");
    CHECK_EQ_STR(got_author, "Konrad");
    /* an author link whose text is a theme's label is no name */
    meta_of("", "<p class=\"byline\">Von Ute</p><a class=\"author-link\" rel=\"author\" "
                "href=\"/author/ute\">Archiv anzeigen</a>");
    CHECK_EQ_STR(got_author, "Ute");
}

TEST(author_cleanup)
{
    meta_of("<meta name=\"author\" content=\"Dana Kim, CNN\">", "");
    CHECK_EQ_STR(got_author, "Dana Kim");
    meta_of("<meta name=\"author\" content=\"Sam Ortiz, PhD\">", "");
    CHECK_EQ_STR(got_author, "Sam Ortiz");
    /* two names after a comma stay */
    meta_of("<meta name=\"author\" content=\"Eva Lind, Mark Stone\">", "");
    CHECK_EQ_STR(got_author, "Eva Lind, Mark Stone");
    /* the period of an initial or of "Jr." belongs to the name */
    meta_of("<meta name=\"author\" content=\"Walter Grey Jr.\">", "");
    CHECK_EQ_STR(got_author, "Walter Grey Jr.");
    meta_of("<meta name=\"author\" content=\"Kim T.\">", "");
    CHECK_EQ_STR(got_author, "Kim T.");
    /* a profile address is no name; a later label ends the name */
    meta_of("<meta property=\"article:author\" content=\"facebook.com/jane.roe\">"
            "<meta name=\"author\" content=\"Jane Roe\">", "");
    CHECK_EQ_STR(got_author, "Jane Roe");
    meta_of("", "<div class=\"author\">Nina Berg Kategorien: Reisen</div>");
    CHECK_EQ_STR(got_author, "Nina Berg");
    /* digits inside a user name stay; a weekday after "am" goes */
    meta_of("<meta name=\"author\" content=\"kochfan77\">", "");
    CHECK_EQ_STR(got_author, "kochfan77");
    meta_of("", "<div class=\"author\">nina.berg am Samstag</div>");
    CHECK_EQ_STR(got_author, "nina.berg");
    meta_of("", "<div class=\"author\">Nina Berg · in Reisen</div>");
    CHECK_EQ_STR(got_author, "Nina Berg");
    meta_of("", "<div class=\"submitted\">Nina Berg Veröffentlicht am 3. Mai 2021</div>");
    CHECK_EQ_STR(got_author, "Nina Berg");
    meta_of("<meta name=\"author\" content=\"Olaf Brandt - http://olaf.example\">", "");
    CHECK_EQ_STR(got_author, "Olaf Brandt");
    /* "red/apa" stays: a slash without a domain is an agency credit */
    meta_of("<meta name=\"author\" content=\"red/apa\">", "");
    CHECK_EQ_STR(got_author, "red/apa");
}

TEST(site_as_author)
{
    /* the author field names the site: taken when nobody else is named ... */
    meta_of("<meta property=\"og:site_name\" content=\"Stadtwerke Nord\">"
            "<meta name=\"author\" content=\"Stadtwerke Nord\">", "");
    CHECK_EQ_STR(got_author, "Stadtwerke Nord");
    /* ... and not when a person is */
    meta_of("<meta property=\"og:site_name\" content=\"Stadtwerke Nord\">"
            "<meta name=\"author\" content=\"Stadtwerke Nord\">",
            "<p class=\"byline\">Von Lena Vogt</p>");
    CHECK_EQ_STR(got_author, "Lena Vogt");
    /* the site name alone (no author field) is no author */
    meta_of("<meta property=\"og:site_name\" content=\"Stadtwerke Nord\">", "");
    CHECK_EQ_STR(got_author, "");
}

TEST(utc_dates_local_calendar)
{
    /* a UTC published time that the page also gives with its local offset: the local
     * calendar date (an evening in UTC-4 is the next day in UTC) */
    meta_of("<meta property=\"article:published_time\" content=\"2021-07-09T02:15:00+00:00\">",
            "<time datetime=\"2021-07-08T22:15:00-04:00\">8 July</time>");
    CHECK_EQ_STR(got_date, "2021-07-08");
    /* the same with Z and seconds with a fraction; a different instant changes nothing */
    meta_of("<meta property=\"article:published_time\" content=\"2021-07-09T02:15:07.120Z\">",
            "<time datetime=\"2021-07-08T22:16:00-04:00\">8 July</time>");
    CHECK_EQ_STR(got_date, "2021-07-09");
    /* without a local form the UTC date stays */
    meta_of("<meta property=\"article:published_time\" content=\"2021-07-09T02:15:00Z\">", "");
    CHECK_EQ_STR(got_date, "2021-07-09");
    /* 23:00 and 22:00 UTC on the dot: local midnight of a date entered without a time in
     * UTC+1 / UTC+2, across a month and a year end */
    meta_of("<meta property=\"article:published_time\" content=\"2020-02-29T23:00:00.000Z\">", "");
    CHECK_EQ_STR(got_date, "2020-03-01");
    meta_of("<meta property=\"article:published_time\" content=\"2019-12-31T22:00:00Z\">", "");
    CHECK_EQ_STR(got_date, "2020-01-01");
    /* a real evening time is not midnight, and a non-UTC value is kept as written */
    meta_of("<meta property=\"article:published_time\" content=\"2019-12-31T23:00:05Z\">", "");
    CHECK_EQ_STR(got_date, "2019-12-31");
    meta_of("<meta property=\"article:published_time\" content=\"2019-12-31T23:00:00+01:00\">", "");
    CHECK_EQ_STR(got_date, "2019-12-31");
    /* the local form in RFC 2822, as HTTP and feeds write it, across a month end */
    meta_of("<meta property=\"article:published_time\" content=\"2018-03-31T22:30:00Z\">"
            "<meta name=\"date\" content=\"Sun, 1 Apr 2018 00:30:00 +0200\">", "");
    CHECK_EQ_STR(got_date, "2018-04-01");
    meta_of("<meta property=\"article:published_time\" content=\"2018-03-31T22:30:00Z\">"
            "<meta name=\"date\" content=\"Sun, 01 Apr 2018 00:31:00 +0200\">", "");
    CHECK_EQ_STR(got_date, "2018-03-31");
}

TEST(script_state_date)
{
    /* no date anywhere but in a script's state object: its ISO publication date */
    meta_of("<script>window.__STATE__={\"title\":\"x\",\"updatedAt\":\"2021-05-03T10:00:00+02:00\","
            "\"publishedDate\" : \"2021-04-30T08:12:00+02:00\"};</script>", "");
    CHECK_EQ_STR(got_date, "2021-04-30");
    /* of two keys, the one earlier in the page */
    meta_of("<script>var a={\"publicationDate\":\"2020-11-02T09:00:00Z\"};"
            "var b={\"datePublished\":\"2019-01-01\"};</script>", "");
    CHECK_EQ_STR(got_date, "2020-11-02");
    /* a non-ISO value is no date, and any other source wins */
    meta_of("<script>var a={\"publishDate\":\"Published [DATE]\"};</script>", "");
    CHECK_EQ_STR(got_date, "");
    meta_of("<script>var a={\"publishDate\":\"2020-11-02T09:00:00Z\"};</script>",
            "<p class=\"date\">3. Mai 2021</p>");
    CHECK_EQ_STR(got_date, "2021-05-03");
}

TEST(forum_clock_and_joined_dates)
{
    /* the server's clock in a forum header and a poster's registration date are skipped:
     * the first post's date is the page's */
    meta_of("", "<p class=\"time\">Aktuelle Zeit: 03.02.2024, 08:15</p>"
                "<dl><dd><b>Registriert:</b> 12.06.2007, 21:40</dd></dl>"
                "<p>Beitrag 05.03.2010, 17:02</p>");
    CHECK_EQ_STR(got_date, "2010-03-05");
    meta_of("", "<div class=\"date\">It is currently Sat Feb 03, 2024 8:15 am</div>"
                "<span>Joined:</span> <span>Jun 12, 2007</span><p>Posted March 5, 2010</p>");
    CHECK_EQ_STR(got_date, "2010-03-05");
}

TEST(bar_separated_date)
{
    /* "DD | MM | YYYY" in a page's date line, day first */
    meta_of("", "<table><tr><td>07 | 03 | 2021 </td><td>Reisen | Natur</td></tr></table>");
    CHECK_EQ_STR(got_date, "2021-03-07");
    /* bars between other numbers are no date */
    meta_of("", "<table><tr><td>12 | 0 | 337</td></tr></table>");
    CHECK_EQ_STR(got_date, "");
}

int main(void)
{
    RUN(visible_date_forms);
    RUN(machine_dates);
    RUN(content_date_parser_unchanged);
    RUN(jsonld_authors);
    RUN(visible_bylines);
    RUN(author_cleanup);
    RUN(site_as_author);
    RUN(utc_dates_local_calendar);
    RUN(bar_separated_date);
    RUN(script_state_date);
    RUN(forum_clock_and_joined_dates);
    TEST_MAIN_END();
}
