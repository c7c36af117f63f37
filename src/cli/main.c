/*
 * mtqg-report: the command line. main owns everything: it parses the
 * flags, loads the config of each job, applies the overrides, runs the
 * jobs with the console as their log (console.h: each line when it
 * happens, progress and a closing line on a terminal) and maps the results
 * to one exit status. Nothing below it prints or exits.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../config/config.h"
#include "../deliver/smtp.h"
#include "../util/date.h"
#include "../util/trim.h"
#include "console.h"
#include "job.h"

/*
 * The options, once: getopt's table, --help and the man page's list
 * (tests/unit/test_cli.c compares docs/mtqg-report.1 with --help) all come
 * from here. help may hold '\n' for continuation lines.
 */
typedef struct option_doc {
    const char *name;
    int has_arg, key;
    const char *arg, *help;
} option_doc;

static const option_doc options[] = {
    {"config", 1, 'c', "TỆP", "tệp cấu hình (mặc định: reports.ini)"},
    {"only", 1, 'O', "TÊN", "chỉ chạy công việc [job.TÊN]"},
    {"list", 0, 'l', NULL, "liệt kê các công việc, không chạy"},
    {"check", 0, 'k', NULL, "kiểm tra cấu hình, mẫu biểu và dữ liệu vào; không ghi gì"},
    {"dry-run", 0, 'n', NULL, "lập báo cáo và thư (.eml trong hộp thư đi/drafts) nhưng\nkhông gửi"},
    {"input", 1, 'i', "THƯ_MỤC", "thư mục dữ liệu vào; các tệp được nhận theo tên:\n"
                                 "ke_hoach* (kế hoạch vốn, bắt buộc), giai_ngan* (giải ngân),\n"
                                 "chi_tieu* (chỉ tiêu), giao_von* (số vốn được giao);\n"
                                 ".csv, .xlsx hoặc .xls"},
    {"output", 1, 'o', "THƯ_MỤC", "thư mục kết quả"},
    {"year", 1, 'y', "NNNN", "năm của báo cáo (kỳ 2024-Q3 thành NNNN-Q3)"},
    {"as-of", 1, 'a', "NGÀY", "ngày lấy số liệu (YYYY-MM-DD hoặc DD/MM/YYYY); mặc định\nngày cuối của kỳ báo cáo"},
    {"wait", 1, 'w', "GIÂY", "chờ tối đa chừng ấy giây nếu một lần chạy khác đang ghi\n"
                             "vào cùng thư mục kết quả (mặc định 0)"},
    {"quiet", 0, 'q', NULL, "chỉ ghi cảnh báo và lỗi (cho cron: lần chạy tốt không in gì)"},
    {"syslog", 0, 's', NULL, "ghi nhật ký cả vào syslog"},
    {"threads", 1, 't', "N", "số luồng đọc dữ liệu (mặc định: theo số lõi, tối đa 2)"},
    {"timing", 0, 'T', NULL, "ghi thời gian của từng bước (đo hiệu năng)"},
    {"help", 0, 'h', NULL, "in hướng dẫn này"},
    {"version", 0, 'V', NULL, "in phiên bản"},
};
#define NOPTIONS (sizeof options / sizeof options[0])

static const char usage_head[] =
    "Cách dùng: mtqg-report [run] [TÙY CHỌN...]\n"
    "           mtqg-report send-outbox [--config TỆP]\n"
    "\n"
    "Lập bảng biểu Excel và báo cáo PDF Chương trình MTQG phát triển KT-XH vùng\n"
    "đồng bào DTTS&MN (Chương trình 1719) từ dữ liệu kế hoạch vốn, giải ngân và\n"
    "chỉ tiêu xuất ra từ các hệ thống khác, rồi gửi thư cho lãnh đạo.\n"
    "\n"
    "  run                chạy mọi công việc [job.*] của tệp cấu hình (mặc định);\n"
    "                     không có [job.*] thì chạy một báo cáo theo [report]\n"
    "  send-outbox        gửi lại các thư còn trong hộp thư đi\n";

