/*
 * Tests of read/xml_scan against expat, its oracle: every document in
 * tests/fixtures/xml_scan is parsed by both.
 *  - ok-*: expat accepts it; the scanner must give the same events (start
 *    tags with their attributes, end tags, text with consecutive pieces
 *    joined), fed whole, one byte at a time, and cut in two at every
 *    position (a token cut by a block boundary is the scanner's hard case),
 *    each way copied (xml_scan_feed) and in place (xml_scan_feed_in_place);
 *  - bad-*: expat refuses it; the scanner must refuse it too, however fed,
 *    with a line and column inside the document;
 *  - enc-*: not UTF-8; the scanner must say so before calling any handler.
 * The expected events are expat's, computed here, not written out.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <expat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "read/xml_scan.h"
#include "testutil.h"
#include "util/strbuf.h"

#define FIXTURES "tests/fixtures/xml_scan"

/* Events rendered as text: "<name a=v>", "</name>", "[text]", "!DOCTYPE". */
typedef struct events {
    strbuf out;
    int in_text;
    int handlers;         /* how many handler calls */
} events;

static void close_text(events *e)
{
    if (e->in_text) strbuf_addch(&e->out, ']');
    e->in_text = 0;
}

static void on_start(void *ud, const char *name, const char **atts)
{
    events *e = ud;
    close_text(e);
    e->handlers++;
    strbuf_addf(&e->out, "<%s", name);
    for (; atts[0]; atts += 2) strbuf_addf(&e->out, " %s=%s", atts[0], atts[1]);
    strbuf_addch(&e->out, '>');
}

static void on_end(void *ud, const char *name)
{
    events *e = ud;
    close_text(e);
    e->handlers++;
    strbuf_addf(&e->out, "</%s>", name);
}

static void on_text(void *ud, const char *s, int len)
{
    events *e = ud;
    e->handlers++;
    if (!e->in_text) strbuf_addch(&e->out, '[');
    e->in_text = 1;
    strbuf_add(&e->out, s, (size_t)len);
}

/* expat on doc; 0 when well-formed, else its error code. */
static int by_expat(const char *doc, size_t n, events *e)
{
    XML_Parser p = XML_ParserCreate(NULL);
    XML_SetUserData(p, e);
    XML_SetElementHandler(p, on_start, on_end);
    XML_SetCharacterDataHandler(p, on_text);
    int rc = XML_Parse(p, doc, (int)n, 1) == XML_STATUS_OK ? 0 : (int)XML_GetErrorCode(p);
    close_text(e);
    XML_ParserFree(p);
    return rc;
}

/* The scanner on doc fed in pieces of step bytes (the first piece cut at
 * first, when not 0); the final status, with line and column on failure.
 * in_place: each piece in a buffer of its own, scanned in place, then
 * overwritten and freed, so that nothing may be kept from it. */
static xml_scan_status by_scan(const char *doc, size_t n, size_t first, size_t step, int in_place,
                               events *e, unsigned long *line, unsigned long *col)
{
    xml_scan *x = xml_scan_new(on_start, on_end, on_text, NULL, e);
    xml_scan_status st = XML_SCAN_OK;
    size_t at = 0;
    while (st == XML_SCAN_OK && at < n) {
        size_t k = first && at == 0 ? first : step;
        if (k > n - at) k = n - at;
        if (in_place) {
            char *piece = malloc(k);
            memcpy(piece, doc + at, k);
            st = xml_scan_feed_in_place(x, piece, k, 0);
            memset(piece, '<', k);
            free(piece);
        } else {
            st = xml_scan_feed(x, doc + at, k, 0);
        }
        at += k;
    }
    if (st == XML_SCAN_OK) st = xml_scan_feed(x, NULL, 0, 1);
    close_text(e);
    *line = xml_scan_line(x);
    *col = xml_scan_column(x);
    if (st == XML_SCAN_FAILED) assert_true(strlen(xml_scan_message(x)) > 0);
    xml_scan_free(x);
    return st;
}

