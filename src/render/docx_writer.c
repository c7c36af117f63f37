/*
 * The .docx writer; see docx_writer.h. The parts, in the order a reader
 * meets them: the package plumbing ([Content_Types].xml, the rels), the
 * styles (named, so an officer's edits keep the look), the page-number
 * header, and the body: header table, type and title, blocks, closing
 * table (Nơi nhận | signature), then one landscape section per appendix.
 * Sizes are in half-points (w:sz) and twips (1/20 pt, 1/1440 inch).
 */
#include "docx_writer.h"

#include <errno.h>
#include <minizip/zip.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../util/syserr.h"
#include "../util/text.h"
#include "pdf_table.h"

/* A4 and the decree's margins (Phụ lục I): top/bottom 20 mm, left 30 mm,
 * right 15 mm; 1 mm = 56.7 twips. */
#define A4_SHORT 11906
#define A4_LONG 16838
#define MARGIN_TOP 1134
#define MARGIN_BOTTOM 1134
#define MARGIN_LEFT 1701
#define MARGIN_RIGHT 851
#define HEADER_DIST 567
#define PORTRAIT_TEXT (A4_SHORT - MARGIN_LEFT - MARGIN_RIGHT)
#define LANDSCAPE_TEXT (A4_LONG - 1134 - 1134)

/* ---- XML text ---------------------------------------------------------- */

/* Escaped text; '\n' becomes a line break inside the run. */
static void xml_text(strbuf *x, const char *s)
{
    strbuf_adds(x, "<w:t xml:space=\"preserve\">");
    for (; *s; s++) {
        switch (*s) {
        case '&': strbuf_adds(x, "&amp;"); break;
        case '<': strbuf_adds(x, "&lt;"); break;
        case '>': strbuf_adds(x, "&gt;"); break;
        case '"': strbuf_adds(x, "&quot;"); break;
        case '\n': strbuf_adds(x, "</w:t><w:br/><w:t xml:space=\"preserve\">"); break;
        default:
            /* Control characters are not allowed in XML 1.0. */
            if ((unsigned char)*s >= 0x20 || *s == '\t') strbuf_addch(x, *s);
            break;
        }
    }
    strbuf_adds(x, "</w:t>");
}

enum { R_BOLD = 1, R_ITALIC = 2, R_UPPER = 4 };

/* One run; size in half-points, as Word counts (0: the style's). */
static void run(strbuf *x, const char *s, int flags, int size)
{
    if (!s || !*s) return;
    strbuf up = STRBUF_INIT;
    if ((flags & R_UPPER) && text_upper(&up, s, strlen(s)) == 0) s = up.buf;
    strbuf_adds(x, "<w:r>");
    if (flags & (R_BOLD | R_ITALIC) || size) {
        strbuf_adds(x, "<w:rPr>");
        if (flags & R_BOLD) strbuf_adds(x, "<w:b/>");
        if (flags & R_ITALIC) strbuf_adds(x, "<w:i/>");
        if (size) strbuf_addf(x, "<w:sz w:val=\"%d\"/><w:szCs w:val=\"%d\"/>", size, size);
        strbuf_adds(x, "</w:rPr>");
    }
    xml_text(x, s);
    strbuf_adds(x, "</w:r>");
    strbuf_release(&up);
}

typedef enum { AL_NONE, AL_LEFT, AL_CENTER, AL_RIGHT, AL_BOTH } align;

/* A paragraph's properties: style, alignment, and extra XML (spacing,
 * borders, indents) given as is. The caller writes the runs and "</w:p>". */
static void para_open(strbuf *x, const char *style, align a, const char *extra)
{
    static const char *const jc[] = {"", "left", "center", "right", "both"};
    strbuf_adds(x, "<w:p><w:pPr>");
    if (style) strbuf_addf(x, "<w:pStyle w:val=\"%s\"/>", style);
    if (extra) strbuf_adds(x, extra);
    if (a != AL_NONE) strbuf_addf(x, "<w:jc w:val=\"%s\"/>", jc[a]);
    strbuf_adds(x, "</w:pPr>");
}

