/*
 * dataset: everything the readers produce and the renderers consume: the
 * merged units, cube and indicators, and per-file counts that prove nothing
 * was lost (read = accepted + skipped + rejected).
 */
#ifndef MTQG_DATASET_H
#define MTQG_DATASET_H

#include <stdio.h>

#include "catalogue.h"
#include "contents.h"
#include "controls.h"
#include "cube.h"
#include "indicators.h"
#include "units.h"
#include "../util/sha256.h"

/* The plan years a report covers: one year, or a phase (lũy kế). Capital
 * of a row's own plan year is "current"; of an earlier year, "extended". */
typedef struct year_span {
    int from, to;
} year_span;

static inline int year_span_has(year_span s, int y)
{
    return y >= s.from && y <= s.to;
}

typedef enum { KIND_PLAN = 0, KIND_DISB, KIND_INDICATOR, KIND_CONTROL, KIND_COUNT } input_kind;

typedef struct file_stats {
    char *path;
    input_kind kind;
    long read;        /* data rows (records after the header) */
    long accepted;    /* aggregated */
    long skipped;     /* valid but dated after the as-of date */
    long rejected;    /* in the rejects file */
    long other_year;  /* accepted, but for another plan year than the report's */
    long duplicates;  /* accepted rows repeating an earlier row of the file */
    char sha256[SHA256_HEX]; /* of the bytes read (ingest_options.hash), or "" */
    uint64_t bytes;   /* how many */
} file_stats;

typedef struct dataset {
    const catalogue *cat;  /* borrowed */
    units units;
    cube cube;
    indicators ind;
    contents items;        /* nội dung of plan rows */
    controls checks;       /* assigned totals (giao_von) */
    int nfiles;
    file_stats *files;
    long rejected_total;
    long duplicates_total;
    int nnotes, notes_alloc;
    char **notes;          /* warnings about the inputs, for the log */
    int nerrors, errors_alloc;
    char **errors;         /* data errors (exit 3): figures that do not add up, each with its place */
    FILE *rejects;         /* rejects CSV body (tmpfile), NULL when none */
} dataset;

/** dataset_init / dataset_free */
void dataset_init(dataset *d, const catalogue *cat);
void dataset_free(dataset *d);
/**
 * dataset_release_aggregates - free the units, cube and indicators once
 * the tables and facts (which copy what they need) are built, so the
 * writers do not carry them; the per-file counts stay.
 */
void dataset_release_aggregates(dataset *d);
/** dataset_note - add a warning about the inputs (printf-style). */
void dataset_note(dataset *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/** dataset_error - add a data error (printf-style): the run ends in exit 3. */
void dataset_error(dataset *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/**
 * dataset_subset - dst (initialised here) gets the units of src marked in
 * keep, their aggregates and indicators, src's content items, and src's
 * file counts and notes (they describe the whole run). Assigned totals
 * are left out: they are given for the whole.
 */
void dataset_subset(dataset *dst, const dataset *src, const unsigned char *keep);
/**
 * dataset_check_range - 0 when every figure any table, roll-up or sentence
 * can draw from ds fits int64 đồng: no cell's sum overflowed while reading,
 * and for each measure (plan, disbursed, target, achieved, assigned) the
 * sum of the absolute values of all cells fits, so any sum of cells of one
 * measure does too. Else -1 with err naming the cell.
 */
int dataset_check_range(const dataset *d, strbuf *err);
/**
 * dataset_check_results - the controls on the figures a report prints,
 * each failure a data error naming its place: a cell (unit, project,
 * source, plan and capital year) of the years in span disbursed above
 * its plan (which is also every rate above 100%: a table's rate is its
 * cells' sums); and no plan row at all for those years. Returns 1 in the
 * last case: no report may be drawn from an all-zero plan.
 */
int dataset_check_results(dataset *ds, year_span span);
/**
 * dataset_regroup - replace d's units with nu (taken over) and move every
 * aggregate, indicator and content item of unit i to unit remap[i]: sums
 * of units that land together add up (exact); file counts stay.
 */
void dataset_regroup(dataset *d, units *nu, const int *remap);
/** input_kind_name - "ke_hoach", "giai_ngan", "chi_tieu", "giao_von". */
const char *input_kind_name(input_kind k);

#endif
