/*
 * Wide tables (src/read/wide_layout.c, wide_rows.c): allocation appendices
 * written by another tool (openpyxl, tests/fixtures/wide/make_wide.py) are
 * read with no configuration, and every total of the result equals the
 * figure the generator computed from its own detail rows; subtotal and
 * total rows are checked, not added; a wrong subtotal is reported with
 * file, row and column.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"
#include "model/dataset.h"
#include "read/ingest.h"
#include "read/wide_layout.h"
#include "testutil.h"
#include "xlsx_read.h"

typedef struct fixture {
    char *dir;
    catalogue cat;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    *state = f;
    return tu_generated("wide", "tests/fixtures/wide/make_wide.py", &f->dir, &f->cat);
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

typedef struct run {
    config cfg;
    dataset ds;
    strbuf err;
    ingest_status st;
} run;

/* [file.<pattern>] commune = ... for the communes' own sheets. */
static const char *const OWN[][2] = {{"ke_hoach_xa_vinh_o*", "Xã Vĩnh Ô"},
                                     {"ke_hoach_xa_vinh_khe*", "Xã Vĩnh Khê"},
                                     {"ke_hoach_tt_ben_quan*", "Thị trấn Bến Quan"}};

static void run_ingest_layout(run *r, fixture *f, const char *sub, const char *layout);

static void run_ingest(run *r, fixture *f, const char *sub)
{
    run_ingest_layout(r, f, sub, NULL);
}

/* layout: [file.ke_hoach*] layout = that file (a path under the fixture). */
static void run_ingest_layout(run *r, fixture *f, const char *sub, const char *layout)
{
    config_defaults(&r->cfg);
    if (layout) {
        r->cfg.inputs = calloc(1, sizeof(config_input));
        r->cfg.ninputs = 1;
        config_set(&r->cfg.inputs[0].pattern, "ke_hoach*");
        char *path = tu_path(f->dir, layout);
        config_set(&r->cfg.inputs[0].layout, path);
        free(path);
    }
    const char *base = strrchr(sub, '/') ? strrchr(sub, '/') + 1 : sub;
    if (!strcmp(base, "own")) {
        r->cfg.inputs = calloc(3, sizeof(config_input));
        r->cfg.ninputs = 3;
        for (int i = 0; i < 3; i++) {
            config_set(&r->cfg.inputs[i].pattern, OWN[i][0]);
            config_set(&r->cfg.inputs[i].commune, OWN[i][1]);
        }
    }
    /* A case folder under the fixture, or one in the repository (.xls). */
    char *dir = strncmp(sub, "tests/", 6) ? tu_path(f->dir, sub) : strdup(sub);
    config_set(&r->cfg.input_dir, dir);
    free(dir);
    config_set(&r->cfg.templates_dir, "templates");
    r->cfg.year = 2024;
    r->cfg.as_of = 20241231;
    config_set(&r->cfg.unit.province_code, "99");
    config_set(&r->cfg.unit.province_name, "Hòa Sơn");
    r->err = (strbuf)STRBUF_INIT;
    dataset_init(&r->ds, &f->cat);
    ingest_options opt = {1, 0, NULL, 0};
    r->st = ingest_run(&r->ds, &r->cfg, &opt, &r->err);
    if (r->st != INGEST_OK) fprintf(stderr, "%s\n", r->err.buf);
}

static void run_free(run *r)
{
    dataset_free(&r->ds);
    config_free(&r->cfg);
    strbuf_release(&r->err);
}

/* The plan of the cube by unit name, project code or all, for one source. */
static int64_t cube_sum(const dataset *ds, const catalogue *cat, const char *by, const char *key,
                        const char *source)
{
    int64_t sum = 0;
    for (size_t i = 0; i < ds->cube.count; i++) {
        const cube_cell *c = cube_at(&ds->cube, i);
        if (strcmp(cat->sources[c->key.source].code, source)) continue;
        if (!strcmp(by, "unit") && strcmp(units_name(&ds->units, (int)c->key.unit), key)) continue;
        if (!strcmp(by, "project") && strcmp(cat->projects[c->key.project].code, key)) continue;
        sum += c->plan;
    }
    return sum;
}

