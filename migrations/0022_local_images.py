"""Images only from this site (issue "Hold under abuse and faults", point 7): homework and
comments stored before it may show a remote image (a tracking pixel) in `body_html`, so every
stored one is rendered again, as learnclub.domain.rendering renders new ones: a remote image
becomes a link to it.

Written by hand; no schema change. Rows are read in batches of 500 by id, on both backends,
as 0018 filled them. Undoing it keeps the safer HTML: there is nothing to restore.
"""
from learnclub.domain.rendering import comment_html, homework_html

TABLES = (("submission", homework_html), ("submission_comment", comment_html))
BATCH = 500


def _rerender(db, table, render):
    last = 0
    while True:
        rows = db.execute_sql(f"SELECT id, body_md, body_html FROM {table} "
                              f"WHERE id > {db.param} ORDER BY id LIMIT {BATCH}",
                              (last,)).fetchall()
        if not rows:
            return
        for row_id, body, stored in rows:
            html = render(row_id, body)
            if html != stored:
                db.execute_sql(f"UPDATE {table} SET body_html = {db.param} "
                               f"WHERE id = {db.param}", (html, row_id))
        last = rows[-1][0]


def up(migrator, db):
    for table, render in TABLES:
        _rerender(db, table, render)


def down(migrator, db):
    pass  # the re-rendered HTML is what the Markdown renders to now; nothing to undo
