/*
 * Exact decimal parsing and Vietnamese formatting. The parser is on the hot
 * path (one call per amount, a million rows a run): one pass over the
 * characters, no allocation, no locale.
 */
#include "decimal.h"

#include <stdlib.h>
#include <string.h>

static const int64_t pow10_tab[19] = {
    1LL, 10LL, 100LL, 1000LL, 10000LL, 100000LL, 1000000LL, 10000000LL,
    100000000LL, 1000000000LL, 10000000000LL, 100000000000LL,
    1000000000000LL, 10000000000000LL, 100000000000000LL,
    1000000000000000LL, 10000000000000000LL, 100000000000000000LL,
    1000000000000000000LL};

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Accumulate digits, checking overflow. */
static int add_digit(uint64_t *acc, int d)
{
    if (*acc > (UINT64_MAX - (uint64_t)d) / 10) return 0;
    *acc = *acc * 10 + (uint64_t)d;
    return 1;
}

/*
 * The core: s[0..len) holds digits, group separators `grp` and at most one
 * decimal separator `dec`. Groups after the first must have exactly three
 * digits; grouping is optional but, once used, must be used throughout.
 */
static num_status parse_grouped(const char *s, size_t len, char grp, char dec,
                                int scale, uint64_t *out)
{
    uint64_t ip = 0;
    size_t i = 0, group_len = 0, ndig = 0;
    int grouped = 0;
    for (; i < len && s[i] != dec; i++) {
        char c = s[i];
        if (c >= '0' && c <= '9') {
            if (!add_digit(&ip, c - '0')) return NUM_RANGE;
            group_len++;
            ndig++;
        } else if (c == grp) {
            if (group_len == 0 || (grouped && group_len != 3) || group_len > 3)
                return NUM_SYNTAX;
            grouped = 1;
            group_len = 0;
        } else {
            return NUM_SYNTAX;
        }
    }
    if (ndig == 0 || (grouped && group_len != 3)) return NUM_SYNTAX;
    uint64_t frac = 0;
    int nfrac = 0;
    if (i < len) { /* s[i] == dec */
        i++;
        if (i == len) return NUM_SYNTAX;
        for (; i < len; i++) {
            char c = s[i];
            if (c < '0' || c > '9') return NUM_SYNTAX;
            if (nfrac >= scale) {
                if (c != '0') return NUM_PRECISION;
                continue; /* trailing zeros beyond the unit are harmless */
            }
            frac = frac * 10 + (uint64_t)(c - '0');
            nfrac++;
        }
    }
    uint64_t mul = (uint64_t)pow10_tab[scale];
    if (ip > (UINT64_MAX / mul)) return NUM_RANGE;
    uint64_t v = ip * mul;
    uint64_t f = frac * (uint64_t)pow10_tab[scale - nfrac];
    if (v > UINT64_MAX - f) return NUM_RANGE;
    *out = v + f;
    return NUM_OK;
}

/* Vietnamese convention falls back to the plain form "1473139.5". */
static int is_plain_decimal(const char *s, size_t len)
{
    const char *dot = memchr(s, '.', len);
    if (!dot || memchr(s, ',', len)) return 0;
    if (memchr(dot + 1, '.', len - (size_t)(dot + 1 - s))) return 0;
    size_t after = len - (size_t)(dot + 1 - s);
    return after == 1 || after == 2 || after >= 4;
}

/* Spaces and the sign off; -1 when nothing is left. */
static int strip_sign(const char **s, size_t *len, int *neg)
{
    while (*len && is_space(**s)) (*s)++, (*len)--;
    while (*len && is_space((*s)[*len - 1])) (*len)--;
    *neg = 0;
    if (*len >= 3 && (*s)[0] == '(' && (*s)[*len - 1] == ')') {
        *neg = 1, (*s)++, *len -= 2;
    } else if (*len && ((*s)[0] == '-' || (*s)[0] == '+')) {
        *neg = (*s)[0] == '-', (*s)++, (*len)--;
    }
    return *len ? 0 : -1;
}

/* The text reads as a number in that form (its size and decimals aside). */
static int form_reads(const char *s, size_t len, char grp, char dec)
{
    uint64_t v;
    return parse_grouped(s, len, grp, dec, 18, &v) != NUM_SYNTAX;
}

