/*
 * Loading reports.ini. Each key is described once in a table (its section,
 * name and how to store it), so the loader, the unknown-key check and the
 * defaults cannot drift apart.
 */
#include "config.h"

#include <errno.h>
#include <fnmatch.h>
#include <iniparser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../util/date.h"
#include "../util/linefile.h"
#include "../util/period.h"
#include "../util/text.h"

void config_set(char **field, const char *value)
{
    free(*field);
    *field = value ? xstrdup(value) : NULL;
}

void config_defaults(config *c)
{
    memset(c, 0, sizeof *c);
    config_set(&c->input_dir, "input");
    config_set(&c->output_dir, "output");
    config_set(&c->templates_dir, "templates");
    config_set(&c->font_dir, "/usr/share/fonts/truetype/liberation2");
    config_set(&c->catalogue, "catalogue.txt");
    config_set(&c->report_template, "bao_cao.txt");
    config_set(&c->check_template, "kiem_tra.txt");
    config_set(&c->forms, "forms/01_kh_du_an.txt, forms/02_kh_xa.txt, "
                          "forms/03_gn_du_an.txt, forms/04_gn_xa.txt, "
                          "forms/05_chi_tieu.txt, forms/06_kiem_tra.txt");
    config_set(&c->output_name, "bao-cao-1719");
    c->outputs = OUTPUT_XLSX | OUTPUT_PDF | OUTPUT_DOCX;
    c->numconv = NUMCONV_VI;
    c->amount_scale = 6;
    c->disbursement = DISB_PAYMENTS;
    c->on_reject = REJECT_REPORT;
    c->tolerance = 1000; /* 0,001 triệu: the last digit a table shows */
    /* A commune's line of tens of billions of đồng is already exceptional
     * (a commune's whole 1719 capital is a few billion a year); a
     * district's and a province's lines are ten and a hundred times that. */
    c->max_amount[0] = 100000LL * 1000000;    /* 100 tỷ */
    c->max_amount[1] = 1000000LL * 1000000;   /* 1.000 tỷ */
    c->max_amount[2] = 10000000LL * 1000000;  /* 10.000 tỷ */
    c->mail.timeout = 60;
    c->mail.max_mb = 20;
    config_set(&c->mail.outbox, "outbox");
    config_set(&c->mail.subject, "Báo cáo Chương trình 1719 {ky_bao_cao} - {co_quan}");
    config_set(&c->mail.body_template, "thu.txt");
    config_set(&c->mail.check_subject, "Kiểm tra số liệu báo cáo Chương trình 1719 {ky_bao_cao} - {co_quan}");
    config_set(&c->mail.check_body_template, "thu_kiem_tra.txt");
}

typedef enum { K_STR, K_PATH, K_YEAR, K_DATE, K_ENUM, K_OUTPUTS, K_LIST, K_MONEY, K_INT } key_kind;

typedef struct key_spec {
    const char *section, *name;
    key_kind kind;
    size_t offset;        /* into config */
    const char *choices;  /* K_ENUM: "a=0,b=1" */
} key_spec;