/* The generator's own totals, expected.txt: one "case|by|key|source|amount"
 * a line; expected_next gives the next line of the case in fld[0..4]. */
typedef struct expected {
    FILE *fp;
    const char *name;
    char line[512];
    char *fld[5];
} expected;

static void expected_open(expected *e, const fixture *f, const char *name)
{
    char *path = tu_path(f->dir, "expected.txt");
    e->fp = fopen(path, "r");
    free(path);
    assert_non_null(e->fp);
    e->name = name;
}

static int expected_next(expected *e)
{
    while (fgets(e->line, sizeof e->line, e->fp)) {
        char *s = e->line;
        e->line[strcspn(e->line, "\n")] = 0;
        for (int i = 0; i < 5; i++) e->fld[i] = strsep(&s, "|");
        if (e->fld[4] && !strcmp(e->fld[0], e->name)) return 1;
    }
    fclose(e->fp);
    e->fp = NULL;
    return 0;
}

/* Every line of expected.txt for the case: the generator's own totals. */
static void check_case_in(void **state, const char *name, const char *dir)
{
    fixture *f = *state;
    run r;
    run_ingest(&r, f, dir);
    assert_int_equal(r.st, INGEST_OK);
    assert_int_equal(r.ds.rejected_total, 0);
    expected e;
    int n = 0;
    for (expected_open(&e, f, name); expected_next(&e); n++) {
        char **fld = e.fld;
        int64_t want = strtoll(fld[4], NULL, 10), got = cube_sum(&r.ds, &f->cat, fld[1], fld[2], fld[3]);
        if (want != got) fprintf(stderr, "%s %s %s %s: want %lld got %lld\n", fld[0], fld[1], fld[2],
                                 fld[3], (long long)want, (long long)got);
        assert_true(want == got);
    }
    assert_true(n > 20);
    /* The checks found nothing to say on a right table. */
    for (int i = 0; i < r.ds.nnotes; i++) assert_null(strstr(r.ds.notes[i], "lệch"));
    run_free(&r);
}

/* The formats an office saves a fixture in: the generator's .xlsx (in the
 * fixture folder), and its .xls and .ods copies converted by LibreOffice
 * (tests/fixtures/wide/make_xls.sh), where merged header cells are not
 * repeated. Each case is read in each, to the same figures. */
static const char *const FORMATS[] = {"xlsx", "xls", "ods"};
#define NFORMATS (sizeof FORMATS / sizeof FORMATS[0])

/* The folder of case `name` in format i: under the fixture for .xlsx,
 * in the repository for the converted copies. */
static char *case_dir(size_t i, const char *name)
{
    if (i == 0) return strdup(name);
    strbuf sb = STRBUF_INIT;
    strbuf_addf(&sb, "tests/fixtures/wide/%s/%s", FORMATS[i], name);
    return strbuf_detach(&sb, NULL);
}

static void check_case(void **state, const char *name)
{
    for (size_t i = 0; i < NFORMATS; i++) {
        char *dir = case_dir(i, name);
        fprintf(stderr, "%s as .%s\n", name, FORMATS[i]);
        check_case_in(state, name, dir);
        free(dir);
    }
}

/* Communes as Roman group rows, projects written four ways as details. */
static void test_appendix_by_commune(void **state)
{
    check_case(state, "xa");
}

/* Projects as group rows, communes (with and without "Xã") as details. */
static void test_appendix_by_project(void **state)
{
    check_case(state, "du_an");
}

static void check_disbursement(void **state, const char *dir);

/* The treasury's table: plan and disbursed of the report year and of two
 * years of extended capital, by type, read into the cube with the capital
 * year from each column's header; Tổng số and rates only checked. In
 * .xls and .ods a year's header is only in the first of its columns. */
static void test_disbursement_extended_capital(void **state)
{
    for (size_t i = 0; i < NFORMATS; i++) {
        char *dir = case_dir(i, "giai_ngan");
        fprintf(stderr, "giai_ngan as .%s\n", FORMATS[i]);
        check_disbursement(state, dir);
        free(dir);
    }
}

