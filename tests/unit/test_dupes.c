/*
 * test_dupes: repeated-row detection (read/dupes.h). The spill, resolved
 * part by part, must find exactly the repeats a plain pairwise comparison
 * finds, each with its earliest original, whatever the number of parts
 * and however the rows are cut into tasks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "read/dupes.h"

enum { N = 5000 };

/* Fingerprints with repeats: near (k-1), far (k-1234), a block again at
 * the end, and some zero and all-ones values. */
static void make_fps(uint64_t *fp)
{
    uint64_t x = 0x243F6A8885A308D3ull;
    for (int k = 0; k < N; k++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        fp[k] = x;
        if (k % 97 == 5) fp[k] = fp[k - 1];
        if (k > 1234 && k % 131 == 7) fp[k] = fp[k - 1234];
        if (k >= N - 300) fp[k] = fp[k - (N - 600)];
        if (k == 40) fp[k] = 1;
        if (k == 41) fp[k] = ~0ull;
    }
}

/* The oracle: for each row, the earliest earlier row with its value. */
static long earliest(const uint64_t *fp, int k)
{
    for (int i = 0; i < k; i++)
        if (fp[i] == fp[k]) return i;
    return -1;
}

typedef struct got {
    long first[N]; /* -2: not reported */
    int calls;
} got;

static void on_found(void *ctx, int which, long row, long first)
{
    got *g = ctx;
    (void)which;
    assert_true(row >= 0 && row < N);
    assert_int_equal(g->first[row], -2); /* reported once */
    g->first[row] = first;
    g->calls++;
}

static void check(int nparts, const int *cuts, int ntasks)
{
    static uint64_t fp[N];
    make_fps(fp);
    dup_spill spills[4];
    dup_spill *sp[4];
    long base[4];
    for (int t = 0; t < ntasks; t++) {
        assert_int_equal(dup_spill_open(&spills[t], nparts), 0);
        sp[t] = &spills[t];
        base[t] = cuts[t];
        int end = t + 1 < ntasks ? cuts[t + 1] : N;
        for (int k = cuts[t]; k < end; k++) /* rows relative to the task */
            assert_int_equal(dup_spill_add(&spills[t], fp[k], k - cuts[t]), 0);
    }
    static got g;
    for (int k = 0; k < N; k++) g.first[k] = -2;
    g.calls = 0;
    assert_int_equal(dup_resolve(sp, base, ntasks, on_found, &g), 0);
    int want = 0;
    for (int k = 0; k < N; k++) {
        long e = earliest(fp, k);
        want += e >= 0;
        if (e >= 0 && g.first[k] != e) fail_msg("row %d: first %ld, want %ld", k, g.first[k], e);
        if (e < 0 && g.first[k] != -2) fail_msg("row %d reported, is not a repeat", k);
    }
    assert_true(want > 350); /* the fixture has repeats of every kind */
    assert_int_equal(g.calls, want);
    for (int t = 0; t < ntasks; t++) dup_spill_close(&spills[t]);
}

static void test_one_part_one_task(void **state)
{
    (void)state;
    int cuts[] = {0};
    check(1, cuts, 1);
}

static void test_parts_and_tasks(void **state)
{
    (void)state;
    int two[] = {0, 2500}, three[] = {0, 1, 4000};
    check(7, two, 2);
    check(3, three, 3);
    check(64, two, 2);
}

/* The parts grow with the file, so a part's table stays bounded. */
/* A task that met no row (a half of blank lines) never opens its spill:
 * first, between or last, the others' repeats are all found. */
