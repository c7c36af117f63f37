/*
 * Computing the facts. Sums here are taken straight from the cube with the
 * same filters the forms use, so a figure in a sentence and the same figure
 * in a table are the same number.
 */
#include "facts.h"

#include <stdlib.h>
#include <string.h>

#include "../util/date.h"
#include "../util/decimal.h"
#include "../util/linefile.h"
#include "../util/text.h"

typedef struct pair {
    int64_t plan, disb;
} pair;

/* In sentences figures drop trailing zeros ("286,4 triệu đồng"). */
static void set_money(vars *v, const char *name, int64_t dong)
{
    strbuf sb = STRBUF_INIT;
    decimal_format(&sb, dong, 6, 3, DECIMAL_TRIM_ZEROS);
    vars_set(v, name, sb.buf);
    strbuf_release(&sb);
}

static void set_rate(vars *v, const char *name, int64_t num, int64_t den)
{
    strbuf sb = STRBUF_INIT;
    decimal_rate_format(&sb, num, den);
    vars_set(v, name, sb.buf);
    strbuf_release(&sb);
}

/* kh_<scope><year>, gn_<scope><year>, tl_<scope><year> for one scope;
 * year is "" for the report year, "_nt" for the year before. */
static void set_scope(vars *v, const char *scope, const char *year, pair p)
{
    char name[96];
    snprintf(name, sizeof name, "kh_%s%s", scope, year);
    set_money(v, name, p.plan);
    snprintf(name, sizeof name, "gn_%s%s", scope, year);
    set_money(v, name, p.disb);
    snprintf(name, sizeof name, "tl_%s%s", scope, year);
    set_rate(v, name, p.disb, p.plan);
}

static fact_list *new_list(facts *f, const char *name)
{
    if (f->nlists == FACTS_MAX_LISTS) abort(); /* a programming error */
    fact_list *l = &f->lists[f->nlists++];
    memset(l, 0, sizeof *l);
    l->name = xstrdup(name);
    return l;
}

static vars *new_item(fact_list *l)
{
    ALLOC_GROW(l->items, l->n + 1, l->alloc);
    vars *v = &l->items[l->n++];
    vars_init(v);
    return v;
}

static void item_figures(vars *it, pair p)
{
    set_money(it, "kh", p.plan);
    set_money(it, "gn", p.disb);
    set_rate(it, "tl", p.disb, p.plan);
}

/* Lower rate first; a zero plan sorts last; ties by code, then id. The
 * code, not the id, decides: a unit's id depends on the order the rows
 * were read in (one thread or two), its code does not. */
typedef struct ranked {
    int id;
    const char *code;
    pair p;
} ranked;

static int cmp_rate(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (!x->p.plan || !y->p.plan) return (x->p.plan == 0) - (y->p.plan == 0);
    __int128 l = (__int128)x->p.disb * y->p.plan, r = (__int128)y->p.disb * x->p.plan;
    if (l != r) return l < r ? -1 : 1;
    int c = strcmp(x->code ? x->code : "", y->code ? y->code : "");
    return c ? c : x->id - y->id;
}

typedef struct sums {
    pair total, current, extended, *by_type, *by_group, *by_source, *by_top, *by_unit;
    pair rate, rate_current, rate_extended, outside; /* the rate's groups, and the others */
    pair *by_type_cap; /* [type * 2 + (extended ? 1 : 0)] */
} sums;

static void sums_collect(sums *s, const dataset *ds, year_span year, uint64_t rate_groups)
{
    uint64_t rate_sources = facts_rate_sources(ds->cat, rate_groups);
    const catalogue *cat = ds->cat;
    memset(s, 0, sizeof *s);
    s->by_type = xcalloc((size_t)cat->ntypes + 1, sizeof(pair));
    s->by_group = xcalloc((size_t)cat->ngroups + 1, sizeof(pair));
    s->by_source = xcalloc((size_t)cat->nsources + 1, sizeof(pair));
    s->by_top = xcalloc((size_t)cat->nprojects + 1, sizeof(pair));
    s->by_unit = xcalloc((size_t)ds->units.nunits + 1, sizeof(pair));
    s->by_type_cap = xcalloc((size_t)cat->ntypes * 2 + 1, sizeof(pair));
    for (size_t i = 0; i < ds->cube.count; i++) {
        const cube_cell *c = cube_at(&ds->cube, i);
        if (!year_span_has(year, c->key.year)) continue;
        pair d = {c->plan, c->disbursed};
        const cat_source *src = &cat->sources[c->key.source];
        int top = c->key.project;
        while (cat->projects[top].parent >= 0) top = cat->projects[top].parent;
        int ext = c->key.cap_year != c->key.year;
        int in_rate = (rate_sources >> c->key.source) & 1;
        pair *targets[] = {&s->total, ext ? &s->extended : &s->current,
                           in_rate ? &s->rate : &s->outside,
                           in_rate ? (ext ? &s->rate_extended : &s->rate_current) : NULL,
                           src->type >= 0 ? &s->by_type[src->type] : NULL,
                           src->type >= 0 ? &s->by_type_cap[src->type * 2 + ext] : NULL,
                           &s->by_group[src->group], &s->by_source[c->key.source],
                           &s->by_top[top], &s->by_unit[c->key.unit]};
        for (size_t k = 0; k < sizeof targets / sizeof targets[0]; k++)
            if (targets[k]) targets[k]->plan += d.plan, targets[k]->disb += d.disb;
    }
}

static void sums_free(sums *s)
{
    free(s->by_type);
    free(s->by_group);
    free(s->by_source);
    free(s->by_top);
    free(s->by_unit);
    free(s->by_type_cap);
}

