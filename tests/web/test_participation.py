"""Participation pages through the client: leave (请假) on the case page and on "my homework",
the misses status line, removed learners' read-only homework and its export, the host's
participation page (dry run, pauses, leave decisions, excuses, extensions, readmission,
seat offers), the membership log, and answering a seat offer.

Every test starts at timeline.START (the clock fixture), so cases here go out relative to
`timeline.now()` and learners joined weeks before."""
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from learnclub.domain.participation import readmission as seats
from learnclub.domain.participation import sweep as participation
from learnclub.domain.participation.leave import grant_extension, request_leave
from learnclub.models import (
    Case,
    Cohort,
    Excuse,
    Extension,
    LeaveRequest,
    Membership,
    MembershipEvent,
    Miss,
    OutboxMessage,
    SeatOffer,
    Submission,
)
from tests import timeline
from tests.factories import PASSWORD, make_application, make_case, make_cohort, make_user
from tests.query_count import count_queries

LONG_AGO = datetime(2026, 10, 1, 18, 0, tzinfo=UTC)  #: 2026-10-02 02:00 in Shanghai
BASE = "http://127.0.0.1:5000"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def html_of(response):
    return response.get_data(as_text=True)


def flashes_of(response):
    return re.findall(r'<p class="flash (\w+)"[^>]*>([^<]*)</p>', html_of(response))


def signed_in(app, user, language="en"):
    """A browser of its own for `user`."""
    browser = app.test_client()
    browser.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
    response = browser.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302, html_of(response)
    return browser


def learner(cohort, name, *, joined=LONG_AGO, status="active", removed_at=None, reason=""):
    user = make_user(display_name=name)
    Membership.create(cohort=cohort, user=user, role="learner", status=status, joined_at=joined,
                      removed_at=removed_at, removed_reason=reason)
    return user


def closed_case(cohort, title="案例一", *, days_ago=4):
    """A case out `days_ago` days ago: 72 h to write + 12 h grace are over after 3.5 days."""
    return make_case(cohort, title=title, publish_at=timeline.now() - timedelta(days=days_ago))


def open_case(cohort, title="开放的案例"):
    return make_case(cohort, title=title, publish_at=timeline.now() - timedelta(hours=1))


def hand_in(case, user, *, at, body="我的作业", updated=None, late_seconds=0):
    return Submission.create(case=case, user=user, body_md=body, submitted_at=at,
                             updated_at=updated or at, late_seconds=late_seconds)


def miss(cohort, case, user, *, voided=False):
    now = timeline.now()
    return Miss.create(cohort=cohort, user=user, case=case, created_at=now,
                       voided_at=now if voided else None)


def section(page, anchor):
    """The HTML of the <section id=anchor> (or aria-labelledby heading) of a page."""
    start = page.index(f'id="{anchor}"')
    return page[start:page.index("</section>", start)]


@pytest.fixture
def club(app):
    """A cohort, its host signed in, one closed case nobody wrote on, and 张三."""
    cohort = make_cohort()
    case = closed_case(cohort)
    zhang = learner(cohort, "张三")
    return cohort, case, zhang, signed_in(app, cohort.created_by)


# ---- the host's participation page -------------------------------------------------------

def test_participation_page_shows_who_the_next_check_would_remove(club):
    cohort, case, _zhang, host = club

    response = host.get(f"/c/{cohort.slug}/participation")

    sweep = section(html_of(response), "sweep-heading")
    assert response.status_code == 200
    assert re.findall(r"<li><strong>(\w+)</strong> <span class=\"muted\">([^<]*)</span>",
                      sweep) == [("张三", "missed: 案例一"), ("张三", "案例一")]
    assert Miss.select().count() == 0  # a dry run changes nothing
    assert Membership.get(Membership.user == _zhang).status == "active"


def test_staff_nav_links_to_participation_and_learners_do_not_see_it(app, club):
    cohort, _case, zhang, host = club

    staff_page = html_of(host.get(f"/c/{cohort.slug}/cases/"))
    learner_page = html_of(signed_in(app, zhang).get(f"/c/{cohort.slug}/cases/"))

    assert staff_page.count(f'href="/c/{cohort.slug}/participation"') == 1
    assert learner_page.count(f'href="/c/{cohort.slug}/participation"') == 0


@pytest.mark.parametrize(("method", "path"), [
    ("GET", "/participation"), ("GET", "/audit"), ("POST", "/participation/pause"),
    ("POST", "/participation/excuse"), ("POST", "/participation/offer-seats")])