/* A whole one-run paragraph. */
static void para(strbuf *x, const char *style, align a, const char *extra, const char *s,
                 int flags, int size)
{
    para_open(x, style, a, extra);
    run(x, s, flags, size);
    strbuf_adds(x, "</w:p>");
}

/* A short centred rule: an empty paragraph whose bottom border is
 * narrowed by indents to `width` twips of a column `col` twips wide. */
static void rule(strbuf *x, int col, int width)
{
    int side = (col - width) / 2;
    strbuf_addf(x, "<w:p><w:pPr><w:pStyle w:val=\"Rule\"/><w:pBdr><w:bottom w:val=\"single\" "
                   "w:sz=\"6\" w:space=\"1\" w:color=\"000000\"/></w:pBdr><w:ind w:left=\"%d\" "
                   "w:right=\"%d\"/></w:pPr></w:p>",
                side > 0 ? side : 0, side > 0 ? side : 0);
}

/* Rough width of a line of text in twips at size pt (Times: about half
 * an em per character), for the rules sized from their line. */
static int text_twips(const char *s, int size)
{
    int chars = 0;
    for (; s && *s; s++) chars += ((unsigned char)*s & 0xC0) != 0x80;
    return chars * size * 10;
}

/* ---- borderless layout tables ------------------------------------------ */

static void layout_table_open(strbuf *x, const int *widths, int n)
{
    strbuf_adds(x, "<w:tbl><w:tblPr><w:tblW w:w=\"0\" w:type=\"auto\"/><w:tblLayout "
                   "w:type=\"fixed\"/><w:tblBorders><w:top w:val=\"nil\"/><w:left w:val=\"nil\"/>"
                   "<w:bottom w:val=\"nil\"/><w:right w:val=\"nil\"/><w:insideH w:val=\"nil\"/>"
                   "<w:insideV w:val=\"nil\"/></w:tblBorders><w:tblCellMar><w:left w:w=\"0\" "
                   "w:type=\"dxa\"/><w:right w:w=\"0\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr>"
                   "<w:tblGrid>");
    for (int i = 0; i < n; i++) strbuf_addf(x, "<w:gridCol w:w=\"%d\"/>", widths[i]);
    /* One row that never splits: the signature stays with Nơi nhận. */
    strbuf_adds(x, "</w:tblGrid><w:tr><w:trPr><w:cantSplit/></w:trPr>");
}

static void cell_open(strbuf *x, int width)
{
    strbuf_addf(x, "<w:tc><w:tcPr><w:tcW w:w=\"%d\" w:type=\"dxa\"/></w:tcPr>", width);
}

/* ---- the first page ---------------------------------------------------- */

static const char NATION[] = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";
static const char MOTTO[] = "Độc lập - Tự do - Hạnh phúc";

/* The two-column header: agency | nation, motto; number | place and date.
 * A working paper (the check report) names only who made it. */
static void header_table(strbuf *x, const document *d)
{
    if (d->working) {
        para(x, "Header", AL_LEFT, NULL, d->parent_agency, R_UPPER, 26);
        para(x, "Header", AL_LEFT, NULL, d->agency, R_UPPER | R_BOLD, 26);
        return;
    }
    int w[2] = {PORTRAIT_TEXT * 2 / 5, PORTRAIT_TEXT - PORTRAIT_TEXT * 2 / 5};
    layout_table_open(x, w, 2);
    cell_open(x, w[0]);
    para(x, "Header", AL_CENTER, NULL, d->parent_agency, R_UPPER, 26);
    para(x, "Header", AL_CENTER, NULL, d->agency, R_UPPER | R_BOLD, 26);
    if (d->agency && *d->agency) rule(x, w[0], text_twips(d->agency, 13) / 3);
    para(x, "Header", AL_CENTER, "<w:spacing w:before=\"120\"/>", d->number_line, 0, 26);
    strbuf_adds(x, "</w:tc>");
    cell_open(x, w[1]);
    para(x, "Header", AL_CENTER, NULL, NATION, R_BOLD, 26);
    para(x, "Header", AL_CENTER, NULL, MOTTO, R_BOLD, 28);
    rule(x, w[1], text_twips(MOTTO, 14) * 9 / 10);
    para(x, "Header", AL_CENTER, "<w:spacing w:before=\"120\"/>", d->place_date, R_ITALIC, 26);
    strbuf_adds(x, "</w:tc></w:tr></w:tbl>");
}

