#!/bin/sh
# Install the Debian packages mtqg-report needs, only those missing.
# As root it runs apt-get; otherwise it prints the exact command to run.
# --quiet: say nothing when everything is already there.
#
# The list of packages is a list of words, and the missing ones are chosen
# word by word from what dpkg-query says of each: no string surgery on the
# list (a `sed 's/ python3//'` once cut "python3-aiosmtpd" into "-aiosmtpd").
# tests/install/test-install-deps.sh runs this script against a simulated
# fresh machine (PATH shims for dpkg-query, apt-get and id).
set -eu

# build: compiler, libraries and fonts the program needs to build and run.
# test:  what `make test` uses besides (cmocka, pdftotext, valgrind,
#        LibreOffice Calc and Writer for files made by or opened in another
#        tool, Debian's python3 with openpyxl and python-docx,
#        aiosmtpd for the SMTP test server, openssl for its certificate,
#        strace to kill the program at a chosen call, systemd's analyzer for
#        the installed units, bsdutils' `script` for a pseudo-terminal).
PKGS_BUILD="build-essential pkg-config libxlsxwriter-dev libhpdf-dev libcsv-dev
libiniparser-dev libunistring-dev libminizip-dev libexpat1-dev libfreexl-dev
zlib1g-dev libdeflate-dev libcurl4-openssl-dev libssl-dev fonts-liberation2"
PKGS_TEST="libcmocka-dev poppler-utils valgrind libreoffice-calc-nogui libreoffice-writer-nogui
python3 python3-aiosmtpd python3-openpyxl python3-docx openssl strace systemd bsdutils"

quiet=0
[ "${1:-}" = "--quiet" ] && quiet=1

installed() {
    case "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" in
        *"install ok installed"*) return 0 ;;
        *) return 1 ;;
    esac
}

missing=""
for p in $PKGS_BUILD $PKGS_TEST; do
    installed "$p" || missing="$missing $p"
done

if [ -z "$missing" ]; then
    [ $quiet -eq 1 ] || echo "install-deps: mọi gói cần thiết đã có."
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: thiếu các gói:$missing" >&2
    echo "Chạy với quyền root:  apt-get update && apt-get install -y --no-install-recommends$missing" >&2
    exit 1
fi
echo "install-deps: cài các gói còn thiếu:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
