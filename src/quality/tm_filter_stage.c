/* tm_filter_stage.c — the 'filter' stage: quality signals on every document, then
 * datatrove's Gopher quality, Gopher repetition, C4 and FineWeb rules and a language
 * filter, each threshold a parameter, with per-language overrides (docs/filters.md). */
#include "tm_quality.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct filter_cfg {
    bool enabled;
    bool write_signals;
    bool gopher_quality, gopher_repetition, c4, fineweb, lang_filter;
    /* Gopher quality (datatrove GopherQualityFilter defaults) */
    int64_t gopher_min_words, gopher_max_words;
    double gopher_min_avg_word_length, gopher_max_avg_word_length;
    double gopher_max_symbol_word_ratio, gopher_max_bullet_lines_ratio;
    double gopher_max_ellipsis_lines_ratio, gopher_min_alpha_words_ratio;
    int64_t gopher_min_stop_words;
    /* Gopher repetition (GopherRepetitionFilter, Gopher paper table A1) */
    double gopher_max_dup_para_frac, gopher_max_dup_para_char_frac;
    double gopher_max_dup_line_frac, gopher_max_dup_line_char_frac;
    double gopher_max_top_ngram[3];  /* n = 2, 3, 4 */
    double gopher_max_dup_ngram[6];  /* n = 5 .. 10 */
    /* C4 (C4QualityFilter) */
    int64_t c4_min_sentences, c4_min_words_per_line, c4_max_word_length;
    bool c4_terminal_punct, c4_remove_citations, c4_lorem_ipsum, c4_javascript;
    bool c4_curly_bracket, c4_policy, c4_remove_lines;
    /* FineWeb (FineWebQualityFilter) */
    double fineweb_line_punct_thr;
    bool fineweb_line_punct_exclude_zero;
    double fineweb_short_line_thr;
    int64_t fineweb_short_line_length;
    double fineweb_char_dup_ratio, fineweb_new_line_ratio;
    /* language */
    char *languages;
    double lang_min_score;
    char *lang_overrides;
} filter_cfg;

