"""Calendar feed links: a member's secret token for a private cohort's ICS feed, revocable.

Generated with playhouse.migrations.template() from the models against a database at 0005,
then frozen here (UTCDateTimeField frozen as the DateTimeField it stores as).
"""
# Generated from a schema diff on 2026-11-22 15:15.
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

    class CalendarToken(Model):
        cohort = ForeignKeyField(Cohort, on_delete='CASCADE')
        user = ForeignKeyField(User, on_delete='CASCADE')
        token = CharField(unique=True, max_length=64)
        created_at = DateTimeField()
        revoked_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'calendar_token'
            indexes = ((('cohort', 'user'), False),)
    db.create_tables([CalendarToken])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('calendar_token'))
