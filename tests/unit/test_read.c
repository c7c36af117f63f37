/*
 * Tests of the reading stage on small CSV files written to a temporary
 * folder:
 *  - read/csv_stream: the header (BOM skipped, delimiter sniffed, cells,
 *    where the body starts; an empty file is an error), reading the body
 *    whole or as two ranges cut by csv_stream_split with the same records,
 *    clean_end = 0 when a quoted newline spans the cut, CRLF, a last row
 *    without newline, malformed quoting reported with a row number;
 *  - read/layout: header names matched after normalisation, [map.*]
 *    mappings, missing and duplicate columns, column labels for messages;
 *  - read/ingest: a whole run over an input folder with good rows and every
 *    kind of bad row: per-file counts that add up, exact cube totals, the
 *    rejects CSV (file, row number with the header as row 1, column and
 *    reason); the two-thread split path giving the same totals and reject
 *    rows as one thread; the fallback when a quoted newline sits at the cut;
 *    blank lines keeping row numbers; snapshots; indicator files; inputs
 *    that cannot be read at all.
 * All expected figures were added up by hand (or, for generated files, by a
 * closed formula), never by the code under test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <csv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config/config.h"
#include "model/catalogue.h"
#include "model/dataset.h"
#include "read/csv_stream.h"
#include "read/ingest.h"
#include "read/layout.h"
#include "testutil.h"

typedef struct fixture {
    char *dir;
    catalogue cat;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    strbuf err = STRBUF_INIT;
    f->dir = tu_tmpdir("read");
    int rc = catalogue_load(&f->cat, "templates/catalogue.txt", &err);
    if (rc) fprintf(stderr, "%s\n", err.buf);
    strbuf_release(&err);
    *state = f;
    return f->dir && rc == 0 ? 0 : -1;
}

static int teardown(void **state)
{
    fixture *f = *state;
    catalogue_free(&f->cat);
    tu_rmtree(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

static int mkdir_p(const char *path)
{
    return mkdir(path, 0755);
}

/* Write text to dir/name; returns the path (caller frees). */
static char *put(const char *dir, const char *name, const char *text)
{
    char *p = tu_path(dir, name);
    assert_int_equal(tu_write_file(p, text), 0);
    return p;
}

/* ---- csv_stream -------------------------------------------------------- */

/* Records as text: "index:cell|cell\n". */
typedef struct collect {
    strbuf out;
    long n;
    long stop_after; /* 0: never stop */
} collect;

static int collect_row(void *ctx, const record *r)
{
    collect *c = ctx;
    strbuf_addf(&c->out, "%ld:", r->index);
    for (int i = 0; i < r->n; i++) {
        if (i) strbuf_addch(&c->out, '|');
        strbuf_add(&c->out, r->cell[i], r->len[i]);
        assert_int_equal(r->cell[i][r->len[i]], '\0');
    }
    strbuf_addch(&c->out, '\n');
    c->n++;
    return c->stop_after && c->n >= c->stop_after;
}

static int read_range(const char *path, char delim, off_t b, off_t e, collect *c, int *clean,
                      strbuf *err)
{
    long bad = -1;
    return csv_stream_range(path, delim, b, e, collect_row, c, clean, &bad, NULL, err);
}

static void test_head_bom_semicolon(void **state)
{
    fixture *f = *state;
    char *p = put(f->dir, "a.csv", "\xEF\xBB\xBFnam;Mã xã;ten_xa\n2024;19435;Xã A, B\n");
    csv_head h;
    strbuf err = STRBUF_INIT;
    assert_int_equal(csv_stream_head(p, 0, &h, &err), 0);
    assert_int_equal(h.delim, ';');
    assert_int_equal(h.ncells, 3);
    assert_string_equal(h.cells[0], "nam"); /* no BOM in the first cell */
    assert_int_equal(h.lens[0], 3);
    assert_string_equal(h.cells[1], "Mã xã");
    assert_string_equal(h.cells[2], "ten_xa");
    /* BOM (3) + "nam;Mã xã;ten_xa\n" (3+1+7+1+6+1 = 19 bytes) */
    assert_int_equal(h.body_start, 22);
    assert_int_equal(h.size, 22 + (off_t)strlen("2024;19435;Xã A, B\n"));
    csv_head_free(&h);
    free(p);
    strbuf_release(&err);
}

static void test_head_comma_tab_crlf(void **state)
{
    fixture *f = *state;
    strbuf err = STRBUF_INIT;
    csv_head h;
    /* a quoted delimiter does not count when sniffing */
    char *p = put(f->dir, "b.csv", "a,b,\"c;d;e\"\r\n1,2,3\r\n");
    assert_int_equal(csv_stream_head(p, 0, &h, &err), 0);
    assert_int_equal(h.delim, ',');
    assert_int_equal(h.ncells, 3);
    assert_string_equal(h.cells[2], "c;d;e");
    assert_int_equal(h.body_start, 13); /* a,b,"c;d;e" = 11, CRLF = 2 */
    csv_head_free(&h);
    free(p);
    p = put(f->dir, "c.csv", "nam\tma_xa\tghi chú, khác\n2024\t1\tx\n");
    assert_int_equal(csv_stream_head(p, 0, &h, &err), 0);
    assert_int_equal(h.delim, '\t');
    assert_int_equal(h.ncells, 3);
    assert_string_equal(h.cells[2], "ghi chú, khác");
    csv_head_free(&h);
    free(p);
    /* a header with no newline at all: the body is empty */
    p = put(f->dir, "d.csv", "nam,ma_xa");
    assert_int_equal(csv_stream_head(p, 0, &h, &err), 0);
    assert_int_equal(h.ncells, 2);
    assert_int_equal(h.body_start, 9);
    assert_int_equal(h.size, 9);
    csv_head_free(&h);
    free(p);
    strbuf_release(&err);
}

static void test_head_errors(void **state)
{
    fixture *f = *state;
    strbuf err = STRBUF_INIT;
    csv_head h;
    char *p = put(f->dir, "empty.csv", "");
    assert_int_equal(csv_stream_head(p, 0, &h, &err), -1);
    assert_non_null(strstr(err.buf, p));
    assert_non_null(strstr(err.buf, "rỗng"));
    free(p);
    strbuf_reset(&err);
    p = put(f->dir, "bomonly.csv", "\xEF\xBB\xBF");
    assert_int_equal(csv_stream_head(p, 0, &h, &err), -1);
    assert_non_null(strstr(err.buf, "rỗng"));
    free(p);
    strbuf_reset(&err);
    p = tu_path(f->dir, "missing.csv");
    assert_int_equal(csv_stream_head(p, 0, &h, &err), -1);
    assert_non_null(strstr(err.buf, p));
    free(p);
    strbuf_release(&err);
}

/* A body of n rows "i,name i,amount" with LF or CRLF. */
static void make_body(strbuf *sb, int n, const char *eol)
{
    strbuf_adds(sb, "stt,ten,so");
    strbuf_adds(sb, eol);
    for (int i = 0; i < n; i++) {
        strbuf_addf(sb, "%d,\"Xã số %d, huyện A\",%d.%03d", i, i, i, i % 1000);
        strbuf_adds(sb, eol);
    }
}

static void check_halves_equal_whole(const char *path)
{
    strbuf err = STRBUF_INIT;
    csv_head h;
    assert_int_equal(csv_stream_head(path, 0, &h, &err), 0);
    collect whole = {STRBUF_INIT, 0, 0}, a = {STRBUF_INIT, 0, 0}, b = {STRBUF_INIT, 0, 0};
    int clean = -1;
    assert_int_equal(read_range(path, h.delim, h.body_start, h.size, &whole, &clean, &err), 0);
    assert_int_equal(whole.n, 40);
    assert_int_equal(clean, 1);
    off_t mid = csv_stream_split(path, h.body_start, h.size);
    assert_true(mid > h.body_start && mid < h.size);
    /* the cut is just after a newline */
    char *data = tu_read_file(path, NULL);
    assert_int_equal(data[mid - 1], '\n');
    free(data);
    assert_int_equal(read_range(path, h.delim, h.body_start, mid, &a, &clean, &err), 0);
    assert_int_equal(clean, 1);
    assert_int_equal(read_range(path, h.delim, mid, h.size, &b, &clean, &err), 0);
    assert_int_equal(a.n + b.n, 40);
    assert_true(a.n > 0 && b.n > 0);
    /* record indexes restart at each range; compare the cells */
    strbuf joined = STRBUF_INIT, want = STRBUF_INIT;
    for (const collect *c = &a;; c = &b) {
        for (const char *s = c->out.buf; *s;) {
            const char *colon = strchr(s, ':'), *nl = strchr(s, '\n');
            strbuf_add(&joined, colon + 1, (size_t)(nl - colon));
            s = nl + 1;
        }
        if (c == &b) break;
    }
    for (const char *s = whole.out.buf; *s;) {
        const char *colon = strchr(s, ':'), *nl = strchr(s, '\n');
        strbuf_add(&want, colon + 1, (size_t)(nl - colon));
        s = nl + 1;
    }
    assert_string_equal(joined.buf, want.buf);
    assert_non_null(strstr(whole.out.buf, "0:0|Xã số 0, huyện A|0.000\n"));
    assert_non_null(strstr(whole.out.buf, "39:39|Xã số 39, huyện A|39.039\n"));
    strbuf_release(&joined);
    strbuf_release(&want);
    strbuf_release(&whole.out);
    strbuf_release(&a.out);
    strbuf_release(&b.out);
    strbuf_release(&err);
    csv_head_free(&h);
}

