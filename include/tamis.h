/* tamis.h — the public contract of libtamis: documents, readers, writers, stages, pipeline.
 *
 * tamis turns raw crawled web data (WARC/WET/JSONL/text, gzip/zstd) into clean,
 * language-tagged, quality-scored, deduplicated text with article metadata.
 *
 * Conventions that hold for every declaration below:
 *  - Every fallible call returns a tamis_status; results come back through OUT parameters.
 *  - Handles are opaque and have one lifecycle: tamis_X_new / tamis_X_free. _free(NULL)
 *    is a no-op. No function takes ownership of its arguments.
 *  - Strings are UTF-8, NUL-terminated, and come with an explicit length where they may
 *    contain NUL. A returned `const char *` is BORROWED: its lifetime is stated per call
 *    (usually "until the document is reset or freed").
 *  - An optional `tamis_error *err` (may be NULL) receives file, byte offset, record number
 *    and a human-readable message when a call fails.
 *  - Thread safety: distinct handles may be used from distinct threads at once. A single
 *    handle is not thread-safe unless the call says so.
 *  - The library never calls exit() or abort() and never prints; diagnostics go to the
 *    caller through tamis_error.
 */
#ifndef TAMIS_H
#define TAMIS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) && defined(TAMIS_BUILDING)
#define TAMIS_API __attribute__((visibility("default")))
#else
#define TAMIS_API
#endif

#define TAMIS_VERSION_MAJOR 0
#define TAMIS_VERSION_MINOR 1
#define TAMIS_VERSION_PATCH 0
#define TAMIS_VERSION_STRING "0.1.0"

/** The library version string, static. */
TAMIS_API const char *tamis_version(void);

/* ------------------------------------------------------------------------------------
 * Status and errors
 * ---------------------------------------------------------------------------------- */

/** One status enum for every fallible call. Values are stable: never renumbered. */
typedef enum tamis_status {
    TAMIS_OK = 0,              /* success */
    TAMIS_END = 1,             /* iterator exhausted: no more records */
    TAMIS_ERR_NOMEM = 2,       /* allocation failed */
    TAMIS_ERR_IO = 3,          /* open/read/write failed (errno in message) */
    TAMIS_ERR_FORMAT = 4,      /* malformed record or line: skipped, reading goes on */
    TAMIS_ERR_TRUNCATED = 5,   /* input ends inside a record (clipped gzip, short body) */
    TAMIS_ERR_TOO_BIG = 6,     /* a record, line or page exceeds a configured ceiling */
    TAMIS_ERR_ENCODING = 7,    /* undecodable bytes (charset, compression) */
    TAMIS_ERR_ARG = 8,         /* bad argument or unknown/invalid parameter */
    TAMIS_ERR_UNSUPPORTED = 9, /* format or feature not supported */
    TAMIS_ERR_LIMIT = 10,      /* depth or time budget exceeded while processing */
    TAMIS_ERR_INTERNAL = 11,   /* a bug: please report */
    TAMIS_ERR_CANCELLED = 12   /* stopped on request (tamis_pipeline_opts.cancel) */
} tamis_status;

/** Static English description of a status, never NULL. */
TAMIS_API const char *tamis_strerror(tamis_status st);

/** Error detail. Filled by calls that take a `tamis_error *`; zero it before first use. */
typedef struct tamis_error {
    tamis_status status;
    char file[512];    /* input file name ("-" for stdin), empty if not applicable */
    uint64_t offset;   /* byte offset in the input file where the record starts */
    uint64_t record;   /* 1-based record (or line) number in the file, 0 if unknown */
    char message[512]; /* human-readable, one line, no trailing newline */
} tamis_error;

/* ------------------------------------------------------------------------------------
 * Documents
 *
 * A document is everything tamis knows about one input record: where it came from,
 * its raw payload (e.g. HTML bytes), its text, its metadata, quality signals, the
 * keep/drop decision with reasons, and its duplicate cluster. All memory derived from
 * a document lives in the document's arena: every pointer obtained from a tamis_doc_*
 * getter stays valid until tamis_doc_reset() or tamis_doc_free() on that document.
 * Reusing one document across records (reset) reuses the arena without malloc churn.
 * ---------------------------------------------------------------------------------- */

typedef struct tamis_doc tamis_doc;

