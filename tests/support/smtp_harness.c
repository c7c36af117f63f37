/* The test SMTP server as a child process; see smtp_harness.h. */
#include "smtp_harness.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int smtp_harness_free_port(void)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    int port = -1, fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
        getsockname(fd, (struct sockaddr *)&a, &len) == 0)
        port = ntohs(a.sin_port);
    if (fd >= 0) close(fd);
    return port;
}

static int can_connect(int port)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int ok = fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
    if (fd >= 0) close(fd);
    return ok;
}

pid_t smtp_harness_spawn(char *const *argv, const char *log)
{
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        execv(argv[0], argv);
        _exit(127);
    }
    return pid;
}

void smtp_harness_stop(smtp_harness *s)
{
    if (s->pid > 0) {
        kill(s->pid, SIGTERM);
        waitpid(s->pid, NULL, 0);
    }
    s->pid = 0;
}

/* Poll connect() for up to 10 s; -1 when the server died or never listened. */
static int wait_ready(smtp_harness *s)
{
    const struct timespec step = {0, 50 * 1000 * 1000};
    for (int i = 0; i < 200; i++) {
        int st;
        if (can_connect(s->port)) return 0;
        if (waitpid(s->pid, &st, WNOHANG) == s->pid) {
            s->pid = 0;
            return -1;
        }
        nanosleep(&step, NULL);
    }
    return -1;
}

int smtp_harness_start(smtp_harness *s, int port, const char *recv_dir, const char *log,
                       const char *const *extra)
{
    for (int attempt = 0; attempt < 5; attempt++) {
        char portbuf[16];
        const char *argv[24] = {SMTP_HARNESS_PYTHON, SMTP_HARNESS_SCRIPT, "serve", "--port", portbuf, "--dir", recv_dir};
        int n = 7;
        for (int i = 0; extra && extra[i] && n < 23; i++) argv[n++] = extra[i];
        s->port = attempt == 0 && port > 0 ? port : smtp_harness_free_port();
        snprintf(portbuf, sizeof portbuf, "%d", s->port);
        snprintf(s->url, sizeof s->url, "smtp://127.0.0.1:%d", s->port);
        s->pid = smtp_harness_spawn((char *const *)argv, log);
        if (s->pid > 0 && wait_ready(s) == 0) return 0;
        smtp_harness_stop(s);
    }
    return -1;
}
