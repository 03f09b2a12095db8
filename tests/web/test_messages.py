"""消息 in the app: the list (newest first, paged, unread marked, in the reader's language),
opening a message (marks it read, goes where it points, nobody else's), "mark all read", the
unread badge in the navigation, a page's queries independent of its messages, and every
naughty string shown safely."""
import re
from datetime import timedelta

import pytest
from markupsafe import escape

from learnclub.domain.errors import DomainError
from learnclub.domain.homework import feedback
from learnclub.domain.homework.submission import submit_homework
from learnclub.domain.reach import inbox
from learnclub.domain.reach.preferences import KINDS, set_preferences
from learnclub.models import InboxMessage, User
from tests import corpora
from tests.factories import T0, make_case, make_cohort, make_member, make_user
from tests.query_count import count_queries

OPEN = T0 + timedelta(hours=1)


@pytest.fixture
def cohort(app):
    return make_cohort(host=make_user(can_host=True, display_name="群主"), slug="lab",
                       name="社群实验室")


@pytest.fixture
def homework(cohort):
    """A learner (mail all off) and her homework on the case 小区生鲜团购."""
    case = make_case(cohort, title="小区生鲜团购")
    learner = make_member(cohort, make_user(display_name="小李"))
    set_preferences(learner, dict.fromkeys(KINDS, "off"), now=T0)
    return learner, submit_homework(case, learner, "先建三个群", now=OPEN)[0]


def comment(submission, by, text="很好", minutes=0):
    return feedback.add_comment(submission, by, text, now=OPEN + timedelta(minutes=minutes))


def html_of(response):
    return response.get_data(as_text=True)


def shown(response):
    """(unread?, sentence, excerpt) of each message on the page, in order."""
    return [(bool(unread), says, excerpt) for unread, says, excerpt in re.findall(
        r'<li class="message( unread)?">.*?<span class="says">([^<]*)</span>\s*'
        r'(?:<span class="excerpt">([^<]*)</span>)?', html_of(response), re.S)]


def badge(response):
    """The unread count in the navigation, or None."""
    found = re.search(r'<a href="/messages">[^<]*<span class="badge unread-count">(\d+)',
                      html_of(response))
    return int(found.group(1)) if found else None


def test_messages_need_sign_in(client):
    response = client.get("/messages")

    assert (response.status_code, "/login" in response.headers["Location"]) == (302, True)


def test_messages_newest_first_unread_marked_in_english(client, login_as, cohort, homework):
    learner, submission = homework
    comment(submission, cohort.created_by, "第二点可以展开")
    comment(submission, make_member(cohort, make_user(display_name="小王")), "<b>赞</b>", 1)
    feedback.toggle_featured(submission, actor=cohort.created_by, now=OPEN)
    inbox.open_message(learner, InboxMessage.select().order_by(InboxMessage.id).first().id,
                       now=OPEN)
    login_as(learner)

    response = client.get("/messages")

    assert shown(response) == [
        (True, "Your homework for “小区生鲜团购” was featured", ""),
        (True, "小王 commented on your homework for “小区生鲜团购”", "&lt;b&gt;赞&lt;/b&gt;"),
        (False, "群主 gave feedback on your homework for “小区生鲜团购”", "第二点可以展开")]
    assert badge(response) == 2
    assert "Mark all read" in html_of(response)


def test_messages_read_in_chinese_by_a_chinese_reader(client, login_as, cohort, homework):
    learner, submission = homework
    comment(submission, cohort.created_by, "第二点可以展开")
    User.update(locale="zh_Hans_CN").where(User.id == learner.id).execute()
    login_as(learner)

    response = client.get("/messages")

    assert shown(response) == [(True, "群主 点评了你在「小区生鲜团购」的作业", "第二点可以展开")]
    assert "全部标为已读" in html_of(response)


def test_opening_a_message_marks_it_read_and_goes_to_the_homework(client, login_as, cohort,
                                                                    homework):
    learner, submission = homework
    comment(submission, cohort.created_by)
    message = InboxMessage.get()
    login_as(learner)

    response = client.get(f"/messages/{message.id}")
    after = client.get("/messages")

    assert (response.status_code, response.headers["Location"]) == (
        302, f"/c/lab/cases/{submission.case_id}#homework-{submission.id}")
    assert InboxMessage.get_by_id(message.id).read_at is not None
    assert (badge(after), [unread for unread, _s, _e in shown(after)]) == (None, [False])


