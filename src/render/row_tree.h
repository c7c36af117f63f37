/*
 * row_tree: the rows of a form in display order (pre-order), each knowing
 * its parent, before any figure is added. Builders for the project, commune
 * and indicator groupings create nodes; form_build then adds each cube cell
 * to a leaf and all its ancestors, and emits the nodes as table rows.
 */
#ifndef MTQG_ROW_TREE_H
#define MTQG_ROW_TREE_H

#include "../model/dataset.h"
#include "../model/form_def.h"
#include "../util/vars.h"

typedef struct row_node {
    int parent;      /* -1 for a root */
    int depth;       /* 0 for the total row */
    int style;       /* table_row_style bits */
    int sums;        /* 1: a subtotal of its children (gets figures) */
    char *number;    /* STT text */
    char *label;
    char *uom;       /* indicator unit, or NULL */
    char *source;    /* control line: the source's name, or NULL */
    char *note;      /* control line: match / rounding / mismatch label */
} row_node;

typedef struct row_tree {
    int n, alloc;
    row_node *nodes;
    int *leaf_of;    /* project id / unit id / indicator cell -> node, -1 */
    int nleaf;
    int has_total;   /* node 0 is a TỔNG SỐ row over everything */
} row_tree;

/** row_tree_free */
void row_tree_free(row_tree *t);
/**
 * row_tree_projects - total, projects, sub-projects (and a "not assigned to
 * a sub-project" row where a parent has direct amounts in `year`).
 * leaf_of is indexed by project id. Labels from the form's [labels].
 */
int row_tree_projects(row_tree *t, const dataset *ds, const vars *labels,
                      year_span year, strbuf *err);
/**
 * row_tree_units - total, [provinces], districts, communes, the district-
 * and province-level lines. leaf_of is indexed by unit id.
 */
int row_tree_units(row_tree *t, const dataset *ds, const vars *labels, strbuf *err);
/**
 * row_tree_indicators - a section per project with indicators in `year`,
 * a row per (project, indicator, unit). leaf_of is indexed by ind cell.
 */
int row_tree_indicators(row_tree *t, const dataset *ds, const vars *labels,
                        year_span year, strbuf *err);

/**
 * row_tree_controls - one row per assigned total of `year` (in the order
 * controls_compare left them), with its source and a note saying whether
 * the allocation rows match it, differ by rounding (within the tolerance)
 * or differ. leaf_of is indexed by control line.
 */
int row_tree_controls(row_tree *t, const dataset *ds, const vars *labels,
                      year_span year, strbuf *err);

/* number_style and the depth a form numbers: model/form_def.h. */
#define ROW_TREE_MAX_DEPTH FORM_MAX_ROW_DEPTH

/**
 * row_tree_number - renumber rows by depth (1 = below TỔNG SỐ, or the top
 * rows of a tree without one) with styles[depth - 1]; depths past nstyles
 * keep their numbers.
 */
void row_tree_number(row_tree *t, const number_style *styles, int nstyles);

#endif
