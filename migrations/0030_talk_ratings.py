"""Sharing that gets better (issue "Community depth", point 2): `talk_rating`, one row per
held talk and member who rated it (1–5 and one line; unique per talk and rater, so a second
rating is a change, never a duplicate), and `talk_note`, staff's private note on a held talk
("below the bar"), at most one per talk.

New tables and nothing else, so both backends build them from frozen models (UTCDateTimeField
frozen as the DateTimeField it is in the schema), as 0025 does.
"""
from peewee import (
    BooleanField,
    CharField,
    Check,
    DateTimeField,
    ForeignKeyField,
    Model,
    SmallIntegerField,
)


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = "user"

    class Talk(Model):
        class Meta:
            database = db
            table_name = "talk"

    class TalkRating(Model):
        talk = ForeignKeyField(Talk, backref="+", on_delete="CASCADE")
        rater = ForeignKeyField(User, backref="+", on_delete="CASCADE")
        score = SmallIntegerField(constraints=[Check("score BETWEEN 1 AND 5")])
        line = CharField(max_length=200, default="")
        created_at = DateTimeField()
        updated_at = DateTimeField()

        class Meta:
            database = db
            table_name = "talk_rating"
            indexes = ((("talk", "rater"), True),)

    class TalkNote(Model):
        talk = ForeignKeyField(Talk, unique=True, backref="+", on_delete="CASCADE")
        below_bar = BooleanField(default=False)
        note = CharField(max_length=500, default="")
        author = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
        updated_at = DateTimeField()

        class Meta:
            database = db
            table_name = "talk_note"

    db.create_tables([TalkRating, TalkNote])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("talk_note"))
    migrator.migrate(migrator.drop_table("talk_rating"))
