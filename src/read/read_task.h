/*
 * read_task: one unit of reading work (a whole input file, or one byte
 * range of a large one): its counts and spooled rejects. Aggregates go to a
 * read_sink, one per worker thread (units, cube, indicators and the caches
 * for them), so two threads never share anything mutable and memory holds
 * two cubes, not one per task; ingest merges the sinks afterwards.
 *
 * read_task_row is the row parser: it turns a record into a typed row
 * (plan, payment, indicator) and adds it to the task's aggregates, or
 * rejects it with column and reason. Raw-text caches make the expensive
 * resolutions (catalogue spellings, unit names) once per distinct text.
 */
#ifndef MTQG_READ_TASK_H
#define MTQG_READ_TASK_H

#include <stdint.h>
#include <sys/types.h>

#include "../config/config.h"
#include "../model/crosswalk.h"
#include "../model/dataset.h"
#include "../util/sha256.h"
#include "dupes.h"
#include "inputs.h"
#include "layout.h"
#include "record.h"
#include "rejects.h"

typedef struct read_sink {
    units units;
    cube cube;
    indicators ind;
    contents items;
    controls checks;
    strmap project_cache, source_cache, unit_cache;
    strbuf last_unit_key;    /* the unit key of the last row (six cells, each
                              * NUL-ended; validated UTF-8, as bad_bytes let
                              * it through), its cells' lengths, its id and */
    size_t last_unit_len[6]; /* exports list a commune's rows together */
    int last_unit;
    uint64_t last_unit_sig;  /* its part of a row's content signature: of the
                              * row's own text, never of the sink's history */
} read_sink;

/** read_sink_init / read_sink_free */
void read_sink_init(read_sink *s);
void read_sink_free(read_sink *s);

/*
 * How a task found the number convention of an amount column. A value in
 * the Vietnamese form ("458,39", "1.240.691") settles it Vietnamese; a
 * grouped English value ("1,240.5") settles it English; a plain decimal
 * ("12.5", read the same by both) settles it English until a Vietnamese
 * value says otherwise (the Vietnamese convention also reads plain
 * decimals). Ambiguous values ("458.393") follow the settled convention,
 * or the file's configured one until then; ingest reads the file again
 * when some were read by the convention the column did not end with.
 */
typedef struct col_conv {
    signed char settled;     /* num_convention, -1: not yet */
    signed char firm;        /* settled by a value only it reads (or pinned) */
    long row;                /* file row that settled it; 0: unknown (second range) */
    char value[24];          /* the value that settled it */
    long amb_read[2];        /* ambiguous values read by each convention */
    char amb_value[24];      /* the first of them, for the log */
    long contradicting;      /* values rejected for the other convention */
} col_conv;

/* A "Tổng cộng" row: its amount, checked once the file is read. */
typedef struct total_row {
    long row;                /* relative record index */
    int64_t amount;
    int64_t segment;         /* sum of the rows since the previous total row (or the range start) */
    int64_t held;            /* of parent-coded rows in that segment */
    int from_start;          /* no total row before it in this range */
    char label[40];
} total_row;

/* Rows coded to a project that has sub-projects, held until the file's
 * sub-project rows are known: a subtotal (checked, not added), parent-level
 * data (added), or a difference (rejected). One group per unit, project,
 * source, years and measure. */
typedef struct held_group {
    char *unit_key;          /* the six unit cells, each NUL-ended */
    size_t unit_len;
    cube_key key;            /* unit unused */
    int disbursed;           /* a payment, not a plan row */
    int64_t sum;
    long nrows, rows_alloc;
    long *rows;              /* relative record indexes */
} held_group;

/* A text row (no year, no amount) not yet known to be below the last data row. */
typedef struct text_row {
    long row;
    char text[48];
} text_row;

/* A spreadsheet amount column's cells: stored numbers and number-like
 * texts side by side are the mark of a locale that changed some of them. */
typedef struct cell_mix {
    long numbers, texts;
    long text_rows[4];       /* file rows of the first texts */
} cell_mix;

/* The last cells a cache answered for, and its answer: a file repeats
 * the same project and source row after row, so most rows need no hash. */
typedef struct text_memo {
    strbuf text;             /* the cells, each NUL-ended; empty: none yet */
    int id;
} text_memo;

