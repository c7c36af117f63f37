/*
 * The three row groupings. Numbering follows docs/domain.md §8: TỔNG SỐ first,
 * sections with Roman numerals, items with Arabic numbers; projects keep
 * their own numbers (Dự án 3, 3.1) so a table reads like the catalogue.
 */
#include "row_tree.h"

#include <stdlib.h>
#include <string.h>

#include "table.h"

void row_tree_free(row_tree *t)
{
    for (int i = 0; i < t->n; i++) {
        free(t->nodes[i].number);
        free(t->nodes[i].label);
        free(t->nodes[i].uom);
        free(t->nodes[i].source);
        free(t->nodes[i].note);
    }
    free(t->nodes);
    free(t->leaf_of);
    memset(t, 0, sizeof *t);
}

static int add_node(row_tree *t, int parent, int style, const char *number,
                    const char *label)
{
    ALLOC_GROW(t->nodes, t->n + 1, t->alloc);
    row_node *n = &t->nodes[t->n];
    memset(n, 0, sizeof *n);
    n->parent = parent;
    n->depth = parent < 0 ? 0 : t->nodes[parent].depth + 1;
    n->style = style;
    n->number = xstrdup(number);
    n->label = xstrdup(label);
    if (parent >= 0) t->nodes[parent].sums = 1;
    return t->n++;
}

static void roman(strbuf *sb, int n)
{
    static const struct { int v; const char *s; } r[] = {
        {1000, "M"}, {900, "CM"}, {500, "D"}, {400, "CD"}, {100, "C"}, {90, "XC"},
        {50, "L"}, {40, "XL"}, {10, "X"}, {9, "IX"}, {5, "V"}, {4, "IV"}, {1, "I"}};
    for (size_t i = 0; i < sizeof r / sizeof r[0]; i++)
        while (n >= r[i].v) strbuf_adds(sb, r[i].s), n -= r[i].v;
}

/* Expand label template `name` with {so}, {so_du_an} and {ten}, and for a
 * part of a programme (p >= 0) its words: {cap} its level ("Tiểu dự án",
 * "Nội dung thành phần"), {cap_goc} the top level's ("Dự án"), {cap_con}
 * its children's level in lower case ("tiểu dự án"). */
static int label_part(strbuf *out, const vars *labels, const char *name, const char *so,
                      const char *so_du_an, const char *ten, const catalogue *cat, int p, strbuf *err)
{
    const char *tmpl = vars_get(labels, name);
    if (!tmpl) {
        strbuf_addf(err, "thiếu nhãn \"%s\" trong mục [labels] của biểu", name);
        return -1;
    }
    vars v;
    vars_init(&v);
    vars_set(&v, "so", so);
    vars_set(&v, "so_du_an", so_du_an);
    vars_set(&v, "ten", ten);
    if (p >= 0) {
        const cat_project *cp = &cat->projects[p];
        const cat_programme *g = &cat->programmes[cp->programme];
        vars_set(&v, "cap", g->levels[cp->depth]);
        vars_set(&v, "cap_goc", g->levels[0]);
        const char *child = cp->depth + 1 < g->nlevels ? g->levels[cp->depth + 1] : "";
        char *low = xstrdup(child);
        if (low[0] >= 'A' && low[0] <= 'Z') low[0] = (char)(low[0] - 'A' + 'a');
        vars_set(&v, "cap_con", low);
        free(low);
    }
    strbuf_reset(out);
    int rc = vars_expand(&v, tmpl, out, err);
    vars_free(&v);
    return rc;
}

/* The row label of part p ("project" or "subproject" by its depth). */
static int part_label(strbuf *out, const vars *labels, const catalogue *cat, int p, strbuf *err)
{
    const cat_project *cp = &cat->projects[p];
    char so[16], top[16];
    snprintf(top, sizeof top, "%d", cp->number);
    snprintf(so, sizeof so, "%d", cp->own);
    return label_part(out, labels, cp->depth ? "subproject" : "project", so, top, cp->name, cat, p, err);
}

static int label(strbuf *out, const vars *labels, const char *name, const char *so,
                 const char *so_du_an, const char *ten, strbuf *err)
{
    return label_part(out, labels, name, so, so_du_an, ten, NULL, -1, err);
}

