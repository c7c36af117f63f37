/*
 * Tests of util/decimal: exact parsing of amounts in the Vietnamese
 * convention (1.473.139 and 2.149,287, plus the plain 1473139.5 form) and in
 * the English one (1,473,139.5), at scale 6 (triệu đồng -> đồng) and 3
 * (quantities in thousandths); the error statuses (syntax, precision finer
 * than the unit, range, empty); Vietnamese formatting with rounding half
 * away from zero; rates (89,1%) and ratio rounding; conversion to double.
 * Every expected value below was worked out by hand.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "testutil.h"
#include "util/decimal.h"

/* ---- helpers ----------------------------------------------------------- */

static num_status parse(const char *s, num_convention conv, int scale, int64_t *out)
{
    return decimal_parse(s, strlen(s), conv, scale, out);
}

static const char *conv_name(num_convention conv)
{
    return conv == NUMCONV_VI ? "VI" : "EN";
}

/* Parse must succeed with exactly `want`. */
static void ok(const char *s, num_convention conv, int scale, int64_t want)
{
    int64_t v = 0x5A5A5A5A;
    num_status st = parse(s, conv, scale, &v);
    if (st != NUM_OK) fail_msg("%s \"%s\" scale %d: status %d, want OK", conv_name(conv), s, scale, (int)st);
    if (v != want)
        fail_msg("%s \"%s\" scale %d: %lld, want %lld", conv_name(conv), s, scale, (long long)v,
                 (long long)want);
}

static void ok_vi(const char *s, int scale, int64_t want)
{
    ok(s, NUMCONV_VI, scale, want);
}

static void ok_en(const char *s, int scale, int64_t want)
{
    ok(s, NUMCONV_EN, scale, want);
}

/* Parse must fail with `want` and leave *out untouched. */
static void bad(const char *s, num_convention conv, int scale, num_status want)
{
    int64_t v = 777;
    num_status st = parse(s, conv, scale, &v);
    if (st != want)
        fail_msg("%s \"%s\" scale %d: status %d, want %d", conv_name(conv), s, scale, (int)st,
                 (int)want);
    assert_int_equal(v, 777);
}

static void fmt_is(int64_t value, int scale, int decimals, int trim, const char *want)
{
    strbuf sb = STRBUF_INIT;
    strbuf_adds(&sb, "[");
    decimal_format(&sb, value, scale, decimals, trim);
    strbuf_adds(&sb, "]");
    char expect[128];
    snprintf(expect, sizeof expect, "[%s]", want);
    if (strcmp(sb.buf, expect))
        fail_msg("decimal_format(%lld, %d, %d, %d) = %s, want %s", (long long)value, scale,
                 decimals, trim, sb.buf, expect);
    strbuf_release(&sb);
}

static void rate_is(int64_t num, int64_t den, const char *want)
{
    strbuf sb = STRBUF_INIT;
    decimal_rate_format(&sb, num, den);
    if (strcmp(sb.buf, want))
        fail_msg("decimal_rate_format(%lld, %lld) = %s, want %s", (long long)num,
                 (long long)den, sb.buf, want);
    strbuf_release(&sb);
}

/* ---- parsing: Vietnamese convention ------------------------------------ */

static void test_parse_vi_grouped(void **state)
{
    (void)state;
    ok_vi("1.473.139", 6, 1473139000000LL);
    ok_vi("2.149,287", 6, 2149287000LL);
    ok_vi("2.149,287", 3, 2149287LL);
    ok_vi("15.164", 6, 15164000000LL);
    ok_vi("13.513,61", 6, 13513610000LL);
    ok_vi("1.000.000,5", 6, 1000000500000LL);
    ok_vi("0,000001", 6, 1LL);           /* one đồng */
    ok_vi("12,5", 3, 12500LL);
    ok_vi("7", 6, 7000000LL);
    ok_vi("7", 0, 7LL);
    ok_vi("1473139", 6, 1473139000000LL); /* grouping is optional */
    ok_vi("+5", 6, 5000000LL);
}

static void test_parse_vi_plain_and_ambiguous(void **state)
{
    (void)state;
    /* Plain numbers: one '.', no ',', 1-2 or 4+ digits after the '.'. */
    ok_vi("1473139.5", 6, 1473139500000LL);
    ok_vi("12.3456", 6, 12345600LL);
    ok_vi("1.47", 6, 1470000LL);
    ok_vi("1.2345", 6, 1234500LL);
    /* Three digits after a single '.': a thousands group, never a decimal. */
    ok_vi("1.473", 6, 1473000000LL);
    ok_vi("1.234", 3, 1234000LL);
    /* 12.3456 at scale 3 has a fourth nonzero decimal: finer than the unit. */
    bad("12.3456", NUMCONV_VI, 3, NUM_PRECISION);
    /* 1234.567 is neither plain (3 decimals) nor grouped (group of 4). */
    bad("1234.567", NUMCONV_VI, 6, NUM_SYNTAX);
}

