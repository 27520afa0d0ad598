/* tm_html_parse.c — the parser adapter: charset decision + decoding to UTF-8 (iconv,
 * uchardet) and libxml2's HTML parser driven through SAX into a compact arena tree.
 *
 * The only file of tamis that includes libxml2. SAX rather than htmlReadMemory because the
 * extractor walks its own small tree several times: building it directly from the SAX
 * events skips libxml2's DOM (one malloc per node and per attribute, then a free walk),
 * keeps only the attributes the extractor reads, and lets us enforce the depth ceiling
 * and the time budget while parsing. libxml2 was chosen over gumbo (measured with
 * bench/bench_parse.sh, docs/extract.md "Parser: libxml2 or gumbo"): the same visible text
 * on the benchmark pages, gumbo 2.5-3.5x slower than libxml2's DOM and without a streaming
 * mode, and libxml2 is the parser lxml-based extractors use (their quirks on broken markup
 * are the ones the benchmarks' gold data were checked against). */
#include "tm_html.h"

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include <uchardet/uchardet.h>

/* ---- tag names (sorted for bsearch) */
typedef struct tag_name {
    const char *name;
    int id;
} tag_name;

static const tag_name tag_names[] = {
    {"a", TM_T_A}, {"abbr", TM_T_ABBR}, {"address", TM_T_ADDRESS}, {"article", TM_T_ARTICLE},
    {"aside", TM_T_ASIDE}, {"audio", TM_T_AUDIO}, {"b", TM_T_B},
    {"blockquote", TM_T_BLOCKQUOTE}, {"body", TM_T_BODY}, {"br", TM_T_BR},
    {"button", TM_T_BUTTON}, {"canvas", TM_T_CANVAS}, {"caption", TM_T_CAPTION},
    {"center", TM_T_CENTER}, {"cite", TM_T_CITE}, {"code", TM_T_CODE}, {"dd", TM_T_DD},
    {"details", TM_T_DETAILS}, {"dialog", TM_T_DIALOG}, {"div", TM_T_DIV}, {"dl", TM_T_DL},
    {"dt", TM_T_DT}, {"em", TM_T_EM}, {"figcaption", TM_T_FIGCAPTION},
    {"figure", TM_T_FIGURE}, {"font", TM_T_FONT}, {"footer", TM_T_FOOTER},
    {"form", TM_T_FORM}, {"h1", TM_T_H1}, {"h2", TM_T_H2}, {"h3", TM_T_H3}, {"h4", TM_T_H4},
    {"h5", TM_T_H5}, {"h6", TM_T_H6}, {"head", TM_T_HEAD}, {"header", TM_T_HEADER},
    {"hr", TM_T_HR}, {"html", TM_T_HTML}, {"i", TM_T_I}, {"iframe", TM_T_IFRAME},
    {"img", TM_T_IMG}, {"input", TM_T_INPUT}, {"label", TM_T_LABEL}, {"li", TM_T_LI},
    {"link", TM_T_LINK}, {"main", TM_T_MAIN}, {"mark", TM_T_MARK}, {"menu", TM_T_MENU},
    {"meta", TM_T_META}, {"nav", TM_T_NAV}, {"noscript", TM_T_NOSCRIPT},
    {"object", TM_T_OBJECT}, {"ol", TM_T_OL}, {"option", TM_T_OPTION}, {"p", TM_T_P},
    {"picture", TM_T_PICTURE}, {"pre", TM_T_PRE}, {"q", TM_T_Q}, {"s", TM_T_OTHER},
    {"script", TM_T_SCRIPT}, {"section", TM_T_SECTION}, {"select", TM_T_SELECT},
    {"small", TM_T_SMALL}, {"span", TM_T_SPAN}, {"strong", TM_T_STRONG},
    {"style", TM_T_STYLE}, {"sub", TM_T_SUB}, {"summary", TM_T_SUMMARY}, {"sup", TM_T_SUP},
    {"svg", TM_T_SVG}, {"table", TM_T_TABLE}, {"tbody", TM_T_TBODY}, {"td", TM_T_TD},
    {"template", TM_T_TEMPLATE}, {"textarea", TM_T_TEXTAREA}, {"tfoot", TM_T_TFOOT},
    {"th", TM_T_TH}, {"thead", TM_T_THEAD}, {"time", TM_T_TIME}, {"title", TM_T_TITLE},
    {"tr", TM_T_TR}, {"u", TM_T_U}, {"ul", TM_T_UL}, {"video", TM_T_VIDEO},
};

int tm_html_tag_id(const char *name, size_t len)
{
    if (len == 0 || len > 10)
        return TM_T_OTHER;
    size_t lo = 0, hi = sizeof tag_names / sizeof tag_names[0];
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const char *t = tag_names[mid].name;
        /* compare as NUL-terminated strings over len bytes: no strlen per probe */
        int c = strncmp(name, t, len);
        if (c == 0)
            c = t[len] ? -1 : 0;
        if (c == 0)
            return tag_names[mid].id;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return TM_T_OTHER;
}

/* Attributes some pass reads get a small id (TM_A_*); the others (TM_A_NONE) are not
 * copied. By length, then bytes: this runs for every attribute of the page. */
