"""No homework window in the past or too short by accident, from the editor, a content file
and the scheduler (issue 13, points 1 and 2)."""
import html
import re
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from learnclub.domain.cases.sync import sync_cohort
from learnclub.domain.participation.sweep import apply_sweep
from learnclub.models import Case, Membership, Miss
from tests.factories import PASSWORD, make_cohort, make_member, make_user
from tests.timeline import START

SHANGHAI = ZoneInfo("Asia/Shanghai")
PAST = {"en": 'The homework due time is already past. Choose a later due time, or mark the '
              'case "no homework due".',
        "zh_Hans_CN": "作业截止时间已经过去了。 "
                      "请选择更晚的截止时间，或把这个案例标为“无需交作业”。"}


def local(instant):
    return instant.astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M")


def editor_form(**overrides):
    form = {"title": "补发的案例", "body_md": "正文", "homework_prompt": "你会怎么做?",
            "tags": "", "publish_mode": "fixed", "publish_at": local(START - timedelta(days=6)),
            "due_at": local(START - timedelta(days=3)), "action": "save"}
    form.update(overrides)
    return form


def errors_of(response, field):
    return [html.unescape(e) for e in re.findall(
        rf'<p class="error" id="{field}-error">([^<]*)</p>', response.get_data(as_text=True))]


def browser_for(app, user, language="en"):
    browser = app.test_client()
    browser.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN" if language == "zh_Hans_CN" else "en"
    assert browser.post("/login", data={"email": user.email, "password": PASSWORD}
                        ).status_code == 302
    return browser


@pytest.fixture
def cohort(app):
    cohort = make_cohort(host=make_user(can_host=True), slug="lab", strike_limit=1)
    for _ in range(4):
        make_member(cohort)
    Membership.update(joined_at=START - timedelta(days=30)).execute()
    return cohort


@pytest.mark.parametrize("language", ["en", "zh_Hans_CN"])
def test_editor_refuses_a_due_time_in_the_past(app, cohort, language):
    browser = browser_for(app, cohort.created_by, language)

    response = browser.post("/c/lab/cases/new", data=editor_form())

    assert (response.status_code, errors_of(response, "due_at"), Case.select().count()) == (
        200, [PAST[language]], 0)


def test_editor_refuses_a_window_too_short(app, cohort):
    browser = browser_for(app, cohort.created_by)

    response = browser.post("/c/lab/cases/new", data=editor_form(
        publish_at=local(START), due_at=local(START + timedelta(hours=5))))

    assert errors_of(response, "due_at") == [
        "Learners would have only 5 hours to write; this cohort needs at least 24. Choose a "
        'later due time, or mark the case "no homework due".']


def test_editor_past_case_marked_no_homework_is_saved_and_the_sweep_removes_nobody(app, cohort,
                                                                                  clock):
    browser = browser_for(app, cohort.created_by)

    response = browser.post("/c/lab/cases/new", data=editor_form(no_homework="y"))
    clock.advance(hours=1)
    plan = apply_sweep(cohort, now=START + timedelta(hours=1), base_url="http://x")

    assert (response.status_code, Case.get().no_homework) == (302, True)
    assert (plan.new_misses, plan.removals, Miss.select().count()) == ([], [], 0)
    assert Membership.select().where(Membership.status == "active").count() == 5


def test_editor_refused_past_case_then_the_sweep_removes_nobody(app, cohort, clock):
    browser = browser_for(app, cohort.created_by)

    browser.post("/c/lab/cases/new", data=editor_form())
    clock.advance(hours=1)
    plan = apply_sweep(cohort, now=START + timedelta(hours=1), base_url="http://x")

    assert (Case.select().count(), plan.removals, Miss.select().count()) == (0, [], 0)


def write_file(folder, name, **meta):
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["---", "title: 补发的案例", *(f"{k}: {v}" for k, v in meta.items()), "---", "正文", ""]
    (folder / name).write_text("\n".join(lines), encoding="utf-8")


def test_sync_reports_a_past_due_time_at_its_line_and_imports_nothing(app, cohort):
    folder = Path(app.config["CONTENT_DIR"]) / "lab"
    write_file(folder, "01-late.md", publish_at=local(START - timedelta(days=6)),
               due_at=local(START - timedelta(days=3)))
    write_file(folder, "02-fine.md", publish_at=local(START + timedelta(days=1)))

    report = sync_cohort(cohort, folder, now=START)

    assert [(p.file, p.where) for p in report.problems] == [("01-late.md", "line 4 (due_at)")]
    assert report.problems[0].problem == PAST["en"]
    assert (report.created, [c.source_path for c in Case.select()]) == (
        ["02-fine.md"], ["02-fine.md"])


def test_sync_no_homework_true_imports_a_past_case(app, cohort):
    folder = Path(app.config["CONTENT_DIR"]) / "lab"
    write_file(folder, "01-late.md", publish_at=local(START - timedelta(days=6)),
               due_at=local(START - timedelta(days=3)), no_homework="true")

    report = sync_cohort(cohort, folder, now=START)

    assert (report.created, report.problems, Case.get().no_homework) == (
        ["01-late.md"], [], True)


def test_content_file_with_a_past_window_then_run_due_removes_nobody(app, cohort, runner):
    folder = Path(app.config["CONTENT_DIR"]) / "lab"
    write_file(folder, "01-late.md", publish_at=local(START - timedelta(days=6)),
               due_at=local(START - timedelta(days=3)))

    first = runner.invoke(args=["jobs", "run-due", "--now", START.isoformat()])
    later = (START + timedelta(minutes=10)).isoformat()
    second = runner.invoke(args=["jobs", "run-due", "--now", later])

    assert (first.exit_code, second.exit_code) == (0, 0), first.output + second.output
    assert (Case.select().count(), Miss.select().count()) == (0, 0)
    assert Membership.select().where(Membership.status == "active").count() == 5


def test_case_page_of_a_no_homework_case_says_so_and_offers_no_editor(app, cohort):
    from learnclub.domain.cases.editing import create_case
    case = create_case(cohort, {"title": "读一读", "body_md": "正文", "homework_prompt": "",
                                "publish_at": START - timedelta(hours=1), "no_homework": True},
                       actor=None, now=START - timedelta(hours=2))
    learner = Membership.select().where(Membership.role == "learner").first().user

    page = browser_for(app, learner).get(f"/c/lab/cases/{case.id}").get_data(as_text=True)

    assert ("No homework is due on this case." in page, 'id="homework-form"' in page) == (
        True, False)
