/* Finding input files and their settings; see inputs.h. */
#include "inputs.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../util/linefile.h"
#include "../util/text.h"
#include "decode.h"
#include "../util/syserr.h"

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
            if (!strncmp(k.buf, input_kind_name(i), strlen(input_kind_name(i)))) kind = i;
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

/* -1: not a format we read (the file is left alone). */
static int format_of(const char *name, const config_input *in)
{
    if (has_ext(name, ".xlsx") || has_ext(name, ".xlsm")) return FMT_XLSX;
    if (has_ext(name, ".xls")) return FMT_XLS;
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

static int add_file(input_list *l, const config *cfg, const char *name, strbuf *err)
{
    const config_input *in = config_input_for(cfg, name);
    int kind = kind_of(name, in), format = format_of(name, in);
    /* A workbook this program wrote (a lower level's report): its plan. */
    if (kind < 0 && (format == FMT_XLSX || format == FMT_XLS) && cfg->output_name &&
        !strncmp(name, cfg->output_name, strlen(cfg->output_name)))
        kind = KIND_PLAN;
    if (kind < 0 || format < 0) return 0;
    l->files = xrealloc(l->files, (size_t)(l->n + 1) * sizeof(input_file));
    input_file *f = &l->files[l->n++];
    memset(f, 0, sizeof *f);
    strbuf path = STRBUF_INIT;
    strbuf_addf(&path, "%s/%s", cfg->input_dir, name);
    f->path = strbuf_detach(&path, NULL);
    f->kind = (input_kind)kind;
    f->format = (input_format)format;
    f->settings = in;
    if (legacy_of(f, in, err) < 0) return -1;
    return delim_of(in, f->path, &f->delim, err);
}

ingest_status inputs_find(input_list *l, const config *cfg, strbuf *err)
{
    memset(l, 0, sizeof *l);
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
        if (e->d_name[0] != '.') {
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
    strbuf_addf(err, "%s: không có tệp kế hoạch vốn (ke_hoach*.csv, .xlsx hoặc .xls)",
                cfg->input_dir);
    return INGEST_INPUT_MISSING;
}

ingest_status inputs_read_heads(input_list *l, const config *cfg, strbuf *err)
{
    for (int i = 0; i < l->n; i++) {
        input_file *f = &l->files[i];
        if (f->format != FMT_CSV) continue;
        if (csv_stream_head(f->path, f->delim, &f->head, err) < 0) return INGEST_BAD_FILE;
        if (layout_build(&f->lay, f->kind, (const char *const *)f->head.cells,
                         f->head.lens, f->head.ncells, cfg, f->path, err) < 0)
            return INGEST_BAD_FILE;
        f->have_layout = 1;
    }
    return INGEST_OK;
}

int inputs_take_header(input_file *f, const record *r, const config *cfg, strbuf *err)
{
    strbuf why = STRBUF_INIT;
    int ok = r->n > 0 && layout_build(&f->lay, f->kind, r->cell, r->len, r->n, cfg,
                                      f->path, &why) == 0;
    if (!ok) {
        layout_free(&f->lay);
        if (!err->len && r->n > 0) strbuf_add(err, why.buf, why.len); /* the first row's */
    }
    strbuf_release(&why);
    return f->have_layout = ok;
}

void inputs_free(input_list *l)
{
    for (int i = 0; i < l->n; i++) {
        free(l->files[i].path);
        csv_head_free(&l->files[i].head);
        layout_free(&l->files[i].lay);
    }
    free(l->files);
    memset(l, 0, sizeof *l);
}

int inputs_first_row(const input_file *in)
{
    return in->format == FMT_CSV ? 2 : 1;
}
