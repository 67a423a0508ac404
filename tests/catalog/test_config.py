import pytest

from archive.config import Settings, load_settings
from archive.errors import ConfigError


def test_defaults_give_a_complete_system_under_home(tmp_path):
    s = load_settings({"ARCHIVE_HOME": str(tmp_path)})
    assert s.database_url == f"sqlite:///{tmp_path}/catalog.db"
    assert s.storage_url == f"file://{tmp_path}/objects"
    assert s.search_url == f"tantivy://{tmp_path}/search"
    assert s.broker_url == f"filesystem://{tmp_path}/queue"
    assert s.lang == "zh"


@pytest.mark.parametrize(
    ("var", "value", "expected"),
    [
        ("ARCHIVE_DATABASE_URL", "mysql://db/x", "ARCHIVE_DATABASE_URL: scheme 'mysql'"),
        ("ARCHIVE_DATABASE_URL", "postgresql:///nohost", "ARCHIVE_DATABASE_URL"),
        ("ARCHIVE_STORAGE_URL", "s3://key:secret@:9000/bucket", "names no host"),
        ("ARCHIVE_STORAGE_URL", "ftp://x/y", "ARCHIVE_STORAGE_URL: scheme 'ftp'"),
        ("ARCHIVE_SEARCH_URL", "http://host:notaport", "ARCHIVE_SEARCH_URL"),
        ("ARCHIVE_BROKER_URL", "amqp://guest@host//", "ARCHIVE_BROKER_URL"),
        ("ARCHIVE_LANG", "fr", "ARCHIVE_LANG"),
        ("ARCHIVE_LOAN_DAYS", "seven", "ARCHIVE_LOAN_DAYS"),
        ("ARCHIVE_LOAN_DAYS", "0", "ARCHIVE_LOAN_DAYS"),
        ("ARCHIVE_FILING_DEADLINE", "June", "ARCHIVE_FILING_DEADLINE"),
        ("ARCHIVE_BUREAU_LEVEL", "province", "ARCHIVE_BUREAU_LEVEL"),
    ],
)
def test_malformed_value_names_the_variable(tmp_path, var, value, expected):
    with pytest.raises(ConfigError) as err:
        load_settings({"ARCHIVE_HOME": str(tmp_path), var: value})
    message = str(err.value)
    assert expected in message
    assert "\n" not in message


def test_password_is_masked_in_describe(tmp_path):
    s = load_settings({"ARCHIVE_HOME": str(tmp_path), "ARCHIVE_DATABASE_URL": "postgresql://u:hunter2@db/archive"})
    shown = s.describe()["ARCHIVE_DATABASE_URL"]
    assert "hunter2" not in shown and "***" in shown


def test_config_file_is_read_and_environment_wins(tmp_path):
    cfg = tmp_path / "archive.toml"
    cfg.write_text('loan_days = 14\nsearch_url = "http://es.internal:9200"\nlang = "en"\n', encoding="utf-8")
    s = load_settings({"ARCHIVE_HOME": str(tmp_path), "ARCHIVE_CONFIG": str(cfg), "ARCHIVE_LANG": "zh"})
    assert s.loan_days == 14 and s.search_url == "http://es.internal:9200" and s.lang == "zh"


def test_missing_or_broken_config_file(tmp_path):
    with pytest.raises(ConfigError, match="ARCHIVE_CONFIG"):
        load_settings({"ARCHIVE_CONFIG": str(tmp_path / "nope.toml")})
    bad = tmp_path / "bad.toml"
    bad.write_text("loan_days = = 3", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings({"ARCHIVE_CONFIG": str(bad)})


def test_home_must_be_a_directory(tmp_path):
    f = tmp_path / "file"
    f.write_text("x")
    with pytest.raises(ConfigError, match="ARCHIVE_HOME"):
        load_settings({"ARCHIVE_HOME": str(f)})


def test_every_field_has_a_variable():
    assert Settings.variables()["ARCHIVE_DATABASE_URL"] == "database_url"
    assert set(Settings.variables()) >= {
        "ARCHIVE_HOME", "ARCHIVE_DATABASE_URL", "ARCHIVE_STORAGE_URL", "ARCHIVE_SEARCH_URL", "ARCHIVE_BROKER_URL",
    }
