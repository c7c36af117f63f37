/* The run of one report; see job.h. */
#include "job.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "../deliver/lock.h"
#include "../deliver/mailing.h"
#include "../deliver/manifest.h"
#include "../deliver/outset.h"
#include "../read/inputs.h"
#include "../util/date.h"
#include "../util/decimal.h"
#include "../util/linefile.h"
#include "../util/par.h"
#include "../util/progress.h"
#include "../util/trim.h"
#include "../model/crosswalk.h"
#include "../model/dataset.h"
#include "../read/ingest.h"
#include "../read/rejects.h"
#include "../render/docx_writer.h"
#include "../render/facts.h"
#include "../render/form.h"
#include "../render/pdf_layout.h"
#include "../render/pdf_report.h"
#include "../render/report_doc.h"
#include "../render/xlsx_writer.h"
#include "../util/syserr.h"

#define MAX_FORMS 16

/* A mail to send once the outputs are published: one per output set. */
typedef struct mail_text {
    char unit[24];           /* "" for the whole, else the unit's code */
    int check;               /* the check report's mail to its preparer */
    char *to;                /* recipients */
    strbuf subject, body;
} mail_text;

typedef struct job {
    const config *cfg;
    const job_options *opt;
    struct timespec t0;
    const mlog *log;
    job_summary *sum;             /* what the run did, added up; may be NULL */
    catalogue cat;
    int nforms;
    form forms[MAX_FORMS];
    wording words;
    wording check_words;          /* the check report beside the document */
    dataset ds;
    int ntables;
    table *tables[MAX_FORMS];
    outset out;
    strbuf err;
    run_lock lock;
    manifest man;
    int man_inputs;        /* manifest_mark before the inputs' digests */
    const char *unit;             /* the unit code of a split output, or NULL */
    int nmails;
    mail_text *mails;             /* the subject and body of each output to mail */
    int ntemplates;
    char *templates[MAX_FORMS + 8]; /* catalogues, forms, wordings, header words: for the digest */
} job;

static double seconds_since(const struct timespec *t0, struct timespec *now)
{
    clock_gettime(CLOCK_MONOTONIC, now);
    return (double)(now->tv_sec - t0->tv_sec) + (double)(now->tv_nsec - t0->tv_nsec) / 1e9;
}

/* With --timing, one log line per stage: where a run spends its time. */
static void stage_done(job *j, const char *stage)
{
    if (!j->opt->timing) return;
    struct timespec t;
    double s = seconds_since(&j->t0, &t);
    mlog_say(j->log, MLOG_INFO, "thời gian: %-10s %.3f s", stage, s);
    j->t0 = t;
}

static int fail(job *j, int status)
{
    mlog_say(j->log, MLOG_ERROR, "lỗi: %s", j->err.buf);
    return status;
}

#define MAX_CATALOGUES 4

/* The catalogue files, comma separated: one programme each. */
static int load_catalogues(job *j)
{
    char *list = xstrdup(j->cfg->catalogue), *names[MAX_CATALOGUES + 1];
    int n = split_fields(list, ',', names, MAX_CATALOGUES + 1), rc = 0;
    if (n > MAX_CATALOGUES || n < 1 || !*names[0]) {
        strbuf_addf(&j->err, "[report] catalogue: từ 1 đến %d tệp danh mục", MAX_CATALOGUES);
        rc = -1;
    }
    for (int i = 0; rc == 0 && i < n; i++) {
        char *path = config_template_path(j->cfg, names[i]);
        rc = i ? catalogue_add(&j->cat, path, &j->err) : catalogue_load(&j->cat, path, &j->err);
        j->templates[j->ntemplates++] = path;
    }
    free(list);
    for (int i = 0; rc == 0 && i < j->cat.nprogrammes; i++)
        if (j->cat.programmes[i].incomplete)
            mlog_say(j->log, MLOG_WARN, "cảnh báo: danh mục %s chưa đầy đủ: %s",
                     j->cat.programmes[i].short_name, j->cat.programmes[i].incomplete);
    return rc;
}

static int load_templates(job *j)
{
    char *path;
    int rc = load_catalogues(j);
    if (rc < 0 && access(j->cfg->templates_dir, F_OK) != 0) {
        char *inst = config_installed_templates();
        strbuf_addf(&j->err, "; không có thư mục mẫu biểu %s: đặt [report] templates_dir "
                    "(bản cài đặt có mẫu biểu ở %s)", j->cfg->templates_dir,
                    inst ? inst : "PREFIX/share/mtqg-report/templates");
        free(inst);
    }
    if (rc < 0) return -1;
    char *list = xstrdup(j->cfg->forms), *names[MAX_FORMS + 1];
    int n = split_fields(list, ',', names, MAX_FORMS + 1);
    if (n > MAX_FORMS) {
        strbuf_addf(&j->err, "[report] forms: nhiều hơn %d biểu", MAX_FORMS);
        rc = -1;
    }
    for (int i = 0; i < n && rc == 0; i++) {
        path = config_template_path(j->cfg, names[i]);
        rc = form_load(&j->forms[j->nforms], path, &j->cat, &j->err);
        j->nforms += rc == 0;
        if (rc < 0) form_free(&j->forms[j->nforms]);
        j->templates[j->ntemplates++] = path;
    }
    free(list);
    if (rc == 0) {
        path = config_template_path(j->cfg, j->cfg->report_template);
        rc = wording_load(&j->words, path, &j->err);
        j->templates[j->ntemplates++] = path;
    }
    uint64_t rate_groups;
    if (rc == 0) rc = facts_rate_groups(&j->cat, j->cfg, &rate_groups, &j->err);
    /* The tables' rate columns count the sources the text's rate counts. */
    for (int i = 0; rc == 0 && i < j->nforms; i++)
        form_set_rate_sources(&j->forms[i], facts_rate_sources(&j->cat, rate_groups));
    if (rc == 0) {
        path = config_template_path(j->cfg, j->cfg->check_template);
        rc = wording_load(&j->check_words, path, &j->err);
        j->templates[j->ntemplates++] = path;
    }
    if (rc == 0) { /* the header words decide columns and units: checked here, and digested */
        layout_words w;
        path = config_template_path(j->cfg, "headers.txt");
        rc = layout_words_load(&w, path, &j->err);
        if (rc == 0) layout_words_free(&w);
        j->templates[j->ntemplates++] = path;
    }
    return rc;
}

