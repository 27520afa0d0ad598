/* test_core.c — the shared core: arena, buffers, JSON in/out, UTF-8, document model,
 * parameters, stage registry, stats accounting and persistence, allocation failure. */
#include "common/tm_common.h"
#include "common/tm_unicode.h"
#include "tm_test.h"

#include <unistd.h>

TEST(arena_reuses_memory)
{
    tm_arena a;
    tm_arena_init(&a);
    char *p = tm_arena_strndup(&a, "hello", 5);
    CHECK_EQ_STR(p, "hello");
    CHECK_EQ_INT(((uintptr_t)tm_arena_alloc(&a, 3)) % 16, 0);
    void *big = tm_arena_alloc(&a, 1 << 20); /* forces a second chunk */
    CHECK(big != NULL);
    tm_arena_reset(&a);
    char *q = tm_arena_strndup(&a, "again", 5);
    CHECK(q == big); /* the largest chunk is kept and reused from its start */
    (void)p;
    CHECK_EQ_STR(tm_arena_printf(&a, "%d-%s", 42, "x"), "42-x");
    tm_arena_free(&a);
}

TEST(buf_ceiling)
{
    tm_buf b;
    tm_buf_init(&b);
    b.max = 8;
    CHECK_EQ_INT(tm_buf_append(&b, "12345678", 8), TAMIS_OK);
    CHECK_EQ_INT(tm_buf_putc(&b, '9'), TAMIS_ERR_TOO_BIG);
    CHECK_EQ_INT(b.len, 8);
    tm_buf_free(&b);
}

TEST(json_escaping)
{
    tm_buf b;
    tm_buf_init(&b);
    tm_json_str(&b, "a\"b\\c\n\x01\xff\xc3\xa9", 10);
    tm_buf_nul(&b);
    CHECK_EQ_STR(b.data, "\"a\\\"b\\\\c\\n\\u0001\xEF\xBF\xBD\xC3\xA9\"");
    tm_buf_clear(&b);
    tm_json_num(&b, 3.0);
    tm_buf_putc(&b, ' ');
    tm_json_num(&b, 0.25);
    tm_buf_putc(&b, ' ');
    tm_json_num(&b, 0.0 / 0.0);
    tm_buf_nul(&b);
    CHECK_EQ_STR(b.data, "3 0.25 null");
    tm_buf_free(&b);
}

TEST(json_scanning)
{
    const char *js = "{\"id\":\"x\\u00e9\\ud83d\\ude00\",\"n\":[1,{\"a\":null}],\"t\":true}";
    const char *p = js, *end = js + strlen(js);
    tm_json_member m;
    int count = 0;
    tm_buf b;
    tm_buf_init(&b);
    while (tm_json_obj_next(&p, end, &m, 8) == 1) {
        count++;
        if (m.key_len == 2 && !memcmp(m.key, "id", 2)) {
            CHECK(tm_json_decode_str(m.val, m.val_end, &b) == m.val_end);
            tm_buf_nul(&b);
            CHECK_EQ_STR(b.data, "x\xC3\xA9\xF0\x9F\x98\x80");
        }
    }
    CHECK_EQ_INT(count, 3);
    const char *deep = "[[[[[[[[[[1]]]]]]]]]]";
    CHECK(tm_json_skip(deep, deep + strlen(deep), 5) == NULL);
    CHECK(tm_json_skip(deep, deep + strlen(deep), 20) == deep + strlen(deep));
    const char *bad = "{\"a\":1,}";
    p = bad;
    CHECK_EQ_INT(tm_json_obj_next(&p, bad + strlen(bad), &m, 8), 1);
    CHECK_EQ_INT(tm_json_obj_next(&p, bad + strlen(bad), &m, 8), -1);
    tm_buf_free(&b);
}

