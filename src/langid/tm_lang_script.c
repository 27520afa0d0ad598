/* tm_lang_script.c — Unicode script of letters (by block) and ISO 639 code mapping. */
#include "tm_lang.h"

#include "../common/tm_unicode.h"

#include <pthread.h>
#include <stdint.h>
#include <string.h>

/* Blocks by first code point, sorted; scripts are the Unicode blocks' main script.
 * Combining-mark blocks map to TM_SCRIPT__COUNT ("inherited": not counted). utf8proc has
 * no script property and ICU's uscript_getScript per code point costs a call through its
 * property trie; a 60-entry binary search over blocks is all the precision needed here. */
typedef struct script_range {
    int32_t lo, hi;
    tm_script s;
} script_range;

static const script_range ranges[] = {
    {0x0041, 0x024F, TM_SCRIPT_LATIN},      {0x0250, 0x02AF, TM_SCRIPT_LATIN},
    {0x0300, 0x036F, TM_SCRIPT__COUNT},     {0x0370, 0x03FF, TM_SCRIPT_GREEK},
    {0x0400, 0x052F, TM_SCRIPT_CYRILLIC},   {0x0530, 0x058F, TM_SCRIPT_ARMENIAN},
    {0x0590, 0x05FF, TM_SCRIPT_HEBREW},     {0x0600, 0x06FF, TM_SCRIPT_ARABIC},
    {0x0750, 0x077F, TM_SCRIPT_ARABIC},     {0x0780, 0x07BF, TM_SCRIPT_THAANA},
    {0x08A0, 0x08FF, TM_SCRIPT_ARABIC},     {0x0900, 0x097F, TM_SCRIPT_DEVANAGARI},
    {0x0980, 0x09FF, TM_SCRIPT_BENGALI},    {0x0A00, 0x0A7F, TM_SCRIPT_GURMUKHI},
    {0x0A80, 0x0AFF, TM_SCRIPT_GUJARATI},   {0x0B00, 0x0B7F, TM_SCRIPT_ORIYA},
    {0x0B80, 0x0BFF, TM_SCRIPT_TAMIL},      {0x0C00, 0x0C7F, TM_SCRIPT_TELUGU},
    {0x0C80, 0x0CFF, TM_SCRIPT_KANNADA},    {0x0D00, 0x0D7F, TM_SCRIPT_MALAYALAM},
    {0x0D80, 0x0DFF, TM_SCRIPT_SINHALA},    {0x0E00, 0x0E7F, TM_SCRIPT_THAI},
    {0x0E80, 0x0EFF, TM_SCRIPT_LAO},        {0x0F00, 0x0FFF, TM_SCRIPT_TIBETAN},
    {0x1000, 0x109F, TM_SCRIPT_MYANMAR},    {0x10A0, 0x10FF, TM_SCRIPT_GEORGIAN},
    {0x1100, 0x11FF, TM_SCRIPT_HANGUL},     {0x1200, 0x139F, TM_SCRIPT_ETHIOPIC},
    {0x1780, 0x17FF, TM_SCRIPT_KHMER},      {0x1800, 0x18AF, TM_SCRIPT_MONGOLIAN},
    {0x19E0, 0x19FF, TM_SCRIPT_KHMER},      {0x1AB0, 0x1AFF, TM_SCRIPT__COUNT},
    {0x1C80, 0x1C8F, TM_SCRIPT_CYRILLIC},   {0x1C90, 0x1CBF, TM_SCRIPT_GEORGIAN},
    {0x1DC0, 0x1DFF, TM_SCRIPT__COUNT},     {0x1E00, 0x1EFF, TM_SCRIPT_LATIN},
    {0x1F00, 0x1FFF, TM_SCRIPT_GREEK},      {0x20D0, 0x20FF, TM_SCRIPT__COUNT},
    {0x2C60, 0x2C7F, TM_SCRIPT_LATIN},      {0x2D00, 0x2D2F, TM_SCRIPT_GEORGIAN},
    {0x2D80, 0x2DDF, TM_SCRIPT_ETHIOPIC},   {0x2DE0, 0x2DFF, TM_SCRIPT_CYRILLIC},
    {0x2E80, 0x2FDF, TM_SCRIPT_HAN},        {0x3005, 0x3007, TM_SCRIPT_HAN},
    {0x3021, 0x3029, TM_SCRIPT_HAN},        {0x3038, 0x303B, TM_SCRIPT_HAN},
    {0x3040, 0x309F, TM_SCRIPT_HIRAGANA},   {0x30A0, 0x30FF, TM_SCRIPT_KATAKANA},
    {0x3130, 0x318F, TM_SCRIPT_HANGUL},     {0x31F0, 0x31FF, TM_SCRIPT_KATAKANA},
    {0x3400, 0x4DBF, TM_SCRIPT_HAN},        {0x4E00, 0x9FFF, TM_SCRIPT_HAN},
    {0xA640, 0xA69F, TM_SCRIPT_CYRILLIC},   {0xA720, 0xA7FF, TM_SCRIPT_LATIN},
    {0xA8E0, 0xA8FF, TM_SCRIPT_DEVANAGARI}, {0xA960, 0xA97F, TM_SCRIPT_HANGUL},
    {0xA9E0, 0xA9FF, TM_SCRIPT_MYANMAR},    {0xAA60, 0xAA7F, TM_SCRIPT_MYANMAR},
    {0xAC00, 0xD7FF, TM_SCRIPT_HANGUL},     {0xF900, 0xFAFF, TM_SCRIPT_HAN},
    {0xFB1D, 0xFB4F, TM_SCRIPT_HEBREW},     {0xFB50, 0xFDFF, TM_SCRIPT_ARABIC},
    {0xFE20, 0xFE2F, TM_SCRIPT__COUNT},     {0xFE70, 0xFEFF, TM_SCRIPT_ARABIC},
    {0xFF21, 0xFF5A, TM_SCRIPT_LATIN},      {0xFF66, 0xFF9F, TM_SCRIPT_KATAKANA},
    {0xFFA0, 0xFFDC, TM_SCRIPT_HANGUL},     {0x20000, 0x3134F, TM_SCRIPT_HAN},
};

