/*
 * document: an administrative document (Nghị định 30/2020, Phụ lục I) as
 * data: the header blocks, a flow of headings and paragraphs, appendices
 * holding tables, the signature block and the Nơi nhận list. The report
 * builder fills it from the aggregates and the wording template; the PDF
 * writer (pdf_report) lays it out. Nothing here knows about libharu.
 *
 * All strings are UTF-8, owned by the document, freed by document_free.
 */
#ifndef MTQG_DOCUMENT_H
#define MTQG_DOCUMENT_H

#include "table.h"

typedef enum {
    BLOCK_HEADING1,  /* "I. MỤC ĐÍCH, YÊU CẦU": bold, upper case as given */
    BLOCK_HEADING2,  /* "1. Mục đích": bold */
    BLOCK_HEADING3,  /* "a) ...": italic */
    BLOCK_PARAGRAPH, /* body text: justified, first-line indent */
    BLOCK_BULLET,    /* "- ..." line: justified, first-line indent, no extra */
    BLOCK_NOTICE     /* a boxed note (e.g. rejected rows, control totals) */
} block_kind;

typedef struct doc_block {
    block_kind kind;
    char *text;
} doc_block;

/* An appendix: "Phụ lục I" + a title, then one table on landscape pages. */
typedef struct doc_appendix {
    char *label;   /* "Phụ lục I" */
    char *caption; /* "(Kèm theo Kế hoạch số ... của ...)", italic, rule under */
    table *tbl;    /* owned: title, subtitle and unit line come from it */
} doc_appendix;

typedef struct document {
    /* A working paper (the run's check report): no national header, number,
     * date, signature or Nơi nhận; never issued. */
    int working;
    /* Header, left column. */
    char *parent_agency;  /* "UBND TỈNH QUẢNG TRỊ" (printed upper case) */
    char *agency;         /* "BAN DÂN TỘC" (upper case, bold, rule under) */
    char *number_line;    /* "Số: 05/BC-UBND" */
    char *number;         /* "05/BC-UBND"; NULL for a draft (not yet given) */
    /* Header, right column. */
    char *place_date;     /* "Vĩnh Linh, ngày 05 tháng 3 năm 2024" */
    /* Type and title. */
    char *doc_type;       /* "BÁO CÁO" */
    char *title;          /* trích yếu; '\n' separates lines */
    /* Properties of the file (a document system's index). */
    char *subject;        /* "Kế hoạch vốn, giải ngân ... năm 2025" */
    char *keywords;       /* "Chương trình 1719; kế hoạch; ..." */
    /* "Kính gửi:" of a report sent to a higher level, under the title. */
    char *addressee_label;  /* "Kính gửi:" */
    int naddressees, addressees_alloc;
    char **addressees;      /* without "- " and ";"/".": added when drawn */
    /* Body. */
    int nblocks, blocks_alloc;
    doc_block *blocks;
    /* Signature (right) and recipients (left). */
    char *sign_authority; /* "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH": any lines */
    char *sign_position;  /* "PHÓ CHỦ TỊCH": any lines */
    char *signer;         /* "Nguyễn Văn A" */
    int nrecipients, recipients_alloc;
    char **recipients;    /* without "- " and ";": added when drawn */
    /* Appendices, each on landscape pages after the signature page. */
    int nappendices, appendices_alloc;
    doc_appendix *appendices;
} document;

/** document_new - an empty document. */
document *document_new(void);
/** document_free - the document, its strings and its tables. */
void document_free(document *d);
/** document_set - replace one of the document's string fields (copied). */
void document_set(char **field, const char *s);
/** document_add_block - append a heading or paragraph (text copied). */
void document_add_block(document *d, block_kind kind, const char *text);
/** document_add_addressee - append a "Kính gửi" line (copied). */
void document_add_addressee(document *d, const char *line);
/** document_add_recipient - append a "Nơi nhận" line (copied). */
void document_add_recipient(document *d, const char *line);
/**
 * document_add_appendix - append an appendix with its label and caption
 * (NULL: none); the document owns tbl.
 */
void document_add_appendix(document *d, const char *label, const char *caption, table *tbl);

#endif
