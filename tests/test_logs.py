"""Logs you can read: time, level, logger and request id; a summary line per job run; JSON
lines with LEARNCLUB_LOG_FORMAT=json; mail without a mail server written to the log."""
import io
import json
import logging
import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest

from learnclub import jobs, logs
from learnclub.domain.reach import outbox
from learnclub.outbound import mail as mailer
from tests import timeline

SCRIPT = Path(sys.executable).with_name("learnclub")
PLAIN = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (INFO|WARNING|ERROR|DEBUG) "
                   r"learnclub\.[a-z]+ \[-\] ")


def _run_due(database_url, tmp_path, **env):
    """`learnclub jobs run-due` in a process of its own, logging as configured by `env`."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("LEARNCLUB_")}
    base.update(LEARNCLUB_DATABASE_URL=database_url, LEARNCLUB_INSTANCE_DIR=str(tmp_path),
                LEARNCLUB_SECRET_KEY="x", LEARNCLUB_MAIL_URL="",
                LEARNCLUB_CONTENT_DIR=str(tmp_path / "content"), **env)
    when = (timeline.START + timedelta(minutes=1)).isoformat()
    return subprocess.run([str(SCRIPT), "jobs", "run-due", "--now", when], env=base,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def queued_mail(app, clock):
    outbox.enqueue_mail("test:log-1", to_addr="ada@example.org", subject="Hello 你好",
                        body="The body line\nsecond line", now=clock.now())


def test_mail_without_a_mail_server_is_logged_at_info(caplog):
    message = SimpleNamespace(to_addr="ada@example.org", subject="Hi", body="Body text")

    with caplog.at_level(logging.INFO, logger="learnclub.mail"):
        mailer.deliver(message, mail_url="", sender="club <club@example.org>")

    [record] = [r for r in caplog.records if r.name == "learnclub.mail"]
    assert record.levelno == logging.INFO
    assert "to=ada@example.org" in record.getMessage()
    assert "Body text" in record.getMessage()


def test_default_configuration_writes_mail_and_job_summaries_to_stderr(
        queued_mail, database_url, tmp_path):
    done = _run_due(database_url, tmp_path)

    assert done.returncode == 0, done.stderr
    assert "send_outbox: (1, 0)" in done.stdout
    lines = done.stderr.splitlines()
    mail = [line for line in lines if "learnclub.mail" in line]
    assert len(mail) == 1
    assert PLAIN.match(mail[0])
    assert "INFO learnclub.mail [-] mail (not sent, no LEARNCLUB_MAIL_URL) to=ada@example.org "\
           "subject=Hello 你好" in mail[0]
    assert "The body line" in done.stderr
    summaries = [line for line in lines if " job " in line]
    assert [re.search(r"job (\w+) finished", s).group(1) for s in summaries] == list(jobs.JOBS)
    assert all(PLAIN.match(s) for s in summaries)
    assert re.search(r"job send_outbox finished in \d+ ms: 1, 0$", done.stderr, re.M)


def test_json_format_writes_one_object_per_line(queued_mail, database_url, tmp_path):
    done = _run_due(database_url, tmp_path, LEARNCLUB_LOG_FORMAT="json")

    assert done.returncode == 0, done.stderr
    entries = [json.loads(line) for line in done.stderr.splitlines()]
    assert {tuple(sorted(e)) for e in entries} == {
        ("level", "logger", "message", "request_id", "time")}
    [mail] = [e for e in entries if e["logger"] == "learnclub.mail"]
    assert mail["level"] == "INFO"
    assert mail["request_id"] == "-"
    assert mail["message"].endswith("subject=Hello 你好\nThe body line\nsecond line")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", mail["time"])
    assert len([e for e in entries if e["logger"] == "learnclub.jobs"]) == len(jobs.JOBS)


def test_log_level_warning_keeps_info_out(queued_mail, database_url, tmp_path):
    done = _run_due(database_url, tmp_path, LEARNCLUB_LOG_LEVEL="warning")

    assert done.returncode == 0, done.stderr
    assert "send_outbox: (1, 0)" in done.stdout
    assert done.stderr == ""


def test_a_wrong_log_format_stops_at_start_with_a_clear_line(database_url, tmp_path):
    done = _run_due(database_url, tmp_path, LEARNCLUB_LOG_FORMAT="xml")

    assert done.returncode != 0
    assert "LEARNCLUB_LOG_FORMAT='xml': use one of plain, json" in done.stderr


def test_a_job_run_logs_one_summary_line(app, caplog, clock):
    with caplog.at_level(logging.INFO, logger="learnclub.jobs"):
        result = jobs.run_job(dict(app.config), "send_outbox", now=clock.now())

    lines = [r.getMessage() for r in caplog.records if r.name == "learnclub.jobs"]
    assert result == (0, 0)
    assert len(lines) == 1
    assert re.fullmatch(r"job send_outbox finished in \d+ ms: 0, 0",
                                            lines[0])


def test_summaries_say_what_a_job_returned():
    assert [logs.summarise(v) for v in (None, 3, (2, 0), {"a": 1}, "x\ny", "")] == [
        "nothing", "3", "2, 0", "a=1", "x y", "nothing"]
    assert len(logs.summarise("z" * 500)) == 200


@pytest.fixture
def captured(app):
    """The app's log lines as the plain configuration writes them."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(logs.RequestIdFilter())
    handler.setFormatter(logs.PlainFormatter())
    logger = logging.getLogger("learnclub")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    app.add_url_rule("/_log_something", "log_something", lambda: (
        logging.getLogger("learnclub.web").info("inside the request") or "ok"))
    yield stream
    logger.removeHandler(handler)
    logger.setLevel(level)