static void title(strbuf *x, const document *d)
{
    para(x, "DocType", AL_CENTER, NULL, d->doc_type, 0, 0);
    if (d->title && *d->title) {
        para(x, "DocTitle", AL_CENTER, NULL, d->title, 0, 0);
        const char *nl = strchr(d->title, '\n');
        strbuf first = STRBUF_INIT;
        strbuf_add(&first, d->title, nl ? (size_t)(nl - d->title) : strlen(d->title));
        rule(x, PORTRAIT_TEXT, text_twips(first.buf, 14) / 3);
        strbuf_release(&first);
    }
}

/* "Kính gửi:" under the title: one addressee on one centred line; several
 * as "- ...;" lines, the label before the first. */
static void addressees(strbuf *x, const document *d)
{
    if (!d->naddressees || !d->addressee_label || !*d->addressee_label) return;
    strbuf line = STRBUF_INIT;
    for (int i = 0; i < d->naddressees; i++) {
        strbuf_reset(&line);
        if (d->naddressees == 1)
            strbuf_addf(&line, "%s %s.", d->addressee_label, d->addressees[0]);
        else
            strbuf_addf(&line, "- %s%s", d->addressees[i], i == d->naddressees - 1 ? "." : ";");
        if (d->naddressees > 1 && i == 0) {
            para_open(x, "Addressee", AL_LEFT, NULL);
            run(x, d->addressee_label, 0, 0);
            strbuf_adds(x, "<w:r><w:tab/></w:r>");
            run(x, line.buf, 0, 0);
            strbuf_adds(x, "</w:p>");
        } else {
            para_open(x, "Addressee", d->naddressees == 1 ? AL_CENTER : AL_LEFT, NULL);
            if (d->naddressees > 1) strbuf_adds(x, "<w:r><w:tab/></w:r>");
            run(x, line.buf, 0, 0);
            strbuf_adds(x, "</w:p>");
        }
    }
    strbuf_release(&line);
}

static void block(strbuf *x, const doc_block *b)
{
    static const char *const style[] = {"Heading1", "Heading2", "Heading3", NULL, "Bullet", "Notice"};
    const char *s = b->text ? b->text : "";
    para(x, style[b->kind], AL_NONE, NULL, s, 0, 0);
}

/* Nơi nhận on the left, the signature on the right, tops aligned. */
static void closing(strbuf *x, const document *d)
{
    int has_sign = (d->sign_authority && *d->sign_authority) ||
                   (d->sign_position && *d->sign_position) || (d->signer && *d->signer);
    if (!has_sign && d->nrecipients == 0) return;
    int w[2] = {PORTRAIT_TEXT / 2, PORTRAIT_TEXT - PORTRAIT_TEXT / 2};
    layout_table_open(x, w, 2);
    cell_open(x, w[0]);
    if (d->nrecipients) para(x, "RecipientsTitle", AL_LEFT, NULL, "Nơi nhận:", 0, 0);
    strbuf line = STRBUF_INIT;
    for (int i = 0; i < d->nrecipients; i++) {
        strbuf_reset(&line);
        strbuf_addf(&line, "- %s%s", d->recipients[i], i == d->nrecipients - 1 ? "." : ";");
        para(x, "Recipient", AL_LEFT, NULL, line.buf, 0, 0);
    }
    strbuf_release(&line);
    if (!d->nrecipients) para(x, NULL, AL_NONE, NULL, "", 0, 0); /* a cell needs a paragraph */
    strbuf_adds(x, "</w:tc>");
    cell_open(x, w[1]);
    para(x, "Signature", AL_CENTER, NULL, d->sign_authority, R_UPPER, 0);
    para(x, "Signature", AL_CENTER, NULL, d->sign_position, R_UPPER, 0);
    /* Room for the signature and the seal: 25 mm. */
    para(x, "Signature", AL_CENTER, "<w:spacing w:before=\"1417\"/>", d->signer, 0, 28);
    strbuf_adds(x, "</w:tc></w:tr></w:tbl>");
}

