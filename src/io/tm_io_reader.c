/* tm_io_reader.c — tamis_reader: input list (file, directory, stdin, memory), format
 * detection from the bytes, dispatch to the record parsers, one-document-per-file
 * inputs, and the error protocol (one error per bad record; a stream error once). */
#include "tm_io.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>

#define DEFAULT_MAX_RECORD (64u << 20)

struct tamis_reader {
    tamis_reader_opts o;
    char *text_field, *id_field;
    char **files;
    size_t n_files, cur;
    const uint8_t *mem;
    size_t mem_len;
    int is_mem;
    tm_rd rd;
    tamis_format fmt;      /* of the current input */
    tamis_format last_fmt; /* last detected */
    uint64_t bytes_done;   /* compressed bytes of finished inputs */
};

void tamis_reader_opts_init(tamis_reader_opts *o)
{
    memset(o, 0, sizeof *o);
    o->text_field = "text";
    o->id_field = "id";
    o->max_record_bytes = DEFAULT_MAX_RECORD;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static tamis_status add_file(tamis_reader *r, const char *path, size_t *cap)
{
    if (r->n_files == *cap) {
        size_t nc = *cap ? *cap * 2 : 8;
        char **nf = tm_realloc(r->files, nc * sizeof *nf);
        if (!nf)
            return TAMIS_ERR_NOMEM;
        r->files = nf;
        *cap = nc;
    }
    char *c = tm_strdup(path);
    if (!c)
        return TAMIS_ERR_NOMEM;
    r->files[r->n_files++] = c;
    return TAMIS_OK;
}

/* Every regular file directly inside dir, sorted by name (byte order). */
static tamis_status list_dir(tamis_reader *r, const char *dir, tamis_error *err)
{
    DIR *d = opendir(dir);
    if (!d)
        return tm_err(err, TAMIS_ERR_IO, dir, 0, 0, "cannot open directory: %s", strerror(errno));
    size_t cap = 0;
    struct dirent *e;
    tamis_status st = TAMIS_OK;
    while (st == TAMIS_OK && (e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        size_t n = strlen(dir) + strlen(e->d_name) + 2;
        char *p = tm_malloc(n);
        if (!p) {
            st = TAMIS_ERR_NOMEM;
            break;
        }
        snprintf(p, n, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", e->d_name);
        struct stat sb;
        if (stat(p, &sb) == 0 && S_ISREG(sb.st_mode))
            st = add_file(r, p, &cap);
        tm_free(p);
    }
    closedir(d);
    if (st == TAMIS_OK && r->n_files > 1)
        qsort(r->files, r->n_files, sizeof *r->files, cmp_str);
    return st;
}

static tamis_status reader_new(tamis_reader **out, const tamis_reader_opts *opts)
{
    tamis_reader *r = tm_calloc(1, sizeof *r);
    if (!r)
        return TAMIS_ERR_NOMEM;
    if (opts)
        r->o = *opts;
    else
        tamis_reader_opts_init(&r->o);
    r->text_field = tm_strdup(r->o.text_field ? r->o.text_field : "text");
    r->id_field = tm_strdup(r->o.id_field ? r->o.id_field : "id");
    if (!r->text_field || !r->id_field) {
        tamis_reader_free(r);
        return TAMIS_ERR_NOMEM;
    }
    r->o.text_field = r->text_field;
    r->o.id_field = r->id_field;
    if (!r->o.max_record_bytes)
        r->o.max_record_bytes = DEFAULT_MAX_RECORD;
    r->rd.o = &r->o;
    r->rd.max_rec = r->o.max_record_bytes;
    tm_buf_init(&r->rd.scratch);
    *out = r;
    return TAMIS_OK;
}

tamis_status tamis_reader_open(tamis_reader **out, const char *path, const tamis_reader_opts *opts,
                               tamis_error *err)
{
    *out = NULL;
    if (!path)
        return tm_err(err, TAMIS_ERR_ARG, NULL, 0, 0, "no input path");
    tamis_reader *r;
    tamis_status st = reader_new(&r, opts);
    if (st != TAMIS_OK)
        return tm_err(err, st, path, 0, 0, "out of memory");
    size_t cap = 0;
    struct stat sb;
    if (strcmp(path, "-") == 0) {
        st = add_file(r, path, &cap);
    } else if (stat(path, &sb) != 0) {
        st = tm_err(err, TAMIS_ERR_IO, path, 0, 0, "cannot open: %s", strerror(errno));
    } else if (S_ISDIR(sb.st_mode)) {
        st = list_dir(r, path, err);
    } else {
        st = add_file(r, path, &cap);
    }
    if (st != TAMIS_OK) {
        tamis_reader_free(r);
        if (st == TAMIS_ERR_NOMEM)
            tm_err(err, st, path, 0, 0, "out of memory");
        return st;
    }
    *out = r;
    return TAMIS_OK;
}

tamis_status tm_reader_open_mem(tamis_reader **out, const uint8_t *data, size_t len,
                                const char *name, const tamis_reader_opts *opts,
                                tamis_error *err)
{
    *out = NULL;
    tamis_reader *r;
    tamis_status st = reader_new(&r, opts);
    size_t cap = 0;
    if (st == TAMIS_OK)
        st = add_file(r, name ? name : "(memory)", &cap);
    if (st != TAMIS_OK) {
        tamis_reader_free(r);
        return tm_err(err, st, name, 0, 0, "out of memory");
    }
    r->is_mem = 1;
    r->mem = data;
    r->mem_len = len;
    *out = r;
    return TAMIS_OK;
}

static int starts_ci(const char *p, size_t n, const char *lit)
{
    size_t k = strlen(lit);
    return n >= k && strncasecmp(p, lit, k) == 0;
}

/* Inner format from the first decompressed bytes. */
static tamis_format detect(tm_src *s)
{
    size_t n = tm_src_fill(s, 4096);
    const char *d = tm_src_data(s);
    size_t i = 0;
    if (n >= 3 && (unsigned char)d[0] == 0xEF && (unsigned char)d[1] == 0xBB &&
        (unsigned char)d[2] == 0xBF)
        i = 3;
    while (i < n && (d[i] == ' ' || d[i] == '\t' || d[i] == '\r' || d[i] == '\n'))
        i++;
    d += i;
    n -= i;
    if (starts_ci(d, n, "WARC/"))
        return TAMIS_FMT_WARC;
    if (starts_ci(d, n, "filedesc://"))
        return TAMIS_FMT_ARC;
    if (n && d[0] == '{')
        return TAMIS_FMT_JSONL;
    if (n && d[0] == '<')
        return TAMIS_FMT_HTML;
    return TAMIS_FMT_TEXT;
}

static void close_current(tamis_reader *r)
{
    if (r->rd.src) {
        r->bytes_done += tm_src_bytes_in(r->rd.src);
        tm_src_free(r->rd.src);
        r->rd.src = NULL;
    }
    r->cur++;
}

static tamis_status open_current(tamis_reader *r, tamis_error *err)
{
    const char *path = r->files[r->cur];
    FILE *f = NULL;
    int own = 0;
    if (!r->is_mem) {
        if (strcmp(path, "-") == 0) {
            f = stdin;
        } else {
            f = fopen(path, "rb");
            if (!f)
                return tm_err(err, TAMIS_ERR_IO, path, 0, 0, "cannot open: %s", strerror(errno));
            own = 1;
        }
    }
    /* Window: a whole record plus the WARC header and boundary look-ahead. */
    size_t win = (size_t)TM_MIN(r->o.max_record_bytes, (uint64_t)SIZE_MAX / 2) + (3u << 20);
    tm_src *s;
    tamis_status st = tm_src_open(&s, f, own, r->is_mem ? r->mem : NULL, r->mem_len, path, win,
                                  err);
    if (st != TAMIS_OK)
        return st;
    r->rd.src = s;
    r->rd.file = path;
    r->rd.record = 0;
    r->rd.resyncing = 0;
    r->rd.whole_done = 0;
    r->rd.src_err_reported = 0;
    r->rd.arc_v2 = 0;
    r->fmt = r->o.format != TAMIS_FMT_AUTO ? r->o.format : detect(s);
    r->last_fmt = r->fmt;
    return TAMIS_OK;
}

/* TEXT/HTML: the whole input is one document (id = the file name). */
static tamis_status whole_next(tm_rd *r, tamis_format fmt, tamis_doc *doc, tamis_error *err)
{
    if (r->whole_done)
        return TAMIS_END;
    r->whole_done = 1;
    size_t have = tm_src_fill(r->src, (size_t)r->max_rec + 1);
    if (!have)
        return TAMIS_END;
    r->record = 1;
    if (have > r->max_rec) {
        while ((have = tm_src_fill(r->src, 1u << 20)) > 0)
            tm_src_consume(r->src, have);
        return tm_err(err, TAMIS_ERR_TOO_BIG, r->file, 0, 1,
                      "file is over max_record_bytes (%llu)", (unsigned long long)r->max_rec);
    }
    const char *d = tm_src_data(r->src);
    tamis_status st = tamis_doc_set_id(doc, r->file, strlen(r->file));
    if (st == TAMIS_OK) {
        if (fmt == TAMIS_FMT_HTML) {
            st = tamis_doc_set_payload(doc, TAMIS_KIND_HTML, (const uint8_t *)d, have);
        } else {
            doc->kind = TAMIS_KIND_TEXT;
            st = tm_doc_set_textn(doc, d, have);
        }
    }
    doc->src_file = r->file;
    doc->src_offset = 0;
    doc->src_record = 1;
    tm_src_consume(r->src, have);
    if (st != TAMIS_OK)
        return tm_err(err, st, r->file, 0, 1, "%s", tamis_strerror(st));
    return TAMIS_OK;
}

tamis_status tamis_reader_next(tamis_reader *r, tamis_doc *doc, tamis_error *err)
{
    tamis_doc_reset(doc);
    for (;;) {
        if (!r->rd.src) {
            if (r->cur >= r->n_files)
                return TAMIS_END;
            tamis_status st = open_current(r, err);
            if (st != TAMIS_OK) {
                r->cur++;
                return st;
            }
        }
        tamis_status st;
        switch (r->fmt) {
        case TAMIS_FMT_WARC: st = tm_warc_next(&r->rd, doc, err); break;
        case TAMIS_FMT_ARC: st = tm_arc_next(&r->rd, doc, err); break;
        case TAMIS_FMT_JSONL: st = tm_jsonl_next(&r->rd, doc, err); break;
        default: st = whole_next(&r->rd, r->fmt, doc, err); break;
        }
        const char *msg;
        uint64_t off;
        tamis_status se = tm_src_error(r->rd.src, &msg, &off);
        if (st == TAMIS_END) {
            if (se != TAMIS_OK && !r->rd.src_err_reported) {
                r->rd.src_err_reported = 1;
                return tm_err(err, se, r->rd.file, off, r->rd.record + 1, "%s", msg);
            }
            close_current(r);
            continue;
        }
        if (st != TAMIS_OK) {
            tamis_doc_reset(doc);
            /* A record cut by a stream error: say why, and do not report it twice. */
            if (se != TAMIS_OK && !r->rd.src_err_reported && tm_src_eof(r->rd.src)) {
                r->rd.src_err_reported = 1;
                if (err) {
                    size_t l = strlen(err->message);
                    snprintf(err->message + l, sizeof err->message - l, " (%s)", msg);
                }
            }
        }
        return st;
    }
}

uint64_t tamis_reader_bytes(const tamis_reader *r)
{
    return r->bytes_done + (r->rd.src ? tm_src_bytes_in(r->rd.src) : 0);
}

tamis_format tamis_reader_format(const tamis_reader *r) { return r->last_fmt; }

void tamis_reader_free(tamis_reader *r)
{
    if (!r)
        return;
    tm_src_free(r->rd.src);
    for (size_t i = 0; i < r->n_files; i++)
        tm_free(r->files[i]);
    tm_free(r->files);
    tm_free(r->text_field);
    tm_free(r->id_field);
    tm_buf_free(&r->rd.scratch);
    tm_free(r);
}
