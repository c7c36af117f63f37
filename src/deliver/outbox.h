/*
 * outbox: messages that could not be sent, kept for the next run to retry,
 * and a record of what was sent, so the same outputs are never mailed
 * twice. Each message has a key chosen by the caller (the job name and the
 * SHA-256 of the attached files): a safe file name, [A-Za-z0-9._-], not
 * starting with '.' and without "..". In the outbox folder:
 *
 *   <key>.env    the envelope: "from <addr>", then one "to <addr>" a line
 *   <key>.eml    the complete message, exactly as it goes to the server
 *   sent/<key>   written once the server has accepted the message
 *   drafts/<key>.env, drafts/<key>.eml   a dry run's message: for review,
 *                never sent (a later real run builds its own)
 *
 * Every file is written under a hidden temporary name and renamed into
 * place (the .env before the .eml), so a crash never leaves a half message
 * that looks pending. The files are private (mode 0600, folders 0700).
 */
#ifndef MTQG_OUTBOX_H
#define MTQG_OUTBOX_H

#include <stddef.h>

#include "../util/strbuf.h"

/** outbox_valid_key - 1 when key is a safe file name for the outbox. */
int outbox_valid_key(const char *key);

/**
 * outbox_already_sent - 1 when sent/<key> exists, 0 when not, -1 when the
 * key is not a safe name.
 */
int outbox_already_sent(const char *outbox, const char *key);

/**
 * outbox_store - keep a message for a later retry: <key>.env with from and
 * the nrcpt bare addresses rcpt, then <key>.eml with msg[0..len); both
 * atomically, creating the outbox folder (one level) if missing. With
 * draft set the pair goes to drafts/ instead, where nothing is ever sent.
 * Storing a key again replaces it. 0, or -1 with the reason in err.
 */
int outbox_store(const char *outbox, const char *key, int draft, const char *from,
                 const char *const *rcpt, int nrcpt, const char *msg, size_t len, strbuf *err);

/**
 * outbox_discard - drop a pending message (<key>.eml and <key>.env) that
 * will not be sent, e.g. one a newer message replaces. 0, or -1 with err.
 */
int outbox_discard(const char *outbox, const char *key, strbuf *err);

/**
 * outbox_mark_sent - record that key was accepted by the server: write
 * sent/<key> (atomically), then remove <key>.eml and <key>.env if they
 * exist. 0, or -1 with the reason in err.
 */
int outbox_mark_sent(const char *outbox, const char *key, strbuf *err);

/**
 * outbox_each_pending - call fn(ctx, key, eml_path) for every stored
 * message not yet sent, in byte order of the names. A message whose key
 * is already in sent/ is not offered: its leftover files are removed. A
 * non-zero return from fn stops the walk and is returned; otherwise 0
 * (also when the outbox folder does not exist), or -1 with err when the
 * folder cannot be read.
 */
int outbox_each_pending(const char *outbox,
                        int (*fn)(void *ctx, const char *key, const char *eml_path), void *ctx,
                        strbuf *err);

/**
 * outbox_load - read a stored message back: msg and from are reset and
 * filled, *rcpt gets a new array of *nrcpt addresses (free it with
 * outbox_free_rcpt). 0, or -1 with the reason in err (nothing allocated).
 */
int outbox_load(const char *outbox, const char *key, strbuf *msg, char ***rcpt, int *nrcpt,
                strbuf *from, strbuf *err);

/** outbox_free_rcpt - free an array made by outbox_load. */
void outbox_free_rcpt(char **rcpt, int nrcpt);

#endif
