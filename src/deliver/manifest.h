/*
 * manifest: what a run read and wrote, as JSON beside the outputs: every
 * input and output with its size and SHA-256, the row counts, the
 * warnings, the program version and the exit status. Its inputs digest
 * (one SHA-256 over the config, the templates and every input) lets a
 * cron run that finds nothing new skip its work and its mail.
 * Nothing time-dependent is written, so a manifest is reproducible too.
 */
#ifndef MTQG_MANIFEST_H
#define MTQG_MANIFEST_H

#include <stdint.h>
#include <stdio.h>

#include "../util/sha256.h"
#include "../util/strbuf.h"

/* A file hashed for the digest, kept so listing it does not hash it again
 * (the inputs can be hundreds of megabytes). */
typedef struct manifest_hash {
    char *path;
    char hex[SHA256_HEX];
    uint64_t size;
} manifest_hash;

typedef struct manifest {
    strbuf head;               /* program, job, period, as-of */
    strbuf inputs, outputs, warnings; /* the three lists' items */
    strbuf digest_src;         /* what the inputs digest is taken over */
    size_t *digest_at;         /* digest_src's length before each hashed file */
    manifest_hash *hashed;
    int nhashed, alloc_hashed;
} manifest;

/** manifest_begin - start a manifest for a job and period. */
void manifest_begin(manifest *m, const char *program, const char *job, const char *period,
                    const char *as_of);
/**
 * manifest_digest_file - add a file (config, template or input) to what
 * the inputs digest covers; -1 with err when it cannot be read.
 */
int manifest_digest_file(manifest *m, const char *path, strbuf *err);
/** manifest_digest_known - the same for a file already hashed (by the
 * reader, over the bytes it read): its hex SHA-256 and size. */
void manifest_digest_known(manifest *m, const char *path, const char hex[SHA256_HEX], uint64_t size);
/** manifest_mark - how many files the digest covers so far, to go back to. */
int manifest_mark(const manifest *m);
/** manifest_rewind - forget the files added since manifest_mark said mark. */
void manifest_rewind(manifest *m, int mark);
/** manifest_inputs_digest - the hex digest over every file added so far. */
void manifest_inputs_digest(const manifest *m, char hex[SHA256_HEX]);
/** manifest_input - list an input with its counts (hashed unless digested). */
int manifest_input(manifest *m, const char *path, long read, long accepted, long skipped,
                   long rejected, long duplicates, strbuf *err);
/**
 * manifest_output - list an output under its final name: hex and bytes
 * its SHA-256 and size when known (outset_seal), else (hex NULL) the file
 * at tmp is hashed. 0, or -1 with err.
 */
int manifest_output(manifest *m, const char *final_path, const char *tmp, const char *hex,
                    uint64_t bytes, strbuf *err);
/** manifest_warning - list a warning. */
void manifest_warning(manifest *m, const char *text);
/** manifest_finish - close the JSON with the status; write it to fp. */
int manifest_finish(manifest *m, int status, FILE *fp);
/** manifest_free */
void manifest_free(manifest *m);
/**
 * manifest_still_current - 1 when the manifest file at path records the
 * inputs digest digest and every output it lists is still there with the
 * recorded SHA-256; 0 otherwise (no manifest, other inputs, an output
 * deleted or changed), so the outputs must be made again.
 */
int manifest_still_current(const char *path, const char digest[SHA256_HEX]);

#endif
