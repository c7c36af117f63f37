/* Fingerprint set for duplicate rows; see dupes.h. */
#include "dupes.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../util/strbuf.h"

void dup_init(dup_set *s)
{
    memset(s, 0, sizeof *s);
}

void dup_free(dup_set *s)
{
    free(s->slots);
    memset(s, 0, sizeof *s);
}

static uint64_t mix(uint64_t h)
{
    h ^= h >> 31;
    h *= 0x7FB5D329728EA185ull;
    h ^= h >> 27;
    h *= 0x81DADEF4BC2DD44Dull;
    return h ^ (h >> 33);
}

/* Eight bytes at a time: the check runs on every row of every file. */
static uint64_t absorb(uint64_t h, const unsigned char *p, size_t l)
{
    uint64_t w;
    for (; l >= 8; p += 8, l -= 8) {
        memcpy(&w, p, 8);
        h = (h ^ w) * 0x9E3779B97F4A7C15ull;
        h ^= h >> 29;
    }
    if (l) {
        w = 0;
        memcpy(&w, p, l);
        h = (h ^ w) * 0x9E3779B97F4A7C15ull;
        h ^= h >> 29;
    }
    return h;
}

uint64_t dup_fingerprint(const char *const *text, const size_t *len, int n)
{
    uint64_t h = 0x9E3779B97F4A7C15ull;
    for (int i = 0; i < n; i++) {
        const unsigned char *p = (const unsigned char *)text[i];
        size_t l = len[i];
        while (l && (*p == ' ' || *p == '\t')) p++, l--;
        while (l && (p[l - 1] == ' ' || p[l - 1] == '\t')) l--;
        h = absorb(h, p, l) ^ (l + 0x51ull * (uint64_t)i); /* field boundary */
        h *= 0xD6E8FEB86659FD93ull;
    }
    h = mix(h); /* once a row: absorb's steps already spread each field */
    return h ? h : 1;
}

static size_t slot_of(const dup_set *s, uint64_t fp)
{
    size_t mask = s->cap - 1, i = (size_t)fp & mask;
    for (uint64_t k; (k = dup_slot_fp(&s->slots[i])) && k != fp;) i = (i + 1) & mask;
    return i;
}

static void grow(dup_set *s)
{
    dup_set old = *s;
    s->cap = old.cap ? old.cap * 2 : 1024;
    s->slots = xcalloc(s->cap, sizeof *s->slots);
    for (size_t i = 0; i < old.cap; i++)
        if (dup_slot_fp(&old.slots[i])) s->slots[slot_of(s, dup_slot_fp(&old.slots[i]))] = old.slots[i];
    free(old.slots);
}

int dup_find(const dup_set *s, uint64_t fp, long *first)
{
    if (!s->cap) return 0;
    const dup_slot *slot = &s->slots[slot_of(s, fp)];
    if (!dup_slot_fp(slot)) return 0;
    *first = slot->row;
    return 1;
}

int dup_check(dup_set *s, uint64_t fp, long row, long *first)
{
    if (dup_find(s, fp, first)) return 1;
    if ((s->count + 1) * 4 > s->cap * 3) grow(s);
    s->slots[slot_of(s, fp)] = (dup_slot){(uint32_t)fp, (uint32_t)(fp >> 32), (int32_t)row};
    s->count++;
    return 0;
}

void dup_reserve(dup_set *s, size_t n)
{
    size_t cap = 1024;
    while (cap / 4 * 3 < n + 1) cap *= 2;
    free(s->slots);
    s->slots = xcalloc(cap, sizeof *s->slots);
    s->cap = cap;
    s->count = 0;
}

/* A pair as it is stored: the row in 32 bits, like dup_slot's. */
typedef struct pair {
    uint64_t fp;
    int32_t row;
} __attribute__((packed)) pair;

/* One part's table near 4 MB: 256K pairs at the table's 3/4 load, for
 * rows of 40 bytes or more (a payment row with its codes is longer). */
#define PART_ROWS (256L * 1024)
#define MIN_ROW_BYTES 40
#define MAX_PARTS 256

int dup_spill_parts(long long bytes)
{
    long long rows = bytes / MIN_ROW_BYTES + 1;
    long long n = (rows + PART_ROWS - 1) / PART_ROWS;
    return n < 1 ? 1 : n > MAX_PARTS ? MAX_PARTS : (int)n;
}

int dup_spill_open(dup_spill *s, int nparts)
{
    memset(s, 0, sizeof *s);
    s->part = xcalloc((size_t)nparts, sizeof *s->part);
    s->count = xcalloc((size_t)nparts, sizeof *s->count);
    s->nparts = nparts;
    for (int i = 0; i < nparts; i++)
        if (!(s->part[i] = tmpfile())) {
            int e = errno;
            dup_spill_close(s);
            errno = e;
            return -1;
        }
    return 0;
}

int dup_spill_add(dup_spill *s, uint64_t fp, long row)
{
    int i = (int)((fp >> 40) % (uint64_t)s->nparts); /* not the low bits: they place it in the table */
    pair p = {fp, (int32_t)row};
    if (fwrite(&p, sizeof p, 1, s->part[i]) != 1) return -1;
    s->count[i]++;
    return 0;
}

void dup_spill_close(dup_spill *s)
{
    for (int i = 0; s->part && i < s->nparts; i++)
        if (s->part[i]) fclose(s->part[i]);
    free(s->part);
    free(s->count);
    memset(s, 0, sizeof *s);
}

int dup_resolve(dup_spill *const *spills, const long *base, int n, dup_found_fn *found, void *ctx)
{
    /* A task that met no row never opened its spill: it has no pairs. */
    int nparts = 0;
    for (int i = 0; i < n && !nparts; i++)
        if (spills[i]->part) nparts = spills[i]->nparts;
    if (!nparts) return 0;
    enum { CHUNK = 4096 };
    pair *buf = xmalloc(CHUNK * sizeof *buf);
    dup_set seen;
    dup_init(&seen);
    int rc = 0;
    for (int p = 0; p < nparts && !rc; p++) {
        size_t total = 0;
        for (int i = 0; i < n; i++)
            if (spills[i]->part) total += (size_t)spills[i]->count[p];
        if (!total) continue;
        dup_reserve(&seen, total);
        for (int i = 0; i < n && !rc; i++) {
            if (!spills[i]->part) continue;
            FILE *f = spills[i]->part[p];
            if (fflush(f) != 0 || fseek(f, 0, SEEK_SET) != 0) {
                rc = -1;
                break;
            }
            for (long left = spills[i]->count[p]; left > 0 && !rc;) {
                size_t want = left < CHUNK ? (size_t)left : CHUNK;
                size_t got = fread(buf, sizeof *buf, want, f);
                if (got != want) {
                    if (!ferror(f)) errno = EIO; /* shorter than written */
                    rc = -1;
                    break;
                }
                for (size_t k = 0; k < got; k++) {
                    long first, row = buf[k].row + base[i];
                    if (dup_check(&seen, buf[k].fp, row, &first)) found(ctx, i, row, first);
                }
                left -= (long)got;
            }
        }
    }
    dup_free(&seen);
    free(buf);
    return rc;
}
