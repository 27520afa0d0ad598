/* bench_parse.c — the HTML parsers tamis could use, on the same pages in the same run:
 * tamis's adapter (libxml2's HTML parser through SAX into the extractor's arena tree, with
 * the fast paths of tm_html_parse.c), libxml2's SAX with no callbacks (the parser alone),
 * libxml2's DOM (htmlReadMemory, what lxml builds on), and gumbo (Google's HTML5 parser,
 * Debian libgumbo-dev). Prints CPU time, pages/s and MB/s, the visible text each recovers
 * (words outside script/style/template/noscript) and how often that differs from
 * libxml2's DOM by more than 5 %; and, for the ceilings, the depth each reaches on a
 * deeply nested page and its time on one big page. Built and run by bench_parse.sh.
 *
 *   bench_parse pages REPS DIR...       every file of the DIRs, best of REPS
 *   bench_parse deep DEPTH PARSER       <div> nested DEPTH times around one word
 *   bench_parse big FILE PARSER         one (large) file
 * PARSER: tamis | sax | dom | gumbo. Never fails on timings. */
#include "html/tm_html.h"

#include <dirent.h>
#include <gumbo.h>
#include <libxml/HTMLparser.h>
#include <libxml/parserInternals.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { P_TAMIS, P_SAX, P_DOM, P_GUMBO, P_COUNT };
static const char *const pname[P_COUNT] = {"tamis", "sax", "dom", "gumbo"};
static const char *const plabel[P_COUNT] = {
    "tamis (libxml2 SAX -> arena tree, fast paths)", "libxml2 SAX, no callbacks",
    "libxml2 DOM (htmlReadMemory)", "gumbo 0.10.1 (HTML5 tree)"};

static double cpu_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* What a parse recovered: visible words, their bytes, the deepest element. */
typedef struct seen {
    long words, bytes;
    int in_word;
    int depth;
} seen;

static void see_text(seen *s, const char *t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int ws = t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r' || t[i] == '\f';
        if (!ws) {
            s->bytes++;
            if (!s->in_word)
                s->words++;
        }
        s->in_word = !ws;
    }
}

static int hidden_name(const char *n)
{
    return !strcmp(n, "script") || !strcmp(n, "style") || !strcmp(n, "template") ||
           !strcmp(n, "noscript");
}

/* ---- tamis */
static void walk_tamis(const tm_hnode *n, seen *s, int depth)
{
    if (depth > s->depth)
        s->depth = depth;
    for (const tm_hnode *c = n->first; c; c = c->next) {
        if (c->tag == TM_T_TEXT)
            see_text(s, c->text, c->text_len);
        else if (c->tag != TM_T_SCRIPT && c->tag != TM_T_STYLE && c->tag != TM_T_TEMPLATE &&
                 c->tag != TM_T_NOSCRIPT)
            walk_tamis(c, s, depth + 1);
    }
}

static tm_arena arena;

static void run_tamis(const char *buf, size_t n, seen *s, size_t max_bytes)
{
    tm_hdoc h;
    tm_html_limits lim = {max_bytes, 400, 0}; /* the extract stage's defaults, no budget */
    tm_arena_reset(&arena);
    if (tm_html_parse(&arena, (const uint8_t *)buf, n, "utf-8", &lim, &h) == TAMIS_OK && s)
        walk_tamis(h.root, s, 0);
}

/* ---- libxml2 */
static const int xml_opts = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                            HTML_PARSE_NONET | HTML_PARSE_IGNORE_ENC | XML_PARSE_HUGE;

static void run_sax(const char *buf, size_t n)
{
    htmlParserCtxtPtr ctxt = htmlCreateMemoryParserCtxt(buf, (int)n);
    if (!ctxt)
        return;
    memset(ctxt->sax, 0, sizeof *ctxt->sax);
    htmlCtxtUseOptions(ctxt, xml_opts);
    xmlSwitchEncoding(ctxt, XML_CHAR_ENCODING_UTF8);
    htmlParseDocument(ctxt);
    htmlFreeParserCtxt(ctxt);
}

static void walk_dom(xmlNodePtr n, seen *s, int depth)
{
    if (depth > s->depth)
        s->depth = depth;
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content)
            see_text(s, (const char *)c->content, strlen((const char *)c->content));
        else if (c->type == XML_ELEMENT_NODE && !hidden_name((const char *)c->name))
            walk_dom(c, s, depth + 1);
    }
}

static void run_dom(const char *buf, size_t n, seen *s)
{
    htmlDocPtr d = htmlReadMemory(buf, (int)n, NULL, "utf-8", xml_opts);
    if (!d)
        return;
    if (s)
        walk_dom((xmlNodePtr)d, s, 0);
    xmlFreeDoc(d);
}

