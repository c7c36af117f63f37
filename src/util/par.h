/*
 * par: n independent jobs on the calling thread and one more. The table
 * stage (one table per form) and the writing stage (one file per writer)
 * each have a handful of jobs of unequal size that only read shared data;
 * two threads taking the next job from one counter keep both cores of the
 * machines this runs on busy without a pool to manage.
 *
 * Layering: used by cli/job; uses nothing of the program.
 */
#ifndef MTQG_PAR_H
#define MTQG_PAR_H

/**
 * par_each - call fn(arg, i) once for each i in [0, n), in increasing i,
 * from the calling thread and (when n > 1 and a thread can be made) one
 * other; returns when every call has returned. fn must be safe to run
 * beside itself for different i: each call writes only its own results.
 * When no thread can be made the calling thread does them all.
 */
void par_each(int n, void (*fn)(void *arg, int i), void *arg);

#endif
