/* Per-folder run lock; see lock.h. */
#include "lock.h"
#include "../util/syserr.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

int lock_acquire(run_lock *l, const char *dir, int wait_s, strbuf *err)
{
    l->fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (l->fd < 0) {
        strbuf_addf(err, "%s: không mở được thư mục kết quả (%s)", dir, sys_error(errno));
        return -1;
    }
    for (int waited = 0;; waited++) {
        if (flock(l->fd, LOCK_EX | LOCK_NB) == 0) return 0;
        int busy = errno == EWOULDBLOCK;
        if (!busy || waited >= wait_s * 10) {
            if (busy) strbuf_addf(err, "%s: một lần chạy khác đang ghi vào thư mục này", dir);
            else strbuf_addf(err, "%s: không khóa được thư mục (%s)", dir, sys_error(errno));
            close(l->fd);
            l->fd = -1;
            return busy ? 1 : -1;
        }
        struct timespec ts = {0, 100 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
}

void lock_release(run_lock *l)
{
    if (l->fd >= 0) close(l->fd);
    l->fd = -1;
}

/* ".name.tmp-1234" -> 1234, or 0. */
static long temp_pid(const char *name)
{
    const char *t = strstr(name, ".tmp-");
    if (name[0] != '.' || !t) return 0;
    char *end;
    long pid = strtol(t + 5, &end, 10);
    return *end || pid <= 0 ? 0 : pid;
}

int lock_clean_temporaries(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return 0;
    int removed = 0;
    struct dirent *e;
    strbuf path = STRBUF_INIT;
    while ((e = readdir(d))) {
        long pid = temp_pid(e->d_name);
        if (!pid || pid == (long)getpid() || (kill((pid_t)pid, 0) == 0 || errno == EPERM))
            continue;
        strbuf_reset(&path);
        strbuf_addf(&path, "%s/%s", dir, e->d_name);
        removed += unlink(path.buf) == 0;
    }
    closedir(d);
    strbuf_release(&path);
    return removed;
}
