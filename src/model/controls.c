/* Assigned totals and their comparison; see controls.h. */
#include "controls.h"

#include <stdlib.h>
#include <string.h>

#include "../util/checked.h"
#include "../util/strbuf.h"

void controls_init(controls *c)
{
    memset(c, 0, sizeof *c);
    strmap_init(&c->keys);
}

void controls_free(controls *c)
{
    free(c->lines);
    strmap_free(&c->keys);
    memset(c, 0, sizeof *c);
}

void controls_add(controls *c, int year, int cap_year, int project, int source,
                  int64_t amount)
{
    int32_t key[4] = {year, cap_year, project, source};
    int id = strmap_get(&c->keys, (const char *)key, sizeof key);
    if (id < 0) {
        ALLOC_GROW(c->lines, c->n + 1, c->alloc);
        id = c->n++;
        c->lines[id] = (control_line){year, cap_year, project, source, 0, 0, 0};
        strmap_put(&c->keys, (const char *)key, sizeof key, id);
    }
    if (checked_add(&c->lines[id].assigned, amount)) c->lines[id].overflow = 1;
}

void controls_merge(controls *dst, const controls *src)
{
    for (int i = 0; i < src->n; i++) {
        const control_line *l = &src->lines[i];
        controls_add(dst, l->year, l->cap_year, l->project, l->source, l->assigned);
        if (l->overflow) {
            int32_t key[4] = {l->year, l->cap_year, l->project, l->source};
            dst->lines[strmap_get(&dst->keys, (const char *)key, sizeof key)].overflow = 1;
        }
    }
}

static int by_order(const void *a, const void *b)
{
    const control_line *x = a, *y = b;
    if (x->year != y->year) return x->year - y->year;
    if (x->cap_year != y->cap_year) return y->cap_year - x->cap_year;
    if (x->project != y->project) return x->project - y->project; /* -1 first */
    return x->source - y->source;
}

void controls_compare(controls *c, const cube *cb, const catalogue *cat)
{
    for (int i = 0; i < c->n; i++) c->lines[i].allocated = 0;
    for (size_t k = 0; k < cb->count; k++) {
        const cube_cell *cell = cube_at(cb, k);
        if (!cell->plan) continue;
        for (int i = 0; i < c->n; i++) {
            control_line *l = &c->lines[i];
            if (l->year == cell->key.year && l->cap_year == cell->key.cap_year &&
                l->source == cell->key.source &&
                (l->project < 0 || catalogue_is_under(cat, l->project, cell->key.project)))
                l->overflow |= checked_add(&l->allocated, cell->plan);
        }
    }
    if (c->n > 1) qsort(c->lines, (size_t)c->n, sizeof *c->lines, by_order);
    strmap_free(&c->keys);
    strmap_init(&c->keys);
    for (int i = 0; i < c->n; i++) {
        const control_line *l = &c->lines[i];
        int32_t key[4] = {l->year, l->cap_year, l->project, l->source};
        strmap_put(&c->keys, (const char *)key, sizeof key, i);
    }
}

control_state control_line_state(const control_line *l, int64_t tolerance)
{
    int64_t d = l->allocated - l->assigned;
    if (d == 0) return CONTROL_MATCH;
    return (d < 0 ? -d : d) <= tolerance ? CONTROL_ROUNDING : CONTROL_MISMATCH;
}
