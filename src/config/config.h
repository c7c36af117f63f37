/*
 * config: reports.ini (and command-line overrides) as a plain struct. All
 * defaults live in config_defaults; every error names the section and key.
 * Relative paths in the file are taken from the file's own folder, so a
 * cron job can run from anywhere.
 *
 * iniparser 4.1 traps handled here (docs/library-notes.md): lines over 1024
 * bytes and bad lines are found by our own pre-scan with a line number;
 * integers are read base 10 by us (iniparser reads "08" as octal); only
 * "section:key" lookups are made (CVE-2023-33461).
 */
#ifndef MTQG_CONFIG_H
#define MTQG_CONFIG_H

#include "../model/dataset.h"
#include "../util/decimal.h"
#include "../util/strbuf.h"

enum { OUTPUT_XLSX = 1, OUTPUT_PDF = 2, OUTPUT_DOCX = 4 };
/* Before the extension, the check report's files (<name>-kiem-tra.pdf,
 * .xlsx, .docx): written by the run, never read back as data. */
#define OUTPUT_CHECK_SUFFIX "-kiem-tra"

typedef enum { DISB_PAYMENTS = 0, DISB_SNAPSHOT = 1 } disb_mode;
typedef enum { REJECT_REPORT = 0, REJECT_FAIL = 1 } reject_policy;
typedef enum { EMPTY_IS_ERROR = 0, EMPTY_IS_ZERO = 1 } empty_policy;
typedef enum { DUP_COUNT = 0, DUP_REJECT = 1, DUP_OFF = 2 } duplicate_policy;

/* A [file.<name>] section: how to read the input files it names. */
typedef struct config_input {
    char *pattern;       /* file name or shell pattern, case-insensitive */
    char *kind;          /* ke_hoach, giai_ngan, chi_tieu, giao_von; NULL: by name */
    char *sheet;         /* worksheet of an .xlsx / .xls; NULL: the first */
    char *encoding;      /* whole-file encoding of a CSV; NULL: UTF-8 */
    char *delimiter;     /* "," ";" "\t"; NULL: detected */
    char *legacy;        /* text columns typed in TCVN3/VNI/VISCII; NULL: none */
    char *legacy_columns;/* our column names, comma separated; NULL: all text */
    char *number_format; /* vi or en (checked when loaded); NULL: the run's */
    char *amount_unit;   /* trieu, nghin or dong (checked when loaded); NULL: the run's */
    int ncolumns;
    struct config_mapping *columns; /* column.<our name> = header in this file */
    int nvalues;
    struct config_mapping *values;  /* our column name = the value every row of this file has */
    char *layout;        /* a wide table's layout file under templates/; NULL: the forms */
    char *district, *commune; /* a wide table's unit when its rows do not say */
    char *programme;     /* chuong_trinh: the programme of rows that name none; NULL: by code */
} config_input;

/* One "key = header" line of a [map.<kind>] section. */
typedef struct config_mapping {
    char *kind;   /* ke_hoach, giai_ngan, chi_tieu */
    char *field;  /* our column name */
    char *header; /* the header in the user's file */
} config_mapping;

typedef struct config_unit {
    char *province_code, *province_name;
    char *parent_agency, *agency;
    char *doc_number, *doc_symbol;
    char *place;
    int doc_date;                 /* yyyymmdd; 0: the as-of date */
    char *sign_authority, *sign_position, *signer; /* "\n" breaks a line */
    char *addressees;             /* "Kính gửi" of a report sent upward, by |; NULL: none */
    int draft;                    /* number and date left blank for the văn thư */
    int nrecipients;
    char **recipients;
    char *archive;
} config_unit;

typedef enum { SPLIT_NONE = 0, SPLIT_DISTRICT = 1, SPLIT_COMMUNE = 2, SPLIT_PROVINCE = 3 } split_mode;
/* With a crosswalk: rows of old units grouped under the new commune, or
 * the old units shown as the data names them. */
typedef enum { UNITS_NEW = 0, UNITS_OLD = 1 } units_mode;

/* [mail]: how PDFs reach the leaders (shared by every job). */
typedef struct config_mail {
    char *server;                 /* smtp://host:587 or smtps://host:465; NULL: no mail */
    int starttls;                 /* require STARTTLS on smtp:// */
    char *user, *password_file, *password_env;
    char *from;                   /* "Ban Dân tộc <bdt@example.vn>" */
    int timeout;                  /* seconds */
    int max_mb;                   /* largest message */
    char *outbox;                 /* messages not yet sent; relative to the ini */
    char *subject;                /* template with {placeholders} */
    char *body_template;          /* wording file of the message body */
    char *check_subject;          /* the check report's mail: subject template */
    char *check_body_template;    /* and its body's wording file */
    char *ca_file;                /* a CA to trust besides the system's */
} config_mail;

