"""Removal by hand, leaving, and the safety stop's banner through the client (issue 13,
points 4 and 10): the host's participation page, the learner's confirmation page, the CLI's
dry run; in English and Chinese."""
import re
from datetime import timedelta

import pytest

from learnclub.domain.participation.sweep import sweep_all
from learnclub.models import Membership, MembershipEvent, OutboxMessage, Submission, User
from tests.factories import PASSWORD, make_case, make_cohort, make_member, make_user

BASE = "http://localhost"


def html_of(response):
    return response.get_data(as_text=True)


def flashes_of(response):
    return re.findall(r'<p class="flash (\w+)"[^>]*>([^<]*)</p>', html_of(response))


def signed_in(app, user, language="en"):
    browser = app.test_client()
    browser.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
    response = browser.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302, html_of(response)
    return browser


def membership(cohort, user):
    return Membership.get((Membership.cohort == cohort) & (Membership.user == user))


@pytest.fixture
def cohort(app):
    return make_cohort(host=make_user(can_host=True, locale="en"), slug="lab")


@pytest.fixture
def held(cohort, clock):
    """Six learners (all of them) missed a case: the sweep holds their removal."""
    people = [make_member(cohort, make_user(display_name=f"学员{i}")) for i in range(6)]
    make_case(cohort, title="坏掉的案例", publish_at=clock.now() - timedelta(days=4))
    sweep_all(now=clock.now(), base_url=BASE)
    return people


def test_participation_page_shows_the_held_banner_and_the_host_confirms(app, cohort, held,
                                                                        clock):
    host = signed_in(app, cohort.created_by)

    page = html_of(host.get("/c/lab/participation"))
    response = host.post("/c/lab/participation/confirm-held", follow_redirects=True)

    assert "The check is holding 6 removals" in page
    assert "学员0</strong> <span class=\"muted\">missed: 坏掉的案例" in page
    assert "Confirm: ask 6 learners to leave" in page
    assert ("success", "6 learners were asked to leave.") in flashes_of(response)
    assert {membership(cohort, u).status for u in held} == {"removed"}
    assert {(e.actor_id, e.reason_kind) for e in MembershipEvent.select().where(
        MembershipEvent.action == "removed")} == {(cohort.created_by_id, "strikes")}
    assert "The check is holding" not in html_of(response)


def test_assistant_sees_the_banner_but_may_not_confirm(app, cohort, held):
    assistant = make_member(cohort, role="assistant")
    browser = signed_in(app, assistant)

    page = html_of(browser.get("/c/lab/participation"))
    response = browser.post("/c/lab/participation/confirm-held")

    assert "The check is holding 6 removals" in page
    assert "Confirm: ask" not in page
    assert 'id="remove"' not in page
    assert response.status_code == 403
    assert {membership(cohort, u).status for u in held} == {"active"}


def test_cli_dry_run_says_would_hold(runner, cohort, clock):
    for i in range(6):
        make_member(cohort, make_user(display_name=f"学员{i}"))
    make_case(cohort, title="坏掉的案例", publish_at=clock.now() - timedelta(days=4))

    result = runner.invoke(args=["participation", "sweep", "--dry-run"])

    assert result.exit_code == 0, result.output
    assert ("lab: would record 6 misses, would hold 6 removals (over the safety stop; a host "
            "confirms)") in result.output
    assert "  hold     学员0 · 坏掉的案例" in result.output


@pytest.mark.parametrize(("language", "flash"), [
    ("en", "小王 is no longer a member; they were told why."),
    ("zh_Hans_CN", "小王 已不是成员；已告知对方原因。"),
])
def test_host_removes_a_member_by_hand(app, cohort, language, flash):
    user = make_member(cohort, make_user(display_name="小王", locale="en"))
    User.update(locale=language).where(User.id == cohort.created_by_id).execute()
    host = signed_in(app, cohort.created_by, language.replace("_Hans_", "-"))

    page = html_of(host.get("/c/lab/participation"))
    response = host.post("/c/lab/participation/remove", follow_redirects=True,
                         data={"remove-user_id": user.id, "remove-reason": "多次在群里发广告"})

    assert 'id="remove"' in page
    assert ("success", flash) in flashes_of(response)
    member = membership(cohort, user)
    assert (member.status, member.removed_kind, member.removed_reason) == \
        ("removed", "by_host", "多次在群里发广告")
    (mail,) = OutboxMessage.select().where(OutboxMessage.user == user)
    assert "多次在群里发广告" in mail.body


