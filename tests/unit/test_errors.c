/*
 * Bad input, bad config, bad flags, unwritable output: the program (the
 * sanitizer binary build/san/mtqg-report, run as a process) must say what
 * is wrong, naming the file, line, section, key or column, exit with the
 * documented status (src/cli/main.c, --help), and leave nothing
 * half-written: no new output, no leftover temporary file, and a previous
 * run's outputs byte-identical.
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
#include "testutil.h"

#define SAN_BIN "build/san/mtqg-report"
#define CONFIG "reports.ini"
#define BASE "bao-cao-1719-2024"
#define XLSX BASE ".xlsx"
#define PDF BASE ".pdf"
#define DOCX BASE ".docx"
#define REJECTS BASE "-dong-bi-loai.csv"
#define MANIFEST BASE ".manifest.json"
#define CHECK_PDF BASE "-kiem-tra.pdf"
#define CHECK_DOCX BASE "-kiem-tra.docx"
#define CHECK_XLSX BASE "-kiem-tra.xlsx"

typedef struct fixture {
    char *dir;   /* scratch: configs, inputs */
    char *out;   /* the output folder given to the program, empty */
    char cwd[4096];
    strbuf log;  /* the program's stdout + stderr */
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->dir = tu_tmpdir("err");
    f->out = tu_tmpdir("err-out");
    f->log = (strbuf)STRBUF_INIT;
    *state = f;
    if (!getcwd(f->cwd, sizeof f->cwd) || access(CONFIG, R_OK) || access(SAN_BIN, X_OK)) {
        fprintf(stderr, "test_errors: run from the repository root after `make %s`\n", SAN_BIN);
        return -1;
    }
    return f->dir && f->out ? 0 : -1;
}

static int teardown(void **state)
{
    fixture *f = *state;
    tu_rmtree(f->dir);
    tu_rmtree(f->out);
    free(f->dir);
    free(f->out);
    strbuf_release(&f->log);
    free(f);
    return 0;
}

/* The program with args (a printf format), stdout and stderr in f->log. */
static int prog(fixture *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

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
    if (!strstr(f->log.buf, text)) fail_msg("the message should mention \"%s\"; output:\n%s", text, f->log.buf);
}

/* A failed run left the output folder as it found it: empty. */
static void expect_nothing_written(fixture *f)
{
    strbuf names = STRBUF_INIT;
    int n = tu_dir_entries(f->out, 0, &names);
    if (n != 0) fail_msg("%s after a failed run holds:%s", f->out, names.buf);
    strbuf_release(&names);
}

/* No temporary file (a name starting with '.') is left in dir. */
static void expect_no_temps(const char *dir)
{
    strbuf names = STRBUF_INIT;
    int n = tu_dir_entries(dir, 1, &names);
    if (n < 0) fail_msg("%s: cannot be listed", dir);
    if (n > 0) fail_msg("%s: temporary files left behind:%s", dir, names.buf);
    strbuf_release(&names);
}

static void write_in(const char *dir, const char *name, const char *text)
{
    char *p = tu_path(dir, name);
    assert_int_equal(tu_write_file(p, text), 0);
    free(p);
}

/*
 * f->dir/name: a copy of reports.ini with [report] keys replaced ({key,
 * value} pairs, each present in reports.ini). Paths in a config are
 * relative to its own folder, so values are absolute.
 */
static char *config_copy(fixture *f, const char *name, const char *const (*kv)[2], int n)
{
    strbuf err = STRBUF_INIT;
    char *path = tu_config_copy(CONFIG, f->dir, name, kv, n, &err);
    if (!path) fail_msg("config_copy: %s", err.buf);
    strbuf_release(&err);
    return path;
}

/* An input folder under f->dir holding the named sample files. */
static char *input_with(fixture *f, const char *name, const char *const *files, int n)
{
    char *in = tu_path(f->dir, name);
    assert_int_equal(tu_runf(NULL, "mkdir -p '%s'", in), 0);
    for (int i = 0; i < n; i++) assert_int_equal(tu_runf(NULL, "cp 'input/%s' '%s/'", files[i], in), 0);
    return in;
}

/* ---- config ------------------------------------------------------------ */

static void test_missing_config(void **state)
{
    fixture *f = *state;
    char *ini = tu_path(f->dir, "khong-co.ini");
    expect_status(f, prog(f, "--config '%s' --output '%s'", ini, f->out), EXIT_CONFIG);
    expect_says(f, ini);
    expect_nothing_written(f);
    free(ini);
}

