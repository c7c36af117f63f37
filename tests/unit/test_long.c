/*
 * Long tables with headers as offices type them (src/read/layout.c and
 * templates/headers.txt): one row per allocation or payment, written by
 * another tool (openpyxl, and CSV with ";" and decimal commas, by
 * tests/fixtures/long/make_long.py), read with no mapping: "Tên xã",
 * "Xã", "Mã dự án", "Dự án", "Nguồn vốn" with "Loại vốn", "Số tiền
 * (đồng)", "Đơn vị tính: nghìn đồng" above the header. Every figure of the
 * result equals the sum the generator computed from its own rows; the
 * workbook written from them is read back; an unmatched header is named.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"
#include "model/dataset.h"
#include "read/ingest.h"
#include "testutil.h"
#include "xlsx_read.h"

typedef struct fixture {
    char *dir;
    catalogue cat;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    *state = f;
    return tu_generated("long", "tests/fixtures/long/make_long.py", &f->dir, &f->cat);
}

static int teardown(void **state)
{
    fixture *f = *state;
    catalogue_free(&f->cat);
    tu_rmtree(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

typedef struct run {
    config cfg;
    dataset ds;
    strbuf err;
    ingest_status st;
} run;

/* column: a [file.ke_hoach*] column.ke_hoach mapping, or NULL (none). */
static void run_ingest(run *r, fixture *f, const char *sub, const char *column)
{
    config_defaults(&r->cfg);
    if (column) {
        r->cfg.inputs = calloc(1, sizeof(config_input));
        r->cfg.ninputs = 1;
        config_set(&r->cfg.inputs[0].pattern, "ke_hoach*");
        r->cfg.inputs[0].columns = calloc(1, sizeof *r->cfg.inputs[0].columns);
        r->cfg.inputs[0].ncolumns = 1;
        config_set(&r->cfg.inputs[0].columns[0].field, "ke_hoach");
        config_set(&r->cfg.inputs[0].columns[0].header, column);
    }
    char *dir = tu_path(f->dir, sub);
    config_set(&r->cfg.input_dir, dir);
    free(dir);
    config_set(&r->cfg.templates_dir, "templates");
    r->cfg.year = 2024;
    r->cfg.as_of = 20241231;
    config_set(&r->cfg.unit.province_code, "99");
    config_set(&r->cfg.unit.province_name, "Hòa Sơn");
    r->err = (strbuf)STRBUF_INIT;
    dataset_init(&r->ds, &f->cat);
    ingest_options opt = {1, 0, NULL, 0};
    r->st = ingest_run(&r->ds, &r->cfg, &opt, &r->err);
    if (r->st != INGEST_OK) fprintf(stderr, "%s\n", r->err.buf);
}

static void run_free(run *r)
{
    dataset_free(&r->ds);
    config_free(&r->cfg);
    strbuf_release(&r->err);
}

/* Every line of expected.txt against the cube: plan or paid of one
 * commune (by code), project and source; and nothing else in the cube.
 * The totals are returned for the workbook check. */
static void check_figures(fixture *f, const run *r, int64_t *plan_all, int64_t *paid_all)
{
    char *path = tu_path(f->dir, "expected.txt");
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    char line[256];
    int n = 0;
    *plan_all = *paid_all = 0;
    while (fgets(line, sizeof line, fp)) {
        char *fld[5], *s = line;
        line[strcspn(line, "\n")] = 0;
        for (int i = 0; i < 5; i++) fld[i] = strsep(&s, "|");
        int paid = !strcmp(fld[0], "paid");
        int64_t want = strtoll(fld[4], NULL, 10), got = 0;
        for (size_t i = 0; i < r->ds.cube.count; i++) {
            const cube_cell *c = cube_at(&r->ds.cube, i);
            const char *code = r->ds.units.units[c->key.unit].code;
            if (code && !strcmp(code, fld[1]) &&
                !strcmp(f->cat.projects[c->key.project].code, fld[2]) &&
                !strcmp(f->cat.sources[c->key.source].code, fld[3]))
                got += paid ? c->disbursed : c->plan;
        }
        if (want != got)
            fprintf(stderr, "%s %s %s %s: want %lld got %lld\n", fld[0], fld[1], fld[2], fld[3],
                    (long long)want, (long long)got);
        assert_true(want == got);
        *(paid ? paid_all : plan_all) += want;
        n++;
    }
    fclose(fp);
    free(path);
    assert_true(n > 20);
    int64_t plan = 0, disb = 0;
    for (size_t i = 0; i < r->ds.cube.count; i++)
        plan += cube_at(&r->ds.cube, i)->plan, disb += cube_at(&r->ds.cube, i)->disbursed;
    assert_true(plan == *plan_all && disb == *paid_all);
    assert_true(*paid_all > 0);
    /* Communes named without their code joined the coded ones. */
    assert_int_equal(r->ds.units.nunits, 3);
}

static void check_case(void **state, const char *sub, const char *column)
{
    fixture *f = *state;
    run r;
    run_ingest(&r, f, sub, column);
    assert_int_equal(r.st, INGEST_OK);
    assert_int_equal(r.ds.rejected_total, 0);
    int64_t plan, paid;
    check_figures(f, &r, &plan, &paid);
    run_free(&r);
}

/* Spreadsheets: the plan in đồng said by its header "Số tiền (đồng)", the
 * source as "Nguồn vốn" + "Loại vốn"; the payments in đồng said by a title
 * row, communes by name only ("Xã"), projects as "Dự án 1", "5.1". */
static void test_xlsx_office_headers(void **state)
{
    check_case(state, "xlsx", NULL);
}

