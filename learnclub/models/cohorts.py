"""A cohort (学习社群), who belongs to it in which role, and how people get in."""
import json
from enum import StrEnum

from peewee import (
    BooleanField,
    CharField,
    Check,
    DateField,
    ForeignKeyField,
    IntegerField,
    SmallIntegerField,
    TextField,
)

from learnclub.db import BaseModel
from learnclub.models.fields import UTCDateTimeField
from learnclub.models.people import User


class Role(StrEnum):
    """A membership's role; stored as its value."""

    HOST = "host"
    ASSISTANT = "assistant"
    LEARNER = "learner"
    GUEST = "guest"


class MembershipStatus(StrEnum):
    ACTIVE = "active"
    REMOVED = "removed"


class RemovalKind(StrEnum):
    """Why a membership ended, as a rule records it (docs/rules.md "Participation and
    removal"); "" (no kind) means the reason is only what a person typed."""

    STRIKES = "strikes"  #: the sweep: misses reached the strike limit; the cases are kept
    BY_HOST = "by_host"  #: a host ended it by hand, with a reason
    LEFT = "left"  #: the member left the cohort themselves


ROLES = tuple(role.value for role in Role)
STAFF_ROLES = (Role.HOST.value, Role.ASSISTANT.value)


class IdListField(TextField):
    """A list of ids (e.g. the cases of a removal), stored as JSON text: "[3, 5]"."""

    def db_value(self, value):
        if isinstance(value, str):  # already stored form
            return value
        return json.dumps([int(i) for i in value or []])

    def python_value(self, value):
        return json.loads(value) if value else []


class Cohort(BaseModel):
    slug = CharField(max_length=64, unique=True)
    name = CharField(max_length=300)
    description_md = TextField(default="")
    timezone = CharField(max_length=64, default="Asia/Shanghai")
    #: the language of what learnclub posts into the cohort's chat groups
    language = CharField(max_length=16, default="zh_Hans_CN")
    capacity = IntegerField(default=40, constraints=[Check("capacity > 0")])
    #: "application" (host reviews) or "invite" (invite links only)
    admission = CharField(max_length=16, default="application")
    waitlist_enabled = BooleanField(default=True)
    cadence_min_days = SmallIntegerField(default=3)
    cadence_target_days = SmallIntegerField(default=4)
    cadence_max_days = SmallIntegerField(default=5)
    homework_due_hours = SmallIntegerField(default=72)
    homework_grace_hours = SmallIntegerField(default=12)
    #: a homework window shorter than this (from when a learner could first see the case to
    #: its due time) never gives a miss, and the editor and sync refuse to make one
    min_window_hours = SmallIntegerField(default=24)
    strike_limit = SmallIntegerField(default=1)
    excused_per_learner = SmallIntegerField(default=2)
    reminder_hours = CharField(max_length=64, default="24,2")  #: hours before due, comma-separated
    sharing_weekday = SmallIntegerField(default=6)  #: 0 = Monday … 6 = Sunday
    sharing_time = CharField(max_length=5, default="20:00")  #: HH:MM in the cohort's zone
    sharing_minutes = SmallIntegerField(default=60)
    sharing_weeks_ahead = SmallIntegerField(default=8)
    is_public = BooleanField(default=True)
    #: visitors may propose a talk on the public page; the host approves them as guests
    guest_proposals_public = BooleanField(default=False)
    #: "after_submission", "after_due" or "always"
    peer_visibility = CharField(max_length=20, default="after_submission")
    homework_min_length = IntegerField(default=0)  #: 0 = no minimum
    removals_paused = BooleanField(default=False)  #: holidays: misses are kept, nobody removed
    #: the safety stop on mass removal: a sweep that would remove more than this share (%) of
    #: the active learners, or more than this many, whichever is fewer, removes nobody
    removal_stop_percent = SmallIntegerField(default=20)
    removal_stop_count = SmallIntegerField(default=5)
    #: when a sweep was first held by the stop (None: not held), and whom it held (user ids)
    removals_held_at = UTCDateTimeField(null=True)
    removals_held_ids = IdListField(default=list)
    seat_offer_hours = SmallIntegerField(default=48)  #: how long a waitlist offer stays open
    points_enabled = BooleanField(default=True)
    points_on_time = SmallIntegerField(default=10)
    points_late = SmallIntegerField(default=5)
    points_featured = SmallIntegerField(default=20)
    points_comment = SmallIntegerField(default=1)
    points_comment_cap = SmallIntegerField(default=5)  #: comment points per case at most
    points_guest_share = SmallIntegerField(default=30)
    #: the cohort's last day, in its zone (None: not set): the deposit rule is decided after it
    last_day = DateField(null=True)
    #: the deposit (押金) asked of each member, in fen (0: none), and its currency's label
    deposit_fen = IntegerField(default=0)
    deposit_currency = CharField(max_length=8, default="CNY")
    #: the deposit is earned back by handing in on time at least this share (%) of the
    #: cases that counted (domain/participation/deposit.py)
    deposit_percent = SmallIntegerField(default=80)
    #: a member the rule removes forfeits the deposit (else it is refundable)
    deposit_removal_forfeits = BooleanField(default=True)
    created_by = ForeignKeyField(User, on_delete="RESTRICT")
    created_at = UTCDateTimeField()

    @property
    def reminder_offsets(self):
        return [int(h) for h in self.reminder_hours.split(",") if h.strip()]


