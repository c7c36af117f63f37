/*
 * decode: input encodings to UTF-8 NFC. A streaming decoder for whole files
 * (glibc iconv for UTF-16, Windows-1258, TCVN3 and VISCII; the data table
 * templates/encodings/vni.txt for VNI), per-cell conversion of legacy text
 * that arrived as Windows-1252 characters, and the guess behind the
 * "this column looks like TCVN3/VNI" warning. See decode.h.
 */
#include "decode.h"

#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <uninorm.h>
#include <unistr.h>

#include "util/linefile.h"
#include "util/text.h"
#include "../util/syserr.h"

/* ---- names -------------------------------------------------------------- */

#define N_ENC 6

static const char *const canon_name[N_ENC] = {
    "utf-8", "utf-16", "windows-1258", "tcvn3", "vni", "viscii",
};
/* How messages name the encodings. */
static const char *const shown_name[N_ENC] = {
    "UTF-8", "UTF-16", "Windows-1258", "TCVN3", "VNI", "VISCII",
};
/* glibc iconv names (UTF-16 is opened per byte order). */
static const char *const iconv_name[N_ENC] = {
    NULL, "UTF-16LE", "WINDOWS-1258", "TCVN5712-1", NULL, "VISCII",
};

static const struct {
    const char *name;
    text_encoding enc;
} spellings[] = {
    {"utf-8", ENC_UTF8},          {"utf8", ENC_UTF8},
    {"utf-16", ENC_UTF16},        {"utf16", ENC_UTF16},
    {"unicode", ENC_UTF16},       {"windows-1258", ENC_WINDOWS_1258},
    {"cp1258", ENC_WINDOWS_1258}, {"tcvn3", ENC_TCVN3},
    {"abc", ENC_TCVN3},           {"tcvn5712", ENC_TCVN3},
    {"tcvn5712-1", ENC_TCVN3},    {"vni", ENC_VNI},
    {"vni-windows", ENC_VNI},     {"viscii", ENC_VISCII},
};

int decode_encoding_by_name(const char *name, text_encoding *out)
{
    if (!name) return -1;
    const char *s = name;
    size_t n = strlen(name);
    text_trim(&s, &n);
    for (size_t i = 0; i < sizeof spellings / sizeof spellings[0]; i++) {
        if (strlen(spellings[i].name) == n &&
            strncasecmp(spellings[i].name, s, n) == 0) {
            *out = spellings[i].enc;
            return 0;
        }
    }
    return -1;
}

const char *decode_encoding_name(text_encoding e)
{
    return (unsigned)e < N_ENC ? canon_name[e] : "?";
}

/* ---- Windows-1252 -------------------------------------------------------- */

/* The 0x80..0x9F row of Windows-1252; the five unassigned bytes keep their
 * Latin-1 control code points, as Windows itself maps them. */
static const uint16_t cp1252_row8[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
    0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
};

static ucs4_t cp1252_to_uc(unsigned char b)
{
    return b >= 0x80 && b < 0xA0 ? cp1252_row8[b - 0x80] : b;
}

/* The byte a Windows-1252 (or Latin-1) font shows as uc, or -1. */
static int uc_to_cp1252(ucs4_t uc)
{
    if (uc < 0x100) return (int)uc;
    for (int i = 0; i < 32; i++)
        if (cp1252_row8[i] == uc) return 0x80 + i;
    return -1;
}

static void add_uc(strbuf *out, ucs4_t uc)
{
    uint8_t tmp[6];
    int k = u8_uctomb(tmp, uc, sizeof tmp);
    if (k > 0) strbuf_add(out, tmp, (size_t)k);
}

/* UTF-8 text -> one Windows-1252 byte per character; -1 if one has none. */
static int utf8_to_cp1252(const char *s, size_t n, strbuf *bytes)
{
    const uint8_t *p = (const uint8_t *)s, *end = p + n;
    while (p < end) {
        ucs4_t uc;
        int k = u8_mbtouc(&uc, p, (size_t)(end - p));
        if (k <= 0) return -1;
        int b = uc_to_cp1252(uc);
        if (b < 0) return -1;
        strbuf_addch(bytes, b);
        p += k;
    }
    return 0;
}

/* ---- NFC output ---------------------------------------------------------- */

/*
 * 1 when s[0..n) is certainly NFC already: every character is below U+0300,
 * in Latin Extended Additional (U+1E00..U+1EFF, every precomposed
 * Vietnamese letter) or in U+2002..U+20BF (punctuation, currency). None of
 * those decomposes or reorders, and no combining mark is present. Saves the
 * normaliser on nearly all real text.
 */
static int nfc_stable(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char b = s[i];
        if (b < 0x80) {
            i++;
        } else if (b >= 0xC2 && b < 0xCC) {
            i += 2;
        } else if (b == 0xE1 && i + 1 < n && s[i + 1] >= 0xB8 && s[i + 1] <= 0xBB) {
            i += 3;
        } else if (b == 0xE2 && i + 2 < n &&
                   ((s[i + 1] == 0x80 && s[i + 2] >= 0x82) ||
                    s[i + 1] == 0x81 || s[i + 1] == 0x82)) {
            i += 3;
        } else {
            return 0;
        }
    }
    return 1;
}

