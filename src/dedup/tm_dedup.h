/* tm_dedup.h — internals of the dedup stage shared by its files: configuration, per-document
 * signature records (one binary layout in memory and in signature files), line-hash table,
 * bucket processing and clustering. Private to src/dedup (tests may include it). */
#ifndef TM_DEDUP_H
#define TM_DEDUP_H

#include "../common/tm_common.h"

#include <stdio.h>

/* ---- configuration (the [dedup] section; table in tm_dedup_stage.c) */
typedef struct tm_dd_cfg {
    bool exact;          /* exact dedup by XXH3-128 of the normalised text */
    bool near;           /* MinHash-LSH near duplicates */
    bool containment;    /* similarity = |A∩B| / min(|A|,|B|) instead of Jaccard */
    bool lines;          /* corpus-wide line dedup */
    bool drop;           /* drop non-representatives (else annotate only) */
    int64_t ngram;       /* words per shingle */
    int64_t bands;
    int64_t rows;
    int64_t seed;
    double threshold;    /* similarity a candidate pair needs to count as a duplicate */
    char *verify;        /* exact | estimate | none */
    char *keep;          /* first | longest | earliest */
    char *pairs;         /* path of the verified-pairs TSV, "" for none */
    int64_t bucket_all_pairs; /* buckets up to this size verify every pair, larger: star */
    int64_t line_threshold;   /* a line seen more than this many times is a duplicate */
    bool line_keep_first;     /* keep a duplicated line at its first occurrence */
    bool line_normalize;      /* hash lines after TM_NORM_DEDUP (else raw bytes) */
    int64_t line_min_chars;   /* shorter lines are never counted nor removed */
    int64_t partitions;       /* sharded buckets: hash-range partitions */
    int64_t mem_mb;           /* sharded buckets: sort buffer before spilling a run */
    int64_t threads;          /* sharded signatures: worker threads, 0 = all cores */
} tm_dd_cfg;

/* The [dedup] parameter table (tm_dedup_stage.c), shared with the sharded steps. */
extern const tm_param tm_dd_param_table[];

enum { TM_DD_VERIFY_EXACT, TM_DD_VERIFY_ESTIMATE, TM_DD_VERIFY_NONE };
enum { TM_DD_KEEP_FIRST, TM_DD_KEEP_LONGEST, TM_DD_KEEP_EARLIEST };

/* Resolved, validated parameters (enums instead of strings). */
typedef struct tm_dd_params {
    uint32_t ngram, bands, rows, k; /* k = bands * rows */
    uint64_t seed;
    double threshold;
    int verify, keep;
    bool exact, near, containment;
    uint32_t bucket_all_pairs;
} tm_dd_params;

tamis_status tm_dd_params_from_cfg(const tm_dd_cfg *cfg, tm_dd_params *p, tamis_error *err);

/* ---- hashing: the per-value keys of the MinHash family for a seed. */
typedef struct tm_dd_hasher {
    tm_dd_params p;
    uint64_t *b; /* k keys */
} tm_dd_hasher;

tamis_status tm_dd_hasher_init(tm_dd_hasher *h, const tm_dd_params *p);
void tm_dd_hasher_free(tm_dd_hasher *h);

/* ---- signature record: the unit every dedup step exchanges. Layout (little-endian, all
 * fields 8-byte aligned; docs/dedup.md documents it for signature files):
 *   u32 rec_len      total bytes of the record, a multiple of 8
 *   u32 id_len
 *   u64 seq          position of the document in its shard (0-based)
 *   u64 exact_lo, exact_hi   XXH3-128 of the normalised text (0,0 if it is empty)
 *   u32 n_words      words of the normalised text
 *   u32 n_shingles   distinct shingles (0 when fewer than ngram words)
 *   u32 text_len     bytes of the original text
 *   i32 date         yyyymmdd from the date field, INT32_MAX when unknown
 *   u64 band[bands]  band hashes (absent when n_shingles == 0)
 *   u64 sig[k]       minhash values (only with verify=estimate; absent when no shingles)
 *   u32 sh[n_shingles]  sorted distinct 32-bit shingle hashes (only with verify=exact)
 *   id bytes, NUL, zero padding to 8 */
typedef struct tm_dd_rec {
    uint32_t rec_len, id_len;
    uint64_t seq;
    uint64_t exact_lo, exact_hi;
    uint32_t n_words, n_shingles, text_len;
    int32_t date;
} tm_dd_rec;

typedef struct tm_dd_view {
    const tm_dd_rec *h;
    const uint64_t *band; /* NULL when no shingles */
    const uint64_t *sig;  /* NULL unless verify=estimate */
    const uint32_t *sh;   /* NULL unless verify=exact */
    const char *id;
} tm_dd_view;

