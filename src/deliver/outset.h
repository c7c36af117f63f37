/*
 * outset: the files one run writes, committed together. Every output is
 * written under a temporary name in its final folder; outset_commit flushes
 * each to disk and renames them into place only when all are complete, so a
 * failed run leaves the previous outputs exactly as they were, and a reader
 * never sees a half-written report.
 */
#ifndef MTQG_OUTSET_H
#define MTQG_OUTSET_H

#include "../util/strbuf.h"

/* Grows with the files: a job split per commune writes thousands. */
typedef struct outset {
    int n, alloc;
    char **final;
    char **tmp;
} outset;

/** outset_init */
void outset_init(outset *o);
/**
 * outset_add - register dir/name; returns the temporary path to write
 * (owned by the outset). Never NULL: the set grows as needed.
 */
const char *outset_add(outset *o, const char *dir, const char *name);
/** outset_final - the final path of the i-th file. */
const char *outset_final(const outset *o, int i);
/**
 * outset_commit - fsync and rename every file into place. On failure the
 * temporaries are removed; -1 with the reason in err.
 */
int outset_commit(outset *o, strbuf *err);
/** outset_abort - remove the temporaries (safe after commit too). */
void outset_abort(outset *o);
/** outset_free - abort, then release. */
void outset_free(outset *o);
/** outset_ensure_dir - create dir (one level) if missing; -1 with err. */
int outset_ensure_dir(const char *dir, strbuf *err);

#endif
