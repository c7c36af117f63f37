/*
 * pdf_report: the Nghị định 30/2020 page layout of a document (docs/domain.md
 * §6) on top of pdf_layout and pdf_table. Sizes and positions follow the
 * decree's Phụ lục I; everything printed comes from the document, except
 * the national motto and "Nơi nhận:".
 */
#include "pdf_report.h"

#include <stdlib.h>
#include <string.h>

#include "../util/text.h"
#include "pdf_layout.h"
#include "pdf_table.h"

#define BODY_SIZE 14.0f
#define BODY_SPACING 1.2f
#define FIRST_INDENT PDF_MM(12.7)
#define PARA_AFTER 6.0f
#define RULE_LW 0.6f
/* Rules sit this far below a line's box, clear of the dot below (ậ, ệ). */
#define RULE_GAP 3.5f

static const char NATION[] = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";
static const char MOTTO[] = "Độc lập - Tự do - Hạnh phúc";

static int has_text(const char *s)
{
    return s && *s;
}

static pdf_text_style style(pdf_font_style f, float size, pdf_align a, int upper)
{
    pdf_text_style st = {f, size, a, 0, BODY_SPACING, 0, upper};
    return st;
}

/* Width of the widest line text breaks into, as printed (upper-cased when
 * the style says so): rules under header lines are sized from it. */
static float widest_line(const pdf_layout *L, const pdf_text_style *st,
                         const char *text, float width)
{
    strbuf up = STRBUF_INIT;
    pdf_lines ls = {0};
    if (st->upper && text_upper(&up, text, strlen(text)) == 0) text = up.buf;
    pdf_layout_break(L, st->font, st->size, text, width, st->indent, &ls);
    float w = 0;
    for (int i = 0; i < ls.n; i++) {
        float lw = pdf_layout_text_width(L, st->font, st->size, text + ls.v[i].off, ls.v[i].len);
        if (lw > w) w = lw;
    }
    pdf_layout_lines_release(&ls);
    strbuf_release(&up);
    return w;
}

/* Draw a centred text block in [x, x+w) from y and return the y below it;
 * a NULL or empty field takes no room. */
static float centred(pdf_layout *L, const pdf_text_style *st, float x, float w,
                     float y, const char *s)
{
    return has_text(s) ? y - pdf_layout_block(L, st, x, w, y, s, 1) : y;
}

/* ---- header ------------------------------------------------------------ */

/* Parent agency and agency, with the short rule under the agency. */
static float header_left(pdf_layout *L, const document *d, float x, float w, float y)
{
    pdf_text_style parent = style(PDF_FONT_REGULAR, 13, PDF_ALIGN_CENTER, 1);
    pdf_text_style agency = style(PDF_FONT_BOLD, 13, PDF_ALIGN_CENTER, 1);
    y = centred(L, &parent, x, w, y, d->parent_agency);
    if (!has_text(d->agency)) return y;
    y = centred(L, &agency, x, w, y, d->agency);
    float rw = widest_line(L, &agency, d->agency, w) * 0.4f;
    pdf_layout_rule(L, x + (w - rw) / 2, x + (w + rw) / 2, y - RULE_GAP, RULE_LW);
    return y - 2 * RULE_GAP;
}

/* The national name and motto, with a rule as long as the motto. */
static float header_right(pdf_layout *L, float x, float w, float y)
{
    pdf_text_style nation = style(PDF_FONT_BOLD, 13, PDF_ALIGN_CENTER, 0);
    pdf_text_style motto = style(PDF_FONT_BOLD, 14, PDF_ALIGN_CENTER, 0);
    /* 13 pt if the line fits the column, as the decree prefers; else 12. */
    if (widest_line(L, &nation, NATION, 1e6f) > w) nation.size = 12;
    y = centred(L, &nation, x, w, y, NATION);
    y = centred(L, &motto, x, w, y, MOTTO);
    float mw = widest_line(L, &motto, MOTTO, w);
    pdf_layout_rule(L, x + (w - mw) / 2, x + (w + mw) / 2, y - RULE_GAP, RULE_LW);
    return y - 2 * RULE_GAP;
}