#define OFF(f) offsetof(filter_cfg, f)
static const tm_param filter_params[] = {
    {"enabled", TM_P_BOOL, "true", OFF(enabled), "run this stage"},
    {"write_signals", TM_P_BOOL, "true", OFF(write_signals),
     "store every quality signal on the document (docs/signals.md)"},
    {"gopher_quality", TM_P_BOOL, "true", OFF(gopher_quality),
     "apply the Gopher quality rules (datatrove GopherQualityFilter)"},
    {"gopher_repetition", TM_P_BOOL, "true", OFF(gopher_repetition),
     "apply the Gopher repetition rules (datatrove GopherRepetitionFilter)"},
    {"c4", TM_P_BOOL, "true", OFF(c4), "apply the C4 rules (datatrove C4QualityFilter)"},
    {"fineweb", TM_P_BOOL, "true", OFF(fineweb),
     "apply the FineWeb rules (datatrove FineWebQualityFilter)"},
    {"lang_filter", TM_P_BOOL, "true", OFF(lang_filter),
     "apply the language rules when the document has a language (run 'lang' first)"},
    {"gopher_min_words", TM_P_INT, "50", OFF(gopher_min_words),
     "drop if fewer words (0 or -1: rule off)"},
    {"gopher_max_words", TM_P_INT, "100000", OFF(gopher_max_words),
     "drop if more words (0 or -1: rule off)"},
    {"gopher_min_avg_word_length", TM_P_DOUBLE, "3", OFF(gopher_min_avg_word_length),
     "drop if the mean word length (characters) is lower (0 or -1: off)"},
    {"gopher_max_avg_word_length", TM_P_DOUBLE, "10", OFF(gopher_max_avg_word_length),
     "drop if the mean word length is higher (0 or -1: off)"},
    {"gopher_max_symbol_word_ratio", TM_P_DOUBLE, "0.1", OFF(gopher_max_symbol_word_ratio),
     "drop if '#' per token, or '...'/'…' per token, is higher (0 or -1: off)"},
    {"gopher_max_bullet_lines_ratio", TM_P_DOUBLE, "0.9", OFF(gopher_max_bullet_lines_ratio),
     "drop if the fraction of lines starting with '•' or '-' is higher (0 or -1: off)"},
    {"gopher_max_ellipsis_lines_ratio", TM_P_DOUBLE, "0.3",
     OFF(gopher_max_ellipsis_lines_ratio),
     "drop if the fraction of lines ending with '...' or '…' is higher (0 or -1: off)"},
    {"gopher_min_alpha_words_ratio", TM_P_DOUBLE, "0.8", OFF(gopher_min_alpha_words_ratio),
     "drop if the fraction of tokens with a letter is lower (datatrove "
     "max_non_alpha_words_ratio; 0 or -1: off)"},
    {"gopher_min_stop_words", TM_P_INT, "2", OFF(gopher_min_stop_words),
     "drop if fewer stop words (Gopher's 8 English ones, or data/stopwords/<lang>.txt "
     "for other languages; 0 or -1: off)"},
    {"gopher_max_dup_para_frac", TM_P_DOUBLE, "0.3", OFF(gopher_max_dup_para_frac),
     "drop if the fraction of duplicate paragraphs is higher (0 or -1: off)"},
    {"gopher_max_dup_para_char_frac", TM_P_DOUBLE, "0.2", OFF(gopher_max_dup_para_char_frac),
     "drop if the characters in duplicate paragraphs / all characters is higher"},
    {"gopher_max_dup_line_frac", TM_P_DOUBLE, "0.3", OFF(gopher_max_dup_line_frac),
     "drop if the fraction of duplicate lines is higher"},
    {"gopher_max_dup_line_char_frac", TM_P_DOUBLE, "0.2", OFF(gopher_max_dup_line_char_frac),
     "drop if the characters in duplicate lines / all characters is higher"},
    {"gopher_max_top_2gram", TM_P_DOUBLE, "0.2", OFF(gopher_max_top_ngram[0]),
     "drop if the most frequent word 2-gram covers a larger character fraction"},
    {"gopher_max_top_3gram", TM_P_DOUBLE, "0.18", OFF(gopher_max_top_ngram[1]),
     "same for 3-grams"},
    {"gopher_max_top_4gram", TM_P_DOUBLE, "0.16", OFF(gopher_max_top_ngram[2]),
     "same for 4-grams"},
    {"gopher_max_dup_5gram", TM_P_DOUBLE, "0.15", OFF(gopher_max_dup_ngram[0]),
     "drop if duplicated word 5-grams cover a larger character fraction"},
    {"gopher_max_dup_6gram", TM_P_DOUBLE, "0.14", OFF(gopher_max_dup_ngram[1]),
     "same for 6-grams"},
    {"gopher_max_dup_7gram", TM_P_DOUBLE, "0.13", OFF(gopher_max_dup_ngram[2]),
     "same for 7-grams"},
    {"gopher_max_dup_8gram", TM_P_DOUBLE, "0.12", OFF(gopher_max_dup_ngram[3]),
     "same for 8-grams"},
    {"gopher_max_dup_9gram", TM_P_DOUBLE, "0.11", OFF(gopher_max_dup_ngram[4]),
     "same for 9-grams"},
    {"gopher_max_dup_10gram", TM_P_DOUBLE, "0.10", OFF(gopher_max_dup_ngram[5]),
     "same for 10-grams"},
    {"c4_min_sentences", TM_P_INT, "5", OFF(c4_min_sentences),
     "drop if the lines C4 keeps hold fewer sentences (-1: off)"},
    {"c4_min_words_per_line", TM_P_INT, "3", OFF(c4_min_words_per_line),
     "C4 keeps only lines with at least this many words (-1: off)"},
    {"c4_max_word_length", TM_P_INT, "1000", OFF(c4_max_word_length),
     "C4 removes lines with a longer word (-1: off)"},
    {"c4_terminal_punct", TM_P_BOOL, "true", OFF(c4_terminal_punct),
     "C4 keeps only lines ending in . ? ! \" ' (FineWeb sets this false)"},
    {"c4_remove_citations", TM_P_BOOL, "true", OFF(c4_remove_citations),
     "C4 removes [1], [edit], [citation needed] before the punctuation test"},
    {"c4_lorem_ipsum", TM_P_BOOL, "true", OFF(c4_lorem_ipsum),
     "drop if a kept line contains 'lorem ipsum'"},
    {"c4_javascript", TM_P_BOOL, "true", OFF(c4_javascript),
     "C4 removes lines mentioning 'javascript'"},
    {"c4_curly_bracket", TM_P_BOOL, "true", OFF(c4_curly_bracket),
     "drop if a kept line contains '{'"},
    {"c4_policy", TM_P_BOOL, "true", OFF(c4_policy),
     "C4 removes lines with 'terms of use', 'privacy policy', cookie notices"},
    {"c4_remove_lines", TM_P_BOOL, "false", OFF(c4_remove_lines),
     "also remove the lines C4 rejects from the text of kept documents"},
    {"fineweb_line_punct_thr", TM_P_DOUBLE, "0.12", OFF(fineweb_line_punct_thr),
     "drop if the fraction of lines ending in . ' \" ! ? is this or lower (-1: off)"},
    {"fineweb_line_punct_exclude_zero", TM_P_BOOL, "false",
     OFF(fineweb_line_punct_exclude_zero), "do not drop when that fraction is exactly 0"},
    {"fineweb_short_line_thr", TM_P_DOUBLE, "0.67", OFF(fineweb_short_line_thr),
     "drop if the fraction of short lines is this or higher (-1: off)"},
    {"fineweb_short_line_length", TM_P_INT, "30", OFF(fineweb_short_line_length),
     "a line of at most this many characters is short"},
    {"fineweb_char_dup_ratio", TM_P_DOUBLE, "0.01", OFF(fineweb_char_dup_ratio),
     "drop if characters in duplicate lines / characters is this or higher (-1: off)"},
    {"fineweb_new_line_ratio", TM_P_DOUBLE, "0.3", OFF(fineweb_new_line_ratio),
     "drop if newlines per token is higher (-1: off)"},
    {"languages", TM_P_STRING, "", OFF(languages),
     "comma-separated ISO 639 codes to keep (empty: any language)"},
    {"lang_min_score", TM_P_DOUBLE, "0.65", OFF(lang_min_score),
     "drop if the language score is this or lower (datatrove LanguageFilter; -1: off)"},
    {"lang_overrides", TM_P_STRING,
     "zh.gopher_min_avg_word_length=1;ja.gopher_min_avg_word_length=1;"
     "th.gopher_min_avg_word_length=1;lo.gopher_min_avg_word_length=1;"
     "km.gopher_min_avg_word_length=1;my.gopher_min_avg_word_length=1",
     OFF(lang_overrides),
     "per-language thresholds: LANG.KEY=VALUE entries separated by ';'; lang.LANG.KEY = V "
     "adds one (docs/filters.md)"},
    {0},
};
#undef OFF

