/* Tables to workbook sheets with libxlsxwriter; see xlsx_writer.h. */
#include "xlsx_writer.h"

#include <errno.h>
#include <string.h>
#include <xlsxwriter.h>

#include "../util/decimal.h"
#include "../util/text.h"
#include "../util/syserr.h"

enum { FMT_TEXT, FMT_CENTER, FMT_MONEY_INT, FMT_MONEY_DEC, FMT_QTY_INT,
       FMT_QTY_DEC, FMT_RATE, FMT_KINDS };
enum { STYLE_VARIANTS = 4 }; /* normal, bold, italic, bold italic */

typedef struct sheet_formats {
    lxw_format *body[FMT_KINDS][STYLE_VARIANTS];
    lxw_format *title, *subtitle, *unit, *form_name, *header, *number;
} sheet_formats;

static const char *const num_formats[FMT_KINDS] = {
    NULL, NULL, "#,##0;-#,##0;\"-\"", "#,##0.000;-#,##0.000;\"-\"",
    "#,##0;-#,##0;\"-\"", "#,##0.0##;-#,##0.0##;\"-\"", "0.0%"};

static lxw_format *new_format(lxw_workbook *wb, int bold, int italic, int size)
{
    lxw_format *f = workbook_add_format(wb);
    format_set_font_name(f, "Times New Roman");
    format_set_font_size(f, size);
    if (bold) format_set_bold(f);
    if (italic) format_set_italic(f);
    format_set_align(f, LXW_ALIGN_VERTICAL_CENTER);
    return f;
}

static void make_formats(lxw_workbook *wb, sheet_formats *sf)
{
    for (int k = 0; k < FMT_KINDS; k++)
        for (int s = 0; s < STYLE_VARIANTS; s++) {
            lxw_format *f = new_format(wb, s & 1, s & 2, 11);
            format_set_border(f, LXW_BORDER_THIN);
            format_set_text_wrap(f);
            if (num_formats[k]) format_set_num_format(f, num_formats[k]);
            if (k == FMT_CENTER) format_set_align(f, LXW_ALIGN_CENTER);
            sf->body[k][s] = f;
        }
    sf->title = new_format(wb, 1, 0, 13);
    format_set_align(sf->title, LXW_ALIGN_CENTER);
    format_set_text_wrap(sf->title);
    sf->subtitle = new_format(wb, 0, 1, 12);
    format_set_align(sf->subtitle, LXW_ALIGN_CENTER);
    format_set_text_wrap(sf->subtitle);
    sf->unit = new_format(wb, 0, 1, 11);
    format_set_align(sf->unit, LXW_ALIGN_RIGHT);
    sf->form_name = new_format(wb, 1, 0, 11);
    format_set_align(sf->form_name, LXW_ALIGN_RIGHT);
    sf->header = new_format(wb, 1, 0, 11);
    format_set_align(sf->header, LXW_ALIGN_CENTER);
    format_set_text_wrap(sf->header);
    format_set_border(sf->header, LXW_BORDER_THIN);
    sf->number = new_format(wb, 0, 1, 10);
    format_set_align(sf->number, LXW_ALIGN_CENTER);
    format_set_border(sf->number, LXW_BORDER_THIN);
}

void xlsx_cell_ref(strbuf *sb, int row, int col)
{
    char letters[8];
    int n = 0;
    for (int c = col + 1; c > 0; c = (c - 1) / 26) letters[n++] = (char)('A' + (c - 1) % 26);
    while (n) strbuf_addch(sb, letters[--n]);
    strbuf_addf(sb, "%d", row + 1);
}

static int style_of(const table_row *r)
{
    return (r->style & ROW_BOLD ? 1 : 0) | (r->style & ROW_ITALIC ? 2 : 0);
}

static int fmt_kind(const table *t, int c, const table_cell *cell)
{
    switch (t->cols[c].kind) {
    case COL_MONEY: return cell->value % 1000000 ? FMT_MONEY_DEC : FMT_MONEY_INT;
    case COL_QTY: return cell->value % 1000 ? FMT_QTY_DEC : FMT_QTY_INT;
    case COL_RATE: return FMT_RATE;
    default: return c == 0 || t->cols[c].width < 14 ? FMT_CENTER : FMT_TEXT;
    }
}

/* Last row (0-based body index) of the rows below r that belong to it. */
static int last_descendant(const table *t, int r)
{
    int k = r;
    while (k + 1 < t->nrows && t->rows[k + 1].level > t->rows[r].level) k++;
    return k;
}