/* Computes the record of one text and appends it to out. Scratch in `scratch` buffers
 * (reused between calls). date may be NULL. Thread-safe for distinct scratch. */
typedef struct tm_dd_scratch {
    tm_buf norm, tmp;
    uint64_t *words;   /* word hashes */
    size_t cap_words;
    uint64_t *sig;
    uint32_t *sh;
    size_t cap_sh;
    struct tm_dd_cpcache *cpc; /* normalised non-ASCII code points (tm_minhash.c) */
} tm_dd_scratch;
void tm_dd_scratch_free(tm_dd_scratch *s);

tamis_status tm_dd_make_record(const tm_dd_hasher *h, tm_dd_scratch *s, const char *text,
                               size_t len, const char *id, size_t id_len, uint64_t seq,
                               const char *date, tm_buf *out);
/* Decodes the record at p (which has `avail` bytes). Returns false if malformed. */
bool tm_dd_view_rec(const tm_dd_params *p, const void *rec, size_t avail, tm_dd_view *v);

/* The dedup normalisation (datatrove's simplify_text): digit runs with an inner . or ,
 * become one '0', then TM_NORM_DEDUP. Appends to out. */
tamis_status tm_dd_normalize(tm_buf *out, tm_buf *tmp, const char *s, size_t n);
/* "YYYY-MM-DD..." -> yyyymmdd; INT32_MAX if it does not start with a date. */
int32_t tm_dd_parse_date(const char *s);

/* Similarity of two documents under the parameters (Jaccard or containment; exact on
 * shingles, estimated from signatures, or 1 with verify=none). */
double tm_dd_similarity(const tm_dd_params *p, const tm_dd_view *a, const tm_dd_view *b);

/* ---- bucket entries: (band, key, doc) sorted; a bucket is a run of equal (band, key).
 * Band index `bands` is the exact-text bucket (key = exact_lo). */
typedef struct tm_dd_entry {
    uint64_t key;
    uint32_t band;
    uint32_t pad;
    uint64_t doc; /* global document index */
} tm_dd_entry;

int tm_dd_entry_cmp(const void *a, const void *b);

/* Candidate pair a < b. */
typedef struct tm_dd_pair {
    uint64_t a, b;
} tm_dd_pair;

/* Growable pair list. */
typedef struct tm_dd_pairs {
    tm_dd_pair *v;
    size_t n, cap;
} tm_dd_pairs;
tamis_status tm_dd_pairs_push(tm_dd_pairs *l, uint64_t a, uint64_t b);
void tm_dd_pairs_sort_unique(tm_dd_pairs *l);

/* Appends the candidate pairs of one bucket (members sorted by doc index) to out:
 * every pair when the bucket has at most bucket_all_pairs members, else each member
 * paired with the first only (no quadratic blow-up on huge buckets). */
tamis_status tm_dd_bucket_pairs(const tm_dd_params *p, const uint64_t *docs, size_t n,
                                tm_dd_pairs *out);

/* Verified edge. */
typedef struct tm_dd_edge {
    uint64_t a, b;
    double sim;
    bool exact; /* same normalised text */
} tm_dd_edge;

/* Random access to records by global document index (in memory or mmap'ed files). */
typedef struct tm_dd_store {
    const tm_dd_params *p;
    const uint8_t **base; /* per doc: pointer to its record */
    const size_t *avail;  /* NULL: trusted (built in memory) */
    uint64_t n;
} tm_dd_store;

/* Verifies candidate pairs (sorted, unique) against the store; appends accepted edges. */
tamis_status tm_dd_verify(const tm_dd_store *st, const tm_dd_pairs *cand, tm_dd_edge **edges,
                          size_t *n_edges, size_t *cap_edges);
/* The same for clustering only: forest holds union-find parents (st->n entries, i for a
 * lone document); a candidate whose documents are joined already is not verified and an
 * accepted one joins them, so edges get a spanning forest of the clusters: the same
 * clusters as from every verified pair, in memory and time that do not grow with the
 * square of a cluster's size. forest NULL: tm_dd_verify. */
tamis_status tm_dd_verify_forest(const tm_dd_store *st, const tm_dd_pairs *cand,
                                 uint64_t *forest, tm_dd_edge **edges, size_t *n_edges,
                                 size_t *cap_edges);

/* ---- clustering: union-find over edges, representatives by policy. */
typedef struct tm_dd_clusters {
    uint64_t n;
    uint64_t *rep;  /* per doc: index of its cluster's representative */
    uint64_t *size; /* per doc: size of its cluster */
} tm_dd_clusters;

tamis_status tm_dd_cluster(const tm_dd_store *st, const tm_dd_edge *edges, size_t n_edges,
                           tm_dd_clusters *out);
void tm_dd_clusters_free(tm_dd_clusters *c);

