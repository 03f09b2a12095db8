"""Migration 0022 (images only from this site): homework and comments stored before it are
rendered again, so a remote image already in `body_html` becomes a link and loads nothing."""
from datetime import UTC, datetime

from learnclub import schema
from tests.test_migrations import empty_database  # noqa: F401 - a fixture, on both backends

T0 = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
THIS = "0022_local_images"
PIXEL = "![看](https://tracker.example/p.gif)"
STORED_BEFORE = '<p><img alt="看" src="https://tracker.example/p.gif"></p>'  # as 0018 stored
LINK = ('<p><a href="https://tracker.example/p.gif" rel="noopener noreferrer nofollow">看</a>'
        '</p>')


def test_0022_turns_remote_images_in_stored_homework_and_comments_into_links(empty_database):  # noqa: F811
    from learnclub.models import Comment, Submission
    from tests.factories import make_case, make_cohort, make_member
    database = empty_database()
    with database.connection_context():
        schema.upgrade()
        cohort = make_cohort()
        case, learner = make_case(cohort), make_member(cohort)
        homework = Submission.create(case=case, user=learner, body_md=PIXEL, length=1,
                                     submitted_at=T0, updated_at=T0)
        local = Submission.create(case=make_case(cohort), user=learner, length=1,
                                  body_md="![图](/static/favicon.svg)", body_html="<p>旧</p>",
                                  submitted_at=T0, updated_at=T0)
        Comment.create(submission=homework, user=learner, body_md=PIXEL, created_at=T0)
        schema.runner().down(target=THIS)
        database.execute_sql(f"UPDATE submission SET body_html = {database.param} "
                             f"WHERE id = {database.param}", (STORED_BEFORE, homework.id))
        database.execute_sql(f"UPDATE submission_comment SET body_html = {database.param}",
                             (STORED_BEFORE,))
        schema.runner().up(target=THIS)
        stored = (Submission.get_by_id(homework.id).body_html,
                  Submission.get_by_id(local.id).body_html, Comment.get().body_html)

    assert stored == (LINK, '<p><img alt="图" src="/static/favicon.svg"></p>', LINK)
