/*
 * decode: turning the encodings Vietnamese offices exchange into UTF-8 NFC,
 * the only text the rest of the program sees.
 *
 *  - whole files (CSV) in UTF-8 (with or without a byte-order mark),
 *    UTF-16 (Excel's "Unicode text"), Windows-1258, TCVN3 (ABC), VNI-Windows
 *    or VISCII, converted block by block by a streaming decoder;
 *  - single cells of legacy text that reached us as Unicode characters: an
 *    .xlsx or UTF-8 CSV typed with a TCVN3 or VNI font holds "ViÖt Nam" (the
 *    Windows-1252 characters of the TCVN3 bytes for "Việt Nam"); those are
 *    mapped back to bytes and converted;
 *  - a conservative guess that a text value is such legacy text, so a reader
 *    can warn about a column the config does not declare.
 *
 * glibc's iconv converts UTF-16, WINDOWS-1258, TCVN5712-1 (TCVN3) and VISCII;
 * VNI, which no library covers, is a mapping table kept as data in
 * templates/encodings/vni.txt. Output is always NFC (libunistring), since
 * Windows-1258 and TCVN3 carry decomposed tone marks.
 *
 * No global mutable state: iconv descriptors live in a decoder, or are
 * opened and closed within one call.
 */
#ifndef MTQG_DECODE_H
#define MTQG_DECODE_H

#include <stddef.h>

#include "util/strbuf.h"

typedef enum {
    ENC_UTF8 = 0,
    ENC_UTF16,
    ENC_WINDOWS_1258,
    ENC_TCVN3,
    ENC_VNI,
    ENC_VISCII
} text_encoding;

/**
 * decode_encoding_by_name - the encoding a config value names, matched
 * without regard to case or surrounding white space: "utf-8"/"utf8",
 * "utf-16"/"utf16"/"unicode", "windows-1258"/"cp1258", "tcvn3"/"abc"/
 * "tcvn5712", "vni", "viscii". Returns 0 and sets *out, or -1 when the name
 * is unknown (*out untouched).
 */
int decode_encoding_by_name(const char *name, text_encoding *out);

/**
 * decode_encoding_name - the canonical config spelling of e ("utf-8",
 * "utf-16", "windows-1258", "tcvn3", "vni", "viscii"); "?" if out of range.
 */
const char *decode_encoding_name(text_encoding e);

/* ---- VNI table ---------------------------------------------------------- */

/** A loaded VNI-Windows mapping table (read-only once loaded; shareable). */
typedef struct decode_vni decode_vni;

/**
 * decode_vni_load - read a VNI table (templates/encodings/vni.txt format:
 * "VNI  UNICODE  # comment" per line). Returns the table, or NULL with
 * "path:line: message" appended to err.
 */
decode_vni *decode_vni_load(const char *path, strbuf *err);

/** decode_vni_count - number of mappings in the table. */
size_t decode_vni_count(const decode_vni *t);

/** decode_vni_free - free a table from decode_vni_load (NULL is fine). */
void decode_vni_free(decode_vni *t);

/* ---- streaming decoder (whole files) ------------------------------------ */

typedef struct decoder decoder;

/**
 * decode_new - a decoder from enc to UTF-8 NFC. vni_table is the path of the
 * VNI table, required for ENC_VNI and ignored otherwise. Returns NULL with a
 * message in err when iconv lacks the encoding or the table cannot be read.
 */
decoder *decode_new(text_encoding enc, const char *vni_table, strbuf *err);

/**
 * decode_new_vni - like decode_new, but borrows an already loaded VNI table
 * (vni may be NULL unless enc is ENC_VNI); the table must outlive the
 * decoder. Lets a reader load the table once for many files.
 */
decoder *decode_new_vni(text_encoding enc, const decode_vni *vni, strbuf *err);

/**
 * decode_feed - convert the next n bytes of the stream, appending UTF-8 NFC
 * to out. Blocks may end anywhere: an incomplete character, and the text
 * after the last ASCII byte (which a following combining mark could still
 * change under NFC), are held back until the next call or decode_finish.
 * A UTF-8 BOM (ENC_UTF8) or UTF-16 BOM (FF FE little endian, FE FF big
 * endian; none means little endian, as Excel writes) at the start of the
 * stream is dropped. Returns 0, or -1 on input that is not valid in the
 * encoding: the message, in Vietnamese and naming the 0-based byte offset
 * in the stream ("byte 1234: không đúng mã UTF-16"), is then available from
 * decode_error() and decode_finish(); later feeds keep failing.
 */
