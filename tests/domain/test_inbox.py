"""Messages in the app (消息), on a real database: every event that mails a person about
their homework, membership or talk also records one message for them, at the same point and
once per event and recipient, whatever their mail settings; reading and counting them.
And guests' mail: a guest hears of new cases only if they chose to."""
from datetime import timedelta

import pytest

from learnclub.domain.cases.announcements import announce_cases
from learnclub.domain.cohorts.admission import decide_application
from learnclub.domain.errors import NotFound
from learnclub.domain.homework import feedback
from learnclub.domain.homework.submission import submit_homework
from learnclub.domain.participation.leaving import remove_by_host
from learnclub.domain.participation.readmission import offer_free_seats, readmit
from learnclub.domain.participation.sweep import sweep_all
from learnclub.domain.reach import inbox
from learnclub.domain.reach.preferences import (
    KINDS,
    case_announcement_readers,
    preferences_of,
    set_preferences,
)
from learnclub.domain.sharing.review import notify_decision
from learnclub.domain.sharing.talks import (
    accept_talk,
    cancel_talk,
    decline_talk,
    generate_slots,
    propose_talk,
)
from learnclub.models import InboxMessage, Membership, OutboxMessage
from tests.factories import T0, make_application, make_case, make_cohort, make_member, make_user
from tests.query_count import count_queries

BASE_URL = "http://localhost"
OPEN = T0 + timedelta(hours=1)
AFTER_GRACE = T0 + timedelta(hours=84)
ALL_OFF = dict.fromkeys(KINDS, "off")


@pytest.fixture
def cohort(app):
    return make_cohort(host=make_user(can_host=True, locale="en", display_name="群主"),
                       slug="lab")


def quiet(user):
    """The person turned every kind of mail off."""
    set_preferences(user, ALL_OFF, now=T0)
    return user


def messages(user):
    """(kind, link, parameters) of the person's messages, oldest first."""
    return [(m.kind, m.link, inbox.params_of(m)) for m in
            InboxMessage.select().where(InboxMessage.recipient == user.id)
            .order_by(InboxMessage.id)]


def kinds(user):
    return [kind for kind, _link, _params in messages(user)]


def membership(cohort, user):
    return Membership.get((Membership.cohort == cohort) & (Membership.user == user))


# homework: comments, replies, feedback (点评), featured (精选) -------------------------------

@pytest.fixture
def homework(cohort):
    case = make_case(cohort, title="小区生鲜团购")
    author = quiet(make_member(cohort))
    return case, author, submit_homework(case, author, "先建三个群", now=OPEN)[0]


def test_comment_tells_the_author_once_though_mail_is_off(cohort, homework):
    case, author, submission = homework
    peer = make_member(cohort, make_user(display_name="小王"))

    feedback.add_comment(submission, peer, "写得**很好**，第二点可以展开", now=OPEN)

    assert messages(author) == [(
        "comment", f"/c/lab/cases/{case.id}#homework-{submission.id}",
        {"actor": "小王", "case": "小区生鲜团购", "excerpt": "写得**很好**，第二点可以展开"})]
    assert messages(peer) == []


def test_host_comment_is_feedback_and_a_reply_tells_the_comment_writer(cohort, homework):
    _case, author, submission = homework
    peer = quiet(make_member(cohort))
    comment = feedback.add_comment(submission, peer, "第一条", now=OPEN)

    feedback.add_comment(submission, cohort.created_by, "点评：很扎实", parent=comment, now=OPEN)

    assert kinds(author) == ["comment", "feedback"]
    assert kinds(peer) == ["reply"]
    assert messages(author)[1][2]["actor"] == "群主"


def test_own_comment_on_own_homework_tells_nobody(homework):
    _case, author, submission = homework

    feedback.add_comment(submission, author, "补充一句", now=OPEN)

    assert InboxMessage.select().count() == 0


def test_featured_tells_the_author(cohort, homework):
    _case, author, submission = homework

    feedback.toggle_featured(submission, actor=cohort.created_by, now=OPEN)

    assert kinds(author) == ["featured"]


def test_long_comment_is_kept_as_a_one_line_excerpt(cohort, homework):
    _case, author, submission = homework

    feedback.add_comment(submission, make_member(cohort), "第一行\n\n" + "长" * 300, now=OPEN)

    excerpt = messages(author)[0][2]["excerpt"]
    assert (len(excerpt), excerpt[:5], excerpt[-1]) == (inbox.EXCERPT, "第一行 长", "…")


