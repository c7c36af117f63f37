/*
 * inputs: which files of the input folder are read, as what, and how.
 * A file's kind (plan, disbursement, indicators, assigned totals) comes
 * from its [file.<name>] section or from its name (ke_hoach*, giai_ngan*,
 * chi_tieu*, giao_von*); its format from its extension (.csv/.txt,
 * .xlsx, .xls, .ods) and, for CSV, its encoding.
 *
 * UTF-8 CSV has its header read up front, so its body can be cut in two
 * for two threads. The other formats (spreadsheets, and CSV that must be
 * re-encoded first) are read in one pass, header included: their layout
 * is found in the stream, below any title rows.
 */
#ifndef MTQG_INPUTS_H
#define MTQG_INPUTS_H

#include "../config/config.h"
#include "../model/dataset.h"
#include "csv_stream.h"
#include "ingest.h"
#include "layout.h"
#include "xlsx_stream.h"

typedef enum {
    FMT_CSV = 0,      /* UTF-8 CSV: header read first, body splittable */
    FMT_CSV_DECODED,  /* CSV in another encoding: one pass through a decoder */
    FMT_XLSX,
    FMT_XLS,
    FMT_ODS           /* OpenDocument spreadsheet, read like .xlsx */
} input_format;

/* Spreadsheets: cells carry their stored type, rows may be short. */
#define INPUTS_IS_SHEET(fmt) ((fmt) == FMT_XLSX || (fmt) == FMT_XLS || (fmt) == FMT_ODS)

typedef struct input_file {
    char *path;
    input_kind kind;
    input_format format;
    const config_input *settings; /* [file.<name>], or NULL */
    char delim;                   /* configured delimiter, or 0: detect */
    int encoding;                 /* text_encoding of the whole file (CSV) */
    int legacy;                   /* text_encoding of its text columns; ENC_UTF8: none */
    unsigned legacy_fields;       /* bit per field_id converted from `legacy` */
    int numconv;                  /* num_convention for values that do not settle it */
    int amount_scale;             /* decimals from the file's money unit to đồng */
    int title_scale;              /* the unit a title row above the header states, or -1 */
    const layout_words *words;    /* the header words (the list's) */
    /* Number convention of each amount column, when a first reading found
     * it only after values it then had to read again (see read_task). */
    signed char pinned[F_COUNT];  /* num_convention, or -1: settled by the values */
    long pinned_row[F_COUNT];     /* the file row whose value settled it */
    char pinned_value[F_COUNT][24];
    csv_head head;                /* FMT_CSV only */
    layout lay;
    int have_layout;              /* set once the header row is known */
    int header_best;              /* most columns a rejected header candidate named */
    /* FMT_XLSX: read again with the merged header cells filled, as a
     * one-pass reading found header merges (kept here: that reading's
     * list, so one pass again) or could not tell (NULL: two passes). */
    int xlsx_two_pass;
    xlsx_merges *xlsx_merges;
} input_file;

typedef struct input_list {
    int n;
    input_file *files;
    int nleft;
    char **left_out;              /* "name: why it is not read", one per file left out */
    layout_words words;           /* templates/headers.txt, shared by the files */
} input_list;

/**
 * inputs_check_config - the [map.*] and [file.*] settings of cfg, checked
 * before any file is read (and under --check): every mapped column is one
 * of ours with a header, every encoding, delimiter, legacy font and legacy
 * column is known. 0, or -1 with err naming the config file, section and key.
 */
int inputs_check_config(const config *cfg, strbuf *err);
/**
 * inputs_find - list the input folder (sorted by name) and keep the files
 * whose kind is known (from [file.<pattern>] kind, the start of the name,
 * or the one kind word the name holds: "Xã A - Kế hoạch vốn 2024.csv");
 * every other file goes to left_out with the reason. Returns INGEST_OK, INGEST_INPUT_MISSING (no folder,
 * no plan file) or INGEST_BAD_FILE (a bad [file.*] setting) with err set.
 */
ingest_status inputs_find(input_list *l, const config *cfg, strbuf *err);
/**
 * inputs_read_heads - read the header of every UTF-8 CSV and map it. A
 * CSV whose first row is a title (one cell of text) is read in one pass
 * instead, its header found below the title rows like a spreadsheet's.
 */
ingest_status inputs_read_heads(input_list *l, const config *cfg, strbuf *err);
/**
 * inputs_take_header - offer a streamed row as the header of f: 1 when it
 * maps every required column (f->lay is set), 0 when it does not (err
 * then holds why the best candidate so far, the row naming the most of
 * our columns, is not the header: its row and the column it lacks).
 */
int inputs_take_header(input_file *f, const record *r, const config *cfg, strbuf *err);
/**
 * inputs_amount_scale - the decimals from field f's amounts in f's file to
 * đồng: the unit its header states ("Số tiền (đồng)"), else a title row's
 * ("Đơn vị tính: đồng"), else the file's amount_unit, else the run's.
 */
int inputs_amount_scale(const input_file *in, int f);
/**
 * inputs_forget_header - undo what reading a streamed file (any format
 * but FMT_CSV) found of its header: layout, title row's unit, best
 * candidate. Before the file is read again from its first row.
 */
void inputs_forget_header(input_file *f);
/** inputs_free */
void inputs_free(input_list *l);

/* Rows searched for a header below title rows, in a spreadsheet. */
#define INPUTS_HEADER_SEARCH 20

/**
 * inputs_first_row - the file row of a task's record 0: a UTF-8 CSV range
 * counts data records from 0 below the header (row 1), so record k is row
 * k + 2; a streamed file counts its rows from 0, so record k is row k + 1.
 */
int inputs_first_row(const input_file *in);

#endif