static void test_parse_en(void **state)
{
    (void)state;
    ok_en("1,473,139.5", 6, 1473139500000LL);
    ok_en("2,149.287", 6, 2149287000LL);
    ok_en("1.473", 6, 1473000LL);        /* in EN a '.' is the decimal point */
    ok_en("1473139.5", 6, 1473139500000LL);
    ok_en("-1,000", 3, -1000000LL);
    bad("2.149,287", NUMCONV_EN, 6, NUM_SYNTAX);
    bad("1,47", NUMCONV_EN, 6, NUM_SYNTAX);
    bad("1,473,13", NUMCONV_EN, 6, NUM_SYNTAX);
}

static void test_parse_negative_and_spaces(void **state)
{
    (void)state;
    ok_vi("-5", 6, -5000000LL);
    ok_vi("(5)", 6, -5000000LL);
    ok_vi("(1.473,5)", 6, -1473500000LL);
    ok_vi("-2.149,287", 3, -2149287LL);
    ok_vi("  2.149,287 \t", 6, 2149287000LL);
    ok_vi("\t-5\r\n", 6, -5000000LL);
    ok_vi(" (5) ", 6, -5000000LL);
}

static void test_parse_errors(void **state)
{
    (void)state;
    bad("1.47.3", NUMCONV_VI, 6, NUM_SYNTAX);   /* a group of 2 after grouping */
    bad("1.4733.139", NUMCONV_VI, 6, NUM_SYNTAX);
    bad("1234.567.890", NUMCONV_VI, 6, NUM_SYNTAX);
    bad("abc", NUMCONV_VI, 6, NUM_SYNTAX);
    bad("12a", NUMCONV_VI, 6, NUM_SYNTAX);
    bad("1 473", NUMCONV_VI, 6, NUM_SYNTAX);
    bad("-", NUMCONV_VI, 6, NUM_SYNTAX);
    bad("()", NUMCONV_VI, 6, NUM_SYNTAX);
    bad("5,", NUMCONV_VI, 6, NUM_SYNTAX);
    bad(",5", NUMCONV_VI, 6, NUM_SYNTAX);
    bad("1,2,3", NUMCONV_VI, 6, NUM_SYNTAX);
    bad("--5", NUMCONV_VI, 6, NUM_SYNTAX);
    bad("", NUMCONV_VI, 6, NUM_EMPTY);
    bad("   ", NUMCONV_VI, 6, NUM_EMPTY);
    bad("", NUMCONV_EN, 3, NUM_EMPTY);
    /* Precision: a 7th nonzero decimal is finer than one đồng. */
    bad("1,2345678", NUMCONV_VI, 6, NUM_PRECISION);
    bad("0,0000001", NUMCONV_VI, 6, NUM_PRECISION);
    bad("0,0005", NUMCONV_VI, 3, NUM_PRECISION);
    bad("1.2345678", NUMCONV_EN, 6, NUM_PRECISION);
    /* Trailing zeros beyond the scale are harmless. */
    ok_vi("1,2345670", 6, 1234567LL);
    ok_vi("1,5000000000", 6, 1500000LL);
    ok_vi("0,0000", 3, 0LL);
    ok_en("2.50000000", 3, 2500LL);
    /* Range. INT64_MAX = 9223372036854775807 đồng = 9223372036854,775807 triệu. */
    ok_vi("9223372036854,775807", 6, INT64_MAX);
    ok_vi("-9223372036854,775807", 6, -INT64_MAX);
    bad("9223372036854,775808", NUMCONV_VI, 6, NUM_RANGE);
    bad("9.223.372.036.855", NUMCONV_VI, 6, NUM_RANGE);
    bad("99999999999999999999999", NUMCONV_VI, 0, NUM_RANGE);
    bad("18446744073709551616", NUMCONV_VI, 0, NUM_RANGE); /* 2^64 */
}

static void test_status_text(void **state)
{
    (void)state;
    assert_non_null(strstr(decimal_status_text(NUM_PRECISION), "1 đồng"));
    assert_non_null(strstr(decimal_status_text(NUM_SYNTAX), "quy ước"));
    assert_string_equal(decimal_status_text(NUM_EMPTY), "ô trống");
    assert_string_equal(decimal_status_text(NUM_RANGE), "số quá lớn");
}

/* ---- formatting -------------------------------------------------------- */

