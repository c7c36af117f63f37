/*
 * The table model: construction, exact derived cells, and the subtotal
 * self-check. Builders fill leaf cells; table_compute_derived fills the
 * rest, so every figure in a rendered table is either an input sum or an
 * exact function of other figures in the same row.
 */
#include "table.h"

#include <stdlib.h>
#include <string.h>

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

/* Columns may derive from derived columns; resolve in dependency order. */
static void derive_cell(table *t, table_row *r, int c, int depth)
{
    table_column *col = &t->cols[c];
    if (col->derive == DERIVE_NONE || depth > t->ncols) return;
    for (int a = 0; a < col->nargs; a++)
        derive_cell(t, r, col->args[a], depth + 1);
    table_cell *cell = &r->cells[c];
    cell->present = 1;
    if (col->derive == DERIVE_SUM) {
        int64_t s = 0;
        for (int a = 0; a < col->nargs; a++) s += r->cells[col->args[a]].value;
        cell->value = s;
    } else if (col->derive == DERIVE_DIFF) {
        cell->value = r->cells[col->args[0]].value - r->cells[col->args[1]].value;
    } else {
        cell->num = r->cells[col->args[0]].value;
        cell->den = r->cells[col->args[1]].value;
    }
}

void table_compute_derived(table *t)
{
    for (int i = 0; i < t->nrows; i++)
        for (int c = 0; c < t->ncols; c++)
            derive_cell(t, &t->rows[i], c, 0);
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
            for (int k = 0; k < r->nchildren; k++)
                s += t->rows[r->children[k]].cells[c].value;
            if (s != r->cells[c].value) bad++;
        }
    }
    return bad;
}
