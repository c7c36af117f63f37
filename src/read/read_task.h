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
#include "../model/dataset.h"
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
} read_sink;

/** read_sink_init / read_sink_free */
void read_sink_init(read_sink *s);
void read_sink_free(read_sink *s);

typedef struct read_task {
    /* What to read. */
    int index;               /* position in the run: orders "first seen" */
    int file;                /* index into dataset files */
    input_file *in;          /* the file; its layout is set by a streamed header */
    off_t begin, end;        /* FMT_CSV: the byte range; others read whole */
    const config *cfg;
    const catalogue *cat;
    read_sink *sink;         /* where aggregates go: set by the worker */
    /* What it produced. */
    long read, accepted, skipped, rejected, other_year;
    dup_set seen;            /* fingerprints of the rows read, for duplicates */
    long duplicates;         /* rows that repeat an earlier row (counted) */
    int ndup_examples;
    long dup_examples[2 * 8]; /* (row, first row) pairs, relative, for the log */
    reject_spool rejects;
    int clean_end;           /* the range ended between records */
    int failed;              /* I/O or CSV syntax error: message in err */
    strbuf err;
    /* Scratch, reused for every row. */
    strbuf key, msg, fields;
    strbuf no_header;        /* why the first rows of a stream were no header */
    struct decode_vni *vni;  /* the VNI table, when the file needs it */
    struct decode_cells *cells; /* converter of legacy-font columns, or NULL */
    unsigned warned;         /* fields already said to look like a legacy font */
    unsigned char legacy_hits[F_COUNT]; /* values of a field that looked so */
    strbuf notes;            /* warnings for the run's log, one a line */
    int programme;           /* the file's [file] chuong_trinh resolved: -1 none, -2 not yet */
} read_task;

/** read_task_init - set up an empty task (the "what" fields by caller). */
void read_task_init(read_task *t);
/** read_task_free - release everything the task holds. */
void read_task_free(read_task *t);
/** read_task_row - the record callback: parse, aggregate or reject. */
int read_task_row(void *task, const record *r);
/** read_task_run - read the task's range (dispatches on the format). */
void read_task_run(read_task *t);

#endif
