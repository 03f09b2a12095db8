"""When a request arrived, so that on time means sent on time (docs/rules.md "Homework").

A worker may get to a request seconds after it reached the server. Homework is judged on the
request's arrival: a trusted proxy's `X-Request-Start` (with `LEARNCLUB_TRUST_PROXY=1`), else
the moment this process took the request. A request that has already waited longer than
`LEARNCLUB_MAX_WAIT` seconds is answered at once with 503 and `Retry-After` instead of being
worked on late; the homework page keeps the draft and sends it again by itself.
"""
import re
from datetime import UTC, datetime, timedelta

from learnclub import clock

ARRIVED = "learnclub.arrived_at"
_STAMP = re.compile(r"(?:t=)?([0-9]{1,17}(?:\.[0-9]{1,9})?)", re.ASCII)
#: a proxy's stamp further in the past than this is not believed (a clock or a header gone wrong)
_OLDEST = timedelta(minutes=5)
_AHEAD = timedelta(seconds=2)  #: the proxy's clock may run slightly ahead of ours
RETRY_AFTER = 3  #: seconds a shed request is asked to wait before it is sent again

_BUSY = ("服务器正忙，没有处理你的请求。你写的内容仍在这台设备上，"
         f"请 {RETRY_AFTER} 秒后再发送一次。\n"
         "The server is busy and did not handle your request. What you wrote is still on this "
         f"device; send it again in {RETRY_AFTER} seconds.\n")


def parse_request_start(value):
    """The instant in an `X-Request-Start` header ("t=1733300000.123", seconds, milliseconds
    or microseconds since the epoch, as nginx, HAProxy and Heroku write it), or None."""
    found = _STAMP.fullmatch((value or "").strip())
    number = float(found.group(1)) if found else 0.0
    if not 0 < number < 1e17:
        return None
    while number > 1e11:  # milliseconds or microseconds
        number /= 1000
    try:
        return datetime.fromtimestamp(number, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def arrived_at(header, now, *, trust_header):
    """When the request arrived: the trusted header's instant if believable, else `now`."""
    stamp = parse_request_start(header) if trust_header else None
    if stamp is None or not now - _OLDEST <= stamp <= now + _AHEAD:
        return now
    return min(stamp, now)


class ArrivalStamp:
    """WSGI middleware: put the arrival instant in the environ, shed requests waited too long."""

    def __init__(self, app, *, trust_header, max_wait):
        self.app, self.trust_header = app, trust_header
        self.max_wait = timedelta(seconds=max_wait)

    def __call__(self, environ, start_response):
        now = clock.now()
        arrived = arrived_at(environ.get("HTTP_X_REQUEST_START"), now,
                             trust_header=self.trust_header)
        environ[ARRIVED] = arrived
        if now - arrived > self.max_wait:
            return self._busy(environ, start_response)
        return self.app(environ, start_response)

    @staticmethod
    def _busy(environ, start_response):
        if environ.get("PATH_INFO", "").startswith("/api/"):
            body = ('{"error": {"status": 503, "message": "The server is busy; send it again '
                    f'in {RETRY_AFTER} seconds."}}}}').encode()
            kind = "application/json"
        else:
            body, kind = _BUSY.encode(), "text/plain; charset=utf-8"
        start_response("503 Service Unavailable", [
            ("Content-Type", kind), ("Content-Length", str(len(body))),
            ("Retry-After", str(RETRY_AFTER)), ("Cache-Control", "no-store")])
        return [body]


def init_app(app):
    app.wsgi_app = ArrivalStamp(app.wsgi_app, trust_header=bool(app.config.get("TRUST_PROXY")),
                                max_wait=app.config.get("MAX_WAIT", 10.0))


def arrival(environ):
    """The arrival instant the middleware stamped on this request (now if none)."""
    return environ.get(ARRIVED) or clock.now()
