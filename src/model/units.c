/* Interning of provinces, districts and communes; see units.h. */
#include "units.h"

#include <stdlib.h>
#include <string.h>

#include "../util/text.h"

void units_init(units *u)
{
    memset(u, 0, sizeof *u);
    strmap_init(&u->prov_keys);
    strmap_init(&u->dist_keys);
    strmap_init(&u->unit_keys);
    strmap_init(&u->name_units);
}

void units_free(units *u)
{
    for (int i = 0; i < u->nprovinces; i++) {
        free(u->provinces[i].code);
        free(u->provinces[i].name);
    }
    for (int i = 0; i < u->ndistricts; i++) {
        free(u->districts[i].code);
        free(u->districts[i].name);
    }
    for (int i = 0; i < u->nunits; i++) {
        free(u->units[i].code);
        free(u->units[i].name);
    }
    for (int i = 0; i < u->nwarnings; i++) free(u->warnings[i]);
    free(u->provinces);
    free(u->districts);
    free(u->units);
    free(u->warnings);
    strmap_free(&u->prov_keys);
    strmap_free(&u->dist_keys);
    strmap_free(&u->unit_keys);
    strmap_free(&u->name_units);
    memset(u, 0, sizeof *u);
}

/*
 * The matching key of a unit name without its type word: "Xã Vĩnh Khê",
 * "xã vĩnh khê" and "Vĩnh Khê" are one commune, "Huyện Mường Khoa" and
 * "Mường Khoa" one district. A name that is nothing but the word keeps it.
 */
static void name_key(strbuf *k, const char *name)
{
    static const char *const words[] = {"thành phố ", "thị trấn ", "thị xã ", "phường ", "huyện ",
                                        "quận ", "tỉnh ", "tp. ", "tp ", "xã "};
    size_t at = k->len;
    if (text_key(k, name, strlen(name)) < 0) return;
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        size_t wl = strlen(words[i]);
        if (k->len - at > wl && !strncmp(k->buf + at, words[i], wl)) {
            memmove(k->buf + at, k->buf + at + wl, k->len - at - wl);
            strbuf_setlen(k, k->len - wl);
            break;
        }
    }
}

/* Two names are one when their keys are. */
static int same_name(const char *a, const char *b)
{
    strbuf x = STRBUF_INIT, y = STRBUF_INIT;
    name_key(&x, a);
    name_key(&y, b);
    int same = !strcmp(x.buf, y.buf);
    strbuf_release(&x);
    strbuf_release(&y);
    return same;
}

static void warn(units *u, const char *fmt, const char *a, const char *b,
                 const char *c)
{
    if (u->nwarnings >= UNITS_MAX_WARNINGS) return;
    strbuf sb = STRBUF_INIT;
    strbuf_addf(&sb, fmt, a, b, c);
    ALLOC_GROW(u->warnings, u->nwarnings + 1, u->warn_alloc);
    u->warnings[u->nwarnings++] = strbuf_detach(&sb, NULL);
}

/* Keep the earliest-seen non-empty name; report a different one. */
static void settle_name(units *u, char **name, uint64_t *name_pos,
                        const char *cand, uint64_t pos, const char *code)
{
    if (!cand || !*cand) return;
    if (!*name || !**name) {
        free(*name);
        *name = xstrdup(cand);
        *name_pos = pos;
        return;
    }
    if (strcmp(*name, cand) == 0) return;
    if (!same_name(*name, cand) && code && *code)
        warn(u, "mã %s có hai tên khác nhau: \"%s\" và \"%s\"", code,
             pos < *name_pos ? cand : *name, pos < *name_pos ? *name : cand);
    if (pos < *name_pos) {
        free(*name);
        *name = xstrdup(cand);
        *name_pos = pos;
    }
}

/* NFC text of a cell, trimmed, inner spaces folded. */
static char *clean(const char *s, size_t len)
{
    strbuf sb = STRBUF_INIT, out = STRBUF_INIT;
    text_trim(&s, &len);
    if (text_nfc(&sb, s, len) < 0) {
        strbuf_release(&sb);
        return NULL;
    }
    int space = 0;
    for (size_t i = 0; i < sb.len; i++) {
        if (sb.buf[i] == ' ' || sb.buf[i] == '\t') {
            space = 1;
            continue;
        }
        if (space && out.len) strbuf_addch(&out, ' ');
        space = 0;
        strbuf_addch(&out, sb.buf[i]);
    }
    strbuf_release(&sb);
    return strbuf_detach(&out, NULL);
}