int tm_html_attr_id(const char *a, size_t n)
{
#define TM_IS(lit, id)                                                                     \
    if (!memcmp(a, lit, sizeof lit - 1))                                                   \
        return id;
    switch (n) {
    case 2: TM_IS("id", TM_A_ID) break;
    case 3: TM_IS("alt", TM_A_ALT) TM_IS("rel", TM_A_REL) TM_IS("src", TM_A_SRC) break;
    case 4:
        TM_IS("href", TM_A_HREF) TM_IS("lang", TM_A_LANG) TM_IS("name", TM_A_NAME)
        TM_IS("role", TM_A_ROLE) TM_IS("type", TM_A_TYPE) break;
    case 5: TM_IS("class", TM_A_CLASS) TM_IS("style", TM_A_STYLE) TM_IS("title", TM_A_TITLE) break;
    case 6: TM_IS("hidden", TM_A_HIDDEN) break;
    case 7:
        TM_IS("content", TM_A_CONTENT) TM_IS("charset", TM_A_CHARSET)
        TM_IS("pubdate", TM_A_PUBDATE) break;
    case 8:
        TM_IS("datetime", TM_A_DATETIME) TM_IS("itemprop", TM_A_ITEMPROP)
        TM_IS("itemtype", TM_A_ITEMTYPE) TM_IS("property", TM_A_PROPERTY)
        TM_IS("xml:lang", TM_A_XML_LANG) break;
    case 9: TM_IS("itemscope", TM_A_ITEMSCOPE) break;
    case 10: TM_IS("http-equiv", TM_A_HTTP_EQUIV) break;
    case 11: TM_IS("aria-hidden", TM_A_ARIA_HIDDEN) break;
    default: break;
    }
#undef TM_IS
    return TM_A_NONE;
}

static int attr_id(const char *a) { return tm_html_attr_id(a, strlen(a)); }

/* ---- SAX builder */
typedef struct builder {
    tm_arena *a;
    tm_hdoc *h;
    tm_hnode *cur;
    uint32_t depth, max_depth, overflow;
    tm_buf text;
    htmlParserCtxtPtr ctxt;
    const xmlChar *own; /* the UTF-8 bytes we handed to libxml2 */
    size_t own_len;
    struct timespec t0;
    double budget;
    uint32_t events;
    int skip_text; /* inside <style> or a non-JSON <script> */
    /* Attributes of the next start tag, read by slim_start_tag instead of libxml2: valid
     * for the startElement call whose cursor is at absolute input position st_end. */
    size_t st_end;
    char st_name[32];
    tm_hattr *st_attrs;
    uint16_t st_n;
    int st_valid;
    tm_buf scratch; /* the rewritten start tag */
    /* tag ids by libxml2's interned name pointer (tm_html_tag_id is a bsearch) */
    struct {
        const xmlChar *name;
        int tag;
    } tag_cache[64];
    int pending_break; /* a flattened block started: separate the next text */
    int nomem;
} builder;

static double since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) * 1e-9;
}

static int tag_of(builder *b, const xmlChar *name)
{
    size_t h = ((uintptr_t)name >> 3) & 63;
    if (b->tag_cache[h].name != name) {
        b->tag_cache[h].name = name;
        b->tag_cache[h].tag = tm_html_tag_id((const char *)name, strlen((const char *)name));
    }
    return b->tag_cache[h].tag;
}

/* Elements libxml2 closes right after their start tag (its own table, read once). */
static unsigned char empty_tag[TM_T__COUNT];

static int is_empty_element(int tag, const char *name)
{
    if (tag != TM_T_OTHER)
        return empty_tag[tag];
    const htmlElemDesc *info = htmlTagLookup((const xmlChar *)name);
    return info && info->empty;
}

static void check_budget(builder *b)
{
    /* Reading the clock on every event would cost more than the parse itself. */
    if (b->budget > 0 && (++b->events & 1023u) == 0 && since(&b->t0) > b->budget) {
        b->h->timed_out = 1;
        xmlStopParser(b->ctxt);
    }
}

static tm_hnode *new_node(builder *b, int tag)
{
    tm_hnode *n = tm_arena_alloc(b->a, sizeof *n);
    if (!n) {
        b->nomem = 1;
        xmlStopParser(b->ctxt);
        return NULL;
    }
    memset(n, 0, sizeof *n);
    n->tag = (uint16_t)tag;
    n->parent = b->cur;
    n->depth = b->depth;
    if (b->cur->last)
        b->cur->last->next = n;
    else
        b->cur->first = n;
    b->cur->last = n;
    b->h->n_nodes++;
    return n;
}

static void flush_text(builder *b)
{
    if (!b->text.len)
        return;
    tm_hnode *n = new_node(b, TM_T_TEXT);
    if (n) {
        n->text = tm_arena_strndup(b->a, b->text.data, b->text.len);
        n->text_len = n->text ? (uint32_t)b->text.len : 0;
    }
    tm_buf_clear(&b->text);
}

/* Case-insensitive search for "</" + name in [p, end); name is lower case. */
static const xmlChar *find_close(const xmlChar *p, const xmlChar *end, const char *name)
{
    size_t nl = strlen(name);
    while ((p = memchr(p, '<', (size_t)(end - p))) != NULL) {
        if ((size_t)(end - p) < nl + 2)
            return NULL;
        if (p[1] == '/') {
            size_t k = 0;
            while (k < nl && (p[2 + k] | 0x20) == (xmlChar)name[k])
                k++;
            if (k == nl)
                return p;
        }
        p++;
    }
    return NULL;
}

/* The content of <script> and <style> is more than half the bytes of a typical page
 * (55 % of the article-extraction-benchmark pages) and libxml2 2.9's htmlParseScript reads
 * it one character at a time through htmlCurrentChar + xmlNextChar: callgrind put it at
 * 31 % of all `tamis extract` instructions. We drop that text anyway, so when the start
 * tag is called back we jump to its end: memchr finds "</script" (case-insensitively, the
 * exact test htmlParseScript makes in recovery mode), we write the start tag's '>' just
 * before it and move the input cursor there. libxml2 then reads an empty element. This
 * touches libxml2's private copy of the input (htmlCreateMemoryParserCtxt copies the bytes
 * in 2.9/2.10; checked below, so our own buffer is never written) and is compiled only for
 * the versions whose htmlParseScript it mirrors. Output was byte-identical on the aeb and
 * trafilatura-eval pages with and without it. */
