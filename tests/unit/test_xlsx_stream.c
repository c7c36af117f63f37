/*
 * Tests of read/xlsx_stream on workbooks made here, in a temporary folder:
 *  - with libxlsxwriter (an independent writer): shared strings, inline
 *    strings (constant_memory mode), numbers whose stored text must come
 *    back unchanged, formulas with cached string and number results,
 *    booleans, dates through date formats (and the 60/61 serials), sheets
 *    chosen by name, gaps between cells and rows, merged headers,
 *    Vietnamese text, a 50,000-row sheet read in order and in time;
 *  - packages written by hand with minizip's zip API, for what
 *    libxlsxwriter cannot write: t="e", t="d", cells and rows without r,
 *    rich text and phonetic runs, entities, absolute relationship targets,
 *    prefixed element names, the 1904 date system, merges cut by the 64 KiB
 *    block boundary, zip bombs, corrupt and malformed parts.
 * Each expectation is written out by hand: the records are rendered as
 * "index:T=text|N=number|..." lines and compared whole.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <minizip/zip.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <xlsxwriter.h>

#include "read/xlsx_stream.h"
#include "testutil.h"
#include "xlsx_read.h"

typedef struct fixture {
    char *dir;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->dir = tu_tmpdir("xlsx");
    *state = f;
    return f->dir ? 0 : -1;
}

static int teardown(void **state)
{
    fixture *f = *state;
    tu_rmtree(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

static void has(const char *hay, const char *needle)
{
    if (!strstr(hay, needle)) fail_msg("\"%s\" not in \"%s\"", needle, hay);
}

/* ---- collecting records ------------------------------------------------- */

typedef struct collect {
    strbuf out;
    long n;
    long stop_after;      /* 0: never stop */
} collect;

static int collect_row(void *ctx, const record *r)
{
    static const char letter[] = "TNDBE";
    collect *c = ctx;
    assert_non_null(r->type);
    strbuf_addf(&c->out, "%ld:", r->index);
    for (int i = 0; i < r->n; i++) {
        assert_true(r->type[i] <= CELL_ERROR);
        assert_int_equal(r->cell[i][r->len[i]], '\0');
        assert_int_equal(strlen(r->cell[i]), r->len[i]);
        strbuf_addf(&c->out, "%s%c=", i ? "|" : "", letter[r->type[i]]);
        strbuf_add(&c->out, r->cell[i], r->len[i]);
    }
    strbuf_addch(&c->out, '\n');
    c->n++;
    return c->stop_after && c->n >= c->stop_after;
}

/* Read sheet of path into c->out; returns xlsx_stream_read's result. */
static int read_lim(const char *path, const char *sheet, const xlsx_limits *lim, collect *c,
                    strbuf *err)
{
    strbuf_reset(&c->out);
    c->n = 0;
    return xlsx_stream_read(path, sheet, lim, collect_row, c, err);
}

/* Read and expect success with exactly the rendering want. */
static void expect_rows(const char *path, const char *sheet, const char *want)
{
    collect c = {STRBUF_INIT, 0, 0};
    strbuf err = STRBUF_INIT;
    int rc = read_lim(path, sheet, NULL, &c, &err);
    if (rc) fail_msg("%s", err.buf);
    assert_string_equal(c.out.buf, want);
    strbuf_release(&c.out);
    strbuf_release(&err);
}

/* Read and expect -1 with a message holding path and each of the texts. */
static void expect_error(const char *path, const xlsx_limits *lim, const char *t1,
                         const char *t2)
{
    collect c = {STRBUF_INIT, 0, 0};
    strbuf err = STRBUF_INIT;
    assert_int_equal(read_lim(path, NULL, lim, &c, &err), -1);
    has(err.buf, path);
    has(err.buf, t1);
    if (t2) has(err.buf, t2);
    strbuf_release(&c.out);
    strbuf_release(&err);
}

/* ---- hand-made packages --------------------------------------------------- */

typedef struct part {
    const char *name;
    const char *text;
} part;

/* A zip of the parts; method 0 stores them, Z_DEFLATED compresses. */
static void make_zip(const char *path, const part *parts, int method)
{
    zipFile zf = zipOpen64(path, APPEND_STATUS_CREATE);
    assert_non_null(zf);
    for (const part *p = parts; p->name; p++) {
        assert_int_equal(zipOpenNewFileInZip(zf, p->name, NULL, NULL, 0, NULL, 0, NULL, method,
                                             Z_DEFAULT_COMPRESSION), ZIP_OK);
        if (*p->text)
            assert_int_equal(zipWriteInFileInZip(zf, p->text, (unsigned)strlen(p->text)), ZIP_OK);
        assert_int_equal(zipCloseFileInZip(zf), ZIP_OK);
    }
    assert_int_equal(zipClose(zf, NULL), ZIP_OK);
}

#define NS_MAIN "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#define NS_REL "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define RELTYPE NS_REL "/"

