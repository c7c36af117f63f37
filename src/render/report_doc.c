/* Wording template to document; see report_doc.h. */
#include "report_doc.h"

#include <stdlib.h>
#include <string.h>

#include "../util/linefile.h"

static void add_line(wording *w, const char *text, int lineno)
{
    if (w->nlines == w->alloc) {
        w->alloc = w->alloc ? w->alloc * 2 : 64;
        w->lines = xrealloc(w->lines, (size_t)w->alloc * sizeof(char *));
        w->linenos = xrealloc(w->linenos, (size_t)w->alloc * sizeof(int));
    }
    w->lines[w->nlines] = xstrdup(text);
    w->linenos[w->nlines++] = lineno;
}

static int load_line(wording *w, linefile *lf, strbuf *pending, int *start, strbuf *err)
{
    const char *sec = lf->section.buf;
    if (!strcmp(sec, "body")) {
        if (!pending->len) *start = lf->lineno;
        strbuf_adds(pending, lf->line.buf);
        if (pending->len && pending->buf[pending->len - 1] == '\\') {
            strbuf_setlen(pending, pending->len - 1);
            strbuf_addch(pending, ' ');
            return 0;
        }
        add_line(w, pending->buf, *start);
        strbuf_reset(pending);
        return 0;
    }
    char *k, *v;
    vars *dst = !strcmp(sec, "lists") ? &w->lists : !strcmp(sec, "items") ? &w->items
              : !strcmp(sec, "document") ? &w->settings : NULL;
    if (!dst || split_key_value(lf->line.buf, &k, &v) < 0)
        return linefile_error(lf, err, "cần \"khóa = giá trị\" trong [document], [lists] hoặc "
                              "[items], hoặc một dòng trong [body]");
    vars_set(dst, k, v);
    return 0;
}

int wording_load(wording *w, const char *path, strbuf *err)
{
    memset(w, 0, sizeof *w);
    vars_init(&w->settings);
    vars_init(&w->lists);
    vars_init(&w->items);
    w->file = xstrdup(path);
    linefile lf;
    if (linefile_open(&lf, path, err) < 0) return -1;
    strbuf pending = STRBUF_INIT;
    int is_section, rc = 0, start = 0;
    while (rc == 0 && linefile_next(&lf, &is_section))
        if (!is_section) rc = load_line(w, &lf, &pending, &start, err);
    if (rc == 0 && pending.len) add_line(w, pending.buf, start);
    strbuf_release(&pending);
    linefile_close(&lf);
    return rc;
}

void wording_free(wording *w)
{
    for (int i = 0; i < w->nlines; i++) free(w->lines[i]);
    free(w->lines);
    free(w->linenos);
    free(w->file);
    vars_free(&w->settings);
    vars_free(&w->lists);
    vars_free(&w->items);
    memset(w, 0, sizeof *w);
}

int wording_list_size(const wording *w, const char *name, int dflt)
{
    const char *v = vars_get(&w->lists, name);
    return v ? atoi(v) : dflt;
}

/* "\n" in a template value stands for a line break. */
static void unescape_newlines(strbuf *sb)
{
    char *r = sb->buf, *o = sb->buf;
    for (; *r; r++) {
        if (r[0] == '\\' && r[1] == 'n') *o++ = '\n', r++;
        else *o++ = *r;
    }
    strbuf_setlen(sb, (size_t)(o - sb->buf));
}

static int expand_at(const wording *w, int line, const vars *v, const char *text,
                     strbuf *out, strbuf *err)
{
    strbuf_reset(out);
    if (vars_expand(v, text, out, err) == 0) return 0;
    strbuf_addf(err, " (%s:%d)", w->file, w->linenos[line]);
    return -1;
}

