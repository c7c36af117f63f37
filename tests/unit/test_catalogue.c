/*
 * Tests of model/catalogue: loading the shipped templates/catalogue.txt
 * (24 projects and sub-projects in file order, parents and children, 5
 * source groups, 2 capital types, 7 sources), resolving the spellings
 * offices write for projects ("DA3.TDA2", "da3.tda2", "Dự án 3", "3.2", a
 * content item "DA3.TDA2.ND1") and sources (code, short forms with Đ, the
 * full Vietnamese name, listed spellings), and the errors of a bad
 * catalogue, each naming file and line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/catalogue.h"
#include "testutil.h"

#define CATALOGUE "templates/catalogue.txt"

/* Ids are positions in file order. */
enum {
    P_DA1 = 0, P_DA2, P_DA3, P_DA3_1, P_DA3_2, P_DA3_3, P_DA4, P_DA4_1, P_DA4_2,
    P_DA5, P_DA5_1, P_DA5_2, P_DA5_3, P_DA5_4, P_DA6, P_DA7, P_DA8, P_DA9,
    P_DA9_1, P_DA9_2, P_DA10, P_DA10_1, P_DA10_2, P_DA10_3, P_COUNT
};
enum { S_NSTW_DTPT = 0, S_NSTW_SN, S_NSDP_DTPT, S_NSDP_SN, S_LONG_GHEP, S_DAN_GOP, S_TIN_DUNG };

static int setup(void **state)
{
    catalogue *c = calloc(1, sizeof *c);
    strbuf err = STRBUF_INIT;
    int rc = catalogue_load(c, CATALOGUE, &err);
    if (rc) fprintf(stderr, "%s\n", err.buf);
    strbuf_release(&err);
    *state = c;
    return rc;
}

static int teardown(void **state)
{
    catalogue_free(*state);
    free(*state);
    return 0;
}

static int find_project(const catalogue *c, const char *s)
{
    return catalogue_find_project(c, s, strlen(s));
}

static int find_source(const catalogue *c, const char *s)
{
    return catalogue_find_source(c, s, strlen(s));
}

/* ---- the shipped catalogue --------------------------------------------- */

static void test_counts_and_order(void **state)
{
    const catalogue *c = *state;
    /* 10 projects and 14 sub-projects (3 + 2 + 4 + 2 + 3) */
    assert_int_equal(c->nprojects, P_COUNT);
    assert_int_equal(c->nprojects, 24);
    assert_int_equal(c->nsources, 7);
    assert_int_equal(c->ngroups, 5);
    assert_int_equal(c->ntypes, 2);
    static const char *const codes[P_COUNT] = {
        "DA1", "DA2", "DA3", "DA3.TDA1", "DA3.TDA2", "DA3.TDA3", "DA4", "DA4.TDA1",
        "DA4.TDA2", "DA5", "DA5.TDA1", "DA5.TDA2", "DA5.TDA3", "DA5.TDA4", "DA6", "DA7",
        "DA8", "DA9", "DA9.TDA1", "DA9.TDA2", "DA10", "DA10.TDA1", "DA10.TDA2", "DA10.TDA3"};
    int top = 0;
    for (int i = 0; i < P_COUNT; i++) {
        assert_string_equal(c->projects[i].code, codes[i]);
        top += c->projects[i].parent < 0;
    }
    assert_int_equal(top, 10);
    assert_string_equal(c->projects[P_DA1].name,
                        "Giải quyết tình trạng thiếu đất ở, nhà ở, đất sản xuất, nước sinh hoạt");
    /* a name with ';' inside stays whole (spellings are the third field) */
    assert_string_equal(c->projects[P_DA7].name,
                        "Chăm sóc sức khỏe Nhân dân, nâng cao thể trạng, tầm vóc người dân tộc "
                        "thiểu số; phòng chống suy dinh dưỡng trẻ em");
}

