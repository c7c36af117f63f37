/*
 * controls: the totals the level above assigned (KH giao), read from
 * giao_von* files, by plan year, capital year, project (or -1 for all
 * projects) and source; and their comparison with the sum of the
 * allocation rows, which a report lists instead of printing totals that do
 * not add up.
 */
#ifndef MTQG_CONTROLS_H
#define MTQG_CONTROLS_H

#include <stdint.h>

#include "../util/strmap.h"
#include "catalogue.h"
#include "cube.h"

typedef struct control_line {
    int year, cap_year, project, source;
    int64_t assigned;   /* đồng */
    int64_t allocated;  /* đồng: filled by controls_compare */
    int overflow;       /* 1: a sum left int64 (dataset_check_range) */
} control_line;

typedef struct controls {
    int64_t tolerance;  /* đồng: a difference up to this is rounding */
    strmap keys;
    int n, alloc;
    control_line *lines;
} controls;

typedef enum { CONTROL_MATCH, CONTROL_ROUNDING, CONTROL_MISMATCH } control_state;

/**
 * control_line_state - how a line's allocation rows compare with its
 * assigned total: equal, within tolerance (đồng: rounding), or not.
 */
control_state control_line_state(const control_line *l, int64_t tolerance);

/** controls_init / controls_free */
void controls_init(controls *c);
void controls_free(controls *c);
/** controls_add - add an assigned amount to its line (project -1: all). */
void controls_add(controls *c, int year, int cap_year, int project, int source,
                  int64_t amount);
/** controls_merge - fold src into dst. */
void controls_merge(controls *dst, const controls *src);
/**
 * controls_compare - fill `allocated` of every line from the cube (plan
 * rows of the same plan year, capital year and source, under the project)
 * and sort the lines: plan year, capital year, all-projects lines first,
 * then projects and sources in catalogue order.
 */
void controls_compare(controls *c, const cube *cb, const catalogue *cat);

#endif