#define MAX_LANG_CFGS 128

typedef struct lang_cfg {
    char lang[16];
    filter_cfg cfg; /* copy of the base config with this language's overrides */
} lang_cfg;

typedef struct filter_stage {
    const filter_cfg *base;
    lang_cfg *langs;
    size_t n_langs;
} filter_stage;

static bool is_string_param(const char *key)
{
    for (const tm_param *p = filter_params; p->key; p++)
        if (!strcmp(p->key, key))
            return p->type == TM_P_STRING;
    return false;
}

/* Parses "zh.key=v;ja.key=v" into per-language copies of the base config. */
static tamis_status parse_overrides(filter_stage *fs, tamis_error *err)
{
    const char *spec = fs->base->lang_overrides ? fs->base->lang_overrides : "";
    const char *p = spec;
    while (*p) {
        const char *q = strchr(p, ';');
        size_t len = q ? (size_t)(q - p) : strlen(p);
        char item[256];
        if (len >= sizeof item)
            return tm_err(err, TAMIS_ERR_ARG, NULL, 0, 0,
                          "filter.lang_overrides: entry too long");
        memcpy(item, p, len);
        item[len] = 0;
        p += len + (q ? 1 : 0);
        char *s = item;
        while (*s == ' ' || *s == '\t' || *s == '\n')
            s++;
        char *e = s + strlen(s);
        while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n'))
            *--e = 0;
        if (!*s)
            continue;
        char *dot = strchr(s, '.'), *eq = strchr(s, '=');
        if (!dot || !eq || dot > eq || dot == s || (size_t)(dot - s) >= 16)
            return tm_err(err, TAMIS_ERR_ARG, NULL, 0, 0,
                          "filter.lang_overrides: '%s' is not LANG.KEY=VALUE", s);
        *dot = 0;
        *eq = 0;
        const char *lang = s, *key = dot + 1, *val = eq + 1;
        while (*val == ' ')
            val++;
        char *ke = eq;
        while (ke > key && ke[-1] == ' ')
            *--ke = 0;
        if (is_string_param(key))
            return tm_err(err, TAMIS_ERR_ARG, NULL, 0, 0,
                          "filter.lang_overrides: '%s' cannot be set per language", key);
        lang_cfg *lc = NULL;
        for (size_t i = 0; i < fs->n_langs; i++)
            if (!strcmp(fs->langs[i].lang, lang))
                lc = &fs->langs[i];
        if (!lc) {
            if (fs->n_langs == MAX_LANG_CFGS)
                return tm_err(err, TAMIS_ERR_ARG, NULL, 0, 0,
                              "filter.lang_overrides: more than %d languages", MAX_LANG_CFGS);
            lc = &fs->langs[fs->n_langs++];
            snprintf(lc->lang, sizeof lc->lang, "%s", lang);
            lc->cfg = *fs->base; /* string pointers are shared, never freed from a copy */
        }
        tamis_status st = tm_params_set(filter_params, &lc->cfg, "filter.lang_overrides",
                                        key, val, err);
        if (st != TAMIS_OK)
            return st;
    }
    return TAMIS_OK;
}

