"""Configuration from LEARNCLUB_* environment variables.

With nothing set, learnclub runs on SQLite in `instance/` and keeps a generated secret key there.
"""
import ipaddress
import os
import secrets
import time
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"


def _env(name, default=None):
    return os.environ.get(f"LEARNCLUB_{name}", default)


def _seconds(name, default):
    """A number of seconds (0 < n <= 60) from the environment; fails at start-up if not."""
    text = _env(name, default)
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value <= 60:
        raise ValueError(f"LEARNCLUB_{name}={text!r}: give a number of seconds, 0 < n <= 60")
    return value


def _instance_secret_key(instance: Path) -> str:
    """Generate the secret key once and keep it in instance/, readable by the owner only."""
    path = instance / "secret_key"
    if not path.exists():
        key = secrets.token_urlsafe(48)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process started at the same moment and wrote it first
        else:
            with os.fdopen(fd, "w") as fh:
                fh.write(key)
            return key
    for _ in range(50):  # the other process may still be writing it
        key = path.read_text().strip()
        if key:
            return key
        time.sleep(0.02)
    raise RuntimeError(f"{path} is empty: delete it, or set LEARNCLUB_SECRET_KEY")


def _is_loopback(url: str) -> bool:
    """Is the base URL's host this machine only (localhost, 127.0.0.0/8, ::1)?"""
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _secret_key(instance: Path, base_url: str) -> str:
    """LEARNCLUB_SECRET_KEY; on loopback only, a key generated into instance/ will do. A
    public site needs the key set (several web hosts must share one), so it refuses to start."""
    key = _env("SECRET_KEY")
    if key:
        return key
    if not _is_loopback(base_url):
        raise ValueError(
            f"LEARNCLUB_SECRET_KEY is not set and LEARNCLUB_BASE_URL={base_url!r} is not "
            "loopback: set LEARNCLUB_SECRET_KEY to a long random value (the same on every web "
            "host and the scheduler), e.g. from `python3 -c 'import secrets; "
            "print(secrets.token_urlsafe(48))'`")
    return _instance_secret_key(instance)


class Config:
    """Settings read once, when the app is created."""

    def __init__(self):
        instance = Path(_env("INSTANCE_DIR", str(INSTANCE)))
        instance.mkdir(parents=True, exist_ok=True)
        self.INSTANCE_DIR = instance
        self.DATABASE_URL = _env("DATABASE_URL", f"sqlite:///{instance / 'learnclub.db'}")
        self.CONTENT_DIR = Path(_env("CONTENT_DIR", str(ROOT / "content")))
        self.MAIL_URL = _env("MAIL_URL", "")
        self.MAIL_FROM = _env("MAIL_FROM", "learnclub <noreply@localhost>")
        self.BASE_URL = _env("BASE_URL", "http://127.0.0.1:5000").rstrip("/")
        self.SECRET_KEY = _secret_key(instance, self.BASE_URL)
        self.DEFAULT_TIMEZONE = _env("DEFAULT_TIMEZONE", "Asia/Shanghai")
        ZoneInfo(self.DEFAULT_TIMEZONE)  # fail at start-up, not on the first page
        self.TRUST_PROXY = _env("TRUST_PROXY", "") == "1"
        #: a request that waited longer than this (by the proxy's X-Request-Start) gets a 503
        self.MAX_WAIT = _seconds("MAX_WAIT", "10")
        #: seconds of wall clock one chat-group post may take in all: connecting, sending,
        #: the answer (a total, not per read)
        self.CHAT_TIMEOUT = _seconds("CHAT_TIMEOUT", "10")
        #: "1": robots may point at loopback and private addresses (a receiver on this machine)
        self.CHAT_ALLOW_PRIVATE = _env("CHAT_ALLOW_PRIVATE", "") == "1"
        #: "plain" (time level logger [request id] message) or "json" (one object a line)
        self.LOG_FORMAT = _env("LOG_FORMAT", "plain")
        #: the least level logged: DEBUG, INFO, WARNING, ERROR
        self.LOG_LEVEL = _env("LOG_LEVEL", "INFO")
        secure = self.BASE_URL.startswith("https://")
        self.SESSION_COOKIE_SECURE = secure
        self.REMEMBER_COOKIE_SECURE = secure
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.REMEMBER_COOKIE_SAMESITE = "Lax"
        self.PREFERRED_URL_SCHEME = "https" if secure else "http"
        # Homework and applications take longer than an hour to write.
        self.WTF_CSRF_TIME_LIMIT = 7 * 24 * 3600
        self.BABEL_DEFAULT_LOCALE = "zh_Hans_CN"
        self.BABEL_DEFAULT_TIMEZONE = "UTC"
        self.MAX_CONTENT_LENGTH = 16 * 1024 * 1024
        self.TESTING = False
        self.EMBED_SCHEDULER = False

    def as_dict(self):
        return {k: v for k, v in vars(self).items() if k.isupper()}


class TestConfig(Config):
    """Config for the test-suite: a database URL of the test's own, no real mail."""

    __test__ = False  # not a pytest test class

    def __init__(self, database_url: str, instance_dir: Path, **overrides):
        os.environ.setdefault("LEARNCLUB_SECRET_KEY", "test-secret-key")
        super().__init__()
        self.DATABASE_URL = database_url
        self.INSTANCE_DIR = instance_dir
        self.SECRET_KEY = "test-secret-key"
        self.TESTING = True
        self.MAIL_URL = ""
        self.BASE_URL = "http://localhost"
        self.CONTENT_DIR = instance_dir / "content"
        for key, value in overrides.items():
            setattr(self, key, value)
