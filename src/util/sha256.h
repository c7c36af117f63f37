/*
 * sha256: SHA-256 (OpenSSL's), of a file, of a text, or of bytes fed as
 * they are read, so a reader can hash the very bytes it parses instead of
 * reading a file a second time. And streamsum, a fast 64-bit checksum of a
 * byte stream (not cryptographic), to tell whether two readers of the same
 * range of a file saw the same bytes.
 */
#ifndef MTQG_SHA256_H
#define MTQG_SHA256_H

#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

#define SHA256_HEX 65

/** sha256_file - the hex SHA-256 and size of a file; -1 with err. */
int sha256_file(const char *path, char hex[SHA256_HEX], uint64_t *size, strbuf *err);
/** sha256_text - the hex SHA-256 of a byte string. */
void sha256_text(const void *data, size_t len, char hex[SHA256_HEX]);

/* A SHA-256 being computed over bytes fed in order. */
typedef struct sha256_stream sha256_stream;

/** sha256_stream_new - start one (aborts when out of memory, like xmalloc). */
sha256_stream *sha256_stream_new(void);
/** sha256_stream_add - feed the next n bytes. */
void sha256_stream_add(sha256_stream *s, const void *data, size_t n);
/** sha256_stream_bytes - how many bytes were fed. */
uint64_t sha256_stream_bytes(const sha256_stream *s);
/** sha256_stream_hex - the hex digest of what was fed; s can be fed no more. */
void sha256_stream_hex(sha256_stream *s, char hex[SHA256_HEX]);
/** sha256_stream_free (NULL is fine) */
void sha256_stream_free(sha256_stream *s);

/* A fast checksum of a byte stream; the same bytes give the same sum
 * whatever pieces they are fed in. Zero-initialise, then feed. */
typedef struct streamsum {
    uint64_t lane[4];
    unsigned char carry[32];
    unsigned ncarry;
    uint64_t bytes;
} streamsum;

/** streamsum_add - feed the next n bytes. */
void streamsum_add(streamsum *s, const void *data, size_t n);
/** streamsum_value - the sum of the bytes fed so far (s is unchanged). */
uint64_t streamsum_value(const streamsum *s);

#endif
