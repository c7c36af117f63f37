/*
 * Loading the catalogue and resolving spellings. Resolution normalises the
 * spelling to an identifier key ("Dự án 3" -> "du_an_3") and then either
 * finds it among the listed spellings or reads the structural forms of a
 * project code (DA<n>[.TDA<m>][.ND<k>], du_an_<n>, <n>[.<m>]).
 */
#include "catalogue.h"

#include <stdlib.h>
#include <string.h>

#include "../util/linefile.h"
#include "../util/text.h"

static int parse_project_code(const char *code, int *number, int *sub)
{
    int n = 0, m = 0, used = 0;
    if (sscanf(code, "DA%d.TDA%d%n", &n, &m, &used) == 2 && !code[used] && n > 0 && m > 0) {
        *number = n, *sub = m;
        return 0;
    }
    if (sscanf(code, "DA%d%n", &n, &used) == 1 && !code[used] && n > 0) {
        *number = n, *sub = 0;
        return 0;
    }
    return -1;
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

static int project_by_numbers(const catalogue *c, int number, int sub);

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
    int number, sub;
    if (n < 2 || parse_project_code(f[0], &number, &sub) < 0)
        return linefile_error(lf, err, "cần \"DA<n> | tên\" hoặc \"DA<n>.TDA<m> | tên\"");
    int parent = -1;
    if (sub) {
        for (int i = c->nprojects - 1; i >= 0; i--)
            if (c->projects[i].sub == 0 && c->projects[i].number == number) {
                parent = i;
                break;
            }
        if (parent < 0)
            return linefile_error(lf, err, "tiểu dự án %s đứng trước dự án DA%d", f[0], number);
    }
    if (project_by_numbers(c, number, sub) >= 0)
        return linefile_error(lf, err, "mã %s đã khai báo ở một dòng trên", f[0]);
    if (sub) c->projects[parent].nchildren++;
    int id = c->nprojects++;
    c->projects = xrealloc(c->projects, (size_t)c->nprojects * sizeof(cat_project));
    c->projects[id] = (cat_project){xstrdup(f[0]), xstrdup(f[1]), parent, number, sub, 0};
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
    int group = catalogue_group_by_code(c, f[1]);
    if (group < 0) return linefile_error(lf, err, "nhóm nguồn \"%s\" chưa khai báo trong [groups]", f[1]);
    int type = -1;
    if (*f[2] && (type = catalogue_type_by_code(c, f[2])) < 0)
        return linefile_error(lf, err, "loại vốn \"%s\" chưa khai báo trong [types]", f[2]);
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

static int load_spellings(catalogue *c, linefile *lf, strbuf *err)
{
    char *key, *value, *parts[64];
    if (split_key_value(lf->line.buf, &key, &value) < 0 ||
        (strcmp(key, "project") && strcmp(key, "subproject")))
        return linefile_error(lf, err, "cần \"project = ...\" hoặc \"subproject = ...\"");
    int sub = !strcmp(key, "subproject");
    int np = split_fields(value, ';', parts, 64);
    for (int i = 0; i < np; i++) {
        strbuf k = STRBUF_INIT;
        if (!*parts[i] || text_ident_key(&k, parts[i], strlen(parts[i])) < 0) {
            strbuf_release(&k);
            continue;
        }
        c->patterns[sub] = xrealloc(c->patterns[sub], (size_t)(c->npatterns[sub] + 1) * sizeof(char *));
        c->patterns[sub][c->npatterns[sub]++] = strbuf_detach(&k, NULL);
    }
    return 0;
}

static int load_line(catalogue *c, linefile *lf, strbuf *err)
{
    const char *sec = lf->section.buf;
    if (!strcmp(sec, "spellings")) return load_spellings(c, lf, err);
    char *f[8];
    int n = split_fields(lf->line.buf, '|', f, 8);
    if (!strcmp(sec, "projects")) return load_project(c, lf, f, n, err);
    if (!strcmp(sec, "groups")) return load_label(&c->groups, &c->ngroups, lf, f, n, err);
    if (!strcmp(sec, "types")) return load_label(&c->types, &c->ntypes, lf, f, n, err);
    if (!strcmp(sec, "sources")) return load_source(c, lf, f, n, err);
    return linefile_error(lf, err, "mục \"[%s]\" không có trong danh mục "
                          "(cần [projects], [groups], [types], [sources], [spellings])", sec);
}

int catalogue_load(catalogue *c, const char *path, strbuf *err)
{
    memset(c, 0, sizeof *c);
    strmap_init(&c->project_keys);
    strmap_init(&c->source_keys);
    linefile lf;
    if (linefile_open(&lf, path, err) < 0) return -1;
    int is_section, rc = 0;
    while (rc == 0 && linefile_next(&lf, &is_section))
        if (!is_section) rc = load_line(c, &lf, err);
    if (rc == 0 && (c->nprojects == 0 || c->nsources == 0)) {
        strbuf_addf(err, "%s: danh mục không có dự án hoặc nguồn vốn nào", path);
        rc = -1;
    }
    linefile_close(&lf);
    return rc;
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
    for (int s = 0; s < 2; s++) {
        for (int i = 0; i < c->npatterns[s]; i++) free(c->patterns[s][i]);
        free(c->patterns[s]);
    }
    memset(c, 0, sizeof *c);
}

static int project_by_numbers(const catalogue *c, int number, int sub)
{
    for (int i = 0; i < c->nprojects; i++)
        if (c->projects[i].number == number && c->projects[i].sub == sub) return i;
    return -1;
}

/* Match key against a pattern key, digits for {n}, {m} and {k}; fills
 * n and m (0 when the pattern has none). */
static int match_pattern(const char *pat, const char *key, int *n, int *m)
{
    *n = *m = 0;
    while (*pat) {
        if (pat[0] == '{' && pat[1] && pat[2] == '}') {
            if (*key < '0' || *key > '9') return 0;
            int v = 0;
            while (*key >= '0' && *key <= '9' && v < 100000) v = v * 10 + (*key++ - '0');
            if (pat[1] == 'n') *n = v;
            else if (pat[1] == 'm') *m = v;
            pat += 3;
        } else if (*pat++ != *key++) {
            return 0;
        }
    }
    return *key == '\0';
}

/* The written forms of a code, from [spellings], on an identifier key. */
static int parse_structural(const catalogue *c, const char *k)
{
    int n, m;
    for (int sub = 1; sub >= 0; sub--)
        for (int i = 0; i < c->npatterns[sub]; i++)
            if (match_pattern(c->patterns[sub][i], k, &n, &m) && n > 0 && (!sub || m > 0))
                return project_by_numbers(c, n, sub ? m : 0);
    return -1;
}

int catalogue_find_project(const catalogue *c, const char *s, size_t len)
{
    strbuf k = STRBUF_INIT;
    int id = -1;
    if (text_ident_key(&k, s, len) == 0 && k.len) {
        id = strmap_get(&c->project_keys, k.buf, k.len);
        if (id < 0) id = parse_structural(c, k.buf);
    }
    strbuf_release(&k);
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

int catalogue_is_under(const catalogue *c, int ancestor, int q)
{
    for (; q >= 0; q = c->projects[q].parent)
        if (q == ancestor) return 1;
    return 0;
}