/* Lines in doc, for checking an error's line. */
static unsigned long lines_in(const char *doc, size_t n)
{
    unsigned long lines = 1;
    for (size_t i = 0; i < n; i++) lines += doc[i] == '\n';
    return lines;
}

/* One way of feeding doc: the scanner's result against expat's. */
static void check_fed(const char *name, const char *doc, size_t n, size_t first, size_t step,
                      int in_place, int expat_rc, const events *want)
{
    events got = {STRBUF_INIT, 0, 0};
    unsigned long line, col;
    xml_scan_status st = by_scan(doc, n, first, step, in_place, &got, &line, &col);
    if (!strncmp(name, "enc-", 4)) {
        if (st != XML_SCAN_NOT_UTF8 || got.handlers)
            fail_msg("%s (first %zu, step %zu, in place %d): status %d after %d handler calls, "
                     "want NOT_UTF8 before any", name, first, step, in_place, st, got.handlers);
    } else if (!strncmp(name, "ok-", 3)) {
        if (expat_rc) fail_msg("%s: expat refuses it (%s): not an ok- case", name,
                               XML_ErrorString(expat_rc));
        if (st != XML_SCAN_OK || strcmp(got.out.buf, want->out.buf))
            fail_msg("%s (first %zu, step %zu, in place %d): status %d\n got: %s\nwant: %s", name,
                     first, step, in_place, st, got.out.buf, want->out.buf);
    } else {
        if (!expat_rc) fail_msg("%s: expat accepts it: not a bad- case", name);
        if (st != XML_SCAN_FAILED)
            fail_msg("%s (first %zu, step %zu, in place %d): status %d, want FAILED (expat: %s)",
                     name, first, step, in_place, st, XML_ErrorString(expat_rc));
        if (line < 1 || line > lines_in(doc, n))
            fail_msg("%s: error at line %lu of %lu", name, line, lines_in(doc, n));
    }
    strbuf_release(&got.out);
}

static void check_case(const char *name, const char *doc, size_t n)
{
    events want = {STRBUF_INIT, 0, 0};
    int expat_rc = by_expat(doc, n, &want);
    /* Whole, byte by byte, then cut once at every position (all for small
     * documents, every 97th byte for the long ones). */
    size_t cuts = n < 4096 ? n : n / 97;
    for (size_t k = 0; k <= cuts + 1; k++) {
        size_t first = 0, step = n ? n : 1;
        if (k == 1) step = 1;
        else if (k > 1) first = n < 4096 ? k - 1 : (k - 1) * 97, step = n;
        if (k > 1 && (first == 0 || first >= n)) continue;
        for (int in_place = 0; in_place < 2; in_place++)
            check_fed(name, doc, n, first, step, in_place, expat_rc, &want);
    }
    strbuf_release(&want.out);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_fixtures(void **state)
{
    DIR *d = opendir(FIXTURES);
    assert_non_null(d);
    char *names[256];
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d)) && n < 256)
        if (strstr(de->d_name, ".xml")) names[n++] = strdup(de->d_name);
    closedir(d);
    qsort(names, n, sizeof *names, by_name);
    int ok = 0, bad = 0, enc = 0;
    for (size_t i = 0; i < n; i++) {
        char *path = tu_path(FIXTURES, names[i]);
        size_t len;
        char *doc = tu_read_file(path, &len);
        assert_non_null(doc);
        check_case(names[i], doc, len);
        ok += !strncmp(names[i], "ok-", 3);
        bad += !strncmp(names[i], "bad-", 4);
        enc += !strncmp(names[i], "enc-", 4);
        free(doc);
        free(path);
        free(names[i]);
    }
    print_message("%d ok, %d bad, %d other-encoding documents\n", ok, bad, enc);
    assert_true(ok >= 5 && bad >= 10 && enc >= 2); /* the folder was found whole */
}

