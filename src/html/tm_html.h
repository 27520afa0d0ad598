/* tm_html.h — the extract stage's private view of a parsed page: a compact element tree in
 * the document's arena, built by the parser adapter (tm_html_parse.c, the only file that
 * sees libxml2), plus the passes that run on it (metadata, main content, rendering). */
#ifndef TM_HTML_H
#define TM_HTML_H

#include "../common/tm_common.h"

/* Tags the extractor reasons about; everything else is TM_T_OTHER (kept, inline). */
enum {
    TM_T_TEXT = 0, /* text node */
    TM_T_OTHER,
    TM_T_HTML, TM_T_HEAD, TM_T_BODY, TM_T_TITLE, TM_T_META, TM_T_LINK, TM_T_SCRIPT,
    TM_T_STYLE, TM_T_NOSCRIPT, TM_T_TEMPLATE, TM_T_IFRAME, TM_T_SVG, TM_T_CANVAS,
    TM_T_FORM, TM_T_INPUT, TM_T_BUTTON, TM_T_SELECT, TM_T_TEXTAREA, TM_T_LABEL,
    TM_T_OPTION,
    TM_T_NAV, TM_T_ASIDE, TM_T_FOOTER, TM_T_HEADER, TM_T_MENU,
    TM_T_ARTICLE, TM_T_MAIN, TM_T_SECTION, TM_T_DIV, TM_T_SPAN,
    TM_T_P, TM_T_H1, TM_T_H2, TM_T_H3, TM_T_H4, TM_T_H5, TM_T_H6,
    TM_T_UL, TM_T_OL, TM_T_LI, TM_T_DL, TM_T_DT, TM_T_DD,
    TM_T_TABLE, TM_T_THEAD, TM_T_TBODY, TM_T_TFOOT, TM_T_TR, TM_T_TD, TM_T_TH,
    TM_T_CAPTION,
    TM_T_BLOCKQUOTE, TM_T_PRE, TM_T_CODE, TM_T_BR, TM_T_HR, TM_T_A, TM_T_IMG,
    TM_T_FIGURE, TM_T_FIGCAPTION, TM_T_PICTURE, TM_T_VIDEO, TM_T_AUDIO, TM_T_OBJECT,
    TM_T_EM, TM_T_I, TM_T_STRONG, TM_T_B, TM_T_TIME, TM_T_ADDRESS, TM_T_CENTER,
    TM_T_FONT, TM_T_SUP, TM_T_SUB, TM_T_SMALL, TM_T_U, TM_T_MARK, TM_T_ABBR, TM_T_CITE,
    TM_T_Q, TM_T_DETAILS, TM_T_SUMMARY, TM_T_DIALOG,
    TM_T__COUNT
};

typedef struct tm_hattr {
    uint8_t id; /* which attribute (the parser keeps a fixed set, see tm_html_attr) */
    const char *value;
} tm_hattr;

/* One element or text node. Counters are filled by the content pass. */
typedef struct tm_hnode tm_hnode;
struct tm_hnode {
    tm_hnode *parent, *first, *last, *next;
    const char *text; /* text nodes: UTF-8, not NUL-terminated; elements: NULL */
    uint32_t text_len;
    uint16_t tag;
    uint16_t n_attrs;
    tm_hattr *attrs;
    uint32_t depth;
    uint32_t flags;
    /* content-pass aggregates over the subtree (text in non-removed nodes) */
    uint32_t chars, link_chars, n_p, commas;
    uint32_t pchars; /* text in <p> blocks that are not link lists */
    float score;
};

/* flags */
#define TM_HF_REMOVED 0x1u   /* boilerplate: never rendered */
#define TM_HF_CANDIDATE 0x2u /* has a content score */
#define TM_HF_KEEP 0x4u      /* chosen for output */
#define TM_HF_POSITIVE 0x8u  /* class/id looks like content */
#define TM_HF_NEGATIVE 0x10u /* class/id looks like boilerplate */
#define TM_HF_COMMENTS 0x20u /* a comment section */
#define TM_HF_HIDDEN 0x40u   /* hidden by attribute or inline style */
#define TM_HF_HAS_H1 0x80u   /* an <h1> is in the subtree */
#define TM_HF_STRONG_NEG 0x100u /* class/id names boilerplate outright (share, author-bio) */

