/*
 * progress: how far the run is, for the command line's progress line on a
 * terminal. The stages bump process-wide counters (rows read, bytes read)
 * and name the stage they are in; a reader on another thread (the terminal
 * ticker in cli/console) samples them. Counters are relaxed atomics, bumped
 * in batches by the readers, so the hot path pays one addition per block,
 * not per row; nothing reads them but the display, so no ordering is needed.
 */
#ifndef MTQG_PROGRESS_H
#define MTQG_PROGRESS_H

/** progress_stage - the stage now running ("đọc", "bảng", "ghi"); a static string. */
void progress_stage(const char *stage);

/**
 * progress_on_stage - fn is called (on the stage's thread) each time a
 * stage begins, so a display can redraw at once; NULL: nobody.
 */
void progress_on_stage(void (*fn)(const char *stage));

/** progress_add - rows and bytes just read (called per block, any thread). */
void progress_add(long rows, long long bytes);

/** progress_reset - counters to zero, no stage: at the start of each job. */
void progress_reset(void);

/** progress_sample - the current stage (NULL before any) and counters. */
const char *progress_sample(long *rows, long long *bytes);

#endif
