/*
 * pdf_layout: fonts, pages, cursor, measuring, line breaking and drawing of
 * text for the report PDF, on libharu 2.3.0 (see pdf_layout.h for why so
 * much of this is ours rather than libharu's).
 */
#include "pdf_layout.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hpdf_pages.h>
#include <hpdf_streams.h>
#include <zlib.h>

#include "../util/text.h"
#include "../util/syserr.h"

/* Liberation Serif vertical metrics (units of the em), used to centre the
 * glyphs in the line pitch: ascender 0.891, descender 0.216. */
#define ASCENT 0.891f
#define DESCENT 0.216f
#define PAGE_NUMBER_SIZE 13.0f
/* Page contents deflate at zlib's fastest level: on the national report
 * (636 pages) the PDF writes in 0.37 s instead of 0.44 s at the default
 * level, for a file of 3.2 MB instead of 2.7 MB; fonts keep libharu's
 * default level. */
#define PAGE_DEFLATE_LEVEL Z_BEST_SPEED
#define EPS 0.01f

static const char *const font_files[PDF_FONT_COUNT] = {
    "LiberationSerif-Regular.ttf",
    "LiberationSerif-Bold.ttf",
    "LiberationSerif-Italic.ttf",
    "LiberationSerif-BoldItalic.ttf",
};

/* libharu calls this instead of exiting; keep the first error only, the
 * later ones are usually consequences of it. */
static void HPDF_STDCALL on_hpdf_error(HPDF_STATUS e, HPDF_STATUS detail,
                                       void *user)
{
    pdf_layout *L = user;
    if (!L->error) {
        L->error = e;
        L->error_detail = detail;
    }
}

/* Checked before libharu sees the path, so that the message can name the
 * file instead of showing a libharu error number. */
