/*
 * report_doc: builds the BÁO CÁO document from the wording template
 * (templates/bao_cao.txt), the facts and the config: header blocks,
 * number and date line, type and title, the body with its placeholders
 * and lists expanded, signature, Nơi nhận, and the tables as appendices.
 */
#ifndef MTQG_REPORT_DOC_H
#define MTQG_REPORT_DOC_H

#include "../config/config.h"
#include "document.h"
#include "facts.h"

typedef struct wording {
    char *file;
    vars settings;      /* [document] */
    vars lists;         /* [lists]: sizes */
    vars items;         /* [items]: "<list>.<kind> = text" for @items */
    int nlines, alloc;
    char **lines;       /* [body], continuation lines joined */
    int *linenos;       /* for messages */
} wording;

/** wording_load - read a wording template; -1 with "file:line: why" in err. */
int wording_load(wording *w, const char *path, strbuf *err);
/** wording_free */
void wording_free(wording *w);
/** wording_list_size - a [lists] number, or dflt. */
int wording_list_size(const wording *w, const char *name, int dflt);

/**
 * report_doc_build - the document; on success it owns the tables (they
 * become the appendices, in order; the caller's array is left as it is, so
 * another reader may go on using it until document_free). The body may
 * name the appendix of a form as {phu_luc_<form file name>} ("Phụ lục
 * III"); an appendix no body line names is said in warn (one line each;
 * warn may be NULL). A heading with nothing under it is left out. Returns
 * NULL with err set when a placeholder is unknown (the message names the
 * template line); the caller then still owns the tables.
 */
document *report_doc_build(const wording *w, const facts *f, const config *cfg,
                           table *const *tables, int ntables, strbuf *warn, strbuf *err);

#endif
