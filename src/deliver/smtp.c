/*
 * Sending through libcurl's SMTP client; see smtp.h. One easy handle per
 * message, reading the message from memory; curl does the dot-stuffing,
 * STARTTLS and AUTH (PLAIN or LOGIN, whatever the server offers).
 *
 * libcurl is loaded (dlopen) for the first message, not linked: it brings
 * some thirty shared libraries (TLS, Kerberos, LDAP, SSH...) whose loading
 * was half of every run's start, 9 ms of 17.5, and most runs send nothing.
 * The functions used are called through the table `curl` below.
 */
#include "smtp.h"
#include "../util/syserr.h"

#include <curl/curl.h>
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_TIMEOUT_S 120L
#define CONNECT_TIMEOUT_MAX_S 30L
#define CURL_SONAME "libcurl.so.4" /* Debian's libcurl4, beside libcurl4-openssl-dev */

typedef struct curl_api {
    CURLcode (*global_init)(long);
    void (*global_cleanup)(void);
    CURL *(*easy_init)(void);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_perform)(CURL *);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    const char *(*easy_strerror)(CURLcode);
    void (*easy_cleanup)(CURL *);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
} curl_api;
static curl_api curl;
static int curl_ready; /* 1: loaded and initialised */
static char curl_failure[256]; /* why not, when not */
static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

/* Each symbol of the table, by name (dlsym gives object pointers; the
 * memcpy is how POSIX lets one take a function from it). */
#define CURL_FN(field, name) {offsetof(curl_api, field), name}
static const struct {
    size_t at;
    const char *name;
} curl_fns[] = {
    CURL_FN(global_init, "curl_global_init"), CURL_FN(global_cleanup, "curl_global_cleanup"),
    CURL_FN(easy_init, "curl_easy_init"), CURL_FN(easy_setopt, "curl_easy_setopt"),
    CURL_FN(easy_perform, "curl_easy_perform"), CURL_FN(easy_getinfo, "curl_easy_getinfo"),
    CURL_FN(easy_strerror, "curl_easy_strerror"), CURL_FN(easy_cleanup, "curl_easy_cleanup"),
    CURL_FN(slist_append, "curl_slist_append"), CURL_FN(slist_free_all, "curl_slist_free_all"),
};

/* Load and initialise libcurl, once (curl_global_init is thread-safe
 * from curl 7.84; Debian 12 has 7.88). The library stays loaded to the
 * end of the process. */
static void load_curl(void)
{
    void *lib = dlopen(CURL_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        snprintf(curl_failure, sizeof curl_failure, "%s", dlerror());
        return;
    }
    for (size_t i = 0; i < sizeof curl_fns / sizeof curl_fns[0]; i++) {
        void *f = dlsym(lib, curl_fns[i].name);
        if (!f) {
            snprintf(curl_failure, sizeof curl_failure, "%s: không có %s", CURL_SONAME, curl_fns[i].name);
            return;
        }
        memcpy((char *)&curl + curl_fns[i].at, &f, sizeof f);
    }
    if (curl.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        snprintf(curl_failure, sizeof curl_failure, "curl_global_init không thành công");
        return;
    }
    curl_ready = 1;
}

void smtp_global_cleanup(void)
{
    if (curl_ready) curl.global_cleanup();
    curl_ready = 0;
}

/* The part of the message not yet handed to curl. */
typedef struct upload {
    const char *p;
    size_t left;
} upload;

static size_t read_message(char *buf, size_t size, size_t nitems, void *ud)
{
    upload *u = ud;
    size_t n = size * nitems < u->left ? size * nitems : u->left;
    memcpy(buf, u->p, n);
    u->p += n;
    u->left -= n;
    return n;
}

/* The server as messages show it: the URL without any user:password@. */
static void add_server_name(strbuf *sb, const char *url)
{
    const char *host = strstr(url, "://");
    host = host ? host + 3 : url;
    const char *at = memrchr(host, '@', strcspn(host, "/?#"));
    strbuf_add(sb, url, (size_t)(host - url));
    strbuf_adds(sb, at ? at + 1 : host);
}

/* Replace every occurrence of secret in sb by "***". */
static void scrub(strbuf *sb, const char *secret)
{
    size_t n = secret ? strlen(secret) : 0;
    if (n == 0 || !strstr(sb->buf, secret)) return;
    strbuf clean = STRBUF_INIT;
    const char *p = sb->buf, *hit;
    while ((hit = strstr(p, secret))) {
        strbuf_add(&clean, p, (size_t)(hit - p));
        strbuf_adds(&clean, "***");
        p = hit + n;
    }
    strbuf_adds(&clean, p);
    strbuf_release(sb);
    *sb = clean;
}

