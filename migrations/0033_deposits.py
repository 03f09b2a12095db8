"""A deposit that rewards completion (issue "Community depth", point 5): a cohort's last day
(`last_day`, none), its deposit (`deposit_fen`, 0: none; `deposit_currency`, "CNY"), the share
of counted cases to hand in on time to earn it back (`deposit_percent`, 80) and whether the
rule's removal forfeits it (`deposit_removal_forfeits`, yes); and `deposit`, one row per
member whose deposit staff recorded as received (unique per cohort and user).

Columns with defaults or nullable, so no table rebuild on SQLite; the new table is built from
a frozen model (UTCDateTimeField frozen as the DateTimeField it is in the schema), as 0030 does.
"""
from peewee import (
    BooleanField,
    CharField,
    Check,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    SmallIntegerField,
    TextField,
)


def up(migrator, db):
    migrator.migrate(
        migrator.add_column('cohort', 'last_day', DateField(null=True)),
        migrator.add_column('cohort', 'deposit_fen', IntegerField(default=0)),
        migrator.add_column('cohort', 'deposit_currency', CharField(max_length=8, default='CNY')),
        migrator.add_column('cohort', 'deposit_percent', SmallIntegerField(default=80)),
        migrator.add_column('cohort', 'deposit_removal_forfeits', BooleanField(default=True)))

    class User(Model):
        class Meta:
            database = db
            table_name = "user"

    class Cohort(Model):
        class Meta:
            database = db
            table_name = "cohort"

    class Deposit(Model):
        cohort = ForeignKeyField(Cohort, backref="+", on_delete="CASCADE")
        user = ForeignKeyField(User, backref="+", on_delete="CASCADE")
        amount_fen = IntegerField(constraints=[Check("amount_fen >= 0")])
        received_on = DateField()
        method = CharField(max_length=16)
        method_other = CharField(max_length=100, default="")
        note = TextField(default="")
        recorded_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
        recorded_at = DateTimeField()
        updated_at = DateTimeField()
        refunded_at = DateTimeField(null=True)
        refunded_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")

        class Meta:
            database = db
            table_name = "deposit"
            indexes = ((("cohort", "user"), True),)

    db.create_tables([Deposit])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("deposit"))
    migrator.migrate(
        migrator.drop_column('cohort', 'deposit_removal_forfeits'),
        migrator.drop_column('cohort', 'deposit_percent'),
        migrator.drop_column('cohort', 'deposit_currency'),
        migrator.drop_column('cohort', 'deposit_fen'),
        migrator.drop_column('cohort', 'last_day'))
