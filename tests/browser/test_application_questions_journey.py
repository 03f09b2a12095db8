"""A cohort's own application questions (docs/rules.md "Screening applications") in a real
Chromium: the host adds a required single choice and a long-text question; an applicant
applies, forgets the choice, is told which question and keeps what they typed, then answers
it; the host filters the review page by the choice and sees the answers on the card.

Phone (zh-CN) and desktop (en). Screenshots: questions-manage, questions-apply-refused,
questions-review.
"""
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from learnclub.db import connection
from learnclub.domain.cohorts import admission
from learnclub.models import Application, ApplicationQuestion
from tests.browser.test_accessibility import blocking_violations
from tests.browser.test_cases_journey import sign_in
from tests.factories import T0, make_cohort, make_user

pytestmark = pytest.mark.browser

SLUG = "questions-lab"
QUESTIONS = f"/c/{SLUG}/applications/questions"
REVIEW = f"/c/{SLUG}/applications"
SOURCE = "你从哪里知道我们？"
STORY = "说说你做过的社群"
WORDS = {
    "phone": {"required": f"请为“{SOURCE}”选择一个答案：这是必答题。",
              "match": "共 1 份申请符合条件。"},
    "desktop": {"required": f"Choose an answer to “{SOURCE}”: it is required.",
                "match": "1 application matches."},
}


def arrange():
    """A cohort, its host, an applicant to be, and one who applied before the questions."""
    with connection():
        host = make_user(display_name="林主理", email="host@example.org", can_host=True)
        cohort = make_cohort(host, slug=SLUG, name="社群实验室")
        earlier = make_user(display_name="贺立群")
        admission.submit_application(cohort, earlier, motivation="想学怎么让读书会的人留下来。",
                                     background="", now=T0)
        applicant = make_user(display_name="冯宝宝", email="applicant@example.org")
        return host, applicant


def test_host_asks_applicant_answers_host_filters(open_tab, viewport):
    host, applicant = arrange()
    words = WORDS[viewport]
    tab = open_tab()
    page = tab.page
    sign_in(tab, host.email)
    tab.goto(f"/c/{SLUG}/settings")
    page.locator(f'main a[href="{QUESTIONS}"]').click()
    tab.wait_for(QUESTIONS)

    page.locator("#prompt").fill(SOURCE)
    page.locator("#kind").select_option("single")
    page.locator("#choices").fill("朋友推荐\n公众号\n小红书")
    page.locator("#required").check()
    page.locator("#add button[type=submit]").click()
    tab.wait_for(QUESTIONS)
    page.locator("#prompt").fill(STORY)
    page.locator("#kind").select_option("long")
    page.locator("#add button[type=submit]").click()
    tab.wait_for(QUESTIONS)
    expect(page.locator("main li.question h2")).to_have_text([f"1. {SOURCE}", f"2. {STORY}"])
    assert blocking_violations(tab, Axe()) == []
    tab.screenshot("questions-manage")

    them = open_tab()
    sign_in(them, applicant.email)
    them.goto(f"/c/{SLUG}/apply")
    form = them.page.locator("main form")
    form.locator("#motivation").fill("想把小区团购群做成一张网。")
    form.get_by_label(STORY).fill("带过一个 300 人的团购群，\n每周两次团。")
    form.locator("button[type=submit]").click()
    them.wait_for(f"/c/{SLUG}/apply")
    expect(form.locator(".question.invalid .error")).to_have_text(words["required"])
    expect(form.locator("#motivation")).to_have_value("想把小区团购群做成一张网。")
    expect(form.get_by_label(STORY)).to_have_value("带过一个 300 人的团购群，\n每周两次团。")
    assert blocking_violations(them, Axe()) == []
    them.screenshot("questions-apply-refused")
    form.get_by_role("radio", name="公众号").check()
    form.locator("button[type=submit]").click()
    them.wait_for(f"/c/{SLUG}/")

    tab.goto(REVIEW)
    expect(page.locator("main li.application")).to_have_count(2)
    with connection():
        source = ApplicationQuestion.get(ApplicationQuestion.prompt == SOURCE)
    page.locator(f"select[name=a{source.id}]").select_option("公众号")
    page.locator("form.screen-filters button[type=submit]").click()
    tab.wait_for(REVIEW, **{f"a{source.id}": "公众号"})
    expect(page.locator("main .screen-count")).to_contain_text(words["match"])
    card = page.locator("main li.application")
    expect(card.locator("h2")).to_have_text(["冯宝宝"])
    expect(card.locator(".qa-single")).to_contain_text("公众号")
    card.locator(".qa-long summary").click()
    expect(card.locator(".qa-long")).to_contain_text("每周两次团。")
    assert blocking_violations(tab, Axe()) == []
    tab.screenshot("questions-review")
    with connection():
        assert Application.select().count() == 2
