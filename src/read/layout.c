/* Header row to field mapping; see layout.h. */
#include "layout.h"

#include <stdlib.h>
#include <string.h>

#include "../util/linefile.h"
#include "../util/text.h"

static const char *const field_names[F_COUNT] = {
    "nam", "nam_von", "ma_tinh", "ten_tinh", "ma_huyen", "ten_huyen",
    "ma_xa", "ten_xa", "ma_du_an", "nguon_von", "ke_hoach", "noi_dung",
    "ngay", "giai_ngan", "chi_tieu", "don_vi", "thuc_hien", "giao", "chuong_trinh", "loai_von"};

/* Which fields each kind reads (1) and requires (2). */
static const unsigned char field_use[KIND_COUNT][F_COUNT] = {
    /* nam vn mt tt mh th mx tx da nv kh nd ng gn ct dv th gi ctr lv */
    {2, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 1, 0, 0, 0, 0, 0, 0, 1, 1},  /* ke_hoach */
    {2, 1, 1, 1, 1, 1, 1, 1, 2, 2, 0, 0, 2, 2, 0, 0, 0, 0, 1, 1},  /* giai_ngan */
    {2, 0, 1, 1, 1, 1, 1, 1, 2, 0, 2, 0, 1, 0, 2, 2, 1, 0, 1, 0},  /* chi_tieu */
    {2, 1, 0, 0, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 0, 0, 0, 2, 1, 1},  /* giao_von */
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

/* The header the file's mapping gives field f (a [file.*] column.<f>
 * before a [map.<kind>] one) as a key into `key`: 1 when mapped, 0 when
 * not, -1 (err set) for a mapping of a name that is not ours. */
static int mapped_key(strbuf *key, input_kind kind, int f, const config *cfg,
                      const config_input *in, strbuf *err)
{
    const char *want = NULL;
    for (int i = 0; in && i < in->ncolumns; i++) {
        if (field_by_name(in->columns[i].field) < 0) {
            strbuf_addf(err, "%s: [file.%s] column.%s: không phải tên cột của mtqg-report",
                        cfg->path ? cfg->path : "reports.ini", in->pattern, in->columns[i].field);
            return -1;
        }
        if (!want && !strcmp(in->columns[i].field, field_names[f])) want = in->columns[i].header;
    }
    for (int i = 0; !want && i < cfg->nmappings; i++) {
        const config_mapping *m = &cfg->mappings[i];
        if (strcmp(m->kind, input_kind_name(kind))) continue;
        if (field_by_name(m->field) < 0) {
            strbuf_addf(err, "%s: [map.%s] %s: không phải tên cột của mtqg-report",
                        cfg->path ? cfg->path : "reports.ini", m->kind, m->field);
            return -1;
        }
        if (!strcmp(m->field, field_names[f])) want = m->header;
    }
    if (!want) return 0;
    text_ident_key(key, want, strlen(want));
    return 1;
}

static int unit_by_key(const layout_words *w, const char *k)
{
    for (int i = 0; w && i < w->nunits; i++)
        if (!strcmp(w->units[i].key, k)) return w->units[i].scale;
    return -1;
}

int layout_unit_of_title(const layout_words *w, const char *s, size_t n)
{
    strbuf k = STRBUF_INIT;
    int scale = -1;
    if (text_ident_key(&k, s, n) == 0) {
        const char *p = strstr(k.buf, "don_vi_tinh");
        size_t skip = strlen("don_vi_tinh");
        if (!p && !strncmp(k.buf, "dvt", 3)) p = k.buf, skip = 3;
        if (p) {
            p += skip;
            while (*p == ':' || *p == '_' || *p == '.') p++;
            size_t len = strcspn(p, "),;");
            while (len && (p[len - 1] == '_' || p[len - 1] == '.')) len--;
            char *u = xstrndup(p, len);
            scale = unit_by_key(w, u);
            free(u);
        }
    }
    strbuf_release(&k);
    return scale;
}

/* A header cell's key, without a unit in parentheses after it ("Số tiền
 * (đồng)" -> "so_tien", *scale 0); *scale -1 when it states none. A
 * mapping may name the header with its unit: the whole key is kept too. */
static void cell_key(strbuf *key, const layout_words *w, const char *s, size_t n, int *scale)
{
    *scale = -1;
    text_trim(&s, &n);
    if (n > 2 && s[n - 1] == ')') {
        size_t open = n - 1;
        while (open > 0 && s[open] != '(') open--;
        if (s[open] == '(' && open > 0) {
            strbuf u = STRBUF_INIT;
            if (text_ident_key(&u, s + open + 1, n - open - 2) == 0) *scale = unit_by_key(w, u.buf);
            strbuf_release(&u);
            if (*scale >= 0) n = open;
        }
    }
    if (text_ident_key(key, s, n) < 0) strbuf_reset(key);
}

/* How well header key k names field f: 0 our own name (or the mapped
 * header), 1 + rank for a header word, -1 not at all. */
static int match_rank(const char *k, const char *whole, int f, const char *mapped, const layout_words *w)
{
    if (mapped) return strcmp(k, mapped) && strcmp(whole, mapped) ? -1 : 0;
    if (!strcmp(k, field_names[f])) return 0;
    for (int i = 0; w && i < w->n; i++)
        if (w->words[i].field == f && !strcmp(w->words[i].key, k)) return 1 + w->words[i].rank;
    return -1;
}

static int ignored_word(const layout_words *w, const char *k)
{
    for (int i = 0; w && i < w->n; i++)
        if (w->words[i].field < 0 && !strcmp(w->words[i].key, k)) return 1;
    return 0;
}

/* The header cells that name none of our columns, for the message of a
 * header that lacks one: "C3 \"Số vốn đã cấp\"". */
static void unmatched_cells(const layout *lay, char **keys, const layout_words *w, long row, strbuf *err)
{
    int any = 0;
    for (int c = 0; c < lay->ncols; c++) {
        int used = 0;
        for (int f = 0; f < F_COUNT && !used; f++) used = lay->col_of[f] == c;
        if (used || !*keys[c] || ignored_word(w, keys[c])) continue;
        strbuf_adds(err, any++ ? ", " : "; ô tiêu đề không khớp cột nào: ");
        layout_column_letters(err, c);
        strbuf_addf(err, "%ld \"%s\"", row > 0 ? row : 1, lay->header[c]);
    }
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
    layout_words w = {0};
    char *wp = config_template_path(cfg, "headers.txt");
    int rc = layout_words_load(&w, wp, err);
    free(wp);
    if (rc == 0) rc = layout_build_for(lay, kind, cells, lens, n, cfg, NULL, &w, 1, path, err);
    layout_words_free(&w);
    return rc;
}

int layout_build_for(layout *lay, input_kind kind, const char *const *cells,
                     const size_t *lens, int n, const config *cfg, const config_input *in,
                     const layout_words *words, long row, const char *path, strbuf *err)
{
    memset(lay, 0, sizeof *lay);
    lay->kind = kind;
    for (int f = 0; f < F_COUNT; f++) lay->col_of[f] = -1, lay->scale[f] = -1;
    for (int i = 0; in && i < in->nvalues; i++) {
        int f = field_by_name(in->values[i].field);
        if (f >= 0) lay->fixed[f] = in->values[i].header;
    }
    lay->ncols = n;
    lay->header = xcalloc((size_t)n + 1, sizeof(char *));
    char **keys = xcalloc((size_t)n + 1, sizeof(char *)), **whole = xcalloc((size_t)n + 1, sizeof(char *));
    int *unit = xcalloc((size_t)n + 1, sizeof(int));
    strbuf key = STRBUF_INIT, want = STRBUF_INIT;
    int rc = 0;
    for (int c = 0; c < n; c++) {
        lay->header[c] = xstrndup(cells[c], lens[c]);
        strbuf_reset(&key);
        cell_key(&key, words, cells[c], lens[c], &unit[c]);
        keys[c] = xstrdup(key.buf);
        strbuf_reset(&key);
        if (text_ident_key(&key, cells[c], lens[c]) < 0) strbuf_reset(&key);
        whole[c] = xstrdup(key.buf);
    }
    for (int f = 0; f < F_COUNT && rc == 0; f++) {
        if (!field_use[kind][f]) continue;
        strbuf_reset(&want);
        int mapped = mapped_key(&want, kind, f, cfg, in, err);
        if (mapped < 0) {
            rc = -1;
            break;
        }
        /* The cell naming f best; two cells naming it equally well is an error. */
        int best = -1, twice = 0;
        for (int c = 0; c < n; c++) {
            int r = match_rank(keys[c], whole[c], f, mapped ? want.buf : NULL, words);
            if (r < 0 || (best >= 0 && r > best)) continue;
            twice = best == r;
            if (!twice) lay->col_of[f] = c;
            best = r;
        }
        if (twice) {
            strbuf_addf(err, "%s: cột \"%s\" xuất hiện hai lần ở dòng tiêu đề",
                        path, field_names[f]);
            rc = -1;
        }
        if (lay->col_of[f] >= 0) lay->scale[f] = (signed char)unit[lay->col_of[f]];
    }
    int named = 0;
    for (int f = 0; f < F_COUNT; f++) named += lay->col_of[f] >= 0;
    /* A row naming none of our columns is a title, not a header to explain. */
    if (rc == 0 && (rc = check_required(lay, path, err)) < 0 && named) unmatched_cells(lay, keys, words, row, err);
    for (int c = 0; c < n; c++) free(keys[c]), free(whole[c]);
    free(keys);
    free(whole);
    free(unit);
    strbuf_release(&key);
    strbuf_release(&want);
    return rc;
}

int layout_words_load(layout_words *w, const char *path, strbuf *err)
{
    memset(w, 0, sizeof *w);
    linefile lf;
    if (linefile_open(&lf, path, err) < 0) return -1;
    int sect, rc = 0, rank[F_COUNT] = {0};
    size_t walloc = 0, ualloc = 0;
    strbuf k = STRBUF_INIT;
    while (rc == 0 && linefile_next(&lf, &sect)) {
        if (sect) continue;
        char *line = lf.line.buf, *fld[2], *list = line;
        int field = -1, scale = -1, is_unit = !strcmp(lf.section.buf, "units");
        if (!strcmp(lf.section.buf, "fields") || is_unit) {
            if (split_fields(line, '|', fld, 2) != 2) {
                rc = linefile_error(&lf, err, "cần \"%s | các cách viết\"", is_unit ? "số chữ số thập phân" : "tên cột");
                break;
            }
            list = fld[1];
            if (is_unit) {
                char *end;
                long v = strtol(fld[0], &end, 10);
                if (*end || v < 0 || v > 9) rc = linefile_error(&lf, err, "\"%s\": cần số chữ số thập phân 0..9", fld[0]);
                scale = (int)v;
            } else if ((field = field_by_name(fld[0])) < 0) {
                rc = linefile_error(&lf, err, "\"%s\" không phải tên cột của mtqg-report", fld[0]);
            }
        } else if (strcmp(lf.section.buf, "ignored")) {
            rc = linefile_error(&lf, err, "mục [%s] không có trong tệp này", lf.section.buf);
        }
        for (char *p = list; rc == 0 && p && *p;) {
            char *semi = strchr(p, ';');
            if (semi) *semi = 0;
            const char *s = p;
            size_t n = strlen(p);
            text_trim(&s, &n);
            strbuf_reset(&k);
            if (n && text_ident_key(&k, s, n) == 0 && k.len) {
                if (is_unit) {
                    ALLOC_GROW(w->units, w->nunits + 1, ualloc);
                    w->units[w->nunits++] = (struct layout_unit){scale, xstrdup(k.buf)};
                } else {
                    ALLOC_GROW(w->words, w->n + 1, walloc);
                    w->words[w->n++] = (struct layout_word){field, field >= 0 ? rank[field]++ : 0, xstrdup(k.buf)};
                }
            }
            p = semi ? semi + 1 : NULL;
        }
    }
    strbuf_release(&k);
    linefile_close(&lf);
    if (rc < 0) layout_words_free(w);
    return rc;
}

void layout_words_free(layout_words *w)
{
    for (int i = 0; i < w->n; i++) free(w->words[i].key);
    for (int i = 0; i < w->nunits; i++) free(w->units[i].key);
    free(w->words);
    free(w->units);
    memset(w, 0, sizeof *w);
}

void layout_free(layout *lay)
{
    for (int c = 0; c < lay->ncols; c++) free(lay->header[c]);
    free(lay->header);
    memset(lay, 0, sizeof *lay);
}
