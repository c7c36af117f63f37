/*
 * period: the reporting periods offices use, parsed from the forms written
 * in reports.ini: a year "2024", a quarter "2024-Q3", a half year
 * "2024-H1" / "2024-H2", nine months "2024-9T", a month "2024-06", and the
 * cumulative phase "2021-2025" (lũy kế). Each gives the plan years it
 * covers, the date the figures are taken at by default (its last day),
 * the words for titles ("quý III năm 2024") and a tag for file names.
 */
#ifndef MTQG_PERIOD_H
#define MTQG_PERIOD_H

#include "strbuf.h"

typedef enum { PERIOD_YEAR, PERIOD_QUARTER, PERIOD_HALF, PERIOD_NINE_MONTHS,
               PERIOD_MONTH, PERIOD_PHASE } period_kind;

typedef struct period {
    period_kind kind;
    int year;        /* the plan year (the last year of a phase) */
    int year_from;   /* the first plan year covered (= year but for a phase) */
    int part;        /* quarter 1-4, half 1-2, month 1-12 */
    int end;         /* yyyymmdd: the last day, the default as-of date */
    char tag[24];    /* for file names: "2024", "2024-Q3", "2021-2025" */
} period;

/** period_parse - read a period; 0, or -1 with the accepted forms in err. */
int period_parse(const char *s, period *p, strbuf *err);
/** period_label - append "quý III năm 2024", "6 tháng đầu năm 2024" ... */
void period_label(const period *p, strbuf *sb);

#endif
