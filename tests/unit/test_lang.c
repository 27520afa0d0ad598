/* test_lang.c — the lang stage: labels on sentences written for this test, CLD2 full
 * tables, script detection, ISO 639 mapping, mixed-language paragraphs, bad input, and
 * ICU word segmentation of Chinese, Japanese and Thai. */
#include "tm_test.h"

#include "common/tm_common.h"
#include "common/tm_unicode.h"
#include "langid/tm_lang.h"
#include "common/tm_unicode.h"

#include <stdlib.h>

static tamis_stage *stage_with(const char *backend)
{
    tamis_stage *s = NULL;
    tamis_error err = {0};
    if (tamis_stage_new(&s, "lang", &err) != TAMIS_OK)
        return NULL;
    if (backend && tamis_stage_set(s, "backend", backend, &err) != TAMIS_OK) {
        tamis_stage_free(s);
        return NULL;
    }
    return s;
}

/* Runs the stage on text; returns the doc (caller frees). */
static tamis_doc *run(tamis_stage *s, const char *text, size_t n)
{
    tamis_doc *d = tamis_doc_new();
    tamis_error err = {0};
    tamis_doc_set_text(d, text, n);
    tamis_status st = tamis_stage_process(s, d, &err);
    if (st != TAMIS_OK)
        fprintf(stderr, "process: %s\n", err.message);
    CHECK_EQ_INT(st, TAMIS_OK);
    return d;
}

static void expect_lang(tamis_stage *s, const char *text, const char *lang)
{
    tamis_doc *d = run(s, text, strlen(text));
    const char *got = tamis_doc_get(d, TAMIS_F_LANG);
    if (!got || strcmp(got, lang) != 0)
        fprintf(stderr, "  text: %s\n", text);
    CHECK_EQ_STR(got, lang);
    tamis_doc_free(d);
}

/* Sentences written for this test (not taken from any corpus). */
static const char *const samples[][2] = {
    {"The committee will publish its final report on the new railway line next spring.", "en"},
    {"Der Ausschuss wird seinen Abschlussbericht über die neue Bahnstrecke im nächsten Frühjahr veröffentlichen.", "de"},
    {"Le comité publiera son rapport final sur la nouvelle ligne de chemin de fer au printemps prochain.", "fr"},
    {"El comité publicará su informe final sobre la nueva línea ferroviaria la próxima primavera.", "es"},
    {"Комитет опубликует свой окончательный доклад о новой железной дороге следующей весной.", "ru"},
    {"Η επιτροπή θα δημοσιεύσει την τελική της έκθεση για τη νέα σιδηροδρομική γραμμή την επόμενη άνοιξη.", "el"},
    {"委员会将于明年春天发布关于新铁路线的最终报告。", "zh"},
    {"委員会は来年の春に新しい鉄道路線に関する最終報告書を発表します。", "ja"},
    {"위원회는 내년 봄에 새 철도 노선에 대한 최종 보고서를 발표할 예정입니다.", "ko"},
    {"คณะกรรมการจะเผยแพร่รายงานฉบับสุดท้ายเกี่ยวกับทางรถไฟสายใหม่ในฤดูใบไม้ผลิหน้า", "th"},
    {"ستنشر اللجنة تقريرها النهائي عن خط السكك الحديدية الجديد في الربيع المقبل.", "ar"},
    {"Komitet opublikuje swój raport końcowy w sprawie nowej linii kolejowej na wiosnę.", "pl"},
    {"Komiteen vil offentliggjøre sin endelige rapport om den nye jernbanelinjen neste vår.", "nb"},
    {"Komite akan menerbitkan laporan akhirnya tentang jalur kereta api baru pada musim semi mendatang.", "id"},
    {"Odbor će sljedećeg proljeća objaviti svoje konačno izvješće o novoj željezničkoj pruzi.", "hr"},
};

TEST(test_ensemble_labels)
{
    tamis_stage *s = stage_with(NULL);
    CHECK(s != NULL);
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++)
        expect_lang(s, samples[i][0], samples[i][1]);
    tamis_stage_free(s);
}

TEST(test_backends_agree_on_easy_text)
{
    const char *backends[] = {"cld2", "fasttext", "ensemble"};
    for (int b = 0; b < 3; b++) {
        tamis_stage *s = stage_with(backends[b]);
        CHECK(s != NULL);
        expect_lang(s, samples[0][0], "en");
        expect_lang(s, samples[2][0], "fr");
        expect_lang(s, samples[4][0], "ru");
        tamis_stage_free(s);
    }
}