static const char usage_tail[] =
    "Các cờ dòng lệnh được ưu tiên hơn tệp cấu hình. Mọi khóa cấu hình: man 5\n"
    "mtqg-report.ini; hướng dẫn đầy đủ: man mtqg-report và README.md trong\n"
    "thư mục tài liệu (cài đặt: PREFIX/share/doc/mtqg-report).\n"
    "\n"
    "Kết quả (trong thư mục kết quả): <tên>-<kỳ>.xlsx, <tên>-<kỳ>.pdf,\n"
    "<tên>-<kỳ>.docx (văn bản Word sửa được trước khi ban hành),\n"
    "<tên>-<kỳ>-kiem-tra.pdf, .docx (báo cáo kiểm tra số liệu, không ban hành),\n"
    "<tên>-<kỳ>-dong-bi-loai.csv (các dòng bị loại) và <tên>-<kỳ>.manifest.json\n"
    "(bản kê các tệp vào, ra với SHA-256). Các tệp được ghi trọn vẹn rồi mới\n"
    "thay tệp cũ.\n"
    "\n"
    "Mã thoát (nhiều công việc: mã nặng nhất):\n"
    "  0  thành công\n"
    "  1  lỗi nội bộ của chương trình\n"
    "  2  lỗi cấu hình, danh mục, mẫu biểu hoặc tham số dòng lệnh\n"
    "  3  lỗi dữ liệu: có dòng bị loại (báo cáo vẫn được lập nếu on_reject = report),\n"
    "     số vốn được giao khác tổng các dòng phân bổ (giao_von*),\n"
    "     hoặc tệp dữ liệu không đọc được thành bảng\n"
    "  4  thiếu dữ liệu vào (thư mục hoặc tệp kế hoạch vốn)\n"
    "  5  không ghi được kết quả hoặc tệp tạm của lần chạy\n"
    "  6  đã lập báo cáo nhưng không gửi được thư (thư được giữ trong hộp thư đi)\n"
    "  7  một lần chạy khác đang ghi vào thư mục kết quả\n"
    "\n"
    "Biến môi trường: MTQG_PROGRESS_DELAY_MS (số mili giây trước khi hiện dòng\n"
    "tiến độ trên màn hình, mặc định 1000; off: không hiện).\n";

