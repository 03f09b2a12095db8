"""Pages that grow with a cohort: homework and comments keep the HTML rendered when written,
the case page shows peers' homework 50 at a time, the heatmap 50 learners a page; each
with a fixed number of queries."""
import re
from datetime import timedelta

from learnclub.domain.homework.submission import submit_homework
from learnclub.domain.participation.tracking import PER_PAGE
from learnclub.domain.rendering import render_markdown
from learnclub.models import Comment, Membership, Submission
from tests.domain.test_tracking import hand_in
from tests.factories import make_case, make_cohort, make_member, make_user
from tests.query_count import count_queries
from tests.timeline import START
from tests.web.test_tracking import at, closed_cases, learner

NOW = START


def _open_case(cohort):
    return make_case(cohort, publish_at=NOW - timedelta(hours=1))


def _peers(cohort, case, count):
    """`count` learners' homework on the case, written straight to the table (fast)."""
    for n in range(count):
        user = make_user(display_name=f"同学{n:03d}")
        Membership.create(cohort=cohort, user=user, role="learner", joined_at=NOW - timedelta(
            days=1))
        Submission.create(case=case, user=user, body_md=f"作业编号{n:03d}号", length=5,
                          submitted_at=NOW + timedelta(seconds=n),
                          updated_at=NOW + timedelta(seconds=n))


def test_homework_keeps_its_html_and_an_edit_renews_it(client, login_as):
    cohort = make_cohort()
    case = _open_case(cohort)
    learner_ = make_member(cohort)

    made, _ = submit_homework(case, learner_, "## 第一版\n三件事", now=NOW)
    first = Submission.get_by_id(made.id).body_html
    submit_homework(case, learner_, "## 第二版", now=NOW)

    assert first == f'<h2 id="s{made.id}:第一版">第一版</h2>\n<p>三件事</p>'
    assert Submission.get_by_id(made.id).body_html == f'<h2 id="s{made.id}:第二版">第二版</h2>'


def test_homework_without_anchors_is_stored_with_its_row_in_one_write(client):
    cohort = make_cohort()
    case = _open_case(cohort)

    with count_queries() as plain:
        made, _ = submit_homework(case, make_member(cohort), "**三件事**:先列清单", now=NOW)
    with count_queries() as anchored:
        other, _ = submit_homework(case, make_member(cohort), "## 标题\n正文[^1]\n\n[^1]: 注",
                                   now=NOW)

    assert Submission.get_by_id(made.id).body_html == "<p><strong>三件事</strong>:先列清单</p>"
    assert f'id="s{other.id}:标题"' in Submission.get_by_id(other.id).body_html
    writes = [[s for s in q if s.startswith('(\'UPDATE "submission"')] for q in (plain, anchored)]
    assert [len(w) for w in writes] == [0, 1]  # the anchors' id: known after the insert


def test_the_case_page_shows_the_stored_html_and_renders_rows_without_it(client, login_as):
    cohort = make_cohort(peer_visibility="always")
    case = _open_case(cohort)
    stored, _ = submit_homework(case, make_member(cohort), "正文", now=NOW)
    Submission.update(body_html="<p>存下的HTML</p>").where(Submission.id == stored.id).execute()
    older = hand_in(case, make_member(cohort), at=NOW, body="**旧作业**")  # body_html NULL
    login_as(make_member(cohort))

    page = client.get(f"/c/{cohort.slug}/cases/{case.id}").get_data(as_text=True)

    assert "<p>存下的HTML</p>" in page  # read, not rendered again
    assert "<p><strong>旧作业</strong></p>" in page
    assert older.body_html is None


def test_a_comment_keeps_its_html(client, login_as):
    cohort = make_cohort(peer_visibility="always")
    case = _open_case(cohort)
    submission, _ = submit_homework(case, make_member(cohort), "作业", now=NOW)
    login_as(make_member(cohort))

    client.post(f"/c/{cohort.slug}/homework/{submission.id}/comments",
                data={"body_md": "学到了[^1]\n\n[^1]: 注"})
    comment = Comment.get()
    page = client.get(f"/c/{cohort.slug}/cases/{case.id}").get_data(as_text=True)

    assert comment.body_html == render_markdown("学到了[^1]\n\n[^1]: 注",
                                                anchor_prefix=f"c{comment.id}:")
    assert f'id="c{comment.id}:fn:1"' in comment.body_html
    assert comment.body_html in page


def test_rendering_twice_in_a_row_starts_afresh():
    """One converter per thread is reused: footnotes and headings of one text never leak
    into the next."""
    first = render_markdown("# 标题\n一[^1]\n\n[^1]: 注一", anchor_prefix="a:")
    second = render_markdown("# 标题\n二", anchor_prefix="b:")
    relative = render_markdown("![图](x.png)", files_base="/c/a/cases/1/files/")
    other = render_markdown("![图](x.png)", files_base="/c/b/cases/2/files/")

    assert ('id="a:fn:1"' in first, "fn" in second) == (True, False)
    assert second == '<h1 id="b:标题">标题</h1>\n<p>二</p>'
    assert '"/c/a/cases/1/files/x.png"' in relative
    assert '"/c/b/cases/2/files/x.png"' in other
    assert render_markdown("<b>x</b>") == "<p>&lt;b&gt;x&lt;/b&gt;</p>"


