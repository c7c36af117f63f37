/* Finding input files and their settings; see inputs.h. */
#include "inputs.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../util/linefile.h"
#include "../util/regfile.h"
#include "../util/text.h"
#include "decode.h"
#include "../util/syserr.h"

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The kind a file name announces, or -1: the name starts with a kind
 * word (ke_hoach_2024.csv), or holds exactly one as a word of its own
 * ("Xã Vĩnh Hà - Kế hoạch vốn 2024.csv"); -2 when it holds two. */
static int kind_of_name(const char *name)
{
    strbuf k = STRBUF_INIT;
    int kind = -1, found = 0, which = -1;
    if (text_ident_key(&k, name, strlen(name)) == 0) {
        for (int i = 0; i < KIND_COUNT; i++)
            if (!strncmp(k.buf, input_kind_name(i), strlen(input_kind_name(i)))) kind = i;
        for (int i = 0; i < KIND_COUNT && kind < 0; i++) {
            const char *w = input_kind_name(i);
            size_t wl = strlen(w);
            for (const char *p = strstr(k.buf, w); p; p = strstr(p + 1, w)) {
                int starts = p == k.buf || !((p[-1] >= 'a' && p[-1] <= 'z') || (p[-1] >= '0' && p[-1] <= '9'));
                int ends = !(p[wl] >= 'a' && p[wl] <= 'z');
                if (starts && ends) {
                    found++, which = i;
                    break;
                }
            }
        }
        if (kind < 0) kind = found == 1 ? which : found > 1 ? -2 : -1;
    }
    strbuf_release(&k);
    return kind;
}

static int kind_of(const char *name, const config_input *in)
{
    if (in && in->kind)
        for (int i = 0; i < KIND_COUNT; i++)
            if (!strcmp(in->kind, input_kind_name(i))) return i;
    return kind_of_name(name);
}

static int has_ext(const char *name, const char *ext)
{
    size_t n = strlen(name), e = strlen(ext);
    return n > e && !strcasecmp(name + n - e, ext);
}

/* -1: not a format we read (the file is left out, and said so). */
static int format_of(const char *name, const config_input *in)
{
    if (has_ext(name, ".xlsx") || has_ext(name, ".xlsm")) return FMT_XLSX;
    if (has_ext(name, ".xls")) return FMT_XLS;
    if (has_ext(name, ".ods")) return FMT_ODS;
    if (!has_ext(name, ".csv") && !has_ext(name, ".txt")) return -1;
    int utf8 = !in || !in->encoding || !strcasecmp(in->encoding, "utf-8") ||
               !strcasecmp(in->encoding, "utf8");
    return utf8 ? FMT_CSV : FMT_CSV_DECODED;
}

static int delim_of(const config_input *in, const char *path, char *out, strbuf *err)
{
    *out = 0;
    if (!in || !in->delimiter || !strcmp(in->delimiter, "auto")) return 0;
    const char *d = in->delimiter;
    if (!strcmp(d, "tab") || !strcmp(d, "\\t")) *out = '\t';
    else if (!strcmp(d, "comma") || !strcmp(d, ",")) *out = ',';
    else if (!strcmp(d, "semicolon") || !strcmp(d, ";")) *out = ';';
    else {
        strbuf_addf(err, "%s: [file.%s] delimiter = \"%s\": cần comma, semicolon, tab hoặc auto",
                    path, in->pattern, d);
        return -1;
    }
    return 0;
}

/* Columns that hold words (legacy fonts only touch text, never numbers). */
static const field_id text_fields[] = {F_MA_TINH, F_TEN_TINH, F_MA_HUYEN, F_TEN_HUYEN, F_MA_XA,
                                       F_TEN_XA, F_MA_DU_AN, F_NGUON_VON, F_NOI_DUNG,
                                       F_CHI_TIEU, F_DON_VI};

static int legacy_of(input_file *f, const config_input *in, strbuf *err)
{
    f->encoding = f->legacy = ENC_UTF8;
    text_encoding e;
    if (in && in->encoding && decode_encoding_by_name(in->encoding, &e) < 0) {
        strbuf_addf(err, "[file.%s] encoding = \"%s\": cần utf-8, utf-16, windows-1258, tcvn3, "
                    "vni hoặc viscii", in->pattern, in->encoding);
        return -1;
    }
    if (in && in->encoding) f->encoding = (int)e;
    if (!in || !in->legacy) return 0;
    if (decode_encoding_by_name(in->legacy, &e) < 0 || e == ENC_UTF16) {
        strbuf_addf(err, "[file.%s] legacy = \"%s\": cần tcvn3, vni, viscii hoặc windows-1258",
                    in->pattern, in->legacy);
        return -1;
    }
    f->legacy = (int)e;
    if (!in->legacy_columns) {
        for (size_t i = 0; i < sizeof text_fields / sizeof text_fields[0]; i++)
            f->legacy_fields |= 1u << text_fields[i];
        return 0;
    }
    char *copy = xstrdup(in->legacy_columns), *cols[F_COUNT + 1];
    int n = split_fields(copy, ',', cols, F_COUNT + 1), rc = 0;
    for (int i = 0; i < n && rc == 0; i++) {
        int k = field_by_name(cols[i]);
        if (k < 0) {
            strbuf_addf(err, "[file.%s] legacy_columns: \"%s\" không phải tên cột", in->pattern,
                        cols[i]);
            rc = -1;
        } else {
            f->legacy_fields |= 1u << k;
        }
    }
    free(copy);
    return rc;
}

