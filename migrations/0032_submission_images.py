"""Homework with pictures (issue "Community depth", point 4): `submission_image`, one row per
picture in a learner's homework, its bytes in `stored_file` by sha256. A picture uploaded
before the homework is submitted is pending: `submission` is NULL and it belongs to `user` on
`case` (docs/rules.md "Homework pictures").

A new table and nothing else, so both backends build it from a frozen model (UTCDateTimeField
frozen as the DateTimeField it is in the schema), as 0030 does.
"""
from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, Model


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = "user"

    class Case(Model):
        class Meta:
            database = db
            table_name = "case_study"

    class Submission(Model):
        class Meta:
            database = db
            table_name = "submission"

    class SubmissionImage(Model):
        submission = ForeignKeyField(Submission, null=True, backref="+", on_delete="CASCADE")
        user = ForeignKeyField(User, backref="+", on_delete="CASCADE")
        case = ForeignKeyField(Case, backref="+", on_delete="CASCADE")
        sha256 = CharField(max_length=64, index=True)
        position = IntegerField(default=0)
        width = IntegerField()
        height = IntegerField()
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = "submission_image"
            indexes = ((("case", "user"), False),)

    db.create_tables([SubmissionImage])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("submission_image"))
