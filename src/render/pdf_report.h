/*
 * pdf_report: lays a `document` (document.h) out as a Nghị định 30/2020
 * administrative document in PDF: the two-column header, the document type
 * and title, the body blocks, the signature block with the Nơi nhận list,
 * then each appendix table on A4 landscape pages.
 */
#ifndef MTQG_PDF_REPORT_H
#define MTQG_PDF_REPORT_H

#include "../util/strbuf.h"
#include "document.h"

/**
 * pdf_report_write - write document d as a PDF file at path, with the
 * Liberation Serif fonts from font_dir. The same document always gives the
 * same bytes. Returns 0, or -1 with a Vietnamese message appended to err
 * (an unreadable font names its file; a failed write names path, and no
 * file is left at path unless one was there before).
 */
int pdf_report_write(const document *d, const char *font_dir, const char *path,
                     strbuf *err);

#endif