/* Named giai_ngan*, the treasury table gives its disbursement only: the
 * plan comes from the ke_hoach file beside it, not twice, and the log says
 * its plan columns were left out. */
static void test_disbursement_file_adds_no_plan(void **state)
{
    check_disbursement(state, "gn_file");
}

static void check_disbursement(void **state, const char *dir)
{
    fixture *f = *state;
    int gn_file = !strcmp(dir, "gn_file");
    run r;
    run_ingest(&r, f, dir);
    assert_int_equal(r.st, INGEST_OK);
    assert_int_equal(r.ds.rejected_total, 0);
    expected e;
    int n = 0, extended = 0;
    for (expected_open(&e, f, "giai_ngan"); expected_next(&e);) {
        char **fld = e.fld;
        char *code = fld[2], *colon = strchr(code, ':');
        *colon = 0;
        int cap = atoi(colon + 1);
        int64_t want = strtoll(fld[4], NULL, 10), got = 0;
        for (size_t i = 0; i < r.ds.cube.count; i++) {
            const cube_cell *c = cube_at(&r.ds.cube, i);
            if (c->key.cap_year == cap && c->key.year == 2024 &&
                !strcmp(f->cat.projects[c->key.project].code, code) &&
                !strcmp(f->cat.sources[c->key.source].code, fld[3]))
                got += !strcmp(fld[1], "paid") ? c->disbursed : c->plan;
        }
        if (gn_file && strcmp(fld[1], "paid")) continue; /* plan: from the other file */
        if (want != got) fprintf(stderr, "%s %s:%d %s: want %lld got %lld\n", fld[1], code, cap,
                                 fld[3], (long long)want, (long long)got);
        assert_true(want == got);
        extended += cap < 2024 && want > 0;
        n++;
    }
    assert_true(n >= (gn_file ? 24 : 48));
    assert_true(extended > 5);
    if (gn_file) {
        /* The plan is the appendix's alone. */
        int64_t plan = 0, want = 0;
        for (size_t i = 0; i < r.ds.cube.count; i++)
            plan += cube_at(&r.ds.cube, i)->plan;
        for (expected_open(&e, f, "xa"); expected_next(&e);)
            if (!strcmp(e.fld[1], "all")) want += strtoll(e.fld[4], NULL, 10);
        assert_true(want > 0 && plan == want);
        int said = 0;
        for (int i = 0; i < r.ds.nnotes; i++)
            said += strstr(r.ds.notes[i], "giai_ngan_kbnn_2024.xlsx: tệp giải ngân; 6 cột kế hoạch") != NULL;
        assert_int_equal(said, 1);
    }
    for (int i = 0; i < r.ds.nnotes; i++) assert_null(strstr(r.ds.notes[i], "lệch"));
    run_free(&r);
}

/* Three communes' own sheets, each in its own words (source columns named
 * as the catalogue spells them), a Tổng cộng row at the bottom, the commune
 * from [file.<pattern>] commune = ...: every cell lands on its commune,
 * project and source; the Tổng cộng rows are checked, not added. */
static void check_own_sheets(void **state, const char *dir);

static void test_communes_own_sheets(void **state)
{
    for (size_t i = 0; i < NFORMATS; i++) {
        char *dir = case_dir(i, "own");
        fprintf(stderr, "own as .%s\n", FORMATS[i]);
        check_own_sheets(state, dir);
        free(dir);
    }
}

