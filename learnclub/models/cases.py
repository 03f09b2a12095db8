"""Case studies (案例): their text, where they came from, when they go out, their revisions."""
from peewee import BooleanField, CharField, ForeignKeyField, IntegerField, TextField
from playhouse.hybrid import hybrid_method

from learnclub.db import BaseModel
from learnclub.models.cohorts import Cohort
from learnclub.models.fields import UTCDateTimeField
from learnclub.models.people import User

#: review states in which a case may go out: the staff's own cases, approved member cases
APPROVED_STATES = ("", "approved")


class Case(BaseModel):
    cohort = ForeignKeyField(Cohort, backref="cases", on_delete="CASCADE")
    #: "content/<file>.md" path relative to the cohort's folder, or None for editor-made cases
    source_path = CharField(max_length=500, null=True)
    source_hash = CharField(max_length=64, default="")  #: sha256 of the file last imported
    title = CharField(max_length=300)
    body_md = TextField(default="")
    #: body_md rendered when written (domain.rendering.case_html); None: render on read
    body_html = TextField(null=True)
    homework_prompt = TextField(default="")
    tags = CharField(max_length=500, default="")  #: comma-separated
    #: when it goes out; for a queued case the date the cadence gave it (see domain/schedule.py)
    publish_at = UTCDateTimeField(null=True, index=True)
    #: True: publish_at was chosen by the host; False: the cadence sets it while in the future
    publish_fixed = BooleanField(default=False)
    due_at_fixed = UTCDateTimeField(null=True)  #: explicit due time, if the host set one
    #: the due time learners were shown or mailed when the case went out; no rule moves the
    #: due time earlier than this (only the host, by hand, with a confirmation)
    due_shown_at = UTCDateTimeField(null=True)
    queue_position = IntegerField(default=0)
    announced_at = UTCDateTimeField(null=True)
    archived_at = UTCDateTimeField(null=True)  #: its file disappeared, or the host archived it
    removals_paused = BooleanField(default=False)  #: a broken case: no misses are recorded
    no_homework = BooleanField(default=False)  #: "no homework due": it never gives a miss
    #: the member the host handed this case to (轮值), None for the staff's own cases
    author = ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+")
    #: "" (written by staff), or a member's case: "writing", "submitted" (待审阅), "approved"
    review_state = CharField(max_length=12, default="")
    review_note = TextField(default="")  #: the host's note when sending a draft back
    created_at = UTCDateTimeField()
    updated_at = UTCDateTimeField()

    class Meta:
        table_name = "case_study"  # "case" is an SQL keyword
        indexes = ((("cohort", "source_path"), True),)

    @property
    def tag_list(self):
        return [t.strip() for t in self.tags.split(",") if t.strip()]

    @classmethod
    def live(cls, cohort):
        """Every case of the cohort that is not archived, in publication order."""
        return (cls.select().where((cls.cohort == cohort) & cls.archived_at.is_null())
                .order_by(cls.publish_at.asc(nulls="LAST"), cls.queue_position, cls.id))

    def has_come_out(self, now):
        """Whether the case has come out by `now`, archived since or not: approved (or written
        by staff) and its publication time has come. `publish_at` of a case that came out is
        the moment it did: a member's case approved after its time goes out when approved,
        and approval moves `publish_at` to then (domain.cases.member_cases.approve_case), so
        its window, due time by the rule, and who owes homework count from there."""
        return (self.publish_at is not None and self.publish_at <= now
                and self.review_state in APPROVED_STATES)

    @hybrid_method
    def is_out(self, now):
        """Whether members may read the case at `now`: not archived, approved (a member's
        draft is not, until the host approves it), and its publication time has come. The one
        definition, on a row (`case.is_out(now)`) and in a query (`.where(Case.is_out(now))`);
        domain.cases.queries.is_out takes schedule slots too."""
        return self.archived_at is None and self.has_come_out(now)

    @is_out.expression
    def is_out(cls, now):  # noqa: N805 - the class, as a query condition
        return (cls.archived_at.is_null() & cls.publish_at.is_null(False)
                & (cls.publish_at <= now) & cls.review_state.in_(APPROVED_STATES))

    @classmethod
    def published(cls, cohort, now):
        """What members may read at `now`: live cases whose publication time has come."""
        return cls.live(cohort).where(cls.is_out(now))


class CaseRevision(BaseModel):
    """The text of a case as it was before an edit after publication."""

    case = ForeignKeyField(Case, backref="revisions", on_delete="CASCADE")
    title = CharField(max_length=300)
    body_md = TextField()
    homework_prompt = TextField(default="")
    source = CharField(max_length=16)  #: "file" or "editor"
    actor = ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = UTCDateTimeField()


class CaseFile(BaseModel):
    """An image of the case, uploaded in the editor or imported from beside its Markdown file
    at sync; its bytes are a StoredFile."""

    case = ForeignKeyField(Case, backref="files", on_delete="CASCADE")
    name = CharField(max_length=200)  #: the name the Markdown refers to
    content_type = CharField(max_length=50)
    size = IntegerField()
    stored_as = CharField(max_length=300)  #: the sha256 of its StoredFile (models/files.py)
    created_at = UTCDateTimeField()

    class Meta:
        indexes = ((("case", "name"), True),)