#define OFF(f) offsetof(config, f)
static const key_spec keys[] = {
    {"report", "year", K_YEAR, OFF(year), NULL},
    {"report", "as_of", K_DATE, OFF(as_of), NULL},
    {"report", "period_label", K_STR, OFF(period_label), NULL},
    {"report", "input_dir", K_PATH, OFF(input_dir), NULL},
    {"report", "output_dir", K_PATH, OFF(output_dir), NULL},
    {"report", "templates_dir", K_PATH, OFF(templates_dir), NULL},
    {"report", "font_dir", K_PATH, OFF(font_dir), NULL},
    {"report", "catalogue", K_STR, OFF(catalogue), NULL},
    {"report", "crosswalk", K_PATH, OFF(crosswalk), NULL},
    {"report", "units", K_ENUM, OFF(units_as), "new=0,old=1"},
    {"report", "report_template", K_STR, OFF(report_template), NULL},
    {"report", "forms", K_STR, OFF(forms), NULL},
    {"report", "output_name", K_STR, OFF(output_name), NULL},
    {"report", "outputs", K_OUTPUTS, OFF(outputs), NULL},
    {"report", "number_format", K_ENUM, OFF(numconv), "vi=0,en=1"},
    {"report", "amount_unit", K_ENUM, OFF(amount_scale), "trieu=6,nghin=3,dong=0"},
    {"report", "disbursement", K_ENUM, OFF(disbursement), "payments=0,snapshot=1"},
    {"report", "on_reject", K_ENUM, OFF(on_reject), "report=0,fail=1"},
    {"report", "tolerance", K_MONEY, OFF(tolerance), NULL},
    {"report", "max_amount_xa", K_MONEY, OFF(max_amount[0]), NULL},
    {"report", "max_amount_huyen", K_MONEY, OFF(max_amount[1]), NULL},
    {"report", "max_amount_tinh", K_MONEY, OFF(max_amount[2]), NULL},
    {"report", "empty_amount", K_ENUM, OFF(empty_amount), "error=0,zero=1"},
    {"report", "duplicates", K_ENUM, OFF(duplicates), "count=0,reject=1,off=2"},
    {"unit", "province_code", K_STR, OFF(unit.province_code), NULL},
    {"unit", "province_name", K_STR, OFF(unit.province_name), NULL},
    {"unit", "parent_agency", K_STR, OFF(unit.parent_agency), NULL},
    {"unit", "agency", K_STR, OFF(unit.agency), NULL},
    {"unit", "doc_number", K_STR, OFF(unit.doc_number), NULL},
    {"unit", "doc_symbol", K_STR, OFF(unit.doc_symbol), NULL},
    {"unit", "place", K_STR, OFF(unit.place), NULL},
    {"unit", "doc_date", K_DATE, OFF(unit.doc_date), NULL},
    {"unit", "sign_authority", K_STR, OFF(unit.sign_authority), NULL},
    {"unit", "sign_position", K_STR, OFF(unit.sign_position), NULL},
    {"unit", "signer", K_STR, OFF(unit.signer), NULL},
    {"unit", "recipients", K_LIST, OFF(unit.recipients), NULL},
    {"unit", "archive", K_STR, OFF(unit.archive), NULL},
    {"unit", "addressees", K_STR, OFF(unit.addressees), NULL},
    {"unit", "draft", K_ENUM, OFF(unit.draft), "no=0,yes=1"},
    {"report", "check_template", K_STR, OFF(check_template), NULL},
    {"report", "rate_scope", K_STR, OFF(rate_scope), NULL},
    {"report", "period", K_STR, OFF(period), NULL},
    {"job", "period", K_STR, OFF(period), NULL},
    {"job", "split", K_ENUM, OFF(split), "none=0,district=1,commune=2,province=3"},
    {"job", "mail_to", K_STR, OFF(mail_to), NULL},
    {"job", "mail_cc", K_STR, OFF(mail_cc), NULL},
    {"job", "mail_check_to", K_STR, OFF(mail_check_to), NULL},
    {"job", "mail_xlsx", K_ENUM, OFF(mail_xlsx), "no=0,yes=1"},
    {"job", "mail_docx", K_ENUM, OFF(mail_docx), "no=0,yes=1"},
    {"job", "skip_unchanged", K_ENUM, OFF(skip_unchanged), "no=0,yes=1"},
    {"report", "skip_unchanged", K_ENUM, OFF(skip_unchanged), "no=0,yes=1"},
    {"report", "quiet", K_ENUM, OFF(quiet), "no=0,yes=1"},
    {"job", "quiet", K_ENUM, OFF(quiet), "no=0,yes=1"},
    {"mail", "server", K_STR, OFF(mail.server), NULL},
    {"mail", "starttls", K_ENUM, OFF(mail.starttls), "no=0,yes=1"},
    {"mail", "user", K_STR, OFF(mail.user), NULL},
    {"mail", "password_file", K_PATH, OFF(mail.password_file), NULL},
    {"mail", "password_env", K_STR, OFF(mail.password_env), NULL},
    {"mail", "from", K_STR, OFF(mail.from), NULL},
    {"mail", "timeout", K_INT, OFF(mail.timeout), NULL},
    {"mail", "max_mb", K_INT, OFF(mail.max_mb), NULL},
    {"mail", "outbox", K_PATH, OFF(mail.outbox), NULL},
    {"mail", "subject", K_STR, OFF(mail.subject), NULL},
    {"mail", "body_template", K_STR, OFF(mail.body_template), NULL},
    {"mail", "check_subject", K_STR, OFF(mail.check_subject), NULL},
    {"mail", "check_body_template", K_STR, OFF(mail.check_body_template), NULL},
    {"mail", "ca_file", K_PATH, OFF(mail.ca_file), NULL},
};
#define NKEYS (sizeof keys / sizeof keys[0])