/* Two columns (about 40% / 60%); the number line and the place and date
 * share one row under both. */
static void draw_header(pdf_layout *L, const document *d)
{
    float w = L->right - L->left, lw = w * 0.4f, rx = L->left + lw, rw = w - lw;
    if (d->working) { /* only who made it */
        L->y = header_left(L, d, L->left, lw, L->y);
        return;
    }
    float yl = header_left(L, d, L->left, lw, L->y);
    float yr = header_right(L, rx, rw, L->y);
    float y = (yl < yr ? yl : yr) - 6;
    pdf_text_style num = style(PDF_FONT_REGULAR, 13, PDF_ALIGN_CENTER, 0);
    pdf_text_style date = style(PDF_FONT_ITALIC, 13, PDF_ALIGN_CENTER, 0);
    yl = centred(L, &num, L->left, lw, y, d->number_line);
    yr = centred(L, &date, rx, rw, y, d->place_date);
    L->y = yl < yr ? yl : yr;
}

/* Document type and title lines, centred, with a short rule below. */
static void draw_title(pdf_layout *L, const document *d)
{
    pdf_text_style st = style(PDF_FONT_BOLD, 14, PDF_ALIGN_CENTER, 0);
    float w = L->right - L->left;
    L->y -= 18;
    L->y = centred(L, &st, L->left, w, L->y, d->doc_type);
    if (has_text(d->title)) {
        L->y = centred(L, &st, L->left, w, L->y, d->title);
        float rw = widest_line(L, &st, d->title, w) / 3;
        pdf_layout_rule(L, L->left + (w - rw) / 2, L->left + (w + rw) / 2, L->y - RULE_GAP,
                        RULE_LW);
    }
    L->y -= 16;
}

/* "Kính gửi:" under the title: one addressee on one centred line; several
 * as "- ...;" lines beside the label, the block centred on the page. */
static void draw_addressees(pdf_layout *L, const document *d)
{
    if (!d->naddressees || !has_text(d->addressee_label)) return;
    pdf_text_style st = style(PDF_FONT_REGULAR, BODY_SIZE, PDF_ALIGN_LEFT, 0);
    float w = L->right - L->left;
    float lw = pdf_layout_text_width(L, st.font, st.size, d->addressee_label,
                                     strlen(d->addressee_label)) + 4;
    strbuf line = STRBUF_INIT;
    if (d->naddressees == 1) {
        pdf_text_style c = style(PDF_FONT_REGULAR, BODY_SIZE, PDF_ALIGN_CENTER, 0);
        strbuf_addf(&line, "%s %s.", d->addressee_label, d->addressees[0]);
        pdf_layout_flow(L, &c, L->left, w, line.buf);
    } else {
        float widest = 0;
        for (int i = 0; i < d->naddressees; i++) {
            strbuf_reset(&line);
            strbuf_addf(&line, "- %s;", d->addressees[i]);
            float tw = pdf_layout_text_width(L, st.font, st.size, line.buf, line.len);
            if (tw > widest) widest = tw;
        }
        float x = L->left + (w - lw - widest) / 2;
        if (x < L->left) x = L->left;
        for (int i = 0; i < d->naddressees; i++) {
            strbuf_reset(&line);
            strbuf_addf(&line, "- %s%s", d->addressees[i], i == d->naddressees - 1 ? "." : ";");
            if (i == 0) pdf_layout_block(L, &st, x, lw, L->y, d->addressee_label, 1);
            pdf_layout_flow(L, &st, x + lw, L->right - x - lw, line.buf);
        }
    }
    L->y -= 10;
    strbuf_release(&line);
}

