"""The cohort's rules (群规) in the domain (docs/rules.md "Rules and announcements"): versions,
acknowledgment, and the one rule `needs_acknowledgment`."""
import pytest

from learnclub import clock
from learnclub.domain.cohorts import rules
from learnclub.domain.cohorts.activity import cohort_log
from learnclub.domain.errors import DomainError, NotAllowed
from learnclub.models import Membership, RulesAcknowledgment
from tests.factories import make_cohort, make_member, make_user


@pytest.fixture
def cohort(app):
    return make_cohort(slug="lab")


def membership(cohort, user):
    return Membership.get((Membership.cohort == cohort) & (Membership.user == user))


def save(cohort, text):
    return rules.save_rules(cohort, text, actor=cohort.created_by, now=clock.now())


def needs(cohort, user):
    return rules.needs_acknowledgment(membership(cohort, user), rules.rules_of(cohort))


def test_versions_rise_only_when_the_text_changes(cohort):
    assert save(cohort, "") is None
    assert (save(cohort, "一"), save(cohort, "一"), save(cohort, "二")) == (1, None, 2)
    log = [(e.action, e.changes) for e in cohort_log(cohort).entries
           if e.action == "rules_changed"]
    assert log == [("rules_changed", {"version": [1, 2]}),
                   ("rules_changed", {"version": [0, 1]})]


def test_who_must_acknowledge(cohort):
    learner, guest = make_member(cohort), make_member(cohort, role="guest")
    assistant = make_member(cohort, role="assistant")
    removed = make_member(cohort, status="removed")
    assert [needs(cohort, u) for u in (learner, guest)] == [False, False]  # no rules yet
    save(cohort, "群规")
    assert [needs(cohort, u) for u in (learner, guest, assistant, removed,
                                       cohort.created_by)] == [True, True, False, False, False]
    assert rules.needs_acknowledgment(None, rules.rules_of(cohort)) is False


def test_acknowledge_then_again_after_a_change(cohort):
    learner = make_member(cohort)
    save(cohort, "一")
    assert rules.acknowledge_rules(cohort, learner, version=1, now=clock.now()) == 1
    assert needs(cohort, learner) is False
    save(cohort, "二")
    assert needs(cohort, learner) is True
    rules.acknowledge_rules(cohort, learner, version=2, now=clock.now())
    (row,) = RulesAcknowledgment.select()
    assert (row.version, row.acknowledged_at is not None) == (2, True)


def test_old_version_and_no_rules_are_refused(cohort):
    learner = make_member(cohort)
    with pytest.raises(DomainError):
        rules.acknowledge_rules(cohort, learner, version=0, now=clock.now())
    save(cohort, "一")
    save(cohort, "二")
    with pytest.raises(DomainError):
        rules.acknowledge_rules(cohort, learner, version=1, now=clock.now())
    assert RulesAcknowledgment.select().count() == 0


def test_only_staff_write_and_only_members_acknowledge(cohort):
    learner = make_member(cohort)
    with pytest.raises(NotAllowed):
        rules.save_rules(cohort, "我的", actor=learner, now=clock.now())
    save(cohort, "一")
    with pytest.raises(NotAllowed):
        rules.acknowledge_rules(cohort, make_user(), version=1, now=clock.now())


def test_too_long_or_nul_is_refused(cohort):
    for text in ("字" * (rules.RULES_MAX + 1), "a\x00b"):
        with pytest.raises(DomainError):
            save(cohort, text)
    assert rules.rules_of(cohort) is None


def test_acknowledgments_list_every_learner_and_guest_by_name(cohort):
    a = make_member(cohort, make_user(display_name="乙"))
    make_member(cohort, make_user(display_name="甲"), role="guest")
    make_member(cohort, role="assistant")
    save(cohort, "一")
    rules.acknowledge_rules(cohort, a, version=1, now=clock.now())
    listed = [(x.name, x.role, x.version) for x in rules.acknowledgments(cohort)]
    assert listed == sorted([("乙", "learner", 1), ("甲", "guest", 0)])
