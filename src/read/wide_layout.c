/* Matching a sheet's header rows to a form's column tree; see wide_layout.h. */
#include "wide_layout.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../model/form_def.h"
#include "../util/text.h"
#include "inputs.h"

#define PROBE_ROWS INPUTS_HEADER_SEARCH

struct wide_probe {
    const catalogue *cat;
    int nforms;
    form *forms;
    int nrows;
    int ncells[PROBE_ROWS];
    char **keys[PROBE_ROWS];   /* header keys of each cell */
    char **text[PROBE_ROWS];   /* the cells as written, for messages */
    int report_year;
    int shares;                /* a match of shares only counts (wide_probe_for_shares) */
};

void wide_column_name(strbuf *sb, int col)
{
    char tmp[8];
    int n = 0;
    for (col++; col > 0; col = (col - 1) / 26) tmp[n++] = (char)('A' + (col - 1) % 26);
    while (n) strbuf_addch(sb, tmp[--n]);
}

/* The key a header cell is compared by: letters and digits only, marks
 * dropped, case folded, a year ("2024", or the form's {nam}, {nam_truoc},
 * {nam_truoc_2}) as '#', so "Vốn năm 2024" and "Vốn năm {nam}" are one
 * header; the form's {pham_vi_ty_le} (the groups the headline rate counts,
 * as the writing run named them) as '%', matched by rate_groups_in. */
static char *header_key(const char *s, size_t n)
{
    strbuf k = STRBUF_INIT, out = STRBUF_INIT;
    if (text_ident_key(&k, s, n) < 0) strbuf_add(&k, "?", 1);
    for (size_t i = 0; i < k.len; i++) {
        char c = k.buf[i];
        /* "Giải ngân đến 31/01/2024": the date is the column's, not its name. */
        if (!strncmp(k.buf + i, "den_", 4) && i + 4 < k.len && k.buf[i + 4] >= '0' &&
            k.buf[i + 4] <= '9')
            break;
        const char *close = c == '{' ? memchr(k.buf + i, '}', k.len - i) : NULL;
        size_t pn = close ? (size_t)(close - (k.buf + i)) - 1 : 0;
        const char *ph = k.buf + i + 1;
        if (close && ((pn == 3 && !strncmp(ph, "nam", 3)) || (pn >= 9 && !strncmp(ph, "nam_truoc", 9)))) {
            strbuf_addch(&out, '#');
            i += pn + 1;
        } else if (close && pn == 13 && !strncmp(ph, "pham_vi_ty_le", 13)) {
            strbuf_addch(&out, '%');
            i += pn + 1;
        } else if (c >= '0' && c <= '9') {
            size_t j = i;
            while (j < k.len && k.buf[j] >= '0' && k.buf[j] <= '9') j++;
            if (j - i == 4) strbuf_addch(&out, '#');
            else strbuf_add(&out, k.buf + i, j - i);
            i = j - 1;
        } else if ((c >= 'a' && c <= 'z') || (unsigned char)c >= 0x80) {
            strbuf_addch(&out, c);
        }
    }
    strbuf_release(&k);
    return strbuf_detach(&out, NULL);
}

/* Forms whose cells are money by project or unit: what a wide read fills. */
static int readable(const form *f)
{
    if (f->rows != ROWS_PROJECT && f->rows != ROWS_COMMUNE) return 0;
    for (int i = 0; i < f->ncols; i++)
        if (f->cols[i].measure == M_PLAN || f->cols[i].measure == M_DISBURSED) return 1;
    return 0;
}

