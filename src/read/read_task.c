/*
 * The row parser. Every row ends in exactly one of: accepted (added to the
 * aggregates), skipped (empty, or dated after the as-of date), rejected
 * (spooled with its reason). The counts are the proof nothing was lost.
 */
#include "read_task.h"

#include <stdlib.h>
#include <string.h>

#include "../util/date.h"
#include "../util/decimal.h"
#include "csv_stream.h"
#include "decode.h"
#include "xls_stream.h"
#include "xlsx_stream.h"
#include "../util/progress.h"

void read_sink_init(read_sink *s)
{
    units_init(&s->units);
    cube_init(&s->cube);
    indicators_init(&s->ind);
    contents_init(&s->items);
    controls_init(&s->checks);
    strmap_init(&s->project_cache);
    strmap_init(&s->source_cache);
    strmap_init(&s->unit_cache);
}

void read_sink_free(read_sink *s)
{
    units_free(&s->units);
    cube_free(&s->cube);
    indicators_free(&s->ind);
    contents_free(&s->items);
    controls_free(&s->checks);
    strmap_free(&s->project_cache);
    strmap_free(&s->source_cache);
    strmap_free(&s->unit_cache);
}

void read_task_init(read_task *t)
{
    memset(t, 0, sizeof *t);
    t->programme = -2;
    t->err = (strbuf)STRBUF_INIT;
    t->key = (strbuf)STRBUF_INIT;
    t->msg = (strbuf)STRBUF_INIT;
    t->fields = (strbuf)STRBUF_INIT;
    t->no_header = (strbuf)STRBUF_INIT;
    t->notes = (strbuf)STRBUF_INIT;
    dup_init(&t->seen);
}

void read_task_free(read_task *t)
{
    rejects_close(&t->rejects);
    strbuf_release(&t->err);
    strbuf_release(&t->key);
    strbuf_release(&t->msg);
    strbuf_release(&t->fields);
    strbuf_release(&t->no_header);
    strbuf_release(&t->notes);
    decode_cells_free(t->cells);
    decode_vni_free(t->vni);
    dup_free(&t->seen);
}

/* A row being parsed: the record, the task, and each field's text as the
 * row parser should see it (a code Excel stored as a number gets back its
 * leading zeros) with the type the reader gave it. */
typedef struct row_view {
    read_task *t;
    const record *r;
    const char *text[F_COUNT];
    size_t len[F_COUNT];
    unsigned char type[F_COUNT];
} row_view;

static int col(const row_view *v, field_id f)
{
    return v->t->in->lay.col_of[f];
}

static const char *cell(const row_view *v, field_id f, size_t *len)
{
    *len = v->len[f];
    return v->text[f];
}

/* The national code list: province 2 digits, district 3, commune 5. */
static int code_width(field_id f)
{
    return f == F_MA_TINH ? 2 : f == F_MA_HUYEN ? 3 : f == F_MA_XA ? 5 : 0;
}

/* A code or project number stored as a number: "9101" -> "09101",
 * "3.2000000000000002" -> "3.2". Appends to sb; -1 when not a plain number. */
static int stored_code(strbuf *sb, field_id f, const char *s, size_t n)
{
    int64_t v;
    if (decimal_parse_stored(s, n, 4, &v) != NUM_OK || v < 0) return -1;
    if (v % 10000 == 0) {
        strbuf_addf(sb, "%0*lld", code_width(f), (long long)(v / 10000));
    } else {
        strbuf_addf(sb, "%lld.%04lld", (long long)(v / 10000), (long long)(v % 10000));
        while (sb->buf[sb->len - 1] == '0') strbuf_setlen(sb, sb->len - 1);
    }
    return 0;
}

/* The first rows of a file whose text columns are not declared legacy: a
 * column that looks like TCVN3 or VNI through a 1252 font is said once.
 * One odd value ("µm" alone reads as TCVN3 "àm") is not enough: a column
 * typed in a legacy font has such words in every row, so two are asked. */
