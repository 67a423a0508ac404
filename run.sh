#!/usr/bin/env bash
# The main job on embedded defaults: set up, initialise the catalog and show the system working.
# Everything lives under ARCHIVE_HOME (default ./data): SQLite catalog, object store, search
# index and task queue; no server is needed. Safe to run again.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

./scripts/bootstrap.sh

export ARCHIVE_HOME="${ARCHIVE_HOME:-$PWD/data}"
archive=.venv/bin/archive

step() { printf '\n==> %s\n' "$*"; }

step "archive init   (catalog, category table, retention schedule, first administrator)"
"$archive" init

step "archive config show"
"$archive" config show

step "archive user list"
"$archive" user list

step "archive audit verify"
"$archive" audit verify

step "archive ingest ingest/samples/scans   (OCR, classify, file and index the bundled sample scans)"
"$archive" ingest ingest/samples/scans

step "archive search 档案 --user archivist   (what the archivist finds)"
if ! "$archive" user list | grep -q '^archivist '; then
  # Prints the archivist's initial password once; log in with it on the web page below.
  "$archive" user add archivist --role archivist --clearance confidential --display-name 档案员
fi
ARCHIVE_USER=archivist "$archive" search 档案 --limit 5

step "archive serve   (http://127.0.0.1:5000/ — 用户 archivist，初始密码见上 / password printed above; Ctrl-C 停止)"
# RUN_NO_SERVE=1 stops here (scripts and CI); otherwise the web app serves the ingested samples.
if [ "${RUN_NO_SERVE:-0}" != "1" ]; then
  exec "$archive" serve --host "${ARCHIVE_WEB_HOST:-127.0.0.1}" --port "${ARCHIVE_WEB_PORT:-5000}"
fi
