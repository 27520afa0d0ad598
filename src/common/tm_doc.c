/* tm_doc.c — the document model: record info, text, metadata, signals, decision. */
#include "tm_common.h"

#include <stdio.h>

static const char *const field_names[TAMIS_F__COUNT] = {
    [TAMIS_F_URL] = "url",
    [TAMIS_F_TITLE] = "title",
    [TAMIS_F_AUTHOR] = "author",
    [TAMIS_F_DATE] = "date",
    [TAMIS_F_MODIFIED] = "modified",
    [TAMIS_F_SITE] = "site",
    [TAMIS_F_CATEGORY] = "category",
    [TAMIS_F_TAGS] = "tags",
    [TAMIS_F_DATELINE] = "dateline",
    [TAMIS_F_READING_TIME] = "reading_time",
    [TAMIS_F_RELATED] = "related",
    [TAMIS_F_DESCRIPTION] = "description",
    [TAMIS_F_LANG] = "lang",
    [TAMIS_F_LANG_SCORE] = "lang_score",
    [TAMIS_F_CANONICAL] = "canonical",
    [TAMIS_F_IMAGE] = "image",
    [TAMIS_F_LANG_HINT] = "lang_hint",
    [TAMIS_F_WARC_TYPE] = "warc_type",
    [TAMIS_F_WARC_DATE] = "warc_date",
    [TAMIS_F_WARC_ID] = "warc_record_id",
    [TAMIS_F_CONTENT_TYPE] = "content_type",
    [TAMIS_F_CHARSET] = "charset",
    [TAMIS_F_HTTP_STATUS] = "http_status",
    [TAMIS_F_LANG_TOP] = "lang_top",
    [TAMIS_F_LANG_PARAGRAPHS] = "lang_paragraphs",
    [TAMIS_F_SCRIPT] = "script",
    [TAMIS_F_CONTENT_LENGTH] = "content_length",
};

const char *tamis_field_name(tamis_field f)
{
    return (unsigned)f < TAMIS_F__COUNT ? field_names[f] : NULL;
}

tamis_field tamis_field_by_name(const char *name)
{
    for (int i = 0; i < TAMIS_F__COUNT; i++)
        if (name && strcmp(field_names[i], name) == 0)
            return (tamis_field)i;
    return TAMIS_F__COUNT;
}

tamis_doc *tamis_doc_new(void)
{
    tamis_doc *d = tm_calloc(1, sizeof *d);
    if (!d)
        return NULL;
    tm_arena_init(&d->arena);
    d->text = "";
    return d;
}

void tamis_doc_reset(tamis_doc *d)
{
    if (!d)
        return;
    tm_arena a = d->arena;
    tm_arena_reset(&a);
    memset(d, 0, sizeof *d);
    d->arena = a;
    d->text = "";
}

void tamis_doc_free(tamis_doc *d)
{
    if (!d)
        return;
    tm_arena_free(&d->arena);
    tm_free(d);
}

const char *tamis_doc_id(const tamis_doc *d) { return d->id ? d->id : ""; }
tamis_kind tamis_doc_kind(const tamis_doc *d) { return d->kind; }

const char *tamis_doc_text(const tamis_doc *d, size_t *len)
{
    if (len)
        *len = d->text_len;
    return d->text ? d->text : "";
}

const uint8_t *tamis_doc_payload(const tamis_doc *d, size_t *len)
{
    if (len)
        *len = d->payload_len;
    return d->payload;
}

const char *tamis_doc_source(const tamis_doc *d, uint64_t *offset)
{
    if (offset)
        *offset = d->src_offset;
    return d->src_file;
}

const char *tamis_doc_get(const tamis_doc *d, tamis_field f)
{
    if ((unsigned)f >= TAMIS_F__COUNT || d->meta[f].n == 0)
        return NULL;
    return d->meta[f].v[0];
}

size_t tamis_doc_count(const tamis_doc *d, tamis_field f)
{
    return (unsigned)f < TAMIS_F__COUNT ? d->meta[f].n : 0;
}

const char *tamis_doc_get_at(const tamis_doc *d, tamis_field f, size_t i)
{
    if ((unsigned)f >= TAMIS_F__COUNT || i >= d->meta[f].n)
        return NULL;
    return d->meta[f].v[i];
}

tamis_status tamis_doc_set_id(tamis_doc *d, const char *id, size_t len)
{
    char *c = tm_arena_strndup(&d->arena, id, len);
    if (!c)
        return TAMIS_ERR_NOMEM;
    d->id = c;
    return TAMIS_OK;
}

tamis_status tm_doc_set_textn(tamis_doc *d, const char *text, size_t len)
{
    size_t n;
    char *c = tm_utf8_sanitize(&d->arena, text, len, &n);
    if (!c)
        return TAMIS_ERR_NOMEM;
    d->text = c;
    d->text_len = n;
    return TAMIS_OK;
}

tamis_status tamis_doc_set_text(tamis_doc *d, const char *text, size_t len)
{
    return tm_doc_set_textn(d, text, len);
}

void tm_doc_adopt_text(tamis_doc *d, const char *text, size_t len)
{
    d->text = text;
    d->text_len = len;
}

tamis_status tamis_doc_set_payload(tamis_doc *d, tamis_kind kind, const uint8_t *data,
                                   size_t len)
{
    uint8_t *c = tm_arena_alloc(&d->arena, len + 1);
    if (!c)
        return TAMIS_ERR_NOMEM;
    if (len)
        memcpy(c, data, len);
    c[len] = 0;
    d->payload = c;
    d->payload_len = len;
    d->kind = kind;
    return TAMIS_OK;
}

