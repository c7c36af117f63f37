/*
 * console: where the log goes when the program runs. Each line is written
 * to stderr the moment it is said, with its own timestamp, and to syslog
 * with its level's priority when asked. On a terminal, a progress line
 * (stage, rows read, MB/s) is redrawn in place during any stage that runs
 * longer than a second, and the command closes with a summary line; when
 * stderr is not a terminal (cron, systemd) neither is written, so a log
 * file holds only what happened. Quiet drops MLOG_INFO lines: under cron a
 * clean run prints nothing, so cron mails only when a person is needed.
 *
 * Layering: cli only. Stages below see an mlog, never the console.
 */
#ifndef MTQG_CONSOLE_H
#define MTQG_CONSOLE_H

#include "../util/log.h"

typedef struct console_options {
    int use_syslog; /* also to syslog (LOG_USER), priority by level */
    int quiet;      /* only warnings and errors */
} console_options;

/**
 * console_open - start the console: decides whether stderr is a terminal,
 * opens syslog if asked and, on a terminal, starts the progress ticker
 * (first drawn after MTQG_PROGRESS_DELAY_MS milliseconds of a run, 1000 by
 * default; 0 draws at once, "off" never). Call console_close at the end.
 */
void console_open(const console_options *opt);

/** console_log - the log whose lines go to the console. */
const mlog *console_log(void);

/** console_set_quiet - change the filter (a job's config may ask for it). */
void console_set_quiet(int quiet);

/** console_is_terminal - 1 when stderr is a terminal (progress and summary shown). */
int console_is_terminal(void);

/**
 * console_summary - on a terminal and not quiet, the closing line: text
 * then the exit status and its meaning. Nothing otherwise.
 */
void console_summary(const char *text, int status, const char *meaning);

/** console_close - stop the ticker, clear its line, close syslog. */
void console_close(void);

#endif
