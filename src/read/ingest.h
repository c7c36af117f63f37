/*
 * ingest: the reading stage as a whole. Finds the input files (by name in
 * the input folder: ke_hoach*, giai_ngan*, chi_tieu*), reads each header,
 * cuts large files in two at a line boundary, runs the read tasks on worker
 * threads, and merges their results into the dataset in task order, so the
 * result is the same with one thread or two.
 *
 * Parsing is the bound of a run, so a large file is split and parsed on
 * both cores. A split is only right when no quoted field spans the cut; the
 * first half's parser tells us, and when it was wrong (or the second half
 * hit an error, whose row number would be relative) the file is read again
 * whole, on one thread.
 */
#ifndef MTQG_INGEST_H
#define MTQG_INGEST_H

#include "../config/config.h"
#include "../model/crosswalk.h"
#include "../model/dataset.h"
#include "../util/strbuf.h"

#include <sys/types.h>

typedef enum {
    INGEST_OK = 0,
    INGEST_INPUT_MISSING, /* folder or required file absent, unreadable */
    INGEST_BAD_FILE,      /* a file that cannot be read as a table at all */
    INGEST_TEMP_FAILED    /* a temporary file (rejects, repeated rows) failed: the system's fault */
} ingest_status;

/** ingest_options - how to read; threads 0 means one per core (max 2). */
typedef struct ingest_options {
    int threads;
    long split_bytes;     /* files with a larger body are read in two halves */
    const crosswalk *cw;  /* a row whose unit code does not exist at its
                             date is rejected (crosswalk_when); NULL: none */
    int hash;             /* 1: each file's SHA-256 over the bytes read, in
                             ds->files (the manifest's); the first range of a
                             split file then also hashes the second's bytes,
                             so it is cut shorter (HASH_SHARE) */
} ingest_options;

/**
 * ingest_run - read every input into ds. Returns INGEST_OK (rows may still
 * have been rejected: see ds->rejected_total) or a failure with the reason
 * in err, naming the file.
 */
ingest_status ingest_run(dataset *ds, const config *cfg,
                         const ingest_options *opt, strbuf *err);

/**
 * ingest_split_at - where a CSV body [begin, end) of path is cut in two
 * when it is read on two threads: the start of the line after a point
 * near the middle (before it by HASH_SHARE with hash, as the first range
 * then also hashes the second's bytes); end when there is none.
 */
off_t ingest_split_at(const char *path, off_t begin, off_t end, int hash);

#endif
