"""The cohort's activity log: every change a person (or a rule) makes to a cohort that is not
a change of who is in it (those are MembershipEvent): who, when, what, on what, what changed.

The named actions and the shape of `changes` are the domain's (domain/cohorts/activity.py)."""
from peewee import CharField, ForeignKeyField, IntegerField, TextField

from learnclub.db import BaseModel
from learnclub.models.cohorts import Cohort
from learnclub.models.fields import UTCDateTimeField
from learnclub.models.people import User


class CohortEvent(BaseModel):
    cohort = ForeignKeyField(Cohort, on_delete="CASCADE")
    actor = ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+")  #: None = by rule
    at = UTCDateTimeField()
    action = CharField(max_length=32)  #: a domain.cohorts.activity.Action
    #: the person it concerns, if any (the learner excused, the guest whose talk was accepted)
    user = ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+")
    #: the object it concerns, if any: "case", "talk", "slot", "hook", "invite", "leave", …
    subject_kind = CharField(max_length=16, default="")
    subject_id = IntegerField(null=True)
    subject_label = CharField(max_length=300, default="")  #: its title or name at the time
    changes = TextField(default="{}")  #: JSON: {"field": [old, new]} or {"field": value}

    class Meta:
        indexes = ((("cohort", "at"), False),)