static void add_block(document *d, const char *text)
{
    static const struct { const char *prefix; block_kind kind; } kinds[] = {
        {"@h3 ", BLOCK_HEADING3}, {"@h2 ", BLOCK_HEADING2}, {"@h1 ", BLOCK_HEADING1},
        {"! ", BLOCK_NOTICE}, {"- ", BLOCK_BULLET}};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        size_t n = strlen(kinds[i].prefix);
        if (!strncmp(text, kinds[i].prefix, n)) {
            document_add_block(d, kinds[i].kind,
                               kinds[i].kind == BLOCK_BULLET ? text : text + n);
            return;
        }
    }
    document_add_block(d, BLOCK_PARAGRAPH, text);
}

static int truthy(const char *v)
{
    return v && *v && strcmp(v, "0");
}

/* "@list name: text" and "@if name: text" split into name and text. */
static int directive(const char *line, const char *word, char *name, size_t n,
                     const char **rest)
{
    size_t wl = strlen(word);
    if (strncmp(line, word, wl) || line[wl] != ' ') return 0;
    const char *colon = strchr(line, ':');
    if (!colon) return 0;
    const char *s = line + wl + 1;
    size_t len = (size_t)(colon - s);
    if (len >= n) len = n - 1;
    memcpy(name, s, len);
    name[len] = '\0';
    for (*rest = colon + 1; **rest == ' '; (*rest)++) {}
    return 1;
}

/* One item of a list: its own placeholders first, then the report's. */
static int expand_item(const wording *w, int line, const facts *f, const vars *item,
                       const char *text, strbuf *out, strbuf *err)
{
    vars both;
    vars_init(&both);
    for (int s = 0; s < f->scalars.n; s++) vars_set(&both, f->scalars.names[s], f->scalars.values[s]);
    for (int s = 0; s < item->n; s++) vars_set(&both, item->names[s], item->values[s]);
    int rc = expand_at(w, line, &both, text, out, err);
    vars_free(&both);
    return rc;
}

static const fact_list *find_list(const wording *w, int line, const facts *f,
                                  const char *name, strbuf *err)
{
    const fact_list *l = facts_list(f, name);
    if (!l) strbuf_addf(err, "%s:%d: không có danh sách \"%s\"", w->file, w->linenos[line], name);
    return l;
}

/* "@items name": each item's text is [items] "name.<its loai>". */
static int items_line(document *d, const wording *w, int i, const facts *f,
                      const char *name, strbuf *out, strbuf *err)
{
    const fact_list *l = find_list(w, i, f, name, err);
    if (!l) return -1;
    char key[128];
    for (int k = 0; k < l->n; k++) {
        snprintf(key, sizeof key, "%s.%s", name, vars_get(&l->items[k], "loai"));
        const char *text = vars_get(&w->items, key);
        if (!text) {
            strbuf_addf(err, "%s:%d: thiếu \"%s = ...\" trong mục [items]", w->file,
                        w->linenos[i], key);
            return -1;
        }
        if (!*text) continue; /* an empty text leaves that kind of line out */
        if (expand_item(w, i, f, &l->items[k], text, out, err) < 0) return -1;
        add_block(d, out->buf);
    }
    return 0;
}

/* Line i of the body, as given in line (appendix references resolved). */
static int body_text(document *d, const wording *w, int i, const char *line, const facts *f,
                     strbuf *out, strbuf *err)
{
    const char *rest;
    char name[64];
    if (!strncmp(line, "@items ", 7)) {
        snprintf(name, sizeof name, "%s", line + 7);
        return items_line(d, w, i, f, name, out, err);
    }
    if (directive(line, "@list", name, sizeof name, &rest)) {
        const fact_list *l = find_list(w, i, f, name, err);
        if (!l) return -1;
        for (int k = 0; k < l->n; k++) {
            if (expand_item(w, i, f, &l->items[k], rest, out, err) < 0) return -1;
            add_block(d, out->buf);
        }
        return 0;
    }
    if (directive(line, "@if", name, sizeof name, &rest)) {
        if (!truthy(vars_get(&f->scalars, name))) return 0;
        line = rest;
    }
    if (expand_at(w, i, &f->scalars, line, out, err) < 0) return -1;
    add_block(d, out->buf);
    return 0;
}

