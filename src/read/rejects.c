/* Spooling and writing rejected rows; see rejects.h. */
#include "rejects.h"

#include <csv.h>
#include <stdlib.h>
#include <string.h>

#include "../util/text.h"

/*
 * Spool format: one line per reject, fields separated by 0x1F; the value
 * and reason have 0x1F and newlines replaced so a line stays a line. The
 * rejects file is UTF-8: a NUL byte or a byte that does not belong to a
 * UTF-8 character is written as the text \xNN, so the user sees what the
 * cell held and the file stays valid.
 */
static void put_clean(FILE *fp, const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        size_t k = c < 0x80 ? 1 : text_char_len(s + i, n - i);
        if (c == 0 || (c >= 0x80 && (k < 2 || !text_valid_utf8(s + i, k)))) {
            fprintf(fp, "\\x%02X", c);
            i++;
            continue;
        }
        if (k == 1) fputc(c == '\x1f' || c == '\n' || c == '\r' ? ' ' : c, fp);
        else fwrite(s + i, 1, k, fp);
        i += k;
    }
}

/* At most max bytes of s, not cutting a UTF-8 character in two. */
static size_t cut_at_char(const char *s, size_t n, size_t max)
{
    if (n <= max) return n;
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80) max--;
    return max;
}

int rejects_add(reject_spool *s, long rel_row, const char *column,
                const char *value, size_t value_len, const char *reason)
{
    return rejects_add_span(s, rel_row, 0, column, value, value_len, reason);
}

int rejects_add_span(reject_spool *s, long rel_row, long span, const char *column,
                     const char *value, size_t value_len, const char *reason)
{
    if (!s->fp && !(s->fp = tmpfile())) return -1;
    fprintf(s->fp, "%ld+%ld\x1f", rel_row, span);
    put_clean(s->fp, column, strlen(column));
    fputc('\x1f', s->fp);
    if (value) value_len = cut_at_char(value, value_len, 200); /* a cell quoted in full is noise */
    put_clean(s->fp, value ? value : "", value ? value_len : 0);
    fputc('\x1f', s->fp);
    put_clean(s->fp, reason, strlen(reason));
    fputc('\n', s->fp);
    s->count++;
    return ferror(s->fp) ? -1 : 0;
}

void rejects_close(reject_spool *s)
{
    if (s->fp) fclose(s->fp);
    s->fp = NULL;
    s->count = 0;
}

int rejects_csv_begin(FILE *out)
{
    fputs("\xEF\xBB\xBFTệp,Dòng,Cột,Giá trị,Lý do\n", out);
    return ferror(out) ? -1 : 0;
}

static void put_csv_field(FILE *out, const char *s, int last)
{
    csv_fwrite(out, s, strlen(s));
    fputc(last ? '\n' : ',', out);
}

/* A file name as valid UTF-8 (escaped like a value where it is not). */
static char *clean_name(const char *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    if (!m) return xstrdup(s);
    put_clean(m, s, strlen(s));
    fclose(m);
    return buf;
}

int rejects_csv_append(FILE *out, reject_spool *s, const char *file, long row_base)
{
    if (!s->fp) return 0;
    rewind(s->fp);
    strbuf line = STRBUF_INIT;
    char *name = clean_name(file);
    int c;
    while ((c = fgetc(s->fp)) != EOF) {
        if (c != '\n') {
            strbuf_addch(&line, c);
            continue;
        }
        char *f[4] = {line.buf, "", "", ""};
        for (int i = 1; i < 4; i++) {
            char *sep = strchr(f[i - 1], '\x1f');
            if (!sep) break;
            *sep = '\0';
            f[i] = sep + 1;
        }
        char rowtxt[48], *plus = strchr(f[0], '+');
        long row = atol(f[0]) + row_base, span = plus ? atol(plus + 1) : 0;
        if (span) snprintf(rowtxt, sizeof rowtxt, "%ld-%ld", row, row + span);
        else snprintf(rowtxt, sizeof rowtxt, "%ld", row);
        put_csv_field(out, name, 0);
        put_csv_field(out, rowtxt, 0);
        put_csv_field(out, f[1], 0);
        put_csv_field(out, f[2], 0);
        if (span) {
            strbuf why = STRBUF_INIT;
            strbuf_addf(&why, "%s (mở ở dòng %ld, đóng ở dòng %ld)", f[3], row, row + span);
            put_csv_field(out, why.buf, 1);
            strbuf_release(&why);
        } else {
            put_csv_field(out, f[3], 1);
        }
        strbuf_reset(&line);
    }
    strbuf_release(&line);
    free(name);
    return ferror(out) ? -1 : 0;
}
