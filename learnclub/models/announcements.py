"""Staff's announcements (公告) pinned to the cohort home, who has read them, the cohort's rules
(群规) with a version, and each member's acknowledgment of a version. The rules are
domain/cohorts/announcements.py and domain/cohorts/rules.py."""
from peewee import CharField, ForeignKeyField, IntegerField, TextField

from learnclub.db import BaseModel
from learnclub.models.cohorts import Cohort, Membership
from learnclub.models.fields import UTCDateTimeField
from learnclub.models.people import User


class Announcement(BaseModel):
    cohort = ForeignKeyField(Cohort, backref="+", on_delete="CASCADE")
    title = CharField(max_length=200)
    body_md = TextField(default="")
    author = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    created_at = UTCDateTimeField()
    #: pinned to the top of the cohort home since then; None: unpinned
    pinned_at = UTCDateTimeField(null=True)

    class Meta:
        table_name = "announcement"
        indexes = ((("cohort", "pinned_at"), False),)


class AnnouncementRead(BaseModel):
    """A read receipt: the first time a member opened the announcement or saw it on the home."""

    announcement = ForeignKeyField(Announcement, backref="+", on_delete="CASCADE")
    user = ForeignKeyField(User, backref="+", on_delete="CASCADE")
    read_at = UTCDateTimeField()

    class Meta:
        table_name = "announcement_read"
        indexes = ((("announcement", "user"), True),)


class CohortRules(BaseModel):
    """The cohort's rules (群规); every change of the text bumps `version`."""

    cohort = ForeignKeyField(Cohort, unique=True, backref="+", on_delete="CASCADE")
    body_md = TextField(default="")
    version = IntegerField(default=0)  #: 0: never written
    updated_at = UTCDateTimeField()
    updated_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")

    class Meta:
        table_name = "cohort_rules"


class RulesAcknowledgment(BaseModel):
    """A member's latest "我已阅读并同意群规": which version, when."""

    membership = ForeignKeyField(Membership, unique=True, backref="+", on_delete="CASCADE")
    version = IntegerField()
    acknowledged_at = UTCDateTimeField()

    class Meta:
        table_name = "rules_acknowledgment"
