/*
 * strbuf implementation and the x* allocators. Out-of-memory is fatal: a
 * report generator that ran out of memory cannot produce a correct report,
 * and checking every small allocation would bury the logic.
 */
#include "strbuf.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char strbuf_empty[1];

static void die_oom(size_t n)
{
    fprintf(stderr, "mtqg-report: hết bộ nhớ (cần %zu byte)\n", n);
    abort();
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) die_oom(n);
    return p;
}

void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) die_oom(n * size);
    return p;
}

void *xcalloc_written(size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size) die_oom(SIZE_MAX);
    size_t bytes = n * size;
    void *p = xmalloc(bytes);
    /* Not memset: the compiler turns malloc + memset into calloc. */
    explicit_bzero(p, bytes);
    return p;
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) die_oom(n);
    return q;
}

char *xstrndup(const char *s, size_t n)
{
    char *p = xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

void strbuf_grow_to(strbuf *sb, size_t need)
{
    if (need <= sb->alloc) return;
    size_t ncap = sb->alloc ? sb->alloc : 64;
    while (ncap < need) ncap *= 2;
    if (sb->alloc == 0) {
        sb->buf = xmalloc(ncap);
        sb->buf[0] = '\0';
    } else {
        sb->buf = xrealloc(sb->buf, ncap);
    }
    sb->alloc = ncap;
}

void strbuf_adds(strbuf *sb, const char *s)
{
    strbuf_add(sb, s, strlen(s));
}

void strbuf_vaddf(strbuf *sb, const char *fmt, va_list ap)
{
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(sb->buf + sb->len, sb->alloc ? sb->alloc - sb->len : 0,
                      fmt, cp);
    va_end(cp);
    if (n < 0) return;
    if ((size_t)n >= (sb->alloc ? sb->alloc - sb->len : 0)) {
        strbuf_grow(sb, (size_t)n);
        vsnprintf(sb->buf + sb->len, sb->alloc - sb->len, fmt, ap);
    }
    sb->len += (size_t)n;
}

void strbuf_addf(strbuf *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    strbuf_vaddf(sb, fmt, ap);
    va_end(ap);
}

char *strbuf_detach(strbuf *sb, size_t *len)
{
    char *r;
    if (len) *len = sb->len;
    if (sb->alloc) {
        r = sb->buf;
    } else {
        r = xstrdup("");
    }
    sb->buf = strbuf_empty;
    sb->len = sb->alloc = 0;
    return r;
}

void strbuf_release(strbuf *sb)
{
    if (sb->alloc) free(sb->buf);
    sb->buf = strbuf_empty;
    sb->len = sb->alloc = 0;
}

void strbuf_trim(strbuf *sb)
{
    size_t b = 0, e = sb->len;
    while (b < e && isspace((unsigned char)sb->buf[b])) b++;
    while (e > b && isspace((unsigned char)sb->buf[e - 1])) e--;
    if (!sb->alloc) return;
    memmove(sb->buf, sb->buf + b, e - b);
    strbuf_setlen(sb, e - b);
}

int strbuf_read_file(strbuf *sb, const char *path, size_t max)
{
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    char buf[8192];
    size_t n, total = 0;
    int rc = 0;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        if ((total += n) > max) {
            errno = EFBIG;
            rc = -1;
            break;
        }
        strbuf_add(sb, buf, n);
    }
    if (rc == 0 && ferror(f)) rc = -1;
    int saved = errno;
    fclose(f);
    errno = saved;
    return rc;
}