static void formula_for(strbuf *f, const table *t, int r, int c, int row0)
{
    const table_column *col = &t->cols[c];
    strbuf_reset(f);
    if (col->derive == DERIVE_SUM || col->derive == DERIVE_DIFF) {
        strbuf_addch(f, '=');
        for (int a = 0; a < col->nargs; a++) {
            if (a) strbuf_addch(f, col->derive == DERIVE_SUM ? '+' : '-');
            xlsx_cell_ref(f, row0 + r, col->args[a]);
        }
    } else if (col->derive == DERIVE_RATIO) {
        /* IF keeps a zero plan from showing #DIV/0!. */
        strbuf_adds(f, "=IF(");
        xlsx_cell_ref(f, row0 + r, col->args[1]);
        strbuf_adds(f, "=0,\"-\",");
        xlsx_cell_ref(f, row0 + r, col->args[0]);
        strbuf_addch(f, '/');
        xlsx_cell_ref(f, row0 + r, col->args[1]);
        strbuf_addch(f, ')');
    } else {
        /* SUBTOTAL skips nested SUBTOTALs, so one range covers every level. */
        strbuf_adds(f, "=SUBTOTAL(9,");
        xlsx_cell_ref(f, row0 + r + 1, c);
        strbuf_addch(f, ':');
        xlsx_cell_ref(f, row0 + last_descendant(t, r), c);
        strbuf_addch(f, ')');
    }
}

static double cell_number(const table *t, int c, const table_cell *cell)
{
    if (t->cols[c].kind == COL_MONEY) return decimal_to_double(cell->value, 6);
    if (t->cols[c].kind == COL_QTY) return decimal_to_double(cell->value, 3);
    return 0;
}

static lxw_error write_cell(lxw_worksheet *ws, const sheet_formats *sf, const table *t,
                            int r, int c, int row0, strbuf *f)
{
    const table_row *row = &t->rows[r];
    const table_cell *cell = &row->cells[c];
    lxw_format *fmt = sf->body[fmt_kind(t, c, cell)][style_of(row)];
    lxw_row_t xr = (lxw_row_t)(row0 + r);
    if (!table_cell_present(t, r, c)) return worksheet_write_blank(ws, xr, (lxw_col_t)c, fmt);
    const table_column *col = &t->cols[c];
    if (col->kind == COL_TEXT) return worksheet_write_string(ws, xr, (lxw_col_t)c, cell->text, fmt);
    if (col->kind == COL_RATE) {
        formula_for(f, t, r, c, row0);
        if (cell->den == 0) return worksheet_write_formula_str(ws, xr, (lxw_col_t)c, f->buf, fmt, "-");
        return worksheet_write_formula_num(ws, xr, (lxw_col_t)c, f->buf, fmt,
                                           (double)cell->num / (double)cell->den);
    }
    if (col->derive == DERIVE_NONE && !row->is_subtotal)
        return worksheet_write_number(ws, xr, (lxw_col_t)c, cell_number(t, c, cell), fmt);
    formula_for(f, t, r, c, row0);
    return worksheet_write_formula_num(ws, xr, (lxw_col_t)c, f->buf, fmt, cell_number(t, c, cell));
}

static lxw_error write_title_block(lxw_worksheet *ws, const sheet_formats *sf, const table *t)
{
    lxw_col_t last = (lxw_col_t)(t->ncols - 1);
    lxw_error e = worksheet_write_string(ws, 0, last, t->form_name ? t->form_name : "", sf->form_name);
    worksheet_set_row(ws, 1, 36, NULL);
    if (!e && t->title) {
        strbuf up = STRBUF_INIT; /* titles are upper case (docs/domain.md §8) */
        if (text_upper(&up, t->title, strlen(t->title)) < 0) strbuf_adds(&up, t->title);
        e = worksheet_merge_range(ws, 1, 0, 1, last, up.buf, sf->title);
        strbuf_release(&up);
    }
    if (!e && t->subtitle) e = worksheet_merge_range(ws, 2, 0, 2, last, t->subtitle, sf->subtitle);
    if (!e && t->unit_line) e = worksheet_merge_range(ws, 3, 0, 3, last, t->unit_line, sf->unit);
    return e;
}

/* The header cell covering grid position (r, c), or NULL. */
static const table_header_cell *header_at(const table *t, int r, int c)
{
    for (int i = 0; i < t->nheader; i++) {
        const table_header_cell *h = &t->header[i];
        if (r >= h->row && r < h->row + h->rowspan && c >= h->col && c < h->col + h->colspan)
            return h;
    }
    return NULL;
}

/*
 * Viewers do not grow a row for wrapped text on their own (LibreOffice
 * draws the lines over the next row), so each row gets the height of its
 * longest wrapped cell: about one line per column width of characters.
 */