static void lower_code(char *out, size_t n, const char *code)
{
    size_t i = 0;
    for (; code[i] && i + 1 < n; i++)
        out[i] = (char)(code[i] >= 'A' && code[i] <= 'Z' ? code[i] + 32 : code[i]);
    out[i] = '\0';
}

/* A part's words for the wording: {so} its own number, {so_du_an} its
 * top-level ancestor's, {ten}, {cap} its level word ("Dự án", "Nội dung
 * thành phần"), {cap_goc} the top level's, {chuong_trinh} its programme's
 * short name. */
static void part_words(vars *it, const catalogue *cat, int p)
{
    const cat_project *cp = &cat->projects[p];
    const cat_programme *g = &cat->programmes[cp->programme];
    vars_setf(it, "so", "%d", cp->own);
    vars_setf(it, "so_du_an", "%d", cp->number);
    vars_set(it, "ten", cp->name);
    vars_set(it, "cap", g->levels[cp->depth]);
    vars_set(it, "cap_goc", g->levels[0]);
    vars_set(it, "chuong_trinh", g->short_name);
}

static void lower_first(strbuf *sb, const char *s);

static void scalar_figures(vars *v, const sums *s, const catalogue *cat, const char *year)
{
    set_scope(v, "tong", year, s->total);
    set_scope(v, "nam", year, s->current);
    set_scope(v, "keo_dai", year, s->extended);
    set_scope(v, "nsnn", year, s->rate);
    set_scope(v, "nsnn_nam", year, s->rate_current);
    set_scope(v, "nsnn_keo_dai", year, s->rate_extended);
    set_scope(v, "ngoai_nsnn", year, s->outside);
    char code[48], scope[64];
    for (int t = 0; t < cat->ntypes; t++) {
        lower_code(code, sizeof code, cat->types[t].code);
        set_scope(v, code, year, s->by_type[t]);
        /* {loai_sn}: the programmes' words for the type ("vốn sự nghiệp",
         * "kinh phí chi thường xuyên", both with a "/" when they differ). */
        strbuf w = STRBUF_INIT;
        catalogue_run_type_word(cat, t, &w);
        snprintf(scope, sizeof scope, "loai_%s", code);
        vars_set(v, scope, w.buf);
        if (w.buf[0] >= 'a' && w.buf[0] <= 'z') w.buf[0] = (char)(w.buf[0] - 'a' + 'A');
        snprintf(scope, sizeof scope, "loai_%s_hoa", code);
        vars_set(v, scope, w.buf);
        strbuf_release(&w);
        snprintf(scope, sizeof scope, "%s_nam", code);
        set_scope(v, scope, year, s->by_type_cap[t * 2]);
        snprintf(scope, sizeof scope, "%s_keo_dai", code);
        set_scope(v, scope, year, s->by_type_cap[t * 2 + 1]);
    }
    for (int g = 0; g < cat->ngroups; g++) {
        lower_code(code, sizeof code, cat->groups[g].code);
        set_scope(v, code, year, s->by_group[g]);
    }
}

/* chuong_trinh: each programme's plan and disbursement (its subtotal)
 * when the run has more than one (empty otherwise: a one-programme report
 * has no such lines), and {nhieu_chuong_trinh} "1" then. */
static void programme_list(facts *f, const sums *s, const catalogue *cat)
{
    fact_list *l = new_list(f, "chuong_trinh");
    for (int g = 0; cat->nprogrammes > 1 && g < cat->nprogrammes; g++) {
        pair sum = {0, 0};
        for (int p = 0; p < cat->nprojects; p++)
            if (cat->projects[p].parent < 0 && cat->projects[p].programme == g)
                sum.plan += s->by_top[p].plan, sum.disb += s->by_top[p].disb;
        vars *it = new_item(l);
        vars_set(it, "ten", cat->programmes[g].name);
        vars_set(it, "chuong_trinh", cat->programmes[g].short_name);
        item_figures(it, sum);
    }
    vars_set(&f->scalars, "nhieu_chuong_trinh", cat->nprogrammes > 1 ? "1" : "");
}

static void project_lists(facts *f, const sums *s, const catalogue *cat, int behind)
{
    fact_list *all = new_list(f, "du_an"), *slow = new_list(f, "du_an_cham");
    ranked *r = xcalloc((size_t)cat->nprojects + 1, sizeof(ranked));
    int n = 0;
    for (int p = 0; p < cat->nprojects; p++) {
        if (cat->projects[p].parent >= 0 || !s->by_top[p].plan) continue;
        vars *it = new_item(all);
        part_words(it, cat, p);
        item_figures(it, s->by_top[p]);
        r[n++] = (ranked){p, cat->projects[p].code, s->by_top[p]};
    }
    qsort(r, (size_t)n, sizeof *r, cmp_rate);
    for (int i = 0; i < n && i < behind; i++) {
        vars *it = new_item(slow);
        part_words(it, cat, r[i].id);
        item_figures(it, r[i].p);
    }
    free(r);
}

static void source_list(facts *f, const char *name, const sums *s, const catalogue *cat)
{
    fact_list *l = new_list(f, name);
    for (int i = 0; i < cat->nsources; i++) {
        if (!s->by_source[i].plan && !s->by_source[i].disb) continue;
        vars *it = new_item(l);
        vars_set(it, "ten", cat->sources[i].name);
        item_figures(it, s->by_source[i]);
    }
}

