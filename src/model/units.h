/*
 * units: the administrative units rows refer to, interned once into ids.
 *
 * Provinces hold districts (absent after 1/7/2025), which hold communes.
 * Names are compared without their type word ("Xã", "Phường", "Thị trấn",
 * "Huyện" ...): "Xã Vĩnh Khê" and "Vĩnh Khê" are one commune; a commune
 * named without a code is the coded one of that name in its district; a
 * code with two names, or a name with two codes, is a warning. A
 * row with no commune is capital held at district level ("Cấp huyện") or,
 * with no district either, at province level ("Cấp tỉnh"); each of those is
 * a unit of its own kind. Communes are matched by code, or by normalised
 * name within their district when the code is missing.
 *
 * Each reading task has its own registry (no locks on the hot path); the
 * registries are merged in task order afterwards. Every name remembers the
 * position (task, row) it was first seen at, and the earliest wins, so the
 * merged result does not depend on thread timing.
 */
#ifndef MTQG_UNITS_H
#define MTQG_UNITS_H

#include <stdint.h>

#include "../util/strbuf.h"
#include "../util/strmap.h"

typedef enum { UNIT_COMMUNE = 0, UNIT_DISTRICT_LEVEL, UNIT_PROVINCE_LEVEL } unit_kind;

typedef struct unit_province {
    char *code, *name;
    uint64_t name_pos;
} unit_province;

/*
 * Which province a district or commune belongs to is a claim, like its
 * name: a row that names a province claims it at its position; a row that
 * names none stands in with the configured default province, a weaker
 * claim that any named one overrides. Among claims of one strength the
 * earliest position wins, so neither the order files are read in nor the
 * order registries are merged in changes the answer. A commune with a
 * district belongs to its district's province (units_settle).
 */
typedef struct unit_claim {
    uint64_t pos;
    unsigned char assumed; /* 1: the default province, not named by the row */
} unit_claim;

typedef struct unit_district {
    char *code, *name;
    int province;
    uint64_t name_pos;
    unit_claim prov_claim;
} unit_district;

typedef struct unit_entry {
    unit_kind kind;
    char *code, *name;   /* commune code and name; NULL for the levels */
    int province;
    int district;        /* -1: none */
    uint64_t name_pos;
    uint64_t district_pos; /* where the district was first given */
    unit_claim prov_claim;
} unit_entry;

/* The raw text a row gives about its unit. */
typedef struct unit_ref {
    const char *ma_tinh, *ten_tinh, *ma_huyen, *ten_huyen, *ma_xa, *ten_xa;
    size_t ma_tinh_len, ten_tinh_len, ma_huyen_len, ten_huyen_len, ma_xa_len,
        ten_xa_len;
} unit_ref;

typedef struct units {
    int nprovinces, ndistricts, nunits;
    int prov_alloc, dist_alloc, unit_alloc;
    unit_province *provinces;
    unit_district *districts;
    unit_entry *units;
    strmap prov_keys, dist_keys, unit_keys;
    strmap name_units;   /* commune name key (without its type word) in its district -> id, coded first */
    int nwarnings, warn_alloc;
    char **warnings;     /* name conflicts, in order found */
} units;

/** units_init / units_free */
void units_init(units *u);
void units_free(units *u);
/**
 * units_resolve - the unit id for a row's unit columns, creating it on first
 * sight. default_province (code, name) stands in when the row names none.
 * pos orders "first seen" for names. Returns -1 only for invalid UTF-8.
 */
int units_resolve(units *u, const unit_ref *r, const char *default_prov_code,
                  const char *default_prov_name, uint64_t pos);
/**
 * units_settle - a commune with a district takes its district's province
 * (the district's claim may have been settled after the commune's). Call
 * after the last units_resolve or units_merge into u.
 */
void units_settle(units *u);
/**
 * units_merge - intern every unit of src into dst; remap[i] receives the dst
 * id of src unit i (caller allocates src->nunits ints).
 */
void units_merge(units *dst, const units *src, int *remap);
/**
 * units_merge_some - units_merge of the units i with keep[i] set (all when
 * keep is NULL), with only their provinces and districts; remap[i] is -1
 * for a unit left out.
 */
void units_merge_some(units *dst, const units *src, const unsigned char *keep, int *remap);
/** units_is_coded - 1 for a unit that is not a commune known by name only. */
int units_is_coded(const units *u, int id);
/** units_take_warnings - copy src's warnings into dst (units_merge_some with
 * a keep mask does not). */
void units_take_warnings(units *dst, const units *src);
/**
 * units_regroup - dst (initialised) gets every unit of src with its
 * province; where move(ctx, src, i, &code, &name) returns 1 the unit is put
 * under the commune (code, name) instead, with no district (a commune of
 * the two-level map), else it stays as it is. remap[i] receives the dst id
 * of src unit i. Several src units may land on one dst unit.
 */
void units_regroup(units *dst, const units *src,
                   int (*move)(void *ctx, const units *src, int i, const char **code, const char **name),
                   void *ctx, int *remap);
/** units_sort_warnings - sort the warnings, so their order never depends
 * on which thread read what. */
void units_sort_warnings(units *u);
/** units_name - a commune's name (its code when it has no name). */
const char *units_name(const units *u, int id);

#define UNITS_MAX_WARNINGS 200

#endif
