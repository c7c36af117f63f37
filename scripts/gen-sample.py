#!/usr/bin/env python3
"""Generate the shipped sample data for the fictional province Hòa Sơn (99).

Writes input/ke_hoach_2024.csv, input/giai_ngan_2024.csv and
input/chi_tieu_2024.csv in the default input layout (shared/input-format.md).
Each file mimics how a real user's export looks, so the sample exercises the
reader the way real data will:
  - the plan as Excel writes it: UTF-8 with BOM, comma, CRLF;
  - disbursement as Excel in a Vietnamese locale writes it: no BOM,
    semicolon, CRLF, and some amounts in plain form (125.5);
  - indicators as a hand-made file: no BOM, comma, LF.
Every row is valid; the data is deterministic (fixed seed, lists only, no
iteration over sets or dict hashes), so re-running gives identical bytes.

It also writes the next year's plan for the plan document (KẾ HOẠCH
2025): input/ke_hoach_2025.csv (the 2024 items carried on, with 2024
capital extended into 2025), input/chi_tieu_2025.csv (targets) and
input/giao_von_2025.csv (the totals the province assigned, by source and
for two projects; two of them differ from the allocation rows on purpose,
one by a rounding amount, so the control-total check has work to do).

Usage: python3 scripts/gen-sample.py [OUTPUT_DIR]   (default: input)
"""

import csv
import os
import random
import sys
import unicodedata

YEAR = 2024
EXT_YEAR = YEAR - 1  # extended (kéo dài) capital belongs to the previous year
PROVINCE = ("99", "Hòa Sơn")

# (district code, district name, [(commune code, commune name, flags)])
# flags: "R" resettlement area (gets DA2), "M" very-few-people ethnic group
# (gets DA9.TDA1), "B" border commune (DA3.TDA3 model); "S" slow commune.
DISTRICTS = [
    ("991", "Huyện Mường Khoa", [
        ("99101", "Thị trấn Mường Khoa", ""),
        ("99104", "Xã Tà Xùy", "R"),
        ("99107", "Xã Nậm Ẳn", "S"),
        ("99110", "Xã Pờ Ly Ngài", "MB"),
        ("99113", "Xã Chiềng Ơn", ""),
    ]),
    ("992", "Huyện Phong Nậm", [
        ("99201", "Xã Sơn Thủy", ""),
        ("99204", "Xã Hồ Thầu", "S"),
        ("99207", "Xã Khuổi Ấng", "R"),
        ("99210", "Xã Lũng Pù", "MB"),
        ("99213", "Xã Bản Phùng", ""),
    ]),
    ("993", "Huyện Đồng Lư", [
        ("99301", "Thị trấn Đồng Lư", ""),
        ("99304", "Xã Ngọc Lãm", ""),
        ("99307", "Xã Pà Vầy Sủ", "MS"),
        ("99310", "Xã Nà Ư", "S"),
        ("99313", "Xã Huổi Lếch", "R"),
        ("99316", "Xã Đắk Rơ Ông", "M"),
    ]),
]

