/*
 * Tests of the PDF writer (pdf_layout, pdf_table, pdf_report): line
 * breaking, the Nghị định 30 page furniture, table pagination with repeated
 * headers, determinism, errors, and that Vietnamese marks really reach the
 * page. Outcomes are checked with poppler's tools (pdfinfo, pdftotext,
 * pdftoppm), not with our own reading of the file.
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

#include "render/document.h"
#include "render/pdf_layout.h"
#include "render/pdf_report.h"
#include "render/pdf_table.h"
#include "render/table.h"
#include "testutil.h"
#include "util/text.h"

#ifndef FONT_DIR
#define FONT_DIR "/usr/share/fonts/truetype/liberation2"
#endif
#define HEADER_PROBE "Ngân sách trung ương"

/* Every double-marked lower-case letter, each inside a real word, and the
 * same words in upper case. */
static const char *const VI_WORDS[] = {
    "đất", "đầu", "thẩm", "mẫu", "cập", "sắc", "bằng", "chẳng", "lẵng", "đặc",
    "kế", "về", "thể", "diễn", "hiện", "tốt", "đồng", "tổng", "mỗi", "cộng",
    "mới", "thời", "trở", "vỡ", "lợi", "ứng", "từ", "sử", "giữ", "lực",
    "ĐẤT", "ĐẦU", "THẨM", "MẪU", "CẬP", "SẮC", "BẰNG", "CHẲNG", "LẴNG", "ĐẶC",
    "KẾ", "VỀ", "THỂ", "DIỄN", "HIỆN", "TỐT", "ĐỒNG", "TỔNG", "MỖI", "CỘNG",
    "MỚI", "THỜI", "TRỞ", "VỠ", "LỢI", "ỨNG", "TỪ", "SỬ", "GIỮ", "LỰC",
};
#define NWORDS ((int)(sizeof VI_WORDS / sizeof VI_WORDS[0]))

/* ---- helpers ----------------------------------------------------------- */

/* The first non-blank line of s, trimmed, into out. */
static void first_line(const char *s, strbuf *out)
{
    strbuf_reset(out);
    while (*s) {
        const char *e = strchr(s, '\n');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        strbuf_add(out, s, n);
        strbuf_trim(out);
        if (out->len) return;
        if (!e) return;
        s = e + 1;
    }
}

/* Sum of darkness in a box of pixels (clipped to the image). */
static long ink(const tu_grey *g, int x0, int y0, int x1, int y1)
{
    long s = 0;
    for (int y = y0 < 0 ? 0 : y0; y < y1 && y < g->h; y++)
        for (int x = x0 < 0 ? 0 : x0; x < x1 && x < g->w; x++)
            s += 255 - g->px[(size_t)y * (size_t)g->w + (size_t)x];
    return s;
}

/* ---- the test document ------------------------------------------------- */

enum { C_STT, C_NAME, C_TOTAL, C_DTPT, C_SN, C_LOCAL, C_QTY, C_RATE, NCOLS };

/* Columns, derived columns and the two-row merged header. */
static table *make_table_frame(void)
{
    static const double widths[NCOLS] = {5, 40, 14, 12, 12, 12, 10, 9};
    static const char *const labels[NCOLS] = {
        "(1)", "(2)", "(3)=(4)+(5)+(6)", "(4)", "(5)", "(6)", "(7)", "(8)=(4)/(3)"};
    table *t = table_new(NCOLS);
    table_set_text(&t->form_name, "Biểu số 01");
    table_set_text(&t->title, "Tổng hợp kết quả giải ngân vốn đầu tư phát triển");
    table_set_text(&t->subtitle, "(Kèm theo Báo cáo số 12/BC-BDT ngày 05 tháng 3 năm 2024)");
    table_set_text(&t->unit_line, "Đơn vị tính: triệu đồng");
    for (int c = 0; c < NCOLS; c++) {
        t->cols[c].width = widths[c];
        table_set_text(&t->cols[c].number_label, labels[c]);
    }
    for (int c = C_TOTAL; c <= C_LOCAL; c++) t->cols[c].kind = COL_MONEY;
    t->cols[C_QTY].kind = COL_QTY;
    t->cols[C_RATE].kind = COL_RATE;
    t->cols[C_TOTAL].derive = DERIVE_SUM;
    t->cols[C_TOTAL].nargs = 3;
    t->cols[C_TOTAL].args[0] = C_DTPT;
    t->cols[C_TOTAL].args[1] = C_SN;
    t->cols[C_TOTAL].args[2] = C_LOCAL;
    t->cols[C_RATE].derive = DERIVE_RATIO;
    t->cols[C_RATE].nargs = 2;
    t->cols[C_RATE].args[0] = C_DTPT;
    t->cols[C_RATE].args[1] = C_TOTAL;
    table_add_header(t, 0, C_STT, 2, 1, "STT");
    table_add_header(t, 0, C_NAME, 2, 1, "Nội dung");
    table_add_header(t, 0, C_TOTAL, 2, 1, "Tổng số");
    table_add_header(t, 0, C_DTPT, 1, 2, HEADER_PROBE);
    table_add_header(t, 1, C_DTPT, 1, 1, "Đầu tư phát triển");
    table_add_header(t, 1, C_SN, 1, 1, "Sự nghiệp");
    table_add_header(t, 0, C_LOCAL, 2, 1, "Ngân sách địa phương");
    table_add_header(t, 0, C_QTY, 2, 1, "Khối lượng (km)");
    table_add_header(t, 0, C_RATE, 2, 1, "Tỷ lệ");
    return t;
}

