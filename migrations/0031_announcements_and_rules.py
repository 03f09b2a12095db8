"""Announcements and 群规 (issue "Community depth", point 3): `announcement` (pinned while
`pinned_at` is set), `announcement_read` (one read receipt per announcement and reader),
`cohort_rules` (one per cohort, its text and version) and `rules_acknowledgment` (one per
membership: the version acknowledged and when).

New tables and nothing else, so both backends build them from frozen models (UTCDateTimeField
frozen as the DateTimeField it is in the schema), as 0025 and 0030 do.
"""
from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, Model, TextField


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = "user"

    class Cohort(Model):
        class Meta:
            database = db
            table_name = "cohort"

    class Membership(Model):
        class Meta:
            database = db
            table_name = "membership"

    class Announcement(Model):
        cohort = ForeignKeyField(Cohort, backref="+", on_delete="CASCADE")
        title = CharField(max_length=200)
        body_md = TextField(default="")
        author = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
        created_at = DateTimeField()
        pinned_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = "announcement"
            indexes = ((("cohort", "pinned_at"), False),)

    class AnnouncementRead(Model):
        announcement = ForeignKeyField(Announcement, backref="+", on_delete="CASCADE")
        user = ForeignKeyField(User, backref="+", on_delete="CASCADE")
        read_at = DateTimeField()

        class Meta:
            database = db
            table_name = "announcement_read"
            indexes = ((("announcement", "user"), True),)

    class CohortRules(Model):
        cohort = ForeignKeyField(Cohort, unique=True, backref="+", on_delete="CASCADE")
        body_md = TextField(default="")
        version = IntegerField(default=0)
        updated_at = DateTimeField()
        updated_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")

        class Meta:
            database = db
            table_name = "cohort_rules"

    class RulesAcknowledgment(Model):
        membership = ForeignKeyField(Membership, unique=True, backref="+", on_delete="CASCADE")
        version = IntegerField()
        acknowledged_at = DateTimeField()

        class Meta:
            database = db
            table_name = "rules_acknowledgment"

    db.create_tables([Announcement, AnnouncementRead, CohortRules, RulesAcknowledgment])


def down(migrator, db):
    for table in ("rules_acknowledgment", "cohort_rules", "announcement_read", "announcement"):
        migrator.migrate(migrator.drop_table(table))