def test_learners_get_403_on_host_pages(app, club, method, path):
    cohort, _case, zhang, _host = club

    response = signed_in(app, zhang).open(f"/c/{cohort.slug}{path}", method=method,
                                         data={"paused": "1"})

    assert response.status_code == 403
    assert Cohort.get_by_id(cohort.id).removals_paused is False


def test_pause_switch_stops_removals_but_keeps_misses(club):
    cohort, _case, _zhang, host = club

    response = host.post(f"/c/{cohort.slug}/participation/pause", data={"paused": "1"})

    plan = participation.plan_sweep(Cohort.get_by_id(cohort.id), now=timeline.now())
    assert response.status_code == 302
    assert (plan.paused, plan.removals, len(plan.new_misses)) == (True, [], 1)
    page = html_of(host.get(f"/c/{cohort.slug}/participation"))
    assert "Removals are paused: misses are still recorded, nobody is asked to leave." in page
    assert '<button type="submit">Resume removals</button>' in page

    host.post(f"/c/{cohort.slug}/participation/pause", data={"paused": "0"})

    plan = participation.plan_sweep(Cohort.get_by_id(cohort.id), now=timeline.now())
    assert (plan.paused, len(plan.removals)) == (False, 1)


def test_pausing_a_case_records_no_miss_for_it(club):
    cohort, case, _zhang, host = club

    response = host.post(f"/c/{cohort.slug}/cases/{case.id}/pause-removals",
                         data={"paused": "1"})

    plan = participation.plan_sweep(Cohort.get_by_id(cohort.id), now=timeline.now())
    assert response.status_code == 302
    assert Case.get_by_id(case.id).removals_paused is True
    assert (plan.new_misses, plan.removals) == ([], [])
    assert '<span class="badge warn-badge">paused</span>' in html_of(
        host.get(f"/c/{cohort.slug}/participation"))


def test_pausing_a_case_of_another_cohort_is_not_found(club):
    cohort, _case, _zhang, host = club
    other = closed_case(make_cohort(), "别人的案例")

    response = host.post(f"/c/{cohort.slug}/cases/{other.id}/pause-removals",
                         data={"paused": "1"})

    assert response.status_code == 404
    assert Case.get_by_id(other.id).removals_paused is False


def test_host_excuses_a_learner_directly(club):
    cohort, case, zhang, host = club

    response = host.post(f"/c/{cohort.slug}/participation/excuse", data={
        "excuse-user_id": zhang.id, "excuse-case_id": case.id, "excuse-reason": "家里有事"})

    excuse = Excuse.get((Excuse.case == case) & (Excuse.user == zhang))
    assert response.status_code == 302
    assert (excuse.reason, excuse.granted_by_id) == ("家里有事", cohort.created_by_id)
    assert participation.plan_sweep(cohort, now=timeline.now()).new_misses == []
    assert flashes_of(host.get(f"/c/{cohort.slug}/participation")) == [
        ("success", "张三 is excused for “案例一”.")]


def test_excusing_someone_who_is_not_a_learner_here_is_refused(club):
    cohort, case, _zhang, host = club
    stranger = make_user()

    host.post(f"/c/{cohort.slug}/participation/excuse", data={
        "excuse-user_id": stranger.id, "excuse-case_id": case.id, "excuse-reason": "x"})

    assert Excuse.select().count() == 0
    assert flashes_of(host.get(f"/c/{cohort.slug}/participation")) == [
        ("error", "Choose a learner and a case of this cohort.")]


def test_host_gives_more_time_in_the_cohort_zone(club):
    cohort, case, zhang, host = club
    local = (timeline.now() + timedelta(days=2)).astimezone(SHANGHAI).replace(second=0,
                                                                           microsecond=0)

    response = host.post(f"/c/{cohort.slug}/participation/extension", data={
        "extension-user_id": zhang.id, "extension-case_id": case.id,
        "extension-until": local.strftime("%Y-%m-%dT%H:%M")})

    extension = Extension.get((Extension.case == case) & (Extension.user == zhang))
    assert response.status_code == 302
    assert extension.until == local.astimezone(UTC)
    assert participation.plan_sweep(cohort, now=timeline.now()).new_misses == []