static void test_range_halves_lf(void **state)
{
    fixture *f = *state;
    strbuf sb = STRBUF_INIT;
    make_body(&sb, 40, "\n");
    char *p = put(f->dir, "lf.csv", sb.buf);
    check_halves_equal_whole(p);
    free(p);
    strbuf_release(&sb);
}

static void test_range_halves_crlf(void **state)
{
    fixture *f = *state;
    strbuf sb = STRBUF_INIT;
    make_body(&sb, 40, "\r\n");
    char *p = put(f->dir, "crlf.csv", sb.buf);
    check_halves_equal_whole(p); /* no cell ends in '\r' */
    free(p);
    strbuf_release(&sb);
}

static void test_range_quoted_newline_at_cut(void **state)
{
    fixture *f = *state;
    strbuf sb = STRBUF_INIT;
    strbuf_adds(&sb, "stt,ghi_chu\n1,ngắn\n2,\"");
    for (int i = 0; i < 300; i++) strbuf_addch(&sb, 'x');
    strbuf_adds(&sb, "\ndòng hai của ô\"\n3,cuối\n");
    char *p = put(f->dir, "q.csv", sb.buf);
    strbuf err = STRBUF_INIT;
    csv_head h;
    assert_int_equal(csv_stream_head(p, 0, &h, &err), 0);
    off_t mid = csv_stream_split(p, h.body_start, h.size);
    /* the middle falls among the x's: the cut is after the quoted newline */
    const char *nl = strstr(sb.buf, "x\nd");
    assert_non_null(nl);
    assert_int_equal(mid, (off_t)(nl - sb.buf) + 2);
    collect a = {STRBUF_INIT, 0, 0}, whole = {STRBUF_INIT, 0, 0};
    int clean = -1;
    assert_int_equal(read_range(p, h.delim, h.body_start, mid, &a, &clean, &err), 0);
    assert_int_equal(clean, 0);
    assert_int_equal(a.n, 1);
    assert_int_equal(read_range(p, h.delim, h.body_start, h.size, &whole, &clean, &err), 0);
    assert_int_equal(clean, 1);
    assert_int_equal(whole.n, 3);
    assert_non_null(strstr(whole.out.buf, "xx\ndòng hai của ô\n2:3|cuối\n"));
    strbuf_release(&a.out);
    strbuf_release(&whole.out);
    strbuf_release(&err);
    csv_head_free(&h);
    free(p);
    strbuf_release(&sb);
}

static void test_range_last_row_and_stop(void **state)
{
    fixture *f = *state;
    char *p = put(f->dir, "last.csv", "a,b\n1,2\n3,\"4\"");
    strbuf err = STRBUF_INIT;
    csv_head h;
    assert_int_equal(csv_stream_head(p, 0, &h, &err), 0);
    collect c = {STRBUF_INIT, 0, 0};
    int clean = -1;
    assert_int_equal(read_range(p, h.delim, h.body_start, h.size, &c, &clean, &err), 0);
    assert_string_equal(c.out.buf, "0:1|2\n1:3|4\n");
    /* the callback can stop the reading */
    collect s = {STRBUF_INIT, 0, 1};
    assert_int_equal(read_range(p, h.delim, h.body_start, h.size, &s, &clean, &err), 1);
    assert_string_equal(s.out.buf, "0:1|2\n");
    strbuf_release(&c.out);
    strbuf_release(&s.out);
    strbuf_release(&err);
    csv_head_free(&h);
    free(p);
}

static void test_range_malformed_quote(void **state)
{
    fixture *f = *state;
    /* data rows 2, 3 fine; row 4 has text after a closing quote */
    char *p = put(f->dir, "bad.csv", "a,b,c\n1,2,3\n4,5,6\n7,\"ab\"c,9\n10,11,12\n");
    strbuf err = STRBUF_INIT;
    csv_head h;
    assert_int_equal(csv_stream_head(p, 0, &h, &err), 0);
    collect c = {STRBUF_INIT, 0, 0};
    int clean = -1;
    long bad = -1;
    assert_int_equal(csv_stream_range(p, h.delim, h.body_start, h.size, collect_row, &c, &clean,
                                      &bad, NULL, &err),
                     -1);
    assert_non_null(strstr(err.buf, p));
    assert_non_null(strstr(err.buf, "dòng 4"));
    assert_int_equal(bad, 2);
    assert_int_equal(clean, 0);
    strbuf_release(&c.out);
    csv_head_free(&h);
    free(p);
    /* an unterminated quote at the end of the file */
    strbuf_reset(&err);
    p = put(f->dir, "open.csv", "a,b\n1,2\n3,\"không đóng\n");
    assert_int_equal(csv_stream_head(p, 0, &h, &err), 0);
    collect d = {STRBUF_INIT, 0, 0};
    assert_int_equal(csv_stream_range(p, h.delim, h.body_start, h.size, collect_row, &d, &clean,
                                      &bad, NULL, &err),
                     -1);
    assert_non_null(strstr(err.buf, "dòng 3"));
    strbuf_release(&d.out);
    strbuf_release(&err);
    csv_head_free(&h);
    free(p);
}

/* ---- layout ------------------------------------------------------------ */

static int build(layout *lay, input_kind kind, const char *const *hdr, int n, const config *cfg,
                 strbuf *err)
{
    size_t lens[32];
    for (int i = 0; i < n; i++) lens[i] = strlen(hdr[i]);
    return layout_build(lay, kind, hdr, lens, n, cfg, "/du-lieu/ke_hoach.csv", err);
}

static void test_layout_names(void **state)
{
    (void)state;
    config cfg;
    config_defaults(&cfg);
    static const char *const hdr[] = {"Năm", "Mã xã", "TÊN XÃ", " ma_du_an ", "Nguồn vốn",
                                      "Kế hoạch", "Ghi chú", "MA-HUYEN"};
    layout lay;
    strbuf err = STRBUF_INIT, sb = STRBUF_INIT;
    int rc = build(&lay, KIND_PLAN, hdr, 8, &cfg, &err);
    if (rc) fail_msg("%s", err.buf);
    assert_int_equal(lay.ncols, 8);
    assert_int_equal(lay.col_of[F_NAM], 0);
    assert_int_equal(lay.col_of[F_MA_XA], 1);
    assert_int_equal(lay.col_of[F_TEN_XA], 2);
    assert_int_equal(lay.col_of[F_MA_DU_AN], 3);
    assert_int_equal(lay.col_of[F_NGUON_VON], 4);
    assert_int_equal(lay.col_of[F_KE_HOACH], 5);
    assert_int_equal(lay.col_of[F_MA_HUYEN], 7);
    assert_int_equal(lay.col_of[F_NOI_DUNG], -1);
    assert_int_equal(lay.col_of[F_NAM_VON], -1);
    assert_int_equal(lay.col_of[F_NGAY], -1); /* not a plan field */
    layout_column_label(&lay, 5, &sb);
    assert_string_equal(sb.buf, "Kế hoạch (cột F)");
    strbuf_reset(&sb);
    layout_column_label(&lay, 27, &sb);
    assert_string_equal(sb.buf, "(cột AB)");
    strbuf_reset(&sb);
    layout_column_label(&lay, -1, &sb);
    assert_string_equal(sb.buf, "");
    assert_string_equal(field_name(F_GIAI_NGAN), "giai_ngan");
    layout_free(&lay);
    strbuf_release(&sb);
    strbuf_release(&err);
    config_free(&cfg);
}

