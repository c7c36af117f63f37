/*
 * decimal: exact decimal numbers as scaled 64-bit integers.
 *
 * Money is held in đồng (int64_t); an input amount in triệu đồng is parsed
 * with scale 6, a physical quantity in thousandths with scale 3. Nothing on
 * the path from input text to output figure goes through binary floating
 * point, so sums of a million rows are exact to the đồng.
 *
 * Parsing follows a configured convention (docs/domain.md §7): the Vietnamese
 * one (1.473.139,5) also accepts plain numbers (1473139.5: at most one '.',
 * no ',', and 1-2 or 4+ digits after the '.'); the English one reads
 * 1,473,139.5. A value that does not fit the convention is an error, never a
 * guess.
 */
#ifndef MTQG_DECIMAL_H
#define MTQG_DECIMAL_H

#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

typedef enum { NUMCONV_VI = 0, NUMCONV_EN = 1 } num_convention;

typedef enum {
    NUM_OK = 0,
    NUM_EMPTY,     /* only white space */
    NUM_SYNTAX,    /* not a number in the configured convention */
    NUM_PRECISION, /* more decimals than the unit can hold (finer than 1 đồng) */
    NUM_RANGE      /* does not fit in 64 bits */
} num_status;

/**
 * decimal_parse - read text as a number scaled by 10^scale.
 * Leading/trailing spaces are ignored; "-5" and "(5)" are negative.
 * Returns NUM_OK and stores the value in *out, or the reason it failed.
 */
num_status decimal_parse(const char *s, size_t len, num_convention conv,
                         int scale, int64_t *out);

/**
 * decimal_parse_stored - read a number as a spreadsheet stored it: plain
 * "1473139.5", "-0.30000000000000004", "1.5E-3" (the shortest text of a
 * binary double), scaled by 10^scale and rounded half away from zero, so
 * 0.1 + 0.2 stored as 0.30000000000000004 triệu reads as 300.000 đồng.
 */
num_status decimal_parse_stored(const char *s, size_t len, int scale, int64_t *out);

/*
 * What a number written as text says about its own convention. A value
 * with a separator is read by the Vietnamese convention (1.473.139,5: '.'
 * groups, ',' decimal) or the dot one (1473139.5, 1,473,139.5: the `en`
 * and plain forms), and often only one of them reads it at all.
 */
typedef enum {
    NUMFORM_NONE = 0,   /* no separator ("1240"), or a number in neither form */
    NUMFORM_VI,         /* only the Vietnamese form reads it: "458,39", "1.240,691", "1.240.691" */
    NUMFORM_PLAIN,      /* only a decimal point reads it, no grouping: "1240.691", "12.5", "0.500" */
    NUMFORM_EN,         /* only the English form reads it, grouped: "1,240,691", "1,240.5" */
    NUMFORM_AMBIGUOUS   /* both read it, differently: "458.393", "1.300", "458,393" */
} num_form;

/**
 * decimal_classify - which convention(s) read s. Exactly one separator
 * followed by three digits, after one to three digits not starting with 0,
 * is ambiguous ("458.393" is 458393 in Vietnamese and 458.393 plain);
 * "0.500" and "0,500" are not (no one groups a leading zero). Signs, "(5)"
 * and surrounding spaces are allowed as in decimal_parse.
 */
num_form decimal_classify(const char *s, size_t len);

/**
 * decimal_parse_strict - decimal_parse with exactly the convention asked:
 * NUMCONV_VI does not fall back to the plain form. For messages that show
 * how each convention reads a value.
 */
num_status decimal_parse_strict(const char *s, size_t len, num_convention conv,
                                int scale, int64_t *out);

/** decimal_status_text - the Vietnamese reason for a failed parse. */
const char *decimal_status_text(num_status st);

/**
 * decimal_format - append value/10^scale in Vietnamese form ("2.149,287").
 * Rounds half away from zero to `decimals` places. trim DECIMAL_TRIM_WHOLE
 * prints no decimals when the rounded value is whole ("15.164", money);
 * DECIMAL_TRIM_ZEROS also drops trailing zeros ("10,6", quantities).
 */
enum { DECIMAL_TRIM_NONE = 0, DECIMAL_TRIM_WHOLE = 1, DECIMAL_TRIM_ZEROS = 2 };
void decimal_format(strbuf *sb, int64_t value, int scale, int decimals, int trim);

/**
 * decimal_ratio_round - round num/den * 10^places half away from zero, e.g.
 * places 3 gives per-mille: 13513610 / 15164000 -> 891. den must not be 0.
 */
int64_t decimal_ratio_round(int64_t num, int64_t den, int places);

/** decimal_rate_format - append a rate num/den as "89,1%"; "-" when den is 0. */
void decimal_rate_format(strbuf *sb, int64_t num, int64_t den);

/** decimal_to_double - value/10^scale for writers that need a double. */
double decimal_to_double(int64_t value, int scale);

#endif
