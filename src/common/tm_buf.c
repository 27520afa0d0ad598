/* tm_buf.c — growable byte buffer with a ceiling, and JSON output helpers. */
#include "tm_common.h"

#include <math.h>
#include <stdio.h>

void tm_buf_init(tm_buf *b) { memset(b, 0, sizeof *b); }

void tm_buf_free(tm_buf *b)
{
    tm_free(b->data);
    memset(b, 0, sizeof *b);
}

tamis_status tm_buf_reserve(tm_buf *b, size_t extra)
{
    if (extra > SIZE_MAX - b->len - 1)
        return TAMIS_ERR_TOO_BIG;
    size_t need = b->len + extra + 1; /* room for a NUL */
    if (b->max && need - 1 > b->max)
        return TAMIS_ERR_TOO_BIG;
    if (need <= b->cap)
        return TAMIS_OK;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    char *d = tm_realloc(b->data, cap);
    if (!d)
        return TAMIS_ERR_NOMEM;
    b->data = d;
    b->cap = cap;
    return TAMIS_OK;
}

tamis_status tm_buf_append(tm_buf *b, const void *p, size_t n)
{
    tamis_status st = tm_buf_reserve(b, n);
    if (st != TAMIS_OK)
        return st;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    return TAMIS_OK;
}

tamis_status tm_buf_putc(tm_buf *b, char c)
{
    if (TM_UNLIKELY(b->len + 2 > b->cap || (b->max && b->len >= b->max))) {
        tamis_status st = tm_buf_reserve(b, 1);
        if (st != TAMIS_OK)
            return st;
    }
    b->data[b->len++] = c;
    return TAMIS_OK;
}

tamis_status tm_buf_puts(tm_buf *b, const char *s) { return tm_buf_append(b, s, strlen(s)); }

tamis_status tm_buf_printf(tm_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char small[256];
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return TAMIS_ERR_INTERNAL;
    if ((size_t)n < sizeof small)
        return tm_buf_append(b, small, (size_t)n);
    tamis_status st = tm_buf_reserve(b, (size_t)n);
    if (st != TAMIS_OK)
        return st;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return TAMIS_OK;
}

tamis_status tm_buf_nul(tm_buf *b)
{
    tamis_status st = tm_buf_reserve(b, 0);
    if (st == TAMIS_OK)
        b->data[b->len] = '\0';
    return st;
}

/* Length of a valid UTF-8 sequence at s (1..4), or 0 if invalid / cut short. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    if (c < 0x80)
        return 1;
    if (c < 0xC2)
        return 0;
    if (c < 0xE0)
        return (n >= 2 && (s[1] & 0xC0) == 0x80) ? 2 : 0;
    if (c < 0xF0) {
        if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
            return 0;
        if (c == 0xE0 && s[1] < 0xA0)
            return 0; /* overlong */
        if (c == 0xED && s[1] >= 0xA0)
            return 0; /* surrogate */
        return 3;
    }
    if (c < 0xF5) {
        if (n < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
            return 0;
        if (c == 0xF0 && s[1] < 0x90)
            return 0;
        if (c == 0xF4 && s[1] >= 0x90)
            return 0;
        return 4;
    }
    return 0;
}

size_t tm_utf8_valid_prefix(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        /* Web text is mostly ASCII: sixteen bytes without bit 7 are skipped at once (every
         * document's text passes here when it is set; the byte loop was 7.6 instructions
         * per byte of the filter bench's whole run, callgrind). */
        uint64_t x[2];
        if (n - i >= 16 && (memcpy(x, p + i, 16), !((x[0] | x[1]) & 0x8080808080808080ull))) {
            i += 16;
            continue;
        }
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        size_t k = utf8_seq(p + i, n - i);
        if (!k)
            break;
        i += k;
    }
    return i;
}

char *tm_utf8_sanitize(tm_arena *a, const char *s, size_t n, size_t *out_len)
{
    /* Worst case each bad byte becomes 3 bytes of U+FFFD. */
    size_t valid = tm_utf8_valid_prefix(s, n);
    if (valid == n && !memchr(s, '\0', n)) {
        char *d = tm_arena_strndup(a, s, n);
        if (d && out_len)
            *out_len = n;
        return d;
    }
    if (n > (SIZE_MAX - 1) / 3)
        return NULL;
    char *d = tm_arena_alloc(a, n * 3 + 1);
    if (!d)
        return NULL;
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, o = 0;
    while (i < n) {
        if (p[i] == 0) {
            i++;
            continue;
        }
        size_t k = utf8_seq(p + i, n - i);
        if (k) {
            memcpy(d + o, p + i, k);
            o += k;
            i += k;
        } else {
            memcpy(d + o, "\xEF\xBF\xBD", 3);
            o += 3;
            i++;
        }
    }
    d[o] = '\0';
    if (out_len)
        *out_len = o;
    return d;
}

tamis_status tm_json_str(tm_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    tamis_status st = tm_buf_reserve(b, n + 2);
    if (st != TAMIS_OK)
        return st;
    b->data[b->len++] = '"';
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        /* Copy the longest run that needs no escaping in one go. */
        size_t j = i;
        while (j < n && p[j] >= 0x20 && p[j] != '"' && p[j] != '\\' && p[j] < 0x80)
            j++;
        if (j > i) {
            if ((st = tm_buf_append(b, p + i, j - i)) != TAMIS_OK)
                return st;
            i = j;
            continue;
        }
        unsigned c = p[i];
        char esc[8];
        size_t el = 0;
        if (c >= 0x80) {
            size_t k = utf8_seq(p + i, n - i);
            if (k) {
                if ((st = tm_buf_append(b, p + i, k)) != TAMIS_OK)
                    return st;
                i += k;
            } else {
                if ((st = tm_buf_append(b, "\xEF\xBF\xBD", 3)) != TAMIS_OK)
                    return st;
                i++;
            }
            continue;
        }
        switch (c) {
        case '"': memcpy(esc, "\\\"", 2); el = 2; break;
        case '\\': memcpy(esc, "\\\\", 2); el = 2; break;
        case '\n': memcpy(esc, "\\n", 2); el = 2; break;
        case '\r': memcpy(esc, "\\r", 2); el = 2; break;
        case '\t': memcpy(esc, "\\t", 2); el = 2; break;
        default:
            memcpy(esc, "\\u00", 4);
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            el = 6;
        }
        if ((st = tm_buf_append(b, esc, el)) != TAMIS_OK)
            return st;
        i++;
    }
    return tm_buf_putc(b, '"');
}

tamis_status tm_json_num(tm_buf *b, double v)
{
    if (!isfinite(v))
        return tm_buf_puts(b, "null");
    if (v == (double)(int64_t)v && fabs(v) < 1e15)
        return tm_buf_printf(b, "%lld", (long long)v);
    return tm_buf_printf(b, "%.6g", v);
}
