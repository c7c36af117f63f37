/*
 * Whole-run tests of the batch command line and the e-mail delivery: the
 * sanitizer binary build/san/mtqg-report run as a process on a config
 * written into a temporary folder ([job.*] sections, [mail], the [unit]
 * section of reports.ini, absolute paths), with the documented results
 * checked from outside:
 *
 *   - mail: a real SMTP server on loopback (tests/support/smtp_server.py
 *     run with /usr/bin/python3, which has aiosmtpd) stores each message
 *     with its envelope; the same script decodes a stored message with
 *     Python's email package (subject, To/Cc, attachments' names and
 *     SHA-256), a reader independent of ours;
 *   - outbox (.eml/.env kept when the server is down, sent/<key> once
 *     accepted, a newer message replacing a waiting one), --dry-run
 *     (drafts/, never sent), send-outbox, never the same outputs twice;
 *   - periods (2024-Q3, 2024-H1): file names, period words and as-of date
 *     in the PDF (pdftotext), the disbursed total as of the period's end
 *     from the independent oracle (tests/fixtures/run/oracle_flat.py);
 *   - --list, --only, --check;
 *   - the manifest (read with Python's json module by
 *     tests/fixtures/batch/manifest_list.py) against sha256sum and stat,
 *     and skip_unchanged (also with an output deleted);
 *   - --year on a job with a period (the period moved to that year);
 *   - the output folder's lock (flock on the folder, held by the test),
 *     --wait;
 *   - a run killed (SIGKILL) in the middle of writing its outputs.
 *
 * Run from the repository root after `make build/san/mtqg-report`.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/job.h"
#include "smtp_harness.h"
#include "testutil.h"

#define SAN_BIN "build/san/mtqg-report"
#define CONFIG "reports.ini"
#define PY SMTP_HARNESS_PYTHON
#define SERVER_PY SMTP_HARNESS_SCRIPT
#define MANIFEST_PY "tests/fixtures/batch/manifest_list.py"
#define ORACLE "tests/fixtures/run/oracle_flat.py"
#define PLAN "input/ke_hoach_2024.csv"
#define DISB "input/giai_ngan_2024.csv"
#define IND "input/chi_tieu_2024.csv"
#define FONT_DIR "/usr/share/fonts/truetype/liberation2"
/* Every program run is bounded: a hang fails the test instead of the suite. */
#define TIMEOUT "timeout 120 "

#define BASE "bao-cao-1719-2024"
#define FROM "\"Ban Dân tộc <bdt@hoason.example>\""
#define TO "\"Chủ tịch UBND tỉnh <chutich@hoason.example>, pct@hoason.example\""
#define CC "vanphong@hoason.example"
/* The envelope the server must record for that job's message. */
#define ENVELOPE "from bdt@hoason.example\nto chutich@hoason.example\nto pct@hoason.example\n" \
                 "to vanphong@hoason.example\n"
#define SUBJECT "Báo cáo Chương trình 1719 năm 2024 - Sở Dân tộc và Tôn giáo"
#define XLSX_TYPE "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

/* The yearly job that mails its PDF, workbook and Word document. */
#define JOB_MAIL "[job.bao-cao-nam]\nperiod = 2024\nmail_to = " TO "\nmail_cc = " CC \
                 "\nmail_xlsx = yes\nmail_docx = yes\n"
#define DOCX_TYPE "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

typedef struct fixture {
    char *dir;    /* scratch: config, inputs, templates, logs */
    char *out;    /* the output folder, empty at the start */
    char *recv;   /* what the SMTP server stores */
    char *outbox; /* dir/outbox: [mail] outbox (the default, relative to the ini) */
    char *ini;    /* dir/batch.ini */
    smtp_harness srv;
    strbuf log;   /* the last run's stdout + stderr */
} fixture;

/* ---- helpers: processes and time --------------------------------------- */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {
    }
}

/* The program with args (a printf format); stdout and stderr in f->log. */
static int prog(fixture *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int prog(fixture *f, const char *fmt, ...)
{
    strbuf args = STRBUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    strbuf_vaddf(&args, fmt, ap);
    va_end(ap);
    strbuf_reset(&f->log);
    int rc = tu_runf(&f->log, TIMEOUT SAN_BIN " %s 2>&1", args.buf);
    strbuf_release(&args);
    return rc;
}

static void expect_status(fixture *f, int rc, int want)
{
    if (rc != want) fail_msg("exit status %d, want %d; output:\n%s", rc, want, f->log.buf);
}

static void expect_says(fixture *f, const char *text)
{
    if (!strstr(f->log.buf, text))
        fail_msg("the log should say \"%s\"; output:\n%s", text, f->log.buf);
}

static void expect_not_says(fixture *f, const char *text)
{
    if (strstr(f->log.buf, text))
        fail_msg("the log should not say \"%s\"; output:\n%s", text, f->log.buf);
}

/* ---- helpers: files ---------------------------------------------------- */

static int exists(const char *dir, const char *name)
{
    char *p = tu_path(dir, name);
    int ok = access(p, F_OK) == 0;
    free(p);
    return ok;
}

static void expect_file(const char *dir, const char *name)
{
    if (!exists(dir, name)) {
        strbuf names = STRBUF_INIT;
        tu_dir_entries(dir, 0, &names);
        fail_msg("%s/%s missing; the folder holds:%s", dir, name, names.buf);
    }
}

static void expect_no_file(const char *dir, const char *name)
{
    if (exists(dir, name)) fail_msg("%s/%s should not exist", dir, name);
}

static void expect_empty_dir(const char *dir)
{
    strbuf names = STRBUF_INIT;
    int n = tu_dir_entries(dir, 0, &names);
    if (n != 0) fail_msg("%s should be empty; it holds:%s", dir, names.buf);
    strbuf_release(&names);
}

/* sha256sum's digest of path (an independent tool). */
static void sha256_of(const char *path, char hex[65])
{
    strbuf out = STRBUF_INIT;
    if (tu_runf(&out, "sha256sum '%s'", path) != 0 || out.len < 64) fail_msg("sha256sum %s failed", path);
    memcpy(hex, out.buf, 64);
    hex[64] = '\0';
    strbuf_release(&out);
}

/* How many entries of dir end with suffix (".eml"), names appended to names. */
static int count_suffix(const char *dir, const char *suffix, strbuf *names)
{
    DIR *d = opendir(dir);
    if (!d) return 0;
    int n = 0;
    size_t sl = strlen(suffix);
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (l > sl && !strcmp(e->d_name + l - sl, suffix) && e->d_name[0] != '.') {
            if (names) strbuf_addf(names, "%s%s", names->len ? " " : "", e->d_name);
            n++;
        }
    }
    closedir(d);
    return n;
}

/* 1 when dir holds a temporary output: a generation no set uses yet
 * (under .mtqg), or a ".<name>.tmp-<pid>" link. */
static int has_temp(const char *dir)
{
    return tu_dir_entries(dir, 1, NULL) > 0;
}

/* A visible file's identity and bytes, to tell whether a run rewrote it. */
typedef struct snap {
    char name[256];
    ino_t ino;
    struct timespec mtime;
    char *data;
    size_t len;
} snap;

