/*
 * The documents as offices issue them (Nghị định 30/2020, Phụ lục I): the
 * appendix caption, signature blocks, "Kính gửi", drafts, the check report
 * beside the document, figures in sentences, appendix references, page
 * numbers of appendices, PDF properties and table legibility. Runs the
 * program on the plan fixture (tests/fixtures/plan) with [unit] and
 * [report] keys added, and reads the PDF back with poppler's tools.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "testutil.h"
#include "xlsx_read.h"

#define BIN "build/san/mtqg-report"
#define INI "tests/fixtures/plan/plan.ini"
#define PDF_NAME "ke-hoach-thu-2025.pdf"

/* 0 while a test runs a config that must fail (no PDF expected). */
static int g_want_pdf = 1;

typedef struct run {
    char *dir, *out, *pdf;
    int status;
    strbuf log;
} run;

/* Insert `extra` (lines) after the line "[section]" of ini text. */
static void add_keys(strbuf *ini, const char *section, const char *extra)
{
    char head[64];
    snprintf(head, sizeof head, "[%s]\n", section);
    char *at = strstr(ini->buf, head);
    if (!at || !extra || !*extra) return;
    size_t pos = (size_t)(at - ini->buf) + strlen(head);
    strbuf rest = STRBUF_INIT;
    strbuf_adds(&rest, ini->buf + pos);
    strbuf_setlen(ini, pos);
    strbuf_adds(ini, extra);
    strbuf_add(ini, rest.buf, rest.len);
    strbuf_release(&rest);
}

/* Replace the whole line starting with key (the first one) by line. */
static void set_line(strbuf *ini, const char *key, const char *line)
{
    char *at = strstr(ini->buf, key);
    if (!at) fail_msg("no \"%s\" in the fixture ini", key);
    char *end = strchr(at, '\n');
    strbuf sb = STRBUF_INIT;
    strbuf_add(&sb, ini->buf, (size_t)(at - ini->buf));
    strbuf_adds(&sb, line);
    strbuf_adds(&sb, end ? end : "");
    strbuf_reset(ini);
    strbuf_add(ini, sb.buf, sb.len);
    strbuf_release(&sb);
}

/* Run the plan fixture with extra [unit] and [report] lines, and lines
 * replaced: repl[i][0] is the start of a line, repl[i][1] the new line. */
static void run_plan_with(run *r, const char *unit_keys, const char *report_keys,
                          const char *const (*repl)[2], int nrepl)
{
    char cwd[4096];
    assert_non_null(getcwd(cwd, sizeof cwd));
    r->dir = tu_tmpdir("issued");
    r->out = tu_path(r->dir, "out");
    r->log = (strbuf)STRBUF_INIT;
    char *text = tu_read_file(INI, NULL);
    assert_non_null(text);
    strbuf ini = STRBUF_INIT, line = STRBUF_INIT;
    strbuf_adds(&ini, text);
    free(text);
    strbuf_addf(&line, "input_dir = %s/tests/fixtures/plan/input", cwd);
    set_line(&ini, "input_dir", line.buf);
    strbuf_reset(&line);
    strbuf_addf(&line, "templates_dir = %s/templates", cwd);
    set_line(&ini, "templates_dir", line.buf);
    for (int i = 0; i < nrepl; i++) set_line(&ini, repl[i][0], repl[i][1]);
    add_keys(&ini, "unit", unit_keys);
    add_keys(&ini, "report", report_keys);
    char *path = tu_path(r->dir, "plan.ini");
    assert_int_equal(tu_write_file(path, ini.buf), 0);
    r->status = tu_runf(&r->log, BIN " --config '%s' --output '%s' 2>&1", path, r->out);
    r->pdf = tu_path(r->out, PDF_NAME);
    if (g_want_pdf && access(r->pdf, R_OK) != 0) fail_msg("no PDF; status %d:\n%s", r->status, r->log.buf);
    free(path);
    strbuf_release(&ini);
    strbuf_release(&line);
}

static void run_plan(run *r, const char *unit_keys, const char *report_keys)
{
    run_plan_with(r, unit_keys, report_keys, NULL, 0);
}

static void run_free(run *r)
{
    tu_rmtree(r->dir);
    free(r->dir);
    free(r->out);
    free(r->pdf);
    strbuf_release(&r->log);
}

static void words_of(const char *pdf, int first, int last, strbuf *out)
{
    tu_pdf_flat(pdf, first, last, TU_PDF_FLOW, out);
}

static void expect(const strbuf *text, const char *phrase)
{
    if (!strstr(text->buf, phrase)) fail_msg("missing: \"%s\" in\n%s", phrase, text->buf);
}

static void expect_not(const strbuf *text, const char *phrase)
{
    if (strstr(text->buf, phrase)) fail_msg("unexpected: \"%s\"", phrase);
}