static int resolve_refs(const document *d, const char *line, strbuf *out);

static int body_line(document *d, const wording *w, int i, const facts *f,
                     strbuf *out, strbuf *err)
{
    strbuf resolved = STRBUF_INIT;
    int rc = resolve_refs(d, w->lines[i], &resolved) ? body_text(d, w, i, resolved.buf, f, out, err) : 0;
    strbuf_release(&resolved);
    return rc;
}

static int heading_level(block_kind k)
{
    return k == BLOCK_HEADING1 ? 1 : k == BLOCK_HEADING2 ? 2 : k == BLOCK_HEADING3 ? 3 : 0;
}

/* A heading with nothing under it before the next heading of its level or
 * above ("2. Mục tiêu" when the run has no indicators) is left out. Only
 * sections (levels 1 and 2): a level-3 point may head the points below it
 * (a project over its sub-projects). */
static void drop_empty_sections(document *d)
{
    int n = 0;
    for (int i = 0; i < d->nblocks; i++) {
        int lv = heading_level(d->blocks[i].kind), body = !lv || lv == 3;
        for (int k = i + 1; lv && k < d->nblocks; k++) {
            int kl = heading_level(d->blocks[k].kind);
            if (kl && kl <= lv) break;
            if (!kl) {
                body = 1;
                break;
            }
        }
        if (body) d->blocks[n++] = d->blocks[i];
        else free(d->blocks[i].text);
    }
    d->nblocks = n;
}

/* The PDF adds "- " and the closing ";" or "."; drop any the user typed. */
static void trim_list_line(strbuf *sb, const char *text)
{
    strbuf_reset(sb);
    if (!strncmp(text, "- ", 2)) text += 2;
    strbuf_adds(sb, text);
    while (sb->len && strchr(".;, ", sb->buf[sb->len - 1])) strbuf_setlen(sb, sb->len - 1);
}

static void add_recipient(document *d, const char *text)
{
    strbuf sb = STRBUF_INIT;
    trim_list_line(&sb, text);
    document_add_recipient(d, sb.buf);
    strbuf_release(&sb);
}

/* A config value where "\n" breaks the line (signature blocks). */
static void set_lines(char **field, const char *value)
{
    strbuf sb = STRBUF_INIT;
    strbuf_adds(&sb, value ? value : "");
    unescape_newlines(&sb);
    document_set(field, sb.buf);
    strbuf_release(&sb);
}

static int settings_text(const wording *w, const char *key, const vars *v,
                         strbuf *out, strbuf *err);

/* "Kính gửi:" and its addressees (a report sent upward, §II.9.b); the
 * Nơi nhận list then starts with the wording's "Như trên". */
static int addressees(document *d, const wording *w, const config_unit *u, const vars *v,
                      strbuf *err)
{
    if (!u->addressees || !*u->addressees) return 0;
    strbuf sb = STRBUF_INIT, line = STRBUF_INIT;
    int rc = settings_text(w, "addressee_label", v, &sb, err);
    if (rc == 0) document_set(&d->addressee_label, sb.buf);
    if (rc == 0 && (rc = settings_text(w, "recipients_first", v, &sb, err)) == 0)
        add_recipient(d, sb.buf);
    char *copy = xstrdup(u->addressees), *f[64];
    int n = split_fields(copy, '|', f, 64);
    for (int i = 0; rc == 0 && i < n; i++) {
        if (!*f[i]) continue;
        trim_list_line(&line, f[i]);
        document_add_addressee(d, line.buf);
    }
    free(copy);
    strbuf_release(&sb);
    strbuf_release(&line);
    return rc;
}

