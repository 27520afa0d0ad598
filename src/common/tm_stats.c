/* tm_stats.c — per-run accounting (every input record is written, dropped or skipped),
 * the stage funnel, and the histograms the run report draws. */
#include "tm_common.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define N_LEN_BINS 32  /* text length: bin i holds [2^i, 2^(i+1)) bytes; bin 0 also 0 */
#define N_UNIT_BINS 20 /* signals in [0,1]: 20 equal bins */
#define N_LOG_BINS 40  /* signals > 1: bin i holds [2^i, 2^(i+1)) */
#define N_DUP_BINS 32  /* cluster size: log2 bins */

typedef struct named_count {
    char *name;
    uint64_t n;
} named_count;

typedef struct stage_row {
    char *name;
    uint64_t in, dropped;
    double seconds;
} stage_row;

typedef struct sig_hist {
    char *name;
    uint64_t unit[N_UNIT_BINS];
    uint64_t log[N_LOG_BINS];
    uint64_t n;
    double sum;
} sig_hist;

/* A small vector of named entries: linear search is fine, the lists are short. */
#define VEC(T)                                                                             \
    struct {                                                                               \
        T *v;                                                                              \
        size_t n, cap;                                                                     \
    }

struct tamis_stats {
    uint64_t in, written, dropped, skipped;
    uint64_t bytes_in, bytes_out;
    VEC(named_count) drops;
    VEC(named_count) langs;
    VEC(stage_row) stages;
    VEC(sig_hist) sigs;
    uint64_t skip_by_status[TAMIS_ERR_CANCELLED + 1];
    uint64_t len_hist[N_LEN_BINS];
    uint64_t dup_hist[N_DUP_BINS];
};

/* Grows a vector by one zeroed slot; returns it or NULL. */
static void *vec_push(void **v, size_t *n, size_t *cap, size_t size)
{
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 8;
        void *nv = tm_realloc(*v, nc * size);
        if (!nv)
            return NULL;
        *v = nv;
        *cap = nc;
    }
    void *slot = (char *)*v + (*n)++ * size;
    memset(slot, 0, size);
    return slot;
}
#define VEC_PUSH(vec) vec_push((void **)&(vec).v, &(vec).n, &(vec).cap, sizeof *(vec).v)

tamis_stats *tamis_stats_new(void) { return tm_calloc(1, sizeof(tamis_stats)); }

void tamis_stats_free(tamis_stats *st)
{
    if (!st)
        return;
    for (size_t i = 0; i < st->drops.n; i++)
        tm_free(st->drops.v[i].name);
    for (size_t i = 0; i < st->langs.n; i++)
        tm_free(st->langs.v[i].name);
    for (size_t i = 0; i < st->stages.n; i++)
        tm_free(st->stages.v[i].name);
    for (size_t i = 0; i < st->sigs.n; i++)
        tm_free(st->sigs.v[i].name);
    tm_free(st->drops.v);
    tm_free(st->langs.v);
    tm_free(st->stages.v);
    tm_free(st->sigs.v);
    tm_free(st);
}

void tamis_stats_add_in(tamis_stats *st, uint64_t bytes)
{
    st->in++;
    st->bytes_in += bytes;
}

void tamis_stats_add_written(tamis_stats *st, uint64_t bytes)
{
    st->written++;
    st->bytes_out += bytes;
}

static named_count *named(void *vecp, const char *name, size_t len)
{
    VEC(named_count) *vec = vecp;
    for (size_t i = 0; i < vec->n; i++)
        if (strlen(vec->v[i].name) == len && memcmp(vec->v[i].name, name, len) == 0)
            return &vec->v[i];
    char *c = tm_strndup(name, len);
    if (!c)
        return NULL;
    named_count *slot = VEC_PUSH(*vec);
    if (!slot) {
        tm_free(c);
        return NULL;
    }
    slot->name = c;
    return slot;
}

