/* Test helpers shared by the cmocka tests; see testutil.h. */
#include "testutil.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

char *tu_tmpdir(const char *tag)
{
    const char *base = getenv("TMPDIR");
    strbuf sb = STRBUF_INIT;
    strbuf_addf(&sb, "%s/mtqg-%s-XXXXXX", base && *base ? base : "/tmp", tag);
    if (!mkdtemp(sb.buf)) {
        strbuf_release(&sb);
        return NULL;
    }
    return strbuf_detach(&sb, NULL);
}

void tu_rmtree(const char *dir)
{
    if (!dir || strncmp(dir, "/tmp/", 5) != 0 || strstr(dir, "..")) return;
    strbuf cmd = STRBUF_INIT;
    strbuf_addf(&cmd, "rm -rf '%s'", dir);
    if (system(cmd.buf) != 0) fprintf(stderr, "cannot remove %s\n", dir);
    strbuf_release(&cmd);
}

char *tu_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    strbuf sb = STRBUF_INIT;
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) strbuf_add(&sb, buf, n);
    fclose(f);
    return strbuf_detach(&sb, len);
}

int tu_write_file(const char *path, const char *s)
{
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    size_t n = strlen(s);
    int ok = fwrite(s, 1, n, f) == n;
    return (fclose(f) == 0 && ok) ? 0 : -1;
}

int tu_run(const char *cmd, strbuf *out)
{
    FILE *p = popen(cmd, "r");
    if (!p) return -1;
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0)
        if (out) strbuf_add(out, buf, n);
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int tu_runf(strbuf *out, const char *fmt, ...)
{
    strbuf cmd = STRBUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    strbuf_vaddf(&cmd, fmt, ap);
    va_end(ap);
    int rc = tu_run(cmd.buf, out);
    strbuf_release(&cmd);
    return rc;
}

char *tu_path(const char *dir, const char *name)
{
    strbuf sb = STRBUF_INIT;
    strbuf_addf(&sb, "%s/%s", dir, name);
    return strbuf_detach(&sb, NULL);
}

int tu_count(const char *hay, const char *needle)
{
    int n = 0;
    size_t l = strlen(needle);
    for (const char *p = hay; (p = strstr(p, needle)); p += l) n++;
    return n;
}

/* Entries of dir/.mtqg (the published sets' state) that no set uses:
 * anything but a switch link and the generation it points to. */
static int stale_set_entries(const char *dir, strbuf *names)
{
    char *state = tu_path(dir, ".mtqg");
    DIR *d = opendir(state);
    if (!d) {
        free(state);
        return 0;
    }
    strbuf live = STRBUF_INIT, all = STRBUF_INIT;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        char *p = tu_path(state, e->d_name), to[4096];
        ssize_t k = readlink(p, to, sizeof to - 1);
        if (k >= 0 && !strstr(e->d_name, ".tmp-")) strbuf_addf(&live, "/%.*s/", (int)k, to);
        else strbuf_addf(&all, "/%s/", e->d_name);
        free(p);
    }
    closedir(d);
    int n = 0;
    for (const char *p = all.buf; *p;) {
        const char *end = strchr(p + 1, '/');
        strbuf key = STRBUF_INIT;
        strbuf_add(&key, p, (size_t)(end - p) + 1);
        if (!live.len || !strstr(live.buf, key.buf)) {
            if (names) strbuf_addf(names, " .mtqg%.*s", (int)(end - p), p);
            n++;
        }
        strbuf_release(&key);
        p = end + 1;
    }
    strbuf_release(&live);
    strbuf_release(&all);
    free(state);
    return n;
}

int tu_dir_entries(const char *dir, int hidden_only, strbuf *names)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    if (!d) return -1;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        if (!strcmp(e->d_name, ".mtqg")) {
            n += stale_set_entries(dir, names);
            continue;
        }
        if (hidden_only && e->d_name[0] != '.') continue;
        if (names) strbuf_addf(names, " %s", e->d_name);
        n++;
    }
    closedir(d);
    return n;
}