static table *make_table(int nrows)
{
    table *t = make_table_frame();
    int tot = table_add_row(t, 0, ROW_BOLD);
    table_cell_text(t, tot, C_NAME, "TỔNG SỐ");
    for (int i = 1; i < nrows; i++) {
        char stt[16], name[160];
        int r = table_add_row(t, 2, i % 10 == 0 ? ROW_ITALIC : ROW_NORMAL);
        snprintf(stt, sizeof stt, "%d", i);
        snprintf(name, sizeof name, i % 3 ? "Dự án %d: hỗ trợ đất ở, nhà ở và nước sinh hoạt phân tán cho hộ nghèo"
                                          : "Tiểu dự án %d", i);
        table_cell_text(t, r, C_STT, stt);
        table_cell_text(t, r, C_NAME, name);
        table_cell_value(t, r, C_DTPT, 1473139500000LL + 1000LL * i); /* 1.473.139,50i */
        table_cell_value(t, r, C_SN, 2149287000LL);             /* 2.149,287 */
        if (i % 4) table_cell_value(t, r, C_LOCAL, 15164000000LL); /* 15.164 */
        table_cell_value(t, r, C_QTY, 12500);                    /* 12,500 */
        table_row_add_child(t, tot, r);
    }
    table_compute_derived(t, NULL, NULL);
    /* The total row is a subtotal: sum the children's leaf cells. */
    for (int c = C_DTPT; c <= C_QTY; c++) {
        int64_t s = 0;
        for (int i = 1; i < nrows; i++) s += t->rows[i].cells[c].value;
        table_cell_value(t, tot, c, s);
    }
    table_compute_derived(t, NULL, NULL);
    return t;
}

static void add_words_paragraph(document *d)
{
    strbuf sb = STRBUF_INIT;
    strbuf_adds(&sb, "Các từ kiểm tra dấu:");
    for (int i = 0; i < NWORDS; i++) strbuf_addf(&sb, " %s", VI_WORDS[i]);
    strbuf_adds(&sb, ".");
    document_add_block(d, BLOCK_PARAGRAPH, sb.buf);
    strbuf_release(&sb);
}

static document *make_document(int nrows)
{
    document *d = document_new();
    document_set(&d->parent_agency, "UBND tỉnh Quảng Trị");
    document_set(&d->agency, "Ban Dân tộc");
    document_set(&d->number_line, "Số: 12/BC-BDT");
    document_set(&d->place_date, "Quảng Trị, ngày 05 tháng 3 năm 2024");
    document_set(&d->doc_type, "BÁO CÁO");
    document_set(&d->title, "Kết quả thực hiện Chương trình mục tiêu quốc gia\n"
                            "phát triển kinh tế - xã hội vùng đồng bào dân tộc thiểu số");
    document_add_block(d, BLOCK_HEADING1, "I. KẾT QUẢ THỰC HIỆN");
    document_add_block(d, BLOCK_HEADING2, "1. Công tác chỉ đạo, điều hành");
    for (int i = 0; i < 6; i++)
        document_add_block(d, BLOCK_PARAGRAPH,
            "Thực hiện Quyết định số 1719/QĐ-TTg ngày 14 tháng 10 năm 2021 của Thủ tướng "
            "Chính phủ phê duyệt Chương trình mục tiêu quốc gia phát triển kinh tế - xã hội "
            "vùng đồng bào dân tộc thiểu số và miền núi giai đoạn 2021-2030, Ủy ban nhân dân "
            "tỉnh đã ban hành các văn bản chỉ đạo, hướng dẫn triển khai; phân bổ vốn kịp thời "
            "cho các huyện, xã; đôn đốc giải ngân và kiểm tra, giám sát việc thực hiện.");
    add_words_paragraph(d);
    document_add_block(d, BLOCK_HEADING3, "a) Về giải ngân vốn đầu tư");
    document_add_block(d, BLOCK_BULLET, "- Tổng vốn đã giải ngân đạt 89,1% kế hoạch được giao.");
    document_add_block(d, BLOCK_NOTICE, "Có 3 dòng dữ liệu bị loại, xem tệp loai-bo.csv.");
    document_set(&d->sign_authority, "TM. Ủy ban nhân dân");
    document_set(&d->sign_position, "KT. Chủ tịch\nPhó Chủ tịch");
    document_set(&d->signer, "Nguyễn Văn Đức");
    document_add_recipient(d, "Ban Dân tộc tỉnh");
    document_add_recipient(d, "Sở Kế hoạch và Đầu tư, Sở Tài chính, Kho bạc Nhà nước tỉnh");
    document_add_recipient(d, "Lưu: VT, BDT");
    document_add_appendix(d, "Phụ lục I", NULL, make_table(nrows));
    return d;
}

