/* Run manifests and SHA-256; see manifest.h. */
#include "manifest.h"
#include "../util/syserr.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../util/regfile.h"

/* A JSON string: quotes, backslashes and control characters escaped. */
static void json_str(strbuf *sb, const char *s)
{
    strbuf_addch(sb, '"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') strbuf_addf(sb, "\\%c", c);
        else if (c < 0x20) strbuf_addf(sb, "\\u%04x", c);
        else strbuf_addch(sb, (char)c);
    }
    strbuf_addch(sb, '"');
}

void manifest_begin(manifest *m, const char *program, const char *job, const char *period,
                    const char *as_of)
{
    m->head = m->inputs = m->outputs = m->warnings = m->digest_src = (strbuf)STRBUF_INIT;
    m->hashed = NULL;
    m->digest_at = NULL;
    m->nhashed = m->alloc_hashed = 0;
    strbuf_adds(&m->head, "  \"program\": ");
    json_str(&m->head, program);
    strbuf_adds(&m->head, ",\n  \"job\": ");
    json_str(&m->head, job);
    strbuf_adds(&m->head, ",\n  \"period\": ");
    json_str(&m->head, period);
    strbuf_adds(&m->head, ",\n  \"as_of\": ");
    json_str(&m->head, as_of);
    strbuf_addf(&m->digest_src, "%s\n%s\n%s\n%s\n", program, job, period, as_of);
}

void manifest_digest_known(manifest *m, const char *path, const char hex[SHA256_HEX], uint64_t size)
{
    int had = m->alloc_hashed;
    ALLOC_GROW(m->hashed, m->nhashed + 1, m->alloc_hashed);
    if (m->alloc_hashed != had) m->digest_at = xrealloc(m->digest_at, (size_t)m->alloc_hashed * sizeof(size_t));
    m->digest_at[m->nhashed] = m->digest_src.len;
    strbuf_addf(&m->digest_src, "%s %s\n", hex, path);
    manifest_hash *h = &m->hashed[m->nhashed++];
    h->path = xstrdup(path);
    memcpy(h->hex, hex, SHA256_HEX);
    h->size = size;
}

int manifest_digest_file(manifest *m, const char *path, strbuf *err)
{
    char hex[SHA256_HEX];
    uint64_t size;
    if (sha256_file(path, hex, &size, err) < 0) return -1;
    manifest_digest_known(m, path, hex, size);
    return 0;
}

int manifest_mark(const manifest *m)
{
    return m->nhashed;
}

void manifest_rewind(manifest *m, int mark)
{
    if (mark >= m->nhashed) return;
    strbuf_setlen(&m->digest_src, m->digest_at[mark]);
    while (m->nhashed > mark) free(m->hashed[--m->nhashed].path);
}

/* The hash and size of path: from the digest if it was hashed there. */
static int hash_of(const manifest *m, const char *path, char hex[SHA256_HEX], uint64_t *size,
                   strbuf *err)
{
    for (int i = 0; i < m->nhashed; i++)
        if (!strcmp(m->hashed[i].path, path)) {
            memcpy(hex, m->hashed[i].hex, SHA256_HEX);
            *size = m->hashed[i].size;
            return 0;
        }
    return sha256_file(path, hex, size, err);
}

void manifest_inputs_digest(const manifest *m, char hex[SHA256_HEX])
{
    sha256_text(m->digest_src.buf, m->digest_src.len, hex);
}

/* One item of a list: ",\n" between items. */
static void item(strbuf *list)
{
    strbuf_adds(list, list->len ? ",\n    " : "    ");
}

/* An item's path, size and hash, left open for more fields. */
static void known_item(strbuf *list, const char *shown, const char *hex, uint64_t size)
{
    item(list);
    strbuf_adds(list, "{\"path\": ");
    json_str(list, shown);
    strbuf_addf(list, ", \"bytes\": %llu, \"sha256\": \"%s\"", (unsigned long long)size, hex);
}

static int file_item(const manifest *m, strbuf *list, const char *shown, const char *path,
                     strbuf *err)
{
    char hex[SHA256_HEX];
    uint64_t size;
    if (hash_of(m, path, hex, &size, err) < 0) return -1;
    known_item(list, shown, hex, size);
    return 0;
}

