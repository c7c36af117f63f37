/*
 * Tests of read/decode, the conversion of input encodings to UTF-8 NFC:
 *  - encoding names as the config spells them;
 *  - UTF-16 little and big endian with a BOM, and without one (little
 *    endian, as Excel writes), surrogate pairs, decomposed marks;
 *  - Windows-1258, TCVN3 and VISCII bytes written out by hand from the code
 *    page tables, cross-checked against `iconv -t ...`, ending in NFC;
 *  - VNI through templates/encodings/vni.txt: every one of the 134 letters,
 *    all tones upper and lower case, greedy matching, stray marks;
 *  - legacy text that arrived as Windows-1252 characters ("ViÖt Nam");
 *  - blocks split at every byte boundary giving the one-block output;
 *  - invalid input: the offset in the Vietnamese message;
 *  - the legacy-text guess: mojibake flagged, Vietnamese, English and
 *    numbers never;
 *  - the fixtures of tests/fixtures/encodings/ all decoding to one text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "read/decode.h"
#include "testutil.h"
#include "util/strbuf.h"

#define VNI_PATH "templates/encodings/vni.txt"
#define FIX "tests/fixtures/encodings/"
/* a string literal and its length, for literals holding NUL bytes */
#define LIT(s) (s), (sizeof(s) - 1)

/* ---- helpers ------------------------------------------------------------- */

/*
 * Decode in[0..n) as enc, fed in pieces cut at cuts[0..ncuts) (ascending
 * offsets). Returns the output (caller frees) or NULL on failure, with the
 * message in *msg when msg is given.
 */
static char *decode_pieces(text_encoding enc, const decode_vni *vni, const char *in,
                           size_t n, const size_t *cuts, int ncuts, char **msg)
{
    strbuf err = STRBUF_INIT, out = STRBUF_INIT;
    decoder *d = decode_new_vni(enc, vni, &err);
    assert_non_null(d);
    size_t at = 0;
    int rc = 0;
    for (int i = 0; i <= ncuts && rc == 0; i++) {
        size_t end = i < ncuts ? cuts[i] : n;
        rc = decode_feed(d, in + at, end - at, &out);
        at = end;
    }
    if (rc < 0) assert_string_not_equal(decode_error(d), "");
    if (decode_finish(d, &out, &err) < 0) rc = -1;
    decode_free(d);
    if (msg) *msg = rc < 0 ? strbuf_detach(&err, NULL) : NULL;
    strbuf_release(&err);
    if (rc < 0) {
        strbuf_release(&out);
        return NULL;
    }
    return strbuf_detach(&out, NULL);
}

static char *decode_one(text_encoding enc, const decode_vni *vni, const char *in,
                        size_t n, char **msg)
{
    return decode_pieces(enc, vni, in, n, NULL, 0, msg);
}

static void expect_decode(text_encoding enc, const char *in, size_t n, const char *want)
{
    char *got = decode_one(enc, NULL, in, n, NULL);
    assert_non_null(got);
    assert_string_equal(got, want);
    free(got);
}

static void expect_error(text_encoding enc, const char *in, size_t n, const char *want)
{
    char *msg = NULL;
    char *got = decode_one(enc, NULL, in, n, &msg);
    assert_null(got);
    assert_non_null(msg);
    assert_string_equal(msg, want);
    free(msg);
}

/* Every split into two blocks, into three blocks, and byte by byte must
 * give the one-block output. */
static void expect_split_invariant(text_encoding enc, const decode_vni *vni,
                                   const char *in, size_t n, const char *want)
{
    char *one = decode_one(enc, vni, in, n, NULL);
    assert_non_null(one);
    assert_string_equal(one, want);
    for (size_t i = 0; i <= n; i++) {
        size_t cuts[1] = {i};
        char *got = decode_pieces(enc, vni, in, n, cuts, 1, NULL);
        assert_non_null(got);
        if (strcmp(got, want) != 0) fail_msg("split at %zu: \"%s\"", i, got);
        free(got);
        for (size_t j = i; j <= n; j += 3) {
            size_t cuts2[2] = {i, j};
            got = decode_pieces(enc, vni, in, n, cuts2, 2, NULL);
            assert_non_null(got);
            if (strcmp(got, want) != 0) fail_msg("split at %zu,%zu: \"%s\"", i, j, got);
            free(got);
        }
    }
    size_t *all = malloc((n ? n : 1) * sizeof *all);
    for (size_t i = 0; i < n; i++) all[i] = i;
    char *bytewise = decode_pieces(enc, vni, in, n, all, (int)n, NULL);
    assert_non_null(bytewise);
    assert_string_equal(bytewise, want);
    free(bytewise);
    free(all);
    free(one);
}

static char *legacy(text_encoding enc, const decode_vni *vni, const char *s)
{
    strbuf out = STRBUF_INIT;
    if (decode_legacy_cell(enc, vni, s, strlen(s), &out) < 0) {
        assert_int_equal(out.len, 0); /* nothing appended on failure */
        strbuf_release(&out);
        return NULL;
    }
    return strbuf_detach(&out, NULL);
}

static void expect_legacy(text_encoding enc, const decode_vni *vni, const char *s,
                          const char *want)
{
    char *got = legacy(enc, vni, s);
    if (!got) fail_msg("decode_legacy_cell(%s, \"%s\") failed", decode_encoding_name(enc), s);
    assert_string_equal(got, want);
    free(got);
}

static decode_vni *load_vni(void)
{
    strbuf err = STRBUF_INIT;
    decode_vni *t = decode_vni_load(VNI_PATH, &err);
    if (!t) fail_msg("%s", err.buf);
    strbuf_release(&err);
    return t;
}