/* The line and column of an error are where expat puts them. */
static void test_error_position(void **state)
{
    static const char doc[] = "<worksheet>\n<sheetData>\n<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>\n"
                              "<row r=\"2\"><c r=\"A2\"><v>2</v></row>\n";
    XML_Parser p = XML_ParserCreate(NULL);
    assert_int_equal(XML_Parse(p, doc, sizeof doc - 1, 1), XML_STATUS_ERROR);
    /* Fed byte by byte, whole, and whole in place (the error found in the
     * caller's buffer, answered after it is gone). */
    static const size_t steps[] = {1, sizeof doc - 1, sizeof doc - 1};
    for (int i = 0; i < 3; i++) {
        events e = {STRBUF_INIT, 0, 0};
        unsigned long line, col;
        assert_int_equal(by_scan(doc, sizeof doc - 1, 0, steps[i], i == 2, &e, &line, &col),
                         XML_SCAN_FAILED);
        assert_int_equal(line, XML_GetCurrentLineNumber(p));
        assert_int_equal(col, XML_GetCurrentColumnNumber(p));
        strbuf_release(&e.out);
    }
    XML_ParserFree(p);
}

/* A handler that stops the scan: no handler runs after it. */
static void stop_at_b(void *ud, const char *name, const char **atts)
{
    xml_scan **x = ud;
    if (!strcmp(name, "b")) xml_scan_stop(*x);
    if (!strcmp(name, "c")) fail_msg("a handler ran after xml_scan_stop");
}

static void test_stop(void **state)
{
    static const char doc[] = "<a><b/><c/></a>";
    xml_scan *x = NULL;
    x = xml_scan_new(stop_at_b, NULL, NULL, NULL, &x);
    assert_int_equal(xml_scan_feed(x, doc, sizeof doc - 1, 1), XML_SCAN_STOPPED);
    assert_int_equal(xml_scan_feed(x, "", 0, 1), XML_SCAN_STOPPED);
    xml_scan_free(x);
}

static int doctypes;
static xml_scan *doctype_scan;

static void on_doctype(void *ud)
{
    doctypes++;
    xml_scan_stop(doctype_scan);
}

/* <!DOCTYPE goes to its handler (which refuses it in the reader) before
 * anything after it is handled; without a handler it is an error. */
static void test_doctype(void **state)
{
    static const char doc[] = "<!DOCTYPE x [<!ENTITY a \"aaaa\">]><x>&a;</x>";
    events e = {STRBUF_INIT, 0, 0};
    doctypes = 0;
    doctype_scan = xml_scan_new(on_start, on_end, on_text, on_doctype, &e);
    assert_int_equal(xml_scan_feed(doctype_scan, doc, sizeof doc - 1, 1), XML_SCAN_STOPPED);
    assert_int_equal(doctypes, 1);
    assert_int_equal(e.handlers, 0);
    xml_scan_free(doctype_scan);
    xml_scan *x = xml_scan_new(on_start, on_end, on_text, NULL, &e);
    assert_int_equal(xml_scan_feed(x, doc, sizeof doc - 1, 1), XML_SCAN_FAILED);
    assert_int_equal(e.handlers, 0);
    xml_scan_free(x);
    strbuf_release(&e.out);
}

/* A tag longer than XML_SCAN_MAX_TAG is refused, not held. */
static void test_tag_limit(void **state)
{
    size_t n = XML_SCAN_MAX_TAG + 100;
    char *doc = malloc(n + 16);
    memcpy(doc, "<a v=\"", 6);
    memset(doc + 6, 'x', n - 6);
    xml_scan *x = xml_scan_new(NULL, NULL, NULL, NULL, NULL);
    xml_scan_status st = XML_SCAN_OK;
    for (size_t at = 0; st == XML_SCAN_OK && at < n; at += 65536)
        st = xml_scan_feed(x, doc + at, n - at < 65536 ? n - at : 65536, 0);
    assert_int_equal(st, XML_SCAN_FAILED);
    xml_scan_free(x);
    free(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixtures),
        cmocka_unit_test(test_error_position),
        cmocka_unit_test(test_stop),
        cmocka_unit_test(test_doctype),
        cmocka_unit_test(test_tag_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
