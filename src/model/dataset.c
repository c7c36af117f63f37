/* dataset lifetime. */
#include "dataset.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

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
    memset(d, 0, sizeof *d);
}

void dataset_release_aggregates(dataset *d)
{
    units_free(&d->units);
    cube_free(&d->cube);
    indicators_free(&d->ind);
    contents_free(&d->items);
}

void dataset_note(dataset *d, const char *fmt, ...)
{
    strbuf sb = STRBUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    strbuf_vaddf(&sb, fmt, ap);
    va_end(ap);
    ALLOC_GROW(d->notes, d->nnotes + 1, d->notes_alloc);
    d->notes[d->nnotes++] = strbuf_detach(&sb, NULL);
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
    free(remap);
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