static void add_drop_n(tamis_stats *st, const char *name, size_t len, uint64_t n)
{
    named_count *c = named(&st->drops, name, len);
    if (c)
        c->n += n;
}

void tamis_stats_add_dropped(tamis_stats *st, const char *reason)
{
    st->dropped++;
    if (!reason)
        reason = "dropped";
    /* The rule name is the reason up to ':' ("gopher_min_words: 12 < 50"). */
    size_t len = strcspn(reason, ":");
    while (len && reason[len - 1] == ' ')
        len--;
    add_drop_n(st, reason, len, 1);
}

void tamis_stats_add_skipped(tamis_stats *st, tamis_status why)
{
    st->skipped++;
    if ((unsigned)why <= TAMIS_ERR_CANCELLED)
        st->skip_by_status[why]++;
}

static stage_row *stage_of(tamis_stats *st, const char *name)
{
    for (size_t i = 0; i < st->stages.n; i++)
        if (!strcmp(st->stages.v[i].name, name))
            return &st->stages.v[i];
    char *c = tm_strdup(name);
    if (!c)
        return NULL;
    stage_row *r = VEC_PUSH(st->stages);
    if (!r) {
        tm_free(c);
        return NULL;
    }
    r->name = c;
    return r;
}

void tm_stats_stage(tamis_stats *st, const char *stage, bool dropped, double seconds)
{
    stage_row *r = stage_of(st, stage);
    if (!r)
        return;
    r->in++;
    r->dropped += dropped;
    r->seconds += seconds;
}

static sig_hist *sig_of(tamis_stats *st, const char *name)
{
    for (size_t i = 0; i < st->sigs.n; i++)
        if (!strcmp(st->sigs.v[i].name, name))
            return &st->sigs.v[i];
    char *c = tm_strdup(name);
    if (!c)
        return NULL;
    sig_hist *h = VEC_PUSH(st->sigs);
    if (!h) {
        tm_free(c);
        return NULL;
    }
    h->name = c;
    return h;
}

static int log2_bin(double v, int nbins)
{
    int b = v < 1 ? 0 : (int)floor(log2(v));
    return b < 0 ? 0 : b >= nbins ? nbins - 1 : b;
}

static void sig_add(sig_hist *h, double v)
{
    if (!isfinite(v) || v < 0)
        return;
    h->n++;
    h->sum += v;
    if (v <= 1.0) {
        int b = (int)(v * N_UNIT_BINS);
        h->unit[b >= N_UNIT_BINS ? N_UNIT_BINS - 1 : b]++;
    } else {
        h->log[log2_bin(v, N_LOG_BINS)]++;
    }
}

void tm_stats_observe_doc(tamis_stats *st, const tamis_doc *doc)
{
    st->len_hist[log2_bin((double)doc->text_len, N_LEN_BINS)]++;
    const char *lang = tamis_doc_get(doc, TAMIS_F_LANG);
    if (!lang)
        lang = "und";
    named_count *lc = named(&st->langs, lang, strlen(lang));
    if (lc)
        lc->n++;
    for (uint32_t i = 0; i < doc->n_signals; i++) {
        sig_hist *h = sig_of(st, doc->signals[i].name);
        if (h)
            sig_add(h, doc->signals[i].value);
    }
    /* One count per cluster: its representative carries the size. */
    if (doc->has_dup && doc->dup_keep)
        st->dup_hist[log2_bin((double)doc->dup_size, N_DUP_BINS)]++;
}

