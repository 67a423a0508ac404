"""Reproducible builds (issue 16 item 10): the hashed lock files cover every dependency that
pyproject.toml declares, at a version its specifier allows. When this fails after a change to the
dependencies, regenerate the locks with `scripts/lock.sh` (README, "Reproducible builds")."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?==([^\s;\\]+)")
HINT = "regenerate the locks: scripts/lock.sh"


def read_lock(name: str) -> dict[str, list[Version]]:
    """{canonical name: pinned versions} (a universal lock may pin two versions under markers);
    every pin must carry at least one sha256 hash."""
    text = (ROOT / "requirements" / name).read_text(encoding="utf-8")
    pins: dict[str, list[Version]] = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", text):
        match = _PIN.match(block)
        if not match:
            continue
        assert "--hash=sha256:" in block, f"{name}: {match[1]} has no hash ({HINT})"
        pins.setdefault(canonicalize_name(match[1]), []).append(Version(match[3]))
    assert pins, f"{name} pins nothing ({HINT})"
    return pins


def _requirements(extra: str | None = None) -> list[Requirement]:
    project = PYPROJECT["project"]
    listed = project["optional-dependencies"][extra] if extra else project["dependencies"]
    return [Requirement(line) for line in listed]


@pytest.mark.parametrize(("lock", "extras"), [("main.lock", ()), ("dev.lock", ("dev",))])
def test_every_pyproject_dependency_is_locked_at_an_allowed_version(lock, extras):
    pins = read_lock(lock)
    wanted = _requirements() + [r for extra in extras for r in _requirements(extra)]
    for requirement in wanted:
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement} is in pyproject.toml but not in requirements/{lock} ({HINT})"
        assert any(requirement.specifier.contains(v, prereleases=True) for v in pins[name]), (
            f"requirements/{lock} pins {name} {[str(v) for v in pins[name]]}, outside {requirement.specifier} ({HINT})")


def test_the_image_and_bootstrap_install_the_locks():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "--require-hashes --no-deps -r requirements/main.lock" in dockerfile
    bootstrap = (ROOT / "scripts" / "bootstrap.sh").read_text(encoding="utf-8")
    assert 'LOCK="$ROOT/requirements/dev.lock"' in bootstrap and '--require-hashes -r "$LOCK"' in bootstrap
    assert "--no-deps -e ." in bootstrap


def test_locked_extras_bring_their_packages():
    """The extras the project relies on: psycopg's binary build, celery's redis transport,
    moto's server (the suite's S3)."""
    main, dev = read_lock("main.lock"), read_lock("dev.lock")
    assert {"psycopg-binary", "redis"} <= set(main)
    assert {"moto", "flask-cors"} <= set(dev)  # moto[server] runs on flask with flask-cors


def test_nothing_unused_is_declared():
    """Dependencies nothing imports were dropped (tomli-w: settings are only read, with tomllib)."""
    names = {canonicalize_name(r.name) for r in _requirements()}
    assert "tomli-w" not in names