/* ---- appendix tables --------------------------------------------------- */

#define HEAD_SIZE 10 /* header cells, bold */
#define BODY_SIZE 11 /* body cells, at most */
#define LEGIBLE_SIZE 8 /* a table cut in bands: its figures at this size ... */
#define SHRINK_SIZE 7  /* ... and it is cut when they would be under this (pdf_table.c) */
#define MAX_BANDS 8
#define CELL_MARGINS 130

static int chars(const char *s, size_t n)
{
    int k = 0;
    for (size_t i = 0; i < n && s[i]; i++) k += ((unsigned char)s[i] & 0xC0) != 0x80;
    return k;
}

/* The longest word of s, in characters: a header word is never broken. */
static int longest_word(const char *s)
{
    int best = 0;
    while (s && *s) {
        size_t n = strcspn(s, " \n");
        int k = chars(s, n);
        if (k > best) best = k;
        s += n;
        s += strspn(s, " \n");
    }
    return best;
}

/* Column widths in twips, from the table's character widths, filling the
 * landscape text width; a column is widened (taken from the widest) until
 * its one-column header words fit unbroken ("STT"). */
static void column_widths(const table *t, int *w)
{
    double total = 0;
    for (int c = 0; c < t->ncols; c++) total += t->cols[c].width > 0 ? t->cols[c].width : 1;
    int used = 0;
    for (int c = 0; c < t->ncols; c++) {
        w[c] = (int)((t->cols[c].width > 0 ? t->cols[c].width : 1) / total * LANDSCAPE_TEXT);
        used += w[c];
    }
    if (t->ncols) w[t->ncols - 1] += LANDSCAPE_TEXT - used;
    for (int i = 0; i < t->nheader; i++) {
        const table_header_cell *h = &t->header[i];
        if (h->colspan != 1 || h->col < 0 || h->col >= t->ncols) continue;
        /* Bold capitals run to 0,7 em: 14 twips a character per point. */
        int need = longest_word(h->text) * HEAD_SIZE * 14 + CELL_MARGINS, widest = 0;
        for (int c = 1; c < t->ncols; c++)
            if (w[c] > w[widest]) widest = c;
        if (need > w[h->col] && widest != h->col && w[widest] - (need - w[h->col]) > need) {
            w[widest] -= need - w[h->col];
            w[h->col] = need;
        }
    }
}

/* Tenths of an em the longest figure of a column takes (Times digits are
 * half an em, separators a quarter, '%' most of one: with room). */
static int figure_tenths(const table *t, int col, strbuf *txt)
{
    int longest = 0;
    for (int r = 0; r < t->nrows; r++) {
        strbuf_reset(txt);
        pdf_table_cell_text(txt, t, r, col);
        int k = 0;
        for (size_t i = 0; i < txt->len; i++) {
            char ch = txt->buf[i];
            k += ch >= '0' && ch <= '9' ? 5 : ch == '%' ? 9 : 3;
        }
        if (k > longest) longest = k;
    }
    return longest;
}

/* One size per figures column, in half-points: the largest (up to
 * BODY_SIZE, down to 5 pt as in the PDF) at which its longest figure fits
 * the column on one line. */
static int figure_size(const table *t, int col, int width, strbuf *txt)
{
    int longest = figure_tenths(t, col, txt);
    /* a half-point is 10 twips; an em at h half-points is 10*h twips */
    int size = longest ? (width - CELL_MARGINS) / longest : 2 * BODY_SIZE;
    return size > 2 * BODY_SIZE ? 2 * BODY_SIZE : size < 10 ? 10 : size;
}

