"""One scheduler, visibly alive: the scheduler lease (take, renew, expire, take over), each
job's heartbeat, /healthz and the admin page on them. The processes themselves (a standby
taking over from a killed leader, an unmigrated database, two upgrades at once) are in
tests/test_leader_processes.py."""
import re
from datetime import timedelta

import pytest

from learnclub import heartbeat, jobs, leader
from learnclub.leader import Leader, holds, release, take_or_renew
from tests.factories import make_user

LEASE = timedelta(seconds=45)


def test_the_first_scheduler_takes_the_lease_and_a_second_does_not(app, clock):
    taken = take_or_renew("a", now=clock.now(), lease=LEASE)
    refused = take_or_renew("b", now=clock.now(), lease=LEASE)

    assert (taken, refused) == (True, False)
    assert (holds("a", now=clock.now()), holds("b", now=clock.now())) == (True, False)


def test_the_holder_renews_its_lease_and_keeps_it_past_the_first_term(app, clock):
    take_or_renew("a", now=clock.now(), lease=LEASE)
    for _ in range(4):  # a minute in all: longer than one lease
        clock.advance(seconds=15)
        assert take_or_renew("a", now=clock.now(), lease=LEASE)
        assert not take_or_renew("b", now=clock.now(), lease=LEASE)

    clock.advance(seconds=44)

    assert holds("a", now=clock.now())
    assert not take_or_renew("b", now=clock.now(), lease=LEASE)


def test_a_lease_not_renewed_expires_and_a_standby_takes_it_over(app, clock):
    take_or_renew("a", now=clock.now(), lease=LEASE)
    clock.advance(seconds=44)
    too_early = take_or_renew("b", now=clock.now(), lease=LEASE)
    clock.advance(seconds=2)

    taken = take_or_renew("b", now=clock.now(), lease=LEASE)
    back = take_or_renew("a", now=clock.now(), lease=LEASE)  # the old holder wakes up

    assert (too_early, taken, back) == (False, True, False)
    assert (holds("a", now=clock.now()), holds("b", now=clock.now())) == (False, True)


def test_a_released_lease_passes_to_the_standby_at_its_next_try(app, clock):
    take_or_renew("a", now=clock.now(), lease=LEASE)
    release("b", now=clock.now())  # not b's to give: nothing happens
    assert not take_or_renew("b", now=clock.now(), lease=LEASE)

    release("a", now=clock.now())
    clock.advance(seconds=1)

    assert take_or_renew("b", now=clock.now(), lease=LEASE)


def test_leaders_beat_and_say_when_their_role_changes(app, clock):
    said = []
    a = Leader(holder="host:1:aaaaaa", say=said.append)
    b = Leader(holder="host:2:bbbbbb", say=said.append)
    followed = []
    a._listeners.append(lambda leading: followed.append(("a", leading)))
    b._listeners.append(lambda leading: followed.append(("b", leading)))

    beats = [a.beat(), b.beat()]
    clock.advance(seconds=15)
    beats += [a.beat(), b.beat()]  # renewed, still standing by: nothing said
    clock.advance(seconds=46)  # a is gone (no beat for longer than the lease)
    beats += [b.beat(), a.beat()]

    assert beats == [True, False, True, False, True, False]
    assert followed == [("a", True), ("b", False), ("b", True), ("a", False)]
    assert said == [
        "Leading the scheduler as host:1:aaaaaa.",
        "Standing by as host:2:bbbbbb: another scheduler holds the lease; taking over once "
        "it has been silent for 45 s.",
        "Leading the scheduler as host:2:bbbbbb.",
        "Standing by as host:1:aaaaaa: another scheduler holds the lease; taking over once "
        "it has been silent for 45 s."]


def test_a_job_does_not_start_in_a_process_whose_lease_has_gone(app, clock):
    settings = dict(app.config)
    a, b = Leader(holder="a", say=lambda _: None), Leader(holder="b", say=lambda _: None)
    a.beat()
    jobs._run_scheduled(settings, "send_outbox", a)
    clock.advance(seconds=46)
    b.beat()  # a has not beaten since: it still thinks it leads

    jobs._run_scheduled(settings, "send_outbox", a)
    jobs._run_scheduled(settings, "send_outbox", b)

    run = heartbeat.runs()["send_outbox"]
    assert (a.leading, a.holds(), b.holds()) == (True, False, True)
    assert (run.runs, run.last_runner) == (2, heartbeat.identity())


def test_every_run_leaves_its_heartbeat_and_an_error_stays_visible(app, clock, monkeypatch):
    settings = dict(app.config)
    outcomes = iter([RuntimeError("robot down"), None])

    def flaky(settings, *, now):
        clock.travel_to(clock.now() + timedelta(seconds=2), frozen=True)
        error = next(outcomes)
        if error:
            raise error
        return "ok"

    monkeypatch.setitem(jobs.JOBS, "flaky", (flaky, 60))
    first = clock.travel_to(clock.now(), frozen=True)
    with pytest.raises(RuntimeError):
        jobs.run_job(settings, "flaky", now=first)
    failed = heartbeat.runs()["flaky"]
    second = clock.travel_to(clock.now() + timedelta(minutes=1), frozen=True)
    result = jobs.run_job(settings, "flaky", now=second)
    ok = heartbeat.runs()["flaky"]

    assert (failed.runs, failed.last_started_at, failed.last_succeeded_at) == (1, first, None)
    assert failed.last_error == "RuntimeError: robot down"
    assert failed.last_error_at == first + timedelta(seconds=2)
    assert failed.last_duration_ms >= 0
    assert heartbeat.is_failing(failed)
    assert result == "ok"
    assert (ok.runs, ok.last_started_at, ok.last_error) == (2, second, "RuntimeError: robot down")
    assert ok.last_succeeded_at == second + timedelta(seconds=2)
    assert not heartbeat.is_failing(ok)


