/* libcsv driven over a byte range, block by block; see csv_stream.h. */
#include "csv_stream.h"
#include "../util/regfile.h"
#include "decode.h"
#include "../util/syserr.h"
#include "../util/progress.h"

#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* libcsv's error, in the user's language. */
static const char *csv_error_text(int e)
{
    switch (e) {
    case CSV_EPARSE: return "dấu ngoặc kép đặt sai chỗ hoặc không đóng";
    case CSV_ENOMEM: return "không đủ bộ nhớ";
    case CSV_ETOOBIG: return "một ô quá lớn";
    default: return "lỗi không rõ của bộ đọc CSV";
    }
}

#define BLOCK (256 * 1024)
#define MAX_CELLS 4096

/* libcsv's parser state between records (ROW_NOT_BEGUN in libcsv.c). */
#define LIBCSV_ROW_NOT_BEGUN 0

typedef struct row_acc {
    strbuf data;          /* the cells' bytes, NUL after each */
    size_t off[MAX_CELLS];
    size_t len[MAX_CELLS];
    const char *cell[MAX_CELLS];
    int n;
    int overflow;
    long index;
    record_fn fn;
    void *ctx;
    int stop;
    int last_term;        /* terminator of the previous row callback */
    unsigned char special[256]; /* plain_line: the delimiter, CR, LF, quote */
    char delim;
    size_t cut[MAX_CELLS];      /* plain_line: where a line's delimiters are */
} row_acc;

static void on_field(void *s, size_t len, void *data)
{
    row_acc *a = data;
    if (a->n >= MAX_CELLS) {
        a->overflow = 1;
        return;
    }
    /* One grow and one copy per field: this runs ten million times. */
    strbuf *d = &a->data;
    strbuf_grow(d, len + 1);
    a->off[a->n] = d->len;
    a->len[a->n] = len;
    if (s && len) memcpy(d->buf + d->len, s, len);
    d->len += len + 1;
    d->buf[d->len - 1] = '\0';
    d->buf[d->len] = '\0';
    a->n++;
}

/* A row to the callback: its cells in a->cell and a->len, n of them (-1:
 * more than MAX_CELLS), c its terminator. The LF of a CR LF is no row. */
static void emit_row(row_acc *a, int n, int c)
{
    int crlf_tail = n == 0 && c == '\n' && a->last_term == '\r';
    a->last_term = c;
    if (a->stop || crlf_tail) return;
    record r = {n, a->cell, a->len, NULL, a->index++};
    if (a->fn(a->ctx, &r)) a->stop = 1;
}

/* libcsv's row callback: the cells on_field kept. */
static void on_row(int c, void *data)
{
    row_acc *a = data;
    for (int i = 0; i < a->n; i++) a->cell[i] = a->data.buf + a->off[i];
    emit_row(a, a->overflow ? -1 : a->n, c);
    a->n = 0;
    a->overflow = 0;
    strbuf_reset(&a->data);
}

/* The bytes plain_line stops at, for delimiter delim. */
static void set_special(row_acc *a, unsigned char delim)
{
    memset(a->special, 0, sizeof a->special);
    a->delim = (char)delim;
    a->special[delim] = a->special['\r'] = a->special['\n'] = a->special['"'] = 1;
}

/* Spaces and tabs around an unquoted field, as libcsv trims them: not the
 * delimiter itself (a tab in a tab-separated file). */
static int trimmed(char c, char delim)
{
    return (c == ' ' || c == '\t') && c != delim;
}

#define BYTES_ONE 0x0101010101010101ull
#define BYTES_LOW7 0x7F7F7F7F7F7F7F7Full

/* 0x80 in each byte of w that is zero, 0 in the others (exact). */
static inline uint64_t zero_bytes(uint64_t w)
{
    return ~(((w & BYTES_LOW7) + BYTES_LOW7) | w | BYTES_LOW7);
}

/*
 * The first byte at or after i of s[0..n) that is the delimiter, CR, LF or
 * a quote, or n: eight bytes a step (cells are a few bytes, and a loop
 * over bytes stopping at each was most of the time here).
 */
