/* Dates as yyyymmdd integers: parsing and the Vietnamese written forms. */
#include "date.h"

static int is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int date_days_in_month(int y, int m)
{
    static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12) return 0;
    return m == 2 && is_leap(y) ? 29 : dm[m - 1];
}

int date_make(int y, int m, int d)
{
    if (y < 1900 || y > 9999 || m < 1 || m > 12) return 0;
    if (d < 1 || d > date_days_in_month(y, m)) return 0;
    return y * 10000 + m * 100 + d;
}

/* Read 1..maxd digits; returns count read. */
static size_t read_int(const char *s, size_t len, size_t maxd, int *v)
{
    size_t i = 0;
    *v = 0;
    while (i < len && i < maxd && s[i] >= '0' && s[i] <= '9')
        *v = *v * 10 + (s[i++] - '0');
    return i;
}

int date_parse(const char *s, size_t len, int *ymd)
{
    while (len && (*s == ' ' || *s == '\t')) s++, len--;
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t')) len--;
    int a, b, c;
    size_t n1 = read_int(s, len, 4, &a);
    if (n1 == 0 || n1 == len) return -1;
    char sep = s[n1];
    if (sep != '/' && sep != '-' && sep != '.') return -1;
    size_t p = n1 + 1;
    size_t n2 = read_int(s + p, len - p, 2, &b);
    if (n2 == 0 || p + n2 >= len || s[p + n2] != sep) return -1;
    p += n2 + 1;
    size_t n3 = read_int(s + p, len - p, 4, &c);
    if (n3 == 0 || p + n3 != len) return -1;
    int d;
    if (n1 == 4 && sep == '-')
        d = date_make(a, b, c);        /* yyyy-mm-dd */
    else if (n1 <= 2 && n3 == 4)
        d = date_make(c, b, a);        /* dd/mm/yyyy */
    else
        return -1;
    if (!d) return -1;
    *ymd = d;
    return 0;
}

void date_short(strbuf *sb, int ymd)
{
    strbuf_addf(sb, "%d/%d/%d", DATE_D(ymd), DATE_M(ymd), DATE_Y(ymd));
}

void date_prose(strbuf *sb, int ymd)
{
    strbuf_addf(sb, "ngày %d tháng %d năm %d", DATE_D(ymd), DATE_M(ymd),
                DATE_Y(ymd));
}

void date_header(strbuf *sb, int ymd)
{
    int m = DATE_M(ymd);
    strbuf_addf(sb, m <= 2 ? "ngày %02d tháng %02d năm %d" : "ngày %02d tháng %d năm %d",
                DATE_D(ymd), m, DATE_Y(ymd));
}

void date_iso(strbuf *sb, int ymd)
{
    strbuf_addf(sb, "%04d-%02d-%02d", DATE_Y(ymd), DATE_M(ymd), DATE_D(ymd));
}