typedef struct fixture {
    char *dir;
    char *pdf;
    document *doc;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->dir = tu_tmpdir("pdf");
    f->pdf = tu_path(f->dir, "report.pdf");
    f->doc = make_document(120);
    *state = f;
    return f->dir ? 0 : -1;
}

static int teardown(void **state)
{
    fixture *f = *state;
    tu_rmtree(f->dir);
    free(f->dir);
    free(f->pdf);
    document_free(f->doc);
    free(f);
    return 0;
}

static void write_ok(const document *d, const char *path)
{
    strbuf err = STRBUF_INIT;
    int rc = pdf_report_write(d, FONT_DIR, path, &err);
    if (rc != 0) fprintf(stderr, "pdf_report_write: %s\n", err.buf);
    assert_int_equal(rc, 0);
    assert_int_equal(err.len, 0);
    strbuf_release(&err);
}

/* ---- line breaking ----------------------------------------------------- */

static pdf_layout *layout_or_fail(void)
{
    strbuf err = STRBUF_INIT;
    pdf_layout *L = pdf_layout_new(FONT_DIR, &err);
    assert_non_null(L);
    strbuf_release(&err);
    return L;
}

static void test_break_long_word_utf8(void **state)
{
    pdf_layout *L = layout_or_fail();
    const char *word = "Đườngđồngbằngchẳngnghiệpvụthẩmđịnhkếhoạchlựcchọnnhàthầu";
    pdf_lines ls = {0};
    strbuf joined = STRBUF_INIT;
    pdf_layout_break(L, PDF_FONT_REGULAR, 12, word, 40, 0, &ls);
    assert_true(ls.n > 3);
    for (int i = 0; i < ls.n; i++) {
        const char *s = word + ls.v[i].off;
        assert_true(ls.v[i].len > 0);
        assert_true(text_valid_utf8(s, ls.v[i].len));
        assert_true(pdf_layout_text_width(L, PDF_FONT_REGULAR, 12, s, ls.v[i].len) <= 40.01f);
        strbuf_add(&joined, s, ls.v[i].len);
    }
    assert_string_equal(joined.buf, word);
    assert_true(ls.v[ls.n - 1].last);
    pdf_layout_lines_release(&ls);
    strbuf_release(&joined);
    pdf_layout_free(L);
}

static void test_break_words_and_newlines(void **state)
{
    pdf_layout *L = layout_or_fail();
    pdf_lines ls = {0};
    const char *s = "một hai ba bốn năm sáu bảy tám chín mười\nmười một";
    pdf_layout_break(L, PDF_FONT_REGULAR, 12, s, 1000, 0, &ls);
    assert_int_equal(ls.n, 2);
    assert_true(ls.v[0].last);
    assert_int_equal(ls.v[1].len, strlen("mười một"));
    ls.n = 0;
    /* Narrow: breaks only at spaces, never inside a word that fits. */
    pdf_layout_break(L, PDF_FONT_REGULAR, 12, s, 60, 10, &ls);
    for (int i = 0; i < ls.n; i++) {
        const char *p = s + ls.v[i].off;
        assert_true(p == s || p[-1] == ' ' || p[-1] == '\n');
        assert_true(p[ls.v[i].len] == '\0' || p[ls.v[i].len] == ' ' || p[ls.v[i].len] == '\n');
        assert_int_equal(ls.v[i].last, i == ls.n - 1 || p[ls.v[i].len] == '\n');
    }
    ls.n = 0;
    pdf_layout_break(L, PDF_FONT_REGULAR, 12, "", 100, 0, &ls);
    assert_int_equal(ls.n, 0);
    /* A decomposed letter is never separated from its combining mark. */
    pdf_layout_break(L, PDF_FONT_REGULAR, 12, "a\xCC\x81" "a\xCC\x81" "a\xCC\x81", 1, 0, &ls);
    assert_int_equal(ls.n, 3);
    assert_int_equal(ls.v[0].len, 3);
    pdf_layout_lines_release(&ls);
    pdf_layout_free(L);
}

