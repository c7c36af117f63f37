/*
 * pdf_layout: fonts, pages, cursor, measuring, line breaking and drawing of
 * text for the report PDF, on libharu 2.3.0 (see pdf_layout.h for why so
 * much of this is ours rather than libharu's).
 */
#include "pdf_layout.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hpdf_pages.h>
#include <hpdf_streams.h>
#include <unistr.h>
#include <libdeflate.h>

#include "../util/text.h"
#include "../util/syserr.h"

/* Liberation Serif vertical metrics (units of the em), used to centre the
 * glyphs in the line pitch: ascender 0.891, descender 0.216. */
#define ASCENT 0.891f
#define DESCENT 0.216f
#define PAGE_NUMBER_SIZE 13.0f
/* Page contents deflate with libdeflate at its fastest level. A page is
 * deflated whole, which is what libdeflate does best: on the national
 * report's 640 content streams (9.4 MB) it takes 0.05-0.06 s where zlib's
 * fastest level took 0.11-0.14 s, and gives 2.30 MB instead of 2.53.
 * Fonts keep libharu's own deflate. */
#define PAGE_DEFLATE_LEVEL 1
#define EPS 0.01f

/* Code points below this have their widths kept once met: Latin, the
 * Vietnamese letters (U+1EA0..U+1EF9), punctuation. */
#define WIDTH_CACHED 0x2000

/* Width of each code point in thousandths of the em, plus one (0: not
 * asked yet), per face. */
