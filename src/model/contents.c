/* Content items of plan rows; see contents.h. */
#include "contents.h"

#include <stdlib.h>
#include <string.h>

#include "../util/strbuf.h"
#include "../util/text.h"

void contents_init(contents *c)
{
    memset(c, 0, sizeof *c);
    strmap_init(&c->keys);
    strmap_init(&c->raw);
}

void contents_free(contents *c)
{
    for (int i = 0; i < c->ntexts; i++) free(c->texts[i]);
    free(c->texts);
    free(c->items);
    strmap_free(&c->keys);
    strmap_free(&c->raw);
    free(c->slots);
    memset(c, 0, sizeof *c);
}

/* The id of a text: normalised once per spelling. */
static int text_id(contents *c, const char *text, size_t len)
{
    int id = strmap_get(&c->raw, text, len);
    if (id >= 0) return id; /* the same bytes again: a plan repeats its texts */
    strbuf key = STRBUF_INIT;
    if (text_key(&key, text, len) < 0) {
        strbuf_release(&key);
        return -1;
    }
    id = strmap_get(&c->keys, key.buf, key.len);
    if (id < 0) {
        strbuf shown = STRBUF_INIT;
        text_nfc(&shown, text, len);
        ALLOC_GROW(c->texts, c->ntexts + 1, c->texts_alloc);
        id = c->ntexts++;
        c->texts[id] = strbuf_detach(&shown, NULL);
        strmap_put(&c->keys, key.buf, key.len, id);
    }
    strmap_put(&c->raw, text, len, id);
    strbuf_release(&key);
    return id;
}

static size_t item_hash(uint32_t unit, int project, int year, int text)
{
    uint64_t h = ((uint64_t)unit << 32 | (uint32_t)project) * 0x9E3779B97F4A7C15ull;
    h ^= ((uint64_t)(uint32_t)year << 32 | (uint32_t)text) + 0x632BE59BD9B4E019ull;
    h ^= h >> 29;
    h *= 0xBF58476D1CE4E5B9ull;
    return (size_t)(h ^ (h >> 32));
}

/* The slot of the item (unit, project, year, text), or the empty one it
 * would take. */
static uint32_t *item_slot(const contents *c, uint32_t *slots, size_t cap, uint32_t unit,
                           int project, int year, int text)
{
    size_t mask = cap - 1;
    for (size_t i = item_hash(unit, project, year, text) & mask;; i = (i + 1) & mask) {
        if (!slots[i]) return &slots[i];
        const content_item *it = &c->items[slots[i] - 1];
        if (it->unit == unit && it->project == project && it->year == year && it->text == text)
            return &slots[i];
    }
}

static void grow_index(contents *c)
{
    size_t cap = c->cap ? c->cap * 2 : 64;
    uint32_t *slots = xcalloc(cap, sizeof *slots);
    for (int i = 0; i < c->n; i++) {
        const content_item *it = &c->items[i];
        *item_slot(c, slots, cap, it->unit, it->project, it->year, it->text) = (uint32_t)i + 1;
    }
    free(c->slots);
    c->slots = slots;
    c->cap = cap;
}

/* The item (unit, project, year, text id tid) seen at pos. */
static void add_item(contents *c, uint32_t unit, int project, int year, int tid, uint64_t pos)
{
    if ((size_t)(c->n + 1) * 2 > c->cap) grow_index(c);
    uint32_t *slot = item_slot(c, c->slots, c->cap, unit, project, year, tid);
    if (!*slot) {
        ALLOC_GROW(c->items, c->n + 1, c->alloc);
        c->items[c->n] = (content_item){unit, project, year, tid, pos};
        *slot = (uint32_t)++c->n;
    } else if (pos < c->items[*slot - 1].pos) {
        c->items[*slot - 1].pos = pos;
    }
}

int contents_add(contents *c, uint32_t unit, int project, int year, const char *text,
                 size_t len, uint64_t pos)
{
    text_trim(&text, &len);
    int tid = text_id(c, text, len);
    if (tid < 0) return -1;
    add_item(c, unit, project, year, tid, pos);
    return 0;
}

void contents_merge(contents *dst, const contents *src, const int *remap)
{
    /* dst's id of each of src's texts, found at its first item: a text
     * is looked up once a merge, not once an item. */
    int *tmap = xmalloc((size_t)src->ntexts * sizeof(int) + 1);
    memset(tmap, -1, (size_t)src->ntexts * sizeof(int));
    for (int i = 0; i < src->n; i++) {
        const content_item *it = &src->items[i];
        int unit = remap ? remap[it->unit] : (int)it->unit;
        if (unit < 0) continue;
        if (tmap[it->text] < 0) {
            const char *text = src->texts[it->text];
            size_t len = strlen(text);
            text_trim(&text, &len);
            tmap[it->text] = text_id(dst, text, len);
        }
        if (tmap[it->text] >= 0) add_item(dst, (uint32_t)unit, it->project, it->year, tmap[it->text], it->pos);
    }
    free(tmap);
}

const char *contents_text(const contents *c, const content_item *it)
{
    return c->texts[it->text];
}

static int by_pos(const void *a, const void *b)
{
    const content_item *x = a, *y = b;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

void contents_sort(contents *c)
{
    if (c->n > 1) qsort(c->items, (size_t)c->n, sizeof *c->items, by_pos);
    /* The item ids changed, and the maps only serve adding: a sorted list
     * is read, not added to. Text ids stay. */
    strmap_free(&c->keys);
    strmap_init(&c->keys);
    strmap_free(&c->raw);
    strmap_init(&c->raw);
    free(c->slots);
    c->slots = NULL;
    c->cap = 0;
}
