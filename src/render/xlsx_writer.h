/*
 * xlsx_writer: the workbook back end. One sheet per table, in the official
 * table practice (docs/domain.md §8): title block, unit line, merged multi-level
 * header, column-number row, TỔNG SỐ first, bold subtotals; subtotals and
 * derived columns are formulas whose cached values are the exact figures
 * the project computed (docs/library-notes.md: viewers show the cached value);
 * A4 landscape fitted to the page width, header rows repeated on every
 * printed page, frozen panes.
 *
 * Numbers go to libxlsxwriter as doubles in triệu đồng; the process never
 * sets LC_NUMERIC (libxlsxwriter prints with %G). Written with
 * constant_memory so memory stays flat on a national commune table.
 */
#ifndef MTQG_XLSX_WRITER_H
#define MTQG_XLSX_WRITER_H

#include <time.h>

#include "../util/strbuf.h"
#include "table.h"

/**
 * xlsx_write - write the tables as sheets of a new workbook at path (the
 * caller renames it into place). created fixes the document date so two
 * runs give identical bytes. Returns 0, or -1 with the reason in err.
 */
int xlsx_write(const char *path, table *const *tables, int ntables,
               time_t created, const char *title, strbuf *err);
/**
 * xlsx_write_checked - the check workbook: xlsx_write of the check tables,
 * then a last sheet "Kiem tra du lieu" listing the run's data errors (each
 * with its place), or saying there are none, so the check workbook always
 * says where the data stand. The signed workbook (xlsx_write) has neither.
 */
int xlsx_write_checked(const char *path, table *const *tables, int ntables, time_t created,
                       const char *title, const char *const *errors, int nerrors, strbuf *err);

/** xlsx_cell_ref - "D12" for 0-based row and column, into sb. */
void xlsx_cell_ref(strbuf *sb, int row, int col);

#endif
