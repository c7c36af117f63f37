/*
 * From form and dataset to table: header grid from the column paths,
 * column-number row, the row tree, then figures. Each cube cell of the
 * report year is added to its leaf row and every ancestor row; derived
 * columns are computed by the table model; the subtotal self-check runs
 * before the table is handed to the renderers.
 */
#include "form.h"

#include <stdlib.h>
#include <string.h>

#include "../util/checked.h"
#include "../util/text.h"
#include "row_tree.h"

static int same_prefix(const form_col *a, const form_col *b, int level)
{
    for (int l = 0; l <= level; l++)
        if (strcmp(a->path[l], b->path[l])) return 0;
    return 1;
}

/* Columns sharing a header prefix merge; a short path spans down. */
static int build_header(table *t, const form *f, const vars *v, strbuf *err)
{
    int depth = 1;
    for (int i = 0; i < f->ncols; i++)
        if (f->cols[i].depth > depth) depth = f->cols[i].depth;
    strbuf text = STRBUF_INIT;
    int rc = 0;
    for (int l = 0; l < depth && rc == 0; l++) {
        for (int i = 0; i < f->ncols && rc == 0;) {
            const form_col *c = &f->cols[i];
            if (c->depth <= l) { i++; continue; }
            int j = i + 1, leaf = c->depth == l + 1;
            while (!leaf && j < f->ncols && f->cols[j].depth > l + 1 && same_prefix(c, &f->cols[j], l))
                j++;
            strbuf_reset(&text);
            rc = vars_expand(v, c->path[l], &text, err);
            table_add_header(t, l, i, leaf ? depth - l : 1, j - i, text.buf);
            i = j;
        }
    }
    strbuf_release(&text);
    return rc;
}

static table_col_kind col_kind(const form *f, const form_col *c)
{
    switch (c->measure) {
    case M_PLAN: case M_DISBURSED: case M_ASSIGNED: case M_ALLOCATED: return COL_MONEY;
    case M_TARGET: case M_ACHIEVED: return COL_QTY;
    case M_SUM: case M_DIFF: return col_kind(f, &f->cols[c->args[0]]);
    case M_RATE: return COL_RATE;
    default: return COL_TEXT;
    }
}

static void setup_columns(table *t, const form *f)
{
    strbuf sb = STRBUF_INIT;
    for (int i = 0; i < f->ncols; i++) {
        const form_col *c = &f->cols[i];
        table_column *tc = &t->cols[i];
        tc->kind = col_kind(f, c);
        tc->width = c->width;
        tc->derive = c->measure == M_SUM    ? DERIVE_SUM
                     : c->measure == M_RATE ? DERIVE_RATIO
                     : c->measure == M_DIFF ? DERIVE_DIFF
                                            : DERIVE_NONE;
        tc->nargs = c->nargs;
        memcpy(tc->args, c->args, sizeof tc->args);
        strbuf_reset(&sb);
        strbuf_addf(&sb, "(%d)", i + 1);
        for (int a = 0; a < c->nargs; a++)
            strbuf_addf(&sb, "%s(%d)", a == 0 ? "=" : c->measure == M_RATE ? "/"
                                                 : c->measure == M_DIFF ? "-" : "+",
                        c->args[a] + 1);
        tc->number_label = strbuf_detach(&sb, NULL);
    }
}

/* Sheet names: at most 31 characters, none of []:*?/\ (docs/library-notes.md). */
static void sheet_name(strbuf *out, const char *s)
{
    for (; *s && out->len < 31;) {
        size_t n = text_char_len(s, strlen(s));
        if (out->len + n > 31) break;
        if (strchr("[]:*?/\\", *s)) strbuf_addch(out, '-');
        else strbuf_add(out, s, n);
        s += n;
    }
    if (!out->len) strbuf_adds(out, "Bieu");
}

static int set_titles(table *t, const form *f, const vars *v, strbuf *err)
{
    strbuf sb = STRBUF_INIT;
    int rc = 0;
    char **fields[] = {&t->form_name, &t->title, &t->subtitle, &t->unit_line, &t->continued};
    const char *src[] = {f->name, f->title, f->subtitle, f->unit, f->continued};
    for (int i = 0; i < 5 && rc == 0; i++) {
        strbuf_reset(&sb);
        if (src[i] && (rc = vars_expand(v, src[i], &sb, err)) == 0)
            table_set_text(fields[i], sb.buf);
    }
    strbuf_reset(&sb);
    sheet_name(&sb, f->sheet);
    table_set_text(&t->sheet_name, sb.buf);
    strbuf_release(&sb);
    return rc;
}

