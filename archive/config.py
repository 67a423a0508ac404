"""One settings object, read from the environment and an optional TOML file.

Defaults give a complete one-machine system under ARCHIVE_HOME with no server running:
SQLite catalog, content-addressed objects on disk, an embedded search index and a Celery
transport on the file system. A malformed value raises ConfigError naming the variable.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from pathlib import Path
from urllib.parse import urlsplit

from archive.errors import ConfigError

DATABASE_SCHEMES = ("sqlite", "postgresql", "postgresql+psycopg")
STORAGE_SCHEMES = ("file", "s3", "minio", "s3+http", "s3+https")
SEARCH_SCHEMES = ("embedded", "tantivy", "http", "https")
BROKER_SCHEMES = ("filesystem", "redis", "rediss", "memory")
LANGUAGES = ("zh", "en")


@dataclasses.dataclass(frozen=True)
class Settings:
    """Every setting of the system. Field names map to ARCHIVE_<NAME> variables."""

    home: Path
    database_url: str
    storage_url: str
    search_url: str
    broker_url: str
    lang: str = "zh"
    secret_key: str = ""
    bureau_level: str = "prefecture"  # prefecture (地市) or county (县区): transfer after 20 or 10 years
    loan_days: int = 7
    filing_deadline: str = "06-30"  # previous year's records filed by this month-day
    audit_anchor_every: int = 20  # anchor the audit chain head after at most N events ...
    audit_anchor_minutes: int = 10  # ... or once the last anchor is older than M minutes
    # A second, write-once copy of every anchor (a directory an administrator can put on other
    # media); default: ARCHIVE_HOME/anchors with a file:// object store, none with S3 (object lock).
    # "off" disables it.
    anchor_mirror: str = ""
    task_visibility_timeout: int = 3600  # seconds before a task whose worker died is delivered again
    # Issue 16: a run's claim on a record (ingest.leases), renewed every third of it while the run
    # works; kept below the visibility timeout. Default: 120 s, or half the timeout if that is less.
    ingest_lease_seconds: int = 120
    login_lockout_after: int = 5  # failed logins in a row that lock an account
    login_lockout_minutes: int = 15  # how long the lock lasts
    trusted_proxies: int = 0  # reverse proxies in front of the web app whose X-Forwarded-* is believed
    # A second copy of every stored object (a folder on other media, or a mirror bucket's URL):
    # `archive fixity --repair` restores changed or missing objects from it. Empty: none.
    replica_dir: str = ""
    # Issue 17: the citizens' self-service proof page (/self-service) is off unless switched on;
    # the 档案专用章 image on certified copies (a PNG; empty: the shipped default seal).
    self_service: bool = False
    seal_image: str = ""
    # Issue 16: on an object-lock bucket, originals and PDFs of permanent and long-term records
    # get COMPLIANCE retention until their due date (storage.s3); "off" leaves retention unset.
    s3_object_lock: bool = True

    # Names of the environment variables, one per field: the public configuration surface.
    @staticmethod
    def variables() -> dict[str, str]:
        return {f"ARCHIVE_{f.name.upper()}": f.name for f in dataclasses.fields(Settings)}

    @property
    def queue_dir(self) -> Path:
        return self.home / "queue"

    def describe(self) -> dict[str, str]:
        """Values as text with passwords masked, for `archive config show`."""
        out = {}
        for var, name in self.variables().items():
            value = str(getattr(self, name))
            if name == "secret_key":
                value = "***" if value else "(unset)"
            out[var] = mask_password(value)
        return out


def mask_password(url: str) -> str:
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return parts._replace(netloc=netloc).geturl()
    return url


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Read settings: environment first, then ARCHIVE_CONFIG (a TOML file), then defaults."""
    env = dict(os.environ if environ is None else environ)
    file_values: dict[str, object] = {}
    config_file = env.get("ARCHIVE_CONFIG")
    if config_file:
        path = Path(config_file)
        try:
            with path.open("rb") as fh:
                file_values = {k.lower(): v for k, v in tomllib.load(fh).items()}
        except FileNotFoundError:
            raise ConfigError(f"ARCHIVE_CONFIG: file {path} does not exist") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"ARCHIVE_CONFIG: {path} is not valid TOML: {exc}") from None

    def raw(name: str) -> str | None:
        var = f"ARCHIVE_{name.upper()}"
        if env.get(var, "").strip():
            return env[var].strip()
        if name in file_values:
            return str(file_values[name])
        return None

    home_raw = raw("home")
    home = Path(home_raw).expanduser() if home_raw else Path.cwd() / "data"
    if home.exists() and not home.is_dir():
        raise ConfigError(f"ARCHIVE_HOME: {home} exists and is not a directory")
    home = home.resolve()

    database_url = raw("database_url") or f"sqlite:///{home / 'catalog.db'}"
    storage_url = raw("storage_url") or f"file://{home / 'objects'}"
    search_url = raw("search_url") or f"tantivy://{home / 'search'}"  # see docs/benchmarks.md
    broker_url = raw("broker_url") or f"filesystem://{home / 'queue'}"

    _check_url("ARCHIVE_DATABASE_URL", database_url, DATABASE_SCHEMES, need_host=("postgresql",))
    _check_url("ARCHIVE_STORAGE_URL", storage_url, STORAGE_SCHEMES, need_host=("s3", "minio"))
    _check_url("ARCHIVE_SEARCH_URL", search_url, SEARCH_SCHEMES, need_host=("http",))
    _check_url("ARCHIVE_BROKER_URL", broker_url, BROKER_SCHEMES, need_host=("redis",))

    lang = (raw("lang") or "zh").lower().split("_")[0].split("-")[0]
    if lang not in LANGUAGES:
        raise ConfigError(f"ARCHIVE_LANG: {lang!r} is not supported; use zh or en")
    bureau_level = raw("bureau_level") or "prefecture"
    if bureau_level not in ("prefecture", "county"):
        raise ConfigError(f"ARCHIVE_BUREAU_LEVEL: {bureau_level!r} must be prefecture or county")
    filing_deadline = raw("filing_deadline") or "06-30"
    try:
        month, day = (int(x) for x in filing_deadline.split("-"))
        if not (1 <= month <= 12 and 1 <= day <= 31):
            raise ValueError
    except ValueError:
        raise ConfigError(f"ARCHIVE_FILING_DEADLINE: {filing_deadline!r} must be MM-DD, e.g. 06-30") from None

    return Settings(
        home=home,
        database_url=database_url,
        storage_url=storage_url,
        search_url=search_url,
        broker_url=broker_url,
        lang=lang,
        secret_key=raw("secret_key") or "",
        bureau_level=bureau_level,
        loan_days=_positive_int("loan_days", raw("loan_days"), 7),
        filing_deadline=filing_deadline,
        audit_anchor_every=_positive_int("audit_anchor_every", raw("audit_anchor_every"), 20),
        audit_anchor_minutes=_positive_int("audit_anchor_minutes", raw("audit_anchor_minutes"), 10),
        anchor_mirror=_anchor_mirror(raw("anchor_mirror"), home, storage_url),
        task_visibility_timeout=_positive_int("task_visibility_timeout", raw("task_visibility_timeout"), 3600),
        ingest_lease_seconds=_lease_seconds(raw("ingest_lease_seconds"), raw("task_visibility_timeout")),
        login_lockout_after=_positive_int("login_lockout_after", raw("login_lockout_after"), 5),
        login_lockout_minutes=_positive_int("login_lockout_minutes", raw("login_lockout_minutes"), 15),
        trusted_proxies=_positive_int("trusted_proxies", raw("trusted_proxies"), 0, allow_zero=True),
        replica_dir=_replica(raw("replica_dir")),
        self_service=_switch("self_service", raw("self_service")),
        seal_image=_seal_image(raw("seal_image")),
        s3_object_lock=raw("s3_object_lock") is None or _switch("s3_object_lock", raw("s3_object_lock")),
    )


