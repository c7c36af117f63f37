/*
 * xml_scan: a small, fast XML tokenizer for the one large machine-written
 * part the readers stream, an .xlsx sheet (xlsx_stream). It calls the same
 * kind of handlers as expat (start tag with its attributes, end tag, text)
 * at several times expat's speed, because it does only what a UTF-8 sheet
 * needs: no DTD, no namespaces, no other encodings, tags no longer than
 * XML_SCAN_MAX_TAG.
 *
 * It still refuses what is not well-formed, as expat would and with
 * expat's error kinds: mismatched or unclosed tags, text or a second
 * element outside the root, undefined entities, bad character references,
 * duplicate attributes, invalid UTF-8 and control characters in text and
 * attribute values. Text is passed with expat's newline normalisation
 * (CR LF and CR become LF) and entities decoded; comments and processing
 * instructions are skipped, CDATA sections passed as text. A document in
 * another encoding (UTF-16 byte order mark, an encoding declaration other
 * than UTF-8 or US-ASCII) is reported on the first bytes, before any
 * handler runs, so the caller can parse it with expat instead.
 */
#ifndef MTQG_XML_SCAN_H
#define MTQG_XML_SCAN_H

#include <expat.h>
#include <stddef.h>

#define XML_SCAN_MAX_TAG (1u << 20) /* longest start tag, with its attributes */
#define XML_SCAN_MAX_DEPTH 1024     /* deepest element nesting */

typedef struct xml_scan xml_scan;

/* Handlers, with expat's signatures; attribute values are NUL-terminated. */
typedef void (*xml_scan_start_fn)(void *ud, const char *name, const char **atts);
typedef void (*xml_scan_end_fn)(void *ud, const char *name);
typedef void (*xml_scan_text_fn)(void *ud, const char *text, int len);
/* Called on <!DOCTYPE; the handler may stop the scan (xml_scan_stop). */
typedef void (*xml_scan_doctype_fn)(void *ud);

typedef enum {
    XML_SCAN_OK,          /* go on (xml_scan_feed), or document complete */
    XML_SCAN_STOPPED,     /* a handler called xml_scan_stop */
    XML_SCAN_FAILED,      /* not well-formed: xml_scan_message says why */
    XML_SCAN_NOT_UTF8     /* another encoding: use expat; no handler ran */
} xml_scan_status;

/** xml_scan_new - a scanner calling these handlers with ud (any may be NULL). */
xml_scan *xml_scan_new(xml_scan_start_fn start, xml_scan_end_fn end, xml_scan_text_fn text,
                       xml_scan_doctype_fn doctype, void *ud);

/**
 * xml_scan_feed - scan the next n bytes of the document; final 1 with the
 * last bytes (n may be 0) checks that the document is complete. Bytes of an
 * unfinished token are kept for the next call. After anything but
 * XML_SCAN_OK, further calls return the same status.
 */
xml_scan_status xml_scan_feed(xml_scan *x, const char *buf, size_t n, int final);

/**
 * xml_scan_feed_in_place - xml_scan_feed, scanning buf where it is instead
 * of copying it into the scanner's window: names and values are
 * NUL-terminated and decoded in buf, so buf must be writable and its bytes
 * are not the document's after the call. Only an unfinished token is
 * copied (and the first bytes after one). For large parts read in blocks
 * the caller owns (the .xlsx sheet, hundreds of MB).
 */
xml_scan_status xml_scan_feed_in_place(xml_scan *x, char *buf, size_t n, int final);

/** xml_scan_stop - called from a handler: no handler runs after it returns. */
void xml_scan_stop(xml_scan *x);

/** Line (1-based) and column (0-based, in bytes) of the token being handled,
 *  or of the error after XML_SCAN_FAILED. */
unsigned long xml_scan_line(xml_scan *x);
unsigned long xml_scan_column(xml_scan *x);

/** Why the document is not well-formed, in expat's words (XML_ErrorString). */
const char *xml_scan_message(const xml_scan *x);

void xml_scan_free(xml_scan *x);

#endif