/* Append the NFC form of s[0..n) (valid UTF-8) to out. */
static void emit_nfc(strbuf *out, const char *s, size_t n)
{
    if (n == 0) return;
    if (nfc_stable((const unsigned char *)s, n)) {
        strbuf_add(out, s, n);
        return;
    }
    /* Normalise straight into out's spare room when it fits. */
    strbuf_grow(out, n + 16);
    uint8_t *dst = (uint8_t *)out->buf + out->len;
    size_t rl = out->alloc - out->len - 1;
    uint8_t *r = u8_normalize(UNINORM_NFC, (const uint8_t *)s, n, dst, &rl);
    if (!r) {
        fprintf(stderr, "mtqg-report: u8_normalize: %s\n", sys_error(errno));
        abort();
    }
    if (r == dst) {
        out->len += rl;
        out->buf[out->len] = '\0';
    } else {
        strbuf_add(out, r, rl);
        free(r);
    }
}

/* ---- VNI table ----------------------------------------------------------- */

#define VNI_MAX 4

typedef struct vni_entry {
    unsigned char len;
    unsigned char bytes[VNI_MAX];
    int line;
    size_t off, ulen; /* the Unicode text in decode_vni.text */
} vni_entry;

struct decode_vni {
    vni_entry *e;
    size_t n, cap;
    strbuf text;
    /* entries starting with byte b: e[start[b] .. start[b + 1]), longest first */
    size_t start[257];
};

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static int parse_vni_field(linefile *lf, const char *f, vni_entry *e, strbuf *err)
{
    size_t n = strlen(f);
    e->len = 0;
    if (n > 2 && f[0] == '0' && (f[1] == 'x' || f[1] == 'X')) {
        if ((n - 2) % 2 || (n - 2) / 2 > VNI_MAX)
            return linefile_error(lf, err, "\"%s\": cần 1 đến %d byte viết bằng "
                                  "cặp chữ số hệ 16 sau 0x", f, VNI_MAX);
        for (size_t i = 2; i < n; i += 2) {
            int hi = hexval(f[i]), lo = hexval(f[i + 1]);
            if (hi < 0 || lo < 0)
                return linefile_error(lf, err, "\"%s\": không phải số hệ 16", f);
            e->bytes[e->len++] = (unsigned char)(hi * 16 + lo);
        }
        return 0;
    }
    strbuf b = STRBUF_INIT;
    if (!text_valid_utf8(f, n) || utf8_to_cp1252(f, n, &b) < 0) {
        strbuf_release(&b);
        return linefile_error(lf, err, "\"%s\": có ký tự không thuộc bảng mã "
                              "Windows-1252 (viết dạng 0x..)", f);
    }
    if (b.len == 0 || b.len > VNI_MAX) {
        strbuf_release(&b);
        return linefile_error(lf, err, "\"%s\": chuỗi VNI phải dài 1 đến %d byte",
                              f, VNI_MAX);
    }
    memcpy(e->bytes, b.buf, b.len);
    e->len = (unsigned char)b.len;
    strbuf_release(&b);
    return 0;
}

static int parse_unicode_field(linefile *lf, const char *f, strbuf *text, strbuf *err)
{
    size_t n = strlen(f);
    if (n > 2 && f[0] == 'U' && f[1] == '+') {
        const char *p = f;
        while (*p) {
            if (p[0] != 'U' || p[1] != '+')
                return linefile_error(lf, err, "\"%s\": cần dạng U+XXXX", f);
            p += 2;
            ucs4_t uc = 0;
            int digits = 0;
            for (int h; (h = hexval(*p)) >= 0 && digits < 7; p++, digits++)
                uc = uc * 16 + (ucs4_t)h;
            if (digits < 4 || digits > 6 || uc > 0x10FFFF ||
                (uc >= 0xD800 && uc <= 0xDFFF) || uc == 0)
                return linefile_error(lf, err, "\"%s\": mã U+ không hợp lệ", f);
            add_uc(text, uc);
        }
        return 0;
    }
    if (!text_valid_utf8(f, n))
        return linefile_error(lf, err, "không đúng mã UTF-8");
    strbuf_add(text, f, n);
    return 0;
}

static int entry_cmp(const void *a, const void *b)
{
    const vni_entry *x = a, *y = b;
    if (x->bytes[0] != y->bytes[0]) return x->bytes[0] < y->bytes[0] ? -1 : 1;
    if (x->len != y->len) return x->len > y->len ? -1 : 1; /* longest first */
    int c = memcmp(x->bytes, y->bytes, x->len);
    if (c) return c;
    return x->line < y->line ? -1 : x->line > y->line;
}

