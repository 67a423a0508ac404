#!/usr/bin/env bash
# The test command: set up, lint (ruff), check the package import rules (import-linter), type-check
# the core and the services (mypy), then run the test suite. Arguments go to pytest, e.g. ./test.sh -x -k audit tests/test_config.py
# The suite starts its own throwaway PostgreSQL, Redis and S3 (moto) servers.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

./scripts/bootstrap.sh

printf '==> ruff check\n'
.venv/bin/ruff check .

printf '==> lint-imports\n'
.venv/bin/lint-imports

printf '==> mypy\n'
.venv/bin/mypy

printf '==> pytest\n'
exec .venv/bin/pytest "$@"