static void test_layout_missing_and_duplicate(void **state)
{
    (void)state;
    config cfg;
    config_defaults(&cfg);
    layout lay;
    strbuf err = STRBUF_INIT;
    static const char *const no_plan[] = {"nam", "ma_xa", "ma_du_an", "nguon_von", "noi_dung"};
    assert_int_equal(build(&lay, KIND_PLAN, no_plan, 5, &cfg, &err), -1);
    assert_non_null(strstr(err.buf, "/du-lieu/ke_hoach.csv"));
    assert_non_null(strstr(err.buf, "\"ke_hoach\""));
    layout_free(&lay);
    strbuf_reset(&err);
    static const char *const no_commune[] = {"nam", "ma_huyen", "ma_du_an", "nguon_von", "ke_hoach"};
    assert_int_equal(build(&lay, KIND_PLAN, no_commune, 5, &cfg, &err), -1);
    assert_non_null(strstr(err.buf, "ma_xa"));
    layout_free(&lay);
    strbuf_reset(&err);
    static const char *const twice[] = {"nam", "ma_xa", "Mã xã", "ma_du_an", "nguon_von", "ke_hoach"};
    assert_int_equal(build(&lay, KIND_PLAN, twice, 6, &cfg, &err), -1);
    assert_non_null(strstr(err.buf, "ma_xa"));
    assert_non_null(strstr(err.buf, "hai lần"));
    layout_free(&lay);
    strbuf_reset(&err);
    /* a disbursement file needs ngay and giai_ngan, not ke_hoach */
    static const char *const disb[] = {"nam", "ten_xa", "ma_du_an", "nguon_von", "ngay"};
    assert_int_equal(build(&lay, KIND_DISB, disb, 5, &cfg, &err), -1);
    assert_non_null(strstr(err.buf, "\"giai_ngan\""));
    layout_free(&lay);
    strbuf_release(&err);
    config_free(&cfg);
}

static void add_mapping(config *cfg, const char *kind, const char *field, const char *header)
{
    cfg->mappings = realloc(cfg->mappings, (size_t)(cfg->nmappings + 1) * sizeof(config_mapping));
    cfg->mappings[cfg->nmappings++] = (config_mapping){xstrdup(kind), xstrdup(field), xstrdup(header)};
}

static void test_layout_mapping(void **state)
{
    (void)state;
    config cfg;
    config_defaults(&cfg);
    add_mapping(&cfg, "giai_ngan", "ma_xa", "Mã ĐVQHNS");
    add_mapping(&cfg, "giai_ngan", "giai_ngan", "Số thanh toán");
    add_mapping(&cfg, "ke_hoach", "ke_hoach", "Kế hoạch giao"); /* another kind */
    static const char *const hdr[] = {"nam", "MÃ ĐVQHNS", "ma_du_an", "nguon_von", "Ngày",
                                      "Số thanh toán", "ke_hoach", "ma_xa"};
    layout lay;
    strbuf err = STRBUF_INIT;
    int rc = build(&lay, KIND_DISB, hdr, 8, &cfg, &err);
    if (rc) fail_msg("%s", err.buf);
    assert_int_equal(lay.col_of[F_MA_XA], 1);     /* the mapped header, not "ma_xa" */
    assert_int_equal(lay.col_of[F_GIAI_NGAN], 5);
    assert_int_equal(lay.col_of[F_NGAY], 4);
    assert_int_equal(lay.col_of[F_KE_HOACH], -1); /* not read in a disbursement file */
    layout_free(&lay);
    /* the ke_hoach mapping applies to plan files */
    static const char *const plan[] = {"nam", "ma_xa", "ma_du_an", "nguon_von", "Kế hoạch giao"};
    rc = build(&lay, KIND_PLAN, plan, 5, &cfg, &err);
    if (rc) fail_msg("%s", err.buf);
    assert_int_equal(lay.col_of[F_KE_HOACH], 4);
    layout_free(&lay);
    /* a mapping naming a field that does not exist */
    add_mapping(&cfg, "giai_ngan", "so_tien", "Số tiền");
    config_set(&cfg.path, "/etc/reports.ini");
    assert_int_equal(build(&lay, KIND_DISB, hdr, 8, &cfg, &err), -1);
    assert_non_null(strstr(err.buf, "[map.giai_ngan] so_tien"));
    layout_free(&lay);
    strbuf_release(&err);
    config_free(&cfg);
}

/* ---- ingest ------------------------------------------------------------ */

typedef struct run {
    config cfg;
    dataset ds;
    strbuf err;
    ingest_status st;
} run;

static void run_ingest_set(run *r, fixture *f, const char *dir, int threads, long split, int snapshot);

static void run_ingest(run *r, fixture *f, const char *dir, int threads, long split, int snapshot)
{
    config_defaults(&r->cfg);
    run_ingest_set(r, f, dir, threads, split, snapshot);
}

/* run_ingest on a config whose defaults the test has already changed. */
static void run_ingest_cfg(run *r, fixture *f, const char *dir, int threads, long split)
{
    run_ingest_set(r, f, dir, threads, split, 0);
}

static void run_ingest_set(run *r, fixture *f, const char *dir, int threads, long split, int snapshot)
{
    config_set(&r->cfg.input_dir, dir);
    r->cfg.year = 2024;
    r->cfg.as_of = 20241231;
    config_set(&r->cfg.unit.province_code, "99");
    config_set(&r->cfg.unit.province_name, "Hòa Sơn");
    r->cfg.disbursement = snapshot ? DISB_SNAPSHOT : DISB_PAYMENTS;
    r->err = (strbuf)STRBUF_INIT;
    dataset_init(&r->ds, &f->cat);
    ingest_options opt = {threads, split, NULL, 1}; /* hashed as the manifest needs */
    r->st = ingest_run(&r->ds, &r->cfg, &opt, &r->err);
}

static void run_free(run *r)
{
    dataset_free(&r->ds);
    config_free(&r->cfg);
    strbuf_release(&r->err);
}

static const file_stats *stats_of(const dataset *ds, const char *name)
{
    for (int i = 0; i < ds->nfiles; i++) {
        const char *p = ds->files[i].path;
        size_t n = strlen(p), m = strlen(name);
        if (n >= m && !strcmp(p + n - m, name)) return &ds->files[i];
    }
    fail_msg("no stats for %s", name);
    return NULL;
}

static void rejects_text(dataset *ds, strbuf *out)
{
    strbuf_reset(out);
    if (!ds->rejects) return;
    fflush(ds->rejects);
    rewind(ds->rejects);
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, ds->rejects)) > 0) strbuf_add(out, buf, n);
}

static int64_t total_plan(const dataset *ds, int year)
{
    int64_t s = 0;
    for (size_t i = 0; i < ds->cube.count; i++)
        if (cube_at(&ds->cube, i)->key.year == year) s += cube_at(&ds->cube, i)->plan;
    return s;
}

static int64_t total_disbursed(const dataset *ds, int year)
{
    int64_t s = 0;
    for (size_t i = 0; i < ds->cube.count; i++)
        if (cube_at(&ds->cube, i)->key.year == year)
            s += cube_at(&ds->cube, i)->disbursed;
    return s;
}

static void has(const char *hay, const char *needle)
{
    if (!strstr(hay, needle)) fail_msg("\"%s\" not found in:\n%s", needle, hay);
}

/* One rejects line: "file","row","column","value","reason". */
static void has_reject(const char *rej, const char *path, int row, const char *column,
                       const char *value, const char *reason)
{
    strbuf line = STRBUF_INIT;
    strbuf_addf(&line, "\"%s\",\"%d\",\"%s\",\"%s\",\"%s", path, row, column, value, reason);
    has(rej, line.buf);
    strbuf_release(&line);
}

