/*
 * The two-level map across 1/7/2025: a cumulative 2024-2025 report of the
 * shipped sample (old commune and district codes) grouped under the new
 * communes by a crosswalk (tests/fixtures/crosswalk: the shipped
 * examples/bang-chuyen-doi-99.csv, and a copy that leaves one commune
 * out). The independent oracle check_cw.py regroups the plan CSVs itself
 * and checks every unit's row and the total (no row lost); a commune the
 * table does not cover stays under its old unit and is listed in the log.
 * Also split = province, and a malformed crosswalk named by file and line.
 * Rows dated against the table (tests/fixtures/crosswalk/dated): a new
 * code before its hieu_luc, an old one after it, are rejected by file,
 * row and column whatever units the report shows; the rest are read.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "model/crosswalk.h"
#include "testutil.h"

/* Run the inputs of folder input (NULL: the sample's) over 2024-2025 with
 * crosswalk cw (and extra ini lines); returns the log; out folder dir/out. */
static int run_input(const char *dir, const char *input, const char *cw, const char *extra, strbuf *log)
{
    char cwd[4096];
    assert_non_null(getcwd(cwd, sizeof cwd));
    strbuf ini = STRBUF_INIT, in = STRBUF_INIT;
    if (input) strbuf_adds(&in, input);
    else strbuf_addf(&in, "%s/input", cwd);
    strbuf_addf(&ini, "[report]\nperiod = 2024-2025\ninput_dir = %s\noutput_dir = %s/out\n"
                      "templates_dir = %s/templates\ncrosswalk = %s/%s\noutput_name = lk\n"
                      "[unit]\nprovince_code = 99\nprovince_name = Hòa Sơn\n"
                      "agency = Sở Dân tộc và Tôn giáo\n%s", in.buf, dir, cwd, cwd, cw, extra);
    strbuf_release(&in);
    char *path = tu_path(dir, "c.ini");
    assert_int_equal(tu_write_file(path, ini.buf), 0);
    int rc = tu_runf(log, "build/san/mtqg-report --config '%s' 2>&1", path);
    free(path);
    strbuf_release(&ini);
    return rc;
}

static int run_sample(const char *dir, const char *cw, const char *extra, strbuf *log)
{
    return run_input(dir, NULL, cw, extra, log);
}

static void oracle(const char *dir, const char *cw)
{
    strbuf out = STRBUF_INIT;
    int rc = tu_runf(&out, "/usr/bin/python3 tests/fixtures/crosswalk/check_cw.py %s 2024 2025 "
                           "'%s/out/lk-2024-2025.xlsx' '%s/out/lk-2024-2025.pdf' "
                           "input/ke_hoach_2024.csv input/ke_hoach_2025.csv 2>&1", cw, dir, dir);
    if (rc != 0) fail_msg("oracle:\n%s", out.buf);
    strbuf_release(&out);
}

/* Every old unit covered: new communes only, no "huyện" in the report. */
static void test_cumulative_grouped_under_new_communes(void **state)
{
    (void)state;
    char *dir = tu_tmpdir("cw");
    strbuf log = STRBUF_INIT;
    int rc = run_sample(dir, "examples/bang-chuyen-doi-99.csv", "", &log);
    if (rc != 0 && rc != 3) fail_msg("status %d\n%s", rc, log.buf); /* 3: the sample's control mismatch */
    if (strstr(log.buf, "không có trong bảng chuyển đổi")) fail_msg("%s", log.buf);
    oracle(dir, "examples/bang-chuyen-doi-99.csv");
    strbuf_release(&log);
    tu_rmtree(dir);
    free(dir);
}

/* A commune the table leaves out: kept, counted, and listed. */
static void test_uncovered_listed_not_dropped(void **state)
{
    (void)state;
    char *dir = tu_tmpdir("cw2");
    strbuf log = STRBUF_INIT;
    int rc = run_sample(dir, "tests/fixtures/crosswalk/bang-chuyen-doi.csv", "", &log);
    if (rc != 0 && rc != 3) fail_msg("status %d\n%s", rc, log.buf);
    if (!strstr(log.buf, "xã mã 99316 (Xã Đắk Rơ Ông) không có trong bảng chuyển đổi"))
        fail_msg("uncovered commune not listed:\n%s", log.buf);
    oracle(dir, "tests/fixtures/crosswalk/bang-chuyen-doi.csv");
    strbuf_release(&log);
    tu_rmtree(dir);
    free(dir);
}