def test_extension_without_a_time_says_what_is_missing(club):
    cohort, case, zhang, host = club

    host.post(f"/c/{cohort.slug}/participation/extension", data={
        "extension-user_id": zhang.id, "extension-case_id": case.id, "extension-until": ""})

    assert Extension.select().count() == 0
    assert flashes_of(host.get(f"/c/{cohort.slug}/participation")) == [
        ("error", "More time until: Enter the day and time the extra time ends.")]


def _participation_queries(host_browser, host, *, learners, cases):
    """Statements run by the participation page of a new cohort of that size."""
    cohort = make_cohort(host=host)
    people = [learner(cohort, f"学员{j}") for j in range(learners)]
    published = [closed_case(cohort, f"案例{i}", days_ago=4 * (cases - i)) for i in range(cases)]
    for j, person in enumerate(people):
        hand_in(published[0], person, at=published[0].publish_at + timedelta(hours=1))
        if j % 2:
            LeaveRequest.create(cohort=cohort, user=person, case=published[-1], reason="出差",
                                created_at=timeline.now())
        if j % 3 == 0:
            removed = learner(cohort, f"离开{j}", status="removed", removed_at=timeline.now(),
                              reason="strikes: 案例0")
            miss(cohort, published[-1], removed)
            make_application(cohort, status="waitlisted", decided_at=timeline.now())
    with count_queries() as statements:
        response = host_browser.get(f"/c/{cohort.slug}/participation")
    assert response.status_code == 200
    return len(statements)


def test_participation_page_queries_do_not_grow_with_the_cohort(app):
    host = make_user(can_host=True)
    browser = signed_in(app, host)
    browser.get("/")

    assert _participation_queries(browser, host, learners=3, cases=2) == \
        _participation_queries(browser, host, learners=12, cases=6)


# ---- leave (请假) --------------------------------------------------------------------------

def test_leave_request_approved_by_a_host_excuses_the_case(app):
    cohort = make_cohort()
    case = open_case(cohort)
    zhang = learner(cohort, "张三")
    as_learner, as_host = signed_in(app, zhang), signed_in(app, cohort.created_by)
    case_page = f"/c/{cohort.slug}/cases/{case.id}"
    assert "<summary>Ask for leave (请假)</summary>" in html_of(as_learner.get(case_page))

    response = as_learner.post(f"{case_page}/leave", data={"reason": "出差三天"})

    assert response.headers["Location"].endswith(f"{case_page}#my-homework")
    page = html_of(as_learner.get(case_page))
    assert "Your leave request: waiting for a host." in page
    assert "<summary>Ask for leave (请假)</summary>" not in page
    waiting = section(html_of(as_host.get(f"/c/{cohort.slug}/participation")), "requests")
    assert re.findall(r'<strong>(\w+)</strong>.*?<p class="pre">([^<]*)</p>', waiting,
                      re.DOTALL) == [("张三", "出差三天")]

    request_id = LeaveRequest.get().id
    response = as_host.post(f"/c/{cohort.slug}/leave/{request_id}/approve")

    assert response.status_code == 302
    assert LeaveRequest.get_by_id(request_id).status == "approved"
    assert Excuse.get((Excuse.case == case) & (Excuse.user == zhang)).reason == "出差三天"
    assert "You are excused from this case (请假): no homework is expected of you." in html_of(
        as_learner.get(case_page))
    after_grace = case.publish_at + timedelta(hours=85)
    plan = participation.plan_sweep(cohort, now=after_grace)
    assert (plan.new_misses, plan.removals) == ([], [])


def test_declined_leave_shows_and_lets_the_learner_ask_again(app):
    cohort = make_cohort()
    case = open_case(cohort)
    zhang = learner(cohort, "张三")
    request = request_leave(cohort, zhang, case=case, reason="出差", now=timeline.now())

    signed_in(app, cohort.created_by).post(f"/c/{cohort.slug}/leave/{request.id}/decline")

    page = html_of(signed_in(app, zhang).get(f"/c/{cohort.slug}/cases/{case.id}"))
    assert LeaveRequest.get_by_id(request.id).status == "declined"
    assert Excuse.select().count() == 0
    assert "Your leave request: declined." in page
    assert "<summary>Ask for leave (请假)</summary>" in page


def test_leave_without_a_reason_is_refused(app):
    cohort = make_cohort()
    case = open_case(cohort)
    as_learner = signed_in(app, learner(cohort, "张三"))

    as_learner.post(f"/c/{cohort.slug}/cases/{case.id}/leave", data={"reason": "  "})

    page = as_learner.get(f"/c/{cohort.slug}/cases/{case.id}")
    assert LeaveRequest.select().count() == 0
    assert flashes_of(page) == [("error", "Reason is required.")]


