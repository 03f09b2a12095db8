"""Screening applications (docs/rules.md "Screening applications"): the review list's
filters, sort and pages, staff's scores and tags, and bulk decisions under the capacity."""
from datetime import timedelta

import pytest

from learnclub import clock
from learnclub.domain.cohorts import screening
from learnclub.domain.errors import DomainError
from learnclub.models import Application, ApplicationTag, Membership, OutboxMessage, User
from tests import corpora
from tests.factories import T0, make_application, make_cohort, make_member, make_user


def names(found):
    return [a.user.display_name for a in found.rows]


def applicant(cohort, name, *, city="", industry="", days=0, **values):
    user = make_user(display_name=name, city=city, industry=industry)
    return make_application(cohort, user, created_at=T0 + timedelta(days=days), **values)


@pytest.fixture
def cohort(app):
    cohort = make_cohort()
    applicant(cohort, "Bob", city="上海", industry="零售", days=2, motivation="想做社区团购")
    applicant(cohort, "安娜", city="杭州", industry="教育", days=1, background="宝妈,带过读书会")
    applicant(cohort, "Carl", city="上海", industry="教育", days=3, motivation="100% 想学")
    applicant(cohort, "Dora", city="上海", days=0, status="waitlisted")
    return cohort


def test_parse_ignores_what_it_does_not_know():
    screen = screening.parse({"status": "deleted", "sort": "password", "page": "9" * 40,
                              "score": "6", "city": " 上海\x00 ", "tag": " Ｐython "})

    assert (screen.status, screen.sort, screen.score, screen.city, screen.tag) == (
        "submitted", "date", "", "上海", "python")
    assert screen.page == 999_999_999
    assert screening.parse({"page": "abc"}).page == screening.parse({"page": "-3"}).page == 1


def test_filters_and_sorts(cohort):
    def find(**args):
        return names(screening.screen_page(cohort, screening.parse(args)))

    assert find() == ["安娜", "Bob", "Carl"]  # oldest first, waiting only
    assert find(sort="-date") == ["Carl", "Bob", "安娜"]
    assert find(sort="name") == ["Bob", "Carl", "安娜"]
    assert find(city="上海") == ["Bob", "Carl"]
    assert find(city="上海", industry="教育") == ["Carl"]
    assert find(q="宝妈") == ["安娜"]
    assert find(q="bob") == ["Bob"]  # names ignore case
    assert find(q="100%") == ["Carl"]  # % is a character, not a wildcard
    assert find(q="%") == ["Carl"]
    assert find(status="waitlisted") == ["Dora"]


def test_facets_and_counts(cohort):
    found = screening.screen_page(cohort, screening.parse({}))

    assert (found.cities, found.industries, found.total) == (
        ["上海", "杭州"], ["教育", "零售"], 3)
    assert found.counts == {"submitted": 3, "waitlisted": 1}


def of(name):
    return Application.select().join(User, on=Application.user).where(
        User.display_name == name).get()


def test_scores_and_tags_filter_and_sort(cohort):
    bob, anna, carl = of("Bob"), of("安娜"), of("Carl")
    assert screening.mark(bob, score="3", tags="宝妈, Python，python") == ["宝妈", "python"]
    screening.mark(anna, score=" 5 ", tags="宝妈")

    def find(**args):
        return names(screening.screen_page(cohort, screening.parse(args)))

    assert find(sort="score") == ["安娜", "Bob", "Carl"]  # unscored last
    assert find(score="4") == ["安娜"]
    assert find(score="3") == ["安娜", "Bob"]
    assert find(score="none") == ["Carl"]
    assert find(tag="宝妈") == ["安娜", "Bob"]
    assert find(tag="PYTHON") == ["Bob"]
    found = screening.screen_page(cohort, screening.parse({}))
    assert (found.tags[bob.id], found.all_tags) == (["python", "宝妈"], ["python", "宝妈"])
    screening.mark(bob, score="", tags="")
    assert (Application.get_by_id(bob.id).score, screening.tags_of(bob)) == (None, [])
    assert carl.score is None


@pytest.mark.parametrize("score", ["0", "6", "abc", "2.5", "٣", "-1", "1e1"])
def test_a_bad_score_changes_nothing(cohort, score):
    application = Application.select().first()
    screening.mark(application, score="2", tags="好")

    with pytest.raises(DomainError) as refused:
        screening.mark(application, score=score, tags="别的")

    assert refused.value.field == "score"
    assert (Application.get_by_id(application.id).score, screening.tags_of(application)) == (
        2, ["好"])


