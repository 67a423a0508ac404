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
# (init, audit verify, reindex...) act as "system". The demo keeps the passwords it knows in
# $ARCHIVE_HOME/demo-passwords (mode 0600): the one-time passwords `archive init --json` prints and
# the administrator hands out ("USER PASSWORD once"), then the ones chosen at the first login
# ("USER PASSWORD"; the last line of a user wins), so that a later run, or one after a failure,
# can log in again.
PASSWORDS="$ARCHIVE_HOME/demo-passwords"
mkdir -p -m 0700 "$ARCHIVE_HOME"  # private: the catalog holds secret text and password hashes
py="$PWD/.venv/bin/python"
new_password() { "$py" -c 'import secrets; print(secrets.token_urlsafe(12))'; }
remember() { (umask 077; printf '%s %s %s\n' "$1" "$2" "${3:-}" >> "$PASSWORDS"); }
entry_of() {
  [ -f "$PASSWORDS" ] || return 0
  awk -v u="$1" '$1 == u { p = $2; k = $3 } END { if (p != "") print p, k }' "$PASSWORDS"
}
# login USER: with a one-time password, the first login chooses a new one (second line of stdin).
login() {
  local user="$1" password="" kind="" fresh
  read -r password kind <<< "$(entry_of "$user")" || true
  if [ -z "$password" ]; then
    echo "run.sh: no password known for $user in $PASSWORDS" >&2
    return 1
  fi
  if [ "$kind" = once ]; then
    fresh="$(new_password)"
    printf '%s\n%s\n' "$password" "$fresh" | "$archive" login "$user" --password-stdin
    remember "$user" "$fresh"
  else
    printf '%s\n' "$password" | "$archive" login "$user" --password-stdin
  fi
}

step "archive init --json   (catalog, category table, retention schedule, the three officers 三员, one-time passwords)"
accounts="$("$archive" init --json)"
printf '%s\n' "$accounts"
(umask 077; printf '%s' "$accounts" | "$py" -c \
  'import json, sys; [print(a["username"], a["password"], "once") for a in json.load(sys.stdin)["accounts"]]' \
  >> "$PASSWORDS")

step "archive config show"
"$archive" config show

step "archive audit verify   (an operator command: runs as system)"
"$archive" audit verify

step "archive login admin   (系统管理员: creates ordinary accounts, always at 内部, with one-time passwords)"
login admin
if ! "$archive" user list --json | "$py" -c \
    'import json, sys; sys.exit(0 if any(u["username"] == "archivist" for u in json.load(sys.stdin)) else 1)'; then
  archivist_once="$(new_password)"
  printf '%s\n' "$archivist_once" | "$archive" user add archivist --role archivist --display-name 档案员 --password-stdin
  remember archivist "$archivist_once" once
fi

step "archive user list"
"$archive" user list

clearance="$("$archive" user list --json | "$py" -c \
  'import json, sys; print(next(u["clearance"] for u in json.load(sys.stdin) if u["username"] == "archivist"))')"
if [ "$clearance" != confidential ]; then
  step "archive login secadmin; archive user clearance archivist confidential   (安全保密员 sets clearances)"
  login secadmin
  "$archive" user clearance archivist confidential
fi

step "archive login archivist"
login archivist
"$archive" whoami

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
