"""The factory and its surroundings: secret key file, cookie flags, CLI entry, complete catalogs."""

from __future__ import annotations

import stat
from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from click.testing import CliRunner

from archive.config import load_settings
from web.app import create_app
from web.cli import serve_command

TRANSLATIONS = Path(__file__).resolve().parents[2] / "web" / "translations"


def test_secret_key_is_generated_once_and_private(tmp_path):
    settings = load_settings({"ARCHIVE_HOME": str(tmp_path)})
    app = create_app(settings)
    key_file = tmp_path / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert app.config["SECRET_KEY"] == key_file.read_text()
    assert create_app(settings).config["SECRET_KEY"] == app.config["SECRET_KEY"]  # same key after a restart
    # Outside tests the session cookie is Secure, HttpOnly and SameSite=Lax.
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_configured_secret_key_wins(tmp_path):
    settings = load_settings({"ARCHIVE_HOME": str(tmp_path), "ARCHIVE_SECRET_KEY": "k" * 40})
    assert create_app(settings, testing=True).config["SECRET_KEY"] == "k" * 40
    assert not (tmp_path / "secret_key").exists()


def test_upload_limit_is_configurable(tmp_path, monkeypatch):
    monkeypatch.setenv("ARCHIVE_WEB_MAX_UPLOAD_MB", "3")
    app = create_app(load_settings({"ARCHIVE_HOME": str(tmp_path)}), testing=True)
    assert app.config["MAX_CONTENT_LENGTH"] == 3 * 1024 * 1024


def test_serve_command_is_registered():
    from importlib.metadata import entry_points

    names = {e.name: e.value for e in entry_points(group="archive.commands")}
    assert names.get("serve") == "web.cli:serve_command"
    result = CliRunner().invoke(serve_command, ["--help"])
    assert result.exit_code == 0 and "--port" in result.output


def test_catalogs_are_complete_and_compiled():
    with (TRANSLATIONS / "messages.pot").open("rb") as fh:
        wanted = {m.id for m in read_po(fh) if m.id}
    for lang in ("en", "zh_CN"):
        with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").open("rb") as fh:
            po = {m.id: m.string for m in read_po(fh) if m.id}
        with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.mo").open("rb") as fh:
            mo = {m.id: m.string for m in read_mo(fh) if m.id}
        missing = sorted(i for i in wanted if not po.get(i))
        assert not missing, f"{lang}: untranslated {missing}"
        assert mo == {i: po[i] for i in wanted}, f"{lang}: messages.mo is stale; run pybabel compile -d web/translations"


def test_templates_use_only_extracted_messages():
    """Every _("...") in templates and views is in messages.pot (re-run pybabel extract after edits)."""
    import re

    with (TRANSLATIONS / "messages.pot").open("rb") as fh:
        known = {m.id for m in read_po(fh) if m.id}
    web = TRANSLATIONS.parent
    used = set()
    for path in list(web.rglob("*.html")) + list(web.rglob("*.py")):
        used |= set(re.findall(r'_\(\s*"([^"]+)"', path.read_text(encoding="utf-8")))
    assert used <= known, sorted(used - known)
