"""The `archive` command. Core commands live here; other packages add theirs through the
entry-point group `archive.commands`, so archive/ imports none of them.

Every error exits non-zero with one clear line, never a traceback (the traceback of an
unexpected error goes to $ARCHIVE_HOME/logs/cli-errors.log).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import getpass
import json
import os
import sys
import traceback
from collections.abc import Callable, Iterator
from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from archive import accounts, filemodes, seed, tokens
from archive.codes import Role, Secrecy
from archive.config import Settings, load_settings
from archive.db import Catalog
from archive.errors import ArchiveError, Forbidden, ValidationError
from archive.i18n import role_label, secrecy_label, t
from archive.identity import Identity, leave, of_user, os_origin, through
from archive.identity import system as system_identity
from archive.runtime import Runtime

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def cli_actor() -> str:
    """The operating-system account running the command (for stages that name their operator)."""
    return f"cli:{os_origin()}"


class NotLoggedIn(ArchiveError):
    exit_code = 2


def token_file(settings: Settings) -> Path:
    """Where `archive login` keeps this OS account's token for this ARCHIVE_HOME (mode 0600)."""
    return settings.home / "cli" / f"{_os_user()}.token"


def _os_user() -> str:
    return os_origin().split("@", 1)[0] or "unknown"


class Context:
    """Settings, runtime (catalog, store, index) and the acting identity, opened once per command."""

    def __init__(self) -> None:
        self._settings: Settings | None = None
        self._runtime: Runtime | None = None
        self._identity: Identity | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings()
        return self._settings

    @property
    def runtime(self) -> Runtime:
        if self._runtime is None:
            for warning in filemodes.warnings(self.settings):  # a home or catalog others can read
                click.echo(warning, err=True)
            self._runtime = Runtime(self.settings)
        return self._runtime

    @property
    def catalog(self) -> Catalog:
        return self.runtime.catalog

    def identity(self) -> Identity:
        """The person this command acts for: the token in ARCHIVE_TOKEN, else the one saved by
        `archive login`. No flag names another person."""
        if self._identity is None:
            plain = os.environ.get("ARCHIVE_TOKEN", "").strip()
            if not plain:
                path = token_file(self.settings)
                plain = path.read_text(encoding="utf-8").strip() if path.is_file() else ""
            if not plain:
                raise NotLoggedIn(t("login.needed"))
            self._require_initialised()
            try:
                with self.catalog.session() as session:
                    user = tokens.authenticate(session, plain)
                    self._identity = of_user(user, channel="cli", origin=os_origin())
            except Forbidden:
                raise NotLoggedIn(t("login.expired")) from None
        return self._identity

    def act(self, call: Callable[[Session, Identity], Any]) -> Any:
        """Run one service call as the logged-in person, in one unit of work."""
        who = self.identity()
        with self.session(who) as session:
            return call(session, who)

    def system(self, name: str) -> Identity:
        """Operator commands act on the system, not on records: `system`, channel cli."""
        return system_identity(name, channel="cli", origin=os_origin())

    def _require_initialised(self) -> None:
        if not self.catalog.is_initialised():
            raise ArchiveError(t("not_initialised"))

    @contextlib.contextmanager
    def session(self, identity: Identity | None = None) -> Iterator[Session]:
        """A unit of work for `identity` (default: the logged-in person)."""
        self._require_initialised()
        with self.catalog.session(identity) as session:
            yield session

    def close(self) -> None:
        if self._runtime is not None:
            self._runtime.close()


pass_ctx = click.make_pass_decorator(Context, ensure=True)
json_option = click.option("--json", "as_json", is_flag=True, help="JSON output / 输出 JSON")


def emit(data: Any, as_json: bool, text: Callable[[], str]) -> None:
    """A command's answer: JSON when asked for, else the text a person reads."""
    click.echo(json.dumps(data, ensure_ascii=False, default=str) if as_json else text())


@click.group(help="档案管理系统 / records and archive management")
@click.pass_context
def cli(ctx: click.Context) -> None:
    ctx.obj = ctx.with_resource(_context())
    ctx.call_on_close(functools.partial(leave, through("cli", os_origin())))


@contextlib.contextmanager
def _context() -> Iterator[Context]:
    context = Context()
    try:
        yield context
    finally:
        context.close()