decode_vni *decode_vni_load(const char *path, strbuf *err)
{
    linefile lf;
    if (linefile_open(&lf, path, err) < 0) return NULL;
    decode_vni *t = xcalloc(1, sizeof *t);
    t->text = (strbuf)STRBUF_INIT;
    int is_section, rc = 0;
    while (rc == 0 && linefile_next(&lf, &is_section)) {
        if (is_section) {
            rc = linefile_error(&lf, err, "bảng VNI không có mục [..]");
            break;
        }
        char *line = lf.line.buf;
        /* a comment after the fields: " #" */
        for (char *h = line; (h = strchr(h, '#')); h++) {
            if (h > line && (h[-1] == ' ' || h[-1] == '\t')) {
                *h = '\0';
                break;
            }
        }
        char *fields[3];
        int nf = 0;
        for (char *p = line; *p && nf < 3;) {
            while (*p == ' ' || *p == '\t') p++;
            if (!*p) break;
            fields[nf++] = p;
            while (*p && *p != ' ' && *p != '\t') p++;
            if (*p) *p++ = '\0';
        }
        if (nf != 2) {
            rc = linefile_error(&lf, err, "cần hai trường: chuỗi VNI và chữ Unicode");
            break;
        }
        vni_entry e = {0};
        e.line = lf.lineno;
        if ((rc = parse_vni_field(&lf, fields[0], &e, err)) < 0) break;
        e.off = t->text.len;
        if ((rc = parse_unicode_field(&lf, fields[1], &t->text, err)) < 0) break;
        e.ulen = t->text.len - e.off;
        ALLOC_GROW(t->e, t->n + 1, t->cap);
        t->e[t->n++] = e;
    }
    if (rc == 0 && t->n == 0) {
        strbuf_addf(err, "%s: bảng VNI không có dòng nào", path);
        rc = -1;
    }
    if (rc == 0) {
        qsort(t->e, t->n, sizeof *t->e, entry_cmp);
        for (size_t i = 1; i < t->n && rc == 0; i++) {
            const vni_entry *a = &t->e[i - 1], *b = &t->e[i];
            if (a->len == b->len && memcmp(a->bytes, b->bytes, a->len) == 0) {
                strbuf_addf(err, "%s:%d: chuỗi VNI đã có ở dòng %d", path, b->line,
                            a->line);
                rc = -1;
            }
        }
    }
    linefile_close(&lf);
    if (rc < 0) {
        decode_vni_free(t);
        return NULL;
    }
    size_t k = 0;
    for (int b = 0; b < 256; b++) {
        t->start[b] = k;
        while (k < t->n && t->e[k].bytes[0] == b) k++;
    }
    t->start[256] = k;
    return t;
}

size_t decode_vni_count(const decode_vni *t)
{
    return t ? t->n : 0;
}

void decode_vni_free(decode_vni *t)
{
    if (!t) return;
    free(t->e);
    strbuf_release(&t->text);
    free(t);
}

/*
 * Convert VNI bytes in[0..n) to UTF-8 (not yet NFC), greedily by longest
 * match; bytes matching no entry are read as Windows-1252. Unless final,
 * stops before a tail that could still grow into a longer match. Returns
 * the bytes consumed.
 */
static size_t vni_convert(const decode_vni *t, const unsigned char *in, size_t n,
                          int final, strbuf *out)
{
    size_t i = 0;
    while (i < n) {
        /* a run of bytes no entry starts with */
        size_t j = i;
        while (j < n && in[j] < 0x80 && t->start[in[j]] == t->start[in[j] + 1]) j++;
        if (j > i) {
            strbuf_add(out, in + i, j - i);
            i = j;
            continue;
        }
        unsigned b = in[i];
        const vni_entry *hit = NULL;
        int wait = 0;
        for (size_t k = t->start[b]; k < t->start[b + 1]; k++) {
            const vni_entry *e = &t->e[k];
            if (e->len <= n - i) {
                if (memcmp(e->bytes, in + i, e->len) == 0) {
                    hit = e;
                    break;
                }
            } else if (!final && memcmp(e->bytes, in + i, n - i) == 0) {
                wait = 1;
                break;
            }
        }
        if (wait) break;
        if (hit) {
            strbuf_add(out, t->text.buf + hit->off, hit->ulen);
            i += hit->len;
        } else {
            add_uc(out, cp1252_to_uc((unsigned char)b));
            i++;
        }
    }
    return i;
}

/* ---- streaming decoder --------------------------------------------------- */

struct decoder {
    text_encoding enc;
    iconv_t cd;      /* the descriptor in use; (iconv_t)-1 for UTF-8 and VNI */
    iconv_t cd_le;   /* UTF-16 only: both byte orders, chosen by the BOM */
    iconv_t cd_be;
    const decode_vni *vni;
    decode_vni *vni_owned;
    int started;                /* the byte-order mark check is done */
    int failed;
    unsigned long long offset;  /* stream offset of hold.buf[0] */
    strbuf hold;                /* input bytes not converted yet */
    strbuf pend;                /* UTF-8 not normalised and emitted yet */
    size_t scanned;             /* pend[1..scanned) holds no ASCII byte */
    strbuf msg;
};

#define NO_ICONV ((iconv_t)-1)

static iconv_t open_iconv(const char *from, strbuf *err)
{
    iconv_t cd = iconv_open("UTF-8", from);
    if (cd == NO_ICONV)
        strbuf_addf(err, "iconv không có bảng mã %s: %s", from, sys_error(errno));
    return cd;
}

