/*
 * Tests of the small utilities every stage leans on:
 *  - util/date: parsing the forms exports use (25/5/2023, 05/03/2024,
 *    2024-03-05), rejecting impossible dates, leap years, and the written
 *    forms (25/5/2023, "ngày 25 tháng 5 năm 2023", the Nghị định 30 header
 *    date "ngày 05 tháng 3 năm 2024" with "tháng 01"/"tháng 02");
 *  - util/text: matching keys (NFC, case folding, white space folding) and
 *    identifier keys ("Mã xã" -> "ma_xa", "Đ" -> "d"), invalid UTF-8;
 *  - util/strbuf: growth through addf, trim, detach, reset;
 *  - util/strmap: put, get, overwrite, growth to 10000 keys;
 *  - util/linefile: sections, comments, line numbers in errors, a BOM on
 *    the first line, CRLF, split_fields and split_key_value.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicase.h>
#include <uninorm.h>
#include <unistr.h>

#include "testutil.h"
#include "util/date.h"
#include "util/linefile.h"
#include "util/strbuf.h"
#include "util/strmap.h"
#include "util/text.h"

/* ---- date -------------------------------------------------------------- */

static int parse_date(const char *s)
{
    int ymd = -12345;
    if (date_parse(s, strlen(s), &ymd) < 0) {
        assert_int_equal(ymd, -12345); /* untouched on failure */
        return -1;
    }
    return ymd;
}

static void test_date_parse_accepted(void **state)
{
    (void)state;
    assert_int_equal(parse_date("25/5/2023"), 20230525);
    assert_int_equal(parse_date("05/03/2024"), 20240305);
    assert_int_equal(parse_date("5/3/2024"), 20240305);
    assert_int_equal(parse_date("2024-03-05"), 20240305);
    assert_int_equal(parse_date("31/12/2024"), 20241231);
    assert_int_equal(parse_date("2024-12-31"), 20241231);
    assert_int_equal(parse_date("01/01/2021"), 20210101);
    assert_int_equal(parse_date("  09/08/2024\t"), 20240809);
    /* len is honoured: trailing bytes beyond it are not read */
    int ymd = 0;
    assert_int_equal(date_parse("25/5/2023garbage", 9, &ymd), 0);
    assert_int_equal(ymd, 20230525);
}

static void test_date_parse_rejected(void **state)
{
    (void)state;
    assert_int_equal(parse_date("31/2/2024"), -1);
    assert_int_equal(parse_date("30/2/2024"), -1);
    assert_int_equal(parse_date("31/4/2024"), -1);
    assert_int_equal(parse_date("2024/13/01"), -1);
    assert_int_equal(parse_date("2024-13-01"), -1);
    assert_int_equal(parse_date("2024-02-30"), -1);
    assert_int_equal(parse_date(""), -1);
    assert_int_equal(parse_date("   "), -1);
    assert_int_equal(parse_date("1/1/24"), -1);
    assert_int_equal(parse_date("0/1/2024"), -1);
    assert_int_equal(parse_date("1/0/2024"), -1);
    assert_int_equal(parse_date("32/1/2024"), -1);
    assert_int_equal(parse_date("25/5"), -1);
    assert_int_equal(parse_date("25/5/2023x"), -1);
    assert_int_equal(parse_date("25/5-2023"), -1);
    assert_int_equal(parse_date("abc"), -1);
    assert_int_equal(parse_date("25 5 2023"), -1);
}

