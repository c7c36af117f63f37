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
    strmap_init(&c->cells);
}

void contents_free(contents *c)
{
    for (int i = 0; i < c->ntexts; i++) free(c->texts[i]);
    free(c->texts);
    free(c->items);
    strmap_free(&c->keys);
    strmap_free(&c->raw);
    strmap_free(&c->cells);
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

int contents_add(contents *c, uint32_t unit, int project, int year, const char *text,
                 size_t len, uint64_t pos)
{
    text_trim(&text, &len);
    int tid = text_id(c, text, len);
    if (tid < 0) return -1;
    uint32_t cell[4] = {unit, (uint32_t)project, (uint32_t)year, (uint32_t)tid};
    int id = strmap_get(&c->cells, (const char *)cell, sizeof cell);
    if (id < 0) {
        ALLOC_GROW(c->items, c->n + 1, c->alloc);
        id = c->n++;
        c->items[id] = (content_item){unit, project, year, tid, pos};
        strmap_put(&c->cells, (const char *)cell, sizeof cell, id);
    } else if (pos < c->items[id].pos) {
        c->items[id].pos = pos;
    }
    return 0;
}

void contents_merge(contents *dst, const contents *src, const int *remap)
{
    for (int i = 0; i < src->n; i++) {
        const content_item *it = &src->items[i];
        int unit = remap ? remap[it->unit] : (int)it->unit;
        const char *text = src->texts[it->text];
        if (unit >= 0)
            contents_add(dst, (uint32_t)unit, it->project, it->year, text, strlen(text), it->pos);
    }
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
    strmap_free(&c->cells);
    strmap_init(&c->cells);
}