static void test_unopened_spills(void **state)
{
    (void)state;
    static uint64_t fp[N];
    make_fps(fp);
    for (int empty = 0; empty < 3; empty++) {
        dup_spill spills[3] = {{0}};
        dup_spill *sp[3] = {&spills[0], &spills[1], &spills[2]};
        long base[3];
        int cut = N / 2, k = 0;
        for (int t = 0; t < 3; t++) {
            base[t] = k;
            if (t == empty) continue; /* opened by its first row: none */
            assert_int_equal(dup_spill_open(&spills[t], 5), 0);
            int end = k == 0 ? cut : N;
            for (int r = k; r < end; r++) assert_int_equal(dup_spill_add(&spills[t], fp[r], r - k), 0);
            k = end;
        }
        static got g;
        for (int r = 0; r < N; r++) g.first[r] = -2;
        g.calls = 0;
        assert_int_equal(dup_resolve(sp, base, 3, on_found, &g), 0);
        for (int r = 0; r < N; r++) {
            long e = earliest(fp, r);
            if (g.first[r] != (e >= 0 ? e : -2)) fail_msg("empty spill %d, row %d: first %ld, want %ld", empty, r, g.first[r], e);
        }
        for (int t = 0; t < 3; t++) dup_spill_close(&spills[t]);
    }
}

static void test_parts_for_size(void **state)
{
    (void)state;
    assert_int_equal(dup_spill_parts(0), 1);
    assert_int_equal(dup_spill_parts(1000), 1);
    int a = dup_spill_parts(82LL << 20), b = dup_spill_parts(820LL << 20);
    assert_true(a >= 4);
    assert_true(b >= 9 * a && b <= 11 * a);
    assert_true(dup_spill_parts(1LL << 40) <= 256);
}

/* The parts taken by two workers, each with its own table, in any order
 * (ingest's dups_work): together they find every repeat once, with its
 * earliest original, as dup_resolve does. */
static void test_parts_by_two_workers(void **state)
{
    (void)state;
    static uint64_t fp[N];
    make_fps(fp);
    enum { PARTS = 9 };
    dup_spill spills[2];
    dup_spill *sp[2] = {&spills[0], &spills[1]};
    long base[2] = {0, 2200};
    for (int t = 0; t < 2; t++) {
        assert_int_equal(dup_spill_open(&spills[t], PARTS), 0);
        for (int k = (int)base[t]; k < (t ? N : 2200); k++)
            assert_int_equal(dup_spill_add(&spills[t], fp[k], k - base[t]), 0);
    }
    assert_int_equal(dup_prepare(sp, 2), PARTS);
    static got g;
    for (int k = 0; k < N; k++) g.first[k] = -2;
    g.calls = 0;
    dup_set seen[2];
    dup_init(&seen[0]);
    dup_init(&seen[1]);
    for (int p = PARTS - 1; p >= 0; p--) /* backwards, alternating workers */
        assert_int_equal(dup_resolve_part(sp, base, 2, p, &seen[p % 2], on_found, &g), 0);
    int want = 0;
    for (int k = 0; k < N; k++) {
        long e = earliest(fp, k);
        want += e >= 0;
        if (g.first[k] != (e >= 0 ? e : -2)) fail_msg("row %d: first %ld, want %ld", k, g.first[k], e);
    }
    assert_int_equal(g.calls, want);
    dup_free(&seen[0]);
    dup_free(&seen[1]);
    dup_spill_close(&spills[0]);
    dup_spill_close(&spills[1]);
}

/* ---- dup_fingerprint ------------------------------------------------ */

enum { NF = 6 };

static uint64_t fp_of(const char *const *t)
{
    size_t len[NF];
    for (int i = 0; i < NF; i++) len[i] = strlen(t[i]);
    return dup_fingerprint(t, len, NF);
}

/* A row repeats another when every field is equal once blanks (' ' and
 * '\t') at its ends are cut; other bytes count, and where a field ends. */
