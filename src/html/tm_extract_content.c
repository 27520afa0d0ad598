/* tm_extract_content.c — main-content detection on the parsed tree and rendering of the
 * chosen nodes as plain text or Markdown.
 *
 * The algorithm (docs/extract.md) combines what the literature found to work:
 *  1. pruning: elements that are never content (scripts, forms controls, nav, aside,
 *     hidden elements) and containers whose class/id names boilerplate (share, related,
 *     comments, newsletter, ...) are marked removed;
 *  2. aggregates per subtree: text length, link text length (link density, Kohlschütter
 *     et al. 2010), commas;
 *  3. scoring: every paragraph-like block gives a score from its length and commas to its
 *     ancestors with decaying weight (Readability's propagation), the container's score
 *     is scaled by (1 - link density) and shifted by class/id hints and tag;
 *  4. selection: the best container, widened to a common ancestor when several good
 *     candidates share one, plus siblings that score well or read like paragraphs; a
 *     schema.org articleBody or a single <article> with most of the text overrides;
 *  5. rendering: inside the selection, link-heavy or tiny boilerplate blocks are skipped
 *     (conditional cleaning), headings/lists/quotes/tables are kept;
 *  6. fallback: when the selection yields too little text, every low-link-density
 *     paragraph of the body is taken instead.
 * Thresholds are this file's own, tuned on the dev splits named in docs/extract.md. */
#include "tm_html.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>

/* ---- text of a subtree */
static int skip_tag(int tag)
{
    return tag == TM_T_SCRIPT || tag == TM_T_STYLE || tag == TM_T_TEMPLATE ||
           tag == TM_T_HEAD || tag == TM_T_TITLE;
}

static tamis_status text_rec(const tm_hnode *n, tm_buf *out, int *sp, int depth)
{
    for (const tm_hnode *c = n->first; c; c = c->next) {
        if (c->tag == TM_T_TEXT) {
            for (uint32_t i = 0; i < c->text_len; i++) {
                unsigned char ch = (unsigned char)c->text[i];
                if (ch == ' ' || ch == '\n' || ch == '\t' || ch == '\r' || ch == '\f') {
                    *sp = 1;
                    continue;
                }
                if (*sp && out->len)
                    tm_buf_putc(out, ' ');
                *sp = 0;
                if (tm_buf_putc(out, (char)ch) != TAMIS_OK)
                    return TAMIS_ERR_NOMEM;
            }
        } else if (!skip_tag(c->tag)) {
            if (tm_html_is_block(c->tag) || c->tag == TM_T_BR)
                *sp = 1;
            if (depth < 1024 && text_rec(c, out, sp, depth + 1) != TAMIS_OK)
                return TAMIS_ERR_NOMEM;
            if (tm_html_is_block(c->tag))
                *sp = 1;
        }
    }
    return TAMIS_OK;
}

tamis_status tm_html_node_text(const tm_hnode *n, tm_buf *out)
{
    int sp = 0;
    return text_rec(n, out, &sp, 0);
}

/* ---- class/id hints */
/* Whether a part of a class token starts at p (s is the start of the value): after a
 * space, '-', '_' or a lower-to-upper case step (camelCase). */
static inline int part_starts_at(const char *s, const char *p)
{
    return p == s || p[-1] == ' ' || p[-1] == '-' || p[-1] == '_' ||
           (islower((unsigned char)p[-1]) && isupper((unsigned char)*p));
}

/* Whether one of pats matches at the start of a part of the class/id value v (see
 * part_starts_at); with whole, the match must also end where the part ends ("post-tags"
 * has the part "tags", "tocco" has no part "toc"). */
static int part_match(const char *v, const char *const *pats, size_t np, int whole)
{
    for (const char *p = v; *p; p++) {
        if (!part_starts_at(v, p))
            continue;
        char c0 = (char)tolower((unsigned char)*p);
        for (size_t i = 0; i < np; i++) {
            if (pats[i][0] != c0) /* cheap first-letter filter before the compare */
                continue;
            size_t l = strlen(pats[i]);
            if (strncasecmp(p, pats[i], l))
                continue;
            char e = p[l];
            if (!whole || !e || e == ' ' || e == '-' || e == '_' || isupper((unsigned char)e))
                return 1;
        }
    }
    return 0;
}

/* Boilerplate names: matched at the start of a class/id token or of a '-'/'_' part. */
static const char *const neg_strong[] = {
    "share", "sharing", "social", "related", "recommend", "newsletter", "subscribe",
    "sidebar", "breadcrumb", "cookie", "consent", "advert", "adsbygoogle",
    "promo", "sponsor", "outbrain", "taboola", "popup", "modal", "navbar", "navigation",
    "menu", "masthead", "pagination", "pager", "footer", "site-header", "signup",
    "paywall", "tag-list", "taglist", "byline", "author", "autor",
    "most-popular", "mostpopular", "trending", "read-more", "readmore", "more-stories",
    "also-read", "toolbar", "rating", "banner", "caption", "credit", "copyright", "legend",
    "noprint", "no-print", "crumb", "licence", "license",
    "sr-only", "visually-hidden", "screen-reader", "disclaimer", "login", "donate",
    "table-of-contents", "infobox", "rollover", "tooltip", "popover", "hovercard"};
/* Short or ambiguous names: only at the very start of a class/id token. */
static const char *const neg_start[] = {"widget", "ad-", "ads-", "ad_", "ads", "tags", "toc", "meta",
                                        "skip", "jump", "follow", "bio", "contrib",
                                        "about-author", "dfp"};
static const char *const neg_weak[] = {"comment", "foot", "header", "shoutbox", "combx",
                                       "contact", "media", "scroll", "tool", "nav", "side",
                                       "extra", "aside", "links", "card", "list", "teaser"};
static const char *const pos[] = {"article", "body", "content", "entry", "hentry", "main",
                                  "post", "text", "blog", "story", "prose", "richtext",
                                  "rich-text", "single", "news"};
/* Never article text, however much text they hold (cookie walls, consent dialogs). */
static const char *const neg_never[] = {"cookie", "consent", "gdpr"};
static const char *const comment_pats[] = {"comment", "disqus", "respond", "reply",
                                           "discussion", "kommentar", "reactions"};

static int token_first(const char *v, const char *const *pats, size_t np)
{
    for (const char *p = v; *p; p++) {
        if (p != v && p[-1] != ' ')
            continue;
        char c0 = (char)tolower((unsigned char)*p);
        for (size_t i = 0; i < np; i++) {
            if (pats[i][0] != c0)
                continue;
            size_t l = strlen(pats[i]);
            /* "ads" must be the whole token; "ad-" style prefixes carry their dash */
            if (!strncasecmp(p, pats[i], l) &&
                (pats[i][l - 1] == '-' || pats[i][l - 1] == '_' || p[l] == 0 || p[l] == ' ' ||
                 p[l] == '-' || p[l] == '_'))
                return 1;
        }
    }
    return 0;
}

