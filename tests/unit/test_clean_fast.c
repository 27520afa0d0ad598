/* test_clean_fast.c — the clean stage's fast paths give what the slow paths they replace
 * give: inline UTF-8 decode/encode against tm_utf8_next/tm_utf8_put over every code point
 * and bad sequences, the U+0000..U+07FF class and lowercase tables against utf8proc, and
 * the stop-word lookup (SWAR lowercasing, bit filter in front of the map) against every
 * one-word entry of the real stop-word lists in data/stopwords, also through the hashes
 * the normaliser computes (from registers for short ASCII words) and the lookup it stores
 * per word, and the long lines' short-ASCII-word path (cl_lex_ascii_word) on every English
 * list word before what ends a word and what does not; the inline no-space
 * script test and short-needle search against tm_is_nospace_script and memmem; the
 * normaliser's word offsets and character counts. */
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

/* The stage's lexicon and stop-word map from the source tree's data/. */
static cl_lex *load_lex(void)
{
    tamis_error err;
    memset(&err, 0, sizeof err);
    cl_lex *lx = cl_lex_load(tm_data_dir(), &err);
    CHECK(lx != NULL);
    return lx;
}

TEST(class_tables_match_utf8proc)
{
    cl_lex *lx = load_lex();
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
        /* The same word as a word of a normalised line, followed by eight more bytes (the
         * normaliser's SWAR path) and at the end (its byte path): one word at its place,
         * whose stored lookup (from its hash) finds the same languages. */
        for (int form = 0; form < 4; form++) {
            char txt[600], nbuf[CL_NORM_BYTES(600)];
            cl_nword nw[CL_NORM_WORDS(600)];
            const char *wd = form & 1 ? up : line;
            int k = form & 2 ? snprintf(txt, sizeof txt, "\xC2\xAB %s, ... \xC2\xBB", wd)
                             : snprintf(txt, sizeof txt, "-- %s", wd);
            cl_norm nl;
            cl_normalize_into(lx, nbuf, nw, txt, (size_t)k, &nl);
            const size_t o = 3; /* after "\xC2\xAB " or "-- " */
            if (nl.nw != 1 || nw[0].ostart != o || nw[0].oend != o + n ||
                nw[0].stop != cl_lex_stopmask(lx, wd, n)) {
                if (bad < 5)
                    fprintf(stderr, "%s: '%s' normalised apart\n", lang, txt);
                bad++;
            }
        }
    }
    fclose(f);
    return bad;
}

/* cl_lex_ascii_word on ASCII words of up to 15 bytes in front of what ends them (a space,
 * a full stop, a joiner before a space) and of what does not (a joiner before a letter, a
 * non-ASCII letter, fewer than 17 bytes left): the length and cl_lex_stopmask's mask, or
 * 0. Returns the mismatches; *tried counts the words. */
static long check_ascii_word(const cl_lex *lx, const char *wd, size_t n, long *tried)
{
    bool ascii = n <= 15;
    for (size_t i = 0; i < n; i++)
        ascii &= (unsigned char)wd[i] < 0x80;
    if (!ascii)
        return 0;
    (*tried)++;
    static const char *const ends[] = {" and more text", ". And more text", "- and more text",
                                       "'s more text...", "\xC3\xA9t\xC3\xA9 more text",
                                       "", NULL};
    static const bool ended[] = {true, true, true, false, false, false};
    long bad = 0;
    for (int e = 0; ends[e]; e++) {
        char txt[128];
        int k = snprintf(txt, sizeof txt, "%s%s", wd, ends[e]);
        uint32_t mask = 0xDEADu;
        size_t got = cl_lex_ascii_word(lx, txt, txt + k, &mask);
        size_t want = ended[e] && k > 16 ? n : 0;
        if (got != want || (got && mask != cl_lex_stopmask(lx, wd, n))) {
            if (bad < 5)
                fprintf(stderr, "ascii word '%s': %zu (want %zu)\n", txt, got, want);
            bad++;
        }
    }
    return bad;
}

