"""The cases journey from the issue, in a real Chromium: a host writes a case with a Chinese
heading and an image, previews it live, schedules it; a learner cannot see it before its
time; after the scheduler's work has run at its time the learner reads it on a phone.

The host runs on the parametrized viewport (desktop en-US, phone zh-CN), the learner always
on the phone. People and the cohort are arranged through the domain in the live server's
database; everything else goes through the pages. The live server reads the test's clock, so
"its time" comes as it would: the host schedules the case for tomorrow 20:00; once the learner
has seen it is hidden, the clock moves to that evening, the jobs run for that instant, and the
learner reads it.
"""
import re
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from learnclub import clock, jobs
from learnclub.db import connection
from learnclub.models import Case, OutboxMessage
from tests.factories import PASSWORD, make_cohort, make_member, make_user
from tests.shown import shown

pytestmark = pytest.mark.browser

SLUG = "community-lab"
ZONE = ZoneInfo("Asia/Shanghai")
IMAGE = Path(__file__).resolve().parents[2] / "content" / SLUG / "images" / "pickup-network.png"
HEADING = "第一周做什么"
CASE = {
    "title": "小区生鲜团购:从一个群到一张网",
    "body_md": (f"王姐在杭州的一个小区里用一个微信群卖菜,三个月后有了 300 位邻居。\n\n"
                f"## {HEADING}\n\n先找到 20 位愿意每天说话的人,再谈团购。\n\n"
                "第二段:每晚 8 点发第二天的菜单,9 点截单。"),
    "homework_prompt": "如果你来做这个小区的社群,第一周你会做哪三件事?",
}
IMAGE_LOADED = """(selector) => {
  const img = document.querySelector(selector);
  return !!img && img.complete && img.naturalWidth > 0;
}"""


def local_text(instant):
    """How the pages write an instant: the cohort's wall clock, yyyy-MM-dd HH:mm."""
    return instant.astimezone(ZONE).strftime("%Y-%m-%d %H:%M")


def sign_in(tab, email):
    tab.goto("/login")
    tab.page.locator("#email").fill(email)
    tab.page.locator("#password").fill(PASSWORD)
    tab.page.locator("main form button[type=submit]").click()
    tab.wait_for("/")
    expect(tab.page.locator('header a[href="/profile"]')).to_have_count(1)


def save(tab):
    tab.page.locator("#case-form button[name=action][value=save]").click()


def host_writes_case(host):
    """New case: type it, watch the live preview render the Chinese heading, schedule, save.
    Returns (case id, publish time)."""
    host.goto(f"/c/{SLUG}/cases/new")
    page = host.page
    page.locator("#title").fill(CASE["title"])
    page.locator("#body_md").fill(CASE["body_md"])
    page.locator("#homework_prompt").fill(CASE["homework_prompt"])
    # the preview was empty on the page: this heading comes from editor.js's live preview
    expect(page.locator(f'#case-preview h2[id="case:{HEADING}"]')).to_have_text(HEADING)
    expect(page.locator("#case-preview p").first).to_contain_text("王姐")
    tomorrow = (clock.now().astimezone(ZONE) + timedelta(days=1)).date()
    publish_local = f"{tomorrow:%Y-%m-%d}T20:00"
    page.locator('input[name="publish_mode"][value="fixed"]').check()
    page.locator("#publish_at").fill(publish_local)
    save(host)
    host.wait_for(re.compile(rf"/c/{SLUG}/cases/\d+/edit"))
    case_id = int(re.search(r"/cases/(\d+)/edit", page.url).group(1))
    expect(page.locator("#publish_at")).to_have_value(publish_local)
    with connection():
        case = Case.get_by_id(case_id)
    assert case.publish_fixed
    assert local_text(case.publish_at) == publish_local.replace("T", " ")
    return case_id, case.publish_at


def host_adds_image(host, case_id):
    """Upload the image on the edit page, put it in the text, see it load in the preview."""
    page = host.page
    images = page.locator("main section.card").filter(has=page.locator("#image"))
    images.locator("#image").set_input_files(IMAGE)
    images.locator("button[type=submit]").click()
    host.wait_for(f"/c/{SLUG}/cases/{case_id}/edit")
    expect(page.locator("main .flash.success")).to_have_count(1)
    listed = images.locator("code.copy")
    expect(listed).to_have_count(1)
    name = re.fullmatch(r"!\[\]\((.+)\)", listed.inner_text()).group(1)
    assert name.endswith(".png")
    body = page.locator("#body_md")
    expect(body).to_have_value(CASE["body_md"])  # the upload kept the saved text
    body.fill(f"{CASE['body_md']}\n\n![网络]({name})\n\n团长自提点连成一张网。")
    img = page.locator('#case-preview img[alt="网络"]')
    expect(img).to_have_attribute("src", f"/c/{SLUG}/cases/{case_id}/files/{name}")
    page.wait_for_function(IMAGE_LOADED, arg='#case-preview img[alt="网络"]')
    expect(page.locator(f'#case-preview h2[id="case:{HEADING}"]')).to_have_count(1)
    host.check()
    host.screenshot("case-editor")
    save(host)
    host.wait_for(f"/c/{SLUG}/cases/{case_id}/edit")
    expect(page.locator("main .flash.success")).to_have_count(1)
    page.wait_for_function(IMAGE_LOADED, arg='#case-preview img[alt="网络"]')  # server-rendered
    return name