/** What the payload is. Stages use it to decide whether they apply. */
typedef enum tamis_kind {
    TAMIS_KIND_TEXT = 0,  /* plain text (WET conversion, JSONL text, .txt) */
    TAMIS_KIND_HTML = 1,  /* HTML bytes in payload, text not yet extracted */
    TAMIS_KIND_OTHER = 2  /* anything else (request, warcinfo, binary): passed through */
} tamis_kind;

/** Metadata fields shared by all stages. Names are the JSONL keys (tamis_field_name). */
typedef enum tamis_field {
    TAMIS_F_URL = 0,
    TAMIS_F_TITLE,
    TAMIS_F_AUTHOR,       /* several values are written joined with "; " */
    TAMIS_F_DATE,         /* ISO 8601 publication date */
    TAMIS_F_MODIFIED,     /* ISO 8601 modification date */
    TAMIS_F_SITE,
    TAMIS_F_CATEGORY,     /* several values are written joined with "; " */
    TAMIS_F_TAGS,         /* list: written as a JSON array */
    TAMIS_F_DATELINE,
    TAMIS_F_READING_TIME, /* minutes, written as a JSON number */
    TAMIS_F_RELATED,      /* list of related-article titles or URLs: JSON array */
    TAMIS_F_DESCRIPTION,
    TAMIS_F_LANG,         /* ISO 639-1 (or 639-3 when no 639-1 exists) */
    TAMIS_F_LANG_SCORE,   /* 0..1, written as a JSON number */
    TAMIS_F_CANONICAL,    /* canonical URL declared by the page */
    TAMIS_F_IMAGE,
    TAMIS_F_LANG_HINT,    /* language declared by the page (html lang, meta) */
    TAMIS_F_WARC_TYPE,    /* record info below: set by readers */
    TAMIS_F_WARC_DATE,
    TAMIS_F_WARC_ID,
    TAMIS_F_CONTENT_TYPE,
    TAMIS_F_CHARSET,      /* declared charset of the payload, if any */
    TAMIS_F_HTTP_STATUS,  /* written as a JSON number */
    TAMIS_F_LANG_TOP,     /* list: the top-3 languages as "code:score", best first */
    TAMIS_F_LANG_PARAGRAPHS, /* list: "start-end:code:score" per paragraph (byte offsets in
                              * the text) when paragraphs disagree with the document */
    TAMIS_F_SCRIPT,       /* dominant script of the letters, ISO 15924 ("Latn", "Cyrl"…) */
    TAMIS_F_CONTENT_LENGTH, /* WARC/ARC record block length in bytes: JSON number (readers) */
    TAMIS_F__COUNT
} tamis_field;

/** JSON key of a field ("url", "title", ...), static. NULL for an out-of-range value. */
TAMIS_API const char *tamis_field_name(tamis_field f);
/** Field by JSON key; returns TAMIS_F__COUNT if unknown. */
TAMIS_API tamis_field tamis_field_by_name(const char *name);

/** A new empty document, or NULL on allocation failure. */
TAMIS_API tamis_doc *tamis_doc_new(void);
/** Empties the document for reuse; invalidates every pointer obtained from it. */
TAMIS_API void tamis_doc_reset(tamis_doc *doc);
TAMIS_API void tamis_doc_free(tamis_doc *doc);

/** Identifier (from the input, or derived: WARC-Record-ID, JSONL id, file name). */
TAMIS_API const char *tamis_doc_id(const tamis_doc *doc);
TAMIS_API tamis_kind tamis_doc_kind(const tamis_doc *doc);
/** Text (UTF-8). *len may be NULL. Empty string, never NULL, when no text. */
TAMIS_API const char *tamis_doc_text(const tamis_doc *doc, size_t *len);
/** Raw payload bytes (may contain NUL), e.g. HTML. *len may be NULL. */
TAMIS_API const uint8_t *tamis_doc_payload(const tamis_doc *doc, size_t *len);
/** Input file (borrowed) and byte offset of the record in it. */
TAMIS_API const char *tamis_doc_source(const tamis_doc *doc, uint64_t *offset);

/** First value of a metadata field, or NULL if absent. */
TAMIS_API const char *tamis_doc_get(const tamis_doc *doc, tamis_field f);
/** Number of values of a field and the i-th value (NULL if out of range). */
TAMIS_API size_t tamis_doc_count(const tamis_doc *doc, tamis_field f);
TAMIS_API const char *tamis_doc_get_at(const tamis_doc *doc, tamis_field f, size_t i);

