/*
 * xls_stream: Excel 97-2003 workbooks (.xls), still common in offices,
 * read through libfreexl and handed on as records, like the CSV and XLSX
 * readers. libfreexl parses the whole (small, BIFF) file on open; rows are
 * then produced in order, with each cell's stored type.
 */
#ifndef MTQG_XLS_STREAM_H
#define MTQG_XLS_STREAM_H

#include "../util/strbuf.h"
#include "record.h"

/**
 * xls_stream_read - call fn for every row of the worksheet named sheet
 * (NULL or "": the first), in order; record.index is the sheet row - 1.
 * Returns 0, 1 when fn stopped the reading, or -1 with "path: why" in err.
 */
int xls_stream_read(const char *path, const char *sheet, record_fn fn, void *ctx,
                    strbuf *err);

#endif