static void commune_list(facts *f, const sums *s, const dataset *ds, int behind, vars *v)
{
    fact_list *l = new_list(f, "xa_cham");
    const units *u = &ds->units;
    ranked *r = xcalloc((size_t)u->nunits + 1, sizeof(ranked));
    int n = 0, communes = 0;
    for (int i = 0; i < u->nunits; i++) {
        if (u->units[i].kind != UNIT_COMMUNE || !s->by_unit[i].plan) continue;
        communes++;
        r[n++] = (ranked){i, u->units[i].code && *u->units[i].code ? u->units[i].code
                                                                   : units_name(u, i), s->by_unit[i]};
    }
    qsort(r, (size_t)n, sizeof *r, cmp_rate);
    for (int i = 0; i < n && i < behind; i++) {
        vars *it = new_item(l);
        const unit_entry *e = &u->units[r[i].id];
        vars_set(it, "ten", units_name(u, r[i].id));
        const char *dist = e->district >= 0 && u->districts[e->district].name
                               ? u->districts[e->district].name : "";
        vars_set(it, "huyen", dist);
        /* {ten_day_du}: "Xã A (Huyện B)" where the data gives a district,
         * else just "Xã A": no empty "()" in a two-level report. */
        if (*dist) vars_setf(it, "ten_day_du", "%s (%s)", units_name(u, r[i].id), dist);
        else vars_set(it, "ten_day_du", units_name(u, r[i].id));
        item_figures(it, r[i].p);
    }
    vars_setf(v, "so_xa", "%d", communes);
    vars_setf(v, "so_huyen", "%d", u->ndistricts);
    /* Data after 1/7/2025 has no districts: the wording says so ("@if
     * khong_huyen: ..."), it never counts "0 huyện". */
    vars_set(v, "khong_huyen", u->ndistricts ? "" : "1");
    free(r);
}

static void indicator_list(facts *f, const dataset *ds, year_span year)
{
    fact_list *l = new_list(f, "chi_tieu");
    const indicators *in = &ds->ind;
    /* One line per (indicator, unit) over all projects and communes. */
    int64_t *target = xcalloc((size_t)(in->nnames * in->nuoms) + 1, sizeof(int64_t));
    int64_t *done = xcalloc((size_t)(in->nnames * in->nuoms) + 1, sizeof(int64_t));
    char *seen = xcalloc((size_t)(in->nnames * in->nuoms) + 1, 1);
    for (int i = 0; i < in->ncells; i++) {
        const ind_cell *c = &in->cells[i];
        if (!year_span_has(year, c->year)) continue;
        size_t k = (size_t)c->name * (size_t)in->nuoms + (size_t)c->uom;
        target[k] += c->target;
        done[k] += c->achieved;
        seen[k] = 1;
    }
    strbuf sb = STRBUF_INIT;
    for (int nm = 0; nm < in->nnames; nm++)
        for (int um = 0; um < in->nuoms; um++) {
            size_t k = (size_t)nm * (size_t)in->nuoms + (size_t)um;
            if (!seen[k]) continue;
            vars *it = new_item(l);
            vars_set(it, "ten", in->names[nm]);
            vars_set(it, "dvt", in->uoms[um]);
            strbuf_reset(&sb);
            decimal_format(&sb, target[k], 3, 3, DECIMAL_TRIM_ZEROS);
            vars_set(it, "kh", sb.buf);
            strbuf_reset(&sb);
            decimal_format(&sb, done[k], 3, 3, DECIMAL_TRIM_ZEROS);
            vars_set(it, "th", sb.buf);
            set_rate(it, "tl", done[k], target[k]);
        }
    strbuf_release(&sb);
    vars_setf(&f->scalars, "so_chi_tieu", "%d", l->n);
    free(target);
    free(done);
    free(seen);
}

/* Blanks the văn thư fills in by hand when a draft is issued. */
#define BLANK_NUMBER "      "
#define BLANK_DAY "     "

/* {so_hieu} "03/KH-BDT", {ngay_van_ban} "ngày 10 tháng 02 năm 2025" (the
 * date of issue, leading zeros as Nghị định 30 §II.4.b wants) and
 * {ngay_van_ban_ngan} "10/2/2025"; a draft leaves number, day and month
 * blank and keeps the year. */
static void issue_number_date(vars *v, const config *cfg)
{
    const config_unit *u = &cfg->unit;
    int doc_date = u->doc_date ? u->doc_date : cfg->as_of;
    strbuf sb = STRBUF_INIT;
    const char *num = u->doc_number ? u->doc_number : "";
    const char *sym = u->doc_symbol ? u->doc_symbol : "";
    if (u->draft) strbuf_addf(&sb, BLANK_NUMBER "%s%s", *sym ? "/" : "", sym);
    else strbuf_addf(&sb, "%s%s%s%s", strlen(num) == 1 ? "0" : "", num, *sym ? "/" : "", sym);
    vars_set(v, "so_hieu", sb.buf);
    strbuf_reset(&sb);
    if (u->draft) strbuf_addf(&sb, "ngày" BLANK_DAY "tháng" BLANK_DAY "năm %d", DATE_Y(doc_date));
    else date_header(&sb, doc_date);
    vars_set(v, "ngay_van_ban", sb.buf);
    strbuf_reset(&sb);
    if (u->draft) strbuf_addf(&sb, BLANK_DAY "/" BLANK_DAY "/%d", DATE_Y(doc_date));
    else date_short(&sb, doc_date);
    vars_set(v, "ngay_van_ban_ngan", sb.buf);
    strbuf_release(&sb);
}