static int class_id_match(const tm_hnode *n, const char *const *pats, size_t np)
{
    const char *c = tm_html_attr(n, "class"), *i = tm_html_attr(n, "id");
    return (c && part_match(c, pats, np, 0)) || (i && part_match(i, pats, np, 0));
}

static int class_id_first(const tm_hnode *n, const char *const *pats, size_t np)
{
    const char *c = tm_html_attr(n, "class"), *i = tm_html_attr(n, "id");
    return (c && token_first(c, pats, np)) || (i && token_first(i, pats, np));
}
#define MATCH_START(n, arr) class_id_first(n, arr, sizeof arr / sizeof arr[0])

/* Offset of the first part of the token t..end (its start, or after '-', '_', a camelCase
 * step) that begins with one of pats; -1 if none. */
static int part_at(const char *t, const char *end, const char *const *pats, size_t np)
{
    /* matched in place: no pattern holds a space, so none runs past the token's end */
    for (const char *p = t; p < end; p++) {
        if (p != t && !(p[-1] == '-' || p[-1] == '_' ||
                        (islower((unsigned char)p[-1]) && isupper((unsigned char)*p))))
            continue;
        char c0 = (char)tolower((unsigned char)*p);
        for (size_t i = 0; i < np; i++)
            if (pats[i][0] == c0 && !strncasecmp(p, pats[i], strlen(pats[i])))
                return (int)(p - t);
    }
    return -1;
}
/* A content name counts only when it comes before any widget name in its token: the parts
 * after a widget's name describe the widget ("newsletter__content", "related-posts"), and
 * "news" must not make "newsletter" content. Layout names (sidebar, footer) are not in the
 * list: "st-sidebar__content" and "content-with-sidebar" wrap articles. */
static const char *const widgets[] = {"share", "sharing", "social", "related", "recommend",
                                      "newsletter", "subscribe", "promo", "sponsor", "signup",
                                      "most-popular", "trending", "read-more", "more-stories",
                                      "also-read"};

/* The next space-separated token of a class/id value at *cur (its length in *n), or NULL
 * at the end; *cur moves past it. */
static const char *next_token(const char **cur, size_t *n)
{
    const char *p = *cur;
    while (*p == ' ')
        p++;
    const char *e = p;
    while (*e && *e != ' ')
        e++;
    *cur = e;
    *n = (size_t)(e - p);
    return *n ? p : NULL;
}

static int token_positive(const char *v)
{
    size_t n;
    for (const char *cur = v, *t; (t = next_token(&cur, &n));) {
        int ps = part_at(t, t + n, pos, sizeof pos / sizeof pos[0]);
        if (ps < 0)
            continue;
        int ns = part_at(t, t + n, widgets, sizeof widgets / sizeof widgets[0]);
        /* a BEM element named as boilerplate is that boilerplate, whatever its block is
         * called ("article-header__author", "post__share") */
        const char *el = NULL;
        for (const char *q = t; q + 1 < t + n; q++)
            if (q[0] == '_' && q[1] == '_')
                el = q + 2;
        if (el && part_at(el, t + n, neg_strong, sizeof neg_strong / sizeof neg_strong[0]) == 0)
            continue;
        if (ns < 0 || ps < ns)
            return 1;
    }
    return 0;
}
/* Short boilerplate names that only count as a whole part of a token ("post-tags",
 * "ez-toc"), never as a prefix ("tocco"). "meta" is not one: "recipe-meta" and
 * "event-meta" hold the text of recipes and events. */
static const char *const neg_part[] = {"tags", "toc"};
static int class_id_part_is(const tm_hnode *n, const char *const *pats, size_t np)
{
    const char *c = tm_html_attr(n, "class"), *i = tm_html_attr(n, "id");
    return (c && part_match(c, pats, np, 1)) || (i && part_match(i, pats, np, 1));
}

static int class_id_positive(const tm_hnode *n)
{
    const char *c = tm_html_attr(n, "class"), *i = tm_html_attr(n, "id");
    return (c && token_positive(c)) || (i && token_positive(i));
}
#define MATCH(n, arr) class_id_match(n, arr, sizeof arr / sizeof arr[0])

static int is_hidden(const tm_hnode *n)
{
    if (tm_html_attr(n, "hidden"))
        return 1;
    const char *ah = tm_html_attr(n, "aria-hidden");
    if (ah && !strcmp(ah, "true"))
        return 1;
    /* utility classes that hide on every screen ("hidden-xs" hides on small ones only) */
    const char *cl = tm_html_attr(n, "class");
    if (cl) {
        static const char *const hide[] = {"hidden", "d-none", "is-hidden", "visually-hidden",
                                           "sr-only", "screen-reader-text", "hide"};
        size_t tl;
        for (const char *cur = cl, *t; (t = next_token(&cur, &tl));)
            for (size_t i = 0; i < sizeof hide / sizeof hide[0]; i++)
                if (tl == strlen(hide[i]) && !strncasecmp(t, hide[i], tl))
                    return 1;
    }
    const char *st = tm_html_attr(n, "style");
    if (st && (strstr(st, "display:none") || strstr(st, "display: none") ||
               strstr(st, "visibility:hidden") || strstr(st, "visibility: hidden")))
        return 1;
    return 0;
}

typedef struct ctx {
    tm_arena *a;
    const tm_extract_opts *o;
    tm_hdoc *h;
    tm_hnode *body;
    tm_hnode **cands;
    size_t n_cands, cap_cands;
    tm_buf out;
    int pending; /* separator owed before the next text: 0 none, 1 space, 2 line, 3 blank */
    int in_pre;
    int list_depth;
    const char *title;
    uint32_t page_chars;
    int in_heading, heading_open, open_level;
    tm_hnode *comments[16]; /* comment sections (roots), rendered after the article when kept */
    int n_comments;
    size_t heading_start;
    int emitted_blocks;
    tamis_status st;
} ctx;

static double link_density(const tm_hnode *n)
{
    return n->chars ? (double)n->link_chars / n->chars : 0.0;
}

