"""Application questions (issue 18, point 1): `application_question`, the questions a
cohort's staff add to its application form (kind, prompt, options one a line, required, and
`removed_at` for a removed question whose answers are kept), and `application_answer`, one
row per text answer or per option chosen. Existing cohorts have no questions; the two fixed
questions (motivation, background) stay where they are.

New tables and nothing else, so both backends build them from frozen models (UTCDateTimeField
frozen as the DateTimeField it is in the schema), as 0030 does.
"""
from peewee import (
    BooleanField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)


def up(migrator, db):
    class Cohort(Model):
        class Meta:
            database = db
            table_name = "cohort"

    class Application(Model):
        class Meta:
            database = db
            table_name = "application"

    class ApplicationQuestion(Model):
        cohort = ForeignKeyField(Cohort, backref="+", on_delete="CASCADE")
        position = IntegerField()
        kind = CharField(max_length=16)
        prompt = TextField()
        choices = TextField(default="")
        required = BooleanField(default=False)
        removed_at = DateTimeField(null=True)
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = "application_question"

    class ApplicationAnswer(Model):
        application = ForeignKeyField(Application, backref="+", on_delete="CASCADE")
        question = ForeignKeyField(ApplicationQuestion, backref="+", on_delete="CASCADE")
        value = TextField()

        class Meta:
            database = db
            table_name = "application_answer"
            indexes = ((("application", "question"), False),)

    db.create_tables([ApplicationQuestion, ApplicationAnswer])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("application_answer"))
    migrator.migrate(migrator.drop_table("application_question"))
