/*
 * The command line as a person and as cron meet it (the sanitizer binary
 * build/san/mtqg-report, run as a process from the repository root):
 * the man pages document what --help and the config accept, errors are one
 * Vietnamese line each, log lines reach stderr when they happen, a
 * terminal (a pseudo-terminal made by script(1)) gets the progress line and
 * the closing summary and a pipe does not, and --quiet keeps a clean run
 * silent so cron mails nobody.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <poll.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config/config.h"
#include "testutil.h"

#define SAN_BIN "build/san/mtqg-report"
#define MAN1 "docs/mtqg-report.1"
#define MAN5 "docs/mtqg-report.ini.5"

typedef tu_scratch fixture;

static int setup(void **state)
{
    return tu_scratch_setup(state, "cli", SAN_BIN);
}

static int teardown(void **state)
{
    return tu_scratch_teardown(state);
}

/* Every "--name" that starts an entry: in --help a line "  --name ...", in
 * the man page a ".B \-\-name" or ".BI \-\-name" line. Names are appended
 * to names as " name ", in order. */
static void option_names(const char *text, int man, strbuf *names)
{
    regex_t re;
    const char *pat = man ? "^\\.BI? \\\\-\\\\-([a-z\\\\-]+)" : "^  --([a-z-]+)";
    assert_int_equal(regcomp(&re, pat, REG_EXTENDED | REG_NEWLINE), 0);
    regmatch_t m[2];
    for (const char *p = text; regexec(&re, p, 2, m, p == text ? 0 : REG_NOTBOL) == 0;
         p += m[0].rm_eo) {
        strbuf_addch(names, ' ');
        for (regoff_t i = m[1].rm_so; i < m[1].rm_eo; i++)
            if (p[i] != '\\') strbuf_addch(names, p[i]);
        strbuf_addch(names, ' ');
    }
    regfree(&re);
}

static void help_options_are_the_man_page_options(void **state)
{
    fixture *f = *state;
    assert_int_equal(tu_runf(&f->out, SAN_BIN " --help"), 0);
    size_t len;
    char *man = tu_read_file(MAN1, &len);
    assert_non_null(man);
    const char *opts = strstr(man, ".SH TÙY CHỌN");
    assert_non_null(opts);
    strbuf h = STRBUF_INIT, m = STRBUF_INIT;
    option_names(f->out.buf, 0, &h);
    option_names(opts, 1, &m);
    assert_true(tu_count(h.buf, " ") > 20); /* the table is there: 16 options */
    assert_string_equal(h.buf, m.buf);      /* same options, same order */
    strbuf_release(&h);
    strbuf_release(&m);
    free(man);
}

/* Each key of the config's table is an entry ".B key" under its
 * section's ".SS [section]" heading ([job.<tên>] for "job"). */
static void every_config_key_is_in_the_ini_man_page(void **state)
{
    (void)state;
    size_t len;
    char *man = tu_read_file(MAN5, &len);
    assert_non_null(man);
    const char *sec, *name;
    int n = 0;
    for (size_t i = 0; config_key_at(i, &sec, &name) == 0; i++, n++) {
        strbuf head = STRBUF_INIT, entry = STRBUF_INIT;
        strbuf_addf(&head, "\n.SS [%s%s]\n", sec, strcmp(sec, "job") ? "" : ".<tên>");
        strbuf_addf(&entry, "\n.TP\n.B %s\n", name);
        const char *at = strstr(man, head.buf);
        if (!at) fail_msg("%s: no section %s", MAN5, head.buf + 1);
        const char *next = strstr(at + 1, "\n.SS ");
        const char *e = strstr(at, entry.buf);
        if (!e || (next && e > next)) fail_msg("%s: [%s] %s is not documented", MAN5, sec, name);
        strbuf_release(&head);
        strbuf_release(&entry);
    }
    assert_true(n > 50);
    free(man);
}

/* Lines of s (each ending in '\n'). */
static int lines(const char *s)
{
    return tu_count(s, "\n");
}