/* ---- pass 1: pruning (top-down) */
static void prune(ctx *x, tm_hnode *n, int in_comments)
{
    for (tm_hnode *c = n->first; c; c = c->next) {
        if (c->tag == TM_T_TEXT)
            continue;
        /* A container holding the headline or most of the page's text is a wrapper of
         * the article whatever its name says ("page-ad-margins", "has-sidebar") or
         * however broken markup nested it (an unclosed <header> or <nav>). */
        int wrapper = (c->flags & TM_HF_HAS_H1) || (c->chars * 2 > x->page_chars && c->chars >= 500);
        /* Several real paragraphs with little link text are content, whatever the
         * container is called ("sharing-container", "lay-sidebar" around an article). */
        int texty = c->chars >= 400 && link_density(c) < 0.3 &&
                    (c->n_p >= 3 || c->chars >= 1500);
        int rm = 0;
        switch (c->tag) {
        case TM_T_HEAD: case TM_T_SCRIPT: case TM_T_STYLE: case TM_T_TEMPLATE: case TM_T_IFRAME: case TM_T_SVG: case TM_T_CANVAS:
        case TM_T_INPUT: case TM_T_BUTTON: case TM_T_SELECT: case TM_T_TEXTAREA:
        case TM_T_OPTION: case TM_T_OBJECT: case TM_T_VIDEO: case TM_T_AUDIO:
        case TM_T_TITLE: case TM_T_META: case TM_T_LINK:
            rm = 1;
            break;
        case TM_T_NAV: case TM_T_ASIDE: case TM_T_MENU: case TM_T_DIALOG: case TM_T_LABEL:
        case TM_T_FOOTER: case TM_T_NOSCRIPT:
            rm = !wrapper;
            break;
        case TM_T_FORM:
            /* sign-up, search and comment forms; pages that wrap everything in one form
             * (ASP.NET) keep it through the wrapper and text tests */
            rm = !wrapper && !texty;
            break;
        default:
            break;
        }
        if (!rm && is_hidden(c) && !wrapper) {
            c->flags |= TM_HF_HIDDEN;
            rm = 1;
        }
        int is_root = c->tag == TM_T_HTML || c->tag == TM_T_BODY || c->tag == TM_T_MAIN ||
                      c->tag == TM_T_ARTICLE;
        if (!rm && (tm_html_attr(c, "class") || tm_html_attr(c, "id"))) {
            const char *ip = tm_html_attr(c, "itemprop");
            int body_prop = ip && strstr(ip, "articleBody");
            if (class_id_positive(c) || body_prop)
                c->flags |= TM_HF_POSITIVE;
            int strong = MATCH(c, neg_strong) || MATCH_START(c, neg_start) ||
                         class_id_part_is(c, neg_part, sizeof neg_part / sizeof neg_part[0]);
            if (strong || MATCH(c, neg_weak))
                c->flags |= TM_HF_NEGATIVE;
            if (strong)
                c->flags |= TM_HF_STRONG_NEG;
            if (!is_root && !body_prop && !wrapper) {
                const char *cl = tm_html_attr(c, "class"), *id = tm_html_attr(c, "id");
                int commentary = (cl && strcasestr(cl, "commentary")) ||
                                 (id && strcasestr(id, "commentary"));
                if (MATCH(c, comment_pats) && !commentary) {
                    c->flags |= TM_HF_COMMENTS;
                    if (!x->o->keep_comments)
                        rm = 1;
                    else if (!in_comments && x->n_comments < 16)
                        x->comments[x->n_comments++] = c;
                }
                if (!rm && strong && !(c->flags & TM_HF_POSITIVE) && !texty)
                    rm = 1;
                if (!rm && !(c->flags & TM_HF_HAS_H1) && MATCH(c, neg_never))
                    rm = 1;
            }
        }
        const char *role = tm_html_attr(c, "role");
        if (role && (!strcmp(role, "navigation") || !strcmp(role, "complementary") ||
                     !strcmp(role, "contentinfo") || !strcmp(role, "banner") ||
                     !strcmp(role, "dialog") || !strcmp(role, "alert")) && !wrapper)
            rm = 1;
        if (in_comments)
            c->flags |= TM_HF_COMMENTS;
        if (rm) {
            c->flags |= TM_HF_REMOVED;
            continue;
        }
        if (c->tag == TM_T_BODY && !x->body)
            x->body = c;
        if (c->first)
            prune(x, c, in_comments || (c->flags & TM_HF_COMMENTS));
    }
}

/* ---- pass 2: aggregates (post-order) */
static void text_stats(const tm_hnode *t, uint32_t *chars, uint32_t *commas)
{
    uint32_t ch = 0, cm = 0;
    for (uint32_t i = 0; i < t->text_len; i++) {
        unsigned char b = (unsigned char)t->text[i];
        if (b == ' ' || b == '\n' || b == '\t' || b == '\r')
            continue;
        /* count code points, not bytes, so CJK text is not weighted three times */
        if ((b & 0xC0) != 0x80)
            ch++;
        if (b == ',')
            cm++;
        else if (b == 0xEF && i + 2 < t->text_len && (unsigned char)t->text[i + 1] == 0xBC &&
                 (unsigned char)t->text[i + 2] == 0x8C)
            cm++;
        else if (b == 0xE3 && i + 2 < t->text_len && (unsigned char)t->text[i + 1] == 0x80 &&
                 (unsigned char)t->text[i + 2] == 0x81)
            cm++;
    }
    *chars = ch;
    *commas = cm;
}

/* Chars of the node's own inline content (text not inside a block child). */
static uint32_t direct_chars(const tm_hnode *n)
{
    uint32_t s = 0;
    for (const tm_hnode *c = n->first; c; c = c->next) {
        if (c->flags & TM_HF_REMOVED)
            continue;
        if (c->tag == TM_T_TEXT) {
            uint32_t ch, cm;
            text_stats(c, &ch, &cm);
            s += ch;
        } else if (!tm_html_is_block(c->tag))
            s += c->chars;
    }
    return s;
}

static void aggregate(ctx *x, tm_hnode *n, int in_link)
{
    n->chars = n->link_chars = n->n_p = n->commas = n->pchars = 0;
    for (tm_hnode *c = n->first; c; c = c->next) {
        if (c->flags & TM_HF_REMOVED)
            continue;
        if (c->tag == TM_T_TEXT) {
            uint32_t ch, cm;
            text_stats(c, &ch, &cm);
            n->chars += ch;
            n->commas += cm;
            if (in_link)
                n->link_chars += ch;
            continue;
        }
        aggregate(x, c, in_link || c->tag == TM_T_A);
        if (c->tag == TM_T_H1 || (c->flags & TM_HF_HAS_H1))
            n->flags |= TM_HF_HAS_H1;
        n->chars += c->chars;
        n->link_chars += c->link_chars;
        n->commas += c->commas;
        n->n_p += c->n_p + (c->tag == TM_T_P);
        int para = c->tag == TM_T_P || c->tag == TM_T_PRE || c->tag == TM_T_BLOCKQUOTE;
        /* a div of running text with no paragraph inside reads as one (ledes, old
         * templates): at least 80 characters, mostly its own inline text */
        if (!para && (c->tag == TM_T_DIV || c->tag == TM_T_SECTION) && c->n_p == 0 &&
            c->chars >= 80 && c->pchars == 0)
            para = direct_chars(c) * 10 >= c->chars * 8;
        if (para && c->link_chars * 2 < c->chars)
            n->pchars += c->chars;
        else
            n->pchars += c->pchars;
    }
}