static const char *const kind_label[KIND_COUNT] = {"kế hoạch vốn", "giải ngân", "chỉ tiêu", "giao vốn"};

/* Per file: read = accepted + skipped + rejected, said and checked. */
static int summarize_inputs(job *j)
{
    const dataset *ds = &j->ds;
    long read = 0, acc = 0, skip = 0, rej = 0;
    for (int i = 0; i < ds->nfiles; i++) {
        const file_stats *f = &ds->files[i];
        strbuf line = STRBUF_INIT;
        strbuf_addf(&line, "%s (%s): đọc %ld dòng = %ld nhận + %ld bỏ qua + %ld loại",
                    f->path, kind_label[f->kind], f->read, f->accepted, f->skipped, f->rejected);
        if (f->other_year) strbuf_addf(&line, " (%ld dòng thuộc năm khác %d)", f->other_year, j->cfg->year);
        if (f->duplicates) strbuf_addf(&line, " (%ld dòng trùng)", f->duplicates);
        mlog_say(j->log, f->rejected || f->duplicates ? MLOG_WARN : MLOG_INFO, "%s", line.buf);
        strbuf_release(&line);
        read += f->read, acc += f->accepted, skip += f->skipped, rej += f->rejected;
        if (f->read != f->accepted + f->skipped + f->rejected) {
            strbuf_addf(&j->err, "%s: số dòng không khớp (lỗi chương trình)", f->path);
            return -1;
        }
    }
    if (j->sum) {
        j->sum->read += read, j->sum->accepted += acc;
        j->sum->skipped += skip, j->sum->rejected += rej;
    }
    mlog_say(j->log, MLOG_INFO, "tổng cộng %ld dòng = %ld nhận + %ld bỏ qua (dòng trống "
                "hoặc sau ngày %d/%d/%d) + %ld loại", read, acc, skip,
                j->cfg->as_of % 100, j->cfg->as_of / 100 % 100, j->cfg->as_of / 10000, rej);
    for (int i = 0; i < ds->units.nwarnings; i++)
        mlog_say(j->log, MLOG_WARN, "cảnh báo: %s", ds->units.warnings[i]);
    for (int i = 0; i < ds->nnotes; i++)
        mlog_say(j->log, MLOG_WARN, "cảnh báo: %s", ds->notes[i]);
    for (int i = 0; i < ds->nerrors; i++)
        mlog_say(j->log, MLOG_ERROR, "lỗi dữ liệu: %s", ds->errors[i]);
    return 0;
}

/* A kind of input some table of the report is drawn from, with no file
 * of it at all: a data error, not a table of zeros. */
static void check_needed_kinds(job *j)
{
    int need[KIND_COUNT] = {0}, have[KIND_COUNT] = {0};
    for (int i = 0; i < j->nforms; i++) {
        const form *f = &j->forms[i];
        if (f->rows == ROWS_INDICATOR) need[KIND_INDICATOR] = 1;
        for (int c = 0; c < f->ncols; c++)
            if (f->cols[c].measure == M_DISBURSED && f->year_offset == 0) need[KIND_DISB] = 1;
    }
    for (int i = 0; i < j->ds.nfiles; i++) have[j->ds.files[i].kind] = 1;
    /* A wide table in a ke_hoach file (a lower level's workbook, an
     * appendix with disbursement columns) may give the disbursement. */
    for (size_t i = 0; i < j->ds.cube.count && !have[KIND_DISB]; i++) {
        const cube_cell *c = cube_at(&j->ds.cube, i);
        have[KIND_DISB] = c->disbursed || c->snap_date;
    }
    for (int k = 0; k < KIND_COUNT; k++)
        if (need[k] && !have[k])
            dataset_error(&j->ds, "báo cáo cần dữ liệu %s (%s) nhưng không có tệp nào", kind_label[k],
                          input_kind_name((input_kind)k));
}

/* Assigned totals of the report year the allocation rows do not match
 * (beyond the rounding tolerance): a failed check, said in the log. */
static int count_mismatches(job *j)
{
    int n = 0;
    const controls *c = &j->ds.checks;
    for (int i = 0; i < c->n; i++) {
        const control_line *l = &c->lines[i];
        if (!year_span_has(config_years(j->cfg), l->year) ||
            control_line_state(l, c->tolerance) != CONTROL_MISMATCH)
            continue;
        int64_t d = l->allocated - l->assigned;
        n++;
        strbuf sb = STRBUF_INIT;
        decimal_format(&sb, d, 6, 3, DECIMAL_TRIM_WHOLE);
        mlog_say(j->log, MLOG_WARN, "kiểm tra: %s%s%s: tổng phân bổ khác số được giao %s triệu đồng",
                    j->cat.sources[l->source].code, l->project >= 0 ? ", " : "",
                    l->project >= 0 ? j->cat.projects[l->project].code : "", sb.buf);
        strbuf_release(&sb);
    }
    return n;
}