/* a, then b, then c in text (each found after the one before). */
static void expect_order(const strbuf *text, const char *a, const char *b, const char *c)
{
    const char *pa = strstr(text->buf, a), *pb = pa ? strstr(pa, b) : NULL;
    const char *pc = pb ? strstr(pb, c) : NULL;
    if (!pc) fail_msg("not in order: \"%s\" (%d), \"%s\" (%d), \"%s\"", a, pa != NULL, b, pb != NULL, c);
}

/* The text pages of the document: before the first appendix. */
static void body_words(const char *pdf, strbuf *out)
{
    int first = tu_pdf_find_page(pdf, 2, "Đơn vị tính");
    words_of(pdf, 1, first > 1 ? first - 1 : tu_pdf_pages(pdf), out);
}

static long long cell_dong(const xlsx_sheet *s, int row, int col);

static double pt_size(const tu_word *w)
{
    return (w->y1 - w->y0) / TU_BOX_PER_PT;
}

/* ---- 1. appendix caption ------------------------------------------------ */

static void test_appendix_caption(void **state)
{
    run r;
    run_plan(&r, "", "");
    int page = tu_pdf_find_page(r.pdf, 2, "Đơn vị tính");
    assert_true(page > 0);
    strbuf text = STRBUF_INIT;
    words_of(r.pdf, page, page, &text);
    /* The type of the document it is attached to, the full date. */
    expect(&text, "(Kèm theo Kế hoạch số 07/KH-PDT ngày 12 tháng 02 năm 2025 của Phòng Dân tộc)");
    words_of(r.pdf, 0, 0, &text);
    expect_not(&text, "Kèm theo Báo cáo");
    /* Italic 13 pt (from the box height; the label is 14 pt). */
    tu_words w = {0};
    tu_pdf_words(r.pdf, page, &w);
    const tu_word *kem = tu_words_find(&w, "(Kèm", 0);
    assert_non_null(kem);
    double size = pt_size(kem);
    if (size < 12.8 || size > 14.2) fail_msg("caption %.2f pt, want 13-14", size);
    /* A short rule under it: a row of dark pixels below the caption's
     * line, under its middle, at least a fifth of the caption wide. */
    double cx0 = 1e9, cx1 = 0, cy1 = 0;
    for (int i = 0; i < w.n; i++)
        if (w.v[i].y0 >= kem->y0 - 1 && w.v[i].y1 <= kem->y1 + 1) {
            if (w.v[i].x0 < cx0) cx0 = w.v[i].x0;
            if (w.v[i].x1 > cx1) cx1 = w.v[i].x1;
            if (w.v[i].y1 > cy1) cy1 = w.v[i].y1;
        }
    /* The next line of text below the caption. */
    double next = 1e9;
    for (int i = 0; i < w.n; i++)
        if (w.v[i].y0 > cy1 && w.v[i].y0 < next) next = w.v[i].y0;
    tu_grey g;
    assert_int_equal(tu_render_grey(r.pdf, page, 72, r.dir, &g), 0);
    int found = 0;
    for (int y = (int)cy1 + 1; y < (int)next && !found; y++) {
        long dark = tu_grey_dark(&g, (int)cx0, y, (int)cx1, y + 1);
        if (dark >= (long)((cx1 - cx0) / 5) && dark < (long)(cx1 - cx0)) found = 1;
    }
    if (!found) fail_msg("no rule between the caption (bottom %.1f) and the next line (%.1f)", cy1, next);
    tu_grey_free(&g);
    tu_words_free(&w);
    strbuf_release(&text);
    run_free(&r);
}

/* ---- 3. signature blocks, Kính gửi ------------------------------------- */

static const tu_word *find_or_fail(const tu_words *w, const char *text, int nth)
{
    const tu_word *x = tu_words_find(w, text, nth);
    if (!x) fail_msg("word \"%s\" (#%d) not on the page", text, nth);
    return x;
}

static void test_signature_lines(void **state)
{
    static const char *const repl[][2] = {
        {"sign_authority", "sign_authority = TM. ỦY BAN NHÂN DÂN\\nKT. CHỦ TỊCH"},
        {"sign_position", "sign_position = PHÓ CHỦ TỊCH"},
    };
    run r;
    run_plan_with(&r, "", "", repl, 2);
    int page = tu_pdf_find_page(r.pdf, 1, "Nơi nhận");
    assert_true(page > 0);
    strbuf text = STRBUF_INIT;
    tu_pdf_text(r.pdf, page, page, TU_PDF_FLOW, &text);
    expect_not(&text, "\\N");
    expect_not(&text, "\\n");
    tu_words w = {0};
    tu_pdf_words(r.pdf, page, &w);
    /* Three lines, in order, one under the other. */
    const tu_word *tm = find_or_fail(&w, "TM.", 0), *kt = find_or_fail(&w, "KT.", 0);
    const tu_word *pho = find_or_fail(&w, "PHÓ", 0);
    if (!(tm->y1 <= kt->y0 + 0.5 && kt->y1 <= pho->y0 + 0.5))
        fail_msg("signature lines not one under the other: %.1f %.1f %.1f", tm->y0, kt->y0, pho->y0);
    tu_words_free(&w);
    strbuf_release(&text);
    run_free(&r);
}

