/*
 * xlsx_stream: streaming reader of one sheet of an .xlsx workbook (and of
 * an .ods one, through the same package and XML plumbing), the
 * spreadsheet counterpart of csv_stream. It produces the same records
 * (record.h) for the row parser, with each cell's stored type, so the
 * ingest stage reads a CSV export and an Excel file the same way.
 *
 * Built on minizip (the zip package), expat (the small XML parts) and
 * xml_scan (the sheet: expat's handlers, several times faster), since no
 * Debian library reads .xlsx (docs/library-notes.md, "Reading XLSX"). The
 * sheet is inflated block by block and parsed as it comes, each on a
 * thread of its own, while the callback runs on the caller's thread:
 * memory is the shared-string table plus a few blocks and batches of rows,
 * whatever the number of rows. The
 * package is untrusted input: declared and actual uncompressed sizes and
 * the compression ratio of every part are checked against xlsx_limits, so
 * a zip bomb is refused instead of filling memory or disk time.
 *
 * Rows come IN ROW ORDER with record.index = sheet row - 1; rows absent
 * from the XML come as empty records (n = 0), so a reject's row number is
 * the row the user sees in Excel. Header cells merged across columns (in
 * the first 10 rows) carry the anchor's value in every covered cell (which
 * takes a first pass over the sheet; xlsx_stream_read_once skips it and
 * says whether it mattered).
 */
#ifndef MTQG_XLSX_STREAM_H
#define MTQG_XLSX_STREAM_H

#include <stdint.h>

#include "../util/strbuf.h"
#include "record.h"

/* Per-part limits; 0 in a field means no limit (for tests and tools only). */
typedef struct xlsx_limits {
    uint64_t max_sheet_bytes;  /* uncompressed size of the sheet part */
    uint64_t max_sst_bytes;    /* uncompressed size of sharedStrings.xml
                                  (and of workbook, rels and styles parts) */
    uint32_t max_ratio;        /* uncompressed : compressed, per part */
} xlsx_limits;

/**
 * xlsx_limits_default - the limits used for user files: a sheet up to
 * 2 GiB uncompressed, shared strings up to 256 MiB, ratio up to 1000:1
 * (deflate cannot do much better than 1032:1, so only a crafted part or a
 * sheet of nothing but one repeated byte exceeds it).
 */
void xlsx_limits_default(xlsx_limits *l);

/**
 * xlsx_stream_read - read one sheet of the workbook at path and call fn
 * once per row, in row order, until the end of the sheet or until fn
 * returns non-zero.
 *
 * sheet names the sheet (matched exactly, else ignoring case after Unicode
 * normalisation); NULL or "" means the first worksheet in workbook order.
 * lim may be NULL for xlsx_limits_default.
 *
 * Cells: text (shared, inline, formula string results) is CELL_TEXT;
 * numbers are CELL_NUMBER with the stored text exactly ("1473139.5",
 * "1.2E-3"), or CELL_DATE "yyyy-mm-dd" when the cell's style is a date
 * format (1900 or 1904 system, time of day dropped; Excel's fictitious
 * serial 60 reads "1900-02-29"); t="d" cells are CELL_DATE; booleans
 * CELL_BOOL "TRUE"/"FALSE"; errors CELL_ERROR ("#N/A"). A formula without
 * a cached value is an empty cell. Gaps are empty cells; trailing empty
 * cells are dropped (n = last non-empty column + 1).
 *
 * Returns 0 at the end of the sheet, 1 when fn stopped the reading, or -1
 * with "path: why" (Vietnamese) appended to err: missing or non-zip file,
 * no workbook, sheet not found (the message lists the sheets), malformed
 * XML (part name and line), a limit exceeded. Rows already passed to fn
 * before an error stay passed.
 */
int xlsx_stream_read(const char *path, const char *sheet, const xlsx_limits *lim,
                     record_fn fn, void *ctx, strbuf *err);

/* The merged ranges of a sheet that xlsx_stream_read fills. */
typedef struct xlsx_merges xlsx_merges;

/**
 * xlsx_stream_read_once - xlsx_stream_read in one pass over the sheet
 * instead of two (a third less work on a large sheet): the merged ranges
 * are listed after the rows, so header merges are NOT filled. Instead
 * *merged is set to the merges xlsx_stream_read would have filled (those
 * starting in the first 10 rows; the caller frees them with
 * xlsx_merges_free), or NULL when there are none.
 *
 * Only a return of 0 with *merged == NULL means the rows passed were
 * exactly xlsx_stream_read's; 0 with merges means xlsx_stream_read_merged
 * with them passes xlsx_stream_read's rows. When fn stopped the reading
 * (1), *merged holds what the parser met before it stopped (it runs
 * ahead of fn: from none to all), and on -1 the message may differ from xlsx_stream_read's (it
 * checks the whole part before the first row): a caller who needs
 * xlsx_stream_read's result then reads again with it.
 */
int xlsx_stream_read_once(const char *path, const char *sheet, const xlsx_limits *lim,
                          record_fn fn, void *ctx, xlsx_merges **merged, strbuf *err);

/**
 * xlsx_stream_read_merged - xlsx_stream_read in one pass, with the
 * header merges known (from xlsx_stream_read_once on the same file, read
 * to its end) instead of found by a first pass: the same rows, merged
 * cells filled.
 */
int xlsx_stream_read_merged(const char *path, const char *sheet, const xlsx_limits *lim,
                            const xlsx_merges *known, record_fn fn, void *ctx, strbuf *err);

/** xlsx_merges_free - release merges (NULL is fine). */
void xlsx_merges_free(xlsx_merges *m);

/**
 * ods_stream_read - xlsx_stream_read for an OpenDocument spreadsheet
 * (.ods, LibreOffice's own format): the same records, cell types (float,
 * percentage and currency cells are CELL_NUMBER with office:value, dates
 * CELL_DATE "yyyy-mm-dd", booleans CELL_BOOL, the rest CELL_TEXT from the
 * cell's paragraphs), sheet selection, limits and return values. Repeated
 * rows and cells are expanded, but empty rows only when data follows.
 */
int ods_stream_read(const char *path, const char *sheet, const xlsx_limits *lim,
                    record_fn fn, void *ctx, strbuf *err);

#endif