# Commune-level allocations: (project, source, min, max triệu, probability,
# flag required or "", [noi_dung choices]).
COMMUNE_ITEMS = [
    ("DA1", "NSTW_SN", 200, 800, 1.0, "", [
        "Hỗ trợ nhà ở cho hộ nghèo, hộ cận nghèo",
        "Hỗ trợ nhà ở, đất sản xuất cho hộ đồng bào dân tộc thiểu số"]),
    ("DA1", "NSDP_SN", 20, 80, 0.8, "", [
        "Đối ứng ngân sách tỉnh hỗ trợ nhà ở"]),
    ("DA1", "TIN_DUNG", 300, 1500, 0.6, "", [
        "Cho vay hỗ trợ nhà ở, đất sản xuất qua Ngân hàng Chính sách xã hội"]),
    ("DA1", "NSTW_DTPT", 800, 2500, 0.4, "", [
        "Công trình nước sinh hoạt tập trung thôn Nà Pồng",
        "Công trình cấp nước sinh hoạt tập trung bản Huổi Cáy, cụm dân cư số 2"]),
    ("DA2", "NSTW_DTPT", 1500, 5000, 1.0, "R", [
        "Bố trí, ổn định dân cư tập trung điểm tái định cư Khe Nước",
        "Ổn định dân cư tại chỗ thôn Lũng Sáng"]),
    ("DA3.TDA1", "NSTW_SN", 150, 900, 0.9, "", [
        "Khoán bảo vệ rừng, hỗ trợ trồng rừng sản xuất",
        "Hỗ trợ bảo vệ rừng, khoanh nuôi tái sinh"]),
    ("DA3.TDA2", "NSTW_SN", 200, 700, 0.8, "", [
        "Hỗ trợ phát triển sản xuất theo chuỗi giá trị (chè Shan tuyết)",
        "Dự án phát triển sản xuất cộng đồng: nuôi bò sinh sản"]),
    ("DA3.TDA2", "DAN_GOP", 20, 120, 0.5, "", [
        "Người dân đối ứng bằng công lao động, vật tư"]),
    ("DA3.TDA2", "TIN_DUNG", 200, 900, 0.3, "", [
        "Vay vốn phát triển sản xuất hàng hóa"]),
    ("DA3.TDA3", "NSTW_SN", 150, 500, 1.0, "B", [
        "Mô hình bộ đội gắn với dân bản, hỗ trợ giống cây trồng"]),
    ("DA4.TDA1", "NSTW_DTPT", 1500, 6000, 1.0, "", [
        "Đường giao thông từ thôn Nà Pồng đến thôn Khuổi Lùng, dài 2,5 km",
        "Nhà văn hóa thôn Phiêng Luông",
        "Trường mầm non điểm bản Tả Chải, 2 phòng học",
        "Cầu treo dân sinh bản Nậm Pồ",
        "Kênh mương nội đồng thôn Cốc Phầy"]),
    ("DA4.TDA1", "NSTW_DTPT", 800, 3000, 0.5, "", [
        "Đường nội thôn Lũng Cẩu, bê tông hóa 1,2 km",
        "Sửa chữa trạm y tế xã"]),
    ("DA4.TDA1", "NSDP_DTPT", 100, 600, 0.8, "", [
        "Đối ứng ngân sách tỉnh công trình hạ tầng"]),
    ("DA4.TDA1", "LONG_GHEP", 200, 1200, 0.4, "", [
        "Lồng ghép Chương trình MTQG xây dựng nông thôn mới"]),
    ("DA4.TDA1", "DAN_GOP", 30, 200, 0.4, "", [
        "Nhân dân hiến đất, góp công lao động"]),
    ("DA4.TDA1", "NSTW_SN", 50, 250, 0.7, "", [
        "Duy tu, bảo dưỡng công trình hạ tầng sau đầu tư"]),
    ("DA5.TDA1", "NSTW_SN", 80, 400, 0.5, "", [
        "Xóa mù chữ cho người dân; hỗ trợ trường phổ thông có học sinh bán trú"]),
    ("DA6", "NSTW_SN", 50, 300, 0.6, "", [
        "Bảo tồn lễ hội truyền thống, hỗ trợ đội văn nghệ thôn bản",
        "Hỗ trợ nghệ nhân truyền dạy, bảo tồn trang phục dân tộc"]),
    ("DA6", "NSTW_DTPT", 500, 1500, 0.15, "", [
        "Tu bổ điểm đến du lịch cộng đồng bản Lao Chải"]),
    ("DA7", "NSTW_SN", 40, 200, 0.7, "", [
        "Chăm sóc sức khỏe bà mẹ, trẻ em; phòng chống suy dinh dưỡng"]),
    ("DA8", "NSTW_SN", 30, 150, 0.7, "", [
        "Tổ truyền thông cộng đồng, thúc đẩy bình đẳng giới"]),
    ("DA9.TDA1", "NSTW_DTPT", 800, 3000, 1.0, "M", [
        "Đường vào khu dân cư nhóm dân tộc rất ít người, dài 1,8 km"]),
    ("DA9.TDA1", "NSTW_SN", 100, 500, 1.0, "M", [
        "Hỗ trợ sinh kế, phát triển kinh tế hộ nhóm dân tộc rất ít người"]),
    ("DA9.TDA2", "NSTW_SN", 30, 120, 0.5, "", [
        "Giảm thiểu tảo hôn, hôn nhân cận huyết thống"]),
    ("DA10.TDA1", "NSTW_SN", 20, 80, 0.5, "", [
        "Tuyên truyền, phổ biến pháp luật; phát huy vai trò người có uy tín"]),
]