def test_no_leave_form_once_homework_is_written_or_for_staff(app):
    cohort = make_cohort()
    case = open_case(cohort)
    zhang = learner(cohort, "张三")
    hand_in(case, zhang, at=timeline.now())

    learner_page = html_of(signed_in(app, zhang).get(f"/c/{cohort.slug}/cases/{case.id}"))
    host_page = html_of(signed_in(app, cohort.created_by).get(f"/c/{cohort.slug}/cases/{case.id}"))

    assert "Ask for leave" not in learner_page
    assert "Ask for leave" not in host_page


def test_leave_for_some_days_from_my_homework(app):
    cohort = make_cohort()
    zhang = learner(cohort, "张三")
    as_learner = signed_in(app, zhang)
    mine = f"/c/{cohort.slug}/homework/mine"
    assert 'name="starts_on" type="date"' in html_of(as_learner.get(mine))

    response = as_learner.post(f"/c/{cohort.slug}/leave", data={
        "starts_on": "2026-12-01", "ends_on": "2026-12-05", "reason": "出差"})

    request = LeaveRequest.get()
    assert response.headers["Location"].endswith(f"{mine}#leave")
    assert (str(request.starts_on), str(request.ends_on), request.case_id, request.status) == (
        "2026-12-01", "2026-12-05", None, "requested")
    assert "2026-12-01 to 2026-12-05</strong>\n      · waiting for a host" in html_of(
        as_learner.get(mine))


def test_leave_for_days_without_dates_says_so(app):
    cohort = make_cohort()
    as_learner = signed_in(app, learner(cohort, "张三"))

    as_learner.post(f"/c/{cohort.slug}/leave", data={"starts_on": "", "ends_on": "",
                                                     "reason": "出差"})

    assert LeaveRequest.select().count() == 0
    assert ("error", "Choose a case, or a first and last day.") in flashes_of(
        as_learner.get(f"/c/{cohort.slug}/homework/mine"))


# ---- the misses status line --------------------------------------------------------------

def test_misses_status_line_on_the_cohort_page_and_my_homework(app):
    cohort = make_cohort(strike_limit=2)
    case, other = closed_case(cohort), closed_case(cohort, "案例二", days_ago=8)
    zhang = learner(cohort, "张三")
    miss(cohort, case, zhang)
    miss(cohort, other, zhang, voided=True)  # excused afterwards: does not count
    browser = signed_in(app, zhang)

    pages = [html_of(browser.get(f"/c/{cohort.slug}/")),
             html_of(browser.get(f"/c/{cohort.slug}/homework/mine"))]

    line = ('<p class="flash warn misses">You have 1 miss; 1 more and you will be asked to '
            'leave.</p>')
    assert [page.count(line) for page in pages] == [1, 1]
    assert participation.misses_of(cohort, zhang) == 1


def test_misses_status_line_with_no_miss(app):
    cohort = make_cohort()
    browser = signed_in(app, learner(cohort, "张三"))

    pages = [html_of(browser.get(f"/c/{cohort.slug}/")),
             html_of(browser.get(f"/c/{cohort.slug}/homework/mine"))]

    # no miss, no warning: the rule itself shows on the cohort page
    assert [("You have 0 misses" in page, "flash warn misses" in page) for page in pages] \
        == [(False, False)] * 2
    assert "Whoever misses 1 homework is asked to leave." in pages[0]


# ---- removed learners: read only, and the export -----------------------------------------

@pytest.fixture
def removed(app):
    """李四, asked to leave a week ago after missing 案例二, with homework on 案例一."""
    cohort = make_cohort()
    first = make_case(cohort, title="案例一", publish_at=LONG_AGO)
    second = make_case(cohort, title="案例二", publish_at=LONG_AGO + timedelta(days=4))
    make_case(cohort, title="后来的案例", publish_at=timeline.now() - timedelta(days=1))
    li = learner(cohort, "李四", status="removed", removed_at=timeline.now() - timedelta(days=7),
                 reason="strikes: 案例二")
    hand_in(first, li, at=LONG_AGO + timedelta(hours=2), body="## 我的三件事\n1. 建群  \n2. 拉人\n",
            updated=LONG_AGO + timedelta(hours=30))
    return cohort, (first, second), li, signed_in(app, li)


