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
    if (ncols > TABLE_MAX_COLS) abort(); /* forms are refused beyond it when loaded */
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
    free(t->continued);
    for (int i = 0; i < t->nheader; i++) free(t->header[i].text);
    free(t->header);
    for (int r = 0; r < t->nrows; r++) {
        for (int c = 0; c < t->ncols; c++)
            if (t->cols[c].kind == COL_TEXT) free(t->rows[r].cells[c].text);
        free(t->rows[r].cells);
        free(t->rows[r].children);
    }
    free(t->rows);
    for (int i = 0; i < t->ncols; i++) free(t->cols[i].number_label);
    free(t->cols); /* last: the cells' kinds are the columns' */
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
    if (t->cols[col].kind != COL_TEXT) abort(); /* the union holds a figure there */
    free(c->text);
    c->text = xstrdup(s);
    t->rows[row].present |= (uint64_t)1 << col;
}

void table_cell_clear(table *t, int row, int col)
{
    if (t->cols[col].kind == COL_TEXT) abort(); /* its string would leak */
    t->rows[row].present &= ~((uint64_t)1 << col);
    memset(&t->rows[row].cells[col], 0, sizeof(table_cell));
}

void table_cell_value(table *t, int row, int col, int64_t v)
{
    if (t->cols[col].kind == COL_TEXT) abort(); /* a text column owns a string there */
    table_cell *c = &t->rows[row].cells[col];
    c->value = v;
    t->rows[row].present |= (uint64_t)1 << col;
}

void table_cell_ratio(table *t, int row, int col, int64_t num, int64_t den)
{
    if (t->cols[col].kind == COL_TEXT) abort();
    table_cell *c = &t->rows[row].cells[col];
    c->num = num;
    c->den = den;
    t->rows[row].present |= (uint64_t)1 << col;
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
        if (bad) r->present &= ~((uint64_t)1 << c);
        else r->present |= (uint64_t)1 << c;
        cell->value = bad ? 0 : s;
        return bad;
    }
    r->present |= (uint64_t)1 << c;
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

/* ---- column bands ------------------------------------------------------ */

int table_key_columns(const table *t)
{
    int k = 0;
    while (k < t->ncols && t->cols[k].kind == COL_TEXT) k++;
    return k < t->ncols ? k : 0;
}

/* The narrowest header cell over more than one column that holds column c
 * (-1: none): its columns are one group of leaves. */
static int leaf_group(const table *t, int c)
{
    int best = -1;
    for (int i = 0; i < t->nheader; i++) {
        const table_header_cell *h = &t->header[i];
        if (h->colspan < 2 || c < h->col || c >= h->col + h->colspan) continue;
        if (best < 0 || h->colspan < t->header[best].colspan) best = i;
    }
    return best;
}

/* Cutting before column c: how many header cells it splits, and whether it
 * splits a group of leaves. */
static void cut_cost(const table *t, int c, int *splits, int *in_group)
{
    *splits = 0;
    for (int i = 0; i < t->nheader; i++) {
        const table_header_cell *h = &t->header[i];
        if (h->col < c && h->col + h->colspan > c) (*splits)++;
    }
    int g = leaf_group(t, c - 1);
    *in_group = g >= 0 && g == leaf_group(t, c);
}

/* A partition's cost, compared in this order. */
typedef struct band_cost {
    int broken;   /* groups of leaves split */
    int bands;
    int splits;   /* header cells split */
    double widest;
} band_cost;

static int cost_less(const band_cost *a, const band_cost *b)
{
    if (a->broken != b->broken) return a->broken < b->broken;
    if (a->bands != b->bands) return a->bands < b->bands;
    if (a->splits != b->splits) return a->splits < b->splits;
    return a->widest < b->widest - 1e-9;
}

int table_plan_bands(const table *t, double keep, double cut, int *starts, int max)
{
    int k = table_key_columns(t), n = t->ncols;
    double key = 0, all = 0;
    for (int c = 0; c < n; c++) {
        if (c < k) key += t->cols[c].width;
        all += t->cols[c].width;
    }
    starts[0] = k;
    if (k == 0 || all <= keep || all <= cut || max < 2) return 1;
    /* best[j]: the cheapest way to set columns [k, j) in bands ending at j. */
    band_cost *best = xcalloc((size_t)n + 1, sizeof(band_cost));
    int *from = xcalloc((size_t)n + 1, sizeof(int));
    for (int j = k + 1; j <= n; j++) {
        best[j].bands = -1;
        double w = key;
        for (int i = j - 1; i >= k; i--) {
            w += t->cols[i].width;
            if (w > cut && i < j - 1) break;
            if (i > k && best[i].bands < 0) continue;
            band_cost c = i > k ? best[i] : (band_cost){0, 0, 0, 0};
            if (i > k) {
                int splits, in_group;
                cut_cost(t, i, &splits, &in_group);
                c.broken += in_group;
                c.splits += splits;
            }
            c.bands++;
            if (w > c.widest) c.widest = w;
            if (best[j].bands < 0 || cost_less(&c, &best[j])) {
                best[j] = c;
                from[j] = i;
            }
        }
    }
    int nb = best[n].bands;
    if (nb > max) nb = 1;
    else
        for (int j = n, b = nb - 1; b >= 0; j = from[j], b--) starts[b] = from[j];
    free(best);
    free(from);
    return nb;
}

table *table_columns(const table *t, int from, int to)
{
    int k = table_key_columns(t), n = k + (to - from);
    table *u = table_new(n);
    char **dst[] = {&u->sheet_name, &u->form_name, &u->title, &u->subtitle,
                    &u->unit_line, &u->continued, &u->form_id};
    char *const src[] = {t->sheet_name, t->form_name, t->title, t->subtitle,
                         t->unit_line, t->continued, t->form_id};
    for (size_t i = 0; i < sizeof dst / sizeof *dst; i++) table_set_text(dst[i], src[i]);
    u->check = t->check;
    /* old column of each new one */
    int *old = xcalloc((size_t)n + 1, sizeof(int));
    for (int c = 0; c < n; c++) {
        old[c] = c < k ? c : from + c - k;
        u->cols[c] = t->cols[old[c]];
        u->cols[c].derive = DERIVE_NONE;
        u->cols[c].nargs = 0;
        u->cols[c].number_label = NULL;
        table_set_text(&u->cols[c].number_label, t->cols[old[c]].number_label);
    }
    for (int i = 0; i < t->nheader; i++) {
        const table_header_cell *h = &t->header[i];
        int first = -1, span = 0;
        for (int c = 0; c < n; c++)
            if (old[c] >= h->col && old[c] < h->col + h->colspan) {
                if (first < 0) first = c;
                span++;
            }
        if (span) table_add_header(u, h->row, first, h->rowspan, span, h->text);
    }
    u->header_rows = t->header_rows;
    for (int r = 0; r < t->nrows; r++) {
        const table_row *s = &t->rows[r];
        int nr = table_add_row(u, s->level, s->style);
        for (int i = 0; i < s->nchildren; i++) table_row_add_child(u, nr, s->children[i]);
        u->rows[nr].is_subtotal = s->is_subtotal;
        for (int c = 0; c < n; c++) {
            table_cell *d = &u->rows[nr].cells[c];
            *d = s->cells[old[c]];
            if (u->cols[c].kind == COL_TEXT && d->text) d->text = xstrdup(d->text);
            if ((s->present >> old[c]) & 1) u->rows[nr].present |= (uint64_t)1 << c;
        }
    }
    free(old);
    return u;
}