/* The visible files of dir (at most max), sorted by name; the count. */
static int snapshot(const char *dir, snap *s, int max)
{
    DIR *d = opendir(dir);
    if (!d) fail_msg("%s: cannot be listed", dir);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < max) {
        if (e->d_name[0] == '.') continue;
        snap *x = &s[n++];
        snprintf(x->name, sizeof x->name, "%s", e->d_name);
        char *p = tu_path(dir, e->d_name);
        struct stat st;
        if (stat(p, &st) < 0) fail_msg("%s: %s", p, strerror(errno));
        x->ino = st.st_ino;
        x->mtime = st.st_mtim;
        x->data = tu_read_file(p, &x->len);
        free(p);
    }
    closedir(d);
    for (int i = 1; i < n; i++) /* insertion sort: a handful of names */
        for (int j = i; j > 0 && strcmp(s[j - 1].name, s[j].name) > 0; j--) {
            snap t = s[j];
            s[j] = s[j - 1];
            s[j - 1] = t;
        }
    return n;
}

static void snap_free(snap *s, int n)
{
    for (int i = 0; i < n; i++) free(s[i].data);
}

/* Same names and same bytes; with same_inode, not even rewritten. */
static void expect_same_files(const snap *a, int na, const snap *b, int nb, int same_inode,
                              const char *when)
{
    if (na != nb) fail_msg("%s: %d visible files before, %d after", when, na, nb);
    for (int i = 0; i < na; i++) {
        if (strcmp(a[i].name, b[i].name)) fail_msg("%s: %s became %s", when, a[i].name, b[i].name);
        if (a[i].len != b[i].len || memcmp(a[i].data, b[i].data, a[i].len))
            fail_msg("%s: %s changed (%zu -> %zu bytes)", when, a[i].name, a[i].len, b[i].len);
        if (same_inode && (a[i].ino != b[i].ino || a[i].mtime.tv_sec != b[i].mtime.tv_sec ||
                           a[i].mtime.tv_nsec != b[i].mtime.tv_nsec))
            fail_msg("%s: %s was rewritten (inode or mtime changed)", when, a[i].name);
    }
}

/* ---- helpers: the config ----------------------------------------------- */

/* The [unit] section of reports.ini, up to the next section. */
static void unit_section(strbuf *sb)
{
    char *ini = tu_read_file(CONFIG, NULL);
    if (!ini) fail_msg("cannot read %s", CONFIG);
    const char *p = strstr(ini, "\n[unit]");
    if (!p) fail_msg("%s has no [unit]", CONFIG);
    p++;
    const char *e = strstr(p + 1, "\n[");
    strbuf_add(sb, p, e ? (size_t)(e - p + 1) : strlen(p));
    free(ini);
}

/*
 * f->ini: [report] with the folders (input_dir: the shipped input/ unless
 * input is given) and extra [report] lines, [unit] from reports.ini, then
 * the given [mail] section (or none) and [job.*] sections.
 */
static void write_ini(fixture *f, const char *input, const char *report_extra, const char *mail,
                      const char *jobs)
{
    char cwd[4096];
    if (!getcwd(cwd, sizeof cwd)) fail_msg("getcwd: %s", strerror(errno));
    strbuf sb = STRBUF_INIT;
    strbuf_addf(&sb, "; written by tests/unit/test_batch.c\n[report]\n");
    if (input) strbuf_addf(&sb, "input_dir = %s\n", input);
    else strbuf_addf(&sb, "input_dir = %s/input\n", cwd);
    strbuf_addf(&sb, "output_dir = %s\ntemplates_dir = %s/templates\nfont_dir = %s\n", f->out, cwd,
                FONT_DIR);
    if (report_extra) strbuf_adds(&sb, report_extra);
    strbuf_addch(&sb, '\n');
    unit_section(&sb);
    if (mail) strbuf_addf(&sb, "\n[mail]\n%s", mail);
    if (jobs) strbuf_addf(&sb, "\n%s", jobs);
    if (tu_write_file(f->ini, sb.buf) != 0) fail_msg("cannot write %s", f->ini);
    strbuf_release(&sb);
}

/* The [mail] section for a server on port (timeout in seconds). */
static void mail_section(strbuf *sb, int port, int timeout)
{
    strbuf_reset(sb);
    strbuf_addf(sb, "server = smtp://127.0.0.1:%d\nfrom = " FROM "\ntimeout = %d\n", port, timeout);
}

/* A copy of the shipped input files in dir/name (absolute path; caller frees). */
static char *copy_inputs(fixture *f, const char *name)
{
    char *in = tu_path(f->dir, name);
    if (tu_runf(NULL, "mkdir -p '%s' && cp input/* '%s/'", in, in) != 0) fail_msg("cannot copy input/ to %s", in);
    return in;
}

/* ---- helpers: the SMTP server ------------------------------------------ */

/* smtp_server.py on port (0: a free one; retried elsewhere if it cannot listen). */
static void server_start(fixture *f, int port)
{
    char *log = tu_path(f->dir, "server.log");
    if (smtp_harness_start(&f->srv, port, f->recv, log, NULL) < 0) {
        char *text = tu_read_file(log, NULL);
        fail_msg("the test SMTP server did not start; its log:\n%s", text ? text : "(none)");
    }
    free(log);
}

/* The server comes back on port (the config names it); if that port was
 * taken meanwhile, it starts elsewhere and the config (input folder
 * input, NULL: the shipped one) is rewritten for it. */
static void server_back(fixture *f, int port, const char *input)
{
    server_start(f, port);
    if (f->srv.port == port) return;
    strbuf mail = STRBUF_INIT;
    mail_section(&mail, f->srv.port, 3);
    write_ini(f, input, NULL, mail.buf, JOB_MAIL);
    strbuf_release(&mail);
}

/* How many messages the server has stored (msg-0001.eml ...). */
static int received(fixture *f)
{
    return count_suffix(f->recv, ".eml", NULL);
}

/* The i-th stored message's file (".eml" or ".env"); caller frees. */
static char *stored(fixture *f, int i, const char *ext)
{
    char name[32];
    snprintf(name, sizeof name, "msg-%04d%s", i, ext);
    return tu_path(f->recv, name);
}

/* The decoder's lines for an .eml file, into out. */
static void decode(const char *eml, strbuf *out)
{
    strbuf_reset(out);
    if (tu_runf(out, PY " " SERVER_PY " decode '%s'", eml) != 0) fail_msg("cannot decode %s", eml);
}

static void expect_line(const strbuf *text, const char *line, const char *what)
{
    strbuf want = STRBUF_INIT;
    strbuf_addf(&want, "\n%s\n", line);
    strbuf all = STRBUF_INIT;
    strbuf_addf(&all, "\n%s", text->buf);
    if (!strstr(all.buf, want.buf)) fail_msg("%s: no line \"%s\" in:\n%s", what, line, text->buf);
    strbuf_release(&want);
    strbuf_release(&all);
}

/* Each attachment (name, type) is in the decoded message d, with the
 * SHA-256 of the published file of that name in out. */
static void expect_attachments(const char *out, const strbuf *d, const char *eml,
                               const char *const att[][2], int n)
{
    for (int k = 0; k < n; k++) {
        char hex[65];
        char *p = tu_path(out, att[k][0]);
        sha256_of(p, hex);
        strbuf line = STRBUF_INIT;
        strbuf_addf(&line, "attachment: %s\t%s\t%s", att[k][0], att[k][1], hex);
        expect_line(d, line.buf, eml);
        strbuf_release(&line);
        free(p);
    }
}

/*
 * The i-th received message is the yearly job's: envelope, subject,
 * addresses, and exactly the PDF, the workbook and the .docx of f->out
 * attached, each with its writer's MIME type (the check report is not).
 */
