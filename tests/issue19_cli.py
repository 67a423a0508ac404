"""Running one issue-19 command group in-process as a person (ARCHIVE_TOKEN), for the tests of
tests/catalog/test_stack_room.py, test_personnel_review.py and tests/retention/test_issue19_campaign.py."""

from __future__ import annotations

from click.testing import CliRunner

from archive.cli import cli
from tests.cli_auth import token_for


def runner(url: str, monkeypatch, groups: dict):
    """`run(username, *args)` → (exit code, output and error message)."""
    for name, group in groups.items():
        cli.add_command(group, name)

    def run(username: str, *args: str) -> tuple[int, str]:
        monkeypatch.setenv("ARCHIVE_TOKEN", token_for(url, username))
        result = CliRunner().invoke(cli, list(args))
        return result.exit_code, result.output + (str(result.exception) if result.exception else "")

    return run
