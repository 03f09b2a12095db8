"""A personal access token in a real Chromium: from the profile to /me/tokens, make a token
that may read and write, copy it from the page that shows it once, call the API with it
(the browser's own session cookie goes along and changes nothing), see only its prefix on
the list afterwards, revoke it, and the API answers 401."""
import pytest
from playwright.sync_api import expect

from learnclub.db import connection
from tests.browser.test_cases_journey import sign_in
from tests.factories import make_cohort, make_member, make_user

pytestmark = pytest.mark.browser


def test_token_is_made_shown_once_used_and_revoked(page, viewport):
    with connection():
        user = make_user(display_name="周明远")
        make_member(make_cohort(slug="lab"), user)
    sign_in(page, user.email)

    page.goto("/profile")
    page.page.locator('main a[href="/me/tokens"]').click()
    page.wait_for("/me/tokens")
    page.page.locator("#name").fill("Notion 同步")
    page.page.locator('input[name=scope][value=write]').check()
    page.page.locator("main form button.primary").click()
    page.check()
    secret = page.page.locator("#token-secret").input_value()
    page.screenshot("tokens-created")

    api = page.page.request
    me = api.get(f"{page.base}/api/v1/cohorts",
                 headers={"Authorization": f"Bearer {secret}"}).json()
    assert [c["slug"] for c in me["items"]] == ["lab"]

    page.page.locator("main p.buttons a").click()
    page.wait_for("/me/tokens")
    item = page.page.locator("ul.tokens li")
    expect(item).to_have_count(1)
    expect(item).to_contain_text(f"{secret[:10]}…")
    assert secret not in page.page.content()
    page.screenshot("tokens-list")

    item.locator("button.danger").click()
    page.wait_for("/me/tokens")
    expect(page.page.locator("ul.tokens li")).to_have_count(0)
    refused = api.get(f"{page.base}/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert (refused.status, refused.json()["error"]["code"]) == (401, "unauthorized")
