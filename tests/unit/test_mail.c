/*
 * Mail delivery (src/deliver/mime, smtp, outbox) against a real SMTP server
 * on loopback: tests/support/smtp_server.py, run with /usr/bin/python3
 * (the Python that has aiosmtpd), stores each message it accepts, bytes
 * and envelope, and the same script decodes a stored message with
 * Python's email package, a reader independent of ours. Every test that
 * sends checks what the server received, not just our return code.
 *
 * Run from the repository root. Each test starts its own server on a free
 * port and kills it in teardown.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "deliver/mime.h"
#include "deliver/outbox.h"
#include "deliver/smtp.h"
#include "smtp_harness.h"
#include "testutil.h"
#include "util/text.h"

#define PY SMTP_HARNESS_PYTHON
#define SERVER_PY SMTP_HARNESS_SCRIPT

static const char SUBJECT[] = "Báo cáo kết quả thực hiện Chương trình 1719 năm 2024 - Hòa Sơn";
static const char BODY[] = "Kính gửi lãnh đạo UBND xã Hòa Sơn,\n\n"
                           "Ban Dân tộc xin gửi báo cáo kết quả thực hiện Chương trình 1719.\n"
                           ".\nDòng trên chỉ có một dấu chấm.\n";
/* BODY as the decoder prints it (JSON). */
static const char BODY_JSON[] = "\"Kính gửi lãnh đạo UBND xã Hòa Sơn,\\n\\n"
                                "Ban Dân tộc xin gửi báo cáo kết quả thực hiện Chương trình 1719.\\n"
                                ".\\nDòng trên chỉ có một dấu chấm.\\n\"";
static const char FROM[] = "Ban Dân tộc <bdt@example.vn>";
static const char *const TO[] = {"Lãnh đạo UBND xã Hòa Sơn <lanhdao@hoason.example.vn>",
                                 "vanthu@hoason.example.vn"};
static const char *const CC[] = {"\"Phòng Tổng hợp, UBND\" <tonghop@example.vn>"};
/* The envelope of that message, as the server records it. */
static const char *const RCPT[] = {"lanhdao@hoason.example.vn", "vanthu@hoason.example.vn",
                                   "tonghop@example.vn"};
#define ENVELOPE "from bdt@example.vn\nto lanhdao@hoason.example.vn\n" \
                 "to vanthu@hoason.example.vn\nto tonghop@example.vn\n"
/* 2024-12-31 17:00:00 UTC: already New Year in Vietnam. */
#define DATE 1735664400LL
#define DATE_TEXT "Wed, 01 Jan 2025 00:00:00 +0700"
#define MSGID "<bao-cao-1719-2024.5f2c@mtqg.example.vn>"
#define PDF_NAME "Báo cáo 1719 năm 2024 - Ủy ban nhân dân xã Hòa Sơn.pdf"
#define XLSX_NAME "bao-cao-1719-2024.xlsx"
#define XLSX_TYPE "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

typedef struct fixture {
    char *dir;     /* scratch: attachments, certificates, logs */
    char *recv;    /* where the server stores what it receives */
    char *outbox;  /* dir/outbox (not created here) */
    char *pdf, *xlsx;
    smtp_harness srv;
    strbuf msg, err, out;
} fixture;

/* ---- helpers: files ---------------------------------------------------- */

/* path filled with n pseudo-random bytes (xorshift from seed). */
static void write_random(const char *path, size_t n, uint64_t seed)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    for (size_t i = 0; i < n; i++) {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        fputc((int)(seed >> 24) & 0xff, f);
    }
    assert_int_equal(fclose(f), 0);
}