static void guess_legacy(row_view *v)
{
    static const field_id words[] = {F_TEN_TINH, F_TEN_HUYEN, F_TEN_XA, F_NOI_DUNG, F_CHI_TIEU};
    read_task *t = v->t;
    /* The first rows of the file: a CSV's second range starts at row 0 too. */
    int first_range = t->in->format != FMT_CSV || t->begin == t->in->head.body_start;
    if (t->in->legacy != ENC_UTF8 || v->r->index > 200 || !first_range) return;
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        field_id f = words[i];
        if (t->warned >> f & 1 || !v->len[f]) continue;
        text_encoding g = decode_guess_legacy(v->text[f], v->len[f]);
        if (g == ENC_UTF8 || ++t->legacy_hits[f] < 2) continue;
        t->warned |= 1u << f;
        strbuf_addf(&t->notes, "%s, cột %s: chữ có vẻ gõ bằng phông %s (\"%.*s\"); thêm "
                    "[file.<tên tệp>] legacy = %s để đổi sang Unicode\n", t->in->path,
                    field_name(f), g == ENC_TCVN3 ? "TCVN3" : "VNI", (int)(v->len[f] > 40 ? 40 : v->len[f]),
                    v->text[f], g == ENC_TCVN3 ? "tcvn3" : "vni");
    }
}

static void view_fields(row_view *v)
{
    read_task *t = v->t;
    size_t off[F_COUNT];
    strbuf_reset(&t->fields);
    for (int f = 0; f < F_COUNT; f++) {
        int c = t->in->lay.col_of[f];
        v->text[f] = "", v->len[f] = 0, v->type[f] = CELL_TEXT, off[f] = (size_t)-1;
        if (c < 0 || c >= v->r->n) continue;
        v->text[f] = v->r->cell[c];
        v->len[f] = v->r->len[c];
        v->type[f] = v->r->type ? v->r->type[c] : CELL_TEXT;
        if (v->type[f] == CELL_NUMBER && (code_width((field_id)f) || f == F_MA_DU_AN)) {
            off[f] = t->fields.len;
            if (stored_code(&t->fields, (field_id)f, v->text[f], v->len[f]) < 0)
                off[f] = (size_t)-1;
            else
                v->len[f] = t->fields.len - off[f], strbuf_addch(&t->fields, '\0');
        } else if (v->type[f] == CELL_TEXT && (t->in->legacy_fields >> f & 1)) {
            /* Text typed in a legacy font: back to Unicode; a value that
             * already is real Unicode stays as it is. */
            off[f] = t->fields.len;
            if (decode_cells_convert(t->cells, v->text[f], v->len[f], &t->fields) < 0)
                off[f] = (size_t)-1;
            else
                v->len[f] = t->fields.len - off[f], strbuf_addch(&t->fields, '\0');
        }
    }
    /* Pointers only now: the buffer may have moved while it grew. */
    for (int f = 0; f < F_COUNT; f++)
        if (off[f] != (size_t)-1) v->text[f] = t->fields.buf + off[f], v->type[f] = CELL_TEXT;
}

static int is_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n') return 0;
    return 1;
}

/* Reject the row at field f (or the whole row when f < 0); returns 0. */
/* Where a row stands in the whole run: orders "first seen". */
static uint64_t row_pos(const row_view *v)
{
    return ((uint64_t)v->t->index << 40) | (uint64_t)v->r->index;
}

static int reject(const row_view *v, int f, const char *reason)
{
    read_task *t = v->t;
    strbuf_reset(&t->msg);
    size_t vlen = 0;
    const char *val = "";
    if (f >= 0) {
        layout_column_label(&t->in->lay, col(v, (field_id)f), &t->msg);
        val = cell(v, (field_id)f, &vlen);
    }
    if (rejects_add(&t->rejects, v->r->index, t->msg.buf, val, vlen, reason) < 0 &&
        !t->failed) {
        strbuf_addf(&t->err, "không ghi được danh sách dòng bị loại (tệp tạm)");
        t->failed = 1;
    }
    t->rejected++;
    return 0;
}