def test_a_new_leader_runs_each_job_when_it_is_next_due_by_its_last_run(app, clock):
    settings = dict(app.config)
    jobs.run_job(settings, "sync_content", now=clock.now())  # every 60 s
    ran = clock.now()
    clock.travel_to(ran - timedelta(minutes=10))
    jobs.run_job(settings, "send_outbox", now=clock.now())  # every 30 s: long overdue
    clock.travel_to(ran + timedelta(seconds=20), frozen=True)
    now = clock.now()

    due = heartbeat.due_times({"sync_content": 60, "send_outbox": 30, "send_posts": 15},
                              now=now)
    ahead = heartbeat.due_times({"sync_content": 60}, now=now - timedelta(hours=1))

    started = heartbeat.runs()["sync_content"].last_started_at
    assert due == {"sync_content": started + timedelta(seconds=60), "send_outbox": now,
                   "send_posts": now}
    # a last start "in the future" (a clock that ran fast) puts it one interval ahead at most
    assert ahead == {"sync_content": now - timedelta(hours=1) + timedelta(seconds=60)}


def test_healthz_is_ok_before_any_scheduler_ran(client):
    body = client.get("/healthz")

    assert body.status_code == 200
    assert body.get_json()["scheduler"] == {"leader": None, "heartbeat_at": None,
                                            "silent": False, "jobs": {}}


def test_healthz_reports_the_leader_and_each_job_then_503_once_it_is_silent(
        app, client, clock, monkeypatch):
    def broken(settings, *, now):
        raise RuntimeError("smtp://secret@mail.example.org refused")

    monkeypatch.setitem(jobs.JOBS, "broken", (broken, 60))
    a = Leader(holder="host:1:aaaaaa", say=lambda _: None)
    beat_at = clock.travel_to(clock.now(), frozen=True)
    a.beat()
    clock.advance(seconds=1)
    jobs.run_job(dict(app.config), "send_outbox", now=clock.now())
    with pytest.raises(RuntimeError):
        jobs.run_job(dict(app.config), "broken", now=clock.now())
    alive = client.get("/healthz")
    clock.advance(minutes=4, seconds=50)
    still = client.get("/healthz")  # the lease ran out, the heartbeat is not 5 minutes old yet
    clock.advance(seconds=20)

    silent = client.get("/healthz")

    body = alive.get_json()
    assert (alive.status_code, body["status"], body["scheduler"]["leader"]) == (
        200, "ok", "host:1:aaaaaa")
    assert body["scheduler"]["heartbeat_at"] == beat_at.isoformat()
    assert body["scheduler"]["jobs"]["send_outbox"]["failing"] is False
    assert body["scheduler"]["jobs"]["broken"]["failing"] is True
    assert "secret" not in alive.get_data(as_text=True)  # error texts are for the admin page
    assert (still.status_code, still.get_json()["scheduler"]["leader"]) == (200, None)
    assert (silent.status_code, silent.get_json()["status"]) == (503, "error")
    assert silent.get_json()["scheduler"]["silent"] is True


def test_healthz_stays_ok_while_a_standby_takes_over_in_time(app, client, clock):
    Leader(holder="a", say=lambda _: None).beat()
    b = Leader(holder="b", say=lambda _: None)
    for _ in range(30):  # ten minutes: a died at once, b beats every 20 s
        clock.advance(seconds=20)
        b.beat()
        assert client.get("/healthz").status_code == 200

    assert client.get("/healthz").get_json()["scheduler"]["leader"] == "b"


def test_admin_page_shows_each_jobs_last_run_and_error(app, client, login_as, clock,
                                                       monkeypatch):
    def broken(settings, *, now):
        raise RuntimeError("robot down")

    monkeypatch.setitem(jobs.JOBS, "broken", (broken, 60))
    Leader(holder="host:1:aaaaaa", say=lambda _: None).beat()
    jobs.run_job(dict(app.config), "send_outbox", now=clock.now())
    with pytest.raises(RuntimeError):
        jobs.run_job(dict(app.config), "broken", now=clock.now())
    login_as(make_user(is_admin=True))

    html = client.get("/admin/jobs").get_data(as_text=True)

    rows = dict(re.findall(r"<code>(\w+)</code></th>(.*?)</tr>", html, re.S))
    assert "The scheduler host:1:aaaaaa holds the lease" in html
    assert list(rows) == list(jobs.JOBS)  # every job, those never run included
    assert "never run" in rows["sync_content"]
    assert "never run" not in rows["send_outbox"]
    assert "failed" not in rows["send_outbox"]
    assert "last run failed" in rows["broken"]
    assert "RuntimeError: robot down" in rows["broken"]


def test_admin_jobs_page_is_for_admins_only(client, login_as):
    login_as(make_user())

    assert client.get("/admin/jobs").status_code == 403


def test_status_with_no_scheduler_ever_is_not_silent(app, clock):
    report = leader.status(now=clock.now(), intervals={"send_outbox": 30})

    assert (report.leader, report.last_holder, report.silent) == (None, "", False)
    assert [(j.name, j.interval, j.run, j.failing) for j in report.jobs] == [
        ("send_outbox", 30, None, False)]
