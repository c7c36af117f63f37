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

#include "config/config.h"
#include "model/dataset.h"
#include "read/ingest.h"
#include "testutil.h"

typedef struct fixture {
    char *dir;
    catalogue cat;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    strbuf err = STRBUF_INIT, out = STRBUF_INIT;
    f->dir = tu_tmpdir("wide");
    int rc = catalogue_load(&f->cat, "templates/catalogue.txt", &err);
    if (rc == 0 && tu_runf(&out, "/usr/bin/python3 tests/fixtures/wide/make_wide.py %s", f->dir) != 0) {
        fprintf(stderr, "make_wide.py: %s\n", out.buf);
        rc = -1;
    }
    strbuf_release(&err);
    strbuf_release(&out);
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

typedef struct run {
    config cfg;
    dataset ds;
    strbuf err;
    ingest_status st;
} run;

static void run_ingest(run *r, fixture *f, const char *sub)
{
    config_defaults(&r->cfg);
    char *dir = tu_path(f->dir, sub);
    config_set(&r->cfg.input_dir, dir);
    free(dir);
    config_set(&r->cfg.templates_dir, "templates");
    r->cfg.year = 2024;
    r->cfg.as_of = 20241231;
    config_set(&r->cfg.unit.province_code, "99");
    config_set(&r->cfg.unit.province_name, "Hòa Sơn");
    r->err = (strbuf)STRBUF_INIT;
    dataset_init(&r->ds, &f->cat);
    ingest_options opt = {1, 0};
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
    for (size_t i = 0; i < ds->cube.cap; i++) {
        const cube_cell *c = &ds->cube.cells[i];
        if (!c->used || strcmp(cat->sources[c->key.source].code, source)) continue;
        if (!strcmp(by, "unit") && strcmp(units_name(&ds->units, (int)c->key.unit), key)) continue;
        if (!strcmp(by, "project") && strcmp(cat->projects[c->key.project].code, key)) continue;
        sum += c->plan;
    }
    return sum;
}

/* Every line of expected.txt for the case: the generator's own totals. */
static void check_case(void **state, const char *name)
{
    fixture *f = *state;
    run r;
    run_ingest(&r, f, name);
    assert_int_equal(r.st, INGEST_OK);
    assert_int_equal(r.ds.rejected_total, 0);
    char *path = tu_path(f->dir, "expected.txt");
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    char line[512];
    int n = 0;
    while (fgets(line, sizeof line, fp)) {
        char *fld[5], *s = line;
        line[strcspn(line, "\n")] = 0;
        for (int i = 0; i < 5; i++) fld[i] = strsep(&s, "|");
        if (strcmp(fld[0], name)) continue;
        int64_t want = strtoll(fld[4], NULL, 10), got = cube_sum(&r.ds, &f->cat, fld[1], fld[2], fld[3]);
        if (want != got) fprintf(stderr, "%s %s %s %s: want %lld got %lld\n", fld[0], fld[1], fld[2],
                                 fld[3], (long long)want, (long long)got);
        assert_true(want == got);
        n++;
    }
    fclose(fp);
    free(path);
    assert_true(n > 20);
    /* The checks found nothing to say on a right table. */
    for (int i = 0; i < r.ds.nnotes; i++) assert_null(strstr(r.ds.notes[i], "lệch"));
    run_free(&r);
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

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_appendix_by_commune),
        T(test_appendix_by_project),
        T(test_wrong_subtotal_reported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
