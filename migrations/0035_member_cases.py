"""Members write too (issue "Community depth", point 7): a case may have an author, a member
the host handed the slot to (`author_id`, null for the host's own cases), and a review state
("" for a case the staff wrote; "writing", "submitted" or "approved" for a member's case),
with the host's note when a draft is sent back. Existing cases have no author and the state
"", so they go out exactly as before.

Nullable and defaulted columns, with no table rebuild on SQLite (its search triggers stay).
"""
from peewee import CharField, ForeignKeyField, Model, SqliteDatabase, TextField


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = "user"

    if isinstance(db, SqliteDatabase):
        # the migrator would rebuild the table for the foreign key and the NOT NULLs, dropping
        # the search triggers on case_study (0017); SQLite adds these columns in place
        for column in ('"author_id" INTEGER REFERENCES "user" ("id") ON DELETE SET NULL',
                       '"review_state" VARCHAR(12) NOT NULL DEFAULT \'\'',
                       '"review_note" TEXT NOT NULL DEFAULT \'\''):
            db.execute_sql(f'ALTER TABLE "case_study" ADD COLUMN {column}')
        migrator.migrate(migrator.add_index("case_study", ("author_id",), False))
        return
    migrator.migrate(
        migrator.add_column("case_study", "author_id",
                            ForeignKeyField(User, field=User.id, null=True,
                                            on_delete="SET NULL")),
        migrator.add_column("case_study", "review_state", CharField(max_length=12, default="")),
        migrator.add_column("case_study", "review_note", TextField(default="")))


def down(migrator, db):
    migrator.migrate(migrator.drop_index("case_study", "case_study_author_id"))
    migrator.migrate(migrator.drop_column("case_study", "review_note"),
                     migrator.drop_column("case_study", "review_state"),
                     migrator.drop_column("case_study", "author_id"))