static void test_date_leap_years(void **state)
{
    (void)state;
    assert_int_equal(parse_date("29/2/2024"), 20240229);
    assert_int_equal(parse_date("29/2/2000"), 20000229); /* divisible by 400 */
    assert_int_equal(parse_date("29/2/2023"), -1);
    assert_int_equal(parse_date("29/2/1900"), -1);       /* divisible by 100 */
    assert_int_equal(parse_date("2100-02-29"), -1);
    assert_int_equal(date_days_in_month(2024, 2), 29);
    assert_int_equal(date_days_in_month(2023, 2), 28);
    assert_int_equal(date_days_in_month(2100, 2), 28);
    assert_int_equal(date_days_in_month(2000, 2), 29);
    assert_int_equal(date_days_in_month(2024, 4), 30);
    assert_int_equal(date_days_in_month(2024, 12), 31);
    assert_int_equal(date_days_in_month(2024, 13), 0);
    assert_int_equal(date_make(2024, 2, 29), 20240229);
    assert_int_equal(date_make(2023, 2, 29), 0);
    assert_int_equal(date_make(2024, 0, 1), 0);
}

static void fmt_date(void (*fn)(strbuf *, int), int ymd, const char *want)
{
    strbuf sb = STRBUF_INIT;
    fn(&sb, ymd);
    assert_string_equal(sb.buf, want);
    strbuf_release(&sb);
}

static void test_date_formats(void **state)
{
    (void)state;
    fmt_date(date_short, 20230525, "25/5/2023");
    fmt_date(date_short, 20240305, "5/3/2024");
    fmt_date(date_short, 20241231, "31/12/2024");
    fmt_date(date_prose, 20230525, "ngày 25 tháng 5 năm 2023");
    fmt_date(date_prose, 20240105, "ngày 5 tháng 1 năm 2024");
    fmt_date(date_header, 20240305, "ngày 05 tháng 3 năm 2024");
    fmt_date(date_header, 20240115, "ngày 15 tháng 01 năm 2024");
    fmt_date(date_header, 20240209, "ngày 09 tháng 02 năm 2024");
    fmt_date(date_header, 20241231, "ngày 31 tháng 12 năm 2024");
    fmt_date(date_header, 20251010, "ngày 10 tháng 10 năm 2025");
    fmt_date(date_iso, 20240305, "2024-03-05");
    /* Formats append. */
    strbuf sb = STRBUF_INIT;
    strbuf_adds(&sb, "Hòa Sơn, ");
    date_header(&sb, 20250110);
    assert_string_equal(sb.buf, "Hòa Sơn, ngày 10 tháng 01 năm 2025");
    strbuf_release(&sb);
    assert_int_equal(DATE_Y(20240305), 2024);
    assert_int_equal(DATE_M(20240305), 3);
    assert_int_equal(DATE_D(20240305), 5);
}

/* ---- text -------------------------------------------------------------- */

static void key_is(int (*fn)(strbuf *, const char *, size_t), const char *s, const char *want)
{
    strbuf sb = STRBUF_INIT;
    assert_int_equal(fn(&sb, s, strlen(s)), 0);
    if (strcmp(sb.buf, want)) fail_msg("key of \"%s\" = \"%s\", want \"%s\"", s, sb.buf, want);
    strbuf_release(&sb);
}

static void test_text_key(void **state)
{
    (void)state;
    /* "Vĩnh Ô": precomposed ĩ (U+0129) and Ô (U+00D4) ... */
    const char *pre = "V\xC4\xA9nh \xC3\x94";
    /* ... and decomposed: i + U+0303, O + U+0302. */
    const char *dec = "Vi\xCC\x83nh O\xCC\x82";
    assert_string_not_equal(pre, dec);
    key_is(text_key, pre, "v\xC4\xA9nh \xC3\xB4"); /* "vĩnh ô", NFC */
    key_is(text_key, dec, "v\xC4\xA9nh \xC3\xB4");
    key_is(text_key, "XÃ VĨNH Ô", "xã vĩnh ô");
    key_is(text_key, "  Xã   Vĩnh\t Ô \r\n", "xã vĩnh ô");
    key_is(text_key, "Đắk Glong", "đắk glong");
    key_is(text_key, "", "");
    /* Appends after what the buffer holds. */
    strbuf sb = STRBUF_INIT;
    strbuf_adds(&sb, "n:");
    assert_int_equal(text_key(&sb, " A  B ", 6), 0);
    assert_string_equal(sb.buf, "n:a b");
    strbuf_release(&sb);
}

