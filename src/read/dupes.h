/*
 * dupes: finding rows that repeat an earlier row exactly (every column the
 * program reads, after trimming). A row is remembered by a 64-bit
 * fingerprint and its row number, not by its text; two different rows
 * share a fingerprint with odds of about one in 10^7 for a file of a
 * million rows.
 *
 * Two ways to look, with the same answer:
 * - dup_set, in memory, decides as each row is read (12 bytes a slot, 16
 *   to 32 a row). duplicates = reject needs that: the row must be kept out
 *   of the sums when it is read.
 * - dup_spill, for counting (the default): while reading, a task only
 *   appends (fingerprint, row) to temporary files, one per part of the
 *   fingerprint space; after reading, dup_resolve takes one part at a time
 *   across a file's tasks in row order, so memory holds one part's table
 *   (a few MB whatever the file's size) and the program's memory does not
 *   grow with the rows. The parts are sized from the file's bytes up front.
 */
#ifndef MTQG_DUPES_H
#define MTQG_DUPES_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* One remembered row: its fingerprint in two halves, so a slot is 12
 * bytes and a lookup touches one cache line, not two arrays. */
typedef struct dup_slot {
    uint32_t fp_lo, fp_hi; /* 0 and 0: empty (a fingerprint of 0 is stored as 1) */
    int32_t row;           /* a spreadsheet has fewer than 2^31 rows */
} dup_slot;

typedef struct dup_set {
    dup_slot *slots;
    size_t cap, count;
} dup_set;

/** dup_slot_fp - the fingerprint a slot holds; 0 for an empty slot. */
static inline uint64_t dup_slot_fp(const dup_slot *s)
{
    return (uint64_t)s->fp_hi << 32 | s->fp_lo;
}

/** dup_init / dup_free */
void dup_init(dup_set *s);
void dup_free(dup_set *s);
/**
 * dup_fingerprint - the fingerprint of n texts (a row's fields, blanks at
 * their ends cut). Each field is hashed on its own with its column's seed
 * (wyhash's scheme: one 128-bit multiply per 16 bytes, and one to finish),
 * so the fields of a row are hashed side by side, not one after another;
 * the sum is mixed once. Well mixed in all 64 bits (test_dupes): the odds
 * above hold.
 */
uint64_t dup_fingerprint(const char *const *text, const size_t *len, int n);
/**
 * dup_check - 1 when fp was seen before (its row in *first), else record
 * it with row and return 0.
 */
int dup_check(dup_set *s, uint64_t fp, long row, long *first);
/** dup_find - 1 when fp is in s (its row in *first); records nothing. */
int dup_find(const dup_set *s, uint64_t fp, long *first);
/** dup_reserve - empty s, with room for n fingerprints without growing
 * (its table is reused when of the size n needs). */
void dup_reserve(dup_set *s, size_t n);

/* The (fingerprint, row) pairs of one reading task, in nparts temporary
 * files (the fingerprint's high bits choose the part), each gathered in
 * its own buffer and written a few kilobytes at a time. */
struct dup_pair;
typedef struct dup_spill {
    FILE **part;  /* NULL until dup_spill_open */
    long *count;  /* pairs added to each part (written, or pending) */
    struct dup_pair *pending; /* DUP_SPILL_BUF pairs a part, not yet written */
    int *npending;
    int nparts;
} dup_spill;

/** dup_spill_parts - the number of parts for a file of `bytes` bytes:
 * enough that one part's table stays near 2 MB (two are resolved at
 * once, beside the merging of the sinks). Tasks of one file must use the
 * same number. */
int dup_spill_parts(long long bytes);
/** dup_spill_open - create the parts (tmpfile). 0, or -1 with errno set
 * (the spill is then empty and dup_spill_close is still safe). */
int dup_spill_open(dup_spill *s, int nparts);
/** dup_spill_add - append one pair (written when its part's buffer
 * fills). 0, or -1 with errno set. */
int dup_spill_add(dup_spill *s, uint64_t fp, long row);
/** dup_spill_flush - write every pending pair: call once the task has
 * added its last (dup_resolve does too). 0, or -1 with errno set. */
int dup_spill_flush(dup_spill *s);
/** dup_spill_close - close and free the parts (safe on a zeroed spill). */
void dup_spill_close(dup_spill *s);

/* One repeat found by dup_resolve: row of spill `which` (already offset
 * by its base) repeats the earlier row `first` (offset likewise). */
typedef void dup_found_fn(void *ctx, int which, long row, long first);
/**
 * dup_resolve - the repeats among n spills of one file, given in row order
 * (spill i's rows are numbered from base[i]; the opened ones use the same
 * nparts; a spill never opened, of a task that met no row, has none).
 * Every row that repeats an earlier one is reported once, with the
 * earliest row it repeats; a part's rows are visited in row order, but
 * parts one after the other. 0, or -1 with errno set on a read error.
 */
int dup_resolve(dup_spill *const *spills, const long *base, int n, dup_found_fn *found, void *ctx);
/* dup_resolve in pieces, so that two threads can take the parts of the
 * spills between them (each with its own table; a part's repeats are
 * found within the part, and in row order there). */
/** dup_prepare - write the spills' pending pairs; the number of parts
 * (0: no pairs), or -1 with errno set. */
int dup_prepare(dup_spill *const *spills, int n);
/** dup_resolve_part - dup_resolve's work on part p only, in the table
 * seen (emptied and reused). 0, or -1 with errno set. */
int dup_resolve_part(dup_spill *const *spills, const long *base, int n, int p, dup_set *seen,
                     dup_found_fn *found, void *ctx);

#endif
