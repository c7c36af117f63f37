/*
 * Loading the catalogue files and resolving spellings. Resolution
 * normalises the spelling to an identifier key ("Dự án 3" -> "du_an_3")
 * and then either finds it among the listed codes and spellings or matches
 * the level spellings each programme's file gives (DA{n}.TDA{m}, {n}.{m},
 * Nội dung {n} ...). The hierarchy comes from the listed codes alone.
 */
#include "catalogue.h"

#include <stdlib.h>
#include <string.h>

#include "../util/linefile.h"
#include "../util/text.h"

/* The current programme: the last one a file opened. */
static cat_programme *cur(catalogue *c)
{
    return &c->programmes[c->nprogrammes - 1];
}

/* The digits a code ends in ("DA10" -> 10, "ND1.2" -> 2), or 0. */
static int trailing_number(const char *code)
{
    size_t n = strlen(code), i = n;
    while (i > 0 && code[i - 1] >= '0' && code[i - 1] <= '9') i--;
    if (i == n || n - i > 6) return 0;
    return atoi(code + i);
}

/* A code or spelling of entry id. Returns -1, or the id of another entry
 * that already has it: one spelling for two entries would put one's money
 * under the other's name, so the catalogue is refused. */
static int add_key(strmap *m, const char *spelling, int id)
{
    strbuf k = STRBUF_INIT;
    int other = -1;
    if (text_ident_key(&k, spelling, strlen(spelling)) == 0 && k.len) {
        other = strmap_get(m, k.buf, k.len);
        if (other < 0 || other == id) strmap_put(m, k.buf, k.len, id), other = -1;
    }
    strbuf_release(&k);
    return other;
}

/* As add_key for each spelling of a ';' list; *clash: the one taken. */
static int add_spellings(strmap *m, char *list, int id, const char **clash)
{
    char *parts[64];
    int n = split_fields(list, ';', parts, 64);
    for (int i = 0; i < n; i++) {
        int other = *parts[i] ? add_key(m, parts[i], id) : -1;
        if (other >= 0) {
            *clash = parts[i];
            return other;
        }
    }
    return -1;
}


static int find_label(const cat_label *v, int n, const char *code)
{
    for (int i = 0; i < n; i++)
        if (strcmp(v[i].code, code) == 0) return i;
    return -1;
}

int catalogue_group_by_code(const catalogue *c, const char *code)
{
    return find_label(c->groups, c->ngroups, code);
}

uint64_t catalogue_group_sources(const catalogue *c, uint64_t groups)
{
    uint64_t set = 0;
    for (int s = 0; s < c->nsources && s < 64; s++)
        if (c->sources[s].group < 64 && (groups >> c->sources[s].group) & 1) set |= 1ull << s;
    return set;
}

int catalogue_type_by_code(const catalogue *c, const char *code)
{
    return find_label(c->types, c->ntypes, code);
}

int catalogue_source_by_code(const catalogue *c, const char *code)
{
    for (int i = 0; i < c->nsources; i++)
        if (strcmp(c->sources[i].code, code) == 0) return i;
    return -1;
}

