/* Placeholder values and expansion; see vars.h. */
#include "vars.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void vars_init(vars *v)
{
    memset(v, 0, sizeof *v);
}

void vars_free(vars *v)
{
    for (int i = 0; i < v->n; i++) {
        free(v->names[i]);
        free(v->values[i]);
    }
    free(v->names);
    free(v->values);
    memset(v, 0, sizeof *v);
}

static int find(const vars *v, const char *name, size_t len)
{
    for (int i = 0; i < v->n; i++)
        if (strlen(v->names[i]) == len && !memcmp(v->names[i], name, len)) return i;
    return -1;
}

void vars_set(vars *v, const char *name, const char *value)
{
    int i = find(v, name, strlen(name));
    if (i >= 0) {
        free(v->values[i]);
        v->values[i] = xstrdup(value);
        return;
    }
    if (v->n == v->alloc) {
        v->alloc = v->alloc ? v->alloc * 2 : 32;
        v->names = xrealloc(v->names, (size_t)v->alloc * sizeof(char *));
        v->values = xrealloc(v->values, (size_t)v->alloc * sizeof(char *));
    }
    v->names[v->n] = xstrdup(name);
    v->values[v->n++] = xstrdup(value);
}

void vars_setf(vars *v, const char *name, const char *fmt, ...)
{
    strbuf sb = STRBUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    strbuf_vaddf(&sb, fmt, ap);
    va_end(ap);
    vars_set(v, name, sb.buf);
    strbuf_release(&sb);
}

const char *vars_get(const vars *v, const char *name)
{
    int i = find(v, name, strlen(name));
    return i >= 0 ? v->values[i] : NULL;
}

/* A value that says nothing: empty, a zero figure or a rate of nothing. */
static int says_something(const char *val)
{
    return *val && strcmp(val, "0") && strcmp(val, "-");
}

/* The '}' closing the '{' at p, nested braces counted; NULL if none. */
static const char *closing_brace(const char *p)
{
    int depth = 0;
    for (; *p; p++) {
        if (p[0] == '{' && p[1] == '{') {
            p++;
            continue;
        }
        if (*p == '{') depth++;
        else if (*p == '}' && --depth == 0) return p;
    }
    return NULL;
}

/* "{?name:text}" (text when name says something) or "{!name:text}" (when
 * it does not) at p; returns the end of the segment, NULL on error. */
static const char *conditional(const vars *v, const char *p, strbuf *out, strbuf *err)
{
    const char *end = closing_brace(p), *colon = strchr(p, ':');
    int i = end && colon && colon < end ? find(v, p + 2, (size_t)(colon - p - 2)) : -1;
    if (i < 0) {
        int n = end ? (int)(end - p + 1) : (int)strlen(p);
        strbuf_addf(err, "không có giá trị cho chỗ trống %.*s", n, p);
        return NULL;
    }
    if (says_something(v->values[i]) == (p[1] == '?')) {
        char *inner = xstrndup(colon + 1, (size_t)(end - colon - 1));
        int rc = vars_expand(v, inner, out, err);
        free(inner);
        if (rc < 0) return NULL;
    }
    return end + 1;
}

int vars_expand(const vars *v, const char *tmpl, strbuf *out, strbuf *err)
{
    for (const char *p = tmpl; *p;) {
        if (p[0] == '{' && (p[1] == '?' || p[1] == '!')) {
            if (!(p = conditional(v, p, out, err))) return -1;
            continue;
        }
        if (p[0] == '{' && p[1] == '{') {
            strbuf_addch(out, '{');
            p += 2;
            continue;
        }
        if (*p != '{') {
            strbuf_addch(out, *p++);
            continue;
        }
        const char *end = strchr(p, '}');
        if (!end || memchr(p + 1, '{', (size_t)(end - p - 1))) {
            int n = (int)strcspn(p + 1, "{}") + 1;
            strbuf_addf(err, "dấu { của \"%.*s\" không có dấu } đóng", n, p);
            return -1;
        }
        int i = find(v, p + 1, (size_t)(end - p - 1));
        if (i < 0) {
            strbuf_addf(err, "không có giá trị cho chỗ trống %.*s", (int)(end - p + 1), p);
            return -1;
        }
        strbuf_adds(out, v->values[i]);
        p = end + 1;
    }
    return 0;
}