static void skip_raw_text(builder *b, const char *name)
{
#if LIBXML_VERSION >= 20900 && LIBXML_VERSION < 21100
    xmlParserInputPtr in = b->ctxt->input;
    if (!in || !in->cur || !in->end || !in->base || *in->cur != '>' ||
        !b->ctxt->name || strcmp((const char *)b->ctxt->name, name) != 0)
        return;
    if (in->base >= b->own && in->base < b->own + b->own_len)
        return; /* libxml2 parses our buffer in place: never write into it */
    const xmlChar *e = find_close(in->cur + 1, in->end, name);
    /* A NUL ends htmlParseScript's loop early (with an error path we do not mirror). */
    if (!e || e - in->cur < 2 || memchr(in->cur, 0, (size_t)(e - in->cur)))
        return;
    ((xmlChar *)e)[-1] = '>';
    in->cur = e - 1;
#else
    (void)b;
    (void)name;
#endif
}

static void add_text(builder *b, const xmlChar *ch, int len);
static const xmlChar *plain_run(const xmlChar *s, const xmlChar *end);

/* Byte classes of the start-tag grammar: 1 ASCII letter, 2 name byte (letters, digits,
 * ':' '-' '_' '.', as htmlParseHTMLName reads them), 4 blank (IS_BLANK_CH). */
static const unsigned char byte_class[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 4, 0, 0, 4, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 0,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 0,
    0, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 0, 0, 0, 0, 2,
    0, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};
static inline int is_blank(xmlChar c) { return byte_class[c] & 4; }
static inline int is_alpha(xmlChar c) { return byte_class[c] & 1; }
static inline int is_name_char(xmlChar c) { return byte_class[c] & 2; }
static inline xmlChar lower(xmlChar c) { return c >= 'A' && c <= 'Z' ? (xmlChar)(c + 32) : c; }
static inline const xmlChar *skip_blanks(const xmlChar *p, const xmlChar *end)
{
    while (p < end && is_blank(*p))
        p++;
    return p;
}
/* Absolute input position of p: stable when libxml2 shrinks its buffer. */
static inline size_t in_pos(const xmlParserInputPtr in, const xmlChar *p)
{
    return (size_t)in->consumed + (size_t)(p - in->base);
}

/* One attribute of a start tag as slim_start_tag reads it. */
typedef struct slim_attr {
    const xmlChar *start, *end; /* name .. end of the value (closing quote included) */
    const xmlChar *val;         /* NULL: no "=value" */
    size_t val_len;
    int id;    /* attr_id; 0: no pass reads it */
    int plain; /* libxml2 would return the value's bytes unchanged */
} slim_attr;

/* Checks the bytes of a value a pass reads: 0 when a byte could make libxml2 read the tag
 * differently (NUL ends the value early, other C0 controls end the attribute loop in
 * some 2.9 releases); *plain = 0 when libxml2 would change the value: '&' (entities),
 * CR, U+FFFE/U+FFFF (not XML characters). Eight bytes at a time while none of them is
 * below 0x20, '&' or 0xEF (the lead byte of U+FFFE/U+FFFF). */
static inline int value_ok(const xmlChar *v, const xmlChar *e, int *plain)
{
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    *plain = 1;
    const xmlChar *p = v;
    while (p < e) {
        if (e - p >= 8) {
            uint64_t w, amp, ef;
            memcpy(&w, p, 8);
            amp = w ^ (ones * '&');
            ef = w ^ (ones * 0xEF);
            uint64_t hit = ((w - ones * 0x20) & ~w) | ((amp - ones) & ~amp) | ((ef - ones) & ~ef);
            if (!(hit & highs)) {
                p += 8;
                continue;
            }
        }
        xmlChar c = *p;
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
            return 0;
        if (c == '&' || c == '\r' ||
            (c == 0xEF && e - p > 2 && p[1] == 0xBF && (p[2] & 0xFE) == 0xBE))
            *plain = 0;
        p++;
    }
    return 1;
}

#if LIBXML_VERSION >= 20900 && LIBXML_VERSION < 21100
#define SLIM_MAX_ATTRS 48

/* After the one at the cursor, the biggest cost left in libxml2 2.9 was its attribute
 * reader: htmlParseHTMLAttribute takes each byte of each value through htmlCurrentChar,
 * a UTF-8 encoder and xmlNextChar (≈ 33 % of all `tamis extract` instructions on the aeb
 * pages), for srcset, data-*, on* and inline JSON the extractor never reads as much as
 * for class and href. libxml2 offers no hook inside a start tag, so when a callback
 * knows that the next thing libxml2 parses is the start tag at s (callers check that),
 * this reads the tag itself with htmlParseStartTag's grammar and rewrites it in
 * libxml2's private copy of the input, right-aligned on its own "> " or "/>":
 *   - attributes no pass reads are removed;
 *   - attributes a pass reads whose value libxml2 would return unchanged (no '&', CR,
 *     non-characters) are removed too and kept in b->st_* for sax_start, which takes
 *     them when its cursor is on this tag's end and the names agree;
 *   - the rest (values with entities) stay for libxml2 to decode.
 * The cursor moves to the new start (gt: onto a '>' written just before it, for a
 * caller sitting on the previous start tag's '>'). Anything unusual — a name libxml2
 * would read differently, control bytes, an attribute a pass reads given twice (libxml2
 * keeps the first), too many attributes, the end of the input near — leaves the tag to
 * libxml2. Output is byte-identical on the aeb and trafilatura-eval pages. */
