"""The read side through the pages: one answer to "may this reader see this peer homework" on
the case page, in search and on the best-of page; likes and comments only on homework the
reader may read; the editor wherever the learner may write (an extension included); a
removed learner's history only up to their removal.

The tests with a comment above them failed before the read side was unified
(domain/homework/queries.py, domain/cases/queries.py); the comment says how the pages
disagreed. The others pin what did not change."""
import re
from datetime import timedelta

from learnclub.domain.homework.feedback import toggle_featured
from learnclub.domain.homework.submission import submit_homework
from learnclub.domain.participation.leave import grant_extension
from learnclub.models import Comment, Like, Membership, Submission
from tests.factories import make_case, make_cohort, make_member, make_user
from tests.query_count import count_queries
from tests.timeline import START

NOW = START


def html_of(response):
    return response.get_data(as_text=True)


def _case(cohort, hours_ago, title="案例一"):
    """A case out `hours_ago` hours before now (default window: due 72 h, grace 12 h more)."""
    return make_case(cohort, publish_at=NOW - timedelta(hours=hours_ago), title=title)


def _hand_in(case, text, *, hours=1, featured=False):
    """A peer's homework, written `hours` after publication, featured by the host if asked."""
    at = case.publish_at + timedelta(hours=hours)
    submission, _ = submit_homework(case, make_member(case.cohort), text, now=at)
    if featured:
        toggle_featured(submission, actor=case.cohort.created_by, now=at)
    return submission


def _found(client, cohort, query):
    page = html_of(client.get(f"/c/{cohort.slug}/search", query_string={"q": query}))
    return re.findall(r'<h2><a href="[^"]*">([^<]*)</a></h2>', page)


# after_submission, a learner who handed in on an open case: the case page showed the
# featured pick, the best-of page hid it until grace was over
def test_best_of_shows_a_pick_to_a_learner_who_handed_in_while_open(client, login_as):
    cohort = make_cohort()
    case = _case(cohort, 2)
    _hand_in(case, "精选的作业内容", featured=True)
    reader = login_as(make_member(cohort))
    submit_homework(case, reader, "我自己的作业", now=NOW)

    case_page = html_of(client.get(f"/c/{cohort.slug}/cases/{case.id}"))
    best = html_of(client.get(f"/c/{cohort.slug}/best"))

    assert ("精选的作业内容" in case_page, "精选的作业内容" in best) == (True, True)


# after_submission, a learner who never handed in, after grace: the best-of page showed the
# featured pick, the case page hid every peer's homework
def test_case_page_shows_featured_picks_after_grace_to_a_learner_who_wrote_nothing(
        client, login_as):
    cohort = make_cohort()
    case = _case(cohort, 90)  # grace ended 6 h ago
    _hand_in(case, "精选的作业内容", featured=True)
    _hand_in(case, "普通的作业内容", hours=2)
    login_as(make_member(cohort))

    case_page = html_of(client.get(f"/c/{cohort.slug}/cases/{case.id}"))
    best = html_of(client.get(f"/c/{cohort.slug}/best"))

    assert ("精选的作业内容" in best, "精选的作业内容" in case_page,
            "普通的作业内容" in case_page) == (True, True, False)


# the same reader in search: the featured pick the best-of page shows was not found
def test_search_finds_featured_picks_after_grace_for_a_learner_who_wrote_nothing(
        client, login_as):
    cohort = make_cohort()
    case = _case(cohort, 90)
    _hand_in(case, "精选的作业内容", featured=True)
    _hand_in(case, "普通的作业内容", hours=2)
    login_as(make_member(cohort))

    assert (_found(client, cohort, "精选的作业"), _found(client, cohort, "普通的作业")) == (
        ["案例一"], [])


# after_due, past the due time: the case page showed peers' homework, search only the
# reader's own
def test_search_finds_peers_homework_after_due_like_the_case_page(client, login_as):
    cohort = make_cohort(peer_visibility="after_due")
    case = _case(cohort, 74)  # due 2 h ago
    _hand_in(case, "同学写的作业内容")
    login_as(make_member(cohort))

    case_page = html_of(client.get(f"/c/{cohort.slug}/cases/{case.id}"))

    assert ("同学写的作业内容" in case_page, _found(client, cohort, "同学写的作业")) == (
        True, ["案例一"])


def test_search_hides_peers_homework_before_due_under_after_due(client, login_as):
    cohort = make_cohort(peer_visibility="after_due")
    case = _case(cohort, 2)
    _hand_in(case, "同学写的作业内容")
    login_as(make_member(cohort))

    assert _found(client, cohort, "同学写的作业") == []