int config_key_at(size_t i, const char **section, const char **name)
{
    if (i >= NKEYS) return -1;
    *section = keys[i].section;
    *name = keys[i].name;
    return 0;
}

static int key_error(strbuf *err, const config *c, const key_spec *k,
                     const char *value, const char *why)
{
    strbuf_addf(err, "%s: [%s] %s = \"%s\": %s", c->path, k->section, k->name,
                value, why);
    return -1;
}

/* Base-10 integer, whole string. */
static int parse_int(const char *s, long lo, long hi, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi) return -1;
    *out = (int)v;
    return 0;
}

static int parse_enum(const char *choices, const char *value, int *out)
{
    size_t vl = strlen(value);
    for (const char *p = choices; *p;) {
        const char *eq = strchr(p, '='), *end = strchr(p, ',');
        if (!end) end = p + strlen(p);
        if ((size_t)(eq - p) == vl && strncmp(p, value, vl) == 0) {
            *out = atoi(eq + 1);
            return 0;
        }
        p = *end ? end + 1 : end;
    }
    return -1;
}

static int parse_outputs(const char *value, int *out)
{
    char *copy = xstrdup(value), *f[8];
    int n = split_fields(copy, ',', f, 8), bits = 0, rc = 0;
    for (int i = 0; i < n; i++) {
        if (!strcmp(f[i], "xlsx")) bits |= OUTPUT_XLSX;
        else if (!strcmp(f[i], "pdf")) bits |= OUTPUT_PDF;
        else if (!strcmp(f[i], "docx")) bits |= OUTPUT_DOCX;
        else if (*f[i]) rc = -1;
    }
    free(copy);
    *out = bits;
    return bits ? rc : -1;
}

static void set_list(char ***list, int *n, const char *value)
{
    for (int i = 0; i < *n; i++) free((*list)[i]);
    free(*list);
    char *copy = xstrdup(value), *f[64];
    *n = split_fields(copy, '|', f, 64);
    *list = xcalloc((size_t)*n, sizeof(char *));
    for (int i = 0; i < *n; i++) (*list)[i] = xstrdup(f[i]);
    free(copy);
}

static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? xstrndup(path, (size_t)(slash - path)) : xstrdup(".");
}

static int apply_key(config *c, const key_spec *k, const char *v, const char *base,
                     strbuf *err)
{
    void *field = (char *)c + k->offset;
    int iv;
    switch (k->kind) {
    case K_STR:
        config_set(field, v);
        return 0;
    case K_PATH:
        if (v[0] == '/' || !strcmp(base, ".")) {
            config_set(field, v);
        } else {
            strbuf p = STRBUF_INIT;
            strbuf_addf(&p, "%s/%s", base, v);
            config_set(field, p.buf);
            strbuf_release(&p);
        }
        return 0;
    case K_YEAR:
        if (parse_int(v, 2000, 2100, &iv) < 0)
            return key_error(err, c, k, v, "cần một năm, ví dụ 2024");
        *(int *)field = iv;
        return 0;
    case K_DATE:
        if (date_parse(v, strlen(v), &iv) < 0)
            return key_error(err, c, k, v, "cần ngày dạng 2024-12-31 hoặc 31/12/2024");
        *(int *)field = iv;
        return 0;
    case K_ENUM:
        if (parse_enum(k->choices, v, &iv) < 0)
            return key_error(err, c, k, v, "giá trị không hợp lệ");
        *(int *)field = iv;
        return 0;
    case K_OUTPUTS:
        if (parse_outputs(v, &iv) < 0)
            return key_error(err, c, k, v, "cần một hay nhiều trong xlsx, pdf, docx");
        *(int *)field = iv;
        return 0;
    case K_LIST:
        set_list(field, &c->unit.nrecipients, v);
        return 0;
    case K_INT:
        if (parse_int(v, 0, 100000, &iv) < 0)
            return key_error(err, c, k, v, "cần một số nguyên");
        *(int *)field = iv;
        return 0;
    case K_MONEY: {
        int64_t m;
        if (decimal_parse(v, strlen(v), c->numconv, 6, &m) != NUM_OK || m < 0)
            return key_error(err, c, k, v, "cần một số tiền (triệu đồng), ví dụ 0,001");
        *(int64_t *)field = m;
        return 0;
    }
    }
    return 0;
}

