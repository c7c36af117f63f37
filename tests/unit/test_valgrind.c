/*
 * The whole run on the shipped sample under valgrind (the release build:
 * ASan binaries cannot run under valgrind): no invalid access, no leak.
 * `make test` builds build/rel/mtqg-report before the tests run.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testutil.h"

static void test_sample_run_is_clean(void **state)
{
    (void)state;
    char *dir = tu_tmpdir("valgrind");
    assert_non_null(dir);
    strbuf out = STRBUF_INIT;
    int rc = tu_runf(&out, "valgrind --leak-check=full --errors-for-leak-kinds=all "
                           "--error-exitcode=99 build/rel/mtqg-report --config reports.ini "
                           "--output %s 2>&1", dir);
    if (rc != 0) fprintf(stderr, "%s\n", out.buf);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(out.buf, "ERROR SUMMARY: 0 errors"));
    assert_non_null(strstr(out.buf, "All heap blocks were freed"));
    /* The run really produced its outputs (valgrind ran the program). */
    char *pdf = tu_path(dir, "bao-cao-1719-2024.pdf");
    size_t len = 0;
    char *bytes = tu_read_file(pdf, &len);
    assert_non_null(bytes);
    assert_true(len > 10000);
    free(bytes);
    free(pdf);
    strbuf_release(&out);
    tu_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sample_run_is_clean),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