TEST(test_bad_backend_is_an_error)
{
    tamis_stage *s = stage_with("nope");
    CHECK(s != NULL);
    tamis_doc *d = tamis_doc_new();
    tamis_error err = {0};
    tamis_doc_set_text(d, "hello", 5);
    CHECK_EQ_INT(tamis_stage_process(s, d, &err), TAMIS_ERR_ARG);
    CHECK(strstr(err.message, "backend") != NULL);
    tamis_doc_free(d);
    tamis_stage_free(s);
}

TEST(test_cld2_full_tables)
{
    /* Hawaiian and Zulu are only in libcld2_full's tables; the small tables say
     * Kinyarwanda / Chichewa for these sentences (checked against a -lcld2-only build). */
    CHECK(tm_cld2_full_tables());
    tamis_stage *s = stage_with("cld2");
    expect_lang(s, "Ngiyabonga kakhulu ngosizo lwakho, sizobonana kusasa ekuseni esikoleni.",
                "zu");
    tamis_stage_free(s);
}

TEST(test_top3_score_script)
{
    tamis_stage *s = stage_with(NULL);
    tamis_doc *d = run(s, samples[3][0], strlen(samples[3][0]));
    CHECK_EQ_STR(tamis_doc_get(d, TAMIS_F_SCRIPT), "Latn");
    CHECK(tamis_doc_count(d, TAMIS_F_LANG_TOP) >= 1);
    CHECK(strncmp(tamis_doc_get_at(d, TAMIS_F_LANG_TOP, 0), "es:", 3) == 0);
    double score = atof(tamis_doc_get(d, TAMIS_F_LANG_SCORE));
    CHECK(score > 0.5 && score <= 1.0);
    /* the first top-3 entry carries the same score as lang_score */
    CHECK_NEAR(atof(tamis_doc_get_at(d, TAMIS_F_LANG_TOP, 0) + 3), score, 1e-4);
    tamis_doc_free(d);
    d = run(s, samples[4][0], strlen(samples[4][0]));
    CHECK_EQ_STR(tamis_doc_get(d, TAMIS_F_SCRIPT), "Cyrl");
    tamis_doc_free(d);
    d = run(s, samples[7][0], strlen(samples[7][0]));
    CHECK_EQ_STR(tamis_doc_get(d, TAMIS_F_SCRIPT), "Jpan");
    tamis_doc_free(d);
    d = run(s, samples[6][0], strlen(samples[6][0]));
    CHECK_EQ_STR(tamis_doc_get(d, TAMIS_F_SCRIPT), "Hani");
    tamis_doc_free(d);
    d = run(s, samples[10][0], strlen(samples[10][0]));
    CHECK_EQ_STR(tamis_doc_get(d, TAMIS_F_SCRIPT), "Arab");
    tamis_doc_free(d);
    tamis_stage_free(s);
}

TEST(test_script_counts)
{
    size_t c[TM_SCRIPT__COUNT];
    /* 5 Latin + 3 Cyrillic + 2 Greek letters; digits, spaces, punctuation not counted */
    const char *t = "abcde 123 где!? αβ";
    CHECK_EQ_INT(tm_script_counts(t, strlen(t), c), 10);
    CHECK_EQ_INT(c[TM_SCRIPT_LATIN], 5);
    CHECK_EQ_INT(c[TM_SCRIPT_CYRILLIC], 3);
    CHECK_EQ_INT(c[TM_SCRIPT_GREEK], 2);
    CHECK_EQ_INT(tm_script_dominant(c, 10), TM_SCRIPT_LATIN);
    /* combining marks are not counted on their own: e + U+0301 is one letter */
    CHECK_EQ_INT(tm_script_counts("e\xcc\x81", 3, c), 1);
    CHECK_EQ_STR(tm_script_code(TM_SCRIPT_DEVANAGARI), "Deva");
    CHECK(tm_script_language(TM_SCRIPT_LATIN) == NULL);
    CHECK_EQ_STR(tm_script_language(TM_SCRIPT_HANGUL), "ko");
}