/* The bytes iconv produces for utf8 in encoding `to`. */
static void iconv_bytes(const char *utf8, const char *to, strbuf *out)
{
    strbuf cmd = STRBUF_INIT;
    strbuf_addf(&cmd, "printf '%%s' '%s' | iconv -f UTF-8 -t %s", utf8, to);
    assert_int_equal(tu_run(cmd.buf, out), 0);
    strbuf_release(&cmd);
}

static void expect_iconv_bytes(const char *utf8, const char *to, const char *bytes,
                               size_t n)
{
    strbuf got = STRBUF_INIT;
    iconv_bytes(utf8, to, &got);
    assert_int_equal(got.len, n);
    assert_memory_equal(got.buf, bytes, n);
    strbuf_release(&got);
}

/* ---- names --------------------------------------------------------------- */

static void test_names(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        text_encoding e;
    } ok[] = {
        {"utf-8", ENC_UTF8},          {"UTF8", ENC_UTF8},
        {"utf-16", ENC_UTF16},        {"Utf16", ENC_UTF16},
        {"unicode", ENC_UTF16},       {"Windows-1258", ENC_WINDOWS_1258},
        {"CP1258", ENC_WINDOWS_1258}, {"tcvn3", ENC_TCVN3},
        {"ABC", ENC_TCVN3},           {"TCVN5712", ENC_TCVN3},
        {"VNI", ENC_VNI},             {"viscii", ENC_VISCII},
        {"  vni \t", ENC_VNI},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        text_encoding e = ok[i].e == ENC_UTF8 ? ENC_VNI : ENC_UTF8;
        assert_int_equal(decode_encoding_by_name(ok[i].s, &e), 0);
        assert_int_equal(e, ok[i].e);
    }
    text_encoding e = ENC_VNI;
    assert_int_equal(decode_encoding_by_name("latin1", &e), -1);
    assert_int_equal(decode_encoding_by_name("", &e), -1);
    assert_int_equal(decode_encoding_by_name("utf-8x", &e), -1);
    assert_int_equal(decode_encoding_by_name(NULL, &e), -1);
    assert_int_equal(e, ENC_VNI);
    assert_string_equal(decode_encoding_name(ENC_UTF8), "utf-8");
    assert_string_equal(decode_encoding_name(ENC_UTF16), "utf-16");
    assert_string_equal(decode_encoding_name(ENC_WINDOWS_1258), "windows-1258");
    assert_string_equal(decode_encoding_name(ENC_TCVN3), "tcvn3");
    assert_string_equal(decode_encoding_name(ENC_VNI), "vni");
    assert_string_equal(decode_encoding_name(ENC_VISCII), "viscii");
    /* every canonical name reads back */
    for (int i = ENC_UTF8; i <= ENC_VISCII; i++) {
        assert_int_equal(decode_encoding_by_name(decode_encoding_name(i), &e), 0);
        assert_int_equal(e, i);
    }
}

/* ---- UTF-16 -------------------------------------------------------------- */

/* "Việt Nam\t" + e U+0302 U+0323 (ệ decomposed) + U+1F600 + "\r\n" +
 * "Ho" U+0300 "a" (Hòa decomposed), as UTF-16LE without BOM. */
static const char u16le[] =
    "V\0i\0\xC7\x1Et\0 \0N\0a\0m\0\t\0"
    "e\0\x02\x03\x23\x03"
    "\x3D\xD8\x00\xDE"
    "\r\0\n\0"
    "H\0o\0\x00\x03" "a\0";
#define U16_WANT "Việt Nam\tệ\xF0\x9F\x98\x80\r\nHòa"

static void swap_pairs(const char *in, char *out, size_t n)
{
    for (size_t i = 0; i + 1 < n; i += 2) {
        out[i] = in[i + 1];
        out[i + 1] = in[i];
    }
}

static void test_utf16(void **state)
{
    (void)state;
    size_t n = sizeof u16le - 1;
    char buf[128];
    /* little endian with BOM */
    memcpy(buf, "\xFF\xFE", 2);
    memcpy(buf + 2, u16le, n);
    expect_decode(ENC_UTF16, buf, n + 2, U16_WANT);
    /* big endian with BOM */
    memcpy(buf, "\xFE\xFF", 2);
    swap_pairs(u16le, buf + 2, n);
    expect_decode(ENC_UTF16, buf, n + 2, U16_WANT);
    /* no BOM: little endian */
    expect_decode(ENC_UTF16, u16le, n, U16_WANT);
    /* only the first BOM is dropped; a later U+FEFF stays */
    expect_decode(ENC_UTF16, "\xFF\xFE\xFF\xFE" "A\0", 6, "\xEF\xBB\xBF" "A");
    expect_decode(ENC_UTF16, "", 0, "");
    /* a decoder used for a big-endian file reads the next one afresh */
    strbuf err = STRBUF_INIT, out = STRBUF_INIT;
    decoder *d = decode_new(ENC_UTF16, NULL, &err);
    assert_non_null(d);
    assert_int_equal(decode_feed(d, LIT("\xFE\xFF\x00" "A"), &out), 0);
    assert_int_equal(decode_finish(d, &out, &err), 0);
    assert_int_equal(decode_feed(d, LIT("B\0"), &out), 0);
    assert_int_equal(decode_finish(d, &out, &err), 0);
    assert_string_equal(out.buf, "AB");
    decode_free(d);
    strbuf_release(&err);
    strbuf_release(&out);
    expect_decode(ENC_UTF16, "\xFF\xFE", 2, "");
    /* cross-check against iconv */
    strbuf ref = STRBUF_INIT;
    iconv_bytes("Việt Nam\tHòa Sơn", "UTF-16LE", &ref);
    expect_decode(ENC_UTF16, ref.buf, ref.len, "Việt Nam\tHòa Sơn");
    strbuf_release(&ref);
}

