/*
 * "Never silently wrong" as data: each folder of tests/fixtures/never_wrong
 * is one run of the sanitizer binary on its own input folder, with the
 * [file.<pattern>] settings of its files.ini appended to a copy of
 * reports.ini, and an `expect` file of assertions (exit status, log text,
 * the TỔNG SỐ figures of the workbook read back, no report at all). The
 * folder's README.md describes the format; the figures are worked out by
 * hand in each expect file's comments.
 *
 * Every case was a wrong figure with exit status 0 before (issue 9).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include "xlsx_read.h"

#define SAN_BIN "build/san/mtqg-report"
#define CASES "tests/fixtures/never_wrong"
#define BASE "bao-cao-1719-2024"

/* An amount in triệu đồng as the workbook writes it ("1712.884") -> đồng. */
static int dong_of(const char *s, int64_t *out)
{
    int neg = *s == '-';
    if (neg) s++;
    int64_t ip = 0, fp = 0;
    int nf = 0;
    for (; *s >= '0' && *s <= '9'; s++) ip = ip * 10 + (*s - '0');
    if (*s == '.')
        for (s++; *s >= '0' && *s <= '9'; s++) {
            if (nf == 6) return -1;
            fp = fp * 10 + (*s - '0'), nf++;
        }
    if (*s) return -1;
    while (nf < 6) fp *= 10, nf++;
    *out = (ip * 1000000 + fp) * (neg ? -1 : 1);
    return 0;
}

/* The TỔNG SỐ row's amount in column col of the sheet. */
static int64_t total_of(const xlsx_book *b, const char *sheet, const char *col)
{
    const xlsx_sheet *s = xlsx_sheet_named(b, sheet);
    if (!s) fail_msg("the workbook has no sheet \"%s\"", sheet);
    int r = xlsx_find_row(s, 1, "TỔNG SỐ", 1);
    if (r < 0) fail_msg("'%s': no TỔNG SỐ row", sheet);
    const xlsx_cell *c = xlsx_at(s, r, xlsx_col(col));
    int64_t v;
    if (!c || !c->has_value || dong_of(c->text, &v) < 0)
        fail_msg("'%s'!%s%d: \"%s\" is not an amount", sheet, col, r, c ? c->text : "");
    return v;
}