static const key_spec *find_key(const char *section, const char *name)
{
    for (size_t i = 0; i < NKEYS; i++)
        if (!strcmp(keys[i].section, section) && !strcmp(keys[i].name, name))
            return &keys[i];
    return NULL;
}

static void add_mapping(config_mapping **list, int *n, const char *kind,
                        const char *field, const char *header)
{
    *list = xrealloc(*list, (size_t)(*n + 1) * sizeof(config_mapping));
    (*list)[(*n)++] = (config_mapping){xstrdup(kind), xstrdup(field), xstrdup(header)};
}

/* Every line must be blank, a comment, a [section] or key = value. */
static int prescan(const char *path, strbuf *err)
{
    linefile lf;
    if (linefile_open(&lf, path, err) < 0) return -1;
    int is_section, rc = 0;
    while (rc == 0 && linefile_next(&lf, &is_section)) {
        if (memchr(lf.line.buf, '\0', lf.line.len))
            rc = linefile_error(&lf, err, "dòng có byte NUL (tệp không phải văn bản UTF-8)");
        else if (!text_valid_utf8(lf.line.buf, lf.line.len))
            rc = linefile_error(&lf, err, "dòng không phải UTF-8 (hãy lưu tệp cấu hình dạng UTF-8)");
        else if (lf.line.len > 1000)
            rc = linefile_error(&lf, err, "dòng dài %zu ký tự (%zu byte): một dòng cấu hình giữ tối đa "
                                "1000 byte (khoảng 330 chữ tiếng Việt có dấu)",
                                text_chars(lf.line.buf, lf.line.len), lf.line.len);
        else if (!is_section && lf.line.buf[0] != ';' && !strchr(lf.line.buf, '='))
            rc = linefile_error(&lf, err, "dòng không phải \"khóa = giá trị\" hay [mục]");
    }
    linefile_close(&lf);
    return rc;
}

static config_input *input_section(config *c, const char *pattern)
{
    for (int i = 0; i < c->ninputs; i++)
        if (!strcmp(c->inputs[i].pattern, pattern)) return &c->inputs[i];
    c->inputs = xrealloc(c->inputs, (size_t)(c->ninputs + 1) * sizeof(config_input));
    config_input *in = &c->inputs[c->ninputs++];
    memset(in, 0, sizeof *in);
    in->pattern = xstrdup(pattern);
    return in;
}

/* A key of a [file.<name>] section; values are checked where used (the
 * readers know the encodings), except the kind, checked here. */
