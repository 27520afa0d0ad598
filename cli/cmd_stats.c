/* cmd_stats.c — `tamis stats`: reads every record of the inputs (no stages, no output)
 * and prints what is there as one JSON object on stdout: records by WARC type and by
 * kind, bytes, and skipped records by error. Bad records are reported on stderr. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_TYPES 32

typedef struct type_count {
    char name[32];
    unsigned long long n;
} type_count;

typedef struct counts {
    unsigned long long records_in, delivered, skipped, payload_bytes, text_bytes;
    unsigned long long by_kind[3];
    unsigned long long by_status[16];
    type_count types[MAX_TYPES];
    int n_types;
} counts;

static void count_type(counts *c, const char *t)
{
    if (!t)
        t = "none";
    for (int i = 0; i < c->n_types; i++)
        if (!strcmp(c->types[i].name, t)) {
            c->types[i].n++;
            return;
        }
    if (c->n_types == MAX_TYPES)
        t = "other";
    int i = c->n_types < MAX_TYPES ? c->n_types++ : MAX_TYPES - 1;
    snprintf(c->types[i].name, sizeof c->types[i].name, "%s", t);
    c->types[i].n++;
}

static void print_json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            fprintf(f, "\\%c", ch);
        else if (ch < 0x20)
            fprintf(f, "\\u%04x", ch);
        else
            fputc(ch, f);
    }
    fputc('"', f);
}

static int stats_main(const cli_command *cmd, int argc, char **argv)
{
    cli_io io;
    int rc = cli_parse_io(cmd, argc, argv, &io);
    if (rc >= 0) {
        cli_io_free(&io);
        return rc;
    }
    rc = 0;
    /* Every record counts, not just content records. */
    io.reader.keep_non_content = 1;
    counts c;
    memset(&c, 0, sizeof c);
    unsigned long long bytes_in = 0;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    tamis_doc *doc = tamis_doc_new();
    if (!doc) {
        cli_io_free(&io);
        return CLI_EXIT_INTERNAL;
    }
    for (size_t i = 0; i < io.n_inputs && !rc; i++) {
        tamis_reader *r = NULL;
        tamis_error err = {0};
        if (tamis_reader_open(&r, io.inputs[i], &io.reader, &err) != TAMIS_OK) {
            cli_error("%s: %s", io.inputs[i], err.message);
            rc = CLI_EXIT_INPUT;
            break;
        }
        for (;;) {
            tamis_error e = {0};
            tamis_status st = tamis_reader_next(r, doc, &e);
            if (st == TAMIS_END)
                break;
            c.records_in++;
            if (st != TAMIS_OK) {
                c.skipped++;
                c.by_status[(unsigned)st < 16 ? st : 15]++;
                cli_report_skip(NULL, &e);
                continue;
            }
            c.delivered++;
            size_t pl = 0, tl = 0;
            tamis_doc_payload(doc, &pl);
            tamis_doc_text(doc, &tl);
            c.payload_bytes += pl;
            c.text_bytes += tl;
            unsigned k = (unsigned)tamis_doc_kind(doc);
            c.by_kind[k < 3 ? k : 2]++;
            count_type(&c, tamis_doc_get(doc, TAMIS_F_WARC_TYPE));
        }
        bytes_in += tamis_reader_bytes(r);
        tamis_reader_free(r);
    }
    tamis_doc_free(doc);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
    FILE *out = stdout;
    fprintf(out,
            "{\"records_in\":%llu,\"delivered\":%llu,\"skipped\":%llu,\"bytes_in\":%llu,"
            "\"payload_bytes\":%llu,\"text_bytes\":%llu,\"by_warc_type\":{",
            c.records_in, c.delivered, c.skipped, bytes_in, c.payload_bytes, c.text_bytes);
    for (int i = 0; i < c.n_types; i++) {
        if (i)
            fputc(',', out);
        print_json_str(out, c.types[i].name);
        fprintf(out, ":%llu", c.types[i].n);
    }
    fprintf(out, "},\"by_kind\":{\"text\":%llu,\"html\":%llu,\"other\":%llu},\"skipped_by_error\":{",
            c.by_kind[0], c.by_kind[1], c.by_kind[2]);
    int first = 1;
    for (int i = 0; i < 16; i++) {
        if (!c.by_status[i])
            continue;
        fprintf(out, "%s", first ? "" : ",");
        first = 0;
        print_json_str(out, tamis_strerror((tamis_status)i));
        fprintf(out, ":%llu", c.by_status[i]);
    }
    fprintf(out, "},\"seconds\":%.3f}\n", secs);
    if (!rc && io.strict && c.skipped)
        rc = CLI_EXIT_STRICT;
    cli_io_free(&io);
    return rc;
}

const cli_command cli_cmd_stats = {
    .name = "stats",
    .summary = "count records, bytes and errors of any input",
    .description =
        "Reads every record of the inputs (all WARC record types) and prints one JSON object\n"
        "on stdout: records_in, delivered, skipped, bytes_in (compressed bytes read),\n"
        "payload_bytes, text_bytes, by_warc_type, by_kind, skipped_by_error, seconds.\n"
        "Bad records are reported on stderr; records_in = delivered + skipped.\n"
        "Options: --format F, --max-record-bytes N, --text-field K, --strict (exit 1 if\n"
        "any record was skipped), -q, -v.",
    .main = stats_main,
};
