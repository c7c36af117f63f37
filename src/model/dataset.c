/* dataset lifetime. */
#include "dataset.h"

#include "../util/decimal.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "../util/checked.h"

void dataset_init(dataset *d, const catalogue *cat)
{
    memset(d, 0, sizeof *d);
    d->cat = cat;
    units_init(&d->units);
    cube_init(&d->cube);
    indicators_init(&d->ind);
    contents_init(&d->items);
    controls_init(&d->checks);
}

void dataset_free(dataset *d)
{
    units_free(&d->units);
    cube_free(&d->cube);
    indicators_free(&d->ind);
    contents_free(&d->items);
    controls_free(&d->checks);
    for (int i = 0; i < d->nfiles; i++) free(d->files[i].path);
    free(d->files);
    if (d->rejects) fclose(d->rejects);
    for (int i = 0; i < d->nnotes; i++) free(d->notes[i]);
    free(d->notes);
    for (int i = 0; i < d->nerrors; i++) free(d->errors[i]);
    free(d->errors);
    memset(d, 0, sizeof *d);
}

void dataset_release_aggregates(dataset *d)
{
    units_free(&d->units);
    cube_free(&d->cube);
    indicators_free(&d->ind);
    contents_free(&d->items);
}

/* Append a formatted line to a list of lines (notes, errors). */
static void add_line(char ***v, int *n, int *alloc, const char *fmt, va_list ap)
{
    strbuf sb = STRBUF_INIT;
    strbuf_vaddf(&sb, fmt, ap);
    ALLOC_GROW(*v, *n + 1, *alloc);
    (*v)[(*n)++] = strbuf_detach(&sb, NULL);
}

void dataset_note(dataset *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add_line(&d->notes, &d->nnotes, &d->notes_alloc, fmt, ap);
    va_end(ap);
}

void dataset_error(dataset *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add_line(&d->errors, &d->nerrors, &d->errors_alloc, fmt, ap);
    va_end(ap);
}

void dataset_subset(dataset *dst, const dataset *src, const unsigned char *keep)
{
    dataset_init(dst, src->cat);
    int *remap = xcalloc((size_t)src->units.nunits + 1, sizeof(int));
    units_merge_some(&dst->units, &src->units, keep, remap);
    cube_merge(&dst->cube, &src->cube, remap, 0);
    indicators_merge(&dst->ind, &src->ind, remap);
    indicators_sort(&dst->ind);
    contents_merge(&dst->items, &src->items, remap);
    contents_sort(&dst->items);
    dst->nfiles = src->nfiles;
    dst->files = xcalloc((size_t)src->nfiles + 1, sizeof(file_stats));
    for (int i = 0; i < src->nfiles; i++) {
        dst->files[i] = src->files[i];
        dst->files[i].path = xstrdup(src->files[i].path);
    }
    dst->rejected_total = src->rejected_total;
    dst->duplicates_total = src->duplicates_total;
    for (int i = 0; i < src->nnotes; i++) dataset_note(dst, "%s", src->notes[i]);
    for (int i = 0; i < src->nerrors; i++) dataset_error(dst, "%s", src->errors[i]);
    free(remap);
}

#define RANGE_TEXT "vượt quá giới hạn tính chính xác (±9.223.372.036.854.775.807 đồng)"

static void name_cube_cell(const dataset *d, const cube_cell *c, strbuf *err)
{
    strbuf_addf(err, "%s, dự án %s, nguồn %s, năm %d", units_name(&d->units, (int)c->key.unit),
                d->cat->projects[c->key.project].code, d->cat->sources[c->key.source].code,
                c->key.year);
    if (c->key.cap_year != c->key.year) strbuf_addf(err, " (vốn năm %d)", c->key.cap_year);
}