static void test_parents_children(void **state)
{
    const catalogue *c = *state;
    const cat_project *p = &c->projects[P_DA3_2];
    assert_int_equal(p->parent, P_DA3);
    assert_int_equal(p->number, 3);
    assert_int_equal(p->sub, 2);
    assert_int_equal(c->projects[P_DA3].parent, -1);
    assert_int_equal(c->projects[P_DA3].nchildren, 3);
    assert_int_equal(c->projects[P_DA3].sub, 0);
    assert_int_equal(c->projects[P_DA4].nchildren, 2);
    assert_int_equal(c->projects[P_DA5].nchildren, 4);
    assert_int_equal(c->projects[P_DA9].nchildren, 2);
    assert_int_equal(c->projects[P_DA10].nchildren, 3);
    assert_int_equal(c->projects[P_DA1].nchildren, 0);
    assert_int_equal(c->projects[P_DA8].nchildren, 0);
    assert_int_equal(c->projects[P_DA10_3].parent, P_DA10);
    assert_int_equal(c->projects[P_DA10_3].number, 10);
    assert_int_equal(c->projects[P_DA10_3].sub, 3);
    assert_true(catalogue_is_under(c, P_DA3, P_DA3_2));
    assert_true(catalogue_is_under(c, P_DA3_2, P_DA3_2));
    assert_false(catalogue_is_under(c, P_DA3_2, P_DA3));
    assert_false(catalogue_is_under(c, P_DA4, P_DA3_2));
    assert_false(catalogue_is_under(c, P_DA1, P_DA10_1));
}

static void test_sources_groups_types(void **state)
{
    const catalogue *c = *state;
    static const char *const codes[] = {"NSTW_DTPT", "NSTW_SN", "NSDP_DTPT", "NSDP_SN",
                                        "LONG_GHEP", "DAN_GOP", "TIN_DUNG"};
    for (int i = 0; i < 7; i++) assert_string_equal(c->sources[i].code, codes[i]);
    int g_nstw = catalogue_group_by_code(c, "NSTW"), g_nsdp = catalogue_group_by_code(c, "NSDP");
    int t_dtpt = catalogue_type_by_code(c, "DTPT"), t_sn = catalogue_type_by_code(c, "SN");
    assert_int_equal(g_nstw, 0);
    assert_int_equal(g_nsdp, 1);
    assert_int_equal(catalogue_group_by_code(c, "TIN_DUNG"), 4);
    assert_int_equal(catalogue_group_by_code(c, "NSTW_DTPT"), -1);
    assert_int_equal(t_dtpt, 0);
    assert_int_equal(t_sn, 1);
    assert_int_equal(catalogue_type_by_code(c, "XX"), -1);
    assert_string_equal(c->groups[g_nstw].label, "Ngân sách trung ương");
    assert_string_equal(c->types[t_sn].label, "Sự nghiệp");
    assert_int_equal(c->sources[S_NSTW_DTPT].group, g_nstw);
    assert_int_equal(c->sources[S_NSTW_DTPT].type, t_dtpt);
    assert_int_equal(c->sources[S_NSDP_SN].group, g_nsdp);
    assert_int_equal(c->sources[S_NSDP_SN].type, t_sn);
    /* sources outside the budget have no capital type */
    assert_int_equal(c->sources[S_LONG_GHEP].type, -1);
    assert_int_equal(c->sources[S_DAN_GOP].type, -1);
    assert_int_equal(c->sources[S_TIN_DUNG].type, -1);
    assert_int_equal(c->sources[S_DAN_GOP].group, catalogue_group_by_code(c, "DAN_GOP"));
    assert_string_equal(c->sources[S_NSDP_DTPT].name,
                        "Ngân sách địa phương (đối ứng) - vốn đầu tư phát triển");
    assert_int_equal(catalogue_source_by_code(c, "TIN_DUNG"), S_TIN_DUNG);
    assert_int_equal(catalogue_source_by_code(c, "tin_dung"), -1); /* exact only */
}

/* ---- spellings --------------------------------------------------------- */