/* The text the PDF shows for cell (r, c) of t is want. */
static void cell_text_is(const table *t, int r, int c, const char *want)
{
    strbuf sb = STRBUF_INIT;
    pdf_table_cell_text(&sb, t, r, c);
    assert_string_equal(sb.buf, want);
    strbuf_release(&sb);
}

static void test_cell_text_formats(void **state)
{
    table *t = make_table(3);
    cell_text_is(t, 1, C_DTPT, "1.473.139,501");
    cell_text_is(t, 1, C_LOCAL, "15.164");
    cell_text_is(t, 1, C_QTY, "12,5"); /* quantities drop trailing zeros */
    table_cell_value(t, 1, C_LOCAL, 0);
    cell_text_is(t, 1, C_LOCAL, "-"); /* nothing is "-", as in the sheet */
    table_cell_ratio(t, 1, C_RATE, 13513610, 15164000);
    cell_text_is(t, 1, C_RATE, "89,1%");
    cell_text_is(t, 1, C_NAME, "Dự án 1: hỗ trợ đất ở, nhà ở và nước sinh hoạt phân tán cho hộ nghèo");
    /* An absent cell shows nothing at all. */
    table_cell_clear(t, 1, C_SN);
    strbuf sb = STRBUF_INIT;
    pdf_table_cell_text(&sb, t, 1, C_SN);
    assert_int_equal(sb.len, 0);
    strbuf_release(&sb);
    table_free(t);
}

/* ---- the whole report -------------------------------------------------- */

static void test_report_text_and_pages(void **state)
{
    fixture *f = *state;
    static const char *const phrases[] = {
        /* page furniture and title */
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
        "UBND TỈNH QUẢNG TRỊ", "BAN DÂN TỘC", "BÁO CÁO",
        "Kết quả thực hiện Chương trình mục tiêu quốc gia",
        /* signature block and recipients */
        "TM. ỦY BAN NHÂN DÂN", "PHÓ CHỦ TỊCH", "Nguyễn Văn Đức", "Nơi nhận:",
        "- Ban Dân tộc tỉnh;", "- Lưu: VT, BDT.",
        /* the appendix table, its title and figures */
        "Biểu số 01", "TỔNG HỢP KẾT QUẢ GIẢI NGÂN VỐN ĐẦU TƯ PHÁT TRIỂN",
        "1.473.139,501", "2.149,287", "15.164", "99,9%",
    };
    strbuf txt = STRBUF_INIT;
    write_ok(f->doc, f->pdf);
    int pages = tu_pdf_pages(f->pdf);
    assert_true(pages >= 4);
    tu_pdf_text(f->pdf, 0, 0, TU_PDF_LAYOUT, &txt);
    for (size_t i = 0; i < sizeof phrases / sizeof phrases[0]; i++)
        if (!strstr(txt.buf, phrases[i])) fail_msg("\"%s\" missing", phrases[i]);
    for (int i = 0; i < NWORDS; i++) {
        if (!strstr(txt.buf, VI_WORDS[i])) fail_msg("word %s missing", VI_WORDS[i]);
    }
    strbuf_release(&txt);
}

/* Body pages from 2 on carry their number; each appendix is numbered on
 * its own (Phụ lục I §III.1.đ): its first page none, then 2, 3 ... */
