"""GET /api/v1/messages: the caller's messages, newest first, in cursor pages; nobody else's;
nothing marked read by reading them here; a page's queries independent of its rows."""
from datetime import timedelta

from learnclub.domain.homework import feedback
from learnclub.domain.homework.submission import submit_homework
from learnclub.models import InboxMessage
from tests.factories import make_case, make_cohort, make_member, make_user
from tests.query_count import count_queries
from tests.timeline import START

NOW = START


def homework_with_comments(n, slug="lab"):
    """A learner's homework with n comments by peers (the last: feedback by the host)."""
    cohort = make_cohort(host=make_user(can_host=True, display_name="群主"), slug=slug)
    case = make_case(cohort, title="小区生鲜团购", publish_at=NOW - timedelta(hours=1))
    learner = make_member(cohort)
    submission = submit_homework(case, learner, "先建三个群", now=NOW)[0]
    for i in range(n - 1):
        feedback.add_comment(submission, make_member(cohort), f"评论{i}", now=NOW)
    feedback.add_comment(submission, cohort.created_by, "<b>点评</b>", now=NOW)
    return learner, submission


def test_messages_newest_first_with_their_names(client, bearer):
    learner, submission = homework_with_comments(2)

    body = client.get("/api/v1/messages", headers=bearer(learner, scope="read")).get_json()

    newest = InboxMessage.select().order_by(InboxMessage.id.desc()).first()
    assert body["next_cursor"] is None
    assert [(m["kind"], m["excerpt"]) for m in body["items"]] == [
        ("feedback", "<b>点评</b>"), ("comment", "评论0")]
    assert {k: body["items"][0][k] for k in ("id", "cohort", "actor", "case", "topic",
                                             "read_at", "web_url")} == {
        "id": newest.id, "cohort": "lab", "actor": "群主", "case": "小区生鲜团购", "topic": "",
        "read_at": None, "web_url": f"http://localhost/messages/{newest.id}"}
    assert InboxMessage.select().where(InboxMessage.read_at.is_null()).count() == 2


def test_walking_pages_sees_each_message_once_and_nobody_elses(client, bearer):
    learner, _submission = homework_with_comments(7)
    headers, ids, cursor = bearer(learner), [], None
    while True:
        query = "?limit=3" + (f"&cursor={cursor}" if cursor else "")
        body = client.get("/api/v1/messages" + query, headers=headers).get_json()
        ids += [m["id"] for m in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break

    theirs = client.get("/api/v1/messages", headers=bearer(make_user())).get_json()

    assert ids == [m.id for m in InboxMessage.select().order_by(InboxMessage.id.desc())]
    assert theirs == {"items": [], "next_cursor": None}


def test_a_page_costs_the_same_queries_for_one_message_and_thirty(client, bearer):
    costs = []
    for n in (1, 30):
        learner, _submission = homework_with_comments(n, slug=f"lab-{n}")
        headers = bearer(learner)
        with count_queries() as statements:
            assert client.get("/api/v1/messages?limit=50", headers=headers).status_code == 200
        costs.append(len(statements))
        InboxMessage.delete().execute()

    assert costs[0] == costs[1]