static void check_received_message(fixture *f, int i)
{
    char *env = stored(f, i, ".env"), *eml = stored(f, i, ".eml");
    char *envelope = tu_read_file(env, NULL);
    if (!envelope || strncmp(envelope, ENVELOPE, strlen(ENVELOPE)))
        fail_msg("%s: envelope\n%s\nwant\n%s", env, envelope ? envelope : "(none)", ENVELOPE);
    strbuf d = STRBUF_INIT;
    decode(eml, &d);
    expect_line(&d, "subject: " SUBJECT, eml);
    expect_line(&d, "from: Ban Dân tộc|bdt@hoason.example", eml);
    expect_line(&d, "to: Chủ tịch UBND tỉnh|chutich@hoason.example", eml);
    expect_line(&d, "to: |pct@hoason.example", eml);
    expect_line(&d, "cc: |vanphong@hoason.example", eml);
    expect_line(&d, "defects: 0", eml);
    if (tu_count(d.buf, "\nattachment: ") != 3) fail_msg("%s: want 3 attachments:\n%s", eml, d.buf);
    const char *const att[3][2] = {
        {BASE ".pdf", "application/pdf"}, {BASE ".xlsx", XLSX_TYPE}, {BASE ".docx", DOCX_TYPE}};
    expect_attachments(f->out, &d, eml, att, 3);
    strbuf_release(&d);
    free(envelope);
    free(env);
    free(eml);
}

/* ---- helpers: figures --------------------------------------------------- */

/* One value of the oracle for the sample at as_of (đồng), e.g. "plan/total". */
static int64_t oracle(const char *as_of, const char *key)
{
    strbuf out = STRBUF_INIT;
    strbuf_addch(&out, '\n');
    if (tu_runf(&out, PY " " ORACLE " " PLAN " " DISB " " IND " 2024 %s", as_of) != 0)
        fail_msg("the oracle failed for %s", as_of);
    strbuf k = STRBUF_INIT;
    strbuf_addf(&k, "\n%s\t", key);
    const char *p = strstr(out.buf, k.buf);
    if (!p) fail_msg("the oracle has no %s", key);
    int64_t v = strtoll(p + k.len, NULL, 10);
    strbuf_release(&k);
    strbuf_release(&out);
    return v;
}

/* đồng as the report shows triệu: "98.106,076", "1.473.139" (whole: no decimals). */
static void vi_trieu(strbuf *sb, int64_t dong)
{
    int64_t milli = (dong + 500) / 1000; /* thousandths of a triệu, amounts here are positive */
    int64_t whole = milli / 1000, frac = milli % 1000;
    char digits[32];
    int n = snprintf(digits, sizeof digits, "%lld", (long long)whole);
    for (int i = 0; i < n; i++) {
        if (i && (n - i) % 3 == 0) strbuf_addch(sb, '.');
        strbuf_addch(sb, digits[i]);
    }
    if (frac) { /* sentences drop trailing zeros: ",4" not ",400" */
        char dec[8];
        int k = snprintf(dec, sizeof dec, "%03lld", (long long)frac);
        while (k > 0 && dec[k - 1] == '0') dec[--k] = '\0';
        strbuf_addf(sb, ",%s", dec);
    }
}

/* A rate rounded half away from zero to one decimal: "77,4%". */
static void vi_rate(strbuf *sb, int64_t num, int64_t den)
{
    int64_t pm = (num * 1000 * 2 + den) / (den * 2);
    strbuf_addf(sb, "%lld,%lld%%", (long long)(pm / 10), (long long)(pm % 10));
}

/* pdftotext of a PDF as one line: white space collapsed, page numbers out. */
static void pdf_words(const char *pdf, strbuf *out)
{
    strbuf raw = STRBUF_INIT;
    if (tu_pdf_text(pdf, 0, 0, TU_PDF_FLOW, &raw) != 0) fail_msg("pdftotext %s failed", pdf);
    strbuf_reset(out);
    for (const char *p = raw.buf; *p;) {
        size_t n = strcspn(p, "\n\f");
        size_t digits = strspn(p, "0123456789 ");
        if (!(n && digits == n)) /* a line of digits alone: a page number */
            for (size_t i = 0; i < n; i++) {
                int space = p[i] == ' ' || p[i] == '\t' || p[i] == '\r';
                if (space && (!out->len || out->buf[out->len - 1] == ' ')) continue;
                strbuf_addch(out, space ? ' ' : p[i]);
            }
        if (out->len && out->buf[out->len - 1] != ' ') strbuf_addch(out, ' ');
        p += n;
        if (*p) p++;
    }
    strbuf_release(&raw);
}

static void expect_pdf_says(const char *pdf, const strbuf *words, const char *text)
{
    if (!strstr(words->buf, text)) fail_msg("%s should say \"%s\"; its text:\n%.3000s", pdf, text, words->buf);
}

/* ---- fixture ------------------------------------------------------------ */

static int setup(void **state)
{
    if (access(CONFIG, R_OK) || access(SAN_BIN, X_OK) || access(SERVER_PY, R_OK) || access(PY, X_OK)) {
        fprintf(stderr, "test_batch: run from the repository root after `make %s` (needs %s, %s)\n",
                SAN_BIN, PY, SERVER_PY);
        return -1;
    }
    fixture *f = calloc(1, sizeof *f);
    f->dir = tu_tmpdir("batch");
    f->out = tu_tmpdir("batch-out");
    f->log = (strbuf)STRBUF_INIT;
    *state = f;
    if (!f->dir || !f->out) return -1;
    f->recv = tu_path(f->dir, "received");
    f->outbox = tu_path(f->dir, "outbox");
    f->ini = tu_path(f->dir, "batch.ini");
    return mkdir(f->recv, 0700);
}

static int teardown(void **state)
{
    fixture *f = *state;
    smtp_harness_stop(&f->srv);
    tu_rmtree(f->dir);
    tu_rmtree(f->out);
    free(f->dir);
    free(f->out);
    free(f->recv);
    free(f->outbox);
    free(f->ini);
    strbuf_release(&f->log);
    free(f);
    return 0;
}

/* ---- 1. mail end to end ------------------------------------------------- */

static void test_mail_end_to_end(void **state)
{
    fixture *f = *state;
    strbuf mail = STRBUF_INIT, d = STRBUF_INIT, want = STRBUF_INIT;
    server_start(f, 0);
    mail_section(&mail, f->srv.port, 30);
    write_ini(f, NULL, NULL, mail.buf, JOB_MAIL);

    expect_status(f, prog(f, "run --config '%s'", f->ini), EXIT_OK);
    expect_file(f->out, BASE ".pdf");
    expect_file(f->out, BASE ".xlsx");
    if (received(f) != 1) fail_msg("the server received %d messages, want 1; log:\n%s", received(f), f->log.buf);
    check_received_message(f, 1);

    /* The body: the sample's total plan and its disbursement rate. */
    char *eml = stored(f, 1, ".eml");
    decode(eml, &d);
    const char *body = strstr(d.buf, "\nbody: ");
    if (!body) fail_msg("%s: no text part:\n%s", eml, d.buf);
    int64_t plan = oracle("2024-12-31", "plan/total");
    vi_trieu(&want, plan);
    assert_string_equal(want.buf, "195.609,418"); /* the oracle agrees with the sample's figure */
    if (!strstr(body, "195.609,418")) fail_msg("the body should give the total plan 195.609,418:\n%s", body);
    /* The rate over the state budget (central and local). */
    int64_t nplan = oracle("2024-12-31", "plan/by_budget_year/nsnn_current") +
                    oracle("2024-12-31", "plan/by_budget_year/nsnn_extended");
    int64_t ndisb = oracle("2024-12-31", "disbursement/by_budget_year/nsnn_current") +
                    oracle("2024-12-31", "disbursement/by_budget_year/nsnn_extended");
    strbuf_reset(&want);
    vi_rate(&want, ndisb, nplan);
    if (!strstr(body, want.buf)) fail_msg("the body should give the rate %s:\n%s", want.buf, body);

    /* Same inputs again: same outputs, so nothing is mailed twice. */
    expect_status(f, prog(f, "run --config '%s'", f->ini), EXIT_OK);
    expect_says(f, "đã được gửi trước đây");
    if (received(f) != 1) fail_msg("a second run with the same inputs sent again (%d messages)", received(f));
    free(eml);
    strbuf_release(&mail);
    strbuf_release(&d);
    strbuf_release(&want);
}

