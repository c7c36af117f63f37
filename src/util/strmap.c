/* Open-addressing string map with linear probing; see strmap.h. */
#include "strmap.h"

#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

uint32_t strmap_hash(const void *key, size_t len)
{
    /* Eight bytes a step: the unit cache hashes a ~50-byte key per row. */
    const unsigned char *p = key;
    uint64_t h = 0x9E3779B97F4A7C15ull ^ len;
    while (len >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        h = (h ^ w) * 0xBF58476D1CE4E5B9ull;
        h ^= h >> 29;
        p += 8, len -= 8;
    }
    uint64_t w = 0;
    memcpy(&w, p, len);
    h = (h ^ w) * 0x94D049BB133111EBull;
    h ^= h >> 32;
    return (uint32_t)h;
}

void strmap_init(strmap *m)
{
    m->cap = 64;
    m->count = 0;
    m->slots = xcalloc_written(m->cap, sizeof(strmap_slot));
}

void strmap_free(strmap *m)
{
    for (size_t i = 0; i < m->cap; i++) free(m->slots[i].key);
    free(m->slots);
    m->slots = NULL;
    m->cap = m->count = 0;
}

static strmap_slot *find(const strmap *m, const char *key, size_t len,
                         uint32_t h)
{
    size_t mask = m->cap - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        strmap_slot *s = &m->slots[i];
        if (!s->key) return s;
        if (s->hash == h && s->len == len && memcmp(s->key, key, len) == 0)
            return s;
    }
}

static void grow(strmap *m)
{
    strmap old = *m;
    m->cap *= 2;
    m->slots = xcalloc_written(m->cap, sizeof(strmap_slot));
    for (size_t i = 0; i < old.cap; i++) {
        strmap_slot *s = &old.slots[i];
        if (s->key) *find(m, s->key, s->len, s->hash) = *s;
    }
    free(old.slots);
}

int strmap_get(const strmap *m, const char *key, size_t len)
{
    const strmap_slot *s = find(m, key, len, strmap_hash(key, len));
    return s->key ? s->value : -1;
}

void strmap_put(strmap *m, const char *key, size_t len, int value)
{
    uint32_t h = strmap_hash(key, len);
    strmap_slot *s = find(m, key, len, h);
    if (!s->key) {
        if ((m->count + 1) * 4 > m->cap * 3) {
            grow(m);
            s = find(m, key, len, h);
        }
        s->key = xstrndup(key, len);
        s->len = (uint32_t)len;
        s->hash = h;
        m->count++;
    }
    s->value = value;
}
