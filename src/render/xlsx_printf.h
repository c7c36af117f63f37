/*
 * xlsx_printf: libxlsxwriter's cell formatting without glibc's printf.
 *
 * libxlsxwriter writes every cell of a sheet with fprintf (numbers as
 * "%.16G") and every formula's cached value with snprintf("%.16G"). On the
 * national workbook glibc's printf machinery (its multi-precision "%G"
 * above all) was 40% of writing the workbook. This module defines
 * __fprintf_chk and snprintf in the program itself; the dynamic linker
 * binds libxlsxwriter's calls to them (the executable comes first in the
 * lookup order, as for zip_level). They format the few conversions
 * libxlsxwriter uses (%s, %d, %.16G, %%) here, byte for byte as glibc
 * does, and hand every other format to glibc unchanged.
 *
 * Nothing to call for that: linking the module is what sets it.
 * xlsx_printf_g16 is the exact "%.16G" the interposers use, public so that
 * a test can hold it against glibc's.
 */
#ifndef MTQG_XLSX_PRINTF_H
#define MTQG_XLSX_PRINTF_H

/* Room for the longest text xlsx_printf_g16 writes ("-0.0001234567890123456"
 * and its terminating NUL). */
#define XLSX_G16_MAX 32

/*
 * Writes d as printf's "%.16G" does (glibc, rounding to nearest, ties to
 * even), NUL-terminated, and returns its length. Handles 0, -0 and every
 * finite d with 1e-4 <= |d| < 1e15, which is every figure of a report;
 * returns -1 (out untouched) for anything else, which the caller then
 * formats with the C library.
 */
int xlsx_printf_g16(char out[XLSX_G16_MAX], double d);

#endif
