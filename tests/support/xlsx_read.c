/* Reading .xlsx for the tests; see xlsx_read.h. */
#include "xlsx_read.h"

#include <minizip/unzip.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *xlsx_entry(const char *path, const char *name, size_t *len)
{
    unzFile zf = unzOpen64(path);
    if (!zf) return NULL;
    strbuf sb = STRBUF_INIT;
    int ok = 0;
    if (unzLocateFile(zf, name, 1) == UNZ_OK && unzOpenCurrentFile(zf) == UNZ_OK) {
        char buf[65536];
        int n;
        while ((n = unzReadCurrentFile(zf, buf, sizeof buf)) > 0) strbuf_add(&sb, buf, (size_t)n);
        ok = n == 0;
        if (unzCloseCurrentFile(zf) != UNZ_OK) ok = 0; /* CRC mismatch */
    }
    unzClose(zf);
    if (!ok) {
        strbuf_release(&sb);
        return NULL;
    }
    return strbuf_detach(&sb, len);
}

/* ---- a tiny XML tokenizer ----------------------------------------------
 * Enough for the machine-written parts of a package: elements, attributes,
 * character data with the predefined and numeric entities, CDATA,
 * comments, processing instructions and a DOCTYPE-free prolog. Callbacks
 * in the style of expat (which the Makefile does not link).
 */

typedef struct xml_ctx xml_ctx;
typedef void (*xml_start_fn)(xml_ctx *x, const char *el, const char **attr);
typedef void (*xml_end_fn)(xml_ctx *x, const char *el);

struct xml_ctx {
    xml_start_fn start;
    xml_end_fn end;
    strbuf text;        /* character data while capture > 0 */
    int capture;
    void *data;
};

static void put_utf8(strbuf *sb, unsigned long cp)
{
    if (cp < 0x80) {
        strbuf_addch(sb, (int)cp);
    } else if (cp < 0x800) {
        strbuf_addch(sb, (int)(0xC0 | (cp >> 6)));
        strbuf_addch(sb, (int)(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        strbuf_addch(sb, (int)(0xE0 | (cp >> 12)));
        strbuf_addch(sb, (int)(0x80 | ((cp >> 6) & 0x3F)));
        strbuf_addch(sb, (int)(0x80 | (cp & 0x3F)));
    } else {
        strbuf_addch(sb, (int)(0xF0 | (cp >> 18)));
        strbuf_addch(sb, (int)(0x80 | ((cp >> 12) & 0x3F)));
        strbuf_addch(sb, (int)(0x80 | ((cp >> 6) & 0x3F)));
        strbuf_addch(sb, (int)(0x80 | (cp & 0x3F)));
    }
}

/* Append s[0..n) with entities decoded; -1 on an unknown entity. */
static int unescape(strbuf *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '&') {
            strbuf_addch(out, s[i]);
            continue;
        }
        const char *semi = memchr(s + i, ';', n - i);
        if (!semi) return -1;
        size_t el = (size_t)(semi - (s + i)) + 1;
        const char *e = s + i;
        if (el == 5 && !strncmp(e, "&amp;", 5)) strbuf_addch(out, '&');
        else if (el == 4 && !strncmp(e, "&lt;", 4)) strbuf_addch(out, '<');
        else if (el == 4 && !strncmp(e, "&gt;", 4)) strbuf_addch(out, '>');
        else if (el == 6 && !strncmp(e, "&quot;", 6)) strbuf_addch(out, '"');
        else if (el == 6 && !strncmp(e, "&apos;", 6)) strbuf_addch(out, '\'');
        else if (el > 3 && e[1] == '#') {
            char *end;
            unsigned long cp = e[2] == 'x' ? strtoul(e + 3, &end, 16) : strtoul(e + 2, &end, 10);
            if (end != semi || cp == 0 || cp > 0x10FFFF) return -1;
            put_utf8(out, cp);
        } else {
            return -1;
        }
        i += el - 1;
    }
    return 0;
}

static int xml_fail(strbuf *err, const char *what, const char *doc, const char *at, const char *why)
{
    int line = 1;
    for (const char *p = doc; p < at; p++) line += *p == '\n';
    strbuf_addf(err, "%s: XML error at line %d: %s", what, line, why);
    return -1;
}

