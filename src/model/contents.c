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
    for (int i = 0; i < c->n; i++) free(c->items[i].text);
    free(c->items);
    strmap_free(&c->keys);
    strmap_free(&c->raw);
    memset(c, 0, sizeof *c);
}

int contents_add(contents *c, uint32_t unit, int project, int year, const char *text,
                 size_t len, uint64_t pos)
{
    strbuf key = STRBUF_INIT;
    text_trim(&text, &len);
    strbuf_addf(&key, "%u:%d:%d:", unit, project, year);
    size_t prefix = key.len;
    strbuf_add(&key, text, len);
    int seen = strmap_get(&c->raw, key.buf, key.len);
    if (seen >= 0) { /* the same bytes again: a plan repeats its texts */
        if (pos < c->items[seen].pos) c->items[seen].pos = pos;
        strbuf_release(&key);
        return 0;
    }
    strbuf_setlen(&key, prefix);
    if (text_key(&key, text, len) < 0) {
        strbuf_release(&key);
        return -1;
    }
    int id = strmap_get(&c->keys, key.buf, key.len);
    if (id < 0) {
        strbuf shown = STRBUF_INIT;
        text_nfc(&shown, text, len);
        ALLOC_GROW(c->items, c->n + 1, c->alloc);
        id = c->n++;
        c->items[id] = (content_item){unit, project, year, strbuf_detach(&shown, NULL), pos};
        strmap_put(&c->keys, key.buf, key.len, id);
    } else if (pos < c->items[id].pos) {
        c->items[id].pos = pos;
    }
    strbuf_setlen(&key, prefix);
    strbuf_add(&key, text, len);
    strmap_put(&c->raw, key.buf, key.len, id);
    strbuf_release(&key);
    return 0;
}

void contents_merge(contents *dst, const contents *src, const int *remap)
{
    for (int i = 0; i < src->n; i++) {
        const content_item *it = &src->items[i];
        int unit = remap ? remap[it->unit] : (int)it->unit;
        if (unit >= 0)
            contents_add(dst, (uint32_t)unit, it->project, it->year, it->text, strlen(it->text),
                         it->pos);
    }
}

static int by_pos(const void *a, const void *b)
{
    const content_item *x = a, *y = b;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

void contents_sort(contents *c)
{
    if (c->n > 1) qsort(c->items, (size_t)c->n, sizeof *c->items, by_pos);
    /* The ids changed, and the maps only serve adding: a sorted list is
     * read, not added to. */
    strmap_free(&c->keys);
    strmap_init(&c->keys);
    strmap_free(&c->raw);
    strmap_init(&c->raw);
}