int dataset_check_range(const dataset *d, strbuf *err)
{
    int64_t plan = 0, disb = 0;
    for (size_t i = 0; i < d->cube.count; i++) {
        const cube_cell *c = cube_at(&d->cube, i);
        int bad_plan = (c->overflow & CUBE_PLAN_OVERFLOW) || checked_abs_add(&plan, c->plan);
        int bad_disb = (c->overflow & CUBE_DISB_OVERFLOW) || checked_abs_add(&disb, c->disbursed);
        if (!bad_plan && !bad_disb) continue;
        strbuf_addf(err, "tổng %s %s%s tại ô: ", bad_plan ? "kế hoạch vốn" : "giải ngân",
                    c->overflow ? "" : "của mọi ô cộng lại ", RANGE_TEXT);
        name_cube_cell(d, c, err);
        return -1;
    }
    int64_t target = 0, achieved = 0;
    for (int i = 0; i < d->ind.ncells; i++) {
        const ind_cell *c = &d->ind.cells[i];
        if (!c->overflow && !checked_abs_add(&target, c->target) &&
            !checked_abs_add(&achieved, c->achieved))
            continue;
        strbuf_addf(err, "tổng chỉ tiêu %s tại ô: %s, dự án %s, chỉ tiêu \"%s\", năm %d", RANGE_TEXT,
                    units_name(&d->units, (int)c->unit), d->cat->projects[c->project].code,
                    d->ind.names[c->name], c->year);
        return -1;
    }
    int64_t assigned = 0;
    for (int i = 0; i < d->checks.n; i++) {
        const control_line *l = &d->checks.lines[i];
        if (!l->overflow && !checked_abs_add(&assigned, l->assigned)) continue;
        strbuf_addf(err, "tổng vốn được giao %s tại dòng: dự án %s, nguồn %s, năm %d", RANGE_TEXT,
                    l->project < 0 ? "(tất cả)" : d->cat->projects[l->project].code,
                    d->cat->sources[l->source].code, l->year);
        return -1;
    }
    return 0;
}

#define MAX_LISTED 50

int dataset_check_results(dataset *ds, year_span span)
{
    int any_plan = 0;
    long over = 0;
    for (size_t i = 0; i < ds->cube.count; i++) {
        const cube_cell *c = cube_at(&ds->cube, i);
        if (!year_span_has(span, c->key.year)) continue;
        if (c->plan) any_plan = 1;
        if (c->disbursed <= c->plan) continue;
        if (++over > MAX_LISTED) continue;
        const unit_entry *u = &ds->units.units[c->key.unit];
        strbuf p = STRBUF_INIT, d = STRBUF_INIT, where = STRBUF_INIT;
        decimal_format(&p, c->plan, 6, 6, DECIMAL_TRIM_ZEROS);
        decimal_format(&d, c->disbursed, 6, 6, DECIMAL_TRIM_ZEROS);
        if (u->kind == UNIT_COMMUNE)
            strbuf_addf(&where, "%s%s%s%s", units_name(&ds->units, (int)c->key.unit), u->code && *u->code ? " (" : "",
                        u->code ? u->code : "", u->code && *u->code ? ")" : "");
        else
            strbuf_adds(&where, u->kind == UNIT_DISTRICT_LEVEL ? "cấp huyện" : "cấp tỉnh");
        strbuf_addf(&where, ", %s, %s, năm %d", ds->cat->projects[c->key.project].code,
                    ds->cat->sources[c->key.source].code, c->key.year);
        if (c->key.cap_year != c->key.year) strbuf_addf(&where, " (vốn năm %d)", c->key.cap_year);
        strbuf_addf(&where, ": giải ngân %s triệu đồng vượt kế hoạch %s triệu đồng", d.buf, p.buf);
        if (c->plan > 0) {
            strbuf_adds(&where, " (");
            decimal_rate_format(&where, c->disbursed, c->plan);
            strbuf_adds(&where, ")");
        }
        dataset_error(ds, "%s", where.buf);
        strbuf_release(&p);
        strbuf_release(&d);
        strbuf_release(&where);
    }
    if (over > MAX_LISTED)
        dataset_error(ds, "và %ld ô khác giải ngân vượt kế hoạch", over - MAX_LISTED);
    if (any_plan) return 0;
    if (span.from == span.to)
        dataset_error(ds, "không có dòng kế hoạch vốn nào của năm %d: không lập báo cáo có kế hoạch bằng 0", span.to);
    else
        dataset_error(ds, "không có dòng kế hoạch vốn nào của các năm %d-%d: không lập báo cáo có kế hoạch "
                      "bằng 0", span.from, span.to);
    return 1;
}

void dataset_regroup(dataset *d, units *nu, const int *remap)
{
    cube c;
    indicators in;
    contents items;
    cube_init(&c);
    indicators_init(&in);
    contents_init(&items);
    /* Summed, not "latest wins": the cells of distinct old units are
     * distinct amounts even when each is a snapshot. */
    cube_merge(&c, &d->cube, remap, 0);
    indicators_merge(&in, &d->ind, remap);
    indicators_sort(&in);
    contents_merge(&items, &d->items, remap);
    contents_sort(&items);
    units_free(&d->units);
    cube_free(&d->cube);
    indicators_free(&d->ind);
    contents_free(&d->items);
    d->units = *nu;
    d->cube = c;
    d->ind = in;
    d->items = items;
    memset(nu, 0, sizeof *nu);
}

const char *input_kind_name(input_kind k)
{
    static const char *names[] = {"ke_hoach", "giai_ngan", "chi_tieu", "giao_von"};
    return k < KIND_COUNT ? names[k] : "?";
}