static void init_leaves(row_tree *t, int n)
{
    t->nleaf = n;
    t->leaf_of = xmalloc((size_t)(n + 1) * sizeof(int));
    for (int i = 0; i <= n; i++) t->leaf_of[i] = -1;
}

/* Parents that received amounts directly in `year` (not via a sub-project). */
static char *direct_parents(const dataset *ds, year_span year)
{
    const catalogue *cat = ds->cat;
    char *direct = xcalloc((size_t)cat->nprojects + 1, 1);
    const cube *c = &ds->cube;
    for (size_t i = 0; i < c->count; i++) {
        const cube_cell *cell = cube_at(c, i);
        if (year_span_has(year, cell->key.year) &&
            cat->projects[cell->key.project].nchildren && (cell->plan || cell->disbursed))
            direct[cell->key.project] = 1;
    }
    return direct;
}

/* The "not assigned to a sub-project" row of a parent, after its children. */
static int add_unassigned(row_tree *t, const vars *labels, const catalogue *cat,
                          int p, int node, strbuf *lb, strbuf *err)
{
    char top[16];
    snprintf(top, sizeof top, "%d", cat->projects[p].number);
    if (label_part(lb, labels, "unassigned", "", top, cat->projects[p].name, cat, p, err))
        return -1;
    t->leaf_of[p] = add_node(t, node, ROW_ITALIC, "-", lb->buf);
    return 0;
}

/*
 * Parts at any depth, each under its parent; with several programmes, a
 * section per programme (its own subtotal) holds its parts. A part with
 * children that received amounts directly gets an "unassigned" row after
 * its last descendant: open parts are kept on a stack and closed when a
 * part that is not their descendant comes.
 */
int row_tree_projects(row_tree *t, const dataset *ds, const vars *labels,
                      year_span year, strbuf *err)
{
    const catalogue *cat = ds->cat;
    memset(t, 0, sizeof *t);
    init_leaves(t, cat->nprojects);
    strbuf lb = STRBUF_INIT, num = STRBUF_INIT;
    char *direct = direct_parents(ds, year);
    int rc = label(&lb, labels, "total", "", "", "", err);
    int total = rc ? -1 : add_node(t, -1, ROW_BOLD, "", lb.buf);
    t->has_total = 1;
    int stack[CAT_MAX_LEVELS], depth = 0, section = total, programme = -1;
    for (int p = 0; rc == 0 && p <= cat->nprojects; p++) {
        const cat_project *cp = p < cat->nprojects ? &cat->projects[p] : NULL;
        /* Close the open parts this one is not under. */
        while (rc == 0 && depth > 0 && (!cp || cp->programme != programme || !catalogue_is_under(cat, stack[depth - 1], p))) {
            int q = stack[--depth];
            if (direct[q]) rc = add_unassigned(t, labels, cat, q, t->leaf_of[q], &lb, err);
        }
        if (!cp || rc) break;
        if (cp->programme != programme) {
            programme = cp->programme;
            if (cat->nprogrammes > 1) { /* a section per programme */
                const cat_programme *g = &cat->programmes[programme];
                char so[16];
                snprintf(so, sizeof so, "%d", programme + 1);
                if (vars_get(labels, "programme"))
                    rc = label(&lb, labels, "programme", so, "", g->short_name, err);
                else
                    strbuf_reset(&lb), strbuf_adds(&lb, g->short_name);
                if (rc) break;
                section = add_node(t, total, ROW_BOLD, "", lb.buf);
            }
        }
        strbuf_reset(&num);
        if (cp->parent >= 0) strbuf_addf(&num, "%s.", t->nodes[t->leaf_of[cp->parent]].number);
        strbuf_addf(&num, "%d", cp->own);
        if ((rc = part_label(&lb, labels, cat, p, err))) break;
        int parent = cp->parent >= 0 ? t->leaf_of[cp->parent] : section;
        t->leaf_of[p] = add_node(t, parent, cp->depth ? 0 : ROW_BOLD, num.buf, lb.buf);
        if (cp->nchildren && depth < CAT_MAX_LEVELS) stack[depth++] = p;
    }
    free(direct);
    strbuf_release(&lb);
    strbuf_release(&num);
    return rc;
}

/* ---- Administrative units ---- */

typedef struct unit_order {
    const units *u;
    int *prov_rank, *dist_rank;
} unit_order;

