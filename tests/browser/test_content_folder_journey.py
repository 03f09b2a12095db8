"""The content-folder journey from the issue, in a real Chromium: a host keeps cases as
Markdown files in content/<cohort-slug>/; the scheduler's sync found a file whose settings
block is broken and a case whose image is missing. The host opens the Schedule page and sees
both problems in words, fixes the files on disk, presses "Sync now" (立即同步) and sees the
folder clean, and the case page shows its image.

Phone in Chinese (390×844, zh-CN) and desktop in English, as the `viewport` fixture gives.
"""
import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from learnclub import clock, jobs
from learnclub.db import connection
from learnclub.models import Case
from tests.browser.test_accessibility import blocking_violations
from tests.browser.test_cases_journey import IMAGE, IMAGE_LOADED, sign_in
from tests.factories import make_cohort, make_user
from tests.test_content_sync import write_case

pytestmark = pytest.mark.browser

SLUG = "community-lab"
BROKEN = "---\ntitle: 付费读书会\nhomework: 你会怎么定价: 为什么\n---\n读书会的正文。\n"
FIXED = "---\ntitle: 付费读书会\nhomework: \"你会怎么定价: 为什么\"\n---\n读书会的正文。\n"
#: what the page says, per language: (broken file, missing image, after the fix)
WORDS = {
    "phone": ("第 3 行：文件开头的设置块（--- 之间）格式有误，读不出来。",
              "图片 images/pickup.png 不在文件夹里，案例页上会显示不出来。",
              "同步完成：新增 1 个，更新 0 个，归档 0 个。没有问题。", "3 个文件，都没有问题。",
              "立即同步", "2 个案例文件有问题"),
    "desktop": ("Line 3: The settings block at the top of the file (between --- lines) cannot "
                "be read.",
                "The image images/pickup.png is not in the folder, so the case page shows a "
                "broken image.",
                "Synced: 1 new, 0 updated, 0 archived. No problems.", "3 files, no problems.",
                "Sync now", "2 case files have problems"),
}


def arrange(live_app):
    """The host, the cohort, its folder with three files, and the scheduler's sync."""
    folder = Path(live_app.config["CONTENT_DIR"]) / SLUG
    write_case(folder, "01-tuangou.md", "小区生鲜团购:从一个群到一张网")
    write_case(folder, "02-ziti.md", "团长自提点",
               body="自提点连成一张网。\n\n![自提点](images/pickup.png)")
    (folder / "03-dushuhui.md").write_text(BROKEN, encoding="utf-8")
    with connection():
        host = make_user(can_host=True, display_name="周明远", email="mingyuan@example.org")
        make_cohort(host=host, slug=SLUG, name="社群运营实战营 第3期")
        jobs.sync_content(dict(live_app.config), now=clock.now())
    return host, folder


def test_host_sees_folder_problems_fixes_them_and_syncs_now(open_tab, live_app, viewport):
    host_user, folder = arrange(live_app)
    broken, missing, synced, clean, button, notice = WORDS[viewport]
    host = open_tab()
    sign_in(host, host_user.email)
    page = host.page

    host.goto(f"/c/{SLUG}/schedule")
    expect(page.locator("main .flash.warn a[href='#content-folder']")).to_contain_text(notice)
    section = page.locator("#content-folder")
    files = section.locator("li.sync-file")
    expect(files).to_have_count(2)
    expect(files.nth(0)).to_have_class(re.compile(r"\bsync-error\b"))
    expect(files.nth(0)).to_contain_text("03-dushuhui.md")
    expect(files.nth(0)).to_contain_text(broken)
    expect(files.nth(1)).to_have_class(re.compile(r"\bsync-warning\b"))
    expect(files.nth(1)).to_contain_text(missing)
    expect(section.locator(".sync-ok")).to_have_count(1)
    expect(page.locator("main")).not_to_contain_text("front matter")
    section.scroll_into_view_if_needed()
    host.check()
    assert blocking_violations(host, Axe()) == []
    host.screenshot("content-folder-problems")

    (folder / "images").mkdir()
    (folder / "images" / "pickup.png").write_bytes(IMAGE.read_bytes())
    (folder / "03-dushuhui.md").write_text(FIXED, encoding="utf-8")
    sync = section.get_by_role("button", name=button)
    expect(sync).to_be_enabled()
    sync.click()
    host.wait_for(f"/c/{SLUG}/schedule")

    expect(page.locator("main .flash.warn")).to_have_count(0)
    expect(page.locator("main .flash.success")).to_have_text(synced)
    expect(page.locator("#content-folder li.sync-file")).to_have_count(0)
    expect(page.locator("#content-folder .sync-ok")).to_have_text(clean)
    expect(page.locator("#content-folder .sync-when")).to_contain_text("周明远")
    host.screenshot("content-folder-clean")

    with connection():
        case_id = Case.get(Case.source_path == "02-ziti.md").id
    host.goto(f"/c/{SLUG}/cases/{case_id}")
    page.wait_for_function(IMAGE_LOADED, arg='article .prose img[alt="自提点"]')