/* ---- pass 3: scoring */
static double class_weight(const tm_hnode *n)
{
    double w = 0;
    if (n->flags & TM_HF_POSITIVE)
        w += 25;
    if (n->flags & TM_HF_NEGATIVE)
        w -= 25;
    return w;
}

static void init_cand(ctx *x, tm_hnode *n)
{
    if (n->flags & TM_HF_CANDIDATE)
        return;
    n->flags |= TM_HF_CANDIDATE;
    double s = class_weight(n);
    switch (n->tag) {
    case TM_T_DIV: case TM_T_ARTICLE: case TM_T_MAIN: case TM_T_SECTION: s += 5; break;
    case TM_T_PRE: case TM_T_TD: case TM_T_BLOCKQUOTE: s += 3; break;
    case TM_T_ADDRESS: case TM_T_OL: case TM_T_UL: case TM_T_DL: case TM_T_DD: case TM_T_DT:
    case TM_T_LI: case TM_T_FORM: s -= 3; break;
    case TM_T_H1: case TM_T_H2: case TM_T_H3: case TM_T_H4: case TM_T_H5: case TM_T_H6:
    case TM_T_TH: s -= 5; break;
    default: break;
    }
    n->score = (float)s;
    if (x->n_cands == x->cap_cands) {
        size_t nc = x->cap_cands ? x->cap_cands * 2 : 64;
        tm_hnode **v = tm_arena_alloc(x->a, nc * sizeof *v);
        if (!v) {
            x->st = TAMIS_ERR_NOMEM;
            return;
        }
        if (x->n_cands)
            memcpy(v, x->cands, x->n_cands * sizeof *v);
        x->cands = v;
        x->cap_cands = nc;
    }
    x->cands[x->n_cands++] = n;
}

static void score_rec(ctx *x, tm_hnode *n)
{
    for (tm_hnode *c = n->first; c; c = c->next) {
        if (c->tag == TM_T_TEXT || (c->flags & TM_HF_REMOVED))
            continue;
        int para = 0;
        uint32_t len = 0;
        if (c->tag == TM_T_P || c->tag == TM_T_PRE || c->tag == TM_T_TD ||
            c->tag == TM_T_BLOCKQUOTE) {
            para = 1;
            len = c->chars;
        } else if (c->tag == TM_T_DIV || c->tag == TM_T_SECTION || c->tag == TM_T_ARTICLE ||
                   c->tag == TM_T_LI || c->tag == TM_T_DD || c->tag == TM_T_FONT ||
                   c->tag == TM_T_CENTER || c->tag == TM_T_SPAN) {
            /* a block holding text directly (no <p>) reads as a paragraph */
            len = direct_chars(c);
            para = len >= 25;
        }
        if (para && len >= 25 && c->parent) {
            double ld = link_density(c);
            double s = 1 + c->commas + TM_MIN((double)len / 100.0, 3.0);
            s *= (1 - ld);
            tm_hnode *an = c->parent;
            for (int level = 0; an && level < 5 && an != x->h->root; level++, an = an->parent) {
                if (an->tag == TM_T_HTML)
                    break;
                init_cand(x, an);
                double div = level == 0 ? 1 : level == 1 ? 2 : level * 3;
                an->score += (float)(s / div);
            }
        }
        if (c->first)
            score_rec(x, c);
    }
}

static int is_ancestor(const tm_hnode *a, const tm_hnode *n)
{
    for (; n; n = n->parent)
        if (n == a)
            return 1;
    return 0;
}

static tm_hnode *find_itemprop_body(tm_hnode *n)
{
    for (tm_hnode *c = n->first; c; c = c->next) {
        if (c->tag == TM_T_TEXT || (c->flags & TM_HF_REMOVED))
            continue;
        const char *ip = tm_html_attr(c, "itemprop");
        if (ip && strstr(ip, "articleBody"))
            return c;
        tm_hnode *r = find_itemprop_body(c);
        if (r)
            return r;
    }
    return NULL;
}

static tm_hnode *select_top(ctx *x)
{
    tm_hnode *top = NULL;
    double best = -1e9;
    for (size_t i = 0; i < x->n_cands; i++) {
        tm_hnode *c = x->cands[i];
        double s = c->score * (1 - link_density(c));
        c->score = (float)s;
        if (s > best) {
            best = s;
            top = c;
        }
    }
    if (!top)
        return NULL;
    /* Several strong candidates under one ancestor: the article is split in blocks
     * (Readability's "alternative candidates" rule). */
    tm_hnode *alts[8];
    int na = 0;
    for (size_t i = 0; i < x->n_cands && na < 8; i++) {
        tm_hnode *c = x->cands[i];
        if (c != top && c->score >= 0.75 * best && !is_ancestor(c, top) && !is_ancestor(top, c))
            alts[na++] = c;
    }
    if (na >= 2) {
        for (tm_hnode *p = top->parent; p && p->tag != TM_T_BODY && p != x->h->root;
             p = p->parent) {
            int inside = 0;
            for (int i = 0; i < na; i++)
                inside += is_ancestor(p, alts[i]);
            if (inside >= 2) {
                top = p;
                break;
            }
        }
    }
    /* An article split in several blocks (sections between figures, quotes, ads): the
     * parent that holds markedly more paragraph text with few links is the article. */
    for (int up = 0, steps = 0; up < 4 && steps < 16; steps++) {
        tm_hnode *p = top->parent;
        if (!p || p->tag == TM_T_BODY || p->tag == TM_T_HTML || p == x->h->root)
            break;
        if (p->chars <= top->chars + 10) {
            top = p; /* same text: a plain wrapper */
            continue;
        }
        if (p->pchars * 10 >= top->pchars * 13 && link_density(p) < 0.25 &&
            p->pchars * 2 >= p->chars) {
            top = p;
            up++;
        } else
            break;
    }
    /* A short winner (a positively named snippet, a caption box) next to a container of
     * far more real paragraphs: the paragraphs are the article. */
    if (top->chars < 500) {
        tm_hnode *alt = NULL;
        for (size_t i = 0; i < x->n_cands; i++) {
            tm_hnode *c = x->cands[i];
            if (c->score >= 0.5 * top->score && link_density(c) < 0.3 && !is_ancestor(c, top) &&
                !is_ancestor(top, c) && c->pchars >= 2 * top->pchars + 300 &&
                (!alt || c->pchars > alt->pchars || (c->pchars == alt->pchars && c->score > alt->score)))
                alt = c;
        }
        if (alt)
            top = alt;
    }
    /* An only child carries no more than its parent. */
    while (top->parent && top->parent->tag != TM_T_BODY && top->parent != x->h->root &&
           top->parent->chars <= top->chars + 10 && top->parent->tag != TM_T_HTML)
        top = top->parent;
    /* schema.org articleBody is the page author's own answer; trust it when it holds a
     * fair share of the selected text. */
    tm_hnode *ab = x->body ? find_itemprop_body(x->body) : NULL;
    if (ab && ab->chars >= 200 && (is_ancestor(top, ab) || is_ancestor(ab, top)) &&
        ab->chars * 2 >= top->chars)
        top = ab;
    return top;
}

