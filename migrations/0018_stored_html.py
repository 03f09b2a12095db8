"""Stored HTML (issue "deadline rush", point 4): homework and comments keep their Markdown
rendered when written (`body_html`), so pages do not render it on every read.

Written by hand. A plain ALTER TABLE ADD COLUMN on both backends (a nullable column needs no
rebuild, and on SQLite a rebuild would drop the search triggers of 0017). Existing rows are
rendered here in batches with learnclub.domain.rendering, as the domain renders new ones.
"""
from learnclub.domain.rendering import comment_html, homework_html

TABLES = (("submission", homework_html), ("submission_comment", comment_html))
BATCH = 500


def _backfill(db, table, render):
    last = 0
    while True:
        rows = db.execute_sql(f"SELECT id, body_md FROM {table} WHERE id > {db.param} "
                              f"ORDER BY id LIMIT {BATCH}", (last,)).fetchall()
        if not rows:
            return
        for row_id, body in rows:
            db.execute_sql(f"UPDATE {table} SET body_html = {db.param} WHERE id = {db.param}",
                           (render(row_id, body), row_id))
        last = rows[-1][0]


def up(migrator, db):
    for table, render in TABLES:
        db.execute_sql(f"ALTER TABLE {table} ADD COLUMN body_html TEXT")
        _backfill(db, table, render)


def down(migrator, db):
    for table, _render in TABLES:  # SQLite 3.35+ drops a column without a rebuild too
        db.execute_sql(f"ALTER TABLE {table} DROP COLUMN body_html")
