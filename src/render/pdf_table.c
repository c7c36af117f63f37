/*
 * pdf_table: a table model (table.h) drawn on landscape pages, with our own
 * row heights, pagination and repeated header rows (libharu has none of
 * them). The geometry of the header is computed once and redrawn on every
 * continuation page.
 */
#include "pdf_table.h"

#include <stdlib.h>
#include <string.h>

#include "../util/decimal.h"

#define GRID_LW 0.5f
#define PAD_X 3.0f
#define PAD_Y 2.5f
#define EPS 0.01f
#define MIN_FIGURE_SIZE 5.0f
/* A table whose figures would be set under SHRINK_SIZE is cut into bands
 * of columns, each wide enough for LEGIBLE_SIZE: 8 pt is the smallest size
 * a printed table is read at with ease. Between the two the table stays
 * whole: 7.5 pt figures beat a 200-page table doubled. */
#define LEGIBLE_SIZE 8.0f
#define SHRINK_SIZE 7.0f
#define MAX_BANDS 8

typedef struct tbl_geom {
    const table *t;
    float *x;               /* ncols + 1 column edges */
    pdf_align *align;       /* body alignment of each column */
    pdf_text_style body;    /* row style bits change the face */
    pdf_text_style head;    /* header grid: bold, centred */
    pdf_text_style num;     /* column-number row: italic, centred */
    float lh;               /* line pitch of all three */
    float *hrow;            /* header_rows row heights */
    float head_h, num_h;
    int fresh;              /* no body row on this page yet */
    float body_top;         /* y of the body's first row on this page */
    strbuf *txt;            /* per-column scratch for one body row */
    pdf_lines *ln;
    float *size;            /* font size of each cell of that row */
    float *colsize;         /* one size for every figure of a column */
    float *numsize;         /* column-number row: size of each label */
} tbl_geom;

void pdf_table_cell_text(strbuf *sb, const table *t, int row, int col)
{
    const table_cell *c = &t->rows[row].cells[col];
    if (!table_cell_present(t, row, col)) return;
    switch (t->cols[col].kind) {
    case COL_TEXT:
        if (c->text) strbuf_adds(sb, c->text);
        break;
    case COL_MONEY: /* đồng shown in triệu đồng; nothing is "-", as in the sheet */
        if (c->value) decimal_format(sb, c->value, 6, 3, 1);
        else strbuf_addch(sb, '-');
        break;
    case COL_QTY:
        if (c->value) decimal_format(sb, c->value, 3, 3, DECIMAL_TRIM_ZEROS);
        else strbuf_addch(sb, '-');
        break;
    case COL_RATE:
        decimal_rate_format(sb, c->num, c->den);
        break;
    }
}

/* ---- geometry ---------------------------------------------------------- */

/* Column widths are in workbook characters; scale them to the text width
 * of a landscape page so the sheet and the PDF keep the same proportions. */
static void layout_columns(const pdf_layout *L, tbl_geom *g)
{
    const table *t = g->t;
    double total = 0;
    for (int c = 0; c < t->ncols; c++)
        total += t->cols[c].width > 0 ? t->cols[c].width : 1;
    float avail = L->right - L->left, x = L->left;
    for (int c = 0; c < t->ncols; c++) {
        double w = t->cols[c].width > 0 ? t->cols[c].width : 1;
        g->x[c] = x;
        x += (float)(w / total) * avail;
    }
    g->x[t->ncols] = L->right;
}

/* The widest text column holds the row labels and is set flush left;
 * other text columns (STT, unit) are short and centred; figures go right. */
static void layout_alignment(tbl_geom *g)
{
    const table *t = g->t;
    int label = -1;
    for (int c = 0; c < t->ncols; c++)
        if (t->cols[c].kind == COL_TEXT && (label < 0 || t->cols[c].width > t->cols[label].width))
            label = c;
    for (int c = 0; c < t->ncols; c++) {
        if (t->cols[c].kind != COL_TEXT) g->align[c] = PDF_ALIGN_RIGHT;
        else g->align[c] = c == label ? PDF_ALIGN_LEFT : PDF_ALIGN_CENTER;
    }
}

static int header_cell_valid(const table *t, const table_header_cell *h)
{
    return h->row >= 0 && h->col >= 0 && h->rowspan >= 1 && h->colspan >= 1 &&
           h->row + h->rowspan <= t->header_rows && h->col + h->colspan <= t->ncols;
}

