/*
 * mtqg-report: the command line. main owns everything: it parses the flags,
 * loads the config, applies the overrides, runs the job, prints the log and
 * maps the result to the exit status. Nothing below it prints or exits.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../config/config.h"
#include "../util/date.h"
#include "job.h"

#define MTQG_VERSION "0.1.0"

static const char usage[] =
    "Cách dùng: mtqg-report [--config TỆP] [--input THƯ_MỤC] [--output THƯ_MỤC]\n"
    "                       [--year NNNN] [--as-of YYYY-MM-DD]\n"
    "\n"
    "Lập bảng biểu Excel và báo cáo PDF Chương trình MTQG phát triển KT-XH vùng\n"
    "đồng bào DTTS&MN (Chương trình 1719) từ dữ liệu kế hoạch vốn, giải ngân và\n"
    "chỉ tiêu xuất ra từ các hệ thống khác.\n"
    "\n"
    "  --config TỆP       tệp cấu hình (mặc định: reports.ini)\n"
    "  --input THƯ_MỤC    thư mục dữ liệu vào; các tệp được nhận theo tên:\n"
    "                     ke_hoach*.csv (kế hoạch vốn, bắt buộc), giai_ngan*.csv\n"
    "                     (giải ngân), chi_tieu*.csv (chỉ tiêu)\n"
    "  --output THƯ_MỤC   thư mục kết quả\n"
    "  --year NNNN        năm kế hoạch của báo cáo\n"
    "  --as-of NGÀY       ngày lấy số liệu giải ngân (YYYY-MM-DD hoặc DD/MM/YYYY);\n"
    "                     mặc định 31/12 của năm báo cáo\n"
    "  --threads N        số luồng đọc dữ liệu (mặc định: theo số lõi, tối đa 2)\n"
    "  --timing           ghi thời gian của từng bước (đo hiệu năng)\n"
    "  --help             in hướng dẫn này\n"
    "  --version          in phiên bản\n"
    "Các cờ dòng lệnh được ưu tiên hơn tệp cấu hình. Mọi khóa cấu hình được mô\n"
    "tả trong README.md.\n"
    "\n"
    "Kết quả (trong thư mục kết quả): <tên>-<năm>.xlsx, <tên>-<năm>.pdf và\n"
    "<tên>-<năm>-dong-bi-loai.csv (các dòng bị loại: tệp, dòng, cột, lý do).\n"
    "Các tệp được ghi trọn vẹn rồi mới thay tệp cũ.\n"
    "\n"
    "Mã thoát:\n"
    "  0  thành công\n"
    "  1  lỗi nội bộ của chương trình\n"
    "  2  lỗi cấu hình, danh mục, mẫu biểu hoặc tham số dòng lệnh\n"
    "  3  lỗi dữ liệu: có dòng bị loại (báo cáo vẫn được lập nếu on_reject = report),\n"
    "     số vốn được giao khác tổng các dòng phân bổ (giao_von*),\n"
    "     hoặc tệp dữ liệu không đọc được thành bảng\n"
    "  4  thiếu dữ liệu vào (thư mục hoặc tệp kế hoạch vốn)\n"
    "  5  không ghi được kết quả\n";

typedef struct cli {
    const char *config, *input, *output, *year, *as_of;
    int threads, timing;
} cli;

static int parse_args(int argc, char **argv, cli *a)
{
    static const struct option opts[] = {
        {"config", required_argument, 0, 'c'}, {"input", required_argument, 0, 'i'},
        {"output", required_argument, 0, 'o'}, {"year", required_argument, 0, 'y'},
        {"as-of", required_argument, 0, 'a'},  {"threads", required_argument, 0, 't'},
        {"timing", no_argument, 0, 'T'},
        {"help", no_argument, 0, 'h'},         {"version", no_argument, 0, 'V'},
        {0, 0, 0, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "c:i:o:y:a:t:hV", opts, NULL)) != -1) {
        switch (c) {
        case 'c': a->config = optarg; break;
        case 'i': a->input = optarg; break;
        case 'o': a->output = optarg; break;
        case 'y': a->year = optarg; break;
        case 'a': a->as_of = optarg; break;
        case 't': a->threads = atoi(optarg); break;
        case 'T': a->timing = 1; break;
        case 'h': fputs(usage, stdout); return 1;
        case 'V': puts("mtqg-report " MTQG_VERSION); return 1;
        default: fputs(usage, stderr); return -1;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "mtqg-report: tham số thừa \"%s\"\n", argv[optind]);
        return -1;
    }
    return 0;
}

static int apply_overrides(config *cfg, const cli *a)
{
    if (a->input) config_set(&cfg->input_dir, a->input);
    if (a->output) config_set(&cfg->output_dir, a->output);
    if (a->year) {
        char *end;
        long y = strtol(a->year, &end, 10);
        if (*end || y < 2000 || y > 2100) {
            fprintf(stderr, "mtqg-report: --year \"%s\": cần một năm, ví dụ 2024\n", a->year);
            return -1;
        }
        cfg->year = (int)y;
    }
    if (a->as_of && date_parse(a->as_of, strlen(a->as_of), &cfg->as_of) < 0) {
        fprintf(stderr, "mtqg-report: --as-of \"%s\": cần ngày dạng 2024-12-31\n", a->as_of);
        return -1;
    }
    if (!cfg->year && cfg->as_of) cfg->year = DATE_Y(cfg->as_of);
    if (!cfg->year) {
        fprintf(stderr, "mtqg-report: chưa có năm báo cáo ([report] year hoặc --year)\n");
        return -1;
    }
    if (!cfg->as_of) cfg->as_of = date_make(cfg->year, 12, 31);
    if (!cfg->period_label) {
        strbuf sb = STRBUF_INIT;
        strbuf_addf(&sb, "năm %d", cfg->year);
        cfg->period_label = strbuf_detach(&sb, NULL);
    }
    return 0;
}

int main(int argc, char **argv)
{
    cli a = {"reports.ini", NULL, NULL, NULL, NULL, 0, 0};
    int rc = parse_args(argc, argv, &a);
    if (rc) return rc > 0 ? EXIT_OK : EXIT_CONFIG;
    config cfg;
    config_defaults(&cfg);
    strbuf err = STRBUF_INIT, log = STRBUF_INIT;
    int status = EXIT_OK;
    if (config_load(&cfg, a.config, &err) < 0) {
        fprintf(stderr, "mtqg-report: lỗi cấu hình: %s\n", err.buf);
        status = EXIT_CONFIG;
    } else if (apply_overrides(&cfg, &a) < 0) {
        status = EXIT_CONFIG;
    } else {
        job_options opt = {a.threads, 0, a.timing};
        status = job_run(&cfg, &opt, &log);
        fputs(log.buf, stderr);
    }
    strbuf_release(&err);
    strbuf_release(&log);
    config_free(&cfg);
    return status;
}