# a learner who may not read a peer's homework liked it by id (302, stored), and a hidden
# id answered 302 where a missing one answered 404
def test_like_on_hidden_homework_is_not_found_like_a_missing_one(client, login_as):
    cohort = make_cohort()
    case = _case(cohort, 2)
    hidden = _hand_in(case, "同学的作业")
    login_as(make_member(cohort))

    codes = [client.post(f"/c/{cohort.slug}/homework/{hidden.id}/like").status_code,
             client.post(f"/c/{cohort.slug}/homework/{hidden.id + 1000}/like").status_code]

    assert (codes, Like.select().count()) == ([404, 404], 0)


def test_comment_on_hidden_homework_is_not_found_and_stores_nothing(client, login_as):
    cohort = make_cohort()
    case = _case(cohort, 2)
    hidden = _hand_in(case, "同学的作业")
    login_as(make_member(cohort))

    codes = [client.post(f"/c/{cohort.slug}/homework/{sid}/comments",
                         data={"body_md": "偷看一下"}).status_code
             for sid in (hidden.id, hidden.id + 1000)]

    assert (codes, Comment.select().count()) == ([404, 404], 0)


def test_like_and_comment_once_the_reader_may_read_the_homework(client, login_as):
    cohort = make_cohort()
    case = _case(cohort, 2)
    peer = _hand_in(case, "同学的作业")
    reader = login_as(make_member(cohort))
    submit_homework(case, reader, "我的作业", now=NOW)

    codes = [client.post(f"/c/{cohort.slug}/homework/{peer.id}/like").status_code,
             client.post(f"/c/{cohort.slug}/homework/{peer.id}/comments",
                         data={"body_md": "学到了"}).status_code]

    assert (codes, Like.select().count(), Comment.select().count()) == ([302, 302], 1, 1)


# a learner with an extension could hand in after grace (the domain skipped the window), but
# the case page offered the editor only while open or in grace
def test_case_page_offers_the_editor_during_an_extension_after_grace(client, login_as):
    cohort = make_cohort()
    case = _case(cohort, 90)
    learner = login_as(make_member(cohort))
    grant_extension(case, learner, until=NOW + timedelta(days=1), actor=cohort.created_by,
                    now=NOW)

    page = html_of(client.get(f"/c/{cohort.slug}/cases/{case.id}"))
    response = client.post(f"/c/{cohort.slug}/cases/{case.id}/homework",
                           data={"body_md": "延期后交的作业"})

    assert ('id="homework-form"' in page, response.status_code) == (True, 302)
    assert Submission.get(Submission.user == learner).is_late is True


def test_case_page_offers_no_editor_after_grace_without_an_extension(client, login_as):
    cohort = make_cohort()
    case = _case(cohort, 90)
    login_as(make_member(cohort))

    page = html_of(client.get(f"/c/{cohort.slug}/cases/{case.id}"))

    assert 'id="homework-form"' not in page


# a removed learner's own history listed the titles of cases published after their removal,
# which "My homework", the export and the API hide
def test_removed_learners_history_stops_at_their_removal(client, login_as):
    cohort = make_cohort()
    _case(cohort, 200, title="离开前的案例")
    _case(cohort, 2, title="离开后的案例")
    learner = make_member(cohort)
    Membership.update(status="removed", removed_at=NOW - timedelta(hours=100)).where(
        Membership.user == learner).execute()
    login_as(learner)

    own = html_of(client.get(f"/c/{cohort.slug}/members/{learner.id}/homework"))
    mine = html_of(client.get(f"/c/{cohort.slug}/homework/mine"))

    assert ("离开前的案例" in own, "离开后的案例" in own) == (True, False)
    assert ("离开前的案例" in mine, "离开后的案例" in mine) == (True, False)


def test_staff_see_a_removed_learners_whole_history(client, login_as):
    cohort = make_cohort()
    _case(cohort, 200, title="离开前的案例")
    _case(cohort, 2, title="离开后的案例")
    learner = make_member(cohort, make_user())
    Membership.update(status="removed", removed_at=NOW - timedelta(hours=100)).where(
        Membership.user == learner).execute()
    login_as(cohort.created_by)

    page = html_of(client.get(f"/c/{cohort.slug}/members/{learner.id}/homework"))

    assert ("离开前的案例" in page, "离开后的案例" in page) == (True, True)


def _page_queries(client, path):
    with count_queries() as statements:
        assert client.get(path).status_code == 200
    return len(statements)


def test_case_page_and_best_of_queries_do_not_grow_with_peers(client, login_as):
    cohort = make_cohort(peer_visibility="always")
    case = _case(cohort, 2)
    login_as(make_member(cohort))
    client.get("/")  # the first page after signing in may refresh the session

    def counts(peers):
        for n in range(peers):
            _hand_in(case, f"第{n}份作业", featured=n % 2 == 0)
        return (_page_queries(client, f"/c/{cohort.slug}/cases/{case.id}"),
                _page_queries(client, f"/c/{cohort.slug}/best"))

    few = counts(2)
    assert counts(6) == few
