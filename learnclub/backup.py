"""`learnclub backup PATH` and `learnclub restore PATH`: a consistent snapshot of the database
taken while the app runs, and putting one into an empty database.

SQLite: `VACUUM INTO` (one read transaction: a snapshot, writers go on) into PATH, a SQLite
file; restored with SQLite's backup API. PostgreSQL: `pg_dump --format=custom` into PATH,
restored with `pg_restore`. Beside PATH, `PATH.json` says what it is: learnclub version,
backend, migrations applied, rows per table (of the same snapshot) and where the secret key
lives; the key itself is copied only when asked (`--with-secret-key`).
"""
import json
import os
import re
import shutil
import sqlite3
import subprocess
import uuid
from importlib import metadata
from pathlib import Path
from urllib.parse import urlparse, urlunparse

from learnclub import schema
from learnclub.db import bind, close_pool, connection, postgres_driver
from learnclub.models import ALL

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"
KEY_NOTE = ("not copied: keep LEARNCLUB_SECRET_KEY or instance/secret_key of this server "
            "(without it, sessions and signed links made before stop working)")


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why. Nothing was changed."""


def backend(url):
    scheme = urlparse(url).scheme
    if scheme == "sqlite":
        return "sqlite"
    if scheme in ("postgres", "postgresql"):
        return "postgresql"
    raise BackupError(f"Unsupported database URL scheme {scheme!r}")


def sqlite_path(url):
    if not url.startswith("sqlite:///") or url == "sqlite:///:memory:":
        raise BackupError("Only a SQLite database in a file can be backed up or restored.")
    return Path(url[len("sqlite:///"):])


def manifest_path(path):
    return Path(f"{path}.json")


def _version():
    try:
        return metadata.version("learnclub")
    except metadata.PackageNotFoundError:
        return "unknown"


def _partial(path):
    return path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.partial")


def _check_target(path):
    for candidate in (path, manifest_path(path)):
        if candidate.exists():
            raise BackupError(f"{candidate} exists already: give a new name (nothing written).")
    if not path.parent.is_dir():
        raise BackupError(f"{path.parent} is not a folder (nothing written).")


def backup(settings, path, *, now, with_secret_key=False):
    """Write the snapshot to `path` and the manifest to `path`.json; returns the manifest."""
    path = Path(path)
    url = settings["DATABASE_URL"]
    kind = backend(url)
    _check_target(path)
    partial = _partial(path)
    try:
        if kind == "sqlite":
            rows, extra = _sqlite_backup(sqlite_path(url), partial), {}
        else:
            rows, extra = _pg_backup(url, partial)
        manifest = _manifest(kind, rows, now=now, **extra)
        manifest["secret_key"] = settings["SECRET_KEY"] if with_secret_key else KEY_NOTE
        _write_private(manifest_path(path), json.dumps(manifest, indent=2, ensure_ascii=False))
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return manifest


def _manifest(kind, rows, *, now, **extra):
    with connection():
        migrations = [name for name, applied in schema.status() if applied]
    return {"learnclub": _version(), "backend": kind, "created_at": now.isoformat(),
            "migrations": migrations, "rows": rows, **extra}


def _write_private(path, text):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(text + "\n")


def _tables():
    return [model._meta.table_name for model in ALL]


def _sqlite_backup(source, partial):
    """VACUUM INTO: a compact copy of one read snapshot; the live database stays writable."""
    if not source.exists():
        raise BackupError(f"{source} does not exist: nothing to back up.")
    live = sqlite3.connect(source, timeout=30)
    try:
        live.execute("VACUUM INTO ?", (str(partial),))
    finally:
        live.close()
    os.chmod(partial, 0o600)
    return _sqlite_rows(partial)


def _sqlite_rows(path):
    copy = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        if copy.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise BackupError(f"{path} is damaged (PRAGMA quick_check failed).")
        known = {r[0] for r in copy.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        return {t: copy.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
                for t in _tables() if t in known}
    finally:
        copy.close()


def _pg_command(url):
    """(the libpq URI without its password, an environment holding the password)."""
    parts = urlparse(url)
    env = dict(os.environ)
    if parts.password is not None:
        env["PGPASSWORD"] = parts.password
        host = parts.hostname or ""
        host = f"[{host}]" if ":" in host else host
        netloc = f"{parts.username}@{host}" if parts.username else host
        parts = parts._replace(netloc=netloc + (f":{parts.port}" if parts.port else ""))
    return urlunparse(parts._replace(scheme="postgresql")), env


def _pg_tool(name, server_major):
    """The path of pg_dump / pg_restore, checked against the server's major version."""
    tool = shutil.which(name)
    if not tool:
        raise BackupError(f"{name} is not installed: install the PostgreSQL client tools, "
                          f"version {server_major} or newer (e.g. postgresql-client-"
                          f"{server_major}).")
    out = subprocess.run([tool, "--version"], capture_output=True, text=True).stdout
    found = re.search(r"(\d+)(?:\.\d+)?", out)
    major = int(found.group(1)) if found else 0
    if major < server_major:
        raise BackupError(f"{name} is version {major}, the server {server_major}: install "
                          f"postgresql-client-{server_major} (an older {name} cannot read a "
                          "newer server).")
    return tool, out.strip()


