/* Fingerprint set for duplicate rows; see dupes.h. */
#include "dupes.h"

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
        h = mix(absorb(h, p, l) ^ (l + 0x51ull * (uint64_t)i)); /* field boundary */
    }
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
