"""Acceptance point 8: six weeks of a cohort of 40 learners, lived through the scheduler.

The host writes eleven cases as Markdown files in content/lab/, each with its publish_at
(20:00 in Shanghai, 3 to 5 days apart). `learnclub jobs run-due` runs every 6 hours (04:00,
10:00, 16:00 and 22:00 UTC, so runs fall 20 h and 2 h before every due time, 4 h after every
grace end), importing the files, announcing each case, reminding, sweeping and sending: 177
runs from two days before the first case to the sweep after the last one.

Every test starts at an instant the clock fixture chooses; the six weeks begin two days
after it. The clock then moves through them: at each instant something happens, the test puts
the app's clock there (`clock.travel_to`) and it happens as it would in life:
- what people do goes through the web client at that instant: every homework, the leave
  requests (by case, by day) and the host approving them, the host readmitting the removed
  learner;
- the scheduler's work is `learnclub jobs run-due` through the CLI runner, which reads the
  same clock. Time stands still at each instant, so what it stamps is exact.

The cast (strike limit 1, the cohort's defaults otherwise):
- 28 punctual learners write 2 to 46 hours after each case goes out (no reminder reaches them);
- 4 write at the last minute, 5 hours before due (they get the 24 h reminder only);
- 4 write late, 6 hours into the grace (both reminders, late points);
- one misses case 5 and is asked to leave; the host readmits them (misses reset) the day after
  case 6 went out: nothing is expected of them for case 6, they write from case 7 on;
- three take leave: one for case 3, one for the day case 7 is due, one for the last case.
  An approved leave means no reminder and no miss.
"""
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from learnclub.models import (
    Case,
    Excuse,
    LeaveRequest,
    Membership,
    MembershipEvent,
    Miss,
    OutboxMessage,
    PointEvent,
)
from tests.factories import PASSWORD, make_cohort, make_user

SHANGHAI = ZoneInfo("Asia/Shanghai")
GAPS = (4, 3, 5, 4, 4, 3, 5, 3, 4, 4)  #: days between the eleven cases
TITLES = ("小区生鲜团购", "付费读书会", "宝妈社群", "校友会", "跑步打卡群", "私域茶叶",
          "知识星球", "城市骑行", "二手书交换", "线下读书会", "社群年会")
STEP = timedelta(hours=6)
DUE, GRACE = timedelta(hours=72), timedelta(hours=12)

PUNCTUAL, LAST_MINUTE, LATE = range(0, 28), range(28, 32), range(32, 36)
MISSER, MISSED = 36, 4  #: learner 36 misses case index 4 (the fifth case)
LEAVE = {37: 2, 38: 6, 39: 10}  #: learner -> the case index they are excused from
LEAVE_BY_CASE, LEAVE_BY_DAY, LEAVE_ON_WEB = 37, 38, 39


@dataclass(frozen=True)
class Timeline:
    publish: tuple  #: when each case goes out: 12:00 UTC, 20:00 in Shanghai

    @classmethod
    def starting_after(cls, instant):
        """The first case goes out at 12:00 UTC two days after `instant`, the others at the
        GAPS after it."""
        publish = [datetime.combine(instant.date() + timedelta(days=2), time(12), tzinfo=UTC)]
        for gap in GAPS:
            publish.append(publish[-1] + timedelta(days=gap))
        return cls(tuple(publish))

    def due(self, k):
        return self.publish[k] + DUE  # gaps are 3 days or more: never capped by the next case

    @property
    def readmitted_at(self):
        return self.publish[MISSED + 1] + timedelta(hours=25)

    def runs(self):
        """Every 6 hours from 04:00 UTC two days before the first case to 4 h after the
        last grace ends."""
        at, end = self.publish[0] - timedelta(hours=32), self.publish[-1] + DUE + GRACE
        while at <= end + timedelta(hours=4):
            yield at
            at += STEP


def written_at(tl, i, k):
    """When learner i writes case k, or None."""
    if LEAVE.get(i) == k or (i == MISSER and k in (MISSED, MISSED + 1)):
        return None
    if i in LAST_MINUTE:
        return tl.due(k) - timedelta(hours=5)
    if i in LATE:
        return tl.due(k) + timedelta(hours=6)
    return tl.publish[k] + timedelta(hours=2 + (7 * i + 5 * k) % 45, minutes=30)


def expected_points(tl, i):
    return sum(5 if at > tl.due(k) else 10
               for k in range(len(TITLES)) if (at := written_at(tl, i, k)) is not None)


# The world ----------------------------------------------------------------------------------

def write_case_files(folder, tl):
    folder.mkdir(parents=True)
    for k, title in enumerate(TITLES):
        local = tl.publish[k].astimezone(SHANGHAI)
        (folder / f"{k + 1:02d}.md").write_text(
            f"---\ntitle: {title}\npublish_at: {local:%Y-%m-%d %H:%M}\n"
            f"homework: 如果你来做{title}，第一周做哪三件事？\n---\n## 案例\n正文\n",
            encoding="utf-8")


