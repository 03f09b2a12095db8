"""The cohort log (docs/rules.md "People"): every change a person makes in a cohort is logged
with who did it (None: by rule), when, whom or what it concerns and what changed; membership
changes stay MembershipEvents and the log reads both, newest first, two queries a page.

The first case goes out at T0 (2026-11-22 20:00 in Shanghai); NOW is a day later.
"""
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from learnclub.domain.cases.editing import (
    archive_case,
    create_case,
    move_in_queue,
    restore_case,
    update_case,
)
from learnclub.domain.cohorts import activity
from learnclub.domain.cohorts.activity import Action, cohort_log, record
from learnclub.domain.cohorts.admission import create_invite, decide_application, revoke_invite
from learnclub.domain.cohorts.settings import change_role, delete_cohort, update_cohort
from learnclub.domain.homework.feedback import toggle_featured
from learnclub.domain.participation.leave import (
    decide_leave,
    excuse_learner,
    grant_extension,
    request_leave,
)
from learnclub.domain.participation.pausing import set_case_removals_paused, set_removals_paused
from learnclub.domain.reach import chat_hooks
from learnclub.models import CohortEvent, Membership, Submission
from tests.factories import (
    T0,
    default_settings,
    make_application,
    make_case,
    make_cohort,
    make_member,
    make_user,
)
from tests.query_count import count_queries

NOW = T0 + timedelta(days=1)
LATER = NOW + timedelta(hours=2)
WECOM = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx"


@pytest.fixture
def cohort(app):
    return make_cohort(host=make_user(can_host=True, display_name="群主小林"), slug="lab")


@pytest.fixture
def host(cohort):
    return cohort.created_by


@pytest.fixture
def case(cohort):
    return make_case(cohort, title="小区生鲜团购")


@pytest.fixture
def zhang(cohort):
    return make_member(cohort, make_user(display_name="张三"))


def logged(cohort, action):
    """(by, at, whom, subject kind, subject label, changes) of the log's entries of this
    action, newest first."""
    return [(e.by.id if e.by else None, e.at, e.person.id if e.person else None,
             e.subject_kind, e.subject_label, e.changes)
            for e in cohort_log(cohort, page=1, per_page=500).entries if e.action == action]


# ---- participation ----------------------------------------------------------------------

def test_set_removals_paused_logs_pause_and_resume_once_each(cohort, host):
    set_removals_paused(cohort, True, actor=host, now=NOW)
    set_removals_paused(cohort, True, actor=host, now=NOW)  # no change: nothing logged
    set_removals_paused(cohort, False, actor=host, now=LATER)

    assert (logged(cohort, "removals_paused"), logged(cohort, "removals_resumed")) == (
        [(host.id, NOW, None, "", "", {"paused": True})],
        [(host.id, LATER, None, "", "", {"paused": False})])


def test_set_case_removals_paused_logs_the_case(cohort, host, case):
    set_case_removals_paused(case, True, actor=host, now=NOW)
    set_case_removals_paused(case, False, actor=host, now=LATER)

    assert logged(cohort, "case_removals_paused") == [
        (host.id, NOW, None, "case", "小区生鲜团购", {"paused": True})]
    assert logged(cohort, "case_removals_resumed") == [
        (host.id, LATER, None, "case", "小区生鲜团购", {"paused": False})]


@pytest.mark.parametrize(("approve", "action"), [(True, "leave_approved"),
                                                 (False, "leave_declined")])
def test_decide_leave_logs_the_decision(cohort, host, case, zhang, approve, action):
    leave = request_leave(cohort, zhang, reason="出差", case=case, now=T0 + timedelta(hours=1))

    decide_leave(leave, approve, actor=host, now=NOW)

    assert logged(cohort, action) == [(host.id, NOW, zhang.id, "case", "小区生鲜团购", {})]
    assert len(logged(cohort, "excused")) == (1 if approve else 0)


def test_decide_leave_for_days_logs_the_days(cohort, host, case, zhang):
    leave = request_leave(cohort, zhang, reason="春节", starts_on=date(2026, 11, 25),
                          ends_on=date(2026, 11, 26), now=T0 + timedelta(hours=1))

    decide_leave(leave, True, actor=host, now=NOW)

    assert logged(cohort, "leave_approved") == [
        (host.id, NOW, zhang.id, "leave", "", {"starts_on": "2026-11-25",
                                               "ends_on": "2026-11-26"})]


def test_excuse_learner_logs_once_with_the_reason(cohort, host, case, zhang):
    assert excuse_learner(case, zhang, actor=host, reason="生病", now=NOW) is True
    assert excuse_learner(case, zhang, actor=host, reason="生病", now=LATER) is False

    assert logged(cohort, "excused") == [
        (host.id, NOW, zhang.id, "case", "小区生鲜团购", {"reason": "生病"})]


