"""Members write too (轮值) in the browser: the host hands a case to a learner on the schedule,
the learner writes it in the editor (their case only, and only while it is their draft) and
submits it; the host approves it or sends it back with a note; the case shows its author.

Every test starts at timeline.START (the clock fixture); times here are relative to it.
"""
import io
from datetime import timedelta

import pytest
from markupsafe import escape

from learnclub import clock
from learnclub.domain.cases import member_cases
from learnclub.domain.cases.editing import create_case
from learnclub.models import Case, CohortEvent
from tests import corpora
from tests.factories import PASSWORD, make_cohort, make_member, make_user
from tests.query_count import count_queries
from tests.web.test_cases import png_bytes


def html_of(response):
    return response.get_data(as_text=True)


def signed_in(app, user, language="en"):
    browser = app.test_client()
    browser.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
    response = browser.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302, html_of(response)
    return browser


def coming(cohort, title="社群的冷启动", days=3, **values):
    fields = {"title": title, "body_md": values.pop("body_md", "正文"), "homework_prompt": "",
              "publish_at": clock.now() + timedelta(days=days)}
    return create_case(cohort, fields, actor=None, now=clock.now())


@pytest.fixture
def cohort(app):
    return make_cohort(host=make_user(can_host=True), slug="lab")


@pytest.fixture
def writer(cohort):
    return make_member(cohort, make_user(display_name="林小雨"))


@pytest.fixture
def as_host(app, cohort):
    return signed_in(app, cohort.created_by)


@pytest.fixture
def as_writer(app, writer):
    return signed_in(app, writer)


def handed(cohort, writer, **kw):
    case = coming(cohort, **kw)
    member_cases.assign_case(case, writer.id, actor=cohort.created_by, now=clock.now())
    return Case.get_by_id(case.id)


def test_host_hands_a_coming_case_to_a_learner_from_the_schedule(cohort, writer, as_host,
                                                                 as_writer):
    case = coming(cohort)
    page = html_of(as_host.get("/c/lab/schedule"))
    assert "Ask a member to write" in page
    assert "林小雨" in page
    response = as_host.post(f"/c/lab/cases/{case.id}/assign", data={"author": str(writer.id)})
    assert response.status_code == 302
    fresh = Case.get_by_id(case.id)
    assert (fresh.author_id, fresh.review_state) == (writer.id, "writing")
    assert "林小雨 is writing it" in html_of(as_host.get("/c/lab/schedule"))
    home = html_of(as_writer.get("/c/lab/"))
    assert "Your turn to write a case: “社群的冷启动”" in home
    assert f"/c/lab/cases/{case.id}/edit" in home


def test_host_creates_a_draft_for_a_member_with_a_title_and_brief(cohort, writer, as_host,
                                                                  as_writer):
    response = as_host.post("/c/lab/cases/assign", data={
        "title": "私域里的复购", "brief": "写一个你做过的复购案例", "author": str(writer.id)})
    assert response.status_code == 302
    case = Case.get(Case.title == "私域里的复购")
    assert (case.author_id, case.review_state, case.review_note, case.publish_at is not None) \
        == (writer.id, "writing", "写一个你做过的复购案例", True)
    page = html_of(as_writer.get(f"/c/lab/cases/{case.id}/edit"))
    assert "写一个你做过的复购案例" in page
    assert "Submit to the host for review" in page


@pytest.mark.parametrize("author", ["", "abc", "0", "99999999999999999999999", "-1"])
def test_assigning_to_no_one_or_nonsense_changes_nothing(cohort, writer, as_host, author):
    case = coming(cohort)
    response = as_host.post(f"/c/lab/cases/{case.id}/assign", data={"author": author},
                            follow_redirects=True)
    assert response.status_code == 200
    assert "Choose an active learner of the cohort." in html_of(response)
    assert Case.get_by_id(case.id).review_state == ""
    response = as_host.post("/c/lab/cases/assign", data={"title": "x", "author": author})
    assert response.status_code == 302
    assert Case.select().count() == 1