TEST(test_script_clean)
{
    /* Long ASCII runs (the 8-byte path) with every letter boundary: @ [ ` { are not letters */
    const char *t = "The quick brown fox jumps over the lazy dog 0123456789 @AZ[`az{ ok";
    size_t c[TM_SCRIPT__COUNT], c2[TM_SCRIPT__COUNT], n = strlen(t), on;
    char out[128];
    CHECK_EQ_INT(tm_script_clean(t, n, out, &on, c), 41);
    CHECK_EQ_INT(on, n);
    CHECK_EQ_STR(out, t);
    CHECK_EQ_INT(tm_script_counts(t, n, c2), 41);
    CHECK_EQ_INT(c2[TM_SCRIPT_LATIN], 41);
    /* What CLD2 refuses becomes one space per sequence: C0 (not \t \n), DEL, U+0092 (C1),
     * U+FDD0 (noncharacter), invalid bytes (0xFF; an encoded surrogate is 3 invalid bytes);
     * a literal U+FFFD, é, ж and 𝐀 (U+1D400, a letter outside the BMP) are kept. */
    const char *b = "a\x01\tb\x7f\n\xc2\x92\xc3\xa9\xff\xef\xbf\xbd\xef\xb7\x90"
                    "\xd0\xb6\xed\xa0\x80\xf0\x9d\x90\x80";
    CHECK_EQ_INT(tm_script_clean(b, strlen(b), out, &on, c), 5);
    CHECK_EQ_STR(out, "a \tb \n \xc3\xa9 \xef\xbf\xbd \xd0\xb6   \xf0\x9d\x90\x80");
    CHECK_EQ_INT(on, strlen(out));
    CHECK_EQ_INT(c[TM_SCRIPT_LATIN], 3);
    CHECK_EQ_INT(c[TM_SCRIPT_CYRILLIC], 1);
    CHECK_EQ_INT(c[TM_SCRIPT_OTHER], 1);
    CHECK_EQ_INT(tm_script_counts(b, strlen(b), c2), 5);
    /* a truncated sequence at the end is invalid too; a whole one there is copied */
    CHECK_EQ_INT(tm_script_clean("ab\xd0", 3, out, &on, c), 2);
    CHECK_EQ_STR(out, "ab ");
    CHECK_EQ_INT(tm_script_clean("x\xd0\xb6", 3, out, &on, c), 2);
    CHECK_EQ_STR(out, "x\xd0\xb6");
    CHECK_EQ_INT(c[TM_SCRIPT_CYRILLIC], 1);
}

