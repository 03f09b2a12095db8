"""The rush benchmark's figures: one row per run (rate, backend, app, achieved rate, latency,
acknowledged, errors by status, acknowledged-but-missing), the table, and its section of
docs/benchmarks.md (between `<!-- bench:rush -->` and `<!-- /bench:rush -->`)."""
import os
import platform
import statistics
import subprocess
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime

from bench.seed_rush import ROOT

START, END = "<!-- bench:rush -->", "<!-- /bench:rush -->"


@dataclass
class Row:
    backend: str
    app: str
    rate: float
    sent: int
    achieved: float
    p50: float
    p99: float
    acked: int
    errors: Counter
    missing: int  #: acknowledged, yet not in the database afterwards
    unacked_stored: int  #: in the database, though the client saw no acknowledgement
    max_lag: float  #: how late the load generator sent its latest request (seconds)
    note: str = ""
    load: float = 0.0  #: the machine's 1-minute load average when the run started


def _percentile(values, share):
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def summarize(backend, app, rate, results, stored, note="", load=0.0):
    """A Row from the run's Results and {user id: late seconds} stored afterwards."""
    acked = [r for r in results if r.acknowledged]
    first = min((r.sent_at for r in results), default=0.0)
    last = max((r.sent_at + r.latency for r in acked), default=first)
    latencies = [r.latency * 1000 for r in results]
    acked_ids = {r.user_id for r in acked}
    return Row(backend, app, rate, len(results),
               len(acked) / (last - first) if last > first else 0.0,
               statistics.median(latencies) if latencies else 0.0,
               _percentile(latencies, 0.99), len(acked),
               Counter(r.status for r in results if not r.acknowledged),
               len(acked_ids - stored.keys()), len(stored.keys() - acked_ids),
               max((r.lag for r in results), default=0.0), note, load)


def lateness(results, stored, due):
    """For a run whose due time falls inside it: of the requests sent before the due time,
    how many were stored, and how many of those were stored as late."""
    before = [r for r in results if r.sent_at < due]
    kept = [r for r in before if r.user_id in stored]
    late = [r for r in kept if stored[r.user_id] > 0]
    return {"sent_before_due": len(before), "stored": len(kept), "stored_late": len(late),
            "max_late_s": max((stored[r.user_id] for r in late), default=0)}


def _errors(counter):
    return ", ".join(f"{status}×{n}" for status, n in counter.most_common()) or "none"


HEADER = ["| backend | app | rate/s | sent | achieved/s | p50 ms | p99 ms | acknowledged "
          "| errors (status×count) | acked but missing | stored, not acked | max send lag s "
          "| load | note |", "|---|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---|"]


def table(rows):
    lines = list(HEADER)
    for r in rows:
        lines.append(f"| {r.backend} | {r.app} | {r.rate:g} | {r.sent} | {r.achieved:.1f} | "
                     f"{r.p50:.0f} | {r.p99:.0f} | {r.acked} | {_errors(r.errors)} | "
                     f"{r.missing} | {r.unacked_stored} | {r.max_lag:.2f} | {r.load:.1f} | "
                     f"{r.note} |")
    return lines


def _git(*args):
    done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
    return done.stdout.strip()


def code_under_test(code):
    """Which learnclub was measured: a given source tree, or the repository's commit and how
    many files of the app differ from it (others may be editing the working tree)."""
    if code is not None:
        return f"the source tree {code}"
    changed = _git("diff", "--name-only", "HEAD", "--", "learnclub", "migrations", "wsgi.py")
    added = _git("ls-files", "--others", "--exclude-standard", "--", "learnclub", "migrations")
    files = len([f for f in (changed + "\n" + added).splitlines() if f.strip()])
    return (f"the working tree at commit {_git('rev-parse', '--short', 'HEAD')}"
            + (f" with {files} changed or new files under learnclub/ and migrations/"
               if files else ""))


def machine():
    return (f"{platform.machine()}, {os.cpu_count()} CPUs (nproc), Python "
            f"{platform.python_version()}, {platform.system()} {platform.release()}")


def section(rows, params, command, notes):
    """The Markdown of the docs section."""
    return "\n".join([
        START, "## Deadline rush", "",
        "Rerun with `make bench-rush` (10,000 learners, 25/50/100/170 arrivals/s for 20 s "
        "each, both backends; `RUSH_ARGS=\"--learners 2000 --duration 10\"` for a shorter "
        "run, `--quick` for a smoke run, `--code DIR` to serve another source tree). It starts "
        "gunicorn exactly as README's Production section does and replaces this section.", "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine()}; the load generator "
        "runs on the same machine as gunicorn and the database.", "",
        f"Command: `{command}`", "", f"Parameters: {params}.", "",
        *table(rows), "", *[f"- {note}" for note in notes], END])


def write_docs(text):
    target = ROOT / "docs" / "benchmarks.md"
    current = target.read_text() if target.exists() else "# Benchmarks\n"
    if START in current and END in current:
        head, rest = current.split(START, 1)
        current = head + text + rest.split(END, 1)[1]
    else:
        current = current.rstrip() + "\n\n" + text + "\n"
    target.write_text(current)
