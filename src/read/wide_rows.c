/* The body of a wide table: row context, subtotal checks; see wide_rows.h. */
#include "wide_rows.h"

#include <stdlib.h>
#include <string.h>

#include "../util/decimal.h"
#include "../util/progress.h"
#include "../util/text.h"
#include "wide_layout.h"
#include "xlsx_stream.h"

#define MAX_OPEN 8

typedef enum { UNIT_NONE = 0, UNIT_IS_DISTRICT, UNIT_IS_COMMUNE, UNIT_IS_DISTRICT_LEVEL } unit_word;

/* One open row: a group whose rows are still coming, or a row that may
 * turn out to be one. */
typedef struct open_row {
    int level;
    long index;          /* record index */
    char *label;
    int project;         /* -1: sets none */
    unit_word unit;
    char *unit_name;
    int nchildren;
    int64_t *amount;     /* per sheet column (amount and sum columns) */
    unsigned char *has;  /* the cell was filled */
    int64_t *children;   /* sum of the rows directly under it */
} open_row;

struct wide_rows {
    wide_probe *probe;   /* until the header is found */
    strbuf why;          /* the probe's best reason for no match */
    int ready;
    wide_layout lay;
    int scale, year;
    int nopen;
    open_row open[MAX_OPEN];
    int have_total;      /* a TỔNG SỐ row above the table */
    open_row total;      /* kept for the check at the end */
    int64_t *top;        /* sum of the top-level rows */
    char *def_district, *def_commune; /* the file's one unit, when its sheets say so */
    char *def_code;      /* its code, from the name this program gave the file */
    long checked;        /* subtotal and total rows checked */
    long mismatches;
    /* Consolidation of a workbook this program wrote for one commune: its
     * plan by source (the by-project plan sheet) is held, to be placed by
     * capital and joined by its disbursement once the by-project
     * disbursement sheet has been read (place_own). */
    int own;             /* this file is such a workbook */
    int64_t *planned;    /* [project][source] plan of the sheet, đồng */
    int unit;            /* its one unit id; -1 not yet, -2 several */
    int64_t *marg;       /* collect mode: [project][column] amounts of a detail row */
    int collect;         /* this reader only collects (the disbursement sheet) */
};

static int is_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n') return 0;
    return 1;
}

static void row_alloc(struct wide_rows *w, open_row *o)
{
    int n = w->lay.ncols;
    o->amount = xcalloc((size_t)n + 1, sizeof(int64_t));
    o->children = xcalloc((size_t)n + 1, sizeof(int64_t));
    o->has = xcalloc((size_t)n + 1, 1);
}

static void row_free(open_row *o)
{
    free(o->label);
    free(o->unit_name);
    free(o->amount);
    free(o->children);
    free(o->has);
    memset(o, 0, sizeof *o);
}

void wide_rows_free(read_task *t)
{
    struct wide_rows *w = t->wide;
    if (!w) return;
    wide_probe_free(w->probe);
    strbuf_release(&w->why);
    for (int i = 0; i < w->nopen; i++) row_free(&w->open[i]);
    row_free(&w->total);
    free(w->top);
    free(w->def_district);
    free(w->def_commune);
    free(w->def_code);
    free(w->planned);
    free(w->marg);
    wide_layout_free(&w->lay);
    free(w);
    t->wide = NULL;
}

int wide_rows_active(const read_task *t)
{
    return t->wide && t->wide->ready;
}

const char *wide_rows_why(const read_task *t)
{
    return t->wide && t->wide->why.buf ? t->wide->why.buf : "";
}

static int starts(const char *key, const char *word);
static void label_key(strbuf *k, const char *s, size_t n);
static unit_word label_unit(const char *key);
static int label_project(const read_task *t, const struct wide_rows *w, const char *s, size_t n,
                         const char *stt, size_t sttn);

/* A by-unit sheet of the same workbook, scanned for the units it lists. */
typedef struct unit_scan {
    read_task *t;
    wide_probe *probe;
    wide_layout lay;
    int ready, nunits, district_level;
    char *district, *commune;  /* the last unit listed */
    char *cur_district;
} unit_scan;

static int scan_row(void *ctx, const record *r)
{
    unit_scan *s = ctx;
    if (!s->ready) {
        strbuf why = STRBUF_INIT;
        s->ready = wide_probe_row(s->probe, r, &s->lay, &why);
        strbuf_release(&why);
        return !s->ready && r->index + 1 >= INPUTS_HEADER_SEARCH;
    }
    if (r->index <= s->lay.header_last) return 0;
    int lab = -1;
    for (int c = 0; c < s->lay.ncols; c++)
        if (s->lay.cols[c].role == WC_LABEL) lab = c;
    if (lab < 0 || lab >= r->n) return 0;
    const char *ls = r->cell[lab];
    size_t ln = r->len[lab];
    text_trim(&ls, &ln);
    if (!ln || ls[0] == '(') return 0;
    strbuf key = STRBUF_INIT;
    label_key(&key, ls, ln);
    unit_word u = label_unit(key.buf);
    if (starts(key.buf, "tongso") || starts(key.buf, "tongcong") || starts(key.buf, "tinh") ||
        starts(key.buf, "captinh") || starts(key.buf, "cacxakhongthuochuyen")) {
        /* not a unit of its own */
    } else if (u == UNIT_IS_DISTRICT) {
        free(s->cur_district);
        s->cur_district = xstrndup(ls, ln);
    } else {
        s->nunits++;
        free(s->district);
        free(s->commune);
        s->district = s->cur_district ? xstrdup(s->cur_district) : NULL;
        s->district_level = u == UNIT_IS_DISTRICT_LEVEL;
        s->commune = s->district_level ? NULL : xstrndup(ls, ln);
    }
    strbuf_release(&key);
    return 0;
}

