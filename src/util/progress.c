/* Progress counters; see progress.h. */
#include "progress.h"

#include <stdatomic.h>

static _Atomic long rows_read;
static _Atomic long long bytes_read;
static const char *_Atomic stage_now;
static void (*_Atomic on_stage)(const char *);

void progress_on_stage(void (*fn)(const char *stage))
{
    atomic_store(&on_stage, fn);
}

void progress_stage(const char *stage)
{
    atomic_store_explicit(&stage_now, stage, memory_order_relaxed);
    void (*fn)(const char *) = atomic_load(&on_stage);
    if (fn) fn(stage);
}

void progress_add(long rows, long long bytes)
{
    if (rows) atomic_fetch_add_explicit(&rows_read, rows, memory_order_relaxed);
    if (bytes) atomic_fetch_add_explicit(&bytes_read, bytes, memory_order_relaxed);
}

void progress_reset(void)
{
    atomic_store_explicit(&rows_read, 0, memory_order_relaxed);
    atomic_store_explicit(&bytes_read, 0, memory_order_relaxed);
    atomic_store_explicit(&stage_now, (const char *)0, memory_order_relaxed);
}

const char *progress_sample(long *rows, long long *bytes)
{
    *rows = atomic_load_explicit(&rows_read, memory_order_relaxed);
    *bytes = atomic_load_explicit(&bytes_read, memory_order_relaxed);
    return atomic_load_explicit(&stage_now, memory_order_relaxed);
}
