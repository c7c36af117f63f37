/* Vietnamese phrases for system errors; see syserr.h. */
#include "syserr.h"

#include <errno.h>
#include <stdio.h>

static const struct {
    int code;
    const char *text;
} phrases[] = {
    {ENOENT, "không có tệp hoặc thư mục này"},
    {EACCES, "không có quyền truy cập"},
    {EPERM, "không được phép"},
    {ENOSPC, "đĩa đã đầy"},
    {EDQUOT, "đã hết hạn mức dung lượng đĩa"},
    {EFBIG, "tệp vượt quá kích thước cho phép"},
    {EROFS, "hệ thống tệp chỉ cho đọc"},
    {EISDIR, "đây là một thư mục, không phải tệp"},
    {ENOTDIR, "một phần của đường dẫn không phải thư mục"},
    {EEXIST, "đã có tệp trùng tên"},
    {ENAMETOOLONG, "tên tệp quá dài"},
    {ELOOP, "đường dẫn có vòng liên kết"},
    {EMFILE, "mở quá nhiều tệp cùng lúc"},
    {ENFILE, "hệ thống mở quá nhiều tệp cùng lúc"},
    {ENOMEM, "không đủ bộ nhớ"},
    {EIO, "lỗi vào/ra của thiết bị"},
    {EBUSY, "tệp hoặc thiết bị đang bận"},
    {ETXTBSY, "tệp đang được dùng"},
    {EXDEV, "không đổi tên được giữa hai ổ đĩa"},
    {ENOTEMPTY, "thư mục không trống"},
    {EAGAIN, "tạm thời chưa làm được, hãy thử lại"},
    {EINVAL, "tham số không hợp lệ"},
    {ENXIO, "không có thiết bị này"},
    {ENODEV, "không có thiết bị này"},
    {ESTALE, "tệp trên ổ mạng không còn"},
    {ECONNREFUSED, "máy chủ từ chối kết nối"},
    {ETIMEDOUT, "hết thời gian chờ"},
};

const char *sys_error(int errnum)
{
    for (size_t i = 0; i < sizeof phrases / sizeof phrases[0]; i++)
        if (phrases[i].code == errnum) return phrases[i].text;
    static _Thread_local char other[40];
    snprintf(other, sizeof other, "lỗi hệ thống số %d", errnum);
    return other;
}