/* The unit code a split run puts last in a file's name
 * ("bao-cao-1719-2024-99101.xlsx"), when the name is this program's. */
static char *code_of_name(const read_task *t)
{
    const char *base = strrchr(t->in->path, '/');
    base = base ? base + 1 : t->in->path;
    const char *prefix = t->cfg->output_name;
    if (!prefix || strncmp(base, prefix, strlen(prefix))) return NULL;
    const char *dot = strrchr(base, '.'), *dash = dot;
    while (dash > base && dash[-1] != '-') dash--;
    if (!dot || dash == base || dot - dash < 2) return NULL;
    for (const char *p = dash; p < dot; p++)
        if (*p < '0' || *p > '9') return NULL;
    return xstrndup(dash, (size_t)(dot - dash));
}

/* A workbook this program wrote for one unit (split = commune): its
 * by-project sheets do not name the unit, its by-unit sheet does. */
static void find_file_unit(read_task *t)
{
    struct wide_rows *w = t->wide;
    const char *sheets[8];
    int n = wide_probe_unit_sheets(w->probe, sheets, 8);
    for (int i = 0; i < n; i++) {
        unit_scan s = {.t = t};
        strbuf err = STRBUF_INIT;
        s.probe = wide_probe_new(t->cfg, t->cat, NULL, &err);
        if (s.probe && xlsx_stream_read(t->in->path, sheets[i], NULL, scan_row, &s, &err) >= 0 &&
            s.nunits == 1 && !w->def_district && !w->def_commune) {
            w->def_district = s.district, s.district = NULL;
            w->def_commune = s.commune, s.commune = NULL;
            if (w->def_commune) w->def_code = code_of_name(t);
        }
        wide_probe_free(s.probe);
        wide_layout_free(&s.lay);
        free(s.district);
        free(s.commune);
        free(s.cur_district);
        strbuf_release(&err);
    }
}

int wide_rows_offer(read_task *t, const record *r)
{
    if (!t->wide) {
        t->wide = xcalloc(1, sizeof *t->wide);
        t->wide->why = (strbuf)STRBUF_INIT;
        const char *layout_file = t->in->settings ? t->in->settings->layout : NULL;
        strbuf err = STRBUF_INIT;
        t->wide->probe = wide_probe_new(t->cfg, t->cat, layout_file, &err);
        if (!t->wide->probe) {
            strbuf_addf(&t->err, "%s: %s", t->in->path, err.buf);
            t->failed = 1;
            strbuf_release(&err);
            return 0;
        }
        strbuf_release(&err);
    }
    struct wide_rows *w = t->wide;
    if (!w->probe || w->ready) return 0;
    if (!wide_probe_row(w->probe, r, &w->lay, &w->why)) return 0;
    w->ready = 1;
    w->scale = w->lay.scale >= 0 ? w->lay.scale : t->cfg->amount_scale;
    w->year = w->lay.year ? w->lay.year : t->cfg->year;
    w->top = xcalloc((size_t)w->lay.ncols + 1, sizeof(int64_t));
    int plan_cols = 0;
    for (int c = 0; c < w->lay.ncols; c++) {
        wide_col *wc = &w->lay.cols[c];
        /* A disbursement file's plan columns repeat the plan of the
         * ke_hoach files: they are not added a second time. */
        if (wc->role == WC_AMOUNT && !wc->disbursed && t->in->kind == KIND_DISB)
            wc->check_only = 1, plan_cols++;
        if (wc->role != WC_AMOUNT || !wc->disbursed || wc->date <= t->cfg->as_of) continue;
        /* Disbursed to a date after the report's: not this report's figure. */
        wc->check_only = 1;
        strbuf_addf(&t->notes, "%s, cột ", t->in->path);
        wide_column_name(&t->notes, c);
        strbuf_addf(&t->notes, " (%s): giải ngân đến sau ngày số liệu của báo cáo; cột không được đọc\n",
                    wc->header);
    }
    if (plan_cols)
        strbuf_addf(&t->notes, "%s: tệp giải ngân; %d cột kế hoạch vốn không được cộng (kế hoạch "
                    "lấy từ các tệp ke_hoach; đặt tên ke_hoach* để đọc cả kế hoạch)\n", t->in->path,
                    plan_cols);
    const config_input *set = t->in->settings;
    if (set && (set->district || set->commune)) {
        /* Fixed values of [file.<pattern>]: the unit the sheet does not name. */
        w->def_district = set->district ? xstrdup(set->district) : NULL;
        w->def_commune = set->commune ? xstrdup(set->commune) : NULL;
    } else if (t->in->format == FMT_XLSX && !(set && set->layout)) {
        find_file_unit(t);
        /* Its plan by source, with a disbursement sheet beside it. */
        int by_source = 0;
        for (int c = 0; c < w->lay.ncols; c++)
            by_source |= w->lay.cols[c].role == WC_AMOUNT && !w->lay.cols[c].disbursed;
        if (w->def_code && by_source && t->in->kind == KIND_PLAN) {
            w->own = 1;
            w->unit = -1;
            w->planned = xcalloc((size_t)t->cat->nprojects * (size_t)t->cat->nsources + 1, sizeof(int64_t));
        }
    }
    wide_probe_free(w->probe);
    w->probe = NULL;
    t->in->have_layout = 1;
    return 1;
}