static void scalar_context(vars *v, const dataset *ds, const config *cfg,
                           const char *rejects_name)
{
    const config_unit *u = &cfg->unit;
    strbuf sb = STRBUF_INIT;
    vars_setf(v, "nam", "%d", cfg->year);
    vars_setf(v, "nam_truoc", "%d", cfg->year - 1);
    vars_setf(v, "nam_truoc_2", "%d", cfg->year - 2);
    vars_setf(v, "nam_truoc_3", "%d", cfg->year - 3);
    vars_set(v, "ky_bao_cao", cfg->period_label ? cfg->period_label : "");
    date_prose(&sb, cfg->as_of);
    vars_set(v, "ngay_so_lieu", sb.buf);
    strbuf_reset(&sb);
    date_short(&sb, cfg->as_of);
    vars_set(v, "ngay_so_lieu_ngan", sb.buf);
    issue_number_date(v, cfg);
    vars_set(v, "tinh", u->province_name ? u->province_name : "");
    /* The programmes of the run: names and the decisions approving them. */
    const catalogue *cat = ds->cat;
    strbuf names = STRBUF_INIT, basis = STRBUF_INIT, rules = STRBUF_INIT;
    for (int g = 0; g < cat->nprogrammes; g++) {
        const cat_programme *pg = &cat->programmes[g];
        if (g) strbuf_adds(&names, g + 1 == cat->nprogrammes ? " và " : ", ");
        strbuf_adds(&names, pg->name);
        if (pg->basis) strbuf_addf(&basis, "%s%s", basis.len ? "; " : "", pg->basis);
        if (pg->rules && !strstr(rules.buf, pg->rules))
            strbuf_addf(&rules, "%s%s", rules.len ? "; " : "", pg->rules);
    }
    vars_set(v, "co_che_chuong_trinh", rules.buf);
    vars_set(v, "ten_chuong_trinh", names.buf);
    /* The level words of the run's programmes, for headers and sentences:
     * {cac_cap} "Dự án, tiểu dự án" ("; " between programmes),
     * {cac_cap_goc} the top levels in lower case "dự án" ("dự án, nội dung"),
     * {cac_cap_goc_hoa} the same capitalised. */
    strbuf all = STRBUF_INIT, tops = STRBUF_INIT, low = STRBUF_INIT;
    for (int g = 0; g < cat->nprogrammes; g++) {
        const cat_programme *pg = &cat->programmes[g];
        if (all.len) strbuf_adds(&all, "; ");
        for (int l = 0; l < pg->nlevels; l++) {
            strbuf_reset(&low);
            lower_first(&low, pg->levels[l]);
            if (l) strbuf_adds(&all, ", ");
            strbuf_adds(&all, all.len && (l || g) ? low.buf : pg->levels[l]);
            if (!l && !strstr(tops.buf, low.buf)) strbuf_addf(&tops, "%s%s", tops.len ? ", " : "", low.buf);
        }
    }
    vars_set(v, "cac_cap", all.buf);
    strbuf_reset(&low);
    lower_first(&low, all.buf);
    vars_set(v, "cac_cap_thuong", low.buf);
    vars_set(v, "cac_cap_goc", tops.buf);
    if (tops.buf[0] >= 'a' && tops.buf[0] <= 'z') tops.buf[0] = (char)(tops.buf[0] - 'a' + 'A');
    vars_set(v, "cac_cap_goc_hoa", tops.buf);
    strbuf_release(&all);
    strbuf_release(&tops);
    strbuf_release(&low);
    vars_set(v, "can_cu_chuong_trinh", basis.buf);
    strbuf_release(&names);
    strbuf_release(&basis);
    strbuf_release(&rules);
    vars_set(v, "co_quan", u->agency ? u->agency : "");
    vars_set(v, "co_quan_cap_tren", u->parent_agency ? u->parent_agency : "");
    strbuf_reset(&sb);
    decimal_format(&sb, cfg->tolerance, 6, 3, DECIMAL_TRIM_ZEROS);
    vars_set(v, "dung_sai", sb.buf);
    long read = 0, accepted = 0, skipped = 0;
    for (int i = 0; i < ds->nfiles; i++) {
        read += ds->files[i].read;
        accepted += ds->files[i].accepted;
        skipped += ds->files[i].skipped;
    }
    vars_setf(v, "so_tep", "%d", ds->nfiles);
    vars_setf(v, "so_dong_doc", "%ld", read);
    vars_setf(v, "so_dong_nhan", "%ld", accepted);
    vars_setf(v, "so_dong_bo_qua", "%ld", skipped);
    vars_setf(v, "so_dong_loai", "%ld", ds->rejected_total);
    vars_setf(v, "so_dong_trung", "%ld", ds->duplicates_total);
    vars_set(v, "tep_loai", rejects_name ? rejects_name : "");
    strbuf_release(&sb);
}

/* ---- The plan document's capital structure, project by project ---- */

typedef struct plan_sums {
    int64_t *own;    /* [project * nsources + source]: rows coded on it */
    int64_t *total;  /* [project]: with its sub-projects */
} plan_sums;

static void plan_sums_collect(plan_sums *ps, const dataset *ds, year_span year)
{
    const catalogue *cat = ds->cat;
    ps->own = xcalloc((size_t)(cat->nprojects * cat->nsources) + 1, sizeof(int64_t));
    ps->total = xcalloc((size_t)cat->nprojects + 1, sizeof(int64_t));
    for (size_t i = 0; i < ds->cube.count; i++) {
        const cube_cell *c = cube_at(&ds->cube, i);
        if (!year_span_has(year, c->key.year)) continue;
        ps->own[c->key.project * cat->nsources + c->key.source] += c->plan;
        for (int p = c->key.project; p >= 0; p = cat->projects[p].parent) ps->total[p] += c->plan;
    }
}

/* The first letter of s in lower case: group and type labels start with a
 * capital ("Ngân sách trung ương", "Đầu tư phát triển") and go inside a
 * sentence. ASCII, Latin-1 (À-Ý), Ă Đ Ĩ Ũ Ơ Ư and the Vietnamese
 * letters of Latin Extended Additional (Ạ-Ỹ: lower is upper + 1). */
