/*
 * The row parser. Every row ends in exactly one of: accepted (added to the
 * aggregates), skipped (empty, or dated after the as-of date), rejected
 * (spooled with its reason). The counts are the proof nothing was lost.
 */
#include "read_task.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util/date.h"
#include "../util/decimal.h"
#include "../util/text.h"
#include "csv_stream.h"
#include "decode.h"
#include "xls_stream.h"
#include "wide_rows.h"
#include "xlsx_stream.h"
#include "../util/progress.h"
#include "../util/regfile.h"
#include "../util/syserr.h"

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
    s->last_unit_key = (strbuf)STRBUF_INIT;
    s->last_unit = -1;
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
    strbuf_release(&s->last_unit_key);
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
    t->project_memo.text = (strbuf)STRBUF_INIT;
    t->source_memo.text = (strbuf)STRBUF_INIT;
    t->notes = (strbuf)STRBUF_INIT;
    dup_init(&t->seen);
    strmap_init(&t->held_keys);
}

void read_task_free(read_task *t)
{
    rejects_close(&t->rejects);
    strbuf_release(&t->err);
    strbuf_release(&t->key);
    strbuf_release(&t->msg);
    strbuf_release(&t->fields);
    strbuf_release(&t->no_header);
    strbuf_release(&t->project_memo.text);
    strbuf_release(&t->source_memo.text);
    strbuf_release(&t->notes);
    decode_cells_free(t->cells);
    decode_vni_free(t->vni);
    dup_free(&t->seen);
    dup_spill_close(&t->spill);
    sha256_stream_free(t->sha);
    for (int i = 0; i < t->nheld; i++) {
        free(t->held[i].unit_key);
        free(t->held[i].rows);
    }
    free(t->held);
    strmap_free(&t->held_keys);
    free(t->totals);
    free(t->pending);
    free(t->cell_flags);
    wide_rows_free(t);
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

/* The six cells that name a row's unit, in the order of its key. */
static const field_id unit_fields[6] = {F_MA_TINH, F_TEN_TINH, F_MA_HUYEN,
                                        F_TEN_HUYEN, F_MA_XA, F_TEN_XA};

/* What a cell holds that the row parser must look at again: a NUL, a
 * byte of 0x80 or more (UTF-8 to check), a line feed (swallowed rows). */
enum { CELL_HAS_NUL = 1, CELL_HAS_HIGH = 2, CELL_HAS_NL = 4 };

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
    const layout *lay = &t->in->lay;
    if (!v->r->type && !t->in->legacy_fields) { /* a CSV's text cells, as they are */
        memset(v->type, CELL_TEXT, sizeof v->type);
        for (int f = 0; f < F_COUNT; f++) {
            int c = lay->col_of[f];
            if (c >= 0 && c < v->r->n)
                v->text[f] = v->r->cell[c], v->len[f] = v->r->len[c];
            else if (c < 0 && lay->fixed[f])
                v->text[f] = lay->fixed[f], v->len[f] = strlen(lay->fixed[f]);
            else
                v->text[f] = "", v->len[f] = 0;
        }
        return;
    }
    size_t off[F_COUNT];
    strbuf_reset(&t->fields);
    for (int f = 0; f < F_COUNT; f++) {
        int c = t->in->lay.col_of[f];
        v->text[f] = "", v->len[f] = 0, v->type[f] = CELL_TEXT, off[f] = (size_t)-1;
        if (c < 0 && t->in->lay.fixed[f]) /* a value the file does not carry */
            v->text[f] = t->in->lay.fixed[f], v->len[f] = strlen(t->in->lay.fixed[f]);
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
        t->failed = t->temp_failed = 1;
    }
    t->rejected++;
    return 0;
}

