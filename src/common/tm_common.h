/* tm_common.h — internal toolkit shared by every stage: arena, growable buffer, the
 * document struct, stage vtable and parameter tables. Not installed; stages include it,
 * the CLI never does (it sees only include/tamis.h).
 *
 * Dependency rule: src/common depends on libc and the Unicode libraries (utf8proc, ICU)
 * only; every other folder under src/
 * may use src/common and include/tamis.h, and no stage folder includes another stage's
 * headers (the pipeline composes them through the tamis_stage vtable).
 */
#ifndef TM_COMMON_H
#define TM_COMMON_H

#include "tamis.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#if defined(__GNUC__)
#define TM_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define TM_LIKELY(x) __builtin_expect(!!(x), 1)
#define TM_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define TM_PRINTF(a, b)
#define TM_LIKELY(x) (x)
#define TM_UNLIKELY(x) (x)
#endif

#define TM_MIN(a, b) ((a) < (b) ? (a) : (b))
#define TM_MAX(a, b) ((a) > (b) ? (a) : (b))

/* ---- allocation hook: every malloc of the library goes through these, so tests can
 * inject allocation failure (tm_alloc_fail_after). */
void *tm_malloc(size_t n);
void *tm_calloc(size_t n, size_t size);
void *tm_realloc(void *p, size_t n);
void tm_free(void *p);
char *tm_strdup(const char *s);
char *tm_strndup(const char *s, size_t n);
/* Test hook: the Nth allocation from now on (and every later one) fails; -1 disables. */
void tm_alloc_fail_after(long n);

/* ---- errors */
/* Fills err (if not NULL) and returns st. file may be NULL. */
tamis_status tm_err(tamis_error *err, tamis_status st, const char *file, uint64_t offset,
                    uint64_t record, const char *fmt, ...) TM_PRINTF(6, 7);

/* ---- arena: bump allocator in chunks; reset keeps the largest chunk (<= 16 MiB) for reuse. */
typedef struct tm_arena_chunk tm_arena_chunk;
typedef struct tm_arena {
    tm_arena_chunk *head; /* current chunk (newest) */
    tm_arena_chunk *first;
    size_t total;         /* bytes handed out since the last reset */
} tm_arena;

void tm_arena_init(tm_arena *a);
void tm_arena_reset(tm_arena *a);
void tm_arena_free(tm_arena *a);
/* 16-byte aligned, NULL on allocation failure. */
void *tm_arena_alloc(tm_arena *a, size_t n);
/* NUL-terminated copy of s[0..n). */
char *tm_arena_strndup(tm_arena *a, const char *s, size_t n);
char *tm_arena_printf(tm_arena *a, const char *fmt, ...) TM_PRINTF(2, 3);

/* ---- growable byte buffer (malloc-backed), with a ceiling (0: none). */
typedef struct tm_buf {
    char *data;
    size_t len, cap;
    size_t max; /* append fails with TAMIS_ERR_TOO_BIG past this many bytes */
} tm_buf;

void tm_buf_init(tm_buf *b);
void tm_buf_free(tm_buf *b);
static inline void tm_buf_clear(tm_buf *b) { b->len = 0; }
tamis_status tm_buf_reserve(tm_buf *b, size_t extra);
tamis_status tm_buf_append(tm_buf *b, const void *p, size_t n);
tamis_status tm_buf_putc(tm_buf *b, char c);
tamis_status tm_buf_puts(tm_buf *b, const char *s);
tamis_status tm_buf_printf(tm_buf *b, const char *fmt, ...) TM_PRINTF(2, 3);
/* Ensures data[len] == '\0' (not counted in len). */
tamis_status tm_buf_nul(tm_buf *b);

/* ---- JSON output helpers (writer, reports, stats). */
/* Appends s[0..n) as a quoted JSON string; invalid UTF-8 becomes U+FFFD. */
tamis_status tm_json_str(tm_buf *b, const char *s, size_t n);
/* Appends a number the way JSON wants it (no NaN/Inf: those become null). */
tamis_status tm_json_num(tm_buf *b, double v);

/* ---- JSON input scanning (JSONL reader, metadata pass-through). Hand-written because
 * the only JSON libraries Debian 12 ships for C (json-c, jansson) build a full DOM per
 * line; tamis only needs two fields of each line and skips the rest in place. */