int decode_feed(decoder *d, const char *in, size_t n, strbuf *out);

/**
 * decode_finish - end of the stream: convert and append everything held
 * back. Returns 0, or -1 with the message appended to err when the stream
 * ends inside a character or an earlier decode_feed failed. Either way the
 * decoder is reset and may be used for another stream.
 */
int decode_finish(decoder *d, strbuf *out, strbuf *err);

/** decode_error - the message of the last failure, or "" if none. */
const char *decode_error(const decoder *d);

/** decode_free - free a decoder (NULL is fine). */
void decode_free(decoder *d);

/* ---- single cells -------------------------------------------------------- */

/**
 * decode_legacy_cell - s[0..n) is UTF-8 as read from an .xlsx or a UTF-8
 * CSV, where text typed with a legacy font was stored as the Windows-1252
 * characters of its bytes ("ViÖt Nam" for TCVN3 "Việt Nam"). Maps each
 * character back to its byte (ASCII and U+0080..U+00FF to the same byte,
 * the Windows-1252 extras such as U+20AC to 0x80..0x9F), converts the bytes
 * from enc and appends the UTF-8 NFC result to out. enc may be ENC_TCVN3,
 * ENC_VNI (vni required), ENC_VISCII or ENC_WINDOWS_1258; ENC_UTF8 just
 * normalises. Returns 0, or -1 (nothing appended) when s is not UTF-8,
 * holds a character with no Windows-1252 byte (real Unicode such as "ệ"),
 * the bytes are invalid in enc, or enc is ENC_UTF16.
 */
int decode_legacy_cell(text_encoding enc, const decode_vni *vni,
                       const char *s, size_t n, strbuf *out);

/*
 * The same for many cells: a reader converting a column on every row
 * opens one converter (iconv opened once, buffers reused) and calls
 * decode_cells_convert, which behaves exactly as decode_legacy_cell.
 */
typedef struct decode_cells decode_cells;
/** decode_cells_new - a converter for enc (as decode_legacy_cell); NULL with err. */
decode_cells *decode_cells_new(text_encoding enc, const decode_vni *vni, strbuf *err);
/** decode_cells_convert - decode_legacy_cell with c's encoding. */
int decode_cells_convert(decode_cells *c, const char *s, size_t n, strbuf *out);
/** decode_cells_free - free a converter (NULL is fine). */
void decode_cells_free(decode_cells *c);

/**
 * decode_guess_legacy - ENC_TCVN3 or ENC_VNI when the UTF-8 value s looks
 * like text typed with a TCVN3 or VNI font and shown through Windows-1252
 * ("ViÖt Nam", "Vieät Nam"), else ENC_UTF8. Conservative by design:
 *  1. a value holding any character outside ASCII + Windows-1252 (so any
 *     real Vietnamese letter such as ệ, ă, đ, ơ) is Unicode: ENC_UTF8;
 *  2. it is cut into words (runs of letters and non-ASCII characters); only
 *     words with a non-ASCII character count, and a word that already is a
 *     well-formed Vietnamese syllable ("Cà", "Tây") is neutral, as is a unit
 *     or symbol after a number ("5 µm", "25°");
 *  3. each remaining word is decoded as TCVN3 and as VNI; an encoding scores
 *     when the result is a well-formed Vietnamese syllable (initial
 *     consonant, vowel cluster, final consonant, at most one tone, and only
 *     sắc/nặng before c, ch, p, t) and the other encoding's result is not;
 *     a word neither makes a syllable of counts against both, and a word
 *     that decodes to a lone vowel (French "où" is VNI "ó") counts for none;
 *  4. the encoding with the higher score wins if it beats both the other
 *     and the count of words that decode to nothing.
 * English, numbers and Vietnamese Unicode are never flagged. Callers should
 * judge a column by several values (say the first 50 non-empty), not one.
 */
text_encoding decode_guess_legacy(const char *s, size_t n);

#endif
