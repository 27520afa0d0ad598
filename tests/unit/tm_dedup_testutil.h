/* tm_dedup_testutil.h — dedup tests: load a JSONL(.gz) file's id/text pairs and run the
 * dedup stage's corpus protocol (observe all, finish, process all) over them. */
#ifndef TM_DEDUP_TESTUTIL_H
#define TM_DEDUP_TESTUTIL_H

#include "common/tm_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <zlib.h>

typedef struct tdoc {
    char *id, *text;
    size_t text_len;
    char *date;
} tdoc;

typedef struct tcorpus {
    tdoc *d;
    size_t n, cap;
} tcorpus;

static void tcorpus_push(tcorpus *c, const char *id, size_t idl, const char *text, size_t tl)
{
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 256;
        c->d = realloc(c->d, c->cap * sizeof *c->d);
    }
    tdoc *d = &c->d[c->n++];
    d->id = strndup(id, idl);
    d->text = malloc(tl + 1);
    memcpy(d->text, text, tl);
    d->text[tl] = '\0';
    d->text_len = tl;
    d->date = NULL;
}

/* Reads "id" and "text" of every line of a JSONL file, plain or gzip. */
static int tcorpus_load(tcorpus *c, const char *path)
{
    gzFile f = gzopen(path, "rb");
    if (!f)
        return -1;
    tm_buf line, id, text;
    tm_buf_init(&line);
    tm_buf_init(&id);
    tm_buf_init(&text);
    char chunk[65536];
    int eof = 0;
    while (!eof) {
        tm_buf_clear(&line);
        for (;;) {
            if (!gzgets(f, chunk, sizeof chunk)) {
                eof = 1;
                break;
            }
            size_t l = strlen(chunk);
            tm_buf_append(&line, chunk, l);
            if (l && chunk[l - 1] == '\n')
                break;
        }
        if (!line.len)
            continue;
        const char *p = line.data, *end = line.data + line.len;
        p = tm_json_ws(p, end);
        if (p >= end || *p != '{')
            continue;
        tm_json_member m;
        tm_buf_clear(&id);
        tm_buf_clear(&text);
        while (tm_json_obj_next(&p, end, &m, 64) == 1) {
            if (m.key_len == 2 && !memcmp(m.key, "id", 2) && *m.val == '"')
                tm_json_decode_str(m.val, m.val_end, &id);
            else if (m.key_len == 4 && !memcmp(m.key, "text", 4) && *m.val == '"')
                tm_json_decode_str(m.val, m.val_end, &text);
        }
        tcorpus_push(c, id.data ? id.data : "", id.len, text.data ? text.data : "", text.len);
    }
    gzclose(f);
    tm_buf_free(&line);
    tm_buf_free(&id);
    tm_buf_free(&text);
    return 0;
}

static void tcorpus_free(tcorpus *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->d[i].id);
        free(c->d[i].text);
        free(c->d[i].date);
    }
    free(c->d);
    memset(c, 0, sizeof *c);
}

/* Result of one document after the second pass. */
typedef struct tres {
    int dropped, has_dup, keep;
    unsigned long long size;
    char cluster[256];
    char reason[512];
    char *text; /* text after line dedup (malloc'ed) */
    unsigned long long removed;
} tres;

/* Runs a configured dedup stage over the corpus; res gets one entry per document. */
static tamis_status trun(tamis_stage *s, const tcorpus *c, tres *res)
{
    tamis_doc *doc = tamis_doc_new();
    tamis_error err = {0};
    tamis_status st = TAMIS_OK;
    for (int pass = 0; pass < 2 && st == TAMIS_OK; pass++) {
        for (size_t i = 0; i < c->n && st == TAMIS_OK; i++) {
            tamis_doc_reset(doc);
            tamis_doc_set_id(doc, c->d[i].id, strlen(c->d[i].id));
            tamis_doc_set_text(doc, c->d[i].text, c->d[i].text_len);
            if (c->d[i].date)
                tamis_doc_set(doc, TAMIS_F_DATE, c->d[i].date);
            doc->seq = i;
            if (pass == 0) {
                st = tamis_stage_observe(s, doc, &err);
                continue;
            }
            st = tamis_stage_process(s, doc, &err);
            tres *r = &res[i];
            memset(r, 0, sizeof *r);
            r->dropped = tamis_doc_dropped(doc);
            r->has_dup = doc->has_dup;
            r->keep = doc->dup_keep;
            r->size = doc->dup_size;
            snprintf(r->cluster, sizeof r->cluster, "%s", doc->dup_cluster ? doc->dup_cluster : "");
            snprintf(r->reason, sizeof r->reason, "%s",
                     r->dropped ? tamis_doc_reason(doc, 0) : "");
            r->text = strdup(doc->text);
            for (uint32_t k = 0; k < doc->n_removed; k++)
                r->removed += doc->removed[k].n;
        }
        if (pass == 0 && st == TAMIS_OK)
            st = tamis_stage_finish(s, &err);
    }
    if (st != TAMIS_OK)
        fprintf(stderr, "dedup run: %s\n", err.message);
    tamis_doc_free(doc);
    return st;
}

static void tres_free(tres *r, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(r[i].text);
}

#endif