/* ---- body -------------------------------------------------------------- */

static pdf_text_style block_style(block_kind k)
{
    pdf_text_style st = style(PDF_FONT_REGULAR, BODY_SIZE, PDF_ALIGN_JUSTIFY, 0);
    st.indent = FIRST_INDENT;
    st.space_after = PARA_AFTER;
    switch (k) {
    case BLOCK_HEADING1:
        st.font = PDF_FONT_BOLD;
        st.align = PDF_ALIGN_LEFT;
        st.indent = 0;
        break;
    case BLOCK_HEADING2:
        st.font = PDF_FONT_BOLD;
        break;
    case BLOCK_HEADING3:
        st.font = PDF_FONT_ITALIC;
        break;
    case BLOCK_NOTICE:
        st.size = 13;
        st.indent = 0;
        break;
    case BLOCK_PARAGRAPH:
    case BLOCK_BULLET:
        break;
    }
    return st;
}

static void draw_block(pdf_layout *L, const doc_block *b)
{
    pdf_text_style st = block_style(b->kind);
    const char *s = b->text ? b->text : "";
    float w = L->right - L->left;
    if (b->kind == BLOCK_NOTICE) {
        pdf_layout_flow_boxed(L, &st, 5, s);
        return;
    }
    if (b->kind == BLOCK_HEADING1 || b->kind == BLOCK_HEADING2 || b->kind == BLOCK_HEADING3) {
        /* A heading never ends a page: keep it with two body lines. */
        pdf_text_style body = block_style(BLOCK_PARAGRAPH);
        float need = pdf_layout_block(L, &st, L->left, w, L->y, s, 0) +
                     2 * pdf_layout_line_height(&body);
        pdf_layout_ensure(L, need);
    }
    pdf_layout_flow(L, &st, L->left, w, s);
}

/* ---- signature and recipients ------------------------------------------ */

static pdf_text_style recipient_style(const pdf_layout *L)
{
    pdf_text_style st = style(PDF_FONT_REGULAR, 11, PDF_ALIGN_LEFT, 0);
    st.spacing = 1.15f;
    /* Hanging indent: wrapped lines start under the text, not the dash. */
    st.indent = -pdf_layout_text_width(L, st.font, st.size, "- ", 2);
    return st;
}

static void recipient_line(strbuf *sb, const document *d, int i)
{
    strbuf_reset(sb);
    strbuf_addf(sb, "- %s%s", d->recipients[i], i == d->nrecipients - 1 ? "." : ";");
}

/* Height (or drawing) of the signature block in the right half. */
static float signature(pdf_layout *L, const document *d, float y, int draw)
{
    pdf_text_style head = style(PDF_FONT_BOLD, 13, PDF_ALIGN_CENTER, 1);
    pdf_text_style name = style(PDF_FONT_BOLD, 14, PDF_ALIGN_CENTER, 0);
    float w = (L->right - L->left) / 2, x = L->left + w, y0 = y;
    const char *parts[2] = {d->sign_authority, d->sign_position};
    for (int i = 0; i < 2; i++)
        if (has_text(parts[i])) y -= pdf_layout_block(L, &head, x, w, y, parts[i], draw);
    y -= PDF_MM(25); /* room for the signature and the seal */
    if (has_text(d->signer)) y -= pdf_layout_block(L, &name, x, w, y, d->signer, draw);
    return y0 - y;
}

/* Height of "Nơi nhận:" and the list in the left half. */
static float recipients_height(pdf_layout *L, const document *d, float x, float w)
{
    pdf_text_style title = style(PDF_FONT_BOLD_ITALIC, 12, PDF_ALIGN_LEFT, 0);
    pdf_text_style item = recipient_style(L);
    strbuf line = STRBUF_INIT;
    float h = d->nrecipients ? pdf_layout_block(L, &title, x, w, 0, "Nơi nhận:", 0) : 0;
    for (int i = 0; i < d->nrecipients; i++) {
        recipient_line(&line, d, i);
        h += pdf_layout_block(L, &item, x - item.indent, w + item.indent, 0, line.buf, 0);
    }
    strbuf_release(&line);
    return h;
}

