/* test_extract_fast.c — the parser adapter's fast paths (script/style content skipped,
 * text runs after start and end tags handed over without libxml2's per-character loop,
 * start tags slimmed of the attributes libxml2 need not read) give the text and the
 * attribute values libxml2's own reading gives: on hand-written cases, and element by
 * element against libxml2's DOM on every aeb and trafilatura-eval page. Also the ISO date
 * with a trailing space. */
#include "html/tm_html.h"
#include "common/tm_common.h"
#include "tm_test.h"

#include <dirent.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <string.h>

static char *body_text(tm_arena *a, const char *html, tm_buf *out)
{
    tm_hdoc h;
    tm_html_limits lim = {0, 0, 0};
    if (tm_html_parse(a, (const uint8_t *)html, strlen(html), "utf-8", &lim, &h) != TAMIS_OK)
        return NULL;
    tm_buf_clear(out);
    tm_html_node_text(h.root, out);
    tm_buf_putc(out, '\0');
    return out->data;
}

TEST(fast_paths_keep_text)
{
    tm_arena a;
    tm_arena_init(&a);
    tm_buf b;
    tm_buf_init(&b);
    /* script with a "</" that is not its end, uppercase end tags, entities, a CR, text
     * after end tags, a <br> (empty element: the text after it is the parent's) */
    const char *page =
        "<html><head><title>T</title><style>p{color:red}</style></head><body>"
        "<script>var s = '</b>' + 1 < 2;</script>"
        "<p>Alpha <b>bold</B> tail &amp; more</p>\n  <P>Beta<br>after\r\nbreak</p>"
        "<div>Gamma <a href=x>link</a> end</div><SCRIPT>x()</SCRIPT>Omega</body></html>";
    CHECK_EQ_STR(body_text(&a, page, &b),
                 "Alpha bold tail & more Beta after break Gamma link end Omega");
    tm_buf_free(&b);
    tm_arena_free(&a);
}

/* The attributes the parser keeps, by name, in tm_hattr id order. */
static const char *const kept[] = {"aria-hidden", "alt", "class", "content", "charset",
                                   "datetime", "href", "hidden", "http-equiv", "id",
                                   "itemprop", "itemtype", "itemscope", "lang", "name",
                                   "property", "pubdate", "rel", "role", "style", "src",
                                   "type", "title", "xml:lang"};
#define N_KEPT (sizeof kept / sizeof kept[0])

/* Elements of our tree in document order, one line each: "tag a=v a=v" over the kept
 * attributes in the order above (tags by id, since the tree keeps ids). */
static void dump_ours(const tm_hnode *n, tm_buf *out, tm_buf *text)
{
    for (const tm_hnode *c = n->first; c; c = c->next) {
        if (c->tag == TM_T_TEXT) {
            for (uint32_t i = 0; i < c->text_len; i++)
                if (!strchr(" \t\n\r", c->text[i]))
                    tm_buf_putc(text, c->text[i]);
            continue;
        }
        char num[16];
        snprintf(num, sizeof num, "%u", c->tag);
        tm_buf_append(out, num, strlen(num));
        for (size_t k = 0; k < N_KEPT; k++) {
            const char *v = tm_html_attr(c, kept[k]);
            if (!v)
                continue;
            tm_buf_printf(out, " %s=%s", kept[k], v);
        }
        tm_buf_putc(out, '\n');
        dump_ours(c, out, text);
    }
}

/* The same from libxml2's DOM; text as our builder keeps it: no <style>, no <script>
 * but JSON-LD, whitespace removed (the DOM drops some blank runs the builder keeps). */
static void dump_dom(xmlNodePtr n, tm_buf *out, tm_buf *text, int skip)
{
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
            if (skip || !c->content)
                continue;
            for (const xmlChar *p = c->content; *p; p++)
                if (!strchr(" \t\n\r", *p))
                    tm_buf_putc(text, (char)*p);
            continue;
        }
        if (c->type != XML_ELEMENT_NODE)
            continue;
        const char *nm = (const char *)c->name;
        char num[16];
        snprintf(num, sizeof num, "%d", tm_html_tag_id(nm, strlen(nm)));
        tm_buf_append(out, num, strlen(num));
        for (size_t k = 0; k < N_KEPT; k++) {
            xmlChar *v = xmlGetProp(c, (const xmlChar *)kept[k]);
            if (!v) /* valueless attributes (hidden, itemscope) */
                for (xmlAttrPtr a = c->properties; a; a = a->next)
                    if (!strcmp((const char *)a->name, kept[k]))
                        v = xmlStrdup((const xmlChar *)"");
            if (!v)
                continue;
            tm_buf_printf(out, " %s=%s", kept[k], (const char *)v);
            xmlFree(v);
        }
        tm_buf_putc(out, '\n');
        int sk = skip || !strcmp(nm, "style");
        if (!strcmp(nm, "script")) {
            xmlChar *ty = xmlGetProp(c, (const xmlChar *)"type");
            sk = sk || !(ty && strstr((const char *)ty, "ld+json"));
            xmlFree(ty);
        }
        dump_dom(c, out, text, sk);
    }
}

