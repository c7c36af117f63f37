/*
 * pdf_layout: a small layout engine on libharu for the report PDF.
 *
 * libharu 2.3.0 can place a string at a point and measure it, little more
 * that is usable for Vietnamese (HPDF_Font_MeasureText cuts UTF-8
 * characters, HPDF_Page_TextRect truncates, PDF word spacing does not apply
 * to UTF-8 CID fonts). This module adds what the report needs on top of
 * HPDF_Font_TextWidth: the four Liberation Serif faces, A4 pages with the
 * Nghị định 30 margins and page numbers, a cursor that flows down the page,
 * UTF-8-safe greedy line breaking, justified paragraphs (words placed one by
 * one), rules and boxes, and automatic page breaks. libharu holds the
 * document, the fonts and the pages; the pages' content streams are
 * written here (docs/library-notes.md: its operators were a third of the
 * time of writing a national report).
 *
 * Units are PDF points (1/72 inch); y grows upwards as in PDF. The cursor
 * `y` is the top of the next thing to draw.
 *
 * libharu errors never exit or print: an error handler records the first
 * one in the layout object, drawing stops, and pdf_layout_save reports it.
 */
#ifndef MTQG_PDF_LAYOUT_H
#define MTQG_PDF_LAYOUT_H

#include <stddef.h>

#include <hpdf.h>

#include "../util/strbuf.h"

#define PDF_MM(v) ((float)(v) * 72.0f / 25.4f)

typedef enum {
    PDF_FONT_REGULAR = 0,
    PDF_FONT_BOLD,
    PDF_FONT_ITALIC,
    PDF_FONT_BOLD_ITALIC,
    PDF_FONT_COUNT
} pdf_font_style;

typedef enum {
    PDF_ALIGN_LEFT = 0,
    PDF_ALIGN_CENTER,
    PDF_ALIGN_RIGHT,
    PDF_ALIGN_JUSTIFY /* last line of a paragraph and lines before '\n' stay left */
} pdf_align;

typedef enum { PDF_PORTRAIT = 0, PDF_LANDSCAPE } pdf_orientation;

/* How a run of text is set. */
typedef struct pdf_text_style {
    pdf_font_style font;
    float size;        /* pt */
    pdf_align align;
    float indent;      /* first line, pt; negative for a hanging indent */
    float spacing;     /* line height as a multiple of size (0 means 1.2) */
    float space_after; /* pt, after the last line */
    int upper;         /* print the text upper-cased */
} pdf_text_style;

/* One broken line: bytes [off, off+len) of the text, spaces trimmed. */
typedef struct pdf_line {
    size_t off, len;
    int last; /* ends the text or a '\n' segment: never justified */
} pdf_line;

typedef struct pdf_lines {
    pdf_line *v;
    int n, alloc;
} pdf_lines;

/*
 * The layout state. Callers read the geometry fields and may move `y`;
 * everything else changes only through the functions below.
 */
typedef struct pdf_layout {
    HPDF_Doc doc;
    const char *face_name[PDF_FONT_COUNT]; /* libharu's name of each loaded file */
    /* The UTF-8 faces, each made at its first text that is not all ASCII
     * (NULL before): libharu maps all 65,536 code points to glyphs when it
     * makes one, 6 ms a face, and the check report draws two of the four. */
    HPDF_Font fonts[PDF_FONT_COUNT];
    /* The same faces with a one-byte encoding, for text that is all ASCII
     * (figures, codes): "(183.631,018) Tj" instead of four hex digits a
     * glyph, so the page streams libharu holds and deflates are smaller. */
    HPDF_Font ascii[PDF_FONT_COUNT];
    HPDF_Page page;         /* current page, NULL before the first */
    pdf_orientation orient; /* of the current page */
    int npages;
    int number_base;        /* pages before the current numbering (an appendix's) */
    float page_w, page_h;
    float left, right;      /* x of the text area's edges */
    float top, bottom;      /* y of the text area's edges */
    float y;                /* cursor: top of the next line */
    HPDF_STATUS error;      /* first libharu error, 0 if none */
    HPDF_STATUS error_detail;
    /* The page's content stream, written here, not through libharu's page
     * operators (each cleared a 512-byte buffer byte by byte and measured
     * the text again: a third of writing the national report); libharu
     * gets it deflated when the page ends (seal_page), by libdeflate. */
    strbuf content, packed;
    struct libdeflate_compressor *deflater; /* made at the first page's end */
    /* The page's text and line state as last set, so an operator that
     * would repeat it is not written (a national table has 10^5 cells);
     * -1 on a new page: nothing set yet. */
    int cur_font;
    float cur_size, cur_lw;
    int in_text;            /* a text object (BT) is open on the page */
    long line_x, line_y;    /* its line start as written, 1/100 pt */
    const char *font_name[2 * PDF_FONT_COUNT]; /* the page's resource names */
    struct pdf_widths *widths; /* glyph widths met so far, per face */
} pdf_layout;

/**
 * pdf_layout_new - a PDF document with the four Liberation Serif faces
 * loaded from font_dir (LiberationSerif-{Regular,Bold,Italic,BoldItalic}.ttf);
 * a face's UTF-8 font is made when it first draws text that is not ASCII.
 * Returns NULL with a Vietnamese message naming the file appended to err
 * when a font cannot be read or libharu refuses it.
 */
