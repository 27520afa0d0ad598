/* test_quality_signals.c — every quality signal pinned on small texts computed by hand
 * (the arithmetic is in the comments), plus defined results on hostile input. */
#include "quality/tm_quality.h"
#include "tm_test.h"

#define EPS 1e-6

static tm_arena arena;

static void compute(const char *text, const tm_quality_opts *o, bool lines, tm_quality *q)
{
    tamis_status st = tm_quality_compute(text, strlen(text), o, &arena, lines, q);
    CHECK_EQ_INT(st, TAMIS_OK);
}

/* "The cat sat.\nThe cat sat.\n\nA dog ran!": 4 lines, 3 newlines, 37 characters;
 * words The cat sat The cat sat A dog ran (9, 25 characters); 3 punctuation tokens. */
TEST(test_natural_language)
{
    tm_qstop *stop = tm_qstop_from_text("the\na\n", 5);
    tm_quality_opts o;
    tm_quality_opts_init(&o);
    o.stop_words = stop;
    tm_quality q;
    compute("The cat sat.\nThe cat sat.\n\nA dog ran!", &o, false, &q);
    CHECK_NEAR(q.v[TM_QS_CHARS], 37, 0);
    CHECK_NEAR(q.v[TM_QS_LINES], 4, 0);
    CHECK_NEAR(q.v[TM_QS_WORD_COUNT], 9, 0);
    CHECK_NEAR(q.v[TM_QS_TOKEN_COUNT], 12, 0);
    CHECK_NEAR(q.v[TM_QS_MEAN_WORD_LENGTH], 25.0 / 9, EPS);
    CHECK_NEAR(q.v[TM_QS_SYMBOL_TO_WORD_RATIO], 0, 0);
    CHECK_NEAR(q.v[TM_QS_FRAC_LINES_TERMINAL], 3.0 / 4, EPS);
    CHECK_NEAR(q.v[TM_QS_FRAC_WORDS_NO_ALPHA], 0, 0);
    CHECK_NEAR(q.v[TM_QS_FRAC_TOKENS_ALPHA], 9.0 / 12, EPS);
    /* folded: the cat sat a dog ran */
    CHECK_NEAR(q.v[TM_QS_FRAC_UNIQUE_WORDS], 6.0 / 9, EPS);
    /* log 9 - (3 * 2 log 2) / 9 */
    CHECK_NEAR(q.v[TM_QS_UNIGRAM_ENTROPY], log(9.0) - 6 * log(2.0) / 9, EPS);
    /* The, The (folded "the") and A: 3 of 9 */
    CHECK_NEAR(q.v[TM_QS_STOP_WORD_FRACTION], 3.0 / 9, EPS);
    /* Gopher's stop words are matched case-sensitively: "The" is not "the". */
    CHECK_NEAR(q.v[TM_QS_GOPHER_STOP_WORDS], 0, 0);
    {
        tm_quality g;
        compute("The the THE of Of to with With have that and be tHe theme. Bethe", NULL,
                false, &g);
        CHECK_NEAR(g.v[TM_QS_GOPHER_STOP_WORDS], 8, 0);
    }
    CHECK_NEAR(q.v[TM_QS_FRAC_UPPERCASE], 3.0 / 25, EPS);
    CHECK_NEAR(q.v[TM_QS_NUM_SENTENCES], 3, 0);
    /* 2-grams "The cat" and "cat sat" both occur twice; the first seen wins: 7 chars x 2 */
    CHECK_NEAR(q.v[TM_QS_TOP_2GRAM], 14.0 / 37, EPS);
    CHECK_NEAR(q.v[TM_QS_TOP_3GRAM], 22.0 / 37, EPS);
    /* every 4-gram once: the first, "The cat sat The", 15 chars */
    CHECK_NEAR(q.v[TM_QS_TOP_4GRAM], 15.0 / 37, EPS);
    CHECK_NEAR(q.v[TM_QS_DUP_5GRAM], 0, 0);
    /* lines: 3 non-empty, one repeated (12 chars); paragraphs: 2, none repeated */
    CHECK_NEAR(q.v[TM_QS_DUP_LINE_FRAC], 1.0 / 3, EPS);
    CHECK_NEAR(q.v[TM_QS_DUP_LINE_CHAR_FRAC], 12.0 / 37, EPS);
    CHECK_NEAR(q.v[TM_QS_DUP_PARA_FRAC], 0, 0);
    CHECK_NEAR(q.v[TM_QS_DUP_PARA_CHAR_FRAC], 0, 0);
    /* FineWeb: 3 of 4 lines end in punctuation, all 4 are <= 30 chars, 12 duplicated
     * chars over 34 non-newline chars, 3 newlines over 12 tokens */
    CHECK_NEAR(q.v[TM_QS_FW_LINE_PUNCT], 0.75, EPS);
    CHECK_NEAR(q.v[TM_QS_FW_SHORT_LINE], 1.0, EPS);
    CHECK_NEAR(q.v[TM_QS_FW_CHAR_DUP], 12.0 / 34, EPS);
    CHECK_NEAR(q.v[TM_QS_FW_LIST_RATIO], 3.0 / 12, EPS);
    /* C4 keeps the three sentence lines, not the blank one */
    CHECK_NEAR(q.v[TM_QS_C4_LINES_KEPT], 0.75, EPS);
    CHECK_NEAR(q.v[TM_QS_C4_SENTENCES], 3, 0);
    tm_qstop_free(stop);
}

