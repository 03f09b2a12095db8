"""Homework, comments and the case editor take the Big List of Naughty Strings and XSS
payloads: no server error, stored exactly as typed (or refused with a clear message), and
nothing a learner or host types comes out of a page as something a browser would run.

Each learner writes once on one case with peers' homework visible, so a single case page shows
all 513 submissions (or comments) at once; learners' passwords are hashed cheaply so that 515
sign-ins take a second, not a minute.
"""
import re
from datetime import timedelta
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

from argon2 import PasswordHasher
from argon2.profiles import CHEAPEST
from markupsafe import escape

from learnclub import clock
from learnclub.domain.homework.submission import count_length, submit_homework
from learnclub.domain.rendering import ALLOWED_ATTRIBUTES, ALLOWED_TAGS
from learnclub.models import Case, Comment, Submission
from tests.factories import PASSWORD, make_case, make_cohort, make_member, make_user
from tests.web.test_corpora import (
    html_of,
    naughty_strings,
    not_shown,
    refused,
    sign_in,
    xss_payloads,
)

#: the factories' password at argon2-cffi's test cost: verifying reads the cost from the hash,
#: so a learner made with it signs in in a millisecond
CHEAP_HASH = PasswordHasher.from_parameters(CHEAPEST).hash(PASSWORD)

#: never on a page, whoever wrote what
FORBIDDEN_TAGS = {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "style",
                  "math", "base", "template", "noscript", "portal",
                  # the SVG elements that can run script or pull in other documents
                  "foreignobject", "animate", "set", "animatemotion", "animatetransform",
                  "use", "handler", "listener", "image", "feimage"}
#: the site's own drawings (menu icons, progress and rate charts) use <svg> with these
#: attributes only; rendered text never has an <svg>, and escaped text cannot make one
SITE_SVG_ATTRIBUTES = {"aria-hidden", "viewbox", "class", "width", "height", "role",
                       "aria-label", "aria-labelledby", "preserveaspectratio"}
#: the page's own <head> has these; in the body they could only come from someone's text
HEAD_TAGS = {"meta", "link", "title"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "poster",
                  "background", "codebase", "dynsrc", "lowsrc"}
SAFE_SCHEMES = {"http", "https", "mailto"}
#: a browser drops these from both ends of a URL, then tabs and newlines anywhere, and only
#: then reads the scheme (https://url.spec.whatwg.org/#concept-basic-url-parser): so
#: " java\tscript:" runs, while "jav   ascript:" or "java\x01script:" is a relative path
_URL_ENDS = "".join(map(chr, range(0x21)))
_URL_IGNORED = re.compile(r"[\t\n\r]")
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")
#: the page's own scripts: <script src="/static/homework.js?v=<content hash>"></script>
PAGE_SCRIPT = re.compile(r"/static/[\w.-]+\.js(?:\?v=[0-9a-f]{12})?")
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
             "param", "source", "track", "wbr"}
#: nh3 adds rel="noopener noreferrer nofollow" to every link
PROSE_ATTRIBUTES = {tag: {*ALLOWED_ATTRIBUTES["*"], *ALLOWED_ATTRIBUTES.get(tag, ())}
                    for tag in ALLOWED_TAGS}
PROSE_ATTRIBUTES["a"].add("rel")


def url_scheme(value):
    """The scheme a browser reads in an href/src value (lower case), or None if relative.

    HTMLParser has already turned character references into characters.
    """
    match = _SCHEME.match(_URL_IGNORED.sub("", value.strip(_URL_ENDS)))
    return match.group(1).lower() if match else None


def runs(name, value):
    """Whether an attribute, wherever it is, could run script."""
    if name.startswith("on") or name in ("style", "srcdoc", "formaction", "http-equiv"):
        return True
    return name in URL_ATTRIBUTES and url_scheme(value or "") not in SAFE_SCHEMES | {None}


