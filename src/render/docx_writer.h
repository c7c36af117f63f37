/*
 * docx_writer: a `document` (document.h) as an editable Word file, laid
 * out to Nghị định 30/2020 in Word's own terms, for the officer who
 * rewrites the assessment, the leader who corrects a sentence and the văn
 * thư who gives the number and date before the document is signed.
 *
 * Same content, order and figures as the PDF (both read the one document
 * model and the same tables; cell texts come from pdf_table_cell_text).
 * In Word's terms: A4 with the decree's margins, Times New Roman 14 pt
 * (named; Word and LibreOffice substitute when absent), the two-column
 * header as a borderless table with the rules under the agency and the
 * motto, named styles for headings and body (so edits keep the look), a
 * PAGE field centred in the header from page 2, appendices as landscape
 * sections numbered on their own, tables with merged header cells whose
 * header rows repeat on every page, figures right-aligned.
 *
 * There is no well-kept C library for .docx in Debian: the file is a zip
 * (minizip) of a few small XML parts written here, no more of the format
 * than the document needs. Deterministic: fixed zip dates, no generated
 * ids, so one document always gives the same bytes.
 */
#ifndef MTQG_DOCX_WRITER_H
#define MTQG_DOCX_WRITER_H

#include "../util/strbuf.h"
#include "document.h"

/**
 * docx_write - write document d as a .docx file at path, with the named
 * styles of the XML file styles_path (templates/word/styles.xml: the
 * style ids this writer uses). Returns 0, or -1 with a Vietnamese message
 * naming the file appended to err.
 */
int docx_write(const document *d, const char *styles_path, const char *path, strbuf *err);

#endif
