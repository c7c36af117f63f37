/*
 * facts: the figures and names a document's wording can use, computed once
 * from the dataset: scalar placeholders ({kh_tong}, {tl_nam} ...) and lists
 * (@list du_an_cham ...) of items with their own placeholders. Figures are
 * formatted the Vietnamese way from exact values (1.473.139 triệu đồng,
 * 89,1%); rates are rounded once, half away from zero.
 */
#ifndef MTQG_FACTS_H
#define MTQG_FACTS_H

#include "../config/config.h"
#include "../model/dataset.h"
#include "../util/vars.h"

typedef struct fact_list {
    char *name;
    int n, alloc;
    vars *items;
} fact_list;

#define FACTS_MAX_LISTS 24

typedef struct facts {
    vars scalars;
    int nlists;
    fact_list lists[FACTS_MAX_LISTS];
} facts;

/**
 * facts_build - compute every fact for plan year cfg->year as of
 * cfg->as_of, and the previous year's figures with the suffix "_nt" (năm
 * trước). behind_* give how many items the "furthest behind" lists keep
 * and words the phrases facts are built with (scope_all, scope_project,
 * scope_subproject), both from the wording template. rejects_name is the
 * rejects file's name.
 */
void facts_build(facts *f, const dataset *ds, const config *cfg, const vars *words,
                 int behind_projects, int behind_communes, const char *rejects_name);
/**
 * facts_rate_groups - the source groups of the headline disbursement rate
 * ({kh_nsnn}, {gn_nsnn}, {tl_nsnn}): [report] rate_scope (group codes,
 * comma separated) or else the catalogue's groups marked "nsnn" (the state
 * budget). A bit per group in *mask. 0, or -1 with the unknown code in err.
 */
int facts_rate_groups(const catalogue *cat, const config *cfg, uint64_t *mask, strbuf *err);
/**
 * facts_rate_sources - the sources of the rate's groups (a bit per
 * catalogue source): the one set both the text's rate ({tl_nsnn}) and the
 * tables' rate columns (form filter scope=rate, form_set_rate_sources)
 * count, so the two cannot differ.
 */
uint64_t facts_rate_sources(const catalogue *cat, uint64_t groups);
/** facts_list - a list by name, or NULL. */
const fact_list *facts_list(const facts *f, const char *name);
/** facts_free */
void facts_free(facts *f);

#endif
