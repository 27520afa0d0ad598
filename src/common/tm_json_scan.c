/* tm_json_scan.c — in-place JSON scanning: skip values, walk object members, decode strings. */
#include "tm_common.h"

const char *tm_json_ws(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
        p++;
    return p;
}

/* One past the closing quote of the string at p, or NULL. */
static const char *skip_str(const char *p, const char *end)
{
    p++; /* opening quote */
    for (;;) {
        const char *q = memchr(p, '"', (size_t)(end - p));
        if (!q)
            return NULL;
        /* The quote is escaped iff an odd number of backslashes precede it. */
        size_t bs = 0;
        while (q - bs > p && q[-1 - (ptrdiff_t)bs] == '\\')
            bs++;
        if (!(bs & 1))
            return q + 1;
        p = q + 1;
    }
}

static const char *skip_lit(const char *p, const char *end, const char *lit)
{
    size_t n = strlen(lit);
    if ((size_t)(end - p) < n || memcmp(p, lit, n) != 0)
        return NULL;
    return p + n;
}

const char *tm_json_skip(const char *p, const char *end, int max_depth)
{
    p = tm_json_ws(p, end);
    if (p >= end)
        return NULL;
    switch (*p) {
    case '"':
        return skip_str(p, end);
    case '{':
    case '[': {
        if (max_depth <= 0)
            return NULL;
        char close = *p == '{' ? '}' : ']';
        p = tm_json_ws(p + 1, end);
        if (p < end && *p == close)
            return p + 1;
        for (;;) {
            if (close == '}') {
                p = tm_json_ws(p, end);
                if (p >= end || *p != '"' || !(p = skip_str(p, end)))
                    return NULL;
                p = tm_json_ws(p, end);
                if (p >= end || *p != ':')
                    return NULL;
                p++;
            }
            if (!(p = tm_json_skip(p, end, max_depth - 1)))
                return NULL;
            p = tm_json_ws(p, end);
            if (p >= end)
                return NULL;
            if (*p == ',') {
                p++;
                continue;
            }
            if (*p == close)
                return p + 1;
            return NULL;
        }
    }
    case 't': return skip_lit(p, end, "true");
    case 'f': return skip_lit(p, end, "false");
    case 'n': return skip_lit(p, end, "null");
    default: {
        const char *s = p;
        if (p < end && *p == '-')
            p++;
        while (p < end && ((*p >= '0' && *p <= '9') || *p == '.' || *p == 'e' || *p == 'E' ||
                           *p == '+' || *p == '-'))
            p++;
        return p > s ? p : NULL;
    }
    }
}

int tm_json_obj_next(const char **pp, const char *end, tm_json_member *m, int max_depth)
{
    const char *p = tm_json_ws(*pp, end);
    if (p >= end)
        return -1;
    if (*p == '{') {
        p = tm_json_ws(p + 1, end);
        if (p < end && *p == '}') {
            *pp = p + 1;
            return 0;
        }
    } else if (*p == ',') {
        p = tm_json_ws(p + 1, end);
    } else if (*p == '}') {
        *pp = p + 1;
        return 0;
    } else {
        return -1;
    }
    if (p >= end || *p != '"')
        return -1;
    const char *ke = skip_str(p, end);
    if (!ke)
        return -1;
    m->key = p + 1;
    m->key_len = (size_t)(ke - p - 2);
    p = tm_json_ws(ke, end);
    if (p >= end || *p != ':')
        return -1;
    p = tm_json_ws(p + 1, end);
    const char *ve = tm_json_skip(p, end, max_depth);
    if (!ve)
        return -1;
    m->val = p;
    m->val_end = ve;
    *pp = ve;
    return 1;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int read_u4(const char *p, const char *end, unsigned *out)
{
    if (end - p < 4)
        return 0;
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        int h = hexval(p[i]);
        if (h < 0)
            return 0;
        v = v << 4 | (unsigned)h;
    }
    *out = v;
    return 1;
}

static tamis_status put_cp(tm_buf *out, unsigned cp)
{
    char u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | cp >> 6);
        u[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | cp >> 12);
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        u[0] = (char)(0xF0 | cp >> 18);
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    return tm_buf_append(out, u, n);
}

const char *tm_json_decode_str(const char *p, const char *end, tm_buf *out)
{
    if (p >= end || *p != '"')
        return NULL;
    p++;
    for (;;) {
        const char *s = p;
        while (p < end && *p != '"' && *p != '\\')
            p++;
        if (p > s && tm_buf_append(out, s, (size_t)(p - s)) != TAMIS_OK)
            return NULL;
        if (p >= end)
            return NULL;
        if (*p == '"')
            return p + 1;
        /* backslash escape */
        if (++p >= end)
            return NULL;
        char c = *p++;
        char lit = 0;
        switch (c) {
        case '"': lit = '"'; break;
        case '\\': lit = '\\'; break;
        case '/': lit = '/'; break;
        case 'b': lit = '\b'; break;
        case 'f': lit = '\f'; break;
        case 'n': lit = '\n'; break;
        case 'r': lit = '\r'; break;
        case 't': lit = '\t'; break;
        case 'u': {
            unsigned cp;
            if (!read_u4(p, end, &cp))
                return NULL;
            p += 4;
            if (cp >= 0xD800 && cp < 0xDC00) {
                unsigned lo;
                if (end - p >= 6 && p[0] == '\\' && p[1] == 'u' && read_u4(p + 2, end, &lo) &&
                    lo >= 0xDC00 && lo < 0xE000) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    p += 6;
                } else {
                    cp = 0xFFFD;
                }
            } else if (cp >= 0xDC00 && cp < 0xE000) {
                cp = 0xFFFD;
            }
            if (put_cp(out, cp) != TAMIS_OK)
                return NULL;
            continue;
        }
        default:
            return NULL;
        }
        if (tm_buf_putc(out, lit) != TAMIS_OK)
            return NULL;
    }
}
