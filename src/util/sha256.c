/* SHA-256 through OpenSSL, and a fast stream checksum; see sha256.h. */
#include "sha256.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "regfile.h"

static void to_hex(const unsigned char *d, unsigned n, char hex[SHA256_HEX])
{
    static const char digits[] = "0123456789abcdef";
    for (unsigned i = 0; i < n && i < 32; i++) {
        hex[2 * i] = digits[d[i] >> 4];
        hex[2 * i + 1] = digits[d[i] & 15];
    }
    hex[64] = '\0';
}

int sha256_file(const char *path, char hex[SHA256_HEX], uint64_t *size, strbuf *err)
{
    int fd = regfile_open(path, NULL, err); /* a FIFO would block the hashing */
    FILE *f = fd >= 0 ? fdopen(fd, "rb") : NULL;
    if (!f) {
        if (fd >= 0) close(fd);
        return -1;
    }
    sha256_stream *s = sha256_stream_new();
    unsigned char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) sha256_stream_add(s, buf, n);
    int bad = ferror(f);
    fclose(f);
    uint64_t total = sha256_stream_bytes(s);
    sha256_stream_hex(s, hex);
    sha256_stream_free(s);
    if (bad) {
        strbuf_addf(err, "%s: lỗi đọc", path);
        return -1;
    }
    if (size) *size = total;
    return 0;
}

void sha256_text(const void *data, size_t len, char hex[SHA256_HEX])
{
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned n = 0;
    EVP_Digest(data, len, d, &n, EVP_sha256(), NULL);
    to_hex(d, n, hex);
}

struct sha256_stream {
    EVP_MD_CTX *ctx;
    uint64_t bytes;
};

sha256_stream *sha256_stream_new(void)
{
    sha256_stream *s = xcalloc(1, sizeof *s);
    if (!(s->ctx = EVP_MD_CTX_new()) || EVP_DigestInit_ex(s->ctx, EVP_sha256(), NULL) != 1) abort();
    return s;
}

void sha256_stream_add(sha256_stream *s, const void *data, size_t n)
{
    EVP_DigestUpdate(s->ctx, data, n);
    s->bytes += n;
}

uint64_t sha256_stream_bytes(const sha256_stream *s)
{
    return s->bytes;
}

void sha256_stream_hex(sha256_stream *s, char hex[SHA256_HEX])
{
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    EVP_DigestFinal_ex(s->ctx, d, &len);
    to_hex(d, len, hex);
}

void sha256_stream_free(sha256_stream *s)
{
    if (!s) return;
    EVP_MD_CTX_free(s->ctx);
    free(s);
}

/* xxHash64's round (public domain constants): four lanes, 32 bytes a step. */
#define P1 0x9E3779B185EBCA87ull
#define P2 0xC2B2AE3D27D4EB4Full

static uint64_t rotl(uint64_t x, int r)
{
    return x << r | x >> (64 - r);
}

static void rounds(uint64_t lane[4], const unsigned char *p, size_t steps)
{
    for (size_t k = 0; k < steps; k++, p += 32)
        for (int i = 0; i < 4; i++) {
            uint64_t w;
            memcpy(&w, p + 8 * i, 8);
            lane[i] = rotl(lane[i] + w * P2, 31) * P1;
        }
}

void streamsum_add(streamsum *s, const void *data, size_t n)
{
    const unsigned char *p = data;
    s->bytes += n;
    if (s->ncarry) { /* complete the 32 bytes left from the last piece */
        size_t take = 32 - s->ncarry < n ? 32 - s->ncarry : n;
        memcpy(s->carry + s->ncarry, p, take);
        s->ncarry += (unsigned)take, p += take, n -= take;
        if (s->ncarry < 32) return;
        rounds(s->lane, s->carry, 1);
        s->ncarry = 0;
    }
    rounds(s->lane, p, n / 32);
    p += n / 32 * 32, n %= 32;
    memcpy(s->carry, p, n);
    s->ncarry = (unsigned)n;
}

uint64_t streamsum_value(const streamsum *s)
{
    uint64_t h = s->bytes * P1;
    for (int i = 0; i < 4; i++) h = (h ^ rotl(s->lane[i], 7 * i + 1)) * P2;
    for (unsigned i = 0; i < s->ncarry; i++) h = (h ^ s->carry[i]) * P1;
    h ^= h >> 29;
    h *= P2;
    return h ^ (h >> 32);
}
