/* UTF-8 normalisation, folding and stepping on top of libunistring. */
#include "text.h"

#include <stdlib.h>
#include <string.h>
#include <unicase.h>
#include <uninorm.h>
#include <unistr.h>

void text_trim(const char **s, size_t *len)
{
    const char *p = *s;
    size_t n = *len;
    while (n && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')) p++, n--;
    while (n && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r' ||
                 p[n - 1] == '\n'))
        n--;
    *s = p;
    *len = n;
}

int text_valid_utf8(const char *s, size_t len)
{
    return u8_check((const uint8_t *)s, len) == NULL;
}

size_t text_char_len(const char *s, size_t len)
{
    int n = u8_mblen((const uint8_t *)s, len);
    return n > 0 ? (size_t)n : 1;
}

/* ASCII text is its own NFC and NFD, and folds case byte by byte: the
 * codes and most names a file repeats skip libunistring's allocating
 * normalisation (it was 5% of reading the national ledger). */
static int is_ascii(const char *s, size_t len)
{
    unsigned char any = 0;
    for (size_t i = 0; i < len; i++) any |= (unsigned char)s[i];
    return any < 0x80;
}

/*
 * Vietnamese names take a path of their own too (libunistring's case
 * folding was 12,000 instructions a name). Code points below U+0300 and
 * the Latin Extended Additional block (U+1E00-U+1EFF, the letters with two
 * marks: "ế", "ộ") are each NFC_Quick_Check=Yes with combining class 0,
 * so text made only of them is its own NFC (UAX #15's quick check); and
 * each folds case alone to what uc_tolower gives, but for the eight whose
 * full folding differs (latin_fold_special). test_text holds both against
 * libunistring for every such code point.
 */

/* The code point at s[*i] of valid UTF-8, stepping past it, when it is
 * one of those; -1 (not stepping) for any other. */
static int32_t next_latin(const uint8_t *s, size_t *i)
{
    uint8_t b = s[*i];
    if (b < 0x80) return (*i)++, b;
    if (b >= 0xC2 && b <= 0xCB) { /* U+0080-U+02FF */
        int32_t c = (b & 0x1F) << 6 | (s[*i + 1] & 0x3F);
        return *i += 2, c;
    }
    if (b == 0xE1 && s[*i + 1] >= 0xB8 && s[*i + 1] <= 0xBB) { /* U+1E00-U+1EFF */
        int32_t c = 0x1000 | (s[*i + 1] & 0x3F) << 6 | (s[*i + 2] & 0x3F);
        return *i += 3, c;
    }
    return -1;
}

static int latin_fold_special(int32_t c)
{
    return c == 0xB5 || c == 0xDF || c == 0x130 || c == 0x149 || c == 0x17F ||
           c == 0x1E9A || c == 0x1E9B || c == 0x1E9E;
}

/* 1 when valid UTF-8 s is all such code points (and, fold set, none of
 * the eight). */
static int is_latin(const char *s, size_t len, int fold)
{
    for (size_t i = 0; i < len;) {
        int32_t c = next_latin((const uint8_t *)s, &i);
        if (c < 0 || (fold && latin_fold_special(c))) return 0;
    }
    return 1;
}

/* Append src to out with white-space runs folded to one space, ASCII
 * letters lowered when lower is set, and, latin set, every other letter
 * as uc_tolower gives it (src then is_latin). */
static void add_folded(strbuf *out, const uint8_t *src, size_t n, int lower, int latin)
{
    int space = 0;
    for (size_t i = 0; i < n;) {
        if (latin && src[i] >= 0x80) {
            uint8_t buf[6];
            int32_t c = next_latin(src, &i);
            int m = u8_uctomb(buf, uc_tolower((ucs4_t)c), sizeof buf);
            if (space && out->len) strbuf_addch(out, ' ');
            space = 0;
            strbuf_add(out, buf, m > 0 ? (size_t)m : 0);
            continue;
        }
        char c = (char)src[i++];
        if (lower && c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            space = 1;
            continue;
        }
        if (space && out->len) strbuf_addch(out, ' ');
        space = 0;
        strbuf_addch(out, c);
    }
}

static int fold_with(strbuf *out, const char *s, size_t len, uninorm_t nf)
{
    text_trim(&s, &len);
    if (is_ascii(s, len)) {
        add_folded(out, (const uint8_t *)s, len, 1, 0);
        return 0;
    }
    if (!text_valid_utf8(s, len)) return -1;
    if (nf == UNINORM_NFC && is_latin(s, len, 1)) {
        add_folded(out, (const uint8_t *)s, len, 1, 1);
        return 0;
    }
    size_t n = 0;
    uint8_t *r = u8_casefold((const uint8_t *)s, len, NULL, nf, NULL, &n);
    if (!r) return -1;
    add_folded(out, r, n, 0, 0);
    free(r);
    return 0;
}

int text_key(strbuf *out, const char *s, size_t len)
{
    return fold_with(out, s, len, UNINORM_NFC);
}

int text_ident_key(strbuf *out, const char *s, size_t len)
{
    strbuf tmp = STRBUF_INIT;
    /* NFD separates the marks so they can be dropped. */
    if (fold_with(&tmp, s, len, UNINORM_NFD) < 0) {
        strbuf_release(&tmp);
        return -1;
    }
    const uint8_t *p = (const uint8_t *)tmp.buf, *end = p + tmp.len;
    while (p < end) {
        ucs4_t uc;
        int n = u8_mbtouc(&uc, p, (size_t)(end - p));
        p += n;
        if (uc >= 0x300 && uc <= 0x36f) continue; /* combining marks */
        if (uc == 0x111) uc = 'd';                 /* đ */
        if (uc == ' ' || uc == '-') uc = '_';
        uint8_t buf[6];
        int m = u8_uctomb(buf, uc, sizeof buf);
        if (m > 0) strbuf_add(out, buf, (size_t)m);
    }
    strbuf_release(&tmp);
    return 0;
}

int text_nfc(strbuf *out, const char *s, size_t len)
{
    if (is_ascii(s, len)) {
        strbuf_add(out, s, len);
        return 0;
    }
    if (!text_valid_utf8(s, len)) return -1;
    if (is_latin(s, len, 0)) {
        strbuf_add(out, s, len);
        return 0;
    }
    size_t n = 0;
    uint8_t *r = u8_normalize(UNINORM_NFC, (const uint8_t *)s, len, NULL, &n);
    if (!r) return -1;
    strbuf_add(out, r, n);
    free(r);
    return 0;
}

int text_upper(strbuf *out, const char *s, size_t len)
{
    if (!text_valid_utf8(s, len)) return -1;
    size_t n = 0;
    uint8_t *r = u8_toupper((const uint8_t *)s, len, NULL, UNINORM_NFC, NULL, &n);
    if (!r) return -1;
    strbuf_add(out, r, n);
    free(r);
    return 0;
}

size_t text_chars(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}
