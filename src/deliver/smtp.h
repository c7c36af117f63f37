/*
 * smtp: hand a built message (mime_build) to the office's mail server
 * through libcurl's SMTP client: smtp:// with optional required STARTTLS,
 * or smtps://, with AUTH when a user is configured. Errors name the
 * server and curl's reason, in Vietnamese, and never the password.
 *
 * libcurl is loaded and initialised at the first smtp_send (dlopen: most
 * runs send nothing and need not pay for loading it); main calls
 * smtp_global_cleanup at the end. That is this module's only state.
 */
#ifndef MTQG_SMTP_H
#define MTQG_SMTP_H

#include <stddef.h>

#include "../util/strbuf.h"

typedef struct smtp_server {
    const char *url;      /* smtp://host:port or smtps://host:port */
    int starttls;         /* 1: require STARTTLS on smtp:// (CURLUSESSL_ALL) */
    const char *user;     /* NULL or "": no AUTH */
    const char *password; /* never logged */
    long timeout_s;       /* whole transfer; 0: 120 s. Connecting: at most 30 s */
    const char *ca_file;  /* optional: a CA bundle/certificate to trust */
} smtp_server;

/** smtp_global_cleanup - curl_global_cleanup, if a message loaded libcurl; at the end of main. */
void smtp_global_cleanup(void);

/**
 * smtp_send - send message[0..len) (CRLF lines, as mime_build makes it)
 * from from_addr to the nrcpt bare addresses rcpt (To and Cc together).
 * Returns 0 once the server has accepted it, or -1 with a message in err
 * naming the server (without any user:password@ part) and curl's error,
 * plus the server's last reply code when there was one; or when libcurl
 * cannot be loaded, saying so. Safe from any thread.
 */
int smtp_send(const smtp_server *s, const char *from_addr, const char *const *rcpt, int nrcpt,
              const char *message, size_t len, strbuf *err);

/**
 * smtp_password_from - the password, into out (reset first): the first
 * line of file (its line end stripped) when file is set, else the value
 * of the environment variable env_name. Never from the command line.
 * Returns 0, or -1 with the reason in err (no file, empty password,
 * variable not set); the password itself is never put in err.
 */
int smtp_password_from(const char *file, const char *env_name, strbuf *out, strbuf *err);

#endif
