/*
 * contents: the distinct content items (nội dung thực hiện) written on plan
 * rows, per unit (commune), project and plan year, for the plan document's
 * "a) Nội dung thực hiện". The unit lets a report split per district list
 * only its own communes' items; a document lists each text once. Texts are matched after NFC and case folding; each keeps the
 * position it was first seen at, and contents_sort orders them by it, so
 * the list reads in file order whatever thread read which row.
 */
#ifndef MTQG_CONTENTS_H
#define MTQG_CONTENTS_H

#include <stdint.h>

#include "../util/strmap.h"

typedef struct content_item {
    uint32_t unit;   /* as in cube_key */
    int project, year;
    int text;        /* id in texts: one text, however often it was written */
    uint64_t pos;
} content_item;

typedef struct contents {
    strmap keys;     /* text_key -> text id */
    strmap raw;      /* exact bytes -> text id: repeated texts skip normalising */
    uint32_t *slots; /* index of items by (unit, project, year, text): item id + 1,
                      * 0 empty; linear probing, load <= 1/2 (4 bytes an item, not
                      * a map entry and a key of its own: a national plan has 10^5) */
    size_t cap;
    int ntexts, texts_alloc;
    char **texts;    /* NFC, as first written */
    int n, alloc;
    content_item *items;
} contents;

/** contents_init / contents_free */
void contents_init(contents *c);
void contents_free(contents *c);
/** contents_add - record text for (unit, project, year), seen at pos. -1: bad UTF-8. */
int contents_add(contents *c, uint32_t unit, int project, int year, const char *text,
                 size_t len, uint64_t pos);
/**
 * contents_merge - fold src into dst, its units renumbered by remap (as
 * units_merge gives it; NULL: the same numbers); an item whose unit maps
 * to -1 is left out. Texts match by key: src's own while it is not
 * sorted, else normalised again.
 */
void contents_merge(contents *dst, const contents *src, const int *remap);
/** contents_sort - order items by first-seen position; add nothing after. */
void contents_sort(contents *c);
/** contents_text - the text of an item. */
const char *contents_text(const contents *c, const content_item *it);

#endif
