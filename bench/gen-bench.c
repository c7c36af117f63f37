/*
 * gen-bench: write the national-size benchmark inputs for mtqg-report.
 *
 *   gen-bench DIR [PAYMENTS_FACTOR]
 *
 * Writes DIR/ke_hoach_bench.csv (~55k plan rows), DIR/giai_ngan_bench.csv
 * (~1.1M payment rows) and DIR/chi_tieu_bench.csv (~10k indicator rows) in
 * the default input layout (shared/input-format.md), for 63 provinces,
 * ~700 districts and ~3,400 communes, year 2024. The files are shaped like
 * the shipped sample (plan: BOM + comma + CRLF; payments: semicolon + CRLF;
 * indicators: comma + LF) so the benchmark measures the same code paths.
 *
 * PAYMENTS_FACTOR (default 1, at most 100) multiplies the payment rows:
 * the same ledger (same places, plans and totals per allocation) paid in
 * that many times more, smaller payments, for the bench's check that
 * memory stays flat as rows grow. With 1 the bytes are those of the
 * generator without the argument.
 *
 * Output is a pure function of the fixed seed and the factor: the same
 * bytes on every run and machine, so timings are comparable. Formatting is hand-rolled into
 * large buffers because printf would dominate the run time.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#define YEAR 2024
#define SINK_CAP (1u << 20)

/* ------------------------------------------------------------ PRNG */

/* splitmix64: tiny, fast, well distributed; the fixed seed makes the
 * data reproducible (rand() would depend on the C library). */
static uint64_t rng_state = 0x1719202420241231ull;

