/* tm_lang_stage.c — the 'lang' stage: placeholder until the stage lands (passes documents through). */
#include "../common/tm_common.h"

typedef struct lang_cfg {
    bool enabled;
} lang_cfg;

static const tm_param lang_params[] = {
    {"enabled", TM_P_BOOL, "true", offsetof(lang_cfg, enabled), "run this stage"},
    {0},
};

static tamis_status lang_create(void **self, const void *cfg, tamis_error *err)
{
    (void)err;
    *self = (void *)cfg;
    return TAMIS_OK;
}

static tamis_status lang_process(void *self, tamis_doc *doc, tamis_error *err)
{
    (void)self, (void)doc, (void)err;
    return TAMIS_OK;
}

const tm_stage_vt tm_lang_stage = {
    .name = "lang",
    .params = lang_params,
    .cfg_size = sizeof(lang_cfg),
    .create = lang_create,
    .process = lang_process,
};
