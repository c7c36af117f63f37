/*
 * cube: the aggregate at the heart of the pipeline. A hash map from a
 * compact key (unit, project, source, plan year, capital year) to exact
 * measures in đồng: allocated plan and disbursed as of the report date.
 *
 * A row costs one hash lookup and an integer addition; memory grows with
 * the number of distinct keys, never with the number of rows. Cells live
 * in fixed chunks in the order they were made and never move (a pointer
 * to a cell stays valid); the hash index holds 4-byte cell numbers, so a
 * growing cube copies 4 bytes a slot, not 48, and never holds two copies
 * of its cells (that doubling was the national run's peak memory). Each reading
 * task fills its own cube; cube_merge folds them together afterwards, which
 * is exact and order-independent for sums, and for snapshots keeps the
 * latest (date, position), so the result never depends on thread timing.
 */
#ifndef MTQG_CUBE_H
#define MTQG_CUBE_H

#include <stddef.h>
#include <stdint.h>

typedef struct cube_key {
    uint32_t unit;
    uint16_t project;
    uint16_t source;
    uint16_t year;      /* plan year (nam) */
    uint16_t cap_year;  /* capital year (nam_von); < year: extended capital */
} cube_key;

typedef struct cube_cell {
    cube_key key;
    uint32_t overflow;  /* CUBE_PLAN_OVERFLOW | CUBE_DISB_OVERFLOW: a sum left int64 */
    int64_t plan;       /* đồng */
    int64_t disbursed;  /* đồng: payments summed, or the counted snapshot */
    int32_t snap_date;  /* yyyymmdd of the counted snapshot; 0 none */
    uint64_t snap_pos;  /* (task, row) of the counted snapshot */
} cube_cell;

enum { CUBE_PLAN_OVERFLOW = 1, CUBE_DISB_OVERFLOW = 2 };

#define CUBE_CHUNK_BITS 10
#define CUBE_CHUNK ((size_t)1 << CUBE_CHUNK_BITS)

typedef struct cube {
    cube_cell **chunks; /* cell i is chunks[i / CUBE_CHUNK][i % CUBE_CHUNK] */
    size_t nchunks, chunks_alloc;
    size_t count;       /* cells made */
    uint32_t *slots;    /* open addressing: cell number + 1, 0 empty; load <= 1/2 */
    size_t cap;         /* slots, a power of two */
    cube_cell *last;    /* the cell of the last cube_cell_get, or NULL: rows of
                         * one unit, project and source come together */
} cube;

/** cube_init / cube_free */
void cube_init(cube *c);
void cube_free(cube *c);
/** cube_cell_get - the cell for key, created zeroed on first use. */
cube_cell *cube_cell_get(cube *c, const cube_key *key);
/** cube_find - the cell for key, or NULL when there is none (nothing created). */
const cube_cell *cube_find(const cube *c, const cube_key *key);
/**
 * cube_add_plan - add an allocation. A sum that would leave int64 is not
 * made: the cell keeps its value and is flagged (cube_cell.overflow), for
 * dataset_check_range to refuse the run naming the cell.
 */
void cube_add_plan(cube *c, const cube_key *key, int64_t amount);
/** cube_add_payment - add a disbursement payment (checked, as above). */
void cube_add_payment(cube *c, const cube_key *key, int64_t amount);
/**
 * cube_put_snapshot - a cumulative disbursement snapshot: the one with the
 * latest date counts; on equal dates the later position (task, row) wins.
 */
void cube_put_snapshot(cube *c, const cube_key *key, int date, uint64_t pos,
                       int64_t amount);
/**
 * cube_merge - fold src into dst, with src unit ids mapped through
 * unit_remap (a unit mapped to -1 is left out). snapshots: 1 when
 * disbursed values are snapshots. Sums are checked as in cube_add_plan.
 */
void cube_merge(cube *dst, const cube *src, const int *unit_remap, int snapshots);

/**
 * cube_at - cell i (0 <= i < c->count), in the order cells were made.
 * Iterate: for (size_t i = 0; i < c->count; i++) { const cube_cell *x = cube_at(c, i); ... }
 */
static inline cube_cell *cube_at(const cube *c, size_t i)
{
    return &c->chunks[i >> CUBE_CHUNK_BITS][i & (CUBE_CHUNK - 1)];
}

#endif
