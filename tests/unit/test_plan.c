/*
 * The plan document (KẾ HOẠCH) and control totals, on the fixture district
 * tests/fixtures/plan/ whose every figure is worked out by hand in its
 * README.md: the previous year's sentences, the "Vốn và cơ cấu nguồn vốn"
 * lines of each project, projects without capital left out with
 * consecutive numbers, a form added by a fixture template alone, and the
 * assigned-total check in the check workbook and the check report (never
 * in the plan's own workbook).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testutil.h"
#include "xlsx_read.h"

#define BIN "build/san/mtqg-report"
#define INI "tests/fixtures/plan/plan.ini"

typedef struct run {
    char *out;
    int status;
    strbuf log;
    strbuf text;   /* pdftotext of the whole PDF, white space folded */
    strbuf page1;  /* the same, page 1 only */
    xlsx_book book;
    xlsx_book check; /* the check workbook beside it */
} run;

/* pdftotext, with every run of white space folded to one space, so a
 * phrase can be found whatever the line breaks of the justified text. */
static void pdf_words(const char *pdf, int page, strbuf *out)
{
    assert_int_equal(tu_pdf_flat(pdf, page, page, TU_PDF_FLOW, out), 0);
}

static int setup(void **state)
{
    run *r = calloc(1, sizeof *r);
    r->out = tu_tmpdir("plan");
    r->log = (strbuf)STRBUF_INIT;
    r->text = (strbuf)STRBUF_INIT;
    r->page1 = (strbuf)STRBUF_INIT;
    strbuf err = STRBUF_INIT;
    r->status = tu_runf(&r->log, BIN " --config " INI " --output '%s' 2>&1", r->out);
    char *pdf = tu_path(r->out, "ke-hoach-thu-2025.pdf");
    char *xlsx = tu_path(r->out, "ke-hoach-thu-2025.xlsx");
    pdf_words(pdf, 0, &r->text);
    pdf_words(pdf, 1, &r->page1);
    char *chk = tu_path(r->out, "ke-hoach-thu-2025-kiem-tra.xlsx");
    int rc = xlsx_load(&r->book, xlsx, &err);
    if (rc == 0) rc = xlsx_load(&r->check, chk, &err);
    if (rc < 0) fprintf(stderr, "%s\n%s\n", err.buf, r->log.buf);
    free(pdf);
    free(xlsx);
    free(chk);
    strbuf_release(&err);
    *state = r;
    return rc;
}

static int teardown(void **state)
{
    run *r = *state;
    xlsx_free(&r->book);
    xlsx_free(&r->check);
    tu_rmtree(r->out);
    free(r->out);
    strbuf_release(&r->log);
    strbuf_release(&r->text);
    strbuf_release(&r->page1);
    free(r);
    return 0;
}

static void expect_phrase(const strbuf *text, const char *phrase)
{
    if (!strstr(text->buf, phrase)) fail_msg("missing: \"%s\"", phrase);
}

/* Each phrase must appear, in this order. */
static void expect_in_order(const strbuf *text, const char *const *phrases, int n)
{
    const char *at = text->buf;
    for (int i = 0; i < n; i++) {
        const char *p = strstr(at, phrases[i]);
        if (!p) fail_msg("missing after \"%s\": \"%s\"", i ? phrases[i - 1] : "(start)", phrases[i]);
        at = p + strlen(phrases[i]);
    }
}

static void test_runs_and_reports_the_failed_check(void **state)
{
    run *r = *state;
    /* Status 3: NSTW_SN is assigned 1.800 but allocated 1.753. */
    if (r->status != 3) fail_msg("status %d, want 3:\n%s", r->status, r->log.buf);
    expect_phrase(&r->log, "kiểm tra: NSTW_SN: tổng phân bổ khác số được giao -47 triệu đồng");
    /* The rounding difference (NSDP_SN, -0,05) is not a failed check. */
    assert_null(strstr(r->log.buf, "kiểm tra: NSDP_SN"));
}

static void test_previous_year_sentences(void **state)
{
    run *r = *state;
    expect_phrase(&r->text, "Tổng kế hoạch vốn thực hiện Chương trình năm 2024 là 16.164 triệu đồng");
    /* 10.000 + 3.413,61 + 100 (15/1/2025; the 999 of 5/2/2025 is after the
     * as-of date) = 13.513,61 of 15.164 = 89,1%. */
    expect_phrase(&r->text, "Giải ngân vốn ngân sách nhà nước kế hoạch năm 2024 là 13.513,61 triệu đồng/KH giao "
                            "15.164 triệu đồng, đạt tỷ lệ 89,1%");
    expect_phrase(&r->text, "trong đó vốn đầu tư phát triển 13.513,61 triệu đồng/15.164 triệu đồng, đạt 89,1%");
    /* Extended capital separately: 600 of 1.000 = 60,0%. */
    expect_phrase(&r->text, "Giải ngân vốn năm 2023 kéo dài sang năm 2024 là 600 triệu đồng/1.000 "
                            "triệu đồng, đạt tỷ lệ 60,0%");
}

