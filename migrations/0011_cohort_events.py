"""The cohort activity log: who changed what in a cohort and when (pauses, leave decisions,
excuses, extensions, cases, talks and sessions, settings, robots, invites), beside the
membership log (membership_event), which stays as it is.

Generated with playhouse.migrations.template() from the models against a database at 0009
(0010 is another change's and touches none of these tables), UTCDateTimeField frozen as the
DateTimeField it is in the schema.
"""
# Generated from a schema diff on 2026-12-04 16:45.
from peewee import *

def up(migrator, db):
    class Cohort(Model):
        class Meta:
            database = db
            table_name = 'cohort'

    class User(Model):
        class Meta:
            database = db
            table_name = 'user'

    class CohortEvent(Model):
        cohort = ForeignKeyField(Cohort, on_delete='CASCADE')
        actor = ForeignKeyField(User, null=True, on_delete='SET NULL', backref='+')
        at = DateTimeField()
        action = CharField(max_length=32)
        user = ForeignKeyField(User, null=True, on_delete='SET NULL', backref='+')
        subject_kind = CharField(max_length=16, default='')
        subject_id = IntegerField(null=True)
        subject_label = CharField(max_length=300, default='')
        changes = TextField(default='{}')
        class Meta:
            database = db
            table_name = 'cohort_event'
            indexes = ((('cohort', 'at'), False),)
    db.create_tables([CohortEvent])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('cohort_event'))