class Membership(BaseModel):
    cohort = ForeignKeyField(Cohort, backref="memberships", on_delete="CASCADE")
    user = ForeignKeyField(User, backref="memberships", on_delete="CASCADE")
    role = CharField(max_length=16)  #: a Role
    status = CharField(max_length=16, default=MembershipStatus.ACTIVE)  #: a MembershipStatus
    joined_at = UTCDateTimeField()
    removed_at = UTCDateTimeField(null=True)
    removed_reason = TextField(default="")  #: in words, as written at the (last) removal
    removed_kind = CharField(max_length=16, default="")  #: a RemovalKind, or "" (typed only)
    removed_case_ids = IdListField(default=list)  #: the cases missed, for RemovalKind.STRIKES

    class Meta:
        indexes = ((("cohort", "user"), True),)

    @classmethod
    def active_learners(cls, cohort):
        """The one active-learner filter (domain.participation.queries.active_learners)."""
        return cls.select().where(
            (cls.cohort == cohort) & (cls.role == Role.LEARNER)
            & (cls.status == MembershipStatus.ACTIVE))

    @property
    def is_active_learner(self):
        """The filter of `active_learners`, for a membership already loaded."""
        return self.role == Role.LEARNER and self.status == MembershipStatus.ACTIVE


class MembershipEvent(BaseModel):
    """Audit log of every change to who is in a cohort: who, when, why, by rule or by hand."""

    cohort = ForeignKeyField(Cohort, on_delete="CASCADE")
    user = ForeignKeyField(User, on_delete="CASCADE")
    action = CharField(max_length=32)  #: admitted, joined_by_invite, role_changed, removed, …
    reason = TextField(default="")  #: in words: what a person typed, or what a rule wrote
    reason_kind = CharField(max_length=16, default="")  #: of a removal: a RemovalKind, or ""
    case_ids = IdListField(default=list)  #: of a removal for RemovalKind.STRIKES: the cases
    actor = ForeignKeyField(User, null=True, on_delete="SET NULL")  #: None = by rule
    at = UTCDateTimeField(index=True)


class Application(BaseModel):
    cohort = ForeignKeyField(Cohort, backref="applications", on_delete="CASCADE")
    user = ForeignKeyField(User, backref="applications", on_delete="CASCADE")
    motivation = TextField()  #: why I want to join
    background = TextField(default="")
    #: submitted, admitted, rejected, waitlisted, withdrawn
    status = CharField(max_length=16, default="submitted")
    decision_message = TextField(default="")
    decided_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    decided_at = UTCDateTimeField(null=True)
    created_at = UTCDateTimeField()
    #: staff's 1-5 score while screening (migration 0036), None until scored
    score = SmallIntegerField(null=True)

    class Meta:
        indexes = ((("cohort", "user"), True),)


class ApplicationTag(BaseModel):
    """A staff tag on an application while screening (domain/cohorts/screening.py)."""

    application = ForeignKeyField(Application, backref="tags", on_delete="CASCADE")
    tag = CharField(max_length=20)  #: normalised by screening.normalise_tag

    class Meta:
        table_name = "application_tag"
        indexes = ((("application", "tag"), True),)


class ApplicationQuestion(BaseModel):
    """A question a cohort's staff add to its application form (domain/cohorts/questions.py),
    asked after the two fixed ones (motivation, background)."""

    cohort = ForeignKeyField(Cohort, backref="application_questions", on_delete="CASCADE")
    position = IntegerField()  #: the order on the form, smallest first (the id breaks ties)
    kind = CharField(max_length=16)  #: "short", "long", "single" or "multiple"
    prompt = TextField()
    #: the options of a single or multiple choice, one a line ("" for a text question)
    choices = TextField(default="")
    required = BooleanField(default=False)
    #: set when staff removed a question that had answers: it is no longer asked, and its
    #: answers are kept and shown to staff as answers to a removed question
    removed_at = UTCDateTimeField(null=True)
    created_at = UTCDateTimeField()

    class Meta:
        table_name = "application_question"

    @property
    def options(self):
        return self.choices.split("\n") if self.choices else []


class ApplicationAnswer(BaseModel):
    """An applicant's answer to an ApplicationQuestion: the text typed, or one option chosen
    (a multiple choice gives one row per option chosen, so filtering by an option is an
    equality). The option is stored as text: changing a question's options later never
    changes what an applicant answered."""

    application = ForeignKeyField(Application, backref="answers", on_delete="CASCADE")
    question = ForeignKeyField(ApplicationQuestion, backref="answers", on_delete="CASCADE")
    value = TextField()

    class Meta:
        table_name = "application_answer"
        indexes = ((("application", "question"), False),)


class Invite(BaseModel):
    """An invite link that admits directly; expiring, revocable, optionally limited in uses."""

    cohort = ForeignKeyField(Cohort, backref="invites", on_delete="CASCADE")
    token = CharField(max_length=64, unique=True)
    role = CharField(max_length=16, default=Role.LEARNER)  #: a Role
    max_uses = IntegerField(null=True)
    uses = IntegerField(default=0)
    expires_at = UTCDateTimeField()
    revoked_at = UTCDateTimeField(null=True)
    created_by = ForeignKeyField(User, on_delete="CASCADE")
    created_at = UTCDateTimeField()