static const char WORKBOOK[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<workbook xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_REL "\">"
    "<sheets><sheet name=\"Sheet1\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";

/* Absolute targets, as some writers put them. */
static const char RELS[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"" RELTYPE "worksheet\" Target=\"/xl/worksheets/sheet1.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"" RELTYPE "sharedStrings\" Target=\"/xl/sharedStrings.xml\"/>"
    "<Relationship Id=\"rId3\" Type=\"" RELTYPE "styles\" Target=\"/xl/styles.xml\"/>"
    "</Relationships>";

/* Styles: 0 general, 1 built-in 14, 2 custom dd/mm/yyyy with a locale,
 * 3 "h:mm" (time), 4 a quoted "ngày" (not a date). */
static const char STYLES[] =
    "<styleSheet xmlns=\"" NS_MAIN "\"><numFmts count=\"3\">"
    "<numFmt numFmtId=\"164\" formatCode=\"[$-42A]dd/mm/yyyy;@\"/>"
    "<numFmt numFmtId=\"165\" formatCode=\"h:mm\"/>"
    "<numFmt numFmtId=\"166\" formatCode=\"&quot;ngày&quot; 0\"/></numFmts>"
    "<cellStyleXfs count=\"1\"><xf numFmtId=\"14\"/></cellStyleXfs>"
    "<cellXfs count=\"5\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\" applyNumberFormat=\"1\"/>"
    "<xf numFmtId=\"164\"/><xf numFmtId=\"165\"/><xf numFmtId=\"166\"/></cellXfs>"
    "<dxfs count=\"1\"><dxf><numFmt numFmtId=\"165\" formatCode=\"yyyy\"/></dxf></dxfs>"
    "</styleSheet>";

/* A package with the standard parts around this sheet XML and shared strings. */
static char *hand_book(const char *dir, const char *name, const char *workbook,
                       const char *sheet, const char *sst)
{
    char *path = tu_path(dir, name);
    part parts[] = {
        {"xl/workbook.xml", workbook ? workbook : WORKBOOK},
        {"xl/_rels/workbook.xml.rels", RELS},
        {"xl/styles.xml", STYLES},
        {"xl/worksheets/sheet1.xml", sheet},
        {sst ? "xl/sharedStrings.xml" : NULL, sst},
        {NULL, NULL},
    };
    make_zip(path, parts, Z_DEFLATED);
    return path;
}

#define SHEET(data) "<worksheet xmlns=\"" NS_MAIN "\"><sheetData>" data "</sheetData></worksheet>"

/* ---- libxlsxwriter workbooks ------------------------------------------------- */

static lxw_workbook *new_book(const char *path, int constant_memory)
{
    lxw_workbook_options opt = {.constant_memory = (uint8_t)constant_memory};
    lxw_workbook *wb = workbook_new_opt(path, &opt);
    assert_non_null(wb);
    return wb;
}

static void close_book(lxw_workbook *wb)
{
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
}

/* The table the first two tests write, in either string mode. */
static void write_table(lxw_worksheet *ws)
{
    const char *head[] = {"nam", "Mã xã", "Tên xã", "ke_hoach"};
    for (int i = 0; i < 4; i++) worksheet_write_string(ws, 0, (lxw_col_t)i, head[i], NULL);
    worksheet_write_number(ws, 1, 0, 2024, NULL);
    worksheet_write_number(ws, 1, 1, 19435, NULL);
    worksheet_write_string(ws, 1, 2, "Xã Tân Phú", NULL);
    worksheet_write_number(ws, 1, 3, 1473139.5, NULL);
    worksheet_write_number(ws, 2, 0, 0.1, NULL);
    worksheet_write_number(ws, 2, 1, 123456789012.0, NULL);
    worksheet_write_string(ws, 2, 2, "Đắk Lắk: Kế hoạch vốn ĐTPT", NULL);
    worksheet_write_number(ws, 2, 3, -2.5, NULL);
}

static const char TABLE[] =
    "0:T=nam|T=Mã xã|T=Tên xã|T=ke_hoach\n"
    "1:N=2024|N=19435|T=Xã Tân Phú|N=1473139.5\n"
    "2:N=0.1|N=123456789012|T=Đắk Lắk: Kế hoạch vốn ĐTPT|N=-2.5\n";

static void test_shared_strings_numbers(void **state)
{
    fixture *f = *state;
    char *p = tu_path(f->dir, "shared.xlsx");
    lxw_workbook *wb = new_book(p, 0);
    write_table(workbook_add_worksheet(wb, NULL));
    close_book(wb);
    /* The fixture really uses the table (and numbers as written). */
    char *sheet = xlsx_entry(p, "xl/worksheets/sheet1.xml", NULL);
    assert_non_null(sheet);
    has(sheet, "t=\"s\"");
    has(sheet, "<v>1473139.5</v>");
    expect_rows(p, NULL, TABLE);
    free(sheet);
    free(p);
}

static void test_inline_strings_constant_memory(void **state)
{
    fixture *f = *state;
    char *p = tu_path(f->dir, "inline.xlsx");
    lxw_workbook *wb = new_book(p, 1);
    write_table(workbook_add_worksheet(wb, NULL));
    close_book(wb);
    char *sheet = xlsx_entry(p, "xl/worksheets/sheet1.xml", NULL);
    assert_non_null(sheet);
    has(sheet, "t=\"inlineStr\"");
    assert_null(strstr(sheet, "t=\"s\""));
    expect_rows(p, NULL, TABLE);
    free(sheet);
    free(p);
}

static void test_formulas_booleans(void **state)
{
    fixture *f = *state;
    char *p = tu_path(f->dir, "formula.xlsx");
    lxw_workbook *wb = new_book(p, 0);
    lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
    worksheet_write_formula_str(ws, 0, 0, "=\"Xã \"&\"A\"", NULL, "Xã A");
    worksheet_write_formula_num(ws, 0, 1, "=1000000+473139.5", NULL, 1473139.5);
    worksheet_write_boolean(ws, 0, 2, 1, NULL);
    worksheet_write_boolean(ws, 0, 3, 0, NULL);
    worksheet_write_formula_str(ws, 0, 4, "=\"\"", NULL, "");
    close_book(wb);
    char *sheet = xlsx_entry(p, "xl/worksheets/sheet1.xml", NULL);
    has(sheet, "t=\"str\"");
    has(sheet, "t=\"b\"");
    /* The empty string result at E1 is an empty cell, so it is dropped. */
    expect_rows(p, NULL, "0:T=Xã A|N=1473139.5|B=TRUE|B=FALSE\n");
    free(sheet);
    free(p);
}

static void test_hand_cell_types(void **state)
{
    fixture *f = *state;
    const char *sheet = SHEET(
        "<row r=\"1\"><c r=\"A1\" t=\"b\"><v>1</v></c><c r=\"B1\" t=\"b\"><v>0</v></c>"
        "<c r=\"C1\" t=\"e\"><v>#N/A</v></c><c r=\"D1\" t=\"e\"><f>1/0</f><v>#DIV/0!</v></c>"
        "<c r=\"E1\" t=\"d\"><v>2024-03-05T00:00:00</v></c>"
        "<c r=\"F1\" t=\"str\"><f>A1&amp;B1</f><v>a&amp;b &lt;c&gt;</v></c>"
        "<c r=\"G1\"><f>SUM(A2:A3)</f></c></row>\n"
        "<row r=\"2\"><c r=\"A2\"><v>0.30000000000000004</v></c><c r=\"B2\" t=\"n\"><v>1.2E-3</v></c>"
        "<c r=\"C2\"><v>-0</v></c><c r=\"D2\" s=\"0\"><v>1473139.5</v></c>"
        "<c r=\"E2\" t=\"d\"><v>2023-02-30</v></c></row>\n"
        "<row><c t=\"inlineStr\"><is><t xml:space=\"preserve\">  a  </t></is></c><c><v>5</v></c>"
        "<c r=\"E3\" t=\"s\"><v>0</v></c><c><v>7</v></c></row>\n"
        "<row r=\"5\"><c r=\"A5\" t=\"s\"><v>1</v></c>"
        "<c r=\"B5\" t=\"inlineStr\"><is><r><t>Giải </t></r><r><rPr><b/></rPr><t>ngân</t></r>"
        "<rPh sb=\"0\" eb=\"1\"><t>x</t></rPh></is></c>"
        "<c r=\"C5\" t=\"s\"><v>2</v></c><c r=\"D5\"/></row>\n"
        "<row r=\"6\"><c r=\"\" t=\"inlineStr\"><is><t>a</t></is></c><c r=\"\"><v>1</v></c>"
        "<c t=\"sx\"><v>2</v></c><c r=\"E6\" t=\"bx\"><v>3</v></c></row>");
    const char *sst =
        "<sst xmlns=\"" NS_MAIN "\" count=\"3\" uniqueCount=\"3\">"
        "<si><t>X&#227; &#x1EA0;n</t></si>"
        "<si><r><t>Kế </t></r><r><rPr><b/></rPr><t>hoạch</t></r>"
        "<rPh sb=\"0\" eb=\"1\"><t>ケ</t></rPh><phoneticPr fontId=\"1\"/></si>"
        "<si><t xml:space=\"preserve\"> </t></si></sst>";
    char *p = hand_book(f->dir, "types.xlsx", NULL, sheet, sst);
    expect_rows(p, NULL,
                "0:B=TRUE|B=FALSE|E=#N/A|E=#DIV/0!|D=2024-03-05|T=a&b <c>\n"
                "1:N=0.30000000000000004|N=1.2E-3|N=-0|N=1473139.5|T=2023-02-30\n"
                "2:T=  a  |N=5|T=|T=|T=Xã Ạn|N=7\n"
                "3:\n"
                "4:T=Kế hoạch|T=Giải ngân|T= \n"
                "5:T=a|N=1|N=2|T=|N=3\n");
    free(p);
}

/*
 * The sheet goes through xml_scan, which hands a sheet in another encoding
 * to expat: an ISO-8859-1 sheet reads as the same UTF-8 text. And what a
 * writer may put in a UTF-8 sheet besides cells (comments, processing
 * instructions, CDATA, CR LF inside text) reads as expat reads it.
 */
static void test_sheet_encodings_and_markup(void **state)
{
    fixture *f = *state;
    char *p = hand_book(f->dir, "latin1.xlsx", NULL,
                        "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>"
                        SHEET("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>caf\xe9</t></is></c>"
                              "<c r=\"B1\"><v>2.5</v></c></row>"), NULL);
    expect_rows(p, NULL, "0:T=café|N=2.5\n");
    free(p);
    p = hand_book(f->dir, "markup.xlsx", NULL,
                  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<!-- writer -->"
                  SHEET("<row r=\"1\"><?pi x?><c r=\"A1\" t=\"inlineStr\"><is><t><![CDATA[a<b]]>&amp;"
                        "c\r\nd</t></is></c><!-- between --><c r=\"C1\" t=\"str\"><v>&#x1EA0;</v></c></row>"),
                  NULL);
    expect_rows(p, NULL, "0:T=a<b&c\nd|T=|T=Ạ\n");
    free(p);
}

/* Prefixed element names, another prefix for r:id, relative targets. */
static void test_prefixes_relative_targets(void **state)
{
    fixture *f = *state;
    char *p = tu_path(f->dir, "prefix.xlsx");
    part parts[] = {
        {"xl/workbook.xml",
         "<x:workbook xmlns:x=\"" NS_MAIN "\" xmlns:rel=\"" NS_REL "\"><x:sheets>"
         "<x:sheet name=\"Dữ liệu\" sheetId=\"7\" rel:id=\"R9\"/></x:sheets></x:workbook>"},
        {"xl/_rels/workbook.xml.rels",
         "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
         "<Relationship Id=\"R9\" Type=\"" RELTYPE "worksheet\" Target=\"./sheets/../data/S%201.xml\"/>"
         "<Relationship Id=\"R8\" Type=\"" RELTYPE "sharedStrings\" Target=\"strings.xml\"/>"
         "</Relationships>"},
        {"xl/data/S 1.xml",
         "<x:worksheet xmlns:x=\"" NS_MAIN "\"><x:sheetData><x:row r=\"1\">"
         "<x:c r=\"B1\" t=\"s\"><x:v>0</x:v></x:c></x:row></x:sheetData></x:worksheet>"},
        {"xl/strings.xml", "<x:sst xmlns:x=\"" NS_MAIN "\"><x:si><x:t>ô B1</x:t></x:si></x:sst>"},
        {NULL, NULL},
    };
    make_zip(p, parts, 0);
    expect_rows(p, NULL, "0:T=|T=ô B1\n");
    expect_rows(p, "dữ liệu", "0:T=|T=ô B1\n");
    free(p);
}

/* A chart sheet first: the default is the first data sheet; naming the
 * chart is an error. Targets with ".." resolve against xl/. */
static void test_chartsheet_skipped(void **state)
{
    fixture *f = *state;
    char *p = tu_path(f->dir, "chart.xlsx");
    part parts[] = {
        {"xl/workbook.xml",
         "<workbook xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_REL "\"><sheets>"
         "<sheet name=\"Biểu đồ\" sheetId=\"1\" r:id=\"rId1\"/>"
         "<sheet name=\"Số liệu\" sheetId=\"2\" r:id=\"rId2\"/></sheets></workbook>"},
        {"xl/_rels/workbook.xml.rels",
         "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
         "<Relationship Id=\"rId1\" Type=\"" RELTYPE "chartsheet\" Target=\"chartsheets/sheet1.xml\"/>"
         "<Relationship Id=\"rId2\" Type=\"" RELTYPE "worksheet\" Target=\"../xl/worksheets/../w/s.xml\"/>"
         "</Relationships>"},
        {"xl/chartsheets/sheet1.xml", "<chartsheet/>"},
        {"xl/w/s.xml", SHEET("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>dữ liệu</t></is></c></row>")},
        {NULL, NULL},
    };
    make_zip(p, parts, Z_DEFLATED);
    expect_rows(p, NULL, "0:T=dữ liệu\n");
    collect c = {STRBUF_INIT, 0, 0};
    strbuf err = STRBUF_INIT;
    assert_int_equal(read_lim(p, "Biểu đồ", NULL, &c, &err), -1);
    has(err.buf, "trang tính \"Biểu đồ\" là biểu đồ hoặc macro, không phải bảng dữ liệu");
    strbuf_release(&c.out);
    strbuf_release(&err);
    free(p);
}

static void test_dates_libxlsxwriter(void **state)
{
    fixture *f = *state;
    char *p = tu_path(f->dir, "dates.xlsx");
    lxw_workbook *wb = new_book(p, 0);
    lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
    lxw_format *dmy = workbook_add_format(wb), *b14 = workbook_add_format(wb);
    lxw_format *hm = workbook_add_format(wb), *ngay = workbook_add_format(wb);
    lxw_format *my = workbook_add_format(wb), *money = workbook_add_format(wb);
    format_set_num_format(dmy, "dd/mm/yyyy");
    format_set_num_format_index(b14, 14);
    format_set_num_format(hm, "hh:mm");
    format_set_num_format(ngay, "\"ngày\" 0");
    format_set_num_format(my, "mmm yyyy");
    format_set_num_format(money, "[Red]#,##0.00");
    lxw_datetime d1 = {2024, 3, 5, 0, 0, 0}, d2 = {2024, 3, 5, 18, 30, 0};
    worksheet_write_datetime(ws, 0, 0, &d1, dmy);
    worksheet_write_datetime(ws, 0, 1, &d2, dmy);
    worksheet_write_number(ws, 0, 2, 45356, b14);
    worksheet_write_number(ws, 0, 3, 45356, my);
    double serials[] = {1, 59, 60, 61, 2958465, 2958466, 0, -1};
    for (int i = 0; i < 8; i++) worksheet_write_number(ws, 1, (lxw_col_t)i, serials[i], dmy);
    worksheet_write_number(ws, 2, 0, 0.75, hm);
    worksheet_write_number(ws, 2, 1, 45356, ngay);
    worksheet_write_number(ws, 2, 2, 45356, money);
    worksheet_write_number(ws, 2, 3, 45356, NULL);
    close_book(wb);
    expect_rows(p, NULL,
                "0:D=2024-03-05|D=2024-03-05|D=2024-03-05|D=2024-03-05\n"
                "1:D=1900-01-01|D=1900-02-28|D=1900-02-29|D=1900-03-01|D=9999-12-31"
                "|N=2958466|N=0|N=-1\n"
                "2:N=0.75|N=45356|N=45356|N=45356\n");
    free(p);
}

static void test_dates_1904_and_custom_formats(void **state)
{
    fixture *f = *state;
    const char *sheet = SHEET(
        "<row r=\"1\"><c r=\"A1\" s=\"1\"><v>0</v></c><c r=\"B1\" s=\"1\"><v>43894.75</v></c>"
        "<c r=\"C1\" s=\"2\"><v>43894</v></c><c r=\"D1\" s=\"3\"><v>43894</v></c>"
        "<c r=\"E1\" s=\"4\"><v>43894</v></c><c r=\"F1\" t=\"d\"><v>2024-03-05</v></c>"
        "<c r=\"G1\" s=\"1\"><v>2957003</v></c><c r=\"H1\" s=\"99\"><v>43894</v></c></row>");
    const char *wb1904 =
        "<workbook xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_REL "\"><workbookPr date1904=\"1\"/>"
        "<sheets><sheet name=\"Sheet1\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
    char *p = hand_book(f->dir, "d1904.xlsx", wb1904, sheet, NULL);
    expect_rows(p, NULL,
                "0:D=1904-01-01|D=2024-03-05|D=2024-03-05|N=43894|N=43894|D=2024-03-05"
                "|D=9999-12-31|N=43894\n");
    free(p);
    /* The same cells in the 1900 system. */
    p = hand_book(f->dir, "d1900.xlsx", NULL, sheet, NULL);
    expect_rows(p, NULL,
                "0:N=0|D=2020-03-04|D=2020-03-04|N=43894|N=43894|D=2024-03-05"
                "|D=9995-12-30|N=43894\n");
    free(p);
}

/* Two sheets: "Kế hoạch" then "Giải ngân". */
static char *two_sheets(const char *dir)
{
    char *p = tu_path(dir, "two.xlsx");
    lxw_workbook *wb = new_book(p, 0);
    lxw_worksheet *a = workbook_add_worksheet(wb, "Kế hoạch");
    lxw_worksheet *b = workbook_add_worksheet(wb, "Giải ngân");
    worksheet_write_string(a, 0, 0, "ke_hoach", NULL);
    worksheet_write_string(b, 0, 0, "giai_ngan", NULL);
    worksheet_write_number(b, 1, 0, 12.5, NULL);
    close_book(wb);
    return p;
}

static void test_sheet_by_name(void **state)
{
    fixture *f = *state;
    char *p = two_sheets(f->dir);
    expect_rows(p, NULL, "0:T=ke_hoach\n");
    expect_rows(p, "", "0:T=ke_hoach\n");
    expect_rows(p, "Giải ngân", "0:T=giai_ngan\n1:N=12.5\n");
    expect_rows(p, "GIẢI NGÂN", "0:T=giai_ngan\n1:N=12.5\n");
    /* "Giải ngân" with decomposed marks (NFD) names the same sheet. */
    expect_rows(p, "Gia\xcc\x89i nga\xcc\x82n", "0:T=giai_ngan\n1:N=12.5\n");
    expect_rows(p, "Kế hoạch", "0:T=ke_hoach\n");
    free(p);
}

static void test_sheet_not_found(void **state)
{
    fixture *f = *state;
    char *p = two_sheets(f->dir);
    collect c = {STRBUF_INIT, 0, 0};
    strbuf err = STRBUF_INIT, want = STRBUF_INIT;
    assert_int_equal(read_lim(p, "Chỉ tiêu", NULL, &c, &err), -1);
    strbuf_addf(&want, "%s: không có trang tính \"Chỉ tiêu\"; các trang tính có trong tệp: "
                "\"Kế hoạch\", \"Giải ngân\"", p);
    assert_string_equal(err.buf, want.buf);
    assert_int_equal(c.n, 0);
    strbuf_release(&c.out);
    strbuf_release(&err);
    strbuf_release(&want);
    free(p);
}

static void test_gaps(void **state)
{
    fixture *f = *state;
    char *p = tu_path(f->dir, "gaps.xlsx");
    lxw_workbook *wb = new_book(p, 0);
    lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
    lxw_format *bold = workbook_add_format(wb);
    format_set_bold(bold);
    worksheet_write_string(ws, 0, 0, "a", NULL);
    worksheet_write_string(ws, 0, 2, "c", NULL);
    worksheet_write_string(ws, 3, 0, "d", NULL);
    worksheet_write_string(ws, 4, 1, "e", NULL);
    worksheet_write_blank(ws, 4, 4, bold); /* a styled blank: trailing, dropped */
    worksheet_write_blank(ws, 6, 1, bold); /* a row of blanks: an empty record */
    close_book(wb);
    expect_rows(p, NULL, "0:T=a|T=|T=c\n1:\n2:\n3:T=d\n4:T=|T=e\n5:\n6:\n");
    free(p);
}

static void test_merged_header(void **state)
{
    fixture *f = *state;
    char *p = tu_path(f->dir, "merged.xlsx");
    lxw_workbook *wb = new_book(p, 0);
    lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
    lxw_format *center = workbook_add_format(wb);
    format_set_align(center, LXW_ALIGN_CENTER);
    worksheet_merge_range(ws, 0, 0, 0, 1, "Kế hoạch", center);
    worksheet_write_string(ws, 0, 2, "Giải ngân", NULL);
    worksheet_merge_range(ws, 1, 0, 2, 0, "Huyện", center); /* A2:A3, vertical */
    worksheet_write_string(ws, 1, 1, "x", NULL);
    worksheet_write_string(ws, 2, 1, "y", NULL);
    worksheet_merge_range(ws, 11, 0, 11, 1, "Tổng", center); /* row 12: not a header */
    close_book(wb);
    char *sheet = xlsx_entry(p, "xl/worksheets/sheet1.xml", NULL);
    has(sheet, "<mergeCell ref=\"A1:B1\"/>");
    free(sheet);
    expect_rows(p, NULL,
                "0:T=Kế hoạch|T=Kế hoạch|T=Giải ngân\n1:T=Huyện|T=x\n2:T=Huyện|T=y\n"
                "3:\n4:\n5:\n6:\n7:\n8:\n9:\n10:\n11:T=Tổng\n");
    free(p);
}

/*
 * The first pass must see a <mergeCell> cut by the 64 KiB block boundary:
 * padding moves the element across it one byte at a time (stored entries,
 * so offsets in the part are offsets in the blocks).
 */
static void test_merge_across_blocks(void **state)
{
    fixture *f = *state;
    const char *head = "<worksheet xmlns=\"" NS_MAIN "\"><sheetData><row r=\"1\">"
                       "<c r=\"A1\" t=\"inlineStr\"><is><t>h</t></is></c></row></sheetData>";
    const char *tail = "<mergeCells count=\"1\"><mergeCell ref=\"A1:C1\"/></mergeCells></worksheet>";
    size_t lead = strlen(head) + strlen("<mergeCells count=\"1\">");
    /* The sheet is inflated in 64 KiB blocks, or 256 KiB ones when a second
     * thread inflates it: cut at the first boundary of either. */
    for (size_t n = 0; n < 62; n++) {
        size_t cut = n % 31, boundary = n < 31 ? 65536 : 4 * 65536;
        size_t pad = boundary - 28 + cut - lead; /* element starts 28 - cut bytes before it */
        strbuf xml = STRBUF_INIT;
        strbuf_adds(&xml, head);
        for (size_t i = 0; i < pad; i++) strbuf_addch(&xml, ' ');
        strbuf_adds(&xml, tail);
        char *p = tu_path(f->dir, "cut.xlsx");
        part parts[] = {{"xl/workbook.xml", WORKBOOK}, {"xl/_rels/workbook.xml.rels", RELS},
                        {"xl/worksheets/sheet1.xml", xml.buf}, {NULL, NULL}};
        make_zip(p, parts, 0);
        expect_rows(p, NULL, "0:T=h|T=h|T=h\n");
        free(p);
        strbuf_release(&xml);
    }
}

/* xlsx_stream_read_once of path into c->out: its result, *merged set to
 * whether it found header merges; then, when it did, they are filled by
 * xlsx_stream_read_merged as by xlsx_stream_read. */
static int read_once(const char *path, collect *c, int *merged, strbuf *err)
{
    strbuf_reset(&c->out);
    c->n = 0;
    xlsx_merges *m = (xlsx_merges *)&c->n; /* not NULL: must be set */
    int rc = xlsx_stream_read_once(path, NULL, NULL, collect_row, c, &m, err);
    *merged = m != NULL;
    if (m && rc == 0) {
        collect two = {STRBUF_INIT, 0, 0}, known = {STRBUF_INIT, 0, 0};
        assert_int_equal(read_lim(path, NULL, NULL, &two, err), 0);
        assert_int_equal(xlsx_stream_read_merged(path, NULL, NULL, m, collect_row, &known, err), 0);
        assert_string_equal(known.out.buf, two.out.buf);
        assert_string_not_equal(known.out.buf, c->out.buf);
        strbuf_release(&two.out);
        strbuf_release(&known.out);
    }
    xlsx_merges_free(m);
    return rc;
}

/*
 * One pass: header merges are left unfilled but reported (the caller then
 * reads in two passes, which fills them: test_merged_header); a merge
 * below the header rows, a prefixed one, none at all, and a stop.
 */
static void test_one_pass_merges(void **state)
{
    fixture *f = *state;
    collect c = {STRBUF_INIT, 0, 0};
    strbuf err = STRBUF_INIT;
    int merged;
    char *p = tu_path(f->dir, "merged.xlsx");
    lxw_workbook *wb = new_book(p, 0);
    lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
    worksheet_merge_range(ws, 0, 0, 0, 1, "Kế hoạch", NULL);
    worksheet_write_string(ws, 0, 2, "Giải ngân", NULL);
    worksheet_merge_range(ws, 1, 0, 2, 0, "Huyện", NULL);
    worksheet_write_string(ws, 1, 1, "x", NULL);
    worksheet_write_string(ws, 2, 1, "y", NULL);
    close_book(wb);
    assert_int_equal(read_once(p, &c, &merged, &err), 0);
    assert_int_equal(merged, 1);
    assert_string_equal(c.out.buf, "0:T=Kế hoạch|T=|T=Giải ngân\n1:T=Huyện|T=x\n2:T=|T=y\n");
    expect_rows(p, NULL, "0:T=Kế hoạch|T=Kế hoạch|T=Giải ngân\n1:T=Huyện|T=x\n2:T=Huyện|T=y\n");

    /* Only a merge in row 11, below the header rows: nothing to fill. */
    wb = new_book(p, 0);
    ws = workbook_add_worksheet(wb, NULL);
    worksheet_write_string(ws, 0, 0, "a", NULL);
    worksheet_merge_range(ws, 10, 0, 10, 1, "Tổng", NULL);
    close_book(wb);
    assert_int_equal(read_once(p, &c, &merged, &err), 0);
    assert_int_equal(merged, 0);
    expect_rows(p, NULL, c.out.buf); /* the same rows as two passes */

    /* No merge at all; then stopped by the callback after one row. */
    wb = new_book(p, 0);
    ws = workbook_add_worksheet(wb, NULL);
    write_table(ws);
    close_book(wb);
    assert_int_equal(read_once(p, &c, &merged, &err), 0);
    assert_int_equal(merged, 0);
    assert_true(c.n > 1);
    expect_rows(p, NULL, c.out.buf);
    c.stop_after = 1;
    assert_int_equal(read_once(p, &c, &merged, &err), 1);
    assert_int_equal(c.n, 1);
    c.stop_after = 0;

    /* A prefixed element name, by hand. */
    const char *xml = "<x:worksheet xmlns:x=\"" NS_MAIN "\"><x:sheetData><x:row r=\"2\">"
                      "<x:c r=\"B2\" t=\"inlineStr\"><x:is><x:t>h</x:t></x:is></x:c></x:row>"
                      "</x:sheetData><x:mergeCells count=\"1\"><x:mergeCell ref=\"B2:C2\"/>"
                      "</x:mergeCells></x:worksheet>";
    part parts[] = {{"xl/workbook.xml", WORKBOOK}, {"xl/_rels/workbook.xml.rels", RELS},
                    {"xl/worksheets/sheet1.xml", xml}, {NULL, NULL}};
    make_zip(p, parts, 0);
    assert_int_equal(read_once(p, &c, &merged, &err), 0);
    assert_int_equal(merged, 1);
    assert_string_equal(c.out.buf, "0:\n1:T=|T=h\n");
    expect_rows(p, NULL, "0:\n1:T=|T=h|T=h\n");
    assert_string_equal(err.buf, "");
    strbuf_release(&c.out);
    strbuf_release(&err);
    free(p);
}

static void test_stop(void **state)
{
    fixture *f = *state;
    char *p = tu_path(f->dir, "stop.xlsx");
    lxw_workbook *wb = new_book(p, 0);
    lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
    for (int i = 0; i < 5; i++) worksheet_write_number(ws, (lxw_row_t)i, 0, i, NULL);
    close_book(wb);
    collect c = {STRBUF_INIT, 0, 2};
    strbuf err = STRBUF_INIT;
    assert_int_equal(read_lim(p, NULL, NULL, &c, &err), 1);
    assert_string_equal(c.out.buf, "0:N=0\n1:N=1\n");
    assert_string_equal(err.buf, "");
    strbuf_release(&c.out);
    strbuf_release(&err);
    free(p);
}

/* A sheet part of 10 MB of spaces between two tags, deflated to ~10 KB. */
static char *bomb(const char *dir)
{
    char *p = tu_path(dir, "bomb.xlsx");
    zipFile zf = zipOpen64(p, APPEND_STATUS_CREATE);
    part meta[] = {{"xl/workbook.xml", WORKBOOK}, {"xl/_rels/workbook.xml.rels", RELS}};
    for (int i = 0; i < 2; i++) {
        zipOpenNewFileInZip(zf, meta[i].name, NULL, NULL, 0, NULL, 0, NULL, Z_DEFLATED, 9);
        zipWriteInFileInZip(zf, meta[i].text, (unsigned)strlen(meta[i].text));
        zipCloseFileInZip(zf);
    }
    zipOpenNewFileInZip(zf, "xl/worksheets/sheet1.xml", NULL, NULL, 0, NULL, 0, NULL,
                        Z_DEFLATED, 9);
    const char *open = "<worksheet><sheetData>", *close = "</sheetData></worksheet>";
    zipWriteInFileInZip(zf, open, (unsigned)strlen(open));
    char *spaces = malloc(1 << 20);
    memset(spaces, ' ', 1 << 20);
    for (int i = 0; i < 10; i++) zipWriteInFileInZip(zf, spaces, 1 << 20);
    zipWriteInFileInZip(zf, close, (unsigned)strlen(close));
    zipCloseFileInZip(zf);
    assert_int_equal(zipClose(zf, NULL), ZIP_OK);
    free(spaces);
    return p;
}

/*
 * The sheet is parsed on a second thread, ahead of the callback. When the
 * callback stops, no row after it is passed and nothing the parser met
 * further on (here a bad cell reference) is said: the result is that of a
 * reading that stopped there. Without the stop, the rows before the bad
 * one all come first, then the error. And a stop deep in a long sheet (far
 * more rows than the parser may hold ahead) ends the reading cleanly.
 */
static void test_stop_ahead_of_parser(void **state)
{
    fixture *f = *state;
    char *p = hand_book(f->dir, "late-error.xlsx", NULL,
                        SHEET("<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>"
                              "<row r=\"2\"><c r=\"A2\"><v>2</v></c></row>"
                              "<row r=\"3\"><c r=\"A3\"><v>3</v></c></row>"
                              "<row r=\"4\"><c r=\"1A\"><v>4</v></c></row>"), NULL);
    collect c = {STRBUF_INIT, 0, 2};
    strbuf err = STRBUF_INIT;
    assert_int_equal(read_lim(p, NULL, NULL, &c, &err), 1);
    assert_string_equal(c.out.buf, "0:N=1\n1:N=2\n");
    assert_string_equal(err.buf, "");
    collect all = {STRBUF_INIT, 0, 0};
    assert_int_equal(read_lim(p, NULL, NULL, &all, &err), -1);
    assert_string_equal(all.out.buf, "0:N=1\n1:N=2\n2:N=3\n");
    has(err.buf, "r=\"1A\"");
    free(p);
    p = tu_path(f->dir, "long.xlsx");
    lxw_workbook *wb = new_book(p, 1);
    lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
    for (int i = 0; i < 20000; i++) worksheet_write_number(ws, (lxw_row_t)i, 0, i, NULL);
    close_book(wb);
    collect some = {STRBUF_INIT, 0, 7001};
    strbuf_reset(&err);
    assert_int_equal(read_lim(p, NULL, NULL, &some, &err), 1);
    assert_int_equal(some.n, 7001);
    assert_non_null(strstr(some.out.buf, "\n7000:N=7000\n"));
    assert_string_equal(err.buf, "");
    strbuf_release(&c.out);
    strbuf_release(&all.out);
    strbuf_release(&some.out);
    strbuf_release(&err);
    free(p);
}

static void test_zip_bomb(void **state)
{
    fixture *f = *state;
    char *p = bomb(f->dir);
    struct stat st;
    assert_int_equal(stat(p, &st), 0);
    assert_true(st.st_size < 20000);
    xlsx_limits lim;
    xlsx_limits_default(&lim);
    lim.max_sheet_bytes = 1 << 20;
    expect_error(p, &lim, "tệp nén bất thường (có thể là zip bomb)", "xl/worksheets/sheet1.xml");
    /* The default limits refuse it by its ratio (about 1020:1)... */
    expect_error(p, NULL, "tệp nén bất thường (có thể là zip bomb)", "tỉ lệ vượt giới hạn 1000:1");
    /* ...as does a lower ratio limit. */
    xlsx_limits_default(&lim);
    lim.max_ratio = 100;
    expect_error(p, &lim, "tệp nén bất thường (có thể là zip bomb)", "tỉ lệ vượt giới hạn 100:1");
    /* With no limits the part is read: it is valid, just empty. */
    lim = (xlsx_limits){0, 0, 0};
    collect c = {STRBUF_INIT, 0, 0};
    strbuf err = STRBUF_INIT;
    assert_int_equal(read_lim(p, NULL, &lim, &c, &err), 0);
    assert_int_equal(c.n, 0);
    strbuf_release(&c.out);
    strbuf_release(&err);
    free(p);
}

static void test_huge_shared_strings(void **state)
{
    fixture *f = *state;
    strbuf sst = STRBUF_INIT;
    strbuf_adds(&sst, "<sst xmlns=\"" NS_MAIN "\">");
    for (int i = 0; i < 60000; i++) strbuf_addf(&sst, "<si><t>Xã số %d</t></si>", i);
    strbuf_adds(&sst, "</sst>");
    assert_true(sst.len > 1 << 20);
    char *p = hand_book(f->dir, "sst.xlsx", NULL,
                        SHEET("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>59999</v></c></row>"), sst.buf);
    xlsx_limits lim;
    xlsx_limits_default(&lim);
    lim.max_sst_bytes = 1 << 20;
    expect_error(p, &lim, "bảng chuỗi dùng chung quá lớn", "xl/sharedStrings.xml");
    expect_rows(p, NULL, "0:T=Xã số 59999\n");
    strbuf_release(&sst);
    free(p);
}

/* A part whose directory entry claims 100 bytes while it inflates to 10 MB. */
static void test_lying_sizes(void **state)
{
    fixture *f = *state;
    char *p = tu_path(f->dir, "lie.xlsx");
    zipFile zf = zipOpen64(p, APPEND_STATUS_CREATE);
    part meta[] = {{"xl/workbook.xml", WORKBOOK}, {"xl/_rels/workbook.xml.rels", RELS}};
    for (int i = 0; i < 2; i++) {
        zipOpenNewFileInZip(zf, meta[i].name, NULL, NULL, 0, NULL, 0, NULL, Z_DEFLATED, 9);
        zipWriteInFileInZip(zf, meta[i].text, (unsigned)strlen(meta[i].text));
        zipCloseFileInZip(zf);
    }
    /* Raw mode: the bytes written are the deflate stream itself. */
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    assert_int_equal(deflateInit2(&zs, 9, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
    strbuf xml = STRBUF_INIT;
    strbuf_adds(&xml, "<worksheet><sheetData><row r=\"1\"><c><v>1</v></c></row>");
    for (int i = 0; i < 10 << 20; i++) strbuf_addch(&xml, ' ');
    strbuf_adds(&xml, "</sheetData></worksheet>");
    size_t cap = deflateBound(&zs, xml.len);
    char *bytes = malloc(cap);
    zs.next_in = (Bytef *)xml.buf;
    zs.avail_in = (uInt)xml.len;
    zs.next_out = (Bytef *)bytes;
    zs.avail_out = (uInt)cap;
    assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
    size_t n = zs.total_out;
    deflateEnd(&zs);
    zipOpenNewFileInZip2(zf, "xl/worksheets/sheet1.xml", NULL, NULL, 0, NULL, 0, NULL,
                         Z_DEFLATED, 9, 1);
    zipWriteInFileInZip(zf, bytes, (unsigned)n);
    zipCloseFileInZipRaw(zf, 100, crc32(0, (const Bytef *)xml.buf, (uInt)xml.len));
    assert_int_equal(zipClose(zf, NULL), ZIP_OK);
    /* The reader inflates no more than the declared 100 bytes: the part is
     * then cut in the middle of its XML. No callback gets a row. */
    collect c = {STRBUF_INIT, 0, 0};
    strbuf err = STRBUF_INIT;
    assert_int_equal(read_lim(p, NULL, NULL, &c, &err), -1);
    has(err.buf, p);
    has(err.buf, "xl/worksheets/sheet1.xml");
    assert_int_equal(c.n, 0);
    strbuf_release(&c.out);
    strbuf_release(&err);
    strbuf_release(&xml);
    free(bytes);
    free(p);
}

static void test_not_xlsx(void **state)
{
    fixture *f = *state;
    char *p = tu_path(f->dir, "a.csv");
    assert_int_equal(tu_write_file(p, "nam,ma_xa\n2024,1\n"), 0);
    expect_error(p, NULL, "không phải tệp .xlsx", "zip");
    free(p);
    p = tu_path(f->dir, "old.xls");
    assert_int_equal(tu_write_file(p, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 rest of an OLE2 file"), 0);
    expect_error(p, NULL, "Excel 97-2003 (.xls)", NULL);
    free(p);
    p = tu_path(f->dir, "missing.xlsx");
    expect_error(p, NULL, "không mở được tệp", NULL);
    free(p);
    expect_error(f->dir, NULL, "không phải tệp thông thường", NULL);
    p = tu_path(f->dir, "empty.xlsx");
    assert_int_equal(tu_write_file(p, ""), 0);
    expect_error(p, NULL, "không phải tệp .xlsx", NULL);
    free(p);
    /* A zip, but no workbook in it. */
    p = tu_path(f->dir, "plain.zip");
    part parts[] = {{"hello.txt", "xin chào"}, {NULL, NULL}};
    make_zip(p, parts, Z_DEFLATED);
    expect_error(p, NULL, "không phải sổ tính Excel", "xl/workbook.xml");
    free(p);
}

static void test_truncated_and_corrupt(void **state)
{
    fixture *f = *state;
    char *p = tu_path(f->dir, "good.xlsx");
    lxw_workbook *wb = new_book(p, 0);
    lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
    for (int i = 0; i < 2000; i++) worksheet_write_number(ws, (lxw_row_t)i, 0, i * 7.25, NULL);
    close_book(wb);
    size_t n;
    char *bytes = tu_read_file(p, &n);
    assert_non_null(bytes);
    /* Truncated: the central directory at the end is gone. */
    char *t = tu_path(f->dir, "truncated.xlsx");
    FILE *out = fopen(t, "wb");
    fwrite(bytes, 1, n / 2, out);
    fclose(out);
    expect_error(t, NULL, "không phải tệp .xlsx", NULL);
    /* Damaged: bytes in the middle of the compressed sheet overwritten. */
    const char *name = "xl/worksheets/sheet1.xml";
    char *hit = memmem(bytes, n, name, strlen(name)); /* local header of the sheet */
    assert_non_null(hit);
    size_t at = (size_t)(hit - bytes) + strlen(name) + 400;
    assert_true(at + 64 < n);
    memset(bytes + at, 0x55, 64);
    out = fopen(t, "wb");
    fwrite(bytes, 1, n, out);
    fclose(out);
    expect_error(t, NULL, "tệp hỏng", name);
    free(t);
    free(bytes);
    free(p);
}

static void test_stored_crc_mismatch(void **state)
{
    fixture *f = *state;
    char *p = hand_book(f->dir, "crc.xlsx", NULL,
                        SHEET("<row r=\"1\"><c r=\"A1\"><v>1111</v></c></row>"), NULL);
    part parts[] = {{"xl/workbook.xml", WORKBOOK}, {"xl/_rels/workbook.xml.rels", RELS},
                    {"xl/worksheets/sheet1.xml",
                     SHEET("<row r=\"1\"><c r=\"A1\"><v>1111</v></c></row>")},
                    {NULL, NULL}};
    make_zip(p, parts, 0);
    size_t n;
    char *bytes = tu_read_file(p, &n);
    char *v = memmem(bytes, n, "1111", 4);
    assert_non_null(v);
    v[0] = '9'; /* stored data changed, CRC not: still well-formed XML */
    FILE *out = fopen(p, "wb");
    fwrite(bytes, 1, n, out);
    fclose(out);
    expect_error(p, NULL, "tệp hỏng", "CRC");
    free(bytes);
    free(p);
}

static void test_malformed_parts(void **state)
{
    fixture *f = *state;
    char *p = hand_book(f->dir, "bad1.xlsx", NULL,
                        "<worksheet>\n<sheetData>\n<row r=\"1\"><c r=\"A1\"><v>1</v></row>\n"
                        "</sheetData></worksheet>", NULL);
    expect_error(p, NULL, "trang tính \"Sheet1\" (xl/worksheets/sheet1.xml), dòng 3 cột",
                 "lỗi XML (mismatched tag)");
    free(p);
    p = hand_book(f->dir, "bad2.xlsx", NULL,
                  SHEET("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>3</v></c></row>"),
                  "<sst><si><t>a</t></si></sst>");
    expect_error(p, NULL, "ô A1 trỏ tới chuỗi dùng chung \"3\" không có (bảng có 1 chuỗi)", NULL);
    free(p);
    p = hand_book(f->dir, "bad3.xlsx", NULL,
                  SHEET("<row r=\"3\"><c r=\"A3\"><v>1</v></c></row>"
                        "<row r=\"2\"><c r=\"A2\"><v>1</v></c></row>"), NULL);
    expect_error(p, NULL, "dòng 2 đứng sau dòng 3", NULL);
    free(p);
    p = hand_book(f->dir, "bad4.xlsx", NULL,
                  SHEET("<row r=\"1\"><c r=\"1A\"><v>1</v></c></row>"), NULL);
    expect_error(p, NULL, "r=\"1A\"", NULL);
    free(p);
    p = hand_book(f->dir, "bad4b.xlsx", NULL,
                  SHEET("<row r=\"1\"><c r=\"B1x\"><v>1</v></c></row>"), NULL);
    expect_error(p, NULL, "ô có tham chiếu không hợp lệ r=\"B1x\"", NULL);
    free(p);
    p = hand_book(f->dir, "bad5.xlsx", NULL,
                  "<!DOCTYPE x [<!ENTITY a \"aaaa\">]><worksheet><sheetData/></worksheet>", NULL);
    expect_error(p, NULL, "DOCTYPE", NULL);
    free(p);
    p = hand_book(f->dir, "bad6.xlsx", "<workbook><sheets></sheets></workbook>", SHEET(""), NULL);
    expect_error(p, NULL, "không có trang tính dữ liệu nào; sổ tính không có trang tính nào",
                 NULL);
    free(p);
    p = hand_book(f->dir, "bad7.xlsx", NULL, SHEET("<row r=\"1048577\"/>"), NULL);
    expect_error(p, NULL, "số hiệu dòng không hợp lệ", NULL);
    free(p);
    p = hand_book(f->dir, "bad8.xlsx", NULL,
                  SHEET("<row r=\"1\"><c r=\"XFD1\"><v>1</v></c><c><v>2</v></c></row>"), NULL);
    expect_error(p, NULL, "dòng 1 có ô vượt quá cột XFD", NULL);
    free(p);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

typedef struct big_check {
    long n;
    int bad;
    char want[64];
} big_check;

/* Row i (0-based index) of the big sheet: i+1 | "Xã i" | i*0.25 | "DA1". */
static int check_big(void *ctx, const record *r)
{
    big_check *b = ctx;
    if (r->index != b->n || r->n != 4) b->bad++;
    snprintf(b->want, sizeof b->want, "%ld", b->n + 1);
    if (strcmp(r->cell[0], b->want) || r->type[0] != CELL_NUMBER) b->bad++;
    snprintf(b->want, sizeof b->want, "Xã %ld", b->n);
    if (strcmp(r->cell[1], b->want) || r->type[1] != CELL_TEXT) b->bad++;
    snprintf(b->want, sizeof b->want, "%.16G", (double)b->n * 0.25);
    if (strcmp(r->cell[2], b->want) || r->type[2] != CELL_NUMBER) b->bad++;
    if (strcmp(r->cell[3], "DA1")) b->bad++;
    b->n++;
    return 0;
}

/* The big sheet (50,000 rows, inline strings) at dir/name; its sheet XML's size into xml_len. */
static char *big_book(const char *dir, const char *name, size_t *xml_len)
{
    char *p = tu_path(dir, name);
    lxw_workbook *wb = new_book(p, 1);
    lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
    char text[32];
    for (int i = 0; i < 50000; i++) {
        snprintf(text, sizeof text, "Xã %d", i);
        worksheet_write_number(ws, (lxw_row_t)i, 0, i + 1, NULL);
        worksheet_write_string(ws, (lxw_row_t)i, 1, text, NULL);
        worksheet_write_number(ws, (lxw_row_t)i, 2, i * 0.25, NULL);
        worksheet_write_string(ws, (lxw_row_t)i, 3, "DA1", NULL);
    }
    close_book(wb);
    free(xlsx_entry(p, "xl/worksheets/sheet1.xml", xml_len));
    return p;
}

/* The big sheet written to dir/name and read with fn (check_big or a
 * variant): every row, once, in order, and nothing said. The reading's
 * time; its sheet XML's size into xml_len. */
static double read_big(const char *dir, const char *name, record_fn fn, size_t *xml_len)
{
    char *p = big_book(dir, name, xml_len);
    big_check b = {0, 0, ""};
    strbuf err = STRBUF_INIT;
    double t0 = now();
    assert_int_equal(xlsx_stream_read(p, NULL, NULL, fn, &b, &err), 0);
    double dt = now() - t0;
    assert_int_equal(b.n, 50000);
    assert_int_equal(b.bad, 0);
    assert_string_equal(err.buf, "");
    strbuf_release(&err);
    free(p);
    return dt;
}

static void test_large_sheet(void **state)
{
    fixture *f = *state;
    size_t xml_len = 0;
    double dt = read_big(f->dir, "big.xlsx", check_big, &xml_len);
    /* A figure, not an assertion: speed is measured by `make bench`. */
    print_message("50000 rows, sheet XML %.1f MB, read in %.3f s (%.0f MB/s)\n",
                  xml_len / 1e6, dt, xml_len / 1e6 / dt);
}

/* check_big, pausing 1 ms every 100 rows. */
static int check_big_unevenly(void *ctx, const record *r)
{
    const big_check *b = ctx;
    if (b->n % 100 == 99) nanosleep(&(struct timespec){0, 1000000}, NULL);
    return check_big(ctx, r);
}

/*
 * A callback that is by turns faster and slower than the parser: the rows'
 * batches are by turns empty (the callback waits for half of them to be
 * filled) and full (the parser waits for half to be free). Every row comes,
 * once and in order.
 */
static void test_uneven_callback(void **state)
{
    fixture *f = *state;
    size_t xml_len = 0;
    read_big(f->dir, "uneven.xlsx", check_big_unevenly, &xml_len);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_shared_strings_numbers),
        T(test_inline_strings_constant_memory),
        T(test_formulas_booleans),
        T(test_hand_cell_types),
        T(test_sheet_encodings_and_markup),
        T(test_prefixes_relative_targets),
        T(test_chartsheet_skipped),
        T(test_dates_libxlsxwriter),
        T(test_dates_1904_and_custom_formats),
        T(test_sheet_by_name),
        T(test_sheet_not_found),
        T(test_gaps),
        T(test_merged_header),
        T(test_merge_across_blocks),
        T(test_one_pass_merges),
        T(test_stop),
        T(test_stop_ahead_of_parser),
        T(test_zip_bomb),
        T(test_huge_shared_strings),
        T(test_lying_sizes),
        T(test_not_xlsx),
        T(test_truncated_and_corrupt),
        T(test_stored_crc_mismatch),
        T(test_malformed_parts),
        T(test_large_sheet),
        T(test_uneven_callback),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