static int add_form(wide_probe *p, const char *path, const catalogue *cat, strbuf *err)
{
    p->forms = xrealloc(p->forms, (size_t)(p->nforms + 1) * sizeof *p->forms);
    form *f = &p->forms[p->nforms];
    if (form_load(f, path, cat, err) < 0) {
        form_free(f);
        return -1;
    }
    if (readable(f)) p->nforms++;
    else form_free(f);
    return 0;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int load_dir(wide_probe *p, const config *cfg, const catalogue *cat, const char *sub,
                    strbuf *err)
{
    char *dir = config_template_path(cfg, sub);
    DIR *d = opendir(dir);
    char **names = NULL;
    int n = 0, rc = 0;
    struct dirent *e;
    while (d && (e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 5 || e->d_name[0] == '.' || strcmp(e->d_name + len - 4, ".txt")) continue;
        names = xrealloc(names, (size_t)(n + 1) * sizeof *names);
        names[n++] = xstrdup(e->d_name);
    }
    if (d) closedir(d);
    if (n > 1) qsort(names, (size_t)n, sizeof *names, name_cmp);
    for (int i = 0; i < n; i++) {
        strbuf path = STRBUF_INIT;
        strbuf_addf(&path, "%s/%s", dir, names[i]);
        if (rc == 0) rc = add_form(p, path.buf, cat, err);
        strbuf_release(&path);
        free(names[i]);
    }
    free(names);
    free(dir);
    return rc;
}

wide_probe *wide_probe_new(const config *cfg, const catalogue *cat, const char *layout_file,
                           strbuf *err)
{
    wide_probe *p = xcalloc(1, sizeof *p);
    p->cat = cat;
    p->report_year = cfg->year;
    int rc;
    if (layout_file) {
        char *path = config_template_path(cfg, layout_file);
        rc = add_form(p, path, cat, err);
        if (rc == 0 && p->nforms == 0) {
            strbuf_addf(err, "%s: bố cục cần cột label và ít nhất một cột plan hoặc disbursed",
                        path);
            rc = -1;
        }
        free(path);
    } else {
        /* The forms this program writes, then the layouts of tables others
         * send (templates/layouts), tried in that order. */
        rc = load_dir(p, cfg, cat, "forms", err);
        if (rc == 0) rc = load_dir(p, cfg, cat, "layouts", err);
    }
    if (rc < 0) {
        wide_probe_free(p);
        return NULL;
    }
    return p;
}

static void free_row(wide_probe *p, int i)
{
    for (int c = 0; c < p->ncells[i]; c++) {
        free(p->keys[i][c]);
        free(p->text[i][c]);
    }
    free(p->keys[i]);
    free(p->text[i]);
}

void wide_probe_free(wide_probe *p)
{
    if (!p) return;
    for (int i = 0; i < p->nforms; i++) form_free(&p->forms[i]);
    free(p->forms);
    for (int i = 0; i < p->nrows; i++) free_row(p, i);
    free(p);
}

int wide_probe_unit_sheets(const wide_probe *p, const char **names, int max)
{
    int n = 0;
    for (int i = 0; i < p->nforms && n < max; i++)
        if (p->forms[i].rows == ROWS_COMMUNE) names[n++] = p->forms[i].sheet;
    return n;
}

void wide_probe_for_shares(wide_probe *p)
{
    p->shares = 1;
}

int wide_probe_disbursement_sheets(const wide_probe *p, const char **names, int max)
{
    int n = 0;
    for (int i = 0; i < p->nforms && n < max; i++) {
        const form *f = &p->forms[i];
        int disb = 0;
        for (int c = 0; c < f->ncols; c++) disb |= f->cols[c].measure == M_DISBURSED;
        if (f->rows == ROWS_PROJECT && f->year_offset == 0 && disb) names[n++] = f->sheet;
    }
    return n;
}

void wide_layout_free(wide_layout *lay)
{
    for (int c = 0; c < lay->ncols; c++) free(lay->cols[c].header);
    free(lay->cols);
    free(lay->form_name);
    memset(lay, 0, sizeof *lay);
}

static const char *cell_key(const wide_probe *p, int row, int col)
{
    return row >= 0 && col < p->ncells[row] ? p->keys[row][col] : "";
}

/* The column whose cell in header row `row` heads column c. A reader that
 * does not repeat merged cells (.xls) leaves a group header in its first
 * column only: an empty cell above a sub-header belongs to the group on its
 * left, when that group's column has a sub-header too. */
static const char *head_key(const wide_probe *p, int row, int bottom, int c);

static int head_col(const wide_probe *p, int row, int bottom, int c)
{
    if (*cell_key(p, row, c) || row >= bottom || !*head_key(p, row + 1, bottom, c)) return c;
    for (int l = c - 1; l >= 0 && *head_key(p, row + 1, bottom, l); l--)
        if (*cell_key(p, row, l)) return l;
    return c;
}

static const char *head_key(const wide_probe *p, int row, int bottom, int c)
{
    return cell_key(p, row, head_col(p, row, bottom, c));
}

static const char *head_text(const wide_probe *p, int row, int bottom, int c)
{
    int h = head_col(p, row, bottom, c);
    return h < p->ncells[row] ? p->text[row][h] : "";
}

/* The header path of sheet column c over rows [top, bottom]: its non-empty
 * keys, a cell repeated by a merge counted once, joined by '>'. */
static void column_path(const wide_probe *p, int top, int bottom, int c, strbuf *sb)
{
    const char *last = NULL;
    for (int r = top; r <= bottom; r++) {
        const char *k = head_key(p, r, bottom, c);
        if (!*k || (last && !strcmp(k, last))) continue;
        if (sb->len) strbuf_addch(sb, '>');
        strbuf_adds(sb, k);
        last = k;
    }
}

/* The capital type a header segment names by placeholder ("{loai_sn_hoa}",
 * "{loai_dtpt}": the programme's word for it), or -1. */
static int type_placeholder(const catalogue *cat, const char *seg)
{
    if (!cat || strncmp(seg, "{loai_", 6)) return -1;
    const char *code = seg + 6, *end = strchr(code, '}');
    if (!end || end[1]) return -1;
    size_t n = (size_t)(end - code);
    if (n > 4 && !strncmp(end - 4, "_hoa", 4)) n -= 4;
    for (int t = 0; t < cat->ntypes; t++) {
        const char *tc = cat->types[t].code;
        size_t i = 0;
        while (i < n && tc[i] && (tc[i] | 0x20) == code[i]) i++;
        if (i == n && !tc[i]) return t;
    }
    return -1;
}

/* A form column's header path as keys joined by '>'; a segment naming a
 * capital type by placeholder is "*<t>", matched by type_matches. */
static void form_path(const catalogue *cat, const form_col *fc, strbuf *sb)
{
    for (int d = 0; d < fc->depth; d++) {
        int t = type_placeholder(cat, fc->path[d]);
        if (t >= 0) {
            strbuf_addf(sb, "%s*%d", sb->len ? ">" : "", t);
            continue;
        }
        char *k = header_key(fc->path[d], strlen(fc->path[d]));
        if (*k) {
            if (sb->len) strbuf_addch(sb, '>');
            strbuf_adds(sb, k);
        }
        free(k);
    }
}

/* Whether a sheet's header segment (key, n bytes) names capital type t:
 * the type's label ("Sự nghiệp", as tables said before they took the
 * programme's word), a programme's word ("Vốn sự nghiệp", "Kinh phí chi
 * thường xuyên"), or the run's ("Vốn sự nghiệp/kinh phí chi thường
 * xuyên"). */
static int type_matches(const catalogue *cat, int t, const char *key, size_t n)
{
    strbuf w = STRBUF_INIT;
    int hit = 0;
    for (int g = -2; g < cat->nprogrammes && !hit; g++) {
        strbuf_reset(&w);
        if (g == -2) strbuf_adds(&w, cat->types[t].label);
        else if (g == -1) catalogue_run_type_word(cat, t, &w);
        else strbuf_adds(&w, catalogue_type_word(cat, g, t));
        char *k = header_key(w.buf, w.len);
        hit = strlen(k) == n && !memcmp(k, key, n);
        free(k);
    }
    strbuf_release(&w);
    return hit;
}

/* The source groups a header segment's words name (key, n bytes): group
 * labels as the catalogue spells them, joined by "," or "và" ("ngân sách
 * trung ương và ngân sách địa phương", as {pham_vi_ty_le} wrote them); 0
 * when the words are anything else. */
static uint64_t rate_groups_in(const catalogue *cat, const char *key, size_t n)
{
    uint64_t groups = 0;
    size_t pos = 0;
    while (pos < n) {
        size_t best = 0;
        int bg = -1;
        for (int g = 0; g < cat->ngroups && g < 64; g++) {
            char *k = header_key(cat->groups[g].label, strlen(cat->groups[g].label));
            size_t kn = strlen(k);
            if (kn > best && kn <= n - pos && !memcmp(key + pos, k, kn)) best = kn, bg = g;
            free(k);
        }
        if (bg >= 0) {
            groups |= 1ull << bg;
            pos += best;
        } else if (groups && n - pos > 2 && !memcmp(key + pos, "va", 2)) {
            pos += 2; /* "và" between the last two: a group must follow */
        } else {
            return 0;
        }
    }
    return groups;
}

/* A sheet column's path against a form column's (form_path), segment by
 * segment. A segment with '%' ({pham_vi_ty_le}) takes the sheet's group
 * names there: their bits into *groups. */
static int path_equal(const catalogue *cat, const char *sheet, const char *fpath, uint64_t *groups)
{
    for (;;) {
        const char *se = strchr(sheet, '>'), *fe = strchr(fpath, '>');
        size_t sn = se ? (size_t)(se - sheet) : strlen(sheet), fn = fe ? (size_t)(fe - fpath) : strlen(fpath);
        const char *pct = memchr(fpath, '%', fn);
        if (*fpath == '*') {
            if (!type_matches(cat, atoi(fpath + 1), sheet, sn)) return 0;
        } else if (pct) {
            size_t pre = (size_t)(pct - fpath), post = fn - pre - 1;
            uint64_t g = 0;
            if (sn <= pre + post || memcmp(sheet, fpath, pre) || memcmp(sheet + sn - post, pct + 1, post) ||
                !(g = rate_groups_in(cat, sheet + pre, sn - pre - post)))
                return 0;
            *groups = g;
        } else if (sn != fn || memcmp(sheet, fpath, sn)) {
            return 0;
        }
        if (!se || !fe) return !se && !fe;
        sheet = se + 1;
        fpath = fe + 1;
    }
}

/* The one source a column's filter selects, or -1. */
static int single_source(uint64_t set)
{
    if (!set || (set & (set - 1))) return -1;
    int s = 0;
    while (!(set >> s & 1)) s++;
    return s;
}

/* A year written in a header path ("Vốn năm 2022 kéo dài"), or 0. */
static int year_in(const wide_probe *p, int top, int bottom, int c)
{
    for (int r = top; r <= bottom; r++) {
        const char *t = head_text(p, r, bottom, c);
        for (const char *s = t; *s; s++)
            if ((s == t || s[-1] < '0' || s[-1] > '9') && s[0] == '2' && s[1] == '0' &&
                s[2] >= '0' && s[2] <= '9' && s[3] >= '0' && s[3] <= '9' &&
                (s[4] < '0' || s[4] > '9'))
                return atoi(s);
    }
    return 0;
}

/* A date written in a header path ("Giải ngân đến 31/01/2024"), or 0. */
static int date_in(const wide_probe *p, int top, int bottom, int c)
{
    for (int r = top; r <= bottom; r++) {
        const char *t = head_text(p, r, bottom, c);
        for (const char *s = t; *s; s++) {
            int d, m, y, n = 0;
            if ((s == t || s[-1] < '0' || s[-1] > '9') && sscanf(s, "%2d/%2d/%4d%n", &d, &m, &y, &n) == 3 &&
                n >= 8 && y >= 2000 && m >= 1 && m <= 12 && d >= 1 && d <= 31)
                return y * 10000 + m * 100 + d;
        }
    }
    return 0;
}

/* A column the form does not know but whose header names a source as the
 * catalogue spells it ("NSTW ĐTPT", "Vốn SN NSTW", "Nhân dân đóng góp"):
 * the source, and in *paid whether its words say disbursement. -1: none. */
static int source_of_header(const wide_probe *p, int top, int bottom, int c, unsigned char *paid)
{
    int src = -1;
    strbuf joined = STRBUF_INIT;
    *paid = 0;
    for (int r = top; r <= bottom; r++) {
        const char *t = head_text(p, r, bottom, c);
        const char *k = head_key(p, r, bottom, c);
        if (!*t) continue;
        if (strstr(k, "giaingan") || strstr(k, "thanhtoan")) *paid = 1;
        if (src < 0) src = catalogue_find_source(p->cat, t, strlen(t));
        if (joined.len) strbuf_addch(&joined, ' ');
        strbuf_adds(&joined, t);
    }
    if (src < 0 && joined.len) src = catalogue_find_source(p->cat, joined.buf, joined.len);
    strbuf_release(&joined);
    return src;
}

/* Words that may head a column the reader leaves alone. */
static int ignorable(const char *key)
{
    return !strcmp(key, "ghichu") || !strcmp(key, "donvitinh") || !strcmp(key, "mahieu") ||
           !strcmp(key, "tongcong") || !strcmp(key, "tongso") || !strcmp(key, "cong");
}

/* Try form f on the header rows top..bottom: 1 and lay filled
 * when every non-empty header cell is a column of the form (or a note), the
 * STT and at least one amount are there; else 0, why naming the first cell
 * that fits no column. */
static int try_block(const wide_probe *p, const form *f, int top, int bottom, wide_layout *lay,
                     strbuf *why)
{
    int ncols = 0;
    if (top < 0) return 0;
    for (int r = top; r <= bottom; r++)
        if (p->ncells[r] > ncols) ncols = p->ncells[r];
    int *of_form = xcalloc((size_t)ncols + 1, sizeof(int)); /* form col + 1, 0: none */
    int *sheet_of = xcalloc((size_t)f->ncols + 1, sizeof(int)); /* sheet col + 1 */
    int *by_name = xcalloc((size_t)ncols + 1, sizeof(int)); /* source named by the header */
    unsigned char *paid = xcalloc((size_t)ncols + 1, 1);
    for (int c = 0; c < ncols; c++) by_name[c] = -1;
    strbuf a = STRBUF_INIT, b = STRBUF_INIT;
    int bad = -1, amounts = 0, stt = -1, label = -1;
    /* The groups the sheet says its rate counts ({pham_vi_ty_le}): its
     * scope=rate columns hold their sources, scope=outside the others. */
    uint64_t rate_groups = 0;
    int stated = 0, clash = -1;
    for (int c = 0; c < ncols; c++) {
        strbuf_reset(&a);
        column_path(p, top, bottom, c, &a);
        if (!a.len) continue;
        for (int i = 0; i < f->ncols && !of_form[c]; i++) {
            strbuf_reset(&b);
            form_path(p->cat, &f->cols[i], &b);
            /* A column of "Vốn năm {nam}" may come once per year (extended
             * capital of 2022 and of 2023); any other, once. */
            if (sheet_of[i] && !strchr(b.buf, '#')) continue;
            uint64_t g = 0;
            if (path_equal(p->cat, a.buf, b.buf, &g)) {
                if (g && stated && g != rate_groups && clash < 0) clash = c;
                if (g && !stated) rate_groups = g, stated = 1;
                of_form[c] = i + 1;
                if (!sheet_of[i]) sheet_of[i] = c + 1;
            }
        }
        if (!of_form[c] && strcmp(a.buf, "stt") && !(stt >= 0 && label < 0 && c == stt + 1))
            by_name[c] = source_of_header(p, top, bottom, c, &paid[c]);
        if (by_name[c] >= 0) amounts++;
        if (by_name[c] >= 0) continue;
        if (!of_form[c] && !strcmp(a.buf, "stt")) stt = c;
        else if (of_form[c] && f->cols[of_form[c] - 1].measure == M_STT) stt = c;
        else if (of_form[c] && f->cols[of_form[c] - 1].measure == M_LABEL) label = c;
        else if (!of_form[c] && label < 0 && stt >= 0 && c == stt + 1) label = c; /* any wording */
        else if (!of_form[c] && !ignorable(a.buf) && bad < 0) bad = c;
        if (of_form[c]) {
            form_measure m = f->cols[of_form[c] - 1].measure;
            if (m == M_PLAN || m == M_DISBURSED) amounts++;
        }
    }
    int ok = bad < 0 && stt >= 0 && label >= 0 && amounts > 0, filled = 0;
    /* A form with scope= columns: which sources they hold is the sheet's
     * word, never guessed. */
    if (ok && f->scoped && (!stated || clash >= 0) && !why->len) {
        strbuf_addf(why, "tiêu đề khớp %s (%s) nhưng %s", f->name, f->file,
                    stated ? "các cột nói hai phạm vi tỷ lệ giải ngân khác nhau"
                           : "không nói vốn nào được tính tỷ lệ giải ngân (Tổng số vốn ...)");
    }
    if (f->scoped && (!stated || clash >= 0)) ok = 0;
    uint64_t rate_sources = catalogue_group_sources(p->cat, rate_groups);
    for (int c = 0; c < ncols; c++) filled += *cell_key(p, bottom, c) != 0;
    /* Said for the first row that looks like a header (a few cells). */
    if (!ok && bad >= 0 && (amounts > 0 || filled >= 3) && !why->len) {
        int r = bottom;
        while (r > top && !*cell_key(p, r, bad)) r--;
        const char *t = bad < p->ncells[r] ? p->text[r][bad] : "";
        strbuf_adds(why, "ô ");
        wide_column_name(why, bad);
        strbuf_addf(why, "%d \"%s\" không khớp cột nào của %s (%s)", r + 1, t, f->name, f->file);
    }
    if (ok) {
        memset(lay, 0, sizeof *lay);
        lay->ncols = ncols;
        lay->cols = xcalloc((size_t)ncols, sizeof *lay->cols);
        lay->header_last = bottom;
        lay->form_name = xstrdup(f->name);
        for (int c = 0; c < ncols; c++) {
            wide_col *w = &lay->cols[c];
            strbuf_reset(&a);
            for (int r = top; r <= bottom; r++) {
                const char *t = head_text(p, r, bottom, c);
                if (*t && !(a.len && r > top && !strcmp(t, head_text(p, r - 1, bottom, c)))) {
                    if (a.len) strbuf_adds(&a, " > ");
                    strbuf_adds(&a, t);
                }
            }
            w->header = strbuf_detach(&a, NULL);
            w->source = -1;
            if (c == stt) w->role = WC_STT;
            else if (c == label) w->role = WC_LABEL;
            if (by_name[c] >= 0) {
                w->role = WC_AMOUNT;
                w->source = by_name[c];
                w->disbursed = paid[c];
                w->cap_year = year_in(p, top, bottom, c);
                w->date = date_in(p, top, bottom, c);
                continue;
            }
            if (!of_form[c]) continue;
            const form_col *fc = &f->cols[of_form[c] - 1];
            if (fc->measure == M_PLAN || fc->measure == M_DISBURSED) {
                uint64_t all = p->cat->nsources >= 64 ? ~0ull : (1ull << p->cat->nsources) - 1;
                w->sources = form_col_sources(fc, rate_sources) & all;
                /* An amount of several sources cannot be added to one: it is
                 * read to be checked, and to place a lower level's figures.
                 * Nor can a scope= column's: its sources are the sheet's
                 * scope, not a source the form names. */
                w->source = fc->scope ? -1 : single_source(w->sources);
                w->role = w->source >= 0 ? WC_AMOUNT : WC_SHARE;
                w->capital = fc->capital == CAPITAL_CURRENT ? WCAP_CURRENT
                           : fc->capital == CAPITAL_EXTENDED || fc->capital == CAPITAL_YEAR
                           ? WCAP_EXTENDED : WCAP_ANY;
                w->disbursed = fc->measure == M_DISBURSED;
                w->extended = fc->capital == CAPITAL_EXTENDED;
                w->cap_year = year_in(p, top, bottom, c);
                /* capital=year-N[-or-earlier]: N years before the sheet's
                 * year, unless its header gives the year. */
                if (fc->capital == CAPITAL_YEAR) w->extended = fc->cap_back;
                w->date = date_in(p, top, bottom, c);
            } else if (fc->measure == M_SUM) {
                w->role = WC_SUM;
                for (int k = 0; k < fc->nargs; k++)
                    for (int s2 = 0; s2 < ncols && w->nargs < 16; s2++)
                        if (of_form[s2] == fc->args[k] + 1) w->args[w->nargs++] = s2;
            } else if (fc->measure == M_RATE) {
                w->role = WC_RATE;
            }
        }
    }
    free(of_form);
    free(sheet_of);
    free(by_name);
    free(paid);
    strbuf_release(&a);
    strbuf_release(&b);
    return ok;
}

/* Try form f on header blocks ending at row `bottom`, as deep as its
 * column tree first: a sheet may say in one row what the form says in two
 * (its own words for a source), never the other way round. */
static int try_form(const wide_probe *p, const form *f, int bottom, wide_layout *lay,
                    strbuf *why)
{
    int depth = 1;
    for (int i = 0; i < f->ncols; i++)
        if (f->cols[i].depth > depth) depth = f->cols[i].depth;
    for (int d = depth; d >= 1; d--)
        if (try_block(p, f, bottom - d + 1, bottom, lay, why)) return 1;
    return 0;
}

/* The unit of amounts and the year, from the title rows above the header. */
static void title_facts(const wide_probe *p, int bottom, wide_layout *lay)
{
    lay->scale = -1;
    for (int r = 0; r < bottom; r++)
        for (int c = 0; c < p->ncells[r]; c++) {
            const char *k = p->keys[r][c];
            const char *u = strstr(k, "donvitinh");
            if (u && lay->scale < 0) {
                u += strlen("donvitinh");
                lay->scale = !strncmp(u, "trieudong", 9) ? 6 : !strncmp(u, "nghindong", 9) ||
                             !strncmp(u, "ngandong", 8) ? 3 : !strncmp(u, "tydong", 6) ? 9
                             : !strncmp(u, "dong", 4) ? 0 : -1;
            }
            const char *t = p->text[r][c], *y = strstr(t, "năm 20");
            if (!lay->year && y && y[6] >= '0' && y[6] <= '9' && y[7] >= '0' && y[7] <= '9')
                lay->year = atoi(y + 4);
        }
}

int wide_probe_row(wide_probe *p, const record *r, wide_layout *lay, strbuf *why)
{
    if (p->nrows >= PROBE_ROWS) return 0;
    int i = p->nrows++;
    p->ncells[i] = r->n > 0 ? r->n : 0;
    p->keys[i] = xcalloc((size_t)p->ncells[i] + 1, sizeof(char *));
    p->text[i] = xcalloc((size_t)p->ncells[i] + 1, sizeof(char *));
    for (int c = 0; c < p->ncells[i]; c++) {
        p->text[i][c] = xstrndup(r->cell[c], r->len[c]);
        p->keys[i][c] = header_key(r->cell[c], r->len[c]);
    }
    /* The best form: the one whose match reads the most amount columns. */
    int best = -1, best_n = 0;
    wide_layout cand;
    int said = 0;
    for (int f = 0; f < p->nforms; f++) {
        if (!try_form(p, &p->forms[f], i, &cand, why)) continue;
        int n = 0;
        for (int c = 0; c < cand.ncols; c++)
            n += cand.cols[c].role == WC_AMOUNT || (p->shares && cand.cols[c].role == WC_SHARE);
        if (n > best_n) {
            if (best >= 0) wide_layout_free(lay);
            *lay = cand, best = f, best_n = n;
        } else {
            if (n == 0 && !said++) { /* matched, but nothing to add: say so, not a cell of another form */
                strbuf_reset(why);
                strbuf_addf(why, "tiêu đề đến dòng %d khớp %s (%s) nhưng không cột nào là số tiền của một "
                            "nguồn vốn (chỉ tổng theo năm vốn, loại vốn): không cộng được", i + 1,
                            p->forms[f].name, p->forms[f].file);
            }
            wide_layout_free(&cand);
        }
    }
    if (best < 0) return 0;
    title_facts(p, i, lay);
    strbuf_reset(why);
    return 1;
}
