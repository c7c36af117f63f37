/*
 * table: the one table model both back ends draw (the workbook sheet and the
 * PDF appendix), so the two cannot disagree on a figure.
 *
 * A table is a grid: leaf columns, a header laid out as merged cells over
 * those columns, a column-number row ("(1)", "(3)=(4)+(5)"), and body rows.
 * Every body cell holds an exact value computed from the cube; the workbook
 * also writes formulas (subtotal rows sum their children, derived columns
 * sum or divide other columns) with those values cached, while the PDF
 * prints the values. Rows know their level, numbering and style.
 */
#ifndef MTQG_TABLE_H
#define MTQG_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "../util/strbuf.h"

typedef enum {
    COL_TEXT = 0, /* STT, label, unit of measure */
    COL_MONEY,    /* đồng, shown in triệu with up to 3 decimals */
    COL_QTY,      /* thousandths of a physical unit */
    COL_RATE      /* ratio of two other columns, shown as 89,1% */
} table_col_kind;

typedef enum {
    DERIVE_NONE = 0,
    DERIVE_SUM,   /* value = sum of the columns in `args` */
    DERIVE_RATIO, /* value = args[0] / args[1] */
    DERIVE_DIFF   /* value = args[0] - args[1] */
} table_derive;

typedef struct table_column {
    table_col_kind kind;
    double width;        /* in characters of the body font (workbook units) */
    table_derive derive;
    int nargs;
    int args[16];        /* column indices */
    char *number_label;  /* "(3)=(4)+(5)" */
} table_column;

/* One merged header cell, in header-grid coordinates. */
typedef struct table_header_cell {
    int row, col, rowspan, colspan;
    char *text;
} table_header_cell;

typedef enum { ROW_NORMAL = 0, ROW_BOLD = 1, ROW_ITALIC = 2 } table_row_style;

/* A cell holds what its column's kind says, in one union, and whether it
 * holds anything is a bit of its row (table_cell_present): a national
 * table has 10^5 cells, and they are most of the writing stage's memory. */
typedef union table_cell {
    int64_t value;                      /* COL_MONEY: đồng; COL_QTY: thousandths */
    struct { int64_t num, den; };       /* COL_RATE: the exact ratio; den 0 prints "-" */
    char *text;                         /* COL_TEXT (owned) */
} table_cell;

#define TABLE_MAX_COLS 64 /* a row's cells present are the bits of a uint64_t */

typedef struct table_row {
    int level;           /* 0 total, 1 section, 2 item, 3 sub-item */
    int style;           /* table_row_style bits */
    int is_subtotal;     /* value cells are sums of the child rows */
    int nchildren;
    int *children;       /* row indices whose sum this row is */
    uint64_t present;    /* bit c: cell c holds a value; else it is empty */
    table_cell *cells;   /* ncols cells */
} table_row;

typedef struct table {
    char *sheet_name;    /* <= 31 chars, no []:*?/\ */
    char *form_name;     /* "Biểu số 01" */
    char *title;         /* upper case in output */
    char *subtitle;      /* scope and period */
    char *unit_line;     /* "Đơn vị tính: triệu đồng" */
    char *continued;     /* "Biểu số 03 (tiếp theo)": heads a band of columns */
    char *form_id;       /* the form file's name without folder and ".txt" */
    int check;           /* a check of the data (control totals), not part of a document */
    int ncols;
    table_column *cols;
    int header_rows;
    int nheader;
    table_header_cell *header;
    int nrows, rows_alloc;
    table_row *rows;
} table;

/**
 * table_new - an empty table with ncols columns (all COL_TEXT, width 10);
 * at most TABLE_MAX_COLS (a form has at most as many).
 */
table *table_new(int ncols);
/** table_free - release the table and every string it holds. */
void table_free(table *t);
/** table_set_text - replace one of the table's strings (copied). */
void table_set_text(char **field, const char *s);
/** table_add_header - add one merged header cell (text copied). */
void table_add_header(table *t, int row, int col, int rowspan, int colspan,
                      const char *text);
/** table_add_row - append a body row with empty cells; returns its index. */
int table_add_row(table *t, int level, int style);
/** table_row_add_child - record that row `child` sums into row `parent`. */
void table_row_add_child(table *t, int parent, int child);
/** table_cell_text - set a cell of a COL_TEXT column (copied). */
void table_cell_text(table *t, int row, int col, const char *s);
/** table_cell_present - whether cell (row, col) holds a value. */
static inline int table_cell_present(const table *t, int row, int col)
{
    return (int)((t->rows[row].present >> col) & 1);
}
/** table_cell_clear - empty a cell of a figure column. */
void table_cell_clear(table *t, int row, int col);
/** table_cell_value - set a cell of a money or quantity column. */
void table_cell_value(table *t, int row, int col, int64_t v);
/** table_cell_ratio - set a cell of a rate column. */
void table_cell_ratio(table *t, int row, int col, int64_t num, int64_t den);
/**
 * table_compute_derived - fill every DERIVE_SUM / DERIVE_RATIO cell of every
 * row from the other cells, exactly. Call once after the leaf cells are set.
 * Returns 0, or -1 when a sum or difference would leave int64: that cell is
 * left absent and its row and column are in *bad_row, *bad_col (the first).
 */
int table_compute_derived(table *t, int *bad_row, int *bad_col);
/**
 * table_key_columns - how many leading text columns (STT, the row label)
 * name a row. A table split into column bands repeats them in every band.
 */
int table_key_columns(const table *t);

/**
 * table_plan_bands - cut a table too wide for its page into column bands.
 * Widths are the columns' `width`. A table no wider than `keep` stays
 * whole (figures a little under the size wanted read better than twice
 * the pages); a wider one is cut into bands, each the key columns plus a
 * run of the others, at most `cut` wide in all. Cuts avoid splitting a
 * header cell whose columns are leaves (a plan / disbursed / rate group
 * stays whole) unless such a group alone is wider than a band; among the
 * fewest bands, cuts through the fewest header cells win, then the most
 * even bands. A column wider than a band gets a band of its own.
 * starts[b] receives the first column of band b (starts[0] is the first
 * non-key column). Returns the number of bands: 1 when the table stays
 * whole or has no column beyond its key, or when more than max would be
 * needed.
 */
int table_plan_bands(const table *t, double keep, double cut, int *starts, int max);

/**
 * table_columns - a new table of the key columns and columns [from, to) of
 * t: titles, widths, number labels and cells copied, header cells clipped
 * to the columns kept, derivations dropped (the values are already in the
 * cells). The caller frees it with table_free.
 */
table *table_columns(const table *t, int from, int to);

/** table_row_name - "STT label" of a body row, for messages (into out). */
void table_row_name(const table *t, int row, strbuf *out);
/**
 * table_check_sums - verify that every subtotal row equals the sum of its
 * children in every money/quantity column. Returns the number of
 * mismatches (0 for a sound table); used by tests and as a run check.
 */
int table_check_sums(const table *t);

#endif