def test_removed_learner_gets_403_on_cohort_pages(removed):
    cohort, (first, _second), _li, browser = removed

    for path in ("cases/", f"cases/{first.id}", "members", "best"):
        response = browser.get(f"/c/{cohort.slug}/{path}")
        assert response.status_code == 403, path
        assert "You are no longer a member of this cohort, so this page is closed to you." \
            in html_of(response)


def test_removed_learner_reads_my_homework_with_why_and_how_to_return(removed):
    cohort, _cases, li, browser = removed

    response = browser.get(f"/c/{cohort.slug}/homework/mine")

    page = html_of(response)
    assert response.status_code == 200
    assert "<h2>You were asked to leave this cohort</h2>" in page
    assert "<strong>Reason:</strong> missed homework: 案例二" in page
    assert "a host can readmit you" in page
    assert re.findall(r'<li class="card outcome-(\w+)">\s*<strong>([^<]*)</strong>', page) == [
        ("missed", "案例二"), ("on_time", "案例一")]
    assert "后来的案例" not in page  # went out after they left
    own = Submission.get(Submission.user == li)  # each homework keeps its anchors to itself
    assert f'<h2 id="s{own.id}:我的三件事">我的三件事</h2>' in page
    assert 'class="tabs"' not in page  # no links to pages closed to them
    assert "Ask for leave" not in page


def test_removed_learner_exports_their_homework_exactly(removed):
    cohort, _cases, _li, browser = removed

    response = browser.get(f"/c/{cohort.slug}/homework/export.md")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/markdown; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="{cohort.slug}-my-homework.md"')
    assert response.data.decode("utf-8") == (
        "# 社群实验室\n\n"
        "Homework by 李四. Times are in Asia/Shanghai.\n\n"
        "## 案例一\n\n"
        "- Submitted: 2026-10-02 04:00\n"
        "- Last edited: 2026-10-03 08:00\n\n"
        "## 我的三件事\n1. 建群  \n2. 拉人\n\n")


def test_export_marks_late_work_and_keeps_case_order(app):
    cohort = make_cohort()
    first = make_case(cohort, title="案例一", publish_at=LONG_AGO)
    second = make_case(cohort, title="案例二", publish_at=LONG_AGO + timedelta(days=4))
    zhang = learner(cohort, "张三")
    hand_in(second, zhang, at=second.publish_at + timedelta(hours=80), body="迟到的作业",
            late_seconds=8 * 3600)
    hand_in(first, zhang, at=first.publish_at + timedelta(hours=1), body="=1+1\r\n<script>")

    text = signed_in(app, zhang).get(f"/c/{cohort.slug}/homework/export.md").data.decode()

    assert text == (
        "# 社群实验室\n\nHomework by 张三. Times are in Asia/Shanghai.\n\n"
        "## 案例一\n\n- Submitted: 2026-10-02 03:00\n\n=1+1\r\n<script>\n\n"
        "## 案例二\n\n- Submitted: 2026-10-09 10:00 (late)\n\n迟到的作业\n")


def test_export_is_closed_to_outsiders(app):
    cohort = make_cohort()

    response = signed_in(app, make_user()).get(f"/c/{cohort.slug}/homework/export.md")

    assert response.status_code == 403


def test_removed_learner_on_the_cohort_page_finds_my_homework(removed):
    cohort, _cases, _li, browser = removed

    page = html_of(browser.get(f"/c/{cohort.slug}/"))

    assert f'<a href="/c/{cohort.slug}/homework/mine">My homework</a>' in page


# ---- readmission and the membership log --------------------------------------------------

@pytest.mark.parametrize(("reset", "counted"), [(True, 0), (False, 1)])
def test_readmit_resets_or_keeps_misses(app, reset, counted):
    cohort = make_cohort(strike_limit=2)
    case = closed_case(cohort)
    wang = learner(cohort, "王五", status="removed", removed_at=timeline.now(),
                   reason="strikes: 案例一")
    miss(cohort, case, wang)
    host = signed_in(app, cohort.created_by)
    data = {"reason": "补交了说明", **({"reset_misses": "y"} if reset else {})}

    response = host.post(f"/c/{cohort.slug}/members/{wang.id}/readmit", data=data)

    assert response.status_code == 302
    assert Membership.get(Membership.user == wang).status == "active"
    assert participation.misses_of(cohort, wang) == counted
    assert Miss.get().void_reason == ("readmitted" if reset else "")