static int parse_year(const row_view *v, field_id f, int dflt, int *year)
{
    size_t n;
    const char *s = cell(v, f, &n);
    int64_t y;
    if (is_blank(s, n) && dflt) {
        *year = dflt;
        return 0;
    }
    num_status st = v->type[f] == CELL_NUMBER ? decimal_parse_stored(s, n, 0, &y)
                                              : decimal_parse(s, n, NUMCONV_VI, 0, &y);
    if (st != NUM_OK || y < 2000 || y > 2100)
        return reject(v, f, is_blank(s, n) ? "thiếu năm" : "năm không hợp lệ"), -1;
    *year = (int)y;
    return 0;
}

static int parse_amount(const row_view *v, field_id f, int scale, int optional,
                        int64_t *out)
{
    size_t n;
    const char *s = cell(v, f, &n);
    if (v->type[f] != CELL_TEXT && v->type[f] != CELL_NUMBER)
        return reject(v, f, "ô không phải số"), -1;
    /* A number the spreadsheet stored is that number, whatever the
     * convention for numbers written as text. */
    num_status st = v->type[f] == CELL_NUMBER ? decimal_parse_stored(s, n, scale, out)
                                              : decimal_parse(s, n, v->t->cfg->numconv, scale, out);
    if (st == NUM_EMPTY && (optional || v->t->cfg->empty_amount == EMPTY_IS_ZERO)) {
        *out = 0;
        return 0;
    }
    if (st == NUM_OK) return 0;
    strbuf reason = STRBUF_INIT;
    strbuf_addf(&reason, "số không hợp lệ: %s", decimal_status_text(st));
    reject(v, f, reason.buf);
    strbuf_release(&reason);
    return -1;
}

static int parse_date(const row_view *v, field_id f, int optional, int *out)
{
    size_t n;
    const char *s = cell(v, f, &n);
    if (is_blank(s, n)) {
        if (optional) {
            *out = 0;
            return 0;
        }
        return reject(v, f, "thiếu ngày"), -1;
    }
    if (v->type[f] == CELL_NUMBER)
        return reject(v, f, "ngày lưu dạng số, không phải dạng ngày"), -1;
    if (date_parse(s, n, out) < 0)
        return reject(v, f, "ngày không hợp lệ (cần dd/mm/yyyy hoặc yyyy-mm-dd)"), -1;
    return 0;
}

/* Look text up in a per-task cache, resolving misses with `find`. */
static int cached(strmap *cache, const char *s, size_t n, const catalogue *cat,
                  int (*find)(const catalogue *, const char *, size_t))
{
    int id = strmap_get(cache, s, n);
    if (id == -1) {
        id = find(cat, s, n);
        strmap_put(cache, s, n, id < 0 ? -2 : id);
    }
    return id < 0 ? -1 : id;
}

static int parse_project(const row_view *v, int *id)
{
    size_t n;
    const char *s = cell(v, F_MA_DU_AN, &n);
    if (is_blank(s, n)) return reject(v, F_MA_DU_AN, "thiếu mã dự án"), -1;
    size_t pn;
    const char *ps = cell(v, F_CHUONG_TRINH, &pn);
    read_task *t = v->t;
    if (t->programme == -2) { /* the file's own setting, resolved once */
        const char *fp = t->in->settings ? t->in->settings->programme : NULL;
        t->programme = fp ? catalogue_find_programme(t->cat, fp, strlen(fp)) : -1;
        if (fp && t->programme < 0) t->programme = -3;
    }
    if (is_blank(ps, pn) && t->programme == -3)
        return reject(v, F_MA_DU_AN, "chương trình của tệp ([file.*] chuong_trinh) không có trong danh mục"), -1;
    if (!is_blank(ps, pn) || t->programme >= 0) { /* the row's programme: its codes only */
        const catalogue *cat = t->cat;
        int g = is_blank(ps, pn) ? t->programme : catalogue_find_programme(cat, ps, pn);
        if (g < 0) return reject(v, F_CHUONG_TRINH, "chương trình không có trong danh mục"), -1;
        *id = catalogue_find_project_in(cat, g, s, n);
        if (*id < 0) return reject(v, F_MA_DU_AN, "mã không có trong danh mục của chương trình này"), -1;
        return 0;
    }
    *id = cached(&v->t->sink->project_cache, s, n, v->t->cat, catalogue_find_project);
    if (*id < 0) return reject(v, F_MA_DU_AN, "mã dự án không có trong danh mục"), -1;
    return 0;
}