/* 1 when claim c beats the current one (see unit_claim in units.h). */
static int claim_wins(unit_claim c, unit_claim cur)
{
    return c.assumed != cur.assumed ? !c.assumed : c.pos < cur.pos;
}

static int intern_province(units *u, const char *code, const char *name,
                           uint64_t pos)
{
    strbuf k = STRBUF_INIT;
    if (*code) strbuf_addf(&k, "c:%s", code);
    else { strbuf_adds(&k, "n:"); name_key(&k, name); }
    int id = strmap_get(&u->prov_keys, k.buf, k.len);
    if (id < 0) {
        ALLOC_GROW(u->provinces, u->nprovinces + 1, u->prov_alloc);
        id = u->nprovinces++;
        u->provinces[id] = (unit_province){xstrdup(code), NULL, pos};
        strmap_put(&u->prov_keys, k.buf, k.len, id);
    }
    settle_name(u, &u->provinces[id].name, &u->provinces[id].name_pos, name, pos, code);
    strbuf_release(&k);
    return id;
}

static int intern_district(units *u, int prov, unit_claim pc, const char *code,
                           const char *name, uint64_t pos)
{
    if (!*code && !*name) return -1;
    strbuf k = STRBUF_INIT;
    if (*code) strbuf_addf(&k, "c:%s", code);
    else { strbuf_addf(&k, "p%d:n:", prov); name_key(&k, name); }
    int id = strmap_get(&u->dist_keys, k.buf, k.len);
    if (id < 0) {
        ALLOC_GROW(u->districts, u->ndistricts + 1, u->dist_alloc);
        id = u->ndistricts++;
        u->districts[id] = (unit_district){xstrdup(code), NULL, prov, pos, pc};
        strmap_put(&u->dist_keys, k.buf, k.len, id);
    } else if (u->districts[id].province != prov && claim_wins(pc, u->districts[id].prov_claim)) {
        u->districts[id].province = prov;
        u->districts[id].prov_claim = pc;
    }
    settle_name(u, &u->districts[id].name, &u->districts[id].name_pos, name, pos, code);
    strbuf_release(&k);
    return id;
}

/* A commune given under two districts: the earliest position wins, and
 * the warning names both in a fixed order, whichever was read first. */
static void settle_district(units *u, unit_entry *e, int dist, uint64_t pos)
{
    if (e->district >= 0) {
        const char *a = u->districts[e->district].code, *b = u->districts[dist].code;
        if (strcmp(a, b) > 0) {
            const char *t = a;
            a = b, b = t;
        }
        warn(u, "xã mã %s ghi thuộc hai huyện khác nhau (%s, %s)", e->code, a, b);
    }
    if (e->district < 0 || pos < e->district_pos) {
        e->district = dist;
        e->district_pos = pos;
    }
}