static void flow_recipients(pdf_layout *L, const document *d, float x, float w)
{
    pdf_text_style title = style(PDF_FONT_BOLD_ITALIC, 12, PDF_ALIGN_LEFT, 0);
    pdf_text_style item = recipient_style(L);
    strbuf line = STRBUF_INIT;
    if (d->nrecipients) pdf_layout_flow(L, &title, x, w, "Nơi nhận:");
    for (int i = 0; i < d->nrecipients; i++) {
        recipient_line(&line, d, i);
        pdf_layout_flow(L, &item, x - item.indent, w + item.indent, line.buf);
    }
    strbuf_release(&line);
}

/* Signature on the right and Nơi nhận on the left, tops aligned, kept on
 * one page unless the list alone is longer than a page (then it flows on). */
static void draw_closing(pdf_layout *L, const document *d)
{
    float half = (L->right - L->left) / 2, gap = 6;
    if (!has_text(d->sign_authority) && !has_text(d->sign_position) &&
        !has_text(d->signer) && d->nrecipients == 0)
        return;
    L->y -= 12;
    float hs = signature(L, d, 0, 0);
    float hr = recipients_height(L, d, L->left, half - gap);
    float need = hs > hr ? hs : hr, full = L->top - L->bottom;
    pdf_layout_ensure(L, need < full ? need : full);
    float top = L->y;
    int page = L->npages;
    float sign_bottom = top - signature(L, d, top, 1);
    flow_recipients(L, d, L->left, half - gap);
    if (L->npages == page && sign_bottom < L->y) L->y = sign_bottom;
}

/* ---- appendices -------------------------------------------------------- */

static void draw_appendix(pdf_layout *L, const doc_appendix *a)
{
    pdf_text_style label = style(PDF_FONT_BOLD, 14, PDF_ALIGN_CENTER, 0);
    label.space_after = 4;
    pdf_layout_restart_numbering(L);
    pdf_layout_new_page(L, PDF_LANDSCAPE);
    if (has_text(a->label)) pdf_layout_flow(L, &label, L->left, 0, a->label);
    if (a->tbl) pdf_table_draw(L, a->tbl, a->caption);
}

/* Title "KẾ HOẠCH 03/KH-BDT: <trích yếu on one line>", Author the agency,
 * Subject and Keywords as the wording gives them. */
static void set_info(pdf_layout *L, const document *d)
{
    strbuf title = STRBUF_INIT;
    strbuf_adds(&title, d->doc_type ? d->doc_type : "");
    if (!d->working && has_text(d->number)) strbuf_addf(&title, " %s", d->number);
    if (has_text(d->title)) strbuf_addf(&title, ": %s", d->title);
    for (size_t i = 0; i < title.len; i++)
        if (title.buf[i] == '\n') title.buf[i] = ' ';
    pdf_layout_set_info(L, title.buf, d->agency, d->subject, d->keywords);
    strbuf_release(&title);
}

int pdf_report_write(const document *d, const char *font_dir, const char *path,
                     strbuf *err)
{
    pdf_layout *L = pdf_layout_new(font_dir, err);
    if (!L) return -1;
    set_info(L, d);
    pdf_layout_new_page(L, PDF_PORTRAIT);
    draw_header(L, d);
    draw_title(L, d);
    draw_addressees(L, d);
    for (int i = 0; i < d->nblocks; i++) draw_block(L, &d->blocks[i]);
    draw_closing(L, d);
    for (int i = 0; i < d->nappendices; i++) draw_appendix(L, &d->appendices[i]);
    int rc = pdf_layout_save(L, path, err);
    pdf_layout_free(L);
    return rc;
}