static char *output_name(const config *cfg, const char *unit, const char *suffix);

/* The final path of an output: output_dir/name-period[-unit]suffix. */
static char *output_path(const config *cfg, const char *unit, const char *suffix)
{
    char *name = output_name(cfg, unit, suffix);
    strbuf sb = STRBUF_INIT;
    strbuf_addf(&sb, "%s/%s", cfg->output_dir, name);
    free(name);
    return strbuf_detach(&sb, NULL);
}

/* name-period[-unit]suffix: "bao-cao-1719-2024-Q3-991.pdf". */
static char *output_name(const config *cfg, const char *unit, const char *suffix)
{
    strbuf sb = STRBUF_INIT;
    strbuf_addf(&sb, "%s-%s%s%s%s", cfg->output_name, cfg->period_tag, unit && *unit ? "-" : "",
                unit ? unit : "", suffix);
    return strbuf_detach(&sb, NULL);
}

static int write_rejects(job *j, const char *name)
{
    const char *tmp = outset_add(&j->out, j->cfg->output_dir, name);
    FILE *fp = tmp ? fopen(tmp, "wb") : NULL;
    if (!fp) {
        strbuf_addf(&j->err, "%s/%s: không ghi được (%s)", j->cfg->output_dir, name, sys_error(errno));
        return -1;
    }
    int rc = rejects_csv_begin(fp);
    if (rc == 0 && j->ds.rejects) {
        rewind(j->ds.rejects);
        char buf[65536];
        size_t n;
        while ((n = fread(buf, 1, sizeof buf, j->ds.rejects)) > 0)
            if (fwrite(buf, 1, n, fp) != n) rc = -1;
    }
    if (fclose(fp) != 0 || rc < 0) {
        strbuf_addf(&j->err, "%s/%s: không ghi được danh sách dòng bị loại", j->cfg->output_dir, name);
        return -1;
    }
    return 0;
}

/* The tables of a job, one per form, built side by side (par_each). */
typedef struct form_jobs {
    job *j;
    const vars *v;
    table *t[MAX_FORMS];
    form_error kind[MAX_FORMS];
    strbuf err[MAX_FORMS];
} form_jobs;

static void build_one(void *arg, int i)
{
    form_jobs *w = arg;
    w->t[i] = form_build_kind(&w->j->forms[i], &w->j->ds, w->v, config_years(w->j->cfg),
                              &w->err[i], &w->kind[i]);
}

/* A check form with no assigned totals for the year is left out. Returns
 * EXIT_OK, or the status of the failure (the first form's, in the forms'
 * order). The forms only read the dataset: two threads build them (the
 * national bench: 0.028 s of tables in 0.020 s). */
static int build_tables(job *j, const vars *v)
{
    static const int status_of[] = {EXIT_CONFIG, EXIT_DATA, EXIT_INTERNAL};
    /* A split run builds tables per unit; without a PDF no document took
     * the previous unit's. */
    for (int i = 0; i < MAX_FORMS; i++) table_free(j->tables[i]), j->tables[i] = NULL;
    progress_stage("lập bảng");
    form_jobs w = {.j = j, .v = v};
    for (int i = 0; i < j->nforms; i++) w.err[i] = (strbuf)STRBUF_INIT;
    par_each(j->nforms, build_one, &w);
    int n = 0, status = EXIT_OK;
    for (int i = 0; i < j->nforms; i++) {
        table *t = w.t[i];
        if (status == EXIT_OK && !t) {
            strbuf_add(&j->err, w.err[i].buf, w.err[i].len);
            status = status_of[w.kind[i]];
        }
        /* Excel refuses two sheets of one name (letter case aside). */
        for (int k = 0; status == EXIT_OK && k < i; k++)
            if (!strcasecmp(j->forms[k].sheet, j->forms[i].sheet)) {
                strbuf_addf(&j->err, "%s, %s: hai biểu cùng tên trang tính \"%s\" (sheet)",
                            j->forms[k].file, j->forms[i].file, j->forms[i].sheet);
                status = EXIT_CONFIG;
            }
        if (status != EXIT_OK || (j->forms[i].rows == ROWS_CONTROL && t->nrows == 0)) table_free(t);
        else j->tables[n++] = t;
        strbuf_release(&w.err[i]);
    }
    j->ntables = n;
    if (status != EXIT_OK) return status;
    stage_done(j, "bảng");
    return EXIT_OK;
}

/* A fixed document date keeps two runs' workbooks byte-identical. */
static time_t doc_time(const config *cfg)
{
    int d = cfg->unit.doc_date ? cfg->unit.doc_date : cfg->as_of;
    struct tm tm = {.tm_year = d / 10000 - 1900, .tm_mon = d / 100 % 100 - 1, .tm_mday = d % 100,
                    .tm_hour = 8};
    return timegm(&tm);
}

/* What a run writes from: its tables, and the two documents built from
 * them (each document owns the tables it holds as appendices). */
typedef struct sources {
    facts *f;
    document *doc;   /* the signed document */
    document *check; /* the check report beside it: working material */
} sources;

/* A writer draws the signed output (check 0) or the check report's (1). */
typedef int (*write_fn)(job *j, const sources *s, int check, const char *path, strbuf *err);

/* The signed workbook holds the report's tables only; the check workbook
 * the check forms (rows = control) and the run's data errors. */
static int write_workbook(job *j, const sources *s, int check, const char *path, strbuf *err)
{
    table *t[MAX_FORMS];
    int n = 0;
    for (int i = 0; i < j->ntables; i++)
        if (j->tables[i]->check == check) t[n++] = j->tables[i];
    const char *title = vars_get(&s->f->scalars, "ky_bao_cao");
    if (!check) return xlsx_write(path, t, n, doc_time(j->cfg), title, err);
    return xlsx_write_checked(path, t, n, doc_time(j->cfg), title,
                              (const char *const *)j->ds.errors, j->ds.nerrors, err);
}