/* sha256sum's digest of path (an independent tool). */
static void sha256_of(const char *path, char hex[65])
{
    strbuf out = STRBUF_INIT;
    assert_int_equal(tu_runf(&out, "sha256sum '%s'", path), 0);
    assert_true(out.len >= 64);
    memcpy(hex, out.buf, 64);
    hex[64] = '\0';
    strbuf_release(&out);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- helpers: the server ----------------------------------------------- */

/*
 * Start smtp_server.py serve with the extra options (NULL-terminated) on
 * port (0: any free one), retrying on other ports if it cannot listen.
 */
static void server_start(fixture *f, int port, const char *const *extra)
{
    char *log = tu_path(f->dir, "server.log");
    if (smtp_harness_start(&f->srv, port, f->recv, log, extra) < 0) {
        char *text = tu_read_file(log, NULL);
        fail_msg("the test SMTP server did not start; its log:\n%s", text ? text : "(none)");
    }
    free(log);
}

/* How many messages the server has stored. */
static int received(fixture *f)
{
    int n = 0;
    for (int i = 1; i < 1000; i++) {
        char name[32];
        snprintf(name, sizeof name, "msg-%04d.eml", i);
        char *p = tu_path(f->recv, name);
        int there = access(p, F_OK) == 0;
        free(p);
        if (!there) break;
        n++;
    }
    return n;
}

/* Path of the i-th stored message (ext ".eml" or ".env"); caller frees. */
static char *stored(fixture *f, int i, const char *ext)
{
    char name[32];
    snprintf(name, sizeof name, "msg-%04d%s", i, ext);
    return tu_path(f->recv, name);
}

/* The i-th stored message is exactly msg[0..len). */
static void expect_stored_bytes(fixture *f, int i, const char *msg, size_t len)
{
    char *p = stored(f, i, ".eml");
    size_t n = 0;
    char *got = tu_read_file(p, &n);
    if (!got) fail_msg("%s: not stored", p);
    if (n != len || memcmp(got, msg, len) != 0)
        fail_msg("%s: %zu bytes differ from the %zu bytes sent", p, n, len);
    free(got);
    free(p);
}

/* The i-th stored envelope is exactly want. */
static void expect_envelope(fixture *f, int i, const char *want)
{
    char *p = stored(f, i, ".env");
    char *got = tu_read_file(p, NULL);
    if (!got) fail_msg("%s: not stored", p);
    assert_string_equal(got, want);
    free(got);
    free(p);
}

/* ---- helpers: messages ------------------------------------------------- */

static mime_message report_message(const fixture *f, mime_attachment att[2])
{
    att[0] = (mime_attachment){f->pdf, PDF_NAME, NULL};
    att[1] = (mime_attachment){f->xlsx, NULL, NULL};
    return (mime_message){.from = FROM, .to = TO, .nto = 2, .cc = CC, .ncc = 1,
                          .subject = SUBJECT, .body = BODY, .att = att, .natt = 2,
                          .date = DATE, .message_id = MSGID};
}

/* Build the report message into f->msg (reset first). */
static void build_report(fixture *f)
{
    mime_attachment att[2];
    mime_message m = report_message(f, att);
    strbuf_reset(&f->msg);
    if (mime_build(&m, &f->msg, &f->err) != 0) fail_msg("mime_build: %s", f->err.buf);
}

static smtp_server plain_server(const fixture *f)
{
    return (smtp_server){.url = f->srv.url, .timeout_s = 5};
}

static int send_report(fixture *f, const smtp_server *s)
{
    strbuf_reset(&f->err);
    return smtp_send(s, "bdt@example.vn", RCPT, 3, f->msg.buf, f->msg.len, &f->err);
}

static void expect_err_has(fixture *f, const char *text)
{
    if (!strstr(f->err.buf, text)) fail_msg("the error should mention \"%s\": %s", text, f->err.buf);
}

static void expect_err_lacks(fixture *f, const char *text)
{
    if (strstr(f->err.buf, text)) fail_msg("the error must not contain \"%s\": %s", text, f->err.buf);
}

/* Decode a stored or built message with Python's email package. */
static void decode(const char *path, strbuf *out)
{
    strbuf_reset(out);
    int rc = tu_runf(out, PY " " SERVER_PY " decode '%s' 2>&1", path);
    if (rc != 0) fail_msg("decoding %s failed:\n%s", path, out->buf);
}

/* ---- fixture ----------------------------------------------------------- */

static int setup(void **state)
{
    fixture *f = xcalloc(1, sizeof *f);
    f->dir = tu_tmpdir("mail");
    if (!f->dir || access(SERVER_PY, R_OK) != 0 || access(PY, X_OK) != 0) {
        fprintf(stderr, "test_mail: run from the repository root; needs " PY " with aiosmtpd\n");
        return -1;
    }
    f->recv = tu_path(f->dir, "received");
    f->outbox = tu_path(f->dir, "outbox");
    f->pdf = tu_path(f->dir, "bao-cao.pdf");
    f->xlsx = tu_path(f->dir, XLSX_NAME);
    f->msg = f->err = f->out = (strbuf)STRBUF_INIT;
    mkdir(f->recv, 0700);
    write_random(f->pdf, 150001, 0x1719);
    write_random(f->xlsx, 70000, 2024);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    smtp_harness_stop(&f->srv);
    tu_rmtree(f->dir);
    free(f->dir);
    free(f->recv);
    free(f->outbox);
    free(f->pdf);
    free(f->xlsx);
    strbuf_release(&f->msg);
    strbuf_release(&f->err);
    strbuf_release(&f->out);
    free(f);
    return 0;
}

/* ---- sending the report ------------------------------------------------ */

static void test_send_vietnamese_report(void **state)
{
    fixture *f = *state;
    char pdf_sha[65], xlsx_sha[65];
    sha256_of(f->pdf, pdf_sha);
    sha256_of(f->xlsx, xlsx_sha);
    server_start(f, 0, NULL);
    build_report(f);
    smtp_server s = plain_server(f);
    if (send_report(f, &s) != 0) fail_msg("smtp_send: %s", f->err.buf);

    assert_int_equal(received(f), 1);
    expect_stored_bytes(f, 1, f->msg.buf, f->msg.len);
    expect_envelope(f, 1, ENVELOPE "auth -\ntls no\n");
    char *eml = stored(f, 1, ".eml");
    decode(eml, &f->out);
    strbuf want = STRBUF_INIT;
    strbuf_addf(&want,
                "subject: %s\n"
                "from: Ban Dân tộc|bdt@example.vn\n"
                "to: Lãnh đạo UBND xã Hòa Sơn|lanhdao@hoason.example.vn\n"
                "to: |vanthu@hoason.example.vn\n"
                "cc: Phòng Tổng hợp, UBND|tonghop@example.vn\n"
                "date: " DATE_TEXT "\n"
                "message-id: " MSGID "\n"
                "defects: 0\n"
                "parts: text/plain,application/pdf," XLSX_TYPE "\n"
                "body: %s\n"
                "attachment: " PDF_NAME "\tapplication/pdf\t%s\n"
                "attachment: " XLSX_NAME "\t" XLSX_TYPE "\t%s\n",
                SUBJECT, BODY_JSON, pdf_sha, xlsx_sha);
    assert_string_equal(f->out.buf, want.buf);
    strbuf_release(&want);
    free(eml);
}

/* ---- AUTH -------------------------------------------------------------- */

static void test_auth(void **state)
{
    fixture *f = *state;
    static const char *const opts[] = {"--user", "mtqg", "--password", "s3cret-Pass-42", NULL};
    server_start(f, 0, opts);
    build_report(f);
    smtp_server s = {.url = f->srv.url, .timeout_s = 5, .user = "mtqg", .password = "s3cret-Pass-42"};
    if (send_report(f, &s) != 0) fail_msg("smtp_send with the right password: %s", f->err.buf);
    assert_int_equal(received(f), 1);
    expect_stored_bytes(f, 1, f->msg.buf, f->msg.len);
    expect_envelope(f, 1, ENVELOPE "auth mtqg\ntls no\n");

    s.password = "wrong-Pass-99";
    assert_int_equal(send_report(f, &s), -1);
    expect_err_has(f, f->srv.url);
    expect_err_has(f, "bị từ chối");
    expect_err_has(f, "535");
    expect_err_lacks(f, "wrong-Pass-99");

    /* Credentials in the URL too: neither the URL's nor the option's shows. */
    char url[128];
    snprintf(url, sizeof url, "smtp://mtqg:wrong-Pass-99@127.0.0.1:%d", f->srv.port);
    s.url = url;
    assert_int_equal(send_report(f, &s), -1);
    expect_err_has(f, f->srv.url);
    expect_err_lacks(f, "wrong-Pass-99");
    expect_err_lacks(f, "mtqg:");

    s = plain_server(f); /* no AUTH at all: 530 */
    assert_int_equal(send_report(f, &s), -1);
    expect_err_has(f, "máy chủ đòi đăng nhập hoặc STARTTLS");
    expect_err_has(f, "530");
    assert_int_equal(received(f), 1);
}

/* ---- STARTTLS ---------------------------------------------------------- */

static void test_starttls(void **state)
{
    fixture *f = *state;
    char *cert = tu_path(f->dir, "cert.pem"), *key = tu_path(f->dir, "key.pem");
    assert_int_equal(tu_runf(NULL, "openssl req -x509 -newkey rsa:2048 -nodes -days 1 "
                                   "-subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 "
                                   "-keyout '%s' -out '%s' 2>/dev/null", key, cert), 0);
    const char *const opts[] = {"--tls-cert", cert, "--tls-key", key, NULL};
    server_start(f, 0, opts);
    build_report(f);
    smtp_server s = {.url = f->srv.url, .timeout_s = 5, .starttls = 1, .ca_file = cert};
    if (send_report(f, &s) != 0) fail_msg("smtp_send over STARTTLS: %s", f->err.buf);
    assert_int_equal(received(f), 1);
    expect_stored_bytes(f, 1, f->msg.buf, f->msg.len);
    expect_envelope(f, 1, ENVELOPE "auth -\ntls yes\n");

    s.ca_file = NULL; /* the system's CAs do not know the test certificate */
    assert_int_equal(send_report(f, &s), -1);
    expect_err_has(f, "chứng chỉ");
    s.starttls = 0; /* the server requires STARTTLS: 530 */
    assert_int_equal(send_report(f, &s), -1);
    expect_err_has(f, "máy chủ đòi đăng nhập hoặc STARTTLS");
    expect_err_has(f, "530");
    assert_int_equal(received(f), 1);
    free(cert);
    free(key);
}

/* ---- failures and the outbox ------------------------------------------- */

typedef struct retry {
    fixture *f;
    const smtp_server *s;
    int calls, sent;
} retry;

/* outbox_each_pending callback: load, send, mark sent. */
static int retry_one(void *ctx, const char *key, const char *eml_path)
{
    retry *r = ctx;
    strbuf msg = STRBUF_INIT, from = STRBUF_INIT;
    char **rcpt;
    int n, rc;
    r->calls++;
    if (outbox_load(r->f->outbox, key, &msg, &rcpt, &n, &from, &r->f->err) != 0) return -1;
    rc = smtp_send(r->s, from.buf, (const char *const *)rcpt, n, msg.buf, msg.len, &r->f->err);
    if (rc == 0) rc = outbox_mark_sent(r->f->outbox, key, &r->f->err);
    if (rc == 0) r->sent++;
    outbox_free_rcpt(rcpt, n);
    strbuf_release(&msg);
    strbuf_release(&from);
    return rc;
}

static int list_key(void *ctx, const char *key, const char *eml_path)
{
    strbuf *names = ctx;
    strbuf_addf(names, "%s %s;", key, eml_path);
    return 0;
}

static void test_server_down_then_retry(void **state)
{
    fixture *f = *state;
    const char *key = "bao-cao-1719-2024.5f2c9e";
    int port = smtp_harness_free_port(); /* nothing listens there */
    char url[64];
    snprintf(url, sizeof url, "smtp://127.0.0.1:%d", port);
    smtp_server down = {.url = url, .timeout_s = 3};
    build_report(f);
    double t0 = now_s();
    assert_int_equal(send_report(f, &down), -1);
    assert_true(now_s() - t0 < 3.5);
    expect_err_has(f, url);
    expect_err_has(f, "không kết nối được");

    assert_int_equal(outbox_store(f->outbox, key, 0, "bdt@example.vn", RCPT, 3, f->msg.buf,
                                  f->msg.len, &f->err), 0);
    assert_int_equal(outbox_already_sent(f->outbox, key), 0);
    strbuf names = STRBUF_INIT, want = STRBUF_INIT;
    assert_int_equal(outbox_each_pending(f->outbox, list_key, &names, &f->err), 0);
    strbuf_addf(&want, "%s %s/%s.eml;", key, f->outbox, key);
    assert_string_equal(names.buf, want.buf);
    assert_int_equal(tu_dir_entries(f->outbox, 1, NULL), 0); /* no temporaries */

    server_start(f, port, NULL); /* the next run: the server is back */
    smtp_server up = plain_server(f);
    retry r = {f, &up, 0, 0};
    if (outbox_each_pending(f->outbox, retry_one, &r, &f->err) != 0) fail_msg("retry: %s", f->err.buf);
    assert_int_equal(r.sent, 1);
    assert_int_equal(received(f), 1);
    expect_stored_bytes(f, 1, f->msg.buf, f->msg.len);
    expect_envelope(f, 1, ENVELOPE "auth -\ntls no\n");
    assert_int_equal(outbox_already_sent(f->outbox, key), 1);
    strbuf_reset(&names);
    assert_int_equal(tu_dir_entries(f->outbox, 0, &names), 1); /* only sent/ */
    assert_string_equal(names.buf, " sent");

    retry again = {f, &up, 0, 0}; /* a third run: nothing left to send */
    assert_int_equal(outbox_each_pending(f->outbox, retry_one, &again, &f->err), 0);
    assert_int_equal(again.calls, 0);
    assert_int_equal(received(f), 1);
    strbuf_release(&names);
    strbuf_release(&want);
}

/* A stored message whose sent record exists (a crash after sending) is not offered again. */
static void test_pending_skips_sent(void **state)
{
    fixture *f = *state;
    server_start(f, 0, NULL);
    build_report(f);
    assert_int_equal(outbox_store(f->outbox, "a.1", 0, "bdt@example.vn", RCPT, 3, f->msg.buf,
                                  f->msg.len, &f->err), 0);
    assert_int_equal(outbox_store(f->outbox, "b.2", 0, "bdt@example.vn", RCPT, 1, f->msg.buf,
                                  f->msg.len, &f->err), 0);
    char *sent = tu_path(f->outbox, "sent/a.1");
    assert_int_equal(tu_write_file(sent, "sent 0\n"), 0);
    smtp_server s = plain_server(f);
    retry r = {f, &s, 0, 0};
    if (outbox_each_pending(f->outbox, retry_one, &r, &f->err) != 0) fail_msg("retry: %s", f->err.buf);
    assert_int_equal(r.calls, 1);
    assert_int_equal(received(f), 1);
    expect_envelope(f, 1, "from bdt@example.vn\nto lanhdao@hoason.example.vn\nauth -\ntls no\n");
    strbuf names = STRBUF_INIT;
    assert_int_equal(tu_dir_entries(f->outbox, 0, &names), 1);
    strbuf_release(&names);
    free(sent);
}

/* A server that accepts the connection and then says nothing. */
static void test_silent_server_times_out(void **state)
{
    fixture *f = *state;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(fd >= 0);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(fd, 4), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    char url[64];
    snprintf(url, sizeof url, "smtp://127.0.0.1:%d", ntohs(a.sin_port));
    smtp_server s = {.url = url, .timeout_s = 1};
    build_report(f);
    double t0 = now_s();
    assert_int_equal(send_report(f, &s), -1);
    double dt = now_s() - t0;
    close(fd);
    if (dt < 0.9 || dt > 3) fail_msg("gave up after %.2f s, want about 1 s", dt);
    expect_err_has(f, url);
    expect_err_has(f, "quá thời gian chờ");
}

static void test_server_refuses(void **state)
{
    fixture *f = *state;
    static const char *const opts[] = {"--refuse", NULL};
    server_start(f, 0, opts);
    build_report(f);
    smtp_server s = plain_server(f);
    assert_int_equal(send_report(f, &s), -1);
    expect_err_has(f, f->srv.url);
    expect_err_has(f, "máy chủ từ chối thư");
    expect_err_has(f, "550");
    assert_int_equal(received(f), 0);
}

/* ---- size limits ------------------------------------------------------- */

static void test_size_limit(void **state)
{
    fixture *f = *state;
    mime_attachment att[2];
    mime_message m = report_message(f, att);
    build_report(f);
    size_t full = f->msg.len;

    strbuf_reset(&f->out);
    strbuf_adds(&f->out, "x");
    m.max_bytes = 200000; /* passed by the PDF already */
    assert_int_equal(mime_build(&m, &f->out, &f->err), -1);
    assert_string_equal(f->out.buf, "x"); /* out left as it was */
    expect_err_has(f, "thư vượt giới hạn 0,19 MB: cần ");
    expect_err_has(f, "bao-cao.pdf");

    strbuf_reset(&f->err);
    m.max_bytes = full - 1; /* passed only by the finished message */
    assert_int_equal(mime_build(&m, &f->out, &f->err), -1);
    assert_string_equal(f->out.buf, "x");
    strbuf exact = STRBUF_INIT; /* both round to the same MB: the bytes are shown */
    strbuf_addf(&exact, "(%zu byte, giới hạn %zu byte) sau khi mã hóa", full, full - 1);
    expect_err_has(f, exact.buf);
    strbuf_release(&exact);
    m.max_bytes = full;
    assert_int_equal(mime_build(&m, &f->out, &f->err), 0);
    assert_int_equal(f->out.len, 1 + full);
    assert_memory_equal(f->out.buf + 1, f->msg.buf, full);

    /* The server's own limit (SIZE): refused, nothing stored. */
    static const char *const opts[] = {"--size", "100000", NULL};
    server_start(f, 0, opts);
    smtp_server s = plain_server(f);
    assert_int_equal(send_report(f, &s), -1);
    expect_err_has(f, f->srv.url);
    expect_err_has(f, "thư lớn hơn giới hạn của máy chủ");
    expect_err_has(f, "552");
    assert_int_equal(received(f), 0);
}

/* ---- the message itself ------------------------------------------------ */

static int b64_value(char c)
{
    static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const char *p = c ? strchr(a, c) : NULL;
    return p ? (int)(p - a) : -1;
}

/* Decode base64 s[0..n) (with padding) into out; -1 if malformed. */
static int b64_decode(const char *s, size_t n, strbuf *out)
{
    if (n % 4) return -1;
    for (size_t i = 0; i < n; i += 4) {
        int v[4];
        for (int k = 0; k < 4; k++) v[k] = s[i + k] == '=' ? 0 : b64_value(s[i + k]);
        if (v[0] < 0 || v[1] < 0 || v[2] < 0 || v[3] < 0) return -1;
        unsigned long x = (unsigned long)v[0] << 18 | (unsigned long)v[1] << 12 | (unsigned long)v[2] << 6 | (unsigned long)v[3];
        strbuf_addch(out, (char)(x >> 16));
        if (s[i + 2] != '=') strbuf_addch(out, (char)(x >> 8 & 0xff));
        if (s[i + 3] != '=') strbuf_addch(out, (char)(x & 0xff));
    }
    return 0;
}

/* The value of header name in msg, unfolded (CRLF SP -> SP); caller frees. */
static char *header_value(const char *msg, const char *name)
{
    strbuf key = STRBUF_INIT, v = STRBUF_INIT;
    strbuf_addf(&key, "\r\n%s:", name);
    const char *p = strstr(msg, key.buf);
    if (!p && !strncmp(msg, key.buf + 2, key.len - 2)) p = msg - 2;
    if (!p) fail_msg("no %s header", name);
    for (p += key.len; *p && !(p[0] == '\r' && p[1] == '\n' && p[2] != ' '); p++)
        if (*p != '\r' && *p != '\n') strbuf_addch(&v, *p);
    strbuf_release(&key);
    return strbuf_detach(&v, NULL);
}

/* Every encoded-word in value: at most 75 characters, whole UTF-8 characters; their text joined. */
static void check_encoded_words(const char *value, strbuf *text)
{
    const char *p = value;
    strbuf raw = STRBUF_INIT;
    while ((p = strstr(p, "=?UTF-8?B?"))) {
        const char *end = strstr(p + 10, "?=");
        assert_non_null(end);
        size_t wlen = (size_t)(end + 2 - p);
        if (wlen > 75) fail_msg("encoded-word of %zu characters: %.*s", wlen, (int)wlen, p);
        strbuf_reset(&raw);
        assert_int_equal(b64_decode(p + 10, (size_t)(end - p - 10), &raw), 0);
        if (!text_valid_utf8(raw.buf, raw.len)) fail_msg("encoded-word splits a character: %.*s", (int)wlen, p);
        strbuf_add(text, raw.buf, raw.len);
        p = end + 2;
    }
    strbuf_release(&raw);
}

/* CRLF everywhere, lines of at most 76 characters, 7-bit clean. */
static void check_lines(const strbuf *msg)
{
    size_t col = 0, line = 1;
    for (size_t i = 0; i < msg->len; i++) {
        unsigned char c = (unsigned char)msg->buf[i];
        if (c == '\r') {
            if (i + 1 >= msg->len || msg->buf[i + 1] != '\n') fail_msg("line %zu: bare CR", line);
            i++;
            line++;
            col = 0;
            continue;
        }
        if (c == '\n') fail_msg("line %zu: bare LF", line);
        if (c == 0 || c > 0x7e) fail_msg("line %zu: byte 0x%02x", line, c);
        if (++col > 76) fail_msg("line %zu longer than 76 characters", line);
    }
    assert_true(msg->len >= 2 && !memcmp(msg->buf + msg->len - 2, "\r\n", 2));
}

static void test_mime_deterministic(void **state)
{
    fixture *f = *state;
    build_report(f);
    strbuf again = STRBUF_INIT;
    mime_attachment att[2];
    mime_message m = report_message(f, att);
    assert_int_equal(mime_build(&m, &again, &f->err), 0);
    assert_int_equal(again.len, f->msg.len);
    assert_memory_equal(again.buf, f->msg.buf, again.len);
    check_lines(&f->msg);

    char *date = header_value(f->msg.buf, "Date");
    assert_string_equal(date, " " DATE_TEXT);
    char *mv = header_value(f->msg.buf, "MIME-Version");
    assert_string_equal(mv, " 1.0");
    char *subj = header_value(f->msg.buf, "Subject");
    strbuf text = STRBUF_INIT;
    check_encoded_words(subj, &text);
    assert_string_equal(text.buf, SUBJECT);
    free(date);
    free(mv);
    free(subj);
    strbuf_release(&again);
    strbuf_release(&text);
}

/* A long subject of 2-, 3- and 4-byte characters splits between characters. */
static void test_subject_encoded_words(void **state)
{
    fixture *f = *state;
    strbuf s = STRBUF_INIT, text = STRBUF_INIT, path = STRBUF_INIT;
    for (int i = 0; i < 6; i++) strbuf_adds(&s, "📊 Tổng hợp giải ngân Đắk Lắk ");
    strbuf_adds(&s, SUBJECT);
    mime_message m = {.from = "bdt@example.vn", .to = TO, .nto = 1, .subject = s.buf,
                      .body = "", .date = 0, .message_id = "<a@b>"};
    assert_int_equal(mime_build(&m, &f->msg, &f->err), 0);
    check_lines(&f->msg);
    char *subj = header_value(f->msg.buf, "Subject");
    check_encoded_words(subj, &text);
    assert_string_equal(text.buf, s.buf);
    assert_true(tu_count(subj, "=?UTF-8?B?") > 5);

    strbuf_addf(&path, "%s/long.eml", f->dir);
    assert_int_equal(tu_write_file(path.buf, f->msg.buf), 0);
    decode(path.buf, &f->out);
    strbuf want = STRBUF_INIT;
    strbuf_addf(&want, "subject: %s\n", s.buf);
    assert_true(!strncmp(f->out.buf, want.buf, want.len));
    assert_non_null(strstr(f->out.buf, "date: Thu, 01 Jan 1970 07:00:00 +0700\n"));
    assert_non_null(strstr(f->out.buf, "defects: 0\n"));

    /* A plain ASCII subject stays as it is. */
    strbuf_reset(&f->msg);
    m.subject = "Bao cao 1719 nam 2024";
    assert_int_equal(mime_build(&m, &f->msg, &f->err), 0);
    assert_non_null(strstr(f->msg.buf, "\r\nSubject: Bao cao 1719 nam 2024\r\n"));
    free(subj);
    strbuf_release(&s);
    strbuf_release(&text);
    strbuf_release(&path);
    strbuf_release(&want);
}

/* The boundary occurs only where it delimits, even when content imitates it. */
static void test_boundary_not_in_content(void **state)
{
    fixture *f = *state;
    mime_attachment att[2];
    mime_message m = report_message(f, att);
    att[1].filename = "=_mtqg_0123456789abcdef --=_mtqg_.xlsx";
    m.body = "--=_mtqg_0123456789abcdef\n--=_mtqg_";
    m.subject = "=_mtqg_ boundary look-alike";
    assert_int_equal(mime_build(&m, &f->msg, &f->err), 0);
    char *ct = header_value(f->msg.buf, "Content-Type");
    const char *b = strstr(ct, "boundary=\"");
    assert_non_null(b);
    b += 10;
    strbuf bd = STRBUF_INIT, delim = STRBUF_INIT;
    strbuf_add(&bd, b, strcspn(b, "\""));
    assert_int_equal(bd.len, 23);
    /* Header, text part, two attachments, closing delimiter. */
    assert_int_equal(tu_count(f->msg.buf, bd.buf), 5);
    strbuf_addf(&delim, "\r\n--%s\r\n", bd.buf);
    assert_int_equal(tu_count(f->msg.buf, delim.buf), 3);
    strbuf_reset(&delim);
    strbuf_addf(&delim, "\r\n--%s--\r\n", bd.buf);
    assert_int_equal(tu_count(f->msg.buf, delim.buf), 1);
    char *path = tu_path(f->dir, "lookalike.eml");
    assert_int_equal(tu_write_file(path, f->msg.buf), 0);
    decode(path, &f->out);
    assert_non_null(strstr(f->out.buf, "defects: 0\n"));
    assert_non_null(strstr(f->out.buf, "body: \"--=_mtqg_0123456789abcdef\\n--=_mtqg_\"\n"));
    assert_non_null(strstr(f->out.buf, "attachment: =_mtqg_0123456789abcdef --=_mtqg_.xlsx\t"));
    free(ct);
    free(path);
    strbuf_release(&bd);
    strbuf_release(&delim);
}

static void expect_build_fails(fixture *f, const mime_message *m, const char *says)
{
    strbuf_reset(&f->out);
    strbuf_reset(&f->err);
    strbuf_adds(&f->out, "giữ nguyên");
    assert_int_equal(mime_build(m, &f->out, &f->err), -1);
    assert_string_equal(f->out.buf, "giữ nguyên");
    expect_err_has(f, says);
}

static void test_mime_rejects_bad_input(void **state)
{
    fixture *f = *state;
    mime_attachment att[2];
    mime_message m = report_message(f, att);
    m.subject = "Báo cáo\r\nBcc: ke-la@example.com";
    expect_build_fails(f, &m, "tiêu đề thư không hợp lệ");
    m = report_message(f, att);
    m.from = "Ban Dân tộc <không phải địa chỉ>";
    expect_build_fails(f, &m, "địa chỉ thư không hợp lệ");
    m = report_message(f, att);
    m.nto = 0;
    expect_build_fails(f, &m, "chưa có người nhận");
    m = report_message(f, att);
    m.message_id = "khong-co-ngoac";
    expect_build_fails(f, &m, "Message-ID");
    m = report_message(f, att);
    m.body = "\xff\xfe";
    expect_build_fails(f, &m, "UTF-8");
    m = report_message(f, att);
    char *missing = tu_path(f->dir, "khong-co.pdf");
    att[0].path = missing;
    expect_build_fails(f, &m, missing);
    free(missing);
}

/* ---- outbox keys and the password -------------------------------------- */

static void test_bad_keys_refused(void **state)
{
    fixture *f = *state;
    static const char *const bad[] = {"a/b", "..", "../x", "x/../y", "a..b", ".an", "", "a b",
                                      "bao-cáo", "k\n"};
    strbuf msg = STRBUF_INIT, from = STRBUF_INIT;
    char **rcpt;
    int n;
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        strbuf_reset(&f->err);
        assert_int_equal(outbox_store(f->outbox, bad[i], 0, "a@b.vn", RCPT, 1, "x", 1, &f->err), -1);
        expect_err_has(f, "khóa thư");
        assert_int_equal(outbox_already_sent(f->outbox, bad[i]), -1);
        assert_int_equal(outbox_mark_sent(f->outbox, bad[i], &f->err), -1);
        assert_int_equal(outbox_load(f->outbox, bad[i], &msg, &rcpt, &n, &from, &f->err), -1);
        assert_int_equal(n, 0);
    }
    assert_int_equal(access(f->outbox, F_OK), -1); /* nothing was created */
    assert_int_equal(outbox_store(f->outbox, "Bao_cao-1719.2024", 0, "a@b.vn", RCPT, 2, "x\r\n", 3, &f->err), 0);
    assert_int_equal(outbox_load(f->outbox, "Bao_cao-1719.2024", &msg, &rcpt, &n, &from, &f->err), 0);
    assert_string_equal(msg.buf, "x\r\n");
    assert_string_equal(from.buf, "a@b.vn");
    assert_int_equal(n, 2);
    assert_string_equal(rcpt[0], RCPT[0]);
    assert_string_equal(rcpt[1], RCPT[1]);
    outbox_free_rcpt(rcpt, n);
    strbuf_release(&msg);
    strbuf_release(&from);
}