/* ---- rendering */
static void emit_sep(ctx *x, int level)
{
    if (level > x->pending)
        x->pending = level;
}

static void flush_sep(ctx *x)
{
    if (x->out.len && x->pending) {
        static const char *const seps[] = {"", " ", "\n", "\n\n"};
        tm_buf_puts(&x->out, seps[x->pending]);
    }
    x->pending = 0;
}

static void emit_raw(ctx *x, const char *s, size_t n)
{
    flush_sep(x);
    if (!x->in_heading)
        x->heading_open = 0;
    if (tm_buf_append(&x->out, s, n) != TAMIS_OK)
        x->st = TAMIS_ERR_NOMEM;
}

static void emit_text(ctx *x, const char *s, size_t n)
{
    if (x->in_pre) {
        emit_raw(x, s, n);
        return;
    }
    size_t i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f') {
            emit_sep(x, 1);
            i++;
            continue;
        }
        size_t j = i;
        while (j < n && !(s[j] == ' ' || s[j] == '\n' || s[j] == '\t' || s[j] == '\r' ||
                          s[j] == '\f'))
            j++;
        emit_raw(x, s + i, j - i);
        i = j;
    }
}

static void render(ctx *x, const tm_hnode *n, int depth);

/* Short blocks that are page furniture in any article: ad labels, and date or byline
 * lines (the date is metadata). */
static int boilerplate_line(const tm_hnode *c)
{
    if (c->chars > 100)
        return 0;
    char buf[512];
    tm_buf b;
    tm_buf_init(&b);
    tm_html_node_text(c, &b);
    size_t n = TM_MIN(b.len, sizeof buf - 1);
    if (n)
        memcpy(buf, b.data, n);
    buf[n] = 0;
    tm_buf_free(&b);
    static const char *const ads[] = {"advertisement", "advert", "anzeige", "werbung",
                                      "publicidad", "publicité", "advertising", "sponsored",
                                      "reklame", "pubblicità", "ad"};
    for (size_t i = 0; i < sizeof ads / sizeof ads[0]; i++)
        if (!strcasecmp(buf, ads[i]))
            return 1;
    /* teaser-box labels standing alone between paragraphs */
    static const char *const labels[] = {"don't miss", "don’t miss", "read more", "related",
                                         "see also", "more:", "read also", "recommended",
                                         "lesen sie auch", "auch interessant", "mehr zum thema",
                                         "related articles", "trending", "most read"};
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
        if (!strcasecmp(buf, labels[i]))
            return 1;
    char iso[40];
    if (c->chars <= 25 && tm_extract_parse_date(buf, n, iso))
        return 1;
    /* a line that starts with a date: "November 20, 2019 Jane Doe", "19.11.2019 12:04" */
    if (c->chars <= 45 && n && (isdigit((unsigned char)buf[0]) || isupper((unsigned char)buf[0])) &&
        !memchr(buf, ':', TM_MIN(n, (size_t)8)) && tm_extract_parse_date(buf, TM_MIN(n, (size_t)20), iso))
        return 1;
    /* a byline with its date ("by Jane Doe / 2016.12.01", "Von Max Muster, 3. Mai 2021") */
    static const char *const by[] = {"by ", "von ", "par ", "por ", "posted by "};
    for (size_t i = 0; i < sizeof by / sizeof by[0]; i++)
        if (!strncasecmp(buf, by[i], strlen(by[i])) && c->chars <= 80 &&
            tm_extract_parse_date(buf, n, iso))
            return 1;
    return 0;
}

/* Conditional cleaning of a container inside the selection. */
static int drop_block(ctx *x, const tm_hnode *c)
{
    if (c->flags & TM_HF_REMOVED)
        return 1;
    if (c->chars == 0)
        return c->tag != TM_T_BR && c->tag != TM_T_HR && c->tag != TM_T_IMG;
    double ld = link_density(c);
    switch (c->tag) {
    case TM_T_P:
        return (ld > 0.75 && c->chars < 400) || boilerplate_line(c);
    case TM_T_H1: case TM_T_H2: case TM_T_H3: case TM_T_H4: case TM_T_H5: case TM_T_H6:
        return ld > 0.5;
    case TM_T_UL: case TM_T_OL: case TM_T_DL: case TM_T_TABLE: case TM_T_DIV:
    case TM_T_SECTION: case TM_T_FORM: case TM_T_HEADER: case TM_T_FIGURE: case TM_T_LI:
    case TM_T_CENTER: case TM_T_ARTICLE: {
        if (c->chars <= 80 && boilerplate_line(c))
            return 1;
        if (ld > 0.5 && !(c->tag == TM_T_DIV && c->n_p >= 3 && ld < 0.7))
            return 1;
        /* a weak name ("list", "card", "media") on a block without links is a styled
         * part of the text (an ingredient list, a pros-and-cons box); teasers of other
         * articles often link only their picture, so they go whatever their links */
        static const char *const teaser[] = {"teaser"};
        if ((c->flags & TM_HF_NEGATIVE) && !(c->flags & TM_HF_POSITIVE) && c->chars < 400 &&
            c->tag != TM_T_LI &&
            ((c->flags & TM_HF_STRONG_NEG) || ld > 0.2 || MATCH(c, teaser)))
            return 1;
        if (c->tag == TM_T_FIGURE)
            return 1; /* captions are not article text in the gold data */
        /* few words, many links: a link list */
        if (ld > 0.33 && c->chars < 200 && c->n_p == 0)
            return 1;
        return 0;
    }
    case TM_T_FIGCAPTION:
        return 1;
    default:
        return 0;
    }
}

static const char *h_prefix[] = {"# ", "## ", "### ", "#### ", "##### ", "###### "};

static void render_children(ctx *x, const tm_hnode *n, int depth)
{
    for (const tm_hnode *c = n->first; c && x->st == TAMIS_OK; c = c->next)
        render(x, c, depth + 1);
}