static void test_text_ident_key(void **state)
{
    (void)state;
    key_is(text_ident_key, "Mã xã", "ma_xa");
    key_is(text_ident_key, "MA_XA", "ma_xa");
    key_is(text_ident_key, " ma_xa ", "ma_xa");
    key_is(text_ident_key, "Mã  xã", "ma_xa");
    key_is(text_ident_key, "Đ", "d");
    key_is(text_ident_key, "đ", "d");
    key_is(text_ident_key, "Đường", "duong");
    key_is(text_ident_key, "Nguồn vốn", "nguon_von");
    key_is(text_ident_key, "ke-hoach", "ke_hoach");
    key_is(text_ident_key, "Dự án 3", "du_an_3");
    key_is(text_ident_key, "Ư ơ Ă Â Ê Ô", "u_o_a_a_e_o");
    key_is(text_ident_key, "NSĐP SN", "nsdp_sn");
    key_is(text_ident_key, "DA3.TDA2", "da3.tda2");
    /* decomposed input gives the same identifier */
    key_is(text_ident_key, "Ma\xCC\x83 xa\xCC\x83", "ma_xa");
}

/* What libunistring gives for s: the key (case-folded, NFC) and the NFC
 * text of text that has no white space to fold. */
static void expect_as_libunistring(const uint8_t *s, size_t n)
{
    size_t kn = 0, nn = 0;
    uint8_t *key = u8_casefold(s, n, NULL, UNINORM_NFC, NULL, &kn);
    uint8_t *nfc = u8_normalize(UNINORM_NFC, s, n, NULL, &nn);
    assert_non_null(key);
    assert_non_null(nfc);
    strbuf a = STRBUF_INIT, b = STRBUF_INIT;
    assert_int_equal(text_key(&a, (const char *)s, n), 0);
    assert_int_equal(text_nfc(&b, (const char *)s, n), 0);
    if (a.len != kn || memcmp(a.buf, key, kn))
        fail_msg("text_key of \"%.*s\" = \"%s\", libunistring \"%.*s\"", (int)n, s, a.buf, (int)kn, key);
    if (b.len != nn || memcmp(b.buf, nfc, nn))
        fail_msg("text_nfc of \"%.*s\" = \"%s\", libunistring \"%.*s\"", (int)n, s, b.buf, (int)nn, nfc);
    strbuf_release(&a);
    strbuf_release(&b);
    free(key);
    free(nfc);
}

/*
 * text.c folds and normalises Latin text itself (is_latin) and hands the
 * rest to libunistring: both must agree with libunistring on every code
 * point of U+0080-U+1FFF alone, between letters, and before a combining
 * mark; and on strings mixing those with the marks and the letters whose
 * folding is special (fixed seed).
 */
static void test_text_latin_path_as_libunistring(void **state)
{
    (void)state;
    for (ucs4_t c = 0x80; c < 0x2000; c++) {
        uint8_t s[16];
        int m = u8_uctomb(s + 1, c, 6);
        assert_true(m > 0);
        expect_as_libunistring(s + 1, (size_t)m);
        s[0] = 'A', s[m + 1] = 'b';
        expect_as_libunistring(s, (size_t)m + 2);
        s[m + 1] = 0xCC, s[m + 2] = 0x81; /* U+0301, combining acute */
        expect_as_libunistring(s + 1, (size_t)m + 2);
    }
    static const ucs4_t pool[] = {'A', 'z', 'D', 0xC3, 0xD4, 0xDF, 0xB5, 0x110, 0x111, 0x130, 0x149,
                                  0x17F, 0x1A0, 0x1AF, 0x1C5, 0x1F0, 0x23A, 0x300, 0x301, 0x303,
                                  0x309, 0x323, 0x1E96, 0x1E9A, 0x1E9B, 0x1E9E, 0x1EA0, 0x1EBF,
                                  0x1EC6, 0x1ED9, 0x1EF9, 0x2126, 0x212B};
    uint64_t seed = 0x9e3779b97f4a7c15ULL;
    for (int k = 0; k < 20000; k++) {
        uint8_t s[64];
        size_t n = 0;
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        int len = 1 + (int)(seed >> 61);
        for (int i = 0; i < len; i++) {
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
            n += (size_t)u8_uctomb(s + n, pool[(seed >> 33) % (sizeof pool / sizeof pool[0])], 6);
        }
        expect_as_libunistring(s, n);
    }
}

