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


@pytest.mark.parametrize("base_url", ["https://club.example.org", "http://10.0.0.5:8000",
                                      "http://0.0.0.0:5000"])
def test_a_public_base_url_without_a_secret_key_refuses_to_start(monkeypatch, tmp_path,
                                                                  base_url):
    monkeypatch.delenv("LEARNCLUB_SECRET_KEY", raising=False)
    monkeypatch.setenv("LEARNCLUB_INSTANCE_DIR", str(tmp_path))
    monkeypatch.setenv("LEARNCLUB_BASE_URL", base_url)

    with pytest.raises(ValueError, match="LEARNCLUB_SECRET_KEY is not set") as raised:
        Config()

    assert base_url in str(raised.value)
    assert "every web host" in str(raised.value)
    assert not (tmp_path / "secret_key").exists()  # nothing generated behind the operator's back


@pytest.mark.parametrize("base_url", ["http://127.0.0.1:5000", "http://localhost:8000",
                                      "http://[::1]:5000", "http://127.0.1.1"])
def test_a_loopback_base_url_may_use_the_generated_key(monkeypatch, tmp_path, base_url):
    monkeypatch.delenv("LEARNCLUB_SECRET_KEY", raising=False)
    monkeypatch.setenv("LEARNCLUB_INSTANCE_DIR", str(tmp_path))
    monkeypatch.setenv("LEARNCLUB_BASE_URL", base_url)

    key = Config().SECRET_KEY

    assert key == (tmp_path / "secret_key").read_text()


def test_a_public_base_url_with_a_secret_key_starts(monkeypatch, tmp_path):
    monkeypatch.setenv("LEARNCLUB_SECRET_KEY", "shared-by-every-host")
    monkeypatch.setenv("LEARNCLUB_INSTANCE_DIR", str(tmp_path))
    monkeypatch.setenv("LEARNCLUB_BASE_URL", "https://club.example.org")

    assert Config().SECRET_KEY == "shared-by-every-host"
    assert not (tmp_path / "secret_key").exists()
