"""Announcements (公告) in the domain (docs/rules.md "Rules and announcements"): who may post,
what is sent to whom under which key (once), pinning, read receipts and their counts."""
import json
from datetime import timedelta

import pytest

from learnclub import clock
from learnclub.domain.cohorts import announcements as news
from learnclub.domain.cohorts.activity import cohort_log
from learnclub.domain.errors import DomainError, NotAllowed
from learnclub.domain.reach import chat_messages
from learnclub.domain.reach.announcements import announce
from learnclub.models import (
    Announcement,
    AnnouncementRead,
    ChatHook,
    InboxMessage,
    Membership,
    OutboxMessage,
)
from tests.factories import make_cohort, make_member, make_user

BASE = "https://learn.example"


@pytest.fixture
def cohort(app):
    return make_cohort(host=make_user(can_host=True, display_name="主持人"), slug="lab")


def post(cohort, **values):
    fields = {"title": "本周安排", "body_md": "周日 **8 点**", **values}
    return news.post_announcement(cohort, actor=cohort.created_by, now=clock.now(),
                                  base_url=BASE, **fields)


def membership(cohort, user):
    return Membership.get((Membership.cohort == cohort) & (Membership.user == user))


def test_learner_and_outsider_may_not_post(cohort):
    learner = make_member(cohort)
    for person in (learner, make_user()):
        with pytest.raises(NotAllowed):
            news.post_announcement(cohort, actor=person, title="t", body_md="b",
                                   now=clock.now(), base_url=BASE)
    assert Announcement.select().count() == 0


def test_assistant_may_post(cohort):
    assistant = make_member(cohort, role="assistant")
    item = news.post_announcement(cohort, actor=assistant, title="t", body_md="b",
                                  now=clock.now(), base_url=BASE)
    assert item.author_id == assistant.id


def test_posting_sends_once_per_member_under_its_keys(cohort):
    zh = make_member(cohort, make_user(locale="zh_Hans_CN"))
    en = make_member(cohort, make_user(locale="en"))
    make_member(cohort, status="removed")
    item = post(cohort)
    rows = {m.key: m for m in OutboxMessage.select()}
    assert sorted(rows) == sorted([f"announcement:{item.id}:member:{zh.id}",
                                   f"announcement:{item.id}:member:{en.id}"])
    assert rows[f"announcement:{item.id}:member:{zh.id}"].subject == "【社群实验室】公告：本周安排"
    assert rows[f"announcement:{item.id}:member:{en.id}"].subject == (
        "[社群实验室] Announcement: 本周安排")
    assert "<strong>8 点</strong>" in rows[f"announcement:{item.id}:member:{en.id}"].html_body
    announce(item, author=cohort.created_by, now=clock.now(), base_url=BASE)  # a rerun
    assert OutboxMessage.select().count() == 2
    assert InboxMessage.select().count() == 2


def test_message_keeps_title_and_link(cohort):
    reader = make_member(cohort)
    item = post(cohort)
    (message,) = InboxMessage.select()
    assert (message.recipient_id, message.kind, message.link) == (
        reader.id, "announcement", f"/c/lab/announcements/{item.id}")
    assert json.loads(message.params) == {"title": "本周安排", "actor": "主持人"}


def test_robot_post_only_to_robots_that_chose_it(cohort):
    hook = ChatHook.create(cohort=cohort, kind="wecom", label="群", url="https://x.example/h",
                           events="announcement,case_published", created_at=clock.now())
    item = post(cohort)
    (row,) = OutboxMessage.select().where(OutboxMessage.hook.is_null(False))
    assert (row.hook_id, row.key) == (hook.id, f"post:hook:{hook.id}:announcement:{item.id}")


def test_chat_message_quotes_the_start_and_links(cohort):
    item = post(cohort, body_md="字" * 400)
    message = chat_messages.announcement(item, base_url=BASE)
    assert message.title == "公告：本周安排"
    assert message.url == f"{BASE}/c/lab/announcements/{item.id}"
    assert message.paragraphs[0][1][0].text == "字" * 300 + "…"


@pytest.mark.parametrize(("title", "body", "field"), [
    ("", "b", "title"), ("a\nb", "b", "title"), ("a\u2028b", "b", "title"),
    ("t" * 201, "b", "title"), ("t", "", "body_md"), ("t", "  \n ", "body_md"),
])
def test_bad_input_changes_nothing(cohort, title, body, field):
    make_member(cohort)
    with pytest.raises(DomainError) as caught:
        post(cohort, title=title, body_md=body)
    assert caught.value.field == field
    assert (Announcement.select().count(), OutboxMessage.select().count()) == (0, 0)


def test_pin_unpin_logged_and_idempotent(cohort):
    item = post(cohort, pin=False)
    assert news.pinned_of(cohort) == []
    assert news.set_pinned(item, True, actor=cohort.created_by, now=clock.now()) is True
    item = Announcement.get_by_id(item.id)
    assert news.set_pinned(item, True, actor=cohort.created_by, now=clock.now()) is False
    assert [a.id for a in news.pinned_of(cohort)] == [item.id]
    news.set_pinned(item, False, actor=cohort.created_by, now=clock.now())
    assert news.pinned_of(cohort) == []
    actions = [e.action for e in cohort_log(cohort).entries if e.subject_kind == "announcement"]
    assert actions == ["announcement_unpinned", "announcement_pinned", "announcement_posted"]


def test_list_shows_pinned_first_then_newest(cohort):
    old_pinned = post(cohort, title="旧置顶")
    clock.travel_to(clock.now() + timedelta(hours=1))
    newer = post(cohort, title="新的", pin=False)
    assert [a.id for a in news.announcements_of(cohort)] == [old_pinned.id, newer.id]


def test_read_receipts_first_read_counts_author_and_removed_left_out(cohort):
    first = make_member(cohort, make_user(display_name="甲"))
    make_member(cohort)  # has not read it
    gone = make_member(cohort, status="removed")
    item = post(cohort)
    news.mark_read([item], membership(cohort, first), now=clock.now())
    news.mark_read([item], membership(cohort, first), now=clock.now())
    news.mark_read([item], membership(cohort, gone), now=clock.now())
    news.mark_read([item], membership(cohort, cohort.created_by), now=clock.now())
    assert AnnouncementRead.select().count() == 1
    receipt = news.receipts(cohort, [item])[item.id]
    assert (receipt.count, receipt.readers, receipt.audience) == (1, ["甲"], 2)
    Membership.update(status="removed").where(Membership.user == first.id).execute()
    assert news.receipts(cohort, [item])[item.id].count == 0