def test_readmit_needs_a_reason(app):
    cohort = make_cohort()
    wang = learner(cohort, "王五", status="removed", removed_at=timeline.now())
    host = signed_in(app, cohort.created_by)

    host.post(f"/c/{cohort.slug}/members/{wang.id}/readmit", data={"reason": ""})

    assert Membership.get(Membership.user == wang).status == "removed"
    assert flashes_of(host.get(f"/c/{cohort.slug}/participation")) == [
        ("error", "Reason is required.")]


def test_membership_log_shows_removal_by_rule_and_readmission_by_hand(app):
    cohort = make_cohort()
    closed_case(cohort)
    zhao = learner(cohort, "赵六")
    participation.apply_sweep(cohort, now=timeline.now(), base_url=BASE)
    assert Membership.get(Membership.user == zhao).status == "removed"
    host = signed_in(app, cohort.created_by)
    host.post(f"/c/{cohort.slug}/members/{zhao.id}/readmit",
              data={"reason": "出差回来了", "reset_misses": "y"})

    page = html_of(host.get(f"/c/{cohort.slug}/audit"))

    entries = re.findall(r'<li class="card audit-(\w+)">\s*<p><strong>([^<]*)</strong> · '
                         r'([^<]*)</p>\s*<p class="muted">[^·]*· ([^<]*)</p>'
                         r'(?:\s*<p class="pre">([^<]*)</p>)?', page)
    host_name = cohort.created_by.display_name
    assert entries == [
        ("readmitted", "赵六", "readmitted", f"by {host_name}", "出差回来了"),
        ("removed", "赵六", "asked to leave", "by rule", "missed homework: 案例一"),
        ("created_cohort", host_name, "created the cohort", f"by {host_name}", "")]


def _audit_queries(browser, host, *, events, page=1):
    cohort = make_cohort(host=host)
    person = make_user()
    now = timeline.now()
    MembershipEvent.insert_many([
        {"cohort": cohort, "user": person, "action": "admitted", "actor": host if i % 2 else None,
         "at": now - timedelta(minutes=i), "reason": ""} for i in range(events)]).execute()
    with count_queries() as statements:
        response = browser.get(f"/c/{cohort.slug}/audit?page={page}")
    assert response.status_code == 200
    return len(statements), html_of(response)


def test_membership_log_pages_by_fifty_with_a_fixed_number_of_queries(app):
    host = make_user(can_host=True)
    browser = signed_in(app, host)
    browser.get("/")

    few, _page = _audit_queries(browser, host, events=3)
    many, first = _audit_queries(browser, host, events=120)
    _count, last = _audit_queries(browser, host, events=120, page=3)

    assert few == many
    assert first.count('<li class="card audit-') == 50
    assert "Page 1 of 3" in first
    assert last.count('<li class="card audit-') == 21  # 120 + the cohort's creation
    assert 'rel="next"' not in last


# ---- seat offers from the waitlist -------------------------------------------------------

@pytest.fixture
def waitlist(app):
    """A cohort of 2 seats with 1 learner, and 2 people on the waitlist (甲 first)."""
    cohort = make_cohort(capacity=2)
    learner(cohort, "张三")
    first = make_application(cohort, user=make_user(display_name="甲"), status="waitlisted",
                             decided_at=timeline.now() - timedelta(days=2))
    second = make_application(cohort, user=make_user(display_name="乙"), status="waitlisted",
                              decided_at=timeline.now() - timedelta(days=1))
    return cohort, first, second


def test_host_offers_the_free_seat_to_the_first_on_the_waitlist(app, waitlist):
    cohort, first, _second = waitlist
    host = signed_in(app, cohort.created_by)

    host.post(f"/c/{cohort.slug}/participation/offer-seats")

    offer = SeatOffer.get()
    assert (offer.application_id, offer.status) == (first.id, "offered")
    assert OutboxMessage.select().where(OutboxMessage.to_addr == first.user.email).count() == 1
    page = html_of(host.get(f"/c/{cohort.slug}/participation"))
    assert "1 seat offer sent." in page
    assert re.findall(r"<li><strong>(\w+)</strong>\s*(<span class=\"badge\">seat offered)?",
                      section(page, "waitlist")) == [("甲", '<span class="badge">seat offered'),
                                                     ("乙", "")]


