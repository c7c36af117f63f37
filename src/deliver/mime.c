/*
 * Building the report e-mail; see mime.h. The message is written straight
 * into the caller's strbuf: headers, then the parts, with a placeholder of
 * fixed length wherever the boundary goes. Once everything is in place the
 * boundary is derived from a hash of those bytes and written over the
 * placeholders; a candidate that occurs anywhere else in the message is
 * passed over for the next one.
 */
#include "mime.h"

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../util/text.h"
#include "../util/syserr.h"

#define LINE_COLS 76          /* longest line written (RFC 2045, 2047) */
#define WORD_MAX 75           /* longest RFC 2047 encoded-word */
#define WORD_MIN 24           /* shorter room than this: fold first */
#define WORD_OVERHEAD 12      /* "=?UTF-8?B?" + "?=" */
#define B64_LINE_BYTES 57     /* 57 bytes make one 76-character line */
#define READ_BLOCK (B64_LINE_BYTES * 1024)
#define NAME_QUOTED_MAX 60    /* longer names go RFC 2231, in pieces */
#define NAME_PIECE 48         /* RFC 2231 continuation piece */
#define BOUNDARY_PREFIX "=_mtqg_"
#define BOUNDARY_LEN (sizeof BOUNDARY_PREFIX - 1 + 16)
#define VN_OFFSET (7 * 3600)  /* Vietnam: UTC+7, no daylight saving */
#define DATE_MAX 253402275599LL /* 9999-12-31 23:59:59 +0700 */

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* ---- base64 ------------------------------------------------------------ */

/* Append the base64 of in[0..n) with no line breaks. */
static void b64_add(strbuf *out, const unsigned char *in, size_t n)
{
    char q[4];
    for (size_t i = 0; i < n; i += 3) {
        unsigned long v = (unsigned long)in[i] << 16;
        if (i + 1 < n) v |= (unsigned long)in[i + 1] << 8;
        if (i + 2 < n) v |= in[i + 2];
        q[0] = b64_alphabet[(v >> 18) & 63];
        q[1] = b64_alphabet[(v >> 12) & 63];
        q[2] = i + 1 < n ? b64_alphabet[(v >> 6) & 63] : '=';
        q[3] = i + 2 < n ? b64_alphabet[v & 63] : '=';
        strbuf_add(out, q, 4);
    }
}

/*
 * Append in[0..n) as base64 lines of 76 characters, each ending in CRLF.
 * Called block by block, n must be a multiple of 57 except for the last.
 */
static void b64_lines(strbuf *out, const unsigned char *in, size_t n)
{
    strbuf_grow(out, (n + 2) / 3 * 4 + (n / B64_LINE_BYTES + 1) * 2);
    for (size_t i = 0; i < n; i += B64_LINE_BYTES) {
        size_t k = n - i < B64_LINE_BYTES ? n - i : B64_LINE_BYTES;
        b64_add(out, in + i, k);
        strbuf_add(out, "\r\n", 2);
    }
}

/* Bytes that n bytes take once in base64 lines of 76 characters. */
static size_t b64_lines_size(size_t n)
{
    size_t chars = (n + 2) / 3 * 4;
    return chars + (chars + 75) / 76 * 2;
}

/* ---- character classes ------------------------------------------------- */

/* Any control character (CR and LF included: no header injection). */
static int has_ctl(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) return 1;
    return 0;
}

static int is_print_ascii(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e) return 0;
    return 1;
}

/* Text fit for a header: UTF-8 without control characters. */
static int header_text_ok(const char *s, size_t n)
{
    return text_valid_utf8(s, n) && !has_ctl(s, n);
}

/* ---- folded headers ---------------------------------------------------- */

/* A header being written: where its current line has got to. */
typedef struct hdr {
    strbuf *out;
    size_t col;
} hdr;

static void hdr_begin(hdr *h, strbuf *out, const char *name)
{
    h->out = out;
    strbuf_addf(out, "%s:", name);
    h->col = strlen(name) + 1;
}

/*
 * One unbreakable token, after a space, or after a fold (CRLF SP) when it
 * would carry the line past 76 columns.
 */
