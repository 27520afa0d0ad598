/* tm_params.c — typed stage parameters described by tables (config file, CLI, help). */
#include "tm_common.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <strings.h>

static tamis_status parse_bool(const char *v, bool *out)
{
    if (!strcasecmp(v, "1") || !strcasecmp(v, "true") || !strcasecmp(v, "yes") ||
        !strcasecmp(v, "on")) {
        *out = true;
        return TAMIS_OK;
    }
    if (!strcasecmp(v, "0") || !strcasecmp(v, "false") || !strcasecmp(v, "no") ||
        !strcasecmp(v, "off")) {
        *out = false;
        return TAMIS_OK;
    }
    return TAMIS_ERR_ARG;
}

/* Stores value into the field p describes; TAMIS_ERR_ARG if it does not parse. */
static tamis_status store(const tm_param *p, void *cfg, const char *v)
{
    char *field = (char *)cfg + p->offset;
    char *end = NULL;
    errno = 0;
    switch (p->type) {
    case TM_P_INT: {
        long long x = strtoll(v, &end, 10);
        if (end == v || *end || errno)
            return TAMIS_ERR_ARG;
        *(int64_t *)(void *)field = x;
        return TAMIS_OK;
    }
    case TM_P_DOUBLE: {
        double x = strtod(v, &end);
        if (end == v || *end || errno || !isfinite(x))
            return TAMIS_ERR_ARG;
        *(double *)(void *)field = x;
        return TAMIS_OK;
    }
    case TM_P_BOOL:
        return parse_bool(v, (bool *)(void *)field);
    case TM_P_STRING: {
        char *c = tm_strdup(v);
        if (!c)
            return TAMIS_ERR_NOMEM;
        char **slot = (char **)(void *)field;
        tm_free(*slot);
        *slot = c;
        return TAMIS_OK;
    }
    }
    return TAMIS_ERR_INTERNAL;
}

tamis_status tm_params_defaults(const tm_param *tab, void *cfg)
{
    for (const tm_param *p = tab; p && p->key; p++) {
        tamis_status st = store(p, cfg, p->def ? p->def : "");
        if (st != TAMIS_OK)
            return st == TAMIS_ERR_ARG ? TAMIS_ERR_INTERNAL : st;
    }
    return TAMIS_OK;
}

static const char *type_name(tm_ptype t)
{
    switch (t) {
    case TM_P_INT: return "int";
    case TM_P_DOUBLE: return "number";
    case TM_P_BOOL: return "bool";
    case TM_P_STRING: return "string";
    }
    return "?";
}

tamis_status tm_params_set(const tm_param *tab, void *cfg, const char *stage, const char *key,
                           const char *value, tamis_error *err)
{
    for (const tm_param *p = tab; p && p->key; p++) {
        if (strcmp(p->key, key) != 0)
            continue;
        tamis_status st = store(p, cfg, value ? value : "");
        if (st == TAMIS_ERR_ARG)
            return tm_err(err, st, NULL, 0, 0, "%s.%s: '%s' is not a valid %s", stage, key,
                          value ? value : "", type_name(p->type));
        return st;
    }
    return tm_err(err, TAMIS_ERR_ARG, NULL, 0, 0,
                  "%s: unknown parameter '%s' (see `tamis config --default`)", stage, key);
}

void tm_params_free(const tm_param *tab, void *cfg)
{
    for (const tm_param *p = tab; p && p->key; p++)
        if (p->type == TM_P_STRING) {
            char **slot = (char **)(void *)((char *)cfg + p->offset);
            tm_free(*slot);
            *slot = NULL;
        }
}

const char *tm_param_type_name(tm_ptype t) { return type_name(t); }