static int is_name_char(char c)
{
    return c && !strchr(" \t\r\n/>=", c);
}

static int xml_parse(xml_ctx *x, const char *doc, size_t len, const char *what, strbuf *err)
{
    const char *p = doc, *end = doc + len;
    strbuf name = STRBUF_INIT, vals = STRBUF_INIT;
    int depth = 0, rc = 0;
    while (p < end && rc == 0) {
        if (*p != '<') {
            const char *lt = memchr(p, '<', (size_t)(end - p));
            if (!lt) lt = end;
            if (x->capture > 0 && unescape(&x->text, p, (size_t)(lt - p)) < 0)
                rc = xml_fail(err, what, doc, p, "bad entity");
            p = lt;
            continue;
        }
        if (!strncmp(p, "<?", 2) || !strncmp(p, "<!--", 4)) {
            const char *close = strstr(p, p[1] == '?' ? "?>" : "-->");
            if (!close) {
                rc = xml_fail(err, what, doc, p, "unterminated");
                break;
            }
            p = close + (p[1] == '?' ? 2 : 3);
            continue;
        }
        if (!strncmp(p, "<![CDATA[", 9)) {
            const char *close = strstr(p, "]]>");
            if (!close) {
                rc = xml_fail(err, what, doc, p, "unterminated CDATA");
                break;
            }
            if (x->capture > 0) strbuf_add(&x->text, p + 9, (size_t)(close - p - 9));
            p = close + 3;
            continue;
        }
        int closing = p[1] == '/';
        const char *q = p + 1 + closing;
        strbuf_reset(&name);
        while (q < end && is_name_char(*q)) strbuf_addch(&name, *q++);
        if (!name.len) {
            rc = xml_fail(err, what, doc, p, "bad tag");
            break;
        }
        if (closing) {
            while (q < end && *q != '>') q++;
            if (q >= end || depth == 0) {
                rc = xml_fail(err, what, doc, p, "bad end tag");
                break;
            }
            depth--;
            x->end(x, name.buf);
            p = q + 1;
            continue;
        }
        /* Attributes: name="value" pairs; values decoded into vals. */
        size_t offs[64];
        int nattr = 0, empty = 0;
        strbuf_reset(&vals);
        for (;;) {
            while (q < end && strchr(" \t\r\n", *q)) q++;
            if (q >= end) break;
            if (*q == '/' && q + 1 < end && q[1] == '>') {
                empty = 1;
                q += 2;
                break;
            }
            if (*q == '>') {
                q++;
                break;
            }
            const char *an = q;
            while (q < end && is_name_char(*q)) q++;
            if (q == an || q >= end || *q != '=' || q + 1 >= end || (q[1] != '"' && q[1] != '\'') ||
                nattr >= 31) {
                rc = xml_fail(err, what, doc, an, "bad attribute");
                break;
            }
            char quote = q[1];
            const char *v = q + 2, *ve = memchr(v, quote, (size_t)(end - v));
            if (!ve) {
                rc = xml_fail(err, what, doc, an, "unterminated attribute");
                break;
            }
            offs[2 * nattr] = vals.len;
            strbuf_add(&vals, an, (size_t)(q - an));
            strbuf_addch(&vals, '\0');
            offs[2 * nattr + 1] = vals.len;
            if (unescape(&vals, v, (size_t)(ve - v)) < 0) {
                rc = xml_fail(err, what, doc, v, "bad entity in attribute");
                break;
            }
            strbuf_addch(&vals, '\0');
            nattr++;
            q = ve + 1;
        }
        if (rc) break;
        if (q > end || (q[-1] != '>')) {
            rc = xml_fail(err, what, doc, p, "unterminated tag");
            break;
        }
        const char *attr[64];
        for (int i = 0; i < 2 * nattr; i++) attr[i] = vals.buf + offs[i];
        attr[2 * nattr] = NULL;
        x->start(x, name.buf, attr);
        if (empty) x->end(x, name.buf);
        else depth++;
        p = q;
    }
    if (rc == 0 && depth != 0) rc = xml_fail(err, what, doc, end, "unclosed elements");
    strbuf_release(&name);
    strbuf_release(&vals);
    return rc;
}

