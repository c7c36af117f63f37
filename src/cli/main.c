/*
 * mtqg-report: the command line. main owns everything: it parses the
 * flags, loads the config of each job, applies the overrides, runs the
 * jobs, prints the log with timestamps (and to syslog on request) and
 * maps the results to one exit status. Nothing below it prints or exits.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "../config/config.h"
#include "../deliver/smtp.h"
#include "../util/date.h"
#include "job.h"

static const char usage[] =
    "Cách dùng: mtqg-report [run] [--config TỆP] [--only TÊN] [--list] [--check]\n"
    "                       [--dry-run] [--input THƯ_MỤC] [--output THƯ_MỤC]\n"
    "                       [--year NNNN] [--as-of YYYY-MM-DD]\n"
    "           mtqg-report send-outbox [--config TỆP]\n"
    "\n"
    "Lập bảng biểu Excel và báo cáo PDF Chương trình MTQG phát triển KT-XH vùng\n"
    "đồng bào DTTS&MN (Chương trình 1719) từ dữ liệu kế hoạch vốn, giải ngân và\n"
    "chỉ tiêu xuất ra từ các hệ thống khác, rồi gửi thư cho lãnh đạo.\n"
    "\n"
    "  run                chạy mọi công việc [job.*] của tệp cấu hình (mặc định);\n"
    "                     không có [job.*] thì chạy một báo cáo theo [report]\n"
    "  send-outbox        gửi lại các thư còn trong hộp thư đi\n"
    "  --config TỆP       tệp cấu hình (mặc định: reports.ini)\n"
    "  --only TÊN         chỉ chạy công việc [job.TÊN]\n"
    "  --list             liệt kê các công việc, không chạy\n"
    "  --check            kiểm tra cấu hình, mẫu biểu và dữ liệu vào; không ghi gì\n"
    "  --dry-run          lập báo cáo và thư (.eml trong hộp thư đi/drafts) nhưng không gửi\n"
    "  --input THƯ_MỤC    thư mục dữ liệu vào; các tệp được nhận theo tên:\n"
    "                     ke_hoach* (kế hoạch vốn, bắt buộc), giai_ngan* (giải ngân),\n"
    "                     chi_tieu* (chỉ tiêu), giao_von* (số vốn được giao);\n"
    "                     .csv, .xlsx hoặc .xls\n"
    "  --output THƯ_MỤC   thư mục kết quả\n"
    "  --year NNNN        năm của báo cáo (kỳ 2024-Q3 thành NNNN-Q3)\n"
    "  --as-of NGÀY       ngày lấy số liệu (YYYY-MM-DD hoặc DD/MM/YYYY); mặc định\n"
    "                     ngày cuối của kỳ báo cáo\n"
    "  --wait GIÂY        chờ tối đa chừng ấy giây nếu một lần chạy khác đang ghi\n"
    "                     vào cùng thư mục kết quả (mặc định 0)\n"
    "  --syslog           ghi nhật ký cả vào syslog\n"
    "  --threads N        số luồng đọc dữ liệu (mặc định: theo số lõi, tối đa 2)\n"
    "  --timing           ghi thời gian của từng bước (đo hiệu năng)\n"
    "  --help, --version\n"
    "Các cờ dòng lệnh được ưu tiên hơn tệp cấu hình. Mọi khóa cấu hình được mô\n"
    "tả trong README.md và man mtqg-report.\n"
    "\n"
    "Kết quả (trong thư mục kết quả): <tên>-<kỳ>.xlsx, <tên>-<kỳ>.pdf,\n"
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
    "  5  không ghi được kết quả\n"
    "  6  đã lập báo cáo nhưng không gửi được thư (thư được giữ trong hộp thư đi)\n"
    "  7  một lần chạy khác đang ghi vào thư mục kết quả\n";

typedef struct cli {
    const char *command, *config, *only, *input, *output, *year, *as_of;
    int threads, timing, list, check, dry_run, wait, use_syslog;
} cli;

static int parse_args(int argc, char **argv, cli *a)
{
    static const struct option opts[] = {
        {"config", required_argument, 0, 'c'}, {"input", required_argument, 0, 'i'},
        {"output", required_argument, 0, 'o'}, {"year", required_argument, 0, 'y'},
        {"as-of", required_argument, 0, 'a'},  {"threads", required_argument, 0, 't'},
        {"only", required_argument, 0, 'O'},   {"wait", required_argument, 0, 'w'},
        {"list", no_argument, 0, 'l'},         {"check", no_argument, 0, 'k'},
        {"dry-run", no_argument, 0, 'n'},      {"syslog", no_argument, 0, 's'},
        {"timing", no_argument, 0, 'T'},       {"help", no_argument, 0, 'h'},
        {"version", no_argument, 0, 'V'},      {0, 0, 0, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "c:i:o:y:a:t:O:w:lknshTV", opts, NULL)) != -1) {
        switch (c) {
        case 'c': a->config = optarg; break;
        case 'i': a->input = optarg; break;
        case 'o': a->output = optarg; break;
        case 'y': a->year = optarg; break;
        case 'a': a->as_of = optarg; break;
        case 't': a->threads = atoi(optarg); break;
        case 'O': a->only = optarg; break;
        case 'w': a->wait = atoi(optarg); break;
        case 'l': a->list = 1; break;
        case 'k': a->check = 1; break;
        case 'n': a->dry_run = 1; break;
        case 's': a->use_syslog = 1; break;
        case 'T': a->timing = 1; break;
        case 'h': fputs(usage, stdout); return 1;
        case 'V': puts("mtqg-report " MTQG_VERSION); return 1;
        default: fputs(usage, stderr); return -1;
        }
    }
    if (optind < argc) a->command = argv[optind++];
    if (a->command && strcmp(a->command, "run") && strcmp(a->command, "send-outbox")) {
        fprintf(stderr, "mtqg-report: lệnh \"%s\" không có (run, send-outbox)\n", a->command);
        return -1;
    }
    if (optind < argc) {
        fprintf(stderr, "mtqg-report: tham số thừa \"%s\"\n", argv[optind]);
        return -1;
    }
    return 0;
}

/* Log lines on stderr, each with a timestamp; also to syslog if asked. */
static void print_log(const cli *a, const char *text)
{
    char stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S%z", &tm);
    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        int len = nl ? (int)(nl - p) : (int)strlen(p);
        fprintf(stderr, "%s %.*s\n", stamp, len, p);
        if (a->use_syslog) syslog(LOG_INFO, "%.*s", len, p);
        p += len + (nl ? 1 : 0);
    }
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
static int run_one(const cli *a, const char *name, strbuf *log)
{
    config cfg;
    config_defaults(&cfg);
    strbuf err = STRBUF_INIT;
    int rc = name ? config_load_job(&cfg, a->config, name, &err) : config_load(&cfg, a->config, &err);
    int status = EXIT_CONFIG;
    if (rc < 0) {
        strbuf_addf(log, "mtqg-report: lỗi cấu hình: %s\n", err.buf);
    } else if (apply_overrides(&cfg, a, &err) < 0) {
        strbuf_addf(log, "%s\n", err.buf);
    } else {
        if (name) strbuf_addf(log, "mtqg-report: công việc %s (%s)\n", name, cfg.period_label);
        job_options opt = {a->threads, 0, a->timing, a->check, a->wait, a->dry_run};
        status = job_run(&cfg, &opt, log);
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

/* Messages a previous run (stored before start) could not send. */
static int retry_outbox(const cli *a, long long start)
{
    if (a->list || a->check || a->dry_run) return EXIT_OK;
    strbuf log = STRBUF_INIT;
    int status = job_send_outbox(a->config, start, &log);
    if (log.len) print_log(a, log.buf);
    strbuf_release(&log);
    return status == EXIT_CONFIG ? EXIT_OK : status; /* config errors: said by the jobs */
}

static int run_jobs(const cli *a)
{
    char **names = NULL;
    int n = 0, status = EXIT_OK;
    long long start = (long long)time(NULL);
    strbuf err = STRBUF_INIT;
    if (config_job_names(a->config, &names, &n, &err) < 0) {
        fprintf(stderr, "mtqg-report: lỗi cấu hình: %s\n", err.buf);
        strbuf_release(&err);
        return EXIT_CONFIG;
    }
    if (a->list) {
        list_jobs(a, names, n);
    } else if (a->only && !n) {
        fprintf(stderr, "mtqg-report: --only %s: %s không có [job.*]\n", a->only, a->config);
        status = EXIT_CONFIG;
    } else {
        int ran = 0;
        for (int i = 0; i < (n ? n : 1); i++) {
            if (a->only && strcmp(names[i], a->only)) continue;
            strbuf log = STRBUF_INIT;
            status = job_worse_status(status, run_one(a, n ? names[i] : NULL, &log));
            print_log(a, log.buf);
            strbuf_release(&log);
            ran++;
        }
        if (!ran) {
            fprintf(stderr, "mtqg-report: --only %s: không có [job.%s]\n", a->only, a->only);
            status = EXIT_CONFIG;
        }
        /* After the jobs: a message a job has just replaced is not sent. */
        status = job_worse_status(status, retry_outbox(a, start));
    }
    for (int i = 0; i < n; i++) free(names[i]);
    free(names);
    strbuf_release(&err);
    return status;
}

int main(int argc, char **argv)
{
    cli a = {.config = "reports.ini"};
    int rc = parse_args(argc, argv, &a);
    if (rc) return rc > 0 ? EXIT_OK : EXIT_CONFIG;
    if (a.use_syslog) openlog("mtqg-report", LOG_PID, LOG_USER);
    if (smtp_global_init() < 0) {
        fprintf(stderr, "mtqg-report: không khởi tạo được libcurl\n");
        return EXIT_INTERNAL;
    }
    int status;
    if (a.command && !strcmp(a.command, "send-outbox")) {
        strbuf log = STRBUF_INIT;
        status = job_send_outbox(a.config, 0, &log);
        print_log(&a, log.buf);
        strbuf_release(&log);
    } else {
        status = run_jobs(&a);
    }
    smtp_global_cleanup();
    if (a.use_syslog) closelog();
    return status;
}