static void test_kinh_gui(void **state)
{
    run r;
    run_plan(&r, "addressees = Ủy ban nhân dân huyện Thử\n", "");
    strbuf text = STRBUF_INIT;
    words_of(r.pdf, 1, 1, &text);
    expect(&text, "Kính gửi: Ủy ban nhân dân huyện Thử.");
    /* Under the title, above the body. */
    tu_words w = {0};
    tu_pdf_words(r.pdf, 1, &w);
    const tu_word *kinh = find_or_fail(&w, "Kính", 0), *title = find_or_fail(&w, "KẾ", 0);
    const tu_word *body = find_or_fail(&w, "Căn", 0);
    if (!(title->y1 < kinh->y0 && kinh->y1 < body->y0))
        fail_msg("Kính gửi at %.1f, title %.1f, body %.1f", kinh->y0, title->y0, body->y0);
    tu_words_free(&w);
    /* Nơi nhận starts "- Như trên;". */
    words_of(r.pdf, 0, 0, &text);
    expect(&text, "Nơi nhận: - Như trên; - UBND huyện;");
    strbuf_release(&text);
    run_free(&r);
}

/* ---- 4. drafts -------------------------------------------------------- */

static void test_draft_blank_number_and_date(void **state)
{
    run r;
    run_plan(&r, "draft = yes\n", "");
    strbuf text = STRBUF_INIT;
    tu_pdf_flat(r.pdf, 0, 0, TU_PDF_LAYOUT, &text);
    expect_not(&text, "07/KH-PDT");
    expect_not(&text, "12 tháng 02");
    expect(&text, "Số: /KH-PDT");
    expect(&text, "Thử, ngày tháng năm 2025");
    expect(&text, "(Kèm theo Kế hoạch số /KH-PDT ngày tháng năm 2025 của Phòng Dân tộc)");
    /* Room to write the number and the day and month by hand. */
    tu_words w = {0};
    tu_pdf_words(r.pdf, 1, &w);
    const tu_word *so = find_or_fail(&w, "Số:", 0), *sym = find_or_fail(&w, "/KH-PDT", 0);
    if (sym->x0 - so->x1 < 12) fail_msg("number blank %.1f pt wide", sym->x0 - so->x1);
    const tu_word *ngay = find_or_fail(&w, "ngày", 0), *thang = find_or_fail(&w, "tháng", 0);
    if (thang->x0 - ngay->x1 < 12) fail_msg("day blank %.1f pt wide", thang->x0 - ngay->x1);
    tu_words_free(&w);
    strbuf_release(&text);
    run_free(&r);
}

/* ---- 5. the check report beside the document --------------------------- */

static void test_check_report_beside(void **state)
{
    run r;
    run_plan(&r, "", "");
    strbuf text = STRBUF_INIT;
    words_of(r.pdf, 0, 0, &text);
    /* Nothing of the checks in the signed document. */
    expect_not(&text, "Lưu ý");
    expect_not(&text, "Biểu kiểm tra");
    expect_not(&text, "ĐỐI CHIẾU");
    expect_not(&text, "được giao khác với tổng các dòng phân bổ");
    /* All of it in the check report, with the check table. */
    char *chk = tu_path(r.out, "ke-hoach-thu-2025-kiem-tra.pdf");
    words_of(chk, 0, 0, &text);
    expect(&text, "được giao 1.800 triệu đồng, tổng phân bổ 1.753 triệu đồng, chênh lệch -47 triệu đồng");
    expect(&text, "ĐỐI CHIẾU KẾ HOẠCH VỐN ĐƯỢC GIAO VỚI TỔNG SỐ VỐN PHÂN BỔ NĂM 2025");
    expect(&text, "nhận");
    expect_not(&text, "Nơi nhận");
    /* In the output set and the manifest. */
    char *man = tu_path(r.out, "ke-hoach-thu-2025.manifest.json");
    char *m = tu_read_file(man, NULL);
    assert_non_null(m);
    assert_non_null(strstr(m, "ke-hoach-thu-2025-kiem-tra.pdf"));
    free(m);
    free(man);
    free(chk);
    strbuf_release(&text);
    run_free(&r);
}

