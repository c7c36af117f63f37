/* Atomic publication of a run's outputs; see outset.h. */
#include "outset.h"
#include "../util/syserr.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void outset_init(outset *o)
{
    memset(o, 0, sizeof *o);
}

const char *outset_add(outset *o, const char *dir, const char *name)
{
    if (o->n >= o->alloc) {
        int cap = o->alloc;
        ALLOC_GROW(o->final, o->n + 1, o->alloc);
        ALLOC_GROW(o->tmp, o->n + 1, cap);
    }
    strbuf f = STRBUF_INIT, t = STRBUF_INIT;
    strbuf_addf(&f, "%s/%s", dir, name);
    /* Hidden, and unique per process, so two runs never share a temp. */
    strbuf_addf(&t, "%s/.%s.tmp-%ld", dir, name, (long)getpid());
    o->final[o->n] = strbuf_detach(&f, NULL);
    o->tmp[o->n] = strbuf_detach(&t, NULL);
    return o->tmp[o->n++];
}

const char *outset_final(const outset *o, int i)
{
    return o->final[i];
}

static int sync_file(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

static void sync_dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? xstrndup(path, (size_t)(slash - path)) : xstrdup(".");
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
    free(dir);
}

int outset_commit(outset *o, strbuf *err)
{
    for (int i = 0; i < o->n; i++)
        if (sync_file(o->tmp[i]) < 0) {
            strbuf_addf(err, "%s: không ghi được xuống đĩa (%s)", o->final[i], sys_error(errno));
            outset_abort(o);
            return -1;
        }
    for (int i = 0; i < o->n; i++)
        if (rename(o->tmp[i], o->final[i]) < 0) {
            strbuf_addf(err, "%s: không thay được tệp (%s)", o->final[i], sys_error(errno));
            outset_abort(o);
            return -1;
        }
    if (o->n) sync_dir_of(o->final[0]);
    return 0;
}

void outset_abort(outset *o)
{
    for (int i = 0; i < o->n; i++) unlink(o->tmp[i]);
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
