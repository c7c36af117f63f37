/*
 * The same plan in every format an office sends gives the same report,
 * byte for byte: CSV (the shipped sample), .xls (tests/fixtures/xls, made
 * by LibreOffice), .xlsx written here with libxlsxwriter (amounts stored as
 * numbers, codes as text, a title block above the header, empty trailing
 * cells), and CSV in legacy encodings (tests/fixtures/encodings).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>
#include <csv.h>
#include <xlsxwriter.h>

#include "cli/job.h"
#include "config/config.h"
#include "testutil.h"

#define SAMPLE "input/ke_hoach_2024.csv"

typedef struct outputs {
    char *xlsx, *pdf;
    size_t xlsx_len, pdf_len;
    int status;
    strbuf log;
} outputs;

/* [file.<pattern>] settings for one file, as reports.ini would give. */
typedef struct file_setting {
    const char *pattern, *encoding, *legacy;
} file_setting;

/* Run the shipped config on one input folder, keep the outputs' bytes. */
static void run_with(const char *input, int year, const file_setting *fs, outputs *o)
{
    config cfg;
    config_defaults(&cfg);
    strbuf err = STRBUF_INIT;
    assert_int_equal(config_load(&cfg, "reports.ini", &err), 0);
    char *out = tu_tmpdir("formats-out");
    config_set(&cfg.input_dir, input);
    config_set(&cfg.output_dir, out);
    /* The plan's tables only: the inputs here are a plan alone (the
     * disbursement and indicator tables would need their own inputs). */
    config_set(&cfg.forms, "forms/01_kh_du_an.txt, forms/02_kh_xa.txt");
    if (year) {
        cfg.year = cfg.year_from = year;
        cfg.as_of = year * 10000 + 1231;
        snprintf(cfg.period_tag, sizeof cfg.period_tag, "%d", year);
    }
    if (fs) {
        cfg.inputs = calloc(1, sizeof(config_input));
        cfg.ninputs = 1;
        config_set(&cfg.inputs[0].pattern, fs->pattern);
        config_set(&cfg.inputs[0].encoding, fs->encoding);
        config_set(&cfg.inputs[0].legacy, fs->legacy);
    }
    o->log = (strbuf)STRBUF_INIT;
    job_options opt = {.threads = 0};
    mlog lg = mlog_to_strbuf(&o->log);
    o->status = job_run(&cfg, &opt, &lg, NULL);
    strbuf xn = STRBUF_INIT, pn = STRBUF_INIT;
    strbuf_addf(&xn, "bao-cao-1719-%s.xlsx", cfg.period_tag);
    strbuf_addf(&pn, "bao-cao-1719-%s.pdf", cfg.period_tag);
    char *x = tu_path(out, xn.buf), *p = tu_path(out, pn.buf);
    strbuf_release(&xn);
    strbuf_release(&pn);
    o->xlsx = tu_read_file(x, &o->xlsx_len);
    o->pdf = tu_read_file(p, &o->pdf_len);
    free(x);
    free(p);
    tu_rmtree(out);
    free(out);
    strbuf_release(&err);
    config_free(&cfg);
}

static void run_on(const char *input, outputs *o)
{
    run_with(input, 0, NULL, o);
}

static void outputs_free(outputs *o)
{
    free(o->xlsx);
    free(o->pdf);
    strbuf_release(&o->log);
}

static void expect_same(const outputs *want, const outputs *got, const char *what)
{
    if (got->status != 0) fail_msg("%s: status %d\n%s", what, got->status, got->log.buf);
    assert_non_null(got->xlsx);
    assert_non_null(got->pdf);
    if (got->xlsx_len != want->xlsx_len || memcmp(got->xlsx, want->xlsx, want->xlsx_len))
        fail_msg("%s: the workbook differs from the CSV run's", what);
    if (got->pdf_len != want->pdf_len || memcmp(got->pdf, want->pdf, want->pdf_len))
        fail_msg("%s: the PDF differs from the CSV run's", what);
}

