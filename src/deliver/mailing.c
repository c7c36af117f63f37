/* Mailing reports through the outbox; see mailing.h. */
#include "mailing.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../util/linefile.h"
#include "manifest.h"
#include "mime.h"
#include "outbox.h"
#include "smtp.h"

#define MAX_RCPT 64

/* "a@b.vn, \"Phòng A, UBND\" <c@d.vn>; e@f.vn" -> mailboxes (in place):
 * split at , or ; outside quotes. Returns the count, or -1 past max. */
static int split_mailboxes(char *list, char **out, int max)
{
    int quoted = 0;
    for (char *p = list; *p; p++) {
        if (*p == '"') quoted = !quoted;
        else if (!quoted && *p == ';') *p = ',';
        else if (quoted && *p == ',') *p = '\x1f'; /* restored below */
    }
    char *parts[MAX_RCPT + 1];
    int n = split_fields(list, ',', parts, MAX_RCPT + 1), k = 0;
    for (int i = 0; i < n; i++) {
        for (char *p = parts[i]; *p; p++)
            if (*p == '\x1f') *p = ',';
        if (!*parts[i]) continue;
        if (k == max) return -1;
        out[k++] = parts[i];
    }
    return n > MAX_RCPT ? -1 : k;
}

/* The outbox key: job, and the attachments' SHA-256 (their content). */
static int message_key(const mailing *m, strbuf *key, strbuf *err)
{
    strbuf all = STRBUF_INIT;
    for (int i = 0; i < m->nfiles; i++) {
        char hex[SHA256_HEX];
        if (sha256_file(m->files[i], hex, NULL, err) < 0) {
            strbuf_release(&all);
            return -1;
        }
        strbuf_adds(&all, hex);
    }
    char digest[SHA256_HEX];
    sha256_text(all.buf, all.len, digest);
    strbuf_release(&all);
    /* Letters, digits and '-' only: always a safe outbox file name. */
    for (const char *p = m->job; *p && key->len < 120; p++)
        strbuf_addch(key, (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                              (*p >= '0' && *p <= '9') || *p == '-' ? *p : '_');
    strbuf_addf(key, "-%.16s", digest);
    return 0;
}

static int password(const config_mail *mail, strbuf *out, strbuf *err)
{
    if (!mail->user || (!mail->password_file && !mail->password_env)) return 0;
    return smtp_password_from(mail->password_file, mail->password_env, out, err);
}

static int send_stored(const config_mail *mail, const char *key, const mlog *log, strbuf *err)
{
    strbuf msg = STRBUF_INIT, from = STRBUF_INIT, pass = STRBUF_INIT;
    char **rcpt = NULL;
    int nrcpt = 0, rc = outbox_load(mail->outbox, key, &msg, &rcpt, &nrcpt, &from, err);
    if (rc == 0 && (rc = password(mail, &pass, err)) == 0) {
        smtp_server s = {mail->server, mail->starttls, mail->user, pass.buf,
                         mail->timeout, mail->ca_file};
        rc = smtp_send(&s, from.buf, (const char *const *)rcpt, nrcpt, msg.buf, msg.len, err);
    }
    if (rc == 0) rc = outbox_mark_sent(mail->outbox, key, err);
    if (rc == 0) {
        strbuf line = STRBUF_INIT;
        strbuf_addf(&line, "đã gửi thư %s tới", key);
        for (int i = 0; i < nrcpt; i++) strbuf_addf(&line, " %s", rcpt[i]);
        mlog_say(log, MLOG_INFO, "%s", line.buf);
        strbuf_release(&line);
    }
    outbox_free_rcpt(rcpt, nrcpt);
    strbuf_release(&msg);
    strbuf_release(&from);
    strbuf_release(&pass);
    return rc;
}

/* The envelope: the sender's and every recipient's bare address. */
static int envelope(const mailing *m, char **to, int nto, char **cc, int ncc, strbuf *from,
                    strbuf *rcpt_buf, size_t *offs, strbuf *err)
{
    if (mime_addr_spec(m->mail->from, from, err) < 0) return -1;
    for (int i = 0; i < nto + ncc; i++) {
        offs[i] = rcpt_buf->len;
        if (mime_addr_spec(i < nto ? to[i] : cc[i - nto], rcpt_buf, err) < 0) return -1;
        strbuf_addch(rcpt_buf, '\0');
    }
    return 0;
}

static int build_and_store(const mailing *m, const char *key, strbuf *err)
{
    char *tolist = xstrdup(m->to), *cclist = xstrdup(m->cc ? m->cc : "");
    char *to[MAX_RCPT], *cc[MAX_RCPT];
    int nto = split_mailboxes(tolist, to, MAX_RCPT), ncc = split_mailboxes(cclist, cc, MAX_RCPT);
    mime_attachment att[8];
    for (int i = 0; i < m->nfiles && i < 8; i++)
        att[i] = (mime_attachment){m->files[i], NULL, m->types ? m->types[i] : NULL};
    if (nto < 0 || ncc < 0 || m->nfiles > 8) {
        strbuf_addf(err, "thư có quá %d người nhận hoặc quá 8 tệp đính kèm", MAX_RCPT);
        free(tolist);
        free(cclist);
        return -1;
    }
    strbuf id = STRBUF_INIT, msg = STRBUF_INIT, from = STRBUF_INIT, rcpts = STRBUF_INIT;
    strbuf_addf(&id, "<%s@mtqg-report>", key);
    mime_message mm = {m->mail->from, (const char *const *)to, nto, (const char *const *)cc, ncc,
                       m->subject, m->body, att, m->nfiles < 8 ? m->nfiles : 8, m->date, id.buf,
                       (size_t)m->mail->max_mb << 20};
    size_t offs[2 * MAX_RCPT];
    int rc = !m->mail->from || nto == 0 ? -1 : 0;
    if (rc < 0) strbuf_addf(err, "thiếu người gửi ([mail] from) hoặc người nhận (mail_to)");
    if (rc == 0) rc = mime_build(&mm, &msg, err);
    if (rc == 0) rc = envelope(m, to, nto, cc, ncc, &from, &rcpts, offs, err);
    if (rc == 0) {
        const char *rcpt[2 * MAX_RCPT];
        for (int i = 0; i < nto + ncc; i++) rcpt[i] = rcpts.buf + offs[i];
        rc = outbox_store(m->mail->outbox, key, m->dry_run, from.buf, rcpt, nto + ncc, msg.buf, msg.len, err);
    }
    free(tolist);
    free(cclist);
    strbuf_release(&id);
    strbuf_release(&msg);
    strbuf_release(&from);
    strbuf_release(&rcpts);
    return rc;
}

/* Pending messages of the same job but other files: a failed send of
 * outputs this run has just replaced. Sending them would mail stale
 * reports, so they are dropped. */
typedef struct superseded {
    const char *outbox, *key;
    size_t stem; /* the key up to and including its last '-' */
    const mlog *log;
    strbuf *err;
} superseded;

static int drop_superseded(void *ctx, const char *key, const char *eml_path)
{
    superseded *s = ctx;
    (void)eml_path;
    if (strlen(key) != strlen(s->key) || strncmp(key, s->key, s->stem) || !strcmp(key, s->key))
        return 0;
    mlog_say(s->log, MLOG_INFO, "bỏ thư %s chưa gửi được trước đây (đã có báo cáo mới)", key);
    return outbox_discard(s->outbox, key, s->err);
}

static int drop_older(const mailing *m, const char *key, const mlog *log, strbuf *err)
{
    superseded s = {m->mail->outbox, key, (size_t)(strrchr(key, '-') - key) + 1, log, err};
    return outbox_each_pending(m->mail->outbox, drop_superseded, &s, err);
}

/* A stored message: sent now, or left waiting when there is no server. */
static int send_or_keep(const mailing *m, const char *key, const mlog *log, strbuf *err)
{
    if (!m->mail->server) {
        mlog_say(log, MLOG_WARN, "thư được giữ trong %s/%s.eml (chưa cấu hình [mail] server)",
                    m->mail->outbox, key);
        return 0;
    }
    if (send_stored(m->mail, key, log, err) == 0) return 0;
    mlog_say(log, MLOG_WARN, "chưa gửi được thư; thư được giữ trong %s để gửi lại",
                m->mail->outbox);
    return -1;
}

int mailing_deliver(const mailing *m, const mlog *log, strbuf *err)
{
    strbuf key = STRBUF_INIT;
    int rc = message_key(m, &key, err);
    if (rc == 0 && outbox_already_sent(m->mail->outbox, key.buf) == 1) {
        mlog_say(log, MLOG_INFO, "thư %s đã được gửi trước đây cho đúng các tệp này; "
                    "không gửi lại", key.buf);
    } else if (rc == 0 && (rc = build_and_store(m, key.buf, err)) == 0) {
        if (m->dry_run)
            mlog_say(log, MLOG_INFO, "thư chạy thử được giữ trong %s/drafts/%s.eml (không gửi)",
                        m->mail->outbox, key.buf);
        else if ((rc = drop_older(m, key.buf, log, err)) == 0)
            rc = send_or_keep(m, key.buf, log, err);
    }
    strbuf_release(&key);
    return rc;
}

typedef struct retry {
    const config_mail *mail;
    long long stored_before;
    const mlog *log;
    strbuf *err;
    int failed;
} retry;

static int retry_one(void *ctx, const char *key, const char *eml_path)
{
    retry *r = ctx;
    struct stat st;
    /* Stored by this run: its job has just tried it; not twice a run. */
    if (r->stored_before && stat(eml_path, &st) == 0 && st.st_mtime >= r->stored_before)
        return 0;
    strbuf err = STRBUF_INIT;
    if (send_stored(r->mail, key, r->log, &err) < 0) {
        mlog_say(r->log, MLOG_WARN, "chưa gửi lại được thư %s: %s", key, err.buf);
        r->failed = 1;
    }
    strbuf_release(&err);
    return 0;
}

int mailing_send_outbox(const config_mail *mail, long long stored_before, const mlog *log,
                        strbuf *err)
{
    if (!mail->server) return 0;
    retry r = {mail, stored_before, log, err, 0};
    if (outbox_each_pending(mail->outbox, retry_one, &r, err) < 0) return -1;
    return r.failed ? -1 : 0;
}
