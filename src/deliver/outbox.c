/* The outbox of unsent messages and the record of sent ones; see outbox.h. */
#include "outbox.h"
#include "../util/syserr.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define KEY_MAX 200

int outbox_valid_key(const char *key)
{
    size_t n = key ? strlen(key) : 0;
    if (n == 0 || n > KEY_MAX || key[0] == '.' || strstr(key, "..")) return 0;
    for (size_t i = 0; i < n; i++) {
        char c = key[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-'))
            return 0;
    }
    return 1;
}

static int check_key(const char *key, strbuf *err)
{
    if (outbox_valid_key(key)) return 0;
    strbuf_addf(err, "khóa thư \"%s\" không dùng được làm tên tệp (chỉ A-Z a-z 0-9 . _ -)",
                key ? key : "");
    return -1;
}

/* "<outbox>/<sub>/<key><ext>" (sub may be NULL); caller frees. */
static char *path_of(const char *outbox, const char *sub, const char *key, const char *ext)
{
    strbuf sb = STRBUF_INIT;
    strbuf_addf(&sb, "%s/%s%s%s%s", outbox, sub ? sub : "", sub ? "/" : "", key, ext);
    return strbuf_detach(&sb, NULL);
}

static int ensure_dir(const char *dir, strbuf *err)
{
    struct stat st;
    if (mkdir(dir, 0700) == 0 || (errno == EEXIST && stat(dir, &st) == 0 && S_ISDIR(st.st_mode)))
        return 0;
    strbuf_addf(err, "%s: không tạo được thư mục hộp thư đi (%s)", dir,
                errno == EEXIST ? "đã có một tệp trùng tên" : sys_error(errno));
    return -1;
}

/* The outbox and its subfolder sub ("sent" or "drafts"). */
static int ensure_dirs(const char *outbox, const char *sub, strbuf *err)
{
    char *dir = path_of(outbox, NULL, sub, "");
    int rc = ensure_dir(outbox, err) || ensure_dir(dir, err) ? -1 : 0;
    free(dir);
    return rc;
}

static void sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

static int write_all(int fd, const char *p, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return -1;
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

/* dir/name holding data[0..len), via a hidden temporary and rename. */
static int write_atomic(const char *dir, const char *name, const char *data, size_t len,
                        strbuf *err)
{
    strbuf tmp = STRBUF_INIT, fin = STRBUF_INIT;
    strbuf_addf(&tmp, "%s/.%s.tmp-%ld", dir, name, (long)getpid());
    strbuf_addf(&fin, "%s/%s", dir, name);
    int fd = open(tmp.buf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    int ok = fd >= 0 && write_all(fd, data, len) == 0 && fsync(fd) == 0;
    if (fd >= 0 && close(fd) != 0) ok = 0;
    if (ok) ok = rename(tmp.buf, fin.buf) == 0;
    if (ok) {
        sync_dir(dir);
    } else {
        strbuf_addf(err, "%s: không ghi được (%s)", fin.buf, sys_error(errno));
        unlink(tmp.buf);
    }
    strbuf_release(&tmp);
    strbuf_release(&fin);
    return ok ? 0 : -1;
}

int outbox_already_sent(const char *outbox, const char *key)
{
    if (!outbox_valid_key(key)) return -1;
    char *p = path_of(outbox, "sent", key, "");
    int sent = access(p, F_OK) == 0;
    free(p);
    return sent;
}

/* One envelope line "word addr\n"; -1 when addr would break the format. */
static int add_env_line(strbuf *env, const char *word, const char *addr, strbuf *err)
{
    int ok = addr && *addr;
    for (const char *p = addr; ok && *p; p++) ok = (unsigned char)*p > 0x20 && *p != 0x7f;
    if (!ok) {
        strbuf_addf(err, "địa chỉ \"%s\" không lưu được vào hộp thư đi", addr ? addr : "");
        return -1;
    }
    strbuf_addf(env, "%s %s\n", word, addr);
    return 0;
}

static int envelope_text(strbuf *env, const char *from, const char *const *rcpt, int nrcpt,
                         strbuf *err)
{
    if (nrcpt < 1) {
        strbuf_adds(err, "thư chưa có người nhận, không lưu vào hộp thư đi");
        return -1;
    }
    if (add_env_line(env, "from", from, err)) return -1;
    for (int i = 0; i < nrcpt; i++)
        if (add_env_line(env, "to", rcpt[i], err)) return -1;
    return 0;
}

int outbox_store(const char *outbox, const char *key, int draft, const char *from,
                 const char *const *rcpt, int nrcpt, const char *msg, size_t len, strbuf *err)
{
    if (check_key(key, err)) return -1;
    strbuf env = STRBUF_INIT, name = STRBUF_INIT;
    char *dir = draft ? path_of(outbox, NULL, "drafts", "") : xstrdup(outbox);
    int rc = envelope_text(&env, from, rcpt, nrcpt, err);
    if (rc == 0) rc = ensure_dirs(outbox, draft ? "drafts" : "sent", err);
    strbuf_addf(&name, "%s.env", key);
    if (rc == 0) rc = write_atomic(dir, name.buf, env.buf, env.len, err);
    strbuf_reset(&name);
    strbuf_addf(&name, "%s.eml", key);
    if (rc == 0) rc = write_atomic(dir, name.buf, msg, len, err);
    strbuf_release(&env);
    strbuf_release(&name);
    free(dir);
    return rc;
}

/* Remove <key>.eml and then <key>.env; a missing file is fine. */
static int remove_stored(const char *outbox, const char *key, strbuf *err)
{
    static const char *const ext[] = {".eml", ".env"};
    int rc = 0;
    for (int i = 0; i < 2 && rc == 0; i++) {
        char *p = path_of(outbox, NULL, key, ext[i]);
        if (unlink(p) != 0 && errno != ENOENT) {
            strbuf_addf(err, "%s: không xóa được khỏi hộp thư đi (%s)", p, sys_error(errno));
            rc = -1;
        }
        free(p);
    }
    if (rc == 0) sync_dir(outbox);
    return rc;
}

int outbox_discard(const char *outbox, const char *key, strbuf *err)
{
    return check_key(key, err) ? -1 : remove_stored(outbox, key, err);
}

int outbox_mark_sent(const char *outbox, const char *key, strbuf *err)
{
    if (check_key(key, err) || ensure_dirs(outbox, "sent", err)) return -1;
    char *sent = path_of(outbox, NULL, "sent", "");
    strbuf rec = STRBUF_INIT;
    strbuf_addf(&rec, "sent %lld\n", (long long)time(NULL));
    int rc = write_atomic(sent, key, rec.buf, rec.len, err);
    if (rc == 0) rc = remove_stored(outbox, key, err);
    strbuf_release(&rec);
    free(sent);
    return rc;
}

/* ---- pending messages -------------------------------------------------- */

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The keys of the <key>.eml files in outbox, sorted; -1 if unreadable. */
static int list_keys(const char *outbox, char ***keys, size_t *n, strbuf *err)
{
    DIR *d = opendir(outbox);
    size_t cap = 0;
    *keys = NULL;
    *n = 0;
    if (!d) {
        if (errno == ENOENT) return 0;
        strbuf_addf(err, "%s: không đọc được hộp thư đi (%s)", outbox, sys_error(errno));
        return -1;
    }
    for (struct dirent *e; (e = readdir(d));) {
        size_t l = strlen(e->d_name);
        if (l <= 4 || strcmp(e->d_name + l - 4, ".eml")) continue;
        char *key = xstrndup(e->d_name, l - 4);
        if (!outbox_valid_key(key)) {
            free(key);
            continue;
        }
        ALLOC_GROW(*keys, *n + 1, cap);
        (*keys)[(*n)++] = key;
    }
    closedir(d);
    if (*n) qsort(*keys, *n, sizeof **keys, cmp_names);
    return 0;
}

int outbox_each_pending(const char *outbox,
                        int (*fn)(void *ctx, const char *key, const char *eml_path), void *ctx,
                        strbuf *err)
{
    char **keys;
    size_t n;
    int rc = list_keys(outbox, &keys, &n, err);
    for (size_t i = 0; i < n; i++) {
        if (rc == 0 && outbox_already_sent(outbox, keys[i]) == 1) {
            rc = remove_stored(outbox, keys[i], err);
        } else if (rc == 0) {
            char *eml = path_of(outbox, NULL, keys[i], ".eml");
            rc = fn(ctx, keys[i], eml);
            free(eml);
        }
        free(keys[i]);
    }
    free(keys);
    return rc;
}

/* ---- reading a message back -------------------------------------------- */

static int read_all(const char *path, strbuf *out, strbuf *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        strbuf_addf(err, "%s: không đọc được (%s)", path, sys_error(errno));
        return -1;
    }
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) strbuf_add(out, buf, n);
    int bad = ferror(f);
    fclose(f);
    if (bad) strbuf_addf(err, "%s: lỗi khi đọc", path);
    return bad ? -1 : 0;
}

/* Fill from and the recipients from the text of a .env file. */
static int parse_env(char *text, strbuf *from, char ***rcpt, int *nrcpt)
{
    size_t cap = 0;
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (!strncmp(line, "from ", 5) && from->len == 0) {
            strbuf_adds(from, line + 5);
        } else if (!strncmp(line, "to ", 3)) {
            ALLOC_GROW(*rcpt, *nrcpt + 1, cap);
            (*rcpt)[(*nrcpt)++] = xstrdup(line + 3);
        } else {
            return -1;
        }
    }
    return from->len && *nrcpt ? 0 : -1;
}