def test_grant_extension_logs_old_and_new_end(cohort, host, case, zhang):
    first, second = NOW + timedelta(days=1), NOW + timedelta(days=2)

    grant_extension(case, zhang, until=first, actor=host, now=NOW)
    grant_extension(case, zhang, until=second, actor=host, now=LATER)

    assert logged(cohort, "extension_granted") == [
        (host.id, LATER, zhang.id, "case", "小区生鲜团购", {"until": [first, second]}),
        (host.id, NOW, zhang.id, "case", "小区生鲜团购", {"until": [None, first]})]


# ---- cohorts: settings, roles, admission ---------------------------------------------------

def test_update_cohort_logs_old_and_new_settings_but_only_names_the_description(cohort, host):
    settings = default_settings(capacity=30, description_md="新的介绍", timezone="Europe/Berlin")

    update_cohort(cohort, settings, actor=host, now=NOW)
    update_cohort(cohort, dict(settings), actor=host, now=LATER)  # nothing changed

    assert logged(cohort, "settings_changed") == [(host.id, NOW, None, "", "", {
        "description_md": None, "timezone": ["Asia/Shanghai", "Europe/Berlin"],
        "capacity": [40, 30]})]


def test_change_role_is_in_the_log_as_a_membership_change(cohort, host, zhang):
    membership = Membership.get(Membership.user == zhang)

    change_role(membership, "assistant", actor=host, now=NOW)

    entry = cohort_log(cohort, page=1, per_page=10).entries[0]
    assert (entry.source, entry.action, entry.by.id, entry.person.id, entry.at, entry.reason) == (
        "membership", "role_changed", host.id, zhang.id, NOW, "learner → assistant")


@pytest.mark.parametrize("decision", ["rejected", "waitlisted"])
def test_decide_application_logs_a_refusal_or_the_waitlist(cohort, host, decision):
    application = make_application(cohort)

    decide_application(application, decision, actor=host, now=NOW)

    assert logged(cohort, f"application_{decision}") == [
        (host.id, NOW, application.user_id, "", "", {})]


def test_decide_application_admission_is_logged_once_as_a_membership_change(cohort, host):
    application = make_application(cohort)

    decide_application(application, "admitted", actor=host, now=NOW)

    assert [(e.source, e.action, e.by.id) for e in cohort_log(cohort, page=1, per_page=10)
            .entries if e.at == NOW] == [("membership", "admitted", host.id)]


def test_create_and_revoke_invite_are_logged(cohort, host):
    invite = create_invite(cohort, actor=host, now=NOW, days_valid=3, max_uses=5, role="guest")
    revoke_invite(invite, now=LATER, actor=host)

    assert logged(cohort, "invite_created") == [
        (host.id, NOW, None, "invite", "guest", {"expires_at": NOW + timedelta(days=3),
                                                 "max_uses": 5})]
    assert logged(cohort, "invite_revoked") == [(host.id, LATER, None, "invite", "guest", {})]


# ---- cases -------------------------------------------------------------------------------

def test_create_case_logs_its_publication_time(cohort, host):
    case = create_case(cohort, {"title": "社区冷启动", "body_md": "正文", "homework_prompt": "?",
                                "publish_at": NOW + timedelta(days=3)}, actor=host, now=NOW)

    assert logged(cohort, "case_created") == [
        (host.id, NOW, None, "case", "社区冷启动", {"publish_at": NOW + timedelta(days=3)})]
    assert case.title == "社区冷启动"


def _values(case, **changes):
    values = {"title": case.title, "body_md": case.body_md,
              "homework_prompt": case.homework_prompt, "tags": case.tags,
              "publish_at": case.publish_at if case.publish_fixed else None,
              "due_at": case.due_at_fixed}
    return {**values, **changes}


@pytest.mark.parametrize(("publish_at", "action"), [
    (NOW + timedelta(days=5), "publish_time_changed"),
    (NOW - timedelta(minutes=1), "case_published")])
def test_update_case_logs_a_new_publication_time(cohort, host, publish_at, action):
    old = NOW + timedelta(days=3)
    case = make_case(cohort, title="社区冷启动", publish_at=old)

    update_case(case, _values(case, publish_at=publish_at), actor=host, now=NOW)

    assert logged(cohort, action) == [
        (host.id, NOW, None, "case", "社区冷启动", {"publish_at": [old, publish_at]})]


def test_update_case_logs_title_old_and_new_and_names_the_text(cohort, host, case):
    update_case(case, _values(case, title="生鲜团购复盘", body_md="新正文"), actor=host, now=NOW)
    update_case(case, _values(case), actor=host, now=LATER)  # nothing changed

    assert logged(cohort, "case_edited") == [
        (host.id, NOW, None, "case", "生鲜团购复盘",
         {"title": ["小区生鲜团购", "生鲜团购复盘"], "body_md": None})]


def test_archive_and_restore_case_are_logged_by_hand_or_by_rule(cohort, host, case):
    archive_case(case, now=NOW, actor=host)
    restore_case(case, now=LATER)  # content sync: by rule

    assert logged(cohort, "case_archived") == [(host.id, NOW, None, "case", "小区生鲜团购", {})]
    assert logged(cohort, "case_restored") == [(None, LATER, None, "case", "小区生鲜团购", {})]


