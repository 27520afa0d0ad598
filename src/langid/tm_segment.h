/* tm_segment.h — word segmentation of scripts written without spaces (ICU word break). */
#ifndef TM_SEGMENT_H
#define TM_SEGMENT_H

#include "../common/tm_unicode.h"

/* Segments s[0..n), a run of no-space-script text (Han, kana, Thai, Lao, Khmer, Myanmar),
 * into words with ICU's dictionary-based word break, calling fn (may be NULL) per word;
 * returns the word count. Replaces the weak per-character fallback in tm_unicode.c, so
 * tm_words() uses it for every stage. Thread-safe (one break iterator per thread). */
size_t tm_segment_nospace(const char *s, size_t n, tm_word_fn fn, void *ctx);

/* 1 when ICU's word break iterator could be opened (0: per-character fallback). */
int tm_segment_icu(void);

#endif