static uint64_t rng_next(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Uniform integer in [0, n) by multiply-shift (no modulo bias worth
 * mentioning for n far below 2^32). */
static uint32_t rng_below(uint32_t n)
{
    return (uint32_t)(((rng_next() >> 32) * (uint64_t)n) >> 32);
}

static int64_t rng_range(int64_t lo, int64_t hi)
{
    return lo + (int64_t)rng_below((uint32_t)(hi - lo + 1));
}

static int rng_permille(int p)
{
    return (int)rng_below(1000) < p;
}

/* ------------------------------------------------------------ output sink */

typedef struct {
    FILE *f;
    const char *path;
    char *data;
    size_t len;
    unsigned long long bytes; /* total written, for the summary */
    unsigned long rows;
} sink;

static void die(const char *what, const char *path)
{
    fprintf(stderr, "gen-bench: %s %s: %s\n", what, path, strerror(errno));
    exit(1);
}

static void sink_flush(sink *s)
{
    if (s->len && fwrite(s->data, 1, s->len, s->f) != s->len)
        die("cannot write", s->path);
    s->bytes += s->len;
    s->len = 0;
}

static void sink_open(sink *s, const char *dir, const char *name, char *pathbuf,
                      size_t cap)
{
    snprintf(pathbuf, cap, "%s/%s", dir, name);
    s->path = pathbuf;
    s->f = fopen(pathbuf, "wb");
    if (!s->f)
        die("cannot create", pathbuf);
    s->data = malloc(SINK_CAP);
    if (!s->data)
        die("out of memory for", pathbuf);
    s->len = 0;
    s->bytes = 0;
    s->rows = 0;
}

static void sink_close(sink *s)
{
    sink_flush(s);
    if (fclose(s->f) != 0)
        die("cannot close", s->path);
    free(s->data);
}

/* Every put is small (one field), so one check against a 1 MiB buffer
 * keeps the hot path a memcpy. */
static void put(sink *s, const char *p, size_t n)
{
    if (s->len + n > SINK_CAP)
        sink_flush(s);
    memcpy(s->data + s->len, p, n);
    s->len += n;
}

static void put_str(sink *s, const char *str)
{
    put(s, str, strlen(str));
}

static void put_ch(sink *s, char c)
{
    put(s, &c, 1);
}

/* Unsigned integer, zero-padded to at least `width` digits. */
static void put_uint(sink *s, uint64_t v, int width)
{
    char tmp[24];
    int i = (int)sizeof tmp;
    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while ((int)sizeof tmp - i < width)
        tmp[--i] = '0';
    put(s, tmp + i, sizeof tmp - (size_t)i);
}

/* Whole number with '.' between groups of three (Vietnamese). */
static void put_grouped(sink *s, uint64_t v)
{
    char tmp[32];
    int i = (int)sizeof tmp, digits = 0;
    do {
        if (digits && digits % 3 == 0)
            tmp[--i] = '.';
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
        digits++;
    } while (v);
    put(s, tmp + i, sizeof tmp - (size_t)i);
}

/* A value held in thousandths, written Vietnamese style ("1.250,125",
 * "3.941", "2,5"). In a comma-delimited file a value with decimals carries
 * a ',' and must be quoted. */
static void put_vi(sink *s, uint64_t milli, char delim)
{
    uint64_t frac = milli % 1000;
    int quote = frac && delim == ',';
    if (quote)
        put_ch(s, '"');
    put_grouped(s, milli / 1000);
    if (frac) {
        char d[4] = {',', (char)('0' + frac / 100), (char)('0' + frac / 10 % 10),
                     (char)('0' + frac % 10)};
        size_t n = 4;
        while (d[n - 1] == '0')
            n--;
        put(s, d, n);
    }
    if (quote)
        put_ch(s, '"');
}

/* Text field, quoted when it holds the delimiter or a quote. */
static void put_field(sink *s, const char *str, char delim)
{
    if (!strchr(str, delim) && !strchr(str, '"')) {
        put_str(s, str);
        return;
    }
    put_ch(s, '"');
    for (const char *p = str; *p; p++) {
        if (*p == '"')
            put_ch(s, '"');
        put_ch(s, *p);
    }
    put_ch(s, '"');
}

static void put_date(sink *s, int y, int m, int d)
{
    put_uint(s, (uint64_t)d, 2);
    put_ch(s, '/');
    put_uint(s, (uint64_t)m, 2);
    put_ch(s, '/');
    put_uint(s, (uint64_t)y, 4);
}

/* ------------------------------------------------------------ catalogue */

typedef struct {
    const char *code, *source;
    int lo, hi;    /* amount range, triệu đồng */
    int permille;  /* chance a commune (or district) has this item */
    const char *text;
} item;

/* Commune-level allocations, as in scripts/gen-sample.py. */
static const item commune_items[] = {
    {"DA1", "NSTW_SN", 200, 800, 1000, "Hỗ trợ nhà ở cho hộ nghèo, hộ cận nghèo"},
    {"DA1", "NSDP_SN", 20, 80, 800, "Đối ứng ngân sách tỉnh hỗ trợ nhà ở"},
    {"DA1", "TIN_DUNG", 300, 1500, 600,
     "Cho vay hỗ trợ nhà ở, đất sản xuất qua Ngân hàng Chính sách xã hội"},
    {"DA1", "NSTW_DTPT", 800, 2500, 400, "Công trình nước sinh hoạt tập trung"},
    {"DA2", "NSTW_DTPT", 1500, 5000, 250, "Bố trí, ổn định dân cư tập trung"},
    {"DA3.TDA1", "NSTW_SN", 150, 900, 900, "Khoán bảo vệ rừng, hỗ trợ trồng rừng"},
    {"DA3.TDA2", "NSTW_SN", 200, 700, 800, "Hỗ trợ phát triển sản xuất theo chuỗi giá trị"},
    {"DA3.TDA2", "DAN_GOP", 20, 120, 500, "Người dân đối ứng công lao động, vật tư"},
    {"DA3.TDA2", "TIN_DUNG", 200, 900, 300, "Vay vốn phát triển sản xuất hàng hóa"},
    {"DA3.TDA3", "NSTW_SN", 150, 500, 100, "Mô hình bộ đội gắn với dân bản"},
    {"DA4.TDA1", "NSTW_DTPT", 1500, 6000, 1000,
     "Đường giao thông nông thôn liên thôn, dài 2,5 km"},
    {"DA4.TDA1", "NSTW_DTPT", 800, 3000, 500, "Nhà văn hóa thôn"},
    {"DA4.TDA1", "NSDP_DTPT", 100, 600, 800, "Đối ứng ngân sách tỉnh công trình hạ tầng"},
    {"DA4.TDA1", "LONG_GHEP", 200, 1200, 400,
     "Lồng ghép Chương trình MTQG xây dựng nông thôn mới"},
    {"DA4.TDA1", "DAN_GOP", 30, 200, 400, "Nhân dân hiến đất, góp công lao động"},
    {"DA4.TDA1", "NSTW_SN", 50, 250, 700, "Duy tu, bảo dưỡng công trình hạ tầng"},
    {"DA5.TDA1", "NSTW_SN", 80, 400, 500, "Xóa mù chữ; hỗ trợ trường có học sinh bán trú"},
    {"DA6", "NSTW_SN", 50, 300, 600, "Bảo tồn lễ hội truyền thống, hỗ trợ đội văn nghệ"},
    {"DA6", "NSTW_DTPT", 500, 1500, 150, "Tu bổ điểm đến du lịch cộng đồng"},
    {"DA7", "NSTW_SN", 40, 200, 700, "Chăm sóc sức khỏe bà mẹ, trẻ em"},
    {"DA8", "NSTW_SN", 30, 150, 700, "Tổ truyền thông cộng đồng, bình đẳng giới"},
    {"DA9.TDA1", "NSTW_DTPT", 800, 3000, 150, "Hạ tầng khu dân cư nhóm dân tộc rất ít người"},
    {"DA9.TDA1", "NSTW_SN", 100, 500, 150, "Hỗ trợ sinh kế nhóm dân tộc rất ít người"},
    {"DA9.TDA2", "NSTW_SN", 30, 120, 500, "Giảm thiểu tảo hôn, hôn nhân cận huyết thống"},
    {"DA10.TDA1", "NSTW_SN", 20, 80, 500, "Tuyên truyền, phổ biến pháp luật"},
};

/* Capital held by a district (commune columns empty). */
static const item district_items[] = {
    {"DA5.TDA3", "NSTW_SN", 300, 900, 1000, "Đào tạo nghề cho lao động nông thôn"},
    {"DA5.TDA4", "NSTW_SN", 100, 300, 1000, "Tập huấn nâng cao năng lực cán bộ cơ sở"},
    {"DA10.TDA1", "NSTW_SN", 50, 200, 800, "Truyền thông về Chương trình"},
    {"DA10.TDA3", "NSTW_SN", 50, 150, 800, "Kiểm tra, giám sát, đánh giá"},
    {"DA10.TDA3", "NSDP_SN", 10, 50, 500, "Đối ứng kinh phí kiểm tra, giám sát"},
};

/* Capital held by a province (district and commune columns empty). */
static const item province_items[] = {
    {"DA4.TDA2", "NSTW_DTPT", 8000, 15000, 1000, "Nâng cấp Trường PTDTNT tỉnh"},
    {"DA5.TDA2", "NSTW_SN", 300, 800, 1000, "Bồi dưỡng kiến thức dân tộc"},
    {"DA10.TDA2", "NSTW_SN", 400, 1200, 1000, "Ứng dụng công nghệ thông tin"},
    {"DA10.TDA3", "NSDP_SN", 100, 300, 1000, "Kiểm tra, giám sát cấp tỉnh"},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Per-mille of plan disbursed by year end, by project number 1..10: some
 * projects clearly behind, as in real reports. */
static const int project_rate[11] = {0, 880, 450, 580, 920, 720, 500, 630, 660, 420, 800};

static int project_number(const char *code)
{
    return atoi(code + 2); /* "DA10.TDA3" -> 10 */
}

typedef struct {
    const char *code, *name, *unit;
    int lo, hi, decimals;
} indicator;

static const indicator indicators[] = {
    {"DA1", "Hỗ trợ nhà ở", "hộ", 8, 40, 0},
    {"DA1", "Hỗ trợ nước sinh hoạt phân tán", "hộ", 15, 60, 0},
    {"DA1", "Công trình nước sinh hoạt tập trung", "công trình", 1, 2, 0},
    {"DA4.TDA1", "Đường giao thông nông thôn", "km", 1, 6, 1},
    {"DA5.TDA3", "Đào tạo nghề", "người", 20, 60, 0},
    {"DA5.TDA4", "Tập huấn", "lượt người", 50, 200, 0},
};

/* Place-name stems; a running number makes every name unique. */
static const char *const stems[] = {
    "Bình Minh", "Tân Lập", "Phúc Sơn", "Nậm Cang", "Tà Xùy", "Chiềng Ơn",
    "Đắk Rơ", "Hồng Thái", "Quảng Đức", "Yên Bình", "Ngọc Lãm", "Mường Khoa",
    "Lũng Pù", "Khuổi Ấng", "Pà Vầy Sủ", "Ea Tóh", "Sơn Thủy", "Hồ Thầu",
    "Nà Ư", "Huổi Lếch", "Bản Phùng", "Thượng Ẩn", "Xuân Trường", "Đồng Lư",
};

/* ------------------------------------------------------------ admin units */

typedef struct {
    char code[12]; /* room for any unsigned, so snprintf cannot truncate */
    char name[64];
} unit;

typedef struct {
    unit province;
    unit district; /* code[0] == 0: province level */
    unit commune;  /* code[0] == 0: district or province level */
} place;

static void make_unit(unit *u, unsigned code, int width, const char *kind, uint32_t n)
{
    snprintf(u->code, sizeof u->code, "%0*u", width, code);
    snprintf(u->name, sizeof u->name, "%s %s %u", kind,
             stems[rng_below((uint32_t)COUNT(stems))], n);
}

/* ------------------------------------------------------------ rows */

typedef struct {
    sink plan, pay, ind;
    unsigned next_district, next_commune;
    int factor;           /* payments per allocation multiplied by this */
    int muted;            /* payments drawn, not written */
    uint64_t pay_state;   /* the factor's payments' random stream */
} gen;

/* Amount in thousandths of a triệu between lo and hi triệu: mostly whole
 * or one decimal, some with 2-3 decimals. */
static uint64_t random_amount(int lo, int hi)
{
    uint64_t whole = (uint64_t)rng_range(lo, hi) * 1000;
    uint32_t style = rng_below(10);
    if (style < 4)
        return whole;
    if (style < 7)
        return whole + 100 * rng_range(1, 9);
    if (style < 9)
        return whole + 10 * rng_range(1, 99);
    return whole + (uint64_t)rng_range(1, 999);
}

static void put_admin_prefix(sink *s, const place *p, int cap_year, char delim,
                             int with_names)
{
    put_uint(s, YEAR, 4);
    put_ch(s, delim);
    put_uint(s, (uint64_t)cap_year, 4);
    put_ch(s, delim);
    put_str(s, p->province.code);
    put_ch(s, delim);
    if (with_names) {
        put_field(s, p->province.name, delim);
        put_ch(s, delim);
    }
    put_str(s, p->district.code);
    put_ch(s, delim);
    if (with_names) {
        put_field(s, p->district.name, delim);
        put_ch(s, delim);
    }
    put_str(s, p->commune.code);
    put_ch(s, delim);
    put_field(s, p->commune.name, delim);
    put_ch(s, delim);
}

/* One payment in 2024 (about 1 in 100 in January 2025, after the as-of
 * date, which a correct report leaves out). A muted generator draws the
 * same random numbers and writes nothing. */
static void put_payment(gen *g, const place *p, const item *it, int cap_year,
                        uint64_t amount)
{
    /* Day before month: the order in which the first version's
     * put_date(..., rng_range(1, 12), rng_range(1, 28)) drew them (GCC
     * evaluates arguments right to left), so the 1x bytes stay the same. */
    int late = rng_below(100) == 0;
    int d = (int)rng_range(1, 28), m = late ? 1 : (int)rng_range(1, 12);
    if (g->muted)
        return;
    sink *s = &g->pay;
    put_admin_prefix(s, p, cap_year, ';', 0);
    put_str(s, it->code);
    put_ch(s, ';');
    put_str(s, it->source);
    put_ch(s, ';');
    put_date(s, late ? YEAR + 1 : YEAR, m, d);
    put_ch(s, ';');
    put_vi(s, amount, ';');
    put(s, "\r\n", 2);
    s->rows++;
}

/* Payments for one allocation: 10-30 of them times factor, totalling the
 * project's rate of the plan, each at least 1 triệu / factor. */
static void put_payment_run(gen *g, const place *p, const item *it, int cap_year,
                            uint64_t planned, int factor)
{
    int rate = project_rate[project_number(it->code)] + (int)rng_range(-60, 60);
    uint64_t left = planned * (uint64_t)rate / 1000;
    int n = (int)rng_range(10, 30) * factor;
    uint64_t least = 1000 / (uint64_t)factor;
    while (n > 1 && left < (uint64_t)n * least)
        n--;
    for (int i = n; i > 1; i--) {
        /* Between half and one and a half of an even share of what is left,
         * so every part stays positive. */
        uint64_t part = left / (uint64_t)i / 2 + rng_below((uint32_t)(left / (uint64_t)i + 1));
        if (part == 0 || part >= left)
            break;
        put_payment(g, p, it, cap_year, part);
        left -= part;
    }
    if (left)
        put_payment(g, p, it, cap_year, left);
}

/* The payments of one allocation (about 20, ~1.1M rows in all, at factor
 * 1). With a factor, the 1x payments are drawn muted so that the main
 * stream, hence every place and plan, stays that of the 1x ledger, and the
 * factor's payments are drawn from a stream of their own. */
static void put_payments(gen *g, const place *p, const item *it, int cap_year,
                         uint64_t planned)
{
    if (g->factor == 1) {
        put_payment_run(g, p, it, cap_year, planned, 1);
        return;
    }
    g->muted = 1;
    put_payment_run(g, p, it, cap_year, planned, 1);
    g->muted = 0;
    uint64_t main_state = rng_state;
    rng_state = g->pay_state;
    put_payment_run(g, p, it, cap_year, planned, g->factor);
    g->pay_state = rng_state;
    rng_state = main_state;
}

static void put_plan_row(gen *g, const place *p, const item *it, int cap_year,
                         uint64_t amount)
{
    sink *s = &g->plan;
    put_admin_prefix(s, p, cap_year, ',', 1);
    put_str(s, it->code);
    put_ch(s, ',');
    put_str(s, it->source);
    put_ch(s, ',');
    put_vi(s, amount, ',');
    put_ch(s, ',');
    if (cap_year < YEAR)
        put_str(s, "\"Vốn năm 2023 kéo dài, chuyển tiếp\"");
    else
        put_field(s, it->text, ',');
    put(s, "\r\n", 2);
    s->rows++;
    put_payments(g, p, it, cap_year, amount);
}

/* One allocation, plus (for 12%) capital of the previous year extended. */
static void put_item(gen *g, const place *p, const item *it)
{
    if (!rng_permille(it->permille))
        return;
    uint64_t amount = random_amount(it->lo, it->hi);
    put_plan_row(g, p, it, YEAR, amount);
    if (rng_permille(120))
        put_plan_row(g, p, it, YEAR - 1, amount * (uint64_t)rng_range(20, 60) / 100);
}

static void put_items(gen *g, const place *p, const item *items, size_t n)
{
    for (size_t i = 0; i < n; i++)
        put_item(g, p, &items[i]);
}

static void put_indicator(gen *g, const place *p, const indicator *in)
{
    sink *s = &g->ind;
    uint64_t target = in->decimals ? (uint64_t)rng_range(in->lo * 10, in->hi * 10) * 100
                                   : (uint64_t)rng_range(in->lo, in->hi) * 1000;
    uint64_t done = target * (uint64_t)rng_range(55, 100) / 100;
    done -= done % (in->decimals ? 100 : 1000);
    put_uint(s, YEAR, 4);
    put_ch(s, ',');
    put_str(s, p->commune.code);
    put_ch(s, ',');
    put_field(s, p->commune.name, ',');
    put_ch(s, ',');
    put_str(s, in->code);
    put_ch(s, ',');
    put_field(s, in->name, ',');
    put_ch(s, ',');
    put_field(s, in->unit, ',');
    put_ch(s, ',');
    put_vi(s, target, ',');
    put_ch(s, ',');
    put_vi(s, done, ',');
    put_str(s, ",31/12/2024\n");
    s->rows++;
}

/* Three indicators per commune on average: ~10k rows. */
static void put_indicators(gen *g, const place *p)
{
    put_indicator(g, p, &indicators[0]);
    for (size_t i = 1; i < COUNT(indicators); i++)
        if (rng_permille(400))
            put_indicator(g, p, &indicators[i]);
}

static void gen_commune(gen *g, place *p)
{
    unsigned n = g->next_commune++;
    make_unit(&p->commune, n * 3 + 1, 5, "Xã", n + 1);
    put_items(g, p, commune_items, COUNT(commune_items));
    put_indicators(g, p);
}

/* A district: 3-7 communes (about 5), then its own capital. */
static void gen_district(gen *g, place *p)
{
    unsigned n = g->next_district++;
    make_unit(&p->district, n + 1, 3, "Huyện", n + 1);
    int communes = (int)rng_range(3, 7);
    for (int i = 0; i < communes; i++)
        gen_commune(g, p);
    p->commune.code[0] = p->commune.name[0] = 0;
    put_items(g, p, district_items, COUNT(district_items));
}

/* A province: 9-13 districts (about 11, ~700 in all). */
static void gen_province(gen *g, int index)
{
    place p;
    memset(&p, 0, sizeof p);
    make_unit(&p.province, (unsigned)index + 1, 2, "Tỉnh", (uint32_t)index + 1);
    int districts = (int)rng_range(9, 13);
    for (int i = 0; i < districts; i++)
        gen_district(g, &p);
    p.district.code[0] = p.district.name[0] = 0;
    put_items(g, &p, province_items, COUNT(province_items));
}

static void put_headers(gen *g)
{
    put_str(&g->plan, "\xEF\xBB\xBF" /* BOM, as Excel writes */
            "nam,nam_von,ma_tinh,ten_tinh,ma_huyen,ten_huyen,ma_xa,ten_xa,"
            "ma_du_an,nguon_von,ke_hoach,noi_dung\r\n");
    put_str(&g->pay, "nam;nam_von;ma_tinh;ma_huyen;ma_xa;ten_xa;ma_du_an;"
            "nguon_von;ngay;giai_ngan\r\n");
    put_str(&g->ind, "nam,ma_xa,ten_xa,ma_du_an,chi_tieu,don_vi,ke_hoach,"
            "thuc_hien,ngay\n");
}

static void report(const char *name, const sink *s)
{
    printf("%-22s %8lu rows %8.1f MB\n", name, s->rows, (double)s->bytes / 1048576.0);
}

int main(int argc, char **argv)
{
    int factor = argc == 3 ? atoi(argv[2]) : 1;
    if (argc < 2 || argc > 3 || factor < 1 || factor > 100) {
        fprintf(stderr, "usage: gen-bench DIR [PAYMENTS_FACTOR 1-100]\n");
        return 2;
    }
    const char *dir = argv[1];
    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
        die("cannot create", dir);

    static gen g;
    g.factor = factor;
    g.pay_state = 0x1719000000000010ull;
    char p1[4096], p2[4096], p3[4096];
    sink_open(&g.plan, dir, "ke_hoach_bench.csv", p1, sizeof p1);
    sink_open(&g.pay, dir, "giai_ngan_bench.csv", p2, sizeof p2);
    sink_open(&g.ind, dir, "chi_tieu_bench.csv", p3, sizeof p3);
    put_headers(&g);
    for (int i = 0; i < 63; i++)
        gen_province(&g, i);
    sink_close(&g.plan);
    sink_close(&g.pay);
    sink_close(&g.ind);

    report("ke_hoach_bench.csv", &g.plan);
    report("giai_ngan_bench.csv", &g.pay);
    report("chi_tieu_bench.csv", &g.ind);
    printf("%u districts, %u communes, %.1f MB in all\n", g.next_district,
           g.next_commune,
           (double)(g.plan.bytes + g.pay.bytes + g.ind.bytes) / 1048576.0);
    return 0;
}