static void hdr_token(hdr *h, const char *tok, size_t len)
{
    if (h->col > 0 && h->col + 1 + len > LINE_COLS) {
        strbuf_add(h->out, "\r\n", 2);
        h->col = 0;
    }
    strbuf_addch(h->out, ' ');
    strbuf_add(h->out, tok, len);
    h->col += 1 + len;
}

static void hdr_end(hdr *h)
{
    strbuf_add(h->out, "\r\n", 2);
}

/* Room for the next encoded-word: the rest of this line, or a new one. */
static size_t word_room(const hdr *h)
{
    size_t left = h->col + 1 < LINE_COLS ? LINE_COLS - h->col - 1 : 0;
    if (left < WORD_MIN) left = WORD_MAX;
    return left > WORD_MAX ? WORD_MAX : left;
}

/*
 * s[0..len) (valid UTF-8) as RFC 2047 encoded-words "=?UTF-8?B?...?=",
 * each at most 75 characters and holding whole characters only.
 */
static void hdr_encoded(hdr *h, const char *s, size_t len)
{
    strbuf w = STRBUF_INIT;
    for (size_t i = 0, n; i < len; i += n) {
        size_t raw = (word_room(h) - WORD_OVERHEAD) / 4 * 3;
        for (n = 0; i + n < len;) {
            size_t c = text_char_len(s + i + n, len - i - n);
            if (n + c > raw) break;
            n += c;
        }
        strbuf_reset(&w);
        strbuf_adds(&w, "=?UTF-8?B?");
        b64_add(&w, (const unsigned char *)s + i, n);
        strbuf_adds(&w, "?=");
        hdr_token(h, w.buf, w.len);
    }
    strbuf_release(&w);
}

/* ---- mailboxes --------------------------------------------------------- */

typedef struct mailbox {
    strbuf name; /* display name, unquoted; may be empty */
    strbuf addr; /* local@domain */
} mailbox;

static int addr_char_ok(unsigned char c)
{
    return c > 0x20 && c < 0x7f && !strchr("<>()[]\\,;:\"", c);
}

/* A plain ASCII addr-spec: one '@' with text on both sides. */
static int addr_ok(const char *a, size_t n)
{
    const char *at = memchr(a, '@', n);
    if (!at || at == a || at == a + n - 1 || memchr(at + 1, '@', n - (size_t)(at - a) - 1)) return 0;
    for (size_t i = 0; i < n; i++)
        if (!addr_char_ok((unsigned char)a[i])) return 0;
    return n <= 254;
}

/* Display name d[0..n), without its quotes and backslash escapes if quoted. */
static void set_name(strbuf *name, const char *d, size_t n)
{
    strbuf_reset(name);
    if (n < 2 || d[0] != '"' || d[n - 1] != '"') {
        strbuf_add(name, d, n);
        return;
    }
    for (size_t i = 1; i + 1 < n; i++) {
        if (d[i] == '\\' && i + 2 < n) i++;
        strbuf_addch(name, d[i]);
    }
}

/* Split "Name <a@b>" or "a@b" into mb; -1 with err when malformed. */
static int parse_mailbox(const char *s, mailbox *mb, strbuf *err)
{
    const char *p = s ? s : "", *a, *lt;
    size_t n = strlen(p), an;
    text_trim(&p, &n);
    lt = n && p[n - 1] == '>' ? memrchr(p, '<', n) : NULL;
    a = lt ? lt + 1 : p;
    an = lt ? (size_t)(p + n - 1 - a) : n;
    const char *d = p;
    size_t dn = lt ? (size_t)(lt - p) : 0;
    text_trim(&d, &dn);
    set_name(&mb->name, d, dn);
    strbuf_reset(&mb->addr);
    strbuf_add(&mb->addr, a, an);
    if (addr_ok(a, an) && header_text_ok(mb->name.buf, mb->name.len)) return 0;
    strbuf_addf(err, "địa chỉ thư không hợp lệ: \"%s\"", p);
    return -1;
}

/* The display name as a quoted-string, when short plain ASCII. */
static int add_quoted_name(hdr *h, const strbuf *name)
{
    if (!is_print_ascii(name->buf, name->len) || name->len > NAME_QUOTED_MAX) return 0;
    strbuf q = STRBUF_INIT;
    strbuf_addch(&q, '"');
    for (size_t i = 0; i < name->len; i++) {
        if (name->buf[i] == '"' || name->buf[i] == '\\') strbuf_addch(&q, '\\');
        strbuf_addch(&q, name->buf[i]);
    }
    strbuf_addch(&q, '"');
    hdr_token(h, q.buf, q.len);
    strbuf_release(&q);
    return 1;
}

