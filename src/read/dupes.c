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
    free(s->keys);
    free(s->rows);
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

uint64_t dup_fingerprint(const char *const *text, const size_t *len, int n)
{
    uint64_t h = 0x9E3779B97F4A7C15ull;
    for (int i = 0; i < n; i++) {
        const unsigned char *p = (const unsigned char *)text[i];
        size_t l = len[i];
        while (l && (*p == ' ' || *p == '\t')) p++, l--;
        while (l && (p[l - 1] == ' ' || p[l - 1] == '\t')) l--;
        for (size_t k = 0; k < l; k++) h = (h ^ p[k]) * 0x100000001B3ull;
        h = mix(h ^ (l + 0x51ull * (uint64_t)i)); /* field boundary */
    }
    return h ? h : 1;
}

static size_t slot_of(const dup_set *s, uint64_t fp)
{
    size_t mask = s->cap - 1, i = (size_t)fp & mask;
    while (s->keys[i] && s->keys[i] != fp) i = (i + 1) & mask;
    return i;
}

static void grow(dup_set *s)
{
    dup_set old = *s;
    s->cap = old.cap ? old.cap * 2 : 1024;
    s->keys = xcalloc(s->cap, sizeof(uint64_t));
    s->rows = xcalloc(s->cap, sizeof(int32_t));
    for (size_t i = 0; i < old.cap; i++)
        if (old.keys[i]) {
            size_t j = slot_of(s, old.keys[i]);
            s->keys[j] = old.keys[i];
            s->rows[j] = old.rows[i];
        }
    free(old.keys);
    free(old.rows);
}

int dup_find(const dup_set *s, uint64_t fp, long *first)
{
    if (!s->cap) return 0;
    size_t i = slot_of(s, fp);
    if (!s->keys[i]) return 0;
    *first = s->rows[i];
    return 1;
}

int dup_check(dup_set *s, uint64_t fp, long row, long *first)
{
    if (dup_find(s, fp, first)) return 1;
    if ((s->count + 1) * 4 > s->cap * 3) grow(s);
    size_t i = slot_of(s, fp);
    s->keys[i] = fp;
    s->rows[i] = (int32_t)row;
    s->count++;
    return 0;
}