static void slim_start_tag(builder *b, const xmlChar *s, int gt)
{
    xmlParserInputPtr in = b->ctxt->input;
    const xmlChar *end = in->end;
    if (b->ctxt->charset != XML_CHAR_ENCODING_UTF8 || end - s < 8 || s[0] != '<' ||
        !is_alpha(s[1]))
        return;
    char name[32];
    size_t nl = 0;
    const xmlChar *p = s + 1;
    /* '.' is a name byte for htmlParseHTMLName but not for the look-ahead the content
     * loop makes first: such names are left to libxml2. */
    for (; p < end && is_name_char(*p); p++) {
        if (*p == '.' || nl == sizeof name - 1)
            return;
        name[nl++] = (char)lower(*p);
    }
    name[nl] = '\0';
    const xmlChar *name_end = p;
    slim_attr at[SLIM_MAX_ATTRS];
    int na = 0, n_stash = 0, n_gone = 0;
    for (p = skip_blanks(p, end);;) {
        if (p >= end)
            return;
        if (*p == '>' || (*p == '/' && end - p > 1 && p[1] == '>'))
            break;
        if (na == SLIM_MAX_ATTRS || !is_alpha(*p))
            return;
        slim_attr *t = &at[na++];
        char an[16];
        size_t al = 0;
        t->start = p;
        for (; p < end && is_name_char(*p); p++, al++)
            if (al < sizeof an - 1)
                an[al] = (char)lower(*p);
        if (al >= 100) /* libxml2 cuts names there */
            return;
        an[TM_MIN(al, sizeof an - 1)] = '\0';
        t->id = al < sizeof an - 1 ? tm_html_attr_id(an, al) : TM_A_NONE;
        t->end = p;
        t->val = NULL;
        t->val_len = 0;
        t->plain = 1;
        p = skip_blanks(p, end);
        if (p < end && *p == '=') {
            p = skip_blanks(p + 1, end);
            if (p >= end)
                return;
            if (*p == '"' || *p == '\'') {
                const xmlChar *q = memchr(p + 1, *p, (size_t)(end - p - 1));
                if (!q)
                    return;
                t->val = p + 1;
                t->val_len = (size_t)(q - t->val);
                p = q + 1;
            } else {
                /* unquoted: up to a blank or '>' ('/' included, as libxml2 reads it) */
                t->val = p;
                while (p < end && !is_blank(*p) && *p != '>')
                    p++;
                t->val_len = (size_t)(p - t->val);
                if (!t->val_len)
                    return;
            }
            /* a value no pass reads only has to end where libxml2 ends it */
            if (t->id ? !value_ok(t->val, t->val + t->val_len, &t->plain)
                      : memchr(t->val, 0, t->val_len) != NULL)
                return;
            t->end = p;
        }
        if (t->id) {
            for (int i = 0; i < na - 1; i++)
                if (at[i].id == t->id)
                    return;
            n_stash += t->plain;
        } else
            n_gone++;
        p = skip_blanks(p, end);
    }
    const xmlChar *tail = p;
    size_t tail_len = *p == '>' ? 1 : 2;
    /* a multi-byte character cut by the byte ceiling makes libxml2 switch to Latin-1 */
    if ((!n_stash && !n_gone) || end - (tail + tail_len) < 4)
        return;
    tm_hattr *st = NULL;
    if (n_stash) {
        st = tm_arena_alloc(b->a, (size_t)n_stash * sizeof *st);
        if (!st)
            return;
        for (int i = 0, j = 0; i < na; i++) {
            if (!at[i].id || !at[i].plain)
                continue;
            st[j].id = (uint8_t)at[i].id;
            st[j].value = tm_arena_strndup(b->a, at[i].val ? (const char *)at[i].val : "",
                                           at[i].val_len);
            if (!st[j++].value)
                return;
        }
    }
    xmlChar *dst;
    if (na == n_stash + n_gone) {
        /* nothing left for libxml2: "<name" moves up to the tail */
        dst = (xmlChar *)tail - (name_end - s);
        memmove(dst, s, (size_t)(name_end - s));
    } else {
        tm_buf *w = &b->scratch;
        tm_buf_clear(w);
        tm_buf_append(w, s, (size_t)(name_end - s));
        for (int i = 0; i < na; i++) {
            if (!at[i].id || at[i].plain)
                continue;
            tm_buf_putc(w, ' ');
            tm_buf_append(w, at[i].start, (size_t)(at[i].end - at[i].start));
        }
        if (is_blank(tail[-1])) /* an unquoted value before "/>" must not take the '/' */
            tm_buf_putc(w, ' ');
        tm_buf_append(w, tail, tail_len);
        if (!w->data || w->len > (size_t)(tail + tail_len - s))
            return;
        dst = (xmlChar *)tail + tail_len - w->len;
        memcpy(dst, w->data, w->len);
    }
    if (gt) {
        dst[-1] = '>';
        in->cur = dst - 1;
    } else
        in->cur = dst;
    b->st_end = in_pos(in, tail);
    memcpy(b->st_name, name, nl + 1);
    b->st_attrs = st;
    b->st_n = (uint16_t)n_stash;
    b->st_valid = 1;
}

/* True when the '>' at the cursor ends a start tag named name ("<name" after the last
 * '<'), not a '>' seen while libxml2 starts an implied <html>/<head>/<body>/<p>. */
static int closes_start_tag(const xmlParserInputPtr in, const char *name)
{
    const xmlChar *q = memrchr(in->base, '<', (size_t)(in->cur - in->base));
    if (!q)
        return 0;
    size_t nl = strlen(name);
    if ((size_t)(in->cur - q) < nl + 1)
        return 0;
    for (size_t k = 0; k < nl; k++)
        if (lower(q[1 + k]) != (xmlChar)name[k])
            return 0;
    xmlChar c = q[1 + nl];
    return c == '>' || c == '/' || is_blank(c);
}
#endif

