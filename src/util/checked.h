/*
 * checked: exact integer sums that say when they would leave int64. Every
 * amount in đồng (and every quantity in thousandths) is added through
 * checked_add, so a sum too large for the exact type is an error naming
 * its cell, never a figure that wrapped around.
 *
 * Checked int64 rather than 128-bit sums: the check is one flag test after
 * the addition, the cube cell keeps its size, and the bench shows no cost
 * (README, "Money and rounding").
 */
#ifndef MTQG_CHECKED_H
#define MTQG_CHECKED_H

#include <stdint.h>

/**
 * checked_add - *acc += v when the sum fits in int64: returns 0. When it
 * does not, *acc is left as it was and 1 is returned.
 */
static inline int checked_add(int64_t *acc, int64_t v)
{
    int64_t r;
    if (__builtin_add_overflow(*acc, v, &r)) return 1;
    *acc = r;
    return 0;
}

/** checked_abs_add - *acc += |v| (0 when it fits, else 1 and *acc kept). */
static inline int checked_abs_add(int64_t *acc, int64_t v)
{
    if (v == INT64_MIN) return 1;
    return checked_add(acc, v < 0 ? -v : v);
}

#endif