/* "• one two...\n- three #four\nfive six…\n": splitlines gives 3 lines (12 + 13 + 9
 * chars, 3 newlines: 37); words one two three four five six (22 chars); punctuation
 * tokens • ... - # … (5). */
TEST(test_lines_and_symbols)
{
    tm_quality q;
    compute("\xE2\x80\xA2 one two...\n- three #four\nfive six\xE2\x80\xA6\n", NULL, false, &q);
    CHECK_NEAR(q.v[TM_QS_CHARS], 37, 0);
    CHECK_NEAR(q.v[TM_QS_LINES], 3, 0);
    CHECK_NEAR(q.v[TM_QS_WORD_COUNT], 6, 0);
    CHECK_NEAR(q.v[TM_QS_TOKEN_COUNT], 11, 0);
    CHECK_NEAR(q.v[TM_QS_MEAN_WORD_LENGTH], 22.0 / 6, EPS);
    CHECK_NEAR(q.v[TM_QS_FRAC_LINES_BULLET], 2.0 / 3, EPS);
    CHECK_NEAR(q.v[TM_QS_FRAC_LINES_ELLIPSIS], 2.0 / 3, EPS);
    CHECK_NEAR(q.v[TM_QS_HASH_TO_TOKEN_RATIO], 1.0 / 11, EPS);
    CHECK_NEAR(q.v[TM_QS_ELLIPSIS_TO_TOKEN_RATIO], 2.0 / 11, EPS);
    CHECK_NEAR(q.v[TM_QS_SYMBOL_TO_WORD_RATIO], 3.0 / 6, EPS);
    CHECK_NEAR(q.v[TM_QS_FRAC_TOKENS_ALPHA], 6.0 / 11, EPS);
    CHECK_NEAR(q.v[TM_QS_FRAC_LINES_TERMINAL], 1.0 / 3, EPS); /* "..." ends in '.' */
    /* split("\n") has a 4th, empty line: 1 of 4 ends in '.', all 4 are short */
    CHECK_NEAR(q.v[TM_QS_FW_LINE_PUNCT], 0.25, EPS);
    CHECK_NEAR(q.v[TM_QS_FW_SHORT_LINE], 1.0, EPS);
    /* re.split("\n+") adds "" after the final newline: 4 elements, none repeated */
    CHECK_NEAR(q.v[TM_QS_DUP_LINE_FRAC], 0, 0);
}

/* N-grams are ordered: "x y" and "y x" are different 2-grams (their hashes once
 * collided, and "y x" counted as a second "x y"). */