/* ---- 6. figures in sentences, empty sections --------------------------- */

static void test_figures_as_written(void **state)
{
    run r;
    run_plan(&r, "", "");
    strbuf text = STRBUF_INIT;
    body_words(r.pdf, &text);
    /* No trailing zeros in sentences (13.513,610 in the old text). */
    expect(&text, "Giải ngân vốn ngân sách nhà nước kế hoạch năm 2024 là 13.513,61 triệu đồng/KH giao 15.164 triệu đồng, "
                  "đạt tỷ lệ 89,1%; trong đó vốn đầu tư phát triển 13.513,61 triệu đồng/15.164 triệu "
                  "đồng, đạt 89,1%.");
    expect_not(&text, ",610 ");
    /* Zero lines left out: no ĐTPT in the extended capital. */
    expect_not(&text, " 0 triệu đồng");
    expect(&text, "Giải ngân vốn năm 2023 kéo dài sang năm 2024 là 600 triệu đồng/1.000 triệu đồng, "
                  "đạt tỷ lệ 60,0%; trong đó: + Vốn sự nghiệp: 600 triệu đồng/1.000 triệu đồng, đạt 60,0%;");
    /* No indicators in the fixture: no empty "2. Mục tiêu, chỉ tiêu". */
    expect_not(&text, "Mục tiêu, chỉ tiêu");
    strbuf_release(&text);
    run_free(&r);
}

/* ---- 7. appendix references -------------------------------------------- */

static void test_appendix_references(void **state)
{
    run r;
    run_plan(&r, "", "");
    strbuf text = STRBUF_INIT;
    words_of(r.pdf, 0, 0, &text);
    /* Forms 01, 07 and a fixture form: the previous year's results are
     * Phụ lục II (the old text said III whatever the forms). */
    expect_order(&text, "kéo dài sang năm 2024", "(Chi tiết tại Phụ lục II.)", "3. Kế hoạch vốn");
    expect_order(&text, "3. Kế hoạch vốn", "(Chi tiết tại Phụ lục I.)", "4. Nội dung");
    /* The fixture form is referred to by no line: said in the log. */
    expect(&r.log, "Phụ lục III (biểu ngan_sach_xa) không được nhắc đến");
    run_free(&r);
    /* Forms reordered: the references follow. */
    static const char *const repl[][2] = {
        {"forms", "forms = forms/07_gn_nam_truoc.txt, forms/01_kh_du_an.txt"},
    };
    run_plan_with(&r, "", "", repl, 1);
    words_of(r.pdf, 0, 0, &text);
    expect_order(&text, "kéo dài sang năm 2024", "(Chi tiết tại Phụ lục I.)", "3. Kế hoạch vốn");
    expect_order(&text, "3. Kế hoạch vốn", "(Chi tiết tại Phụ lục II.)", "4. Nội dung");
    if (strstr(r.log.buf, "không được nhắc đến")) fail_msg("a warning:\n%s", r.log.buf);
    strbuf_release(&text);
    run_free(&r);
}

/* ---- 13. PDF properties ------------------------------------------------ */

static void info_line(const strbuf *info, const char *key, strbuf *out)
{
    strbuf_reset(out);
    const char *p = strstr(info->buf, key);
    if (!p) return;
    p += strlen(key);
    while (*p == ' ') p++;
    const char *e = strchr(p, '\n');
    strbuf_add(out, p, e ? (size_t)(e - p) : strlen(p));
}

static void test_pdf_properties(void **state)
{
    run a, b;
    run_plan(&a, "", "");
    run_plan(&b, "", "");
    strbuf info = STRBUF_INIT, v = STRBUF_INIT;
    assert_int_equal(tu_runf(&info, "pdfinfo '%s' 2>/dev/null", a.pdf), 0);
    info_line(&info, "Title:", &v);
    assert_string_equal(v.buf, "KẾ HOẠCH 07/KH-PDT: Triển khai thực hiện Chương trình mục tiêu quốc "
                               "gia phát triển kinh tế - xã hội vùng đồng bào dân tộc thiểu số và "
                               "miền núi năm 2025");
    info_line(&info, "Author:", &v);
    assert_string_equal(v.buf, "Phòng Dân tộc");
    info_line(&info, "Subject:", &v);
    if (!strstr(v.buf, "Kế hoạch triển khai thực hiện Chương trình") || !strstr(v.buf, "năm 2025"))
        fail_msg("Subject: %s", v.buf);
    info_line(&info, "Keywords:", &v);
    if (!strstr(v.buf, "kế hoạch vốn") || !strstr(v.buf, "năm 2025")) fail_msg("Keywords: %s", v.buf);
    /* No clock in the file: two runs, the same bytes. */
    assert_null(strstr(info.buf, "CreationDate"));
    size_t la, lb;
    char *x = tu_read_file(a.pdf, &la), *y = tu_read_file(b.pdf, &lb);
    assert_true(x && y && la == lb && !memcmp(x, y, la));
    free(x);
    free(y);
    strbuf_release(&info);
    strbuf_release(&v);
    run_free(&a);
    run_free(&b);
}