/* tamis_stage_set for the filter: `lang.LANG.KEY` = V (`--set filter.lang.zh.KEY=V`, or
 * `KEY = V` in a `[filter.lang.zh]` config section) appends the entry LANG.KEY=V to
 * lang_overrides, where later entries win; the value is checked now against KEY's type.
 * Every other key is a parameter of the table. */
static tamis_status filter_set(void *vcfg, const char *key, const char *value,
                               tamis_error *err)
{
    filter_cfg *cfg = vcfg;
    if (strncmp(key, "lang.", 5) != 0)
        return tm_params_set(filter_params, cfg, "filter", key, value, err);
    const char *lang = key + 5, *dot = strchr(lang, '.');
    if (!dot || dot == lang || (size_t)(dot - lang) >= 16 || !dot[1])
        return tm_err(err, TAMIS_ERR_ARG, NULL, 0, 0,
                      "filter.%s: a per-language parameter is lang.LANG.KEY", key);
    value = value ? value : "";
    if (is_string_param(dot + 1) || strchr(value, ';'))
        return tm_err(err, TAMIS_ERR_ARG, NULL, 0, 0, "filter.%s: '%s' cannot be set per language",
                      key, value);
    char where[32];
    snprintf(where, sizeof where, "filter.lang.%.*s", (int)(dot - lang), lang);
    filter_cfg probe = *cfg; /* numeric and boolean keys only: nothing to free */
    tamis_status st = tm_params_set(filter_params, &probe, where, dot + 1, value, err);
    if (st != TAMIS_OK)
        return st;
    const char *old = cfg->lang_overrides ? cfg->lang_overrides : "";
    size_t need = strlen(old) + strlen(lang) + strlen(value) + 3;
    char *list = tm_malloc(need);
    if (!list)
        return tm_err(err, TAMIS_ERR_NOMEM, NULL, 0, 0, "out of memory");
    snprintf(list, need, "%s%s%s=%s", old, *old ? ";" : "", lang, value);
    st = tm_params_set(filter_params, cfg, "filter", "lang_overrides", list, err);
    tm_free(list);
    return st;
}