TEST(test_repetition_order)
{
    tm_quality q;
    /* 2-grams: "xx yyy", "yyy xx", "xx zz", "zz w": all once, so the top is the first
     * one, 6 characters, once; "xx" and "yyy" each repeat but no 2-gram does */
    compute("xx yyy xx zz w", NULL, false, &q);
    CHECK_NEAR(q.v[TM_QS_CHARS], 14, 0);
    CHECK_NEAR(q.v[TM_QS_TOP_2GRAM], 6.0 / 14, EPS);
    /* 3-grams "a b c" and "b a c": both once, the first wins (5 chars) */
    compute("a b c b a c", NULL, false, &q);
    CHECK_NEAR(q.v[TM_QS_TOP_3GRAM], 5.0 / 11, EPS);
}

/* "a b c d e" three times: 15 one-letter words, 29 characters. */
TEST(test_repetition_ngrams)
{
    tm_quality q;
    compute("a b c d e a b c d e a b c d e", NULL, false, &q);
    CHECK_NEAR(q.v[TM_QS_CHARS], 29, 0);
    /* "a b" x3 (3 chars each) */
    CHECK_NEAR(q.v[TM_QS_TOP_2GRAM], 9.0 / 29, EPS);
    /* "a b c" x3 */
    CHECK_NEAR(q.v[TM_QS_TOP_3GRAM], 15.0 / 29, EPS);
    /* walk: 5 new 5-grams, then "abcde" at 5 repeats (+5, jump to 10), again at 10 (+5) */
    CHECK_NEAR(q.v[TM_QS_DUP_5GRAM], 10.0 / 29, EPS);
    /* 6-grams: 5 new, the one at 5 repeats (+6), jump to 11 > last start 9 */
    CHECK_NEAR(q.v[TM_QS_DUP_6GRAM], 6.0 / 29, EPS);
    /* 10-grams: starts 0..5; the one at 5 equals the one at 0 (+10) */
    CHECK_NEAR(q.v[TM_QS_DUP_10GRAM], 10.0 / 29, EPS);
    CHECK_NEAR(q.v[TM_QS_FRAC_UNIQUE_WORDS], 5.0 / 15, EPS);
    CHECK_NEAR(q.v[TM_QS_UNIGRAM_ENTROPY], log(5.0), EPS);
}

/* Paragraphs: "x y\n\nx y\n\nz" has paragraphs "x y", "x y", "z": one repeated (3 chars
 * of 11); a whitespace-only line does not split a paragraph. */
TEST(test_paragraphs)
{
    tm_quality q;
    compute("  x y\n\nx y\n\nz\n\n", NULL, false, &q);
    /* strip() removes the two leading spaces and the trailing newlines */
    CHECK_NEAR(q.v[TM_QS_DUP_PARA_FRAC], 1.0 / 3, EPS);
    CHECK_NEAR(q.v[TM_QS_DUP_PARA_CHAR_FRAC], 3.0 / 15, EPS);
    compute("a\n \nb\n\na\n \nb", NULL, false, &q);
    /* two paragraphs "a\n \nb", equal: 1 of 2, 5 of 12 chars */
    CHECK_NEAR(q.v[TM_QS_DUP_PARA_FRAC], 0.5, EPS);
    CHECK_NEAR(q.v[TM_QS_DUP_PARA_CHAR_FRAC], 5.0 / 12, EPS);
    /* the same words split into other lines are another paragraph; the first and the
     * last, cut by strip() at the start and at the end, are equal */
    static const char t[] = "  a b\nc\n\na\nb c\n\na b\nc  ";
    compute(t, NULL, false, &q);
    CHECK_NEAR(q.v[TM_QS_DUP_PARA_FRAC], 1.0 / 3, EPS);
    CHECK_NEAR(q.v[TM_QS_DUP_PARA_CHAR_FRAC], 5.0 / (sizeof t - 1), EPS);
}