static int same_buf(const tm_buf *x, const tm_buf *y)
{
    return x->len == y->len && (!x->len || !memcmp(x->data, y->data, x->len));
}

/* Parses utf-8 bytes both ways and compares; returns 1 when they agree. */
static int same_as_dom(const char *html, size_t n, const char *label)
{
    tm_arena a;
    tm_arena_init(&a);
    tm_hdoc h;
    tm_html_limits lim = {0, 100000, 0};
    tm_buf ours, ours_text, dom, dom_text;
    tm_buf_init(&ours);
    tm_buf_init(&ours_text);
    tm_buf_init(&dom);
    tm_buf_init(&dom_text);
    int ok = 0;
    if (tm_html_parse(&a, (const uint8_t *)html, n, "utf-8", &lim, &h) == TAMIS_OK) {
        dump_ours(h.root, &ours, &ours_text);
        htmlDocPtr d = htmlReadMemory(html, (int)n, NULL, "utf-8",
                                      HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
                                          HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
                                          HTML_PARSE_IGNORE_ENC | XML_PARSE_HUGE);
        if (d) {
            dump_dom((xmlNodePtr)d, &dom, &dom_text, 0);
            xmlFreeDoc(d);
        }
        ok = same_buf(&ours, &dom) && same_buf(&ours_text, &dom_text);
        if (!ok) {
            size_t i = 0;
            while (i < ours.len && i < dom.len && ours.data[i] == dom.data[i])
                i++;
            size_t j = 0;
            while (j < ours_text.len && j < dom_text.len && ours_text.data[j] == dom_text.data[j])
                j++;
            fprintf(stderr, "%s: tree differs at byte %zu (ours %.60s | dom %.60s), "
                    "text at %zu of %zu/%zu\n", label, i, ours.data ? ours.data + i : "",
                    dom.data ? dom.data + i : "", j, ours_text.len, dom_text.len);
        }
    }
    tm_buf_free(&ours);
    tm_buf_free(&ours_text);
    tm_buf_free(&dom);
    tm_buf_free(&dom_text);
    tm_arena_free(&a);
    return ok;
}

/* Each construct of the start-tag grammar the slimmer reads or refuses to read. */
TEST(slim_tags_match_dom)
{
    static const char *const pages[] = {
        /* quoted, single-quoted, unquoted, valueless, upper case, blanks around '=' */
        "<html><body><div CLASS=\"a b\" data-x='{\"k\": 1}' ID=main hidden>x</div>"
        "<p\tclass = 'c'\nstyle=\"color:red\" >y</p></body></html>",
        /* entities stay for libxml2; dropped values with '>' '&' and quotes inside */
        "<body><a href=\"/a?x=1&amp;y=2\" onclick=\"f('>')&&g()\" title=\"T&eacute;\">l</a>"
        "<img src=i.png srcset=\"a.png 1x, b.png 2x\" alt=\"\" /><span>z</span>"
        "<img height=1 style=\"display:none\" alt=\"\" src=https://x.test/t?a=1&b=2 /></body>",
        /* a read attribute given twice: libxml2 keeps the first */
        "<body><div class=\"one\" data-a=1 class=\"two\">q</div><div id=a ID=b>r</div></body>",
        /* tags right after start tags, end tags, text and entities; '/>' endings */
        "<body><div class=o><div class=i data-q=\"r\"><br class=b/><em class=e>t</em></div>"
        "</div>&amp;<span class=s data-z=z>u</span> v <b class=w>x</b></body>",
        /* head: meta content, link rel, implied body before a tag with attributes */
        "<html><head><meta charset=\"utf-8\"><meta name=\"author\" content=\"A &amp; B\">"
        "<link rel=canonical href=\"https://x.test/a\"><title>t</title></head>"
        "<p class=first data-x=y>one</p><p>two</p></html>",
        /* JSON-LD script after a slimmed tag, '<' + letter inside script text */
        "<body><div class=a data-b=c><script type=\"application/ld+json\" data-n=1>"
        "{\"a\":\"<b>x</b>\"}</script><script data-k=v>if (a<b) x('<div class=z>')</script>"
        "<div class=after>w</div></body>",
        /* names libxml2 reads its own way: dots, digits, odd first bytes, long names */
        "<body><div a.b=1 class=x>1</div><div class=y 9x=2>2</div><div @click=f class=z>3</div>"
        "<div class=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa>4</div></body>",
        /* non-ASCII, CR and U+FFFE in values, a NUL inside a tag */
        "<body><div title=\"caf\xc3\xa9 \xe2\x80\x94\" class=\"a\rb\">\xc3\xa9</div>"
        "<div title=\"x\xef\xbf\xbey\" class=c>d</div></body>",
    };
    for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
        char label[32];
        snprintf(label, sizeof label, "case %zu", i);
        CHECK(same_as_dom(pages[i], strlen(pages[i]), label));
    }
    /* the NUL case needs an explicit length */
    static const char nul[] = "<body><div class=a data-x=\"p\0q\">t</div><p class=b>u</p></body>";
    CHECK(same_as_dom(nul, sizeof nul - 1, "nul"));
}

