"""Cases from Markdown files in content/<cohort-slug>/ (docs/rules.md "Cases from Markdown"):
idempotent, keyed on the file path, revisions after publication, nothing ever deleted."""
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from learnclub.domain.cases.sync import sync_all, sync_cohort, waiting_folders
from learnclub.models import Case, CaseFile, CaseRevision, StoredFile
from tests import timeline
from tests.factories import make_cohort, make_member, make_user
from tests.web.test_files_in_database import image_bytes

ROOT = Path(__file__).resolve().parent.parent
REAL_PNG = ROOT / "content" / "community-lab" / "images" / "pickup-network.png"
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)  # 20:00 in Shanghai
#: the first queued case goes out at the first 20:00 (Shanghai) at least 12 hours after NOW
FIRST_QUEUED = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
AFTER_FIRST = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
SLUG = "lab"


def write_case(folder, name, title, body="正文第一段\n\n第二段", **meta):
    """Write a case file: front matter from `meta` (values as YAML text), then the body."""
    lines = ["---", f"title: {title}", *(f"{key}: {value}" for key, value in meta.items()),
             "---", body, ""]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def outcome(report):
    """A sync report as plain data: what happened to which file, and the problems."""
    return {"created": report.created, "updated": report.updated,
            "unchanged": report.unchanged, "archived": report.archived,
            "restored": report.restored, "problems": [p.message for p in report.problems]}


def quiet(**changes):
    """The outcome of a sync, with empty lists for everything not named."""
    result = {"created": [], "updated": [], "unchanged": [], "archived": [], "restored": [],
              "problems": []}
    result.update(changes)
    return result


def rows():
    """Every case as (file, title, body, homework, tags, publish_at, fixed, due, archived)."""
    return [(c.source_path, c.title, c.body_md, c.homework_prompt, c.tags, c.publish_at,
             c.publish_fixed, c.due_at_fixed, c.archived_at)
            for c in Case.select().order_by(Case.id)]


def revisions():
    return [(r.case.source_path, r.title, r.body_md, r.homework_prompt, r.source, r.created_at)
            for r in CaseRevision.select().order_by(CaseRevision.id)]


@pytest.fixture
def cohort(app):
    return make_cohort(slug=SLUG)


@pytest.fixture
def folder(app):
    return Path(app.config["CONTENT_DIR"]) / SLUG


# Creating and re-running ------------------------------------------------------------------

def test_sync_cohort_new_files_create_cases(cohort, folder):
    write_case(folder, "01-shengxian.md", "小区生鲜团购:从一个群到一张网",
               publish_at="2026-12-03 20:00", due_at="2026-12-06 20:00",
               homework="第一周你会做哪三件事?", tags="[社群新零售, 生鲜]")
    write_case(folder, "02-dushuhui.md", "付费读书会")

    report = sync_cohort(cohort, folder, now=NOW)

    assert outcome(report) == quiet(created=["01-shengxian.md", "02-dushuhui.md"])
    assert rows() == [
        ("01-shengxian.md", "小区生鲜团购:从一个群到一张网", "正文第一段\n\n第二段",
         "第一周你会做哪三件事?", "社群新零售, 生鲜", datetime(2026, 12, 3, 12, 0, tzinfo=UTC),
         True, datetime(2026, 12, 6, 12, 0, tzinfo=UTC), None),
        # queued: the first 20:00 at least 12 h ahead would be 1 day before the fixed case,
        # under the 3-day minimum (issue 13 point 7): it goes after it, 4 days later
        ("02-dushuhui.md", "付费读书会", "正文第一段\n\n第二段", "", "",
         datetime(2026, 12, 7, 12, 0, tzinfo=UTC), False, None, None),
    ]


