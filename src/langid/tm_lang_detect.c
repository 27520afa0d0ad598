/* tm_lang_detect.c — one language-ID call over the backends: script shortcut, CLD2,
 * fastText, and the ensemble that combines them. */
#include "tm_lang_detect.h"

#include "../common/tm_unicode.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Languages whose CLD2 answer is not trusted alone, even when CLD2 calls it reliable and
 * it covers most of the text: the small siblings CLD2 over-predicts for their big
 * neighbour's text (on lingua sentences CLD2 says bs for 131 texts, none Bosnian, sr for
 * 111 Latin/Cyrillic neighbours, nn 81, ms 52) and English, which CLD2 returns for short
 * text of any Latin-script language full of English names and loanwords (150 of 740
 * reliable "en" answers were wrong; fastText fixes 63; short text only, see below). For every other language the
 * ensemble was no better than CLD2 alone there (docs/lang.md), so fastText is skipped. */
static const char *const confusable[] = {
    "bs", "sr", "sh", "nn", "ms", "oc", "an", "ast", "gl", "ne", "en", NULL,
};

/* Prior weights for languages that are a much smaller sibling of a big web language
 * (Bosnian next to Croatian, Nynorsk next to Bokmål, Malay next to Indonesian, Occitan
 * and Aragonese/Asturian next to Catalan and Spanish, Nepali next to Hindi, and the two
 * bot-written Wikipedias Cebuano and Waray): Common Crawl's language statistics show the
 * big sibling at 10x or more, so on a near tie the big one is the better bet. Every other
 * language weighs 1. The weights were chosen on the even lines of lingua-testdata and
 * checked on the odd ones (scripts/eval_lang.sh prints both). */
static const struct {
    const char *code;
    float w;
} priors[] = {
    {"bs", 0.3f},  {"nn", 0.3f},  {"ms", 0.5f},  {"oc", 0.3f},  {"gl", 0.5f},  {"an", 0.3f},
    {"ast", 0.3f}, {"sh", 0.3f},  {"ne", 0.5f},  {"war", 0.3f}, {"ceb", 0.3f},
};

/* Ensemble weights: CLD2's share of the text counts half as much as fastText's
 * probability, 1.5x more when CLD2 says its answer is reliable (chosen like the priors). */
#define W_CLD2 0.5f
#define W_CLD2_RELIABLE 0.75f
/* CLD2 alone decides when it is reliable, covers >= 90 % of the text, and the language
 * is not in the confusable list (about 3 texts in 4 of lingua's sentences and pairs). */
#define CLD2_ALONE_PCT 0.9f
/* English is checked by fastText only on short text: the wrong "en" answers are
 * sentences with English names in them (fastText's gain falls from 50 per 382 texts at
 * 50-100 scored letters to 6 per 47 at 200-250, none above); a long page that CLD2 calls
 * reliably English is English, and it is the most common case on the web. */
#define EN_CHECK_BELOW_BYTES 512
/* fastText's candidates below this probability are not asked for in the ensemble: such a
 * language adds under 0.007 to a blended score, and fastText stops descending its label
 * tree early (callgrind: -25 % of fastText's instructions; the same label on every text of
 * lingua's sets and udhr with 0.01, one word pair more right and two single words fewer
 * with 0.03). */
#define FT_MIN_PROB 0.01f

/* strcmp behind a first-byte test: these lookups run for every text (callgrind). */
static inline bool code_eq(const char *a, const char *b)
{
    return a[0] == b[0] && strcmp(a, b) == 0;
}

static bool in_list(const char *const *list, const char *code)
{
    for (size_t i = 0; list[i]; i++)
        if (code_eq(list[i], code))
            return true;
    return false;
}

static float prior_of(const char *code)
{
    for (size_t i = 0; i < sizeof priors / sizeof priors[0]; i++)
        if (code_eq(priors[i].code, code))
            return priors[i].w;
    return 1.0f;
}

