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

const char *input_kind_name(input_kind k)
{
    static const char *names[] = {"ke_hoach", "giai_ngan", "chi_tieu", "giao_von"};
    return k < KIND_COUNT ? names[k] : "?";
}