/* Depth of a row by its number: A < I < 1 < 1.1 < 1.1.1 < a < "-"; -1 none. */
static int stt_level(const char *s, size_t n)
{
    text_trim(&s, &n);
    while (n && (s[n - 1] == '.' || s[n - 1] == ')')) n--;
    if (!n) return -1;
    int digits = 1, dots = 0, roman = 1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '.') dots++;
        else if (s[i] < '0' || s[i] > '9') digits = 0;
        if (!strchr("IVXL", s[i])) roman = 0;
    }
    if (digits) return dots == 0 ? 3 : dots == 1 ? 4 : 5;
    if (roman) return 2;
    if (n == 1 && s[0] >= 'A' && s[0] <= 'Z') return 1;
    if (n == 1 && s[0] >= 'a' && s[0] <= 'z') return 6;
    if (n == 1 && strchr("-+*", s[0])) return 7;
    return -1;
}

static int starts(const char *key, const char *word)
{
    return !strncmp(key, word, strlen(word));
}

/* A label's key: letters and digits only, marks dropped. */
static void label_key(strbuf *k, const char *s, size_t n)
{
    strbuf tmp = STRBUF_INIT;
    if (text_ident_key(&tmp, s, n) == 0)
        for (size_t i = 0; i < tmp.len; i++) {
            char c = tmp.buf[i];
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (unsigned char)c >= 0x80)
                strbuf_addch(k, c);
        }
    strbuf_release(&tmp);
}

/* The project a label names: its text before ':' as a catalogue spelling,
 * "Tiểu dự án m" under project n, or a dotted number "4.1". */
static int label_project(const read_task *t, const struct wide_rows *w, const char *s, size_t n,
                         const char *stt, size_t sttn)
{
    size_t head = n;
    const char *colon = memchr(s, ':', n);
    if (colon) head = (size_t)(colon - s);
    int id = catalogue_find_project(t->cat, s, head);
    if (id >= 0) return id;
    strbuf k = STRBUF_INIT;
    label_key(&k, s, head);
    if (starts(k.buf, "tieuduan")) {
        int parent = -1;
        for (int i = w->nopen - 1; i >= 0 && parent < 0; i--)
            if (w->open[i].project >= 0) parent = w->open[i].project;
        if (parent >= 0) {
            while (t->cat->projects[parent].parent >= 0) parent = t->cat->projects[parent].parent;
            char code[64];
            snprintf(code, sizeof code, "DA%d.TDA%d", t->cat->projects[parent].number,
                     atoi(k.buf + strlen("tieuduan")));
            id = catalogue_find_project(t->cat, code, strlen(code));
        }
    }
    strbuf_release(&k);
    if (id < 0 && stt_level(stt, sttn) == 4) id = catalogue_find_project(t->cat, stt, sttn);
    return id;
}

static unit_word label_unit(const char *key)
{
    static const char *const district[] = {"huyen", "thanhpho", "thixa", "quan"};
    static const char *const commune[] = {"xa", "thitran", "phuong"};
    if (strstr(key, "caphuyen") || strstr(key, "capthanhpho")) return UNIT_IS_DISTRICT_LEVEL;
    for (size_t i = 0; i < 4; i++)
        if (starts(key, district[i])) return UNIT_IS_DISTRICT;
    for (size_t i = 0; i < 3; i++)
        if (starts(key, commune[i])) return UNIT_IS_COMMUNE;
    return UNIT_NONE;
}

static void note_reject(read_task *t, long index, int col, const char *value, size_t vlen,
                        const char *reason)
{
    strbuf c = STRBUF_INIT;
    if (col >= 0) {
        strbuf_addf(&c, "%s (cột ", t->wide->lay.cols[col].header);
        wide_column_name(&c, col);
        strbuf_addch(&c, ')');
    }
    if (rejects_add(&t->rejects, index, c.buf ? c.buf : "", value, vlen, reason) < 0 && !t->failed) {
        strbuf_addf(&t->err, "không ghi được danh sách dòng bị loại (tệp tạm)");
        t->failed = 1;
    }
    strbuf_release(&c);
    t->rejected++;
}

/* Whether any amount cell of the row holds a number. */
static int has_figure(const read_task *t, const record *r)
{
    const struct wide_rows *w = t->wide;
    for (int c = 0; c < w->lay.ncols && c < r->n; c++) {
        wide_role role = w->lay.cols[c].role;
        if (role != WC_AMOUNT && role != WC_SUM && role != WC_SHARE) continue;
        int64_t v;
        unsigned char type = r->type ? r->type[c] : CELL_TEXT;
        if (type == CELL_NUMBER ||
            (type == CELL_TEXT && decimal_parse(r->cell[c], r->len[c], t->cfg->numconv, 4, &v) == NUM_OK))
            return 1;
    }
    return 0;
}