/* How wide a band of columns may be, in the columns' width units, for
 * every figure to fit at SHRINK_SIZE (*keep) and at LEGIBLE_SIZE (*cut):
 * as the PDF cuts the table (pdf_table.h), with this file's estimate of a
 * figure's width. */
static void band_capacity(const table *t, double *keep, double *cut)
{
    strbuf txt = STRBUF_INIT;
    double need_keep = 0, need_cut = 0;
    for (int c = table_key_columns(t); c < t->ncols; c++) {
        if (t->cols[c].kind == COL_TEXT || t->cols[c].width <= 0) continue;
        int tenths = figure_tenths(t, c, &txt);
        double k = (tenths * 2 * SHRINK_SIZE + CELL_MARGINS) / t->cols[c].width;
        double u = (tenths * 2 * LEGIBLE_SIZE + CELL_MARGINS) / t->cols[c].width;
        if (k > need_keep) need_keep = k;
        if (u > need_cut) need_cut = u;
    }
    strbuf_release(&txt);
    *keep = need_keep > 0 ? LANDSCAPE_TEXT / need_keep : 1e300;
    *cut = need_cut > 0 ? LANDSCAPE_TEXT / need_cut : 1e300;
}

static void grid_cell(strbuf *x, int width, int span, const char *vmerge, const char *style,
                      align a, const char *text, int flags, int size)
{
    strbuf_addf(x, "<w:tc><w:tcPr><w:tcW w:w=\"%d\" w:type=\"dxa\"/>", width);
    if (span > 1) strbuf_addf(x, "<w:gridSpan w:val=\"%d\"/>", span);
    if (vmerge) strbuf_adds(x, vmerge);
    strbuf_adds(x, "<w:vAlign w:val=\"center\"/></w:tcPr>");
    para(x, style, a, NULL, text, flags, size);
    strbuf_adds(x, "</w:tc>");
}

/* The header cell covering (row, col) of the header grid, or NULL. */
static const table_header_cell *header_at(const table *t, int row, int col)
{
    for (int i = 0; i < t->nheader; i++) {
        const table_header_cell *h = &t->header[i];
        if (row >= h->row && row < h->row + h->rowspan && col >= h->col && col < h->col + h->colspan)
            return h;
    }
    return NULL;
}

static const char ROW_REPEAT[] = "<w:trPr><w:tblHeader/><w:cantSplit/></w:trPr>";

/* Header rows (merged cells: gridSpan across, vMerge down) and the
 * column-number row, all marked to repeat on every page. */
static void table_head(strbuf *x, const table *t, const int *w)
{
    for (int r = 0; r < t->header_rows; r++) {
        strbuf_addf(x, "<w:tr>%s", ROW_REPEAT);
        for (int c = 0; c < t->ncols;) {
            const table_header_cell *h = header_at(t, r, c);
            int span = h ? h->colspan : 1, width = 0;
            for (int k = c; k < c + span && k < t->ncols; k++) width += w[k];
            const char *vm = !h || h->rowspan == 1 ? NULL
                           : h->row == r           ? "<w:vMerge w:val=\"restart\"/>"
                                                   : "<w:vMerge/>";
            grid_cell(x, width, span, vm, "TableHead", AL_CENTER, h && h->row == r ? h->text : "",
                      0, 0);
            c += span;
        }
        strbuf_adds(x, "</w:tr>");
    }
    strbuf_addf(x, "<w:tr>%s", ROW_REPEAT);
    for (int c = 0; c < t->ncols; c++)
        grid_cell(x, w[c], 1, NULL, "TableNumber", AL_CENTER, t->cols[c].number_label, 0, 0);
    strbuf_adds(x, "</w:tr>");
}