/* units = old (here in a job section): the crosswalk groups nothing, the
 * old communes are shown as the data names them. */
static void test_units_old_keeps_old_units(void **state)
{
    (void)state;
    char *dir = tu_tmpdir("cw3");
    strbuf log = STRBUF_INIT, text = STRBUF_INIT, pdf = STRBUF_INIT;
    int rc = run_sample(dir, "examples/bang-chuyen-doi-99.csv", "[job.cu]\nunits = old\n", &log);
    if (rc != 0 && rc != 3) fail_msg("status %d\n%s", rc, log.buf);
    if (strstr(log.buf, "được tổng hợp vào xã mới")) fail_msg("crosswalk applied:\n%s", log.buf);
    strbuf_addf(&pdf, "%s/out/lk-2024-2025.pdf", dir);
    assert_int_equal(tu_pdf_text(pdf.buf, 0, 0, TU_PDF_FLOW, &text), 0);
    if (!strstr(text.buf, "Xã Tà Xùy")) fail_msg("old commune not shown");
    strbuf_release(&text);
    strbuf_release(&pdf);
    strbuf_release(&log);
    tu_rmtree(dir);
    free(dir);
}

/* split = province: one set of outputs for the province, named by its code. */
static void test_split_province(void **state)
{
    (void)state;
    char *dir = tu_tmpdir("cw4");
    strbuf log = STRBUF_INIT, path = STRBUF_INIT;
    int rc = run_sample(dir, "examples/bang-chuyen-doi-99.csv", "[job.tinh]\nsplit = province\n", &log);
    if (rc != 0 && rc != 3) fail_msg("status %d\n%s", rc, log.buf);
    strbuf_addf(&path, "%s/out/lk-2024-2025-99.xlsx", dir);
    char *bytes = tu_read_file(path.buf, NULL);
    if (!bytes) fail_msg("%s not written\n%s", path.buf, log.buf);
    free(bytes);
    strbuf_release(&path);
    strbuf_release(&log);
    tu_rmtree(dir);
    free(dir);
}

/* The shipped examples run: the phase report (every unit under a new
 * commune, totals as the oracle's) and the 2026 report (loud about the
 * new programme's missing parts). */
static void test_shipped_examples(void **state)
{
    (void)state;
    char *dir = tu_tmpdir("cwex");
    char cwd[4096];
    assert_non_null(getcwd(cwd, sizeof cwd));
    strbuf in = STRBUF_INIT, out = STRBUF_INIT, tpl = STRBUF_INIT, cw = STRBUF_INIT, err = STRBUF_INIT;
    strbuf log = STRBUF_INIT, in26 = STRBUF_INIT;
    strbuf_addf(&in, "%s/input", cwd);
    strbuf_addf(&out, "%s/out", dir);
    strbuf_addf(&tpl, "%s/templates", cwd);
    strbuf_addf(&cw, "%s/examples/bang-chuyen-doi-99.csv", cwd);
    strbuf_addf(&in26, "%s/examples/input-2026", cwd);
    const char *const kv[][2] = {{"input_dir", in.buf}, {"output_dir", out.buf}, {"templates_dir", tpl.buf},
                                 {"crosswalk", cw.buf}, {"output_name", "lk"}};
    char *ini = tu_config_copy("examples/giai-doan-2021-2025.ini", dir, "gd.ini", kv, 5, &err);
    if (!ini) fail_msg("%s", err.buf);
    int rc = tu_runf(&log, "build/san/mtqg-report --config '%s' 2>&1", ini);
    if (rc != 0 && rc != 3) fail_msg("status %d\n%s", rc, log.buf);
    strbuf res = STRBUF_INIT;
    rc = tu_runf(&res, "/usr/bin/python3 tests/fixtures/crosswalk/check_cw.py examples/bang-chuyen-doi-99.csv "
                       "2021 2025 '%s/lk-2021-2025.xlsx' '%s/lk-2021-2025.pdf' "
                       "input/ke_hoach_2024.csv input/ke_hoach_2025.csv 2>&1", out.buf, out.buf);
    if (rc != 0) fail_msg("oracle:\n%s", res.buf);
    free(ini);
    const char *const kv26[][2] = {{"input_dir", in26.buf}, {"output_dir", out.buf}, {"templates_dir", tpl.buf}};
    ini = tu_config_copy("examples/nam-2026.ini", dir, "n26.ini", kv26, 3, &err);
    if (!ini) fail_msg("%s", err.buf);
    strbuf_reset(&log);
    rc = tu_runf(&log, "build/san/mtqg-report --config '%s' 2>&1", ini);
    assert_int_equal(rc, 3);
    if (!strstr(log.buf, "chưa đầy đủ")) fail_msg("%s", log.buf);
    free(ini);
    strbuf *all[] = {&in, &out, &tpl, &cw, &err, &log, &in26, &res};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) strbuf_release(all[i]);
    tu_rmtree(dir);
    free(dir);
}