/* Amount and sum cells of the row, in đồng; -1 after rejecting the row. */
static int read_amounts(read_task *t, const record *r, open_row *o)
{
    struct wide_rows *w = t->wide;
    for (int c = 0; c < w->lay.ncols && c < r->n; c++) {
        wide_role role = w->lay.cols[c].role;
        if (role != WC_AMOUNT && role != WC_SUM && role != WC_SHARE) continue;
        const char *s = r->cell[c];
        size_t n = r->len[c];
        unsigned char type = r->type ? r->type[c] : CELL_TEXT;
        if (is_blank(s, n)) continue; /* a blank cell is zero */
        if (type != CELL_TEXT && type != CELL_NUMBER) {
            if (role == WC_SUM) continue; /* a formula error in a total: not ours */
            note_reject(t, r->index, c, s, n, "ô không phải số");
            return -1;
        }
        num_status st = type == CELL_NUMBER ? decimal_parse_stored(s, n, w->scale, &o->amount[c])
                                            : decimal_parse(s, n, t->cfg->numconv, w->scale,
                                                            &o->amount[c]);
        if (st == NUM_EMPTY || (st != NUM_OK && n == 1 && strchr("-–", s[0]))) {
            o->amount[c] = 0;
            continue;
        }
        if (st != NUM_OK) {
            strbuf why = STRBUF_INIT;
            strbuf_addf(&why, "số không hợp lệ: %s", decimal_status_text(st));
            note_reject(t, r->index, c, s, n, why.buf);
            strbuf_release(&why);
            return -1;
        }
        o->has[c] = 1;
    }
    return 0;
}

static void mismatch(read_task *t, const open_row *o, int c, int64_t said, int64_t sum,
                     const char *what)
{
    struct wide_rows *w = t->wide;
    w->mismatches++;
    const char *sheet = t->in->settings ? t->in->settings->sheet : NULL;
    strbuf_addf(&t->notes, "%s, trang %s%s%s (bố cục %s), dòng %ld \"%.60s\", cột ", t->in->path,
                sheet ? "\"" : "đầu", sheet ? sheet : "", sheet ? "\"" : "", w->lay.form_name,
                o->index + 1, o->label ? o->label : "");
    wide_column_name(&t->notes, c);
    strbuf_addf(&t->notes, " (%s): ghi %lld đồng, %s %lld đồng\n", w->lay.cols[c].header,
                (long long)said, what, (long long)sum);
}

/* A total or subtotal row against the rows under it. */
static void check_group(read_task *t, const open_row *o, const int64_t *sum)
{
    struct wide_rows *w = t->wide;
    w->checked++;
    for (int c = 0; c < w->lay.ncols; c++)
        if ((w->lay.cols[c].role == WC_AMOUNT || w->lay.cols[c].role == WC_SHARE) && o->has[c] &&
            o->amount[c] != sum[c])
            mismatch(t, o, c, o->amount[c], sum[c], "các dòng bên dưới cộng lại");
}

/* A row's own sum columns against its parts (Tổng số = NSTW + NSĐP + ...). */
static void check_sums(read_task *t, const open_row *o)
{
    struct wide_rows *w = t->wide;
    for (int c = 0; c < w->lay.ncols; c++) {
        const wide_col *wc = &w->lay.cols[c];
        if (wc->role != WC_SUM || !o->has[c]) continue;
        int64_t s = 0;
        for (int k = 0; k < wc->nargs; k++) {
            int a = wc->args[k];
            /* A part that is itself a sum counts through its own parts. */
            s += o->amount[a];
        }
        if (s != o->amount[c]) mismatch(t, o, c, o->amount[c], s, "các cột thành phần cộng lại");
    }
}

/* A detail row: its amounts go to the aggregates under its context. */
static void add_detail(read_task *t, open_row *o, int depth)
{
    struct wide_rows *w = t->wide;
    int project = -1;
    const char *district = w->def_district ? w->def_district : "";
    /* No commune under a district is its district-level unit ("Cấp huyện"). */
    const char *commune = w->def_commune ? w->def_commune : "";
    for (int i = 0; i <= depth; i++) {
        open_row *p = i < depth ? &w->open[i] : o;
        if (p->project >= 0) project = p->project;
        if (p->unit == UNIT_IS_DISTRICT) district = p->unit_name, commune = "";
        if (p->unit == UNIT_IS_COMMUNE) commune = p->unit_name;
        if (p->unit == UNIT_IS_DISTRICT_LEVEL) commune = "";
    }
    if (project < 0) {
        note_reject(t, o->index, -1, o->label, strlen(o->label),
                    "dòng chi tiết không thuộc dự án nào (tên dự án không có trong danh mục)");
        return;
    }
    if (w->collect) { /* the disbursement sheet: its figures placed at the end */
        for (int c = 0; c < w->lay.ncols; c++)
            if (o->has[c]) w->marg[(size_t)project * (size_t)w->lay.ncols + (size_t)c] += o->amount[c];
        t->accepted++;
        return;
    }
    const char *code = *commune && w->def_commune && !strcmp(commune, w->def_commune) &&
                       w->def_code ? w->def_code : "";
    unit_ref ref = {"", "", "", district, code, commune, 0, 0, 0, strlen(district), strlen(code),
                    strlen(commune)};
    uint64_t pos = ((uint64_t)t->index << 40) | (uint64_t)o->index;
    int u = units_resolve(&t->sink->units, &ref, t->cfg->unit.province_code ? t->cfg->unit.province_code : "",
                          t->cfg->unit.province_name ? t->cfg->unit.province_name : "", pos);
    if (u < 0) {
        note_reject(t, o->index, -1, o->label, strlen(o->label), "tên đơn vị không phải UTF-8 hợp lệ");
        return;
    }
    if (w->own) w->unit = w->unit == -1 || w->unit == u ? u : -2;
    for (int c = 0; c < w->lay.ncols; c++) {
        const wide_col *wc = &w->lay.cols[c];
        if (wc->role != WC_AMOUNT || wc->check_only || !o->has[c]) continue;
        if (w->own && !wc->disbursed) { /* placed by capital at the end */
            w->planned[(size_t)project * (size_t)t->cat->nsources + (size_t)wc->source] += o->amount[c];
            continue;
        }
        int cap = wc->cap_year ? wc->cap_year : wc->extended ? w->year - wc->extended : w->year;
        cube_key k = {(uint32_t)u, (uint16_t)project, (uint16_t)wc->source, (uint16_t)w->year,
                      (uint16_t)cap};
        if (!wc->disbursed)
            cube_add_plan(&t->sink->cube, &k, o->amount[c]);
        else if (t->cfg->disbursement == DISB_SNAPSHOT)
            /* "Giải ngân đến 31/01/2024": a figure to that date. */
            cube_put_snapshot(&t->sink->cube, &k, wc->date ? wc->date : t->cfg->as_of, pos,
                              o->amount[c]);
        else
            cube_add_payment(&t->sink->cube, &k, o->amount[c]);
    }
    t->accepted++;
    if (w->year != t->cfg->year) t->other_year++;
}