class ExecutableContentFinder(HTMLParser):
    """Everything on a whole page a browser could run, plus, inside each rendered-Markdown
    block (<div class="prose">: homework, comments, the case text), any tag or attribute the
    renderer's allow-list does not let through."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []
        self.in_body = False
        self.prose_depth = 0  # > 0 inside a <div class="prose">

    def problem(self, what):
        self.problems.append(f"line {self.getpos()[0]}: {what}")

    def handle_starttag(self, tag, attrs):
        self.check(tag, attrs)
        if tag in VOID_TAGS:
            return
        if self.prose_depth:
            self.prose_depth += 1
        elif tag == "div" and "prose" in (dict(attrs).get("class") or "").split():
            self.prose_depth = 1

    def handle_startendtag(self, tag, attrs):
        self.check(tag, attrs)

    def handle_endtag(self, tag):
        if self.prose_depth and tag not in VOID_TAGS:
            self.prose_depth -= 1

    def check(self, tag, attrs):
        if tag == "body":
            self.in_body = True
        values = dict(attrs)
        if tag == "script" and list(values) == ["src"] and PAGE_SCRIPT.fullmatch(values["src"]
                                                                                  or ""):
            pass  # the page's own script file
        elif (tag in FORBIDDEN_TAGS or (self.in_body and tag in HEAD_TAGS)
              or (tag == "svg" and (self.prose_depth
                                    or not set(values) <= SITE_SVG_ATTRIBUTES))):
            self.problem(f"<{tag}> tag {attrs}")
        if self.prose_depth and tag not in ALLOWED_TAGS:
            self.problem(f"<{tag}> tag in rendered text")
        for name, value in attrs:
            if runs(name, value):
                self.problem(f"{name}={value!r} on <{tag}>")
            elif self.prose_depth and name not in PROSE_ATTRIBUTES.get(tag, ()):
                self.problem(f"{name}={value!r} on <{tag}> in rendered text")


def executable_content(html):
    finder = ExecutableContentFinder()
    finder.feed(html)
    finder.close()
    return finder.problems


def make_learner(cohort):
    return make_member(cohort, make_user(locale="en", password_hash=CHEAP_HASH))


def browser_of(app, user):
    """A test client of its own (one per person), signed in through the login form."""
    browser = app.test_client()
    browser.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    sign_in(browser, user)
    return browser


def open_case(cohort):
    """A case out an hour ago, so its homework is open now."""
    return make_case(cohort, publish_at=clock.now() - timedelta(hours=1))


def says_required(response, field, status=200):
    """The page came back with "<label> is required." under the field."""
    pattern = rf'<p class="error" id="{field}-error">[^<]+ is required\.</p>'
    return response.status_code == status and re.search(pattern, html_of(response)) is not None


def take_flashes(browser):
    """The messages waiting for the next page, removed (else the session cookie grows)."""
    with browser.session_transaction() as session:
        return session.pop("_flashes", [])


def submit_all(app, cohort, case, bodies):
    """Each body posted through the homework form by a learner of its own.

    Returns (failures, number stored); a refused body must leave no submission behind.
    """
    url = f"/c/{cohort.slug}/cases/{case.id}/homework"
    failures, stored = [], 0
    for text in bodies:
        learner = make_learner(cohort)
        response = browser_of(app, learner).post(url, data={"body_md": text})
        row = Submission.get_or_none((Submission.case == case) & (Submission.user == learner))
        if refused(text):
            if row is not None or not says_required(response, "body_md", 422):
                failures.append(("refusal", text, response.status_code))
            continue
        if response.status_code != 302 or row is None or (row.body_md, row.length) != (
                text, count_length(text)):
            failures.append(("stored", text, response.status_code, row and row.body_md))
            continue
        stored += 1
    return failures, stored


def case_page(browser, cohort, case):
    """The case page with every page of its peers' homework (50 a page, each linking to
    the next): the first page whole, the later pages' homework cards put into it."""
    first, later, number = None, [], 1
    while True:
        page = browser.get(f"/c/{cohort.slug}/cases/{case.id}?peers_page={number}")
        assert page.status_code == 200
        text = html_of(page)
        if '<nav class="pager peers-pager"' not in text:  # all on one page
            return text
        cards = text[text.index('id="peers"'):text.index('<nav class="pager peers-pager"')]
        first, later = (text, later) if first is None else (first, [*later, cards])
        if f"?peers_page={number + 1}#peers" not in text:
            cut = first.index('<nav class="pager peers-pager"') if later else len(first)
            return first[:cut] + "".join(later) + first[cut:]
        number += 1


