/*
 * xlsx_stream: one sheet of an .xlsx package streamed into records; see
 * xlsx_stream.h. The file reads top to bottom in the order of the work:
 *   package   open the zip; inflate one part block by block under limits
 *             (a sheet on a second thread, a few blocks ahead)
 *   xml       run expat over a part; errors become "path: part, dòng N: ..."
 *   book      sheet names and relationships (workbook.xml + its rels)
 *   styles    which cell styles show dates
 *   sst       the shared-string table
 *   merges    first pass over the sheet: merged header ranges
 *   sheet     second pass: cells into rows, rows to the callback (or the
 *             only pass, which then notes the merges it meets at the end)
 *   rows      the second pass on a thread of its own, rows handed to the
 *             caller's thread in batches
 *   entry     xlsx_stream_read ties them together
 *
 * Parsing is done with expat without namespace processing: every part is
 * machine-written with fixed element names, some writers add a prefix
 * ("x:c"), so names are compared after the prefix (local()). DOCTYPEs are
 * refused: no OOXML part has one, and it is how entity tricks get in.
 * The sheet itself, nearly all of the bytes, goes through xml_scan, a
 * tokenizer several times faster than expat that calls the same handlers
 * and refuses the same malformed XML; a sheet in another encoding than
 * UTF-8 (allowed, never seen) still goes through expat.
 */
#include "xlsx_stream.h"

#include <errno.h>
#include <expat.h>
#include <locale.h>
#include <minizip/unzip.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../util/text.h"
#include "../util/syserr.h"
#include "../util/progress.h"
#include "xml_scan.h"

#define BLOCK (64 * 1024)     /* inflate/parse unit: memory does not grow with the sheet */
#define SLOT (4 * BLOCK)      /* the unit when a second thread inflates: the largest block */
#define MAX_ROW 1048576L      /* Excel's sheet size: anything beyond is a corrupt file */
#define MAX_COL 16384
#define HEADER_ROWS 10        /* merges starting in these rows are filled */
#define MAX_MERGES 256        /* kept header merges; more is not a header */
#define MAX_MERGE_CELLS (1L << 20) /* cells all kept merges may cover together */
#define MERGE_CARRY 4096      /* longest <mergeCell ...> element the scan waits for */
#define DATE_BUF 32           /* "yyyy-mm-dd" with room for any long the formatter sees */

/* ---- package ------------------------------------------------------------ */

typedef enum { PART_SHEET, PART_SST, PART_OTHER } part_kind;

typedef struct pkg {
    unzFile zf;
    const char *path;
    xlsx_limits lim;
    char *block;          /* BLOCK bytes of inflated data, reused by every part */
    strbuf *err;
} pkg;

/* Receives each inflated block; returns 0 to go on, 1 (stop) or -1 (error). */
typedef int (*block_fn)(void *ctx, char *buf, size_t n); /* buf is the caller's: fn may write into it */

void xlsx_limits_default(xlsx_limits *l)
{
    l->max_sheet_bytes = (uint64_t)2 << 30;
    l->max_sst_bytes = (uint64_t)256 << 20;
    l->max_ratio = 1000;
}

/* Say why path is not a zip; an OLE2 header means .xls or an encrypted .xlsx. */
static void not_a_zip(const char *path, const unsigned char *head, size_t n, strbuf *err)
{
    static const unsigned char cfb[8] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
    if (n == sizeof cfb && !memcmp(head, cfb, sizeof cfb))
        strbuf_addf(err, "%s: không phải tệp .xlsx mà là tệp Excel 97-2003 (.xls) hoặc tệp "
                    ".xlsx có đặt mật khẩu; hãy lưu lại thành .xlsx không mật khẩu", path);
    else
        strbuf_addf(err, "%s: không phải tệp .xlsx (không đọc được cấu trúc nén zip; "
                    "tệp hỏng hoặc sai định dạng)", path);
}

static int pkg_open(pkg *k, const char *path, const xlsx_limits *lim, strbuf *err)
{
    memset(k, 0, sizeof *k);
    k->path = path;
    k->err = err;
    if (lim) k->lim = *lim;
    else xlsx_limits_default(&k->lim);
    /* minizip says only "NULL": look at the file first for a useful message. */
    FILE *f = fopen(path, "rb");
    struct stat st;
    if (!f || fstat(fileno(f), &st) < 0) {
        strbuf_addf(err, "%s: không mở được tệp (%s)", path, sys_error(errno));
        if (f) fclose(f);
        return -1;
    }
    unsigned char head[8];
    size_t n = S_ISREG(st.st_mode) ? fread(head, 1, sizeof head, f) : 0;
    fclose(f);
    if (!S_ISREG(st.st_mode)) {
        strbuf_addf(err, "%s: không phải tệp thông thường", path);
        return -1;
    }
    k->zf = unzOpen64(path);
    if (!k->zf) {
        not_a_zip(path, head, n, err);
        return -1;
    }
    k->block = xmalloc(BLOCK);
    return 0;
}

static void pkg_close(pkg *k)
{
    if (k->zf) unzClose(k->zf);
    free(k->block);
}

static int part_exists(pkg *k, const char *name)
{
    return unzLocateFile(k->zf, name, 2) == UNZ_OK;
}

/*
 * 0 when size bytes coming out of packed compressed bytes are within the
 * limits, else -1 with the message. A limit of 0 means none.
 */
static int within_limits(pkg *k, const char *name, part_kind kind, uint64_t size,
                         uint64_t packed, strbuf *err)
{
    uint64_t limit = kind == PART_SHEET ? k->lim.max_sheet_bytes : k->lim.max_sst_bytes;
    unsigned long long sz = size, lm = limit, pk = packed;
    if (limit && size > limit) {
        if (kind == PART_SST)
            strbuf_addf(err, "%s: bảng chuỗi dùng chung quá lớn: %s giải nén ra ít nhất "
                        "%llu byte, vượt giới hạn %llu byte", k->path, name, sz, lm);
        else
            strbuf_addf(err, "%s: tệp nén bất thường (có thể là zip bomb): %s giải nén ra "
                        "ít nhất %llu byte, vượt giới hạn %llu byte", k->path, name, sz, lm);
        return -1;
    }
    uint32_t r = k->lim.max_ratio;
    if (r && size / (packed ? packed : 1) > r) {
        strbuf_addf(err, "%s: tệp nén bất thường (có thể là zip bomb): %s giải nén từ "
                    "%llu byte ra ít nhất %llu byte, tỉ lệ vượt giới hạn %u:1", k->path, name,
                    pk, sz, r);
        return -1;
    }
    return 0;
}

/*
 * The next inflated block of the open part into buf (size bytes): its
 * length, 0 at the end, or -1 with the message in err. The limits are
 * re-checked on the bytes really produced (total so far): the sizes in the
 * zip directory are the writer's word, not a fact.
 */
static int next_block(pkg *k, const char *name, part_kind kind, uint64_t packed, char *buf,
                      unsigned size, uint64_t *total, strbuf *err)
{
    int n = unzReadCurrentFile(k->zf, buf, size);
    if (n < 0) {
        strbuf_addf(err, "%s: tệp hỏng: không giải nén được %s (mã lỗi %d)", k->path, name, n);
        return -1;
    }
    if (n == 0) return 0;
    progress_add(0, n);
    *total += (uint64_t)n;
    return within_limits(k, name, kind, *total, packed, err) ? -1 : n;
}

/* Inflate the open part block by block on this thread. */
static int inflate_blocks(pkg *k, const char *name, part_kind kind, uint64_t packed,
                          block_fn fn, void *ctx)
{
    uint64_t total = 0;
    for (;;) {
        int n = next_block(k, name, kind, packed, k->block, BLOCK, &total, k->err);
        if (n <= 0) return n;
        int rc = fn(ctx, k->block, (size_t)n);
        if (rc) return rc;
    }
}

/*
 * A sheet is inflated on a second thread, a few blocks ahead of the one
 * parsing it: inflating is a third of the work, and the reading stage
 * runs a whole .xlsx as one task, so the other core is otherwise idle.
 * The inflater writes its message into its own strbuf (the handlers may
 * be writing k->err); the parser appends it once the inflater is done.
 */
#define RING 8            /* slots of SLOT bytes: 2 MiB in all, some milliseconds of
                             parsing, so a busy machine's scheduler does not stall the pair */
/* The faster side of a ring (or of the batches below) that finds it full,
 * or empty, sleeps until half of it is free, or filled, and the other side
 * wakes it only then: one wake-up per half ring instead of one per slot.
 * The inflater outruns the parser three to one, and each wake-up costs
 * the parser a system call (10-20 us on a virtual machine): 4-5% of
 * parsing a large sheet. */
#define WAKE_AT (RING / 2)

typedef struct inflater {
    pkg *k;
    const char *name;
    part_kind kind;
    uint64_t packed;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    char *buf[RING];
    int len[RING];        /* > 0 bytes, 0 end of part, -1 failed (message in err) */
    int head, count;      /* next slot to fill; slots filled and not yet released */
    int stop;             /* the parser wants no more */
    strbuf err;
} inflater;

static void *inflater_run(void *arg)
{
    inflater *f = arg;
    uint64_t total = 0;
    for (;;) {
        pthread_mutex_lock(&f->mu);
        /* A full ring: wait until half of it is free (see WAKE_AT). */
        if (f->count == RING)
            while (f->count > RING - WAKE_AT && !f->stop) pthread_cond_wait(&f->cv, &f->mu);
        int slot = f->head, stop = f->stop;
        pthread_mutex_unlock(&f->mu);
        if (stop) return NULL;
        /* The slot is not in use: only filled slots are handed out. */
        int n = next_block(f->k, f->name, f->kind, f->packed, f->buf[slot], SLOT, &total,
                           &f->err);
        pthread_mutex_lock(&f->mu);
        f->len[slot] = n;
        f->head = (slot + 1) % RING;
        f->count++;
        pthread_cond_broadcast(&f->cv);
        pthread_mutex_unlock(&f->mu);
        if (n <= 0) return NULL;
    }
}

