/*
 * trim: give the memory the process has freed back to the system.
 *
 * glibc keeps what is freed in the arena of the thread that freed it,
 * where another thread's growth cannot reuse it, and counts it in the
 * resident size until it is trimmed. The run trims where one stage's
 * memory is done with and the next grows on other threads: after the
 * reading threads (before the merge), once a reading thread's aggregates
 * are merged (they sit in that dead thread's arena), before the writers,
 * after each output's writer.
 *
 * Layering: used by read/ingest and cli/job (mem_settle by cli/main); uses
 * nothing of the program.
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

/**
 * mem_settle - called once at start (main): blocks of 256 KB
 * or more are mapped on their own and unmapped when freed, for the whole
 * run. glibc's default raises that threshold to the size of the first such
 * block freed (up to 32 MB); from then on the run's big tables and buffers
 * (the reading blocks, the repeats' tables, the content items) would come
 * from the arenas, where a freed one stays resident beside new growth
 * until a trim. Same scope as mem_trim (glibc, not under AddressSanitizer).
 */
void mem_settle(void);

#endif
