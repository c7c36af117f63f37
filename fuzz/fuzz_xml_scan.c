/*
 * fuzz_xml_scan: libFuzzer target for src/read/xml_scan.c, the tokenizer of
 * the .xlsx sheet, checked against expat. Each input is one document, fed
 * whole and cut at a point chosen by its first byte. Whenever expat
 * accepts a document the scanner accepts too, it must give expat's events
 * exactly (start tags with attributes, end tags, text joined), both ways
 * fed; the scanner's result must not depend on where the bytes were cut,
 * nor on whether they were copied or scanned in place;
 * and every text and attribute value it passes is valid UTF-8. The scanner
 * may refuse a few things expat accepts (a tag longer than its limit) and
 * accept a few expat refuses (names with characters XML does not allow,
 * "--" inside a comment): neither changes what a cell reads.
 * Seeds: tests/fixtures/xml_scan (copy them into a corpus folder).
 */
#include <expat.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "read/xml_scan.h"
#include "util/strbuf.h"
#include "util/text.h"

typedef struct events {
    strbuf out;
    int in_text;
} events;

static void close_text(events *e)
{
    if (e->in_text) strbuf_addch(&e->out, ']');
    e->in_text = 0;
}

static void check_utf8(const char *s, size_t n)
{
    if (!text_valid_utf8(s, n)) __builtin_trap();
}

static void on_start(void *ud, const char *name, const char **atts)
{
    events *e = ud;
    close_text(e);
    strbuf_addf(&e->out, "<%s", name);
    for (; atts[0]; atts += 2) {
        check_utf8(atts[1], strlen(atts[1]));
        strbuf_addf(&e->out, " %s=%s", atts[0], atts[1]);
    }
    strbuf_addch(&e->out, '>');
}

static void on_end(void *ud, const char *name)
{
    events *e = ud;
    close_text(e);
    strbuf_addf(&e->out, "</%s>", name);
}

static void on_text(void *ud, const char *s, int len)
{
    events *e = ud;
    check_utf8(s, (size_t)len);
    if (!e->in_text) strbuf_addch(&e->out, '[');
    e->in_text = 1;
    strbuf_add(&e->out, s, (size_t)len);
}

/* Feed data[0..n) copied, or in place from a buffer of its own that is
 * overwritten and freed afterwards. */
static xml_scan_status feed(xml_scan *x, const uint8_t *data, size_t n, int final, int in_place)
{
    if (!in_place) return xml_scan_feed(x, (const char *)data, n, final);
    char *piece = malloc(n ? n : 1);
    memcpy(piece, data, n);
    xml_scan_status st = xml_scan_feed_in_place(x, piece, n, final);
    memset(piece, '<', n);
    free(piece);
    return st;
}

static xml_scan_status scan(const uint8_t *data, size_t size, size_t cut, int in_place, events *e)
{
    xml_scan *x = xml_scan_new(on_start, on_end, on_text, NULL, e);
    xml_scan_status st = feed(x, data, cut, 0, in_place);
    if (st == XML_SCAN_OK) st = feed(x, data + cut, size - cut, 1, in_place);
    close_text(e);
    xml_scan_free(x);
    return st;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t cut = size ? data[0] % (size + 1) : 0;
    events whole = {STRBUF_INIT, 0}, parts = {STRBUF_INIT, 0}, ref = {STRBUF_INIT, 0};
    xml_scan_status a = scan(data, size, size, 0, &whole);
    for (int in_place = 0; in_place < 2; in_place++) {
        xml_scan_status b = scan(data, size, cut, in_place, &parts);
        if (a != b) __builtin_trap();
        if (a == XML_SCAN_OK && strcmp(whole.out.buf, parts.out.buf)) __builtin_trap();
        strbuf_reset(&parts.out);
        parts.in_text = 0;
    }
    XML_Parser p = XML_ParserCreate(NULL);
    XML_SetUserData(p, &ref);
    XML_SetElementHandler(p, on_start, on_end);
    XML_SetCharacterDataHandler(p, on_text);
    int expat_ok = XML_Parse(p, (const char *)data, (int)size, 1) == XML_STATUS_OK;
    close_text(&ref);
    XML_ParserFree(p);
    if (expat_ok && a == XML_SCAN_OK && strcmp(whole.out.buf, ref.out.buf)) __builtin_trap();
    strbuf_release(&whole.out);
    strbuf_release(&parts.out);
    strbuf_release(&ref.out);
    return 0;
}