void tamis_stats_merge(tamis_stats *into, const tamis_stats *from)
{
    into->in += from->in;
    into->written += from->written;
    into->dropped += from->dropped;
    into->skipped += from->skipped;
    into->bytes_in += from->bytes_in;
    into->bytes_out += from->bytes_out;
    for (size_t i = 0; i < from->drops.n; i++)
        add_drop_n(into, from->drops.v[i].name, strlen(from->drops.v[i].name),
                   from->drops.v[i].n);
    for (size_t i = 0; i < from->langs.n; i++) {
        named_count *c = named(&into->langs, from->langs.v[i].name,
                               strlen(from->langs.v[i].name));
        if (c)
            c->n += from->langs.v[i].n;
    }
    for (size_t i = 0; i < from->stages.n; i++) {
        stage_row *r = stage_of(into, from->stages.v[i].name);
        if (r) {
            r->in += from->stages.v[i].in;
            r->dropped += from->stages.v[i].dropped;
            r->seconds += from->stages.v[i].seconds;
        }
    }
    for (size_t i = 0; i < from->sigs.n; i++) {
        sig_hist *h = sig_of(into, from->sigs.v[i].name);
        if (!h)
            continue;
        for (int b = 0; b < N_UNIT_BINS; b++)
            h->unit[b] += from->sigs.v[i].unit[b];
        for (int b = 0; b < N_LOG_BINS; b++)
            h->log[b] += from->sigs.v[i].log[b];
        h->n += from->sigs.v[i].n;
        h->sum += from->sigs.v[i].sum;
    }
    for (int i = 0; i <= TAMIS_ERR_CANCELLED; i++)
        into->skip_by_status[i] += from->skip_by_status[i];
    for (int i = 0; i < N_LEN_BINS; i++)
        into->len_hist[i] += from->len_hist[i];
    for (int i = 0; i < N_DUP_BINS; i++)
        into->dup_hist[i] += from->dup_hist[i];
}

uint64_t tamis_stats_in(const tamis_stats *st) { return st->in; }
uint64_t tamis_stats_written(const tamis_stats *st) { return st->written; }
uint64_t tamis_stats_dropped(const tamis_stats *st) { return st->dropped; }
uint64_t tamis_stats_skipped(const tamis_stats *st) { return st->skipped; }

/* Writes v[0..n) as a JSON array; with trim, trailing zero bins are left out. */
static void json_u64_array(tm_buf *b, const uint64_t *v, int n, bool trim)
{
    int last = n - 1;
    while (trim && last > 0 && !v[last])
        last--;
    tm_buf_putc(b, '[');
    for (int i = 0; i <= last; i++)
        tm_buf_printf(b, "%s%llu", i ? "," : "", (unsigned long long)v[i]);
    tm_buf_putc(b, ']');
}

static void json_named(tm_buf *b, const named_count *v, size_t n)
{
    tm_buf_putc(b, '{');
    for (size_t i = 0; i < n; i++) {
        if (i)
            tm_buf_putc(b, ',');
        tm_json_str(b, v[i].name, strlen(v[i].name));
        tm_buf_printf(b, ":%llu", (unsigned long long)v[i].n);
    }
    tm_buf_putc(b, '}');
}

