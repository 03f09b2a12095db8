"""Sending forms on a slow connection, in a real Chromium (phone zh-CN, desktop en-US): a form
being sent shows it is busy, its button is disabled and a second press sends nothing; a photo
on its way shows a progress bar; homework saved says in words until when it can be changed.

The slow server is the browser's own route holding the POST until the test lets it go.
"""
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from learnclub import clock as app_clock
from learnclub.db import connection
from learnclub.domain.homework.submission import slot_of
from learnclub.i18n import translations_for
from learnclub.models import User
from tests.browser.test_homework_journey import send, sign_in, type_into
from tests.factories import PASSWORD, make_case, make_cohort, make_member, make_user
from tests.shown import shown
from tests.web.test_cases import png_bytes

pytestmark = pytest.mark.browser

ZH = translations_for("zh-CN")
SENDING = {"phone": "正在提交…", "desktop": "Sending…"}
UPLOADING = {"phone": "正在上传…", "desktop": "Uploading…"}


def words(viewport, text):
    return ZH.gettext(text) if viewport == "phone" else text


def arrange():
    with connection():
        host = make_user(can_host=True, email="busy-host@example.org")
        learner = make_user(display_name="林小雨", email="busy@example.org")
        cohort = make_cohort(host=host, slug="busy-lab", name="慢网络营")
        make_member(cohort, learner)
        case = make_case(cohort, publish_at=app_clock.now() - timedelta(hours=1))
    return case, learner


def hold_posts(tab, pattern):
    """Hold every POST to `pattern` until the test lets it go; the list of held routes."""
    held = []
    tab.page.route(pattern, lambda route: held.append(route) if route.request.method == "POST"
                   else route.continue_())
    return held


# What the page shows just after each submit (after forms.js has answered it), told to the
# test through a binding: while the browser waits for the answer, Playwright waits for the
# navigation to finish before it reads the page. Then the page presses send once more.
WATCH = """() => {
document.addEventListener("submit", (event) => {
  const form = event.target, button = form.querySelector("button[type=submit]");
  setTimeout(() => {
    window.__submitted([form.getAttribute("aria-busy"), button.disabled, button.textContent,
                        event.defaultPrevented]);
    if (!window.__again) { window.__again = true; form.requestSubmit(); }
  }, 0);
});
}"""


def test_slow_sign_in_is_busy_and_sent_once(open_tab, live_server, viewport):
    _case, learner = arrange()
    tab = open_tab()
    submits = []
    tab.page.expose_function("__submitted", lambda state: submits.append(state))
    tab.goto("/login")
    tab.page.evaluate(WATCH)
    held = hold_posts(tab, "**/login")
    tab.page.locator("#email").fill(learner.email)
    tab.page.locator("#password").fill(PASSWORD)
    try:
        tab.page.locator("main form button[type=submit]").dblclick(no_wait_after=True)
        for _ in range(50):
            if len(submits) >= 2:
                break
            tab.page.wait_for_timeout(100)
        tab.page.wait_for_timeout(300)
        # the first press: busy, disabled, in words; the next ones are ignored
        assert submits[0] == ["true", True, SENDING[viewport], False]
        assert submits[1:] == [["true", True, SENDING[viewport], True]]
        assert len(held) == 1  # one POST, however often send was pressed
    finally:
        for route in held:
            route.continue_()
    tab.wait_for("/")
    # signed in: the top bar's own links are there (a phone shows them under 我的)
    expect(tab.page.locator("header a[href='/profile']")).to_be_attached()
    assert len(held) == 1


def test_photo_upload_shows_progress(open_tab, live_server, viewport, tmp_path):
    _case, learner = arrange()
    tab = open_tab()
    sign_in(tab, learner.email)
    tab.wait_for("/")
    tab.goto("/profile")
    held = hold_posts(tab, "**/profile/photo")
    photo = tmp_path / "me.png"
    photo.write_bytes(png_bytes(64, 64))
    tab.page.locator("#photo").set_input_files(str(photo))
    tab.page.locator("#photo-card form button[type=submit]").first.click()

    progress = tab.page.locator("#photo-card .upload-progress")
    expect(progress.locator("progress")).to_be_visible()
    expect(progress).to_contain_text(UPLOADING[viewport])
    expect(tab.page.locator("#photo-card form").first).to_have_attribute("aria-busy", "true")
    tab.page.wait_for_timeout(300)
    try:
        assert len(held) == 1
        tab.screenshot("upload-progress")
    finally:
        for route in held:
            route.continue_()
    expect(tab.page.locator("main .flash.success")).to_have_text(words(viewport, "Photo saved."))
    assert tab.path == "/profile"
    tab.check()
    with connection():
        assert User.get_by_id(learner.id).photo


def test_homework_saved_says_until_when_it_can_be_changed(open_tab, live_server, viewport):
    case, learner = arrange()
    with connection():
        end = slot_of(case).grace_until.astimezone(ZoneInfo("Asia/Shanghai"))
    until = shown(end, locale="zh" if viewport == "phone" else "en")
    expected = {"phone": f"作业已提交，{until} 前可修改。",
                "desktop": f"Homework submitted. You can change it until {until}."}
    path = f"/c/busy-lab/cases/{case.id}"
    tab = open_tab()
    tab.goto(path)
    sign_in(tab, learner.email)
    tab.wait_for(path)

    type_into(tab, "第一周先找 20 位邻居聊天。Talk to twenty neighbours first.")
    send(tab)

    tab.wait_for(path)
    expect(tab.page.locator("main .flash.success[role=status]")).to_have_text(expected[viewport])