static void test_utf16_split(void **state)
{
    (void)state;
    size_t n = sizeof u16le - 1;
    char buf[128];
    memcpy(buf, "\xFF\xFE", 2);
    memcpy(buf + 2, u16le, n);
    expect_split_invariant(ENC_UTF16, NULL, buf, n + 2, U16_WANT);
    memcpy(buf, "\xFE\xFF", 2);
    swap_pairs(u16le, buf + 2, n);
    expect_split_invariant(ENC_UTF16, NULL, buf, n + 2, U16_WANT);
    expect_split_invariant(ENC_UTF16, NULL, u16le, n, U16_WANT);
}

static void test_utf16_invalid(void **state)
{
    (void)state;
    /* lone high surrogate followed by 'B' */
    expect_error(ENC_UTF16, "\xFF\xFE" "A\0\x00\xD8" "B\0", 8,
                 "byte 4: không đúng mã UTF-16");
    /* lone low surrogate */
    expect_error(ENC_UTF16, "\xFF\xFE" "A\0B\0\x00\xDC", 8,
                 "byte 6: không đúng mã UTF-16");
    /* big endian, no BOM given to a little endian reading is still valid
     * text (other characters), but a lone surrogate in BE is caught */
    expect_error(ENC_UTF16, "\xFE\xFF\x00" "A\xDC\x00", 6,
                 "byte 4: không đúng mã UTF-16");
    /* file ends inside a surrogate pair, or with an odd byte */
    expect_error(ENC_UTF16, "\xFF\xFE" "A\0\x3D\xD8", 6,
                 "byte 4: không đúng mã UTF-16 (dữ liệu dừng giữa một ký tự)");
    expect_error(ENC_UTF16, "\xFF\xFE" "A\0B", 5,
                 "byte 4: không đúng mã UTF-16 (dữ liệu dừng giữa một ký tự)");
    expect_error(ENC_UTF16, "A", 1,
                 "byte 0: không đúng mã UTF-16 (dữ liệu dừng giữa một ký tự)");
    /* the offset does not depend on how the input was cut */
    const char bad[] = "\xFF\xFE" "A\0B\0C\0D\0\x00\xD8" "E\0";
    for (size_t i = 0; i <= sizeof bad - 1; i++) {
        size_t cuts[1] = {i};
        char *msg = NULL;
        assert_null(decode_pieces(ENC_UTF16, NULL, bad, sizeof bad - 1, cuts, 1, &msg));
        assert_string_equal(msg, "byte 10: không đúng mã UTF-16");
        free(msg);
    }
}

/* ---- UTF-8 ---------------------------------------------------------------- */

static void test_utf8(void **state)
{
    (void)state;
    /* BOM dropped, NFD composed, NFC left alone */
    expect_decode(ENC_UTF8, LIT("\xEF\xBB\xBFma_xa,ten_xa\n"), "ma_xa,ten_xa\n");
    expect_decode(ENC_UTF8, LIT("Vie\xCC\xA3\xCC\x82t Nam"), "Việt Nam");
    expect_decode(ENC_UTF8, "Việt Nam", strlen("Việt Nam"), "Việt Nam");
    /* only a leading BOM is dropped */
    expect_decode(ENC_UTF8, "a\xEF\xBB\xBF", 4, "a\xEF\xBB\xBF");
    expect_error(ENC_UTF8, LIT("\xEF\xBB"),
                 "byte 0: không đúng mã UTF-8 (dữ liệu dừng giữa một ký tự)");
    expect_decode(ENC_UTF8, LIT("\xEF\xBB\xBF"), "");
    const char *s = "\xEF\xBB\xBFXã Việt Hưng;Ho\xCC\x80" "a So\xCC\x9Bn\r\nĐắk Rơ Ông";
    expect_split_invariant(ENC_UTF8, NULL, s, strlen(s),
                           "Xã Việt Hưng;Hòa Sơn\r\nĐắk Rơ Ông");
}

static void test_utf8_invalid(void **state)
{
    (void)state;
    expect_error(ENC_UTF8, "abc\xC3(", 5, "byte 3: không đúng mã UTF-8");
    expect_error(ENC_UTF8, "\xEF\xBB\xBF" "Vi\xE1\xBB\x87t\xFF", 10,
                 "byte 9: không đúng mã UTF-8");
    expect_error(ENC_UTF8, "ab\xE1\xBB", 4,
                 "byte 2: không đúng mã UTF-8 (dữ liệu dừng giữa một ký tự)");
    expect_error(ENC_UTF8, "\xED\xA0\x80", 3, "byte 0: không đúng mã UTF-8"); /* surrogate */
    expect_error(ENC_UTF8, "\xC0\xAF", 2, "byte 0: không đúng mã UTF-8");     /* overlong */
    /* same offset at every cut */
    const char bad[] = "Xã Việt\xC3\x28 Nam";
    for (size_t i = 0; i <= sizeof bad - 1; i++) {
        size_t cuts[1] = {i};
        char *msg = NULL;
        assert_null(decode_pieces(ENC_UTF8, NULL, bad, sizeof bad - 1, cuts, 1, &msg));
        assert_string_equal(msg, "byte 10: không đúng mã UTF-8");
        free(msg);
    }
}