decoder *decode_new_vni(text_encoding enc, const decode_vni *vni, strbuf *err)
{
    if ((unsigned)enc >= N_ENC) {
        strbuf_addf(err, "bảng mã không rõ (%d)", (int)enc);
        return NULL;
    }
    if (enc == ENC_VNI && !vni) {
        strbuf_adds(err, "bảng mã VNI cần tệp bảng chuyển đổi (templates/encodings/vni.txt)");
        return NULL;
    }
    decoder *d = xcalloc(1, sizeof *d);
    d->enc = enc;
    d->cd = d->cd_le = d->cd_be = NO_ICONV;
    d->vni = vni;
    d->hold = (strbuf)STRBUF_INIT;
    d->pend = (strbuf)STRBUF_INIT;
    d->msg = (strbuf)STRBUF_INIT;
    if (enc == ENC_UTF16) {
        d->cd_le = open_iconv("UTF-16LE", err);
        if (d->cd_le != NO_ICONV) d->cd_be = open_iconv("UTF-16BE", err);
        d->cd = d->cd_le;
        if (d->cd_be == NO_ICONV) {
            decode_free(d);
            return NULL;
        }
    } else if (iconv_name[enc]) {
        d->cd = open_iconv(iconv_name[enc], err);
        if (d->cd == NO_ICONV) {
            decode_free(d);
            return NULL;
        }
    }
    return d;
}

decoder *decode_new(text_encoding enc, const char *vni_table, strbuf *err)
{
    decode_vni *t = NULL;
    if (enc == ENC_VNI) {
        if (!vni_table) {
            strbuf_adds(err, "bảng mã VNI cần tệp bảng chuyển đổi (templates/encodings/vni.txt)");
            return NULL;
        }
        if (!(t = decode_vni_load(vni_table, err))) return NULL;
    }
    decoder *d = decode_new_vni(enc, t, err);
    if (!d) {
        decode_vni_free(t);
        return NULL;
    }
    d->vni_owned = t;
    return d;
}

void decode_free(decoder *d)
{
    if (!d) return;
    if (d->enc == ENC_UTF16) {
        if (d->cd_le != NO_ICONV) iconv_close(d->cd_le);
        if (d->cd_be != NO_ICONV) iconv_close(d->cd_be);
    } else if (d->cd != NO_ICONV) {
        iconv_close(d->cd);
    }
    decode_vni_free(d->vni_owned);
    strbuf_release(&d->hold);
    strbuf_release(&d->pend);
    strbuf_release(&d->msg);
    free(d);
}

const char *decode_error(const decoder *d)
{
    return d->msg.buf;
}

static int fail(decoder *d, unsigned long long at, int truncated)
{
    strbuf_reset(&d->msg);
    strbuf_addf(&d->msg, "byte %llu: không đúng mã %s", at, shown_name[d->enc]);
    if (truncated) strbuf_adds(&d->msg, " (dữ liệu dừng giữa một ký tự)");
    d->failed = 1;
    return -1;
}

/* Room for at least `want` more bytes in pend; returns the free space. */
static size_t pend_room(decoder *d, size_t want, char **op)
{
    strbuf_grow(&d->pend, want);
    *op = d->pend.buf + d->pend.len;
    return d->pend.alloc - d->pend.len - 1;
}

static void pend_settle(decoder *d, const char *op)
{
    d->pend.len = (size_t)(op - d->pend.buf);
    d->pend.buf[d->pend.len] = '\0';
}

static int convert_iconv(decoder *d, const unsigned char *src, size_t len, int final,
                         size_t *used, unsigned long long base)
{
    char *ip = (char *)src;
    size_t il = len;
    while (il > 0) {
        size_t want = il < ((size_t)1 << 20) ? il * 3 + 16 : ((size_t)3 << 20);
        char *op;
        size_t ol = pend_room(d, want, &op);
        size_t r = iconv(d->cd, &ip, &il, &op, &ol);
        int e = errno;
        pend_settle(d, op);
        if (r != (size_t)-1) break;
        if (e == E2BIG) continue;
        size_t at = (size_t)(ip - (char *)src);
        *used = at;
        if (e == EINVAL && !final) return 0;
        return fail(d, base + at, e == EINVAL);
    }
    *used = len;
    if (final) {
        /* stateful converters (Windows-1258, TCVN3) hold the last letter
         * back in case a combining mark follows */
        for (;;) {
            char *op;
            size_t ol = pend_room(d, 64, &op);
            size_t r = iconv(d->cd, NULL, NULL, &op, &ol);
            int e = errno;
            pend_settle(d, op);
            if (r != (size_t)-1 || e != E2BIG) break;
        }
    }
    return 0;
}

