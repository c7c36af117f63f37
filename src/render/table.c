/*
 * The table model: construction, exact derived cells, and the subtotal
 * self-check. Builders fill leaf cells; table_compute_derived fills the
 * rest, so every figure in a rendered table is either an input sum or an
 * exact function of other figures in the same row.
 */
#include "table.h"

#include <stdlib.h>
#include <string.h>

#include "../util/checked.h"
#include "../util/strbuf.h"

table *table_new(int ncols)
{
    table *t = xcalloc(1, sizeof(table));
    t->ncols = ncols;
    t->cols = xcalloc((size_t)ncols, sizeof(table_column));
    for (int i = 0; i < ncols; i++) t->cols[i].width = 10;
    return t;
}

void table_set_text(char **field, const char *s)
{
    free(*field);
    *field = s ? xstrdup(s) : NULL;
}

void table_free(table *t)
{
    if (!t) return;
    free(t->sheet_name);
    free(t->form_name);
    free(t->title);
    free(t->subtitle);
    free(t->form_id);
    free(t->unit_line);
    for (int i = 0; i < t->ncols; i++) free(t->cols[i].number_label);
    free(t->cols);
    for (int i = 0; i < t->nheader; i++) free(t->header[i].text);
    free(t->header);
    for (int r = 0; r < t->nrows; r++) {
        for (int c = 0; c < t->ncols; c++) free(t->rows[r].cells[c].text);
        free(t->rows[r].cells);
        free(t->rows[r].children);
    }
    free(t->rows);
    free(t);
}

void table_add_header(table *t, int row, int col, int rowspan, int colspan,
                      const char *text)
{
    size_t cap = (size_t)t->nheader;
    t->header = xrealloc(t->header, (cap + 1) * sizeof(table_header_cell));
    table_header_cell *h = &t->header[t->nheader++];
    h->row = row;
    h->col = col;
    h->rowspan = rowspan;
    h->colspan = colspan;
    h->text = xstrdup(text);
    if (row + rowspan > t->header_rows) t->header_rows = row + rowspan;
}

int table_add_row(table *t, int level, int style)
{
    ALLOC_GROW(t->rows, t->nrows + 1, t->rows_alloc);
    table_row *r = &t->rows[t->nrows];
    memset(r, 0, sizeof *r);
    r->level = level;
    r->style = style;
    r->cells = xcalloc((size_t)t->ncols, sizeof(table_cell));
    return t->nrows++;
}

void table_row_add_child(table *t, int parent, int child)
{
    table_row *r = &t->rows[parent];
    r->children = xrealloc(r->children, (size_t)(r->nchildren + 1) * sizeof(int));
    r->children[r->nchildren++] = child;
    r->is_subtotal = 1;
}

void table_cell_text(table *t, int row, int col, const char *s)
{
    table_cell *c = &t->rows[row].cells[col];
    free(c->text);
    c->text = xstrdup(s);
    c->present = 1;
}

void table_cell_value(table *t, int row, int col, int64_t v)
{
    table_cell *c = &t->rows[row].cells[col];
    c->value = v;
    c->present = 1;
}

void table_cell_ratio(table *t, int row, int col, int64_t num, int64_t den)
{
    table_cell *c = &t->rows[row].cells[col];
    c->num = num;
    c->den = den;
    c->present = 1;
}

/* Columns may derive from derived columns; resolve in dependency order.
 * Returns 1 when a sum or difference would leave int64 (cell left absent). */
static int derive_cell(table *t, table_row *r, int c, int depth)
{
    table_column *col = &t->cols[c];
    if (col->derive == DERIVE_NONE || depth > t->ncols) return 0;
    for (int a = 0; a < col->nargs; a++)
        if (derive_cell(t, r, col->args[a], depth + 1)) return 1;
    table_cell *cell = &r->cells[c];
    if (col->derive == DERIVE_SUM || col->derive == DERIVE_DIFF) {
        int64_t s = 0;
        int bad = 0;
        if (col->derive == DERIVE_SUM)
            for (int a = 0; a < col->nargs; a++) bad |= checked_add(&s, r->cells[col->args[a]].value);
        else
            bad = __builtin_sub_overflow(r->cells[col->args[0]].value, r->cells[col->args[1]].value, &s);
        cell->present = !bad;
        cell->value = bad ? 0 : s;
        return bad;
    }
    cell->present = 1;
    cell->num = r->cells[col->args[0]].value;
    cell->den = r->cells[col->args[1]].value;
    return 0;
}

int table_compute_derived(table *t, int *bad_row, int *bad_col)
{
    int rc = 0;
    for (int i = 0; i < t->nrows; i++)
        for (int c = 0; c < t->ncols; c++)
            if (derive_cell(t, &t->rows[i], c, 0) && rc == 0) {
                rc = -1;
                if (bad_row) *bad_row = i;
                if (bad_col) *bad_col = c;
            }
    return rc;
}

void table_row_name(const table *t, int row, strbuf *out)
{
    const table_row *r = &t->rows[row];
    int n = 0;
    for (int c = 0; c < t->ncols && n < 2; c++)
        if (t->cols[c].kind == COL_TEXT && r->cells[c].text && *r->cells[c].text)
            strbuf_addf(out, "%s%s", n++ ? " " : "", r->cells[c].text);
}

int table_check_sums(const table *t)
{
    int bad = 0;
    for (int i = 0; i < t->nrows; i++) {
        const table_row *r = &t->rows[i];
        if (!r->is_subtotal) continue;
        for (int c = 0; c < t->ncols; c++) {
            if (t->cols[c].kind != COL_MONEY && t->cols[c].kind != COL_QTY)
                continue;
            int64_t s = 0;
            int over = 0;
            for (int k = 0; k < r->nchildren; k++)
                over |= checked_add(&s, t->rows[r->children[k]].cells[c].value);
            if (over || s != r->cells[c].value) bad++;
        }
    }
    return bad;
}