def test_the_member_edits_their_case_only_and_only_while_it_is_their_draft(
        app, cohort, writer, as_writer):
    mine = handed(cohort, writer)
    other = handed(cohort, make_member(cohort), title="别人的案例", days=7)
    staff_case = coming(cohort, title="群主的案例", days=11)
    published = coming(cohort, title="已发布", days=-1)
    assert as_writer.get(f"/c/lab/cases/{mine.id}/edit").status_code == 200
    for case in (other, staff_case, published):
        assert as_writer.get(f"/c/lab/cases/{case.id}/edit").status_code == 403
        assert as_writer.post(f"/c/lab/cases/{case.id}/edit",
                              data={"title": "改", "body_md": "改", "action": "save"}
                              ).status_code == 403
        assert Case.get_by_id(case.id).title != "改"
    assert as_writer.get("/c/lab/cases/999999/edit").status_code == 403
    assert as_writer.get("/c/lab/cases/new").status_code == 403
    assert as_writer.post(f"/c/lab/cases/{mine.id}/approve").status_code == 403
    # the member writes the text; the host's times stay as they were
    before = mine.publish_at
    response = as_writer.post(f"/c/lab/cases/{mine.id}/edit", data={
        "title": "社群的冷启动：我的复盘", "body_md": "## 第一周\n\n拉了三个群。",
        "homework_prompt": "你会怎么做？", "tags": "冷启动", "publish_mode": "now",
        "publish_at": "2020-01-01T00:00", "action": "save"})
    assert response.status_code == 302
    fresh = Case.get_by_id(mine.id)
    assert (fresh.title, fresh.body_md, fresh.publish_at, fresh.review_state) == (
        "社群的冷启动：我的复盘", "## 第一周\n\n拉了三个群。", before, "writing")
    # submitted: it is the host's now
    response = as_writer.post(f"/c/lab/cases/{mine.id}/edit", data={
        "title": fresh.title, "body_md": fresh.body_md, "action": "submit"})
    assert response.status_code == 302
    assert Case.get_by_id(mine.id).review_state == "submitted"
    assert as_writer.get(f"/c/lab/cases/{mine.id}/edit").status_code == 403
    assert as_writer.get(f"/c/lab/cases/{mine.id}").status_code == 404  # not out


def test_host_sees_waiting_for_review_approves_and_the_author_shows(
        cohort, writer, as_host, as_writer, clock):
    case = handed(cohort, writer, days=1)
    member_cases.submit_case(case, actor=writer, now=clock.now())
    page = html_of(as_host.get("/c/lab/schedule"))
    assert "Waiting for review" in page
    assert "written by 林小雨" in page
    assert "members&#39; cases to review" not in html_of(as_host.get("/c/lab/"))  # one
    assert "case to review" in html_of(as_host.get("/c/lab/"))
    assert as_host.get(f"/c/lab/cases/{case.id}/edit").status_code == 200
    assert as_host.post(f"/c/lab/cases/{case.id}/approve").status_code == 302
    assert Case.get_by_id(case.id).review_state == "approved"
    assert as_writer.get(f"/c/lab/cases/{case.id}").status_code == 404  # its time: tomorrow
    clock.advance(days=2)
    shown = html_of(as_writer.get(f"/c/lab/cases/{case.id}"))
    assert "Case author this time: 林小雨" in shown
    assert "written by 林小雨" in html_of(as_writer.get("/c/lab/cases/"))
    zh = signed_in(as_writer.application, writer, "zh-CN")
    assert "本期案例作者：林小雨" in html_of(zh.get(f"/c/lab/cases/{case.id}"))
    actions = {e.action for e in CohortEvent.select().where(CohortEvent.cohort == cohort)}
    assert {"case_assigned", "case_submitted", "case_approved"} <= actions