static void test_error_then_reuse(void **state)
{
    (void)state;
    strbuf err = STRBUF_INIT, out = STRBUF_INIT;
    decoder *d = decode_new(ENC_UTF8, NULL, &err);
    assert_non_null(d);
    assert_string_equal(decode_error(d), "");
    assert_int_equal(decode_feed(d, "ok\n\xFF", 4, &out), -1);
    assert_string_equal(decode_error(d), "byte 3: không đúng mã UTF-8");
    assert_int_equal(decode_feed(d, "more", 4, &out), -1); /* stays failed */
    assert_int_equal(decode_finish(d, &out, &err), -1);
    assert_string_equal(err.buf, "byte 3: không đúng mã UTF-8");
    /* the decoder starts afresh after finish: BOM and offsets too */
    strbuf_reset(&out);
    strbuf_reset(&err);
    assert_int_equal(decode_feed(d, "\xEF\xBB\xBFXã", 7, &out), 0);
    assert_int_equal(decode_finish(d, &out, &err), 0);
    assert_string_equal(out.buf, "Xã");
    assert_string_equal(decode_error(d), "");
    decode_free(d);
    strbuf_release(&err);
    strbuf_release(&out);
}

/* ---- Windows-1258 --------------------------------------------------------- */

/* From the code page: ê EA, combining dot below F2, combining grave CC,
 * ơ F5, Đ D0, ă E3, combining acute EC. */
static const char w1258_viet_nam[] = "Vi\xEA\xF2t Nam";
static const char w1258_hoa_son[] = "Ho\xCC" "a S\xF5n";
static const char w1258_line[] = "Vi\xEA\xF2t Nam, Ho\xCC" "a S\xF5n\n\xD0\xE3\xEC" "k";

static void test_windows1258(void **state)
{
    (void)state;
    expect_decode(ENC_WINDOWS_1258, w1258_viet_nam, sizeof w1258_viet_nam - 1, "Việt Nam");
    expect_decode(ENC_WINDOWS_1258, w1258_hoa_son, sizeof w1258_hoa_son - 1, "Hòa Sơn");
    /* the result is NFC: ò precomposed (C3 B2), ệ precomposed (E1 BB 87) */
    char *got = decode_one(ENC_WINDOWS_1258, NULL, w1258_hoa_son, sizeof w1258_hoa_son - 1, NULL);
    assert_memory_equal(got, "H\xC3\xB2" "a", 4);
    free(got);
    expect_iconv_bytes("Việt Nam", "WINDOWS-1258", w1258_viet_nam, sizeof w1258_viet_nam - 1);
    expect_iconv_bytes("Hòa Sơn", "WINDOWS-1258", w1258_hoa_son, sizeof w1258_hoa_son - 1);
    expect_iconv_bytes("Việt Nam, Hòa Sơn\nĐắk", "WINDOWS-1258", w1258_line,
                       sizeof w1258_line - 1);
    /* a mark right at the end of the file, and nothing after it */
    expect_decode(ENC_WINDOWS_1258, "a\xEC", 2, "á");
    expect_decode(ENC_WINDOWS_1258, "\xEC", 1, "\xCC\x81"); /* a lone mark stays a mark */
    /* undefined bytes of the code page */
    expect_error(ENC_WINDOWS_1258, "Nam\x81", 4, "byte 3: không đúng mã Windows-1258");
}

static void test_windows1258_split(void **state)
{
    (void)state;
    expect_split_invariant(ENC_WINDOWS_1258, NULL, w1258_line, sizeof w1258_line - 1,
                           "Việt Nam, Hòa Sơn\nĐắk");
    /* every mark after every kind of base, across cuts */
    const char marks[] = "a\xCC" "e\xD2" "o\xDE" "u\xEC" "y\xF2" "\xEA\xEC" "\xE2\xF2" "A\xCC\n";
    char *one = decode_one(ENC_WINDOWS_1258, NULL, marks, sizeof marks - 1, NULL);
    assert_string_equal(one, "àẻõúỵếậÀ\n");
    expect_split_invariant(ENC_WINDOWS_1258, NULL, marks, sizeof marks - 1, one);
    free(one);
}

/* ---- TCVN3 ------------------------------------------------------------------ */

/* From TCVN 5712 (VN1, glibc's TCVN5712-1): ệ D6, Đ A7, ắ BE, ơ AC, Ô A4,
 * ậ CB, Ẳ BA, combining acute B3. */
static const char tcvn_viet_nam[] = "Vi\xD6t Nam";
static const char tcvn_dak[] = "\xA7\xBE" "k R\xAC \xA4ng";
static const char tcvn_nam[] = "N\xCBm \xBAn";

static void test_tcvn3(void **state)
{
    (void)state;
    expect_decode(ENC_TCVN3, tcvn_viet_nam, sizeof tcvn_viet_nam - 1, "Việt Nam");
    expect_decode(ENC_TCVN3, tcvn_dak, sizeof tcvn_dak - 1, "Đắk Rơ Ông");
    expect_decode(ENC_TCVN3, tcvn_nam, sizeof tcvn_nam - 1, "Nậm Ẳn");
    expect_iconv_bytes("Việt Nam", "TCVN5712-1", tcvn_viet_nam, sizeof tcvn_viet_nam - 1);
    expect_iconv_bytes("Đắk Rơ Ông", "TCVN5712-1", tcvn_dak, sizeof tcvn_dak - 1);
    expect_iconv_bytes("Nậm Ẳn", "TCVN5712-1", tcvn_nam, sizeof tcvn_nam - 1);
    /* a base letter + combining byte composes */
    expect_decode(ENC_TCVN3, "a\xB3", 2, "á");
    const char line[] = "Vi\xD6t Nam,\xA7\xBE" "k R\xAC \xA4ng\n" "a\xB3;N\xCBm \xBAn";
    expect_split_invariant(ENC_TCVN3, NULL, line, sizeof line - 1,
                           "Việt Nam,Đắk Rơ Ông\ná;Nậm Ẳn");
}