def _lease_seconds(value: str | None, visibility: str | None) -> int:
    """An ingest lease shorter than the visibility timeout: a task redelivered after a crash then
    finds the dead run's lease expired and takes the record over (ingest.leases)."""
    timeout = _positive_int("task_visibility_timeout", visibility, 3600)
    if value is None:
        return max(1, min(120, timeout // 2))
    seconds = _positive_int("ingest_lease_seconds", value, 120)
    if seconds >= timeout:
        raise ConfigError(f"ARCHIVE_INGEST_LEASE_SECONDS: {seconds} must be less than "
                          f"ARCHIVE_TASK_VISIBILITY_TIMEOUT ({timeout})")
    return seconds


def _switch(name: str, value: str | None) -> bool:
    if value is None or value.lower() in ("0", "false", "no", "off", ""):
        return False
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    raise ConfigError(f"ARCHIVE_{name.upper()}: {value!r} must be on or off")


def _seal_image(value: str | None) -> str:
    if not value:
        return ""
    path = Path(value).expanduser().resolve()
    if not path.is_file():
        raise ConfigError(f"ARCHIVE_SEAL_IMAGE: {path} is not a file")
    return str(path)


def _replica(value: str | None) -> str:
    """A storage URL as given, or a folder made absolute; "" when unset or "off"."""
    if not value or value.lower() in ("off", "none", "no"):
        return ""
    if "://" in value:
        _check_url("ARCHIVE_REPLICA_DIR", value, STORAGE_SCHEMES, need_host=("s3", "minio"))
        return value
    return str(Path(value).expanduser().resolve())


def _anchor_mirror(value: str | None, home: Path, storage_url: str) -> str:
    if value is not None:
        return "" if value.lower() in ("off", "none", "no") else str(Path(value).expanduser().resolve())
    return str(home / "anchors") if urlsplit(storage_url).scheme.lower() == "file" else ""


def _positive_int(name: str, value: str | None, default: int, *, allow_zero: bool = False) -> int:
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ConfigError(f"ARCHIVE_{name.upper()}: {value!r} is not a whole number") from None
    if allow_zero and number == 0:
        return number
    if number <= 0:
        raise ConfigError(f"ARCHIVE_{name.upper()}: must be greater than 0, got {number}")
    return number


def _check_url(var: str, url: str, schemes: tuple[str, ...], need_host: tuple[str, ...] = ()) -> None:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError as exc:
        raise ConfigError(f"{var}: {url!r} is not a valid URL ({exc})") from None
    scheme = parts.scheme.lower()
    if scheme not in schemes:
        raise ConfigError(
            f"{var}: scheme {scheme or '(none)'!r} in {mask_password(url)!r} is not supported; "
            f"use one of {', '.join(s + '://' for s in schemes)}"
        )
    base = scheme.split("+")[0]
    if base in need_host and not parts.hostname:
        raise ConfigError(f"{var}: {mask_password(url)!r} names no host")
    if scheme in ("file", "embedded", "tantivy", "filesystem") and not parts.path:
        raise ConfigError(f"{var}: {url!r} names no directory")
    if scheme == "sqlite" and url.count("/") < 3:
        raise ConfigError(f"{var}: {url!r} must look like sqlite:///path/to/catalog.db")


def local_path(url: str) -> Path:
    """The directory of a file://, embedded:// or filesystem:// URL."""
    parts = urlsplit(url)
    return Path(parts.netloc + parts.path) if parts.netloc else Path(parts.path)
