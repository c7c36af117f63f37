/*
 * crosswalk: the office's table from old unit codes (communes, and
 * districts for district-level capital) to the commune of the two-level
 * map that absorbed them since 1/7/2025 (QĐ 19/2025/QĐ-TTg gives the new
 * codes; no official old->new table exists, so offices keep their own).
 * File format: docs/crosswalk.md. Applied after reading, before any table:
 * a report spanning 1/7/2025, or a cumulative 2021-2025 report, then adds
 * old rows under the new commune. Units the table does not cover stay as
 * they are and are listed ("nothing lost"). Before that, while reading,
 * each row's date is held against the table (crosswalk_when): an old code
 * dated after its unit was merged, or a new code dated before its unit
 * existed, is a data error the reader rejects with file, row and column.
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
    strmap new_keys;  /* new code -> the earliest move into it */
} crosswalk;

/* Whether a unit code exists at a row's date (crosswalk_when). */
typedef enum {
    CW_IN_FORCE = 0, /* the code exists then, or the table does not know it */
    CW_NOT_YET,      /* a new unit's code on a row dated before it existed */
    CW_GONE          /* an old unit's code on a row dated after its merger */
} cw_when;

/**
 * crosswalk_load - read path; -1 with "path:line: why" in err (a code
 * listed twice as old, a malformed date or code, a line with too few
 * fields).
 */
int crosswalk_load(crosswalk *cw, const char *path, strbuf *err);
/** crosswalk_free */
void crosswalk_free(crosswalk *cw);
/**
 * crosswalk_unit_code - the code unit i is looked up by: a commune's own
 * code, or the district's code for capital held at district level; NULL
 * (or "") for province-level capital and units known by name only.
 */
const char *crosswalk_unit_code(const units *u, int i);
/**
 * crosswalk_when - whether code exists on a row dated first..last
 * (yyyymmdd; a dated row has first == last, a row with only a year spans
 * 1/1..31/12 of it). An old code (ma_cu whose ma_moi differs) exists
 * before its hieu_luc: CW_GONE when first >= hieu_luc. A new code (a
 * ma_moi that is no ma_cu) exists from its earliest hieu_luc: CW_NOT_YET
 * when last < it. A kept code (ma_cu = ma_moi) and a code the table does
 * not list are always CW_IN_FORCE. *m gets the move concerned (for the
 * message), or -1.
 */
cw_when crosswalk_when(const crosswalk *cw, const char *code, int first, int last, int *m);
/**
 * crosswalk_note_both - with units = old: when d holds units of both
 * sides (an old-only code and a new-only code), say so in a note of d
 * (one place's plan and payments may then stand on two lines, each unit
 * with the rows of its own time). Returns 1 when noted.
 */
int crosswalk_note_both(const crosswalk *cw, dataset *d);
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