static void test_find_project(void **state)
{
    const catalogue *c = *state;
    assert_int_equal(find_project(c, "DA3.TDA2"), P_DA3_2);
    assert_int_equal(find_project(c, "da3.tda2"), P_DA3_2);
    assert_int_equal(find_project(c, "  DA3.TDA2 "), P_DA3_2);
    assert_int_equal(find_project(c, "Dự án 3"), P_DA3);
    assert_int_equal(find_project(c, "dự án 10"), P_DA10);
    assert_int_equal(find_project(c, "3.2"), P_DA3_2);
    assert_int_equal(find_project(c, "10.3"), P_DA10_3);
    assert_int_equal(find_project(c, "3"), P_DA3);
    assert_int_equal(find_project(c, "DA3.TDA2.ND1"), P_DA3_2);
    assert_int_equal(find_project(c, "DA5.TDA4.ND12"), P_DA5_4);
    assert_int_equal(find_project(c, "DA1"), P_DA1);
    assert_int_equal(find_project(c, "DA10"), P_DA10);
    assert_int_equal(find_project(c, "DA10.TDA1"), P_DA10_1);
    /* not in the catalogue */
    assert_int_equal(find_project(c, "DA11"), -1);
    assert_int_equal(find_project(c, "DA3.TDA4"), -1);
    assert_int_equal(find_project(c, "DA1.TDA1"), -1);
    assert_int_equal(find_project(c, "3.9"), -1);
    assert_int_equal(find_project(c, "DA3.TDA2.ND"), -1);
    assert_int_equal(find_project(c, "DA3.TDA2x"), -1);
    assert_int_equal(find_project(c, "Dự án"), -1);
    assert_int_equal(find_project(c, ""), -1);
    assert_int_equal(find_project(c, "   "), -1);
    assert_int_equal(find_project(c, "\xC3\x28"), -1); /* invalid UTF-8 */
    /* len is honoured */
    assert_int_equal(catalogue_find_project(c, "DA3.TDA2", 3), P_DA3);
}

static void test_find_source(void **state)
{
    const catalogue *c = *state;
    assert_int_equal(find_source(c, "NSTW_DTPT"), S_NSTW_DTPT);
    assert_int_equal(find_source(c, "nstw_dtpt"), S_NSTW_DTPT);
    assert_int_equal(find_source(c, "NSĐP SN"), S_NSDP_SN);
    assert_int_equal(find_source(c, "NSĐP-ĐTPT"), S_NSDP_DTPT);
    assert_int_equal(find_source(c, "NSTW ĐTPT"), S_NSTW_DTPT);
    assert_int_equal(find_source(c, "Ngân sách trung ương - vốn đầu tư phát triển"), S_NSTW_DTPT);
    assert_int_equal(find_source(c, "Ngân sách địa phương (đối ứng) - vốn sự nghiệp"), S_NSDP_SN);
    assert_int_equal(find_source(c, "NGÂN SÁCH TRUNG ƯƠNG - VỐN SỰ NGHIỆP"), S_NSTW_SN);
    assert_int_equal(find_source(c, "Dân góp"), S_DAN_GOP);
    assert_int_equal(find_source(c, "Nhân dân, cộng đồng đóng góp"), S_DAN_GOP);
    assert_int_equal(find_source(c, "Lồng ghép"), S_LONG_GHEP);
    assert_int_equal(find_source(c, "Tín dụng chính sách"), S_TIN_DUNG);
    assert_int_equal(find_source(c, "NSTW"), -1);
    assert_int_equal(find_source(c, "Vốn ODA"), -1);
    assert_int_equal(find_source(c, ""), -1);
}

static int find_source_of(const catalogue *c, const char *g, const char *t)
{
    return catalogue_find_source_of(c, g, strlen(g), t, strlen(t));
}

/* A source given as two cells, "Nguồn vốn" (its group) and "Loại vốn"
 * (its capital type), by code or name; a whole source in the first cell
 * must agree with the type; a source with no type takes any type word. */
