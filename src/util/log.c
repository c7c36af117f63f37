/* The log callback; see log.h. */
#include "log.h"

#include <stdarg.h>
#include <string.h>

void mlog_say(const mlog *lg, mlog_level level, const char *fmt, ...)
{
    if (!lg || !lg->sink) return;
    strbuf sb = STRBUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    strbuf_vaddf(&sb, fmt, ap);
    va_end(ap);
    char *p = sb.buf;
    while (*p) {
        char *nl = strchr(p, '\n');
        if (nl) *nl = '\0';
        lg->sink(lg->ctx, level, p);
        if (!nl) break;
        p = nl + 1;
    }
    strbuf_release(&sb);
}

static void to_strbuf(void *ctx, mlog_level level, const char *line)
{
    (void)level;
    strbuf_addf(ctx, "mtqg-report: %s\n", line);
}

mlog mlog_to_strbuf(strbuf *sb)
{
    return (mlog){to_strbuf, sb};
}