def test_a_draft_whose_time_comes_is_not_published_and_the_host_is_warned(
        cohort, writer, as_host, as_writer, clock):
    case = handed(cohort, writer, days=1)
    home = html_of(as_host.get("/c/lab/"))
    assert "“社群的冷启动” is not handed in yet; it should go out" in home
    clock.advance(days=2)
    assert as_writer.get(f"/c/lab/cases/{case.id}").status_code == 404
    assert "社群的冷启动" not in html_of(as_writer.get("/c/lab/cases/"))
    assert "it was due to go out" in html_of(as_host.get("/c/lab/"))
    assert "it does not go out until you approve it" in html_of(as_host.get("/c/lab/schedule"))


def test_send_back_with_a_note_reopens_the_draft(cohort, writer, as_host, as_writer, clock):
    case = handed(cohort, writer)
    member_cases.submit_case(case, actor=writer, now=clock.now())
    response = as_host.post(f"/c/lab/cases/{case.id}/send-back", data={"note": "   "},
                            follow_redirects=True)
    assert response.status_code == 200
    assert Case.get_by_id(case.id).review_state == "submitted"
    assert as_host.post(f"/c/lab/cases/{case.id}/send-back",
                        data={"note": "请补充第二周的数据"}).status_code == 302
    assert Case.get_by_id(case.id).review_state == "writing"
    page = html_of(as_writer.get(f"/c/lab/cases/{case.id}/edit"))
    assert "请补充第二周的数据" in page
    assert "请补充第二周的数据" in html_of(as_writer.get("/c/lab/"))
    # sending back twice, or approving what is not submitted any more: refused, nothing changes
    assert as_host.post(f"/c/lab/cases/{case.id}/send-back", data={"note": "再改"},
                        follow_redirects=True).status_code == 200
    assert Case.get_by_id(case.id).review_note == "请补充第二周的数据"


def test_every_naughty_note_is_stored_exactly_or_refused_and_shown_escaped(
        cohort, writer, as_host, as_writer, clock):
    case = handed(cohort, writer)
    failures = []
    texts = corpora.naughty_strings()
    for text in texts:
        Case.update(review_state="submitted").where(Case.id == case.id).execute()
        response = as_host.post(f"/c/lab/cases/{case.id}/send-back", data={"note": text})
        fresh = Case.get_by_id(case.id)
        if response.status_code >= 500:
            failures.append(("500", text))
        elif fresh.review_state == "writing" and fresh.review_note != text:
            failures.append(("changed", text))
        elif fresh.review_state == "submitted" and text.strip() and "\x00" not in text:
            failures.append(("refused", text))
    assert failures == []
    for text in [t for t in corpora.xss_payloads()[::40] if t.strip()]:
        Case.update(review_state="submitted").where(Case.id == case.id).execute()
        as_host.post(f"/c/lab/cases/{case.id}/send-back", data={"note": text})
        page = html_of(as_writer.get(f"/c/lab/cases/{case.id}/edit"))
        assert str(escape(text)) in page
        assert "<script>alert(" not in page.split("<main")[-1]


def test_naughty_titles_and_briefs_never_500(cohort, writer, as_host):
    for text in corpora.naughty_strings()[::5] + corpora.xss_payloads()[::100]:
        response = as_host.post("/c/lab/cases/assign",
                                data={"title": text, "brief": text, "author": str(writer.id)})
        assert response.status_code == 302, text
    page = html_of(as_host.get("/c/lab/schedule"))
    assert "<script>alert(" not in page.split("<main")[-1]


def test_schedule_query_count_does_not_grow_with_member_cases(cohort, as_host, clock):
    def queries():
        with count_queries() as statements:
            assert as_host.get("/c/lab/schedule").status_code == 200
        return len(statements)

    for n in range(2):
        handed(cohort, make_member(cohort), title=f"案例{n}", days=3 + 4 * n)
    few = queries()
    for n in range(2, 8):
        case = handed(cohort, make_member(cohort), title=f"案例{n}", days=3 + 4 * n)
        if n % 2:
            member_cases.submit_case(case, actor=None, now=clock.now())
        coming(cohort, title=f"群主{n}", days=40 + n)
    assert queries() == few