TEST(test_c4_lines)
{
    const char *text = "Hello world this is fine.\n"
                       "Click here\n"
                       "We use cookies on this site.\n"
                       "Enable JavaScript to view this page.\n"
                       "A line with a citation.[1]\n"
                       "See more...";
    tm_quality q;
    compute(text, NULL, true, &q);
    CHECK_EQ_INT(q.n_lines, 6);
    CHECK_EQ_INT(q.c4_verdict[0], TM_C4_KEPT);
    CHECK_EQ_INT(q.c4_verdict[1], TM_C4_NO_TERMINAL);
    CHECK_EQ_INT(q.c4_verdict[2], TM_C4_POLICY);
    CHECK_EQ_INT(q.c4_verdict[3], TM_C4_JAVASCRIPT);
    CHECK_EQ_INT(q.c4_verdict[4], TM_C4_KEPT);
    CHECK_EQ_INT(q.c4_verdict[5], TM_C4_NO_TERMINAL);
    CHECK_EQ_INT(q.c4_removed[TM_C4_NO_TERMINAL], 2);
    CHECK_NEAR(q.v[TM_QS_C4_LINES_KEPT], 2.0 / 6, EPS);
    CHECK_NEAR(q.v[TM_QS_C4_SENTENCES], 2, 0);
    CHECK_NEAR(q.v[TM_QS_FRAC_LINES_JAVASCRIPT], 1.0 / 6, EPS);
    tm_buf b;
    tm_buf_init(&b);
    CHECK_EQ_INT(tm_quality_c4_text(text, strlen(text), &q, true, &b), TAMIS_OK);
    tm_buf_nul(&b);
    CHECK_EQ_STR(b.data, "Hello world this is fine.\nA line with a citation.");
    tm_buf_free(&b);

    /* Lorem ipsum and '{' count only on lines C4 keeps; a code line ending in '}' is
     * removed before the bracket test. */
    compute("Lorem ipsum dolor sit amet.\nfunction f() { return 1; }\n", NULL, false, &q);
    CHECK_NEAR(q.v[TM_QS_C4_LOREM_IPSUM], 1, 0);
    CHECK_NEAR(q.v[TM_QS_C4_CURLY_BRACKET], 0, 0);
    CHECK_NEAR(q.v[TM_QS_CURLY_BRACKET_RATIO], 2.0 / 55, EPS);
    CHECK_NEAR(q.v[TM_QS_LOREM_IPSUM_RATIO], 1.0 / 55, EPS);
    /* each policy phrase removes its line; a line without one stays */
    compute("Read our Terms of Use here now.\nOur PRIVACY policy applies to all.\n"
            "This site uses cookies for ads.\nNo policy words are in this one.",
            NULL, true, &q);
    CHECK_EQ_INT(q.c4_verdict[0], TM_C4_POLICY);
    CHECK_EQ_INT(q.c4_verdict[1], TM_C4_POLICY);
    CHECK_EQ_INT(q.c4_verdict[2], TM_C4_POLICY);
    CHECK_EQ_INT(q.c4_verdict[3], TM_C4_KEPT);
    /* any case, any position, also within the last 8 bytes */
    compute("x lorem ipsum\nLOREM IPSUM and LoReM iPsUm", NULL, false, &q);
    CHECK_NEAR(q.v[TM_QS_LOREM_IPSUM_RATIO], 3.0 / 41, EPS);
    compute("javascript JAVASCRIPT\nno\nJavaScript", NULL, false, &q);
    CHECK_NEAR(q.v[TM_QS_FRAC_LINES_JAVASCRIPT], 2.0 / 3, EPS);
    /* the phrases at every offset of a 16-byte step, across step edges, in lines with
     * text after them and at the end of the text */
    for (int o = 0; o < 34; o++) {
        char t[256];
        int k = snprintf(t, sizeof t,
                         "%.*sLOREM ipsum or JavaScript, lorem IPSUM. Our privacy Policy.\n"
                         "%.*sTerms Of Use: lorem ipsum",
                         o, "abcdefghijklmnopqrstuvwxyz abcdefghijklmnopqrstuvwxyz", o,
                         "abcdefghijklmnopqrstuvwxyz abcdefghijklmnopqrstuvwxyz");
        compute(t, NULL, true, &q);
        CHECK_NEAR(q.v[TM_QS_LOREM_IPSUM_RATIO], 3.0 / k, EPS);
        CHECK_NEAR(q.v[TM_QS_FRAC_LINES_JAVASCRIPT], 1.0 / 2, EPS);
        CHECK_EQ_INT(q.c4_verdict[0], TM_C4_JAVASCRIPT);
        CHECK_EQ_INT(q.c4_verdict[1], TM_C4_NO_TERMINAL);
        k = snprintf(t, sizeof t, "%.*sWe read the Terms of Use here.\nAll is fine here now.", o,
                     "abcdefghijklmnopqrstuvwxyz abcdefghijklmnopqrstuvwxyz");
        compute(t, NULL, true, &q);
        CHECK_EQ_INT(q.c4_verdict[0], TM_C4_POLICY);
        CHECK_EQ_INT(q.c4_verdict[1], TM_C4_KEPT);
    }
    compute("Put the { brace in here.", NULL, false, &q);
    CHECK_NEAR(q.v[TM_QS_C4_CURLY_BRACKET], 1, 0);
    /* sentences: two on one line, and a quoted ending */
    compute("One thing. Two things! He said \"three.\"", NULL, false, &q);
    CHECK_NEAR(q.v[TM_QS_C4_SENTENCES], 3, 0);
}