static void check_own_sheets(void **state, const char *dir)
{
    fixture *f = *state;
    run r;
    run_ingest(&r, f, dir);
    assert_int_equal(r.st, INGEST_OK);
    assert_int_equal(r.ds.rejected_total, 0);
    expected e;
    int n = 0;
    int64_t all = 0;
    for (expected_open(&e, f, "own"); expected_next(&e);) {
        char **fld = e.fld;
        char *unit = fld[2], *colon = strchr(unit, ':');
        *colon = 0;
        int64_t want = strtoll(fld[4], NULL, 10), got = 0;
        for (size_t i = 0; i < r.ds.cube.count; i++) {
            const cube_cell *c = cube_at(&r.ds.cube, i);
            if (!strcmp(units_name(&r.ds.units, (int)c->key.unit), unit) &&
                !strcmp(f->cat.projects[c->key.project].code, colon + 1) &&
                !strcmp(f->cat.sources[c->key.source].code, fld[3]))
                got += c->plan;
        }
        if (want != got) fprintf(stderr, "%s %s %s: want %lld got %lld\n", unit, colon + 1, fld[3],
                                 (long long)want, (long long)got);
        assert_true(want == got);
        all += want;
        n++;
    }
    assert_true(n >= 40);
    /* Nothing else was added: not the Tổng cộng rows, not the signatures. */
    int64_t cube_all = 0;
    for (size_t i = 0; i < r.ds.cube.count; i++)
        cube_all += cube_at(&r.ds.cube, i)->plan;
    assert_true(cube_all == all);
    assert_int_equal(r.ds.units.nunits, 3);
    for (int i = 0; i < r.ds.nnotes; i++) assert_null(strstr(r.ds.notes[i], "lệch"));
    run_free(&r);
}

/* A layout nothing recognises: the run stops naming the cell it could not
 * place and its text; described in a layout file (the form syntax) and
 * named in [file.<pattern>] layout = ..., it reads to the generator's
 * figures, and its "Cộng" column is checked. */
static void test_unusual_layout_file(void **state)
{
    fixture *f = *state;
    run r;
    run_ingest(&r, f, "odd");
    assert_int_equal(r.st, INGEST_BAD_FILE);
    assert_non_null(strstr(r.err.buf, "ke_hoach_ban_qlda.xlsx"));
    assert_non_null(strstr(r.err.buf, "ô A3 \"TT\" không khớp"));
    run_free(&r);
    run_ingest_layout(&r, f, "odd", "ban_qlda.txt");
    assert_int_equal(r.st, INGEST_OK);
    assert_int_equal(r.ds.rejected_total, 0);
    expected e;
    int n = 0;
    for (expected_open(&e, f, "odd"); expected_next(&e); n++) {
        int64_t want = strtoll(e.fld[4], NULL, 10);
        assert_true(want == cube_sum(&r.ds, &f->cat, e.fld[1], e.fld[2], e.fld[3]));
    }
    assert_int_equal(n, 15);
    for (int i = 0; i < r.ds.nnotes; i++) assert_null(strstr(r.ds.notes[i], "lệch"));
    run_free(&r);
}

/* A subtotal that disagrees with its rows is named with file, row and
 * column; the total above it (right) is not reported through it. */
static void test_wrong_subtotal_reported(void **state)
{
    fixture *f = *state;
    run r;
    run_ingest(&r, f, "wrong");
    assert_int_equal(r.st, INGEST_OK);
    int found = 0;
    for (int i = 0; i < r.ds.nnotes; i++) {
        const char *n = r.ds.notes[i];
        if (strstr(n, "ke_hoach_sai_tong.xlsx") && strstr(n, "dòng 15") &&
            strstr(n, "Xã Vĩnh Khê") && strstr(n, "cột F")) found++;
        assert_null(strstr(n, "TỔNG SỐ"));
    }
    assert_int_equal(found, 1);
    run_free(&r);
}

/* ---- the issued Biểu 03's header, as a probe sees it ------------------ */

/* Offer the title and the three header rows of the issued Biểu 03 (as this
 * program writes it: merged cells empty but their first) whose first group
 * says "Tổng số vốn <scope>"; 1 when they match a form (lay filled). */
