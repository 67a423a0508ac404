#!/usr/bin/env bash
# Regenerate the hashed lock files from pyproject.toml (README, "Reproducible builds"):
#   requirements/main.lock   the app's dependencies: the Docker image installs exactly these
#   requirements/dev.lock    the same plus the dev extras: scripts/bootstrap.sh installs these
# Run it after changing the dependencies in pyproject.toml, then commit both files; tests/test_lock_file.py
# fails while a dependency of pyproject.toml is missing from a lock. Needs uv (installed into a
# throwaway venv when it is not on PATH). Universal: one lock for Linux x86-64/ARM and Python 3.11+.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

UV="${UV:-$(command -v uv || true)}"
if [ -z "$UV" ]; then
  tools="${TMPDIR:-/tmp}/hrss-archive-uv"
  [ -x "$tools/bin/uv" ] || { python3 -m venv "$tools" && "$tools/bin/pip" install -q uv; }
  UV="$tools/bin/uv"
fi

compile() {  # compile OUTPUT [uv options...]
  local out="$1"; shift
  "$UV" pip compile pyproject.toml "$@" --universal --generate-hashes --python-version 3.11 \
    --custom-compile-command "scripts/lock.sh" --quiet -o "$out"
}
mkdir -p requirements
compile requirements/main.lock
compile requirements/dev.lock --extra dev
printf 'lock.sh: wrote requirements/main.lock (%s packages) and requirements/dev.lock (%s packages)\n' \
  "$(grep -c '^[A-Za-z0-9]' requirements/main.lock)" "$(grep -c '^[A-Za-z0-9]' requirements/dev.lock)"
