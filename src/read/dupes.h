/*
 * dupes: finding rows that repeat an earlier row exactly (every column the
 * program reads, after trimming). A row is remembered by a 64-bit
 * fingerprint and its row number, so the check costs at most 16 bytes a
 * row (12 at a table three quarters full), not the row's text; two different rows share a fingerprint with odds of
 * about one in 10^7 for a file of a million rows.
 */
#ifndef MTQG_DUPES_H
#define MTQG_DUPES_H

#include <stddef.h>
#include <stdint.h>

typedef struct dup_set {
    uint64_t *keys;   /* 0: empty slot (a fingerprint of 0 is stored as 1) */
    int32_t *rows;    /* a spreadsheet has fewer than 2^31 rows */
    size_t cap, count;
} dup_set;

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