static void table_body(strbuf *x, const table *t, const int *w)
{
    strbuf txt = STRBUF_INIT;
    int *size = xcalloc((size_t)t->ncols + 1, sizeof(int));
    /* One size for every figure of the table: cells of a row in several
     * sizes sit on several baselines, and a wide table (25 columns) would
     * read as a patchwork. */
    int one = 2 * BODY_SIZE;
    for (int c = 0; c < t->ncols; c++)
        if (t->cols[c].kind != COL_TEXT) {
            int z = figure_size(t, c, w[c], &txt);
            if (z < one) one = z;
        }
    for (int c = 0; c < t->ncols; c++) size[c] = t->cols[c].kind == COL_TEXT ? 0 : one;
    for (int r = 0; r < t->nrows; r++) {
        const table_row *row = &t->rows[r];
        int flags = (row->style & ROW_BOLD ? R_BOLD : 0) | (row->style & ROW_ITALIC ? R_ITALIC : 0);
        strbuf_adds(x, "<w:tr><w:trPr><w:cantSplit/></w:trPr>");
        for (int c = 0; c < t->ncols; c++) {
            strbuf_reset(&txt);
            pdf_table_cell_text(&txt, t, r, c);
            int text_col = t->cols[c].kind == COL_TEXT;
            align a = !text_col ? AL_RIGHT : c == 0 ? AL_CENTER : AL_LEFT;
            grid_cell(x, w[c], 1, NULL, "TableText", a, txt.buf, flags, size[c]);
        }
        strbuf_adds(x, "</w:tr>");
    }
    free(size);
    strbuf_release(&txt);
}

static void grid_table(strbuf *x, const table *t)
{
    int *w = xcalloc((size_t)t->ncols + 1, sizeof(int));
    column_widths(t, w);
    strbuf_adds(x, "<w:tbl><w:tblPr><w:tblW w:w=\"0\" w:type=\"auto\"/><w:tblLayout "
                   "w:type=\"fixed\"/><w:tblBorders>");
    static const char *const sides[] = {"top", "left", "bottom", "right", "insideH", "insideV"};
    for (int i = 0; i < 6; i++)
        strbuf_addf(x, "<w:%s w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>", sides[i]);
    strbuf_adds(x, "</w:tblBorders><w:tblCellMar><w:left w:w=\"57\" w:type=\"dxa\"/><w:right "
                   "w:w=\"57\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr><w:tblGrid>");
    for (int c = 0; c < t->ncols; c++) strbuf_addf(x, "<w:gridCol w:w=\"%d\"/>", w[c]);
    strbuf_adds(x, "</w:tblGrid>");
    table_head(x, t, w);
    table_body(x, t, w);
    strbuf_adds(x, "</w:tbl>");
    free(w);
}

/* ---- sections ---------------------------------------------------------- */

/* The properties that end a section: its page, margins, the page-number
 * header from its second page, numbering from 1 when it restarts. */
static void section(strbuf *x, int landscape, int restart)
{
    strbuf_adds(x, "<w:sectPr><w:headerReference w:type=\"default\" r:id=\"rIdHeader\"/>"
                   "<w:headerReference w:type=\"first\" r:id=\"rIdHeaderFirst\"/>"
                   "<w:type w:val=\"nextPage\"/>");
    if (landscape)
        strbuf_addf(x, "<w:pgSz w:w=\"%d\" w:h=\"%d\" w:orient=\"landscape\"/>"
                       "<w:pgMar w:top=\"1134\" w:right=\"1134\" w:bottom=\"1134\" w:left=\"1134\" "
                       "w:header=\"%d\" w:footer=\"567\" w:gutter=\"0\"/>",
                    A4_LONG, A4_SHORT, HEADER_DIST);
    else
        strbuf_addf(x, "<w:pgSz w:w=\"%d\" w:h=\"%d\"/><w:pgMar w:top=\"%d\" w:right=\"%d\" "
                       "w:bottom=\"%d\" w:left=\"%d\" w:header=\"%d\" w:footer=\"567\" w:gutter=\"0\"/>",
                    A4_SHORT, A4_LONG, MARGIN_TOP, MARGIN_RIGHT, MARGIN_BOTTOM, MARGIN_LEFT,
                    HEADER_DIST);
    if (restart) strbuf_adds(x, "<w:pgNumType w:start=\"1\"/>");
    strbuf_adds(x, "<w:titlePg/></w:sectPr>");
}