static int convert_utf8(decoder *d, const unsigned char *src, size_t len, int final,
                        size_t *used, unsigned long long base)
{
    const uint8_t *bad = u8_check(src, len);
    if (!bad) {
        strbuf_add(&d->pend, src, len);
        *used = len;
        return 0;
    }
    size_t good = (size_t)(bad - src);
    strbuf_add(&d->pend, src, good);
    *used = good;
    ucs4_t uc;
    int incomplete = u8_mbtoucr(&uc, bad, len - good) == -2;
    if (incomplete && !final) return 0;
    return fail(d, base + good, incomplete);
}

/*
 * Drop a byte-order mark at the start of the stream (UTF-8, UTF-16) and pick
 * the UTF-16 byte order. Returns 1 when more bytes are needed to tell,
 * else 0 with *skip set to the bytes of the mark.
 */
static int start_stream(decoder *d, const unsigned char *src, size_t len, int final,
                        size_t *skip)
{
    *skip = 0;
    if (d->enc == ENC_UTF8) {
        static const unsigned char bom[3] = {0xEF, 0xBB, 0xBF};
        if (len < 3 && !final && memcmp(src, bom, len) == 0) return 1;
        if (len >= 3 && memcmp(src, bom, 3) == 0) *skip = 3;
    } else if (d->enc == ENC_UTF16) {
        if (len < 2 && !final) return 1;
        d->cd = d->cd_le;
        if (len >= 2 && src[0] == 0xFF && src[1] == 0xFE) {
            *skip = 2;
        } else if (len >= 2 && src[0] == 0xFE && src[1] == 0xFF) {
            *skip = 2;
            d->cd = d->cd_be;
        }
    }
    d->started = 1;
    return 0;
}

/* Convert src[0..len) into pend; *used = bytes consumed (the rest is held). */
static int step(decoder *d, const unsigned char *src, size_t len, int final, size_t *used)
{
    size_t skip = 0, c = 0;
    *used = 0;
    if (!d->started && start_stream(d, src, len, final, &skip)) return 0;
    int rc = 0;
    const unsigned char *p = src + skip;
    size_t n = len - skip;
    unsigned long long base = d->offset + skip;
    switch (d->enc) {
    case ENC_UTF8:
        rc = convert_utf8(d, p, n, final, &c, base);
        break;
    case ENC_VNI:
        c = vni_convert(d->vni, p, n, final, &d->pend);
        break;
    default:
        rc = convert_iconv(d, p, n, final, &c, base);
        break;
    }
    *used = skip + c;
    return rc;
}

/*
 * Emit the part of pend that later input cannot change under NFC: all text
 * before its last ASCII byte (no composition ever joins a character to a
 * following ASCII one, and marks never reorder across it). With final,
 * emit everything.
 */
static void flush(decoder *d, strbuf *out, int final)
{
    strbuf *p = &d->pend;
    if (final) {
        emit_nfc(out, p->buf, p->len);
        strbuf_reset(p);
        d->scanned = 0;
        return;
    }
    size_t k = p->len, cut = 0;
    while (k > d->scanned && k > 1) {
        k--;
        if ((unsigned char)p->buf[k] < 0x80) {
            cut = k;
            break;
        }
    }
    if (cut == 0) {
        d->scanned = p->len;
        return;
    }
    emit_nfc(out, p->buf, cut);
    memmove(p->buf, p->buf + cut, p->len - cut);
    strbuf_setlen(p, p->len - cut);
    d->scanned = p->len;
}

/* Keep src[used..len) for the next call and advance the stream offset. */
static void keep_rest(decoder *d, const unsigned char *src, size_t len, size_t used)
{
    d->offset += used;
    if (src == (const unsigned char *)d->hold.buf) {
        memmove(d->hold.buf, d->hold.buf + used, len - used);
        strbuf_setlen(&d->hold, len - used);
    } else {
        strbuf_reset(&d->hold);
        strbuf_add(&d->hold, src + used, len - used);
    }
}

int decode_feed(decoder *d, const char *in, size_t n, strbuf *out)
{
    if (d->failed) return -1;
    if (n == 0) return 0;
    const unsigned char *src = (const unsigned char *)in;
    size_t len = n, used = 0;
    if (d->hold.len) {
        strbuf_add(&d->hold, in, n);
        src = (const unsigned char *)d->hold.buf;
        len = d->hold.len;
    }
    if (step(d, src, len, 0, &used) < 0) return -1;
    keep_rest(d, src, len, used);
    flush(d, out, 0);
    return 0;
}

static void reset(decoder *d)
{
    if (d->cd != NO_ICONV) iconv(d->cd, NULL, NULL, NULL, NULL);
    if (d->enc == ENC_UTF16) d->cd = d->cd_le;
    d->started = 0;
    d->failed = 0;
    d->offset = 0;
    d->scanned = 0;
    strbuf_reset(&d->hold);
    strbuf_reset(&d->pend);
}

int decode_finish(decoder *d, strbuf *out, strbuf *err)
{
    int rc = 0;
    if (!d->failed) {
        size_t used = 0, len = d->hold.len;
        rc = step(d, (const unsigned char *)d->hold.buf, len, 1, &used);
        if (rc == 0) {
            strbuf_reset(&d->msg);
            flush(d, out, 1);
        }
    }
    if (d->failed) {
        strbuf_add(err, d->msg.buf, d->msg.len);
        rc = -1;
    }
    reset(d);
    return rc;
}

