"""Tracking pages through the client: the heatmap and its chart, the CSV, a case's report,
a learner's history, best of, the leaderboard. Pages ask the real clock, so cases here go
out days before `timeline.now()` and learners joined weeks before."""
import re
from datetime import UTC, datetime, timedelta

import pytest

from learnclub.models import Membership, PointEvent
from tests import timeline
from tests.domain.test_tracking import add_case, excuse, hand_in
from tests.factories import PASSWORD, make_cohort, make_user
from tests.query_count import count_queries

LONG_AGO = datetime(2026, 10, 1, 18, 0, tzinfo=UTC)  #: 2026-10-02 in Shanghai


def html_of(response):
    return response.get_data(as_text=True)


def learner(cohort, name, *, email=None, joined=LONG_AGO, status="active"):
    user = make_user(display_name=name, **({"email": email} if email else {}))
    Membership.create(cohort=cohort, user=user, role="learner", status=status, joined_at=joined)
    return user


def closed_cases(cohort, count, *, titles=None):
    """`count` cases, one every 4 days, the last 4 days ago: every homework window closed."""
    now = timeline.now()
    titles = titles or [f"案例{i + 1}" for i in range(count)]
    return [add_case(cohort, title, now - timedelta(days=4 * (count - i)))
            for i, title in enumerate(titles)]


def at(case, hours):
    return case.publish_at + timedelta(hours=hours)


@pytest.fixture
def club(app, login_as):
    """Two closed cases, 张三 (on time twice), 李四 (late 5 h, then nothing), staff signed in."""
    cohort = make_cohort()
    first, second = closed_cases(cohort, 2)
    zhang, li = learner(cohort, "张三"), learner(cohort, "李四")
    hand_in(first, zhang, at=at(first, 1))
    hand_in(second, zhang, at=at(second, 2))
    hand_in(first, li, at=at(first, 77), late_seconds=5 * 3600)
    login_as(cohort.created_by)
    return cohort, (first, second), {"张三": zhang, "李四": li}


def test_heatmap_shows_a_symbol_and_words_for_each_cell(client, club):
    cohort, _cases, _people = club

    page = html_of(client.get(f"/c/{cohort.slug}/tracking"))

    titles = re.findall(r'<td class="hm (\w+)" title="([^"]*)">', page)
    assert titles == [("on_time", "张三 · Case 1 · on time"),
                      ("on_time", "张三 · Case 2 · on time"),
                      ("late", "李四 · Case 1 · late 5h"), ("missed", "李四 · Case 2 · missed")]
    assert '<span aria-hidden="true">◐</span><span class="vh">late 5h</span>' in page
    assert re.findall(r'<th scope="row" class="hm-name"><a [^>]+>(\w+)</a>', page) == [
        "张三", "李四"]
    assert "<caption" in page
    assert re.findall(r"\sstyle=", page) == []


def test_heatmap_chart_is_inline_svg_with_rates(client, club):
    cohort, _cases, _people = club

    page = html_of(client.get(f"/c/{cohort.slug}/tracking"))

    assert re.findall(r'<text class="pct"[^>]*>(\d+%)</text>', page) == ["100%", "50%"]
    assert "<desc id=\"rates-desc\">Case 1: 100% (2/2); Case 2: 50% (1/2)</desc>" in page
    assert re.findall(r'<td class="num rate">(\d+%)</td>', page) == ["100%", "50%"]


# names sort by code point: 张 U+5F20 < 李 U+674E < 王 U+738B
@pytest.mark.parametrize(("sort", "order"), [("name", ["张三", "李四", "王五"]),
                                             ("missed", ["王五", "李四", "张三"]),
                                             ("joined", ["王五", "张三", "李四"])])