static int set_input_key(config *c, const char *sec, const char *key, const char *v,
                         strbuf *err)
{
    config_input *in = input_section(c, sec + 5);
    /* column.<field> = header: this file's own mapping; year, capital_year,
     * commune_code ... = a value the file does not carry. Field names are
     * checked when the file's header is mapped (layout). */
    static const char *const fixed[][2] = {
        {"year", "nam"}, {"capital_year", "nam_von"}, {"province_code", "ma_tinh"},
        {"province_name", "ten_tinh"}, {"district_code", "ma_huyen"}, {"district_name", "ten_huyen"},
        {"commune_code", "ma_xa"}, {"commune_name", "ten_xa"}, {"project", "ma_du_an"},
        {"source", "nguon_von"}};
    if (!strncmp(key, "column.", 7)) {
        add_mapping(&in->columns, &in->ncolumns, "column", key + 7, v);
        return 0;
    }
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        if (!strcmp(key, fixed[i][0])) {
            add_mapping(&in->values, &in->nvalues, "value", fixed[i][1], v);
            return 0;
        }
    /* The number settings take the [report] spellings. */
    const key_spec *num = !strcmp(key, "number_format") || !strcmp(key, "amount_unit")
                        ? find_key("report", key) : NULL;
    int iv;
    if (num && parse_enum(num->choices, v, &iv) < 0) {
        strbuf_addf(err, "%s: [%s] %s = \"%s\": cần %s", c->path, sec, key, v,
                    key[0] == 'n' ? "vi hoặc en" : "trieu, nghin hoặc dong");
        return -1;
    }
    char **field = !strcmp(key, "kind") ? &in->kind : !strcmp(key, "sheet") ? &in->sheet
                 : !strcmp(key, "encoding") ? &in->encoding
                 : !strcmp(key, "delimiter") ? &in->delimiter
                 : !strcmp(key, "legacy") ? &in->legacy
                 : !strcmp(key, "legacy_columns") ? &in->legacy_columns
                 : !strcmp(key, "number_format") ? &in->number_format
                 : !strcmp(key, "amount_unit") ? &in->amount_unit
                 : !strcmp(key, "layout") ? &in->layout
                 : !strcmp(key, "district") ? &in->district
                 : !strcmp(key, "commune") ? &in->commune
                 : !strcmp(key, "chuong_trinh") ? &in->programme : NULL;
    if (!field) {
        strbuf_addf(err, "%s: [%s] %s: khóa không được hỗ trợ (kind, sheet, encoding, "
                    "delimiter, legacy, legacy_columns, number_format, amount_unit, layout, district, "
                    "commune, chuong_trinh, column.<cột>, year, capital_year, province_code, province_name, "
                    "district_code, district_name, commune_code, commune_name, project, source)",
                    c->path, sec, key);
        return -1;
    }
    int kind = 0;
    while (field == &in->kind && kind < KIND_COUNT && strcmp(v, input_kind_name(kind))) kind++;
    if (field == &in->kind && kind == KIND_COUNT) {
        strbuf_addf(err, "%s: [%s] kind = \"%s\": cần ke_hoach, giai_ngan, chi_tieu hoặc giao_von",
                    c->path, sec, v);
        return -1;
    }
    config_set(field, v);
    return 0;
}

const char *config_recipients_of(const config *c, const char *unit_code)
{
    for (int i = 0; i < c->nunit_mail; i++)
        if (!strcmp(c->unit_mail[i].field, unit_code)) return c->unit_mail[i].header;
    return NULL;
}

year_span config_years(const config *c)
{
    year_span s = {c->year_from && c->year_from < c->year ? c->year_from : c->year, c->year};
    return s;
}

void config_input_numbers(const config *c, const config_input *in, num_convention *conv, int *scale)
{
    int v;
    *conv = c->numconv;
    *scale = c->amount_scale;
    if (in && in->number_format && parse_enum(find_key("report", "number_format")->choices, in->number_format, &v) == 0)
        *conv = (num_convention)v;
    if (in && in->amount_unit && parse_enum(find_key("report", "amount_unit")->choices, in->amount_unit, &v) == 0)
        *scale = v;
}

const config_input *config_input_for(const config *c, const char *file_name)
{
    for (int i = 0; i < c->ninputs; i++)
        if (fnmatch(c->inputs[i].pattern, file_name, FNM_CASEFOLD) == 0) return &c->inputs[i];
    return NULL;
}

