/* tm_lang_stage.c — the 'lang' stage: document language (CLD2 + fastText ensemble), top-3,
 * script, and per-paragraph labels for mixed-language documents. */
#include "../common/tm_common.h"
#include "../common/tm_unicode.h"
#include "tm_lang_detect.h"

#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct lang_cfg {
    bool enabled;
    char *backend;
    char *model;
    bool best_effort;
    int64_t sample_bytes;
    bool paragraphs;
    int64_t paragraph_min_letters;
    int64_t max_paragraphs;
} lang_cfg;

static const tm_param lang_params[] = {
    {"enabled", TM_P_BOOL, "true", offsetof(lang_cfg, enabled), "run this stage"},
    {"backend", TM_P_STRING, "ensemble", offsetof(lang_cfg, backend),
     "ensemble (CLD2 + fastText, most accurate), cld2 (fastest), or fasttext (scores as "
     "FineWeb/CCNet thresholds expect)"},
    {"model", TM_P_STRING, "", offsetof(lang_cfg, model),
     "fastText model file; empty: <data dir>/models/lid.176.ftz"},
    {"best_effort", TM_P_BOOL, "true", offsetof(lang_cfg, best_effort),
     "CLD2 best-effort mode: answer on short text instead of 'unknown'"},
    {"sample_bytes", TM_P_INT, "8192", offsetof(lang_cfg, sample_bytes),
     "a longer text is identified from 4 evenly spaced windows of sample_bytes/4 bytes"},
    {"paragraphs", TM_P_BOOL, "true", offsetof(lang_cfg, paragraphs),
     "also label each paragraph; list them in lang_paragraphs when one disagrees"},
    {"paragraph_min_letters", TM_P_INT, "40", offsetof(lang_cfg, paragraph_min_letters),
     "paragraphs with fewer letters get no label of their own"},
    {"max_paragraphs", TM_P_INT, "256", offsetof(lang_cfg, max_paragraphs),
     "label at most this many paragraphs per document (time bound)"},
    {0},
};

typedef struct lang_stage {
    const lang_cfg *cfg;
    tm_lang_opts opts;
    tm_ft *ft;
    /* cld2_runs and fasttext_runs count document and paragraph calls */
    atomic_ullong docs, und, fasttext_runs, cld2_runs, mixed, paragraphs;
} lang_stage;

static tamis_status lang_create(void **self, const void *cfgp, tamis_error *err)
{
    const lang_cfg *cfg = cfgp;
    lang_stage *ls = tm_calloc(1, sizeof *ls);
    if (!ls)
        return tm_err(err, TAMIS_ERR_NOMEM, NULL, 0, 0, "out of memory");
    ls->cfg = cfg;
    *self = ls;
    if (!cfg->enabled)
        return TAMIS_OK;
    const char *b = cfg->backend ? cfg->backend : "ensemble";
    if (strcmp(b, "ensemble") == 0)
        ls->opts.backend = TM_LANG_BACKEND_ENSEMBLE;
    else if (strcmp(b, "cld2") == 0)
        ls->opts.backend = TM_LANG_BACKEND_CLD2;
    else if (strcmp(b, "fasttext") == 0)
        ls->opts.backend = TM_LANG_BACKEND_FASTTEXT;
    else
        return tm_err(err, TAMIS_ERR_ARG, NULL, 0, 0,
                      "backend '%s' is not ensemble, cld2 or fasttext", b);
    if (cfg->sample_bytes < 64)
        return tm_err(err, TAMIS_ERR_ARG, NULL, 0, 0, "sample_bytes must be >= 64");
    ls->opts.best_effort = cfg->best_effort;
    if (ls->opts.backend != TM_LANG_BACKEND_CLD2) {
        char path[4096], msg[512];
        if (cfg->model && cfg->model[0])
            snprintf(path, sizeof path, "%s", cfg->model);
        else
            snprintf(path, sizeof path, "%s/models/lid.176.ftz", tm_data_dir());
        ls->ft = tm_ft_load(path, msg, sizeof msg);
        if (!ls->ft)
            return tm_err(err, TAMIS_ERR_IO, path, 0, 0,
                          "%s (run scripts/setup.sh, or set lang.model, or "
                          "lang.backend=cld2)",
                          msg);
        ls->opts.ft = ls->ft;
    }
    return TAMIS_OK;
}

