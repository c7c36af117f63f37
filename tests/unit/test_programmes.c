/*
 * Programmes as data and the two-level map, end to end: a 2026 province
 * with new commune codes and no districts, the 2026-2035 programme's
 * allocations beside Program 1719's capital extended from 2025
 * (tests/fixtures/y2026). The run loads two catalogue files (the shipped
 * 1719 one and the shipped 2026-2035 one with test parts filled in); the
 * independent oracle tests/fixtures/y2026/check.py reads the CSVs with
 * decimal and checks every programme's and commune's total in the
 * workbook, each top-level part's disbursement line and level word in the
 * PDF, and that no "huyện" appears. Also: a catalogue of any depth with
 * codes of no fixed form, and the shipped 2026-2035 file, which says loudly
 * what it does not know yet. And the words of the capital-type columns of
 * the tables, read back from the workbook and the PDF: each programme's
 * own ("Vốn sự nghiệp" for 1719, "Kinh phí chi thường xuyên" for
 * 2026-2035), none of the other's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "model/catalogue.h"
#include "testutil.h"

/* dir/ctmtqg.txt: the shipped 2026-2035 catalogue with the fixture's
 * parts (placeholder names) in [projects]. */
static void filled_catalogue(const char *dir)
{
    assert_int_equal(tu_runf(NULL, "sed -e '/^incomplete/d' -e '/^\\[projects\\]/r tests/fixtures/y2026/parts.txt' "
                                   "templates/ctmtqg_2026_2035.txt > '%s/ctmtqg.txt'", dir), 0);
}

static void test_two_programmes_2026(void **state)
{
    (void)state;
    char *dir = tu_tmpdir("y2026");
    char cwd[4096];
    assert_non_null(getcwd(cwd, sizeof cwd));
    filled_catalogue(dir);
    strbuf ini = STRBUF_INIT, log = STRBUF_INIT, out = STRBUF_INIT;
    strbuf_addf(&ini, "[report]\nyear = 2026\nas_of = 2026-12-31\nperiod_label = năm 2026\n"
                      "input_dir = %s/tests/fixtures/y2026/input\noutput_dir = %s/out\n"
                      "templates_dir = %s/templates\ncatalogue = catalogue.txt, %s/ctmtqg.txt\n"
                      "output_name = bc\n"
                      /* no indicators in the fixture: the tables of money only */
                      "forms = forms/01_kh_du_an.txt, forms/02_kh_xa.txt, forms/03_gn_du_an.txt, "
                      "forms/04_gn_xa.txt\n[unit]\nprovince_code = 99\nprovince_name = Hòa Sơn\n"
                      "agency = Sở Dân tộc và Tôn giáo\n", cwd, dir, cwd, dir);
    char *path = tu_path(dir, "c.ini");
    assert_int_equal(tu_write_file(path, ini.buf), 0);
    int rc = tu_runf(&log, "build/san/mtqg-report --config '%s' 2>&1", path);
    if (rc != 0) fail_msg("status %d\n%s", rc, log.buf);
    rc = tu_runf(&out, "/usr/bin/python3 tests/fixtures/y2026/check.py tests/fixtures/y2026/input "
                       "'%s/out/bc-2026.xlsx' '%s/out/bc-2026.pdf' 2>&1", dir, dir);
    if (rc != 0) fail_msg("oracle:\n%s", out.buf);
    /* Every input row counted: the log's line adds up with none rejected. */
    if (!strstr(log.buf, "tổng cộng 105 dòng = 105 nhận + 0 bỏ qua")) fail_msg("%s", log.buf);
    strbuf_release(&ini);
    strbuf_release(&log);
    strbuf_release(&out);
    free(path);
    tu_rmtree(dir);
    free(dir);
}