/* The width of the widest word of s (a word is never broken in a header). */
static float widest_word(const pdf_layout *L, const pdf_text_style *st, const char *s)
{
    float w = 0;
    for (const char *p = s ? s : ""; *p;) {
        while (*p == ' ' || *p == '\n') p++;
        size_t n = strcspn(p, " \n");
        float ww = pdf_layout_text_width(L, st->font, st->size, p, n);
        if (ww > w) w = ww;
        p += n;
    }
    return w;
}

/* A header cell's style: smaller when its widest word would not fit, so
 * that "STT" is never broken in two. */
static pdf_text_style header_style(const pdf_layout *L, const pdf_text_style *st,
                                   const char *s, float avail)
{
    pdf_text_style hs = *st;
    float w = widest_word(L, st, s);
    if (w > avail && w > 0) hs.size = st->size * avail / w;
    return hs;
}

static int count_lines(const pdf_layout *L, const pdf_text_style *st,
                       const char *s, float width)
{
    pdf_lines ls = {0};
    pdf_layout_break(L, st->font, st->size, s ? s : "", width, 0, &ls);
    int n = ls.n;
    pdf_layout_lines_release(&ls);
    return n;
}

static float header_cell_need(const pdf_layout *L, const tbl_geom *g,
                              const table_header_cell *h)
{
    float w = g->x[h->col + h->colspan] - g->x[h->col] - 2 * PAD_X;
    pdf_text_style hs = header_style(L, &g->head, h->text, w);
    int n = count_lines(L, &hs, h->text, w);
    return (float)(n > 0 ? n : 1) * g->lh + 2 * PAD_Y;
}

/* A column-number label as lines broken after "=", "+", "-" and "/":
 * "(3)=(4)+(7)+(10)" wraps as "(3)=(4)+" / "(7)+(10)" rather than being set
 * too small to read. */
static void number_lines(const pdf_layout *L, const pdf_text_style *st, const char *s,
                         float avail, pdf_lines *out)
{
    size_t n = strlen(s), start = 0;
    while (start < n) {
        size_t end = start, p = start;
        while (p < n) {
            size_t q = p;
            while (q < n && !strchr("=+-/", s[q])) q++;
            if (q < n) q++; /* the operator ends its piece */
            if (end > start && pdf_layout_text_width(L, st->font, st->size, s + start, q - start) > avail)
                break;
            end = p = q;
        }
        ALLOC_GROW(out->v, out->n + 1, out->alloc);
        out->v[out->n++] = (pdf_line){start, end - start, 1};
        start = end;
    }
}

/* Single-row cells set their row's height first; a merged cell that still
 * needs more room spreads the excess over the rows it spans. */
static void layout_header(const pdf_layout *L, tbl_geom *g)
{
    const table *t = g->t;
    for (int r = 0; r < t->header_rows; r++) g->hrow[r] = g->lh + 2 * PAD_Y;
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < t->nheader; i++) {
            const table_header_cell *h = &t->header[i];
            if (!header_cell_valid(t, h) || (h->rowspan > 1) != pass) continue;
            float need = header_cell_need(L, g, h), have = 0;
            for (int r = h->row; r < h->row + h->rowspan; r++) have += g->hrow[r];
            for (int r = h->row; need > have && r < h->row + h->rowspan; r++)
                g->hrow[r] += (need - have) / (float)h->rowspan;
        }
    }
    g->head_h = 0;
    for (int r = 0; r < t->header_rows; r++) g->head_h += g->hrow[r];
    g->num_h = 0;
    for (int c = 0; c < t->ncols; c++) {
        const char *lbl = t->cols[c].number_label;
        if (!lbl || !*lbl) continue;
        pdf_lines ls = {0};
        pdf_text_style ns = g->num;
        ns.size = g->numsize[c];
        number_lines(L, &ns, lbl, g->x[c + 1] - g->x[c] - 2 * PAD_X, &ls);
        float h = (float)(ls.n > 0 ? ls.n : 1) * g->lh + 2 * PAD_Y;
        if (h > g->num_h) g->num_h = h;
        pdf_layout_lines_release(&ls);
    }
}

/* The body size of a table: smaller for a wide one. A band of columns
 * keeps the size of the whole table. */
static float body_size(const table *t)
{
    return t->ncols > 12 ? 9.0f : 10.5f;
}