static int header_fields(document *d, const wording *w, const config *cfg, const vars *v,
                         strbuf *err)
{
    const config_unit *u = &cfg->unit;
    strbuf sb = STRBUF_INIT;
    document_set(&d->parent_agency, u->parent_agency);
    document_set(&d->agency, u->agency);
    strbuf_addf(&sb, "Số: %s", vars_get(v, "so_hieu"));
    document_set(&d->number_line, sb.buf);
    if (!cfg->unit.draft) document_set(&d->number, vars_get(v, "so_hieu"));
    strbuf_reset(&sb);
    strbuf_addf(&sb, "%s, %s", u->place ? u->place : "", vars_get(v, "ngay_van_ban"));
    document_set(&d->place_date, sb.buf);
    if (d->working) { /* never signed nor sent */
        strbuf_release(&sb);
        return 0;
    }
    set_lines(&d->sign_authority, u->sign_authority);
    set_lines(&d->sign_position, u->sign_position);
    document_set(&d->signer, u->signer);
    strbuf_release(&sb);
    int rc = addressees(d, w, u, v, err);
    for (int i = 0; i < u->nrecipients; i++) add_recipient(d, u->recipients[i]);
    if (u->archive && *u->archive) add_recipient(d, u->archive);
    return rc;
}

static void roman_numeral(strbuf *sb, int n)
{
    static const char *r[] = {"", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X",
                              "XI", "XII", "XIII", "XIV", "XV", "XVI", "XVII", "XVIII", "XIX", "XX"};
    if (n >= 0 && n <= 20) strbuf_adds(sb, r[n]);
    else strbuf_addf(sb, "%d", n);
}

static int settings_text(const wording *w, const char *key, const vars *v,
                         strbuf *out, strbuf *err)
{
    const char *t = vars_get(&w->settings, key);
    strbuf_reset(out);
    if (!t) {
        strbuf_addf(err, "%s: thiếu khóa \"%s\" trong mục [document]", w->file, key);
        return -1;
    }
    if (vars_expand(v, t, out, err) < 0) {
        strbuf_addf(err, " (%s: [document] %s)", w->file, key);
        return -1;
    }
    unescape_newlines(out);
    return 0;
}

/* "Phụ lục I" and, when the wording has one, the caption naming this
 * document ("Kèm theo Kế hoạch số ..."), for each table in order. */
static int add_appendices(document *d, const wording *w, vars *v,
                          table *const *tables, int ntables, strbuf *out, strbuf *err)
{
    strbuf cap = STRBUF_INIT;
    int rc = 0, has_caption = vars_get(&w->settings, "appendix_caption") != NULL;
    if (has_caption) rc = settings_text(w, "appendix_caption", v, &cap, err);
    for (int i = 0; i < ntables && rc == 0; i++) {
        strbuf num = STRBUF_INIT;
        roman_numeral(&num, i + 1);
        vars_set(v, "so_la_ma", num.buf);
        strbuf_release(&num);
        if ((rc = settings_text(w, "appendix_label", v, out, err)) != 0) break;
        document_add_appendix(d, out->buf, has_caption ? cap.buf : NULL, tables[i]);
    }
    strbuf_release(&cap);
    return rc;
}

#define REF_OPEN "{phu_luc:"

/* Is form id one of the comma-separated ids in [s, e)? */
static int ref_names(const char *s, const char *e, const char *id)
{
    size_t n = strlen(id);
    while (s < e) {
        while (s < e && (*s == ' ' || *s == ',')) s++;
        const char *t = s;
        while (t < e && *t != ',') t++;
        const char *te = t;
        while (te > s && te[-1] == ' ') te--;
        if ((size_t)(te - s) == n && !strncmp(s, id, n)) return 1;
        s = t;
    }
    return 0;
}

/*
 * "{phu_luc:01_kh_du_an,02_kh_xa}" in a body line: the labels of those
 * forms' appendices in this document ("Phụ lục I, Phụ lục II"), so the
 * text names the appendix of the form it means whatever the order of the
 * forms. Writes the line with every reference resolved to out; returns 0
 * when a reference names no appendix of the run (the line is left out).
 */