/* A row naming its programme takes that programme's codes only. */
static void test_programme_column(void **state)
{
    (void)state;
    char *dir = tu_tmpdir("y2026c");
    filled_catalogue(dir);
    strbuf err = STRBUF_INIT;
    catalogue c;
    char *path = tu_path(dir, "ctmtqg.txt");
    assert_int_equal(catalogue_load(&c, "templates/catalogue.txt", &err), 0);
    if (catalogue_add(&c, path, &err) < 0) fail_msg("%s", err.buf);
    assert_int_equal(c.nprogrammes, 2);
    int g = catalogue_find_programme(&c, "mtqg_2026_2035", 14);
    assert_int_equal(g, 1);
    assert_int_equal(catalogue_find_programme(&c, "Chương trình 1719", strlen("Chương trình 1719")), 0);
    int nd12 = catalogue_find_project(&c, "ND1.2", 5);
    assert_true(nd12 >= 0);
    assert_int_equal(c.projects[nd12].programme, 1);
    assert_int_equal(c.projects[nd12].depth, 1);
    assert_string_equal(catalogue_level_word(&c, nd12), "Nội dung thành phần");
    assert_int_equal(catalogue_find_project_in(&c, 1, "Nội dung thành phần 2 - Nội dung 1",
                                               strlen("Nội dung thành phần 2 - Nội dung 1")), nd12);
    assert_int_equal(catalogue_find_project_in(&c, 0, "ND1.2", 5), -1); /* not a 1719 code */
    assert_int_equal(catalogue_find_project_in(&c, 1, "DA1", 3), -1);
    int sn = catalogue_type_by_code(&c, "SN");
    assert_string_equal(catalogue_type_word(&c, 0, sn), "vốn sự nghiệp");
    assert_string_equal(catalogue_type_word(&c, 1, sn), "kinh phí chi thường xuyên");
    catalogue_free(&c);
    strbuf_release(&err);
    free(path);
    tu_rmtree(dir);
    free(dir);
}

/* Three levels, codes of no fixed form: parents from the codes, numbers
 * from their digits (or their place), spellings per level. */
static void test_any_depth_any_codes(void **state)
{
    (void)state;
    char *dir = tu_tmpdir("cat3");
    char *path = tu_path(dir, "c.txt");
    assert_int_equal(tu_write_file(path,
        "[programme]\ncode = X\nname = Chương trình thử\nlevels = Hợp phần; Nội dung thành phần; Nội dung\n"
        "separator = /\n"
        "[projects]\nHP1 | Một\nHP1/A | Một A\nHP1/A/3 | Một A ba\nHP1/B | Một B\nHP2 | Hai\n"
        "[spellings]\nlevel1 = Hợp phần {n}\nlevel3 = {n}-{m}-{k}\n"
        "[groups]\nNSTW | Ngân sách trung ương\n[types]\nSN | Sự nghiệp\n"
        "[sources]\nNSTW_SN | NSTW | SN | Ngân sách trung ương - sự nghiệp\n"), 0);
    catalogue c;
    strbuf err = STRBUF_INIT;
    if (catalogue_load(&c, path, &err) < 0) fail_msg("%s", err.buf);
    assert_int_equal(c.nprojects, 5);
    assert_int_equal(c.projects[2].parent, 1);
    assert_int_equal(c.projects[2].depth, 2);
    assert_int_equal(c.projects[2].own, 3);
    assert_int_equal(c.projects[1].own, 1); /* "A": first among its siblings */
    assert_int_equal(c.projects[3].own, 2);
    assert_int_equal(c.projects[2].number, 1);
    assert_int_equal(c.projects[0].nchildren, 2);
    assert_int_equal(catalogue_find_project(&c, "hợp phần 2", strlen("hợp phần 2")), 4);
    assert_int_equal(catalogue_find_project(&c, "1-1-3", 5), 2);
    assert_string_equal(catalogue_level_word(&c, 2), "Nội dung");
    assert_true(catalogue_is_under(&c, 0, 2));
    catalogue_free(&c);
    strbuf_release(&err);
    free(path);
    tu_rmtree(dir);
    free(dir);
}

/* [file.<name>] chuong_trinh: rows of that file that name no programme
 * belong to it, so another programme's code there is rejected, not
 * counted under the other programme. */
static void test_file_programme_setting(void **state)
{
    (void)state;
    char *dir = tu_tmpdir("y2026f");
    char cwd[4096];
    assert_non_null(getcwd(cwd, sizeof cwd));
    filled_catalogue(dir);
    strbuf ini = STRBUF_INIT, log = STRBUF_INIT, cnt = STRBUF_INIT;
    strbuf_addf(&ini, "[report]\nyear = 2026\nas_of = 2026-12-31\n"
                      "input_dir = %s/tests/fixtures/y2026/input\noutput_dir = %s/out\n"
                      "templates_dir = %s/templates\ncatalogue = catalogue.txt, %s/ctmtqg.txt\n"
                      "output_name = bc\n[unit]\nprovince_name = Hòa Sơn\nagency = Sở Dân tộc và Tôn giáo\n"
                      "[file.giai_ngan_2026.csv]\nchuong_trinh = Chương trình 1719\n", cwd, dir, cwd, dir);
    char *path = tu_path(dir, "c.ini");
    assert_int_equal(tu_write_file(path, ini.buf), 0);
    int rc = tu_runf(&log, "build/san/mtqg-report --config '%s' 2>&1", path);
    assert_int_equal(rc, 3);
    assert_int_equal(tu_runf(&cnt, "/usr/bin/python3 -c \"import csv\n"
                                   "k=list(csv.DictReader(open('tests/fixtures/y2026/input/giai_ngan_2026.csv',encoding='utf-8'),delimiter=';'))\n"
                                   "n=sum(1 for x in k if not x['chuong_trinh'] and not x['ma_du_an'].startswith(('DA','Dự án')))\n"
                                   "r=list(csv.DictReader(open('%s/out/bc-2026-dong-bi-loai.csv',encoding='utf-8-sig')))\n"
                                   "print(n, len(r))\"", dir), 0);
    int want = 0, got = -1;
    assert_int_equal(sscanf(cnt.buf, "%d %d", &want, &got), 2);
    assert_true(want > 0);
    if (got != want) fail_msg("%d rows rejected, %d coded for the other programme\n%s", got, want, log.buf);
    strbuf_release(&ini);
    strbuf_release(&log);
    strbuf_release(&cnt);
    free(path);
    tu_rmtree(dir);
    free(dir);
}

