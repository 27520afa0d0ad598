/* tm_stats.c — per-run accounting: every input record is written, dropped or skipped. */
#include "tm_common.h"

typedef struct stat_count {
    char *name;
    uint64_t n;
} stat_count;

struct tamis_stats {
    uint64_t in, written, dropped, skipped;
    uint64_t bytes_in, bytes_out;
    stat_count *drops;
    size_t n_drops, cap_drops;
    uint64_t skip_by_status[TAMIS_ERR_INTERNAL + 1];
};

tamis_stats *tamis_stats_new(void) { return tm_calloc(1, sizeof(tamis_stats)); }

void tamis_stats_free(tamis_stats *st)
{
    if (!st)
        return;
    for (size_t i = 0; i < st->n_drops; i++)
        tm_free(st->drops[i].name);
    tm_free(st->drops);
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

static void add_drop_n(tamis_stats *st, const char *name, size_t len, uint64_t n)
{
    for (size_t i = 0; i < st->n_drops; i++)
        if (strlen(st->drops[i].name) == len && memcmp(st->drops[i].name, name, len) == 0) {
            st->drops[i].n += n;
            return;
        }
    if (st->n_drops == st->cap_drops) {
        size_t cap = st->cap_drops ? st->cap_drops * 2 : 16;
        stat_count *nd = tm_realloc(st->drops, cap * sizeof *nd);
        if (!nd)
            return; /* the total still counts it */
        st->drops = nd;
        st->cap_drops = cap;
    }
    char *c = tm_strndup(name, len);
    if (!c)
        return;
    st->drops[st->n_drops].name = c;
    st->drops[st->n_drops].n = n;
    st->n_drops++;
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
    if ((unsigned)why <= TAMIS_ERR_INTERNAL)
        st->skip_by_status[why]++;
}

void tamis_stats_merge(tamis_stats *into, const tamis_stats *from)
{
    into->in += from->in;
    into->written += from->written;
    into->dropped += from->dropped;
    into->skipped += from->skipped;
    into->bytes_in += from->bytes_in;
    into->bytes_out += from->bytes_out;
    for (size_t i = 0; i < from->n_drops; i++)
        add_drop_n(into, from->drops[i].name, strlen(from->drops[i].name), from->drops[i].n);
    for (int i = 0; i <= TAMIS_ERR_INTERNAL; i++)
        into->skip_by_status[i] += from->skip_by_status[i];
}

uint64_t tamis_stats_in(const tamis_stats *st) { return st->in; }
uint64_t tamis_stats_written(const tamis_stats *st) { return st->written; }
uint64_t tamis_stats_dropped(const tamis_stats *st) { return st->dropped; }
uint64_t tamis_stats_skipped(const tamis_stats *st) { return st->skipped; }

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
    tm_buf_puts(&b, ",\"dropped_by_reason\":{");
    for (size_t i = 0; i < st->n_drops; i++) {
        if (i)
            tm_buf_putc(&b, ',');
        tm_json_str(&b, st->drops[i].name, strlen(st->drops[i].name));
        tm_buf_printf(&b, ":%llu", (unsigned long long)st->drops[i].n);
    }
    tm_buf_puts(&b, "},\"skipped_by_error\":{");
    int first = 1;
    for (int i = 0; i <= TAMIS_ERR_INTERNAL; i++) {
        if (!st->skip_by_status[i])
            continue;
        if (!first)
            tm_buf_putc(&b, ',');
        first = 0;
        const char *nm = tamis_strerror((tamis_status)i);
        tm_json_str(&b, nm, strlen(nm));
        tm_buf_printf(&b, ":%llu", (unsigned long long)st->skip_by_status[i]);
    }
    tamis_status s = tm_buf_puts(&b, "}}");
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