int manifest_input(manifest *m, const char *path, long read, long accepted, long skipped,
                   long rejected, long duplicates, strbuf *err)
{
    if (file_item(m, &m->inputs, path, path, err) < 0) return -1;
    strbuf_addf(&m->inputs, ", \"read\": %ld, \"accepted\": %ld, \"skipped\": %ld, "
                "\"rejected\": %ld, \"duplicates\": %ld}", read, accepted, skipped, rejected,
                duplicates);
    return 0;
}

int manifest_output(manifest *m, const char *final_path, const char *tmp, const char *hex,
                    uint64_t bytes, strbuf *err)
{
    if (hex) known_item(&m->outputs, final_path, hex, bytes);
    else if (file_item(m, &m->outputs, final_path, tmp, err) < 0) return -1;
    strbuf_addch(&m->outputs, '}');
    return 0;
}

void manifest_warning(manifest *m, const char *text)
{
    item(&m->warnings);
    json_str(&m->warnings, text);
}

static void list(strbuf *out, const char *name, const strbuf *items)
{
    strbuf_addf(out, ",\n  \"%s\": [", name);
    if (items->len) strbuf_addf(out, "\n%s\n  ", items->buf);
    strbuf_addch(out, ']');
}

int manifest_finish(manifest *m, int status, FILE *fp)
{
    char digest[SHA256_HEX];
    manifest_inputs_digest(m, digest);
    strbuf out = STRBUF_INIT;
    strbuf_addf(&out, "{\n%s,\n  \"inputs_digest\": \"%s\"", m->head.buf, digest);
    list(&out, "inputs", &m->inputs);
    list(&out, "outputs", &m->outputs);
    list(&out, "warnings", &m->warnings);
    strbuf_addf(&out, ",\n  \"status\": %d\n}\n", status);
    int rc = fwrite(out.buf, 1, out.len, fp) == out.len ? 0 : -1;
    strbuf_release(&out);
    return rc;
}

void manifest_free(manifest *m)
{
    strbuf_release(&m->head);
    strbuf_release(&m->inputs);
    strbuf_release(&m->outputs);
    strbuf_release(&m->warnings);
    strbuf_release(&m->digest_src);
    for (int i = 0; i < m->nhashed; i++) free(m->hashed[i].path);
    free(m->hashed);
    free(m->digest_at);
    m->hashed = NULL;
    m->digest_at = NULL;
    m->nhashed = m->alloc_hashed = 0;
}

/* An output line of a manifest, {"path": "...", ..., "sha256": "..."}:
 * 1 when that file still has that SHA-256. A path with an escape is
 * taken as changed: making the outputs again is always safe. */
static int output_unchanged(const char *line)
{
    const char *p = strstr(line, "{\"path\": \""), *h = strstr(line, "\"sha256\": \"");
    if (!p || !h) return 0;
    p += 10;
    const char *end = strchr(p, '"');
    if (!end || memchr(p, '\\', (size_t)(end - p)) || strlen(h + 11) < 64) return 0;
    char *file = xstrndup(p, (size_t)(end - p)), hex[SHA256_HEX];
    strbuf err = STRBUF_INIT;
    int same = sha256_file(file, hex, NULL, &err) == 0 && !strncmp(hex, h + 11, 64);
    strbuf_release(&err);
    free(file);
    return same;
}

int manifest_still_current(const char *path, const char digest[SHA256_HEX])
{
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    char *line = NULL;
    size_t cap = 0;
    int same_digest = 0, in_outputs = 0, outputs_ok = 1;
    while (outputs_ok && getline(&line, &cap, f) > 0) {
        const char *k = strstr(line, "\"inputs_digest\": \"");
        if (k) same_digest = strlen(k + 18) >= 64 && !strncmp(k + 18, digest, 64);
        else if (strstr(line, "\"outputs\": [")) in_outputs = !strchr(line, ']');
        else if (in_outputs && !strchr(line, '{')) in_outputs = 0;
        else if (in_outputs) outputs_ok = output_unchanged(line);
    }
    free(line);
    fclose(f);
    return same_digest && outputs_ok;
}
