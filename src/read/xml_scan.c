/*
 * xml_scan: the fast tokenizer behind the .xlsx sheet pass; see xml_scan.h.
 *
 * Bytes are appended to a window; the scan consumes whole tokens from it
 * and keeps an unfinished one (a tag cut by the block boundary, an entity,
 * a CR whose LF may follow) for the next block. Comments, processing
 * instructions and CDATA sections are states that survive block ends, so
 * only tags are ever held whole, up to XML_SCAN_MAX_TAG. A start tag is
 * first parsed into offsets without touching the window, and only once it
 * is known complete are names and values NUL-terminated (and decoded) in
 * place, which is what makes the handlers' strings free.
 *
 * Lines are counted lazily: newlines are counted with memchr over the
 * consumed bytes, and only up to the current token when a handler or an
 * error asks for the line.
 */
#include "xml_scan.h"

#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "../util/strbuf.h"

enum { S_TEXT, S_COMMENT, S_PI, S_CDATA };

typedef struct attr_pos {
    size_t name, name_len, val, val_len;
    int decode;           /* value holds '&' or white space to normalise */
} attr_pos;

struct xml_scan {
    xml_scan_start_fn start;
    xml_scan_end_fn end;
    xml_scan_text_fn text;
    xml_scan_doctype_fn doctype;
    void *ud;
    char *win;            /* carried bytes + the new block */
    size_t len, cap;
    size_t cur;           /* window offset of the token being handled */
    int state, began, root_seen, root_done, stopped;
    xml_scan_status status;
    enum XML_Error err;
    const char *msg;      /* a message of ours, when expat has no word for it */
    unsigned long line;   /* newlines counted up to win[counted], plus 1 */
    size_t counted;
    unsigned long long base;    /* absolute offset of win[0] */
    unsigned long long line_at; /* absolute offset where the counted line starts */
    char *names;          /* open elements' names, each NUL-terminated */
    size_t names_len, names_cap;
    size_t *name_off;
    size_t depth, depth_cap;
    attr_pos *ap;
    size_t ap_cap;
    const char **atts;
    size_t atts_cap;
};

/* Bytes that may stand in a name: anything but markup, quotes, white space
 * and control characters (expat is stricter; nothing read depends on it). */
static unsigned char name_byte[256];
/* Text bytes that need a look: markup, CR, control characters, non-ASCII. */
static unsigned char text_stop[256];
/* Attribute value bytes check_value must look at: markup, entities, white
 * space to normalise, control characters, non-ASCII. */
static unsigned char value_look[256];
/* Filled once for every thread: two reading tasks may start a scan at once. */
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

static void init_tables(void)
{
    for (int c = 0; c < 256; c++) {
        name_byte[c] = c > ' ' && !strchr("<>/=\"'&", c);
        text_stop[c] = c < 0x20 || c >= 0x80 || c == '<' || c == '&';
    }
    text_stop['\t'] = text_stop['\n'] = 0;
    text_stop['\r'] = 1;
    for (int c = 0; c < 256; c++) value_look[c] = c < 0x20 || c >= 0x80 || c == '<' || c == '&';
}

/* Whether a[0..n) and b[0..n) are equal: names are a few bytes, a loop
 * costs less than a call to memcmp (push_name copies likewise). */
static inline int same_bytes(const char *a, const char *b, size_t n)
{
    size_t i = 0;
    while (i < n && a[i] == b[i]) i++;
    return i == n;
}

xml_scan *xml_scan_new(xml_scan_start_fn start, xml_scan_end_fn end, xml_scan_text_fn text,
                       xml_scan_doctype_fn doctype, void *ud)
{
    pthread_once(&tables_once, init_tables);
    xml_scan *x = xcalloc(1, sizeof *x);
    x->start = start;
    x->end = end;
    x->text = text;
    x->doctype = doctype;
    x->ud = ud;
    x->line = 1;
    return x;
}

void xml_scan_free(xml_scan *x)
{
    if (!x) return;
    free(x->win);
    free(x->names);
    free(x->name_off);
    free(x->ap);
    free(x->atts);
    free(x);
}

void xml_scan_stop(xml_scan *x)
{
    x->stopped = 1;
}