static int cmp_text(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "");
}

static int cmp_prov(const void *a, const void *b, void *ctx)
{
    const units *u = ctx;
    const unit_province *x = &u->provinces[*(const int *)a], *y = &u->provinces[*(const int *)b];
    int c = cmp_text(x->code, y->code);
    return c ? c : cmp_text(x->name, y->name);
}

static int cmp_dist(const void *a, const void *b, void *ctx)
{
    const units *u = ctx;
    const unit_district *x = &u->districts[*(const int *)a], *y = &u->districts[*(const int *)b];
    int c = cmp_text(x->code, y->code);
    return c ? c : cmp_text(x->name, y->name);
}

/* Province, then district (none after all), then communes before the
 * district and province levels, then code and name. */
static int cmp_unit(const void *a, const void *b, void *ctx)
{
    const unit_order *o = ctx;
    const unit_entry *x = &o->u->units[*(const int *)a], *y = &o->u->units[*(const int *)b];
    int px = o->prov_rank[x->province], py = o->prov_rank[y->province];
    if (px != py) return px - py;
    int dx = x->kind == UNIT_PROVINCE_LEVEL ? 1 << 30 : x->district < 0 ? (1 << 30) - 1 : o->dist_rank[x->district];
    int dy = y->kind == UNIT_PROVINCE_LEVEL ? 1 << 30 : y->district < 0 ? (1 << 30) - 1 : o->dist_rank[y->district];
    if (dx != dy) return dx - dy;
    if (x->kind != y->kind) return (int)x->kind - (int)y->kind;
    int c = cmp_text(x->code, y->code);
    return c ? c : cmp_text(x->name, y->name);
}

static int *ranks(int n, int (*cmp)(const void *, const void *, void *), void *ctx)
{
    int *order = xmalloc((size_t)(n + 1) * sizeof(int)), *rank = xmalloc((size_t)(n + 1) * sizeof(int));
    for (int i = 0; i < n; i++) order[i] = i;
    qsort_r(order, (size_t)n, sizeof(int), cmp, ctx);
    for (int i = 0; i < n; i++) rank[order[i]] = i;
    free(order);
    return rank;
}

/* Numbers by position: depth 1 Roman when it holds sections, else Arabic;
 * depth 2 Arabic; deeper "parent.index". */
static void letter(strbuf *sb, int n)
{
    /* a) .. z), then aa) ...: Vietnamese documents rarely pass z). */
    char tmp[8];
    int k = 0;
    for (; n > 0 && k < 7; n = (n - 1) / 26) tmp[k++] = (char)('a' + (n - 1) % 26);
    while (k) strbuf_addch(sb, tmp[--k]);
    strbuf_addch(sb, ')');
}

void row_tree_number(row_tree *t, const number_style *styles, int nstyles)
{
    int *count = xcalloc((size_t)t->n + 1, sizeof(int));
    int roots = 0;
    strbuf sb = STRBUF_INIT;
    for (int i = 0; i < t->n; i++) {
        row_node *n = &t->nodes[i];
        /* Under a TỔNG SỐ row, depth 1 is its children; without one
         * (indicators, checks), the top rows. */
        int depth = t->has_total ? n->depth : n->depth + 1;
        if (depth < 1 || depth > nstyles || styles[depth - 1] == NUMBER_KEEP) continue;
        int k = n->parent >= 0 ? ++count[n->parent] : ++roots;
        strbuf_reset(&sb);
        switch (styles[depth - 1]) {
        case NUMBER_ROMAN: roman(&sb, k); break;
        case NUMBER_ARABIC: strbuf_addf(&sb, "%d", k); break;
        case NUMBER_DOTTED:
            strbuf_addf(&sb, "%s.%d", n->parent >= 0 ? t->nodes[n->parent].number : "", k);
            break;
        case NUMBER_LETTER: letter(&sb, k); break;
        default: break;
        }
        free(n->number);
        n->number = xstrdup(sb.buf);
    }
    strbuf_release(&sb);
    free(count);
}

