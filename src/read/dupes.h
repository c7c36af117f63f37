/*
 * dupes: finding rows that repeat an earlier row exactly (every column the
 * program reads, after trimming). A row is remembered by a 64-bit
 * fingerprint and its row number, so the check costs 12 bytes a slot
 * (16 to 32 a row, as the table is three quarters to three eighths full),
 * not the row's text; two different rows share a fingerprint with odds
 * of about one in 10^7 for a file of a million rows.
 */
#ifndef MTQG_DUPES_H
#define MTQG_DUPES_H

#include <stddef.h>
#include <stdint.h>

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
/** dup_fingerprint - the fingerprint of n texts. */
uint64_t dup_fingerprint(const char *const *text, const size_t *len, int n);
/**
 * dup_check - 1 when fp was seen before (its row in *first), else record
 * it with row and return 0.
 */
int dup_check(dup_set *s, uint64_t fp, long row, long *first);
/** dup_find - 1 when fp is in s (its row in *first); records nothing. */
int dup_find(const dup_set *s, uint64_t fp, long *first);

#endif