def test_homework_takes_every_naughty_string(app):
    cohort = make_cohort(peer_visibility="always", homework_min_length=0)
    case = open_case(cohort)

    failures, stored = submit_all(app, cohort, case, naughty_strings())

    assert failures == []
    assert stored == 513  # all but "" and " "
    html = case_page(browser_of(app, cohort.created_by), cohort, case)
    assert html.count('<article class="card submission') == stored
    assert executable_content(html) == []


def test_homework_refuses_empty_text_under_the_field(client, login_as):
    cohort = make_cohort()
    case = open_case(cohort)
    login_as(make_member(cohort))

    response = client.post(f"/c/{cohort.slug}/cases/{case.id}/homework",
                           data={"body_md": " \r\n\t\u3000"})

    assert says_required(response, "body_md", 422)
    assert Submission.select().count() == 0


def test_comments_take_every_naughty_string(app):
    cohort = make_cohort(peer_visibility="always")
    case = open_case(cohort)
    submission, _ = submit_homework(case, make_member(cohort), "我的作业：先建群，再立规矩。",
                                    now=clock.now())
    browser = browser_of(app, make_learner(cohort))
    url = f"/c/{cohort.slug}/homework/{submission.id}/comments"
    failures, stored, thread = [], 0, None
    for n, text in enumerate(naughty_strings()):
        data = {"body_md": text}
        if n % 2 and thread:  # every other one a reply, so both are shown
            data["parent_id"] = str(thread)
        before = Comment.select().count()
        response = browser.post(url, data=data)
        flashes = take_flashes(browser)
        newest = Comment.select().order_by(Comment.id.desc()).first()
        if refused(text):
            if (response.status_code, Comment.select().count()) != (302, before) or not any(
                    kind == "error" and message == "Comment is required."
                    for kind, message in flashes):
                failures.append(("refusal", text, response.status_code, flashes))
            continue
        if (response.status_code, Comment.select().count(), newest.body_md, flashes) != (
                302, before + 1, text, [("success", "Comment posted.")]):
            failures.append(("stored", text, response.status_code, newest.body_md, flashes))
            continue
        stored += 1
        thread = thread if n % 2 else newest.id

    assert failures == []
    assert stored == 513
    assert Comment.select().where(Comment.parent.is_null(False)).count() > 250
    html = case_page(browser_of(app, cohort.created_by), cohort, case)
    assert len(re.findall(r'<div class="comment(?: reply)?">', html)) == stored
    assert executable_content(html) == []


def test_homework_shows_xss_payloads_as_text(app):
    cohort = make_cohort(peer_visibility="always")
    case = open_case(cohort)
    payloads = xss_payloads()[::16]  # 414 payloads from across the list
    assert len(payloads) == 414
    bodies = ["\n\n".join(payloads[start:start + 6]) for start in range(0, len(payloads), 6)]

    failures, stored = submit_all(app, cohort, case, bodies)

    assert failures == []
    assert stored == len(bodies)
    html = case_page(browser_of(app, cohort.created_by), cohort, case)
    assert html.count('<article class="card submission') == stored
    assert [p for p in payloads if "<" in p and p in html] == []
    # learners' raw HTML is shown as text, not dropped by the sanitiser: every "<" typed is
    # on the page as "&lt;" (the page itself has none)
    assert html.count("&lt;") >= sum(body.count("<") for body in bodies)
    assert executable_content(html) == []


