/* bench_lang.c — runs the lang stage over texts through the public API only: labels for
 * the accuracy evaluation (scripts/eval_lang.sh) and timing for bench/bench_lang.sh.
 *
 *   bench_lang BACKEND FILE [labels] [paragraphs] [one]
 *
 * FILE holds texts separated by NUL bytes; with "one" the whole file is one text. BACKEND is ensemble,
 * cld2 or fasttext. With "labels", prints one line per text: lang, TAB, lang_score. Prints
 * to stderr one line: texts, bytes, CPU seconds of the loop (set text + process, once
 * per text; one clock read for the whole loop, as the CPU clock is a system call), texts/s,
 * MB/s.
 * The first text is processed once before timing so that the model load is not timed. */
#define _POSIX_C_SOURCE 200809L
#include "tamis.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench_lang ensemble|cld2|fasttext FILE [labels] [paragraphs] "
                        "[one]\n");
        return 2;
    }
    int labels = 0, paragraphs = 0, one = 0;
    for (int i = 3; i < argc; i++) {
        labels |= strcmp(argv[i], "labels") == 0;
        paragraphs |= strcmp(argv[i], "paragraphs") == 0;
        one |= strcmp(argv[i], "one") == 0;
    }
    FILE *f = fopen(argv[2], "rb");
    if (!f) {
        perror(argv[2]);
        return 2;
    }
    size_t cap = 1 << 20, n = 0, k;
    char *data = malloc(cap);
    while (data && (k = fread(data + n, 1, cap - n, f)) > 0) {
        n += k;
        if (n == cap) {
            char *g = realloc(data, cap *= 2);
            if (!g) {
                free(data);
                data = NULL;
            }
            data = g;
        }
    }
    fclose(f);
    if (!data) {
        fprintf(stderr, "out of memory\n");
        return 2;
    }
    tamis_stage *s = NULL;
    tamis_error err = {0};
    if (tamis_stage_new(&s, "lang", &err) != TAMIS_OK ||
        tamis_stage_set(s, "backend", argv[1], &err) != TAMIS_OK ||
        tamis_stage_set(s, "paragraphs", paragraphs ? "true" : "false", &err) != TAMIS_OK) {
        fprintf(stderr, "bench_lang: %s\n", err.message);
        return 2;
    }
    tamis_doc *doc = tamis_doc_new();
    /* warm-up: loads the model */
    tamis_doc_set_text(doc, "warm up", 7);
    if (tamis_stage_process(s, doc, &err) != TAMIS_OK) {
        fprintf(stderr, "bench_lang: %s\n", err.message);
        return 2;
    }
    size_t texts = 0;
    double t0 = cpu_now();
    for (size_t i = 0; i < n || (n == 0 && texts == 0);) {
        const char *e = n && !one ? memchr(data + i, '\0', n - i) : NULL;
        size_t len = e ? (size_t)(e - (data + i)) : n - i;
        tamis_doc_reset(doc);
        tamis_doc_set_text(doc, data + i, len);
        tamis_status st = tamis_stage_process(s, doc, &err);
        if (st != TAMIS_OK) {
            fprintf(stderr, "bench_lang: text %zu: %s\n", texts, err.message);
            return 1;
        }
        if (labels) { /* printing is timed too: a few % of the total */
            const char *l = tamis_doc_get(doc, TAMIS_F_LANG);
            const char *sc = tamis_doc_get(doc, TAMIS_F_LANG_SCORE);
            printf("%s\t%s\n", l ? l : "-", sc ? sc : "0");
        }
        texts++;
        i += len + 1;
    }
    double secs = cpu_now() - t0;
    fprintf(stderr, "texts %zu bytes %zu cpu_seconds %.4f texts_per_s %.0f mb_per_s %.2f\n",
            texts, n, secs, secs > 0 ? (double)texts / secs : 0.0,
            secs > 0 ? (double)n / 1e6 / secs : 0.0);
    char *rep = NULL;
    if (tamis_stage_report(s, &rep) == TAMIS_OK && rep) {
        fprintf(stderr, "report %s\n", rep); /* how often each backend ran */
        free(rep);
    }
    tamis_doc_free(doc);
    tamis_stage_free(s);
    free(data);
    return 0;
}
