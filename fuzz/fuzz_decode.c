/*
 * fuzz_decode: libFuzzer target for src/read/decode.c. Each input is fed
 * through the streaming decoder of every encoding, whole and cut at a point
 * chosen by the first byte, and must give the same result both ways (the
 * same text, or the same error message); every success must be valid
 * UTF-8 in NFC. The same bytes also go through decode_legacy_cell for each
 * legacy encoding, decode_guess_legacy and decode_encoding_by_name.
 *
 * Run from the repository root (the VNI table is read from
 * templates/encodings/vni.txt, or from $FUZZ_VNI_TABLE); new inputs go to
 * the first folder, so keep the seed corpus apart:
 */
// clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc fuzz/fuzz_decode.c \
//     src/read/decode.c src/util/*.c -lunistring -o /tmp/fuzz_decode
// mkdir -p /tmp/fuzz_work
// /tmp/fuzz_decode -max_total_time=60 /tmp/fuzz_work fuzz/corpus/decode
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uninorm.h>
#include <unistr.h>

#include "read/decode.h"
#include "util/strbuf.h"

static const decode_vni *vni_table(void)
{
    static decode_vni *t;
    if (!t) {
        const char *path = getenv("FUZZ_VNI_TABLE");
        strbuf err = STRBUF_INIT;
        t = decode_vni_load(path ? path : "templates/encodings/vni.txt", &err);
        if (!t) {
            fprintf(stderr, "fuzz_decode: %s\n", err.buf);
            abort();
        }
        strbuf_release(&err);
    }
    return t;
}

static void check_nfc_utf8(const char *s, size_t n)
{
    if (u8_check((const uint8_t *)s, n)) {
        fprintf(stderr, "output is not UTF-8\n");
        abort();
    }
    size_t rl = 0;
    uint8_t *r = u8_normalize(UNINORM_NFC, (const uint8_t *)s, n, NULL, &rl);
    if (!r || rl != n || memcmp(r, s, n) != 0) {
        fprintf(stderr, "output is not NFC\n");
        abort();
    }
    free(r);
}

/* Decode in pieces cut at cuts[0..k); result text or message in *res. */
static int run(text_encoding enc, const uint8_t *in, size_t n, const size_t *cuts,
               int k, strbuf *res)
{
    strbuf err = STRBUF_INIT;
    decoder *d = decode_new_vni(enc, vni_table(), &err);
    if (!d) abort();
    size_t at = 0;
    int rc = 0;
    for (int i = 0; i <= k && rc == 0; i++) {
        size_t end = i < k ? cuts[i] : n;
        rc = decode_feed(d, (const char *)in + at, end - at, res);
        at = end;
    }
    if (decode_finish(d, res, &err) < 0) rc = -1;
    if (rc < 0) {
        strbuf_reset(res);
        strbuf_add(res, err.buf, err.len);
    }
    decode_free(d);
    strbuf_release(&err);
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0) return 0;
    size_t n = size - 1;
    const uint8_t *in = data + 1;
    size_t cut1 = n * data[0] / 256;
    size_t cut2 = cut1 + (n - cut1) / 2;
    for (int e = ENC_UTF8; e <= ENC_VISCII; e++) {
        strbuf whole = STRBUF_INIT, split = STRBUF_INIT, three = STRBUF_INIT;
        int rc1 = run(e, in, n, NULL, 0, &whole);
        size_t c1[1] = {cut1};
        int rc2 = run(e, in, n, c1, 1, &split);
        size_t c2[2] = {cut1, cut2};
        int rc3 = run(e, in, n, c2, 2, &three);
        if (rc1 != rc2 || rc1 != rc3 || whole.len != split.len || whole.len != three.len ||
            memcmp(whole.buf, split.buf, whole.len) != 0 ||
            memcmp(whole.buf, three.buf, whole.len) != 0) {
            fprintf(stderr, "%s: cut at %zu/%zu changes the result:\n[%s]\n[%s]\n[%s]\n",
                    decode_encoding_name(e), cut1, cut2, whole.buf, split.buf, three.buf);
            abort();
        }
        if (rc1 == 0) check_nfc_utf8(whole.buf, whole.len);
        strbuf_release(&whole);
        strbuf_release(&split);
        strbuf_release(&three);
    }
    for (int e = ENC_UTF8; e <= ENC_VISCII; e++) {
        strbuf out = STRBUF_INIT;
        if (decode_legacy_cell(e, vni_table(), (const char *)in, n, &out) == 0)
            check_nfc_utf8(out.buf, out.len);
        else if (out.len)
            abort(); /* nothing appended on failure */
        strbuf_release(&out);
    }
    text_encoding g = decode_guess_legacy((const char *)in, n);
    if (g != ENC_UTF8 && g != ENC_TCVN3 && g != ENC_VNI) abort();
    char *name = xstrndup((const char *)in, n < 64 ? n : 64);
    text_encoding x;
    if (decode_encoding_by_name(name, &x) == 0 && (unsigned)x > ENC_VISCII) abort();
    free(name);
    return 0;
}
