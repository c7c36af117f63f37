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

/* Append src to out with white-space runs folded to one space, ASCII
 * letters lowered when lower is set. */
static void add_folded(strbuf *out, const uint8_t *src, size_t n, int lower)
{
    int space = 0;
    for (size_t i = 0; i < n; i++) {
        char c = (char)src[i];
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
        add_folded(out, (const uint8_t *)s, len, 1);
        return 0;
    }
    if (!text_valid_utf8(s, len)) return -1;
    size_t n = 0;
    uint8_t *r = u8_casefold((const uint8_t *)s, len, NULL, nf, NULL, &n);
    if (!r) return -1;
    add_folded(out, r, n, 0);
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
