/* tm_extract_stage.c — the 'extract' stage: HTML payload -> main-content text (plain or
 * Markdown) + article metadata, with per-page ceilings on bytes, depth and time. */
#include "tm_html.h"

#include <stdlib.h>

typedef struct extract_cfg {
    bool enabled;
    char *format;
    bool markdown;
    bool links;
    bool tables;
    bool comments;
    bool metadata;
    int64_t min_chars;
    int64_t max_bytes;
    int64_t max_depth;
    int64_t time_budget_ms;
} extract_cfg;

static const tm_param extract_params[] = {
    {"enabled", TM_P_BOOL, "true", offsetof(extract_cfg, enabled), "run this stage"},
    {"format", TM_P_STRING, "text", offsetof(extract_cfg, format),
     "output text format: text (paragraphs separated by blank lines) or markdown"},
    {"markdown", TM_P_BOOL, "false", offsetof(extract_cfg, markdown),
     "same as format = markdown (for the --markdown flag)"},
    {"links", TM_P_BOOL, "false", offsetof(extract_cfg, links),
     "markdown: keep links as [text](url)"},
    {"tables", TM_P_BOOL, "true", offsetof(extract_cfg, tables), "keep tables of the main content"},
    {"comments", TM_P_BOOL, "false", offsetof(extract_cfg, comments),
     "keep reader-comment sections (dropped by default)"},
    {"metadata", TM_P_BOOL, "true", offsetof(extract_cfg, metadata),
     "extract title, author, dates, site, categories, tags, description, canonical URL, image"},
    {"min_chars", TM_P_INT, "250", offsetof(extract_cfg, min_chars),
     "when the main content has fewer characters, fall back to every good paragraph of the page"},
    {"max_bytes", TM_P_INT, "16777216", offsetof(extract_cfg, max_bytes),
     "pages longer than this are cut here before parsing (signal extract_truncated)"},
    {"max_depth", TM_P_INT, "400", offsetof(extract_cfg, max_depth),
     "elements nested deeper are flattened into their ancestor (signal extract_depth_limited)"},
    {"time_budget_ms", TM_P_INT, "2000", offsetof(extract_cfg, time_budget_ms),
     "parse time budget per page; the page is cut there (signal extract_timed_out); 0: none"},
    {0},
};

typedef struct extract_state {
    const extract_cfg *cfg;
    bool markdown;
} extract_state;

static tamis_status extract_create(void **self, const void *cfgp, tamis_error *err)
{
    const extract_cfg *cfg = cfgp;
    tm_html_init(); /* in the thread that starts the stage, before any worker parses */
    bool md = cfg->markdown;
    if (cfg->format && !strcmp(cfg->format, "markdown"))
        md = true;
    else if (cfg->format && strcmp(cfg->format, "text"))
        return tm_err(err, TAMIS_ERR_ARG, NULL, 0, 0,
                      "extract.format: '%s' is not text or markdown", cfg->format);
    if (cfg->max_depth < 8 || cfg->max_depth > 100000)
        return tm_err(err, TAMIS_ERR_ARG, NULL, 0, 0, "extract.max_depth: must be 8..100000");
    if (cfg->max_bytes < 0 || cfg->time_budget_ms < 0)
        return tm_err(err, TAMIS_ERR_ARG, NULL, 0, 0, "extract: limits must not be negative");
    extract_state *s = tm_calloc(1, sizeof *s);
    if (!s)
        return TAMIS_ERR_NOMEM;
    s->cfg = cfg;
    s->markdown = md;
    *self = s;
    return TAMIS_OK;
}

static void extract_destroy(void *self) { tm_free(self); }

/* A TEXT document whose text is an HTML page (.html files, stub readers): optional BOM
 * and whitespace, then '<', and <html, <body or <!doctype in the first 4 KiB. */
static int looks_like_html(const char *s, size_t n)
{
    size_t i = 0;
    if (n >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3))
        i = 3;
    while (i < n && (s[i] == ' ' || s[i] == '\n' || s[i] == '\r' || s[i] == '\t'))
        i++;
    if (i >= n || s[i] != '<')
        return 0;
    size_t lim = TM_MIN(n, i + 4096);
    for (size_t k = i; k + 5 <= lim; k++) {
        if (s[k] != '<')
            continue;
        if (!strncasecmp(s + k, "<html", 5) || !strncasecmp(s + k, "<body", 5) ||
            (k + 9 <= lim && !strncasecmp(s + k, "<!doctype", 9)))
            return 1;
    }
    return 0;
}

/* Bytes that no text page contains: NULs and other C0 controls in quantity, or the magic
 * of a compressed/image/PDF body mislabelled text/html. */