static void leave_out(input_list *l, const char *dir, const char *name, const char *why)
{
    strbuf sb = STRBUF_INIT;
    strbuf_addf(&sb, "%s/%s: %s", dir, name, why);
    l->left_out = xrealloc(l->left_out, (size_t)(l->nleft + 1) * sizeof(char *));
    l->left_out[l->nleft++] = strbuf_detach(&sb, NULL);
}

static int add_file(input_list *l, const config *cfg, const char *name, strbuf *err)
{
    const config_input *in = config_input_for(cfg, name);
    int kind = kind_of(name, in), format = format_of(name, in);
    /* A workbook this program wrote (a lower level's report): its plan;
     * but not its check workbook, which holds no figures of the report. */
    int own = cfg->output_name && !strncmp(name, cfg->output_name, strlen(cfg->output_name));
    if (kind < 0 && own && strstr(name, OUTPUT_CHECK_SUFFIX ".")) {
        leave_out(l, cfg->input_dir, name, "không đọc: báo cáo kiểm tra số liệu do chương trình lập, "
                                           "không phải số liệu");
        return 0;
    }
    if (kind < 0 && (format == FMT_XLSX || format == FMT_XLS) && own)
        kind = KIND_PLAN;
    if (format < 0) {
        leave_out(l, cfg->input_dir, name, "không đọc: không phải dạng tệp đọc được (.csv, .txt, .xlsx, .xlsm, .xls, .ods)");
        return 0;
    }
    if (kind < 0) {
        leave_out(l, cfg->input_dir, name, kind == -2 ? "không đọc: tên tệp có từ của hai loại dữ liệu; đặt [file.<tên tệp>] kind"
                                      : "không đọc: tên tệp không cho biết loại dữ liệu (ke_hoach, giai_ngan, "
                                        "chi_tieu, giao_von) và không có [file.<tên tệp>] kind");
        return 0;
    }
    l->files = xrealloc(l->files, (size_t)(l->n + 1) * sizeof(input_file));
    input_file *f = &l->files[l->n++];
    memset(f, 0, sizeof *f);
    strbuf path = STRBUF_INIT;
    strbuf_addf(&path, "%s/%s", cfg->input_dir, name);
    f->path = strbuf_detach(&path, NULL);
    f->kind = (input_kind)kind;
    f->format = (input_format)format;
    f->settings = in;
    if (regfile_check(f->path, err) < 0) return -1; /* a FIFO or device never opened */
    num_convention conv;
    config_input_numbers(cfg, in, &conv, &f->amount_scale);
    f->numconv = (int)conv;
    f->title_scale = -1;
    f->words = &l->words;
    memset(f->pinned, -1, sizeof f->pinned);
    if (legacy_of(f, in, err) < 0) return -1;
    return delim_of(in, f->path, &f->delim, err);
}

int inputs_check_config(const config *cfg, strbuf *err)
{
    const char *ini = cfg->path ? cfg->path : "reports.ini";
    for (int i = 0; i < cfg->nmappings; i++) {
        const config_mapping *m = &cfg->mappings[i];
        if (field_by_name(m->field) < 0) {
            strbuf_addf(err, "%s: [map.%s] %s: không phải tên cột của mtqg-report", ini, m->kind, m->field);
            return -1;
        }
        if (!*m->header) {
            strbuf_addf(err, "%s: [map.%s] %s: thiếu tên cột trong tệp", ini, m->kind, m->field);
            return -1;
        }
    }
    for (int i = 0; i < cfg->ninputs; i++) {
        input_file f;
        memset(&f, 0, sizeof f);
        strbuf why = STRBUF_INIT;
        char delim;
        int rc = legacy_of(&f, &cfg->inputs[i], &why) < 0 ||
                 delim_of(&cfg->inputs[i], ini, &delim, &why) < 0 ? -1 : 0;
        if (rc < 0) strbuf_addf(err, "%s%s%s", strncmp(why.buf, ini, strlen(ini)) ? ini : "",
                                strncmp(why.buf, ini, strlen(ini)) ? ": " : "", why.buf);
        strbuf_release(&why);
        if (rc < 0) return -1;
    }
    return 0;
}