TEST(test_multilingual)
{
    /* Chinese: full-width stops end sentences and lines. Without ICU each Han character
     * is one word; with it words are longer, so only pin what does not depend on it. */
    tm_quality q;
    compute("\xE4\xBB\x8A\xE5\xA4\xA9\xE5\xA4\xA9\xE6\xB0\x94\xE5\xBE\x88\xE5\xA5\xBD\xE3\x80\x82", NULL, false, &q);
    CHECK_NEAR(q.v[TM_QS_CHARS], 7, 0);
    CHECK_NEAR(q.v[TM_QS_FRAC_LINES_TERMINAL], 1, 0);
    CHECK_NEAR(q.v[TM_QS_NUM_SENTENCES], 1, 0);
    CHECK(q.v[TM_QS_WORD_COUNT] >= 1 && q.v[TM_QS_WORD_COUNT] <= 6);
    CHECK_NEAR(q.v[TM_QS_FRAC_WORDS_NO_ALPHA], 0, 0);
    /* Cyrillic upper case folds for the unigram statistics: "Мир мир" is one word */
    compute("\xD0\x9C\xD0\xB8\xD1\x80 \xD0\xBC\xD0\xB8\xD1\x80", NULL, false, &q);
    CHECK_NEAR(q.v[TM_QS_WORD_COUNT], 2, 0);
    CHECK_NEAR(q.v[TM_QS_FRAC_UNIQUE_WORDS], 0.5, EPS);
    CHECK_NEAR(q.v[TM_QS_FRAC_UPPERCASE], 1.0 / 6, EPS);
    CHECK_NEAR(q.v[TM_QS_MEAN_WORD_LENGTH], 3, EPS);
    /* Gopher's n-grams stay case-sensitive: "Мир мир" has no repeated 2-gram */
}

static void count_word(void *ctx, const char *w, size_t n)
{
    (void)w;
    (void)n;
    (*(int *)ctx)++;
}

/* Dictionary segmentation of Burmese and Thai is ICU's own, as its UTF-16 API gives it:
 * the engines' word-length thresholds (combine a word shorter than 3 with the
 * unknown text after it) count UTF-16 units; over a UTF-8 UText they counted bytes, 3
 * per character, and split these (bench corpus document 112) into 2, 3 and 2 words. */