static void test_password_from(void **state)
{
    fixture *f = *state;
    char *file = tu_path(f->dir, "smtp-password");
    strbuf pw = STRBUF_INIT;
    assert_int_equal(tu_write_file(file, "Mật-khẩu 42\r\ndòng thứ hai\n"), 0);
    assert_int_equal(smtp_password_from(file, "MTQG_TEST_PW", &pw, &f->err), 0);
    assert_string_equal(pw.buf, "Mật-khẩu 42");
    assert_int_equal(tu_write_file(file, ""), 0);
    assert_int_equal(smtp_password_from(file, NULL, &pw, &f->err), -1);
    expect_err_has(f, "rỗng");
    unlink(file);
    strbuf_reset(&f->err);
    assert_int_equal(smtp_password_from(file, NULL, &pw, &f->err), -1);
    expect_err_has(f, file);

    setenv("MTQG_TEST_PW", "tu-bien-moi-truong", 1);
    assert_int_equal(smtp_password_from(NULL, "MTQG_TEST_PW", &pw, &f->err), 0);
    assert_string_equal(pw.buf, "tu-bien-moi-truong");
    unsetenv("MTQG_TEST_PW");
    strbuf_reset(&f->err);
    assert_int_equal(smtp_password_from(NULL, "MTQG_TEST_PW", &pw, &f->err), -1);
    expect_err_has(f, "MTQG_TEST_PW");
    assert_int_equal(smtp_password_from(NULL, NULL, &pw, &f->err), -1);
    strbuf_release(&pw);
    free(file);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_send_vietnamese_report),
        T(test_auth),
        T(test_starttls),
        T(test_server_down_then_retry),
        T(test_pending_skips_sent),
        T(test_silent_server_times_out),
        T(test_server_refuses),
        T(test_size_limit),
        T(test_mime_deterministic),
        T(test_subject_encoded_words),
        T(test_boundary_not_in_content),
        T(test_mime_rejects_bad_input),
        T(test_bad_keys_refused),
        T(test_password_from),
    };
#undef T
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    smtp_global_cleanup();
    return rc;
}