static int probe_gn03(const catalogue *cat, const char *scope, wide_layout *lay, strbuf *why)
{
    static const char *rows[4][23] = {
        {"Đơn vị tính: triệu đồng"},
        {"STT", "Dự án, tiểu dự án", NULL, "", "", "Vốn năm 2024", "", "", "Vốn các năm trước kéo dài", "",
         "", "", "", "", "", "Trong đó", "", "", "", "", "", "Các nguồn vốn khác (không tính tỷ lệ)", ""},
        {"", "", "Kế hoạch vốn", "Giải ngân", "Tỷ lệ", "Kế hoạch vốn", "Giải ngân", "Tỷ lệ", "Tổng số", "", "",
         "Vốn năm 2023", "", "Vốn năm 2022 trở về trước", "", "Vốn đầu tư phát triển", "", "", "Vốn sự nghiệp",
         "", "", "Kế hoạch vốn", "Thực hiện"},
        {"", "", "", "", "", "", "", "", "Kế hoạch vốn", "Giải ngân", "Tỷ lệ", "Kế hoạch vốn", "Giải ngân",
         "Kế hoạch vốn", "Giải ngân", "Kế hoạch vốn", "Giải ngân", "Tỷ lệ", "Kế hoạch vốn", "Giải ngân", "Tỷ lệ",
         "", ""}};
    config cfg;
    config_defaults(&cfg);
    cfg.year = 2024;
    strbuf err = STRBUF_INIT;
    wide_probe *p = wide_probe_new(&cfg, cat, NULL, &err);
    assert_non_null(p);
    wide_probe_for_shares(p);
    int found = 0;
    for (int i = 0; i < 4 && !found; i++) {
        const char *cell[23];
        size_t len[23];
        for (int c = 0; c < 23; c++) {
            cell[c] = i == 1 && c == 2 ? scope : rows[i][c] ? rows[i][c] : "";
            len[c] = strlen(cell[c]);
        }
        record r = {23, cell, len, NULL, i};
        found = wide_probe_row(p, &r, lay, why);
    }
    wide_probe_free(p);
    config_free(&cfg);
    strbuf_release(&err);
    return found;
}

/* The sources of the groups given by code, of capital type `type` (NULL: any). */
static uint64_t sources_of(const catalogue *cat, const char *const *groups, int ngroups, const char *type)
{
    uint64_t set = 0;
    for (int s = 0; s < cat->nsources; s++)
        for (int g = 0; g < ngroups; g++)
            if (cat->sources[s].group == catalogue_group_by_code(cat, groups[g]) &&
                (!type || cat->sources[s].type == catalogue_type_by_code(cat, type)))
                set |= 1ull << s;
    return set;
}

/* The groups the sheet names in its first header say what its scope=rate
 * and scope=outside columns hold; the capital year columns are extended
 * capital of one and two years before; words naming no group are no
 * Biểu 03. */
static void test_gn03_header_scope(void **state)
{
    fixture *f = *state;
    const catalogue *cat = &f->cat;
    uint64_t all = (1ull << cat->nsources) - 1;
    static const char *const nstw[] = {"NSTW"}, *const nsnn[] = {"NSTW", "NSDP"};
    wide_layout lay;
    strbuf why = STRBUF_INIT;
    assert_int_equal(probe_gn03(cat, "Tổng số vốn ngân sách trung ương", &lay, &why), 1);
    assert_int_equal(lay.cols[16].role, WC_SHARE); /* Q: ĐTPT, giải ngân */
    assert_int_equal(lay.cols[16].sources, sources_of(cat, nstw, 1, "DTPT"));
    assert_int_equal(lay.cols[22].role, WC_SHARE); /* W: the other sources, thực hiện */
    assert_int_equal(lay.cols[22].disbursed, 1);
    assert_int_equal(lay.cols[22].sources, all & ~sources_of(cat, nstw, 1, NULL));
    assert_int_equal(lay.cols[5].sources, sources_of(cat, nstw, 1, NULL)); /* F: current plan */
    assert_int_equal(lay.cols[5].capital, WCAP_CURRENT);
    assert_int_equal(lay.cols[12].capital, WCAP_EXTENDED); /* M: 2023's */
    assert_int_equal(lay.cols[12].extended, 1);
    assert_int_equal(lay.cols[14].capital, WCAP_EXTENDED); /* O: 2022's or earlier */
    assert_int_equal(lay.cols[14].extended, 2);
    assert_int_equal(lay.cols[8].role, WC_SUM); /* I: extended, Tổng số */
    wide_layout_free(&lay);
    strbuf_reset(&why);
    assert_int_equal(probe_gn03(cat, "Tổng số vốn ngân sách trung ương và ngân sách địa phương", &lay, &why), 1);
    assert_int_equal(lay.cols[16].sources, sources_of(cat, nsnn, 2, "DTPT"));
    assert_int_equal(lay.cols[22].sources, all & ~sources_of(cat, nsnn, 2, NULL));
    wide_layout_free(&lay);
    strbuf_reset(&why);
    assert_int_equal(probe_gn03(cat, "Tổng số vốn ngân sách trung ương và vốn vay", &lay, &why), 0);
    /* (A commune's workbook with such a sheet is read for its plan only,
     * and the run says so: test_round_trip_from_communes's message.) */
    strbuf_release(&why);
}

