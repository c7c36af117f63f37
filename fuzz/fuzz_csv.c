/*
 * fuzz_csv: libFuzzer target for the CSV path users feed most: the header
 * read (delimiter sniffing, BOM), the layout, and the row parser over the
 * body, cut in two at a line boundary as the two reading threads do. The
 * input bytes are a plan file (memfd, opened by path). The config is the
 * default one, so every row goes through number, date, code and unit
 * parsing and either aggregates or is rejected.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "config/config.h"
#include "model/catalogue.h"
#include "read/csv_stream.h"
#include "read/inputs.h"
#include "read/read_task.h"

static void read_range(input_file *f, const config *cfg, const catalogue *cat, off_t b, off_t e)
{
    read_task t;
    read_sink sink;
    read_task_init(&t);
    read_sink_init(&sink);
    t.in = f;
    t.begin = b;
    t.end = e;
    t.cfg = cfg;
    t.cat = cat;
    t.sink = &sink;
    read_task_run(&t);
    /* Nothing lost: rows coded to a parent project are held until ingest
     * sees the whole file (a subtotal or project-level data), so a task on
     * its own accounts for them as held. */
    if (t.read != t.accepted + t.skipped + t.rejected + t.held_rows + t.npending) __builtin_trap();
    read_sink_free(&sink);
    read_task_free(&t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static catalogue cat;
    static int loaded;
    strbuf err = STRBUF_INIT;
    if (!loaded) {
        if (catalogue_load(&cat, "templates/catalogue.txt", &err) < 0) __builtin_trap();
        loaded = 1;
    }
    int fd = memfd_create("ke_hoach.csv", 0);
    if (fd < 0 || write(fd, data, size) != (ssize_t)size) return 0;
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    config cfg;
    config_defaults(&cfg);
    cfg.year = 2024;
    cfg.as_of = 20241231;
    input_file f;
    memset(&f, 0, sizeof f);
    f.path = path;
    f.kind = KIND_PLAN;
    f.title_scale = -1; /* no title row: the file's unit */
    if (csv_stream_head(path, 0, &f.head, &err) == 0 &&
        layout_build(&f.lay, KIND_PLAN, (const char *const *)f.head.cells, f.head.lens,
                     f.head.ncells, &cfg, path, &err) == 0) {
        f.have_layout = 1;
        off_t mid = csv_stream_split(path, f.head.body_start, f.head.size);
        read_range(&f, &cfg, &cat, f.head.body_start, mid);
        if (mid < f.head.size) read_range(&f, &cfg, &cat, mid, f.head.size);
    }
    layout_free(&f.lay);
    csv_head_free(&f.head);
    config_free(&cfg);
    strbuf_release(&err);
    close(fd);
    return 0;
}
