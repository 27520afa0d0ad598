/* tm_pipeline.c — composes readers, stages and writers (v0: serial). */
#include "../common/tm_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

struct tamis_pipeline {
    tamis_pipeline_opts o;
    tamis_stage **stages;
    size_t n_stages, cap_stages;
};

void tamis_pipeline_opts_init(tamis_pipeline_opts *o)
{
    memset(o, 0, sizeof *o);
    tamis_reader_opts_init(&o->reader);
    tamis_writer_opts_init(&o->writer);
}

tamis_status tamis_pipeline_new(tamis_pipeline **out, const tamis_pipeline_opts *o)
{
    tamis_pipeline *p = tm_calloc(1, sizeof *p);
    if (!p)
        return TAMIS_ERR_NOMEM;
    if (o)
        p->o = *o;
    else
        tamis_pipeline_opts_init(&p->o);
    *out = p;
    return TAMIS_OK;
}

tamis_status tamis_pipeline_add(tamis_pipeline *p, tamis_stage *s)
{
    if (p->n_stages == p->cap_stages) {
        size_t cap = p->cap_stages ? p->cap_stages * 2 : 8;
        tamis_stage **ns = tm_realloc(p->stages, cap * sizeof *ns);
        if (!ns)
            return TAMIS_ERR_NOMEM;
        p->stages = ns;
        p->cap_stages = cap;
    }
    p->stages[p->n_stages++] = s;
    return TAMIS_OK;
}

void tamis_pipeline_free(tamis_pipeline *p)
{
    if (!p)
        return;
    tm_free(p->stages);
    tm_free(p);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

tamis_status tamis_pipeline_run(tamis_pipeline *p, const char *const *inputs, size_t n_inputs,
                                const char *output, tamis_stats *stats, tamis_error *err)
{
    tamis_writer *w = NULL;
    tamis_status st = tamis_writer_open(&w, output, &p->o.writer, err);
    if (st != TAMIS_OK)
        return st;
    tamis_doc *doc = tamis_doc_new();
    if (!doc) {
        tamis_writer_close(w, NULL);
        return TAMIS_ERR_NOMEM;
    }
    double t0 = now_s();
    tamis_status result = TAMIS_OK;
    for (size_t i = 0; i < n_inputs && result == TAMIS_OK; i++) {
        tamis_reader *r = NULL;
        st = tamis_reader_open(&r, inputs[i], &p->o.reader, err);
        if (st != TAMIS_OK) {
            result = st;
            break;
        }
        for (;;) {
            tamis_error e = {0};
            st = tamis_reader_next(r, doc, &e);
            if (st == TAMIS_END)
                break;
            if (st != TAMIS_OK) {
                tamis_stats_add_in(stats, 0);
                tamis_stats_add_skipped(stats, st);
                if (p->o.on_error)
                    p->o.on_error(p->o.ctx, &e);
                continue;
            }
            tamis_stats_add_in(stats, doc->payload_len ? doc->payload_len : doc->text_len);
            tamis_status ps = TAMIS_OK;
            for (size_t k = 0; k < p->n_stages && !tamis_doc_dropped(doc); k++) {
                ps = tamis_stage_process(p->stages[k], doc, &e);
                if (ps != TAMIS_OK)
                    break;
            }
            if (ps != TAMIS_OK) {
                tamis_stats_add_skipped(stats, ps);
                if (!e.file[0])
                    tm_err(&e, ps, doc->src_file, doc->src_offset, doc->src_record, "%s",
                           e.message[0] ? e.message : tamis_strerror(ps));
                if (p->o.on_error)
                    p->o.on_error(p->o.ctx, &e);
                continue;
            }
            if (tamis_doc_dropped(doc)) {
                tamis_stats_add_dropped(stats, tamis_doc_reason(doc, 0));
                if (!p->o.write_dropped)
                    continue;
            } else {
                tamis_stats_add_written(stats, doc->text_len);
            }
            st = tamis_writer_write(w, doc, err);
            if (st != TAMIS_OK) {
                result = st;
                break;
            }
        }
        if (p->o.on_progress) {
            tamis_progress pr = {0};
            pr.records_in = tamis_stats_in(stats);
            pr.written = tamis_stats_written(stats);
            pr.dropped = tamis_stats_dropped(stats);
            pr.skipped = tamis_stats_skipped(stats);
            pr.bytes_in = tamis_reader_bytes(r);
            pr.seconds = now_s() - t0;
            pr.input_index = i;
            pr.input_count = n_inputs;
            p->o.on_progress(p->o.ctx, &pr);
        }
        tamis_reader_free(r);
    }
    tamis_doc_free(doc);
    st = tamis_writer_close(w, result == TAMIS_OK ? err : NULL);
    return result != TAMIS_OK ? result : st;
}
