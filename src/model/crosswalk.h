/*
 * crosswalk: the office's table from old unit codes (communes, and
 * districts for district-level capital) to the commune of the two-level
 * map that absorbed them since 1/7/2025 (QĐ 19/2025/QĐ-TTg gives the new
 * codes; no official old->new table exists, so offices keep their own).
 * File format: docs/crosswalk.md. Applied after reading, before any table:
 * a report spanning 1/7/2025, or a cumulative 2021-2025 report, then adds
 * old rows under the new commune. Units the table does not cover stay as
 * they are and are listed ("nothing lost").
 */
#ifndef MTQG_CROSSWALK_H
#define MTQG_CROSSWALK_H

#include "../util/strbuf.h"
#include "../util/strmap.h"
#include "dataset.h"

typedef struct cw_move {
    char *old_code;   /* 5-digit commune or 3-digit district code before */
    char *new_code;   /* 5-digit commune code after */
    char *new_name;   /* the new commune's name */
    int effective;    /* yyyymmdd the change took effect */
} cw_move;

typedef struct crosswalk {
    int n, alloc;
    cw_move *moves;
    strmap old_keys;  /* old code -> move */
    strmap new_keys;  /* new code -> a move into it */
} crosswalk;

/**
 * crosswalk_load - read path; -1 with "path:line: why" in err (a code
 * listed twice as old, a malformed date or code, a line with too few
 * fields).
 */
int crosswalk_load(crosswalk *cw, const char *path, strbuf *err);
/** crosswalk_free */
void crosswalk_free(crosswalk *cw);
/**
 * crosswalk_apply - group d's old units under their new communes: a
 * commune whose code is an old code, and district-level capital of a
 * district whose code is one, move to the new commune (no district);
 * communes already under a new code lose their district; the rest stay as
 * they are, each listed in a note of d ("not covered"). Returns the number
 * of units moved.
 */
int crosswalk_apply(const crosswalk *cw, dataset *d);

#endif