static void bad_option_is_one_vietnamese_line(void **state)
{
    fixture *f = *state;
    assert_int_equal(tu_runf(&f->out, SAN_BIN " --bogus 2>&1"), 2);
    assert_int_equal(lines(f->out.buf), 1);
    assert_non_null(strstr(f->out.buf, "không có tùy chọn \"--bogus\""));
    assert_non_null(strstr(f->out.buf, "--help"));
    assert_null(strstr(f->out.buf, "unrecognized"));
    strbuf_reset(&f->out);
    assert_int_equal(tu_runf(&f->out, SAN_BIN " --config 2>&1"), 2);
    assert_int_equal(lines(f->out.buf), 1);
    assert_non_null(strstr(f->out.buf, "\"--config\" cần một giá trị"));
    strbuf_reset(&f->out);
    assert_int_equal(tu_runf(&f->out, SAN_BIN " --threads x 2>&1"), 2);
    assert_int_equal(lines(f->out.buf), 1);
    assert_null(strstr(f->out.buf, "requires"));
}

static int has_timestamp(const char *line)
{
    regex_t re;
    regcomp(&re, "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[-+][0-9]{4} mtqg-report: ",
            REG_EXTENDED);
    int ok = regexec(&re, line, 0, NULL, 0) == 0;
    regfree(&re);
    return ok;
}

/* A missing config: once, with its time, the reason in Vietnamese. */
static void missing_config_is_said_once_in_vietnamese(void **state)
{
    fixture *f = *state;
    assert_int_equal(tu_runf(&f->out, SAN_BIN " --config %s/khong-co.ini 2>&1", f->dir), 2);
    assert_int_equal(lines(f->out.buf), 1);
    assert_true(has_timestamp(f->out.buf));
    assert_non_null(strstr(f->out.buf, "không có tệp hoặc thư mục này"));
    assert_null(strstr(f->out.buf, "No such file"));
}

/* A bad value: said once (the outbox retry after the jobs used to load the
 * config again and say it a second time). */
static void config_error_is_said_once(void **state)
{
    fixture *f = *state;
    char *ini = tu_path(f->dir, "bad.ini");
    assert_int_equal(tu_write_file(ini, "[report]\nyear = abc\n"), 0);
    assert_int_equal(tu_runf(&f->out, SAN_BIN " --config %s 2>&1", ini), 2);
    assert_int_equal(lines(f->out.buf), 1);
    assert_true(has_timestamp(f->out.buf));
    assert_non_null(strstr(f->out.buf, "[report] year = \"abc\""));
    free(ini);
}

#define PROGRESS "] đã đọc "
#define SUMMARY "mtqg-report: xong: đã ghi 8 tệp; đọc 1488 dòng = 1459 nhận + 29 bỏ qua + 0 loại; mã thoát 0"

/* The sample under a pseudo-terminal: the progress line (drawn at each
 * stage when the delay is 0) and the closing summary. */
static void terminal_gets_progress_and_summary(void **state)
{
    fixture *f = *state;
    int rc = tu_runf(&f->out,
                     "MTQG_PROGRESS_DELAY_MS=0 script -qec '%s/" SAN_BIN " --config %s/reports.ini "
                     "--output %s/out' /dev/null",
                     f->cwd, f->cwd, f->dir);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(f->out.buf, PROGRESS));
    assert_non_null(strstr(f->out.buf, "[đọc]"));
    assert_non_null(strstr(f->out.buf, SUMMARY));
}

/* The same run with stderr on a pipe: no progress, no summary, the log. */
static void pipe_gets_the_log_only(void **state)
{
    fixture *f = *state;
    int rc = tu_runf(&f->out, "MTQG_PROGRESS_DELAY_MS=0 " SAN_BIN " --output %s/out 2>&1", f->dir);
    assert_int_equal(rc, 0);
    assert_null(strstr(f->out.buf, PROGRESS));
    assert_null(strstr(f->out.buf, "xong:"));
    assert_null(strstr(f->out.buf, "\r"));
    assert_non_null(strstr(f->out.buf, "đã ghi "));
    /* every line has its own timestamp */
    for (const char *p = f->out.buf; *p; p = strchr(p, '\n') + 1) assert_true(has_timestamp(p));
}

/* --quiet: a clean run prints nothing at all, terminal or not; so does
 * quiet = yes in the config. */