static tm_script script_of(int32_t cp)
{
    size_t lo = 0, hi = sizeof ranges / sizeof ranges[0];
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (cp < ranges[mid].lo)
            hi = mid;
        else if (cp > ranges[mid].hi)
            lo = mid + 1;
        else
            return ranges[mid].s;
    }
    return TM_SCRIPT_OTHER;
}

/* Per BMP code point: its script when it is a counted letter, 0 when it is not counted,
 * CP_BAD when CLD2 refuses it (C1 controls, noncharacters). Built once from tm_is_letter
 * and the block table: callgrind put script counting (utf8proc's category lookup and
 * the binary search per character) at 10 % of the ensemble's instructions on lingua
 * sentences; one byte load per character replaces both. 64 KB, shared by all threads. */
enum { CP_BAD = 0xFF };
static uint8_t bmp_class[0x10000];
static pthread_once_t bmp_once = PTHREAD_ONCE_INIT;

/* Script of a letter cp (0 when cp is not a counted letter); any plane. */
static uint8_t letter_script(int32_t cp)
{
    if (!tm_is_letter(cp))
        return 0;
    tm_script sc = script_of(cp);
    return sc == TM_SCRIPT__COUNT ? 0 : (uint8_t)sc;
}

/* CLD2 rejects text that is not "interchange-valid" UTF-8: C1 controls (lingua's French
 * carries the cp1252 mojibake U+0092) and noncharacters among others. */
