/*
 * The documents as offices issue them (Nghị định 30/2020, Phụ lục I): the
 * appendix caption, signature blocks, "Kính gửi", drafts, the check report
 * beside the document, figures in sentences, appendix references, page
 * numbers of appendices, PDF properties and table legibility. Runs the
 * program on the plan fixture (tests/fixtures/plan) with [unit] and
 * [report] keys added, and reads the PDF back with poppler's tools.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "testutil.h"
#include "xlsx_read.h"

#define BIN "build/san/mtqg-report"
#define INI "tests/fixtures/plan/plan.ini"
#define PDF_NAME "ke-hoach-thu-2025.pdf"

typedef struct run {
    char *dir, *out, *pdf;
    int status;
    strbuf log;
} run;

/* Insert `extra` (lines) after the line "[section]" of ini text. */
static void add_keys(strbuf *ini, const char *section, const char *extra)
{
    char head[64];
    snprintf(head, sizeof head, "[%s]\n", section);
    char *at = strstr(ini->buf, head);
    if (!at || !extra || !*extra) return;
    size_t pos = (size_t)(at - ini->buf) + strlen(head);
    strbuf rest = STRBUF_INIT;
    strbuf_adds(&rest, ini->buf + pos);
    strbuf_setlen(ini, pos);
    strbuf_adds(ini, extra);
    strbuf_add(ini, rest.buf, rest.len);
    strbuf_release(&rest);
}

/* Replace the whole line starting with key (the first one) by line. */
static void set_line(strbuf *ini, const char *key, const char *line)
{
    char *at = strstr(ini->buf, key);
    if (!at) fail_msg("no \"%s\" in the fixture ini", key);
    char *end = strchr(at, '\n');
    strbuf sb = STRBUF_INIT;
    strbuf_add(&sb, ini->buf, (size_t)(at - ini->buf));
    strbuf_adds(&sb, line);
    strbuf_adds(&sb, end ? end : "");
    strbuf_reset(ini);
    strbuf_add(ini, sb.buf, sb.len);
    strbuf_release(&sb);
}

/* Run the plan fixture with extra [unit] and [report] lines. */
static void run_plan(run *r, const char *unit_keys, const char *report_keys)
{
    char cwd[4096];
    assert_non_null(getcwd(cwd, sizeof cwd));
    r->dir = tu_tmpdir("issued");
    r->out = tu_path(r->dir, "out");
    r->log = (strbuf)STRBUF_INIT;
    char *text = tu_read_file(INI, NULL);
    assert_non_null(text);
    strbuf ini = STRBUF_INIT, line = STRBUF_INIT;
    strbuf_adds(&ini, text);
    free(text);
    strbuf_addf(&line, "input_dir = %s/tests/fixtures/plan/input", cwd);
    set_line(&ini, "input_dir", line.buf);
    strbuf_reset(&line);
    strbuf_addf(&line, "templates_dir = %s/templates", cwd);
    set_line(&ini, "templates_dir", line.buf);
    add_keys(&ini, "unit", unit_keys);
    add_keys(&ini, "report", report_keys);
    char *path = tu_path(r->dir, "plan.ini");
    assert_int_equal(tu_write_file(path, ini.buf), 0);
    r->status = tu_runf(&r->log, BIN " --config '%s' --output '%s' 2>&1", path, r->out);
    r->pdf = tu_path(r->out, PDF_NAME);
    if (access(r->pdf, R_OK) != 0) fail_msg("no PDF; status %d:\n%s", r->status, r->log.buf);
    free(path);
    strbuf_release(&ini);
    strbuf_release(&line);
}

static void run_free(run *r)
{
    tu_rmtree(r->dir);
    free(r->dir);
    free(r->out);
    free(r->pdf);
    strbuf_release(&r->log);
}

/* pdftotext of pages first..last with every run of white space one space. */
static void words_of(const char *pdf, int first, int last, strbuf *out)
{
    strbuf raw = STRBUF_INIT;
    strbuf_reset(out);
    tu_pdf_text(pdf, first, last, TU_PDF_FLOW, &raw);
    int space = 0;
    for (size_t i = 0; i < raw.len; i++) {
        char c = raw.buf[i];
        if (c == ' ' || c == '\n' || c == '\t' || c == '\f' || c == '\r') {
            space = 1;
            continue;
        }
        if (space && out->len) strbuf_addch(out, ' ');
        space = 0;
        strbuf_addch(out, c);
    }
    strbuf_release(&raw);
}

static void expect(const strbuf *text, const char *phrase)
{
    if (!strstr(text->buf, phrase)) fail_msg("missing: \"%s\" in\n%s", phrase, text->buf);
}

static void expect_not(const strbuf *text, const char *phrase)
{
    if (strstr(text->buf, phrase)) fail_msg("unexpected: \"%s\"", phrase);
}

static double pt_size(const tu_word *w)
{
    return (w->y1 - w->y0) / TU_BOX_PER_PT;
}

/* ---- 1. appendix caption ------------------------------------------------ */

static void test_appendix_caption(void **state)
{
    run r;
    run_plan(&r, "", "");
    int page = tu_pdf_find_page(r.pdf, 2, "Đơn vị tính");
    assert_true(page > 0);
    strbuf text = STRBUF_INIT;
    words_of(r.pdf, page, page, &text);
    /* The type of the document it is attached to, the full date. */
    expect(&text, "(Kèm theo Kế hoạch số 07/KH-PDT ngày 12 tháng 02 năm 2025 của Phòng Dân tộc)");
    words_of(r.pdf, 0, 0, &text);
    expect_not(&text, "Kèm theo Báo cáo");
    /* Italic 13 pt (from the box height; the label is 14 pt). */
    tu_words w = {0};
    tu_pdf_words(r.pdf, page, &w);
    const tu_word *kem = tu_words_find(&w, "(Kèm", 0);
    assert_non_null(kem);
    double size = pt_size(kem);
    if (size < 12.8 || size > 14.2) fail_msg("caption %.2f pt, want 13-14", size);
    /* A short rule under it: a row of dark pixels below the caption's
     * line, under its middle, at least a fifth of the caption wide. */
    double cx0 = 1e9, cx1 = 0, cy1 = 0;
    for (int i = 0; i < w.n; i++)
        if (w.v[i].y0 >= kem->y0 - 1 && w.v[i].y1 <= kem->y1 + 1) {
            if (w.v[i].x0 < cx0) cx0 = w.v[i].x0;
            if (w.v[i].x1 > cx1) cx1 = w.v[i].x1;
            if (w.v[i].y1 > cy1) cy1 = w.v[i].y1;
        }
    /* The next line of text below the caption. */
    double next = 1e9;
    for (int i = 0; i < w.n; i++)
        if (w.v[i].y0 > cy1 && w.v[i].y0 < next) next = w.v[i].y0;
    tu_grey g;
    assert_int_equal(tu_render_grey(r.pdf, page, 72, r.dir, &g), 0);
    int found = 0;
    for (int y = (int)cy1 + 1; y < (int)next && !found; y++) {
        long dark = tu_grey_dark(&g, (int)cx0, y, (int)cx1, y + 1);
        if (dark >= (long)((cx1 - cx0) / 5) && dark < (long)(cx1 - cx0)) found = 1;
    }
    if (!found) fail_msg("no rule between the caption (bottom %.1f) and the next line (%.1f)", cy1, next);
    tu_grey_free(&g);
    tu_words_free(&w);
    strbuf_release(&text);
    run_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_appendix_caption),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
