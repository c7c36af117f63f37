/*
 * Installing: what a new user does on a fresh Debian 12 machine.
 *
 * - scripts/install-deps.sh against a simulated machine (the PATH shims in
 *   tests/support/fresh-debian: dpkg-query says which packages are
 *   missing, apt-get checks every name it is given with the real
 *   apt-cache and installs nothing, id says who we are);
 * - `make install` into a DESTDIR, then the installed program run from
 *   another folder on the installed example, with no templates_dir;
 * - the installed systemd units: systemd-analyze verify, and an exposure
 *   score below 4 (systemd-analyze security --offline).
 *
 * Run from the repository root after `make build/rel/mtqg-report`.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"

#define SHIMS "tests/support/fresh-debian"
#define SCRIPT "scripts/install-deps.sh"

typedef tu_scratch fixture;

static int setup(void **state)
{
    return tu_scratch_setup(state, "install", "build/rel/mtqg-report");
}

static int teardown(void **state)
{
    return tu_scratch_teardown(state);
}

/* The shims validate names with apt-cache, which needs the package lists:
 * a machine whose lists were cleaned gets them (we run as root, as CI). */
static void need_package_lists(void)
{
    if (tu_runf(NULL, "apt-cache show build-essential >/dev/null 2>&1") != 0)
        tu_runf(NULL, "apt-get update -qq >/dev/null 2>&1");
    if (tu_runf(NULL, "apt-cache show build-essential >/dev/null 2>&1") != 0)
        fail_msg("apt-cache knows no packages even after apt-get update: cannot check names");
}

/* Run the script on the simulated machine; its output in f->out, the
 * apt-get calls in log. */
static int run_script(fixture *f, const char *missing, int uid, strbuf *log)
{
    char *logpath = tu_path(f->dir, "apt.log");
    unlink(logpath);
    strbuf_reset(&f->out);
    int rc = tu_runf(&f->out,
                     "PATH='%s/" SHIMS ":'\"$PATH\" FAKE_MISSING='%s' FAKE_UID=%d FAKE_LOG='%s' "
                     "sh " SCRIPT " 2>&1",
                     f->cwd, missing, uid, logpath);
    strbuf_reset(log);
    size_t len;
    char *s = tu_read_file(logpath, &len);
    if (s) strbuf_adds(log, s);
    free(s);
    free(logpath);
    return rc;
}

/* The packages the script lists (its PKGS_* words). */
static void script_packages(strbuf *out)
{
    assert_int_equal(tu_runf(out, "sed -n '/^PKGS_[A-Z]*=\"/,/\"$/p' " SCRIPT
                                  " | sed 's/^PKGS_[A-Z]*=\"//; s/\"$//' | tr -s ' \\n' '\\n\\n' | sed '/^$/d'"),
                     0);
}

/* A fresh image: every package but the Essential ones is missing. The
 * script must ask apt-get for each, by a name apt knows. */
static void fresh_machine_gets_every_package(void **state)
{
    fixture *f = *state;
    need_package_lists();
    strbuf log = STRBUF_INIT, pkgs = STRBUF_INIT;
    int rc = run_script(f, "all", 0, &log);
    if (rc != 0) fail_msg("install-deps on a fresh machine: exit %d\n%s\n%s", rc, f->out.buf, log.buf);
    assert_non_null(strstr(log.buf, "apt-get update"));
    const char *install = strstr(log.buf, "apt-get install ");
    assert_non_null(install);
    script_packages(&pkgs);
    int n = 0;
    for (char *p = strtok(pkgs.buf, "\n"); p; p = strtok(NULL, "\n"), n++) {
        strbuf word = STRBUF_INIT;
        strbuf_addf(&word, " %s", p);
        int essential = tu_runf(NULL, "[ \"$(dpkg-query -W -f='${Essential}' %s 2>/dev/null)\" = yes ]", p) == 0;
        const char *at = strstr(install, word.buf);
        int listed = at && (at[word.len] == ' ' || at[word.len] == '\n');
        if (listed == essential) fail_msg("%s: %s", p, essential ? "Essential, yet installed" : "not asked for");
        strbuf_release(&word);
    }
    assert_true(n >= 20);
    strbuf_release(&log);
    strbuf_release(&pkgs);
}

