"""Being introduced (issue "Community depth", point 6): a member's 自我介绍, one paragraph of
at most 500 characters (`user.introduction`, "" until written), and `profile_tag`, their
"我能提供" and "我在寻找" tags, stored normalised, unique per member, kind and tag. Existing
members have no introduction and no tags; existing chat robots keep their events (the new
"member_introduced" event is off for them).

A column with a default (no table rebuild on SQLite, as 0027) and a new table built from a
frozen model, as 0030 does.
"""
from peewee import CharField, ForeignKeyField, Model, SmallIntegerField, TextField


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = "user"

    class ProfileTag(Model):
        user = ForeignKeyField(User, backref="+", on_delete="CASCADE")
        kind = CharField(max_length=8)
        tag = CharField(max_length=20)
        position = SmallIntegerField(default=0)

        class Meta:
            database = db
            table_name = "profile_tag"
            indexes = ((("user", "kind", "tag"), True),)

    migrator.migrate(migrator.add_column("user", "introduction", TextField(default="")))
    db.create_tables([ProfileTag])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("profile_tag"))
    migrator.migrate(migrator.drop_column("user", "introduction"))
