"""The production description stays in step with the code: docker-compose.yml, the Dockerfile,
the README's configuration table and the settings object (archive.config)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from archive.config import Settings, load_settings

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
APP_SERVICES = ("web", "worker", "beat")
CORE_VARIABLES = {
    "ARCHIVE_HOME",
    "ARCHIVE_DATABASE_URL",
    "ARCHIVE_STORAGE_URL",
    "ARCHIVE_SEARCH_URL",
    "ARCHIVE_BROKER_URL",
}
# ARCHIVE_CONFIG names the optional settings file; it is not a field of Settings.
KNOWN_VARIABLES = set(Settings.variables()) | {"ARCHIVE_CONFIG"}

_BRACED = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?+])(?P<arg>[^{}]*))?\}")
_BARE = re.compile(r"\$(?P<name>[A-Za-z_][A-Za-z0-9_]*)")


def interpolate(text: str) -> str:
    """Resolve compose interpolation as if the environment were empty, except that every
    required variable (${VAR:?msg}, ${VAR}) gets a dummy value; `$$` is a literal `$`."""
    escaped = text.replace("$$", "\0")

    def braced(match: re.Match) -> str:
        name, op, arg = match["name"], match["op"], match["arg"]
        if op in (":-", "-"):
            return arg
        if op in (":+", "+"):
            return ""
        return f"dummy-{name.lower()}"

    previous = None
    while previous != escaped:  # defaults may themselves contain ${...}
        previous = escaped
        escaped = _BRACED.sub(braced, escaped)
    escaped = _BARE.sub(lambda m: f"dummy-{m['name'].lower()}", escaped)
    return escaped.replace("\0", "$")


def _resolve(value):
    if isinstance(value, str):
        return interpolate(value)
    if isinstance(value, dict):
        return {key: _resolve(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_resolve(item) for item in value]
    return value


def _environment(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {str(key): "" if value is None else str(value) for key, value in env.items()}


@pytest.fixture(scope="module")
def compose_text() -> str:
    return COMPOSE_FILE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def compose(compose_text) -> dict:
    return _resolve(yaml.safe_load(compose_text))


@pytest.fixture(scope="module")
def services(compose) -> dict[str, dict]:
    return compose["services"]


def _one_shot_jobs(services: dict[str, dict]) -> set[str]:
    """Services that others wait for to finish (condition: service_completed_successfully)."""
    jobs = set()
    for service in services.values():
        depends = service.get("depends_on") or {}
        if isinstance(depends, dict):
            jobs |= {name for name, spec in depends.items()
                     if (spec or {}).get("condition") == "service_completed_successfully"}
    return jobs


def test_interpolation_helper():
    assert interpolate("${A:-x}/${B-y}/${C:?set C}/${D}/$E/$$F") == "x/y/dummy-c/dummy-d/dummy-e/$F"
    assert interpolate("-Xms${HEAP:-1g}") == "-Xms1g"


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_service_environment_uses_known_settings(services, name):
    env = _environment(services[name])
    archive_vars = {key for key in env if key.startswith("ARCHIVE_")}
    assert archive_vars <= KNOWN_VARIABLES, f"{name}: unknown settings {archive_vars - KNOWN_VARIABLES}"
    assert CORE_VARIABLES <= archive_vars, f"{name}: missing {CORE_VARIABLES - archive_vars}"
    assert "ARCHIVE_SECRET_KEY" in archive_vars and "ARCHIVE_LANG" in archive_vars


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_service_environment_passes_validation(services, name):
    env = {key: value for key, value in _environment(services[name]).items() if key.startswith("ARCHIVE_")}
    settings = load_settings(env)
    # Production uses the server backends, never the embedded defaults.
    assert urlsplit(settings.database_url).scheme.startswith("postgresql")
    assert urlsplit(settings.storage_url).scheme in ("s3", "s3+http", "s3+https", "minio")
    assert urlsplit(settings.search_url).scheme in ("http", "https")
    assert urlsplit(settings.broker_url).scheme in ("redis", "rediss")
    assert settings.secret_key
    assert str(settings.home) == "/var/lib/archive"


def test_app_services_share_one_environment(services):
    first, *others = (_environment(services[name]) for name in APP_SERVICES)
    for env in others:
        assert env == first


def test_every_archive_variable_in_compose_is_a_setting(compose_text):
    referenced = set(re.findall(r"\bARCHIVE_[A-Z0-9_]+", compose_text))
    assert referenced, "compose file names no ARCHIVE_* variable"
    assert referenced <= KNOWN_VARIABLES, f"not settings: {sorted(referenced - KNOWN_VARIABLES)}"


def test_secrets_have_no_defaults(compose_text):
    with_default = re.findall(r"\$\{(\w*(?:PASSWORD|SECRET_KEY)\w*):?[-+]", compose_text)
    assert not with_default, f"secrets with a built-in default: {with_default}"


def test_every_service_has_a_healthcheck_or_is_a_one_shot_job(services):
    jobs = _one_shot_jobs(services)
    for name, service in services.items():
        if name in jobs:
            assert service.get("restart", "no") == "no", f"{name}: a one-shot job must not restart"
            continue
        check = service.get("healthcheck") or {}
        assert check.get("test") and not check.get("disable"), f"{name} has no health check"


def test_dependencies_wait_for_health(services):
    jobs = _one_shot_jobs(services)
    for name, service in services.items():
        depends = service.get("depends_on") or {}
        assert isinstance(depends, dict), f"{name}: depends_on needs conditions"
        for target, spec in depends.items():
            assert target in services, f"{name} depends on unknown service {target}"
            expected = "service_completed_successfully" if target in jobs else "service_healthy"
            assert (spec or {}).get("condition") == expected, f"{name} -> {target}"
    for name in APP_SERVICES:
        assert {"postgres", "redis", "elasticsearch", "minio"} <= set(services[name]["depends_on"])


def test_commands(services):
    assert "web.app:create_app()" in services["web"]["command"]
    assert "gunicorn" in services["web"]["command"]
    assert re.search(r"celery -A archive\.celery_app worker\b", services["worker"]["command"])
    assert re.search(r"celery -A archive\.celery_app beat\b", services["beat"]["command"])


def test_minio_bucket_has_object_lock(services):
    script = " ".join(services["minio-init"]["command"])
    assert "mc mb" in script and "--with-lock" in script


def test_elasticsearch_security_on(services):
    env = _environment(services["elasticsearch"])
    assert env["xpack.security.enabled"] == "true"
    assert env["ELASTIC_PASSWORD"]
    assert env["discovery.type"] == "single-node"
    assert "-Xmx" in env["ES_JAVA_OPTS"]


def test_named_volumes_are_declared(compose, services):
    declared = set(compose.get("volumes") or {})
    for name, service in services.items():
        for volume in service.get("volumes") or []:
            source = volume.split(":", 1)[0] if isinstance(volume, str) else volume.get("source")
            if source and not source.startswith((".", "/", "~")):
                assert source in declared, f"{name}: volume {source} is not declared"


def test_dockerfile():
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.11-slim-bookworm", text, re.M)
    for package in ("tesseract-ocr-chi-sim", "tesseract-ocr-chi-tra", "fonts-noto-cjk", "fonts-wqy-zenhei", "poppler-utils"):
        assert package in text
    # Reproducible: the hashed lock, then the project itself without resolving anything again.
    assert re.search(r"pip install --require-hashes .*-r requirements/main\.lock", text)
    assert re.search(r"pip install --no-deps \.", text)
    users = re.findall(r"^USER\s+(\S+)", text, re.M)
    assert users and users[-1] not in ("root", "0")
    assert "web.app:create_app()" in text


# Switches read straight from the environment by one process, not settings: documented in the
# README's table too (each must really be read somewhere).
PROCESS_VARIABLES = {"ARCHIVE_WEB_INSECURE"}


def test_process_switches_are_read_by_the_code():
    sources = "".join(p.read_text(encoding="utf-8") for d in ("archive", "web") for p in (ROOT / d).rglob("*.py"))
    for name in PROCESS_VARIABLES:
        assert f'"{name}"' in sources, f"{name} is documented but nothing reads it"


def _readme_table_variables() -> set[str]:
    names = set()
    for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines():
        match = re.match(r"\|\s*`(ARCHIVE_[A-Z0-9_]+)`\s*\|", line)
        if match:
            names.add(match[1])
    return names


def test_readme_config_table_lists_every_setting():
    listed = _readme_table_variables()
    assert KNOWN_VARIABLES - listed == set(), "add these to the README's configuration table"
    assert listed - KNOWN_VARIABLES - PROCESS_VARIABLES == set(), "the README lists variables that are not settings"
    assert PROCESS_VARIABLES <= listed


def test_readme_and_ci_name_the_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "./run.sh" in readme and "./test.sh" in readme
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^exec \./test\.sh\b", ci, re.M)


# -- issue 16: clean first start, TLS in front, the object store's least-privilege account ----------
def test_a_one_shot_migrate_job_runs_before_the_app(services):
    migrate = services["migrate"]
    assert migrate["command"] == "archive migrate"
    assert migrate.get("restart") == "no"
    assert set(migrate["depends_on"]) == {"postgres"}
    assert _environment(migrate) == _environment(services["web"])  # the same catalog and settings
    for name in APP_SERVICES:
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_web_is_reached_only_through_the_tls_terminator(services):
    assert not services["web"].get("ports"), "web must not publish a port: caddy terminates TLS in front of it"
    caddy = services["caddy"]
    assert caddy["image"].startswith("caddy:2")
    assert any(str(p).endswith(":443") for p in caddy["ports"])
    assert caddy["depends_on"]["web"]["condition"] == "service_healthy"
    mounts = [v.split(":")[:2] for v in caddy["volumes"]]
    assert ["./deploy/Caddyfile", "/etc/caddy/Caddyfile"] in mounts
    assert ["./deploy/certs", "/etc/caddy/certs"] in mounts
    for name in APP_SERVICES:
        assert _environment(services[name])["ARCHIVE_TRUSTED_PROXIES"] == "1"


def test_caddyfile_proxies_to_web_with_a_self_signed_default():
    text = (ROOT / "deploy" / "Caddyfile").read_text(encoding="utf-8")
    assert "reverse_proxy web:8000" in text
    assert re.search(r"^\s*tls \{\$TLS_CERT:internal\} \{\$TLS_KEY:\}", text, re.M)
    assert not re.search(r"^\s*log\b", text, re.M), "no access log: URLs may hold ID numbers"


def test_the_app_uses_its_own_minio_account_not_root(services, compose_text):
    env = _environment(services["web"])
    user = urlsplit(env["ARCHIVE_STORAGE_URL"]).username
    assert user == "archive-app" and user != _environment(services["minio"])["MINIO_ROOT_USER"]
    assert "MINIO_ROOT" not in re.search(r"ARCHIVE_STORAGE_URL:.*", compose_text)[0]
    script = " ".join(services["minio-init"]["command"])
    for step in ("mc admin policy create local archive-app", "mc admin user add local",
                 "mc admin policy attach local archive-app"):
        assert step in script
    assert "retention set --default" not in script, "no default bucket retention: the app retains per object"
    assert env["ARCHIVE_S3_OBJECT_LOCK"] == "on"


def test_the_app_policy_is_limited_to_the_bucket_and_never_bypasses_locks():
    import json

    policy = json.loads((ROOT / "deploy" / "minio-app-policy.json").read_text(encoding="utf-8"))
    allowed = [a for st in policy["Statement"] if st["Effect"] == "Allow" for a in st["Action"]]
    denied = {a for st in policy["Statement"] if st["Effect"] == "Deny" for a in st["Action"]}
    assert "s3:*" not in allowed and not any(a.startswith("admin:") for a in allowed)
    assert "s3:BypassGovernanceRetention" not in allowed and "s3:BypassGovernanceRetention" in denied
    assert {"s3:PutBucketObjectLockConfiguration", "s3:PutBucketVersioning", "s3:DeleteBucket"} <= denied
    for statement in policy["Statement"]:
        assert all(r.startswith("arn:aws:s3:::@BUCKET@") for r in statement["Resource"])


def test_minio_is_a_maintained_build(services):
    image = services["minio"]["image"]
    assert "RELEASE.2025-04" not in image and not image.startswith("quay.io/minio/")
    assert "RELEASE.2025-04" not in services["minio-init"]["image"]
