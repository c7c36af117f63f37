/*
 * csv2xlsx: the bench's converter. Writes a CSV export as the .xlsx an
 * office would send: one sheet, text cells, and the amount columns
 * (ke_hoach, giai_ngan, thuc_hien, giao) stored as numbers. Used by
 * bench/run.sh to measure the XLSX read rate on national-size data. A
 * sheet holds at most 1,048,576 rows (Excel's limit): rows past it are
 * left out, and said. By default the text cells are inline strings
 * (libxlsxwriter's constant-memory mode: the largest XML a reader meets);
 * with --shared-strings they go to a shared-string table, as Excel and
 * LibreOffice write them (libxlsxwriter then holds every cell: about
 * 1.2 GB for the national payments).
 *   csv2xlsx [--shared-strings] IN.csv OUT.xlsx
 */
#include <csv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

typedef struct conv {
    lxw_worksheet *ws;
    int row, col;
    int numeric[64];   /* columns holding amounts, from the header */
} conv;

/* "1.250,5" (Vietnamese) or "1250.5" (plain) as a double. */
static double vi_number(const char *s)
{
    char buf[64];
    size_t k = 0;
    int plain = !strchr(s, ',') && strchr(s, '.') && strlen(strchr(s, '.') + 1) != 3;
    for (; *s && k + 1 < sizeof buf; s++) {
        if (*s == ',') buf[k++] = '.';
        else if (*s != '.' || plain) buf[k++] = *s;
    }
    buf[k] = '\0';
    return strtod(buf, NULL);
}

static void on_field(void *s, size_t len, void *data)
{
    conv *c = data;
    char *text = strndup(s ? s : "", len);
    if (c->row == 0 && c->col < 64) {
        c->numeric[c->col] = !strcmp(text, "ke_hoach") || !strcmp(text, "giai_ngan") ||
                             !strcmp(text, "thuc_hien") || !strcmp(text, "giao");
    }
    if (len && c->row > 0 && c->col < 64 && c->numeric[c->col])
        worksheet_write_number(c->ws, (lxw_row_t)c->row, (lxw_col_t)c->col, vi_number(text), NULL);
    else if (len)
        worksheet_write_string(c->ws, (lxw_row_t)c->row, (lxw_col_t)c->col, text, NULL);
    free(text);
    c->col++;
}

static void on_row(int ch, void *data)
{
    conv *c = data;
    (void)ch;
    c->row++;
    c->col = 0;
}

int main(int argc, char **argv)
{
    int shared = argc == 4 && !strcmp(argv[1], "--shared-strings");
    if (argc != 3 + shared) {
        fprintf(stderr, "usage: csv2xlsx [--shared-strings] IN.csv OUT.xlsx\n");
        return 2;
    }
    argv += shared;
    FILE *in = fopen(argv[1], "rb");
    if (!in) {
        perror(argv[1]);
        return 1;
    }
    lxw_workbook_options opt = {.constant_memory = shared ? LXW_FALSE : LXW_TRUE};
    lxw_workbook *wb = workbook_new_opt(argv[2], &opt);
    conv c = {workbook_add_worksheet(wb, NULL), 0, 0, {0}};
    struct csv_parser p;
    csv_init(&p, CSV_APPEND_NULL);
    char buf[1 << 16];
    size_t n;
    int first = 1;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0) {
        size_t skip = 0;
        if (first) {
            csv_set_delim(&p, memchr(buf, ';', n < 200 ? n : 200) ? ';' : ',');
            skip = n >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3) ? 3 : 0; /* a UTF-8 BOM */
        }
        first = 0;
        csv_parse(&p, buf + skip, n - skip, on_field, on_row, &c);
    }
    csv_fini(&p, on_field, on_row, &c);
    csv_free(&p);
    fclose(in);
    if (c.row > 1048576)
        fprintf(stderr, "csv2xlsx: %s: %d rows past the sheet limit left out\n", argv[2],
                c.row - 1048576);
    return workbook_close(wb) == LXW_NO_ERROR ? 0 : 1;
}
