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

# The CLI acts as a logged-in person (archive login USER, or ARCHIVE_TOKEN); operator commands
# (init, audit verify, reindex...) act as "system". The first run keeps the passwords it chose for
# the demo accounts in $ARCHIVE_HOME/demo-passwords (mode 0600) so that later runs can log in.
PASSWORDS="$ARCHIVE_HOME/demo-passwords"
mkdir -p "$ARCHIVE_HOME"
password_of() { [ -f "$PASSWORDS" ] && awk -v u="$1" '$1 == u { print $2 }' "$PASSWORDS"; }
new_password() { "$PWD/.venv/bin/python" -c 'import secrets; print(secrets.token_urlsafe(12))'; }
remember() { (umask 077; printf '%s %s\n' "$1" "$2" >> "$PASSWORDS"); }
# login USER ONE_TIME: the first login replaces the one-time password with a new remembered one.
login() {
  local user="$1" one_time="${2:-}" known
  known="$(password_of "$user" || true)"
  if [ -n "$known" ]; then
    printf '%s\n' "$known" | "$archive" login "$user" --password-stdin
  else
    local fresh; fresh="$(new_password)"
    printf '%s\n%s\n' "$one_time" "$fresh" | "$archive" login "$user" --password-stdin
    remember "$user" "$fresh"
  fi
}

step "archive init --json   (catalog, category table, retention schedule, the three officers 三员)"
accounts="$("$archive" init --json)"
printf '%s\n' "$accounts"
one_time() { printf '%s' "$accounts" | "$PWD/.venv/bin/python" -c \
  'import json, sys; print(next((a["password"] for a in json.load(sys.stdin)["accounts"] if a["username"] == sys.argv[1]), ""))' "$1"; }

step "archive config show"
"$archive" config show

step "archive audit verify   (an operator command: runs as system)"
"$archive" audit verify

step "archive login admin   (系统管理员 creates the archivist at 内部; one-time password changed at first login)"
login admin "$(one_time admin)"
if ! "$archive" user list | grep -q '^archivist '; then
  archivist_once="$(new_password)"
  printf '%s\n' "$archivist_once" | "$archive" user add archivist --role archivist --display-name 档案员 --password-stdin
  step "archive login secadmin   (安全保密员 raises the archivist's clearance)"
  login secadmin "$(one_time secadmin)"
  "$archive" user clearance archivist confidential
  step "archive login archivist"
  login archivist "$archivist_once"
else
  login archivist
fi
"$archive" whoami

step "archive user list"
"$archive" user list

step "archive ingest ingest/samples/scans   (as the archivist: OCR, classify, file and index the bundled sample scans)"
"$archive" ingest ingest/samples/scans

step "archive search 档案   (what the archivist finds)"
"$archive" search 档案 --limit 5

printf '\n登录 / log in: archive login archivist（密码见 / passwords in %s）\n' "$PASSWORDS"

step "archive serve   (http://127.0.0.1:5000/ — 用户 archivist，密码见 $PASSWORDS; Ctrl-C 停止)"
# RUN_NO_SERVE=1 stops here (scripts and CI); otherwise the web app serves the ingested samples.
if [ "${RUN_NO_SERVE:-0}" != "1" ]; then
  exec "$archive" serve --host "${ARCHIVE_WEB_HOST:-127.0.0.1}" --port "${ARCHIVE_WEB_PORT:-5000}"
fi
