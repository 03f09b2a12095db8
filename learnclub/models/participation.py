"""Participation (docs/rules.md "Participation and removal"): misses, leave, extensions, and
seats offered to the waitlist."""
from peewee import CharField, DateField, ForeignKeyField, TextField

from learnclub.db import BaseModel
from learnclub.models.cases import Case
from learnclub.models.cohorts import Application, Cohort
from learnclub.models.fields import UTCDateTimeField
from learnclub.models.people import User


class Miss(BaseModel):
    """No homework by due + grace and no excuse: one strike, recorded once per case."""

    cohort = ForeignKeyField(Cohort, on_delete="CASCADE")
    user = ForeignKeyField(User, on_delete="CASCADE")
    case = ForeignKeyField(Case, on_delete="CASCADE")
    created_at = UTCDateTimeField()
    #: a miss that no longer counts: homework came during an extension, or a readmission reset
    voided_at = UTCDateTimeField(null=True)
    void_reason = CharField(max_length=300, default="")

    class Meta:
        indexes = ((("case", "user"), True),)


class LeaveRequest(BaseModel):
    """A learner asks to be excused (请假) for one case or for a range of dates."""

    cohort = ForeignKeyField(Cohort, on_delete="CASCADE")
    user = ForeignKeyField(User, on_delete="CASCADE")
    case = ForeignKeyField(Case, null=True, on_delete="CASCADE")
    starts_on = DateField(null=True)  #: with ends_on: every case due in these local days
    ends_on = DateField(null=True)
    reason = TextField()
    status = CharField(max_length=16, default="requested")  #: requested, approved, declined
    decided_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    decided_at = UTCDateTimeField(null=True)
    created_at = UTCDateTimeField()


class Extension(BaseModel):
    """A host gives one learner more time on one case."""

    case = ForeignKeyField(Case, on_delete="CASCADE")
    user = ForeignKeyField(User, on_delete="CASCADE")
    until = UTCDateTimeField()
    granted_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = UTCDateTimeField()

    class Meta:
        indexes = ((("case", "user"), True),)


class SeatOffer(BaseModel):
    """A free seat offered to the first waitlisted applicant, for a limited time."""

    cohort = ForeignKeyField(Cohort, on_delete="CASCADE")
    application = ForeignKeyField(Application, on_delete="CASCADE")
    token = CharField(max_length=64, unique=True)
    expires_at = UTCDateTimeField()
    status = CharField(max_length=16, default="offered")  #: offered, accepted, declined, expired
    created_at = UTCDateTimeField()
    answered_at = UTCDateTimeField(null=True)
