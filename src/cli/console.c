/* The console log, progress line and closing line; see console.h. */
#include "console.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "../util/progress.h"

#define TICK_MS 250

static struct {
    console_options opt;
    int tty;
    pthread_mutex_t mu;      /* one writer of stderr at a time */
    int drawn;               /* a progress line is on the screen */
    pthread_t ticker;
    int ticking, stop;
    long delay_ms;           /* before the first progress line; <0: never */
    struct timespec start;   /* of the stage counters: the run's start */
    long long last_bytes;
    struct timespec last;
    double rate;             /* MB/s, smoothed */
} con = {.mu = PTHREAD_MUTEX_INITIALIZER};

static double seconds_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Caller holds the lock. */
static void clear_progress(void)
{
    if (con.drawn) fputs("\r\033[K", stderr);
    con.drawn = 0;
}

static void sink(void *ctx, mlog_level level, const char *line)
{
    (void)ctx;
    if (con.opt.quiet && level == MLOG_INFO) return;
    char stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S%z", &tm);
    pthread_mutex_lock(&con.mu);
    clear_progress();
    fprintf(stderr, "%s mtqg-report: %s\n", stamp, line);
    fflush(stderr);
    pthread_mutex_unlock(&con.mu);
    if (con.opt.use_syslog) {
        static const int prio[] = {LOG_INFO, LOG_WARNING, LOG_ERR};
        syslog(prio[level], "%s", line);
    }
}

static const mlog console_mlog = {sink, NULL};

const mlog *console_log(void)
{
    return &console_mlog;
}

/* 1234567 -> "1.234.567", as the documents write it. */
static void group_thousands(char *out, size_t size, long long v)
{
    char digits[32];
    int n = snprintf(digits, sizeof digits, "%lld", v), o = 0;
    for (int i = 0; i < n && o + 2 < (int)size; i++) {
        if (i && (n - i) % 3 == 0) out[o++] = '.';
        out[o++] = digits[i];
    }
    out[o] = '\0';
}

/* 12.3 -> "12,3": a display figure, never a sum. */
static void decimal_comma(char *out, size_t size, double v)
{
    snprintf(out, size, "%.1f", v);
    char *dot = strchr(out, '.');
    if (dot) *dot = ',';
}

static int due(void)
{
    return con.delay_ms >= 0 && seconds_since(&con.start) * 1000 >= (double)con.delay_ms;
}

static void draw_progress(void)
{
    long rows;
    long long bytes;
    const char *stage = progress_sample(&rows, &bytes);
    if (!stage) return;
    double dt = seconds_since(&con.last);
    if (dt > 0.05) {
        double now_rate = (double)(bytes - con.last_bytes) / dt / 1e6;
        con.rate = con.rate ? 0.5 * con.rate + 0.5 * now_rate : now_rate;
        con.last_bytes = bytes;
        clock_gettime(CLOCK_MONOTONIC, &con.last);
    }
    char nrows[32], mb[32], rate[32];
    group_thousands(nrows, sizeof nrows, rows);
    decimal_comma(mb, sizeof mb, (double)bytes / 1e6);
    decimal_comma(rate, sizeof rate, con.rate);
    pthread_mutex_lock(&con.mu);
    fprintf(stderr, "\r\033[Kmtqg-report: [%s] đã đọc %s dòng, %s MB, %s MB/s", stage, nrows, mb,
            rate);
    fflush(stderr);
    con.drawn = 1;
    pthread_mutex_unlock(&con.mu);
}

static void *tick(void *arg)
{
    (void)arg;
    struct timespec pause = {0, TICK_MS * 1000000L};
    for (;;) {
        pthread_mutex_lock(&con.mu);
        int stop = con.stop;
        pthread_mutex_unlock(&con.mu);
        if (stop) break;
        if (due()) draw_progress();
        nanosleep(&pause, NULL);
    }
    return NULL;
}

/* A new stage is drawn at once (when the delay has passed), not at the
 * next tick: a short stage is seen too. */
static void stage_begins(const char *stage)
{
    (void)stage;
    if (!con.opt.quiet && due()) draw_progress();
}

void console_open(const console_options *opt)
{
    con.opt = *opt;
    con.tty = isatty(STDERR_FILENO);
    if (con.opt.use_syslog) openlog("mtqg-report", LOG_PID, LOG_USER);
    const char *d = getenv("MTQG_PROGRESS_DELAY_MS");
    con.delay_ms = !d || !*d ? 1000 : strcmp(d, "off") == 0 ? -1 : atol(d);
    clock_gettime(CLOCK_MONOTONIC, &con.start);
    con.last = con.start;
    if (con.tty && !con.opt.quiet && con.delay_ms >= 0) {
        con.ticking = pthread_create(&con.ticker, NULL, tick, NULL) == 0;
        if (con.ticking) progress_on_stage(stage_begins);
    }
}

void console_set_quiet(int quiet)
{
    con.opt.quiet = quiet;
}

int console_is_terminal(void)
{
    return con.tty;
}

void console_summary(const char *text, int status, const char *meaning)
{
    if (!con.tty || con.opt.quiet) return;
    pthread_mutex_lock(&con.mu);
    clear_progress();
    fprintf(stderr, "mtqg-report: xong: %s; mã thoát %d (%s)\n", text, status, meaning);
    fflush(stderr);
    pthread_mutex_unlock(&con.mu);
}

void console_close(void)
{
    if (con.ticking) {
        progress_on_stage(NULL);
        pthread_mutex_lock(&con.mu);
        con.stop = 1;
        pthread_mutex_unlock(&con.mu);
        pthread_join(con.ticker, NULL);
        con.ticking = 0;
    }
    pthread_mutex_lock(&con.mu);
    clear_progress();
    pthread_mutex_unlock(&con.mu);
    if (con.opt.use_syslog) closelog();
}