/* The same trick for the first text run of an element (mostly the indentation after
 * `<div>` and the opening words of paragraphs): libxml2 2.9's htmlParseCharData also
 * reads it one character at a time (with xmlNextChar, 36 % of all instructions before
 * this). When the start tag has just been read (cursor on its '>'), the run up to the
 * next '<' is handed to the builder directly and the '>' moved to the run's last byte, as
 * long as libxml2 would have delivered exactly those bytes: no '&' (entities), no byte
 * it rejects or rewrites (controls, NUL, CR, U+FFFE/U+FFFF), not inside <html>/<head>
 * (where text opens an implied <p>), not for empty elements (closed right after '>').
 * Then the start tag that follows is slimmed. own_tag: the cursor is known to be on this
 * element's own '>' (its attributes came through slim_start_tag). */
static void take_first_text(builder *b, const char *name, int tag, int own_tag)
{
#if LIBXML_VERSION >= 20900 && LIBXML_VERSION < 21100
    xmlParserInputPtr in = b->ctxt->input;
    const char *top = (const char *)b->ctxt->name; /* the same dict pointer, normally */
    if (!in || !in->cur || !in->end || !in->base || *in->cur != '>' || !top ||
        (top != name && strcmp(top, name) != 0))
        return;
    if (in->base >= b->own && in->base < b->own + b->own_len)
        return;
    /* <script type=application/ld+json>: the run is script text, no tag follows */
    /* implied <body>/<p> are started with the cursor on another tag's '>' */
    if (!own_tag && !closes_start_tag(in, name))
        return;
    int raw = tag == TM_T_SCRIPT;
    const xmlChar *s = in->cur + 1;
    if (tag != TM_T_HTML && tag != TM_T_HEAD) {
        const xmlChar *p = is_empty_element(tag, name) ? NULL : plain_run(s, in->end);
        if (p) {
            add_text(b, s, (int)(p - s));
            ((xmlChar *)p)[-1] = '>';
            in->cur = p - 1;
            s = p;
        }
    }
    if (!raw && s < in->end && *s == '<')
        slim_start_tag(b, s, 1);
#else
    (void)b;
    (void)name;
    (void)tag;
    (void)own_tag;
#endif
}

/* Scans the text run at s up to the next '<' under take_first_text's rules; returns its
 * end (the '<'), or NULL when libxml2 must read it itself. */
static const xmlChar *plain_run(const xmlChar *s, const xmlChar *end)
{
    const xmlChar *p = s;
    for (; p < end; p++) {
        xmlChar c = *p;
        if (c == '<')
            break;
        if (c == '&' || (c < 0x20 && c != '\t' && c != '\n'))
            return NULL;
        if (c == 0xEF && p + 2 < end && p[1] == 0xBF && (p[2] == 0xBE || p[2] == 0xBF))
            return NULL;
    }
    return p < end && p > s ? p : NULL;
}

/* And for the text after an end tag (`</a> and the rest of the sentence`, the newline
 * and indentation between blocks). Only when this call is the one htmlParseEndTag makes
 * for the tag written just before the cursor ("</name>" — not one of the implied closes
 * it or a start tag makes first, whose text would belong elsewhere), and the parent that
 * receives the text is not <html>/<head>. Nothing is written: the cursor is past '>'.
 * Then the start tag that follows is slimmed. */
static void take_next_text(builder *b, const char *name)
{
#if LIBXML_VERSION >= 20900 && LIBXML_VERSION < 21100
    htmlParserCtxtPtr ctxt = b->ctxt;
    xmlParserInputPtr in = ctxt->input;
    if (!in || !in->cur || !in->end || !in->base || ctxt->nameNr < 2 || !ctxt->name ||
        ((const char *)ctxt->name != name && strcmp((const char *)ctxt->name, name) != 0))
        return;
    if (in->base >= b->own && in->base < b->own + b->own_len)
        return;
    const xmlChar *q = in->cur;
    size_t nl = strlen(name);
    if (q - in->base < (ptrdiff_t)(nl + 3) || q[-1] != '>')
        return;
    q--;
    while (q > in->base && (q[-1] == ' ' || q[-1] == '\t' || q[-1] == '\n' || q[-1] == '\r'))
        q--;
    if (q - in->base < (ptrdiff_t)(nl + 2))
        return;
    q -= nl;
    for (size_t k = 0; k < nl; k++)
        if (lower(q[k]) != (xmlChar)name[k])
            return;
    if (q[-1] != '/' || q[-2] != '<')
        return;
    const char *parent = (const char *)ctxt->nameTab[ctxt->nameNr - 2];
    if (parent && strcmp(parent, "html") != 0 && strcmp(parent, "head") != 0) {
        const xmlChar *p = plain_run(in->cur, in->end);
        if (p) {
            add_text(b, in->cur, (int)(p - in->cur));
            in->cur = p;
        }
    }
    if (in->cur < in->end && *in->cur == '<')
        slim_start_tag(b, in->cur, 0);
#else
    (void)b;
    (void)name;
#endif
}

/* After text libxml2 delivered itself, the content loop goes on at the cursor: a start
 * tag there is slimmed (not inside <script>/<style>, whose text may hold '<' + letter). */