static int load_section(config *c, dictionary *d, const char *sec,
                        const char *base, strbuf *err)
{
    int n = iniparser_getsecnkeys(d, sec);
    if (n <= 0) return 0;
    const char **names = xcalloc((size_t)n, sizeof(char *));
    iniparser_getseckeys(d, sec, names);
    int rc = 0;
    size_t sl = strlen(sec);
    for (int i = 0; i < n && rc == 0; i++) {
        const char *name = names[i] + sl + 1; /* "section:key" */
        const char *v = iniparser_getstring(d, names[i], "");
        if (!strncmp(sec, "map.", 4)) {
            add_mapping(&c->mappings, &c->nmappings, sec + 4, name, v);
            continue;
        }
        if (!strncmp(sec, "file.", 5)) {
            rc = set_input_key(c, sec, name, v, err);
            continue;
        }
        if (!strcmp(sec, "lead")) {
            add_mapping(&c->leads, &c->nleads, "lead", name, v);
            continue;
        }
        if (!strcmp(sec, "recipients")) {
            add_mapping(&c->unit_mail, &c->nunit_mail, "recipients", name, v);
            continue;
        }
        const key_spec *k = find_key(sec, name);
        if (!k && !strncmp(sec, "job.", 4)) {
            k = find_key("job", name);
            if (!k) k = find_key("report", name);
            if (!k) k = find_key("unit", name);
        }
        if (!k) {
            strbuf_addf(err, "%s: [%s] %s: khóa không được hỗ trợ", c->path, sec, name);
            rc = -1;
        } else {
            rc = apply_key(c, k, v, base, err);
        }
    }
    free(names);
    return rc;
}

static int ignore_ini_error(const char *fmt, ...)
{
    (void)fmt;
    return 0;
}

/* A period sets the plan years and, unless given, the as-of date and the
 * words for titles; file names carry its tag. */
static int apply_period(config *c, strbuf *err)
{
    if (!c->period) {
        if (c->year) snprintf(c->period_tag, sizeof c->period_tag, "%d", c->year);
        return 0;
    }
    period p;
    if (period_parse(c->period, &p, err) < 0) return -1;
    c->year = p.year;
    c->year_from = p.year_from;
    if (!c->as_of) c->as_of = p.end;
    if (!c->period_label) {
        strbuf sb = STRBUF_INIT;
        period_label(&p, &sb);
        c->period_label = strbuf_detach(&sb, NULL);
    }
    snprintf(c->period_tag, sizeof c->period_tag, "%s", p.tag);
    return 0;
}

int config_set_year(config *c, int year, strbuf *err)
{
    if (c->period) {
        period p;
        if (period_parse(c->period, &p, err) < 0) return -1;
        if (p.kind == PERIOD_PHASE) {
            strbuf_addf(err, "--year không dùng được với giai đoạn %s", c->period);
            return -1;
        }
        /* Every other form starts with its four-digit year. */
        strbuf sb = STRBUF_INIT;
        strbuf_addf(&sb, "%04d%s", year, c->period + 4);
        free(c->period);
        c->period = strbuf_detach(&sb, NULL);
    }
    free(c->period_label);
    c->period_label = NULL;
    c->as_of = 0;
    c->year = c->year_from = year;
    return apply_period(c, err);
}

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

char *config_installed_templates(void)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) return NULL;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/'); /* PREFIX/bin/mtqg-report -> PREFIX/bin */
    if (!slash) return NULL;
    *slash = '\0';
    if (!(slash = strrchr(exe, '/'))) return NULL; /* -> PREFIX */
    *slash = '\0';
    strbuf sb = STRBUF_INIT;
    strbuf_addf(&sb, "%s/share/mtqg-report/templates", exe);
    return strbuf_detach(&sb, NULL);
}

/* No templates_dir in the file: templates/ beside the config (a working
 * copy, or an office's own forms) or else the installed ones, so an
 * installed program needs no config line to find its own templates. */
static void use_installed_templates(config *c)
{
    if (is_dir(c->templates_dir)) return;
    char *inst = config_installed_templates();
    if (inst && is_dir(inst)) config_set(&c->templates_dir, inst);
    free(inst);
}

/* Output files are written in output_dir: their base name is a name, not
 * a path (a "../x" would fail only when the outputs are published). */