/* Start of the UTF-8 character containing s[i] (i < n). */
static size_t char_start(const char *s, size_t i)
{
    while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80)
        i--;
    return i;
}

/* The text the document-level label is computed on: all of it up to sample_bytes, else
 * 4 evenly spaced windows (start, two middles, end) cut at spaces, so that a long page
 * whose head is boilerplate in one language is still judged by its body. */
static const char *sample_text(tm_arena *a, const char *s, size_t n, size_t max, size_t *out_n)
{
    if (n <= max) {
        *out_n = n;
        return s;
    }
    enum { W = 4 };
    size_t win = max / W;
    char *o = tm_arena_alloc(a, max + W + 1);
    if (!o)
        return NULL;
    size_t k = 0;
    for (size_t w = 0; w < W; w++) {
        size_t st = (n - win) / (W - 1) * w, en = st + win;
        if (en > n)
            en = n;
        if (w > 0) { /* start after a space within the window, else at a char boundary */
            size_t q = st;
            while (q < en && q < st + 64 && s[q] != ' ' && s[q] != '\n')
                q++;
            st = q < en && q < st + 64 ? q + 1 : char_start(s, st);
        }
        if (en < n)
            en = char_start(s, en);
        if (en <= st)
            continue;
        memcpy(o + k, s + st, en - st);
        k += en - st;
        o[k++] = '\n';
    }
    o[k] = 0;
    *out_n = k;
    return o;
}

/* Writes v as printf's "%.4f" would (NUL-terminated) and returns the length. callgrind:
 * snprintf's float formatting was 7 % of the ensemble's instructions on sentences.
 * (double)v * 10000 is exact for a float (24 + 14 bits < 53), so nearbyint's
 * round-half-even in the default rounding mode gives glibc's digits. */
static size_t fmt_score(char *buf, float v)
{
    if (!(v >= 0.0f && v <= 1.0f)) /* never for clamped scores; NaN included */
        return (size_t)snprintf(buf, 16, "%.4f", (double)v);
    long q = (long)nearbyint((double)v * 10000.0);
    buf[0] = (char)('0' + q / 10000);
    buf[1] = '.';
    for (int i = 5; i >= 2; i--, q /= 10)
        buf[i] = (char)('0' + q % 10);
    buf[6] = 0;
    return 6;
}

static tamis_status set_result(tamis_doc *doc, const tm_lang_result *r)
{
    char buf[64];
    tamis_status st;
    const char *code = r->n > 0 ? r->top[0].code : "und";
    float score = r->n > 0 ? r->top[0].score : 0.0f;
    if ((st = tm_doc_setn(doc, TAMIS_F_LANG, code, strlen(code))) != TAMIS_OK)
        return st;
    size_t len = fmt_score(buf, score);
    if ((st = tm_doc_setn(doc, TAMIS_F_LANG_SCORE, buf, len)) != TAMIS_OK)
        return st;
    tm_doc_setn(doc, TAMIS_F_LANG_TOP, NULL, 0);
    for (int i = 0; i < r->n; i++) {
        size_t cl = strlen(r->top[i].code); /* < 12 */
        memcpy(buf, r->top[i].code, cl);
        buf[cl] = ':';
        len = cl + 1 + fmt_score(buf + cl + 1, r->top[i].score);
        if ((st = tm_doc_addn(doc, TAMIS_F_LANG_TOP, buf, len)) != TAMIS_OK)
            return st;
    }
    const char *sc = tm_script_code(r->script);
    if ((st = tm_doc_setn(doc, TAMIS_F_SCRIPT, sc, strlen(sc))) != TAMIS_OK)
        return st;
    return tamis_doc_set_signal(doc, "lang_script_share", r->script_share);
}

typedef struct para {
    size_t start, end, letters;
    tm_lang_result r;
} para;

/* Splits the text into paragraphs at blank lines (at every line break when it has no
 * blank line) and labels each one with enough letters. Sets lang_paragraphs when a
 * labelled paragraph disagrees with the document, and the lang_mixed_fraction signal
 * (letters in disagreeing paragraphs / letters in labelled paragraphs). */
