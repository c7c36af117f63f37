/*
 * form: the builder that turns a form (model/form_def.h: a template file
 * under templates/forms/ with its title block, column tree, measures and
 * filters, row grouping, labels) and the dataset into a table model.
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
#include "../model/form_def.h"
#include "../util/vars.h"
#include "row_tree.h"
#include "table.h"

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