/* ---- single cells -------------------------------------------------------- */

/* b[0..n) through cd (reset first), appended to out; -1 if invalid. */
static int iconv_all(iconv_t cd, const char *b, size_t n, strbuf *out)
{
    iconv(cd, NULL, NULL, NULL, NULL);
    char *ip = (char *)b;
    size_t il = n;
    for (int flushing = 0;;) {
        strbuf_grow(out, il * 3 + 16);
        char *op = out->buf + out->len;
        size_t ol = out->alloc - out->len - 1;
        size_t r = flushing ? iconv(cd, NULL, NULL, &op, &ol) : iconv(cd, &ip, &il, &op, &ol);
        int e = errno;
        out->len = (size_t)(op - out->buf);
        out->buf[out->len] = '\0';
        if (r == (size_t)-1 && e == E2BIG) continue;
        if (r == (size_t)-1) return -1;
        if (flushing) return 0;
        flushing = 1;
    }
}

/* One converter for many cells: iconv is opened once, not per cell, and
 * the scratch buffers are reused (a legacy column is converted on every
 * row of a file). */
struct decode_cells {
    text_encoding enc;
    const decode_vni *vni;
    iconv_t cd;      /* NO_ICONV for UTF-8 and VNI */
    strbuf bytes, u; /* scratch */
};

decode_cells *decode_cells_new(text_encoding enc, const decode_vni *vni, strbuf *err)
{
    if ((unsigned)enc >= N_ENC || enc == ENC_UTF16 || (enc == ENC_VNI && !vni)) {
        strbuf_addf(err, "bảng mã %d không dùng được cho từng ô", (int)enc);
        return NULL;
    }
    decode_cells *c = xcalloc(1, sizeof *c);
    *c = (decode_cells){enc, vni, NO_ICONV, STRBUF_INIT, STRBUF_INIT};
    if (enc != ENC_UTF8 && enc != ENC_VNI && (c->cd = open_iconv(iconv_name[enc], err)) == NO_ICONV) {
        free(c);
        return NULL;
    }
    return c;
}

int decode_cells_convert(decode_cells *c, const char *s, size_t n, strbuf *out)
{
    if (!text_valid_utf8(s, n)) return -1;
    if (c->enc == ENC_UTF8) return text_nfc(out, s, n);
    strbuf_reset(&c->bytes);
    strbuf_reset(&c->u);
    int rc = utf8_to_cp1252(s, n, &c->bytes);
    if (rc == 0 && c->enc == ENC_VNI)
        vni_convert(c->vni, (const unsigned char *)c->bytes.buf, c->bytes.len, 1, &c->u);
    else if (rc == 0)
        rc = iconv_all(c->cd, c->bytes.buf, c->bytes.len, &c->u);
    if (rc == 0) emit_nfc(out, c->u.buf, c->u.len);
    return rc;
}

void decode_cells_free(decode_cells *c)
{
    if (!c) return;
    if (c->cd != NO_ICONV) iconv_close(c->cd);
    strbuf_release(&c->bytes);
    strbuf_release(&c->u);
    free(c);
}

int decode_legacy_cell(text_encoding enc, const decode_vni *vni,
                       const char *s, size_t n, strbuf *out)
{
    strbuf ignored = STRBUF_INIT;
    decode_cells *c = decode_cells_new(enc, vni, &ignored);
    int rc = c ? decode_cells_convert(c, s, n, out) : -1;
    decode_cells_free(c);
    strbuf_release(&ignored);
    return rc;
}

/* ---- guessing legacy text ------------------------------------------------ */

/*
 * VNI-Windows as rules, for the guess only (which has no table at hand):
 * the same layout templates/encodings/vni.txt spells out letter by letter.
 * Mark bytes become combining marks, which NFC joins to the letter before.
 */