def test_accepting_a_seat_offer_admits(app, waitlist):
    cohort, first, _second = waitlist
    (offer,) = seats.offer_free_seats(cohort, now=timeline.now(), base_url=BASE)
    browser = signed_in(app, first.user)

    page = html_of(browser.get(f"/seat/{offer.token}"))
    response = browser.post(f"/seat/{offer.token}", data={"accept": "y"})

    assert "<h1>A seat is free in 社群实验室</h1>" in page
    assert "Answer before" in page
    assert response.headers["Location"] == f"/c/{cohort.slug}/"
    member = Membership.get((Membership.cohort == cohort) & (Membership.user == first.user))
    assert (member.status, member.role) == ("active", "learner")
    assert SeatOffer.get_by_id(offer.id).status == "accepted"
    assert MembershipEvent.get(MembershipEvent.user == first.user).action == \
        "admitted_from_waitlist"


def test_accepting_when_the_cohort_filled_up_fails_clearly(app, waitlist):
    # changed on purpose (issue 13, point 8): the offer used to stay "offered" and the
    # applicant was never offered a seat again; now it is "refused" and they are first in line
    cohort, first, _second = waitlist
    (offer,) = seats.offer_free_seats(cohort, now=timeline.now(), base_url=BASE)
    learner(cohort, "插队的人")  # the seat was filled around the offer (no seat is free)
    browser = signed_in(app, first.user)

    response = browser.post(f"/seat/{offer.token}", data={"accept": "y"}, follow_redirects=True)

    assert flashes_of(response) == [
        ("error", "Sorry: no seat is free any more, so you could not take this one. You are "
                  "first on the waitlist and get the next free seat."),
        ("info", "No seat was free when you answered: you are first on the waitlist and get "
                 "the next free seat.")]
    assert Membership.get_or_none(Membership.user == first.user) is None
    assert Membership.active_learners(cohort).count() == cohort.capacity
    assert SeatOffer.get_by_id(offer.id).status == "refused"
    assert [a.id for a in seats.waiting_in_line(cohort)] == [first.id, _second.id]


def test_declining_a_seat_offer_passes_it_on(app, waitlist):
    cohort, first, second = waitlist
    (offer,) = seats.offer_free_seats(cohort, now=timeline.now(), base_url=BASE)

    response = signed_in(app, first.user).post(f"/seat/{offer.token}", data={"decline": "y"})

    assert response.status_code == 302
    assert SeatOffer.get_by_id(offer.id).status == "declined"
    passed_on = SeatOffer.get(SeatOffer.id != offer.id)
    assert (passed_on.application_id, passed_on.status) == (second.id, "offered")
    assert Membership.get_or_none(Membership.user == first.user) is None


def test_a_seat_offer_asks_to_sign_in_first(app, waitlist, client):
    cohort, _first, _second = waitlist
    (offer,) = seats.offer_free_seats(cohort, now=timeline.now(), base_url=BASE)

    response = client.get(f"/seat/{offer.token}")

    assert response.status_code == 302
    assert response.headers["Location"] == f"/login?next=%2Fseat%2F{offer.token}"


def test_a_seat_offer_is_only_for_its_applicant(app, waitlist):
    cohort, _first, second = waitlist
    (offer,) = seats.offer_free_seats(cohort, now=timeline.now(), base_url=BASE)

    browser = signed_in(app, second.user)

    assert browser.get(f"/seat/{offer.token}").status_code == 404
    assert browser.post(f"/seat/{offer.token}", data={"accept": "y"}).status_code == 404
    assert SeatOffer.get_by_id(offer.id).status == "offered"


def test_an_answered_seat_offer_says_so(app, waitlist):
    cohort, first, _second = waitlist
    (offer,) = seats.offer_free_seats(cohort, now=timeline.now(), base_url=BASE)
    browser = signed_in(app, first.user)
    browser.post(f"/seat/{offer.token}", data={"decline": "y"})

    page = html_of(browser.get(f"/seat/{offer.token}"))

    assert "You declined this seat." in page
    assert "<button" not in page.split("<main", 1)[1].split("</main>", 1)[0]


# ---- removal reasons, read from their fields ---------------------------------------------

def test_participation_page_gives_each_removal_its_reason(club):
    cohort, _case, zhang, host = club
    participation.apply_sweep(cohort, now=timeline.now(), base_url=BASE)
    wang = learner(cohort, "王五")
    participation.remove_member(Membership.get(Membership.user == wang), kind="by_host",
                                actor=cohort.created_by, now=timeline.now() + timedelta(minutes=1),
                                reason="多次发广告")

    removed = section(html_of(host.get(f"/c/{cohort.slug}/participation")), "removed")

    assert re.findall(r"<strong>(\w+)</strong>.*?</p>\s*<p class=\"muted\">([^<]*)</p>",
                      removed, re.S) == [  # the latest removed first
        ("王五", "asked to leave by a host: 多次发广告"), ("张三", "missed homework: 案例一")]


