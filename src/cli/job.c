/* The run of one report; see job.h. */
#include "job.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
#include "../util/progress.h"
#include "../model/crosswalk.h"
#include "../model/dataset.h"
#include "../read/ingest.h"
#include "../read/rejects.h"
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
    dataset ds;
    int ntables;
    table *tables[MAX_FORMS];
    outset out;
    strbuf err;
    run_lock lock;
    manifest man;
    const char *unit;             /* the unit code of a split output, or NULL */
    int nmails;
    mail_text *mails;             /* the subject and body of each output to mail */
    int ntemplates;
    char *templates[MAX_FORMS + 6]; /* catalogues, forms, wording: for the digest */
} job;

/* With --timing, one log line per stage: where a run spends its time. */
static void stage_done(job *j, const char *stage)
{
    if (!j->opt->timing) return;
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    double s = (double)(t.tv_sec - j->t0.tv_sec) + (double)(t.tv_nsec - j->t0.tv_nsec) / 1e9;
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

/* A check form with no assigned totals for the year is left out. */
static int build_tables(job *j, const vars *v)
{
    int n = 0;
    progress_stage("lập bảng");
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
static int write_outputs(job *j, facts *f)
{
    const config *cfg = j->cfg;
    xlsx_work xw = {j, NULL, vars_get(&f->scalars, "ky_bao_cao"), 0, STRBUF_INIT};
    pthread_t tid;
    int threaded = 0, rc = 0;
    progress_stage("ghi tệp");
    if (cfg->outputs & OUTPUT_XLSX) {
        char *name = output_name(cfg, j->unit, ".xlsx");
        xw.path = outset_add(&j->out, cfg->output_dir, name);
        free(name);
        threaded = (cfg->outputs & OUTPUT_PDF) && pthread_create(&tid, NULL, write_xlsx, &xw) == 0;
        if (!threaded) write_xlsx(&xw);
    }
    document *d = NULL;
    if (cfg->outputs & OUTPUT_PDF) {
        /* The document takes the tables; they live until document_free. */
        d = report_doc_build(&j->words, f, cfg, j->tables, j->ntables, &j->err);
        char *name = output_name(cfg, j->unit, ".pdf");
        const char *tmp = outset_add(&j->out, cfg->output_dir, name);
        rc = d ? pdf_report_write(d, cfg->font_dir, tmp, &j->err) : -1;
        free(name);
    }
    if (threaded) pthread_join(tid, NULL);
    if (d) memset(j->tables, 0, sizeof j->tables); /* freed with the document */
    document_free(d);
    if (xw.rc < 0) {
        if (j->err.len) strbuf_adds(&j->err, "; ");
        strbuf_add(&j->err, xw.err.buf, xw.err.len);
        rc = -1;
    }
    strbuf_release(&xw.err);
    stage_done(j, "xlsx+pdf");
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
    int removed = lock_clean_temporaries(cfg->output_dir);
    if (removed)
        mlog_say(j->log, MLOG_INFO, "đã xóa %d tệp tạm của một lần chạy bị ngắt", removed);
    return EXIT_OK;
}

/* The digest of everything the outputs depend on: config, templates and
 * inputs, for the manifest. */
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
    input_list in;
    if (rc == 0 && inputs_find(&in, cfg, &j->err) == INGEST_OK)
        for (int i = 0; rc == 0 && i < in.n; i++) rc = manifest_digest_file(&j->man, in.files[i].path, &j->err);
    inputs_free(&in);
    strbuf_reset(&j->err); /* a missing input is reported by the reading */
    return rc;
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
    for (int i = 0; i < j->out.n; i++)
        if (manifest_output(&j->man, outset_final(&j->out, i), j->out.tmp[i], &j->err) < 0) return -1;
    for (int i = 0; i < ds->units.nwarnings; i++) manifest_warning(&j->man, ds->units.warnings[i]);
    for (int i = 0; i < ds->nnotes; i++) manifest_warning(&j->man, ds->notes[i]);
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
    for (int i = 0; i < j->out.n; i++)
        mlog_say(j->log, MLOG_INFO, "đã ghi %s", outset_final(&j->out, i));
    if (j->sum) j->sum->written += j->out.n;
    return status;
}

/* The mail body: the wording file, comment lines out, placeholders in. */
static int mail_words(job *j, const vars *v, strbuf *subject, strbuf *body)
{
    const config_mail *m = &j->cfg->mail;
    if (vars_expand(v, m->subject, subject, &j->err) < 0) return -1;
    char *path = config_template_path(j->cfg, m->body_template);
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

/* Remember the mail of the outputs just written (if they go to anyone). */
static int queue_mail(job *j, const facts *f, const char *to)
{
    if (!to || !*to || !(j->cfg->outputs & OUTPUT_PDF) || j->opt->check) return 0;
    j->mails = xrealloc(j->mails, (size_t)(j->nmails + 1) * sizeof(mail_text));
    mail_text *m = &j->mails[j->nmails++];
    snprintf(m->unit, sizeof m->unit, "%s", j->unit ? j->unit : "");
    m->to = xstrdup(to);
    m->subject = m->body = (strbuf)STRBUF_INIT;
    return mail_words(j, &f->scalars, &m->subject, &m->body);
}

/* The published PDF (and the workbook if asked) of each queued mail. */
static int deliver(job *j)
{
    const config *cfg = j->cfg;
    int status = EXIT_OK;
    if (j->nmails) progress_stage("gửi thư");
    for (int i = 0; i < j->nmails; i++) {
        mail_text *mt = &j->mails[i];
        char *files[2] = {output_path(cfg, mt->unit, ".pdf"), NULL};
        int nfiles = 1;
        if (cfg->mail_xlsx && (cfg->outputs & OUTPUT_XLSX)) files[nfiles++] = output_path(cfg, mt->unit, ".xlsx");
        strbuf who = STRBUF_INIT;
        strbuf_addf(&who, "%s-%s%s%s", cfg->name ? cfg->name : cfg->output_name, cfg->period_tag,
                    *mt->unit ? "-" : "", mt->unit);
        mailing m = {&cfg->mail, mt->to, mt->unit[0] ? NULL : cfg->mail_cc, mt->subject.buf,
                     mt->body.buf, (const char *const *)files, nfiles, who.buf,
                     (long long)time(NULL), j->opt->dry_run};
        if (mailing_deliver(&m, j->log, &j->err) < 0) status = fail(j, EXIT_DELIVERY);
        strbuf_reset(&j->err);
        for (int k = 0; k < nfiles; k++) free(files[k]);
        strbuf_release(&who);
    }
    return status;
}

/* Tables, document and files from the current dataset. */
static int produce(job *j, facts *f, const char *to, int status)
{
    if (build_tables(j, &f->scalars) < 0)
        return fail(j, strstr(j->err.buf, "lỗi chương trình") ? EXIT_INTERNAL : EXIT_CONFIG);
    if (j->opt->check) return status;
    if (queue_mail(j, f, to) < 0) return fail(j, EXIT_CONFIG);
    if (!j->unit) dataset_release_aggregates(&j->ds);
    return write_outputs(j, f) < 0 ? fail(j, EXIT_OUTPUT) : status;
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
    if (load_templates(j) < 0) return fail(j, EXIT_CONFIG);
    if ((cfg->outputs & OUTPUT_PDF) && pdf_layout_check_fonts(cfg->font_dir, &j->err) < 0)
        return fail(j, EXIT_CONFIG);
    if (!opt->check && (status = take_output_dir(j)) != EXIT_OK) return status;
    if (!opt->check && digest_inputs(j) == 0 && cfg->skip_unchanged && nothing_new(j)) {
        mlog_say(j->log, MLOG_INFO, "dữ liệu và cấu hình không đổi từ lần chạy trước; bỏ qua");
        return EXIT_OK;
    }
    dataset_init(&j->ds, &j->cat);
    ingest_options io = {opt->threads, opt->split_bytes};
    progress_stage("đọc");
    ingest_status st = ingest_run(&j->ds, cfg, &io, &j->err);
    if (st != INGEST_OK) return fail(j, st == INGEST_INPUT_MISSING ? EXIT_INPUT : EXIT_DATA);
    stage_done(j, "đọc");
    if (cfg->crosswalk && cfg->units_as == UNITS_NEW) {
        crosswalk cw;
        if (crosswalk_load(&cw, cfg->crosswalk, &j->err) < 0) {
            crosswalk_free(&cw);
            return fail(j, EXIT_CONFIG);
        }
        int moved = crosswalk_apply(&cw, &j->ds);
        mlog_say(j->log, MLOG_INFO, "bảng chuyển đổi %s: %d đơn vị cũ được tổng hợp vào xã mới",
                 cfg->crosswalk, moved);
        crosswalk_free(&cw);
    }
    if (summarize_inputs(j) < 0) return fail(j, EXIT_INTERNAL);
    char *rejects_name = output_name(cfg, NULL, "-dong-bi-loai.csv");
    status = j->ds.rejected_total || count_mismatches(j) ? EXIT_DATA : EXIT_OK;
    if (j->ds.rejected_total && cfg->on_reject == REJECT_FAIL) {
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