typedef struct tm_json_member {
    const char *key;     /* raw key bytes between the quotes (still escaped) */
    size_t key_len;
    const char *val;     /* first byte of the value */
    const char *val_end; /* one past its last byte */
} tm_json_member;

/* Skips whitespace. */
const char *tm_json_ws(const char *p, const char *end);
/* Returns one past the JSON value starting at p, or NULL if malformed, cut short or
 * nested deeper than max_depth. */
const char *tm_json_skip(const char *p, const char *end, int max_depth);
/* Object iteration: *pp points at '{' on the first call (then is advanced). Returns 1 and
 * fills m for each member, 0 at the closing '}', -1 if malformed. */
int tm_json_obj_next(const char **pp, const char *end, tm_json_member *m, int max_depth);
/* Appends the decoded (unescaped, UTF-8) content of the JSON string at p ('"'..'"') to
 * out. Returns one past the closing quote, or NULL if malformed. Invalid \u surrogates
 * become U+FFFD. */
const char *tm_json_decode_str(const char *p, const char *end, tm_buf *out);

/* ---- UTF-8 */
/* Length of the longest valid UTF-8 prefix of s[0..n). */
size_t tm_utf8_valid_prefix(const char *s, size_t n);
/* Copies s into the arena with invalid sequences replaced by U+FFFD and NULs removed. */
char *tm_utf8_sanitize(tm_arena *a, const char *s, size_t n, size_t *out_len);

/* ---- the document (opaque in tamis.h) */
typedef struct tm_strlist {
    const char **v;
    uint32_t n, cap;
} tm_strlist;

typedef struct tm_signal {
    const char *name;
    double value;
} tm_signal;

typedef struct tm_count {
    const char *name;
    uint64_t n;
} tm_count;

struct tamis_doc {
    tm_arena arena;
    const char *id;
    tamis_kind kind;
    /* Set by extract once the payload's main text is in `text`: clean leaves such
     * documents alone (it is for text records: WET, JSONL, .txt). */
    bool extracted;
    const uint8_t *payload;
    size_t payload_len;
    const char *text; /* UTF-8, NUL-terminated, "" when none */
    size_t text_len;
    const char *src_file; /* borrowed from the reader; valid while the reader lives */
    uint64_t src_offset;
    uint64_t src_record;
    tm_strlist meta[TAMIS_F__COUNT];
    /* JSONL input's "metadata" object, raw JSON text, passed through to the output for
     * every key tamis does not set itself (nothing silently lost). NULL if none. */
    const char *input_meta;
    size_t input_meta_len;
    tm_signal *signals;
    uint32_t n_signals, cap_signals;
    tm_strlist reasons; /* drop reasons; dropped iff reasons.n > 0 */
    tm_count *removed;  /* lines removed by reason (clean, dedup) */
    uint32_t n_removed, cap_removed;
    /* dedup result */
    bool has_dup;
    bool dup_keep;
    uint64_t dup_size;
    const char *dup_cluster; /* cluster id (id of the representative) */
    uint64_t seq; /* position among the documents a corpus stage observed (see tm_stage_vt) */
    /* What a corpus stage's prepare() made for its observe() (in arena), NULL if none. */
    const void *corpus_rec;
    size_t corpus_rec_len;
};

/* Internal doc helpers (also usable by stages). */
tamis_status tm_doc_set_textn(tamis_doc *doc, const char *text, size_t len); /* copies */
/* Adopts text already allocated in doc->arena (no copy). */
void tm_doc_adopt_text(tamis_doc *doc, const char *text, size_t len);
tamis_status tm_doc_setn(tamis_doc *doc, tamis_field f, const char *v, size_t n);
tamis_status tm_doc_addn(tamis_doc *doc, tamis_field f, const char *v, size_t n);
tamis_status tm_doc_count_removed(tamis_doc *doc, const char *reason, uint64_t n);
tamis_status tm_doc_dropf(tamis_doc *doc, const char *fmt, ...) TM_PRINTF(2, 3);

/* Serialises doc as one JSON object (no newline) appended to b (src/io/tm_json_out.c).
 * tm_buf_append errors inside are sticky in the sense that the final status reports them. */
tamis_status tm_doc_json(const tamis_doc *doc, const tamis_writer_opts *opts, tm_buf *b);

/* ---- run statistics beyond the public counters (src/common/tm_stats.c) */
/* A document reached stage `stage` (funnel); dropped says whether the stage dropped it;
 * seconds is the time the stage spent on it. */