static void lower_first(strbuf *sb, const char *s)
{
    size_t start = sb->len;
    strbuf_adds(sb, s);
    unsigned char *u = (unsigned char *)sb->buf + start;
    size_t n = sb->len - start;
    if (n >= 1 && u[0] >= 'A' && u[0] <= 'Z') u[0] = (unsigned char)(u[0] + 32);
    else if (n >= 2 && u[0] == 0xC3 && u[1] >= 0x80 && u[1] <= 0x9D && u[1] != 0x97) u[1] += 0x20;
    else if (n >= 2 && u[0] == 0xC4 && !(u[1] & 1)) u[1] += 1; /* Ă Đ Ĩ */
    else if (n >= 2 && u[0] == 0xC5 && (u[1] == 0xA8)) u[1] += 1; /* Ũ */
    else if (n >= 2 && u[0] == 0xC6 && u[1] == 0xA0) u[1] += 1;   /* Ơ */
    else if (n >= 2 && u[0] == 0xC6 && u[1] == 0xAF) u[1] += 1;   /* Ư */
    else if (n >= 3 && u[0] == 0xE1 && (u[1] == 0xBA || u[1] == 0xBB) && !(u[2] & 1)) u[2] += 1;
}

static vars *structure_item(fact_list *l, const char *kind, int64_t amount)
{
    vars *it = new_item(l);
    vars_set(it, "loai", kind);
    set_money(it, "kh", amount);
    return it;
}

/* {loai_von}: the programme's word for capital type t ("vốn sự nghiệp",
 * "kinh phí chi thường xuyên"), or the run's (every programme's) when
 * programme < 0; {loai_von_hoa}: the same with a capital. */
static void type_words(vars *it, const catalogue *cat, int programme, int t)
{
    strbuf w = STRBUF_INIT;
    if (programme >= 0) strbuf_adds(&w, catalogue_type_word(cat, programme, t));
    else catalogue_run_type_word(cat, t, &w);
    vars_set(it, "loai_von", w.buf);
    if (w.buf[0] >= 'a' && w.buf[0] <= 'z') w.buf[0] = (char)(w.buf[0] - 'a' + 'A');
    vars_set(it, "loai_von_hoa", w.buf);
    strbuf_release(&w);
}

/* The capital type a source is listed under: its own, or the type whose
 * third catalogue column names it ("DTPT | ... | LONG_GHEP, DAN_GOP": offices
 * list mobilised funds under investment capital); -1 for none. */
static int display_type(const catalogue *cat, int s)
{
    if (cat->sources[s].type >= 0) return cat->sources[s].type;
    const char *code = cat->sources[s].code;
    size_t n = strlen(code);
    for (int t = 0; t < cat->ntypes; t++)
        for (const char *p = cat->types[t].extra; p && (p = strstr(p, code)); p += n)
            if ((p == cat->types[t].extra || strchr(", ", p[-1])) && strchr(", ", p[n] ? p[n] : ' '))
                return t;
    return -1;
}

/* Amounts by source as offices list them: for each capital type a head
 * ("<type>_dau": ten, ten_thuong, kh) and a line per source group under it
 * ("<type>": nhom, nhom_thuong, kh), then each source under no type
 * ("khac": nguon, kh). Zero lines are left out. */
/* The amounts of the sources shown under type t, of group g (-1: any). */
static int64_t type_amount(const catalogue *cat, const int64_t *by_source, int t, int g)
{
    int64_t sum = 0;
    for (int s = 0; s < cat->nsources; s++)
        if (display_type(cat, s) == t && (g < 0 || cat->sources[s].group == g)) sum += by_source[s];
    return sum;
}

static void type_structure(fact_list *l, const catalogue *cat, const int64_t *by_source, int programme)
{
    strbuf lb = STRBUF_INIT;
    for (int t = 0; t < cat->ntypes; t++) {
        int64_t type_sum = type_amount(cat, by_source, t, -1);
        if (!type_sum) continue;
        char kind[48], head[64];
        lower_code(kind, sizeof kind, cat->types[t].code);
        snprintf(head, sizeof head, "%s_dau", kind);
        vars *h = structure_item(l, head, type_sum);
        type_words(h, cat, programme, t);
        vars_set(h, "ten", cat->types[t].label);
        strbuf_reset(&lb);
        lower_first(&lb, cat->types[t].label);
        vars_set(h, "ten_thuong", lb.buf);
        for (int g = 0; g < cat->ngroups; g++) {
            int64_t amount = type_amount(cat, by_source, t, g);
            if (!amount) continue;
            vars *it = structure_item(l, kind, amount);
            type_words(it, cat, programme, t);
            vars_set(it, "nhom", cat->groups[g].label);
            strbuf_reset(&lb);
            lower_first(&lb, cat->groups[g].label);
            vars_set(it, "nhom_thuong", lb.buf);
        }
    }
    for (int s = 0; s < cat->nsources; s++)
        if (display_type(cat, s) < 0 && by_source[s])
            vars_set(structure_item(l, "khac", by_source[s]), "nguon", cat->sources[s].name);
    strbuf_release(&lb);
}

/* @items keo_dai (and _nt): extended capital of the rate's groups (the
 * state budget), a head per capital year ("nam": nam_von, kh, gn, tl),
 * oldest first, then a line per capital type ("<type>": ten, ten_thuong,
 * kh, gn, tl) and "khac" for sources under no type (nguon ...). */
