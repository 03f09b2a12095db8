"""Messages in the app (issue "An app people open every day", point 3): `inbox_message`, one
row per event and recipient (a comment on one's homework, a host's feedback, a featured
homework, an admission or talk decision, a removal warning, a readmission), recorded where the
event's mail is queued, read or unread. It keeps the kind and the parameters, not a translated
text, so it is shown in the reader's language.

A new table and nothing else, so both backends build it from frozen models (UTCDateTimeField
frozen as the DateTimeField it is in the schema), as 0011 does. The (recipient, read_at) index
answers the unread count, (recipient, id) the newest-first list.
"""
from peewee import CharField, DateTimeField, ForeignKeyField, Model, TextField


def up(migrator, db):
    class Cohort(Model):
        class Meta:
            database = db
            table_name = "cohort"

    class User(Model):
        class Meta:
            database = db
            table_name = "user"

    class InboxMessage(Model):
        key = CharField(max_length=200, unique=True)
        recipient = ForeignKeyField(User, backref="+", on_delete="CASCADE")
        cohort = ForeignKeyField(Cohort, null=True, backref="+", on_delete="CASCADE")
        kind = CharField(max_length=32)
        params = TextField(default="{}")
        link = CharField(max_length=500, default="")
        created_at = DateTimeField()
        read_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = "inbox_message"
            indexes = ((("recipient", "read_at"), False), (("recipient", "id"), False))

    db.create_tables([InboxMessage])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("inbox_message"))