/* Sorts guesses by score, best first (n <= a handful: insertion sort). */
static void sort_guesses(tm_lang_guess *g, int n)
{
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && g[j].score > g[j - 1].score; j--) {
            tm_lang_guess t = g[j];
            g[j] = g[j - 1];
            g[j - 1] = t;
        }
}

/* Copies a NUL-terminated code into a tm_lang_guess code field, truncating. */
static void copy_code(char *dst, const char *src)
{
    size_t i = 0;
    for (; src[i] && i + 1 < sizeof((tm_lang_guess *)0)->code; i++)
        dst[i] = src[i];
    dst[i] = 0;
}

static void set_single(tm_lang_result *r, const char *code, float score)
{
    r->n = 1;
    copy_code(r->top[0].code, code);
    r->top[0].score = score;
}

/* Adds a (code, score) pair to a small candidate table, merging equal ISO codes. */
static void cand_add(tm_lang_guess *c, int *n, int max, const char *iso, float v)
{
    if (code_eq(iso, "und"))
        return;
    for (int i = 0; i < *n; i++)
        if (code_eq(c[i].code, iso)) {
            c[i].score += v;
            return;
        }
    if (*n < max) {
        copy_code(c[*n].code, iso);
        c[*n].score = v;
        (*n)++;
    }
}

static void from_cld2(const tm_cld2_out *o, tm_lang_result *r)
{
    tm_lang_guess c[TM_LANG_TOPK];
    int n = 0;
    for (int i = 0; i < o->n; i++) {
        char iso[12];
        tm_lang_iso(o->top[i].code, iso);
        cand_add(c, &n, TM_LANG_TOPK, iso, o->top[i].score);
    }
    sort_guesses(c, n);
    memcpy(r->top, c, sizeof(tm_lang_guess) * (size_t)n);
    r->n = n;
}

static void from_ft(const tm_lang_guess *g, int k, tm_lang_result *r)
{
    tm_lang_guess c[8];
    int n = 0;
    for (int i = 0; i < k; i++) {
        char iso[12];
        tm_lang_iso(g[i].code, iso);
        cand_add(c, &n, 8, iso, g[i].score);
    }
    sort_guesses(c, n);
    r->n = TM_MIN(n, TM_LANG_TOPK);
    memcpy(r->top, c, sizeof(tm_lang_guess) * (size_t)r->n);
}