pdf_layout *pdf_layout_new(const char *font_dir, strbuf *err);

/**
 * pdf_layout_check_fonts - 0 when every face the layout loads is a readable
 * file in font_dir; else -1 with the missing path in err. Lets a run stop
 * at the start, as a configuration error, not after reading its inputs.
 */
int pdf_layout_check_fonts(const char *font_dir, strbuf *err);

/**
 * pdf_layout_set_info - the document properties a document system reads
 * (UTF-8; NULL or empty leaves one out). No dates are written, so the same
 * document always gives the same bytes.
 */
void pdf_layout_set_info(pdf_layout *L, const char *title, const char *author,
                         const char *subject, const char *keywords);

/** pdf_layout_free - release the document (NULL is allowed). */
void pdf_layout_free(pdf_layout *L);

/**
 * pdf_layout_save - write the document to path. Returns 0, or -1 with a
 * Vietnamese message in err (an earlier libharu error, or the write failed).
 */
int pdf_layout_save(pdf_layout *L, const char *path, strbuf *err);

/**
 * pdf_layout_new_page - start an A4 page in the given orientation, put the
 * cursor at the top of its text area and, from page 2 on (of the document
 * or of the numbering restarted last), print the page number centred in
 * the top margin.
 */
void pdf_layout_new_page(pdf_layout *L, pdf_orientation o);

/**
 * pdf_layout_restart_numbering - number the pages from the next one on
 * afresh (an appendix: Nghị định 30, Phụ lục I §III.1.đ): the next page is
 * its page 1, which like a document's first page shows no number.
 */
void pdf_layout_restart_numbering(pdf_layout *L);

/**
 * pdf_layout_ensure - start a new page of the same orientation when less
 * than h points remain above the bottom margin (and the page is not
 * already empty). Returns 1 when it broke the page.
 */
int pdf_layout_ensure(pdf_layout *L, float h);

/** pdf_layout_at_top - 1 when nothing has been drawn below the page top. */
int pdf_layout_at_top(const pdf_layout *L);

/** pdf_layout_text_width - width in points of s[0..len) in a face and size. */
float pdf_layout_text_width(const pdf_layout *L, pdf_font_style f, float size,
                            const char *s, size_t len);

/** pdf_layout_line_height - the line pitch of a style, in points. */
float pdf_layout_line_height(const pdf_text_style *st);

/**
 * pdf_layout_break - greedy line breaking of text into lines no wider than
 * width (the first line width - indent). Breaks at spaces; '\n' forces a
 * break; a word wider than a line is broken between characters (never
 * inside a UTF-8 character or before a combining mark). Empty text gives
 * no lines. Lines are appended to out (pdf_layout_lines_release frees them).
 */
void pdf_layout_break(const pdf_layout *L, pdf_font_style f, float size,
                      const char *text, float width, float indent,
                      pdf_lines *out);

/** pdf_layout_lines_release - free the lines and reset the list. */
void pdf_layout_lines_release(pdf_lines *ls);

/**
 * pdf_layout_draw_line - draw one broken line of text with its baseline at
 * `baseline`, in the column [x, x+width), aligned as st says. `first` says
 * whether it is the text's first line (which takes st->indent).
 */
void pdf_layout_draw_line(pdf_layout *L, const pdf_text_style *st, float x,
                          float width, float baseline, const char *text,
                          const pdf_line *ln, int first);

/**
 * pdf_layout_baseline - the baseline of a line whose box starts at y_top,
 * so that the glyphs sit centred in the line pitch.
 */
float pdf_layout_baseline(const pdf_text_style *st, float y_top);

/**
 * pdf_layout_block - draw text wrapped in [x, x+width) from y_top down,
 * with no page break, and return its height (lines plus space_after).
 * With draw 0 it only measures.
 */
float pdf_layout_block(pdf_layout *L, const pdf_text_style *st, float x,
                       float width, float y_top, const char *text, int draw);

/**
 * pdf_layout_flow - flow text from the cursor in the column [x, x+width),
 * breaking pages as needed, and move the cursor below it (plus
 * st->space_after). width 0 means the whole text area from x.
 */
void pdf_layout_flow(pdf_layout *L, const pdf_text_style *st, float x,
                     float width, const char *text);

/**
 * pdf_layout_flow_boxed - like pdf_layout_flow over the full text width,
 * with a thin box around the text (one box per page it spans) and pad
 * points between box and text.
 */
void pdf_layout_flow_boxed(pdf_layout *L, const pdf_text_style *st, float pad,
                           const char *text);

/** pdf_layout_rule - a horizontal line from x1 to x2 at height y. */
void pdf_layout_rule(pdf_layout *L, float x1, float x2, float y, float lw);
/** pdf_layout_vrule - a vertical line at x from y1 down to y2. */
void pdf_layout_vrule(pdf_layout *L, float x, float y1, float y2, float lw);

/** pdf_layout_rect - the outline of a rectangle (x, y is its lower left). */
void pdf_layout_rect(pdf_layout *L, float x, float y, float w, float h, float lw);

#endif