/* ---- 12. tables that read well ----------------------------------------- */

static int is_figure(const char *s)
{
    if (!*s || !strchr("0123456789", *s)) return 0;
    return strspn(s, "0123456789.,") == strlen(s);
}

static int is_label(const char *s)
{
    return s[0] == '(' && s[1] >= '0' && s[1] <= '9';
}

/* Figures of one column in one size: right-aligned, so grouped by their
 * right edge; below the column-number row. Returns the pairs compared. */
static int one_size_per_column(const tu_words *w)
{
    int checked = 0;
    const tu_word *one = find_or_fail(w, "(1)", 0);
    for (int i = 0; i < w->n; i++) {
        if (!is_figure(w->v[i].text) || w->v[i].y0 < one->y1) continue;
        for (int k = i + 1; k < w->n; k++) {
            if (!is_figure(w->v[k].text) || w->v[k].y0 < one->y1 || w->v[k].x1 < w->v[i].x1 - 0.5 ||
                w->v[k].x1 > w->v[i].x1 + 0.5)
                continue;
            checked++;
            double a = pt_size(&w->v[i]), b = pt_size(&w->v[k]);
            if (a - b > 0.05 || b - a > 0.05)
                fail_msg("\"%s\" %.2f pt and \"%s\" %.2f pt in one column", w->v[i].text, a,
                         w->v[k].text, b);
        }
    }
    return checked;
}

static void test_table_legibility(void **state)
{
    run r;
    run_plan(&r, "", "");
    /* The previous year's disbursement (23 columns) is the tightest: too
     * wide for A4 at a size anyone reads, it is cut into bands of columns,
     * each on its own pages with STT and the label repeated. */
    int page = tu_pdf_find_page(r.pdf, 2, "KẾT QUẢ GIẢI NGÂN");
    assert_true(page > 0);
    int end = tu_pdf_find_page(r.pdf, page + 1, "Phụ lục");
    if (end == 0) end = tu_pdf_pages(r.pdf) + 1;
    int seen[64] = {0}, continued = 0, checked = 0;
    for (int p = page; p < end; p++) {
        tu_words w = {0};
        tu_pdf_words(r.pdf, p, &w);
        /* "STT" whole, on every page of the table. */
        if (!tu_words_find(&w, "STT", 0)) fail_msg("page %d: no STT", p);
        assert_null(tu_words_find(&w, "ST", 0));
        if (tu_words_find(&w, "theo)", 0)) continued++;
        for (int i = 0; i < w.n; i++) {
            const char *t = w.v[i].text;
            double size = pt_size(&w.v[i]);
            /* Every figure at 8 pt or more (pdftotext's box, with room). */
            if (is_figure(t) && size < 7.9) fail_msg("page %d: figure \"%s\" at %.1f pt", p, t, size);
            if (!is_label(t)) continue;
            /* The column-number row legible: no label under 7 pt. */
            if (size < 7) fail_msg("column label \"%s\" at %.1f pt", t, size);
            /* A label wrapped after "+" is centred: its first piece is the
             * topmost word on its centre line. */
            int first = 1;
            for (int k = 0; k < w.n && first; k++)
                first = !(k != i && is_label(w.v[k].text) && w.v[k].y0 < w.v[i].y0 - 0.5 &&
                          fabs(w.v[k].x0 + w.v[k].x1 - w.v[i].x0 - w.v[i].x1) < 2);
            int n = atoi(t + 1);
            if (first && n > 0 && n < 64) seen[n]++;
        }
        checked += one_size_per_column(&w);
        tu_words_free(&w);
    }
    assert_true(checked > 10);
    /* Every column of the table is on paper, under its own number. */
    for (int n = 1; n <= 23; n++)
        if (!seen[n]) fail_msg("column (%d) is on no page", n);
    assert_true(continued >= 1); /* "Biểu số 03 (tiếp theo)" heads the second band */
    if (seen[2] <= seen[3]) fail_msg("(2) on %d pages, (3) on %d: the label is not in every band", seen[2], seen[3]);
    /* The workbook: the title merges are above a rows-only freeze. */
    char *xlsx = tu_path(r.out, "ke-hoach-thu-2025.xlsx");
    char *sheet = xlsx_entry(xlsx, "xl/worksheets/sheet1.xml", NULL);
    assert_non_null(sheet);
    const char *pane = strstr(sheet, "<pane ");
    assert_non_null(pane);
    const char *pend = strchr(pane, '>');
    const char *xs = strstr(pane, "xSplit");
    if (xs && xs < pend) fail_msg("a column split cuts the title merges: %.*s", (int)(pend - pane + 1), pane);
    assert_non_null(strstr(sheet, "<mergeCell ref=\"A2:"));
    free(sheet);
    free(xlsx);
    run_free(&r);
}

