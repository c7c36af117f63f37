/*
 * linefile: the reader of the project's own data files under templates/
 * (catalogue, forms, wording). The format is deliberately plain so an
 * office can edit it in any text editor:
 *
 *   # a comment line
 *   [section]
 *   key = value
 *   field | field | field
 *
 * Lines are read one at a time with their line number, so every error can
 * name file and line. No length limit (unlike iniparser's 1024 bytes).
 */
#ifndef MTQG_LINEFILE_H
#define MTQG_LINEFILE_H

#include <stdio.h>

#include "strbuf.h"

typedef struct linefile {
    FILE *fp;
    char *path;
    int lineno;
    strbuf line;     /* current line, trimmed, without newline */
    strbuf section;  /* current [section] name */
} linefile;

/** linefile_open - open path; -1 with a message in err if it cannot. */
int linefile_open(linefile *lf, const char *path, strbuf *err);
/**
 * linefile_next - advance to the next content line, skipping blank lines
 * and comments, and consuming [section] lines (they update lf->section and
 * are also returned, with *is_section set). Returns 1, or 0 at the end.
 */
int linefile_next(linefile *lf, int *is_section);
/** linefile_close - close and free. */
void linefile_close(linefile *lf);
/** linefile_error - append "path:line: msg" to err; returns -1. */
int linefile_error(linefile *lf, strbuf *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/**
 * split_fields - split s at `sep` into at most max trimmed fields, in place
 * (s is modified). Returns the number of fields.
 */
int split_fields(char *s, char sep, char **fields, int max);
/**
 * split_key_value - split "key = value" in place; returns 0, or -1 when the
 * line has no '='.
 */
int split_key_value(char *s, char **key, char **value);

#endif