/* "templates/forms/01_kh_du_an.txt" -> "01_kh_du_an": how the wording
 * names the appendix of a form ({phu_luc_01_kh_du_an}). */
static void form_id(table *t, const char *file)
{
    const char *base = strrchr(file, '/');
    base = base ? base + 1 : file;
    size_t n = strlen(base);
    if (n > 4 && !strcmp(base + n - 4, ".txt")) n -= 4;
    t->form_id = xstrndup(base, n);
}

/* year: the cell's own plan year, against which capital is current. */
static int cell_matches(const form_col *c, int source, int year, int cap_year)
{
    if (!(c->sources & (1ull << source))) return 0;
    if (c->capital == CAPITAL_CURRENT) return cap_year == year;
    if (c->capital == CAPITAL_EXTENDED) return cap_year < year;
    if (c->capital == CAPITAL_YEAR)
        return c->cap_earlier ? year - cap_year >= c->cap_back : year - cap_year == c->cap_back;
    return 1;
}

/* Roll-ups are checked like every sum: the first cell that would leave
 * int64 is remembered (node, column) and the table refused. */
typedef struct sums {
    int64_t *vals;
    int ncols, bad_node, bad_col;
} sums;

static void add_to(sums *s, int node, int col, int64_t v)
{
    if (checked_add(&s->vals[(size_t)node * s->ncols + col], v) && s->bad_node < 0)
        s->bad_node = node, s->bad_col = col;
}

static void add_up(sums *s, const row_tree *rt, int node, int col, int64_t v)
{
    for (; node >= 0; node = rt->nodes[node].parent) add_to(s, node, col, v);
}

static void accumulate_cube(sums *s, const form *f, const row_tree *rt,
                            const dataset *ds, year_span years)
{
    const cube *cb = &ds->cube;
    for (size_t i = 0; i < cb->count; i++) {
        const cube_cell *cell = cube_at(cb, i);
        if (!year_span_has(years, cell->key.year)) continue;
        int leaf = rt->leaf_of[f->rows == ROWS_PROJECT ? cell->key.project : (int)cell->key.unit];
        if (leaf < 0) continue;
        for (int c = 0; c < f->ncols; c++) {
            const form_col *col = &f->cols[c];
            if ((col->measure != M_PLAN && col->measure != M_DISBURSED) ||
                !cell_matches(col, cell->key.source, cell->key.year, cell->key.cap_year))
                continue;
            add_up(s, rt, leaf, c, col->measure == M_PLAN ? cell->plan : cell->disbursed);
        }
    }
}

static void accumulate_indicators(sums *s, const form *f, const row_tree *rt,
                                  const dataset *ds)
{
    for (int i = 0; i < ds->ind.ncells; i++) {
        int leaf = rt->leaf_of[i];
        if (leaf < 0) continue;
        for (int c = 0; c < f->ncols; c++) {
            form_measure m = f->cols[c].measure;
            if (m == M_TARGET) add_to(s, leaf, c, ds->ind.cells[i].target);
            if (m == M_ACHIEVED) add_to(s, leaf, c, ds->ind.cells[i].achieved);
        }
    }
}

static void accumulate_controls(int64_t *vals, const form *f, const row_tree *rt,
                                const dataset *ds)
{
    for (int i = 0; i < ds->checks.n; i++) {
        int leaf = rt->leaf_of[i];
        if (leaf < 0) continue;
        for (int c = 0; c < f->ncols; c++) {
            form_measure m = f->cols[c].measure;
            if (m == M_ASSIGNED) vals[(size_t)leaf * f->ncols + c] = ds->checks.lines[i].assigned;
            if (m == M_ALLOCATED) vals[(size_t)leaf * f->ncols + c] = ds->checks.lines[i].allocated;
        }
    }
}

static int is_derived(form_measure m)
{
    return m == M_SUM || m == M_RATE || m == M_DIFF;
}

