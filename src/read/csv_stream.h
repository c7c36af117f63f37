/*
 * csv_stream: streaming CSV through libcsv, in fixed-size blocks, never the
 * whole file in memory. A file can be read in byte ranges so two threads
 * can parse halves of one large file; a range must start at the start of a
 * line, and the caller learns whether the range really ended between
 * records (and not inside a quoted field with an embedded newline), which
 * is the one case where a split at a newline is wrong.
 *
 * libcsv traps handled here (docs/library-notes.md): a UTF-8 byte-order mark is
 * skipped, csv_fini flushes a last row without a newline, CSV_STRICT turns
 * malformed quoting into an error with a row number. Blank lines are rows
 * too (a spreadsheet numbers them, and reject row numbers must match), so
 * CSV_REPALL_NL reports them; the LF of a CRLF pair, which that option also
 * reports, is dropped.
 *
 * libcsv reads a byte at a time through a state machine; a line that
 * starts between records, whose quoted cells (if any) close on it with no
 * quote inside, and with no CR but before its LF, needs none of it, so
 * the range reader splits such lines itself, exactly as libcsv would
 * (blanks at a cell's ends dropped, a blank line a row of no cells;
 * test_read compares the two on every kind of line, and on wrong quoting)
 * and gives libcsv the rest: a doubled quote, a quoted line break, the
 * lines of a record it is inside, a line cut by the end of a block,
 * whatever libcsv would call an error.
 */
#ifndef MTQG_CSV_STREAM_H
#define MTQG_CSV_STREAM_H

#include <sys/types.h>

#include "../util/strbuf.h"
#include "record.h"

typedef struct csv_head {
    char delim;        /* ',', ';' or '\t' */
    off_t body_start;  /* offset of the first data row */
    off_t size;        /* file size */
    int ncells;
    char **cells;      /* header cells, NUL-terminated copies */
    size_t *lens;
    char *raw;         /* the bytes before the body, [0, body_start), as read */
} csv_head;

/* Sees every block of the file's bytes a reader parses, in file order
 * (a hash of what was read). */
typedef struct csv_tap {
    void (*fn)(void *ctx, const char *buf, size_t n);
    void *ctx;
} csv_tap;

/**
 * csv_stream_head - read the header row of path: delimiter (delim, or when
 * 0 the most frequent of , ; TAB in the first line), cells, where the body
 * starts. Returns 0, or -1 with "path: why" in err (missing, unreadable,
 * empty).
 */
int csv_stream_head(const char *path, char delim, csv_head *h, strbuf *err);
/** csv_head_free */
void csv_head_free(csv_head *h);
/**
 * csv_stream_split - an offset near the middle of [begin, end) just after a
 * newline, or end when there is none. Used to cut a large body in two.
 */
off_t csv_stream_split(const char *path, off_t begin, off_t end);
/** csv_stream_split_from - the offset just after the first newline at or
 * after at and before end, or end when there is none. */
off_t csv_stream_split_from(const char *path, off_t at, off_t end);
/**
 * csv_stream_range - parse records in [begin, end) of path, calling fn for
 * each. When end is the file size the last row is flushed. *clean_end is set
 * to 1 when the range ended between records. Returns 0, 1 when fn stopped
 * the reading, or -1 with "path: why" in err (I/O or malformed quoting;
 * the row is counted from the range start, reported through *bad_index).
 * tap (or NULL) sees the range's bytes as they are read.
 */
int csv_stream_range(const char *path, char delim, off_t begin, off_t end,
                     record_fn fn, void *ctx, int *clean_end, long *bad_index,
                     const csv_tap *tap, strbuf *err);

struct decoder;

/**
 * csv_stream_decoded - parse the whole of path through dec (a file in
 * UTF-16, Windows-1258 or a legacy Vietnamese encoding), header included:
 * record index 0 is the file's first row. delim 0: detected in the first
 * decoded line. Returns like csv_stream_range; tap (or NULL) sees the
 * file's bytes as they are read, before decoding.
 */
int csv_stream_decoded(const char *path, char delim, struct decoder *dec, record_fn fn,
                       void *ctx, const csv_tap *tap, strbuf *err);

#endif
