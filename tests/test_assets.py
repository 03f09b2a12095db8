"""Static files as a fleet serves them (learnclub.web.assets): addresses carry the hash of the
bytes, the current one is kept a year, ETags come from the bytes (the same on every box),
brotli or gzip when asked, never `Vary: Cookie`; and the ICS feed answers conditional GETs."""
import gzip
import hashlib
import re
from pathlib import Path

import brotli
import pytest
from flask import url_for

from learnclub import clock as app_clock
from learnclub.domain.sharing.talks import accept_talk, generate_slots, propose_talk
from learnclub.web import assets
from tests.factories import make_cohort, make_member, make_user

STATIC = Path(__file__).resolve().parent.parent / "learnclub" / "web" / "static"
TEMPLATES = STATIC.parent / "templates"
STATIC_REF = re.compile(r"""url_for\(\s*['"]static['"]\s*,\s*filename\s*=\s*['"]([^'"]+)['"]""")


def digest(name):
    return hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:12]


def static_urls(html):
    return re.findall(r'(?:href|src)="(/static/[^"]+)"', html)


# addresses ------------------------------------------------------------------------------------

def test_every_template_static_reference_carries_the_files_hash(app):
    referenced = {}
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert "/static/" not in STATIC_REF.sub("", text), template  # no hand-written address
        referenced.update({name: template for name in STATIC_REF.findall(text)})

    with app.test_request_context():
        urls = {name: url_for("static", filename=name) for name in referenced}

    assert set(referenced) == {"app.css", "favicon.svg", "editor.js", "homework.js", "copy.js",
                               "forms.js"}
    assert urls == {name: f"/static/{name}?v={digest(name)}" for name in referenced}


def test_pages_link_the_hashed_addresses(client):
    page = client.get("/login").get_data(as_text=True)

    assert static_urls(page) == [f"/static/app.css?v={digest('app.css')}",
                                 f"/static/favicon.svg?v={digest('favicon.svg')}",
                                 f"/static/forms.js?v={digest('forms.js')}"]
    assert client.get("/favicon.ico").headers["Location"].endswith(
        f"/static/favicon.svg?v={digest('favicon.svg')}")


def test_a_changed_file_gets_a_new_hash(app, tmp_path):
    (tmp_path / "app.css").write_text("body { color: black; }\n", encoding="utf-8")
    before = assets.load(tmp_path)["app.css"].digest
    (tmp_path / "app.css").write_text("body { color: navy; }\n", encoding="utf-8")
    app.extensions["assets"] = assets.load(tmp_path)
    after = app.extensions["assets"]["app.css"].digest

    with app.test_request_context():
        url = url_for("static", filename="app.css")
    old = app.test_client().get(f"/static/app.css?v={before}")

    assert before != after == hashlib.sha256(b"body { color: navy; }\n").hexdigest()[:12]
    assert url == f"/static/app.css?v={after}"
    # an address from before (another box mid-deploy): today's bytes, checked on every use
    assert (old.data, old.headers["Cache-Control"]) == (b"body { color: navy; }\n",
                                                        "public, no-cache")


def test_loading_twice_gives_the_same_bytes_and_tags():
    # what every box computes from the same files: the same hashes and the same gzip bytes
    first, second = assets.load(STATIC), assets.load(STATIC)

    assert first == second
    assert {name: a.digest for name, a in first.items()} == {
        p.name: digest(p.name) for p in STATIC.iterdir()}


# answers --------------------------------------------------------------------------------------

def test_current_address_is_immutable_with_etag_and_gzip(client):
    body = (STATIC / "app.css").read_bytes()
    url = f"/static/app.css?v={digest('app.css')}"

    zipped = client.get(url, headers={"Accept-Encoding": "gzip, deflate"})
    plain = client.get(url, headers={"Accept-Encoding": "identity"})

    assert zipped.status_code == plain.status_code == 200
    assert zipped.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert (zipped.headers["Content-Encoding"], gzip.decompress(zipped.data)) == ("gzip", body)
    assert zipped.headers["ETag"] == f'"{digest("app.css")}.gz"'
    assert zipped.headers["Content-Type"] == "text/css; charset=utf-8"
    assert "Content-Encoding" not in plain.headers
    assert plain.data == body
    assert plain.headers["ETag"] == f'"{digest("app.css")}"'
    assert zipped.headers["Vary"] == plain.headers["Vary"] == "Accept-Encoding"


def test_brotli_for_a_reader_that_takes_it_with_its_own_etag(client):
    body = (STATIC / "app.css").read_bytes()
    url = f"/static/app.css?v={digest('app.css')}"

    packed = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
    again = client.get(url, headers={"Accept-Encoding": "br", "If-None-Match":
                                     packed.headers["ETag"]})
    zipped = client.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match":
                                      packed.headers["ETag"]})

    assert packed.status_code == 200
    assert (packed.headers["Content-Encoding"], brotli.decompress(packed.data)) == ("br", body)
    assert len(packed.data) < len(gzip.compress(body, compresslevel=9))
    assert packed.headers["ETag"] == f'"{digest("app.css")}.br"'
    assert packed.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert packed.headers["Vary"] == "Accept-Encoding"
    assert packed.headers["Content-Type"] == "text/css; charset=utf-8"
    assert (again.status_code, again.data) == (304, b"")
    # the brotli tag is not the gzip answer's: a gzip reader gets its own bytes, not a 304
    assert zipped.status_code == 200
    assert zipped.headers["Content-Encoding"] == "gzip"


