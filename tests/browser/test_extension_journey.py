"""Extensions end to end (issue 13, point 5), in a real Chromium.

A learner whose host gave them more time opens the case after its grace has ended: the page
shows the editor, the due time that applies to them (in the cohort's zone) and how long is
left, and they hand in from the page. On the phone (zh-CN) and on the desktop (en-US).
"""
from datetime import timedelta

import pytest
from babel.dates import format_timedelta
from playwright.sync_api import expect

from learnclub import clock as app_clock
from learnclub.dates import zone_name
from learnclub.db import connection
from learnclub.domain.participation.leave import grant_extension
from learnclub.i18n import translations_for
from learnclub.models import Submission
from tests.browser.test_homework_journey import send, sign_in, type_into
from tests.factories import make_case, make_cohort, make_member, make_user
from tests.shown import shown
from tests.timeline import phase

pytestmark = pytest.mark.browser

ZONE = "Europe/Berlin"  # not the readers' own zone: the page must say the cohort's
TEXT = "延期后补交：我会先找 20 位愿意说话的邻居。Late, but written."
#: the language each viewport reads (tests/browser/conftest.py VIEWPORTS)
LANGUAGE = {"phone": ("zh-CN", "zh_Hans_CN"), "desktop": ("en", "en")}


def arrange(clock):
    """A host, a learner with an extension two days past the grace of an open case; the
    clock moved past that grace. Returns (case, learner, extension end)."""
    with connection():
        host = make_user(can_host=True, display_name="周明远", email="mingyuan@example.org")
        learner = make_user(display_name="林小雨", email="xiaoyu@example.org")
        cohort = make_cohort(host=host, slug="extension-lab", name="延期实验营", timezone=ZONE)
        make_member(cohort, learner)
        case = make_case(cohort, title="小区生鲜团购",
                         publish_at=app_clock.now() - timedelta(hours=1))
        until = phase(case, "after_close") + timedelta(days=2)
        grant_extension(case, learner, until=until, actor=host, now=app_clock.now())
        clock.to(case, "after_close")
    return case, learner, until


def test_learner_with_an_extension_hands_in_after_grace(open_tab, live_server, viewport, clock):
    case, learner, until = arrange(clock)
    locale, babel_locale = LANGUAGE[viewport]
    tr = translations_for(locale).gettext
    path = f"/c/extension-lab/cases/{case.id}"
    tab = open_tab()
    tab.goto(path)
    sign_in(tab, learner.email)
    tab.wait_for(path)

    due = tab.page.locator("section.homework-box .extension-due")
    expect(due.locator(".state")).to_have_text(
        tr("Your extended due time: %(when)s (%(zone)s)") % {
            "when": shown(until, ZONE, locale), "zone": zone_name(ZONE, locale)})
    expect(due.locator("strong")).to_have_text(tr("%(left)s left") % {
        "left": format_timedelta(timedelta(days=2), locale=babel_locale)})
    expect(tab.page.locator("#homework-form")).to_be_visible()
    tab.screenshot("extension-editor")

    type_into(tab, TEXT)
    send(tab)
    tab.wait_for(path)
    # handed in after the case's due time, so marked late (the extension excuses the miss)
    expect(tab.page.locator("main .flash.success[role=status]")).to_have_count(1)
    # still theirs to change: "Submitted ✓ · Change" opens the editor
    expect(tab.page.locator("#homework-form")).to_be_hidden()
    tab.page.locator("#edit-homework > summary").click()
    expect(tab.page.locator("#homework-form")).to_be_visible()
    with connection():
        stored = Submission.get((Submission.case == case.id) & (Submission.user == learner.id))
    assert stored.body_md == TEXT
