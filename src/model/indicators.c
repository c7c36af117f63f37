/* Indicator aggregation; see indicators.h. Small data: a strmap of cells. */
#include "indicators.h"

#include <stdlib.h>
#include <string.h>

#include "../util/checked.h"
#include "../util/text.h"

void indicators_init(indicators *in)
{
    memset(in, 0, sizeof *in);
    strmap_init(&in->name_keys);
    strmap_init(&in->uom_keys);
    strmap_init(&in->cell_keys);
}

void indicators_free(indicators *in)
{
    for (int i = 0; i < in->nnames; i++) free(in->names[i]);
    for (int i = 0; i < in->nuoms; i++) free(in->uoms[i]);
    free(in->names);
    free(in->uoms);
    free(in->names_pos);
    free(in->uoms_pos);
    free(in->cells);
    strmap_free(&in->name_keys);
    strmap_free(&in->uom_keys);
    strmap_free(&in->cell_keys);
    memset(in, 0, sizeof *in);
}

typedef struct text_table {
    strmap *keys;
    char ***texts;
    uint64_t **pos;
    int *n, *alloc;
} text_table;

static int intern(text_table tt, const char *s, size_t len, uint64_t pos)
{
    strbuf k = STRBUF_INIT, shown = STRBUF_INIT;
    text_trim(&s, &len);
    if (text_key(&k, s, len) < 0) return -1;
    int id = strmap_get(tt.keys, k.buf, k.len);
    if (id < 0 || pos < (*tt.pos)[id]) {
        text_nfc(&shown, s, len);
        if (id < 0) {
            if (*tt.n == *tt.alloc) {
                *tt.alloc = *tt.alloc ? *tt.alloc * 2 : 16;
                *tt.texts = xrealloc(*tt.texts, (size_t)*tt.alloc * sizeof(char *));
                *tt.pos = xrealloc(*tt.pos, (size_t)*tt.alloc * sizeof(uint64_t));
            }
            id = (*tt.n)++;
            strmap_put(tt.keys, k.buf, k.len, id);
        } else {
            free((*tt.texts)[id]);
        }
        (*tt.texts)[id] = strbuf_detach(&shown, NULL);
        (*tt.pos)[id] = pos;
    }
    strbuf_release(&k);
    strbuf_release(&shown);
    return id;
}

static text_table names_of(indicators *in)
{
    return (text_table){&in->name_keys, &in->names, &in->names_pos, &in->nnames, &in->names_alloc};
}

static text_table uoms_of(indicators *in)
{
    return (text_table){&in->uom_keys, &in->uoms, &in->uoms_pos, &in->nuoms, &in->uoms_alloc};
}

int indicators_intern_name(indicators *in, const char *s, size_t len, uint64_t pos)
{
    return intern(names_of(in), s, len, pos);
}

int indicators_intern_uom(indicators *in, const char *s, size_t len, uint64_t pos)
{
    return intern(uoms_of(in), s, len, pos);
}

/* The cell's id after adding (checked: a sum past int64 flags the cell). */
static int add_cell(indicators *in, uint32_t unit, int project, int year,
                    int name, int uom, int64_t target, int64_t achieved)
{
    int32_t key[5] = {(int32_t)unit, project, year, name, uom};
    int id = strmap_get(&in->cell_keys, (const char *)key, sizeof key);
    if (id < 0) {
        ALLOC_GROW(in->cells, in->ncells + 1, in->cells_alloc);
        id = in->ncells++;
        in->cells[id] = (ind_cell){unit, (uint16_t)project, (uint16_t)year, name, uom, 0, 0, 0};
        strmap_put(&in->cell_keys, (const char *)key, sizeof key, id);
    }
    ind_cell *c = &in->cells[id];
    if (checked_add(&c->target, target) | checked_add(&c->achieved, achieved)) c->overflow = 1;
    return id;
}

void indicators_add(indicators *in, uint32_t unit, int project, int year,
                    int name, int uom, int64_t target, int64_t achieved)
{
    add_cell(in, unit, project, year, name, uom, target, achieved);
}

/* dst's id of src's text id, interned at its first use (map[id] < 0: not
 * yet): each text normalised once a merge, not once a cell. */
static int mapped(text_table dst, int *map, char *const *texts, const uint64_t *pos, int id)
{
    if (map[id] < 0) map[id] = intern(dst, texts[id], strlen(texts[id]), pos[id]);
    return map[id];
}

void indicators_merge(indicators *dst, const indicators *src, const int *unit_remap)
{
    int *nmap = xmalloc((size_t)src->nnames * sizeof(int) + 1), *umap = xmalloc((size_t)src->nuoms * sizeof(int) + 1);
    memset(nmap, -1, (size_t)src->nnames * sizeof(int));
    memset(umap, -1, (size_t)src->nuoms * sizeof(int));
    for (int i = 0; i < src->ncells; i++) {
        const ind_cell *c = &src->cells[i];
        if (unit_remap[c->unit] < 0) continue;
        int name = mapped(names_of(dst), nmap, src->names, src->names_pos, c->name);
        int uom = mapped(uoms_of(dst), umap, src->uoms, src->uoms_pos, c->uom);
        int id = add_cell(dst, (uint32_t)unit_remap[c->unit], c->project, c->year,
                          name, uom, c->target, c->achieved);
        dst->cells[id].overflow |= c->overflow;
    }
    free(nmap);
    free(umap);
}

static int cmp_text_id(const void *a, const void *b, void *texts)
{
    char **t = texts;
    return strcmp(t[*(const int *)a], t[*(const int *)b]);
}

/* Reorder texts[] by text; remap[old id] = new id. The keys map is rebuilt. */
static int *sort_texts(char **texts, uint64_t *pos, int n, strmap *keys)
{
    if (n == 0) return xcalloc(1, sizeof(int));
    int *order = xmalloc((size_t)(n + 1) * sizeof(int)), *remap = xmalloc((size_t)(n + 1) * sizeof(int));
    for (int i = 0; i < n; i++) order[i] = i;
    qsort_r(order, (size_t)n, sizeof(int), cmp_text_id, texts);
    char **sorted = xmalloc((size_t)(n + 1) * sizeof(char *));
    uint64_t *spos = xmalloc((size_t)(n + 1) * sizeof(uint64_t));
    for (int i = 0; i < n; i++) {
        sorted[i] = texts[order[i]];
        spos[i] = pos[order[i]];
        remap[order[i]] = i;
    }
    memcpy(texts, sorted, (size_t)n * sizeof(char *));
    memcpy(pos, spos, (size_t)n * sizeof(uint64_t));
    free(sorted);
    free(spos);
    free(order);
    for (size_t i = 0; i < keys->cap; i++)
        if (keys->slots[i].key) keys->slots[i].value = remap[keys->slots[i].value];
    return remap;
}

void indicators_sort(indicators *in)
{
    int *nmap = sort_texts(in->names, in->names_pos, in->nnames, &in->name_keys);
    int *umap = sort_texts(in->uoms, in->uoms_pos, in->nuoms, &in->uom_keys);
    strmap_free(&in->cell_keys);
    strmap_init(&in->cell_keys);
    for (int i = 0; i < in->ncells; i++) {
        ind_cell *c = &in->cells[i];
        c->name = nmap[c->name];
        c->uom = umap[c->uom];
        int32_t key[5] = {(int32_t)c->unit, c->project, c->year, c->name, c->uom};
        strmap_put(&in->cell_keys, (const char *)key, sizeof key, i);
    }
    free(nmap);
    free(umap);
}
