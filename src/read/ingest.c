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
#include "../util/syserr.h"
#include "../util/trim.h"

typedef struct plan {
    input_list in;
    int ntasks;
    read_task *tasks;
} plan;

static read_task *new_task(plan *p, int file, off_t begin, off_t end,
                           const config *cfg, const catalogue *cat, const crosswalk *cw)
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
    t->cw = cw;
    return t;
}

/* What hashing a byte costs against parsing it, measured on the bench
 * (SHA-256 with the CPU's instructions, ~0.8 ns a byte, against the row
 * parser, ~6 ns): a split file's first range, which also hashes the
 * second's bytes, is cut shorter by half that share of the file, so both
 * ranges end together (0.29-0.30 s each on the bench). */
#define HASH_SHARE 0.13

off_t ingest_split_at(const char *path, off_t begin, off_t end, int hash)
{
    off_t at = begin + (end - begin) / 2 - (hash ? (off_t)(HASH_SHARE / 2 * (double)end) : 0);
    return csv_stream_split_from(path, at > begin ? at : begin, end);
}

static void make_tasks(plan *p, const config *cfg, const catalogue *cat, const crosswalk *cw, long split,
                       int hash)
{
    for (int i = 0; i < p->in.n; i++) {
        input_file *f = &p->in.files[i];
        if (f->format != FMT_CSV) { /* read whole, in one pass */
            new_task(p, i, 0, 0, cfg, cat, cw)->hash = hash ? HASH_FILE : HASH_NONE;
            continue;
        }
        off_t b = f->head.body_start, e = f->head.size, mid = e;
        if (e - b > split) mid = ingest_split_at(f->path, b, e, hash);
        new_task(p, i, b, mid, cfg, cat, cw)->hash = hash ? HASH_FILE : HASH_NONE;
        if (mid < e) new_task(p, i, mid, e, cfg, cat, cw)->hash = hash ? HASH_RANGE : HASH_NONE;
    }
}

/*
 * A split file's second range was parsed from bytes the first range's
 * task read again to hash: the same bytes, or the file changed while it
 * was read and its digest would not be of what was parsed. 1 (err) then.
 */