@cli.command(help="创建或升级目录库，载入默认数据，创建三员账户 / create or migrate the catalog, create the three officers")
@click.option("--admin", "admin_name", default="admin", show_default=True, help="the system administrator's user name")
@click.option("--fonds", default=seed.DEFAULT_FONDS[0], show_default=True, help="fonds code (全宗号)")
@click.option("--fonds-name", default=seed.DEFAULT_FONDS[1], show_default=True)
@click.option("--json", "as_json", is_flag=True, help='print {"accounts": [{"username", "role", "password"}, …]}')
@pass_ctx
def init(ctx: Context, admin_name: str, fonds: str, fonds_name: str, as_json: bool) -> None:
    settings = ctx.settings
    filemodes.private_dir(settings.home)  # 0700: catalog, scans and tokens are the owner's alone
    ctx.catalog.migrate()
    operator = ctx.system("init")
    with ctx.catalog.session(operator) as session:
        added = seed.seed_defaults(session, operator.username, (fonds, fonds_name))
        made = accounts.create_officers(session, operator, admin_name)
    if as_json:
        click.echo(json.dumps({"accounts": [a.to_dict() for a in made]}, ensure_ascii=False))
        return
    click.echo(t("init.migrated", url=settings.describe()["ARCHIVE_DATABASE_URL"]))
    click.echo(t("init.seeded", **added))
    if not made:
        click.echo(t("init.officers_exist"))
    for account in made:
        click.echo(t("init.officer_created", username=account.username, role=role_label(account.role),
                     password=account.password))
    if made:
        click.echo(t("init.login_hint", username=made[0].username))


@cli.command(help="登录（保存令牌，供后续命令以本人身份执行）/ log in as a person")
@click.argument("username")
@click.option("--password-stdin", is_flag=True,
              help="password on the first line of standard input; a one-time password's replacement on the second")
@pass_ctx
def login(ctx: Context, username: str, password_stdin: bool) -> None:
    ctx._require_initialised()
    lines = sys.stdin.read().splitlines() if password_stdin else []
    password = lines[0] if lines else getpass.getpass(t("login.password"))
    new_password = lines[1] if len(lines) > 1 else None
    origin = os_origin()
    try:  # nobody acts yet: sign_in's trail names the user and the channel cli
        with ctx.catalog.session() as session:
            who = accounts.sign_in(session, username, password, channel="cli", origin=origin,
                                   new_password=new_password)
    except accounts.PasswordChangeRequired:
        if password_stdin:
            raise accounts.PasswordChangeRequired(t("login.one_time_stdin", username=username)) from None
        new_password = _new_password()
        with ctx.catalog.session() as session:
            who = accounts.sign_in(session, username, password, channel="cli", origin=origin,
                                   new_password=new_password)
    with ctx.catalog.session(who) as session:
        plain = accounts.issue_token(session, who, name=f"cli {origin}", days=30)
    filemodes.write_private(token_file(ctx.settings), plain + "\n")  # 0600 in a 0700 folder
    click.echo(t("login.ok", username=who.username, role=role_label(who.viewer.role.value)))


def _new_password() -> str:
    first = getpass.getpass(t("login.new_password"))
    if first != getpass.getpass(t("login.repeat")):
        raise ValidationError(t("login.mismatch"))
    return first


@cli.command(help="退出登录（吊销保存的令牌）/ log out")
@pass_ctx
def logout(ctx: Context) -> None:
    path = token_file(ctx.settings)
    plain = path.read_text(encoding="utf-8").strip() if path.is_file() else ""
    if plain and ctx.catalog.is_initialised():
        with ctx.catalog.session() as session:
            accounts.sign_out_token(session, plain, channel="cli", origin=os_origin())
    path.unlink(missing_ok=True)
    click.echo(t("logout.ok"))


@cli.command(help="当前登录身份 / who am I")
@pass_ctx
def whoami(ctx: Context) -> None:
    who = ctx.identity()
    v = who.viewer
    click.echo(f"{who.username} {role_label(v.role.value)} {secrecy_label(v.clearance.value)}")


@cli.command(help="修改本人密码 / change your own password")
@click.option("--password-stdin", is_flag=True, help="old password on the first line, new on the second")
@pass_ctx
def passwd(ctx: Context, password_stdin: bool) -> None:
    who = ctx.identity()
    if password_stdin:
        lines = sys.stdin.read().splitlines()
        if len(lines) < 2:
            raise ValidationError(t("passwd.stdin"))
        old, new = lines[0], lines[1]
    else:
        old, new = getpass.getpass(t("login.password")), _new_password()
    with ctx.session(who) as session:
        accounts.change_password(session, who, old, new)
    click.echo(t("passwd.ok"))


@cli.group(help="用户管理 / users")
def user() -> None:
    pass


@user.command("add", help="添加用户（系统管理员；密级为内部，由安全保密员调整）/ add a user")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--clearance", type=click.Choice([s.value for s in Secrecy]),
              help="wanted clearance: accounts start at internal; the security officer raises it")