static void test_find_source_of_group_and_type(void **state)
{
    const catalogue *c = *state;
    assert_int_equal(find_source_of(c, "NSTW", "ĐTPT"), S_NSTW_DTPT);
    assert_int_equal(find_source_of(c, "Ngân sách trung ương", "Sự nghiệp"), S_NSTW_SN);
    assert_int_equal(find_source_of(c, "NSĐP", "Đầu tư phát triển"), S_NSDP_DTPT);
    assert_int_equal(find_source_of(c, "ngân sách địa phương", "Vốn sự nghiệp"), S_NSDP_SN);
    assert_int_equal(find_source_of(c, "NSTW ĐTPT", "ĐTPT"), S_NSTW_DTPT);
    assert_int_equal(find_source_of(c, "NSTW ĐTPT", "SN"), -1);       /* they disagree */
    assert_int_equal(find_source_of(c, "Huy động, lồng ghép", "ĐTPT"), S_LONG_GHEP);
    assert_int_equal(find_source_of(c, "NSTW", "Vốn vay"), -1);        /* no such type */
    assert_int_equal(find_source_of(c, "Vốn ODA", "ĐTPT"), -1);        /* no such group */
}

/* ---- errors ------------------------------------------------------------ */

typedef struct tmp {
    char *dir, *path;
} tmp;

/* Load text as a catalogue: expect failure with "path:line:" and why. */
static void load_bad(const char *text, int line, const char *why)
{
    tmp t = {tu_tmpdir("catalogue"), NULL};
    assert_non_null(t.dir);
    t.path = tu_path(t.dir, "catalogue.txt");
    assert_int_equal(tu_write_file(t.path, text), 0);
    catalogue c;
    strbuf err = STRBUF_INIT, want = STRBUF_INIT;
    assert_int_equal(catalogue_load(&c, t.path, &err), -1);
    strbuf_addf(&want, "%s:%d: ", t.path, line);
    if (!strstr(err.buf, want.buf)) fail_msg("error \"%s\" should contain \"%s\"", err.buf, want.buf);
    if (!strstr(err.buf, why)) fail_msg("error \"%s\" should contain \"%s\"", err.buf, why);
    catalogue_free(&c);
    strbuf_release(&err);
    strbuf_release(&want);
    tu_rmtree(t.dir);
    free(t.dir);
    free(t.path);
}

/* Every catalogue file opens with its programme (4 lines). */
#define PROG_HEAD "[programme]\ncode = T\nname = Thử\nlevels = Dự án; Tiểu dự án\n"

#define GOOD_TAIL                                                  \
    "[groups]\nNSTW | Ngân sách trung ương\n"                      \
    "[types]\nDTPT | Đầu tư phát triển\n"                          \
    "[sources]\nNSTW_DTPT | NSTW | DTPT | Ngân sách trung ương - vốn đầu tư phát triển\n"

static void test_small_catalogue_ok(void **state)
{
    (void)state;
    tmp t = {tu_tmpdir("catalogue"), NULL};
    t.path = tu_path(t.dir, "catalogue.txt");
    assert_int_equal(tu_write_file(t.path, "# mini\n" PROG_HEAD "[projects]\nDA1 | Một | D1; Dự án một\n"
                                           "DA2 | Hai\nDA2.TDA1 | Hai một\n"
                                           "[spellings]\nsubproject = {n}.{m}\n" GOOD_TAIL),
                     0);
    catalogue c;
    strbuf err = STRBUF_INIT;
    int rc = catalogue_load(&c, t.path, &err);
    if (rc) fail_msg("%s", err.buf);
    assert_int_equal(c.nprojects, 3);
    assert_int_equal(c.nsources, 1);
    assert_int_equal(find_project(&c, "D1"), 0);
    assert_int_equal(find_project(&c, "DỰ ÁN MỘT"), 0);
    assert_int_equal(find_project(&c, "2.1"), 2);      /* from [spellings] */
    assert_int_equal(find_project(&c, "da2.tda1"), 2); /* the code itself */
    assert_int_equal(find_project(&c, "Dự án 2"), -1); /* not listed here */
    assert_int_equal(c.projects[1].nchildren, 1);
    catalogue_free(&c);
    strbuf_release(&err);
    tu_rmtree(t.dir);
    free(t.dir);
    free(t.path);
}