static const char PLAN_CSV[] =
    "nam,nam_von,ma_huyen,ma_xa,ten_xa,ma_du_an,nguon_von,ke_hoach,noi_dung\n"   /* 1 */
    "2024,,464,19435,Xã Vĩnh Ô,DA1,NSTW_DTPT,\"1.473,139\",Nhà ở\n"              /* 2 ok */
    "2024,,464,19435,Xã Vĩnh Ô,DA3.TDA2,NSTW_SN,\"2.149,287\",\n"                /* 3 ok */
    "2024,2023,464,19436,Xã Vĩnh Hà,Dự án 4,NSĐP ĐTPT,15.164,\n"                  /* 4 ok */
    "2024,,464,19436,Xã Vĩnh Hà,DA1,NSTW_DTPT,\"1,2,3\",\n"                      /* 5 bad number */
    "2024,,464,19436,Xã Vĩnh Hà,DA99,NSTW_DTPT,10,\n"                            /* 6 project */
    "2024,,464,19436,Xã Vĩnh Hà,DA1,Vốn ODA,10,\n"                               /* 7 source */
    ",,464,19436,Xã Vĩnh Hà,DA1,NSTW_DTPT,10,\n"                                 /* 8 no year */
    "2024,,464,19436,Xã Vĩnh Hà,DA1,NSTW_DTPT,10\n"                              /* 9 8 cells */
    ",,,,,,,,\n"                                                                 /* 10 empty */
    "2024,,,,,DA10.TDA3,NSTW_SN,(5),Kiểm tra\n"                                  /* 11 ok */
    "2023,,464,19435,Xã Vĩnh Ô,DA1,NSTW_DTPT,100,\n"                             /* 12 ok 2023 */
    "2024,2025,464,19435,Xã Vĩnh Ô,DA1,NSTW_DTPT,1,\n";                         /* 13 nam_von */

static const char DISB_CSV[] =
    "nam,ma_xa,ten_xa,ma_du_an,nguon_von,ngay,giai_ngan\n"                       /* 1 */
    "2024,19435,Xã Vĩnh Ô,DA1,NSTW_DTPT,15/3/2024,\"1.000,5\"\n"                  /* 2 ok */
    "2024,19435,Xã Vĩnh Ô,DA1,NSTW_DTPT,2024-12-31,200\n"                        /* 3 ok */
    "2024,19435,Xã Vĩnh Ô,DA1,NSTW_DTPT,01/01/2025,999\n"                        /* 4 after */
    "2024,19435,Xã Vĩnh Ô,DA1,NSTW_DTPT,31/2/2024,1\n"                           /* 5 bad date */
    "2024,19435,Xã Vĩnh Ô,DA1,NSTW_DTPT,,1\n";                                   /* 6 no date */

static void test_ingest_end_to_end(void **state)
{
    fixture *f = *state;
    char *in = tu_path(f->dir, "input");
    assert_int_equal(mkdir_p(in), 0);
    char *plan = put(in, "ke_hoach_2024.csv", PLAN_CSV);
    char *disb = put(in, "giai_ngan_2024.csv", DISB_CSV);
    free(put(in, "ghi_chu.txt", "not an input: its name announces no kind\n"));
    run r;
    run_ingest(&r, f, in, 1, 0, 0);
    if (r.st != INGEST_OK) fail_msg("ingest: %s", r.err.buf);
    assert_int_equal(r.ds.nfiles, 2);

    const file_stats *ps = stats_of(&r.ds, "ke_hoach_2024.csv");
    assert_int_equal(ps->kind, KIND_PLAN);
    assert_int_equal(ps->read, 12);
    assert_int_equal(ps->accepted, 5);
    assert_int_equal(ps->skipped, 1);
    assert_int_equal(ps->rejected, 6);
    assert_int_equal(ps->other_year, 1);
    assert_int_equal(ps->read, ps->accepted + ps->skipped + ps->rejected);
    const file_stats *gs = stats_of(&r.ds, "giai_ngan_2024.csv");
    assert_int_equal(gs->kind, KIND_DISB);
    assert_int_equal(gs->read, 5);
    assert_int_equal(gs->accepted, 2);
    assert_int_equal(gs->skipped, 1);
    assert_int_equal(gs->rejected, 2);
    assert_int_equal(gs->read, gs->accepted + gs->skipped + gs->rejected);
    assert_int_equal(r.ds.rejected_total, 8);

    /* 1.473,139 + 2.149,287 + 15.164 - 5 triệu, in đồng */
    assert_int_equal(total_plan(&r.ds, 2024), 1473139000LL + 2149287000LL + 15164000000LL - 5000000LL);
    assert_int_equal(total_plan(&r.ds, 2024), 18781426000LL);
    assert_int_equal(total_plan(&r.ds, 2023), 100000000LL);
    /* 1.000,5 + 200 triệu; the 2025 payment is after the as-of date */
    assert_int_equal(total_disbursed(&r.ds, 2024), 1200500000LL);

    /* cells: the extended capital keeps its capital year; the province level */
    int da4 = catalogue_find_project(&f->cat, "DA4", 3);
    int nsdp = catalogue_source_by_code(&f->cat, "NSDP_DTPT");
    int found_ext = 0, found_prov = 0;
    for (size_t i = 0; i < r.ds.cube.count; i++) {
        const cube_cell *c = cube_at(&r.ds.cube, i);
        if (c->key.project == da4) {
            assert_int_equal(c->key.source, nsdp);
            assert_int_equal(c->key.year, 2024);
            assert_int_equal(c->key.cap_year, 2023);
            assert_int_equal(c->plan, 15164000000LL);
            found_ext++;
        }
        if (r.ds.units.units[c->key.unit].kind == UNIT_PROVINCE_LEVEL) {
            assert_int_equal(c->plan, -5000000LL);
            found_prov++;
        }
    }
    assert_int_equal(found_ext, 1);
    assert_int_equal(found_prov, 1);
    assert_int_equal(r.ds.units.nunits, 3);

    strbuf rej = STRBUF_INIT;
    rejects_text(&r.ds, &rej);
    assert_int_equal(tu_count(rej.buf, "\n"), 8);
    has_reject(rej.buf, plan, 5, "ke_hoach (cột H)", "1,2,3", "số không hợp lệ");
    has_reject(rej.buf, plan, 6, "ma_du_an (cột F)", "DA99", "mã dự án không có trong danh mục");
    has_reject(rej.buf, plan, 7, "nguon_von (cột G)", "Vốn ODA", "nguồn vốn không có trong danh mục");
    has_reject(rej.buf, plan, 8, "nam (cột A)", "", "thiếu năm");
    has_reject(rej.buf, plan, 9, "", "", "số cột (8) khác dòng tiêu đề (9)");
    has_reject(rej.buf, plan, 13, "nam_von (cột B)", "2025", "năm vốn sau năm kế hoạch");
    has_reject(rej.buf, disb, 5, "ngay (cột F)", "31/2/2024", "ngày không hợp lệ");
    has_reject(rej.buf, disb, 6, "ngay (cột F)", "", "thiếu ngày");
    /* files in name order: giai_ngan before ke_hoach */
    assert_true(strstr(rej.buf, disb) < strstr(rej.buf, plan));
    strbuf_release(&rej);
    run_free(&r);
    free(plan);
    free(disb);
    free(in);
}

/*
 * A file read again in a new round (here: "1,234" read as 1,234 before
 * "2,345.5" showed the column writes decimal points) finds its header
 * again: a CSV with a title row is streamed like a spreadsheet, and its
 * title and header rows are no data rows in the second reading either.
 */
static void test_ingest_round_again_streamed(void **state)
{
    fixture *f = *state;
    char *in = tu_path(f->dir, "again");
    assert_int_equal(mkdir_p(in), 0);
    free(put(in, "ke_hoach_2024.csv",
             "KẾ HOẠCH VỐN NĂM 2024\n"                         /* 1 title */
             "nam,ma_xa,ma_du_an,nguon_von,ke_hoach\n"         /* 2 header */
             "2024,19435,DA1,NSTW_DTPT,\"1,234\"\n"            /* 3 1,234 or 1234 */
             "2024,19435,DA1,NSTW_DTPT,\"2,345.5\"\n"));       /* 4 points: 1234 */
    run r;
    run_ingest(&r, f, in, 1, 0, 0);
    if (r.st != INGEST_OK) fail_msg("ingest: %s", r.err.buf);
    const file_stats *ps = stats_of(&r.ds, "ke_hoach_2024.csv");
    assert_int_equal(ps->read, 2);
    assert_int_equal(ps->accepted, 2);
    assert_int_equal(ps->rejected, 0);
    assert_int_equal(r.ds.rejected_total, 0);
    assert_int_equal(total_plan(&r.ds, 2024), 1234000000LL + 2345500000LL);
    run_free(&r);
    free(in);
}

/* A blank line is a row of the file (a spreadsheet shows it): the rows
 * after it keep their row numbers in the rejects file, with LF and CRLF. */
