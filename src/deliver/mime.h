/*
 * mime: the e-mail that carries a run's reports to the leaders, built as a
 * complete RFC 5322 / MIME message (multipart/mixed: a UTF-8 text part,
 * then each report attached in base64), ready for smtp_send or the outbox.
 *
 * The bytes depend only on the inputs (the Date comes from m->date, shown
 * in Vietnam time, +0700, without consulting TZ or the locale; the MIME
 * boundary is derived from a hash of the content), so a message kept in
 * the outbox and the same message built again are identical. Non-ASCII
 * text in the Subject and in display names is RFC 2047 encoded (UTF-8,
 * base64), attachment names RFC 2231 encoded; lines end in CRLF and stay
 * within 76 characters.
 */
#ifndef MTQG_MIME_H
#define MTQG_MIME_H

#include <stddef.h>

#include "../util/strbuf.h"

typedef struct mime_attachment {
    const char *path;         /* the file to attach, read in blocks */
    const char *filename;     /* name shown to the reader; NULL: path's base name */
    const char *content_type; /* NULL: guessed from the extension (.pdf, .xlsx, .csv) */
} mime_attachment;

typedef struct mime_message {
    const char *from;          /* "bdt@example.vn" or "Ban Dân tộc <bdt@example.vn>" */
    const char *const *to;     /* mailboxes in the same form; at least one */
    int nto;
    const char *const *cc;     /* may be NULL when ncc is 0 */
    int ncc;
    const char *subject;       /* UTF-8 */
    const char *body;          /* UTF-8 text; LF or CRLF line ends */
    const mime_attachment *att;
    int natt;
    long long date;            /* unix time for the Date header */
    const char *message_id;    /* "<...@...>" */
    size_t max_bytes;          /* limit on the encoded message; 0: none */
} mime_message;

/**
 * mime_build - append the complete message m to out (CRLF line ends).
 * Returns 0, or -1 with a Vietnamese reason in err (a bad address or
 * header value, an unreadable attachment, the message over m->max_bytes:
 * "thư vượt giới hạn ... MB"); out is then left as it was.
 */
int mime_build(const mime_message *m, strbuf *out, strbuf *err);

/**
 * mime_addr_spec - append the bare address of a mailbox ("Tên <a@b.vn>"
 * or "a@b.vn") to out, for the SMTP envelope. Returns 0, or -1 with the
 * reason in err when the mailbox is malformed.
 */
int mime_addr_spec(const char *mailbox, strbuf *out, strbuf *err);

#endif