def test_too_many_or_too_long_tags_change_nothing(cohort):
    application = Application.select().first()
    for tags in (",".join(str(n) for n in range(9)), "x" * 21):
        with pytest.raises(DomainError) as refused:
            screening.mark(application, score="4", tags=tags)
        assert refused.value.field == "tags"
    assert (Application.get_by_id(application.id).score, ApplicationTag.select().count()) == (
        None, 0)


def test_corpora_as_tags_and_free_text_never_break(cohort):
    application = Application.select().first()
    for text in corpora.naughty_strings() + corpora.xss_payloads():
        try:
            tags = screening.mark(application, score="1", tags=text)
        except DomainError:
            continue
        assert screening.tags_of(application) == sorted(tags)
        for tag in tags[:1]:
            found = screening.screen_page(cohort, screening.parse({"tag": tag}))
            assert application.id in [a.id for a in found.rows]
    for text in corpora.naughty_strings():
        screening.screen_page(cohort, screening.parse({"q": text, "city": text, "tag": text}))


def test_pages_of_fifty_and_a_page_past_the_end_shows_the_last(app):
    cohort = make_cohort()
    for n in range(screening.PER_PAGE + 3):
        applicant(cohort, f"学员{n:03d}", days=n)

    second = screening.screen_page(cohort, screening.parse({"page": "2"}))
    far = screening.screen_page(cohort, screening.parse({"page": "99999999999"}))

    assert (second.pages, second.page, names(second)) == (2, 2, ["学员050", "学员051",
                                                                 "学员052"])
    assert (far.page, names(far)) == (2, names(second))


def test_bulk_admit_stops_at_the_capacity_and_waitlists_the_rest(app):
    cohort = make_cohort(capacity=3)
    make_member(cohort)
    waiting = [applicant(cohort, f"申请人{n}", days=n) for n in range(4)]
    other_cohort = make_application(make_cohort())

    report = screening.decide_many(cohort, [a.id for a in waiting] + [other_cohort.id, "x"],
                                   "admitted", actor=cohort.created_by, now=clock.now(),
                                   message="欢迎加入！")

    assert report == {"done": 2, "waitlisted_full": 2, "full": 0, "skipped": 1}
    assert [Application.get_by_id(a.id).status for a in waiting] == [
        "admitted", "admitted", "waitlisted", "waitlisted"]  # the oldest first
    assert Membership.active_learners(cohort).count() == 3
    admitted_mail = OutboxMessage.get(OutboxMessage.key == f"application:{waiting[0].id}:admitted")
    waitlist_mail = OutboxMessage.get(
        OutboxMessage.key == f"application:{waiting[3].id}:waitlisted")
    assert "欢迎加入！" in admitted_mail.body
    assert "欢迎加入！" not in waitlist_mail.body
    assert Application.get_by_id(other_cohort.id).status == "submitted"


def test_bulk_admit_from_the_waitlist_when_full_leaves_them_waiting(app):
    cohort = make_cohort(capacity=1)
    make_member(cohort)
    waitlisted = applicant(cohort, "候补", status="waitlisted")

    report = screening.decide_many(cohort, [waitlisted.id], "admitted",
                                   actor=cohort.created_by, now=clock.now())

    assert report == {"done": 0, "waitlisted_full": 0, "full": 1, "skipped": 0}
    assert Application.get_by_id(waitlisted.id).status == "waitlisted"


def test_bulk_decline_skips_the_already_decided(app):
    cohort = make_cohort()
    a, b = applicant(cohort, "甲"), applicant(cohort, "乙", status="admitted")

    report = screening.decide_many(cohort, [a.id, b.id, a.id], "rejected",
                                   actor=cohort.created_by, now=clock.now())

    assert report == {"done": 1, "waitlisted_full": 0, "full": 0, "skipped": 1}
    assert [Application.get_by_id(x.id).status for x in (a, b)] == ["rejected", "admitted"]


@pytest.mark.parametrize(("ids", "decision", "message"), [
    ("none", "admitted", ""), ("junk", "admitted", ""), ("mine", "deleted", ""),
    ("mine", "admitted", "长" * 20_001), ("too many", "rejected", "")])
def test_a_bad_bulk_decision_changes_nothing(app, ids, decision, message):
    cohort = make_cohort()
    application = applicant(cohort, "甲")
    chosen = {"none": [], "junk": ["abc", "", "1e3"], "mine": [str(application.id)],
              "too many": [application.id, *range(10_000, 10_501)]}[ids]

    with pytest.raises(DomainError):
        screening.decide_many(cohort, chosen, decision, actor=cohort.created_by,
                              now=clock.now(), message=message)

    assert Application.get_by_id(application.id).status == "submitted"