def host_sees_schedule(host, case_id, publish_at):
    host.page.locator("nav.tabs details.manage summary").click()  # staff pages: 管理
    host.page.locator(f'nav.tabs a[href="/c/{SLUG}/schedule"]').click()
    host.wait_for(f"/c/{SLUG}/schedule")
    row = host.page.locator("table.schedule tbody tr").filter(has_text=CASE["title"])
    expect(row).to_have_count(1)
    expect(row).to_have_class(re.compile(r"\bcoming\b"))
    cells = row.locator("td")
    locale = host.page.evaluate("document.documentElement.lang")
    expect(cells.nth(0)).to_contain_text(shown(publish_at, locale=locale))
    expect(cells.nth(1).locator(f'a[href="/c/{SLUG}/cases/{case_id}"]')).to_have_count(1)
    due = publish_at + timedelta(hours=72)  # the default homework window
    expect(cells.nth(2)).to_contain_text(shown(due, locale=locale))
    host.screenshot("schedule")


def learner_cannot_see_yet(learner, case_id, image_name):
    path = f"/c/{SLUG}/cases/{case_id}"
    response = learner.page.goto(learner.base + path)
    assert response.status == 404
    expect(learner.page.locator("main")).not_to_contain_text(CASE["title"])
    # the expected 404 (and the console's note of it) are the only problems
    assert learner.problems
    assert all(path in p and "404" in p for p in learner.problems), learner.problems
    learner.problems.clear()
    image = learner.page.request.get(f"{learner.base}{path}/files/{image_name}")
    assert image.status == 404  # nor its images
    learner.goto(f"/c/{SLUG}/cases/")
    expect(learner.page.locator("main ol.case-list")).not_to_contain_text(CASE["title"])
    expect(learner.page.locator(f'main a[href="/c/{SLUG}/cases/{case_id}"]')).to_have_count(0)


def scheduler_runs_at_its_time(live_app, case_id, learner_user):
    settings = dict(live_app.config)
    with connection():
        results = jobs.run_due(settings, now=clock.now())
        assert results["announce_cases"] == 1
        mail = OutboxMessage.get_or_none(
            OutboxMessage.key == f"case:{case_id}:announce:member:{learner_user.id}")
        assert mail is not None
        assert mail.to_addr == learner_user.email
        assert f"{settings['BASE_URL']}/c/{SLUG}/cases/{case_id}" in mail.body
        assert CASE["homework_prompt"] in mail.body
        assert jobs.run_due(settings, now=clock.now())["announce_cases"] == 0  # once only


def learner_reads_case(learner, case_id, publish_at, image_name):
    cohort = f"/c/{SLUG}/"
    learner.goto(cohort)
    learner.page.locator(f'nav.tabs a[href="{cohort}cases/"]').click()
    learner.wait_for(f"{cohort}cases/")
    card = learner.page.locator("main ol.case-list li.card")
    expect(card).to_have_count(1)
    card.locator(f'h2 a[href="{cohort}cases/{case_id}"]').click()
    learner.wait_for(f"{cohort}cases/{case_id}")
    page = learner.page
    expect(page.locator("article.case h1")).to_have_text(CASE["title"])
    expect(page.locator(f'article .prose h2[id="case:{HEADING}"]')).to_have_text(HEADING)
    img = page.locator('article .prose img[alt="网络"]')
    expect(img).to_have_attribute("src", f"{cohort}cases/{case_id}/files/{image_name}")
    page.wait_for_function(IMAGE_LOADED, arg='article .prose img[alt="网络"]')
    width, box = img.evaluate("i => [i.naturalWidth, i.getBoundingClientRect().width]")
    assert width > 0
    assert 0 < box <= page.viewport_size["width"]
    homework = page.locator("section.homework-box")
    expect(homework.locator(".prompt")).to_have_text(CASE["homework_prompt"])
    expect(homework.locator(".state.open")).to_contain_text(
        shown(publish_at + timedelta(hours=72), locale="zh"))  # the learner reads Chinese
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    learner.check()  # no sideways scroll on the phone
    learner.screenshot("case")


def test_case_written_scheduled_and_read_on_phone(open_tab, live_app, viewport, clock):
    with connection():
        host_user = make_user(can_host=True, display_name="周明远",
                              email="mingyuan@example.org")
        cohort = make_cohort(host=host_user, slug=SLUG, name="社群运营实战营 第3期")
        learner_user = make_member(cohort, make_user(display_name="林小雨",
                                                     email="xiaoyu@example.org"))
    host, learner = open_tab(), open_tab("phone")
    sign_in(host, host_user.email)
    sign_in(learner, learner_user.email)

    case_id, publish_at = host_writes_case(host)
    image_name = host_adds_image(host, case_id)
    host_sees_schedule(host, case_id, publish_at)
    learner_cannot_see_yet(learner, case_id, image_name)

    clock.travel_to(publish_at + timedelta(minutes=1))  # tomorrow, 20:01 in the cohort
    scheduler_runs_at_its_time(live_app, case_id, learner_user)
    learner_reads_case(learner, case_id, publish_at, image_name)
    assert host.problems == learner.problems == []
