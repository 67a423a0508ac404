#!/usr/bin/env bash
# Set up everything the project needs on this machine, and nothing more.
#
#   scripts/bootstrap.sh                 system packages (apt) + .venv with the project installed
#   scripts/bootstrap.sh --with-chromium also Chromium + ChromeDriver (browser tests)
#
# Idempotent and silent when nothing is missing; fast on repeat runs (a stamp file in .venv
# records which pyproject.toml was installed).
#
# Environment:
#   PYTHON=/path/to/python3.11    interpreter for .venv (default: first of python3.13..python3.11, python3)
#   BOOTSTRAP_CHROMIUM=1          same as --with-chromium
#   BOOTSTRAP_SKIP_APT=1          do not check or install system packages
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"

# System packages: OCR with Simplified and Traditional Chinese, CJK fonts (Noto for page
# rendering; WenQuanYi Zen Hei, a TrueType font reportlab can embed, for the PDF/A reports of
# archive/paper.py), poppler (PDF to images), and the PostgreSQL/Redis
# server binaries that the test suite starts as throwaway instances; AR PL UKai (KaiTi-style)
# for the handwritten-form pages of bench/handwriting_forms.py and its test.
SYSTEM_PACKAGES=(
  tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-chi-tra tesseract-ocr-eng
  fonts-noto-cjk fonts-wqy-zenhei poppler-utils postgresql redis-server
  fonts-arphic-ukai
)

say() { printf 'bootstrap: %s\n' "$*"; }
die() { printf 'bootstrap: error: %s\n' "$*" >&2; exit 1; }

# The suite's Playwright tests drive Debian's Chromium: install it whenever they are present.
default_chromium=0
[ -f "$ROOT/tests/web/test_browser.py" ] && default_chromium=1
with_chromium="${BOOTSTRAP_CHROMIUM:-$default_chromium}"
for arg in "$@"; do
  case "$arg" in
    --with-chromium) with_chromium=1 ;;
    -h|--help) sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument: $arg (try --help)" ;;
  esac
done

# ---------------------------------------------------------------------------------------------
# apt helpers
# ---------------------------------------------------------------------------------------------
APT_UPDATED=0

have_deb() { dpkg -s "$1" >/dev/null 2>&1; }

have_package() {
  case "$1" in
    # The server binaries are what matter, wherever they came from.
    postgresql) compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || have_deb postgresql ;;
    redis-server) command -v redis-server >/dev/null 2>&1 || have_deb redis-server ;;
    *) have_deb "$1" ;;
  esac
}

# apt_install PKG... : install the given packages (as root) or stop with the exact command.
apt_install() {
  [ "$#" -gt 0 ] || return 0
  if [ "$(id -u)" -ne 0 ]; then
    printf 'bootstrap: missing system packages: %s\n' "$*" >&2
    printf 'bootstrap: run this once, then run the command again:\n\n' >&2
    printf '  sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends %s\n\n' "$*" >&2
    exit 1
  fi
  say "installing system packages: $* (takes a few minutes the first time)"
  if [ "$APT_UPDATED" -eq 0 ]; then
    apt-get update -qq
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@"
}

# ---------------------------------------------------------------------------------------------
# Chromium for the browser tests. Not installed by default: the web issue's test command calls
# `ensure_chromium` (or runs this script with --with-chromium / BOOTSTRAP_CHROMIUM=1).
# ---------------------------------------------------------------------------------------------
ensure_chromium() {
  local missing=() pkg
  for pkg in chromium chromium-driver; do
    have_deb "$pkg" || missing+=("$pkg")
  done
  apt_install "${missing[@]+"${missing[@]}"}"
}

# ---------------------------------------------------------------------------------------------
# Python >= 3.11
# ---------------------------------------------------------------------------------------------
python_ok() { "$1" -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; }

find_python() {
  local candidate
  if [ -n "${PYTHON:-}" ]; then
    command -v "$PYTHON" 2>/dev/null || true
    return
  fi
  for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 && python_ok "$candidate"; then
      command -v "$candidate"
      return
    fi
  done
}

PY=""
[ -x "$VENV/bin/python" ] || PY="$(find_python)"

# ---------------------------------------------------------------------------------------------
# 1. system packages
# ---------------------------------------------------------------------------------------------
if [ "${BOOTSTRAP_SKIP_APT:-0}" != "1" ]; then
  if command -v dpkg >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
    missing=()
    for pkg in "${SYSTEM_PACKAGES[@]}"; do
      have_package "$pkg" || missing+=("$pkg")
    done
    # Debian's own python3 needs python3-venv (ensurepip) to create a virtual environment.
    if [ -n "$PY" ] && [[ "$PY" == /usr/bin/* ]] && ! "$PY" -c 'import ensurepip, venv' >/dev/null 2>&1; then
      missing+=("python3-venv")
    fi
    apt_install "${missing[@]+"${missing[@]}"}"
    if [ "$with_chromium" = "1" ]; then
      ensure_chromium
    fi
  else
    say "warning: no dpkg/apt-get here; install these yourself: ${SYSTEM_PACKAGES[*]}" >&2
  fi
fi

# ---------------------------------------------------------------------------------------------
# 2. .venv with the project installed (editable, with the dev extras)
# ---------------------------------------------------------------------------------------------
if [ ! -x "$VENV/bin/python" ]; then
  if [ -z "$PY" ] || ! python_ok "$PY"; then
    found="$(command -v python3 >/dev/null 2>&1 && python3 -V 2>&1 || echo 'no python3')"
    die "Python 3.11 or newer is needed to create .venv (found: $found). Install it (Debian 12: apt-get install python3 python3-venv) or point PYTHON=/path/to/python3.11 at one."
  fi
  say "creating .venv with $("$PY" -V 2>&1)"
  "$PY" -m venv "$VENV"
fi
python_ok "$VENV/bin/python" || die ".venv uses $("$VENV/bin/python" -V 2>&1); Python 3.11+ is needed: remove .venv and run again"

# Exactly the locked versions, checked against their hashes (requirements/dev.lock: the project's
# dependencies with the dev extras; README, "Reproducible builds"), then the project itself,
# editable, without resolving anything again.
LOCK="$ROOT/requirements/dev.lock"
[ -f "$LOCK" ] || die "$LOCK is missing (regenerate it: see README, \"Reproducible builds\")"
# The stamp names the pyproject.toml and lock contents and the project path that were installed.
stamp_key="$( { cat "$ROOT/pyproject.toml" "$LOCK"; printf '%s\n' "$ROOT"; } | sha256sum | cut -c1-32)"
stamp="$VENV/.installed-$stamp_key"
if [ ! -f "$stamp" ]; then
  say "installing the locked dependencies and the project into .venv (first run takes a few minutes)"
  log="$VENV/pip-install.log"
  if ! (cd "$ROOT" && "$VENV/bin/python" -m pip install --disable-pip-version-check --require-hashes -r "$LOCK" \
        && "$VENV/bin/python" -m pip install --disable-pip-version-check --no-deps -e .) >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    die "pip install failed; full log: $log"
  fi
  rm -f "$VENV"/.installed-*
  date -u '+%Y-%m-%dT%H:%M:%SZ' >"$stamp"
fi