/* The shipped 2026-2035 file lists no parts (their names are not known):
 * a run with it says so, and a row coded for it is rejected, not counted
 * elsewhere. */
static void test_shipped_new_catalogue_is_loud(void **state)
{
    (void)state;
    char *dir = tu_tmpdir("y2026s");
    char cwd[4096];
    assert_non_null(getcwd(cwd, sizeof cwd));
    strbuf ini = STRBUF_INIT, log = STRBUF_INIT;
    strbuf_addf(&ini, "[report]\nyear = 2026\nas_of = 2026-12-31\n"
                      "input_dir = %s/tests/fixtures/y2026/input\noutput_dir = %s/out\n"
                      "templates_dir = %s/templates\ncatalogue = catalogue.txt, ctmtqg_2026_2035.txt\n"
                      "output_name = bc\n[unit]\nprovince_name = Hòa Sơn\nagency = Sở Dân tộc và Tôn giáo\n",
                cwd, dir, cwd);
    char *path = tu_path(dir, "c.ini");
    assert_int_equal(tu_write_file(path, ini.buf), 0);
    int rc = tu_runf(&log, "build/san/mtqg-report --config '%s' 2>&1", path);
    assert_int_equal(rc, 3); /* rows rejected */
    if (!strstr(log.buf, "chưa đầy đủ")) fail_msg("no warning:\n%s", log.buf);
    strbuf rej = STRBUF_INIT;
    /* every ND / Nội dung row of the plan file rejected, none of the DA rows */
    assert_int_equal(tu_runf(&rej, "/usr/bin/python3 -c \"import csv\n"
                                   "r=list(csv.DictReader(open('%s/out/bc-2026-dong-bi-loai.csv',encoding='utf-8-sig')))\n"
                                   "k=list(csv.DictReader(open('tests/fixtures/y2026/input/ke_hoach_2026.csv',encoding='utf-8')))\n"
                                   "n=sum(1 for x in k if not x['ma_du_an'].startswith(('DA','Dự án')))\n"
                                   "m=sum(1 for x in r if 'ke_hoach' in x[list(x)[0]])\n"
                                   "print(n, m)\"", dir), 0);
    int want = 0, got = -1;
    assert_int_equal(sscanf(rej.buf, "%d %d", &want, &got), 2);
    assert_true(want > 0);
    assert_int_equal(got, want);
    strbuf_release(&rej);
    strbuf_release(&ini);
    strbuf_release(&log);
    free(path);
    tu_rmtree(dir);
    free(dir);
}

/* Every text cell of the workbook at book, one a line, into out. */
static void workbook_strings(const char *book, strbuf *out)
{
    int rc = tu_runf(out, "/usr/bin/python3 -c 'import openpyxl, sys\n"
                          "for ws in openpyxl.load_workbook(sys.argv[1]):\n"
                          "    for r in ws.iter_rows(values_only=True):\n"
                          "        for v in r:\n"
                          "            if isinstance(v, str): print(v)' '%s' 2>&1", book);
    if (rc != 0) fail_msg("reading %s:\n%s", book, out->buf);
}

/* s with every run of white space made one space (a header cell wraps). */
static void one_line(strbuf *s)
{
    size_t j = 0;
    for (size_t i = 0; i < s->len; i++) {
        char c = s->buf[i] == '\n' || s->buf[i] == '\t' ? ' ' : s->buf[i];
        if (c == ' ' && j && s->buf[j - 1] == ' ') continue;
        s->buf[j++] = c;
    }
    s->buf[j] = '\0';
    s->len = j;
}

