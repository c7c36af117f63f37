/*
 * Hardening (issue 10): the bad inputs a new office's files can hold, run
 * through the program (the sanitizer binary, as a process) or through the
 * module that must refuse them. Each test here failed on the code before
 * the fix: a wrapped sum, a half-replaced output set, a swallowed row, a
 * hang on a FIFO, bytes that are not UTF-8, a wrong status, one long value
 * failing the whole run, a misleading message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/job.h"
#include "render/table.h"
#include "testutil.h"

#define SAN_BIN "build/san/mtqg-report"
#define CONFIG "reports.ini"
#define BASE "bao-cao-1719-2024"

#define PLAN_HEAD "nam,nam_von,ma_tinh,ten_tinh,ma_huyen,ten_huyen,ma_xa,ten_xa,ma_du_an,nguon_von,ke_hoach,noi_dung\n"
#define ROW_XA1 "2024,2024,99,Hòa Sơn,991,Huyện Mường Khoa,99101,Thị trấn Mường Khoa,DA1,NSTW_SN,"
#define ROW_XA2 "2024,2024,99,Hòa Sơn,991,Huyện Mường Khoa,99103,Xã Nậm Lùng,DA1,NSTW_SN,"

typedef struct fixture {
    char *dir;   /* scratch: config, input/, output/ */
    char *in, *out, *ini;
    char cwd[4096];
    strbuf log;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->dir = tu_tmpdir("hard");
    f->log = (strbuf)STRBUF_INIT;
    *state = f;
    if (!f->dir || !getcwd(f->cwd, sizeof f->cwd) || access(SAN_BIN, X_OK)) {
        fprintf(stderr, "test_hardening: run from the repository root after `make %s`\n", SAN_BIN);
        return -1;
    }
    f->in = tu_path(f->dir, "input");
    f->out = tu_path(f->dir, "output");
    if (tu_runf(NULL, "mkdir -p '%s' '%s'", f->in, f->out)) return -1;
    strbuf tpl = STRBUF_INIT, err = STRBUF_INIT;
    strbuf_addf(&tpl, "%s/templates", f->cwd);
    const char *const kv[][2] = {{"templates_dir", tpl.buf}, {"input_dir", f->in}, {"output_dir", f->out}};
    f->ini = tu_config_copy(CONFIG, f->dir, "test.ini", kv, 3, &err);
    if (!f->ini) fprintf(stderr, "config copy: %s\n", err.buf);
    strbuf_release(&tpl);
    strbuf_release(&err);
    return f->ini ? 0 : -1;
}

static int teardown(void **state)
{
    fixture *f = *state;
    tu_rmtree(f->dir);
    free(f->dir);
    free(f->in);
    free(f->out);
    free(f->ini);
    strbuf_release(&f->log);
    free(f);
    return 0;
}

static int prog(fixture *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The program with args (printf format); stdout and stderr in f->log. */
static int prog(fixture *f, const char *fmt, ...)
{
    strbuf args = STRBUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    strbuf_vaddf(&args, fmt, ap);
    va_end(ap);
    strbuf_reset(&f->log);
    int rc = tu_runf(&f->log, SAN_BIN " %s 2>&1", args.buf);
    strbuf_release(&args);
    return rc;
}

static void expect_status(fixture *f, int rc, int want)
{
    if (rc != want) fail_msg("exit status %d, want %d; output:\n%s", rc, want, f->log.buf);
}

static void expect_says(fixture *f, const char *text)
{
    if (!strstr(f->log.buf, text))
        fail_msg("the message should mention \"%s\"; output:\n%s", text, f->log.buf);
}

static void write_in(const char *dir, const char *name, const char *text)
{
    char *p = tu_path(dir, name);
    assert_int_equal(tu_write_file(p, text), 0);
    free(p);
}

/* No workbook, PDF or manifest in the output folder. */
static void expect_no_report(fixture *f)
{
    const char *names[] = {BASE ".xlsx", BASE ".pdf", BASE ".manifest.json"};
    for (int i = 0; i < 3; i++) {
        char *p = tu_path(f->out, names[i]);
        if (access(p, F_OK) == 0) fail_msg("%s written by a run that should have failed:\n%s", p, f->log.buf);
        free(p);
    }
}

/* ---- 1. sums that would leave int64 ----------------------------------- */

/* Two rows of 5.000.000.000.000 triệu in one cell: 10^19 đồng. */
static void test_overflow_same_cell(void **state)
{
    fixture *f = *state;
    write_in(f->in, "ke_hoach_2024.csv",
             PLAN_HEAD ROW_XA1 "5000000000000,a\n" ROW_XA1 "5000000000000,b\n");
    expect_status(f, prog(f, "--config '%s'", f->ini), EXIT_DATA);
    expect_says(f, "vượt quá giới hạn");
    expect_says(f, "Thị trấn Mường Khoa");
    expect_says(f, "DA1");
    expect_no_report(f);
}

/* Each cell fits, their sum (the TỔNG SỐ row) does not. */
static void test_overflow_across_cells(void **state)
{
    fixture *f = *state;
    write_in(f->in, "ke_hoach_2024.csv",
             PLAN_HEAD ROW_XA1 "5000000000000,a\n" ROW_XA2 "5000000000000,b\n");
    expect_status(f, prog(f, "--config '%s'", f->ini), EXIT_DATA);
    expect_says(f, "vượt quá giới hạn");
    expect_no_report(f);
}

/* Negative amounts wrap the other way. */
static void test_overflow_negative(void **state)
{
    fixture *f = *state;
    write_in(f->in, "ke_hoach_2024.csv",
             PLAN_HEAD ROW_XA1 "-5000000000000,a\n" ROW_XA2 "-5000000000000,b\n");
    expect_status(f, prog(f, "--config '%s'", f->ini), EXIT_DATA);
    expect_says(f, "vượt quá giới hạn");
    expect_no_report(f);
}

/* A derived column adding two columns that each fit. */
static void test_overflow_derived_column(void **state)
{
    (void)state;
    table *t = table_new(3);
    t->cols[0].kind = t->cols[1].kind = t->cols[2].kind = COL_MONEY;
    t->cols[2].derive = DERIVE_SUM;
    t->cols[2].nargs = 2;
    t->cols[2].args[0] = 0;
    t->cols[2].args[1] = 1;
    int r0 = table_add_row(t, 0, 0), r1 = table_add_row(t, 0, 0);
    table_cell_value(t, r0, 0, 7);
    table_cell_value(t, r0, 1, 8);
    table_cell_value(t, r1, 0, INT64_MAX - 5);
    table_cell_value(t, r1, 1, 6);
    int row = -1, col = -1;
    assert_int_equal(table_compute_derived(t, &row, &col), -1);
    assert_int_equal(row, r1);
    assert_int_equal(col, 2);
    assert_int_equal(t->rows[r0].cells[2].value, 15);
    assert_false(t->rows[r1].cells[2].present);
    table_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_overflow_same_cell, setup, teardown),
        cmocka_unit_test_setup_teardown(test_overflow_across_cells, setup, teardown),
        cmocka_unit_test_setup_teardown(test_overflow_negative, setup, teardown),
        cmocka_unit_test(test_overflow_derived_column),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