char *tu_config_copy(const char *from, const char *dir, const char *name,
                     const char *const (*kv)[2], int n, strbuf *err)
{
    char *src = tu_read_file(from, NULL);
    if (!src) {
        strbuf_addf(err, "cannot read %s", from);
        return NULL;
    }
    strbuf out = STRBUF_INIT;
    int *done = calloc((size_t)n + 1, sizeof(int));
    for (char *line = src; *line;) {
        char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        int replaced = 0;
        for (int i = 0; i < n && !replaced; i++) {
            size_t kl = strlen(kv[i][0]);
            if (len > kl && !strncmp(line, kv[i][0], kl) && (line[kl] == ' ' || line[kl] == '=')) {
                strbuf_addf(&out, "%s = %s\n", kv[i][0], kv[i][1]);
                done[i] = replaced = 1;
            }
        }
        if (!replaced) {
            strbuf_add(&out, line, len);
            strbuf_addch(&out, '\n');
        }
        /* templates_dir is left out of the samples (templates/ beside them
         * is found): a copy elsewhere gets it right under [report]. */
        if (len == 8 && !strncmp(line, "[report]", 8))
            for (int i = 0; i < n; i++)
                if (!strcmp(kv[i][0], "templates_dir") && !strstr(src, "\ntemplates_dir")) {
                    strbuf_addf(&out, "templates_dir = %s\n", kv[i][1]);
                    done[i] = 1;
                }
        line = end ? end + 1 : line + len;
    }
    char *path = NULL;
    int missing = -1;
    for (int i = n - 1; i >= 0; i--)
        if (!done[i]) missing = i;
    if (missing >= 0) {
        strbuf_addf(err, "no key %s in %s", kv[missing][0], from);
    } else {
        path = tu_path(dir, name);
        if (tu_write_file(path, out.buf) != 0) {
            strbuf_addf(err, "cannot write %s", path);
            free(path);
            path = NULL;
        }
    }
    free(done);
    free(src);
    strbuf_release(&out);
    return path;
}

int tu_pdf_pages(const char *pdf)
{
    strbuf out = STRBUF_INIT;
    int n = -1;
    if (tu_runf(&out, "pdfinfo '%s' 2>/dev/null", pdf) == 0) {
        const char *p = strstr(out.buf, "\nPages:");
        if (p) n = atoi(p + 7);
    }
    strbuf_release(&out);
    return n;
}

int tu_pdf_text(const char *pdf, int first, int last, int layout, strbuf *out)
{
    const char *mode = layout ? " -layout" : "";
    strbuf_reset(out);
    if (first > 0)
        return tu_runf(out, "pdftotext%s -f %d -l %d '%s' - 2>/dev/null", mode, first, last, pdf);
    return tu_runf(out, "pdftotext%s '%s' - 2>/dev/null", mode, pdf);
}

int tu_render_grey(const char *pdf, int page, int dpi, const char *dir, tu_grey *g)
{
    char *base = tu_path(dir, "render");
    strbuf name = STRBUF_INIT;
    int rc = tu_runf(NULL, "pdftoppm -gray -r %d -f %d -l %d -singlefile '%s' '%s' 2>/dev/null",
                     dpi, page, page, pdf, base);
    strbuf_addf(&name, "%s.pgm", base);
    size_t len = 0;
    char *data = rc == 0 ? tu_read_file(name.buf, &len) : NULL;
    int maxv = 0, off = 0;
    memset(g, 0, sizeof *g);
    if (data && sscanf(data, "P5 %d %d %d%n", &g->w, &g->h, &maxv, &off) == 3 && maxv == 255 &&
        (size_t)off + 1 + (size_t)g->w * (size_t)g->h <= len) {
        g->px = malloc((size_t)g->w * (size_t)g->h);
        memcpy(g->px, data + off + 1, (size_t)g->w * (size_t)g->h);
    }
    free(data);
    unlink(name.buf);
    strbuf_release(&name);
    free(base);
    return g->px ? 0 : -1;
}

void tu_grey_free(tu_grey *g)
{
    free(g->px);
    g->px = NULL;
}

long tu_grey_dark(const tu_grey *g, int x0, int y0, int x1, int y1)
{
    long n = 0;
    for (int y = y0 < 0 ? 0 : y0; y < y1 && y < g->h; y++)
        for (int x = x0 < 0 ? 0 : x0; x < x1 && x < g->w; x++)
            n += g->px[(size_t)y * (size_t)g->w + (size_t)x] < 128;
    return n;
}

int tu_scratch_setup(void **state, const char *tag, const char *need)
{
    tu_scratch *f = calloc(1, sizeof *f);
    f->dir = tu_tmpdir(tag);
    f->out = (strbuf)STRBUF_INIT;
    *state = f;
    if (!getcwd(f->cwd, sizeof f->cwd) || access(need, F_OK)) {
        fprintf(stderr, "%s: run from the repository root after `make %s`\n", tag, need);
        return -1;
    }
    return f->dir ? 0 : -1;
}

