"""Homework with pictures, in a real Chromium: on a phone (zh-CN) 林小雨 writes, picks two
pictures (a PNG and a JPEG), which go up at once with a progress bar and come back as
thumbnails marked "尚未提交" with her text as typed; she submits and her card shows the
gallery. On a desktop (en) Grace, who handed in too, sees the gallery on 林小雨's card and
opens a picture full size.

People, the cohort and the case are arranged through the factories and domain functions in
the live server's database; everything else goes through the pages.
"""
import io
import os
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from PIL import Image
from playwright.sync_api import expect

from learnclub import clock
from learnclub.db import connection
from learnclub.domain.homework.submission import submit_homework
from learnclub.i18n import translations_for
from learnclub.models import Submission, SubmissionImage
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_accessibility import blocking_violations
from tests.browser.test_homework_journey import sign_in
from tests.factories import make_case, make_cohort, make_member, make_user

pytestmark = pytest.mark.browser

SLUG = "picture-lab"
TEXT = "我的笔记拍成了照片：第一周先找到二十位愿意说话的邻居。"


def noisy(fmt, size):
    """A picture that does not compress much: an upload that takes a moment."""
    out = io.BytesIO()
    Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)).save(out, fmt)
    return out.getvalue()


def tab_screenshot_path(tab, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"{tab.viewport}-{name}.png"


def arrange():
    now = clock.now()
    with connection():
        host = make_user(can_host=True, display_name="周明远", email="host@example.org")
        cohort = make_cohort(host=host, slug=SLUG, name="社群运营实战营",
                             peer_visibility="after_submission")
        case = make_case(cohort, title="小区生鲜团购", publish_at=now - timedelta(hours=2))
        learner = make_member(cohort, make_user(display_name="林小雨",
                                                email="xiaoyu@example.org"))
        peer = make_member(cohort, make_user(display_name="Grace Tan",
                                             email="grace@example.org"))
        submit_homework(case, peer, "Start with one group of neighbours.",
                        now=now - timedelta(minutes=20))
    return {"case": case, "learner": learner, "peer": peer,
            "path": f"/c/{SLUG}/cases/{case.id}"}


def slow_uploads(tab):
    """Throttle the tab's uploads, so the progress bar is there long enough to be seen."""
    session = tab.page.context.new_cdp_session(tab.page)
    session.send("Network.enable")
    session.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 50, "downloadThroughput": -1,
        "uploadThroughput": 400 * 1024})
    return session


def learner_attaches_two_pictures(tab, rows):
    tr = translations_for("zh-CN").gettext
    page = tab.page
    tab.goto(rows["path"])
    sign_in(tab, rows["learner"].email)
    tab.wait_for(rows["path"])
    page.locator("#body_md").fill(TEXT)
    session = slow_uploads(tab)
    page.locator("#images").set_input_files([
        {"name": "notes.png", "mimeType": "image/png", "buffer": noisy("PNG", (500, 400))},
        {"name": "screen.jpg", "mimeType": "image/jpeg",
         "buffer": noisy("JPEG", (600, 900))},
    ])
    progress = page.locator("#homework-pictures .upload-progress")
    expect(progress).to_be_visible()
    expect(progress).to_contain_text("正在上传…")
    tab.screenshot("homework-pictures-uploading")
    editing = page.locator(".gallery.editing li")
    expect(editing).to_have_count(2, timeout=20_000)
    session.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
    tab.check()
    expect(editing.locator(".pending-mark")).to_have_text([tr("not submitted yet")] * 2)
    expect(page.locator("#body_md")).to_have_value(TEXT)  # the text as typed
    for i in range(2):  # the thumbnails are loaded pictures
        assert editing.nth(i).locator("img").evaluate("i => i.complete && i.naturalWidth") > 0
    tab.screenshot("homework-pictures-pending")
    assert blocking_violations(tab, Axe()) == []
    with connection():
        assert [im.submission_id for im in SubmissionImage.select()] == [None, None]

    page.get_by_role("button", name=tr("Submit homework")).click()
    tab.wait_for(rows["path"])
    expect(page.locator(".flash.success")).to_be_visible()
    with connection():
        own = Submission.get(Submission.user == rows["learner"].id)
    gallery = page.locator(f"#homework-{own.id} .gallery li")
    expect(gallery).to_have_count(2)
    page.locator(f"#homework-{own.id}").scroll_into_view_if_needed()
    tab.screenshot("homework-pictures-submitted")
    tab.check()
    return own


def peer_sees_the_gallery_and_opens_one(tab, rows, own):
    page = tab.page
    tab.goto(rows["path"])
    sign_in(tab, rows["peer"].email)
    tab.wait_for(rows["path"])
    card = page.locator(f"#homework-{own.id}")
    thumbs = card.locator(".gallery li img")
    expect(thumbs).to_have_count(2)
    expect(thumbs.first).to_have_attribute("alt", "Picture 1 of 林小雨's homework")
    card.scroll_into_view_if_needed()
    for i in range(2):
        thumbs.nth(i).scroll_into_view_if_needed()
        page.wait_for_function("i => i.complete && i.naturalWidth > 0",
                               arg=thumbs.nth(i).element_handle())
    tab.screenshot("homework-pictures-peer")
    with page.context.expect_page() as opened:
        card.locator(".gallery li a").first.click()
    full = opened.value
    full.wait_for_load_state()
    assert full.url.endswith(".jpg")
    assert full.evaluate("document.images[0].naturalWidth") == 500
    full.screenshot(path=tab_screenshot_path(tab, "homework-pictures-full"))
    full.close()
    # Chromium's own viewer for a picture styles itself inline, which the app's CSP (sent
    # with every answer, pictures too) refuses: that, and only that, is expected here
    viewer = [p for p in tab.problems if p.endswith("style-src-attr blocked inline")]
    assert viewer, tab.problems
    assert len(viewer) == len(tab.problems), tab.problems
    tab.problems.clear()
    tab.check()


@pytest.mark.parametrize("viewport", ["phone"])
def test_pictures_from_a_phone_shown_to_a_peer_on_a_desktop(open_tab, live_server, viewport):
    rows = arrange()
    own = learner_attaches_two_pictures(open_tab("phone"), rows)
    peer_sees_the_gallery_and_opens_one(open_tab("desktop"), rows, own)