static void test_fingerprint_equal_texts(void **state)
{
    (void)state;
    const char *a[NF] = {"2024", "99101", "Xã Nâm", "DA1", "08/06/2024", "40,488"};
    const char *b[NF] = {" 2024", "99101\t", "  Xã Nâm  ", "DA1", "\t08/06/2024 ", "40,488"};
    const char *cr[NF] = {"2024", "99101", "Xã Nâm", "DA1", "08/06/2024", "40,488\r"};
    const char *moved[NF] = {"2024", "99101", "Xã Nâ", "mDA1", "08/06/2024", "40,488"};
    const char *swapped[NF] = {"2024", "99101", "DA1", "Xã Nâm", "08/06/2024", "40,488"};
    const char *blank[NF] = {"2024", "99101", "Xã Nâm", "DA1", "08/06/2024", "  "};
    const char *empty[NF] = {"2024", "99101", "Xã Nâm", "DA1", "08/06/2024", ""};
    assert_true(fp_of(a) == fp_of(b));
    assert_true(fp_of(a) != fp_of(cr));
    assert_true(fp_of(a) != fp_of(moved));
    assert_true(fp_of(a) != fp_of(swapped));
    assert_true(fp_of(blank) == fp_of(empty));
    assert_true(fp_of(a) != fp_of(empty));
    assert_true(fp_of(a) != 0);
}

/* Every byte of a field of any length counts (a field is read in words
 * of several sizes: 1-3, 4-7, 8-16, 17-32 bytes and longer): changing
 * one byte, anywhere, in any field, gives another fingerprint. */
static void test_fingerprint_every_byte(void **state)
{
    (void)state;
    static char text[NF][80];
    for (size_t l = 1; l < sizeof text[0] - 1; l++) {
        const char *t[NF];
        size_t len[NF];
        for (int f = 0; f < NF; f++) {
            for (size_t k = 0; k < l; k++) text[f][k] = (char)('a' + (k * 7 + (size_t)f) % 26);
            t[f] = text[f], len[f] = l;
        }
        uint64_t base = dup_fingerprint(t, len, NF);
        for (int f = 0; f < NF; f++)
            for (size_t k = 0; k < l; k++) {
                char was = text[f][k];
                text[f][k] = (char)(was ^ 0x01);
                if (dup_fingerprint(t, len, NF) == base) fail_msg("length %zu, field %d, byte %zu: same fingerprint", l, f, k);
                text[f][k] = was;
            }
        len[NF - 1] = l - 1; /* one byte shorter */
        if (dup_fingerprint(t, len, NF) == base) fail_msg("length %zu: a shorter field, same fingerprint", l);
    }
}

/* Rows that differ little (a payment's amount, date and commune) spread
 * over the bits the table (low) and the spill's parts (from bit 40) use,
 * and none collide: each of 256 values of those bits is taken by close to
 * its share of 65,536 rows (6 standard deviations allowed). */
static void test_fingerprint_spread(void **state)
{
    (void)state;
    enum { ROWS = 65536 };
    static uint64_t fps[ROWS];
    long low[256] = {0}, high[256] = {0};
    char xa[16], day[16], amount[16];
    const char *t[NF] = {"2024", xa, "Xã", "DA1", day, amount};
    for (int r = 0; r < ROWS; r++) {
        snprintf(xa, sizeof xa, "%05d", r / 64);
        snprintf(day, sizeof day, "%02d/06/2024", 1 + r % 28);
        snprintf(amount, sizeof amount, "%d,%03d", r % 64, r % 7);
        fps[r] = fp_of(t);
        low[fps[r] & 255]++;
        high[(fps[r] >> 40) & 255]++;
    }
    for (int i = 0; i < 256; i++)
        if (low[i] < 256 - 96 || low[i] > 256 + 96 || high[i] < 256 - 96 || high[i] > 256 + 96)
            fail_msg("bits value %d: %ld rows (low bits), %ld (bits 40-47); 256 expected", i, low[i], high[i]);
    dup_set seen;
    dup_init(&seen);
    long first;
    for (int r = 0; r < ROWS; r++)
        if (dup_check(&seen, fps[r], r, &first)) fail_msg("rows %ld and %d share a fingerprint", first, r);
    dup_free(&seen);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_part_one_task),
        cmocka_unit_test(test_parts_and_tasks),
        cmocka_unit_test(test_unopened_spills),
        cmocka_unit_test(test_parts_for_size),
        cmocka_unit_test(test_parts_by_two_workers),
        cmocka_unit_test(test_fingerprint_equal_texts),
        cmocka_unit_test(test_fingerprint_every_byte),
        cmocka_unit_test(test_fingerprint_spread),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