def test_heatmap_sorts_by_link(client, club, sort, order):
    cohort, _cases, _people = club
    learner(cohort, "王五", joined=LONG_AGO - timedelta(days=1))  # nothing handed in

    page = html_of(client.get(f"/c/{cohort.slug}/tracking?sort={sort}"))

    assert re.findall(r'<th scope="row" class="hm-name"><a [^>]+>(\w+)</a>', page) == order
    assert f'href="/c/{cohort.slug}/tracking?sort={sort}" aria-current="true"' in page


def test_heatmap_refuses_an_unknown_sort(client, club):
    cohort, _cases, _people = club

    assert client.get(f"/c/{cohort.slug}/tracking?sort=email").status_code == 400


def test_heatmap_shows_removed_learners_only_when_asked(client, club):
    cohort, _cases, people = club
    Membership.update(status="removed", removed_at=timeline.now()).where(
        Membership.user == people["李四"]).execute()

    hidden = html_of(client.get(f"/c/{cohort.slug}/tracking"))
    shown = html_of(client.get(f"/c/{cohort.slug}/tracking?removed=1"))

    assert ("李四 · Case 1" in hidden, "李四 · Case 1" in shown) == (False, True)
    assert '<tr class="removed">' in shown


def test_learners_get_403_on_staff_pages(client, login_as, app):
    cohort = make_cohort()
    (case,) = closed_cases(cohort, 1)
    other = learner(cohort, "别人")
    login_as(learner(cohort, "我"))

    codes = [client.get(url).status_code for url in (
        f"/c/{cohort.slug}/tracking", f"/c/{cohort.slug}/tracking.csv",
        f"/c/{cohort.slug}/tracking/cases/{case.id}",
        f"/c/{cohort.slug}/members/{other.id}/homework")]

    assert codes == [403, 403, 403, 403]


def test_csv_is_excel_ready_and_defuses_formulas(client, login_as, app):
    cohort = make_cohort()
    first, second = closed_cases(cohort, 2, titles=["案例一", "+SUM(1)"])
    zhang = learner(cohort, "张三", email="zhang@example.org")
    eve = learner(cohort, "=cmd|' /C calc'!A0", email="eve@example.org")
    hand_in(first, zhang, at=at(first, 1))
    hand_in(second, zhang, at=at(second, 80), late_seconds=8 * 3600)
    excuse(first, eve)
    login_as(cohort.created_by)

    response = client.get(f"/c/{cohort.slug}/tracking.csv")

    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="{cohort.slug}-homework.csv"')
    assert response.data.decode("utf-8") == (
        "\ufeffname,email,joined,案例一,'+SUM(1),submitted,late,missed,excused\r\n"
        "'=cmd|' /C calc'!A0,eve@example.org,2026-10-02,excused,missed,0,0,1,1\r\n"
        "张三,zhang@example.org,2026-10-02,on_time,late,2,1,0,0\r\n")
    assert response.data.startswith(b"\xef\xbb\xbf")


def _heatmap_queries(client, host, *, learners, cases):
    """Statements run by the heatmap of a new cohort of that size, with every state in it."""
    cohort = make_cohort(host=host)
    people = [learner(cohort, f"学员{j}") for j in range(learners)]
    for i, case in enumerate(closed_cases(cohort, cases)):
        for j, person in enumerate(people):
            if (i + j) % 3 == 1:
                hand_in(case, person, at=at(case, 1), late_seconds=(j % 2) * 3600)
            elif (i + j) % 3 == 2:
                excuse(case, person)
    with count_queries() as statements:
        response = client.get(f"/c/{cohort.slug}/tracking")
    assert response.status_code == 200
    return len(statements)


def test_heatmap_queries_do_not_grow_with_learners_or_cases(client, login_as, app):
    host = login_as(make_user(can_host=True))
    client.get("/")  # the first page after signing in may refresh the session

    assert _heatmap_queries(client, host, learners=3, cases=2) == _heatmap_queries(
        client, host, learners=12, cases=6)


