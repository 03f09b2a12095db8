"""Announcements (公告) through the pages (docs/rules.md "Rules and announcements"): staff
post, pin and unpin; each member but the author gets one mail (by their preference), one
message and each robot that chose announcements one post; read receipts from the page and the
home; learners cannot post; bad input from the corpora; query counts that do not grow."""
import pytest
from markupsafe import escape

from learnclub import clock
from learnclub.domain.cohorts import announcements as news
from learnclub.domain.reach.preferences import set_preferences
from learnclub.models import (
    Announcement,
    AnnouncementRead,
    ChatHook,
    CohortEvent,
    InboxMessage,
    OutboxMessage,
)
from tests import corpora
from tests.factories import make_cohort, make_member, make_user
from tests.query_count import count_queries

ENGLISH = {"Accept-Language": "en"}


@pytest.fixture
def lab(app):
    return make_cohort(host=make_user(can_host=True, locale="en", display_name="主持人"),
                       slug="lab")


def member(cohort, name=None, **values):
    extra = {"display_name": name} if name else {}
    return make_member(cohort, make_user(locale="en", **extra, **values))


def html(response):
    return response.get_data(as_text=True)


def post(client, title="本周安排", body="周日晚上 **8 点** 分享", pin="y"):
    data = {"title": title, "body_md": body}
    if pin:
        data["pin"] = pin
    return client.post("/c/lab/announcements/new", data=data)


def mails(announcement):
    return sorted((m.to_addr, m.kind) for m in OutboxMessage.select().where(
        OutboxMessage.key.startswith(f"announcement:{announcement.id}:")
        & OutboxMessage.hook.is_null()))


def only_announcement():
    (row,) = Announcement.select()
    return row


def test_host_posts_a_pinned_announcement_that_leads_the_home(lab, client, switch_to):
    learner = member(lab)
    switch_to(lab.created_by)
    response = post(client)
    item = only_announcement()
    assert (response.status_code, response.headers["Location"]) == (
        302, f"/c/lab/announcements/{item.id}")
    assert (item.title, item.body_md, item.pinned_at is not None) == (
        "本周安排", "周日晚上 **8 点** 分享", True)
    switch_to(learner)
    page = html(client.get("/c/lab/", headers=ENGLISH))
    assert page.index('class="pinned-announcements"') < page.index('class="todo ')
    assert "<strong>8 点</strong>" in page


def test_unpinned_announcement_leaves_the_home_but_stays_listed(lab, client, switch_to):
    learner = member(lab)
    switch_to(lab.created_by)
    post(client)
    item = only_announcement()
    response = client.post(f"/c/lab/announcements/{item.id}/unpin")
    assert response.status_code == 302
    assert Announcement.get_by_id(item.id).pinned_at is None
    switch_to(learner)
    assert 'class="pinned-announcements"' not in html(client.get("/c/lab/"))
    assert f'href="/c/lab/announcements/{item.id}"' in html(client.get("/c/lab/announcements"))
    switch_to(lab.created_by)
    client.post(f"/c/lab/announcements/{item.id}/pin")
    assert Announcement.get_by_id(item.id).pinned_at is not None
    actions = [e.action for e in CohortEvent.select().where(
        CohortEvent.subject_kind == "announcement").order_by(CohortEvent.id)]
    assert actions == ["announcement_posted", "announcement_unpinned", "announcement_pinned"]


def test_mail_once_per_active_member_not_the_author_nor_removed(lab, client, switch_to):
    one, two = member(lab), member(lab)
    gone = make_member(lab, make_user(), status="removed")
    switch_to(lab.created_by)
    post(client)
    item = only_announcement()
    assert mails(item) == sorted([(one.email, "announcements"), (two.email, "announcements")])
    assert gone.email not in [to for to, _kind in mails(item)]


def test_mail_preference_off_drops_the_mail_but_keeps_the_message(lab, client, switch_to):
    quiet = member(lab)
    set_preferences(quiet, {"announcements": "off"}, now=clock.now())
    switch_to(lab.created_by)
    post(client)
    item = only_announcement()
    (row,) = OutboxMessage.select().where(OutboxMessage.user == quiet.id)
    assert row.kind == "announcements"
    from learnclub.domain.reach.preferences import decide, preferences_of
    assert decide(row, preferences_of(quiet)) == "drop"
    (message,) = InboxMessage.select().where(InboxMessage.recipient == quiet.id)
    assert (message.kind, message.link) == ("announcement", f"/c/lab/announcements/{item.id}")


def test_in_app_message_reads_in_the_readers_language(lab, client, switch_to):
    reader = member(lab)
    switch_to(lab.created_by)
    post(client, title="群规更新了")
    switch_to(reader)
    page = html(client.get("/messages", headers=ENGLISH))
    assert "New announcement in 社群实验室: “群规更新了”" in page


def test_robot_that_chose_announcements_gets_one_post(lab, client, switch_to):
    chosen = ChatHook.create(cohort=lab, kind="generic", label="学员群", url="https://x.example/h",
                             events="announcement", created_at=clock.now())
    ChatHook.create(cohort=lab, kind="generic", label="别的群", url="https://y.example/h",
                    events="case_published", created_at=clock.now())
    switch_to(lab.created_by)
    post(client)
    posts = list(OutboxMessage.select().where(OutboxMessage.hook.is_null(False)))
    assert [(p.hook_id, p.kind) for p in posts] == [(chosen.id, "announcement")]
    assert "本周安排" in posts[0].body