static int check_output_name(const config *c, strbuf *err)
{
    const char *n = c->output_name ? c->output_name : "";
    if (*n && *n != '.' && !strpbrk(n, "/\\") && text_chars(n, strlen(n)) <= 100) return 0;
    strbuf_addf(err, "%s: output_name = \"%s\": cần một tên tệp (không chứa / hay \\, không bắt đầu "
                "bằng dấu chấm, tối đa 100 ký tự), ví dụ bao-cao-1719; thư mục đặt bằng output_dir",
                c->path, n);
    return -1;
}

/*
 * iniparser_load, but a file saved with a byte-order mark (Notepad's
 * "UTF-8") is read as well: iniparser would take the mark for text, so
 * the rest of the file is handed to it through a memory file.
 */
static dictionary *load_dict(const char *path, strbuf *err)
{
    iniparser_set_error_callback(ignore_ini_error);
    dictionary *d = NULL;
    FILE *fp = fopen(path, "rb");
    char head[3];
    if (fp && fread(head, 1, 3, fp) == 3 && !memcmp(head, "\xEF\xBB\xBF", 3)) {
        int fd = memfd_create("reports.ini", MFD_CLOEXEC);
        char buf[65536], mem[64];
        size_t n;
        int ok = fd >= 0;
        while (ok && (n = fread(buf, 1, sizeof buf, fp)) > 0) ok = write(fd, buf, n) == (ssize_t)n;
        snprintf(mem, sizeof mem, "/proc/self/fd/%d", fd);
        if (ok) d = iniparser_load(mem);
        if (fd >= 0) close(fd);
    } else if (fp) {
        d = iniparser_load(path);
    }
    if (fp) fclose(fp);
    if (!d) strbuf_addf(err, "%s: không đọc được tệp cấu hình", path);
    return d;
}

static int load_file(config *c, const char *path, const char *job, strbuf *err)
{
    config_set(&c->path, path);
    if (prescan(path, err) < 0) return -1;
    dictionary *d = load_dict(path, err);
    if (!d) return -1;
    char *base = dir_of(path);
    int rc = 0;
    /* Defaults are relative to the config file too, like written paths. */
    for (size_t i = 0; i < NKEYS; i++) {
        char **field = (char **)((char *)c + keys[i].offset);
        if (keys[i].kind == K_PATH && *field && (*field)[0] != '/' && strcmp(base, ".")) {
            char *rel = xstrdup(*field);
            apply_key(c, &keys[i], rel, base, err);
            free(rel);
        }
    }
    for (int s = 0; s < iniparser_getnsec(d) && rc == 0; s++) {
        const char *sec = iniparser_getsecname(d, s);
        if (!strncmp(sec, "job.", 4)) continue; /* only the job asked for, below */
        int kind = 0;
        while (!strncmp(sec, "map.", 4) && kind < KIND_COUNT && strcmp(sec + 4, input_kind_name(kind)))
            kind++;
        if (!strncmp(sec, "map.", 4) && kind == KIND_COUNT) {
            strbuf_addf(err, "%s: [%s]: mục không được hỗ trợ (cần [map.ke_hoach], [map.giai_ngan], "
                        "[map.chi_tieu] hoặc [map.giao_von])", path, sec);
            rc = -1;
            break;
        }
        if (strcmp(sec, "report") && strcmp(sec, "unit") && strcmp(sec, "lead") &&
            strcmp(sec, "mail") && strcmp(sec, "recipients") && strncmp(sec, "map.", 4) &&
            strncmp(sec, "file.", 5)) {
            strbuf_addf(err, "%s: [%s]: mục không được hỗ trợ (cần [report], [unit], [mail], "
                        "[recipients], [lead], [job.<tên>], [file.<tên tệp>] hoặc [map.<loại>])",
                        path, sec);
            rc = -1;
        } else {
            rc = load_section(c, d, sec, base, err);
        }
    }
    if (rc == 0 && job) {
        strbuf sec = STRBUF_INIT;
        strbuf_addf(&sec, "job.%s", job);
        if (iniparser_find_entry(d, sec.buf)) {
            config_set(&c->name, job);
            rc = load_section(c, d, sec.buf, base, err);
        } else {
            strbuf_addf(err, "%s: không có công việc [job.%s]", path, job);
            rc = -1;
        }
        strbuf_release(&sec);
    }
    if (rc == 0) rc = check_output_name(c, err);
    if (rc == 0) rc = apply_period(c, err);
    if (rc == 0 && !iniparser_find_entry(d, "report:templates_dir")) use_installed_templates(c);
    free(base);
    iniparser_freedict(d);
    return rc;
}

