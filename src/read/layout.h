/*
 * layout: which column of an input file holds which of our fields. Built
 * from the file's header row: names are matched after normalisation ("Mã
 * xã", "MA_XA" and "ma_xa" are one column), to the header words offices
 * type (templates/headers.txt: "Tên xã", "Xã", "Số tiền (đồng)"), or
 * through a [file.*] / [map.<kind>] mapping for files whose headers
 * differ. A unit after a header ("(triệu đồng)") is that column's. Unknown
 * columns are ignored; a missing required column is an error naming file,
 * field and the header cells that matched nothing.
 */
#ifndef MTQG_LAYOUT_H
#define MTQG_LAYOUT_H

#include "../config/config.h"
#include "../model/dataset.h"
#include "../util/strbuf.h"

typedef enum {
    F_NAM = 0, F_NAM_VON, F_MA_TINH, F_TEN_TINH, F_MA_HUYEN, F_TEN_HUYEN,
    F_MA_XA, F_TEN_XA, F_MA_DU_AN, F_NGUON_VON, F_KE_HOACH, F_NOI_DUNG,
    F_NGAY, F_GIAI_NGAN, F_CHI_TIEU, F_DON_VI, F_THUC_HIEN, F_GIAO, F_CHUONG_TRINH, F_LOAI_VON, F_COUNT
} field_id;

/* The header words of templates/headers.txt, as keys; read-only once loaded. */
typedef struct layout_words {
    int n;
    struct layout_word {
        int field;           /* field_id, or -1: known, not read */
        int rank;            /* place among the field's words: lower wins */
        char *key;
    } *words;
    int nunits;
    struct layout_unit {
        int scale;           /* decimals from the unit to đồng */
        char *key;
    } *units;
} layout_words;

typedef struct layout {
    input_kind kind;
    int ncols;               /* columns in the header row */
    int col_of[F_COUNT];     /* -1: not in this file */
    char **header;           /* the header texts, for messages */
    const char *fixed[F_COUNT]; /* a value of the file's [file.<pattern>] for a column it lacks */
    signed char scale[F_COUNT]; /* decimals to đồng its header says ("(đồng)"), or -1 */
} layout;

/** field_name - our column name of a field ("ma_xa"). */
const char *field_name(field_id f);
/** field_by_name - the field our column name names, or -1. */
int field_by_name(const char *name);
/**
 * layout_words_load - read a header-word file (templates/headers.txt
 * format). 0, or -1 with "path:line: why" in err.
 */
int layout_words_load(layout_words *w, const char *path, strbuf *err);
/** layout_words_free */
void layout_words_free(layout_words *w);
/**
 * layout_unit_of_title - the unit a title cell states ("Đơn vị tính: đồng"
 * -> 0, "ĐVT: triệu đồng" -> 6) by w's unit words, or -1 when it states none.
 */
int layout_unit_of_title(const layout_words *w, const char *s, size_t n);

/**
 * layout_build - map a header row (with the shipped header words, read
 * from cfg's templates; for tests and tools). cells/lens hold the n header cells.
 * Returns 0, or -1 with "file: why" in err.
 */
int layout_build(layout *lay, input_kind kind, const char *const *cells,
                 const size_t *lens, int n, const config *cfg,
                 const char *path, strbuf *err);
/**
 * layout_build_for - layout_build for a file with [file.<pattern>]
 * settings in (or NULL): its column.<name> mappings come before the
 * [map.<kind>] ones, and a column it gives a fixed value for (year =
 * 2024, commune_code = ...) is not required in the header. words (may be
 * NULL: our names only) are matched for the columns no mapping names.
 * row is the header's 1-based row, for the cells named in err (0: 1).
 */
int layout_build_for(layout *lay, input_kind kind, const char *const *cells,
                     const size_t *lens, int n, const config *cfg, const config_input *in,
                     const layout_words *words, long row, const char *path, strbuf *err);
/** layout_free - release the header copies. */
void layout_free(layout *lay);
/** layout_column_letters - a 0-based column as a spreadsheet names it ("K"), into sb. */
void layout_column_letters(strbuf *sb, int col);
/** layout_column_label - "ke_hoach (cột K)" for messages, into sb. */
void layout_column_label(const layout *lay, int col, strbuf *sb);

#endif
