"""Benchmark: the deadline rush. N learners hand in homework over real HTTP against gunicorn
started as README's "Production" section says (`gunicorn -w 4 -b 127.0.0.1:<port> wsgi:app`),
on SQLite and on PostgreSQL, next to a bare Flask + peewee app (bench/bare_app.py: one INSERT
per request) under the same gunicorn command, at fixed arrival rates for a bounded time each.

- Half the learners sign in through the web form and post the homework form with its CSRF
  token (from the case page); the other half PUT it through the JSON API with a write token.
- Arrivals are open-loop (bench/rush_http.py): request k leaves at k / rate seconds whatever
  the server did with the earlier ones; each learner submits once per run (a new case per
  run), every request has a timeout.
- After each run the submissions stored are compared with the acknowledged ones.
- A run at --kill-rate kills one gunicorn worker (SIGKILL) halfway through.
- A run at --burst-rate has the case's due time halfway through the burst, and counts the
  submissions sent before the due time that were stored as late.

Run: `make bench-rush` (RUSH_ARGS="--learners 2000 --duration 10" for a shorter one);
`python -m bench.rush --quick` is a smoke run of a few seconds; --write records the table in
docs/benchmarks.md. Not part of `make test`.
"""
import argparse
import asyncio
import json
import os
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import learnclub
from bench import rush_report, seed_rush
from bench.rush_http import form, open_loop, request, web_session
from bench.rush_server import WORKERS, Server, command

BODY = "我的作业:第一周先建群、定规则,再请三位老学员带新人,最后一起复盘。"
FAR = timedelta(days=2)
LOG_NOTES = []


def options(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.rush", description=__doc__.split(
        "\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--learners", type=int, default=10_000)
    parser.add_argument("--rates", default="25,50,100,170", help="arrivals per second")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per rate")
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds per request")
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--apps", default="bare,learnclub")
    parser.add_argument("--code", type=Path, help="serve learnclub from this source tree (e.g. "
                        "`git archive HEAD | tar -x -C DIR`) instead of the repository's")
    parser.add_argument("--kill-rate", type=float, default=170.0,
                        help="arrivals per second of the run that kills a worker: the top rate, "
                        "where requests queue, so the worker killed is most likely busy")
    parser.add_argument("--burst-rate", type=float, default=170.0)
    parser.add_argument("--proxy-stamp", action="store_true",
                        help="send X-Request-Start (the send time) as a proxy would, and start "
                        "learnclub with LEARNCLUB_TRUST_PROXY=1")
    parser.add_argument("--quick", action="store_true", help="smoke run: 300 learners, 3 s")
    parser.add_argument("--write", action="store_true", help="record in docs/benchmarks.md")
    opts = parser.parse_args(argv)
    if opts.quick:
        opts.learners, opts.rates, opts.duration = 300, "25,50", 3.0
        opts.kill_rate, opts.burst_rate = 50.0, 50.0
    if opts.code and not Path(learnclub.__file__).resolve().is_relative_to(opts.code.resolve()):
        parser.error("with --code DIR, seed with DIR's learnclub too: cd DIR && rm -rf bench "
                     f"&& PYTHONPATH={seed_rush.ROOT} {seed_rush.ROOT}/.venv/bin/python "
                     "-m bench.rush --code DIR …")
    opts.rate_list = [float(r) for r in opts.rates.split(",")]
    needed = int(max([*opts.rate_list, opts.kill_rate, opts.burst_rate]) * opts.duration)
    if needed > opts.learners:
        parser.error(f"{needed} submissions per run need at least {needed} learners")
    return opts


async def sessions(port, learners, case_id):
    """Web-form learners signed in (cookies and CSRF token each), 8 sign-ins at a time."""
    gate = asyncio.Semaphore(8)
    path = f"/c/{seed_rush.SLUG}/cases/{case_id}"

    async def one(learner):
        async with gate:
            return learner.id, await web_session(port, learner.email, seed_rush.PASSWORD, path)
    return dict(await asyncio.gather(*(one(lr) for lr in learners if lr.web)))


