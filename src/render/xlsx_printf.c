/*
 * xlsx_printf: libxlsxwriter's cell formatting without glibc's printf; see
 * xlsx_printf.h for why.
 *
 * Two definitions replace the C library's for the whole process:
 *   __fprintf_chk  what libxlsxwriter's fprintf calls are (Debian builds it
 *                  with _FORTIFY_SOURCE): each cell, attribute and element.
 *   snprintf       libxlsxwriter formats a formula's cached value with it.
 * Each takes only formats it can do exactly and passes the rest to glibc
 * (__vfprintf_chk, vsnprintf), so a caller elsewhere in the process sees
 * no difference but speed. Our own code is built without _FORTIFY_SOURCE
 * and so never reaches __fprintf_chk.
 *
 * "%.16G" is exact: the double is m * 2^q with a 53-bit m, scaled by a
 * power of ten in 128-bit integers and rounded to 16 digits, ties to even,
 * which is what glibc's printf does in the default rounding mode. The
 * range is bounded so that neither the scaling nor %G's exponent form is
 * needed (xlsx_printf.h).
 */
#include "xlsx_printf.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef unsigned __int128 u128;

/* 10^k for k <= 19 fits in 64 bits; the scaling needs no more. */
static const uint64_t pow10_64[20] = {
    1ULL,
    10ULL,
    100ULL,
    1000ULL,
    10000ULL,
    100000ULL,
    1000000ULL,
    10000000ULL,
    100000000ULL,
    1000000000ULL,
    10000000000ULL,
    100000000000ULL,
    1000000000000ULL,
    10000000000000ULL,
    100000000000000ULL,
    1000000000000000ULL,
    10000000000000000ULL,
    100000000000000000ULL,
    1000000000000000000ULL,
    10000000000000000000ULL,
};

/* Decimal digits of v, for 10^15 <= v < 10^35 (the one caller's range). */
static int digits128(u128 v)
{
    int n = 16;
    for (u128 p = pow10_64[16]; v >= p; p *= 10) n++;
    return n;
}

/* Writes the decimal digits of v (v > 0) ending just before end; returns
 * where they start. */
