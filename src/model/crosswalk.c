/* Old unit codes to new communes; see crosswalk.h and docs/crosswalk.md. */
#include "crosswalk.h"

#include <stdlib.h>
#include <string.h>

#include "../util/date.h"
#include "../util/linefile.h"

static int all_digits(const char *s, size_t n)
{
    if (strlen(s) != n) return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9') return 0;
    return 1;
}

static int load_line(crosswalk *cw, linefile *lf, strbuf *err)
{
    char *f[6];
    int n = split_fields(lf->line.buf, ',', f, 6);
    if (n >= 1 && !strcmp(f[0], "ma_cu")) return 0; /* the header */
    if (n < 4) return linefile_error(lf, err, "cần \"ma_cu,ma_moi,ten_moi,hieu_luc\"");
    if (!all_digits(f[0], 5) && !all_digits(f[0], 3))
        return linefile_error(lf, err, "mã cũ \"%s\": cần mã xã 5 chữ số hoặc mã huyện 3 chữ số", f[0]);
    if (!all_digits(f[1], 5)) return linefile_error(lf, err, "mã mới \"%s\": cần mã xã 5 chữ số", f[1]);
    int date;
    if (date_parse(f[3], strlen(f[3]), &date) < 0)
        return linefile_error(lf, err, "ngày hiệu lực \"%s\" không hợp lệ (dd/mm/yyyy hoặc yyyy-mm-dd)", f[3]);
    if (strmap_get(&cw->old_keys, f[0], strlen(f[0])) >= 0)
        return linefile_error(lf, err, "mã cũ %s đã có ở một dòng trước", f[0]);
    ALLOC_GROW(cw->moves, cw->n + 1, cw->alloc);
    cw->moves[cw->n] = (cw_move){xstrdup(f[0]), xstrdup(f[1]), xstrdup(f[2]), date};
    strmap_put(&cw->old_keys, f[0], strlen(f[0]), cw->n);
    int first = strmap_get(&cw->new_keys, f[1], strlen(f[1]));
    if (first < 0 || cw->moves[first].effective > date) strmap_put(&cw->new_keys, f[1], strlen(f[1]), cw->n);
    cw->n++;
    return 0;
}

int crosswalk_load(crosswalk *cw, const char *path, strbuf *err)
{
    memset(cw, 0, sizeof *cw);
    strmap_init(&cw->old_keys);
    strmap_init(&cw->new_keys);
    linefile lf;
    if (linefile_open(&lf, path, err) < 0) return -1;
    int is_section, rc = 0;
    while (rc == 0 && linefile_next(&lf, &is_section))
        rc = is_section ? linefile_error(&lf, err, "bảng chuyển đổi không có mục [...]") : load_line(cw, &lf, err);
    linefile_close(&lf);
    if (rc == 0 && cw->n == 0) {
        strbuf_addf(err, "%s: bảng chuyển đổi không có dòng nào", path);
        rc = -1;
    }
    return rc;
}

void crosswalk_free(crosswalk *cw)
{
    for (int i = 0; i < cw->n; i++) {
        free(cw->moves[i].old_code);
        free(cw->moves[i].new_code);
        free(cw->moves[i].new_name);
    }
    free(cw->moves);
    strmap_free(&cw->old_keys);
    strmap_free(&cw->new_keys);
    memset(cw, 0, sizeof *cw);
}

const char *crosswalk_unit_code(const units *u, int i)
{
    const unit_entry *e = &u->units[i];
    return e->kind == UNIT_COMMUNE ? e->code
         : e->kind == UNIT_DISTRICT_LEVEL && e->district >= 0 ? u->districts[e->district].code : NULL;
}

cw_when crosswalk_when(const crosswalk *cw, const char *code, int first, int last, int *m)
{
    size_t n = strlen(code);
    int o = strmap_get(&cw->old_keys, code, n), w = strmap_get(&cw->new_keys, code, n);
    *m = -1;
    if (o >= 0 && w < 0) { /* an old unit only: it ends on its hieu_luc */
        *m = o;
        return first >= cw->moves[o].effective ? CW_GONE : CW_IN_FORCE;
    }
    if (w >= 0 && o < 0) { /* a new unit only: it begins on its hieu_luc */
        *m = w;
        return last < cw->moves[w].effective ? CW_NOT_YET : CW_IN_FORCE;
    }
    return CW_IN_FORCE; /* kept (old and new), or not in the table */
}

int crosswalk_note_both(const crosswalk *cw, dataset *d)
{
    int olds = 0, news = 0, m;
    for (int i = 0; i < d->units.nunits; i++) {
        const char *code = crosswalk_unit_code(&d->units, i);
        if (!code || !*code) continue;
        /* Gone on the last day, not yet on the first: old-only, new-only. */
        olds += crosswalk_when(cw, code, 99991231, 99991231, &m) == CW_GONE;
        news += crosswalk_when(cw, code, 0, 0, &m) == CW_NOT_YET;
    }
    if (!olds || !news) return 0;
    dataset_note(d, "units = old: số liệu có %d đơn vị cũ (trước ngày hiệu lực của bảng chuyển đổi) và %d xã mới "
                    "(từ ngày hiệu lực); mỗi đơn vị chỉ có số liệu của thời gian nó tồn tại, nên kế hoạch và giải ngân "
                    "của cùng một địa bàn có thể ở hai dòng; units = new gộp chúng vào xã mới", olds, news);
    return 1;
}

typedef struct apply_ctx {
    const crosswalk *cw;
    dataset *d;
    int moved;
} apply_ctx;

/* Where unit i goes: the new commune of its old code, or its own new
 * code without the district; 0 to keep it (and list it when uncovered). */
static int move_of(void *arg, const units *u, int i, const char **code, const char **name)
{
    apply_ctx *c = arg;
    const unit_entry *e = &u->units[i];
    const char *key = crosswalk_unit_code(u, i);
    if (!key || !*key) {
        if (e->kind != UNIT_PROVINCE_LEVEL)
            dataset_note(c->d, "đơn vị \"%s\" không có mã, không đối chiếu được với bảng chuyển đổi: giữ nguyên",
                         e->kind == UNIT_COMMUNE ? units_name(u, i) : u->districts[e->district].name);
        return 0;
    }
    int m = strmap_get(&c->cw->old_keys, key, strlen(key));
    if (m >= 0) {
        *code = c->cw->moves[m].new_code;
        *name = c->cw->moves[m].new_name;
        c->moved++;
        return 1;
    }
    m = e->kind == UNIT_COMMUNE ? strmap_get(&c->cw->new_keys, key, strlen(key)) : -1;
    if (m >= 0) { /* already the new unit */
        *code = c->cw->moves[m].new_code;
        *name = c->cw->moves[m].new_name;
        return 1;
    }
    if (e->kind == UNIT_COMMUNE)
        dataset_note(c->d, "xã mã %s (%s) không có trong bảng chuyển đổi: giữ nguyên đơn vị cũ", key, units_name(u, i));
    else
        dataset_note(c->d, "cấp huyện mã %s (%s) không có trong bảng chuyển đổi: giữ nguyên", key,
                     u->districts[e->district].name ? u->districts[e->district].name : "");
    return 0;
}

int crosswalk_apply(const crosswalk *cw, dataset *d)
{
    apply_ctx c = {cw, d, 0};
    units nu;
    units_init(&nu);
    int *remap = xcalloc((size_t)d->units.nunits + 1, sizeof(int));
    units_regroup(&nu, &d->units, move_of, &c, remap);
    dataset_regroup(d, &nu, remap);
    free(remap);
    return c.moved;
}