# Capital held by the district (ma_xa, ten_xa empty).
DISTRICT_ITEMS = [
    ("DA5.TDA3", "NSTW_SN", 300, 900, "Đào tạo nghề cho lao động nông thôn"),
    ("DA5.TDA4", "NSTW_SN", 100, 300,
     "Tập huấn nâng cao năng lực cho cán bộ cơ sở, cộng đồng"),
    ("DA10.TDA1", "NSTW_SN", 50, 200, "Truyền thông, tuyên truyền về Chương trình"),
    ("DA10.TDA3", "NSTW_SN", 50, 150,
     "Kiểm tra, giám sát, đánh giá thực hiện Chương trình"),
    ("DA10.TDA3", "NSDP_SN", 10, 50, "Đối ứng kinh phí kiểm tra, giám sát"),
]

# Capital held by the province (ma_huyen, ma_xa empty).
PROVINCE_ITEMS = [
    ("DA4.TDA2", "NSTW_DTPT", 8000, 15000,
     "Cải tạo, nâng cấp Trường Phổ thông Dân tộc nội trú tỉnh"),
    ("DA5.TDA2", "NSTW_SN", 300, 800,
     "Bồi dưỡng kiến thức dân tộc cho cán bộ, công chức"),
    ("DA10.TDA2", "NSTW_SN", 400, 1200,
     "Ứng dụng công nghệ thông tin, xây dựng cơ sở dữ liệu Chương trình"),
    ("DA10.TDA3", "NSDP_SN", 100, 300, "Kiểm tra, giám sát cấp tỉnh"),
]

# Share of plan disbursed by 31/12, per project: some projects clearly behind.
PROJECT_RATE = {
    "DA1": 0.88, "DA2": 0.45, "DA3": 0.58, "DA4": 0.92, "DA5": 0.72,
    "DA6": 0.50, "DA7": 0.63, "DA8": 0.66, "DA9": 0.42, "DA10": 0.80,
}

# (project, indicator, unit, min target, max target, decimals allowed)
INDICATORS = [
    ("DA1", "Hỗ trợ nhà ở", "hộ", 8, 40, False),
    ("DA1", "Hỗ trợ nước sinh hoạt phân tán", "hộ", 15, 60, False),
    ("DA1", "Công trình nước sinh hoạt tập trung", "công trình", 1, 2, False),
    ("DA4.TDA1", "Đường giao thông nông thôn", "km", 1, 6, True),
    ("DA5.TDA3", "Đào tạo nghề", "người", 20, 60, False),
    ("DA5.TDA4", "Tập huấn", "lượt người", 50, 200, False),
]

ALL_SOURCES = ["NSTW_DTPT", "NSTW_SN", "NSDP_DTPT", "NSDP_SN",
               "LONG_GHEP", "DAN_GOP", "TIN_DUNG"]


def nfc(s):
    """Write every text in NFC so names compare equal byte for byte."""
    return unicodedata.normalize("NFC", s)


def project_of(code):
    """DA3.TDA2 -> DA3 (the project a sub-project rolls up to)."""
    return code.split(".")[0]


# ---------------------------------------------------------------- numbers
# Amounts are kept as integers in thousandths of the written unit (for money:
# thousandths of a triệu = nghìn đồng), so nothing is ever a float.

def group_thousands(n):
    s = str(n)
    parts = []
    while len(s) > 3:
        parts.insert(0, s[-3:])
        s = s[:-3]
    parts.insert(0, s)
    return ".".join(parts)


def fmt_vi(milli):
    """12501250 -> '12.501,25' (Vietnamese: '.' thousands, ',' decimals)."""
    assert milli >= 0
    whole, frac = divmod(milli, 1000)
    s = group_thousands(whole)
    if frac:
        s += "," + ("%03d" % frac).rstrip("0")
    return s


def fmt_plain(milli):
    """1250750 -> '1250.75'; only for values with 1-2 decimals (see
    input-format.md: a plain '.' must be followed by 1-2 or 4+ digits)."""
    whole, frac = divmod(milli, 1000)
    assert frac and frac % 10 == 0
    return "%d.%s" % (whole, ("%03d" % frac).rstrip("0"))


def random_amount(rng, lo, hi):
    """An amount in thousandths of a triệu between lo and hi triệu, with a
    realistic mix of whole numbers and 1-3 decimals."""
    whole = rng.randint(lo, hi)
    style = rng.random()
    if style < 0.4:
        frac = 0
    elif style < 0.7:
        frac = rng.randint(1, 9) * 100
    elif style < 0.9:
        frac = rng.randint(1, 99) * 10
    else:
        frac = rng.randint(1, 999)
    return whole * 1000 + frac