typedef struct tm_hdoc {
    tm_hnode *root; /* synthetic root; <html> is among its children */
    size_t n_nodes;
    int truncated;   /* input cut at the byte ceiling */
    int depth_limit; /* some elements were flattened at the depth ceiling */
    int timed_out;   /* the time budget ran out while parsing */
    int stopped;     /* the parser gave up before the end of the input */
    const char *charset; /* charset the page was decoded from (static or arena) */
} tm_hdoc;

typedef struct tm_html_limits {
    size_t max_bytes;
    uint32_t max_depth;
    double max_seconds; /* parse time budget; <= 0: none */
} tm_html_limits;

/* Decodes bytes (charset: HTTP header, BOM, <meta>, then uchardet) and parses them into a
 * tree in arena a. declared may be NULL. Returns TAMIS_OK, TAMIS_ERR_ENCODING or
 * TAMIS_ERR_NOMEM; limits hits are flagged in *out, not errors. */
/* Initialises libxml2 once per process (thread-safe); the stage calls it at creation. */
void tm_html_init(void);
tamis_status tm_html_parse(tm_arena *a, const uint8_t *bytes, size_t n, const char *declared,
                           const tm_html_limits *lim, tm_hdoc *out);

/* Converts bytes from charset cs to UTF-8 in the arena (invalid bytes -> U+FFFD).
 * Returns NULL if iconv does not know cs. */
char *tm_html_to_utf8(tm_arena *a, const char *cs, const uint8_t *s, size_t n, size_t *out_len);
/* The charset the page declares in its first bytes (BOM or <meta>), or NULL. Static or
 * arena string, lower case. */
const char *tm_html_sniff_charset(tm_arena *a, const uint8_t *s, size_t n);

/* Tag id of a lower-case name. */
int tm_html_tag_id(const char *name, size_t len);

/* The attributes the parser keeps (tm_hattr.id); it drops every other one. */
enum {
    TM_A_NONE = 0, TM_A_ARIA_HIDDEN, TM_A_ALT, TM_A_CLASS, TM_A_CONTENT, TM_A_CHARSET,
    TM_A_DATETIME, TM_A_HREF, TM_A_HIDDEN, TM_A_HTTP_EQUIV, TM_A_ID, TM_A_ITEMPROP,
    TM_A_ITEMTYPE, TM_A_ITEMSCOPE, TM_A_LANG, TM_A_NAME, TM_A_PROPERTY, TM_A_PUBDATE,
    TM_A_REL, TM_A_ROLE, TM_A_STYLE, TM_A_SRC, TM_A_TYPE, TM_A_TITLE, TM_A_XML_LANG
};
/* Id of the lower-case attribute name[0..len), TM_A_NONE if the parser drops it. */
int tm_html_attr_id(const char *name, size_t len);

/* Value of attribute id of n, or NULL. */
static inline const char *tm_html_attr_by_id(const tm_hnode *n, int id)
{
    for (uint16_t i = 0; i < n->n_attrs; i++)
        if (n->attrs[i].id == id)
            return n->attrs[i].value;
    return NULL;
}

/* Id of an attribute name. The passes call tm_html_attr with string literals, for which
 * the compiler folds this chain to a constant (tm_html_attr was 4 % of all instructions
 * as a lookup by name). */
