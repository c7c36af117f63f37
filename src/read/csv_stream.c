/* libcsv driven over a byte range, block by block; see csv_stream.h. */
#include "csv_stream.h"
#include "../util/regfile.h"
#include "decode.h"
#include "../util/syserr.h"
#include "../util/progress.h"

#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <stdint.h>
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

/* A row ended by terminator c, its n cells in a->cell and a->len: to the
 * caller, but the LF of a CRLF pair (an empty row after a CR). */
static void deliver(row_acc *a, int c, int n, int overflow)
{
    int crlf_tail = n == 0 && c == '\n' && a->last_term == '\r';
    a->last_term = c;
    if (a->stop || crlf_tail) return;
    record r = {overflow ? -1 : n, a->cell, a->len, NULL, a->index++};
    if (a->fn(a->ctx, &r)) a->stop = 1;
}

static void on_row(int c, void *data)
{
    row_acc *a = data;
    for (int i = 0; i < a->n; i++) a->cell[i] = a->data.buf + a->off[i];
    deliver(a, c, a->n, a->overflow);
    a->n = 0;
    a->overflow = 0;
    strbuf_reset(&a->data);
}

static int blank(char c)
{
    return c == ' ' || c == '\t';
}

#define BYTES_ONE 0x0101010101010101ull /* c * BYTES_ONE: c in every byte */
#define BYTES_LOW7 0x7F7F7F7F7F7F7F7Full

/* 0x80 in exactly the bytes of x that are zero. (x - 0x01..) & ~x misses
 * none but can flag the byte above one; this form flags no other. */
static inline uint64_t zero_bytes(uint64_t x)
{
    return ~(((x & BYTES_LOW7) + BYTES_LOW7) | x | BYTES_LOW7);
}

/* The offset of the first byte equal to c in s[i..n), or n: eight bytes
 * a step, as cells are short and a call to memchr per cell cost more than
 * the search. */
static size_t find_byte(const char *s, size_t i, size_t n, char c)
{
    const uint64_t cs = BYTES_ONE * (unsigned char)c;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        uint64_t z = zero_bytes(w ^ cs);
        if (z) return i + (size_t)__builtin_ctzll(z) / 8; /* little-endian: the lowest byte first */
    }
    while (i < n && s[i] != c) i++;
    return i;
}

/* Cell k of a line is s[start..end), its NUL to go at end once the line
 * is known to be ours; past MAX_CELLS the row overflows. */
static void put_cell(row_acc *a, char *s, size_t start, size_t end, int *k, int *overflow)
{
    if (*k == MAX_CELLS) {
        *overflow = 1;
        return;
    }
    a->off[*k] = end;
    a->cell[*k] = s + start;
    a->len[(*k)++] = end - start;
}

/* An unquoted cell: s[start..end) less the blanks at its ends. */
static void add_cell(row_acc *a, char *s, size_t start, size_t end, int *k, int *overflow)
{
    while (start < end && blank(s[start])) start++;
    while (end > start && blank(s[end - 1])) end--;
    put_cell(a, s, start, end, k, overflow);
}

/* The cells of s[0..n), a line with no quote, in one pass: its
 * delimiters found eight bytes at a time (as in find_byte), each set bit
 * of a word one cell's end. s has 8 readable bytes past n (the
 * terminator, then the rest of the block or its zeroed slack). */
static void plain_cells(row_acc *a, char *s, size_t n, char delim, int *k, int *overflow)
{
    const uint64_t ds = BYTES_ONE * (unsigned char)delim;
    size_t start = 0;
    for (size_t w = 0; w < n; w += 8) {
        uint64_t word;
        memcpy(&word, s + w, 8);
        uint64_t z = zero_bytes(word ^ ds);
        if (n - w < 8) z &= (1ull << (8 * (n - w))) - 1; /* not past the line */
        for (; z; z &= z - 1) {
            size_t end = w + (size_t)__builtin_ctzll(z) / 8;
            add_cell(a, s, start, end, k, overflow);
            start = end + 1;
        }
    }
    add_cell(a, s, start, n, k, overflow);
}

/*
 * A line that starts between records (no CR but one just before its LF,
 * a delimiter that is not a blank or a quote) split as libcsv splits it
 * with our options: ' ' and '\t' at a cell's ends are not part of it, a
 * line of blanks only is a row of no cells, a quoted cell is what is
 * between its quotes, and a CR before the LF ends the row, the LF then
 * being an empty row (dropped by deliver). s[0..n) is the line without
 * its terminator(s); term the first of them. A quoted cell with a quote
 * inside, or that does not close on this line, or anything after its
 * closing quote but blanks, is left to libcsv: -1, s untouched. Else the
 * row is delivered, its cells left in place, each NUL-ended over the
 * byte after it (a blank, a quote, the delimiter or the terminator), so
 * nothing is copied; 0. quotes 0: the block has none, so neither has s.
 */