static int parse_source(const row_view *v, int *id)
{
    size_t n;
    const char *s = cell(v, F_NGUON_VON, &n);
    if (is_blank(s, n)) return reject(v, F_NGUON_VON, "thiếu nguồn vốn"), -1;
    *id = cached(&v->t->sink->source_cache, s, n, v->t->cat, catalogue_find_source);
    if (*id < 0) return reject(v, F_NGUON_VON, "nguồn vốn không có trong danh mục"), -1;
    return 0;
}

static int parse_unit(const row_view *v, uint32_t *id)
{
    read_task *t = v->t;
    static const field_id uf[6] = {F_MA_TINH, F_TEN_TINH, F_MA_HUYEN,
                                   F_TEN_HUYEN, F_MA_XA, F_TEN_XA};
    const char *s[6];
    size_t n[6];
    strbuf_reset(&t->key);
    for (int i = 0; i < 6; i++) {
        s[i] = cell(v, uf[i], &n[i]);
        /* Cells are NUL-terminated: n + 1 bytes keep the fields apart. */
        strbuf_add(&t->key, s[i], n[i] + 1);
    }
    int u = strmap_get(&t->sink->unit_cache, t->key.buf, t->key.len);
    if (u < 0) {
        unit_ref ref = {s[0], s[1], s[2], s[3], s[4], s[5],
                        n[0], n[1], n[2], n[3], n[4], n[5]};
        uint64_t pos = row_pos(v);
        u = units_resolve(&t->sink->units, &ref, t->cfg->unit.province_code
                          ? t->cfg->unit.province_code : "",
                          t->cfg->unit.province_name ? t->cfg->unit.province_name : "", pos);
        if (u < 0) return reject(v, F_TEN_XA, "tên đơn vị không phải UTF-8 hợp lệ"), -1;
        strmap_put(&t->sink->unit_cache, t->key.buf, t->key.len, u);
    }
    *id = (uint32_t)u;
    return 0;
}

/* Fields every money row shares: years, unit, project, source. */
static int parse_key(const row_view *v, cube_key *k)
{
    int year, cap_year, project, source;
    uint32_t unit;
    if (parse_year(v, F_NAM, 0, &year) < 0) return -1;
    if (parse_year(v, F_NAM_VON, year, &cap_year) < 0) return -1;
    if (cap_year > year) return reject(v, F_NAM_VON, "năm vốn sau năm kế hoạch"), -1;
    if (parse_unit(v, &unit) < 0 || parse_project(v, &project) < 0 ||
        parse_source(v, &source) < 0)
        return -1;
    *k = (cube_key){unit, (uint16_t)project, (uint16_t)source, (uint16_t)year,
                    (uint16_t)cap_year};
    return 0;
}

static void accept(read_task *t, int year)
{
    t->accepted++;
    if (year != t->cfg->year) t->other_year++;
}

static void plan_row(const row_view *v)
{
    cube_key k;
    int64_t amount;
    if (parse_key(v, &k) < 0) return;
    if (parse_amount(v, F_KE_HOACH, v->t->cfg->amount_scale, 0, &amount) < 0) return;
    size_t n;
    const char *what = cell(v, F_NOI_DUNG, &n);
    if (!is_blank(what, n) &&
        contents_add(&v->t->sink->items, k.unit, k.project, k.year, what, n, row_pos(v)) < 0) {
        reject(v, F_NOI_DUNG, "không phải UTF-8 hợp lệ");
        return;
    }
    cube_add_plan(&v->t->sink->cube, &k, amount);
    accept(v->t, k.year);
}