TEST(utf8_sanitize)
{
    tm_arena a;
    tm_arena_init(&a);
    size_t n;
    char *s = tm_utf8_sanitize(&a, "ok\xc3\x28\0z\xed\xa0\x80", 9, &n);
    CHECK_EQ_STR(s, "ok\xEF\xBF\xBD(z\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
    CHECK_EQ_INT(n, strlen(s));
    CHECK_EQ_INT(tm_utf8_valid_prefix("ab\xe2\x82", 4), 2);
    tm_arena_free(&a);
}

/* The sixteen-byte ASCII step: a bad byte, a truncated sequence or a valid one at every
 * offset of a longer ASCII text, so each falls before, inside and after a step. */
TEST(utf8_prefix_at_every_offset)
{
    char t[48];
    for (size_t at = 0; at + 3 <= sizeof t; at++) {
        memset(t, 'a', sizeof t);
        t[at] = (char)0xFF; /* never valid */
        CHECK_EQ_INT(tm_utf8_valid_prefix(t, sizeof t), at);
        memcpy(t + at, "\xE2\x82\xAC", 3); /* the euro sign: valid */
        CHECK_EQ_INT(tm_utf8_valid_prefix(t, sizeof t), sizeof t);
        CHECK_EQ_INT(tm_utf8_valid_prefix(t, at + 2), at); /* cut inside it */
        t[at + 2] = 'b'; /* a lead and one continuation byte, then ASCII */
        CHECK_EQ_INT(tm_utf8_valid_prefix(t, sizeof t), at);
    }
}

TEST(document_model)
{
    tamis_doc *d = tamis_doc_new();
    CHECK_EQ_STR(tamis_doc_text(d, NULL), "");
    CHECK_EQ_INT(tamis_doc_set_text(d, "body", 4), TAMIS_OK);
    tamis_doc_set(d, TAMIS_F_TITLE, "T");
    tamis_doc_add(d, TAMIS_F_AUTHOR, "A");
    tamis_doc_add(d, TAMIS_F_AUTHOR, "B");
    tamis_doc_add(d, TAMIS_F_AUTHOR, "A"); /* duplicates ignored */
    tamis_doc_add(d, TAMIS_F_TAGS, "x");
    tamis_doc_set(d, TAMIS_F_READING_TIME, "2");
    tamis_doc_set_signal(d, "words", 12);
    tamis_doc_set_signal(d, "words", 13);
    double v = 0;
    CHECK_EQ_INT(tamis_doc_signal(d, "words", &v), TAMIS_OK);
    CHECK_NEAR(v, 13, 0);
    CHECK_EQ_INT(tamis_doc_signal(d, "nope", &v), TAMIS_END);
    CHECK_EQ_INT(tamis_doc_count(d, TAMIS_F_AUTHOR), 2);
    CHECK(!tamis_doc_dropped(d));
    tamis_doc_drop(d, "rule_a: 1 < 2");
    tamis_doc_drop(d, "rule_b: x");
    CHECK(tamis_doc_dropped(d));
    CHECK_EQ_INT(tamis_doc_reason_count(d), 2);
    char *js = NULL;
    CHECK_EQ_INT(tamis_doc_to_json(d, NULL, &js, NULL), TAMIS_OK);
    CHECK_EQ_STR(js, "{\"id\":\"\",\"text\":\"body\",\"metadata\":{\"title\":\"T\",\"author\":\"A; B\","
                     "\"tags\":[\"x\"],\"reading_time\":2},\"signals\":{\"words\":13},"
                     "\"decision\":\"drop\",\"reasons\":[\"rule_a: 1 < 2\",\"rule_b: x\"]}");
    free(js);
    tamis_doc_reset(d);
    CHECK(tamis_doc_get(d, TAMIS_F_TITLE) == NULL);
    CHECK(!tamis_doc_dropped(d));
    CHECK_EQ_INT(tamis_field_by_name("dateline"), TAMIS_F_DATELINE);
    CHECK_EQ_INT(tamis_field_by_name("nope"), TAMIS_F__COUNT);
    tamis_doc_free(d);
    tamis_doc_free(NULL);
}

TEST(metadata_passthrough)
{
    tamis_doc *d = tamis_doc_new();
    static const char meta[] = "{\"url\":\"http://in\",\"crawl\":{\"seg\":3},\"title\":\"old\"}";
    d->input_meta = meta;
    d->input_meta_len = sizeof meta - 1;
    tamis_doc_set(d, TAMIS_F_TITLE, "new");
    char *js = NULL;
    tamis_doc_to_json(d, NULL, &js, NULL);
    /* Our title wins; the input's other keys pass through untouched. */
    CHECK(strstr(js, "\"metadata\":{\"title\":\"new\",\"url\":\"http://in\",\"crawl\":{\"seg\":3}}") != NULL);
    free(js);
    tamis_doc_free(d);
}

TEST(stage_registry_and_params)
{
    tamis_stage *s = NULL;
    tamis_error err = {0};
    CHECK_EQ_INT(tamis_stage_new(&s, "nope", &err), TAMIS_ERR_ARG);
    CHECK(strstr(err.message, "unknown stage") != NULL);
    const char *const *names = tamis_stage_names();
    int n = 0;
    for (; names[n]; n++) {
        CHECK_EQ_INT(tamis_stage_new(&s, names[n], &err), TAMIS_OK);
        CHECK_EQ_INT(tamis_stage_set(s, "no_such_key", "1", &err), TAMIS_ERR_ARG);
        CHECK(strstr(err.message, "no_such_key") != NULL);
        tamis_stage_free(s);
    }
    CHECK_EQ_INT(n, 5);
    tamis_stage_free(NULL);
}

TEST(param_parsing)
{
    typedef struct cfg {
        int64_t i;
        double d;
        bool b;
        char *s;
    } cfg;
    static const tm_param tab[] = {
        {"i", TM_P_INT, "5", offsetof(cfg, i), "int"},
        {"d", TM_P_DOUBLE, "0.5", offsetof(cfg, d), "double"},
        {"b", TM_P_BOOL, "true", offsetof(cfg, b), "bool"},
        {"s", TM_P_STRING, "x", offsetof(cfg, s), "string"},
        {0},
    };
    cfg c = {0};
    tamis_error err = {0};
    CHECK_EQ_INT(tm_params_defaults(tab, &c), TAMIS_OK);
    CHECK_EQ_INT(c.i, 5);
    CHECK_NEAR(c.d, 0.5, 0);
    CHECK(c.b);
    CHECK_EQ_STR(c.s, "x");
    CHECK_EQ_INT(tm_params_set(tab, &c, "t", "i", "12x", &err), TAMIS_ERR_ARG);
    CHECK_EQ_INT(tm_params_set(tab, &c, "t", "i", "-3", &err), TAMIS_OK);
    CHECK_EQ_INT(c.i, -3);
    CHECK_EQ_INT(tm_params_set(tab, &c, "t", "b", "off", &err), TAMIS_OK);
    CHECK(!c.b);
    CHECK_EQ_INT(tm_params_set(tab, &c, "t", "b", "maybe", &err), TAMIS_ERR_ARG);
    CHECK_EQ_INT(tm_params_set(tab, &c, "t", "s", "yz", &err), TAMIS_OK);
    CHECK_EQ_STR(c.s, "yz");
    tm_params_free(tab, &c);
}

TEST(stats_accounting_and_sidecar)
{
    tamis_stats *a = tamis_stats_new(), *b = tamis_stats_new();
    for (int i = 0; i < 5; i++)
        tamis_stats_add_in(a, 100);
    tamis_stats_add_written(a, 50);
    tamis_stats_add_written(a, 50);
    tamis_stats_add_dropped(a, "gopher_min_words: 3 < 50");
    tamis_stats_add_dropped(a, "gopher_min_words: 7 < 50");
    tamis_stats_add_skipped(a, TAMIS_ERR_FORMAT);
    tm_stats_stage(a, "filter", true, 0.5);
    tamis_doc *d = tamis_doc_new();
    tamis_doc_set_text(d, "0123456789", 10);
    tamis_doc_set(d, TAMIS_F_LANG, "fr");
    tamis_doc_set_signal(d, "frac", 0.3);
    tm_stats_observe_doc(a, d);
    tamis_doc_free(d);
    CHECK_EQ_INT(tamis_stats_in(a), tamis_stats_written(a) + tamis_stats_dropped(a) +
                                        tamis_stats_skipped(a));
    char path[] = "/tmp/tamis-test-stats-XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    CHECK_EQ_INT(tm_stats_save(a, path), TAMIS_OK);
    CHECK_EQ_INT(tm_stats_load(b, path), TAMIS_OK);
    unlink(path);
    char *ja = NULL, *jb = NULL;
    tamis_stats_json(a, 1.0, &ja);
    tamis_stats_json(b, 1.0, &jb);
    CHECK_EQ_STR(ja, jb); /* the sidecar round-trips every counter and histogram */
    CHECK(strstr(ja, "\"dropped_by_reason\":{\"gopher_min_words\":2}") != NULL);
    CHECK(strstr(ja, "\"languages\":{\"fr\":1}") != NULL);
    CHECK(strstr(ja, "\"text_bytes_log2\":[0,0,0,1]") != NULL);
    free(ja);
    free(jb);
    tamis_stats_free(a);
    tamis_stats_free(b);
}

TEST(words_and_normalisation)
{
    CHECK_EQ_INT(tm_words("Hello, world! l'état e-mail 3.14 ...", 36, NULL, NULL), 5);
    CHECK_EQ_INT(tm_words("", 0, NULL, NULL), 0);
    CHECK_EQ_INT(tm_words("   ---   ", 9, NULL, NULL), 0);
    tm_buf b;
    tm_buf_init(&b);
    const char *s = "  Élan, 2024 —  Straße! ";
    tm_normalize(&b, s, strlen(s), TM_NORM_DEDUP);
    tm_buf_nul(&b);
    CHECK_EQ_STR(b.data, "elan 0000 strasse");
    tm_buf_free(&b);
}

TEST(allocation_failure_is_reported)
{
    /* Every allocation from the 0th to the 40th fails in turn: calls report
     * TAMIS_ERR_NOMEM (or return NULL) and nothing crashes or leaks. */
    for (long k = 0; k < 40; k++) {
        tm_alloc_fail_after(k);
        tamis_doc *d = tamis_doc_new();
        if (d) {
            tamis_doc_set_text(d, "some text", 9);
            tamis_doc_set(d, TAMIS_F_TITLE, "title");
            tamis_doc_set_signal(d, "x", 1);
            tamis_doc_drop(d, "r: 1");
            char *js = NULL;
            if (tamis_doc_to_json(d, NULL, &js, NULL) == TAMIS_OK)
                free(js);
            tamis_doc_free(d);
        }
        tamis_stats *st = tamis_stats_new();
        if (st) {
            tamis_stats_add_dropped(st, "a: b");
            tamis_stats_free(st);
        }
        tm_alloc_fail_after(-1);
    }
    CHECK(1);
}

int main(void)
{
    RUN(arena_reuses_memory);
    RUN(buf_ceiling);
    RUN(json_escaping);
    RUN(json_scanning);
    RUN(utf8_sanitize);
    RUN(utf8_prefix_at_every_offset);
    RUN(document_model);
    RUN(metadata_passthrough);
    RUN(stage_registry_and_params);
    RUN(param_parsing);
    RUN(stats_accounting_and_sidecar);
    RUN(words_and_normalisation);
    RUN(allocation_failure_is_reported);
    TEST_MAIN_END();
}