static void emit_rows(table *t, const form *f, const row_tree *rt, const int64_t *vals)
{
    for (int i = 0; i < rt->n; i++) {
        const row_node *n = &rt->nodes[i];
        int r = table_add_row(t, n->depth, n->style);
        if (n->parent >= 0 && rt->nodes[n->parent].sums) table_row_add_child(t, n->parent, r);
        /* Indicator sections list a project; their lines do not add up. */
        int has_figures = !(f->rows == ROWS_INDICATOR && n->parent < 0);
        for (int c = 0; c < f->ncols; c++) {
            const form_col *col = &f->cols[c];
            if (col->measure == M_STT) table_cell_text(t, r, c, n->number);
            else if (col->measure == M_LABEL) table_cell_text(t, r, c, n->label);
            else if (col->measure == M_UOM) { if (n->uom) table_cell_text(t, r, c, n->uom); }
            else if (col->measure == M_SOURCE) { if (n->source) table_cell_text(t, r, c, n->source); }
            else if (col->measure == M_NOTE) { if (n->note) table_cell_text(t, r, c, n->note); }
            else if (has_figures && !is_derived(col->measure))
                table_cell_value(t, r, c, vals[(size_t)i * f->ncols + c]);
        }
    }
}

/* Rows without figures (indicator sections) must not get derived cells. */
static void clear_empty_derived(table *t, const row_tree *rt, const form *f)
{
    if (f->rows != ROWS_INDICATOR) return;
    for (int i = 0; i < rt->n; i++)
        if (rt->nodes[i].parent < 0)
            for (int c = 0; c < t->ncols; c++)
                if (t->cols[c].kind != COL_TEXT) table_cell_clear(t, i, c);
}

static int build_rows(const form *f, const dataset *ds, year_span year, row_tree *rt, strbuf *err)
{
    switch (f->rows) {
    case ROWS_PROJECT: return row_tree_projects(rt, ds, &f->labels, year, err);
    case ROWS_COMMUNE: return row_tree_units(rt, ds, &f->labels, err);
    case ROWS_CONTROL: return row_tree_controls(rt, ds, &f->labels, year, err);
    default: return row_tree_indicators(rt, ds, &f->labels, year, err);
    }
}

table *form_build(const form *f, const dataset *ds, const vars *v, year_span year,
                  strbuf *err)
{
    form_error kind;
    return form_build_kind(f, ds, v, year, err, &kind);
}

table *form_build_kind(const form *f, const dataset *ds, const vars *v, year_span year,
                       strbuf *err, form_error *kind)
{
    *kind = FORM_ERR_TEMPLATE;
    year.from += f->year_offset;
    year.to += f->year_offset;
    if (f->scoped && !f->scope_set) {
        strbuf_addf(err, "%s: cột scope= chưa có phạm vi tỷ lệ (lỗi chương trình)", f->file);
        *kind = FORM_ERR_INTERNAL;
        return NULL;
    }
    table *t = table_new(f->ncols);
    row_tree rt;
    t->check = f->rows == ROWS_CONTROL;
    form_id(t, f->file);
    int rc = set_titles(t, f, v, err);
    if (rc == 0) rc = build_header(t, f, v, err);
    setup_columns(t, f);
    if (rc == 0) rc = build_rows(f, ds, year, &rt, err);
    else memset(&rt, 0, sizeof rt);
    if (rc == 0 && f->nnumbering)
        row_tree_number(&rt, f->numbering, f->nnumbering);
    if (rc == 0) {
        int64_t *vals = xcalloc((size_t)rt.n * f->ncols + 1, sizeof(int64_t));
        sums s = {vals, f->ncols, -1, -1};
        if (f->rows == ROWS_INDICATOR) accumulate_indicators(&s, f, &rt, ds);
        else if (f->rows == ROWS_CONTROL) accumulate_controls(vals, f, &rt, ds);
        else accumulate_cube(&s, f, &rt, ds, year);
        emit_rows(t, f, &rt, vals);
        free(vals);
        int bad_row = s.bad_node, bad_col = s.bad_col; /* node i is row i */
        if (table_compute_derived(t, bad_row < 0 ? &bad_row : NULL, bad_row < 0 ? &bad_col : NULL) < 0 ||
            bad_row >= 0) {
            strbuf_addf(err, "%s: tổng vượt quá giới hạn tính chính xác (±9.223.372.036.854.775.807 "
                        "đồng) tại dòng \"", f->file);
            table_row_name(t, bad_row, err);
            strbuf_addf(err, "\", cột (%d)", bad_col + 1);
            *kind = FORM_ERR_DATA;
            rc = -1;
        }
        clear_empty_derived(t, &rt, f);
        if (rc == 0 && table_check_sums(t)) {
            strbuf_addf(err, "%s: tổng dòng không khớp với các dòng thành phần (lỗi chương trình)",
                        f->file);
            *kind = FORM_ERR_INTERNAL;
            rc = -1;
        }
    }
    row_tree_free(&rt);
    if (rc) {
        if (!strstr(err->buf, f->file)) strbuf_addf(err, " (%s)", f->file);
        table_free(t);
        return NULL;
    }
    return t;
}