TEST(test_segmentation_icu_reference)
{
    if (!tm_segment_icu())
        return; /* per-character fallback: nothing of ICU to compare */
    static const struct {
        const char *text;
        int words;
    } cases[] = {
        {"\xE1\x81\x81\xE1\x81\x82\xE1\x80\x9B\xE1\x80\x80\xE1\x80\xB9", 1}, /* ၁၂ရက္ */
        {"\xE1\x80\x9E\xE1\x80\xB0\xE1\x80\x90\xE1\x80\xAD\xE1\x80\xAF\xE1\x82\x94"
         "\xE1\x80\x80\xE1\x80\x9C\xE1\x80\xB2", 2}, /* သူ|တို႔ကလဲ */
        {"\xE1\x80\xA1\xE1\x80\x85\xE1\x80\x80", 1}, /* အစက */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        int seen = 0;
        size_t n = tm_segment_nospace(cases[i].text, strlen(cases[i].text), count_word, &seen);
        CHECK_EQ_INT(seen, cases[i].words);
        CHECK_EQ_INT(n, (size_t)cases[i].words);
    }
}

TEST(test_hostile_input)
{
    tm_quality q;
    /* empty: everything 0, one (empty) line for FineWeb */
    compute("", NULL, true, &q);
    CHECK_NEAR(q.v[TM_QS_CHARS], 0, 0);
    CHECK_NEAR(q.v[TM_QS_WORD_COUNT], 0, 0);
    CHECK_NEAR(q.v[TM_QS_MEAN_WORD_LENGTH], 0, 0);
    CHECK_NEAR(q.v[TM_QS_UNIGRAM_ENTROPY], 0, 0);
    CHECK_NEAR(q.v[TM_QS_FW_LIST_RATIO], 0, 0);
    CHECK_EQ_INT(q.n_lines, 1);
    /* only emoji: no words, each emoji run is a symbol token */
    compute("\xF0\x9F\x98\x80\xF0\x9F\x98\x80 \xF0\x9F\x8E\x89", NULL, false, &q);
    CHECK_NEAR(q.v[TM_QS_WORD_COUNT], 0, 0);
    CHECK_NEAR(q.v[TM_QS_TOKEN_COUNT], 2, 0);
    CHECK_NEAR(q.v[TM_QS_CHARS], 4, 0);
    /* only digits: words without letters */
    compute("123 456 789", NULL, false, &q);
    CHECK_NEAR(q.v[TM_QS_WORD_COUNT], 3, 0);
    CHECK_NEAR(q.v[TM_QS_FRAC_WORDS_NO_ALPHA], 1, 0);
    CHECK_NEAR(q.v[TM_QS_FRAC_DIGITS], 9.0 / 11, EPS);
    /* invalid UTF-8: each bad byte is one character, and no word */
    compute("ab\xFF\xFE cd \xC3", NULL, false, &q);
    CHECK_NEAR(q.v[TM_QS_CHARS], 9, 0);
    CHECK_NEAR(q.v[TM_QS_WORD_COUNT], 2, 0);
    /* mixed scripts in one word run */
    compute("abc\xD0\xB4\xD0\xB5\xD1\x84 \xCE\xB1\xCE\xB2\xCE\xB3 x", NULL, false, &q);
    CHECK_NEAR(q.v[TM_QS_WORD_COUNT], 3, 0);
    CHECK_NEAR(q.v[TM_QS_MEAN_WORD_LENGTH], 10.0 / 3, EPS);
    /* one long word (4 MB): one word, C4 removes its line */
    size_t n = 4u << 20;
    char *big = malloc(n + 1);
    memset(big, 'a', n);
    big[n] = 0;
    CHECK_EQ_INT(tm_quality_compute(big, n, NULL, &arena, true, &q), TAMIS_OK);
    CHECK_NEAR(q.v[TM_QS_WORD_COUNT], 1, 0);
    CHECK_NEAR(q.v[TM_QS_MEAN_WORD_LENGTH], (double)n, 0);
    CHECK_EQ_INT(q.c4_verdict[0], TM_C4_LONG_WORD);
    CHECK_NEAR(q.v[TM_QS_TOP_2GRAM], 0, 0);
    free(big);
}

