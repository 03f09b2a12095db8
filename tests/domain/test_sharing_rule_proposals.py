"""Who hears that the week they proposed a talk for moved with the weekly rule
(domain/sharing/rule.py): guests of submitted proposals naming a moved week, members and
visitors alike, each with a link to where they see the proposal, once per change."""
import pytest

from learnclub import clock
from learnclub.domain.cohorts.settings import SETTING_FIELDS, update_cohort
from learnclub.domain.sharing.proposals import propose_as_visitor
from learnclub.domain.sharing.rule import (
    apply_weekly_rule,
    mail_moved_proposals,
    plan_weekly_rule,
)
from learnclub.domain.sharing.talks import generate_slots, propose_talk
from learnclub.models import Cohort, OutboxMessage, ShareSlot
from tests.factories import make_cohort, make_member, make_user

BASE = "https://learn.example.org"
THURSDAY = {"sharing_weekday": 3}


@pytest.fixture
def cohort(app):
    cohort = make_cohort(host=make_user(can_host=True), slug="lab", guest_proposals_public=True)
    generate_slots(cohort, now=clock.now())
    return cohort


def slots(cohort):
    return list(ShareSlot.upcoming(cohort, clock.now()))


def save_rule(cohort, **rule):
    settings = {key: getattr(cohort, key) for key in SETTING_FIELDS} | rule
    update_cohort(cohort, settings, actor=cohort.created_by, now=clock.now())
    return Cohort.get_by_id(cohort.id)


def test_plan_names_members_and_visitors_who_proposed_for_moving_weeks(cohort):
    weeks = slots(cohort)
    member = make_member(cohort, make_user(), role="learner")
    propose_talk(cohort, member, topic="社区团购", abstract="摘要", preferred_slots=weeks[:2],
                 now=clock.now())
    visitor = make_user(locale="en")
    propose_as_visitor(cohort, visitor, link=BASE, now=clock.now(), topic="Growth",
                       abstract="How", preferred_slots=[weeks[1]])

    plan = plan_weekly_rule(cohort, THURSDAY, now=clock.now())

    assert plan.proposers == sorted([member.id, visitor.id])
    assert [(talk.guest_id, slot.id) for talk, slot, _start in plan.proposals] == sorted(
        [(member.id, weeks[0].id), (member.id, weeks[1].id), (visitor.id, weeks[1].id)])


def test_each_guest_is_mailed_once_per_change_with_a_link_to_their_proposal(cohort):
    weeks = slots(cohort)
    member = make_member(cohort, make_user(), role="guest")
    talk = propose_talk(cohort, member, topic="社区团购", abstract="摘要",
                        preferred_slots=weeks[:2], now=clock.now())
    visitor = make_user(locale="en")
    visitor_talk = propose_as_visitor(cohort, visitor, link=BASE, now=clock.now(),
                                      topic="Growth", abstract="How",
                                      preferred_slots=[weeks[1]])
    cohort = save_rule(cohort, **THURSDAY)
    plan = apply_weekly_rule(cohort, actor=cohort.created_by, now=clock.now())

    told = mail_moved_proposals(cohort, plan, base_url=BASE, now=clock.now())
    mail_moved_proposals(cohort, plan, base_url=BASE, now=clock.now())  # the same change

    mails = {m.to_addr: m for m in OutboxMessage.select().where(
        OutboxMessage.key.contains(":rule-moved:"))}
    assert (told, sorted(mails)) == (2, sorted([member.email, visitor.email]))
    assert f"{BASE}/c/lab/talks/mine#talk-{talk.id}" in mails[member.email].body
    assert mails[member.email].body.count("“社区团购”") == 2  # both its weeks, one mail
    assert f"{BASE}/c/lab/talks/proposed#talk-{visitor_talk.id}" in mails[visitor.email].body


def test_nothing_moves_nobody_is_told(cohort):
    weeks = slots(cohort)
    guest = make_member(cohort, make_user(), role="guest")
    propose_talk(cohort, guest, topic="社区团购", abstract="摘要", preferred_slots=weeks[:1],
                 now=clock.now())

    plan = apply_weekly_rule(cohort, actor=cohort.created_by, now=clock.now())

    assert (plan.proposals, mail_moved_proposals(cohort, plan, base_url=BASE,
                                                 now=clock.now())) == ([], 0)
    assert OutboxMessage.select().where(OutboxMessage.key.contains(":rule-moved:")).count() == 0