# ---------------------------------------------------------------- plan

def plan_row(unit, code, source, amount, text, cap_year=YEAR):
    """unit = (district code, district name, commune code, commune name)."""
    return {
        "nam": str(YEAR), "nam_von": str(cap_year),
        "ma_tinh": PROVINCE[0], "ten_tinh": PROVINCE[1],
        "ma_huyen": unit[0], "ten_huyen": unit[1],
        "ma_xa": unit[2], "ten_xa": unit[3],
        "ma_du_an": code, "nguon_von": source,
        "milli": amount, "noi_dung": text,
    }


def commune_plan(rng, unit, flags):
    rows = []
    for code, source, lo, hi, prob, need, texts in COMMUNE_ITEMS:
        if need and need not in flags:
            continue
        if rng.random() >= prob:
            continue
        # A few rows come without noi_dung: the column is optional.
        text = rng.choice(texts) if rng.random() > 0.05 else ""
        rows.append(plan_row(unit, code, source, random_amount(rng, lo, hi), text))
    return rows


def extended_rows(rng, rows):
    """Capital from 2023 extended into 2024: a share of the large items."""
    candidates = [r for r in rows if r["milli"] >= 500 * 1000
                  and r["nguon_von"] in ("NSTW_DTPT", "NSTW_SN")]
    out = []
    for r in candidates:
        if rng.random() < 0.5:
            share = rng.randint(20, 60)
            amount = r["milli"] * share // 100
            unit = (r["ma_huyen"], r["ten_huyen"], r["ma_xa"], r["ten_xa"])
            text = "Vốn năm %d kéo dài: %s" % (EXT_YEAR, r["noi_dung"] or "chuyển tiếp")
            out.append(plan_row(unit, r["ma_du_an"], r["nguon_von"],
                                amount, text, EXT_YEAR))
    return out


def build_plan(rng):
    rows = []
    for dcode, dname, communes in DISTRICTS:
        for ccode, cname, flags in communes:
            crows = commune_plan(rng, (dcode, dname, ccode, cname), flags)
            rows.extend(crows)
            rows.extend(extended_rows(rng, crows))
        for code, source, lo, hi, text in DISTRICT_ITEMS:
            rows.append(plan_row((dcode, dname, "", ""), code, source,
                                 random_amount(rng, lo, hi), text))
    for code, source, lo, hi, text in PROVINCE_ITEMS:
        rows.append(plan_row(("", "", "", ""), code, source,
                             random_amount(rng, lo, hi), text))
    # One extended province item: the school renovation carried over.
    rows.append(plan_row(("", "", "", ""), "DA4.TDA2", "NSTW_DTPT",
                         random_amount(rng, 2000, 4000),
                         "Vốn năm 2023 kéo dài: Trường PTDTNT tỉnh, hạng mục ký túc xá",
                         EXT_YEAR))
    return rows


# ---------------------------------------------------------------- payments

def commune_factor(flags):
    return 0.78 if "S" in flags else 1.0


def payment_dates(rng, n, cap_year):
    """n sorted payment dates in 2024; extended capital is spent early."""
    first, last = (1, 8) if cap_year < YEAR else (3, 12)
    dates = []
    for _ in range(n):
        m = rng.randint(first, last)
        d = rng.randint(1, 28)
        dates.append((YEAR, m, d))
    dates.sort()
    return dates


def split_amount(rng, total, n):
    """Split total (thousandths) into n positive parts; some parts rounded to
    2 decimals so they can be written in plain form."""
    parts = []
    left = total
    for i in range(n - 1):
        share = left * rng.randint(20, 60) // 100 // max(1, n - 1 - i)
        if rng.random() < 0.5:
            share -= share % 10
        share = max(share, 1000)
        parts.append(share)
        left -= share
    parts.append(left)
    assert all(p > 0 for p in parts), parts
    return parts


def key_of(r):
    return (r["ma_huyen"], r["ma_xa"], r["ma_du_an"], r["nguon_von"], r["nam_von"])