static tamis_status filter_create(void **self, const void *cfg, tamis_error *err)
{
    filter_stage *fs = tm_calloc(1, sizeof *fs);
    if (!fs)
        return tm_err(err, TAMIS_ERR_NOMEM, NULL, 0, 0, "out of memory");
    fs->base = cfg;
    fs->langs = tm_calloc(MAX_LANG_CFGS, sizeof *fs->langs);
    if (!fs->langs) {
        tm_free(fs);
        return tm_err(err, TAMIS_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    tamis_status st = parse_overrides(fs, err);
    if (st != TAMIS_OK) {
        tm_free(fs->langs);
        tm_free(fs);
        return st;
    }
    *self = fs;
    return TAMIS_OK;
}

static void filter_destroy(void *self)
{
    filter_stage *fs = self;
    if (!fs)
        return;
    tm_free(fs->langs);
    tm_free(fs);
}

/* The configuration for a document's language: exact code, then its base ("zh" for
 * "zh-Hant"), else the base configuration. */
static const filter_cfg *cfg_for(const filter_stage *fs, const char *lang)
{
    if (!lang || !*lang)
        return fs->base;
    size_t base_len = strcspn(lang, "-_");
    for (size_t i = 0; i < fs->n_langs; i++)
        if (!strcmp(fs->langs[i].lang, lang))
            return &fs->langs[i].cfg;
    for (size_t i = 0; i < fs->n_langs; i++)
        if (strlen(fs->langs[i].lang) == base_len && !strncmp(fs->langs[i].lang, lang, base_len))
            return &fs->langs[i].cfg;
    return fs->base;
}

static bool lang_allowed(const char *list, const char *lang)
{
    if (!list || !*list)
        return true;
    size_t ll = strlen(lang), base_len = strcspn(lang, "-_");
    const char *p = list;
    while (*p) {
        while (*p == ',' || *p == ' ')
            p++;
        size_t k = strcspn(p, ", ");
        if (k && ((k == ll && !strncasecmp(p, lang, k)) ||
                  (k == base_len && !strncasecmp(p, lang, k))))
            return true;
        p += k;
    }
    return false;
}

/* Stores the signals on the document. When it has none yet (the usual case: filter is
 * the stage that computes signals) they are appended in one go with their static names,
 * instead of tamis_doc_set_signal's name search per signal (measured 3 % of the stage). */
static tamis_status write_signals(tamis_doc *doc, const double *v, bool have_stop)
{
    if (doc->n_signals == 0) {
        tm_signal *sg = tm_arena_alloc(&doc->arena, TM_QS__COUNT * sizeof *sg);
        if (!sg)
            return TAMIS_ERR_NOMEM;
        uint32_t k = 0;
        for (int i = 0; i < TM_QS__COUNT; i++)
            if (i != TM_QS_GOPHER_STOP_WORDS || have_stop)
                sg[k++] = (tm_signal){tm_qs_name((tm_qs)i), v[i]}; /* static names */
        doc->signals = sg;
        doc->n_signals = k;
        doc->cap_signals = TM_QS__COUNT;
        return TAMIS_OK;
    }
    for (int i = 0; i < TM_QS__COUNT; i++) {
        if (i == TM_QS_GOPHER_STOP_WORDS && !have_stop)
            continue;
        tamis_status st = tamis_doc_set_signal(doc, tm_qs_name((tm_qs)i), v[i]);
        if (st != TAMIS_OK)
            return st;
    }
    return TAMIS_OK;
}

/* "%.6g" of v, the same text as glibc's, into p (room for 32 bytes); returns its
 * length. glibc's %g conversion costs about 1 000 instructions and the drop reasons
 * print two numbers each (3 100 reasons on the bench corpus): values in [1e-4, 1e6)
 * (word counts, ratios, thresholds) are rounded here to six digits, and snprintf does
 * the rest and the near-ties. v * 10^k (k <= 9, an exact power) is below 1e6, so its
 * one rounding error is below 2e-10: when the fraction is further than 1e-9 from one
 * half, the nearest integer is the one the exact decimal expansion rounds to. */
int tm_quality_fmt6g(char *p, double v)
{
    static const double pow10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
    double a = v < 0 ? -v : v;
    if (v == 0 && !signbit(v)) {
        p[0] = '0';
        p[1] = 0;
        return 1;
    }
    /* double(1e-4) lies above 10^-4 (as do 1e-3 .. 1e-1): a >= it implies the exponent */
    if (!(a >= 1e-4 && a < 1e6))
        return snprintf(p, 32, "%.6g", v);
    int e = 5; /* decimal exponent of a: 10^e <= a < 10^(e+1) */
    while (e > -4 && a < (e >= 0 ? pow10[e] : 1.0 / pow10[-e]))
        e--;
    double s = a * pow10[5 - e], fl = floor(s), f = s - fl;
    if (f > 0.5 - 1e-9 && f < 0.5 + 1e-9)
        return snprintf(p, 32, "%.6g", v);
    unsigned m = (unsigned)fl + (f > 0.5);
    if (m < 100000 || m > 999999) /* rounded up to the next power, or e misjudged */
        return snprintf(p, 32, "%.6g", v);
    char d[6];
    for (int i = 5; i >= 0; i--, m /= 10)
        d[i] = (char)('0' + m % 10);
    int n = 0, last = 5; /* last significant digit: %g drops trailing zeros */
    while (last > 0 && last > e && d[last] == '0')
        last--;
    if (v < 0)
        p[n++] = '-';
    if (e < 0) {
        p[n++] = '0';
        p[n++] = '.';
        for (int i = -1; i > e; i--)
            p[n++] = '0';
        for (int i = 0; i <= last; i++)
            p[n++] = d[i];
    } else {
        for (int i = 0; i <= e; i++)
            p[n++] = d[i];
        if (last > e) {
            p[n++] = '.';
            for (int i = e + 1; i <= last; i++)
                p[n++] = d[i];
        }
    }
    p[n] = 0;
    return n;
}

/* Decimal text of v into p (room for 21 bytes), as "%lld" writes it; returns its length. */
static int fmt_ll(char *p, long long v)
{
    char t[20];
    int n = 0, k = 0;
    unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
    do
        t[k++] = (char)('0' + u % 10);
    while ((u /= 10) != 0);
    if (v < 0)
        p[n++] = '-';
    while (k)
        p[n++] = t[--k];
    p[n] = 0;
    return n;
}

/* tm_doc_dropf's reason, formatted here: the formats below use only %s, %d, %lld and
 * %.6g (tm_quality_fmt6g), and vsnprintf's own overhead was half of the reasons' cost. Same text,
 * same truncation to 511 bytes as tm_doc_dropf's buffer. */
__attribute__((format(printf, 2, 3))) static tamis_status drop_reason(tamis_doc *doc,
                                                                      const char *fmt, ...)
{
    char buf[512], num[32];
    size_t n = 0;
    va_list ap;
    va_start(ap, fmt);
    for (const char *f = fmt; *f;) {
        const char *piece = f, *pc = strchr(f, '%');
        size_t len;
        if (pc != f) { /* literal text up to the next conversion */
            len = pc ? (size_t)(pc - f) : strlen(f);
            f += len;
        } else if (f[1] == 's') {
            piece = va_arg(ap, const char *);
            len = strlen(piece);
            f += 2;
        } else if (f[1] == 'd') {
            piece = num;
            len = (size_t)fmt_ll(num, va_arg(ap, int));
            f += 2;
        } else if (!strncmp(f, "%lld", 4)) {
            piece = num;
            len = (size_t)fmt_ll(num, va_arg(ap, long long));
            f += 4;
        } else if (!strncmp(f, "%.6g", 4)) {
            piece = num;
            len = (size_t)tm_quality_fmt6g(num, va_arg(ap, double));
            f += 4;
        } else { /* a conversion this formatter does not know: a bug in a format below */
            va_end(ap);
            return TAMIS_ERR_INTERNAL;
        }
        if (len > sizeof buf - 1 - n)
            len = sizeof buf - 1 - n;
        memcpy(buf + n, piece, len);
        n += len;
    }
    va_end(ap);
    buf[n] = 0;
    return tamis_doc_drop(doc, buf);
}

/* A rule is off when its threshold is negative; Gopher's are also off at 0, as
 * datatrove tests them for truthiness. */
static inline bool on(double t, bool zero_off) { return zero_off ? t > 0 : t >= 0; }

static tamis_status filter_process(void *self, tamis_doc *doc, tamis_error *err)
{
    const filter_stage *fs = self;
    if (!fs->base->enabled || doc->kind == TAMIS_KIND_OTHER)
        return TAMIS_OK;
    const char *lang = tamis_doc_get(doc, TAMIS_F_LANG);
    /* "und" (undetermined: no letters) is no language to tune for */
    if (lang && !strcmp(lang, "und"))
        lang = NULL;
    const filter_cfg *c = cfg_for(fs, lang);
    bool english = !lang || !*lang || !strcmp(lang, "en") || !strncmp(lang, "en-", 3) ||
                   !strncmp(lang, "en_", 3);

    tm_quality_opts o;
    tm_quality_opts_init(&o);
    /* Unknown language: English, as datatrove's filters assume. */
    o.stop_words = tm_qstop_get(english ? "en" : lang);
    const tm_qstop *gopher_stop = english ? NULL : tm_qstop_get(lang);
    o.gopher_stop_words = gopher_stop;
    o.fw_short_line_length = c->fineweb_short_line_length;
    o.c4_max_word_length = c->c4_max_word_length;
    o.c4_min_words_per_line = c->c4_min_words_per_line;
    o.c4_terminal_punct = c->c4_terminal_punct;
    o.c4_remove_citations = c->c4_remove_citations;
    o.c4_javascript = c->c4_javascript;
    o.c4_policy = c->c4_policy;
    o.c4_lorem_ipsum = c->c4_lorem_ipsum;
    o.c4_curly_bracket = c->c4_curly_bracket;

    bool remove_lines = c->c4 && c->c4_remove_lines;
    tm_quality q;
    tamis_status st = tm_quality_compute(doc->text, doc->text_len, &o, &doc->arena,
                                         remove_lines, &q);
    if (st != TAMIS_OK)
        return tm_err(err, st, doc->src_file, doc->src_offset, doc->src_record,
                      "filter: out of memory computing signals");
    const double *v = q.v;
    /* A language without a stop-word list cannot be judged by the stop-word rule. */
    bool have_stop = english || gopher_stop;
    if (c->write_signals && (st = write_signals(doc, v, have_stop)) != TAMIS_OK)
        return tm_err(err, st, NULL, 0, 0, "filter: out of memory");

#define DROP(...)                                                                          \
    do {                                                                                   \
        if ((st = drop_reason(doc, __VA_ARGS__)) != TAMIS_OK)                               \
            return tm_err(err, st, NULL, 0, 0, "filter: out of memory");                   \
    } while (0)

    if (c->gopher_quality) {
        double w = v[TM_QS_WORD_COUNT], mean = v[TM_QS_MEAN_WORD_LENGTH];
        if (on((double)c->gopher_min_words, true) && w < (double)c->gopher_min_words)
            DROP("gopher_min_words: %.6g < %lld", w, (long long)c->gopher_min_words);
        if (on((double)c->gopher_max_words, true) && w > (double)c->gopher_max_words)
            DROP("gopher_max_words: %.6g > %lld", w, (long long)c->gopher_max_words);
        if (on(c->gopher_min_avg_word_length, true) && mean < c->gopher_min_avg_word_length)
            DROP("gopher_min_avg_word_length: %.6g < %.6g", mean,
                 c->gopher_min_avg_word_length);
        if (on(c->gopher_max_avg_word_length, true) && mean > c->gopher_max_avg_word_length)
            DROP("gopher_max_avg_word_length: %.6g > %.6g", mean,
                 c->gopher_max_avg_word_length);
        double t = c->gopher_max_symbol_word_ratio;
        if (on(t, true) && v[TM_QS_HASH_TO_TOKEN_RATIO] > t)
            DROP("gopher_max_symbol_word_ratio: %.6g > %.6g ('#' per token)",
                 v[TM_QS_HASH_TO_TOKEN_RATIO], t);
        if (on(t, true) && v[TM_QS_ELLIPSIS_TO_TOKEN_RATIO] > t)
            DROP("gopher_max_symbol_word_ratio: %.6g > %.6g (ellipses per token)",
                 v[TM_QS_ELLIPSIS_TO_TOKEN_RATIO], t);
        if (on(c->gopher_max_bullet_lines_ratio, true) &&
            v[TM_QS_FRAC_LINES_BULLET] > c->gopher_max_bullet_lines_ratio)
            DROP("gopher_max_bullet_lines_ratio: %.6g > %.6g", v[TM_QS_FRAC_LINES_BULLET],
                 c->gopher_max_bullet_lines_ratio);
        if (on(c->gopher_max_ellipsis_lines_ratio, true) &&
            v[TM_QS_FRAC_LINES_ELLIPSIS] > c->gopher_max_ellipsis_lines_ratio)
            DROP("gopher_max_ellipsis_lines_ratio: %.6g > %.6g", v[TM_QS_FRAC_LINES_ELLIPSIS],
                 c->gopher_max_ellipsis_lines_ratio);
        if (on(c->gopher_min_alpha_words_ratio, true) &&
            v[TM_QS_FRAC_TOKENS_ALPHA] < c->gopher_min_alpha_words_ratio)
            DROP("gopher_min_alpha_words_ratio: %.6g < %.6g", v[TM_QS_FRAC_TOKENS_ALPHA],
                 c->gopher_min_alpha_words_ratio);
        if (have_stop && on((double)c->gopher_min_stop_words, true) &&
            v[TM_QS_GOPHER_STOP_WORDS] < (double)c->gopher_min_stop_words)
            DROP("gopher_min_stop_words: %.6g < %lld", v[TM_QS_GOPHER_STOP_WORDS],
                 (long long)c->gopher_min_stop_words);
    }
    if (c->gopher_repetition) {
        static const struct {
            const char *key;
            tm_qs sig;
            size_t off;
        } rep[] = {
            {"gopher_max_dup_para_frac", TM_QS_DUP_PARA_FRAC,
             offsetof(filter_cfg, gopher_max_dup_para_frac)},
            {"gopher_max_dup_para_char_frac", TM_QS_DUP_PARA_CHAR_FRAC,
             offsetof(filter_cfg, gopher_max_dup_para_char_frac)},
            {"gopher_max_dup_line_frac", TM_QS_DUP_LINE_FRAC,
             offsetof(filter_cfg, gopher_max_dup_line_frac)},
            {"gopher_max_dup_line_char_frac", TM_QS_DUP_LINE_CHAR_FRAC,
             offsetof(filter_cfg, gopher_max_dup_line_char_frac)},
        };
        for (size_t i = 0; i < sizeof rep / sizeof *rep; i++) {
            double t = *(const double *)(const void *)((const char *)c + rep[i].off);
            if (on(t, true) && v[rep[i].sig] > t)
                DROP("%s: %.6g > %.6g", rep[i].key, v[rep[i].sig], t);
        }
        for (int k = 0; k < 3; k++) {
            double t = c->gopher_max_top_ngram[k];
            if (on(t, true) && v[TM_QS_TOP_2GRAM + k] > t)
                DROP("gopher_max_top_%dgram: %.6g > %.6g", k + 2, v[TM_QS_TOP_2GRAM + k], t);
        }
        for (int k = 0; k < 6; k++) {
            double t = c->gopher_max_dup_ngram[k];
            if (on(t, true) && v[TM_QS_DUP_5GRAM + k] > t)
                DROP("gopher_max_dup_%dgram: %.6g > %.6g", k + 5, v[TM_QS_DUP_5GRAM + k], t);
        }
    }
    if (c->c4) {
        if (v[TM_QS_C4_LOREM_IPSUM] > 0)
            DROP("c4_lorem_ipsum: 1 (a kept line contains \"lorem ipsum\")");
        if (v[TM_QS_C4_CURLY_BRACKET] > 0)
            DROP("c4_curly_bracket: 1 (a kept line contains '{')");
        if (c->c4_min_sentences >= 0 && v[TM_QS_C4_SENTENCES] < (double)c->c4_min_sentences)
            DROP("c4_min_sentences: %.6g < %lld", v[TM_QS_C4_SENTENCES],
                 (long long)c->c4_min_sentences);
    }
    if (c->fineweb) {
        double r = v[TM_QS_FW_LINE_PUNCT];
        if (on(c->fineweb_line_punct_thr, false) && r <= c->fineweb_line_punct_thr &&
            !(r == 0 && c->fineweb_line_punct_exclude_zero))
            DROP("fineweb_line_punct_thr: %.6g <= %.6g", r, c->fineweb_line_punct_thr);
        if (on(c->fineweb_short_line_thr, false) &&
            v[TM_QS_FW_SHORT_LINE] >= c->fineweb_short_line_thr)
            DROP("fineweb_short_line_thr: %.6g >= %.6g", v[TM_QS_FW_SHORT_LINE],
                 c->fineweb_short_line_thr);
        if (on(c->fineweb_char_dup_ratio, false) &&
            v[TM_QS_FW_CHAR_DUP] >= c->fineweb_char_dup_ratio)
            DROP("fineweb_char_dup_ratio: %.6g >= %.6g", v[TM_QS_FW_CHAR_DUP],
                 c->fineweb_char_dup_ratio);
        if (on(c->fineweb_new_line_ratio, false) &&
            v[TM_QS_FW_LIST_RATIO] > c->fineweb_new_line_ratio)
            DROP("fineweb_new_line_ratio: %.6g > %.6g", v[TM_QS_FW_LIST_RATIO],
                 c->fineweb_new_line_ratio);
    }
    if (c->lang_filter && lang && *lang) {
        if (!lang_allowed(c->languages, lang))
            DROP("languages: %s not in %s", lang, c->languages);
        const char *sc = tamis_doc_get(doc, TAMIS_F_LANG_SCORE);
        if (sc && on(c->lang_min_score, false)) {
            double score = strtod(sc, NULL);
            if (score <= c->lang_min_score)
                DROP("lang_min_score: %.6g <= %.6g", score, c->lang_min_score);
        }
    }
#undef DROP

    if (remove_lines && !tamis_doc_dropped(doc)) {
        uint64_t removed = 0;
        for (int i = 1; i < TM_C4__COUNT; i++)
            removed += q.c4_removed[i];
        if (removed) {
            tm_buf b;
            tm_buf_init(&b);
            st = tm_quality_c4_text(doc->text, doc->text_len, &q, c->c4_remove_citations, &b);
            if (st == TAMIS_OK)
                st = tm_doc_set_textn(doc, b.data ? b.data : "", b.len);
            tm_buf_free(&b);
            for (int i = 1; st == TAMIS_OK && i < TM_C4__COUNT; i++)
                if (q.c4_removed[i])
                    st = tm_doc_count_removed(doc, tm_c4_line_name((tm_c4_line)i),
                                              q.c4_removed[i]);
            if (st != TAMIS_OK)
                return tm_err(err, st, NULL, 0, 0, "filter: out of memory");
        }
    }
    return TAMIS_OK;
}

const tm_stage_vt tm_filter_stage = {
    .name = "filter",
    .params = filter_params,
    .cfg_size = sizeof(filter_cfg),
    .create = filter_create,
    .process = filter_process,
    .destroy = filter_destroy,
    .set = filter_set,
};
