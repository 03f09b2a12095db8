"""The search index (domain/search/grams.py, migrations/0017_search_grams.py): one-, two- and
four-character Chinese, English words and mixed queries found through it on both backends;
any write keeps it current (rows are written directly: the index must not depend on the
domain's write paths); what a reader finds is what `readable_submissions` lets them read;
bad queries never fail; the page stops at `limit`, newest first, in a bounded number of
queries."""
import pytest

from learnclub import clock
from learnclub.domain.homework.queries import readable_submissions
from learnclub.domain.search import queries
from learnclub.domain.search.grams import term_grams, text_grams
from learnclub.domain.search.queries import search
from learnclub.models import Case, Submission
from tests import corpora
from tests.factories import T0, make_case, make_cohort, make_member, make_user
from tests.query_count import count_queries

TEXTS = {
    "group": "我们的社群从一个微信群开始，后来做了社区团购。",
    "growth": "How a Community grows: growth loops and referrals.",
    "mixed": "社群增长靠 growth loop，也靠团长。",
    "other": "读书打卡三十天，写作习惯养成。",
}


@pytest.fixture
def lab(app):
    return make_cohort(host=make_user(can_host=True), slug="lab", peer_visibility="always")


def write(case, text, user=None):
    return Submission.create(case=case, user=user or make_member(case.cohort), body_md=text,
                             submitted_at=T0, updated_at=T0)


def found(cohort, query, reader=None):
    reader = reader or cohort.created_by
    return [r.ref["submission_id"] for r in
            search(cohort, query, reader=reader, now=clock.now()).results]


@pytest.fixture
def written(lab):
    case = make_case(lab)
    return {key: write(case, text).id for key, text in TEXTS.items()}


@pytest.mark.parametrize(("query", "keys"), [
    ("群", ["group", "mixed"]),  # one character
    ("微", ["group"]),
    ("社群", ["group", "mixed"]),  # two
    ("团长", ["mixed"]),
    ("社区团购", ["group"]),  # four
    ("群增长靠", ["mixed"]),
    ("community", ["growth"]),  # English words, any case
    ("GROWTH", ["growth", "mixed"]),
    ("g", ["growth", "mixed"]),
    ("loops", ["growth"]),
    ("社群 growth", ["mixed"]),  # mixed: every term
    ("growth loop，", ["mixed"]),
    ("群从一", ["group"]),
    ("社团", []),  # both characters are there, not side by side
    ("loops growth团", []),
    ("量子", []),
])
def test_index_finds_chinese_english_and_mixed_terms(lab, written, query, keys):
    assert sorted(found(lab, query)) == sorted(written[k] for k in keys)


def test_grams_of_a_text_and_what_a_term_needs():
    assert set(text_grams("Ab学习，c").split()) == {"a", "b", "学", "习", "c", "ab", "b学",
                                                  "学习", "ab学", "b学习"}
    assert term_grams("学") == ["学"]
    assert term_grams("学习") == ["学习"]
    assert term_grams("学习方法") == ["学习方", "习方法"]
    assert term_grams("Growth-loop") == ["gro", "row", "owt", "wth", "loo", "oop"]
    assert term_grams("%_!") == []


def test_edit_and_delete_keep_the_index_current(lab, written):
    Submission.update(body_md="改版后：私域流量").where(
        Submission.id == written["group"]).execute()
    assert found(lab, "私域") == [written["group"]]
    assert found(lab, "社区团购") == []

    Submission.delete().where(Submission.id == written["mixed"]).execute()
    assert found(lab, "社群") == []
    Case.get().delete_instance()  # cascades to every submission on it
    assert found(lab, "community") == []


def test_finds_exactly_what_the_reader_may_read(lab):
    lab.peer_visibility = "after_submission"
    lab.save()
    case, other = make_case(lab), make_case(lab, title="案例二")
    writer, reader = make_member(lab), make_member(lab)
    mine = write(case, "我的社群作业", reader).id
    theirs = write(case, "他的社群作业", writer).id
    hidden = write(other, "另一个社群作业", writer).id
    for person in (reader, writer, lab.created_by, make_user()):
        may_read = {s.id for s in readable_submissions(lab, person, now=clock.now())}
        assert set(found(lab, "社群", person)) == may_read & {mine, theirs, hidden}
    assert set(found(lab, "社群", reader)) == {mine, theirs}


def test_corpora_as_queries_never_fail(lab, written):
    for query in corpora.naughty_strings() + corpora.xss_payloads()[::7]:
        result = search(lab, query, reader=lab.created_by, now=clock.now())
        assert len(result.results) <= 30


def test_page_stops_at_the_limit_newest_first(lab):
    case = make_case(lab)
    ids = [write(case, f"第{n}篇：社群运营").id for n in range(45)]

    page = search(lab, "社群", reader=lab.created_by, now=clock.now(), limit=10)

    assert [r.ref["submission_id"] for r in page.results] == ids[::-1][:10]
    assert page.more is True
    assert search(lab, "第44篇", reader=lab.created_by, now=clock.now()).more is False


def test_older_rows_are_found_through_the_index(lab, monkeypatch):
    monkeypatch.setattr(queries, "RECENT", 2)  # only the two newest rows go by LIKE alone
    case = make_case(lab)
    old = [write(case, f"旧作业{n}：冷启动").id for n in range(3)]
    new = [write(case, "新作业").id for _ in range(3)]

    assert found(lab, "冷启动") == old[::-1]
    assert found(lab, "新作业") == new[::-1]


def test_query_count_does_not_grow_with_rows(lab):
    case = make_case(lab)
    counts = []
    for rows in (2, 5, 40, 120):
        while Submission.select().count() < rows:
            write(case, "社群运营的作业")
        search(lab, "社群", reader=lab.created_by, now=clock.now())  # index up to date
        with count_queries() as ran:
            search(lab, "社群运营", reader=lab.created_by, now=clock.now())
        counts.append(len(ran))
    few, few_more, page, pages = counts
    assert few == few_more  # fewer matches than a page: the newest rows, then the index
    assert page == pages <= few  # a full page among the newest rows: the index not needed