static int load_project(catalogue *c, linefile *lf, char **f, int n, strbuf *err)
{
    cat_programme *g = cur(c);
    if (n < 2 || !*f[0] || !*f[1]) return linefile_error(lf, err, "cần \"mã | tên\"");
    if (!g->nlevels)
        return linefile_error(lf, err, "chưa khai báo các cấp (levels = ...) trong mục [programme]");
    /* The parent: the longest earlier code of this programme that is a
     * prefix of this one followed by the separator. */
    int parent = -1;
    size_t best = 0;
    for (int i = c->nprojects - 1; i >= 0; i--) {
        const cat_project *q = &c->projects[i];
        size_t len = strlen(q->code);
        if (q->programme != c->nprogrammes - 1) break;
        if (len > best && !strncmp(q->code, f[0], len) && f[0][len] == g->sep) parent = i, best = len;
    }
    if (parent < 0 && strchr(f[0], g->sep))
        return linefile_error(lf, err, "%s: mục cha (mã trước dấu \"%c\" cuối) phải đứng trước nó", f[0], g->sep);
    int depth = parent < 0 ? 0 : c->projects[parent].depth + 1;
    if (depth >= g->nlevels)
        return linefile_error(lf, err, "%s: cấp %d nhưng [programme] levels chỉ có %d cấp", f[0], depth + 1, g->nlevels);
    for (int i = 0; i < c->nprojects; i++)
        if (!strcmp(c->projects[i].code, f[0])) return linefile_error(lf, err, "mã %s đã có", f[0]);
    int own = trailing_number(f[0]);
    if (!own) { /* no number in the code: its place among its siblings */
        own = 1;
        for (int i = 0; i < c->nprojects; i++)
            own += c->projects[i].parent == parent && c->projects[i].programme == c->nprogrammes - 1;
    }
    if (parent >= 0) c->projects[parent].nchildren++;
    int id = c->nprojects++;
    c->projects = xrealloc(c->projects, (size_t)c->nprojects * sizeof(cat_project));
    int top = id;
    c->projects[id] = (cat_project){xstrdup(f[0]), xstrdup(f[1]), parent, 0, depth ? own : 0, own, depth,
                                    c->nprogrammes - 1, 0};
    for (int q = parent; q >= 0; q = c->projects[q].parent) top = q;
    c->projects[id].number = top == id ? own : c->projects[top].own;
    const char *clash = f[0];
    int other = add_key(&c->project_keys, f[0], id);
    if (other < 0 && n > 2) other = add_spellings(&c->project_keys, f[2], id, &clash);
    if (other >= 0)
        return linefile_error(lf, err, "\"%s\" đã là mã hoặc cách viết của %s", clash,
                              c->projects[other].code);
    return 0;
}

static int load_label(cat_label **v, int *count, linefile *lf, char **f, int n,
                      strbuf *err)
{
    if (n < 2 || !*f[0]) return linefile_error(lf, err, "cần \"mã | nhãn\"");
    *v = xrealloc(*v, (size_t)(*count + 1) * sizeof(cat_label));
    (*v)[*count] = (cat_label){xstrdup(f[0]), xstrdup(f[1]), n > 2 && *f[2] ? xstrdup(f[2]) : NULL};
    (*count)++;
    return 0;
}

static int load_source(catalogue *c, linefile *lf, char **f, int n, strbuf *err)
{
    if (n < 4 || !*f[0])
        return linefile_error(lf, err, "cần \"mã | nhóm | loại vốn | tên | cách viết khác\"");
    int known = catalogue_source_by_code(c, f[0]);
    if (known >= 0) { /* the same source in another programme's file */
        const char *clash = NULL;
        int other = n > 4 ? add_spellings(&c->source_keys, f[4], known, &clash) : -1;
        if (other >= 0)
            return linefile_error(lf, err, "\"%s\" đã là cách viết của nguồn %s", clash,
                                  c->sources[other].code);
        return 0;
    }
    int group = catalogue_group_by_code(c, f[1]);
    if (group < 0) return linefile_error(lf, err, "nhóm nguồn \"%s\" chưa khai báo trong [groups]", f[1]);
    int type = -1;
    if (*f[2] && (type = catalogue_type_by_code(c, f[2])) < 0)
        return linefile_error(lf, err, "loại vốn \"%s\" chưa khai báo trong [types]", f[2]);
    /* Source and group sets are 64-bit masks (form filters, the rate's scope). */
    if (c->nsources >= 64 || group >= 64)
        return linefile_error(lf, err, "danh mục có nhiều nhất 64 nguồn vốn và 64 nhóm nguồn");
    int id = c->nsources++;
    c->sources = xrealloc(c->sources, (size_t)c->nsources * sizeof(cat_source));
    c->sources[id] = (cat_source){xstrdup(f[0]), xstrdup(f[3]), group, type};
    const char *clash = f[0];
    int other = add_key(&c->source_keys, f[0], id);
    if (other < 0 && (other = add_key(&c->source_keys, f[3], id)) >= 0) clash = f[3];
    if (other < 0 && n > 4) other = add_spellings(&c->source_keys, f[4], id, &clash);
    if (other >= 0)
        return linefile_error(lf, err, "\"%s\" đã là mã, tên hoặc cách viết của nguồn %s", clash,
                              c->sources[other].code);
    return 0;
}

