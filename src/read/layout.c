/* Header row to field mapping; see layout.h. */
#include "layout.h"

#include <stdlib.h>
#include <string.h>

#include "../util/text.h"

static const char *const field_names[F_COUNT] = {
    "nam", "nam_von", "ma_tinh", "ten_tinh", "ma_huyen", "ten_huyen",
    "ma_xa", "ten_xa", "ma_du_an", "nguon_von", "ke_hoach", "noi_dung",
    "ngay", "giai_ngan", "chi_tieu", "don_vi", "thuc_hien", "giao", "chuong_trinh"};

/* Which fields each kind reads (1) and requires (2). */
static const unsigned char field_use[KIND_COUNT][F_COUNT] = {
    /* nam vn mt tt mh th mx tx da nv kh nd ng gn ct dv th gi ctr */
    {2, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 1, 0, 0, 0, 0, 0, 0, 1},  /* ke_hoach */
    {2, 1, 1, 1, 1, 1, 1, 1, 2, 2, 0, 0, 2, 2, 0, 0, 0, 0, 1},  /* giai_ngan */
    {2, 0, 1, 1, 1, 1, 1, 1, 2, 0, 2, 0, 1, 0, 2, 2, 1, 0, 1},  /* chi_tieu */
    {2, 1, 0, 0, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 0, 0, 0, 2, 1},  /* giao_von */
};

const char *field_name(field_id f)
{
    return f < F_COUNT ? field_names[f] : "?";
}

int field_by_name(const char *name)
{
    for (int f = 0; f < F_COUNT; f++)
        if (!strcmp(field_names[f], name)) return f;
    return -1;
}

void layout_column_letters(strbuf *sb, int col)
{
    char tmp[8];
    int n = 0;
    for (col++; col > 0; col = (col - 1) / 26) tmp[n++] = (char)('A' + (col - 1) % 26);
    while (n) strbuf_addch(sb, tmp[--n]);
}

void layout_column_label(const layout *lay, int col, strbuf *sb)
{
    if (col < 0) return;
    if (col < lay->ncols) strbuf_addf(sb, "%s (cột ", lay->header[col]);
    else strbuf_adds(sb, "(cột ");
    layout_column_letters(sb, col);
    strbuf_addch(sb, ')');
}

/* The header text the file should have for field f: mapped or our name. */
static int wanted_key(strbuf *key, input_kind kind, int f, const config *cfg,
                      const config_input *in, const char *path, strbuf *err)
{
    const char *want = field_names[f];
    for (int i = 0; in && i < in->ncolumns; i++) {
        if (field_by_name(in->columns[i].field) < 0) {
            strbuf_addf(err, "%s: [file.%s] column.%s: không phải tên cột của mtqg-report",
                        cfg->path ? cfg->path : "reports.ini", in->pattern, in->columns[i].field);
            return -1;
        }
        if (!strcmp(in->columns[i].field, field_names[f])) {
            want = in->columns[i].header;
            return text_ident_key(key, want, strlen(want));
        }
    }
    for (int i = 0; i < cfg->nmappings; i++) {
        const config_mapping *m = &cfg->mappings[i];
        if (strcmp(m->kind, input_kind_name(kind))) continue;
        if (field_by_name(m->field) < 0) {
            strbuf_addf(err, "%s: [map.%s] %s: không phải tên cột của mtqg-report",
                        cfg->path ? cfg->path : "reports.ini", m->kind, m->field);
            return -1;
        }
        if (!strcmp(m->field, field_names[f])) want = m->header;
    }
    (void)path;
    return text_ident_key(key, want, strlen(want));
}

static int check_required(const layout *lay, const char *path, strbuf *err)
{
    for (int f = 0; f < F_COUNT; f++) {
        if (field_use[lay->kind][f] == 2 && lay->col_of[f] < 0 && !lay->fixed[f]) {
            strbuf_addf(err, "%s: thiếu cột bắt buộc \"%s\" ở dòng tiêu đề", path,
                        field_names[f]);
            return -1;
        }
    }
    if (lay->kind != KIND_CONTROL && lay->col_of[F_MA_XA] < 0 && lay->col_of[F_TEN_XA] < 0 &&
        !lay->fixed[F_MA_XA] && !lay->fixed[F_TEN_XA]) {
        strbuf_addf(err, "%s: thiếu cột \"ma_xa\" hoặc \"ten_xa\" ở dòng tiêu đề", path);
        return -1;
    }
    return 0;
}

int layout_build(layout *lay, input_kind kind, const char *const *cells,
                 const size_t *lens, int n, const config *cfg,
                 const char *path, strbuf *err)
{
    return layout_build_for(lay, kind, cells, lens, n, cfg, NULL, path, err);
}

int layout_build_for(layout *lay, input_kind kind, const char *const *cells,
                     const size_t *lens, int n, const config *cfg, const config_input *in,
                     const char *path, strbuf *err)
{
    memset(lay, 0, sizeof *lay);
    lay->kind = kind;
    for (int f = 0; f < F_COUNT; f++) lay->col_of[f] = -1;
    for (int i = 0; in && i < in->nvalues; i++) {
        int f = field_by_name(in->values[i].field);
        if (f >= 0) lay->fixed[f] = in->values[i].header;
    }
    lay->ncols = n;
    lay->header = xcalloc((size_t)n + 1, sizeof(char *));
    strbuf key = STRBUF_INIT, want = STRBUF_INIT;
    int rc = 0;
    for (int c = 0; c < n; c++) lay->header[c] = xstrndup(cells[c], lens[c]);
    for (int f = 0; f < F_COUNT && rc == 0; f++) {
        lay->col_of[f] = -1;
        if (!field_use[kind][f]) continue;
        strbuf_reset(&want);
        if (wanted_key(&want, kind, f, cfg, in, path, err) < 0) {
            rc = -1;
            break;
        }
        for (int c = 0; c < n && rc == 0; c++) {
            strbuf_reset(&key);
            if (text_ident_key(&key, cells[c], lens[c]) < 0 || strcmp(key.buf, want.buf))
                continue;
            if (lay->col_of[f] >= 0) {
                strbuf_addf(err, "%s: cột \"%s\" xuất hiện hai lần ở dòng tiêu đề",
                            path, field_names[f]);
                rc = -1;
            }
            lay->col_of[f] = c;
        }
    }
    if (rc == 0) rc = check_required(lay, path, err);
    strbuf_release(&key);
    strbuf_release(&want);
    return rc;
}

void layout_free(layout *lay)
{
    for (int c = 0; c < lay->ncols; c++) free(lay->header[c]);
    free(lay->header);
    memset(lay, 0, sizeof *lay);
}