/* An envelope address: printable ASCII, no brackets or spaces. */
static int envelope_addr_ok(const char *a)
{
    if (!a || !*a || strlen(a) > 254 || !strchr(a, '@')) return 0;
    for (const char *p = a; *p; p++)
        if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f || *p == '<' || *p == '>')
            return 0;
    return 1;
}

static int check_args(const smtp_server *s, const char *from, const char *const *rcpt, int n,
                      strbuf *err)
{
    if (!s->url || (strncmp(s->url, "smtp://", 7) && strncmp(s->url, "smtps://", 8))) {
        strbuf_addf(err, "địa chỉ máy chủ thư \"%s\" phải bắt đầu bằng smtp:// hoặc smtps://",
                    s->url ? s->url : "");
        return -1;
    }
    if (!envelope_addr_ok(from)) {
        strbuf_addf(err, "địa chỉ người gửi không hợp lệ: \"%s\"", from ? from : "");
        return -1;
    }
    if (n < 1) {
        strbuf_adds(err, "thư chưa có người nhận");
        return -1;
    }
    for (int i = 0; i < n; i++)
        if (!envelope_addr_ok(rcpt[i])) {
            strbuf_addf(err, "địa chỉ người nhận không hợp lệ: \"%s\"", rcpt[i] ? rcpt[i] : "");
            return -1;
        }
    return 0;
}

/* "<addr>" for each recipient; out of memory aborts, as everywhere. */
static struct curl_slist *rcpt_list(const char *const *rcpt, int n)
{
    struct curl_slist *l = NULL;
    strbuf a = STRBUF_INIT;
    for (int i = 0; i < n; i++) {
        strbuf_reset(&a);
        strbuf_addf(&a, "<%s>", rcpt[i]);
        struct curl_slist *t = curl.slist_append(l, a.buf);
        if (!t) {
            fputs("mtqg-report: hết bộ nhớ (curl_slist_append)\n", stderr);
            abort();
        }
        l = t;
    }
    strbuf_release(&a);
    return l;
}

/* Set opt unless an earlier option already failed. */
#define SET(c, r, opt, val)                                   \
    do {                                                      \
        if ((r) == CURLE_OK) (r) = curl.easy_setopt(c, opt, val); \
    } while (0)

static CURLcode set_transfer(CURL *c, const smtp_server *s, const char *from,
                             struct curl_slist *rcpt, upload *u, char *errbuf)
{
    long timeout = s->timeout_s > 0 ? s->timeout_s : DEFAULT_TIMEOUT_S;
    CURLcode r = CURLE_OK;
    SET(c, r, CURLOPT_ERRORBUFFER, errbuf);
    SET(c, r, CURLOPT_URL, s->url);
    SET(c, r, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    SET(c, r, CURLOPT_NOSIGNAL, 1L);
    SET(c, r, CURLOPT_TIMEOUT, timeout);
    SET(c, r, CURLOPT_CONNECTTIMEOUT, timeout < CONNECT_TIMEOUT_MAX_S ? timeout : CONNECT_TIMEOUT_MAX_S);
    SET(c, r, CURLOPT_MAIL_FROM, from);
    SET(c, r, CURLOPT_MAIL_RCPT, rcpt);
    SET(c, r, CURLOPT_UPLOAD, 1L);
    SET(c, r, CURLOPT_READFUNCTION, read_message);
    SET(c, r, CURLOPT_READDATA, u);
    SET(c, r, CURLOPT_INFILESIZE_LARGE, (curl_off_t)u->left);
    return r;
}

static CURLcode set_security(CURL *c, const smtp_server *s)
{
    CURLcode r = CURLE_OK;
    SET(c, r, CURLOPT_USE_SSL, (long)(s->starttls ? CURLUSESSL_ALL : CURLUSESSL_NONE));
    if (s->user && *s->user) {
        SET(c, r, CURLOPT_USERNAME, s->user);
        SET(c, r, CURLOPT_PASSWORD, s->password ? s->password : "");
    }
    if (s->ca_file && *s->ca_file) SET(c, r, CURLOPT_CAINFO, s->ca_file);
    return r;
}

/* What the server's refusal (reply code) means. */
static const char *reply_hint(long code)
{
    if (code == 530) return "máy chủ đòi đăng nhập hoặc STARTTLS";
    if (code == 535) return "tên đăng nhập hoặc mật khẩu bị từ chối";
    if (code == 552) return "thư lớn hơn giới hạn của máy chủ";
    if (code >= 500) return "máy chủ từ chối thư";
    return "máy chủ tạm từ chối, sẽ thử lại lần sau";
}

/* What the usual failures mean for the person reading the cron mail. */
static const char *hint(CURLcode rc, long code)
{
    if (code >= 400) return reply_hint(code);
    switch (rc) {
    case CURLE_COULDNT_RESOLVE_HOST: return "không tìm thấy máy chủ";
    case CURLE_COULDNT_CONNECT: return "không kết nối được";
    case CURLE_OPERATION_TIMEDOUT: return "quá thời gian chờ";
    case CURLE_LOGIN_DENIED: return "tên đăng nhập hoặc mật khẩu bị từ chối";
    case CURLE_USE_SSL_FAILED: return "máy chủ không cho dùng STARTTLS";
    case CURLE_PEER_FAILED_VERIFICATION: return "chứng chỉ của máy chủ không được tin cậy";
    case CURLE_SSL_CONNECT_ERROR: return "lỗi bắt tay TLS";
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR: return "mất kết nối";
    default: return "lỗi khi gửi";
    }
}

static void report_failure(CURL *c, const smtp_server *s, CURLcode rc, const char *errbuf,
                           strbuf *err)
{
    strbuf msg = STRBUF_INIT;
    long code = 0;
    if (curl.easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code) != CURLE_OK) code = 0;
    strbuf_adds(&msg, "không gửi được thư qua máy chủ ");
    add_server_name(&msg, s->url);
    strbuf_addf(&msg, ": %s (curl: %s", hint(rc, code), *errbuf ? errbuf : curl.easy_strerror(rc));
    if (code >= 400) strbuf_addf(&msg, "; máy chủ trả lời %ld", code);
    strbuf_addch(&msg, ')');
    scrub(&msg, s->password);
    strbuf_add(err, msg.buf, msg.len);
    strbuf_release(&msg);
}

