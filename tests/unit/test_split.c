/*
 * A job split per district: one workbook and PDF per district, each with
 * only that district's figures. The expected totals come from the
 * independent oracle (tests/fixtures/expected_totals.py): a district's plan
 * is its communes' plus its own district-level capital.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "testutil.h"

#define ORACLE "python3 tests/fixtures/expected_totals.py input/ke_hoach_2024.csv " \
               "input/giai_ngan_2024.csv input/chi_tieu_2024.csv 2024 2024-12-31"

/* A district's plan in đồng: its communes (codes 99Dxx) and "huyen:99D". */
static long long oracle_district(const char *code)
{
    strbuf cmd = STRBUF_INIT, out = STRBUF_INIT;
    strbuf_addf(&cmd, ORACLE " | python3 -c \"import json,sys; d=json.load(sys.stdin)['plan']"
                      "['by_commune']; print(sum(v for k, v in d.items() if k.startswith('%s') "
                      "or k == 'huyen:%s'))\"", code, code);
    assert_int_equal(tu_run(cmd.buf, &out), 0);
    long long v = atoll(out.buf);
    strbuf_release(&cmd);
    strbuf_release(&out);
    return v;
}

/* "63.464,956" in a PDF's text -> đồng, read by hand (no code under test). */
static long long pdf_plan_total(const char *pdf)
{
    strbuf text = STRBUF_INIT;
    assert_int_equal(tu_pdf_text(pdf, 0, 0, TU_PDF_FLOW, &text), 0);
    for (char *p = text.buf; *p; p++)
        if (*p == '\n') *p = ' ';
    const char *key = "năm 2024 là ";
    const char *at = strstr(text.buf, "Tổng kế hoạch vốn thực hiện Chương trình");
    assert_non_null(at);
    at = strstr(at, key);
    assert_non_null(at);
    at += strlen(key);
    long long ip = 0, frac = 0;
    int nfrac = -1;
    for (; *at && *at != ' '; at++) {
        if (*at >= '0' && *at <= '9') {
            if (nfrac >= 0) frac = frac * 10 + (*at - '0'), nfrac++;
            else ip = ip * 10 + (*at - '0');
        } else if (*at == ',') {
            nfrac = 0;
        }
    }
    while (nfrac >= 0 && nfrac < 6) frac *= 10, nfrac++;
    strbuf_release(&text);
    return ip * 1000000 + (nfrac < 0 ? 0 : frac);
}

/* The binary on the shipped sample with one job [job.<job>] split = <split>,
 * its outputs in dir/out and its log in log; fails the test unless it
 * ends with status 0. */
static void run_split(const char *dir, const char *job, const char *split, strbuf *log)
{
    char cwd[4096];
    assert_non_null(getcwd(cwd, sizeof cwd));
    strbuf ini = STRBUF_INIT;
    strbuf_addf(&ini, "[report]\nyear = 2024\nas_of = 2024-12-31\ninput_dir = %s/input\n"
                      "output_dir = %s/out\ntemplates_dir = %s/templates\n"
                      "[unit]\nagency = Ban Dân tộc\nprovince_name = Hòa Sơn\n"
                      "[job.%s]\nsplit = %s\n", cwd, dir, cwd, job, split);
    char *path = tu_path(dir, "split.ini");
    assert_int_equal(tu_write_file(path, ini.buf), 0);
    int rc = tu_runf(log, "build/san/mtqg-report --config '%s' 2>&1", path);
    if (rc != 0) fail_msg("status %d\n%s", rc, log->buf);
    strbuf_release(&ini);
    free(path);
}

