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
#include <sys/stat.h>
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

/* The program with args (printf format); stdout and stderr in f->log. A
 * run that hangs ends after 5 minutes with status 124, failing the test. */
static int prog(fixture *f, const char *fmt, ...)
{
    strbuf args = STRBUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    strbuf_vaddf(&args, fmt, ap);
    va_end(ap);
    strbuf_reset(&f->log);
    int rc = tu_runf(&f->log, "timeout 300 " SAN_BIN " %s 2>&1", args.buf);
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

/* The plausibility ceilings (max_amount_*) would refuse these rows first:
 * raised to the largest amount a row can hold, the sums are what is tested. */
static void raise_ceilings(fixture *f)
{
    assert_int_equal(tu_runf(NULL, "sed -i 's/^\\[report\\]$/[report]\\nmax_amount_xa = 9.000.000.000.000"
                                   "\\nmax_amount_huyen = 9.000.000.000.000\\nmax_amount_tinh = 9.000.000.000.000/' '%s'",
                             f->ini),
                     0);
}

/* Two rows of 5.000.000.000.000 triệu in one cell: 10^19 đồng. */
static void test_overflow_same_cell(void **state)
{
    fixture *f = *state;
    raise_ceilings(f);
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
    raise_ceilings(f);
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
    raise_ceilings(f);
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
    assert_false(table_cell_present(t, r1, 2));
    table_free(t);
}

/* ---- 2. the output set replaced as one set ----------------------------- */

#define REL_BIN "build/rel/mtqg-report"
#define NAMES_N 8
static const char *const SET_NAMES[NAMES_N] = {
    BASE ".xlsx", BASE ".pdf", BASE ".docx", BASE "-kiem-tra.pdf", BASE "-kiem-tra.xlsx",
    BASE "-kiem-tra.docx",
    BASE "-dong-bi-loai.csv", BASE ".manifest.json"};

/* sha256sum's digest of path (an independent tool), into hex. */
static int sha256_of(const char *path, char hex[65])
{
    strbuf out = STRBUF_INIT;
    int rc = tu_runf(&out, "sha256sum '%s' 2>/dev/null", path) == 0 && out.len >= 64 ? 0 : -1;
    if (rc == 0) memcpy(hex, out.buf, 64), hex[64] = '\0';
    strbuf_release(&out);
    return rc;
}

/*
 * The folder holds one whole set: every documented name reads a file, and
 * every output the manifest lists has the bytes the manifest says. The
 * manifest's inputs_digest (which set it is) goes to digest.
 */
static void expect_whole_set(const char *out, char digest[65], const char *when)
{
    for (int i = 0; i < NAMES_N; i++) {
        char *p = tu_path(out, SET_NAMES[i]);
        struct stat st;
        if (stat(p, &st) < 0) fail_msg("%s: %s is missing", when, SET_NAMES[i]);
        free(p);
    }
    char *mp = tu_path(out, BASE ".manifest.json");
    char *m = tu_read_file(mp, NULL);
    if (!m) fail_msg("%s: no manifest", when);
    const char *d = strstr(m, "\"inputs_digest\": \"");
    if (!d) fail_msg("%s: manifest without inputs_digest", when);
    memcpy(digest, d + 18, 64);
    digest[64] = '\0';
    const char *o = strstr(m, "\"outputs\"");
    int listed = 0;
    for (const char *p = o ? strstr(o, "{\"path\": \"") : NULL; p; p = strstr(p + 1, "{\"path\": \"")) {
        const char *ps = p + 10, *pe = strchr(ps, '"');
        const char *h = strstr(p, "\"sha256\": \"");
        if (!pe || !h) fail_msg("%s: manifest outputs unreadable", when);
        char path[4096], want[65], got[65];
        snprintf(path, sizeof path, "%.*s", (int)(pe - ps), ps);
        memcpy(want, h + 11, 64);
        want[64] = '\0';
        if (sha256_of(path, got) < 0) fail_msg("%s: %s (listed in the manifest) cannot be read", when, path);
        if (strcmp(got, want)) fail_msg("%s: %s is not the file the manifest lists (a mixed set)", when, path);
        listed++;
    }
    if (listed != NAMES_N - 1) fail_msg("%s: the manifest lists %d outputs, want %d", when, listed, NAMES_N - 1);
    free(m);
    free(mp);
}

/* The release build under strace, killed at the n-th call of syscall. */
static int killed_run(fixture *f, const char *syscall, int n)
{
    strbuf_reset(&f->log);
    return tu_runf(&f->log, "strace -f -qq -o /dev/null -e trace=%s -e inject=%s:signal=KILL:when=%d "
                   REL_BIN " --config '%s' 2>&1", syscall, syscall, n, f->ini);
}

/* A second set's input: one more plan row changes every output. */
static void change_inputs(fixture *f)
{
    char *p = tu_path(f->in, "ke_hoach_2024.csv");
    assert_int_equal(tu_runf(NULL, "printf '%%s\\n' '" ROW_XA1 "1,thêm' >> '%s'", p), 0);
    free(p);
}

static void sample_inputs(fixture *f)
{
    assert_int_equal(tu_runf(NULL, "cp input/*.csv '%s/'", f->in), 0);
}

/* The first set, made by a plain run on the sample (its digest into a),
 * before a run under strace makes the next from changed inputs. */
static void first_set(fixture *f, char a[65])
{
    if (access("/usr/bin/strace", X_OK) || access(REL_BIN, X_OK)) fail_msg("needs strace and " REL_BIN);
    sample_inputs(f);
    expect_status(f, prog(f, "--config '%s'", f->ini), EXIT_OK);
    expect_whole_set(f->out, a, "the first run");
}

/* The run under strace that was let finish (rc) left the whole new set. */
static void expect_new_set(fixture *f, int rc, const char a[65])
{
    char now[65];
    if (rc != EXIT_OK) fail_msg("the run never completed under strace:\n%s", f->log.buf);
    expect_whole_set(f->out, now, "the completed run");
    if (!strcmp(now, a)) fail_msg("the completed run left the previous set");
}

/*
 * A folder a previous version wrote (regular files) and a run killed at
 * each rename of its commit (taking the folder over, linking each name,
 * switching): after every kill the folder holds the whole previous set;
 * the run that is not killed leaves the whole new one.
 */
static void test_set_killed_at_each_rename(void **state)
{
    fixture *f = *state;
    char a[65], now[65];
    first_set(f, a);
    /* The old version's folder: the same four files, regular. */
    char *plain = tu_path(f->dir, "plain");
    assert_int_equal(tu_runf(NULL, "mkdir '%s' && cp -L '%s'/*.* '%s/'", plain, f->out, plain), 0);
    change_inputs(f);
    int n, rc = -1;
    for (n = 1; n <= 20; n++) {
        assert_int_equal(tu_runf(NULL, "rm -rf '%s' && cp -r '%s' '%s'", f->out, plain, f->out), 0);
        rc = killed_run(f, "rename", n);
        if (rc == EXIT_OK) break;
        char when[64];
        snprintf(when, sizeof when, "killed at rename %d", n);
        expect_whole_set(f->out, now, when);
        if (strcmp(now, a)) fail_msg("%s: the folder holds a set other than the previous one", when);
    }
    if (rc == EXIT_OK && n < 4) fail_msg("only %d renames: the commit was not exercised", n - 1);
    expect_new_set(f, rc, a);
    free(plain);
}

/*
 * A disk that will not flush: fsync(2) fails (EIO) at its n-th call in
 * each thread (strace counts per thread), for every n. Until the switch,
 * each such run fails as the system's fault (EXIT_OUTPUT), saying which
 * file, and the folder holds the whole previous set. The six documents
 * are flushed by the two writing threads as each is written, the rejects
 * and the manifest by the commit on the main thread: however the writers
 * share the documents, one thread flushes at least four files before the
 * switch, so at least four runs fail.
 */
static void test_set_fsync_fails(void **state)
{
    fixture *f = *state;
    char a[65], now[65];
    first_set(f, a);
    change_inputs(f);
    int n, rc = -1;
    for (n = 1; n <= 30; n++) {
        strbuf_reset(&f->log);
        rc = tu_runf(&f->log, "strace -f -qq -o /dev/null -e trace=fsync -e inject=fsync:error=EIO:when=%d "
                     REL_BIN " --config '%s' 2>&1", n, f->ini);
        if (rc == EXIT_OK) break;
        char when[64];
        snprintf(when, sizeof when, "fsync %d failing", n);
        if (rc != EXIT_OUTPUT) fail_msg("%s: status %d, want %d:\n%s", when, rc, EXIT_OUTPUT, f->log.buf);
        const char *said = strstr(f->log.buf, ": không ghi được xuống đĩa (");
        const char *line = said;
        while (line && line > f->log.buf && line[-1] != '\n') line--;
        if (!said || !memmem(line, (size_t)(said - line), BASE, strlen(BASE)))
            fail_msg("%s: the log does not say which file was not flushed:\n%s", when, f->log.buf);
        expect_whole_set(f->out, now, when);
        if (strcmp(now, a)) fail_msg("%s: the folder holds a set other than the previous one", when);
    }
    if (rc == EXIT_OK && n - 1 < 4)
        fail_msg("only %d runs failed: the outputs were not flushed before the switch", n - 1);
    expect_new_set(f, rc, a);
}

/* Killed after the switch (removing the previous generation): the new set
 * is whole, and the next run removes what was left. */
static void test_set_killed_after_switch(void **state)
{
    fixture *f = *state;
    sample_inputs(f);
    expect_status(f, prog(f, "--config '%s'", f->ini), EXIT_OK);
    char a[65], b[65];
    expect_whole_set(f->out, a, "the first run");
    change_inputs(f);
    int rc = killed_run(f, "rmdir", 1);
    if (rc == EXIT_OK) fail_msg("the run was not killed at rmdir:\n%s", f->log.buf);
    expect_whole_set(f->out, b, "killed removing the previous generation");
    if (!strcmp(a, b)) fail_msg("killed after the switch, the folder holds the previous set");
    strbuf names = STRBUF_INIT;
    char *state_dir = tu_path(f->out, ".mtqg");
    int before = tu_dir_entries(state_dir, 0, &names);
    expect_status(f, prog(f, "--config '%s'", f->ini), EXIT_OK);
    expect_says(f, "đã xóa");
    strbuf_reset(&names);
    int after = tu_dir_entries(state_dir, 0, &names);
    if (after != 2 || before <= after) fail_msg(".mtqg holds%s (before the clean run: %d entries)", names.buf, before);
    strbuf_release(&names);
    free(state_dir);
}

/* ---- 3. an unbalanced quote swallowing rows ---------------------------- */

/* A note opening a quote on line 4 that closes on line 7: the lines 5-7
 * are whole rows. The record is rejected as lines 4-7, naming the column
 * where the quote opened; rows 2 and 3 are still counted. */
/* The repeated-row check writes (fingerprint, row) pairs to temporary
 * files (read/dupes.h); a file size limit makes them fail: the run stops
 * with the status of an output it could not write (5), says so, and
 * publishes nothing (fault injected with ulimit -f). */
static void test_spill_write_fails(void **state)
{
    fixture *f = *state;
    strbuf sb = STRBUF_INIT;
    strbuf_adds(&sb, PLAN_HEAD);
    for (int i = 0; i < 20000; i++) strbuf_addf(&sb, ROW_XA1 "1,nội dung %d\n", i);
    write_in(f->in, "ke_hoach_2024.csv", sb.buf);
    strbuf_release(&sb);
    strbuf_reset(&f->log);
    /* 64 blocks of 512 bytes: the 240 KB of pairs do not fit */
    int rc = tu_runf(&f->log, "trap '' XFSZ; ulimit -f 64; exec timeout 300 " SAN_BIN " --config '%s' 2>&1",
                     f->ini);
    expect_status(f, rc, EXIT_OUTPUT); /* the system's fault, not the data's */
    expect_says(f, "tệp tạm để tìm dòng trùng");
    expect_no_report(f);
}

static void test_unbalanced_quote(void **state)
{
    fixture *f = *state;
    write_in(f->in, "ke_hoach_2024.csv",
             PLAN_HEAD ROW_XA1 "10,a\n" ROW_XA2 "20,b\n"
             ROW_XA1 "30,\"Ghi chú mở ngoặc\n" ROW_XA2 "40,d\n" ROW_XA1 "50,e\n" ROW_XA2 "60,đóng\"\n");
    expect_status(f, prog(f, "--config '%s'", f->ini), EXIT_DATA);
    expect_says(f, "3 dòng = 2 nhận + 0 bỏ qua + 1 loại");
    char *p = tu_path(f->out, BASE "-dong-bi-loai.csv");
    char *text = tu_read_file(p, NULL);
    if (!text || !strstr(text, "\"4-7\"") || !strstr(text, "noi_dung") || !strstr(text, "mở ở dòng 4, đóng ở dòng 7"))
        fail_msg("rejects file:\n%s\nlog:\n%s", text ? text : "(none)", f->log.buf);
    free(text);
    free(p);
}

/* A note with line breaks that are not rows stays a note. */
static void test_multiline_note_kept(void **state)
{
    fixture *f = *state;
    write_in(f->in, "ke_hoach_2024.csv",
             PLAN_HEAD ROW_XA1 "10,\"dòng một\ndòng hai, ba\"\n" ROW_XA2 "20,b\n");
    /* A plan alone: the plan's tables only (the others need payments). */
    assert_int_equal(tu_runf(NULL, "sed -i 's|^\\[report\\]$|[report]\\nforms = forms/01_kh_du_an.txt, "
                                   "forms/02_kh_xa.txt|' '%s'", f->ini),
                     0);
    expect_status(f, prog(f, "--config '%s'", f->ini), EXIT_OK);
    expect_says(f, "đọc 2 dòng = 2 nhận + 0 bỏ qua + 0 loại");
}

/* ---- 4. only regular files are opened as inputs ----------------------- */

/* A FIFO named like an input: the run refuses it at once (exit 3, naming
 * it) instead of blocking in open() with the folder's lock held. timeout
 * ends a run that hangs (status 124). */
static void test_fifo_input(void **state)
{
    fixture *f = *state;
    sample_inputs(f);
    char *fifo = tu_path(f->in, "giai_ngan_ong.csv");
    assert_int_equal(tu_runf(NULL, "mkfifo '%s'", fifo), 0);
    strbuf_reset(&f->log);
    expect_status(f, tu_runf(&f->log, "timeout 60 " SAN_BIN " --config '%s' 2>&1", f->ini), EXIT_DATA);
    expect_says(f, "giai_ngan_ong.csv");
    expect_says(f, "FIFO");
    expect_no_report(f);
    free(fifo);
}

/* A device behind a symbolic link named like an input. */
static void test_device_input(void **state)
{
    fixture *f = *state;
    sample_inputs(f);
    char *dev = tu_path(f->in, "chi_tieu_zero.csv");
    assert_int_equal(symlink("/dev/zero", dev), 0);
    expect_status(f, prog(f, "--config '%s'", f->ini), EXIT_DATA);
    expect_says(f, "chi_tieu_zero.csv");
    expect_says(f, "thiết bị");
    expect_no_report(f);
    free(dev);
}

/* ---- 7. values too long for a writer; output_name ---------------------- */

/* A 200,000-character commune name rejects its row (with the length);
 * the other rows still give a workbook and a PDF. */
static void test_long_name_rejects_row(void **state)
{
    fixture *f = *state;
    strbuf csv = STRBUF_INIT;
    strbuf_adds(&csv, PLAN_HEAD ROW_XA1 "10,a\n2024,2024,99,Hòa Sơn,991,Huyện Mường Khoa,99109,");
    for (int i = 0; i < 200000; i++) strbuf_addch(&csv, 'X');
    strbuf_adds(&csv, ",DA1,NSTW_SN,5,b\n");
    write_in(f->in, "ke_hoach_2024.csv", csv.buf);
    strbuf_release(&csv);
    expect_status(f, prog(f, "--config '%s'", f->ini), EXIT_DATA);
    char *rej = tu_path(f->out, BASE "-dong-bi-loai.csv"), *x = tu_path(f->out, BASE ".xlsx");
    char *text = tu_read_file(rej, NULL);
    if (!text || !strstr(text, "dài 200000 ký tự")) fail_msg("rejects file:\n%.300s", text ? text : "(none)");
    if (access(x, F_OK)) fail_msg("no workbook:\n%s", f->log.buf);
    free(text);
    free(rej);
    free(x);
}

static void test_output_name_is_a_name(void **state)
{
    fixture *f = *state;
    sample_inputs(f);
    strbuf err = STRBUF_INIT;
    const char *const kv[][2] = {{"output_name", "../x"}};
    char *ini = tu_config_copy(f->ini, f->dir, "name.ini", kv, 1, &err);
    assert_non_null(ini);
    expect_status(f, prog(f, "--config '%s'", ini), EXIT_CONFIG);
    expect_says(f, "output_name");
    expect_says(f, "../x");
    expect_status(f, prog(f, "--check --config '%s'", ini), EXIT_CONFIG);
    char *up = tu_path(f->dir, "x-2024.xlsx");
    assert_int_not_equal(access(up, F_OK), 0);
    free(up);
    free(ini);
    strbuf_release(&err);
}

/* ---- 6. config and template errors: exit 2, found by --check too ------- */

/* f->dir/t: a copy of templates/ with `sed` applied to one of its files;
 * f->ini then points at it. */
static void templates_edited(fixture *f, const char *file, const char *sed)
{
    char *tpl = tu_path(f->dir, "t");
    assert_int_equal(tu_runf(NULL, "cp -r templates '%s' && sed -i '%s' '%s/%s'", tpl, sed, tpl, file), 0);
    strbuf err = STRBUF_INIT;
    const char *const kv[][2] = {{"templates_dir", tpl}};
    char *ini = tu_config_copy(f->ini, f->dir, "tpl.ini", kv, 1, &err);
    assert_non_null(ini);
    free(f->ini);
    f->ini = ini;
    strbuf_release(&err);
    free(tpl);
}

/* Status 2 from a run (nothing written) and from --check, each naming
 * what: a file and a section, key or line. */
static void expect_config_error(fixture *f, const char *what, const char *what2)
{
    expect_status(f, prog(f, "--config '%s'", f->ini), EXIT_CONFIG);
    expect_says(f, what);
    if (what2) expect_says(f, what2);
    expect_no_report(f);
    expect_status(f, prog(f, "--check --config '%s'", f->ini), EXIT_CONFIG);
    expect_says(f, what);
    if (what2) expect_says(f, what2);
}

static void test_template_unknown_placeholder(void **state)
{
    fixture *f = *state;
    sample_inputs(f);
    templates_edited(f, "bao_cao.txt", "s/^appendix_label = Phụ lục {so_la_ma}/& {khong_co}/");
    expect_config_error(f, "bao_cao.txt: [document] appendix_label", "{khong_co}");
}

/* The header words decide which column is an amount and in what unit:
 * a broken headers.txt is the templates' fault (status 2, before any
 * reading), and a changed one is part of the digest, so skip_unchanged
 * runs again. */
static void test_header_words(void **state)
{
    fixture *f = *state;
    sample_inputs(f);
    templates_edited(f, "headers.txt", "s/^nam          | Năm;/nam_khong_co | Năm;/");
    expect_config_error(f, "headers.txt", "nam_khong_co");
    assert_int_equal(tu_runf(NULL, "sed -i 's/^nam_khong_co | Năm;/nam          | Năm;/; "
                                   "s/^\\[report\\]$/[report]\\nskip_unchanged = yes/' '%s/t/headers.txt' '%s'",
                             f->dir, f->ini), 0);
    expect_status(f, prog(f, "--config '%s'", f->ini), EXIT_OK);
    expect_status(f, prog(f, "--config '%s'", f->ini), EXIT_OK);
    expect_says(f, "không đổi từ lần chạy trước");
    assert_int_equal(tu_runf(NULL, "sed -i 's/^nam          | Năm;/nam          | Năm; Năm thực hiện;/' "
                                   "'%s/t/headers.txt'", f->dir), 0);
    expect_status(f, prog(f, "--config '%s'", f->ini), EXIT_OK);
    if (strstr(f->log.buf, "không đổi từ lần chạy trước"))
        fail_msg("a changed headers.txt was taken as unchanged:\n%s", f->log.buf);
}

static void test_template_unclosed_brace(void **state)
{
    fixture *f = *state;
    sample_inputs(f);
    templates_edited(f, "bao_cao.txt", "s/^appendix_label = Phụ lục {so_la_ma}/appendix_label = Phụ lục {so_la_ma/");
    expect_config_error(f, "bao_cao.txt: [document] appendix_label", "không có dấu } đóng");
}

static void test_two_forms_one_sheet(void **state)
{
    fixture *f = *state;
    sample_inputs(f);
    templates_edited(f, "forms/02_kh_xa.txt", "s/^sheet .*/sheet    = 01 KH von theo du an/");
    expect_config_error(f, "02_kh_xa.txt", "01 KH von theo du an");
}

static void test_duplicate_catalogue_code(void **state)
{
    fixture *f = *state;
    sample_inputs(f);
    /* DA1 again, under another name. */
    templates_edited(f, "catalogue.txt", "s/^DA1 | .*/&\\nDA1 | Một dự án khác/");
    expect_config_error(f, "catalogue.txt:", "DA1");
}

/* A spelling of DA1 that is DA2's code. */
static void test_duplicate_catalogue_spelling(void **state)
{
    fixture *f = *state;
    sample_inputs(f);
    templates_edited(f, "catalogue.txt", "s/^DA1 | \\(.*\\)/DA1 | \\1 | DA2/");
    expect_config_error(f, "catalogue.txt:", "\"DA2\" đã là mã");
}

/* Config text appended to f->ini. */
static void ini_append(fixture *f, const char *text)
{
    FILE *fp = fopen(f->ini, "a");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

static void test_misspelt_map_section(void **state)
{
    fixture *f = *state;
    sample_inputs(f);
    ini_append(f, "\n[map.kehoach]\nke_hoach = So tien\n");
    expect_config_error(f, "[map.kehoach]", "test.ini");
}

static void test_bad_map_column(void **state)
{
    fixture *f = *state;
    sample_inputs(f);
    ini_append(f, "\n[map.ke_hoach]\nso_tien = So tien\n");
    expect_config_error(f, "[map.ke_hoach] so_tien", "test.ini");
}

/* A [file.*] value is checked even when no file matches it. */
static void test_bad_file_value(void **state)
{
    fixture *f = *state;
    sample_inputs(f);
    ini_append(f, "\n[file.khong_co_tep_nay.csv]\nencoding = klingon\n");
    expect_config_error(f, "[file.khong_co_tep_nay.csv] encoding", "test.ini");
}

/* ---- 5. NUL bytes, bytes that are not UTF-8, a BOM ------------------- */

static void write_bytes(const char *dir, const char *name, const char *data, size_t n)
{
    char *p = tu_path(dir, name);
    FILE *fp = fopen(p, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(data, 1, n, fp), n);
    assert_int_equal(fclose(fp), 0);
    free(p);
}

/* The rejects file: valid UTF-8 (checked by iconv, an independent tool),
 * returned (caller frees). */
static char *rejects_utf8(fixture *f)
{
    char *p = tu_path(f->out, BASE "-dong-bi-loai.csv");
    char *text = tu_read_file(p, NULL);
    if (!text) fail_msg("no rejects file:\n%s", f->log.buf);
    if (tu_runf(NULL, "iconv -f UTF-8 -t UTF-8 '%s' >/dev/null 2>&1", p) != 0)
        fail_msg("the rejects file is not valid UTF-8:\n%s", text);
    free(p);
    return text;
}

/* "DA1\0XYZ" is not DA1: the row is rejected, the reason said. */
static void test_nul_byte_in_code(void **state)
{
    fixture *f = *state;
    static const char csv[] = PLAN_HEAD ROW_XA1 "10,a\n"
        "2024,2024,99,Hòa Sơn,991,Huyện Mường Khoa,99101,Thị trấn Mường Khoa,DA1\0XYZ,NSTW_SN,7,b\n";
    write_bytes(f->in, "ke_hoach_2024.csv", csv, sizeof csv - 1);
    expect_status(f, prog(f, "--config '%s'", f->ini), EXIT_DATA);
    char *text = rejects_utf8(f);
    if (!strstr(text, "DA1\\x00XYZ") || !strstr(text, "byte NUL")) fail_msg("rejects file:\n%s", text);
    free(text);
}

/* A commune name in Windows-1258 inside a UTF-8 file. */
static void test_invalid_utf8_value(void **state)
{
    fixture *f = *state;
    static const char csv[] = PLAN_HEAD ROW_XA1 "10,a\n"
        "2024,2024,99,Hòa Sơn,991,Huyện Mường Khoa,99105,X\xE3 N\xE2m,DA1,NSTW_SN,7,b\n";
    write_bytes(f->in, "ke_hoach_2024.csv", csv, sizeof csv - 1);
    expect_status(f, prog(f, "--config '%s'", f->ini), EXIT_DATA);
    char *text = rejects_utf8(f);
    if (!strstr(text, "X\\xE3 N\\xE2m") || !strstr(text, "không phải UTF-8")) fail_msg("rejects file:\n%s", text);
    free(text);
}

/* Bytes checked once per cell, whatever its length (1 to 3 bytes, 4 to
 * 7, 8 and more with a tail), and a unit name checked as UTF-8 again
 * unless it is byte for byte the last row's: a name of the same length
 * differing in one byte, or a bad district beside the same commune name,
 * are each rejected; rows of names seen before are added. */
static void test_bad_bytes_every_cell_length(void **state)
{
    fixture *f = *state;
    static const char csv[] = PLAN_HEAD
        "2024,2024,99,Hòa Sơn,991,Huyện Mường Khoa,99105,X\xC3\xA3 N\xC3\xA2m,DA1,NSTW_SN,10,a\n"
        "2024,2024,99,Hòa Sơn,991,Huyện Mường Khoa,99105,X\xC3\xA3 N\xC3\x41m,DA1,NSTW_SN,11,b\n"
        "2024,2024,99,Hòa Sơn,991,Huy\xEAn Mường Khoa,99105,X\xC3\xA3 N\xC3\xA2m,DA1,NSTW_SN,12,c\n"
        "2024,2024,99,Hòa Sơn,991,Huyện Mường Khoa,99105,X\xC3\xA3 N\xC3\xA2m,DA1,NSTW_SN,13,d\n"
        "2024,2024,99,Hòa Sơn,991,Huyện Mường Khoa,99106,\xE3,DA1,NSTW_SN,14,e\n"
        "2024,2024,99,Hòa Sơn,991,Huyện Mường Khoa,99105,X\xC3\xA3 N\xC3\xA2m,DA1,NSTW_SN,1\0,f\n"
        "2024,2024,99,Hòa Sơn,991,Huyện Mường Khoa,99105,X\xC3\xA3 N\xC3\xA2m,DA1,NSTW_SN,16,ghijklmnopq\0\n"
        "2024,2024,99,Hòa Sơn,991,Huyện Mường Khoa,99105,X\xC3\xA3 N\xC3\xA2m,DA1,NSTW_SN,17,h\n";
    write_bytes(f->in, "ke_hoach_2024.csv", csv, sizeof csv - 1);
    expect_status(f, prog(f, "--config '%s'", f->ini), EXIT_DATA);
    char *text = rejects_utf8(f);
    static const char *const says[] = {"\"3\",\"ten_xa (cột H)\",\"Xã N\\xC3Am\",\"ô không phải UTF-8",
                                       "\"4\",\"ten_huyen (cột F)\",\"Huy\\xEAn Mường Khoa\",\"ô không phải UTF-8",
                                       "\"6\",\"ten_xa (cột H)\",\"\\xE3\",\"ô không phải UTF-8",
                                       "\"7\",\"ke_hoach (cột K)\",\"1\\x00\",\"ô có byte NUL",
                                       "\"8\",\"noi_dung (cột L)\",\"ghijklmnopq\\x00\",\"ô có byte NUL"};
    for (size_t i = 0; i < sizeof says / sizeof says[0]; i++)
        if (!strstr(text, says[i])) fail_msg("no %s in the rejects file:\n%s", says[i], text);
    int lines = 0;
    for (const char *p = text; *p; p++) lines += *p == '\n';
    if (lines != 1 + 5) fail_msg("5 rejected rows expected:\n%s", text);
    free(text);
    expect_says(f, "đọc 8 dòng = 3 nhận + 0 bỏ qua + 5 loại");
}

/* A config value saved in Windows-1258: refused with file and line. */
static void test_config_not_utf8(void **state)
{
    fixture *f = *state;
    sample_inputs(f);
    ini_append(f, "\n[lead]\nDA1 = Ban D\xE2n t\xF4" "c\n");
    expect_status(f, prog(f, "--check --config '%s'", f->ini), EXIT_CONFIG);
    expect_says(f, "test.ini:");
    expect_says(f, "UTF-8");
    expect_status(f, prog(f, "--config '%s'", f->ini), EXIT_CONFIG);
    expect_no_report(f);
}

/* A template line in Windows-1258: refused with file and line. */
static void test_template_not_utf8(void **state)
{
    fixture *f = *state;
    sample_inputs(f);
    templates_edited(f, "bao_cao.txt", "s/^appendix_label = Phụ lục/appendix_label = Ph\\xE1\\xBB/");
    expect_config_error(f, "bao_cao.txt:", "không đúng mã UTF-8");
}

/* Notepad's "UTF-8" starts the file with a byte-order mark. */
static void test_config_with_bom(void **state)
{
    fixture *f = *state;
    sample_inputs(f);
    assert_int_equal(tu_runf(NULL, "printf '\\357\\273\\277' > '%s.bom' && cat '%s' >> '%s.bom' && mv '%s.bom' '%s'",
                             f->ini, f->ini, f->ini, f->ini, f->ini), 0);
    char *text = tu_read_file(f->ini, NULL);
    assert_memory_equal(text, "\xEF\xBB\xBF", 3);
    free(text);
    expect_status(f, prog(f, "--check --config '%s'", f->ini), EXIT_OK);
    expect_status(f, prog(f, "--config '%s'", f->ini), EXIT_OK);
}

/* ---- 8. messages -------------------------------------------------------- */

static void test_config_is_a_folder(void **state)
{
    fixture *f = *state;
    expect_status(f, prog(f, "--config '%s'", f->dir), EXIT_CONFIG);
    expect_says(f, "thư mục");
    if (strstr(f->log.buf, "năm")) fail_msg("a folder as config should not be about the year:\n%s", f->log.buf);
}

/* A 10,000-column header: the limit it broke, not "cannot be read". */
static void test_wide_header(void **state)
{
    fixture *f = *state;
    strbuf csv = STRBUF_INIT;
    strbuf_adds(&csv, "nam,nam_von,ma_tinh,ten_tinh,ma_huyen,ten_huyen,ma_xa,ten_xa,ma_du_an,nguon_von,ke_hoach,noi_dung");
    for (int i = 0; i < 10000; i++) strbuf_addf(&csv, ",c%d", i);
    strbuf_adds(&csv, "\n" ROW_XA1 "10,a\n");
    write_in(f->in, "ke_hoach_2024.csv", csv.buf);
    strbuf_release(&csv);
    expect_status(f, prog(f, "--check --config '%s'", f->ini), EXIT_DATA);
    expect_says(f, "ke_hoach_2024.csv: dòng tiêu đề có hơn 4096 cột");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_overflow_same_cell, setup, teardown),
        cmocka_unit_test_setup_teardown(test_overflow_across_cells, setup, teardown),
        cmocka_unit_test_setup_teardown(test_overflow_negative, setup, teardown),
        cmocka_unit_test(test_overflow_derived_column),
        cmocka_unit_test_setup_teardown(test_set_killed_at_each_rename, setup, teardown),
        cmocka_unit_test_setup_teardown(test_set_killed_after_switch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_set_fsync_fails, setup, teardown),
        cmocka_unit_test_setup_teardown(test_spill_write_fails, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unbalanced_quote, setup, teardown),
        cmocka_unit_test_setup_teardown(test_multiline_note_kept, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fifo_input, setup, teardown),
        cmocka_unit_test_setup_teardown(test_device_input, setup, teardown),
        cmocka_unit_test_setup_teardown(test_long_name_rejects_row, setup, teardown),
        cmocka_unit_test_setup_teardown(test_output_name_is_a_name, setup, teardown),
        cmocka_unit_test_setup_teardown(test_template_unknown_placeholder, setup, teardown),
        cmocka_unit_test_setup_teardown(test_header_words, setup, teardown),
        cmocka_unit_test_setup_teardown(test_template_unclosed_brace, setup, teardown),
        cmocka_unit_test_setup_teardown(test_two_forms_one_sheet, setup, teardown),
        cmocka_unit_test_setup_teardown(test_duplicate_catalogue_code, setup, teardown),
        cmocka_unit_test_setup_teardown(test_duplicate_catalogue_spelling, setup, teardown),
        cmocka_unit_test_setup_teardown(test_misspelt_map_section, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_map_column, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_file_value, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nul_byte_in_code, setup, teardown),
        cmocka_unit_test_setup_teardown(test_invalid_utf8_value, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_bytes_every_cell_length, setup, teardown),
        cmocka_unit_test_setup_teardown(test_config_not_utf8, setup, teardown),
        cmocka_unit_test_setup_teardown(test_config_with_bom, setup, teardown),
        cmocka_unit_test_setup_teardown(test_template_not_utf8, setup, teardown),
        cmocka_unit_test_setup_teardown(test_config_is_a_folder, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wide_header, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