@pytest.mark.parametrize(("accepted", "sent"), [
    ("br;q=0, gzip", "gzip"),
    ("gzip;q=1, br;q=0.5", "gzip"),
    ("br;q=0.8, gzip;q=0.8", "br"),
    ("*", "br"),
    ("gzip;q=0, deflate", None),
    ("identity", None),
])
def test_encoding_follows_the_readers_preference(client, accepted, sent):
    body = (STATIC / "homework.js").read_bytes()
    suffix = {"br": ".br", "gzip": ".gz", None: ""}[sent]

    answer = client.get(f"/static/homework.js?v={digest('homework.js')}",
                        headers={"Accept-Encoding": accepted})
    unpack = {"br": brotli.decompress, "gzip": gzip.decompress, None: bytes}[sent]

    assert answer.headers.get("Content-Encoding") == sent
    assert unpack(answer.data) == body
    assert answer.headers["ETag"] == f'"{digest("homework.js")}{suffix}"'


def test_files_compressed_once_per_content_whatever_the_number_of_apps(tmp_path):
    (tmp_path / "a.css").write_text("p { margin: 0 auto; }\n" * 40, encoding="utf-8")
    (tmp_path / "b.css").write_text("p { margin: 0 auto; }\n" * 40, encoding="utf-8")
    (tmp_path / "tiny.js").write_text("let x = 1;\n", encoding="utf-8")
    (tmp_path / "logo.png").write_bytes(b"\x89PNG" + b"\0" * 600)

    first, second = assets.load(tmp_path), assets.load(tmp_path)

    # the same bytes object: compressed the first time, taken from the cache after
    assert first["a.css"].brotli is second["a.css"].brotli is second["b.css"].brotli
    assert first["a.css"].gzipped is second["b.css"].gzipped
    assert brotli.decompress(first["a.css"].brotli) == (tmp_path / "a.css").read_bytes()
    # too small to gain, or a format compressed already: sent as it is
    assert (first["tiny.js"].brotli, first["tiny.js"].gzipped) == (None, None)
    assert (first["logo.png"].brotli, first["logo.png"].gzipped) == (None, None)


def test_known_etag_gets_304_without_body(client):
    url = f"/static/homework.js?v={digest('homework.js')}"
    etag = client.get(url, headers={"Accept-Encoding": "gzip"}).headers["ETag"]

    again = client.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": etag})

    assert (again.status_code, again.data, again.headers["ETag"]) == (304, b"", etag)


def test_static_answers_never_vary_on_cookie_even_signed_in(client, login_as):
    login_as(make_user())
    page = client.get("/me/notifications")
    answers = [client.get(f"/static/{name}?v={digest(name)}",
                          headers={"Accept-Encoding": "gzip"}) for name in (
        "app.css", "favicon.svg", "editor.js", "homework.js", "copy.js", "forms.js")]

    assert page.status_code == 200
    assert "Cookie" in page.headers.get("Vary", "")
    assert [a.status_code for a in answers] == [200] * 6
    assert [a.headers["Vary"] for a in answers] == ["Accept-Encoding"] * 6
    assert [a.headers.get("Set-Cookie") for a in answers] == [None] * 6
    assert [a.headers["Cache-Control"] for a in answers] == [
        "public, max-age=31536000, immutable"] * 6
    assert client.get("/me/notifications").status_code == 200  # still signed in


def test_unknown_or_escaping_names_not_found(client):
    assert [client.get(path).status_code for path in (
        "/static/nope.css", "/static/../__init__.py", "/static/%2e%2e/app.py",
        "/static/app.css/x")] == [404] * 4


# the ICS feed ---------------------------------------------------------------------------------

@pytest.fixture
def cohort(app):
    cohort = make_cohort(slug="lab", name="社群实验室")
    return cohort, generate_slots(cohort, now=app_clock.now())


def test_feed_answers_304_to_its_etag_and_a_new_tag_after_a_change(client, cohort, clock):
    first = client.get("/c/lab/calendar.ics")
    clock.advance(minutes=1)  # a new DTSTAMP, the same sessions
    same = client.get("/c/lab/calendar.ics", headers={"If-None-Match": first.headers["ETag"]})
    later = client.get("/c/lab/calendar.ics")
    cohort, slots = cohort
    guest = make_member(cohort, make_user(display_name="李雷"), role="guest")
    talk = propose_talk(cohort, guest, topic="社群新零售", abstract="摘要",
                        preferred_slots=[slots[1]], now=app_clock.now())
    accept_talk(talk, slots[1], actor=cohort.created_by, now=app_clock.now())
    changed = client.get("/c/lab/calendar.ics", headers={"If-None-Match": first.headers["ETag"]})

    assert first.status_code == 200
    assert re.fullmatch(r'"[0-9a-f]{32}"', first.headers["ETag"])
    assert (same.status_code, same.data, same.headers["ETag"]) == (304, b"",
                                                                   first.headers["ETag"])
    assert later.data != first.data
    assert later.headers["ETag"] == first.headers["ETag"]
    assert changed.status_code == 200
    assert "社群新零售" in changed.get_data(as_text=True)
    assert changed.headers["ETag"] != first.headers["ETag"]


def test_feed_etag_differs_by_alarm_and_ignores_other_tags(client, cohort):
    plain = client.get("/c/lab/calendar.ics")
    alarm = client.get("/c/lab/calendar.ics?alarm=30",
                       headers={"If-None-Match": plain.headers["ETag"]})
    other = client.get("/c/lab/calendar.ics", headers={"If-None-Match": '"0123"'})

    assert alarm.status_code == 200
    assert alarm.headers["ETag"] != plain.headers["ETag"]
    assert other.status_code == 200
    assert other.data == plain.data