/* levelN = spellings of level N's codes; project / subproject name the
 * first two levels. */
static int load_spellings(catalogue *c, linefile *lf, strbuf *err)
{
    char *key, *value, *parts[64];
    int level = -1;
    if (split_key_value(lf->line.buf, &key, &value) == 0) {
        if (!strcmp(key, "project")) level = 0;
        else if (!strcmp(key, "subproject")) level = 1;
        else if (!strncmp(key, "level", 5) && key[5] >= '1' && key[5] <= '0' + CAT_MAX_LEVELS && !key[6])
            level = key[5] - '1';
    }
    if (level < 0)
        return linefile_error(lf, err, "cần \"level<N> = ...\" (N từ 1 đến %d; project = level1, "
                              "subproject = level2)", CAT_MAX_LEVELS);
    cat_programme *g = cur(c);
    int np = split_fields(value, ';', parts, 64);
    for (int i = 0; i < np; i++) {
        strbuf k = STRBUF_INIT;
        if (!*parts[i] || text_ident_key(&k, parts[i], strlen(parts[i])) < 0) {
            strbuf_release(&k);
            continue;
        }
        g->patterns[level] = xrealloc(g->patterns[level], (size_t)(g->npatterns[level] + 1) * sizeof(char *));
        g->patterns[level][g->npatterns[level]++] = strbuf_detach(&k, NULL);
    }
    return 0;
}

/* [programme]: code, name, short, separator, levels (words ;-separated). */
static int load_programme(catalogue *c, linefile *lf, strbuf *err)
{
    char *key, *value, *parts[CAT_MAX_LEVELS + 1];
    cat_programme *g = cur(c);
    if (split_key_value(lf->line.buf, &key, &value) < 0)
        return linefile_error(lf, err, "cần \"khóa = giá trị\"");
    char **slot = !strcmp(key, "code") ? &g->code : !strcmp(key, "name") ? &g->name
                : !strcmp(key, "short") ? &g->short_name : !strcmp(key, "basis") ? &g->basis
                : !strcmp(key, "rules") ? &g->rules
                : !strcmp(key, "incomplete") ? &g->incomplete : NULL;
    if (slot) {
        free(*slot);
        *slot = xstrdup(value);
        return 0;
    }
    if (!strcmp(key, "separator")) {
        if (strlen(value) != 1) return linefile_error(lf, err, "separator: một ký tự");
        g->sep = value[0];
        return 0;
    }
    if (!strcmp(key, "levels")) {
        int n = split_fields(value, ';', parts, CAT_MAX_LEVELS + 1);
        if (n < 1 || n > CAT_MAX_LEVELS || g->nlevels)
            return linefile_error(lf, err, "levels: từ 1 đến %d cấp, một lần", CAT_MAX_LEVELS);
        for (int i = 0; i < n; i++) g->levels[i] = xstrdup(parts[i]);
        g->nlevels = n;
        return 0;
    }
    if (!strncmp(key, "type.", 5)) { /* type.SN = kinh phí chi thường xuyên */
        int t = catalogue_type_by_code(c, key + 5);
        if (t < 0 || t >= 8) return linefile_error(lf, err, "loại vốn \"%s\" chưa khai báo trong [types]", key + 5);
        free(g->type_words[t]);
        g->type_words[t] = xstrdup(value);
        return 0;
    }
    return linefile_error(lf, err, "khóa \"%s\" không có trong [programme] (code, name, short, "
                          "basis, rules, incomplete, separator, levels, type.<loại vốn>)", key);
}