static int blank_line_case(fixture *f, const char *tag, const char *eol)
{
    char *in = tu_path(f->dir, tag);
    assert_int_equal(mkdir_p(in), 0);
    strbuf text = STRBUF_INIT;
    strbuf_addf(&text, "nam,ma_xa,ma_du_an,nguon_von,ke_hoach%s" /* row 1 */
                       "2024,19435,DA1,NSTW_DTPT,1%s"            /* row 2 */
                       "%s"                                      /* row 3: blank */
                       "2024,19435,DA1,NSTW_DTPT,x%s"            /* row 4: bad */
                       "2024,19435,DA1,NSTW_DTPT,2%s",           /* row 5 */
                eol, eol, eol, eol, eol);
    char *plan = put(in, "ke_hoach.csv", text.buf);
    run r;
    run_ingest(&r, f, in, 1, 0, 0);
    if (r.st != INGEST_OK) fail_msg("ingest: %s", r.err.buf);
    strbuf rej = STRBUF_INIT;
    rejects_text(&r.ds, &rej);
    const file_stats *ps = stats_of(&r.ds, "ke_hoach.csv");
    assert_int_equal(ps->read, ps->accepted + ps->skipped + ps->rejected);
    assert_int_equal(ps->rejected, 1);
    assert_int_equal(ps->accepted, 2);
    assert_int_equal(total_plan(&r.ds, 2024), 3000000);
    int ok = strstr(rej.buf, "\"4\",\"ke_hoach (cột E)\",\"x\"") != NULL;
    strbuf_release(&rej);
    strbuf_release(&text);
    run_free(&r);
    free(plan);
    free(in);
    return ok;
}

static void test_ingest_blank_line_row_numbers(void **state)
{
    fixture *f = *state;
    int lf = blank_line_case(f, "input-blank-lf", "\n");
    int crlf = blank_line_case(f, "input-blank-crlf", "\r\n");
    if (!lf) fail_msg("LF file: the bad row after a blank line is not row 4");
    if (!crlf) fail_msg("CRLF file: the bad row after a blank line is not row 4");
}

/* Indicators: targets and achievements in thousandths, summed over files;
 * the spelling shown is the first in file order, however files are read. */
static void test_ingest_indicators(void **state)
{
    fixture *f = *state;
    char *in = tu_path(f->dir, "input-ind");
    assert_int_equal(mkdir_p(in), 0);
    free(put(in, "ke_hoach.csv", "nam,ma_xa,ma_du_an,nguon_von,ke_hoach\n2024,19435,DA1,NSTW_SN,1\n"));
    char *a = put(in, "chi_tieu_a.csv",
                  "nam,ma_xa,ma_du_an,chi_tieu,don_vi,ke_hoach,thuc_hien,ngay\n"     /* 1 */
                  "2024,19435,DA1,Hỗ trợ nhà ở,hộ,120,95,\n"                        /* 2 */
                  "2024,19435,DA4.TDA1,Đường giao thông,km,\"2,5\",\"1,25\",15/6/2024\n" /* 3 */
                  "2024,19436,DA1,Hỗ trợ  nhà ở,hộ,30,,\n"                          /* 4 */
                  "2024,19436,DA1,Hỗ trợ nhà ở,hộ,5,5,01/01/2025\n"                 /* 5 after */
                  "2024,19436,DA1,,hộ,5,5,\n"                                       /* 6 bad */
                  "2024,19436,DA1,Hỗ trợ nhà ở,hộ,\"0,0005\",,\n");               /* 7 bad */
    /* a larger second file writes the same indicator in capitals */
    strbuf big = STRBUF_INIT;
    strbuf_adds(&big, "nam,ma_xa,ma_du_an,chi_tieu,don_vi,ke_hoach,thuc_hien\n");
    for (int i = 0; i < 300; i++) strbuf_adds(&big, "2024,19437,DA1,HỖ TRỢ NHÀ Ở,HỘ,1,1\n");
    free(put(in, "chi_tieu_b.csv", big.buf));
    strbuf_release(&big);
    int spelling_ok = 1;
    for (int threads = 1; threads <= 2; threads++) {
        run r;
        run_ingest(&r, f, in, threads, 0, 0);
        if (r.st != INGEST_OK) fail_msg("ingest: %s", r.err.buf);
        const file_stats *s = stats_of(&r.ds, "chi_tieu_a.csv");
        assert_int_equal(s->kind, KIND_INDICATOR);
        assert_int_equal(s->read, 6);
        assert_int_equal(s->accepted, 3);
        assert_int_equal(s->skipped, 1);
        assert_int_equal(s->rejected, 2);
        assert_int_equal(stats_of(&r.ds, "chi_tieu_b.csv")->accepted, 300);
        assert_int_equal(r.ds.ind.nnames, 2);
        assert_int_equal(r.ds.ind.nuoms, 2);
        int64_t ht = 0, ha = 0, dt = 0, da = 0;
        for (int i = 0; i < r.ds.ind.ncells; i++) {
            const ind_cell *c = &r.ds.ind.cells[i];
            const char *uom = r.ds.ind.uoms[c->uom];
            if (!strcmp(uom, "km")) dt += c->target, da += c->achieved;
            else ht += c->target, ha += c->achieved;
        }
        assert_int_equal(ht, 450000); /* 120 + 30 + 300 hộ */
        assert_int_equal(ha, 395000); /* 95 + 0 + 300 hộ */
        assert_int_equal(dt, 2500);   /* 2,5 km */
        assert_int_equal(da, 1250);
        for (int i = 0; i < r.ds.ind.nnames; i++)
            if (strcmp(r.ds.ind.names[i], "Đường giao thông") &&
                strcmp(r.ds.ind.names[i], "Hỗ trợ nhà ở"))
                spelling_ok = 0;
        for (int i = 0; i < r.ds.ind.nuoms; i++)
            if (strcmp(r.ds.ind.uoms[i], "km") && strcmp(r.ds.ind.uoms[i], "hộ")) spelling_ok = 0;
        strbuf rej = STRBUF_INIT;
        rejects_text(&r.ds, &rej);
        has_reject(rej.buf, a, 6, "chi_tieu (cột D)", "", "thiếu tên chỉ tiêu");
        has_reject(rej.buf, a, 7, "ke_hoach (cột F)", "0,0005", "số không hợp lệ");
        strbuf_release(&rej);
        run_free(&r);
    }
    free(a);
    free(in);
    /* The spelling of the first row of the first file, however read. */
    if (!spelling_ok) fail_msg("indicator spelling is not the first in file order");
}

/* A generated plan file of n rows; rows i % 37 == 5 carry a bad number,
 * rows i % 53 == 7 an unknown project. Amount of row i: i triệu + i đồng
 * ("i,00000i" needs i < 10^6). Returns the expected 2024 total. */
static int64_t make_big_plan(strbuf *sb, int n, int quoted_newline_row)
{
    int64_t total = 0;
    strbuf_adds(sb, "nam,ma_xa,ten_xa,ma_du_an,nguon_von,ke_hoach,noi_dung\n");
    for (int i = 0; i < n; i++) {
        int bad_num = i % 37 == 5, bad_proj = i % 53 == 7;
        strbuf_addf(sb, "2024,%05d,Xã số %d,%s,%s,", 10000 + i % 40, i % 40,
                    bad_proj ? "DA99" : (i % 3 ? "DA3.TDA2" : "DA1"),
                    i % 2 ? "NSTW_SN" : "NSTW_DTPT");
        if (bad_num) strbuf_adds(sb, "\"1,2,3\"");
        else strbuf_addf(sb, "\"%d,%06d\"", i, i);
        if (i == quoted_newline_row)
            strbuf_adds(sb, ",\"nội dung dài\nnhiều dòng\"\n");
        else
            strbuf_addf(sb, ",nội dung %d\n", i);
        if (!bad_num && !bad_proj) total += (int64_t)i * 1000000 + i;
    }
    return total;
}

static void expected_reject_rows(int n, strbuf *rows)
{
    for (int i = 0; i < n; i++)
        if (i % 37 == 5 || i % 53 == 7) strbuf_addf(rows, "%d,", i + 2);
}

/* The row numbers (second field) of the rejects text, "r,r,...". */
static void reject_rows(const char *rej, strbuf *rows)
{
    for (const char *s = rej; *s;) {
        const char *q = strstr(s, "\",\"");
        assert_non_null(q);
        strbuf_addf(rows, "%ld,", atol(q + 3));
        s = strchr(s, '\n') + 1;
    }
}

/* sha256sum's digest of path (an independent tool) and its size. */
static void sha256sum_of(const char *path, char hex[65], long *size)
{
    strbuf out = STRBUF_INIT;
    if (tu_runf(&out, "sha256sum '%s' && stat -c %%s '%s'", path, path) != 0 || out.len < 64)
        fail_msg("sha256sum %s failed", path);
    memcpy(hex, out.buf, 64);
    hex[64] = '\0';
    *size = strtol(strchr(out.buf, '\n') + 1, NULL, 10);
    strbuf_release(&out);
}

