"""Seats and the waitlist are never lost (issue 13, point 8; docs/rules.md "Participation and
removal"): live seat offers hold their seats for readmissions and admissions, an offer refused
for lack of a seat puts the applicant back at the head of the waitlist, and only a declined or
an expired offer ends an applicant's turn."""
from datetime import timedelta

import pytest

from learnclub.domain.cohorts.admission import decide_application, free_seats
from learnclub.domain.errors import Conflict
from learnclub.domain.homework.submission import submit_homework
from learnclub.domain.participation.readmission import (
    answer_seat_offer,
    expire_seat_offers,
    offer_free_seats,
    readmit,
    waiting_in_line,
)
from learnclub.domain.participation.sweep import sweep_all
from learnclub.models import Application, Cohort, Membership, SeatOffer
from tests.factories import T0, make_application, make_case, make_cohort, make_member, make_user

BASE_URL = "http://localhost"
AFTER_GRACE = T0 + timedelta(hours=84)
NEXT_DAY = AFTER_GRACE + timedelta(days=1)


@pytest.fixture
def thirty(app):
    """30 seats, all taken; three learners write nothing; four people on the waitlist."""
    cohort = make_cohort(capacity=30)
    case = make_case(cohort)
    learners = [make_member(cohort, make_user(locale="en")) for _ in range(30)]
    for user in learners[3:]:
        submit_homework(case, user, "写了", now=T0 + timedelta(hours=1))
    waiting = [make_application(cohort, make_user(locale="en"), status="waitlisted",
                                decided_at=T0 + timedelta(minutes=n)).user for n in range(4)]
    return cohort, learners[:3], waiting


def taken(cohort):
    return Membership.active_learners(cohort).count()


def offer_of(user):
    return SeatOffer.select().join(Application).where(Application.user == user) \
        .order_by(SeatOffer.id.desc()).get()


def accept(user, now=NEXT_DAY):
    return answer_seat_offer(offer_of(user).token, user, True, now=now, base_url=BASE_URL)


def in_line(cohort):
    return [a.user_id for a in waiting_in_line(cohort)]


def member(cohort, user):
    return Membership.get((Membership.cohort == cohort) & (Membership.user == user))


def test_seats_issue_sequence_ends_full_with_nobody_stuck(thirty):
    cohort, (slacker, _s2, _s3), (a, b, c, d) = thirty
    sweep_all(now=AFTER_GRACE, base_url=BASE_URL)
    assert (taken(cohort), [offer_of(u).status for u in (a, b, c)]) == (27, ["offered"] * 3)

    with pytest.raises(Conflict):  # the three free seats are offered: none is free
        readmit(member(cohort, slacker), actor=cohort.created_by, reason="误会一场",
                reset_misses=True, now=NEXT_DAY)
    for user in (a, b, c):
        accept(user)

    assert taken(cohort) == 30
    assert Application.select().where(Application.status == "admitted").count() == 3
    assert in_line(cohort) == [d.id]


def test_seats_admitting_counts_live_offers(thirty):
    cohort, _slackers, (_a, _b, _c, d) = thirty
    sweep_all(now=AFTER_GRACE, base_url=BASE_URL)

    with pytest.raises(Conflict):
        decide_application(Application.get(Application.user == d), "admitted",
                           actor=cohort.created_by, now=NEXT_DAY)

    assert (taken(cohort), free_seats(cohort, now=NEXT_DAY)) == (27, 0)


def test_seats_admitting_an_applicant_with_a_live_offer_uses_its_seat(thirty):
    cohort, _slackers, (a, _b, _c, _d) = thirty
    sweep_all(now=AFTER_GRACE, base_url=BASE_URL)

    decide_application(Application.get(Application.user == a), "admitted",
                       actor=cohort.created_by, now=NEXT_DAY)

    assert (taken(cohort), offer_of(a).status, free_seats(cohort, now=NEXT_DAY)) == (
        28, "accepted", 0)


def test_seats_offer_refused_for_lack_of_a_seat_returns_to_the_head_of_the_line(thirty):
    cohort, _slackers, (a, b, c, d) = thirty
    sweep_all(now=AFTER_GRACE, base_url=BASE_URL)
    accept(a)
    accept(b)
    Cohort.update(capacity=29).where(Cohort.id == cohort.id).execute()  # the host lowers it

    with pytest.raises(Conflict):
        accept(c)

    assert (taken(cohort), offer_of(c).status) == (29, "refused")
    assert Application.get(Application.user == c).status == "waitlisted"
    assert in_line(cohort) == [c.id, d.id]


def test_seats_refused_applicant_gets_the_next_free_seat(thirty):
    cohort, _slackers, (a, b, c, _d) = thirty
    sweep_all(now=AFTER_GRACE, base_url=BASE_URL)
    accept(a)
    accept(b)
    Cohort.update(capacity=29).where(Cohort.id == cohort.id).execute()
    with pytest.raises(Conflict):
        accept(c)
    Cohort.update(capacity=30).where(Cohort.id == cohort.id).execute()

    made = offer_free_seats(Cohort.get_by_id(cohort.id), now=NEXT_DAY, base_url=BASE_URL)
    accept(c, now=NEXT_DAY + timedelta(hours=1))

    assert ([o.application.user_id for o in made], taken(cohort)) == ([c.id], 30)


def test_seats_declined_or_expired_offer_ends_the_turn(thirty):
    cohort, _slackers, (a, b, c, d) = thirty
    sweep_all(now=AFTER_GRACE, base_url=BASE_URL)
    answer_seat_offer(offer_of(a).token, a, False, now=NEXT_DAY, base_url=BASE_URL)

    expire_seat_offers(now=NEXT_DAY + timedelta(hours=48), base_url=BASE_URL)

    assert [offer_of(u).status for u in (a, b, c)] == ["declined", "expired", "expired"]
    assert in_line(cohort) == []
    assert [o.status for o in SeatOffer.select().join(Application).where(
        Application.user == d)] == ["expired"]