static int same_text(const tm_hnode *n, const char *t)
{
    if (!t)
        return 0;
    tm_buf b;
    tm_buf_init(&b);
    tm_html_node_text(n, &b);
    int r = b.len && b.len == strlen(t) && !memcmp(b.data, t, b.len);
    tm_buf_free(&b);
    return r;
}

static void render_table(ctx *x, const tm_hnode *t, int depth);

static void render(ctx *x, const tm_hnode *n, int depth)
{
    if (n->tag == TM_T_TEXT) {
        emit_text(x, n->text, n->text_len);
        return;
    }
    if (depth > 2000 || drop_block(x, n))
        return;
    int md = x->o->markdown;
    int tag = n->tag;
    switch (tag) {
    case TM_T_BR:
        emit_sep(x, 2);
        return;
    case TM_T_HR:
        emit_sep(x, 3);
        return;
    case TM_T_IMG:
        return;
    case TM_T_TIME:
        /* a <time> standing on its own is a date line (metadata); inside a sentence the
         * words stay */
        if (n->parent && n->parent->tag != TM_T_P && n->parent->chars <= n->chars + 5)
            return;
        break;
    case TM_T_H1: case TM_T_H2: case TM_T_H3: case TM_T_H4: case TM_T_H5: case TM_T_H6:
        /* the headline is metadata (title), not body text */
        if (tag == TM_T_H1 && (x->emitted_blocks == 0 || same_text(n, x->title)))
            return;
        /* a heading with no text under it before the next heading of its rank was the
         * title of something removed (a link list, a widget): take it back */
        if (x->heading_open && tag <= x->open_level && x->out.len - x->heading_start < 60) {
            x->out.len = x->heading_start;
            x->pending = x->out.len ? 3 : 0;
        }
        x->heading_start = x->out.len;
        x->in_heading++;
        emit_sep(x, 3);
        if (md) {
            flush_sep(x);
            tm_buf_puts(&x->out, h_prefix[tag - TM_T_H1]);
        }
        render_children(x, n, depth);
        x->in_heading--;
        emit_sep(x, 3);
        x->heading_open = x->out.len > x->heading_start;
        x->open_level = tag;
        x->emitted_blocks++;
        return;
    case TM_T_P: case TM_T_DIV: case TM_T_SECTION: case TM_T_ARTICLE: case TM_T_MAIN:
    case TM_T_HEADER: case TM_T_ADDRESS: case TM_T_CENTER: case TM_T_DETAILS:
    case TM_T_SUMMARY: case TM_T_FIGCAPTION: case TM_T_CAPTION: case TM_T_DD: case TM_T_DT:
    case TM_T_FORM:
        emit_sep(x, 3);
        render_children(x, n, depth);
        emit_sep(x, 3);
        x->emitted_blocks++;
        return;
    case TM_T_UL: case TM_T_OL: case TM_T_DL:
        emit_sep(x, x->list_depth ? 2 : 3);
        x->list_depth++;
        render_children(x, n, depth);
        x->list_depth--;
        emit_sep(x, x->list_depth ? 2 : 3);
        return;
    case TM_T_LI: {
        emit_sep(x, 2);
        if (md) {
            flush_sep(x);
            for (int i = 1; i < x->list_depth; i++)
                tm_buf_puts(&x->out, "  ");
            tm_buf_puts(&x->out, n->parent && n->parent->tag == TM_T_OL ? "1. " : "- ");
        }
        render_children(x, n, depth);
        emit_sep(x, 2);
        x->emitted_blocks++;
        return;
    }
    case TM_T_BLOCKQUOTE:
        emit_sep(x, 3);
        if (md) {
            flush_sep(x);
            tm_buf_puts(&x->out, "> ");
        }
        render_children(x, n, depth);
        emit_sep(x, 3);
        x->emitted_blocks++;
        return;
    case TM_T_PRE:
        emit_sep(x, 3);
        if (md) {
            flush_sep(x);
            tm_buf_puts(&x->out, "```\n");
        }
        x->in_pre++;
        render_children(x, n, depth);
        x->in_pre--;
        if (md)
            emit_raw(x, "\n```", 4);
        emit_sep(x, 3);
        x->emitted_blocks++;
        return;
    case TM_T_TABLE:
        if (!x->o->tables)
            return;
        render_table(x, n, depth);
        x->emitted_blocks++;
        return;
    case TM_T_EM: case TM_T_I: case TM_T_STRONG: case TM_T_B:
        if (md && !x->in_pre) {
            const char *mark = (tag == TM_T_STRONG || tag == TM_T_B) ? "**" : "*";
            emit_raw(x, mark, strlen(mark));
            render_children(x, n, depth);
            /* the closing mark hugs the text: no space owed before it */
            if (x->pending == 1)
                x->pending = 0, tm_buf_puts(&x->out, mark), x->pending = 1;
            else
                tm_buf_puts(&x->out, mark);
            return;
        }
        break;
    case TM_T_A:
        if (md && x->o->links) {
            const char *href = tm_html_attr(n, "href");
            if (href && *href && strncmp(href, "javascript:", 11) && href[0] != '#') {
                emit_raw(x, "[", 1);
                render_children(x, n, depth);
                tm_buf_puts(&x->out, "](");
                tm_buf_puts(&x->out, href);
                tm_buf_puts(&x->out, ")");
                return;
            }
        }
        break;
    case TM_T_CODE:
        if (md && !x->in_pre) {
            emit_raw(x, "`", 1);
            render_children(x, n, depth);
            tm_buf_puts(&x->out, "`");
            return;
        }
        break;
    default:
        break;
    }
    render_children(x, n, depth);
}

static void render_cell_text(ctx *x, const tm_hnode *cell, int depth)
{
    /* cells are rendered inline: block structure inside a cell becomes spaces */
    size_t start = x->out.len;
    int saved = x->pending;
    x->pending = 0;
    render_children(x, cell, depth);
    x->pending = 0;
    for (size_t i = start; i < x->out.len; i++)
        if (x->out.data[i] == '\n' || (x->out.data[i] == '|' && x->o->markdown))
            x->out.data[i] = ' ';
    (void)saved;
}

static void collect_rows(const tm_hnode *n, const tm_hnode **rows, size_t *nr, size_t max)
{
    for (const tm_hnode *c = n->first; c && *nr < max; c = c->next) {
        if (c->tag == TM_T_TR)
            rows[(*nr)++] = c;
        else if (c->tag == TM_T_THEAD || c->tag == TM_T_TBODY || c->tag == TM_T_TFOOT)
            collect_rows(c, rows, nr, max);
    }
}

