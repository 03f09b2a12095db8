"""Logs you can read: one line per event on stderr, with time (UTC), level, logger and the
web request's id.

`LEARNCLUB_LOG_FORMAT=json` writes one JSON object per line instead (time, level, logger,
message, request_id, and the traceback as `exc_info`); `LEARNCLUB_LOG_LEVEL` (default INFO)
is the least level written. Only the "learnclub" (and "apscheduler") loggers get the handler,
so a host process's own logging (gunicorn, pytest) is left alone; records still propagate.

A web request's id is the proxy's `X-Request-Id` when that is a sane token, else a fresh one;
the answer echoes it in `X-Request-Id`. Outside a request it is "-".
"""
import functools
import json
import logging
import logging.config
import re
import sys
import threading
import time
import uuid
from datetime import UTC, datetime

from flask import g, has_request_context, request

LOGGERS = ("learnclub", "apscheduler")
FORMATS = ("plain", "json")
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
HEADER = "X-Request-Id"
#: a request id we take from the proxy: letters, digits and . _ : - , at most 128 of them
_SANE_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}", re.ASCII)

_lock = threading.Lock()
_configured = False
jobs_log = logging.getLogger("learnclub.jobs")


def _utc_iso(created):
    stamp = datetime.fromtimestamp(created, UTC)
    return stamp.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class RequestIdFilter(logging.Filter):
    """Gives every record a `request_id`: the web request's, or "-" outside one."""

    def filter(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = (g.get("request_id", "-") if has_request_context() else "-")
        return True


class PlainFormatter(logging.Formatter):
    """`2026-12-01T12:00:00.123Z INFO learnclub.mail [3f2a…] message`, traceback below."""

    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")

    def formatTime(self, record, datefmt=None):  # noqa: N802 - logging's name
        return _utc_iso(record.created)

    def format(self, record):
        record.request_id = getattr(record, "request_id", "-")
        return super().format(record)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id[, exc_info]."""

    def format(self, record):
        entry = {"time": _utc_iso(record.created), "level": record.levelname,
                 "logger": record.name, "message": record.getMessage(),
                 "request_id": getattr(record, "request_id", "-")}
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exc_info"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)


class StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (a test runner swaps it)."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value):
        pass


def settings(config):
    """(format, level) from the settings, failing with a clear line on a wrong value."""
    fmt = str(config.get("LOG_FORMAT") or "plain").lower()
    level = str(config.get("LOG_LEVEL") or "INFO").upper()
    if fmt not in FORMATS:
        raise ValueError(f"LEARNCLUB_LOG_FORMAT={fmt!r}: use one of {', '.join(FORMATS)}")
    if level not in LEVELS:
        raise ValueError(f"LEARNCLUB_LOG_LEVEL={level!r}: use one of {', '.join(LEVELS)}")
    return fmt, level


def dict_config(fmt, level):
    """The logging.config.dictConfig document for these settings."""
    formatter = {"()": JsonFormatter if fmt == "json" else PlainFormatter}
    logger = {"level": level, "handlers": ["learnclub"], "propagate": True}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": RequestIdFilter}},
        "formatters": {"learnclub": formatter},
        "handlers": {"learnclub": {"()": StderrHandler, "formatter": "learnclub",
                                   "filters": ["request_id"]}},
        "loggers": {name: logger for name in LOGGERS},
    }


def configure(config):
    """Set logging up once per process (later calls change nothing)."""
    global _configured
    with _lock:
        if _configured:
            return
        logging.config.dictConfig(dict_config(*settings(config)))
        _configured = True


def _request_id():
    sent = request.headers.get(HEADER, "")
    return sent if _SANE_ID.fullmatch(sent) else uuid.uuid4().hex


def init_app(app):
    """Configure logging (not under a test runner, whose capture stays as it is) and give
    every request an id, echoed in the answer."""
    if not app.testing:
        configure(app.config)

    @app.before_request
    def _stamp_request_id():
        g.request_id = _request_id()

    @app.after_request
    def _echo_request_id(response):
        if "request_id" in g:
            response.headers[HEADER] = g.request_id
        return response


def summarise(result):
    """A job's return value in a few words: "3", "2, 0", "a=1, b=2", "nothing"."""
    if result is None:
        return "nothing"
    if isinstance(result, dict):
        text = ", ".join(f"{key}={value}" for key, value in result.items())
    elif isinstance(result, list | tuple | set):
        text = ", ".join(str(item) for item in result)
    else:
        text = str(result)
    text = " ".join(text.split()) or "nothing"
    return text if len(text) <= 200 else text[:199] + "…"


def job_summary(name, fn):
    """`fn` that logs one line when it ends: "job <name> finished in <ms> ms: <result>"."""
    @functools.wraps(fn)
    def run(*args, **kwargs):
        started = time.monotonic()
        try:
            result = fn(*args, **kwargs)
        except Exception as exc:
            jobs_log.info("job %s failed after %d ms: %s", name,
                          (time.monotonic() - started) * 1000, type(exc).__name__)
            raise
        jobs_log.info("job %s finished in %d ms: %s", name,
                      (time.monotonic() - started) * 1000, summarise(result))
        return result
    return run