static int write_pdf(job *j, const sources *s, int check, const char *path, strbuf *err)
{
    return pdf_report_write(check ? s->check : s->doc, j->cfg->font_dir, path, err);
}

static int write_docx(job *j, const sources *s, int check, const char *path, strbuf *err)
{
    char *styles = config_template_path(j->cfg, "word/styles.xml");
    int rc = docx_write(check ? s->check : s->doc, styles, path, err);
    free(styles);
    return rc;
}

/*
 * The outputs of a set, one entry each: adding an output is one writer and
 * one row. `output` is the [report] outputs bit that turns it on; `check`
 * 1 for the check report's file (else the signed document's); `mail` the
 * job key that attaches it to the leaders' mail (MAIL_ALWAYS: the PDF), or
 * MAIL_CHECK: to the check report's mail (mail_check_to), never the leaders'.
 */
enum { MAIL_NEVER, MAIL_ALWAYS, MAIL_IF_XLSX, MAIL_IF_DOCX, MAIL_CHECK };

typedef struct writer {
    int output, check;
    const char *suffix;
    const char *mime;
    int mail;
    write_fn write;
    int turn;      /* taken by the writing threads in this order (write_outputs) */
} writer;

#define MIME_XLSX "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#define MIME_DOCX "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

/*
 * The outputs of a set, in the order of the set and its mail. `turn`: the
 * signed PDF first, the signed workbook next on the other thread, then
 * the check files on whichever is free first (the PDF's: on the national
 * bench the PDF takes 0.18 s, the workbook 0.20 s and the check files
 * 0.03 s, so both threads end together; the writing 0.245 s -> 0.215 s
 * against the check files first, and 0.4 MB less peak memory). The
 * workbook first instead puts the check PDF beside the signed PDF and
 * workbook at their largest: 4 MB more peak memory.
 */
static const writer writers[] = {
    {OUTPUT_XLSX, 0, ".xlsx", MIME_XLSX, MAIL_IF_XLSX, write_workbook, 1},
    {OUTPUT_PDF, 0, ".pdf", "application/pdf", MAIL_ALWAYS, write_pdf, 0},
    {OUTPUT_DOCX, 0, ".docx", MIME_DOCX, MAIL_IF_DOCX, write_docx, 5},
    {OUTPUT_PDF, 1, OUTPUT_CHECK_SUFFIX ".pdf", "application/pdf", MAIL_CHECK, write_pdf, 2},
    {OUTPUT_XLSX, 1, OUTPUT_CHECK_SUFFIX ".xlsx", MIME_XLSX, MAIL_CHECK, write_workbook, 3},
    {OUTPUT_DOCX, 1, OUTPUT_CHECK_SUFFIX ".docx", MIME_DOCX, MAIL_NEVER, write_docx, 4},
};
#define NWRITERS (sizeof writers / sizeof writers[0])

/* Does the job's mail (the leaders', or check: the preparer's) carry
 * writer w's file? */
static int mailed(const config *cfg, const writer *w, int check)
{
    if (!(cfg->outputs & w->output)) return 0;
    if (w->mail == MAIL_CHECK) return check; /* the preparer's mail, never the leaders' */
    if (check) return 0;
    switch (w->mail) {
    case MAIL_ALWAYS: return 1;
    case MAIL_IF_XLSX: return cfg->mail_xlsx;
    case MAIL_IF_DOCX: return cfg->mail_docx;
    default: return 0;
    }
}

typedef struct work {
    job *j;
    const sources *s;
    const writer *w;
    const char *path;
    int at;       /* the file's index in the outset */
    int rc;
    double secs;  /* how long the writing and sealing took, for --timing */
    strbuf err;
} work;

/* The writers of a set, by their turn (par_each takes them in order). */
typedef struct work_queue {
    work *k;
    int order[NWRITERS]; /* indices into k by the writers' turn */
} work_queue;

static void write_one(void *arg, int i)
{
    work_queue *q = arg;
    work *k = &q->k[q->order[i]];
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    k->rc = k->w->write(k->j, k->s, k->w->check, k->path, &k->err);
    /* Flushed and hashed here, beside the other thread's writing, rather
     * than one file after another at the commit. */
    if (k->rc == 0 && k->path) k->rc = outset_seal(&k->j->out, k->at, &k->err);
    k->secs = seconds_since(&t0, &t1);
    /* What this output freed stays in this thread's arena, where the
     * other writer's growth cannot use it: give it back (1 MB of the
     * national run's peak). */
    mem_trim();
}

/*
 * Every output of the set. The writers only read the tables and
 * documents, so two threads take them in their turn (see writers): the
 * two cores are used, and a thread done with one output takes the next.
 */