@pytest.fixture
def world(app, clock):
    """The cohort "lab", its host, 40 learners admitted before the first case, and the files."""
    tl = Timeline.starting_after(clock.now())
    host = make_user(can_host=True, locale="en", display_name="群主", email="host@example.org")
    cohort = make_cohort(host=host, slug="lab")
    learners = [make_user(display_name=f"学员{i:02d}", email=f"learner{i:02d}@example.org",
                          locale=("en", "zh_Hans_CN")[i % 2]) for i in range(40)]
    start = tl.publish[0] - timedelta(days=3)
    for user in learners:
        Membership.create(cohort=cohort, user=user, role="learner", joined_at=start)
    write_case_files(app.config["CONTENT_DIR"] / "lab", tl)
    return tl, cohort, host, learners


def browser(app, user):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    # "keep me signed in": an unused session ends after a week (credentials.IDLE), and some
    # learners go longer than that between two pieces of homework in these six weeks
    response = client.post("/login", data={"email": user.email, "password": PASSWORD,
                                            "remember": "y"})
    assert response.status_code == 302
    return client


# Living the six weeks -----------------------------------------------------------------------

def web_actions(tl, cases, host, learners, clients):
    """(instant, what a person does on the web then), in time order; each returns a response."""
    actions = []
    for i, user in enumerate(learners):
        for k, case in enumerate(cases):
            if (at := written_at(tl, i, k)) is not None:
                actions.append((at, lambda c=case, u=user: clients[u.id].post(
                    f"/c/lab/cases/{c.id}/homework",
                    data={"body_md": f"{u.display_name}的作业：先建群，再定规则。"})))

    def approve(user):
        request = LeaveRequest.get(LeaveRequest.user == user)
        return clients[host.id].post(f"/c/lab/leave/{request.id}/approve")

    by_case, by_day = LEAVE[LEAVE_BY_CASE], LEAVE[LEAVE_BY_DAY]
    day = tl.due(by_day).astimezone(SHANGHAI).date().isoformat()  # the local day it is due
    for i, asked_at, path, form in (
            (LEAVE_BY_CASE, tl.publish[by_case] + timedelta(hours=10, minutes=30),
             f"/c/lab/cases/{cases[by_case].id}/leave", {}),
            # asked while the case before it is out, for the day the case is due
            (LEAVE_BY_DAY, tl.publish[by_day - 1] + timedelta(hours=1, minutes=30),
             "/c/lab/leave", {"starts_on": day, "ends_on": day}),
            (LEAVE_ON_WEB, tl.publish[LEAVE[LEAVE_ON_WEB]] + timedelta(hours=3),
             f"/c/lab/cases/{cases[LEAVE[LEAVE_ON_WEB]].id}/leave", {})):
        form = {"reason": "出差", **form}
        actions.append((asked_at, lambda u=learners[i], p=path, f=form: clients[u.id].post(
            p, data=f)))
        actions.append((asked_at + timedelta(hours=2), lambda u=learners[i]: approve(u)))
    misser = learners[MISSER]
    actions.append((tl.readmitted_at, lambda: clients[host.id].post(
        f"/c/lab/members/{misser.id}/readmit",
        data={"reason": "家里有事，已经沟通过", "reset_misses": "y"})))
    return sorted(actions, key=lambda a: a[0])


def run_due(runner):
    result = runner.invoke(args=["jobs", "run-due"])  # at the clock's instant
    return result.exit_code, result.exception


@pytest.fixture
def lived(app, runner, world, clock):
    """Live the six weeks; returns the world, the runs' outcomes and the web's answers."""
    tl, cohort, host, learners = world
    first, *later = tl.runs()
    clock.travel_to(first, frozen=True)
    outcomes = [run_due(runner)]  # imports the case files: the actions need the cases
    cases = list(Case.select().order_by(Case.publish_at))
    clients = {u.id: browser(app, u) for u in [host, *learners]}
    actions, answers = web_actions(tl, cases, host, learners, clients), Counter()
    for at in later:
        while actions and actions[0][0] <= at:
            when, act = actions.pop(0)
            clock.travel_to(when, frozen=True)
            answers[act().status_code] += 1
        clock.travel_to(at, frozen=True)
        outcomes.append(run_due(runner))
    assert actions == []
    return world, outcomes, answers


# What six weeks leave behind ----------------------------------------------------------------