def test_remove_by_hand_without_a_reason_is_refused(app, cohort):
    user = make_member(cohort, make_user(display_name="小王"))
    host = signed_in(app, cohort.created_by)

    response = host.post("/c/lab/participation/remove", follow_redirects=True,
                         data={"remove-user_id": user.id, "remove-reason": ""})

    assert ("error", "Reason: Say why: the member reads it in their notice.") \
        in flashes_of(response)
    assert membership(cohort, user).status == "active"


def test_assistant_may_not_remove_by_hand(app, cohort):
    user = make_member(cohort)
    browser = signed_in(app, make_member(cohort, role="assistant"))

    response = browser.post("/c/lab/participation/remove",
                            data={"remove-user_id": user.id, "remove-reason": "广告"})

    assert response.status_code == 403
    assert membership(cohort, user).status == "active"


@pytest.mark.parametrize(("language", "heading"), [
    ("en", "<h2>You left this cohort</h2>"), ("zh-CN", "<h2>你已退出这个社群</h2>")])
def test_learner_leaves_after_confirming_and_keeps_their_homework(app, cohort, clock,
                                                                   language, heading):
    user = make_member(cohort, make_user(display_name="小李"))
    case = make_case(cohort, title="案例一", publish_at=clock.now() - timedelta(hours=1))
    Submission.create(case=case, user=user, body_md="我的作业正文", submitted_at=clock.now(),
                      updated_at=clock.now())
    browser = signed_in(app, user, language)

    mine = html_of(browser.get("/c/lab/homework/mine"))
    confirm = browser.get("/c/lab/membership/leave")
    response = browser.post("/c/lab/membership/leave", data={"reason": "工作太忙"})
    after = html_of(browser.get("/c/lab/homework/mine"))

    assert 'href="/c/lab/membership/leave"' in mine
    assert confirm.status_code == 200
    assert membership(cohort, user).status == "removed"  # only after the confirmation
    assert response.headers["Location"] == "/c/lab/homework/mine"
    assert heading in after
    assert "我的作业正文" in after
    member = membership(cohort, user)
    assert (member.removed_kind, member.removed_reason) == ("left", "工作太忙")
    assert browser.get("/c/lab/cases/").status_code == 403


def test_leaving_page_changes_nothing_until_confirmed(app, cohort):
    user = make_member(cohort)
    browser = signed_in(app, user)

    page = html_of(browser.get("/c/lab/membership/leave"))

    assert "<h1>Leave 社群实验室?</h1>" in page
    assert "Yes, leave the cohort" in page
    assert membership(cohort, user).status == "active"


@pytest.mark.parametrize("way", ["by_host", "left"])
def test_readmit_after_removal_by_hand_or_leaving(app, cohort, way):
    user = make_member(cohort, make_user(display_name="小李"))
    if way == "left":
        signed_in(app, user).post("/c/lab/membership/leave", data={"reason": ""})
    host = signed_in(app, cohort.created_by)
    if way == "by_host":
        host.post("/c/lab/participation/remove",
                  data={"remove-user_id": user.id, "remove-reason": "广告"})
    assert membership(cohort, user).status == "removed"

    response = host.post(f"/c/lab/members/{user.id}/readmit", follow_redirects=True,
                         data={"reason": "回来了", "reset_misses": "y"})

    assert ("success", "小李 is back in the cohort.") in flashes_of(response)
    assert membership(cohort, user).status == "active"
