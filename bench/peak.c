/*
 * peak: run a command and report its wall time and peak memory.
 *
 *   peak CMD [ARGS...]
 *
 * Prints one line to stderr after the command ends:
 *   wall_s=0.412 user_s=0.610 sys_s=0.052 peak_rss_mb=27.3 exit=0
 * (user and system CPU time of the command and its threads: on a busy
 * machine they move less than the wall time)
 * and exits with the command's status (128+N if it died of signal N), so a
 * script can both read the figures and see whether the run failed.
 * wait4() gives the child's own rusage: the peak RSS is the command's, not
 * this wrapper's (`/usr/bin/time` is not always installed, hence this).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Exit code a shell would report for this wait status. */
static int exit_code(int status)
{
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return 1;
}

static pid_t spawn(char **argv)
{
    pid_t pid = fork();
    if (pid == 0) {
        execvp(argv[0], argv);
        fprintf(stderr, "peak: cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    return pid;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: peak CMD [ARGS...]\n");
        return 2;
    }
    double start = now_s();
    pid_t pid = spawn(argv + 1);
    if (pid < 0) {
        fprintf(stderr, "peak: fork: %s\n", strerror(errno));
        return 1;
    }
    int status = 0;
    struct rusage ru;
    memset(&ru, 0, sizeof ru);
    while (wait4(pid, &status, 0, &ru) < 0) {
        if (errno != EINTR) {
            fprintf(stderr, "peak: wait4: %s\n", strerror(errno));
            return 1;
        }
    }
    double wall = now_s() - start;
    int code = exit_code(status);
    /* Linux reports ru_maxrss in kilobytes. */
    fprintf(stderr, "wall_s=%.3f user_s=%.3f sys_s=%.3f peak_rss_mb=%.1f exit=%d\n", wall,
            (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6,
            (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6,
            (double)ru.ru_maxrss / 1024.0, code);
    return code;
}
