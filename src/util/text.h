/*
 * text: UTF-8 helpers shared by every stage: key normalisation (so that
 * "Mã xã", "MA_XA" and " ma_xa " name one column, and a commune typed with
 * precomposed or decomposed marks is one commune), safe character stepping
 * for line breaking, and splitting of small delimited lists.
 *
 * Normalisation and case folding come from libunistring, not from tables of
 * our own.
 */
#ifndef MTQG_TEXT_H
#define MTQG_TEXT_H

#include <stddef.h>

#include "strbuf.h"

/**
 * text_key - append the matching key of s: NFC, case-folded, trimmed, inner
 * runs of white space folded to one space. Returns 0, or -1 when s is not
 * valid UTF-8 (nothing is appended then).
 */
int text_key(strbuf *out, const char *s, size_t len);

/**
 * text_ident_key - like text_key, but also drops Vietnamese marks and maps
 * đ to d and spaces and '-' to '_': "Mã xã" -> "ma_xa". Used for column
 * names and code spellings, where users write both forms.
 */
int text_ident_key(strbuf *out, const char *s, size_t len);

/** text_nfc - append s in NFC (free text keeps its spacing). -1 if invalid. */
int text_nfc(strbuf *out, const char *s, size_t len);

/** text_valid_utf8 - 1 when s[0..len) is well-formed UTF-8. */
int text_valid_utf8(const char *s, size_t len);

/** text_char_len - bytes of the UTF-8 character starting at s (1..4). */
size_t text_char_len(const char *s, size_t len);

/** text_chars - how many characters the UTF-8 text s holds (bytes not
 * starting a character are not counted). */
size_t text_chars(const char *s, size_t len);
/** text_upper - append s upper-cased (Vietnamese aware), for headings. */
int text_upper(strbuf *out, const char *s, size_t len);

/** text_trim - pointer/len of s without surrounding ASCII white space. */
void text_trim(const char **s, size_t *len);

#endif