def test_case_report_lists_each_group(client, club):
    cohort, (first, _second), _people = club
    excuse(first, learner(cohort, "王五"), reason="出差")
    learner(cohort, "赵六")

    page = html_of(client.get(f"/c/{cohort.slug}/tracking/cases/{first.id}"))

    groups = re.findall(r'<section class="card report" aria-labelledby="report-(\w+)">(.*?)'
                        r"</section>", page, re.S)
    names = {key: re.findall(r'/homework">([^<]+)</a>', body) for key, body in groups}
    assert names == {"on_time": ["张三"], "late": ["李四"], "missed": ["赵六"],
                     "excused": ["王五"]}
    assert "出差" in page


def test_case_report_of_a_case_not_out_is_not_found(client, club):
    cohort, _cases, _people = club
    coming = add_case(cohort, "未来", timeline.now() + timedelta(days=2))

    assert client.get(f"/c/{cohort.slug}/tracking/cases/{coming.id}").status_code == 404


def test_a_learner_reads_their_own_history_even_once_removed(app, club):
    cohort, _cases, people = club
    Membership.update(status="removed", removed_at=timeline.now()).where(
        Membership.user == people["李四"]).execute()
    browser = app.test_client()
    browser.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    browser.post("/login", data={"email": people["李四"].email,
                                 "password": PASSWORD})

    own = browser.get(f"/c/{cohort.slug}/members/{people['李四'].id}/homework")
    other = browser.get(f"/c/{cohort.slug}/members/{people['张三'].id}/homework")

    assert (own.status_code, other.status_code) == (200, 403)
    assert re.findall(r'<span class="hm-chip (\w+)">', html_of(own)) == ["missed", "late"]


def test_best_of_shows_featured_homework_sanitised(client, login_as, app):
    cohort = make_cohort()
    (case,) = closed_cases(cohort, 1)
    author = learner(cohort, "作者")
    hand_in(case, author, at=at(case, 1), featured=True,
            body="**好作业**<script>alert(1)</script>")
    login_as(learner(cohort, "读者"))

    page = html_of(client.get(f"/c/{cohort.slug}/best"))

    assert "<strong>好作业</strong>" in page
    assert "<script>alert" not in page


def test_leaderboard_and_points_for_members(client, club):
    cohort, (first, _second), people = club
    for key, (name, points) in enumerate([("张三", 10), ("张三", 10), ("李四", 5)]):
        PointEvent.create(cohort=cohort, user=people[name], key=f"k{key}", kind="on_time",
                          points=points, case=first, created_at=timeline.now())
    client.post("/logout")
    client.post("/login", data={"email": people["李四"].email,
                                "password": PASSWORD})

    board = html_of(client.get(f"/c/{cohort.slug}/leaderboard"))
    points = html_of(client.get(f"/c/{cohort.slug}/points/{people['张三'].id}"))

    rows = re.findall(r'<td class="num">(\d+)</td>\s*<th scope="row"><a [^>]+>(\w+)</a></th>\s*'
                      r'<td class="num">(\d+)</td>', board)
    assert rows == [("1", "张三", "20"), ("2", "李四", "5")]
    assert re.findall(r'<td class="num">([+-]\d+)</td>', points) == ["+10", "+10"]


def test_leaderboard_is_not_found_when_points_are_off(client, login_as, app):
    cohort = make_cohort(points_enabled=False)
    me = learner(cohort, "我")
    login_as(me)

    codes = [client.get(f"/c/{cohort.slug}/leaderboard").status_code,
             client.get(f"/c/{cohort.slug}/points/{me.id}").status_code]

    assert codes == [404, 404]
    assert "/leaderboard" not in html_of(client.get(f"/c/{cohort.slug}/best"))


def test_staff_nav_links_to_tracking(client, club):
    cohort, _cases, _people = club

    page = html_of(client.get(f"/c/{cohort.slug}/best"))

    assert f'href="/c/{cohort.slug}/tracking"' in page
