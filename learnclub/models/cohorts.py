"""A cohort (学习社群), who belongs to it in which role, and how people get in."""
from peewee import (
    BooleanField,
    CharField,
    Check,
    ForeignKeyField,
    IntegerField,
    SmallIntegerField,
    TextField,
)

from learnclub.db import BaseModel
from learnclub.models.fields import UTCDateTimeField
from learnclub.models.people import User

ROLES = ("host", "assistant", "learner", "guest")
STAFF_ROLES = ("host", "assistant")


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
    seat_offer_hours = SmallIntegerField(default=48)  #: how long a waitlist offer stays open
    points_enabled = BooleanField(default=True)
    points_on_time = SmallIntegerField(default=10)
    points_late = SmallIntegerField(default=5)
    points_featured = SmallIntegerField(default=20)
    points_comment = SmallIntegerField(default=1)
    points_comment_cap = SmallIntegerField(default=5)  #: comment points per case at most
    points_guest_share = SmallIntegerField(default=30)
    created_by = ForeignKeyField(User, on_delete="RESTRICT")
    created_at = UTCDateTimeField()

    @property
    def reminder_offsets(self):
        return [int(h) for h in self.reminder_hours.split(",") if h.strip()]


class Membership(BaseModel):
    cohort = ForeignKeyField(Cohort, backref="memberships", on_delete="CASCADE")
    user = ForeignKeyField(User, backref="memberships", on_delete="CASCADE")
    role = CharField(max_length=16)
    status = CharField(max_length=16, default="active")  #: "active" or "removed"
    joined_at = UTCDateTimeField()
    removed_at = UTCDateTimeField(null=True)
    removed_reason = TextField(default="")

    class Meta:
        indexes = ((("cohort", "user"), True),)

    @classmethod
    def active_learners(cls, cohort):
        return cls.select().where(
            (cls.cohort == cohort) & (cls.role == "learner") & (cls.status == "active"))


class MembershipEvent(BaseModel):
    """Audit log of every change to who is in a cohort: who, when, why, by rule or by hand."""

    cohort = ForeignKeyField(Cohort, on_delete="CASCADE")
    user = ForeignKeyField(User, on_delete="CASCADE")
    action = CharField(max_length=32)  #: admitted, joined_by_invite, role_changed, removed, …
    reason = TextField(default="")
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

    class Meta:
        indexes = ((("cohort", "user"), True),)


class Invite(BaseModel):
    """An invite link that admits directly; expiring, revocable, optionally limited in uses."""

    cohort = ForeignKeyField(Cohort, backref="invites", on_delete="CASCADE")
    token = CharField(max_length=64, unique=True)
    role = CharField(max_length=16, default="learner")
    max_uses = IntegerField(null=True)
    uses = IntegerField(default=0)
    expires_at = UTCDateTimeField()
    revoked_at = UTCDateTimeField(null=True)
    created_by = ForeignKeyField(User, on_delete="CASCADE")
    created_at = UTCDateTimeField()