static void hdr_mailbox(hdr *h, const mailbox *mb, int last)
{
    strbuf t = STRBUF_INIT;
    if (mb->name.len && !add_quoted_name(h, &mb->name)) hdr_encoded(h, mb->name.buf, mb->name.len);
    strbuf_addf(&t, "<%s>%s", mb->addr.buf, last ? "" : ",");
    hdr_token(h, t.buf, t.len);
    strbuf_release(&t);
}

/* "Name: mailbox, mailbox" folded; -1 with err on a bad mailbox. */
static int add_address_header(strbuf *out, const char *name, const char *const *list, int n,
                              strbuf *err)
{
    mailbox mb = {STRBUF_INIT, STRBUF_INIT};
    hdr h;
    int rc = 0;
    hdr_begin(&h, out, name);
    for (int i = 0; i < n && rc == 0; i++) {
        rc = parse_mailbox(list[i], &mb, err);
        if (rc == 0) hdr_mailbox(&h, &mb, i == n - 1);
    }
    hdr_end(&h);
    strbuf_release(&mb.name);
    strbuf_release(&mb.addr);
    return rc;
}

int mime_addr_spec(const char *mailbox_text, strbuf *out, strbuf *err)
{
    mailbox mb = {STRBUF_INIT, STRBUF_INIT};
    int rc = parse_mailbox(mailbox_text, &mb, err);
    if (rc == 0) strbuf_add(out, mb.addr.buf, mb.addr.len);
    strbuf_release(&mb.name);
    strbuf_release(&mb.addr);
    return rc;
}

/* ---- single headers ---------------------------------------------------- */

/* A subject that can stay as it is: short plain ASCII, nothing to decode. */
static int subject_plain_ok(const char *s, size_t n)
{
    return is_print_ascii(s, n) && !strstr(s, "=?") && n <= LINE_COLS - 9 &&
           (n == 0 || (s[0] != ' ' && s[n - 1] != ' '));
}

static int add_subject(strbuf *out, const char *s, strbuf *err)
{
    size_t n = s ? strlen(s) : 0;
    hdr h;
    if (!header_text_ok(s ? s : "", n)) {
        strbuf_adds(err, "tiêu đề thư không hợp lệ (không phải UTF-8 hoặc có ký tự điều khiển)");
        return -1;
    }
    hdr_begin(&h, out, "Subject");
    if (subject_plain_ok(s, n))
        hdr_token(&h, s, n);
    else
        hdr_encoded(&h, s, n);
    hdr_end(&h);
    return 0;
}

