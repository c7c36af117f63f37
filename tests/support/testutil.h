/*
 * testutil: small helpers shared by the cmocka tests: temporary folders,
 * whole-file reads and writes, listing a folder, running a command to
 * capture its output (pdftotext, python3 for independent totals, the
 * program itself), reading a PDF back with poppler's tools (pdfinfo,
 * pdftotext, pdftoppm), and copies of reports.ini with keys replaced.
 *
 * Nothing here asserts: helpers return a status (or NULL) and the tests
 * say what failed, so each failure message stays the test's own.
 */
#ifndef MTQG_TESTUTIL_H
#define MTQG_TESTUTIL_H

#include <stddef.h>

#include "model/catalogue.h"
#include "util/strbuf.h"

/** tu_tmpdir - a fresh empty folder under $TMPDIR or /tmp (caller frees). */
char *tu_tmpdir(const char *tag);
/**
 * tu_generated - a fresh folder `tag` (in *dir, caller frees) filled by the
 * fixture generator script (run with Debian's /usr/bin/python3 and the
 * folder as its argument), and the shipped catalogue loaded into cat.
 * 0, or -1 with the reason on stderr.
 */
int tu_generated(const char *tag, const char *script, char **dir, catalogue *cat);
/** tu_rmtree - remove a folder made by tu_tmpdir. */
void tu_rmtree(const char *dir);
/** tu_read_file - whole file into heap memory (NUL-terminated); NULL if absent. */
char *tu_read_file(const char *path, size_t *len);
/** tu_write_file - write s to path; 0 on success. */
int tu_write_file(const char *path, const char *s);
/** tu_run - run a shell command, append its stdout to out; returns exit status. */
int tu_run(const char *cmd, strbuf *out);
/**
 * tu_runf - tu_run with the command built from a printf format: appends
 * the command's stdout to out (if not NULL) and returns its exit status.
 */
int tu_runf(strbuf *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/** tu_path - "dir/name" in a static-free heap string (caller frees). */
char *tu_path(const char *dir, const char *name);
/** tu_count - occurrences of needle in hay. */
int tu_count(const char *hay, const char *needle);

/**
 * tu_dir_entries - how many entries dir holds other than . and .. (with
 * hidden_only, only the names starting with '.': leftover temporary
 * files); each name is appended to names (if not NULL) after a space.
 * The published sets' state folder .mtqg is not counted itself; what in
 * it no set uses (a killed run's generation or link) is, as ".mtqg/<name>".
 * -1 when dir cannot be opened.
 */
int tu_dir_entries(const char *dir, int hidden_only, strbuf *names);

/**
 * tu_config_copy - write dir/name: a copy of the ini file from with the
 * line of each key kv[i][0] ("key = ..." or "key=...") replaced by
 * "key = kv[i][1]". Every key must occur in from, but templates_dir, which
 * is added under [report] when from has none. Paths in a config are
 * relative to its own folder, so callers pass absolute values. Returns
 * the path written (caller frees), or NULL with the reason in err.
 */
char *tu_config_copy(const char *from, const char *dir, const char *name,
                     const char *const (*kv)[2], int n, strbuf *err);

/**
 * A scratch fixture for tests that run the program as a process from the
 * repository root: a fresh folder, the root, and a buffer for output.
 */
typedef struct tu_scratch {
    char *dir;
    char cwd[4096];
    strbuf out;
} tu_scratch;

/**
 * tu_scratch_setup - a cmocka setup: *state becomes a new tu_scratch whose
 * folder is tagged tag; fails (with a line on stderr) unless the file need
 * is there, i.e. the test runs from the root after the build it needs.
 */
int tu_scratch_setup(void **state, const char *tag, const char *need);
/** tu_scratch_teardown - a cmocka teardown for tu_scratch_setup. */
int tu_scratch_teardown(void **state);

/** tu_pdf_pages - the page count pdfinfo reports for pdf; -1 when it fails. */
int tu_pdf_pages(const char *pdf);
/** tu_pdf_text's layout: pdftotext's reading order, or its -layout mode. */
enum { TU_PDF_FLOW = 0, TU_PDF_LAYOUT = 1 };
/**
 * tu_pdf_text - pdftotext of pages first..last of pdf (first = 0: every
 * page), in its -layout mode when layout is TU_PDF_LAYOUT, into out
 * (reset first). Returns pdftotext's exit status.
 */
int tu_pdf_text(const char *pdf, int first, int last, int layout, strbuf *out);
/**
 * tu_pdf_flat - the text of pages first..last (as tu_pdf_text) with every
 * run of white space made one space, so a phrase is found whatever the
 * line breaks of justified text. Returns tu_pdf_text's status.
 */
int tu_pdf_flat(const char *pdf, int first, int last, int layout, strbuf *out);

/** One word of a PDF page as pdftotext -bbox gives it (points, y down). */
typedef struct tu_word {
    double x0, y0, x1, y1;
    char *text;
} tu_word;

typedef struct tu_words {
    int n, alloc;
    tu_word *v;
} tu_words;

/* The box pdftotext gives a Liberation Serif word is this many times its
 * font size high (ascender + descender of the face). */
#define TU_BOX_PER_PT 1.107

/**
 * tu_pdf_words - the words of one page of pdf with their boxes, in
 * pdftotext's order, into out (appended). Returns pdftotext's status.
 */
int tu_pdf_words(const char *pdf, int page, tu_words *out);
/** tu_words_free - release the words. */
void tu_words_free(tu_words *w);
/** tu_words_find - the nth (from 0) word equal to text, or NULL. */
const tu_word *tu_words_find(const tu_words *w, const char *text, int nth);
/**
 * tu_pdf_find_page - the first page of pdf from page `from` whose text
 * contains needle (white space as pdftotext gives it), or 0.
 */
int tu_pdf_find_page(const char *pdf, int from, const char *needle);

/** A PDF page rendered as 8-bit grey pixels, row by row (0 = black). */
typedef struct tu_grey {
    int w, h;
    unsigned char *px;
} tu_grey;

/**
 * tu_render_grey - render one page of pdf at dpi with pdftoppm into g,
 * through a scratch file in dir (removed again). 0, or -1 with g empty.
 * Free g with tu_grey_free.
 */
int tu_render_grey(const char *pdf, int page, int dpi, const char *dir, tu_grey *g);
/** tu_grey_free - release the pixels of g. */
void tu_grey_free(tu_grey *g);
/**
 * tu_grey_dark - how many pixels of the box [x0, x1) x [y0, y1), clipped
 * to the image, are dark (below 128).
 */
long tu_grey_dark(const tu_grey *g, int x0, int y0, int x1, int y1);

#endif