static int wrapped_lines(const char *text, double width)
{
    return (int)((double)text_chars(text, strlen(text)) / (width * 1.25)) + 1;
}

/*
 * A merge over rows already written. constant_memory (below) writes each
 * row out as soon as a later row is started, and libxlsxwriter 1.1.4's
 * worksheet_merge_range refuses a range whose last row is above the row
 * being written, although a merge is only a note in the sheet's
 * <mergeCells> list, written at the end. The header's cells are therefore
 * written row by row first and its merges appended to that list, a public
 * member of lxw_worksheet that the library frees with free().
 */
static lxw_error add_merge(lxw_worksheet *ws, lxw_row_t r1, lxw_col_t c1, lxw_row_t r2, lxw_col_t c2)
{
    if (ws->merged_range_count == UINT16_MAX) return LXW_ERROR_WORKSHEET_INDEX_OUT_OF_RANGE;
    lxw_merged_range *m = calloc(1, sizeof *m);
    if (!m) return LXW_ERROR_MEMORY_MALLOC_FAILED;
    m->first_row = r1, m->first_col = c1, m->last_row = r2, m->last_col = c2;
    STAILQ_INSERT_TAIL(ws->merged_ranges, m, list_pointers);
    ws->merged_range_count++;
    return LXW_NO_ERROR;
}

/* Header rows: a height from the wrapped text of each single-row cell
 * over its merged width (about one line per column width of characters). */
static double header_height(const table *t, int r)
{
    int lines = 2;
    for (int i = 0; i < t->nheader; i++) {
        const table_header_cell *h = &t->header[i];
        if (h->row != r || h->rowspan != 1) continue;
        double w = 0;
        for (int c = h->col; c < h->col + h->colspan; c++) w += t->cols[c].width;
        int n = wrapped_lines(h->text, w);
        if (n > lines) lines = n;
    }
    return 15.0 * lines;
}

/* Every grid cell gets the header format (borders), row by row; then the
 * column-number row, then the merges. */
static lxw_error write_header(lxw_worksheet *ws, const sheet_formats *sf, const table *t, int row0)
{
    lxw_error e = LXW_NO_ERROR;
    for (int r = 0; r < t->header_rows && !e; r++) {
        lxw_row_t xr = (lxw_row_t)(row0 + r);
        worksheet_set_row(ws, xr, header_height(t, r), NULL);
        for (int c = 0; c < t->ncols && !e; c++) {
            const table_header_cell *h = header_at(t, r, c);
            if (h && h->row == r && h->col == c) e = worksheet_write_string(ws, xr, (lxw_col_t)c, h->text, sf->header);
            else e = worksheet_write_blank(ws, xr, (lxw_col_t)c, sf->header);
        }
    }
    int nr = row0 + t->header_rows;
    for (int c = 0; c < t->ncols && !e; c++)
        e = worksheet_write_string(ws, (lxw_row_t)nr, (lxw_col_t)c,
                                   t->cols[c].number_label ? t->cols[c].number_label : "", sf->number);
    for (int i = 0; i < t->nheader && !e; i++) {
        const table_header_cell *h = &t->header[i];
        if (h->rowspan == 1 && h->colspan == 1) continue;
        e = add_merge(ws, (lxw_row_t)(row0 + h->row), (lxw_col_t)h->col,
                      (lxw_row_t)(row0 + h->row + h->rowspan - 1), (lxw_col_t)(h->col + h->colspan - 1));
    }
    return e;
}

static void page_setup(lxw_worksheet *ws, const table *t, int row0)
{
    worksheet_set_paper(ws, 9); /* A4 */
    worksheet_set_landscape(ws);
    worksheet_fit_to_pages(ws, 1, 0);
    worksheet_set_margins(ws, 0.6, 0.4, 0.6, 0.5);
    worksheet_center_horizontally(ws);
    worksheet_set_header(ws, "&C&P");
    worksheet_repeat_rows(ws, (lxw_row_t)row0, (lxw_row_t)(row0 + t->header_rows));
    /* Rows only: a column split would cut the merged title, subtitle and
     * unit lines above it in two panes that scroll apart. */
    worksheet_freeze_panes(ws, (lxw_row_t)(row0 + t->header_rows + 1), 0);
    for (int c = 0; c < t->ncols; c++)
        worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, t->cols[c].width, NULL);
}

static double row_height(const table *t, const table_row *r)
{
    int lines = 1;
    for (int c = 0; c < t->ncols; c++) {
        if (t->cols[c].kind != COL_TEXT || !r->cells[c].text) continue;
        int n = wrapped_lines(r->cells[c].text, t->cols[c].width);
        if (n > lines) lines = n;
    }
    return 15.0 * lines;
}