static int load_line(catalogue *c, linefile *lf, strbuf *err)
{
    const char *sec = lf->section.buf;
    if (!strcmp(sec, "spellings")) return load_spellings(c, lf, err);
    if (!strcmp(sec, "programme")) return load_programme(c, lf, err);
    char *f[8];
    int n = split_fields(lf->line.buf, '|', f, 8);
    if (!strcmp(sec, "projects")) return load_project(c, lf, f, n, err);
    if (!strcmp(sec, "groups")) {
        if (n >= 1 && catalogue_group_by_code(c, f[0]) >= 0) return 0; /* listed by an earlier programme */
        return load_label(&c->groups, &c->ngroups, lf, f, n, err);
    }
    if (!strcmp(sec, "types")) {
        int t = n >= 2 ? catalogue_type_by_code(c, f[0]) : -1;
        if (t >= 0 && t < 8) { /* an earlier programme's type: this programme's word for it */
            free(cur(c)->type_words[t]);
            cur(c)->type_words[t] = xstrdup(f[1]);
            return 0;
        }
        return load_label(&c->types, &c->ntypes, lf, f, n, err);
    }
    if (!strcmp(sec, "sources")) return load_source(c, lf, f, n, err);
    return linefile_error(lf, err, "mục \"[%s]\" không có trong danh mục "
                          "(cần [programme], [projects], [groups], [types], [sources], [spellings])", sec);
}

int catalogue_add(catalogue *c, const char *path, strbuf *err)
{
    linefile lf;
    if (linefile_open(&lf, path, err) < 0) return -1;
    c->programmes = xrealloc(c->programmes, (size_t)(c->nprogrammes + 1) * sizeof(cat_programme));
    cat_programme *g = &c->programmes[c->nprogrammes++];
    memset(g, 0, sizeof *g);
    g->sep = '.';
    int before = c->nprojects, is_section, rc = 0;
    while (rc == 0 && linefile_next(&lf, &is_section))
        if (!is_section) rc = load_line(c, &lf, err);
    if (rc == 0 && (!g->code || !g->name || !g->nlevels)) {
        strbuf_addf(err, "%s: thiếu [programme] code, name hoặc levels", path);
        rc = -1;
    }
    /* A file that says it is incomplete may list no parts yet: rows coded
     * for it are then rejected as unknown codes, never counted elsewhere. */
    if (rc == 0 && ((c->nprojects == before && !g->incomplete) || c->nsources == 0)) {
        strbuf_addf(err, "%s: danh mục không có mục (dự án, nội dung ...) hoặc nguồn vốn nào", path);
        rc = -1;
    }
    for (int i = 0; rc == 0 && i < c->nprogrammes - 1; i++)
        if (!strcmp(c->programmes[i].code, g->code)) {
            strbuf_addf(err, "%s: chương trình %s đã được nạp", path, g->code);
            rc = -1;
        }
    if (rc == 0 && !g->short_name) g->short_name = xstrdup(g->name);
    linefile_close(&lf);
    return rc;
}

int catalogue_load(catalogue *c, const char *path, strbuf *err)
{
    memset(c, 0, sizeof *c);
    strmap_init(&c->project_keys);
    strmap_init(&c->source_keys);
    return catalogue_add(c, path, err);
}

const char *catalogue_level_word(const catalogue *c, int p)
{
    const cat_programme *g = &c->programmes[c->projects[p].programme];
    return g->levels[c->projects[p].depth];
}

const char *catalogue_type_word(const catalogue *c, int g, int t)
{
    if (g >= 0 && g < c->nprogrammes && t >= 0 && t < 8 && c->programmes[g].type_words[t])
        return c->programmes[g].type_words[t];
    return t >= 0 && t < c->ntypes ? c->types[t].label : "";
}

void catalogue_run_type_word(const catalogue *c, int t, strbuf *out)
{
    size_t start = out->len;
    for (int g = 0; g < c->nprogrammes; g++) {
        const char *word = catalogue_type_word(c, g, t);
        if (strstr(out->buf + start, word)) continue;
        strbuf_addf(out, "%s%s", out->len > start ? "/" : "", word);
    }
}