static tamis_status label_paragraphs(lang_stage *ls, tamis_doc *doc, const char *t, size_t n,
                                     const tm_lang_result *docr)
{
    bool blank = false;
    for (size_t i = 0; i + 1 < n && !blank; i++)
        if (t[i] == '\n') {
            size_t j = i + 1;
            while (j < n && (t[j] == ' ' || t[j] == '\t' || t[j] == '\r'))
                j++;
            blank = j < n && t[j] == '\n';
        }
    size_t maxp = (size_t)TM_MAX(ls->cfg->max_paragraphs, 1);
    para *ps = tm_arena_alloc(&doc->arena, sizeof(para) * maxp);
    if (!ps)
        return TAMIS_ERR_NOMEM;
    size_t np = 0, i = 0, sample = (size_t)ls->cfg->sample_bytes;
    /* A paragraph CLD2 reliably finds in the document's language needs no fastText
     * check: the point is to find the paragraphs that differ. */
    tm_lang_opts popts = ls->opts;
    popts.agree = docr->n > 0 ? docr->top[0].code : NULL;
    while (i < n && np < maxp) {
        while (i < n && (t[i] == '\n' || t[i] == ' ' || t[i] == '\t' || t[i] == '\r'))
            i++; /* a paragraph starts at its first visible character */
        if (i >= n)
            break;
        size_t st = i, en = i;
        for (;;) { /* find the paragraph end */
            const char *nl = memchr(t + en, '\n', n - en);
            if (!nl) {
                en = n;
                break;
            }
            en = (size_t)(nl - t);
            if (!blank)
                break;
            size_t j = en + 1;
            while (j < n && (t[j] == ' ' || t[j] == '\t' || t[j] == '\r'))
                j++;
            if (j >= n || t[j] == '\n')
                break;
            en = j;
        }
        i = en + 1;
        size_t len = TM_MIN(en - st, sample);
        if (len > 0 && en - st > sample)
            len = char_start(t + st, len);
        /* cheap letter pre-count: skip short paragraphs before any backend runs */
        size_t counts[TM_SCRIPT__COUNT];
        if (tm_script_counts(t + st, len, counts) < (size_t)ls->cfg->paragraph_min_letters)
            continue;
        para *p = &ps[np++];
        p->start = st;
        p->end = en;
        tm_lang_identify(&popts, t + st, len, counts, &p->r);
        atomic_fetch_add_explicit(&ls->paragraphs, 1, memory_order_relaxed);
        if (p->r.ran_fasttext)
            atomic_fetch_add_explicit(&ls->fasttext_runs, 1, memory_order_relaxed);
        if (p->r.ran_cld2)
            atomic_fetch_add_explicit(&ls->cld2_runs, 1, memory_order_relaxed);
        p->letters = p->r.letters;
    }
    if (np < 2)
        return tamis_doc_set_signal(doc, "lang_mixed_fraction", 0.0);
    const char *dl = docr->n > 0 ? docr->top[0].code : "und";
    size_t all = 0, other = 0;
    for (size_t k = 0; k < np; k++) {
        all += ps[k].letters;
        const char *pl = ps[k].r.n > 0 ? ps[k].r.top[0].code : "und";
        if (strcmp(pl, dl) != 0)
            other += ps[k].letters;
    }
    tamis_status st = tamis_doc_set_signal(doc, "lang_mixed_fraction",
                                           all ? (double)other / (double)all : 0.0);
    if (st != TAMIS_OK || other == 0)
        return st;
    atomic_fetch_add(&ls->mixed, 1);
    for (size_t k = 0; k < np; k++) {
        char buf[96];
        const tm_lang_result *r = &ps[k].r;
        int len = snprintf(buf, sizeof buf, "%zu-%zu:%s:%.4f", ps[k].start, ps[k].end,
                           r->n > 0 ? r->top[0].code : "und", r->n > 0 ? r->top[0].score : 0.0);
        if ((st = tm_doc_addn(doc, TAMIS_F_LANG_PARAGRAPHS, buf, (size_t)len)) != TAMIS_OK)
            return st;
    }
    return TAMIS_OK;
}