static void quiet_clean_run_prints_nothing(void **state)
{
    fixture *f = *state;
    assert_int_equal(tu_runf(&f->out, SAN_BIN " --quiet --output %s/out 2>&1", f->dir), 0);
    assert_string_equal(f->out.buf, "");
    strbuf_reset(&f->out);
    assert_int_equal(tu_runf(&f->out,
                             "MTQG_PROGRESS_DELAY_MS=0 script -qec '%s/" SAN_BIN
                             " --quiet --config %s/reports.ini --output %s/out' /dev/null",
                             f->cwd, f->cwd, f->dir),
                     0);
    assert_string_equal(f->out.buf, "");
    char *ini = tu_path(f->dir, "quiet.ini");
    size_t len;
    char *sample = tu_read_file("reports.ini", &len);
    strbuf s = STRBUF_INIT;
    strbuf_addf(&s, "%s\n[job.quy]\nperiod = 2024\nquiet = yes\ninput_dir = %s/input\n"
                "templates_dir = %s/templates\noutput_dir = %s/out\n",
                sample, f->cwd, f->cwd, f->dir);
    assert_int_equal(tu_write_file(ini, s.buf), 0);
    assert_int_equal(tu_runf(&f->out, SAN_BIN " --config %s 2>&1", ini), 0);
    /* the job's config asks for quiet before the job says anything */
    assert_int_equal(lines(f->out.buf), 0);
    strbuf_release(&s);
    free(sample);
    free(ini);
}

/* A log line reaches stderr when it happens, not when the job ends: with
 * the output folder locked by this test, the program waits (--wait), and
 * the job's first line must arrive while it is still waiting. */
static void log_line_arrives_before_the_job_ends(void **state)
{
    fixture *f = *state;
    char *out = tu_path(f->dir, "out");
    char *ini = tu_path(f->dir, "job.ini");
    assert_int_equal(tu_runf(NULL, "mkdir -p %s", out), 0);
    size_t len;
    char *sample = tu_read_file("reports.ini", &len);
    strbuf s = STRBUF_INIT;
    strbuf_addf(&s, "%s\n[job.quy]\nperiod = 2024\ninput_dir = %s/input\ntemplates_dir = %s/templates\n"
                "output_dir = %s\n", sample, f->cwd, f->cwd, out);
    assert_int_equal(tu_write_file(ini, s.buf), 0);
    int lockfd = open(out, O_RDONLY | O_DIRECTORY);
    assert_true(lockfd >= 0);
    assert_int_equal(flock(lockfd, LOCK_EX), 0);

    int pipefd[2];
    assert_int_equal(pipe(pipefd), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(lockfd);
        dup2(pipefd[1], 2);
        close(pipefd[0]);
        close(pipefd[1]);
        execl(SAN_BIN, SAN_BIN, "--config", ini, "--wait", "60", (char *)NULL);
        _exit(127);
    }
    close(pipefd[1]);
    struct pollfd p = {pipefd[0], POLLIN, 0};
    char buf[4096];
    ssize_t n = 0;
    if (poll(&p, 1, 30000) == 1) n = read(pipefd[0], buf, sizeof buf - 1);
    int st, still_running = waitpid(pid, &st, WNOHANG) == 0;
    flock(lockfd, LOCK_UN);
    close(lockfd);
    assert_true(n > 0);
    buf[n] = '\0';
    assert_non_null(strstr(buf, "công việc quy"));
    assert_true(still_running);
    while (read(pipefd[0], buf, sizeof buf) > 0) {
    }
    close(pipefd[0]);
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
    strbuf_release(&s);
    free(sample);
    free(ini);
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(help_options_are_the_man_page_options, setup, teardown),
        cmocka_unit_test_setup_teardown(every_config_key_is_in_the_ini_man_page, setup, teardown),
        cmocka_unit_test_setup_teardown(bad_option_is_one_vietnamese_line, setup, teardown),
        cmocka_unit_test_setup_teardown(missing_config_is_said_once_in_vietnamese, setup, teardown),
        cmocka_unit_test_setup_teardown(config_error_is_said_once, setup, teardown),
        cmocka_unit_test_setup_teardown(terminal_gets_progress_and_summary, setup, teardown),
        cmocka_unit_test_setup_teardown(pipe_gets_the_log_only, setup, teardown),
        cmocka_unit_test_setup_teardown(quiet_clean_run_prints_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(log_line_arrives_before_the_job_ends, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