static void slim_after_text(builder *b)
{
#if LIBXML_VERSION >= 20900 && LIBXML_VERSION < 21100
    htmlParserCtxtPtr ctxt = b->ctxt;
    xmlParserInputPtr in = ctxt->input;
    if (!in || !in->cur || !in->end || !in->base || in->end - in->cur < 2 ||
        in->cur[0] != '<' || !is_alpha(in->cur[1]) || !ctxt->name ||
        !strcmp((const char *)ctxt->name, "script") || !strcmp((const char *)ctxt->name, "style"))
        return;
    if (in->base >= b->own && in->base < b->own + b->own_len)
        return;
    slim_start_tag(b, in->cur, 0);
#else
    (void)b;
#endif
}

/* The attributes slim_start_tag kept for this startElement call, if it is theirs. */
static int take_stash(builder *b, const char *name, tm_hattr **attrs, uint16_t *n)
{
    xmlParserInputPtr in = b->ctxt->input;
    if (!b->st_valid || !in || !in->cur || !in->base || in_pos(in, in->cur) != b->st_end ||
        strcmp(b->st_name, name) != 0)
        return 0;
    b->st_valid = 0;
    *attrs = b->st_attrs;
    *n = b->st_n;
    return 1;
}

static void sax_start(void *ctx, const xmlChar *name, const xmlChar **atts)
{
    builder *b = ctx;
    check_budget(b);
    flush_text(b);
    if (b->depth >= b->max_depth) {
        /* Deeper elements are flattened into the deepest allowed one: their text stays,
         * their structure goes, and the tree (and every recursive pass) stays shallow. */
        b->overflow++;
        b->h->depth_limit = 1;
        /* keep flattened blocks apart: the next text starts with a newline */
        if (tm_html_is_block(tag_of(b, name)))
            b->pending_break = 1;
        return;
    }
    const char *nm = (const char *)name;
    int tag = tag_of(b, name);
    tm_hnode *n = new_node(b, tag);
    if (!n)
        return;
    tm_hattr *st = NULL;
    uint16_t ns = 0;
    int own_tag = take_stash(b, nm, &st, &ns);
    uint16_t k = 0;
    int ids[64];
    if (atts)
        for (size_t i = 0; atts[i] && k < 64; i += 2)
            if ((ids[k] = attr_id((const char *)atts[i])) != 0)
                k++;
    if (k + ns) {
        n->attrs = tm_arena_alloc(b->a, (size_t)(k + ns) * sizeof *n->attrs);
        if (n->attrs) {
            /* slim_start_tag leaves no attribute twice, so the order does not matter */
            if (ns)
                memcpy(n->attrs, st, ns * sizeof *st);
            n->n_attrs = ns;
            uint16_t j = 0;
            for (size_t i = 0; k && atts[i] && j < k; i += 2) {
                if (!attr_id((const char *)atts[i]))
                    continue;
                const char *v = atts[i + 1] ? (const char *)atts[i + 1] : "";
                n->attrs[n->n_attrs].id = (uint8_t)ids[j++];
                n->attrs[n->n_attrs].value = tm_arena_strndup(b->a, v, strlen(v));
                if (n->attrs[n->n_attrs].value)
                    n->n_attrs++;
            }
        }
    }
    if (tag == TM_T_STYLE)
        b->skip_text = 1;
    else if (tag == TM_T_SCRIPT) {
        const char *ty = tm_html_attr(n, "type");
        b->skip_text = !(ty && strstr(ty, "ld+json"));
    }
    b->cur = n;
    b->depth++;
    if (b->skip_text)
        skip_raw_text(b, nm);
    else
        take_first_text(b, nm, tag, own_tag);
}

static void sax_end(void *ctx, const xmlChar *name)
{
    (void)name;
    builder *b = ctx;
    flush_text(b);
    if (b->overflow) {
        b->overflow--;
        return;
    }
    if (b->cur == b->h->root)
        return;
    b->cur = b->cur->parent;
    b->depth--;
    b->skip_text = 0;
    take_next_text(b, (const char *)name);
}

static void add_text(builder *b, const xmlChar *ch, int len)
{
    if (b->skip_text || len <= 0)
        return;
    if (b->pending_break) {
        b->pending_break = 0;
        tm_buf_putc(&b->text, '\n');
    }
    if (tm_buf_append(&b->text, ch, (size_t)len) != TAMIS_OK) {
        b->nomem = 1;
        xmlStopParser(b->ctxt);
    }
}

static void sax_text(void *ctx, const xmlChar *ch, int len)
{
    builder *b = ctx;
    add_text(b, ch, len);
    slim_after_text(b);
}

/* ---- charset */
static int ascii_ieq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = *a, y = *b;
        if (x >= 'A' && x <= 'Z')
            x = (char)(x + 32);
        if (y >= 'A' && y <= 'Z')
            y = (char)(y + 32);
        if (x != y)
            return 0;
    }
    return *a == *b;
}

static const char *memcasemem(const char *h, size_t hn, const char *needle)
{
    size_t nn = strlen(needle);
    if (nn > hn)
        return NULL;
    for (size_t i = 0; i + nn <= hn; i++) {
        size_t k = 0;
        while (k < nn) {
            char c = h[i + k];
            if (c >= 'A' && c <= 'Z')
                c = (char)(c + 32);
            if (c != needle[k])
                break;
            k++;
        }
        if (k == nn)
            return h + i;
    }
    return NULL;
}