static void test_config_syntax_error(void **state)
{
    fixture *f = *state;
    char *ini = tu_path(f->dir, "hong.ini");
    strbuf where = STRBUF_INIT;
    write_in(f->dir, "hong.ini", "; cấu hình hỏng\n[report]\nyear = 2024\nđây không phải khóa bằng giá trị\n");
    expect_status(f, prog(f, "--config '%s' --output '%s'", ini, f->out), EXIT_CONFIG);
    strbuf_addf(&where, "%s:4", ini); /* file and line */
    expect_says(f, where.buf);
    expect_nothing_written(f);
    strbuf_release(&where);
    free(ini);
}

static void test_config_unknown_key(void **state)
{
    fixture *f = *state;
    char *ini = tu_path(f->dir, "khoa.ini");
    write_in(f->dir, "khoa.ini", "[report]\nyear = 2024\nkhoa_la = 1\n");
    expect_status(f, prog(f, "--config '%s' --output '%s'", ini, f->out), EXIT_CONFIG);
    expect_says(f, ini);
    expect_says(f, "[report]");
    expect_says(f, "khoa_la");
    expect_nothing_written(f);
    free(ini);
}

static void test_config_unknown_section_and_bad_value(void **state)
{
    fixture *f = *state;
    char *ini = tu_path(f->dir, "muc.ini");
    write_in(f->dir, "muc.ini", "[report]\nyear = 2024\n[bao_cao]\nx = 1\n");
    expect_status(f, prog(f, "--config '%s' --output '%s'", ini, f->out), EXIT_CONFIG);
    expect_says(f, "[bao_cao]");
    expect_nothing_written(f);
    write_in(f->dir, "muc.ini", "[report]\nyear = 2024\non_reject = co_le\n");
    expect_status(f, prog(f, "--config '%s' --output '%s'", ini, f->out), EXIT_CONFIG);
    expect_says(f, "on_reject");
    expect_says(f, "co_le");
    expect_nothing_written(f);
    free(ini);
}

/* ---- flags ------------------------------------------------------------- */

static void test_bad_as_of(void **state)
{
    fixture *f = *state;
    expect_status(f, prog(f, "--as-of 2024-13-45 --output '%s'", f->out), EXIT_CONFIG);
    expect_says(f, "2024-13-45");
    expect_nothing_written(f);
    expect_status(f, prog(f, "--year hai-nghin --output '%s'", f->out), EXIT_CONFIG);
    expect_says(f, "hai-nghin");
    expect_nothing_written(f);
}

static void test_bad_flags(void **state)
{
    fixture *f = *state;
    expect_status(f, prog(f, "--khong-co-co --output '%s'", f->out), EXIT_CONFIG);
    expect_says(f, "không có tùy chọn \"--khong-co-co\"; xem mtqg-report --help");
    expect_status(f, prog(f, "--output '%s' thua", f->out), EXIT_CONFIG);
    expect_says(f, "thua");
    expect_nothing_written(f);
}

static void test_help(void **state)
{
    fixture *f = *state;
    strbuf_reset(&f->log);
    /* stdout only: help is output, not an error. */
    int rc = tu_runf(&f->log, SAN_BIN " --help 2>/dev/null");
    expect_status(f, rc, EXIT_OK);
    expect_says(f, "Mã thoát");
    expect_says(f, "--output");
}

/* ---- inputs ------------------------------------------------------------ */

static void test_input_dir_missing(void **state)
{
    fixture *f = *state;
    char *in = tu_path(f->dir, "khong-co-thu-muc");
    expect_status(f, prog(f, "--input '%s' --output '%s'", in, f->out), EXIT_INPUT);
    expect_says(f, in);
    expect_nothing_written(f);
    free(in);
}

static void test_input_without_plan(void **state)
{
    fixture *f = *state;
    static const char *const files[] = {"giai_ngan_2024.csv", "chi_tieu_2024.csv"};
    char *in = input_with(f, "khong-ke-hoach", files, 2);
    expect_status(f, prog(f, "--input '%s' --output '%s'", in, f->out), EXIT_INPUT);
    expect_says(f, in);
    expect_says(f, "ke_hoach");
    expect_nothing_written(f);
    free(in);
}

static void test_empty_plan_file(void **state)
{
    fixture *f = *state;
    static const char *const files[] = {"giai_ngan_2024.csv"};
    char *in = input_with(f, "rong", files, 1);
    char *plan = tu_path(in, "ke_hoach_2024.csv");
    assert_int_equal(tu_write_file(plan, ""), 0);
    expect_status(f, prog(f, "--input '%s' --output '%s'", in, f->out), EXIT_DATA);
    expect_says(f, plan);
    expect_says(f, "rỗng");
    expect_nothing_written(f);
    free(plan);
    free(in);
}