static size_t next_special(const char *s, size_t n, size_t i, const row_acc *a)
{
    const uint64_t d = BYTES_ONE * (unsigned char)a->delim, cr = BYTES_ONE * '\r',
                   lf = BYTES_ONE * '\n', q = BYTES_ONE * '"';
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        uint64_t hit = zero_bytes(w ^ d) | zero_bytes(w ^ cr) | zero_bytes(w ^ lf) | zero_bytes(w ^ q);
        if (hit) { /* the lowest address is the lowest byte on little-endian machines */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
            return i + (size_t)(__builtin_ctzll(hit) >> 3);
#else
            break;
#endif
        }
    }
    while (i < n && !a->special[(unsigned char)s[i]]) i++;
    return i;
}

/*
 * One line that starts a record and holds no quote character, split here
 * as libcsv splits it (options as csv_stream_range sets them): cells at
 * each delimiter, trimmed of spaces and tabs; a line of nothing but those
 * is a row of no cells; CR and LF each end a row. The cells are passed
 * where they lie in the block, each ended by a NUL written over the byte
 * after it, not copied. Returns the bytes taken (the terminator included), or 0
 * when libcsv must take the line: it has a quote (a quoted cell may hold
 * delimiters, quotes and line breaks, and strict mode checks them), no
 * terminator before the block ends (libcsv carries it to the next block),
 * or more cells than a row may have.
 */
static size_t plain_line(char *s, size_t n, char delim, row_acc *a)
{
    size_t i = 0, k = 0;
    for (;;) {
        i = next_special(s, n, i, a);
        if (i == n || s[i] == '"') return 0;
        if (s[i] != delim) break;
        if (k + 1 == MAX_CELLS) return 0;
        a->cut[k++] = i++;
    }
    char term = s[i];
    int cells = 0;
    for (size_t c = 0, from = 0; c <= k; c++) {
        size_t b = from, e = c < k ? a->cut[c] : i;
        from = e + 1;
        while (b < e && trimmed(s[b], delim)) b++;
        while (e > b && trimmed(s[e - 1], delim)) e--;
        if (k == 0 && b == e) break; /* a blank line: no cells */
        s[e] = '\0'; /* the delimiter, the terminator or a trimmed blank */
        a->cell[cells] = s + b;
        a->len[cells++] = e - b;
    }
    emit_row(a, cells, (unsigned char)term);
    return i + 1;
}

/* The first CR or LF of s[0..n), or NULL. */
static const char *next_term(const char *s, size_t n)
{
    const char *nl = memchr(s, '\n', n);
    const char *cr = memchr(s, '\r', nl ? (size_t)(nl - s) : n);
    return cr ? cr : nl;
}

/*
 * csv_parse over a block (which it may write to), with the plain lines
 * split by plain_line: libcsv copies every byte through its state machine
 * and its own buffer, then on_field copies the cells again, a tenth of a
 * national run; a plain line costs a scan eight bytes a step. libcsv takes
 * the other lines, each up to its terminator, and keeps them until its
 * record ends. Returns the bytes taken, less than n on a libcsv error (as
 * csv_parse).
 */
static size_t feed(struct csv_parser *p, char *buf, size_t n, row_acc *a)
{
    char delim = (char)csv_get_delim(p);
    size_t pos = 0;
    while (pos < n && !a->stop) {
        if (p->pstate == LIBCSV_ROW_NOT_BEGUN) {
            size_t took = plain_line(buf + pos, n - pos, delim, a);
            if (took) {
                pos += took;
                continue;
            }
        }
        const char *t = next_term(buf + pos, n - pos);
        size_t want = t ? (size_t)(t - buf) + 1 - pos : n - pos;
        size_t done = csv_parse(p, buf + pos, want, on_field, on_row, a);
        if (done != want) return pos + done;
        pos += want;
    }
    return n;
}

static int open_file(const char *path, off_t *size, strbuf *err)
{
    return regfile_open(path, size, err);
}

static char sniff_delim(const char *s, size_t n)
{
    int counts[3] = {0, 0, 0}, quoted = 0;
    for (size_t i = 0; i < n && (quoted || (s[i] != '\n' && s[i] != '\r')); i++) {
        if (s[i] == '"') quoted = !quoted;
        else if (!quoted && s[i] == ',') counts[0]++;
        else if (!quoted && s[i] == ';') counts[1]++;
        else if (!quoted && s[i] == '\t') counts[2]++;
    }
    if (counts[1] > counts[0] && counts[1] >= counts[2]) return ';';
    if (counts[2] > counts[0] && counts[2] > counts[1]) return '\t';
    return ',';
}

typedef struct head_ctx {
    csv_head *h;
    int done;
    int too_many;   /* more than MAX_CELLS cells */
} head_ctx;

