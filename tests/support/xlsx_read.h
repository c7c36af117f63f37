/*
 * xlsx_read: a small reader of .xlsx workbooks for the whole-run tests. It
 * shares nothing with the writer under test: minizip opens the package and
 * a small XML tokenizer reads xl/workbook.xml (+ its rels),
 * xl/sharedStrings.xml and each worksheet, keeping every cell with its
 * formula (if any), its cached value as written in the file, and its style.
 *
 * Linked into every test by the Makefile, like testutil.o.
 */
#ifndef MTQG_XLSX_READ_H
#define MTQG_XLSX_READ_H

#include <stddef.h>

#include "util/strbuf.h"

typedef enum {
    XC_NUMBER,  /* no t attribute, or t="n" */
    XC_SHARED,  /* t="s": text is the shared string */
    XC_STR,     /* t="str": a formula's string result */
    XC_INLINE,  /* t="inlineStr" */
    XC_BOOL,    /* t="b" */
    XC_ERROR    /* t="e" */
} xlsx_cell_type;

typedef struct xlsx_cell {
    int row;               /* 1-based */
    int col;               /* 0-based: A = 0 */
    char ref[16];          /* "D8" */
    xlsx_cell_type type;
    int style;             /* s attribute, 0 when absent */
    char *formula;         /* text of <f>, NULL when the cell has none */
    int has_value;         /* a <v> (or inline string) was present */
    char *text;            /* value as written; shared strings resolved */
} xlsx_cell;

typedef struct xlsx_sheet {
    char *name;            /* from xl/workbook.xml */
    char *part;            /* "xl/worksheets/sheet1.xml" */
    int n;
    xlsx_cell *cells;      /* in document order */
} xlsx_sheet;

typedef struct xlsx_book {
    int nsheets;
    xlsx_sheet *sheets;    /* in workbook order */
} xlsx_book;

/** xlsx_entry - one member of the zip package (NUL-terminated); NULL if absent. */
char *xlsx_entry(const char *path, const char *name, size_t *len);
/** xlsx_load - read every sheet; 0, or -1 with the reason in err. */
int xlsx_load(xlsx_book *b, const char *path, strbuf *err);
void xlsx_free(xlsx_book *b);

/** xlsx_sheet_named - the sheet called name; NULL when the book has none. */
const xlsx_sheet *xlsx_sheet_named(const xlsx_book *b, const char *name);
/** xlsx_col - "A" -> 0, "AB" -> 27. */
int xlsx_col(const char *letters);
/** xlsx_at - the cell at row (1-based), col (0-based); NULL when not written. */
const xlsx_cell *xlsx_at(const xlsx_sheet *s, int row, int col);
/** xlsx_text - the cell's text, "" when the cell is absent or has no value. */
const char *xlsx_text(const xlsx_sheet *s, int row, int col);
/** xlsx_find_row - first row >= from whose cell in col reads exactly text; -1. */
int xlsx_find_row(const xlsx_sheet *s, int col, const char *text, int from);
/** xlsx_max_row - the last row holding a cell, 0 for an empty sheet. */
int xlsx_max_row(const xlsx_sheet *s);

#endif