static int font_readable(const char *path)
{
    struct stat st;
    if (access(path, R_OK) != 0 || stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return 0;
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    unsigned char head[4];
    int ok = fread(head, 1, sizeof head, f) == sizeof head;
    fclose(f);
    return ok;
}

int pdf_layout_check_fonts(const char *font_dir, strbuf *err)
{
    strbuf path = STRBUF_INIT;
    int rc = 0;
    for (int i = 0; i < PDF_FONT_COUNT && rc == 0; i++) {
        strbuf_reset(&path);
        strbuf_addf(&path, "%s/%s", font_dir, font_files[i]);
        if (!font_readable(path.buf)) {
            strbuf_addf(err, "không đọc được phông chữ %s", path.buf);
            rc = -1;
        }
    }
    strbuf_release(&path);
    return rc;
}

static int load_font(pdf_layout *L, const char *dir, int i, strbuf *err)
{
    strbuf path = STRBUF_INIT;
    int rc = -1;
    strbuf_addf(&path, "%s/%s", dir, font_files[i]);
    if (!font_readable(path.buf)) {
        strbuf_addf(err, "không đọc được phông chữ %s", path.buf);
    } else {
        const char *name = HPDF_LoadTTFontFromFile(L->doc, path.buf, HPDF_TRUE);
        L->fonts[i] = name ? HPDF_GetFont(L->doc, name, "UTF-8") : NULL;
        L->ascii[i] = name ? HPDF_GetFont(L->doc, name, "WinAnsiEncoding") : NULL;
        if (L->fonts[i] && L->ascii[i] && !L->error)
            rc = 0;
        else
            strbuf_addf(err, "phông chữ %s không dùng được (lỗi libharu 0x%04X)",
                        path.buf, (unsigned)L->error);
    }
    strbuf_release(&path);
    return rc;
}

pdf_layout *pdf_layout_new(const char *font_dir, strbuf *err)
{
    pdf_layout *L = xcalloc(1, sizeof *L);
    L->doc = HPDF_New(on_hpdf_error, L);
    if (!L->doc) {
        strbuf_adds(err, "không khởi tạo được thư viện PDF (libharu)");
        free(L);
        return NULL;
    }
    /* Fonts and their maps deflated by libharu; page contents by us, as
     * each page ends (seal_page). */
    HPDF_SetCompressionMode(L->doc, HPDF_COMP_IMAGE | HPDF_COMP_METADATA);
    HPDF_UseUTFEncodings(L->doc);
    for (int i = 0; i < PDF_FONT_COUNT; i++) {
        if (load_font(L, font_dir, i, err) != 0) {
            pdf_layout_free(L);
            return NULL;
        }
    }
    return L;
}

void pdf_layout_set_info(pdf_layout *L, const char *title, const char *author,
                         const char *subject, const char *keywords)
{
    if (L->error) return;
    /* Info strings are converted through the current encoder: without one
     * libharu writes the UTF-8 bytes as PDFDocEncoding (mojibake). */
    HPDF_SetCurrentEncoder(L->doc, "UTF-8");
    const HPDF_InfoType type[] = {HPDF_INFO_TITLE, HPDF_INFO_AUTHOR, HPDF_INFO_SUBJECT,
                                  HPDF_INFO_KEYWORDS};
    const char *value[] = {title, author, subject, keywords};
    for (int i = 0; i < 4; i++)
        if (value[i] && *value[i]) HPDF_SetInfoAttr(L->doc, type[i], value[i]);
}

void pdf_layout_free(pdf_layout *L)
{
    if (!L) return;
    if (L->doc) HPDF_Free(L->doc);
    strbuf_release(&L->raw);
    strbuf_release(&L->packed);
    free(L);
}

static void end_text(pdf_layout *L);
static void seal_page(pdf_layout *L);

int pdf_layout_save(pdf_layout *L, const char *path, strbuf *err)
{
    seal_page(L);
    if (L->error) {
        strbuf_addf(err, "lỗi thư viện libharu 0x%04X (chi tiết %u) khi dựng tệp PDF %s",
                    (unsigned)L->error, (unsigned)L->error_detail, path);
        return -1;
    }
    int existed = access(path, F_OK) == 0;
    errno = 0;
    if (HPDF_SaveToFile(L->doc, path) == HPDF_OK && !L->error) return 0;
    int why = errno; /* a file error: disk full, file too large ... */
    strbuf_addf(err, "không ghi được tệp PDF %s (lỗi libharu 0x%04X", path, (unsigned)L->error);
    strbuf_addf(err, why ? ": %s)" : ")", sys_error(why));
    /* A half-written file is worse than none; never remove one we did
     * not create. */
    if (!existed) unlink(path);
    return -1;
}

/* ---- drawing primitives ------------------------------------------------ */

static int can_draw(const pdf_layout *L)
{
    return L->page && !L->error;
}

/*
 * Text goes into one text object (BT ... ET) until something else is
 * drawn: a national table sets 10^5 cells, and a BT, an ET and an absolute
 * position for each were a third of the page streams to hold and deflate.
 * Within the object HPDF_Page_TextOut moves from the
 * previous line's start. Every other drawing call, a new page and saving
 * close the object first (PDF allows no path inside one).
 */
static void end_text(pdf_layout *L)
{
    if (L->in_text && L->page) HPDF_Page_EndText(L->page);
    L->in_text = 0;
}

/* HPDF_Page_TextOut wants a NUL-terminated string; lines are spans. */
static void put_text(pdf_layout *L, pdf_font_style f, float size, float x,
                     float y, const char *s, size_t len)
{
    if (!can_draw(L) || len == 0) return;
    char small[256]; /* a cell's line: no allocation */
    char *tmp = len < sizeof small ? memcpy(small, s, len) : xstrndup(s, len);
    tmp[len] = '\0';
    int ascii = 1;
    for (size_t i = 0; i < len && ascii; i++) ascii = (unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7F;
    int font = ascii ? (int)f + PDF_FONT_COUNT : (int)f;
    if (!L->in_text) HPDF_Page_BeginText(L->page);
    L->in_text = 1;
    if (font != L->cur_font || size != L->cur_size) { /* text state outlives BT/ET */
        HPDF_Page_SetFontAndSize(L->page, ascii ? L->ascii[f] : L->fonts[f], size);
        L->cur_font = font, L->cur_size = size;
    }
    HPDF_Page_TextOut(L->page, x, y, tmp);
    if (tmp != small) free(tmp);
}

/* Every path starts here: the text object is closed first. */
static void set_line_width(pdf_layout *L, float lw)
{
    end_text(L);
    if (lw == L->cur_lw) return;
    HPDF_Page_SetLineWidth(L->page, lw);
    L->cur_lw = lw;
}

static void stroke_line(pdf_layout *L, float x1, float y1, float x2, float y2, float lw)
{
    if (!can_draw(L)) return;
    set_line_width(L, lw);
    HPDF_Page_MoveTo(L->page, x1, y1);
    HPDF_Page_LineTo(L->page, x2, y2);
    HPDF_Page_Stroke(L->page);
}

void pdf_layout_rule(pdf_layout *L, float x1, float x2, float y, float lw)
{
    stroke_line(L, x1, y, x2, y, lw);
}

void pdf_layout_vrule(pdf_layout *L, float x, float y1, float y2, float lw)
{
    stroke_line(L, x, y1, x, y2, lw);
}

void pdf_layout_rect(pdf_layout *L, float x, float y, float w, float h, float lw)
{
    if (!can_draw(L)) return;
    set_line_width(L, lw);
    HPDF_Page_Rectangle(L->page, x, y, w, h);
    HPDF_Page_Stroke(L->page);
}

/* ---- pages ------------------------------------------------------------- */

/* The dictionary of a sealed page's contents names the filter itself:
 * libharu drops a "Filter" key from a stream it does not deflate. */
static HPDF_STATUS write_flate_key(HPDF_Dict dict, HPDF_Stream out)
{
    (void)dict;
    return HPDF_Stream_WriteStr(out, "/Filter /FlateDecode\012");
}

/*
 * A page is finished: its content stream is deflated now and kept packed.
 * libharu would hold every page's content raw until HPDF_SaveToFile and
 * deflate it there; a national report is 600 pages, and their raw
 * contents were most of the run's peak memory. This reaches into
 * libharu 2.3's page and stream records (hpdf_pages.h, hpdf_streams.h,
 * installed with libhpdf-dev): the page's content stream is replaced by a
 * memory stream holding the deflated bytes, written as they are
 * (filter NONE) under a "/Filter /FlateDecode" its dictionary writes
 * itself. docs/library-notes.md says so; every test reads the pages back.
 */
static void seal_page(pdf_layout *L)
{
    end_text(L);
    if (!L->page || L->error) return;
    HPDF_PageAttr attr = (HPDF_PageAttr)L->page->attr;
    HPDF_Stream raw = attr->stream;
    if (!raw || attr->contents->write_fn == write_flate_key) return;
    HPDF_UINT size = raw->size;
    strbuf_reset(&L->raw);
    strbuf_grow(&L->raw, size);
    if (HPDF_Stream_Seek(raw, 0, HPDF_SEEK_SET) != HPDF_OK ||
        HPDF_Stream_Read(raw, (HPDF_BYTE *)L->raw.buf, &size) != HPDF_OK || size != raw->size)
        return; /* libharu recorded the failure: the next page or the save reports it */
    uLongf n = compressBound(size);
    strbuf_reset(&L->packed);
    strbuf_grow(&L->packed, n);
    if (compress2((Bytef *)L->packed.buf, &n, (const Bytef *)L->raw.buf, size, PAGE_DEFLATE_LEVEL) != Z_OK) {
        L->error = HPDF_ZLIB_ERROR;
        return;
    }
    HPDF_Stream packed = HPDF_MemStream_New(raw->mmgr, (HPDF_UINT)(n > 0 ? n : 1));
    if (!packed) return;
    if (HPDF_Stream_Write(packed, (const HPDF_BYTE *)L->packed.buf, (HPDF_UINT)n) != HPDF_OK) {
        HPDF_Stream_Free(packed);
        return;
    }
    HPDF_Stream_Free(raw);
    attr->stream = attr->contents->stream = packed;
    attr->contents->filter = HPDF_STREAM_FILTER_NONE;
    attr->contents->write_fn = write_flate_key;
}

static void draw_page_number(pdf_layout *L)
{
    char num[16];
    int n = snprintf(num, sizeof num, "%d", L->npages - L->number_base);
    float w = pdf_layout_text_width(L, PDF_FONT_REGULAR, PAGE_NUMBER_SIZE, num, (size_t)n);
    float margin = L->page_h - L->top;
    /* Centre the digits' x-height band in the top margin. */
    float baseline = L->page_h - margin / 2 - PAGE_NUMBER_SIZE * 0.35f;
    put_text(L, PDF_FONT_REGULAR, PAGE_NUMBER_SIZE, (L->left + L->right - w) / 2,
             baseline, num, (size_t)n);
}

/* Nghị định 30 margins for portrait; landscape pages carry wide tables and
 * get narrower ones so that more columns fit. */
static void set_margins(pdf_layout *L, pdf_orientation o)
{
    float t = PDF_MM(20), b, l, r = PDF_MM(15);
    if (o == PDF_LANDSCAPE) {
        b = PDF_MM(15);
        l = PDF_MM(20);
    } else {
        b = PDF_MM(20);
        l = PDF_MM(30);
    }
    L->left = l;
    L->right = L->page_w - r;
    L->top = L->page_h - t;
    L->bottom = b;
}

void pdf_layout_new_page(pdf_layout *L, pdf_orientation o)
{
    seal_page(L);
    HPDF_Page p = L->error ? NULL : HPDF_AddPage(L->doc);
    if (p)
        HPDF_Page_SetSize(p, HPDF_PAGE_SIZE_A4,
                          o == PDF_LANDSCAPE ? HPDF_PAGE_LANDSCAPE : HPDF_PAGE_PORTRAIT);
    /* Keep the geometry moving even after an error so that callers'
     * page-break loops still advance and end. */
    L->page = p;
    L->cur_font = -1, L->cur_size = -1, L->cur_lw = -1;
    L->orient = o;
    L->npages++;
    L->page_w = p ? HPDF_Page_GetWidth(p) : (o == PDF_LANDSCAPE ? 842 : 595);
    L->page_h = p ? HPDF_Page_GetHeight(p) : (o == PDF_LANDSCAPE ? 595 : 842);
    set_margins(L, o);
    L->y = L->top;
    if (L->npages - L->number_base > 1) draw_page_number(L);
}

void pdf_layout_restart_numbering(pdf_layout *L)
{
    L->number_base = L->npages;
}

int pdf_layout_at_top(const pdf_layout *L)
{
    return L->page && L->y >= L->top - EPS;
}

int pdf_layout_ensure(pdf_layout *L, float h)
{
    if (!L->page && !L->error) {
        pdf_layout_new_page(L, PDF_PORTRAIT);
        return 1;
    }
    if (L->y - h >= L->bottom - EPS || pdf_layout_at_top(L)) return 0;
    pdf_layout_new_page(L, L->orient);
    return 1;
}

/* ---- measuring and line breaking -------------------------------------- */

float pdf_layout_text_width(const pdf_layout *L, pdf_font_style f, float size,
                            const char *s, size_t len)
{
    if (len == 0) return 0;
    HPDF_TextWidth tw = HPDF_Font_TextWidth(L->fonts[f], (const HPDF_BYTE *)s,
                                            (HPDF_UINT)len);
    return (float)tw.width * size / 1000.0f;
}

float pdf_layout_line_height(const pdf_text_style *st)
{
    return st->size * (st->spacing > 0 ? st->spacing : 1.2f);
}

float pdf_layout_baseline(const pdf_text_style *st, float y_top)
{
    float lh = pdf_layout_line_height(st);
    return y_top - (lh - st->size * (ASCENT + DESCENT)) / 2 - st->size * ASCENT;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* U+0300..U+036F, the combining diacritics of decomposed Vietnamese. */
static int is_combining(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    return n >= 2 && (u[0] == 0xCC || (u[0] == 0xCD && u[1] <= 0xAF));
}

/* A character with the combining marks that follow it: the smallest unit a
 * word may be broken into. */
static size_t cluster_len(const char *s, size_t n)
{
    size_t k = text_char_len(s, n);
    while (k < n && is_combining(s + k, n - k)) k += text_char_len(s + k, n - k);
    return k;
}

/* The end of the longest prefix of the word [start, we) that fits in avail;
 * at least one character, so that breaking always advances. */
static size_t fit_chars(const pdf_layout *L, pdf_font_style f, float size,
                        const char *s, size_t start, size_t we, float avail)
{
    size_t p = start + cluster_len(s + start, we - start);
    while (p < we) {
        size_t q = p + cluster_len(s + p, we - p);
        if (pdf_layout_text_width(L, f, size, s + start, q - start) > avail + EPS) break;
        p = q;
    }
    return p;
}

/* One line from *pos: whole words while they fit, else a piece of a word
 * too long for any line. Leaves *pos after the line (at a space, a '\n' or
 * the end) and returns the end of the line's text. */
static size_t take_line(const pdf_layout *L, pdf_font_style f, float size,
                        const char *s, size_t n, size_t *pos, float avail)
{
    size_t start = *pos, end = start, i = start;
    while (i < n && s[i] != '\n') {
        size_t ws = i, we;
        while (ws < n && is_space(s[ws])) ws++;
        if (ws >= n || s[ws] == '\n') {
            i = ws;
            break;
        }
        for (we = ws; we < n && !is_space(s[we]) && s[we] != '\n'; we++) {}
        if (pdf_layout_text_width(L, f, size, s + start, we - start) <= avail + EPS) {
            end = i = we;
            continue;
        }
        if (end == start) end = i = fit_chars(L, f, size, s, start, we, avail);
        break;
    }
    *pos = i;
    return end;
}

static void push_line(pdf_lines *out, size_t off, size_t len, int last)
{
    ALLOC_GROW(out->v, out->n + 1, out->alloc);
    out->v[out->n].off = off;
    out->v[out->n].len = len;
    out->v[out->n].last = last;
    out->n++;
}

void pdf_layout_break(const pdf_layout *L, pdf_font_style f, float size,
                      const char *text, float width, float indent,
                      pdf_lines *out)
{
    size_t n = strlen(text), i = 0;
    int first = 1;
    while (i < n) {
        while (i < n && is_space(text[i])) i++;
        size_t start = i;
        size_t end = take_line(L, f, size, text, n, &i, width - (first ? indent : 0));
        push_line(out, start, end - start, i >= n || text[i] == '\n');
        first = 0;
        if (i < n && text[i] == '\n') i++;
    }
}

void pdf_layout_lines_release(pdf_lines *ls)
{
    free(ls->v);
    ls->v = NULL;
    ls->n = ls->alloc = 0;
}

/* ---- drawing lines ----------------------------------------------------- */

static size_t next_word(const char *s, size_t n, size_t *i)
{
    while (*i < n && is_space(s[*i])) (*i)++;
    size_t ws = *i;
    while (*i < n && !is_space(s[*i])) (*i)++;
    return ws;
}

/* PDF word spacing (Tw) does not apply to libharu's UTF-8 CID fonts, so a
 * justified line is drawn word by word with computed gaps. */
static void draw_justified(pdf_layout *L, const pdf_text_style *st, float x,
                           float avail, float baseline, const char *s, size_t n)
{
    int words = 0;
    float wsum = 0;
    for (size_t i = 0; i < n;) {
        size_t ws = next_word(s, n, &i);
        if (i == ws) break;
        wsum += pdf_layout_text_width(L, st->font, st->size, s + ws, i - ws);
        words++;
    }
    float gap = words > 1 ? (avail - wsum) / (float)(words - 1) : 0;
    for (size_t i = 0; i < n;) {
        size_t ws = next_word(s, n, &i);
        if (i == ws) break;
        put_text(L, st->font, st->size, x, baseline, s + ws, i - ws);
        x += pdf_layout_text_width(L, st->font, st->size, s + ws, i - ws) + gap;
    }
}

void pdf_layout_draw_line(pdf_layout *L, const pdf_text_style *st, float x,
                          float width, float baseline, const char *text,
                          const pdf_line *ln, int first)
{
    const char *s = text + ln->off;
    float ind = first ? st->indent : 0, lx;
    if (st->align == PDF_ALIGN_JUSTIFY && !ln->last) {
        draw_justified(L, st, x + ind, width - ind, baseline, s, ln->len);
        return;
    }
    if (st->align == PDF_ALIGN_CENTER)
        lx = x + (width - pdf_layout_text_width(L, st->font, st->size, s, ln->len)) / 2;
    else if (st->align == PDF_ALIGN_RIGHT)
        lx = x + width - pdf_layout_text_width(L, st->font, st->size, s, ln->len);
    else /* left, and the last line of a justified paragraph */
        lx = x + ind;
    put_text(L, st->font, st->size, lx, baseline, s, ln->len);
}

/* ---- blocks and flowing text ------------------------------------------ */

/* The text as it is printed: upper-cased when the style asks. */
static const char *styled_text(const pdf_text_style *st, const char *text,
                               strbuf *tmp)
{
    if (!st->upper || text_upper(tmp, text, strlen(text)) != 0) return text;
    return tmp->buf;
}

float pdf_layout_block(pdf_layout *L, const pdf_text_style *st, float x,
                       float width, float y_top, const char *text, int draw)
{
    strbuf tmp = STRBUF_INIT;
    pdf_lines ls = {0};
    const char *t = styled_text(st, text, &tmp);
    float lh = pdf_layout_line_height(st);
    pdf_layout_break(L, st->font, st->size, t, width, st->indent, &ls);
    for (int i = 0; draw && i < ls.n; i++)
        pdf_layout_draw_line(L, st, x, width, pdf_layout_baseline(st, y_top - (float)i * lh),
                             t, &ls.v[i], i == 0);
    float h = (float)ls.n * lh + st->space_after;
    pdf_layout_lines_release(&ls);
    strbuf_release(&tmp);
    return h;
}

void pdf_layout_flow(pdf_layout *L, const pdf_text_style *st, float x,
                     float width, const char *text)
{
    strbuf tmp = STRBUF_INIT;
    pdf_lines ls = {0};
    const char *t = styled_text(st, text, &tmp);
    float lh = pdf_layout_line_height(st);
    if (!L->page) pdf_layout_new_page(L, PDF_PORTRAIT);
    if (width <= 0) width = L->right - x;
    pdf_layout_break(L, st->font, st->size, t, width, st->indent, &ls);
    for (int i = 0; i < ls.n; i++) {
        pdf_layout_ensure(L, lh);
        pdf_layout_draw_line(L, st, x, width, pdf_layout_baseline(st, L->y), t,
                             &ls.v[i], i == 0);
        L->y -= lh;
    }
    L->y -= st->space_after;
    pdf_layout_lines_release(&ls);
    strbuf_release(&tmp);
}

/* Draw lines from *i while they fit above the bottom margin (at least one)
 * in one box; returns the box's bottom. */
static float boxed_piece(pdf_layout *L, const pdf_text_style *st, float pad,
                         const char *t, const pdf_lines *ls, int *i)
{
    float lh = pdf_layout_line_height(st);
    float top = L->y, y = top - pad, w = L->right - L->left;
    for (int k = 0; *i < ls->n && (k == 0 || y - lh - pad >= L->bottom - EPS); k++, (*i)++) {
        pdf_layout_draw_line(L, st, L->left + pad, w - 2 * pad,
                             pdf_layout_baseline(st, y), t, &ls->v[*i], *i == 0);
        y -= lh;
    }
    pdf_layout_rect(L, L->left, y - pad, w, top - (y - pad), 0.6f);
    return y - pad;
}

void pdf_layout_flow_boxed(pdf_layout *L, const pdf_text_style *st, float pad,
                           const char *text)
{
    strbuf tmp = STRBUF_INIT;
    pdf_lines ls = {0};
    const char *t = styled_text(st, text, &tmp);
    float lh = pdf_layout_line_height(st);
    if (!L->page) pdf_layout_new_page(L, PDF_PORTRAIT);
    pdf_layout_break(L, st->font, st->size, t, L->right - L->left - 2 * pad,
                     st->indent, &ls);
    for (int i = 0; i < ls.n;) {
        pdf_layout_ensure(L, lh + 2 * pad);
        L->y = boxed_piece(L, st, pad, t, &ls, &i);
        if (i < ls.n) pdf_layout_new_page(L, L->orient);
    }
    L->y -= st->space_after;
    pdf_layout_lines_release(&ls);
    strbuf_release(&tmp);
}