static void test_plan_missing_column(void **state)
{
    fixture *f = *state;
    char *in = input_with(f, "thieu-cot", NULL, 0);
    char *plan = tu_path(in, "ke_hoach_2024.csv");
    /* The default layout without its required "ke_hoach" column. */
    assert_int_equal(tu_write_file(plan,
        "nam,nam_von,ma_tinh,ma_huyen,ma_xa,ten_xa,ma_du_an,nguon_von,noi_dung\n"
        "2024,2024,99,991,99101,Thị trấn Mường Khoa,DA1,NSTW_SN,Hỗ trợ nhà ở\n"), 0);
    expect_status(f, prog(f, "--input '%s' --output '%s'", in, f->out), EXIT_DATA);
    expect_says(f, plan);
    expect_says(f, "\"ke_hoach\"");
    expect_nothing_written(f);
    free(plan);
    free(in);
}

/* ---- outputs ----------------------------------------------------------- */

static void test_output_is_a_file(void **state)
{
    fixture *f = *state;
    char *file = tu_path(f->out, "tep-thuong");
    write_in(f->out, "tep-thuong", "giữ nguyên\n");
    expect_status(f, prog(f, "--output '%s'", file), EXIT_OUTPUT);
    expect_says(f, file);
    char *text = tu_read_file(file, NULL);
    assert_string_equal(text, "giữ nguyên\n");
    assert_int_equal(tu_dir_entries(f->out, 0, NULL), 1);
    free(text);
    free(file);
}

/* ---- atomicity: a failed run leaves the previous outputs alone -------- */

#define NOUTPUTS 8

typedef struct snapshot {
    char *data[NOUTPUTS];
    size_t len[NOUTPUTS];
} snapshot;

static const char *const OUTPUTS[NOUTPUTS] = {XLSX, PDF, CHECK_PDF, CHECK_XLSX, DOCX, CHECK_DOCX,
                                                    REJECTS, MANIFEST};

static void take(const char *dir, snapshot *s)
{
    for (int i = 0; i < NOUTPUTS; i++) {
        char *p = tu_path(dir, OUTPUTS[i]);
        s->data[i] = tu_read_file(p, &s->len[i]);
        if (!s->data[i]) fail_msg("%s not written by the first run", p);
        free(p);
    }
}

static void expect_unchanged(const char *dir, const snapshot *before)
{
    snapshot now;
    take(dir, &now);
    for (int i = 0; i < NOUTPUTS; i++) {
        if (now.len[i] != before->len[i] || memcmp(now.data[i], before->data[i], now.len[i]))
            fail_msg("%s changed by a failed run", OUTPUTS[i]);
        free(now.data[i]);
    }
    assert_int_equal(tu_dir_entries(dir, 0, NULL), NOUTPUTS);
    expect_no_temps(dir);
}

static void release(snapshot *s)
{
    for (int i = 0; i < NOUTPUTS; i++) free(s->data[i]);
}

/* The sample into f->out, then a snapshot of what it wrote. */
static void first_run(fixture *f, snapshot *s)
{
    expect_status(f, prog(f, "--config " CONFIG " --output '%s'", f->out), EXIT_OK);
    take(f->out, s);
}

static void test_atomic_broken_form(void **state)
{
    fixture *f = *state;
    snapshot before;
    first_run(f, &before);
    /* A copy of templates/ whose form 05 uses a placeholder no run can
     * fill: it loads, and fails when the table is built from the data. */
    char *tpl = tu_path(f->dir, "templates");
    char *form = tu_path(tpl, "forms/05_chi_tieu.txt");
    assert_int_equal(tu_runf(NULL, "cp -r templates '%s'", tpl), 0);
    assert_int_equal(tu_runf(NULL, "sed -i 's/^title .*/title    = Kết quả {khong_co_cho_nay}/' '%s'", form), 0);
    strbuf in = STRBUF_INIT;
    strbuf_addf(&in, "%s/input", f->cwd);
    const char *const kv[][2] = {{"templates_dir", tpl}, {"input_dir", in.buf}};
    char *ini = config_copy(f, "form.ini", kv, 2);
    int rc = prog(f, "--config '%s' --output '%s'", ini, f->out);
    expect_status(f, rc, EXIT_CONFIG);
    expect_says(f, "05_chi_tieu.txt");
    expect_says(f, "khong_co_cho_nay");
    expect_unchanged(f->out, &before);
    release(&before);
    strbuf_release(&in);
    free(ini);
    free(form);
    free(tpl);
}

