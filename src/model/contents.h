/*
 * contents: the distinct content items (nội dung thực hiện) written on plan
 * rows, per project and plan year, for the plan document's "a) Nội dung
 * thực hiện". Texts are matched after NFC and case folding; each keeps the
 * position it was first seen at, and contents_sort orders them by it, so
 * the list reads in file order whatever thread read which row.
 */
#ifndef MTQG_CONTENTS_H
#define MTQG_CONTENTS_H

#include <stdint.h>

#include "../util/strmap.h"

typedef struct content_item {
    int project, year;
    char *text;
    uint64_t pos;
} content_item;

typedef struct contents {
    strmap keys;
    strmap raw;      /* exact bytes -> id: repeated texts skip normalising */
    int n, alloc;
    content_item *items;
} contents;

/** contents_init / contents_free */
void contents_init(contents *c);
void contents_free(contents *c);
/** contents_add - record text for (project, year), seen at pos. -1: bad UTF-8. */
int contents_add(contents *c, int project, int year, const char *text, size_t len,
                 uint64_t pos);
/** contents_merge - fold src into dst. */
void contents_merge(contents *dst, const contents *src);
/** contents_sort - order items by first-seen position. */
void contents_sort(contents *c);

#endif