static void test_page_numbers(void **state)
{
    fixture *f = *state;
    strbuf txt = STRBUF_INIT, line = STRBUF_INIT;
    document_add_appendix(f->doc, "Phụ lục II", NULL, make_table(80));
    write_ok(f->doc, f->pdf);
    int pages = tu_pdf_pages(f->pdf);
    tu_pdf_text(f->pdf, 1, 1, TU_PDF_LAYOUT, &txt);
    first_line(txt.buf, &line);
    assert_string_not_equal(line.buf, "1");
    assert_null(strstr(txt.buf, "\n1\n"));
    int appendices = 0, expect = 1;
    for (int p = 2; p <= pages; p++) {
        char want[16];
        tu_pdf_text(f->pdf, p, p, TU_PDF_LAYOUT, &txt);
        first_line(txt.buf, &line);
        if (strstr(txt.buf, "Phụ lục I")) { /* an appendix's first page */
            appendices++;
            expect = 1;
            if (strspn(line.buf, "0123456789") == line.len)
                fail_msg("page %d, an appendix's first, numbered %s", p, line.buf);
            continue;
        }
        snprintf(want, sizeof want, "%d", ++expect);
        if (strcmp(line.buf, want)) fail_msg("page %d numbered \"%s\", want %s", p, line.buf, want);
    }
    assert_int_equal(appendices, 2);
    assert_true(expect >= 2); /* the last appendix has more than one page */
    strbuf_release(&txt);
    strbuf_release(&line);
}

/* Every table page repeats the header grid and the column-number row; the
 * appendix label appears only on the first. */
static void test_table_header_repeats(void **state)
{
    fixture *f = *state;
    strbuf txt = STRBUF_INIT;
    write_ok(f->doc, f->pdf);
    int pages = tu_pdf_pages(f->pdf), first = 0, probes = 0;
    for (int p = 1; p <= pages; p++) {
        tu_pdf_text(f->pdf, p, p, TU_PDF_LAYOUT, &txt);
        if (!first && strstr(txt.buf, "Phụ lục I")) first = p;
        if (!first) continue;
        assert_int_equal(tu_count(txt.buf, HEADER_PROBE), 1);
        assert_non_null(strstr(txt.buf, "(3)=(4)+(5)+(6)"));
        probes++;
    }
    assert_true(first >= 2);
    assert_true(probes >= 3);
    assert_int_equal(probes, pages - first + 1);
    tu_pdf_text(f->pdf, 0, 0, TU_PDF_LAYOUT, &txt);
    assert_int_equal(tu_count(txt.buf, HEADER_PROBE), probes);
    assert_int_equal(tu_count(txt.buf, "Phụ lục I"), 1);
    /* Every body row is printed once: row 119 is the last. */
    assert_int_equal(tu_count(txt.buf, "Dự án 119:"), 1);
    strbuf_release(&txt);
}

/* Whatever the body length, "Nơi nhận:" and the signer share a page. */
static void test_signature_kept_together(void **state)
{
    fixture *f = *state;
    strbuf txt = STRBUF_INIT;
    /* About 19 extra lines push the block from page 2 to page 3. */
    for (int extra = 12; extra <= 24; extra++) {
        document *d = make_document(3);
        for (int i = 0; i < extra; i++)
            document_add_block(d, BLOCK_PARAGRAPH, "Đoạn thêm để đẩy khối chữ ký xuống cuối trang.");
        write_ok(d, f->pdf);
        int pages = tu_pdf_pages(f->pdf), found = 0;
        for (int p = 1; p <= pages; p++) {
            tu_pdf_text(f->pdf, p, p, TU_PDF_LAYOUT, &txt);
            if (!strstr(txt.buf, "Nơi nhận:")) continue;
            assert_non_null(strstr(txt.buf, "TM. ỦY BAN NHÂN DÂN"));
            assert_non_null(strstr(txt.buf, "Nguyễn Văn Đức"));
            assert_non_null(strstr(txt.buf, "- Lưu: VT, BDT."));
            found++;
        }
        assert_int_equal(found, 1);
        document_free(d);
    }
    strbuf_release(&txt);
}

static void test_deterministic(void **state)
{
    fixture *f = *state;
    char *second = tu_path(f->dir, "again.pdf");
    size_t n1 = 0, n2 = 0;
    write_ok(f->doc, f->pdf);
    write_ok(f->doc, second);
    char *a = tu_read_file(f->pdf, &n1), *b = tu_read_file(second, &n2);
    assert_non_null(a);
    assert_non_null(b);
    assert_int_equal(n1, n2);
    assert_memory_equal(a, b, n1);
    assert_null(strstr(a, "CreationDate"));
    free(a);
    free(b);
    free(second);
}

static void test_missing_font_dir(void **state)
{
    fixture *f = *state;
    strbuf err = STRBUF_INIT;
    assert_int_equal(pdf_report_write(f->doc, "/nonexistent/fonts", f->pdf, &err), -1);
    assert_non_null(strstr(err.buf, "/nonexistent/fonts/LiberationSerif-Regular.ttf"));
    assert_non_null(strstr(err.buf, "phông chữ"));
    assert_int_not_equal(access(f->pdf, F_OK), 0);
    strbuf_release(&err);
}