static void set_styles(tbl_geom *g, float size)
{
    pdf_text_style base = {PDF_FONT_REGULAR, size, PDF_ALIGN_LEFT, 0, 1.15f, 0, 0};
    g->body = base;
    g->head = base;
    g->head.font = PDF_FONT_BOLD;
    g->head.align = PDF_ALIGN_CENTER;
    g->num = base;
    g->num.font = PDF_FONT_ITALIC;
    g->num.align = PDF_ALIGN_CENTER;
    g->lh = pdf_layout_line_height(&base);
}

/* Each column-number label in the row's size, unless one piece of it (up
 * to an operator) is wider than its column: then smaller, to fit. */
static void layout_numbers(const pdf_layout *L, tbl_geom *g)
{
    for (int c = 0; c < g->t->ncols; c++) {
        const char *s = g->t->cols[c].number_label ? g->t->cols[c].number_label : "";
        float avail = g->x[c + 1] - g->x[c] - 2 * PAD_X, widest = 0;
        for (size_t p = 0, n = strlen(s); p < n;) {
            size_t q = p;
            while (q < n && !strchr("=+-/", s[q])) q++;
            if (q < n) q++;
            float w = pdf_layout_text_width(L, g->num.font, g->num.size, s + p, q - p);
            if (w > widest) widest = w;
            p = q;
        }
        g->numsize[c] = widest > avail ? g->num.size * avail / widest : g->num.size;
    }
}

static void layout_figures(const pdf_layout *L, tbl_geom *g);

static void geom_init(const pdf_layout *L, tbl_geom *g, const table *t, float size)
{
    memset(g, 0, sizeof *g);
    g->t = t;
    g->x = xcalloc((size_t)t->ncols + 1, sizeof(float));
    g->align = xcalloc((size_t)t->ncols + 1, sizeof(pdf_align));
    g->hrow = xcalloc((size_t)t->header_rows + 1, sizeof(float));
    g->txt = xcalloc((size_t)t->ncols + 1, sizeof(strbuf));
    g->ln = xcalloc((size_t)t->ncols + 1, sizeof(pdf_lines));
    g->size = xcalloc((size_t)t->ncols + 1, sizeof(float));
    g->colsize = xcalloc((size_t)t->ncols + 1, sizeof(float));
    g->numsize = xcalloc((size_t)t->ncols + 1, sizeof(float));
    for (int c = 0; c < t->ncols; c++) g->txt[c] = (strbuf)STRBUF_INIT;
    set_styles(g, size);
    layout_columns(L, g);
    layout_alignment(g);
    layout_numbers(L, g);
    layout_header(L, g);
    layout_figures(L, g);
}

static void geom_release(tbl_geom *g)
{
    for (int c = 0; c < g->t->ncols; c++) {
        strbuf_release(&g->txt[c]);
        pdf_layout_lines_release(&g->ln[c]);
    }
    free(g->x);
    free(g->align);
    free(g->hrow);
    free(g->txt);
    free(g->ln);
    free(g->size);
    free(g->colsize);
    free(g->numsize);
}

/* ---- drawing ----------------------------------------------------------- */

/* Lines [from, from+count) of a cell, vertically centred in [bot, top] when
 * the row is shown whole, from the top when it is a piece of a split row. */
static void cell_lines(pdf_layout *L, const pdf_text_style *st, float x0,
                       float x1, float top, float bot, const char *s,
                       const pdf_lines *ls, int from, int count, int whole)
{
    if (from >= ls->n) return;
    float lh = pdf_layout_line_height(st);
    int n = ls->n - from < count ? ls->n - from : count;
    float y = top - PAD_Y;
    if (whole) y -= (top - bot - 2 * PAD_Y - (float)n * lh) / 2;
    for (int i = 0; i < n; i++, y -= lh)
        pdf_layout_draw_line(L, st, x0 + PAD_X, x1 - x0 - 2 * PAD_X,
                             pdf_layout_baseline(st, y), s, &ls->v[from + i], 0);
}

/* A figure is never wrapped (a number split over two lines misreads):
 * when it is wider than its column it is set smaller to fit. */
static float figure_size(const pdf_layout *L, const pdf_text_style *st,
                         const char *txt, float avail)
{
    float w = pdf_layout_text_width(L, st->font, st->size, txt, strlen(txt));
    if (w <= avail) return st->size;
    float size = st->size * avail / w;
    return size < MIN_FIGURE_SIZE ? MIN_FIGURE_SIZE : size;
}

