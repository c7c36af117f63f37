/*
 * Tests of config/config: loading the shipped reports.ini over the
 * defaults, and small reports.ini files written to a temporary folder for
 * each rule: unknown keys and sections are errors naming section and key,
 * integers are base 10 ("08" is not octal), dates in both forms, a line that
 * is not "key = value" is an error naming its line, [map.<kind>] entries
 * become mappings, relative paths are taken from the config file's folder,
 * enum values are checked, and a missing file is an error.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "testutil.h"

typedef struct fixture {
    char *dir;
    char *ini;
    config cfg;
    strbuf err;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->dir = tu_tmpdir("config");
    f->ini = tu_path(f->dir, "reports.ini");
    f->err = (strbuf)STRBUF_INIT;
    config_defaults(&f->cfg);
    *state = f;
    return f->dir ? 0 : -1;
}

static int teardown(void **state)
{
    fixture *f = *state;
    config_free(&f->cfg);
    strbuf_release(&f->err);
    tu_rmtree(f->dir);
    free(f->dir);
    free(f->ini);
    free(f);
    return 0;
}

/* Write text as the fixture's reports.ini and load it. */
static int load_text(fixture *f, const char *text)
{
    assert_int_equal(tu_write_file(f->ini, text), 0);
    strbuf_reset(&f->err);
    return config_load(&f->cfg, f->ini, &f->err);
}

static void err_has(const fixture *f, const char *needle)
{
    if (!strstr(f->err.buf, needle))
        fail_msg("error \"%s\" should contain \"%s\"", f->err.buf, needle);
}

/* ---- the shipped file -------------------------------------------------- */

static void test_shipped_config(void **state)
{
    (void)state;
    config c;
    strbuf err = STRBUF_INIT;
    config_defaults(&c);
    int rc = config_load(&c, "reports.ini", &err);
    if (rc) fail_msg("reports.ini: %s", err.buf);
    assert_int_equal(err.len, 0);
    assert_int_equal(c.year, 2024);
    assert_int_equal(c.as_of, 20241231);
    assert_string_equal(c.period_label, "năm 2024");
    /* the file's folder is ".": paths stay as written */
    assert_string_equal(c.input_dir, "input");
    assert_string_equal(c.output_dir, "output");
    assert_string_equal(c.templates_dir, "templates");
    assert_string_equal(c.font_dir, "/usr/share/fonts/truetype/liberation2");
    assert_string_equal(c.output_name, "bao-cao-1719");
    assert_int_equal(c.outputs, OUTPUT_XLSX | OUTPUT_PDF | OUTPUT_DOCX);
    assert_int_equal(c.numconv, NUMCONV_VI);
    assert_int_equal(c.amount_scale, 6);
    assert_int_equal(c.disbursement, DISB_PAYMENTS);
    assert_int_equal(c.on_reject, REJECT_REPORT);
    assert_string_equal(c.unit.province_code, "99");
    assert_string_equal(c.unit.province_name, "Hòa Sơn");
    assert_string_equal(c.unit.parent_agency, "UBND tỉnh Hòa Sơn");
    assert_string_equal(c.unit.agency, "Sở Dân tộc và Tôn giáo");
    assert_string_equal(c.unit.doc_number, "12");
    assert_string_equal(c.unit.doc_symbol, "BC-SDTTG");
    assert_int_equal(c.unit.doc_date, 20250110);
    assert_string_equal(c.unit.signer, "Lò Văn Thanh");
    assert_string_equal(c.unit.sign_authority, "KT. GIÁM ĐỐC");
    /* 6 recipients separated by |, quotes removed; the agencies after the
     * 2025 reorganisation: planning is in the Sở Tài chính, no districts */
    assert_int_equal(c.unit.nrecipients, 6);
    assert_string_equal(c.unit.recipients[0], "Bộ Dân tộc và Tôn giáo (b/c)");
    assert_string_equal(c.unit.recipients[3], "Sở Tài chính");
    assert_string_equal(c.unit.recipients[5], "UBND các xã");
    for (int i = 0; i < c.unit.nrecipients; i++)
        if (strstr(c.unit.recipients[i], "Kế hoạch và Đầu tư") || strstr(c.unit.recipients[i], "huyện"))
            fail_msg("recipient \"%s\" no longer exists", c.unit.recipients[i]);
    assert_string_equal(c.unit.archive, "Lưu: VT, KHTH.");
    /* the [map.giai_ngan] example is commented out */
    assert_int_equal(c.nmappings, 0);
    assert_string_equal(c.catalogue, "catalogue.txt");
    char *cat = config_template_path(&c, c.catalogue);
    assert_string_equal(cat, "templates/catalogue.txt");
    free(cat);
    config_free(&c);
    strbuf_release(&err);
}

