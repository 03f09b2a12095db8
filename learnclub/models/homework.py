"""Homework (作业): one submission per learner per case, its history, and the conversation
around it: likes, comments and feedback, featured picks, excuses and points."""
from peewee import BooleanField, CharField, ForeignKeyField, IntegerField, TextField

from learnclub.db import BaseModel
from learnclub.models.cases import Case
from learnclub.models.cohorts import Cohort
from learnclub.models.fields import UTCDateTimeField
from learnclub.models.people import User


class Submission(BaseModel):
    case = ForeignKeyField(Case, backref="submissions", on_delete="CASCADE")
    user = ForeignKeyField(User, backref="submissions", on_delete="CASCADE")
    body_md = TextField()
    body_html = TextField(null=True)  #: body_md rendered when written; None: render on read
    length = IntegerField(default=0)  #: as a reader counts: a CJK character or a word is one
    submitted_at = UTCDateTimeField()  #: first submission; on time or late is judged on it
    updated_at = UTCDateTimeField()
    late_seconds = IntegerField(default=0)  #: how long after the due time it came, 0 = on time
    featured_at = UTCDateTimeField(null=True)  #: 精选, by a host or assistant
    featured_by = ForeignKeyField(User, null=True, on_delete="SET NULL")

    class Meta:
        indexes = ((("case", "user"), True),)

    @property
    def is_late(self):
        return self.late_seconds > 0


class SubmissionRevision(BaseModel):
    """The text of a submission as it was before an edit."""

    submission = ForeignKeyField(Submission, backref="revisions", on_delete="CASCADE")
    body_md = TextField()
    created_at = UTCDateTimeField()


class Like(BaseModel):
    submission = ForeignKeyField(Submission, backref="likes", on_delete="CASCADE")
    user = ForeignKeyField(User, on_delete="CASCADE")
    created_at = UTCDateTimeField()

    class Meta:
        table_name = "submission_like"  # "like" is an SQL keyword
        indexes = ((("submission", "user"), True),)


class Comment(BaseModel):
    submission = ForeignKeyField(Submission, backref="comments", on_delete="CASCADE")
    user = ForeignKeyField(User, on_delete="CASCADE")
    #: a reply to a top-level comment; replies to replies attach to the same top-level one
    parent = ForeignKeyField("self", null=True, backref="replies", on_delete="CASCADE")
    body_md = TextField()
    body_html = TextField(null=True)  #: body_md rendered when written; None: render on read
    is_feedback = BooleanField(default=False)  #: written by a host or assistant as feedback
    created_at = UTCDateTimeField()

    class Meta:
        table_name = "submission_comment"


class Excuse(BaseModel):
    """An excused absence (请假) for one case: no miss, no reminder."""

    case = ForeignKeyField(Case, on_delete="CASCADE")
    user = ForeignKeyField(User, on_delete="CASCADE")
    reason = TextField(default="")
    granted_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = UTCDateTimeField()

    class Meta:
        indexes = ((("case", "user"), True),)


class PointEvent(BaseModel):
    """One line of a member's points ledger; the key makes every award happen once."""

    cohort = ForeignKeyField(Cohort, on_delete="CASCADE")
    user = ForeignKeyField(User, on_delete="CASCADE")
    key = CharField(max_length=200, unique=True)  #: e.g. "submission:7:on_time"
    kind = CharField(max_length=32)  #: on_time, late, featured, comment, guest_share
    points = IntegerField()
    case = ForeignKeyField(Case, null=True, on_delete="SET NULL")
    created_at = UTCDateTimeField(index=True)


class Notification(BaseModel):
    """Something to tell a person about their homework; mailed in batches, never per like."""

    user = ForeignKeyField(User, on_delete="CASCADE")
    kind = CharField(max_length=32)  #: comment, reply, feedback, featured
    submission = ForeignKeyField(Submission, on_delete="CASCADE")
    actor = ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = UTCDateTimeField(index=True)
    mailed_at = UTCDateTimeField(null=True, index=True)


class SubmissionImage(BaseModel):
    """A picture in a learner's homework (its bytes in StoredFile, by sha256). While the
    homework is not yet submitted it is pending: `submission` is None and it belongs to
    `user` on `case` (domain/homework/images.py attaches it on submit)."""

    submission = ForeignKeyField(Submission, null=True, backref="+", on_delete="CASCADE")
    user = ForeignKeyField(User, backref="+", on_delete="CASCADE")  #: the learner
    case = ForeignKeyField(Case, backref="+", on_delete="CASCADE")
    sha256 = CharField(max_length=64, index=True)
    position = IntegerField(default=0)  #: order in the gallery, the upload order
    width = IntegerField()
    height = IntegerField()
    created_at = UTCDateTimeField()

    class Meta:
        table_name = "submission_image"
        indexes = ((("case", "user"), False),)