static void test_text_invalid_utf8(void **state)
{
    (void)state;
    static const char *const bad[] = {"\xC3\x28", "abc\xFF", "\xE1\xBA", "\xC0\xAF", "x\xED\xA0\x80"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        strbuf sb = STRBUF_INIT;
        strbuf_adds(&sb, "keep");
        assert_int_equal(text_key(&sb, bad[i], strlen(bad[i])), -1);
        assert_string_equal(sb.buf, "keep");
        assert_int_equal(text_ident_key(&sb, bad[i], strlen(bad[i])), -1);
        assert_string_equal(sb.buf, "keep");
        assert_int_equal(text_nfc(&sb, bad[i], strlen(bad[i])), -1);
        assert_string_equal(sb.buf, "keep");
        assert_false(text_valid_utf8(bad[i], strlen(bad[i])));
        strbuf_release(&sb);
    }
    assert_true(text_valid_utf8("Vĩnh Ô", strlen("Vĩnh Ô")));
    assert_int_equal(text_char_len("ệ", 3), 3);
    assert_int_equal(text_char_len("a", 1), 1);
    strbuf sb = STRBUF_INIT;
    assert_int_equal(text_upper(&sb, "báo cáo đầu tư", strlen("báo cáo đầu tư")), 0);
    assert_string_equal(sb.buf, "BÁO CÁO ĐẦU TƯ");
    strbuf_reset(&sb);
    assert_int_equal(text_nfc(&sb, "O\xCC\x82", 3), 0);
    assert_string_equal(sb.buf, "\xC3\x94");
    strbuf_release(&sb);
}

/* ---- strbuf ------------------------------------------------------------ */

static void test_strbuf_basics(void **state)
{
    (void)state;
    strbuf sb = STRBUF_INIT;
    assert_int_equal(sb.len, 0);
    assert_int_equal(sb.alloc, 0);
    assert_string_equal(sb.buf, "");
    /* addf growth: 1000 pieces "i," */
    size_t want_len = 0;
    for (int i = 0; i < 1000; i++) {
        strbuf_addf(&sb, "%d,", i);
        want_len += (size_t)snprintf(NULL, 0, "%d,", i);
    }
    assert_int_equal(sb.len, want_len);
    assert_int_equal(strlen(sb.buf), want_len);
    assert_true(sb.alloc > sb.len);
    assert_memory_equal(sb.buf, "0,1,2,3,", 8);
    assert_string_equal(sb.buf + sb.len - 4, "999,");
    /* one addf much longer than the buffer */
    strbuf big = STRBUF_INIT;
    char chunk[301];
    memset(chunk, 'x', 300);
    chunk[300] = '\0';
    strbuf_addf(&big, "<%s|%s>", chunk, "ệ");
    assert_int_equal(big.len, 300 + 2 + 1 + 3);
    assert_int_equal(big.buf[0], '<');
    assert_string_equal(big.buf + 301, "|ệ>");
    strbuf_release(&big);
    /* reset keeps memory */
    size_t alloc = sb.alloc;
    strbuf_reset(&sb);
    assert_int_equal(sb.len, 0);
    assert_int_equal(sb.alloc, alloc);
    assert_string_equal(sb.buf, "");
    /* add with embedded NUL, addch, setlen */
    strbuf_add(&sb, "a\0b", 3);
    strbuf_addch(&sb, 'c');
    assert_int_equal(sb.len, 4);
    assert_memory_equal(sb.buf, "a\0bc", 5);
    strbuf_setlen(&sb, 1);
    assert_string_equal(sb.buf, "a");
    strbuf_release(&sb);
    assert_int_equal(sb.alloc, 0);
    assert_string_equal(sb.buf, "");
}