static int resolve_refs(const document *d, const char *line, strbuf *out)
{
    strbuf_reset(out);
    for (const char *p = line; *p;) {
        const char *r = strstr(p, REF_OPEN), *e = r ? strchr(r, '}') : NULL;
        if (!e) {
            strbuf_adds(out, p);
            break;
        }
        strbuf_add(out, p, (size_t)(r - p));
        int n = 0;
        for (int i = 0; i < d->nappendices; i++) {
            const table *t = d->appendices[i].tbl;
            if (!t || !t->form_id || !ref_names(r + strlen(REF_OPEN), e, t->form_id)) continue;
            strbuf_addf(out, "%s%s", n++ ? ", " : "", d->appendices[i].label);
        }
        if (!n) return 0;
        p = e + 1;
    }
    return 1;
}

/* Every appendix is referred to from the text (Nghị định 30): one no body
 * line names is said in warn. */
static void unreferenced_appendices(const wording *w, const document *d, strbuf *warn)
{
    for (int i = 0; warn && i < d->nappendices; i++) {
        const table *t = d->appendices[i].tbl;
        const char *id = t && t->form_id ? t->form_id : "";
        int used = 0;
        for (int k = 0; k < w->nlines && !used; k++)
            for (const char *r = w->lines[k]; !used && (r = strstr(r, REF_OPEN)); r++) {
                const char *e = strchr(r, '}');
                used = e && ref_names(r + strlen(REF_OPEN), e, id);
            }
        if (!used)
            strbuf_addf(warn, "%s: %s (biểu %s) không được nhắc đến trong lời văn; thêm "
                        REF_OPEN "%s} vào dòng nói về nó\n", w->file, d->appendices[i].label, id, id);
    }
}

document *report_doc_build(const wording *w, const facts *f, const config *cfg,
                           table *const *tables, int ntables, strbuf *warn, strbuf *err)
{
    document *d = document_new();
    strbuf out = STRBUF_INIT;
    const char *kind = vars_get(&w->settings, "working_paper");
    d->working = kind && !strcmp(kind, "yes");
    /* The facts and the appendix labels ({phu_luc_01_kh_du_an}). */
    facts all = *f;
    vars_init(&all.scalars);
    for (int s = 0; s < f->scalars.n; s++) vars_set(&all.scalars, f->scalars.names[s], f->scalars.values[s]);
    int rc = add_appendices(d, w, &all.scalars, tables, ntables, &out, err);
    if (rc == 0) rc = header_fields(d, w, cfg, &all.scalars, err);
    if (rc == 0) rc = settings_text(w, "doc_type", &all.scalars, &out, err);
    if (rc == 0) document_set(&d->doc_type, out.buf);
    if (rc == 0 && (rc = settings_text(w, "title", &all.scalars, &out, err)) == 0)
        document_set(&d->title, out.buf);
    /* Optional: the file's Subject and Keywords. */
    const char *props[] = {"subject", "keywords"};
    char **fields[] = {&d->subject, &d->keywords};
    for (int i = 0; rc == 0 && i < 2; i++)
        if (vars_get(&w->settings, props[i]) &&
            (rc = settings_text(w, props[i], &all.scalars, &out, err)) == 0)
            document_set(fields[i], out.buf);
    for (int i = 0; rc == 0 && i < w->nlines; i++) rc = body_line(d, w, i, &all, &out, err);
    drop_empty_sections(d);
    if (rc == 0) unreferenced_appendices(w, d, warn);
    vars_free(&all.scalars);
    strbuf_release(&out);
    if (rc) {
        /* On failure the caller keeps its tables. */
        for (int i = 0; i < d->nappendices; i++) d->appendices[i].tbl = NULL;
        document_free(d);
        return NULL;
    }
    return d;
}
