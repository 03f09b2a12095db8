"""The questions the web, API, CLI and demo ask the cohorts, sharing and accounts areas
(domain/<area>/queries.py), and the small functions they call instead of writing rows
themselves: grant_host, add_account, default_settings."""
from datetime import timedelta

from learnclub.domain.accounts import queries as accounts
from learnclub.domain.accounts.api_tokens import create_token
from learnclub.domain.accounts.auth import add_account, grant_host
from learnclub.domain.cases.editing import archive_case
from learnclub.domain.cohorts import queries as cohorts
from learnclub.domain.cohorts.settings import default_settings
from learnclub.domain.homework.submission import submit_homework
from learnclub.domain.sharing import queries as sharing
from learnclub.domain.sharing.archive import publish_transcript
from learnclub.domain.sharing.talks import accept_talk, generate_slots, propose_talk
from learnclub.models import User
from tests.factories import T0, make_case, make_cohort, make_member, make_user


def test_default_settings_are_the_documented_defaults():
    settings = default_settings()

    assert {k: settings[k] for k in (
        "timezone", "capacity", "admission", "cadence_target_days", "homework_due_hours",
        "homework_grace_hours", "strike_limit", "sharing_weekday", "sharing_time",
        "is_public", "peer_visibility", "language")} == {
        "timezone": "Asia/Shanghai", "capacity": 40, "admission": "application",
        "cadence_target_days": 4, "homework_due_hours": 72, "homework_grace_hours": 12,
        "strike_limit": 1, "sharing_weekday": 6, "sharing_time": "20:00", "is_public": True,
        "peer_visibility": "after_submission", "language": "zh_Hans_CN"}


def test_grant_host_finds_the_account_by_address_in_any_case(app):
    user = make_user(email="future-host@example.org")

    found = (grant_host(" Future-Host@Example.org "), grant_host("nobody@example.org"))

    assert found == (True, False)
    assert User.get_by_id(user.id).may_create_cohorts is True


def test_add_account_makes_an_admin_who_may_host_or_a_plain_account(app):
    admin = add_account("a@example.org", password_hash="x", display_name="甲", now=T0,
                        admin=True)
    plain = add_account("b@example.org", password_hash="x", display_name="乙", now=T0)

    assert [(u.is_admin, u.may_create_cohorts) for u in (admin, plain)] == [
        (True, True), (False, False)]


def test_shares_a_cohort_counts_only_the_viewers_active_cohorts(app):
    lab, other = make_cohort(), make_cohort()
    viewer = make_member(lab)
    make_member(other, viewer, status="removed")
    mate, stranger = make_member(lab), make_member(other)

    assert (accounts.shares_a_cohort(viewer, mate.id),
            accounts.shares_a_cohort(viewer, stranger.id)) == (True, False)


def test_own_token_is_nobody_elses(app):
    ann, bob = make_user(), make_user()
    token, _secret = create_token(ann, name="脚本", scope="read", now=T0)

    assert (accounts.own_token(ann, token.id) == token, accounts.own_token(bob, token.id)) == (
        True, None)


def test_members_page_continues_after_the_last_id(app):
    cohort = make_cohort()
    for _ in range(3):
        make_member(cohort)

    first = cohorts.members_page(cohort, limit=2)
    rest = cohorts.members_page(cohort, after=first[-1].id, limit=10)

    assert (len(first), len(rest)) == (2, 2)
    assert [m.id for m in first + rest] == [m.id for m in cohorts.members_page(cohort)]


def test_homework_counts_leave_out_archived_cases_and_other_cohorts(app):
    cohort, other = make_cohort(), make_cohort()
    ann, bob = make_member(cohort), make_member(cohort)
    make_member(other, ann)
    live, gone = make_case(cohort, title="一"), make_case(cohort, title="二")
    now = T0 + timedelta(hours=1)
    for case in (live, gone, make_case(other)):
        submit_homework(case, ann, "我的作业", now=now)
    archive_case(gone, now=now)

    assert cohorts.homework_counts(cohort, [ann.id, bob.id]) == {ann.id: 1}


def test_a_cohort_finds_only_its_own_sessions_and_talks(app):
    lab, other = make_cohort(), make_cohort()
    slot = generate_slots(other, now=T0)[0]
    talk = propose_talk(other, make_user(), topic="从一个群到一张网", abstract="三个阶段",
                        preferred_slots=[slot], now=T0)

    assert (sharing.slot_in(lab, slot.id), sharing.talk_in(lab, talk.id)) == (None, None)
    assert (sharing.slot_in(other, slot.id), sharing.talk_in(other, talk.id)) == (slot, talk)


def test_archive_page_continues_after_the_last_number(app):
    cohort = make_cohort()
    host = cohort.created_by
    for i, slot in enumerate(generate_slots(cohort, now=T0)[:3]):
        talk = propose_talk(cohort, make_user(), topic=f"第{i + 1}讲", abstract="三个阶段",
                            preferred_slots=[slot], now=T0)
        accept_talk(talk, slot, actor=host, now=T0)
        publish_transcript(talk, "文字稿", actor=host, now=slot.starts_at + timedelta(hours=2))

    first = sharing.archive_page(cohort, limit=2)
    rest = sharing.archive_page(cohort, after=first[-1].number, limit=2)

    assert [(t.number, t.topic) for t in first + rest] == [(1, "第1讲"), (2, "第2讲"),
                                                          (3, "第3讲")]
