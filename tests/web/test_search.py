"""Search through the page: talks, cases and homework found in Chinese (one, two and more
characters) and English, kept current when texts change, escaped snippets with <mark>, and
who may search what."""
import re

import pytest

from learnclub import clock
from learnclub.domain.search.queries import search, snippet
from learnclub.domain.sharing.archive import publish_transcript
from learnclub.models import Case, Submission, Talk
from tests.factories import T0, make_case, make_cohort, make_member, make_user
from tests.query_count import count_queries


def talk_in(cohort, number, topic, transcript):
    """A talk already in the archive as 第N期 (rows written directly: search only reads)."""
    return Talk.create(cohort=cohort, guest=make_member(cohort, role="guest"), topic=topic,
                       status="held", transcript_md=transcript, number=number,
                       published_at=T0, created_at=T0, updated_at=T0)


@pytest.fixture
def lab(app):
    cohort = make_cohort(host=make_user(can_host=True), slug="lab", is_public=False)
    talk_in(cohort, 1, "从一个群到一张网", "我们的社群从一个微信群开始，后来做了社区团购。")
    talk_in(cohort, 2, "Growth loops", "How a Community grows by referrals, 100% organic_ly.")
    make_case(cohort, title="社区团购的冷启动", body_md="一个小区的团长怎么找到第一批用户。")
    return cohort


def found(client, query, slug="lab"):
    response = client.get(f"/c/{slug}/search", query_string={"q": query})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    return re.findall(r'<h2><a href="[^"]*">([^<]*)</a></h2>', page), page


@pytest.fixture
def member(lab, login_as):
    return login_as(make_member(lab))


@pytest.mark.parametrize(("query", "titles"), [
    ("群", ["从一个群到一张网"]),  # 社群 and 微信群 in the talk only
    ("社群", ["从一个群到一张网"]),
    ("社区团购", ["社区团购的冷启动", "从一个群到一张网"]),
    ("community", ["Growth loops"]),
    ("GROWTH loops", ["Growth loops"]),
    ("团长 用户", ["社区团购的冷启动"]),
    ("没有这个词", []),
])
def test_search_finds_talks_and_cases_in_chinese_and_english(client, member, query, titles):
    assert sorted(found(client, query)[0]) == sorted(titles)


def test_search_wildcards_are_literal(client, member):
    assert found(client, "100%")[0] == ["Growth loops"]
    assert found(client, "%")[0] == ["Growth loops"]
    assert found(client, "c_mmunity")[0] == []
    assert found(client, "_l")[0] == ["Growth loops"]


def test_search_edited_transcript_found_by_new_text_only(lab, client, member):
    talk = Talk.get(Talk.number == 1)
    publish_transcript(talk, "改版后的文字：私域流量。", actor=lab.created_by, now=T0)

    assert found(client, "私域流量")[0] == ["从一个群到一张网"]
    assert found(client, "微信群")[0] == []
    assert found(client, "私域")[0] == ["从一个群到一张网"]


def test_search_unpublished_archived_or_deleted_case_disappears(lab, client, member):
    case = Case.get()
    Case.update(publish_at=clock.now().replace(year=2099)).where(Case.id == case.id).execute()
    assert found(client, "团长")[0] == []
    Case.update(publish_at=T0, archived_at=T0).where(Case.id == case.id).execute()
    assert found(client, "团长")[0] == []
    Case.update(archived_at=None).where(Case.id == case.id).execute()
    assert found(client, "团长")[0] == ["社区团购的冷启动"]
    case.delete_instance()
    assert found(client, "团长")[0] == []
    assert found(client, "冷启动")[0] == []


def test_search_snippet_escaped_with_mark(lab, client, member):
    talk_in(lab, 3, "安全", "前文<script>alert('x')</script>社群运营后文")

    _titles, page = found(client, "社群运营")

    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;<mark>社群运营</mark>后文" in page


def test_search_snippet_marks_every_term_case_insensitively():
    assert str(snippet("a <b> Community & COMMUNITY", ["community"])) == (
        "a &lt;b&gt; <mark>Community</mark> &amp; <mark>COMMUNITY</mark>")


def test_search_empty_and_long_queries(lab, client, member):
    assert found(client, "   ")[0] == []
    titles, page = found(client, "社群" + "x" * 120)
    assert titles == []
    assert "Only the first 100 characters of your search were used." in page


def test_search_homework_own_and_peers_after_submission(lab, client, login_as):
    case = Case.get()
    writer, reader, host = make_member(lab), make_member(lab), lab.created_by
    Submission.create(case=case, user=writer, body_md="我们小区的团长是宝妈", submitted_at=T0,
                      updated_at=T0)
    login_as(reader)
    assert found(client, "宝妈")[0] == []  # after_submission: the reader has written nothing
    Submission.create(case=case, user=reader, body_md="我的作业", submitted_at=T0,
                      updated_at=T0)
    assert found(client, "宝妈")[0] == ["社区团购的冷启动"]
    assert found(client, "我的作业")[0] == ["社区团购的冷启动"]
    client.post("/logout")
    login_as(host)
    assert found(client, "宝妈")[0] == ["社区团购的冷启动"]


def test_search_private_cohort_refuses_outsiders(lab, client, login_as):
    assert client.get("/c/lab/search?q=社群").status_code in (302, 403)
    login_as(make_user())
    assert client.get("/c/lab/search?q=社群").status_code == 403


def test_search_public_cohort_visitors_see_archive_only(app, client):
    cohort = make_cohort(slug="open", is_public=True)
    talk_in(cohort, 1, "公开分享", "社群的故事")
    make_case(cohort, title="会员案例", body_md="社群的案例")

    assert found(client, "社群", slug="open")[0] == ["公开分享"]


def test_search_query_count_is_fixed(lab, member):
    for n in range(3, 8):
        talk_in(lab, n, f"社群{n}", "社群运营")
    with count_queries() as few:
        search(lab, "社群", reader=member, now=clock.now())
    for n in range(8, 20):
        talk_in(lab, n, f"社群{n}", "社群运营")
    with count_queries() as many:
        search(lab, "社群运营", reader=member, now=clock.now())
    assert len(many) == len(few)