static void count_lines(xml_scan *x, size_t upto)
{
    if (upto > x->len) upto = x->len;
    const char *p = x->win + x->counted, *e = x->win + upto;
    while (p < e && (p = memchr(p, '\n', (size_t)(e - p)))) {
        x->line++;
        p++;
        x->line_at = x->base + (unsigned long long)(p - x->win);
    }
    if (upto > x->counted) x->counted = upto;
}

unsigned long xml_scan_line(xml_scan *x)
{
    count_lines(x, x->cur);
    return x->line;
}

unsigned long xml_scan_column(xml_scan *x)
{
    count_lines(x, x->cur);
    unsigned long long at = x->base + x->cur;
    return at > x->line_at ? (unsigned long)(at - x->line_at) : 0;
}

const char *xml_scan_message(const xml_scan *x)
{
    return x->msg ? x->msg : XML_ErrorString(x->err);
}

/* Fail at window offset at; returns the status for the caller to return. */
static xml_scan_status fail(xml_scan *x, size_t at, enum XML_Error err, const char *msg)
{
    x->cur = at;
    x->err = err;
    x->msg = msg;
    return x->status = XML_SCAN_FAILED;
}

/*
 * Length of the valid UTF-8 sequence at s (n bytes available): 1-4, 0 when
 * invalid (overlong, surrogate, past U+10FFFF, U+FFFE/U+FFFF), -1 when cut
 * short by the end of the bytes.
 */
static int utf8_seq(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    int k;
    uint32_t cp;
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) k = 2, cp = c & 0x1F;
    else if (c >= 0xE0 && c <= 0xEF) k = 3, cp = c & 0x0F;
    else if (c >= 0xF0 && c <= 0xF4) k = 4, cp = c & 0x07;
    else return 0;
    for (int i = 1; i < k; i++) {
        if ((size_t)i >= n) return -1;
        if ((s[i] & 0xC0) != 0x80) return 0;
        cp = cp << 6 | (s[i] & 0x3F);
    }
    if ((k == 3 && cp < 0x800) || (k == 4 && (cp < 0x10000 || cp > 0x10FFFF))) return 0;
    if ((cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE || cp == 0xFFFF) return 0;
    return k;
}

