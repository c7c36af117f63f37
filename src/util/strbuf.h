/*
 * strbuf: a small growable string, used everywhere instead of ad-hoc buffer
 * arithmetic (after git's strbuf). The buffer is always NUL-terminated, so
 * sb.buf can be handed to any C string function. An empty, never-grown
 * strbuf points at a static "" and owns no memory.
 */
#ifndef MTQG_STRBUF_H
#define MTQG_STRBUF_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

typedef struct strbuf {
    char *buf;
    size_t len;
    size_t alloc;
} strbuf;

extern char strbuf_empty[];
#define STRBUF_INIT { strbuf_empty, 0, 0 }

/** strbuf_grow_to - the buffer grown to hold need bytes, the NUL
 * included: strbuf_grow's slow path (callers use strbuf_grow). */
void strbuf_grow_to(strbuf *sb, size_t need);

/*
 * The calls made per byte or per cell (a national run makes tens of
 * millions: the PDF's content, the rows of a sheet) are inline here, so
 * that only growing is a call.
 */

/** Make sure at least extra more bytes (plus the NUL) fit without growing. */
static inline void strbuf_grow(strbuf *sb, size_t extra)
{
    if (sb->len + extra + 1 > sb->alloc) strbuf_grow_to(sb, sb->len + extra + 1);
}

/** Append len bytes of data. */
static inline void strbuf_add(strbuf *sb, const void *data, size_t len)
{
    strbuf_grow(sb, len);
    if (len) memcpy(sb->buf + sb->len, data, len);
    sb->len += len;
    sb->buf[sb->len] = '\0';
}

/** Append one byte. */
static inline void strbuf_addch(strbuf *sb, int c)
{
    strbuf_grow(sb, 1);
    sb->buf[sb->len++] = (char)c;
    sb->buf[sb->len] = '\0';
}

/** Cut the string to len bytes (len must not exceed the current length). */
static inline void strbuf_setlen(strbuf *sb, size_t len)
{
    if (!sb->alloc) return; /* the static "": nothing to cut */
    sb->len = len;
    sb->buf[len] = '\0';
}

/** Empty the string, keeping its memory for reuse. */
static inline void strbuf_reset(strbuf *sb)
{
    strbuf_setlen(sb, 0);
}

/** Append a NUL-terminated string. */
void strbuf_adds(strbuf *sb, const char *s);
/** Append printf-style formatted text. */
void strbuf_addf(strbuf *sb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void strbuf_vaddf(strbuf *sb, const char *fmt, va_list ap);
/** Give the buffer to the caller (always heap memory) and reset sb. */
char *strbuf_detach(strbuf *sb, size_t *len);
/** Free the memory and reset sb to empty. */
void strbuf_release(strbuf *sb);
/** Remove leading and trailing ASCII white space. */
void strbuf_trim(strbuf *sb);
/**
 * strbuf_read_file - append the whole file at path (at most max bytes).
 * Returns 0, or -1 with errno set (EFBIG when the file is larger than max).
 */
int strbuf_read_file(strbuf *sb, const char *path, size_t max);

/** strdup that aborts on out-of-memory, like every allocator here. */
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
/**
 * xcalloc_written - xcalloc whose pages are written now. For hash tables,
 * which are probed (read) before they are written: a fresh page of calloc
 * read first maps the shared zero page, and the first write then copies it
 * and flushes the TLB of every core the process runs on (an interrupt to
 * the other reading thread per page); written first, a page is mapped once.
 */
void *xcalloc_written(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
/** Grow an array so that index need-1 fits; doubles capacity. */
#define ALLOC_GROW(arr, need, cap)                                        \
    do {                                                                  \
        if ((size_t)(need) > (size_t)(cap)) {                             \
            size_t ncap_ = (cap) ? (size_t)(cap) * 2 : 16;                \
            while (ncap_ < (size_t)(need)) ncap_ *= 2;                    \
            (arr) = xrealloc((arr), ncap_ * sizeof(*(arr)));              \
            (cap) = ncap_;                                                \
        }                                                                 \
    } while (0)

#endif