def calls_for(app, port, learners, target, signed_in, stamp=False):
    """(user id, kind, send) per learner: the bare insert, the web form post or the API put."""
    def bare(learner):
        headers, body = form({"run": target, "user": learner.id, "body": BODY})
        return lambda: request(port, "POST", "/rows", headers=headers, body=body)

    def web(learner):
        jar, token = signed_in[learner.id]
        headers, body = form({"csrf_token": token, "body_md": BODY})
        return lambda: request(port, "POST", f"/c/{seed_rush.SLUG}/cases/{target}/homework",
                               headers=headers, body=body, cookies=jar, stamp=stamp)

    def api(learner):
        headers = {"Authorization": f"Bearer {learner.token}",
                   "Content-Type": "application/json"}
        body = json.dumps({"body": BODY}).encode()
        return lambda: request(port, "PUT", f"/api/v1/cohorts/{seed_rush.SLUG}/cases/{target}"
                               "/homework/mine", headers=headers, body=body, stamp=stamp)
    if app == "bare":
        return [(lr.id, "bare", bare(lr)) for lr in learners]
    return [(lr.id, "web", web(lr)) if lr.web else (lr.id, "api", api(lr)) for lr in learners]


async def settled(read, limit=30.0):
    """What `read()` returns once it stops changing (requests the client gave up on may still
    be written by the server), waiting at most `limit` seconds."""
    previous, deadline = read(), time.monotonic() + limit
    while time.monotonic() < deadline:
        await asyncio.sleep(1.0)
        current = read()
        if current == previous:
            return current
        previous = current
    return previous


class Bench:
    """One backend and app under load: its server, learners and signed-in sessions."""

    def __init__(self, backend, app, server, learners, opts):
        self.backend, self.app, self.server, self.opts = backend, app, server, opts
        self.learners, self.signed_in, self.runs, self.load = learners, {}, 0, 0.0

    async def sign_in(self):
        needed = int(max([*self.opts.rate_list, self.opts.kill_rate, self.opts.burst_rate])
                      * self.opts.duration)
        case_id = seed_rush.open_case("签到", due_at=datetime.now(UTC) + FAR)
        begin = time.perf_counter()
        self.signed_in = await sessions(self.server.port, self.learners[:needed], case_id)
        print(f"  signed in {len(self.signed_in)} web-form learners in "
              f"{time.perf_counter() - begin:.1f} s", flush=True)

    async def run(self, rate, *, due_at=None, kill_at=None, duration=None):
        """One run at `rate` for the duration; returns (Results, {user id: late seconds},
        [the pid killed])."""
        self.runs += 1
        self.load = os.getloadavg()[0]
        count = int(rate * (duration or self.opts.duration))
        if self.app == "bare":
            target = f"{self.backend}-{rate:g}-{self.runs}"
            read = lambda: seed_rush.bare_stored(target)  # noqa: E731
        else:
            target = seed_rush.open_case(f"高峰 {rate:g}/s #{self.runs}",
                                         due_at=due_at or datetime.now(UTC) + FAR)
            read = lambda: seed_rush.stored(target)  # noqa: E731
        calls = calls_for(self.app, self.server.port, self.learners[:count], target,
                          self.signed_in, self.opts.proxy_stamp)
        killed = []

        async def tick(elapsed, in_flight):
            """Kill a worker at `kill_at` once more requests are in flight than there are
            workers (so the killed one is most likely busy), at the latest a second later."""
            if kill_at is None or killed or elapsed < kill_at:
                return
            if in_flight > WORKERS or elapsed >= kill_at + 1:
                killed.append((self.server.kill_worker(), round(elapsed, 1), in_flight))
        results = await open_loop(calls, rate, self.opts.timeout, on_tick=tick)
        return results, await settled(read), killed