static void disb_row(const row_view *v)
{
    read_task *t = v->t;
    cube_key k;
    int64_t amount;
    int date;
    if (parse_key(v, &k) < 0 || parse_date(v, F_NGAY, 0, &date) < 0) return;
    if (parse_amount(v, F_GIAI_NGAN, t->cfg->amount_scale, 0, &amount) < 0) return;
    if (date > t->cfg->as_of) {
        t->skipped++;
        return;
    }
    if (t->cfg->disbursement == DISB_SNAPSHOT)
        cube_put_snapshot(&t->sink->cube, &k, date, row_pos(v), amount);
    else
        cube_add_payment(&t->sink->cube, &k, amount);
    accept(t, k.year);
}

static void indicator_row(const row_view *v)
{
    read_task *t = v->t;
    int year, project, date, name, uom;
    uint32_t unit;
    int64_t target, achieved;
    size_t nn, un;
    const char *ns = cell(v, F_CHI_TIEU, &nn), *us = cell(v, F_DON_VI, &un);
    if (parse_year(v, F_NAM, 0, &year) < 0 || parse_unit(v, &unit) < 0 ||
        parse_project(v, &project) < 0)
        return;
    if (is_blank(ns, nn)) return (void)reject(v, F_CHI_TIEU, "thiếu tên chỉ tiêu");
    if (is_blank(us, un)) return (void)reject(v, F_DON_VI, "thiếu đơn vị tính");
    if (parse_amount(v, F_KE_HOACH, 3, 0, &target) < 0 ||
        parse_amount(v, F_THUC_HIEN, 3, 1, &achieved) < 0 ||
        parse_date(v, F_NGAY, 1, &date) < 0)
        return;
    if ((name = indicators_intern_name(&t->sink->ind, ns, nn, row_pos(v))) < 0)
        return (void)reject(v, F_CHI_TIEU, "không phải UTF-8 hợp lệ");
    if ((uom = indicators_intern_uom(&t->sink->ind, us, un, row_pos(v))) < 0)
        return (void)reject(v, F_DON_VI, "không phải UTF-8 hợp lệ");
    if (date > t->cfg->as_of) {
        t->skipped++;
        return;
    }
    indicators_add(&t->sink->ind, unit, project, year, name, uom, target, achieved);
    accept(t, year);
}

static void control_row(const row_view *v)
{
    int year, cap_year, project = -1, source;
    int64_t amount;
    size_t n;
    const char *code = cell(v, F_MA_DU_AN, &n);
    if (parse_year(v, F_NAM, 0, &year) < 0 || parse_year(v, F_NAM_VON, year, &cap_year) < 0)
        return;
    if (!is_blank(code, n) && parse_project(v, &project) < 0) return;
    if (parse_source(v, &source) < 0 ||
        parse_amount(v, F_GIAO, v->t->cfg->amount_scale, 0, &amount) < 0)
        return;
    controls_add(&v->t->sink->checks, year, cap_year, project, source, amount);
    accept(v->t, year);
}

/* A row repeating an earlier one: counted (and listed), or rejected. */
static int is_duplicate(row_view *v)
{
    read_task *t = v->t;
    if (t->cfg->duplicates == DUP_OFF) return 0;
    long first;
    uint64_t fp = dup_fingerprint(v->text, v->len, F_COUNT);
    if (!dup_check(&t->seen, fp, v->r->index, &first)) return 0;
    if (t->cfg->duplicates == DUP_REJECT) {
        long row = first + inputs_first_row(t->in);
        char why[96];
        snprintf(why, sizeof why, "dòng trùng hoàn toàn với dòng %ld", row);
        reject(v, -1, why);
        return 1;
    }
    if (t->ndup_examples < 8) {
        t->dup_examples[2 * t->ndup_examples] = v->r->index;
        t->dup_examples[2 * t->ndup_examples + 1] = first;
        t->ndup_examples++;
    }
    t->duplicates++;
    return 0;
}

static int row_is_empty(const record *r)
{
    for (int i = 0; i < r->n; i++)
        if (!is_blank(r->cell[i], r->len[i])) return 0;
    return 1;
}

