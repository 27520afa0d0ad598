// tm_lang_fasttext.cc — thin extern "C" shim over libfasttext (Debian libfasttext-dev) for
// supervised language-ID models such as lid.176.ftz.
//
// Inference is libfasttext's own (FastText::predict). Only the step that turns a line into
// input ids is done here: perf on lingua sentences showed 43 % of the time inside
// Dictionary::getLine's std::unordered_map lookup of pruned subword buckets (.ftz models
// are pruned) and another 10 % building std::string n-grams. The tokenizer below is a
// line-for-line equivalent of fastText 0.9.2's readWord/getLine/computeSubwords/pushHash
// over a flat open-addressing copy of the prune index read from the model file; the
// parity test (tests/unit/test_lang_parity.c) checks it against `fasttext predict-prob`.
// Models it cannot mirror (word n-grams > 1, unknown file version) use getLine itself.
#include "tm_lang.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <fstream>
#include <istream>
#include <memory>
#include <streambuf>
#include <string>
#include <vector>

#include <fasttext/fasttext.h>

struct tm_ft {
    fasttext::FastText ft;
    std::shared_ptr<const fasttext::Dictionary> dict; // cached: no refcount per call
    std::vector<std::string> labels;                  // label id -> code without "__label__"
    bool fast = false;                                // our tokenizer mirrors this model
    int32_t nwords = 0, minn = 0, maxn = 0, bucket = 0, eos_id = -1;
    uint64_t bucket_magic = 0; // UINT64_MAX / bucket + 1, for x % bucket without a division
    int64_t prune_size = -1;                          // <0: not pruned, 0: no subwords
    std::vector<uint32_t> prune_keys;                 // open addressing, key+1 (0 = empty)
    std::vector<int32_t> prune_vals;
    uint32_t prune_mask = 0;
    // One bit per bucket kept by pruning (2M buckets: 256 KB, stays in L2): most n-grams
    // of a text hash to pruned buckets and are rejected without touching the table.
    std::vector<uint64_t> prune_bits;
    // Vocabulary (fastText's own word2int_ is a 30M-entry array: a cache and TLB miss
    // per word). Open addressing on the fastText hash; value = word id, -1 = empty.
    std::vector<int32_t> vocab_slots;
    std::vector<std::string> vocab_words;
    std::vector<int8_t> vocab_types;
    uint32_t vocab_mask = 0;
};

namespace {

__extension__ typedef unsigned __int128 u128; // GCC and Clang on 64-bit targets

// Reads a caller-owned byte range as an istream without copying it again.
struct MemBuf : std::streambuf {
    MemBuf(char *b, char *e) { setg(b, b, e); }
};

// fastText's FNV-1a variant: bytes are sign-extended (int8_t) before the xor.
inline uint32_t ft_hash(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        h = h ^ uint32_t(int8_t(s[i]));
        h = h * 16777619u;
    }
    return h;
}

template <class T> bool get(std::istream &in, T &v)
{
    return (bool)in.read(reinterpret_cast<char *>(&v), sizeof v);
}