/* Code point cp as UTF-8 into out (4 bytes); its length, 0 when no XML Char. */
static int utf8_put(uint32_t cp, char *out)
{
    if (cp < 0x20 ? !(cp == 9 || cp == 10 || cp == 13) :
        (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE || cp == 0xFFFF || cp > 0x10FFFF)
        return 0;
    if (cp < 0x80) { out[0] = (char)cp; return 1; }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | cp >> 6);
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | cp >> 12);
        out[1] = (char)(0x80 | (cp >> 6 & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | cp >> 18);
    out[1] = (char)(0x80 | (cp >> 12 & 0x3F));
    out[2] = (char)(0x80 | (cp >> 6 & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/*
 * The entity reference s[0..n) between '&' and ';' (exclusive) as UTF-8
 * into out: its length, or 0 with *err set.
 */
static int entity(const char *s, size_t n, char *out, enum XML_Error *err)
{
    static const struct { const char *name; char c; } named[] = {
        {"lt", '<'}, {"gt", '>'}, {"amp", '&'}, {"quot", '"'}, {"apos", '\''}};
    if (n && s[0] == '#') {
        uint32_t cp = 0;
        size_t i = 1;
        int hex = n > 1 && s[1] == 'x';
        if (hex) i = 2;
        if (i == n) return *err = XML_ERROR_INVALID_TOKEN, 0;
        for (; i < n; i++) {
            char c = s[i];
            int d = c >= '0' && c <= '9' ? c - '0'
                  : hex && (c | 0x20) >= 'a' && (c | 0x20) <= 'f' ? (c | 0x20) - 'a' + 10 : -1;
            if (d < 0) return *err = XML_ERROR_INVALID_TOKEN, 0;
            cp = cp * (hex ? 16u : 10u) + (uint32_t)d;
            if (cp > 0x10FFFF) return *err = XML_ERROR_BAD_CHAR_REF, 0;
        }
        int k = utf8_put(cp, out);
        if (!k) *err = XML_ERROR_BAD_CHAR_REF;
        return k;
    }
    for (size_t i = 0; i < sizeof named / sizeof *named; i++)
        if (strlen(named[i].name) == n && !memcmp(named[i].name, s, n)) {
            out[0] = named[i].c;
            return 1;
        }
    *err = XML_ERROR_UNDEFINED_ENTITY;
    return 0;
}

/* Longest entity reference body we wait for ("#x10FFFF" and some slack). */
#define MAX_ENTITY 12

/* ---- the first bytes: byte order mark and XML declaration ------------------ */

/* 1 when the declaration's encoding (if any) is not UTF-8 or US-ASCII. */
static int other_encoding(const char *decl, size_t n)
{
    const char *e = memmem(decl, n, "encoding", 8);
    if (!e) return 0;
    const char *q = e + 8, *end = decl + n;
    while (q < end && (*q == ' ' || *q == '=' || *q == '\t' || *q == '\n' || *q == '\r')) q++;
    if (q >= end || (*q != '"' && *q != '\'')) return 0;
    const char *v = q + 1, *ve = memchr(v, *q, (size_t)(end - v));
    if (!ve) return 0;
    size_t vn = (size_t)(ve - v);
    return !((vn == 5 && !strncasecmp(v, "utf-8", 5)) || (vn == 4 && !strncasecmp(v, "utf8", 4)) ||
             (vn == 8 && !strncasecmp(v, "us-ascii", 8)));
}

/* Look at the first bytes; 1 when more are needed, else 0 (or the status). */
static int begin(xml_scan *x, size_t *p, int final)
{
    const unsigned char *u = (const unsigned char *)x->win;
    if (x->len < 4 && !final) return 1;
    if (x->len >= 2 && ((u[0] == 0xFE && u[1] == 0xFF) || (u[0] == 0xFF && u[1] == 0xFE) ||
                        (u[0] == 0 && u[1] == '<') || (u[0] == '<' && u[1] == 0))) {
        x->status = XML_SCAN_NOT_UTF8;
        return 0;
    }
    if (x->len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) *p = 3;
    if (x->len - *p < 5 && !final && !memcmp(x->win + *p, "<?xml", x->len - *p)) return 1;
    if (x->len - *p >= 5 && !memcmp(x->win + *p, "<?xml", 5)) {
        const char *d = x->win + *p, *e = memmem(d, x->len - *p, "?>", 2);
        if (!e && !final && x->len < 4096) return 1;
        if (e && other_encoding(d, (size_t)(e - d))) {
            x->status = XML_SCAN_NOT_UTF8;
            return 0;
        }
    }
    x->began = 1;
    return 0;
}

/* ---- tags ----------------------------------------------------------------- */

static int is_ws(char c)
{
    return c == ' ' || c == '\n' || c == '\t' || c == '\r';
}

/* Push the element name s[0..n) on the stack of open elements. */
static int push_name(xml_scan *x, const char *s, size_t n)
{
    if (x->depth >= XML_SCAN_MAX_DEPTH) return -1;
    ALLOC_GROW(x->name_off, x->depth + 1, x->depth_cap);
    if (x->names_len + n + 1 > x->names_cap) {
        size_t cap = x->names_cap ? x->names_cap * 2 : 256;
        while (cap < x->names_len + n + 1) cap *= 2;
        x->names = xrealloc(x->names, cap);
        x->names_cap = cap;
    }
    x->name_off[x->depth++] = x->names_len;
    for (size_t i = 0; i < n; i++) x->names[x->names_len + i] = s[i]; /* a few bytes: no call */
    x->names[x->names_len + n] = '\0';
    x->names_len += n + 1;
    return 0;
}

/* Check an attribute value s[0..n): 0 when fine (*decode set when it holds
 * an entity or white space to normalise), -1 invalid, -2 cut short. */
static int check_value(const char *s, size_t n, int *decode)
{
    *decode = 0;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        if (c == '<') return -1;
        if (c == '&' || c == '\t' || c == '\n' || c == '\r') *decode = 1;
        else if (c < 0x20) return -1;
        if (c < 0x80) { i++; continue; }
        int k = utf8_seq((const unsigned char *)s + i, n - i);
        if (k <= 0) return -1;
        i += (size_t)k;
    }
    return 0;
}

/* Decode an attribute value in place (entities, white space as spaces,
 * CR LF as one space); its new length, or -1 with *err. */
static long decode_value(char *s, size_t n, enum XML_Error *err)
{
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        char c = s[i];
        if (c == '&') {
            const char *semi = memchr(s + i + 1, ';', n - i - 1);
            if (!semi) return *err = XML_ERROR_INVALID_TOKEN, -1;
            char buf[4];
            int k = entity(s + i + 1, (size_t)(semi - s - i - 1), buf, err);
            if (!k) return -1;
            memcpy(s + o, buf, (size_t)k);
            o += (size_t)k;
            i = (size_t)(semi - s) + 1;
        } else if (c == '\r' && i + 1 < n && s[i + 1] == '\n') {
            s[o++] = ' ';
            i += 2;
        } else {
            s[o++] = (c == '\t' || c == '\n' || c == '\r') ? ' ' : c;
            i++;
        }
    }
    return (long)o;
}

enum { MORE = 1 }; /* a tag function's "the tag is not all here" */

/*
 * The start tag at win[q] ('<' followed by a name byte). Returns 0 with *next
 * past the tag, MORE when it is cut by the end of the window, -1 on failure.
 */
static int start_tag(xml_scan *x, size_t q, size_t *next)
{
    char *w = x->win;
    size_t len = x->len, i = q + 1, na = 0;
    while (i < len && name_byte[(unsigned char)w[i]]) i++;
    if (i == len) return MORE;
    size_t name_len = i - (q + 1);
    int empty = 0;
    for (;;) {
        int ws = 0;
        while (i < len && is_ws(w[i])) i++, ws = 1;
        if (i == len) return MORE;
        if (w[i] == '>') { i++; break; }
        if (w[i] == '/') {
            if (i + 1 == len) return MORE;
            if (w[i + 1] != '>') return fail(x, i, XML_ERROR_INVALID_TOKEN, NULL), -1;
            i += 2;
            empty = 1;
            break;
        }
        if (!ws || !name_byte[(unsigned char)w[i]])
            return fail(x, i, XML_ERROR_INVALID_TOKEN, NULL), -1;
        size_t an = i;
        while (i < len && name_byte[(unsigned char)w[i]]) i++;
        size_t an_len = i - an;
        while (i < len && is_ws(w[i])) i++;
        if (i == len) return MORE;
        if (w[i] != '=') return fail(x, i, XML_ERROR_INVALID_TOKEN, NULL), -1;
        i++;
        while (i < len && is_ws(w[i])) i++;
        if (i == len) return MORE;
        if (w[i] != '"' && w[i] != '\'') return fail(x, i, XML_ERROR_INVALID_TOKEN, NULL), -1;
        /* A loop, not memchr: values are a few bytes ("A12", "s"). It
         * also notes whether a byte needs check_value's closer look. */
        size_t e = i + 1;
        unsigned char look = 0;
        for (const char quote = w[i]; e < len && w[e] != quote; e++) look |= value_look[(unsigned char)w[e]];
        if (e == len) return MORE;
        const char *close = w + e;
        size_t v = i + 1, v_len = e - v;
        int decode = 0;
        if (look && check_value(w + v, v_len, &decode))
            return fail(x, v, XML_ERROR_INVALID_TOKEN, NULL), -1;
        for (size_t k = 0; k < na; k++)
            if (x->ap[k].name_len == an_len && same_bytes(w + x->ap[k].name, w + an, an_len))
                return fail(x, an, XML_ERROR_DUPLICATE_ATTRIBUTE, NULL), -1;
        ALLOC_GROW(x->ap, na + 1, x->ap_cap);
        x->ap[na++] = (attr_pos){an, an_len, v, v_len, decode};
        i = (size_t)(close - w) + 1;
    }
    if (!name_len) return fail(x, q + 1, XML_ERROR_INVALID_TOKEN, NULL), -1;
    if (x->root_done) return fail(x, q, XML_ERROR_JUNK_AFTER_DOC_ELEMENT, NULL), -1;
    /* Complete: terminate the strings in place and call the handlers. */
    ALLOC_GROW(x->atts, 2 * na + 1, x->atts_cap);
    for (size_t k = 0; k < na; k++) {
        attr_pos *a = &x->ap[k];
        size_t vl = a->val_len;
        if (a->decode) {
            enum XML_Error err;
            long n = decode_value(w + a->val, a->val_len, &err);
            if (n < 0) return fail(x, a->val, err, NULL), -1;
            vl = (size_t)n;
        }
        w[a->name + a->name_len] = '\0';
        w[a->val + vl] = '\0';
        x->atts[2 * k] = w + a->name;
        x->atts[2 * k + 1] = w + a->val;
    }
    x->atts[2 * na] = NULL;
    if (!empty && push_name(x, w + q + 1, name_len))
        return fail(x, q, XML_ERROR_NO_MEMORY, "các thẻ XML lồng nhau quá sâu"), -1;
    w[q + 1 + name_len] = '\0';
    x->root_seen = 1;
    x->cur = q;
    if (x->start) x->start(x->ud, w + q + 1, x->atts);
    if (empty) {
        if (!x->stopped && x->end) x->end(x->ud, w + q + 1);
        if (x->depth == 0) x->root_done = 1;
    }
    *next = i;
    return 0;
}

/* The end tag at win[q] ("</"); as start_tag. */
static int end_tag(xml_scan *x, size_t q, size_t *next)
{
    char *w = x->win;
    /* A loop, not memchr: end tags are a few bytes ("</c>", "</row>"), and
     * a sheet has tens of millions of them. */
    size_t g = q + 2;
    while (g < x->len && w[g] != '>') g++;
    if (g == x->len) return MORE;
    const char *gt = w + g;
    size_t n = g - (q + 2);
    while (n && is_ws(w[q + 2 + n - 1])) n--;
    if (!x->depth) return fail(x, q, x->root_done ? XML_ERROR_JUNK_AFTER_DOC_ELEMENT
                                                  : XML_ERROR_SYNTAX, NULL), -1;
    const char *open = x->names + x->name_off[x->depth - 1];
    if (!n || x->names_len - x->name_off[x->depth - 1] - 1 != n || !same_bytes(open, w + q + 2, n))
        return fail(x, q + 2, XML_ERROR_TAG_MISMATCH, NULL), -1; /* at the name, as expat */
    x->cur = q;
    if (x->end) x->end(x->ud, open);
    x->names_len = x->name_off[--x->depth];
    if (x->depth == 0) x->root_done = 1;
    *next = (size_t)(gt - w) + 1;
    return 0;
}

/* ---- text ----------------------------------------------------------------- */

/* Pass text s[0..n) on, or check that it is white space outside the root. */
static int text_out(xml_scan *x, size_t at, const char *s, size_t n)
{
    if (!n) return 0;
    if (x->depth) {
        x->cur = at;
        if (x->text) x->text(x->ud, s, (int)n);
        return 0;
    }
    for (size_t i = 0; i < n; i++)
        if (!is_ws(s[i]))
            return fail(x, at + i, x->root_done ? XML_ERROR_JUNK_AFTER_DOC_ELEMENT
                                                : XML_ERROR_SYNTAX, NULL), -1;
    return 0;
}

/*
 * Text from win[p] up to the next markup, and the markup itself. Returns 0
 * with *p advanced, MORE when the rest must wait for more bytes, -1.
 */
static int scan_step(xml_scan *x, size_t *pp, int final)
{
    char *w = x->win;
    const unsigned char *u = (const unsigned char *)w;
    size_t len = x->len, p = *pp, q = p;
    for (;;) {
        while (q < len && !text_stop[u[q]]) q++;
        if (q < len && u[q] >= 0x80) {
            int k = utf8_seq(u + q, len - q);
            if (k > 0) { q += (size_t)k; continue; }
            if (k < 0 && !final) break;
            return fail(x, q, XML_ERROR_INVALID_TOKEN, NULL), -1;
        }
        break;
    }
    if (text_out(x, p, w + p, q - p)) return -1;
    *pp = q;
    if (x->stopped || q == len) return q == len ? MORE : 0;
    unsigned char c = u[q];
    if (c >= 0x80) return MORE; /* a UTF-8 sequence cut by the window's end */
    if (c == '\r') {
        if (q + 1 == len && !final) return MORE;
        if (text_out(x, q, "\n", 1)) return -1;
        *pp = q + 1 + (q + 1 < len && w[q + 1] == '\n');
        return 0;
    }
    if (c == '&') {
        size_t lim = len - q - 1 < MAX_ENTITY ? len - q - 1 : MAX_ENTITY;
        const char *semi = memchr(w + q + 1, ';', lim);
        if (!semi) {
            if (lim < MAX_ENTITY && !final) return MORE;
            return fail(x, q, XML_ERROR_INVALID_TOKEN, NULL), -1;
        }
        char buf[4];
        enum XML_Error err;
        int k = entity(w + q + 1, (size_t)(semi - w) - q - 1, buf, &err);
        if (!k) return fail(x, q, err, NULL), -1;
        if (text_out(x, q, buf, (size_t)k)) return -1;
        *pp = (size_t)(semi - w) + 1;
        return 0;
    }
    if (c != '<') return fail(x, q, XML_ERROR_INVALID_TOKEN, NULL), -1; /* control character */
    if (q + 1 == len) return MORE;
    char d = w[q + 1];
    if (d == '/') return end_tag(x, q, pp);
    if (d == '?') {
        x->state = S_PI;
        *pp = q + 2;
        return 0;
    }
    if (d == '!') {
        static const char cdata[] = "<![CDATA[", doctype[] = "<!DOCTYPE";
        size_t have = len - q;
        if (have >= 4 && !memcmp(w + q, "<!--", 4)) {
            x->state = S_COMMENT;
            *pp = q + 4;
            return 0;
        }
        if (have >= 9 && !memcmp(w + q, cdata, 9)) {
            if (!x->depth) return fail(x, q, XML_ERROR_SYNTAX, NULL), -1;
            x->state = S_CDATA;
            *pp = q + 9;
            return 0;
        }
        if (have >= 9 && !memcmp(w + q, doctype, 9)) {
            x->cur = q;
            if (x->doctype && !x->root_seen) x->doctype(x->ud);
            if (x->stopped) return 0;
            return fail(x, q, XML_ERROR_INVALID_TOKEN, NULL), -1;
        }
        if (have < 9 && !final && (!memcmp(w + q, cdata, have) || !memcmp(w + q, doctype, have) ||
                                   !memcmp(w + q, "<!--", have < 4 ? have : 4)))
            return MORE;
        return fail(x, q, XML_ERROR_INVALID_TOKEN, NULL), -1;
    }
    if (!name_byte[(unsigned char)d]) return fail(x, q + 1, XML_ERROR_INVALID_TOKEN, NULL), -1;
    return start_tag(x, q, pp);
}

/*
 * Inside a comment, processing instruction or CDATA section: look for its
 * end (term, tn bytes). CDATA text is passed on (checked as UTF-8, CRs
 * normalised); the others are skipped. Returns 0, MORE or -1.
 */
static int scan_special(xml_scan *x, size_t *pp, const char *term, size_t tn, int final)
{
    char *w = x->win;
    size_t len = x->len, p = *pp;
    const char *hit = memmem(w + p, len - p, term, tn);
    size_t upto = hit ? (size_t)(hit - w) : (len - p >= tn ? len - (tn - 1) : p);
    if (x->state == S_CDATA) {
        /* Check and pass [p, upto); a UTF-8 sequence or CR cut by the
         * window's end waits. No sequence or CR LF runs past the "]]>"
         * found, so i ends at hit unless it waits. */
        size_t i = p, from = p;
        int wait = 0;
        while (i < upto) {
            unsigned char c = (unsigned char)w[i];
            if (c >= 0x80) {
                int k = utf8_seq((const unsigned char *)w + i, len - i);
                if (k < 0 && !final) { wait = 1; break; }
                if (k <= 0) return fail(x, i, XML_ERROR_INVALID_TOKEN, NULL), -1;
                i += (size_t)k;
            } else if (c == '\r') {
                if (i + 1 == len && !final) { wait = 1; break; }
                if (text_out(x, from, w + from, i - from) || text_out(x, i, "\n", 1)) return -1;
                i += 1 + (i + 1 < len && w[i + 1] == '\n');
                from = i;
            } else if (c < 0x20 && c != '\t' && c != '\n') {
                return fail(x, i, XML_ERROR_INVALID_TOKEN, NULL), -1;
            } else {
                i++;
            }
        }
        if (text_out(x, from, w + from, i - from)) return -1;
        if (wait || !hit || i != (size_t)(hit - w)) {
            *pp = i;
            return MORE;
        }
    }
    if (!hit) {
        *pp = upto;
        return MORE;
    }
    x->state = S_TEXT;
    *pp = (size_t)(hit - w) + tn;
    return 0;
}

/* ---- feed ------------------------------------------------------------------ */

/* Scan the window from *pp on, through every state, as far as it goes. */
static void scan_window(xml_scan *x, size_t *pp, int final)
{
    size_t p = *pp;
    while (p < x->len && !x->stopped) {
        int rc;
        if (x->state == S_TEXT) rc = scan_step(x, &p, final);
        else if (x->state == S_COMMENT) rc = scan_special(x, &p, "-->", 3, final);
        else if (x->state == S_PI) rc = scan_special(x, &p, "?>", 2, final);
        else rc = scan_special(x, &p, "]]>", 3, final);
        if (rc) break;
    }
    *pp = p;
}

/* The window's first p bytes are consumed: count their lines and move the
 * window's origin past them (the rest, if any, is moved by the caller). */
static void consume(xml_scan *x, size_t p)
{
    count_lines(x, p);
    x->len -= p;
    x->base += p;
    x->counted = 0;
    x->cur = 0;
}

/* The status once the unfinished token is kept: its length, and, with the
 * last bytes, whether the document is complete. */
static xml_scan_status settle(xml_scan *x, int final)
{
    if (x->len > XML_SCAN_MAX_TAG)
        return fail(x, 0, XML_ERROR_NO_MEMORY, "thẻ XML dài quá giới hạn");
    if (!final) return XML_SCAN_OK;
    if (x->state == S_CDATA) return fail(x, x->len, XML_ERROR_UNCLOSED_CDATA_SECTION, NULL);
    if (x->len || x->state != S_TEXT) return fail(x, 0, XML_ERROR_UNCLOSED_TOKEN, NULL);
    if (x->depth || !x->root_seen) return fail(x, 0, XML_ERROR_NO_ELEMENTS, NULL);
    return XML_SCAN_OK;
}

/* Room for need bytes in the scanner's own window. */
static void window_room(xml_scan *x, size_t need)
{
    if (need <= x->cap) return;
    size_t cap = x->cap ? x->cap : 4096;
    while (cap < need) cap *= 2;
    x->win = xrealloc(x->win, cap);
    x->cap = cap;
}

xml_scan_status xml_scan_feed(xml_scan *x, const char *buf, size_t n, int final)
{
    if (x->status != XML_SCAN_OK) return x->status;
    if (x->stopped) return x->status = XML_SCAN_STOPPED;
    window_room(x, x->len + n);
    if (n) memcpy(x->win + x->len, buf, n);
    x->len += n;
    size_t p = 0;
    if (!x->began) {
        if (begin(x, &p, final)) return XML_SCAN_OK; /* wait for the first bytes */
        if (x->status != XML_SCAN_OK) return x->status;
    }
    scan_window(x, &p, final);
    if (x->status != XML_SCAN_OK) return x->status;
    if (x->stopped) return x->status = XML_SCAN_STOPPED;
    /* Drop what was consumed; keep the unfinished token. */
    consume(x, p);
    if (x->len) memmove(x->win, x->win + p, x->len);
    return settle(x, final);
}

/* Bytes of a block first copied to the window, to finish a token the
 * previous block cut (doubled while that token goes on): most tags are
 * shorter, and the rest of the block is scanned in place. */
#define BRIDGE 64

xml_scan_status xml_scan_feed_in_place(xml_scan *x, char *buf, size_t n, int final)
{
    if (x->status != XML_SCAN_OK || x->stopped || !x->began || x->len) {
        size_t used = 0;
        for (size_t take = BRIDGE;; take *= 2) {
            size_t k = n - used < take ? n - used : take;
            xml_scan_status st = xml_scan_feed(x, buf + used, k, final && used + k == n);
            used += k;
            if (st != XML_SCAN_OK || used == n) return st;
            if (x->began && x->len <= k) break; /* the unfinished token is in this piece */
        }
        /* It lies in buf, unchanged (only whole tokens are written into):
         * scan on from it, in place. */
        buf += used - x->len;
        n -= used - x->len;
        x->len = 0;
    }
    char *own = x->win;
    x->win = buf;
    x->len = n;
    size_t p = 0;
    scan_window(x, &p, final);
    if (x->status != XML_SCAN_OK || x->stopped) {
        /* The position stays answerable once buf is gone: lines counted up
         * to the token, the origin moved to it. */
        count_lines(x, x->cur);
        x->base += x->cur;
        x->len = x->counted = x->cur = 0;
        x->win = own;
        return x->status != XML_SCAN_OK ? x->status : (x->status = XML_SCAN_STOPPED);
    }
    consume(x, p);
    x->win = own;
    window_room(x, x->len);
    if (x->len) memcpy(x->win, buf + p, x->len);
    return settle(x, final);
}
