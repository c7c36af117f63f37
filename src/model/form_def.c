/*
 * form_def: reading a form template (see form_def.h): [form] settings,
 * [labels], and [columns] lines "id | header > path | measure | filter |
 * width". Column references in
 * sum(...) and rate(...) may point forward; they are resolved, and checked
 * for cycles, once every column is read.
 */
#include "form_def.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/linefile.h"

static int col_index(const form *f, const char *id)
{
    for (int i = 0; i < f->ncols; i++)
        if (!strcmp(f->cols[i].id, id)) return i;
    return -1;
}

static int parse_measure(form_col *c, const char *m, char *argtext)
{
    static const struct { const char *name; form_measure m; } simple[] = {
        {"stt", M_STT}, {"label", M_LABEL}, {"uom", M_UOM}, {"source", M_SOURCE},
        {"note", M_NOTE}, {"plan", M_PLAN}, {"disbursed", M_DISBURSED},
        {"target", M_TARGET}, {"achieved", M_ACHIEVED}, {"assigned", M_ASSIGNED},
        {"allocated", M_ALLOCATED}};
    for (size_t i = 0; i < sizeof simple / sizeof simple[0]; i++)
        if (!strcmp(m, simple[i].name)) {
            c->measure = simple[i].m;
            return 0;
        }
    const char *open = strchr(m, '('), *close = strrchr(m, ')');
    if (!open || !close || close < open || close[1]) return -1;
    size_t nlen = (size_t)(open - m);
    if (nlen == 3 && !strncmp(m, "sum", 3)) c->measure = M_SUM;
    else if (nlen == 4 && !strncmp(m, "rate", 4)) c->measure = M_RATE;
    else if (nlen == 4 && !strncmp(m, "diff", 4)) c->measure = M_DIFF;
    else return -1;
    /* Arguments stay as text until every column is known. */
    size_t alen = (size_t)(close - open - 1);
    memcpy(argtext, open + 1, alen);
    argtext[alen] = '\0';
    return 0;
}

static int parse_filter(form_col *c, char *text, const catalogue *cat,
                        linefile *lf, strbuf *err)
{
    c->sources = ~0ull;
    char *parts[8];
    int n = *text ? split_fields(text, ';', parts, 8) : 0;
    for (int i = 0; i < n; i++) {
        char *k, *v;
        if (split_key_value(parts[i], &k, &v) < 0)
            return linefile_error(lf, err, "bộ lọc \"%s\" cần dạng khóa=giá trị", parts[i]);
        if (!strcmp(k, "capital")) {
            int back, used = 0;
            if (!strcmp(v, "current")) c->capital = CAPITAL_CURRENT;
            else if (!strcmp(v, "extended")) c->capital = CAPITAL_EXTENDED;
            else if (sscanf(v, "year-%d%n", &back, &used) == 1 && back >= 1 && back <= 20 &&
                     (!v[used] || !strcmp(v + used, "-or-earlier"))) {
                /* Extended capital one year at a time, as issued plans list it. */
                c->capital = CAPITAL_YEAR;
                c->cap_back = back;
                c->cap_earlier = v[used] != '\0';
            } else if (strcmp(v, "all"))
                return linefile_error(lf, err, "capital= cần current, extended, year-N, "
                                      "year-N-or-earlier (N từ 1 đến 20) hoặc all");
            continue;
        }
        if (!strcmp(k, "scope")) {
            if (!strcmp(v, "rate")) c->scope = SCOPE_RATE;
            else if (!strcmp(v, "outside")) c->scope = SCOPE_OUTSIDE;
            else return linefile_error(lf, err, "scope= cần rate hoặc outside");
            continue;
        }
        uint64_t set = 0;
        char *codes[64];
        int nc = split_fields(v, ',', codes, 64);
        for (int j = 0; j < nc; j++) {
            int s, g, t, found = 0;
            for (s = 0; s < cat->nsources && s < 64; s++) {
                const cat_source *src = &cat->sources[s];
                if ((!strcmp(k, "source") && !strcmp(src->code, codes[j])) ||
                    (!strcmp(k, "group") && (g = catalogue_group_by_code(cat, codes[j])) >= 0 &&
                     src->group == g) ||
                    (!strcmp(k, "type") && (t = catalogue_type_by_code(cat, codes[j])) >= 0 &&
                     src->type == t))
                    set |= 1ull << s, found = 1;
            }
            if (!found)
                return linefile_error(lf, err, "bộ lọc %s=%s: không có trong danh mục "
                                      "(source, group hoặc type)", k, codes[j]);
        }
        c->sources &= set;
    }
    return 0;
}

