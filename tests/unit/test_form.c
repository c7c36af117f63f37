/*
 * Tests of the form templates and the table builder (render/form_load,
 * form_build, row_tree, table, vars):
 *  - every shipped template under templates/forms/ loads with the shipped
 *    catalogue and builds a sound table (table_check_sums == 0) from a small
 *    dataset filled by hand (units, cube cells, indicators);
 *  - form 01: merged header cells and spans, the column-number labels,
 *    rows in catalogue order with numbering, labels and styles (a project
 *    with sub-projects is a bold subtotal; amounts booked on the project
 *    itself get a "Chưa phân theo tiểu dự án" row), and figures equal to the
 *    input amounts added up by hand;
 *  - forms 02, 03, 05, 07: rows by unit (also two provinces, one known
 *    only by code), current/extended capital and capital types, indicator
 *    sections, the previous-year form;
 *  - template errors (unknown measure, sum of a missing column, a cycle, an
 *    unknown source in a filter, 4 fields instead of 5, ...) naming the
 *    file and line; vars_expand and an unknown placeholder;
 *  - column bands: where a wide table is cut for the page (cases as data)
 *    and a band's copy of the table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "model/catalogue.h"
#include "model/dataset.h"
#include "config/config.h"
#include "render/facts.h"
#include "render/form.h"
#include "render/table.h"
#include "util/vars.h"
#include "testutil.h"
#include "util/decimal.h"

/* ---- the hand-made dataset ----------------------------------------------
 * Amounts in đồng (1 triệu = 1.000.000 đồng). Plan year 2024 unless said.
 *   A  Xã Vĩnh Ô (19435)  DA1       NSTW_DTPT  1.473,139 triệu  1473139000
 *   B  Xã Vĩnh Ô          DA3.TDA2  NSTW_SN    2.149,287 triệu  2149287000
 *   C  Xã Vĩnh Hà (19436) DA3.TDA1  NSDP_DTPT  500 triệu         500000000
 *   D  Xã Vĩnh Hà         DA3       LONG_GHEP  12,5 triệu         12500000
 *   E  Cấp tỉnh           DA10.TDA3 DAN_GOP    0,001 triệu            1000
 *   F  Xã Vĩnh Hà         DA4.TDA1  TIN_DUNG   15.164 triệu   15164000000
 *      (capital year 2023: extended)
 *   G  Xã Vĩnh Ô          DA1       NSTW_DTPT  999 triệu, plan year 2023
 * Disbursed: on A's cell 1.000 triệu; on F's cell 13.513,61 triệu.
 * Both communes are in district 464 "Huyện Vĩnh Linh". */
#define A 1473139000LL
#define B 2149287000LL
#define C 500000000LL
#define D 12500000LL
#define E 1000LL
#define F 15164000000LL
#define G 999000000LL
#define A_GN 1000000000LL
#define F_GN 13513610000LL
#define TOTAL_2024 (A + B + C + D + E + F) /* 19.298,927 triệu */

typedef struct fixture {
    catalogue cat;
    dataset ds;
    vars v;
    char *dir;
} fixture;

static int project(const catalogue *c, const char *code)
{
    int id = catalogue_find_project(c, code, strlen(code));
    assert_true(id >= 0);
    return id;
}

static int source(const catalogue *c, const char *code)
{
    int id = catalogue_source_by_code(c, code);
    assert_true(id >= 0);
    return id;
}

static int unit(dataset *ds, const char *ma_huyen, const char *ten_huyen, const char *ma_xa,
                const char *ten_xa, uint64_t pos)
{
    unit_ref r = {"", "", ma_huyen, ten_huyen, ma_xa, ten_xa,
                  0, 0, strlen(ma_huyen), strlen(ten_huyen), strlen(ma_xa), strlen(ten_xa)};
    int id = units_resolve(&ds->units, &r, "99", "Hòa Sơn", pos);
    assert_true(id >= 0);
    return id;
}

static void plan(fixture *f, int u, const char *proj, const char *src, int year, int cap_year,
                 int64_t amount, int64_t disbursed)
{
    cube_key k = {(uint32_t)u, (uint16_t)project(&f->cat, proj), (uint16_t)source(&f->cat, src),
                  (uint16_t)year, (uint16_t)cap_year};
    cube_add_plan(&f->ds.cube, &k, amount);
    if (disbursed) cube_add_payment(&f->ds.cube, &k, disbursed);
}

static void indicator(fixture *f, int u, const char *proj, const char *name, const char *uom,
                      int64_t target, int64_t achieved)
{
    int n = indicators_intern_name(&f->ds.ind, name, strlen(name), 0);
    int m = indicators_intern_uom(&f->ds.ind, uom, strlen(uom), 0);
    indicators_add(&f->ds.ind, (uint32_t)u, project(&f->cat, proj), 2024, n, m, target, achieved);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    strbuf err = STRBUF_INIT;
    if (catalogue_load(&f->cat, "templates/catalogue.txt", &err) < 0) {
        fprintf(stderr, "%s\n", err.buf);
        return -1;
    }
    strbuf_release(&err);
    dataset_init(&f->ds, &f->cat);
    int vo = unit(&f->ds, "464", "Huyện Vĩnh Linh", "19435", "Xã Vĩnh Ô", 1);
    int ha = unit(&f->ds, "464", "Huyện Vĩnh Linh", "19436", "Xã Vĩnh Hà", 2);
    int tinh = unit(&f->ds, "", "", "", "", 3);
    plan(f, vo, "DA1", "NSTW_DTPT", 2024, 2024, A, A_GN);
    plan(f, vo, "DA3.TDA2", "NSTW_SN", 2024, 2024, B, 0);
    plan(f, ha, "DA3.TDA1", "NSDP_DTPT", 2024, 2024, C, 0);
    plan(f, ha, "DA3", "LONG_GHEP", 2024, 2024, D, 0);
    plan(f, tinh, "DA10.TDA3", "DAN_GOP", 2024, 2024, E, 0);
    plan(f, ha, "DA4.TDA1", "TIN_DUNG", 2024, 2023, F, F_GN);
    plan(f, vo, "DA1", "NSTW_DTPT", 2023, 2023, G, 0);
    /* indicators: 120 + 30 hộ target, 95 + 30 achieved; 2,5 km, 1,25 km */
    indicator(f, vo, "DA1", "Hỗ trợ nhà ở", "hộ", 120000, 95000);
    indicator(f, ha, "DA1", "Hỗ trợ nhà ở", "hộ", 30000, 30000);
    indicator(f, ha, "DA4.TDA1", "Đường giao thông", "km", 2500, 1250);
    vars_init(&f->v);
    vars_set(&f->v, "nam", "2024");
    vars_set(&f->v, "nam_truoc", "2023");
    vars_set(&f->v, "nam_truoc_2", "2022");
    vars_set(&f->v, "nam_truoc_3", "2021");
    vars_set(&f->v, "pham_vi_ty_le", "ngân sách trung ương và ngân sách địa phương");
    vars_set(&f->v, "so_hieu", "12/BC-BDT");
    vars_set(&f->v, "ngay_van_ban_ngan", "10/1/2025");
    vars_set(&f->v, "ngay_so_lieu_ngan", "31/12/2024");
    vars_set(&f->v, "co_quan", "Ban Dân tộc");
    vars_set(&f->v, "dung_sai", "0,001");
    vars_set(&f->v, "cac_cap", "Dự án, tiểu dự án");
    vars_set(&f->v, "cac_cap_goc_hoa", "Dự án");
    /* 1719's words for the capital types (type.* in templates/catalogue.txt) */
    vars_set(&f->v, "loai_dtpt_hoa", "Vốn đầu tư phát triển");
    vars_set(&f->v, "loai_sn_hoa", "Vốn sự nghiệp");
    vars_set(&f->v, "ten_chuong_trinh", "Chương trình mục tiêu quốc gia phát triển kinh tế - xã hội "
                                        "vùng đồng bào dân tộc thiểu số và miền núi");
    f->dir = tu_tmpdir("form");
    *state = f;
    return f->dir ? 0 : -1;
}