def test_sync_cohort_second_run_changes_nothing(cohort, folder):
    write_case(folder, "01-a.md", "案例一", publish_at="2026-11-30 20:00")
    write_case(folder, "02-b.md", "案例二")
    sync_cohort(cohort, folder, now=NOW)
    before = [(c.id, c.source_hash, c.updated_at, c.publish_at) for c in Case.select()]

    report = sync_cohort(cohort, folder, now=NOW + timedelta(hours=1))

    assert outcome(report) == quiet(unchanged=["01-a.md", "02-b.md"])
    assert report.changed is False
    assert [(c.id, c.source_hash, c.updated_at, c.publish_at) for c in Case.select()] == before
    assert CaseRevision.select().count() == 0


def test_sync_cohort_queued_files_follow_the_cadence_in_name_order(cohort, folder):
    write_case(folder, "03-c.md", "第三个")
    write_case(folder, "02-b.md", "第二个")
    write_case(folder, "01-a.md", "第一个")

    sync_cohort(cohort, folder, now=NOW)

    dates = [(c.source_path, c.publish_at, c.publish_fixed)
             for c in Case.select().order_by(Case.publish_at)]
    assert dates == [("01-a.md", FIRST_QUEUED, False),
                     ("02-b.md", FIRST_QUEUED + timedelta(days=4), False),
                     ("03-c.md", FIRST_QUEUED + timedelta(days=8), False)]


def test_sync_cohort_renamed_file_archives_old_and_creates_new(cohort, folder):
    old = write_case(folder, "01-draft.md", "草稿")
    sync_cohort(cohort, folder, now=NOW)
    old.rename(folder / "01-final.md")

    report = sync_cohort(cohort, folder, now=NOW + timedelta(hours=1))

    assert outcome(report) == quiet(created=["01-final.md"], archived=["01-draft.md"])
    assert [(c.source_path, c.title, c.archived_at) for c in Case.select().order_by(Case.id)] \
        == [("01-draft.md", "草稿", NOW + timedelta(hours=1)), ("01-final.md", "草稿", None)]


# Editing ----------------------------------------------------------------------------------

def test_sync_cohort_edit_after_publication_keeps_revision(cohort, folder):
    write_case(folder, "01-a.md", "旧标题", body="旧正文", homework="旧的作业题")
    sync_cohort(cohort, folder, now=NOW)
    write_case(folder, "01-a.md", "新标题", body="新正文", homework="新的作业题")

    report = sync_cohort(cohort, folder, now=AFTER_FIRST)

    case = Case.get()
    assert outcome(report) == quiet(updated=["01-a.md"])
    assert (case.title, case.body_md, case.homework_prompt, case.publish_at, case.updated_at) \
        == ("新标题", "新正文", "新的作业题", FIRST_QUEUED, AFTER_FIRST)
    assert revisions() == [("01-a.md", "旧标题", "旧正文", "旧的作业题", "file", AFTER_FIRST)]


def test_sync_cohort_stores_the_html_and_an_edited_file_renews_it(cohort, folder):
    write_case(folder, "01-a.md", "标题", body="## 旧\n![图](images/a.png)")
    sync_cohort(cohort, folder, now=NOW)
    made = Case.get().body_html
    write_case(folder, "01-a.md", "标题", body="*新正文*")

    sync_cohort(cohort, folder, now=AFTER_FIRST)

    case = Case.get()
    assert made == (f'<h2 id="case:旧">旧</h2>\n<p><img alt="图" '
                    f'src="/c/{SLUG}/cases/{case.id}/files/images/a.png"></p>')
    assert case.body_html == "<p><em>新正文</em></p>"


def test_sync_cohort_edit_before_publication_keeps_no_revision(cohort, folder):
    write_case(folder, "01-a.md", "旧标题", body="旧正文")
    sync_cohort(cohort, folder, now=NOW)
    write_case(folder, "01-a.md", "新标题", body="新正文")

    report = sync_cohort(cohort, folder, now=NOW + timedelta(hours=1))

    assert outcome(report) == quiet(updated=["01-a.md"])
    assert [(c.title, c.body_md) for c in Case.select()] == [("新标题", "新正文")]
    assert revisions() == []


