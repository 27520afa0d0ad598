/* tm_io_jsonl.c — JSONL input: dolma/datatrove lines (id, text, metadata) and tamis's own
 * output layout, restored losslessly (the pipeline spools documents through JSONL between
 * corpus passes). Lines are parsed in place in the window; a line over max_record_bytes
 * is skipped in bounded memory. */
#include "tm_io.h"

#include <math.h>
#include <stdlib.h>

#define MAX_DEPTH 64

/* 1 if the raw (escaped) key equals the NUL-terminated name. Keys with escapes never
 * match: no tamis key needs them. */
static int key_is(const tm_json_member *m, const char *name)
{
    size_t n = strlen(name);
    return m->key_len == n && memcmp(m->key, name, n) == 0;
}

/* Decodes the JSON string value at m into r->scratch (NUL-terminated). */
static int decode(tm_rd *r, const char *v, const char *end)
{
    tm_buf_clear(&r->scratch);
    if (!tm_json_decode_str(v, end, &r->scratch))
        return 0;
    return tm_buf_nul(&r->scratch) == TAMIS_OK;
}

/* Scalar as text: strings decoded, numbers/true/false as written; 0 for null/objects. */
static int scalar(tm_rd *r, const char *v, const char *end)
{
    if (*v == '"')
        return decode(r, v, end);
    if (*v == '{' || *v == '[' || *v == 'n')
        return 0;
    tm_buf_clear(&r->scratch);
    return tm_buf_append(&r->scratch, v, (size_t)(end - v)) == TAMIS_OK &&
           tm_buf_nul(&r->scratch) == TAMIS_OK;
}

static tamis_status meta_field(tm_rd *r, tamis_doc *doc, tamis_field f, const char *v,
                               const char *end)
{
    tamis_status st = TAMIS_OK;
    if (*v == '[') {
        const char *p = tm_json_ws(v + 1, end);
        while (p < end && *p != ']' && st == TAMIS_OK) {
            const char *e = tm_json_skip(p, end, MAX_DEPTH);
            if (!e)
                return TAMIS_ERR_FORMAT;
            if (scalar(r, p, e))
                st = tm_doc_addn(doc, f, r->scratch.data, r->scratch.len);
            p = tm_json_ws(e, end);
            if (p < end && *p == ',')
                p = tm_json_ws(p + 1, end);
        }
        return st;
    }
    if (scalar(r, v, end))
        st = tm_doc_setn(doc, f, r->scratch.data, r->scratch.len);
    return st;
}

static tamis_status parse_metadata(tm_rd *r, tamis_doc *doc, const char *v, const char *end)
{
    if (*v != '{')
        return TAMIS_OK; /* not an object: nothing tamis can use */
    char *raw = tm_arena_strndup(&doc->arena, v, (size_t)(end - v));
    if (!raw)
        return TAMIS_ERR_NOMEM;
    doc->input_meta = raw;
    doc->input_meta_len = (size_t)(end - v);
    const char *p = v;
    tm_json_member m;
    int rc;
    char key[64];
    while ((rc = tm_json_obj_next(&p, end, &m, MAX_DEPTH)) == 1) {
        if (m.key_len >= sizeof key)
            continue;
        memcpy(key, m.key, m.key_len);
        key[m.key_len] = '\0';
        tamis_field f = tamis_field_by_name(key);
        if (f == TAMIS_F__COUNT)
            continue;
        tamis_status st = meta_field(r, doc, f, m.val, m.val_end);
        if (st != TAMIS_OK)
            return st;
    }
    return rc == 0 ? TAMIS_OK : TAMIS_ERR_FORMAT;
}

static uint64_t to_u64(const char *v, const char *end)
{
    uint64_t x = 0;
    for (; v < end && *v >= '0' && *v <= '9'; v++)
        x = x * 10 + (uint64_t)(*v - '0');
    return x;
}

/* Iterates the members of the object at v calling fn; FORMAT if malformed. */
#define FOR_MEMBERS(v, end, m)                                                             \
    for (const char *p_ = (v); *(v) == '{' && tm_json_obj_next(&p_, (end), &(m), MAX_DEPTH) == 1;)

