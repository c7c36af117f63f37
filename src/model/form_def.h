/*
 * form_def: the column-tree vocabulary shared by writing and reading. A
 * form template under templates/forms/ (or a reading layout under
 * templates/layouts/) says, for each column, its header path and its
 * measure and filter ("Ngân sách trung ương > Đầu tư phát triển | plan |
 * source=NSTW_DTPT"), and for the table its title block, row grouping,
 * numbering and labels. render/form builds a table from a form; read/
 * wide_layout matches a sheet's header rows to a form's column tree. Both
 * load forms here, so reading never depends on the rendering stage.
 */
#ifndef MTQG_FORM_DEF_H
#define MTQG_FORM_DEF_H

#include <stdint.h>

#include "../util/strbuf.h"
#include "../util/vars.h"
#include "catalogue.h"

typedef enum { M_STT, M_LABEL, M_UOM, M_SOURCE, M_NOTE, M_PLAN, M_DISBURSED,
               M_TARGET, M_ACHIEVED, M_ASSIGNED, M_ALLOCATED, M_SUM, M_DIFF,
               M_RATE } form_measure;
typedef enum { ROWS_PROJECT, ROWS_COMMUNE, ROWS_INDICATOR, ROWS_CONTROL } form_rows;
/* CAPITAL_YEAR: capital of the year `cap_back` years before the cell's
 * plan year (or that year and earlier, with cap_earlier). */
typedef enum { CAPITAL_ALL = 0, CAPITAL_CURRENT, CAPITAL_EXTENDED, CAPITAL_YEAR } form_capital;

/* scope=rate: only the sources the headline rate counts ([report]
 * rate_scope); scope=outside: only the others. Resolved by
 * form_set_rate_sources before a build. */
typedef enum { SCOPE_ANY = 0, SCOPE_RATE, SCOPE_OUTSIDE } form_scope;

/* Numbering styles a form may ask for, one per row depth. */
typedef enum {
    NUMBER_KEEP = 0, /* leave the grouping's own numbers (projects: 3, 3.1) */
    NUMBER_ROMAN,    /* I, II, III */
    NUMBER_ARABIC,   /* 1, 2, 3 (restarting under each parent) */
    NUMBER_DOTTED,   /* <parent's number>.1, .2 */
    NUMBER_LETTER,   /* a), b), c) */
    NUMBER_NONE      /* no number */
} number_style;

#define FORM_MAX_COLS 64
#define FORM_MAX_DEPTH 4
#define FORM_MAX_ROW_DEPTH 4         /* row depths a form numbers */

typedef struct form_col {
    char *id;
    int depth;
    char *path[FORM_MAX_DEPTH];  /* header levels, top first */
    form_measure measure;
    int nargs;
    int args[16];                /* column indices for sum / rate */
    uint64_t sources;            /* bit per catalogue source */
    form_capital capital;
    int cap_back, cap_earlier;   /* CAPITAL_YEAR: year-N, year-N-or-earlier */
    form_scope scope;            /* the headline rate's sources, or the others */
    double width;
    int lineno;                  /* in the template, for messages */
} form_col;

typedef struct form {
    char *file;
    char *name, *sheet, *title, *subtitle, *unit;
    char *continued;             /* heads a band of columns: "Biểu số 03 (tiếp theo)" */
    form_rows rows;
    int year_offset;             /* 0: the report year; -1: the year before */
    int nnumbering;              /* 0: the grouping's own numbering */
    number_style numbering[FORM_MAX_ROW_DEPTH]; /* by row depth */
    vars labels;                 /* label templates by name */
    int ncols;
    form_col cols[FORM_MAX_COLS];
    int scoped;                  /* a column has scope=; ... */
    int scope_set;               /* ... and form_set_rate_sources was called */
} form;

/**
 * form_load - read a form template. The catalogue resolves source, group
 * and type codes in filters. Returns 0, or -1 with "file:line: why" in err.
 */
int form_load(form *f, const char *path, const catalogue *cat, strbuf *err);
/**
 * form_set_rate_sources - narrow the scope=rate columns to the sources in
 * rate_sources (facts_rate_sources: the set the text's rate counts) and
 * the scope=outside columns to the others. A form with scope= columns is
 * refused by form_build until this was called.
 */
void form_set_rate_sources(form *f, uint64_t rate_sources);
/**
 * form_col_sources - the sources column c covers when the headline rate
 * counts rate_sources: its filter's, narrowed by its scope= (the one rule
 * form_set_rate_sources applies; a reader applies it with the scope a
 * sheet states in its header, wide_layout).
 */
uint64_t form_col_sources(const form_col *c, uint64_t rate_sources);
/** form_free - release the form. */
void form_free(form *f);

#endif