# Removing and bringing back ---------------------------------------------------------------

def test_sync_cohort_removed_file_archives_and_deletes_nothing(cohort, folder):
    path = write_case(folder, "01-a.md", "旧标题", body="旧正文")
    write_case(folder, "02-b.md", "留下的案例")
    sync_cohort(cohort, folder, now=NOW)
    write_case(folder, "01-a.md", "新标题", body="新正文")
    sync_cohort(cohort, folder, now=AFTER_FIRST)
    path.unlink()
    later = AFTER_FIRST + timedelta(hours=1)

    report = sync_cohort(cohort, folder, now=later)

    assert outcome(report) == quiet(unchanged=["02-b.md"], archived=["01-a.md"])
    assert [(c.source_path, c.title, c.body_md, c.archived_at)
            for c in Case.select().order_by(Case.id)] == [
        ("01-a.md", "新标题", "新正文", later),
        ("02-b.md", "留下的案例", "正文第一段\n\n第二段", None)]
    assert revisions() == [("01-a.md", "旧标题", "旧正文", "", "file", AFTER_FIRST)]


def test_sync_all_removed_cohort_folder_archives_its_cases(cohort, folder):
    write_case(folder, "01-a.md", "案例一")
    sync_cohort(cohort, folder, now=NOW)
    shutil.rmtree(folder)

    reports = sync_all(folder.parent, now=AFTER_FIRST)

    assert [(r.cohort, outcome(r)) for r in reports] == [(SLUG, quiet(archived=["01-a.md"]))]
    assert [(c.source_path, c.archived_at) for c in Case.select()] == [("01-a.md", AFTER_FIRST)]


def test_sync_cohort_file_back_restores_case(cohort, folder):
    path = write_case(folder, "01-a.md", "案例一")
    sync_cohort(cohort, folder, now=NOW)
    text = path.read_text(encoding="utf-8")
    path.unlink()
    sync_cohort(cohort, folder, now=NOW + timedelta(hours=1))
    path.write_text(text, encoding="utf-8")

    report = sync_cohort(cohort, folder, now=NOW + timedelta(hours=2))

    assert outcome(report) == quiet(unchanged=["01-a.md"], restored=["01-a.md"])
    assert [(c.source_path, c.title, c.archived_at, c.publish_at) for c in Case.select()] \
        == [("01-a.md", "案例一", None, FIRST_QUEUED)]


def test_sync_cohort_file_back_edited_restores_and_updates_case(cohort, folder):
    path = write_case(folder, "01-a.md", "案例一")
    sync_cohort(cohort, folder, now=NOW)
    path.unlink()
    sync_cohort(cohort, folder, now=NOW + timedelta(hours=1))
    write_case(folder, "01-a.md", "案例一(修订)")

    report = sync_cohort(cohort, folder, now=NOW + timedelta(hours=2))

    assert outcome(report) == quiet(updated=["01-a.md"], restored=["01-a.md"])
    assert [(c.source_path, c.title, c.archived_at) for c in Case.select()] \
        == [("01-a.md", "案例一(修订)", None)]


# Problems ---------------------------------------------------------------------------------

def test_sync_cohort_broken_file_reported_others_import(cohort, folder):
    write_case(folder, "01-a.md", "好好的案例", homework="原来的作业")
    sync_cohort(cohort, folder, now=NOW)
    imported = Case.get()
    (folder / "01-a.md").write_text("---\ntitle: 好好的案例\nhomework: 做什么: 怎么做\n---\n正文\n",
                                    encoding="utf-8")
    write_case(folder, "02-b.md", "新案例")

    report = sync_cohort(cohort, folder, now=NOW + timedelta(hours=1))

    assert outcome(report) == quiet(created=["02-b.md"], problems=[
        "01-a.md: line 3: the YAML front matter is broken (mapping values are not allowed "
        "here). Check indentation and quote values that contain ':' or '#'."])
    assert [p.file for p in report.problems] == ["01-a.md"]
    untouched = Case.get_by_id(imported.id)
    assert (untouched.title, untouched.homework_prompt, untouched.source_hash,
            untouched.archived_at, untouched.updated_at) == (
        "好好的案例", "原来的作业", imported.source_hash, None, NOW)
    assert [c.source_path for c in Case.select().order_by(Case.id)] == ["01-a.md", "02-b.md"]