static const char *vni_rule(unsigned char b)
{
    switch (b | 0x20) { /* lower- and upper-case forms differ by 0x20 */
    case 0xF9: return "\xCC\x81";          /* ù sắc */
    case 0xF8: return "\xCC\x80";          /* ø huyền */
    case 0xFB: return "\xCC\x89";          /* û hỏi */
    case 0xF5: return "\xCC\x83";          /* õ ngã */
    case 0xEF: return "\xCC\xA3";          /* ï nặng */
    case 0xE2: return "\xCC\x82";          /* â circumflex */
    case 0xE1: return "\xCC\x82\xCC\x81";  /* á */
    case 0xE0: return "\xCC\x82\xCC\x80";  /* à */
    case 0xE5: return "\xCC\x82\xCC\x89";  /* å */
    case 0xE3: return "\xCC\x82\xCC\x83";  /* ã */
    case 0xE4: return "\xCC\x82\xCC\xA3";  /* ä */
    case 0xEA: return "\xCC\x86";          /* ê breve */
    case 0xE9: return "\xCC\x86\xCC\x81";  /* é */
    case 0xE8: return "\xCC\x86\xCC\x80";  /* è */
    case 0xFA: return "\xCC\x86\xCC\x89";  /* ú */
    case 0xFC: return "\xCC\x86\xCC\x83";  /* ü */
    case 0xEB: return "\xCC\x86\xCC\xA3";  /* ë */
    default: break;
    }
    int up = b < 0xE0;
    switch (b | 0x20) {
    case 0xF4: return up ? "\xC6\xA0" : "\xC6\xA1";          /* Ơ ơ */
    case 0xF6: return up ? "\xC6\xAF" : "\xC6\xB0";          /* Ư ư */
    case 0xED: return up ? "\xC3\x8D" : "\xC3\xAD";          /* Í í */
    case 0xEC: return up ? "\xC3\x8C" : "\xC3\xAC";          /* Ì ì */
    case 0xE6: return up ? "\xE1\xBB\x88" : "\xE1\xBB\x89";  /* Ỉ ỉ */
    case 0xF3: return up ? "\xC4\xA8" : "\xC4\xA9";          /* Ĩ ĩ */
    case 0xF2: return up ? "\xE1\xBB\x8A" : "\xE1\xBB\x8B";  /* Ị ị */
    case 0xEE: return up ? "\xE1\xBB\xB4" : "\xE1\xBB\xB5";  /* Ỵ ỵ */
    case 0xF1: return up ? "\xC4\x90" : "\xC4\x91";          /* Đ đ */
    default: return NULL;
    }
}

static void vni_rules_convert(const unsigned char *b, size_t n, strbuf *out)
{
    for (size_t i = 0; i < n; i++) {
        const char *r = b[i] >= 0xC0 ? vni_rule(b[i]) : NULL;
        if (r) strbuf_adds(out, r);
        else add_uc(out, cp1252_to_uc(b[i]));
    }
}

/* Letter codes: a..z as themselves, and â=A ă=B ê=E ô=O ơ=P ư=U đ=D. */
static int is_vowel_code(char c)
{
    return c && strchr("aeiouyABEOPU", c) != NULL;
}

static const char *const initials[] = {
    "ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr",
    "b", "c", "d", "D", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t",
    "v", "x", "",
};
static const char *const finals[] = {"ch", "nh", "ng", "c", "m", "n", "p", "t", ""};

/* Vowel clusters: 1 = may end the syllable, 2 = may take a final consonant. */
static const struct {
    const char *v;
    int how;
} nuclei[] = {
    {"a", 3},   {"B", 2},   {"A", 2},   {"e", 3},   {"E", 3},   {"i", 3},
    {"o", 3},   {"O", 3},   {"P", 3},   {"u", 3},   {"U", 3},   {"y", 1},
    {"ai", 1},  {"ao", 1},  {"au", 1},  {"ay", 1},  {"Au", 1},  {"Ay", 1},
    {"eo", 1},  {"Eu", 1},  {"ia", 1},  {"iE", 2},  {"iu", 1},  {"oa", 3},
    {"oB", 2},  {"oe", 3},  {"oi", 1},  {"Oi", 1},  {"Pi", 1},  {"oo", 2},
    {"ua", 1},  {"uA", 2},  {"uE", 3},  {"ui", 1},  {"uO", 2},  {"uP", 1},
    {"uy", 3},  {"Ua", 1},  {"Ui", 1},  {"UP", 2},  {"Uu", 1},  {"yE", 2},
    {"iEu", 1}, {"oai", 1}, {"oay", 1}, {"oao", 1}, {"oeo", 1}, {"uAy", 1},
    {"uOi", 1}, {"UPi", 1}, {"UPu", 1}, {"uya", 1}, {"uyE", 2}, {"uyu", 1},
    {"yEu", 1},
};

static int rhyme_ok(const char *r, size_t n, ucs4_t tone)
{
    for (size_t f = 0; f < sizeof finals / sizeof finals[0]; f++) {
        size_t fl = strlen(finals[f]);
        if (fl >= n || memcmp(r + n - fl, finals[f], fl) != 0) continue;
        size_t vl = n - fl;
        int stop = fl && (finals[f][0] == 'c' || finals[f][0] == 'p' || finals[f][0] == 't');
        if (stop && tone != 0x301 && tone != 0x323) continue;
        for (size_t k = 0; k < sizeof nuclei / sizeof nuclei[0]; k++) {
            if (strlen(nuclei[k].v) == vl && memcmp(nuclei[k].v, r, vl) == 0 &&
                (nuclei[k].how & (fl ? 2 : 1)))
                return 1;
        }
    }
    return 0;
}

/*
 * When the UTF-8 word s[0..n) is one well-formed Vietnamese syllable, its
 * number of letters (đ, ơ ... count one); else 0.
 */