static bool cld2_refuses(int32_t cp)
{
    return (cp >= 0x80 && cp < 0xA0) || (cp >= 0xFDD0 && cp <= 0xFDEF) ||
           (cp & 0xFFFE) == 0xFFFE;
}

static void bmp_init(void)
{
    for (int32_t cp = 0; cp < 0x10000; cp++)
        bmp_class[cp] = cld2_refuses(cp) ? CP_BAD : letter_script(cp);
}

/* Class of a code point decoded elsewhere (any plane). */
static uint8_t class_of(int32_t cp)
{
    return cp < 0x10000 ? bmp_class[cp] : cld2_refuses(cp) ? CP_BAD : letter_script(cp);
}

/* The rare cases of next_class: 4-byte sequences and invalid bytes, through
 * tm_utf8_next (utf8proc's decoder decides what is invalid). A literal U+FFFD
 * (EF BF BD) is kept; invalid bytes are CP_BAD. */
static uint8_t next_class_slow(const char **pp, const char *end)
{
    const char *st = *pp;
    int32_t cp = tm_utf8_next(pp, end);
    if (cp == 0xFFFD && !(*pp - st == 3 && (unsigned char)st[0] == 0xEF))
        return CP_BAD;
    return class_of(cp);
}

/* Class of the non-ASCII character at *pp (advanced past it): a script, 0, or CP_BAD.
 * Well-formed 2- and 3-byte sequences (every BMP script) are decoded inline. */
