/* The aggregation hash map; see cube.h. Cells in chunks, an index of cell
 * numbers with linear probing, load <= 1/2. */
#include "cube.h"

#include <stdlib.h>
#include <string.h>

#include "../util/checked.h"
#include "../util/strbuf.h"

void cube_init(cube *c)
{
    memset(c, 0, sizeof *c);
    c->cap = 1024;
    c->slots = xcalloc_written(c->cap, sizeof *c->slots);
}

void cube_free(cube *c)
{
    for (size_t i = 0; i < c->nchunks; i++) free(c->chunks[i]);
    free(c->chunks);
    free(c->slots);
    memset(c, 0, sizeof *c);
}

static uint64_t key_hash(const cube_key *k)
{
    uint64_t a = ((uint64_t)k->unit << 32) | ((uint64_t)k->project << 16) | k->source;
    uint64_t b = ((uint64_t)k->year << 16) | k->cap_year;
    uint64_t h = a * 0x9E3779B97F4A7C15ull ^ (b + 0x632BE59BD9B4E019ull);
    h ^= h >> 29;
    h *= 0xBF58476D1CE4E5B9ull;
    return h ^ (h >> 32);
}

static int key_eq(const cube_key *a, const cube_key *b)
{
    return a->unit == b->unit && a->project == b->project &&
           a->source == b->source && a->year == b->year && a->cap_year == b->cap_year;
}

/* The slot of key in slots: its cell's, or the empty one it would take. */
static uint32_t *probe(const cube *c, uint32_t *slots, size_t cap, const cube_key *k)
{
    size_t mask = cap - 1;
    for (size_t i = key_hash(k) & mask;; i = (i + 1) & mask)
        if (!slots[i] || key_eq(&cube_at(c, slots[i] - 1)->key, k)) return &slots[i];
}

static void grow(cube *c)
{
    size_t ncap = c->cap * 2;
    uint32_t *n = xcalloc_written(ncap, sizeof *n);
    for (size_t i = 0; i < c->count; i++) *probe(c, n, ncap, &cube_at(c, i)->key) = (uint32_t)(i + 1);
    free(c->slots);
    c->slots = n;
    c->cap = ncap;
}

cube_cell *cube_cell_get(cube *c, const cube_key *key)
{
    if (c->last && key_eq(&c->last->key, key)) return c->last;
    uint32_t *slot = probe(c, c->slots, c->cap, key);
    if (*slot) return c->last = cube_at(c, *slot - 1);
    if (c->count >= UINT32_MAX - 1) abort(); /* 4e9 cells: 200 GB, never reached */
    if ((c->count + 1) * 2 > c->cap) {
        grow(c);
        slot = probe(c, c->slots, c->cap, key);
    }
    if (c->count == c->nchunks * CUBE_CHUNK) {
        ALLOC_GROW(c->chunks, c->nchunks + 1, c->chunks_alloc);
        c->chunks[c->nchunks++] = xcalloc(CUBE_CHUNK, sizeof(cube_cell));
    }
    cube_cell *cell = cube_at(c, c->count);
    memset(cell, 0, sizeof *cell);
    cell->key = *key;
    *slot = (uint32_t)++c->count;
    return c->last = cell;
}

const cube_cell *cube_find(const cube *c, const cube_key *key)
{
    if (!c->cap) return NULL;
    const uint32_t *slot = probe(c, c->slots, c->cap, key);
    return *slot ? cube_at(c, *slot - 1) : NULL;
}

void cube_add_plan(cube *c, const cube_key *key, int64_t amount)
{
    cube_cell *cell = cube_cell_get(c, key);
    if (checked_add(&cell->plan, amount)) cell->overflow |= CUBE_PLAN_OVERFLOW;
}

void cube_add_payment(cube *c, const cube_key *key, int64_t amount)
{
    cube_cell *cell = cube_cell_get(c, key);
    if (checked_add(&cell->disbursed, amount)) cell->overflow |= CUBE_DISB_OVERFLOW;
}

static int snapshot_later(int date, uint64_t pos, const cube_cell *cell)
{
    return date > cell->snap_date || (date == cell->snap_date && pos > cell->snap_pos);
}

void cube_put_snapshot(cube *c, const cube_key *key, int date, uint64_t pos,
                       int64_t amount)
{
    cube_cell *cell = cube_cell_get(c, key);
    if (!snapshot_later(date, pos, cell)) return;
    cell->snap_date = date;
    cell->snap_pos = pos;
    cell->disbursed = amount;
}

void cube_merge(cube *dst, const cube *src, const int *unit_remap, int snapshots)
{
    for (size_t i = 0; i < src->count; i++) {
        const cube_cell *s = cube_at(src, i);
        if (unit_remap[s->key.unit] < 0) continue;
        cube_key k = s->key;
        k.unit = (uint32_t)unit_remap[k.unit];
        cube_cell *d = cube_cell_get(dst, &k);
        d->overflow |= s->overflow;
        if (checked_add(&d->plan, s->plan)) d->overflow |= CUBE_PLAN_OVERFLOW;
        if (!snapshots) {
            if (checked_add(&d->disbursed, s->disbursed)) d->overflow |= CUBE_DISB_OVERFLOW;
        } else if (s->snap_date && snapshot_later(s->snap_date, s->snap_pos, d)) {
            d->snap_date = s->snap_date;
            d->snap_pos = s->snap_pos;
            d->disbursed = s->disbursed;
        }
    }
}
