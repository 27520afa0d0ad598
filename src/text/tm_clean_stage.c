/* tm_clean_stage.c — the 'clean' stage: placeholder until the stage lands (passes documents through). */
#include "../common/tm_common.h"

typedef struct clean_cfg {
    bool enabled;
} clean_cfg;

static const tm_param clean_params[] = {
    {"enabled", TM_P_BOOL, "true", offsetof(clean_cfg, enabled), "run this stage"},
    {0},
};

static tamis_status clean_create(void **self, const void *cfg, tamis_error *err)
{
    (void)err;
    *self = (void *)cfg;
    return TAMIS_OK;
}

static tamis_status clean_process(void *self, tamis_doc *doc, tamis_error *err)
{
    (void)self, (void)doc, (void)err;
    return TAMIS_OK;
}

const tm_stage_vt tm_clean_stage = {
    .name = "clean",
    .params = clean_params,
    .cfg_size = sizeof(clean_cfg),
    .create = clean_create,
    .process = clean_process,
};