static void run_case(void **state)
{
    const char *name = *state;
    char cwd[4096];
    if (!getcwd(cwd, sizeof cwd)) fail_msg("getcwd");
    strbuf dir = STRBUF_INIT, log = STRBUF_INIT, err = STRBUF_INIT, ini = STRBUF_INIT;
    strbuf_addf(&dir, "%s/" CASES "/%s", cwd, name);
    char *tmp = tu_tmpdir("never-wrong"), *out = tu_path(tmp, "out");
    /* reports.ini with absolute templates, plus the case's [file] sections. */
    strbuf tdir = STRBUF_INIT;
    strbuf_addf(&tdir, "%s/templates", cwd);
    const char *const kv[][2] = {{"templates_dir", tdir.buf}};
    char *cfg = tu_config_copy("reports.ini", tmp, "reports.ini", kv, 1, &err);
    if (!cfg) fail_msg("%s: %s", name, err.buf);
    char *extra_path = tu_path(dir.buf, "files.ini");
    char *extra = tu_read_file(extra_path, NULL);
    if (extra) {
        char *base = tu_read_file(cfg, NULL);
        strbuf_addf(&ini, "%s\n%s", base, extra);
        tu_write_file(cfg, ini.buf);
        free(base);
    }
    char *args_path = tu_path(dir.buf, "args");
    char *args = tu_read_file(args_path, NULL);
    if (args) args[strcspn(args, "\n")] = '\0';
    int rc = tu_runf(&log, SAN_BIN " --config '%s' --input '%s/input' --output '%s' %s 2>&1", cfg,
                     dir.buf, out, args ? args : "");
    char *expect_path = tu_path(dir.buf, "expect");
    char *expect = tu_read_file(expect_path, NULL);
    if (!expect) fail_msg("%s: no expect file", name);
    char *xlsx = tu_path(out, BASE ".xlsx"), *pdf = tu_path(out, BASE ".pdf");
    char *chk = tu_path(out, BASE "-kiem-tra.xlsx");
    xlsx_book book = {0}, check = {0};
    int loaded = 0, checked = 0;
    for (char *line = strtok(expect, "\n"); line; line = strtok(NULL, "\n")) {
        long long want;
        if (line[0] == '#' || !line[0]) continue;
        if (sscanf(line, "status %lld", &want) == 1) {
            if (rc != want) fail_msg("%s: status %d, want %lld\n%s", name, rc, want, log.buf);
        } else if (!strncmp(line, "log ", 4)) {
            if (!strstr(log.buf, line + 4)) fail_msg("%s: the log lacks \"%s\"\n%s", name, line + 4, log.buf);
        } else if (!strncmp(line, "nolog ", 6)) {
            if (strstr(log.buf, line + 6)) fail_msg("%s: the log has \"%s\"\n%s", name, line + 6, log.buf);
        } else if (!strcmp(line, "no_report")) {
            if (access(xlsx, F_OK) == 0 || access(pdf, F_OK) == 0)
                fail_msg("%s: a report was written\n%s", name, log.buf);
        } else if (sscanf(line, "plan_total %lld", &want) == 1 || sscanf(line, "disb_total %lld", &want) == 1) {
            if (!loaded && xlsx_load(&book, xlsx, &err) < 0) fail_msg("%s: %s\n%s", name, err.buf, log.buf);
            loaded = 1;
            int plan = line[0] == 'p';
            /* Sheet 03: D the rate's sources (state budget), W the others. */
            int64_t got = plan ? total_of(&book, "01 KH von theo du an", "C")
                               : total_of(&book, "03 Giai ngan theo du an", "D") +
                                     total_of(&book, "03 Giai ngan theo du an", "W");
            if (got != want)
                fail_msg("%s: %s %lld đồng, want %lld\n%s", name, plan ? "plan" : "disbursed",
                         (long long)got, want, log.buf);
        } else if (!strncmp(line, "sheet_text ", 11) || !strncmp(line, "check_text ", 11)) {
            /* sheet_text SHEET|TEXT: a cell of the sheet holds TEXT;
             * check_text: of the check workbook's sheet, not the signed one's */
            char *bar = strchr(line + 11, '|');
            if (!bar) fail_msg("%s: expect: bad line", name);
            *bar = '\0';
            if (!loaded && xlsx_load(&book, xlsx, &err) < 0) fail_msg("%s: %s\n%s", name, err.buf, log.buf);
            loaded = 1;
            const xlsx_sheet *sh = xlsx_sheet_named(&book, line + 11);
            if (line[0] == 'c') {
                if (sh) fail_msg("%s: the signed workbook has the check sheet \"%s\"", name, line + 11);
                if (!checked && xlsx_load(&check, chk, &err) < 0) fail_msg("%s: %s\n%s", name, err.buf, log.buf);
                checked = 1;
                sh = xlsx_sheet_named(&check, line + 11);
            }
            if (!sh) fail_msg("%s: no sheet \"%s\"\n%s", name, line + 11, log.buf);
            int found = 0;
            for (int k = 0; k < sh->n && !found; k++) found = sh->cells[k].text && strstr(sh->cells[k].text, bar + 1);
            if (!found) fail_msg("%s: sheet \"%s\" lacks \"%s\"", name, line + 11, bar + 1);
        } else if (!strncmp(line, "cell ", 5) || !strncmp(line, "rows ", 5)) {
            /* cell SHEET|LABEL|COL|DONG: the amount in COL of the row whose
             * column B reads LABEL; rows SHEET|LABEL|N: how many rows do. */
            char *f[4] = {line + 5, NULL, NULL, NULL};
            for (int k = 1; k < 4 && f[k - 1]; k++) {
                char *bar = strchr(f[k - 1], '|');
                if (bar) *bar = '\0', f[k] = bar + 1;
            }
            if (!f[2]) fail_msg("%s: expect: bad line", name);
            if (!loaded && xlsx_load(&book, xlsx, &err) < 0) fail_msg("%s: %s\n%s", name, err.buf, log.buf);
            loaded = 1;
            const xlsx_sheet *sh = xlsx_sheet_named(&book, f[0]);
            if (!sh) fail_msg("%s: no sheet \"%s\"", name, f[0]);
            int r = xlsx_find_row(sh, 1, f[1], 1), count = 0;
            for (int k = r; k > 0; k = xlsx_find_row(sh, 1, f[1], k + 1)) count++;
            if (line[0] == 'r') {
                if (count != atoi(f[2])) fail_msg("%s: %d rows \"%s\", want %s\n%s", name, count, f[1], f[2], log.buf);
            } else {
                const xlsx_cell *c = r > 0 ? xlsx_at(sh, r, xlsx_col(f[2])) : NULL;
                int64_t v;
                if (!c || !c->has_value || dong_of(c->text, &v) < 0)
                    fail_msg("%s: '%s' row \"%s\" column %s: no amount\n%s", name, f[0], f[1], f[2], log.buf);
                if (!f[3] || v != strtoll(f[3], NULL, 10))
                    fail_msg("%s: '%s' \"%s\" %s: %lld đồng, want %s", name, f[0], f[1], f[2], (long long)v, f[3]);
            }
        } else {
            fail_msg("%s: expect: unknown line \"%s\"", name, line);
        }
    }
    if (loaded) xlsx_free(&book);
    if (checked) xlsx_free(&check);
    free(chk);
    free(xlsx);
    free(pdf);
    free(expect);
    free(expect_path);
    free(args);
    free(args_path);
    free(extra);
    free(extra_path);
    free(cfg);
    tu_rmtree(tmp);
    free(tmp);
    free(out);
    strbuf_release(&dir);
    strbuf_release(&log);
    strbuf_release(&err);
    strbuf_release(&ini);
    strbuf_release(&tdir);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(void)
{
    DIR *d = opendir(CASES);
    if (!d) {
        fprintf(stderr, "%s: cannot open (run from the repository root)\n", CASES);
        return 1;
    }
    char *names[256];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 256)
        if (e->d_name[0] != '.' && strcmp(e->d_name, "README.md")) names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, (size_t)n, sizeof *names, by_name);
    struct CMUnitTest *tests = calloc((size_t)n + 1, sizeof *tests);
    for (int i = 0; i < n; i++)
        tests[i] = (struct CMUnitTest){names[i], run_case, NULL, NULL, names[i]};
    int rc = _cmocka_run_group_tests("never_wrong", tests, (size_t)n, NULL, NULL);
    for (int i = 0; i < n; i++) free(names[i]);
    free(tests);
    return rc;
}
