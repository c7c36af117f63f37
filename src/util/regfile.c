/* Regular files only, never blocking; see regfile.h. */
#include "regfile.h"
#include "syserr.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *kind_text(mode_t m)
{
    if (S_ISDIR(m)) return "là một thư mục";
    if (S_ISFIFO(m)) return "là một đường ống (FIFO)";
    if (S_ISCHR(m) || S_ISBLK(m)) return "là một thiết bị";
    if (S_ISSOCK(m)) return "là một socket";
    return "không phải tệp thông thường";
}

int regfile_open(const char *path, off_t *size, strbuf *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0) {
        strbuf_addf(err, "%s: không mở được tệp (%s)", path, sys_error(errno));
        if (fd >= 0) close(fd);
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        strbuf_addf(err, "%s: %s, không phải một tệp thường", path, kind_text(st.st_mode));
        close(fd);
        return -1;
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0) fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    if (size) *size = st.st_size;
    return fd;
}

int regfile_check(const char *path, strbuf *err)
{
    struct stat st;
    if (stat(path, &st) < 0) {
        strbuf_addf(err, "%s: không mở được tệp (%s)", path, sys_error(errno));
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        strbuf_addf(err, "%s: %s, không phải một tệp thường", path, kind_text(st.st_mode));
        return -1;
    }
    return 0;
}