static void test_viscii(void **state)
{
    (void)state;
    /* VISCII: ệ AE; Đ D0, à E0, ẵ C7 */
    expect_decode(ENC_VISCII, "Vi\xAEt Nam", 8, "Việt Nam");
    expect_decode(ENC_VISCII, "\xD0\xE0 N\xC7ng", 7, "Đà Nẵng");
    expect_iconv_bytes("Việt Nam", "VISCII", "Vi\xAEt Nam", 8);
    expect_iconv_bytes("Đà Nẵng", "VISCII", "\xD0\xE0 N\xC7ng", 7);
    /* VISCII uses control positions for letters: 0x02 is Ẳ */
    expect_decode(ENC_VISCII, "\x02n", 2, "Ẳn");
}

/* ---- VNI ----------------------------------------------------------------- */

static void test_vni_stream(void **state)
{
    (void)state;
    decode_vni *t = load_vni();
    assert_int_equal(decode_vni_count(t), 134 + 34);
    /* "Vieät Nam": e + ä (circumflex + nặng) */
    char *got = decode_one(ENC_VNI, t, "Vie\xE4t Nam", 9, NULL);
    assert_string_equal(got, "Việt Nam");
    free(got);
    /* ASCII and Windows-1252 text outside the table pass through */
    got = decode_one(ENC_VNI, t, "ma_xa,\x80 5\n", 10, NULL);
    assert_string_equal(got, "ma_xa,€ 5\n");
    free(got);
    /* greedy: "oâ" is ô, "ôù" is ớ, "öôù" is ướ */
    const char line[] = "Tr\xF6\xF4\xF8ng \xD1\x61\xE9k R\xF4 O\xC2ng\nNa\xE4m A\xDAn";
    expect_split_invariant(ENC_VNI, t, line, sizeof line - 1,
                           "Trường Đắk Rơ Ông\nNậm Ẳn");
    decode_vni_free(t);

    /* decode_new loads the table itself */
    strbuf err = STRBUF_INIT, out = STRBUF_INIT;
    decoder *d = decode_new(ENC_VNI, VNI_PATH, &err);
    assert_non_null(d);
    assert_int_equal(decode_feed(d, "Vie\xE4t", 5, &out), 0);
    assert_int_equal(decode_finish(d, &out, &err), 0);
    assert_string_equal(out.buf, "Việt");
    decode_free(d);
    assert_null(decode_new(ENC_VNI, NULL, &err));
    assert_true(strstr(err.buf, "VNI") != NULL);
    strbuf_reset(&err);
    assert_null(decode_new(ENC_VNI, "/nonexistent/vni.txt", &err));
    assert_true(err.len > 0);
    strbuf_release(&err);
    strbuf_release(&out);
}

static void test_vni_tones(void **state)
{
    (void)state;
    decode_vni *t = load_vni();
    /* the VNI forms written as the Windows-1252 characters they show as */
    expect_legacy(ENC_VNI, t, "aù aø aû aõ aï a", "á à ả ã ạ a");
    expect_legacy(ENC_VNI, t, "AÙ AØ AÛ AÕ AÏ A", "Á À Ả Ã Ạ A");
    expect_legacy(ENC_VNI, t, "aê aé aè aú aü aë", "ă ắ ằ ẳ ẵ ặ");
    expect_legacy(ENC_VNI, t, "AÊ AÉ AÈ AÚ AÜ AË", "Ă Ắ Ằ Ẳ Ẵ Ặ");
    expect_legacy(ENC_VNI, t, "aâ aá aà aå aã aä", "â ấ ầ ẩ ẫ ậ");
    expect_legacy(ENC_VNI, t, "eù eø eû eõ eï", "é è ẻ ẽ ẹ");
    expect_legacy(ENC_VNI, t, "EÂ EÁ EÀ EÅ EÃ EÄ", "Ê Ế Ề Ể Ễ Ệ");
    expect_legacy(ENC_VNI, t, "í ì æ ó ò", "í ì ỉ ĩ ị");
    expect_legacy(ENC_VNI, t, "Í Ì Æ Ó Ò", "Í Ì Ỉ Ĩ Ị");
    expect_legacy(ENC_VNI, t, "où oø oû oõ oï", "ó ò ỏ õ ọ");
    expect_legacy(ENC_VNI, t, "oâ oá oà oå oã oä", "ô ố ồ ổ ỗ ộ");
    expect_legacy(ENC_VNI, t, "ô ôù ôø ôû ôõ ôï", "ơ ớ ờ ở ỡ ợ");
    expect_legacy(ENC_VNI, t, "Ô ÔÙ ÔØ ÔÛ ÔÕ ÔÏ", "Ơ Ớ Ờ Ở Ỡ Ợ");
    expect_legacy(ENC_VNI, t, "uù uø uû uõ uï", "ú ù ủ ũ ụ");
    expect_legacy(ENC_VNI, t, "ö öù öø öû öõ öï", "ư ứ ừ ử ữ ự");
    expect_legacy(ENC_VNI, t, "Ö ÖÙ ÖØ ÖÛ ÖÕ ÖÏ", "Ư Ứ Ừ Ử Ữ Ự");
    expect_legacy(ENC_VNI, t, "yù yø yû yõ î", "ý ỳ ỷ ỹ ỵ");
    expect_legacy(ENC_VNI, t, "YÙ YØ YÛ YÕ Î", "Ý Ỳ Ỷ Ỹ Ỵ");
    expect_legacy(ENC_VNI, t, "ñ Ñ", "đ Đ");
    expect_legacy(ENC_VNI, t, "Vieät Nam", "Việt Nam");
    expect_legacy(ENC_VNI, t, "VIEÄT NAM", "VIỆT NAM");
    expect_legacy(ENC_VNI, t, "Thaønh phoá Hoà Chí Minh", "Thành phố Hồ Chí Minh");
    /* stray marks (case mixed by some converters) still compose */
    expect_legacy(ENC_VNI, t, "Aù Vieät", "Á Việt");
    expect_legacy(ENC_VNI, t, "Eä", "Ệ");
    decode_vni_free(t);
}