/* Characters, not bytes, for the column. */
static int utf8_width(const char *s)
{
    int n = 0;
    for (; *s; s++) n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static void print_usage(FILE *out)
{
    fputs(usage_head, out);
    for (size_t i = 0; i < NOPTIONS; i++) {
        const option_doc *o = &options[i];
        char left[64];
        snprintf(left, sizeof left, "  --%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
        fputs(left, out);
        int pad = 21 - utf8_width(left);
        if (pad < 1) {
            fputc('\n', out);
            pad = 21;
        }
        for (const char *p = o->help; *p;) {
            const char *nl = strchr(p, '\n');
            int len = nl ? (int)(nl - p) : (int)strlen(p);
            fprintf(out, "%*s%.*s\n", pad, "", len, p);
            pad = 21;
            p += len + (nl != NULL);
        }
    }
    fputs(usage_tail, out);
}

typedef struct cli {
    const char *command, *config, *only, *input, *output, *year, *as_of;
    int threads, timing, list, check, dry_run, wait, use_syslog, quiet;
} cli;

/* A whole base-10 number in [lo, hi]. */
static int parse_count(const char *s, int lo, int hi, int *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < lo || v > hi) return -1;
    *out = (int)v;
    return 0;
}

static int bad_option(const char *what)
{
    fprintf(stderr, "mtqg-report: %s; xem mtqg-report --help\n", what);
    return -1;
}

static int parse_args(int argc, char **argv, cli *a)
{
    struct option opts[NOPTIONS + 1];
    char shorts[3 * NOPTIONS + 2] = ":";
    for (size_t i = 0; i < NOPTIONS; i++) {
        opts[i] = (struct option){options[i].name, options[i].has_arg, 0, options[i].key};
        char k[3] = {(char)options[i].key, options[i].has_arg ? ':' : 0, 0};
        strcat(shorts, k);
    }
    opts[NOPTIONS] = (struct option){0, 0, 0, 0};
    opterr = 0; /* our own messages, in Vietnamese */
    int c;
    char what[256];
    while ((c = getopt_long(argc, argv, shorts, opts, NULL)) != -1) {
        switch (c) {
        case 'c': a->config = optarg; break;
        case 'i': a->input = optarg; break;
        case 'o': a->output = optarg; break;
        case 'y': a->year = optarg; break;
        case 'a': a->as_of = optarg; break;
        case 't':
            if (parse_count(optarg, 1, 64, &a->threads) < 0) {
                snprintf(what, sizeof what, "--threads \"%s\": cần một số từ 1 đến 64", optarg);
                return bad_option(what);
            }
            break;
        case 'O': a->only = optarg; break;
        case 'w':
            if (parse_count(optarg, 0, 86400, &a->wait) < 0) {
                snprintf(what, sizeof what, "--wait \"%s\": cần số giây từ 0 đến 86400", optarg);
                return bad_option(what);
            }
            break;
        case 'l': a->list = 1; break;
        case 'k': a->check = 1; break;
        case 'n': a->dry_run = 1; break;
        case 's': a->use_syslog = 1; break;
        case 'q': a->quiet = 1; break;
        case 'T': a->timing = 1; break;
        case 'h': print_usage(stdout); return 1;
        case 'V': puts("mtqg-report " MTQG_VERSION); return 1;
        case ':':
            snprintf(what, sizeof what, "tùy chọn \"%s\" cần một giá trị", argv[optind - 1]);
            return bad_option(what);
        default:
            snprintf(what, sizeof what, "không có tùy chọn \"%s\"", argv[optind - 1]);
            return bad_option(what);
        }
    }
    if (optind < argc) a->command = argv[optind++];
    if (a->command && strcmp(a->command, "run") && strcmp(a->command, "send-outbox")) {
        snprintf(what, sizeof what, "không có lệnh \"%s\" (run, send-outbox)", a->command);
        return bad_option(what);
    }
    if (optind < argc) {
        snprintf(what, sizeof what, "tham số thừa \"%s\"", argv[optind]);
        return bad_option(what);
    }
    return 0;
}

static int apply_overrides(config *cfg, const cli *a, strbuf *err)
{
    if (a->input) config_set(&cfg->input_dir, a->input);
    if (a->output) config_set(&cfg->output_dir, a->output);
    if (a->year) {
        char *end;
        long y = strtol(a->year, &end, 10);
        if (*end || y < 2000 || y > 2100) {
            strbuf_addf(err, "mtqg-report: --year \"%s\": cần một năm, ví dụ 2024", a->year);
            return -1;
        }
        strbuf why = STRBUF_INIT;
        int rc = config_set_year(cfg, (int)y, &why);
        if (rc < 0) strbuf_addf(err, "mtqg-report: %s", why.buf);
        strbuf_release(&why);
        if (rc < 0) return -1;
    }
    if (a->as_of && date_parse(a->as_of, strlen(a->as_of), &cfg->as_of) < 0) {
        strbuf_addf(err, "mtqg-report: --as-of \"%s\": cần ngày dạng 2024-12-31", a->as_of);
        return -1;
    }
    if (!cfg->year && cfg->as_of) cfg->year = DATE_Y(cfg->as_of);
    if (!cfg->year) {
        strbuf_addf(err, "mtqg-report: chưa có năm báo cáo ([report] year, period hoặc --year)");
        return -1;
    }
    if (!cfg->as_of) cfg->as_of = date_make(cfg->year, 12, 31);
    if (!cfg->period_tag[0]) snprintf(cfg->period_tag, sizeof cfg->period_tag, "%d", cfg->year);
    if (!cfg->period_label) {
        strbuf sb = STRBUF_INIT;
        strbuf_addf(&sb, "năm %d", cfg->year);
        cfg->period_label = strbuf_detach(&sb, NULL);
    }
    return 0;
}

/* One job: its config, the overrides, the run. */
static int run_one(const cli *a, const char *name, job_summary *sum)
{
    const mlog *log = console_log();
    config cfg;
    config_defaults(&cfg);
    strbuf err = STRBUF_INIT;
    int rc = name ? config_load_job(&cfg, a->config, name, &err) : config_load(&cfg, a->config, &err);
    int status = EXIT_CONFIG;
    if (rc < 0) {
        mlog_say(log, MLOG_ERROR, "lỗi cấu hình: %s", err.buf);
    } else if (apply_overrides(&cfg, a, &err) < 0) {
        mlog_say(log, MLOG_ERROR, "%s", err.buf);
    } else {
        console_set_quiet(a->quiet || cfg.quiet);
        if (name) mlog_say(log, MLOG_INFO, "công việc %s (%s)", name, cfg.period_label);
        job_options opt = {a->threads, 0, a->timing, a->check, a->wait, a->dry_run};
        status = job_run(&cfg, &opt, log, sum);
    }
    strbuf_release(&err);
    config_free(&cfg);
    return status;
}

static void list_jobs(const cli *a, char **names, int n)
{
    if (n == 0) printf("(không có [job.*]: một báo cáo theo [report] của %s)\n", a->config);
    for (int i = 0; i < n; i++) {
        config cfg;
        config_defaults(&cfg);
        strbuf err = STRBUF_INIT;
        if (config_load_job(&cfg, a->config, names[i], &err) == 0)
            printf("%-20s %-10s %-28s %s\n", names[i], cfg.period_tag,
                   cfg.period_label ? cfg.period_label : "", cfg.mail_to ? cfg.mail_to : "-");
        else
            printf("%-20s lỗi: %s\n", names[i], err.buf);
        strbuf_release(&err);
        config_free(&cfg);
    }
}

/* Messages a previous run (stored before start) could not send. Not after
 * a config error: the jobs have said it once already. */
static int retry_outbox(const cli *a, long long start, int status)
{
    if (a->list || a->check || a->dry_run || status == EXIT_CONFIG) return EXIT_OK;
    int rc = job_send_outbox(a->config, start, console_log());
    return rc == EXIT_CONFIG ? EXIT_OK : rc;
}

static int run_jobs(const cli *a, job_summary *sum)
{
    const mlog *log = console_log();
    char **names = NULL;
    int n = 0, status = EXIT_OK;
    long long start = (long long)time(NULL);
    strbuf err = STRBUF_INIT;
    if (config_job_names(a->config, &names, &n, &err) < 0) {
        mlog_say(log, MLOG_ERROR, "lỗi cấu hình: %s", err.buf);
        strbuf_release(&err);
        return EXIT_CONFIG;
    }
    if (a->list) {
        list_jobs(a, names, n);
    } else if (a->only && !n) {
        mlog_say(log, MLOG_ERROR, "--only %s: %s không có [job.*]", a->only, a->config);
        status = EXIT_CONFIG;
    } else {
        int ran = 0;
        for (int i = 0; i < (n ? n : 1); i++) {
            if (a->only && strcmp(names[i], a->only)) continue;
            status = job_worse_status(status, run_one(a, n ? names[i] : NULL, sum));
            ran++;
        }
        if (!ran) {
            mlog_say(log, MLOG_ERROR, "--only %s: không có [job.%s]", a->only, a->only);
            status = EXIT_CONFIG;
        }
        /* After the jobs: a message a job has just replaced is not sent. */
        status = job_worse_status(status, retry_outbox(a, start, status));
    }
    for (int i = 0; i < n; i++) free(names[i]);
    free(names);
    strbuf_release(&err);
    return status;
}

/* The closing line on a terminal: what the run did. */
static void summarize(const cli *a, const job_summary *sum, int status)
{
    if (a->list) return;
    strbuf sb = STRBUF_INIT;
    if (a->check) strbuf_adds(&sb, "đã kiểm tra, không ghi tệp nào");
    else strbuf_addf(&sb, "đã ghi %d tệp", sum->written);
    if (sum->read)
        strbuf_addf(&sb, "; đọc %ld dòng = %ld nhận + %ld bỏ qua + %ld loại", sum->read,
                    sum->accepted, sum->skipped, sum->rejected);
    console_summary(sb.buf, status, job_status_text(status));
    strbuf_release(&sb);
}

int main(int argc, char **argv)
{
    mem_settle();
    cli a = {.config = "reports.ini"};
    int rc = parse_args(argc, argv, &a);
    if (rc) return rc > 0 ? EXIT_OK : EXIT_CONFIG;
    console_options co = {a.use_syslog, a.quiet};
    console_open(&co);
    int status;
    job_summary sum = {0};
    if (a.command && !strcmp(a.command, "send-outbox"))
        status = job_send_outbox(a.config, 0, console_log());
    else
        status = run_jobs(&a, &sum);
    smtp_global_cleanup();
    summarize(&a, &sum, status);
    console_close();
    return status;
}