/* ---- gumbo */
static void walk_gumbo(const GumboNode *n, seen *s, int depth)
{
    if (depth > s->depth)
        s->depth = depth;
    const GumboVector *ch = n->type == GUMBO_NODE_DOCUMENT ? &n->v.document.children
                                                           : &n->v.element.children;
    for (unsigned i = 0; i < ch->length; i++) {
        const GumboNode *c = ch->data[i];
        if (c->type == GUMBO_NODE_TEXT || c->type == GUMBO_NODE_WHITESPACE ||
            c->type == GUMBO_NODE_CDATA)
            see_text(s, c->v.text.text, strlen(c->v.text.text));
        else if (c->type == GUMBO_NODE_ELEMENT) {
            GumboTag t = c->v.element.tag;
            if (t != GUMBO_TAG_SCRIPT && t != GUMBO_TAG_STYLE && t != GUMBO_TAG_TEMPLATE &&
                t != GUMBO_TAG_NOSCRIPT)
                walk_gumbo(c, s, depth + 1);
        }
    }
}

static void run_gumbo(const char *buf, size_t n, seen *s)
{
    GumboOptions o = kGumboDefaultOptions;
    o.max_errors = 0; /* like libxml2's NOERROR: do not collect error records */
    GumboOutput *out = gumbo_parse_with_options(&o, buf, n);
    if (!out)
        return;
    if (s)
        walk_gumbo(out->document, s, 0);
    gumbo_destroy_output(&o, out);
}

static void run(int p, const char *buf, size_t n, seen *s, size_t max_bytes)
{
    switch (p) {
    case P_TAMIS: run_tamis(buf, n, s, max_bytes); break;
    case P_SAX: run_sax(buf, n); break;
    case P_DOM: run_dom(buf, n, s); break;
    default: run_gumbo(buf, n, s); break;
    }
}

static int parser_of(const char *name)
{
    for (int p = 0; p < P_COUNT; p++)
        if (!strcmp(name, pname[p]))
            return p;
    fprintf(stderr, "unknown parser %s\n", name);
    exit(2);
}

/* ---- pages: every parser gets the same UTF-8 bytes (decoded the way tamis decodes) */
typedef struct page {
    char *buf;
    size_t n;
    const char *name;
} page;

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    tm_buf b;
    tm_buf_init(&b);
    char chunk[1 << 16];
    size_t r;
    while ((r = fread(chunk, 1, sizeof chunk, f)) > 0)
        tm_buf_append(&b, chunk, r);
    fclose(f);
    tm_buf_putc(&b, '\0');
    *n = b.len ? b.len - 1 : 0;
    return b.data;
}

static int add_page(page **pages, size_t *np, const char *path)
{
    size_t n;
    char *raw = slurp(path, &n);
    if (!raw || !n) {
        free(raw);
        return 0;
    }
    tm_arena a;
    tm_arena_init(&a);
    tm_hdoc h;
    tm_html_limits lim = {0, 400, 0};
    const char *u = raw;
    size_t un = n;
    if (n >= 3 && !memcmp(raw, "\xEF\xBB\xBF", 3))
        u += 3, un -= 3;
    if (tm_html_parse(&a, (const uint8_t *)u, un, NULL, &lim, &h) == TAMIS_OK && h.charset &&
        strcmp(h.charset, "utf-8") != 0) {
        const char *d = tm_html_to_utf8(&a, h.charset, (const uint8_t *)u, un, &un);
        if (d)
            u = d;
    } else if (tm_utf8_valid_prefix(u, un) != un) {
        u = tm_utf8_sanitize(&a, u, un, &un);
    }
    page *p = realloc(*pages, (*np + 1) * sizeof *p);
    if (!p || !u)
        exit(2);
    *pages = p;
    p[*np].buf = malloc(un + 1);
    memcpy(p[*np].buf, u, un);
    p[*np].buf[un] = '\0';
    p[*np].n = un;
    p[*np].name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    (*np)++;
    tm_arena_free(&a);
    free(raw);
    return 1;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void add_dir(page **pages, size_t *np, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "no directory %s\n", dir);
        exit(77);
    }
    char **names = NULL;
    size_t nn = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        names = realloc(names, (nn + 1) * sizeof *names);
        size_t l = strlen(dir) + strlen(e->d_name) + 2;
        names[nn] = malloc(l);
        snprintf(names[nn++], l, "%s/%s", dir, e->d_name);
    }
    closedir(d);
    qsort(names, nn, sizeof *names, cmp_name);
    for (size_t i = 0; i < nn; i++)
        if (!add_page(pages, np, names[i]))
            free(names[i]);
    free(names); /* the names of added pages stay: the fidelity report prints them */
}