# membership: admission, seat offers, removal, readmission ------------------------------------

@pytest.mark.parametrize("decision", ["admitted", "rejected", "waitlisted"])
def test_application_decision_tells_the_applicant_once(cohort, decision):
    applicant = quiet(make_user())
    application = make_application(cohort, applicant)

    decide_application(application, decision, actor=cohort.created_by, now=OPEN,
                       message="欢迎", link=f"{BASE_URL}/c/lab/")

    assert messages(applicant) == [(f"application_{decision}", "/c/lab/", {"excerpt": "欢迎"})]
    assert OutboxMessage.select().where(OutboxMessage.user == applicant).count() == 1


def test_seat_offer_tells_the_waitlisted_applicant(app):
    cohort = make_cohort(capacity=1, slug="small")
    waiting = make_application(cohort, quiet(make_user()), status="waitlisted",
                               decided_at=T0).user

    offer_free_seats(cohort, now=OPEN, base_url=BASE_URL)
    offer_free_seats(cohort, now=OPEN, base_url=BASE_URL)

    assert kinds(waiting) == ["seat_offer"]
    assert messages(waiting)[0][1].startswith("/seat/")


def test_sweep_removal_tells_the_learner_once_and_readmission_tells_again(cohort):
    make_case(cohort, title="小区生鲜团购")
    slacker = quiet(make_member(cohort))

    sweep_all(now=AFTER_GRACE, base_url=BASE_URL)
    sweep_all(now=AFTER_GRACE + timedelta(days=1), base_url=BASE_URL)
    readmit(membership(cohort, slacker), actor=cohort.created_by, reason="已沟通",
            reset_misses=True, now=AFTER_GRACE + timedelta(days=2))

    assert [(k, link) for k, link, _p in messages(slacker)] == [
        ("removed", "/c/lab/"), ("readmitted", "/c/lab/")]


def test_held_sweep_tells_each_staff_member_once(cohort):
    make_case(cohort)
    assistant = quiet(make_member(cohort, role="assistant"))
    first, second = make_member(cohort), make_member(cohort)  # 2 of 2: over the stop

    sweep_all(now=AFTER_GRACE, base_url=BASE_URL)
    sweep_all(now=AFTER_GRACE + timedelta(days=1), base_url=BASE_URL)

    assert kinds(cohort.created_by) == kinds(assistant) == ["removals_held"]
    assert kinds(first) == kinds(second) == []


def test_removal_by_host_tells_the_member_with_the_reason(cohort):
    member = quiet(make_member(cohort))

    remove_by_host(membership(cohort, member), actor=cohort.created_by,
                   reason="<b>长期</b>未参与", now=OPEN, base_url=BASE_URL)

    assert messages(member) == [("removed_by_host", "/c/lab/", {"excerpt": "<b>长期</b>未参与"})]


# talks: decisions about a guest's talk -------------------------------------------------------

@pytest.fixture
def slots(cohort):
    return generate_slots(cohort, now=T0)


def proposed(cohort, slot, topic="从一个群到一张网"):
    guest = quiet(make_member(cohort, make_user(locale="en"), role="guest"))
    return propose_talk(cohort, guest, topic=topic, abstract="三个阶段",
                        preferred_slots=[slot], now=T0)


def test_talk_decisions_tell_the_guest_once_each_when_staff_send_the_news(cohort, slots):
    host = cohort.created_by
    accepted = accept_talk(proposed(cohort, slots[0]), slots[0], actor=host, now=T0)
    declined = decline_talk(proposed(cohort, slots[1], "第二个"), actor=host, now=T0)
    assert InboxMessage.select().count() == 0  # deciding is not telling

    for talk in (accepted, declined, accepted):
        notify_decision(talk, link=f"{BASE_URL}/c/lab/talks/mine", now=T0)
    cancelled = cancel_talk(accepted, actor=host, now=T0 + timedelta(hours=1))
    notify_decision(cancelled, link=f"{BASE_URL}/c/lab/talks/mine", now=T0)

    assert messages(accepted.guest) == [
        ("talk_accepted", "/c/lab/talks/mine", {"topic": "从一个群到一张网"}),
        ("talk_cancelled", "/c/lab/talks/mine", {"topic": "从一个群到一张网"})]
    assert kinds(declined.guest) == ["talk_declined"]


