/* Planning, running and merging read tasks; see ingest.h. */
#include "ingest.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "../util/text.h"
#include "csv_stream.h"
#include "layout.h"
#include "read_task.h"

typedef struct input_file {
    char *path;
    input_kind kind;
    csv_head head;
    layout lay;
} input_file;

typedef struct plan {
    int nfiles;
    input_file *files;
    int ntasks;
    read_task *tasks;
} plan;

static const char *const kind_prefix[KIND_COUNT] = {"ke_hoach", "giai_ngan", "chi_tieu"};

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The kind a file name announces, or -1. */
static int kind_of_name(const char *name)
{
    strbuf k = STRBUF_INIT;
    int kind = -1;
    if (text_ident_key(&k, name, strlen(name)) == 0)
        for (int i = 0; i < KIND_COUNT; i++)
            if (!strncmp(k.buf, kind_prefix[i], strlen(kind_prefix[i]))) kind = i;
    strbuf_release(&k);
    return kind;
}

static int has_ext(const char *name, const char *ext)
{
    size_t n = strlen(name), e = strlen(ext);
    return n > e && !strcasecmp(name + n - e, ext);
}

static void add_file(plan *p, const char *dir, const char *name, input_kind kind)
{
    p->files = xrealloc(p->files, (size_t)(p->nfiles + 1) * sizeof(input_file));
    input_file *f = &p->files[p->nfiles++];
    memset(f, 0, sizeof *f);
    strbuf path = STRBUF_INIT;
    strbuf_addf(&path, "%s/%s", dir, name);
    f->path = strbuf_detach(&path, NULL);
    f->kind = kind;
}

/* List the folder, sorted, and keep the files whose names say their kind. */
static ingest_status find_files(plan *p, const char *dir, strbuf *err)
{
    DIR *d = opendir(dir);
    if (!d) {
        strbuf_addf(err, "%s: không mở được thư mục dữ liệu vào (%s)", dir, strerror(errno));
        return INGEST_INPUT_MISSING;
    }
    char **names = NULL;
    size_t n = 0, alloc = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.' && kind_of_name(e->d_name) >= 0) {
            ALLOC_GROW(names, n + 1, alloc);
            names[n++] = xstrdup(e->d_name);
        }
    closedir(d);
    qsort(names, n, sizeof *names, name_cmp);
    ingest_status st = INGEST_OK;
    for (size_t i = 0; i < n; i++) {
        if (has_ext(names[i], ".csv") || has_ext(names[i], ".txt"))
            add_file(p, dir, names[i], (input_kind)kind_of_name(names[i]));
        else if (st == INGEST_OK && (has_ext(names[i], ".xlsx") || has_ext(names[i], ".xls"))) {
            strbuf_addf(err, "%s/%s: định dạng bảng tính này chưa được hỗ trợ; "
                        "hãy lưu thành CSV UTF-8", dir, names[i]);
            st = INGEST_BAD_FILE;
        }
        free(names[i]);
    }
    free(names);
    return st;
}

static ingest_status read_heads(plan *p, const config *cfg, strbuf *err)
{
    int have_plan = 0;
    for (int i = 0; i < p->nfiles; i++) {
        input_file *f = &p->files[i];
        if (csv_stream_head(f->path, &f->head, err) < 0) return INGEST_BAD_FILE;
        if (layout_build(&f->lay, f->kind, (const char *const *)f->head.cells,
                         f->head.lens, f->head.ncells, cfg, f->path, err) < 0)
            return INGEST_BAD_FILE;
        have_plan |= f->kind == KIND_PLAN;
    }
    if (!have_plan) {
        strbuf_addf(err, "%s: không có tệp kế hoạch vốn (ke_hoach*.csv)", cfg->input_dir);
        return INGEST_INPUT_MISSING;
    }
    return INGEST_OK;
}

static read_task *new_task(plan *p, int file, off_t begin, off_t end,
                           const config *cfg, const catalogue *cat)
{
    p->tasks = xrealloc(p->tasks, (size_t)(p->ntasks + 1) * sizeof(read_task));
    read_task *t = &p->tasks[p->ntasks];
    read_task_init(t);
    input_file *f = &p->files[file];
    t->index = p->ntasks++;
    t->file = file;
    t->path = f->path;
    t->lay = &f->lay;
    t->delim = f->head.delim;
    t->begin = begin;
    t->end = end;
    t->cfg = cfg;
    t->cat = cat;
    return t;
}

static void make_tasks(plan *p, const config *cfg, const catalogue *cat, long split)
{
    for (int i = 0; i < p->nfiles; i++) {
        input_file *f = &p->files[i];
        off_t b = f->head.body_start, e = f->head.size;
        off_t mid = e - b > split ? csv_stream_split(f->path, b, e) : e;
        new_task(p, i, b, mid, cfg, cat);
        if (mid < e) new_task(p, i, mid, e, cfg, cat);
    }
}

typedef struct pool {
    read_task *tasks;
    int *order;        /* largest first, so both threads finish together */
    int ntasks;
    atomic_int next;
} pool;

static void *worker(void *arg)
{
    pool *pl = arg;
    int i;
    while ((i = atomic_fetch_add(&pl->next, 1)) < pl->ntasks)
        read_task_run(&pl->tasks[pl->order[i]]);
    return NULL;
}