static tamis_status parse_source(tm_rd *r, tamis_doc *doc, const char *v, const char *end)
{
    tm_json_member m;
    FOR_MEMBERS(v, end, m)
    {
        if (key_is(&m, "file") && decode(r, m.val, m.val_end)) {
            char *c = tm_arena_strndup(&doc->arena, r->scratch.data, r->scratch.len);
            if (!c)
                return TAMIS_ERR_NOMEM;
            doc->src_file = c;
        } else if (key_is(&m, "offset")) {
            doc->src_offset = to_u64(m.val, m.val_end);
        } else if (key_is(&m, "record")) {
            doc->src_record = to_u64(m.val, m.val_end);
        }
    }
    return TAMIS_OK;
}

static tamis_status parse_rest(tm_rd *r, tamis_doc *doc, const tm_json_member *top)
{
    tamis_status st = TAMIS_OK;
    tm_json_member m;
    const char *v = top->val, *end = top->val_end;
    if (key_is(top, "source")) {
        st = parse_source(r, doc, v, end);
    } else if (key_is(top, "signals")) {
        FOR_MEMBERS(v, end, m)
        {
            if (m.key_len >= 128 || *m.val == '"' || *m.val == '{' || *m.val == '[')
                continue;
            char name[128];
            memcpy(name, m.key, m.key_len);
            name[m.key_len] = '\0';
            double x = *m.val == 'n' ? (double)NAN : strtod(m.val, NULL);
            if ((st = tamis_doc_set_signal(doc, name, x)) != TAMIS_OK)
                return st;
        }
    } else if (key_is(top, "reasons") && *v == '[') {
        const char *p = tm_json_ws(v + 1, end);
        while (p < end && *p == '"' && st == TAMIS_OK) {
            const char *e = tm_json_skip(p, end, 1);
            if (!e || !decode(r, p, e))
                return TAMIS_ERR_FORMAT;
            st = tamis_doc_drop(doc, r->scratch.data);
            p = tm_json_ws(e, end);
            if (p < end && *p == ',')
                p = tm_json_ws(p + 1, end);
        }
    } else if (key_is(top, "dup_cluster")) {
        doc->has_dup = true;
        FOR_MEMBERS(v, end, m)
        {
            if (key_is(&m, "id") && decode(r, m.val, m.val_end)) {
                char *c = tm_arena_strndup(&doc->arena, r->scratch.data, r->scratch.len);
                if (!c)
                    return TAMIS_ERR_NOMEM;
                doc->dup_cluster = c;
            } else if (key_is(&m, "size")) {
                doc->dup_size = to_u64(m.val, m.val_end);
            } else if (key_is(&m, "keep")) {
                doc->dup_keep = *m.val == 't';
            }
        }
    } else if (key_is(top, "removed_lines")) {
        FOR_MEMBERS(v, end, m)
        {
            if (m.key_len >= 128)
                continue;
            char name[128];
            memcpy(name, m.key, m.key_len);
            name[m.key_len] = '\0';
            if ((st = tm_doc_count_removed(doc, name, to_u64(m.val, m.val_end))) != TAMIS_OK)
                return st;
        }
    } else if (key_is(top, "payload") && *v == '"') {
        if (!decode(r, v, end))
            return TAMIS_ERR_FORMAT;
        st = tamis_doc_set_payload(doc, doc->kind, (const uint8_t *)r->scratch.data,
                                   r->scratch.len);
    }
    return st;
}

