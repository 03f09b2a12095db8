"""Accounts, cohorts, admission and the mail outbox.

Generated with playhouse.migrations.template() from the models, then frozen here.
"""
from peewee import *


def up(migrator, db):
    class User(Model):
        email = CharField(unique=True, max_length=320)
        password_hash = CharField()
        display_name = CharField(max_length=300)
        is_admin = BooleanField(default=False)
        can_host = BooleanField(default=False)
        locale = CharField(null=True, max_length=16)
        city = CharField(max_length=300, default='')
        industry = CharField(max_length=300, default='')
        company_title = CharField(max_length=300, default='')
        offer = TextField(default='')
        looking_for = TextField(default='')
        intro_md = TextField(default='')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'user'
    db.create_tables([User])

    class Cohort(Model):
        slug = CharField(unique=True, max_length=64)
        name = CharField(max_length=300)
        description_md = TextField(default='')
        timezone = CharField(max_length=64, default='Asia/Shanghai')
        capacity = IntegerField(default=40, constraints=[Check('capacity > 0')])
        admission = CharField(max_length=16, default='application')
        waitlist_enabled = BooleanField(default=True)
        cadence_min_days = SmallIntegerField(default=3)
        cadence_target_days = SmallIntegerField(default=4)
        cadence_max_days = SmallIntegerField(default=5)
        homework_due_hours = SmallIntegerField(default=72)
        homework_grace_hours = SmallIntegerField(default=12)
        strike_limit = SmallIntegerField(default=1)
        excused_per_learner = SmallIntegerField(default=2)
        reminder_hours = CharField(max_length=64, default='24,2')
        sharing_weekday = SmallIntegerField(default=6)
        sharing_time = CharField(max_length=5, default='20:00')
        sharing_minutes = SmallIntegerField(default=60)
        sharing_weeks_ahead = SmallIntegerField(default=8)
        is_public = BooleanField(default=True)
        peer_visibility = CharField(max_length=20, default='after_submission')
        created_by = ForeignKeyField(User, on_delete='RESTRICT')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'cohort'
    db.create_tables([Cohort])

    class Application(Model):
        cohort = ForeignKeyField(Cohort, on_delete='CASCADE')
        user = ForeignKeyField(User, on_delete='CASCADE')
        motivation = TextField()
        background = TextField(default='')
        status = CharField(max_length=16, default='submitted')
        decision_message = TextField(default='')
        decided_by = ForeignKeyField(User, null=True, on_delete='SET NULL')
        decided_at = DateTimeField(null=True)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'application'
            indexes = ((('cohort', 'user'), True),)
    db.create_tables([Application])

    class Invite(Model):
        cohort = ForeignKeyField(Cohort, on_delete='CASCADE')
        token = CharField(unique=True, max_length=64)
        role = CharField(max_length=16, default='learner')
        max_uses = IntegerField(null=True)
        uses = IntegerField(default=0)
        expires_at = DateTimeField()
        revoked_at = DateTimeField(null=True)
        created_by = ForeignKeyField(User, on_delete='CASCADE')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'invite'
    db.create_tables([Invite])

    class LoginAttempt(Model):
        scope = CharField(index=True, max_length=100)
        at = DateTimeField(index=True)
        class Meta:
            database = db
            table_name = 'login_attempt'
    db.create_tables([LoginAttempt])

    class LoginSession(Model):
        key_hash = CharField(unique=True, max_length=64)
        user = ForeignKeyField(User, on_delete='CASCADE')
        created_at = DateTimeField()
        user_agent = CharField(max_length=300, default='')
        class Meta:
            database = db
            table_name = 'login_session'
    db.create_tables([LoginSession])

    class Membership(Model):
        cohort = ForeignKeyField(Cohort, on_delete='CASCADE')
        user = ForeignKeyField(User, on_delete='CASCADE')
        role = CharField(max_length=16)
        status = CharField(max_length=16, default='active')
        joined_at = DateTimeField()
        removed_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'membership'
            indexes = ((('cohort', 'user'), True),)
    db.create_tables([Membership])

    class MembershipEvent(Model):
        cohort = ForeignKeyField(Cohort, on_delete='CASCADE')
        user = ForeignKeyField(User, on_delete='CASCADE')
        action = CharField(max_length=32)
        reason = TextField(default='')
        actor = ForeignKeyField(User, null=True, on_delete='SET NULL')
        at = DateTimeField(index=True)
        class Meta:
            database = db
            table_name = 'membership_event'
    db.create_tables([MembershipEvent])

    class OneTimeToken(Model):
        purpose = CharField(max_length=32)
        token_hash = CharField(unique=True, max_length=64)
        user = ForeignKeyField(User, null=True, on_delete='CASCADE')
        created_at = DateTimeField()
        expires_at = DateTimeField()
        used_at = DateTimeField(null=True)
        payload = TextField(default='{}')
        class Meta:
            database = db
            table_name = 'one_time_token'
    db.create_tables([OneTimeToken])

    class OutboxMessage(Model):
        key = CharField(unique=True, max_length=200)
        user = ForeignKeyField(User, null=True, on_delete='SET NULL')
        to_addr = CharField(max_length=320)
        subject = CharField(max_length=500)
        body = TextField()
        created_at = DateTimeField()
        attempts = IntegerField(default=0)
        last_error = TextField(default='')
        next_attempt_at = DateTimeField(index=True)
        claimed_until = DateTimeField(null=True)
        sent_at = DateTimeField(index=True, null=True)
        class Meta:
            database = db
            table_name = 'outbox_message'
    db.create_tables([OutboxMessage])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('outbox_message'))
    migrator.migrate(migrator.drop_table('one_time_token'))
    migrator.migrate(migrator.drop_table('membership_event'))
    migrator.migrate(migrator.drop_table('membership'))
    migrator.migrate(migrator.drop_table('login_session'))
    migrator.migrate(migrator.drop_table('login_attempt'))
    migrator.migrate(migrator.drop_table('invite'))
    migrator.migrate(migrator.drop_table('application'))
    migrator.migrate(migrator.drop_table('cohort'))
    migrator.migrate(migrator.drop_table('user'))