/** Setters copy their arguments into the document's arena. */
TAMIS_API tamis_status tamis_doc_set_id(tamis_doc *doc, const char *id, size_t len);
TAMIS_API tamis_status tamis_doc_set_text(tamis_doc *doc, const char *text, size_t len);
TAMIS_API tamis_status tamis_doc_set_payload(tamis_doc *doc, tamis_kind kind,
                                             const uint8_t *data, size_t len);
/** Replaces all values of a field with one value (NULL value: removes the field). */
TAMIS_API tamis_status tamis_doc_set(tamis_doc *doc, tamis_field f, const char *value);
/** Appends one value to a list-valued field (duplicates are ignored). */
TAMIS_API tamis_status tamis_doc_add(tamis_doc *doc, tamis_field f, const char *value);

/** Keep/drop decision. A document starts kept; the first drop sets it dropped, and every
 *  reason (e.g. "gopher_min_words: 12 < 50") is recorded in order. */
TAMIS_API int tamis_doc_dropped(const tamis_doc *doc);
TAMIS_API tamis_status tamis_doc_drop(tamis_doc *doc, const char *reason);
TAMIS_API size_t tamis_doc_reason_count(const tamis_doc *doc);
TAMIS_API const char *tamis_doc_reason(const tamis_doc *doc, size_t i);

/** Named numeric quality signals, written under "signals". Setting a name twice
 *  overwrites. Returns the value through *out; TAMIS_END if the signal is absent. */
TAMIS_API tamis_status tamis_doc_set_signal(tamis_doc *doc, const char *name, double v);
TAMIS_API tamis_status tamis_doc_signal(const tamis_doc *doc, const char *name, double *out);

/* ------------------------------------------------------------------------------------
 * Readers: pull iterators over records of any supported input.
 *
 * The format is detected from magic bytes (gzip, zstd, WARC, ARC, JSON, HTML, text),
 * never from the file name. Memory is bounded by max_record_bytes.
 * ---------------------------------------------------------------------------------- */

typedef enum tamis_format {
    TAMIS_FMT_AUTO = 0,
    TAMIS_FMT_WARC = 1,  /* WARC 1.0/1.1, 0.18 leniently; WET is WARC with conversion records */
    TAMIS_FMT_ARC = 2,
    TAMIS_FMT_JSONL = 3,
    TAMIS_FMT_TEXT = 4,  /* whole file is one document */
    TAMIS_FMT_HTML = 5   /* whole file is one HTML document */
} tamis_format;

typedef struct tamis_reader_opts {
    tamis_format format;        /* TAMIS_FMT_AUTO: detect */
    const char *text_field;     /* JSONL: key of the text, default "text" */
    const char *id_field;       /* JSONL: key of the id, default "id" */
    uint64_t max_record_bytes;  /* ceiling on one decoded record/line; 0: 64 MiB */
    int keep_non_content;       /* WARC: also deliver request/warcinfo/metadata records */
} tamis_reader_opts;

/** Fills opts with the defaults above. */
TAMIS_API void tamis_reader_opts_init(tamis_reader_opts *opts);

typedef struct tamis_reader tamis_reader;

/** Opens PATH ("-" for stdin; a directory reads every regular file in it, sorted).
 *  opts may be NULL for defaults. The path is copied. */
TAMIS_API tamis_status tamis_reader_open(tamis_reader **out, const char *path,
                                         const tamis_reader_opts *opts, tamis_error *err);

/** Reads the next record into doc (which is reset first).
 *  Returns TAMIS_OK with doc filled; TAMIS_END at the end of input; or an error status
 *  for one skipped record (err says file, offset, record, why): call again to go on.
 *  After an unrecoverable stream error the error is reported once and the next call
 *  returns TAMIS_END. */
TAMIS_API tamis_status tamis_reader_next(tamis_reader *r, tamis_doc *doc, tamis_error *err);

/** Bytes consumed from the underlying (compressed) input so far. */
TAMIS_API uint64_t tamis_reader_bytes(const tamis_reader *r);
/** Detected format (after the first next()). */
TAMIS_API tamis_format tamis_reader_format(const tamis_reader *r);
TAMIS_API void tamis_reader_free(tamis_reader *r);

/* ------------------------------------------------------------------------------------
 * Writers: JSONL (plain, .gz, .zst chosen by the output file name; "-" is stdout).
 * Layout (docs/output.md): {"id","text","source":{"file","offset"},"metadata":{...},
 * "signals":{...},"decision","reasons":[...],"dup_cluster":{...},"removed_lines":{...}}
 * Absent values are omitted.
 * ---------------------------------------------------------------------------------- */

