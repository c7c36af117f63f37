/*
 * catalogue: the program's component projects, funding sources, source
 * groups and capital types, loaded from templates/catalogue.txt. Ids are
 * positions in file order, which is also the display order of every table.
 *
 * Lookups accept the spellings offices write, as the catalogue lists them
 * ([spellings]: "DA3.TDA2", "Dự án 3 - Tiểu dự án 2", "3.2", "TDA2 DA3",
 * a content item "DA3.TDA2.ND1" counted under its sub-project), and for
 * sources the code, the name, or a listed spelling.
 * A catalogue is read-only after loading, so reader threads share it.
 */
#ifndef MTQG_CATALOGUE_H
#define MTQG_CATALOGUE_H

#include "../util/strbuf.h"
#include "../util/strmap.h"

typedef struct cat_project {
    char *code;     /* "DA3.TDA2" */
    char *name;
    int parent;     /* project id, or -1 for a top-level project */
    int number;     /* 3 in DA3 and DA3.TDA2 */
    int sub;        /* 2 in DA3.TDA2, 0 for a project */
    int nchildren;
} cat_project;

typedef struct cat_label {
    char *code;
    char *label;
    char *extra;    /* third column, NULL when absent: see catalogue.txt */
} cat_label;

typedef struct cat_source {
    char *code;     /* "NSTW_DTPT" */
    char *name;
    int group;      /* index into groups */
    int type;       /* index into types, -1 when the source has no type */
} cat_source;

typedef struct catalogue {
    int nprojects, nsources, ngroups, ntypes;
    cat_project *projects;
    cat_source *sources;
    cat_label *groups;
    cat_label *types;
    strmap project_keys; /* spelling key -> project id */
    strmap source_keys;  /* spelling key -> source id */
    int npatterns[2];    /* [0] project, [1] sub-project code patterns */
    char **patterns[2];  /* as keys: "du_an_{n}", "da{n}.tda{m}" */
} catalogue;

/** catalogue_load - read the catalogue file; -1 with "file:line: why" in err. */
int catalogue_load(catalogue *c, const char *path, strbuf *err);
/** catalogue_free - release everything. */
void catalogue_free(catalogue *c);
/** catalogue_find_project - project id for a spelling, or -1. */
int catalogue_find_project(const catalogue *c, const char *s, size_t len);
/** catalogue_find_source - source id for a spelling, or -1. */
int catalogue_find_source(const catalogue *c, const char *s, size_t len);
/** catalogue_group_by_code / catalogue_type_by_code - index or -1. */
int catalogue_group_by_code(const catalogue *c, const char *code);
int catalogue_type_by_code(const catalogue *c, const char *code);
/** catalogue_source_by_code - index or -1 (exact code). */
int catalogue_source_by_code(const catalogue *c, const char *code);
/** catalogue_is_under - 1 when project p is ancestor (or itself) of q. */
int catalogue_is_under(const catalogue *c, int ancestor, int q);

#endif