static int changed_while_read(const plan *p, strbuf *err)
{
    for (int k = 0; k + 1 < p->ntasks; k++) {
        const read_task *a = &p->tasks[k], *b = &p->tasks[k + 1];
        if (a->file != b->file || a->hash != HASH_FILE || b->hash != HASH_RANGE) continue;
        if (a->rest.bytes != b->parsed.bytes || streamsum_value(&a->rest) != streamsum_value(&b->parsed)) {
            read_task_say_changed(err, a->in->path);
            return 1;
        }
    }
    return 0;
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

/*
 * An .xlsx read in one pass that had header merges (or could not tell):
 * its file is now marked to be read with them filled (read_task_run), and
 * the round is run again. At most one such round per file: a file so
 * marked never asks again.
 */
static int xlsx_reread(const plan *p)
{
    for (int i = 0; i < p->ntasks; i++)
        if (p->tasks[i].reread) return 1;
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

/* An amount column read in the unit its header or a title row states,
 * not the file's amount_unit: said, so the conversion is never silent. */
static void note_units(dataset *ds, const plan *p)
{
    static const field_id money[] = {F_KE_HOACH, F_GIAI_NGAN, F_GIAO};
    for (int i = 0; i < p->in.n; i++) {
        const input_file *in = &p->in.files[i];
        for (size_t k = 0; k < sizeof money / sizeof money[0]; k++) {
            int f = money[k], scale = inputs_amount_scale(in, f), col = in->lay.col_of[f];
            /* A wide table (no long header: ncols 0) has its own unit, said by wide_rows. */
            if (!in->have_layout || in->lay.ncols == 0 || col < 0 || in->lay.kind == KIND_INDICATOR ||
                scale == in->amount_scale)
                continue;
            strbuf label = STRBUF_INIT;
            layout_column_label(&in->lay, col, &label);
            dataset_note(ds, "%s, cột %s: số tiền tính bằng %s theo %s, không theo amount_unit (%s)", in->path,
                         label.buf, scale == 0 ? "đồng" : scale == 3 ? "nghìn đồng" : scale == 6 ? "triệu đồng" : "tỷ đồng",
                         in->lay.scale[f] >= 0 ? "tiêu đề cột" : "dòng \"Đơn vị tính\" trên tiêu đề",
                         in->amount_scale == 0 ? "đồng" : in->amount_scale == 3 ? "nghìn đồng" : "triệu đồng");
            strbuf_release(&label);
        }
    }
}

/* A spreadsheet amount column holding both stored numbers and texts:
 * said with the counts and the texts' cells. */
static void note_mixed_cells(dataset *ds, const plan *p)
{
    for (int k = 0; k < p->ntasks; k++) {
        const read_task *t = &p->tasks[k];
        for (int f = 0; f < F_COUNT; f++) {
            const cell_mix *m = &t->mix[f];
            if (!m->numbers || !m->texts) continue;
            strbuf cells = STRBUF_INIT;
            for (long i = 0; i < m->texts && i < 4; i++) {
                if (i) strbuf_adds(&cells, ", ");
                layout_column_letters(&cells, t->in->lay.col_of[f]);
                strbuf_addf(&cells, "%ld", m->text_rows[i]);
            }
            dataset_note(ds, "%s, cột %s: %ld ô lưu dạng số và %ld ô lưu dạng chữ (%s%s): dấu hiệu bảng tính "
                         "đã bị đổi theo thiết lập vùng; ô chữ đọc theo quy ước của cột, ô số giữ nguyên",
                         t->in->path, field_name((field_id)f), m->numbers, m->texts, cells.buf,
                         m->texts > 4 ? ", ..." : "");
            strbuf_release(&cells);
        }
    }
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

/*
 * The sinks fold into the dataset in worker order. When some commune is
 * known by name only, every unit is interned afresh, the coded ones of
 * every sink first, so such a commune joins the coded one of its name
 * whichever a thread met first; else the first sink is simply taken over.
 */
static void merge_sinks(dataset *ds, read_sink *sinks, int n, int snapshots)
{
    int by_name = 0;
    for (int w = 0; w < n && !by_name; w++)
        for (int i = 0; i < sinks[w].units.nunits && !by_name; i++) by_name = !units_is_coded(&sinks[w].units, i);
    int first = 0;
    if (!by_name && n > 0) {
        units_free(&ds->units);
        cube_free(&ds->cube);
        indicators_free(&ds->ind);
        contents_free(&ds->items);
        controls_free(&ds->checks);
        ds->units = sinks[0].units;
        ds->cube = sinks[0].cube;
        ds->ind = sinks[0].ind;
        ds->items = sinks[0].items;
        ds->checks = sinks[0].checks;
        units_init(&sinks[0].units);
        cube_init(&sinks[0].cube);
        indicators_init(&sinks[0].ind);
        contents_init(&sinks[0].items);
        controls_init(&sinks[0].checks);
        first = 1;
    }
    int *remaps[MAX_THREADS] = {0};
    for (int w = first; w < n; w++) remaps[w] = xcalloc((size_t)sinks[w].units.nunits + 1, sizeof(int));
    for (int pass = 0; pass < 2; pass++)
        for (int w = first; w < n; w++) {
            const units *su = &sinks[w].units;
            unsigned char *keep = xcalloc((size_t)su->nunits + 1, 1);
            int *tmp = xcalloc((size_t)su->nunits + 1, sizeof(int));
            for (int i = 0; i < su->nunits; i++) keep[i] = units_is_coded(su, i) == (pass == 0);
            units_merge_some(&ds->units, su, keep, tmp);
            for (int i = 0; i < su->nunits; i++)
                if (keep[i]) remaps[w][i] = tmp[i];
            if (pass == 0) units_take_warnings(&ds->units, su);
            free(keep);
            free(tmp);
        }
    for (int w = first; w < n; w++) {
        read_sink *s = &sinks[w];
        int *remap = remaps[w];
        /* Each part freed once merged: the merge's peak holds the
         * dataset and one part of a sink, not every sink whole. */
        cube_merge(&ds->cube, &s->cube, remap, snapshots);
        cube_free(&s->cube);
        /* The sink's memory is in the arena of the reading thread that
         * filled it, which no thread uses now: trimmed at once, or it
         * stays resident beside the dataset's growth (see trim.h). */
        mem_trim();
        indicators_merge(&ds->ind, &s->ind, remap);
        indicators_free(&s->ind);
        contents_merge(&ds->items, &s->items, remap);
        contents_free(&s->items);
        controls_merge(&ds->checks, &s->checks);
        free(remap);
    }
    for (int w = 0; w < n; w++) read_sink_free(&sinks[w]);
    mem_trim();
    units_sort_warnings(&ds->units);
    indicators_sort(&ds->ind);
    contents_sort(&ds->items);
}

/* Rows of the tasks of t's file before t: row numbers of its second range. */
static long rows_before(const plan *p, int task)
{
    long n = 0;
    for (int k = task - 1; k >= 0 && p->tasks[k].file == p->tasks[task].file; k--) n += p->tasks[k].read;
    return n;
}

static void money_text(strbuf *sb, int64_t v)
{
    decimal_format(sb, v, 6, 6, DECIMAL_TRIM_ZEROS);
}

/*
 * Rows coded to a project with sub-projects, now that every sub-project
 * row is in the cube: equal to the sum of its sub-projects (same unit,
 * source, years and measure), a subtotal: listed, skipped; with no
 * sub-project rows, data at project level: added; else a difference:
 * each row rejected and the difference a data error. Never a guess.
 */
static void resolve_parents(dataset *ds, plan *p, const config *cfg)
{
    const catalogue *cat = ds->cat;
    for (int i = 0; i < p->ntasks; i++) {
        read_task *t = &p->tasks[i];
        long base = rows_before(p, i) + inputs_first_row(t->in);
        for (int g = 0; g < t->nheld; g++) {
            held_group *h = &t->held[g];
            const char *f[6];
            size_t n[6];
            const char *q = h->unit_key;
            for (int k = 0; k < 6; k++) f[k] = q, n[k] = strlen(q), q += n[k] + 1;
            unit_ref ref = {f[0], f[1], f[2], f[3], f[4], f[5], n[0], n[1], n[2], n[3], n[4], n[5]};
            uint64_t pos = ((uint64_t)t->index << 40) | (uint64_t)h->rows[0];
            int u = units_resolve(&ds->units, &ref, cfg->unit.province_code ? cfg->unit.province_code : "",
                                  cfg->unit.province_name ? cfg->unit.province_name : "", pos);
            cube_key k = h->key;
            k.unit = (uint32_t)(u < 0 ? 0 : u);
            int64_t children = 0;
            int any = 0;
            for (int c = 0; c < cat->nprojects; c++) {
                if (cat->projects[c].parent != k.project) continue;
                cube_key ck = k;
                ck.project = (uint16_t)c;
                const cube_cell *cell = cube_find(&ds->cube, &ck);
                int64_t x = !cell ? 0 : h->disbursed ? cell->disbursed : cell->plan;
                if (x) any = 1, children += x;
            }
            strbuf what = STRBUF_INIT, a = STRBUF_INIT, b = STRBUF_INIT;
            strbuf_addf(&what, "%s, %s, %s, năm %d", cat->projects[k.project].code, units_name(&ds->units, (int)k.unit),
                        cat->sources[k.source].code, k.year);
            money_text(&a, h->sum);
            money_text(&b, children);
            if (!any) {
                if (h->disbursed) cube_add_payment(&ds->cube, &k, h->sum);
                else cube_add_plan(&ds->cube, &k, h->sum);
                t->accepted += h->nrows;
                if (k.year != cfg->year) t->other_year += h->nrows;
                t->held_accepted += h->sum;
            } else if (children == h->sum) {
                t->skipped += h->nrows;
                dataset_note(ds, "%s: dòng %ld: %s là dòng cộng của các tiểu dự án (%s: %s triệu đồng): đã kiểm "
                             "tra, không cộng thêm", t->in->path, h->rows[0] + base, cat->projects[k.project].code,
                             what.buf, a.buf);
            } else {
                strbuf why = STRBUF_INIT, label = STRBUF_INIT;
                strbuf_addf(&why, "dòng cộng của %s (%s triệu đồng) khác tổng các tiểu dự án (%s triệu đồng): "
                            "không cộng; cần sửa số liệu", cat->projects[k.project].code, a.buf, b.buf);
                layout_column_label(&t->in->lay, t->in->lay.col_of[F_MA_DU_AN], &label);
                const char *code = cat->projects[k.project].code;
                for (long r = 0; r < h->nrows; r++)
                    if (rejects_add(&t->rejects, h->rows[r], label.buf, code, strlen(code), why.buf) < 0) t->failed = 1;
                t->rejected += h->nrows;
                dataset_error(ds, "%s: dòng %ld: %s: dòng cộng %s triệu đồng khác tổng các tiểu dự án %s triệu đồng",
                              t->in->path, h->rows[0] + base, what.buf, a.buf, b.buf);
                strbuf_release(&why);
                strbuf_release(&label);
            }
            t->held_rows -= h->nrows;
            strbuf_release(&what);
            strbuf_release(&a);
            strbuf_release(&b);
        }
    }
}

/*
 * Total rows ("Tổng cộng", "Cộng ...") against the rows above them: the
 * rows since the previous total row (a block's "Cộng"), or the whole file
 * (the grand total), with or without the parent-coded rows in them.
 * A match is said; a difference is a data error.
 */
static void check_totals(dataset *ds, const plan *p)
{
    for (int i = 0; i < p->in.n; i++) {
        int a, b;
        file_tasks(p, i, &a, &b);
        int64_t file_sum = 0, held = 0;
        for (int k = a; k < b; k++) {
            if (__builtin_add_overflow(file_sum, p->tasks[k].sum, &file_sum)) file_sum = INT64_MAX;
            held += p->tasks[k].held_accepted;
        }
        for (int k = a; k < b; k++) {
            const read_task *t = &p->tasks[k];
            long base = rows_before(p, k) + inputs_first_row(t->in);
            for (int j = 0; j < t->ntotals; j++) {
                const total_row *tr = &t->totals[j];
                int64_t seg = tr->segment, sh = tr->held;
                if (tr->from_start && k > a) seg += p->tasks[k - 1].segment, sh += p->tasks[k - 1].seg_held;
                int ok = tr->amount == seg || tr->amount == seg + sh || tr->amount == file_sum ||
                         tr->amount == file_sum + held;
                strbuf x = STRBUF_INIT, y = STRBUF_INIT;
                money_text(&x, tr->amount);
                money_text(&y, seg);
                if (ok)
                    dataset_note(ds, "%s: dòng %ld: dòng \"%s\" %s triệu đồng khớp với tổng các dòng; không cộng thêm",
                                 t->in->path, tr->row + base, tr->label, x.buf);
                else
                    dataset_error(ds, "%s: dòng %ld: dòng \"%s\" %s triệu đồng khác tổng các dòng (%s triệu đồng)",
                                  t->in->path, tr->row + base, tr->label, x.buf, y.buf);
                strbuf_release(&x);
                strbuf_release(&y);
            }
        }
    }
}

/* The repeats of one file, as dup_resolve finds them: counted per task
 * of the file, and the file's first rows that repeat kept for the log. */
typedef struct dup_found {
    long *counts;            /* repeats per task of the file */
    long rows[8], firsts[8]; /* the earliest repeats, by row */
    int n;
} dup_found;

/* Keep (row, first) if row is among the 8 earliest repeats seen. */
static void keep_earliest(dup_found *d, long row, long first)
{
    if (d->n == 8 && row >= d->rows[7]) return;
    int i = d->n < 8 ? d->n++ : 7;
    for (; i > 0 && d->rows[i - 1] > row; i--) d->rows[i] = d->rows[i - 1], d->firsts[i] = d->firsts[i - 1];
    d->rows[i] = row, d->firsts[i] = first;
}

static void on_repeat(void *ctx, int which, long row, long first)
{
    dup_found *d = ctx;
    d->counts[which]++;
    keep_earliest(d, row, first);
}

/*
 * Repeated rows (duplicates = count) of every file, found while the sinks
 * merge: a thread of their own takes the files' spill parts one at a
 * time, and the main thread takes the rest once it has merged
 * (dups_help); the two touch nothing in common with the merge (the
 * spills and this job against the sinks and the dataset). Each worker
 * keeps its own table and findings; a part's repeats are all within the
 * part, so counts add up and the earliest rows are merged (dups_report),
 * the same as one thread finds them.
 */
enum { DUP_WORKERS = 2 };

typedef struct dup_item {
    int k, n;                /* the file's first task and its number of tasks */
    int part;
} dup_item;

typedef struct dup_job {
    plan *p;
    dup_item *items;
    int nitems;
    atomic_int next;         /* the next item to take */
    dup_spill ***spills;     /* per task k that starts a file: its tasks' spills */
    long **base;             /* and their first rows */
    dup_found *found[DUP_WORKERS]; /* per worker, per task k that starts a file */
    int failed_task[DUP_WORKERS];  /* the first file (its task k) whose spill failed, or -1 */
    int error[DUP_WORKERS];  /* its errno */
    pthread_t tid;
    int running;             /* a thread was started and not yet joined */
} dup_job;

static void dups_work(dup_job *j, int w)
{
    dup_set seen;
    dup_init(&seen);
    int i;
    while ((i = atomic_fetch_add(&j->next, 1)) < j->nitems) {
        const dup_item *it = &j->items[i];
        if (j->failed_task[w] >= 0 && j->failed_task[w] <= it->k) continue; /* said already */
        if (dup_resolve_part(j->spills[it->k], j->base[it->k], it->n, it->part, &seen, on_repeat,
                             &j->found[w][it->k]) < 0)
            j->failed_task[w] = it->k, j->error[w] = errno;
    }
    dup_free(&seen);
}

static void *dups_thread(void *arg)
{
    dups_work(arg, 1);
    return NULL;
}

/* List every file's parts (their pairs written out first) and start a
 * thread on them when the run has more than one. */
static void dups_start(dup_job *j, plan *p, int threads)
{
    memset(j, 0, sizeof *j);
    atomic_init(&j->next, 0);
    j->p = p;
    j->spills = xcalloc((size_t)p->ntasks + 1, sizeof *j->spills);
    j->base = xcalloc((size_t)p->ntasks + 1, sizeof *j->base);
    int alloc = 0;
    for (int w = 0; w < DUP_WORKERS; w++) {
        j->found[w] = xcalloc((size_t)p->ntasks + 1, sizeof(dup_found));
        j->failed_task[w] = -1;
    }
    for (int k = 0; k < p->ntasks;) {
        int n = 1;
        while (k + n < p->ntasks && p->tasks[k + n].file == p->tasks[k].file) n++;
        j->spills[k] = xcalloc((size_t)n, sizeof **j->spills);
        j->base[k] = xcalloc((size_t)n, sizeof **j->base);
        for (int i = 0; i < n; i++) j->spills[k][i] = &p->tasks[k + i].spill, j->base[k][i] = rows_before(p, k + i);
        for (int w = 0; w < DUP_WORKERS; w++) j->found[w][k].counts = xcalloc((size_t)n, sizeof(long));
        int nparts = dup_prepare(j->spills[k], n);
        if (nparts < 0 && j->failed_task[0] < 0) j->failed_task[0] = k, j->error[0] = errno;
        for (int part = 0; part < nparts; part++) {
            ALLOC_GROW(j->items, j->nitems + 1, alloc);
            j->items[j->nitems++] = (dup_item){k, n, part};
        }
        k += n;
    }
    j->running = threads > 1 && j->nitems > 1 && pthread_create(&j->tid, NULL, dups_thread, j) == 0;
}

/* The main thread takes the parts not yet taken, then waits for the
 * thread (safe to call twice). */
static void dups_help(dup_job *j)
{
    if (!j->p) return;
    dups_work(j, 0);
    if (j->running) pthread_join(j->tid, NULL);
    j->running = 0;
}

static void dups_free(dup_job *j)
{
    dups_help(j);
    for (int k = 0; j->p && k < j->p->ntasks; k++) {
        free(j->spills[k]);
        free(j->base[k]);
        for (int w = 0; w < DUP_WORKERS; w++) free(j->found[w][k].counts);
    }
    free(j->spills);
    free(j->base);
    for (int w = 0; w < DUP_WORKERS; w++) free(j->found[w]);
    free(j->items);
    memset(j, 0, sizeof *j);
}

/*
 * The repeats counted per task and said in the log with example rows
 * (file rows, like the rejects'), file by file. -1 (err) when a
 * temporary file failed (the first such file).
 */
static int dups_report(dataset *ds, dup_job *j, strbuf *err)
{
    dups_help(j);
    plan *p = j->p;
    int failed = j->failed_task[0], error = j->error[0];
    if (j->failed_task[1] >= 0 && (failed < 0 || j->failed_task[1] < failed))
        failed = j->failed_task[1], error = j->error[1];
    for (int k = 0; k < p->ntasks;) {
        int n = 1;
        while (k + n < p->ntasks && p->tasks[k + n].file == p->tasks[k].file) n++;
        const read_task *t = &p->tasks[k];
        if (k == failed) {
            strbuf_addf(err, "%s: không đọc lại được tệp tạm khi tìm dòng trùng (%s)", t->in->path,
                        sys_error(error));
            return -1;
        }
        dup_found *d = &j->found[0][k];
        const dup_found *o = &j->found[1][k];
        for (int i = 0; i < o->n; i++) keep_earliest(d, o->rows[i], o->firsts[i]);
        for (int i = 0; i < n; i++) p->tasks[k + i].duplicates += d->counts[i] + o->counts[i];
        long first_row = inputs_first_row(t->in);
        for (int i = 0; i < d->n; i++)
            dataset_note(ds, "%s: dòng %ld trùng hoàn toàn dòng %ld (vẫn được tính; đặt "
                         "duplicates = reject để loại)", t->in->path,
                         d->rows[i] + first_row, d->firsts[i] + first_row);
        for (int i = 0; i < n; i++) dup_spill_close(&p->tasks[k + i].spill);
        k += n;
    }
    return 0;
}

static void count_task(dataset *ds, const read_task *t)
{
    for (const char *p = t->notes.buf; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        dataset_note(ds, "%.*s", (int)n, p);
        p += n + (nl ? 1 : 0);
    }
    if (t->trailer)
        dataset_note(ds, "%s: %ld dòng chữ dưới dòng số liệu cuối (ghi chú, chữ ký) được bỏ qua", t->in->path,
                     t->trailer);
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
                    sys_error(errno));
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

/*
 * Each file once: two files of one kind with the same rows (the same
 * bytes, a "- Copy", or the same plan saved as .xlsx) would be summed
 * twice. 1 (err naming both) then.
 */
static int same_content(const plan *p, strbuf *err)
{
    int n = p->in.n;
    uint64_t *sum = xcalloc((size_t)n + 1, sizeof *sum), *xr = xcalloc((size_t)n + 1, sizeof *xr);
    long *rows = xcalloc((size_t)n + 1, sizeof *rows);
    for (int k = 0; k < p->ntasks; k++) {
        const read_task *t = &p->tasks[k];
        sum[t->file] += t->sig_sum, xr[t->file] ^= t->sig_xor, rows[t->file] += t->sig_rows;
    }
    int found = 0;
    for (int i = 0; i < n && !found; i++)
        for (int j = i + 1; j < n && !found; j++)
            if (rows[i] && rows[i] == rows[j] && sum[i] == sum[j] && xr[i] == xr[j] &&
                p->in.files[i].kind == p->in.files[j].kind) {
                strbuf_addf(err, "%s và %s có cùng nội dung (cùng %ld dòng số liệu): cùng một dữ liệu "
                            "sẽ bị cộng hai lần; chỉ để lại một tệp trong thư mục dữ liệu vào",
                            p->in.files[i].path, p->in.files[j].path, rows[i]);
                found = 1;
            }
    free(sum);
    free(xr);
    free(rows);
    return found;
}

static void free_plan(plan *p)
{
    for (int i = 0; i < p->ntasks; i++) read_task_free(&p->tasks[i]);
    free(p->tasks);
    inputs_free(&p->in);
}

/* The first failed task's message; INGEST_OK when none failed. */
static ingest_status first_failure(plan *p, strbuf *err)
{
    for (int i = 0; i < p->ntasks; i++)
        if (p->tasks[i].failed) {
            strbuf_add(err, p->tasks[i].err.buf, p->tasks[i].err.len);
            return p->tasks[i].temp_failed ? INGEST_TEMP_FAILED : INGEST_BAD_FILE;
        }
    return INGEST_OK;
}

ingest_status ingest_run(dataset *ds, const config *cfg,
                         const ingest_options *opt, strbuf *err)
{
    plan p = {0};
    dup_job dups = {0};
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
            make_tasks(&p, cfg, ds->cat, opt->cw, split, opt->hash);
            nsinks = run_tasks(&p, sinks, threads);
            int again = 0;
            if (split_went_wrong(&p)) {
                split = LONG_MAX, threads = 1, again = 1;
            } else if (xlsx_reread(&p)) {
                again = 1; /* before pinning: that reading's columns may be wrong */
            } else if (round < 3 && pin_conventions(&p)) {
                again = 1;
            }
            if (!again) break;
            for (int w = 0; w < nsinks; w++) read_sink_free(&sinks[w]);
            drop_tasks(&p);
            /* A streamed file is read again from its first row: its header
             * is found again (it may differ, merges filled). */
            for (int i = 0; i < p.in.n; i++)
                if (p.in.files[i].format != FMT_CSV) inputs_forget_header(&p.in.files[i]);
        }
        if ((st = first_failure(&p, err)) != INGEST_OK || changed_while_read(&p, err) ||
            implausible_file(&p, err) || same_content(&p, err)) {
            if (st == INGEST_OK) st = INGEST_BAD_FILE;
            for (int w = 0; w < nsinks; w++) read_sink_free(&sinks[w]);
        } else {
            /* The reading threads' arenas hold what they freed: without
             * this, the merge and the repeats' tables grew beside it in one
             * national run of two (peak 27 MB instead of 21). */
            mem_trim();
            dups_start(&dups, &p, threads); /* alongside the merge */
            merge_sinks(ds, sinks, nsinks, cfg->disbursement == DISB_SNAPSHOT);
            dups_help(&dups);
            resolve_parents(ds, &p, cfg);
            units_settle(&ds->units); /* the provinces, now that every claim is in */
            controls_compare(&ds->checks, &ds->cube, ds->cat);
            ds->checks.tolerance = cfg->tolerance;
            if (dataset_check_range(ds, err) < 0) st = INGEST_BAD_FILE;
        }
    }
    if (st == INGEST_OK) {
        ds->nfiles = p.in.n;
        ds->files = xcalloc((size_t)p.in.n + 1, sizeof(file_stats));
        for (int i = 0; i < p.in.n; i++) {
            ds->files[i].path = xstrdup(p.in.files[i].path);
            ds->files[i].kind = p.in.files[i].kind;
        }
        for (int k = 0; k < p.ntasks; k++) /* a file's digest, from its first task */
            if (p.tasks[k].hash == HASH_FILE && *p.tasks[k].sha_hex) {
                memcpy(ds->files[p.tasks[k].file].sha256, p.tasks[k].sha_hex, SHA256_HEX);
                ds->files[p.tasks[k].file].bytes = p.tasks[k].sha_bytes;
            }
        for (int i = 0; i < p.in.nleft; i++) dataset_note(ds, "%s", p.in.left_out[i]);
        if (dups_report(ds, &dups, err) < 0) st = INGEST_TEMP_FAILED;
        for (int i = 0; i < p.ntasks; i++) count_task(ds, &p.tasks[i]);
        note_conventions(ds, &p);
        note_units(ds, &p);
        note_mixed_cells(ds, &p);
        check_totals(ds, &p);
        if (st == INGEST_OK && merge_rejects(ds, &p, err) < 0) st = INGEST_TEMP_FAILED;
    }
    dups_free(&dups); /* joined before the tasks' spills go */
    free_plan(&p);
    return st;
}