/*
 * The check report goes to its preparer only (issue 13, point 5): with
 * mail_check_to, a second message carries the check PDF and the check
 * workbook to that address alone; the leaders' message is as before and
 * carries no check file. The message of each is told by its envelope.
 */
#define PREPARER "chuyenvien@hoason.example"
/* The preparer alone: the line after the recipient is not another "to". */
#define PREP_ENVELOPE "from bdt@hoason.example\nto " PREPARER "\nauth"
static void test_check_report_to_preparer_only(void **state)
{
    fixture *f = *state;
    strbuf mail = STRBUF_INIT, d = STRBUF_INIT;
    server_start(f, 0);
    mail_section(&mail, f->srv.port, 30);
    write_ini(f, NULL, NULL, mail.buf, JOB_MAIL "mail_check_to = " PREPARER "\n");

    expect_status(f, prog(f, "run --config '%s'", f->ini), EXIT_OK);
    expect_file(f->out, BASE "-kiem-tra.xlsx");
    if (received(f) != 2) fail_msg("the server received %d messages, want 2; log:\n%s", received(f), f->log.buf);
    int leaders = 0, check = 0;
    for (int i = 1; i <= 2; i++) {
        char *env = stored(f, i, ".env");
        char *envelope = tu_read_file(env, NULL);
        if (envelope && !strncmp(envelope, ENVELOPE, strlen(ENVELOPE))) leaders = i;
        else if (envelope && !strncmp(envelope, PREP_ENVELOPE, strlen(PREP_ENVELOPE))) check = i;
        else fail_msg("%s: an envelope of neither message:\n%s", env, envelope ? envelope : "(none)");
        free(envelope);
        free(env);
    }
    if (!leaders || !check) fail_msg("want one message to the leaders and one to the preparer");
    /* The leaders': exactly the PDF, the workbook and the .docx. */
    check_received_message(f, leaders);
    char *eml = stored(f, leaders, ".eml");
    decode(eml, &d);
    if (strstr(d.buf, "kiem-tra")) fail_msg("%s: the leaders' message carries check material:\n%s", eml, d.buf);
    free(eml);
    /* The preparer's: the check PDF and workbook, nothing else, no Cc. */
    eml = stored(f, check, ".eml");
    decode(eml, &d);
    expect_line(&d, "to: |" PREPARER, eml);
    if (strstr(d.buf, "\ncc: ")) fail_msg("%s: the check message has a Cc:\n%s", eml, d.buf);
    if (tu_count(d.buf, "\nattachment: ") != 2) fail_msg("%s: want 2 attachments:\n%s", eml, d.buf);
    const char *const att[2][2] = {{BASE "-kiem-tra.pdf", "application/pdf"},
                                   {BASE "-kiem-tra.xlsx", XLSX_TYPE}};
    expect_attachments(f->out, &d, eml, att, 2);
    expect_line(&d, "subject: Kiểm tra số liệu báo cáo Chương trình 1719 năm 2024 - Sở Dân tộc và Tôn giáo", eml);
    free(eml);
    strbuf_release(&mail);
    strbuf_release(&d);
}

/* ---- 2. server down: outbox, send-outbox ------------------------------- */

static void test_server_down_then_send_outbox(void **state)
{
    fixture *f = *state;
    strbuf mail = STRBUF_INIT, names = STRBUF_INIT;
    int port = smtp_harness_free_port(); /* nothing listens there yet */
    mail_section(&mail, port, 3);
    write_ini(f, NULL, NULL, mail.buf, JOB_MAIL);

    double t0 = now_s();
    expect_status(f, prog(f, "run --config '%s'", f->ini), EXIT_DELIVERY);
    if (now_s() - t0 > 30) fail_msg("a refused connection took %.1f s", now_s() - t0);
    expect_file(f->out, BASE ".xlsx");
    expect_file(f->out, BASE ".pdf");
    expect_file(f->out, BASE ".manifest.json");
    int neml = count_suffix(f->outbox, ".eml", &names), nenv = count_suffix(f->outbox, ".env", NULL);
    if (neml != 1 || nenv != 1)
        fail_msg("the outbox %s should keep one .eml and one .env, holds %d and %d (%s); log:\n%s",
                 f->outbox, neml, nenv, names.buf, f->log.buf);
    char key[256];
    snprintf(key, sizeof key, "%.*s", (int)(names.len - 4), names.buf);
    strbuf sent = STRBUF_INIT;
    strbuf_addf(&sent, "sent/%s", key);
    expect_no_file(f->outbox, sent.buf);

    /* send-outbox while the server is still down: 6, the message kept. */
    expect_status(f, prog(f, "send-outbox --config '%s'", f->ini), EXIT_DELIVERY);
    if (count_suffix(f->outbox, ".eml", NULL) != 1) fail_msg("a failed send-outbox lost the message");

    /* The server comes up (on that port: the config says so). */
    server_back(f, port, NULL);
    expect_status(f, prog(f, "send-outbox --config '%s'", f->ini), EXIT_OK);
    if (received(f) != 1) fail_msg("send-outbox: the server received %d messages, want 1; log:\n%s",
                                   received(f), f->log.buf);
    check_received_message(f, 1);
    strbuf_reset(&names);
    if (count_suffix(f->outbox, ".eml", &names) != 0) fail_msg("sent, yet still in the outbox: %s", names.buf);
    if (count_suffix(f->outbox, ".env", &names) != 0) fail_msg("sent, yet still in the outbox: %s", names.buf);
    expect_file(f->outbox, sent.buf);

    /* Nothing left: sending again sends nothing; neither does a new run. */
    expect_status(f, prog(f, "send-outbox --config '%s'", f->ini), EXIT_OK);
    if (received(f) != 1) fail_msg("a second send-outbox sent again (%d messages)", received(f));
    expect_status(f, prog(f, "run --config '%s'", f->ini), EXIT_OK);
    expect_says(f, "đã được gửi trước đây");
    if (received(f) != 1) fail_msg("a run after send-outbox sent again (%d messages)", received(f));
    strbuf_release(&sent);
    strbuf_release(&mail);
    strbuf_release(&names);
}

/*
 * libcurl is loaded at the first message (dlopen), not at start. With the
 * library unreadable (/dev/null bound over it in a private mount
 * namespace), the run still publishes its files, fails as a delivery,
 * says the library could not be loaded, and keeps the message in the
 * outbox; send-outbox with the library back delivers it.
 */
