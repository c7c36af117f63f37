/* .xls through libfreexl; see xls_stream.h. */
#include "xls_stream.h"

#include <freexl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A row's cells as NUL-terminated texts in one buffer. */
typedef struct xls_row {
    strbuf data;
    size_t *off, *len;
    const char **cell;
    unsigned char *type;
    int cap;
} xls_row;

static void row_init(xls_row *r, int ncols)
{
    r->data = (strbuf)STRBUF_INIT;
    r->cap = ncols > 0 ? ncols : 1;
    r->off = xcalloc((size_t)r->cap, sizeof(size_t));
    r->len = xcalloc((size_t)r->cap, sizeof(size_t));
    r->cell = xcalloc((size_t)r->cap, sizeof(char *));
    r->type = xcalloc((size_t)r->cap, 1);
}

static void row_free(xls_row *r)
{
    strbuf_release(&r->data);
    free(r->off);
    free(r->len);
    free(r->cell);
    free(r->type);
}

/* The shortest decimal text that reads back as the same double, as a
 * spreadsheet shows a stored number. */
static void add_double(strbuf *sb, double d)
{
    char buf[40];
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, d);
        if (strtod(buf, NULL) == d) break;
    }
    strbuf_adds(sb, buf);
}

/* One cell's text and type; returns 0 for an empty cell. */
static int add_cell(strbuf *sb, const FreeXL_CellValue *v, unsigned char *type)
{
    *type = CELL_TEXT;
    switch (v->type) {
    case FREEXL_CELL_INT:
        *type = CELL_NUMBER;
        strbuf_addf(sb, "%d", v->value.int_value);
        return 1;
    case FREEXL_CELL_DOUBLE:
        *type = CELL_NUMBER;
        add_double(sb, v->value.double_value);
        return 1;
    case FREEXL_CELL_DATE:
    case FREEXL_CELL_DATETIME:
        *type = CELL_DATE; /* "YYYY-MM-DD[ hh:mm:ss]": the date part */
        strbuf_add(sb, v->value.text_value, strnlen(v->value.text_value, 10));
        return 1;
    case FREEXL_CELL_TEXT:
    case FREEXL_CELL_SST_TEXT:
    case FREEXL_CELL_TIME:
        strbuf_adds(sb, v->value.text_value ? v->value.text_value : "");
        return v->value.text_value && *v->value.text_value;
    default:
        return 0;
    }
}

static int read_row(const void *h, unsigned int row, unsigned short ncols, xls_row *r,
                    record *rec)
{
    int last = -1;
    strbuf_reset(&r->data);
    for (unsigned short c = 0; c < ncols; c++) {
        FreeXL_CellValue v;
        r->off[c] = r->data.len;
        if (freexl_get_cell_value(h, row, c, &v) != FREEXL_OK) return -1;
        if (add_cell(&r->data, &v, &r->type[c])) last = c;
        r->len[c] = r->data.len - r->off[c];
        strbuf_addch(&r->data, '\0');
    }
    for (int c = 0; c <= last; c++) r->cell[c] = r->data.buf + r->off[c];
    *rec = (record){last + 1, r->cell, r->len, r->type, (long)row};
    return 0;
}

/* The index of the sheet to read; -1 with the sheet names in err. */
static int find_sheet(const void *h, const char *path, const char *sheet, strbuf *err)
{
    unsigned int count = 0;
    if (freexl_get_info(h, FREEXL_BIFF_SHEET_COUNT, &count) != FREEXL_OK || count == 0) {
        strbuf_addf(err, "%s: tệp Excel không có trang tính nào", path);
        return -1;
    }
    if (!sheet || !*sheet) return 0;
    strbuf names = STRBUF_INIT;
    for (unsigned short i = 0; i < count; i++) {
        const char *name = NULL;
        if (freexl_get_worksheet_name(h, i, &name) != FREEXL_OK || !name) continue;
        if (!strcasecmp(name, sheet)) {
            strbuf_release(&names);
            return i;
        }
        strbuf_addf(&names, "%s\"%s\"", names.len ? ", " : "", name);
    }
    strbuf_addf(err, "%s: không có trang tính \"%s\" (các trang: %s)", path, sheet, names.buf);
    strbuf_release(&names);
    return -1;
}

int xls_stream_read(const char *path, const char *sheet, record_fn fn, void *ctx,
                    strbuf *err)
{
    const void *h = NULL;
    if (freexl_open(path, &h) != FREEXL_OK) {
        strbuf_addf(err, "%s: không đọc được tệp Excel 97-2003 (.xls)", path);
        if (h) freexl_close(h);
        return -1;
    }
    int idx = find_sheet(h, path, sheet, err), rc = 0;
    unsigned int rows = 0;
    unsigned short cols = 0;
    if (idx < 0 || freexl_select_active_worksheet(h, (unsigned short)idx) != FREEXL_OK ||
        freexl_worksheet_dimensions(h, &rows, &cols) != FREEXL_OK) {
        if (idx >= 0) strbuf_addf(err, "%s: không đọc được trang tính", path);
        freexl_close(h);
        return -1;
    }
    xls_row r;
    row_init(&r, cols);
    for (unsigned int row = 0; row < rows && rc == 0; row++) {
        record rec;
        if (read_row(h, row, cols, &r, &rec) < 0) {
            strbuf_addf(err, "%s: dòng %u: không đọc được ô", path, row + 1);
            rc = -1;
        } else if (fn(ctx, &rec)) {
            rc = 1;
        }
    }
    row_free(&r);
    freexl_close(h);
    return rc;
}