static void test_error_sub_before_project(void **state)
{
    (void)state;
    load_bad(PROG_HEAD "[projects]\nDA1 | Một\nDA2.TDA1 | Hai một\nDA2 | Hai\n" GOOD_TAIL, 7, "DA2.TDA1");
}

static void test_error_unknown_group(void **state)
{
    (void)state;
    load_bad(PROG_HEAD "[projects]\nDA1 | Một\n"
             "[groups]\nNSTW | Ngân sách trung ương\n"
             "[types]\nDTPT | Đầu tư phát triển\n"
             "[sources]\n"
             "NSTW_DTPT | NSTW | DTPT | Ngân sách trung ương - vốn đầu tư phát triển\n"
             "ODA | VAY_NN | DTPT | Vốn vay nước ngoài\n",
             13, "VAY_NN");
}

static void test_error_unknown_type(void **state)
{
    (void)state;
    load_bad(PROG_HEAD "[projects]\nDA1 | Một\n"
             "[groups]\nNSTW | Ngân sách trung ương\n"
             "[types]\nDTPT | Đầu tư phát triển\n"
             "[sources]\nNSTW_SN | NSTW | SU_NGHIEP | Ngân sách trung ương - vốn sự nghiệp\n",
             12, "SU_NGHIEP");
}

static void test_error_section_typo(void **state)
{
    (void)state;
    load_bad(PROG_HEAD "[projects]\nDA1 | Một\n\n[projetcs]\nDA2 | Hai\n" GOOD_TAIL, 9, "projetcs");
}

static void test_error_bad_project_lines(void **state)
{
    (void)state;
    load_bad(PROG_HEAD "[projects]\nDA1\n" GOOD_TAIL, 6, "mã | tên");
    load_bad(PROG_HEAD "[projects]\nDA1 | Một\n# c\nDA1 | Lại\n" GOOD_TAIL, 8, "DA1");
    /* deeper than the programme's levels */
    load_bad(PROG_HEAD "[projects]\nDA1 | Một\nDA1.TDA1 | Một một\nDA1.TDA1.ND1 | Ba\n" GOOD_TAIL, 8, "levels");
    /* parts before the programme says its levels */
    load_bad("[projects]\nDA1 | Một\n" GOOD_TAIL, 2, "levels");
    /* a source line with too few fields */
    load_bad(PROG_HEAD "[projects]\nDA1 | Một\n[groups]\nNSTW | A\n[sources]\nNSTW_DTPT | NSTW\n", 10, "mã");
}

static void test_error_empty_and_missing(void **state)
{
    (void)state;
    tmp t = {tu_tmpdir("catalogue"), NULL};
    t.path = tu_path(t.dir, "catalogue.txt");
    assert_int_equal(tu_write_file(t.path, "# only comments\n" PROG_HEAD "[projects]\n"), 0);
    catalogue c;
    strbuf err = STRBUF_INIT;
    assert_int_equal(catalogue_load(&c, t.path, &err), -1);
    assert_non_null(strstr(err.buf, t.path));
    catalogue_free(&c);
    strbuf_reset(&err);
    char *missing = tu_path(t.dir, "khong-co.txt");
    assert_int_equal(catalogue_load(&c, missing, &err), -1);
    assert_non_null(strstr(err.buf, missing));
    catalogue_free(&c);
    free(missing);
    strbuf_release(&err);
    tu_rmtree(t.dir);
    free(t.dir);
    free(t.path);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_counts_and_order),
        T(test_parents_children),
        T(test_sources_groups_types),
        T(test_find_project),
        T(test_find_source),
        T(test_find_source_of_group_and_type),
        cmocka_unit_test(test_small_catalogue_ok),
        cmocka_unit_test(test_error_sub_before_project),
        cmocka_unit_test(test_error_unknown_group),
        cmocka_unit_test(test_error_unknown_type),
        cmocka_unit_test(test_error_section_typo),
        cmocka_unit_test(test_error_bad_project_lines),
        cmocka_unit_test(test_error_empty_and_missing),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