static const char *attr_get(const char **attr, const char *name)
{
    for (int i = 0; attr[i]; i += 2)
        if (!strcmp(attr[i], name)) return attr[i + 1];
    return NULL;
}

/* Element name without a namespace prefix. */
static const char *local(const char *el)
{
    const char *c = strrchr(el, ':');
    return c ? c + 1 : el;
}

/* ---- shared strings ---------------------------------------------------- */

typedef struct sst {
    char **s;
    int n, alloc;
    int in_si, in_rph;
} sst;

static void sst_start(xml_ctx *x, const char *el, const char **attr)
{
    sst *t = x->data;
    const char *l = local(el);
    (void)attr;
    if (!strcmp(l, "si")) {
        t->in_si = 1;
        strbuf_reset(&x->text);
    } else if (!strcmp(l, "rPh")) {
        t->in_rph++;
    } else if (!strcmp(l, "t") && t->in_si && !t->in_rph) {
        x->capture++;
    }
}

static void sst_end(xml_ctx *x, const char *el)
{
    sst *t = x->data;
    const char *l = local(el);
    if (!strcmp(l, "si")) {
        ALLOC_GROW(t->s, t->n + 1, t->alloc);
        t->s[t->n++] = xstrdup(x->text.buf);
        t->in_si = 0;
    } else if (!strcmp(l, "rPh")) {
        t->in_rph--;
    } else if (!strcmp(l, "t") && t->in_si && !t->in_rph) {
        x->capture--;
    }
}

/* ---- workbook and its rels --------------------------------------------- */

typedef struct wb_names {
    char **name, **rid, **target;
    int n, alloc, nrel, relalloc;
    char **rel_id;
} wb_names;

static void wb_start(xml_ctx *x, const char *el, const char **attr)
{
    wb_names *w = x->data;
    if (strcmp(local(el), "sheet")) return;
    const char *name = attr_get(attr, "name"), *rid = attr_get(attr, "r:id");
    for (int i = 0; !rid && attr[i]; i += 2)
        if (!strcmp(local(attr[i]), "id")) rid = attr[i + 1];
    ALLOC_GROW(w->name, w->n + 1, w->alloc);
    w->rid = xrealloc(w->rid, (size_t)w->alloc * sizeof(char *));
    w->name[w->n] = xstrdup(name ? name : "");
    w->rid[w->n] = xstrdup(rid ? rid : "");
    w->n++;
}

static void rel_start(xml_ctx *x, const char *el, const char **attr)
{
    wb_names *w = x->data;
    if (strcmp(local(el), "Relationship")) return;
    const char *id = attr_get(attr, "Id"), *target = attr_get(attr, "Target");
    if (!id || !target) return;
    ALLOC_GROW(w->rel_id, w->nrel + 1, w->relalloc);
    w->target = xrealloc(w->target, (size_t)w->relalloc * sizeof(char *));
    w->rel_id[w->nrel] = xstrdup(id);
    w->target[w->nrel] = xstrdup(target);
    w->nrel++;
}

static void no_end(xml_ctx *x, const char *el)
{
    (void)x;
    (void)el;
}

/* ---- worksheets -------------------------------------------------------- */

typedef struct sheet_ctx {
    xlsx_sheet *sh;
    int alloc;
    const sst *strings;
    xlsx_cell cur;
    int in_c, in_v, in_f, in_is;
    strbuf value, formula;
    int bad_index;
} sheet_ctx;

int xlsx_col(const char *letters)
{
    int c = 0;
    for (const char *p = letters; *p >= 'A' && *p <= 'Z'; p++) c = c * 26 + (*p - 'A' + 1);
    return c - 1;
}

