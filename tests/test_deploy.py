"""The deploy kit in deploy/ (docs/deploy.md), each file checked against the app it deploys.

Docker cannot run on the test machine, so the Dockerfile and compose.yaml are read and held to
the app (their commands exist, their settings are read by learnclub/config.py); the gunicorn
settings are loaded by gunicorn's own loader and served from, through the image's entrypoint
script; the systemd units go through `systemd-analyze verify` and nginx's site through
`nginx -t` where those tools are installed, and are read in any case.
"""
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from functools import cache
from pathlib import Path

import pytest
import yaml
from gunicorn.app.base import Application

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
BIN = Path(sys.executable).parent
UNITS = ("learnclub-web.service", "learnclub-scheduler.service")
INSTALL_DIR = "/srv/learnclub"  # where the units expect the checkout


def _settings_read_by_config():
    source = (ROOT / "learnclub" / "config.py").read_text()
    return {f"LEARNCLUB_{name}" for name in re.findall(r'_(?:env|seconds)\("([A-Z_]+)"', source)}


def _clean_env(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LEARNCLUB_", "GUNICORN_"))}
    env.update(PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}", WEB_CONCURRENCY="1")
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def assert_learnclub_command_exists(tmp_path_factory):
    """Checks `learnclub db upgrade`, `learnclub scheduler`: each word a command of the one
    before, as `learnclub [group] --help` lists them."""
    env = _clean_env(LEARNCLUB_INSTANCE_DIR=str(tmp_path_factory.mktemp("instance")))

    @cache
    def listing(*words):
        shown = subprocess.run([str(BIN / "learnclub"), *words, "--help"], env=env, timeout=60,
                               capture_output=True, text=True, check=True).stdout
        commands = shown.split("Commands:", 1)[1] if "Commands:" in shown else ""
        return {line.split()[0] for line in commands.splitlines() if line.strip()}

    def check(argv):
        words = [word for word in argv[1:] if not word.startswith("-")]
        assert words[0] in listing(), argv
        if listing(words[0]):  # a group: its subcommand must be one of its commands
            assert words[1] in listing(words[0]), argv

    return check


def _entrypoint_commands():
    """The commands deploy/docker-entrypoint.sh runs, in order."""
    lines = (DEPLOY / "docker-entrypoint.sh").read_text().splitlines()
    return [shlex.split(line.strip().removeprefix("exec ")) for line in lines
            if line.strip().removeprefix("exec ").startswith(("learnclub ", "gunicorn "))]


def _dockerfile_instructions():
    text = (DEPLOY / "Dockerfile").read_text().replace("\\\n", " ")
    rows = [line.strip() for line in text.splitlines()]
    return [tuple(row.split(None, 1)) for row in rows if row and not row.startswith("#")]


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()
    except OSError:
        return None, b""


def _stop(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
    try:
        return process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        return process.communicate(timeout=10)


# --- compose.yaml --------------------------------------------------------------------------

def test_compose_runs_postgres_the_web_and_one_scheduler_from_the_same_image():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]

    assert set(services) == {"db", "web", "scheduler"}
    assert services["db"]["image"].startswith("postgres:")
    assert (DEPLOY / services["web"]["build"]["context"] / services["web"]["build"]["dockerfile"]
            ).resolve() == DEPLOY / "Dockerfile"
    assert services["web"]["image"] == services["scheduler"]["image"]
    assert (services["web"]["command"], services["scheduler"]["command"]) == (["web"],
                                                                              ["scheduler"])
    assert "scale" not in services["scheduler"]  # one scheduler: a second would only stand by
    assert services["web"]["depends_on"]["db"]["condition"] == "service_healthy"
    # the web migrates; the scheduler refuses an unmigrated database, so it waits for the web
    assert services["scheduler"]["depends_on"]["web"]["condition"] == "service_healthy"


def test_compose_settings_are_ones_the_app_reads_and_the_secret_key_is_required():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    read = _settings_read_by_config()

    for name in ("web", "scheduler"):
        env = compose["services"][name]["environment"]
        learnclub = {key for key in env if key.startswith("LEARNCLUB_")}
        assert learnclub <= read, learnclub - read
        assert env["LEARNCLUB_DATABASE_URL"].startswith("postgresql://")
        assert env["LEARNCLUB_DATABASE_URL"].split("@")[1].startswith("db:5432/")
        assert env["LEARNCLUB_TRUST_PROXY"] == "1"
        # ${VAR:?message}: compose refuses to start without a shared key
        assert env["LEARNCLUB_SECRET_KEY"].startswith("${LEARNCLUB_SECRET_KEY:?")
    assert compose["services"]["web"]["environment"] == {
        **compose["services"]["scheduler"]["environment"], "WEB_CONCURRENCY": "4",
        "GUNICORN_THREADS": "4"}


def test_every_setting_named_in_the_kit_and_its_docs_is_read_by_the_app():
    read = _settings_read_by_config()
    texts = [path.read_text() for path in sorted(DEPLOY.iterdir())]
    texts.append((ROOT / "docs" / "deploy.md").read_text())

    named = {name for text in texts for name in re.findall(r"LEARNCLUB_[A-Z_]+[A-Z]", text)}

    assert named - {"LEARNCLUB_TEST_POSTGRES_URL"} <= read, named - read
    assert {"LEARNCLUB_SECRET_KEY", "LEARNCLUB_TRUST_PROXY", "LEARNCLUB_BASE_URL"} <= named


# --- Dockerfile and its entrypoint -----------------------------------------------------------

def test_dockerfile_builds_in_a_builder_stage_and_runs_slim_as_a_user():
    steps = _dockerfile_instructions()
    stages = [args for op, args in steps if op == "FROM"]

    assert stages == ["python:3.11-slim AS builder", "python:3.11-slim"]
    final = steps[max(i for i, (op, _) in enumerate(steps) if op == "FROM"):]
    copied = [args for op, args in final if op == "COPY"]
    assert copied == ["--from=builder /venv /venv", "--from=builder /app /app"]
    users = [args for op, args in final if op == "USER"]
    assert users == ["learnclub"]
    after_user = [op for op, _ in final[final.index(("USER", "learnclub")):]]
    assert "RUN" not in after_user  # nothing runs as root once the user is set
    assert dict(final)["ENTRYPOINT"] == '["/app/deploy/docker-entrypoint.sh"]'
    assert dict(final)["CMD"] == '["web"]'


def test_dockerfile_copies_what_exists_and_installs_the_app():
    builder = _dockerfile_instructions()
    sources = [word for op, args in builder if op == "COPY" and "--from" not in args
               for word in args.split()[:-1]]

    assert {"pyproject.toml", "requirements.lock", "learnclub", "migrations", "wsgi.py",
            "deploy"} <= set(sources)
    for source in sources:
        assert (ROOT / source).exists(), source
    runs = " ".join(args for op, args in builder if op == "RUN")
    # the pinned versions CI tests, and the PostgreSQL driver compose.yaml's database needs
    assert "/venv/bin/pip install --constraint requirements.lock --editable '.[postgres]'" in runs
    # no local database, key or venv is sent to the build
    ignored = (DEPLOY / "Dockerfile.dockerignore").read_text().split()
    assert {"instance", ".venv", ".git"} <= set(ignored)


def test_entrypoint_migrates_then_serves_with_the_kit_settings(
        assert_learnclub_command_exists):
    commands = _entrypoint_commands()

    assert commands == [["learnclub", "db", "upgrade"],
                        ["gunicorn", "-c", "deploy/gunicorn.conf.py", "wsgi:app"],
                        ["learnclub", "scheduler"]]
    for argv in (commands[0], commands[2]):
        assert_learnclub_command_exists(argv)
    assert os.access(DEPLOY / "docker-entrypoint.sh", os.X_OK)


# --- gunicorn ---------------------------------------------------------------------------------

class _ConfigOnly(Application):
    """gunicorn's own loader reading deploy/gunicorn.conf.py, nothing served."""

    def load_config(self):
        self.module = self.load_config_from_file(str(DEPLOY / "gunicorn.conf.py"))

    def load(self):
        raise AssertionError("only the settings are read")


def test_gunicorn_settings_load_with_gunicorns_loader(monkeypatch):
    for name in ("WEB_CONCURRENCY", "GUNICORN_THREADS"):
        monkeypatch.delenv(name, raising=False)
    loaded = _ConfigOnly()
    sys.modules.pop("__config__", None)
    cfg = loaded.cfg

    names = {k for k, v in loaded.module.items()
             if not k.startswith("_") and not isinstance(v, type(os))}
    assert names <= set(cfg.settings), names - set(cfg.settings)  # no misspelt setting ignored
    assert (cfg.workers, cfg.threads, cfg.worker_class_str) == (4, 4, "gthread")
    assert (cfg.timeout, cfg.graceful_timeout) == (60, 30)
    assert (cfg.bind, cfg.accesslog, cfg.errorlog) == (["127.0.0.1:8000"], "-", "-")
    assert "%({x-request-id}o)s" in cfg.access_log_format


def test_the_entrypoint_migrates_and_gunicorn_serves_healthz(tmp_path):
    port = _free_port()
    env = _clean_env(LEARNCLUB_INSTANCE_DIR=str(tmp_path),
                     LEARNCLUB_DATABASE_URL=f"sqlite:///{tmp_path / 'club.db'}",
                     LEARNCLUB_CONTENT_DIR=str(tmp_path / "content"),
                     GUNICORN_CMD_ARGS=f"--bind 127.0.0.1:{port} --threads 2")
    process = subprocess.Popen([str(DEPLOY / "docker-entrypoint.sh"), "web"], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        status, body = None, b""
        while status != 200 and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
            status, body = _get(f"http://127.0.0.1:{port}/healthz")
    finally:
        out, err = _stop(process)

    assert status == 200, (status, body, out, err)
    assert b'"pending_migrations":0' in body.replace(b" ", b"")
    assert process.returncode == 0, err  # SIGTERM: a clean, graceful stop
    assert "Applied: " in out  # `learnclub db upgrade` ran first, on the empty database
    access = [line for line in out.splitlines() if '"GET /healthz HTTP/1.1" 200' in line]
    assert access, out
    assert re.search(r" \d+ms request_id=\S+", access[-1]), access


def test_gunicorn_refuses_a_public_base_url_without_a_secret_key(tmp_path):
    env = _clean_env(LEARNCLUB_INSTANCE_DIR=str(tmp_path),
                     LEARNCLUB_DATABASE_URL=f"sqlite:///{tmp_path / 'club.db'}",
                     LEARNCLUB_BASE_URL="https://club.example.org",
                     GUNICORN_CMD_ARGS=f"--bind 127.0.0.1:{_free_port()}")
    process = subprocess.Popen([str(BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py",
                                "wsgi:app"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        process.wait(timeout=60)
    finally:
        _out, err = _stop(process)

    assert process.returncode != 0
    assert "LEARNCLUB_SECRET_KEY is not set" in err
    assert not (tmp_path / "secret_key").exists()


# --- systemd --------------------------------------------------------------------------------

def _unit(name):
    lines = (DEPLOY / name).read_text().splitlines()
    return [tuple(part.strip() for part in line.split("=", 1)) for line in lines
            if "=" in line and not line.startswith("#")]


@pytest.mark.parametrize("name", UNITS)
def test_systemd_unit_runs_commands_that_exist(name, assert_learnclub_command_exists):
    unit = dict(_unit(name))

    assert unit["WorkingDirectory"] == INSTALL_DIR
    assert unit["User"] == "learnclub"
    assert unit["EnvironmentFile"] == "/etc/learnclub/env"
    commands = [shlex.split(value) for key, value in _unit(name)
                if key in ("ExecStart", "ExecStartPre")]
    for argv in commands:
        program = Path(argv[0].replace(INSTALL_DIR, str(ROOT)))
        assert program.parent == ROOT / ".venv" / "bin"
        assert os.access(program, os.X_OK), program
        if program.name == "learnclub":
            assert_learnclub_command_exists(argv)
        else:
            assert argv[1:] == ["-c", "deploy/gunicorn.conf.py", "wsgi:app"]
    assert [argv[1:] for argv in commands] == {
        "learnclub-web.service": [["db", "upgrade"],
                                  ["-c", "deploy/gunicorn.conf.py", "wsgi:app"]],
        "learnclub-scheduler.service": [["scheduler"]]}[name]


def test_systemd_analyze_verifies_both_units(tmp_path):
    (tmp_path / "env").write_text("LEARNCLUB_SECRET_KEY=x\n")
    for name in UNITS:
        text = (DEPLOY / name).read_text().replace(INSTALL_DIR, str(ROOT))
        (tmp_path / name).write_text(text.replace("/etc/learnclub/env", str(tmp_path / "env")))
    analyze = shutil.which("systemd-analyze")
    if analyze:  # systemd's own check; the test above reads the units in any case
        done = subprocess.run([analyze, "verify", *(str(tmp_path / n) for n in UNITS)],
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        assert "learnclub" not in done.stderr, done.stderr
    for name in UNITS:
        sections = re.findall(r"^\[(\w+)\]$", (tmp_path / name).read_text(), re.M)
        assert sections == ["Unit", "Service", "Install"]


# --- nginx ------------------------------------------------------------------------------------

def test_nginx_site_passes_what_the_app_trusts():
    site = (DEPLOY / "nginx.conf").read_text()
    headers = dict(re.findall(r"proxy_set_header\s+(\S+)\s+(.+?);", site))

    assert headers["X-Forwarded-For"] == "$remote_addr"  # what the client sent is replaced
    assert headers["X-Forwarded-Proto"] == "$scheme"
    assert headers["X-Forwarded-Host"] == headers["Host"] == "$host"
    # learnclub/arrival.py reads `t=<seconds.millis>`
    assert headers["X-Request-Start"] == '"t=${msec}"'
    assert headers["X-Request-Id"] == "$request_id"
    assert "server 127.0.0.1:8000;" in site  # deploy/gunicorn.conf.py's bind
    assert "client_max_body_size 16m;" in site  # the app's MAX_CONTENT_LENGTH


def test_nginx_accepts_the_site(tmp_path):
    nginx, openssl = shutil.which("nginx"), shutil.which("openssl")
    site = (DEPLOY / "nginx.conf").read_text()
    assert site.count("{") == site.count("}")
    if not (nginx and openssl):  # read above; nginx's own check needs nginx and a certificate
        return
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=club.example.org", "-keyout", str(tmp_path / "key.pem"),
                    "-out", str(tmp_path / "cert.pem")], check=True, capture_output=True,
                   timeout=60)
    live = "/etc/letsencrypt/live/club.example.org/"
    site = site.replace(live + "fullchain.pem", str(tmp_path / "cert.pem"))
    (tmp_path / "site.conf").write_text(site.replace(live + "privkey.pem",
                                                     str(tmp_path / "key.pem")))
    (tmp_path / "logs").mkdir()
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n    include {tmp_path}/site.conf;\n}}\n")

    done = subprocess.run([nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
                          capture_output=True, text=True, timeout=60)

    assert done.returncode == 0, done.stderr
    assert "test is successful" in done.stderr


# --- the rehearsal (docs/deploy.md "Rehearsal") -------------------------------------------

def test_the_rehearsal_script_parses_and_runs_real_commands(assert_learnclub_command_exists):
    """deploy/rehearse.sh is run by hand (it starts servers for minutes), not by the suite:
    here bash parses it, and the `learnclub` commands it runs are real ones."""
    script = DEPLOY / "rehearse.sh"
    text = "\n".join(line for line in script.read_text().splitlines()
                     if not line.lstrip().startswith("#"))

    parsed = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True,
                            timeout=30)
    commands = [f"learnclub{words}".split()
                for words in re.findall(r'\blearnclub"?((?: [a-z][a-z-]*)+)', text)]

    assert (parsed.returncode, parsed.stderr) == (0, "")
    assert os.access(script, os.X_OK)
    assert {argv[1] for argv in commands} == {"db", "demo", "scheduler", "backup", "restore"}
    for argv in commands:
        assert_learnclub_command_exists(argv)
