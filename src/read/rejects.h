/*
 * rejects: where rows that cannot be used go, with file, row, column, value
 * and reason. Each reading task spools its rejects to an anonymous temporary
 * file (memory stays flat however bad an input is) with row numbers
 * relative to the task's range; rejects_write_csv later writes them all, in
 * file and row order, to the rejects file beside the outputs.
 */
#ifndef MTQG_REJECTS_H
#define MTQG_REJECTS_H

#include <stdio.h>

#include "../util/strbuf.h"

typedef struct reject_spool {
    FILE *fp;   /* tmpfile(); NULL until the first reject */
    long count;
} reject_spool;

/** rejects_add - spool one reject (row relative to the task's range). */
int rejects_add(reject_spool *s, long rel_row, const char *column,
                const char *value, size_t value_len, const char *reason);
/**
 * rejects_add_span - a reject covering span more lines after its row (a
 * quote that swallowed them): the rejects file shows the row as "R-E" and
 * the reason ends with where it opened and closed.
 */
int rejects_add_span(reject_spool *s, long rel_row, long span, const char *column,
                     const char *value, size_t value_len, const char *reason);
/** rejects_close - free the spool. */
void rejects_close(reject_spool *s);

/**
 * rejects_csv_begin - start the rejects CSV (UTF-8 with BOM, so Excel shows
 * the Vietnamese; header "Tệp,Dòng,Cột,Giá trị,Lý do").
 */
int rejects_csv_begin(FILE *out);
/**
 * rejects_csv_append - copy a spool into the CSV, adding row_base to each
 * relative row number (the header is row 1, so the caller passes the number
 * of data rows before the range plus 1... see ingest.c).
 */
int rejects_csv_append(FILE *out, reject_spool *s, const char *file, long row_base);

#endif
