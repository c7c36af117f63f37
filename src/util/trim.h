/*
 * trim: give the memory the process has freed back to the system.
 *
 * glibc keeps what is freed in the arena of the thread that freed it,
 * where another thread's growth cannot reuse it, and counts it in the
 * resident size until it is trimmed. The run trims where one stage's
 * memory is done with and the next grows on other threads: after the
 * reading threads (before the merge), after each output's writer.
 *
 * Layering: used by read/ingest and cli/job; uses nothing of the program.
 */
#ifndef MTQG_TRIM_H
#define MTQG_TRIM_H

/**
 * mem_trim - malloc_trim(0) with glibc. Nothing elsewhere, nor under
 * AddressSanitizer: its allocator is not glibc's, and glibc's malloc_trim,
 * which it does not intercept, would set up glibc's unused allocator from
 * two threads at once. Any thread may call it.
 */
void mem_trim(void);

#endif