/* ---- line dedup: open-addressing table of 64-bit line hashes, 24 bytes per slot kept at
 * most half full: 48 MB per million distinct lines. */
typedef struct tm_dd_line_slot {
    uint64_t hash;      /* 0 = empty (a zero hash is mapped to 1) */
    uint64_t first_seq; /* document of the first occurrence */
    uint32_t first_line;
    uint32_t count;
} tm_dd_line_slot;

typedef struct tm_dd_lines {
    tm_dd_line_slot *slots;
    size_t cap, n;
} tm_dd_lines;

void tm_dd_lines_free(tm_dd_lines *t);
/* Hash of one line (normalised or raw); 0 if the line does not count (too short/empty). */
uint64_t tm_dd_line_hash(const tm_dd_cfg *cfg, tm_buf *norm, tm_buf *tmp, const char *s,
                         size_t n);
/* First pass: counts every line of the text of document seq. */
tamis_status tm_dd_lines_observe(tm_dd_lines *t, const tm_dd_cfg *cfg, tm_buf *norm,
                                 tm_buf *tmp, const char *text, size_t len, uint64_t seq);
/* Second pass: calls fn(ctx, start, end) for each duplicate line span [start, end) (byte
 * offsets, the span includes the line's '\n'). Returns the number of duplicate lines. */
typedef void (*tm_dd_span_fn)(void *ctx, size_t start, size_t end);
size_t tm_dd_lines_spans(const tm_dd_lines *t, const tm_dd_cfg *cfg, tm_buf *norm, tm_buf *tmp,
                         const char *text, size_t len, uint64_t seq, tm_dd_span_fn fn,
                         void *ctx);

/* ---- signature files (tm_dedup_shard.c): records on disk, memory-mapped for reading.
 * Used by the sharded steps and by the corpus stage once its records outgrow memory. */
/* Writes the 64-byte file header at f's current position. */
tamis_status tm_dd_sig_header(FILE *f, const tm_dd_params *p, uint32_t shard, uint64_t n_docs,
                              uint64_t data_bytes, const char *path, tamis_error *err);

/* Every signature file mapped read-only, and the store indexing all their records
 * (20 bytes per document in memory). */
typedef struct tm_dd_sigset {
    tm_dd_params p;
    size_t n_files;
    void **maps;
    size_t *lens;
    uint32_t *shard;   /* per file */
    uint64_t *first;   /* per file: global index of its first document */
    const uint8_t **base;
    size_t *avail;
    uint32_t *doc_file; /* per doc: file index */
    tm_dd_store store;
} tm_dd_sigset;

/* Maps paths[0..n) (or, when fds is not NULL, the open files fds[i], paths naming them in
 * messages) made with parameters p, checks them and indexes their records. */
tamis_status tm_dd_sigset_open(tm_dd_sigset *s, const tm_dd_params *p, const char *const *paths,
                               const int *fds, size_t n, tamis_error *err);
/* Releases the mapped pages from the resident set (they come back from the page cache).
 * Readers call it after every TM_DD_TRIM_BYTES of records read, which bounds the resident
 * part of the mapping whatever the size of the files. Measured on the 88 MB signature file
 * of bench/bench_run.sh's corpus: the resident part peaked at 57 MB trimming every 8 MB,
 * 25 MB every 1 MB (the kernel maps pages around each fault); a trim costs a walk of the
 * mapping's page tables, small next to reading 1 MB of records. */
void tm_dd_sigset_trim(const tm_dd_sigset *s);
#define TM_DD_TRIM_BYTES ((size_t)1 << 20)
void tm_dd_sigset_free(tm_dd_sigset *s);

/* Verified edges of one hash-range partition of the band buckets: entries sorted in runs of
 * at most mem bytes (spilled to tmp_dir past that) and merged, candidate pairs verified
 * against the mapped records. With a forest (tm_dd_verify_forest), each bucket's pairs are
 * verified as the bucket is complete and edges get a spanning forest; else every verified
 * pair, sorted. Appends to edges; adds the candidate count to *n_cand. */
tamis_status tm_dd_partition_edges(const tm_dd_sigset *ss, uint32_t partition, uint32_t parts,
                                   size_t mem, const char *tmp_dir, uint64_t *forest,
                                   tm_dd_edge **edges, size_t *n_edges, size_t *cap_edges,
                                   uint64_t *n_cand, tamis_error *err);
/* Sorts edges by (a, b) and drops repeats (a pair sharing buckets in two partitions). */
void tm_dd_edges_sort_unique(tm_dd_edge *edges, size_t *n);

/* ---- pairs TSV: `id_a<TAB>id_b<TAB>similarity` per edge. */
tamis_status tm_dd_write_pairs(const char *path, const tm_dd_store *st, const tm_dd_edge *edges,
                               size_t n_edges, tamis_error *err);

#endif
