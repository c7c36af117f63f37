/*
 * job: one report run from a loaded config to published outputs: catalogue
 * and templates, ingest, tables, workbook, document, rejects file, atomic
 * commit. It never prints or exits: what happens goes to the caller's log
 * callback when it happens, and the result is an exit status (documented
 * in README.md and --help), so main and the whole-run tests share one path.
 */
#ifndef MTQG_JOB_H
#define MTQG_JOB_H

#include "../config/config.h"
#include "../util/log.h"
#include "../util/strbuf.h"

enum {
    EXIT_OK = 0,       /* outputs written, no row rejected */
    EXIT_INTERNAL = 1, /* a bug: a check inside the program failed */
    EXIT_CONFIG = 2,   /* config, catalogue or template error, bad flags */
    EXIT_DATA = 3,     /* rows rejected or an input file unreadable as a table */
    EXIT_INPUT = 4,    /* input folder or plan file missing */
    EXIT_OUTPUT = 5,   /* outputs could not be written */
    EXIT_DELIVERY = 6, /* outputs written, but the mail could not be sent */
    EXIT_BUSY = 7      /* another run holds the output folder */
};

#define MTQG_VERSION "0.2.0"

typedef struct job_options {
    int threads;       /* 0: one per core, at most 2 */
    long split_bytes;  /* 0: default */
    int timing;        /* 1: log the wall time of each stage */
    int check;         /* 1: validate config and inputs, write nothing */
    int lock_wait;     /* seconds to wait for another run's lock */
    int dry_run;       /* 1: build the mail into the outbox, send nothing */
} job_options;

/**
 * job_worse_status - of two exit statuses, the one to report: a bug, then
 * config, input, output and data errors, then a failed mail, then busy.
 */
int job_worse_status(int a, int b);
/** What runs did, added up for the closing line of the command. */
typedef struct job_summary {
    int written;                          /* output files published */
    long read, accepted, skipped, rejected; /* input rows */
} job_summary;

/**
 * job_run - run the report described by cfg. What happens is said in log
 * as it happens; the outputs written and rows read are added to *sum
 * (which may be NULL). Returns an exit status.
 */
int job_run(const config *cfg, const job_options *opt, const mlog *log, job_summary *sum);
/** job_status_text - what an exit status means, in a few Vietnamese words. */
const char *job_status_text(int status);
/**
 * job_send_outbox - send the messages waiting in the outbox of the config
 * at path (kept there by runs whose sending failed), but those stored at
 * or after stored_before (0: none skipped). Returns EXIT_OK or
 * EXIT_DELIVERY; what happened in log.
 */
int job_send_outbox(const char *config_path, long long stored_before, const mlog *log);

#endif
