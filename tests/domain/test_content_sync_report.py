"""Sync checks the images a case file shows, and keeps its last result per cohort and per file
(domain/cases/images.py, sync.py, sync_report.py): codes and parameters, never words."""
import json
from pathlib import Path

import pytest
from PIL import Image

from learnclub.domain.cases.images import FolderImageProblem, folder_image, shown_images
from learnclub.domain.cases.sync import SyncBy, problem_count, sync_all, sync_cohort
from learnclub.domain.cases.sync_report import last_sync
from learnclub.models import Case, CaseFile, ContentSync, ContentSyncFile
from tests import timeline
from tests.factories import make_cohort, make_user
from tests.query_count import count_queries
from tests.test_content_sync import write_case
from tests.web.test_files_in_database import image_bytes

SLUG = "lab"
PNG = image_bytes("PNG")


@pytest.fixture
def cohort(app):
    return make_cohort(slug=SLUG)


@pytest.fixture
def folder(app):
    path = Path(app.config["CONTENT_DIR"]) / SLUG
    (path / "images").mkdir(parents=True)
    return path


def problem(folder, ref):
    """(code, params) of the FolderImageProblem `ref` raises, or its name and type if fine."""
    try:
        name, _data, content_type = folder_image(folder, ref)
    except FolderImageProblem as exc:
        return exc.code, exc.params
    return name, content_type


def giant_png():
    """A small file whose picture has 48 million pixels (1-bit, so it compresses)."""
    from io import BytesIO
    out = BytesIO()
    Image.new("1", (8000, 6000)).save(out, "PNG")
    return out.getvalue()


# The image check ------------------------------------------------------------------------

def test_folder_image_accepts_a_readable_image_beside_the_file(folder):
    (folder / "images" / "map.png").write_bytes(PNG)

    assert problem(folder, "images/map.png") == ("images/map.png", "image/png")


@pytest.mark.parametrize(("ref", "make", "expected"), [
    ("images/gone.png", None, ("image_missing", {"image": "images/gone.png"})),
    ("../secret.png", None, ("image_outside", {"image": "../secret.png"})),
    ("images/../../other/y.png", None, ("image_outside", {"image": "images/../../other/y.png"})),
    ("images/logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>",
     ("image_type", {"image": "images/logo.svg"})),
    ("images/fake.png", b"not an image at all", ("image_type", {"image": "images/fake.png"})),
    ("images/pic.txt", PNG, ("image_type", {"image": "images/pic.txt"})),
    ("images/broken.gif", b"GIF89a" + b"\x01" * 30,
     ("image_unreadable", {"image": "images/broken.gif", "mp": 40})),
    ("images/huge.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * (5 * 1024 * 1024),
     ("image_too_big", {"image": "images/huge.png", "mb": 5})),
    ("images/giant.png", "giant", ("image_pixels", {"image": "images/giant.png", "mp": 40})),
    ("images/\x00.png", None, ("image_missing", {"image": "images/\x00.png"})),
    ("images/" + "长" * 300 + ".png", None, ("image_missing", {"image": "images/" + "长" * 300
                                                               + ".png"})),
])
def test_folder_image_refuses_what_the_page_cannot_show(folder, ref, make, expected):
    (folder.parent / "secret.png").write_bytes(PNG)
    if make is not None:
        (folder / ref).write_bytes(giant_png() if make == "giant" else make)

    assert problem(folder, ref) == expected


def test_shown_images_are_inline_html_and_used_references_only():
    text = ("![a](images/a.png) <img src=\"images/b.png\"> ![c][pic] ![d](https://x.example/d.png)"
            "\n\n[pic]: images/c.png\n[slides]: slides.pdf\n![e](/static/e.png)\n")

    assert shown_images(text) == ["images/a.png", "images/b.png", "images/c.png"]


# Sync reports images and keeps its result ------------------------------------------------

def test_sync_missing_image_is_a_warning_and_the_case_still_syncs(cohort, folder):
    (folder / "images" / "ok.png").write_bytes(PNG)
    write_case(folder, "01-a.md", "有图", body="![有](images/ok.png)\n![没有](images/gone.png)\n"
               "![远](https://x.example/y.png)")

    report = sync_cohort(cohort, folder, now=timeline.now())

    assert report.created == ["01-a.md"]
    assert [(p.file, p.code, p.params, p.warning) for p in report.problems] == [
        ("01-a.md", "image_missing", {"image": "images/gone.png"}, True)]
    assert [f.name for f in CaseFile.select()] == ["images/ok.png"]


