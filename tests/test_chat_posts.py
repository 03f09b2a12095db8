"""What the scheduler posts into chat groups, phase by phase: each event once, only to the
robots that picked it, only at its moment or within its window (a robot added later gets no
old news), and delivered by the same run to a real HTTP endpoint."""
import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from learnclub import jobs
from learnclub.domain.homework.submission import submit_homework
from learnclub.domain.reach import chat_hooks
from learnclub.domain.reach.chat_hooks import EVENTS
from learnclub.domain.reach.chat_posts import guest_phase
from learnclub.domain.sharing.archive import publish_transcript
from learnclub.domain.sharing.talks import accept_talk, confirm_talk, generate_slots, propose_talk
from learnclub.models import OutboxMessage, ShareSlot
from tests import timeline
from tests.factories import make_case, make_cohort, make_member, make_user

ARRANGED = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
#: the case: out 2026-12-03 20:00 Shanghai, due 72 h later, grace 12 h, reminders 24 h and 2 h
PUBLISH = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
DUE = PUBLISH + timedelta(hours=72)
BEFORE_PUBLISH = PUBLISH - timedelta(minutes=1)
AFTER_PUBLISH = PUBLISH + timedelta(minutes=1)
BEFORE_DUE_SOON = DUE - timedelta(hours=24, minutes=1)
IN_DUE_SOON = DUE - timedelta(hours=24) + timedelta(minutes=1)
AFTER_GRACE = DUE + timedelta(hours=12, minutes=1)
#: the talk: Sunday 2026-12-13 20:00 Shanghai
START = datetime(2026, 12, 13, 12, 0, tzinfo=UTC)
BEFORE_EVE = START - timedelta(hours=24, minutes=1)
EVE = START - timedelta(hours=23)  # Saturday 21:00 local
NIGHT = datetime(2026, 12, 12, 19, 0, tzinfo=UTC)  # Sunday 03:00 local: between the two
DAY = datetime(2026, 12, 13, 1, 30, tzinfo=UTC)  # Sunday 09:30 local
AFTER_START = START + timedelta(hours=2)


@pytest.fixture(params=["zh_Hans_CN", "en"])
def lab(request, app, receiver):
    """A cohort with three robots: one for everything, one for nothing, one for the archive."""
    cohort = make_cohort(host=make_user(can_host=True), slug="lab", language=request.param)
    hooks = {name: chat_hooks.add_hook(cohort, actor=cohort.created_by, kind=kind, label=name,
                                       url=receiver.url(f"/{name}"), secret="", events=events,
                                       now=ARRANGED, allow_private=True)
             for name, kind, events in (("all", "generic", list(EVENTS)), ("none", "wecom", []),
                                        ("archive", "dingtalk", ["archive_entry"]))}
    writer = make_member(cohort, make_user(display_name="认真同学"))
    slacker = make_member(cohort, make_user(display_name="王小懒", group_nickname="小懒"))
    case = make_case(cohort, publish_at=PUBLISH, title="小区生鲜团购")
    return {"cohort": cohort, "hooks": hooks, "case": case, "writer": writer,
            "slacker": slacker, "receiver": receiver}


@pytest.fixture
def settings(app):
    return dict(app.config, MAIL_URL="", CHAT_ALLOW_PRIVATE=True)  # robots on loopback


def run(settings, *instants):
    for now in instants:
        jobs.run_due(settings, now=now)


def post_keys(*events):
    """Keys of the queued posts (of these events only, if given)."""
    posts = OutboxMessage.select().where(OutboxMessage.hook.is_null(False))
    return sorted(m.key for m in posts if not events or m.kind in events)


def key(lab, hook, rest):
    return f"post:hook:{lab['hooks'][hook].id}:{rest}"


def delivered(lab, route):
    return [r.json for r in lab["receiver"].to(route)]


def test_run_due_before_publish_posts_nothing(lab, settings):
    run(settings, BEFORE_PUBLISH)

    assert post_keys() == []


