"""Plain factories: make_<thing>(**overrides) writes a real row and returns it."""
import itertools
from datetime import UTC, datetime, timedelta

from learnclub import clock
from learnclub.domain.accounts.passwords import hash_password
from learnclub.domain.cohorts import settings as cohorts
from learnclub.domain.sharing.archive import mark_held, publish_transcript
from learnclub.domain.sharing.talks import accept_talk, add_one_off_slot, confirm_talk, propose_talk
from learnclub.models import Application, Case, Cohort, Membership, Talk, User

PASSWORD = "correct horse battery staple"
_PASSWORD_HASH = hash_password(PASSWORD)  # hashed once: Argon2id is slow on purpose
_seq = itertools.count(1)
T0 = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def make_user(**overrides):
    n = next(_seq)
    values = {"email": f"person{n}@example.org", "display_name": f"学员{n}",
              "password_hash": _PASSWORD_HASH, "created_at": T0}
    values.update(overrides)
    return User.create(**values)


def default_settings(**overrides):
    settings = {name: Cohort._meta.fields[name].default for name in cohorts.SETTING_FIELDS}
    settings.update(name="社群实验室", description_md="每 4 天一个案例。")
    settings.update(overrides)
    return settings


def make_cohort(host=None, slug=None, **overrides):
    host = host or make_user(can_host=True)
    return cohorts.create_cohort(slug or f"cohort-{next(_seq)}", default_settings(**overrides),
                                 actor=host, now=T0)


def make_member(cohort, user=None, role="learner", status="active"):
    user = user or make_user()
    Membership.create(cohort=cohort, user=user, role=role, status=status, joined_at=T0)
    return user


def make_application(cohort, user=None, **overrides):
    values = {"cohort": cohort, "user": user or make_user(), "motivation": "想系统学习社群运营",
              "background": "在杭州做了两年社区团购", "created_at": T0}
    values.update(overrides)
    return Application.create(**values)


def make_case(cohort, *, publish_at=T0, title="案例一", **values):
    """A case with a fixed publication time (default T0, so it is out at any later `now`)."""
    from learnclub.domain.cases.editing import create_case
    host = cohort.created_by
    fields = {"title": title, "body_md": "## 案例\n正文", "homework_prompt": "你会怎么做？",
              "publish_at": publish_at}
    fields.update(values)
    case = create_case(cohort, fields, actor=host, now=T0)
    if case.publish_at is not None and case.publish_at < case.created_at:
        # a case made for a past publication was written before it (a real window), not
        # saved afterwards: see participation.queries.window_opened
        Case.update(created_at=case.publish_at).where(Case.id == case.id).execute()
        case.created_at = case.publish_at
    return case


def make_held_talk(cohort, speaker, *, hours_ahead=2, publish=True):
    """A talk by `speaker` in a session starting `hours_ahead` from now, held (and its
    transcript published) at its end; the clock stays at the session's end."""
    host = cohort.created_by
    start = clock.now().replace(microsecond=0, second=0) + timedelta(hours=hours_ahead)
    slot = add_one_off_slot(cohort, start, actor=host, now=clock.now())
    talk = propose_talk(cohort, speaker, topic=f"分享 {hours_ahead}", abstract="摘要",
                        preferred_slots=[slot], now=clock.now())
    accept_talk(talk, slot, actor=host, now=clock.now())
    confirm_talk(talk, guest=speaker, now=clock.now())
    clock.travel_to(start + timedelta(minutes=slot.minutes))
    talk = mark_held(talk, now=clock.now(), actor=host)
    if publish:
        talk = publish_transcript(talk, "## 文字稿", actor=host, now=clock.now())
    return Talk.get_by_id(talk.id)