static int parse_year(const row_view *v, field_id f, int dflt, int *year)
{
    size_t n;
    const char *s = cell(v, f, &n);
    /* Four digits, as nearly every year cell is: read here, not through
     * the number parser (two year cells a row were 5% of reading). */
    if (n == 4 && (unsigned)(s[0] - '0') < 10 && (unsigned)(s[1] - '0') < 10 &&
        (unsigned)(s[2] - '0') < 10 && (unsigned)(s[3] - '0') < 10) {
        int y4 = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
        if (y4 >= 2000 && y4 <= 2100) {
            *year = y4;
            return 0;
        }
    }
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

static const char *conv_words(int conv)
{
    return conv == NUMCONV_EN ? "dấu chấm thập phân (1234.5 hoặc 1,234.5)" : "quy ước Việt Nam (1.234,5)";
}

/* How conv reads s, in our own (Vietnamese) writing, or "không phải số". */
static void reading_of(strbuf *sb, const char *s, size_t n, int conv, int scale)
{
    int64_t x;
    if (decimal_parse_strict(s, n, (num_convention)conv, scale, &x) == NUM_OK)
        decimal_format(sb, x, scale, scale, DECIMAL_TRIM_ZEROS);
    else
        strbuf_adds(sb, "không phải số");
}

static void keep_text(char *dst, size_t cap, const char *s, size_t n)
{
    snprintf(dst, cap, "%.*s", (int)(n < cap - 1 ? n : cap - 1), s);
}

/* Column c settled to conv by the value s of row v (firm: only conv reads it). */
static void settle(const row_view *v, col_conv *c, int conv, int firm, const char *s, size_t n)
{
    const read_task *t = v->t;
    c->settled = (signed char)conv;
    c->firm = (signed char)firm;
    int first_range = t->in->format != FMT_CSV || t->begin == t->in->head.body_start;
    c->row = first_range ? v->r->index + inputs_first_row(t->in) : 0;
    keep_text(c->value, sizeof c->value, s, n);
}

/*
 * The convention to read the text amount s of column f by (see col_conv),
 * or -1 when only the convention the column is firmly settled against
 * reads it: the row is then rejected with both readings in the reason.
 */
static int text_convention(const row_view *v, field_id f, const char *s, size_t n, int scale)
{
    read_task *t = v->t;
    col_conv *c = &t->conv[f];
    switch (decimal_classify(s, n)) {
    case NUMFORM_NONE:
        return t->in->numconv; /* no separator: both read it alike */
    case NUMFORM_AMBIGUOUS: {
        int conv = c->settled >= 0 ? c->settled : t->in->numconv;
        if (c->amb_read[0] + c->amb_read[1] == 0) keep_text(c->amb_value, sizeof c->amb_value, s, n);
        c->amb_read[conv]++;
        return conv;
    }
    case NUMFORM_PLAIN:
        if (c->settled < 0) settle(v, c, NUMCONV_EN, 0, s, n);
        return NUMCONV_EN; /* the plain reading is the only one */
    case NUMFORM_VI:
        if (c->settled < 0 || (c->settled == NUMCONV_EN && !c->firm)) settle(v, c, NUMCONV_VI, 1, s, n);
        if (c->settled == NUMCONV_VI) return NUMCONV_VI;
        break;
    case NUMFORM_EN:
        if (c->settled < 0) settle(v, c, NUMCONV_EN, 1, s, n);
        if (c->settled == NUMCONV_EN) return NUMCONV_EN;
        break;
    }
    int own = 1 - c->settled;
    c->contradicting++;
    strbuf why = STRBUF_INIT;
    strbuf_addf(&why, "số không hợp lệ trong cột này: \"%.*s\" chỉ đọc được theo %s: ", (int)n, s,
                conv_words(own));
    reading_of(&why, s, n, own, scale);
    strbuf_addf(&why, "; nhưng cột này viết theo %s (", conv_words(c->settled));
    if (c->row) strbuf_addf(&why, "dòng %ld: ", c->row);
    strbuf_addf(&why, "\"%s\"), theo đó: ", c->value);
    reading_of(&why, s, n, c->settled, scale);
    reject(v, f, why.buf);
    strbuf_release(&why);
    return -1;
}

static int parse_amount(const row_view *v, field_id f, int scale, int optional,
                        int64_t *out)
{
    size_t n;
    const char *s = cell(v, f, &n);
    if (v->type[f] != CELL_TEXT && v->type[f] != CELL_NUMBER)
        return reject(v, f, "ô không phải số"), -1;
    if (INPUTS_IS_SHEET(v->t->in->format)) {
        cell_mix *m = &v->t->mix[f];
        if (v->type[f] == CELL_NUMBER) m->numbers++;
        else if (!is_blank(s, n) && m->texts++ < 4) m->text_rows[m->texts - 1] = v->r->index + 1;
    }
    /* A number the spreadsheet stored is that number, whatever the
     * convention for numbers written as text. */
    int conv = v->type[f] == CELL_NUMBER ? 0 : text_convention(v, f, s, n, scale);
    if (conv < 0) return -1;
    num_status st = v->type[f] == CELL_NUMBER ? decimal_parse_stored(s, n, scale, out)
                                              : decimal_parse(s, n, (num_convention)conv, scale, out);
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

/* Whether m holds the cells a and b (texts with no NUL: bad_bytes); its id in *id. */
static int memo_get(const text_memo *m, const char *a, size_t an, const char *b, size_t bn, int *id)
{
    const char *t = m->text.buf;
    if (m->text.len != an + bn + 2 || memcmp(t, a, an) || t[an] || memcmp(t + an + 1, b, bn)) return 0;
    *id = m->id;
    return 1;
}

static void memo_put(text_memo *m, const char *a, size_t an, const char *b, size_t bn, int id)
{
    strbuf_reset(&m->text);
    strbuf_add(&m->text, a, an);
    strbuf_addch(&m->text, '\0');
    strbuf_add(&m->text, b, bn);
    strbuf_addch(&m->text, '\0');
    m->id = id;
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
    if (memo_get(&t->project_memo, s, n, "", 0, id)) return 0;
    *id = cached(&v->t->sink->project_cache, s, n, v->t->cat, catalogue_find_project);
    if (*id < 0) return reject(v, F_MA_DU_AN, "mã dự án không có trong danh mục"), -1;
    memo_put(&t->project_memo, s, n, "", 0, *id);
    return 0;
}

static int parse_source(const row_view *v, int *id)
{
    size_t n;
    const char *s = cell(v, F_NGUON_VON, &n);
    if (is_blank(s, n)) return reject(v, F_NGUON_VON, "thiếu nguồn vốn"), -1;
    size_t tn;
    const char *ts = cell(v, F_LOAI_VON, &tn);
    if (memo_get(&v->t->source_memo, s, n, ts, tn, id)) return 0; /* found for the same cells */
    if (!is_blank(ts, tn)) { /* "NSTW" | "Đầu tư phát triển": a group and a type */
        read_task *t = v->t;
        strbuf *k = &t->key; /* scratch: the row's unit key is the sink's last_unit_key */
        strbuf_reset(k);
        strbuf_add(k, s, n + 1); /* NUL-ended: the two cells stay apart */
        strbuf_add(k, ts, tn);
        *id = strmap_get(&t->sink->source_cache, k->buf, k->len);
        if (*id == -1) {
            *id = catalogue_find_source_of(t->cat, s, n, ts, tn);
            strmap_put(&t->sink->source_cache, k->buf, k->len, *id < 0 ? -2 : *id);
        }
        if (*id < 0)
            return reject(v, F_LOAI_VON, "nguồn vốn và loại vốn không ứng với nguồn nào của danh mục"), -1;
        memo_put(&t->source_memo, s, n, ts, tn, *id);
        return 0;
    }
    *id = cached(&v->t->sink->source_cache, s, n, v->t->cat, catalogue_find_source);
    if (*id < 0) return reject(v, F_NGUON_VON, "nguồn vốn không có trong danh mục"), -1;
    memo_put(&v->t->source_memo, s, n, ts, tn, *id);
    return 0;
}

/* FNV-1a, 64 bits. */
static uint64_t fnv(uint64_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 0x100000001b3ULL;
    return h;
}

/*
 * The row's unit. Exports list a commune's rows together, so the row's
 * six unit cells are first compared in place with the last row's (the
 * sink's last_unit_key): the same, the same unit, with nothing copied.
 * Otherwise the key is built (each cell NUL-ended) and looked up.
 */
static int parse_unit(const row_view *v, uint32_t *id)
{
    read_task *t = v->t;
    read_sink *k = t->sink;
    const char *s[6];
    size_t n[6];
    int same = k->last_unit >= 0;
    const char *at = k->last_unit_key.buf;
    for (int i = 0; i < 6; i++) {
        s[i] = cell(v, unit_fields[i], &n[i]);
        if (same) same = n[i] == k->last_unit_len[i] && !memcmp(at, s[i], n[i]), at += n[i] + 1;
    }
    if (same) {
        *id = (uint32_t)k->last_unit;
        return 0;
    }
    strbuf_reset(&t->key);
    for (int i = 0; i < 6; i++) /* cells are NUL-terminated: n + 1 bytes keep them apart */
        strbuf_add(&t->key, s[i], n[i] + 1);
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
    strbuf_reset(&k->last_unit_key);
    strbuf_add(&k->last_unit_key, t->key.buf, t->key.len);
    memcpy(k->last_unit_len, n, sizeof n);
    k->last_unit = u;
    /* From this key, not from the unit: the same commune written another
     * way by another file of this thread would give a copy of a file read
     * on the other thread another signature (same_content). */
    k->last_unit_sig = fnv(0xcbf29ce484222325ULL, t->key.buf, t->key.len) | 1;
    *id = (uint32_t)u;
    return 0;
}

/*
 * A row whose unit code does not exist at the row's date (first..last,
 * yyyymmdd; a whole year for a row with only a year): a new commune's code
 * before the crosswalk's hieu_luc, or an old commune's or district's code
 * after it. Rejected at the code's column rather than grouped: the row's
 * unit or its date is wrong, and which one only the office knows. -1 then.
 */
static int unit_in_force(const row_view *v, uint32_t unit, int first, int last)
{
    read_task *t = v->t;
    if (!t->cw) return 0;
    const units *u = &t->sink->units;
    const char *code = crosswalk_unit_code(u, (int)unit);
    int m;
    cw_when w = code && *code ? crosswalk_when(t->cw, code, first, last, &m) : CW_IN_FORCE;
    if (w == CW_IN_FORCE) return 0;
    const cw_move *mv = &t->cw->moves[m];
    int commune = u->units[unit].kind == UNIT_COMMUNE;
    field_id f = commune ? (t->in->lay.col_of[F_MA_XA] >= 0 ? F_MA_XA : F_TEN_XA)
                         : (t->in->lay.col_of[F_MA_HUYEN] >= 0 ? F_MA_HUYEN : F_TEN_HUYEN);
    strbuf why = STRBUF_INIT;
    if (w == CW_NOT_YET)
        strbuf_addf(&why, "mã %s là xã mới (%s), chỉ có từ ngày ", code, mv->new_name);
    else
        strbuf_addf(&why, "mã %s là %s cũ, đã nhập vào xã %s (%s) từ ngày ", code,
                    commune ? "xã" : "huyện", mv->new_code, mv->new_name);
    date_short(&why, mv->effective);
    strbuf_adds(&why, " (bảng chuyển đổi); dòng ");
    if (first == last) {
        strbuf_adds(&why, "ngày ");
        date_short(&why, first);
    } else {
        strbuf_addf(&why, "năm %d", first / 10000);
    }
    if (w == CW_NOT_YET) /* or the new commune kept an old one's code, and the table lacks that line */
        strbuf_addf(&why, " phải mang mã đơn vị cũ (nếu xã mới giữ mã của một xã cũ, thêm vào bảng dòng "
                          "ma_cu = ma_moi = %s)", code);
    else
        strbuf_adds(&why, " phải mang mã xã mới");
    reject(v, f, why.buf);
    strbuf_release(&why);
    return -1;
}

/* A row with only a year: all of it. */
static int year_first(int year) { return year * 10000 + 101; }
static int year_last(int year) { return year * 10000 + 1231; }

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

/*
 * An amount beyond what one row of its level can plausibly hold (config
 * max_amount_*): rejected with the likely cause, the file's unit, named
 * (đồng read as triệu is a thousand million times too much). -1 then.
 */
static int plausible(const row_view *v, field_id f, int level, int64_t amount)
{
    read_task *t = v->t;
    int64_t max = t->cfg->max_amount[level], a = amount < 0 ? -amount : amount;
    t->money_rows++;
    if (a <= max) return 0;
    static const char *const levels[3] = {"cấp xã", "cấp huyện", "cấp tỉnh"};
    int scale = inputs_amount_scale(t->in, f);
    const char *hint = scale >= 6 && a / 1000000 <= max ? "dong"
                     : scale >= 3 && a / 1000 <= max ? (scale == 6 ? "nghin" : "dong") : NULL;
    if (!t->unit_hint) t->unit_hint = hint;
    t->implausible++;
    strbuf why = STRBUF_INIT, sb = STRBUF_INIT;
    decimal_format(&sb, a, 6, 3, DECIMAL_TRIM_WHOLE);
    strbuf_addf(&why, "số tiền %s triệu đồng vượt mức hợp lý của một dòng %s (", sb.buf, levels[level]);
    strbuf_reset(&sb);
    decimal_format(&sb, max, 6, 3, DECIMAL_TRIM_WHOLE);
    strbuf_addf(&why, "%s triệu đồng, max_amount_%s)", sb.buf, level == 0 ? "xa" : level == 1 ? "huyen" : "tinh");
    if (hint)
        strbuf_addf(&why, "; số tiền có vẻ tính bằng %s: đặt amount_unit = %s cho tệp này",
                    !strcmp(hint, "dong") ? "đồng" : "nghìn đồng", hint);
    reject(v, f, why.buf);
    strbuf_release(&why);
    strbuf_release(&sb);
    return -1;
}

/* The level of a row's unit, for its ceiling. */
static int unit_level(const read_task *t, uint32_t unit)
{
    return (int)t->sink->units.units[unit].kind;
}

/* The running sums a total row is checked against (saturating: a sum
 * past int64 matches no total row). */
static void add_sum(read_task *t, int64_t amount)
{
    if (__builtin_add_overflow(t->sum, amount, &t->sum)) t->sum = INT64_MAX;
    if (__builtin_add_overflow(t->segment, amount, &t->segment)) t->segment = INT64_MAX;
}

/*
 * A row coded to a project that has sub-projects: held in its group
 * (unit, project, source, years, measure) until ingest knows the
 * sub-project rows, never added at once. Returns 1 when held.
 */
static int hold_parent(const row_view *v, const cube_key *k, int disbursed, int64_t amount)
{
    read_task *t = v->t;
    if (t->cat->projects[k->project].nchildren == 0) return 0;
    const strbuf *unit_key = &t->sink->last_unit_key; /* parse_unit read this row's unit */
    strbuf key = STRBUF_INIT;
    strbuf_add(&key, unit_key->buf, unit_key->len);
    uint16_t parts[5] = {k->project, k->source, k->year, k->cap_year, (uint16_t)disbursed};
    strbuf_add(&key, parts, sizeof parts);
    int g = strmap_get(&t->held_keys, key.buf, key.len);
    if (g < 0) {
        ALLOC_GROW(t->held, t->nheld + 1, t->held_alloc);
        g = t->nheld++;
        held_group *h = &t->held[g];
        memset(h, 0, sizeof *h);
        h->unit_key = xmalloc(unit_key->len + 1);
        memcpy(h->unit_key, unit_key->buf, unit_key->len);
        h->unit_len = unit_key->len;
        h->key = *k;
        h->disbursed = disbursed;
        strmap_put(&t->held_keys, key.buf, key.len, g);
    }
    strbuf_release(&key);
    held_group *h = &t->held[g];
    ALLOC_GROW(h->rows, h->nrows + 1, h->rows_alloc);
    h->rows[h->nrows++] = v->r->index;
    if (__builtin_add_overflow(h->sum, amount, &h->sum)) h->sum = INT64_MAX;
    if (__builtin_add_overflow(t->seg_held, amount, &t->seg_held)) t->seg_held = INT64_MAX;
    t->held_rows++;
    return 1;
}

/*
 * Add a row to the task's content signature: its unit as the row writes
 * it (hashed once per run of rows of one unit: codes get their zeros back
 * from a spreadsheet, so a CSV and its .xlsx agree) and its parsed values,
 * never the text of its numbers. unit < 0: a row with no unit.
 */
static void sign_row(read_task *t, long unit, const int64_t *vals, size_t nvals)
{
    uint64_t h = 0x9e3779b97f4a7c15ULL * (uint64_t)(t->in->lay.kind + 1);
    if (unit >= 0) h ^= t->sink->last_unit_sig; /* parse_unit read this row's unit */
    for (size_t i = 0; i < nvals; i++) { /* a multiply-xorshift mix per value */
        h = (h ^ (uint64_t)vals[i]) * 0xbf58476d1ce4e5b9ULL;
        h ^= h >> 31;
    }
    t->sig_sum += h;
    t->sig_xor ^= h * 0x94d049bb133111ebULL;
    t->sig_rows++;
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
    if (parse_amount(v, F_KE_HOACH, inputs_amount_scale(v->t->in, F_KE_HOACH), 0, &amount) < 0 ||
        plausible(v, F_KE_HOACH, unit_level(v->t, k.unit), amount) < 0 ||
        unit_in_force(v, k.unit, year_first(k.year), year_last(k.year)) < 0)
        return;
    size_t n;
    const char *what = cell(v, F_NOI_DUNG, &n);
    if (!is_blank(what, n) &&
        contents_add(&v->t->sink->items, k.unit, k.project, k.year, what, n, row_pos(v)) < 0) {
        reject(v, F_NOI_DUNG, "không phải UTF-8 hợp lệ");
        return;
    }
    int64_t sig[] = {k.project, k.source, k.year, k.cap_year, amount};
    sign_row(v->t, k.unit, sig, 5);
    if (hold_parent(v, &k, 0, amount)) return;
    cube_add_plan(&v->t->sink->cube, &k, amount);
    add_sum(v->t, amount);
    accept(v->t, k.year);
}

static void disb_row(const row_view *v)
{
    read_task *t = v->t;
    cube_key k;
    int64_t amount;
    int date;
    if (parse_key(v, &k) < 0 || parse_date(v, F_NGAY, 0, &date) < 0) return;
    if (parse_amount(v, F_GIAI_NGAN, inputs_amount_scale(t->in, F_GIAI_NGAN), 0, &amount) < 0 ||
        plausible(v, F_GIAI_NGAN, unit_level(t, k.unit), amount) < 0 ||
        (date <= t->cfg->as_of && unit_in_force(v, k.unit, date, date) < 0))
        return;
    int64_t sig[] = {k.project, k.source, k.year, k.cap_year, amount, date};
    sign_row(t, k.unit, sig, 6);
    if (date > t->cfg->as_of) {
        t->skipped++;
        return;
    }
    if (t->cfg->disbursement == DISB_SNAPSHOT) {
        cube_put_snapshot(&t->sink->cube, &k, date, row_pos(v), amount);
    } else {
        if (hold_parent(v, &k, 1, amount)) return;
        cube_add_payment(&t->sink->cube, &k, amount);
    }
    add_sum(t, amount);
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
    if (unit_in_force(v, unit, date ? date : year_first(year), date ? date : year_last(year)) < 0) return;
    int64_t sig[] = {project, year, target, achieved, date, (int64_t)nn, (int64_t)un};
    sign_row(t, unit, sig, 7);
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
        parse_amount(v, F_GIAO, inputs_amount_scale(v->t->in, F_GIAO), 0, &amount) < 0 ||
        plausible(v, F_GIAO, UNIT_PROVINCE_LEVEL, amount) < 0)
        return;
    int64_t sig[] = {year, cap_year, project, source, amount};
    sign_row(v->t, -1, sig, 5);
    controls_add(&v->t->sink->checks, year, cap_year, project, source, amount);
    add_sum(v->t, amount);
    accept(v->t, year);
}

/*
 * A quote opened in a cell and closed lines later is legal CSV (a note
 * with line breaks), but when the lines it holds look like whole rows (as
 * many delimiters as the header) it swallowed them: the record is
 * rejected as the range of lines it covers, naming where the quote opened
 * and closed, instead of adding one row and losing the others.
 */
static int swallowed_rows(const row_view *v, unsigned row_flags)
{
    read_task *t = v->t;
    const record *r = v->r;
    char delim = t->in->format == FMT_CSV ? t->in->head.delim : t->in->delim;
    if (!(row_flags & CELL_HAS_NL) || (t->in->format != FMT_CSV && t->in->format != FMT_CSV_DECODED) ||
        !delim || r->n <= 0)
        return 0;
    int need = t->in->lay.ncols - 1;
    long lines = 0, rowlike = 0;
    int where = -1;
    for (int c = 0; c < r->n; c++) {
        const char *s = r->cell[c], *end = s + r->len[c], *nl = memchr(s, '\n', r->len[c]);
        while (nl) {
            lines++;
            const char *next = memchr(nl + 1, '\n', (size_t)(end - nl - 1));
            const char *stop = next ? next : end;
            int d = 0;
            for (const char *p = nl + 1; p < stop; p++) d += *p == delim;
            if (d >= need && need > 0) rowlike++, where = where < 0 ? c : where;
            nl = next;
        }
    }
    if (!rowlike) return 0;
    strbuf why = STRBUF_INIT, col = STRBUF_INIT;
    layout_column_label(&t->in->lay, where, &col);
    strbuf_addf(&why, "dấu ngoặc kép mở trong ô này không đóng trên dòng của nó: %ld dòng trông như "
                "dòng dữ liệu bị gộp vào một ô (sửa dấu \" trong tệp)", rowlike);
    if (rejects_add_span(&t->rejects, r->index, lines, col.buf, r->cell[where], r->len[where], why.buf) < 0 &&
        !t->failed) {
        strbuf_addf(&t->err, "không ghi được danh sách dòng bị loại (tệp tạm)");
        t->failed = t->temp_failed = 1;
    }
    t->rejected++;
    strbuf_release(&why);
    strbuf_release(&col);
    return 1;
}

/*
 * The CELL_HAS_* of s[0..n): one pass, eight bytes a step, as this runs
 * on every cell of every row. (w - 0x01..) & ~w has a high bit set exactly
 * when w has a zero byte (x ^ '\n' for a line feed). A short cell is read
 * as overlapping words: a byte seen twice changes none of the answers.
 */
static unsigned cell_scan(const char *s, size_t n)
{
    const uint64_t ones = 0x0101010101010101ull, highs = ones << 7, lfs = ones * '\n';
    uint64_t any = 0, nul = 0, nl = 0, w;
#define SCAN_WORD(x) (any |= (x), nul |= ((x) - ones) & ~(x), nl |= (((x) ^ lfs) - ones) & ~((x) ^ lfs))
    if (n >= 8) {
        size_t i = 0;
        for (; i + 8 <= n; i += 8) {
            memcpy(&w, s + i, 8);
            SCAN_WORD(w);
        }
        if (i < n) {
            memcpy(&w, s + n - 8, 8);
            SCAN_WORD(w);
        }
    } else if (n >= 4) {
        uint32_t a, b;
        memcpy(&a, s, 4);
        memcpy(&b, s + n - 4, 4);
        w = (uint64_t)a | (uint64_t)b << 32;
        SCAN_WORD(w);
    } else if (n) { /* 1 to 3 bytes, the rest spaces (none of the three) */
        const unsigned char *u = (const unsigned char *)s;
        w = 0x2020202020000000ull | u[0] | (uint64_t)u[n / 2] << 8 | (uint64_t)u[n - 1] << 16;
        SCAN_WORD(w);
    }
#undef SCAN_WORD
    return ((nul & highs) ? CELL_HAS_NUL : 0) | ((any & highs) ? CELL_HAS_HIGH : 0) |
           ((nl & highs) ? CELL_HAS_NL : 0);
}

/* Cell f of the row is the last row's unit cell, byte for byte: that text
 * was checked as UTF-8 when its row was read (the key parse_unit keeps is
 * of rows bad_bytes let through). */
static int same_unit_cell(const row_view *v, field_id f)
{
    const read_sink *k = v->t->sink;
    if (k->last_unit < 0) return 0;
    const char *at = k->last_unit_key.buf;
    for (int i = 0; i < 6; i++) {
        if (unit_fields[i] == f) return v->len[f] == k->last_unit_len[i] && !memcmp(at, v->text[f], v->len[f]);
        at += k->last_unit_len[i] + 1;
    }
    return 0;
}

/*
 * A cell with a NUL byte or bytes that are not UTF-8 (a file in another
 * encoding than it says) rejects its row: read as text it would cut a code
 * short or put bytes no writer may hold into the outputs. cf: the scan of
 * the record's cells (read_task_row), or NULL; a field whose text is not
 * its cell's (a fixed value, a converted one) is scanned here.
 */
static int bad_bytes(const row_view *v, const unsigned char *cf)
{
    for (int f = 0; f < F_COUNT; f++) {
        if (!v->len[f]) continue;
        int c = col(v, (field_id)f);
        unsigned fl = cf && c >= 0 && c < v->r->n && v->text[f] == v->r->cell[c]
                          ? cf[c] : cell_scan(v->text[f], v->len[f]);
        if (fl & CELL_HAS_NUL)
            return reject(v, f, "ô có byte NUL (0x00): tệp không phải văn bản"), 1;
        if ((fl & CELL_HAS_HIGH) && !same_unit_cell(v, (field_id)f) && !text_valid_utf8(v->text[f], v->len[f]))
            return reject(v, f, "ô không phải UTF-8 hợp lệ (tệp lưu bằng mã khác? khai báo "
                                "[file.<tên tệp>] encoding =)"), 1;
    }
    return 0;
}

/*
 * Texts that reach the outputs (names, codes, contents, indicator names)
 * must fit every writer: Excel holds 32,767 characters in a cell, and a
 * table row or a document line has to fit on one page. A longer value
 * rejects its row, with the length, instead of failing the whole run.
 */
#define MAX_NAME_CHARS 255
#define MAX_TEXT_CHARS 2000

static int too_long(const row_view *v)
{
    static const field_id names[] = {F_MA_TINH, F_TEN_TINH, F_MA_HUYEN, F_TEN_HUYEN, F_MA_XA,
                                     F_TEN_XA, F_MA_DU_AN, F_NGUON_VON, F_DON_VI};
    static const field_id texts[] = {F_NOI_DUNG, F_CHI_TIEU};
    for (size_t i = 0; i < sizeof names / sizeof names[0] + sizeof texts / sizeof texts[0]; i++) {
        int is_name = i < sizeof names / sizeof names[0];
        field_id f = is_name ? names[i] : texts[i - sizeof names / sizeof names[0]];
        size_t max = is_name ? MAX_NAME_CHARS : MAX_TEXT_CHARS;
        if (v->len[f] <= max) continue; /* fewer bytes than the limit: fewer characters */
        size_t n = text_chars(v->text[f], v->len[f]);
        if (n <= max) continue;
        char why[128];
        snprintf(why, sizeof why, "dài %zu ký tự, quá giới hạn %zu ký tự", n, max);
        reject(v, f, why);
        return 1;
    }
    return 0;
}

/* The task stops on a system error (a temporary file): message and errno. */
static int task_fail_errno(read_task *t, const char *what)
{
    if (!t->failed) strbuf_addf(&t->err, "%s (%s)", what, sys_error(errno)), t->temp_failed = 1;
    t->failed = 1;
    return 1;
}

/* The bytes a file's rows take, to size its repeated-row parts (the same
 * for every task of the file): a CSV's size, read from the file when its
 * head was not (a decoded or titled CSV); a workbook's times 8, as its
 * sheets are compressed XML. */
static long long spill_bytes(const read_task *t)
{
    if (t->in->head.size > 0) return t->in->head.size;
    struct stat st;
    if (stat(t->in->path, &st) != 0) return 0;
    return INPUTS_IS_SHEET(t->in->format) ? (long long)st.st_size * 8 : (long long)st.st_size;
}

/*
 * A row repeating an earlier one: rejected here (duplicates = reject), or
 * only remembered in the task's spill, to be counted and listed once the
 * file is read (dupes.h: memory then does not grow with the rows).
 */
static int is_duplicate(row_view *v)
{
    read_task *t = v->t;
    if (t->cfg->duplicates == DUP_OFF) return 0;
    uint64_t fp = dup_fingerprint(v->text, v->len, F_COUNT);
    if (t->cfg->duplicates == DUP_COUNT) {
        if (!t->spill.part && dup_spill_open(&t->spill, dup_spill_parts(spill_bytes(t))) < 0)
            return task_fail_errno(t, "không tạo được tệp tạm để tìm dòng trùng");
        if (dup_spill_add(&t->spill, fp, v->r->index) < 0)
            return task_fail_errno(t, "không ghi được tệp tạm để tìm dòng trùng");
        return 0;
    }
    long first;
    if (!dup_check(&t->seen, fp, v->r->index, &first)) return 0;
    long row = first + inputs_first_row(t->in);
    char why[96];
    snprintf(why, sizeof why, "dòng trùng hoàn toàn với dòng %ld", row);
    reject(v, -1, why);
    return 1;
}

static int row_is_empty(const record *r)
{
    for (int i = 0; i < r->n; i++)
        if (!is_blank(r->cell[i], r->len[i])) return 0;
    return 1;
}

/* The money column of a kind (indicators: the target, not summed). */
static field_id amount_field(input_kind kind)
{
    return kind == KIND_PLAN ? F_KE_HOACH : kind == KIND_DISB ? F_GIAI_NGAN
         : kind == KIND_CONTROL ? F_GIAO : F_KE_HOACH;
}

/* A cell holding a number in either convention (or stored as one). */
static int numeric(const row_view *v, field_id f)
{
    int64_t x;
    if (col(v, f) < 0) return 0; /* not in the file (a fixed value is not the row's) */
    if (v->type[f] == CELL_NUMBER || v->type[f] == CELL_DATE) return 1;
    if (is_blank(v->text[f], v->len[f])) return 0;
    return decimal_parse(v->text[f], v->len[f], NUMCONV_VI, 6, &x) != NUM_SYNTAX ||
           decimal_parse(v->text[f], v->len[f], NUMCONV_EN, 6, &x) != NUM_SYNTAX;
}

/* A cheap first look, on every row: the cell starts like a number. */
static int starts_numeric(const row_view *v, field_id f)
{
    if (col(v, f) < 0) return 0;
    if (v->type[f] == CELL_NUMBER || v->type[f] == CELL_DATE) return 1;
    const char *s = v->text[f];
    size_t n = v->len[f];
    while (n && (*s == ' ' || *s == '\t')) s++, n--;
    return n && ((*s >= '0' && *s <= '9') || *s == '-' || *s == '(');
}

/* "Tổng cộng", "Tổng số", "Cộng" (and "Cộng xã ...", "Tổng cộng:"). */
static int total_word(const char *s, size_t n)
{
    static const char *const words[] = {"tổng cộng", "tổng số", "cộng"};
    strbuf k = STRBUF_INIT;
    int yes = 0;
    if (n && text_key(&k, s, n) == 0) {
        while (k.len && (k.buf[k.len - 1] == ':' || k.buf[k.len - 1] == ' ')) strbuf_setlen(&k, k.len - 1);
        for (size_t i = 0; i < sizeof words / sizeof words[0] && !yes; i++) {
            size_t wl = strlen(words[i]);
            yes = !strncmp(k.buf, words[i], wl) && (k.buf[wl] == '\0' || k.buf[wl] == ' ' || k.buf[wl] == ':');
        }
    }
    strbuf_release(&k);
    return yes;
}

/* The row's first non-blank cell. */
static int first_text(const record *r, const char **s, size_t *n)
{
    for (int i = 0; i < r->n; i++)
        if (!is_blank(r->cell[i], r->len[i])) {
            *s = r->cell[i], *n = r->len[i];
            return 1;
        }
    return 0;
}

/*
 * A total row: a total word in the project, commune or first cell, and
 * no year (a data row of a commune named "Cộng Hòa" has one). Its amount
 * is kept to be checked against the file's rows once read; the row is
 * skipped, never added. Returns 1 when it was one.
 */
static int take_total(row_view *v)
{
    read_task *t = v->t;
    const char *s = NULL;
    size_t n = 0;
    if (starts_numeric(v, F_NAM)) return 0; /* the usual case: a data row */
    int found = total_word(v->text[F_MA_DU_AN], v->len[F_MA_DU_AN]) ? (s = v->text[F_MA_DU_AN], n = v->len[F_MA_DU_AN], 1)
              : total_word(v->text[F_TEN_XA], v->len[F_TEN_XA]) ? (s = v->text[F_TEN_XA], n = v->len[F_TEN_XA], 1)
              : first_text(v->r, &s, &n) && total_word(s, n);
    if (!found) return 0;
    t->skipped++;
    field_id f = amount_field(t->in->lay.kind);
    int64_t amount;
    const char *a = v->text[f];
    size_t an = v->len[f];
    int conv = t->conv[f].settled >= 0 ? t->conv[f].settled : t->in->numconv;
    int scale = inputs_amount_scale(t->in, f);
    num_status st = v->type[f] == CELL_NUMBER ? decimal_parse_stored(a, an, scale, &amount)
                                              : decimal_parse(a, an, (num_convention)conv, scale, &amount);
    if (t->in->lay.kind == KIND_INDICATOR || st != NUM_OK) return 1; /* nothing to check */
    ALLOC_GROW(t->totals, t->ntotals + 1, t->totals_alloc);
    total_row *tr = &t->totals[t->ntotals];
    *tr = (total_row){v->r->index, amount, t->segment, t->seg_held, t->ntotals == 0, ""};
    keep_text(tr->label, sizeof tr->label, s, n);
    t->ntotals++;
    t->segment = t->seg_held = 0;
    return 1;
}

/* A row with no year, no amount and no source: text (a note, a
 * signature block), not a data row missing its figures. */
static int is_text_row(const row_view *v)
{
    return is_blank(v->text[F_NGUON_VON], v->len[F_NGUON_VON]) && !starts_numeric(v, F_NAM) &&
           !numeric(v, amount_field(v->t->in->lay.kind));
}

#define MAX_PENDING 256

/* Text rows followed by a data row were inside the data: rejected. */
static void flush_pending(read_task *t)
{
    for (int i = 0; i < t->npending; i++) {
        const text_row *p = &t->pending[i];
        if (rejects_add(&t->rejects, p->row, "", p->text, strlen(p->text),
                        "dòng chữ không có năm và số tiền, nằm giữa các dòng số liệu") < 0 && !t->failed) {
            strbuf_addf(&t->err, "không ghi được danh sách dòng bị loại (tệp tạm)");
            t->failed = 1;
        }
        t->rejected++;
    }
    t->npending = 0;
}

static void keep_pending(const row_view *v)
{
    read_task *t = v->t;
    if (t->npending == MAX_PENDING) flush_pending(t);
    ALLOC_GROW(t->pending, t->npending + 1, t->pending_alloc);
    text_row *p = &t->pending[t->npending++];
    const char *s = "";
    size_t n = 0;
    first_text(v->r, &s, &n);
    p->row = v->r->index;
    keep_text(p->text, sizeof p->text, s, n);
}

int read_task_row(void *task, const record *r)
{
    read_task *t = task;
    row_view v; /* view_fields sets every field: no zeroing a row */
    v.t = t;
    v.r = r;
    view_fields(&v);
    guess_legacy(&v);
    if ((++t->read & 4095) == 0) progress_add(4096, 0); /* for the progress line */
    if (r->n >= 0 && row_is_empty(r)) {
        t->skipped++;
        return 0;
    }
    /* A CSV's cells looked at once (cell_scan), for line feeds (swallowed
     * rows) and for bad_bytes; a sheet's only its fields, in bad_bytes. */
    const unsigned char *cf = NULL;
    unsigned row_flags = 0;
    if ((t->in->format == FMT_CSV || t->in->format == FMT_CSV_DECODED) && r->n > 0) {
        ALLOC_GROW(t->cell_flags, (size_t)r->n, t->cell_flags_alloc);
        for (int c = 0; c < r->n; c++) row_flags |= t->cell_flags[c] = (unsigned char)cell_scan(r->cell[c], r->len[c]);
        cf = t->cell_flags;
    }
    if (swallowed_rows(&v, row_flags)) return 0;
    /* A CSV row with another number of cells is broken quoting; a sheet
     * simply leaves out the empty cells at the end of a row. */
    int sheet = INPUTS_IS_SHEET(t->in->format);
    if (sheet ? r->n < 0 : r->n != t->in->lay.ncols) {
        strbuf why = STRBUF_INIT;
        strbuf_addf(&why, "số cột (%d) khác dòng tiêu đề (%d)", r->n, t->in->lay.ncols);
        reject(&v, -1, why.buf);
        strbuf_release(&why);
        return 0;
    }
    if (bad_bytes(&v, cf)) return 0;
    if (take_total(&v)) return t->failed;
    if (is_text_row(&v)) {
        keep_pending(&v);
        return t->failed;
    }
    flush_pending(t);
    if (too_long(&v) || is_duplicate(&v)) return 0;
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
    if (wide_rows_active(t)) return wide_rows_row(t, r);
    if (t->in->have_layout) return read_task_row(t, r);
    if (inputs_take_header(t->in, r, t->cfg, &t->no_header)) return 0;
    /* No long-layout header: a wide table's (wide_rows.h)? */
    if (wide_rows_offer(t, r)) return 0;
    if (t->failed) return 1;
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

static int read_decoded(read_task *t, const csv_tap *tap)
{
    decoder *d = decode_new_vni((text_encoding)t->in->encoding, t->vni, &t->err);
    if (!d) return -1;
    int rc = csv_stream_decoded(t->in->path, t->in->delim, d, stream_row, t, tap, &t->err);
    decode_free(d);
    return rc;
}

/* ---- The file's SHA-256 over the bytes read (read_task.h) ---- */

static void tap_sha(void *ctx, const char *buf, size_t n)
{
    sha256_stream_add(((read_task *)ctx)->sha, buf, n);
}

static void tap_sum(void *ctx, const char *buf, size_t n)
{
    streamsum_add(&((read_task *)ctx)->parsed, buf, n);
}

/* Whether a sheet file is still the one stat said it was. */
static int same_file(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
           a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
           a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

void read_task_say_changed(strbuf *err, const char *path)
{
    strbuf_addf(err, "%s: tệp đã thay đổi trong khi đọc; hãy chạy lại khi không còn ai ghi vào tệp", path);
}

static int changed_while_read(read_task *t)
{
    read_task_say_changed(&t->err, t->in->path);
    return -1;
}

/*
 * Before reading: the tap the reader feeds (a CSV or decoded text), or
 * NULL; a CSV's first task starts its hash with the head's bytes as read.
 * A sheet (read by its library) is hashed here, whole, and its stat kept
 * in *st for hash_end. -1 (err) when it cannot be.
 */
static int hash_begin(read_task *t, csv_tap *tap, const csv_tap **use, struct stat *st)
{
    *use = NULL;
    if (t->hash == HASH_RANGE) {
        *tap = (csv_tap){tap_sum, t};
        *use = tap;
    } else if (t->hash == HASH_FILE && INPUTS_IS_SHEET(t->in->format)) {
        if (stat(t->in->path, st) != 0) return 0; /* the reader says why */
        return sha256_file(t->in->path, t->sha_hex, &t->sha_bytes, &t->err);
    } else if (t->hash == HASH_FILE) {
        t->sha = sha256_stream_new();
        if (t->in->format == FMT_CSV) sha256_stream_add(t->sha, t->in->head.raw, (size_t)t->in->head.body_start);
        *tap = (csv_tap){tap_sha, t};
        *use = tap;
    }
    return 0;
}

/*
 * After a whole reading: a CSV's first task hashes the rest of the file
 * (a second range's bytes, read again into t->rest too) and the digest is
 * taken; a sheet must still be the file hashed. -1 (err) otherwise.
 */
static int hash_end(read_task *t, const struct stat *st)
{
    if (t->hash != HASH_FILE) return 0;
    if (INPUTS_IS_SHEET(t->in->format)) {
        struct stat now;
        return !*t->sha_hex || (stat(t->in->path, &now) == 0 && same_file(st, &now)) ? 0 : changed_while_read(t);
    }
    int rc = 0;
    if (t->in->format == FMT_CSV && t->end < t->in->head.size) {
        int fd = regfile_open(t->in->path, NULL, &t->err);
        if (fd < 0) return -1;
        enum { CHUNK = 256 * 1024 };
        char *buf = xmalloc(CHUNK);
        for (off_t pos = t->end; pos < t->in->head.size;) {
            size_t want = t->in->head.size - pos < CHUNK ? (size_t)(t->in->head.size - pos) : CHUNK;
            ssize_t n = pread(fd, buf, want, pos);
            if (n <= 0) {
                if (n == 0) rc = changed_while_read(t); /* shorter than it was */
                else strbuf_addf(&t->err, "%s: lỗi đọc tệp (%s)", t->in->path, sys_error(errno)), rc = -1;
                break;
            }
            sha256_stream_add(t->sha, buf, (size_t)n);
            streamsum_add(&t->rest, buf, (size_t)n);
            pos += n;
        }
        free(buf);
        close(fd);
    }
    t->sha_bytes = sha256_stream_bytes(t->sha);
    sha256_stream_hex(t->sha, t->sha_hex);
    sha256_stream_free(t->sha);
    t->sha = NULL;
    if (rc < 0) *t->sha_hex = '\0';
    return rc;
}

void read_task_run(read_task *t)
{
    for (int f = 0; f < F_COUNT; f++) {
        col_conv *c = &t->conv[f];
        memset(c, 0, sizeof *c);
        c->settled = t->in->pinned[f];
        c->firm = c->settled >= 0;
        c->row = t->in->pinned_row[f];
        memcpy(c->value, t->in->pinned_value[f], sizeof c->value);
    }
    if (load_converters(t) < 0) {
        t->failed = 1;
        return;
    }
    const input_file *in = t->in;
    const char *sheet = in->settings ? in->settings->sheet : NULL;
    int rc;
    xlsx_limits lim;
    csv_tap tap;
    const csv_tap *taps;
    struct stat st;
    if (hash_begin(t, &tap, &taps, &st) < 0) {
        t->failed = 1;
        return;
    }
    switch (in->format) {
    case FMT_XLS:
        rc = xls_stream_read(in->path, sheet, stream_row, t, &t->err);
        break;
    case FMT_XLSX:
        xlsx_limits_default(&lim);
        if (in->xlsx_two_pass) {
            rc = in->xlsx_merges
                     ? xlsx_stream_read_merged(in->path, sheet, &lim, in->xlsx_merges, stream_row, t, &t->err)
                     : xlsx_stream_read(in->path, sheet, &lim, stream_row, t, &t->err);
            break;
        }
        /* One pass, a third less work; but merged header cells are left
         * unfilled, so the reading counts only when the sheet has none
         * and was read to its end with a header found. Otherwise the file
         * is read again in a new round, exactly as xlsx_stream_read reads
         * it: in one pass filling the merges this one met at the end, or
         * (a stop, no header, an error) in two passes. */
        xlsx_merges *merged;
        rc = xlsx_stream_read_once(in->path, sheet, &lim, stream_row, t, &merged, &t->err);
        if (rc != 0 || merged || !in->have_layout) {
            t->in->xlsx_two_pass = 1;
            if (rc == 0) t->in->xlsx_merges = merged;
            else xlsx_merges_free(merged);
            t->reread = 1;
            return;
        }
        break;
    case FMT_ODS:
        xlsx_limits_default(&lim);
        rc = ods_stream_read(in->path, sheet, &lim, stream_row, t, &t->err);
        break;
    case FMT_CSV_DECODED:
        rc = read_decoded(t, taps);
        break;
    default:
        rc = csv_stream_range(in->path, in->head.delim, t->begin, t->end, read_task_row, t,
                              &t->clean_end, NULL, taps, &t->err);
        break;
    }
    if (rc == 0 && !t->failed && hash_end(t, &st) < 0) rc = -1;
    progress_add(t->read & 4095, 0); /* the rows not yet counted in a batch */
    if (t->spill.part && dup_spill_flush(&t->spill) < 0) /* its last pairs */
        task_fail_errno(t, "không ghi được tệp tạm để tìm dòng trùng");
    /* Text rows below the last data row (signatures, "Người lập biểu")
     * are skipped; at the end of a first range they were inside the data. */
    if (in->format != FMT_CSV || t->end >= in->head.size) {
        t->skipped += t->npending;
        t->trailer += t->npending;
        t->npending = 0;
    } else {
        flush_pending(t);
    }
    if (wide_rows_active(t)) wide_rows_finish(t);
    if (rc < 0) {
        t->failed = 1;
    } else if (!in->have_layout && !t->failed) {
        strbuf_addf(&t->err, "%s: không tìm thấy dòng tiêu đề trong %d dòng đầu", in->path,
                    INPUTS_HEADER_SEARCH);
        if (t->no_header.len) strbuf_addf(&t->err, " (gần nhất là %s)", t->no_header.buf);
        if (*wide_rows_why(t)) strbuf_addf(&t->err, "; bảng nhiều cột: %s", wide_rows_why(t));
        t->failed = 1;
    }
}