/* Proleptic Gregorian date of day z after 1970-01-01 (H. Hinnant). */
static void civil_from_days(long long z, long long *y, int *m, int *d)
{
    z += 719468;
    long long era = (z >= 0 ? z : z - 146096) / 146097;
    long long doe = z - era * 146097;
    long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long long mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

/* "Date: Tue, 05 Mar 2024 14:30:00 +0700" from unix time t, by arithmetic. */
static int add_date(strbuf *out, long long t, strbuf *err)
{
    static const char *const wday[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
    static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    if (t < 0 || t > DATE_MAX) {
        strbuf_addf(err, "ngày gửi thư không hợp lệ: %lld", t);
        return -1;
    }
    long long local = t + VN_OFFSET, days = local / 86400, secs = local % 86400, y;
    int m, d;
    civil_from_days(days, &y, &m, &d);
    strbuf_addf(out, "Date: %s, %02d %s %04lld %02lld:%02lld:%02lld +0700\r\n", wday[days % 7], d,
                mon[m - 1], y, secs / 3600, secs / 60 % 60, secs % 60);
    return 0;
}

static int add_message_id(strbuf *out, const char *id, strbuf *err)
{
    size_t n = id ? strlen(id) : 0;
    const char *at = n ? strchr(id, '@') : NULL;
    int ok = n >= 5 && n <= 250 && id[0] == '<' && id[n - 1] == '>' && at && at > id + 1 &&
             at < id + n - 2;
    for (size_t i = 1; ok && i + 1 < n; i++) ok = addr_char_ok((unsigned char)id[i]);
    if (!ok) {
        strbuf_addf(err, "Message-ID không hợp lệ: \"%s\" (cần dạng <...@...>)", id ? id : "");
        return -1;
    }
    strbuf_addf(out, "Message-ID: %s\r\n", id);
    return 0;
}

/* ---- the message being built ------------------------------------------- */

typedef struct build {
    const mime_message *m;
    strbuf *out;
    size_t start;  /* where the message begins in out */
    size_t *marks; /* offsets of the boundary placeholders */
    size_t nmarks, cap;
} build;

/* before, a placeholder for the boundary, after. */
static void put_boundary(build *b, const char *before, const char *after)
{
    strbuf_adds(b->out, before);
    ALLOC_GROW(b->marks, b->nmarks + 1, b->cap);
    b->marks[b->nmarks++] = b->out->len;
    strbuf_addf(b->out, "%*s", (int)BOUNDARY_LEN, "");
    strbuf_adds(b->out, after);
}

/* "25", "0,5" or "0,05": bytes in MB (MiB), two decimals at most, Vietnamese comma. */
static void add_mb(strbuf *sb, size_t bytes)
{
    size_t h = (bytes * 100 + 524288) / 1048576;
    if (h % 10 == 0 && h % 100)
        strbuf_addf(sb, "%zu,%zu", h / 100, h % 100 / 10);
    else if (h % 100)
        strbuf_addf(sb, "%zu,%02zu", h / 100, h % 100);
    else
        strbuf_addf(sb, "%zu", h / 100);
}

/*
 * -1 with err when size bytes pass the limit; what names the attachment
 * that brought the message over (NULL: the finished message).
 */
static int check_size(const build *b, size_t size, const char *what, strbuf *err)
{
    size_t max = b->m->max_bytes;
    if (max == 0 || size <= max) return 0;
    strbuf lim = STRBUF_INIT, need = STRBUF_INIT;
    add_mb(&lim, max);
    add_mb(&need, size);
    strbuf_addf(err, "thư vượt giới hạn %s MB: cần %s MB", lim.buf, need.buf);
    if (!strcmp(lim.buf, need.buf)) strbuf_addf(err, " (%zu byte, giới hạn %zu byte)", size, max);
    strbuf_adds(err, " sau khi mã hóa");
    strbuf_release(&lim);
    strbuf_release(&need);
    if (what) strbuf_addf(err, ", tính đến tệp đính kèm %s", what);
    return -1;
}

static int add_headers(build *b, strbuf *err)
{
    const mime_message *m = b->m;
    if (m->nto < 1 || !m->to) {
        strbuf_adds(err, "thư chưa có người nhận (To)");
        return -1;
    }
    if (add_address_header(b->out, "From", &m->from, 1, err) ||
        add_address_header(b->out, "To", m->to, m->nto, err) ||
        (m->ncc > 0 && add_address_header(b->out, "Cc", m->cc, m->ncc, err)) ||
        add_subject(b->out, m->subject, err) || add_date(b->out, m->date, err) ||
        add_message_id(b->out, m->message_id, err))
        return -1;
    strbuf_adds(b->out, "MIME-Version: 1.0\r\nContent-Type: multipart/mixed;\r\n");
    put_boundary(b, " boundary=\"", "\"\r\n\r\n");
    return 0;
}

/* s[0..n) with every line ending (LF, CR or CRLF) made CRLF. */
static void to_crlf(strbuf *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\r' || s[i] == '\n') {
            strbuf_add(out, "\r\n", 2);
            if (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n') i++;
        } else {
            strbuf_addch(out, s[i]);
        }
    }
}

static int add_text_part(build *b, strbuf *err)
{
    const char *body = b->m->body ? b->m->body : "";
    size_t n = strlen(body);
    if (!text_valid_utf8(body, n)) {
        strbuf_adds(err, "nội dung thư không phải văn bản UTF-8 hợp lệ");
        return -1;
    }
    strbuf crlf = STRBUF_INIT;
    to_crlf(&crlf, body, n);
    put_boundary(b, "--", "\r\n");
    strbuf_adds(b->out, "Content-Type: text/plain; charset=UTF-8\r\n"
                        "Content-Transfer-Encoding: base64\r\n\r\n");
    b64_lines(b->out, (const unsigned char *)crlf.buf, crlf.len);
    strbuf_release(&crlf);
    return 0;
}

/* ---- attachments ------------------------------------------------------- */

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* 1 when name ends in ext, ASCII letters compared without case. */
static int ends_with_ci(const char *name, const char *ext)
{
    size_t n = strlen(name), e = strlen(ext);
    if (n < e) return 0;
    for (size_t i = 0; i < e; i++) {
        char c = name[n - e + i];
        if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
        if (c != ext[i]) return 0;
    }
    return 1;
}

static const char *guess_type(const char *name)
{
    if (ends_with_ci(name, ".pdf")) return "application/pdf";
    if (ends_with_ci(name, ".xlsx"))
        return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    if (ends_with_ci(name, ".xls")) return "application/vnd.ms-excel";
    if (ends_with_ci(name, ".csv")) return "text/csv; charset=UTF-8";
    return "application/octet-stream";
}

/* A file name short and plain enough for filename="...". */
static int name_quotable(const char *s, size_t n)
{
    size_t q = n;
    for (size_t i = 0; i < n; i++) q += s[i] == '"' || s[i] == '\\';
    return is_print_ascii(s, n) && q <= NAME_QUOTED_MAX;
}

static int attr_char_ok(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c && strchr("!#$&+-.^_`|~", c));
}