/* Unigrams are keyed by the word lower-cased code point by code point (utf8proc_tolower):
 * Cyrillic in any case, dotted capital I (to i), the DŽ digraphs (capital and title case
 * to the small one) and the Kelvin sign (to k) fold onto their small forms. */
TEST(test_folded_unigrams)
{
    tm_quality q;
    compute("\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82 "       /* Привет */
            "\xD0\xBF\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82 "       /* привет */
            "\xD0\x9F\xD0\xA0\xD0\x98\xD0\x92\xD0\x95\xD0\xA2 "       /* ПРИВЕТ */
            "\xC4\xB0stanbul istanbul "                                   /* İstanbul */
            "\xC7\x84" "emal \xC7\x85" "emal \xC7\x86" "emal "             /* Ǆ ǅ ǆ */
            "\xE2\x84\xAA" "elvin kelvin",                               /* Kelvin sign */
            NULL, false, &q);
    CHECK_NEAR(q.v[TM_QS_WORD_COUNT], 10, 0);
    CHECK_NEAR(q.v[TM_QS_FRAC_UNIQUE_WORDS], 4.0 / 10, EPS);
}

/* Every code point of U+0800..U+FFFF outside the no-space scripts, each alone between
 * spaces: the pass's class tables (filled once per block of 256) count exactly the words,
 * letters, capitals and digits the property functions give. */
TEST(test_bmp_classes)
{
    char *t = malloc(0x10000 * 4);
    size_t k = 0;
    long words = 0, letters = 0, upper = 0, digits = 0, chars = 0;
    for (int32_t cp = 0x800; cp < 0x10000; cp++) {
        if ((cp >= 0xD800 && cp <= 0xDFFF) || tm_is_nospace_script(cp))
            continue;
        k += tm_utf8_put(t + k, cp);
        t[k++] = ' ';
        chars += 2;
        if (tm_is_letter(cp)) {
            letters++;
            upper += tm_is_upper(cp);
        } else
            digits += tm_is_digit(cp);
        words += tm_is_letter(cp) || tm_is_digit(cp);
    }
    tm_quality q;
    CHECK_EQ_INT(tm_quality_compute(t, k, NULL, &arena, false, &q), TAMIS_OK);
    CHECK_NEAR(q.v[TM_QS_WORD_COUNT], (double)words, 0);
    CHECK_NEAR(q.v[TM_QS_CHARS], (double)chars, 0);
    CHECK_NEAR(q.v[TM_QS_FRAC_UPPERCASE], (double)upper / (double)letters, 1e-12);
    CHECK_NEAR(q.v[TM_QS_FRAC_DIGITS], (double)digits / (double)chars, 1e-12);
    CHECK_EQ_INT(words, 20290); /* utf8proc 2.6 (Unicode 13) */
    CHECK_EQ_INT(upper, 686);
    CHECK_EQ_INT(digits, 554);
    free(t);
}

/* The shortcuts of the signal pass's character classes (tm_quality_signals.c,
 * class_props, nospace_char, bmp_fill) hold for every code point: no letter is a digit,
 * no character of a script written without spaces is an upper-case letter or below
 * U+0E00, and U+4E00..U+9EFF are all letters of such a script. */
TEST(test_class_shortcuts)
{
    long letters = 0, nospace = 0;
    for (int32_t cp = 0; cp <= 0x10FFFF; cp++) {
        if (tm_is_letter(cp)) {
            letters++;
            CHECK(!tm_is_digit(cp));
        }
        if (tm_is_nospace_script(cp)) {
            nospace++;
            CHECK(!tm_is_upper(cp));
            CHECK(cp >= 0x0E00); /* the signal pass skips the call below */
        }
    }
    for (int32_t cp = 0x4E00; cp < 0x9F00; cp++) /* CJK ideographs: letters, no case */
        if (!tm_is_letter(cp) || tm_is_upper(cp) || tm_is_digit(cp) || !tm_is_nospace_script(cp)) {
            CHECK(false);
            break;
        }
    CHECK(letters > 100000); /* CJK alone has more than 90 000 */
    CHECK_EQ_INT(nospace, (0x9FFF - 0x2E80 + 1) + (0xFAFF - 0xF900 + 1) +
                              (0x2FA1F - 0x20000 + 1) + 256 + 128 + 160 + (0xFF9F - 0xFF66 + 1));
}