# reading -------------------------------------------------------------------------------------

@pytest.fixture
def three(cohort, homework):
    """Three comments on the author's homework, newest last."""
    _case, author, submission = homework
    for n in range(3):
        feedback.add_comment(submission, make_member(cohort), f"评论{n}",
                             now=OPEN + timedelta(minutes=n))
    return author


def test_unread_count_drops_when_a_message_is_opened(three):
    newest = InboxMessage.select().order_by(InboxMessage.id.desc()).first()

    link = inbox.open_message(three, newest.id, now=OPEN + timedelta(hours=1))
    again = inbox.open_message(three, newest.id, now=OPEN + timedelta(hours=2))

    assert (link, again) == (newest.link, newest.link)
    assert inbox.unread_count(three) == 2
    assert InboxMessage.get_by_id(newest.id).read_at == OPEN + timedelta(hours=1)


def test_someone_elses_message_cannot_be_opened(three, cohort):
    message = InboxMessage.select().first()
    stranger = make_member(cohort)

    with pytest.raises(NotFound):
        inbox.open_message(stranger, message.id, now=OPEN)

    assert (inbox.unread_count(three), InboxMessage.get_by_id(message.id).read_at) == (3, None)


def test_mark_all_read_marks_only_ones_own(three, cohort, homework):
    other = make_member(cohort)
    feedback.add_comment(submit_homework(homework[0], other, "我的", now=OPEN)[0], three, "好",
                         now=OPEN)

    assert inbox.mark_all_read(three, now=OPEN) == 3
    assert (inbox.unread_count(three), inbox.unread_count(other)) == (0, 1)


def test_messages_newest_first_in_pages(three):
    first, more = inbox.messages_of(three, page=1, per_page=2)
    second, more_after = inbox.messages_of(three, page=2, per_page=2)

    assert [m.data["excerpt"] for m in first + second] == ["评论2", "评论1", "评论0"]
    assert (more, more_after) == (True, False)


@pytest.mark.parametrize("n", [1, 30])
def test_a_page_of_messages_is_one_query_and_the_count_another(cohort, homework, n):
    _case, author, submission = homework
    for i in range(n):
        feedback.add_comment(submission, cohort.created_by, f"点评{i}", now=OPEN)

    with count_queries() as statements:
        rows, _more = inbox.messages_of(author, per_page=50)
        [(m.cohort.name, m.data) for m in rows]
        unread = inbox.unread_count(author)

    assert (len(rows), unread, len(statements)) == (n, n, 2)


# guests' mail --------------------------------------------------------------------------------

def test_guests_hear_of_new_cases_only_if_they_chose_to(cohort):
    learner = make_member(cohort)
    guest = make_member(cohort, role="guest")
    chose = make_member(cohort, role="guest")
    set_preferences(chose, {"new_case": "daily"}, now=T0)
    make_case(cohort, publish_at=T0)

    announce_cases(now=OPEN, base_url=BASE_URL)

    told = {m.user_id for m in OutboxMessage.select().where(
        OutboxMessage.key.contains(":announce:"))}
    assert told == {cohort.created_by_id, learner.id, chose.id}
    assert guest.id not in {u.id for u in case_announcement_readers(cohort)}


def test_a_guest_only_sees_new_case_mail_off_until_they_turn_it_on(cohort):
    guest = make_member(cohort, role="guest")
    learner_elsewhere = make_member(cohort, role="guest")
    make_member(make_cohort(), learner_elsewhere)

    before = preferences_of(guest)
    set_preferences(guest, {"new_case": "instant"}, now=T0)

    assert (before["new_case"], before["sharing"]) == ("off", "instant")
    assert preferences_of(guest)["new_case"] == "instant"
    assert preferences_of(learner_elsewhere)["new_case"] == "instant"
    assert guest.id in {u.id for u in case_announcement_readers(cohort)}


def test_a_guest_who_turned_new_case_mail_off_is_not_announced_to(cohort):
    guest = make_member(cohort, role="guest")
    set_preferences(guest, {"new_case": "off"}, now=T0)

    assert guest.id not in {u.id for u in case_announcement_readers(cohort)}