static void test_mail_library_missing(void **state)
{
    fixture *f = *state;
    strbuf mail = STRBUF_INIT;
    server_start(f, 0);
    mail_section(&mail, f->srv.port, 3);
    write_ini(f, NULL, NULL, mail.buf, JOB_MAIL);
    strbuf_reset(&f->log);
    int rc = tu_runf(&f->log,
                     "lib=$(/sbin/ldconfig -p | sed -n 's/^.*libcurl[.]so[.]4 (libc6,x86-64) => //p' | head -n 1)"
                     " && [ -n \"$lib\" ] && unshare -rm sh -c 'mount --bind /dev/null \"$1\" && exec "
                     TIMEOUT SAN_BIN " run --config \"$2\"' sh \"$lib\" '%s' 2>&1", f->ini);
    expect_status(f, rc, EXIT_DELIVERY);
    expect_says(f, "không nạp được thư viện gửi thư libcurl");
    expect_file(f->out, BASE ".pdf");
    expect_file(f->out, BASE ".manifest.json");
    if (received(f) != 0) fail_msg("the server received %d messages without libcurl", received(f));
    if (count_suffix(f->outbox, ".eml", NULL) != 1) fail_msg("the message is not kept in the outbox; log:\n%s", f->log.buf);
    expect_status(f, prog(f, "send-outbox --config '%s'", f->ini), EXIT_OK);
    if (received(f) != 1) fail_msg("send-outbox: the server received %d messages, want 1; log:\n%s",
                                   received(f), f->log.buf);
    check_received_message(f, 1);
    strbuf_release(&mail);
}

/* ---- 3. --dry-run -------------------------------------------------------- */

static void test_dry_run(void **state)
{
    fixture *f = *state;
    strbuf mail = STRBUF_INIT, names = STRBUF_INIT;
    server_start(f, 0);
    mail_section(&mail, f->srv.port, 30);
    write_ini(f, NULL, NULL, mail.buf, JOB_MAIL);

    expect_status(f, prog(f, "run --dry-run --config '%s'", f->ini), EXIT_OK);
    expect_file(f->out, BASE ".pdf");
    char *drafts = tu_path(f->outbox, "drafts");
    int neml = count_suffix(drafts, ".eml", &names);
    if (neml != 1 || count_suffix(drafts, ".env", NULL) != 1)
        fail_msg("--dry-run: drafts/ should hold the message (.eml, .env): %d .eml (%s); log:\n%s",
                 neml, names.buf, f->log.buf);
    if (count_suffix(f->outbox, ".eml", NULL) != 0)
        fail_msg("--dry-run left a message waiting to be sent in %s", f->outbox);
    if (received(f) != 0) fail_msg("--dry-run sent %d messages", received(f));
    /* The kept message is the one a real run sends: decode it. */
    strbuf d = STRBUF_INIT;
    char *eml = tu_path(drafts, names.buf);
    decode(eml, &d);
    expect_line(&d, "subject: " SUBJECT, eml);
    if (tu_count(d.buf, "\nattachment: ") != 3) fail_msg("%s: want 3 attachments:\n%s", eml, d.buf);

    /* A real run afterwards: the message goes out once, not twice. */
    expect_status(f, prog(f, "run --config '%s'", f->ini), EXIT_OK);
    if (received(f) != 1) fail_msg("after a dry run, a real run: %d messages, want 1; log:\n%s",
                                   received(f), f->log.buf);
    check_received_message(f, 1);
    free(eml);
    free(drafts);
    strbuf_release(&d);
    strbuf_release(&mail);
    strbuf_release(&names);
}

/* ---- 4. periods ---------------------------------------------------------- */

static void check_period_pdf(fixture *f, const char *tag, const char *label, const char *date_words,
                             const char *as_of)
{
    strbuf name = STRBUF_INIT, words = STRBUF_INIT, want = STRBUF_INIT, full = STRBUF_INIT;
    const char *const ext[] = {".xlsx", ".pdf", ".manifest.json", "-dong-bi-loai.csv"};
    for (int i = 0; i < 4; i++) {
        strbuf_reset(&name);
        strbuf_addf(&name, "bao-cao-1719-%s%s", tag, ext[i]);
        expect_file(f->out, name.buf);
    }
    strbuf_reset(&name);
    strbuf_addf(&name, "%s/bao-cao-1719-%s.pdf", f->out, tag);
    pdf_words(name.buf, &words);
    expect_pdf_says(name.buf, &words, label);
    expect_pdf_says(name.buf, &words, date_words);
    /* Figures as of the period's end: the oracle's disbursed total then,
     * not the full year's. */
    /* The headline counts the state budget (central and local). */
    int64_t disb = oracle(as_of, "disbursement/by_budget_year/nsnn_current") +
                   oracle(as_of, "disbursement/by_budget_year/nsnn_extended");
    int64_t year = oracle("2024-12-31", "disbursement/by_budget_year/nsnn_current") +
                   oracle("2024-12-31", "disbursement/by_budget_year/nsnn_extended");
    if (disb == year) fail_msg("the sample disburses nothing after %s: the test proves nothing", as_of);
    strbuf_addf(&want, "%s, toàn tỉnh đã giải ngân vốn ngân sách nhà nước ", date_words);
    vi_trieu(&want, disb);
    strbuf_adds(&want, " triệu đồng");
    expect_pdf_says(name.buf, &words, want.buf);
    vi_trieu(&full, year);
    if (strstr(words.buf, full.buf)) fail_msg("%s shows the full year's disbursed total %s", name.buf, full.buf);
    /* The manifest says the period and its as-of date. */
    strbuf_reset(&name);
    strbuf_addf(&name, "%s/bao-cao-1719-%s.manifest.json", f->out, tag);
    strbuf m = STRBUF_INIT;
    if (tu_runf(&m, PY " " MANIFEST_PY " '%s'", name.buf) != 0) fail_msg("%s: not a manifest", name.buf);
    strbuf_reset(&want);
    strbuf_addf(&want, "period\t%s", tag);
    expect_line(&m, want.buf, name.buf);
    strbuf_reset(&want);
    strbuf_addf(&want, "as_of\t%s", as_of);
    expect_line(&m, want.buf, name.buf);
    strbuf_release(&m);
    strbuf_release(&name);
    strbuf_release(&words);
    strbuf_release(&want);
    strbuf_release(&full);
}

static void test_periods(void **state)
{
    fixture *f = *state;
    write_ini(f, NULL, NULL, NULL, "[job.quy3]\nperiod = 2024-Q3\n\n[job.nua-dau]\nperiod = 2024-H1\n");
    expect_status(f, prog(f, "run --config '%s'", f->ini), EXIT_OK);
    check_period_pdf(f, "2024-Q3", "quý III năm 2024", "ngày 30 tháng 9 năm 2024", "2024-09-30");
    check_period_pdf(f, "2024-H1", "6 tháng đầu năm 2024", "ngày 30 tháng 6 năm 2024", "2024-06-30");
    expect_no_file(f->out, BASE ".pdf"); /* no yearly report was asked for */
}

/* ---- 5. --list, --only, --check ---------------------------------------- */

/* The --list line of job name gives its period tag and words. */
static void expect_listed(fixture *f, const char *name, const char *tag, const char *label)
{
    const char *p = f->log.buf;
    size_t n = strlen(name);
    for (; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
        if (strncmp(p, name, n) || p[n] != ' ') continue;
        size_t len = strcspn(p, "\n");
        char *line = strndup(p, len);
        if (!strstr(line, tag) || !strstr(line, label))
            fail_msg("--list: the line of %s should give %s and \"%s\": %s", name, tag, label, line);
        free(line);
        return;
    }
    fail_msg("--list does not list %s:\n%s", name, f->log.buf);
}