static void test_format(void **state)
{
    (void)state;
    fmt_is(2149287000LL, 6, 3, 0, "2.149,287");
    fmt_is(2149287000LL, 6, 3, 1, "2.149,287");
    fmt_is(1473139000000LL, 6, 3, 1, "1.473.139");
    fmt_is(1473139000000LL, 6, 3, 0, "1.473.139,000");
    fmt_is(15164000000LL, 6, 3, 1, "15.164");
    fmt_is(1473139500000LL, 6, 3, 1, "1.473.139,500"); /* trim only drops whole zeros */
    fmt_is(100000000LL, 6, 3, 1, "100");
    fmt_is(1000000000LL, 6, 3, 1, "1.000");
    fmt_is(1234567LL, 0, 0, 0, "1.234.567");
    fmt_is(999LL, 0, 0, 0, "999");
    fmt_is(12500LL, 3, 3, 0, "12,500");
    /* decimals above the scale are clipped to it */
    fmt_is(12500LL, 3, 6, 0, "12,500");
}

static void test_format_rounding(void **state)
{
    (void)state;
    /* 3 decimals of triệu = thousands of đồng: 500 đồng is the half. */
    fmt_is(1500LL, 6, 3, 0, "0,002");     /* 0,0015 -> 0,002 */
    fmt_is(1499LL, 6, 3, 0, "0,001");
    fmt_is(2500LL, 6, 3, 0, "0,003");     /* away from zero, not to even */
    fmt_is(500LL, 6, 3, 0, "0,001");
    fmt_is(499LL, 6, 3, 0, "0,000");
    fmt_is(499LL, 6, 3, 1, "0");
    fmt_is(999999500LL, 6, 3, 0, "1.000,000"); /* carry into the integer part */
    fmt_is(999999500LL, 6, 3, 1, "1.000");
    fmt_is(2149287499LL, 6, 3, 0, "2.149,287");
    fmt_is(2149287500LL, 6, 3, 0, "2.149,288");
    fmt_is(8915LL, 2, 1, 0, "89,2");
    fmt_is(8914LL, 2, 1, 0, "89,1");
}

static void test_format_negative_zero(void **state)
{
    (void)state;
    fmt_is(-2149287000LL, 6, 3, 0, "-2.149,287");
    fmt_is(-1473139000000LL, 6, 3, 1, "-1.473.139");
    fmt_is(-1500LL, 6, 3, 0, "-0,002");
    fmt_is(-2500LL, 6, 3, 0, "-0,003");
    fmt_is(-499LL, 6, 3, 0, "0,000");   /* rounds to zero: no "-0" */
    fmt_is(-499LL, 6, 3, 1, "0");
    fmt_is(0, 6, 3, 0, "0,000");
    fmt_is(0, 6, 3, 1, "0");
    fmt_is(0, 0, 0, 0, "0");
    fmt_is(INT64_MAX, 6, 3, 0, "9.223.372.036.854,776");
    fmt_is(INT64_MIN, 6, 3, 0, "-9.223.372.036.854,776");
    fmt_is(INT64_MIN, 0, 0, 0, "-9.223.372.036.854.775.808");
}

/* ---- ratios and rates -------------------------------------------------- */

static void test_ratio_round(void **state)
{
    (void)state;
    /* 13.513,61 / 15.164 = 0,891164... -> 891 per mille */
    assert_int_equal(decimal_ratio_round(13513610000LL, 15164000000LL, 3), 891);
    assert_int_equal(decimal_ratio_round(1, 8, 3), 125);     /* exact */
    assert_int_equal(decimal_ratio_round(1, 16, 3), 63);     /* 62,5 -> 63 */
    assert_int_equal(decimal_ratio_round(-1, 16, 3), -63);
    assert_int_equal(decimal_ratio_round(1, -16, 3), -63);
    assert_int_equal(decimal_ratio_round(-1, -16, 3), 63);
    assert_int_equal(decimal_ratio_round(5, 10000, 3), 1);   /* 0,0005 * 1000 = 0,5 -> 1 */
    assert_int_equal(decimal_ratio_round(4999, 10000000, 3), 0); /* 0,4999 -> 0 */
    assert_int_equal(decimal_ratio_round(1, 3, 3), 333);
    assert_int_equal(decimal_ratio_round(2, 3, 3), 667);
    assert_int_equal(decimal_ratio_round(0, 5, 3), 0);
    assert_int_equal(decimal_ratio_round(7, 2, 0), 4);       /* 3,5 -> 4 */
    assert_int_equal(decimal_ratio_round(-7, 2, 0), -4);
    /* Needs more than 64 bits in between: 9e18 * 1000. */
    assert_int_equal(decimal_ratio_round(9000000000000000000LL, 3000000000000000000LL, 3), 3000);
    assert_int_equal(decimal_ratio_round(INT64_MAX, INT64_MAX, 3), 1000);
    assert_int_equal(decimal_ratio_round(INT64_MAX / 2, INT64_MAX, 3), 500);
}

