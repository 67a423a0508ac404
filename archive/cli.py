"""The `archive` command. Core commands live here; other packages add theirs through the
entry-point group `archive.commands`, so archive/ imports none of them.

Every error exits non-zero with one clear line, never a traceback (the traceback of an
unexpected error goes to $ARCHIVE_HOME/logs/cli-errors.log).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import getpass
import json
import sys
import traceback
from collections.abc import Iterator
from importlib.metadata import entry_points
from pathlib import Path

import click
from sqlalchemy.orm import Session

from archive import seed, users
from archive.codes import Role, Secrecy
from archive.config import Settings, load_settings
from archive.db import Catalog
from archive.errors import ArchiveError, ValidationError
from archive.i18n import t


def cli_actor() -> str:
    """Who acted, for the audit trail: the operating-system account running the command."""
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # noqa: BLE001 - no passwd entry in some containers
        return "cli:unknown"


class Context:
    """Settings and catalog opened once per command, lazily."""

    def __init__(self) -> None:
        self._settings: Settings | None = None
        self._catalog: Catalog | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings()
        return self._settings

    @property
    def catalog(self) -> Catalog:
        if self._catalog is None:
            self._catalog = Catalog(self.settings.database_url)
        return self._catalog

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        if not self.catalog.is_initialised():
            raise ArchiveError(t("not_initialised"))
        with self.catalog.session() as session:
            yield session

    def close(self) -> None:
        if self._catalog is not None:
            self._catalog.dispose()


pass_ctx = click.make_pass_decorator(Context, ensure=True)


@click.group(help="档案管理系统 / records and archive management")
@click.pass_context
def cli(ctx: click.Context) -> None:
    ctx.obj = ctx.with_resource(_context())


@contextlib.contextmanager
def _context() -> Iterator[Context]:
    context = Context()
    try:
        yield context
    finally:
        context.close()


@cli.command(help="创建或升级目录库，载入默认数据，创建首个系统管理员 / create or migrate the catalog")
@click.option("--admin", "admin_name", default="admin", show_default=True, help="first administrator's user name")
@click.option("--password-stdin", is_flag=True, help="read the administrator's password from standard input")
@click.option("--fonds", default=seed.DEFAULT_FONDS[0], show_default=True, help="fonds code (全宗号)")
@click.option("--fonds-name", default=seed.DEFAULT_FONDS[1], show_default=True)
@pass_ctx
def init(ctx: Context, admin_name: str, password_stdin: bool, fonds: str, fonds_name: str) -> None:
    settings = ctx.settings
    settings.home.mkdir(parents=True, exist_ok=True)
    ctx.catalog.migrate()
    click.echo(t("init.migrated", url=settings.describe()["ARCHIVE_DATABASE_URL"]))
    with ctx.catalog.session() as session:
        added = seed.seed_defaults(session, cli_actor(), (fonds, fonds_name))
        click.echo(t("init.seeded", **added))
        existing = users.list_users(session)
        if existing:
            click.echo(t("init.admin_exists", count=len(existing)))
            return
        password = _read_password() if password_stdin else users.generate_password()
        users.add_user(
            session, actor=cli_actor(), username=admin_name, role=Role.SYSADMIN.value,
            clearance=Secrecy.INTERNAL.value, password=password, display_name="系统管理员",
        )
    click.echo(t("init.admin_created", username=admin_name, password="(stdin)" if password_stdin else password))


@cli.group(help="用户管理 / users")
def user() -> None:
    pass


@user.command("add", help="添加用户 / add a user")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--clearance", required=True, type=click.Choice([s.value for s in Secrecy]))
@click.option("--department", "departments", multiple=True, help="department scope (repeatable; none: all)")
@click.option("--category", "categories", multiple=True, help="category scope, e.g. RS (repeatable; none: all)")
@click.option("--display-name", default="")
@click.option("--password-stdin", is_flag=True, help="read the password from standard input")
@pass_ctx
def user_add(ctx: Context, name: str, role: str, clearance: str, departments: tuple[str, ...],
             categories: tuple[str, ...], display_name: str, password_stdin: bool) -> None:
    password = _read_password() if password_stdin else users.generate_password()
    with ctx.session() as session:
        created = users.add_user(
            session, actor=cli_actor(), username=name, role=role, clearance=clearance, password=password,
            departments=list(departments), categories=list(categories), display_name=display_name,
        )
    click.echo(t("user.added", username=created.username, role=created.role, clearance=created.clearance))
    if not password_stdin:
        click.echo(t("user.password", password=password))


@user.command("list", help="列出用户 / list users")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def user_list(ctx: Context, as_json: bool) -> None:
    with ctx.session() as session:
        rows = [
            {
                "username": u.username, "display_name": u.display_name, "role": u.role, "clearance": u.clearance,
                "departments": u.departments, "categories": u.categories, "active": u.active,
            }
            for u in users.list_users(session)
        ]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        scope = ",".join(row["departments"]) or "*"
        cats = ",".join(row["categories"]) or "*"
        click.echo(f"{row['username']:<16} {row['role']:<17} {row['clearance']:<13} 部门={scope} 门类={cats}")


@cli.group(help="配置 / configuration")
def config() -> None:
    pass


@config.command("show", help="显示生效的配置（密码已隐藏）/ show the settings in force")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def config_show(ctx: Context, as_json: bool) -> None:
    values = ctx.settings.describe()
    if as_json:
        click.echo(json.dumps(values, ensure_ascii=False, indent=2))
    else:
        for key, value in values.items():
            click.echo(f"{key}={value}")


def _read_password() -> str:
    line = sys.stdin.readline().rstrip("\n")
    if not line:
        raise ValidationError("no password on standard input")
    return line


def _load_plugins() -> None:
    """Add the commands other packages declare; a broken plugin must not break the others."""
    for ep in entry_points(group="archive.commands"):
        if ep.name in cli.commands:
            continue
        try:
            command = ep.load()
        except Exception as exc:  # noqa: BLE001 - reported when the command is used
            command = _broken_command(ep.name, exc)
        cli.add_command(command, ep.name)


def _broken_command(name: str, exc: Exception) -> click.Command:
    @click.command(name, help=f"(unavailable: {exc})", context_settings={"ignore_unknown_options": True})
    @click.argument("args", nargs=-1, type=click.UNPROCESSED)
    def broken(args: tuple[str, ...]) -> None:
        raise ArchiveError(f"command {name} cannot load: {type(exc).__name__}: {exc}")

    return broken


def main(argv: list[str] | None = None) -> None:
    _load_plugins()
    try:
        status = cli.main(args=argv, prog_name="archive", standalone_mode=False)
        if isinstance(status, int) and status:  # click returns Exit codes instead of raising
            sys.exit(status)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.Abort:
        click.echo(t("error", message="aborted"), err=True)
        sys.exit(130)
    except click.ClickException as exc:
        click.echo(t("error", message=exc.format_message()), err=True)
        sys.exit(exc.exit_code)
    except ArchiveError as exc:
        click.echo(t("error", message=str(exc).splitlines()[0] if str(exc) else type(exc).__name__), err=True)
        sys.exit(exc.exit_code)
    except Exception as exc:  # noqa: BLE001 - the one place that turns surprises into one line
        log = _log_traceback()
        first = str(exc).splitlines()[0] if str(exc) else ""
        click.echo(t("internal_error", message=f"{type(exc).__name__}: {first}", log=log), err=True)
        sys.exit(1)


def _log_traceback() -> str:
    try:
        home = load_settings().home
    except ArchiveError:
        home = Path.cwd()
    path = home / "logs" / "cli-errors.log"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as fh:
            fh.write(f"--- {dt.datetime.now().isoformat()} {' '.join(sys.argv)}\n{traceback.format_exc()}\n")
    except OSError:
        return "(log not writable)"
    return str(path)
