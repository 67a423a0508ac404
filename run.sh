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
  printf 'archivist-password\n' | "$archive" user add archivist --role archivist --clearance confidential \
    --display-name 档案员 --password-stdin
fi
ARCHIVE_USER=archivist "$archive" search 档案 --limit 5

# --- Extension point: web (web issue) ---------------------------------------------------------
# step "archive serve   (http://127.0.0.1:8000, Ctrl-C to stop)"
# exec "$archive" serve
