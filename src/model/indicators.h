/*
 * indicators: physical results (chỉ tiêu) by unit, project, plan year,
 * indicator name and unit of measure: target and achieved, in thousandths
 * of the unit (so 2,5 km is 2500, exact). Names are matched after NFC and
 * case folding; the spelling shown is the one at the earliest position
 * (task, row), so it does not depend on which thread read what.
 */
#ifndef MTQG_INDICATORS_H
#define MTQG_INDICATORS_H

#include <stdint.h>

#include "../util/strbuf.h"
#include "../util/strmap.h"

typedef struct ind_cell {
    uint32_t unit;
    uint16_t project, year;
    int32_t name, uom;      /* ids into names / uoms */
    int64_t target, achieved;
    int overflow;           /* 1: a sum left int64 (dataset_check_range) */
} ind_cell;

typedef struct indicators {
    strmap name_keys, uom_keys, cell_keys;
    int nnames, names_alloc, nuoms, uoms_alloc, ncells, cells_alloc;
    char **names, **uoms;
    uint64_t *names_pos, *uoms_pos; /* where each spelling was first seen */
    ind_cell *cells;
} indicators;

/** indicators_init / indicators_free */
void indicators_init(indicators *in);
void indicators_free(indicators *in);
/** indicators_intern_name / _uom - id for a text seen at pos; -1 on invalid UTF-8. */
int indicators_intern_name(indicators *in, const char *s, size_t len, uint64_t pos);
int indicators_intern_uom(indicators *in, const char *s, size_t len, uint64_t pos);
/** indicators_add - add target and achieved to the cell of the key. */
void indicators_add(indicators *in, uint32_t unit, int project, int year,
                    int name, int uom, int64_t target, int64_t achieved);
/** indicators_merge - fold src into dst (units mapped through unit_remap; -1: left out). */
void indicators_merge(indicators *dst, const indicators *src, const int *unit_remap);

/**
 * indicators_sort - renumber names and units of measure in text order, so
 * ids (and every listing by id) do not depend on which thread read what.
 */
void indicators_sort(indicators *in);

#endif