static void test_strbuf_trim_detach(void **state)
{
    (void)state;
    strbuf sb = STRBUF_INIT;
    strbuf_adds(&sb, "  \t Xã Vĩnh Ô \r\n");
    strbuf_trim(&sb);
    assert_string_equal(sb.buf, "Xã Vĩnh Ô");
    assert_int_equal(sb.len, strlen("Xã Vĩnh Ô"));
    strbuf_reset(&sb);
    strbuf_adds(&sb, " \t\n ");
    strbuf_trim(&sb);
    assert_int_equal(sb.len, 0);
    assert_string_equal(sb.buf, "");
    strbuf_adds(&sb, "abc");
    strbuf_trim(&sb);
    assert_string_equal(sb.buf, "abc");
    /* detach hands over the buffer and leaves an empty strbuf */
    size_t len = 0;
    char *s = strbuf_detach(&sb, &len);
    assert_string_equal(s, "abc");
    assert_int_equal(len, 3);
    assert_int_equal(sb.len, 0);
    assert_int_equal(sb.alloc, 0);
    assert_ptr_equal(sb.buf, strbuf_empty);
    free(s);
    /* an empty, never-grown strbuf: trim is a no-op, detach gives heap "" */
    strbuf e = STRBUF_INIT;
    strbuf_trim(&e);
    assert_int_equal(e.alloc, 0);
    s = strbuf_detach(&e, &len);
    assert_string_equal(s, "");
    assert_int_equal(len, 0);
    free(s);
    /* usable after detach */
    strbuf_addf(&sb, "%s=%d", "x", 42);
    assert_string_equal(sb.buf, "x=42");
    strbuf_release(&sb);
}

/* ---- strmap ------------------------------------------------------------ */

static void test_strmap(void **state)
{
    (void)state;
    strmap m;
    strmap_init(&m);
    assert_int_equal(strmap_get(&m, "DA1", 3), -1);
    strmap_put(&m, "DA1", 3, 0);
    strmap_put(&m, "DA10", 4, 20);
    strmap_put(&m, "", 0, 7);
    strmap_put(&m, "a\0b", 3, 8);
    assert_int_equal(strmap_get(&m, "DA1", 3), 0);
    assert_int_equal(strmap_get(&m, "DA10", 4), 20);
    assert_int_equal(strmap_get(&m, "DA10", 3), 0);  /* only len bytes count */
    assert_int_equal(strmap_get(&m, "", 0), 7);
    assert_int_equal(strmap_get(&m, "a\0b", 3), 8);
    assert_int_equal(strmap_get(&m, "a\0c", 3), -1);
    assert_int_equal(strmap_get(&m, "DA2", 3), -1);
    assert_int_equal(m.count, 4);
    /* overwrite keeps the count */
    strmap_put(&m, "DA1", 3, 99);
    assert_int_equal(strmap_get(&m, "DA1", 3), 99);
    assert_int_equal(m.count, 4);
    strmap_free(&m);

    /* growth to 10000 keys, every value kept */
    strmap_init(&m);
    char key[32];
    for (int i = 0; i < 10000; i++) {
        int n = snprintf(key, sizeof key, "xa-%05d", i);
        strmap_put(&m, key, (size_t)n, i * 3);
    }
    assert_int_equal(m.count, 10000);
    assert_true(m.cap >= 10000 * 4 / 3);
    assert_int_equal(m.cap & (m.cap - 1), 0); /* power of two */
    for (int i = 0; i < 10000; i++) {
        int n = snprintf(key, sizeof key, "xa-%05d", i);
        if (strmap_get(&m, key, (size_t)n) != i * 3) fail_msg("key %s lost", key);
    }
    for (int i = 0; i < 10000; i += 7) {
        int n = snprintf(key, sizeof key, "xa-%05d", i);
        strmap_put(&m, key, (size_t)n, -5);
    }
    assert_int_equal(m.count, 10000);
    for (int i = 0; i < 10000; i++) {
        int n = snprintf(key, sizeof key, "xa-%05d", i);
        assert_int_equal(strmap_get(&m, key, (size_t)n), i % 7 ? i * 3 : -5);
    }
    assert_int_equal(strmap_get(&m, "xa-10000", 8), -1);
    strmap_free(&m);
}