static int load_column(form *f, linefile *lf, const catalogue *cat,
                       char argtext[][256], strbuf *err)
{
    char *fld[6];
    int n = split_fields(lf->line.buf, '|', fld, 6);
    if (n != 5)
        return linefile_error(lf, err, "cột cần 5 trường: mã | tiêu đề | chỉ tiêu | bộ lọc | độ rộng");
    if (f->ncols >= FORM_MAX_COLS)
        return linefile_error(lf, err, "quá %d cột", FORM_MAX_COLS);
    if (col_index(f, fld[0]) >= 0 || !*fld[0])
        return linefile_error(lf, err, "mã cột \"%s\" trống hoặc trùng", fld[0]);
    form_col *c = &f->cols[f->ncols];
    memset(c, 0, sizeof *c);
    if (strlen(fld[2]) > 250 || parse_measure(c, fld[2], argtext[f->ncols]) < 0)
        return linefile_error(lf, err, "chỉ tiêu \"%s\" không hợp lệ (stt, label, uom, source, "
                              "note, plan, disbursed, target, achieved, assigned, allocated, "
                              "sum(...), diff(a, b), rate(a, b))", fld[2]);
    char *levels[FORM_MAX_DEPTH + 1];
    c->depth = split_fields(fld[1], '>', levels, FORM_MAX_DEPTH + 1);
    if (c->depth > FORM_MAX_DEPTH)
        return linefile_error(lf, err, "tiêu đề quá %d tầng", FORM_MAX_DEPTH);
    char *end;
    c->width = strtod(fld[4], &end);
    if (*end || c->width <= 0 || c->width > 200)
        return linefile_error(lf, err, "độ rộng \"%s\" không hợp lệ", fld[4]);
    if (parse_filter(c, fld[3], cat, lf, err) < 0) return -1;
    if (c->scope) f->scoped = 1;
    c->id = xstrdup(fld[0]);
    c->lineno = lf->lineno;
    for (int i = 0; i < c->depth; i++) c->path[i] = xstrdup(levels[i]);
    f->ncols++;
    return 0;
}

static int is_numeric(const form_col *c)
{
    return c->measure >= M_PLAN && c->measure <= M_DIFF;
}

static int resolve_args(form *f, char argtext[][256], strbuf *err)
{
    for (int i = 0; i < f->ncols; i++) {
        form_col *c = &f->cols[i];
        if (c->measure != M_SUM && c->measure != M_RATE && c->measure != M_DIFF) continue;
        char *ids[16];
        c->nargs = split_fields(argtext[i], ',', ids, 16);
        for (int a = 0; a < c->nargs; a++) {
            int k = col_index(f, ids[a]);
            if (k < 0 || k == i || !is_numeric(&f->cols[k])) {
                strbuf_addf(err, "%s:%d: cột %s: \"%s\" không phải một cột số của biểu",
                            f->file, c->lineno, c->id, ids[a]);
                return -1;
            }
            c->args[a] = k;
        }
        if ((c->measure != M_SUM && c->nargs != 2) || c->nargs == 0) {
            strbuf_addf(err, "%s:%d: cột %s: rate(...) và diff(...) cần đúng hai cột, sum(...) ít nhất một",
                        f->file, c->lineno, c->id);
            return -1;
        }
    }
    return 0;
}

/* A sum may use a sum, but never itself through a chain. */
static int has_cycle(const form *f, int c, int depth)
{
    if (depth > f->ncols) return 1;
    for (int a = 0; a < f->cols[c].nargs; a++)
        if (has_cycle(f, f->cols[c].args[a], depth + 1)) return 1;
    return 0;
}

/* "numbering = roman, arabic, dotted": one style per row depth. */
static int parse_numbering(form *f, linefile *lf, char *v, strbuf *err)
{
    static const char *const names[] = {"keep", "roman", "arabic", "dotted", "letter", "none"};
    char *parts[8];
    int n = split_fields(v, ',', parts, 8);
    if (n > FORM_MAX_ROW_DEPTH)
        return linefile_error(lf, err, "numbering: nhiều nhất %d tầng", FORM_MAX_ROW_DEPTH);
    for (int i = 0; i < n; i++) {
        int style = -1;
        for (int k = 0; k < 6; k++)
            if (!strcmp(parts[i], names[k])) style = k;
        if (style < 0)
            return linefile_error(lf, err, "numbering: \"%s\" không hợp lệ (keep, roman, arabic, "
                                  "dotted, letter, none)", parts[i]);
        f->numbering[i] = (number_style)style;
    }
    f->nnumbering = n;
    return 0;
}

