#!/usr/bin/python3
"""gen-communes: a one-province input with N communes and no districts
(the two-level map), to measure `split = commune` on thousands of units.

    gen-communes.py N DIR

Writes DIR/ke_hoach_2026.csv (6 plan rows per commune plus province-level
rows) and DIR/giai_ngan_2026.csv (6 payments per commune) in the default
layout. Deterministic: the same N gives the same bytes.
"""
import os
import sys

PROJECTS = ["DA1", "DA3.TDA1", "DA4.TDA1", "DA5.TDA1", "DA9.TDA1", "DA10.TDA3"]
SOURCES = ["NSTW_DTPT", "NSTW_SN", "NSDP_DTPT", "NSDP_SN", "NSTW_SN", "NSTW_SN"]


def main():
    n, out = int(sys.argv[1]), sys.argv[2]
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "ke_hoach_2026.csv"), "w", encoding="utf-8") as kh, \
         open(os.path.join(out, "giai_ngan_2026.csv"), "w", encoding="utf-8") as gn:
        kh.write("nam,nam_von,ma_tinh,ten_tinh,ma_xa,ten_xa,ma_du_an,nguon_von,ke_hoach\n")
        gn.write("nam,nam_von,ma_tinh,ma_xa,ma_du_an,nguon_von,ngay,giai_ngan\n")
        for i in range(n):
            code = "%05d" % (10000 + i)
            for k, (p, s) in enumerate(zip(PROJECTS, SOURCES)):
                amount = 100 + (i * 7 + k * 13) % 900
                kh.write('2026,2026,99,Hòa Sơn,%s,Xã Số %d,%s,%s,"%d,%03d"\n'
                         % (code, i + 1, p, s, amount, (i * 31 + k) % 1000))
                gn.write('2026,2026,99,%s,%s,%s,2026-06-30,"%d,5"\n' % (code, p, s, amount // 2))
        kh.write('2026,2026,99,Hòa Sơn,,,DA10.TDA3,NSTW_SN,"500"\n')


if __name__ == "__main__":
    main()
