/*
 * regfile: opening a file the program reads (input, config, template) only
 * when it is a regular file. A FIFO, a device or a folder named like an
 * input would block a read forever (while the output folder's lock is
 * held) or read endlessly; it is refused with a reason instead, and the
 * check never blocks: O_NONBLOCK on open, then fstat.
 */
#ifndef MTQG_REGFILE_H
#define MTQG_REGFILE_H

#include <sys/types.h>

#include "strbuf.h"

/**
 * regfile_open - open path for reading when it is a regular file (after
 * following symbolic links). Returns the descriptor (blocking mode, close
 * on exec) and its size in *size (if not NULL), or -1 with err saying why,
 * naming the path: missing, unreadable, a folder, a FIFO, a device.
 */
int regfile_open(const char *path, off_t *size, strbuf *err);
/** regfile_check - 0 when path is a regular file, else -1 with err as above. */
int regfile_check(const char *path, strbuf *err);

#endif