/* Every letter line of vni.txt decodes to its letter, and the letters are
 * exactly the 134 Vietnamese letters outside ASCII. */
static void test_vni_table_coverage(void **state)
{
    (void)state;
    static const char *const lower =
        "áàảãạăắằẳẵặâấầẩẫậéèẻẽẹêếềểễệíìỉĩịóòỏõọôốồổỗộơớờởỡợúùủũụưứừửữựýỳỷỹỵđ";
    static const char *const upper =
        "ÁÀẢÃẠĂẮẰẲẴẶÂẤẦẨẪẬÉÈẺẼẸÊẾỀỂỄỆÍÌỈĨỊÓÒỎÕỌÔỐỒỔỖỘƠỚỜỞỠỢÚÙỦŨỤƯỨỪỬỮỰÝỲỶỸỴĐ";
    strbuf letters = STRBUF_INIT;
    strbuf_adds(&letters, lower);
    strbuf_adds(&letters, upper);
    /* split the reference into characters */
    char want[134][5];
    int nwant = 0;
    for (size_t i = 0; i < letters.len;) {
        size_t k = 1;
        while (i + k < letters.len && ((unsigned char)letters.buf[i + k] & 0xC0) == 0x80) k++;
        assert_true(nwant < 134 && k < 5);
        memcpy(want[nwant], letters.buf + i, k);
        want[nwant][k] = '\0';
        nwant++;
        i += k;
    }
    assert_int_equal(nwant, 134);
    int seen[134] = {0};

    decode_vni *t = load_vni();
    size_t len = 0;
    char *text = tu_read_file(VNI_PATH, &len);
    assert_non_null(text);
    int nletters = 0, nmarks = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        while (*line == ' ' || *line == '\t') line++;
        if (*line == '#' || *line == '\0') continue;
        char vni[32], uni[32];
        assert_int_equal(sscanf(line, "%31s %31s", vni, uni), 2);
        if (strncmp(vni, "0x", 2) == 0) {
            nmarks++;
            continue;
        }
        char *got = legacy(ENC_VNI, t, vni);
        assert_non_null(got);
        if (strcmp(got, uni) != 0) fail_msg("%s: got %s, table says %s", vni, got, uni);
        int found = 0;
        for (int i = 0; i < 134; i++) {
            if (strcmp(want[i], uni) == 0) {
                assert_int_equal(seen[i], 0); /* each letter once */
                seen[i] = found = 1;
            }
        }
        if (!found) fail_msg("%s is not a Vietnamese letter", uni);
        free(got);
        nletters++;
    }
    assert_int_equal(nletters, 134);
    assert_int_equal(nmarks, 34);
    for (int i = 0; i < 134; i++)
        if (!seen[i]) fail_msg("letter %s missing from %s", want[i], VNI_PATH);
    free(text);
    decode_vni_free(t);
    strbuf_release(&letters);
}

