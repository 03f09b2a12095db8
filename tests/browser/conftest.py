"""Browser fixtures: the app served on loopback, Debian's Chromium driven by Playwright,
one fresh browser context per person per test, on a phone and on a desktop viewport.

Without /usr/bin/chromium the directory is skipped, unless LEARNCLUB_REQUIRE_BROWSER=1
(as in CI): then the tests fail, so a missing browser cannot pass silently.
"""
import logging
import os
import re
import socket
import threading
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from werkzeug.serving import make_server

from learnclub import create_app, schema
from learnclub.config import TestConfig
from learnclub.db import bind, db

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync"]
#: name -> browser context options; the phone reads Chinese, the desktop English
VIEWPORTS = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
              "device_scale_factor": 2, "locale": "zh-CN"},
    "desktop": {"viewport": {"width": 1280, "height": 800}, "locale": "en-US"},
}
# Reported through a binding, so a violation is caught even on a page that navigates away.
CSP_LISTENER = """
document.addEventListener('securitypolicyviolation', (e) => {
  window.__learnclubCsp(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`);
});
"""


@pytest.fixture(autouse=True, scope="session")
def _chromium_present():
    """Skip every browser test without Chromium; fail instead when CI requires the browser."""
    if CHROMIUM.exists():
        return
    reason = f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)"
    if os.environ.get("LEARNCLUB_REQUIRE_BROWSER") == "1":
        pytest.fail(f"LEARNCLUB_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def live_app(tmp_path):
    """The app on a fresh, migrated SQLite file, with BASE_URL on a free loopback port.
    The shared database handle points at its database, so a test can arrange rows and
    run jobs in it (`with connection(): ...`)."""
    url = f"sqlite:///{tmp_path / 'learnclub.db'}"
    migrating = bind(url)
    with db.connection_context():
        schema.upgrade()
    migrating.close()
    base = f"http://127.0.0.1:{_free_port()}"
    return create_app(TestConfig(url, tmp_path, BASE_URL=base))  # CSRF on: a real browser


@pytest.fixture
def live_server(live_app):
    """The app served on loopback; yields its base URL."""
    base = live_app.config["BASE_URL"]
    port = urlsplit(base).port
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", port, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield base
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture(params=sorted(VIEWPORTS))
def viewport(request):
    """The viewport a test runs on: "desktop" (en-US) or "phone" (zh-CN)."""
    return request.param


class Tab:
    """One person's browser tab, collecting what should never happen on any page:
    console errors, uncaught exceptions, CSP violations, failed requests, sideways scroll."""

    def __init__(self, context, base, viewport):
        self.base, self.viewport, self.problems = base, viewport, []
        context.expose_function("__learnclubCsp", lambda text: self._problem("CSP", text))
        context.add_init_script(CSP_LISTENER)
        self.page = context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self._problem("page error", str(exc)))
        self.page.on("response", lambda r: r.status >= 400
                     and self._problem("HTTP", f"{r.status} {r.url}"))

    def _console(self, msg):
        if msg.type == "error":
            self._problem("console", msg.text)

    def _problem(self, kind, text):
        self.problems.append(f"{kind} on {self.path}: {text}")

    @property
    def path(self):
        return urlsplit(self.page.url).path

    def goto(self, path):
        self.page.goto(self.base + path)
        self.check()

    def wait_for(self, path, **query):
        """Wait until a click has led to `path` (a string, or a pattern of it) with at least
        the `query` parameters given, then check the page it landed on."""
        def arrived(url):
            parts = urlsplit(url)
            here = parse_qs(parts.query)
            same = (path.fullmatch(parts.path) if isinstance(path, re.Pattern)
                    else parts.path == path)
            return bool(same) and all(here.get(k) == [v] for k, v in query.items())

        self.page.wait_for_url(arrived)
        self.check()

    def check(self):
        self.page.wait_for_load_state("load")
        scroll, inner = self.page.evaluate(
            "[document.documentElement.scrollWidth, window.innerWidth]")
        assert scroll <= inner, f"{self.viewport}: {self.path} scrolls sideways ({scroll}>{inner})"
        assert self.problems == []

    def screenshot(self, name):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=SCREENSHOTS / f"{self.viewport}-{name}.png", full_page=True)


@pytest.fixture
def open_tab(browser, live_server, viewport):
    """Open a tab in a browser context of its own (own cookies: one person) on the viewport,
    or on the one named (`open_tab("phone")`)."""
    contexts = []

    def _open(on=None):
        on = on or viewport
        context = browser.new_context(**VIEWPORTS[on])
        context.set_default_timeout(10_000)
        contexts.append(context)
        return Tab(context, live_server, on)

    yield _open
    for context in contexts:
        context.close()


@pytest.fixture
def page(open_tab):
    """The first person's tab (the host's, in the journey)."""
    return open_tab()
