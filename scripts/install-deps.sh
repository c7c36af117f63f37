#!/bin/sh
# Install the Debian packages mtqg-report needs, only those missing.
# As root it runs apt-get; otherwise it prints the exact command to run.
# --quiet: say nothing when everything is already there.
set -eu
PKGS="build-essential pkg-config libxlsxwriter-dev libhpdf-dev libcsv-dev \
libiniparser-dev libunistring-dev libminizip-dev libexpat1-dev libfreexl-dev zlib1g-dev libcurl4-openssl-dev libssl-dev \
fonts-liberation2 libcmocka-dev poppler-utils valgrind \
libreoffice-calc-nogui python3 python3-aiosmtpd openssl"
quiet=0
[ "${1:-}" = "--quiet" ] && quiet=1

missing=""
for p in $PKGS; do
    st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case "$st" in
        *"install ok installed"*) ;;
        *) missing="$missing $p" ;;
    esac
done
# python3 may come from elsewhere (pyenv); what matters is that it runs.
case "$missing" in *python3*) command -v python3 >/dev/null 2>&1 && missing=$(echo "$missing" | sed 's/ python3//') ;; esac

if [ -z "$missing" ]; then
    [ $quiet -eq 1 ] || echo "install-deps: mọi gói cần thiết đã có."
    exit 0
fi
cmd="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: thiếu các gói:$missing" >&2
    echo "Chạy với quyền root:  apt-get update && $cmd" >&2
    exit 1
fi
echo "install-deps: cài các gói còn thiếu:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