static int bench_pages(int reps, int ndirs, char **dirs)
{
    page *pages = NULL;
    size_t np = 0, bytes = 0;
    for (int i = 0; i < ndirs; i++)
        add_dir(&pages, &np, dirs[i]);
    for (size_t i = 0; i < np; i++)
        bytes += pages[i].n;
    /* fidelity: one untimed pass with the text walk */
    long words[P_COUNT] = {0};
    int far[P_COUNT] = {0}; /* pages whose word count is > 5 % away from the DOM's */
    for (size_t i = 0; i < np; i++) {
        seen s[P_COUNT];
        memset(s, 0, sizeof s);
        for (int p = 0; p < P_COUNT; p++)
            if (p != P_SAX)
                run(p, pages[i].buf, pages[i].n, &s[p], 0);
        for (int p = 0; p < P_COUNT; p++) {
            words[p] += s[p].words;
            long ref = s[P_DOM].words, d = s[p].words - ref;
            if (p != P_SAX && (d < 0 ? -d : d) * 20 > (ref > s[p].words ? ref : s[p].words)) {
                far[p]++;
                printf("  %s: %ld words, DOM %ld: %s\n", pname[p], s[p].words, ref,
                       pages[i].name);
            }
        }
    }
    /* speed: parsers interleaved per repetition (the machine may be shared), best CPU */
    double best[P_COUNT];
    for (int p = 0; p < P_COUNT; p++)
        best[p] = 1e30;
    for (int r = 0; r < reps; r++)
        for (int p = 0; p < P_COUNT; p++) {
            double t0 = cpu_now();
            for (size_t i = 0; i < np; i++)
                run(p, pages[i].buf, pages[i].n, NULL, 0);
            double t = cpu_now() - t0;
            if (t < best[p])
                best[p] = t;
        }
    printf("%zu pages, %.1f MB (UTF-8), CPU time best of %d\n\n", np, (double)bytes / 1e6, reps);
    printf("| parser | CPU s | pages/s | MB/s | x DOM | visible words | pages > 5 %% off DOM |\n");
    printf("|---|---|---|---|---|---|---|\n");
    for (int p = 0; p < P_COUNT; p++) {
        printf("| %s | %.3f | %.0f | %.1f | %.2f | ", plabel[p], best[p], (double)np / best[p],
               (double)bytes / 1e6 / best[p], best[P_DOM] / best[p]);
        if (p == P_SAX)
            printf("- | - |\n");
        else
            printf("%ld | %d |\n", words[p], far[p]);
    }
    for (size_t i = 0; i < np; i++)
        free(pages[i].buf);
    free(pages);
    return 0;
}

static int bench_one(int p, const char *buf, size_t n, const char *what)
{
    seen s;
    memset(&s, 0, sizeof s);
    double t0 = cpu_now();
    run(p, buf, n, &s, getenv("NO_CEILING") ? 0 : (size_t)16 << 20); /* the stage's */
    double t = cpu_now() - t0;
    printf("%s %s: %.1f MB, CPU %.3f s, depth %d, visible words %ld\n", pname[p], what,
           (double)n / 1e6, t, s.depth, s.words);
    return 0;
}

int main(int argc, char **argv)
{
    tm_html_init();
    tm_arena_init(&arena);
    int rc = 2;
    if (argc >= 4 && !strcmp(argv[1], "pages"))
        rc = bench_pages(atoi(argv[2]), argc - 3, argv + 3);
    else if (argc == 4 && !strcmp(argv[1], "deep")) {
        int depth = atoi(argv[2]);
        tm_buf b;
        tm_buf_init(&b);
        tm_buf_append(&b, "<html><body>", 12);
        for (int i = 0; i < depth; i++)
            tm_buf_append(&b, "<div>", 5);
        tm_buf_append(&b, "deep word ", 10);
        for (int i = 0; i < depth; i++)
            tm_buf_append(&b, "</div>", 6);
        tm_buf_append(&b, " <p>after</p></body></html>", 27);
        char what[64];
        snprintf(what, sizeof what, "nesting %d", depth);
        rc = bench_one(parser_of(argv[3]), b.data, b.len, what);
        tm_buf_free(&b);
    } else if (argc == 4 && !strcmp(argv[1], "big")) {
        size_t n;
        char *buf = slurp(argv[2], &n);
        if (!buf)
            return 2;
        rc = bench_one(parser_of(argv[3]), buf, n, "big page");
        free(buf);
    } else
        fprintf(stderr, "usage: bench_parse pages REPS DIR... | deep DEPTH PARSER | "
                        "big FILE PARSER\n");
    tm_arena_free(&arena);
    return rc;
}