static void number_by_position(row_tree *t)
{
    int sections = 0;
    for (int i = 0; i < t->n; i++)
        if (t->nodes[i].depth == 1 && t->nodes[i].sums) sections = 1;
    int *count = xcalloc((size_t)t->n + 1, sizeof(int));
    strbuf sb = STRBUF_INIT;
    for (int i = 0; i < t->n; i++) {
        row_node *n = &t->nodes[i];
        if (n->parent < 0) continue;
        int k = ++count[n->parent];
        strbuf_reset(&sb);
        if (n->depth == 1 && sections) roman(&sb, k);
        else if (n->depth <= 2) strbuf_addf(&sb, "%d", k);
        else strbuf_addf(&sb, "%s.%d", t->nodes[n->parent].number, k);
        free(n->number);
        n->number = xstrdup(sb.buf);
    }
    strbuf_release(&sb);
    free(count);
}

typedef struct unit_walk {
    row_tree *t;
    const units *u;
    const vars *labels;
    strbuf lb;
    int total, multi, prov, prov_node, dist, dist_node;
} unit_walk;

/* The section row a unit hangs under, creating province/district rows. */
static int unit_parent(unit_walk *w, const unit_entry *e, strbuf *err)
{
    if (e->province != w->prov) {
        w->prov = e->province;
        w->dist = -2;
        w->prov_node = w->total;
        if (w->multi) {
            const unit_province *p = &w->u->provinces[e->province];
            if (label(&w->lb, w->labels, "province", "", "", p->name ? p->name : p->code, err))
                return -1;
            w->prov_node = add_node(w->t, w->total, ROW_BOLD, "", w->lb.buf);
        }
    }
    if (e->kind == UNIT_PROVINCE_LEVEL) return w->prov_node;
    if (e->district != w->dist) {
        w->dist = e->district;
        w->dist_node = w->prov_node;
        int style = w->multi ? 0 : ROW_BOLD;
        const char *name = e->district >= 0 ? w->u->districts[e->district].name : "";
        if (e->district >= 0 || w->u->ndistricts > 0) {
            if (label(&w->lb, w->labels, e->district >= 0 ? "district" : "no_district", "", "",
                      name ? name : w->u->districts[e->district].code, err))
                return -1;
            w->dist_node = add_node(w->t, w->prov_node, style, "", w->lb.buf);
        }
    }
    return w->dist_node;
}

int row_tree_units(row_tree *t, const dataset *ds, const vars *labels, strbuf *err)
{
    const units *u = &ds->units;
    memset(t, 0, sizeof *t);
    init_leaves(t, u->nunits);
    unit_order o = {u, ranks(u->nprovinces, cmp_prov, (void *)u),
                    ranks(u->ndistricts, cmp_dist, (void *)u)};
    int *order = xmalloc((size_t)(u->nunits + 1) * sizeof(int));
    for (int i = 0; i < u->nunits; i++) order[i] = i;
    qsort_r(order, (size_t)u->nunits, sizeof(int), cmp_unit, &o);
    unit_walk w = {t, u, labels, STRBUF_INIT, -1, u->nprovinces > 1, -1, -1, -2, -1};
    int rc = label(&w.lb, labels, "total", "", "", "", err);
    if (rc == 0) w.total = add_node(t, -1, ROW_BOLD, "", w.lb.buf);
    t->has_total = 1;
    for (int i = 0; rc == 0 && i < u->nunits; i++) {
        const unit_entry *e = &u->units[order[i]];
        int parent = unit_parent(&w, e, err);
        if (parent < 0) { rc = -1; break; }
        const char *text = e->kind == UNIT_COMMUNE ? units_name(u, order[i]) : "";
        if (e->kind != UNIT_COMMUNE &&
            (rc = label(&w.lb, labels, e->kind == UNIT_DISTRICT_LEVEL ? "district_level"
                                                                     : "province_level", "", "", "", err)))
            break;
        int style = e->kind == UNIT_PROVINCE_LEVEL && !w.multi ? ROW_BOLD : 0;
        t->leaf_of[order[i]] = add_node(t, parent, style, "", e->kind == UNIT_COMMUNE ? text : w.lb.buf);
    }
    number_by_position(t);
    strbuf_release(&w.lb);
    free(order);
    free(o.prov_rank);
    free(o.dist_rank);
    return rc;
}

/* ---- Indicators ---- */

typedef struct ind_line {
    int project, name, uom;
} ind_line;

