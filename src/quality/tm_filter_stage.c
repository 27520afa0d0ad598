/* tm_filter_stage.c — the 'filter' stage: placeholder until the stage lands (passes documents through). */
#include "../common/tm_common.h"

typedef struct filter_cfg {
    bool enabled;
} filter_cfg;

static const tm_param filter_params[] = {
    {"enabled", TM_P_BOOL, "true", offsetof(filter_cfg, enabled), "run this stage"},
    {0},
};

static tamis_status filter_create(void **self, const void *cfg, tamis_error *err)
{
    (void)err;
    *self = (void *)cfg;
    return TAMIS_OK;
}

static tamis_status filter_process(void *self, tamis_doc *doc, tamis_error *err)
{
    (void)self, (void)doc, (void)err;
    return TAMIS_OK;
}

const tm_stage_vt tm_filter_stage = {
    .name = "filter",
    .params = filter_params,
    .cfg_size = sizeof(filter_cfg),
    .create = filter_create,
    .process = filter_process,
};
