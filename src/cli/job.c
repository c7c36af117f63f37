/* The run of one report; see job.h. */
#include "job.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../deliver/outset.h"
#include "../util/decimal.h"
#include "../util/linefile.h"
#include "../model/dataset.h"
#include "../read/ingest.h"
#include "../read/rejects.h"
#include "../render/facts.h"
#include "../render/form.h"
#include "../render/pdf_layout.h"
#include "../render/pdf_report.h"
#include "../render/report_doc.h"
#include "../render/xlsx_writer.h"

#define MAX_FORMS 16

typedef struct job {
    const config *cfg;
    const job_options *opt;
    struct timespec t0;
    strbuf *log;
    catalogue cat;
    int nforms;
    form forms[MAX_FORMS];
    wording words;
    dataset ds;
    int ntables;
    table *tables[MAX_FORMS];
    outset out;
    strbuf err;
} job;

/* With --timing, one log line per stage: where a run spends its time. */
static void stage_done(job *j, const char *stage)
{
    if (!j->opt->timing) return;
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    double s = (double)(t.tv_sec - j->t0.tv_sec) + (double)(t.tv_nsec - j->t0.tv_nsec) / 1e9;
    strbuf_addf(j->log, "mtqg-report: thời gian: %-10s %.3f s\n", stage, s);
    j->t0 = t;
}

static int fail(job *j, int status)
{
    strbuf_addf(j->log, "mtqg-report: lỗi: %s\n", j->err.buf);
    return status;
}

static int load_templates(job *j)
{
    char *path = config_template_path(j->cfg, j->cfg->catalogue);
    int rc = catalogue_load(&j->cat, path, &j->err);
    free(path);
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
        free(path);
    }
    free(list);
    if (rc == 0) {
        path = config_template_path(j->cfg, j->cfg->report_template);
        rc = wording_load(&j->words, path, &j->err);
        free(path);
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
        strbuf_addf(j->log, "mtqg-report: %s (%s): đọc %ld dòng = %ld nhận + %ld bỏ qua + %ld loại",
                    f->path, kind_label[f->kind], f->read, f->accepted, f->skipped, f->rejected);
        if (f->other_year) strbuf_addf(j->log, " (%ld dòng thuộc năm khác %d)", f->other_year, j->cfg->year);
        if (f->duplicates) strbuf_addf(j->log, " (%ld dòng trùng)", f->duplicates);
        strbuf_addch(j->log, '\n');
        read += f->read, acc += f->accepted, skip += f->skipped, rej += f->rejected;
        if (f->read != f->accepted + f->skipped + f->rejected) {
            strbuf_addf(&j->err, "%s: số dòng không khớp (lỗi chương trình)", f->path);
            return -1;
        }
    }
    strbuf_addf(j->log, "mtqg-report: tổng cộng %ld dòng = %ld nhận + %ld bỏ qua (dòng trống "
                "hoặc sau ngày %d/%d/%d) + %ld loại\n", read, acc, skip,
                j->cfg->as_of % 100, j->cfg->as_of / 100 % 100, j->cfg->as_of / 10000, rej);
    for (int i = 0; i < ds->units.nwarnings; i++)
        strbuf_addf(j->log, "mtqg-report: cảnh báo: %s\n", ds->units.warnings[i]);
    for (int i = 0; i < ds->nnotes; i++)
        strbuf_addf(j->log, "mtqg-report: cảnh báo: %s\n", ds->notes[i]);
    return 0;
}

/* Assigned totals of the report year the allocation rows do not match
 * (beyond the rounding tolerance): a failed check, said in the log. */
