#!/bin/sh
# bench/setup-peers.sh: install the tools `make bench` compares mtqg-report
# with (`make bench-peers` runs it, as root). Not dependencies of the
# program or its tests: scripts/install-deps.sh does not list them.
#   - pandas, XlsxWriter and ReportLab for Debian's /usr/bin/python3
#     (bench/peer_pandas.py);
#   - DuckDB's node client, @duckdb/node-api, into bench/node_modules (not
#     committed), for bench/peer_duckdb.mjs; needs node and npm.
set -eu
cd "$(dirname "$0")"
apt-get install -y python3-pandas python3-xlsxwriter python3-reportlab
if command -v npm > /dev/null; then
    npm install --no-save --no-audit --no-fund --prefix . @duckdb/node-api
else
    echo "setup-peers: npm not found; the DuckDB peer stays off (apt-get install nodejs npm)" >&2
fi
