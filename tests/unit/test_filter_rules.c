/* test_filter_rules.c — the filter stage: every rule flips exactly at its threshold,
 * every failing rule is reported, per-language overrides, the language filter, C4 line
 * removal, and parameters through tamis_stage_set. */
#include "common/tm_common.h"
#include "tm_test.h"

#include <float.h>

/* Three paragraphs, the first repeated as the third; bullets, an ellipsis, a hash, a
 * short line, digits: every signal a rule compares is non-zero. */
static const char *const SAMPLE =
    "The quick brown fox jumps over the lazy dog and runs to the river.\n"
    "\n"
    "- The quick brown fox jumps over the lazy dog and runs to the river.\n"
    "\xE2\x80\xA2 a list item with some words that end here...\n"
    "Another line with #hashtag and more text to read.\n"
    "Short one\n"
    "Prices are 100 200 300 for the items in the store!\n"
    "\n"
    "The quick brown fox jumps over the lazy dog and runs to the river.";

static tamis_stage *stage_with(const char *k1, const char *v1, const char *k2, const char *v2)
{
    tamis_stage *s = NULL;
    tamis_error err;
    memset(&err, 0, sizeof err);
    CHECK_EQ_INT(tamis_stage_new(&s, "filter", &err), TAMIS_OK);
    if (k1)
        CHECK_EQ_INT(tamis_stage_set(s, k1, v1, &err), TAMIS_OK);
    if (k2)
        CHECK_EQ_INT(tamis_stage_set(s, k2, v2, &err), TAMIS_OK);
    return s;
}

/* Runs text (with an optional language and score) through s; returns the document. */
static tamis_doc *run(tamis_stage *s, const char *text, const char *lang, const char *score)
{
    tamis_doc *d = tamis_doc_new();
    tamis_doc_set_text(d, text, strlen(text));
    if (lang)
        tamis_doc_set(d, TAMIS_F_LANG, lang);
    if (score)
        tamis_doc_set(d, TAMIS_F_LANG_SCORE, score);
    tamis_error err;
    memset(&err, 0, sizeof err);
    CHECK_EQ_INT(tamis_stage_process(s, d, &err), TAMIS_OK);
    return d;
}

static bool has_reason(const tamis_doc *d, const char *rule)
{
    size_t k = strlen(rule);
    for (size_t i = 0; i < tamis_doc_reason_count(d); i++) {
        const char *r = tamis_doc_reason(d, i);
        if (!strncmp(r, rule, k) && r[k] == ':')
            return true;
    }
    return false;
}

static double signal(const tamis_doc *d, const char *name)
{
    double v = -1;
    CHECK_EQ_INT(tamis_doc_signal(d, name, &v), TAMIS_OK);
    return v;
}

enum op { LT, GT, LE, GE };

static const struct rule {
    const char *key, *sig, *sig2;
    enum op op;
    bool is_int;
} rules[] = {
    {"gopher_min_words", "word_count", NULL, LT, true},
    {"gopher_max_words", "word_count", NULL, GT, true},
    {"gopher_min_avg_word_length", "mean_word_length", NULL, LT, false},
    {"gopher_max_avg_word_length", "mean_word_length", NULL, GT, false},
    {"gopher_max_symbol_word_ratio", "hash_to_token_ratio", "ellipsis_to_token_ratio", GT, false},
    {"gopher_max_bullet_lines_ratio", "frac_lines_start_bullet", NULL, GT, false},
    {"gopher_max_ellipsis_lines_ratio", "frac_lines_end_ellipsis", NULL, GT, false},
    {"gopher_min_alpha_words_ratio", "frac_tokens_alpha", NULL, LT, false},
    {"gopher_min_stop_words", "gopher_stop_words", NULL, LT, true},
    {"gopher_max_dup_para_frac", "dup_para_frac", NULL, GT, false},
    {"gopher_max_dup_para_char_frac", "dup_para_char_frac", NULL, GT, false},
    {"gopher_max_dup_line_frac", "dup_line_frac", NULL, GT, false},
    {"gopher_max_dup_line_char_frac", "dup_line_char_frac", NULL, GT, false},
    {"gopher_max_top_2gram", "frac_chars_top_2gram", NULL, GT, false},
    {"gopher_max_top_3gram", "frac_chars_top_3gram", NULL, GT, false},
    {"gopher_max_top_4gram", "frac_chars_top_4gram", NULL, GT, false},
    {"gopher_max_dup_5gram", "frac_chars_dup_5gram", NULL, GT, false},
    {"gopher_max_dup_6gram", "frac_chars_dup_6gram", NULL, GT, false},
    {"gopher_max_dup_7gram", "frac_chars_dup_7gram", NULL, GT, false},
    {"gopher_max_dup_8gram", "frac_chars_dup_8gram", NULL, GT, false},
    {"gopher_max_dup_9gram", "frac_chars_dup_9gram", NULL, GT, false},
    {"gopher_max_dup_10gram", "frac_chars_dup_10gram", NULL, GT, false},
    {"c4_min_sentences", "c4_sentences", NULL, LT, true},
    {"fineweb_line_punct_thr", "fineweb_line_punct_ratio", NULL, LE, false},
    {"fineweb_short_line_thr", "fineweb_short_line_ratio", NULL, GE, false},
    {"fineweb_char_dup_ratio", "fineweb_char_dup_ratio", NULL, GE, false},
    {"fineweb_new_line_ratio", "fineweb_list_ratio", NULL, GT, false},
};