static void test_unwritable_path(void **state)
{
    fixture *f = *state;
    strbuf err = STRBUF_INIT;
    char *bad = tu_path(f->dir, "no-such-dir/report.pdf");
    assert_int_equal(pdf_report_write(f->doc, FONT_DIR, bad, &err), -1);
    assert_non_null(strstr(err.buf, "không ghi được tệp PDF"));
    assert_non_null(strstr(err.buf, bad));
    strbuf_release(&err);
    free(bad);
}

/* A single cell taller than a page is split over pages, never looped on
 * or lost. */
static void test_row_taller_than_page(void **state)
{
    fixture *f = *state;
    document *d = document_new();
    table *t = table_new(3);
    strbuf sb = STRBUF_INIT, txt = STRBUF_INIT;
    t->cols[1].width = 30;
    t->cols[2].kind = COL_MONEY;
    table_add_header(t, 0, 0, 1, 1, "STT");
    table_add_header(t, 0, 1, 1, 1, "Nội dung");
    table_add_header(t, 0, 2, 1, 1, "Giá trị");
    for (int i = 0; i < 2500; i++) strbuf_addf(&sb, "từ%d ", i);
    strbuf_adds(&sb, "kết-thúc");
    int r = table_add_row(t, 1, ROW_NORMAL);
    table_cell_text(t, r, 0, "1");
    table_cell_text(t, r, 1, sb.buf);
    table_cell_value(t, r, 2, 1000000);
    r = table_add_row(t, 1, ROW_BOLD);
    table_cell_text(t, r, 1, "dòng-sau");
    document_add_appendix(d, "Phụ lục II", NULL, t);
    write_ok(d, f->pdf);
    int pages = tu_pdf_pages(f->pdf);
    assert_true(pages >= 4);
    tu_pdf_text(f->pdf, 0, 0, TU_PDF_LAYOUT, &txt);
    assert_non_null(strstr(txt.buf, "từ2499"));
    assert_non_null(strstr(txt.buf, "kết-thúc"));
    assert_non_null(strstr(txt.buf, "dòng-sau"));
    /* Header on each page after the first (which is the portrait page). */
    assert_int_equal(tu_count(txt.buf, "Nội dung"), pages - 1);
    strbuf_release(&sb);
    strbuf_release(&txt);
    document_free(d);
}

/* ---- what reaches the page --------------------------------------------- */

static void test_page_one_not_blank(void **state)
{
    fixture *f = *state;
    tu_grey g;
    write_ok(f->doc, f->pdf);
    assert_int_equal(tu_render_grey(f->pdf, 1, 50, f->dir, &g), 0);
    assert_true(tu_grey_dark(&g, 0, 0, g.w, g.h) > 3000);
    /* Text starts in the top part of the page: the header is there. */
    assert_true(ink(&g, 0, 0, g.w, g.h / 8) > 0);
    tu_grey_free(&g);
}

/*
 * libharu 2.3.0 drops nested composite glyphs with some fonts: a letter
 * with two marks loses one or vanishes on the page while text extraction
 * still finds it. Draw each double-marked letter next to the same letter
 * with one mark and check the rendered pixels: the double-marked one must
 * carry more ink.
 */
static const char *const MARK_PAIRS[][2] = {
    {"ấ", "â"}, {"ầ", "â"}, {"ẩ", "â"}, {"ẫ", "â"}, {"ậ", "â"},
    {"ắ", "ă"}, {"ằ", "ă"}, {"ẳ", "ă"}, {"ẵ", "ă"}, {"ặ", "ă"},
    {"ế", "ê"}, {"ề", "ê"}, {"ể", "ê"}, {"ễ", "ê"}, {"ệ", "ê"},
    {"ố", "ô"}, {"ồ", "ô"}, {"ổ", "ô"}, {"ỗ", "ô"}, {"ộ", "ô"},
    {"ớ", "ơ"}, {"ờ", "ơ"}, {"ở", "ơ"}, {"ỡ", "ơ"}, {"ợ", "ơ"},
    {"ứ", "ư"}, {"ừ", "ư"}, {"ử", "ư"}, {"ữ", "ư"}, {"ự", "ư"},
    {"Ấ", "Â"}, {"Ầ", "Â"}, {"Ẩ", "Â"}, {"Ẫ", "Â"}, {"Ậ", "Â"},
    {"Ắ", "Ă"}, {"Ằ", "Ă"}, {"Ẳ", "Ă"}, {"Ẵ", "Ă"}, {"Ặ", "Ă"},
    {"Ế", "Ê"}, {"Ề", "Ê"}, {"Ể", "Ê"}, {"Ễ", "Ê"}, {"Ệ", "Ê"},
    {"Ố", "Ô"}, {"Ồ", "Ô"}, {"Ổ", "Ô"}, {"Ỗ", "Ô"}, {"Ộ", "Ô"},
    {"Ớ", "Ơ"}, {"Ờ", "Ơ"}, {"Ở", "Ơ"}, {"Ỡ", "Ơ"}, {"Ợ", "Ơ"},
    {"Ứ", "Ư"}, {"Ừ", "Ư"}, {"Ử", "Ư"}, {"Ữ", "Ư"}, {"Ự", "Ư"},
    {"đ", "d"}, {"Đ", "D"},
};
#define NPAIRS ((int)(sizeof MARK_PAIRS / sizeof MARK_PAIRS[0]))
#define CELL 48.0f  /* pt */
#define GLYPH 28.0f /* pt */
#define PER_ROW 10  /* cells per row: 5 pairs */

