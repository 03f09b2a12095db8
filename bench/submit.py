"""What ONE homework submission costs, in-process (no server, no network): a cohort with 60
cases (realistic bodies) and 500 learners with write tokens in a temporary SQLite file, then
N API PUTs (/api/v1/cohorts/<slug>/cases/<id>/homework/mine) and N web-form POSTs
(/c/<slug>/cases/<id>/homework, CSRF on: the token taken from the case page once per
learner's session) through Flask's test client, each a first submission. Beside them, a bare
Flask + peewee app inserting one row per request, in the same process and run.

    .venv/bin/python -m bench.submit [N]

Prints, per kind: median / p10 / p90 wall ms, CPU ms (time.process_time) and SQL statements
per request. Signing in and reading the form are not timed. The statements are counted on
one more request of each kind, not timed, through peewee's DEBUG log; the timed requests
run with that log off, as in production (a log record costs about 30 µs a statement, so
counting while timing charged learnclub's 10 statements ten times what it charged the bare
insert's one: 0.3 ms of the web form's 5).
BENCH_SHOW_SQL=1 also prints the statements of the last request of each kind.
"""
import logging
import os
import re
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench import bare_app
from bench.seed_rush import PASSWORD, SLUG, new_database, seed, server_env, upgrade

CASES = 60
LEARNERS = 500
_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