static void test_list_only_check(void **state)
{
    fixture *f = *state;
    const char *jobs = "[job.bao-cao-nam]\nperiod = 2024\n\n[job.quy3]\nperiod = 2024-Q3\n\n"
                       "[job.nua-dau]\nperiod = 2024-H1\n";
    write_ini(f, NULL, NULL, NULL, jobs);

    strbuf_reset(&f->log);
    assert_int_equal(tu_runf(&f->log, TIMEOUT SAN_BIN " --list --config '%s' 2>/dev/null", f->ini), EXIT_OK);
    expect_listed(f, "bao-cao-nam", "2024", "năm 2024");
    expect_listed(f, "quy3", "2024-Q3", "quý III năm 2024");
    expect_listed(f, "nua-dau", "2024-H1", "6 tháng đầu năm 2024");
    expect_empty_dir(f->out);

    /* --check: everything read and checked, nothing written. */
    expect_status(f, prog(f, "run --check --config '%s'", f->ini), EXIT_OK);
    if (tu_count(f->log.buf, "kiểm tra xong") != 3) fail_msg("--check should check all 3 jobs:\n%s", f->log.buf);
    expect_empty_dir(f->out);
    expect_no_file(f->dir, "outbox");

    /* --only: that job alone. */
    expect_status(f, prog(f, "run --only quy3 --config '%s'", f->ini), EXIT_OK);
    expect_file(f->out, BASE "-Q3.pdf");
    expect_file(f->out, BASE "-Q3.xlsx");
    expect_no_file(f->out, BASE ".pdf");
    expect_no_file(f->out, BASE ".xlsx");
    expect_no_file(f->out, BASE "-H1.pdf");
    expect_says(f, "công việc quy3");
    expect_not_says(f, "công việc bao-cao-nam");

    expect_status(f, prog(f, "run --only khong-co --config '%s'", f->ini), EXIT_CONFIG);
    expect_says(f, "khong-co");

    /* --check with a broken form template: status 2, file and line named,
     * still nothing written. */
    char *tpl = tu_path(f->dir, "templates"), *out2 = tu_path(f->dir, "out-check");
    assert_int_equal(tu_runf(NULL, "cp -R templates '%s' && mkdir '%s' && "
                                   "printf 'cot_hong | Cột hỏng | khong_co_do_do\\n' >> '%s/forms/01_kh_du_an.txt'",
                             tpl, out2, tpl), 0);
    strbuf extra = STRBUF_INIT;
    char cwd[4096];
    assert_non_null(getcwd(cwd, sizeof cwd));
    strbuf_addf(&extra, "[report]\ninput_dir = %s/input\noutput_dir = %s\ntemplates_dir = %s\nfont_dir = %s\n\n",
                cwd, out2, tpl, FONT_DIR);
    unit_section(&extra);
    strbuf_addf(&extra, "\n%s", jobs);
    char *ini2 = tu_path(f->dir, "hong.ini");
    assert_int_equal(tu_write_file(ini2, extra.buf), 0);
    expect_status(f, prog(f, "run --check --config '%s'", ini2), EXIT_CONFIG);
    expect_says(f, "01_kh_du_an.txt:");
    expect_empty_dir(out2);
    free(ini2);
    free(tpl);
    free(out2);
    strbuf_release(&extra);
}

/* ---- 6. manifest, skip_unchanged ---------------------------------------- */

/* The manifest's items of kind ("input", "output") as "path\tbytes\tsha". */
static int manifest_items(const char *manifest, const char *kind, strbuf *items)
{
    strbuf m = STRBUF_INIT;
    if (tu_runf(&m, PY " " MANIFEST_PY " '%s'", manifest) != 0) fail_msg("%s: not a valid manifest", manifest);
    strbuf_reset(items);
    strbuf_addch(items, '\n');
    int n = 0;
    size_t kl = strlen(kind);
    for (const char *p = m.buf; *p;) {
        size_t len = strcspn(p, "\n");
        if (len > kl && !strncmp(p, kind, kl) && p[kl] == '\t') {
            strbuf_add(items, p + kl + 1, len - kl);
            n++;
        }
        p += len + (p[len] ? 1 : 0);
    }
    strbuf_release(&m);
    return n;
}

/* Every visible file of dir but skip is in items with its size and SHA-256. */
static int expect_listed_files(const char *dir, const char *skip, const strbuf *items, const char *what)
{
    DIR *d = opendir(dir);
    if (!d) fail_msg("%s: cannot be listed", dir);
    struct dirent *e;
    int n = 0;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.' || (skip && !strcmp(e->d_name, skip))) continue;
        char *p = tu_path(dir, e->d_name);
        struct stat st;
        char hex[65];
        assert_int_equal(stat(p, &st), 0);
        sha256_of(p, hex);
        strbuf line = STRBUF_INIT;
        strbuf_addf(&line, "\n%s\t%lld\t%s\n", p, (long long)st.st_size, hex);
        if (!strstr(items->buf, line.buf))
            fail_msg("the manifest's %s should list %s, %lld bytes, sha256 %s; it lists:%s", what, p,
                     (long long)st.st_size, hex, items->buf);
        strbuf_release(&line);
        free(p);
        n++;
    }
    closedir(d);
    return n;
}

static void test_manifest_and_skip_unchanged(void **state)
{
    fixture *f = *state;
    char *in = copy_inputs(f, "input");
    write_ini(f, in, NULL, NULL, "[job.nam]\nperiod = 2024\nskip_unchanged = yes\n");
    char *manifest = tu_path(f->out, BASE ".manifest.json");
    strbuf items = STRBUF_INIT;

    expect_status(f, prog(f, "run --config '%s'", f->ini), EXIT_OK);
    expect_file(f->out, BASE ".manifest.json");
    int nout = manifest_items(manifest, "output", &items);
    int listed = expect_listed_files(f->out, BASE ".manifest.json", &items, "outputs");
    if (nout != listed) fail_msg("the manifest lists %d outputs, the folder holds %d:%s", nout, listed, items.buf);
    assert_true(nout >= 3); /* xlsx, pdf, rejects */
    int nin = manifest_items(manifest, "input", &items);
    listed = expect_listed_files(in, NULL, &items, "inputs");
    if (nin != listed) fail_msg("the manifest lists %d inputs, %s holds %d:%s", nin, in, listed, items.buf);

    /* Nothing new: the run says so and rewrites nothing. */
    snap before[16], after[16];
    int nb = snapshot(f->out, before, 16);
    sleep_ms(20); /* a rewrite would show in the mtime */
    expect_status(f, prog(f, "run --config '%s'", f->ini), EXIT_OK);
    expect_says(f, "không đổi");
    expect_not_says(f, "đã ghi");
    int na = snapshot(f->out, after, 16);
    expect_same_files(before, nb, after, na, 1, "skip_unchanged, nothing new");
    snap_free(after, na);

    /* One byte of a text field changed: the next run works again. */
    char *plan = tu_path(in, "ke_hoach_2024.csv");
    size_t len = 0;
    char *data = tu_read_file(plan, &len);
    assert_non_null(data);
    char *s = strstr(data, "ngân sách tỉnh");
    if (!s) fail_msg("%s: no \"ngân sách tỉnh\" to change", plan);
    s += strlen("ngân ");
    assert_int_equal(*s, 's');
    *s = 'S';
    assert_int_equal(tu_write_file(plan, data), 0);
    char hex[65];
    sha256_of(plan, hex);
    expect_status(f, prog(f, "run --config '%s'", f->ini), EXIT_OK);
    expect_not_says(f, "không đổi");
    expect_says(f, "đã ghi");
    na = snapshot(f->out, after, 16);
    if (na != nb) fail_msg("%d files before, %d after the input changed", nb, na);
    for (int i = 0; i < na; i++)
        if (!strcmp(after[i].name, BASE ".manifest.json") && after[i].ino == before[i].ino)
            fail_msg("the manifest was not rewritten after an input changed");
    manifest_items(manifest, "input", &items);
    strbuf line = STRBUF_INIT;
    strbuf_addf(&line, "\n%s\t%zu\t%s\n", plan, len, hex);
    if (!strstr(items.buf, line.buf)) fail_msg("the manifest should list the changed %s, sha256 %s:%s", plan, hex, items.buf);

    /* And with that manifest, unchanged again. */
    expect_status(f, prog(f, "run --config '%s'", f->ini), EXIT_OK);
    expect_says(f, "không đổi");
    snap_free(before, nb);
    snap_free(after, na);
    strbuf_release(&line);
    strbuf_release(&items);
    free(data);
    free(plan);
    free(manifest);
    free(in);
}