static int take_head(void *ctx, const record *r)
{
    head_ctx *hc = ctx;
    csv_head *h = hc->h;
    hc->too_many = r->n < 0;
    h->ncells = r->n < 0 ? 0 : r->n;
    h->cells = xcalloc((size_t)h->ncells + 1, sizeof(char *));
    h->lens = xcalloc((size_t)h->ncells + 1, sizeof(size_t));
    for (int i = 0; i < h->ncells; i++) {
        h->cells[i] = xstrndup(r->cell[i], r->len[i]);
        h->lens[i] = r->len[i];
    }
    hc->done = 1;
    return 1;
}

int csv_stream_head(const char *path, char delim, csv_head *h, strbuf *err)
{
    memset(h, 0, sizeof *h);
    int fd = open_file(path, &h->size, err);
    if (fd < 0) return -1;
    char buf[65536];
    ssize_t n = pread(fd, buf, sizeof buf, 0);
    close(fd);
    size_t skip = (n >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3)) ? 3 : 0;
    if (n <= (ssize_t)skip) {
        strbuf_addf(err, "%s: tệp rỗng (không có dòng tiêu đề)", path);
        return -1;
    }
    h->delim = delim ? delim : sniff_delim(buf + skip, (size_t)n - skip);
    struct csv_parser p;
    csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL);
    csv_set_delim(&p, (unsigned char)h->delim);
    row_acc *a = xcalloc(1, sizeof *a);
    a->data = (strbuf)STRBUF_INIT;
    head_ctx hc = {h, 0, 0};
    a->fn = take_head;
    a->ctx = &hc;
    /* Byte by byte: the header is short, and we need where it ended. */
    size_t i = skip;
    for (; i < (size_t)n && !hc.done; i++)
        if (csv_parse(&p, buf + i, 1, on_field, on_row, a) != 1) break;
    if (!hc.done && i == (size_t)n && n < (ssize_t)sizeof buf)
        csv_fini(&p, on_field, on_row, a);
    if (hc.done && i < (size_t)n && buf[i - 1] == '\r' && buf[i] == '\n') i++;
    csv_free(&p);
    strbuf_release(&a->data);
    free(a);
    if (!hc.done || h->ncells == 0) {
        /* Say which limit the header broke: they are the program's own. */
        if (hc.too_many)
            strbuf_addf(err, "%s: dòng tiêu đề có hơn %d cột (giới hạn của mtqg-report); hãy bỏ các "
                        "cột thừa", path, MAX_CELLS);
        else if (!hc.done && n == (ssize_t)sizeof buf)
            strbuf_addf(err, "%s: dòng tiêu đề dài hơn %zu byte (giới hạn của mtqg-report), hoặc có "
                        "dấu ngoặc kép không đóng", path, sizeof buf);
        else
            strbuf_addf(err, "%s: không đọc được dòng tiêu đề", path);
        csv_head_free(h);
        return -1;
    }
    h->body_start = (off_t)i;
    return 0;
}

void csv_head_free(csv_head *h)
{
    for (int i = 0; i < h->ncells; i++) free(h->cells[i]);
    free(h->cells);
    free(h->lens);
    memset(h, 0, sizeof *h);
}

off_t csv_stream_split(const char *path, off_t begin, off_t end)
{
    strbuf err = STRBUF_INIT;
    off_t size;
    int fd = open_file(path, &size, &err);
    strbuf_release(&err);
    if (fd < 0) return end;
    off_t pos = begin + (end - begin) / 2;
    char buf[4096];
    off_t result = end;
    while (pos < end && result == end) {
        ssize_t n = pread(fd, buf, sizeof buf, pos);
        if (n <= 0) break;
        char *nl = memchr(buf, '\n', (size_t)n);
        if (nl) result = pos + (nl - buf) + 1;
        pos += n;
    }
    close(fd);
    return result < end ? result : end;
}

static int parse_blocks(int fd, struct csv_parser *p, off_t begin, off_t end,
                        row_acc *a, const char *path, strbuf *err)
{
    char *buf = xmalloc(BLOCK);
    int rc = 0;
    for (off_t pos = begin; pos < end && !a->stop;) {
        size_t want = (size_t)(end - pos) < BLOCK ? (size_t)(end - pos) : BLOCK;
        ssize_t n = pread(fd, buf, want, pos);
        if (n > 0) progress_add(0, n);
        if (n <= 0) {
            strbuf_addf(err, "%s: lỗi đọc tệp (%s)", path, n < 0 ? sys_error(errno) : "hết tệp sớm");
            rc = -1;
            break;
        }
        if (feed(p, buf, (size_t)n, a) != (size_t)n) {
            strbuf_addf(err, "%s: dòng %ld: lỗi cú pháp CSV (%s); phần sau của tệp không đọc được",
                        path, a->index + 2, csv_error_text(csv_error(p)));
            rc = -1;
            break;
        }
        pos += n;
    }
    free(buf);
    return rc;
}