void tm_stats_stage(tamis_stats *st, const char *stage, bool dropped, double seconds);
/* Histograms for the report: length, language, signals, duplicate cluster sizes. */
void tm_stats_observe_doc(tamis_stats *st, const tamis_doc *doc);
/* Sidecar persistence for resumable runs: a small text format, one counter per line. */
tamis_status tm_stats_save(const tamis_stats *st, const char *path);
tamis_status tm_stats_load(tamis_stats *st, const char *path);

/* ---- parameters: each stage describes its config struct with a table; generic code
 * parses values, fills defaults, prints `tamis config --default`. */
typedef enum tm_ptype { TM_P_INT, TM_P_DOUBLE, TM_P_BOOL, TM_P_STRING } tm_ptype;

typedef struct tm_param {
    const char *key;
    tm_ptype type;
    const char *def; /* default, as text */
    size_t offset;   /* offsetof(config struct, field): int64_t, double, bool, char* */
    const char *help;
} tm_param;

/* Fills cfg with every default of the table (NULL-key terminated). */
tamis_status tm_params_defaults(const tm_param *tab, void *cfg);
tamis_status tm_params_set(const tm_param *tab, void *cfg, const char *stage, const char *key,
                           const char *value, tamis_error *err);
/* Frees TM_P_STRING values. */
void tm_params_free(const tm_param *tab, void *cfg);
const char *tm_param_type_name(tm_ptype t);

/* ---- stage vtable: every stage folder defines one `const tm_stage_vt tm_<name>_stage`. */
typedef struct tm_stage_vt {
    const char *name;
    const tm_param *params; /* NULL-key terminated */
    size_t cfg_size;        /* size of the config struct the table describes */
    /* Creates the stage state from a filled config (borrowed: lives as long as the stage).
     * Called lazily before the first observe/process, so every set() has happened. */
    tamis_status (*create)(void **self, const void *cfg, tamis_error *err);
    /* Thread-safe for distinct docs unless is_corpus; scratch memory goes in doc->arena. */
    tamis_status (*process)(void *self, tamis_doc *doc, tamis_error *err);
    /* Optional corpus protocol (NULL when not used). The pipeline calls observe once per
     * surviving document in input order with doc->seq = 0, 1, 2, ...; then finish; then
     * process for the same documents carrying the same doc->seq values, possibly in
     * another order and from several threads at once (process must only read the state
     * finish built). */
    int (*is_corpus)(const void *cfg);
    tamis_status (*observe)(void *self, const tamis_doc *doc, tamis_error *err);
    tamis_status (*finish)(void *self, tamis_error *err);
    /* Optional: JSON object of counters (malloc'ed) or NULL. */
    char *(*report)(const void *self);
    void (*destroy)(void *self);
    /* Optional: sets a parameter in place of the table lookup, for a stage that takes keys
     * beyond its table (filter's lang.<code>.<key>); it passes every other key on to
     * tm_params_set. */
    tamis_status (*set)(void *cfg, const char *key, const char *value, tamis_error *err);
    /* Optional corpus hooks. prepare: the per-document work of observe, run by the worker
     * threads (thread-safe, any order) on every document the stage will observe; it leaves
     * doc->corpus_rec (in doc->arena) for observe, which then only stores it, so the
     * serial part of an observe pass stays small. set_budget: bytes the stage may keep for
     * its corpus state, and a folder for the files past that; called before observe. */
    tamis_status (*prepare)(void *self, tamis_doc *doc, tamis_error *err);
    void (*set_budget)(void *self, size_t bytes, const char *tmp_dir);
} tm_stage_vt;

/* Generic calls of the optional corpus hooks above (no-ops when a stage has none). */
tamis_status tm_stage_prepare(tamis_stage *s, tamis_doc *doc, tamis_error *err);
void tm_stage_set_budget(tamis_stage *s, size_t bytes, const char *tmp_dir);

extern const tm_stage_vt tm_extract_stage;
extern const tm_stage_vt tm_clean_stage;
extern const tm_stage_vt tm_lang_stage;
extern const tm_stage_vt tm_filter_stage;
extern const tm_stage_vt tm_dedup_stage;

/* Directory holding data files (stop-word lists, models): $TAMIS_DATA_DIR, else the
 * build-time TAMIS_DATA_DIR_DEFAULT, else "data". Static string. */
const char *tm_data_dir(void);

#endif /* TM_COMMON_H */
