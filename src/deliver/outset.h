/*
 * outset: the files one run writes, published together as one set.
 *
 * Every output is written into a fresh generation folder under the output
 * folder's hidden `.mtqg/`; the documented names in the output folder are
 * symbolic links through one switch link per set:
 *
 *   output/bao-cao-1719-2024.pdf  -> .mtqg/bao-cao-1719-2024/bao-cao-1719-2024.pdf
 *   output/.mtqg/bao-cao-1719-2024 -> bao-cao-1719-2024.<pid>-<n>   (the switch)
 *   output/.mtqg/bao-cao-1719-2024.<pid>-<n>/   the generation's files
 *
 * outset_commit flushes the generation, makes sure every name links through
 * the switch, and then replaces the switch with one rename(2): that rename is
 * the commit. A run killed at any instant leaves either the whole previous
 * set (workbook, PDF, rejects and manifest) or the whole new one; what it
 * left half-made is removed by the next run (outset_collect, under the
 * folder's lock). A folder written by an older version (regular files) is
 * taken over without a moment of mixed content: its files are first
 * hard-linked into a generation of their own that the switch points to,
 * then each is replaced by the link that reads the same bytes.
 */
#ifndef MTQG_OUTSET_H
#define MTQG_OUTSET_H

#include <stdint.h>

#include "../util/sha256.h"
#include "../util/strbuf.h"

#define OUTSET_STATE ".mtqg"   /* the hidden folder of generations and switches */

/* A file's SHA-256 and size, taken when it was sealed; hex "" until then. */
typedef struct outset_digest {
    char hex[SHA256_HEX];
    uint64_t bytes;
} outset_digest;

typedef struct outset {
    int n, alloc;   /* the set grows with its files: a split writes thousands */
    char **final;
    char **tmp;
    outset_digest *digest; /* grows with final and tmp */
    char *dir;      /* the output folder */
    char *set;      /* the set's name: "bao-cao-1719-2024" */
    char *gen;      /* the generation folder's name under .mtqg, NULL: none */
    int committed;
} outset;

/** outset_init */
void outset_init(outset *o);
/**
 * outset_open - start the set `set` in the output folder dir: creates
 * dir/.mtqg and a fresh generation folder. 0, or -1 with err.
 */
int outset_open(outset *o, const char *dir, const char *set, strbuf *err);
/**
 * outset_add - register dir/name (dir: the folder given to outset_open);
 * returns the temporary path to write (in the generation folder, owned by
 * the outset), or NULL when the set is full or not open.
 */
const char *outset_add(outset *o, const char *dir, const char *name);
/**
 * outset_seal - the i-th file is written and closed: flush it to disk and
 * take its SHA-256 and size (outset_digest_of), so that outset_commit and
 * the manifest need not read it again. The writing threads seal their own
 * files as they finish them, beside the other thread's work: calls for
 * different i may run at once, while no outset_add does. 0, or -1 with err.
 */
int outset_seal(outset *o, int i, strbuf *err);
/** outset_digest_of - the i-th file's digest when sealed, else NULL. */
const outset_digest *outset_digest_of(const outset *o, int i);
/** outset_final - the final path of the i-th file. */
const char *outset_final(const outset *o, int i);
/**
 * outset_commit - fsync the files (those not sealed), link every name through the switch and
 * switch to the new generation in one rename. On failure the new
 * generation is removed and the previous set stays; -1 with err.
 */
int outset_commit(outset *o, strbuf *err);
/** outset_abort - remove an uncommitted generation (safe after commit). */
void outset_abort(outset *o);
/** outset_free - abort, then release. */
void outset_free(outset *o);
/** outset_ensure_dir - create dir (one level) if missing; -1 with err. */
int outset_ensure_dir(const char *dir, strbuf *err);
/**
 * outset_collect - remove what killed runs left in dir/.mtqg: generation
 * folders no switch points to and temporary switch links. Call with the
 * folder's lock held. Returns how many entries were removed.
 */
int outset_collect(const char *dir);

#endif