TEST(test_names)
{
    CHECK_EQ_STR(tm_qs_name(TM_QS_WORD_COUNT), "word_count");
    CHECK_EQ_STR(tm_qs_name(TM_QS_DUP_10GRAM), "frac_chars_dup_10gram");
    CHECK(tm_qs_name(TM_QS__COUNT) == NULL);
    for (int i = 0; i < TM_QS__COUNT; i++)
        for (int j = i + 1; j < TM_QS__COUNT; j++)
            CHECK(strcmp(tm_qs_name((tm_qs)i), tm_qs_name((tm_qs)j)) != 0);
}

TEST(test_fmt6g)
{
    /* The drop reasons' "%.6g" must be snprintf's text byte for byte: edges of the fast
     * range, exact ties (12345.25 rounds to even), ratios of small counts as the signals
     * are, and doubles of every exponent from their random bits. */
    char got[32], want[32];
    int bad = 0;
    double edge[] = {0.0, -0.0, 1e-4, 0.99999e-4, 9.999995e-5, 1e6, 999999.5, 999999.49,
                     999999.0, 0.1, 0.3, 2.0 / 3, -0.25, 12345.25, 12345.35, 0.0001234565,
                     1e-5, 123456789.0, 1.0 / 0.0, -1.0 / 0.0, 0.0 / 0.0, 5e-324, 1.7e308};
    for (size_t i = 0; i < sizeof edge / sizeof *edge; i++) {
        int n = tm_quality_fmt6g(got, edge[i]);
        snprintf(want, sizeof want, "%.6g", edge[i]);
        if (strcmp(got, want) || n != (int)strlen(want))
            bad++;
    }
    CHECK_EQ_INT(bad, 0);
    tm_quality_fmt6g(got, 12345.25);
    CHECK_EQ_STR(got, "12345.2");
    tm_quality_fmt6g(got, 2.0 / 3);
    CHECK_EQ_STR(got, "0.666667");
    tm_quality_fmt6g(got, 0.000123);
    CHECK_EQ_STR(got, "0.000123");
    for (int j = 1; j <= 400; j++)
        for (int i = 0; i <= 3 * j; i++) {
            double v = (double)i / j;
            tm_quality_fmt6g(got, v);
            snprintf(want, sizeof want, "%.6g", v);
            bad += strcmp(got, want) != 0;
        }
    uint64_t x = 88172645463325252ull;
    for (int k = 0; k < 200000; k++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        /* exponents around the fast range [1e-4, 1e6) and beyond it */
        uint64_t bits = (x & 0x800FFFFFFFFFFFFFull) | ((uint64_t)(1000 + (x >> 52) % 60) << 52);
        double v;
        memcpy(&v, &bits, sizeof v);
        tm_quality_fmt6g(got, v);
        snprintf(want, sizeof want, "%.6g", v);
        bad += strcmp(got, want) != 0;
    }
    CHECK_EQ_INT(bad, 0);
}

int main(void)
{
    tm_arena_init(&arena);
    RUN(test_natural_language);
    RUN(test_lines_and_symbols);
    RUN(test_repetition_order);
    RUN(test_repetition_ngrams);
    RUN(test_paragraphs);
    RUN(test_c4_lines);
    RUN(test_multilingual);
    RUN(test_segmentation_icu_reference);
    RUN(test_hostile_input);
    RUN(test_folded_unigrams);
    RUN(test_bmp_classes);
    RUN(test_class_shortcuts);
    RUN(test_names);
    RUN(test_fmt6g);
    tm_arena_free(&arena);
    TEST_MAIN_END();
}
