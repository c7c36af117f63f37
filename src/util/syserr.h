/*
 * syserr: what a system error means, in Vietnamese. Users meet errno in
 * messages about their own files (not found, no permission, disk full);
 * strerror would put an English phrase inside a Vietnamese sentence.
 */
#ifndef MTQG_SYSERR_H
#define MTQG_SYSERR_H

/**
 * sys_error - a short Vietnamese phrase for errnum ("không có tệp hoặc thư
 * mục này"); an errno without a phrase of its own gives "lỗi hệ thống số N"
 * (in a static buffer per thread). Never NULL.
 */
const char *sys_error(int errnum);

#endif