static int write_outputs(job *j, const sources *s)
{
    const config *cfg = j->cfg;
    work k[NWRITERS];
    int n = 0, rc = 0;
    progress_stage("ghi tệp");
    /* What the tables' and the merge's threads freed, given back before
     * the writers grow beside it (see mem_trim). */
    mem_trim();
    for (size_t i = 0; i < NWRITERS; i++) {
        if (!(cfg->outputs & writers[i].output)) continue;
        char *name = output_name(cfg, j->unit, writers[i].suffix);
        const char *path = outset_add(&j->out, cfg->output_dir, name);
        k[n] = (work){j, s, &writers[i], path, j->out.n - 1, 0, 0, STRBUF_INIT};
        free(name);
        n++;
    }
    work_queue q = {k, {0}};
    for (int i = 0; i < n; i++) { /* by turn: n is 6 at most */
        int at = i;
        while (at > 0 && k[q.order[at - 1]].w->turn > k[i].w->turn) q.order[at] = q.order[at - 1], at--;
        q.order[at] = i;
    }
    par_each(n, write_one, &q);
    for (int i = 0; i < n; i++) {
        if (j->opt->timing)
            mlog_say(j->log, MLOG_INFO, "thời gian:   tệp %-16s %.3f s", k[i].w->suffix, k[i].secs);
        if (k[i].rc < 0) {
            if (j->err.len) strbuf_adds(&j->err, "; ");
            strbuf_add(&j->err, k[i].err.buf, k[i].err.len);
            rc = -1;
        }
        strbuf_release(&k[i].err);
    }
    stage_done(j, "ghi tệp");
    return rc;
}

static void free_job(job *j)
{
    for (int i = 0; i < MAX_FORMS; i++) table_free(j->tables[i]);
    for (int i = 0; i < j->nforms; i++) form_free(&j->forms[i]);
    wording_free(&j->words);
    wording_free(&j->check_words);
    dataset_free(&j->ds);
    catalogue_free(&j->cat);
    outset_free(&j->out);
    strbuf_release(&j->err);
    lock_release(&j->lock);
    manifest_free(&j->man);
    for (int i = 0; i < j->nmails; i++) {
        free(j->mails[i].to);
        strbuf_release(&j->mails[i].subject);
        strbuf_release(&j->mails[i].body);
    }
    free(j->mails);
    for (int i = 0; i < j->ntemplates; i++) free(j->templates[i]);
}

/* One run at a time per output folder; what a crashed run left, removed. */
static int take_output_dir(job *j)
{
    const config *cfg = j->cfg;
    if (outset_ensure_dir(cfg->output_dir, &j->err) < 0) return fail(j, EXIT_OUTPUT);
    int rc = lock_acquire(&j->lock, cfg->output_dir, j->opt->lock_wait, &j->err);
    if (rc) return fail(j, rc > 0 ? EXIT_BUSY : EXIT_OUTPUT);
    int removed = lock_clean_temporaries(cfg->output_dir) + outset_collect(cfg->output_dir);
    if (removed)
        mlog_say(j->log, MLOG_INFO, "đã xóa %d tệp tạm của một lần chạy bị ngắt", removed);
    char *set = output_name(cfg, NULL, "");
    int rc_open = outset_open(&j->out, cfg->output_dir, set, &j->err);
    free(set);
    return rc_open < 0 ? fail(j, EXIT_OUTPUT) : EXIT_OK;
}

/*
 * The digest of everything the outputs depend on, for the manifest: the
 * config and templates now; the inputs as they are read (ingest hashes
 * the very bytes it parses: add_read_digests), except with skip_unchanged,
 * which needs them before reading: hashed here too, then.
 */
static int digest_inputs(job *j)
{
    const config *cfg = j->cfg;
    strbuf asof = STRBUF_INIT;
    date_iso(&asof, cfg->as_of);
    manifest_begin(&j->man, "mtqg-report " MTQG_VERSION, cfg->name ? cfg->name : cfg->output_name,
                   cfg->period_tag, asof.buf);
    strbuf_release(&asof);
    int rc = manifest_digest_file(&j->man, cfg->path, &j->err);
    for (int i = 0; rc == 0 && i < j->ntemplates; i++)
        rc = manifest_digest_file(&j->man, j->templates[i], &j->err);
    j->man_inputs = manifest_mark(&j->man);
    if (!cfg->skip_unchanged) return rc;
    input_list in;
    if (rc == 0 && inputs_find(&in, cfg, &j->err) == INGEST_OK)
        for (int i = 0; rc == 0 && i < in.n; i++) rc = manifest_digest_file(&j->man, in.files[i].path, &j->err);
    inputs_free(&in);
    strbuf_reset(&j->err); /* a missing input is reported by the reading */
    return rc;
}

/* The inputs' digests as read (in the order inputs_find lists them, as
 * digest_inputs hashed them), in place of any taken before reading: a
 * file changed since is described as it was read. */
static void add_read_digests(job *j)
{
    manifest_rewind(&j->man, j->man_inputs);
    for (int i = 0; i < j->ds.nfiles; i++) {
        const file_stats *f = &j->ds.files[i];
        if (*f->sha256)
            manifest_digest_known(&j->man, f->path, f->sha256, f->bytes);
        else if (manifest_digest_file(&j->man, f->path, &j->err) < 0) /* listing it will say why */
            strbuf_reset(&j->err);
    }
}

/* The digest equal to the last manifest's, with its outputs untouched. */
static int nothing_new(job *j)
{
    char now[SHA256_HEX];
    manifest_inputs_digest(&j->man, now);
    char *mpath = output_path(j->cfg, NULL, ".manifest.json");
    int same = manifest_still_current(mpath, now);
    free(mpath);
    return same;
}