static int intern_unit(units *u, unit_kind kind, int prov, unit_claim pc, int dist,
                       const char *code, const char *name, uint64_t pos, uint64_t dist_pos)
{
    strbuf k = STRBUF_INIT, nk = STRBUF_INIT;
    if (kind == UNIT_PROVINCE_LEVEL) strbuf_addf(&k, "P%d", prov);
    else if (kind == UNIT_DISTRICT_LEVEL) strbuf_addf(&k, "D%d", dist);
    else if (*code) strbuf_addf(&k, "c:%s", code);
    int id = k.len ? strmap_get(&u->unit_keys, k.buf, k.len) : -1;
    /* The name's key: the key of a commune known by name only, and, for a
     * coded commune seen for the first time, its entry in the name index
     * (folding case costs; a known code needs neither). */
    if (kind == UNIT_COMMUNE && *name && (!*code || id < 0)) {
        strbuf_addf(&nk, "d%d:p%d:n:", dist, prov);
        name_key(&nk, name);
    }
    if (!k.len) {
        strbuf_add(&k, nk.buf, nk.len);
        id = strmap_get(&u->unit_keys, k.buf, k.len);
    }
    /* A name given without a code is the coded commune of that name in
     * the same district, when there is one. */
    int named = nk.len ? strmap_get(&u->name_units, nk.buf, nk.len) : -1;
    if (id < 0 && !*code && named >= 0) id = named;
    if (*code && nk.len && named >= 0 && u->units[named].code && *u->units[named].code &&
        strcmp(u->units[named].code, code)) {
        const char *a = u->units[named].code, *b = code;
        if (strcmp(a, b) > 0) {
            const char *t = a;
            a = b, b = t;
        }
        warn(u, "xã \"%s\" có hai mã khác nhau: %s và %s", name, a, b);
    }
    if (id < 0) {
        ALLOC_GROW(u->units, u->nunits + 1, u->unit_alloc);
        id = u->nunits++;
        u->units[id] = (unit_entry){kind, kind == UNIT_COMMUNE ? xstrdup(code) : NULL,
                                    NULL, prov, dist, pos, dist_pos, pc};
        strmap_put(&u->unit_keys, k.buf, k.len, id);
    } else if (kind == UNIT_COMMUNE) {
        unit_entry *e = &u->units[id];
        if (dist >= 0 && e->district != dist) settle_district(u, e, dist, dist_pos);
        if (e->province != prov && claim_wins(pc, e->prov_claim)) e->province = prov, e->prov_claim = pc;
    }
    if (kind == UNIT_COMMUNE && nk.len && (named < 0 || (*code && !(u->units[named].code && *u->units[named].code))))
        strmap_put(&u->name_units, nk.buf, nk.len, id);
    if (kind == UNIT_COMMUNE)
        settle_name(u, &u->units[id].name, &u->units[id].name_pos, name, pos, code);
    strbuf_release(&k);
    strbuf_release(&nk);
    return id;
}

int units_resolve(units *u, const unit_ref *r, const char *default_prov_code,
                  const char *default_prov_name, uint64_t pos)
{
    char *f[6] = {clean(r->ma_tinh, r->ma_tinh_len), clean(r->ten_tinh, r->ten_tinh_len),
                  clean(r->ma_huyen, r->ma_huyen_len), clean(r->ten_huyen, r->ten_huyen_len),
                  clean(r->ma_xa, r->ma_xa_len), clean(r->ten_xa, r->ten_xa_len)};
    int id = -1;
    if (f[0] && f[1] && f[2] && f[3] && f[4] && f[5]) {
        int named = *f[0] || *f[1];
        unit_claim pc = {pos, (unsigned char)!named};
        int prov = intern_province(u, named ? f[0] : default_prov_code,
                                   named ? f[1] : default_prov_name, pos);
        int dist = intern_district(u, prov, pc, f[2], f[3], pos);
        if (*f[4] || *f[5])
            id = intern_unit(u, UNIT_COMMUNE, prov, pc, dist, f[4], f[5], pos, pos);
        else if (dist >= 0)
            id = intern_unit(u, UNIT_DISTRICT_LEVEL, prov, pc, dist, "", "", pos, pos);
        else
            id = intern_unit(u, UNIT_PROVINCE_LEVEL, prov, pc, -1, "", "", pos, pos);
    }
    for (int i = 0; i < 6; i++) free(f[i]);
    return id;
}

/* The province and district of src unit e in dst, interned on first use. */
static void intern_parents(units *dst, const units *src, const unit_entry *e, int *prov, int *dist)
{
    if (prov[e->province] < 0) {
        const unit_province *p = &src->provinces[e->province];
        prov[e->province] = intern_province(dst, p->code, p->name ? p->name : "", p->name_pos);
    }
    if (e->district >= 0 && dist[e->district] < 0) {
        const unit_district *d = &src->districts[e->district];
        if (prov[d->province] < 0) {
            const unit_province *p = &src->provinces[d->province];
            prov[d->province] = intern_province(dst, p->code, p->name ? p->name : "", p->name_pos);
        }
        dist[e->district] = intern_district(dst, prov[d->province], d->prov_claim, d->code,
                                            d->name ? d->name : "", d->name_pos);
    }
}