static void test_split_per_district(void **state)
{
    (void)state;
    char *dir = tu_tmpdir("split");
    strbuf log = STRBUF_INIT;
    run_split(dir, "huyen", "district", &log);
    static const char *const districts[] = {"991", "992", "993"};
    for (int i = 0; i < 3; i++) {
        strbuf pdf = STRBUF_INIT, xlsx = STRBUF_INIT;
        strbuf_addf(&pdf, "%s/out/bao-cao-1719-2024-%s.pdf", dir, districts[i]);
        strbuf_addf(&xlsx, "%s/out/bao-cao-1719-2024-%s.xlsx", dir, districts[i]);
        size_t len = 0;
        char *bytes = tu_read_file(xlsx.buf, &len);
        if (!bytes) fail_msg("%s not written", xlsx.buf);
        free(bytes);
        assert_int_equal(pdf_plan_total(pdf.buf), oracle_district(districts[i]));
        strbuf_release(&pdf);
        strbuf_release(&xlsx);
    }
    /* No whole-province report in a split job, but one rejects file and manifest. */
    strbuf whole = STRBUF_INIT;
    strbuf_addf(&whole, "%s/out/bao-cao-1719-2024.pdf", dir);
    assert_null(tu_read_file(whole.buf, NULL));
    strbuf_release(&whole);
    strbuf_release(&log);
    tu_rmtree(dir);
    free(dir);
}

/* Whitespace runs as one space: a PDF line break is a space. */
static void squeeze(char *s)
{
    char *w = s;
    for (const char *r = s; *r; r++) {
        int space = *r == ' ' || *r == '\n' || *r == '\t' || *r == '\r' || *r == '\f';
        if (space && (w == s || w[-1] == ' ')) continue;
        *w++ = space ? ' ' : *r;
    }
    *w = '\0';
}

/*
 * The plan split per district: "a) Nội dung thực hiện" of a district's plan
 * lists its own communes' content items and none of another district's.
 * Which texts belong to one district only is read from the plan file by
 * Python's csv module.
 */