ingest_status inputs_find(input_list *l, const config *cfg, strbuf *err)
{
    memset(l, 0, sizeof *l);
    char *wp = config_template_path(cfg, "headers.txt");
    int wrc = layout_words_load(&l->words, wp, err);
    free(wp);
    if (wrc < 0) return INGEST_BAD_FILE;
    DIR *d = opendir(cfg->input_dir);
    if (!d) {
        strbuf_addf(err, "%s: không mở được thư mục dữ liệu vào (%s)", cfg->input_dir,
                    sys_error(errno));
        return INGEST_INPUT_MISSING;
    }
    char **names = NULL;
    size_t n = 0, alloc = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.' && e->d_type != DT_DIR) { /* a folder is not an input */
            ALLOC_GROW(names, n + 1, alloc);
            names[n++] = xstrdup(e->d_name);
        }
    closedir(d);
    if (n > 1) qsort(names, n, sizeof *names, name_cmp);
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        if (rc == 0) rc = add_file(l, cfg, names[i], err);
        free(names[i]);
    }
    free(names);
    if (rc < 0) return INGEST_BAD_FILE;
    for (int i = 0; i < l->n; i++)
        if (l->files[i].kind == KIND_PLAN) return INGEST_OK;
    strbuf_addf(err, "%s: không có tệp kế hoạch vốn (ke_hoach*.csv, .xlsx, .xls hoặc .ods)",
                cfg->input_dir);
    for (int i = 0; i < l->nleft; i++) strbuf_addf(err, "; %s", l->left_out[i]);
    return INGEST_INPUT_MISSING;
}

ingest_status inputs_read_heads(input_list *l, const config *cfg, strbuf *err)
{
    for (int i = 0; i < l->n; i++) {
        input_file *f = &l->files[i];
        if (f->format != FMT_CSV) continue;
        if (csv_stream_head(f->path, f->delim, &f->head, err) < 0) return INGEST_BAD_FILE;
        if (layout_build_for(&f->lay, f->kind, (const char *const *)f->head.cells,
                             f->head.lens, f->head.ncells, cfg, f->settings, f->words, 1, f->path, err) < 0) {
            int filled = 0;
            for (int c = 0; c < f->head.ncells; c++) filled += f->head.lens[c] > 0;
            layout_free(&f->lay);
            if (filled > 1) return INGEST_BAD_FILE;
            /* A title above the header: found in the stream, like a sheet's. */
            strbuf_reset(err);
            f->format = FMT_CSV_DECODED;
            if (!f->delim) f->delim = f->head.delim;
            csv_head_free(&f->head);
            continue;
        }
        f->have_layout = 1;
    }
    return INGEST_OK;
}

int inputs_take_header(input_file *f, const record *r, const config *cfg, strbuf *err)
{
    strbuf why = STRBUF_INIT;
    int ok = r->n > 0 && layout_build_for(&f->lay, f->kind, r->cell, r->len, r->n, cfg,
                                          f->settings, f->words, r->index + 1, f->path, &why) == 0;
    if (!ok) {
        for (int c = 0; c < r->n && f->title_scale < 0; c++)
            f->title_scale = layout_unit_of_title(f->words, r->cell[c], r->len[c]);
        int named = 0;
        for (int i = 0; r->n > 0 && i < F_COUNT; i++) named += f->lay.col_of[i] >= 0;
        layout_free(&f->lay);
        /* The row naming the most of our columns is the header the user
         * meant: say what it lacks, not what row 1 (a title) lacks. */
        if (r->n > 0 && (!err->len || named > f->header_best)) {
            f->header_best = named;
            strbuf_reset(err);
            strbuf_addf(err, "dòng %ld: %s", r->index + 1, why.buf);
        }
    }
    strbuf_release(&why);
    return f->have_layout = ok;
}

void inputs_forget_header(input_file *f)
{
    layout_free(&f->lay);
    f->have_layout = 0;
    f->title_scale = -1;
    f->header_best = 0;
}

void inputs_free(input_list *l)
{
    for (int i = 0; i < l->n; i++) {
        free(l->files[i].path);
        csv_head_free(&l->files[i].head);
        layout_free(&l->files[i].lay);
        xlsx_merges_free(l->files[i].xlsx_merges);
    }
    free(l->files);
    for (int i = 0; i < l->nleft; i++) free(l->left_out[i]);
    free(l->left_out);
    layout_words_free(&l->words);
    memset(l, 0, sizeof *l);
}

int inputs_amount_scale(const input_file *in, int f)
{
    if (f >= 0 && f < F_COUNT && in->lay.scale[f] >= 0) return in->lay.scale[f];
    return in->title_scale >= 0 ? in->title_scale : in->amount_scale;
}

int inputs_first_row(const input_file *in)
{
    return in->format == FMT_CSV ? 2 : 1;
}
