/*
 * testutil: small helpers shared by the cmocka tests: temporary folders,
 * whole-file reads and writes, and running a command to capture its output
 * (pdftotext, python3 for independent totals, the program itself).
 */
#ifndef MTQG_TESTUTIL_H
#define MTQG_TESTUTIL_H

#include <stddef.h>

#include "util/strbuf.h"

/** tu_tmpdir - a fresh empty folder under $TMPDIR or /tmp (caller frees). */
char *tu_tmpdir(const char *tag);
/** tu_rmtree - remove a folder made by tu_tmpdir. */
void tu_rmtree(const char *dir);
/** tu_read_file - whole file into heap memory (NUL-terminated); NULL if absent. */
char *tu_read_file(const char *path, size_t *len);
/** tu_write_file - write s to path; 0 on success. */
int tu_write_file(const char *path, const char *s);
/** tu_run - run a shell command, append its stdout to out; returns exit status. */
int tu_run(const char *cmd, strbuf *out);
/** tu_path - "dir/name" in a static-free heap string (caller frees). */
char *tu_path(const char *dir, const char *name);
/** tu_count - occurrences of needle in hay. */
int tu_count(const char *hay, const char *needle);

#endif