static int load_envelope(const char *path, strbuf *from, char ***rcpt, int *nrcpt, strbuf *err)
{
    strbuf text = STRBUF_INIT;
    int rc = read_all(path, &text, err);
    if (rc == 0 && parse_env(text.buf, from, rcpt, nrcpt) != 0) {
        strbuf_addf(err, "%s: phong bì thư hỏng (cần dòng \"from\" và các dòng \"to\")", path);
        rc = -1;
    }
    strbuf_release(&text);
    return rc;
}

int outbox_load(const char *outbox, const char *key, strbuf *msg, char ***rcpt, int *nrcpt,
                strbuf *from, strbuf *err)
{
    *rcpt = NULL;
    *nrcpt = 0;
    strbuf_reset(msg);
    strbuf_reset(from);
    if (check_key(key, err)) return -1;
    char *env = path_of(outbox, NULL, key, ".env"), *eml = path_of(outbox, NULL, key, ".eml");
    int rc = load_envelope(env, from, rcpt, nrcpt, err);
    if (rc == 0) rc = read_all(eml, msg, err);
    if (rc != 0) {
        outbox_free_rcpt(*rcpt, *nrcpt);
        *rcpt = NULL;
        *nrcpt = 0;
        strbuf_reset(msg);
        strbuf_reset(from);
    }
    free(env);
    free(eml);
    return rc;
}

void outbox_free_rcpt(char **rcpt, int nrcpt)
{
    for (int i = 0; i < nrcpt; i++) free(rcpt[i]);
    free(rcpt);
}
