/* tm_extract_stage.c — the 'extract' stage: placeholder until the stage lands (passes documents through). */
#include "../common/tm_common.h"

typedef struct extract_cfg {
    bool enabled;
} extract_cfg;

static const tm_param extract_params[] = {
    {"enabled", TM_P_BOOL, "true", offsetof(extract_cfg, enabled), "run this stage"},
    {0},
};

static tamis_status extract_create(void **self, const void *cfg, tamis_error *err)
{
    (void)err;
    *self = (void *)cfg;
    return TAMIS_OK;
}

static tamis_status extract_process(void *self, tamis_doc *doc, tamis_error *err)
{
    (void)self, (void)doc, (void)err;
    return TAMIS_OK;
}

const tm_stage_vt tm_extract_stage = {
    .name = "extract",
    .params = extract_params,
    .cfg_size = sizeof(extract_cfg),
    .create = extract_create,
    .process = extract_process,
};