/* ---- consolidation: a split run's workbooks read back ---------------- */

/* A config for one run of the binary; extra is appended ([job.*]). */
static char *write_ini(const char *dir, const char *name, const char *in, const char *out,
                       const char *extra)
{
    char cwd[4096];
    assert_non_null(getcwd(cwd, sizeof cwd));
    strbuf ini = STRBUF_INIT;
    strbuf_addf(&ini, "[report]\nyear = 2024\nas_of = 2024-12-31\ninput_dir = %s/%s\n"
                      "output_dir = %s/%s\ntemplates_dir = %s/templates\noutputs = xlsx\n"
                      "amount_unit = trieu\n[unit]\nagency = Ban Dân tộc\nprovince_code = 99\n"
                      "province_name = Hòa Sơn\n%s", dir, in, dir, out, cwd, extra);
    char *path = tu_path(dir, name);
    assert_int_equal(tu_write_file(path, ini.buf), 0);
    strbuf_release(&ini);
    return path;
}

static void run_bin(const char *ini, strbuf *log)
{
    strbuf_reset(log);
    int rc = tu_runf(log, "build/san/mtqg-report --config '%s' 2>&1", ini);
    if (rc != 0 && rc != 3) fail_msg("status %d\n%s", rc, log->buf);
}

/* Every cell of the named sheet has the same value in both workbooks. */
static void same_sheet(const char *a, const char *b, const char *name)
{
    xlsx_book x, y;
    strbuf err = STRBUF_INIT;
    assert_int_equal(xlsx_load(&x, a, &err), 0);
    assert_int_equal(xlsx_load(&y, b, &err), 0);
    const xlsx_sheet *sx = xlsx_sheet_named(&x, name), *sy = xlsx_sheet_named(&y, name);
    assert_non_null(sx);
    assert_non_null(sy);
    assert_int_equal(xlsx_max_row(sx), xlsx_max_row(sy));
    int numbers = 0;
    for (int i = 0; i < sx->n; i++) {
        const xlsx_cell *c = &sx->cells[i];
        const char *tx = c->text ? c->text : "", *ty = xlsx_text(sy, c->row, c->col);
        if (strcmp(tx, ty ? ty : ""))
            fail_msg("%s %s: \"%s\" in the province run, \"%s\" from the communes' workbooks",
                     name, c->ref, tx, ty ? ty : "");
        if (c->type == XC_NUMBER && c->has_value && strcmp(tx, "0")) numbers++;
    }
    assert_true(numbers > 20); /* real figures were compared, not empty tables */
    xlsx_free(&x);
    xlsx_free(&y);
    strbuf_release(&err);
}

/*
 * The round trip over the rows in dir/orig: read whole (into dir/whole),
 * split per commune (dir/split), and the communes' workbooks read back
 * (dir/back), each with the configuration keys `keys` added. The log of
 * the three runs is appended to *log; *whole_xlsx and *back_xlsx name the
 * first and last runs' workbooks.
 */
static void round_trip(const char *dir, const char *keys, strbuf *log, char **whole_xlsx,
                       char **back_xlsx)
{
    strbuf split_keys = STRBUF_INIT;
    strbuf_addf(&split_keys, "%s[job.xa]\nperiod = 2024\nsplit = commune\n", keys);
    char *ini[3] = {write_ini(dir, "whole.ini", "orig", "whole", keys),
                    write_ini(dir, "split.ini", "orig", "split", split_keys.buf),
                    write_ini(dir, "back.ini", "split", "back", keys)};
    for (int i = 0; i < 3; i++) {
        run_bin(ini[i], log);
        free(ini[i]);
    }
    strbuf_release(&split_keys);
    *whole_xlsx = tu_path(dir, "whole/bao-cao-1719-2024.xlsx");
    *back_xlsx = tu_path(dir, "back/bao-cao-1719-2024.xlsx");
}