const char *tm_html_sniff_charset(tm_arena *a, const uint8_t *s, size_t n)
{
    if (n >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF)
        return "utf-8";
    if (n >= 2 && s[0] == 0xFF && s[1] == 0xFE)
        return "utf-16le";
    if (n >= 2 && s[0] == 0xFE && s[1] == 0xFF)
        return "utf-16be";
    /* The HTML standard's prescan looks at the first 1024 bytes; real pages put long
     * scripts first, so look a little further. */
    const char *p = (const char *)s;
    size_t lim = TM_MIN(n, (size_t)8192);
    const char *end = p + lim;
    while (p < end) {
        const char *m = memcasemem(p, (size_t)(end - p), "<meta");
        if (!m)
            break;
        const char *gt = memchr(m, '>', (size_t)(end - m));
        if (!gt)
            break;
        const char *c = memcasemem(m, (size_t)(gt - m), "charset");
        if (c) {
            c += 7;
            while (c < gt && (*c == ' ' || *c == '=' || *c == '"' || *c == '\''))
                c++;
            const char *e = c;
            while (e < gt && (isalnum((unsigned char)*e) || *e == '-' || *e == '_' ||
                              *e == ':' || *e == '.'))
                e++;
            if (e > c && e - c < 40) {
                char *v = tm_arena_strndup(a, c, (size_t)(e - c));
                if (!v)
                    return NULL;
                for (char *q = v; *q; q++)
                    *q = (char)tolower((unsigned char)*q);
                return v;
            }
        }
        p = gt + 1;
    }
    return NULL;
}

/* WHATWG label mapping for the few labels whose real-world meaning differs from the iconv
 * charset of the same name (browsers decode "iso-8859-1" as windows-1252, etc.). */