/* A folder holding one file copied from src under the name name. */
static char *folder_with(const char *src, const char *name)
{
    char *dir = tu_tmpdir("formats-in");
    char *dst = tu_path(dir, name);
    size_t len = 0;
    char *bytes = tu_read_file(src, &len);
    assert_non_null(bytes);
    FILE *f = fopen(dst, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(bytes, 1, len, f), len);
    fclose(f);
    free(bytes);
    free(dst);
    return dir;
}

typedef struct fixture {
    outputs csv;  /* the reference: the sample plan as CSV */
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    char *dir = folder_with(SAMPLE, "ke_hoach_2024.csv");
    run_on(dir, &f->csv);
    tu_rmtree(dir);
    free(dir);
    *state = f;
    return f->csv.status == 0 ? 0 : -1;
}

static int teardown(void **state)
{
    fixture *f = *state;
    outputs_free(&f->csv);
    free(f);
    return 0;
}

static void test_xls_gives_the_same_report(void **state)
{
    fixture *f = *state;
    char *dir = folder_with("tests/fixtures/xls/ke_hoach_2024.xls", "ke_hoach_2024.xls");
    outputs o;
    run_on(dir, &o);
    expect_same(&f->csv, &o, ".xls");
    outputs_free(&o);
    tu_rmtree(dir);
    free(dir);
}

/* ---- the sample plan written as .xlsx ---- */

typedef struct sheet_writer {
    lxw_worksheet *ws;
    int row, col;
    int header_done;
    int merged;           /* leave a cell to a merge: 1 the 3rd row's ma_du_an,
                             2 the header's */
} sheet_writer;

/* Amounts (column ke_hoach, the 11th) as numbers, everything else as text,
 * as an office's spreadsheet holds them; empty cells left unwritten. */
static void put_field(void *s, size_t len, void *data)
{
    sheet_writer *w = data;
    char *text = strndup(s ? s : "", len);
    if (w->row > 0 && w->col == 10) {
        /* "1.250,5" -> 1250.5: the test's own conversion, on text it wrote */
        char num[64];
        size_t k = 0;
        for (size_t i = 0; text[i] && k + 1 < sizeof num; i++)
            if (text[i] == ',') num[k++] = '.';
            else if (text[i] != '.') num[k++] = text[i];
        num[k] = '\0';
        worksheet_write_number(w->ws, (lxw_row_t)(w->row + 2), (lxw_col_t)w->col, strtod(num, NULL), NULL);
    } else if (w->merged == 1 && w->row == 2 && w->col == 8) {
        assert_string_equal(text, "DA1"); /* the same as the row above: merged */
    } else if (w->merged == 2 && w->row == 0 && w->col == 8) {
        assert_string_equal(text, "ma_du_an");
    } else if (len) {
        worksheet_write_string(w->ws, (lxw_row_t)(w->row + 2), (lxw_col_t)w->col, text, NULL);
    }
    free(text);
    w->col++;
}

static void end_row(int c, void *data)
{
    (void)c;
    sheet_writer *w = data;
    w->row++;
    w->col = 0;
}

/* The sample plan as .xlsx; merged 1: its 2nd and 3rd rows' project code
 * (both DA1) one cell merged over the two rows (sheet rows 4-5), as
 * offices write a project over its sources; 2: the header's ma_du_an
 * merged with the title row's cell above it (sheet rows 2-3). */