int config_load(config *c, const char *path, strbuf *err)
{
    return load_file(c, path, NULL, err);
}

int config_load_job(config *c, const char *path, const char *name, strbuf *err)
{
    return load_file(c, path, name, err);
}

int config_job_names(const char *path, char ***names, int *n, strbuf *err)
{
    *names = NULL;
    *n = 0;
    if (prescan(path, err) < 0) return -1; /* says the line */
    dictionary *d = load_dict(path, err);
    if (!d) return -1;
    for (int s = 0; s < iniparser_getnsec(d); s++) {
        const char *sec = iniparser_getsecname(d, s);
        if (strncmp(sec, "job.", 4) || !sec[4]) continue;
        *names = xrealloc(*names, (size_t)(*n + 1) * sizeof(char *));
        (*names)[(*n)++] = xstrdup(sec + 4);
    }
    iniparser_freedict(d);
    return 0;
}

char *config_template_path(const config *c, const char *name)
{
    if (name[0] == '/' || !strncmp(name, "./", 2)) return xstrdup(name);
    strbuf p = STRBUF_INIT;
    strbuf_addf(&p, "%s/%s", c->templates_dir, name);
    return strbuf_detach(&p, NULL);
}

void config_free(config *c)
{
    char **strs[] = {&c->path, &c->name, &c->period, &c->mail_to, &c->mail_cc, &c->mail_check_to,
                     &c->mail.check_subject, &c->mail.check_body_template,
                     &c->mail.server, &c->mail.user, &c->mail.password_file,
                     &c->mail.password_env, &c->mail.from, &c->mail.outbox, &c->mail.subject,
                     &c->mail.body_template, &c->mail.ca_file, &c->period_label, &c->input_dir, &c->output_dir,
                     &c->templates_dir, &c->font_dir, &c->catalogue, &c->crosswalk,
                     &c->report_template, &c->forms, &c->output_name,
                     &c->unit.province_code, &c->unit.province_name,
                     &c->unit.parent_agency, &c->unit.agency, &c->unit.doc_number,
                     &c->unit.doc_symbol, &c->unit.place, &c->unit.sign_authority,
                     &c->unit.sign_position, &c->unit.signer, &c->unit.archive,
                     &c->unit.addressees, &c->check_template, &c->rate_scope};
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++) free(*strs[i]);
    for (int i = 0; i < c->unit.nrecipients; i++) free(c->unit.recipients[i]);
    free(c->unit.recipients);
    for (int i = 0; i < c->ninputs; i++) {
        config_input *in = &c->inputs[i];
        char **f[] = {&in->pattern, &in->kind, &in->sheet, &in->encoding, &in->delimiter,
                      &in->legacy, &in->legacy_columns, &in->number_format, &in->amount_unit,
                      &in->layout, &in->district, &in->commune, &in->programme};
        for (size_t k = 0; k < sizeof f / sizeof f[0]; k++) free(*f[k]);
        config_mapping *lists[2] = {in->columns, in->values};
        int counts[2] = {in->ncolumns, in->nvalues};
        for (int l = 0; l < 2; l++) {
            for (int m = 0; m < counts[l]; m++) {
                free(lists[l][m].kind);
                free(lists[l][m].field);
                free(lists[l][m].header);
            }
            free(lists[l]);
        }
    }
    free(c->inputs);
    config_mapping *lists[3] = {c->mappings, c->leads, c->unit_mail};
    int counts[3] = {c->nmappings, c->nleads, c->nunit_mail};
    for (int l = 0; l < 3; l++) {
        for (int i = 0; i < counts[l]; i++) {
            free(lists[l][i].kind);
            free(lists[l][i].field);
            free(lists[l][i].header);
        }
        free(lists[l]);
    }
    memset(c, 0, sizeof *c);
}
