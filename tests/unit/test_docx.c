/*
 * The editable Word document (.docx) beside the PDF, as another tool reads
 * it: the sample run by the sanitizer binary, then
 * - LibreOffice opens the .docx headless and converts it to PDF, and that
 *   PDF carries every figure and heading of our own PDF in the same order
 *   (tests/fixtures/docx/compare.py over pdftotext -layout of both);
 * - python3-docx reads it: named styles, portrait body then landscape
 *   appendix sections numbered from 1, repeated table header rows, a PAGE
 *   field (tests/fixtures/docx/word_check.py);
 * - two runs on the same input give the same bytes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"

#define SAN_BIN "build/san/mtqg-report"
#define PY "/usr/bin/python3"
#define BASE "bao-cao-1719-2024"

typedef tu_scratch fixture;

static int setup(void **state)
{
    return tu_scratch_setup(state, "docx", SAN_BIN);
}

static int teardown(void **state)
{
    return tu_scratch_teardown(state);
}

/* The sample into dir/sub; fails the test unless it exits 0. */
static void run_sample(fixture *f, const char *sub)
{
    strbuf_reset(&f->out);
    int rc = tu_runf(&f->out, SAN_BIN " --quiet --output '%s/%s' 2>&1", f->dir, sub);
    if (rc != 0) fail_msg("sample run: exit %d\n%s", rc, f->out.buf);
}

/* Both documents of the run: the report and the check report. */
static const char *const DOCS[] = {BASE, BASE "-kiem-tra"};

static void opens_in_libreoffice_with_every_figure(void **state)
{
    fixture *f = *state;
    run_sample(f, "a");
    for (size_t i = 0; i < sizeof DOCS / sizeof DOCS[0]; i++) {
        const char *b = DOCS[i];
        strbuf_reset(&f->out);
        int rc = tu_runf(&f->out,
                         "cd '%s/a' && timeout 240 soffice -env:UserInstallation=file://%s/profile "
                         "--headless --convert-to pdf --outdir conv %s.docx 2>&1",
                         f->dir, f->dir, b);
        if (rc != 0) fail_msg("soffice --convert-to pdf %s.docx: status %d\n%s", b, rc, f->out.buf);
        strbuf pdf = STRBUF_INIT;
        strbuf_addf(&pdf, "%s/a/conv/%s.pdf", f->dir, b);
        if (tu_pdf_pages(pdf.buf) < 1) fail_msg("LibreOffice made no PDF of %s.docx:\n%s", b, f->out.buf);
        strbuf_reset(&f->out);
        rc = tu_runf(&f->out,
                     "cd '%s/a' && pdftotext -layout %s.pdf ours.txt 2>/dev/null && "
                     "pdftotext -layout conv/%s.pdf theirs.txt 2>/dev/null && "
                     PY " '%s/tests/fixtures/docx/compare.py' ours.txt theirs.txt",
                     f->dir, b, b, f->cwd);
        if (rc != 0) fail_msg("%s.docx differs from %s.pdf:\n%s", b, b, f->out.buf);
        assert_non_null(strstr(f->out.buf, "figures and"));
        strbuf_release(&pdf);
    }
}

static void word_structure_as_python_docx_reads_it(void **state)
{
    fixture *f = *state;
    run_sample(f, "a");
    strbuf_reset(&f->out);
    /* the sample's document has five appendices (Phụ lục I-V); the two
     * disbursement forms (23 columns) are cut into two bands each */
    int rc = tu_runf(&f->out, PY " tests/fixtures/docx/word_check.py '%s/a/" BASE ".docx' 5 7 2>&1", f->dir);
    if (rc != 0) fail_msg("python-docx:\n%s", f->out.buf);
}

static void same_bytes_twice(void **state)
{
    fixture *f = *state;
    run_sample(f, "a");
    run_sample(f, "b");
    size_t la, lb;
    char *pa = tu_path(f->dir, "a/" BASE ".docx"), *pb = tu_path(f->dir, "b/" BASE ".docx");
    char *a = tu_read_file(pa, &la), *b = tu_read_file(pb, &lb);
    assert_non_null(a);
    assert_non_null(b);
    assert_true(la > 1000);
    assert_int_equal(la, lb);
    assert_memory_equal(a, b, la);
    free(a);
    free(b);
    free(pa);
    free(pb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(opens_in_libreoffice_with_every_figure, setup, teardown),
        cmocka_unit_test_setup_teardown(word_structure_as_python_docx_reads_it, setup, teardown),
        cmocka_unit_test_setup_teardown(same_bytes_twice, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