class _Counter(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.count, self.last = 0, []

    def emit(self, record):
        if not isinstance(record.msg, tuple):  # (sql, params); not the pool's notes
            return
        self.count += 1
        if os.environ.get("BENCH_SHOW_SQL"):
            self.last.append(record.getMessage()[:200])


def _body(i):
    """A case text of a few kilobytes, as hosts write them."""
    para = ("这个案例讲的是一个团队在截止日前如何安排工作:先列出要交付的东西,再估计每件事要多久,"
            "最后留出检查的时间。Read the numbers carefully and think about what you would "
            "change first. ")
    return f"# 案例 {i}\n\n" + "\n\n".join(f"## 第 {k} 节\n\n{para * 6}" for k in range(8))


def _cases(now):
    """60 cases: 57 out (every two days, the last an hour ago), 3 queued; the two newest out
    are open for homework for two more days. Returns (api case id, web case id)."""
    from learnclub.db import connection
    from learnclub.models import Case, Cohort
    with connection():
        cohort = Cohort.get(Cohort.slug == SLUG)
        rows = []
        for i in range(CASES):
            out = i < CASES - 3
            publish = now - timedelta(days=2 * (CASES - 4 - i), hours=1) if out else \
                now + timedelta(days=2 * (i - CASES + 4))
            rows.append({"cohort": cohort, "title": f"案例 {i}", "body_md": _body(i),
                         "homework_prompt": "你会怎么做?", "publish_at": publish,
                         "publish_fixed": True, "queue_position": i,
                         "due_at_fixed": now + timedelta(days=2) if i in (55, 56) else None,
                         "created_at": now - timedelta(days=200), "updated_at": now})
        Case.insert_many(rows).execute()
        ids = [c.id for c in Case.select(Case.id).where(Case.cohort == cohort)
               .order_by(Case.queue_position)]
    return ids[55], ids[56]


def _show(counter):
    """BENCH_SHOW_SQL=1: print the statements of the last request."""
    if counter.last:
        print(*counter.last, sep="\n")


def _stats(samples):
    ordered = sorted(samples)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return statistics.median(ordered), pick(0.10), pick(0.90)


def _timed(counter, send, *args, **kwargs):
    """(wall ms, CPU ms, response) of one request, peewee's log off."""
    wall, cpu = time.perf_counter(), time.process_time()
    response = send(*args, **kwargs)
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000, response


def _counted(counter, send, *args, **kwargs):
    """(statements, response) of one request, untimed, peewee's DEBUG log on."""
    counter.count, counter.last = 0, []
    logging.getLogger("peewee").setLevel(logging.DEBUG)
    try:
        response = send(*args, **kwargs)
    finally:
        logging.getLogger("peewee").setLevel(logging.WARNING)
    _show(counter)
    return counter.count, response


def _each(counter, learners, n, request):
    """`request(learner, measure)` for n + 1 learners: the first counted, the others timed;
    returns ([(wall ms, CPU ms)], statements)."""
    statements, response = request(learners[0], lambda *a, **k: _counted(counter, *a, **k))
    rows = []
    for learner in learners[1:n + 1]:
        wall, cpu, response = request(learner, lambda *a, **k: _timed(counter, *a, **k))
        rows.append((wall, cpu))
    return rows, statements


def _run_api(app, learners, case_id, counter, n):
    client = app.test_client()
    url = f"/api/v1/cohorts/{SLUG}/cases/{case_id}/homework/mine"

    def put(learner, measure):
        body = {"body": f"我的作业 {learner.id}:先列清单,再排优先级,最后留出检查时间。" * 3}
        *measured, response = measure(client.put, url, json=body,
                                      headers={"Authorization": f"Bearer {learner.token}"})
        assert response.status_code == 201, response.get_data(as_text=True)
        return (*measured, response)
    return _each(counter, learners, n, put)


def _run_web(app, learners, case_id, counter, n):
    page, url = f"/c/{SLUG}/cases/{case_id}", f"/c/{SLUG}/cases/{case_id}/homework"

    def post(learner, measure):
        client = app.test_client()
        login = client.get("/login").get_data(as_text=True)
        client.post("/login", data={"email": learner.email, "password": PASSWORD,
                                    "csrf_token": _CSRF.search(login).group(1)})
        token = _CSRF.search(client.get(page).get_data(as_text=True)).group(1)
        data = {"body_md": f"网页作业 {learner.id}:先列清单,再排优先级,最后留出检查时间。" * 3,
                "csrf_token": token}
        *measured, response = measure(client.post, url, data=data)
        assert response.headers.get("Location", "").endswith("#my-homework"), response.status
        return (*measured, response)
    return _each(counter, learners, n, post)


def _run_bare(url, counter, n):
    client = bare_app.create_app(url).test_client()

    def insert(i, measure):
        *measured, response = measure(client.post, "/rows", data={
            "run": "submit", "user": str(i), "body": "一行作业" * 30})
        assert response.status_code == 201
        return (*measured, response)
    return _each(counter, list(range(n + 1)), n, insert)


def _line(name, measured):
    rows, statements = measured
    wall = _stats([r[0] for r in rows])
    cpu = statistics.median(r[1] for r in rows)
    return (f"| {name} | {len(rows)} | {wall[0]:.1f} | {wall[1]:.1f} | {wall[2]:.1f} "
            f"| {cpu:.1f} | {statements} |")


def main(n=300):
    with tempfile.TemporaryDirectory(prefix="bench-submit-") as tmp:
        folder = Path(tmp)
        url = new_database("sqlite", folder)
        upgrade(url, folder)
        os.environ.update(server_env(url, folder))
        learners = seed(url, LEARNERS)
        api_case, web_case = _cases(datetime.now(UTC))
        from learnclub import create_app
        from learnclub.config import Config
        app = create_app(Config())
        counter = _Counter()
        peewee_log = logging.getLogger("peewee")
        peewee_log.setLevel(logging.WARNING)  # on only while counting (_counted)
        peewee_log.propagate = False
        peewee_log.addHandler(counter)
        logging.getLogger("learnclub").setLevel(logging.WARNING)
        api = _run_api(app, learners, api_case, counter, n)
        web = _run_web(app, learners, web_case, counter, n)
        bare = _run_bare(url, counter, n)
    print("| request | n | median ms | p10 ms | p90 ms | CPU ms (median) | SQL statements |")
    print("|---|---|---|---|---|---|---|")
    for name, measured in (("API PUT", api), ("web form POST", web),
                           ("bare Flask+peewee insert", bare)):
        print(_line(name, measured))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300)