#define DATED "tests/fixtures/crosswalk/dated"

/* Rows of the rejects CSV as "file,row,column,value" lines (the file by
 * its base name, the reason dropped); NULL when it is absent. */
static char *reject_keys(const char *path)
{
    char *text = tu_read_file(path, NULL);
    if (!text) return NULL;
    strbuf keys = STRBUF_INIT;
    char *save = NULL;
    int header = 1;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (header) { header = 0; continue; }
        char *f[5];
        int n = 0;
        for (char *p = line; n < 5 && (p = strchr(p, '"')); ) { /* "a","b",...: no quote inside */
            char *end = strchr(p + 1, '"');
            if (!end) break;
            *end = '\0';
            f[n++] = p + 1;
            p = end + 1;
        }
        if (n < 4) fail_msg("rejects line: %s", line);
        const char *base = strrchr(f[0], '/') ? strrchr(f[0], '/') + 1 : f[0];
        strbuf_addf(&keys, "%s,%s,%s,%s\n", base, f[1], f[2], f[3]);
    }
    free(text);
    return strbuf_detach(&keys, NULL);
}

/* The expected rejects of the dated fixture, comments dropped; and per
 * file "<file> (...): đọc N dòng = N-r nhận + 0 bỏ qua + r loại". */
static char *expected_rejects(void)
{
    char *text = tu_read_file(DATED "/expected-rejects.csv", NULL);
    assert_non_null(text);
    strbuf keys = STRBUF_INIT;
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
        if (*line != '#') strbuf_addf(&keys, "%s\n", line);
    free(text);
    return strbuf_detach(&keys, NULL);
}

static void check_file_counts(const char *log, const char *want, const char *file, const char *kind)
{
    char *path = tu_path(DATED, file);
    char *text = tu_read_file(path, NULL);
    assert_non_null(text);
    int rows = tu_count(text, "\n") - 1, rej = 0;
    strbuf prefix = STRBUF_INIT, line = STRBUF_INIT;
    strbuf_addf(&prefix, "%s,", file);
    for (const char *p = want; (p = strstr(p, prefix.buf)); p++)
        if (p == want || p[-1] == '\n') rej++;
    strbuf_addf(&line, "%s (%s): đọc %d dòng = %d nhận + 0 bỏ qua + %d loại", file, kind, rows, rows - rej, rej);
    if (!strstr(log, line.buf)) fail_msg("want \"%s\" in\n%s", line.buf, log);
    strbuf_release(&prefix);
    strbuf_release(&line);
    free(text);
    free(path);
}

/* A new commune's code on a row dated before the crosswalk's hieu_luc, an
 * old commune's or district's code after it: rejected at the code's
 * column, in both units modes; every other row read (counts add up), and
 * the plan totals are the oracle's, which drops the same rows by the same
 * rule applied to the year of a row with no date. */