static int cmp_line(const void *a, const void *b)
{
    const ind_line *x = a, *y = b;
    if (x->project != y->project) return x->project - y->project;
    if (x->name != y->name) return x->name - y->name;
    return x->uom - y->uom;
}

int row_tree_indicators(row_tree *t, const dataset *ds, const vars *labels,
                        year_span year, strbuf *err)
{
    const indicators *in = &ds->ind;
    const catalogue *cat = ds->cat;
    memset(t, 0, sizeof *t);
    init_leaves(t, in->ncells);
    ind_line *lines = xcalloc((size_t)in->ncells + 1, sizeof(ind_line));
    int n = 0;
    for (int i = 0; i < in->ncells; i++)
        if (year_span_has(year, in->cells[i].year))
            lines[n++] = (ind_line){in->cells[i].project, in->cells[i].name, in->cells[i].uom};
    qsort(lines, (size_t)n, sizeof *lines, cmp_line);
    strbuf lb = STRBUF_INIT;
    int rc = 0, section = -1, nsec = 0, nline = 0;
    for (int i = 0; rc == 0 && i < n; i++) {
        const ind_line *l = &lines[i];
        if (i > 0 && !cmp_line(l, &lines[i - 1])) continue;
        if (i == 0 || l->project != lines[i - 1].project) {
            char num[16];
            if ((rc = part_label(&lb, labels, cat, l->project, err))) break;
            strbuf num_sb = STRBUF_INIT;
            roman(&num_sb, ++nsec);
            snprintf(num, sizeof num, "%s", num_sb.buf);
            strbuf_release(&num_sb);
            section = add_node(t, -1, ROW_BOLD, num, lb.buf);
            nline = 0;
        }
        char num[16];
        snprintf(num, sizeof num, "%d", ++nline);
        int node = add_node(t, section, 0, num, in->names[l->name]);
        t->nodes[node].uom = xstrdup(in->uoms[l->uom]);
        t->nodes[section].sums = 0; /* hộ and km do not add up */
        for (int c = 0; c < in->ncells; c++) {
            const ind_cell *cell = &in->cells[c];
            if (year_span_has(year, cell->year) && cell->project == l->project && cell->name == l->name &&
                cell->uom == l->uom)
                t->leaf_of[c] = node;
        }
    }
    strbuf_release(&lb);
    free(lines);
    return rc;
}

/* ---- Assigned totals (control lines) ---- */

static const char *control_note(const control_line *l, int64_t tolerance)
{
    static const char *const notes[] = {"match", "rounding", "mismatch"};
    return notes[control_line_state(l, tolerance)];
}

static int control_label(strbuf *lb, const vars *labels, const catalogue *cat,
                         const control_line *l, strbuf *err)
{
    if (l->project < 0) return label(lb, labels, "all", "", "", "", err);
    return part_label(lb, labels, cat, l->project, err);
}

int row_tree_controls(row_tree *t, const dataset *ds, const vars *labels,
                      year_span year, strbuf *err)
{
    const controls *c = &ds->checks;
    memset(t, 0, sizeof *t);
    init_leaves(t, c->n);
    strbuf lb = STRBUF_INIT, note = STRBUF_INIT;
    int rc = 0, k = 0;
    for (int i = 0; rc == 0 && i < c->n; i++) {
        const control_line *l = &c->lines[i];
        if (!year_span_has(year, l->year)) continue;
        if ((rc = control_label(&lb, labels, ds->cat, l, err))) break;
        if (l->cap_year != l->year) {
            char cy[16];
            snprintf(cy, sizeof cy, "%d", l->cap_year);
            strbuf ext = STRBUF_INIT;
            rc = label(&ext, labels, "extended", cy, "", "", err);
            strbuf_addf(&lb, " %s", ext.buf);
            strbuf_release(&ext);
            if (rc) break;
        }
        if ((rc = label(&note, labels, control_note(l, c->tolerance), "", "", "", err))) break;
        char num[16];
        snprintf(num, sizeof num, "%d", ++k);
        int node = add_node(t, -1, l->project < 0 ? ROW_BOLD : 0, num, lb.buf);
        t->nodes[node].source = xstrdup(ds->cat->sources[l->source].name);
        t->nodes[node].note = xstrdup(note.buf);
        t->leaf_of[i] = node;
    }
    strbuf_release(&lb);
    strbuf_release(&note);
    return rc;
}