/* The case that broke `make run`: python3 is there, python3-aiosmtpd and
 * LibreOffice are not. Exactly those two are asked for, whole. */
static void python3_present_aiosmtpd_missing(void **state)
{
    fixture *f = *state;
    need_package_lists();
    strbuf log = STRBUF_INIT;
    int rc = run_script(f, "libreoffice-calc-nogui python3-aiosmtpd", 0, &log);
    if (rc != 0) fail_msg("install-deps: exit %d\n%s\n%s", rc, f->out.buf, log.buf);
    assert_non_null(strstr(log.buf, "apt-get install -y -qq --no-install-recommends "
                                    "libreoffice-calc-nogui python3-aiosmtpd\n"));
    strbuf_release(&log);
}

/* Nothing missing: nothing run, nothing said with --quiet. Not root: the
 * exact command to run, exit 1, apt-get not called. */
static void complete_machine_and_not_root(void **state)
{
    fixture *f = *state;
    strbuf log = STRBUF_INIT;
    assert_int_equal(run_script(f, "", 0, &log), 0);
    assert_string_equal(log.buf, "");
    assert_int_equal(run_script(f, "valgrind", 1000, &log), 1);
    assert_string_equal(log.buf, "");
    assert_non_null(strstr(f->out.buf, "apt-get install -y --no-install-recommends valgrind"));
    strbuf_release(&log);
}

/* make install into a DESTDIR; the installed program, run from another
 * folder on the installed example (whose config names no templates_dir),
 * finds its own templates and writes the report. */
static void installed_copy_runs_from_elsewhere(void **state)
{
    fixture *f = *state;
    char *stage = tu_path(f->dir, "stage");
    char *work = tu_path(f->dir, "work");
    strbuf_reset(&f->out);
    int rc = tu_runf(&f->out, "make -s --no-print-directory install DESTDIR='%s' PREFIX=/usr 2>&1", stage);
    if (rc != 0) fail_msg("make install: %d\n%s", rc, f->out.buf);
    static const char *const installed[] = {
        "usr/bin/mtqg-report", "usr/share/man/man1/mtqg-report.1",
        "usr/share/man/man5/mtqg-report.ini.5", "usr/share/mtqg-report/templates/catalogue.txt",
        "usr/share/doc/mtqg-report/README.md", "usr/share/doc/mtqg-report/examples/reports.ini",
        "usr/lib/systemd/system/mtqg-report.service", "usr/lib/systemd/system/mtqg-report.timer"};
    for (size_t i = 0; i < sizeof installed / sizeof installed[0]; i++) {
        char *p = tu_path(stage, installed[i]);
        if (access(p, R_OK)) fail_msg("not installed: %s", installed[i]);
        free(p);
    }
    assert_int_equal(tu_runf(NULL, "mkdir -p '%s' && cp -R '%s'/usr/share/doc/mtqg-report/examples/. '%s'",
                             work, stage, work),
                     0);
    assert_int_not_equal(tu_runf(NULL, "grep -q '^templates_dir' '%s/reports.ini'", work), 0);
    strbuf_reset(&f->out);
    rc = tu_runf(&f->out, "cd / && '%s/usr/bin/mtqg-report' --quiet --config '%s/reports.ini' 2>&1", stage, work);
    if (rc != 0) fail_msg("installed program: exit %d\n%s", rc, f->out.buf);
    static const char *const outputs[] = {"bao-cao-1719-2024.xlsx", "bao-cao-1719-2024.pdf",
                                          "bao-cao-1719-2024.manifest.json"};
    for (size_t i = 0; i < 3; i++) {
        strbuf p = STRBUF_INIT;
        strbuf_addf(&p, "%s/output/%s", work, outputs[i]);
        if (access(p.buf, R_OK)) fail_msg("no output %s", p.buf);
        strbuf_release(&p);
    }
    /* The phase example (2021-2025, with the crosswalk), installed beside
     * the sample: exit 3 at most (the sample's data notes), and its PDF. */
    strbuf_reset(&f->out);
    rc = tu_runf(&f->out, "cd / && '%s/usr/bin/mtqg-report' --quiet --config '%s/giai-doan-2021-2025.ini' 2>&1",
                 stage, work);
    if (rc != 0 && rc != 3) fail_msg("installed phase example: exit %d\n%s", rc, f->out.buf);
    strbuf phase = STRBUF_INIT;
    strbuf_addf(&phase, "%s/output/bao-cao-1719-giai-doan-2021-2025.pdf", work);
    if (access(phase.buf, R_OK)) fail_msg("no output %s\n%s", phase.buf, f->out.buf);
    strbuf_release(&phase);
    strbuf_reset(&f->out);
    strbuf pdf = STRBUF_INIT;
    strbuf_addf(&pdf, "%s/output/bao-cao-1719-2024.pdf", work);
    assert_int_equal(tu_pdf_text(pdf.buf, 1, 1, TU_PDF_FLOW, &f->out), 0);
    assert_non_null(strstr(f->out.buf, "BÁO CÁO"));
    strbuf_release(&pdf);
    free(stage);
    free(work);
}