static void appendix(strbuf *x, const doc_appendix *a)
{
    if (a->label && *a->label) para(x, "AppendixLabel", AL_CENTER, NULL, a->label, 0, 0);
    const table *t = a->tbl;
    if (!t) return;
    if (t->form_name && *t->form_name) para(x, "FormName", AL_RIGHT, NULL, t->form_name, 0, 0);
    para(x, "TableTitle", AL_CENTER, NULL, t->title, R_UPPER, 0);
    if (a->caption && *a->caption) {
        para(x, "Caption", AL_CENTER, NULL, a->caption, 0, 0);
        int cw = text_twips(a->caption, 13);
        rule(x, LANDSCAPE_TEXT, (cw < LANDSCAPE_TEXT ? cw : LANDSCAPE_TEXT) / 3);
    }
    if (t->subtitle && *t->subtitle) para(x, "TableSubtitle", AL_CENTER, NULL, t->subtitle, 0, 0);
    if (t->unit_line && *t->unit_line) para(x, "TableUnit", AL_RIGHT, NULL, t->unit_line, 0, 0);
    int starts[MAX_BANDS + 1];
    double keep, cut;
    band_capacity(t, &keep, &cut);
    int nb = table_plan_bands(t, keep, cut, starts, MAX_BANDS);
    if (nb <= 1) grid_table(x, t);
    starts[nb] = t->ncols;
    for (int b = 0; nb > 1 && b < nb; b++) {
        table *band = table_columns(t, starts[b], starts[b + 1]);
        if (b > 0) { /* as in the PDF: a page of its own, headed "(tiếp theo)"; the
                      * heading itself starts the page (a paragraph holding only a
                      * page break leaves an empty line atop the next page) */
            para(x, "FormName", AL_RIGHT, "<w:pageBreakBefore/>",
                 t->continued && *t->continued ? t->continued : t->form_name, 0, 0);
            if (t->unit_line && *t->unit_line) para(x, "TableUnit", AL_RIGHT, NULL, t->unit_line, 0, 0);
        }
        grid_table(x, band);
        table_free(band);
    }
    strbuf_adds(x, "<w:p/>"); /* a section does not end on a table */
}

static void body(strbuf *x, const document *d)
{
    strbuf_adds(x, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
                   "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" "
                   "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
                   "<w:body>");
    header_table(x, d);
    title(x, d);
    addressees(x, d);
    for (int i = 0; i < d->nblocks; i++) block(x, &d->blocks[i]);
    closing(x, d);
    /* Each section's properties sit in the last paragraph of the section,
     * but the document's last section, whose sectPr ends the body. */
    for (int i = 0; i <= d->nappendices; i++) {
        int last = i == d->nappendices;
        if (last) {
            section(x, i > 0, i > 0);
            break;
        }
        strbuf_adds(x, "<w:p><w:pPr>");
        section(x, i > 0, i > 0);
        strbuf_adds(x, "</w:pPr></w:p>");
        appendix(x, &d->appendices[i]);
    }
    strbuf_adds(x, "</w:body></w:document>");
}

/* ---- styles and plumbing ----------------------------------------------- */