void catalogue_free(catalogue *c)
{
    for (int i = 0; i < c->nprojects; i++) {
        free(c->projects[i].code);
        free(c->projects[i].name);
    }
    for (int i = 0; i < c->nsources; i++) {
        free(c->sources[i].code);
        free(c->sources[i].name);
    }
    for (int i = 0; i < c->ngroups; i++) {
        free(c->groups[i].code);
        free(c->groups[i].label);
        free(c->groups[i].extra);
    }
    for (int i = 0; i < c->ntypes; i++) {
        free(c->types[i].code);
        free(c->types[i].label);
        free(c->types[i].extra);
    }
    free(c->projects);
    free(c->sources);
    free(c->groups);
    free(c->types);
    strmap_free(&c->project_keys);
    strmap_free(&c->source_keys);
    for (int i = 0; i < c->nprogrammes; i++) {
        cat_programme *g = &c->programmes[i];
        free(g->code);
        free(g->name);
        free(g->short_name);
        free(g->basis);
        free(g->rules);
        free(g->incomplete);
        for (int l = 0; l < CAT_MAX_LEVELS; l++) {
            free(g->levels[l]);
            for (int k = 0; k < g->npatterns[l]; k++) free(g->patterns[l][k]);
            free(g->patterns[l]);
        }
        for (int t = 0; t < 8; t++) free(g->type_words[t]);
    }
    free(c->programmes);
    memset(c, 0, sizeof *c);
}

/* The part of programme g at depth level whose own number and its
 * ancestors' are nums[0..level]. */
static int project_by_numbers(const catalogue *c, int g, int level, const int *nums)
{
    for (int i = 0; i < c->nprojects; i++) {
        const cat_project *p = &c->projects[i];
        if (p->programme != g || p->depth != level) continue;
        int q = i, d = level;
        while (q >= 0 && c->projects[q].own == nums[d]) q = c->projects[q].parent, d--;
        if (q < 0) return i;
    }
    return -1;
}

/* Match key against a pattern key, digits for {n}, {m} and {k} (numbers
 * of levels 1, 2 and 3); fills nums (0 where the pattern has none). */
static int match_pattern(const char *pat, const char *key, int *nums)
{
    nums[0] = nums[1] = nums[2] = 0;
    while (*pat) {
        if (pat[0] == '{' && pat[1] && pat[2] == '}') {
            if (*key < '0' || *key > '9') return 0;
            int v = 0;
            while (*key >= '0' && *key <= '9' && v < 100000) v = v * 10 + (*key++ - '0');
            if (pat[1] == 'n') nums[0] = v;
            else if (pat[1] == 'm') nums[1] = v;
            else if (pat[1] == 'k') nums[2] = v;
            pat += 3;
        } else if (*pat++ != *key++) {
            return 0;
        }
    }
    return *key == '\0';
}

/* The written forms of a code, from each programme's [spellings], on an
 * identifier key: deeper levels first, programmes in load order. A number
 * past the pattern's level (a content item's {k} in a level-2 spelling)
 * counts under that level. */
static int parse_structural(const catalogue *c, int only, const char *k)
{
    int nums[3];
    for (int g = 0; g < c->nprogrammes; g++) {
        if (only >= 0 && g != only) continue;
        const cat_programme *pg = &c->programmes[g];
        for (int level = CAT_MAX_LEVELS - 1; level >= 0; level--)
            for (int i = 0; i < pg->npatterns[level]; i++) {
                if (!match_pattern(pg->patterns[level][i], k, nums)) continue;
                int ok = 1;
                for (int d = 0; d <= level && d < 3; d++) ok &= nums[d] > 0;
                if (!ok || level >= 3) continue;
                int id = project_by_numbers(c, g, level, nums);
                if (id >= 0) return id;
            }
    }
    return -1;
}