typedef enum tamis_compression {
    TAMIS_COMP_AUTO = 0, /* from the file name: .gz, .zst, else none */
    TAMIS_COMP_NONE = 1,
    TAMIS_COMP_GZIP = 2,
    TAMIS_COMP_ZSTD = 3
} tamis_compression;

typedef struct tamis_writer_opts {
    tamis_compression compression;
    int level;          /* compression level; 0: codec default */
    int with_payload;   /* also write "payload" (as UTF-8 text, invalid bytes replaced) */
    int with_signals;   /* write "signals" (default 1) */
    int atomic;         /* write to PATH.tmp and rename on close (default 0) */
} tamis_writer_opts;

TAMIS_API void tamis_writer_opts_init(tamis_writer_opts *opts);

typedef struct tamis_writer tamis_writer;

TAMIS_API tamis_status tamis_writer_open(tamis_writer **out, const char *path,
                                         const tamis_writer_opts *opts, tamis_error *err);
/** Appends one document as one JSON line. */
TAMIS_API tamis_status tamis_writer_write(tamis_writer *w, const tamis_doc *doc,
                                          tamis_error *err);
/** Serialises doc into a malloc'ed NUL-terminated JSON line (no newline) the caller frees. */
TAMIS_API tamis_status tamis_doc_to_json(const tamis_doc *doc, const tamis_writer_opts *opts,
                                         char **out, size_t *len);
/** Flushes, finishes the compressed frame, and (atomic) renames. Returns the first error
 *  met while writing, if any; the writer is freed in every case. */
TAMIS_API tamis_status tamis_writer_close(tamis_writer *w, tamis_error *err);

/* ------------------------------------------------------------------------------------
 * Stages. A stage takes a document and returns it, changed (text extracted or cleaned,
 * metadata, signals, language, drop decision, duplicate cluster). Stages are created by
 * name and configured with string key/value parameters, the same keys as the config
 * file's [name] section (docs/config.md); `tamis config --default` prints them all.
 *
 *   name      what it does
 *   extract   HTML payload -> main-content text + metadata
 *   clean     line-level boilerplate removal on text + metadata from the text
 *   lang      language identification
 *   filter    quality signals + Gopher/C4/FineWeb/language filters -> keep/drop
 *   dedup     exact / line / MinHash near-duplicate detection (corpus-wide)
 * ---------------------------------------------------------------------------------- */

typedef struct tamis_stage tamis_stage;

/** Creates a stage by name with default parameters. TAMIS_ERR_ARG for an unknown name. */
TAMIS_API tamis_status tamis_stage_new(tamis_stage **out, const char *name, tamis_error *err);
/** Sets a parameter; TAMIS_ERR_ARG (with a message naming the key) if unknown or invalid.
 *  Must be called before the first process/observe call. */
TAMIS_API tamis_status tamis_stage_set(tamis_stage *s, const char *key, const char *value,
                                       tamis_error *err);
/** Creates the stage's state now (loads models and word lists) so that configuration
 *  errors surface before any document: TAMIS_ERR_ARG or TAMIS_ERR_IO with a message.
 *  Called implicitly by the first process/observe; thread-safe. After it, set() fails. */
TAMIS_API tamis_status tamis_stage_start(tamis_stage *s, tamis_error *err);
/** Processes one document in place. Thread-safe for distinct documents once the first
 *  call has returned, unless tamis_stage_is_corpus() says the stage holds corpus state. */
TAMIS_API tamis_status tamis_stage_process(tamis_stage *s, tamis_doc *doc, tamis_error *err);
/** 1 if the stage needs to see the whole corpus first (observe every doc, then finish,
 *  then process every doc again): dedup, and clean in corpus mode. */
TAMIS_API int tamis_stage_is_corpus(const tamis_stage *s);
/** Corpus stages: first pass over every document (serial, in input order). */
TAMIS_API tamis_status tamis_stage_observe(tamis_stage *s, const tamis_doc *doc,
                                           tamis_error *err);
/** Corpus stages: after the first pass, before the second. */
TAMIS_API tamis_status tamis_stage_finish(tamis_stage *s, tamis_error *err);
TAMIS_API const char *tamis_stage_name(const tamis_stage *s);
/** Writes a JSON object of stage-specific counters into a malloc'ed string (caller frees),
 *  or sets *out to NULL when the stage has none. */