def test_case_editor_takes_every_naughty_string(app):
    cohort = make_cohort()
    case = open_case(cohort)
    host = browser_of(app, cohort.created_by)
    names = ("title", "body_md", "homework_prompt", "tags")
    failures = []
    for text in naughty_strings():
        before = Case.get_by_id(case.id)
        response = host.post(f"/c/{cohort.slug}/cases/{case.id}/edit",
                             data={**dict.fromkeys(names, text), "action": "save"})
        after = Case.get_by_id(case.id)
        stored = tuple(getattr(after, name) for name in names)
        if refused(text):  # the title is required; nothing of the edit is kept
            if (stored != tuple(getattr(before, name) for name in names)
                    or not says_required(response, "title")):
                failures.append(("refusal", text, response.status_code))
            continue
        if (response.status_code, stored) != (302, (text,) * len(names)):
            failures.append(("stored", text, response.status_code, stored))
            continue
        html = case_page(host, cohort, case)
        # the title (page title and heading) and the homework prompt are plain text
        failures += not_shown(html, text, 3, "case page")
        failures += [("runs", text, problem) for problem in executable_content(html)]

    assert failures == []


def fit(payloads, limit):
    """As many whole payloads, one after another on a line, as fit in `limit` characters."""
    kept = []
    for payload in payloads:
        if len(" ".join([*kept, payload])) <= limit:
            kept.append(payload)
    return " ".join(kept)


def test_case_editor_keeps_xss_payloads_from_running(app):
    cohort = make_cohort()
    zone = ZoneInfo(cohort.timezone)
    host = browser_of(app, cohort.created_by)
    learner = browser_of(app, make_learner(cohort))
    payloads = xss_payloads()[8::16]  # 413 payloads, none of them the homework test's
    assert len(payloads) == 413
    failures = []
    for n, start in enumerate(range(0, len(payloads), 100)):
        chunk = payloads[start:start + 100]
        published = clock.now() - timedelta(days=5 - n)
        fields = {"title": fit(chunk, 300), "body_md": "\n\n".join(chunk),
                  "homework_prompt": "\n".join(chunk), "tags": ""}
        response = host.post(f"/c/{cohort.slug}/cases/new", data={
            **fields, "action": "save", "overlap": "both",  # the earlier chunks stay open
            "publish_at": published.astimezone(zone).strftime("%Y-%m-%dT%H:%M"),
            # a real window (published days ago, due in two days): a past one is refused
            "due_at": (clock.now() + timedelta(days=2)).astimezone(zone).strftime(
                "%Y-%m-%dT%H:%M")})
        assert response.status_code == 302, html_of(response)
        case = Case.select().order_by(Case.id.desc()).first()
        assert {f: getattr(case, f) for f in fields} == fields

        for who, browser in (("host", host), ("learner", learner)):
            html = case_page(browser, cohort, case)
            failures += [(who, n, problem) for problem in executable_content(html)]
            # the title and the homework prompt are plain text
            failures += [(who, n, "not escaped", text) for text in (
                fields["title"], fields["homework_prompt"]) if str(escape(text)) not in html]
        editor = host.get(f"/c/{cohort.slug}/cases/{case.id}/edit")
        assert editor.status_code == 200
        failures += [("editor", n, problem) for problem in executable_content(html_of(editor))]

    assert failures == []


def test_finder_sees_what_would_run():
    page = "\n".join([
        '<html><head><link rel="stylesheet" href="/static/app.css"></head><body>',
        '<script src="/static/homework.js"></script>',
        '<div class="prose"><p>ok <a href="https://x.org" rel="nofollow">x</a><br></p>',
        '<form action="/x"><input name="y"></form></div>',
        '<img src=x onerror=alert(1)><a href=" JaVa&#x09;script:alert(1)">x</a>'
        '<a href="jav   ascript:x">relative</a><img src="\x01 java&#10;script:x">',
        '<script>alert(1)</script><meta http-equiv="refresh" content="0"></body></html>'])

    assert executable_content(page) == [
        "line 4: <form> tag in rendered text",
        "line 4: action='/x' on <form> in rendered text",
        "line 4: <input> tag in rendered text",
        "line 4: name='y' on <input> in rendered text",
        "line 5: onerror='alert(1)' on <img>",
        "line 5: href=' JaVa\\tscript:alert(1)' on <a>",
        "line 5: src='\\x01 java\\nscript:x' on <img>",
        "line 6: <script> tag []",
        "line 6: <meta> tag [('http-equiv', 'refresh'), ('content', '0')]",
        "line 6: http-equiv='refresh' on <meta>"]
    assert executable_content(page.split("<form")[0] + "</div></body></html>") == []