/* ---- 9. the headline rate over the state budget ------------------------ */

static void test_rate_scope(void **state)
{
    run r;
    /* Only local budget counts here: the fixture's 2024 capital is all
     * central budget, so it is reported as an amount outside the rate. */
    run_plan(&r, "", "rate_scope = NSDP\n");
    strbuf text = STRBUF_INIT;
    body_words(r.pdf, &text);
    expect_not(&text, "Giải ngân vốn ngân sách nhà nước kế hoạch năm 2024");
    /* The central budget is outside this rate: the sentence names the
     * scope and the groups outside it from the catalogue, never "ngoài
     * ngân sách nhà nước" for capital that is the state's. */
    expect(&text, "Các nguồn vốn ngoài ngân sách địa phương (ngân sách trung ương, huy động, lồng ghép, "
                  "nhân dân đóng góp, vốn tín dụng chính sách): kế hoạch 16.164 triệu đồng, đã thực "
                  "hiện 14.113,61 triệu đồng; không tính vào tỷ lệ giải ngân.");
    expect_not(&text, "ngoài ngân sách nhà nước");
    /* The table follows the same scope: the state-budget columns are
     * empty and the text's amounts are in the last two, with no rate. */
    strbuf err = STRBUF_INIT;
    char *xlsx = tu_path(r.out, "ke-hoach-thu-2025.xlsx");
    xlsx_book b;
    if (xlsx_load(&b, xlsx, &err) < 0) fail_msg("%s: %s", xlsx, err.buf);
    const xlsx_sheet *s = xlsx_sheet_named(&b, "03 Giai ngan nam truoc");
    assert_non_null(s);
    int tot = xlsx_find_row(s, 1, "TỔNG SỐ", 1);
    assert_true(tot > 0);
    assert_int_equal(xlsx_find_row(s, 2, "Tổng số vốn ngân sách địa phương", 1) > 0, 1);
    assert_int_equal(cell_dong(s, tot, 2), 0);
    assert_string_equal(xlsx_text(s, tot, 4), "-");
    assert_int_equal(cell_dong(s, tot, 21), 16164000000LL);
    assert_int_equal(cell_dong(s, tot, 22), 14113610000LL);
    xlsx_free(&b);
    free(xlsx);
    strbuf_release(&err);
    run_free(&r);
    /* A group the catalogue does not have is a configuration error. */
    g_want_pdf = 0;
    run_plan(&r, "", "rate_scope = NSTW, NSNN\n");
    g_want_pdf = 1;
    assert_int_equal(r.status, 2); /* EXIT_CONFIG */
    expect(&r.log, "rate_scope: nhóm nguồn \"NSNN\"");
    assert_int_equal(access(r.pdf, F_OK), -1);
    strbuf_release(&text);
    run_free(&r);
}

/* ---- 10. sources under their capital type ------------------------------ */

static void test_sources_under_type(void **state)
{
    run r;
    run_plan(&r, "", "");
    strbuf text = STRBUF_INIT;
    body_words(r.pdf, &text);
    /* 3.941 + 500 NSTW, 200,5 NSĐP ĐTPT, 30 lồng ghép (no type of its own,
     * listed under ĐTPT by the catalogue): 4.671,5. */
    expect(&text, "trong đó: - Nguồn vốn đầu tư phát triển: 4.671,5 triệu đồng, gồm: + Ngân sách "
                  "trung ương: 4.441 triệu đồng; + Ngân sách địa phương: 200,5 triệu đồng; + Huy "
                  "động, lồng ghép: 30 triệu đồng; - Vốn sự nghiệp: 1.803,25 triệu đồng, gồm: + "
                  "Ngân sách trung ương: 1.753 triệu đồng; + Ngân sách địa phương: 50,25 triệu đồng;");
    strbuf_release(&text);
    run_free(&r);
}

/* ---- 8. extended capital by year and type ------------------------------ */