static const char *binary_kind(const uint8_t *p, size_t n)
{
    if (n >= 2 && ((p[0] == 0xFF && p[1] == 0xFE) || (p[0] == 0xFE && p[1] == 0xFF)))
        return NULL; /* UTF-16 with BOM */
    if (n >= 2 && p[0] == 0x1F && p[1] == 0x8B)
        return "gzip";
    if (n >= 4 && !memcmp(p, "%PDF", 4))
        return "pdf";
    if (n >= 4 && !memcmp(p, "\x89PNG", 4))
        return "png";
    if (n >= 3 && !memcmp(p, "\xFF\xD8\xFF", 3))
        return "jpeg";
    if (n >= 4 && (!memcmp(p, "PK\x03\x04", 4) || !memcmp(p, "\x28\xB5\x2F\xFD", 4)))
        return "archive";
    size_t lim = TM_MIN(n, (size_t)4096), bad = 0;
    for (size_t i = 0; i < lim; i++)
        if (p[i] < 0x09 || (p[i] > 0x0D && p[i] < 0x20 && p[i] != 0x1B))
            bad++;
    if (lim && bad * 20 > lim) /* > 5 % control bytes */
        return "control bytes";
    return NULL;
}

static tamis_status extract_process(void *self, tamis_doc *doc, tamis_error *err)
{
    (void)err;
    extract_state *s = self;
    const extract_cfg *cfg = s->cfg;
    if (!cfg->enabled)
        return TAMIS_OK;
    const uint8_t *html;
    size_t n;
    if (doc->kind == TAMIS_KIND_HTML) {
        html = doc->payload;
        n = doc->payload_len;
    } else if (doc->kind == TAMIS_KIND_TEXT && looks_like_html(doc->text, doc->text_len)) {
        html = (const uint8_t *)doc->text;
        n = doc->text_len;
    } else {
        return TAMIS_OK;
    }
    if (n == 0 || !html) {
        doc->kind = TAMIS_KIND_TEXT;
        tm_doc_set_textn(doc, "", 0);
        return tm_doc_dropf(doc, "extract_empty: empty HTML body");
    }
    const char *bin = binary_kind(html, n);
    if (bin) {
        doc->kind = TAMIS_KIND_TEXT;
        tm_doc_set_textn(doc, "", 0);
        return tm_doc_dropf(doc, "extract_binary: %s in a body labelled HTML (%zu bytes)", bin, n);
    }

    tm_html_limits lim = {(size_t)cfg->max_bytes, (uint32_t)cfg->max_depth,
                          (double)cfg->time_budget_ms / 1000.0};
    tm_hdoc h;
    tamis_status st = tm_html_parse(&doc->arena, html, n, tamis_doc_get(doc, TAMIS_F_CHARSET),
                                    &lim, &h);
    if (st != TAMIS_OK)
        return tm_err(err, st, doc->src_file, doc->src_offset, doc->src_record,
                      "extract: cannot parse the page: %s", tamis_strerror(st));
    if (h.truncated)
        tamis_doc_set_signal(doc, "extract_truncated", 1);
    if (h.depth_limit)
        tamis_doc_set_signal(doc, "extract_depth_limited", 1);
    if (h.timed_out)
        tamis_doc_set_signal(doc, "extract_timed_out", 1);
    if (h.stopped)
        tamis_doc_set_signal(doc, "extract_parse_stopped", 1);

    if (cfg->metadata && (st = tm_extract_meta(doc, &h)) != TAMIS_OK)
        return tm_err(err, st, doc->src_file, doc->src_offset, doc->src_record,
                      "extract: metadata: %s", tamis_strerror(st));

    tm_extract_opts o = {cfg->comments, s->markdown, cfg->links, cfg->tables, cfg->min_chars,
                         tamis_doc_get(doc, TAMIS_F_TITLE)};
    tm_buf out;
    tm_buf_init(&out);
    st = tm_extract_content(&doc->arena, &h, &o, &out);
    if (st == TAMIS_OK) {
        /* trailing separators are not text */
        while (out.len && (out.data[out.len - 1] == '\n' || out.data[out.len - 1] == ' '))
            out.len--;
        st = tm_doc_set_textn(doc, out.data ? out.data : "", out.len);
    }
    tm_buf_free(&out);
    if (st != TAMIS_OK)
        return tm_err(err, st, doc->src_file, doc->src_offset, doc->src_record,
                      "extract: %s", tamis_strerror(st));
    doc->kind = TAMIS_KIND_TEXT;
    doc->extracted = true;
    if (doc->text_len == 0)
        return tm_doc_dropf(doc, "extract_empty: no main content in %zu bytes of HTML (%zu nodes)",
                            n, h.n_nodes);
    return TAMIS_OK;
}

const tm_stage_vt tm_extract_stage = {
    .name = "extract",
    .params = extract_params,
    .cfg_size = sizeof(extract_cfg),
    .create = extract_create,
    .process = extract_process,
    .destroy = extract_destroy,
};