static pdf_font_style row_font(int style)
{
    if ((style & ROW_BOLD) && (style & ROW_ITALIC)) return PDF_FONT_BOLD_ITALIC;
    if (style & ROW_BOLD) return PDF_FONT_BOLD;
    if (style & ROW_ITALIC) return PDF_FONT_ITALIC;
    return PDF_FONT_REGULAR;
}

/* One size for every figure of a column (a column in mixed sizes reads
 * badly): the size at which its widest figure, bold in a bold row, fits. */
static void layout_figures(const pdf_layout *L, tbl_geom *g)
{
    const table *t = g->t;
    strbuf sb = STRBUF_INIT;
    for (int c = 0; c < t->ncols; c++) {
        g->colsize[c] = g->body.size;
        if (t->cols[c].kind == COL_TEXT) continue;
        float avail = g->x[c + 1] - g->x[c] - 2 * PAD_X;
        for (int r = 0; r < t->nrows; r++) {
            pdf_text_style st = g->body;
            st.font = row_font(t->rows[r].style);
            strbuf_reset(&sb);
            pdf_table_cell_text(&sb, t, r, c);
            float size = figure_size(L, &st, sb.buf, avail);
            if (size < g->colsize[c]) g->colsize[c] = size;
        }
    }
    strbuf_release(&sb);
}

/* A whole cell of the header grid or column-number row: boxed, wrapped,
 * centred both ways. */
static void grid_cell(pdf_layout *L, const pdf_text_style *st, float x0,
                      float x1, float top, float bot, const char *s)
{
    pdf_lines ls = {0};
    pdf_layout_rect(L, x0, bot, x1 - x0, top - bot, GRID_LW);
    if (s) {
        pdf_layout_break(L, st->font, st->size, s, x1 - x0 - 2 * PAD_X, 0, &ls);
        cell_lines(L, st, x0, x1, top, bot, s, &ls, 0, ls.n, 1);
    }
    pdf_layout_lines_release(&ls);
}

/* The header grid and the column-number row, from the cursor. */
static void draw_header(pdf_layout *L, tbl_geom *g)
{
    const table *t = g->t;
    float y0 = L->y;
    for (int i = 0; i < t->nheader; i++) {
        const table_header_cell *h = &t->header[i];
        if (!header_cell_valid(t, h)) continue;
        float top = y0, bot;
        for (int r = 0; r < h->row; r++) top -= g->hrow[r];
        bot = top;
        for (int r = h->row; r < h->row + h->rowspan; r++) bot -= g->hrow[r];
        pdf_text_style hs = header_style(L, &g->head, h->text,
                                         g->x[h->col + h->colspan] - g->x[h->col] - 2 * PAD_X);
        grid_cell(L, &hs, g->x[h->col], g->x[h->col + h->colspan], top, bot, h->text);
    }
    L->y = y0 - g->head_h;
    if (g->num_h > 0) {
        for (int c = 0; c < t->ncols; c++) {
            /* "(11)=(10)/(9)" wraps after its operators when too wide. */
            pdf_text_style ns = g->num;
            const char *lbl = t->cols[c].number_label ? t->cols[c].number_label : "";
            pdf_lines ls = {0};
            ns.size = g->numsize[c];
            number_lines(L, &ns, lbl, g->x[c + 1] - g->x[c] - 2 * PAD_X, &ls);
            pdf_layout_rect(L, g->x[c], L->y - g->num_h, g->x[c + 1] - g->x[c], g->num_h, GRID_LW);
            cell_lines(L, &ns, g->x[c], g->x[c + 1], L->y, L->y - g->num_h, lbl, &ls, 0, ls.n, 1);
            pdf_layout_lines_release(&ls);
        }
        L->y -= g->num_h;
    }
    g->fresh = 1;
    g->body_top = L->y;
}

/*
 * The body's grid on this page: the column edges from the header down to
 * the last row. Body rows are drawn as text and one rule under each, not
 * a rectangle a cell: a national table has 10^5 cells, and the page
 * streams libharu keeps and deflates would be mostly rectangles. Lines
 * run half a line width past their ends so the corners close.
 */
