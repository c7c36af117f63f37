/*
 * test_sha256: util/sha256.h. A SHA-256 fed in pieces is sha256sum's of
 * the whole (an independent tool); streamsum, which tells whether two
 * readers of a range saw the same bytes, gives one value for the same
 * bytes whatever the pieces, and another when one byte or the length
 * differs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "util/sha256.h"

enum { N = 100003 };

static unsigned char *bytes(void)
{
    unsigned char *b = malloc(N);
    uint64_t x = 0x9E3779B97F4A7C15ull;
    for (size_t i = 0; i < N; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        b[i] = (unsigned char)x;
    }
    return b;
}

/* The sum of b[0..n) fed in pieces of 1, 2, ... step bytes, cycling. */
static uint64_t sum_in_pieces(const unsigned char *b, size_t n, size_t step)
{
    streamsum s;
    memset(&s, 0, sizeof s);
    for (size_t i = 0, k = 1; i < n; k = k % step + 1) {
        size_t take = k < n - i ? k : n - i;
        streamsum_add(&s, b + i, take);
        i += take;
    }
    assert_int_equal(s.bytes, n);
    return streamsum_value(&s);
}

static void test_streamsum_pieces(void **state)
{
    (void)state;
    unsigned char *b = bytes();
    uint64_t whole = sum_in_pieces(b, N, N);
    for (size_t step = 1; step < 80; step += 7) assert_true(sum_in_pieces(b, N, step) == whole);
    assert_true(sum_in_pieces(b, N - 1, 33) != whole); /* one byte shorter */
    for (size_t at = 0; at < N; at += 997) {           /* one byte changed, anywhere */
        b[at] ^= 0x20;
        if (sum_in_pieces(b, N, 31) == whole) fail_msg("byte %zu changed, same sum", at);
        b[at] ^= 0x20;
    }
    free(b);
}

static void test_sha256_stream_is_sha256sum(void **state)
{
    (void)state;
    unsigned char *b = bytes();
    char *dir = tu_tmpdir("sha");
    char *path = tu_path(dir, "bytes.bin");
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(b, 1, N, fp), N);
    assert_int_equal(fclose(fp), 0);
    strbuf out = STRBUF_INIT;
    assert_int_equal(tu_runf(&out, "sha256sum '%s'", path), 0);
    sha256_stream *s = sha256_stream_new();
    for (size_t i = 0, k = 1; i < N; i += k, k = k * 3 % 4096 + 1) /* uneven pieces */
        sha256_stream_add(s, b + i, k < N - i ? k : N - i);
    assert_int_equal(sha256_stream_bytes(s), N);
    char hex[SHA256_HEX], file_hex[SHA256_HEX];
    sha256_stream_hex(s, hex);
    sha256_stream_free(s);
    assert_int_equal(strncmp(out.buf, hex, 64), 0);
    uint64_t size = 0;
    strbuf err = STRBUF_INIT;
    assert_int_equal(sha256_file(path, file_hex, &size, &err), 0);
    assert_string_equal(file_hex, hex);
    assert_int_equal(size, N);
    strbuf_release(&err);
    strbuf_release(&out);
    tu_rmtree(dir);
    free(path);
    free(dir);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_streamsum_pieces),
        cmocka_unit_test(test_sha256_stream_is_sha256sum),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
