/* tm_error.c — status strings and error-detail filling. */
#include "tm_common.h"

#include <stdio.h>

const char *tamis_version(void) { return TAMIS_VERSION_STRING; }

const char *tamis_strerror(tamis_status st)
{
    switch (st) {
    case TAMIS_OK: return "ok";
    case TAMIS_END: return "end of input";
    case TAMIS_ERR_NOMEM: return "out of memory";
    case TAMIS_ERR_IO: return "i/o error";
    case TAMIS_ERR_FORMAT: return "malformed record";
    case TAMIS_ERR_TRUNCATED: return "truncated input";
    case TAMIS_ERR_TOO_BIG: return "record too big";
    case TAMIS_ERR_ENCODING: return "undecodable bytes";
    case TAMIS_ERR_ARG: return "invalid argument";
    case TAMIS_ERR_UNSUPPORTED: return "unsupported";
    case TAMIS_ERR_LIMIT: return "processing limit exceeded";
    case TAMIS_ERR_INTERNAL: return "internal error";
    case TAMIS_ERR_CANCELLED: return "cancelled";
    }
    return "unknown status";
}

tamis_status tm_err(tamis_error *err, tamis_status st, const char *file, uint64_t offset,
                    uint64_t record, const char *fmt, ...)
{
    if (!err)
        return st;
    err->status = st;
    snprintf(err->file, sizeof err->file, "%s", file ? file : "");
    err->offset = offset;
    err->record = record;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return st;
}