tamis_status tamis_stats_json(const tamis_stats *st, double seconds, char **out)
{
    tm_buf b;
    tm_buf_init(&b);
    tm_buf_printf(&b,
                  "{\"records_in\":%llu,\"written\":%llu,\"dropped\":%llu,\"skipped\":%llu,"
                  "\"bytes_in\":%llu,\"bytes_out\":%llu,\"seconds\":",
                  (unsigned long long)st->in, (unsigned long long)st->written,
                  (unsigned long long)st->dropped, (unsigned long long)st->skipped,
                  (unsigned long long)st->bytes_in, (unsigned long long)st->bytes_out);
    tm_json_num(&b, seconds);
    tm_buf_puts(&b, ",\"dropped_by_reason\":");
    json_named(&b, st->drops.v, st->drops.n);
    tm_buf_puts(&b, ",\"skipped_by_error\":{");
    int first = 1;
    for (int i = 0; i <= TAMIS_ERR_CANCELLED; i++) {
        if (!st->skip_by_status[i])
            continue;
        if (!first)
            tm_buf_putc(&b, ',');
        first = 0;
        const char *nm = tamis_strerror((tamis_status)i);
        tm_json_str(&b, nm, strlen(nm));
        tm_buf_printf(&b, ":%llu", (unsigned long long)st->skip_by_status[i]);
    }
    tm_buf_puts(&b, "},\"stages\":[");
    for (size_t i = 0; i < st->stages.n; i++) {
        const stage_row *r = &st->stages.v[i];
        tm_buf_printf(&b, "%s{\"name\":", i ? "," : "");
        tm_json_str(&b, r->name, strlen(r->name));
        tm_buf_printf(&b, ",\"in\":%llu,\"dropped\":%llu,\"seconds\":",
                      (unsigned long long)r->in, (unsigned long long)r->dropped);
        tm_json_num(&b, r->seconds);
        tm_buf_putc(&b, '}');
    }
    tm_buf_puts(&b, "],\"languages\":");
    json_named(&b, st->langs.v, st->langs.n);
    tm_buf_puts(&b, ",\"histograms\":{\"text_bytes_log2\":");
    json_u64_array(&b, st->len_hist, N_LEN_BINS, true);
    tm_buf_puts(&b, ",\"dup_cluster_size_log2\":");
    json_u64_array(&b, st->dup_hist, N_DUP_BINS, true);
    tm_buf_puts(&b, ",\"signals\":{");
    for (size_t i = 0; i < st->sigs.n; i++) {
        const sig_hist *h = &st->sigs.v[i];
        if (i)
            tm_buf_putc(&b, ',');
        tm_json_str(&b, h->name, strlen(h->name));
        tm_buf_printf(&b, ":{\"n\":%llu,\"mean\":", (unsigned long long)h->n);
        tm_json_num(&b, h->n ? h->sum / (double)h->n : 0);
        tm_buf_puts(&b, ",\"unit20\":");
        json_u64_array(&b, h->unit, N_UNIT_BINS, false);
        tm_buf_puts(&b, ",\"log2\":");
        json_u64_array(&b, h->log, N_LOG_BINS, true);
        tm_buf_putc(&b, '}');
    }
    tamis_status s = tm_buf_puts(&b, "}}}");
    if (s == TAMIS_OK)
        s = tm_buf_nul(&b);
    if (s != TAMIS_OK) {
        tm_buf_free(&b);
        *out = NULL;
        return s;
    }
    *out = b.data;
    return TAMIS_OK;
}

/* ---- sidecar: "kind\tname\tvalues..." lines. Names never contain tabs or newlines
 * (rule names, language codes, signal names, stage names). */
static void put_u64s(FILE *f, const char *kind, const char *name, const uint64_t *v, int n)
{
    fprintf(f, "%s\t%s", kind, name);
    for (int i = 0; i < n; i++)
        fprintf(f, "\t%llu", (unsigned long long)v[i]);
    fputc('\n', f);
}

tamis_status tm_stats_save(const tamis_stats *st, const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return TAMIS_ERR_IO;
    uint64_t base[6] = {st->in, st->written, st->dropped, st->skipped, st->bytes_in,
                        st->bytes_out};
    put_u64s(f, "base", "-", base, 6);
    put_u64s(f, "skip", "-", st->skip_by_status, TAMIS_ERR_CANCELLED + 1);
    put_u64s(f, "len", "-", st->len_hist, N_LEN_BINS);
    put_u64s(f, "dup", "-", st->dup_hist, N_DUP_BINS);
    for (size_t i = 0; i < st->drops.n; i++)
        put_u64s(f, "drop", st->drops.v[i].name, &st->drops.v[i].n, 1);
    for (size_t i = 0; i < st->langs.n; i++)
        put_u64s(f, "lang", st->langs.v[i].name, &st->langs.v[i].n, 1);
    for (size_t i = 0; i < st->stages.n; i++)
        fprintf(f, "stage\t%s\t%llu\t%llu\t%.9g\n", st->stages.v[i].name,
                (unsigned long long)st->stages.v[i].in,
                (unsigned long long)st->stages.v[i].dropped, st->stages.v[i].seconds);
    for (size_t i = 0; i < st->sigs.n; i++) {
        const sig_hist *h = &st->sigs.v[i];
        fprintf(f, "sig\t%s\t%llu\t%.17g", h->name, (unsigned long long)h->n, h->sum);
        for (int b = 0; b < N_UNIT_BINS; b++)
            fprintf(f, "\t%llu", (unsigned long long)h->unit[b]);
        for (int b = 0; b < N_LOG_BINS; b++)
            fprintf(f, "\t%llu", (unsigned long long)h->log[b]);
        fputc('\n', f);
    }
    bool bad = ferror(f);
    if (fclose(f) != 0 || bad)
        return TAMIS_ERR_IO;
    return TAMIS_OK;
}

