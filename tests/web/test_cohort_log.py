"""The cohort log page (/c/<slug>/audit): hosts and assistants read every change in the cohort,
who did it (or "by rule"), on what and what changed, times in the cohort's zone, in English
and in Chinese; learners are turned away; the page's queries do not grow with the log.

The clock stands still at START (Wednesday 2026-12-09, 10:00 in Shanghai)."""
import re
from datetime import timedelta

import pytest

from learnclub import clock
from learnclub.domain.cohorts.activity import Action, record
from learnclub.domain.participation.leave import excuse_learner
from learnclub.domain.sharing.talks import generate_slots, move_slot
from tests.factories import PASSWORD, make_case, make_cohort, make_member, make_user
from tests.query_count import count_queries
from tests.timeline import START

ENTRY = re.compile(r'<li class="card activity activity-(\w+)">\s*<p><strong>([^<]*)</strong> · '
                   r'([^<]*)</p>\s*<p class="muted">([^·]*) · ([^<]*)</p>'
                   r'(?:\s*<ul class="changes">(.*?)</ul>)?')


def html_of(response):
    return response.get_data(as_text=True)


def signed_in(app, user):
    browser = app.test_client()
    response = browser.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return browser


def entries(page):
    """(action, on what, what, when, by whom, [changes]) of the page's activity entries."""
    return [(action, on, what, when.strip(), by, re.findall(r"<li>([^<]*)</li>", changes))
            for action, on, what, when, by, changes in ENTRY.findall(page)]


@pytest.fixture
def lab(app, clock):
    """A cohort whose host, at START, paused removals through the page, excused 张三 for 案例一
    and moved the first Sunday's session by a day."""
    clock.travel_to(START, frozen=True)
    host = make_user(can_host=True, display_name="群主小林")
    cohort = make_cohort(host=host, slug="lab")
    case = make_case(cohort)
    zhang = make_member(cohort, make_user(display_name="张三"))
    slot = generate_slots(cohort, now=START)[0]
    return cohort, host, case, zhang, slot


def act(app, lab, locale):
    cohort, host, case, zhang, slot = lab
    host.locale = locale
    host.save()
    browser = signed_in(app, host)
    assert browser.post("/c/lab/participation/pause", data={"paused": "1"}).status_code == 302
    excuse_learner(case, zhang, actor=host, reason="生病", now=START)
    move_slot(slot, slot.starts_at + timedelta(days=1), actor=host, now=START)
    return browser


def test_host_reads_every_change_in_english(app, lab):
    browser = act(app, lab, "en")

    response = browser.get("/c/lab/audit")

    page = html_of(response)
    assert response.status_code == 200
    assert "<h1>Cohort log <span class=\"muted\">(5)</span></h1>" in page
    assert entries(page) == [
        ("slot_moved", "session of week 2026-W50", "session moved", "Wed 9 Dec, 10:00",
         "by 群主小林", ["Starts: Sun 13 Dec, 20:00 → Mon 14 Dec, 20:00"]),
        ("excused", "张三 · “案例一”", "excused", "Wed 9 Dec, 10:00", "by 群主小林",
         ["Reason: 生病"]),
        ("removals_paused", "社群实验室", "removals paused", "Wed 9 Dec, 10:00", "by 群主小林",
         ["Paused: yes"]),
        ("case_created", "“案例一”", "case created", "Sun 22 Nov, 20:00", "by 群主小林",
         ["Publication time: Sun 22 Nov, 20:00"])]
    assert '<li class="card audit-created_cohort">' in page


def test_host_reads_every_change_in_chinese(app, lab):
    browser = act(app, lab, "zh_Hans_CN")

    page = html_of(browser.get("/c/lab/audit"))

    assert "<h1>社群日志 <span class=\"muted\">(5)</span></h1>" in page
    assert entries(page) == [
        ("slot_moved", "2026-W50 周的分享", "调整分享时间", "12月9日 周三 10:00",
         "操作人：群主小林", ["开始时间: 12月13日 周日 20:00 → 12月14日 周一 20:00"]),
        ("excused", "张三 · “案例一”", "请假", "12月9日 周三 10:00", "操作人：群主小林",
         ["原因: 生病"]),
        ("removals_paused", "社群实验室", "暂停请出", "12月9日 周三 10:00", "操作人：群主小林",
         ["暂停: 是"]),
        ("case_created", "“案例一”", "新建案例", "11月22日 周日 20:00", "操作人：群主小林",
         ["发布时间: 11月22日 周日 20:00"])]


def test_a_change_by_rule_says_so_and_times_follow_the_cohort_zone(app):
    host = make_user(can_host=True, locale="en")
    cohort = make_cohort(host=host, slug="berlin", timezone="Europe/Berlin")
    record(cohort, Action.REMOVALS_RESUMED, actor=None, now=START, changes={"paused": False})

    page = html_of(signed_in(app, host).get("/c/berlin/audit"))

    assert entries(page) == [("removals_resumed", "社群实验室", "removals resumed",
                              "Wed 9 Dec, 03:00", "by rule", ["Paused: no"])]


def test_learners_get_403_and_unknown_cohorts_404(app, lab):
    cohort, _host, _case, zhang, _slot = lab
    browser = signed_in(app, zhang)

    assert browser.get(f"/c/{cohort.slug}/audit").status_code == 403
    assert browser.get("/c/nowhere/audit").status_code == 404


def _log_queries(browser, host, *, entries_made):
    cohort = make_cohort(host=host)
    for i in range(entries_made):
        record(cohort, Action.EXCUSED, actor=host if i % 2 else None,
               now=clock.now() - timedelta(minutes=i), subject=make_member(cohort),
               changes={"reason": "生病"})
    with count_queries() as statements:
        response = browser.get(f"/c/{cohort.slug}/audit")
    assert response.status_code == 200
    return len(statements), html_of(response).count('<li class="card activity ')


def test_cohort_log_page_takes_as_many_queries_for_many_entries_as_for_few(app):
    host = make_user(can_host=True, locale="en")
    browser = signed_in(app, host)
    browser.get("/")

    few = _log_queries(browser, host, entries_made=3)
    many = _log_queries(browser, host, entries_made=80)

    assert (few[0], few[1], many[1]) == (many[0], 3, 50)  # fifty a page