static tamis_status lang_process(void *self, tamis_doc *doc, tamis_error *err)
{
    lang_stage *ls = self;
    if (!ls->cfg->enabled || doc->kind == TAMIS_KIND_OTHER)
        return TAMIS_OK;
    atomic_fetch_add_explicit(&ls->docs, 1, memory_order_relaxed);
    /* One pass cleans the text for the backends and counts its letters per script; the
     * counts serve the script shortcut whenever the whole text is the sample. */
    size_t cn, counts[TM_SCRIPT__COUNT];
    char *clean = tm_arena_alloc(&doc->arena, doc->text_len + 1);
    if (!clean)
        return tm_err(err, TAMIS_ERR_NOMEM, NULL, 0, 0, "out of memory");
    tm_script_clean(doc->text, doc->text_len, clean, &cn, counts);
    size_t sn;
    const char *sample = sample_text(&doc->arena, clean, cn, (size_t)ls->cfg->sample_bytes, &sn);
    if (!sample)
        return tm_err(err, TAMIS_ERR_NOMEM, NULL, 0, 0, "out of memory");
    tm_lang_result r;
    tm_lang_identify(&ls->opts, sample, sn, sample == clean ? counts : NULL, &r);
    if (r.n == 0)
        atomic_fetch_add_explicit(&ls->und, 1, memory_order_relaxed);
    if (r.ran_fasttext)
        atomic_fetch_add_explicit(&ls->fasttext_runs, 1, memory_order_relaxed);
    if (r.ran_cld2)
        atomic_fetch_add_explicit(&ls->cld2_runs, 1, memory_order_relaxed);
    tamis_status st = set_result(doc, &r);
    /* Paragraphs are labelled only when the document-level answer leaves room for a
     * second language (a runner-up with >= 2 %, or a winner below 0.9): a page CLD2 finds
     * 99 % English is not split, which halves the stage's cost on web text. */
    bool maybe_mixed = r.n > 0 && (r.top[0].score < 0.9f || (r.n > 1 && r.top[1].score >= 0.02f));
    if (st == TAMIS_OK && ls->cfg->paragraphs && maybe_mixed && memchr(clean, '\n', cn))
        st = label_paragraphs(ls, doc, clean, cn, &r);
    else if (st == TAMIS_OK && ls->cfg->paragraphs)
        st = tamis_doc_set_signal(doc, "lang_mixed_fraction", 0.0);
    if (st != TAMIS_OK)
        return tm_err(err, st, NULL, 0, 0, "cannot store the result");
    return TAMIS_OK;
}

static char *lang_report(const void *self)
{
    const lang_stage *ls = self;
    char *out = NULL;
    tm_buf b;
    tm_buf_init(&b);
    if (tm_buf_printf(&b,
                      "{\"backend\":\"%s\",\"docs\":%llu,\"undetermined\":%llu,"
                      "\"paragraphs\":%llu,\"cld2_runs\":%llu,\"fasttext_runs\":%llu,"
                      "\"mixed_docs\":%llu,"
                      "\"fasttext_fast_tokenizer\":%s}",
                      tm_lang_backend_name(ls->opts.backend), (unsigned long long)ls->docs,
                      (unsigned long long)ls->und, (unsigned long long)ls->paragraphs,
                      (unsigned long long)ls->cld2_runs,
                      (unsigned long long)ls->fasttext_runs, (unsigned long long)ls->mixed,
                      ls->ft && tm_ft_is_fast(ls->ft) ? "true" : "false") == TAMIS_OK &&
        tm_buf_nul(&b) == TAMIS_OK)
        out = b.data;
    else
        tm_buf_free(&b);
    return out;
}

static void lang_destroy(void *self)
{
    lang_stage *ls = self;
    if (!ls)
        return;
    tm_ft_free(ls->ft);
    tm_free(ls);
}

const tm_stage_vt tm_lang_stage = {
    .name = "lang",
    .params = lang_params,
    .cfg_size = sizeof(lang_cfg),
    .create = lang_create,
    .process = lang_process,
    .report = lang_report,
    .destroy = lang_destroy,
};