def test_move_in_queue_logs_the_new_publication_time(cohort, host):
    values = {"body_md": "正文", "homework_prompt": "?"}
    first = create_case(cohort, {"title": "一", **values}, actor=host, now=NOW)
    second = create_case(cohort, {"title": "二", **values}, actor=host, now=NOW)

    assert move_in_queue(second, -1, now=LATER, actor=host) is True

    assert logged(cohort, "case_moved") == [
        (host.id, LATER, None, "case", "二", {"publish_at": [second.publish_at,
                                                            first.publish_at]})]


# ---- homework and robots -----------------------------------------------------------------

def test_toggle_featured_logs_featuring_and_taking_it_back(cohort, host, case, zhang):
    submission = Submission.create(case=case, user=zhang, body_md="我的作业", submitted_at=T0,
                                   updated_at=T0)

    toggle_featured(submission, actor=host, now=NOW)
    toggle_featured(Submission.get_by_id(submission.id), actor=host, now=LATER)

    assert (logged(cohort, "featured"), logged(cohort, "unfeatured")) == (
        [(host.id, NOW, zhang.id, "case", "小区生鲜团购", {})],
        [(host.id, LATER, zhang.id, "case", "小区生鲜团购", {})])


def test_chat_hooks_are_logged_without_their_address_or_secret(cohort, host):
    hook = chat_hooks.add_hook(cohort, actor=host, kind="wecom", label="一期学员群", url=WECOM,
                               secret="", events=["case_published"], now=NOW)
    chat_hooks.update_hook(hook, actor=host, kind="feishu", label="二期群", url=WECOM + "x",
                           secret="s3cret", events=["case_published"], now=LATER)
    chat_hooks.delete_hook(hook, actor=host, now=LATER + timedelta(hours=1))

    assert logged(cohort, "hook_added") == [
        (host.id, NOW, None, "hook", "一期学员群", {"kind": "wecom", "events": "case_published"})]
    assert logged(cohort, "hook_changed") == [(host.id, LATER, None, "hook", "一期学员群", {
        "kind": ["wecom", "feishu"], "label": ["一期学员群", "二期群"], "url": None,
        "secret": None})]
    assert logged(cohort, "hook_removed") == [
        (host.id, LATER + timedelta(hours=1), None, "hook", "二期群", {})]
    assert WECOM not in "".join(e.changes for e in CohortEvent.select())


# ---- the log itself ----------------------------------------------------------------------

def test_changes_keep_instants_in_utc_and_read_back_aware():
    shanghai = datetime(2026, 12, 1, 20, 0, tzinfo=UTC).astimezone(ZoneInfo("Asia/Shanghai"))

    stored = activity.encode_changes({"starts_at": [None, shanghai], "minutes": 90})

    assert stored == '{"starts_at": [null, "2026-12-01T20:00:00+00:00"], "minutes": 90}'
    assert activity.decode_changes(stored) == {
        "starts_at": [None, datetime(2026, 12, 1, 20, 0, tzinfo=UTC)], "minutes": 90}


def test_record_refuses_an_unknown_action(cohort, host):
    with pytest.raises(ValueError, match="not_an_action"):
        record(cohort, "not_an_action", actor=host, now=NOW)


def test_cohort_log_is_newest_first_across_both_logs(cohort, host, zhang):
    record(cohort, Action.REMOVALS_PAUSED, actor=host, now=NOW, changes={"paused": True})
    change_role(Membership.get(Membership.user == zhang), "assistant", actor=host, now=LATER)
    record(cohort, Action.REMOVALS_RESUMED, actor=None, now=LATER + timedelta(hours=1))

    page = cohort_log(cohort, page=1, per_page=3)

    assert [(e.source, e.action, e.by.id if e.by else None) for e in page.entries] == [
        ("activity", "removals_resumed", None), ("membership", "role_changed", host.id),
        ("activity", "removals_paused", host.id)]
    assert (page.page, page.pages, page.total) == (1, 2, 4)  # + the cohort's creation


def test_deleting_a_cohort_deletes_its_log(cohort, host, case):
    archive_case(case, now=NOW, actor=host)

    delete_cohort(cohort, actor=host)

    assert CohortEvent.select().count() == 0


def _log_queries(cohort, *, entries, page):
    for i in range(entries):
        record(cohort, Action.EXCUSED, actor=cohort.created_by if i % 2 else None,
               now=NOW + timedelta(minutes=i), subject=make_member(cohort))
    with count_queries() as statements:
        found = cohort_log(cohort, page=page, per_page=50)
    return len(statements), len(found.entries)


def test_cohort_log_takes_two_queries_whatever_the_page(app):
    few = _log_queries(make_cohort(), entries=3, page=1)
    many = _log_queries(make_cohort(), entries=120, page=1)
    last = _log_queries(make_cohort(), entries=120, page=3)

    assert (few, many, last) == ((2, 4), (2, 50), (2, 21))