/* The unit taken from a header or a title row is said, with the column. */
static void test_header_unit_said(void **state)
{
    fixture *f = *state;
    run r;
    run_ingest(&r, f, "xlsx", NULL);
    assert_int_equal(r.st, INGEST_OK);
    int col = 0, title = 0;
    for (int i = 0; i < r.ds.nnotes; i++) {
        const char *n = r.ds.notes[i];
        col += strstr(n, "ke_hoach_2024.xlsx, cột Số tiền (đồng) (cột H): số tiền tính bằng đồng theo tiêu đề cột") != NULL;
        title += strstr(n, "giai_ngan_2024.xlsx, cột Số tiền (cột F): số tiền tính bằng đồng theo dòng \"Đơn vị tính\"") != NULL;
    }
    assert_int_equal(col, 1);
    assert_int_equal(title, 1);
    run_free(&r);
}

/* CSV with ";" and decimal commas: the plan in triệu đồng said by its
 * header, the payments in nghìn đồng said by a title line above the
 * header ("473.781" read as 473 781 nghìn, "643.782,5" settles the column). */
static void test_csv_office_headers(void **state)
{
    check_case(state, "csv", NULL);
}

/* A mapping naming the header with its unit: the unit is still applied
 * (đồng, not the run's triệu: before, every amount was a million times
 * too large and the rows were rejected). */
static void test_mapped_header_keeps_unit(void **state)
{
    check_case(state, "xlsx", "Số tiền (đồng)");
}

/* A header cell nothing matches: the run stops naming the cell and its
 * text beside the column it lacks. */
static void test_unmatched_header_named(void **state)
{
    fixture *f = *state;
    run r;
    run_ingest(&r, f, "unmatched", NULL);
    assert_int_equal(r.st, INGEST_BAD_FILE);
    assert_non_null(strstr(r.err.buf, "ke_hoach_2024.csv"));
    assert_non_null(strstr(r.err.buf, "thiếu cột bắt buộc \"ke_hoach\""));
    assert_non_null(strstr(r.err.buf, "F1 \"Thành tiền\""));
    run_free(&r);
}

/* An amount in triệu đồng as the workbook writes it ("1712.884") -> đồng. */
static int64_t dong_of(const char *s)
{
    int neg = *s == '-';
    if (neg) s++;
    int64_t ip = 0, fp = 0;
    int nf = 0;
    for (; *s >= '0' && *s <= '9'; s++) ip = ip * 10 + (*s - '0');
    if (*s == '.')
        for (s++; *s >= '0' && *s <= '9' && nf < 6; s++) fp = fp * 10 + (*s - '0'), nf++;
    while (nf < 6) fp *= 10, nf++;
    return (ip * 1000000 + fp) * (neg ? -1 : 1);
}

/* The CSV case through the program: the workbook's TỔNG SỐ of the plan
 * (Biểu 01) and of the disbursement (Biểu 03) read back equal the
 * generator's sums. */
static void test_csv_workbook_read_back(void **state)
{
    fixture *f = *state;
    run r;
    run_ingest(&r, f, "csv", NULL);
    assert_int_equal(r.st, INGEST_OK);
    int64_t plan, paid;
    check_figures(f, &r, &plan, &paid);
    run_free(&r);
    char cwd[4096];
    assert_non_null(getcwd(cwd, sizeof cwd));
    strbuf ini = STRBUF_INIT, log = STRBUF_INIT, err = STRBUF_INIT;
    strbuf_addf(&ini, "[report]\nyear = 2024\nas_of = 2024-12-31\ninput_dir = %s/csv\noutput_dir = %s/out\n"
                      "templates_dir = %s/templates\noutputs = xlsx\namount_unit = trieu\n[unit]\n"
                      "agency = Ban Dân tộc\nprovince_code = 99\nprovince_name = Hòa Sơn\n",
                f->dir, f->dir, cwd);
    char *ini_path = tu_path(f->dir, "long.ini");
    assert_int_equal(tu_write_file(ini_path, ini.buf), 0);
    int rc = tu_runf(&log, "build/san/mtqg-report --config '%s' 2>&1", ini_path);
    if (rc != 0 && rc != 3) fail_msg("status %d\n%s", rc, log.buf);
    char *xlsx = tu_path(f->dir, "out/bao-cao-1719-2024.xlsx");
    xlsx_book book;
    assert_int_equal(xlsx_load(&book, xlsx, &err), 0);
    static const char *const sheets[2] = {"01 KH von theo du an", "03 Giai ngan theo du an"};
    for (int k = 0; k < 2; k++) {
        const xlsx_sheet *s = xlsx_sheet_named(&book, sheets[k]);
        if (!s) fail_msg("no sheet \"%s\"", sheets[k]);
        int row = xlsx_find_row(s, 1, "TỔNG SỐ", 1);
        assert_true(row > 0);
        const char *col = k == 0 ? "C" : "D";
        const char *v = xlsx_text(s, row, xlsx_col(col));
        assert_non_null(v);
        int64_t want = k == 0 ? plan : paid;
        if (dong_of(v) != want) fail_msg("%s!%s%d: %s, want %lld đồng", sheets[k], col, row, v, (long long)want);
    }
    xlsx_free(&book);
    free(xlsx);
    free(ini_path);
    strbuf_release(&ini);
    strbuf_release(&log);
    strbuf_release(&err);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_xlsx_office_headers),
        T(test_header_unit_said),
        T(test_csv_office_headers),
        T(test_mapped_header_keeps_unit),
        T(test_unmatched_header_named),
        T(test_csv_workbook_read_back),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