int csv_stream_range(const char *path, char delim, off_t begin, off_t end,
                     record_fn fn, void *ctx, int *clean_end, long *bad_index,
                     strbuf *err)
{
    off_t size;
    int fd = open_file(path, &size, err);
    if (fd < 0) return -1;
    struct csv_parser p;
    csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL | CSV_REPALL_NL);
    csv_set_delim(&p, (unsigned char)delim);
    row_acc *a = xcalloc(1, sizeof *a);
    a->data = (strbuf)STRBUF_INIT;
    a->fn = fn;
    a->ctx = ctx;
    set_special(a, (unsigned char)delim);
    int rc = parse_blocks(fd, &p, begin, end, a, path, err);
    *clean_end = rc == 0 && p.pstate == LIBCSV_ROW_NOT_BEGUN;
    if (rc == 0 && end >= size && !a->stop &&
        csv_fini(&p, on_field, on_row, a) != 0) {
        strbuf_addf(err, "%s: dòng %ld: lỗi cú pháp CSV ở cuối tệp (%s)", path,
                    a->index + 2, csv_error_text(csv_error(&p)));
        rc = -1;
    }
    if (bad_index) *bad_index = a->index;
    if (rc == 0 && a->stop) rc = 1;
    csv_free(&p);
    close(fd);
    strbuf_release(&a->data);
    free(a);
    return rc;
}

/* One decoded block to the parser; the delimiter is set on the first. */
static int parse_decoded(struct csv_parser *p, strbuf *text, char *delim, row_acc *a,
                         const char *path, strbuf *err)
{
    if (!*delim && text->len) {
        *delim = sniff_delim(text->buf, text->len);
        csv_set_delim(p, (unsigned char)*delim);
        set_special(a, (unsigned char)*delim);
    }
    if (feed(p, text->buf, text->len, a) != text->len) {
        strbuf_addf(err, "%s: dòng %ld: lỗi cú pháp CSV (%s)", path, a->index + 1,
                    csv_error_text(csv_error(p)));
        return -1;
    }
    strbuf_reset(text);
    return 0;
}

int csv_stream_decoded(const char *path, char delim, struct decoder *dec, record_fn fn,
                       void *ctx, strbuf *err)
{
    off_t size;
    int fd = open_file(path, &size, err);
    if (fd < 0) return -1;
    struct csv_parser p;
    csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL | CSV_REPALL_NL);
    if (delim) csv_set_delim(&p, (unsigned char)delim);
    row_acc *a = xcalloc(1, sizeof *a);
    a->data = (strbuf)STRBUF_INIT;
    a->fn = fn;
    a->ctx = ctx;
    set_special(a, (unsigned char)delim);
    strbuf text = STRBUF_INIT;
    char *buf = xmalloc(BLOCK);
    ssize_t n;
    int rc = 0;
    while (rc == 0 && !a->stop && (n = read(fd, buf, BLOCK)) > 0) {
        progress_add(0, n);
        if (decode_feed(dec, buf, (size_t)n, &text) < 0) {
            strbuf_addf(err, "%s: %s", path, decode_error(dec));
            rc = -1;
        } else {
            rc = parse_decoded(&p, &text, &delim, a, path, err);
        }
    }
    if (rc == 0 && !a->stop) {
        strbuf why = STRBUF_INIT;
        if (decode_finish(dec, &text, &why) < 0) {
            strbuf_addf(err, "%s: %s", path, why.buf);
            rc = -1;
        } else if ((rc = parse_decoded(&p, &text, &delim, a, path, err)) == 0 &&
                   csv_fini(&p, on_field, on_row, a) != 0) {
            strbuf_addf(err, "%s: lỗi cú pháp CSV ở cuối tệp", path);
            rc = -1;
        }
        strbuf_release(&why);
    }
    if (rc == 0 && a->stop) rc = 1;
    free(buf);
    strbuf_release(&text);
    csv_free(&p);
    close(fd);
    strbuf_release(&a->data);
    free(a);
    return rc;
}