TAMIS_API tamis_status tamis_stage_report(const tamis_stage *s, char **out);
TAMIS_API void tamis_stage_free(tamis_stage *s);

/** Parameter table of a stage, for help and `tamis config --default`: calls fn once per
 *  parameter with its key, type name, default value and one-line help. */
typedef void (*tamis_param_fn)(void *ctx, const char *key, const char *type,
                               const char *def, const char *help);
TAMIS_API tamis_status tamis_stage_params(const char *name, tamis_param_fn fn, void *ctx);
/* Sharded dedup (docs/dedup.md): the dedup stage's work split into four file-to-file steps
 * a scheduler can run on many machines. A tamis_dedup holds the [dedup] parameters (same
 * keys as the stage); every step must see the same parameters and the signature files in
 * the same order. Steps: signatures per input shard -> buckets per hash-range partition
 * (external sort, bounded memory) -> cluster (union-find over all edges) -> filter each
 * shard. A handle is not thread-safe; distinct handles are. */
typedef struct tamis_dedup tamis_dedup;
struct tamis_stats; /* typedef'd as tamis_stats below */
TAMIS_API tamis_status tamis_dedup_new(tamis_dedup **out, tamis_error *err);
/** Sets a [dedup] parameter (TAMIS_ERR_ARG with a message if unknown or invalid). */
TAMIS_API tamis_status tamis_dedup_set(tamis_dedup *d, const char *key, const char *value,
                                       tamis_error *err);
TAMIS_API void tamis_dedup_free(tamis_dedup *d);
/** Step 1: one signature file for the documents of inputs (one shard, in order). *n_docs
 *  (may be NULL) receives the number of documents. */
TAMIS_API tamis_status tamis_dedup_signatures(tamis_dedup *d, const char *const *inputs,
                                              size_t n_inputs, const tamis_reader_opts *ro,
                                              uint32_t shard, const char *sig_path,
                                              uint64_t *n_docs, tamis_error *err);
/** Step 2: verified duplicate edges of one partition (0 <= partition < dedup.partitions)
 *  of the band buckets of all signature files. Sorted runs spill to tmp_dir (NULL: the
 *  folder of edges_path) past dedup.mem_mb. */
TAMIS_API tamis_status tamis_dedup_buckets(tamis_dedup *d, const char *const *sigs,
                                           size_t n_sigs, uint32_t partition,
                                           const char *edges_path, const char *tmp_dir,
                                           tamis_error *err);
/** Step 3: connected components over the edges of every partition: the cluster file (and
 *  the pairs TSV when dedup.pairs is set). */
TAMIS_API tamis_status tamis_dedup_cluster(tamis_dedup *d, const char *const *sigs,
                                           size_t n_sigs, const char *const *edges,
                                           size_t n_edges, const char *clusters_path,
                                           tamis_error *err);
/** Step 4: re-reads one shard's inputs, annotates dup_cluster, drops non-representatives
 *  (unless dedup.drop=false) and writes survivors (and, with write_dropped, the rest). */
TAMIS_API tamis_status tamis_dedup_filter(tamis_dedup *d, const char *clusters_path,
                                          uint32_t shard, const char *const *inputs,
                                          size_t n_inputs, const tamis_reader_opts *ro,
                                          const tamis_writer_opts *wo, int write_dropped,
                                          const char *output, struct tamis_stats *stats,
                                          tamis_error *err);

/** Names of all stages in pipeline order, NULL-terminated, static. */
TAMIS_API const char *const *tamis_stage_names(void);

/* ------------------------------------------------------------------------------------
 * Pipeline: readers -> stages (in order) -> writer, with accounting. Every CLI command
 * is a pipeline: `tamis clean` is a pipeline of one stage, `tamis run` of all of them.
 * ---------------------------------------------------------------------------------- */

/** Progress snapshot passed to the progress callback (from the calling thread). */
typedef struct tamis_progress {
    uint64_t records_in, written, dropped, skipped;
    uint64_t bytes_in;     /* compressed input bytes consumed so far */
    uint64_t bytes_total;  /* total input size if known (regular files), else 0 */
    double seconds;
    size_t input_index, input_count; /* which input is being read */
} tamis_progress;