/* Close the open row at depth d (the deepest): detail or checked group. */
static void close_top(read_task *t)
{
    struct wide_rows *w = t->wide;
    int d = --w->nopen;
    open_row *o = &w->open[d];
    if (o->nchildren) {
        check_group(t, o, o->children);
        t->skipped++;
    } else {
        add_detail(t, o, d);
    }
    int64_t *into = d > 0 ? w->open[d - 1].children : w->top;
    if (d > 0) w->open[d - 1].nchildren++;
    /* A group counts with the sum of its rows, not its written figure, so
     * one wrong subtotal is reported once, not again at every level. */
    for (int c = 0; c < w->lay.ncols; c++) into[c] += o->nchildren ? o->children[c] : o->amount[c];
    row_free(o);
}

/* The disbursement sheet's rows: its header found by its reader's probe,
 * then read like any wide table, in collect mode. */
static int scan_disbursement(void *task, const record *r)
{
    read_task *t = task;
    struct wide_rows *d = t->wide;
    if (d->ready) return wide_rows_row(t, r);
    if (!wide_probe_row(d->probe, r, &d->lay, &d->why)) return r->index + 1 >= INPUTS_HEADER_SEARCH;
    d->ready = 1;
    d->scale = d->lay.scale >= 0 ? d->lay.scale : t->cfg->amount_scale;
    d->year = d->lay.year ? d->lay.year : t->cfg->year;
    d->top = xcalloc((size_t)d->lay.ncols + 1, sizeof(int64_t));
    d->marg = xcalloc((size_t)t->cat->nprojects * (size_t)d->lay.ncols + 1, sizeof(int64_t));
    wide_probe_free(d->probe);
    d->probe = NULL;
    return 0;
}

int wide_rows_row(void *task, const record *r)
{
    read_task *t = task;
    struct wide_rows *w = t->wide;
    if (r->index <= w->lay.header_last) return 0;
    if ((++t->read & 4095) == 0) progress_add(4096, 0);
    int stt = -1, lab = -1;
    for (int c = 0; c < w->lay.ncols; c++) {
        if (w->lay.cols[c].role == WC_STT) stt = c;
        if (w->lay.cols[c].role == WC_LABEL) lab = c;
    }
    const char *ss = stt >= 0 && stt < r->n ? r->cell[stt] : "";
    size_t sn = stt >= 0 && stt < r->n ? r->len[stt] : 0;
    const char *ls = lab >= 0 && lab < r->n ? r->cell[lab] : "";
    size_t ln = lab >= 0 && lab < r->n ? r->len[lab] : 0;
    text_trim(&ls, &ln);
    strbuf key = STRBUF_INIT;
    label_key(&key, ls, ln);
    int level = stt_level(ss, sn);
    int total = starts(key.buf, "tongso") || starts(key.buf, "tongcong") || !strcmp(key.buf, "cong");
    /* The column-number row "(1) (2) (3)=(4)+(5)", notes and signatures
     * below the table (no number, no figure), empty rows: not data. */
    int numbering = ln && ls[0] == '(' && sn && ss[0] == '(';
    if (numbering || (level < 0 && !total && !has_figure(t, r))) {
        t->skipped++;
        strbuf_release(&key);
        return 0;
    }
    open_row o = {0};
    row_alloc(w, &o);
    o.index = r->index;
    o.label = xstrndup(ls, ln);
    o.project = -1;
    if (read_amounts(t, r, &o) < 0) {
        row_free(&o);
        strbuf_release(&key);
        return t->failed;
    }
    if (total) {
        /* A total: above the table it is checked at the end, below it now. */
        while (w->nopen) close_top(t);
        int rows_before = w->checked || t->accepted || t->rejected;
        t->skipped++;
        if (rows_before) check_group(t, &o, w->top), row_free(&o);
        else if (!w->have_total) w->have_total = 1, w->total = o;
        else row_free(&o);
        strbuf_release(&key);
        return 0;
    }
    o.project = label_project(t, w, ls, ln, ss, sn);
    if (o.project < 0 && !starts(key.buf, "chuaphan") && ln) {
        o.unit = label_unit(key.buf);
        if (o.unit == UNIT_NONE) o.unit = UNIT_IS_COMMUNE; /* a commune named without "Xã" */
        o.unit_name = xstrdup(o.label);
    }
    strbuf_release(&key);
    if (level < 0) level = w->nopen ? w->open[w->nopen - 1].level + 1 : 3;
    o.level = level;
    check_sums(t, &o);
    while (w->nopen && w->open[w->nopen - 1].level >= level) close_top(t);
    if (w->nopen == MAX_OPEN) close_top(t);
    w->open[w->nopen++] = o;
    return t->failed;
}