typedef struct read_task {
    /* What to read. */
    int index;               /* position in the run: orders "first seen" */
    int file;                /* index into dataset files */
    input_file *in;          /* the file; its layout is set by a streamed header */
    off_t begin, end;        /* FMT_CSV: the byte range; others read whole */
    const config *cfg;
    const catalogue *cat;
    const crosswalk *cw;     /* rows' dates held against it, or NULL */
    read_sink *sink;         /* where aggregates go: set by the worker */
    /* What it produced. */
    long read, accepted, skipped, rejected, other_year;
    dup_set seen;            /* duplicates = reject: fingerprints of the rows read */
    dup_spill spill;         /* duplicates = count: the same, to resolve after reading */
    int temp_failed;         /* failed on a temporary file (not on the input) */
    long duplicates;         /* rows that repeat an earlier row (counted) */
    col_conv conv[F_COUNT];  /* amount columns' number convention */
    cell_mix mix[F_COUNT];   /* spreadsheets: numbers and texts of amount columns */
    long money_rows;         /* rows whose amount was parsed (plan, payment, total) */
    long implausible;        /* of them, rejected beyond the plausible ceiling */
    const char *unit_hint;   /* amount_unit the first such row suggests, or NULL */
    int64_t sum, segment, seg_held;  /* accepted amounts: all, and since the last total row */
    int ntotals, totals_alloc;
    total_row *totals;
    strmap held_keys;
    int nheld, held_alloc;
    held_group *held;
    long held_rows;          /* rows in held groups (counted once resolved) */
    int64_t held_accepted;   /* of them, added as project-level data */
    int npending, pending_alloc;
    text_row *pending;       /* text rows since the last data row */
    long trailer;            /* text rows below the last data row: skipped */
    /* The rows' content as read (format-free: parsed values), summed in
     * any order: two files with the same rows have the same signature. */
    uint64_t sig_sum, sig_xor;
    long sig_rows;
    reject_spool rejects;
    /* The file's SHA-256 over the very bytes read (set by ingest when the
     * manifest needs it). A CSV's first task hashes the head's bytes as
     * read, its range's as it parses them, then the rest of the file,
     * reading it again: the rest's streamsum must equal the one the second
     * range's task took of the bytes it parsed (ingest checks). A sheet is
     * hashed in its task and must be the same file (stat) after reading. */
    enum { HASH_NONE, HASH_FILE, HASH_RANGE } hash; /* whole file | later range */
    char sha_hex[SHA256_HEX]; /* HASH_FILE: the digest, "" until done */
    uint64_t sha_bytes;
    streamsum parsed;        /* HASH_RANGE: the bytes this range parsed */
    streamsum rest;          /* HASH_FILE: the bytes after the range, as hashed */
    sha256_stream *sha;      /* HASH_FILE while reading */
    int clean_end;           /* the range ended between records */
    int reread;              /* FMT_XLSX read in one pass and its header merges
                                matter or are unknown: the file is now marked
                                xlsx_two_pass, this task's results are void and
                                the round must be run again (ingest) */
    int failed;              /* I/O or CSV syntax error: message in err */
    strbuf err;
    /* Scratch, reused for every row. */
    strbuf key, msg, fields;
    text_memo project_memo, source_memo; /* ids found through the sink's caches */
    unsigned char *cell_flags; /* CELL_HAS_* of the record's cells (read_task_row) */
    size_t cell_flags_alloc;
    strbuf no_header;        /* why the first rows of a stream were no header */
    struct decode_vni *vni;  /* the VNI table, when the file needs it */
    struct decode_cells *cells; /* converter of legacy-font columns, or NULL */
    unsigned warned;         /* fields already said to look like a legacy font */
    unsigned char legacy_hits[F_COUNT]; /* values of a field that looked so */
    strbuf notes;            /* warnings for the run's log, one a line */
    struct wide_rows *wide;  /* a wide table's reader (wide_rows.h), or NULL */
    int programme;           /* the file's [file] chuong_trinh resolved: -1 none, -2 not yet */
} read_task;

/** read_task_init - set up an empty task (the "what" fields by caller). */
void read_task_init(read_task *t);
/** read_task_free - release everything the task holds. */
void read_task_free(read_task *t);
/** read_task_row - the record callback: parse, aggregate or reject. */
int read_task_row(void *task, const record *r);
/**
 * read_task_run - read the task's range (dispatches on the format). An
 * .xlsx is read in one pass unless its input_file says xlsx_two_pass;
 * when that pass cannot stand (read_task.reread set), the task's results
 * are void and the caller reads the file again in a new task.
 */
void read_task_run(read_task *t);

/** read_task_say_changed - append to err that path changed while it was
 * read (its digest would not be of the bytes parsed). */
void read_task_say_changed(strbuf *err, const char *path);

#endif
