/*
 * record: one row of an input file as an array of text cells, the unit
 * every reader produces (CSV now; other formats later) and the row parser
 * consumes. Cells point into the reader's buffer, are NUL-terminated (len
 * does not count the NUL), and are valid only during the callback.
 */
#ifndef MTQG_RECORD_H
#define MTQG_RECORD_H

#include <stddef.h>

typedef struct record {
    int n;                 /* number of cells */
    const char *const *cell;
    const size_t *len;
    long index;            /* 0-based record number within the range read */
} record;

/** A reader calls this once per record; non-zero stops the reading. */
typedef int (*record_fn)(void *ctx, const record *r);

#endif