def outbox_by_kind():
    """{kind: {(case title or None, hours or None, user id)}} from the outbox keys."""
    titles = {c.id: c.title for c in Case.select()}
    kinds = {}
    for m in OutboxMessage.select():
        parts = m.key.split(":")
        if parts[0] == "case":  # case:<id>:announce:member:<id>, case:<id>:reminder:24h:…
            hours = int(parts[3][:-1]) if parts[2] == "reminder" else None
            kinds.setdefault(parts[2], set()).add((titles[int(parts[1])], hours, m.user_id))
        else:  # removal:membership:<id>:<when>, cohort:<id>:queue-dry|removals:…
            kind = parts[2] if parts[0] == "cohort" else parts[0]
            kinds.setdefault(kind, set()).add((None, None, m.user_id))
    return kinds


def expected_reminders(tl, learners):
    """Who had neither written nor been excused when each reminder run came (20 h and 2 h
    before due), among those expected to write: not the readmitted learner on the case that
    went out while they were away."""
    expected = set()
    for k, title in enumerate(TITLES):
        for hours, before in ((24, timedelta(hours=20)), (2, timedelta(hours=2))):
            for i, user in enumerate(learners):
                at = written_at(tl, i, k)
                if LEAVE.get(i) == k or (i == MISSER and k == MISSED + 1):
                    continue
                if at is None or at > tl.due(k) - before:
                    expected.add((title, hours, user.id))
    return expected


def points_by_learner():
    totals = Counter()
    for event in PointEvent.select():
        totals[event.user_id] += event.points
    return totals


def test_six_weeks_driven_by_run_due_leave_the_right_traces(lived):
    (tl, cohort, host, learners), outcomes, answers = lived
    misser, removed_at = learners[MISSER], tl.publish[MISSED] + DUE + GRACE + timedelta(hours=4)

    # every run and every web step went through
    assert outcomes == [(0, None)] * 177
    written = sum(written_at(tl, i, k) is not None for i in range(40) for k in range(11))
    assert answers == Counter({302: written + 3 * 2 + 1})  # homework, leave + approval, readmit
    assert [(c.title, c.publish_at, c.announced_at) for c in Case.select().order_by(
        Case.publish_at)] == [(title, at, at + timedelta(hours=4))
                              for title, at in zip(TITLES, tl.publish, strict=True)]

    # everyone is in; the one miss was recorded once and reset at readmission
    assert Counter(m.status for m in Membership.select().where(
        (Membership.cohort == cohort) & (Membership.role == "learner"))) == Counter(active=40)
    assert [(m.case.title, m.user_id, m.created_at, m.void_reason) for m in Miss.select()] == [
        (TITLES[MISSED], misser.id, removed_at, "readmitted")]
    assert [(e.user_id, e.action, e.actor_id, e.reason, e.at) for e in MembershipEvent.select()
            .where(MembershipEvent.action != "created_cohort").order_by(MembershipEvent.id)] == [
        (misser.id, "removed", None, f"strikes: {TITLES[MISSED]}", removed_at),
        (misser.id, "readmitted", host.id, "家里有事，已经沟通过", tl.readmitted_at)]

    # leave: three approved requests, each excusing exactly its case
    assert Counter(r.status for r in LeaveRequest.select()) == Counter(approved=3)
    assert sorted((e.case.title, e.user_id) for e in Excuse.select()) == sorted(
        (TITLES[k], learners[i].id) for i, k in LEAVE.items())

    # points: 10 on time, 5 late
    assert points_by_learner() == Counter({u.id: expected_points(tl, i)
                                           for i, u in enumerate(learners)})
    assert [expected_points(tl, i) for i in (PUNCTUAL[0], LAST_MINUTE[0], LATE[0], MISSER,
                                             37)] == [110, 110, 55, 90, 100]

    # mail: each case announced to every active member, reminders only to those still to
    # write, one removal notice and the host's summary of it, one warning that the queue
    # runs dry, nothing twice
    sent = outbox_by_kind()
    assert sorted(sent) == ["announce", "queue-dry", "reminder", "removal", "removals"]
    assert sent["announce"] == {(title, None, u.id) for k, title in enumerate(TITLES)
                                for u in [host, *learners] if (k, u) != (MISSED + 1, misser)}
    assert sent["reminder"] == expected_reminders(tl, learners)
    assert Counter(i for i, u in enumerate(learners) for _title, _hours, uid in
                   sent["reminder"] if uid == u.id) == Counter(
        {**{i: 11 for i in LAST_MINUTE}, **{i: 22 for i in LATE}, MISSER: 2})
    assert sent["removal"] == {(None, None, misser.id)}
    assert sent["queue-dry"] == {(None, None, host.id)}
    assert sent["removals"] == {(None, None, host.id)}
    rows = list(OutboxMessage.select())
    assert len(rows) == sum(len(v) for v in sent.values()) == 450 + 11 * 4 + 22 * 4 + 2 + 3
    assert max(Counter((m.to_addr, m.subject) for m in rows).values()) == 1
    assert [m.key for m in rows if m.sent_at is None] == []