/* RFC 2231 value: attribute-chars as they are, other bytes %XX. */
static void pct_encode(strbuf *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (attr_char_ok(c))
            strbuf_addch(out, (char)c);
        else
            strbuf_addf(out, "%%%02X", c);
    }
}

/*
 * The filename parameter lines of Content-Disposition: quoted when plain,
 * else filename*=UTF-8''..., cut into numbered pieces when long, between
 * characters (some readers decode each piece on its own).
 */
static void add_filename_param(strbuf *out, const char *name, size_t n)
{
    if (name_quotable(name, n)) {
        strbuf_adds(out, " filename=\"");
        for (size_t i = 0; i < n; i++) {
            if (name[i] == '"' || name[i] == '\\') strbuf_addch(out, '\\');
            strbuf_addch(out, name[i]);
        }
        strbuf_adds(out, "\"\r\n");
        return;
    }
    strbuf enc = STRBUF_INIT;
    pct_encode(&enc, name, n);
    if (enc.len <= NAME_PIECE) {
        strbuf_addf(out, " filename*=UTF-8''%s\r\n", enc.buf);
        strbuf_release(&enc);
        return;
    }
    strbuf piece = STRBUF_INIT;
    for (size_t i = 0, k = 0, c; i < n; i += c) {
        c = text_char_len(name + i, n - i);
        strbuf_reset(&enc);
        pct_encode(&enc, name + i, c);
        if (piece.len + enc.len > NAME_PIECE) {
            strbuf_addf(out, " filename*%zu*=%s%s;\r\n", k, k ? "" : "UTF-8''", piece.buf);
            strbuf_reset(&piece);
            k++;
        }
        strbuf_add(&piece, enc.buf, enc.len);
        if (i + c == n)
            strbuf_addf(out, " filename*%zu*=%s%s\r\n", k, k ? "" : "UTF-8''", piece.buf);
    }
    strbuf_release(&piece);
    strbuf_release(&enc);
}

static int content_type_ok(const char *t)
{
    size_t n = strlen(t);
    return n >= 3 && n <= 120 && is_print_ascii(t, n) && strchr(t, '/') && t[0] != ' ';
}