static void write_sample_xlsx(const char *path, int merged)
{
    lxw_workbook_options opt = {.constant_memory = merged ? LXW_FALSE : LXW_TRUE};
    lxw_workbook *wb = workbook_new_opt(path, &opt);
    assert_non_null(wb);
    sheet_writer w = {workbook_add_worksheet(wb, "Kế hoạch vốn"), 0, 0, 0, merged};
    /* Two title rows above the header, as exported plans have. */
    worksheet_write_string(w.ws, 0, 0, "KẾ HOẠCH VỐN NĂM 2024", NULL);
    worksheet_write_string(w.ws, 1, 0, "(Đơn vị: triệu đồng)", NULL);
    size_t len = 0;
    char *csv = tu_read_file(SAMPLE, &len);
    assert_non_null(csv);
    struct csv_parser p;
    csv_init(&p, CSV_APPEND_NULL);
    size_t skip = len >= 3 && !memcmp(csv, "\xEF\xBB\xBF", 3) ? 3 : 0;
    csv_parse(&p, csv + skip, len - skip, put_field, end_row, &w);
    csv_fini(&p, put_field, end_row, &w);
    csv_free(&p);
    free(csv);
    if (merged == 1) assert_int_equal(worksheet_merge_range(w.ws, 3, 8, 4, 8, "DA1", NULL), LXW_NO_ERROR);
    if (merged == 2) assert_int_equal(worksheet_merge_range(w.ws, 1, 8, 2, 8, "ma_du_an", NULL), LXW_NO_ERROR);
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
}

static void test_xlsx_gives_the_same_report(void **state)
{
    fixture *f = *state;
    char *dir = tu_tmpdir("formats-xlsx");
    char *path = tu_path(dir, "ke_hoach_2024.xlsx");
    write_sample_xlsx(path, 0);
    outputs o;
    run_on(dir, &o);
    expect_same(&f->csv, &o, ".xlsx");
    outputs_free(&o);
    /* A merged cell is filled: the first reading, in one pass, leaves it
     * empty and finds the merge after the rows; the file is read again in
     * two passes (read_task_run, ingest_run's rounds), each row once. */
    write_sample_xlsx(path, 1);
    run_on(dir, &o);
    expect_same(&f->csv, &o, ".xlsx, a merged project code");
    outputs_free(&o);
    /* The header is complete only with its merge filled: the first
     * reading finds no header and stops; read again in two passes. */
    write_sample_xlsx(path, 2);
    run_on(dir, &o);
    expect_same(&f->csv, &o, ".xlsx, a merged header cell");
    outputs_free(&o);
    free(path);
    tu_rmtree(dir);
    free(dir);
}

/* ---- encodings: tests/fixtures/encodings, the same three 2025 rows ---- */

static void encoded_run(const char *file, const file_setting *fs, outputs *o)
{
    strbuf src = STRBUF_INIT;
    strbuf_addf(&src, "tests/fixtures/encodings/%s", file);
    char *dir = folder_with(src.buf, file);
    run_with(dir, 2025, fs, o);
    tu_rmtree(dir);
    free(dir);
    strbuf_release(&src);
}

static void test_encodings_give_the_same_report(void **state)
{
    (void)state;
    outputs want;
    encoded_run("ke_hoach_utf8.csv", NULL, &want);
    if (want.status != 0) fail_msg("UTF-8 reference: status %d\n%s", want.status, want.log.buf);
    static const file_setting cases[] = {
        {"ke_hoach_utf16.csv", "utf-16", NULL},
        {"ke_hoach_1258.csv", "windows-1258", NULL},
        {"ke_hoach_tcvn3.csv", "tcvn3", NULL},
        {"ke_hoach_vni.csv", "vni", NULL},
        {"ke_hoach_tcvn3_in_utf8.csv", NULL, "tcvn3"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        outputs o;
        encoded_run(cases[i].pattern, &cases[i], &o);
        expect_same(&want, &o, cases[i].pattern);
        outputs_free(&o);
    }
    outputs_free(&want);
}

/* Not declared legacy: the run still works, and says what the text
 * looks like and how to convert it. */
static void test_legacy_text_is_pointed_out(void **state)
{
    (void)state;
    outputs o;
    encoded_run("ke_hoach_tcvn3_in_utf8.csv", NULL, &o);
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.log.buf, "cột ten_xa: chữ có vẻ gõ bằng phông TCVN3"));
    assert_non_null(strstr(o.log.buf, "legacy = tcvn3"));
    outputs_free(&o);
}

/* The UTF-8 plan with the first n contents replaced by "µm", a word that
 * reads as TCVN3 ("àm"): one such value is chance, two make a column. */