static void extended_list(facts *f, const char *name, const dataset *ds, year_span year,
                          uint64_t rate_groups)
{
    const catalogue *cat = ds->cat;
    fact_list *l = new_list(f, name);
    int lo = 0, hi = 0;
    for (size_t i = 0; i < ds->cube.count; i++) {
        const cube_cell *c = cube_at(&ds->cube, i);
        if (!year_span_has(year, c->key.year) || c->key.cap_year >= c->key.year) continue;
        if (!lo || c->key.cap_year < lo) lo = c->key.cap_year;
        if (c->key.cap_year > hi) hi = c->key.cap_year;
    }
    if (!lo) return;
    int ny = hi - lo + 1, nk = cat->nsources + 1;
    pair *by = xcalloc((size_t)(ny * nk) + 1, sizeof(pair)); /* [cap year][source] */
    for (size_t i = 0; i < ds->cube.count; i++) {
        const cube_cell *c = cube_at(&ds->cube, i);
        if (!year_span_has(year, c->key.year) || c->key.cap_year >= c->key.year) continue;
        if (!((rate_groups >> cat->sources[c->key.source].group) & 1)) continue;
        pair *p = &by[(c->key.cap_year - lo) * nk + c->key.source];
        p->plan += c->plan;
        p->disb += c->disbursed;
    }
    strbuf lb = STRBUF_INIT;
    char kind[48];
    for (int y = 0; y < ny; y++) {
        pair *row = &by[y * nk], all = {0, 0};
        for (int s = 0; s < cat->nsources; s++) all.plan += row[s].plan, all.disb += row[s].disb;
        if (!all.plan && !all.disb) continue;
        vars *h = new_item(l);
        vars_set(h, "loai", "nam");
        vars_setf(h, "nam_von", "%d", lo + y);
        item_figures(h, all);
        for (int t = -1; t < cat->ntypes; t++) {
            pair sum = {0, 0};
            for (int s = 0; s < cat->nsources; s++)
                if (cat->sources[s].type == t) sum.plan += row[s].plan, sum.disb += row[s].disb;
            if (t < 0) { /* each source under no type on its own line */
                for (int s = 0; s < cat->nsources; s++) {
                    if (cat->sources[s].type >= 0 || (!row[s].plan && !row[s].disb)) continue;
                    vars *it = new_item(l);
                    vars_set(it, "loai", "khac");
                    vars_set(it, "nguon", cat->sources[s].name);
                    vars_setf(it, "nam_von", "%d", lo + y);
                    item_figures(it, row[s]);
                }
                continue;
            }
            if (!sum.plan && !sum.disb) continue;
            vars *it = new_item(l);
            lower_code(kind, sizeof kind, cat->types[t].code);
            vars_set(it, "loai", kind);
            vars_set(it, "ten", cat->types[t].label);
            strbuf_reset(&lb);
            lower_first(&lb, cat->types[t].label);
            vars_set(it, "ten_thuong", lb.buf);
            vars_setf(it, "nam_von", "%d", lo + y);
            item_figures(it, sum);
        }
    }
    strbuf_release(&lb);
    free(by);
}

/* @items nguon_theo_loai (and _nt): the plan of the year by capital type
 * and source group. */
static void typed_source_list(facts *f, const char *name, const sums *s, const catalogue *cat)
{
    fact_list *l = new_list(f, name);
    int64_t *plan = xcalloc((size_t)cat->nsources + 1, sizeof(int64_t));
    for (int i = 0; i < cat->nsources; i++) plan[i] = s->by_source[i].plan;
    type_structure(l, cat, plan, -1); /* the run as a whole: every programme's words */
    free(plan);
}

/* "a) Nội dung" and "b) Vốn và cơ cấu nguồn vốn" of one project or sub-project. */
static void capital_items(fact_list *l, const dataset *ds, const plan_sums *ps, int p,
                          year_span year)
{
    const catalogue *cat = ds->cat;
    const int64_t *own = &ps->own[p * cat->nsources];
    int64_t sum = 0;
    for (int s = 0; s < cat->nsources; s++) sum += own[s];
    int first = 1;
    /* A text several communes wrote is one item. */
    unsigned char *said = xcalloc((size_t)ds->items.ntexts + 1, 1);
    for (int i = 0; i < ds->items.n; i++) {
        const content_item *ci = &ds->items.items[i];
        if (ci->project != p || !year_span_has(year, ci->year) || said[ci->text]) continue;
        said[ci->text] = 1;
        if (first) structure_item(l, "noi_dung_dau", sum), first = 0;
        vars_set(structure_item(l, "noi_dung", sum), "noi_dung", contents_text(&ds->items, ci));
    }
    free(said);
    structure_item(l, "von_dau", sum);
    type_structure(l, cat, own, cat->projects[p].programme);
}

static void project_heading(fact_list *l, const catalogue *cat, int p, const char *stt,
                            int64_t amount)
{
    const cat_project *cp = &cat->projects[p];
    vars *it = structure_item(l, cp->depth ? "tieu_du_an" : "du_an", amount);
    vars_set(it, "stt", stt);
    part_words(it, cat, p);
}

/* A part, its own capital, then its children with capital (any depth). */
static void capital_part(fact_list *l, const dataset *ds, const plan_sums *ps, int p,
                         const char *num, year_span year)
{
    const catalogue *cat = ds->cat;
    const cat_project *cp = &cat->projects[p];
    project_heading(l, cat, p, num, ps->total[p]);
    int64_t direct = ps->total[p];
    for (int c = p + 1; c < cat->nprojects && catalogue_is_under(cat, p, c); c++)
        if (cat->projects[c].parent == p) direct -= ps->total[c];
    if (!cp->nchildren || direct) capital_items(l, ds, ps, p, year);
    int k = 0;
    char sub[64];
    for (int c = p + 1; c < cat->nprojects && catalogue_is_under(cat, p, c); c++) {
        if (cat->projects[c].parent != p || !ps->total[c]) continue;
        snprintf(sub, sizeof sub, "%s.%d", num, ++k);
        capital_part(l, ds, ps, c, sub, year);
    }
}