static int fast_line(row_acc *a, char *s, size_t n, char delim, int term, int quotes)
{
    int k = 0, overflow = 0;
    size_t i = 0;
    while (i < n && blank(s[i])) i++;
    if (i < n && !(quotes && memchr(s, '"', n))) {
        plain_cells(a, s, n, delim, &k, &overflow);
    } else if (i < n) /* else blanks only: no cells */
        for (;;) {
            while (i < n && blank(s[i])) i++;
            size_t end;
            if (i < n && s[i] == '"') {
                size_t e = find_byte(s, i + 1, n, '"');
                if (e == n || (e + 1 < n && s[e + 1] == '"')) return -1; /* open, or "" inside */
                end = e + 1;
                while (end < n && blank(s[end])) end++;
                if (end < n && s[end] != delim) return -1; /* libcsv's to judge */
                put_cell(a, s, i + 1, e, &k, &overflow); /* what is between the quotes */
            } else {
                end = find_byte(s, i, n, delim);
                if (find_byte(s, i, end, '"') < end) return -1; /* an error for libcsv */
                add_cell(a, s, i, end, &k, &overflow);
            }
            if (end >= n) break;
            i = end + 1;
        }
    for (int c = 0; c < k; c++) s[a->off[c]] = '\0';
    deliver(a, term, k, overflow);
    if (term == '\r') deliver(a, '\n', 0, 0);
    return 0;
}

/*
 * Parse buf[0..n): each whole line that starts between records and needs
 * no quoting rules goes through fast_line (libcsv's byte-at-a-time state
 * machine was a tenth of a run); the rest (a quoted field, a lone CR, a
 * line cut by the block's end, the lines of a record libcsv is inside)
 * through libcsv, which thus always sees whole records or their
 * continuation. Returns n, or where libcsv stopped on an error.
 */
static size_t parse_some(struct csv_parser *p, char *buf, size_t n, row_acc *a, char delim)
{
    if (blank(delim) || delim == '"' || delim == '\r' || delim == '\n')
        return csv_parse(p, buf, n, on_field, on_row, a);
    int no_cr = !memchr(buf, '\r', n), quotes = memchr(buf, '"', n) != NULL; /* every line, at once */
    for (size_t pos = 0; pos < n && !a->stop;) {
        char *nl = memchr(buf + pos, '\n', n - pos);
        size_t next = nl ? (size_t)(nl - buf) + 1 : n, len = next - 1 - pos;
        int cr = nl && len && buf[pos + len - 1] == '\r';
        if (nl && p->pstate == LIBCSV_ROW_NOT_BEGUN && (no_cr || !memchr(buf + pos, '\r', len - cr)) &&
            fast_line(a, buf + pos, len - cr, delim, cr ? '\r' : '\n', quotes) == 0) {
            /* split here */
        } else {
            size_t got = csv_parse(p, buf + pos, next - pos, on_field, on_row, a);
            if (got != next - pos) return pos + got;
        }
        pos = next;
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
    h->raw = xmalloc(i + 1); /* hashed with the body by its first reader */
    memcpy(h->raw, buf, i);
    return 0;
}

void csv_head_free(csv_head *h)
{
    for (int i = 0; i < h->ncells; i++) free(h->cells[i]);
    free(h->cells);
    free(h->lens);
    free(h->raw);
    memset(h, 0, sizeof *h);
}

off_t csv_stream_split(const char *path, off_t begin, off_t end)
{
    return csv_stream_split_from(path, begin + (end - begin) / 2, end);
}

off_t csv_stream_split_from(const char *path, off_t at, off_t end)
{
    strbuf err = STRBUF_INIT;
    off_t size;
    int fd = open_file(path, &size, &err);
    strbuf_release(&err);
    if (fd < 0) return end;
    off_t pos = at;
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
                        row_acc *a, const csv_tap *tap, const char *path, strbuf *err)
{
    char *buf = xcalloc(BLOCK + 8, 1); /* 8: plain_cells reads a word past a line's end */
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
        if (tap) tap->fn(tap->ctx, buf, (size_t)n);
        if (parse_some(p, buf, (size_t)n, a, (char)p->delim_char) != (size_t)n) {
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
                     const csv_tap *tap, strbuf *err)
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
    int rc = parse_blocks(fd, &p, begin, end, a, tap, path, err);
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
    }
    if (csv_parse(p, text->buf, text->len, on_field, on_row, a) != text->len) {
        strbuf_addf(err, "%s: dòng %ld: lỗi cú pháp CSV (%s)", path, a->index + 1,
                    csv_error_text(csv_error(p)));
        return -1;
    }
    strbuf_reset(text);
    return 0;
}

int csv_stream_decoded(const char *path, char delim, struct decoder *dec, record_fn fn,
                       void *ctx, const csv_tap *tap, strbuf *err)
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
    strbuf text = STRBUF_INIT;
    char *buf = xmalloc(BLOCK);
    ssize_t n = 0;
    int rc = 0;
    while (rc == 0 && !a->stop && (n = read(fd, buf, BLOCK)) > 0) {
        progress_add(0, n);
        if (tap) tap->fn(tap->ctx, buf, (size_t)n);
        if (decode_feed(dec, buf, (size_t)n, &text) < 0) {
            strbuf_addf(err, "%s: %s", path, decode_error(dec));
            rc = -1;
        } else {
            rc = parse_decoded(&p, &text, &delim, a, path, err);
        }
    }
    if (rc == 0 && n < 0) { /* an error, not the end of the file */
        strbuf_addf(err, "%s: lỗi đọc tệp (%s)", path, sys_error(errno));
        rc = -1;
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
