/* test_clean_fast.c — the clean stage's fast paths give what the slow paths they replace
 * give: inline UTF-8 decode/encode against tm_utf8_next/tm_utf8_put over every code point
 * and bad sequences, the U+0000..U+07FF class and lowercase tables against utf8proc, and
 * the stop-word lookup (SWAR lowercasing, bit filter in front of the map) against every
 * one-word entry of the real stop-word lists in data/stopwords. */
#include "tm_test.h"
#include "common/tm_common.h"
#include "common/tm_unicode.h"
#include "text/tm_clean_int.h"

#include <stdio.h>

TEST(utf8_decode_encode_match_the_library)
{
    long bad = 0;
    for (int32_t cp = 0; cp <= 0x10FFFF; cp++) {
        char a[8] = {0}, b[8] = {0};
        size_t la = cl_utf8_put(a, cp), lb = tm_utf8_put(b, cp);
        if (la != lb || memcmp(a, b, la) != 0) {
            bad++;
            continue;
        }
        if (cp >= 0xD800 && cp <= 0xDFFF)
            continue; /* not valid UTF-8: covered below */
        const char *p = a, *q = a;
        int32_t x = cl_utf8_next(&p, a + la), y = tm_utf8_next(&q, a + la);
        bad += x != y || p != q || x != cp;
    }
    CHECK_EQ_INT(bad, 0);
    /* Overlong, surrogate, truncated, stray continuation, 4-byte: same result and advance. */
    static const char *const seqs[] = {"\xC0\x80", "\xC1\xBF", "\xE0\x80\x80", "\xE0\x9F\xBF",
                                       "\xED\xA0\x80", "\xED\xBF\xBF", "\xC3", "\xE2\x82",
                                       "\x80", "\xBF", "\xF0\x9F\x98\x80", "\xF4\x90\x80\x80",
                                       "\xE2\x28\xA1", "\xC3\x28", "\xFF", NULL};
    for (int i = 0; seqs[i]; i++) {
        size_t n = strlen(seqs[i]);
        const char *p = seqs[i], *q = seqs[i];
        int32_t x = cl_utf8_next(&p, seqs[i] + n), y = tm_utf8_next(&q, seqs[i] + n);
        CHECK_EQ_INT(x, y);
        CHECK_EQ_INT(p - seqs[i], q - seqs[i]);
    }
}

TEST(class_tables_match_utf8proc)
{
    tamis_error err;
    memset(&err, 0, sizeof err);
    cl_lex *lx = cl_lex_load(tm_data_dir(), &err);
    CHECK(lx != NULL);
    if (!lx)
        return;
    const cl_cptab *t = cl_lex_cptab(lx);
    long bad = 0;
    for (int32_t cp = 0; cp < 0x900; cp++) { /* past the table's end too */
        bad += cl_is_letter(t, cp) != tm_is_letter(cp);
        bad += cl_is_digit(t, cp) != tm_is_digit(cp);
        bad += cl_is_upper(t, cp) != tm_is_upper(cp);
        bad += cl_tolower(t, cp) != cl_tolower_slow(cp);
    }
    CHECK_EQ_INT(bad, 0);
    CHECK_EQ_INT(cl_tolower(t, 0x0416), 0x0436); /* Ж -> ж */
    CHECK_EQ_INT(cl_tolower(t, 0x0130), 'i');    /* İ -> i */
    cl_lex_free(lx);
}

/* Every one-word entry of a list is found with its language's bit, in lower and upper
 * case (ASCII words take the SWAR path, others the code-point path). */
static long check_list(const cl_lex *lx, const char *lang, long *words)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/stopwords/%s.txt", tm_data_dir(), lang);
    FILE *f = fopen(path, "rb");
    CHECK(f != NULL);
    if (!f)
        return 1;
    int bit = cl_lex_lang_index(lx, lang);
    CHECK(bit >= 0);
    long bad = 0;
    char line[256], up[256];
    while (fgets(line, sizeof line, f)) {
        size_t n = strcspn(line, "\r\n");
        line[n] = 0;
        /* Only entries of letters and digits: apostrophes, hyphens, quotes and spaces are
         * normalised apart when the list is loaded. */
        bool plain = n > 0;
        for (const char *p = line, *e = line + n; p < e;) {
            int32_t cp = tm_utf8_next(&p, e);
            if (!tm_is_letter(cp) && !tm_is_digit(cp))
                plain = false;
        }
        if (!plain)
            continue;
        (*words)++;
        if (!(cl_lex_stopmask(lx, line, n) >> bit & 1)) {
            if (bad < 5)
                fprintf(stderr, "%s: '%s' not found\n", lang, line);
            bad++;
        }
        for (size_t i = 0; i <= n; i++)
            up[i] = (char)(line[i] >= 'a' && line[i] <= 'z' ? line[i] - 32 : line[i]);
        if (!(cl_lex_stopmask(lx, up, n) >> bit & 1)) {
            if (bad < 5)
                fprintf(stderr, "%s: '%s' not found\n", lang, up);
            bad++;
        }
    }
    fclose(f);
    return bad;
}

TEST(stop_word_lookup_finds_every_list_word)
{
    tamis_error err;
    memset(&err, 0, sizeof err);
    cl_lex *lx = cl_lex_load(tm_data_dir(), &err);
    CHECK(lx != NULL);
    if (!lx)
        return;
    long words = 0, bad = 0;
    static const char *const langs[] = {"en", "fr", "de", "es", "ru", "pl", "tr", NULL};
    for (int i = 0; langs[i]; i++)
        bad += check_list(lx, langs[i], &words);
    CHECK_EQ_INT(bad, 0);
    CHECK(words > 3000);
    int en = cl_lex_lang_index(lx, "en"), fr = cl_lex_lang_index(lx, "fr");
    /* Mixed case, 16-byte boundary, elided article, non-words. */
    CHECK(cl_lex_stopmask(lx, "ThE", 3) >> en & 1);
    CHECK_EQ_INT(cl_lex_stopmask(lx, "ThE", 3), cl_lex_stopmask(lx, "the", 3));
    CHECK_EQ_INT(cl_lex_stopmask(lx, "L'HOMME", 7), cl_lex_stopmask(lx, "l", 1));
    CHECK(cl_lex_stopmask(lx, "l'homme", 7) >> fr & 1);
    CHECK_EQ_INT(cl_lex_stopmask(lx, "l\xE2\x80\x99homme", 9), cl_lex_stopmask(lx, "l", 1));
    CHECK_EQ_INT(cl_lex_stopmask(lx, "l'", 2), 0); /* a final apostrophe does not split */
    CHECK_EQ_INT(cl_lex_stopmask(lx, "xqzvvkwjxqzvvkwj", 16), 0);
    CHECK_EQ_INT(cl_lex_stopmask(lx, "Counterrevolutionaries", 22), 0);
    CHECK_EQ_INT(cl_lex_stopmask(lx, "\xC3\x9C" "BER", 5), cl_lex_stopmask(lx, "\xC3\xBC" "ber", 5));
    CHECK(cl_lex_stopmask(lx, "\xC3\xBC" "ber", 5) >> cl_lex_lang_index(lx, "de") & 1);
    cl_lex_free(lx);
}

int main(void)
{
    RUN(utf8_decode_encode_match_the_library);
    RUN(class_tables_match_utf8proc);
    RUN(stop_word_lookup_finds_every_list_word);
    TEST_MAIN_END();
}