/* And the values themselves, for one page, so a shared bug cannot hide. */
TEST(slim_tag_values)
{
    tm_arena a;
    tm_arena_init(&a);
    tm_hdoc h;
    tm_html_limits lim = {0, 0, 0};
    const char *page = "<body><div id=x><div data-a='1' CLASS=\"k l\" title='t&amp;u' hidden "
                       "style=\"display:none\" data-b=2>v</div></div></body>";
    CHECK(tm_html_parse(&a, (const uint8_t *)page, strlen(page), "utf-8", &lim, &h) == TAMIS_OK);
    const tm_hnode *n = h.root;
    while (n && n->tag != TM_T_DIV)
        n = n->first;
    CHECK(n && n->first && n->first->tag == TM_T_DIV);
    if (n && n->first) {
        const tm_hnode *d = n->first;
        CHECK_EQ_STR(tm_html_attr(n, "id"), "x");
        CHECK_EQ_STR(tm_html_attr(d, "class"), "k l");
        CHECK_EQ_STR(tm_html_attr(d, "title"), "t&u");
        CHECK_EQ_STR(tm_html_attr(d, "hidden"), "");
        CHECK_EQ_STR(tm_html_attr(d, "style"), "display:none");
        CHECK_EQ_INT(d->n_attrs, 4);
    }
    tm_arena_free(&a);
}

/* Every page of the two extraction benchmarks, parsed our way and by libxml2's DOM. */
static int pages_agree(const char *dir, int *n_pages)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int bad = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        FILE *f = fopen(path, "rb");
        if (!f)
            continue;
        tm_buf b;
        tm_buf_init(&b);
        char chunk[65536];
        size_t r;
        while ((r = fread(chunk, 1, sizeof chunk, f)) > 0)
            tm_buf_append(&b, chunk, r);
        fclose(f);
        /* only pages that are UTF-8 already: the DOM must see the same bytes */
        if (b.len && tm_utf8_valid_prefix(b.data, b.len) == b.len &&
            !(b.len >= 3 && !memcmp(b.data, "\xEF\xBB\xBF", 3))) {
            (*n_pages)++;
            bad += !same_as_dom(b.data, b.len, path);
        }
        tm_buf_free(&b);
    }
    closedir(d);
    return bad;
}

static int shared_missing;

TEST(slim_pages_match_dom)
{
    const char *root = getenv("TAMIS_SHARED");
    char dir[4096];
    int n = 0, bad = 0;
    static const char *const sets[] = {"data/article-extraction-benchmark/html",
                                       "data/trafilatura-eval/html"};
    for (size_t i = 0; i < 2; i++) {
        snprintf(dir, sizeof dir, "%s/%s", root ? root : "../shared", sets[i]);
        int r = pages_agree(dir, &n);
        if (r < 0) {
            shared_missing = 1;
            return;
        }
        bad += r;
    }
    printf("%d utf-8 pages compared with libxml2's DOM, %d differ\n", n, bad);
    CHECK(n > 700);
    CHECK_EQ_INT(bad, 0);
}

TEST(iso_date_with_space)
{
    char out[40];
    CHECK_EQ_INT(tm_extract_parse_date("2021-10-16 | botschaft", 22, out), 1);
    CHECK_EQ_STR(out, "2021-10-16");
    CHECK_EQ_INT(tm_extract_parse_date("2021-10-16 09:30 Uhr", 20, out), 1);
    CHECK_EQ_STR(out, "2021-10-16T09:30");
}

int main(void)
{
    RUN(fast_paths_keep_text);
    RUN(iso_date_with_space);
    RUN(slim_tags_match_dom);
    RUN(slim_tag_values);
    RUN(slim_pages_match_dom);
    if (shared_missing && !tm_test_failed) {
        fprintf(stderr, "skip: no shared data for slim_pages_match_dom\n");
        return 77;
    }
    TEST_MAIN_END();
}