static int count_mismatches(job *j)
{
    int n = 0;
    const controls *c = &j->ds.checks;
    for (int i = 0; i < c->n; i++) {
        const control_line *l = &c->lines[i];
        int64_t d = l->allocated - l->assigned;
        if (!year_span_has(config_years(j->cfg), l->year) || (d < 0 ? -d : d) <= j->cfg->tolerance)
            continue;
        n++;
        strbuf sb = STRBUF_INIT;
        decimal_format(&sb, d, 6, 3, DECIMAL_TRIM_WHOLE);
        strbuf_addf(j->log, "mtqg-report: kiểm tra: %s%s%s: tổng phân bổ khác số được giao %s triệu đồng\n",
                    j->cat.sources[l->source].code, l->project >= 0 ? ", " : "",
                    l->project >= 0 ? j->cat.projects[l->project].code : "", sb.buf);
        strbuf_release(&sb);
    }
    return n;
}

static char *output_name(const config *cfg, const char *suffix)
{
    strbuf sb = STRBUF_INIT;
    if (cfg->period_tag[0]) strbuf_addf(&sb, "%s-%s%s", cfg->output_name, cfg->period_tag, suffix);
    else strbuf_addf(&sb, "%s-%d%s", cfg->output_name, cfg->year, suffix);
    return strbuf_detach(&sb, NULL);
}

