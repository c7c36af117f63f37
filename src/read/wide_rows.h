/*
 * wide_rows: reading the body of a wide table (wide_layout.h) into the
 * task's aggregates. Each row's label gives its project ("Dự án 1: ...",
 * "Tiểu dự án 1 - Dự án 4: ...", "DA4.TDA1", "4.1") or its unit ("Huyện
 * ...", "Xã ...", "Cấp huyện"); the STT numbering (A, I, 1, 1.1, a, -)
 * gives its depth, so group rows set the unit or project of the rows under
 * them. A row with rows under it is a subtotal and TỔNG SỐ / Tổng cộng a
 * total: they are checked against the sum of the rows under them and any
 * difference is reported with file, row and column; only detail rows are
 * added. Memory holds the open groups (a few rows), not the file.
 *
 * Hooked into the streamed reader at one point: when a sheet's first rows
 * hold no long-layout header but a wide one, the rest of the sheet comes
 * here.
 */
#ifndef MTQG_WIDE_ROWS_H
#define MTQG_WIDE_ROWS_H

#include "read_task.h"

/**
 * wide_rows_offer - offer a row above the data of a streamed sheet (no
 * long-layout header found yet). Returns 1 when it completes a wide
 * header: the file is then read as a wide table (t->wide set, the input's
 * have_layout set), and later rows go to wide_rows_row.
 */
int wide_rows_offer(read_task *t, const record *r);
/** wide_rows_active - 1 when t's sheet is being read as a wide table. */
int wide_rows_active(const read_task *t);
/** wide_rows_row - the record callback for the body of a wide table. */
int wide_rows_row(void *task, const record *r);
/** wide_rows_finish - at the end of the sheet: close open groups, check totals. */
void wide_rows_finish(read_task *t);
/** wide_rows_why - why no wide header matched (the cell and its text), or "". */
const char *wide_rows_why(const read_task *t);
/** wide_rows_free - release the wide state of t (safe when there is none). */
void wide_rows_free(read_task *t);

#endif