static const char CONTENT_TYPES[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
    "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
    "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
    "<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>"
    "<Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>"
    "<Override PartName=\"/word/settings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml\"/>"
    "<Override PartName=\"/word/header1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml\"/>"
    "<Override PartName=\"/word/header2.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml\"/>"
    "</Types>";

static const char PACKAGE_RELS[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>"
    "</Relationships>";

static const char DOCUMENT_RELS[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rIdStyles\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>"
    "<Relationship Id=\"rIdSettings\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings\" Target=\"settings.xml\"/>"
    "<Relationship Id=\"rIdHeader\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/header\" Target=\"header1.xml\"/>"
    "<Relationship Id=\"rIdHeaderFirst\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/header\" Target=\"header2.xml\"/>"
    "</Relationships>";

static const char SETTINGS[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<w:settings xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
    "<w:defaultTabStop w:val=\"720\"/><w:characterSpacingControl w:val=\"doNotCompress\"/>"
    "<w:compat><w:compatSetting w:name=\"compatibilityMode\" w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/></w:compat>"
    "</w:settings>";

/* Page numbers: a PAGE field centred in the header (13 pt); the first
 * page of each section has the empty header2 (no number on page 1). */
static const char HEADER_PAGE[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<w:hdr xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
    "<w:p><w:pPr><w:pStyle w:val=\"Header\"/><w:jc w:val=\"center\"/></w:pPr>"
    "<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText xml:space=\"preserve\"> PAGE </w:instrText></w:r>"
    "<w:r><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:t>2</w:t></w:r><w:r><w:fldChar w:fldCharType=\"end\"/></w:r>"
    "</w:p></w:hdr>";

static const char HEADER_EMPTY[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<w:hdr xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
    "<w:p><w:pPr><w:pStyle w:val=\"Header\"/></w:pPr></w:p></w:hdr>";

/* ---- the package ------------------------------------------------------- */

/* One part, deflated, with a fixed date (1/1/2020) for identical bytes. */
static int add_part(zipFile zf, const char *name, const char *data, size_t len)
{
    zip_fileinfo zi;
    memset(&zi, 0, sizeof zi);
    zi.tmz_date.tm_year = 2020;
    zi.tmz_date.tm_mday = 1;
    if (zipOpenNewFileInZip(zf, name, &zi, NULL, 0, NULL, 0, NULL, Z_DEFLATED, 6) != ZIP_OK)
        return -1;
    int rc = zipWriteInFileInZip(zf, data, (unsigned)len) == ZIP_OK ? 0 : -1;
    if (zipCloseFileInZip(zf) != ZIP_OK) rc = -1;
    return rc;
}

int docx_write(const document *d, const char *styles_path, const char *path, strbuf *err)
{
    strbuf doc = STRBUF_INIT, sty = STRBUF_INIT;
    if (strbuf_read_file(&sty, styles_path, 1 << 20) < 0) {
        strbuf_addf(err, "%s: không đọc được kiểu văn bản Word (%s)", styles_path, sys_error(errno));
        strbuf_release(&sty);
        return -1;
    }
    body(&doc, d);
    errno = 0;
    zipFile zf = zipOpen64(path, APPEND_STATUS_CREATE);
    int rc = zf ? 0 : -1;
    const struct {
        const char *name, *data;
        size_t len;
    } parts[] = {
        {"[Content_Types].xml", CONTENT_TYPES, sizeof CONTENT_TYPES - 1},
        {"_rels/.rels", PACKAGE_RELS, sizeof PACKAGE_RELS - 1},
        {"word/_rels/document.xml.rels", DOCUMENT_RELS, sizeof DOCUMENT_RELS - 1},
        {"word/document.xml", doc.buf, doc.len},
        {"word/styles.xml", sty.buf, sty.len},
        {"word/settings.xml", SETTINGS, sizeof SETTINGS - 1},
        {"word/header1.xml", HEADER_PAGE, sizeof HEADER_PAGE - 1},
        {"word/header2.xml", HEADER_EMPTY, sizeof HEADER_EMPTY - 1},
    };
    for (size_t i = 0; rc == 0 && i < sizeof parts / sizeof parts[0]; i++)
        rc = add_part(zf, parts[i].name, parts[i].data, parts[i].len);
    int why = errno;
    if (zf && zipClose(zf, NULL) != ZIP_OK) rc = -1;
    if (rc < 0) {
        if (!why) why = errno;
        strbuf_addf(err, "%s: không ghi được văn bản Word (%s)", path, why ? sys_error(why) : "lỗi nén");
        unlink(path);
    }
    strbuf_release(&doc);
    strbuf_release(&sty);
    return rc;
}