static void test_defaults(void **state)
{
    (void)state;
    config c;
    config_defaults(&c);
    assert_string_equal(c.input_dir, "input");
    assert_string_equal(c.templates_dir, "templates");
    assert_int_equal(c.outputs, OUTPUT_XLSX | OUTPUT_PDF | OUTPUT_DOCX);
    assert_int_equal(c.amount_scale, 6);
    assert_int_equal(c.numconv, NUMCONV_VI);
    assert_int_equal(c.year, 0);
    assert_int_equal(c.nmappings, 0);
    char *p = config_template_path(&c, "/abs/forms/x.txt");
    assert_string_equal(p, "/abs/forms/x.txt");
    free(p);
    p = config_template_path(&c, "forms/01_kh_du_an.txt");
    assert_string_equal(p, "templates/forms/01_kh_du_an.txt");
    free(p);
    config_free(&c);
}

/* ---- errors ------------------------------------------------------------ */

static void test_unknown_key(void **state)
{
    fixture *f = *state;
    assert_int_equal(load_text(f, "[report]\nyear = 2024\ncolour = red\n"), -1);
    err_has(f, f->ini);
    err_has(f, "[report]");
    err_has(f, "colour");
}

static void test_unknown_key_in_unit(void **state)
{
    fixture *f = *state;
    assert_int_equal(load_text(f, "[unit]\nsigner = A\nsignature = B\n"), -1);
    err_has(f, "[unit]");
    err_has(f, "signature");
}

static void test_bad_year(void **state)
{
    fixture *f = *state;
    assert_int_equal(load_text(f, "[report]\nyear = 20x4\n"), -1);
    err_has(f, f->ini);
    err_has(f, "[report]");
    err_has(f, "year");
    err_has(f, "20x4");
}

static void test_base10_and_dates(void **state)
{
    fixture *f = *state;
    /* "08" would be an octal error through iniparser_getint */
    int rc = load_text(f, "[report]\nyear = 2024\nas_of = 2024-08-09\n"
                          "[unit]\ndoc_number = 08\ndoc_date = 09/08/2024\n");
    if (rc) fail_msg("%s", f->err.buf);
    assert_int_equal(f->cfg.year, 2024);
    assert_int_equal(f->cfg.as_of, 20240809);
    assert_string_equal(f->cfg.unit.doc_number, "08");
    assert_int_equal(f->cfg.unit.doc_date, 20240809);
    /* a year "08" is out of range, not 8 and not octal */
    assert_int_equal(load_text(f, "[report]\nyear = 08\n"), -1);
    err_has(f, "year");
    err_has(f, "08");
    /* hexadecimal is not a year either */
    assert_int_equal(load_text(f, "[report]\nyear = 0x7E8\n"), -1);
    err_has(f, "year");
    /* a date that does not exist */
    assert_int_equal(load_text(f, "[report]\nas_of = 31/2/2024\n"), -1);
    err_has(f, "as_of");
    err_has(f, "31/2/2024");
}

static void test_line_without_equals(void **state)
{
    fixture *f = *state;
    assert_int_equal(load_text(f, "; comment\n[report]\n"
                                  "year = 2024\n"
                                  "this line has no equals sign\n"
                                  "as_of = 2024-12-31\n"),
                     -1);
    strbuf want = STRBUF_INIT;
    strbuf_addf(&want, "%s:4:", f->ini);
    err_has(f, want.buf);
    strbuf_release(&want);
}

static void test_long_line(void **state)
{
    fixture *f = *state;
    strbuf text = STRBUF_INIT;
    strbuf_adds(&text, "[unit]\nsigner = A\nrecipients = ");
    for (int i = 0; i < 1100; i++) strbuf_addch(&text, 'x');
    strbuf_adds(&text, "\n");
    assert_int_equal(load_text(f, text.buf), -1);
    strbuf want = STRBUF_INIT;
    strbuf_addf(&want, "%s:3:", f->ini);
    err_has(f, want.buf);
    strbuf_release(&want);
    strbuf_release(&text);
}

static void test_unknown_section(void **state)
{
    fixture *f = *state;
    assert_int_equal(load_text(f, "[report]\nyear = 2024\n[bao_cao]\nx = 1\n"), -1);
    err_has(f, f->ini);
    err_has(f, "[bao_cao]");
}