static lxw_error write_sheet(lxw_workbook *wb, const sheet_formats *sf, const table *t)
{
    lxw_worksheet *ws = workbook_add_worksheet(wb, t->sheet_name);
    if (!ws) return LXW_ERROR_SHEETNAME_ALREADY_USED;
    const int row0 = 5; /* title block above the header */
    page_setup(ws, t, row0);
    lxw_error e = write_title_block(ws, sf, t);
    if (!e) e = write_header(ws, sf, t, row0);
    strbuf f = STRBUF_INIT;
    int body0 = row0 + t->header_rows + 1;
    for (int r = 0; r < t->nrows && !e; r++) {
        double h = row_height(t, &t->rows[r]);
        if (h > 15.0) worksheet_set_row(ws, (lxw_row_t)(body0 + r), h, NULL);
        for (int c = 0; c < t->ncols && !e; c++) e = write_cell(ws, sf, t, r, c, body0, &f);
    }
    strbuf_release(&f);
    return e;
}

/* The data errors of the run, one a row under a heading. */
static lxw_error write_checks(lxw_workbook *wb, const sheet_formats *sf, const char *const *errors,
                              int nerrors)
{
    lxw_worksheet *ws = workbook_add_worksheet(wb, "Kiem tra du lieu");
    if (!ws) return LXW_ERROR_MEMORY_MALLOC_FAILED;
    worksheet_set_column(ws, 0, 0, 6, NULL);
    worksheet_set_column(ws, 1, 1, 140, NULL);
    lxw_error e = worksheet_write_string(ws, 0, 0, "LỖI DỮ LIỆU: CÁC SỐ LIỆU CẦN KIỂM TRA LẠI TRƯỚC KHI KÝ", sf->title);
    if (!e) e = worksheet_write_string(ws, 2, 0, "STT", sf->header);
    if (!e) e = worksheet_write_string(ws, 2, 1, "Lỗi (tệp, dòng, đơn vị, dự án, nguồn vốn, năm)", sf->header);
    for (int i = 0; i < nerrors && !e; i++) {
        e = worksheet_write_number(ws, (lxw_row_t)(3 + i), 0, i + 1, sf->body[FMT_CENTER][0]);
        if (!e) e = worksheet_write_string(ws, (lxw_row_t)(3 + i), 1, errors[i], sf->body[FMT_TEXT][0]);
    }
    if (!e && nerrors == 0)
        e = worksheet_write_string(ws, 3, 1, "Không có lỗi dữ liệu.", sf->body[FMT_TEXT][0]);
    return e;
}

static int write_book(const char *path, table *const *tables, int ntables, time_t created,
                      const char *title, int checked, const char *const *errors, int nerrors,
                      strbuf *err)
{
    /* constant_memory: each row goes to a temporary file once the next is
     * started, so a national table does not stay in memory as cells (rows
     * are written in order; see add_merge for the header's merges). */
    lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .tmpdir = NULL};
    lxw_workbook *wb = workbook_new_opt(path, &opt);
    if (!wb) {
        strbuf_addf(err, "%s: không tạo được tệp Excel", path);
        return -1;
    }
    lxw_doc_properties props = {.title = (char *)title, .author = "mtqg-report",
                                .created = created};
    workbook_set_properties(wb, &props);
    sheet_formats sf;
    make_formats(wb, &sf);
    lxw_error e = LXW_NO_ERROR;
    for (int i = 0; i < ntables && !e; i++) e = write_sheet(wb, &sf, tables[i]);
    if (!e && checked) e = write_checks(wb, &sf, errors, nerrors);
    errno = 0;
    lxw_error ce = workbook_close(wb);
    int why = errno; /* a file error: disk full, file too large ... */
    if (e || ce) {
        /* A system reason when there is one; libxlsxwriter's own texts
         * are English, so only its code otherwise. */
        if (why && !e) strbuf_addf(err, "%s: lỗi ghi tệp Excel (%s)", path, sys_error(why));
        else strbuf_addf(err, "%s: lỗi ghi tệp Excel (mã lỗi libxlsxwriter %d)", path, (int)(e ? e : ce));
        return -1;
    }
    return 0;
}

int xlsx_write(const char *path, table *const *tables, int ntables,
               time_t created, const char *title, strbuf *err)
{
    return write_book(path, tables, ntables, created, title, 0, NULL, 0, err);
}

int xlsx_write_checked(const char *path, table *const *tables, int ntables, time_t created,
                       const char *title, const char *const *errors, int nerrors, strbuf *err)
{
    return write_book(path, tables, ntables, created, title, 1, errors, nerrors, err);
}