static int viet_syllable(const char *s, size_t n)
{
    size_t dl = 0;
    uint8_t *d = u8_normalize(UNINORM_NFD, (const uint8_t *)s, n, NULL, &dl);
    if (!d) return 0;
    char L[12];
    size_t nl = 0;
    int tones = 0, ok = 1;
    ucs4_t tone = 0;
    for (const uint8_t *p = d, *end = d + dl; p < end && ok;) {
        ucs4_t uc;
        p += u8_mbtouc(&uc, p, (size_t)(end - p));
        char *last = nl ? &L[nl - 1] : NULL;
        if ((uc >= 'a' && uc <= 'z') || (uc >= 'A' && uc <= 'Z')) {
            char c = (char)(uc | 0x20);
            if (strchr("fjwz", c) || nl + 1 >= sizeof L) ok = 0;
            else L[nl++] = c;
        } else if (uc == 0x110 || uc == 0x111) {
            if (nl + 1 >= sizeof L) ok = 0;
            else L[nl++] = 'D';
        } else if (uc == 0x302) {
            if (last && *last == 'a') *last = 'A';
            else if (last && *last == 'e') *last = 'E';
            else if (last && *last == 'o') *last = 'O';
            else ok = 0;
        } else if (uc == 0x306) {
            if (last && *last == 'a') *last = 'B';
            else ok = 0;
        } else if (uc == 0x31B) {
            if (last && *last == 'o') *last = 'P';
            else if (last && *last == 'u') *last = 'U';
            else ok = 0;
        } else if (uc == 0x300 || uc == 0x301 || uc == 0x303 || uc == 0x309 ||
                   uc == 0x323) {
            if (tones++ || !last || !is_vowel_code(*last)) ok = 0;
            tone = uc;
        } else {
            ok = 0;
        }
    }
    free(d);
    if (!ok || nl == 0) return 0;
    L[nl] = '\0';
    for (size_t i = 0; i < sizeof initials / sizeof initials[0]; i++) {
        size_t il = strlen(initials[i]);
        if (il < nl && memcmp(L, initials[i], il) == 0 && rhyme_ok(L + il, nl - il, tone))
            return (int)nl;
    }
    return 0;
}

/* Symbols that follow numbers as units ("5 µm", "25°", "3½"). */
static int unit_symbol(unsigned char b)
{
    return b == 0xB5 || b == 0xB0 || b == 0xBA || b == 0xAA || b == 0xB2 ||
           b == 0xB3 || b == 0xB9 || b == 0xBC || b == 0xBD || b == 0xBE ||
           b == 0x89 || b == 0x80 || b == 0xA3 || b == 0xA5 || b == 0xA2;
}

static int word_char(unsigned char b)
{
    return b >= 0x80 || (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z');
}

text_encoding decode_guess_legacy(const char *s, size_t n)
{
    if (!s || !text_valid_utf8(s, n)) return ENC_UTF8;
    strbuf b = STRBUF_INIT;
    if (utf8_to_cp1252(s, n, &b) < 0) { /* real Unicode beyond Windows-1252 */
        strbuf_release(&b);
        return ENC_UTF8;
    }
    const unsigned char *p = (const unsigned char *)b.buf;
    size_t m = b.len;
    int tcvn = 0, vni = 0, neither = 0;
    iconv_t cd = NO_ICONV;
    int cd_tried = 0;
    strbuf orig = STRBUF_INIT, t = STRBUF_INIT, v = STRBUF_INIT;
    for (size_t i = 0; i < m;) {
        if (!word_char(p[i])) {
            i++;
            continue;
        }
        size_t j = i;
        int high = 0, letter = 0;
        for (; j < m && word_char(p[j]); j++) {
            if (p[j] >= 0x80) high = 1;
            else letter = 1;
        }
        size_t w0 = i;
        i = j;
        if (!high || !letter) continue;
        size_t k = w0;
        while (k > 0 && p[k - 1] == ' ') k--;
        if (unit_symbol(p[w0]) && k > 0 && p[k - 1] >= '0' && p[k - 1] <= '9') continue;

        strbuf_reset(&orig);
        for (size_t q = w0; q < j; q++) add_uc(&orig, cp1252_to_uc(p[q]));
        if (viet_syllable(orig.buf, orig.len)) continue; /* real Vietnamese */

        if (!cd_tried) {
            cd_tried = 1;
            cd = iconv_open("UTF-8", "TCVN5712-1");
        }
        int t_len = 0, v_len = 0;
        if (cd != NO_ICONV) {
            strbuf_reset(&t);
            if (iconv_all(cd, (const char *)p + w0, j - w0, &t) == 0) t_len = viet_syllable(t.buf, t.len);
        }
        strbuf_reset(&v);
        vni_rules_convert(p + w0, j - w0, &v);
        v_len = viet_syllable(v.buf, v.len);
        /* a lone vowel ("où" read as VNI ó) proves nothing */
        if (t_len == 1 || v_len == 1) continue;
        int t_ok = t_len > 0, v_ok = v_len > 0;
        if (t_ok && !v_ok) tcvn++;
        else if (v_ok && !t_ok) vni++;
        else if (!t_ok && !v_ok) neither++;
    }
    if (cd != NO_ICONV) iconv_close(cd);
    strbuf_release(&orig);
    strbuf_release(&t);
    strbuf_release(&v);
    strbuf_release(&b);
    if (tcvn > vni && tcvn > neither) return ENC_TCVN3;
    if (vni > tcvn && vni > neither) return ENC_VNI;
    return ENC_UTF8;
}