static void identify(const tm_lang_opts *o, const char *s, size_t n, const size_t *given,
                     tm_lang_result *r)
{
    size_t own[TM_SCRIPT__COUNT], letters = 0;
    const size_t *counts = given;
    if (given) {
        for (int i = 0; i < TM_SCRIPT__COUNT; i++)
            letters += given[i];
    } else {
        letters = tm_script_counts(s, n, own);
        counts = own;
    }
    r->letters = letters;
    r->script = tm_script_dominant(counts, letters);
    if (letters == 0) {
        set_single(r, "und", 0.0f); /* digits, emoji, punctuation only: no language */
        r->n = 0;
        return;
    }
    size_t dom = counts[r->script];
    if (r->script == TM_SCRIPT_HIRAGANA || r->script == TM_SCRIPT_HAN)
        dom = counts[TM_SCRIPT_HIRAGANA] + counts[TM_SCRIPT_KATAKANA] + counts[TM_SCRIPT_HAN];
    r->script_share = (double)dom / (double)letters;

    /* Script shortcut (ensemble only): a script written by one language decides alone
     * when most letters are in it; Han without kana is Chinese. Cheaper and more accurate
     * than both backends on short text (CLD2 calls many two-word Chinese pairs Japanese). */
    const char *script_lang = r->script == TM_SCRIPT_HAN ? "zh" : tm_script_language(r->script);
    if (o->backend == TM_LANG_BACKEND_ENSEMBLE && script_lang && r->script_share >= 0.5) {
        set_single(r, script_lang, (float)r->script_share);
        r->reliable = true;
        return;
    }

    tm_cld2_out c;
    bool have_cld2 = false;
    if (o->backend != TM_LANG_BACKEND_FASTTEXT) {
        have_cld2 = tm_cld2_detect(s, n, o->best_effort, true, &c) == 0 && c.n > 0;
        r->ran_cld2 = true;
    }
    if (o->backend == TM_LANG_BACKEND_CLD2) {
        if (have_cld2) {
            from_cld2(&c, r);
            r->reliable = c.reliable;
        }
        return;
    }
    if (o->backend == TM_LANG_BACKEND_ENSEMBLE && have_cld2 && c.reliable &&
        c.top[0].score >= CLD2_ALONE_PCT) {
        char iso[12];
        tm_lang_iso(c.top[0].code, iso);
        bool check = in_list(confusable, iso) &&
                     (strcmp(iso, "en") != 0 || c.text_bytes < EN_CHECK_BELOW_BYTES) &&
                     !(o->agree && strcmp(iso, o->agree) == 0);
        if (strcmp(iso, "und") != 0 && !check) {
            from_cld2(&c, r);
            r->reliable = true;
            return;
        }
    }
    tm_lang_guess g[5];
    float thr = o->backend == TM_LANG_BACKEND_ENSEMBLE ? FT_MIN_PROB : 0.0f;
    int k = o->ft ? tm_ft_predict(o->ft, s, n, 5, thr, g) : 0;
    r->ran_fasttext = o->ft != NULL;
    if (o->backend == TM_LANG_BACKEND_FASTTEXT || !have_cld2) {
        from_ft(g, k, r);
        r->reliable = r->n > 0 && r->top[0].score >= 0.5f;
        if (r->n == 0 && have_cld2)
            from_cld2(&c, r);
        return;
    }
    /* Ensemble: score(l) = (w * cld2_share(l) + ft_prob(l)) / (w + 1), chosen by
     * prior(l) * score(l). */
    float w = c.reliable ? W_CLD2_RELIABLE : W_CLD2;
    tm_lang_guess cand[TM_LANG_TOPK + 5];
    int nc = 0;
    for (int i = 0; i < c.n; i++) {
        char iso[12];
        tm_lang_iso(c.top[i].code, iso);
        cand_add(cand, &nc, TM_LANG_TOPK + 5, iso, w * c.top[i].score);
    }
    for (int i = 0; i < k; i++) {
        char iso[12];
        tm_lang_iso(g[i].code, iso);
        cand_add(cand, &nc, TM_LANG_TOPK + 5, iso, g[i].score);
    }
    if (nc == 0)
        return;
    /* choose by prior-weighted score, report the plain score */
    tm_lang_guess ranked[TM_LANG_TOPK + 5];
    for (int i = 0; i < nc; i++) {
        ranked[i] = cand[i];
        ranked[i].score = cand[i].score / (w + 1.0f) * prior_of(cand[i].code);
    }
    sort_guesses(ranked, nc);
    r->n = TM_MIN(nc, TM_LANG_TOPK);
    for (int i = 0; i < r->n; i++) {
        r->top[i] = ranked[i];
        r->top[i].score = ranked[i].score / prior_of(ranked[i].code);
        if (r->top[i].score > 1.0f)
            r->top[i].score = 1.0f;
    }
    r->reliable = c.reliable || r->top[0].score >= 0.5f;
}

void tm_lang_identify(const tm_lang_opts *o, const char *s, size_t n, const size_t *counts,
                      tm_lang_result *r)
{
    memset(r, 0, sizeof *r);
    identify(o, s, n, counts, r);
    /* fastText's probabilities go slightly above 1 on near-certain text (it sums
     * approximated logs: `fasttext predict-prob` prints 1.00006 for "een"); scores are
     * documented as 0..1. */
    for (int i = 0; i < r->n; i++)
        r->top[i].score = r->top[i].score > 1.0f ? 1.0f : r->top[i].score < 0.0f ? 0.0f
                                                                                  : r->top[i].score;
}

const char *tm_lang_backend_name(int b)
{
    return b == TM_LANG_BACKEND_CLD2       ? "cld2"
           : b == TM_LANG_BACKEND_FASTTEXT ? "fasttext"
                                           : "ensemble";
}
