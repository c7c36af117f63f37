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

int vars_expand(const vars *v, const char *tmpl, strbuf *out, strbuf *err)
{
    for (const char *p = tmpl; *p;) {
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