/* Read the workbook's by-project disbursement sheet with a reader of its
 * own (t->wide swapped while it runs: its rows count as the file's, its
 * checks are the file's); NULL when the workbook has none. */
static struct wide_rows *read_disbursement_sheet(read_task *t)
{
    struct wide_rows *own = t->wide;
    const char *sheets[4];
    strbuf err = STRBUF_INIT;
    wide_probe *probe = wide_probe_new(t->cfg, t->cat, NULL, &err);
    int n = probe ? wide_probe_disbursement_sheets(probe, sheets, 4) : 0;
    struct wide_rows *d = NULL;
    for (int i = 0; i < n && !d; i++) {
        d = xcalloc(1, sizeof *d);
        d->why = (strbuf)STRBUF_INIT;
        d->probe = wide_probe_new(t->cfg, t->cat, NULL, &err);
        if (d->probe) wide_probe_for_shares(d->probe);
        d->collect = 1;
        d->def_district = own->def_district ? xstrdup(own->def_district) : NULL;
        d->def_commune = own->def_commune ? xstrdup(own->def_commune) : NULL;
        t->wide = d;
        /* Its TỔNG SỐ row is above its own rows, not below the plan sheet's. */
        long accepted = t->accepted, rejected = t->rejected;
        t->accepted = t->rejected = 0;
        int rc = d->probe ? xlsx_stream_read(t->in->path, sheets[i], NULL, scan_disbursement, t, &err) : -1;
        if (d->ready) wide_rows_finish(t);
        t->accepted += accepted, t->rejected += rejected;
        t->wide = own;
        if (rc < 0 && d->ready && !t->failed) { /* broken under its rows: not a sheet to pass over */
            strbuf_addf(&t->err, "%s", err.buf);
            t->failed = 1;
        }
        if (rc < 0 || !d->ready) {
            strbuf_reset(&err);
            t->wide = d;
            wide_rows_free(t);
            t->wide = own;
            d = NULL;
        }
    }
    wide_probe_free(probe);
    strbuf_release(&err);
    return d;
}

/* Amount x of the sources in mask, of capital year cap, to the plan cells
 * of project p in turn (up to each one's plan), the rest to the first of
 * them with a plan (or the first source of the mask): a disbursement is
 * not put on a source it has no plan of when the figures allow. */
static void place_paid(read_task *t, int unit, int p, uint64_t mask, int cap, int64_t x, const int64_t *plan)
{
    struct wide_rows *w = t->wide;
    int ns = t->cat->nsources < 64 ? t->cat->nsources : 64, first = -1;
    for (int s = 0; s < ns; s++)
        if (mask >> s & 1 && (first < 0 || (plan[s] > 0 && plan[first] <= 0))) first = s;
    if (first < 0 || x <= 0) return;
    int64_t put[64] = {0};
    for (int s = 0; s < ns && x > 0; s++) {
        if (!(mask >> s & 1) || plan[s] <= 0) continue;
        int64_t take = x < plan[s] ? x : plan[s];
        put[s] += take, x -= take;
    }
    put[first] += x;
    for (int s = 0; s < ns; s++) {
        if (!put[s]) continue;
        cube_key k = {(uint32_t)unit, (uint16_t)p, (uint16_t)s, (uint16_t)w->year, (uint16_t)cap};
        if (t->cfg->disbursement == DISB_SNAPSHOT)
            cube_put_snapshot(&t->sink->cube, &k, t->cfg->as_of, (uint64_t)t->index << 40, put[s]);
        else
            cube_add_payment(&t->sink->cube, &k, put[s]);
    }
}

/* The blocks of a disbursement sheet: its disbursed columns of one type
 * or scope (ĐTPT and SN of the rate's sources, the other sources: any
 * capital, some sources), each with the plan column of the same sources
 * when there is one (checked against the plan sheet), then the sources of
 * the capital columns in none of them. A block inside the capital
 * columns' sources is placed by capital; one outside them (the other
 * sources, scope=outside: no capital said) is current capital. */
#define MAX_BLOCKS 17
#define MAX_BACK 21 /* extended capital by years back: 1 .. 20 (form_def) */
typedef struct sheet_blocks {
    int n;
    uint64_t mask[MAX_BLOCKS];
    int paid[MAX_BLOCKS], plan[MAX_BLOCKS]; /* sheet columns; -1: none */
    int by_capital[MAX_BLOCKS];
    int split;           /* a block partly in the capital columns' sources */
    uint64_t uncovered;  /* sources in no column of the sheet */
} sheet_blocks;