/* The manifest goes out with the outputs, in the same commit. */
static int add_manifest(job *j, int status)
{
    const dataset *ds = &j->ds;
    for (int i = 0; i < ds->nfiles; i++) {
        const file_stats *f = &ds->files[i];
        if (manifest_input(&j->man, f->path, f->read, f->accepted, f->skipped, f->rejected,
                           f->duplicates, &j->err) < 0)
            return -1;
    }
    for (int i = 0; i < j->out.n; i++) {
        const outset_digest *d = outset_digest_of(&j->out, i);
        if (manifest_output(&j->man, outset_final(&j->out, i), j->out.tmp[i], d ? d->hex : NULL,
                            d ? d->bytes : 0, &j->err) < 0)
            return -1;
    }
    for (int i = 0; i < ds->units.nwarnings; i++) manifest_warning(&j->man, ds->units.warnings[i]);
    for (int i = 0; i < ds->nnotes; i++) manifest_warning(&j->man, ds->notes[i]);
    for (int i = 0; i < ds->nerrors; i++) {
        strbuf sb = STRBUF_INIT;
        strbuf_addf(&sb, "lỗi dữ liệu: %s", ds->errors[i]);
        manifest_warning(&j->man, sb.buf);
        strbuf_release(&sb);
    }
    char *name = output_name(j->cfg, NULL, ".manifest.json");
    const char *tmp = outset_add(&j->out, j->cfg->output_dir, name);
    free(name);
    FILE *fp = tmp ? fopen(tmp, "wb") : NULL;
    int rc = fp && manifest_finish(&j->man, status, fp) == 0 ? 0 : -1;
    if (fp && fclose(fp) != 0) rc = -1;
    if (rc < 0) strbuf_addf(&j->err, "%s: không ghi được bản kê (manifest)", j->cfg->output_dir);
    return rc;
}

static int publish(job *j, int status)
{
    if (add_manifest(j, status) < 0 || outset_commit(&j->out, &j->err) < 0)
        return fail(j, EXIT_OUTPUT);
    stage_done(j, "công bố"); /* manifest, fsync, the switch, the previous set removed */
    for (int i = 0; i < j->out.n; i++)
        mlog_say(j->log, MLOG_INFO, "đã ghi %s", outset_final(&j->out, i));
    if (j->sum) j->sum->written += j->out.n;
    return status;
}

/* The mail body (the leaders', or check: the preparer's): the wording
 * file, comment lines out, placeholders in. */
static int mail_words(job *j, const vars *v, int check, strbuf *subject, strbuf *body)
{
    const config_mail *m = &j->cfg->mail;
    if (vars_expand(v, check ? m->check_subject : m->subject, subject, &j->err) < 0) return -1;
    char *path = config_template_path(j->cfg, check ? m->check_body_template : m->body_template);
    FILE *f = fopen(path, "r");
    if (!f) strbuf_addf(&j->err, "%s: không đọc được lời thư", path);
    free(path);
    if (!f) return -1;
    char line[4096];
    int rc = 0;
    while (rc == 0 && fgets(line, sizeof line, f))
        if (line[0] != '#') rc = vars_expand(v, line, body, &j->err);
    fclose(f);
    return rc;
}

/* Remember the mail of the outputs just written (if they go to anyone):
 * the leaders' (check 0) or the check report's to its preparer (1). */
static int queue_mail(job *j, const facts *f, const char *to, int check)
{
    if (!to || !*to || j->opt->check) return 0;
    /* The leaders' mail carries the PDF; the preparer's the check PDF or workbook. */
    if (!(j->cfg->outputs & (check ? OUTPUT_PDF | OUTPUT_XLSX : OUTPUT_PDF))) {
        mlog_say(j->log, MLOG_WARN, "không gửi thư tới %s: [report] outputs không có %s", to,
                 check ? "pdf hoặc xlsx" : "pdf");
        return 0;
    }
    j->mails = xrealloc(j->mails, (size_t)(j->nmails + 1) * sizeof(mail_text));
    mail_text *m = &j->mails[j->nmails++];
    snprintf(m->unit, sizeof m->unit, "%s", j->unit ? j->unit : "");
    m->check = check;
    m->to = xstrdup(to);
    m->subject = m->body = (strbuf)STRBUF_INIT;
    return mail_words(j, &f->scalars, check, &m->subject, &m->body);
}

/* The published files of each queued mail: the PDF, and what the job asks for. */
static int deliver(job *j)
{
    const config *cfg = j->cfg;
    int status = EXIT_OK;
    if (j->nmails) progress_stage("gửi thư");
    for (int i = 0; i < j->nmails; i++) {
        mail_text *mt = &j->mails[i];
        char *files[NWRITERS];
        const char *types[NWRITERS];
        int nfiles = 0;
        for (size_t w = 0; w < NWRITERS; w++)
            if (mailed(cfg, &writers[w], mt->check)) {
                types[nfiles] = writers[w].mime;
                files[nfiles++] = output_path(cfg, mt->unit, writers[w].suffix);
            }
        strbuf who = STRBUF_INIT;
        /* The check mail has a job key of its own: neither replaces the other. */
        strbuf_addf(&who, "%s-%s%s%s%s", cfg->name ? cfg->name : cfg->output_name, cfg->period_tag,
                    *mt->unit ? "-" : "", mt->unit, mt->check ? "-kiem-tra" : "");
        mailing m = {&cfg->mail, mt->to, mt->unit[0] || mt->check ? NULL : cfg->mail_cc, mt->subject.buf,
                     mt->body.buf, (const char *const *)files, types, nfiles, who.buf,
                     (long long)time(NULL), j->opt->dry_run};
        if (mailing_deliver(&m, j->log, &j->err) < 0) status = fail(j, EXIT_DELIVERY);
        strbuf_reset(&j->err);
        for (int k = 0; k < nfiles; k++) free(files[k]);
        strbuf_release(&who);
    }
    return status;
}

/* The signed document and the check report in memory. The signed one
 * holds the report's tables, the check report the check forms (rows =
 * control); each takes its tables, which the workbook writer still reads:
 * drop_documents frees them once the writers are done. */