def build_payments(rng, plan):
    # Aggregate plan per key, preserving first-seen order (lists, not sets).
    keys, totals, first = [], {}, {}
    for r in plan:
        k = key_of(r)
        if k not in totals:
            keys.append(k)
            totals[k] = 0
            first[k] = r
        totals[k] += r["milli"]
    flags = {c[0]: c[2] for _, _, cs in DISTRICTS for c in cs}
    out = []
    for k in keys:
        r, planned = first[k], totals[k]
        cap_year = int(r["nam_von"])
        rate = PROJECT_RATE[project_of(r["ma_du_an"])]
        rate *= commune_factor(flags.get(r["ma_xa"], ""))
        if cap_year < YEAR:
            rate = min(0.95, rate + 0.05)  # extended capital is pushed hardest
        rate = max(0.40, min(0.95, rate + rng.uniform(-0.06, 0.06)))
        done = planned * int(rate * 1000) // 1000
        n = rng.randint(1, 3) if cap_year < YEAR else rng.randint(2, 5)
        if done < n * 2000:
            n = 1
        dates = payment_dates(rng, n, cap_year)
        for amount, date in zip(split_amount(rng, done, n), dates):
            out.append((r, date, amount))
        # Payments in January 2025 belong to 2024 capital but fall after the
        # as-of date 31/12/2024: a correct report leaves them out.
        if cap_year == YEAR and rng.random() < 0.12 and planned - done > 2000:
            late = (planned - done) * rng.randint(20, 50) // 100
            out.append((r, (YEAR + 1, 1, rng.randint(5, 28)), late))
    return out


def payment_text(rng, amount):
    """Mostly Vietnamese form; some 1-2 decimal amounts in plain form."""
    if amount % 1000 and amount % 10 == 0 and rng.random() < 0.35:
        return fmt_plain(amount)
    return fmt_vi(amount)


# ---------------------------------------------------------------- indicators

def fmt_qty(milli):
    return fmt_vi(milli)


def build_indicators(rng, plan):
    has_water_work = {r["ma_xa"] for r in plan
                      if r["ma_du_an"] == "DA1" and r["nguon_von"] == "NSTW_DTPT"}
    # Every commune reports housing, one other indicator in turn (so each
    # kind appears several times) and its water works if it has any.
    optional = [i for i in INDICATORS if i[1] not in
                ("Hỗ trợ nhà ở", "Công trình nước sinh hoạt tập trung")]
    rows = []
    turn = 0
    for _, _, communes in DISTRICTS:
        for ccode, cname, _ in communes:
            chosen = optional[turn % len(optional)][1]
            turn += 1
            for code, name, unit, lo, hi, decimals in INDICATORS:
                if name == "Công trình nước sinh hoạt tập trung":
                    if ccode not in has_water_work:
                        continue
                elif name not in ("Hỗ trợ nhà ở", chosen):
                    continue
                target = rng.randint(lo, hi) * 1000
                if decimals:
                    target = rng.randint(lo * 10, hi * 10) * 100
                achieved = target * rng.randint(55, 100) // 100
                if not decimals:
                    achieved -= achieved % 1000
                else:
                    achieved -= achieved % 100
                day = "31/12/2024" if rng.random() < 0.8 else "30/11/2024"
                rows.append([str(YEAR), ccode, cname, code, name, unit,
                             fmt_qty(target), fmt_qty(achieved), day])
    return rows


# ---------------------------------------------------------------- next year

NEXT = YEAR + 1


def next_year_plan(rng, plan):
    """2025: each 2024 item again (90-120%), plus unspent 2024 capital."""
    out = []
    for r in plan:
        if r["nam_von"] != str(YEAR):
            continue
        amount = r["milli"] * rng.randint(90, 120) // 100
        out.append(dict(r, nam=str(NEXT), nam_von=str(NEXT), milli=amount))
        if r["nguon_von"] in ("NSTW_DTPT", "NSTW_SN") and rng.random() < 0.2:
            ext = r["milli"] * rng.randint(5, 25) // 100
            text = "Vốn năm %d kéo dài: %s" % (YEAR, r["noi_dung"] or "chuyển tiếp")
            out.append(dict(r, nam=str(NEXT), nam_von=str(YEAR), milli=ext, noi_dung=text))
    return out


