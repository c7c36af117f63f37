/*
 * strmap: a hash map from byte strings to int, open addressing, keys copied
 * into the map. The readers keep one per input task as a cache from the raw
 * bytes of a cell (a project spelling, a commune code) to the id it was
 * resolved to, so the expensive resolution (Unicode normalisation, catalogue
 * search) runs once per distinct spelling, not once per row.
 */
#ifndef MTQG_STRMAP_H
#define MTQG_STRMAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct strmap_slot {
    char *key;      /* NULL: empty slot */
    uint32_t len;
    uint32_t hash;
    int value;
} strmap_slot;

typedef struct strmap {
    strmap_slot *slots;
    size_t cap;     /* power of two */
    size_t count;
} strmap;

/** strmap_init - an empty map. */
void strmap_init(strmap *m);
/** strmap_free - release keys and slots. */
void strmap_free(strmap *m);
/** strmap_get - the value for key, or -1 when absent. */
int strmap_get(const strmap *m, const char *key, size_t len);
/** strmap_put - insert or replace. */
void strmap_put(strmap *m, const char *key, size_t len, int value);
/** strmap_hash - the hash function, exposed for the cube. */
uint32_t strmap_hash(const void *key, size_t len);

#endif
