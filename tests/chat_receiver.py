"""A real HTTP server on loopback standing in for chat-group robots: it records every request
and answers as the path says (see ANSWERS); under /hang it waits until the test releases it."""
import contextlib
import json
import threading
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest

OK = json.dumps({"errcode": 0, "errmsg": "ok"}).encode()
#: path -> (status, answer); any other path answers 200 OK
ANSWERS = {
    "/errcode": (200, json.dumps({"errcode": 310000, "errmsg": "keywords not in content"})
                 .encode()),
    "/feishu-refuses": (200, json.dumps({"code": 19021, "msg": "sign match fail"}).encode()),
    "/fail": (500, b"upstream exploded"),
    "/huge": (500, b"x" * 1_000_000),
}


@dataclass
class Request:
    method: str
    path: str  #: with the query string
    headers: dict
    body: bytes

    @property
    def json(self):
        return json.loads(self.body)


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - http.server's hook name
        receiver = self.server.receiver
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with receiver.lock:
            receiver.requests.append(Request("POST", self.path, dict(self.headers), body))
        route = urlsplit(self.path).path
        if route.startswith("/hang"):
            receiver.release.wait(timeout=60)
        status, answer = ANSWERS.get(route, (200, OK))
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the sender gave up waiting, as it should

    def log_message(self, format, *args):  # noqa: A002 - http.server's signature
        pass


class Receiver:
    def __init__(self, port):
        self.port = port
        self.requests = []
        self.lock = threading.Lock()
        self.release = threading.Event()

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def to(self, route):
        """The requests that came to one path (query string aside)."""
        return [r for r in self.requests if urlsplit(r.path).path == route]

    def deliveries(self):
        """How often each generic delivery (X-Learnclub-Delivery) arrived."""
        return Counter(r.headers.get("X-Learnclub-Delivery") for r in self.requests)


class _Server(ThreadingHTTPServer):
    #: the standard library listens with a backlog of 5: under a loaded test machine, two
    #: senders at once could find it full and have their connection reset
    request_queue_size = 128


@contextlib.contextmanager
def running_receiver():
    """A Receiver listening on a free port of 127.0.0.1 until the block ends."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    server.receiver = Receiver(server.server_address[1])
    thread = threading.Thread(target=server.serve_forever, name="chat-receiver", daemon=True)
    thread.start()
    try:
        yield server.receiver
    finally:
        server.receiver.release.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture
def receiver():
    with running_receiver() as running:
        yield running