#define NO_THREAD -3 /* not a block_fn result (those are 2, 1, 0, -1, -2) */

/* inflate_blocks with the inflating on a second thread; NO_THREAD when no
 * thread could be started (nothing was read: the caller inflates itself). */
static int inflate_threaded(pkg *k, const char *name, part_kind kind, uint64_t packed,
                            block_fn fn, void *ctx)
{
    inflater f = {.k = k, .name = name, .kind = kind, .packed = packed, .err = STRBUF_INIT};
    pthread_t tid;
    pthread_mutex_init(&f.mu, NULL);
    pthread_cond_init(&f.cv, NULL);
    for (int i = 0; i < RING; i++) f.buf[i] = xmalloc(SLOT);
    int rc = NO_THREAD, tail = 0, inflate_failed = 0;
    if (pthread_create(&tid, NULL, inflater_run, &f) == 0) {
        for (rc = 0; rc == 0;) {
            pthread_mutex_lock(&f.mu);
            while (f.count == 0) pthread_cond_wait(&f.cv, &f.mu);
            int n = f.len[tail];
            pthread_mutex_unlock(&f.mu);
            if (n <= 0) {
                rc = n;
                inflate_failed = n < 0;
                break;
            }
            rc = fn(ctx, f.buf[tail], (size_t)n);
            pthread_mutex_lock(&f.mu);
            tail = (tail + 1) % RING;
            if (--f.count == RING - WAKE_AT) pthread_cond_broadcast(&f.cv);
            pthread_mutex_unlock(&f.mu);
        }
        pthread_mutex_lock(&f.mu);
        f.stop = 1;
        pthread_cond_broadcast(&f.cv);
        pthread_mutex_unlock(&f.mu);
        pthread_join(tid, NULL);
        /* Only the inflater's own failure: one the parser met ahead of it
         * has its message in k->err already. */
        if (inflate_failed) strbuf_add(k->err, f.err.buf, f.err.len);
    }
    for (int i = 0; i < RING; i++) free(f.buf[i]);
    strbuf_release(&f.err);
    pthread_cond_destroy(&f.cv);
    pthread_mutex_destroy(&f.mu);
    return rc;
}

/*
 * part_stream - feed the inflated bytes of part name to fn. Returns 0, 1
 * when fn stopped, -1 with the message in k->err.
 */
static int part_stream(pkg *k, const char *name, part_kind kind, block_fn fn, void *ctx)
{
    unz_file_info64 fi;
    if (unzLocateFile(k->zf, name, 2) != UNZ_OK) {
        strbuf_addf(k->err, "%s: gói .xlsx thiếu phần %s", k->path, name);
        return -1;
    }
    if (unzGetCurrentFileInfo64(k->zf, &fi, NULL, 0, NULL, 0, NULL, 0) != UNZ_OK) {
        strbuf_addf(k->err, "%s: tệp hỏng: không đọc được mục %s", k->path, name);
        return -1;
    }
    if (fi.flag & 1) {
        strbuf_addf(k->err, "%s: phần %s được mã hoá, không đọc được", k->path, name);
        return -1;
    }
    if (within_limits(k, name, kind, fi.uncompressed_size, fi.compressed_size, k->err)) return -1;
    if (unzOpenCurrentFile(k->zf) != UNZ_OK) {
        strbuf_addf(k->err, "%s: tệp hỏng: không mở được %s", k->path, name);
        return -1;
    }
    int rc = kind == PART_SHEET ? inflate_threaded(k, name, kind, fi.compressed_size, fn, ctx)
                                : NO_THREAD;
    if (rc == NO_THREAD) rc = inflate_blocks(k, name, kind, fi.compressed_size, fn, ctx);
    int close_rc = unzCloseCurrentFile(k->zf);
#ifndef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
    /* Checked only after a complete read; the fuzzer skips it so that
     * mutated XML inside stored entries reaches the parsers. */
    if (rc == 0 && close_rc != UNZ_OK) {
        strbuf_addf(k->err, "%s: tệp hỏng: %s sai mã kiểm tra CRC", k->path, name);
        rc = -1;
    }
#else
    (void)close_rc;
#endif
    return rc;
}

/* ---- xml ------------------------------------------------------------------ */

/* First member of every parse context, so handlers reach the parser state. */
typedef struct xml_base {
    XML_Parser parser;    /* the part's parser: expat's, or else */
    xml_scan *scan;       /* the sheet's scanner */
    pkg *k;
    const char *where;    /* part (or sheet) named in messages */
    int rc;               /* 0 going on, 1 stopped by the callback, -1 error */
} xml_base;

static const char *local(const char *name)
{
    /* A loop, not strchr: names are a few bytes and this runs per element. */
    for (const char *p = name; *p; p++)
        if (*p == ':') return p + 1;
    return name;
}

/* Whether a and b are the same string: an inlined loop, as the sheet's
 * handlers compare a few bytes per element (strcmp is a call). */
static inline int same(const char *a, const char *b)
{
    while (*a && *a == *b) a++, b++;
    return *a == *b;
}

static const char *attr(const XML_Char **atts, const char *name)
{
    for (; atts[0]; atts += 2)
        if (!strcmp(atts[0], name)) return atts[1];
    return NULL;
}

static void xml_fail(xml_base *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Stop the parse from a handler: no handler runs after this one. */
static void xml_stop(xml_base *b)
{
    if (b->parser) XML_StopParser(b->parser, XML_FALSE);
    else xml_scan_stop(b->scan);
}

/* Record an error at the parser's current line and stop the parse. */
static void xml_fail(xml_base *b, const char *fmt, ...)
{
    if (b->rc) return;
    strbuf_addf(b->k->err, "%s: %s, dòng %lu: ", b->k->path, b->where,
                b->parser ? (unsigned long)XML_GetCurrentLineNumber(b->parser)
                          : xml_scan_line(b->scan));
    va_list ap;
    va_start(ap, fmt);
    strbuf_vaddf(b->k->err, fmt, ap);
    va_end(ap);
    b->rc = -1;
    xml_stop(b);
}

static void refuse_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                           const XML_Char *pubid, int has_internal_subset)
{
    xml_fail(ud, "có khai báo DOCTYPE, không được phép trong tệp .xlsx");
}

static int xml_block(void *ctx, char *buf, size_t n)
{
    xml_base *b = ctx;
    if (XML_Parse(b->parser, buf, (int)n, 0) != XML_STATUS_OK) return b->rc ? b->rc : -2;
    return b->rc;
}

/*
 * xml_part - parse part name with the given handlers; b (the first member
 * of the handlers' context) is their user data. Returns 0, 1 when a handler
 * stopped, -1 with the message.
 */
static int xml_part(pkg *k, const char *name, part_kind kind, const char *where, xml_base *b,
                    XML_StartElementHandler start, XML_EndElementHandler end,
                    XML_CharacterDataHandler text)
{
    XML_Parser p = XML_ParserCreate(NULL);
    if (!p) {
        fprintf(stderr, "mtqg-report: hết bộ nhớ (expat)\n");
        abort();
    }
    b->parser = p;
    b->scan = NULL;
    b->k = k;
    b->where = where;
    b->rc = 0;
    XML_SetUserData(p, b);
    XML_SetElementHandler(p, start, end);
    XML_SetCharacterDataHandler(p, text);
    XML_SetStartDoctypeDeclHandler(p, refuse_doctype);
    int rc = part_stream(k, name, kind, xml_block, b);
    if (rc == 0 && XML_Parse(p, "", 0, 1) != XML_STATUS_OK) rc = b->rc ? b->rc : -2;
    if (rc == -2) {
        strbuf_addf(k->err, "%s: %s, dòng %lu cột %lu: lỗi XML (%s)", k->path, where,
                    (unsigned long)XML_GetCurrentLineNumber(p),
                    (unsigned long)XML_GetCurrentColumnNumber(p) + 1,
                    XML_ErrorString(XML_GetErrorCode(p)));
        rc = -1;
    }
    XML_ParserFree(p);
    return rc;
}

static void scan_refuse_doctype(void *ud)
{
    refuse_doctype(ud, NULL, NULL, NULL, 0);
}

static int scan_block(void *ctx, char *buf, size_t n)
{
    xml_base *b = ctx;
    xml_scan_status st = xml_scan_feed_in_place(b->scan, buf, n, 0);
    if (st == XML_SCAN_NOT_UTF8) return 2;
    if (st == XML_SCAN_FAILED) return b->rc ? b->rc : -2;
    return b->rc;
}

/*
 * scan_part - xml_part through xml_scan: the same handlers, results and
 * messages, faster. A part not in UTF-8 is handed to xml_part (the scanner
 * says so on the first bytes, before any handler ran).
 */
