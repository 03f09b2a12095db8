"""Content-folder problems on the Schedule page (issue "An app people open every day", point
6): the last sync of each cohort's content folder, whoever ran it (the scheduler, the command
line or "Sync now" on the web), is kept: `content_sync` (one row per cohort: when, by what,
by whom, how many cases were created, updated, archived, restored) and `content_sync_file`
(one row per case file: its status and its problems as codes and parameters, so each reader
sees them in their own language).

New tables and nothing else, so both backends build them from frozen models
(UTCDateTimeField frozen as the DateTimeField it is in the schema), as 0011 does. Cohorts
synced before get their rows at the next sync (the scheduler's, within a minute).
"""
from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, Model, TextField


def up(migrator, db):
    class Cohort(Model):
        class Meta:
            database = db
            table_name = "cohort"

    class User(Model):
        class Meta:
            database = db
            table_name = "user"

    class ContentSync(Model):
        cohort = ForeignKeyField(Cohort, unique=True, backref="+", on_delete="CASCADE")
        ran_at = DateTimeField()
        ran_by = CharField(max_length=16)
        actor = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
        created = IntegerField(default=0)
        updated = IntegerField(default=0)
        archived = IntegerField(default=0)
        restored = IntegerField(default=0)

        class Meta:
            database = db
            table_name = "content_sync"

    class ContentSyncFile(Model):
        cohort = ForeignKeyField(Cohort, backref="+", on_delete="CASCADE")
        name = CharField(max_length=255)
        status = CharField(max_length=8)
        messages = TextField(default="[]")

        class Meta:
            database = db
            table_name = "content_sync_file"
            indexes = ((("cohort", "name"), True),)

    db.create_tables([ContentSync, ContentSyncFile])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("content_sync_file"), migrator.drop_table("content_sync"))
