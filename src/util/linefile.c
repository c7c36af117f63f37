/* Line-oriented reading of the template and catalogue files. */
#include "linefile.h"
#include "syserr.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "regfile.h"
#include "text.h"

/* Templates and configs are UTF-8 text: a line with a NUL byte or bytes
 * in another encoding is refused up front, naming the line, before any
 * of its words can reach an output. */
static int check_text(FILE *fp, const char *path, strbuf *err)
{
    strbuf l = STRBUF_INIT;
    int c = 0, rc = 0;
    for (long line = 1; rc == 0 && c != EOF; line++) {
        strbuf_reset(&l);
        while ((c = fgetc(fp)) != EOF && c != '\n') strbuf_addch(&l, c);
        if (memchr(l.buf, '\0', l.len))
            strbuf_addf(err, "%s:%ld: dòng có byte NUL (tệp không phải văn bản UTF-8)", path, line), rc = -1;
        else if (!text_valid_utf8(l.buf, l.len))
            strbuf_addf(err, "%s:%ld: không đúng mã UTF-8 (hãy lưu tệp dạng UTF-8)", path, line), rc = -1;
    }
    strbuf_release(&l);
    rewind(fp);
    return rc;
}

int linefile_open(linefile *lf, const char *path, strbuf *err)
{
    memset(lf, 0, sizeof *lf);
    lf->line = (strbuf)STRBUF_INIT;
    lf->section = (strbuf)STRBUF_INIT;
    int fd = regfile_open(path, NULL, err); /* not a folder, FIFO or device */
    lf->fp = fd >= 0 ? fdopen(fd, "r") : NULL;
    if (!lf->fp) {
        if (fd >= 0) {
            strbuf_addf(err, "%s: không mở được tệp (%s)", path, sys_error(errno));
            close(fd);
        }
        return -1;
    }
    if (check_text(lf->fp, path, err) < 0) {
        fclose(lf->fp);
        lf->fp = NULL;
        return -1;
    }
    lf->path = xstrdup(path);
    return 0;
}

static int read_line(linefile *lf)
{
    strbuf_reset(&lf->line);
    int c, any = 0;
    while ((c = fgetc(lf->fp)) != EOF) {
        any = 1;
        if (c == '\n') break;
        strbuf_addch(&lf->line, c);
    }
    if (!any) return 0;
    lf->lineno++;
    /* A UTF-8 byte-order mark on the first line is an editor's habit. */
    if (lf->lineno == 1 && lf->line.len >= 3 &&
        memcmp(lf->line.buf, "\xEF\xBB\xBF", 3) == 0) {
        memmove(lf->line.buf, lf->line.buf + 3, lf->line.len - 2);
        lf->line.len -= 3;
    }
    strbuf_trim(&lf->line);
    return 1;
}

int linefile_next(linefile *lf, int *is_section)
{
    *is_section = 0;
    while (read_line(lf)) {
        if (lf->line.len == 0 || lf->line.buf[0] == '#') continue;
        if (lf->line.buf[0] == '[' && lf->line.buf[lf->line.len - 1] == ']') {
            strbuf_reset(&lf->section);
            strbuf_add(&lf->section, lf->line.buf + 1, lf->line.len - 2);
            strbuf_trim(&lf->section);
            *is_section = 1;
        }
        return 1;
    }
    return 0;
}

void linefile_close(linefile *lf)
{
    if (lf->fp) fclose(lf->fp);
    free(lf->path);
    strbuf_release(&lf->line);
    strbuf_release(&lf->section);
    memset(lf, 0, sizeof *lf);
}

int linefile_error(linefile *lf, strbuf *err, const char *fmt, ...)
{
    strbuf_addf(err, "%s:%d: ", lf->path, lf->lineno);
    va_list ap;
    va_start(ap, fmt);
    strbuf_vaddf(err, fmt, ap);
    va_end(ap);
    return -1;
}

static char *trim_in_place(char *s)
{
    while (*s == ' ' || *s == '\t') s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r')) n--;
    s[n] = '\0';
    return s;
}

int split_fields(char *s, char sep, char **fields, int max)
{
    int n = 0;
    while (n < max) {
        char *e = strchr(s, sep);
        if (e) *e = '\0';
        fields[n++] = trim_in_place(s);
        if (!e) break;
        s = e + 1;
    }
    return n;
}

int split_key_value(char *s, char **key, char **value)
{
    char *eq = strchr(s, '=');
    if (!eq) return -1;
    *eq = '\0';
    *key = trim_in_place(s);
    *value = trim_in_place(eq + 1);
    return 0;
}