static void run_with_odd_words(int n, outputs *o)
{
    char *dir = folder_with("tests/fixtures/encodings/ke_hoach_utf8.csv", "ke_hoach_utf8.csv");
    char *path = tu_path(dir, "ke_hoach_utf8.csv");
    char *text = tu_read_file(path, NULL);
    assert_non_null(text);
    static const char *const originals[] = {"Công trình nước sinh hoạt tập trung thôn Nậm Ẳn",
                                           "Hỗ trợ nhà ở cho hộ nghèo"};
    strbuf sb = STRBUF_INIT;
    strbuf_adds(&sb, text);
    for (int i = 0; i < n; i++) {
        char *at = strstr(sb.buf, originals[i]);
        assert_non_null(at);
        size_t off = (size_t)(at - sb.buf), len = strlen(originals[i]);
        strbuf rest = STRBUF_INIT;
        strbuf_adds(&rest, at + len);
        strbuf_setlen(&sb, off);
        strbuf_addf(&sb, "µm%s", rest.buf);
        strbuf_release(&rest);
    }
    assert_int_equal(tu_write_file(path, sb.buf), 0);
    run_with(dir, 2025, NULL, o);
    tu_rmtree(dir);
    strbuf_release(&sb);
    free(text);
    free(path);
    free(dir);
}

static void test_one_odd_word_is_not_a_legacy_column(void **state)
{
    (void)state;
    outputs o;
    run_with_odd_words(1, &o);
    if (strstr(o.log.buf, "có vẻ gõ bằng phông")) fail_msg("one value flagged a column:\n%s", o.log.buf);
    outputs_free(&o);
    run_with_odd_words(2, &o);
    if (!strstr(o.log.buf, "cột noi_dung: chữ có vẻ gõ bằng phông TCVN3"))
        fail_msg("two values should flag noi_dung:\n%s", o.log.buf);
    outputs_free(&o);
}

static unsigned le16(const unsigned char *p)
{
    return (unsigned)p[0] | (unsigned)p[1] << 8;
}

static unsigned long le32(const unsigned char *p)
{
    return le16(p) | (unsigned long)le16(p + 2) << 16;
}

/* The workbook's parts are deflated at the fast level (zip_level.h): the
 * zip's central directory records it in each entry's flags (bits 1-2:
 * 10 for zlib level 2; 00 would be libxlsxwriter's default level). */
static void test_workbook_deflated_fast(void **state)
{
    const outputs *o = &((fixture *)*state)->csv;
    const unsigned char *z = (const unsigned char *)o->xlsx, *end = NULL;
    assert_true(o->xlsx_len > 22);
    for (size_t i = o->xlsx_len - 22; i > 0 && !end; i--)
        if (!memcmp(z + i, "PK\5\6", 4)) end = z + i;
    assert_non_null(end);
    unsigned entries = le16(end + 10);
    size_t at = le32(end + 16);
    assert_true(entries >= 5);
    for (unsigned e = 0; e < entries; e++) {
        assert_true(at + 46 <= o->xlsx_len);
        assert_memory_equal(z + at, "PK\1\2", 4);
        unsigned flags = le16(z + at + 8), method = le16(z + at + 10);
        unsigned name_len = le16(z + at + 28);
        if (method != 8 || (flags & 6) != 4)
            fail_msg("%.*s: method %u, flags 0x%x, not deflated at level 2", (int)name_len,
                     (const char *)z + at + 46, method, flags);
        at += 46 + name_len + le16(z + at + 30) + le16(z + at + 32);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_xls_gives_the_same_report),
        cmocka_unit_test(test_xlsx_gives_the_same_report),
        cmocka_unit_test(test_encodings_give_the_same_report),
        cmocka_unit_test(test_legacy_text_is_pointed_out),
        cmocka_unit_test(test_one_odd_word_is_not_a_legacy_column),
        cmocka_unit_test(test_workbook_deflated_fast),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