int smtp_send(const smtp_server *s, const char *from_addr, const char *const *rcpt, int nrcpt,
              const char *message, size_t len, strbuf *err)
{
    if (check_args(s, from_addr, rcpt, nrcpt, err)) return -1;
    pthread_once(&curl_once, load_curl);
    if (!curl_ready) {
        strbuf_addf(err, "không nạp được thư viện gửi thư libcurl (%s): cài gói libcurl4", curl_failure);
        return -1;
    }
    CURL *c = curl.easy_init();
    if (!c) {
        strbuf_adds(err, "không khởi tạo được libcurl (hết bộ nhớ?)");
        return -1;
    }
    char errbuf[CURL_ERROR_SIZE] = "";
    strbuf from = STRBUF_INIT;
    strbuf_addf(&from, "<%s>", from_addr);
    struct curl_slist *l = rcpt_list(rcpt, nrcpt);
    upload u = {message, len};
    CURLcode rc = set_transfer(c, s, from.buf, l, &u, errbuf);
    if (rc == CURLE_OK) rc = set_security(c, s);
    if (rc == CURLE_OK) rc = curl.easy_perform(c);
    if (rc != CURLE_OK) report_failure(c, s, rc, errbuf, err);
    curl.easy_cleanup(c);
    curl.slist_free_all(l);
    strbuf_release(&from);
    return rc == CURLE_OK ? 0 : -1;
}

/* ---- the password ------------------------------------------------------ */

static int password_file(const char *file, strbuf *out, strbuf *err)
{
    FILE *f = fopen(file, "r");
    if (!f) {
        strbuf_addf(err, "%s: không đọc được tệp mật khẩu máy chủ thư (%s)", file, sys_error(errno));
        return -1;
    }
    int c;
    while ((c = getc(f)) != EOF && c != '\n') strbuf_addch(out, (char)c);
    int bad = ferror(f);
    fclose(f);
    if (out->len && out->buf[out->len - 1] == '\r') strbuf_setlen(out, out->len - 1);
    if (bad || out->len == 0) {
        strbuf_addf(err, "%s: %s", file, bad ? "lỗi khi đọc tệp mật khẩu" : "tệp mật khẩu rỗng");
        strbuf_reset(out);
        return -1;
    }
    return 0;
}

int smtp_password_from(const char *file, const char *env_name, strbuf *out, strbuf *err)
{
    strbuf_reset(out);
    if (file && *file) return password_file(file, out, err);
    if (!env_name || !*env_name) {
        strbuf_adds(err, "chưa cấu hình mật khẩu máy chủ thư (tệp mật khẩu hoặc biến môi trường)");
        return -1;
    }
    const char *v = getenv(env_name);
    if (!v || !*v) {
        strbuf_addf(err, "biến môi trường %s (mật khẩu máy chủ thư) chưa đặt hoặc rỗng", env_name);
        return -1;
    }
    strbuf_adds(out, v);
    return 0;
}