def test_live_preview_and_images_open_to_the_writer_of_a_draft_only(app, cohort, writer,
                                                                    as_writer):
    case = handed(cohort, writer)
    other = signed_in(app, make_member(cohort))
    response = as_writer.post("/c/lab/cases/preview", data={"body_md": "## 第一周"})
    assert response.status_code == 200
    assert "第一周" in response.get_json()["html"]
    assert other.post("/c/lab/cases/preview", data={"body_md": "x"}).status_code == 403
    assert as_writer.get(f"/c/lab/cases/{case.id}/files/a.png").status_code == 404  # none yet
    assert other.get(f"/c/lab/cases/{case.id}/files/a.png").status_code == 404
    response = as_writer.post(f"/c/lab/cases/{case.id}/images", data={
        "image": (io.BytesIO(png_bytes()), "a.png")}, content_type="multipart/form-data")
    assert response.status_code == 302
    assert as_writer.get(f"/c/lab/cases/{case.id}/files/a.png").status_code == 200
    assert other.get(f"/c/lab/cases/{case.id}/files/a.png").status_code == 404
    assert other.post(f"/c/lab/cases/{case.id}/images", data={
        "image": (io.BytesIO(png_bytes()), "b.png")},
        content_type="multipart/form-data").status_code == 403
    member_cases.submit_case(case, actor=writer, now=clock.now())
    assert as_writer.post("/c/lab/cases/preview", data={"body_md": "x"}).status_code == 403


# ---- taking a case back; a case approved after its slot ------------------------------------

def submitted(cohort, writer, **kw):
    case = handed(cohort, writer, **kw)
    Case.update(body_md="## 第一周\n\n我的草稿").where(Case.id == case.id).execute()
    member_cases.submit_case(Case.get_by_id(case.id), actor=writer, now=clock.now())
    return Case.get_by_id(case.id)


def test_host_takes_a_draft_back_the_member_loses_it_and_is_told(
        app, cohort, writer, as_host, as_writer):
    case = handed(cohort, writer)
    assert as_writer.post(f"/c/lab/cases/{case.id}/edit", data={
        "title": "社群的冷启动", "body_md": "## 我的草稿", "action": "save"}).status_code == 302
    page = html_of(as_host.get("/c/lab/schedule"))
    assert "Take the case back" in page
    assert "林小雨 can no longer edit it" in page
    # not staff: refused, nothing changes
    assert as_writer.post(f"/c/lab/cases/{case.id}/take-back").status_code == 403
    assert Case.get_by_id(case.id).review_state == "writing"
    response = as_host.post(f"/c/lab/cases/{case.id}/take-back", follow_redirects=True)
    assert response.status_code == 200
    assert "Taken back: “社群的冷启动” is the hosts&#39; case again" in html_of(response)
    fresh = Case.get_by_id(case.id)
    assert (fresh.author_id, fresh.review_state, fresh.body_md) == (None, "", "## 我的草稿")
    assert as_writer.get(f"/c/lab/cases/{case.id}/edit").status_code == 403
    assert "Your turn to write a case" not in html_of(as_writer.get("/c/lab/"))
    inbox = html_of(as_writer.get("/messages"))
    assert "The hosts of" in inbox
    assert "took back “社群的冷启动”" in inbox
    zh = signed_in(app, writer, "zh-CN")
    assert "收回了《社群的冷启动》" in html_of(zh.get("/messages"))
    assert "member&#39;s case taken back by the hosts" in html_of(as_host.get("/c/lab/audit"))
    # twice: refused with a message, nothing changes
    response = as_host.post(f"/c/lab/cases/{case.id}/take-back", follow_redirects=True)
    assert "Only a member&#39;s case not yet approved can be taken back." in html_of(response)