TEST(stop_word_lookup_finds_every_list_word)
{
    cl_lex *lx = load_lex();
    if (!lx)
        return;
    long words = 0, bad = 0;
    static const char *const langs[] = {"en", "fr", "de", "es", "ru", "pl", "tr", NULL};
    for (int i = 0; langs[i]; i++)
        bad += check_list(lx, langs[i], &words);
    CHECK_EQ_INT(bad, 0);
    CHECK(words > 3000);
    /* The long lines' short-ASCII-word path: every English list word, in both cases. */
    long tried = 0;
    char path[4096], line[256];
    snprintf(path, sizeof path, "%s/stopwords/en.txt", tm_data_dir());
    FILE *f = fopen(path, "rb");
    CHECK(f != NULL);
    while (f && fgets(line, sizeof line, f)) {
        size_t n = strcspn(line, "\r\n");
        line[n] = 0;
        if (!n || strpbrk(line, " '-."))
            continue;
        bad += check_ascii_word(lx, line, n, &tried);
        for (size_t i = 0; i < n; i++)
            line[i] = (char)(line[i] >= 'a' && line[i] <= 'z' ? line[i] - 32 : line[i]);
        bad += check_ascii_word(lx, line, n, &tried);
    }
    if (f)
        fclose(f);
    CHECK_EQ_INT(bad, 0);
    CHECK(tried > 1000);
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

TEST(nospace_test_and_short_search_match_the_library)
{
    long bad = 0;
    for (int32_t cp = -1; cp <= 0x110000; cp++)
        bad += cl_is_nospace(cp) != tm_is_nospace_script(cp);
    CHECK_EQ_INT(bad, 0);
    /* Every haystack of up to 7 bytes over a small alphabet, needles of 1 to 3 bytes. */
    static const char alpha[] = {'a', ' ', '|', ':', '/'};
    static const char *const needles[] = {"|", " | ", "://", "a ", "::", "a", NULL};
    char h[8];
    long searches = 0;
    for (int len = 0; len <= 7; len++) {
        long total = 1;
        for (int i = 0; i < len; i++)
            total *= 5;
        for (long v = 0; v < total; v++) {
            long x = v;
            for (int i = 0; i < len; i++, x /= 5)
                h[i] = alpha[x % 5];
            for (int k = 0; needles[k]; k++, searches++)
                bad += cl_memmem(h, (size_t)len, needles[k], strlen(needles[k])) !=
                       memmem(h, (size_t)len, needles[k], strlen(needles[k]));
        }
    }
    CHECK_EQ_INT(bad, 0);
    CHECK(searches > 100000);
}

TEST(normaliser_words_offsets_and_counts)
{
    cl_lex *lx = load_lex();
    if (!lx)
        return;
    char nbuf[CL_NORM_BYTES(64)];
    cl_nword nw[CL_NORM_WORDS(64)];
    cl_norm nl;
    /* A label glued to the next word: the prefix ends inside a normalised word. */
    const char *t1 = "Read alsoWashington, D.C.";
    cl_normalize_into(lx, nbuf, nw, t1, strlen(t1), &nl);
    CHECK_EQ_STR(nl.s, "read alsowashington d c");
    CHECK_EQ_INT(nl.nw, 4);
    CHECK_EQ_INT(cl_norm_orig(lx, &nl, t1, strlen(t1), 9), 9);   /* 'W' */
    CHECK_EQ_INT(cl_norm_orig(lx, &nl, t1, strlen(t1), 4), 4);   /* the space */
    CHECK_EQ_INT(cl_norm_orig(lx, &nl, t1, strlen(t1), 19), 19); /* the space after "," */
    CHECK_EQ_INT(cl_norm_orig(lx, &nl, t1, strlen(t1), nl.n), strlen(t1));
    /* Two-byte letters lowercased in place; a byte inside one maps to its start. */
    const char *t2 = "Lire aussi : \xC3\x89ric";
    cl_normalize_into(lx, nbuf, nw, t2, strlen(t2), &nl);
    CHECK_EQ_STR(nl.s, "lire aussi \xC3\xA9ric");
    CHECK_EQ_INT(cl_norm_orig(lx, &nl, t2, strlen(t2), 10), 10);
    CHECK_EQ_INT(cl_norm_orig(lx, &nl, t2, strlen(t2), 11), 13);
    CHECK_EQ_INT(cl_norm_orig(lx, &nl, t2, strlen(t2), 12), 13);
    CHECK_EQ_INT(cl_norm_orig(lx, &nl, t2, strlen(t2), 13), 15);
    CHECK_EQ_INT(nw[2].ostart, 13);
    CHECK_EQ_INT(nw[2].oend, 18);
    /* Counts: code points, ASCII digits, letters (ASCII ones and non-ASCII leads). */
    const char *t3 = "\xC3\x89t\xC3\xA9 2024, 5 \xE2\x82\xAC";
    cl_normalize_into(lx, nbuf, nw, t3, strlen(t3), &nl);
    CHECK_EQ_INT(nl.chars, 13);
    CHECK_EQ_INT(nl.digits, 5);
    CHECK_EQ_INT(nl.letters, 4);
    CHECK(!nl.ascii);
    const char *t4 = "Abcdefghij 0123456789 x-y";
    cl_normalize_into(lx, nbuf, nw, t4, strlen(t4), &nl);
    CHECK_EQ_INT(nl.chars, 25);
    CHECK_EQ_INT(nl.digits, 10);
    CHECK_EQ_INT(nl.letters, 12);
    CHECK(nl.ascii);
    CHECK_EQ_INT(nl.nw, 4);
    cl_lex_free(lx);
}

int main(void)
{
    RUN(utf8_decode_encode_match_the_library);
    RUN(class_tables_match_utf8proc);
    RUN(stop_word_lookup_finds_every_list_word);
    RUN(nospace_test_and_short_search_match_the_library);
    RUN(normaliser_words_offsets_and_counts);
    TEST_MAIN_END();
}
