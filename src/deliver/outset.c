/* Publication of a run's outputs as one set; see outset.h. */
#include "outset.h"
#include "../util/syserr.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void outset_init(outset *o)
{
    memset(o, 0, sizeof *o);
}

static char *path2(const char *a, const char *b)
{
    strbuf sb = STRBUF_INIT;
    strbuf_addf(&sb, "%s/%s", a, b);
    return strbuf_detach(&sb, NULL);
}

static char *path3(const char *a, const char *b, const char *c)
{
    strbuf sb = STRBUF_INIT;
    strbuf_addf(&sb, "%s/%s/%s", a, b, c);
    return strbuf_detach(&sb, NULL);
}

/* A generation folder and the files in it (it holds no subfolder). */
static int remove_generation(const char *path)
{
    DIR *d = opendir(path);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)))
            if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
                char *p = path2(path, e->d_name);
                unlink(p);
                free(p);
            }
        closedir(d);
    }
    return rmdir(path) == 0;
}

static void sync_path(const char *path, int dir)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | (dir ? O_DIRECTORY : 0));
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

/* A new generation folder's name under state: "<set>.<pid>-<n>". */
static char *new_generation(const char *state, const char *set, strbuf *err)
{
    static int seq;
    strbuf name = STRBUF_INIT;
    for (int tries = 0; tries < 1000; tries++) {
        strbuf_reset(&name);
        strbuf_addf(&name, "%s.%ld-%d", set, (long)getpid(), ++seq);
        char *p = path2(state, name.buf);
        int rc = mkdir(p, 0777);
        int e = errno;
        free(p);
        if (rc == 0) return strbuf_detach(&name, NULL);
        if (e != EEXIST) {
            strbuf_addf(err, "%s/%s: không tạo được thư mục (%s)", state, name.buf, sys_error(e));
            break;
        }
    }
    strbuf_release(&name);
    return NULL;
}

int outset_open(outset *o, const char *dir, const char *set, strbuf *err)
{
    char *state = path2(dir, OUTSET_STATE);
    struct stat st;
    int rc = 0;
    if (mkdir(state, 0777) < 0 && (errno != EEXIST || lstat(state, &st) < 0 || !S_ISDIR(st.st_mode))) {
        strbuf_addf(err, "%s: không tạo được thư mục (%s)", state, errno == EEXIST ? "đã có một tệp cùng tên" : sys_error(errno));
        rc = -1;
    }
    char *gen = rc == 0 ? new_generation(state, set, err) : NULL;
    free(state);
    if (!gen) return -1;
    o->dir = xstrdup(dir);
    o->set = xstrdup(set);
    o->gen = gen;
    return 0;
}

const char *outset_add(outset *o, const char *dir, const char *name)
{
    if (!o->gen) return NULL;
    int cap = o->alloc, cap2 = o->alloc; /* the three arrays grow together */
    ALLOC_GROW(o->final, o->n + 1, o->alloc);
    ALLOC_GROW(o->tmp, o->n + 1, cap);
    ALLOC_GROW(o->digest, o->n + 1, cap2);
    o->digest[o->n].hex[0] = '\0';
    strbuf t = STRBUF_INIT;
    strbuf_addf(&t, "%s/%s/%s/%s", o->dir, OUTSET_STATE, o->gen, name);
    o->final[o->n] = path2(dir, name);
    o->tmp[o->n] = strbuf_detach(&t, NULL);
    return o->tmp[o->n++];
}

/* fsync(2) of the i-th file; 0, or -1 with err. */
static int sync_file(const outset *o, int i, strbuf *err)
{
    int fd = open(o->tmp[i], O_RDONLY | O_CLOEXEC);
    if (fd >= 0 && fsync(fd) == 0) return close(fd);
    strbuf_addf(err, "%s: không ghi được xuống đĩa (%s)", o->final[i], sys_error(errno));
    if (fd >= 0) close(fd);
    return -1;
}

int outset_seal(outset *o, int i, strbuf *err)
{
    outset_digest d;
    if (sync_file(o, i, err) < 0 || sha256_file(o->tmp[i], d.hex, &d.bytes, err) < 0) return -1;
    o->digest[i] = d;
    return 0;
}

const outset_digest *outset_digest_of(const outset *o, int i)
{
    return o->digest[i].hex[0] ? &o->digest[i] : NULL;
}

const char *outset_final(const outset *o, int i)
{
    return o->final[i];
}

/* dir/name becomes a symbolic link to target, in one rename. */
static int replace_link(const char *dir, const char *name, const char *target, strbuf *err)
{
    strbuf tmp = STRBUF_INIT;
    strbuf_addf(&tmp, "%s/.%s.tmp-%ld", dir, name, (long)getpid());
    char *final = path2(dir, name);
    unlink(tmp.buf);
    int rc = 0;
    if (symlink(target, tmp.buf) < 0 || rename(tmp.buf, final) < 0) {
        strbuf_addf(err, "%s: không tạo được liên kết tới %s (%s)", final, target, sys_error(errno));
        unlink(tmp.buf);
        rc = -1;
    }
    free(final);
    strbuf_release(&tmp);
    return rc;
}

/* The generation the switch points to now, in cur; 0, or -1 (no switch). */
static int current_generation(const char *state, const char *set, char *cur, size_t size)
{
    char *sw = path2(state, set);
    ssize_t k = readlink(sw, cur, size - 1);
    free(sw);
    if (k < 0) return -1;
    cur[k] = '\0';
    return 0;
}

