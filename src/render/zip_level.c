/*
 * zip_level: the deflate level of the workbook's parts.
 *
 * libxlsxwriter 1.1 zips the workbook through minizip at zlib's default
 * level and has no setting for it. On the national report that deflate was
 * the largest single cost of writing the workbook (9.3 MB of sheet XML:
 * 0.37 s at level 6, 0.23 s at level 2, the file 2.30 MB instead of 1.96).
 * The program defines minizip's zipOpenNewFileInZip4_64 itself: the
 * dynamic linker resolves libxlsxwriter's call to this definition (the
 * executable comes first in the lookup order), which asks for
 * ZIP_LEVEL_FAST where the caller asked for zlib's default and hands over
 * to minizip's own function, found with dlsym(RTLD_NEXT). A caller that
 * names a level (docx_writer) keeps it. test_formats checks the level in
 * the workbook's zip headers, so a build where this is not reached fails.
 */
#include "zip_level.h"

#include <dlfcn.h>
#include <pthread.h>

typedef int (*open_fn)(zipFile, const char *, const zip_fileinfo *, const void *, uInt,
                       const void *, uInt, const char *, int, int, int, int, int, int,
                       const char *, uLong, uLong, uLong, int);

static open_fn minizip_open;
static pthread_once_t resolved = PTHREAD_ONCE_INIT;

static void resolve(void)
{
    minizip_open = (open_fn)dlsym(RTLD_NEXT, "zipOpenNewFileInZip4_64");
}

int zipOpenNewFileInZip4_64(zipFile file, const char *filename, const zip_fileinfo *zipfi,
                            const void *extrafield_local, uInt size_extrafield_local,
                            const void *extrafield_global, uInt size_extrafield_global,
                            const char *comment, int method, int level, int raw,
                            int windowBits, int memLevel, int strategy, const char *password,
                            uLong crcForCrypting, uLong versionMadeBy, uLong flagBase, int zip64)
{
    pthread_once(&resolved, resolve);
    if (!minizip_open) return ZIP_INTERNALERROR; /* the writer reports the failed part */
    if (level == Z_DEFAULT_COMPRESSION) level = ZIP_LEVEL_FAST;
    return minizip_open(file, filename, zipfi, extrafield_local, size_extrafield_local,
                        extrafield_global, size_extrafield_global, comment, method, level, raw,
                        windowBits, memLevel, strategy, password, crcForCrypting, versionMadeBy,
                        flagBase, zip64);
}
