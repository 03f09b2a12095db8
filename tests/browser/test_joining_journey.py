"""Joining and sharing a cohort (issue 17, point 8) in a real Chromium. Someone opens an invite
link from a chat group and reads what the cohort is (description, rule, rhythm, the next case
and the next guest, seats, the archive), signs in and joins; a host opens the share kit of an
invite link, sees the QR code made on the server and copies the invitation text.

Both run on a phone (zh-CN) and a desktop (en). Screenshots: joining-invite, joining-joined,
joining-share-kit, joining-member-share.
"""
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from learnclub.db import connection
from learnclub.domain.cohorts import admission
from learnclub.domain.cohorts.queries import cohort_by_slug
from learnclub.domain.sharing.talks import accept_talk, generate_slots
from learnclub.models import Membership, Talk
from tests.browser.test_accessibility import blocking_violations
from tests.browser.test_cases_journey import sign_in
from tests.factories import PASSWORD, make_case, make_cohort, make_member, make_user
from tests.timeline import now

pytestmark = pytest.mark.browser

SLUG = "community-lab"
SECRET = "这段案例正文只有成员才能读到"
WORDS = {
    "phone": {"rule": "缺交 1 次作业即请出社群。", "seats": "还剩 39 个名额（共 40 个）",
              "archive": "往期分享", "copied": "已复制", "copy": "复制邀请语",
              "invited": "邀请你加入「社群实验室」。"},
    "desktop": {"rule": "Whoever misses 1 homework is asked to leave.",
                "seats": "39 seats left of 40", "archive": "Past guest sharing",
                "copied": "Copied", "copy": "Copy the invitation",
                "invited": "You are invited to join “社群实验室”."},
}


def arrange():
    """A public cohort with one learner, a case coming out in two days, an accepted guest
    talk, and a live invite link. Returns (host, invite token)."""
    with connection():
        host = make_user(display_name="林主理", email="host@example.org", can_host=True)
        cohort = make_cohort(host, slug=SLUG, name="社群实验室",
                             description_md="每 4 天一个**真实案例**，写下你会怎么做。\n\n"
                                            "每周日晚上有一位嘉宾来分享。")
        make_member(cohort)
        make_case(cohort, title="小区生鲜团购：从一个群到一张网", body_md=SECRET,
                  publish_at=now() + timedelta(days=2))
        guest = make_member(cohort, make_user(display_name="贺立群"), role="guest")
        talk = Talk.create(cohort=cohort, guest=guest, topic="三百家门店的群怎么活过来",
                           title_snapshot="某生鲜连锁 · 私域负责人", created_at=now(),
                           updated_at=now())
        accept_talk(talk, generate_slots(cohort, now=now())[0], actor=host, now=now())
        invite = admission.create_invite(cohort, actor=host, now=now())
        return host, invite.token


def test_invite_link_tells_the_cohort_then_joins(open_tab, viewport):
    _host, token = arrange()
    with connection():
        joiner = make_user(display_name="周明远", email="mingyuan@example.org")
    words = WORDS[viewport]
    tab = open_tab()

    tab.goto(f"/join/{token}")
    about = tab.page.locator("main .about-facts")
    expect(tab.page.locator("main .prose strong")).to_have_text("真实案例")
    expect(about.locator(".about-rule")).to_have_text(words["rule"])
    expect(about.locator(".about-next-case")).to_contain_text("小区生鲜团购：从一个群到一张网")
    expect(about.locator(".about-next-guest")).to_contain_text("三百家门店的群怎么活过来")
    expect(about.locator(".about-next-guest")).to_contain_text("贺立群")
    expect(about.locator(".about-seats")).to_have_text(words["seats"])
    expect(tab.page.locator(f'main a[href="/c/{SLUG}/archive"]')).to_have_text(words["archive"])
    assert SECRET not in tab.page.content()
    assert blocking_violations(tab, Axe()) == []
    tab.screenshot("joining-invite")

    tab.page.locator('main a.button[href^="/login"]').click()
    tab.wait_for("/login", next=f"/join/{token}")
    tab.page.locator("#email").fill(joiner.email)
    tab.page.locator("#password").fill(PASSWORD)
    tab.page.locator("main form button[type=submit]").click()
    tab.wait_for(f"/join/{token}")
    tab.page.locator("main form.join-action button.primary").click()
    tab.wait_for(f"/c/{SLUG}/introduce")  # the 自我介绍 prompt comes first (skippable)
    expect(tab.page.locator("main .flash.success")).to_have_count(1)
    with connection():
        assert Membership.get(Membership.user == joiner.id).role == "learner"
    tab.screenshot("joining-joined")


def test_host_copies_the_invitation_from_the_share_kit(open_tab, viewport):
    host, token = arrange()
    words = WORDS[viewport]
    tab = open_tab()
    tab.page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=tab.base)
    sign_in(tab, host.email)

    tab.goto(f"/c/{SLUG}/invites")
    kit = tab.page.locator("main .share-box").first
    expect(kit).to_have_attribute("open", "")
    qr = kit.locator(".share-qr img")
    expect(qr).to_be_visible()
    qr.scroll_into_view_if_needed()
    tab.page.wait_for_function("(img) => img.complete && img.naturalWidth > 0",
                               arg=qr.element_handle())
    expect(kit.locator("input.copy")).to_have_value(f"{tab.base}/join/{token}")
    text = kit.locator("textarea").input_value()
    assert text.splitlines()[0] == words["invited"]
    assert text.splitlines()[-1].endswith(f"{tab.base}/join/{token}")

    kit.get_by_role("button", name=words["copy"]).click()
    expect(kit.get_by_role("status").filter(has_text=words["copied"])).to_be_visible()
    assert tab.page.evaluate("navigator.clipboard.readText()") == text
    assert blocking_violations(tab, Axe()) == []
    tab.check()
    tab.screenshot("joining-share-kit")

    png = tab.page.request.get(tab.base + kit.locator("figcaption a").get_attribute("href"))
    assert (png.status, png.headers["content-type"]) == (200, "image/png")


def test_member_shares_the_public_page(open_tab, viewport):
    arrange()
    with connection():
        learner = make_member(cohort_by_slug(SLUG), make_user(email="learner@example.org"))
    tab = open_tab()
    sign_in(tab, learner.email)

    tab.goto(f"/c/{SLUG}/")
    card = tab.page.locator("main .share-card")
    expect(card.locator("input.copy")).to_have_value(f"{tab.base}/c/{SLUG}/")
    tab.page.wait_for_function("(img) => img.complete && img.naturalWidth > 0",
                               arg=card.locator(".share-qr img").element_handle())
    assert blocking_violations(tab, Axe()) == []
    tab.screenshot("joining-member-share")