def test_sync_all_folder_without_cohort_waits_without_a_problem(cohort, folder):
    write_case(folder, "01-a.md", "案例一")
    write_case(folder.parent / "no-such-cohort", "01-x.md", "无主的案例")

    reports = sync_all(folder.parent, now=NOW)

    assert [(r.cohort, outcome(r), r.waiting) for r in reports] == [
        ("lab", quiet(created=["01-a.md"]), []),
        ("no-such-cohort", quiet(), ["01-x.md"])]
    assert [c.title for c in Case.select()] == ["案例一"]


def test_waiting_folders_lists_folders_no_cohort_has_taken(cohort, folder):
    write_case(folder, "01-a.md", "案例一")
    write_case(folder.parent / "sample", "02-y.md", "样例二")
    write_case(folder.parent / "sample", "01-x.md", "样例一")
    (folder.parent / "empty").mkdir()

    assert waiting_folders(folder.parent) == {"empty": [], "sample": ["01-x.md", "02-y.md"]}
    assert waiting_folders(folder.parent / "does-not-exist") == {}


# The command ------------------------------------------------------------------------------

def test_content_sync_command_clean_run_exits_0(runner, cohort, folder):
    write_case(folder, "01-a.md", "案例一")
    write_case(folder, "02-b.md", "案例二")

    first = runner.invoke(args=["content", "sync"])
    second = runner.invoke(args=["content", "sync"])

    assert (first.exit_code, first.stdout, first.stderr) == (
        0, "lab: 2 created, 0 updated, 0 unchanged, 0 archived, 0 restored\n", "")
    assert (second.exit_code, second.stdout, second.stderr) == (
        0, "lab: 0 created, 0 updated, 2 unchanged, 0 archived, 0 restored\n", "")
    assert Case.select().count() == 2


def test_content_sync_command_fresh_install_exits_0_and_says_why(runner, folder):
    write_case(folder.parent / "community-lab", "01-x.md", "样例")

    result = runner.invoke(args=["content", "sync"])

    assert (result.exit_code, result.stdout, result.stderr) == (0, (
        "community-lab/: nothing imported, no cohort has the address 'community-lab' yet "
        "(case files waiting: 1). Create that cohort on the web (or run `learnclub demo` on "
        "an empty database) and they are imported.\n"), "")
    assert Case.select().count() == 0


def test_content_sync_command_empty_folder_says_nothing_to_import(runner, folder):
    result = runner.invoke(args=["content", "sync"])

    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.startswith("Nothing to import: no folder in ")


def test_content_sync_command_with_problems_exits_1(runner, cohort, folder):
    write_case(folder, "01-a.md", "案例一")
    (folder / "02-broken.md").write_text("---\ntitle: [没有闭合\n---\n正文\n", encoding="utf-8")
    write_case(folder.parent / "ghost", "01-x.md", "无主的案例")

    result = runner.invoke(args=["content", "sync"])

    assert result.exit_code == 1
    assert result.stdout == (
        "ghost/: nothing imported, no cohort has the address 'ghost' yet (case files "
        "waiting: 1). Create that cohort on the web (or run `learnclub demo` on an empty "
        "database) and they are imported.\n"
        "lab: 1 created, 0 updated, 0 unchanged, 0 archived, 0 restored\n")
    assert result.stderr == (
        "  ! 02-broken.md: line 3: the YAML front matter is broken (expected ',' or ']', "
        "but got '<stream end>'). Check indentation and quote values that contain ':' or '#'.\n")
    assert [c.source_path for c in Case.select()] == ["01-a.md"]


