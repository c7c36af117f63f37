/*
 * layout: which column of an input file holds which of our fields. Built
 * from the file's header row: names are matched after normalisation ("Mã
 * xã", "MA_XA" and "ma_xa" are one column), or through a [map.<kind>]
 * section of reports.ini for files whose headers differ. Unknown columns
 * are ignored; a missing required column is an error naming file and field.
 */
#ifndef MTQG_LAYOUT_H
#define MTQG_LAYOUT_H

#include "../config/config.h"
#include "../model/dataset.h"
#include "../util/strbuf.h"

typedef enum {
    F_NAM = 0, F_NAM_VON, F_MA_TINH, F_TEN_TINH, F_MA_HUYEN, F_TEN_HUYEN,
    F_MA_XA, F_TEN_XA, F_MA_DU_AN, F_NGUON_VON, F_KE_HOACH, F_NOI_DUNG,
    F_NGAY, F_GIAI_NGAN, F_CHI_TIEU, F_DON_VI, F_THUC_HIEN, F_GIAO, F_CHUONG_TRINH, F_COUNT
} field_id;

typedef struct layout {
    input_kind kind;
    int ncols;               /* columns in the header row */
    int col_of[F_COUNT];     /* -1: not in this file */
    char **header;           /* the header texts, for messages */
    const char *fixed[F_COUNT]; /* a value of the file's [file.<pattern>] for a column it lacks */
} layout;

/** field_name - our column name of a field ("ma_xa"). */
const char *field_name(field_id f);
/** field_by_name - the field our column name names, or -1. */
int field_by_name(const char *name);
/**
 * layout_build - map a header row. cells/lens hold the n header cells.
 * Returns 0, or -1 with "file: why" in err.
 */
int layout_build(layout *lay, input_kind kind, const char *const *cells,
                 const size_t *lens, int n, const config *cfg,
                 const char *path, strbuf *err);
/**
 * layout_build_for - layout_build for a file with [file.<pattern>]
 * settings in (or NULL): its column.<name> mappings come before the
 * [map.<kind>] ones, and a column it gives a fixed value for (year =
 * 2024, commune_code = ...) is not required in the header.
 */
int layout_build_for(layout *lay, input_kind kind, const char *const *cells,
                     const size_t *lens, int n, const config *cfg, const config_input *in,
                     const char *path, strbuf *err);
/** layout_free - release the header copies. */
void layout_free(layout *lay);
/** layout_column_letters - a 0-based column as a spreadsheet names it ("K"), into sb. */
void layout_column_letters(strbuf *sb, int col);
/** layout_column_label - "ke_hoach (cột K)" for messages, into sb. */
void layout_column_label(const layout *lay, int col, strbuf *sb);

#endif