async def measure(bench, opts):
    """Every run of one backend and app; returns the table's rows."""
    rows = []
    await bench.run(10, duration=2)  # warm-up, not recorded
    for rate in opts.rate_list:
        results, stored, _ = await bench.run(rate)
        rows.append(rush_report.summarize(bench.backend, bench.app, rate, results, stored,
                                          load=bench.load))
        print("  " + rush_report.table(rows[-1:])[-1], flush=True)
    half = opts.duration / 2
    results, stored, killed = await bench.run(opts.kill_rate, kill_at=half)
    pid, at, in_flight = killed[0]
    rows.append(rush_report.summarize(bench.backend, bench.app, opts.kill_rate, results, stored,
                                      f"kill -9 of a worker (pid {pid}) at {at:g} s, "
                                      f"{in_flight} requests in flight", bench.load))
    print("  " + rush_report.table(rows[-1:])[-1], flush=True)
    if bench.app == "learnclub":
        due = datetime.now(UTC) + timedelta(seconds=half + 0.05)
        results, stored, _ = await bench.run(opts.burst_rate, due_at=due)
        late = rush_report.lateness(results, stored, due.timestamp())
        rows.append(rush_report.summarize(
            bench.backend, bench.app, opts.burst_rate, results, stored,
            f"due at ≈{half:g} s: of {late['sent_before_due']} sent before the due time, "
            f"{late['stored']} stored, **{late['stored_late']} stored as late** "
            f"(up to {late['max_late_s']} s)", bench.load))
        print("  " + rush_report.table(rows[-1:])[-1], flush=True)
    return rows


async def backend_rows(backend, opts, folder):
    url = seed_rush.new_database(backend, folder)
    try:
        seed_rush.upgrade(url, folder, opts.code)
        begin = time.perf_counter()
        learners = seed_rush.seed(url, opts.learners)
        print(f"{backend}: seeded {len(learners)} learners in "
              f"{time.perf_counter() - begin:.1f} s ({seed_rush.HASH_NOTE})", flush=True)
        rows = []
        for app in opts.apps.split(","):
            server = Server(app, url, folder, opts.code, opts.proxy_stamp)
            print(f"{backend}/{app}: `{' '.join(command(app, server.port))}`", flush=True)
            try:
                bench = Bench(backend, app, server, learners, opts)
                if app == "learnclub":
                    await bench.sign_in()
                rows += await measure(bench, opts)
            finally:
                server.stop()
            errors = server.errors_logged()
            LOG_NOTES.append(f"{backend}/{app}: the gunicorn log shows " + (", ".join(
                f"`{line}` ×{n}" for line, n in errors.most_common(4)) or "no errors") + ".")
        return rows
    finally:
        seed_rush.drop_database(url)


def notes(opts):
    return [
        "Arrivals are open-loop: request k leaves at k / rate s; half the learners post the "
        "web form (signed in beforehand through /login, CSRF token from the case page; "
        "acknowledged = the 302 to their homework), half PUT through the API with a write "
        "token (acknowledged = 201/200); the bare app answers 201 after one INSERT.",
        "achieved/s = acknowledged ÷ (first send → last acknowledgement); p50/p99 over every "
        f"request, a timeout counted at {opts.timeout:g} s; *reset* = connection closed "
        "without an answer (the killed worker's requests).",
        "acked but missing = acknowledged, yet not in the database after the run: must be 0.",
        "max send lag = how far behind schedule the load generator sent (it shares the CPUs "
        "with the server); load = the machine's 1-minute load average as the run started "
        "(other processes included). Before the first rate each app gets an unrecorded "
        "warm-up (2 s at 10/s) so that every worker has loaded its code.",
        f"Seeding: {seed_rush.HASH_NOTE}.",
        *LOG_NOTES,
    ]


def main(argv):
    opts = options(argv)
    folder = Path(tempfile.mkdtemp(prefix="learnclub-rush-"))
    rows = []
    try:
        for backend in opts.backends.split(","):
            rows += asyncio.run(backend_rows(backend, opts, folder))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    params = (f"{opts.learners} learners, rates {opts.rates}/s for {opts.duration:g} s each, "
              f"request timeout {opts.timeout:g} s, kill run at {opts.kill_rate:g}/s, "
              f"burst run at {opts.burst_rate:g}/s; "
              + ("X-Request-Start sent with the send time and LEARNCLUB_TRUST_PROXY=1; "
                 if opts.proxy_stamp else "no proxy header (README's settings); ")
              + "learnclub served from "
              f"{rush_report.code_under_test(opts.code)}")
    python = f"cd {opts.code} && PYTHONPATH={seed_rush.ROOT} {seed_rush.ROOT}/.venv/bin/python" \
        if opts.code else ".venv/bin/python"
    text = rush_report.section(rows, params, f"{python} -m bench.rush " + " ".join(argv),
                               notes(opts))
    print(text)
    if opts.write:
        rush_report.write_docs(text)
    return 1 if any(r.missing for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