void units_merge_some(units *dst, const units *src, const unsigned char *keep, int *remap)
{
    int *prov = xmalloc(((size_t)src->nprovinces + 1) * sizeof(int));
    int *dist = xmalloc(((size_t)src->ndistricts + 1) * sizeof(int));
    for (int i = 0; i < src->nprovinces; i++) prov[i] = -1;
    for (int i = 0; i < src->ndistricts; i++) dist[i] = -1;
    /* Coded units first, so a commune named without its code elsewhere
     * joins it whichever was read first. */
    for (int pass = 0; pass < 2; pass++)
    for (int i = 0; i < src->nunits; i++) {
        const unit_entry *e = &src->units[i];
        if (units_is_coded(src, i) != (pass == 0)) continue;
        remap[i] = -1;
        if (keep && !keep[i]) continue;
        intern_parents(dst, src, e, prov, dist);
        remap[i] = intern_unit(dst, e->kind, prov[e->province], e->prov_claim,
                               e->district >= 0 ? dist[e->district] : -1,
                               e->code ? e->code : "", e->name ? e->name : "",
                               e->name_pos, e->district_pos);
    }
    for (int i = 0; !keep && i < src->nwarnings; i++)
        warn(dst, "%s%s%s", src->warnings[i], "", "");
    free(prov);
    free(dist);
}

int units_is_coded(const units *u, int id)
{
    const unit_entry *e = &u->units[id];
    return e->kind != UNIT_COMMUNE || (e->code && *e->code);
}

void units_take_warnings(units *dst, const units *src)
{
    for (int i = 0; i < src->nwarnings; i++) warn(dst, "%s%s%s", src->warnings[i], "", "");
}

void units_regroup(units *dst, const units *src,
                   int (*move)(void *ctx, const units *src, int i, const char **code, const char **name),
                   void *ctx, int *remap)
{
    int *prov = xmalloc(((size_t)src->nprovinces + 1) * sizeof(int));
    int *dist = xmalloc(((size_t)src->ndistricts + 1) * sizeof(int));
    for (int i = 0; i < src->nprovinces; i++) prov[i] = -1;
    for (int i = 0; i < src->ndistricts; i++) dist[i] = -1;
    for (int i = 0; i < src->nunits; i++) {
        const unit_entry *e = &src->units[i];
        const char *code = NULL, *name = NULL;
        if (move(ctx, src, i, &code, &name)) {
            if (prov[e->province] < 0) {
                const unit_province *p = &src->provinces[e->province];
                prov[e->province] = intern_province(dst, p->code, p->name ? p->name : "", p->name_pos);
            }
            remap[i] = intern_unit(dst, UNIT_COMMUNE, prov[e->province], e->prov_claim, -1, code,
                                   name ? name : "", 0, 0);
            continue;
        }
        intern_parents(dst, src, e, prov, dist);
        remap[i] = intern_unit(dst, e->kind, prov[e->province], e->prov_claim,
                               e->district >= 0 ? dist[e->district] : -1,
                               e->code ? e->code : "", e->name ? e->name : "", e->name_pos, e->district_pos);
    }
    for (int i = 0; i < src->nwarnings; i++) warn(dst, "%s%s%s", src->warnings[i], "", "");
    free(prov);
    free(dist);
}

void units_merge(units *dst, const units *src, int *remap)
{
    units_merge_some(dst, src, NULL, remap);
}

void units_settle(units *u)
{
    for (int i = 0; i < u->nunits; i++) {
        unit_entry *e = &u->units[i];
        if (e->district >= 0) e->province = u->districts[e->district].province;
    }
}

const char *units_name(const units *u, int id)
{
    const unit_entry *e = &u->units[id];
    return e->name && *e->name ? e->name : (e->code ? e->code : "");
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void units_sort_warnings(units *u)
{
    if (u->nwarnings > 1) qsort(u->warnings, (size_t)u->nwarnings, sizeof(char *), cmp_str);
    /* A conflict met by two threads is said once. */
    int n = 0;
    for (int i = 0; i < u->nwarnings; i++) {
        if (n && !strcmp(u->warnings[n - 1], u->warnings[i])) free(u->warnings[i]);
        else u->warnings[n++] = u->warnings[i];
    }
    u->nwarnings = n;
}