def assigned_totals(plan):
    """giao_von rows: by source, and DA1 / DA4.TDA1 by source, with two
    deliberate differences: +0,4 triệu (rounding) and -250 triệu."""
    rows = []
    def total(source, project=None):
        return sum(r["milli"] for r in plan if r["nam_von"] == str(NEXT)
                   and r["nguon_von"] == source
                   and (project is None or r["ma_du_an"] == project))
    for source in ALL_SOURCES:
        amount = total(source)
        if source == "NSDP_SN":
            amount += 400            # 0,4 triệu: a rounding difference
        if amount:
            rows.append([str(NEXT), "", source, fmt_vi(amount)])
    for project in ("DA1", "DA4.TDA1"):
        for source in ("NSTW_DTPT", "NSTW_SN"):
            amount = total(source, project)
            if project == "DA4.TDA1" and source == "NSTW_DTPT":
                amount -= 250 * 1000   # assigned 250 triệu less than allocated
            if amount:
                rows.append([str(NEXT), project, source, fmt_vi(amount)])
    return rows


def next_year_indicators(rng, indicators):
    out = []
    for row in indicators:
        target = row[6]
        out.append([str(NEXT)] + row[1:6] + [target, "", ""])
    return out


# ---------------------------------------------------------------- writing

PLAN_HEADER = ["nam", "nam_von", "ma_tinh", "ten_tinh", "ma_huyen", "ten_huyen",
               "ma_xa", "ten_xa", "ma_du_an", "nguon_von", "ke_hoach", "noi_dung"]
PAY_HEADER = ["nam", "nam_von", "ma_tinh", "ma_huyen", "ma_xa", "ten_xa",
              "ma_du_an", "nguon_von", "ngay", "giai_ngan"]
IND_HEADER = ["nam", "ma_xa", "ten_xa", "ma_du_an", "chi_tieu", "don_vi",
              "ke_hoach", "thuc_hien", "ngay"]


def write_csv(path, header, rows, encoding, delimiter, newline):
    with open(path, "w", encoding=encoding, newline="") as f:
        w = csv.writer(f, delimiter=delimiter, lineterminator=newline,
                       quoting=csv.QUOTE_MINIMAL)
        w.writerow(header)
        for row in rows:
            w.writerow([nfc(v) for v in row])


def check_coverage(plan):
    projects = sorted({project_of(r["ma_du_an"]) for r in plan},
                      key=lambda p: int(p[2:]))
    sources = [s for s in ALL_SOURCES if any(r["nguon_von"] == s for r in plan)]
    assert projects == ["DA%d" % i for i in range(1, 11)], projects
    assert sources == ALL_SOURCES, sources


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else "input"
    rng = random.Random(2024)
    plan = build_plan(rng)
    check_coverage(plan)
    payments = build_payments(rng, plan)
    indicators = build_indicators(rng, plan)
    os.makedirs(outdir, exist_ok=True)

    write_csv(os.path.join(outdir, "ke_hoach_%d.csv" % YEAR), PLAN_HEADER,
              [[r[h] for h in PLAN_HEADER[:10]] + [fmt_vi(r["milli"]), r["noi_dung"]]
               for r in plan], "utf-8-sig", ",", "\r\n")
    write_csv(os.path.join(outdir, "giai_ngan_%d.csv" % YEAR), PAY_HEADER,
              [[r["nam"], r["nam_von"], r["ma_tinh"], r["ma_huyen"], r["ma_xa"],
                r["ten_xa"], r["ma_du_an"], r["nguon_von"],
                "%02d/%02d/%04d" % (d[2], d[1], d[0]), payment_text(rng, a)]
               for r, d, a in payments], "utf-8", ";", "\r\n")
    write_csv(os.path.join(outdir, "chi_tieu_%d.csv" % YEAR), IND_HEADER,
              indicators, "utf-8", ",", "\n")
    print("plan rows %d, payment rows %d, indicator rows %d"
          % (len(plan), len(payments), len(indicators)))

    rng2 = random.Random(NEXT)
    plan2 = next_year_plan(rng2, plan)
    write_csv(os.path.join(outdir, "ke_hoach_%d.csv" % NEXT), PLAN_HEADER,
              [[r[h] for h in PLAN_HEADER[:10]] + [fmt_vi(r["milli"]), r["noi_dung"]]
               for r in plan2], "utf-8-sig", ",", "\r\n")
    write_csv(os.path.join(outdir, "chi_tieu_%d.csv" % NEXT), IND_HEADER,
              next_year_indicators(rng2, indicators), "utf-8", ",", "\n")
    write_csv(os.path.join(outdir, "giao_von_%d.csv" % NEXT),
              ["nam", "ma_du_an", "nguon_von", "giao"], assigned_totals(plan2),
              "utf-8", ",", "\n")
    print("%d plan rows %d" % (NEXT, len(plan2)))


if __name__ == "__main__":
    main()
