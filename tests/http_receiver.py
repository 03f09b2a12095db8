"""A real HTTP endpoint on 127.0.0.1 that takes chat-group posts and remembers them."""
import contextlib
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Post:
    path: str
    headers: dict
    body: bytes


@contextlib.contextmanager
def receiver(status=200, answer=b'{"ok": true}'):
    """Yield (url, posts): POSTs to the url are answered with `status` and appended to posts."""
    posts = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - the name http.server calls
            length = int(self.headers.get("Content-Length", "0"))
            posts.append(Post(self.path, dict(self.headers), self.rfile.read(length)))
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass  # quiet test output

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, name="chat-receiver", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hooks/learnclub", posts
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