def test_someone_elses_message_is_not_found_and_stays_unread(client, login_as, cohort,
                                                             homework):
    _learner, submission = homework
    comment(submission, cohort.created_by)
    message = InboxMessage.get()
    login_as(make_member(cohort))

    responses = [client.get(f"/messages/{message.id}").status_code,
                 client.get(f"/messages/{message.id + 1000}").status_code]

    assert responses == [404, 404]
    assert InboxMessage.get_by_id(message.id).read_at is None


def test_mark_all_read_clears_only_ones_own(client, login_as, cohort, homework):
    learner, submission = homework
    other = make_member(cohort)
    comment(submission, cohort.created_by)
    comment(submission, other, "我也写了", 1)
    comment(submit_homework(submission.case, other, "我的作业", now=OPEN)[0], learner, "好")
    login_as(learner)

    response = client.post("/messages/read")
    page = client.get(response.headers["Location"])

    assert (response.status_code, response.headers["Location"]) == (302, "/messages")
    assert "All messages marked as read." in html_of(page)
    assert (inbox.unread_count(learner), inbox.unread_count(other)) == (0, 1)
    assert badge(page) is None


def test_no_messages_yet_says_what_will_come(client, login_as):
    login_as(make_user())

    response = client.get("/messages")

    assert (response.status_code, shown(response)) == (200, [])
    assert "No messages yet." in html_of(response)


def test_pages_of_twenty_newest_first(client, login_as, cohort, homework):
    learner, submission = homework
    for n in range(25):
        comment(submission, cohort.created_by, f"点评{n:02d}", n)
    login_as(learner)

    first, second = client.get("/messages"), client.get("/messages?page=2")

    assert [e for _u, _s, e in shown(first)] == [f"点评{n:02d}" for n in range(24, 4, -1)]
    assert [e for _u, _s, e in shown(second)] == [f"点评{n:02d}" for n in range(4, -1, -1)]
    assert ('href="/messages?page=2"' in html_of(first),
            'href="/messages?page=3"' in html_of(second)) == (True, False)


@pytest.mark.parametrize("page", ["abc", "-3", "0", "99999999999999999999999", "1.5"])
def test_odd_page_numbers_answer_a_page_not_an_error(client, login_as, page):
    login_as(make_user())

    assert client.get(f"/messages?page={page}").status_code == 200


def page_queries(client, n_before, submission, cohort, n):
    for i in range(n):
        comment(submission, make_member(cohort), f"评论{n_before + i}", n_before + i)
    with count_queries() as statements:
        response = client.get("/messages")
    return len(shown(response)), statements


def test_messages_page_queries_do_not_grow_with_messages(client, login_as, cohort, homework):
    learner, submission = homework
    login_as(learner)

    one, with_one = page_queries(client, 0, submission, cohort, 1)
    thirty, with_thirty = page_queries(client, 1, submission, cohort, 29)

    assert (one, thirty) == (1, inbox.PER_PAGE)
    assert len(with_one) == len(with_thirty)
    # the page of messages with their cohorts, and the unread count for the badge: one each
    assert [len([s for s in with_thirty if '"inbox_message"' in s and what in s])
            for what in ("LEFT OUTER JOIN", "COUNT(")] == [1, 1]


def test_badge_costs_visitors_nothing_and_members_one_count(client, login_as, cohort,
                                                            homework):
    learner, submission = homework
    comment(submission, cohort.created_by)

    with count_queries() as visitor:
        client.get("/login")
    login_as(learner)
    page = client.get("/me/notifications")

    assert [s for s in visitor if "inbox_message" in s] == []
    assert badge(page) == 1


def naughty_strings():
    strings = corpora.naughty_strings()
    assert len(strings) == 515
    return strings


def test_every_naughty_string_in_a_comment_or_a_name_is_shown_escaped(client, login_as,
                                                                      cohort, homework):
    learner, submission = homework
    expected = []
    for n, text in enumerate(naughty_strings() + corpora.xss_payloads()[:200]):
        actor = make_member(cohort, make_user(display_name=text or "空"))
        try:
            comment(submission, actor, text, n)
        except DomainError:
            continue  # refused with a message (an empty comment): nothing to show
        expected.append((True, str(escape(f"{text or '空'} commented on your homework for "
                                          "“小区生鲜团购”")), str(escape(inbox.excerpt(text)))))
    login_as(learner)

    pages = [client.get(f"/messages?page={p}")
             for p in range(1, len(expected) // inbox.PER_PAGE + 2)]

    assert [p.status_code for p in pages] == [200] * len(pages)
    assert [m for p in pages for m in shown(p)] == expected[::-1]
    assert ["<script" in html_of(p).split("<main", 1)[1].split("</main>", 1)[0]
            for p in pages] == [False] * len(pages)