/* Biểu 01-04 of two workbooks, the same to the cell. */
static void same_tables(const char *a, const char *b)
{
    same_sheet(a, b, "01 KH von theo du an");
    same_sheet(a, b, "02 KH von theo xa");
    /* Disbursement by capital (current, extended) and by type (ĐTPT, SN). */
    same_sheet(a, b, "03 Giai ngan theo du an");
    same_sheet(a, b, "04 Giai ngan theo xa");
}

/* The sample's commune rows (plan and payments) give a province report;
 * split per commune, the communes' workbooks alone give the same plan
 * tables (Biểu 01, 02) and disbursement tables (Biểu 03, 04: by capital,
 * current and extended, and by type) to the cell. A control total in one
 * of them that disagrees with its rows is reported. */
static void test_round_trip_from_communes(void **state)
{
    (void)state;
    char *dir = tu_tmpdir("wide-rt");
    strbuf log = STRBUF_INIT;
    /* District- and province-level rows are in no commune's workbook. */
    assert_int_equal(tu_runf(&log, "mkdir -p '%s/orig' '%s/whole' '%s/split' '%s/back' '%s/bad' "
                                   "'%s/badout' && awk -F, 'NR==1 || $7 != \"\"' "
                                   "input/ke_hoach_2024.csv > '%s/orig/ke_hoach_2024.csv' && "
                                   "awk -F';' 'NR==1 || $5 != \"\"' input/giai_ngan_2024.csv > "
                                   "'%s/orig/giai_ngan_2024.csv'",
                             dir, dir, dir, dir, dir, dir, dir, dir), 0);
    char *a, *b;
    round_trip(dir, "", &log, &a, &b);
    assert_non_null(strstr(log.buf, "bao-cao-1719-2024-99101.xlsx"));
    /* The communes' check workbooks beside them are said and not read. */
    assert_non_null(strstr(log.buf, "bao-cao-1719-2024-99101-kiem-tra.xlsx: không đọc: báo cáo kiểm tra"));
    assert_null(strstr(log.buf, "vượt kế hoạch")); /* no payment placed beyond its plan */
    assert_null(strstr(log.buf, "giải ngân (giai_ngan) nhưng không có tệp nào"));
    same_tables(a, b);
    /* One commune's figure changed under its stored totals. */
    assert_int_equal(tu_runf(&log, "cp '%s'/split/*.xlsx '%s/bad/' && /usr/bin/python3 "
                                   "tests/fixtures/wide/bump_cell.py "
                                   "'%s/bad/bao-cao-1719-2024-99101.xlsx' xl/worksheets/sheet1.xml "
                                   "F10 406.53", dir, dir, dir), 0);
    /* Biểu 03 alone (no source in its columns) is no table to add: refused,
     * not read as rows that add nothing. */
    assert_int_equal(tu_runf(&log, "mkdir -p '%s/gn03' '%s/gn03out' && cp '%s/split/bao-cao-1719-2024-99101.xlsx' "
                                   "'%s/gn03/giai_ngan_xa.xlsx' && cp '%s/orig/ke_hoach_2024.csv' '%s/gn03/'",
                             dir, dir, dir, dir, dir, dir), 0);
    char *gn03 = write_ini(dir, "gn03.ini", "gn03", "gn03out",
                           "[file.giai_ngan_xa*]\nsheet = 03 Giai ngan theo du an\n");
    strbuf_reset(&log);
    assert_int_not_equal(tu_runf(&log, "build/san/mtqg-report --config '%s' 2>&1", gn03), 0);
    assert_non_null(strstr(log.buf, "giai_ngan_xa.xlsx: không tìm thấy dòng tiêu đề"));
    assert_non_null(strstr(log.buf, "tiêu đề đến dòng 8 khớp Biểu số 03"));
    assert_non_null(strstr(log.buf, "không cộng được"));
    free(gn03);
    char *bad = write_ini(dir, "bad.ini", "bad", "badout", "");
    run_bin(bad, &log);
    assert_non_null(strstr(log.buf, "bao-cao-1719-2024-99101.xlsx, trang đầu"));
    assert_non_null(strstr(log.buf, "dòng 9 \"TỔNG SỐ\", cột F"));
    assert_int_equal(tu_count(log.buf, "các dòng bên dưới cộng lại"), 1);
    free(a);
    free(b);
    free(bad);
    strbuf_release(&log);
    tu_rmtree(dir);
    free(dir);
}

