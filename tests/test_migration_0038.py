"""Migration 0038 (stored case HTML): a database from before it gains `case_study.body_html`
with every existing case's text rendered as the domain renders a new one (anchors under
"case:", relative images at the case's files); down drops the column and nothing else."""
from learnclub import schema
from learnclub.domain.rendering import case_html
from tests.test_migrations import empty_database  # noqa: F401 - a fixture, on both backends

THIS = "0038_case_html"


def _columns(database):
    return {c.name for c in database.get_columns("case_study")}


def test_0038_renders_the_html_of_existing_cases(empty_database):  # noqa: F811
    from tests.factories import make_case, make_cohort
    database = empty_database()
    with database.connection_context():
        schema.upgrade()
        cohort = make_cohort(slug="lab")
        cases = [make_case(cohort, title=f"案例{n}", body_md=body) for n, body in
                 enumerate(["## 第一周\n![图](images/a.png)", "<div id='x'>*原样*</div>", ""])]
        schema.runner().down(target=THIS)
        gone = "body_html" not in _columns(database)
        schema.runner().up(target=THIS)
        stored = database.execute_sql(
            "SELECT id, body_html FROM case_study ORDER BY id").fetchall()

    assert gone
    assert stored == [(c.id, case_html("lab", c.id, c.body_md)) for c in cases]
    assert stored[0][1] == ('<h2 id="case:第一周">第一周</h2>\n<p><img alt="图" '
                            f'src="/c/lab/cases/{cases[0].id}/files/images/a.png"></p>')
    assert stored[2][1] == ""


def test_0038_down_drops_the_column_and_keeps_the_cases(empty_database):  # noqa: F811
    from tests.factories import make_case, make_cohort
    database = empty_database()
    with database.connection_context():
        schema.upgrade()
        case = make_case(make_cohort(slug="lab"), body_md="正文")
        schema.runner().down(target=THIS)
        left = database.execute_sql("SELECT id, body_md FROM case_study").fetchall()
        columns = _columns(database)
        schema.upgrade()

    assert left == [(case.id, "正文")]
    assert "body_html" not in columns
