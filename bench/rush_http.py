"""The rush benchmark's load generator: a minimal HTTP/1.1 client on asyncio streams (one
connection per request, `Connection: close`, no dependency beyond the standard library) and
an open-loop runner: request k is sent at start + k / rate whatever became of the earlier
ones, each with a timeout, and every send time, status and latency is recorded."""
import asyncio
import re
import time
from dataclasses import dataclass
from urllib.parse import urlencode

HOST = "127.0.0.1"
_CSRF = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')


@dataclass
class Result:
    """One request of a run: what was sent when, and how it ended."""

    index: int
    user_id: int
    kind: str  #: "web" (form post), "api" (token) or "bare"
    sent_at: float = 0.0  #: wall clock (time.time()) when the request was sent
    lag: float = 0.0  #: seconds after its scheduled time that it was sent
    status: str = ""  #: "201", "302", "500", "timeout", "reset", ...
    latency: float = 0.0  #: seconds from send to the end of the response

    @property
    def acknowledged(self):
        """What the client takes as "stored": the web form's redirect to the learner's
        homework (a 200 re-shows the form: not stored), the API's 201/200, the bare 201."""
        return self.status in ACK[self.kind]


#: the answers that acknowledge a submission, per kind of request
ACK = {"web": {"302"}, "api": {"200", "201"}, "bare": {"201"}}


@dataclass
class Response:
    status: int
    cookies: dict
    body: str
    location: str = ""


def _head(method, path, port, headers, body):
    lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{port}", "Connection: close",
             "User-Agent: learnclub-rush", f"Content-Length: {len(body)}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def _parse(raw):
    head, _sep, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    cookies, location = {}, ""
    for line in lines[1:]:
        name, _colon, value = line.partition(":")
        if name.lower() == "set-cookie":
            key, _eq, rest = value.strip().partition("=")
            cookies[key] = rest.split(";")[0]
        elif name.lower() == "location":
            location = value.strip()
    return Response(status, cookies, body.decode("utf-8", "replace"), location)


async def request(port, method, path, *, headers=None, body=b"", cookies=None, stamp=False):
    """One request on a fresh connection; returns a Response (raises on network errors).
    `stamp`: send `X-Request-Start: t=<now>` as a proxy in front of the app would."""
    headers = dict(headers or {})
    if stamp:
        headers["X-Request-Start"] = f"t={time.time():.6f}"
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        writer.write(_head(method, path, port, headers, body))
        await writer.drain()
        raw = await reader.read()  # the server closes: Connection: close
    finally:
        writer.close()
    if not raw:
        raise ConnectionResetError("empty response")
    return _parse(raw)


def form(fields):
    return {"Content-Type": "application/x-www-form-urlencoded"}, urlencode(fields).encode()


def csrf_of(page):
    match = _CSRF.search(page)
    if match is None:
        raise RuntimeError("no csrf_token on the page")
    return match.group(1)


async def web_session(port, email, password, case_path):
    """Sign in through the web form (CSRF token from /login), then open the case page for the
    form's CSRF token. Returns (cookies, csrf token)."""
    jar = {}
    page = await request(port, "GET", "/login")
    jar.update(page.cookies)
    headers, body = form({"csrf_token": csrf_of(page.body), "email": email,
                          "password": password})
    signed = await request(port, "POST", "/login", headers=headers, body=body, cookies=jar)
    if signed.status != 302:
        raise RuntimeError(f"sign-in of {email} answered {signed.status}")
    jar.update(signed.cookies)
    case = await request(port, "GET", case_path, cookies=jar)
    jar.update(case.cookies)
    return jar, csrf_of(case.body)


async def _timed(slot, send, timeout):
    """Send one request and fill in its Result (a timeout or a network error is a status)."""
    begin = time.perf_counter()
    slot.sent_at = time.time()
    try:
        response = await asyncio.wait_for(send(), timeout)
        slot.status = str(response.status)
        if response.status == 302 and "#my-homework" not in response.location:
            slot.status = "302 elsewhere"  # e.g. to /login: the session was not accepted
    except TimeoutError:
        slot.status = "timeout"
    except (ConnectionError, OSError, IndexError, ValueError) as exc:
        slot.status = "reset" if isinstance(exc, ConnectionError) else type(exc).__name__
    slot.latency = time.perf_counter() - begin


async def open_loop(calls, rate, timeout, *, on_tick=None):
    """Send calls[k] = (user_id, kind, coroutine function) at start + k / rate; returns the
    Results once every request has ended. `on_tick(elapsed, requests in flight)` is awaited
    before each send."""
    start = time.perf_counter()
    tasks, results = [], []
    for index, (user_id, kind, send) in enumerate(calls):
        due = start + index / rate
        pause = due - time.perf_counter()
        if pause > 0:
            await asyncio.sleep(pause)
        if on_tick is not None:
            await on_tick(time.perf_counter() - start, sum(not t.done() for t in tasks))
        slot = Result(index, user_id, kind, lag=max(0.0, time.perf_counter() - due))
        results.append(slot)
        tasks.append(asyncio.create_task(_timed(slot, send, timeout)))
    await asyncio.gather(*tasks)
    return results
