/* bench_filter.c — throughput of the filter stage (every signal and rule) on a corpus,
 * through the public API only. Built and run by bench_filter.sh.
 *
 *   bench_filter docs FILE [PASSES]   documents separated by NUL bytes
 *   bench_filter one FILE [PASSES]    the whole file is one document
 *
 * Runs PASSES (default 3) passes and prints one line for the fastest: bytes, documents,
 * CPU seconds in tamis_stage_process, MB/s (the machine may be shared: the best pass is
 * the one least disturbed). */
#define _POSIX_C_SOURCE 200809L
#include "tamis.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* CPU time of this thread: "per core" throughput that does not depend on what else the
 * machine runs (wall time is printed next to it). */
static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 4 || (strcmp(argv[1], "docs") && strcmp(argv[1], "one"))) {
        fprintf(stderr, "usage: bench_filter docs|one FILE [PASSES]\n");
        return 2;
    }
    FILE *f = fopen(argv[2], "rb");
    if (!f) {
        perror(argv[2]);
        return 2;
    }
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)len + 1);
    if (!buf || fread(buf, 1, (size_t)len, f) != (size_t)len) {
        fprintf(stderr, "%s: cannot read\n", argv[2]);
        return 2;
    }
    fclose(f);
    buf[len] = 0;

    tamis_stage *stage;
    tamis_error err;
    memset(&err, 0, sizeof err);
    if (tamis_stage_new(&stage, "filter", &err) != TAMIS_OK) {
        fprintf(stderr, "%s\n", err.message);
        return 2;
    }
    tamis_doc *doc = tamis_doc_new();
    int one = !strcmp(argv[1], "one");
    int passes = argc == 4 ? atoi(argv[3]) : 3;
    double best = 0;
    size_t docs = 0, kept = 0, bytes = 0;
    for (int pass = 0; pass < (passes > 0 ? passes : 1); pass++) {
        double t = 0;
        docs = kept = bytes = 0;
        for (char *p = buf, *end = buf + len; p < end || (one && docs == 0);) {
            char *q = one ? end : memchr(p, 0, (size_t)(end - p));
            if (!q)
                q = end;
            tamis_doc_reset(doc);
            tamis_doc_set_text(doc, p, (size_t)(q - p));
            double t0 = now();
            tamis_status st = tamis_stage_process(stage, doc, &err);
            t += now() - t0;
            if (st != TAMIS_OK) {
                fprintf(stderr, "process: %s\n", tamis_strerror(st));
                return 1;
            }
            kept += !tamis_doc_dropped(doc);
            bytes += (size_t)(q - p);
            docs++;
            p = q + 1;
        }
        if (pass == 0 || t < best)
            best = t;
    }
    printf("bytes=%zu docs=%zu kept=%zu seconds=%.4f MB/s=%.1f\n", bytes, docs, kept, best,
           best > 0 ? (double)bytes / 1e6 / best : 0.0);
    tamis_doc_free(doc);
    tamis_stage_free(stage);
    free(buf);
    return 0;
}