static char *put_u64(char *end, uint64_t v)
{
    do {
        *--end = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    return end;
}

int xlsx_printf_g16(char out[XLSX_G16_MAX], double d)
{
    if (d == 0) {
        if (signbit(d)) return (int)(memcpy(out, "-0", 3), 2);
        return (int)(memcpy(out, "0", 2), 1);
    }
    double a = fabs(d);
    if (!(a >= 1e-4 && a < 1e15)) return -1; /* NaN falls out here too */
    char *p = out;
    if (d < 0) *p++ = '-';

    uint64_t bits;
    memcpy(&bits, &a, sizeof bits); /* a is normal here: a = m * 2^q, exact */
    uint64_t m = (bits & ((1ULL << 52) - 1)) | (1ULL << 52);
    int q = (int)(bits >> 52) - 1075;
    if (q >= 0) { /* an integer below 10^15: all its digits, no rounding */
        char tmp[24];
        char *s = put_u64(tmp + sizeof tmp, m << q);
        size_t n = (size_t)(tmp + sizeof tmp - s);
        memcpy(p, s, n);
        p[n] = '\0';
        return (int)(p + n - out);
    }
    unsigned sh = (unsigned)-q; /* 1..67 in this range */

    /* The decimal exponent x of a (10^x <= a < 10^(x+1)): floor(a * 10^19)
     * has x + 20 digits. */
    int x = digits128(((u128)m * pow10_64[19]) >> sh) - 20;

    /* Sixteen significant digits: n = round(a * 10^(15 - x)). */
    u128 w = (u128)m * pow10_64[15 - x];
    uint64_t n = (uint64_t)(w >> sh);
    u128 rest = w & (((u128)1 << sh) - 1), half = (u128)1 << (sh - 1);
    if (rest > half || (rest == half && (n & 1))) n++;
    if (n == pow10_64[16]) { /* rounded up to the next power of ten */
        n /= 10;
        x++;
    }

    /* %G takes the fixed form here (-4 <= x < 16): x + 1 digits before the
     * point when x >= 0, else "0." and -x - 1 zeros; trailing zeros of the
     * fraction go, and the point with them. */
    char dig[16];
    put_u64(dig + 16, n);
    int keep = 16;
    while (keep > 1 && dig[keep - 1] == '0') keep--;
    if (x >= 0) {
        memcpy(p, dig, (size_t)x + 1);
        p += x + 1;
        if (keep > x + 1) {
            *p++ = '.';
            memcpy(p, dig + x + 1, (size_t)(keep - x - 1));
            p += keep - x - 1;
        }
    } else {
        *p++ = '0';
        *p++ = '.';
        for (int z = 0; z < -x - 1; z++) *p++ = '0';
        memcpy(p, dig, (size_t)keep);
        p += keep;
    }
    *p = '\0';
    return (int)(p - out);
}

/* ---- the interposed definitions ---- */

/* glibc's own, exported for fortified callers; not declared by stdio.h in
 * a build without _FORTIFY_SOURCE. */
int __fprintf_chk(FILE *fp, int flag, const char *fmt, ...);
int __vfprintf_chk(FILE *fp, int flag, const char *fmt, va_list ap);

/* Formats through the C library itself (vsnprintf is not replaced). */
static int libc_format(char *out, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = vsnprintf(out, size, fmt, ap);
    va_end(ap);
    return r;
}

/* Whether every conversion in fmt is one format_simple does: %s, %d,
 * %.16G, %%. Formats are short; a plain loop beats strchr's calls. */
static int fmt_is_simple(const char *fmt)
{
    for (const char *p = fmt; *p; p++) {
        if (*p != '%') continue;
        p++;
        if (*p == 's' || *p == 'd' || *p == '%') continue;
        if (p[0] != '.' || p[1] != '1' || p[2] != '6' || p[3] != 'G') return 0;
        p += 3;
    }
    return 1;
}

/* Where format_simple's text goes: a stream (gathered in buf, written in
 * pieces under the stream's lock, as one fprintf is) or a memory buffer of
 * cap bytes (truncated as snprintf truncates). total counts every byte the
 * format produced, written or not. */
typedef struct {
    FILE *fp;
    char *mem;
    size_t cap, used;
    size_t total;
    int failed;
    char buf[512];
} sink;

/* No initializer: zeroing buf would cost more than formatting a cell. */
static void sink_init(sink *o, FILE *fp, char *mem, size_t cap)
{
    o->fp = fp;
    o->mem = mem;
    o->cap = cap;
    o->used = o->total = 0;
    o->failed = 0;
}

static void sink_flush(sink *o)
{
    if (o->used && fwrite_unlocked(o->buf, 1, o->used, o->fp) != o->used) o->failed = 1;
    o->used = 0;
}

static void sink_add(sink *o, const char *s, size_t n)
{
    o->total += n;
    if (o->mem) {
        size_t room = o->cap > o->used + 1 ? o->cap - o->used - 1 : 0;
        size_t k = n < room ? n : room;
        memcpy(o->mem + o->used, s, k);
        o->used += k;
        return;
    }
    if (o->used + n > sizeof o->buf) {
        sink_flush(o);
        if (n > sizeof o->buf) {
            if (fwrite_unlocked(s, 1, n, o->fp) != n) o->failed = 1;
            return;
        }
    }
    memcpy(o->buf + o->used, s, n);
    o->used += n;
}

/* Formats fmt, which fmt_is_simple accepted, into o. */
static void format_simple(sink *o, const char *fmt, va_list ap)
{
    const char *lit = fmt, *p = fmt;
    for (; *p; p++) {
        if (*p != '%') continue;
        sink_add(o, lit, (size_t)(p - lit));
        char num[XLSX_G16_MAX];
        p++;
        if (*p == 's') {
            const char *s = va_arg(ap, const char *);
            if (!s) s = "(null)"; /* glibc's text for a null %s */
            sink_add(o, s, strlen(s));
        } else if (*p == 'd') {
            int v = va_arg(ap, int);
            char *s = put_u64(num + sizeof num, v < 0 ? 0 - (uint64_t)(int64_t)v : (uint64_t)v);
            if (v < 0) *--s = '-';
            sink_add(o, s, (size_t)(num + sizeof num - s));
        } else if (*p == '%') {
            sink_add(o, "%", 1);
        } else { /* ".16G" */
            double v = va_arg(ap, double);
            int n = xlsx_printf_g16(num, v);
            if (n < 0) n = libc_format(num, sizeof num, "%.16G", v);
            sink_add(o, num, (size_t)n);
            p += 3;
        }
        lit = p + 1;
    }
    sink_add(o, lit, (size_t)(p - lit));
}

int __fprintf_chk(FILE *fp, int flag, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r;
    if (fmt_is_simple(fmt)) {
        sink o;
        sink_init(&o, fp, NULL, 0);
        flockfile(fp);
        format_simple(&o, fmt, ap);
        sink_flush(&o);
        funlockfile(fp);
        r = o.failed ? -1 : (int)o.total;
    } else {
        r = __vfprintf_chk(fp, flag, fmt, ap);
    }
    va_end(ap);
    return r;
}

int snprintf(char *restrict out, size_t size, const char *restrict fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r;
    if (fmt_is_simple(fmt)) {
        sink o;
        sink_init(&o, NULL, out, size);
        format_simple(&o, fmt, ap);
        if (size) out[o.used] = '\0';
        r = (int)o.total;
    } else {
        r = vsnprintf(out, size, fmt, ap);
    }
    va_end(ap);
    return r;
}