def test_run_due_after_publish_posts_new_case_once_to_its_robot(lab, settings):
    run(settings, AFTER_PUBLISH, AFTER_PUBLISH + timedelta(minutes=5))

    [post] = delivered(lab, "/all")
    assert post_keys() == [key(lab, "all", f"case:{lab['case'].id}:published")]
    assert (post["event"], post["data"]["case"]["title"], post["url"]) == (
        "case_published", "小区生鲜团购", f"http://localhost/c/lab/cases/{lab['case'].id}")
    assert post["title"] == {"zh_Hans_CN": "新案例：小区生鲜团购",
                             "en": "New case: 小区生鲜团购"}[lab["cohort"].language]
    assert (delivered(lab, "/none"), delivered(lab, "/archive")) == ([], [])


def test_robot_added_after_the_case_came_out_does_not_get_it(lab, settings):
    run(settings, AFTER_PUBLISH)
    late = chat_hooks.add_hook(lab["cohort"], actor=lab["cohort"].created_by, kind="feishu",
                               label="后来的群", url=lab["receiver"].url("/late"), secret="",
                               events=list(EVENTS), now=AFTER_PUBLISH + timedelta(hours=1),
                               allow_private=True)

    run(settings, AFTER_PUBLISH + timedelta(hours=2))
    before_window = post_keys()
    run(settings, IN_DUE_SOON)

    case_id = lab["case"].id
    assert before_window == [key(lab, "all", f"case:{case_id}:published")]
    assert post_keys() == sorted([key(lab, "all", f"case:{case_id}:published"),
                                  key(lab, "all", f"case:{case_id}:due-soon"),
                                  f"post:hook:{late.id}:case:{case_id}:due-soon"])
    assert len(lab["receiver"].to("/late")) == 1


def test_run_due_in_due_soon_window_names_who_has_not_written(lab, settings):
    submit_homework(lab["case"], lab["writer"], "我会先建三个群", now=AFTER_PUBLISH)

    run(settings, BEFORE_DUE_SOON)
    before = post_keys()
    run(settings, IN_DUE_SOON, IN_DUE_SOON + timedelta(hours=1))

    [post] = [p for p in delivered(lab, "/all") if p["event"] == "homework_due"]
    published = key(lab, "all", f"case:{lab['case'].id}:published")  # announced late, still open
    assert before == [published]
    assert post_keys() == sorted([published, key(lab, "all", f"case:{lab['case'].id}:due-soon")])
    assert (post["data"]["missing_count"], post["data"]["missing"]) == (
        1, [{"name": "小懒", "mention": "@小懒"}])


def test_run_due_after_a_sweep_that_removes_posts_one_summary(lab, settings):
    submit_homework(lab["case"], lab["writer"], "我会先建三个群", now=AFTER_PUBLISH)

    run(settings, AFTER_GRACE, AFTER_GRACE + timedelta(minutes=10))

    [post] = delivered(lab, "/all")
    [only] = post_keys()
    assert only.startswith(key(lab, "all", f"removals:{AFTER_GRACE:%Y%m%dT%H%M%S}:"))
    assert (post["event"], post["data"]["count"], post["data"]["removed"]) == (
        "removals", 1, [{"name": "小懒"}])


def test_run_due_after_a_sweep_that_removes_nobody_posts_nothing(lab, settings):
    for learner in (lab["writer"], lab["slacker"]):
        submit_homework(lab["case"], learner, "我会先建三个群", now=AFTER_PUBLISH)

    run(settings, AFTER_GRACE)

    assert post_keys() == []


def talk_on(cohort, start, *, confirmed=True):
    generate_slots(cohort, now=ARRANGED)
    slot = ShareSlot.get((ShareSlot.cohort == cohort) & (ShareSlot.starts_at == start))
    guest = make_member(cohort, make_user(display_name="王嘉宾"), role="guest")
    talk = propose_talk(cohort, guest, topic="从一个群到一张网", abstract="摘要",
                        preferred_slots=[slot], now=ARRANGED, title="某公司 CEO")
    talk = accept_talk(talk, slot, actor=cohort.created_by, now=ARRANGED)
    return confirm_talk(talk, guest=guest, now=ARRANGED) if confirmed else talk


