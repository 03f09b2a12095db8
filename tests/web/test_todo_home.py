"""The to-do home per role (domain/cohorts/todo.py) through the pages: the cohort's page and
the signed-in home for a learner, a host and a guest; the cohort menu with its 管理 count;
the phone's tab bar; the 我的 page; and query counts that do not grow with the cohort."""
import re
from datetime import timedelta

import pytest

from learnclub import clock
from learnclub.domain.homework.submission import submit_homework
from learnclub.domain.sharing.talks import accept_talk, generate_slots, propose_talk
from learnclub.models import Cohort, ContentSyncFile, ShareSlot
from tests.factories import make_application, make_case, make_cohort, make_member, make_user
from tests.query_count import count_queries


def html_of(response):
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


@pytest.fixture
def lab(app):
    """A cohort with a case out and open (due in about two days) and two learners."""
    cohort = make_cohort(slug="lab")
    generate_slots(cohort, now=clock.now())
    case = make_case(cohort, title="小区团购的第一周", publish_at=clock.now() - timedelta(days=1))
    learners = [make_member(cohort), make_member(cohort)]
    return cohort, case, learners


def weeks(cohort):
    return list(ShareSlot.select().where(ShareSlot.cohort == cohort)
                .order_by(ShareSlot.starts_at))


def test_learner_sees_this_case_with_a_button_to_write(client, switch_to, lab):
    cohort, case, (learner, _other) = lab
    switch_to(learner)

    page = html_of(client.get(f"/c/{cohort.slug}/"))

    assert re.findall(r'<p class="todo-case-title"><a href="([^"]+)">([^<]+)</a>', page) == [
        (f"/c/{cohort.slug}/cases/{case.id}", "小区团购的第一周")]
    assert re.findall(r'<a class="button primary write" href="([^"]+)">([^<]+)</a>', page) == [
        (f"/c/{cohort.slug}/cases/{case.id}#homework-form", "Write homework")]
    assert page.count('class="button primary') == 1  # one primary action on the page
    # the words of the distance are learnclub.dates' (tested there): here, that it is said
    assert re.search(r'<p class="todo-state due"><span>Due in [^<]+</span>', page)


def test_learner_who_handed_in_sees_done_and_edit(client, switch_to, lab):
    cohort, case, (learner, _other) = lab
    submit_homework(case, learner, "先建群，再立规矩。", now=clock.now())
    switch_to(learner)

    page = html_of(client.get(f"/c/{cohort.slug}/"))

    assert re.findall(r'<p class="todo-state done">([^<]*)<a href="([^"]+)">', page) == [
        ("Handed in ✓ · ", f"/c/{cohort.slug}/cases/{case.id}#homework-form")]
    assert "Write homework" not in page
    assert '<p class="streak"><strong>1</strong> homework in a row · on time 1 of 1</p>' in page


def test_learner_progress_picture_shows_each_case_outcome(client, switch_to, lab):
    cohort, case, (learner, _other) = lab
    old = make_case(cohort, title="旧案例", publish_at=clock.now() - timedelta(days=9))
    submit_homework(old, learner, "写了", now=old.publish_at + timedelta(hours=1))
    switch_to(learner)

    page = html_of(client.get(f"/c/{cohort.slug}/"))

    assert re.findall(r'<rect class="o-(\w+)"[^>]*><title>([^<]+)</title>', page) == [
        ("on_time", "旧案例: on time"), ("todo", "小区团购的第一周: still to write")]
    assert 'role="img" aria-label="On time 1 of 1"' in page


def test_host_sees_applications_talks_and_the_case_rate(client, switch_to, lab):
    cohort, case, (learner, _other) = lab
    make_application(cohort)
    make_application(cohort)
    guest = make_member(cohort, role="guest")
    propose_talk(cohort, guest, topic="从一个群到一张网", abstract="讲讲",
                 preferred_slots=[weeks(cohort)[0]], now=clock.now())
    submit_homework(case, learner, "交了", now=clock.now())
    switch_to(cohort.created_by)

    page = html_of(client.get(f"/c/{cohort.slug}/"))

    items = re.findall(r'<li(?: class="\w+")?><a href="([^"]+)">(?:<span class="count">(\d+)'
                       r'</span> )?([^<]+)</a></li>', page.split('class="todo-list"')[1]
                       .split("</ul>")[0])
    assert [item for item in items if item[1]] == [
        (f"/c/{cohort.slug}/applications", "2", "applications waiting"),
        (f"/c/{cohort.slug}/talks", "1", "talk proposal to decide")]
    assert "1 of 2 handed in (50%)" in page
    assert (f'href="/c/{cohort.slug}/tracking/cases/{case.id}#missing-list-heading">'
            "Missing list (1)</a>") in page
    badge = re.search(r'<summary>Manage <span class="badge count-badge">(\d+)', page)
    assert badge.group(1) == "3"  # two applications and one talk to decide


