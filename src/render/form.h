/*
 * form: a table form defined by a template file under templates/forms/
 * (title block, column tree, measures and filters, row grouping, labels),
 * and the builder that turns a form and the dataset into a table model.
 *
 * The builder lays out the row tree first (in display order), then adds
 * every cube cell of the report year to its row and to each ancestor row
 * directly. Subtotals are therefore computed from the cube, not by adding
 * the rows below them, and table_check_sums can prove that the two agree.
 */
#ifndef MTQG_FORM_H
#define MTQG_FORM_H

#include <stdint.h>

#include "../model/dataset.h"
#include "row_tree.h"
#include "table.h"
#include "vars.h"

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

#define FORM_MAX_COLS 64
#define FORM_MAX_DEPTH 4

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
    form_rows rows;
    int year_offset;             /* 0: the report year; -1: the year before */
    int nnumbering;              /* 0: the grouping's own numbering */
    number_style numbering[ROW_TREE_MAX_DEPTH]; /* by row depth */
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
/** form_free - release the form. */
void form_free(form *f);
/**
 * form_build - the table of form f for the plan years `years` (moved by
 * the form's year offset) from ds, with {placeholders} expanded from v. Returns the
 * table, or NULL with err set. A control form with no assigned totals for
 * the year gives a table with no body rows.
 */
table *form_build(const form *f, const dataset *ds, const vars *v, year_span years,
                  strbuf *err);

/* Why a table could not be built: what the user must fix. */
typedef enum {
    FORM_ERR_TEMPLATE = 0, /* the form or the wording (exit 2) */
    FORM_ERR_DATA,         /* a sum past the exact range (exit 3) */
    FORM_ERR_INTERNAL      /* the subtotal self-check failed (exit 1) */
} form_error;

/** form_build_kind - form_build that also says why it failed in *kind. */
table *form_build_kind(const form *f, const dataset *ds, const vars *v, year_span years,
                       strbuf *err, form_error *kind);

#endif
