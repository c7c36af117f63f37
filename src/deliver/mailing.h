/*
 * mailing: getting a job's reports to the leaders, never twice. A message
 * is identified by its key (the job, its period and the SHA-256 of the
 * attached files): once the server accepted a key, the same outputs are
 * not mailed again. Every message is first kept in the outbox, then sent;
 * if sending fails it stays there and the next run (or send-outbox)
 * retries it; a newer message for the same job replaces one still waiting.
 * --dry-run keeps its message in the outbox's drafts/ and never sends it.
 */
#ifndef MTQG_MAILING_H
#define MTQG_MAILING_H

#include "../config/config.h"
#include "../util/log.h"
#include "../util/strbuf.h"

typedef struct mailing {
    const config_mail *mail;
    const char *to, *cc;         /* mailboxes separated by , or ; */
    const char *subject, *body;  /* UTF-8, placeholders already filled */
    const char *const *files;    /* the attachments (final paths) */
    const char *const *types;    /* their MIME types (NULL, or an entry NULL: by extension) */
    int nfiles;
    const char *job;             /* for the key: job name and period */
    long long date;              /* the Date header */
    int dry_run;
} mailing;

/**
 * mailing_deliver - send (or, dry-run, only keep) the message. Returns 0
 * when sent, kept by a dry run, or sent before; -1 when it could not be
 * sent (it stays in the outbox), with the reason in err. What happened is
 * said in log.
 */
int mailing_deliver(const mailing *m, const mlog *log, strbuf *err);
/**
 * mailing_send_outbox - retry every message waiting in the outbox, but
 * those stored at or after stored_before (a time_t; 0: none skipped).
 * Returns 0 when none of those retried is left waiting, -1 otherwise.
 */
int mailing_send_outbox(const config_mail *mail, long long stored_before, const mlog *log,
                        strbuf *err);

#endif