/* For each rule: the threshold equal to the value and the nearest one on the other side;
 * exactly one of them drops, as the comparison in datatrove says. */
TEST(test_each_rule_flips_at_threshold)
{
    tamis_stage *s0 = stage_with(NULL, NULL, NULL, NULL);
    tamis_doc *d0 = run(s0, SAMPLE, NULL, NULL);
    for (size_t i = 0; i < sizeof rules / sizeof *rules; i++) {
        const struct rule *r = &rules[i];
        double v = signal(d0, r->sig);
        if (r->sig2 && signal(d0, r->sig2) > v)
            v = signal(d0, r->sig2);
        CHECK(v > 0); /* Gopher reads a threshold of 0 as "rule off" */
        char at[64], past[64];
        if (r->is_int) {
            snprintf(at, sizeof at, "%lld", (long long)v);
            snprintf(past, sizeof past, "%lld", (long long)v + (r->op == LT ? 1 : -1));
        } else {
            double other = nextafter(v, (r->op == LT || r->op == GE) ? DBL_MAX : 0.0);
            snprintf(at, sizeof at, "%.17g", v);
            snprintf(past, sizeof past, "%.17g", other);
        }
        /* LT/GT keep at the value itself; LE/GE drop there. */
        bool drop_at = r->op == LE || r->op == GE;
        tamis_stage *a = stage_with(r->key, at, NULL, NULL);
        tamis_stage *b = stage_with(r->key, past, NULL, NULL);
        tamis_doc *da = run(a, SAMPLE, NULL, NULL), *db = run(b, SAMPLE, NULL, NULL);
        if (has_reason(da, r->key) != drop_at || has_reason(db, r->key) == drop_at)
            fprintf(stderr, "rule %s value %.17g: at=%s drops=%d, past=%s drops=%d\n", r->key,
                    v, at, has_reason(da, r->key), past, has_reason(db, r->key));
        CHECK(has_reason(da, r->key) == drop_at);
        CHECK(has_reason(db, r->key) == !drop_at);
        /* -1 turns the rule off whatever the value */
        tamis_stage *c = stage_with(r->key, "-1", NULL, NULL);
        tamis_doc *dc = run(c, SAMPLE, NULL, NULL);
        CHECK(!has_reason(dc, r->key));
        tamis_doc_free(da);
        tamis_doc_free(db);
        tamis_doc_free(dc);
        tamis_stage_free(a);
        tamis_stage_free(b);
        tamis_stage_free(c);
    }
    tamis_doc_free(d0);
    tamis_stage_free(s0);
}

TEST(test_every_failing_rule_reported)
{
    tamis_stage *s = stage_with(NULL, NULL, NULL, NULL);
    tamis_doc *d = run(s, "Buy now\nBuy now\nBuy now", NULL, NULL);
    CHECK(tamis_doc_dropped(d));
    CHECK(has_reason(d, "gopher_min_words"));
    CHECK(has_reason(d, "gopher_min_stop_words"));
    CHECK(has_reason(d, "gopher_max_dup_line_frac"));
    CHECK(has_reason(d, "c4_min_sentences"));
    CHECK(has_reason(d, "fineweb_line_punct_thr"));
    CHECK(has_reason(d, "fineweb_char_dup_ratio"));
    CHECK_EQ_STR(tamis_doc_reason(d, 0), "gopher_min_words: 6 < 50");
    tamis_doc_free(d);
    /* the SAMPLE fails only some rules by default; its signals are all there */
    d = run(s, SAMPLE, NULL, NULL);
    CHECK_NEAR(signal(d, "word_count"), 14 * 3 + 9 + 9 + 2 + 11, 0);
    CHECK(tamis_doc_signal(d, "frac_chars_dup_10gram", NULL) == TAMIS_OK);
    tamis_doc_free(d);
    tamis_stage_free(s);
    /* each filter can be switched off on its own */
    s = stage_with("gopher_quality", "false", "fineweb", "no");
    d = run(s, "Buy now\nBuy now\nBuy now", NULL, NULL);
    CHECK(!has_reason(d, "gopher_min_words"));
    CHECK(!has_reason(d, "fineweb_line_punct_thr"));
    CHECK(has_reason(d, "gopher_max_dup_line_frac"));
    tamis_doc_free(d);
    tamis_stage_free(s);
}