TEST(test_iso_mapping)
{
    char o[12];
    const char *cases[][2] = {
        {"iw", "he"}, {"jw", "jv"}, {"in", "id"}, {"no", "nb"},   {"zh-Hant", "zh"},
        {"sr-ME", "sr"}, {"xx-Kali", "und"}, {"un", "und"}, {"haw", "haw"}, {"EN", "en"},
        {"", "und"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tm_lang_iso(cases[i][0], o);
        CHECK_EQ_STR(o, cases[i][1]);
    }
}

TEST(test_mixed_paragraphs)
{
    const char *t =
        "Der Ausschuss wird seinen Abschlussbericht über die neue Bahnstrecke im nächsten "
        "Frühjahr veröffentlichen, sagte die Sprecherin am Montag.\n\n"
        "Der Bericht soll auch die Kosten und den Zeitplan für den Bau der Strecke "
        "enthalten, die zwei große Städte verbinden wird.\n\n"
        "The committee will publish its final report on the new railway line next spring, "
        "the spokeswoman said on Monday.\n";
    tamis_stage *s = stage_with(NULL);
    tamis_doc *d = run(s, t, strlen(t));
    CHECK_EQ_STR(tamis_doc_get(d, TAMIS_F_LANG), "de");
    /* top-3 of the whole document: German first, English second */
    CHECK(tamis_doc_count(d, TAMIS_F_LANG_TOP) >= 2);
    CHECK(strncmp(tamis_doc_get_at(d, TAMIS_F_LANG_TOP, 1), "en:", 3) == 0);
    CHECK_EQ_INT(tamis_doc_count(d, TAMIS_F_LANG_PARAGRAPHS), 3);
    const char *p2 = tamis_doc_get_at(d, TAMIS_F_LANG_PARAGRAPHS, 2);
    CHECK(p2 && strstr(p2, ":en:") != NULL);
    /* byte offsets of the third paragraph point at "The committee" */
    size_t start = p2 ? strtoul(p2, NULL, 10) : 0;
    CHECK(strncmp(t + start, "The committee", 13) == 0);
    double mixed = -1;
    CHECK_EQ_INT(tamis_doc_signal(d, "lang_mixed_fraction", &mixed), TAMIS_OK);
    CHECK(mixed > 0.2 && mixed < 0.45);
    tamis_doc_free(d);
    /* a single-language document lists no paragraphs */
    const char *u = "The committee will publish its final report on the new railway line.\n\n"
                    "The report will also cover the cost and the timetable of the works.\n";
    d = run(s, u, strlen(u));
    CHECK_EQ_INT(tamis_doc_count(d, TAMIS_F_LANG_PARAGRAPHS), 0);
    CHECK_EQ_INT(tamis_doc_signal(d, "lang_mixed_fraction", &mixed), TAMIS_OK);
    CHECK_NEAR(mixed, 0.0, 0.0);
    tamis_doc_free(d);
    tamis_stage_free(s);
}

static void expect_und(tamis_stage *s, const char *t, size_t n)
{
    tamis_doc *d = run(s, t, n);
    CHECK_EQ_STR(tamis_doc_get(d, TAMIS_F_LANG), "und");
    CHECK_EQ_STR(tamis_doc_get(d, TAMIS_F_LANG_SCORE), "0.0000");
    CHECK_EQ_INT(tamis_doc_count(d, TAMIS_F_LANG_TOP), 0);
    tamis_doc_free(d);
}

TEST(test_bad_input)
{
    const char *backends[] = {"ensemble", "cld2", "fasttext"};
    for (int b = 0; b < 3; b++) {
        tamis_stage *s = stage_with(backends[b]);
        expect_und(s, "", 0);
        expect_und(s, "1234 5678 90 -- 3.14", 20);
        expect_und(s, "\xf0\x9f\x98\x80\xf0\x9f\x8e\x89 \xf0\x9f\x91\x8d", 13); /* emoji */
        expect_und(s, "\xff\xfe\xc3\x28\x80\x80", 6);                        /* invalid */
        expect_und(s, "\x01\x02\x7f \xc2\x92", 6);                           /* controls */
        tamis_stage_free(s);
    }
    /* invalid bytes inside real text do not hide the language */
    tamis_stage *s = stage_with(NULL);
    char buf[256];
    snprintf(buf, sizeof buf, "%s\xff\xc3%s", "Le comité publiera son rapport final ",
             "sur la nouvelle ligne de chemin de fer au printemps prochain.");
    expect_lang(s, buf, "fr");
    /* French with the cp1252 apostrophe mojibake U+0092 that makes CLD2 give up */
    expect_lang(s, "Le comit\xc3\xa9 publiera l\xc2\x92" "essentiel de son rapport sur la "
                   "nouvelle ligne au printemps prochain.", "fr");
    /* mixed scripts: a Russian sentence with a Latin brand name stays Russian */
    expect_lang(s, "Компания Samsung представила новый смартфон Galaxy на выставке в Берлине.",
                "ru");
    tamis_stage_free(s);
}

TEST(test_huge_word)
{
    /* One 20 MB word: identified from a bounded sample, a defined answer, no crash. */
    size_t n = 20u << 20;
    char *w = malloc(n);
    for (size_t i = 0; i < n; i++)
        w[i] = "abcdefghij"[i % 10];
    tamis_stage *s = stage_with(NULL);
    tamis_doc *d = run(s, w, n);
    const char *l = tamis_doc_get(d, TAMIS_F_LANG);
    CHECK(l != NULL && strlen(l) >= 2);
    double sc = atof(tamis_doc_get(d, TAMIS_F_LANG_SCORE));
    CHECK(sc >= 0.0 && sc <= 1.0);
    tamis_doc_free(d);
    tamis_stage_free(s);
    free(w);
}

static void count_cb(void *ctx, const char *w, size_t len)
{
    (void)w;
    CHECK(len > 0);
    (*(size_t *)ctx)++;
}

static size_t words_of(const char *t)
{
    size_t seen = 0;
    size_t n = tm_words(t, strlen(t), count_cb, &seen);
    CHECK_EQ_INT(n, seen);
    return n;
}

TEST(test_segmentation)
{
    CHECK(tm_segment_icu());
    /* 我们 / 今天 / 去 / 北京 / 大学 / 参观 / 图书馆: 7 words, 14 characters; the
     * per-character fallback would give 14. */
    size_t zh = words_of("我们今天去北京大学参观图书馆");
    CHECK(zh >= 5 && zh <= 9);
    /* 私 は 東京 の 大学 で 日本語 を 勉強 し て い ます: about 10-14 pieces */
    size_t ja = words_of("私は東京の大学で日本語を勉強しています");
    CHECK(ja >= 8 && ja <= 15);
    /* ฉัน ชอบ กิน ข้าวผัด/ข้าว ผัด กับ ไก่ ทอด: 7-8 words; 25 code points */
    size_t th = words_of("ฉันชอบกินข้าวผัดกับไก่ทอด");
    CHECK(th >= 6 && th <= 9);
    /* punctuation between the words is not a word; Latin words around still count */
    size_t mixed = words_of("Tokyo 东京，北京。 Beijing");
    CHECK_EQ_INT(mixed, 4);
    /* the words are the expected byte ranges */
    size_t first = 0;
    tm_segment_nospace("我们今天", strlen("我们今天"), count_cb, &first);
    CHECK_EQ_INT(first, 2);
}

int main(void)
{
    RUN(test_ensemble_labels);
    RUN(test_backends_agree_on_easy_text);
    RUN(test_bad_backend_is_an_error);
    RUN(test_cld2_full_tables);
    RUN(test_top3_score_script);
    RUN(test_script_counts);
    RUN(test_script_clean);
    RUN(test_iso_mapping);
    RUN(test_mixed_paragraphs);
    RUN(test_bad_input);
    RUN(test_huge_word);
    RUN(test_segmentation);
    TEST_MAIN_END();
}