static inline uint8_t next_class(const char **pp, const char *end)
{
    const unsigned char *p = (const unsigned char *)*pp;
    unsigned c = p[0];
    if (c >= 0xC2 && c < 0xE0 && (const unsigned char *)end - p >= 2 && (p[1] & 0xC0) == 0x80) {
        *pp += 2;
        return bmp_class[((c & 0x1F) << 6) | (p[1] & 0x3Fu)];
    }
    if (c >= 0xE0 && c < 0xF0 && (const unsigned char *)end - p >= 3 &&
        (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80) {
        unsigned v = ((c & 0x0F) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
        if (v >= 0x800 && (v < 0xD800 || v >= 0xE000)) { /* not overlong, not a surrogate */
            *pp += 3;
            return bmp_class[v];
        }
    }
    return next_class_slow(pp, end);
}

void tm_script_init(void) { pthread_once(&bmp_once, bmp_init); }

/* Eight bytes at a time for runs of printable ASCII (0x20..0x7E), the bulk of Latin-script
 * text: after the tables, the byte loop was still 27 instructions per byte (callgrind).
 * ascii8 loads 8 bytes; plain8 says whether all are printable ASCII; letters8 counts the
 * ASCII letters among them (bytes < 0x80 never carry between lanes in these sums). */
#define ONES 0x0101010101010101ull
#define HIGH 0x8080808080808080ull

static inline uint64_t ascii8(const char *p)
{
    uint64_t x;
    memcpy(&x, p, 8);
    return x;
}

static inline bool plain8(uint64_t x)
{
    uint64_t lt20 = (x - ONES * 0x20) & ~x & HIGH; /* some byte < 0x20 */
    uint64_t d = x ^ (ONES * 0x7F);
    uint64_t del = (d - ONES) & ~d & HIGH; /* some byte == 0x7F */
    return ((x & HIGH) | lt20 | del) == 0;
}

static inline size_t letters8(uint64_t x)
{
    uint64_t y = x | (ONES * 0x20); /* ASCII lower case */
    uint64_t ge_a = (y + ONES * (0x80 - 'a')) & HIGH;
    uint64_t gt_z = (y + ONES * (0x80 - 'z' - 1)) & HIGH;
    return (size_t)((((ge_a & ~gt_z) >> 7) * ONES) >> 56);
}

/* The one pass behind tm_script_counts (out == NULL: count only) and tm_script_clean.
 * Inlined into both, so the counting-only copy carries no stores. */
static inline size_t scan(const char *s, size_t n, char *out, size_t *out_n, size_t *counts)
{
    tm_script_init();
    memset(counts, 0, sizeof(size_t) * TM_SCRIPT__COUNT);
    const char *p = s, *end = s + n;
    size_t k = 0, total = 0;
    while (p < end) {
        unsigned char c = (unsigned char)*p;
        uint64_t x;
        if (c < 0x80 && end - p >= 8 && plain8(x = ascii8(p))) {
            if (out)
                memcpy(out + k, &x, 8);
            k += 8;
            size_t l = letters8(x);
            counts[TM_SCRIPT_LATIN] += l;
            total += l;
            p += 8;
            continue;
        }
        if (c < 0x80) {
            if (out)
                out[k] = (c < 0x20 && c != '\n' && c != '\t') || c == 0x7F ? ' ' : (char)c;
            k++;
            p++;
            if ((unsigned)((c | 0x20) - 'a') < 26) {
                counts[TM_SCRIPT_LATIN]++;
                total++;
            }
            continue;
        }
        const char *st = p;
        uint8_t sc = next_class(&p, end);
        if (sc == CP_BAD) {
            if (out)
                out[k] = ' '; /* one space for the whole sequence: never longer than n */
            k++;
            continue;
        }
        size_t len = (size_t)(p - st);
        if (out && end - st >= 4) /* out + k + 4 <= out + n: k never exceeds st - s */
            memcpy(out + k, st, 4);
        else if (out)
            memcpy(out + k, st, len);
        k += len;
        if (sc != 0) {
            counts[sc]++;
            total++;
        }
    }
    if (out) {
        out[k] = 0;
        *out_n = k;
    }
    return total;
}

size_t tm_script_counts(const char *s, size_t n, size_t *counts)
{
    return scan(s, n, NULL, NULL, counts);
}

size_t tm_script_clean(const char *s, size_t n, char *out, size_t *out_n, size_t *counts)
{
    return scan(s, n, out, out_n, counts);
}

tm_script tm_script_dominant(const size_t *counts, size_t total)
{
    if (total == 0)
        return TM_SCRIPT_NONE;
    if (counts[TM_SCRIPT_LATIN] * 2 > total) /* a majority wins outright (most texts) */
        return TM_SCRIPT_LATIN;
    size_t kana = counts[TM_SCRIPT_HIRAGANA] + counts[TM_SCRIPT_KATAKANA];
    size_t cjk = kana + counts[TM_SCRIPT_HAN];
    tm_script best = TM_SCRIPT_NONE;
    size_t bn = 0;
    for (int i = 1; i < TM_SCRIPT__COUNT; i++) {
        size_t c = counts[i];
        if (i == TM_SCRIPT_HAN || i == TM_SCRIPT_HIRAGANA || i == TM_SCRIPT_KATAKANA)
            c = cjk; /* Japanese mixes three scripts: judge them together */
        if (c > bn) {
            bn = c;
            best = (tm_script)i;
        }
    }
    if (best == TM_SCRIPT_HAN || best == TM_SCRIPT_HIRAGANA || best == TM_SCRIPT_KATAKANA)
        best = kana * 10 >= cjk ? TM_SCRIPT_HIRAGANA : TM_SCRIPT_HAN;
    return best;
}

const char *tm_script_code(tm_script s)
{
    static const char *const codes[TM_SCRIPT__COUNT] = {
        [TM_SCRIPT_NONE] = "Zyyy",      [TM_SCRIPT_LATIN] = "Latn",
        [TM_SCRIPT_CYRILLIC] = "Cyrl",  [TM_SCRIPT_GREEK] = "Grek",
        [TM_SCRIPT_ARMENIAN] = "Armn",  [TM_SCRIPT_GEORGIAN] = "Geor",
        [TM_SCRIPT_HEBREW] = "Hebr",    [TM_SCRIPT_ARABIC] = "Arab",
        [TM_SCRIPT_DEVANAGARI] = "Deva", [TM_SCRIPT_BENGALI] = "Beng",
        [TM_SCRIPT_GURMUKHI] = "Guru",  [TM_SCRIPT_GUJARATI] = "Gujr",
        [TM_SCRIPT_ORIYA] = "Orya",     [TM_SCRIPT_TAMIL] = "Taml",
        [TM_SCRIPT_TELUGU] = "Telu",    [TM_SCRIPT_KANNADA] = "Knda",
        [TM_SCRIPT_MALAYALAM] = "Mlym", [TM_SCRIPT_SINHALA] = "Sinh",
        [TM_SCRIPT_THAI] = "Thai",      [TM_SCRIPT_LAO] = "Laoo",
        [TM_SCRIPT_TIBETAN] = "Tibt",   [TM_SCRIPT_MYANMAR] = "Mymr",
        [TM_SCRIPT_KHMER] = "Khmr",     [TM_SCRIPT_HANGUL] = "Hang",
        [TM_SCRIPT_HIRAGANA] = "Jpan",  [TM_SCRIPT_KATAKANA] = "Kana",
        [TM_SCRIPT_HAN] = "Hani",       [TM_SCRIPT_ETHIOPIC] = "Ethi",
        [TM_SCRIPT_MONGOLIAN] = "Mong", [TM_SCRIPT_THAANA] = "Thaa",
        [TM_SCRIPT_OTHER] = "Zzzz",
    };
    return (unsigned)s < TM_SCRIPT__COUNT ? codes[s] : "Zzzz";
}

const char *tm_script_language(tm_script s)
{
    switch (s) {
    case TM_SCRIPT_GREEK: return "el";
    case TM_SCRIPT_ARMENIAN: return "hy";
    case TM_SCRIPT_GEORGIAN: return "ka";
    case TM_SCRIPT_GURMUKHI: return "pa";
    case TM_SCRIPT_GUJARATI: return "gu";
    case TM_SCRIPT_ORIYA: return "or";
    case TM_SCRIPT_TAMIL: return "ta";
    case TM_SCRIPT_TELUGU: return "te";
    case TM_SCRIPT_KANNADA: return "kn";
    case TM_SCRIPT_MALAYALAM: return "ml";
    case TM_SCRIPT_SINHALA: return "si";
    case TM_SCRIPT_THAI: return "th";
    case TM_SCRIPT_LAO: return "lo";
    case TM_SCRIPT_KHMER: return "km";
    case TM_SCRIPT_HANGUL: return "ko";
    case TM_SCRIPT_HIRAGANA: return "ja";
    case TM_SCRIPT_KATAKANA: return "ja";
    case TM_SCRIPT_THAANA: return "dv";
    default: return NULL;
    }
}

void tm_lang_iso(const char *code, char *out)
{
    static const char *const renames[][2] = {
        {"iw", "he"}, {"jw", "jv"}, {"in", "id"}, {"ji", "yi"}, {"mo", "ro"},
        {"no", "nb"}, {"zh", "zh"}, {"un", "und"}, {"", "und"},
    };
    char base[12];
    size_t i = 0;
    /* primary subtag only: "zh-Hant" -> "zh", "sr-ME" -> "sr", "xx-Kali" -> "xx" */
    while (code[i] && code[i] != '-' && code[i] != '_' && i + 1 < sizeof base) {
        char c = code[i];
        base[i] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
        i++;
    }
    base[i] = 0;
    if (strcmp(base, "xx") == 0) { /* CLD2's "some language in script X" */
        strcpy(out, "und");
        return;
    }
    for (size_t k = 0; k < sizeof renames / sizeof renames[0]; k++)
        if (base[0] == renames[k][0][0] && strcmp(base, renames[k][0]) == 0) {
            strcpy(out, renames[k][1]);
            return;
        }
    strcpy(out, base);
}