static int add_part_headers(build *b, const mime_attachment *a, strbuf *err)
{
    const char *name = a->filename ? a->filename : base_name(a->path);
    const char *type = a->content_type ? a->content_type : guess_type(name);
    size_t n = strlen(name);
    if (n == 0 || !header_text_ok(name, n) || strchr(name, '/')) {
        strbuf_addf(err, "tên tệp đính kèm không hợp lệ: \"%s\"", name);
        return -1;
    }
    if (!content_type_ok(type)) {
        strbuf_addf(err, "%s: kiểu nội dung không hợp lệ: \"%s\"", name, type);
        return -1;
    }
    hdr h;
    put_boundary(b, "--", "\r\n");
    hdr_begin(&h, b->out, "Content-Type");
    hdr_token(&h, type, strlen(type));
    hdr_end(&h);
    strbuf_adds(b->out, "Content-Disposition: attachment;\r\n");
    add_filename_param(b->out, name, n);
    strbuf_adds(b->out, "Content-Transfer-Encoding: base64\r\n\r\n");
    return 0;
}

/* The file's bytes as base64 lines, read in blocks. */
static int copy_base64(strbuf *out, FILE *f, const char *path, strbuf *err)
{
    unsigned char *buf = xmalloc(READ_BLOCK);
    size_t n;
    int rc = 0;
    /* fread only comes back short at the end, so blocks stay whole lines. */
    while ((n = fread(buf, 1, READ_BLOCK, f)) > 0) b64_lines(out, buf, n);
    if (ferror(f)) {
        strbuf_addf(err, "%s: lỗi khi đọc tệp đính kèm (%s)", path, sys_error(errno));
        rc = -1;
    }
    free(buf);
    return rc;
}

static int add_attachment(build *b, const mime_attachment *a, strbuf *err)
{
    struct stat st;
    FILE *f = a->path ? fopen(a->path, "rb") : NULL;
    if (!f) {
        strbuf_addf(err, "%s: không mở được tệp đính kèm (%s)", a->path ? a->path : "(null)",
                    a->path ? sys_error(errno) : "thiếu đường dẫn");
        return -1;
    }
    int rc = 0;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        strbuf_addf(err, "%s: không phải tệp thường, không đính kèm được", a->path);
        rc = -1;
    }
    if (rc == 0)
        rc = check_size(b, b->out->len - b->start + b64_lines_size((size_t)st.st_size),
                        base_name(a->path), err);
    if (rc == 0) rc = add_part_headers(b, a, err);
    if (rc == 0) rc = copy_base64(b->out, f, a->path, err);
    fclose(f);
    return rc;
}

/* ---- the boundary ------------------------------------------------------ */

static uint64_t fnv1a(const char *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)p[i]) * 0x100000001b3ULL;
    return h;
}

/* splitmix64's finaliser: a bijection, so distinct inputs never collide. */
static uint64_t mix(uint64_t x)
{
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

/* How many times bd occurs in the message (it cannot overlap itself). */
static size_t count_boundary(const build *b, const char *bd)
{
    const char *p = b->out->buf + b->start, *end = b->out->buf + b->out->len;
    size_t k = 0;
    while ((p = memmem(p, (size_t)(end - p), bd, BOUNDARY_LEN))) {
        k++;
        p++;
    }
    return k;
}

/*
 * Write the first candidate that occurs nowhere but at the placeholders.
 * The candidates are all distinct and the message can hold only finitely
 * many, so the loop ends.
 */
static void choose_boundary(build *b)
{
    uint64_t h = fnv1a(b->out->buf + b->start, b->out->len - b->start);
    char bd[BOUNDARY_LEN + 1];
    for (uint64_t i = 0;; i++) {
        snprintf(bd, sizeof bd, BOUNDARY_PREFIX "%016" PRIx64, mix(h + i));
        for (size_t k = 0; k < b->nmarks; k++) memcpy(b->out->buf + b->marks[k], bd, BOUNDARY_LEN);
        if (count_boundary(b, bd) == b->nmarks) return;
    }
}

static int add_parts(build *b, strbuf *err)
{
    if (add_text_part(b, err)) return -1;
    for (int i = 0; i < b->m->natt; i++)
        if (add_attachment(b, &b->m->att[i], err)) return -1;
    put_boundary(b, "--", "--\r\n");
    return check_size(b, b->out->len - b->start, NULL, err);
}

int mime_build(const mime_message *m, strbuf *out, strbuf *err)
{
    build b = {.m = m, .out = out, .start = out->len};
    int rc = add_headers(&b, err);
    if (rc == 0) rc = add_parts(&b, err);
    if (rc == 0)
        choose_boundary(&b);
    else
        strbuf_setlen(out, b.start);
    free(b.marks);
    return rc;
}
