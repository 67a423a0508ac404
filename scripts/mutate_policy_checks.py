#!/usr/bin/env python3
"""Mutation check of the policy checks inside services: take out one check at a time and see
whether some test fails (issue 11, item 6). A surviving mutant is a check no test depends on.

A *check* is a statement that can only refuse: a call to `require`, `require_role`,
`distinct_people`, `assert_not_held` or a `_require…`/`_check…` helper, or an `if …: raise
Forbidden/Conflict(…)`. Each mutant replaces one such statement by `pass` in a copy of the tree
and runs the tests that cover the module (SQLite only, stop at the first failure).

    .venv/bin/python scripts/mutate_policy_checks.py [--json out.json] [--only archive/accounts.py]

Prints one line per mutant (killed/survived, file:line, statement) and a summary.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# module -> the tests that exercise its checks (kept small so a mutant costs seconds, not minutes)
TARGETS: dict[str, list[str]] = {
    "archive/policy.py": ["tests/catalog/test_policy.py", "tests/catalog/test_policy_mutants.py",
                          "tests/catalog/test_visibility.py", "tests/web/test_faces.py"],
    "archive/accounts.py": ["tests/catalog/test_users.py", "tests/web/test_accounts_everywhere.py"],
    "archive/identity.py": ["tests/pipeline/test_correction_refusals.py", "tests/catalog/test_users.py",
                            "tests/lending/test_identity.py", "tests/web/test_faces.py"],
    "archive/records.py": ["tests/web/test_faces.py", "tests/web/test_pages.py", "tests/web/test_api.py"],
    "ingest/corrections.py": ["tests/pipeline/test_correction_refusals.py", "tests/pipeline/test_corrections.py",
                              "tests/web/test_faces.py"],
    "ingest/submission.py": ["tests/pipeline/test_submission.py", "tests/web/test_upload.py"],
    "search/service.py": ["tests/web/test_faces.py", "tests/search/test_search_sync.py"],
    "archive/lending/requests.py": ["tests/lending"],
    "archive/lending/viewing.py": ["tests/lending"],
    "archive/lending/inventory.py": ["tests/lending"],
    "archive/lending/transfers.py": ["tests/lending"],
    "archive/lending/personnel.py": ["tests/lending"],
    "retention/holds.py": ["tests/retention", "tests/web/test_faces.py"],
    "retention/appraisal.py": ["tests/retention"],
    "retention/destruction.py": ["tests/retention"],
    "retention/schedule.py": ["tests/retention"],
    "retention/secrecy.py": ["tests/retention"],
}

CHECK_CALLS = {"require", "require_role", "distinct_people", "assert_not_held"}
REFUSALS = {"Forbidden", "Conflict"}


def _call_name(node: ast.AST) -> str:
    if isinstance(node, ast.Call):
        f = node.func
        return f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
    return ""


def is_check(stmt: ast.stmt) -> bool:
    if isinstance(stmt, ast.Expr):
        name = _call_name(stmt.value)
        return name in CHECK_CALLS or name.startswith(("_require", "_check", "require_"))
    if isinstance(stmt, ast.If) and not stmt.orelse and len(stmt.body) == 1 and isinstance(stmt.body[0], ast.Raise):
        return _call_name(stmt.body[0].exc) in REFUSALS if stmt.body[0].exc is not None else False
    return False


def checks_in(path: Path) -> list[tuple[int, int, str]]:
    """(first line, last line, source) of every check statement in the file."""
    source = path.read_text(encoding="utf-8")
    found = []
    for node in ast.walk(ast.parse(source)):
        for field in ("body", "orelse", "finalbody"):
            block = getattr(node, field, None)
            for stmt in block if isinstance(block, list) else []:
                if isinstance(stmt, ast.stmt) and is_check(stmt):
                    text = ast.get_source_segment(source, stmt) or ""
                    found.append((stmt.lineno, stmt.end_lineno or stmt.lineno, text.splitlines()[0]))
    return sorted(set(found))


def mutate(source: str, first: int, last: int) -> str:
    lines = source.splitlines(keepends=True)
    indent = lines[first - 1][: len(lines[first - 1]) - len(lines[first - 1].lstrip())]
    return "".join(lines[: first - 1] + [f"{indent}pass  # mutant\n"] + lines[last:])


def run_tests(tree: Path, tests: list[str], timeout: int) -> bool:
    """True when the tests pass (the mutant survived)."""
    existing = [t for t in tests if (tree / t).exists()]
    if not existing:
        return True
    env = dict(os.environ, PYTHONPATH=str(tree), PYTHONDONTWRITEBYTECODE="1")
    cmd = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "-k", "not postgresql",
           "--timeout", "300", *existing]
    try:
        done = subprocess.run(cmd, cwd=tree, env=env, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return False  # a hang counts as detected
    return done.returncode == 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", help="mutate only this module (repeatable)")
    parser.add_argument("--json", type=Path, help="write the results here")
    parser.add_argument("--timeout", type=int, default=900)
    args = parser.parse_args()
    modules = args.only or list(TARGETS)
    results = []
    with tempfile.TemporaryDirectory(prefix="mutants-") as tmp:
        tree = Path(tmp) / "tree"
        shutil.copytree(ROOT, tree, ignore=shutil.ignore_patterns(".venv", ".git", "data", "__pycache__", "mutants"))
        for module in modules:
            path = tree / module
            if not path.exists():
                continue
            original = path.read_text(encoding="utf-8")
            for first, last, text in checks_in(path):
                path.write_text(mutate(original, first, last), encoding="utf-8")
                started = time.monotonic()
                survived = run_tests(tree, TARGETS.get(module, ["tests"]), args.timeout)
                path.write_text(original, encoding="utf-8")
                row = {"module": module, "line": first, "check": text.strip(),
                       "survived": survived, "seconds": round(time.monotonic() - started, 1)}
                results.append(row)
                print(f"{'SURVIVED' if survived else 'killed  '} {module}:{first}  {text.strip()[:90]}", flush=True)
    killed = sum(not r["survived"] for r in results)
    print(f"\n{len(results)} mutants: {killed} killed, {len(results) - killed} survived")
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return 1 if killed < len(results) else 0


if __name__ == "__main__":
    sys.exit(main())