def _run(argv, env):
    done = subprocess.run(argv, capture_output=True, text=True, env=env)
    if done.returncode:
        raise BackupError(f"{Path(argv[0]).name} failed: {done.stderr.strip()}")


def _pg_backup(url, partial):
    """pg_dump of an exported snapshot, and the rows per table counted in that snapshot."""
    psycopg = postgres_driver()
    uri, env = _pg_command(url)
    conn = psycopg.connect(url)  # not autocommit: the counts and pg_dump share one snapshot
    try:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        cur = conn.cursor()
        cur.execute("SELECT current_setting('server_version_num')::int / 10000, "
                    "pg_export_snapshot()")
        server_major, snapshot = cur.fetchone()
        tool, version = _pg_tool("pg_dump", server_major)
        rows = {}
        for table in _tables():
            cur.execute("SELECT to_regclass(%s) IS NOT NULL", (f'"{table}"',))
            if cur.fetchone()[0]:
                cur.execute(f'SELECT count(*) FROM "{table}"')
                rows[table] = cur.fetchone()[0]
        _run([tool, "--format=custom", f"--snapshot={snapshot}", f"--file={partial}",
              f"--dbname={uri}"], env)
    finally:
        conn.close()
    os.chmod(partial, 0o600)
    return rows, {"pg_dump": version}


def kind_of(path):
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path} is not a file.")
    with path.open("rb") as fh:
        head = fh.read(16)
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_MAGIC):
        return "postgresql"
    raise BackupError(f"{path} is neither a SQLite backup nor a pg_dump custom-format file.")


def read_manifest(path):
    """The manifest beside the backup, or {} when there is none."""
    try:
        return json.loads(manifest_path(path).read_text())
    except FileNotFoundError:
        return {}
    except (ValueError, OSError) as exc:
        raise BackupError(f"{manifest_path(path)} cannot be read: {exc}") from exc


def rows_in_use():
    """{table: rows} for the tables of the configured database that hold rows."""
    found = {}
    with connection():
        for model in ALL:
            if model.table_exists() and (count := model.select().count()):
                found[model._meta.table_name] = count
    return found


def _tables_exist():
    with connection():
        return any(model.table_exists() for model in ALL)


def restore(settings, path, *, with_secret_key=False):
    """Put the backup at `path` into the configured database, which must hold no rows.
    Returns the manifest (or {})."""
    path, url = Path(path), settings["DATABASE_URL"]
    kind, target = kind_of(path), backend(url)
    if kind != target:
        raise BackupError(f"{path} is a {kind} backup; the configured database is {target}: "
                          "restore it into a database of the same kind.")
    manifest = read_manifest(path)
    bind(url)  # the rows looked at are those of the database restored into
    if with_secret_key and manifest.get("secret_key", KEY_NOTE) == KEY_NOTE:
        raise BackupError(f"{manifest_path(path)} holds no secret key (the backup was made "
                          "without --with-secret-key): nothing restored.")
    used = rows_in_use()
    if used:
        shown = ", ".join(f"{t}: {n}" for t, n in list(used.items())[:5])
        raise BackupError(f"The configured database is not empty ({shown}): restore only "
                          "fills an empty database. Point LEARNCLUB_DATABASE_URL at a new one.")
    if kind == "sqlite":
        _sqlite_rows(path)  # refuses a damaged file before anything changes
        _sqlite_restore(path, sqlite_path(url))
    else:
        _pg_restore(path, url, clean=_tables_exist())
    if with_secret_key:
        key_file = Path(settings["INSTANCE_DIR"]) / "secret_key"
        key_file.unlink(missing_ok=True)
        _write_private(key_file, manifest["secret_key"])
    return manifest


def _sqlite_restore(source, target):
    close_pool()
    target.parent.mkdir(parents=True, exist_ok=True)
    src, dst = sqlite3.connect(f"file:{source}?mode=ro", uri=True), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


def _pg_restore(path, url, *, clean):
    with postgres_driver().connect(url, autocommit=True) as conn:
        server_major = conn.execute(
            "SELECT current_setting('server_version_num')::int / 10000").fetchone()[0]
    tool, _version_text = _pg_tool("pg_restore", server_major)
    uri, env = _pg_command(url)
    close_pool()
    _run([tool, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
          *(["--clean", "--if-exists"] if clean else []), f"--dbname={uri}", str(path)], env)