num_form decimal_classify(const char *s, size_t len)
{
    int neg;
    if (strip_sign(&s, &len, &neg) < 0) return NUMFORM_NONE;
    /* The usual amount, digits with one separator, in one pass (this runs
     * on every amount of every file). */
    size_t nsep = 0, at = 0;
    int digits_only = 1;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '.' || c == ',') nsep++, at = i;
        else if (c < '0' || c > '9') digits_only = 0;
    }
    if (nsep == 0) return NUMFORM_NONE;
    if (nsep == 1 && digits_only) {
        size_t before = at, after = len - at - 1;
        if (before == 0 || after == 0) return NUMFORM_NONE;
        if (after == 3 && before <= 3 && s[0] != '0') return NUMFORM_AMBIGUOUS;
        return s[at] == '.' ? NUMFORM_PLAIN : NUMFORM_VI;
    }
    const char *dot = memchr(s, '.', len), *comma = memchr(s, ',', len);
    int vi = form_reads(s, len, '.', ','), en = form_reads(s, len, ',', '.');
    if (vi && en) {
        /* Grouping never starts with a 0: "0.500" is a half, "0,500" too. */
        if (s[0] == '0') return dot ? NUMFORM_PLAIN : NUMFORM_VI;
        return NUMFORM_AMBIGUOUS;
    }
    return vi ? NUMFORM_VI : !en ? NUMFORM_NONE : comma ? NUMFORM_EN : NUMFORM_PLAIN;
}

num_status decimal_parse_strict(const char *s, size_t len, num_convention conv,
                                int scale, int64_t *out)
{
    int neg;
    while (len && is_space(*s)) s++, len--;
    if (len == 0) return NUM_EMPTY;
    if (strip_sign(&s, &len, &neg) < 0) return NUM_SYNTAX;
    if (scale < 0 || scale > 18) return NUM_RANGE;
    uint64_t v;
    num_status st = conv == NUMCONV_EN ? parse_grouped(s, len, ',', '.', scale, &v)
                                       : parse_grouped(s, len, '.', ',', scale, &v);
    if (st != NUM_OK) return st;
    if (v > (uint64_t)INT64_MAX) return NUM_RANGE;
    *out = neg ? -(int64_t)v : (int64_t)v;
    return NUM_OK;
}

num_status decimal_parse(const char *s, size_t len, num_convention conv,
                         int scale, int64_t *out)
{
    while (len && is_space(*s)) s++, len--;
    while (len && is_space(s[len - 1])) len--;
    if (len == 0) return NUM_EMPTY;
    if (scale < 0 || scale > 18) return NUM_RANGE;
    int neg = 0;
    if (s[0] == '(' && len >= 3 && s[len - 1] == ')') {
        neg = 1, s++, len -= 2;
    } else if (s[0] == '-') {
        neg = 1, s++, len--;
    } else if (s[0] == '+') {
        s++, len--;
    }
    if (len == 0) return NUM_SYNTAX;
    uint64_t v;
    num_status st;
    if (conv == NUMCONV_EN)
        st = parse_grouped(s, len, ',', '.', scale, &v);
    else if (is_plain_decimal(s, len))
        st = parse_grouped(s, len, '\0', '.', scale, &v);
    else
        st = parse_grouped(s, len, '.', ',', scale, &v);
    if (st != NUM_OK) return st;
    if (v > (uint64_t)INT64_MAX) return NUM_RANGE;
    *out = neg ? -(int64_t)v : (int64_t)v;
    return NUM_OK;
}

/* Digits of a stored number as one integer and a power of ten:
 * "1.5E-3" -> 15, -4. Returns 0, or -1 when it is not such a number. */
static int split_stored(const char *s, size_t len, int *neg, uint64_t *digits, int *exp10)
{
    size_t i = 0;
    *neg = 0, *digits = 0, *exp10 = 0;
    if (i < len && (s[i] == '-' || s[i] == '+')) *neg = s[i++] == '-';
    int nd = 0, dot = 0;
    for (; i < len && ((s[i] >= '0' && s[i] <= '9') || (s[i] == '.' && !dot)); i++) {
        if (s[i] == '.') { dot = 1; continue; }
        nd++;
        if (*digits < 100000000000000000ull) {
            *digits = *digits * 10 + (uint64_t)(s[i] - '0');
            if (dot) (*exp10)--;
        } else if (!dot) {
            (*exp10)++; /* past 17 digits (a double has no more): magnitude only */
        }
    }
    if (nd == 0) return -1;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        char *end;
        char buf[16];
        size_t n = len - i - 1 < sizeof buf - 1 ? len - i - 1 : sizeof buf - 1;
        memcpy(buf, s + i + 1, n);
        buf[n] = '\0';
        long e = strtol(buf, &end, 10);
        if (end == buf || *end || e < -400 || e > 400) return -1;
        *exp10 += (int)e;
        i = len;
    }
    return i == len ? 0 : -1;
}