static void sheet_start(xml_ctx *x, const char *el, const char **attr)
{
    sheet_ctx *s = x->data;
    const char *l = local(el);
    if (!strcmp(l, "c")) {
        memset(&s->cur, 0, sizeof s->cur);
        const char *r = attr_get(attr, "r"), *t = attr_get(attr, "t"), *st = attr_get(attr, "s");
        snprintf(s->cur.ref, sizeof s->cur.ref, "%s", r ? r : "");
        s->cur.col = xlsx_col(s->cur.ref);
        const char *digits = s->cur.ref;
        while (*digits >= 'A' && *digits <= 'Z') digits++;
        s->cur.row = atoi(digits);
        s->cur.style = st ? atoi(st) : 0;
        s->cur.type = !t || !strcmp(t, "n") ? XC_NUMBER
                      : !strcmp(t, "s")     ? XC_SHARED
                      : !strcmp(t, "str")   ? XC_STR
                      : !strcmp(t, "inlineStr") ? XC_INLINE
                      : !strcmp(t, "b")     ? XC_BOOL
                                            : XC_ERROR;
        s->in_c = 1;
        strbuf_reset(&s->value);
        strbuf_reset(&s->formula);
    } else if (s->in_c && !strcmp(l, "f")) {
        s->in_f = 1;
        s->cur.formula = (char *)""; /* marks "has a formula" until the end tag */
        strbuf_reset(&x->text);
        x->capture++;
    } else if (s->in_c && !strcmp(l, "v")) {
        s->in_v = 1;
        s->cur.has_value = 1;
        strbuf_reset(&x->text);
        x->capture++;
    } else if (s->in_c && !strcmp(l, "is")) {
        s->in_is = 1;
        s->cur.has_value = 1;
    } else if (s->in_is && !strcmp(l, "t")) {
        strbuf_reset(&x->text);
        x->capture++;
    }
}

static void sheet_end(xml_ctx *x, const char *el)
{
    sheet_ctx *s = x->data;
    const char *l = local(el);
    if (s->in_f && !strcmp(l, "f")) {
        strbuf_add(&s->formula, x->text.buf, x->text.len);
        s->in_f = 0;
        x->capture--;
    } else if (s->in_v && !strcmp(l, "v")) {
        strbuf_add(&s->value, x->text.buf, x->text.len);
        s->in_v = 0;
        x->capture--;
    } else if (s->in_is && !strcmp(l, "t")) {
        strbuf_add(&s->value, x->text.buf, x->text.len);
        x->capture--;
    } else if (s->in_is && !strcmp(l, "is")) {
        s->in_is = 0;
    } else if (s->in_c && !strcmp(l, "c")) {
        xlsx_cell c = s->cur;
        c.formula = c.formula ? xstrdup(s->formula.buf) : NULL;
        if (c.type == XC_SHARED && c.has_value) {
            int i = atoi(s->value.buf);
            if (i < 0 || i >= s->strings->n) {
                s->bad_index = 1;
                c.text = xstrdup("");
            } else {
                c.text = xstrdup(s->strings->s[i]);
            }
        } else {
            c.text = xstrdup(s->value.buf);
        }
        ALLOC_GROW(s->sh->cells, s->sh->n + 1, s->alloc);
        s->sh->cells[s->sh->n++] = c;
        s->in_c = 0;
    }
}

/* ---- the book ---------------------------------------------------------- */

static void free_list(char **v, int n)
{
    for (int i = 0; i < n; i++) free(v[i]);
    free(v);
}

