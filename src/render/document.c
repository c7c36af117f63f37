/* The document model's memory management. */
#include "document.h"

#include <stdlib.h>

#include "../util/strbuf.h"

document *document_new(void)
{
    return xcalloc(1, sizeof(document));
}

void document_set(char **field, const char *s)
{
    free(*field);
    *field = s ? xstrdup(s) : NULL;
}

void document_add_block(document *d, block_kind kind, const char *text)
{
    ALLOC_GROW(d->blocks, d->nblocks + 1, d->blocks_alloc);
    d->blocks[d->nblocks].kind = kind;
    d->blocks[d->nblocks].text = xstrdup(text);
    d->nblocks++;
}

void document_add_addressee(document *d, const char *line)
{
    ALLOC_GROW(d->addressees, d->naddressees + 1, d->addressees_alloc);
    d->addressees[d->naddressees++] = xstrdup(line);
}

void document_add_recipient(document *d, const char *line)
{
    ALLOC_GROW(d->recipients, d->nrecipients + 1, d->recipients_alloc);
    d->recipients[d->nrecipients++] = xstrdup(line);
}

void document_add_appendix(document *d, const char *label, const char *caption, table *tbl)
{
    ALLOC_GROW(d->appendices, d->nappendices + 1, d->appendices_alloc);
    d->appendices[d->nappendices].label = xstrdup(label);
    d->appendices[d->nappendices].caption = caption && *caption ? xstrdup(caption) : NULL;
    d->appendices[d->nappendices].tbl = tbl;
    d->nappendices++;
}

void document_free(document *d)
{
    if (!d) return;
    free(d->parent_agency);
    free(d->agency);
    free(d->number_line);
    free(d->number);
    free(d->place_date);
    free(d->doc_type);
    free(d->title);
    free(d->addressee_label);
    free(d->subject);
    free(d->keywords);
    for (int i = 0; i < d->naddressees; i++) free(d->addressees[i]);
    free(d->addressees);
    for (int i = 0; i < d->nblocks; i++) free(d->blocks[i].text);
    free(d->blocks);
    free(d->sign_authority);
    free(d->sign_position);
    free(d->signer);
    for (int i = 0; i < d->nrecipients; i++) free(d->recipients[i]);
    free(d->recipients);
    for (int i = 0; i < d->nappendices; i++) {
        free(d->appendices[i].label);
        free(d->appendices[i].caption);
        table_free(d->appendices[i].tbl);
    }
    free(d->appendices);
    free(d);
}
