"""The content folder on the Schedule page: the last sync's result per file, in the reader's
language and without command-line words, and "Sync now" for staff
(web/cases/content_folder.py, sync_words.py; domain/cases/sync_report.py)."""
import json
import re
from pathlib import Path

import pytest
from markupsafe import escape

from learnclub import jobs
from learnclub.domain.cases.sync import sync_cohort
from learnclub.models import Case, ContentSync, ContentSyncFile
from tests import corpora, timeline
from tests.factories import make_case, make_cohort, make_member, make_user
from tests.query_count import count_queries
from tests.test_content_sync import write_case
from tests.web.test_files_in_database import image_bytes

SLUG = "lab"
ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
BROKEN = "---\ntitle: 标题\nhomework: 做什么: 怎么做\n---\n正文\n"


@pytest.fixture
def cohort(app):
    return make_cohort(slug=SLUG)


@pytest.fixture
def folder(app):
    path = Path(app.config["CONTENT_DIR"]) / SLUG
    path.mkdir(parents=True)
    return path


@pytest.fixture
def host(cohort, login_as):
    return login_as(cohort.created_by)


def text_of(response):
    """The page's main text, tags dropped and spaces squeezed."""
    html = response.get_data(as_text=True)
    main = html[html.index("<main"):html.index("</main>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", main))


def folder_section(response):
    text = text_of(response)
    start = text.index("Case files") if "Case files" in text else text.index("案例文件")
    return text[start:]


def folder_html(response):
    html = response.get_data(as_text=True)
    return html[html.index('<section id="content-folder"'):]


def problem_folder(folder):
    write_case(folder, "01-ok.md", "好的案例")
    write_case(folder, "02-image.md", "缺图的案例", body="![图](images/gone.png)")
    (folder / "03-broken.md").write_text(BROKEN, encoding="utf-8")


def test_schedule_shows_the_last_scheduled_sync_per_file_in_english(client, host, cohort,
                                                                    folder, app):
    problem_folder(folder)
    jobs.sync_content(app.config, now=timeline.now())

    section = folder_section(client.get(f"/c/{SLUG}/schedule"))

    assert section.index("Last sync: ") < section.index(", automatically. 2 new, 0 updated.")
    assert section.index("03-broken.md Not imported Line 3: The settings block at the top of "
                         "the file (between --- lines) cannot be read. Check the indentation, "
                         "and put quotes around a value that contains a colon or #.") \
        < section.index("02-image.md Imported, with something to fix The image images/gone.png"
                        " is not in the folder, so the case page shows a broken image. Put the "
                        "image in the folder, or correct its path in the text.") \
        < section.index("1 other file is fine.")


def test_schedule_shows_the_problems_in_chinese_without_command_line_words(client, host,
                                                                         cohort, folder):
    problem_folder(folder)
    sync_cohort(cohort, folder, now=timeline.now())

    response = client.get(f"/c/{SLUG}/schedule", headers=ZH)
    section = folder_section(response)

    assert "，在服务器上手动运行。新增 2 个，更新 0 个。" in section
    assert ("03-broken.md 没有导入 第 3 行：文件开头的设置块（--- 之间）格式有误，读不出来。"
            "请检查缩进；值里有冒号或 # 时，请用引号括起来。") in section
    assert ("02-image.md 已导入，有地方要改 图片 images/gone.png 不在文件夹里，"
            "案例页上会显示不出来。请把图片放进文件夹，或改正文中的图片路径。") in section
    assert "其余 1 个文件都没问题。" in section
    assert text_of(response).index("2 个案例文件有问题，见下方“案例文件”。") \
        < text_of(response).index("案例文件 立即同步")
    html = response.get_data(as_text=True).lower()
    assert [w for w in ("front matter", "yaml", "`", "learnclub content") if w in html] == []


def test_sync_now_imports_and_says_what_happened(client, host, cohort, folder):
    problem_folder(folder)
    sync_cohort(cohort, folder, now=timeline.now())
    (folder / "03-broken.md").write_text(BROKEN.replace("做什么: 怎么做", "做什么"),
                                         encoding="utf-8")
    write_case(folder, "01-ok.md", "好的案例（改过）")

    response = client.post(f"/c/{SLUG}/schedule/sync", headers=ZH)
    page = client.get(response.headers["Location"], headers=ZH)

    assert (response.status_code, response.headers["Location"]) == (
        302, f"/c/{SLUG}/schedule")
    section = folder_section(page)
    assert "同步完成：新增 1 个，更新 1 个，归档 0 个。1 个文件有问题，见下方。" in text_of(page)
    assert f"{host.display_name} 点了“立即同步”。新增 1 个，更新 1 个。" in section
    assert "03-broken.md" not in section
    assert "02-image.md 已导入，有地方要改" in section
    assert sorted(c.title for c in Case.select()) == ["好的案例（改过）", "标题", "缺图的案例"]
    assert (ContentSync.get().ran_by, ContentSync.get().actor_id) == ("web", host.id)