static void test_plan_year_capital(void **state)
{
    run *r = *state;
    /* 3.941 + 500 + 1.133 + 200,5 + 500 + 50,25 + 120 + 30 = 6.474,75, of
     * which 500 is 2024 capital extended into 2025. */
    expect_phrase(&r->text, "Tổng vốn thực hiện Chương trình năm 2025 là 6.474,75 triệu đồng "
                            "(gồm vốn giao năm 2025 5.974,75 triệu đồng và vốn các năm trước kéo dài "
                            "sang năm 2025 500 triệu đồng)");
}

static void test_capital_structure_lines(void **state)
{
    run *r = *state;
    static const char *const lines[] = {
        "4. Nội dung, nhiệm vụ và vốn thực hiện các dự án",
        "1) Dự án 1. Giải quyết tình trạng thiếu đất ở",
        "a) Nội dung thực hiện:",
        "- Công trình nước sinh hoạt tập trung thôn Một;",
        "- Hỗ trợ nhà ở cho hộ nghèo;",
        "b) Vốn và cơ cấu nguồn vốn: 5.774,5 triệu đồng, trong đó:",
        "- Nguồn vốn đầu tư phát triển: 4.641,5 triệu đồng, gồm:",
        "+ Nguồn vốn ngân sách trung ương: 4.441 triệu đồng.",
        "+ Nguồn vốn ngân sách địa phương: 200,5 triệu đồng.",
        "- Vốn sự nghiệp ngân sách trung ương: 1.133 triệu đồng.",
        "2) Dự án 3. Phát triển sản xuất nông, lâm nghiệp",
        "2.1) Tiểu dự án 2: Hỗ trợ phát triển sản xuất theo chuỗi giá trị",
        "b) Vốn và cơ cấu nguồn vốn: 550,25 triệu đồng, trong đó:",
        "- Vốn sự nghiệp ngân sách trung ương: 500 triệu đồng.",
        "- Vốn sự nghiệp ngân sách địa phương: 50,25 triệu đồng.",
        "3) Dự án 5. Phát triển giáo dục đào tạo",
        "3.1) Tiểu dự án 4: Đào tạo nâng cao năng lực",
        "- Vốn sự nghiệp ngân sách trung ương: 120 triệu đồng.",
        "4) Dự án 10. Truyền thông, tuyên truyền",
        "4.1) Tiểu dự án 3: Kiểm tra, giám sát, đánh giá",
        /* Mobilised funds under investment capital (catalogue [types]). */
        "- Nguồn vốn đầu tư phát triển: 30 triệu đồng, gồm:",
        "+ Nguồn vốn huy động, lồng ghép: 30 triệu đồng.",
        "III. GIẢI PHÁP THỰC HIỆN",
    };
    expect_in_order(&r->text, lines, (int)(sizeof lines / sizeof lines[0]));
}

static void test_projects_without_capital_left_out(void **state)
{
    run *r = *state;
    const char *from = strstr(r->text.buf, "4. Nội dung, nhiệm vụ");
    const char *to = strstr(r->text.buf, "III. GIẢI PHÁP");
    assert_non_null(from);
    assert_non_null(to);
    strbuf part = STRBUF_INIT;
    strbuf_add(&part, from, (size_t)(to - from));
    static const char *const absent[] = {"Dự án 2.", "Dự án 4.", "Dự án 6.", "Dự án 7.",
                                         "Dự án 8.", "Dự án 9.", "5) "};
    for (size_t i = 0; i < sizeof absent / sizeof absent[0]; i++)
        if (strstr(part.buf, absent[i])) fail_msg("\"%s\" should not be listed", absent[i]);
    strbuf_release(&part);
}

static void test_leads_from_config(void **state)
{
    run *r = *state;
    expect_phrase(&r->text, "- Phòng Dân tộc huyện: chủ trì thực hiện Dự án 1");
    expect_phrase(&r->text, "- Phòng Nông nghiệp và Phát triển nông thôn: chủ trì thực hiện Dự án 3");
}