def test_run_due_day_before_and_day_of_a_confirmed_talk(lab, settings):
    talk = talk_on(lab["cohort"], START)

    run(settings, BEFORE_EVE)
    before = post_keys("guest_week")
    run(settings, EVE, EVE + timedelta(minutes=5), NIGHT)
    after_eve = post_keys("guest_week")
    run(settings, DAY, DAY + timedelta(hours=3), AFTER_START)

    eve = key(lab, "all", f"talk:{talk.id}:eve:{START:%Y%m%dT%H%M}")
    day = key(lab, "all", f"talk:{talk.id}:day:{START:%Y%m%dT%H%M}")
    assert (before, after_eve, post_keys("guest_week")) == ([], [eve], sorted([eve, day]))
    assert [(p["data"]["which"], p["data"]["talk"]["topic"], p["data"]["talk"]["guest"])
            for p in delivered(lab, "/all") if p["event"] == "guest_week"] == [
        ("eve", "从一个群到一张网", "王嘉宾"), ("day", "从一个群到一张网", "王嘉宾")]


def test_run_due_talk_accepted_but_not_confirmed_posts_nothing(lab, settings):
    talk_on(lab["cohort"], START, confirmed=False)

    run(settings, EVE, DAY)

    assert post_keys("guest_week") == []


def test_publish_transcript_posts_archive_entry_once_to_its_robots(lab, settings):
    talk = talk_on(lab["cohort"], START)
    host = lab["cohort"].created_by

    published = publish_transcript(talk, "全文", actor=host, now=AFTER_START,
                                   base_url="https://learn.example.org")
    publish_transcript(published, "改过的全文", actor=host, now=AFTER_START + timedelta(hours=1),
                       base_url="https://learn.example.org")
    run(settings, AFTER_START + timedelta(hours=1))

    rest = f"talk:{talk.id}:archive:1"
    [generic] = [p for p in delivered(lab, "/all") if p["event"] == "archive_entry"]
    [dingtalk] = delivered(lab, "/archive")
    assert post_keys("archive_entry") == sorted([key(lab, "all", rest), key(lab, "archive", rest)])
    assert (generic["event"], generic["data"]["number"], generic["url"]) == (
        "archive_entry", 1, "https://learn.example.org/c/lab/archive/1")
    assert dingtalk["markdown"]["text"].endswith("(https://learn.example.org/c/lab/archive/1)"
                                                 "\n\n社群实验室 · learnclub")


def test_transcript_page_posts_archive_entry_with_links_to_the_site(lab, client, login_as):
    talk = talk_on(lab["cohort"], START)
    # the pages ask the real clock: the session has just taken place
    ShareSlot.update(starts_at=timeline.now() - timedelta(hours=1)).where(
        ShareSlot.id == talk.slot_id).execute()
    login_as(lab["cohort"].created_by)

    response = client.post(f"/c/lab/talks/{talk.id}/transcript",
                           data={"transcript_md": "## 开场\n大家好", "recording_url": ""})

    [post] = OutboxMessage.select().where(OutboxMessage.kind == "archive_entry",
                                          OutboxMessage.hook == lab["hooks"]["all"].id)
    assert response.status_code == 302
    assert json.loads(post.body)["url"] == "http://localhost/c/lab/archive/1"


@pytest.mark.parametrize(("local_start", "local_now", "phase"), [
    ("2026-12-13 20:00", "2026-12-12 19:59", None),
    ("2026-12-13 20:00", "2026-12-12 20:00", "eve"),
    ("2026-12-13 20:00", "2026-12-12 23:59", "eve"),
    ("2026-12-13 20:00", "2026-12-13 08:59", None),
    ("2026-12-13 20:00", "2026-12-13 09:00", "day"),
    ("2026-12-13 20:00", "2026-12-13 20:00", None),
    ("2026-12-13 08:00", "2026-12-12 08:00", "eve"),  # a morning session: the day rule
    ("2026-12-13 08:00", "2026-12-13 06:59", None),   # of the members' mails, an hour before
    ("2026-12-13 08:00", "2026-12-13 07:00", "day"),
    ("2026-12-13 00:30", "2026-12-12 00:30", "eve"),
    ("2026-12-13 00:30", "2026-12-13 00:00", "day"),
])
def test_guest_phase_windows_in_local_time(local_start, local_now, phase):
    def instant(text):
        return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo("Asia/Shanghai"))

    slot = ShareSlot(starts_at=instant(local_start))

    assert guest_phase(slot, "Asia/Shanghai", instant(local_now)) == phase
