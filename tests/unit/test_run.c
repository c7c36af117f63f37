/*
 * Whole-run tests: the report pipeline from the shipped sample (and small
 * fixtures under tests/fixtures/run/) to the workbook, the PDF and the
 * rejects file, checked against an independent oracle
 * (tests/fixtures/expected_totals.py, flattened by
 * tests/fixtures/run/oracle_flat.py), never against the code under test.
 *
 * The sample runs in-process (job_run, config from reports.ini with the
 * output folder moved to a temporary one) once for the group; runs that
 * check exit statuses and messages start the sanitizer binary
 * build/san/mtqg-report. Workbooks are read back with minizip + expat
 * (tests/support/xlsx_read.c), PDFs with poppler's tools, and the workbook
 * is recalculated by LibreOffice (required: scripts/install-deps.sh
 * installs libreoffice-calc-nogui).
 *
 * Money is compared in đồng, as integers: each cell's text is parsed as a
 * decimal, never as a double.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/job.h"
#include "config/config.h"
#include "testutil.h"
#include "xlsx_read.h"

#define SAN_BIN "build/san/mtqg-report"
#define CONFIG "reports.ini"
#define PLAN "input/ke_hoach_2024.csv"
#define DISB "input/giai_ngan_2024.csv"
#define IND "input/chi_tieu_2024.csv"
#define ORACLE "python3 tests/fixtures/run/oracle_flat.py"
#define BAD_DIR "tests/fixtures/run/bad"
#define BASE "bao-cao-1719-2024"
#define XLSX BASE ".xlsx"
#define PDF BASE ".pdf"
#define REJECTS BASE "-dong-bi-loai.csv"
#define MANIFEST BASE ".manifest.json"
#define CHECK_PDF BASE "-kiem-tra.pdf"
#define TOTAL_LABEL "TỔNG SỐ"
#define NSHEETS 5

/* The sample run shared by the group. */
static char *g_dir;
static xlsx_book g_book;
static strbuf g_oracle = STRBUF_INIT; /* "\npath\tvalue\n..." */

/* ---- helpers: commands, files ------------------------------------------ */

static int exists(const char *dir, const char *name)
{
    char *p = tu_path(dir, name);
    int ok = access(p, F_OK) == 0;
    free(p);
    return ok;
}

static char *read_in(const char *dir, const char *name, size_t *len)
{
    char *p = tu_path(dir, name);
    char *data = tu_read_file(p, len);
    free(p);
    return data;
}

static void assert_no_temps(const char *dir)
{
    strbuf names = STRBUF_INIT;
    if (tu_dir_entries(dir, 1, &names) != 0) fail_msg("%s: temporary files left:%s", dir, names.buf);
    strbuf_release(&names);
}

static void assert_same_file(const char *dir1, const char *dir2, const char *name)
{
    size_t n1 = 0, n2 = 0;
    char *a = read_in(dir1, name, &n1), *b = read_in(dir2, name, &n2);
    if (!a || !b) fail_msg("%s missing in %s", name, !a ? dir1 : dir2);
    if (n1 != n2 || memcmp(a, b, n1))
        fail_msg("%s differs between two runs (%zu vs %zu bytes)", name, n1, n2);
    free(a);
    free(b);
}

/* The report run in this process, as main runs it; returns the status. */
static int run_job(const char *out_dir, const char *in_dir, int threads, long split, strbuf *log)
{
    config cfg;
    strbuf err = STRBUF_INIT;
    config_defaults(&cfg);
    if (config_load(&cfg, CONFIG, &err) < 0) {
        fprintf(stderr, "config_load: %s\n", err.buf);
        strbuf_release(&err);
        config_free(&cfg);
        return -1;
    }
    config_set(&cfg.output_dir, out_dir);
    if (in_dir) config_set(&cfg.input_dir, in_dir);
    job_options opt = {.threads = threads, .split_bytes = split};
    mlog lg = mlog_to_strbuf(log);
    int rc = job_run(&cfg, &opt, &lg, NULL);
    strbuf_release(&err);
    config_free(&cfg);
    return rc;
}

/* ---- the oracle -------------------------------------------------------- */

static int load_oracle(strbuf *o, const char *plan, const char *disb, const char *ind)
{
    strbuf_reset(o);
    strbuf_addch(o, '\n');
    return tu_runf(o, ORACLE " '%s' '%s' '%s' 2024 2024-12-31", plan, disb, ind);
}

static const char *oracle_find(const char *path)
{
    strbuf key = STRBUF_INIT;
    strbuf_addf(&key, "\n%s\t", path);
    const char *p = strstr(g_oracle.buf, key.buf);
    if (p) p += key.len;
    strbuf_release(&key);
    return p;
}

static int64_t oracle_v(int must, const char *fmt, va_list ap)
{
    strbuf path = STRBUF_INIT;
    strbuf_vaddf(&path, fmt, ap);
    const char *v = oracle_find(path.buf);
    if (!v && must) fail_msg("the oracle has no %s", path.buf);
    strbuf_release(&path);
    return v ? strtoll(v, NULL, 10) : 0;
}