def test_a_request_gets_the_proxys_id_and_echoes_it(client, captured):
    response = client.get("/_log_something", headers={"X-Request-Id": "req-42.a:b_c"})

    assert response.headers["X-Request-Id"] == "req-42.a:b_c"
    assert "INFO learnclub.web [req-42.a:b_c] inside the request" in captured.getvalue()


@pytest.mark.parametrize("sent", [None, "", "two words", "forged\tline", "x" * 129, "<b>"])
def test_a_request_without_a_sane_id_gets_a_new_one(client, captured, sent):
    headers = {} if sent is None else {"X-Request-Id": sent}

    first = client.get("/_log_something", headers=headers).headers["X-Request-Id"]
    second = client.get("/_log_something", headers=headers).headers["X-Request-Id"]

    assert re.fullmatch(r"[0-9a-f]{32}", first)
    assert first != second
    assert f"[{first}] inside the request" in captured.getvalue()
    assert "forged" not in captured.getvalue()


def test_outside_a_request_the_id_is_a_dash(app, captured):
    logging.getLogger("learnclub.jobs").warning("no request here")

    assert " WARNING learnclub.jobs [-] no request here" in captured.getvalue()


def test_json_lines_carry_the_traceback():
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        record = logging.getLogger("learnclub.x").makeRecord(
            "learnclub.x", logging.ERROR, __file__, 1, "failed: %s", ("it",), sys.exc_info())

    entry = json.loads(logs.JsonFormatter().format(record))

    assert entry["message"] == "failed: it"
    assert entry["level"] == "ERROR"
    assert entry["request_id"] == "-"
    assert "RuntimeError: boom" in entry["exc_info"]


def test_the_configuration_is_a_dictconfig_for_the_learnclub_loggers_only():
    config = logs.dict_config(*logs.settings({"LOG_FORMAT": "JSON", "LOG_LEVEL": "debug"}))

    assert config["disable_existing_loggers"] is False
    assert set(config["loggers"]) == {"learnclub", "apscheduler"}
    assert config["loggers"]["learnclub"] == {"level": "DEBUG", "handlers": ["learnclub"],
                                              "propagate": True}
    assert config["formatters"]["learnclub"]["()"] is logs.JsonFormatter
    with pytest.raises(ValueError, match="LEARNCLUB_LOG_LEVEL='LOUD'"):
        logs.settings({"LOG_LEVEL": "loud"})
