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

/* The 128-bit product of a and b, folded: both halves of it matter. */
static inline uint64_t mum(uint64_t a, uint64_t b)
{
    unsigned __int128 r = (unsigned __int128)a * b;
    return (uint64_t)r ^ (uint64_t)(r >> 64);
}

static inline uint64_t rd64(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static inline uint64_t rd32(const unsigned char *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

/* Odd constants with no pattern (random draws). */
#define K0 0xA0761D6478BD642Full
#define K1 0xE7037ED1A0B428DBull
#define K2 0x8EBC6AF09C88C6E3ull

/* A seed per field, so that the same text in another column, or two
 * columns' texts swapped, is another row. */
static const uint64_t field_seed[32] = {
    0xE71B9592244ECECBull, 0x3FCB4B70F79A7FFDull, 0x3BCE14AB261DB1D5ull,
    0x2A438F2A3172F443ull, 0xFF3F3F8CFE53B313ull, 0xE427F474114D9FCFull,
    0x15D25341EDC5FE85ull, 0x23EB71643AC5C727ull, 0xF4A3CC3052800E05ull,
    0x09C9C31AE2F93909ull, 0x74406663D3E1EC75ull, 0x2CC9D354D76FD971ull,
    0xA946A04E9FF35AB3ull, 0x4DFC3C3B18C1C02Bull, 0x2A162B8DC835698Dull,
    0x89FB1806DC3FE287ull, 0x8E822F9A9B04393Full, 0xA5EA88F7F5301959ull,
    0x9903F4CB5455EB3Bull, 0xD755DF988D8960A3ull, 0xB802C47FD7A878C1ull,
    0x65304A98408287B1ull, 0x77925B84EBD65789ull, 0x9476C36E9CFCE8D1ull,
    0x1B1BA5B4960E55CFull, 0x5D5428B382DAB139ull, 0x70AAEECB8CEF8131ull,
    0xB8CB8842070C58D9ull, 0x4408F08BBB156635ull, 0xF49456E14FC06B39ull,
    0x2E89E9F2DD288687ull, 0x6C903F6BE38B01E7ull};

/*
 * The hash of one field's l > 0 bytes (the scheme of wyhash, public
 * domain): up to 16 bytes are read as two words, overlapping when shorter
 * (which bytes are read depends only on l, and l is hashed too); a longer
 * field 32 bytes a step in two independent lanes. Two multiplies for most
 * fields, and the fields of a row do not wait for each other.
 */
static uint64_t field_hash(const unsigned char *p, size_t l, uint64_t seed)
{
    uint64_t a, b;
    if (l <= 16) {
        if (l >= 4) {
            size_t m = (l >> 3) << 2; /* 0 below 8 bytes, else 4 */
            a = rd32(p) << 32 | rd32(p + m);
            b = rd32(p + l - 4) << 32 | rd32(p + l - 4 - m);
        } else {
            a = (uint64_t)p[0] << 16 | (uint64_t)p[l >> 1] << 8 | p[l - 1];
            b = 0;
        }
    } else {
        size_t i = l;
        if (i > 32) {
            uint64_t s1 = seed, s2 = seed ^ K2;
            for (; i > 32; i -= 32, p += 32) {
                s1 = mum(rd64(p) ^ K1, rd64(p + 8) ^ s1);
                s2 = mum(rd64(p + 16) ^ K2, rd64(p + 24) ^ s2);
            }
            seed = s1 ^ s2;
        }
        if (i > 16) {
            seed = mum(rd64(p) ^ K1, rd64(p + 8) ^ seed);
            p += 16, i -= 16;
        }
        a = rd64(p + i - 16); /* the last 16 bytes, some read already: l > 16 */
        b = rd64(p + i - 8);
    }
    unsigned __int128 r = (unsigned __int128)(a ^ K1) * (b ^ seed);
    return mum((uint64_t)r ^ K0 ^ l, (uint64_t)(r >> 64) ^ K1);
}

/* ' ' and '\t' at either end are not part of a field's value. */
static int blank(unsigned char c)
{
    return c == ' ' || c == '\t';
}

uint64_t dup_fingerprint(const char *const *text, const size_t *len, int n)
{
    /* The sum of the fields' hashes, each with its column's seed: an empty
     * field adds nothing, which is right, as columns are fixed places. */
    uint64_t h = 0;
    for (int i = 0; i < n; i++) {
        const unsigned char *p = (const unsigned char *)text[i];
        size_t l = len[i];
        if (l && (blank(p[0]) || blank(p[l - 1]))) { /* rare: a blank at an end */
            while (l && blank(*p)) p++, l--;
            while (l && blank(p[l - 1])) l--;
        }
        if (!l) continue;
        uint64_t seed = field_seed[i & 31] ^ (uint64_t)(i >> 5) * K2;
        h += field_hash(p, l, seed);
    }
    h = mix(h);
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
    s->slots = xcalloc_written(s->cap, sizeof *s->slots);
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
    if (cap == s->cap) { /* the last part's table, emptied: no new pages to fault in */
        memset(s->slots, 0, cap * sizeof *s->slots);
    } else {
        free(s->slots);
        s->slots = xcalloc_written(cap, sizeof *s->slots);
        s->cap = cap;
    }
    s->count = 0;
}

/* A pair as it is stored: the row in 32 bits, like dup_slot's. */
typedef struct dup_pair {
    uint64_t fp;
    int32_t row;
} __attribute__((packed)) pair;

/* Pairs a part gathers before they are written: 6 KB, one write(2) for
 * 512 rows; the part's FILE is unbuffered, so this is its only buffer. */
#define DUP_SPILL_BUF 512

/* One part's table near 2 MB: 128K pairs at the table's 3/4 load, for
 * rows of 40 bytes or more (a payment row with its codes is longer). */
#define PART_ROWS (128L * 1024)
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
    s->pending = xmalloc((size_t)nparts * DUP_SPILL_BUF * sizeof *s->pending);
    s->npending = xcalloc((size_t)nparts, sizeof *s->npending);
    s->nparts = nparts;
    for (int i = 0; i < nparts; i++)
        if (!(s->part[i] = tmpfile()) || setvbuf(s->part[i], NULL, _IONBF, 0) != 0) {
            int e = errno;
            dup_spill_close(s);
            errno = e;
            return -1;
        }
    return 0;
}

/* Write part i's pending pairs. */
static int write_part(dup_spill *s, int i)
{
    size_t n = (size_t)s->npending[i];
    s->npending[i] = 0; /* even when the write fails: the spill is then void */
    errno = 0;
    if (n && fwrite(s->pending + (size_t)i * DUP_SPILL_BUF, sizeof(pair), n, s->part[i]) != n) {
        if (!errno) errno = EIO;
        return -1;
    }
    return 0;
}

int dup_spill_add(dup_spill *s, uint64_t fp, long row)
{
    int i = (int)((fp >> 40) % (uint64_t)s->nparts); /* not the low bits: they place it in the table */
    s->pending[(size_t)i * DUP_SPILL_BUF + (size_t)s->npending[i]++] = (pair){fp, (int32_t)row};
    s->count[i]++;
    return s->npending[i] == DUP_SPILL_BUF ? write_part(s, i) : 0;
}

int dup_spill_flush(dup_spill *s)
{
    for (int i = 0; s->part && i < s->nparts; i++)
        if (write_part(s, i) < 0) return -1;
    return 0;
}

void dup_spill_close(dup_spill *s)
{
    for (int i = 0; s->part && i < s->nparts; i++)
        if (s->part[i]) fclose(s->part[i]);
    free(s->part);
    free(s->count);
    free(s->pending);
    free(s->npending);
    memset(s, 0, sizeof *s);
}

int dup_prepare(dup_spill *const *spills, int n)
{
    /* A task that met no row never opened its spill: it has no pairs. */
    int nparts = 0;
    for (int i = 0; i < n && !nparts; i++)
        if (spills[i]->part) nparts = spills[i]->nparts;
    for (int i = 0; i < n; i++)
        if (dup_spill_flush(spills[i]) < 0) return -1;
    return nparts;
}

int dup_resolve_part(dup_spill *const *spills, const long *base, int n, int p, dup_set *seen,
                     dup_found_fn *found, void *ctx)
{
    size_t total = 0;
    for (int i = 0; i < n; i++)
        if (spills[i]->part) total += (size_t)spills[i]->count[p];
    if (!total) return 0;
    enum { CHUNK = 4096 };
    pair buf[CHUNK];
    dup_reserve(seen, total);
    for (int i = 0; i < n; i++) {
        if (!spills[i]->part) continue;
        FILE *f = spills[i]->part[p];
        if (fflush(f) != 0 || fseek(f, 0, SEEK_SET) != 0) return -1;
        for (long left = spills[i]->count[p]; left > 0;) {
            size_t want = left < CHUNK ? (size_t)left : CHUNK;
            size_t got = fread(buf, sizeof *buf, want, f);
            if (got != want) {
                if (!ferror(f)) errno = EIO; /* shorter than written */
                return -1;
            }
            for (size_t k = 0; k < got; k++) {
                long first, row = buf[k].row + base[i];
                if (dup_check(seen, buf[k].fp, row, &first)) found(ctx, i, row, first);
            }
            left -= (long)got;
        }
    }
    return 0;
}

int dup_resolve(dup_spill *const *spills, const long *base, int n, dup_found_fn *found, void *ctx)
{
    int nparts = dup_prepare(spills, n), rc = nparts < 0 ? -1 : 0;
    dup_set seen;
    dup_init(&seen);
    for (int p = 0; p < nparts && !rc; p++) rc = dup_resolve_part(spills, base, n, p, &seen, found, ctx);
    dup_free(&seen);
    return rc;
}