static void test_rate_format(void **state)
{
    (void)state;
    rate_is(13513610000LL, 15164000000LL, "89,1%");
    rate_is(1, 8, "12,5%");
    rate_is(1, 16, "6,3%");           /* 6,25% -> 6,3% */
    rate_is(5, 10000, "0,1%");        /* 0,05% -> 0,1% */
    rate_is(1, 2000, "0,1%");
    rate_is(1, 2001, "0,0%");
    rate_is(0, 5, "0,0%");
    rate_is(1, 1, "100,0%");
    rate_is(3, 2, "150,0%");
    rate_is(-1, 8, "-12,5%");
    rate_is(12345, 1000, "1.234,5%");
    rate_is(1473139000000LL, 1473140000000LL, "100,0%"); /* 99,99993% */
    rate_is(123, 0, "-");
    rate_is(0, 0, "-");
}

static void test_to_double(void **state)
{
    (void)state;
    assert_true(decimal_to_double(1473139500000LL, 6) == 1473139.5);
    assert_true(decimal_to_double(-1500000LL, 6) == -1.5);
    assert_true(decimal_to_double(0, 6) == 0.0);
    assert_true(decimal_to_double(12500, 3) == 12.5);
    assert_true(decimal_to_double(7, 0) == 7.0);
    assert_true(fabs(decimal_to_double(2149287000LL, 6) - 2149.287) < 1e-9);
    assert_true(fabs(decimal_to_double(1, 6) - 0.000001) < 1e-15);
    /* 2^53 + 1 đồng cannot be a double; the nearest one is 2^53. */
    assert_true(decimal_to_double(9007199254740993LL, 0) == 9007199254740992.0);
    assert_true(decimal_to_double(-2149287000LL, 3) == -2149287.0);
}

/* What a value says about its convention (issue: plain decimals read as
 * thousands). Worked out by hand from the two forms' rules. */
static void test_classify(void **state)
{
    static const struct {
        const char *s;
        num_form want;
    } cases[] = {
        {"1240", NUMFORM_NONE},        {"abc", NUMFORM_NONE},
        {"1240.691", NUMFORM_PLAIN},      {"12.5", NUMFORM_PLAIN},
        {"458.39", NUMFORM_PLAIN},        {"0.5", NUMFORM_PLAIN},
        {"0.500", NUMFORM_PLAIN},         {"1,240,691", NUMFORM_EN},
        {"1,240.5", NUMFORM_EN},       {"-1240.691", NUMFORM_PLAIN},
        {"458,39", NUMFORM_VI},        {"1.240,691", NUMFORM_VI},
        {"1.240.691", NUMFORM_VI},     {"1240,691", NUMFORM_VI},
        {"0,500", NUMFORM_VI},         {"(12,5)", NUMFORM_VI},
        {"458.393", NUMFORM_AMBIGUOUS}, {"1.300", NUMFORM_AMBIGUOUS},
        {"458,393", NUMFORM_AMBIGUOUS}, {" -2.398 ", NUMFORM_AMBIGUOUS},
        {"1.2.3", NUMFORM_NONE},       {"1,2,3", NUMFORM_NONE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        num_form f = decimal_classify(cases[i].s, strlen(cases[i].s));
        if (f != cases[i].want) fail_msg("\"%s\": form %d, want %d", cases[i].s, (int)f, (int)cases[i].want);
    }
    int64_t v = 0;
    assert_int_equal(decimal_parse_strict("1240.5", 6, NUMCONV_VI, 6, &v), NUM_SYNTAX);
    assert_int_equal(decimal_parse_strict("1240.5", 6, NUMCONV_EN, 6, &v), NUM_OK);
    assert_true(v == 1240500000);
    assert_int_equal(decimal_parse_strict("458.393", 7, NUMCONV_VI, 6, &v), NUM_OK);
    assert_true(v == 458393000000LL);
    assert_int_equal(decimal_parse_strict("  ", 2, NUMCONV_VI, 6, &v), NUM_EMPTY);
    assert_int_equal(decimal_parse_strict("-", 1, NUMCONV_VI, 6, &v), NUM_SYNTAX);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_vi_grouped),
        cmocka_unit_test(test_parse_vi_plain_and_ambiguous),
        cmocka_unit_test(test_parse_en),
        cmocka_unit_test(test_classify),
        cmocka_unit_test(test_parse_negative_and_spaces),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_status_text),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_format_rounding),
        cmocka_unit_test(test_format_negative_zero),
        cmocka_unit_test(test_ratio_round),
        cmocka_unit_test(test_rate_format),
        cmocka_unit_test(test_to_double),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
