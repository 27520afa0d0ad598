/* test_extract_fast.c — the parser adapter's fast paths (script/style content skipped,
 * text runs after start and end tags handed over without libxml2's per-character loop)
 * give the text libxml2's own reading gives, and the ISO date with a trailing space. */
#include "html/tm_html.h"
#include "common/tm_common.h"
#include "tm_test.h"

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
    TEST_MAIN_END();
}