static int build_documents(job *j, sources *s)
{
    table *doc_t[MAX_FORMS], *chk_t[MAX_FORMS];
    int nd = 0, nc = 0;
    for (int i = 0; i < j->ntables; i++) {
        if (j->tables[i]->check) chk_t[nc++] = j->tables[i];
        else doc_t[nd++] = j->tables[i];
    }
    strbuf warn = STRBUF_INIT;
    s->doc = report_doc_build(&j->words, s->f, j->cfg, doc_t, nd, &warn, &j->err);
    s->check = s->doc ? report_doc_build(&j->check_words, s->f, j->cfg, chk_t, nc, &warn, &j->err) : NULL;
    for (char *l = warn.buf, *e; *l; l = e + 1) {
        if (!(e = strchr(l, '\n'))) e = l + strlen(l) - 1;
        mlog_say(j->log, MLOG_WARN, "cảnh báo: %.*s", (int)(e - l + (*e != '\n')), l);
    }
    strbuf_release(&warn);
    if (s->doc && !s->check) { /* the tables go back to the job */
        for (int i = 0; i < s->doc->nappendices; i++) s->doc->appendices[i].tbl = NULL;
        document_free(s->doc);
        s->doc = NULL;
    }
    return s->doc ? 0 : -1;
}

static void drop_documents(job *j, sources *s)
{
    if (s->doc) memset(j->tables, 0, sizeof j->tables); /* freed with the documents */
    document_free(s->doc);
    document_free(s->check);
    s->doc = s->check = NULL;
}

/* Tables, documents and files from the current dataset. Under --check the
 * tables, the documents and the mail are built in memory and dropped, so a
 * template error is found (exit 2) without writing anything. */
static int produce(job *j, facts *f, const char *to, int status)
{
    int built = build_tables(j, &f->scalars);
    if (built != EXIT_OK) return fail(j, built);
    sources s = {f, NULL, NULL};
    if ((j->cfg->outputs & (OUTPUT_PDF | OUTPUT_DOCX)) && build_documents(j, &s) < 0)
        return fail(j, EXIT_CONFIG);
    if (j->opt->check) {
        drop_documents(j, &s);
        strbuf subject = STRBUF_INIT, body = STRBUF_INIT;
        int rc = to && *to ? mail_words(j, &f->scalars, 0, &subject, &body) : 0;
        const char *cto = j->cfg->mail_check_to;
        strbuf_reset(&subject);
        strbuf_reset(&body);
        if (rc == 0 && cto && *cto) rc = mail_words(j, &f->scalars, 1, &subject, &body);
        strbuf_release(&subject);
        strbuf_release(&body);
        return rc < 0 ? fail(j, EXIT_CONFIG) : status;
    }
    if (queue_mail(j, f, to, 0) < 0 || queue_mail(j, f, j->cfg->mail_check_to, 1) < 0) {
        drop_documents(j, &s);
        return fail(j, EXIT_CONFIG);
    }
    if (!j->unit) dataset_release_aggregates(&j->ds);
    int rc = write_outputs(j, &s);
    drop_documents(j, &s);
    return rc < 0 ? fail(j, EXIT_OUTPUT) : status;
}

static facts *build_facts(job *j, facts *f, const char *rejects_name)
{
    facts_build(f, &j->ds, j->cfg, &j->words.settings, wording_list_size(&j->words, "du_an_cham", 3),
                wording_list_size(&j->words, "xa_cham", 5), rejects_name);
    return f;
}

/* One output set per province, district or commune: the dataset of each
 * in turn (memory: the whole plus one unit's subset at a time). */
static int produce_split(job *j, const char *rejects_name, int status)
{
    dataset whole = j->ds; /* j->ds holds each unit's subset in turn */
    const units *u = &whole.units;
    split_mode mode = j->cfg->split;
    int ngroups = mode == SPLIT_DISTRICT ? u->ndistricts : mode == SPLIT_PROVINCE ? u->nprovinces : u->nunits;
    unsigned char *keep = xcalloc((size_t)u->nunits + 1, 1);
    for (int g = 0; g < ngroups && (status == EXIT_OK || status == EXIT_DATA); g++) {
        const char *code = mode == SPLIT_DISTRICT ? u->districts[g].code
                         : mode == SPLIT_PROVINCE ? u->provinces[g].code : u->units[g].code;
        if (mode == SPLIT_COMMUNE && u->units[g].kind != UNIT_COMMUNE) continue;
        for (int i = 0; i < u->nunits; i++)
            keep[i] = mode == SPLIT_DISTRICT ? u->units[i].district == g
                    : mode == SPLIT_PROVINCE ? u->units[i].province == g : i == g;
        dataset_subset(&j->ds, &whole, keep);
        j->unit = code && *code ? code : "khong-ma";
        facts f;
        status = produce(j, build_facts(j, &f, rejects_name), config_recipients_of(j->cfg, j->unit), status);
        facts_free(&f);
        dataset_free(&j->ds);
    }
    j->ds = whole;
    j->unit = NULL;
    free(keep);
    return status;
}

const char *job_status_text(int status)
{
    static const char *const text[] = {
        "thành công", "lỗi nội bộ của chương trình", "lỗi cấu hình, mẫu biểu hoặc tham số",
        "lỗi dữ liệu", "thiếu dữ liệu vào", "không ghi được kết quả",
        "đã lập báo cáo nhưng chưa gửi được thư", "một lần chạy khác đang ghi vào thư mục kết quả"};
    return status >= 0 && status <= EXIT_BUSY ? text[status] : "không rõ";
}

int job_worse_status(int a, int b)
{
    static const int rank[] = {0, 7, 6, 3, 5, 4, 2, 1}; /* by status 0..7 */
    return rank[b] > rank[a] ? b : a;
}