static void test_vni_load_errors(void **state)
{
    (void)state;
    char *dir = tu_tmpdir("decode");
    char *path = tu_path(dir, "vni.txt");
    strbuf err = STRBUF_INIT;
    static const struct {
        const char *text;
        const char *msg;
    } bad[] = {
        {"# only a comment\n", "vni.txt: bảng VNI không có dòng nào"},
        {"aù á\naù á\n", ":2: chuỗi VNI đã có ở dòng 1"},
        {"aù\n", ":1: cần hai trường"},
        {"aù á b\n", ":1: cần hai trường"},
        {"0x6 á\n", ":1: \"0x6\": cần 1 đến 4 byte"},
        {"0xZZ á\n", ":1: \"0xZZ\": không phải số hệ 16"},
        {"ệ á\n", ":1: \"ệ\": có ký tự không thuộc bảng mã Windows-1252"},
        {"aùaùa á\n", ":1: \"aùaùa\": chuỗi VNI phải dài 1 đến 4 byte"},
        {"0xF9 U+30\n", ":1: \"U+30\": mã U+ không hợp lệ"},
        {"0xF9 U+D800\n", ":1: \"U+D800\": mã U+ không hợp lệ"},
        {"[vni]\n", ":1: bảng VNI không có mục"},
        {"a \xFF\n", ":1: không đúng mã UTF-8"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(tu_write_file(path, bad[i].text), 0);
        strbuf_reset(&err);
        assert_null(decode_vni_load(path, &err));
        if (!strstr(err.buf, bad[i].msg))
            fail_msg("\"%s\": got \"%s\", want \"%s\"", bad[i].text, err.buf, bad[i].msg);
    }
    /* hex and U+ forms, comments, BOM */
    assert_int_equal(tu_write_file(path, "\xEF\xBB\xBF# x\n0x61F9 U+00E1 # á\n"
                                         "\t0x41 U+0041U+0301\n"),
                     0);
    strbuf_reset(&err);
    decode_vni *t = decode_vni_load(path, &err);
    assert_non_null(t);
    assert_int_equal(decode_vni_count(t), 2);
    expect_legacy(ENC_VNI, t, "aù A", "á Á");
    decode_vni_free(t);
    strbuf_reset(&err);
    assert_null(decode_vni_load("/nonexistent/vni.txt", &err));
    assert_true(err.len > 0);
    strbuf_release(&err);
    tu_rmtree(dir);
    free(path);
    free(dir);
}

/* ---- legacy cells --------------------------------------------------------- */

static void test_legacy_cells(void **state)
{
    (void)state;
    /* TCVN3 shown with a 1252 font: Ö is byte D6 = ệ */
    expect_legacy(ENC_TCVN3, NULL, "ViÖt Nam", "Việt Nam");
    expect_legacy(ENC_TCVN3, NULL, "§¾k R¬ ¤ng", "Đắk Rơ Ông");
    expect_legacy(ENC_TCVN3, NULL, "NËm ºn", "Nậm Ẳn");
    expect_legacy(ENC_TCVN3, NULL, "Hç trî nhµ ë cho hé nghÌo", "Hỗ trợ nhà ở cho hộ nghèo");
    /* the Windows-1252 row 80..9F: € is 0x80 = À, Ž 0x8E = Ỉ; U+0081 is 0x81 = Ả */
    expect_legacy(ENC_TCVN3, NULL, "€", "À");
    expect_legacy(ENC_TCVN3, NULL, "Ž", "Ỉ");
    expect_legacy(ENC_TCVN3, NULL, "\xC2\x81", "Ả");
    /* TCVN3 ư is byte AD, which a 1252 font shows as a soft hyphen */
    expect_legacy(ENC_TCVN3, NULL, "n\xC2\xAD\xC3\xAD" "c", "nước");
    /* round trip: Unicode -> TCVN3 bytes (iconv) -> 1252 characters -> back */
    strbuf bytes = STRBUF_INIT, shown = STRBUF_INIT;
    iconv_bytes("Xã Việt Hưng, thôn Nậm Ẳn", "TCVN5712-1", &bytes);
    for (size_t i = 0; i < bytes.len; i++) {
        unsigned char b = (unsigned char)bytes.buf[i];
        assert_true(b >= 0x20 && (b < 0x80 || b >= 0xA0)); /* plain Latin-1 here */
        if (b < 0x80) {
            strbuf_addch(&shown, b);
        } else {
            strbuf_addch(&shown, 0xC0 | (b >> 6));
            strbuf_addch(&shown, 0x80 | (b & 0x3F));
        }
    }
    assert_string_equal(shown.buf, "X· ViÖt H­ng, th«n NËm ºn");
    expect_legacy(ENC_TCVN3, NULL, shown.buf, "Xã Việt Hưng, thôn Nậm Ẳn");
    strbuf_release(&bytes);
    strbuf_release(&shown);
    /* VISCII and Windows-1258 shown the same way */
    expect_legacy(ENC_VISCII, NULL, "Vi®t Nam", "Việt Nam");
    expect_legacy(ENC_WINDOWS_1258, NULL, "Viêòt Nam", "Việt Nam");
    /* UTF-8 just normalises; ASCII is the same in every encoding */
    expect_legacy(ENC_UTF8, NULL, "Vie\xCC\xA3\xCC\x82t", "Việt");
    expect_legacy(ENC_TCVN3, NULL, "Nam 2024", "Nam 2024");
    expect_legacy(ENC_TCVN3, NULL, "", "");
    /* real Unicode has no 1252 byte: refused, nothing appended */
    assert_null(legacy(ENC_TCVN3, NULL, "Việt Nam"));
    assert_null(legacy(ENC_VNI, NULL, "Vieät"));          /* VNI needs a table */
    assert_null(legacy(ENC_UTF16, NULL, "Nam"));
    assert_null(legacy(ENC_WINDOWS_1258, NULL, "\xC2\x81")); /* 0x81 not in 1258 */
    strbuf out = STRBUF_INIT;
    strbuf_adds(&out, "keep");
    assert_int_equal(decode_legacy_cell(ENC_TCVN3, NULL, "a\xFF", 2, &out), -1);
    assert_int_equal(decode_legacy_cell(ENC_TCVN3, NULL, "ệ", 3, &out), -1);
    assert_string_equal(out.buf, "keep");
    strbuf_release(&out);
}

/* ---- guess ------------------------------------------------------------------ */

static text_encoding guess(const char *s)
{
    return decode_guess_legacy(s, strlen(s));
}

static void test_guess(void **state)
{
    (void)state;
    static const char *const tcvn[] = {
        "ViÖt Nam", "Hµ Néi", "UBND x· Hoµ B×nh", "Kinh phÝ hç trî nhµ ë",
        "C«ng tr×nh n­íc sinh ho¹t", "§¾k R¬ ¤ng", "NËm ºn", "X· ViÖt H­ng",
        "§­êng giao th«ng néi ®ång", "th«n", "Tr­êng", "Ng©n s¸ch",
    };
    static const char *const vni[] = {
        "Vieät Nam", "Ñoàng Nai", "Thaønh phoá Hoà Chí Minh", "Xaõ Vieät Höng",
        "Hoã trôï nhaø ôû cho hoä ngheøo", "Ñöôøng giao thoâng noäi ñoàng", "Huyeän",
        "Coâng trình nöôùc sinh hoaït", "Naäm AÚn",
    };
    static const char *const plain[] = {
        "", "Việt Nam", "Hà Nội", "Cà Mau", "Tây Ninh", "Hòa Bình", "Kiên Giang",
        "Tà Xùy", "Thái Bình", "Quê", "Hoà", "Xuân", "Đắk Rơ Ông", "Nậm Ẳn",
        "Xã Việt Hưng", "Công trình nước sinh hoạt tập trung thôn Nậm Ẳn",
        "Hello world", "Capital plan 2025", "Café crème", "naïve résumé",
        "déjà vu", "Müller", "São Paulo", "Côte d'Ivoire", "Microsoft®",
        "© 2024", "Nº 5", "100 €", "25°C", "5 µm", "3½ km", "1.234.567",
        "2.149,287", "12,5%", "2024-03-05", "DA3.TDA2", "NSTW_DTPT",
        "Thị trấn Mường Khoa", "đồng", "“quoted” – dash…", "don’t",
        "où est la gare", /* "où" is VNI "ó", but a lone vowel proves nothing */
    };
    for (size_t i = 0; i < sizeof tcvn / sizeof tcvn[0]; i++)
        if (guess(tcvn[i]) != ENC_TCVN3) fail_msg("\"%s\" not seen as TCVN3", tcvn[i]);
    for (size_t i = 0; i < sizeof vni / sizeof vni[0]; i++)
        if (guess(vni[i]) != ENC_VNI) fail_msg("\"%s\" not seen as VNI", vni[i]);
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++)
        if (guess(plain[i]) != ENC_UTF8) fail_msg("\"%s\" flagged as %s", plain[i],
                                                  decode_encoding_name(guess(plain[i])));
    assert_int_equal(decode_guess_legacy("ViÖt\xFF", 6), ENC_UTF8); /* not UTF-8 */
    assert_int_equal(decode_guess_legacy("ViÖt Nam", 4), ENC_UTF8); /* "Vi\xC3" cut */
    assert_int_equal(decode_guess_legacy(NULL, 0), ENC_UTF8);
}

