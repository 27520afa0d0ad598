/* tm_json_out.c — one document as one JSON line: the layout every command writes
 * (docs/output.md). Absent values are omitted, never invented. */
#include "../common/tm_common.h"

#include <stdlib.h>

/* Fields written as JSON arrays, numbers, or "; "-joined strings. */
static bool is_list(tamis_field f)
{
    return f == TAMIS_F_TAGS || f == TAMIS_F_RELATED || f == TAMIS_F_LANG_TOP ||
           f == TAMIS_F_LANG_PARAGRAPHS;
}
static bool is_number(tamis_field f)
{
    return f == TAMIS_F_READING_TIME || f == TAMIS_F_LANG_SCORE || f == TAMIS_F_HTTP_STATUS ||
           f == TAMIS_F_CONTENT_LENGTH;
}

/* Writes a numeric field as a number when it parses as one, else as a string. */
static tamis_status put_number_or_str(tm_buf *b, const char *v)
{
    char *end = NULL;
    double x = strtod(v, &end);
    if (end != v && *end == '\0')
        return tm_json_num(b, x);
    return tm_json_str(b, v, strlen(v));
}

static bool key_is_ours(const tamis_doc *d, const char *key, size_t len)
{
    for (int f = 0; f < TAMIS_F__COUNT; f++) {
        const char *nm = tamis_field_name((tamis_field)f);
        if (d->meta[f].n && strlen(nm) == len && memcmp(nm, key, len) == 0)
            return true;
    }
    return false;
}

static tamis_status write_metadata(tm_buf *b, const tamis_doc *d)
{
    tm_buf_puts(b, ",\"metadata\":{");
    bool first = true;
    for (int fi = 0; fi < TAMIS_F__COUNT; fi++) {
        tamis_field f = (tamis_field)fi;
        const tm_strlist *l = &d->meta[f];
        if (!l->n)
            continue;
        if (!first)
            tm_buf_putc(b, ',');
        first = false;
        const char *nm = tamis_field_name(f);
        tm_json_str(b, nm, strlen(nm));
        tm_buf_putc(b, ':');
        if (is_list(f)) {
            tm_buf_putc(b, '[');
            for (uint32_t i = 0; i < l->n; i++) {
                if (i)
                    tm_buf_putc(b, ',');
                tm_json_str(b, l->v[i], strlen(l->v[i]));
            }
            tm_buf_putc(b, ']');
        } else if (is_number(f)) {
            put_number_or_str(b, l->v[0]);
        } else if (l->n == 1) {
            tm_json_str(b, l->v[0], strlen(l->v[0]));
        } else {
            tm_buf tmp;
            tm_buf_init(&tmp);
            for (uint32_t i = 0; i < l->n; i++) {
                if (i)
                    tm_buf_puts(&tmp, "; ");
                tm_buf_puts(&tmp, l->v[i]);
            }
            tm_json_str(b, tmp.data ? tmp.data : "", tmp.len);
            tm_buf_free(&tmp);
        }
    }
    /* Pass through the input's own metadata keys that no stage set. */
    if (d->input_meta) {
        const char *p = d->input_meta, *end = d->input_meta + d->input_meta_len;
        tm_json_member m;
        int r;
        while ((r = tm_json_obj_next(&p, end, &m, 64)) == 1) {
            if (key_is_ours(d, m.key, m.key_len))
                continue;
            if (!first)
                tm_buf_putc(b, ',');
            first = false;
            tm_buf_putc(b, '"');
            tm_buf_append(b, m.key, m.key_len);
            tm_buf_puts(b, "\":");
            tm_buf_append(b, m.val, (size_t)(m.val_end - m.val));
        }
    }
    return tm_buf_putc(b, '}');
}

tamis_status tm_doc_json(const tamis_doc *d, const tamis_writer_opts *o, tm_buf *b)
{
    const char *id = d->id ? d->id : "";
    tm_buf_puts(b, "{\"id\":");
    tm_json_str(b, id, strlen(id));
    tm_buf_puts(b, ",\"text\":");
    tm_json_str(b, d->text ? d->text : "", d->text_len);
    if (d->src_file) {
        tm_buf_puts(b, ",\"source\":{\"file\":");
        tm_json_str(b, d->src_file, strlen(d->src_file));
        tm_buf_printf(b, ",\"offset\":%llu,\"record\":%llu}", (unsigned long long)d->src_offset,
                      (unsigned long long)d->src_record);
    }
    write_metadata(b, d);
    /* Binary payloads (images, PDFs) are omitted: as "UTF-8 text" they would be noise. */
    if (o && o->with_payload && d->payload &&
        (d->kind != TAMIS_KIND_OTHER ||
         (tm_utf8_valid_prefix((const char *)d->payload, d->payload_len) == d->payload_len &&
          !memchr(d->payload, '\0', d->payload_len)))) {
        tm_buf_puts(b, ",\"payload\":");
        tm_json_str(b, (const char *)d->payload, d->payload_len);
    }
    if ((!o || o->with_signals) && d->n_signals) {
        tm_buf_puts(b, ",\"signals\":{");
        for (uint32_t i = 0; i < d->n_signals; i++) {
            if (i)
                tm_buf_putc(b, ',');
            tm_json_str(b, d->signals[i].name, strlen(d->signals[i].name));
            tm_buf_putc(b, ':');
            tm_json_num(b, d->signals[i].value);
        }
        tm_buf_putc(b, '}');
    }
    if (d->reasons.n) {
        tm_buf_puts(b, ",\"decision\":\"drop\",\"reasons\":[");
        for (uint32_t i = 0; i < d->reasons.n; i++) {
            if (i)
                tm_buf_putc(b, ',');
            tm_json_str(b, d->reasons.v[i], strlen(d->reasons.v[i]));
        }
        tm_buf_putc(b, ']');
    } else {
        tm_buf_puts(b, ",\"decision\":\"keep\"");
    }
    if (d->has_dup) {
        const char *c = d->dup_cluster ? d->dup_cluster : id;
        tm_buf_puts(b, ",\"dup_cluster\":{\"id\":");
        tm_json_str(b, c, strlen(c));
        tm_buf_printf(b, ",\"size\":%llu,\"keep\":%s}", (unsigned long long)d->dup_size,
                      d->dup_keep ? "true" : "false");
    }
    if (d->n_removed) {
        tm_buf_puts(b, ",\"removed_lines\":{");
        for (uint32_t i = 0; i < d->n_removed; i++) {
            if (i)
                tm_buf_putc(b, ',');
            tm_json_str(b, d->removed[i].name, strlen(d->removed[i].name));
            tm_buf_printf(b, ":%llu", (unsigned long long)d->removed[i].n);
        }
        tm_buf_putc(b, '}');
    }
    tamis_status st = tm_buf_putc(b, '}');
    return st == TAMIS_OK ? tm_buf_nul(b) : st;
}

tamis_status tamis_doc_to_json(const tamis_doc *d, const tamis_writer_opts *o, char **out,
                               size_t *len)
{
    tm_buf b;
    tm_buf_init(&b);
    tamis_status st = tm_doc_json(d, o, &b);
    if (st != TAMIS_OK) {
        tm_buf_free(&b);
        *out = NULL;
        return st;
    }
    *out = b.data;
    if (len)
        *len = b.len;
    return TAMIS_OK;
}
