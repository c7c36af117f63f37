/*
 * vars: named values for {placeholders} in templates: "{nam}", "{tong_kh}".
 * Forms and the wording of documents expand their text through one vars
 * list, so a template can use any figure or name the report knows, and an
 * unknown placeholder is an error (a typo in a template must not print as
 * literal braces in an issued document).
 */
#ifndef MTQG_VARS_H
#define MTQG_VARS_H

#include "strbuf.h"

typedef struct vars {
    int n, alloc;
    char **names;
    char **values;
} vars;

/** vars_init / vars_free */
void vars_init(vars *v);
void vars_free(vars *v);
/** vars_set - set name to value (copied), replacing an earlier value. */
void vars_set(vars *v, const char *name, const char *value);
/** vars_setf - set name to a formatted value. */
void vars_setf(vars *v, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/** vars_get - the value, or NULL. */
const char *vars_get(const vars *v, const char *name);
/**
 * vars_expand - append tmpl to out with every {name} replaced. "{{" writes
 * "{". "{?name:text}" writes text (expanded) only when name's value says
 * something (not empty, "0" or "-"), "{!name:text}" only when it does not,
 * so a zero figure is left out of a sentence. Returns 0, or -1 with
 * "unknown placeholder {x}" appended to err.
 */
int vars_expand(const vars *v, const char *tmpl, strbuf *out, strbuf *err);

#endif