static void dated_rows(const char *extra)
{
    char *dir = tu_tmpdir("cwd");
    strbuf log = STRBUF_INIT, in = STRBUF_INIT, res = STRBUF_INIT;
    strbuf_addf(&in, "%s/input", dir);
    assert_int_equal(tu_runf(NULL, "mkdir -p '%s' && cp input/*.csv " DATED "/giai_ngan_2025.csv "
                                   DATED "/ke_hoach_moi.csv '%s'", in.buf, in.buf), 0);
    int rc = run_input(dir, in.buf, "examples/bang-chuyen-doi-99.csv", extra, &log);
    if (rc != 3) fail_msg("status %d, want 3 (rows rejected)\n%s", rc, log.buf);
    char *rej = tu_path(dir, "out/lk-2024-2025-dong-bi-loai.csv");
    char *got = reject_keys(rej), *want = expected_rejects();
    if (!got || strcmp(got, want)) fail_msg("rejects:\n%s\nwant:\n%s", got ? got : "(none)", want);
    check_file_counts(log.buf, want, "giai_ngan_2025.csv", "giải ngân");
    check_file_counts(log.buf, want, "ke_hoach_moi.csv", "kế hoạch vốn");
    /* units = old shows the old units and the new ones side by side: said */
    if (!!strstr(log.buf, "units = old: số liệu có") != !!*extra) fail_msg("side by side note:\n%s", log.buf);
    if (!*extra) {
        rc = tu_runf(&res, "/usr/bin/python3 tests/fixtures/crosswalk/check_cw.py examples/bang-chuyen-doi-99.csv "
                           "2024 2025 '%s/out/lk-2024-2025.xlsx' '%s/out/lk-2024-2025.pdf' input/ke_hoach_2024.csv "
                           "input/ke_hoach_2025.csv " DATED "/ke_hoach_moi.csv 2>&1", dir, dir);
        if (rc != 0 || !strstr(res.buf, "1 rows out of date")) fail_msg("oracle:\n%s", res.buf);
    }
    free(got);
    free(want);
    free(rej);
    strbuf_release(&res);
    strbuf_release(&in);
    strbuf_release(&log);
    tu_rmtree(dir);
    free(dir);
}

static void test_dated_rows_units_new(void **state)
{
    (void)state;
    dated_rows("");
}

static void test_dated_rows_units_old(void **state)
{
    (void)state;
    dated_rows("[job.cu]\nunits = old\n");
}

static void test_bad_crosswalk_lines(void **state)
{
    (void)state;
    static const struct { const char *text; int line; const char *why; } cases[] = {
        {"ma_cu,ma_moi,ten_moi,hieu_luc\n99101,99120,Xã A,2025-07-01\n99101,99121,Xã B,2025-07-01\n", 3, "99101"},
        {"99101,9912,Xã A,2025-07-01\n", 1, "mã mới"},
        {"9910,99120,Xã A,2025-07-01\n", 1, "mã cũ"},
        {"99101,99120,Xã A,1/13/2025\n", 1, "ngày"},
        {"99101,99120\n", 1, "ma_cu"},
    };
    char *dir = tu_tmpdir("cw5");
    char *path = tu_path(dir, "cw.csv");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(tu_write_file(path, cases[i].text), 0);
        crosswalk cw;
        strbuf err = STRBUF_INIT, want = STRBUF_INIT;
        assert_int_equal(crosswalk_load(&cw, path, &err), -1);
        strbuf_addf(&want, "%s:%d: ", path, cases[i].line);
        if (!strstr(err.buf, want.buf) || !strstr(err.buf, cases[i].why))
            fail_msg("case %zu: \"%s\"", i, err.buf);
        crosswalk_free(&cw);
        strbuf_release(&err);
        strbuf_release(&want);
    }
    free(path);
    tu_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cumulative_grouped_under_new_communes),
        cmocka_unit_test(test_uncovered_listed_not_dropped),
        cmocka_unit_test(test_units_old_keeps_old_units),
        cmocka_unit_test(test_split_province),
        cmocka_unit_test(test_shipped_examples),
        cmocka_unit_test(test_bad_crosswalk_lines),
        cmocka_unit_test(test_dated_rows_units_new),
        cmocka_unit_test(test_dated_rows_units_old),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
