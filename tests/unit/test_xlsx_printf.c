/*
 * xlsx_printf: the program's own __fprintf_chk and snprintf write what
 * glibc writes, and libxlsxwriter reaches them.
 *
 * The oracle is glibc's vfprintf/vsnprintf, which xlsx_printf does not
 * replace. A workbook written through libxlsxwriter must hold, in its
 * sheet XML, each number exactly as glibc's "%.16G" gives it.
 */
#include <dlfcn.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <xlsxwriter.h>

#include "render/xlsx_printf.h"
#include "testutil.h"
#include "xlsx_read.h"

int __fprintf_chk(FILE *fp, int flag, const char *fmt, ...);

static int libc_snprintf(char *out, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = vsnprintf(out, n, fmt, ap);
    va_end(ap);
    return r;
}

static uint64_t rng = 0x9E3779B97F4A7C15ULL;
static uint64_t next_random(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* A value of one of the kinds a report holds or that strains rounding. */
static double random_value(int kind)
{
    uint64_t r = next_random();
    switch (kind) {
    case 0: { /* any bit pattern: most fall outside the fast range */
        double d;
        memcpy(&d, &r, sizeof d);
        return d;
    }
    case 1: /* a decimal amount, up to eight places */
        return (double)(int64_t)(r % 2000000000000000ULL) / pow(10, (double)(next_random() % 9));
    case 2: /* millions of đồng to six places, as the workbook writes money */
        return (double)(int64_t)(r % 1000000000000000ULL) / 1e6;
    case 3: /* a rate */
        return (double)(r % 100000000) / (double)(1 + next_random() % 100000000);
    case 4: /* a binary fraction over a wide scale */
        return ldexp((double)(r >> 11), -(int)(next_random() % 120));
    default: /* 1 + j/2^16 scaled: many end in an exact tie at the 17th digit */
        return ldexp(1.0 + ldexp((double)(r % 65536), -16), (int)(next_random() % 60) - 14);
    }
}

static void expect_g16(double d)
{
    char ours[XLSX_G16_MAX], libc[64];
    int n = xlsx_printf_g16(ours, d);
    if (n < 0) return; /* outside the fast range: the interposers ask glibc */
    int m = libc_snprintf(libc, sizeof libc, "%.16G", d);
    if (n != m || strcmp(ours, libc) != 0) fail_msg("%a: ours \"%s\", glibc \"%s\"", d, ours, libc);
}

static void test_g16_as_glibc(void **state)
{
    static const double edges[] = {
        0.0, 1e-4, 1e15, 999999999999999.9, 999999999999999.4, 99999999999999.99,
        0.00009999999999999999, 0.0001000000000000001, 9.999999999999999e-5, 1.0,
        0.1, 0.5, 1.5, 2.5, 123456.789, 405.53, 0.30000000000000004, 1.0000152587890625,
        4503599627370495.5, 9007199254740993.0, 1e300, 5e-324, 0.1 + 0.2,
        999999999999999.0, 9999999999999998.0, 0.00012345678901234567,
    };
    for (size_t i = 0; i < sizeof edges / sizeof *edges; i++) {
        expect_g16(edges[i]);
        expect_g16(-edges[i]);
        expect_g16(nextafter(edges[i], 0));
        expect_g16(nextafter(edges[i], INFINITY));
    }
    char out[XLSX_G16_MAX];
    assert_int_equal(xlsx_printf_g16(out, -0.0), 2);
    assert_string_equal(out, "-0");
    assert_int_equal(xlsx_printf_g16(out, NAN), -1);
    assert_int_equal(xlsx_printf_g16(out, INFINITY), -1);
    assert_int_equal(xlsx_printf_g16(out, 1e15), -1); /* %G's exponent form */
    assert_int_equal(xlsx_printf_g16(out, 9e-5), -1);

    long handled = 0;
    for (int i = 0; i < 600000; i++) {
        double d = random_value(i % 6);
        if (next_random() & 1) d = -d;
        handled += xlsx_printf_g16(out, d) >= 0;
        expect_g16(d);
    }
    assert_true(handled > 400000); /* the cases reached the fast path */
}

/* Runs fmt with its arguments through our __fprintf_chk and glibc's
 * vfprintf and compares text and return value. */
static void expect_fprintf(const char *fmt, ...)
{
    char *a = NULL, *b = NULL;
    size_t alen = 0, blen = 0;
    FILE *fa = open_memstream(&a, &alen), *fb = open_memstream(&b, &blen);
    assert_non_null(fa);
    assert_non_null(fb);
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int rb = vfprintf(fb, fmt, ap2);
    va_end(ap2);
    /* The same arguments again, for our function: only through a switch
     * on the few shapes the cases use. */
    int ra;
    if (strcmp(fmt, "<c r=\"%s\" s=\"%d\"><v>%.16G</v></c>") == 0) {
        const char *s = va_arg(ap, const char *);
        int d = va_arg(ap, int);
        ra = __fprintf_chk(fa, 1, fmt, s, d, va_arg(ap, double));
    } else if (strcmp(fmt, "%s=%d%%%s") == 0 || strcmp(fmt, "%s %d %5.2f") == 0) {
        const char *s = va_arg(ap, const char *);
        int d = va_arg(ap, int);
        if (fmt[2] == '=') ra = __fprintf_chk(fa, 1, fmt, s, d, va_arg(ap, const char *));
        else ra = __fprintf_chk(fa, 1, fmt, s, d, va_arg(ap, double));
    } else {
        ra = __fprintf_chk(fa, 1, fmt);
    }
    va_end(ap);
    fclose(fa);
    fclose(fb);
    assert_int_equal(ra, rb);
    assert_string_equal(a, b);
    free(a);
    free(b);
}

static void test_fprintf_as_glibc(void **state)
{
    const char *cell = "<c r=\"%s\" s=\"%d\"><v>%.16G</v></c>";
    expect_fprintf(cell, "A1", 0, 405.53);
    expect_fprintf(cell, "XFD1048576", -2147483647 - 1, -0.0001234);
    expect_fprintf(cell, "B2", 2147483647, 1e300); /* exponent form: glibc's */
    expect_fprintf(cell, "B3", 7, NAN);
    expect_fprintf("%s=%d%%%s", "tỉ lệ", -42, "");
    expect_fprintf("%s=%d%%%s", (const char *)NULL, 0, "x");
    expect_fprintf("%s %d %5.2f", "khác", 3, 2.5); /* not ours: handed to glibc */
    expect_fprintf("plain text, no conversion");
    char big[3000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    expect_fprintf("%s=%d%%%s", big, 1, big); /* longer than the buffer */
}

static void test_snprintf_as_glibc(void **state)
{
    char ours[40], libc[40];
    for (size_t size = 0; size <= 12; size++) {
        memset(ours, '#', sizeof ours);
        memset(libc, '#', sizeof libc);
        int a = snprintf(ours, size, "%.16G", -1234.5678);
        int b = libc_snprintf(libc, size, "%.16G", -1234.5678);
        assert_int_equal(a, b);
        assert_memory_equal(ours, libc, sizeof ours);
        a = snprintf(ours, size, "%d", -98765);
        b = libc_snprintf(libc, size, "%d", -98765);
        assert_int_equal(a, b);
        assert_memory_equal(ours, libc, sizeof ours);
    }
    assert_int_equal(snprintf(ours, sizeof ours, "%x|%s", 255u, "a"), 4);
    assert_string_equal(ours, "ff|a");
}

/* libxlsxwriter's calls bind to this program's definitions, and the
 * numbers it writes are glibc's "%.16G" of each value. */
static void test_workbook_numbers_as_glibc(void **state)
{
    assert_ptr_equal(dlsym(RTLD_DEFAULT, "__fprintf_chk"), (void *)__fprintf_chk);
    assert_ptr_equal(dlsym(RTLD_DEFAULT, "snprintf"), (void *)snprintf);

    static const double values[] = {405.53, -0.0001, 123456789.123456, 1e15, 0.1 + 0.2,
                                    1.0000152587890625, 7, -0.0, 99999999999999.99};
    enum { N = sizeof values / sizeof *values };
    char *dir = tu_tmpdir("xlsx-printf");
    char *path = tu_path(dir, "n.xlsx");
    lxw_workbook_options opt = {.constant_memory = LXW_TRUE};
    lxw_workbook *wb = workbook_new_opt(path, &opt);
    lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
    for (int i = 0; i < N; i++) {
        assert_int_equal(worksheet_write_number(ws, (lxw_row_t)i, 0, values[i], NULL), LXW_NO_ERROR);
        assert_int_equal(worksheet_write_formula_num(ws, (lxw_row_t)i, 1, "=A1", NULL, values[i]),
                         LXW_NO_ERROR);
    }
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);

    size_t len = 0;
    char *xml = xlsx_entry(path, "xl/worksheets/sheet1.xml", &len);
    assert_non_null(xml);
    const char *p = xml;
    for (int i = 0; i < 2 * N; i++) {
        p = strstr(p, "<v>");
        assert_non_null(p);
        p += 3;
        char want[64];
        libc_snprintf(want, sizeof want, "%.16G", values[i / 2]);
        size_t n = strlen(want);
        if (strncmp(p, want, n) != 0 || p[n] != '<')
            fail_msg("cell %d: workbook has \"%.20s\", glibc gives \"%s\"", i, p, want);
    }
    assert_null(strstr(p, "<v>"));
    free(xml);
    free(path);
    tu_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_g16_as_glibc),
        cmocka_unit_test(test_fprintf_as_glibc),
        cmocka_unit_test(test_snprintf_as_glibc),
        cmocka_unit_test(test_workbook_numbers_as_glibc),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