# Images next to the Markdown --------------------------------------------------------------

@pytest.fixture
def case_with_files(cohort, folder):
    """A published case whose folder holds an image and a note; PNGs lie outside the folder."""
    out = (timeline.now() - timedelta(days=1)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M+00:00")
    write_case(folder, "01-a.md", "有图的案例", body="![自提点](images/x.png)", publish_at=out)
    (folder / "images").mkdir()
    shutil.copy(REAL_PNG, folder / "images" / "x.png")
    (folder / "notes.txt").write_text("给自己的备注", encoding="utf-8")
    shutil.copy(REAL_PNG, folder.parent / "secret.png")
    (folder.parent / "other").mkdir()
    shutil.copy(REAL_PNG, folder.parent / "other" / "y.png")
    sync_cohort(cohort, folder, now=timeline.now())
    return Case.get()


def test_case_file_image_served_to_member(client, login_as, cohort, case_with_files):
    login_as(make_member(cohort, make_user()))

    response = client.get(f"/c/{SLUG}/cases/{case_with_files.id}/files/images/x.png")
    served = response.data
    response.close()  # the file is streamed: close it like a server would

    assert (response.status_code, response.mimetype) == (200, "image/png")
    assert served == REAL_PNG.read_bytes()


def test_case_page_points_images_at_case_files(client, login_as, cohort, case_with_files):
    login_as(make_member(cohort, make_user()))

    html = client.get(f"/c/{SLUG}/cases/{case_with_files.id}").get_data(as_text=True)

    src = f'<img alt="自提点" src="/c/{SLUG}/cases/{case_with_files.id}/files/images/x.png">'
    assert html.count(src) == 1


@pytest.mark.parametrize("name", [
    "../secret.png", "images/../../secret.png", "../other/y.png", "%2e%2e/secret.png",
    "..%2fsecret.png", "images%2f..%2f..%2fsecret.png", "notes.txt", "01-a.md",
    "images/missing.png"])
def test_case_file_outside_or_not_image_is_404(client, login_as, cohort, case_with_files, name):
    login_as(make_member(cohort, make_user()))

    response = client.get(f"/c/{SLUG}/cases/{case_with_files.id}/files/{name}")

    assert response.status_code == 404


def test_images_beside_the_markdown_are_imported_into_the_database(client, login_as, cohort,
                                                                    folder, case_with_files):
    login_as(make_member(cohort, make_user()))
    url = f"/c/{SLUG}/cases/{case_with_files.id}/files/images/x.png"
    shutil.rmtree(folder / "images")  # another box, without the content folder, serves it

    response = client.get(url)
    served = response.data
    response.close()

    assert (response.status_code, served) == (200, REAL_PNG.read_bytes())
    assert [(f.name, f.content_type) for f in CaseFile.select()] == [("images/x.png",
                                                                      "image/png")]


def test_changed_image_is_imported_again_and_the_old_bytes_go(cohort, folder, case_with_files):
    gif = image_bytes("GIF")  # a real one: sync reads an image's header, as uploads do
    (folder / "images" / "x.png").write_bytes(gif)
    (folder / "images" / "y.png").write_bytes(b"not an image at all")
    write_case(folder, "01-a.md", "有图的案例", body="![a](images/x.png) ![b](images/y.png)",
               publish_at=case_with_files.publish_at.strftime("%Y-%m-%dT%H:%M+00:00"))

    report = sync_cohort(cohort, folder, now=timeline.now())

    assert [(p.file, p.where) for p in report.problems] == [("01-a.md", "images/y.png")]
    assert [(f.name, f.content_type, f.size) for f in CaseFile.select()] == [
        ("images/x.png", "image/gif", len(gif))]
    assert [bytes(f.data) for f in StoredFile.select()] == [gif]