static void cell_origin(int k, float *x, float *top)
{
    *x = 30 + (float)(k % PER_ROW) * CELL;
    *top = 842 - 30 - (float)(k / PER_ROW) * CELL;
}

static void draw_mark_pairs(const char *path, int bold)
{
    pdf_layout *L = layout_or_fail();
    pdf_text_style st = {bold ? PDF_FONT_BOLD : PDF_FONT_REGULAR, GLYPH, PDF_ALIGN_CENTER, 0, 1.2f, 0, 0};
    strbuf err = STRBUF_INIT;
    pdf_layout_new_page(L, PDF_PORTRAIT);
    for (int i = 0; i < NPAIRS; i++) {
        for (int j = 0; j < 2; j++) {
            float x, top;
            cell_origin(2 * i + j, &x, &top);
            /* The glyph box starts 12 pt below the cell top: room for marks
             * above the capitals. */
            pdf_layout_block(L, &st, x, CELL, top - 12, MARK_PAIRS[i][j], 1);
        }
    }
    assert_int_equal(pdf_layout_save(L, path, &err), 0);
    strbuf_release(&err);
    pdf_layout_free(L);
}

static void check_mark_pairs(void **state, int bold)
{
    fixture *f = *state;
    const int dpi = 144;
    const float px = (float)dpi / 72.0f;
    tu_grey g;
    draw_mark_pairs(f->pdf, bold);
    assert_int_equal(tu_render_grey(f->pdf, 1, dpi, f->dir, &g), 0);
    for (int i = 0; i < NPAIRS; i++) {
        long v[2];
        for (int j = 0; j < 2; j++) {
            float x, top;
            cell_origin(2 * i + j, &x, &top);
            v[j] = ink(&g, (int)(x * px), (int)((842 - top) * px), (int)((x + CELL) * px),
                       (int)((842 - top + CELL) * px));
        }
        if (!(v[1] > 0 && v[0] > v[1]))
            fail_msg("%s (ink %ld) should carry more ink than %s (ink %ld)",
                     MARK_PAIRS[i][0], v[0], MARK_PAIRS[i][1], v[1]);
    }
    tu_grey_free(&g);
}

static void test_double_marks_rendered_regular(void **state)
{
    check_mark_pairs(state, 0);
}

static void test_double_marks_rendered_bold(void **state)
{
    check_mark_pairs(state, 1);
}

/* A layout with one portrait page begun. */
static pdf_layout *one_page(void)
{
    strbuf err = STRBUF_INIT;
    pdf_layout *L = pdf_layout_new(FONT_DIR, &err);
    if (!L) fail_msg("%s", err.buf);
    strbuf_release(&err);
    pdf_layout_new_page(L, PDF_PORTRAIT);
    return L;
}

static void save_and_free(pdf_layout *L, const char *pdf)
{
    strbuf err = STRBUF_INIT;
    if (pdf_layout_save(L, pdf, &err) != 0) fail_msg("%s", err.buf);
    pdf_layout_free(L);
    strbuf_release(&err);
}

/* The words of page 1 of pdf: n of them, word k as wide as width[k]
 * (within 0.05 pt) and, when text is given, spelled text[k % ntext]. */
static void expect_word_widths(const char *pdf, const float *width, int n,
                               const char *const *text, int ntext)
{
    tu_words got = {0};
    assert_int_equal(tu_pdf_words(pdf, 1, &got), 0);
    assert_int_equal(got.n, n);
    for (int k = 0; k < n; k++) {
        if (text) assert_string_equal(got.v[k].text, text[k % ntext]);
        double w = got.v[k].x1 - got.v[k].x0;
        if (w < width[k] - 0.05 || w > width[k] + 0.05)
            fail_msg("word %d \"%s\": %.2f pt wide on the page, measured %.2f", k, got.v[k].text,
                     w, width[k]);
    }
    tu_words_free(&got);
}

