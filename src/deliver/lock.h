/*
 * lock: one run at a time per output folder. The lock is an flock() on
 * the folder itself (Linux allows it on a directory descriptor): the
 * kernel drops it when the process ends, however it ends, so a crashed run
 * never leaves a stale lock, and no lock file litters the outputs.
 * Temporary outputs a crashed run left behind are removed once the lock
 * is held.
 */
#ifndef MTQG_LOCK_H
#define MTQG_LOCK_H

#include "../util/strbuf.h"

typedef struct run_lock {
    int fd;   /* the folder, open; -1: not held */
} run_lock;

/**
 * lock_acquire - take the lock of dir, waiting up to wait_s seconds.
 * Returns 0; 1 when another run holds it; -1 on error (err says why).
 */
int lock_acquire(run_lock *l, const char *dir, int wait_s, strbuf *err);
/** lock_release - drop the lock (closing the file). */
void lock_release(run_lock *l);
/**
 * lock_clean_temporaries - remove ".<name>.tmp-<pid>" files of dir whose
 * process no longer runs (what a crash in the middle of writing leaves).
 * Returns how many were removed.
 */
int lock_clean_temporaries(const char *dir);

#endif