/* ---- corrections and overrides ------------------------------------------ */

/* One amount of the copied plan corrected: 405,53 becomes 405,54. */
static void correct_one_amount(const char *in)
{
    char *plan = tu_path(in, "ke_hoach_2024.csv");
    char *data = tu_read_file(plan, NULL);
    assert_non_null(data);
    char *s = strstr(data, "\"405,53\"");
    if (!s) fail_msg("%s: no amount \"405,53\" to correct", plan);
    s[6] = '4';
    assert_int_equal(tu_write_file(plan, data), 0);
    free(data);
    free(plan);
}

/* skip_unchanged, but an output was deleted since: everything is made again. */
static void test_skip_unchanged_output_deleted(void **state)
{
    fixture *f = *state;
    write_ini(f, NULL, NULL, NULL, "[job.nam]\nperiod = 2024\nskip_unchanged = yes\n");
    expect_status(f, prog(f, "run --config '%s'", f->ini), EXIT_OK);
    char *pdf = tu_path(f->out, BASE ".pdf");
    assert_int_equal(unlink(pdf), 0);
    expect_status(f, prog(f, "run --config '%s'", f->ini), EXIT_OK);
    if (strstr(f->log.buf, "không đổi")) fail_msg("skipped with its PDF gone; log:\n%s", f->log.buf);
    expect_file(f->out, BASE ".pdf");
    /* And now, with every output in place, the next run skips again. */
    expect_status(f, prog(f, "run --config '%s'", f->ini), EXIT_OK);
    expect_says(f, "không đổi");
    free(pdf);
}

/* The server down twice, the data corrected between: only the newer waits. */
static void test_newer_message_replaces_waiting(void **state)
{
    fixture *f = *state;
    strbuf mail = STRBUF_INIT, first = STRBUF_INIT, second = STRBUF_INIT;
    char *in = copy_inputs(f, "input");
    int port = smtp_harness_free_port();
    mail_section(&mail, port, 3);
    write_ini(f, in, NULL, mail.buf, JOB_MAIL);
    expect_status(f, prog(f, "run --config '%s'", f->ini), EXIT_DELIVERY);
    assert_int_equal(count_suffix(f->outbox, ".eml", &first), 1);

    correct_one_amount(in);
    expect_status(f, prog(f, "run --config '%s'", f->ini), EXIT_DELIVERY);
    if (count_suffix(f->outbox, ".eml", &second) != 1 || !strcmp(first.buf, second.buf))
        fail_msg("want only the corrected message waiting; was %s, now %s; log:\n%s", first.buf,
                 second.buf, f->log.buf);
    expect_says(f, "đã có báo cáo mới");

    server_back(f, port, in);
    expect_status(f, prog(f, "send-outbox --config '%s'", f->ini), EXIT_OK);
    if (received(f) != 1) fail_msg("send-outbox: %d messages, want 1; log:\n%s", received(f), f->log.buf);
    check_received_message(f, 1); /* the corrected outputs */
    free(in);
    strbuf_release(&mail);
    strbuf_release(&first);
    strbuf_release(&second);
}

/* The server down, the data corrected, the server back: the next run
 * sends the corrected reports only, not the stale message first. */
static void test_corrected_run_sends_only_new(void **state)
{
    fixture *f = *state;
    strbuf mail = STRBUF_INIT;
    char *in = copy_inputs(f, "input");
    int port = smtp_harness_free_port();
    mail_section(&mail, port, 3);
    write_ini(f, in, NULL, mail.buf, JOB_MAIL);
    expect_status(f, prog(f, "run --config '%s'", f->ini), EXIT_DELIVERY);
    correct_one_amount(in);
    server_back(f, port, in);
    expect_status(f, prog(f, "run --config '%s'", f->ini), EXIT_OK);
    if (received(f) != 1) fail_msg("want the corrected message only, got %d; log:\n%s", received(f), f->log.buf);
    check_received_message(f, 1);
    if (count_suffix(f->outbox, ".eml", NULL) != 0) fail_msg("a message is still waiting in %s", f->outbox);
    free(in);
    strbuf_release(&mail);
}

/* A dry run reviewed, the data corrected, the real run: one message, the right one. */
static void test_dry_run_then_corrected_inputs(void **state)
{
    fixture *f = *state;
    strbuf mail = STRBUF_INIT;
    char *in = copy_inputs(f, "input");
    server_start(f, 0);
    mail_section(&mail, f->srv.port, 30);
    write_ini(f, in, NULL, mail.buf, JOB_MAIL);
    expect_status(f, prog(f, "run --dry-run --config '%s'", f->ini), EXIT_OK);
    assert_int_equal(received(f), 0);

    correct_one_amount(in); /* the reviewer finds a wrong amount */

    expect_status(f, prog(f, "run --config '%s'", f->ini), EXIT_OK);
    if (received(f) != 1) fail_msg("want exactly one message, got %d; log:\n%s", received(f), f->log.buf);
    check_received_message(f, 1); /* the attachments are the current outputs */
    free(in);
    strbuf_release(&mail);
}

/* --year on a job with a period: the period moved to that year. */
static void test_year_flag_with_period(void **state)
{
    fixture *f = *state;
    /* The shipped inputs and the same plan and payments a year earlier:
     * 2023 must have plan rows (a year without any is a data error). */
    char *in = copy_inputs(f, "in-2023");
    if (tu_runf(NULL, "sed -e 's/^2024,2024,/2023,2023,/' -e 's/^2024,2023,/2023,2022,/' '%s/ke_hoach_2024.csv' > "
                "'%s/ke_hoach_2023.csv' && sed -e 's/^2024;2024;/2023;2023;/' -e 's/^2024;2023;/2023;2022;/' "
                "-e 's#/2024;#/2023;#' '%s/giai_ngan_2024.csv' > '%s/giai_ngan_2023.csv'", in, in, in, in) != 0)
        fail_msg("cannot write the 2023 inputs in %s", in);
    write_ini(f, in, NULL, NULL, "[job.quy3]\nperiod = 2024-Q3\n[job.giai-doan]\nperiod = 2021-2025\n");
    free(in);
    int rc = prog(f, "run --only quy3 --year 2023 --config '%s'", f->ini);
    strbuf words = STRBUF_INIT;
    expect_status(f, rc, EXIT_OK);
    expect_file(f->out, "bao-cao-1719-2023-Q3.pdf");
    expect_no_file(f->out, "bao-cao-1719-2023.pdf");
    char *pdf = tu_path(f->out, "bao-cao-1719-2023-Q3.pdf");
    pdf_words(pdf, &words);
    expect_pdf_says(pdf, &words, "quý III năm 2023");
    expect_pdf_says(pdf, &words, "ngày 30 tháng 9 năm 2023");
    if (strstr(words.buf, "năm 2024)") || strstr(words.buf, "tháng 9 năm 2024"))
        fail_msg("%s still speaks of 2024:\n%.2000s", pdf, words.buf);
    strbuf_release(&words);
    free(pdf);

    /* A phase cannot move: refused, nothing written. */
    expect_status(f, prog(f, "run --only giai-doan --year 2023 --config '%s'", f->ini), EXIT_CONFIG);
    expect_says(f, "--year");
}