def test_host_is_told_when_the_queue_runs_dry(client, switch_to, lab):
    cohort, _case, _learners = lab
    switch_to(cohort.created_by)

    dry = html_of(client.get(f"/c/{cohort.slug}/"))
    make_case(cohort, title="下一个", publish_at=clock.now() + timedelta(days=3))
    make_case(cohort, title="再下一个", publish_at=clock.now() + timedelta(days=7))
    make_case(cohort, title="还有一个", publish_at=clock.now() + timedelta(days=11))
    stocked = html_of(client.get(f"/c/{cohort.slug}/"))

    assert ("The case queue runs dry" in dry, "The case queue runs dry" in stocked) == (
        True, False)


def test_host_sees_removals_held_for_confirmation(client, switch_to, lab):
    cohort, _case, learners = lab
    Cohort.update(removals_held_at=clock.now(),
                  removals_held_ids=[u.id for u in learners]).where(
        Cohort.id == cohort.id).execute()
    switch_to(cohort.created_by)

    page = html_of(client.get(f"/c/{cohort.slug}/"))

    assert (f'<a href="/c/{cohort.slug}/participation#held"><span class="count">2</span> '
            "removals held for your confirmation</a>") in page


def test_host_sees_content_folder_problems_of_the_last_sync(client, switch_to, lab):
    cohort, _case, _learners = lab
    for name, status in (("01-团购.md", "error"), ("02-咖啡.md", "warning"), ("03.md", "ok")):
        ContentSyncFile.create(cohort=cohort, name=name, status=status)
    switch_to(cohort.created_by)

    page = html_of(client.get(f"/c/{cohort.slug}/"))

    assert (f'<li class="warn"><a href="/c/{cohort.slug}/schedule"><span class="count">2</span> '
            "problems in the content folder</a></li>") in page


def test_host_with_nothing_waiting_is_told_so(client, switch_to, lab):
    cohort, _case, _learners = lab
    make_case(cohort, title="下一个", publish_at=clock.now() + timedelta(days=3))
    make_case(cohort, title="再下一个", publish_at=clock.now() + timedelta(days=7))
    make_case(cohort, title="还有一个", publish_at=clock.now() + timedelta(days=11))
    switch_to(cohort.created_by)

    page = html_of(client.get(f"/c/{cohort.slug}/"))

    assert "Nothing is waiting for you. Well done!" in page
    assert "count-badge" not in page


def test_guest_is_asked_to_choose_a_week_and_has_no_homework_menu(client, switch_to, lab):
    cohort, _case, _learners = lab
    guest = make_member(cohort, role="guest")
    switch_to(guest)

    page = html_of(client.get(f"/c/{cohort.slug}/"))

    assert re.findall(r'<a class="button primary" href="([^"]+)">([^<]+)</a>', page) == [
        (f"/c/{cohort.slug}/calendar", "Choose a week to share")]
    assert "My homework" not in page
    assert "<summary>Manage" not in page


def test_guest_with_an_accepted_talk_is_asked_to_confirm(client, switch_to, lab):
    cohort, _case, _learners = lab
    guest = make_member(cohort, role="guest")
    week = weeks(cohort)[1]
    talk = propose_talk(cohort, guest, topic="社群的第一周", abstract="讲讲",
                        preferred_slots=[week], now=clock.now())
    accept_talk(talk, week, actor=cohort.created_by, now=clock.now())
    switch_to(guest)

    page = html_of(client.get(f"/c/{cohort.slug}/"))

    assert "Choose a week to share" not in page
    assert re.search(r"The host gave you [^<]+: please confirm\. <a href=\"([^\"]+)\">Confirm",
                     page).group(1) == f"/c/{cohort.slug}/talks/mine"
    assert "社群的第一周" in page