/* Projects without capital are left out; item numbers stay consecutive.
 * With several programmes, each opens with its own heading and total. */
static void capital_structure(facts *f, const dataset *ds, year_span year)
{
    const catalogue *cat = ds->cat;
    fact_list *l = new_list(f, "von_du_an");
    plan_sums ps;
    plan_sums_collect(&ps, ds, year);
    int stt = 0, programme = -1;
    for (int p = 0; p < cat->nprojects; p++) {
        const cat_project *cp = &cat->projects[p];
        if (cp->parent >= 0 || !ps.total[p]) continue;
        if (cat->nprogrammes > 1 && cp->programme != programme) {
            programme = cp->programme;
            int64_t sum = 0;
            for (int q = 0; q < cat->nprojects; q++)
                if (cat->projects[q].parent < 0 && cat->projects[q].programme == programme) sum += ps.total[q];
            vars *it = structure_item(l, "chuong_trinh", sum);
            vars_set(it, "ten", cat->programmes[programme].name);
            vars_set(it, "chuong_trinh", cat->programmes[programme].short_name);
            stt = 0;
        }
        char num[32];
        snprintf(num, sizeof num, "%d", ++stt);
        capital_part(l, ds, &ps, p, num, year);
    }
    free(ps.own);
    free(ps.total);
}

/* ---- Assigned totals against the allocation rows ---- */

static void scope_words(strbuf *out, const vars *words, const catalogue *cat, int project)
{
    const char *key = project < 0 ? "scope_all"
                    : cat->projects[project].depth ? "scope_subproject" : "scope_project";
    const char *tmpl = words ? vars_get(words, key) : NULL;
    strbuf_reset(out);
    if (!tmpl) {
        if (project >= 0) strbuf_adds(out, cat->projects[project].code);
        return;
    }
    vars v;
    vars_init(&v);
    if (project >= 0) part_words(&v, cat, project);
    strbuf err = STRBUF_INIT;
    if (vars_expand(&v, tmpl, out, &err) < 0) strbuf_adds(out, tmpl);
    strbuf_release(&err);
    vars_free(&v);
}

static void control_lists(facts *f, const dataset *ds, year_span year, const vars *words)
{
    fact_list *off = new_list(f, "chenh_lech"), *round = new_list(f, "lam_tron");
    strbuf sb = STRBUF_INIT;
    int lines = 0;
    for (int i = 0; i < ds->checks.n; i++) {
        const control_line *l = &ds->checks.lines[i];
        if (!year_span_has(year, l->year)) continue;
        lines++;
        control_state state = control_line_state(l, ds->checks.tolerance);
        if (state == CONTROL_MATCH) continue;
        vars *it = new_item(state == CONTROL_ROUNDING ? round : off);
        scope_words(&sb, words, ds->cat, l->project);
        vars_set(it, "pham_vi", sb.buf);
        vars_set(it, "nguon", ds->cat->sources[l->source].name);
        vars_setf(it, "nam_von", "%d", l->cap_year);
        set_money(it, "giao", l->assigned);
        set_money(it, "phan_bo", l->allocated);
        set_money(it, "chenh", l->allocated - l->assigned);
    }
    vars_setf(&f->scalars, "so_chenh_lech", "%d", off->n);
    vars_setf(&f->scalars, "so_lam_tron", "%d", round->n);
    vars_setf(&f->scalars, "so_dong_giao", "%d", lines);
    strbuf_release(&sb);
}

/* [lead] in reports.ini: which agency leads which project. */
static void lead_list(facts *f, const dataset *ds, const config *cfg)
{
    fact_list *l = new_list(f, "chu_tri");
    const catalogue *cat = ds->cat;
    for (int p = 0; p < cat->nprojects; p++)
        for (int i = 0; i < cfg->nleads; i++) {
            const char *code = cfg->leads[i].field;
            if (catalogue_find_project(cat, code, strlen(code)) != p) continue;
            vars *it = new_item(l);
            part_words(it, cat, p);
            vars_set(it, "co_quan", cfg->leads[i].header);
        }
}

/*
 * Where the report is about, in words: {toan_dia_ban} ("toàn tỉnh", "toàn xã":
 * [document] toan_dia_ban_tinh / _huyen / _xa of the wording, by
 * the level of the report: a split per commune or district is that unit's
 * own report) and {dia_ban} (the unit's name as the data gives it, "xã
 * Mường Khoa"; for the province [document] dia_ban_tinh, "tỉnh {tinh}").
 */
static void place_words(vars *v, const dataset *ds, const config *cfg, const vars *words)
{
    const char *level = cfg->split == SPLIT_COMMUNE ? "xa" : cfg->split == SPLIT_DISTRICT ? "huyen" : "tinh";
    char key[32];
    snprintf(key, sizeof key, "toan_dia_ban_%s", level);
    const char *w = words ? vars_get(words, key) : NULL;
    vars_set(v, "toan_dia_ban", w ? w : "");
    const units *u = &ds->units;
    const char *name = NULL;
    for (int i = 0; cfg->split == SPLIT_COMMUNE && !name && i < u->nunits; i++)
        if (u->units[i].kind == UNIT_COMMUNE) name = units_name(u, i);
    if (cfg->split == SPLIT_DISTRICT && u->ndistricts) name = u->districts[0].name;
    strbuf sb = STRBUF_INIT, err = STRBUF_INIT;
    if (name) lower_first(&sb, name);
    else if ((w = words ? vars_get(words, "dia_ban_tinh") : NULL) && vars_expand(v, w, &sb, &err) < 0)
        strbuf_reset(&sb);
    vars_set(v, "dia_ban", sb.buf);
    strbuf_release(&sb);
    strbuf_release(&err);
}