static int run(job *j, const job_options *opt)
{
    const config *cfg = j->cfg;
    int status;
    if (load_templates(j) < 0 || inputs_check_config(cfg, &j->err) < 0) return fail(j, EXIT_CONFIG);
    if ((cfg->outputs & OUTPUT_PDF) && pdf_layout_check_fonts(cfg->font_dir, &j->err) < 0)
        return fail(j, EXIT_CONFIG);
    if (!opt->check && (status = take_output_dir(j)) != EXIT_OK) return status;
    if (!opt->check && digest_inputs(j) == 0 && cfg->skip_unchanged && nothing_new(j)) {
        mlog_say(j->log, MLOG_INFO, "dữ liệu và cấu hình không đổi từ lần chạy trước; bỏ qua");
        return EXIT_OK;
    }
    stage_done(j, "chuẩn bị"); /* config, templates (and, to skip an unchanged run, the inputs) hashed */
    dataset_init(&j->ds, &j->cat);
    /* The crosswalk is read first: whichever units the report shows, a
     * row's unit code must exist at the row's date (docs/crosswalk.md). */
    crosswalk cw = {0};
    if (cfg->crosswalk && crosswalk_load(&cw, cfg->crosswalk, &j->err) < 0) {
        crosswalk_free(&cw);
        return fail(j, EXIT_CONFIG);
    }
    ingest_options io = {opt->threads, opt->split_bytes, cfg->crosswalk ? &cw : NULL, !opt->check};
    progress_stage("đọc");
    ingest_status st = ingest_run(&j->ds, cfg, &io, &j->err);
    if (st == INGEST_OK && !opt->check) add_read_digests(j);
    if (st == INGEST_OK) stage_done(j, "đọc");
    if (st == INGEST_OK && cfg->crosswalk && cfg->units_as == UNITS_NEW) {
        int moved = crosswalk_apply(&cw, &j->ds);
        mlog_say(j->log, MLOG_INFO, "bảng chuyển đổi %s: %d đơn vị cũ được tổng hợp vào xã mới",
                 cfg->crosswalk, moved);
    } else if (st == INGEST_OK && cfg->crosswalk) {
        crosswalk_note_both(&cw, &j->ds);
    }
    if (cfg->crosswalk) crosswalk_free(&cw);
    if (st != INGEST_OK)
        return fail(j, st == INGEST_INPUT_MISSING ? EXIT_INPUT : st == INGEST_TEMP_FAILED ? EXIT_OUTPUT : EXIT_DATA);
    check_needed_kinds(j);
    int no_plan = dataset_check_results(&j->ds, config_years(cfg));
    if (summarize_inputs(j) < 0) return fail(j, EXIT_INTERNAL);
    char *rejects_name = output_name(cfg, NULL, "-dong-bi-loai.csv");
    int mismatches = count_mismatches(j); /* said in the log even when rows were rejected */
    status = j->ds.rejected_total || mismatches || j->ds.nerrors ? EXIT_DATA : EXIT_OK;
    if (no_plan) {
        mlog_say(j->log, MLOG_ERROR, "không lập báo cáo: kế hoạch vốn bằng 0");
    } else if (j->ds.rejected_total && cfg->on_reject == REJECT_FAIL) {
        mlog_say(j->log, MLOG_ERROR, "có %ld dòng bị loại; on_reject = fail nên không lập báo cáo",
                    j->ds.rejected_total);
    } else if (cfg->split != SPLIT_NONE) {
        status = produce_split(j, rejects_name, status);
    } else {
        facts f;
        status = produce(j, build_facts(j, &f, rejects_name), cfg->mail_to, status);
        facts_free(&f);
    }
    int ok = status == EXIT_OK || status == EXIT_DATA;
    if (opt->check && ok) mlog_say(j->log, MLOG_INFO, "kiểm tra xong, không ghi tệp nào");
    if (!opt->check && ok && write_rejects(j, rejects_name) < 0) status = fail(j, EXIT_OUTPUT);
    if (!opt->check && (status == EXIT_OK || status == EXIT_DATA)) status = publish(j, status);
    if (!opt->check && (status == EXIT_OK || status == EXIT_DATA)) {
        int sent = deliver(j);
        status = job_worse_status(status, sent);
    }
    if (j->ds.rejected_total)
        mlog_say(j->log, MLOG_WARN, "%ld dòng bị loại, xem %s/%s", j->ds.rejected_total,
                    cfg->output_dir, rejects_name);
    free(rejects_name);
    return status;
}

int job_send_outbox(const char *config_path, long long stored_before, const mlog *log)
{
    config cfg;
    config_defaults(&cfg);
    strbuf err = STRBUF_INIT;
    int status = EXIT_OK;
    if (config_load(&cfg, config_path, &err) < 0) {
        mlog_say(log, MLOG_ERROR, "lỗi cấu hình: %s", err.buf);
        status = EXIT_CONFIG;
    } else if (mailing_send_outbox(&cfg.mail, stored_before, log, &err) < 0) {
        if (err.len) mlog_say(log, MLOG_ERROR, "lỗi: %s", err.buf);
        status = EXIT_DELIVERY;
    }
    strbuf_release(&err);
    config_free(&cfg);
    return status;
}

int job_run(const config *cfg, const job_options *opt, const mlog *log, job_summary *sum)
{
    job j;
    memset(&j, 0, sizeof j);
    j.cfg = cfg;
    j.opt = opt;
    j.log = log;
    j.sum = sum;
    progress_reset();
    clock_gettime(CLOCK_MONOTONIC, &j.t0);
    j.err = (strbuf)STRBUF_INIT;
    j.lock.fd = -1;
    outset_init(&j.out);
    int status = run(&j, opt);
    free_job(&j);
    return status;
}