static const char *iconv_name(const char *cs)
{
    static const char *const map[][2] = {
        {"iso-8859-1", "WINDOWS-1252"}, {"latin1", "WINDOWS-1252"},
        {"iso8859-1", "WINDOWS-1252"}, {"us-ascii", "WINDOWS-1252"},
        {"ascii", "WINDOWS-1252"}, {"iso_8859-1", "WINDOWS-1252"},
        {"gb2312", "GB18030"}, {"gbk", "GB18030"}, {"x-gbk", "GB18030"},
        {"shift_jis", "CP932"}, {"shift-jis", "CP932"}, {"sjis", "CP932"},
        {"x-sjis", "CP932"}, {"windows-31j", "CP932"}, {"euc-kr", "CP949"},
        {"ks_c_5601-1987", "CP949"}, {"iso-8859-9", "WINDOWS-1254"},
        {"tis-620", "CP874"}, {"iso-8859-11", "CP874"}, {"x-mac-cyrillic", "MAC-CYRILLIC"},
        {"unicode", "UTF-16LE"}, {"utf-16", "UTF-16LE"},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (ascii_ieq(cs, map[i][0]))
            return map[i][1];
    return cs;
}

static int is_utf8_label(const char *cs)
{
    return ascii_ieq(cs, "utf-8") || ascii_ieq(cs, "utf8") || ascii_ieq(cs, "unicode-1-1-utf-8");
}

char *tm_html_to_utf8(tm_arena *a, const char *cs, const uint8_t *s, size_t n, size_t *out_len)
{
    iconv_t cd = iconv_open("UTF-8", iconv_name(cs));
    if (cd == (iconv_t)-1)
        return NULL;
    /* Every supported source charset needs at most 4 output bytes per input byte (a lone
     * byte mapped to U+FFFD takes 3), so one allocation is enough. */
    size_t cap = n * 4 + 4;
    char *out = tm_arena_alloc(a, cap);
    if (!out) {
        iconv_close(cd);
        return NULL;
    }
    char *in = (char *)s, *o = out;
    size_t inleft = n, outleft = cap - 1;
    while (inleft > 0) {
        size_t r = iconv(cd, &in, &inleft, &o, &outleft);
        if (r != (size_t)-1)
            break;
        if ((errno == EILSEQ || errno == EINVAL) && outleft >= 3) {
            /* Undecodable byte: U+FFFD, then resynchronise on the next byte. */
            memcpy(o, "\xEF\xBF\xBD", 3);
            o += 3;
            outleft -= 3;
            in++;
            inleft--;
            iconv(cd, NULL, NULL, NULL, NULL);
        } else
            break;
    }
    iconv_close(cd);
    *o = '\0';
    *out_len = (size_t)(o - out);
    return out;
}

static const char *detect_charset(tm_arena *a, const uint8_t *s, size_t n)
{
    uchardet_t ud = uchardet_new();
    if (!ud)
        return NULL;
    /* 64 KiB is plenty for a stable guess and bounds the detector's time. */
    uchardet_handle_data(ud, (const char *)s, TM_MIN(n, (size_t)65536));
    uchardet_data_end(ud);
    const char *cs = uchardet_get_charset(ud);
    char *r = (cs && *cs) ? tm_arena_strndup(a, cs, strlen(cs)) : NULL;
    uchardet_delete(ud);
    return r;
}

/* Length of the valid UTF-8 prefix of s; ASCII runs are skipped eight bytes at a time
 * (pages are mostly ASCII markup, and this runs over every byte). */
static size_t utf8_valid_prefix(const uint8_t *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        if (i + 8 <= n) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (!(w & 0x8080808080808080ull)) {
                i += 8;
                continue;
            }
        }
        uint8_t c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t k;
        uint32_t cp;
        if (c >= 0xC2 && c <= 0xDF)
            k = 1, cp = c & 0x1F;
        else if (c >= 0xE0 && c <= 0xEF)
            k = 2, cp = c & 0x0F;
        else if (c >= 0xF0 && c <= 0xF4)
            k = 3, cp = c & 0x07;
        else
            return i;
        if (i + k >= n)
            return i;
        for (size_t j = 1; j <= k; j++) {
            if ((s[i + j] & 0xC0) != 0x80)
                return i;
            cp = (cp << 6) | (s[i + j] & 0x3F);
        }
        if ((k == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
            (k == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
            return i;
        i += k + 1;
    }
    return n;
}

/* Decides the charset and returns UTF-8 bytes (the input itself when it already is). */
static const char *decode(tm_arena *a, const uint8_t *s, size_t n, const char *declared,
                          size_t *out_len, const char **used)
{
    /* BOM first: it is the strongest signal and must not reach the parser. */
    if (n >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF) {
        s += 3;
        n -= 3;
        declared = "utf-8";
    } else if (n >= 2 && ((s[0] == 0xFF && s[1] == 0xFE) || (s[0] == 0xFE && s[1] == 0xFF))) {
        *used = s[0] == 0xFF ? "utf-16le" : "utf-16be";
        return tm_html_to_utf8(a, *used, s + 2, n - 2, out_len);
    }
    size_t valid = utf8_valid_prefix(s, n);
    int utf8_ok = valid == n || (n - valid < 4 && valid + 4 > n); /* cut mid-character */
    const char *cs = declared && *declared ? declared : tm_html_sniff_charset(a, s, n);
    if (cs && ascii_ieq(cs, "utf-16")) /* a meta claiming UTF-16 in ASCII bytes lies */
        cs = NULL;
    if (utf8_ok) {
        /* Valid UTF-8 with any multi-byte sequence is UTF-8 whatever the label says
         * (legacy text almost never forms valid sequences by chance); pure ASCII decodes
         * the same under every ASCII-compatible label. */
        *used = "utf-8";
        *out_len = n;
        return (const char *)s;
    }
    if (!cs || is_utf8_label(cs))
        cs = detect_charset(a, s, n);
    if (cs && !is_utf8_label(cs)) {
        const char *r = tm_html_to_utf8(a, cs, s, n, out_len);
        if (r) {
            *used = cs;
            return r;
        }
    }
    /* Unknown charset: keep the valid UTF-8 and replace the rest. */
    *used = "utf-8";
    return tm_utf8_sanitize(a, (const char *)s, n, out_len);
}

/* libxml2 must be initialised once before threads use it: otherwise two workers' first
 * parser contexts race to create its global mutexes and dictionaries (a deadlock seen in
 * `tamis run -j2`). pthread_once makes the first caller do it. */
static pthread_once_t xml_once = PTHREAD_ONCE_INIT;
static void xml_init(void)
{
    xmlInitParser();
    for (size_t i = 0; i < sizeof tag_names / sizeof tag_names[0]; i++) {
        const htmlElemDesc *info = htmlTagLookup((const xmlChar *)tag_names[i].name);
        if (tag_names[i].id != TM_T_OTHER)
            empty_tag[tag_names[i].id] = info && info->empty;
    }
}
void tm_html_init(void) { pthread_once(&xml_once, xml_init); }

tamis_status tm_html_parse(tm_arena *a, const uint8_t *bytes, size_t n, const char *declared,
                           const tm_html_limits *lim, tm_hdoc *out)
{
    tm_html_init();
    memset(out, 0, sizeof *out);
    if (lim->max_bytes && n > lim->max_bytes) {
        n = lim->max_bytes;
        out->truncated = 1;
    }
    size_t len = 0;
    const char *used = NULL;
    const char *u = decode(a, bytes, n, declared, &len, &used);
    if (!u)
        return TAMIS_ERR_NOMEM;
    out->charset = used;
    out->root = tm_arena_alloc(a, sizeof *out->root);
    if (!out->root)
        return TAMIS_ERR_NOMEM;
    memset(out->root, 0, sizeof *out->root);
    out->root->tag = TM_T_OTHER;
    if (len == 0)
        return TAMIS_OK;
    if (len > INT32_MAX)
        len = INT32_MAX;

    builder b;
    memset(&b, 0, sizeof b);
    b.a = a;
    b.h = out;
    b.cur = out->root;
    b.max_depth = lim->max_depth ? lim->max_depth : 512;
    b.budget = lim->max_seconds;
    tm_buf_init(&b.text);
    tm_buf_init(&b.scratch);
    clock_gettime(CLOCK_MONOTONIC, &b.t0);

    htmlParserCtxtPtr ctxt = htmlCreateMemoryParserCtxt(u, (int)len);
    if (!ctxt)
        return TAMIS_ERR_NOMEM;
    b.ctxt = ctxt;
    b.own = (const xmlChar *)u;
    b.own_len = len;
    xmlSAXHandler sax;
    memset(&sax, 0, sizeof sax);
    sax.startElement = sax_start;
    sax.endElement = sax_end;
    sax.characters = sax_text;
    sax.ignorableWhitespace = sax_text;
    sax.cdataBlock = sax_text;
    memcpy(ctxt->sax, &sax, sizeof sax);
    ctxt->userData = &b;
    /* The bytes are UTF-8 now: IGNORE_ENC stops libxml2 from re-decoding on <meta>.
     * HUGE lifts libxml2's own nesting ceiling (256), at which it would silently stop
     * parsing and lose the rest of the page; our ceiling (max_depth) flattens instead. */
    htmlCtxtUseOptions(ctxt, HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                 HTML_PARSE_NONET | HTML_PARSE_IGNORE_ENC | XML_PARSE_HUGE);
    xmlSwitchEncoding(ctxt, XML_CHAR_ENCODING_UTF8);
    htmlParseDocument(ctxt);
    /* libxml2 gives up on some inputs (nesting past its own ceiling even with HUGE):
     * the page is then cut where it stopped, and the record says so. */
    if (!b.nomem && !out->timed_out && ctxt->input && ctxt->input->cur &&
        ctxt->input->end && ctxt->input->end - ctxt->input->cur > 16)
        out->stopped = 1;
    flush_text(&b);
    htmlFreeParserCtxt(ctxt);
    tm_buf_free(&b.text);
    tm_buf_free(&b.scratch);
    return b.nomem ? TAMIS_ERR_NOMEM : TAMIS_OK;
}