/*
 * No switch yet: the files a previous version wrote (regular files under
 * the final names) are hard-linked into a generation the new switch
 * points to, so that replacing each name by a link changes no byte.
 */
static int adopt(outset *o, const char *state, char *cur, size_t size, strbuf *err)
{
    char *old = new_generation(state, o->set, err);
    if (!old) return -1;
    int rc = 0;
    for (int i = 0; i < o->n && rc == 0; i++) {
        struct stat st;
        if (lstat(o->final[i], &st) < 0 || !S_ISREG(st.st_mode)) continue;
        const char *name = strrchr(o->final[i], '/') + 1;
        char *p = path3(state, old, name);
        if (link(o->final[i], p) < 0) {
            strbuf_addf(err, "%s: không giữ được bản cũ (%s)", o->final[i], sys_error(errno));
            rc = -1;
        }
        free(p);
    }
    char *oldp = path2(state, old);
    sync_path(oldp, 1);
    if (rc == 0) rc = replace_link(state, o->set, old, err);
    if (rc < 0) remove_generation(oldp);
    else snprintf(cur, size, "%s", old);
    free(oldp);
    free(old);
    return rc;
}

int outset_commit(outset *o, strbuf *err)
{
    if (!o->gen) {
        strbuf_addf(err, "chưa mở bộ kết quả (lỗi chương trình)");
        return -1;
    }
    char *state = path2(o->dir, OUTSET_STATE), *genp = path2(state, o->gen);
    char cur[PATH_MAX];
    int rc = 0;
    for (int i = 0; i < o->n && rc == 0; i++)
        if (!outset_digest_of(o, i)) rc = sync_file(o, i, err);
    if (rc == 0) sync_path(genp, 1);
    if (rc == 0 && current_generation(state, o->set, cur, sizeof cur) < 0)
        rc = adopt(o, state, cur, sizeof cur, err);
    /* Every name reads through the switch (still the previous set). */
    strbuf target = STRBUF_INIT;
    for (int i = 0; i < o->n && rc == 0; i++) {
        const char *name = strrchr(o->final[i], '/') + 1;
        char now[PATH_MAX];
        strbuf_reset(&target);
        strbuf_addf(&target, "%s/%s/%s", OUTSET_STATE, o->set, name);
        ssize_t k = readlink(o->final[i], now, sizeof now - 1);
        if (k >= 0 && (size_t)k == target.len && !memcmp(now, target.buf, target.len)) continue;
        rc = replace_link(o->dir, name, target.buf, err);
    }
    strbuf_release(&target);
    /* The commit: one rename of the switch. */
    if (rc == 0) rc = replace_link(state, o->set, o->gen, err);
    if (rc == 0) {
        o->committed = 1;
        sync_path(state, 1);
        sync_path(o->dir, 1);
        if (strcmp(cur, o->gen)) {
            char *oldp = path2(state, cur);
            remove_generation(oldp);
            free(oldp);
        }
    } else {
        outset_abort(o);
    }
    free(genp);
    free(state);
    return rc;
}

void outset_abort(outset *o)
{
    if (!o->gen || o->committed) return;
    char *p = path3(o->dir, OUTSET_STATE, o->gen);
    remove_generation(p);
    free(p);
    free(o->gen);
    o->gen = NULL;
}

void outset_free(outset *o)
{
    outset_abort(o);
    for (int i = 0; i < o->n; i++) {
        free(o->final[i]);
        free(o->tmp[i]);
    }
    free(o->final);
    free(o->tmp);
    free(o->digest);
    free(o->dir);
    free(o->set);
    free(o->gen);
    memset(o, 0, sizeof *o);
}

int outset_ensure_dir(const char *dir, strbuf *err)
{
    struct stat st;
    if (stat(dir, &st) == 0) {
        if (S_ISDIR(st.st_mode) && access(dir, W_OK) == 0) return 0;
        strbuf_addf(err, "%s: không phải thư mục ghi được", dir);
        return -1;
    }
    if (mkdir(dir, 0777) == 0) return 0;
    strbuf_addf(err, "%s: không tạo được thư mục kết quả (%s)", dir, sys_error(errno));
    return -1;
}

int outset_collect(const char *dir)
{
    char *state = path2(dir, OUTSET_STATE);
    DIR *d = opendir(state);
    int removed = 0;
    if (!d) {
        free(state);
        return 0;
    }
    /* The targets of the switches: the generations in use. */
    strbuf live = STRBUF_INIT, victims = STRBUF_INIT;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.' && (!e->d_name[1] || !strcmp(e->d_name, ".."))) continue;
        char *p = path2(state, e->d_name), to[PATH_MAX];
        ssize_t k = readlink(p, to, sizeof to - 1);
        if (k >= 0 && !strstr(e->d_name, ".tmp-")) strbuf_addf(&live, "/%.*s/", (int)k, to);
        else strbuf_add(&victims, e->d_name, strlen(e->d_name) + 1);
        free(p);
    }
    closedir(d);
    strbuf_addch(&victims, '\0');
    for (const char *v = victims.buf; *v; v += strlen(v) + 1) {
        strbuf key = STRBUF_INIT;
        strbuf_addf(&key, "/%s/", v);
        int in_use = live.len && strstr(live.buf, key.buf) != NULL;
        strbuf_release(&key);
        if (in_use) continue;
        char *p = path2(state, v);
        struct stat st;
        if (lstat(p, &st) == 0)
            removed += S_ISDIR(st.st_mode) ? remove_generation(p) : unlink(p) == 0;
        free(p);
    }
    strbuf_release(&live);
    strbuf_release(&victims);
    free(state);
    return removed;
}
