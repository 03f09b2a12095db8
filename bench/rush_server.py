"""gunicorn for the rush benchmark, started as README's "Production" section starts it
(`gunicorn -w 4 -b 127.0.0.1:<port> wsgi:app`; the bare app as `bench.bare_app:app`), on a
port of its own on 127.0.0.1, logging to the run's temporary folder."""
import os
import re
import signal
import socket
import subprocess
import time
from collections import Counter
from pathlib import Path

from bench.seed_rush import ROOT, server_env

WORKERS = 4
APPS = {"learnclub": "wsgi:app", "bare": "bench.bare_app:app"}
_EXCEPTION = re.compile(r"^([A-Za-z_]\w*\.)+[A-Z]\w*: |^[A-Z]\w*(Error|Exception): ")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def command(app, port):
    return [str(ROOT / ".venv" / "bin" / "gunicorn"), "-w", str(WORKERS),
            "-b", f"127.0.0.1:{port}", APPS[app]]


class Server:
    """One gunicorn master and its workers."""

    def __init__(self, app, url, folder: Path, code=None, trust_proxy=False):
        """`code`: a source tree to serve learnclub from (the bare app is always this one);
        `trust_proxy`: LEARNCLUB_TRUST_PROXY=1 (believe X-Request-Start)."""
        self.app, self.port = app, free_port()
        self.log = folder / f"gunicorn-{app}-{self.port}.log"
        code = code if app == "learnclub" else None
        env = server_env(url, folder, code)
        if trust_proxy:
            env["LEARNCLUB_TRUST_PROXY"] = "1"
        # as a deployed app runs: its bytecode cached (a shell that sets this makes every
        # worker compile ~250 modules as it boots or replaces a killed one, 0.2 s of CPU)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        with open(self.log, "w") as out:
            self.process = subprocess.Popen(command(app, self.port), cwd=code or ROOT,
                                            stdout=out, stderr=subprocess.STDOUT, env=env)
        self._wait_ready()

    def _wait_ready(self, limit=60):
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log}")
            if len(self.workers()) == WORKERS and self._answers():
                return
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within {limit} s; see {self.log}")

    def _answers(self):
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=2) as sock:
                sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                             b"Connection: close\r\n\r\n")
                return sock.recv(64).startswith(b"HTTP/1.1 ")
        except OSError:
            return False

    def workers(self):
        """The pids of the master's children (its workers), from /proc."""
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == self.process.pid:
                pids.append(int(entry.name))
        return sorted(pids)

    def kill_worker(self):
        """SIGKILL one worker (the master starts another); returns its pid."""
        pid = self.workers()[0]
        os.kill(pid, signal.SIGKILL)
        return pid

    def errors_logged(self):
        """The errors the log shows, most frequent first: the last line of each traceback
        (exception type and message) and gunicorn's worker timeouts."""
        found = Counter()
        for line in self.log.read_text(errors="replace").splitlines():
            if _EXCEPTION.match(line) or "WORKER TIMEOUT" in line:
                found["WORKER TIMEOUT" if "WORKER TIMEOUT" in line else line[:100]] += 1
        return found

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