static void find_blocks(const catalogue *cat, const wide_layout *lay, sheet_blocks *bl)
{
    int ns = cat->nsources;
    uint64_t all = ns >= 64 ? ~0ull : (1ull << ns) - 1, taken = 0, capital = 0, covered = 0;
    memset(bl, 0, sizeof *bl);
    for (int c = 0; c < lay->ncols; c++) {
        const wide_col *wc = &lay->cols[c];
        if ((wc->role == WC_SHARE || wc->role == WC_AMOUNT) && wc->capital != WCAP_ANY)
            capital |= wc->sources & all;
    }
    for (int c = 0; c < lay->ncols && bl->n < MAX_BLOCKS - 1; c++) {
        const wide_col *wc = &lay->cols[c];
        if ((wc->role == WC_SHARE || wc->role == WC_AMOUNT) && wc->disbursed && wc->capital == WCAP_ANY &&
            (wc->sources & all) != all && (wc->sources & taken) == 0 && wc->sources) {
            int b = bl->n++;
            bl->mask[b] = wc->sources & all, bl->paid[b] = c, bl->plan[b] = -1;
            bl->by_capital[b] = (bl->mask[b] & ~capital) == 0;
            bl->split |= !bl->by_capital[b] && (bl->mask[b] & capital);
            taken |= bl->mask[b];
        }
    }
    for (int b = 0; b < bl->n; b++)
        for (int c = 0; c < lay->ncols && bl->plan[b] < 0; c++) {
            const wide_col *wc = &lay->cols[c];
            if ((wc->role == WC_SHARE || wc->role == WC_AMOUNT) && !wc->disbursed &&
                wc->capital == WCAP_ANY && (wc->sources & all) == bl->mask[b])
                bl->plan[b] = c;
        }
    for (int b = 0; b < bl->n; b++) covered |= bl->mask[b];
    int r = bl->n++;
    bl->mask[r] = capital & ~taken, bl->paid[r] = bl->plan[r] = -1, bl->by_capital[r] = 1;
    bl->uncovered = all & ~capital & ~covered;
}

/*
 * A commune's workbook read back: its plan by source (the plan sheet) is
 * split by capital, and its disbursement placed, so that every figure of
 * the disbursement forms (by capital: current, extended of each year said;
 * by type: ĐTPT, SN, the rest; the other sources outside the rate) is the
 * sheet's. Per project and extended capital year in turn: each type's
 * disbursement is that year's while the year's disbursement lasts, the
 * rest current; each type's plan of the year covers its disbursement of
 * the year first, the rest where the type's later disbursement does not
 * need it; within a type the sources are filled in catalogue order, never
 * beyond their plan when the figures allow. The other sources (outside
 * the capital columns) are current capital. A sheet whose figures cannot
 * be so placed (they disagree with the plan sheet) is said, and only its
 * plan is read, as current.
 */
