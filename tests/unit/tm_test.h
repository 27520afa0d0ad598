/* tm_test.h — the in-tree unit test harness: TEST() functions, CHECK macros that print
 * the failing expression with file:line, and a closing "N passed, N failed" line. */
#ifndef TM_TEST_H
#define TM_TEST_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tm_test_failed_checks;
static int tm_test_passed, tm_test_failed;

#define CHECK(cond)                                                                        \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);       \
            tm_test_failed_checks++;                                                       \
        }                                                                                  \
    } while (0)

#define CHECK_EQ_INT(a, b)                                                                 \
    do {                                                                                   \
        long long tm_a_ = (long long)(a), tm_b_ = (long long)(b);                          \
        if (tm_a_ != tm_b_) {                                                              \
            fprintf(stderr, "%s:%d: %s == %s failed: %lld != %lld\n", __FILE__, __LINE__,   \
                    #a, #b, tm_a_, tm_b_);                                                 \
            tm_test_failed_checks++;                                                       \
        }                                                                                  \
    } while (0)

#define CHECK_EQ_STR(a, b)                                                                 \
    do {                                                                                   \
        const char *tm_a_ = (a), *tm_b_ = (b);                                             \
        if (!tm_a_ || !tm_b_ || strcmp(tm_a_, tm_b_) != 0) {                               \
            fprintf(stderr, "%s:%d: %s == %s failed: \"%s\" != \"%s\"\n", __FILE__,         \
                    __LINE__, #a, #b, tm_a_ ? tm_a_ : "(null)", tm_b_ ? tm_b_ : "(null)");  \
            tm_test_failed_checks++;                                                       \
        }                                                                                  \
    } while (0)

#define CHECK_NEAR(a, b, eps)                                                              \
    do {                                                                                   \
        double tm_a_ = (double)(a), tm_b_ = (double)(b);                                   \
        if (!(fabs(tm_a_ - tm_b_) <= (eps))) {                                             \
            fprintf(stderr, "%s:%d: %s ~= %s failed: %.9g != %.9g\n", __FILE__, __LINE__,   \
                    #a, #b, tm_a_, tm_b_);                                                 \
            tm_test_failed_checks++;                                                       \
        }                                                                                  \
    } while (0)

#define TEST(name) static void name(void)

#define RUN(name)                                                                          \
    do {                                                                                   \
        int tm_before_ = tm_test_failed_checks;                                            \
        name();                                                                            \
        if (tm_test_failed_checks == tm_before_) {                                         \
            tm_test_passed++;                                                              \
        } else {                                                                           \
            tm_test_failed++;                                                              \
            fprintf(stderr, "FAIL %s\n", #name);                                           \
        }                                                                                  \
    } while (0)

/* Prints the closing line ctest users and CI read, and returns the exit status. */
#define TEST_MAIN_END()                                                                    \
    do {                                                                                   \
        printf("%d passed, %d failed\n", tm_test_passed, tm_test_failed);                  \
        return tm_test_failed ? 1 : 0;                                                     \
    } while (0)

/* Path under the shared data folder; exits 77 (ctest: skipped) if it is absent. */
static inline const char *tm_shared_path(const char *rel)
{
    static char buf[4096];
    const char *root = getenv("TAMIS_SHARED");
    snprintf(buf, sizeof buf, "%s/%s", root ? root : "../shared", rel);
    FILE *f = fopen(buf, "rb");
    if (!f) {
        fprintf(stderr, "skip: %s not found\n", buf);
        exit(77);
    }
    fclose(f);
    return buf;
}

#endif