tamis_status tm_jsonl_parse(tm_rd *r, const char *line, size_t len, tamis_doc *doc,
                            tamis_error *err, uint64_t offset)
{
    const char *end = line + len;
    const char *p = tm_json_ws(line, end);
    if (p >= end || *p != '{')
        return tm_err(err, TAMIS_ERR_FORMAT, r->file, offset, r->record,
                      "line is not a JSON object");
    /* Validate the whole line first so a broken line yields no half-filled document. */
    const char *e = tm_json_skip(p, end, MAX_DEPTH);
    if (!e || tm_json_ws(e, end) != end)
        return tm_err(err, TAMIS_ERR_FORMAT, r->file, offset, r->record,
                      "invalid JSON (or nested deeper than %d)", MAX_DEPTH);
    const char *tf = r->o->text_field ? r->o->text_field : "text";
    const char *idf = r->o->id_field ? r->o->id_field : "id";
    doc->kind = TAMIS_KIND_TEXT;
    doc->src_file = r->file;
    doc->src_offset = offset;
    doc->src_record = r->record;
    tm_json_member m;
    tamis_status st = TAMIS_OK;
    int has_text = 0;
    while (st == TAMIS_OK && tm_json_obj_next(&p, end, &m, MAX_DEPTH) == 1) {
        if (key_is(&m, tf)) {
            if (*m.val == '"') {
                if (!decode(r, m.val, m.val_end))
                    st = TAMIS_ERR_FORMAT;
                else
                    st = tm_doc_set_textn(doc, r->scratch.data, r->scratch.len);
                has_text = 1;
            }
        } else if (key_is(&m, idf)) {
            if (scalar(r, m.val, m.val_end))
                st = tamis_doc_set_id(doc, r->scratch.data, r->scratch.len);
        } else if (key_is(&m, "metadata")) {
            st = parse_metadata(r, doc, m.val, m.val_end);
        } else {
            st = parse_rest(r, doc, &m);
        }
    }
    if (st == TAMIS_OK && doc->payload && has_text) {
        /* Text next to an HTML payload is extracted text (spools between passes). */
        const char *ct = tamis_doc_get(doc, TAMIS_F_CONTENT_TYPE);
        doc->extracted = tm_sniff_kind(ct, ct ? strlen(ct) : 0, doc->payload,
                                       doc->payload_len) == TAMIS_KIND_HTML;
    }
    if (st == TAMIS_OK && doc->payload && !has_text) {
        /* A payload without text still needs extracting (cat --payload output, spools
         * written before extraction). */
        const char *ct = tamis_doc_get(doc, TAMIS_F_CONTENT_TYPE);
        doc->kind = tm_sniff_kind(ct, ct ? strlen(ct) : 0, doc->payload, doc->payload_len);
    }
    if (st == TAMIS_OK && !doc->id) {
        char *c = tm_arena_printf(&doc->arena, "%s#%llu", r->file, (unsigned long long)r->record);
        if (!c)
            st = TAMIS_ERR_NOMEM;
        doc->id = c;
    }
    if (st != TAMIS_OK)
        return tm_err(err, st, r->file, offset, r->record, "%s",
                      st == TAMIS_ERR_FORMAT ? "invalid JSON value" : tamis_strerror(st));
    return TAMIS_OK;
}

tamis_status tm_jsonl_next(tm_rd *r, tamis_doc *doc, tamis_error *err)
{
    tm_src *s = r->src;
    for (;;) {
        size_t have = tm_src_fill(s, 1);
        if (!have)
            return TAMIS_END;
        uint64_t start = tm_src_tell(s);
        const char *d = tm_src_data(s);
        const char *nl = memchr(d, '\n', have);
        /* Grow the window until the line ends, up to just past the record ceiling. */
        while (!nl && have <= r->max_rec) {
            size_t want = (size_t)TM_MIN((uint64_t)TM_MAX(have * 2, (size_t)65536), r->max_rec + 2);
            size_t got = tm_src_fill(s, want);
            d = tm_src_data(s);
            if (got <= have)
                break; /* end of input */
            nl = memchr(d + have, '\n', got - have);
            have = got;
        }
        size_t len = nl ? (size_t)(nl - d) : have;
        r->record++;
        uint64_t off = tm_src_record_offset(s, start);
        if (len > r->max_rec) {
            /* Skip to the end of this line in bounded memory. */
            uint64_t total = 0;
            for (;;) {
                size_t n = tm_src_fill(s, 1u << 20);
                if (!n)
                    break;
                const char *dd = tm_src_data(s);
                const char *x = memchr(dd, '\n', n);
                size_t k = x ? (size_t)(x - dd) + 1 : n;
                tm_src_consume(s, k);
                total += k;
                if (x)
                    break;
            }
            return tm_err(err, TAMIS_ERR_TOO_BIG, r->file, off, r->record,
                          "line of %llu bytes is over max_record_bytes (%llu)",
                          (unsigned long long)total, (unsigned long long)r->max_rec);
        }
        size_t l2 = len;
        while (l2 && (d[l2 - 1] == '\r' || d[l2 - 1] == ' ' || d[l2 - 1] == '\t'))
            l2--;
        size_t i = 0;
        while (i < l2 && (d[i] == ' ' || d[i] == '\t'))
            i++;
        if (i == l2) { /* blank line: not a record */
            tm_src_consume(s, nl ? len + 1 : len);
            continue; /* (record keeps counting lines, so messages name the line) */
        }
        tamis_status st = tm_jsonl_parse(r, d, l2, doc, err, off);
        tm_src_consume(s, nl ? len + 1 : len);
        return st;
    }
}
