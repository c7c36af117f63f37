/*
 * job: one report run from a loaded config to published outputs: catalogue
 * and templates, ingest, tables, workbook, document, rejects file, atomic
 * commit. It never prints or exits: the summary and any error go into a
 * log the caller prints, and the result is an exit status (documented in
 * README.md and --help), so main and the whole-run tests share one path.
 */
#ifndef MTQG_JOB_H
#define MTQG_JOB_H

#include "../config/config.h"
#include "../util/strbuf.h"

enum {
    EXIT_OK = 0,       /* outputs written, no row rejected */
    EXIT_INTERNAL = 1, /* a bug: a check inside the program failed */
    EXIT_CONFIG = 2,   /* config, catalogue or template error, bad flags */
    EXIT_DATA = 3,     /* rows rejected or an input file unreadable as a table */
    EXIT_INPUT = 4,    /* input folder or plan file missing */
    EXIT_OUTPUT = 5    /* outputs could not be written */
};

typedef struct job_options {
    int threads;       /* 0: one per core, at most 2 */
    long split_bytes;  /* 0: default */
    int timing;        /* 1: log the wall time of each stage */
} job_options;

/** job_run - run the report described by cfg; summary and errors in log. */
int job_run(const config *cfg, const job_options *opt, strbuf *log);

#endif