int xlsx_load(xlsx_book *b, const char *path, strbuf *err)
{
    memset(b, 0, sizeof *b);
    size_t len = 0;
    int rc = 0;
    sst strings = {0};
    wb_names wb = {0};
    xml_ctx x = {0};
    x.text = (strbuf)STRBUF_INIT;

    char *doc = xlsx_entry(path, "xl/sharedStrings.xml", &len);
    if (doc) {
        x.start = sst_start;
        x.end = sst_end;
        x.data = &strings;
        rc = xml_parse(&x, doc, len, "xl/sharedStrings.xml", err);
        free(doc);
    }
    if (rc == 0) {
        doc = xlsx_entry(path, "xl/workbook.xml", &len);
        if (!doc) {
            strbuf_addf(err, "%s: no xl/workbook.xml (not an xlsx?)", path);
            rc = -1;
        } else {
            x.start = wb_start;
            x.end = no_end;
            x.data = &wb;
            rc = xml_parse(&x, doc, len, "xl/workbook.xml", err);
            free(doc);
        }
    }
    if (rc == 0) {
        doc = xlsx_entry(path, "xl/_rels/workbook.xml.rels", &len);
        if (!doc) {
            strbuf_addf(err, "%s: no xl/_rels/workbook.xml.rels", path);
            rc = -1;
        } else {
            x.start = rel_start;
            x.end = no_end;
            x.data = &wb;
            rc = xml_parse(&x, doc, len, "xl/_rels/workbook.xml.rels", err);
            free(doc);
        }
    }
    if (rc == 0) {
        b->sheets = xcalloc((size_t)wb.n + 1, sizeof(xlsx_sheet));
        b->nsheets = wb.n;
    }
    for (int i = 0; rc == 0 && i < wb.n; i++) {
        xlsx_sheet *sh = &b->sheets[i];
        sh->name = xstrdup(wb.name[i]);
        const char *target = NULL;
        for (int r = 0; r < wb.nrel; r++)
            if (!strcmp(wb.rel_id[r], wb.rid[i])) target = wb.target[r];
        if (!target) {
            strbuf_addf(err, "sheet \"%s\": no relationship %s", sh->name, wb.rid[i]);
            rc = -1;
            break;
        }
        strbuf part = STRBUF_INIT;
        if (target[0] == '/') strbuf_adds(&part, target + 1);
        else strbuf_addf(&part, "xl/%s", target);
        sh->part = strbuf_detach(&part, NULL);
        doc = xlsx_entry(path, sh->part, &len);
        if (!doc) {
            strbuf_addf(err, "%s: missing from the package", sh->part);
            rc = -1;
            break;
        }
        sheet_ctx sc = {0};
        sc.sh = sh;
        sc.strings = &strings;
        sc.value = (strbuf)STRBUF_INIT;
        sc.formula = (strbuf)STRBUF_INIT;
        x.start = sheet_start;
        x.end = sheet_end;
        x.data = &sc;
        x.capture = 0;
        rc = xml_parse(&x, doc, len, sh->part, err);
        if (rc == 0 && sc.bad_index) {
            strbuf_addf(err, "%s: a shared-string index out of range", sh->part);
            rc = -1;
        }
        strbuf_release(&sc.value);
        strbuf_release(&sc.formula);
        free(doc);
    }
    strbuf_release(&x.text);
    free_list(strings.s, strings.n);
    free_list(wb.name, wb.n);
    free_list(wb.rid, wb.n);
    free_list(wb.rel_id, wb.nrel);
    free_list(wb.target, wb.nrel);
    if (rc < 0) xlsx_free(b);
    return rc;
}

void xlsx_free(xlsx_book *b)
{
    for (int i = 0; i < b->nsheets; i++) {
        xlsx_sheet *sh = &b->sheets[i];
        for (int c = 0; c < sh->n; c++) {
            free(sh->cells[c].formula);
            free(sh->cells[c].text);
        }
        free(sh->cells);
        free(sh->name);
        free(sh->part);
    }
    free(b->sheets);
    memset(b, 0, sizeof *b);
}

const xlsx_sheet *xlsx_sheet_named(const xlsx_book *b, const char *name)
{
    for (int i = 0; i < b->nsheets; i++)
        if (!strcmp(b->sheets[i].name, name)) return &b->sheets[i];
    return NULL;
}

const xlsx_cell *xlsx_at(const xlsx_sheet *s, int row, int col)
{
    for (int i = 0; i < s->n; i++)
        if (s->cells[i].row == row && s->cells[i].col == col) return &s->cells[i];
    return NULL;
}

const char *xlsx_text(const xlsx_sheet *s, int row, int col)
{
    const xlsx_cell *c = xlsx_at(s, row, col);
    return c && c->has_value ? c->text : "";
}

int xlsx_find_row(const xlsx_sheet *s, int col, const char *text, int from)
{
    int best = -1;
    for (int i = 0; i < s->n; i++) {
        const xlsx_cell *c = &s->cells[i];
        if (c->col == col && c->row >= from && c->has_value && !strcmp(c->text, text) &&
            (best < 0 || c->row < best))
            best = c->row;
    }
    return best;
}

int xlsx_max_row(const xlsx_sheet *s)
{
    int m = 0;
    for (int i = 0; i < s->n; i++)
        if (s->cells[i].row > m) m = s->cells[i].row;
    return m;
}