static int scan_part(pkg *k, const char *name, part_kind kind, const char *where, xml_base *b,
                     XML_StartElementHandler start, XML_EndElementHandler end,
                     XML_CharacterDataHandler text)
{
    xml_scan *x = xml_scan_new(start, end, text, scan_refuse_doctype, b);
    b->parser = NULL;
    b->scan = x;
    b->k = k;
    b->where = where;
    b->rc = 0;
    int rc = part_stream(k, name, kind, scan_block, b);
    if (rc == 0) {
        xml_scan_status st = xml_scan_feed(x, NULL, 0, 1);
        if (st == XML_SCAN_NOT_UTF8) rc = 2;
        else if (st == XML_SCAN_FAILED) rc = b->rc ? b->rc : -2;
        else rc = b->rc;
    }
    if (rc == -2) {
        unsigned long line = xml_scan_line(x), col = xml_scan_column(x);
        strbuf_addf(k->err, "%s: %s, dòng %lu cột %lu: lỗi XML (%s)", k->path, where, line,
                    col + 1, xml_scan_message(x));
        rc = -1;
    }
    xml_scan_free(x);
    b->scan = NULL;
    if (rc == 2) return xml_part(k, name, kind, where, b, start, end, text);
    return rc;
}

/* Strict decimal integer in [lo, hi]; 0 on success. */
static int parse_long(const char *s, long lo, long hi, long *out)
{
    long v = 0;
    if (!*s) return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > hi) return -1;
        v = v * 10 + (*s - '0');
    }
    if (v < lo || v > hi) return -1;
    *out = v;
    return 0;
}

/*
 * A cell reference "AB12" from s[0..n): column 0-based, row 1-based.
 * Returns the bytes used (the letters and digits), 0 when malformed.
 * want_row 0 accepts a bare column ("C"), which never occurs in a cell's r
 * but keeps this usable for both halves of a range.
 */
static size_t parse_ref(const char *s, size_t n, int *col, long *row)
{
    size_t i = 0;
    long c = 0, r = 0;
    for (; i < n && i < 3 && ((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z')); i++)
        c = c * 26 + ((s[i] | 0x20) - 'a' + 1);
    size_t letters = i;
    for (; i < n && i < letters + 7 && s[i] >= '0' && s[i] <= '9'; i++) r = r * 10 + (s[i] - '0');
    if (!letters || i == letters || c > MAX_COL || r < 1 || r > MAX_ROW) return 0;
    *col = (int)c - 1;
    *row = r;
    return i;
}

/* ---- book: workbook.xml and its relationships ------------------------------ */

typedef enum { REL_OTHER, REL_WORKSHEET, REL_NOT_DATA, REL_SST, REL_STYLES } rel_kind;

typedef struct rel {
    char *id;
    char *part;           /* zip entry name, resolved from Target */
    rel_kind kind;
} rel;

typedef struct sheet_ref {
    char *name;
    char *rid;            /* NULL when the element had no r:id */
} sheet_ref;

typedef struct book {
    xml_base base;
    sheet_ref *sheets;
    size_t nsheets, sheets_cap;
    rel *rels;
    size_t nrels, rels_cap;
    int in_sheets;
    int date1904;
} book;

static void book_add_sheet(book *b, const XML_Char **atts)
{
    const char *name = attr(atts, "name"), *rid = NULL;
    /* r:id is namespaced; its prefix is the writer's choice. */
    for (const XML_Char **a = atts; a[0]; a += 2)
        if (strchr(a[0], ':') && !strcmp(local(a[0]), "id")) rid = a[1];
    if (!name) return;
    ALLOC_GROW(b->sheets, b->nsheets + 1, b->sheets_cap);
    b->sheets[b->nsheets].name = xstrdup(name);
    b->sheets[b->nsheets].rid = rid ? xstrdup(rid) : NULL;
    b->nsheets++;
}

static void book_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    book *b = ud;
    const char *el = local(name);
    if (b->base.rc) return;
    if (!strcmp(el, "sheets")) {
        b->in_sheets = 1;
    } else if (!strcmp(el, "sheet") && b->in_sheets) {
        book_add_sheet(b, atts);
    } else if (!strcmp(el, "workbookPr")) {
        const char *v = attr(atts, "date1904");
        b->date1904 = v && (!strcmp(v, "1") || !strcmp(v, "true"));
    }
}

static void book_end(void *ud, const XML_Char *name)
{
    book *b = ud;
    if (!strcmp(local(name), "sheets")) b->in_sheets = 0;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Append t with %XX escapes decoded: a Target is a URI, entry names are not. */
static void percent_decode(strbuf *out, const char *t)
{
    for (; *t; t++) {
        int hi, lo;
        if (*t == '%' && (hi = hexval(t[1])) >= 0 && (lo = hexval(t[2])) >= 0) {
            strbuf_addch(out, hi * 16 + lo);
            t += 2;
        } else {
            strbuf_addch(out, *t);
        }
    }
}

/*
 * The zip entry a relationship Target names: absolute targets start at the
 * package root ("/xl/worksheets/sheet1.xml"), relative ones at xl/ (the
 * folder of workbook.xml); "." and ".." segments are resolved.
 */
static char *resolve_target(const char *target)
{
    strbuf raw = STRBUF_INIT, out = STRBUF_INIT;
    if (target[0] != '/') strbuf_adds(&raw, "xl/");
    percent_decode(&raw, target);
    for (const char *s = raw.buf; *s;) {
        size_t n = strcspn(s, "/");
        if (n == 2 && s[0] == '.' && s[1] == '.') {
            char *slash = strrchr(out.buf, '/');
            strbuf_setlen(&out, slash ? (size_t)(slash - out.buf) : 0);
        } else if (n && !(n == 1 && s[0] == '.')) {
            if (out.len) strbuf_addch(&out, '/');
            strbuf_add(&out, s, n);
        }
        s += n + (s[n] == '/');
    }
    strbuf_release(&raw);
    return strbuf_detach(&out, NULL);
}

static rel_kind rel_kind_of(const char *type)
{
    const char *last = type ? strrchr(type, '/') : NULL;
    const char *t = last ? last + 1 : "";
    if (!strcmp(t, "worksheet")) return REL_WORKSHEET;
    if (!strcmp(t, "chartsheet") || !strcmp(t, "dialogsheet") || !strcmp(t, "macrosheet"))
        return REL_NOT_DATA;
    if (!strcmp(t, "sharedStrings")) return REL_SST;
    if (!strcmp(t, "styles")) return REL_STYLES;
    return REL_OTHER;
}

static void rels_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    book *b = ud;
    if (b->base.rc || strcmp(local(name), "Relationship")) return;
    const char *id = attr(atts, "Id"), *target = attr(atts, "Target");
    const char *mode = attr(atts, "TargetMode");
    if (!id || !target || (mode && !strcmp(mode, "External"))) return;
    ALLOC_GROW(b->rels, b->nrels + 1, b->rels_cap);
    rel *r = &b->rels[b->nrels++];
    r->id = xstrdup(id);
    r->part = resolve_target(target);
    r->kind = rel_kind_of(attr(atts, "Type"));
}

static void book_free(book *b)
{
    for (size_t i = 0; i < b->nsheets; i++) {
        free(b->sheets[i].name);
        free(b->sheets[i].rid);
    }
    for (size_t i = 0; i < b->nrels; i++) {
        free(b->rels[i].id);
        free(b->rels[i].part);
    }
    free(b->sheets);
    free(b->rels);
}

static int read_book(pkg *k, book *b)
{
    static const char wb[] = "xl/workbook.xml", rels[] = "xl/_rels/workbook.xml.rels";
    if (!part_exists(k, wb)) {
        strbuf_addf(k->err, "%s: không phải sổ tính Excel: gói không có %s", k->path, wb);
        return -1;
    }
    int rc = xml_part(k, wb, PART_OTHER, wb, &b->base, book_start, book_end, NULL);
    if (rc == 0) rc = xml_part(k, rels, PART_OTHER, rels, &b->base, rels_start, NULL, NULL);
    return rc;
}

static const rel *find_rel(const book *b, const char *id)
{
    for (size_t i = 0; id && i < b->nrels; i++)
        if (!strcmp(b->rels[i].id, id)) return &b->rels[i];
    return NULL;
}

/* The part of the workbook's single rel of this kind, or the usual name. */
static const char *rel_part(const book *b, rel_kind kind, const char *usual)
{
    for (size_t i = 0; i < b->nrels; i++)
        if (b->rels[i].kind == kind) return b->rels[i].part;
    return usual;
}

/* Same name for a user: NFC, case folded, trimmed (as column names are). */
static int same_name(const char *a, const char *b)
{
    strbuf ka = STRBUF_INIT, kb = STRBUF_INIT;
    int same = text_key(&ka, a, strlen(a)) == 0 && text_key(&kb, b, strlen(b)) == 0 &&
               !strcmp(ka.buf, kb.buf);
    strbuf_release(&ka);
    strbuf_release(&kb);
    return same;
}

static long find_sheet(const book *b, const char *want)
{
    if (!want || !*want) {
        for (size_t i = 0; i < b->nsheets; i++) {
            const rel *r = find_rel(b, b->sheets[i].rid);
            if (!r || r->kind != REL_NOT_DATA) return (long)i;
        }
        return -1;
    }
    for (size_t i = 0; i < b->nsheets; i++)
        if (!strcmp(b->sheets[i].name, want)) return (long)i;
    for (size_t i = 0; i < b->nsheets; i++)
        if (same_name(b->sheets[i].name, want)) return (long)i;
    return -1;
}

static void sheet_not_found(pkg *k, const book *b, const char *want)
{
    if (want && *want)
        strbuf_addf(k->err, "%s: không có trang tính \"%s\"; ", k->path, want);
    else
        strbuf_addf(k->err, "%s: không có trang tính dữ liệu nào; ", k->path);
    if (!b->nsheets) {
        strbuf_adds(k->err, "sổ tính không có trang tính nào");
        return;
    }
    strbuf_adds(k->err, "các trang tính có trong tệp:");
    for (size_t i = 0; i < b->nsheets; i++)
        strbuf_addf(k->err, "%s \"%s\"", i ? "," : "", b->sheets[i].name);
}

/* The chosen sheet's part; NULL with the message when there is none. */
static const rel *pick_sheet(pkg *k, const book *b, const char *want, const char **name)
{
    long i = find_sheet(b, want);
    if (i < 0) {
        sheet_not_found(k, b, want);
        return NULL;
    }
    *name = b->sheets[i].name;
    const rel *r = find_rel(b, b->sheets[i].rid);
    if (!r)
        strbuf_addf(k->err, "%s: trang tính \"%s\" không có đích trong "
                    "xl/_rels/workbook.xml.rels (tệp hỏng)", k->path, *name);
    else if (r->kind == REL_NOT_DATA)
        strbuf_addf(k->err, "%s: trang tính \"%s\" là biểu đồ hoặc macro, không phải bảng "
                    "dữ liệu", k->path, *name);
    return r && r->kind != REL_NOT_DATA ? r : NULL;
}

/* ---- styles: which cell formats are dates ----------------------------------- */

typedef struct numfmt {
    long id;
    int date;
} numfmt;

typedef struct styles {
    xml_base base;
    numfmt *fmts;         /* custom <numFmt>s */
    size_t nfmts, fmts_cap;
    long *xf;             /* numFmtId of each <xf> of <cellXfs>, in order */
    size_t nxf, xf_cap;
    int in_xfs, in_fmts;
    unsigned char *date_xf; /* the result: 1 when style index i shows a date */
} styles;

/* Index just past the character that closes what opened at code[i]. */
static size_t skip_to(const char *code, size_t i, char close)
{
    const char *e = strchr(code + i + 1, close);
    return e ? (size_t)(e - code) + 1 : strlen(code);
}

/*
 * Whether a number format code shows a date: a d, m or y outside quoted
 * text, [..] (colours, conditions, locales, elapsed [h]), backslash
 * escapes and _x / *x directives. m next to h or s with no d or y is
 * minutes ("h:mm", "mm:ss"): a time of day, not a date.
 */
static int format_is_date(const char *code)
{
    int dy = 0, m = 0, hs = 0;
    for (size_t i = 0; code[i];) {
        char c = code[i];
        if (c == '"') { i = skip_to(code, i, '"'); continue; }
        if (c == '[') { i = skip_to(code, i, ']'); continue; }
        if ((c == '\\' || c == '_' || c == '*') && code[i + 1]) { i += 2; continue; }
        c = (char)(c | 0x20);
        if (c == 'd' || c == 'y') dy = 1;
        else if (c == 'm') m = 1;
        else if (c == 'h' || c == 's') hs = 1;
        i++;
    }
    return dy || (m && !hs);
}

/* Built-in formats 14-17 and 22 are dates; 18-21 and 45-47 are times of
 * day (h:mm, mm:ss, [h]:mm:ss), read as numbers like any other time. */
static int builtin_is_date(long id)
{
    return (id >= 14 && id <= 17) || id == 22;
}

static void styles_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    styles *s = ud;
    const char *el = local(name), *v;
    long id = 0;
    if (s->base.rc) return;
    if (!strcmp(el, "numFmts")) {
        s->in_fmts = 1;
    } else if (!strcmp(el, "numFmt") && s->in_fmts) {
        const char *code = attr(atts, "formatCode");
        if (!(v = attr(atts, "numFmtId")) || parse_long(v, 0, 1L << 30, &id) || !code) return;
        ALLOC_GROW(s->fmts, s->nfmts + 1, s->fmts_cap);
        s->fmts[s->nfmts++] = (numfmt){id, format_is_date(code)};
    } else if (!strcmp(el, "cellXfs")) {
        s->in_xfs = 1;
    } else if (!strcmp(el, "xf") && s->in_xfs) {
        if (!(v = attr(atts, "numFmtId")) || parse_long(v, 0, 1L << 30, &id)) id = 0;
        ALLOC_GROW(s->xf, s->nxf + 1, s->xf_cap);
        s->xf[s->nxf++] = id;
    }
}

static void styles_end(void *ud, const XML_Char *name)
{
    styles *s = ud;
    const char *el = local(name);
    if (!strcmp(el, "cellXfs")) s->in_xfs = 0;
    else if (!strcmp(el, "numFmts")) s->in_fmts = 0;
}

static int cmp_fmt(const void *a, const void *b)
{
    long x = ((const numfmt *)a)->id, y = ((const numfmt *)b)->id;
    return (x > y) - (x < y);
}

/* date_xf from the xfs; a custom format overrides a built-in id. */
static void styles_resolve(styles *s)
{
    if (s->nfmts) qsort(s->fmts, s->nfmts, sizeof *s->fmts, cmp_fmt);
    s->date_xf = xcalloc(s->nxf + 1, 1);
    for (size_t i = 0; i < s->nxf; i++) {
        numfmt key = {s->xf[i], 0};
        const numfmt *f = s->nfmts ? bsearch(&key, s->fmts, s->nfmts, sizeof key, cmp_fmt) : NULL;
        s->date_xf[i] = (unsigned char)(f ? f->date : builtin_is_date(s->xf[i]));
    }
}

static int read_styles(pkg *k, const char *part, styles *s)
{
    if (!part_exists(k, part)) return 0; /* no styles: no dates */
    int rc = xml_part(k, part, PART_OTHER, part, &s->base, styles_start, styles_end, NULL);
    if (rc == 0) styles_resolve(s);
    return rc;
}

static void styles_free(styles *s)
{
    free(s->fmts);
    free(s->xf);
    free(s->date_xf);
}

/* ---- sst: the shared strings ------------------------------------------------ */

typedef struct sst {
    xml_base base;
    strbuf pool;          /* every string, each followed by a NUL */
    size_t *off;          /* where string i starts in pool */
    size_t n, cap;
    int in_si, in_t, rph;
} sst;

static void sst_close_si(sst *s)
{
    if (!s->in_si) return;
    strbuf_addch(&s->pool, '\0');
    s->in_si = 0;
}

/* <si> holds <t>, or rich runs <r><t>; <rPh> runs are phonetic hints. */
static void sst_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    sst *s = ud;
    const char *el = local(name);
    if (s->base.rc) return;
    if (!strcmp(el, "si")) {
        sst_close_si(s);
        ALLOC_GROW(s->off, s->n + 1, s->cap);
        s->off[s->n++] = s->pool.len;
        s->in_si = 1;
        s->rph = 0;
    } else if (!strcmp(el, "t")) {
        s->in_t = 1;
    } else if (!strcmp(el, "rPh")) {
        s->rph++;
    }
}