static int set_form_key(form *f, linefile *lf, strbuf *err)
{
    char *k, *v;
    if (split_key_value(lf->line.buf, &k, &v) < 0)
        return linefile_error(lf, err, "cần \"khóa = giá trị\"");
    if (!strcmp(lf->section.buf, "labels")) {
        vars_set(&f->labels, k, v);
        return 0;
    }
    char **field = !strcmp(k, "name") ? &f->name : !strcmp(k, "sheet") ? &f->sheet
                 : !strcmp(k, "title") ? &f->title : !strcmp(k, "subtitle") ? &f->subtitle
                 : !strcmp(k, "unit") ? &f->unit
                 : !strcmp(k, "continued") ? &f->continued : NULL;
    if (field) {
        free(*field);
        *field = xstrdup(v);
        return 0;
    }
    if (!strcmp(k, "rows")) {
        if (!strcmp(v, "project")) f->rows = ROWS_PROJECT;
        else if (!strcmp(v, "commune")) f->rows = ROWS_COMMUNE;
        else if (!strcmp(v, "indicator")) f->rows = ROWS_INDICATOR;
        else if (!strcmp(v, "control")) f->rows = ROWS_CONTROL;
        else return linefile_error(lf, err, "rows cần project, commune, indicator hoặc control");
        return 0;
    }
    if (!strcmp(k, "numbering")) return parse_numbering(f, lf, v, err);
    if (!strcmp(k, "year")) {
        if (!strcmp(v, "report")) f->year_offset = 0;
        else if (!strcmp(v, "previous")) f->year_offset = -1;
        else return linefile_error(lf, err, "year cần report hoặc previous");
        return 0;
    }
    return linefile_error(lf, err, "khóa \"%s\" không được hỗ trợ trong [form]", k);
}

static int load_line(form *f, linefile *lf, const catalogue *cat,
                     char argtext[][256], strbuf *err)
{
    const char *sec = lf->section.buf;
    if (!strcmp(sec, "form") || !strcmp(sec, "labels")) return set_form_key(f, lf, err);
    if (!strcmp(sec, "columns")) return load_column(f, lf, cat, argtext, err);
    return linefile_error(lf, err, "dòng nằm ngoài các mục [form], [labels], [columns]");
}

int form_load(form *f, const char *path, const catalogue *cat, strbuf *err)
{
    memset(f, 0, sizeof *f);
    vars_init(&f->labels);
    f->file = xstrdup(path);
    linefile lf;
    if (linefile_open(&lf, path, err) < 0) return -1;
    char (*argtext)[256] = xcalloc(FORM_MAX_COLS, 256);
    int is_section, rc = 0;
    while (rc == 0 && linefile_next(&lf, &is_section))
        if (!is_section) rc = load_line(f, &lf, cat, argtext, err);
    linefile_close(&lf);
    if (rc == 0 && (!f->name || !f->title || !f->sheet || f->ncols == 0)) {
        strbuf_addf(err, "%s: biểu cần name, sheet, title và ít nhất một cột", path);
        rc = -1;
    }
    if (rc == 0) rc = resolve_args(f, argtext, err);
    for (int i = 0; rc == 0 && i < f->ncols; i++)
        if (has_cycle(f, i, 0)) {
            strbuf_addf(err, "%s:%d: cột %s tự tham chiếu vòng tròn", path, f->cols[i].lineno,
                        f->cols[i].id);
            rc = -1;
        }
    free(argtext);
    return rc;
}

uint64_t form_col_sources(const form_col *c, uint64_t rate_sources)
{
    return c->scope == SCOPE_RATE ? c->sources & rate_sources
         : c->scope == SCOPE_OUTSIDE ? c->sources & ~rate_sources : c->sources;
}

void form_set_rate_sources(form *f, uint64_t rate_sources)
{
    for (int i = 0; i < f->ncols; i++) {
        form_col *c = &f->cols[i];
        c->sources = form_col_sources(c, rate_sources);
        c->scope = SCOPE_ANY; /* once: a second call must not narrow again */
    }
    f->scope_set = 1;
}

void form_free(form *f)
{
    free(f->file);
    free(f->name);
    free(f->sheet);
    free(f->title);
    free(f->subtitle);
    free(f->unit);
    free(f->continued);
    vars_free(&f->labels);
    for (int i = 0; i < f->ncols; i++) {
        free(f->cols[i].id);
        for (int d = 0; d < f->cols[i].depth; d++) free(f->cols[i].path[d]);
    }
    memset(f, 0, sizeof *f);
}