static void test_extended_by_year_and_type(void **state)
{
    char cwd[4096];
    assert_non_null(getcwd(cwd, sizeof cwd));
    char *in = tu_tmpdir("issued-in");
    assert_int_equal(tu_runf(NULL, "cp tests/fixtures/plan/input/* '%s'", in), 0);
    /* 2022 investment capital extended into 2024, beside the 2023 one. */
    char *extra = tu_path(in, "ke_hoach_2024_keo_dai.csv");
    assert_int_equal(tu_write_file(extra, "nam,nam_von,ma_tinh,ma_huyen,ten_huyen,ma_xa,ten_xa,ma_du_an,"
                                          "nguon_von,ke_hoach\n"
                                          "2024,2022,99,998,Huyện Thử,99801,Xã A,DA1,NSTW_DTPT,400\n"), 0);
    strbuf line = STRBUF_INIT;
    strbuf_addf(&line, "input_dir = %s", in);
    const char *repl[][2] = {{"input_dir", line.buf}};
    run r;
    run_plan_with(&r, "", "", (const char *const (*)[2])repl, 1);
    strbuf text = STRBUF_INIT;
    body_words(r.pdf, &text);
    /* One line per capital year, oldest first, each with its types. */
    expect_order(&text, "Giải ngân vốn năm 2022 kéo dài sang năm 2024 là 0 triệu đồng/400 triệu đồng, "
                        "đạt tỷ lệ 0,0%; trong đó: + Vốn đầu tư phát triển: 0 triệu đồng/400 triệu đồng, đạt 0,0%;",
                 "Giải ngân vốn năm 2023 kéo dài sang năm 2024 là 600 triệu đồng/1.000 triệu đồng",
                 "+ Vốn sự nghiệp: 600 triệu đồng/1.000 triệu đồng, đạt 60,0%;");
    expect_not(&text, "các năm trước kéo dài sang năm 2024 là");
    /* The plan year's extended capital by year and type. */
    expect(&text, "Vốn ngân sách nhà nước các năm trước kéo dài sang năm 2025 theo năm vốn: - Vốn năm "
                  "2024: 500 triệu đồng, gồm:");
    strbuf_release(&text);
    strbuf_release(&line);
    run_free(&r);
    tu_rmtree(in);
    free(in);
    free(extra);
}

/* The oracle's figure kind ("plan", "disb") for capital years [from, to]
 * of plan year 2024 from the files of folder in (đồng). */
static long long by_capital_year(const char *in, const char *kind, int from, int to)
{
    strbuf out = STRBUF_INIT;
    strbuf_addch(&out, '\n');
    if (tu_runf(&out, "/usr/bin/python3 tests/fixtures/issued/by_capital_year.py 2024 2025-01-31 "
                "'%s'/*2024*.csv", in) != 0)
        fail_msg("the capital-year oracle failed:\n%s", out.buf);
    long long sum = 0;
    for (int y = from; y <= to; y++) {
        char key[32];
        snprintf(key, sizeof key, "\n%s\t%d\t", kind, y);
        const char *p = strstr(out.buf, key);
        if (p) sum += strtoll(p + strlen(key), NULL, 10);
    }
    strbuf_release(&out);
    return sum;
}

/* A workbook cell (triệu đồng) in đồng: the cached value, exactly. */
static long long cell_dong(const xlsx_sheet *s, int row, int col)
{
    const char *t = xlsx_text(s, row, col);
    if (!*t || !strcmp(t, "-")) return 0;
    double v = strtod(t, NULL) * 1e6;
    return (long long)(v < 0 ? v - 0.5 : v + 0.5);
}

/*
 * The previous year's disbursement table gives each extended capital year
 * its own columns (issue 13, point 8): 2023 capital, and 2022 with what is
 * older, whose sum is the extended total. Figures against an oracle that
 * reads the input files itself.
 */