/* The issued Biểu 03 read back: the run's rate counts one group only
 * (its header says "Tổng số vốn ngân sách trung ương", the other groups in
 * the "Các nguồn vốn khác" columns) and extended capital comes from two
 * years (2023, and 2022 under "Vốn năm 2022 trở về trước"): the communes'
 * workbooks still give the province's Biểu 01-04 to the cell. */
static void test_round_trip_scope_and_years(void **state)
{
    (void)state;
    char *dir = tu_tmpdir("wide-rt2");
    strbuf log = STRBUF_INIT;
    /* Projects 3 and 4's capital of 2023 made 2022's, in plan and payments alike. */
    assert_int_equal(tu_runf(&log, "mkdir -p '%s/orig' '%s/whole' '%s/split' '%s/back' && "
                                   "awk -F, -v OFS=, 'NR>1 && $2 == 2023 && $9 ~ /^DA[34]/ {$2 = 2022} "
                                   "NR==1 || $7 != \"\"' input/ke_hoach_2024.csv > '%s/orig/ke_hoach_2024.csv' && "
                                   "awk -F';' -v OFS=';' 'NR>1 && $2 == 2023 && $7 ~ /^DA[34]/ {$2 = 2022} "
                                   "NR==1 || $5 != \"\"' input/giai_ngan_2024.csv > '%s/orig/giai_ngan_2024.csv'",
                             dir, dir, dir, dir, dir, dir), 0);
    char *a, *b;
    round_trip(dir, "[report]\nrate_scope = NSTW\n", &log, &a, &b);
    assert_null(strstr(log.buf, "vượt kế hoạch"));
    assert_null(strstr(log.buf, "không có trang giải ngân theo dự án"));
    assert_null(strstr(log.buf, "không khớp với kế hoạch của tệp"));
    /* The other sources' payments: no capital year or source in the sheet, said. */
    assert_non_null(strstr(log.buf, "giải ngân các nguồn vốn khác (không tính tỷ lệ"));
    xlsx_book x;
    strbuf err = STRBUF_INIT;
    assert_int_equal(xlsx_load(&x, a, &err), 0);
    const xlsx_sheet *gn = xlsx_sheet_named(&x, "03 Giai ngan theo du an");
    assert_non_null(gn);
    /* The case is the one meant: one group in the rate, 2022's capital shown. */
    int scope = 0, y2022 = 0;
    for (int i = 0; i < gn->n; i++) {
        const char *t = gn->cells[i].text ? gn->cells[i].text : "";
        scope += !strcmp(t, "Tổng số vốn ngân sách trung ương");
        y2022 += !strcmp(t, "Vốn năm 2022 trở về trước");
    }
    assert_int_equal(scope, 1);
    assert_int_equal(y2022, 1);
    xlsx_free(&x);
    strbuf_release(&err);
    same_tables(a, b);
    free(a);
    free(b);
    strbuf_release(&log);
    tu_rmtree(dir);
    free(dir);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_appendix_by_commune),
        T(test_appendix_by_project),
        T(test_wrong_subtotal_reported),
        T(test_disbursement_extended_capital),
        T(test_disbursement_file_adds_no_plan),
        T(test_communes_own_sheets),
        T(test_unusual_layout_file),
        T(test_gn03_header_scope),
        cmocka_unit_test(test_round_trip_from_communes),
        cmocka_unit_test(test_round_trip_scope_and_years),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
