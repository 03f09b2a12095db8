"""Configuration from LEARNCLUB_* variables."""
import pytest

from learnclub.config import Config


def test_defaults_use_sqlite_in_the_instance_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("LEARNCLUB_SECRET_KEY", raising=False)
    monkeypatch.delenv("LEARNCLUB_DATABASE_URL", raising=False)
    monkeypatch.setenv("LEARNCLUB_INSTANCE_DIR", str(tmp_path / "instance"))

    config = Config()

    assert f"sqlite:///{tmp_path / 'instance' / 'learnclub.db'}" == config.DATABASE_URL
    assert (tmp_path / "instance" / "secret_key").read_text() == config.SECRET_KEY
    assert (tmp_path / "instance" / "secret_key").stat().st_mode & 0o777 == 0o600
    assert Config().SECRET_KEY == config.SECRET_KEY


def test_every_setting_comes_from_the_environment(monkeypatch, tmp_path):
    values = {"DATABASE_URL": "postgresql://u@db/learnclub", "SECRET_KEY": "s3cret",
              "CONTENT_DIR": str(tmp_path / "cases"), "MAIL_URL": "smtp://mail:25",
              "BASE_URL": "https://club.example.org/", "DEFAULT_TIMEZONE": "Europe/Berlin",
              "INSTANCE_DIR": str(tmp_path / "inst")}
    for key, value in values.items():
        monkeypatch.setenv(f"LEARNCLUB_{key}", value)

    config = Config()

    assert (config.DATABASE_URL, config.SECRET_KEY, str(config.CONTENT_DIR), config.MAIL_URL,
            config.BASE_URL, config.DEFAULT_TIMEZONE) == (
        "postgresql://u@db/learnclub", "s3cret", str(tmp_path / "cases"), "smtp://mail:25",
        "https://club.example.org", "Europe/Berlin")
    assert (config.SESSION_COOKIE_SECURE, config.SESSION_COOKIE_HTTPONLY,
            config.SESSION_COOKIE_SAMESITE) == (True, True, "Lax")


def test_unknown_default_timezone_fails_at_start(monkeypatch, tmp_path):
    monkeypatch.setenv("LEARNCLUB_INSTANCE_DIR", str(tmp_path))
    monkeypatch.setenv("LEARNCLUB_DEFAULT_TIMEZONE", "Asia/Beijing")

    with pytest.raises(Exception, match="Asia/Beijing"):
        Config()
