"""`learnclub demo` fills an empty database with a living cohort, through the domain rules."""
from datetime import UTC, datetime

import pytest

from learnclub import db as database
from learnclub import schema
from learnclub.db import db
from learnclub.demo.community import create_demo
from learnclub.domain.accounts import auth as accounts
from learnclub.models import Application, Cohort, Membership, MembershipEvent, OutboxMessage, User

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def demo(tmp_path):
    """A fresh SQLite database with the demo in it; yields the logins create_demo returned."""
    database.bind("sqlite:///" + str(tmp_path / "demo.db"))
    with db.connection_context():
        schema.upgrade()
        yield create_demo(now=NOW)


def _login(demo, role):
    return next((email, password) for label, email, password in demo["accounts"]
                if label == role)


def test_demo_admits_thirty_learners(demo):
    cohort = Cohort.get(Cohort.slug == demo["cohort"])

    assert Membership.active_learners(cohort).count() == 30
    assert MembershipEvent.select().where(MembershipEvent.action == "admitted").count() == 30
    assert OutboxMessage.select().count() == 32  # 30 welcomes, 2 waitlist notes


def test_demo_learners_have_group_nicknames_for_the_missing_list(demo):
    cohort = Cohort.get(Cohort.slug == demo["cohort"])
    nicknames = [m.user.group_nickname for m in Membership.active_learners(cohort)]

    assert nicknames.count("") == 0
    assert User.get(User.email.startswith("qian.ming")).group_nickname == "钱明-北京"


def test_demo_leaves_applications_waiting(demo):
    statuses = {status: Application.select().where(Application.status == status).count()
                for status in ("submitted", "waitlisted", "admitted")}

    assert statuses == {"submitted": 6, "waitlisted": 2, "admitted": 30}


def test_demo_host_password_signs_in(demo):
    email, password = _login(demo, "host")

    user = accounts.authenticate(email, password, ip="127.0.0.1", now=NOW)

    assert user.is_admin is True
    assert user.id == Cohort.get(Cohort.slug == demo["cohort"]).created_by_id
    assert User.select().where(User.password_hash == user.password_hash).count() == 1


def test_demo_assistant_and_learner_passwords_sign_in(demo):
    cohort = Cohort.get(Cohort.slug == demo["cohort"])
    email, password = _login(demo, "assistant")
    learner_email, learner_password = _login(demo, "learner")

    assistant = accounts.authenticate(email, password, ip="127.0.0.1", now=NOW)
    learner = accounts.authenticate(learner_email, learner_password, ip="127.0.0.1", now=NOW)

    assert Membership.get(cohort=cohort, user=assistant).role == "assistant"
    assert Membership.get(cohort=cohort, user=learner).role == "learner"
    assert password != learner_password


def test_demo_with_the_shipped_cases_has_homework_going_on(tmp_path):
    from pathlib import Path

    from learnclub.domain.participation.sweep import plan_sweep
    from learnclub.models import Case, Comment, Excuse, Submission
    content = Path(__file__).resolve().parent.parent / "content"
    database.bind(f"sqlite:///{tmp_path / 'demo.db'}")
    with db.connection_context():
        schema.upgrade()
        create_demo(now=NOW, content_dir=content)
        cohort = Cohort.get(Cohort.slug == "community-lab")
        first, second = Case.select().where(Case.publish_at <= NOW).order_by(Case.publish_at)
        learners = list(User.select().join(Membership).where(Membership.role == "learner")
                        .order_by(User.id))
        on_first = {s.user_id for s in Submission.select().where(Submission.case == first)}
        plan = plan_sweep(cohort, now=NOW)

        assert Case.select().count() == 5
        assert on_first == {u.id for u in learners[:-2]}  # one on leave, one never writes
        assert Submission.select().where(Submission.case == second).count() > 0
        assert [e.user_id for e in Excuse.select()] == [learners[-2].id]
        assert [m.user_id for m, _titles in plan.removals] == [learners[-1].id]
        # nothing is written or said later than the moment the demo is made
        assert Submission.select().where(Submission.submitted_at > NOW).count() == 0
        assert Comment.select().where(Comment.created_at > NOW).count() == 0


def test_demo_with_content_has_guest_sharing_under_way(tmp_path):
    from pathlib import Path

    from learnclub.domain.sharing.archive import archive
    from learnclub.domain.sharing.review import open_weeks
    from learnclub.models import PointEvent, Talk
    content = Path(__file__).resolve().parent.parent / "content"
    database.bind(f"sqlite:///{tmp_path / 'demo.db'}")
    with db.connection_context():
        schema.upgrade()
        create_demo(now=NOW, content_dir=content)
        cohort = Cohort.get(Cohort.slug == "community-lab")
        entries = archive(cohort)
        guests = {m.user_id for m in Membership.select().where(Membership.role == "guest")}
        shares = {(p.user_id, p.points) for p in PointEvent.select().where(
            PointEvent.kind == "guest_share")}
        upcoming = Talk.get(Talk.status == "accepted")

        assert [e.number for e in entries] == [3, 2, 1]
        assert all(e.held_at < NOW and e.talk.status == "held" for e in entries)
        assert all(e.talk.transcript_md.count("\n\n") >= 1 for e in entries)
        assert all(e.title_then and e.guest.id in guests for e in entries)
        assert shares == {(e.guest.id, cohort.points_guest_share) for e in entries}
        assert len(open_weeks(cohort, now=NOW)) >= cohort.sharing_weeks_ahead - 1
        assert upcoming.slot.starts_at > NOW
        assert upcoming.guest_id in guests
        assert Talk.select().count() == 4


def test_demo_with_content_lists_a_login_for_every_role_guests_included(tmp_path):
    from pathlib import Path
    content = Path(__file__).resolve().parent.parent / "content"
    database.bind(f"sqlite:///{tmp_path / 'demo.db'}")
    with db.connection_context():
        schema.upgrade()
        demo = create_demo(now=NOW, content_dir=content)
        cohort = Cohort.get(Cohort.slug == demo["cohort"])
        roles = {}
        for label, email, password in demo["accounts"]:
            user = accounts.authenticate(email, password, ip="127.0.0.1", now=NOW)
            membership = Membership.get_or_none(cohort=cohort, user=user)
            roles.setdefault(label, set()).add(membership.role if membership else "applicant")

    assert roles == {"host": {"host"}, "assistant": {"assistant"}, "learner": {"learner"},
                     "applicant": {"applicant"}, "guest": {"guest"}}