/* The units as installed under a PREFIX: systemd accepts them, and the
 * service is hardened (exposure below 4 of 10: the threshold is in tenths). */
static void systemd_units_verify_and_are_hardened(void **state)
{
    fixture *f = *state;
    char *prefix = tu_path(f->dir, "prefix");
    strbuf_reset(&f->out);
    int rc = tu_runf(&f->out, "make -s --no-print-directory install PREFIX='%s' 2>&1", prefix);
    if (rc != 0) fail_msg("make install: %d\n%s", rc, f->out.buf);
    strbuf_reset(&f->out);
    rc = tu_runf(&f->out,
                 "MANPATH='%s/share/man' systemd-analyze verify '%s/lib/systemd/system/mtqg-report.service' "
                 "'%s/lib/systemd/system/mtqg-report.timer' 2>&1",
                 prefix, prefix, prefix);
    if (rc != 0 || f->out.len) fail_msg("systemd-analyze verify: %d\n%s", rc, f->out.buf);
    strbuf_reset(&f->out);
    rc = tu_runf(&f->out,
                 "systemd-analyze security --offline=true --threshold=40 "
                 "'%s/lib/systemd/system/mtqg-report.service' 2>&1 | tail -1",
                 prefix);
    assert_non_null(strstr(f->out.buf, "Overall exposure level"));
    assert_int_equal(tu_runf(NULL,
                             "systemd-analyze security --offline=true --threshold=40 "
                             "'%s/lib/systemd/system/mtqg-report.service' >/dev/null 2>&1",
                             prefix),
                     0);
    strbuf_reset(&f->out);
    assert_int_equal(tu_runf(&f->out, "grep '^ExecStart=' '%s/lib/systemd/system/mtqg-report.service'", prefix), 0);
    strbuf want = STRBUF_INIT;
    strbuf_addf(&want, "ExecStart=%s/bin/mtqg-report ", prefix);
    assert_non_null(strstr(f->out.buf, want.buf));
    strbuf_release(&want);
    free(prefix);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(fresh_machine_gets_every_package, setup, teardown),
        cmocka_unit_test_setup_teardown(python3_present_aiosmtpd_missing, setup, teardown),
        cmocka_unit_test_setup_teardown(complete_machine_and_not_root, setup, teardown),
        cmocka_unit_test_setup_teardown(installed_copy_runs_from_elsewhere, setup, teardown),
        cmocka_unit_test_setup_teardown(systemd_units_verify_and_are_hardened, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