/*
 * One programme's report of the fixture (its rows only: keep is the grep
 * pattern of its codes) with catalogue cat (a file of the templates, or
 * "/name" in the run's folder), through the four money forms;
 * the workbook's text cells and the PDF's words must hold want (the type
 * words of the programme's catalogue) and none of the words in not[].
 */
static void type_words_run(const char *tag, const char *keep, const char *cat, const char *const *want,
                           const char *const *not)
{
    char *dir = tu_tmpdir(tag);
    char cwd[4096];
    assert_non_null(getcwd(cwd, sizeof cwd));
    filled_catalogue(dir);
    assert_int_equal(tu_runf(NULL, "mkdir '%s/in' && for f in tests/fixtures/y2026/input/*.csv; do "
                                   "{ head -1 \"$f\"; grep -E '%s' \"$f\"; } > '%s/in/'\"$(basename \"$f\")\"; done",
                             dir, keep, dir), 0);
    strbuf ini = STRBUF_INIT, log = STRBUF_INIT, book = STRBUF_INIT, pdf = STRBUF_INIT;
    strbuf_addf(&ini, "[report]\nyear = 2026\nas_of = 2026-12-31\nperiod_label = năm 2026\n"
                      "input_dir = %s/in\noutput_dir = %s/out\ntemplates_dir = %s/templates\n"
                      "catalogue = %s%s\noutput_name = bc\n"
                      "forms = forms/01_kh_du_an.txt, forms/02_kh_xa.txt, forms/03_gn_du_an.txt, "
                      "forms/04_gn_xa.txt\n[unit]\nprovince_code = 99\nprovince_name = Hòa Sơn\n"
                      "agency = Sở Dân tộc và Tôn giáo\n", dir, dir, cwd, *cat == '/' ? dir : "", cat);
    char *path = tu_path(dir, "c.ini");
    assert_int_equal(tu_write_file(path, ini.buf), 0);
    int rc = tu_runf(&log, "build/san/mtqg-report --config '%s' 2>&1", path);
    if (rc != 0) fail_msg("status %d\n%s", rc, log.buf);
    strbuf_addf(&pdf, "%s/out/bc-2026.pdf", dir);
    strbuf cells = STRBUF_INIT, text = STRBUF_INIT;
    strbuf_addf(&book, "%s/out/bc-2026.xlsx", dir);
    workbook_strings(book.buf, &cells);
    assert_int_equal(tu_pdf_text(pdf.buf, 0, 0, TU_PDF_FLOW, &text), 0);
    one_line(&text);
    for (; *want; want++) {
        if (!strstr(cells.buf, *want)) fail_msg("workbook: no \"%s\" in\n%s", *want, cells.buf);
        if (!strstr(text.buf, *want)) fail_msg("PDF: no \"%s\" in\n%s", *want, text.buf);
    }
    for (; *not; not++) {
        const char *at = strstr(cells.buf, *not);
        if (at) fail_msg("workbook: \"%s\" in \"%.80s\"", *not, at > cells.buf + 40 ? at - 40 : cells.buf);
        if ((at = strstr(text.buf, *not)))
            fail_msg("PDF: \"%s\" in \"%.120s\"", *not, at > text.buf + 60 ? at - 60 : text.buf);
    }
    strbuf *all[] = {&ini, &log, &book, &pdf, &cells, &text};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) strbuf_release(all[i]);
    free(path);
    tu_rmtree(dir);
    free(dir);
}

/* The capital-type columns say each programme's own word: 1719's
 * "vốn sự nghiệp", the 2026-2035 programme's "kinh phí chi thường xuyên"
 * (type.SN in the catalogues), never the other's. */
static void test_type_words_in_tables(void **state)
{
    (void)state;
    const char *const sn_1719[] = {"Vốn sự nghiệp", NULL};
    const char *const not_1719[] = {"thường xuyên", NULL};
    type_words_run("tw1719", "DA[0-9]", "catalogue.txt", sn_1719, not_1719);
    const char *const sn_new[] = {"Kinh phí chi thường xuyên", NULL};
    const char *const not_new[] = {"Sự nghiệp", "sự nghiệp", "Vốn chi thường xuyên", NULL};
    type_words_run("twnew", "ND[0-9]", "/ctmtqg.txt", sn_new, not_new); /* in the run's folder */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_any_depth_any_codes),
        cmocka_unit_test(test_programme_column),
        cmocka_unit_test(test_two_programmes_2026),
        cmocka_unit_test(test_shipped_new_catalogue_is_loud),
        cmocka_unit_test(test_file_programme_setting),
        cmocka_unit_test(test_type_words_in_tables),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