static void check_split_same_as_single(fixture *f, const char *tag, int quoted_row)
{
    char *in = tu_path(f->dir, tag);
    assert_int_equal(mkdir_p(in), 0);
    strbuf sb = STRBUF_INIT;
    const int n = 400;
    int64_t want = make_big_plan(&sb, n, quoted_row);
    char *plan = put(in, "ke_hoach_lon.csv", sb.buf);
    long nbad = 0;
    for (int i = 0; i < n; i++) nbad += i % 37 == 5 || i % 53 == 7;
    strbuf want_rows = STRBUF_INIT;
    expected_reject_rows(n, &want_rows);

    run one, two;
    run_ingest(&one, f, in, 1, 0, 0);
    if (one.st != INGEST_OK) fail_msg("ingest (1 thread): %s", one.err.buf);
    run_ingest(&two, f, in, 2, 1, 0);
    if (two.st != INGEST_OK) fail_msg("ingest (2 threads): %s", two.err.buf);
    for (run *r = &one;; r = &two) {
        const file_stats *s = stats_of(&r->ds, "ke_hoach_lon.csv");
        assert_int_equal(s->read, n);
        assert_int_equal(s->rejected, nbad);
        assert_int_equal(s->accepted, n - nbad);
        assert_int_equal(total_plan(&r->ds, 2024), want);
        assert_int_equal(r->ds.units.nunits, 40);
        /* The digest of the bytes read, whole or in two ranges (the first
         * hashing the second's bytes again), is the file's. */
        char hex[65];
        long size;
        sha256sum_of(plan, hex, &size);
        assert_string_equal(s->sha256, hex);
        assert_int_equal((long)s->bytes, size);
        strbuf rej = STRBUF_INIT, rows = STRBUF_INIT;
        rejects_text(&r->ds, &rej);
        reject_rows(rej.buf, &rows);
        assert_string_equal(rows.buf, want_rows.buf);
        strbuf_release(&rej);
        strbuf_release(&rows);
        if (r == &two) break;
    }
    /* the rejects files are identical, byte for byte */
    strbuf r1 = STRBUF_INIT, r2 = STRBUF_INIT;
    rejects_text(&one.ds, &r1);
    rejects_text(&two.ds, &r2);
    assert_string_equal(r1.buf, r2.buf);
    strbuf_release(&r1);
    strbuf_release(&r2);
    run_free(&one);
    run_free(&two);
    strbuf_release(&want_rows);
    strbuf_release(&sb);
    free(plan);
    free(in);
}

static void test_ingest_two_threads_split(void **state)
{
    check_split_same_as_single(*state, "input-split", -1);
}

/* The quoted newline sits where the file is cut: the first half does not
 * end between records, and the file is read again whole. */
static void test_ingest_split_fallback(void **state)
{
    fixture *f = *state;
    /* Find a row r such that, with the quoted newline in row r, the cut
     * ingest makes (hashing, as run_ingest asks: not the body's middle)
     * is just after that newline. */
    int row = -1;
    for (int r = 100; r < 300 && row < 0; r++) {
        strbuf sb = STRBUF_INIT;
        make_big_plan(&sb, 400, r);
        size_t body_start = (size_t)(strchr(sb.buf, '\n') + 1 - sb.buf);
        const char *q = strstr(sb.buf, "\"nội dung dài\n");
        assert_non_null(q);
        size_t nl = (size_t)(strchr(q, '\n') - sb.buf);
        char *tmp = put(f->dir, "probe.csv", sb.buf);
        if (ingest_split_at(tmp, (off_t)body_start, (off_t)sb.len, 1) == (off_t)nl + 1) row = r;
        free(tmp);
        strbuf_release(&sb);
    }
    assert_true(row >= 0);
    check_split_same_as_single(f, "input-fallback", row);
}

/* Snapshots: the latest dated row counts, across the cut as well. */
static void test_ingest_snapshots_split(void **state)
{
    fixture *f = *state;
    char *in = tu_path(f->dir, "input-snap");
    assert_int_equal(mkdir_p(in), 0);
    free(put(in, "ke_hoach.csv", "nam,ma_xa,ma_du_an,nguon_von,ke_hoach\n2024,19435,DA1,NSTW_DTPT,100\n"));
    strbuf sb = STRBUF_INIT;
    strbuf_adds(&sb, "nam,ma_xa,ma_du_an,nguon_von,ngay,giai_ngan\n");
    /* 200 snapshots of the same cell: row i dated day 1 + i % 28 of month
     * 1 + i / 28 (months 1..8), amount i triệu. The latest date is
     * 200 - 1 = 199 -> month 8, day 4 (199 = 7 * 28 + 3); rows 196..199 are
     * in month 8 with days 1..4, so row 199 is the only one on 4/8/2024. */
    for (int i = 0; i < 200; i++)
        strbuf_addf(&sb, "2024,19435,DA1,NSTW_DTPT,%d/%d/2024,%d\n", 1 + i % 28, 1 + i / 28, i);
    /* then an earlier-dated row: it must not win although it comes last */
    strbuf_adds(&sb, "2024,19435,DA1,NSTW_DTPT,1/1/2024,5000\n");
    /* and a row after the as-of date: skipped */
    strbuf_adds(&sb, "2024,19435,DA1,NSTW_DTPT,2/1/2025,7000\n");
    free(put(in, "giai_ngan.csv", sb.buf));
    for (int threads = 1; threads <= 2; threads++) {
        run r;
        run_ingest(&r, f, in, threads, threads == 2 ? 1 : 0, 1);
        if (r.st != INGEST_OK) fail_msg("ingest: %s", r.err.buf);
        assert_int_equal(total_disbursed(&r.ds, 2024), 199000000LL);
        assert_int_equal(total_plan(&r.ds, 2024), 100000000LL);
        const file_stats *s = stats_of(&r.ds, "giai_ngan.csv");
        assert_int_equal(s->read, 202);
        assert_int_equal(s->accepted, 201);
        assert_int_equal(s->skipped, 1);
        run_free(&r);
    }
    strbuf_release(&sb);
    free(in);
}

/* An input folder with no input file at all. */
/* Repeated rows: a payment file with repeats near, far, across the cut
 * between the two reading halves, a block pasted again at the end, and a
 * repeat that differs only by spaces. The oracle compares the rows'
 * trimmed fields pairwise; counted (the default) and rejected alike. */
enum { DUP_ROWS = 600 };

static void dup_row(strbuf *sb, int k, int pad)
{
    strbuf_addf(sb, "2024,%s%05d,Xã số %d,%s,NSTW_DTPT,%d/%d/2024,\"%d,%03d\"\n", pad ? " " : "",
                10000 + k % 30, k % 30, k % 2 ? "DA1" : "DA3.TDA2", 1 + k % 28, 1 + k % 12, k, k % 1000);
}

static long make_dup_file(strbuf *sb, long *first)
{
    int src[DUP_ROWS];
    for (int i = 0; i < DUP_ROWS; i++) {
        src[i] = i;
        if (i % 89 == 11) src[i] = src[i - 1];                 /* near */
        if (i > 300 && i % 67 == 3) src[i] = src[i - 290];    /* far: across the cut */
        if (i >= DUP_ROWS - 40) src[i] = src[i - 250];        /* a block again */
    }
    strbuf_adds(sb, "nam,ma_xa,ten_xa,ma_du_an,nguon_von,ngay,giai_ngan\n");
    long n = 0;
    for (int i = 0; i < DUP_ROWS; i++) {
        dup_row(sb, src[i], i == DUP_ROWS - 10); /* a repeat with a space */
        first[i] = -1;
        for (int j = 0; j < i && first[i] < 0; j++)
            if (src[j] == src[i]) first[i] = j;
        n += first[i] >= 0;
    }
    return n;
}