def test_sync_now_clean_folder_says_no_problems(client, host, cohort, folder):
    write_case(folder, "01-ok.md", "好的案例")
    (folder / "images").mkdir()
    (folder / "images" / "x.png").write_bytes(image_bytes())
    write_case(folder, "02-pic.md", "有图", body="![图](images/x.png)")

    page = client.post(f"/c/{SLUG}/schedule/sync", follow_redirects=True)

    assert "Synced: 2 new, 0 updated, 0 archived. No problems." in text_of(page)
    assert "2 files, no problems." in folder_section(page)


@pytest.mark.parametrize("role", ["learner", "guest"])
def test_sync_now_and_schedule_are_refused_to_non_staff(client, login_as, cohort, folder, role):
    write_case(folder, "01-ok.md", "好的案例")
    login_as(make_member(cohort, make_user(), role=role))

    posted = client.post(f"/c/{SLUG}/schedule/sync")
    shown = client.get(f"/c/{SLUG}/schedule")

    assert (posted.status_code, shown.status_code) == (403, 403)
    assert (Case.select().count(), ContentSync.select().count()) == (0, 0)


def test_sync_now_without_the_form_token_changes_nothing(app, client, host, cohort, folder):
    app.config["WTF_CSRF_ENABLED"] = True  # as in production, once signed in
    write_case(folder, "01-ok.md", "好的案例")

    response = client.post(f"/c/{SLUG}/schedule/sync")
    page = client.get(f"/c/{SLUG}/schedule")

    assert response.status_code in (302, 400)
    assert (Case.select().count(), ContentSync.select().count()) == (0, 0)
    assert "content-folder" in page.get_data(as_text=True)
    assert 'name="csrf_token"' in folder_html(page)


def test_sync_now_without_a_folder_here_archives_nothing(client, host, cohort, app):
    case = make_case(cohort)
    Case.update(source_path="01-a.md").where(Case.id == case.id).execute()

    page = client.post(f"/c/{SLUG}/schedule/sync", follow_redirects=True)

    assert "This server has no content folder for this cohort; nothing was synced." \
        in text_of(page)
    assert Case.get_by_id(case.id).archived_at is None


def test_schedule_without_folder_or_sync_shows_no_folder_section(client, host, cohort):
    assert "content-folder" not in client.get(f"/c/{SLUG}/schedule").get_data(as_text=True)


def test_schedule_queries_do_not_grow_with_files_and_cases(client, host, cohort, folder):
    def page_queries(files):
        for n in range(files):
            write_case(folder, f"{n:02d}-ok.md", f"案例{n}")
            write_case(folder, f"{n:02d}-pic.md", f"缺图{n}", body=f"![图](images/{n}.png)",
                       color="red")
            (folder / f"{n:02d}-bad.md").write_text(BROKEN, encoding="utf-8")
        sync_cohort(cohort, folder, now=timeline.now())
        with count_queries() as statements:
            assert client.get(f"/c/{SLUG}/schedule").status_code == 200
        return len(statements)

    client.get(f"/c/{SLUG}/schedule")  # the first page after signing in may refresh the session
    assert page_queries(1) == page_queries(6)


def test_naughty_values_and_image_names_are_stored_and_shown_escaped(client, host, cohort,
                                                                     folder):
    strings = corpora.naughty_strings()
    for n, text in enumerate(strings):
        image = re.sub(r"[\s()<>\]\\]", "", text)[:60] or "x"
        (folder / f"{n:03d}.md").write_text(
            f"---\ntitle: 案例{n}\npublish_at: {json.dumps(text)}\n---\n![图]({image}.png)\n",
            encoding="utf-8")

    sync_cohort(cohort, folder, now=timeline.now())
    response = client.get(f"/c/{SLUG}/schedule")

    html = response.get_data(as_text=True)
    shown = [m["params"][k] for row in ContentSyncFile.select()
             for m in json.loads(row.messages) for k in ("value", "image") if k in m["params"]]
    assert response.status_code == 200
    assert len(shown) >= len(strings)
    assert [value for value in shown if str(escape(value)) not in html] == []