/*
 * The layout writes page content itself (pdf_layout.c) and measures with
 * widths it keeps: every word must come out as wide as it was measured,
 * and as libharu measures it, in both kinds of face the layout uses (the
 * UTF-8 face, and the one-byte face for all-ASCII text, whose widths
 * libharu writes only for characters it was told of).
 */
static void test_words_set_at_their_width(void **state)
{
    static const char *const words[] = {"kinh", "tế", "giai", "đoạn", "2021", "(8)=(4)/(3)",
                                        "Quyết", "định", "1719/QĐ-TTg", "năm", "183.631,018", "Ư"};
    enum { N = sizeof words / sizeof words[0] };
    fixture *f = *state;
    pdf_layout *L = one_page();
    float width[PDF_FONT_COUNT * N];
    for (int face = 0; face < PDF_FONT_COUNT; face++) {
        pdf_text_style st = {.font = (pdf_font_style)face, .size = 11.5f};
        for (int i = 0; i < N; i++) {
            size_t len = strlen(words[i]);
            float *w = &width[face * N + i];
            *w = pdf_layout_text_width(L, st.font, st.size, words[i], len);
            /* one word a line, so pdftotext gives each its own box */
            pdf_layout_block(L, &st, 100, 400, 800 - (float)(face * N + i) * 15, words[i], 1);
            /* libharu's width in the face the word was drawn with: the
             * one-byte face for ASCII, else the UTF-8 face, made by the
             * first word that needs it */
            int ascii = 1;
            for (size_t c = 0; c < len; c++) ascii &= (unsigned char)words[i][c] < 0x80;
            HPDF_Font drawn = ascii ? L->ascii[face] : L->fonts[face];
            assert_non_null(drawn);
            HPDF_TextWidth tw = HPDF_Font_TextWidth(drawn, (const HPDF_BYTE *)words[i], (HPDF_UINT)len);
            assert_float_equal(*w, (float)tw.width * st.size / 1000.0f, 1e-4);
        }
    }
    save_and_free(L, f->pdf);
    expect_word_widths(f->pdf, width, PDF_FONT_COUNT * N, words, N);
}

/*
 * Text that the page cannot show as it is (a character beyond U+FFFF, bytes
 * that are not UTF-8) is drawn as U+FFFD: it must be measured as drawn, or
 * right-aligned and centred text spills out of its cell.
 */
static void test_unshowable_measured_as_drawn(void **state)
{
    static const char *const words[] = {"x\xF0\x9F\x98\x80y", "x\xFFy", "\xC3\xA9\xF0\x9F\x98\x80",
                                        "1\xF0\x9F\x98\x80\xF0\x9F\x98\x80" "2"};
    enum { N = sizeof words / sizeof words[0] };
    fixture *f = *state;
    pdf_layout *L = one_page();
    pdf_text_style st = {.font = PDF_FONT_REGULAR, .size = 20};
    float width[N];
    for (int i = 0; i < N; i++) {
        width[i] = pdf_layout_text_width(L, st.font, st.size, words[i], strlen(words[i]));
        pdf_layout_block(L, &st, 100, 400, 800 - (float)i * 30, words[i], 1);
    }
    save_and_free(L, f->pdf);
    expect_word_widths(f->pdf, width, N, NULL, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_break_long_word_utf8),
        cmocka_unit_test(test_break_words_and_newlines),
        cmocka_unit_test(test_cell_text_formats),
        cmocka_unit_test_setup_teardown(test_report_text_and_pages, setup, teardown),
        cmocka_unit_test_setup_teardown(test_page_numbers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_table_header_repeats, setup, teardown),
        cmocka_unit_test_setup_teardown(test_signature_kept_together, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deterministic, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_font_dir, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unwritable_path, setup, teardown),
        cmocka_unit_test_setup_teardown(test_row_taller_than_page, setup, teardown),
        cmocka_unit_test_setup_teardown(test_page_one_not_blank, setup, teardown),
        cmocka_unit_test_setup_teardown(test_double_marks_rendered_regular, setup, teardown),
        cmocka_unit_test_setup_teardown(test_double_marks_rendered_bold, setup, teardown),
        cmocka_unit_test_setup_teardown(test_words_set_at_their_width, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unshowable_measured_as_drawn, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