def test_the_case_page_shows_50_peers_and_links_to_the_rest(client, login_as):
    cohort = make_cohort(peer_visibility="always")
    case = _open_case(cohort)
    _peers(cohort, case, 53)
    login_as(cohort.created_by)

    first = client.get(f"/c/{cohort.slug}/cases/{case.id}").get_data(as_text=True)
    more = f'href="/c/{cohort.slug}/cases/{case.id}?peers_page=2#peers"'
    second = client.get(f"/c/{cohort.slug}/cases/{case.id}?peers_page=2").get_data(as_text=True)

    assert re.findall(r"作业编号(\d+)号", first) == [f"{n:03d}" for n in range(50)]
    assert (more in first, "(53)" in first) == (True, True)
    assert re.findall(r"作业编号(\d+)号", second) == ["050", "051", "052"]
    assert f'href="/c/{cohort.slug}/cases/{case.id}?peers_page=1#peers"' in second
    assert "?peers_page=3" not in second


def test_a_peers_page_out_of_range_or_not_a_number_shows_a_page_in_range(client, login_as):
    cohort = make_cohort(peer_visibility="always")
    case = _open_case(cohort)
    _peers(cohort, case, 51)
    login_as(cohort.created_by)
    url = f"/c/{cohort.slug}/cases/{case.id}?peers_page="

    pages = {arg: client.get(url + arg) for arg in ("abc", "0", "-3", "999")}

    assert {arg: r.status_code for arg, r in pages.items()} == dict.fromkeys(pages, 200)
    assert "作业编号000号" in pages["abc"].get_data(as_text=True)
    assert "作业编号000号" in pages["0"].get_data(as_text=True)
    assert re.findall(r"作业编号(\d+)号", pages["999"].get_data(as_text=True)) == ["050"]


def _peers_page_queries(client, cohort, case):
    with count_queries() as statements:
        response = client.get(f"/c/{cohort.slug}/cases/{case.id}?peers_page=2")
    assert response.status_code == 200
    return len(statements)


def test_case_page_queries_do_not_grow_with_peers(client, login_as):
    cohort = make_cohort(peer_visibility="always")
    case = _open_case(cohort)
    reader = make_member(cohort)
    submit_homework(case, reader, "我的", now=NOW)
    login_as(reader)
    client.get("/")
    _peers(cohort, case, 55)
    few = _peers_page_queries(client, cohort, case)
    _peers(cohort, case, 70)

    assert _peers_page_queries(client, cohort, case) == few


def test_the_hosts_case_page_reads_the_membership_once_and_both_menu_counts_together(
        client, login_as):
    cohort = make_cohort(peer_visibility="always")
    case = _open_case(cohort)
    _peers(cohort, case, 3)
    login_as(cohort.created_by)
    client.get("/")

    with count_queries() as statements:
        page = client.get(f"/c/{cohort.slug}/cases/{case.id}").get_data(as_text=True)

    sql = [str(s) for s in statements]
    assert len([s for s in sql if 'FROM "membership"' in s]) == 1
    assert len([s for s in sql if 'FROM "application"' in s or 'FROM "talk"' in s]) == 1
    assert "同学002" in page


def _heatmap_club(count, host=None):
    cohort = make_cohort(host=host)
    case, = closed_cases(cohort, 1)
    people = [learner(cohort, f"学员{n:03d}") for n in range(count)]
    for n, person in enumerate(people):
        if n % 2:
            hand_in(case, person, at=at(case, 80), late_seconds=(n % 5 + 1) * 3600)
    return cohort


def test_heatmap_shows_a_page_of_learners_keeping_sort_and_removed(client, login_as):
    cohort = _heatmap_club(PER_PAGE + 3)
    login_as(cohort.created_by)

    first = client.get(f"/c/{cohort.slug}/tracking?sort=missed&removed=1").get_data(
        as_text=True)
    second = client.get(f"/c/{cohort.slug}/tracking?sort=missed&removed=1&page=2").get_data(
        as_text=True)
    rows = [len(re.findall(r'<th scope="row" class="hm-name"><a', p)) for p in (first, second)]

    assert (PER_PAGE, rows) == (50, [50, 3])
    assert f'href="/c/{cohort.slug}/tracking?sort=missed&amp;removed=1&amp;page=2"' in first
    assert f'href="/c/{cohort.slug}/tracking?sort=missed&amp;removed=1&amp;page=1"' in second
    assert ("Homework of 53 learners" in first, "late 1h" in first + second) == (True, True)


def test_heatmap_page_not_a_number_or_out_of_range_shows_a_page_in_range(client, login_as):
    cohort = _heatmap_club(PER_PAGE + 1)
    login_as(cohort.created_by)

    pages = [client.get(f"/c/{cohort.slug}/tracking?page={arg}") for arg in ("x", "0", "50")]

    assert [r.status_code for r in pages] == [200, 200, 200]
    assert [len(re.findall(r'<th scope="row" class="hm-name"><a', r.get_data(as_text=True)))
            for r in pages] == [PER_PAGE, PER_PAGE, 1]


def test_heatmap_queries_do_not_grow_with_pages(client, login_as):
    host = login_as(make_user(can_host=True))
    client.get("/")
    counts = []
    for size in (5, 130):
        cohort = _heatmap_club(size, host)
        with count_queries() as statements:
            assert client.get(f"/c/{cohort.slug}/tracking?page=2").status_code == 200
        counts.append(len(statements))

    assert counts[0] == counts[1]
