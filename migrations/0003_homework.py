"""Homework: submissions, revisions, likes, comments, excuses, points, notifications;
cohort settings for a minimum length and points.

Generated with playhouse.migrations.template() from the models, then frozen here.
"""
# Generated from a schema diff on 2026-11-22 14:04.
from peewee import *

def up(migrator, db):
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

    class Submission(Model):
        case = ForeignKeyField(Case, on_delete='CASCADE')
        user = ForeignKeyField(User, on_delete='CASCADE')
        body_md = TextField()
        length = IntegerField(default=0)
        submitted_at = DateTimeField()
        updated_at = DateTimeField()
        late_seconds = IntegerField(default=0)
        featured_at = DateTimeField(null=True)
        featured_by = ForeignKeyField(User, null=True, on_delete='SET NULL')
        class Meta:
            database = db
            table_name = 'submission'
            indexes = ((('case', 'user'), True),)
    db.create_tables([Submission])

    class Comment(Model):
        submission = ForeignKeyField(Submission, on_delete='CASCADE')
        user = ForeignKeyField(User, on_delete='CASCADE')
        parent = ForeignKeyField('self', null=True, on_delete='CASCADE')
        body_md = TextField()
        is_feedback = BooleanField(default=False)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'submission_comment'
    db.create_tables([Comment])

    class Excuse(Model):
        case = ForeignKeyField(Case, on_delete='CASCADE')
        user = ForeignKeyField(User, on_delete='CASCADE')
        reason = TextField(default='')
        granted_by = ForeignKeyField(User, null=True, on_delete='SET NULL')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'excuse'
            indexes = ((('case', 'user'), True),)
    db.create_tables([Excuse])

    class Like(Model):
        submission = ForeignKeyField(Submission, on_delete='CASCADE')
        user = ForeignKeyField(User, on_delete='CASCADE')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'submission_like'
            indexes = ((('submission', 'user'), True),)
    db.create_tables([Like])

    class Notification(Model):
        user = ForeignKeyField(User, on_delete='CASCADE')
        kind = CharField(max_length=32)
        submission = ForeignKeyField(Submission, on_delete='CASCADE')
        actor = ForeignKeyField(User, null=True, on_delete='SET NULL')
        created_at = DateTimeField(index=True)
        mailed_at = DateTimeField(index=True, null=True)
        class Meta:
            database = db
            table_name = 'notification'
    db.create_tables([Notification])

    class PointEvent(Model):
        cohort = ForeignKeyField(Cohort, on_delete='CASCADE')
        user = ForeignKeyField(User, on_delete='CASCADE')
        key = CharField(unique=True, max_length=200)
        kind = CharField(max_length=32)
        points = IntegerField()
        case = ForeignKeyField(Case, null=True, on_delete='SET NULL')
        created_at = DateTimeField(index=True)
        class Meta:
            database = db
            table_name = 'point_event'
    db.create_tables([PointEvent])

    class SubmissionRevision(Model):
        submission = ForeignKeyField(Submission, on_delete='CASCADE')
        body_md = TextField()
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'submission_revision'
    db.create_tables([SubmissionRevision])

    migrator.migrate(migrator.add_column('cohort', 'homework_min_length', IntegerField(default=0)))
    migrator.migrate(migrator.add_column('cohort', 'points_enabled', BooleanField(default=True)))
    migrator.migrate(migrator.add_column('cohort', 'points_on_time', SmallIntegerField(default=10)))
    migrator.migrate(migrator.add_column('cohort', 'points_late', SmallIntegerField(default=5)))
    migrator.migrate(migrator.add_column('cohort', 'points_featured', SmallIntegerField(default=20)))
    migrator.migrate(migrator.add_column('cohort', 'points_comment', SmallIntegerField(default=1)))
    migrator.migrate(migrator.add_column('cohort', 'points_comment_cap', SmallIntegerField(default=5)))
    migrator.migrate(migrator.add_column('cohort', 'points_guest_share', SmallIntegerField(default=30)))


def down(migrator, db):
    migrator.migrate(migrator.drop_column('cohort', 'points_guest_share'))
    migrator.migrate(migrator.drop_column('cohort', 'points_comment_cap'))
    migrator.migrate(migrator.drop_column('cohort', 'points_comment'))
    migrator.migrate(migrator.drop_column('cohort', 'points_featured'))
    migrator.migrate(migrator.drop_column('cohort', 'points_late'))
    migrator.migrate(migrator.drop_column('cohort', 'points_on_time'))
    migrator.migrate(migrator.drop_column('cohort', 'points_enabled'))
    migrator.migrate(migrator.drop_column('cohort', 'homework_min_length'))
    migrator.migrate(migrator.drop_table('submission_revision'))
    migrator.migrate(migrator.drop_table('point_event'))
    migrator.migrate(migrator.drop_table('notification'))
    migrator.migrate(migrator.drop_table('submission_like'))
    migrator.migrate(migrator.drop_table('excuse'))
    migrator.migrate(migrator.drop_table('submission_comment'))
    migrator.migrate(migrator.drop_table('submission'))