int catalogue_find_project(const catalogue *c, const char *s, size_t len)
{
    strbuf k = STRBUF_INIT;
    int id = -1;
    if (text_ident_key(&k, s, len) == 0 && k.len) {
        id = strmap_get(&c->project_keys, k.buf, k.len);
        if (id < 0) id = parse_structural(c, -1, k.buf);
    }
    strbuf_release(&k);
    return id;
}

int catalogue_find_project_in(const catalogue *c, int g, const char *s, size_t len)
{
    strbuf k = STRBUF_INIT;
    int id = -1;
    if (text_ident_key(&k, s, len) == 0 && k.len) {
        id = strmap_get(&c->project_keys, k.buf, k.len);
        if (id >= 0 && c->projects[id].programme != g) id = -1;
        if (id < 0) id = parse_structural(c, g, k.buf);
    }
    strbuf_release(&k);
    return id;
}

int catalogue_find_programme(const catalogue *c, const char *s, size_t len)
{
    strbuf k = STRBUF_INIT, w = STRBUF_INIT;
    int id = -1;
    if (text_ident_key(&k, s, len) == 0 && k.len)
        for (int g = 0; g < c->nprogrammes && id < 0; g++) {
            const char *names[] = {c->programmes[g].code, c->programmes[g].short_name, c->programmes[g].name};
            for (int i = 0; i < 3 && id < 0; i++) {
                strbuf_reset(&w);
                if (names[i] && text_ident_key(&w, names[i], strlen(names[i])) == 0 && !strcmp(w.buf, k.buf))
                    id = g;
            }
        }
    strbuf_release(&k);
    strbuf_release(&w);
    return id;
}

int catalogue_find_source(const catalogue *c, const char *s, size_t len)
{
    strbuf k = STRBUF_INIT;
    int id = -1;
    if (text_ident_key(&k, s, len) == 0 && k.len)
        id = strmap_get(&c->source_keys, k.buf, k.len);
    strbuf_release(&k);
    return id;
}

/* Index of the label whose code or label has key k, or -1. */
static int label_by_key(const cat_label *l, int n, const char *k)
{
    strbuf x = STRBUF_INIT;
    int found = -1;
    for (int i = 0; i < n && found < 0; i++) {
        strbuf_reset(&x);
        text_ident_key(&x, l[i].code, strlen(l[i].code));
        if (!strcmp(x.buf, k)) found = i;
        strbuf_reset(&x);
        text_ident_key(&x, l[i].label, strlen(l[i].label));
        if (!strcmp(x.buf, k)) found = i;
    }
    strbuf_release(&x);
    return found;
}

int catalogue_find_source_of(const catalogue *c, const char *g, size_t gn, const char *t, size_t tn)
{
    strbuf gk = STRBUF_INIT, tk = STRBUF_INIT;
    int id = -1;
    if (text_ident_key(&gk, g, gn) == 0 && text_ident_key(&tk, t, tn) == 0 && gk.len && tk.len) {
        const char *tkey = !strncmp(tk.buf, "von_", 4) ? tk.buf + 4 : tk.buf; /* "Vốn sự nghiệp" */
        int type = label_by_key(c->types, c->ntypes, tkey);
        int group = label_by_key(c->groups, c->ngroups, gk.buf);
        int whole = group < 0 ? strmap_get(&c->source_keys, gk.buf, gk.len) : -1;
        if (whole >= 0 && type >= 0 && (c->sources[whole].type == type || c->sources[whole].type < 0))
            id = whole;
        for (int s = 0; group >= 0 && type >= 0 && s < c->nsources && id < 0; s++)
            if (c->sources[s].group == group && c->sources[s].type == type) id = s;
        for (int s = 0; group >= 0 && type >= 0 && s < c->nsources && id < 0; s++)
            if (c->sources[s].group == group && c->sources[s].type < 0) id = s;
    }
    strbuf_release(&gk);
    strbuf_release(&tk);
    return id;
}

int catalogue_is_under(const catalogue *c, int ancestor, int q)
{
    for (; q >= 0; q = c->projects[q].parent)
        if (q == ancestor) return 1;
    return 0;
}
