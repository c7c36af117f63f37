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

/* A new text: shown (NFC, owned from now on) under its key. Its id. */
static int new_text(contents *c, char *shown, const char *key, size_t key_len)
{
    ALLOC_GROW(c->texts, c->ntexts + 1, c->texts_alloc);
    c->texts[c->ntexts] = shown;
    strmap_put(&c->keys, key, key_len, c->ntexts);
    return c->ntexts++;
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
        id = new_text(c, strbuf_detach(&shown, NULL), key.buf, key.len);
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
    uint32_t *slots = xcalloc_written(cap, sizeof *slots);
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
    /* dst's id of each of src's texts, found at its first item by the key
     * src made for it: a text is looked up once a merge, not once an item,
     * and not normalised again (10-20 ms on the national plan when its two
     * halves were read by different threads). A sorted src (a dataset
     * folded into another by the crosswalk or a split) has dropped its
     * keys: its texts are normalised (they are stored trimmed, in NFC). */
    const strmap_slot **key_of = xcalloc((size_t)src->ntexts + 1, sizeof *key_of);
    for (size_t k = 0; k < src->keys.cap; k++)
        if (src->keys.slots[k].key) key_of[src->keys.slots[k].value] = &src->keys.slots[k];
    int *tmap = xmalloc((size_t)src->ntexts * sizeof(int) + 1);
    memset(tmap, -1, (size_t)src->ntexts * sizeof(int));
    for (int i = 0; i < src->n; i++) {
        const content_item *it = &src->items[i];
        int unit = remap ? remap[it->unit] : (int)it->unit;
        if (unit < 0) continue;
        if (tmap[it->text] < 0) {
            const strmap_slot *key = key_of[it->text];
            const char *text = src->texts[it->text];
            if (key) { /* src not sorted yet: its keys are still there */
                int id = strmap_get(&dst->keys, key->key, key->len);
                tmap[it->text] = id >= 0 ? id : new_text(dst, xstrdup(text), key->key, key->len);
            } else {
                tmap[it->text] = text_id(dst, text, strlen(text));
            }
        }
        if (tmap[it->text] >= 0) add_item(dst, (uint32_t)unit, it->project, it->year, tmap[it->text], it->pos);
    }
    free(tmap);
    free(key_of);
}

const char *contents_text(const contents *c, const content_item *it)
{
    return c->texts[it->text];
}

/*
 * Items by position. They come as a few ascending runs: each reading
 * task adds its rows' items in row order, and a merge appends the other
 * sink's. Adjacent runs are merged pairwise until one is left: a pass or
 * two over the national plan's 54,000 items, where qsort took 6-9 ms.
 * Positions are distinct (one item a row at most), so the order is total.
 */
static void sort_by_pos(content_item *a, size_t n)
{
    content_item *tmp = NULL;
    for (;;) { /* a pass: each two adjacent runs into one */
        size_t runs = 0;
        for (size_t i = 0; i < n; runs++) {
            size_t mid = i + 1, end;
            while (mid < n && a[mid - 1].pos < a[mid].pos) mid++;
            if (mid == n && i == 0) break; /* one run: sorted */
            for (end = mid < n ? mid + 1 : n; end < n && a[end - 1].pos < a[end].pos;) end++;
            if (!tmp) tmp = xmalloc(n * sizeof *a);
            for (size_t x = i, y = mid, o = i; x < mid || y < end; o++)
                tmp[o] = y == end || (x < mid && a[x].pos < a[y].pos) ? a[x++] : a[y++];
            i = end;
        }
        if (runs == 0) break;
        memcpy(a, tmp, n * sizeof *a);
        if (runs == 1) break;
    }
    free(tmp);
}

void contents_sort(contents *c)
{
    if (c->n > 1) sort_by_pos(c->items, (size_t)c->n);
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