static void render_table(ctx *x, const tm_hnode *t, int depth)
{
    const tm_hnode *rows[4096];
    size_t nr = 0;
    collect_rows(t, rows, &nr, sizeof rows / sizeof rows[0]);
    /* A table of one column is layout, not data: render its cells as blocks. */
    size_t maxc = 0;
    for (size_t r = 0; r < nr; r++) {
        size_t k = 0;
        for (const tm_hnode *c = rows[r]->first; c; c = c->next)
            k += (c->tag == TM_T_TD || c->tag == TM_T_TH) && !(c->flags & TM_HF_REMOVED);
        maxc = TM_MAX(maxc, k);
    }
    if (maxc <= 1 || nr == 0) {
        emit_sep(x, 3);
        render_children(x, t, depth);
        emit_sep(x, 3);
        return;
    }
    int md = x->o->markdown;
    emit_sep(x, 3);
    for (size_t r = 0; r < nr; r++) {
        if (rows[r]->chars == 0)
            continue;
        emit_sep(x, 2);
        flush_sep(x);
        if (md)
            tm_buf_puts(&x->out, "|");
        size_t k = 0;
        for (const tm_hnode *c = rows[r]->first; c; c = c->next) {
            if (!(c->tag == TM_T_TD || c->tag == TM_T_TH) || (c->flags & TM_HF_REMOVED))
                continue;
            if (md)
                tm_buf_puts(&x->out, " ");
            else if (k)
                tm_buf_puts(&x->out, " ");
            render_cell_text(x, c, depth + 1);
            if (md)
                tm_buf_puts(&x->out, " |");
            k++;
        }
        if (md && r == 0) {
            tm_buf_puts(&x->out, "\n|");
            for (size_t i = 0; i < k; i++)
                tm_buf_puts(&x->out, " --- |");
        }
        x->pending = 0;
        emit_sep(x, 2);
    }
    emit_sep(x, 3);
}

/* Siblings of the top candidate that belong to the article (Readability's rule with this
 * file's thresholds). */
static int sibling_ok(const tm_hnode *top, const tm_hnode *s, double thresh)
{
    if (s == top)
        return 1;
    if (s->tag == TM_T_TEXT || (s->flags & TM_HF_REMOVED) || s->chars == 0)
        return 0;
    double bonus = 0;
    const char *tc = tm_html_attr(top, "class"), *sc = tm_html_attr(s, "class");
    if (tc && sc && *tc && !strcmp(tc, sc))
        bonus = top->score * 0.2;
    if ((s->flags & TM_HF_CANDIDATE) && s->score + bonus >= thresh)
        return 1;
    if (s->tag != TM_T_P && s->pchars >= 80 && link_density(s) < 0.25 &&
        ((s->flags & (TM_HF_NEGATIVE | TM_HF_POSITIVE)) != TM_HF_NEGATIVE) &&
        !(s->flags & TM_HF_STRONG_NEG) &&
        s->pchars * 2 >= s->chars)
        return 1; /* a block of real paragraphs next to the article (lede, second part) */
    if (s->tag == TM_T_P) {
        double ld = link_density(s);
        if (s->chars > 80 && ld < 0.25)
            return 1;
        if (s->chars > 0 && s->chars <= 80 && ld == 0)
            return 1;
    }
    return 0;
}

/* The lede (German "Vorspann", French "chapô", Spanish "bajada") that publishers put in
 * the article's header, above the body container the scoring picks: the first paragraph
 * of the text, written as a summary. Whole-part class/id names. A "subtitle"/"dek" is the
 * headline's second line, display copy like the headline itself, and stays out. */
static const char *const lede_pats[] = {"lead", "lede", "intro", "teaser", "excerpt",
                                        "subheadline", "sub-headline", "bajada", "chapo",
                                        "abstract"};

typedef struct lede_walk {
    const tm_hnode *top;
    double thresh;
    int found;
} lede_walk;

/* Renders the lede blocks that come before the top candidate inside n (document order);
 * returns 1 once the top candidate is reached. Blocks the sibling rule renders anyway are
 * left to it. */
static int render_ledes(ctx *x, const tm_hnode *n, lede_walk *w, int depth)
{
    for (const tm_hnode *c = n->first; c && x->st == TAMIS_OK; c = c->next) {
        if (c == w->top)
            return 1;
        if (c->tag == TM_T_TEXT || (c->flags & TM_HF_REMOVED) || c->chars < 30)
            continue;
        if (c->parent == w->top->parent && sibling_ok(w->top, c, w->thresh))
            continue;
        if (is_ancestor(c, w->top))
            return render_ledes(x, c, w, depth + 1);
        int named = class_id_part_is(c, lede_pats, sizeof lede_pats / sizeof lede_pats[0]);
        if (named && c->chars <= 1200 && link_density(c) < 0.3 &&
            !same_text(c, x->title)) {
            emit_sep(x, 3);
            render_children(x, c, depth);
            emit_sep(x, 3);
            w->found++;
            continue;
        }
        if (depth < 64 && c->first)
            render_ledes(x, c, w, depth + 1);
    }
    return 0;
}

/* Fallback: every paragraph-like block of the page with little link text. */
static void render_wide(ctx *x, const tm_hnode *n, int depth)
{
    for (const tm_hnode *c = n->first; c && x->st == TAMIS_OK; c = c->next) {
        if (c->tag == TM_T_TEXT || (c->flags & TM_HF_REMOVED) || depth > 2000)
            continue;
        if (c->tag == TM_T_P || c->tag == TM_T_PRE || c->tag == TM_T_BLOCKQUOTE ||
            tm_html_is_heading(c->tag) ||
            ((c->tag == TM_T_DIV || c->tag == TM_T_TD) && direct_chars(c) >= 50)) {
            if (link_density(c) < 0.3 && c->chars >= 20)
                render(x, c, depth);
            else if (c->tag == TM_T_DIV || c->tag == TM_T_TD)
                render_wide(x, c, depth + 1);
            continue;
        }
        render_wide(x, c, depth + 1);
    }
}

/* Calls-to-action and furniture that follow articles (newsletter boxes, share prompts,
 * "more on this", copyright lines): matched in short blocks near the end only, where the
 * body text rarely says such things. Lower-case UTF-8 substrings. */
static const char *const tail_words[] = {
    "newsletter", "subscribe", "abonnier", "sign up", "signup", "anmelden", "log in",
    "einloggen", "copyright", "\xC2\xA9", "all rights reserved", "alle rechte", "teilen",
    "share this", "gefällt mir", "mehr zum thema", "weitere informationen", "weiterlesen",
    "schon gelesen", "auch interessant", "related", "relacionad", "lesen sie auch",
    "read more", "read also", "follow us", "folgen sie", "kommentare", "comments",
    "kontakt:", "czytaj", "więcej", "loading...", "foto:", "photo:", "bild:",
    "nützlich", "war der artikel", "stay up-to-date", "mehr von uns", "zum weiterlesen",
    "werbung", "anzeige", "advertisement", "sponsored", "stimmen"};