/* The drop reasons' text: the value and its threshold as "%.6g" writes them, also when a
 * threshold changes between documents and back (the stage formats reasons itself). */
TEST(test_reason_text)
{
    static const struct {
        const char *thr, *reason;
    } cases[] = {
        {"0.0123456789", "fineweb_char_dup_ratio: 0.666667 >= 0.0123457"},
        {"2e-7", "fineweb_char_dup_ratio: 0.666667 >= 2e-07"},
        {"0.1", "fineweb_char_dup_ratio: 0.666667 >= 0.1"},
        {"0.0123456789", "fineweb_char_dup_ratio: 0.666667 >= 0.0123457"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        tamis_stage *s = stage_with("fineweb_char_dup_ratio", cases[k].thr, NULL, NULL);
        tamis_doc *d = run(s, "Buy now\nBuy now\nBuy now", NULL, NULL);
        CHECK_EQ_INT(tamis_doc_reason_count(d), 12);
        CHECK_EQ_STR(tamis_doc_reason(d, 6), "gopher_max_top_4gram: 1.30435 > 0.16");
        CHECK_EQ_STR(tamis_doc_reason(d, 10), cases[k].reason);
        CHECK_EQ_STR(tamis_doc_reason(d, 11), "fineweb_new_line_ratio: 0.333333 > 0.3");
        tamis_doc_free(d);
        tamis_stage_free(s);
    }
}

TEST(test_c4_document_rules)
{
    tamis_stage *s = stage_with(NULL, NULL, NULL, NULL);
    tamis_doc *d = run(s, "Lorem ipsum dolor sit amet.\nPut the { brace in here.", NULL, NULL);
    CHECK(has_reason(d, "c4_lorem_ipsum"));
    CHECK(has_reason(d, "c4_curly_bracket"));
    tamis_doc_free(d);
    tamis_stage_free(s);
    s = stage_with("c4_lorem_ipsum", "false", "c4_curly_bracket", "false");
    d = run(s, "Lorem ipsum dolor sit amet.\nPut the { brace in here.", NULL, NULL);
    CHECK(!has_reason(d, "c4_lorem_ipsum"));
    CHECK(!has_reason(d, "c4_curly_bracket"));
    tamis_doc_free(d);
    tamis_stage_free(s);
}

TEST(test_c4_remove_lines)
{
    const char *text = "Hello world this is fine.\nClick here\nWe use cookies on this site.\n"
                       "Enable JavaScript to view this page.\nA line with a citation.[1]\n"
                       "See more...";
    tamis_stage *s = stage_with("c4_remove_lines", "true", "c4_min_sentences", "1");
    tamis_stage_set(s, "gopher_quality", "false", NULL);
    tamis_stage_set(s, "gopher_repetition", "false", NULL);
    tamis_stage_set(s, "fineweb", "false", NULL);
    tamis_doc *d = run(s, text, NULL, NULL);
    CHECK(!tamis_doc_dropped(d));
    CHECK_EQ_STR(tamis_doc_text(d, NULL), "Hello world this is fine.\nA line with a citation.");
    uint64_t no_punct = 0, policy = 0, js = 0;
    for (uint32_t i = 0; i < d->n_removed; i++) {
        if (!strcmp(d->removed[i].name, "c4_terminal_punct"))
            no_punct = d->removed[i].n;
        if (!strcmp(d->removed[i].name, "c4_policy"))
            policy = d->removed[i].n;
        if (!strcmp(d->removed[i].name, "c4_javascript"))
            js = d->removed[i].n;
    }
    CHECK_EQ_INT(no_punct, 2);
    CHECK_EQ_INT(policy, 1);
    CHECK_EQ_INT(js, 1);
    tamis_doc_free(d);
    tamis_stage_free(s);
}

TEST(test_language_filter)
{
    tamis_stage *s = stage_with("languages", "en,de", NULL, NULL);
    tamis_doc *d = run(s, SAMPLE, "fr", "0.99");
    CHECK(has_reason(d, "languages"));
    tamis_doc_free(d);
    d = run(s, SAMPLE, "de", "0.99");
    CHECK(!has_reason(d, "languages"));
    CHECK(!has_reason(d, "lang_min_score"));
    tamis_doc_free(d);
    /* datatrove keeps score > threshold: 0.65 itself is dropped */
    d = run(s, SAMPLE, "en", "0.65");
    CHECK(has_reason(d, "lang_min_score"));
    tamis_doc_free(d);
    d = run(s, SAMPLE, "en", "0.6500001");
    CHECK(!has_reason(d, "lang_min_score"));
    tamis_doc_free(d);
    /* no language on the document (no 'lang' stage): the language rules do not apply */
    d = run(s, SAMPLE, NULL, NULL);
    CHECK(!has_reason(d, "languages") && !has_reason(d, "lang_min_score"));
    tamis_doc_free(d);
    tamis_stage_free(s);
}

TEST(test_lang_overrides)
{
    const char *four = "Wir gehen heute in den Park.";
    tamis_stage *s = stage_with("lang_overrides", "de.gopher_min_words=3; fr.c4=false", NULL, NULL);
    tamis_doc *d = run(s, four, "de", "0.9");
    CHECK(!has_reason(d, "gopher_min_words"));
    CHECK(has_reason(d, "c4_min_sentences"));
    tamis_doc_free(d);
    d = run(s, four, "de-AT", "0.9"); /* region falls back to the base code */
    CHECK(!has_reason(d, "gopher_min_words"));
    tamis_doc_free(d);
    d = run(s, four, "fr", "0.9");
    CHECK(has_reason(d, "gopher_min_words"));
    CHECK(!has_reason(d, "c4_min_sentences"));
    tamis_doc_free(d);
    d = run(s, four, NULL, NULL);
    CHECK(has_reason(d, "gopher_min_words"));
    tamis_doc_free(d);
    tamis_stage_free(s);
    /* a bad entry is an argument error at the first document */
    s = stage_with("lang_overrides", "de.no_such_key=1", NULL, NULL);
    tamis_doc *e = tamis_doc_new();
    tamis_error err;
    memset(&err, 0, sizeof err);
    CHECK_EQ_INT(tamis_stage_process(s, e, &err), TAMIS_ERR_ARG);
    CHECK(strstr(err.message, "no_such_key") != NULL);
    tamis_doc_free(e);
    tamis_stage_free(s);
    /* default overrides: Chinese words are short, so Gopher's mean-length floor is 1 */
    s = stage_with(NULL, NULL, NULL, NULL);
    d = run(s, "\xE4\xBB\x8A\xE5\xA4\xA9\xE5\xA4\xA9\xE6\xB0\x94\xE5\xBE\x88\xE5\xA5\xBD", "zh", "0.9");
    CHECK(!has_reason(d, "gopher_min_avg_word_length"));
    tamis_doc_free(d);
    tamis_stage_free(s);
}

TEST(test_stop_words_by_language)
{
    /* German: the stop-word rule uses data/stopwords/de.txt ("und", "der", ...). */
    tamis_stage *s = stage_with(NULL, NULL, NULL, NULL);
    tamis_doc *d = run(s, "Der Hund und die Katze spielen im Garten.", "de", "0.9");
    CHECK(!has_reason(d, "gopher_min_stop_words"));
    CHECK(signal(d, "stop_word_fraction") > 0.3);
    tamis_doc_free(d);
    /* the same text read as English has no Gopher stop word */
    d = run(s, "Der Hund und die Katze spielen im Garten.", NULL, NULL);
    CHECK(has_reason(d, "gopher_min_stop_words"));
    tamis_doc_free(d);
    /* a language without a list: no stop-word rule, no signal */
    d = run(s, "Der Hund und die Katze spielen im Garten.", "xx", "0.9");
    CHECK(!has_reason(d, "gopher_min_stop_words"));
    CHECK(tamis_doc_signal(d, "gopher_stop_words", NULL) == TAMIS_END);
    tamis_doc_free(d);
    tamis_stage_free(s);
}

TEST(test_bad_parameters)
{
    tamis_stage *s = NULL;
    tamis_error err;
    memset(&err, 0, sizeof err);
    CHECK_EQ_INT(tamis_stage_new(&s, "filter", &err), TAMIS_OK);
    CHECK_EQ_INT(tamis_stage_set(s, "gopher_min_words", "many", &err), TAMIS_ERR_ARG);
    CHECK_EQ_INT(tamis_stage_set(s, "no_such_rule", "1", &err), TAMIS_ERR_ARG);
    tamis_stage_free(s);
}

int main(void)
{
    RUN(test_each_rule_flips_at_threshold);
    RUN(test_every_failing_rule_reported);
    RUN(test_reason_text);
    RUN(test_c4_document_rules);
    RUN(test_c4_remove_lines);
    RUN(test_language_filter);
    RUN(test_lang_overrides);
    RUN(test_stop_words_by_language);
    RUN(test_bad_parameters);
    TEST_MAIN_END();
}