static void close_grid(pdf_layout *L, const tbl_geom *g)
{
    if (L->y >= g->body_top) return;
    for (int c = 0; c <= g->t->ncols; c++)
        pdf_layout_vrule(L, g->x[c], g->body_top + GRID_LW / 2, L->y - GRID_LW / 2, GRID_LW);
}

static void new_table_page(pdf_layout *L, tbl_geom *g)
{
    close_grid(L, g);
    pdf_layout_new_page(L, PDF_LANDSCAPE);
    draw_header(L, g);
}


/* Format and break every cell of row r; returns the most lines of a cell
 * (at least 1, so an empty row still has a height). */
static int prepare_row(const pdf_layout *L, tbl_geom *g, int r, pdf_text_style *st)
{
    const table *t = g->t;
    int maxl = 1;
    *st = g->body;
    st->font = row_font(t->rows[r].style);
    for (int c = 0; c < t->ncols; c++) {
        float avail = g->x[c + 1] - g->x[c] - 2 * PAD_X;
        strbuf_reset(&g->txt[c]);
        g->ln[c].n = 0;
        pdf_table_cell_text(&g->txt[c], t, r, c);
        g->size[c] = t->cols[c].kind == COL_TEXT ? st->size : g->colsize[c];
        pdf_layout_break(L, st->font, g->size[c], g->txt[c].buf, avail, 0, &g->ln[c]);
        if (g->ln[c].n > maxl) maxl = g->ln[c].n;
    }
    return maxl;
}

/* Lines [from, from+count) of every cell of the prepared row as one band of
 * grid cells from the cursor; whole says the band is the entire row. */
static void draw_band(pdf_layout *L, tbl_geom *g, const pdf_text_style *st,
                      int from, int count, int whole)
{
    float top = L->y, bot = top - (float)count * g->lh - 2 * PAD_Y;
    pdf_text_style cs = *st;
    for (int c = 0; c < g->t->ncols; c++) {
        cs.align = g->align[c];
        cs.size = g->size[c];
        cell_lines(L, &cs, g->x[c], g->x[c + 1], top, bot, g->txt[c].buf,
                   &g->ln[c], from, count, whole);
    }
    pdf_layout_rule(L, g->x[0] - GRID_LW / 2, g->x[g->t->ncols] + GRID_LW / 2, bot, GRID_LW);
    L->y = bot;
    g->fresh = 0;
}

/* A row goes whole onto this page or the next; only a row taller than an
 * empty page is split, at least one line per page so this always ends. */
static void draw_row(pdf_layout *L, tbl_geom *g, int r)
{
    pdf_text_style st;
    int maxl = prepare_row(L, g, r, &st);
    float need = (float)maxl * g->lh + 2 * PAD_Y;
    if (L->y - need < L->bottom - EPS && !g->fresh) new_table_page(L, g);
    if (L->y - need >= L->bottom - EPS) {
        draw_band(L, g, &st, 0, maxl, 1);
        return;
    }
    for (int from = 0; from < maxl;) {
        int k = (int)((L->y - L->bottom - 2 * PAD_Y + EPS) / g->lh);
        if (k < 1) k = 1;
        if (k > maxl - from) k = maxl - from;
        draw_band(L, g, &st, from, k, 0);
        from += k;
        if (from < maxl) new_table_page(L, g);
    }
}

/* Form name, title, caption, subtitle and unit line above the grid; the
 * caption (Nghị định 30, Phụ lục I: "Kèm theo ...") has a short rule under
 * it, a third of its width. A band of columns after the first is headed
 * by its "(tiếp theo)" line and the unit alone. */