/* The lower-case labels of the groups in (or, out = 1, not in) `groups`,
 * joined as a sentence lists them: "a, b và c" (and: " và ") or "a, b, c". */
static void group_words(strbuf *sb, const catalogue *cat, uint64_t groups, int out, const char *and)
{
    int n = 0, total = 0;
    for (int g = 0; g < cat->ngroups && g < 64; g++) total += ((groups >> g) & 1) != (uint64_t)out;
    for (int g = 0; g < cat->ngroups && g < 64; g++) {
        if (((groups >> g) & 1) == (uint64_t)out) continue;
        if (n) strbuf_adds(sb, n == total - 1 ? and : ", ");
        lower_first(sb, cat->groups[g].label);
        n++;
    }
}

/*
 * The words of the headline rate's scope:
 * - {pham_vi_ty_le}: its groups by their catalogue names, "ngân sách
 *   trung ương và ngân sách địa phương", so a table says what its rate counts;
 * - {nsnn_ty_le}: "ngân sách nhà nước" when the scope is the state budget
 *   (the catalogue's nsnn groups, the default), else {pham_vi_ty_le}, so a
 *   sentence never calls a local-budget-only rate the state budget's;
 * - {ngoai_ty_le}: the other groups, reported as amounts ("huy động, lồng
 *   ghép, nhân dân đóng góp, vốn tín dụng chính sách").
 */
static void rate_scope_words(vars *v, const catalogue *cat, uint64_t groups)
{
    strbuf sb = STRBUF_INIT;
    group_words(&sb, cat, groups, 0, " và ");
    vars_set(v, "pham_vi_ty_le", sb.buf);
    uint64_t nsnn = 0;
    for (int g = 0; g < cat->ngroups && g < 64; g++)
        if (cat->groups[g].extra && !strcmp(cat->groups[g].extra, "nsnn")) nsnn |= 1ull << g;
    vars_set(v, "nsnn_ty_le", groups == nsnn ? "ngân sách nhà nước" : sb.buf);
    strbuf_reset(&sb);
    group_words(&sb, cat, groups, 1, ", ");
    vars_set(v, "ngoai_ty_le", sb.buf);
    strbuf_release(&sb);
}

void facts_build(facts *f, const dataset *ds, const config *cfg, const vars *words,
                 int behind_projects, int behind_communes, const char *rejects_name)
{
    memset(f, 0, sizeof *f);
    vars_init(&f->scalars);
    year_span years = config_years(cfg), before = {cfg->year - 1, cfg->year - 1};
    uint64_t rate_groups = 0;
    strbuf err = STRBUF_INIT;
    facts_rate_groups(ds->cat, cfg, &rate_groups, &err); /* checked when the run starts */
    strbuf_release(&err);
    sums s;
    sums_collect(&s, ds, years, rate_groups);
    scalar_context(&f->scalars, ds, cfg, rejects_name);
    rate_scope_words(&f->scalars, ds->cat, rate_groups);
    place_words(&f->scalars, ds, cfg, words);
    scalar_figures(&f->scalars, &s, ds->cat, "");
    project_lists(f, &s, ds->cat, behind_projects);
    programme_list(f, &s, ds->cat);
    source_list(f, "nguon", &s, ds->cat);
    typed_source_list(f, "nguon_theo_loai", &s, ds->cat);
    extended_list(f, "keo_dai", ds, years, rate_groups);
    commune_list(f, &s, ds, behind_communes, &f->scalars);
    indicator_list(f, ds, years);
    sums_free(&s);
    sums_collect(&s, ds, before, rate_groups);
    scalar_figures(&f->scalars, &s, ds->cat, "_nt");
    source_list(f, "nguon_nt", &s, ds->cat);
    typed_source_list(f, "nguon_theo_loai_nt", &s, ds->cat);
    extended_list(f, "keo_dai_nt", ds, before, rate_groups);
    sums_free(&s);
    capital_structure(f, ds, years);
    control_lists(f, ds, years, words);
    lead_list(f, ds, cfg);
}

uint64_t facts_rate_sources(const catalogue *cat, uint64_t groups)
{
    return catalogue_group_sources(cat, groups);
}

int facts_rate_groups(const catalogue *cat, const config *cfg, uint64_t *mask, strbuf *err)
{
    *mask = 0;
    if (!cfg->rate_scope || !*cfg->rate_scope) {
        for (int g = 0; g < cat->ngroups && g < 64; g++)
            if (cat->groups[g].extra && !strcmp(cat->groups[g].extra, "nsnn")) *mask |= 1ull << g;
        return 0;
    }
    char *copy = xstrdup(cfg->rate_scope), *f[64];
    int n = split_fields(copy, ',', f, 64), rc = 0;
    for (int i = 0; i < n && rc == 0; i++) {
        int g = catalogue_group_by_code(cat, f[i]);
        if (g < 0 || g >= 64) {
            strbuf_addf(err, "%s: [report] rate_scope: nhóm nguồn \"%s\" không có trong [groups] của "
                        "danh mục", cfg->path ? cfg->path : "", f[i]);
            rc = -1;
        } else {
            *mask |= 1ull << g;
        }
    }
    free(copy);
    return rc;
}

const fact_list *facts_list(const facts *f, const char *name)
{
    for (int i = 0; i < f->nlists; i++)
        if (!strcmp(f->lists[i].name, name)) return &f->lists[i];
    return NULL;
}

void facts_free(facts *f)
{
    vars_free(&f->scalars);
    for (int i = 0; i < f->nlists; i++) {
        for (int k = 0; k < f->lists[i].n; k++) vars_free(&f->lists[i].items[k]);
        free(f->lists[i].items);
        free(f->lists[i].name);
    }
    memset(f, 0, sizeof *f);
}
