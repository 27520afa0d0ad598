/* tm_stage.c — stage registry and the generic tamis_stage handle over a vtable. */
#include "tm_common.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

static const tm_stage_vt *const registry[] = {
    &tm_extract_stage, &tm_clean_stage, &tm_lang_stage, &tm_filter_stage, &tm_dedup_stage,
};
#define N_STAGES (sizeof registry / sizeof registry[0])

static const char *const names[N_STAGES + 1] = {"extract", "clean", "lang", "filter", "dedup",
                                                NULL};

const char *const *tamis_stage_names(void) { return names; }

struct tamis_stage {
    const tm_stage_vt *vt;
    void *cfg;  /* config struct described by vt->params */
    void *self; /* created lazily on first use, so that every set() came first */
    tamis_status create_status;
    bool created;               /* set() is refused from then on */
    atomic_bool ready;          /* self (or create_status) is published */
    pthread_mutex_t create_mu;  /* worker threads may race to the first process() */
};

static const tm_stage_vt *find(const char *name)
{
    for (size_t i = 0; i < N_STAGES; i++)
        if (name && strcmp(registry[i]->name, name) == 0)
            return registry[i];
    return NULL;
}

tamis_status tamis_stage_new(tamis_stage **out, const char *name, tamis_error *err)
{
    *out = NULL;
    const tm_stage_vt *vt = find(name);
    if (!vt)
        return tm_err(err, TAMIS_ERR_ARG, NULL, 0, 0,
                      "unknown stage '%s' (extract, clean, lang, filter, dedup)",
                      name ? name : "");
    tamis_stage *s = tm_calloc(1, sizeof *s);
    if (!s)
        return tm_err(err, TAMIS_ERR_NOMEM, NULL, 0, 0, "out of memory");
    s->vt = vt;
    pthread_mutex_init(&s->create_mu, NULL);
    s->cfg = tm_calloc(1, vt->cfg_size ? vt->cfg_size : 1);
    if (!s->cfg) {
        tm_free(s);
        return tm_err(err, TAMIS_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    tamis_status st = tm_params_defaults(vt->params, s->cfg);
    if (st != TAMIS_OK) {
        tamis_stage_free(s);
        return tm_err(err, st, NULL, 0, 0, "%s: bad default parameters", name);
    }
    *out = s;
    return TAMIS_OK;
}

tamis_status tamis_stage_set(tamis_stage *s, const char *key, const char *value,
                             tamis_error *err)
{
    if (s->created)
        return tm_err(err, TAMIS_ERR_ARG, NULL, 0, 0,
                      "%s.%s: parameters must be set before the first document",
                      s->vt->name, key);
    if (s->vt->set)
        return s->vt->set(s->cfg, key, value, err);
    return tm_params_set(s->vt->params, s->cfg, s->vt->name, key, value, err);
}

static tamis_status ensure(tamis_stage *s, tamis_error *err)
{
    if (TM_UNLIKELY(!atomic_load_explicit(&s->ready, memory_order_acquire))) {
        pthread_mutex_lock(&s->create_mu);
        if (!s->created) {
            s->created = true;
            s->create_status = s->vt->create(&s->self, s->cfg, err);
            atomic_store_explicit(&s->ready, true, memory_order_release);
            pthread_mutex_unlock(&s->create_mu);
            return s->create_status;
        }
        pthread_mutex_unlock(&s->create_mu);
    }
    if (s->create_status != TAMIS_OK)
        return tm_err(err, s->create_status, NULL, 0, 0, "%s: stage failed to start",
                      s->vt->name);
    return TAMIS_OK;
}

tamis_status tamis_stage_start(tamis_stage *s, tamis_error *err) { return ensure(s, err); }

tamis_status tamis_stage_process(tamis_stage *s, tamis_doc *doc, tamis_error *err)
{
    tamis_status st = ensure(s, err);
    if (st != TAMIS_OK)
        return st;
    return s->vt->process(s->self, doc, err);
}

int tamis_stage_is_corpus(const tamis_stage *s)
{
    return s->vt->is_corpus ? s->vt->is_corpus(s->cfg) : 0;
}

tamis_status tamis_stage_observe(tamis_stage *s, const tamis_doc *doc, tamis_error *err)
{
    tamis_status st = ensure(s, err);
    if (st != TAMIS_OK)
        return st;
    return s->vt->observe ? s->vt->observe(s->self, doc, err) : TAMIS_OK;
}

tamis_status tamis_stage_finish(tamis_stage *s, tamis_error *err)
{
    tamis_status st = ensure(s, err);
    if (st != TAMIS_OK)
        return st;
    return s->vt->finish ? s->vt->finish(s->self, err) : TAMIS_OK;
}

tamis_status tm_stage_prepare(tamis_stage *s, tamis_doc *doc, tamis_error *err)
{
    tamis_status st = ensure(s, err);
    if (st != TAMIS_OK)
        return st;
    return s->vt->prepare ? s->vt->prepare(s->self, doc, err) : TAMIS_OK;
}

void tm_stage_set_budget(tamis_stage *s, size_t bytes, const char *tmp_dir)
{
    if (ensure(s, NULL) == TAMIS_OK && s->vt->set_budget)
        s->vt->set_budget(s->self, bytes, tmp_dir);
}

const char *tamis_stage_name(const tamis_stage *s) { return s->vt->name; }

tamis_status tamis_stage_report(const tamis_stage *s, char **out)
{
    *out = NULL;
    if (s->created && s->self && s->vt->report)
        *out = s->vt->report(s->self);
    return TAMIS_OK;
}

void tamis_stage_free(tamis_stage *s)
{
    if (!s)
        return;
    if (s->self && s->vt->destroy)
        s->vt->destroy(s->self);
    tm_params_free(s->vt->params, s->cfg);
    pthread_mutex_destroy(&s->create_mu);
    tm_free(s->cfg);
    tm_free(s);
}

tamis_status tamis_stage_params(const char *name, tamis_param_fn fn, void *ctx)
{
    const tm_stage_vt *vt = find(name);
    if (!vt)
        return TAMIS_ERR_ARG;
    for (const tm_param *p = vt->params; p && p->key; p++)
        fn(ctx, p->key, tm_param_type_name(p->type), p->def, p->help);
    return TAMIS_OK;
}

const char *tm_data_dir(void)
{
    const char *e = getenv("TAMIS_DATA_DIR");
    if (e && *e)
        return e;
#ifdef TAMIS_DATA_DIR_DEFAULT
    return TAMIS_DATA_DIR_DEFAULT;
#else
    return "data";
#endif
}
