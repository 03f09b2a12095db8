"""Participation: misses, leave requests, extensions, seat offers to the waitlist;
pausing removals; the reason a membership ended.

Generated with playhouse.migrations.template() from the models, then frozen here.
"""
# Generated from a schema diff on 2026-11-22 14:27.
from peewee import *

def up(migrator, db):
    class Application(Model):
        class Meta:
            database = db
            table_name = 'application'

    class Case(Model):
        class Meta:
            database = db
            table_name = 'case_study'

    class Cohort(Model):
        class Meta:
            database = db
            table_name = 'cohort'

    class User(Model):
        class Meta:
            database = db
            table_name = 'user'

    class Extension(Model):
        case = ForeignKeyField(Case, on_delete='CASCADE')
        user = ForeignKeyField(User, on_delete='CASCADE')
        until = DateTimeField()
        granted_by = ForeignKeyField(User, null=True, on_delete='SET NULL')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'extension'
            indexes = ((('case', 'user'), True),)
    db.create_tables([Extension])

    class LeaveRequest(Model):
        cohort = ForeignKeyField(Cohort, on_delete='CASCADE')
        user = ForeignKeyField(User, on_delete='CASCADE')
        case = ForeignKeyField(Case, null=True, on_delete='CASCADE')
        starts_on = DateField(null=True)
        ends_on = DateField(null=True)
        reason = TextField()
        status = CharField(max_length=16, default='requested')
        decided_by = ForeignKeyField(User, null=True, on_delete='SET NULL')
        decided_at = DateTimeField(null=True)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'leave_request'
    db.create_tables([LeaveRequest])

    class Miss(Model):
        cohort = ForeignKeyField(Cohort, on_delete='CASCADE')
        user = ForeignKeyField(User, on_delete='CASCADE')
        case = ForeignKeyField(Case, on_delete='CASCADE')
        created_at = DateTimeField()
        voided_at = DateTimeField(null=True)
        void_reason = CharField(max_length=300, default='')
        class Meta:
            database = db
            table_name = 'miss'
            indexes = ((('case', 'user'), True),)
    db.create_tables([Miss])

    class SeatOffer(Model):
        cohort = ForeignKeyField(Cohort, on_delete='CASCADE')
        application = ForeignKeyField(Application, on_delete='CASCADE')
        token = CharField(unique=True, max_length=64)
        expires_at = DateTimeField()
        status = CharField(max_length=16, default='offered')
        created_at = DateTimeField()
        answered_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'seat_offer'
    db.create_tables([SeatOffer])

    migrator.migrate(migrator.add_column('cohort', 'removals_paused', BooleanField(default=False)))
    migrator.migrate(migrator.add_column('cohort', 'seat_offer_hours', SmallIntegerField(default=48)))
    migrator.migrate(migrator.add_column('case_study', 'removals_paused', BooleanField(default=False)))
    migrator.migrate(migrator.add_column('membership', 'removed_reason', TextField(default='')))


def down(migrator, db):
    migrator.migrate(migrator.drop_column('membership', 'removed_reason'))
    migrator.migrate(migrator.drop_column('case_study', 'removals_paused'))
    migrator.migrate(migrator.drop_column('cohort', 'seat_offer_hours'))
    migrator.migrate(migrator.drop_column('cohort', 'removals_paused'))
    migrator.migrate(migrator.drop_table('seat_offer'))
    migrator.migrate(migrator.drop_table('miss'))
    migrator.migrate(migrator.drop_table('leave_request'))
    migrator.migrate(migrator.drop_table('extension'))