static void sst_end(void *ud, const XML_Char *name)
{
    sst *s = ud;
    const char *el = local(name);
    if (!strcmp(el, "si")) sst_close_si(s);
    else if (!strcmp(el, "t")) s->in_t = 0;
    else if (!strcmp(el, "rPh") && s->rph > 0) s->rph--;
}

static void sst_text(void *ud, const XML_Char *text, int len)
{
    sst *s = ud;
    if (s->in_si && s->in_t && !s->rph) strbuf_add(&s->pool, text, (size_t)len);
}

static int read_sst(pkg *k, const char *part, sst *s)
{
    if (!part_exists(k, part)) return 0;
    int rc = xml_part(k, part, PART_SST, part, &s->base, sst_start, sst_end, sst_text);
    sst_close_si(s);
    return rc;
}

/* String i (NUL-terminated) and its length; NULL when out of range. */
static const char *sst_get(const sst *s, long i, size_t *len)
{
    if (i < 0 || (size_t)i >= s->n) return NULL;
    size_t end = (size_t)i + 1 < s->n ? s->off[i + 1] : s->pool.len;
    *len = end - s->off[i] - 1;
    return s->pool.buf + s->off[i];
}

static void sst_free(sst *s)
{
    strbuf_release(&s->pool);
    free(s->off);
}

/* ---- merges: first pass ------------------------------------------------------ */

/*
 * <mergeCells> comes after <sheetData>, so a reader that hands out rows as
 * it parses cannot know them in time. A first pass inflates the sheet and
 * looks for "<mergeCell " with a plain byte search (no XML parse: it costs
 * little next to inflating), keeping ranges whose first row is among the
 * first HEADER_ROWS rows: merged header cells ("Kế hoạch vốn" over two
 * columns) must name every column they cover. The second pass copies the
 * anchor's value into each covered cell. Ranges that overlap a kept one
 * (Excel never writes those), beyond MAX_MERGES, or beyond MAX_MERGE_CELLS
 * covered cells in all are ignored, which bounds the work per row.
 */
typedef struct merge {
    long r1, r2;
    int c1, c2;
    char *val;            /* the anchor's value once its row was read */
    size_t len;
    unsigned char type;
} merge;

typedef struct xlsx_merges {
    merge *m;
    size_t n, cap;
    long cells;           /* cells covered by the kept ranges */
    long max_r2;          /* last row any kept range covers */
    char *win;            /* carried tail + one block, for matches across blocks */
    size_t keep;
} merges;             /* xlsx_merges in the header */

static int overlaps(const merge *a, const merge *b)
{
    return a->r1 <= b->r2 && b->r1 <= a->r2 && a->c1 <= b->c2 && b->c1 <= a->c2;
}

