/*
 * catalogue: the programmes a run reports on, each with its parts (any
 * depth: Dự án / Tiểu dự án, Nội dung / Nội dung thành phần ...), and the
 * funding sources, source groups and capital types, loaded from one or
 * more catalogue files (templates/catalogue.txt for 1719,
 * templates/ctmtqg_2026_2035.txt for its successor). Ids are positions in
 * file order, which is also the display order of every table; the parts
 * of all programmes share one id space, so a part knows its programme.
 *
 * Nothing about codes is built in: a part's parent is the longest earlier
 * code that prefixes its own followed by the programme's separator, its
 * number the digits its code ends in, its words the programme's level
 * words. Lookups accept the spellings offices write, as each programme
 * lists them per level ([spellings]: "DA3.TDA2", "Dự án 3 - Tiểu dự án 2",
 * "3.2", a content item "DA3.TDA2.ND1" counted under its sub-project), and
 * for sources the code, the name, or a listed spelling.
 * A catalogue is read-only after loading, so reader threads share it.
 */
#ifndef MTQG_CATALOGUE_H
#define MTQG_CATALOGUE_H

#include <stdint.h>

#include "../util/strbuf.h"
#include "../util/strmap.h"

#define CAT_MAX_LEVELS 4

/* A programme: its names and the words and spellings of its levels. */
typedef struct cat_programme {
    char *code;                      /* "1719", "MTQG_2026_2035" */
    char *name;                      /* full name, as titles write it */
    char *short_name;                /* "Chương trình 1719" */
    char *basis;                     /* the decision approving it, as a sentence cites it, or NULL */
    char *rules;                     /* its management mechanism (decree), or NULL */
    char *incomplete;                /* what the file does not know yet (said in every run), or NULL */
    char sep;                        /* code separator: '.' */
    int nlevels;
    char *levels[CAT_MAX_LEVELS];    /* "Dự án", "Tiểu dự án" */
    int npatterns[CAT_MAX_LEVELS];   /* spellings per level, as keys */
    char **patterns[CAT_MAX_LEVELS]; /* "du_an_{n}", "da{n}.tda{m}" */
    char *type_words[8];             /* per capital type: this programme's word, or NULL */
} cat_programme;

typedef struct cat_project {
    char *code;     /* "DA3.TDA2" */
    char *name;
    int parent;     /* project id, or -1 for a top-level part */
    int number;     /* the top-level ancestor's number: 3 in DA3 and DA3.TDA2 */
    int sub;        /* its own number below the top (2 in DA3.TDA2), 0 at the top */
    int own;        /* its own number: 3 in DA3, 2 in DA3.TDA2 */
    int depth;      /* 0 at the top */
    int programme;  /* index into programmes */
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
    int nprogrammes;
    cat_programme *programmes;
    int nprojects, nsources, ngroups, ntypes;
    cat_project *projects;
    cat_source *sources;
    cat_label *groups;
    cat_label *types;
    strmap project_keys; /* spelling key -> project id */
    strmap source_keys;  /* spelling key -> source id */
} catalogue;

/** catalogue_load - read one catalogue file; -1 with "file:line: why" in err. */
int catalogue_load(catalogue *c, const char *path, strbuf *err);
/**
 * catalogue_add - read one more programme's file into c (after
 * catalogue_load): its parts follow the earlier ones; a group, type or
 * source it lists again by code is the same one (a type's label becomes
 * this programme's word for it). -1 with "file:line: why" in err.
 */
int catalogue_add(catalogue *c, const char *path, strbuf *err);
/** catalogue_level_word - the level word of project p ("Tiểu dự án"). */
const char *catalogue_level_word(const catalogue *c, int p);
/** catalogue_type_word - capital type t's word in programme g ("kinh phí
 * chi thường xuyên" or "vốn sự nghiệp"): the programme's own, else the
 * [types] label. */
const char *catalogue_type_word(const catalogue *c, int g, int t);
/** catalogue_run_type_word - append the word for capital type t of all
 * the programmes loaded: each programme's own, once, joined by "/" when
 * they differ ("vốn sự nghiệp/kinh phí chi thường xuyên"). */
void catalogue_run_type_word(const catalogue *c, int t, strbuf *out);
/** catalogue_free - release everything. */
void catalogue_free(catalogue *c);
/** catalogue_find_project - project id for a spelling, in any programme
 * (listed codes first, then each programme's level spellings in order), or -1. */
int catalogue_find_project(const catalogue *c, const char *s, size_t len);
/**
 * catalogue_find_project_in - project id for a spelling among programme
 * g's parts only (a row that names its programme), or -1.
 */
int catalogue_find_project_in(const catalogue *c, int g, const char *s, size_t len);
/** catalogue_find_programme - programme index for its code, short name or
 * name (case, marks and spaces folded), or -1. */
int catalogue_find_programme(const catalogue *c, const char *s, size_t len);
/** catalogue_find_source - source id for a spelling, or -1. */
int catalogue_find_source(const catalogue *c, const char *s, size_t len);
/**
 * catalogue_find_source_of - the source a file gives as two cells, its
 * group ("NSTW", "Ngân sách trung ương") and its capital type ("ĐTPT",
 * "Đầu tư phát triển", "Vốn sự nghiệp"), by code or label (case, marks
 * and spaces folded); a group cell holding a whole source ("NSTW ĐTPT")
 * must agree with the type. A source with no type of its own ("Lồng
 * ghép") takes any type word. -1 when they name no source.
 */
int catalogue_find_source_of(const catalogue *c, const char *g, size_t gn, const char *t, size_t tn);
/** catalogue_group_by_code / catalogue_type_by_code - index or -1. */
int catalogue_group_by_code(const catalogue *c, const char *code);
/**
 * catalogue_group_sources - the sources of the groups in `groups` (a bit
 * per group), a bit per source (the first 64).
 */
uint64_t catalogue_group_sources(const catalogue *c, uint64_t groups);
int catalogue_type_by_code(const catalogue *c, const char *code);
/** catalogue_source_by_code - index or -1 (exact code). */
int catalogue_source_by_code(const catalogue *c, const char *code);
/** catalogue_is_under - 1 when project p is ancestor (or itself) of q. */
int catalogue_is_under(const catalogue *c, int ancestor, int q);

#endif