/* Parses up to max tab-separated unsigned fields after p into v; returns how many. */
static int get_u64s(char *p, uint64_t *v, int max)
{
    int n = 0;
    while (p && *p && n < max) {
        char *end;
        v[n++] = strtoull(p, &end, 10);
        p = *end == '\t' ? end + 1 : NULL;
    }
    return n;
}

tamis_status tm_stats_load(tamis_stats *st, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return TAMIS_ERR_IO;
    tamis_stats *tmp = tamis_stats_new();
    if (!tmp) {
        fclose(f);
        return TAMIS_ERR_NOMEM;
    }
    char line[8192];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        char *kind = line, *name = strchr(line, '\t');
        if (!name)
            continue;
        *name++ = '\0';
        char *rest = strchr(name, '\t');
        if (!rest)
            continue;
        *rest++ = '\0';
        if (!strcmp(kind, "base")) {
            uint64_t b[6] = {0};
            get_u64s(rest, b, 6);
            tmp->in = b[0], tmp->written = b[1], tmp->dropped = b[2], tmp->skipped = b[3];
            tmp->bytes_in = b[4], tmp->bytes_out = b[5];
        } else if (!strcmp(kind, "skip")) {
            get_u64s(rest, tmp->skip_by_status, TAMIS_ERR_CANCELLED + 1);
        } else if (!strcmp(kind, "len")) {
            get_u64s(rest, tmp->len_hist, N_LEN_BINS);
        } else if (!strcmp(kind, "dup")) {
            get_u64s(rest, tmp->dup_hist, N_DUP_BINS);
        } else if (!strcmp(kind, "drop") || !strcmp(kind, "lang")) {
            uint64_t n = 0;
            get_u64s(rest, &n, 1);
            named_count *c = named(kind[0] == 'd' ? (void *)&tmp->drops : (void *)&tmp->langs,
                                   name, strlen(name));
            if (c)
                c->n += n;
        } else if (!strcmp(kind, "stage")) {
            stage_row *r = stage_of(tmp, name);
            char *end;
            if (r) {
                r->in += strtoull(rest, &end, 10);
                r->dropped += strtoull(end, &end, 10);
                r->seconds += strtod(end, &end);
            }
        } else if (!strcmp(kind, "sig")) {
            sig_hist *h = sig_of(tmp, name);
            char *end;
            if (!h)
                continue;
            h->n += strtoull(rest, &end, 10);
            h->sum += strtod(end, &end);
            if (*end == '\t') {
                uint64_t v[N_UNIT_BINS + N_LOG_BINS] = {0};
                get_u64s(end + 1, v, N_UNIT_BINS + N_LOG_BINS);
                for (int b = 0; b < N_UNIT_BINS; b++)
                    h->unit[b] += v[b];
                for (int b = 0; b < N_LOG_BINS; b++)
                    h->log[b] += v[N_UNIT_BINS + b];
            }
        }
    }
    fclose(f);
    tamis_stats_merge(st, tmp);
    tamis_stats_free(tmp);
    return TAMIS_OK;
}