static void test_ingest_repeated_rows(void **state)
{
    fixture *f = *state;
    char *in = tu_path(f->dir, "input-dup");
    assert_int_equal(mkdir_p(in), 0);
    strbuf sb = STRBUF_INIT;
    long first[DUP_ROWS];
    long want = make_dup_file(&sb, first);
    assert_true(want > 40);
    free(put(in, "giai_ngan_trung.csv", sb.buf));
    free(put(in, "ke_hoach.csv", "nam,ma_xa,ten_xa,ma_du_an,nguon_von,ke_hoach\n"
                                 "2024,10000,Xã số 0,DA1,NSTW_DTPT,100000\n"));
    strbuf_release(&sb);
    for (int mode = 0; mode < 3; mode++) { /* count 1 thread, count split in two, reject */
        run r;
        config_defaults(&r.cfg);
        if (mode == 2) r.cfg.duplicates = DUP_REJECT;
        run_ingest_cfg(&r, f, in, mode == 1 ? 2 : 1, mode == 1 ? 1 : 0);
        if (r.st != INGEST_OK) fail_msg("ingest (mode %d): %s", mode, r.err.buf);
        const file_stats *s = stats_of(&r.ds, "giai_ngan_trung.csv");
        assert_int_equal(s->read, DUP_ROWS);
        if (mode == 2) {
            assert_int_equal(s->rejected, want);
            assert_int_equal(s->duplicates, 0);
        } else {
            assert_int_equal(s->duplicates, want);
            assert_int_equal(r.ds.duplicates_total, want);
            assert_int_equal(s->accepted, DUP_ROWS);
            /* the log names the 8 earliest repeats with their originals (file rows) */
            strbuf notes = STRBUF_INIT;
            for (int i = 0; i < r.ds.nnotes; i++) strbuf_addf(&notes, "%s\n", r.ds.notes[i]);
            int shown = 0;
            for (int i = 0; i < DUP_ROWS; i++) {
                if (first[i] < 0) continue;
                strbuf line = STRBUF_INIT;
                strbuf_addf(&line, "dòng %d trùng hoàn toàn dòng %ld ", i + 2, first[i] + 2);
                if ((strstr(notes.buf, line.buf) != NULL) != (shown < 8))
                    fail_msg("mode %d: \"%s\" %s in:\n%s", mode, line.buf, shown < 8 ? "missing" : "unexpected", notes.buf);
                shown++;
                strbuf_release(&line);
            }
            strbuf_release(&notes);
        }
        run_free(&r);
    }
    free(in);
}

static void test_ingest_empty_folder(void **state)
{
    fixture *f = *state;
    char *in = tu_path(f->dir, "input-empty");
    assert_int_equal(mkdir_p(in), 0);
    run r;
    run_ingest(&r, f, in, 1, 0, 0);
    assert_int_equal(r.st, INGEST_INPUT_MISSING);
    has(r.err.buf, in);
    has(r.err.buf, "ke_hoach");
    run_free(&r);
    free(in);
}

static void test_ingest_bad_inputs(void **state)
{
    fixture *f = *state;
    run r;
    /* no input folder */
    char *none = tu_path(f->dir, "khong-co");
    run_ingest(&r, f, none, 1, 0, 0);
    assert_int_equal(r.st, INGEST_INPUT_MISSING);
    has(r.err.buf, none);
    run_free(&r);
    free(none);
    /* no plan file */
    char *in = tu_path(f->dir, "input-noplan");
    assert_int_equal(mkdir_p(in), 0);
    free(put(in, "giai_ngan.csv", "nam,ma_xa,ma_du_an,nguon_von,ngay,giai_ngan\n"));
    run_ingest(&r, f, in, 1, 0, 0);
    assert_int_equal(r.st, INGEST_INPUT_MISSING);
    has(r.err.buf, "ke_hoach");
    run_free(&r);
    free(in);
    /* a plan file missing a required column */
    in = tu_path(f->dir, "input-nocol");
    assert_int_equal(mkdir_p(in), 0);
    char *p = put(in, "ke_hoach.csv", "nam,ma_xa,ma_du_an,ke_hoach\n2024,1,DA1,5\n");
    run_ingest(&r, f, in, 1, 0, 0);
    assert_int_equal(r.st, INGEST_BAD_FILE);
    has(r.err.buf, p);
    has(r.err.buf, "nguon_von");
    run_free(&r);
    free(p);
    free(in);
    /* malformed quoting: the whole file is refused with its row */
    in = tu_path(f->dir, "input-quote");
    assert_int_equal(mkdir_p(in), 0);
    p = put(in, "ke_hoach.csv", "nam,ma_xa,ma_du_an,nguon_von,ke_hoach\n"
                                "2024,1,DA1,NSTW_SN,5\n2024,1,DA1,NSTW_SN,\"5\"x\n");
    run_ingest(&r, f, in, 1, 0, 0);
    assert_int_equal(r.st, INGEST_BAD_FILE);
    has(r.err.buf, p);
    has(r.err.buf, "dòng 3");
    run_free(&r);
    free(p);
    free(in);
}

/* ---- csv_stream splits plain lines itself: as libcsv would ------------ */

/* The oracle: libcsv alone over the whole text, with csv_stream's options
 * and its two rules (the LF of a CRLF pair is no row; a row of more than
 * 4,096 cells has n = -1), printed as collect_row prints records. */
typedef struct oracle {
    strbuf out, row;
    int n, overflow, last_term;
    long index;
} oracle;

static void oracle_field(void *s, size_t len, void *data)
{
    oracle *o = data;
    if (o->n >= 4096) {
        o->overflow = 1;
        return;
    }
    if (o->n++) strbuf_addch(&o->row, '|');
    if (len) strbuf_add(&o->row, s, len);
}

static void oracle_row(int c, void *data)
{
    oracle *o = data;
    int crlf_tail = o->n == 0 && c == '\n' && o->last_term == '\r';
    o->last_term = c;
    if (!crlf_tail) { /* cells may hold NUL bytes: not through %s */
        strbuf_addf(&o->out, "%ld:", o->index++);
        if (!o->overflow) strbuf_add(&o->out, o->row.buf, o->row.len);
        strbuf_addch(&o->out, '\n');
    }
    strbuf_reset(&o->row);
    o->n = o->overflow = 0;
}

/* libcsv alone over text[0..n) into o: 0, or -1 where it fails (the
 * records before the failure kept). */
static int oracle_parse(const char *text, size_t n, char delim, oracle *o)
{
    struct csv_parser cp;
    csv_init(&cp, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL | CSV_REPALL_NL);
    csv_set_delim(&cp, (unsigned char)delim);
    int rc = csv_parse(&cp, text, n, oracle_field, oracle_row, o) == n &&
             csv_fini(&cp, oracle_field, oracle_row, o) == 0 ? 0 : -1;
    csv_free(&cp);
    return rc;
}

/* Text of every kind of line: plain cells with blanks at their ends and
 * inside, empty and blank-only lines, CRLF, a lone CR, quoted cells (with
 * the delimiter, a doubled quote, line breaks), UTF-8, a line longer than
 * a read block and one of more than 4,096 cells, about 900 KB. */
static void mixed_csv(strbuf *sb, char delim)
{
    static const char *const bits[] = {"a", "Xã", " ", "\t", "12", "ệ", ",", ";", "0,5", "x y"};
    uint64_t x = 0x243F6A8885A308D3ull;
#define RND(n) (x ^= x << 13, x ^= x >> 7, x ^= x << 17, (int)(x % (n)))
    for (int line = 0; sb->len < 900000; line++) {
        if (line == 3000) { /* longer than a block (256 KB) */
            for (int i = 0; i < 40000; i++) strbuf_addf(sb, "cell%d%c", i, delim);
            strbuf_addch(sb, '\n');
            continue;
        }
        if (line == 5000) { /* more cells than a record holds */
            for (int i = 0; i < 5000; i++) strbuf_addf(sb, "%d%c", i, delim);
            strbuf_addch(sb, '\n');
            continue;
        }
        int kind = RND(20), cells = 1 + RND(12);
        if (kind == 0) { /* empty or blank-only */
            strbuf_adds(sb, RND(2) ? "" : " \t ");
        } else {
            for (int c = 0; c < cells; c++) {
                if (c) strbuf_addch(sb, delim);
                if (kind == 1 && c == 1) { /* quoted */
                    strbuf_adds(sb, RND(2) ? " \"q" : "\"q");
                    strbuf_addch(sb, delim);
                    strbuf_adds(sb, RND(2) ? "\"\"x\nnext line" : " y ");
                    strbuf_adds(sb, "\"");
                    continue;
                }
                if (kind == 2 && c == 1) { /* a lone CR ends a row for libcsv */
                    strbuf_adds(sb, "a\rb");
                    continue;
                }
                for (int k = RND(4); k > 0; k--) strbuf_adds(sb, bits[RND(10)]);
            }
        }
        strbuf_adds(sb, RND(5) == 0 ? "\r\n" : "\n");
    }
    strbuf_adds(sb, "last,row without a newline ");
#undef RND
}