typedef struct tamis_pipeline_opts {
    int threads;                  /* worker threads; 0: all cores */
    tamis_reader_opts reader;
    tamis_writer_opts writer;
    int write_dropped;            /* 1: dropped documents go to the output too */
    const char *dropped_path;     /* optional second output for dropped documents */
    /* Called once per skipped record (bad input) with the error detail. */
    void (*on_error)(void *ctx, const tamis_error *err);
    /* Called about once per second, and at the end. */
    void (*on_progress)(void *ctx, const tamis_progress *p);
    void *ctx;
    /* If not NULL, checked between batches: non-zero stops the run with
     * TAMIS_ERR_CANCELLED (e.g. set from a SIGINT handler). Unfinished outputs are left
     * as *.tmp files, never under their final names. */
    const volatile int *cancel;
    /* Records per batch handed to the worker threads (0: 256). Memory in flight is at
     * most two batches of documents plus each worker's current document. */
    size_t batch_docs;
    /* Memory budget in MiB (0: none). Split between the batches in flight and the state
     * of corpus stages, which go to disk past their share (docs/architecture.md). */
    size_t mem_mb;
} tamis_pipeline_opts;

TAMIS_API void tamis_pipeline_opts_init(tamis_pipeline_opts *opts);

typedef struct tamis_pipeline tamis_pipeline;
typedef struct tamis_stats tamis_stats; /* below */

/** opts is copied (the strings it points to are borrowed for the pipeline's life). */
TAMIS_API tamis_status tamis_pipeline_new(tamis_pipeline **out, const tamis_pipeline_opts *opts);
/** Appends a stage (borrowed: it must outlive the pipeline). Stages run in order. */
TAMIS_API tamis_status tamis_pipeline_add(tamis_pipeline *p, tamis_stage *stage);
/** Reads every input in order, runs the stages, writes kept documents to output_path
 *  ("-": stdout; compression from the name), and adds every record to stats
 *  (in = written + dropped + skipped). Corpus stages make it two passes: the documents
 *  after the stages before the first corpus stage are spooled to a temporary file next
 *  to the output. Output order is input order whatever the thread count. */
TAMIS_API tamis_status tamis_pipeline_run(tamis_pipeline *p, const char *const *inputs,
                                          size_t n_inputs, const char *output_path,
                                          tamis_stats *stats, tamis_error *err);
/** Sharded, resumable run for crawls: input i becomes OUTDIR/part-NNNNN.jsonl.zst (and,
 *  with write_dropped, OUTDIR/dropped/part-NNNNN.jsonl.zst); intermediate shards between
 *  corpus passes live in OUTDIR/.tamis/; OUTDIR/stats.json is written at the end. Every
 *  file is written as NAME.tmp and renamed when complete, so a run that was killed and is
 *  started again with the same inputs and configuration redoes only unfinished shards and
 *  produces byte-identical output. */
TAMIS_API tamis_status tamis_pipeline_run_dir(tamis_pipeline *p, const char *const *inputs,
                                              size_t n_inputs, const char *outdir,
                                              tamis_stats *stats, tamis_error *err);
TAMIS_API void tamis_pipeline_free(tamis_pipeline *p);

/* ------------------------------------------------------------------------------------
 * Run statistics: every input record is accounted for:
 *   records_in = written + dropped + skipped.
 * ---------------------------------------------------------------------------------- */

typedef struct tamis_stats tamis_stats;

TAMIS_API tamis_stats *tamis_stats_new(void);
TAMIS_API void tamis_stats_free(tamis_stats *st);
TAMIS_API void tamis_stats_add_in(tamis_stats *st, uint64_t bytes);
TAMIS_API void tamis_stats_add_written(tamis_stats *st, uint64_t bytes);
/** Counts one dropped record under its first reason's rule name (text before ':'). */
TAMIS_API void tamis_stats_add_dropped(tamis_stats *st, const char *reason);
/** Counts one skipped record under its error status. */
TAMIS_API void tamis_stats_add_skipped(tamis_stats *st, tamis_status why);
TAMIS_API void tamis_stats_merge(tamis_stats *into, const tamis_stats *from);
TAMIS_API uint64_t tamis_stats_in(const tamis_stats *st);
TAMIS_API uint64_t tamis_stats_written(const tamis_stats *st);
TAMIS_API uint64_t tamis_stats_dropped(const tamis_stats *st);
TAMIS_API uint64_t tamis_stats_skipped(const tamis_stats *st);
/** Serialises as JSON into a malloc'ed string (caller frees); seconds is the wall time. */
TAMIS_API tamis_status tamis_stats_json(const tamis_stats *st, double seconds, char **out);

#ifdef __cplusplus
}
#endif
#endif /* TAMIS_H */