@click.option("--department", "departments", multiple=True, help="department scope (repeatable; none: all)")
@click.option("--category", "categories", multiple=True, help="category scope, e.g. RS (repeatable; none: all)")
@click.option("--display-name", default="")
@click.option("--password-stdin", is_flag=True, help="read the one-time password from standard input")
@pass_ctx
def user_add(ctx: Context, name: str, role: str, clearance: str | None, departments: tuple[str, ...],
             categories: tuple[str, ...], display_name: str, password_stdin: bool) -> None:
    who = ctx.identity()
    password = _read_password() if password_stdin else None
    with ctx.session(who) as session:
        made = accounts.create(session, who, username=name, role=role, display_name=display_name,
                               departments=list(departments), categories=list(categories), password=password)
    click.echo(t("user.added", username=made.username, role=role_label(made.role),
                 clearance=secrecy_label(Secrecy.INTERNAL.value)))
    if clearance and clearance not in (Secrecy.INTERNAL.value, Secrecy.PUBLIC.value):
        click.echo(t("user.clearance_later", clearance=secrecy_label(clearance), username=made.username))
    if not password_stdin:
        click.echo(t("user.password", password=made.password))


@user.command("clearance", help="设置密级（安全保密员）/ set a clearance (security officer)")
@click.argument("name")
@click.argument("level", type=click.Choice([s.value for s in Secrecy]))
@click.option("--department", "departments", multiple=True, help="replace the department scope")
@click.option("--category", "categories", multiple=True, help="replace the category scope")
@pass_ctx
def user_clearance(ctx: Context, name: str, level: str, departments: tuple[str, ...],
                   categories: tuple[str, ...]) -> None:
    who = ctx.identity()
    with ctx.session(who) as session:
        changed = accounts.set_clearance(session, who, name, clearance=level,
                                         departments=list(departments) or None,
                                         categories=list(categories) or None)
        click.echo(t("user.clearance_set", username=changed.username, clearance=secrecy_label(changed.clearance)))


@user.command("disable", help="停用账户（系统管理员）/ disable an account")
@click.argument("name")
@pass_ctx
def user_disable(ctx: Context, name: str) -> None:
    who = ctx.identity()
    with ctx.session(who) as session:
        accounts.set_active(session, who, name, False)
    click.echo(t("user.disabled", username=name))


@user.command("enable", help="启用账户（系统管理员）/ enable an account")
@click.argument("name")
@pass_ctx
def user_enable(ctx: Context, name: str) -> None:
    who = ctx.identity()
    with ctx.session(who) as session:
        accounts.set_active(session, who, name, True)
    click.echo(t("user.enabled", username=name))


@user.command("reset-password", help="重置为一次性密码（系统管理员）/ reset to a one-time password")
@click.argument("name")
@pass_ctx
def user_reset(ctx: Context, name: str) -> None:
    who = ctx.identity()
    with ctx.session(who) as session:
        made = accounts.reset_password(session, who, name)
    click.echo(t("user.password", password=made.password))


@user.command("list", help="列出用户（系统管理员、安全保密员）/ list users (administrator, security officer)")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def user_list(ctx: Context, as_json: bool) -> None:
    who = ctx.identity()
    with ctx.session(who) as session:
        rows: list[dict[str, Any]] = [
            {
                "username": u.username, "display_name": u.display_name, "role": u.role, "clearance": u.clearance,
                "departments": u.departments, "categories": u.categories, "active": u.active,
            }
            for u in accounts.list_accounts(session, who)
        ]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        scope = ",".join(row["departments"]) or "*"
        cats = ",".join(row["categories"]) or "*"
        click.echo(f"{row['username']:<16} {role_label(row['role'])}\t{secrecy_label(row['clearance'])}\t"
                   f"部门={scope} 门类={cats}")


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
    """Add the commands other packages declare; a broken plugin must not break the others. A name
    `group.sub` adds `sub` to a core group (e.g. config.set to `archive config`)."""
    for ep in entry_points(group="archive.commands"):
        parent_name, _, name = ep.name.rpartition(".")
        parent = cli.commands.get(parent_name) if parent_name else cli
        if not isinstance(parent, click.Group) or name in parent.commands:
            continue
        try:
            command = ep.load()
        except Exception as exc:
            command = _broken_command(name, exc)
        parent.add_command(command, name)


def _broken_command(name: str, exc: Exception) -> click.Command:
    @click.command(name, help=f"(unavailable: {exc})", context_settings={"ignore_unknown_options": True})
    @click.argument("args", nargs=-1, type=click.UNPROCESSED)
    def broken(args: tuple[str, ...]) -> None:
        raise ArchiveError(f"command {name} cannot load: {type(exc).__name__}: {exc}")

    return broken


def main(argv: list[str] | None = None) -> None:
    from archive import logging_setup

    logging_setup.start_cli_run()  # log lines carry a cli- run id (archive.logging_setup)
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
    except Exception as exc:
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
