/* Reporting periods; see period.h. */
#include "period.h"

#include <stdio.h>
#include <string.h>

#include "date.h"

static int end_of_month(int y, int m)
{
    return date_make(y, m, date_days_in_month(y, m));
}

static void set(period *p, period_kind k, int year, int from, int part, int end_month)
{
    p->kind = k;
    p->year = year;
    p->year_from = from;
    p->part = part;
    p->end = end_of_month(year, end_month);
}

int period_parse(const char *s, period *p, strbuf *err)
{
    int y = 0, a = 0, used = 0;
    char c = 0;
    memset(p, 0, sizeof *p);
    if (sscanf(s, "%4d%n", &y, &used) == 1 && !s[used] && y >= 2000)
        set(p, PERIOD_YEAR, y, y, 0, 12);
    else if (sscanf(s, "%4d-%c%d%n", &y, &c, &a, &used) == 3 && !s[used] && (c == 'Q' || c == 'q') &&
             a >= 1 && a <= 4)
        set(p, PERIOD_QUARTER, y, y, a, a * 3);
    else if (sscanf(s, "%4d-%c%d%n", &y, &c, &a, &used) == 3 && !s[used] && (c == 'H' || c == 'h') &&
             a >= 1 && a <= 2)
        set(p, PERIOD_HALF, y, y, a, a * 6);
    else if (sscanf(s, "%4d-9%c%n", &y, &c, &used) == 2 && !s[used] && (c == 'T' || c == 't'))
        set(p, PERIOD_NINE_MONTHS, y, y, 0, 9);
    else if (sscanf(s, "%4d-%d%n", &y, &a, &used) == 2 && !s[used] && a >= 1 && a <= 12 &&
             strlen(s) == 7)
        set(p, PERIOD_MONTH, y, y, a, a);
    else if (sscanf(s, "%4d-%4d%n", &a, &y, &used) == 2 && !s[used] && a >= 2000 && y > a)
        set(p, PERIOD_PHASE, y, a, 0, 12);
    else {
        strbuf_addf(err, "kỳ báo cáo \"%s\" không hợp lệ (cần 2024, 2024-Q3, 2024-H1, 2024-9T, "
                    "2024-06 hoặc 2021-2025)", s);
        return -1;
    }
    if (y < 2000 || y > 2100 || !p->end) {
        strbuf_addf(err, "kỳ báo cáo \"%s\": năm không hợp lệ", s);
        return -1;
    }
    snprintf(p->tag, sizeof p->tag, "%s", s);
    for (char *t = p->tag; *t; t++)
        if (*t >= 'a' && *t <= 'z') *t = (char)(*t - 32);
    return 0;
}

void period_label(const period *p, strbuf *sb)
{
    static const char *const roman[] = {"", "I", "II", "III", "IV"};
    switch (p->kind) {
    case PERIOD_YEAR: strbuf_addf(sb, "năm %d", p->year); break;
    case PERIOD_QUARTER: strbuf_addf(sb, "quý %s năm %d", roman[p->part], p->year); break;
    case PERIOD_HALF:
        strbuf_addf(sb, p->part == 1 ? "6 tháng đầu năm %d" : "6 tháng cuối năm %d", p->year);
        break;
    case PERIOD_NINE_MONTHS: strbuf_addf(sb, "9 tháng năm %d", p->year); break;
    case PERIOD_MONTH: strbuf_addf(sb, "tháng %d năm %d", p->part, p->year); break;
    case PERIOD_PHASE: strbuf_addf(sb, "giai đoạn %d - %d", p->year_from, p->year); break;
    }
}