static void test_range_plain_lines_as_libcsv(void **state)
{
    fixture *f = *state;
    static const char delims[] = {',', ';'};
    for (size_t d = 0; d < sizeof delims; d++) {
        strbuf text = STRBUF_INIT;
        mixed_csv(&text, delims[d]);
        char *p = put(f->dir, "mixed.csv", text.buf);
        collect c = {STRBUF_INIT, 0, 0};
        int clean = -1;
        strbuf err = STRBUF_INIT;
        assert_int_equal(read_range(p, delims[d], 0, (off_t)text.len, &c, &clean, &err), 0);
        oracle o = {STRBUF_INIT, STRBUF_INIT, 0, 0, 0, 0};
        assert_int_equal(oracle_parse(text.buf, text.len, delims[d], &o), 0);
        assert_true(o.index > 10000);
        if (strcmp(c.out.buf, o.out.buf)) {
            size_t i = 0;
            while (c.out.buf[i] == o.out.buf[i]) i++;
            size_t from = i > 200 ? i - 200 : 0;
            fail_msg("delimiter %c: first difference at byte %zu of the records:\n"
                     "csv_stream: %.300s\nlibcsv:     %.300s", delims[d], i, c.out.buf + from, o.out.buf + from);
        }
        strbuf_release(&c.out);
        strbuf_release(&o.out);
        strbuf_release(&o.row);
        strbuf_release(&err);
        strbuf_release(&text);
        free(p);
    }
}

/* Lines with quotes, right and wrong: the same records, and an error
 * where libcsv finds one. */
static void test_range_quotes_as_libcsv(void **state)
{
    fixture *f = *state;
    static const char *const texts[] = {
        "1,a\"b,2\n3,4\n",        "1,\"ab\"c,2\n3,4\n",       "1, \"a b\" ,2\n\"\",\"\"\n",
        "\"a\"\"b\",2\n3,4\n",     "1,\"open\n2,3\n",           "x\"\n1,2\n",
        "1,\"a,b\"\r\n2,3\r\n",     "1,\"a;b\" \t,\t\"\"\n", "\"q\"\n \"q\" \n\"q\"x\n",
    };
    for (size_t k = 0; k < sizeof texts / sizeof texts[0]; k++) {
        const char *text = texts[k];
        char *p = put(f->dir, "q.csv", text);
        collect c = {STRBUF_INIT, 0, 0};
        int clean = -1;
        strbuf err = STRBUF_INIT;
        int rc = read_range(p, ',', 0, (off_t)strlen(text), &c, &clean, &err);
        oracle o = {STRBUF_INIT, STRBUF_INIT, 0, 0, 0, 0};
        int bad = oracle_parse(text, strlen(text), ',', &o) < 0;
        if ((rc < 0) != bad || strcmp(c.out.buf, o.out.buf))
            fail_msg("text %zu: csv_stream %d:\n%s\nlibcsv %s:\n%s", k, rc, c.out.buf, bad ? "error" : "ok", o.out.buf);
        strbuf_release(&c.out);
        strbuf_release(&o.out);
        strbuf_release(&o.row);
        strbuf_release(&err);
        free(p);
    }
}

static uint32_t rnd_next(uint64_t *s)
{
    *s = *s * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)(*s >> 33);
}

/* Random CSV-ish bytes, cell by cell: plain cells (letters, figures,
 * spaces, tabs, NUL, UTF-8, the other delimiters), quoted ones (holding
 * delimiters, doubled quotes and line breaks, spaces around), empty ones,
 * lines ended by LF, CR LF or CR, blank lines; with stray, now and then a
 * quote inside a plain cell, which strict CSV refuses. */
static void random_text(uint64_t *seed, size_t n, char delim, int stray, strbuf *out)
{
    static const char *const plain[] = {"a", "bc", "12", "1.240,5", " ", "\t", "x y", "\xc3\xa9",
                                        ",", ";", "  ", "\t "};
    static const char *const quoted[] = {"\"q\"", "\"a,b;c\tD\"", "\"x\"\"y\"", "\"two\nlines\r\n\"",
                                         " \"sp\" ", "\"\""};
    static const char *const ends[] = {"\n", "\r\n", "\r", "\n\n", " \n"};
    strbuf_reset(out);
    while (out->len < n) {
        uint32_t r = rnd_next(seed) % 100;
        if (r < 15) {
            strbuf_adds(out, quoted[r % (sizeof quoted / sizeof quoted[0])]);
        } else if (r < 85) {
            for (uint32_t k = 1 + rnd_next(seed) % 3; k > 0; k--) {
                uint32_t q = rnd_next(seed) % 50;
                if (q == 0) strbuf_addch(out, '\0');
                else if (q == 1 && stray) strbuf_addch(out, '"');
                else strbuf_adds(out, plain[q % (sizeof plain / sizeof plain[0])]);
            }
        }
        r = rnd_next(seed) % 100;
        if (r < 75) strbuf_addch(out, delim);
        else strbuf_adds(out, ends[r % (sizeof ends / sizeof ends[0])]);
    }
}

/*
 * The same on random files: 400 of them, of a few bytes to past two read
 * blocks, with every delimiter (the tab one all libcsv's), and a quarter
 * with stray quotes: the same records, and a failure where libcsv fails,
 * at the same row.
 */
static void test_range_random_as_libcsv(void **state)
{
    fixture *f = *state;
    static const char delims[] = {',', ';', '\t'};
    uint64_t seed = 20261201;
    long failed = 0, rows = 0;
    strbuf text = STRBUF_INIT, err = STRBUF_INIT;
    char *path = tu_path(f->dir, "random.csv");
    for (int round = 0; round < 400; round++) {
        char delim = delims[round % 3];
        /* most small; every 50th past two of csv_stream's 256 KiB blocks */
        size_t n = round % 50 == 49 ? 600000 + rnd_next(&seed) % 1000 : 1 + rnd_next(&seed) % 300;
        random_text(&seed, n, delim, round % 4 == 3, &text);
        FILE *fp = fopen(path, "wb");
        assert_non_null(fp);
        assert_int_equal(fwrite(text.buf, 1, text.len, fp), text.len);
        fclose(fp);
        oracle o = {STRBUF_INIT, STRBUF_INIT, 0, 0, 0, 0};
        int want = oracle_parse(text.buf, text.len, delim, &o);
        collect c = {STRBUF_INIT, 0, 0};
        int clean;
        long bad = -1;
        strbuf_reset(&err);
        int got = csv_stream_range(path, delim, 0, (off_t)text.len, collect_row, &c, &clean, &bad,
                                   NULL, &err);
        failed += want < 0;
        rows += o.index;
        if (got != want || c.out.len != o.out.len || memcmp(c.out.buf, o.out.buf, o.out.len) ||
            (want < 0 && bad != o.index))
            fail_msg("round %d (%zu bytes, delimiter 0x%02x): csv_stream %d, libcsv %d, row %ld vs "
                     "%ld; records differ: %d", round, text.len, delim, got, want, bad, o.index,
                     c.out.len != o.out.len || memcmp(c.out.buf, o.out.buf, o.out.len));
        strbuf_release(&c.out);
        strbuf_release(&o.out);
        strbuf_release(&o.row);
    }
    /* Both outcomes were tried, and many rows (a change to the generator
     * must not leave one of them untested). */
    assert_true(failed >= 20 && failed <= 100);
    assert_true(rows >= 100000);
    free(path);
    strbuf_release(&text);
    strbuf_release(&err);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_head_bom_semicolon),
        T(test_head_comma_tab_crlf),
        T(test_head_errors),
        T(test_range_halves_lf),
        T(test_range_halves_crlf),
        T(test_range_quoted_newline_at_cut),
        T(test_range_last_row_and_stop),
        T(test_range_malformed_quote),
        T(test_range_plain_lines_as_libcsv),
        T(test_range_quotes_as_libcsv),
        T(test_range_random_as_libcsv),
        T(test_layout_names),
        T(test_layout_missing_and_duplicate),
        T(test_layout_mapping),
        T(test_ingest_end_to_end),
        T(test_ingest_blank_line_row_numbers),
        T(test_ingest_indicators),
        T(test_ingest_two_threads_split),
        T(test_ingest_split_fallback),
        T(test_ingest_snapshots_split),
        T(test_ingest_repeated_rows),
        T(test_ingest_round_again_streamed),
        T(test_ingest_empty_folder),
        T(test_ingest_bad_inputs),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
