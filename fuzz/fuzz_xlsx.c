/*
 * fuzz_xlsx: libFuzzer target for read/xlsx_stream, the readers that take
 * a zip package and XML from users: .xlsx and, on the same bytes, .ods. The input bytes are the .xlsx
 * file: they go to an anonymous memory file (memfd) opened by path, so the
 * reader runs exactly as on disk, minizip included, with no temp files
 * left behind. Small limits keep each run fast while still reaching the
 * limit checks. The callback touches every cell and checks the record
 * contract (row order, NUL-terminated valid UTF-8 cells, no trailing
 * empty cell), so
 * a broken invariant is a crash the fuzzer reports, not a silent miss.
 *
 * Build by hand (`make fuzz` builds it with every source):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined \
 *     -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION -Isrc \
 *     fuzz/fuzz_xlsx.c src/read/xlsx_stream.c src/read/xml_scan.c src/util/strbuf.c \
 *     src/util/text.c src/util/progress.c src/util/syserr.c \
 *     -lminizip -lz -lexpat -lunistring -pthread -o fuzz_xlsx
 *   ./fuzz_xlsx -max_total_time=60 fuzz/corpus/xlsx
 * FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION makes the reader skip CRC
 * checks, so mutations of stored XML parts reach the parsers.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "read/xlsx_stream.h"
#include "util/text.h"

typedef struct seen {
    long next_index;
    size_t bytes;
} seen;

static int touch(void *ctx, const record *r)
{
    seen *s = ctx;
    if (r->index != s->next_index++ || r->n < 0 || r->n > 16384) __builtin_trap();
    for (int i = 0; i < r->n; i++) {
        if (r->cell[i][r->len[i]] != '\0' || strlen(r->cell[i]) != r->len[i]) __builtin_trap();
        if (r->type[i] > CELL_ERROR || !text_valid_utf8(r->cell[i], r->len[i])) __builtin_trap();
        s->bytes += r->len[i];
    }
    if (r->n > 0 && r->len[r->n - 1] == 0) __builtin_trap();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int fd = memfd_create("fuzz_xlsx", MFD_CLOEXEC);
    if (fd < 0) return 0;
    if (write(fd, data, size) != (ssize_t)size) {
        close(fd);
        return 0;
    }
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    xlsx_limits lim = {1 << 20, 1 << 20, 1000};
    seen s = {0, 0};
    strbuf err = STRBUF_INIT;
    /* Odd sizes ask for a sheet by name, even ones for the first sheet. */
    int rc = xlsx_stream_read(path, (size & 1) ? "Giải ngân" : NULL, &lim, touch, &s, &err);
    if ((rc == -1) != (err.len > 0)) __builtin_trap(); /* an error always says why */
    /* The same bytes as an .ods: the OpenDocument reader shares the zip
     * layer and the record contract (seeds of both kinds are in the corpus). */
    strbuf_reset(&err);
    seen o = {0, 0};
    rc = ods_stream_read(path, (size & 1) ? "Giải ngân" : NULL, &lim, touch, &o, &err);
    if ((rc == -1) != (err.len > 0)) __builtin_trap();
    strbuf_release(&err);
    close(fd);
    return 0;
}