static inline int tm_html_attr_key(const char *name)
{
#define TM_K(lit, id) !strcmp(name, lit) ? (id):
    return TM_K("aria-hidden", TM_A_ARIA_HIDDEN) TM_K("alt", TM_A_ALT) TM_K("class", TM_A_CLASS) TM_K("content", TM_A_CONTENT)
           TM_K("charset", TM_A_CHARSET) TM_K("datetime", TM_A_DATETIME) TM_K("href", TM_A_HREF) TM_K("hidden", TM_A_HIDDEN)
           TM_K("http-equiv", TM_A_HTTP_EQUIV) TM_K("id", TM_A_ID) TM_K("itemprop", TM_A_ITEMPROP) TM_K("itemtype", TM_A_ITEMTYPE)
           TM_K("itemscope", TM_A_ITEMSCOPE) TM_K("lang", TM_A_LANG) TM_K("name", TM_A_NAME) TM_K("property", TM_A_PROPERTY)
           TM_K("pubdate", TM_A_PUBDATE) TM_K("rel", TM_A_REL) TM_K("role", TM_A_ROLE) TM_K("style", TM_A_STYLE)
           TM_K("src", TM_A_SRC) TM_K("type", TM_A_TYPE) TM_K("title", TM_A_TITLE) TM_K("xml:lang", TM_A_XML_LANG)
           TM_A_NONE;
#undef TM_K
}

/* Value of attribute name (lower case) of n, or NULL; "" for an attribute without a
 * value. Only the attributes of the enum above are kept. */
static inline const char *tm_html_attr(const tm_hnode *n, const char *name)
{
    return n->n_attrs ? tm_html_attr_by_id(n, tm_html_attr_key(name)) : NULL;
}

/* Appends the text of n's subtree to out with whitespace runs collapsed to one space
 * (no leading/trailing space added); script, style and template content is skipped. */
tamis_status tm_html_node_text(const tm_hnode *n, tm_buf *out);

/* True for tags that start a new block of text. */
static inline int tm_html_is_block(int tag)
{
    switch (tag) {
    case TM_T_P: case TM_T_DIV: case TM_T_H1: case TM_T_H2: case TM_T_H3: case TM_T_H4:
    case TM_T_H5: case TM_T_H6: case TM_T_UL: case TM_T_OL: case TM_T_LI: case TM_T_DL:
    case TM_T_DT: case TM_T_DD: case TM_T_TABLE: case TM_T_TR: case TM_T_TD: case TM_T_TH:
    case TM_T_BLOCKQUOTE: case TM_T_PRE: case TM_T_ARTICLE: case TM_T_SECTION:
    case TM_T_MAIN: case TM_T_HEADER: case TM_T_FOOTER: case TM_T_NAV: case TM_T_ASIDE:
    case TM_T_FIGURE: case TM_T_FIGCAPTION: case TM_T_FORM: case TM_T_HR: case TM_T_CAPTION:
    case TM_T_ADDRESS: case TM_T_CENTER: case TM_T_BODY: case TM_T_HTML: case TM_T_DETAILS:
    case TM_T_SUMMARY: case TM_T_MENU: case TM_T_THEAD: case TM_T_TBODY: case TM_T_TFOOT:
    case TM_T_DIALOG:
        return 1;
    default:
        return 0;
    }
}

static inline int tm_html_is_heading(int tag) { return tag >= TM_T_H1 && tag <= TM_T_H6; }

/* ---- extraction passes (tm_extract_meta.c, tm_extract_content.c) */
typedef struct tm_extract_opts {
    bool keep_comments;
    bool markdown;
    bool links;        /* markdown: keep [text](url) */
    bool tables;
    int64_t min_chars; /* below this the content pass falls back to a wider search */
    const char *title; /* the page's title (metadata): an <h1> equal to it is not body */
} tm_extract_opts;

/* Fills doc metadata fields (title, author, dates, ...) from the tree. */
tamis_status tm_extract_meta(tamis_doc *doc, const tm_hdoc *h);
/* Finds the first date in s[0..n) (ISO 8601, D.M.YYYY, "12 March 2020", "March 12, 2020"
 * in English, German, French, Spanish) and writes it as ISO 8601 into out. Returns 1 if
 * one was found. */
int tm_extract_parse_date(const char *s, size_t n, char out[40]);
/* Finds the main content and renders it into out (text or markdown). */
tamis_status tm_extract_content(tm_arena *a, tm_hdoc *h, const tm_extract_opts *o, tm_buf *out);

#endif /* TM_HTML_H */