def test_host_takes_back_a_submitted_case_and_withdraws_an_approval(
        cohort, writer, as_host, as_writer):
    case = submitted(cohort, writer, days=3)
    assert as_host.post(f"/c/lab/cases/{case.id}/approve").status_code == 302
    page = html_of(as_host.get("/c/lab/schedule"))
    assert "Withdraw approval" in page
    response = as_host.post(f"/c/lab/cases/{case.id}/withdraw-approval", follow_redirects=True)
    assert "Approval withdrawn" in html_of(response)
    assert Case.get_by_id(case.id).review_state == "submitted"
    assert "Waiting for review" in html_of(as_host.get("/c/lab/schedule"))
    assert as_host.post(f"/c/lab/cases/{case.id}/take-back").status_code == 302
    assert Case.get_by_id(case.id).review_state == ""
    assert "approval of a member&#39;s case withdrawn" in html_of(as_host.get("/c/lab/audit"))


def test_a_case_out_can_be_neither_withdrawn_nor_taken_back(cohort, writer, as_host, clock):
    case = submitted(cohort, writer, days=1)
    member_cases.approve_case(case, actor=cohort.created_by, now=clock.now())
    clock.advance(days=2)
    for action in ("withdraw-approval", "take-back"):
        response = as_host.post(f"/c/lab/cases/{case.id}/{action}", follow_redirects=True)
        assert response.status_code == 200
        assert "Only a" in html_of(response)
    assert Case.get_by_id(case.id).review_state == "approved"


def _en(instant):
    from learnclub.dates import say_when
    return say_when(instant, "Asia/Shanghai", "en", now=clock.now())


def test_a_case_approved_after_its_slot_opens_its_window_at_the_approval(
        cohort, writer, as_host, as_writer, clock):
    make_member(cohort, make_user(display_name="周明远"))
    case = submitted(cohort, writer, days=1)
    slot_time = case.publish_at
    clock.advance(days=3)  # two days past its slot: not out, no homework owed
    assert "Approve and publish now" in html_of(as_host.get("/c/lab/schedule"))
    assert as_writer.get(f"/c/lab/cases/{case.id}").status_code == 404
    at = clock.now()
    response = as_host.post(f"/c/lab/cases/{case.id}/approve", follow_redirects=True)
    assert "Approved after its time: “社群的冷启动” is out now" in html_of(response)
    fresh = Case.get_by_id(case.id)
    assert at <= fresh.publish_at < at + timedelta(minutes=1)
    due = fresh.publish_at + timedelta(hours=72)  # the cohort's rule, from the approval
    shown = html_of(as_writer.get(f"/c/lab/cases/{case.id}"))
    assert _en(fresh.publish_at) in shown
    assert _en(due).split(", ")[0] in shown  # due three days after the approval
    assert _en(slot_time + timedelta(hours=72)).split(", ")[0] not in shown
    # the dry run: no miss while the window from the approval is open ...
    clock.travel_to(slot_time + timedelta(hours=72 + 12, minutes=5))  # the slot's grace over
    assert "周明远" not in html_of(as_host.get("/c/lab/participation")).split(
        "New misses")[1].split("</ul>")[0]
    # ... and a miss once the grace after the due time from the approval has ended
    clock.travel_to(due + timedelta(hours=12, minutes=5))
    as_host = signed_in(as_host.application, cohort.created_by)  # a week on: a new session
    misses = html_of(as_host.get("/c/lab/participation")).split("New misses")[1] \
        .split("</ul>")[0]
    assert "周明远" in misses
    assert "社群的冷启动" in misses
    assert "林小雨" not in misses  # its author owes no homework on it


def test_a_never_approved_case_gives_no_miss_in_the_dry_run(app, cohort, writer, clock):
    make_member(cohort, make_user(display_name="周明远"))
    submitted(cohort, writer, days=1)
    clock.advance(days=10)  # its slot, due time and grace long past (signed in afresh)
    response = signed_in(app, cohort.created_by).get("/c/lab/participation")
    assert response.status_code == 200
    misses = html_of(response).split("New misses")[1] \
        .split("</ul>")[0]
    assert "周明远" not in misses
    assert "None." in misses
