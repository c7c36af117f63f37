/* Planning, running and merging read tasks; see ingest.h. */
#include "ingest.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../util/decimal.h"
#include "csv_stream.h"
#include "inputs.h"
#include "read_task.h"

typedef struct plan {
    input_list in;
    int ntasks;
    read_task *tasks;
} plan;

static read_task *new_task(plan *p, int file, off_t begin, off_t end,
                           const config *cfg, const catalogue *cat)
{
    p->tasks = xrealloc(p->tasks, (size_t)(p->ntasks + 1) * sizeof(read_task));
    read_task *t = &p->tasks[p->ntasks];
    read_task_init(t);
    t->index = p->ntasks++;
    t->file = file;
    t->in = &p->in.files[file];
    t->begin = begin;
    t->end = end;
    t->cfg = cfg;
    t->cat = cat;
    return t;
}

static void make_tasks(plan *p, const config *cfg, const catalogue *cat, long split)
{
    for (int i = 0; i < p->in.n; i++) {
        input_file *f = &p->in.files[i];
        if (f->format != FMT_CSV) { /* read whole, in one pass */
            new_task(p, i, 0, 0, cfg, cat);
            continue;
        }
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
    read_sink *sinks;  /* one per worker */
} pool;

typedef struct worker_arg {
    pool *pl;
    int w;
} worker_arg;

static void *worker(void *arg)
{
    worker_arg *wa = arg;
    pool *pl = wa->pl;
    int i;
    while ((i = atomic_fetch_add(&pl->next, 1)) < pl->ntasks) {
        read_task *t = &pl->tasks[pl->order[i]];
        t->sink = &pl->sinks[wa->w];
        read_task_run(t);
    }
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

#define MAX_THREADS 8

/* Runs every task; returns how many sinks hold results. */
static int run_tasks(plan *p, read_sink *sinks, int threads)
{
    if (threads > MAX_THREADS) threads = MAX_THREADS;
    if (threads > p->ntasks) threads = p->ntasks > 0 ? p->ntasks : 1;
    pool pl = {p->tasks, xcalloc((size_t)p->ntasks + 1, sizeof(int)), p->ntasks, 0, sinks};
    for (int i = 0; i < p->ntasks; i++) pl.order[i] = i;
    qsort_r(pl.order, (size_t)p->ntasks, sizeof(int), by_size_desc, p->tasks);
    pthread_t tid[MAX_THREADS];
    worker_arg args[MAX_THREADS];
    int started = 1;
    for (int w = 0; w < threads; w++) {
        read_sink_init(&sinks[w]);
        args[w] = (worker_arg){&pl, w};
    }
    for (int w = 1; w < threads; w++) {
        if (pthread_create(&tid[w], NULL, worker, &args[w]) != 0) break;
        started++;
    }
    worker(&args[0]);
    for (int w = 1; w < started; w++) pthread_join(tid[w], NULL);
    free(pl.order);
    return threads;
}

/*
 * A split is wrong when the first half did not end between records (a
 * quoted field spans the cut), and suspect when the second half failed
 * (its row numbers would be relative). Either way everything is read again
 * on one thread with no split: rare, and simple to get right.
 */
static int split_went_wrong(const plan *p)
{
    for (int i = 0; i + 1 < p->ntasks; i++) {
        const read_task *a = &p->tasks[i], *b = &p->tasks[i + 1];
        if (a->file == b->file && (!a->clean_end || b->failed)) return 1;
    }
    return 0;
}

static void drop_tasks(plan *p)
{
    for (int i = 0; i < p->ntasks; i++) read_task_free(&p->tasks[i]);
    free(p->tasks);
    p->tasks = NULL;
    p->ntasks = 0;
}

/* The tasks of file i: [*from, *to). Tasks are made in file order. */
static void file_tasks(const plan *p, int i, int *from, int *to)
{
    int a = 0;
    while (a < p->ntasks && p->tasks[a].file != i) a++;
    int b = a;
    while (b < p->ntasks && p->tasks[b].file == i) b++;
    *from = a, *to = b;
}

/*
 * The convention an amount column of a file ends with: the first firm
 * one of its tasks (in file order), else Vietnamese if any task found it
 * so, else the plain form's, else -1 (nothing but ambiguous values).
 */
static const col_conv *file_convention(const plan *p, int a, int b, int f)
{
    const col_conv *weak = NULL;
    for (int k = a; k < b; k++) {
        const col_conv *c = &p->tasks[k].conv[f];
        if (c->settled >= 0 && c->firm) return c;
        if (c->settled >= 0 && !weak) weak = c;
    }
    return weak;
}

/*
 * A task that read ambiguous values by another convention than the one
 * its column ended with (a deciding value below them, or in the other
 * range of the file), or accepted values the file's firm convention
 * rejects, read wrong: the file's convention is pinned and the reading
 * starts again (the rare case). Returns 1 then.
 */
static int pin_conventions(plan *p)
{
    int again = 0;
    for (int i = 0; i < p->in.n; i++) {
        input_file *in = &p->in.files[i];
        int a, b;
        file_tasks(p, i, &a, &b);
        for (int f = 0; f < F_COUNT; f++) {
            const col_conv *fc = file_convention(p, a, b, f);
            if (!fc || in->pinned[f] >= 0) continue;
            int conv = fc->settled, wrong = 0;
            for (int k = a; k < b; k++) {
                const col_conv *c = &p->tasks[k].conv[f];
                if (c->amb_read[1 - conv] || (c->settled == 1 - conv && c->firm)) wrong = 1;
            }
            if (!wrong) continue;
            in->pinned[f] = (signed char)conv;
            in->pinned_row[f] = fc->row;
            memcpy(in->pinned_value[f], fc->value, sizeof in->pinned_value[f]);
            again = 1;
        }
    }
    return again;
}

/* What the log and the manifest say about the conventions: a column
 * written otherwise than configured, and a column whose values all read
 * both ways (taken by the configured convention). */
static void note_conventions(dataset *ds, const plan *p)
{
    static const char *const words[2] = {"quy ước Việt Nam", "dấu chấm thập phân"};
    static const char *const names[2] = {"vi", "en"};
    for (int i = 0; i < p->in.n; i++) {
        const input_file *in = &p->in.files[i];
        int a, b;
        file_tasks(p, i, &a, &b);
        for (int f = 0; f < F_COUNT; f++) {
            const col_conv *first = file_convention(p, a, b, f), *amb = NULL;
            long namb = 0;
            for (int k = a; k < b; k++) {
                const col_conv *c = &p->tasks[k].conv[f];
                long nk = c->amb_read[0] + c->amb_read[1];
                if (!amb && nk) amb = c;
                namb += nk;
            }
            if (first && first->settled != in->numconv) {
                strbuf at = STRBUF_INIT;
                if (first->row) strbuf_addf(&at, "dòng %ld: ", first->row);
                dataset_note(ds, "%s, cột %s: số viết theo %s (%s\"%s\"), khác number_format = %s "
                             "đã cấu hình; đọc theo cách viết của tệp", in->path, field_name((field_id)f),
                             words[first->settled], at.buf, first->value, names[in->numconv]);
                strbuf_release(&at);
            } else if (!first && amb) {
                dataset_note(ds, "%s, cột %s: cả %ld số đều đọc được hai cách (\"%s\" theo quy ước Việt "
                             "Nam hay theo dấu chấm thập phân); đã đọc theo number_format = %s đã cấu "
                             "hình; nếu sai, đặt number_format trong [file.<tên tệp>]", in->path,
                             field_name((field_id)f), namb, amb->amb_value, names[in->numconv]);
            }
        }
    }
}

/* The first sink becomes the dataset's aggregates; the others fold in. */
static void merge_sinks(dataset *ds, read_sink *sinks, int n, int snapshots)
{
    units_free(&ds->units);
    cube_free(&ds->cube);
    indicators_free(&ds->ind);
    ds->units = sinks[0].units;
    ds->cube = sinks[0].cube;
    ds->ind = sinks[0].ind;
    contents_free(&ds->items);
    ds->items = sinks[0].items;
    contents_init(&sinks[0].items);
    controls_free(&ds->checks);
    ds->checks = sinks[0].checks;
    controls_init(&sinks[0].checks);
    units_init(&sinks[0].units);
    cube_init(&sinks[0].cube);
    indicators_init(&sinks[0].ind);
    for (int w = 1; w < n; w++) {
        read_sink *s = &sinks[w];
        int *remap = xcalloc((size_t)s->units.nunits + 1, sizeof(int));
        units_merge(&ds->units, &s->units, remap);
        cube_merge(&ds->cube, &s->cube, remap, snapshots);
        indicators_merge(&ds->ind, &s->ind, remap);
        contents_merge(&ds->items, &s->items, remap);
        controls_merge(&ds->checks, &s->checks);
        free(remap);
    }
    for (int w = 0; w < n; w++) read_sink_free(&sinks[w]);
    units_sort_warnings(&ds->units);
    indicators_sort(&ds->ind);
    contents_sort(&ds->items);
    controls_compare(&ds->checks, &ds->cube, ds->cat);
}

/* Rows of a file's second half repeating a row of its first half. */
static void cross_duplicates(read_task *a, read_task *b)
{
    for (size_t i = 0; i < b->seen.cap; i++) {
        const dup_slot *slot = &b->seen.slots[i];
        long first;
        if (!dup_slot_fp(slot) || !dup_find(&a->seen, dup_slot_fp(slot), &first)) continue;
        b->duplicates++;
        if (b->ndup_examples < 8) {
            b->dup_examples[2 * b->ndup_examples] = slot->row;
            b->dup_examples[2 * b->ndup_examples + 1] = first - a->read; /* relative to b */
            b->ndup_examples++;
        }
    }
}

/* Duplicates counted (not rejected): said in the log with example rows. */
static void note_duplicates(dataset *ds, plan *p)
{
    long before = 0;
    for (int i = 0; i < p->ntasks; i++) {
        read_task *t = &p->tasks[i];
        if (i > 0 && p->tasks[i - 1].file == t->file) cross_duplicates(&p->tasks[i - 1], t);
        else before = 0;
        long base = before + inputs_first_row(t->in); /* before: 0 but in a CSV's 2nd range */
        for (int k = 0; k < t->ndup_examples; k++)
            dataset_note(ds, "%s: dòng %ld trùng hoàn toàn dòng %ld (vẫn được tính; đặt "
                         "duplicates = reject để loại)", t->in->path,
                         t->dup_examples[2 * k] + base, t->dup_examples[2 * k + 1] + base);
        before += t->read;
    }
}

static void count_task(dataset *ds, const read_task *t)
{
    for (const char *p = t->notes.buf; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        dataset_note(ds, "%.*s", (int)n, p);
        p += n + (nl ? 1 : 0);
    }
    file_stats *fs = &ds->files[t->file];
    fs->duplicates += t->duplicates;
    ds->duplicates_total += t->duplicates;
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
        long base = before + inputs_first_row(t->in); /* before: 0 but in a CSV's 2nd range */
        if (rejects_csv_append(ds->rejects, &t->rejects, t->in->path, base) < 0) {
            strbuf_addf(err, "không ghi được danh sách dòng bị loại");
            return -1;
        }
        before += t->read;
    }
    return 0;
}

/*
 * A file where most amounts are beyond the plausible ceilings is in
 * another unit than configured: refused whole, with the likely unit,
 * rather than reported from its few small rows. 1 (err set) then.
 */
static int implausible_file(const plan *p, strbuf *err)
{
    for (int i = 0; i < p->in.n; i++) {
        int a, b;
        file_tasks(p, i, &a, &b);
        long rows = 0, bad = 0;
        const char *hint = NULL;
        for (int k = a; k < b; k++) {
            rows += p->tasks[k].money_rows;
            bad += p->tasks[k].implausible;
            if (!hint) hint = p->tasks[k].unit_hint;
        }
        if (bad == 0 || 2 * bad <= rows) continue;
        strbuf_addf(err, "%s: %ld trên %ld dòng có số tiền vượt mức hợp lý; không dùng tệp này", p->in.files[i].path,
                    bad, rows);
        if (hint)
            strbuf_addf(err, ". Số tiền có vẻ tính bằng %s: đặt amount_unit = %s cho tệp này ([file.<tên tệp>])",
                        !strcmp(hint, "dong") ? "đồng" : "nghìn đồng", hint);
        /* Thousands that were decimals are the other likely cause. */
        for (int f = 0; f < F_COUNT; f++)
            if (!file_convention(p, a, b, f) && p->in.files[i].numconv == NUMCONV_VI)
                for (int k = a; k < b; k++)
                    if (p->tasks[k].conv[f].amb_read[NUMCONV_VI]) {
                        strbuf_addf(err, "; hoặc số viết với dấu chấm thập phân (\"%s\" có thể là ",
                                    p->tasks[k].conv[f].amb_value);
                        int64_t x = 0;
                        const char *s = p->tasks[k].conv[f].amb_value;
                        decimal_parse_strict(s, strlen(s), NUMCONV_EN, 3, &x);
                        decimal_format(err, x, 3, 3, DECIMAL_TRIM_ZEROS);
                        strbuf_adds(err, "): đặt number_format = en cho tệp này");
                        f = F_COUNT;
                        break;
                    }
        return 1;
    }
    return 0;
}

static void free_plan(plan *p)
{
    for (int i = 0; i < p->ntasks; i++) read_task_free(&p->tasks[i]);
    free(p->tasks);
    inputs_free(&p->in);
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
    ingest_status st = inputs_find(&p.in, cfg, err);
    if (st == INGEST_OK) st = inputs_read_heads(&p.in, cfg, err);
    if (st == INGEST_OK) {
        /* Rejecting a duplicate needs the whole file in one pass. */
        long split = cfg->duplicates == DUP_REJECT ? LONG_MAX
                   : opt->split_bytes > 0 ? opt->split_bytes : 8L << 20;
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        int threads = opt->threads > 0 ? opt->threads : (cores >= 2 ? 2 : 1);
        read_sink sinks[MAX_THREADS];
        int nsinks;
        for (int round = 0;; round++) {
            make_tasks(&p, cfg, ds->cat, split);
            nsinks = run_tasks(&p, sinks, threads);
            int again = 0;
            if (split_went_wrong(&p)) {
                split = LONG_MAX, threads = 1, again = 1;
            } else if (round < 3 && pin_conventions(&p)) {
                again = 1;
            }
            if (!again) break;
            for (int w = 0; w < nsinks; w++) read_sink_free(&sinks[w]);
            drop_tasks(&p);
        }
        if (first_failure(&p, err) || implausible_file(&p, err)) {
            st = INGEST_BAD_FILE;
            for (int w = 0; w < nsinks; w++) read_sink_free(&sinks[w]);
        } else {
            merge_sinks(ds, sinks, nsinks, cfg->disbursement == DISB_SNAPSHOT);
            ds->checks.tolerance = cfg->tolerance;
        }
    }
    if (st == INGEST_OK) {
        ds->nfiles = p.in.n;
        ds->files = xcalloc((size_t)p.in.n + 1, sizeof(file_stats));
        for (int i = 0; i < p.in.n; i++) {
            ds->files[i].path = xstrdup(p.in.files[i].path);
            ds->files[i].kind = p.in.files[i].kind;
        }
        note_duplicates(ds, &p);
        for (int i = 0; i < p.ntasks; i++) count_task(ds, &p.tasks[i]);
        note_conventions(ds, &p);
        if (merge_rejects(ds, &p, err) < 0) st = INGEST_BAD_FILE;
    }
    free_plan(&p);
    return st;
}
