/* Giving freed memory back; see trim.h. */
#include "trim.h"

#if defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__)
#include <malloc.h>
#endif

void mem_trim(void)
{
#if defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__)
    malloc_trim(0);
#endif
}

#define MEM_MAPPED_FROM (256 * 1024) /* see mem_settle */

void mem_settle(void)
{
#if defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__)
    mallopt(M_MMAP_THRESHOLD, MEM_MAPPED_FROM);
#endif
}