def test_read_receipts_from_the_page_and_the_home_count_and_names(lab, client, switch_to):
    first, second, _third = member(lab, "阿甲"), member(lab, "阿乙"), member(lab, "阿丙")
    switch_to(lab.created_by)
    post(client)
    item = only_announcement()
    switch_to(first)
    client.get(f"/c/lab/announcements/{item.id}")
    client.get(f"/c/lab/announcements/{item.id}")
    switch_to(second)
    client.get("/c/lab/")
    assert AnnouncementRead.select().count() == 2
    switch_to(lab.created_by)
    page = html(client.get(f"/c/lab/announcements/{item.id}", headers=ENGLISH))
    assert "Read by 2 of 3" in page
    assert '<p class="readers">阿甲、阿乙</p>' in page
    assert "Read by 2 of 3" in html(client.get("/c/lab/announcements", headers=ENGLISH))


def test_learner_sees_no_receipts(lab, client, switch_to):
    learner = member(lab)
    switch_to(lab.created_by)
    post(client)
    item = only_announcement()
    switch_to(learner)
    page = html(client.get(f"/c/lab/announcements/{item.id}", headers=ENGLISH))
    assert ("Read by" in page, "/unpin" in page) == (False, False)


def test_learner_cannot_post_nor_pin(lab, client, switch_to):
    learner = member(lab)
    switch_to(lab.created_by)
    post(client)
    item = only_announcement()
    switch_to(learner)
    assert post(client, title="我来发").status_code == 403
    assert client.post(f"/c/lab/announcements/{item.id}/unpin").status_code == 403
    assert (Announcement.select().count(), only_announcement().pinned_at is not None) == (1, True)


def test_other_cohorts_announcement_is_not_found(lab, client, switch_to):
    other = make_cohort(slug="other")
    item = news.post_announcement(other, actor=other.created_by, title="别处", body_md="正文",
                                  now=clock.now(), base_url="http://x")
    switch_to(lab.created_by)
    assert client.get(f"/c/lab/announcements/{item.id}").status_code == 404
    assert client.post(f"/c/lab/announcements/{item.id}/unpin").status_code == 404


@pytest.mark.parametrize(("title", "body", "message"), [
    ("", "正文", "Title is required."),
    ("   ", "正文", "Title is required."),
    ("两行\n标题", "正文", "The title must fit on one line."),
    ("标题", "", "Announcement is required."),
    ("长" * 201, "正文", "Title is 201 characters long; the limit is 200."),
    ("标题", "字" * 20_001, "Announcement is 20001 characters long; the limit is 20000."),
    ("标题\x00", "正文", "Title contains a NUL character, which cannot be stored."),
])
def test_bad_input_is_refused_with_a_message(lab, client, switch_to, title, body, message):
    member(lab)
    switch_to(lab.created_by)
    response = client.post("/c/lab/announcements/new", data={"title": title, "body_md": body},
                           headers=ENGLISH)
    assert response.status_code == 200
    assert str(escape(message)) in html(response)
    assert (Announcement.select().count(), OutboxMessage.select().count()) == (0, 0)


def _acceptable_title(text):
    return text.strip() and len(text) <= news.TITLE_MAX and not any(
        c in text for c in "\r\n\x00\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


def test_every_naughty_string_is_stored_exactly_or_refused(lab, client, switch_to):
    switch_to(lab.created_by)
    failures = []
    for text in corpora.naughty_strings():
        before = Announcement.select().count()
        response = post(client, title=text, body=text or "正文", pin="")
        if _acceptable_title(text) and (text or "正文").strip():
            row = Announcement.select().order_by(Announcement.id.desc()).first()
            if response.status_code != 302 or (row.title, row.body_md) != (text, text or "正文"):
                failures.append(("stored", text, response.status_code))
        elif response.status_code != 200 or Announcement.select().count() != before:
            failures.append(("refused", text, response.status_code))
    assert failures == []


def test_naughty_and_xss_titles_and_bodies_are_escaped(lab, client, switch_to):
    texts = [t for t in corpora.naughty_strings() if _acceptable_title(t)][::10]
    texts += [t for t in corpora.xss_payloads()[::150] if _acceptable_title(t)]
    assert len(texts) <= news.LISTED
    learner = member(lab)
    for text in texts:
        news.post_announcement(lab, actor=lab.created_by, title=text, body_md=text,
                               now=clock.now(), base_url="http://x", pin=False)
    switch_to(learner)
    listing = html(client.get("/c/lab/announcements"))
    missing = [t for t in texts if str(escape(t)) not in listing]
    assert missing == []
    for item in Announcement.select().order_by(Announcement.id)[::7]:
        page = html(client.get(f"/c/lab/announcements/{item.id}"))
        assert "<script>alert(" not in page
    assert "<script>alert(" not in listing


def _queries(client, path):
    with count_queries() as statements:
        assert client.get(path).status_code == 200
    return len(statements)


@pytest.mark.parametrize("who", ["host", "learner"])
def test_home_and_list_queries_do_not_grow_with_members_or_announcements(
        lab, client, switch_to, who):
    learner = member(lab)
    person = lab.created_by if who == "host" else learner
    news.post_announcement(lab, actor=lab.created_by, title="一", body_md="正文",
                           now=clock.now(), base_url="http://x")
    first = news.announcements_of(lab)[0]
    switch_to(person)
    paths = ["/c/lab/", "/c/lab/announcements", f"/c/lab/announcements/{first.id}"]
    for path in paths:
        _queries(client, path)  # the first read leaves its receipts
    few = [_queries(client, path) for path in paths]
    for n in range(5):
        reader = member(lab)
        item = news.post_announcement(lab, actor=lab.created_by, title=f"公告{n}",
                                      body_md="正文", now=clock.now(), base_url="http://x")
        news.mark_read([item, first], news.Membership.get(news.Membership.user == reader.id),
                       now=clock.now())
    for path in paths:
        _queries(client, path)
    many = [_queries(client, path) for path in paths]
    assert many == few