int tu_scratch_teardown(void **state)
{
    tu_scratch *f = *state;
    tu_rmtree(f->dir);
    free(f->dir);
    strbuf_release(&f->out);
    free(f);
    return 0;
}

/* &amp; &lt; &gt; &quot; &apos; back to their characters. */
static char *unescape_xml(const char *s, size_t n)
{
    static const char *const ent[][2] = {{"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"},
                                         {"&quot;", "\""}, {"&apos;", "'"}};
    strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < n;) {
        size_t k = 0;
        for (; k < sizeof ent / sizeof ent[0]; k++) {
            size_t l = strlen(ent[k][0]);
            if (i + l <= n && !strncmp(s + i, ent[k][0], l)) {
                strbuf_adds(&sb, ent[k][1]);
                i += l;
                break;
            }
        }
        if (k == sizeof ent / sizeof ent[0]) strbuf_addch(&sb, s[i++]);
    }
    return strbuf_detach(&sb, NULL);
}

int tu_pdf_words(const char *pdf, int page, tu_words *out)
{
    strbuf raw = STRBUF_INIT;
    int rc = tu_runf(&raw, "pdftotext -bbox -f %d -l %d '%s' - 2>/dev/null", page, page, pdf);
    for (const char *p = raw.buf; (p = strstr(p, "<word ")) != NULL;) {
        tu_word w = {0};
        if (sscanf(p, "<word xMin=\"%lf\" yMin=\"%lf\" xMax=\"%lf\" yMax=\"%lf\"", &w.x0, &w.y0,
                   &w.x1, &w.y1) != 4)
            break;
        const char *t = strchr(p, '>'), *e = t ? strstr(t, "</word>") : NULL;
        if (!e) break;
        w.text = unescape_xml(t + 1, (size_t)(e - t - 1));
        ALLOC_GROW(out->v, out->n + 1, out->alloc);
        out->v[out->n++] = w;
        p = e;
    }
    strbuf_release(&raw);
    return rc;
}

void tu_words_free(tu_words *w)
{
    for (int i = 0; i < w->n; i++) free(w->v[i].text);
    free(w->v);
    memset(w, 0, sizeof *w);
}

const tu_word *tu_words_find(const tu_words *w, const char *text, int nth)
{
    for (int i = 0; i < w->n; i++)
        if (!strcmp(w->v[i].text, text) && nth-- == 0) return &w->v[i];
    return NULL;
}

int tu_pdf_find_page(const char *pdf, int from, const char *needle)
{
    int pages = tu_pdf_pages(pdf);
    strbuf text = STRBUF_INIT;
    int found = 0;
    for (int p = from > 0 ? from : 1; p <= pages && !found; p++) {
        tu_pdf_text(pdf, p, p, TU_PDF_FLOW, &text);
        if (strstr(text.buf, needle)) found = p;
    }
    strbuf_release(&text);
    return found;
}

int tu_generated(const char *tag, const char *script, char **dir, catalogue *cat)
{
    strbuf err = STRBUF_INIT, out = STRBUF_INIT;
    *dir = tu_tmpdir(tag);
    int rc = *dir ? catalogue_load(cat, "templates/catalogue.txt", &err) : -1;
    if (rc < 0) fprintf(stderr, "%s: %s\n", tag, *dir ? err.buf : "no scratch folder");
    if (rc == 0 && tu_runf(&out, "/usr/bin/python3 %s '%s'", script, *dir) != 0) {
        fprintf(stderr, "%s: %s\n", script, out.buf);
        rc = -1;
    }
    strbuf_release(&err);
    strbuf_release(&out);
    return rc;
}

int tu_pdf_flat(const char *pdf, int first, int last, int layout, strbuf *out)
{
    strbuf raw = STRBUF_INIT;
    strbuf_reset(out);
    int rc = tu_pdf_text(pdf, first, last, layout, &raw), space = 0;
    for (size_t i = 0; i < raw.len; i++) {
        char c = raw.buf[i];
        if (c == ' ' || c == '\n' || c == '\t' || c == '\f' || c == '\r') {
            space = 1;
            continue;
        }
        if (space && out->len) strbuf_addch(out, ' ');
        space = 0;
        strbuf_addch(out, c);
    }
    strbuf_release(&raw);
    return rc;
}
