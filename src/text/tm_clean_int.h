/* tm_clean_int.h — internals of the clean stage shared by its files: the phrase lexicon
 * (data/lexicon/tm_clean_lexicon.txt), the multi-language stop-word map and the metadata
 * parsers. Only src/text includes it. */
#ifndef TM_CLEAN_INT_H
#define TM_CLEAN_INT_H

#include "../common/tm_common.h"

/* Phrase classes of the lexicon file (one "@name" section each). */
typedef enum cl_lexclass {
    LX_NAV = 0,    /* navigation/template phrase: a line made mostly of them is boilerplate */
    LX_NOTICE,     /* cookie, licence, theme, copyright notices: one hit marks the line */
    LX_RELATED,    /* labels that introduce a related-article link ("read also") */
    LX_BYLINE,     /* byline prefixes followed by the author ("by") */
    LX_CORRESP,    /* byline prefixes followed by PLACE, AUTHOR ("from our correspondent in") */
    LX_PUBLISHED,  /* publication-date labels ("published on") */
    LX_UPDATED,    /* modification-date labels ("updated") */
    LX_READTIME,   /* reading-time words ("min", "minutes", "read") */
    LX_MONTH,      /* month names with their number: "january=1" */
    LX_COMMENTS,   /* headings that open a reader-comment section ("3 comments") */
    LX__COUNT
} cl_lexclass;

/* At most this many languages share one stop-word bit mask. */
#define CL_MAX_LANGS 32

typedef struct cl_lex cl_lex;

/* Loads DIR/lexicon/tm_clean_lexicon.txt and the stop-word lists of the big web languages
 * from DIR/stopwords/. Returns NULL (err filled) if the lexicon cannot be read. */
cl_lex *cl_lex_load(const char *dir, tamis_error *err);
void cl_lex_free(cl_lex *lx);

/* Language index (0..n-1) of an ISO code in the stop-word map, or -1. */
int cl_lex_lang_index(const cl_lex *lx, const char *lang);
const char *cl_lex_lang_code(const cl_lex *lx, int idx);
/* Bit mask of the languages whose stop-word list holds the word w[0..n) (any case). */
uint32_t cl_lex_stopmask(const cl_lex *lx, const char *w, size_t n);

/* A line normalised for phrase matching: lowercase, punctuation and symbols -> one space,
 * trimmed; map[i] is the byte offset in the original line of normalised byte i. */
typedef struct cl_norm {
    char *s;
    uint32_t *map;
    size_t n;
    bool nospace; /* holds a character of a script written without spaces */
} cl_norm;
/* Normalises line[0..n) into the arena. Returns false on allocation failure. */
bool cl_normalize(tm_arena *a, const char *line, size_t n, cl_norm *out);

/* Phrase hits of one normalised line. */
typedef struct cl_hits {
    uint32_t words;              /* words of the normalised line */
    uint32_t bytes;              /* its bytes, spaces excluded */
    uint32_t covered[LX__COUNT]; /* bytes (spaces excluded) covered by phrases of a class */
    int16_t first[LX__COUNT];    /* word index of the first hit of each class, -1: none */
    uint32_t end0[LX__COUNT];    /* for a hit at word 0: normalised byte end of the phrase */
    int value[LX__COUNT];        /* value of the first hit (month number) */
} cl_hits;
void cl_lex_scan(const cl_lex *lx, const cl_norm *nl, cl_hits *h);
/* Length (normalised bytes) of the longest phrase of class c that is a prefix of the
 * normalised line, with or without a word boundary after it (0: none). A label glued to
 * the next word ("read alsoWashington") matches without the boundary. */
size_t cl_lex_prefix(const cl_lex *lx, cl_lexclass c, const cl_norm *nl, bool *boundary);
/* Month number (1..12) of a normalised word, 0 if it is none. */
int cl_lex_month(const cl_lex *lx, const char *w, size_t n);

/* ---- metadata parsers (tm_clean_meta.c); every result is allocated in the arena. */
/* If the line is a date line (an optional label and a date, little else), returns the
 * ISO 8601 date ("2023-11-09", with "T10:30" when a time is given) or NULL. *label is set
 * to LX_PUBLISHED or LX_UPDATED from the label (LX_PUBLISHED when none). *stub is set when
 * the line is a date label with no date ("Published on:"). */
const char *cl_parse_date_line(const cl_lex *lx, tm_arena *a, const char *line, size_t n,
                               const cl_norm *nl, const cl_hits *h, cl_lexclass *label,
                               bool *stub);
/* Reading time in minutes when the line is a reading-time line ("5 min read"), else 0. */
int cl_parse_reading_time(const cl_lex *lx, const cl_norm *nl, const cl_hits *h);
/* Byline: author(s) (several joined with "; ") and dateline place. Returns true when
 * the line is a byline; *author and *place may be NULL. */
bool cl_parse_byline(const cl_lex *lx, tm_arena *a, const char *line, size_t n,
                     const cl_norm *nl, const cl_hits *h, const char **author,
                     const char **place);

#endif