/* Keep the range ref="A1:B2" (s[0..n)) if it is a header merge. */
static void merge_keep(merges *w, const char *s, size_t n)
{
    merge m = {0, 0, 0, 0, NULL, 0, 0};
    size_t a = parse_ref(s, n, &m.c1, &m.r1);
    if (!a || a + 1 >= n || s[a] != ':' || parse_ref(s + a + 1, n - a - 1, &m.c2, &m.r2) != n - a - 1)
        return;
    if (m.r1 > m.r2) { long t = m.r1; m.r1 = m.r2; m.r2 = t; }
    if (m.c1 > m.c2) { int t = m.c1; m.c1 = m.c2; m.c2 = t; }
    long cells = (m.r2 - m.r1 + 1) * (long)(m.c2 - m.c1 + 1);
    if (m.r1 > HEADER_ROWS || cells < 2 || w->n >= MAX_MERGES || w->cells + cells > MAX_MERGE_CELLS)
        return;
    for (size_t i = 0; i < w->n; i++)
        if (overlaps(&w->m[i], &m)) return;
    ALLOC_GROW(w->m, w->n + 1, w->cap);
    w->m[w->n++] = m;
    w->cells += cells;
    if (m.r2 > w->max_r2) w->max_r2 = m.r2;
}

/* The ref attribute's value inside one element's bytes [s, e). */
static void merge_element(merges *w, const char *s, const char *e)
{
    for (const char *p = s; (p = memmem(p, (size_t)(e - p), "ref", 3)); p += 3) {
        if (p == s || (p[-1] != ' ' && p[-1] != '\t' && p[-1] != '\n' && p[-1] != '\r')) continue;
        const char *q = p + 3;
        while (q < e && (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r' || *q == '=')) q++;
        if (q >= e || (*q != '"' && *q != '\'')) continue;
        const char *end = memchr(q + 1, *q, (size_t)(e - q - 1));
        if (end) merge_keep(w, q + 1, (size_t)(end - q - 1));
        return;
    }
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/*
 * One block of the first pass. The block is appended to the carried tail
 * of the previous one, so an element cut by a block boundary is seen whole:
 * the tail kept is the unfinished element, or else the last 9 bytes (a
 * partial "mergeCell" and the byte before it).
 */
static int merge_block(void *ctx, char *buf, size_t n)
{
    merges *w = ctx;
    memcpy(w->win + w->keep, buf, n);
    size_t total = w->keep + n, pos = 0, from = total > 9 ? total - 9 : 0;
    const char *hit;
    while ((hit = memmem(w->win + pos, total - pos, "mergeCell", 9))) {
        size_t at = (size_t)(hit - w->win);
        const char *gt = memchr(hit, '>', total - at);
        if (!gt && total - at < MERGE_CARRY - 1) {
            from = at ? at - 1 : 0;
            break;
        }
        if (gt && at > 0 && (hit[-1] == '<' || hit[-1] == ':') && is_space(hit[9]))
            merge_element(w, hit + 9, gt);
        pos = at + 9;
    }
    memmove(w->win, w->win + from, total - from);
    w->keep = total - from;
    return 0;
}

static int scan_merges(pkg *k, const char *part, merges *w)
{
    w->win = xmalloc(MERGE_CARRY + SLOT);
    int rc = part_stream(k, part, PART_SHEET, merge_block, w);
    free(w->win);
    w->win = NULL;
    return rc;
}

static void merges_free(merges *w)
{
    for (size_t i = 0; i < w->n; i++) free(w->m[i].val);
    free(w->m);
}

/* A copy of w's ranges, no values: to fill them in another reading. */
static void merges_copy(merges *to, const merges *w)
{
    *to = *w;
    to->m = xcalloc(w->n + 1, sizeof *to->m);
    to->cap = w->n + 1;
    for (size_t i = 0; i < w->n; i++) {
        to->m[i] = w->m[i];
        to->m[i].val = NULL;
        to->m[i].len = 0;
    }
    to->win = NULL;
    to->keep = 0;
}

void xlsx_merges_free(xlsx_merges *m)
{
    if (!m) return;
    merges_free(m);
    free(m);
}

/* ---- dates ---------------------------------------------------------------- */

/* Days since 1970-01-01 of a proleptic Gregorian date, and back
 * (H. Hinnant's algorithms; exact for every year used here). */
static long days_from_civil(long y, long m, long d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(long z, long *y, long *m, long *d)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yoe + era * 400 + (*m <= 2);
}

/*
 * "yyyy-mm-dd" into out (DATE_BUF bytes) for a date serial, 0 on success, -1 when
 * the number is no date (negative, not a number, past 9999-12-31). The
 * 1900 system counts Excel's fictitious 29/02/1900 as serial 60 (a Lotus
 * bug kept for compatibility): it is given as written, "1900-02-29", so the
 * row parser rejects it visibly instead of shifting it a day. The time of
 * day (fraction) is dropped.
 */
static int serial_to_iso(const char *v, int date1904, locale_t c_locale, char *out)
{
    char *end;
    double x = c_locale ? strtod_l(v, &end, c_locale) : strtod(v, &end);
    if (end == v || *end || !(x >= 0 && x < 3e6)) return -1;
    long s = (long)x, y, m, d;
    if (date1904) {
        civil_from_days(days_from_civil(1904, 1, 1) + s, &y, &m, &d);
    } else if (s == 60) {
        y = 1900, m = 2, d = 29;
    } else {
        if (s < 1) return -1;
        civil_from_days(days_from_civil(1900, 1, 1) + s - (s < 60 ? 1 : 2), &y, &m, &d);
    }
    if (y > 9999) return -1;
    snprintf(out, DATE_BUF, "%04ld-%02ld-%02ld", y, m, d);
    return 0;
}

/* A t="d" cell: ISO 8601 "2024-03-05" or "2024-03-05T10:00:00"; date part kept. */
static int iso_date(const char *v, char *out)
{
    long y, m, d, yy, mm, dd;
    for (int i = 0; i < 10; i++)
        if ((i == 4 || i == 7) ? v[i] != '-' : (v[i] < '0' || v[i] > '9')) return -1;
    if (v[10] && v[10] != 'T' && v[10] != ' ') return -1;
    y = strtol(v, NULL, 10);
    m = strtol(v + 5, NULL, 10);
    d = strtol(v + 8, NULL, 10);
    if (m < 1 || m > 12 || d < 1) return -1;
    civil_from_days(days_from_civil(y, m, d), &yy, &mm, &dd);
    if (yy != y || mm != m || dd != d) return -1; /* 2023-02-30 and the like */
    memcpy(out, v, 10);
    out[10] = '\0';
    return 0;
}

/* ---- sheet: second pass ------------------------------------------------------ */

/*
 * One row's cells by column. Texts live in pool, each followed by a NUL;
 * offset 0 holds "" for empty cells. The arrays and the pool are reused
 * from row to row, so a cell costs no allocation once they are grown.
 */
typedef struct rowbuf {
    strbuf pool;
    size_t *off, *len;
    unsigned char *type;
    const char **cell;
    size_t cap;
    int used;             /* columns [0, used) are initialised */
} rowbuf;

static void row_reset(rowbuf *rb)
{
    strbuf_setlen(&rb->pool, 0);
    strbuf_addch(&rb->pool, '\0');
    rb->used = 0;
}

/* Grow the per-column arrays together so that need columns fit. */
static void row_grow(rowbuf *rb, size_t need)
{
    if (need <= rb->cap) return;
    size_t cap = rb->cap ? rb->cap * 2 : 64;
    while (cap < need) cap *= 2;
    rb->off = xrealloc(rb->off, cap * sizeof *rb->off);
    rb->len = xrealloc(rb->len, cap * sizeof *rb->len);
    rb->type = xrealloc(rb->type, cap * sizeof *rb->type);
    rb->cell = xrealloc(rb->cell, cap * sizeof *rb->cell);
    rb->cap = cap;
}

static void row_put(rowbuf *rb, int col, const char *s, size_t n, unsigned char type)
{
    row_grow(rb, (size_t)col + 1);
    for (; rb->used <= col; rb->used++) {
        rb->off[rb->used] = rb->len[rb->used] = 0;
        rb->type[rb->used] = CELL_TEXT;
    }
    rb->off[col] = rb->pool.len;
    rb->len[col] = n;
    rb->type[col] = type;
    strbuf_add(&rb->pool, s, n);
    strbuf_addch(&rb->pool, '\0');
}

static void row_free(rowbuf *rb)
{
    strbuf_release(&rb->pool);
    free(rb->off);
    free(rb->len);
    free(rb->type);
    free(rb->cell);
}

typedef enum { T_NUM, T_SST, T_STR, T_INLINE, T_BOOL, T_ERR, T_DATE } vtype;

typedef struct handoff handoff; /* rows parsed on a thread of their own (below) */
static int batch_put(handoff *h, const rowbuf *rb, int n, long index);

typedef struct sheet_rd {
    xml_base base;
    const sst *strings;
    const styles *st;
    merges *mg;
    int late;             /* one pass: note the <mergeCell>s met after the rows */
    int date1904;
    locale_t c_locale;    /* numbers in files use '.', whatever LC_NUMERIC says */
    record_fn fn;         /* gets the rows, unless to is set: */
    void *ctx;
    handoff *to;          /* then the parsing thread's handoff gets them */
    rowbuf row;
    strbuf val;           /* text of the current <v> or inline string */
    long next;            /* next row to pass to fn (1-based) */
    long cur;             /* row being read */
    int col;              /* current cell's column, -1 before the first */
    int in_data, in_row, in_cell, in_is, capture, rph, has_v;
    vtype vt;
    long style;
    unsigned char open[64]; /* kinds (sheet_el) of the open elements, so that */
    size_t depth;           /* an end tag is not classified again; deeper: by name */
} sheet_rd;

/* Copy header merges' anchor values into the cells they cover. */
static void apply_merges(sheet_rd *s, long rowno)
{
    merges *w = s->mg;
    rowbuf *rb = &s->row;
    if (!w->n || rowno > w->max_r2) return;
    for (size_t i = 0; i < w->n; i++) {
        merge *m = &w->m[i];
        if (rowno < m->r1 || rowno > m->r2) continue;
        if (rowno == m->r1 && m->c1 < rb->used && rb->len[m->c1]) {
            free(m->val);
            m->len = rb->len[m->c1];
            m->type = rb->type[m->c1];
            m->val = xstrndup(rb->pool.buf + rb->off[m->c1], m->len);
        }
        for (int c = m->c1; m->val && c <= m->c2; c++)
            if (rowno != m->r1 || c != m->c1) row_put(rb, c, m->val, m->len, m->type);
    }
}

/* Pass row rowno (its cells in s->row) to the callback. */
static void emit_row(sheet_rd *s, long rowno)
{
    rowbuf *rb = &s->row;
    if (s->base.rc) return;
    apply_merges(s, rowno);
    int n = rb->used;
    while (n > 0 && rb->len[n - 1] == 0) n--;
    s->next = rowno + 1;
    int stop;
    if (s->to) {
        stop = batch_put(s->to, rb, n, rowno - 1);
    } else {
        for (int i = 0; i < n; i++) rb->cell[i] = rb->pool.buf + rb->off[i];
        record r = {n, rb->cell, rb->len, rb->type, rowno - 1};
        stop = s->fn(s->ctx, &r);
    }
    if (stop) {
        s->base.rc = 1;
        xml_stop(&s->base);
    }
}

static void row_start(sheet_rd *s, const XML_Char **atts)
{
    const char *v = attr(atts, "r");
    long r = s->next;
    if (v && parse_long(v, 1, MAX_ROW, &r)) {
        xml_fail(&s->base, "số hiệu dòng không hợp lệ r=\"%s\"", v);
        return;
    }
    if (r < s->next) {
        xml_fail(&s->base, "dòng %ld đứng sau dòng %ld: các dòng không theo thứ tự", r,
                 s->next - 1);
        return;
    }
    while (s->next < r && !s->base.rc) { /* rows the file leaves out */
        row_reset(&s->row);
        emit_row(s, s->next);
    }
    row_reset(&s->row);
    s->cur = r;
    s->col = -1;
    s->in_row = 1;
}

static vtype vtype_of(const char *t)
{
    if (!t) return T_NUM;
    switch (t[0]) { /* once per cell: a switch before the comparisons */
    case 's': return !t[1] ? T_SST : same(t, "str") ? T_STR : T_NUM;
    case 'i': return same(t, "inlineStr") ? T_INLINE : T_NUM;
    case 'b': return !t[1] ? T_BOOL : T_NUM;
    case 'e': return !t[1] ? T_ERR : T_NUM;
    case 'd': return !t[1] ? T_DATE : T_NUM;
    default: return T_NUM;
    }
}

static void cell_start(sheet_rd *s, const XML_Char **atts)
{
    const char *ref = NULL, *st = NULL, *t = NULL;
    int col = s->col + 1;
    long row;
    if (!s->in_row) return;
    /* attr() for r, s and t in one pass: this runs for every cell. */
    for (; atts[0]; atts += 2) {
        const char *a = atts[0];
        if (!a[0] || a[1]) continue;
        if (a[0] == 'r' && !ref) ref = atts[1];
        else if (a[0] == 's' && !st) st = atts[1];
        else if (a[0] == 't' && !t) t = atts[1];
    }
    /* NUL-terminated: parse_ref stops at the NUL, which must end the ref
     * (r="" is no reference: the next column). */
    if (ref && ref[parse_ref(ref, SIZE_MAX, &col, &row)]) {
        xml_fail(&s->base, "ô có tham chiếu không hợp lệ r=\"%s\"", ref);
        return;
    }
    if (col >= MAX_COL) {
        xml_fail(&s->base, "dòng %ld có ô vượt quá cột XFD", s->cur);
        return;
    }
    s->col = col;
    s->vt = vtype_of(t);
    if (!st || parse_long(st, 0, 1L << 30, &s->style)) s->style = 0;
    s->in_cell = 1;
    s->has_v = 0;
    strbuf_reset(&s->val);
}

/* Column letters of col into buf (at least 4 bytes), for messages. */
static const char *col_name(int col, char *buf)
{
    char tmp[4];
    int n = 0;
    for (col++; col > 0 && n < 3; col = (col - 1) / 26) tmp[n++] = (char)('A' + (col - 1) % 26);
    for (int i = 0; i < n; i++) buf[i] = tmp[n - 1 - i];
    buf[n] = '\0';
    return buf;
}

static int is_date_style(const sheet_rd *s)
{
    return s->st->date_xf && (size_t)s->style < s->st->nxf && s->st->date_xf[s->style];
}

/* The cell's value as stored text and type; 0, or -1 after xml_fail. */
static int cell_value(sheet_rd *s, const char **txt, size_t *len, unsigned char *type, char *tmp)
{
    const char *v = s->val.buf;
    long i;
    char cn[4];
    *txt = v;
    *len = s->val.len;
    *type = CELL_TEXT;
    switch (s->vt) {
    case T_SST:
        if (parse_long(v, 0, 1L << 40, &i) || !(*txt = sst_get(s->strings, i, len))) {
            xml_fail(&s->base, "ô %s%ld trỏ tới chuỗi dùng chung \"%s\" không có (bảng có %zu "
                     "chuỗi)", col_name(s->col, cn), s->cur, v, s->strings->n);
            return -1;
        }
        return 0;
    case T_STR: case T_INLINE:
        return 0;
    case T_BOOL:
        if (!strcmp(v, "1") || !strcmp(v, "true")) *txt = "TRUE", *len = 4, *type = CELL_BOOL;
        else if (!strcmp(v, "0") || !strcmp(v, "false")) *txt = "FALSE", *len = 5, *type = CELL_BOOL;
        return 0;
    case T_ERR:
        *type = CELL_ERROR;
        return 0;
    case T_DATE:
        if (!iso_date(v, tmp)) *txt = tmp, *len = 10, *type = CELL_DATE;
        return 0;
    case T_NUM:
        if (is_date_style(s) && !serial_to_iso(v, s->date1904, s->c_locale, tmp))
            *txt = tmp, *len = 10, *type = CELL_DATE;
        else
            *type = CELL_NUMBER;
        return 0;
    }
    return 0;
}

static void cell_end(sheet_rd *s)
{
    const char *txt;
    size_t len;
    unsigned char type;
    char tmp[DATE_BUF];
    s->in_cell = s->capture = s->in_is = 0;
    /* No <v> (a formula never computed, a styled blank): an empty cell. */
    if (!s->has_v || !s->val.len) return;
    if (cell_value(s, &txt, &len, &type, tmp) == 0 && len)
        row_put(&s->row, s->col, txt, len, type);
}

/* The sheet elements the handlers act on; any other is E_OTHER. */
typedef enum { E_OTHER, E_C, E_ROW, E_V, E_IS, E_T, E_RPH, E_SHEETDATA, E_MERGECELL } sheet_el;

/* An element's kind from its name: one switch per element instead of a
 * chain of comparisons, as tens of millions of elements come through. */
static sheet_el sheet_el_of(const char *name)
{
    const char *el = local(name);
    switch (el[0]) {
    case 'c': return el[1] ? E_OTHER : E_C;
    case 'v': return el[1] ? E_OTHER : E_V;
    case 't': return el[1] ? E_OTHER : E_T;
    case 'i': return el[1] == 's' && !el[2] ? E_IS : E_OTHER;
    case 'r': return same(el, "row") ? E_ROW : same(el, "rPh") ? E_RPH : E_OTHER;
    case 's': return same(el, "sheetData") ? E_SHEETDATA : E_OTHER;
    case 'm': return same(el, "mergeCell") ? E_MERGECELL : E_OTHER;
    default: return E_OTHER;
    }
}

static void sheet_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    sheet_rd *s = ud;
    sheet_el el = sheet_el_of(name);
    if (s->depth < sizeof s->open) s->open[s->depth] = (unsigned char)el;
    s->depth++;
    if (s->base.rc) return;
    if (!s->in_data) {
        s->in_data = el == E_SHEETDATA;
        /* Too late to fill: only noted, for the caller to read again. The
         * same keep rules as the first pass (merge_keep). */
        const char *ref;
        if (s->late && el == E_MERGECELL && (ref = attr(atts, "ref")))
            merge_keep(s->mg, ref, strlen(ref));
        return;
    }
    switch (el) {
    case E_C:
        cell_start(s, atts);
        break;
    case E_ROW:
        if (s->in_row) emit_row(s, s->cur);
        row_start(s, atts);
        break;
    case E_V:
        if (s->in_cell && s->vt != T_INLINE) {
            s->capture = s->has_v = 1;
            strbuf_reset(&s->val);
        }
        break;
    case E_IS:
        if (s->in_cell && s->vt == T_INLINE) s->in_is = s->has_v = 1;
        break;
    case E_T:
        if (s->in_cell && s->in_is && !s->rph) s->capture = 1;
        break;
    case E_RPH:
        if (s->in_cell) s->rph++;
        break;
    default:
        break;
    }
}

static void sheet_end(void *ud, const XML_Char *name)
{
    sheet_rd *s = ud;
    s->depth--;
    if (s->base.rc || !s->in_data) return;
    switch (s->depth < sizeof s->open ? (sheet_el)s->open[s->depth] : sheet_el_of(name)) {
    case E_C:
        if (s->in_cell) cell_end(s);
        break;
    case E_V: case E_T:
        s->capture = 0;
        break;
    case E_IS:
        s->in_is = 0;
        break;
    case E_RPH:
        if (s->rph > 0) s->rph--;
        break;
    case E_ROW:
        if (s->in_row) emit_row(s, s->cur);
        s->in_row = 0;
        break;
    case E_SHEETDATA:
        s->in_data = 0;
        break;
    default:
        break;
    }
}

static void sheet_text(void *ud, const XML_Char *text, int len)
{
    sheet_rd *s = ud;
    if (s->capture) strbuf_add(&s->val, text, (size_t)len);
}

static int read_sheet(pkg *k, const char *part, const char *where, sheet_rd *s)
{
    s->next = 1;
    s->c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    row_reset(&s->row);
    row_grow(&s->row, 64); /* the arrays exist even when every row is empty */
    int rc = scan_part(k, part, PART_SHEET, where, &s->base, sheet_start, sheet_end, sheet_text);
    if (s->c_locale) freelocale(s->c_locale);
    row_free(&s->row);
    strbuf_release(&s->val);
    return rc;
}

/* ---- rows: parsed on a second thread ---------------------------------------- */

/*
 * The sheet is parsed on a thread of its own (which has the inflater
 * beside it), and its rows are handed to the caller's thread in batches,
 * where the callback runs: the caller's work per row (the row parser, the
 * duplicate check, the cube) then overlaps the parsing instead of waiting
 * for it. The callback still sees every row in order on the thread that
 * called xlsx_stream_read. A batch holds copies of BATCH_ROWS records;
 * BATCHES of them are in flight at most, so memory stays a few hundred KiB
 * whatever the number of rows. When the callback stops the reading, the
 * parser stops at its next row and whatever it said after is dropped, as
 * if it had never got that far; when the parser fails, the rows before the
 * failure are all passed first, as when reading on one thread.
 */
#define BATCH_ROWS 512
#define BATCHES 4

typedef struct batch {
    strbuf pool;          /* every cell's bytes, each followed by a NUL */
    size_t *off, *len;    /* per cell */
    unsigned char *type;
    size_t ncells, cells_cap;
    size_t first[BATCH_ROWS]; /* per row: its first cell, cell count, index */
    int n[BATCH_ROWS];
    long index[BATCH_ROWS];
    int nrows;
} batch;

struct handoff {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    batch b[BATCHES];
    int head, tail, count;  /* next batch to fill, next to pass, filled ones */
    batch *cur;             /* the batch being filled (parser side), or NULL */
    atomic_int stop;        /* the callback stopped the reading */
    int done, parse_rc;     /* the parser has finished, with this result */
    pkg *k;                 /* what the parser reads */
    const char *part, *where;
    sheet_rd *s;
};

static void publish(handoff *h)
{
    pthread_mutex_lock(&h->mu);
    h->head = (h->head + 1) % BATCHES;
    h->cur = NULL;
    if (++h->count == BATCHES / 2) pthread_cond_broadcast(&h->cv); /* as WAKE_AT */
    pthread_mutex_unlock(&h->mu);
}

/* The parser's way out for a row: its first n cells (rb's pool copied
 * whole, one copy per row) into the current batch; 1 when the callback
 * has stopped the reading. */
static int batch_put(handoff *h, const rowbuf *rb, int n, long index)
{
    if (atomic_load(&h->stop)) return 1;
    batch *b = h->cur;
    if (!b) {
        pthread_mutex_lock(&h->mu);
        if (h->count == BATCHES) /* full: wait until half is free */
            while (h->count > BATCHES / 2 && !atomic_load(&h->stop)) pthread_cond_wait(&h->cv, &h->mu);
        b = h->cur = &h->b[h->head];
        pthread_mutex_unlock(&h->mu);
        if (atomic_load(&h->stop)) return 1;
        strbuf_reset(&b->pool);
        b->ncells = 0;
        b->nrows = 0;
    }
    size_t cap = b->cells_cap;
    ALLOC_GROW(b->off, b->ncells + (size_t)n + 1, b->cells_cap); /* never NULL */
    if (b->cells_cap != cap) { /* the three per-cell arrays grow together */
        b->len = xrealloc(b->len, b->cells_cap * sizeof *b->len);
        b->type = xrealloc(b->type, b->cells_cap);
    }
    b->first[b->nrows] = b->ncells;
    b->n[b->nrows] = n;
    b->index[b->nrows] = index;
    size_t base = b->pool.len; /* the row's pool: its cells, each NUL-ended, "" at 0 */
    strbuf_add(&b->pool, rb->pool.buf, rb->pool.len);
    for (int i = 0; i < n; i++, b->ncells++) {
        b->off[b->ncells] = base + rb->off[i];
        b->len[b->ncells] = rb->len[i];
        b->type[b->ncells] = rb->type[i];
    }
    if (++b->nrows == BATCH_ROWS) publish(h);
    return 0;
}

static void *parse_run(void *arg)
{
    handoff *h = arg;
    int rc = read_sheet(h->k, h->part, h->where, h->s);
    if (h->cur) publish(h);
    pthread_mutex_lock(&h->mu);
    h->done = 1;
    h->parse_rc = rc;
    pthread_cond_broadcast(&h->cv);
    pthread_mutex_unlock(&h->mu);
    return NULL;
}

/* Pass the batches' rows to fn until the parser is done or fn stops; 1
 * when fn stopped. */
static int pass_batches(handoff *h, record_fn fn, void *ctx)
{
    const char **cells = NULL;
    size_t cells_cap = 0;
    int stopped = 0;
    for (;;) {
        pthread_mutex_lock(&h->mu);
        if (h->count == 0) /* empty: wait until half is filled, or the end */
            while (h->count < BATCHES / 2 && !h->done) pthread_cond_wait(&h->cv, &h->mu);
        int have = h->count > 0;
        batch *b = &h->b[h->tail];
        pthread_mutex_unlock(&h->mu);
        if (!have) break;
        for (int i = 0; i < b->nrows && !stopped; i++) {
            size_t f = b->first[i];
            ALLOC_GROW(cells, (size_t)b->n[i] + 1, cells_cap);
            for (int c = 0; c < b->n[i]; c++) cells[c] = b->pool.buf + b->off[f + (size_t)c];
            record r = {b->n[i], cells, b->len + f, b->type + f, b->index[i]};
            stopped = fn(ctx, &r) != 0;
        }
        pthread_mutex_lock(&h->mu);
        h->tail = (h->tail + 1) % BATCHES;
        if (stopped) atomic_store(&h->stop, 1);
        if (--h->count == BATCHES / 2 || stopped) pthread_cond_broadcast(&h->cv);
        pthread_mutex_unlock(&h->mu);
        if (stopped) break;
    }
    free(cells);
    return stopped;
}

/* read_sheet with the parsing on a second thread (on one when no thread
 * can be started). */
static int read_sheet_threaded(pkg *k, const char *part, const char *where, sheet_rd *s)
{
    handoff *h = xcalloc(1, sizeof *h);
    record_fn fn = s->fn;
    void *ctx = s->ctx;
    size_t err_len = k->err->len;
    pthread_t tid;
    pthread_mutex_init(&h->mu, NULL);
    pthread_cond_init(&h->cv, NULL);
    for (int i = 0; i < BATCHES; i++) h->b[i].pool = (strbuf)STRBUF_INIT;
    h->k = k;
    h->part = part;
    h->where = where;
    h->s = s;
    s->to = h;
    int rc;
    if (pthread_create(&tid, NULL, parse_run, h) == 0) {
        int stopped = pass_batches(h, fn, ctx);
        pthread_join(tid, NULL);
        rc = stopped ? 1 : h->parse_rc;
        /* Stopped by the callback: what the parser met after is unsaid. */
        if (stopped) strbuf_setlen(k->err, err_len);
    } else {
        s->to = NULL;
        rc = read_sheet(k, part, where, s);
    }
    for (int i = 0; i < BATCHES; i++) {
        strbuf_release(&h->b[i].pool);
        free(h->b[i].off);
        free(h->b[i].len);
        free(h->b[i].type);
    }
    pthread_cond_destroy(&h->cv);
    pthread_mutex_destroy(&h->mu);
    free(h);
    return rc;
}

/* ---- entry ------------------------------------------------------------------ */

typedef struct reading {
    book b;
    styles st;
    sst ss;
    merges mg;
    sheet_rd sh;
    strbuf where;
} reading;

/* The parts in order; late: one pass over the sheet (no scan_merges),
 * noting the merges; known: one pass, filling these merges. */
static int read_parts(pkg *k, reading *g, const char *sheet, int late, const merges *known)
{
    const char *name = NULL;
    if (read_book(k, &g->b)) return -1;
    const rel *r = pick_sheet(k, &g->b, sheet, &name);
    if (!r) return -1;
    if (read_styles(k, rel_part(&g->b, REL_STYLES, "xl/styles.xml"), &g->st)) return -1;
    if (read_sst(k, rel_part(&g->b, REL_SST, "xl/sharedStrings.xml"), &g->ss)) return -1;
    if (known) merges_copy(&g->mg, known);
    else if (!late && scan_merges(k, r->part, &g->mg)) return -1;
    strbuf_addf(&g->where, "trang tính \"%s\" (%s)", name, r->part);
    g->sh.strings = &g->ss;
    g->sh.st = &g->st;
    g->sh.mg = &g->mg;
    g->sh.late = late;
    g->sh.date1904 = g->b.date1904;
    return read_sheet_threaded(k, r->part, g->where.buf, &g->sh);
}

/* Every entry; merged NULL: two passes (one when known), else one with
 * *merged set to the header merges met, or NULL when none. */
static int read_entry(const char *path, const char *sheet, const xlsx_limits *lim,
                      record_fn fn, void *ctx, xlsx_merges **merged, const merges *known,
                      strbuf *err)
{
    pkg k;
    if (pkg_open(&k, path, lim, err)) return -1;
    reading *g = xcalloc(1, sizeof *g);
    g->ss.pool = (strbuf)STRBUF_INIT;
    g->where = (strbuf)STRBUF_INIT;
    g->sh.row.pool = (strbuf)STRBUF_INIT;
    g->sh.val = (strbuf)STRBUF_INIT;
    g->sh.fn = fn;
    g->sh.ctx = ctx;
    int rc = read_parts(&k, g, sheet, merged != NULL, known);
    if (merged && g->mg.n > 0) {
        *merged = xmalloc(sizeof **merged);
        merges_copy(*merged, &g->mg);
    }
    book_free(&g->b);
    styles_free(&g->st);
    sst_free(&g->ss);
    merges_free(&g->mg);
    strbuf_release(&g->where);
    free(g);
    pkg_close(&k);
    return rc;
}

int xlsx_stream_read(const char *path, const char *sheet, const xlsx_limits *lim,
                     record_fn fn, void *ctx, strbuf *err)
{
    return read_entry(path, sheet, lim, fn, ctx, NULL, NULL, err);
}

int xlsx_stream_read_once(const char *path, const char *sheet, const xlsx_limits *lim,
                          record_fn fn, void *ctx, xlsx_merges **merged, strbuf *err)
{
    *merged = NULL;
    return read_entry(path, sheet, lim, fn, ctx, merged, NULL, err);
}

int xlsx_stream_read_merged(const char *path, const char *sheet, const xlsx_limits *lim,
                            const xlsx_merges *known, record_fn fn, void *ctx, strbuf *err)
{
    return read_entry(path, sheet, lim, fn, ctx, NULL, known, err);
}

/* ---- OpenDocument spreadsheets (.ods) ------------------------------------ */

/*
 * content.xml of an .ods holds every sheet: <table:table table:name> of
 * <table:table-row> (table:number-rows-repeated) of <table:table-cell> or
 * <table:covered-table-cell> (table:number-columns-repeated), the value in
 * office:value (float, percentage, currency), office:date-value or
 * office:boolean-value, or else the text of its <text:p> paragraphs. The
 * same package limits and one-row memory as .xlsx. Empty rows and cells
 * repeated (LibreOffice writes a million of them after the data) are only
 * counted, and passed on when data follows them.
 */
typedef struct ods_rd {
    xml_base base;
    const char *want;     /* sheet name, or NULL for the first */
    int state;            /* 0 before the sheet, 1 in it, 2 after it */
    int nested;           /* tables inside the sheet's cells */
    record_fn fn;
    void *ctx;
    rowbuf row;
    strbuf text, value, names;
    long rowno;           /* index of the next record */
    long empty_rows;      /* empty rows not passed yet */
    long row_repeat, cell_repeat;
    int col;
    unsigned char ctype;
    int in_cell, in_p, paragraphs;
} ods_rd;

static long ods_repeat(const XML_Char **atts, const char *name, long max)
{
    const char *v = attr(atts, name);
    long n;
    if (!v || parse_long(v, 1, max, &n) < 0) return 1;
    return n;
}

static void ods_emit(ods_rd *o, int n)
{
    rowbuf *rb = &o->row;
    for (int i = 0; i < n; i++) rb->cell[i] = rb->pool.buf + rb->off[i];
    record r = {n, rb->cell, rb->len, rb->type, o->rowno++};
    if (o->rowno > MAX_ROW) {
        xml_fail(&o->base, "bảng tính có hơn %ld dòng", MAX_ROW);
        return;
    }
    if (o->fn(o->ctx, &r)) {
        o->base.rc = 1;
        XML_StopParser(o->base.parser, XML_FALSE);
    }
}

static void ods_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    ods_rd *o = ud;
    const char *l = local(name);
    if (o->state == 2 || o->base.rc) return;
    if (!strcmp(l, "table")) {
        if (o->state == 1) {
            o->nested++;
            return;
        }
        const char *n = attr(atts, "table:name");
        if (!o->want || !*o->want || (n && same_name(o->want, n))) o->state = 1;
        else if (n) strbuf_addf(&o->names, "%s\"%s\"", o->names.len ? ", " : "", n);
        return;
    }
    if (o->state != 1 || o->nested) return;
    if (!strcmp(l, "table-row")) {
        row_reset(&o->row);
        o->col = 0;
        o->row_repeat = ods_repeat(atts, "table:number-rows-repeated", MAX_ROW);
    } else if (!strcmp(l, "table-cell") || !strcmp(l, "covered-table-cell")) {
        o->cell_repeat = ods_repeat(atts, "table:number-columns-repeated", MAX_COL);
        const char *t = attr(atts, "office:value-type");
        const char *v = NULL;
        strbuf_reset(&o->text);
        strbuf_reset(&o->value);
        o->ctype = CELL_TEXT;
        if (t && (!strcmp(t, "float") || !strcmp(t, "percentage") || !strcmp(t, "currency")))
            o->ctype = CELL_NUMBER, v = attr(atts, "office:value");
        else if (t && !strcmp(t, "date"))
            o->ctype = CELL_DATE, v = attr(atts, "office:date-value");
        else if (t && !strcmp(t, "boolean"))
            o->ctype = CELL_BOOL, v = attr(atts, "office:boolean-value");
        if (v && o->ctype == CELL_DATE) strbuf_add(&o->value, v, strnlen(v, 10));
        else if (v && o->ctype == CELL_BOOL) strbuf_adds(&o->value, !strcmp(v, "true") ? "TRUE" : "FALSE");
        else if (v) strbuf_adds(&o->value, v);
        else o->ctype = CELL_TEXT;
        o->in_cell = 1;
        o->paragraphs = 0;
    } else if (o->in_cell && !strcmp(l, "p")) {
        if (o->paragraphs++) strbuf_addch(&o->text, '\n');
        o->in_p = 1;
    } else if (o->in_p && !strcmp(l, "s")) {
        for (long n = ods_repeat(atts, "text:c", 1000); n > 0; n--) strbuf_addch(&o->text, ' ');
    } else if (o->in_p && !strcmp(l, "tab")) {
        strbuf_addch(&o->text, '\t');
    } else if (o->in_p && !strcmp(l, "line-break")) {
        strbuf_addch(&o->text, '\n');
    }
}

static void ods_end(void *ud, const XML_Char *name)
{
    ods_rd *o = ud;
    const char *l = local(name);
    if (o->state != 1 || o->base.rc) return;
    if (!strcmp(l, "table")) {
        if (o->nested) o->nested--;
        else o->state = 2;
        return;
    }
    if (o->nested) return;
    if (!strcmp(l, "p")) {
        o->in_p = 0;
    } else if (!strcmp(l, "table-cell") || !strcmp(l, "covered-table-cell")) {
        const strbuf *v = o->ctype == CELL_TEXT ? &o->text : &o->value;
        for (long r = 0; r < o->cell_repeat && o->col < MAX_COL; r++, o->col++)
            if (v->len) row_put(&o->row, o->col, v->buf, v->len, o->ctype);
        o->in_cell = 0;
    } else if (!strcmp(l, "table-row")) {
        rowbuf *rb = &o->row;
        int n = rb->used;
        while (n > 0 && rb->len[n - 1] == 0) n--;
        if (n == 0) {
            o->empty_rows += o->row_repeat;
            if (o->empty_rows > MAX_ROW) o->empty_rows = MAX_ROW;
            return;
        }
        for (; o->empty_rows > 0 && !o->base.rc; o->empty_rows--) {
            record r = {0, NULL, NULL, NULL, o->rowno++};
            if (o->fn(o->ctx, &r)) o->base.rc = 1, XML_StopParser(o->base.parser, XML_FALSE);
        }
        for (long r = 0; r < o->row_repeat && !o->base.rc; r++) ods_emit(o, n);
    }
}

static void ods_text(void *ud, const XML_Char *s, int len)
{
    ods_rd *o = ud;
    if (o->state == 1 && !o->nested && o->in_p) strbuf_add(&o->text, s, (size_t)len);
}

int ods_stream_read(const char *path, const char *sheet, const xlsx_limits *lim,
                    record_fn fn, void *ctx, strbuf *err)
{
    pkg k;
    if (pkg_open(&k, path, lim, err)) return -1;
    ods_rd *o = xcalloc(1, sizeof *o);
    o->want = sheet;
    o->fn = fn;
    o->ctx = ctx;
    o->row.pool = o->text = o->value = o->names = (strbuf)STRBUF_INIT;
    row_reset(&o->row);
    int rc = xml_part(&k, "content.xml", PART_SHEET, "content.xml", &o->base, ods_start, ods_end, ods_text);
    if (rc == 0 && o->state == 0) {
        strbuf_addf(err, "%s: không có trang tính", path);
        if (sheet && *sheet) strbuf_addf(err, " \"%s\" (các trang: %s)", sheet, o->names.buf);
        rc = -1;
    }
    row_free(&o->row);
    strbuf_release(&o->text);
    strbuf_release(&o->value);
    strbuf_release(&o->names);
    free(o);
    pkg_close(&k);
    return rc;
}