// Reads the dictionary header and prune index of a fastText model file (format version
// 12, as saved by fastText 0.9): magic, version, 12 int32 args + 1 double, then
// size, nwords, nlabels (int32), ntokens, pruneidx_size (int64), the entries
// (NUL-terminated word, int64 count, int8 type) and pruneidx_size (int32, int32) pairs.
bool read_prune_index(tm_ft *m, const char *path)
{
    std::ifstream in(path, std::ios::binary);
    int32_t magic, version, a[12], size, nwords, nlabels;
    double t;
    int64_t ntokens, psize;
    if (!get(in, magic) || !get(in, version) || magic != 793712314 || version != 12)
        return false;
    for (int i = 0; i < 12; i++)
        if (!get(in, a[i]))
            return false;
    if (!get(in, t) || !get(in, size) || !get(in, nwords) || !get(in, nlabels) ||
        !get(in, ntokens) || !get(in, psize))
        return false;
    if (a[5] != 1) // wordNgrams: only unigram models are mirrored
        return false;
    m->bucket = a[8];
    if (m->bucket > 0)
        m->bucket_magic = UINT64_MAX / (uint32_t)m->bucket + 1;
    m->minn = a[9];
    m->maxn = a[10];
    m->nwords = nwords;
    if (size <= 0 || size > (1 << 24))
        return false;
    uint32_t vcap = 16;
    while (vcap < (uint32_t)size * 2)
        vcap <<= 1;
    m->vocab_slots.assign(vcap, -1);
    m->vocab_mask = vcap - 1;
    for (int32_t i = 0; i < size; i++) {
        std::string w;
        if (!std::getline(in, w, '\0'))
            return false;
        int64_t count;
        int8_t type;
        if (!get(in, count) || !get(in, type))
            return false;
        uint32_t j = ft_hash(w.data(), w.size()) & m->vocab_mask;
        while (m->vocab_slots[j] >= 0)
            j = (j + 1) & m->vocab_mask;
        m->vocab_slots[j] = i;
        m->vocab_words.push_back(w);
        m->vocab_types.push_back(type);
    }
    m->prune_size = psize;
    if (psize > 0) {
        uint32_t cap = 16;
        while (cap < (uint64_t)psize * 2)
            cap <<= 1;
        m->prune_keys.assign(cap, 0);
        m->prune_vals.assign(cap, 0);
        m->prune_mask = cap - 1;
        for (int64_t i = 0; i < psize; i++) {
            int32_t k, v;
            if (!get(in, k) || !get(in, v) || k < 0)
                return false;
            uint32_t j = ((uint32_t)k * 2654435761u) & m->prune_mask;
            while (m->prune_keys[j] != 0 && m->prune_keys[j] != (uint32_t)k + 1)
                j = (j + 1) & m->prune_mask;
            m->prune_keys[j] = (uint32_t)k + 1;
            m->prune_vals[j] = v;
            if ((uint32_t)k < (uint32_t)m->bucket) {
                if (m->prune_bits.empty())
                    m->prune_bits.assign(((size_t)m->bucket + 63) / 64, 0);
                m->prune_bits[(uint32_t)k >> 6] |= 1ull << (k & 63);
            }
        }
    }
    return m->dict->nwords() == nwords && m->dict->nlabels() == nlabels && m->bucket > 0;
}

// Dictionary::pushHash
inline void push_hash(const tm_ft *m, std::vector<int32_t> &out, int32_t id)
{
    if (m->prune_size == 0 || id < 0)
        return;
    if (m->prune_size > 0) {
        if ((uint32_t)id < (uint32_t)m->bucket && !m->prune_bits.empty() &&
            !(m->prune_bits[(uint32_t)id >> 6] & (1ull << (id & 63))))
            return;
        uint32_t j = ((uint32_t)id * 2654435761u) & m->prune_mask;
        for (;;) {
            uint32_t k = m->prune_keys[j];
            if (k == 0)
                return; // pruned away
            if (k == (uint32_t)id + 1) {
                id = m->prune_vals[j];
                break;
            }
            j = (j + 1) & m->prune_mask;
        }
    }
    out.push_back(m->nwords + id);
}

// Dictionary::computeSubwords over "<" + token + ">", without building strings. The
// model's fields are read into locals once: every push_back into `out` (int32_t) could
// alias them, so the compiler would reload them per n-gram. h % bucket uses Lemire's
// exact 32-bit fastmod (one multiply instead of a division per n-gram).
void compute_subwords(const tm_ft *m, const char *tok, size_t n, std::vector<int32_t> &out)
{
    thread_local std::string long_word;
    char buf[256];
    const char *w;
    const size_t len = n + 2;
    if (len <= sizeof buf) {
        buf[0] = '<';
        std::memcpy(buf + 1, tok, n);
        buf[n + 1] = '>';
        w = buf;
    } else {
        long_word.assign("<");
        long_word.append(tok, n);
        long_word.push_back('>');
        w = long_word.data();
    }
    const int32_t minn = m->minn, maxn = m->maxn;
    const uint32_t bucket = (uint32_t)m->bucket;
    const uint64_t magic = m->bucket_magic;
    for (size_t i = 0; i < len; i++) {
        if ((w[i] & 0xC0) == 0x80)
            continue;
        uint32_t h = 2166136261u;
        size_t j = i;
        for (int32_t k = 1; j < len && k <= maxn; k++) {
            h = (h ^ uint32_t(int8_t(w[j++]))) * 16777619u;
            while (j < len && (w[j] & 0xC0) == 0x80)
                h = (h ^ uint32_t(int8_t(w[j++]))) * 16777619u;
            if (k >= minn && !(k == 1 && (i == 0 || j == len))) {
                uint32_t mod = (uint32_t)(((u128)(magic * h) * bucket) >> 64);
                push_hash(m, out, (int32_t)mod);
            }
        }
    }
}

