/* fuzz_dedup.c — bytes -> a small corpus (documents split at 0x01) through the dedup corpus
 * protocol with parameters from the first byte (n-gram, bands, rows, containment, lines,
 * keep policy); and the same bytes parsed as a signature record and as a signature file. */
#include "common/tm_common.h"
#include "dedup/tm_dedup.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void run_corpus(const uint8_t *data, size_t size)
{
    uint8_t c = size ? data[0] : 0;
    tamis_stage *s = NULL;
    if (tamis_stage_new(&s, "dedup", NULL) != TAMIS_OK)
        return;
    char v[16];
    snprintf(v, sizeof v, "%d", 1 + (c & 3));
    tamis_stage_set(s, "ngram", v, NULL);
    snprintf(v, sizeof v, "%d", 1 + ((c >> 2) & 3));
    tamis_stage_set(s, "bands", v, NULL);
    snprintf(v, sizeof v, "%d", 1 + ((c >> 4) & 1));
    tamis_stage_set(s, "rows", v, NULL);
    tamis_stage_set(s, "containment", (c & 0x20) ? "true" : "false", NULL);
    tamis_stage_set(s, "lines", (c & 0x40) ? "true" : "false", NULL);
    tamis_stage_set(s, "verify", (c & 0x80) ? "estimate" : "exact", NULL);
    tamis_stage_set(s, "keep", (c % 3) == 0 ? "first" : (c % 3) == 1 ? "longest" : "earliest", NULL);
    tamis_stage_set(s, "threshold", "0.5", NULL);
    tamis_stage_set(s, "bucket_all_pairs", "3", NULL);
    /* documents: split at 0x01; a document starting with 0x02 gets a date from its text */
    size_t starts[64], ends[64], n = 0, a = size ? 1 : 0;
    for (size_t i = a; i <= size && n < 64; i++)
        if (i == size || data[i] == 1) {
            starts[n] = a;
            ends[n] = i;
            n++;
            a = i + 1;
        }
    tamis_doc *doc = tamis_doc_new();
    if (!doc) {
        tamis_stage_free(s);
        return;
    }
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < n; i++) {
            tamis_doc_reset(doc);
            char id[16];
            snprintf(id, sizeof id, "d%zu", i);
            tamis_doc_set_id(doc, id, strlen(id));
            tamis_doc_set_text(doc, (const char *)data + starts[i], ends[i] - starts[i]);
            if (ends[i] > starts[i] && data[starts[i]] == 2) {
                char date[16];
                size_t dl = TM_MIN(ends[i] - starts[i] - 1, sizeof date - 1);
                memcpy(date, data + starts[i] + 1, dl);
                date[dl] = '\0';
                tamis_doc_set(doc, TAMIS_F_DATE, date);
            }
            doc->seq = i;
            tamis_status st = pass == 0 ? tamis_stage_observe(s, doc, NULL)
                                        : tamis_stage_process(s, doc, NULL);
            if (st != TAMIS_OK && st != TAMIS_ERR_NOMEM && st != TAMIS_ERR_ARG)
                abort();
            /* a dropped document always points at a representative of its cluster */
            if (pass == 1 && tamis_doc_dropped(doc) && (!doc->has_dup || doc->dup_keep ||
                                                        doc->dup_size < 2 || !doc->dup_cluster))
                abort();
        }
        if (pass == 0)
            tamis_stage_finish(s, NULL);
    }
    tamis_doc_free(doc);
    tamis_stage_free(s);
}

static void run_sigfile(const uint8_t *data, size_t size)
{
    /* the record parser never reads past what it is given */
    tm_dd_params p = {.ngram = 5, .bands = 2, .rows = 2, .k = 4, .seed = 1, .threshold = 0.8,
                      .verify = TM_DD_VERIFY_EXACT, .keep = TM_DD_KEEP_FIRST, .exact = true,
                      .near = true, .bucket_all_pairs = 8};
    tm_dd_view v;
    uint8_t *copy = malloc(size + 8);
    if (!copy)
        return;
    memcpy(copy, data, size);
    (void)tm_dd_view_rec(&p, copy, size, &v);
    free(copy);
    /* a signature file: header "TMDDSIG1" + the bytes; buckets and cluster must refuse or
     * survive it */
    char path[] = "/tmp/fuzz-dedup-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return;
    FILE *f = fdopen(fd, "wb");
    if (!f) {
        close(fd);
        unlink(path);
        return;
    }
    uint32_t hdr[16] = {0};
    memcpy(hdr, "TMDDSIG1", 8);
    hdr[2] = 1; /* version */
    hdr[3] = 5; /* ngram */
    hdr[4] = 14;
    hdr[5] = 8;
    hdr[6] = 1; /* seed lo */
    uint64_t n_docs = size ? data[0] % 8 : 0, bytes = size;
    memcpy(&hdr[10], &n_docs, 8);
    memcpy(&hdr[12], &bytes, 8);
    fwrite(hdr, sizeof hdr, 1, f);
    fwrite(data, 1, size, f);
    fclose(f);
    tamis_dedup *d = NULL;
    if (tamis_dedup_new(&d, NULL) == TAMIS_OK) {
        const char *sigs[1] = {path};
        char out[64];
        snprintf(out, sizeof out, "%s.edges", path);
        if (tamis_dedup_buckets(d, sigs, 1, 0, out, "/tmp", NULL) == TAMIS_OK) {
            const char *edges[1] = {out};
            char cl[64];
            snprintf(cl, sizeof cl, "%s.cl", path);
            tamis_dedup_cluster(d, sigs, 1, edges, 1, cl, NULL);
            unlink(cl);
        }
        unlink(out);
        tamis_dedup_free(d);
    }
    unlink(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    run_corpus(data, size);
    run_sigfile(data, size);
    return 0;
}
