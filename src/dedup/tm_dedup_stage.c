/* tm_dedup_stage.c — the 'dedup' stage: placeholder until the stage lands (passes documents through). */
#include "../common/tm_common.h"

typedef struct dedup_cfg {
    bool enabled;
} dedup_cfg;

static const tm_param dedup_params[] = {
    {"enabled", TM_P_BOOL, "true", offsetof(dedup_cfg, enabled), "run this stage"},
    {0},
};

static tamis_status dedup_create(void **self, const void *cfg, tamis_error *err)
{
    (void)err;
    *self = (void *)cfg;
    return TAMIS_OK;
}

static tamis_status dedup_process(void *self, tamis_doc *doc, tamis_error *err)
{
    (void)self, (void)doc, (void)err;
    return TAMIS_OK;
}

const tm_stage_vt tm_dedup_stage = {
    .name = "dedup",
    .params = dedup_params,
    .cfg_size = sizeof(dedup_cfg),
    .create = dedup_create,
    .process = dedup_process,
};