def test_sync_keeps_its_last_result_per_file(cohort, folder):
    write_case(folder, "01-ok.md", "好的案例")
    write_case(folder, "02-image.md", "缺图", body="![图](images/gone.png)", color="red")
    (folder / "03-broken.md").write_text("---\ntitle: 标题\nhomework: 做什么: 怎么做\n---\n正文\n",
                                         encoding="utf-8")
    host, now = make_user(), timeline.now()

    sync_cohort(cohort, folder, now=now, by=SyncBy.WEB, actor=host)
    last = last_sync(cohort)

    assert (last.ran_at, last.ran_by, last.actor_name, last.created, last.updated,
            last.ok_count) == (now, "web", host.display_name, 2, 0, 1)
    assert [(r.name, r.status, r.messages) for r in last.problems] == [
        ("03-broken.md", "error", [{"code": "yaml_broken", "params": {"line": 3}}]),
        ("02-image.md", "warning", [
            {"code": "unknown_key", "params": {"key": "color", "line": 3}},
            {"code": "image_missing", "params": {"image": "images/gone.png"}}])]
    assert problem_count(cohort) == 2


def test_sync_again_replaces_the_last_result(cohort, folder, clock):
    write_case(folder, "01-ok.md", "好的案例")
    write_case(folder, "02-image.md", "缺图", body="![图](images/gone.png)")
    sync_cohort(cohort, folder, now=timeline.now(), by=SyncBy.WEB, actor=make_user())
    (folder / "images" / "gone.png").write_bytes(PNG)
    (folder / "01-ok.md").unlink()
    clock.advance(minutes=1)
    now = timeline.now()

    sync_all(folder.parent, now=now, by=SyncBy.SCHEDULER)
    last = last_sync(cohort)

    assert (last.ran_at, last.ran_by, last.actor_name, last.created, last.archived,
            last.problems, last.ok_count) == (now, "scheduler", "", 0, 1, [], 1)
    assert [(f.name, f.status) for f in ContentSyncFile.select()] == [("02-image.md", "ok")]
    assert problem_count(cohort) == 0


def test_sync_unchanged_folder_rewrites_no_file_rows(cohort, folder):
    write_case(folder, "01-ok.md", "好的案例")
    write_case(folder, "02-image.md", "缺图", body="![图](images/gone.png)")
    sync_cohort(cohort, folder, now=timeline.now())
    before = [(f.id, f.name, f.status, f.messages) for f in ContentSyncFile.select()]

    with count_queries() as statements:
        sync_cohort(cohort, folder, now=timeline.now())

    assert [(f.id, f.name, f.status, f.messages) for f in ContentSyncFile.select()] == before
    assert [s for s in statements if "content_sync_file" in s and "SELECT" not in s] == []


def test_sync_window_refused_is_stored_with_its_code_and_line(cohort, folder):
    write_case(folder, "01-past.md", "过期", publish_at="2026-11-01 20:00",
               due_at="2026-11-02 20:00")

    sync_cohort(cohort, folder, now=timeline.now())

    assert [(r.name, r.status, r.messages) for r in last_sync(cohort).problems] == [
        ("01-past.md", "error", [{"code": "window_past",
                                  "params": {"key": "due_at", "line": 4}}])]
    assert Case.select().count() == 0


def test_problem_count_is_one_query_and_zero_before_any_sync(cohort, folder):
    other = make_cohort()
    write_case(folder, "01-a.md", "缺图", body="![图](images/gone.png)")
    sync_cohort(cohort, folder, now=timeline.now())

    with count_queries() as statements:
        counts = (problem_count(cohort), problem_count(other))

    assert (counts, len(statements)) == ((1, 0), 2)
    assert last_sync(other) is None


def test_stored_messages_are_codes_and_parameters_not_words(cohort, folder):
    (folder / "01-a.md").write_text("# 没有设置块\n正文\n", encoding="utf-8")

    sync_cohort(cohort, folder, now=timeline.now(), by=SyncBy.COMMAND)

    row = ContentSyncFile.get()
    assert (row.name, row.status, json.loads(row.messages)) == (
        "01-a.md", "error", [{"code": "no_front_matter", "params": {"line": 1}}])
    assert ContentSync.get().ran_by == "command"