num_status decimal_parse_stored(const char *s, size_t len, int scale, int64_t *out)
{
    while (len && is_space(*s)) s++, len--;
    while (len && is_space(s[len - 1])) len--;
    if (len == 0) return NUM_EMPTY;
    int neg, e;
    uint64_t d;
    if (split_stored(s, len, &neg, &d, &e) < 0) return NUM_SYNTAX;
    e += scale; /* value * 10^scale = d * 10^e */
    __int128 v = d;
    if (e >= 0) {
        for (; e > 0; e--) {
            v *= 10;
            if (v > (__int128)INT64_MAX) return NUM_RANGE;
        }
    } else {
        /* Round half away from zero on the first dropped digit. */
        __int128 div = 1;
        for (; e < 0 && div <= (__int128)d; e++) div *= 10;
        if (e < 0) v = 0; /* far below one unit */
        else {
            __int128 q = v / div, r = v % div;
            v = q + (2 * r >= div ? 1 : 0);
        }
    }
    if (v > (__int128)INT64_MAX) return NUM_RANGE;
    *out = neg ? -(int64_t)v : (int64_t)v;
    return NUM_OK;
}

const char *decimal_status_text(num_status st)
{
    switch (st) {
    case NUM_OK: return "hợp lệ";
    case NUM_EMPTY: return "ô trống";
    case NUM_SYNTAX: return "không phải số theo quy ước đã cấu hình";
    case NUM_PRECISION: return "lẻ hơn 1 đồng (quá nhiều chữ số thập phân)";
    case NUM_RANGE: return "số quá lớn";
    }
    return "lỗi không xác định";
}

int64_t decimal_ratio_round(int64_t num, int64_t den, int places)
{
    /* 128-bit intermediate: national totals times 10^places overflow 64. */
    __int128 n = (__int128)num * pow10_tab[places];
    __int128 d = den;
    int neg = (n < 0) != (d < 0);
    if (n < 0) n = -n;
    if (d < 0) d = -d;
    __int128 q = n / d, r = n % d;
    if (2 * r >= d) q++;
    return (int64_t)(neg ? -q : q);
}

static void add_grouped(strbuf *sb, uint64_t v)
{
    char tmp[32];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (int i = n - 1; i >= 0; i--) {
        strbuf_addch(sb, tmp[i]);
        if (i && i % 3 == 0) strbuf_addch(sb, '.');
    }
}

void decimal_format(strbuf *sb, int64_t value, int scale, int decimals, int trim)
{
    if (decimals > scale) decimals = scale;
    int64_t unit = pow10_tab[scale - decimals];
    int neg = value < 0;
    uint64_t a = neg ? (uint64_t)0 - (uint64_t)value : (uint64_t)value;
    uint64_t r = a / (uint64_t)unit, rem = a % (uint64_t)unit;
    if (2 * rem >= (uint64_t)unit) r++;
    uint64_t dmul = (uint64_t)pow10_tab[decimals];
    uint64_t ip = r / dmul, fp = r % dmul;
    if (neg && r) strbuf_addch(sb, '-');
    add_grouped(sb, ip);
    if (trim == DECIMAL_TRIM_ZEROS)
        while (decimals && fp % 10 == 0 && fp) fp /= 10, decimals--;
    if (decimals && !(trim && fp == 0)) {
        strbuf_addf(sb, ",%0*llu", decimals, (unsigned long long)fp);
    }
}

void decimal_rate_format(strbuf *sb, int64_t num, int64_t den)
{
    if (den == 0) {
        strbuf_adds(sb, "-");
        return;
    }
    decimal_format(sb, decimal_ratio_round(num, den, 3), 1, 1, 0);
    strbuf_addch(sb, '%');
}

double decimal_to_double(int64_t value, int scale)
{
    /* Below 2^53 the integer converts exactly, and one correctly rounded
     * division gives the double nearest the decimal (8966.12, not
     * 8966.120000000001 as adding two rounded parts would). */
    return (double)value / (double)pow10_tab[scale];
}