def test_my_homework_names_the_missed_case_by_its_title_now(app):
    cohort = make_cohort()
    case = closed_case(cohort)
    zhao = learner(cohort, "赵六")
    participation.apply_sweep(cohort, now=timeline.now(), base_url=BASE)
    Case.update(title="案例一（修订版）").where(Case.id == case.id).execute()

    page = html_of(signed_in(app, zhao).get(f"/c/{cohort.slug}/homework/mine"))

    assert "<strong>Reason:</strong> missed homework: 案例一（修订版）" in page


def test_readmitted_with_misses_kept_is_told_the_next_miss_counts(app):
    cohort = make_cohort()
    closed_case(cohort)
    zhao = learner(cohort, "赵六")
    participation.apply_sweep(cohort, now=timeline.now(), base_url=BASE)
    seats.readmit(Membership.get(Membership.user == zhao), actor=cohort.created_by,
                  reason="给一次机会", reset_misses=False, now=timeline.now())

    page = html_of(signed_in(app, zhao).get(f"/c/{cohort.slug}/"))

    assert ('<p class="flash warn misses">You have 1 miss; 1 more and you will be asked to '
            'leave.</p>') in page


def test_offer_seats_button_offers_again_to_an_applicant_refused_for_lack_of_a_seat(
        app, waitlist):
    cohort, first, _second = waitlist
    (offer,) = seats.offer_free_seats(cohort, now=timeline.now(), base_url=BASE)
    squeezed_in = learner(cohort, "插队的人")
    signed_in(app, first.user).post(f"/seat/{offer.token}", data={"accept": "y"})
    Membership.update(status="removed").where(Membership.user == squeezed_in).execute()
    host = signed_in(app, cohort.created_by)

    response = host.post(f"/c/{cohort.slug}/participation/offer-seats", follow_redirects=True)

    assert flashes_of(response) == [("success", "1 seat offer sent.")]
    assert [(o.application_id, o.status) for o in SeatOffer.select().order_by(SeatOffer.id)] \
        == [(first.id, "refused"), (first.id, "offered")]


def test_readmit_while_seats_are_offered_says_why_it_is_refused(app, waitlist):
    cohort, _first, _second = waitlist
    gone = learner(cohort, "走了的人", status="removed", removed_at=timeline.now())
    seats.offer_free_seats(cohort, now=timeline.now(), base_url=BASE)

    response = signed_in(app, cohort.created_by).post(
        f"/c/{cohort.slug}/members/{gone.id}/readmit",
        data={"reason": "误会一场", "reset_misses": "y"}, follow_redirects=True)

    assert ("error", "No seat is free: 2 seats, 1 of them offered to the waitlist and not "
                     "answered yet. Wait for the answers or raise the capacity.") in \
        flashes_of(response)
    assert Membership.get(Membership.user == gone).status == "removed"


# ---- an extension on the case page (issue 13, point 5) ---------------------------------

def test_learner_with_an_extension_past_grace_sees_the_editor_due_time_and_time_left(app, club):
    cohort, case, zhang, _host = club
    until = (timeline.now() + timedelta(days=2)).replace(second=0, microsecond=0)
    grant_extension(case, zhang, until=until, actor=cohort.created_by, now=timeline.now())
    browser = signed_in(app, zhang)

    page = html_of(browser.get(f"/c/{cohort.slug}/cases/{case.id}"))
    response = browser.post(f"/c/{cohort.slug}/cases/{case.id}/homework",
                            data={"body_md": "延期后补交的作业", "action": "save"},
                            follow_redirects=True)

    local = until.astimezone(SHANGHAI)
    assert 'id="homework-form"' in page
    assert re.findall(r'class="countdown extension-due"><span class="state open">([^<]*)</span>'
                      r' · <strong>([^<]*)</strong>', page) == [(
                          "Your extended due time: "
                          f"{local:%a} {local.day} {local:%b}, {local:%H:%M} (Beijing time)",
                          "2 days left")]
    assert "Homework for this case is closed" not in page
    assert [kind for kind, _text in flashes_of(response) if kind != "info"] == ["success"]
    assert Submission.get((Submission.case == case) & (Submission.user == zhang)).body_md == \
        "延期后补交的作业"