struct pdf_widths {
    int w[PDF_FONT_COUNT][WIDTH_CACHED];
    /* The one-byte faces: characters libharu was told are used. It writes
     * such a face's /Widths from those alone, others 0 wide. */
    unsigned char ascii_used[PDF_FONT_COUNT][128];
};

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
        L->face_name[i] = name;
        L->ascii[i] = name ? HPDF_GetFont(L->doc, name, "WinAnsiEncoding") : NULL;
        if (L->ascii[i] && !L->error)
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
    L->widths = xcalloc(1, sizeof *L->widths);
    L->doc = HPDF_New(on_hpdf_error, L);
    if (!L->doc) {
        strbuf_adds(err, "không khởi tạo được thư viện PDF (libharu)");
        pdf_layout_free(L); /* the width cache too */
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
    strbuf_release(&L->content);
    strbuf_release(&L->packed);
    if (L->deflater) libdeflate_free_compressor(L->deflater);
    free(L->widths);
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

/* ---- glyph widths ----------------------------------------------------- */

/*
 * libharu's width of one code point in a face: asked once, then kept.
 * Asking is also what tells libharu the glyph is used (it embeds only
 * those), so everything drawn goes through here.
 */
static int glyph_width(const pdf_layout *L, pdf_font_style f, ucs4_t cp)
{
    /* From the one-byte face: libharu asks the TrueType file of either
     * face alike, whatever the encoding, and marks the glyph in the file
     * both faces share (the UTF-8 face may not be made yet). */
    if (cp >= WIDTH_CACHED) return HPDF_Font_GetUnicodeWidth(L->ascii[f], (HPDF_UNICODE)cp);
    int *slot = &L->widths->w[f][cp];
    if (!*slot) *slot = HPDF_Font_GetUnicodeWidth(L->ascii[f], (HPDF_UNICODE)cp) + 1;
    return *slot - 1;
}

/* The next code point of s[*i..n) as it is drawn: U+FFFD for bytes that
 * are not UTF-8 or a code point beyond the 16 bits libharu's fonts are
 * indexed by. Measuring and drawing both read text through here, so that
 * text is as wide on the page as it was measured. */
static ucs4_t next_cp(const char *s, size_t n, size_t *i)
{
    ucs4_t cp;
    int k = u8_mbtoucr(&cp, (const uint8_t *)s + *i, n - *i);
    if (k <= 0 || cp > 0xFFFF) {
        *i += text_char_len(s + *i, n - *i);
        return 0xFFFD;
    }
    *i += (size_t)k;
    return cp;
}

/* ---- drawing primitives ------------------------------------------------ */

static int can_draw(const pdf_layout *L)
{
    return L->page && !L->error;
}

/* A coordinate or size as written: hundredths of a point. */
static long hundredths(float v)
{
    return lround((double)v * 100.0);
}

/* v hundredths as a PDF number: "-12.5", "3", "0.07". */
static void add_number(strbuf *sb, long v)
{
    char tmp[32], *p = tmp + sizeof tmp;
    unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;
    unsigned frac = (unsigned)(u % 100);
    u /= 100;
    if (frac) {
        if (frac % 10) *--p = (char)('0' + frac % 10);
        *--p = (char)('0' + frac / 10);
        *--p = '.';
    }
    do *--p = (char)('0' + u % 10); while (u /= 10);
    if (v < 0) *--p = '-';
    strbuf_add(sb, p, (size_t)(tmp + sizeof tmp - p));
}

static void add_point(strbuf *sb, float x, float y)
{
    add_number(sb, hundredths(x));
    strbuf_addch(sb, ' ');
    add_number(sb, hundredths(y));
    strbuf_addch(sb, ' ');
}

/*
 * Text goes into one text object (BT ... ET) until something else is
 * drawn: a national table sets 10^5 cells, and a BT, an ET and an absolute
 * position for each were a third of the page streams to hold and deflate.
 * Within the object each text moves from the previous one's start (Td);
 * the moves are between positions rounded as written, so they never add
 * up an error. Every other drawing call, a new page and saving close the
 * object first (PDF allows no path inside one).
 */
static void end_text(pdf_layout *L)
{
    if (L->in_text) strbuf_adds(&L->content, "ET\n");
    L->in_text = 0;
}

/* The page's resource name of a face (F1, F2 ...), registering it there
 * on first use; NULL after a libharu error. */
static const char *font_resource(pdf_layout *L, int font)
{
    if (!L->font_name[font]) {
        if (font < PDF_FONT_COUNT && !L->fonts[font] && !L->error)
            L->fonts[font] = HPDF_GetFont(L->doc, L->face_name[font], "UTF-8");
        HPDF_Font obj = font < PDF_FONT_COUNT ? L->fonts[font] : L->ascii[font - PDF_FONT_COUNT];
        L->font_name[font] = HPDF_Page_GetLocalFontName(L->page, obj);
        if (!L->font_name[font] && !L->error) L->error = HPDF_PAGE_INVALID_FONT;
    }
    return L->font_name[font];
}

/* Text of the one-byte face (printable ASCII): a PDF string, "(", ")" and
 * "\" escaped. */
static void add_ascii_string(pdf_layout *L, pdf_font_style f, const char *s, size_t len)
{
    strbuf *sb = &L->content;
    strbuf_addch(sb, '(');
    for (size_t i = 0; i < len; i++) {
        unsigned char *used = &L->widths->ascii_used[f][(unsigned char)s[i] & 127];
        if (!*used) /* measuring a character in the face marks it used */
            HPDF_Font_TextWidth(L->ascii[f], (const HPDF_BYTE *)s + i, 1), *used = 1;
        if (s[i] == '(' || s[i] == ')' || s[i] == '\\') strbuf_addch(sb, '\\');
        strbuf_addch(sb, s[i]);
    }
    strbuf_adds(sb, ") Tj\n");
}

/* Text of a UTF-8 face: four hex digits a code point, which libharu's
 * CID fonts map to glyphs ("<00481ED7> Tj"); U+FFFD for bytes that are
 * not UTF-8. */
static void add_cid_string(pdf_layout *L, pdf_font_style f, const char *s, size_t len)
{
    static const char hex[] = "0123456789ABCDEF";
    strbuf *sb = &L->content;
    strbuf_addch(sb, '<');
    for (size_t i = 0; i < len;) {
        ucs4_t cp = next_cp(s, len, &i);
        glyph_width(L, f, cp); /* the glyph is embedded */
        char h[4] = {hex[cp >> 12 & 15], hex[cp >> 8 & 15], hex[cp >> 4 & 15], hex[cp & 15]};
        strbuf_add(sb, h, 4);
    }
    strbuf_adds(sb, "> Tj\n");
}

static void put_text(pdf_layout *L, pdf_font_style f, float size, float x,
                     float y, const char *s, size_t len)
{
    if (!can_draw(L) || len == 0) return;
    int ascii = 1;
    for (size_t i = 0; i < len && ascii; i++) ascii = (unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7F;
    int font = ascii ? (int)f + PDF_FONT_COUNT : (int)f;
    strbuf *sb = &L->content;
    if (!L->in_text) {
        strbuf_adds(sb, "BT\n");
        L->in_text = 1;
        L->line_x = L->line_y = 0;
    }
    if (font != L->cur_font || size != L->cur_size) { /* text state outlives BT/ET */
        const char *name = font_resource(L, font);
        if (!name) return;
        strbuf_addch(sb, '/');
        strbuf_adds(sb, name);
        strbuf_addch(sb, ' ');
        add_number(sb, hundredths(size));
        strbuf_adds(sb, " Tf\n");
        L->cur_font = font, L->cur_size = size;
    }
    long hx = hundredths(x), hy = hundredths(y);
    add_number(sb, hx - L->line_x);
    strbuf_addch(sb, ' ');
    add_number(sb, hy - L->line_y);
    strbuf_adds(sb, " Td\n");
    L->line_x = hx, L->line_y = hy;
    if (ascii)
        add_ascii_string(L, f, s, len);
    else
        add_cid_string(L, f, s, len);
}

/* Every path starts here: the text object is closed first. */
static void set_line_width(pdf_layout *L, float lw)
{
    end_text(L);
    if (lw == L->cur_lw) return;
    add_number(&L->content, hundredths(lw));
    strbuf_adds(&L->content, " w\n");
    L->cur_lw = lw;
}

static void stroke_line(pdf_layout *L, float x1, float y1, float x2, float y2, float lw)
{
    if (!can_draw(L)) return;
    set_line_width(L, lw);
    add_point(&L->content, x1, y1);
    strbuf_adds(&L->content, "m ");
    add_point(&L->content, x2, y2);
    strbuf_adds(&L->content, "l S\n");
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
    add_point(&L->content, x, y);
    add_point(&L->content, w, h);
    strbuf_adds(&L->content, "re S\n");
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
 * A page is finished: its content, written here, is deflated and handed
 * to libharu. This reaches into libharu 2.3's page and stream records
 * (hpdf_pages.h, hpdf_streams.h, installed with libhpdf-dev): the page's
 * (empty) content stream is replaced by a memory stream holding the
 * deflated bytes, written as they are (filter NONE) under a
 * "/Filter /FlateDecode" its dictionary writes itself. The fonts a page
 * uses were registered in its resources as it used them (font_resource).
 * docs/library-notes.md says so; every test reads the pages back.
 */
static void seal_page(pdf_layout *L)
{
    end_text(L);
    if (!L->page || L->error) return;
    HPDF_PageAttr attr = (HPDF_PageAttr)L->page->attr;
    HPDF_Stream empty = attr->stream;
    if (!empty || attr->contents->write_fn == write_flate_key) return;
    if (!L->deflater && !(L->deflater = libdeflate_alloc_compressor(PAGE_DEFLATE_LEVEL))) {
        L->error = HPDF_FAILD_TO_ALLOC_MEM;
        return;
    }
    size_t bound = libdeflate_zlib_compress_bound(L->deflater, L->content.len);
    strbuf_reset(&L->packed);
    strbuf_grow(&L->packed, bound);
    size_t n = libdeflate_zlib_compress(L->deflater, L->content.buf, L->content.len,
                                        L->packed.buf, bound);
    if (n == 0) { /* cannot happen with the bound's room; said, not assumed */
        L->error = HPDF_ZLIB_ERROR;
        return;
    }
    strbuf_reset(&L->content);
    HPDF_Stream packed = HPDF_MemStream_New(empty->mmgr, (HPDF_UINT)n);
    if (!packed) {
        L->error = HPDF_FAILD_TO_ALLOC_MEM;
        return;
    }
    if (HPDF_Stream_Write(packed, (const HPDF_BYTE *)L->packed.buf, (HPDF_UINT)n) != HPDF_OK) {
        HPDF_Stream_Free(packed);
        L->error = HPDF_FAILD_TO_ALLOC_MEM;
        return;
    }
    HPDF_Stream_Free(empty);
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
    memset(L->font_name, 0, sizeof L->font_name);
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
    HPDF_UINT units = 0;
    for (size_t i = 0; i < len;)
        units += (HPDF_UINT)glyph_width(L, f, next_cp(s, len, &i));
    return (float)units * size / 1000.0f;
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