static void test_extended_years_in_table(void **state)
{
    char *in = tu_tmpdir("issued-in");
    assert_int_equal(tu_runf(NULL, "cp tests/fixtures/plan/input/* '%s'", in), 0);
    char *plan = tu_path(in, "ke_hoach_2024_keo_dai.csv");
    char *disb = tu_path(in, "giai_ngan_2024_keo_dai.csv");
    assert_int_equal(tu_write_file(plan, "nam,nam_von,ma_tinh,ma_huyen,ten_huyen,ma_xa,ten_xa,ma_du_an,"
                                         "nguon_von,ke_hoach\n"
                                         "2024,2022,99,998,Huyện Thử,99801,Xã A,DA1,NSTW_DTPT,400\n"
                                         "2024,2021,99,998,Huyện Thử,99802,Xã B,DA1,NSTW_SN,\"250,5\"\n"), 0);
    assert_int_equal(tu_write_file(disb, "nam;nam_von;ma_tinh;ma_huyen;ma_xa;ten_xa;ma_du_an;nguon_von;"
                                         "ngay;giai_ngan\n"
                                         "2024;2022;99;998;99801;Xã A;DA1;NSTW_DTPT;30/09/2024;150,25\n"
                                         "2024;2021;99;998;99802;Xã B;DA1;NSTW_SN;31/12/2024;100\n"), 0);
    strbuf line = STRBUF_INIT, err = STRBUF_INIT;
    strbuf_addf(&line, "input_dir = %s", in);
    const char *repl[][2] = {{"input_dir", line.buf}};
    run r;
    run_plan_with(&r, "", "", (const char *const (*)[2])repl, 1);
    char *xlsx = tu_path(r.out, "ke-hoach-thu-2025.xlsx");
    xlsx_book b;
    if (xlsx_load(&b, xlsx, &err) < 0) fail_msg("%s: %s", xlsx, err.buf);
    const xlsx_sheet *s = xlsx_sheet_named(&b, "03 Giai ngan nam truoc");
    assert_non_null(s);
    /* Columns: (9)-(11) the extended total, (12)-(13) 2023, (14)-(15) 2022
     * and earlier; the headers say which year. */
    int h = xlsx_find_row(s, 11, "Vốn năm 2023", 1);
    if (h < 0) fail_msg("no column group \"Vốn năm 2023\" over column L");
    assert_string_equal(xlsx_text(s, h, 13), "Vốn năm 2022 trở về trước");
    assert_string_equal(xlsx_text(s, h + 1, 11), "Kế hoạch vốn");
    assert_string_equal(xlsx_text(s, h + 1, 12), "Giải ngân");
    int tot = xlsx_find_row(s, 1, "TỔNG SỐ", h);
    assert_true(tot > 0);
    const char *kinds[2] = {"plan", "disb"};
    for (int k = 0; k < 2; k++) {
        long long y1 = by_capital_year(in, kinds[k], 2023, 2023);
        long long y2 = by_capital_year(in, kinds[k], 1900, 2022);
        assert_true(y1 > 0 && y2 > 0);
        assert_int_equal(cell_dong(s, tot, 11 + k), y1);
        assert_int_equal(cell_dong(s, tot, 13 + k), y2);
        /* The extended total is the sum of its years, as a formula. */
        assert_int_equal(cell_dong(s, tot, 8 + k), y1 + y2);
        const xlsx_cell *c = xlsx_at(s, tot, 8 + k);
        assert_non_null(c->formula);
        /* The total: the plan year's capital and the extended (all of it
         * state budget here: nothing in the last two columns). */
        assert_int_equal(cell_dong(s, tot, 21 + k), 0);
        assert_int_equal(cell_dong(s, tot, 2 + k), by_capital_year(in, kinds[k], 1900, 2024));
    }
    xlsx_free(&b);
    free(xlsx);
    strbuf_release(&line);
    strbuf_release(&err);
    run_free(&r);
    tu_rmtree(in);
    free(in);
    free(plan);
    free(disb);
}

/* ---- 11. a plan's indicator appendix is a table of targets ------------- */

static void test_plan_targets_table(void **state)
{
    char *out = tu_tmpdir("issued-kh");
    strbuf log = STRBUF_INIT, text = STRBUF_INIT;
    int rc = tu_runf(&log, BIN " --config ke-hoach.ini --output '%s' 2>&1", out);
    if (rc != 0 && rc != 3) fail_msg("status %d:\n%s", rc, log.buf);
    char *pdf = tu_path(out, "ke-hoach-1719-2025.pdf");
    int page = tu_pdf_find_page(pdf, 2, "MỤC TIÊU, CHỈ TIÊU");
    if (page <= 0) fail_msg("no indicator appendix in the plan");
    words_of(pdf, page, page, &text);
    expect(&text, "Kế hoạch năm 2025");
    expect(&text, "Hỗ trợ nhà ở hộ 400");
    expect_not(&text, "Thực hiện");
    expect_not(&text, "Tỷ lệ");
    expect_not(&text, "0,0%");
    /* The text refers to it. */
    words_of(pdf, 1, page - 1, &text);
    expect_order(&text, "2. Mục tiêu, chỉ tiêu năm 2025", "(Chi tiết tại Phụ lục IV.)", "3. Kế hoạch vốn");
    free(pdf);
    tu_rmtree(out);
    free(out);
    strbuf_release(&log);
    strbuf_release(&text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_appendix_caption),
        cmocka_unit_test(test_signature_lines),
        cmocka_unit_test(test_kinh_gui),
        cmocka_unit_test(test_draft_blank_number_and_date),
        cmocka_unit_test(test_check_report_beside),
        cmocka_unit_test(test_figures_as_written),
        cmocka_unit_test(test_appendix_references),
        cmocka_unit_test(test_pdf_properties),
        cmocka_unit_test(test_table_legibility),
        cmocka_unit_test(test_rate_scope),
        cmocka_unit_test(test_sources_under_type),
        cmocka_unit_test(test_extended_by_year_and_type),
        cmocka_unit_test(test_extended_years_in_table),
        cmocka_unit_test(test_plan_targets_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