int read_task_row(void *task, const record *r)
{
    read_task *t = task;
    row_view v = {.t = t, .r = r};
    view_fields(&v);
    guess_legacy(&v);
    if ((++t->read & 4095) == 0) progress_add(4096, 0); /* for the progress line */
    if (r->n >= 0 && row_is_empty(r)) {
        t->skipped++;
        return 0;
    }
    /* A CSV row with another number of cells is broken quoting; a sheet
     * simply leaves out the empty cells at the end of a row. */
    int sheet = t->in->format == FMT_XLSX || t->in->format == FMT_XLS;
    if (sheet ? r->n < 0 : r->n != t->in->lay.ncols) {
        strbuf why = STRBUF_INIT;
        strbuf_addf(&why, "số cột (%d) khác dòng tiêu đề (%d)", r->n, t->in->lay.ncols);
        reject(&v, -1, why.buf);
        strbuf_release(&why);
        return 0;
    }
    if (is_duplicate(&v)) return 0;
    switch (t->in->lay.kind) {
    case KIND_PLAN: plan_row(&v); break;
    case KIND_DISB: disb_row(&v); break;
    case KIND_CONTROL: control_row(&v); break;
    default: indicator_row(&v); break;
    }
    return t->failed;
}

/* Streamed formats: rows above the header (titles) and the header itself
 * are not data; the first row that maps every required column is the
 * header. */
static int stream_row(void *task, const record *r)
{
    read_task *t = task;
    if (t->in->have_layout) return read_task_row(t, r);
    if (inputs_take_header(t->in, r, t->cfg, &t->no_header)) return 0;
    return r->index + 1 >= INPUTS_HEADER_SEARCH; /* give up: no header */
}

/* The VNI table, from templates/encodings, when the file needs it, and
 * the converter of its legacy-font columns. */
static int load_converters(read_task *t)
{
    if (t->in->encoding == ENC_VNI || t->in->legacy == ENC_VNI) {
        char *path = config_template_path(t->cfg, "encodings/vni.txt");
        t->vni = decode_vni_load(path, &t->err);
        free(path);
        if (!t->vni) return -1;
    }
    if (t->in->legacy_fields &&
        !(t->cells = decode_cells_new((text_encoding)t->in->legacy, t->vni, &t->err)))
        return -1;
    return 0;
}

static int read_decoded(read_task *t)
{
    decoder *d = decode_new_vni((text_encoding)t->in->encoding, t->vni, &t->err);
    if (!d) return -1;
    int rc = csv_stream_decoded(t->in->path, t->in->delim, d, stream_row, t, &t->err);
    decode_free(d);
    return rc;
}

void read_task_run(read_task *t)
{
    if (load_converters(t) < 0) {
        t->failed = 1;
        return;
    }
    const input_file *in = t->in;
    const char *sheet = in->settings ? in->settings->sheet : NULL;
    int rc;
    xlsx_limits lim;
    switch (in->format) {
    case FMT_XLS:
        rc = xls_stream_read(in->path, sheet, stream_row, t, &t->err);
        break;
    case FMT_XLSX:
        xlsx_limits_default(&lim);
        rc = xlsx_stream_read(in->path, sheet, &lim, stream_row, t, &t->err);
        break;
    case FMT_CSV_DECODED:
        rc = read_decoded(t);
        break;
    default:
        rc = csv_stream_range(in->path, in->head.delim, t->begin, t->end, read_task_row, t,
                              &t->clean_end, NULL, &t->err);
        break;
    }
    progress_add(t->read & 4095, 0); /* the rows not yet counted in a batch */
    if (rc < 0) {
        t->failed = 1;
    } else if (!in->have_layout) {
        strbuf_addf(&t->err, "%s: không tìm thấy dòng tiêu đề trong %d dòng đầu", in->path,
                    INPUTS_HEADER_SEARCH);
        if (t->no_header.len) strbuf_addf(&t->err, " (dòng đầu: %s)", t->no_header.buf);
        t->failed = 1;
    }
}
