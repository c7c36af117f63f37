/*
 * date: calendar dates as integers yyyymmdd, so that comparing two dates is
 * comparing two ints. Parsing accepts the forms exports use (25/5/2023,
 * 05/03/2024, 2024-03-05); formatting writes the forms docs/domain.md §7 and
 * Nghị định 30 ask for.
 */
#ifndef MTQG_DATE_H
#define MTQG_DATE_H

#include <stddef.h>

#include "strbuf.h"

/** date_parse - read dd/mm/yyyy, d/m/yyyy or yyyy-mm-dd; 0 on success. */
int date_parse(const char *s, size_t len, int *ymd);
/** date_make - yyyymmdd from parts, or 0 when the parts are not a date. */
int date_make(int y, int m, int d);
/** date_days_in_month - 28..31. */
int date_days_in_month(int y, int m);
/** date_short - append "25/5/2023" (tables and body text). */
void date_short(strbuf *sb, int ymd);
/** date_prose - append "ngày 25 tháng 5 năm 2023" (sentences). */
void date_prose(strbuf *sb, int ymd);
/**
 * date_header - append "ngày 05 tháng 3 năm 2024": the document date line of
 * Nghị định 30, with a leading zero on days below 10 and months 1 and 2.
 */
void date_header(strbuf *sb, int ymd);
/** date_iso - append "2024-03-05". */
void date_iso(strbuf *sb, int ymd);

#define DATE_Y(ymd) ((ymd) / 10000)
#define DATE_M(ymd) ((ymd) / 100 % 100)
#define DATE_D(ymd) ((ymd) % 100)

#endif