static int64_t O(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int64_t O0(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The oracle's integer at a path (fails if absent). */
static int64_t O(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int64_t v = oracle_v(1, fmt, ap);
    va_end(ap);
    return v;
}

/* The same, 0 when absent (nothing of that kind in the input). */
static int64_t O0(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int64_t v = oracle_v(0, fmt, ap);
    va_end(ap);
    return v;
}

/* Walk the oracle's lines whose path starts with prefix. */
typedef struct oline {
    const char *cur;
    strbuf path, value;
} oline;

static void oline_release(oline *it)
{
    strbuf_release(&it->path);
    strbuf_release(&it->value);
}

static int oracle_next(oline *it, const char *prefix)
{
    size_t pl = strlen(prefix);
    for (;;) {
        const char *p = strchr(it->cur, '\n');
        if (!p || !p[1]) return 0;
        p++;
        const char *tab = strchr(p, '\t'), *end = strchr(p, '\n');
        if (!end) end = p + strlen(p);
        it->cur = end;
        if (!tab || tab > end || strncmp(p, prefix, pl)) continue;
        strbuf_reset(&it->path);
        strbuf_reset(&it->value);
        strbuf_add(&it->path, p, (size_t)(tab - p));
        strbuf_add(&it->value, tab + 1, (size_t)(end - tab - 1));
        return 1;
    }
}

static int oracle_count(const char *prefix, const char *suffix)
{
    oline it = {g_oracle.buf, STRBUF_INIT, STRBUF_INIT};
    int n = 0;
    size_t sl = strlen(suffix);
    while (oracle_next(&it, prefix))
        n += it.path.len >= sl && !strcmp(it.path.buf + it.path.len - sl, suffix);
    oline_release(&it);
    return n;
}

/* The code under prefix ("name/", "district_name/") whose value is name. */
static int oracle_code_for(const char *prefix, const char *name, char *code, size_t n)
{
    oline it = {g_oracle.buf, STRBUF_INIT, STRBUF_INIT};
    int found = 0;
    while (!found && oracle_next(&it, prefix))
        if (!strcmp(it.value.buf, name)) {
            snprintf(code, n, "%s", it.path.buf + strlen(prefix));
            found = 1;
        }
    oline_release(&it);
    return found;
}

/* A district's total: its communes plus its own "Cấp huyện" line. */
static int64_t district_total(const char *measure, const char *district)
{
    oline it = {g_oracle.buf, STRBUF_INIT, STRBUF_INIT};
    int64_t sum = O0("%s/by_commune/huyen:%s", measure, district);
    while (oracle_next(&it, "district_of/"))
        if (!strcmp(it.value.buf, district))
            sum += O0("%s/by_commune/%s", measure, it.path.buf + strlen("district_of/"));
    oline_release(&it);
    return sum;
}

/* ---- exact decimals ---------------------------------------------------- */

typedef unsigned __int128 u128;

/* "-123.456E-7" as sign, mantissa and power of ten. */
static int dec_split(const char *s, int *neg, u128 *m, int *exp10)
{
    const char *p = s;
    int digits = 0, frac = 0, point = 0, e = 0;
    *neg = 0;
    *m = 0;
    if (*p == '-' || *p == '+') *neg = *p++ == '-';
    for (;; p++) {
        if (*p >= '0' && *p <= '9') {
            if (*m > ((u128)1 << 120) / 10) return -1;
            *m = *m * 10 + (u128)(*p - '0');
            digits++;
            frac += point;
        } else if (*p == '.' && !point) {
            point = 1;
        } else {
            break;
        }
    }
    if (!digits) return -1;
    if (*p == 'E' || *p == 'e') {
        int eneg = 0;
        p++;
        if (*p == '-' || *p == '+') eneg = *p++ == '-';
        if (*p < '0' || *p > '9') return -1;
        for (; *p >= '0' && *p <= '9'; p++)
            if ((e = e * 10 + (*p - '0')) > 400) return -1;
        if (eneg) e = -e;
    }
    if (*p) return -1;
    *exp10 = e - frac;
    return 0;
}

/*
 * The number in s times 10^scale as an integer. round = 0: s must be that
 * integer, allowing only the noise of a binary double printed with 16
 * digits (libxlsxwriter writes 8966.12 as "8966.120000000001"): less than
 * 1/1000 of the unit. round = 1: rounded half away from zero.
 */
static int dec_scaled(const char *s, int scale, int round, int64_t *out)
{
    int neg, e;
    u128 m, q;
    if (dec_split(s, &neg, &m, &e) < 0) return -1;
    e += scale;
    if (e >= 0) {
        if (m && e > 20) return -1;
        q = m;
        for (int i = 0; i < e; i++) q *= 10;
    } else if (-e > 38) {
        q = 0; /* far below the unit */
    } else {
        u128 d = 1;
        for (int i = 0; i < -e; i++) d *= 10;
        u128 r = m % d;
        q = m / d;
        if (round) {
            if (r >= d - r) q++;
        } else if (r) {
            if (d - r <= d / 1000) q++;
            else if (r > d / 1000) return -1;
        }
    }
    if (q > (u128)INT64_MAX) return -1;
    *out = neg ? -(int64_t)q : (int64_t)q;
    return 0;
}

/* Rate in tenths of a percent, half away from zero (num, den >= 0). */
static int64_t permille(int64_t num, int64_t den)
{
    return (int64_t)(((__int128)num * 2000 + den) / ((__int128)den * 2));
}

/* 195609418000 đồng -> "195.609,418" (triệu đồng); trim drops trailing
 * zero decimals ("1.350,7", "13.935"). */
static void vi_money(strbuf *sb, int64_t dong, int trim)
{
    char digits[32], frac[8];
    strbuf_reset(sb);
    if (dong < 0) {
        strbuf_addch(sb, '-');
        dong = -dong;
    }
    int64_t whole = dong / 1000000, rest = dong % 1000000;
    snprintf(digits, sizeof digits, "%lld", (long long)whole);
    for (size_t i = 0, n = strlen(digits); i < n; i++) {
        if (i && (n - i) % 3 == 0) strbuf_addch(sb, '.');
        strbuf_addch(sb, digits[i]);
    }
    if (dong == 0) return;
    if (rest % 1000) snprintf(frac, sizeof frac, "%06lld", (long long)rest);
    else snprintf(frac, sizeof frac, "%03lld", (long long)(rest / 1000));
    size_t fl = strlen(frac);
    while (trim && fl && frac[fl - 1] == '0') frac[--fl] = '\0';
    if (fl) strbuf_addf(sb, ",%s", frac);
}

static void vi_rate(strbuf *sb, int64_t pm)
{
    strbuf_reset(sb);
    strbuf_addf(sb, "%lld,%lld%%", (long long)(pm / 10), (long long)(pm % 10));
}

/* Does text hold the amount, with 3 decimals or with trailing zeros cut? */
static int has_money(const char *text, int64_t dong)
{
    strbuf a = STRBUF_INIT, b = STRBUF_INIT;
    vi_money(&a, dong, 0);
    vi_money(&b, dong, 1);
    int ok = strstr(text, a.buf) || strstr(text, b.buf);
    strbuf_release(&a);
    strbuf_release(&b);
    return ok;
}

/* ---- workbook checks --------------------------------------------------- */

#define COL(letters) xlsx_col(letters)

/* The five forms' sheets, named in templates/forms/0[1-5]_*.txt. Found by
 * name, so a workbook with more forms (a control sheet) still passes. */
static const char *const SHEET_NAMES[NSHEETS] = {
    "01 KH von theo du an", "02 KH von theo xa", "03 Giai ngan theo du an",
    "04 Giai ngan theo xa", "05 Chi tieu",
};

static const xlsx_sheet *book_sheet(const xlsx_book *b, int i)
{
    const xlsx_sheet *s = xlsx_sheet_named(b, SHEET_NAMES[i]);
    if (!s) fail_msg("the workbook has no sheet \"%s\"", SHEET_NAMES[i]);
    return s;
}

static const xlsx_sheet *sheet_n(int i)
{
    return book_sheet(&g_book, i);
}

static const xlsx_cell *cell_or_fail(const xlsx_sheet *s, int row, const char *col)
{
    const xlsx_cell *c = xlsx_at(s, row, COL(col));
    if (!c) fail_msg("'%s'!%s%d: no such cell", s->name, col, row);
    if (!c->has_value) fail_msg("'%s'!%s%d: no cached value <v>", s->name, col, row);
    return c;
}

/* The cell's amount in đồng, from its text (triệu đồng); col "C+V" is
 * the sum of two cells (the rate's sources and the others). */
static int64_t cell_dong(const xlsx_sheet *s, int row, const char *col)
{
    const char *plus = strchr(col, '+');
    if (plus) {
        char first[8];
        snprintf(first, sizeof first, "%.*s", (int)(plus - col), col);
        return cell_dong(s, row, first) + cell_dong(s, row, plus + 1);
    }
    const xlsx_cell *c = cell_or_fail(s, row, col);
    int64_t v;
    if (c->type != XC_NUMBER || dec_scaled(c->text, 6, 0, &v) < 0)
        fail_msg("'%s'!%s%d: \"%s\" is not an amount in triệu đồng exact to the đồng", s->name,
                 col, row, c->text);
    return v;
}

static void check_dong(const xlsx_sheet *s, int row, const char *col, int64_t want, const char *what)
{
    int64_t got = cell_dong(s, row, col);
    if (got != want)
        fail_msg("'%s'!%s%d (%s): %lld đồng, the oracle says %lld", s->name, col, row, what,
                 (long long)got, (long long)want);
}

static void check_formula(const xlsx_sheet *s, int row, const char *col)
{
    const xlsx_cell *c = cell_or_fail(s, row, col);
    if (!c->formula || !*c->formula)
        fail_msg("'%s'!%s%d: a total must be a formula, is the constant %s", s->name, col, row, c->text);
}

/* A rate cell: "-" when the plan is 0, else disbursed/plan to 0,1%. */
static void check_rate(const xlsx_sheet *s, int row, const char *col, int64_t num, int64_t den)
{
    const xlsx_cell *c = cell_or_fail(s, row, col);
    if (!c->formula) fail_msg("'%s'!%s%d: a rate must be a formula", s->name, col, row);
    if (den == 0) {
        if (strcmp(c->text, "-")) fail_msg("'%s'!%s%d: plan 0, rate \"%s\", want \"-\"", s->name, col, row, c->text);
        return;
    }
    int64_t pm;
    if (c->type != XC_NUMBER || dec_scaled(c->text, 3, 1, &pm) < 0)
        fail_msg("'%s'!%s%d: rate \"%s\" is not a number", s->name, col, row, c->text);
    if (pm != permille(num, den))
        fail_msg("'%s'!%s%d: rate %s rounds to %lld‰, oracle %lld/%lld = %lld‰", s->name, col, row,
                 c->text, (long long)pm, (long long)num, (long long)den, (long long)permille(num, den));
}

static int total_row(const xlsx_sheet *s)
{
    int r = xlsx_find_row(s, COL("B"), TOTAL_LABEL, 1);
    if (r < 0) fail_msg("'%s': no \"%s\" row in column B", s->name, TOTAL_LABEL);
    return r;
}

static int is_roman(const char *s)
{
    if (!*s) return 0;
    for (; *s; s++)
        if (!strchr("IVXLCDM", *s)) return 0;
    return 1;
}

/* STT "3" -> "DA3", "3.1" -> "DA3.TDA1"; 0 for other text. */
static int stt_code(const char *stt, char *code, size_t n)
{
    int p, sp, len = 0;
    if (sscanf(stt, "%d.%d%n", &p, &sp, &len) == 2 && !stt[len])
        return snprintf(code, n, "DA%d.TDA%d", p, sp), 2;
    if (sscanf(stt, "%d%n", &p, &len) == 1 && !stt[len]) return snprintf(code, n, "DA%d", p), 1;
    return 0;
}

/* Sources in the plan sheets' columns (templates/forms/01_kh_du_an.txt). */
static const char *const PLAN_SOURCE_COLS[][2] = {
    {"E", "NSTW_DTPT"}, {"F", "NSTW_SN"},   {"H", "NSDP_DTPT"}, {"I", "NSDP_SN"},
    {"J", "LONG_GHEP"}, {"K", "DAN_GOP"}, {"L", "TIN_DUNG"},
};

static void check_plan_total_row(const xlsx_sheet *s, int tot)
{
    check_dong(s, tot, "C", O("plan/total"), "Tổng số");
    for (size_t i = 0; i < sizeof PLAN_SOURCE_COLS / sizeof PLAN_SOURCE_COLS[0]; i++)
        check_dong(s, tot, PLAN_SOURCE_COLS[i][0], O("plan/by_source/%s", PLAN_SOURCE_COLS[i][1]),
                   PLAN_SOURCE_COLS[i][1]);
    check_dong(s, tot, "D", O("plan/by_source/NSTW_DTPT") + O("plan/by_source/NSTW_SN"), "NSTW");
    check_dong(s, tot, "G", O("plan/by_source/NSDP_DTPT") + O("plan/by_source/NSDP_SN"), "NSDP");
    static const char *const cols[] = {"C", "D", "E", "F", "G", "H", "I", "J", "K", "L"};
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) check_formula(s, tot, cols[i]);
}

/* Every project and sub-project row: col against measure/by_(sub)project. */
static void check_project_rows(const xlsx_sheet *s, int tot, const char *measure, const char *col)
{
    int nproj = 0, nsub = 0;
    char code[32];
    for (int r = tot + 1; r <= xlsx_max_row(s); r++) {
        int kind = stt_code(xlsx_text(s, r, 0), code, sizeof code);
        if (!kind) continue;
        const char *by = kind == 1 ? "by_project" : "by_subproject";
        check_dong(s, r, col, O0("%s/%s/%s", measure, by, code), code);
        if (kind == 1) nproj++;
        else nsub++;
    }
    /* Every project and sub-project of the plan has its row. */
    assert_int_equal(nproj, oracle_count("plan/by_project/", ""));
    int subs = 0;
    oline it = {g_oracle.buf, STRBUF_INIT, STRBUF_INIT};
    while (oracle_next(&it, "plan/by_subproject/")) subs += strstr(it.path.buf, ".TDA") != NULL;
    oline_release(&it);
    assert_int_equal(nsub, subs);
}

/* Every unit row of a by-commune sheet: districts, communes, "Cấp huyện",
 * "Cấp tỉnh", matched to the oracle by the names in the plan file. */
static void check_commune_rows(const xlsx_sheet *s, int tot, const char *measure, const char *col)
{
    char district[32] = "", key[64];
    int nunits = 0, districts = 0;
    for (int r = tot + 1; r <= xlsx_max_row(s); r++) {
        const char *stt = xlsx_text(s, r, 0), *name = xlsx_text(s, r, 1);
        if (!*name) continue;
        if (is_roman(stt) && strcmp(name, "Cấp tỉnh")) {
            if (!oracle_code_for("district_name/", name, district, sizeof district))
                fail_msg("'%s' row %d: \"%s\" is no district of the plan file", s->name, r, name);
            check_dong(s, r, col, district_total(measure, district), name);
            districts++;
            continue;
        }
        if (!strcmp(name, "Cấp tỉnh")) {
            snprintf(key, sizeof key, "tinh");
        } else if (!strcmp(name, "Cấp huyện")) {
            if (!*district) fail_msg("'%s' row %d: \"Cấp huyện\" outside a district", s->name, r);
            snprintf(key, sizeof key, "huyen:%s", district);
        } else if (!oracle_code_for("name/", name, key, sizeof key)) {
            fail_msg("'%s' row %d: \"%s\" is no commune of the plan file", s->name, r, name);
        }
        check_dong(s, r, col, O0("%s/by_commune/%s", measure, key), name);
        nunits++;
    }
    assert_int_equal(nunits, oracle_count("plan/by_commune/", ""));
    assert_int_equal(districts, oracle_count("district_name/", ""));
}

/* Sheets 3 and 4 (templates/forms/03_gn_du_an.txt): plan, disbursed and
 * rate of the state budget (the headline rate's scope) in total,
 * current-year, extended (in total, the year before's and older capital),
 * ĐTPT and SN; then the other sources, without a rate. The oracle's keys
 * are added: "a,b" is a + b. */
static int64_t O_sum(const char *measure, const char *keys)
{
    int64_t v = 0;
    char buf[256];
    snprintf(buf, sizeof buf, "%s", keys);
    for (char *k = strtok(buf, ","); k; k = strtok(NULL, ",")) v += O0("%s/%s", measure, k);
    return v;
}

static void check_disb_total_row(const xlsx_sheet *s, int tot)
{
    static const char *const g[][4] = {
        {"C", "D", "E", "by_budget_year/nsnn_current,by_budget_year/nsnn_extended"},
        {"F", "G", "H", "by_budget_year/nsnn_current"},
        {"I", "J", "K", "by_budget_year/nsnn_extended"},
        {"L", "M", NULL, "by_budget_age/nsnn_year-1"},
        {"N", "O", NULL, "by_budget_age/nsnn_year-2-or-earlier"},
        {"P", "Q", "R", "by_capital_type/DTPT"},
        {"S", "T", "U", "by_capital_type/SN"},
        {"V", "W", NULL, "by_budget_year/other_current,by_budget_year/other_extended"},
    };
    for (size_t i = 0; i < sizeof g / sizeof g[0]; i++) {
        int64_t plan = O_sum("plan", g[i][3]), disb = O_sum("disbursement", g[i][3]);
        check_dong(s, tot, g[i][0], plan, "kế hoạch");
        check_dong(s, tot, g[i][1], disb, "giải ngân");
        check_formula(s, tot, g[i][0]);
        check_formula(s, tot, g[i][1]);
        if (g[i][2]) check_rate(s, tot, g[i][2], disb, plan);
    }
    /* Every source once: the state budget and the others. */
    check_dong(s, tot, "C+V", O("plan/total"), "kế hoạch");
    check_dong(s, tot, "D+W", O("disbursement/total"), "giải ngân");
}

/* ---- PDF helpers ------------------------------------------------------- */

static int all_digits(const char *s, size_t n)
{
    if (!n) return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9') return 0;
    return 1;
}

/* Call fn on each trimmed line of text (form feeds end lines too). */
typedef int (*line_fn)(const char *s, size_t n, void *ctx);

static int each_line(const char *text, line_fn fn, void *ctx)
{
    const char *p = text;
    while (*p) {
        size_t n = strcspn(p, "\n\f");
        const char *s = p, *e = p + n;
        while (s < e && (*s == ' ' || *s == '\t' || *s == '\r')) s++;
        while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r')) e--;
        int rc = fn(s, (size_t)(e - s), ctx);
        if (rc) return rc;
        p += n;
        if (*p) p++;
    }
    return 0;
}

static int join_line(const char *s, size_t n, void *ctx)
{
    strbuf *out = ctx;
    if (!n || all_digits(s, n)) return 0; /* page numbers */
    for (size_t i = 0; i < n; i++) {
        int space = s[i] == ' ' || s[i] == '\t';
        if (space && out->len && out->buf[out->len - 1] == ' ') continue;
        strbuf_addch(out, space ? ' ' : s[i]);
    }
    strbuf_addch(out, ' ');
    return 0;
}

/* The text as one line: page numbers dropped, white space collapsed. */
static void normalize(const char *text, strbuf *out)
{
    strbuf_reset(out);
    each_line(text, join_line, out);
}

static int line_is(const char *s, size_t n, void *ctx)
{
    const char *want = ctx;
    return n == strlen(want) && !memcmp(s, want, n);
}

static int digit_line(const char *s, size_t n, void *ctx)
{
    (void)ctx;
    return all_digits(s, n);
}

static int first_nonblank(const char *s, size_t n, void *ctx)
{
    strbuf *out = ctx;
    if (!n) return 0;
    strbuf_add(out, s, n);
    return 1;
}

/* From needle to the first '%' after it (one sentence with one rate). */
static int segment(const char *text, const char *needle, strbuf *out)
{
    strbuf_reset(out);
    const char *p = strstr(text, needle);
    if (!p) return -1;
    const char *e = strchr(p, '%');
    if (!e) return -1;
    strbuf_add(out, p, (size_t)(e - p + 1));
    return 0;
}

/* The sentence at needle holds the amounts (0 = not checked) and the rate. */
static void check_sentence(const char *text, const char *needle, int64_t disb, int64_t plan,
                           int with_amounts)
{
    strbuf seg = STRBUF_INIT, rate = STRBUF_INIT;
    if (segment(text, needle, &seg) < 0) fail_msg("PDF: no \"%s ...%%\"", needle);
    vi_rate(&rate, permille(disb, plan));
    if (!strstr(seg.buf, rate.buf)) fail_msg("PDF: \"%s\": want rate %s", seg.buf, rate.buf);
    if (with_amounts && (!has_money(seg.buf, disb) || !has_money(seg.buf, plan)))
        fail_msg("PDF: \"%s\": want amounts %lld and %lld đồng", seg.buf, (long long)disb,
                 (long long)plan);
    strbuf_release(&seg);
    strbuf_release(&rate);
}

/* ---- CSV (rejects file, LibreOffice output) ---------------------------- */

/* Fields of one CSV line (RFC 4180 quotes); returns the count. */
static int csv_fields(const char *line, size_t len, strbuf *f, int max)
{
    int n = 0;
    size_t i = 0;
    for (;;) {
        if (n < max) strbuf_reset(&f[n]);
        if (i < len && line[i] == '"') {
            for (i++; i < len; i++) {
                if (line[i] == '"' && i + 1 < len && line[i + 1] == '"') {
                    if (n < max) strbuf_addch(&f[n], '"');
                    i++;
                } else if (line[i] == '"') {
                    i++;
                    break;
                } else if (n < max) {
                    strbuf_addch(&f[n], line[i]);
                }
            }
        }
        while (i < len && line[i] != ',') {
            if (n < max && line[i] != '\r') strbuf_addch(&f[n], line[i]);
            i++;
        }
        n++;
        if (i >= len) return n;
        i++;
    }
}

/* Lines of a text (without the UTF-8 BOM), each as [start, len). */
static int next_line(const char **p, const char **s, size_t *n)
{
    if (!**p) return 0;
    if (!strncmp(*p, "\xEF\xBB\xBF", 3)) *p += 3;
    *s = *p;
    *n = strcspn(*p, "\n");
    *p += *n;
    if (**p) (*p)++;
    return 1;
}

/* ---- group setup ------------------------------------------------------- */

static int group_setup(void **state)
{
    if (access(CONFIG, R_OK) || access(PLAN, R_OK)) {
        fprintf(stderr, "test_run: run from the repository root (%s, %s)\n", CONFIG, PLAN);
        return -1;
    }
    g_dir = tu_tmpdir("run");
    strbuf log = STRBUF_INIT, err = STRBUF_INIT;
    int rc = run_job(g_dir, NULL, 0, 0, &log);
    if (rc != EXIT_OK) fprintf(stderr, "test_run: sample run: status %d\n%s", rc, log.buf);
    char *xlsx = tu_path(g_dir, XLSX);
    if (rc == EXIT_OK && xlsx_load(&g_book, xlsx, &err) < 0) {
        fprintf(stderr, "test_run: %s: %s\n", xlsx, err.buf);
        rc = -1;
    }
    if (rc == EXIT_OK && load_oracle(&g_oracle, PLAN, DISB, IND) != 0) {
        fprintf(stderr, "test_run: the oracle failed:\n%s\n", g_oracle.buf);
        rc = -1;
    }
    free(xlsx);
    strbuf_release(&log);
    strbuf_release(&err);
    return rc == EXIT_OK ? 0 : -1;
}

static int group_teardown(void **state)
{
    xlsx_free(&g_book);
    strbuf_release(&g_oracle);
    tu_rmtree(g_dir);
    free(g_dir);
    return 0;
}

/* ---- 1. totals to the đồng, sheet by sheet ----------------------------- */

static void test_workbook_sheets(void **state)
{
    assert_true(g_book.nsheets >= NSHEETS);
    for (int i = 0; i < NSHEETS; i++) {
        /* In the order of the forms. */
        if (i > 0) assert_true(sheet_n(i) > sheet_n(i - 1));
        if (i < 4) total_row(sheet_n(i));
    }
    assert_true(exists(g_dir, PDF));
    assert_true(exists(g_dir, REJECTS));
    assert_no_temps(g_dir);
}

/* Per-row checks of a sheet: rows against measure's figures in column col. */
typedef void (*rows_check)(const xlsx_sheet *s, int tot, const char *measure, const char *col);

/*
 * Sheet i (0-based) of the five forms: its total row (a plan form, or a
 * disbursement form with plan, disbursed and rates), then rows checks
 * the plan in column C and, on a disbursement form, the disbursed
 * amounts in column D.
 */
static void check_sheet(int i, int disbursement, rows_check rows)
{
    const xlsx_sheet *s = sheet_n(i);
    int tot = total_row(s);
    if (disbursement) check_disb_total_row(s, tot);
    else check_plan_total_row(s, tot);
    /* A disbursement form's C and D hold the rate's sources, V and W the others. */
    rows(s, tot, "plan", disbursement ? "C+V" : "C");
    if (disbursement) rows(s, tot, "disbursement", "D+W");
}

static void test_sheet1_plan_by_project(void **state)
{
    check_sheet(0, 0, check_project_rows);
}

static void test_sheet2_plan_by_commune(void **state)
{
    check_sheet(1, 0, check_commune_rows);
}

static void test_sheet3_disbursement_by_project(void **state)
{
    check_sheet(2, 1, check_project_rows);
}

static void test_sheet4_disbursement_by_commune(void **state)
{
    check_sheet(3, 1, check_commune_rows);
}

/*
 * The tables' rate is the text's (issue 13, point 9): both count the
 * sources of [report] rate_scope (the state budget by default). The
 * headline sentence is rebuilt from the total row of sheets 3 and 4
 * (plan C, disbursed D, rate E as cached) and must be in the PDF as is.
 */
static void test_table_rate_is_text_rate(void **state)
{
    char *pdf = tu_path(g_dir, PDF);
    strbuf raw = STRBUF_INIT, text = STRBUF_INIT, want = STRBUF_INIT, a = STRBUF_INIT;
    tu_pdf_text(pdf, 0, 0, TU_PDF_LAYOUT, &raw);
    normalize(raw.buf, &text);
    for (int sh = 2; sh < 4; sh++) {
        const xlsx_sheet *s = sheet_n(sh);
        int tot = total_row(s);
        int64_t pm;
        const xlsx_cell *rate = cell_or_fail(s, tot, "E");
        if (dec_scaled(rate->text, 3, 1, &pm) < 0) fail_msg("'%s'!E%d: rate \"%s\"", s->name, tot, rate->text);
        strbuf_reset(&want);
        strbuf_adds(&want, "đã giải ngân vốn ngân sách nhà nước ");
        vi_money(&a, cell_dong(s, tot, "D"), 1);
        strbuf_addf(&want, "%s triệu đồng/", a.buf);
        vi_money(&a, cell_dong(s, tot, "C"), 1);
        strbuf_addf(&want, "%s triệu đồng kế hoạch, đạt ", a.buf);
        vi_rate(&a, pm);
        strbuf_adds(&want, a.buf);
        if (!strstr(text.buf, want.buf))
            fail_msg("'%s': the table's rate \"%s\" is not the text's:\n%.2000s", s->name, want.buf, text.buf);
        /* And the columns say what they count. */
        if (xlsx_find_row(s, COL("C"), "Tổng số vốn ngân sách trung ương và ngân sách địa phương", 1) < 0)
            fail_msg("'%s': column C does not name the rate's scope", s->name);
    }
    free(pdf);
    strbuf_release(&raw);
    strbuf_release(&text);
    strbuf_release(&want);
    strbuf_release(&a);
}

/* "Dự án 1: ..." -> DA1; "Tiểu dự án 3 - Dự án 5: ..." -> DA5.TDA3. */
static int heading_code(const char *label, char *code, size_t n)
{
    int a, b;
    if (sscanf(label, "Tiểu dự án %d - Dự án %d", &a, &b) == 2)
        return snprintf(code, n, "DA%d.TDA%d", b, a), 1;
    if (sscanf(label, "Dự án %d", &a) == 1) return snprintf(code, n, "DA%d", a), 1;
    return 0;
}

static void test_sheet5_indicators(void **state)
{
    const xlsx_sheet *s = sheet_n(4);
    char code[32] = "";
    int matched = 0;
    assert_true(xlsx_find_row(s, 0, "STT", 1) > 0);
    for (int r = 1; r <= xlsx_max_row(s); r++) {
        const char *stt = xlsx_text(s, r, 0), *name = xlsx_text(s, r, 1);
        int64_t target, done;
        if (is_roman(stt)) {
            if (!heading_code(name, code, sizeof code))
                fail_msg("'%s' row %d: heading \"%s\" names no project", s->name, r, name);
            continue;
        }
        if (!all_digits(stt, strlen(stt))) continue;
        if (!*code) fail_msg("'%s' row %d: an indicator before any project heading", s->name, r);
        const char *uom = xlsx_text(s, r, 2);
        const xlsx_cell *d = cell_or_fail(s, r, "D"), *e = cell_or_fail(s, r, "E");
        if (dec_scaled(d->text, 3, 0, &target) < 0 || dec_scaled(e->text, 3, 0, &done) < 0)
            fail_msg("'%s' row %d: target \"%s\" / achieved \"%s\" not exact to 0,001", s->name, r,
                     d->text, e->text);
        int64_t want_t = O("indicators/by_subproject/%s|%s|%s/target", code, name, uom);
        int64_t want_d = O("indicators/by_subproject/%s|%s|%s/achieved", code, name, uom);
        if (target != want_t || done != want_d)
            fail_msg("'%s' row %d (%s %s, %s): %lld/%lld thousandths, oracle %lld/%lld", s->name, r,
                     code, name, uom, (long long)done, (long long)target, (long long)want_d,
                     (long long)want_t);
        check_rate(s, r, "F", done, target);
        matched++;
    }
    assert_int_equal(matched, oracle_count("indicators/by_subproject/", "/target"));
}

/* Every formula cell carries its cached value, so a reader that does not
 * recalculate (a viewer, a script) sees the numbers. */
static void test_formulas_cached(void **state)
{
    for (int i = 0; i < g_book.nsheets; i++) {
        const xlsx_sheet *s = &g_book.sheets[i];
        int formulas = 0;
        for (int c = 0; c < s->n; c++) {
            const xlsx_cell *x = &s->cells[c];
            if (!x->formula) continue;
            formulas++;
            if (!x->has_value || !*x->text)
                fail_msg("'%s'!%s: formula %s has no cached value", s->name, x->ref, x->formula);
            int neg, e;
            u128 m;
            if (x->type == XC_NUMBER && dec_split(x->text, &neg, &m, &e) < 0)
                fail_msg("'%s'!%s: cached value \"%s\" is not a number", s->name, x->ref, x->text);
            /* The five forms' formulas give numbers, or "-" for a rate
             * over 0. */
            int ours = 0;
            for (int k = 0; k < NSHEETS; k++) ours |= !strcmp(s->name, SHEET_NAMES[k]);
            if (ours && x->type != XC_NUMBER && strcmp(x->text, "-"))
                fail_msg("'%s'!%s: formula result \"%s\"", s->name, x->ref, x->text);
        }
        if (!formulas) fail_msg("'%s': no formulas", s->name);
    }
}

/* ---- 2. the PDF's text ------------------------------------------------- */

static void test_pdf_text(void **state)
{
    char *pdf = tu_path(g_dir, PDF);
    strbuf raw = STRBUF_INIT, text = STRBUF_INIT, a = STRBUF_INIT;
    tu_pdf_text(pdf, 0, 0, TU_PDF_LAYOUT, &raw);
    normalize(raw.buf, &text);
    static const char *const fixed[] = {"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                                        "Độc lập - Tự do - Hạnh phúc", "Nơi nhận"};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        if (!strstr(text.buf, fixed[i])) fail_msg("PDF: no \"%s\"", fixed[i]);
    static const char *const lines[] = {"BÁO CÁO",     "Phụ lục I",  "Phụ lục II", "Phụ lục III",
                                        "Phụ lục IV", "Phụ lục V"};
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
        if (!each_line(raw.buf, line_is, (void *)lines[i])) fail_msg("PDF: no line \"%s\"", lines[i]);

    int64_t plan = O("plan/total"), disb = O("disbursement/total");
    vi_money(&a, plan, 0);
    if (!strstr(text.buf, a.buf)) fail_msg("PDF: no total plan %s", a.buf);
    vi_rate(&a, permille(disb, plan));
    assert_string_equal(a.buf, "77,4%"); /* by hand: 151.349,265 / 195.609,418 */

    /* The body's sentences (templates/bao_cao.txt) against the oracle; the
     * disbursement rates are over the state budget (central and local). */
    int64_t nplan_cur = O0("plan/by_budget_year/nsnn_current"), nplan_ext = O0("plan/by_budget_year/nsnn_extended");
    int64_t ndisb_cur = O0("disbursement/by_budget_year/nsnn_current");
    int64_t ndisb_ext = O0("disbursement/by_budget_year/nsnn_extended");
    assert_true(nplan_cur + nplan_ext < plan); /* the sample has other sources */
    check_sentence(text.buf, "toàn tỉnh đã giải ngân vốn ngân sách nhà nước", ndisb_cur + ndisb_ext,
                   nplan_cur + nplan_ext, 1);
    check_sentence(text.buf, "- Vốn kế hoạch năm 2024:", ndisb_cur, nplan_cur, 1);
    check_sentence(text.buf, "- Vốn các năm trước kéo dài:", ndisb_ext, nplan_ext, 1);
    /* Other sources as amounts, with no rate. */
    const char *other = strstr(text.buf, "Các nguồn vốn ngoài ngân sách nhà nước");
    if (!other) fail_msg("PDF: no sentence on the sources outside the state budget");
    const char *stop = strstr(other, "không tính vào tỷ lệ");
    strbuf seg = STRBUF_INIT;
    strbuf_add(&seg, other, stop ? (size_t)(stop - other) : strlen(other));
    if (!has_money(seg.buf, O0("plan/by_budget_year/other_current") + O0("plan/by_budget_year/other_extended")) ||
        !has_money(seg.buf, O0("disbursement/by_budget_year/other_current") +
                                O0("disbursement/by_budget_year/other_extended")) ||
        strchr(seg.buf, '%'))
        fail_msg("PDF: \"%s\": want the plan and the amount done, no rate", seg.buf);
    strbuf_release(&seg);
    check_sentence(text.buf, "- Vốn đầu tư phát triển: giải ngân", O("disbursement/by_capital_type/DTPT"),
                   O("plan/by_capital_type/DTPT"), 1);
    check_sentence(text.buf, "- Vốn sự nghiệp: giải ngân", O("disbursement/by_capital_type/SN"),
                   O("plan/by_capital_type/SN"), 1);
    oline it = {g_oracle.buf, STRBUF_INIT, STRBUF_INIT};
    strbuf needle = STRBUF_INIT;
    int projects = 0;
    while (oracle_next(&it, "plan/by_project/")) {
        const char *code = it.path.buf + strlen("plan/by_project/");
        strbuf_reset(&needle);
        strbuf_addf(&needle, "- Dự án %s: giải ngân", code + 2);
        check_sentence(text.buf, needle.buf, O0("disbursement/by_project/%s", code),
                       strtoll(it.value.buf, NULL, 10), 1);
        projects++;
    }
    assert_int_equal(projects, 10);
    /* Indicators: "- Hỗ trợ nhà ở: thực hiện 296/400 hộ, đạt 74,0% kế hoạch;" */
    int nindicators = 0;
    it.cur = g_oracle.buf;
    while (oracle_next(&it, "indicators/by_project/")) {
        size_t pl = it.path.len;
        if (pl < 7 || strcmp(it.path.buf + pl - 7, "/target")) continue;
        const char *key = it.path.buf + strlen("indicators/by_project/");
        const char *bar1 = strchr(key, '|'), *bar2 = bar1 ? strchr(bar1 + 1, '|') : NULL;
        assert_non_null(bar2);
        strbuf_reset(&needle);
        strbuf_adds(&needle, "- ");
        strbuf_add(&needle, bar1 + 1, (size_t)(bar2 - bar1 - 1));
        strbuf_adds(&needle, ": thực hiện");
        strbuf path = STRBUF_INIT;
        strbuf_add(&path, it.path.buf, pl - 7);
        check_sentence(text.buf, needle.buf, O("%s/achieved", path.buf), O("%s/target", path.buf), 0);
        strbuf_release(&path);
        nindicators++;
    }
    assert_int_equal(nindicators, 6);
    oline_release(&it);
    strbuf_release(&needle);
    strbuf_release(&raw);
    strbuf_release(&text);
    strbuf_release(&a);
    free(pdf);
}

/* The "furthest behind" lists: the 3 projects and 5 communes with the
 * lowest rates by the oracle's numbers, lowest first. */
typedef struct ranked {
    char key[64];
    int64_t disb, plan;
} ranked;

static int by_rate(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    __int128 l = (__int128)x->disb * y->plan, r = (__int128)y->disb * x->plan;
    return l < r ? -1 : l > r ? 1 : strcmp(x->key, y->key);
}

static void test_pdf_lowest_rates(void **state)
{
    char *pdf = tu_path(g_dir, PDF);
    strbuf raw = STRBUF_INIT, text = STRBUF_INIT, needle = STRBUF_INIT, rate = STRBUF_INIT;
    tu_pdf_text(pdf, 0, 0, TU_PDF_LAYOUT, &raw);
    normalize(raw.buf, &text);
    const char *proj = strstr(text.buf, "Các dự án có tỷ lệ giải ngân thấp nhất");
    const char *xa = proj ? strstr(proj, "Các xã có tỷ lệ giải ngân thấp nhất") : NULL;
    const char *end = xa ? strstr(xa, "III.") : NULL;
    assert_non_null(proj);
    assert_non_null(xa);
    assert_non_null(end);
    ranked v[64];
    int n = 0;
    oline it = {g_oracle.buf, STRBUF_INIT, STRBUF_INIT};
    while (n < 64 && oracle_next(&it, "plan/by_project/")) {
        snprintf(v[n].key, sizeof v[n].key, "%s", it.path.buf + strlen("plan/by_project/"));
        v[n].plan = strtoll(it.value.buf, NULL, 10);
        v[n].disb = O0("disbursement/by_project/%s", v[n].key);
        n++;
    }
    qsort(v, (size_t)n, sizeof v[0], by_rate);
    const char *at = proj;
    for (int i = 0; i < 3; i++) {
        strbuf_reset(&needle);
        strbuf_addf(&needle, "- Dự án %s (", v[i].key + 2);
        const char *p = strstr(at, needle.buf);
        if (!p || p > xa) fail_msg("PDF: lowest project #%d should be %s", i + 1, v[i].key);
        vi_rate(&rate, permille(v[i].disb, v[i].plan));
        const char *pct = strchr(p, '%');
        if (!pct || (size_t)(pct - p) < rate.len - 1 ||
            strncmp(pct - (rate.len - 1), rate.buf, rate.len))
            fail_msg("PDF: %s should be at %s", v[i].key, rate.buf);
        at = p + 1;
    }
    /* Communes: real communes only (not district or province level). */
    n = 0;
    it.cur = g_oracle.buf;
    while (n < 64 && oracle_next(&it, "plan/by_commune/")) {
        const char *code = it.path.buf + strlen("plan/by_commune/");
        if (!all_digits(code, strlen(code))) continue;
        snprintf(v[n].key, sizeof v[n].key, "%s", code);
        v[n].plan = strtoll(it.value.buf, NULL, 10);
        v[n].disb = O0("disbursement/by_commune/%s", code);
        n++;
    }
    qsort(v, (size_t)n, sizeof v[0], by_rate);
    at = xa;
    for (int i = 0; i < 5; i++) {
        strbuf path = STRBUF_INIT;
        strbuf_addf(&path, "name/%s", v[i].key);
        const char *name = oracle_find(path.buf);
        assert_non_null(name);
        strbuf_reset(&needle);
        strbuf_adds(&needle, "- ");
        strbuf_add(&needle, name, strcspn(name, "\n"));
        strbuf_adds(&needle, " (");
        const char *p = strstr(at, needle.buf);
        if (!p || p > end) fail_msg("PDF: lowest commune #%d should be %s", i + 1, needle.buf);
        vi_rate(&rate, permille(v[i].disb, v[i].plan));
        const char *pct = strchr(p, '%');
        if (!pct || strncmp(pct - (rate.len - 1), rate.buf, rate.len))
            fail_msg("PDF: %s should be at %s", needle.buf, rate.buf);
        at = p + 1;
        strbuf_release(&path);
    }
    oline_release(&it);
    strbuf_release(&raw);
    strbuf_release(&text);
    strbuf_release(&needle);
    strbuf_release(&rate);
    free(pdf);
}

/* Nghị định 30: no number on page 1; page 2 numbered "2" at the top. */
static void test_pdf_page_numbers(void **state)
{
    char *pdf = tu_path(g_dir, PDF);
    strbuf t = STRBUF_INIT, first = STRBUF_INIT;
    assert_true(tu_pdf_pages(pdf) >= 2);
    tu_pdf_text(pdf, 1, 1, TU_PDF_LAYOUT, &t);
    assert_true(t.len > 0);
    if (each_line(t.buf, digit_line, NULL)) fail_msg("page 1 carries a page number");
    tu_pdf_text(pdf, 2, 2, TU_PDF_LAYOUT, &t);
    each_line(t.buf, first_nonblank, &first);
    assert_string_equal(first.buf, "2");
    strbuf_release(&t);
    strbuf_release(&first);
    free(pdf);
}

/* ---- 7. glyphs reach the page ------------------------------------------ */

static void test_pdf_page1_drawn(void **state)
{
    char *pdf = tu_path(g_dir, PDF);
    char *dir = tu_tmpdir("render");
    tu_grey g;
    assert_int_equal(tu_render_grey(pdf, 1, 50, dir, &g), 0);
    long dark = tu_grey_dark(&g, 0, 0, g.w, g.h);
    if (dark <= 3000) fail_msg("page 1 at 50 dpi has only %ld dark pixels: text not drawn?", dark);
    /* The header (top eighth) and the body (middle) both carry ink. */
    assert_true(tu_grey_dark(&g, 0, 0, g.w, g.h / 8) > 100);
    assert_true(tu_grey_dark(&g, 0, g.h / 3, g.w, 2 * g.h / 3) > 1000);
    tu_grey_free(&g);
    tu_rmtree(dir);
    free(dir);
    free(pdf);
}

/* ---- 3. determinism ---------------------------------------------------- */

/* A manifest's inputs digest and inputs list (its outputs name the
 * folder, which differs between runs), read from dir. */
static char *manifest_inputs(const char *dir)
{
    char *p = tu_path(dir, MANIFEST);
    char *m = tu_read_file(p, NULL);
    if (!m) fail_msg("no %s", p);
    char *from = strstr(m, "\"inputs_digest\""), *to = from ? strstr(from, "\"outputs\"") : NULL;
    if (!to) fail_msg("%s: no inputs_digest before outputs:\n%s", p, m);
    *to = '\0';
    char *part = strdup(from);
    free(m);
    free(p);
    return part;
}

static void test_deterministic(void **state)
{
    char *d[4];
    strbuf log = STRBUF_INIT;
    for (int i = 0; i < 4; i++) d[i] = tu_tmpdir("det");
    assert_int_equal(run_job(d[0], NULL, 0, 0, &log), EXIT_OK);
    sleep(1); /* a clock in the output would now differ */
    assert_int_equal(run_job(d[1], NULL, 0, 0, &log), EXIT_OK);
    assert_int_equal(run_job(d[2], NULL, 1, 0, &log), EXIT_OK);      /* --threads 1 */
    assert_int_equal(run_job(d[3], NULL, 2, 4096, &log), EXIT_OK);   /* files read in halves */
    /* The binary with --threads 1 writes the same files too. */
    char *d4 = tu_tmpdir("det");
    strbuf_reset(&log);
    int rc = tu_runf(&log, SAN_BIN " --config " CONFIG " --threads 1 --output '%s' 2>&1", d4);
    if (rc != EXIT_OK) fail_msg("--threads 1: status %d\n%s", rc, log.buf);
    static const char *const names[] = {XLSX, PDF, REJECTS};
    for (int i = 1; i < 4; i++)
        for (int k = 0; k < 3; k++) assert_same_file(d[0], d[i], names[k]);
    for (int k = 0; k < 3; k++) assert_same_file(d[0], d4, names[k]);
    /* The inputs' SHA-256, taken as they are read (whole, or in two
     * ranges on two threads), and the digest over them, are the same. */
    char *want = manifest_inputs(d[0]);
    for (int i = 1; i < 5; i++) {
        char *got = manifest_inputs(i < 4 ? d[i] : d4);
        assert_string_equal(got, want);
        free(got);
    }
    free(want);
    tu_rmtree(d4);
    free(d4);
    for (int k = 0; k < 3; k++) assert_same_file(d[0], g_dir, names[k]);
    for (int i = 0; i < 4; i++) {
        tu_rmtree(d[i]);
        free(d[i]);
    }
    strbuf_release(&log);
}

/* ---- 4. LibreOffice recalculates the workbook -------------------------- */

/* A number as LibreOffice shows it in en-US ("195,609.418", "-" for 0,
 * "77.4%"), times 10^scale; -1 when it is not one. */
static int lo_number(const char *s, int scale, int64_t *out)
{
    strbuf t = STRBUF_INIT;
    int pct = 0, rc;
    for (; *s; s++) {
        if (*s == ',' || *s == ' ') continue;
        if (*s == '%') {
            pct = 1;
            continue;
        }
        strbuf_addch(&t, *s);
    }
    if (!strcmp(t.buf, "-")) {
        *out = 0;
        rc = 0;
    } else {
        rc = dec_scaled(t.buf, pct ? scale - 2 : scale, 0, out);
    }
    strbuf_release(&t);
    return rc;
}

/* The fields of the CSV line whose column B is "TỔNG SỐ". */
static int lo_total_row(const char *csv, strbuf *f, int max)
{
    const char *p = csv, *s;
    size_t n;
    while (next_line(&p, &s, &n)) {
        int k = csv_fields(s, n, f, max);
        if (k >= 2 && !strcmp(f[1].buf, TOTAL_LABEL)) return k;
    }
    return -1;
}

static void lo_check(const strbuf *f, int k, const char *col, int64_t want, int scale)
{
    int i = COL(col);
    int64_t got;
    if (i >= k) fail_msg("LibreOffice CSV: no column %s in the total row", col);
    if (lo_number(f[i].buf, scale, &got) < 0)
        fail_msg("LibreOffice CSV: column %s \"%s\" is not a number", col, f[i].buf);
    if (got != want)
        fail_msg("LibreOffice CSV: column %s \"%s\" = %lld, the oracle says %lld", col, f[i].buf,
                 (long long)got, (long long)want);
}

static void test_libreoffice_recalculates(void **state)
{
    if (tu_runf(NULL, "command -v soffice >/dev/null 2>&1") != 0)
        fail_msg("soffice not found: LibreOffice (libreoffice-calc-nogui, installed by "
                 "scripts/install-deps.sh) is required to check the workbook");
    char *dir = tu_tmpdir("lo");
    char *xlsx = tu_path(g_dir, XLSX);
    strbuf out = STRBUF_INIT, path = STRBUF_INIT;
    /* A private profile that recalculates every formula on load, so the
     * numbers below are LibreOffice's, not our cached values. */
    strbuf_addf(&path, "%s/profile/user", dir);
    assert_int_equal(tu_runf(NULL, "mkdir -p '%s'", path.buf), 0);
    strbuf_adds(&path, "/registrymodifications.xcu");
    assert_int_equal(tu_write_file(path.buf,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<oor:items xmlns:oor=\"http://openoffice.org/2001/registry\" "
        "xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" "
        "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n"
        "<item oor:path=\"/org.openoffice.Office.Calc/Formula/Load\">"
        "<prop oor:name=\"OOXMLRecalcMode\" oor:op=\"fuse\"><value>0</value></prop></item>\n"
        "</oor:items>\n"), 0);
    /* UTF-8, en-US, cells as shown, every sheet to <name>-<sheet>.csv. */
    int rc = tu_runf(&out,
                     "cd '%s' && timeout 240 soffice -env:UserInstallation=file://%s/profile "
                     "--headless --norestore --convert-to "
                     "'csv:Text - txt - csv (StarCalc):44,34,76,1,,1033,false,true,true,false,false,-1' "
                     "--outdir '%s/csv' '%s/%s' </dev/null 2>&1",
                     dir, dir, dir, g_dir, XLSX);
    if (rc != 0) fail_msg("soffice --convert-to csv: status %d\n%s", rc, out.buf);
    strbuf f[24];
    for (int i = 0; i < 24; i++) f[i] = (strbuf)STRBUF_INIT;
    for (int sh = 0; sh < 4; sh++) {
        strbuf_reset(&path);
        strbuf_addf(&path, "%s/csv/%s-%s.csv", dir, BASE, sheet_n(sh)->name);
        char *csv = tu_read_file(path.buf, NULL);
        if (!csv && sh == 0) { /* a LibreOffice that writes the first sheet only */
            strbuf_reset(&path);
            strbuf_addf(&path, "%s/csv/%s.csv", dir, BASE);
            csv = tu_read_file(path.buf, NULL);
        }
        if (!csv && sh > 0) break;
        if (!csv) fail_msg("LibreOffice wrote no %s\n%s", path.buf, out.buf);
        int k = lo_total_row(csv, f, 24);
        if (k < 0) fail_msg("%s: no %s row", path.buf, TOTAL_LABEL);
        if (sh < 2) {
            lo_check(f, k, "C", O("plan/total"), 6);
            lo_check(f, k, "D", O("plan/by_source/NSTW_DTPT") + O("plan/by_source/NSTW_SN"), 6);
            lo_check(f, k, "G", O("plan/by_source/NSDP_DTPT") + O("plan/by_source/NSDP_SN"), 6);
            for (size_t i = 0; i < sizeof PLAN_SOURCE_COLS / sizeof PLAN_SOURCE_COLS[0]; i++)
                lo_check(f, k, PLAN_SOURCE_COLS[i][0],
                         O("plan/by_source/%s", PLAN_SOURCE_COLS[i][1]), 6);
        } else {
            int64_t plan = O_sum("plan", "by_budget_year/nsnn_current,by_budget_year/nsnn_extended");
            int64_t disb = O_sum("disbursement", "by_budget_year/nsnn_current,by_budget_year/nsnn_extended");
            lo_check(f, k, "C", plan, 6);
            lo_check(f, k, "D", disb, 6);
            lo_check(f, k, "E", permille(disb, plan), 3);
            lo_check(f, k, "J", O("disbursement/by_budget_year/nsnn_extended"), 6);
            lo_check(f, k, "M", O("disbursement/by_budget_age/nsnn_year-1"), 6);
            lo_check(f, k, "T", O("disbursement/by_capital_type/SN"), 6);
            lo_check(f, k, "W", O("disbursement/by_budget_year/other_current"), 6);
        }
        free(csv);
    }
    for (int i = 0; i < 24; i++) strbuf_release(&f[i]);
    strbuf_release(&out);
    strbuf_release(&path);
    free(xlsx);
    tu_rmtree(dir);
    free(dir);
}

/* ---- 5. partial inputs: the plan alone --------------------------------- */

/* Runs the binary on a folder holding only the plan; leaves it in *dir.
 * The report's disbursement and indicator tables then have no input: a
 * data error each (exit 3), with every table still written. */
static void run_plan_only(char **in, char **out, strbuf *log)
{
    *in = tu_tmpdir("plan-only");
    *out = tu_tmpdir("plan-only-out");
    assert_int_equal(tu_runf(NULL, "cp '%s' '%s/'", PLAN, *in), 0);
    int rc = tu_runf(log, SAN_BIN " --config " CONFIG " --input '%s' --output '%s' 2>&1", *in, *out);
    if (rc != EXIT_DATA) fail_msg("plan only: status %d, want 3\n%s", rc, log->buf);
    if (!strstr(log->buf, "báo cáo cần dữ liệu giải ngân (giai_ngan) nhưng không có tệp nào"))
        fail_msg("plan only: the missing disbursement is not said\n%s", log->buf);
}

static void test_partial_inputs(void **state)
{
    char *in, *out;
    strbuf log = STRBUF_INIT, err = STRBUF_INIT, t = STRBUF_INIT;
    run_plan_only(&in, &out, &log);
    assert_true(exists(out, XLSX));
    assert_true(exists(out, PDF));
    assert_true(exists(out, REJECTS));
    assert_no_temps(out);
    char *xlsx = tu_path(out, XLSX), *pdf = tu_path(out, PDF);
    xlsx_book b;
    if (xlsx_load(&b, xlsx, &err) < 0) fail_msg("%s: %s", xlsx, err.buf);
    for (int sh = 2; sh < 4; sh++) {
        const xlsx_sheet *s = book_sheet(&b, sh);
        int tot = total_row(s);
        check_dong(s, tot, "C+V", O("plan/total"), "kế hoạch"); /* same plan file */
        static const char *const disb_cols[] = {"D", "G", "J", "M", "O", "Q", "T", "W"};
        for (int i = 0; i < 8; i++) check_dong(s, tot, disb_cols[i], 0, "giải ngân");
    }
    /* The indicator sheet: its header, no rows. */
    const xlsx_sheet *s5 = book_sheet(&b, 4);
    int hdr = xlsx_find_row(s5, 0, "STT", 1), num = xlsx_find_row(s5, 0, "(1)", 1);
    assert_true(hdr > 0);
    assert_true(num > hdr);
    assert_int_equal(xlsx_max_row(s5), num);
    /* The PDF is written and readable. */
    assert_true(tu_pdf_pages(pdf) >= 2);
    tu_pdf_text(pdf, 1, 1, TU_PDF_LAYOUT, &t);
    assert_non_null(strstr(t.buf, "BÁO CÁO"));
    xlsx_free(&b);
    free(xlsx);
    free(pdf);
    tu_rmtree(in);
    tu_rmtree(out);
    free(in);
    free(out);
    strbuf_release(&log);
    strbuf_release(&err);
    strbuf_release(&t);
}

/* The plan alone, with more cells than the cube's first chunk (the
 * plan of 2024 again as capital of 2021-2023: 4 x 266 rows): the search
 * for disbursement in the cube reads its cells, not past them, and the
 * missing disbursement is still said. */
static void test_partial_inputs_many_cells(void **state)
{
    char *in = tu_tmpdir("plan-many"), *out = tu_tmpdir("plan-many-out");
    strbuf log = STRBUF_INIT;
    char *plan = tu_read_file(PLAN, NULL);
    assert_non_null(plan);
    for (int y = 2021; y <= 2024; y++) {
        strbuf f = STRBUF_INIT, name = STRBUF_INIT;
        char from[16], to[32];
        snprintf(from, sizeof from, "\n2024,2024,");
        snprintf(to, sizeof to, "\n2024,%d,", y);
        for (const char *p = plan, *q; *p; p = q + strlen(from)) {
            q = strstr(p, from);
            if (!q) {
                strbuf_adds(&f, p);
                break;
            }
            strbuf_add(&f, p, (size_t)(q - p));
            strbuf_adds(&f, to);
        }
        strbuf_addf(&name, "%s/ke_hoach_2024_%d.csv", in, y);
        assert_int_equal(tu_write_file(name.buf, f.buf), 0);
        strbuf_release(&f);
        strbuf_release(&name);
    }
    free(plan);
    int rc = tu_runf(&log, SAN_BIN " --config " CONFIG " --input '%s' --output '%s' 2>&1", in, out);
    if (rc != EXIT_DATA) fail_msg("plan only: status %d, want 3\n%s", rc, log.buf);
    if (!strstr(log.buf, "báo cáo cần dữ liệu giải ngân (giai_ngan) nhưng không có tệp nào"))
        fail_msg("plan only: the missing disbursement is not said\n%s", log.buf);
    tu_rmtree(in);
    tu_rmtree(out);
    free(in);
    free(out);
    strbuf_release(&log);
}

/* With no disbursement yet, nothing is disbursed against a real plan:
 * the rate is 0 (shown 0,0%), the honest figure; "-" is kept for a zero
 * plan, where a rate means nothing. */
static void test_partial_inputs_rates_zero(void **state)
{
    char *in, *out;
    strbuf log = STRBUF_INIT, err = STRBUF_INIT;
    run_plan_only(&in, &out, &log);
    char *xlsx = tu_path(out, XLSX);
    xlsx_book b;
    if (xlsx_load(&b, xlsx, &err) < 0) fail_msg("%s: %s", xlsx, err.buf);
    for (int sh = 2; sh < 4; sh++) {
        const xlsx_sheet *s = book_sheet(&b, sh);
        int tot = total_row(s);
        static const char *const rate_cols[] = {"E", "H", "K", "R", "U"};
        for (int i = 0; i < 5; i++) {
            const xlsx_cell *c = cell_or_fail(s, tot, rate_cols[i]);
            if (strcmp(c->text, "0"))
                fail_msg("'%s'!%s: no disbursement data, rate \"%s\", want 0", s->name, c->ref, c->text);
        }
    }
    xlsx_free(&b);
    free(xlsx);
    tu_rmtree(in);
    tu_rmtree(out);
    free(in);
    free(out);
    strbuf_release(&log);
    strbuf_release(&err);
}

/* ---- 6. rejected rows -------------------------------------------------- */

/*
 * tests/fixtures/run/bad/ke_hoach_2024.csv (header = row 1):
 *   row 2  good  DA1       NSTW_SN     405,53     current year
 *   row 3  bad number "1,234.5" (English convention in a vi file)
 *   row 4  good  DA4.TDA1  NSTW_DTPT   2.471,25
 *   row 5  unknown project DA99
 *   row 6  unknown source NGUON_LA
 *   row 7  missing year
 *   row 8  good  DA2       NSTW_DTPT   1.000,001  capital of 2023: extended
 *   row 9  wrong column count (11 cells, header 12)
 *   row 10 good  DA10.TDA3 NSDP_SN     210,5      province level
 * By hand, in đồng: NSTW_SN 405.530.000; NSTW_DTPT 2.471.250.000 +
 * 1.000.001.000 = 3.471.251.000; NSDP_SN 210.500.000; total 4.087.281.000;
 * extended 1.000.001.000, current 3.087.280.000.
 */
#define BAD_TOTAL 4087281000LL

typedef struct want_reject {
    const char *row, *column, *value, *reason;
} want_reject;

static const want_reject BAD_ROWS[] = {
    {"3", "ke_hoach", "1,234.5", "số không hợp lệ"},
    {"5", "ma_du_an", "DA99", "mã dự án"},
    {"6", "nguon_von", "NGUON_LA", "nguồn vốn"},
    {"7", "nam", "", "thiếu năm"},
    {"9", "", "", "số cột"},
};
#define NBAD ((int)(sizeof BAD_ROWS / sizeof BAD_ROWS[0]))

static void check_rejects_file(const char *dir, const char *input_dir)
{
    char *csv = read_in(dir, REJECTS, NULL);
    if (!csv) fail_msg("%s/%s not written", dir, REJECTS);
    strbuf f[8];
    for (int i = 0; i < 8; i++) f[i] = (strbuf)STRBUF_INIT;
    const char *p = csv, *s;
    size_t n;
    int line = 0, found[NBAD] = {0};
    while (next_line(&p, &s, &n)) {
        if (!n) continue;
        int k = csv_fields(s, n, f, 8);
        if (line++ == 0) {
            assert_int_equal(k, 5);
            assert_string_equal(f[0].buf, "Tệp");
            assert_string_equal(f[1].buf, "Dòng");
            assert_string_equal(f[2].buf, "Cột");
            assert_string_equal(f[4].buf, "Lý do");
            continue;
        }
        if (k != 5) fail_msg("rejects line %d: %d fields", line, k);
        strbuf want_file = STRBUF_INIT;
        strbuf_addf(&want_file, "%s/ke_hoach_2024.csv", input_dir);
        assert_string_equal(f[0].buf, want_file.buf);
        strbuf_release(&want_file);
        int hit = -1;
        for (int i = 0; i < NBAD; i++)
            if (!strcmp(f[1].buf, BAD_ROWS[i].row)) hit = i;
        if (hit < 0) fail_msg("rejects: unexpected row %s (%s: %s)", f[1].buf, f[2].buf, f[4].buf);
        const want_reject *w = &BAD_ROWS[hit];
        if (*w->column ? strncmp(f[2].buf, w->column, strlen(w->column)) || f[2].buf[strlen(w->column)] != ' '
                       : f[2].len != 0)
            fail_msg("rejects row %s: column \"%s\", want \"%s\"", w->row, f[2].buf, w->column);
        if (*w->value && strcmp(f[3].buf, w->value))
            fail_msg("rejects row %s: value \"%s\", want \"%s\"", w->row, f[3].buf, w->value);
        if (!strstr(f[4].buf, w->reason))
            fail_msg("rejects row %s: reason \"%s\", want it to say \"%s\"", w->row, f[4].buf, w->reason);
        found[hit]++;
    }
    for (int i = 0; i < NBAD; i++)
        if (found[i] != 1) fail_msg("rejects: row %s listed %d times", BAD_ROWS[i].row, found[i]);
    for (int i = 0; i < 8; i++) strbuf_release(&f[i]);
    free(csv);
}

/* "<file> (kế hoạch vốn): đọc R dòng = A nhận + S bỏ qua + J loại" */
static int summary_counts(const char *log, const char *file, long v[4])
{
    const char *p = strstr(log, file);
    if (!p) return -1;
    p = strstr(p, "đọc ");
    if (!p) return -1;
    return sscanf(p, "đọc %ld dòng = %ld nhận + %ld bỏ qua + %ld loại", &v[0], &v[1], &v[2], &v[3]) == 4
               ? 0
               : -1;
}

static void test_rejects_report(void **state)
{
    char *out = tu_tmpdir("bad");
    strbuf log = STRBUF_INIT, err = STRBUF_INIT, t = STRBUF_INIT, norm = STRBUF_INIT;
    int rc = tu_runf(&log, SAN_BIN " --config " CONFIG " --input " BAD_DIR " --output '%s' 2>&1", out);
    if (rc != EXIT_DATA) fail_msg("status %d, want %d (rows rejected)\n%s", rc, EXIT_DATA, log.buf);
    assert_true(exists(out, XLSX));
    assert_true(exists(out, PDF));
    assert_no_temps(out);
    check_rejects_file(out, BAD_DIR);

    long v[4];
    if (summary_counts(log.buf, BAD_DIR "/ke_hoach_2024.csv", v) < 0)
        fail_msg("no per-file summary in:\n%s", log.buf);
    assert_int_equal(v[0], 9);
    assert_int_equal(v[1], 4);
    assert_int_equal(v[2], 0);
    assert_int_equal(v[3], NBAD);
    assert_int_equal(v[0], v[1] + v[2] + v[3]);
    const char *tot = strstr(log.buf, "tổng cộng ");
    long r, a, s2, j;
    assert_non_null(tot);
    assert_int_equal(sscanf(tot, "tổng cộng %ld dòng = %ld nhận + %ld bỏ qua", &r, &a, &s2), 3);
    const char *close = strstr(tot, ") + ");
    assert_non_null(close);
    assert_int_equal(sscanf(close, ") + %ld loại", &j), 1);
    assert_int_equal(r, a + s2 + j);
    assert_int_equal(j, NBAD);

    /* The check report beside the PDF says so on its first page. */
    char *pdf = tu_path(out, CHECK_PDF);
    tu_pdf_text(pdf, 1, 1, TU_PDF_LAYOUT, &t);
    normalize(t.buf, &norm);
    strbuf_reset(&t);
    strbuf_addf(&t, "có %d dòng dữ liệu đầu vào bị loại", NBAD);
    if (!strstr(norm.buf, t.buf)) fail_msg("PDF page 1: no \"%s\" in\n%s", t.buf, norm.buf);

    /* Totals are the good rows' alone. */
    char *xlsx = tu_path(out, XLSX);
    xlsx_book b;
    if (xlsx_load(&b, xlsx, &err) < 0) fail_msg("%s: %s", xlsx, err.buf);
    for (int sh = 0; sh < 2; sh++) {
        const xlsx_sheet *s = book_sheet(&b, sh);
        int row = total_row(s);
        check_dong(s, row, "C", BAD_TOTAL, "Tổng số");
        check_dong(s, row, "E", 3471251000LL, "NSTW_DTPT");
        check_dong(s, row, "F", 405530000LL, "NSTW_SN");
        check_dong(s, row, "H", 0, "NSDP_DTPT");
        check_dong(s, row, "I", 210500000LL, "NSDP_SN");
        check_dong(s, row, "J", 0, "LONG_GHEP");
        check_dong(s, row, "K", 0, "DAN_GOP");
        check_dong(s, row, "L", 0, "TIN_DUNG");
    }
    const xlsx_sheet *s3 = book_sheet(&b, 2);
    int row = total_row(s3);
    check_dong(s3, row, "C", BAD_TOTAL, "kế hoạch");
    check_dong(s3, row, "F", 3087280000LL, "vốn năm 2024");
    check_dong(s3, row, "I", 1000001000LL, "vốn kéo dài");
    check_dong(s3, row, "D", 0, "giải ngân");
    xlsx_free(&b);
    free(xlsx);
    free(pdf);
    tu_rmtree(out);
    free(out);
    strbuf_release(&log);
    strbuf_release(&err);
    strbuf_release(&t);
    strbuf_release(&norm);
}

/* The file read whole or in two halves on two threads: same rejects. */
static void test_rejects_same_when_split(void **state)
{
    char *d1 = tu_tmpdir("split1"), *d2 = tu_tmpdir("split2");
    strbuf log = STRBUF_INIT;
    assert_int_equal(run_job(d1, BAD_DIR, 1, 0, &log), EXIT_DATA);
    assert_int_equal(run_job(d2, BAD_DIR, 2, 200, &log), EXIT_DATA);
    check_rejects_file(d2, BAD_DIR);
    assert_same_file(d1, d2, REJECTS);
    assert_same_file(d1, d2, XLSX);
    assert_same_file(d1, d2, PDF);
    tu_rmtree(d1);
    tu_rmtree(d2);
    free(d1);
    free(d2);
    strbuf_release(&log);
}

static void test_rejects_fail_policy(void **state)
{
    char *dir = tu_tmpdir("fail"), *out = tu_tmpdir("fail-out");
    char cwd[4096];
    strbuf tpl = STRBUF_INIT, log = STRBUF_INIT, err = STRBUF_INIT;
    assert_non_null(getcwd(cwd, sizeof cwd));
    strbuf_addf(&tpl, "%s/templates", cwd);
    const char *const kv[][2] = {{"on_reject", "fail"}, {"templates_dir", tpl.buf}};
    char *ini = tu_config_copy(CONFIG, dir, "fail.ini", kv, 2, &err);
    if (!ini) fail_msg("a copy of %s: %s", CONFIG, err.buf);
    int rc = tu_runf(&log, SAN_BIN " --config '%s' --input '%s/" BAD_DIR "' --output '%s' 2>&1",
                     ini, cwd, out);
    if (rc != EXIT_DATA) fail_msg("on_reject = fail: status %d, want %d\n%s", rc, EXIT_DATA, log.buf);
    assert_non_null(strstr(log.buf, "on_reject = fail"));
    if (exists(out, XLSX) || exists(out, PDF)) fail_msg("on_reject = fail wrote a report");
    assert_no_temps(out);
    strbuf in = STRBUF_INIT;
    strbuf_addf(&in, "%s/" BAD_DIR, cwd);
    check_rejects_file(out, in.buf);
    strbuf_release(&in);
    tu_rmtree(dir);
    tu_rmtree(out);
    free(dir);
    free(out);
    free(ini);
    strbuf_release(&tpl);
    strbuf_release(&log);
    strbuf_release(&err);
}

/* A blank line is a row too: rows after it keep their line numbers (what
 * a spreadsheet or an editor shows), and it counts as read and skipped. */
static void test_reject_row_after_blank_line(void **state)
{
    /* A blank line is a row of the spreadsheet: the bad row on line 5
     * is reported as row 5, and the blank line is read and skipped. */
    char *in = tu_tmpdir("blank"), *out = tu_tmpdir("blank-out");
    char *plan = tu_path(in, "ke_hoach_2024.csv");
    strbuf log = STRBUF_INIT;
    assert_int_equal(tu_write_file(plan,
        "nam,nam_von,ma_tinh,ma_huyen,ma_xa,ten_xa,ma_du_an,nguon_von,ke_hoach\n"
        "2024,2024,99,991,99101,Thị trấn Mường Khoa,DA1,NSTW_SN,\"405,53\"\n"
        "2024,2024,99,991,99104,Xã Tà Xùy,DA1,NSTW_SN,100\n"
        "\n"
        "2024,2024,99,991,99104,Xã Tà Xùy,DA99,NSTW_SN,100\n"), 0);
    int rc = tu_runf(&log, SAN_BIN " --config " CONFIG " --input '%s' --output '%s' 2>&1", in, out);
    assert_int_equal(rc, EXIT_DATA);
    char *csv = read_in(out, REJECTS, NULL);
    assert_non_null(csv);
    if (!strstr(csv, "\"5\",\"ma_du_an")) fail_msg("the bad row is line 5; rejects file:\n%s", csv);
    long v[4];
    assert_int_equal(summary_counts(log.buf, "ke_hoach_2024.csv", v), 0);
    assert_int_equal(v[0], 4);
    assert_int_equal(v[2], 1);
    free(csv);
    free(plan);
    tu_rmtree(in);
    tu_rmtree(out);
    free(in);
    free(out);
    strbuf_release(&log);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_workbook_sheets),
        cmocka_unit_test(test_sheet1_plan_by_project),
        cmocka_unit_test(test_sheet2_plan_by_commune),
        cmocka_unit_test(test_sheet3_disbursement_by_project),
        cmocka_unit_test(test_sheet4_disbursement_by_commune),
        cmocka_unit_test(test_table_rate_is_text_rate),
        cmocka_unit_test(test_sheet5_indicators),
        cmocka_unit_test(test_formulas_cached),
        cmocka_unit_test(test_pdf_text),
        cmocka_unit_test(test_pdf_lowest_rates),
        cmocka_unit_test(test_pdf_page_numbers),
        cmocka_unit_test(test_pdf_page1_drawn),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_libreoffice_recalculates),
        cmocka_unit_test(test_partial_inputs),
        cmocka_unit_test(test_partial_inputs_rates_zero),
        cmocka_unit_test(test_partial_inputs_many_cells),
        cmocka_unit_test(test_rejects_report),
        cmocka_unit_test(test_rejects_same_when_split),
        cmocka_unit_test(test_rejects_fail_policy),
        cmocka_unit_test(test_reject_row_after_blank_line),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