static void place_own(read_task *t)
{
    struct wide_rows *w = t->wide;
    const catalogue *cat = t->cat;
    int ns = cat->nsources < 64 ? cat->nsources : 64;
    /* The plan was kept by project and source only, for one unit: a sheet
     * whose rows gave several units cannot be placed so, never guessed. */
    if (w->unit < 0) {
        for (size_t i = 0; i < (size_t)cat->nprojects * (size_t)cat->nsources; i++)
            if (w->planned[i]) {
                if (!t->failed)
                    strbuf_addf(&t->err, "%s: bảng tổng hợp của cấp dưới ghi số liệu của nhiều đơn vị: không "
                                "đọc được như bảng của một xã", t->in->path);
                t->failed = 1;
                break;
            }
        return;
    }
    struct wide_rows *d = w->unit >= 0 ? read_disbursement_sheet(t) : NULL;
    sheet_blocks bl = {0};
    if (d) find_blocks(cat, &d->lay, &bl);
    int nb = d ? bl.n : 0;
    /* [years back][source]: 0 is current; on the heap, tasks run in threads */
    int64_t (*capplan)[64] = xcalloc(MAX_BACK, sizeof *capplan);
    long placed = 0, refused = 0;
    int64_t lost = 0, outside = 0;
    for (int p = 0; p < cat->nprojects; p++) {
        const int64_t *plan = &w->planned[(size_t)p * (size_t)cat->nsources];
        int64_t pcur = 0, dcur = 0, pext[MAX_BACK] = {0}, dext[MAX_BACK] = {0}, typed = 0, tcap = 0;
        int any = 0;
        for (int s = 0; s < ns; s++) any |= plan[s] != 0;
        const int64_t *m = d ? &d->marg[(size_t)p * (size_t)d->lay.ncols] : NULL;
        for (int c = 0; m && c < d->lay.ncols; c++) {
            const wide_col *wc = &d->lay.cols[c];
            if (wc->role != WC_SHARE && wc->role != WC_AMOUNT) continue;
            any |= m[c] != 0;
            int back = wc->extended < 1 ? 1 : wc->extended < MAX_BACK ? wc->extended : MAX_BACK - 1;
            if (wc->capital == WCAP_EXTENDED) *(wc->disbursed ? &dext[back] : &pext[back]) += m[c];
            if (wc->capital == WCAP_CURRENT) *(wc->disbursed ? &dcur : &pcur) += m[c];
        }
        if (!any) continue;
        int64_t D[MAX_BLOCKS], P[MAX_BLOCKS], remD[MAX_BLOCKS], remP[MAX_BLOCKS];
        int64_t X[MAX_BLOCKS][MAX_BACK], E[MAX_BLOCKS][MAX_BACK];
        memset(X, 0, sizeof X);
        memset(E, 0, sizeof E);
        int ok = m && !bl.split && dcur >= 0 && pcur >= 0;
        for (int b = 0; b < nb; b++) {
            P[b] = 0;
            for (int s = 0; s < ns; s++)
                if (bl.mask[b] >> s & 1) P[b] += plan[s];
            D[b] = bl.paid[b] >= 0 ? m[bl.paid[b]] : 0;
            if (bl.by_capital[b]) typed += bl.paid[b] >= 0 ? D[b] : 0, tcap += P[b];
            /* A type's plan the sheet states is the plan sheet's. */
            if (bl.plan[b] >= 0 && m[bl.plan[b]] != P[b]) ok = 0;
            if (D[b] < 0) ok = 0;
        }
        int64_t dall = dcur, pall = pcur;
        for (int k = 1; k < MAX_BACK; k++) {
            dall += dext[k], pall += pext[k];
            if (dext[k] < 0 || pext[k] < 0) ok = 0;
        }
        if (nb) D[nb - 1] = dall - typed;
        /* The capital columns cover the plan of their sources, no more, no less. */
        ok = ok && nb && D[nb - 1] >= 0 && pall == tcap;
        for (int b = 0; b < nb; b++) remD[b] = D[b], remP[b] = P[b];
        for (int k = 1; ok && k < MAX_BACK; k++) {
            if (!dext[k] && !pext[k]) continue;
            int64_t left = dext[k], extra = pext[k];
            for (int b = 0; b < nb; b++) {
                if (!bl.by_capital[b]) continue;
                X[b][k] = left < remD[b] ? left : remD[b];
                left -= X[b][k], remD[b] -= X[b][k];
                E[b][k] = X[b][k] < remP[b] ? X[b][k] : remP[b];
                extra -= E[b][k], remP[b] -= E[b][k];
            }
            /* The year's plan beyond its disbursement: first where the
             * type's disbursement still to place does not need it. */
            for (int pass = 0; pass < 2 && extra > 0; pass++)
                for (int b = 0; b < nb && extra > 0; b++) {
                    if (!bl.by_capital[b]) continue;
                    int64_t room = pass ? remP[b] : remP[b] - remD[b];
                    int64_t take = room <= 0 ? 0 : room < extra ? room : extra;
                    E[b][k] += take, extra -= take, remP[b] -= take;
                }
            ok = left == 0 && extra == 0;
        }
        if (!ok && m) {
            refused++;
            strbuf_addf(&t->notes, "%s: giải ngân của %s không khớp với kế hoạch của tệp (trang kế hoạch "
                        "và trang giải ngân khác nhau); chỉ đọc kế hoạch\n", t->in->path, cat->projects[p].code);
        }
        memset(capplan, 0, MAX_BACK * sizeof *capplan);
        for (int s = 0; s < ns; s++) capplan[0][s] = plan[s];
        for (int b = 0; ok && b < nb; b++) /* a type's plan of each year from its sources in turn */
            for (int k = 1; k < MAX_BACK; k++) {
                int64_t e = E[b][k];
                for (int s = 0; s < ns && e; s++) {
                    if (!(bl.mask[b] >> s & 1)) continue;
                    int64_t x = e < capplan[0][s] ? e : capplan[0][s];
                    capplan[k][s] += x, capplan[0][s] -= x, e -= x;
                }
            }
        for (int s = 0; s < ns; s++) {
            if (bl.uncovered >> s & 1) lost += plan[s];
            for (int k = 0; k < MAX_BACK; k++) {
                if (!capplan[k][s]) continue;
                cube_key key = {(uint32_t)w->unit, (uint16_t)p, (uint16_t)s, (uint16_t)w->year,
                                (uint16_t)(w->year - k)};
                cube_add_plan(&t->sink->cube, &key, capplan[k][s]);
            }
        }
        if (!ok) continue;
        for (int b = 0; b < nb; b++)
            if (!bl.by_capital[b]) outside += D[b];
        for (int b = 0; b < nb; b++) {
            place_paid(t, w->unit, p, bl.mask[b], w->year, remD[b], capplan[0]);
            for (int k = 1; k < MAX_BACK; k++)
                place_paid(t, w->unit, p, bl.mask[b], w->year - k, X[b][k], capplan[k]);
        }
        placed++;
    }
    free(capplan);
    if (d) {
        struct wide_rows *own = t->wide;
        t->wide = d;
        wide_rows_free(t);
        t->wide = own;
    }
    if (!d && w->unit >= 0)
        strbuf_addf(&t->notes, "%s: không có trang giải ngân theo dự án (Biểu 03) đọc được; chỉ đọc kế "
                    "hoạch của tệp\n", t->in->path);
    if (lost)
        strbuf_addf(&t->notes, "%s: trang giải ngân theo dự án không có cột cho một số nguồn vốn (kế hoạch "
                    "%lld đồng): giải ngân của các nguồn đó không đọc được\n", t->in->path, (long long)lost);
    if (outside)
        strbuf_addf(&t->notes, "%s: giải ngân các nguồn vốn khác (không tính tỷ lệ, %lld đồng) không chia "
                    "theo năm vốn và nguồn vốn trong Biểu 03: ghi là vốn năm %d, chia cho các nguồn theo thứ tự "
                    "danh mục trong giới hạn kế hoạch của từng nguồn\n", t->in->path, (long long)outside, w->year);
    if (placed && !refused)
        strbuf_addf(&t->notes, "%s: bảng tổng hợp của cấp dưới; kế hoạch theo nguồn vốn và giải ngân theo "
                    "năm vốn, loại vốn được đọc lại (vốn kéo dài ghi vào năm vốn cột của nó nói, vốn "
                    "\"trở về trước\" vào năm đầu tiên đó)\n", t->in->path);
}

void wide_rows_finish(read_task *t)
{
    struct wide_rows *w = t->wide;
    if (!w || !w->ready) return;
    while (w->nopen) close_top(t);
    if (w->have_total) check_group(t, &w->total, w->top);
    if (w->own) place_own(t);
    if (w->mismatches)
        strbuf_addf(&t->notes, "%s: đọc theo bố cục %s; %ld dòng tổng, cộng nhóm được đối chiếu "
                    "với các dòng chi tiết (không cộng thêm), %ld chỗ lệch\n", t->in->path,
                    w->lay.form_name, w->checked, w->mismatches);
}