static void test_plan_items_per_district(void **state)
{
    (void)state;
    char *dir = tu_tmpdir("split-kh");
    char cwd[4096];
    assert_non_null(getcwd(cwd, sizeof cwd));
    strbuf ini = STRBUF_INIT, log = STRBUF_INIT, only = STRBUF_INIT;
    assert_int_equal(tu_runf(NULL, "sed -e 's|^input_dir .*|input_dir = %s/input|' "
                                   "-e 's|^output_dir .*|output_dir = %s/out|' "
                                   "-e '/^\\[report\\]/a templates_dir = %s/templates' "
                                   "ke-hoach.ini > '%s/kh.ini' && printf '[job.huyen]\\nsplit = district\\n' >> '%s/kh.ini'",
                             cwd, dir, cwd, dir, dir), 0);
    strbuf_addf(&ini, "%s/kh.ini", dir);
    int rc = tu_runf(&log, "build/san/mtqg-report --config '%s' 2>&1", ini.buf);
    if (rc != 0 && rc != 3) fail_msg("status %d\n%s", rc, log.buf); /* 3: the sample's control mismatch */
    assert_int_equal(tu_run("python3 -c \"import csv,collections\n"
                            "d=collections.defaultdict(set)\n"
                            "for r in csv.DictReader(open('input/ke_hoach_2025.csv',encoding='utf-8-sig')):\n"
                            "    t=' '.join(r['noi_dung'].split())\n"
                            "    if r['nam']=='2025' and t: d[t].add(r['ma_huyen'])\n"
                            "for t,s in sorted(d.items()):\n"
                            "    if len(s)==1: print(min(s)+'\\t'+t)\"", &only), 0);
    static const char *const districts[] = {"991", "992", "993"};
    int checked = 0;
    for (int i = 0; i < 3; i++) {
        strbuf pdf = STRBUF_INIT, text = STRBUF_INIT;
        strbuf_addf(&pdf, "%s/out/ke-hoach-1719-2025-%s.pdf", dir, districts[i]);
        assert_int_equal(tu_pdf_text(pdf.buf, 0, 0, TU_PDF_FLOW, &text), 0);
        squeeze(text.buf);
        char *lines = xstrdup(only.buf), *save = NULL;
        for (char *l = strtok_r(lines, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
            char *item = strchr(l, '\t');
            assert_non_null(item);
            *item++ = '\0';
            int own = !strcmp(l, districts[i]), shown = strstr(text.buf, item) != NULL;
            if (own != shown)
                fail_msg("%s: \"%s\" (district %s only) %s", pdf.buf, item, l,
                         own ? "is missing" : "is listed");
            checked++;
        }
        free(lines);
        strbuf_release(&pdf);
        strbuf_release(&text);
    }
    if (checked < 30) fail_msg("only %d checks: the sample should have district-only items", checked);
    strbuf_release(&ini);
    strbuf_release(&log);
    strbuf_release(&only);
    tu_rmtree(dir);
    free(dir);
}

/*
 * split = commune on the shipped sample (16 communes, 34 files: more than any fixed
 * table of outputs held): one workbook and one PDF per commune, each with
 * that commune's plan as the oracle computes it, and nothing else.
 */
static void test_split_per_commune(void **state)
{
    (void)state;
    char *dir = tu_tmpdir("split-xa");
    strbuf log = STRBUF_INIT, codes = STRBUF_INIT, names = STRBUF_INIT;
    run_split(dir, "xa", "commune", &log);
    if (strstr(log.buf, "(null)")) fail_msg("(null) in the log:\n%s", log.buf);
    /* Every commune code any input names, read by Python's csv module. */
    assert_int_equal(tu_run("/usr/bin/python3 -c \"import csv,glob\n"
                            "s=set()\n"
                            "for f in glob.glob('input/*.csv'):\n"
                            "    t=open(f,encoding='utf-8-sig').read()\n"
                            "    d=';' if t.split('\\n')[0].count(';')>t.split('\\n')[0].count(',') else ','\n"
                            "    for r in csv.DictReader(t.splitlines(),delimiter=d):\n"
                            "        if (r.get('ma_xa') or '').strip(): s.add(r['ma_xa'].strip())\n"
                            "print(' '.join(sorted(s)))\"", &codes), 0);
    char *list = xstrdup(codes.buf), *save = NULL;
    int n = 0;
    for (char *c = strtok_r(list, " \n", &save); c; c = strtok_r(NULL, " \n", &save), n++) {
        strbuf pdf = STRBUF_INIT, xlsx = STRBUF_INIT;
        strbuf_addf(&pdf, "%s/out/bao-cao-1719-2024-%s.pdf", dir, c);
        strbuf_addf(&xlsx, "%s/out/bao-cao-1719-2024-%s.xlsx", dir, c);
        char *bytes = tu_read_file(xlsx.buf, NULL);
        if (!bytes) fail_msg("%s not written", xlsx.buf);
        free(bytes);
        assert_int_equal(pdf_plan_total(pdf.buf), oracle_district(c));
        strbuf_release(&pdf);
        strbuf_release(&xlsx);
    }
    if (n < 16) fail_msg("only %d communes in the sample", n);
    /* A commune's own report speaks of the commune, not the province. */
    strbuf one = STRBUF_INIT, text = STRBUF_INIT;
    strbuf_addf(&one, "%s/out/bao-cao-1719-2024-99104.pdf", dir);
    assert_int_equal(tu_pdf_text(one.buf, 0, 0, TU_PDF_FLOW, &text), 0);
    squeeze(text.buf);
    if (!strstr(text.buf, "trên địa bàn xã Tà Xùy") || !strstr(text.buf, "toàn xã đã giải ngân") ||
        strstr(text.buf, "toàn tỉnh"))
        fail_msg("wording of a commune's report:\n%s", text.buf);
    strbuf_release(&one);
    strbuf_release(&text);
    /* Each commune's set (workbook, PDF, Word document, check report as
     * PDF, workbook and Word), the rejects list and the manifest: nothing
     * more (hidden files: the run's lock and published sets). */
    strbuf outdir = STRBUF_INIT;
    strbuf_addf(&outdir, "%s/out", dir);
    int files = tu_dir_entries(outdir.buf, 0, &names) - tu_dir_entries(outdir.buf, 1, NULL);
    if (files != 6 * n + 2) fail_msg("%d files for %d communes:%s", files, n, names.buf);
    free(list);
    strbuf_release(&outdir);
    strbuf_release(&names);
    strbuf_release(&codes);
    strbuf_release(&log);
    tu_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split_per_district),
        cmocka_unit_test(test_plan_items_per_district),
        cmocka_unit_test(test_split_per_commune),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
