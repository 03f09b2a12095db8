"""Stored case HTML (issue 14, point 4): a case keeps its Markdown rendered when written
(`case_study.body_html`, by learnclub.domain.rendering.case_html), so its page, read by every
member many times a week, does not render it on each read.

Written by hand, as 0018 did for homework. A plain ALTER TABLE ADD COLUMN on both backends
(a nullable column: no table rebuild, no rewrite of the rows). Existing cases are rendered
here, in batches of 100 by id, as the domain renders new ones: a cohort has one case every
few days, so even a big database has few cases beside its homework (which 0018 rendered the
same way), and each batch reads only ids, texts and slugs. Rendering here rather than on the
first read keeps pages from writing on a GET; a case left without HTML (NULL) is rendered on
read, not stored, until its next edit.
"""
from learnclub.domain.rendering import case_html

BATCH = 100


def _backfill(db):
    last = 0
    while True:
        rows = db.execute_sql(f"SELECT c.id, c.body_md, h.slug FROM case_study c "
                              f"JOIN cohort h ON h.id = c.cohort_id WHERE c.id > {db.param} "
                              f"ORDER BY c.id LIMIT {BATCH}", (last,)).fetchall()
        if not rows:
            return
        for case_id, body, slug in rows:
            db.execute_sql(f"UPDATE case_study SET body_html = {db.param} "
                           f"WHERE id = {db.param}", (case_html(slug, case_id, body), case_id))
        last = rows[-1][0]


def up(migrator, db):
    db.execute_sql("ALTER TABLE case_study ADD COLUMN body_html TEXT")
    _backfill(db)


def down(migrator, db):  # SQLite 3.35+ drops a column without a rebuild too
    db.execute_sql("ALTER TABLE case_study DROP COLUMN body_html")
