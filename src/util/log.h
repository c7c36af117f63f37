/*
 * log: the run's log as a callback. Each line goes to the sink the moment
 * it is said, with its level, so a terminal, syslog, cron or a test sees it
 * when it happens and with its own time (the log used to be a strbuf printed
 * when a job ended). Stages below the command line say what happened
 * through an mlog and never print; the command line owns the sinks.
 *
 * Invariants: a call is one or more whole lines (a '\n' inside a message
 * splits it, a trailing one is dropped); the sink receives each line without
 * its newline and without the "mtqg-report: " prefix, which is the sink's to
 * add. A NULL sink discards. The level is what --quiet filters on: a clean
 * run says only MLOG_INFO lines.
 */
#ifndef MTQG_LOG_H
#define MTQG_LOG_H

#include "strbuf.h"

typedef enum {
    MLOG_INFO = 0, /* what the run did: files read, outputs written */
    MLOG_WARN,     /* needs a person's look; the run still did its work */
    MLOG_ERROR     /* something the run could not do */
} mlog_level;

typedef void (*mlog_sink)(void *ctx, mlog_level level, const char *line);

typedef struct mlog {
    mlog_sink sink;
    void *ctx;
} mlog;

/** mlog_say - format a message and hand each of its lines to the sink. */
void mlog_say(const mlog *lg, mlog_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/**
 * mlog_to_strbuf - a log whose lines are appended to sb, each as
 * "mtqg-report: <line>\n" (the form a terminal shows without its time):
 * for tests and for callers that collect a job's log.
 */
mlog mlog_to_strbuf(strbuf *sb);

#endif