/* ---- fixtures --------------------------------------------------------------- */

static char *decode_file(const char *name, text_encoding enc, const decode_vni *vni,
                         size_t block)
{
    size_t len = 0;
    char *path = tu_path(FIX, name);
    char *raw = tu_read_file(path, &len);
    if (!raw) fail_msg("cannot read %s", path);
    size_t ncuts = len / block;
    size_t *cuts = malloc((ncuts ? ncuts : 1) * sizeof *cuts);
    for (size_t i = 0; i < ncuts; i++) cuts[i] = (i + 1) * block;
    if (ncuts && cuts[ncuts - 1] == len) ncuts--;
    char *msg = NULL;
    char *out = decode_pieces(enc, vni, raw, len, cuts, (int)ncuts, &msg);
    if (!out) fail_msg("%s: %s", name, msg);
    free(cuts);
    free(raw);
    free(path);
    return out;
}

static void test_fixtures(void **state)
{
    (void)state;
    size_t n = 0;
    char *ref = tu_read_file(FIX "ke_hoach_utf8.csv", &n);
    assert_non_null(ref);
    assert_int_equal(tu_count(ref, "\n"), 4);
    assert_non_null(strstr(ref, "Xã Việt Hưng"));
    decode_vni *t = load_vni();
    static const struct {
        const char *file;
        text_encoding enc;
    } fx[] = {
        {"ke_hoach_utf8.csv", ENC_UTF8},          {"ke_hoach_1258.csv", ENC_WINDOWS_1258},
        {"ke_hoach_tcvn3.csv", ENC_TCVN3},        {"ke_hoach_vni.csv", ENC_VNI},
        {"ke_hoach_utf16.csv", ENC_UTF16},
    };
    static const size_t blocks[] = {1, 7, 64, 1 << 20};
    for (size_t i = 0; i < sizeof fx / sizeof fx[0]; i++) {
        for (size_t b = 0; b < sizeof blocks / sizeof blocks[0]; b++) {
            char *got = decode_file(fx[i].file, fx[i].enc, t, blocks[b]);
            if (fx[i].enc == ENC_UTF16) { /* tabs and CRLF, as Excel writes */
                assert_int_equal(tu_count(got, "\r\n"), 4);
                strbuf flat = STRBUF_INIT;
                for (char *p = got; *p; p++) {
                    if (*p == '\r') continue;
                    strbuf_addch(&flat, *p == '\t' ? ',' : *p);
                }
                free(got);
                got = strbuf_detach(&flat, NULL);
            }
            if (strcmp(got, ref) != 0) fail_msg("%s (block %zu):\n%s", fx[i].file, blocks[b], got);
            free(got);
        }
    }
    decode_vni_free(t);
    free(ref);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_utf16),
        cmocka_unit_test(test_utf16_split),
        cmocka_unit_test(test_utf16_invalid),
        cmocka_unit_test(test_utf8),
        cmocka_unit_test(test_utf8_invalid),
        cmocka_unit_test(test_error_then_reuse),
        cmocka_unit_test(test_windows1258),
        cmocka_unit_test(test_windows1258_split),
        cmocka_unit_test(test_tcvn3),
        cmocka_unit_test(test_viscii),
        cmocka_unit_test(test_vni_stream),
        cmocka_unit_test(test_vni_tones),
        cmocka_unit_test(test_vni_table_coverage),
        cmocka_unit_test(test_vni_load_errors),
        cmocka_unit_test(test_legacy_cells),
        cmocka_unit_test(test_guess),
        cmocka_unit_test(test_fixtures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
