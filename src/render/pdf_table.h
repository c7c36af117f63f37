/*
 * pdf_table: draws a `table` (table.h) on A4 landscape pages of a
 * pdf_layout: the title block, the header grid with merged cells, the
 * column-number row and the body rows with grid lines. Row heights follow
 * the wrapped text; when a row does not fit, a new landscape page starts
 * and the header grid and the column-number row are repeated. A row taller
 * than a whole page is split across pages line by line.
 *
 * A table whose figures would have to be set under 7 pt to fit the page's
 * width is cut into bands of columns wide enough for 8 pt
 * (table_plan_bands): each band repeats
 * the key columns (STT, the row label) and keeps the column numbers of the
 * whole table, so "(14)" is the same column in the sheet and on paper;
 * bands after the first start a page headed by the form's "continued"
 * line.
 */
#ifndef MTQG_PDF_TABLE_H
#define MTQG_PDF_TABLE_H

#include "pdf_layout.h"
#include "table.h"

/**
 * pdf_table_draw - draw t from the cursor. When the current page is not a
 * landscape page (or there is none) a new landscape page is started first.
 * caption (NULL: none) goes under the title, in italic 13 pt with a short
 * rule under it: the line naming the document an appendix belongs to.
 * Leaves the cursor below the table (below its last band).
 */
void pdf_table_draw(pdf_layout *L, const table *t, const char *caption);

/**
 * pdf_table_cell_text - append the text a body cell shows: the text of a
 * COL_TEXT cell, a money figure in triệu đồng with up to 3 decimals, a
 * quantity with up to 3 decimals, a rate as "89,1%"; nothing when the cell
 * is empty.
 */
void pdf_table_cell_text(strbuf *sb, const table *t, int row, int col);

#endif
