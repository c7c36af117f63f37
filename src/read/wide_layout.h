/*
 * wide_layout: recognising a "wide" table (the official layout of the
 * forms this program writes, an allocation appendix, a disbursement
 * table) by its header rows. A wide table spreads one row's amounts over
 * columns (one per source and capital); the header rows are matched to
 * the column tree of a form template (the .txt files of templates/forms, or a layout
 * file named by [file.<pattern>] layout = ...), so reading uses the same
 * vocabulary as writing: a column's measure and filter say what its
 * cells are. Derived columns (sum, rate) are checked, never added.
 *
 * The probe keeps the first rows of a sheet (titles and header, at most
 * INPUTS_HEADER_SEARCH of them), so memory does not grow with the file.
 */
#ifndef MTQG_WIDE_LAYOUT_H
#define MTQG_WIDE_LAYOUT_H

#include <stdint.h>

#include "../config/config.h"
#include "../model/catalogue.h"
#include "../util/strbuf.h"
#include "record.h"

/* WC_SHARE: an amount of several sources or of one capital only (Biểu
 * 03's "Vốn năm 2024 > Giải ngân", "Trong đó > Vốn sự nghiệp"): read and
 * checked, never added by itself (it is no one cube cell); consolidation
 * uses it to place a lower level's figures (wide_rows.c). */
typedef enum { WC_NONE = 0, WC_STT, WC_LABEL, WC_AMOUNT, WC_SUM, WC_RATE, WC_SHARE } wide_role;

/* The capital a column is of (its form filter's capital=; year-N and
 * year-N-or-earlier are extended, `extended` years before). */
typedef enum { WCAP_ANY = 0, WCAP_CURRENT, WCAP_EXTENDED } wide_capital;

typedef struct wide_col {
    wide_role role;
    int disbursed;       /* WC_AMOUNT: 0 plan, 1 disbursed */
    int source;          /* WC_AMOUNT: catalogue source id */
    uint64_t sources;    /* WC_SHARE: bit per catalogue source it covers
                          * (scope=: as the sheet states its rate's groups) */
    int capital;         /* WC_SHARE: a wide_capital */
    int cap_year;        /* 0: the row's year; else the capital year */
    int extended;        /* capital of earlier years, year not said: so many
                          * years before (1: capital=extended) */
    int date;            /* yyyymmdd a disbursement is counted to; 0: not said */
    int check_only;      /* WC_AMOUNT read for the checks but not added */
    int nargs;           /* WC_SUM: sheet columns added */
    int args[16];
    char *header;        /* the header text, for messages */
} wide_col;

typedef struct wide_layout {
    int ncols;
    wide_col *cols;
    int header_last;     /* record index of the last header row */
    char *form_name;     /* the form or layout file matched */
    int scale;           /* decimals from the sheet's unit to đồng */
    int year;            /* plan year from the title or the headers; 0: none */
} wide_layout;

typedef struct wide_probe wide_probe;

/**
 * wide_probe_new - a probe for one file: loads the shipped forms (only
 * those whose rows are projects or units and whose amounts are plan or
 * disbursement) and, when `layout_file` is set, that layout alone.
 * Returns NULL with err set when a template cannot be read.
 */
wide_probe *wide_probe_new(const config *cfg, const catalogue *cat, const char *layout_file,
                           strbuf *err);
/** wide_probe_free */
void wide_probe_free(wide_probe *p);
/**
 * wide_probe_row - offer the next row above the data. Returns 1 when the
 * rows so far end in a header that matches a form (lay is then filled,
 * owned by the caller: wide_layout_free), 0 otherwise. When the best
 * candidate failed on a cell, why names that cell and its text.
 */
int wide_probe_row(wide_probe *p, const record *r, wide_layout *lay, strbuf *why);
/**
 * wide_probe_unit_sheets - the sheet names of the forms laid out by unit
 * ("02 KH von theo xa"), up to max of them into names (owned by the probe):
 * in a workbook this program wrote, they say which unit the by-project
 * sheets are about. Returns how many.
 */
int wide_probe_unit_sheets(const wide_probe *p, const char **names, int max);
/**
 * wide_probe_disbursement_sheets - the sheet names of the forms laid out
 * by project that give the report year's disbursement ("03 Giai ngan theo
 * du an"), up to max of them (owned by the probe): in a workbook this
 * program wrote, they hold what its plan sheets do not. Returns how many.
 */
int wide_probe_disbursement_sheets(const wide_probe *p, const char **names, int max);
/**
 * wide_probe_for_shares - let p match a form whose amount columns are all
 * shares (Biểu 03: by capital and type, no one source), for a reader that
 * places them (consolidation); a plain read needs an amount it can add.
 */
void wide_probe_for_shares(wide_probe *p);
/** wide_layout_free */
void wide_layout_free(wide_layout *lay);
/** wide_column_name - "E" for column 4, into sb. */
void wide_column_name(strbuf *sb, int col);

#endif
