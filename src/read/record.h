/*
 * record: one row of an input file as an array of text cells, the unit
 * every reader produces (CSV, XLSX, XLS) and the row parser consumes.
 * Spreadsheet readers also say what each cell was stored as, because a
 * number Excel stored is taken as that number, not read with the text
 * convention ("1.473" stored as a number is one and a bit, not 1473). Cells point into the reader's buffer, are NUL-terminated (len
 * does not count the NUL), and are valid only during the callback.
 */
#ifndef MTQG_RECORD_H
#define MTQG_RECORD_H

#include <stddef.h>

typedef enum {
    CELL_TEXT = 0,   /* text, read with the configured conventions */
    CELL_NUMBER,     /* a number as a decimal string: "1473139.5", "1.5E-3" */
    CELL_DATE,       /* a date the spreadsheet stored as a date: "2024-03-05" */
    CELL_BOOL,       /* "TRUE" / "FALSE" */
    CELL_ERROR       /* an error value such as "#N/A" */
} cell_type;

typedef struct record {
    int n;                 /* number of cells */
    const char *const *cell;
    const size_t *len;
    const unsigned char *type; /* cell_type per cell; NULL: all CELL_TEXT */
    long index;            /* 0-based record number within the range read;
                              a spreadsheet's row r is index r - 1 */
} record;

/** A reader calls this once per record; non-zero stops the reading. */
typedef int (*record_fn)(void *ctx, const record *r);

#endif
