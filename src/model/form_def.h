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
typedef enum { CAPITAL_ALL = 0, CAPITAL_CURRENT, CAPITAL_EXTENDED } form_capital;

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
    double width;
    int lineno;                  /* in the template, for messages */
} form_col;

typedef struct form {
    char *file;
    char *name, *sheet, *title, *subtitle, *unit;
    form_rows rows;
    int year_offset;             /* 0: the report year; -1: the year before */
    int nnumbering;              /* 0: the grouping's own numbering */
    number_style numbering[FORM_MAX_ROW_DEPTH]; /* by row depth */
    vars labels;                 /* label templates by name */
    int ncols;
    form_col cols[FORM_MAX_COLS];
} form;

/**
 * form_load - read a form template. The catalogue resolves source, group
 * and type codes in filters. Returns 0, or -1 with "file:line: why" in err.
 */
int form_load(form *f, const char *path, const catalogue *cat, strbuf *err);
/** form_free - release the form. */
void form_free(form *f);

#endif