def test_next_sharing_names_the_guest_who_has_the_week(client, switch_to, lab):
    cohort, _case, (learner, _other) = lab
    guest = make_member(cohort, make_user(display_name="陈慧"), role="guest")
    week = weeks(cohort)[0]
    talk = propose_talk(cohort, guest, topic="从一个群到一张网", abstract="讲讲",
                        preferred_slots=[week], now=clock.now())
    accept_talk(talk, week, actor=cohort.created_by, now=clock.now())
    switch_to(learner)

    page = html_of(client.get(f"/c/{cohort.slug}/"))

    assert "<p>陈慧 · 从一个群到一张网</p>" in page


def test_home_leads_with_the_one_cohorts_todo(client, switch_to, lab):
    cohort, case, (learner, _other) = lab
    switch_to(learner)

    page = html_of(client.get("/"))

    assert re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S).group(1) == (
        f'<a href="/c/{cohort.slug}/">{cohort.name}</a>')
    assert f'href="/c/{cohort.slug}/cases/{case.id}#homework-form">Write homework</a>' in page


def test_home_with_several_cohorts_shows_a_card_per_cohort(client, switch_to, lab):
    cohort, case, _learners = lab
    learner = make_member(cohort, make_user(can_host=True))
    hosted = make_cohort(host=learner, slug="hosted", name="我带的社群")
    make_application(hosted)
    switch_to(learner)

    page = html_of(client.get("/"))

    cards = re.findall(r'<li class="card todo-summary">\s*<h2><a href="([^"]+)">', page)
    assert sorted(cards) == sorted([f"/c/{cohort.slug}/", f"/c/{hosted.slug}/"])
    assert f'href="/c/{cohort.slug}/cases/{case.id}#homework-form">Write homework</a>' in page
    assert '<span class="count">1</span> application waiting</a>' in page


def test_tab_bar_marks_the_page_it_is_on(client, switch_to, lab):
    cohort, _case, (learner, _other) = lab
    switch_to(learner)

    home = html_of(client.get("/"))
    cases = html_of(client.get(f"/c/{cohort.slug}/cases/"))

    def current(page):
        bar = page.split('<nav class="tabbar"')[1].split("</nav>")[0]
        return re.findall(r'<a href="([^"]+)" aria-current="page">', bar)

    assert (current(home), current(cases)) == (["/"], [f"/c/{cohort.slug}/cases/"])
    assert f'<a href="/c/{cohort.slug}/calendar">' in home  # 日历 leads to their cohort


def test_visitors_get_no_tab_bar(client, lab):
    cohort, _case, _learners = lab

    page = html_of(client.get(f"/c/{cohort.slug}/"))

    assert 'class="tabbar"' not in page
    assert "todo-title" not in page


def test_me_page_links_to_what_is_ones_own(client, switch_to, lab):
    cohort, _case, (learner, _other) = lab
    switch_to(learner)

    page = html_of(client.get("/me"))

    wanted = ["/profile", "/me/notifications", f"/c/{cohort.slug}/homework/mine",
              f"/c/{cohort.slug}/talks/mine"]
    links = re.findall(r'<li><a href="([^"]+)">', page)
    assert [link for link in links if link in wanted] == wanted
    assert 'action="/logout"' in page


def test_me_page_needs_sign_in(client):
    response = client.get("/me")

    assert response.status_code == 302


def _home_queries(client, cohort):
    with count_queries() as statements:
        html_of(client.get(f"/c/{cohort.slug}/"))
    with count_queries() as home:
        html_of(client.get("/"))
    return len(statements), len(home)


@pytest.mark.parametrize("role", ["host", "learner", "guest"])
def test_todo_query_count_does_not_grow_with_learners_or_cases(client, switch_to, lab, role):
    cohort, case, (learner, _other) = lab
    person = {"host": cohort.created_by, "learner": learner,
              "guest": make_member(cohort, role="guest")}[role]
    switch_to(person)
    few = _home_queries(client, cohort)
    for n in range(6):
        extra = make_member(cohort)
        submit_homework(case, extra, "交了", now=clock.now())
        make_case(cohort, title=f"旧案例{n}", publish_at=clock.now() - timedelta(days=30 + 4 * n))
        make_application(cohort)

    many = _home_queries(client, cohort)

    assert many == few