/* A full disk, as the writer sees it: a file size limit (ulimit -f, with
 * SIGXFSZ ignored) makes every write past 20 KiB fail with EFBIG, in the
 * middle of the workbook and of the PDF. */
static void test_atomic_full_disk(void **state)
{
    fixture *f = *state;
    snapshot before;
    first_run(f, &before);
    strbuf_reset(&f->log);
    int rc = tu_runf(&f->log, "sh -c \"trap '' XFSZ; ulimit -f 40; exec " SAN_BIN
                     " --config " CONFIG " --output '%s'\" 2>&1", f->out);
    expect_status(f, rc, EXIT_OUTPUT);
    expect_says(f, "không ghi được tệp PDF");
    expect_says(f, "lỗi ghi tệp Excel");
    expect_unchanged(f->out, &before);
    release(&before);
}

/* No font: the PDF fails after the workbook's temporary file is written. */
static char *no_font_config(fixture *f)
{
    strbuf tpl = STRBUF_INIT, in = STRBUF_INIT;
    strbuf_addf(&tpl, "%s/templates", f->cwd);
    strbuf_addf(&in, "%s/input", f->cwd);
    const char *const kv[][2] = {{"templates_dir", tpl.buf}, {"input_dir", in.buf},
                                 {"font_dir", "/khong-co/phong-chu"}};
    char *ini = config_copy(f, "font.ini", kv, 3);
    strbuf_release(&tpl);
    strbuf_release(&in);
    return ini;
}

static void test_atomic_missing_font(void **state)
{
    fixture *f = *state;
    snapshot before;
    first_run(f, &before);
    char *ini = no_font_config(f);
    int rc = prog(f, "--config '%s' --output '%s'", ini, f->out);
    if (rc == EXIT_OK || rc == EXIT_DATA) fail_msg("no font, status %d:\n%s", rc, f->log.buf);
    expect_says(f, "/khong-co/phong-chu");
    expect_unchanged(f->out, &before);
    release(&before);
    free(ini);
}

/* font_dir is a config key: a missing font is a config error (2), not
 * "outputs could not be written" (5). */
static void test_missing_font_is_config_error(void **state)
{
    fixture *f = *state;
    char *ini = no_font_config(f);
    expect_status(f, prog(f, "--config '%s' --output '%s'", ini, f->out), EXIT_CONFIG);
    expect_nothing_written(f);
    free(ini);
}

/* Several problems in one run: the status says the worst. Rows rejected
 * and a mail that failed is a data error first (3, not 6). */
static void test_worse_status(void **state)
{
    (void)state;
    assert_int_equal(job_worse_status(EXIT_DATA, EXIT_DELIVERY), EXIT_DATA);
    assert_int_equal(job_worse_status(EXIT_DELIVERY, EXIT_DATA), EXIT_DATA);
    assert_int_equal(job_worse_status(EXIT_OK, EXIT_BUSY), EXIT_BUSY);
    assert_int_equal(job_worse_status(EXIT_BUSY, EXIT_DELIVERY), EXIT_DELIVERY);
    assert_int_equal(job_worse_status(EXIT_OUTPUT, EXIT_DATA), EXIT_OUTPUT);
    assert_int_equal(job_worse_status(EXIT_INPUT, EXIT_OUTPUT), EXIT_INPUT);
    assert_int_equal(job_worse_status(EXIT_CONFIG, EXIT_INPUT), EXIT_CONFIG);
    assert_int_equal(job_worse_status(EXIT_CONFIG, EXIT_INTERNAL), EXIT_INTERNAL);
    assert_int_equal(job_worse_status(EXIT_OK, EXIT_OK), EXIT_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_missing_config, setup, teardown),
        cmocka_unit_test_setup_teardown(test_config_syntax_error, setup, teardown),
        cmocka_unit_test_setup_teardown(test_config_unknown_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_config_unknown_section_and_bad_value, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_as_of, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_flags, setup, teardown),
        cmocka_unit_test_setup_teardown(test_help, setup, teardown),
        cmocka_unit_test_setup_teardown(test_input_dir_missing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_input_without_plan, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_plan_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_plan_missing_column, setup, teardown),
        cmocka_unit_test_setup_teardown(test_output_is_a_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_atomic_broken_form, setup, teardown),
        cmocka_unit_test_setup_teardown(test_atomic_missing_font, setup, teardown),
        cmocka_unit_test_setup_teardown(test_atomic_full_disk, setup, teardown),
        cmocka_unit_test(test_worse_status),
        cmocka_unit_test_setup_teardown(test_missing_font_is_config_error, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