static const xlsx_sheet *sheet_named(const xlsx_book *b, const char *name)
{
    const xlsx_sheet *s = xlsx_sheet_named(b, name);
    if (!s) fail_msg("no sheet \"%s\"", name);
    return s;
}

static void test_form_from_template_alone(void **state)
{
    run *r = *state;
    const xlsx_sheet *s = sheet_named(&r->book, "Ngan sach theo xa");
    int total = xlsx_find_row(s, 1, "TỔNG SỐ", 1);
    assert_true(total > 0);
    /* State budget (groups NSTW, NSDP) = everything but the 30 of
     * LONG_GHEP: 6.444,75; of which ĐTPT 3.941 + 500 + 200,5 = 4.641,5. */
    assert_string_equal(xlsx_text(s, total, 2), "6444.75");
    assert_string_equal(xlsx_text(s, total, 3), "4641.5");
    /* The header comes from the template: a merged group over two columns. */
    assert_true(xlsx_find_row(s, 2, "Ngân sách nhà nước", 1) > 0);
    int b = xlsx_find_row(s, 1, "Xã B", total);
    assert_true(b > 0);
    assert_string_equal(xlsx_text(s, b, 2), "1333.5"); /* 1.133 + 200,5 */
    /* numbering = arabic, letter: the district is 1, its communes a), b). */
    assert_string_equal(xlsx_text(s, xlsx_find_row(s, 1, "Huyện Thử", total), 0), "1");
    assert_string_equal(xlsx_text(s, b, 0), "b)");
}

static void test_check_sheet(void **state)
{
    run *r = *state;
    /* Working material: in the check workbook, not in the plan's. */
    assert_null(xlsx_sheet_named(&r->book, "Kiem tra so giao"));
    assert_null(xlsx_sheet_named(&r->book, "Kiem tra du lieu"));
    assert_non_null(xlsx_sheet_named(&r->check, "Kiem tra du lieu"));
    assert_int_equal(r->check.nsheets, 2);
    const xlsx_sheet *s = sheet_named(&r->check, "Kiem tra so giao");
    struct { const char *source, *assigned, *allocated, *diff, *note; } want[] = {
        {"Ngân sách trung ương - vốn đầu tư phát triển", "3941", "3941", "0", "Khớp"},
        {"Ngân sách trung ương - vốn sự nghiệp", "1800", "1753", "-47", "Chênh lệch, cần rà soát"},
        {"Ngân sách địa phương (đối ứng) - vốn sự nghiệp", "50.3", "50.25", "-0.05",
         "Chênh lệch do làm tròn số"},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        int row = xlsx_find_row(s, 2, want[i].source, 1);
        if (row < 0) fail_msg("no check row for %s", want[i].source);
        assert_string_equal(xlsx_text(s, row, 3), want[i].assigned);
        assert_string_equal(xlsx_text(s, row, 4), want[i].allocated);
        assert_string_equal(xlsx_text(s, row, 5), want[i].diff);
        assert_string_equal(xlsx_text(s, row, 6), want[i].note);
        const xlsx_cell *d = xlsx_at(s, row, 5);
        assert_non_null(d->formula); /* the difference is a formula, cached */
    }
}

/* The differences are working material: on the first page of the check
 * report beside the plan, not in the plan. */
static void test_differences_in_check_report(void **state)
{
    run *r = *state;
    strbuf page = STRBUF_INIT;
    char *pdf = tu_path(r->out, "ke-hoach-thu-2025-kiem-tra.pdf");
    pdf_words(pdf, 1, &page);
    expect_phrase(&page, "có 1 số liệu kế hoạch vốn được giao khác với tổng các dòng phân bổ");
    expect_phrase(&page, "Ngân sách trung ương - vốn sự nghiệp, toàn Chương trình: được giao "
                         "1.800 triệu đồng, tổng phân bổ 1.753 triệu đồng, chênh lệch -47 triệu đồng");
    expect_phrase(&page, "Có 1 số liệu chênh lệch không quá 0,1 triệu đồng do làm tròn số");
    assert_null(strstr(r->text.buf, "được giao khác với tổng các dòng phân bổ"));
    free(pdf);
    strbuf_release(&page);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_runs_and_reports_the_failed_check),
        cmocka_unit_test(test_previous_year_sentences),
        cmocka_unit_test(test_plan_year_capital),
        cmocka_unit_test(test_capital_structure_lines),
        cmocka_unit_test(test_projects_without_capital_left_out),
        cmocka_unit_test(test_leads_from_config),
        cmocka_unit_test(test_form_from_template_alone),
        cmocka_unit_test(test_check_sheet),
        cmocka_unit_test(test_differences_in_check_report),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
