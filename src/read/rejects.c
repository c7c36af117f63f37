/* Spooling and writing rejected rows; see rejects.h. */
#include "rejects.h"

#include <csv.h>
#include <stdlib.h>
#include <string.h>

/* Spool format: one line per reject, fields separated by 0x1F; the value
 * and reason have 0x1F and newlines replaced so a line stays a line. */
static void put_clean(FILE *fp, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        fputc(c == '\x1f' || c == '\n' || c == '\r' ? ' ' : c, fp);
    }
}

int rejects_add(reject_spool *s, long rel_row, const char *column,
                const char *value, size_t value_len, const char *reason)
{
    if (!s->fp && !(s->fp = tmpfile())) return -1;
    fprintf(s->fp, "%ld\x1f", rel_row);
    put_clean(s->fp, column, strlen(column));
    fputc('\x1f', s->fp);
    if (value_len > 200) value_len = 200; /* a cell quoted in full is noise */
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

int rejects_csv_append(FILE *out, reject_spool *s, const char *file, long row_base)
{
    if (!s->fp) return 0;
    rewind(s->fp);
    strbuf line = STRBUF_INIT;
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
        char rowtxt[32];
        snprintf(rowtxt, sizeof rowtxt, "%ld", atol(f[0]) + row_base);
        put_csv_field(out, file, 0);
        put_csv_field(out, rowtxt, 0);
        put_csv_field(out, f[1], 0);
        put_csv_field(out, f[2], 0);
        put_csv_field(out, f[3], 1);
        strbuf_reset(&line);
    }
    strbuf_release(&line);
    return ferror(out) ? -1 : 0;
}