/* Calls-to-action that a longer paragraph at the end of an article is made of (paywall and
 * newsletter prompts, reprint notices); words that also occur in article sentences
 * ("comments", "gefällt mir") are only trusted in short blocks. */
static const char *const tail_strong[] = {
    "newsletter", "subscribe", "abonnier", "sign up", "einloggen",
    "copyright", "\xC2\xA9", "all rights reserved", "alle rechte", "weiterlesen", "follow us",
    "folgen sie", "registrieren sie"};

static int has_word(const char *low, const char *const *words, size_t nw)
{
    for (size_t i = 0; i < nw; i++) {
        /* at a word start only: "share" must not hit "shares" inside a sentence */
        for (const char *p = low; (p = strstr(p, words[i])); p++)
            if (p == low || !isalnum((unsigned char)p[-1]))
                return 1;
    }
    return 0;
}

/* Whether the block b[0..n) is tail furniture: a short block with any tail word, a
 * paragraph of up to 400 bytes with a strong one. */
static int tail_boilerplate(const char *b, size_t n)
{
    char low[400];
    if (n >= sizeof low)
        return 0;
    for (size_t i = 0; i < n; i++)
        low[i] = (char)tolower((unsigned char)b[i]);
    low[n] = 0;
    if (n < 150 && has_word(low, tail_words, sizeof tail_words / sizeof tail_words[0]))
        return 1;
    return has_word(low, tail_strong, sizeof tail_strong / sizeof tail_strong[0]);
}

/* Drops boilerplate blocks ("\n\n"-separated) in the last third of the text: short blocks
 * with a tail word anywhere there, and a run of very short blocks at the very end. */
static void trim_tail(tm_buf *out)
{
    size_t starts[4096];
    size_t nb = 0, i = 0;
    while (i < out->len && nb < 4096) {
        starts[nb++] = i;
        const char *e = out->len - i >= 2 ? memmem(out->data + i, out->len - i, "\n\n", 2) : NULL;
        if (!e)
            break;
        i = (size_t)(e - out->data) + 2;
    }
    if (nb < 3 || nb >= 4096)
        return;
    size_t first = nb - nb / 3;
    size_t w = starts[first];
    for (size_t k = first; k < nb; k++) {
        size_t s0 = starts[k], e0 = k + 1 < nb ? starts[k + 1] : out->len;
        size_t len = e0 - s0;
        size_t tl = len;
        while (tl && (out->data[s0 + tl - 1] == '\n'))
            tl--;
        if (tail_boilerplate(out->data + s0, tl))
            continue;
        memmove(out->data + w, out->data + s0, len);
        w += len;
    }
    out->len = w;
    /* a run of label-like blocks at the end ("Kontakt:", "Foto: X", "Schon gelesen?") */
    for (int r = 0; r < 3 && out->len; r++) {
        while (out->len && out->data[out->len - 1] == '\n')
            out->len--;
        size_t ls = out->len;
        while (ls >= 2 && !(out->data[ls - 1] == '\n' && out->data[ls - 2] == '\n'))
            ls--;
        if (ls < 2)
            break;
        size_t bl = out->len - ls;
        char last = out->data[out->len - 1];
        if (bl < 30 && (last == ':' || last == '?'))
            out->len = ls;
        else
            break;
    }
}

tamis_status tm_extract_content(tm_arena *a, tm_hdoc *h, const tm_extract_opts *o, tm_buf *out)
{
    ctx x;
    memset(&x, 0, sizeof x);
    x.a = a;
    x.o = o;
    x.h = h;
    x.out = *out;
    x.title = o->title;
    aggregate(&x, h->root, 0); /* raw sizes, for prune's wrapper test */
    x.page_chars = h->root->chars;
    prune(&x, h->root, 0);
    aggregate(&x, h->root, 0);
    tm_hnode *scope = x.body ? x.body : h->root;
    score_rec(&x, scope);
    if (x.st != TAMIS_OK)
        return x.st;
    tm_hnode *top = select_top(&x);
    if (top) {
        double thresh = TM_MAX(10.0, top->score * 0.2);
        const tm_hnode *parent = top->parent;
        /* the article around the body: the nearest ancestor that is an <article> or holds
         * the headline, and not much more than the body */
        const tm_hnode *art = NULL;
        int lvl = 0;
        for (const tm_hnode *p = parent; p && lvl < 5 && p != h->root && p->tag != TM_T_BODY;
             p = p->parent, lvl++) {
            if (p->chars > top->chars + TM_MAX(1500u, top->chars / 2))
                break;
            if (p->tag == TM_T_ARTICLE || (p->flags & TM_HF_HAS_H1)) {
                art = p;
                break;
            }
        }
        if (art && parent && top->tag != TM_T_BODY) {
            int eb = x.emitted_blocks;
            lede_walk w = {top, thresh, 0};
            render_ledes(&x, art, &w, 0);
            x.emitted_blocks = eb; /* the headline test below still sees the body's start */
        }
        if (parent && top->tag != TM_T_BODY) {
            for (const tm_hnode *s = parent->first; s; s = s->next)
                if (sibling_ok(top, s, thresh))
                    render(&x, s, 0);
        } else
            render(&x, top, 0);
    }
    /* Kept comment sections follow the article unless it already holds them. */
    for (int i = 0; i < x.n_comments && top; i++) {
        const tm_hnode *cs = x.comments[i];
        int inside = 0;
        for (const tm_hnode *p = cs; p && !inside; p = p->parent)
            inside = p == top || (top->parent && p->parent == top->parent && sibling_ok(top, p, TM_MAX(10.0, top->score * 0.2)));
        if (!inside) {
            emit_sep(&x, 3);
            render_children(&x, cs, 0); /* the section itself is kept on request */
            emit_sep(&x, 3);
        }
    }
    /* Too little: widen to every good paragraph of the page. */
    size_t got = x.out.len;
    if ((int64_t)got < o->min_chars && scope->chars > (uint32_t)got) {
        tm_buf keep = x.out;
        tm_buf_init(&x.out);
        x.pending = 0;
        x.emitted_blocks = 1;
        render_wide(&x, scope, 0);
        if (x.out.len > got) {
            tm_buf_free(&keep);
        } else {
            tm_buf_free(&x.out);
            x.out = keep;
        }
    }
    if (x.heading_open && x.out.len - x.heading_start < 60)
        x.out.len = x.heading_start;
    if (!o->keep_comments)
        trim_tail(&x.out);
    *out = x.out;
    return x.st;
}