// Dictionary::getId(word, hash) over our copy of the vocabulary.
inline int32_t vocab_id(const tm_ft *m, const char *w, size_t n, uint32_t h)
{
    for (uint32_t j = h & m->vocab_mask;; j = (j + 1) & m->vocab_mask) {
        int32_t id = m->vocab_slots[j];
        if (id < 0)
            return -1;
        const std::string &v = m->vocab_words[(size_t)id];
        if (v.size() == n && std::memcmp(v.data(), w, n) == 0)
            return id;
    }
}

inline bool ft_space(char c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\v' || c == '\f' ||
           c == '\0';
}

// Dictionary::getLine for a text that fastText would read as one line ending in '\n'.
void fast_line(const tm_ft *m, const char *s, size_t n, std::vector<int32_t> &words)
{
    words.clear();
    size_t i = 0;
    for (;;) {
        while (i < n && ft_space(s[i]))
            i++;
        size_t st = i;
        while (i < n && !ft_space(s[i]))
            i++;
        if (i == st)
            break;
        int32_t wid = vocab_id(m, s + st, i - st, ft_hash(s + st, i - st));
        if (wid >= 0) {
            if (m->vocab_types[(size_t)wid] == (int8_t)fasttext::entry_type::word) {
                const std::vector<int32_t> &sub = m->dict->getSubwords(wid);
                words.insert(words.end(), sub.begin(), sub.end());
            }
        } else if (i - st < 9 || std::memcmp(s + st, "__label__", 9) != 0) {
            compute_subwords(m, s + st, i - st, words);
        }
    }
    // the closing '\n' is read as the end-of-sentence token "</s>"
    if (m->eos_id >= 0) {
        if (m->dict->getType(m->eos_id) == fasttext::entry_type::word) {
            const std::vector<int32_t> &sub = m->dict->getSubwords(m->eos_id);
            words.insert(words.end(), sub.begin(), sub.end());
        }
    }
}

} // namespace

extern "C" tm_ft *tm_ft_load(const char *path, char *err, size_t errlen)
{
    tm_ft *m = nullptr;
    try {
        m = new tm_ft;
        m->ft.loadModel(std::string(path));
        m->dict = m->ft.getDictionary();
        for (int32_t i = 0; i < m->dict->nlabels(); i++) {
            std::string l = m->dict->getLabel(i);
            if (l.compare(0, 9, "__label__") == 0)
                l.erase(0, 9);
            m->labels.push_back(l);
        }
        m->eos_id = m->dict->getId(fasttext::Dictionary::EOS);
        // An OOV "</s>" adds nothing (addSubwords skips EOS): eos_id < 0 mirrors that.
        m->fast = m->ft.getArgs().maxn > 0 && read_prune_index(m, path);
        return m;
    } catch (const std::exception &e) {
        if (err && errlen)
            snprintf(err, errlen, "cannot load fastText model %s: %s", path, e.what());
    } catch (...) {
        if (err && errlen)
            snprintf(err, errlen, "cannot load fastText model %s", path);
    }
    delete m;
    return nullptr;
}

extern "C" void tm_ft_free(tm_ft *m) { delete m; }

extern "C" int tm_ft_predict(const tm_ft *m, const char *s, size_t n, int k, float threshold,
                             tm_lang_guess *out)
{
    thread_local std::string line;
    thread_local std::vector<int32_t> words, labels;
    thread_local fasttext::Predictions preds;
    try {
        if (m->fast) {
            // newlines are separators like spaces here, exactly as on one CLI line
            fast_line(m, s, n, words);
        } else {
            // The CLI reads one line: a newline inside the text would end it (fastText
            // turns '\n' into its end-of-sentence token), so newlines become spaces and
            // one '\n' closes the line.
            line.assign(s, n);
            for (char &c : line)
                if (c == '\n')
                    c = ' ';
            line.push_back('\n');
            MemBuf mb(&line[0], &line[0] + line.size());
            std::istream in(&mb);
            labels.clear();
            m->dict->getLine(in, words, labels);
        }
        preds.clear();
        m->ft.predict(k, words, preds, threshold);
        int got = 0;
        for (const auto &p : preds) {
            if (got >= k)
                break;
            const std::string &l = m->labels[(size_t)p.second];
            std::memset(out[got].code, 0, sizeof out[got].code);
            std::strncpy(out[got].code, l.c_str(), sizeof out[got].code - 1);
            out[got].score = std::exp(p.first);
            got++;
        }
        return got;
    } catch (...) {
        return 0; // out of memory inside fastText: no guess rather than a crash
    }
}

extern "C" int tm_ft_is_fast(const tm_ft *m) { return m->fast ? 1 : 0; }