/* ---- 7. the output folder's lock --------------------------------------- */

static void test_lock_busy_and_wait(void **state)
{
    fixture *f = *state;
    write_ini(f, NULL, NULL, NULL, "[job.nam]\nperiod = 2024\n");

    /* Held by "another run" (this test): exit 7 at once, nothing written. */
    int fd = open(f->out, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    assert_true(fd >= 0);
    assert_int_equal(flock(fd, LOCK_EX | LOCK_NB), 0);
    double t0 = now_s();
    int rc = prog(f, "run --config '%s'", f->ini);
    double took = now_s() - t0;
    close(fd);
    expect_status(f, rc, EXIT_BUSY);
    expect_says(f, "một lần chạy khác");
    expect_says(f, f->out);
    if (took > 10) fail_msg("a busy folder without --wait took %.1f s to report", took);
    expect_empty_dir(f->out);

    /* Held by a child for about a second: --wait 5 waits for it. */
    int pfd[2];
    assert_int_equal(pipe(pfd), 0);
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        int cfd = open(f->out, O_RDONLY | O_DIRECTORY);
        char ok = cfd >= 0 && flock(cfd, LOCK_EX) == 0 ? 'y' : 'n';
        if (write(pfd[1], &ok, 1) != 1) _exit(2);
        sleep_ms(1000);
        _exit(0); /* the kernel drops the lock */
    }
    close(pfd[1]);
    char ok = 0;
    assert_int_equal(read(pfd[0], &ok, 1), 1);
    close(pfd[0]);
    assert_int_equal(ok, 'y');
    t0 = now_s();
    rc = prog(f, "run --wait 5 --config '%s'", f->ini);
    took = now_s() - t0;
    int st = 0;
    waitpid(child, &st, 0);
    expect_status(f, rc, EXIT_OK);
    if (took < 0.5) fail_msg("--wait: the run took %.2f s, so it did not wait for the lock", took);
    expect_file(f->out, BASE ".pdf");
    expect_file(f->out, BASE ".xlsx");
    assert_int_equal(tu_dir_entries(f->out, 1, NULL), 0);
}

/* ---- 8. a run killed while writing ------------------------------------- */

/* dir/ke_hoach_lon.csv: rows plan rows over many communes (a wide writing stage). */
static void write_big_plan(const char *dir, int rows)
{
    static const char *const combos[][2] = {
        {"DA4.TDA1", "NSTW_DTPT"}, {"DA3.TDA1", "NSTW_SN"}, {"DA1", "NSTW_SN"}, {"DA1", "NSDP_SN"},
        {"DA8", "NSTW_SN"},        {"DA4.TDA1", "NSDP_DTPT"}, {"DA3.TDA2", "NSTW_SN"},
        {"DA6", "NSTW_SN"},        {"DA7", "NSTW_SN"},       {"DA9.TDA2", "NSTW_SN"}};
    char *p = tu_path(dir, "ke_hoach_lon.csv");
    FILE *fp = fopen(p, "wb");
    if (!fp) fail_msg("cannot write %s", p);
    fputs("nam,nam_von,ma_tinh,ten_tinh,ma_huyen,ten_huyen,ma_xa,ten_xa,ma_du_an,nguon_von,ke_hoach,noi_dung\n", fp);
    for (int i = 0; i < rows; i++) {
        int commune = i / 50, district = commune / 50, k = i % 10;
        fprintf(fp, "2024,2024,99,Hòa Sơn,%d,Huyện số %d,%d,Xã số %d,%s,%s,\"%d,%d\",Nội dung %d\n",
                900 + district, district, 90000 + commune, commune, combos[k][0], combos[k][1],
                i % 997 + 1, i % 10, i % 50);
    }
    if (fclose(fp) != 0) fail_msg("cannot write %s", p);
    free(p);
}

static void test_killed_while_writing(void **state)
{
    fixture *f = *state;
    write_ini(f, NULL, NULL, NULL, "[job.nam]\nperiod = 2024\n");
    expect_status(f, prog(f, "run --config '%s'", f->ini), EXIT_OK);
    snap a[16], b[16];
    int na = snapshot(f->out, a, 16);
    assert_true(na >= 4);

    char *big = tu_path(f->dir, "lon");
    assert_int_equal(mkdir(big, 0700), 0);
    write_big_plan(big, 50000);
    char *log = tu_path(f->dir, "killed.log");
    const char *argv[] = {SAN_BIN, "run", "--config", f->ini, "--input", big, NULL};
    double t0 = now_s();
    pid_t pid = smtp_harness_spawn((char *const *)argv, log);
    assert_true(pid > 0);
    int seen = 0, st = 0, ended = 0;
    while (!seen && now_s() - t0 < 60) {
        if (has_temp(f->out)) {
            kill(pid, SIGKILL);
            seen = 1;
            break;
        }
        if (waitpid(pid, &st, WNOHANG) == pid) {
            ended = 1;
            break;
        }
        sleep_ms(1);
    }
    if (!seen && !ended) kill(pid, SIGKILL);
    if (!ended) waitpid(pid, &st, 0); /* reaped: its pid no longer runs */
    if (!seen) {
        char *text = tu_read_file(log, NULL);
        fail_msg("no temporary output appeared before the run ended (status %d); log:\n%s",
                 WIFEXITED(st) ? WEXITSTATUS(st) : -1, text ? text : "");
    }
    if (!WIFSIGNALED(st)) fail_msg("the run was not killed in time (exit %d)", WEXITSTATUS(st));

    /* The visible outputs are the first run's, byte for byte. */
    int nb = snapshot(f->out, b, 16);
    expect_same_files(a, na, b, nb, 0, "a run killed while writing");
    snap_free(b, nb);
    strbuf names = STRBUF_INIT;
    if (tu_dir_entries(f->out, 1, &names) < 1) fail_msg("the killed run left no temporary file to clean");

    /* The next run cleans up after it and succeeds. */
    expect_status(f, prog(f, "run --config '%s'", f->ini), EXIT_OK);
    expect_says(f, "đã xóa");
    expect_says(f, "tệp tạm");
    strbuf_reset(&names);
    if (tu_dir_entries(f->out, 1, &names) != 0) fail_msg("temporary files left:%s", names.buf);
    nb = snapshot(f->out, b, 16);
    if (nb != na) fail_msg("%d visible files after the clean run, want %d", nb, na);
    snap_free(a, na);
    snap_free(b, nb);
    strbuf_release(&names);
    free(log);
    free(big);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_mail_end_to_end, setup, teardown),
        cmocka_unit_test_setup_teardown(test_check_report_to_preparer_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_server_down_then_send_outbox, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mail_library_missing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dry_run, setup, teardown),
        cmocka_unit_test_setup_teardown(test_periods, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list_only_check, setup, teardown),
        cmocka_unit_test_setup_teardown(test_manifest_and_skip_unchanged, setup, teardown),
        cmocka_unit_test_setup_teardown(test_skip_unchanged_output_deleted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_newer_message_replaces_waiting, setup, teardown),
        cmocka_unit_test_setup_teardown(test_corrected_run_sends_only_new, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dry_run_then_corrected_inputs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_year_flag_with_period, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lock_busy_and_wait, setup, teardown),
        cmocka_unit_test_setup_teardown(test_killed_while_writing, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
