"""peer_pandas: the bench's pandas peer, the report job as a user would
script it instead of running mtqg-report.

    /usr/bin/python3 bench/peer_pandas.py DATA_DIR OUT_DIR

Reads the bench CSVs (plan, payments, indicators; Vietnamese number
format), leaves out payments after the as-of date, groups plan and
payments by project, source and commune, and writes a workbook with
XlsxWriter (a sheet per grouping) and, when ReportLab is installed, a PDF
table of the commune totals. bench/run.sh times it beside the program; it
is not part of the program and is run only when pandas is installed.
Prints one line: groups and totals, so a run that read nothing shows.
"""
import os
import sys

import pandas as pd

AS_OF = pd.Timestamp("2024-12-31")
KEYS = ["ma_du_an", "nguon_von", "ma_xa"]


def read(path, sep, amount_cols):
    # Codes stay text (leading zeros); amounts are "1.250,125".
    df = pd.read_csv(path, sep=sep, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    for c in amount_cols:
        df[c] = (df[c].str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
                 .replace("", "0").astype(float))
    return df


def main():
    data, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    plan = read(os.path.join(data, "ke_hoach_bench.csv"), ",", ["ke_hoach"])
    pay = read(os.path.join(data, "giai_ngan_bench.csv"), ";", ["giai_ngan"])
    ind = read(os.path.join(data, "chi_tieu_bench.csv"), ",", ["ke_hoach", "thuc_hien"])
    pay["ngay"] = pd.to_datetime(pay["ngay"], format="%d/%m/%Y")
    pay = pay[pay["ngay"] <= AS_OF]

    cells = (plan.groupby(KEYS)["ke_hoach"].sum().to_frame()
             .join(pay.groupby(KEYS)["giai_ngan"].sum(), how="outer").fillna(0))
    cells["ty_le"] = cells["giai_ngan"] / cells["ke_hoach"].where(cells["ke_hoach"] != 0)
    by_project = cells.groupby(level=0)[["ke_hoach", "giai_ngan"]].sum()
    by_source = cells.groupby(level=1)[["ke_hoach", "giai_ngan"]].sum()
    names = plan.drop_duplicates("ma_xa").set_index("ma_xa")["ten_xa"]
    by_commune = cells.groupby(level=2)[["ke_hoach", "giai_ngan"]].sum().join(names)
    by_indicator = ind.groupby(["ma_du_an", "chi_tieu", "don_vi"])[["ke_hoach", "thuc_hien"]].sum()

    with pd.ExcelWriter(os.path.join(out, "peer.xlsx"), engine="xlsxwriter") as xw:
        by_project.to_excel(xw, sheet_name="Dự án")
        by_source.to_excel(xw, sheet_name="Nguồn vốn")
        by_commune.to_excel(xw, sheet_name="Xã")
        cells.to_excel(xw, sheet_name="Chi tiết")
        by_indicator.to_excel(xw, sheet_name="Chỉ tiêu")

    pdf = "no PDF (ReportLab not installed)"
    try:
        from reportlab.lib.pagesizes import A4, landscape
        from reportlab.platypus import LongTable, SimpleDocTemplate
    except ImportError:
        pass
    else:
        rows = [["Mã xã", "Tên xã", "Kế hoạch", "Giải ngân"]]
        rows += [[k, str(r.ten_xa), f"{r.ke_hoach:,.3f}", f"{r.giai_ngan:,.3f}"]
                 for k, r in by_commune.iterrows()]
        SimpleDocTemplate(os.path.join(out, "peer.pdf"), pagesize=landscape(A4)).build(
            [LongTable(rows, repeatRows=1)])
        pdf = f"PDF of {len(rows) - 1} communes"
    print(f"peer_pandas: {len(cells)} cells, plan {cells['ke_hoach'].sum():,.3f}, "
          f"paid {cells['giai_ngan'].sum():,.3f}; {pdf}; pandas {pd.__version__}")


if __name__ == "__main__":
    main()
