/*
 * smtp_harness: the test SMTP server (tests/support/smtp_server.py, run
 * with Debian's python3-aiosmtpd) as a child process on a loopback port,
 * shared by the mail module tests and the whole-run batch tests. The
 * server stores each message it accepts, with its envelope, in a folder
 * the test reads back.
 */
#ifndef MTQG_SMTP_HARNESS_H
#define MTQG_SMTP_HARNESS_H

#include <sys/types.h>

#define SMTP_HARNESS_PYTHON "/usr/bin/python3" /* Debian's, with aiosmtpd */
#define SMTP_HARNESS_SCRIPT "tests/support/smtp_server.py"

typedef struct smtp_harness {
    pid_t pid; /* 0: not running */
    int port;
    char url[64]; /* "smtp://127.0.0.1:<port>" */
} smtp_harness;

/** smtp_harness_free_port - a loopback port nothing listens on now; -1. */
int smtp_harness_free_port(void);

/**
 * smtp_harness_spawn - start argv (argv[0] a path) with its stdout and
 * stderr appended to log; the child's pid, or -1.
 */
pid_t smtp_harness_spawn(char *const *argv, const char *log);

/**
 * smtp_harness_start - start the server storing into recv_dir, with the
 * extra options (NULL-terminated, may be NULL), on port (0: any free one;
 * other ports are tried if it cannot listen there), and wait until it
 * accepts connections. Its output goes to log. 0, or -1 when it never
 * listened (the reason is in log).
 */
int smtp_harness_start(smtp_harness *s, int port, const char *recv_dir, const char *log,
                       const char *const *extra);

/** smtp_harness_stop - stop the server if it runs. */
void smtp_harness_stop(smtp_harness *s);

#endif