static tamis_status strlist_push(tm_arena *a, tm_strlist *l, const char *v)
{
    if (l->n == l->cap) {
        uint32_t cap = l->cap ? l->cap * 2 : 4;
        const char **nv = tm_arena_alloc(a, cap * sizeof *nv);
        if (!nv)
            return TAMIS_ERR_NOMEM;
        if (l->n)
            memcpy(nv, l->v, l->n * sizeof *nv);
        l->v = nv;
        l->cap = cap;
    }
    l->v[l->n++] = v;
    return TAMIS_OK;
}

tamis_status tm_doc_setn(tamis_doc *d, tamis_field f, const char *v, size_t n)
{
    if ((unsigned)f >= TAMIS_F__COUNT)
        return TAMIS_ERR_ARG;
    d->meta[f].n = 0;
    if (!v)
        return TAMIS_OK;
    char *c = tm_utf8_sanitize(&d->arena, v, n, NULL);
    if (!c)
        return TAMIS_ERR_NOMEM;
    return strlist_push(&d->arena, &d->meta[f], c);
}

tamis_status tm_doc_addn(tamis_doc *d, tamis_field f, const char *v, size_t n)
{
    if ((unsigned)f >= TAMIS_F__COUNT || !v)
        return TAMIS_ERR_ARG;
    tm_strlist *l = &d->meta[f];
    for (uint32_t i = 0; i < l->n; i++)
        if (strlen(l->v[i]) == n && memcmp(l->v[i], v, n) == 0)
            return TAMIS_OK;
    char *c = tm_utf8_sanitize(&d->arena, v, n, NULL);
    if (!c)
        return TAMIS_ERR_NOMEM;
    return strlist_push(&d->arena, l, c);
}

tamis_status tamis_doc_set(tamis_doc *d, tamis_field f, const char *v)
{
    return tm_doc_setn(d, f, v, v ? strlen(v) : 0);
}

tamis_status tamis_doc_add(tamis_doc *d, tamis_field f, const char *v)
{
    return tm_doc_addn(d, f, v, v ? strlen(v) : 0);
}

int tamis_doc_dropped(const tamis_doc *d) { return d->reasons.n > 0; }

tamis_status tamis_doc_drop(tamis_doc *d, const char *reason)
{
    char *c = tm_arena_strndup(&d->arena, reason ? reason : "dropped",
                               reason ? strlen(reason) : 7);
    if (!c)
        return TAMIS_ERR_NOMEM;
    return strlist_push(&d->arena, &d->reasons, c);
}

tamis_status tm_doc_dropf(tamis_doc *d, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return tamis_doc_drop(d, buf);
}

size_t tamis_doc_reason_count(const tamis_doc *d) { return d->reasons.n; }

const char *tamis_doc_reason(const tamis_doc *d, size_t i)
{
    return i < d->reasons.n ? d->reasons.v[i] : NULL;
}

tamis_status tamis_doc_set_signal(tamis_doc *d, const char *name, double v)
{
    for (uint32_t i = 0; i < d->n_signals; i++)
        if (strcmp(d->signals[i].name, name) == 0) {
            d->signals[i].value = v;
            return TAMIS_OK;
        }
    if (d->n_signals == d->cap_signals) {
        uint32_t cap = d->cap_signals ? d->cap_signals * 2 : 32;
        tm_signal *ns = tm_arena_alloc(&d->arena, cap * sizeof *ns);
        if (!ns)
            return TAMIS_ERR_NOMEM;
        if (d->n_signals)
            memcpy(ns, d->signals, d->n_signals * sizeof *ns);
        d->signals = ns;
        d->cap_signals = cap;
    }
    /* Signal names are usually string literals, but copy: callers may pass a buffer. */
    const char *c = tm_arena_strndup(&d->arena, name, strlen(name));
    if (!c)
        return TAMIS_ERR_NOMEM;
    d->signals[d->n_signals].name = c;
    d->signals[d->n_signals].value = v;
    d->n_signals++;
    return TAMIS_OK;
}

tamis_status tamis_doc_signal(const tamis_doc *d, const char *name, double *out)
{
    for (uint32_t i = 0; i < d->n_signals; i++)
        if (strcmp(d->signals[i].name, name) == 0) {
            if (out)
                *out = d->signals[i].value;
            return TAMIS_OK;
        }
    return TAMIS_END;
}

tamis_status tm_doc_count_removed(tamis_doc *d, const char *reason, uint64_t n)
{
    for (uint32_t i = 0; i < d->n_removed; i++)
        if (strcmp(d->removed[i].name, reason) == 0) {
            d->removed[i].n += n;
            return TAMIS_OK;
        }
    if (d->n_removed == d->cap_removed) {
        uint32_t cap = d->cap_removed ? d->cap_removed * 2 : 8;
        tm_count *nr = tm_arena_alloc(&d->arena, cap * sizeof *nr);
        if (!nr)
            return TAMIS_ERR_NOMEM;
        if (d->n_removed)
            memcpy(nr, d->removed, d->n_removed * sizeof *nr);
        d->removed = nr;
        d->cap_removed = cap;
    }
    const char *c = tm_arena_strndup(&d->arena, reason, strlen(reason));
    if (!c)
        return TAMIS_ERR_NOMEM;
    d->removed[d->n_removed].name = c;
    d->removed[d->n_removed].n = n;
    d->n_removed++;
    return TAMIS_OK;
}
