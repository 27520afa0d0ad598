/* bench_clean.c — CPU time of the clean stage alone (tamis_stage_process) on documents
 * read from a file of NUL-separated texts; one thread, stage start-up (lexicon and
 * stop-word loading) reported apart. Usage: bench_clean FILE [KEY=VALUE...] (clean.KEY) */
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
    if (argc < 2) {
        fprintf(stderr, "usage: bench_clean FILE [KEY=VALUE...]\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 2;
    }
    fseek(f, 0, SEEK_END);
    long sz = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)sz + 1);
    if (!buf || fread(buf, 1, (size_t)sz, f) != (size_t)sz) {
        fprintf(stderr, "cannot read %s\n", argv[1]);
        return 2;
    }
    fclose(f);
    buf[sz] = 0;

    tamis_error err;
    memset(&err, 0, sizeof err);
    tamis_stage *s = NULL;
    if (tamis_stage_new(&s, "clean", &err) != TAMIS_OK)
        return fprintf(stderr, "%s\n", err.message), 2;
    for (int i = 2; i < argc; i++) {
        char *eq = strchr(argv[i], '=');
        if (!eq)
            continue;
        *eq = 0;
        if (tamis_stage_set(s, argv[i], eq + 1, &err) != TAMIS_OK)
            return fprintf(stderr, "%s\n", err.message), 2;
    }
    tamis_doc *d = tamis_doc_new();
    /* Start-up: the first call creates the stage (loads lexicon and stop words). */
    double t0 = cpu_now();
    tamis_doc_set_text(d, "x", 1);
    tamis_stage_process(s, d, &err);
    double startup = cpu_now() - t0;

    size_t docs = 0, bytes = 0, kept_bytes = 0, dropped = 0;
    double cpu = 0;
    for (char *p = buf, *end = buf + sz; p < end;) {
        size_t n = strlen(p);
        tamis_doc_reset(d);
        tamis_doc_set_text(d, p, n);
        double a = cpu_now();
        if (tamis_stage_process(s, d, &err) != TAMIS_OK)
            fprintf(stderr, "doc %zu: %s\n", docs, err.message);
        cpu += cpu_now() - a;
        size_t out = 0;
        tamis_doc_text(d, &out);
        kept_bytes += out;
        dropped += tamis_doc_dropped(d) != 0;
        docs++;
        bytes += n;
        p += n + 1;
    }
    printf("clean_stage docs %zu bytes %zu cpu_s %.3f mb_per_s %.1f docs_per_s %.0f "
           "startup_s %.3f kept_bytes %zu dropped %zu\n",
           docs, bytes, cpu, bytes / 1e6 / cpu, docs / cpu, startup, kept_bytes, dropped);
    tamis_doc_free(d);
    tamis_stage_free(s);
    free(buf);
    return 0;
}
