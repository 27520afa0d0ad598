/* tm_clean_meta.c — metadata from single lines of extracted text: date lines (to ISO
 * 8601), reading time, bylines with author(s) and dateline. Lines arrive normalised
 * (cl_normalize) with their lexicon hits; results live in the document's arena. */
#include "tm_clean_int.h"
#include "../common/tm_unicode.h"

#include <stdio.h>
#include <stdlib.h>

typedef struct cl_tok {
    const char *s;
    size_t n;
    size_t off; /* in the normalised line */
    int32_t head; /* the first phrase it starts (the normaliser's lookup), -1: none */
} cl_tok;

/* The normalised line's words (at most max); returns their count. */
static size_t tokens(const cl_norm *nl, cl_tok *t, size_t max)
{
    size_t k = 0;
    for (; k < nl->nw && k < max; k++) {
        t[k].s = nl->s + nl->w[k].off;
        t[k].n = nl->w[k].len;
        t[k].off = nl->w[k].off;
        t[k].head = nl->w[k].head;
    }
    return k;
}

static bool all_digits(const char *s, size_t n)
{
    if (!n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

/* Value of the decimal digits s[0..n), n <= 4 (atoi through strtol cost more than the
 * rest of the date parser, callgrind). */
static int digits_val(const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

static int num(const cl_tok *t) { return t->n <= 4 && all_digits(t->s, t->n) ? digits_val(t->s, t->n) : -1; }

/* Day number token: "9", "09", also "9th"/"1st"/"2nd"/"3rd"/"9er"/"9e". */
static int day_num(const cl_tok *t)
{
    size_t i = 0;
    while (i < t->n && i < 2 && t->s[i] >= '0' && t->s[i] <= '9')
        i++;
    if (i == 0)
        return -1;
    if (i < t->n) {
        size_t rest = t->n - i;
        const char *r = t->s + i;
        /* st nd rd th er e */
        bool ok = rest == 1 ? r[0] == 'e'
                  : rest == 2 ? (r[0] == 's' && r[1] == 't') || (r[0] == 'n' && r[1] == 'd') ||
                                    (r[0] == 'r' && r[1] == 'd') || (r[0] == 't' && r[1] == 'h') ||
                                    (r[0] == 'e' && r[1] == 'r')
                              : false;
        if (!ok)
            return -1;
    }
    int d = digits_val(t->s, i);
    return d >= 1 && d <= 31 ? d : -1;
}

static bool valid_ymd(int y, int m, int d)
{
    return y >= 1900 && y <= 2100 && m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

/* CJK dates "2023年11月9日" (one token after normalisation; the markers are letters). */
static bool cjk_date(const cl_tok *t, int *y, int *m, int *d)
{
    const char *p = t->s, *end = t->s + t->n;
    int v[3] = {0, 0, 0}, k = 0;
    while (p < end && k < 3) {
        int x = 0, nd = 0;
        while (p < end && *p >= '0' && *p <= '9' && nd < 5) {
            x = x * 10 + (*p - '0');
            p++;
            nd++;
        }
        if (!nd || nd > 4 || p >= end)
            return false;
        int32_t cp = tm_utf8_next(&p, end);
        static const int32_t marks[3] = {0x5E74, 0x6708, 0x65E5}; /* 年 月 日 (also 년 월 일) */
        static const int32_t kmarks[3] = {0xB144, 0xC6D4, 0xC77C};
        if (cp != marks[k] && cp != kmarks[k])
            return false;
        v[k++] = x;
    }
    if (k != 3)
        return false;
    *y = v[0], *m = v[1], *d = v[2];
    return valid_ymd(*y, *m, *d);
}

const char *cl_parse_date_line(const cl_lex *lx, tm_arena *a, const char *line, size_t n,
                               const cl_norm *nl, const cl_hits *h, cl_lexclass *label,
                               bool *stub)
{
    (void)line, (void)n;
    *stub = false;
    *label = LX_PUBLISHED;
    if (h->words == 0 || h->words > 14)
        return NULL;
    bool has_pub = h->first[LX_PUBLISHED] >= 0, has_upd = h->first[LX_UPDATED] >= 0;
    if (has_upd && (!has_pub || h->first[LX_UPDATED] < h->first[LX_PUBLISHED]))
        *label = LX_UPDATED;
    cl_tok t[16];
    size_t k = tokens(nl, t, 16);
    int y = 0, m = 0, d = 0;
    size_t used_from = 0, used_to = 0; /* token range of the date */
    bool found = false;
    for (size_t i = 0; i < k && !found; i++) {
        int a0 = num(&t[i]);
        if (cjk_date(&t[i], &y, &m, &d)) {
            found = true, used_from = i, used_to = i + 1;
            break;
        }
        /* yyyy mm dd */
        if (a0 >= 1900 && t[i].n == 4 && i + 2 < k) {
            int mm = num(&t[i + 1]), dd = num(&t[i + 2]);
            if (valid_ymd(a0, mm, dd)) {
                y = a0, m = mm, d = dd, found = true, used_from = i, used_to = i + 3;
                break;
            }
        }
        /* dd mm yyyy or mm dd yyyy (numeric) */
        if (a0 > 0 && t[i].n <= 2 && i + 2 < k && t[i + 2].n == 4) {
            int b = num(&t[i + 1]), c = num(&t[i + 2]);
            if (b > 0 && c >= 1900) {
                int dd = a0, mm = b;
                if (mm > 12 && dd <= 12)
                    dd = b, mm = a0;
                if (valid_ymd(c, mm, dd)) {
                    y = c, m = mm, d = dd, found = true, used_from = i, used_to = i + 3;
                    break;
                }
            }
        }
        /* d [de] month [de] yyyy */
        int dn = day_num(&t[i]);
        if (dn > 0) {
            size_t j = i + 1;
            if (j < k && t[j].n <= 2 && !cl_lex_month(lx, t[j].head, t[j].n) && num(&t[j]) < 0)
                j++; /* "de", "di" */
            int mo = j < k ? cl_lex_month(lx, t[j].head, t[j].n) : 0;
            if (mo) {
                size_t q = j + 1;
                if (q < k && t[q].n <= 2 && num(&t[q]) < 0)
                    q++;
                int yy = q < k ? num(&t[q]) : -1;
                if (yy >= 1900 && valid_ymd(yy, mo, dn)) {
                    y = yy, m = mo, d = dn, found = true, used_from = i, used_to = q + 1;
                    break;
                }
            }
        }
        /* month d yyyy */
        int mo = cl_lex_month(lx, t[i].head, t[i].n);
        if (mo && i + 2 < k) {
            int dd = day_num(&t[i + 1]), yy = num(&t[i + 2]);
            if (dd > 0 && yy >= 1900 && valid_ymd(yy, mo, dd)) {
                y = yy, m = mo, d = dd, found = true, used_from = i, used_to = i + 3;
                break;
            }
        }
    }
    if (!found) {
        /* "Published on:" with nothing after it: a stub the scraper left behind. */
        if ((has_pub || has_upd) &&
            h->covered[LX_PUBLISHED] + h->covered[LX_UPDATED] >= h->bytes)
            *stub = true;
        return NULL;
    }
    /* Everything else on the line must be label, weekday-like filler, time or zone:
     * at most 4 other words that are not numbers. */
    size_t other = 0;
    for (size_t i = 0; i < k; i++) {
        if (i >= used_from && i < used_to)
            continue;
        if (all_digits(t[i].s, t[i].n))
            continue;
        other++;
    }
    size_t label_words = (size_t)(has_pub || has_upd ? 3 : 0);
    if (other > 4 + label_words)
        return NULL;
    if (y < 0 || y > 9999 || m < 0 || m > 99 || d < 0 || d > 99)
        return tm_arena_printf(a, "%04d-%02d-%02d", y, m, d);
    /* "%04d-%02d-%02d" by hand: vsnprintf cost 3,000 instructions a date (callgrind). */
    char *o = tm_arena_alloc(a, 11);
    if (!o)
        return NULL;
    o[0] = (char)('0' + y / 1000), o[1] = (char)('0' + y / 100 % 10);
    o[2] = (char)('0' + y / 10 % 10), o[3] = (char)('0' + y % 10), o[4] = '-';
    o[5] = (char)('0' + m / 10), o[6] = (char)('0' + m % 10), o[7] = '-';
    o[8] = (char)('0' + d / 10), o[9] = (char)('0' + d % 10), o[10] = '\0';
    return o;
}

int cl_parse_reading_time(const cl_lex *lx, const cl_norm *nl, const cl_hits *h)
{
    (void)lx;
    if (!cl_reading_time_possible(h))
        return 0;
    cl_tok t[8];
    size_t k = tokens(nl, t, 8);
    int minutes = 0;
    uint32_t numbytes = 0;
    for (size_t i = 0; i < k; i++) {
        int v = num(&t[i]);
        if (v > 0) {
            if (minutes)
                return 0;
            minutes = v;
            numbytes += (uint32_t)t[i].n;
        } else if (t[i].n > 3 && all_digits(t[i].s, 1) && !all_digits(t[i].s, 4)) {
            /* "5min" glued (at most three digits) */
            int x = atoi(t[i].s);
            if (minutes || x <= 0)
                return 0;
            minutes = x;
            numbytes += (uint32_t)t[i].n;
        }
    }
    if (minutes <= 0 || minutes > 600)
        return 0;
    /* Every other byte of the line is a reading-time word. */
    if (h->covered[LX_READTIME] + numbytes < h->bytes)
        return 0;
    return minutes;
}

/* ---- bylines */

static bool is_upper_start(const char *s, const char *end)
{
    const char *p = s;
    int32_t cp = tm_utf8_next(&p, end);
    return tm_is_upper(cp);
}

/* A plausible personal name: 1..5 words, each capitalised or a short lowercase particle
 * ("de", "van", "von", "da", "al"), no digits. */
static bool plausible_name(const char *s, size_t n)
{
    const char *p = s, *end = s + n;
    int words = 0, caps = 0;
    while (p < end) {
        while (p < end && (*p == ' ' || *p == '\t'))
            p++;
        if (p >= end)
            break;
        const char *ws = p;
        while (p < end && *p != ' ' && *p != '\t')
            p++;
        words++;
        for (const char *q = ws; q < p; q++)
            if (*q >= '0' && *q <= '9')
                return false;
        if (is_upper_start(ws, p))
            caps++;
        else if (p - ws > 4)
            return false;
    }
    return words >= 1 && words <= 5 && caps >= 1 && caps * 2 >= words;
}

static void trim(const char **s, const char **e)
{
    while (*s < *e && (**s == ' ' || **s == '\t' || **s == ',' || **s == ':' || **s == '-'))
        (*s)++;
    while (*e > *s && ((*e)[-1] == ' ' || (*e)[-1] == '\t' || (*e)[-1] == ',' ||
                       (*e)[-1] == '.' || (*e)[-1] == '\r'))
        (*e)--;
}

static const char *find_sub(const char *s, const char *e, const char *needle)
{
    size_t nn = strlen(needle);
    const char *at = cl_memmem(s, (size_t)(e - s), needle, nn);
    return at;
}

/* Cuts the byline tail at separators that start another field (date, site). */
static const char *cut_tail(const char *s, const char *e)
{
    static const char *const seps[] = {"|", "\xE2\x80\xA2", "\xC2\xB7", "\xE2\x80\x94",
                                       " - ", "\t", "(", NULL};
    for (int i = 0; seps[i]; i++) {
        const char *at = find_sub(s, e, seps[i]);
        if (at)
            e = at;
    }
    return e;
}

/* Splits a list of authors at ",", "&" and the conjunctions of the big languages and
 * joins the plausible names with "; ". Returns NULL when one part is not a name. */
static const char *authors_of(tm_arena *a, const char *s, const char *e)
{
    static const char *const conj[] = {" and ", " & ", " et ", " und ", " y ", " e ",
                                       " en ", " i ", " och ", " og ", " ve ", " и ", NULL};
    tm_buf out;
    tm_buf_init(&out);
    const char *p = s;
    bool ok = true;
    while (p < e && ok) {
        const char *cut = e;
        size_t skip = 0;
        const char *comma = memchr(p, ',', (size_t)(e - p));
        if (comma)
            cut = comma, skip = 1;
        for (int i = 0; conj[i]; i++) {
            const char *at = find_sub(p, cut, conj[i]);
            if (at && at < cut)
                cut = at, skip = strlen(conj[i]);
        }
        const char *ps = p, *pe = cut;
        trim(&ps, &pe);
        if (pe > ps) {
            if (!plausible_name(ps, (size_t)(pe - ps)))
                ok = false;
            else {
                if (out.len)
                    tm_buf_puts(&out, "; ");
                tm_buf_append(&out, ps, (size_t)(pe - ps));
            }
        }
        p = cut + skip;
    }
    const char *r = NULL;
    if (ok && out.len)
        r = tm_arena_strndup(a, out.data, out.len);
    tm_buf_free(&out);
    return r;
}

bool cl_parse_byline(const cl_lex *lx, tm_arena *a, const char *line, size_t n,
                     const cl_norm *nl, const cl_hits *h, const char **author,
                     const char **place)
{
    (void)lx;
    *author = NULL;
    *place = NULL;
    if (!cl_byline_possible(h))
        return false;
    const char *end = line + n;
    if (h->first[LX_CORRESP] == 0 && h->end0[LX_CORRESP]) {
        /* "<from our correspondent in> PLACE, AUTHOR" */
        const char *rest = line + cl_norm_orig(lx, nl, line, n, h->end0[LX_CORRESP]);
        const char *re = cut_tail(rest, end);
        const char *comma = memchr(rest, ',', (size_t)(re - rest));
        const char *ps = rest, *pe = comma ? comma : re;
        trim(&ps, &pe);
        if (pe > ps && plausible_name(ps, (size_t)(pe - ps)))
            *place = tm_arena_strndup(a, ps, (size_t)(pe - ps));
        if (comma) {
            const char *as = comma + 1, *ae = re;
            trim(&as, &ae);
            if (ae > as)
                *author = authors_of(a, as, ae);
        }
        return *place || *author;
    }
    if (h->first[LX_BYLINE] == 0 && h->end0[LX_BYLINE]) {
        const char *rest = line + cl_norm_orig(lx, nl, line, n, h->end0[LX_BYLINE]);
        const char *re = cut_tail(rest, end);
        /* "By AUTHOR in PLACE" */
        static const char *const ins[] = {" in ", " à ", " aus ", " en ", " em ", " a ",
                                          " w ", " из ", " в ", NULL};
        const char *pl = NULL;
        size_t pll = 0;
        for (int i = 0; ins[i]; i++) {
            const char *at = find_sub(rest, re, ins[i]);
            if (at && (!pl || at < pl))
                pl = at, pll = strlen(ins[i]);
        }
        const char *as = rest, *ae = pl ? pl : re;
        trim(&as, &ae);
        if (ae <= as)
            return false;
        const char *au = authors_of(a, as, ae);
        if (!au)
            return false;
        *author = au;
        if (pl) {
            const char *ps = pl + pll, *pe = re;
            trim(&ps, &pe);
            if (pe > ps && plausible_name(ps, (size_t)(pe - ps)))
                *place = tm_arena_strndup(a, ps, (size_t)(pe - ps));
        }
        return true;
    }
    return false;
}