static void test_enums(void **state)
{
    fixture *f = *state;
    int rc = load_text(f, "[report]\nnumber_format = en\namount_unit = nghin\n"
                          "disbursement = snapshot\non_reject = fail\noutputs = pdf\n");
    if (rc) fail_msg("%s", f->err.buf);
    assert_int_equal(f->cfg.numconv, NUMCONV_EN);
    assert_int_equal(f->cfg.amount_scale, 3);
    assert_int_equal(f->cfg.disbursement, DISB_SNAPSHOT);
    assert_int_equal(f->cfg.on_reject, REJECT_FAIL);
    assert_int_equal(f->cfg.outputs, OUTPUT_PDF);
    rc = load_text(f, "[report]\namount_unit = dong\noutputs = xlsx\n");
    if (rc) fail_msg("%s", f->err.buf);
    assert_int_equal(f->cfg.amount_scale, 0);
    assert_int_equal(f->cfg.outputs, OUTPUT_XLSX);
    assert_int_equal(load_text(f, "[report]\nnumber_format = fr\n"), -1);
    err_has(f, "number_format");
    err_has(f, "fr");
    assert_int_equal(load_text(f, "[report]\namount_unit = trie\n"), -1);
    err_has(f, "amount_unit");
    assert_int_equal(load_text(f, "[report]\noutputs = xlsx, odt\n"), -1);
    err_has(f, "outputs");
}

static void test_mappings(void **state)
{
    fixture *f = *state;
    int rc = load_text(f, "[report]\nyear = 2024\n"
                          "[map.giai_ngan]\n"
                          "ma_xa     = Mã ĐVQHNS\n"
                          "giai_ngan = Số thanh toán\n"
                          "[map.ke_hoach]\n"
                          "ke_hoach = Kế hoạch giao\n");
    if (rc) fail_msg("%s", f->err.buf);
    assert_int_equal(f->cfg.nmappings, 3);
    int seen = 0;
    for (int i = 0; i < f->cfg.nmappings; i++) {
        const config_mapping *m = &f->cfg.mappings[i];
        if (!strcmp(m->kind, "giai_ngan") && !strcmp(m->field, "ma_xa")) {
            assert_string_equal(m->header, "Mã ĐVQHNS");
            seen |= 1;
        } else if (!strcmp(m->kind, "giai_ngan") && !strcmp(m->field, "giai_ngan")) {
            assert_string_equal(m->header, "Số thanh toán");
            seen |= 2;
        } else if (!strcmp(m->kind, "ke_hoach") && !strcmp(m->field, "ke_hoach")) {
            assert_string_equal(m->header, "Kế hoạch giao");
            seen |= 4;
        } else {
            fail_msg("unexpected mapping %s.%s = %s", m->kind, m->field, m->header);
        }
    }
    assert_int_equal(seen, 7);
}

static void test_relative_paths(void **state)
{
    fixture *f = *state;
    int rc = load_text(f, "[report]\ninput_dir = data\noutput_dir = /var/tmp/mtqg-out\n"
                          "templates_dir = ../mau\n");
    if (rc) fail_msg("%s", f->err.buf);
    strbuf want = STRBUF_INIT;
    strbuf_addf(&want, "%s/data", f->dir);
    assert_string_equal(f->cfg.input_dir, want.buf);
    strbuf_reset(&want);
    strbuf_addf(&want, "%s/../mau", f->dir);
    assert_string_equal(f->cfg.templates_dir, want.buf);
    assert_string_equal(f->cfg.output_dir, "/var/tmp/mtqg-out");
    /* template paths build on the resolved folder */
    char *p = config_template_path(&f->cfg, "catalogue.txt");
    strbuf_reset(&want);
    strbuf_addf(&want, "%s/../mau/catalogue.txt", f->dir);
    assert_string_equal(p, want.buf);
    free(p);
    strbuf_release(&want);
}

static void test_quotes_and_comments(void **state)
{
    fixture *f = *state;
    int rc = load_text(f, "# a hash comment\n; a semicolon comment\n"
                          "[Unit]\n"
                          "Signer = Lò Văn Thanh ; inline comment\n"
                          "archive = \"Lưu: VT; KHTH.\"\n"
                          "recipients = A | B |  | C\n");
    if (rc) fail_msg("%s", f->err.buf);
    /* iniparser lower-cases section and key names */
    assert_string_equal(f->cfg.unit.signer, "Lò Văn Thanh");
    assert_string_equal(f->cfg.unit.archive, "Lưu: VT; KHTH.");
    assert_int_equal(f->cfg.unit.nrecipients, 4);
    assert_string_equal(f->cfg.unit.recipients[0], "A");
    assert_string_equal(f->cfg.unit.recipients[2], "");
    assert_string_equal(f->cfg.unit.recipients[3], "C");
}

static void test_missing_file(void **state)
{
    fixture *f = *state;
    char *missing = tu_path(f->dir, "khong-co.ini");
    strbuf_reset(&f->err);
    assert_int_equal(config_load(&f->cfg, missing, &f->err), -1);
    err_has(f, missing);
    free(missing);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped_config),
        cmocka_unit_test(test_defaults),
        T(test_unknown_key),
        T(test_unknown_key_in_unit),
        T(test_bad_year),
        T(test_base10_and_dates),
        T(test_line_without_equals),
        T(test_long_line),
        T(test_unknown_section),
        T(test_enums),
        T(test_mappings),
        T(test_relative_paths),
        T(test_quotes_and_comments),
        T(test_missing_file),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