static int by_size_desc(const void *a, const void *b, void *tasks)
{
    const read_task *base = tasks;
    const read_task *x = &base[*(const int *)a], *y = &base[*(const int *)b];
    off_t sx = x->end - x->begin, sy = y->end - y->begin;
    if (sx != sy) return sx < sy ? 1 : -1;
    return x->index - y->index;
}

static void run_tasks(plan *p, int threads)
{
    pool pl = {p->tasks, xcalloc((size_t)p->ntasks, sizeof(int)), p->ntasks, 0};
    for (int i = 0; i < p->ntasks; i++) pl.order[i] = i;
    qsort_r(pl.order, (size_t)p->ntasks, sizeof(int), by_size_desc, p->tasks);
    pthread_t tid[8];
    int started = 0;
    for (int i = 1; i < threads && i < p->ntasks && i < 8; i++)
        if (pthread_create(&tid[started], NULL, worker, &pl) == 0) started++;
    worker(&pl);
    for (int i = 0; i < started; i++) pthread_join(tid[i], NULL);
    free(pl.order);
}

/* A file whose split was wrong is read again as one task (same index). */
static void rerun_bad_splits(plan *p)
{
    for (int i = 0; i + 1 < p->ntasks; i++) {
        read_task *a = &p->tasks[i], *b = &p->tasks[i + 1];
        if (a->file != b->file || (a->clean_end && !b->failed)) continue;
        read_task whole;
        read_task_init(&whole);
        whole.index = a->index;
        whole.file = a->file;
        whole.path = a->path;
        whole.lay = a->lay;
        whole.delim = a->delim;
        whole.begin = a->begin;
        whole.end = b->end;
        whole.cfg = a->cfg;
        whole.cat = a->cat;
        read_task_run(&whole);
        read_task_free(a);
        *a = whole;
        /* The second half now reads nothing: an empty task in its place. */
        read_task_free(b);
        read_task_init(b);
        b->index = a->index + 1;
        b->file = a->file;
        b->path = a->path;
        b->lay = a->lay;
        b->clean_end = 1;
    }
}

static void merge_task(dataset *ds, read_task *t)
{
    int *remap = xcalloc((size_t)t->units.nunits + 1, sizeof(int));
    units_merge(&ds->units, &t->units, remap);
    cube_merge(&ds->cube, &t->cube, remap, t->cfg->disbursement == DISB_SNAPSHOT);
    indicators_merge(&ds->ind, &t->ind, remap);
    free(remap);
    file_stats *fs = &ds->files[t->file];
    fs->read += t->read;
    fs->accepted += t->accepted;
    fs->skipped += t->skipped;
    fs->rejected += t->rejected;
    fs->other_year += t->other_year;
    ds->rejected_total += t->rejected;
}

/* Rejects of all tasks, in file and row order, with absolute row numbers. */
static int merge_rejects(dataset *ds, plan *p, strbuf *err)
{
    if (ds->rejected_total == 0) return 0;
    if (!(ds->rejects = tmpfile())) {
        strbuf_addf(err, "không tạo được tệp tạm cho danh sách dòng bị loại (%s)",
                    strerror(errno));
        return -1;
    }
    long before = 0;
    for (int i = 0; i < p->ntasks; i++) {
        read_task *t = &p->tasks[i];
        if (i > 0 && p->tasks[i - 1].file != t->file) before = 0;
        /* Row 1 is the header, so data record k (0-based) is row k + 2. */
        if (rejects_csv_append(ds->rejects, &t->rejects, t->path, before + 2) < 0) {
            strbuf_addf(err, "không ghi được danh sách dòng bị loại");
            return -1;
        }
        before += t->read;
    }
    return 0;
}

static void free_plan(plan *p)
{
    for (int i = 0; i < p->ntasks; i++) read_task_free(&p->tasks[i]);
    for (int i = 0; i < p->nfiles; i++) {
        free(p->files[i].path);
        csv_head_free(&p->files[i].head);
        layout_free(&p->files[i].lay);
    }
    free(p->tasks);
    free(p->files);
}

static int first_failure(plan *p, strbuf *err)
{
    for (int i = 0; i < p->ntasks; i++)
        if (p->tasks[i].failed) {
            strbuf_add(err, p->tasks[i].err.buf, p->tasks[i].err.len);
            return 1;
        }
    return 0;
}

ingest_status ingest_run(dataset *ds, const config *cfg,
                         const ingest_options *opt, strbuf *err)
{
    plan p = {0};
    ingest_status st = find_files(&p, cfg->input_dir, err);
    if (st == INGEST_OK) st = read_heads(&p, cfg, err);
    if (st == INGEST_OK) {
        long split = opt->split_bytes > 0 ? opt->split_bytes : 8L << 20;
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        int threads = opt->threads > 0 ? opt->threads : (cores >= 2 ? 2 : 1);
        make_tasks(&p, cfg, ds->cat, split);
        run_tasks(&p, threads);
        rerun_bad_splits(&p);
        if (first_failure(&p, err)) st = INGEST_BAD_FILE;
    }
    if (st == INGEST_OK) {
        ds->nfiles = p.nfiles;
        ds->files = xcalloc((size_t)p.nfiles + 1, sizeof(file_stats));
        for (int i = 0; i < p.nfiles; i++) {
            ds->files[i].path = xstrdup(p.files[i].path);
            ds->files[i].kind = p.files[i].kind;
        }
        for (int i = 0; i < p.ntasks; i++) merge_task(ds, &p.tasks[i]);
        if (merge_rejects(ds, &p, err) < 0) st = INGEST_BAD_FILE;
    }
    free_plan(&p);
    return st;
}
