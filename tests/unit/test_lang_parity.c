/* test_lang_parity.c — tamis's fastText predictions equal `fasttext predict-prob`'s (the
 * Debian fastText CLI) on the same text: same top-3 labels, same probabilities to the 6
 * digits the CLI prints. The CLI reads one line, so it gets the text with newlines turned
 * into spaces; tamis gets the text as is. Skips (77) without the model or the CLI. */
#include "tm_test.h"

#include "common/tm_common.h"
#include "langid/tm_lang.h"

#include <stdlib.h>
#include <unistd.h>

#define MAX_TEXTS 2000

static char *texts[MAX_TEXTS];
static size_t n_texts;

static void add_text(const char *t, size_t n)
{
    if (n_texts < MAX_TEXTS)
        texts[n_texts++] = tm_strndup(t, n);
}

/* Up to `max` lines of a lingua-testdata file, if the shared data is there. */
static void add_file_lines(const char *path, size_t max)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    char *line = NULL;
    size_t cap = 0, k = 0;
    ssize_t len;
    while (k < max && (len = getline(&line, &cap, f)) > 0) {
        if (line[len - 1] == '\n')
            len--;
        add_text(line, (size_t)len);
        k++;
    }
    free(line);
    fclose(f);
}

int main(void)
{
    char model[4096];
    const char *dd = getenv("TAMIS_DATA_DIR");
    snprintf(model, sizeof model, "%s/models/lid.176.ftz", dd ? dd : tm_data_dir());
    if (access(model, R_OK) != 0 || system("command -v fasttext >/dev/null 2>&1") != 0) {
        fprintf(stderr, "skip: no model (%s) or no fasttext CLI\n", model);
        return 77;
    }
    char err[512];
    tm_ft *ft = tm_ft_load(model, err, sizeof err);
    CHECK(ft != NULL);
    if (!ft) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    CHECK(tm_ft_is_fast(ft)); /* lid.176.ftz is mirrored by the fast tokenizer */

    /* Texts written for this test: several lines, tabs, runs of spaces, a token that
     * looks like a label, words absent from the vocabulary, non-Latin scripts. */
    static const char *own[] = {
        "The committee will publish its final report\non the new railway line next spring.",
        "Der Ausschuss\twird seinen   Abschlussbericht veröffentlichen.\r\nDanke.",
        "  leading and trailing spaces  ",
        "__label__en is not a label here, is it?",
        "Xzqwv plorkt brindleshanks.",
        "Комитет опубликует свой окончательный доклад.\n\nСпасибо.",
        "委员会将于明年春天发布关于新铁路线的最终报告。",
        "ستنشر اللجنة تقريرها النهائي",
        "a",
        "12345",
    };
    for (size_t i = 0; i < sizeof own / sizeof own[0]; i++)
        add_text(own[i], strlen(own[i]));
    const char *root = getenv("TAMIS_SHARED");
    static const char *langs[] = {"en", "de", "fr", "ru", "zh", "ja", "ar", "hi", "nb", "tl"};
    for (size_t i = 0; i < sizeof langs / sizeof langs[0]; i++) {
        char p[4096];
        snprintf(p, sizeof p, "%s/data/lingua-testdata/sentences/%s.txt",
                 root ? root : "../shared", langs[i]);
        add_file_lines(p, 100);
        snprintf(p, sizeof p, "%s/data/lingua-testdata/word-pairs/%s.txt",
                 root ? root : "../shared", langs[i]);
        add_file_lines(p, 50);
    }

    char tmp[] = "/tmp/tamis_parity_XXXXXX";
    int fd = mkstemp(tmp);
    CHECK(fd >= 0);
    FILE *f = fdopen(fd, "w");
    for (size_t i = 0; i < n_texts; i++) {
        for (const char *p = texts[i]; *p; p++)
            fputc(*p == '\n' ? ' ' : *p, f);
        fputc('\n', f);
    }
    fclose(f);
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "fasttext predict-prob '%s' '%s' 3", model, tmp);
    FILE *cli = popen(cmd, "r");
    CHECK(cli != NULL);
    char *line = NULL;
    size_t cap = 0, i = 0, mismatches = 0;
    ssize_t len;
    while (cli && (len = getline(&line, &cap, cli)) > 0 && i < n_texts) {
        tm_lang_guess g[3];
        int k = tm_ft_predict(ft, texts[i], strlen(texts[i]), 3, 0.0f, g);
        char *p = line;
        int j = 0;
        bool ok = true;
        for (; j < 3; j++) {
            char label[64];
            double prob;
            int used = 0;
            if (sscanf(p, " __label__%63s %lf%n", label, &prob, &used) != 2)
                break;
            p += used;
            if (j >= k || strcmp(label, g[j].code) != 0 ||
                fabs(prob - g[j].score) > 1e-5 * prob + 1e-6)
                ok = false;
        }
        if (j != k)
            ok = false;
        if (!ok) {
            if (mismatches < 5)
                fprintf(stderr, "mismatch on text %zu: cli '%.*s' tamis %s %.6f\n", i,
                        (int)(len - 1), line, k > 0 ? g[0].code : "-",
                        k > 0 ? g[0].score : 0.0);
            mismatches++;
        }
        i++;
    }
    free(line);
    if (cli)
        CHECK_EQ_INT(pclose(cli), 0);
    unlink(tmp);
    CHECK_EQ_INT(i, n_texts); /* the CLI answered every line */
    CHECK_EQ_INT(mismatches, 0);
    printf("parity: %zu texts compared\n", i);
    for (size_t t = 0; t < n_texts; t++)
        tm_free(texts[t]);
    tm_ft_free(ft);
    if (tm_test_failed_checks)
        tm_test_failed++;
    else
        tm_test_passed++;
    TEST_MAIN_END();
}