typedef struct config {
    char *path;                   /* the file read, for messages */
    char *name;                   /* the job's name ([job.<name>]), or NULL */
    char *period;                 /* "2024-Q3" ...; NULL: the year */
    char period_tag[24];          /* in file names: "2024", "2024-Q3" */
    split_mode split;             /* one set of outputs per district or commune */
    char *mail_to, *mail_cc;      /* recipients, separated by , */
    char *mail_check_to;          /* the check report's recipients (the preparer) */
    int mail_xlsx;                /* attach the workbook too */
    int mail_docx;                /* attach the Word document too (the sender's copy) */
    int skip_unchanged;           /* inputs as in the last manifest: do nothing */
    int quiet;                    /* log only warnings and errors (cron) */
    config_mail mail;
    int year;
    int year_from;                /* first plan year of a phase (lũy kế); 0: = year */
    int as_of;                    /* yyyymmdd */
    char *period_label;           /* "năm 2024" */
    char *input_dir, *output_dir, *templates_dir, *font_dir;
    char *crosswalk;              /* old unit code -> new commune code file, or NULL */
    units_mode units_as;          /* [report] units = new | old */
    char *catalogue;              /* file under templates_dir, or a path */
    char *report_template;        /* wording of the BÁO CÁO */
    char *forms;                  /* comma-separated form files, in order */
    char *check_template;         /* wording of the check report (kiểm tra) */
    char *rate_scope;             /* source groups of the headline rate; NULL: the catalogue's */
    char *output_name;
    int outputs;                  /* OUTPUT_* bits */
    num_convention numconv;
    int amount_scale;             /* decimals from input unit to đồng */
    disb_mode disbursement;
    reject_policy on_reject;
    empty_policy empty_amount;    /* an empty amount cell: error or zero */
    duplicate_policy duplicates;  /* a row repeated exactly: count it or reject it */
    int64_t tolerance;            /* đồng: control-total differences up to this are rounding */
    /* đồng: the largest plausible amount of one row at commune, district
     * and province level (UNIT_COMMUNE ...); assigned totals take the last */
    int64_t max_amount[3];
    config_unit unit;
    int nmappings;
    config_mapping *mappings;
    int nleads;
    config_mapping *leads;        /* [lead]: field = project code, header = agency */
    int ninputs;
    config_input *inputs;         /* [file.<name>] sections, in file order */
    int nunit_mail;
    config_mapping *unit_mail;    /* [recipients]: field = unit code, header = mailboxes */
} config;

/** config_defaults - fill every field with its default value. */
void config_defaults(config *c);
/**
 * config_load - read path over the defaults. Returns 0, or -1 with a
 * message naming the file, section and key (or line) in err.
 */
int config_load(config *c, const char *path, strbuf *err);
/**
 * config_load_job - read path, then the section [job.<name>] over it (any
 * [report] or [unit] key, and period, split, mail_to, mail_cc, mail_xlsx,
 * skip_unchanged). Returns 0, or -1 with the reason in err.
 */
int config_load_job(config *c, const char *path, const char *name, strbuf *err);
/** config_job_names - the [job.<name>] sections of path, in file order. */
int config_job_names(const char *path, char ***names, int *n, strbuf *err);
/** config_set - replace a string field (copied). */
void config_set(char **field, const char *value);
/**
 * config_set_year - report on another year (--year): the period keeps its
 * kind (2024-Q3 -> 2023-Q3), and the as-of date and the title words are
 * derived again for the new year. 0, or -1 in err for a phase (2021-2025),
 * which --year cannot move.
 */
int config_set_year(config *c, int year, strbuf *err);
/**
 * config_installed_templates - PREFIX/share/mtqg-report/templates, PREFIX
 * being the folder above the running program's bin/ (so a copy installed
 * under any PREFIX or DESTDIR finds its own); NULL if unknown. Used when
 * the config names no templates_dir and has no templates/ beside it.
 * The caller frees it.
 */
char *config_installed_templates(void);
/**
 * config_key_at - the i-th key of the fixed sections ([report], [unit],
 * [job.*] as "job", [mail]): 0 with its section and name, -1 past the end.
 * For documentation checks: the man page must list every one.
 */
int config_key_at(size_t i, const char **section, const char **name);
/** config_template_path - templates_dir/name unless name is a path. */
char *config_template_path(const config *c, const char *name);
/** config_recipients_of - the [recipients] mailboxes of a unit code, or NULL. */
const char *config_recipients_of(const config *c, const char *unit_code);
/** config_years - the plan years the report covers. */
year_span config_years(const config *c);
/**
 * config_input_numbers - the number convention and the amount scale
 * (decimals from the unit to đồng) a file with settings in (or NULL)
 * is read by: its own number_format and amount_unit, else the run's.
 */
void config_input_numbers(const config *c, const config_input *in, num_convention *conv, int *scale);
/** config_input_for - the [file.<name>] settings of a file name, or NULL. */
const config_input *config_input_for(const config *c, const char *file_name);
/** config_free - release every string. */
void config_free(config *c);

#endif