/* ---- linefile ---------------------------------------------------------- */

typedef struct lf_fixture {
    char *dir;
} lf_fixture;

static int lf_setup(void **state)
{
    lf_fixture *f = calloc(1, sizeof *f);
    f->dir = tu_tmpdir("linefile");
    *state = f;
    return f->dir ? 0 : -1;
}

static int lf_teardown(void **state)
{
    lf_fixture *f = *state;
    tu_rmtree(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

static void test_linefile_reading(void **state)
{
    lf_fixture *f = *state;
    char *path = tu_path(f->dir, "data.txt");
    assert_int_equal(tu_write_file(path,
        "\xEF\xBB\xBF# comment with a BOM before it\n"  /* 1 */
        "\n"                                              /* 2 */
        "[projects]\n"                                    /* 3 */
        "key = value\n"                                   /* 4 */
        "   a | b |c  \n"                                 /* 5 */
        "  # indented comment\n"                          /* 6 */
        "[ other ]\n"                                     /* 7 */
        "x=1\r\n"                                         /* 8 */
        "\t\n"                                            /* 9 */
        "last line without newline"),                     /* 10 */
        0);
    strbuf err = STRBUF_INIT;
    linefile lf;
    int is_section = -1;
    assert_int_equal(linefile_open(&lf, path, &err), 0);
    assert_int_equal(linefile_next(&lf, &is_section), 1);
    assert_int_equal(is_section, 1);
    assert_int_equal(lf.lineno, 3);
    assert_string_equal(lf.section.buf, "projects");
    assert_string_equal(lf.line.buf, "[projects]");
    assert_int_equal(linefile_next(&lf, &is_section), 1);
    assert_int_equal(is_section, 0);
    assert_int_equal(lf.lineno, 4);
    assert_string_equal(lf.line.buf, "key = value");
    assert_string_equal(lf.section.buf, "projects");
    assert_int_equal(linefile_next(&lf, &is_section), 1);
    assert_int_equal(lf.lineno, 5);
    assert_string_equal(lf.line.buf, "a | b |c");
    assert_int_equal(linefile_next(&lf, &is_section), 1);
    assert_int_equal(is_section, 1);
    assert_int_equal(lf.lineno, 7);
    assert_string_equal(lf.section.buf, "other");
    assert_int_equal(linefile_next(&lf, &is_section), 1);
    assert_int_equal(is_section, 0);
    assert_int_equal(lf.lineno, 8);
    assert_string_equal(lf.line.buf, "x=1");
    assert_int_equal(linefile_next(&lf, &is_section), 1);
    assert_int_equal(lf.lineno, 10);
    assert_string_equal(lf.line.buf, "last line without newline");
    /* errors name file and line */
    assert_int_equal(linefile_error(&lf, &err, "sai ở đây: %d", 42), -1);
    strbuf want = STRBUF_INIT;
    strbuf_addf(&want, "%s:10: sai ở đây: 42", path);
    assert_string_equal(err.buf, want.buf);
    assert_int_equal(linefile_next(&lf, &is_section), 0);
    assert_int_equal(linefile_next(&lf, &is_section), 0);
    linefile_close(&lf);
    strbuf_release(&want);
    strbuf_release(&err);
    free(path);
}

static void test_linefile_bom_content_and_missing(void **state)
{
    lf_fixture *f = *state;
    char *path = tu_path(f->dir, "bom.txt");
    assert_int_equal(tu_write_file(path, "\xEF\xBB\xBF[form]\nname = Biểu số 01\n"), 0);
    strbuf err = STRBUF_INIT;
    linefile lf;
    int is_section;
    assert_int_equal(linefile_open(&lf, path, &err), 0);
    assert_int_equal(linefile_next(&lf, &is_section), 1);
    assert_int_equal(is_section, 1);
    assert_int_equal(lf.lineno, 1);
    assert_string_equal(lf.section.buf, "form");
    assert_int_equal(linefile_next(&lf, &is_section), 1);
    assert_int_equal(lf.lineno, 2);
    assert_string_equal(lf.line.buf, "name = Biểu số 01");
    linefile_close(&lf);
    /* an empty file: no lines */
    char *empty = tu_path(f->dir, "empty.txt");
    assert_int_equal(tu_write_file(empty, ""), 0);
    assert_int_equal(linefile_open(&lf, empty, &err), 0);
    assert_int_equal(linefile_next(&lf, &is_section), 0);
    linefile_close(&lf);
    /* missing file */
    char *missing = tu_path(f->dir, "khong-co.txt");
    assert_int_equal(linefile_open(&lf, missing, &err), -1);
    assert_non_null(strstr(err.buf, missing));
    linefile_close(&lf);
    strbuf_release(&err);
    free(missing);
    free(empty);
    free(path);
}

static void test_split_fields_key_value(void **state)
{
    (void)state;
    char line[] = " DA3.TDA2 | Hỗ trợ phát triển |  a; b ;c |";
    char *f[8];
    int n = split_fields(line, '|', f, 8);
    assert_int_equal(n, 4);
    assert_string_equal(f[0], "DA3.TDA2");
    assert_string_equal(f[1], "Hỗ trợ phát triển");
    assert_string_equal(f[2], "a; b ;c");
    assert_string_equal(f[3], "");
    char sub[] = "a; b ;c";
    n = split_fields(sub, ';', f, 8);
    assert_int_equal(n, 3);
    assert_string_equal(f[1], "b");
    assert_string_equal(f[2], "c");
    char one[] = "  solo\t";
    assert_int_equal(split_fields(one, '|', f, 8), 1);
    assert_string_equal(f[0], "solo");
    char many[] = "1|2|3|4";
    assert_int_equal(split_fields(many, '|', f, 2), 2);
    assert_string_equal(f[0], "1");
    assert_string_equal(f[1], "2");
    char empty[] = "";
    assert_int_equal(split_fields(empty, '|', f, 8), 1);
    assert_string_equal(f[0], "");

    char kv[] = "  title = Kế hoạch = vốn  ";
    char *k, *v;
    assert_int_equal(split_key_value(kv, &k, &v), 0);
    assert_string_equal(k, "title");
    assert_string_equal(v, "Kế hoạch = vốn");
    char kv2[] = "unit =";
    assert_int_equal(split_key_value(kv2, &k, &v), 0);
    assert_string_equal(k, "unit");
    assert_string_equal(v, "");
    char nokv[] = "no equals sign here";
    assert_int_equal(split_key_value(nokv, &k, &v), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_date_parse_accepted),
        cmocka_unit_test(test_date_parse_rejected),
        cmocka_unit_test(test_date_leap_years),
        cmocka_unit_test(test_date_formats),
        cmocka_unit_test(test_text_key),
        cmocka_unit_test(test_text_ident_key),
        cmocka_unit_test(test_text_latin_path_as_libunistring),
        cmocka_unit_test(test_text_invalid_utf8),
        cmocka_unit_test(test_strbuf_basics),
        cmocka_unit_test(test_strbuf_trim_detach),
        cmocka_unit_test(test_strmap),
        cmocka_unit_test_setup_teardown(test_linefile_reading, lf_setup, lf_teardown),
        cmocka_unit_test_setup_teardown(test_linefile_bom_content_and_missing, lf_setup, lf_teardown),
        cmocka_unit_test(test_split_fields_key_value),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