static int teardown(void **state)
{
    fixture *f = *state;
    vars_free(&f->v);
    dataset_free(&f->ds);
    catalogue_free(&f->cat);
    tu_rmtree(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

/* Load and build a shipped form; the caller frees the table. */
/* The default rate scope (the catalogue's state-budget groups), as a
 * run sets it on every form it loads. */
static void default_scope(fixture *f, form *fm)
{
    config cfg;
    config_defaults(&cfg);
    uint64_t groups;
    strbuf err = STRBUF_INIT;
    assert_int_equal(facts_rate_groups(&f->cat, &cfg, &groups, &err), 0);
    form_set_rate_sources(fm, facts_rate_sources(&f->cat, groups));
    config_free(&cfg);
    strbuf_release(&err);
}

static table *build(fixture *f, const char *file, form *fm)
{
    strbuf err = STRBUF_INIT;
    char path[256];
    snprintf(path, sizeof path, "templates/forms/%s", file);
    if (form_load(fm, path, &f->cat, &err) < 0) fail_msg("%s", err.buf);
    default_scope(f, fm);
    table *t = form_build(fm, &f->ds, &f->v, (year_span){2024, 2024}, &err);
    if (!t) fail_msg("form_build %s: %s", file, err.buf);
    assert_int_equal(err.len, 0);
    strbuf_release(&err);
    return t;
}

static const char *text_at(const table *t, int r, int c)
{
    const table_cell *x = &t->rows[r].cells[c];
    return table_cell_present(t, r, c) && x->text ? x->text : "";
}

static int64_t value_at(const table *t, int r, int c)
{
    const table_cell *x = &t->rows[r].cells[c];
    if (!table_cell_present(t, r, c)) fail_msg("row %d col %d is empty", r, c);
    return x->value;
}

static int row_labelled(const table *t, int label_col, const char *prefix)
{
    for (int r = 0; r < t->nrows; r++)
        if (!strncmp(text_at(t, r, label_col), prefix, strlen(prefix))) return r;
    fail_msg("no row labelled \"%s...\"", prefix);
    return -1;
}

static void rate_is(const table *t, int r, int c, const char *want)
{
    const table_cell *x = &t->rows[r].cells[c];
    assert_true(table_cell_present(t, r, c));
    strbuf sb = STRBUF_INIT;
    decimal_rate_format(&sb, x->num, x->den);
    assert_string_equal(sb.buf, want);
    strbuf_release(&sb);
}

/* ---- every shipped form ------------------------------------------------ */

static void test_shipped_forms_load_and_build(void **state)
{
    fixture *f = *state;
    glob_t g;
    assert_int_equal(glob("templates/forms/*.txt", 0, NULL, &g), 0);
    assert_true(g.gl_pathc >= 5);
    for (size_t i = 0; i < g.gl_pathc; i++) {
        form fm;
        strbuf err = STRBUF_INIT;
        if (form_load(&fm, g.gl_pathv[i], &f->cat, &err) < 0)
            fail_msg("%s: %s", g.gl_pathv[i], err.buf);
        assert_non_null(fm.name);
        assert_non_null(fm.sheet);
        assert_non_null(fm.title);
        assert_true(fm.ncols > 0);
        default_scope(f, &fm);
        table *t = form_build(&fm, &f->ds, &f->v, (year_span){2024, 2024}, &err);
        if (!t) fail_msg("%s: %s", g.gl_pathv[i], err.buf);
        assert_int_equal(t->ncols, fm.ncols);
        assert_int_equal(table_check_sums(t), 0);
        assert_true(strlen(t->sheet_name) > 0 && strlen(t->sheet_name) <= 31);
        assert_null(strpbrk(t->sheet_name, "[]:*?/\\"));
        assert_null(strchr(t->title, '{')); /* every placeholder expanded */
        table_free(t);
        form_free(&fm);
        strbuf_release(&err);
    }
    globfree(&g);
}

/* ---- form 01 ----------------------------------------------------------- */

enum { C_STT, C_TEN, C_TONG, C_NSTW, C_NSTW_DT, C_NSTW_SN, C_NSDP, C_NSDP_DT, C_NSDP_SN,
       C_LG, C_DG, C_TD, NC01 };

static void test_form01_header(void **state)
{
    fixture *f = *state;
    form fm;
    table *t = build(f, "01_kh_du_an.txt", &fm);
    assert_int_equal(fm.rows, ROWS_PROJECT);
    assert_int_equal(t->ncols, NC01);
    assert_string_equal(t->form_name, "Biểu số 01");
    assert_string_equal(t->sheet_name, "01 KH von theo du an");
    assert_string_equal(t->title, "Kế hoạch vốn thực hiện Chương trình mục tiêu quốc gia phát "
                                  "triển kinh tế - xã hội vùng đồng bào dân tộc thiểu số và miền "
                                  "núi năm 2024");
    /* The caption naming the document is the document's, not the form's. */
    assert_null(t->subtitle);
    assert_string_equal(t->unit_line, "Đơn vị tính: triệu đồng");
    static const struct { int row, col, rowspan, colspan; const char *text; } want[] = {
        {0, 0, 2, 1, "STT"},
        {0, 1, 2, 1, "Dự án, tiểu dự án"},
        {0, 2, 2, 1, "Tổng số"},
        {0, 3, 1, 3, "Ngân sách trung ương"},
        {0, 6, 1, 3, "Ngân sách địa phương"},
        {0, 9, 2, 1, "Huy động, lồng ghép"},
        {0, 10, 2, 1, "Nhân dân đóng góp"},
        {0, 11, 2, 1, "Vốn tín dụng chính sách"},
        {1, 3, 1, 1, "Tổng số"},
        {1, 4, 1, 1, "Vốn đầu tư phát triển"},
        {1, 5, 1, 1, "Vốn sự nghiệp"},
        {1, 6, 1, 1, "Tổng số"},
        {1, 7, 1, 1, "Vốn đầu tư phát triển"},
        {1, 8, 1, 1, "Vốn sự nghiệp"},
    };
    assert_int_equal(t->header_rows, 2);
    assert_int_equal(t->nheader, 14);
    for (int i = 0; i < 14; i++) {
        const table_header_cell *h = &t->header[i];
        if (h->row != want[i].row || h->col != want[i].col || h->rowspan != want[i].rowspan ||
            h->colspan != want[i].colspan || strcmp(h->text, want[i].text))
            fail_msg("header %d: (%d,%d) span %dx%d \"%s\"; want (%d,%d) span %dx%d \"%s\"", i,
                     h->row, h->col, h->rowspan, h->colspan, h->text, want[i].row, want[i].col,
                     want[i].rowspan, want[i].colspan, want[i].text);
    }
    /* every leaf column is covered by exactly one header cell per header row */
    for (int r = 0; r < t->header_rows; r++)
        for (int c = 0; c < t->ncols; c++) {
            int cover = 0;
            for (int i = 0; i < t->nheader; i++) {
                const table_header_cell *h = &t->header[i];
                cover += r >= h->row && r < h->row + h->rowspan && c >= h->col &&
                         c < h->col + h->colspan;
            }
            assert_int_equal(cover, 1);
        }
    /* column-number row */
    assert_string_equal(t->cols[C_STT].number_label, "(1)");
    assert_string_equal(t->cols[C_TEN].number_label, "(2)");
    assert_string_equal(t->cols[C_TONG].number_label, "(3)=(4)+(7)+(10)+(11)+(12)");
    assert_string_equal(t->cols[C_NSTW].number_label, "(4)=(5)+(6)");
    assert_string_equal(t->cols[C_NSDP].number_label, "(7)=(8)+(9)");
    assert_string_equal(t->cols[C_TD].number_label, "(12)");
    assert_int_equal(t->cols[C_TEN].kind, COL_TEXT);
    assert_int_equal(t->cols[C_TONG].kind, COL_MONEY);
    assert_int_equal(t->cols[C_TONG].derive, DERIVE_SUM);
    assert_int_equal(t->cols[C_NSTW_DT].derive, DERIVE_NONE);
    table_free(t);
    form_free(&fm);
}

static void test_form01_rows_and_figures(void **state)
{
    fixture *f = *state;
    form fm;
    table *t = build(f, "01_kh_du_an.txt", &fm);
    /* TỔNG SỐ, 24 projects and sub-projects, and one "not assigned" row */
    assert_int_equal(t->nrows, 26);
    assert_int_equal(table_check_sums(t), 0);
    /* TỔNG SỐ: the sums of the 2024 amounts, source by source */
    assert_string_equal(text_at(t, 0, C_TEN), "TỔNG SỐ");
    assert_int_equal(t->rows[0].style, ROW_BOLD);
    assert_int_equal(t->rows[0].level, 0);
    assert_true(t->rows[0].is_subtotal);
    assert_int_equal(t->rows[0].nchildren, 10);
    assert_int_equal(value_at(t, 0, C_NSTW_DT), A);
    assert_int_equal(value_at(t, 0, C_NSTW_SN), B);
    assert_int_equal(value_at(t, 0, C_NSTW), A + B);
    assert_int_equal(value_at(t, 0, C_NSDP_DT), C);
    assert_int_equal(value_at(t, 0, C_NSDP_SN), 0);
    assert_int_equal(value_at(t, 0, C_NSDP), C);
    assert_int_equal(value_at(t, 0, C_LG), D);
    assert_int_equal(value_at(t, 0, C_DG), E);
    assert_int_equal(value_at(t, 0, C_TD), F);
    assert_int_equal(value_at(t, 0, C_TONG), TOTAL_2024);
    assert_int_equal(value_at(t, 0, C_TONG), 19298927000LL);

    /* DA1: a project without sub-projects, bold, not a subtotal; the 2023
     * plan (G) is not in the 2024 table */
    assert_string_equal(text_at(t, 1, C_STT), "1");
    assert_string_equal(text_at(t, 1, C_TEN), "Dự án 1: Giải quyết tình trạng thiếu đất ở, nhà ở, "
                                              "đất sản xuất, nước sinh hoạt");
    assert_int_equal(t->rows[1].style, ROW_BOLD);
    assert_false(t->rows[1].is_subtotal);
    assert_int_equal(value_at(t, 1, C_TONG), A);

    /* DA3: bold subtotal of its 3 sub-projects and the unassigned row */
    int r3 = row_labelled(t, C_TEN, "Dự án 3:");
    assert_int_equal(r3, 3);
    assert_string_equal(text_at(t, r3, C_STT), "3");
    assert_int_equal(t->rows[r3].style, ROW_BOLD);
    assert_true(t->rows[r3].is_subtotal);
    assert_int_equal(t->rows[r3].nchildren, 4);
    assert_int_equal(value_at(t, r3, C_TONG), B + C + D);
    assert_int_equal(value_at(t, r3, C_NSTW), B);
    assert_int_equal(value_at(t, r3, C_NSDP), C);
    assert_int_equal(value_at(t, r3, C_LG), D);
    /* its sub-projects in catalogue order, numbered 3.1 .. 3.3 */
    assert_string_equal(text_at(t, 4, C_STT), "3.1");
    assert_string_equal(text_at(t, 5, C_STT), "3.2");
    assert_string_equal(text_at(t, 6, C_STT), "3.3");
    assert_string_equal(text_at(t, 5, C_TEN),
                        "Tiểu dự án 2: Hỗ trợ phát triển sản xuất theo chuỗi giá trị, vùng trồng "
                        "dược liệu quý, thúc đẩy khởi sự kinh doanh, khởi nghiệp và thu hút đầu tư "
                        "vùng đồng bào dân tộc thiểu số và miền núi");
    assert_int_equal(t->rows[5].style, ROW_NORMAL);
    assert_false(t->rows[5].is_subtotal);
    assert_int_equal(value_at(t, 4, C_TONG), C);
    assert_int_equal(value_at(t, 5, C_TONG), B);
    assert_int_equal(value_at(t, 6, C_TONG), 0);
    /* DA3's own amount (D) on a "not assigned to a sub-project" row */
    assert_string_equal(text_at(t, 7, C_TEN), "Chưa phân theo tiểu dự án");
    assert_string_equal(text_at(t, 7, C_STT), "-");
    assert_int_equal(t->rows[7].style, ROW_ITALIC);
    assert_int_equal(value_at(t, 7, C_TONG), D);
    assert_int_equal(value_at(t, 7, C_LG), D);

    /* DA4 holds the extended TIN_DUNG capital through DA4.TDA1 */
    int r4 = row_labelled(t, C_TEN, "Dự án 4:");
    assert_int_equal(r4, 8);
    assert_int_equal(value_at(t, r4, C_TD), F);
    assert_int_equal(value_at(t, r4 + 1, C_TD), F);
    assert_string_equal(text_at(t, r4 + 1, C_STT), "4.1");
    assert_int_equal(t->rows[r4].nchildren, 2); /* no direct amounts: no extra row */
    /* DA10.TDA3 is the last row */
    assert_string_equal(text_at(t, 25, C_STT), "10.3");
    assert_int_equal(value_at(t, 25, C_DG), E);
    assert_int_equal(value_at(t, 25, C_TONG), E);
    /* the total of the project rows is the TỔNG SỐ */
    int64_t s = 0;
    for (int r = 1; r < t->nrows; r++)
        if (t->rows[r].level == 1) s += value_at(t, r, C_TONG);
    assert_int_equal(s, TOTAL_2024);
    table_free(t);
    form_free(&fm);
}

/* A subtotal that disagrees with its children is caught. */
static void test_check_sums_detects_mismatch(void **state)
{
    fixture *f = *state;
    form fm;
    table *t = build(f, "01_kh_du_an.txt", &fm);
    assert_int_equal(table_check_sums(t), 0);
    t->rows[5].cells[C_NSTW_SN].value += 1; /* one đồng off in DA3.TDA2 */
    assert_int_equal(table_check_sums(t), 1); /* DA3 no longer matches (TỔNG SỐ still does) */
    table_free(t);
    form_free(&fm);
}

/* ---- forms 02, 03, 05, 07 ---------------------------------------------- */

static void test_form02_by_unit(void **state)
{
    fixture *f = *state;
    form fm;
    table *t = build(f, "02_kh_xa.txt", &fm);
    assert_int_equal(t->nrows, 5);
    assert_string_equal(text_at(t, 0, C_TEN), "TỔNG SỐ");
    assert_string_equal(text_at(t, 1, C_TEN), "Huyện Vĩnh Linh");
    assert_string_equal(text_at(t, 1, C_STT), "I");
    assert_int_equal(t->rows[1].style, ROW_BOLD);
    assert_true(t->rows[1].is_subtotal);
    assert_string_equal(text_at(t, 2, C_TEN), "Xã Vĩnh Ô");
    assert_string_equal(text_at(t, 2, C_STT), "1");
    assert_string_equal(text_at(t, 3, C_TEN), "Xã Vĩnh Hà");
    assert_string_equal(text_at(t, 3, C_STT), "2");
    assert_string_equal(text_at(t, 4, C_TEN), "Cấp tỉnh");
    assert_string_equal(text_at(t, 4, C_STT), "II");
    assert_int_equal(value_at(t, 2, C_TONG), A + B);
    assert_int_equal(value_at(t, 2, C_NSTW_DT), A);
    assert_int_equal(value_at(t, 3, C_TONG), C + D + F);
    assert_int_equal(value_at(t, 3, C_TD), F);
    assert_int_equal(value_at(t, 1, C_TONG), A + B + C + D + F);
    assert_int_equal(value_at(t, 4, C_TONG), E);
    assert_int_equal(value_at(t, 4, C_DG), E);
    assert_int_equal(value_at(t, 0, C_TONG), TOTAL_2024);
    assert_int_equal(table_check_sums(t), 0);
    table_free(t);
    form_free(&fm);
}

/* Two provinces, one known only by its code (a row with ma_tinh and no
 * ten_tinh), the other the configured default. */
static table *two_provinces_table(fixture *f, dataset *ds, form *fm)
{
    dataset_init(ds, &f->cat);
    unit_ref a = {"45", "", "", "", "19435", "Xã A", 2, 0, 0, 0, 5, strlen("Xã A")};
    unit_ref b = {"", "", "", "", "19436", "Xã B", 0, 0, 0, 0, 5, strlen("Xã B")};
    int ua = units_resolve(&ds->units, &a, "99", "Hòa Sơn", 1);
    int ub = units_resolve(&ds->units, &b, "99", "Hòa Sơn", 2);
    cube_key k1 = {(uint32_t)ua, 0, 0, 2024, 2024}, k2 = {(uint32_t)ub, 0, 0, 2024, 2024};
    cube_add_plan(&ds->cube, &k1, 5000000);
    cube_add_plan(&ds->cube, &k2, 7000000);
    strbuf err = STRBUF_INIT;
    if (form_load(fm, "templates/forms/02_kh_xa.txt", &f->cat, &err) < 0) fail_msg("%s", err.buf);
    table *t = form_build(fm, ds, &f->v, (year_span){2024, 2024}, &err);
    strbuf_release(&err);
    return t;
}

static void test_form02_province_without_name(void **state)
{
    fixture *f = *state;
    dataset ds;
    form fm;
    table *t = two_provinces_table(f, &ds, &fm);
    assert_non_null(t);
    assert_int_equal(table_check_sums(t), 0);
    assert_int_equal(value_at(t, 0, C_TONG), 12000000);
    int p45 = row_labelled(t, C_TEN, "Tỉnh 45");
    int p99 = row_labelled(t, C_TEN, "Tỉnh Hòa Sơn");
    assert_true(p45 < p99); /* by code */
    assert_int_equal(value_at(t, p45, C_TONG), 5000000);
    assert_int_equal(value_at(t, p99, C_TONG), 7000000);
    table_free(t);
    form_free(&fm);
    dataset_free(&ds);
}

enum { G_STT, G_TEN, G_T_KH, G_T_GN, G_T_TL, G_N_KH, G_N_GN, G_N_TL, G_K_KH, G_K_GN, G_K_TL,
       G_K1_KH, G_K1_GN, G_K2_KH, G_K2_GN,
       G_D_KH, G_D_GN, G_D_TL, G_S_KH, G_S_GN, G_S_TL, G_O_KH, G_O_GN, NC03 };

static void test_form03_disbursement(void **state)
{
    fixture *f = *state;
    form fm;
    table *t = build(f, "03_gn_du_an.txt", &fm);
    assert_int_equal(t->ncols, NC03);
    assert_int_equal(t->header_rows, 3);
    /* "Vốn năm {nam}" expanded, spanning its 3 columns */
    int found = 0;
    for (int i = 0; i < t->nheader; i++) {
        const table_header_cell *h = &t->header[i];
        if (!strcmp(h->text, "Vốn năm 2024")) {
            assert_int_equal(h->row, 0);
            assert_int_equal(h->col, G_N_KH);
            assert_int_equal(h->colspan, 3);
            found++;
        }
        if (!strcmp(h->text, "Trong đó")) {
            assert_int_equal(h->colspan, 6);
            found++;
        }
        if (h->row == 1 && h->col == G_T_KH) {
            assert_string_equal(h->text, "Kế hoạch vốn");
            assert_int_equal(h->rowspan, 2);
            found++;
        }
        /* Each extended capital year under the extended group. */
        if (h->row == 1 && h->col == G_K1_KH) {
            assert_string_equal(h->text, "Vốn năm 2023");
            assert_int_equal(h->colspan, 2);
            found++;
        }
        if (h->row == 1 && h->col == G_K2_KH) {
            assert_string_equal(h->text, "Vốn năm 2022 trở về trước");
            found++;
        }
    }
    assert_int_equal(found, 5);
    assert_string_equal(t->cols[G_T_TL].number_label, "(5)=(4)/(3)");
    assert_int_equal(t->cols[G_T_TL].kind, COL_RATE);
    /* The rate's scope is the state budget (NSTW, NSĐP): D (lồng ghép),
     * E (dân góp) and F (tín dụng, extended) are in the last two columns. */
    const int64_t NSNN = A + B + C;
    /* TỔNG SỐ */
    assert_int_equal(value_at(t, 0, G_N_KH), NSNN);              /* current capital */
    assert_int_equal(value_at(t, 0, G_N_GN), A_GN);
    assert_int_equal(value_at(t, 0, G_K_KH), 0);                 /* no state-budget extended */
    assert_int_equal(value_at(t, 0, G_K1_KH), 0);
    assert_int_equal(value_at(t, 0, G_K2_KH), 0);
    assert_int_equal(value_at(t, 0, G_T_KH), NSNN);
    assert_int_equal(value_at(t, 0, G_T_GN), A_GN);
    assert_int_equal(value_at(t, 0, G_D_KH), A + C);             /* NSTW + NSĐP ĐTPT */
    assert_int_equal(value_at(t, 0, G_D_GN), A_GN);
    assert_int_equal(value_at(t, 0, G_S_KH), B);                 /* NSTW + NSĐP SN */
    assert_int_equal(value_at(t, 0, G_S_GN), 0);
    assert_int_equal(value_at(t, 0, G_O_KH), D + E + F);         /* outside the rate */
    assert_int_equal(value_at(t, 0, G_O_GN), F_GN);
    assert_int_equal(value_at(t, 0, G_T_KH) + value_at(t, 0, G_O_KH), TOTAL_2024);
    rate_is(t, 0, G_K_TL, "-");
    assert_int_equal(t->rows[0].cells[G_T_TL].num, A_GN);
    assert_int_equal(t->rows[0].cells[G_T_TL].den, NSNN);
    rate_is(t, 0, G_T_TL, "24,3%");                              /* 1.000 / 4.122,426 */
    rate_is(t, 0, G_S_TL, "0,0%");
    /* DA1: 1.000 / 1.473,139 = 67,88% */
    assert_int_equal(value_at(t, 1, G_N_KH), A);
    rate_is(t, 1, G_N_TL, "67,9%");
    rate_is(t, 1, G_K_TL, "-"); /* no extended capital: no rate */
    /* DA4.TDA1: policy credit, extended: outside the rate */
    int r = row_labelled(t, G_TEN, "Tiểu dự án 1: Đầu tư cơ sở hạ tầng");
    assert_int_equal(value_at(t, r, G_K_KH), 0);
    assert_int_equal(value_at(t, r, G_O_KH), F);
    assert_int_equal(value_at(t, r, G_O_GN), F_GN);
    assert_int_equal(value_at(t, r, G_N_KH), 0);
    assert_int_equal(table_check_sums(t), 0);
    table_free(t);
    form_free(&fm);
}

static void test_form05_indicators(void **state)
{
    fixture *f = *state;
    form fm;
    table *t = build(f, "05_chi_tieu.txt", &fm);
    assert_int_equal(fm.rows, ROWS_INDICATOR);
    assert_int_equal(t->nrows, 4);
    assert_string_equal(text_at(t, 0, 0), "I");
    assert_string_equal(text_at(t, 0, 1), "Dự án 1: Giải quyết tình trạng thiếu đất ở, nhà ở, "
                                           "đất sản xuất, nước sinh hoạt");
    assert_int_equal(t->rows[0].style, ROW_BOLD);
    assert_false(table_cell_present(t, 0, 3)); /* a section has no figures */
    assert_false(table_cell_present(t, 0, 5));
    assert_string_equal(text_at(t, 1, 0), "1");
    assert_string_equal(text_at(t, 1, 1), "Hỗ trợ nhà ở");
    assert_string_equal(text_at(t, 1, 2), "hộ");
    assert_int_equal(value_at(t, 1, 3), 150000); /* 120 + 30 hộ */
    assert_int_equal(value_at(t, 1, 4), 125000); /* 95 + 30 hộ */
    rate_is(t, 1, 5, "83,3%");
    assert_string_equal(text_at(t, 2, 0), "II");
    assert_string_equal(text_at(t, 2, 1), "Tiểu dự án 1 - Dự án 4: Đầu tư cơ sở hạ tầng thiết yếu, "
                                           "phục vụ sản xuất, đời sống trong vùng đồng bào dân tộc "
                                           "thiểu số và miền núi");
    assert_string_equal(text_at(t, 3, 1), "Đường giao thông");
    assert_string_equal(text_at(t, 3, 2), "km");
    assert_int_equal(value_at(t, 3, 3), 2500);
    assert_int_equal(value_at(t, 3, 4), 1250);
    rate_is(t, 3, 5, "50,0%");
    assert_int_equal(t->cols[3].kind, COL_QTY);
    table_free(t);
    form_free(&fm);
}

static void test_form07_previous_year(void **state)
{
    fixture *f = *state;
    form fm;
    table *t = build(f, "07_gn_nam_truoc.txt", &fm);
    assert_int_equal(fm.year_offset, -1);
    /* the 2023 plan only */
    assert_int_equal(value_at(t, 0, G_T_KH), G);
    assert_int_equal(value_at(t, 0, G_N_KH), G);
    assert_int_equal(value_at(t, 0, G_K_KH), 0);
    assert_int_equal(value_at(t, 1, G_N_KH), G);
    assert_int_equal(table_check_sums(t), 0);
    table_free(t);
    form_free(&fm);
}

/* A form with scope= columns built before the run set the rate's sources
 * would count every source: refused instead. */
static void test_scope_unset_refused(void **state)
{
    fixture *f = *state;
    form fm;
    strbuf err = STRBUF_INIT;
    if (form_load(&fm, "templates/forms/03_gn_du_an.txt", &f->cat, &err) < 0) fail_msg("%s", err.buf);
    form_error kind;
    assert_null(form_build_kind(&fm, &f->ds, &f->v, (year_span){2024, 2024}, &err, &kind));
    assert_int_equal(kind, FORM_ERR_INTERNAL);
    assert_non_null(strstr(err.buf, "scope="));
    form_free(&fm);
    strbuf_release(&err);
}

/* ---- template errors --------------------------------------------------- */

#define FORM_HEAD                                                                   \
    "[form]\n"                                  /* 1 */                             \
    "name = Biểu thử\n"                         /* 2 */                             \
    "sheet = Thu\n"                             /* 3 */                             \
    "title = Thử năm {nam}\n"                   /* 4 */                             \
    "rows = project\n"                          /* 5 */                             \
    "[labels]\n"                                /* 6 */                             \
    "total = TỔNG SỐ\n"                         /* 7 */                             \
    "project = Dự án {so}: {ten}\n"             /* 8 */                             \
    "subproject = Tiểu dự án {so}: {ten}\n"     /* 9 */                             \
    "unassigned = Chưa phân\n"                  /* 10 */                            \
    "[columns]\n"                               /* 11 */                            \
    "stt | STT | stt | | 5\n"                   /* 12 */                            \
    "ten | Tên | label | | 40\n"                /* 13 */                            \
    "kh | Kế hoạch | plan | | 12\n"             /* 14 */

/* Load text as a form: 0, or -1 with the message in err. *path set. */
static int load_form_text(fixture *f, const char *text, char **path, strbuf *err)
{
    *path = tu_path(f->dir, "bieu.txt");
    assert_int_equal(tu_write_file(*path, text), 0);
    form fm;
    strbuf_reset(err);
    int rc = form_load(&fm, *path, &f->cat, err);
    form_free(&fm);
    return rc;
}

/* The form must fail with "path:line:" and `why` in the message. */
static void bad_form(fixture *f, const char *text, int line, const char *why)
{
    char *path;
    strbuf err = STRBUF_INIT, want = STRBUF_INIT;
    assert_int_equal(load_form_text(f, text, &path, &err), -1);
    strbuf_addf(&want, "%s:%d:", path, line);
    if (!strstr(err.buf, want.buf)) fail_msg("error \"%s\" should contain \"%s\"", err.buf, want.buf);
    if (!strstr(err.buf, why)) fail_msg("error \"%s\" should contain \"%s\"", err.buf, why);
    strbuf_release(&err);
    strbuf_release(&want);
    free(path);
}

static void test_form_minimal_ok(void **state)
{
    fixture *f = *state;
    char *path;
    strbuf err = STRBUF_INIT;
    int rc = load_form_text(f, FORM_HEAD "tong | Tổng | sum(kh) | | 12\n", &path, &err);
    if (rc) fail_msg("%s", err.buf);
    form fm;
    assert_int_equal(form_load(&fm, path, &f->cat, &err), 0);
    assert_int_equal(fm.ncols, 4);
    assert_int_equal(fm.cols[3].measure, M_SUM);
    assert_int_equal(fm.cols[3].nargs, 1);
    assert_int_equal(fm.cols[3].args[0], 2);
    assert_int_equal(fm.cols[2].sources, ~0ull); /* no filter: every source */
    table *t = form_build(&fm, &f->ds, &f->v, (year_span){2024, 2024}, &err);
    assert_non_null(t);
    assert_int_equal(t->rows[0].cells[3].value, TOTAL_2024);
    table_free(t);
    form_free(&fm);
    strbuf_release(&err);
    free(path);
}

static void test_form_error_unknown_measure(void **state)
{
    bad_form(*state, FORM_HEAD "x | X | planned | | 12\n", 15, "planned");
}

static void test_form_error_four_fields(void **state)
{
    bad_form(*state, FORM_HEAD "z | Z | plan | 12\n", 15, "5");
}

static void test_form_error_unknown_source(void **state)
{
    bad_form(*state, FORM_HEAD "y | Y | plan | source=NSTW_XX | 12\n", 15, "NSTW_XX");
    bad_form(*state, FORM_HEAD "y | Y | plan | group=ODA | 12\n", 15, "ODA");
    bad_form(*state, FORM_HEAD "y | Y | plan | type=DTPT,VAY | 12\n", 15, "VAY");
    bad_form(*state, FORM_HEAD "y | Y | plan | capital=later | 12\n", 15, "capital");
    /* One extended capital year: year-1 .. year-20, or "-or-earlier". */
    bad_form(*state, FORM_HEAD "y | Y | plan | capital=year-0 | 12\n", 15, "year-N");
    bad_form(*state, FORM_HEAD "y | Y | plan | capital=year-2-or-later | 12\n", 15, "year-N");
    bad_form(*state, FORM_HEAD "y | Y | plan | capital=year-1x | 12\n", 15, "year-N");
    bad_form(*state, FORM_HEAD "y | Y | plan | scope=nsnn | 12\n", 15, "scope");
    bad_form(*state, FORM_HEAD "y | Y | plan | nguon NSTW | 12\n", 15, "nguon NSTW");
}

static void test_form_error_other_lines(void **state)
{
    fixture *f = *state;
    bad_form(f, FORM_HEAD "w | W | plan | | 0\n", 15, "0");
    bad_form(f, FORM_HEAD "w | W | plan | | rộng\n", 15, "rộng");
    bad_form(f, FORM_HEAD "kh | Lặp | plan | | 12\n", 15, "kh");
    bad_form(f, FORM_HEAD "d | A > B > C > D > E | plan | | 12\n", 15, "4");
    bad_form(f, "[form]\nname = X\ncolour = red\n", 3, "colour");
    bad_form(f, "[form]\nrows = theo_xa\n", 2, "rows");
    bad_form(f, "name = X\n[form]\n", 1, "[form]");
    bad_form(f, "[form]\nname = X\n[mau]\na = b\n", 4, "[columns]");
    bad_form(f, "[form]\nname X\n", 2, "=");
}

/* Errors found after the whole file is read name the file and column. */
static void test_form_error_missing_column_and_cycle(void **state)
{
    fixture *f = *state;
    char *path;
    strbuf err = STRBUF_INIT;
    assert_int_equal(load_form_text(f, FORM_HEAD "t | Tổng | sum(kh, khong_co) | | 12\n", &path, &err), -1);
    assert_non_null(strstr(err.buf, path));
    assert_non_null(strstr(err.buf, "khong_co"));
    assert_non_null(strstr(err.buf, " t"));
    free(path);
    /* a cycle a -> b -> a */
    assert_int_equal(load_form_text(f, FORM_HEAD "a | A | sum(b) | | 12\nb | B | sum(kh, a) | | 12\n",
                                    &path, &err), -1);
    assert_non_null(strstr(err.buf, path));
    assert_non_null(strstr(err.buf, "vòng"));
    free(path);
    /* a sum of itself, a sum of a text column, rate with three columns */
    assert_int_equal(load_form_text(f, FORM_HEAD "s | S | sum(s) | | 12\n", &path, &err), -1);
    assert_non_null(strstr(err.buf, path));
    free(path);
    assert_int_equal(load_form_text(f, FORM_HEAD "s | S | sum(kh, ten) | | 12\n", &path, &err), -1);
    assert_non_null(strstr(err.buf, "ten"));
    free(path);
    assert_int_equal(load_form_text(f, FORM_HEAD "r | R | rate(kh, kh, kh) | | 12\n", &path, &err), -1);
    assert_non_null(strstr(err.buf, "rate"));
    free(path);
    /* missing name/title/sheet */
    assert_int_equal(load_form_text(f, "[form]\nname = X\n[columns]\nkh | K | plan | | 12\n", &path, &err), -1);
    assert_non_null(strstr(err.buf, path));
    free(path);
    strbuf_release(&err);
}

/* form.h promises "file:line: why" for every template error. */
static void test_form_error_line_numbers_after_reading(void **state)
{
    fixture *f = *state;
    char *path;
    strbuf err = STRBUF_INIT, w1 = STRBUF_INIT, w2 = STRBUF_INIT, w3 = STRBUF_INIT;
    assert_int_equal(load_form_text(f, FORM_HEAD "t | Tổng | sum(kh, khong_co) | | 12\n", &path, &err), -1);
    strbuf_addf(&w1, "%s:15:", path);
    int missing_ok = strstr(err.buf, w1.buf) != NULL;
    free(path);
    assert_int_equal(load_form_text(f, FORM_HEAD "a | A | sum(b) | | 12\nb | B | sum(kh, a) | | 12\n",
                                    &path, &err), -1);
    strbuf_addf(&w2, "%s:15:", path);
    strbuf_addf(&w3, "%s:16:", path);
    int cycle_ok = strstr(err.buf, w2.buf) || strstr(err.buf, w3.buf);
    free(path);
    strbuf_release(&err);
    strbuf_release(&w1);
    strbuf_release(&w2);
    strbuf_release(&w3);
    if (!missing_ok) fail_msg("a sum of a missing column: no \"file:line:\" in the error");
    if (!cycle_ok) fail_msg("a cycle of sums: no \"file:line:\" in the error");
}

/* ---- vars -------------------------------------------------------------- */

static void test_vars_expand(void **state)
{
    (void)state;
    vars v;
    vars_init(&v);
    vars_set(&v, "nam", "2024");
    vars_setf(&v, "tong", "%s triệu đồng", "1.473.139");
    vars_set(&v, "nam", "2025"); /* replaces */
    assert_string_equal(vars_get(&v, "nam"), "2025");
    assert_null(vars_get(&v, "na"));
    assert_int_equal(v.n, 2);
    strbuf out = STRBUF_INIT, err = STRBUF_INIT;
    assert_int_equal(vars_expand(&v, "Năm {nam}: {tong}; {{nam}", &out, &err), 0);
    assert_string_equal(out.buf, "Năm 2025: 1.473.139 triệu đồng; {nam}");
    assert_int_equal(err.len, 0);
    strbuf_reset(&out);
    assert_int_equal(vars_expand(&v, "Năm {nam}, {khong_co} và {nam}", &out, &err), -1);
    assert_non_null(strstr(err.buf, "{khong_co}"));
    strbuf_reset(&err);
    strbuf_reset(&out);
    assert_int_equal(vars_expand(&v, "mở {nam", &out, &err), -1);
    assert_true(err.len > 0);
    strbuf_reset(&err);
    strbuf_reset(&out);
    assert_int_equal(vars_expand(&v, "", &out, &err), 0);
    assert_string_equal(out.buf, "");
    strbuf_release(&out);
    strbuf_release(&err);
    vars_free(&v);
}

/* A form using a placeholder the report does not know: no table. */
static void test_form_unknown_placeholder(void **state)
{
    fixture *f = *state;
    char *path;
    strbuf err = STRBUF_INIT;
    assert_int_equal(load_form_text(f, "[form]\nname = Biểu {so_bieu}\nsheet = X\ntitle = T\n"
                                       "rows = commune\n[labels]\ntotal = Tổng\n[columns]\n"
                                       "ten | Tên | label | | 40\n",
                                    &path, &err),
                     0);
    form fm;
    assert_int_equal(form_load(&fm, path, &f->cat, &err), 0);
    table *t = form_build(&fm, &f->ds, &f->v, (year_span){2024, 2024}, &err);
    assert_null(t);
    assert_non_null(strstr(err.buf, "{so_bieu}"));
    assert_non_null(strstr(err.buf, path));
    form_free(&fm);
    strbuf_release(&err);
    free(path);
}

/* ---- column bands (table_plan_bands, table_columns) ---------------------
 * A table shaped like Biểu số 03: STT (5) and the label (24) as key, then
 * groups whose leaves must stay together (plan, disbursed, rate). */
static table *wide_table(void)
{
    /* leaf widths from column 2; header cells as (row, col, rowspan, colspan) */
    static const double widths[] = {11, 11, 8, 11, 11, 8, 11, 11, 8, 11, 11, 11, 11,
                                    11, 11, 8, 11, 11, 8, 11, 11};
    static const struct { int row, col, rowspan, colspan; const char *text; } head[] = {
        {0, 0, 3, 1, "STT"}, {0, 1, 3, 1, "Dự án"},
        {0, 2, 2, 3, "Tổng số"}, {0, 5, 2, 3, "Vốn năm 2024"},
        {0, 8, 1, 7, "Kéo dài"}, {1, 8, 1, 3, "Tổng số"}, {1, 11, 1, 2, "Năm 2023"},
        {1, 13, 1, 2, "Năm 2022 trở về trước"},
        {0, 15, 1, 6, "Trong đó"}, {1, 15, 1, 3, "ĐTPT"}, {1, 18, 1, 3, "SN"},
        {0, 21, 2, 2, "Các nguồn vốn khác"},
    };
    int n = 2 + (int)(sizeof widths / sizeof *widths);
    table *t = table_new(n);
    t->cols[0].width = 5;
    t->cols[1].width = 24;
    for (int c = 2; c < n; c++) {
        t->cols[c].kind = COL_MONEY;
        t->cols[c].width = widths[c - 2];
        /* leaves on the last header row */
        table_add_header(t, 2, c, 1, 1, "KH");
    }
    for (size_t i = 0; i < sizeof head / sizeof *head; i++)
        table_add_header(t, head[i].row, head[i].col, head[i].rowspan, head[i].colspan, head[i].text);
    for (int c = 0; c < n; c++) {
        char lbl[16];
        snprintf(lbl, sizeof lbl, "(%d)", c + 1);
        table_set_text(&t->cols[c].number_label, lbl);
    }
    int r = table_add_row(t, 0, ROW_BOLD);
    table_cell_text(t, r, 0, "");
    table_cell_text(t, r, 1, "TỔNG SỐ");
    for (int c = 2; c < n; c++) table_cell_value(t, r, c, 1000000LL * c);
    return t;
}

static void test_plan_bands(void **state)
{
    (void)state;
    /* Widths: key 29, groups 30 30 | 30 22 22 | 30 30 | 22 (245 in all). */
    static const struct { double keep, capacity; int n, starts[8]; const char *why; } cases[] = {
        {245, 245, 1, {2}, "fits"},
        {0, 1000, 1, {2}, "fits with room"},
        {250, 200, 1, {2}, "kept whole: a little smaller beats two bands"},
        {200, 200, 2, {2, 15}, "two bands, cut between top-level groups, the more even way"},
        {120, 120, 3, {2, 8, 15}, "three bands, no header cell split"},
        {80, 80, 7, {2, 5, 8, 11, 15, 18, 21}, "groups of leaves kept whole; upper cells split"},
        {10, 10, 1, {2}, "more than 8 bands: one band (the figures shrink instead)"},
    };
    table *t = wide_table();
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        int starts[9] = {0};
        int n = table_plan_bands(t, cases[i].keep, cases[i].capacity, starts, 8);
        if (n != cases[i].n) fail_msg("capacity %.0f (%s): %d bands, want %d", cases[i].capacity, cases[i].why, n, cases[i].n);
        for (int b = 0; b < n; b++)
            if (starts[b] != cases[i].starts[b])
                fail_msg("capacity %.0f (%s): band %d starts at %d, want %d", cases[i].capacity,
                         cases[i].why, b, starts[b], cases[i].starts[b]);
    }
    /* A group of leaves wider than a band is cut: the fewest cuts. */
    table *one = table_new(5);
    one->cols[0].width = 5;
    one->cols[1].width = 20;
    for (int c = 2; c < 5; c++) {
        one->cols[c].kind = COL_MONEY;
        one->cols[c].width = 10;
    }
    table_add_header(one, 0, 2, 1, 3, "Nhóm");
    int starts[9];
    assert_int_equal(table_plan_bands(one, 46, 46, starts, 8), 2);
    assert_int_equal(starts[0], 2);
    assert_int_equal(starts[1], 4);
    table_free(one);

    /* The band of columns 15..22: key copied, header clipped, figures and
     * column numbers kept. */
    table *u = table_columns(t, 15, 23);
    assert_int_equal(u->ncols, 10);
    assert_int_equal(u->header_rows, 3);
    assert_string_equal(u->cols[1].number_label, "(2)");
    assert_string_equal(u->cols[2].number_label, "(16)");
    assert_string_equal(u->cols[9].number_label, "(23)");
    assert_string_equal(u->rows[0].cells[1].text, "TỔNG SỐ");
    assert_true(u->rows[0].cells[2].value == 15000000LL && u->rows[0].cells[9].value == 22000000LL);
    int found = 0;
    for (int i = 0; i < u->nheader; i++) {
        const table_header_cell *h = &u->header[i];
        assert_true(h->col >= 0 && h->col + h->colspan <= u->ncols);
        if (!strcmp(h->text, "Trong đó")) found += h->col == 2 && h->colspan == 6;
        if (!strcmp(h->text, "Các nguồn vốn khác")) found += h->col == 8 && h->colspan == 2;
        assert_true(strcmp(h->text, "Kéo dài") && strcmp(h->text, "Vốn năm 2024"));
    }
    assert_int_equal(found, 2);
    table_free(u);
    /* A band through the middle of a group repeats its cell, clipped. */
    u = table_columns(t, 11, 15);
    int kd = 0;
    for (int i = 0; i < u->nheader; i++)
        if (!strcmp(u->header[i].text, "Kéo dài")) kd = u->header[i].col == 2 && u->header[i].colspan == 4;
    assert_true(kd);
    table_free(u);
    table_free(t);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_shipped_forms_load_and_build),
        T(test_form01_header),
        T(test_form01_rows_and_figures),
        T(test_check_sums_detects_mismatch),
        T(test_form02_by_unit),
        T(test_form02_province_without_name),
        T(test_form03_disbursement),
        T(test_form05_indicators),
        T(test_form07_previous_year),
        T(test_scope_unset_refused),
        T(test_form_minimal_ok),
        T(test_form_error_unknown_measure),
        T(test_form_error_four_fields),
        T(test_form_error_unknown_source),
        T(test_form_error_other_lines),
        T(test_form_error_missing_column_and_cycle),
        T(test_form_error_line_numbers_after_reading),
        cmocka_unit_test(test_vars_expand),
        T(test_form_unknown_placeholder),
        cmocka_unit_test(test_plan_bands),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
