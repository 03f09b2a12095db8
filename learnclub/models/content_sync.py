"""The last sync of a cohort's content folder (content/<cohort-slug>/): when it ran and what
ran it, and one row per case file with its status and its problems, kept as codes and
parameters so each reader sees them in their own language (domain/cases/sync_report.py)."""
from peewee import CharField, ForeignKeyField, IntegerField, TextField

from learnclub.db import BaseModel
from learnclub.models.cohorts import Cohort
from learnclub.models.fields import UTCDateTimeField
from learnclub.models.people import User


class ContentSync(BaseModel):
    cohort = ForeignKeyField(Cohort, unique=True, backref="+", on_delete="CASCADE")
    ran_at = UTCDateTimeField()
    ran_by = CharField(max_length=16)  #: a domain.cases.sync_report.SyncBy
    #: who pressed "Sync now" (ran_by "web"); None for the scheduler and the command line
    actor = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    created = IntegerField(default=0)
    updated = IntegerField(default=0)
    archived = IntegerField(default=0)
    restored = IntegerField(default=0)

    class Meta:
        table_name = "content_sync"


class ContentSyncFile(BaseModel):
    cohort = ForeignKeyField(Cohort, backref="+", on_delete="CASCADE")
    name = CharField(max_length=255)  #: the file's name in the cohort's folder
    status = CharField(max_length=8)  #: "ok", "warning" (imported) or "error" (not imported)
    #: JSON: [{"code": "image_missing", "params": {"image": "x.png"}}, …]
    messages = TextField(default="[]")

    class Meta:
        table_name = "content_sync_file"
        indexes = ((("cohort", "name"), True),)