static float title_block(pdf_layout *L, const table *t, const char *caption, int band,
                         int draw)
{
    pdf_text_style form = {PDF_FONT_BOLD, 12, PDF_ALIGN_RIGHT, 0, 1.2f, 2, 0};
    pdf_text_style title = {PDF_FONT_BOLD, 13, PDF_ALIGN_CENTER, 0, 1.2f, 0, 1};
    pdf_text_style cap = {PDF_FONT_ITALIC, 13, PDF_ALIGN_CENTER, 0, 1.2f, 0, 0};
    pdf_text_style sub = {PDF_FONT_ITALIC, 12, PDF_ALIGN_CENTER, 0, 1.2f, 0, 0};
    pdf_text_style unit = {PDF_FONT_ITALIC, 11, PDF_ALIGN_RIGHT, 0, 1.2f, 0, 0};
    const pdf_text_style *st[5] = {&form, &title, &cap, &sub, &unit};
    const char *s[5] = {t->form_name, t->title, caption, t->subtitle, t->unit_line};
    if (band > 0) {
        s[0] = t->continued && *t->continued ? t->continued : t->form_name;
        s[1] = s[2] = s[3] = NULL;
    }
    float y = L->y, w = L->right - L->left;
    for (int i = 0; i < 5; i++) {
        if (!s[i] || !*s[i]) continue;
        if (i == 4) y -= 4; /* air between the titles and the unit line */
        y -= pdf_layout_block(L, st[i], L->left, w, y, s[i], draw);
        if (i == 2) {
            float rw = pdf_layout_text_width(L, cap.font, cap.size, s[i], strlen(s[i]));
            if (rw > w) rw = w;
            rw /= 3;
            if (draw) pdf_layout_rule(L, L->left + (w - rw) / 2, L->left + (w + rw) / 2, y - 3, 0.6f);
            y -= 8;
        }
    }
    if (y < L->y) y -= 3; /* air between the title block and the grid */
    if (draw) L->y = y;
    return L->y - y;
}

/* One band of columns (the whole table when it fits) from the cursor, on
 * the landscape page there; a band after the first starts a page. */
static void draw_band_table(pdf_layout *L, const table *t, const char *caption, int band,
                            float size)
{
    tbl_geom g;
    if (band > 0) pdf_layout_new_page(L, PDF_LANDSCAPE);
    geom_init(L, &g, t, size);
    /* Keep the title block with the header and a first row. */
    float first = t->nrows > 0 ? g.lh + 2 * PAD_Y : 0;
    pdf_layout_ensure(L, title_block(L, t, caption, band, 0) + g.head_h + g.num_h + first);
    title_block(L, t, caption, band, 1);
    draw_header(L, &g);
    for (int r = 0; r < t->nrows; r++) draw_row(L, &g, r);
    close_grid(L, &g);
    geom_release(&g);
}

/*
 * How wide a band may be, in the columns' width units, for its figures to
 * be set at SHRINK_SIZE (*keep) and at LEGIBLE_SIZE (*cut): the page's
 * text width over the most room a unit of width must give. A figure
 * column needs its widest figure (bold in a bold row) and its padding;
 * the columns are scaled together, so the neediest column sets the scale.
 * A text's width is proportional to its size: measured once, at 1 pt.
 */
static void band_capacity(const pdf_layout *L, const table *t, double *keep, double *cut)
{
    double need_keep = 0, need_cut = 0;
    strbuf sb = STRBUF_INIT;
    for (int c = table_key_columns(t); c < t->ncols; c++) {
        if (t->cols[c].kind == COL_TEXT || t->cols[c].width <= 0) continue;
        float widest = 0;
        for (int r = 0; r < t->nrows; r++) {
            strbuf_reset(&sb);
            pdf_table_cell_text(&sb, t, r, c);
            float w = pdf_layout_text_width(L, row_font(t->rows[r].style), 1.0f, sb.buf, sb.len);
            if (w > widest) widest = w;
        }
        double k = (widest * SHRINK_SIZE + 2 * PAD_X) / t->cols[c].width;
        double u = (widest * LEGIBLE_SIZE + 2 * PAD_X) / t->cols[c].width;
        if (k > need_keep) need_keep = k;
        if (u > need_cut) need_cut = u;
    }
    strbuf_release(&sb);
    float avail = L->right - L->left;
    *keep = need_keep > 0 ? avail / need_keep : 1e300;
    *cut = need_cut > 0 ? avail / need_cut : 1e300;
}

void pdf_table_draw(pdf_layout *L, const table *t, const char *caption)
{
    if (!L->page || L->orient != PDF_LANDSCAPE) pdf_layout_new_page(L, PDF_LANDSCAPE);
    double keep, cut;
    band_capacity(L, t, &keep, &cut); /* on the landscape page: its width */
    int starts[MAX_BANDS + 1];
    int nb = table_plan_bands(t, keep, cut, starts, MAX_BANDS);
    if (nb <= 1) {
        draw_band_table(L, t, caption, 0, body_size(t));
        return;
    }
    starts[nb] = t->ncols;
    for (int b = 0; b < nb; b++) {
        table *band = table_columns(t, starts[b], starts[b + 1]);
        draw_band_table(L, band, caption, b, body_size(t));
        table_free(band);
    }
}