static int write_rejects(job *j, const char *name)
{
    const char *tmp = outset_add(&j->out, j->cfg->output_dir, name);
    FILE *fp = tmp ? fopen(tmp, "wb") : NULL;
    if (!fp) {
        strbuf_addf(&j->err, "%s/%s: không ghi được (%s)", j->cfg->output_dir, name, strerror(errno));
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

/* A check form with no assigned totals for the year is left out. */
static int build_tables(job *j, const vars *v)
{
    int n = 0;
    for (int i = 0; i < j->nforms; i++) {
        table *t = form_build(&j->forms[i], &j->ds, v, config_years(j->cfg), &j->err);
        if (!t) return -1;
        if (j->forms[i].rows == ROWS_CONTROL && t->nrows == 0) table_free(t);
        else j->tables[n++] = t;
    }
    j->ntables = n;
    stage_done(j, "bảng");
    return 0;
}

/* A fixed document date keeps two runs' workbooks byte-identical. */
static time_t doc_time(const config *cfg)
{
    int d = cfg->unit.doc_date ? cfg->unit.doc_date : cfg->as_of;
    struct tm tm = {.tm_year = d / 10000 - 1900, .tm_mon = d / 100 % 100 - 1, .tm_mday = d % 100,
                    .tm_hour = 8};
    return timegm(&tm);
}

typedef struct xlsx_work {
    job *j;
    const char *path, *title;
    int rc;
    strbuf err;
} xlsx_work;

static void *write_xlsx(void *arg)
{
    xlsx_work *w = arg;
    w->rc = xlsx_write(w->path, w->j->tables, w->j->ntables, doc_time(w->j->cfg), w->title, &w->err);
    return NULL;
}

/*
 * The workbook and the PDF are drawn from the same tables, which neither
 * writer changes, so they are written at the same time on the two cores:
 * the workbook on a second thread while this one lays out the document.
 */
static int write_outputs(job *j, facts *f, const char *rejects_name)
{
    const config *cfg = j->cfg;
    xlsx_work xw = {j, NULL, vars_get(&f->scalars, "ky_bao_cao"), 0, STRBUF_INIT};
    pthread_t tid;
    int threaded = 0, rc = 0;
    if (cfg->outputs & OUTPUT_XLSX) {
        char *name = output_name(cfg, ".xlsx");
        xw.path = outset_add(&j->out, cfg->output_dir, name);
        free(name);
        threaded = (cfg->outputs & OUTPUT_PDF) && pthread_create(&tid, NULL, write_xlsx, &xw) == 0;
        if (!threaded) write_xlsx(&xw);
    }
    document *d = NULL;
    if (cfg->outputs & OUTPUT_PDF) {
        /* The document takes the tables; they live until document_free. */
        d = report_doc_build(&j->words, f, cfg, j->tables, j->ntables, &j->err);
        char *name = output_name(cfg, ".pdf");
        const char *tmp = outset_add(&j->out, cfg->output_dir, name);
        rc = d ? pdf_report_write(d, cfg->font_dir, tmp, &j->err) : -1;
        free(name);
    }
    if (threaded) pthread_join(tid, NULL);
    if (d) memset(j->tables, 0, sizeof j->tables); /* freed with the document */
    document_free(d);
    if (xw.rc < 0) {
        strbuf_add(&j->err, xw.err.buf, xw.err.len);
        rc = -1;
    }
    strbuf_release(&xw.err);
    stage_done(j, "xlsx+pdf");
    if (rc == 0) rc = write_rejects(j, rejects_name);
    return rc;
}

static void free_job(job *j)
{
    for (int i = 0; i < MAX_FORMS; i++) table_free(j->tables[i]);
    for (int i = 0; i < j->nforms; i++) form_free(&j->forms[i]);
    wording_free(&j->words);
    dataset_free(&j->ds);
    catalogue_free(&j->cat);
    outset_free(&j->out);
    strbuf_release(&j->err);
}

static int run(job *j, const job_options *opt)
{
    const config *cfg = j->cfg;
    if (load_templates(j) < 0) return fail(j, EXIT_CONFIG);
    if ((cfg->outputs & OUTPUT_PDF) && pdf_layout_check_fonts(cfg->font_dir, &j->err) < 0)
        return fail(j, EXIT_CONFIG);
    dataset_init(&j->ds, &j->cat);
    ingest_options io = {opt->threads, opt->split_bytes};
    ingest_status st = ingest_run(&j->ds, cfg, &io, &j->err);
    if (st != INGEST_OK) return fail(j, st == INGEST_INPUT_MISSING ? EXIT_INPUT : EXIT_DATA);
    stage_done(j, "đọc");
    if (summarize_inputs(j) < 0) return fail(j, EXIT_INTERNAL);
    if (outset_ensure_dir(cfg->output_dir, &j->err) < 0) return fail(j, EXIT_OUTPUT);
    char *rejects_name = output_name(cfg, "-dong-bi-loai.csv");
    int mismatches = count_mismatches(j);
    int status = j->ds.rejected_total || mismatches ? EXIT_DATA : EXIT_OK;
    facts f;
    j->ds.checks.tolerance = cfg->tolerance;
    facts_build(&f, &j->ds, cfg, &j->words.settings, wording_list_size(&j->words, "du_an_cham", 3),
                wording_list_size(&j->words, "xa_cham", 5), rejects_name);
    if (j->ds.rejected_total && cfg->on_reject == REJECT_FAIL) {
        strbuf_addf(j->log, "mtqg-report: có %ld dòng bị loại; on_reject = fail nên không lập báo cáo\n",
                    j->ds.rejected_total);
        if (write_rejects(j, rejects_name) < 0) status = EXIT_OUTPUT;
    } else if (build_tables(j, &f.scalars) < 0) {
        status = fail(j, j->err.len && strstr(j->err.buf, "lỗi chương trình") ? EXIT_INTERNAL : EXIT_CONFIG);
    } else if (dataset_release_aggregates(&j->ds), write_outputs(j, &f, rejects_name) < 0) {
        status = fail(j, EXIT_OUTPUT);
    }
    facts_free(&f);
    if (status == EXIT_OK || status == EXIT_DATA) {
        if (outset_commit(&j->out, &j->err) < 0) status = fail(j, EXIT_OUTPUT);
        else
            for (int i = 0; i < j->out.n; i++)
                strbuf_addf(j->log, "mtqg-report: đã ghi %s\n", outset_final(&j->out, i));
    }
    if (j->ds.rejected_total)
        strbuf_addf(j->log, "mtqg-report: %ld dòng bị loại, xem %s/%s\n", j->ds.rejected_total,
                    cfg->output_dir, rejects_name);
    free(rejects_name);
    return status;
}

int job_run(const config *cfg, const job_options *opt, strbuf *log)
{
    job j;
    memset(&j, 0, sizeof j);
    j.cfg = cfg;
    j.opt = opt;
    j.log = log;
    clock_gettime(CLOCK_MONOTONIC, &j.t0);
    j.err = (strbuf)STRBUF_INIT;
    outset_init(&j.out);
    int status = run(&j, opt);
    free_job(&j);
    return status;
}
