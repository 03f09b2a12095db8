"""Joining and sharing a cohort (issue 17, point 8): an invite link and the public page tell a
newcomer the description, the rule, the rhythm, the next case (title and time, never its
text), the next guest and the seats left, and link the archive (往期分享) when it is public;
the share kit has the link, an invitation text and a QR code made on the server."""
import html as html_module
import io
import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import segno
from markupsafe import escape
from PIL import Image

from learnclub.domain.cohorts import admission
from learnclub.domain.cohorts.about import summary
from learnclub.domain.sharing.talks import accept_talk, generate_slots
from learnclub.models import Talk
from tests import corpora
from tests.factories import make_case, make_cohort, make_member, make_user
from tests.query_count import count_queries
from tests.timeline import now

CHINESE = {"Accept-Language": "zh-CN"}
SECRET = "只有学员才能读到的案例正文"


def html_of(response):
    return response.get_data(as_text=True)


def invite_of(cohort, **options):
    return admission.create_invite(cohort, actor=cohort.created_by, now=now(),
                                   **options)


def upcoming_case(cohort, title="下周的案例：社区团购", days=2):
    return make_case(cohort, title=title, body_md=SECRET,
                     publish_at=now() + timedelta(days=days))


def guest_talk(cohort, *, topic="从一个群到一张网", title="某生鲜公司 · 社群负责人"):
    """An accepted talk in the cohort's next open week, by a guest named 嘉宾甲."""
    guest = make_member(cohort, make_user(display_name="嘉宾甲"), role="guest")
    slot = generate_slots(cohort, now=now())[0]
    talk = Talk.create(cohort=cohort, guest=guest, topic=topic, title_snapshot=title,
                       created_at=now(), updated_at=now())
    accept_talk(talk, slot, actor=cohort.created_by, now=now())
    return talk


def facts(html):
    """{term: text} of the page's facts list, tags dropped and spaces squeezed."""
    block = re.search(r'<dl class="facts about-facts">(.*?)</dl>', html, re.S).group(1)
    pairs = re.findall(r"<dt>(.*?)</dt><dd[^>]*>(.*?)</dd>", block, re.S)
    return {term: " ".join(re.sub(r"<[^>]+>", " ", value).split()) for term, value in pairs}


# the invite page ------------------------------------------------------------------------------

def test_invite_page_tells_the_cohort_without_the_next_cases_text(client):
    cohort = make_cohort(description_md="**每周一个案例**，写下你的思考。", strike_limit=2,
                         capacity=30)
    make_member(cohort)
    upcoming_case(cohort)
    guest_talk(cohort)
    invite = invite_of(cohort)

    html = html_of(client.get(f"/join/{invite.token}"))
    shown = facts(html)

    assert "<p><strong>每周一个案例</strong>，写下你的思考。</p>" in html
    assert SECRET not in html
    assert (shown["Rule"], shown["Seats"]) == (
        "Whoever misses 2 homework assignments is asked to leave.", "29 seats left of 30")
    assert shown["Next case"].startswith("“下周的案例：社区团购” · ")
    assert shown["Next guest"].startswith("从一个群到一张网 · 嘉宾甲 (某生鲜公司 · 社群负责人) · ")
    assert f'href="/c/{cohort.slug}/archive"' in html


def test_invite_page_speaks_chinese_and_states_the_rule_in_it(client):
    cohort = make_cohort(strike_limit=1)
    invite = invite_of(cohort)

    shown = facts(html_of(client.get(f"/join/{invite.token}", headers=CHINESE)))

    assert (shown["规则"], shown["名额"]) == ("缺交 1 次作业即请出社群。",
                                          "还剩 40 个名额（共 40 个）")


def test_invite_to_a_private_cohort_keeps_its_calendar_and_archive_closed(client):
    cohort = make_cohort(is_public=False)
    upcoming_case(cohort)
    guest_talk(cohort)
    invite = invite_of(cohort)

    html = html_of(client.get(f"/join/{invite.token}"))

    assert (sorted(facts(html)), "/archive" in html, "嘉宾甲" in html) == (
        ["Guest sharing", "Next case", "Rhythm", "Rule", "Seats"], False, False)


def test_invite_page_says_full_and_skips_what_is_not_planned(client):
    cohort = make_cohort(capacity=1)
    make_member(cohort)
    make_case(cohort, title="已经发布的案例")  # out long ago: not "next"
    invite = invite_of(cohort)

    shown = facts(html_of(client.get(f"/join/{invite.token}")))

    assert (sorted(shown), shown["Seats"]) == (
        ["Guest sharing", "Rhythm", "Rule", "Seats"], "Full for now (1 seat)")


def test_invite_page_shows_every_naughty_description_escaped(client, login_as):
    cohort = make_cohort()
    invite = invite_of(cohort)
    url = f"/join/{invite.token}"
    failures = []
    for text in [*corpora.naughty_strings(), *corpora.xss_payloads()[:400]]:
        cohort.description_md = text
        cohort.save()
        response = client.get(url)
        html = html_of(response)
        prose = re.search(r'<div class="prose">(.*?)</div>\n<dl', html, re.S)
        if response.status_code != 200 or prose is None:
            failures.append((text, response.status_code))
        elif re.search(r"<script|<[^>]*\son\w+\s*=|href=\"\s*javascript:", prose.group(1),
                       re.I):
            failures.append((text, "unsafe"))
    assert failures == []


def test_invitation_text_keeps_every_naughty_name_and_description_as_text(client, login_as):
    cohort = make_cohort()
    invite = invite_of(cohort)
    login_as(cohort.created_by)
    link = f"http://localhost/join/{invite.token}"
    failures = []
    for text in corpora.naughty_strings():
        cohort.name, cohort.description_md = (text if text.strip() else "读书会"), text
        cohort.save()
        response = client.get(f"/c/{cohort.slug}/invites")
        shown = re.search(rf'<textarea id="text-invite-{invite.id}"[^>]*>(.*?)</textarea>',
                          html_of(response), re.S)
        expected = "\n".join([f"You are invited to join “{cohort.name}”.",
                              *([summary(cohort)] if summary(cohort) else []),
                              "Whoever misses 1 homework is asked to leave.",
                              f"Join here: {link}"])
        if response.status_code != 200 or shown is None:
            failures.append((text, response.status_code))
        elif html_module.unescape(shown.group(1)) != expected or "<" in shown.group(1):
            failures.append((text, shown.group(1)))
    assert failures == []


def test_invite_page_query_count_does_not_grow_with_cases_members_and_talks(client):
    cohort = make_cohort()
    invite = invite_of(cohort)
    upcoming_case(cohort)
    with count_queries() as few:
        client.get(f"/join/{invite.token}")
    for n in range(6):
        make_member(cohort)
        upcoming_case(cohort, title=f"案例{n}", days=3 + n)
    guest_talk(cohort)

    with count_queries() as many:
        html = html_of(client.get(f"/join/{invite.token}"))

    assert (len(many), "嘉宾甲" in html) == (len(few), True)


# the public page ------------------------------------------------------------------------------

def test_public_page_links_the_archive_and_tells_the_next_case(client):
    cohort = make_cohort()
    upcoming_case(cohort)

    html = html_of(client.get(f"/c/{cohort.slug}/"))

    assert (f'href="/c/{cohort.slug}/archive"' in html, SECRET in html,
            facts(html)["Next case"].startswith("“下周的案例：社区团购”")) == (True, False, True)


def test_public_page_of_a_private_cohort_links_the_archive_for_members_only(client, login_as):
    cohort = make_cohort(is_public=False)
    login_as(make_member(cohort))

    html = html_of(client.get(f"/c/{cohort.slug}/"))

    assert (f'href="/c/{cohort.slug}/archive"' in html, "Invite people" in html) == (True, False)


def test_members_of_a_public_cohort_get_a_share_kit_visitors_do_not(client, login_as):
    cohort = make_cohort(name="社群实验室",
                         description_md="每 4 天一个案例。\n\n第二段不进邀请语。")
    visitor_page = html_of(client.get(f"/c/{cohort.slug}/"))
    login_as(make_member(cohort))

    html = html_of(client.get(f"/c/{cohort.slug}/"))
    text = re.search(r'<textarea id="text-page"[^>]*>(.*?)</textarea>', html, re.S).group(1)

    assert "Invite people" not in visitor_page
    assert text == str(escape(
        "You are invited to join “社群实验室”.\n每 4 天一个案例。\n"
        "Whoever misses 1 homework is asked to leave.\n"
        f"Join here: http://localhost/c/{cohort.slug}/"))
    assert f'src="/c/{cohort.slug}/qr.svg"' in html


# the invites page and the QR codes ----------------------------------------------------------

def test_invites_page_has_a_share_kit_per_live_link_in_the_readers_language(client, login_as):
    cohort = make_cohort(name="读书会")
    live = invite_of(cohort)
    dead = invite_of(cohort)
    admission.revoke_invite(dead, now=now())
    login_as(cohort.created_by)

    html = html_of(client.get(f"/c/{cohort.slug}/invites", headers=CHINESE))

    text = re.search(rf'<textarea id="text-invite-{live.id}"[^>]*>(.*?)</textarea>', html,
                     re.S).group(1)
    assert text == str(escape("邀请你加入「读书会」。\n每 4 天一个案例。\n"
                              "缺交 1 次作业即请出社群。\n"
                              f"点击链接加入：http://localhost/join/{live.token}"))
    assert (f"/invites/{live.id}/qr.svg" in html, f"/invites/{dead.id}/qr.svg" in html,
            f'value="http://localhost/join/{live.token}"' in html) == (True, False, True)


def test_invite_qr_encodes_exactly_the_invite_link(client, login_as):
    cohort = make_cohort()
    invite = invite_of(cohort)
    login_as(cohort.created_by)

    png = client.get(f"/c/{cohort.slug}/invites/{invite.id}/qr.png")
    svg = client.get(f"/c/{cohort.slug}/invites/{invite.id}/qr.svg")

    expected = segno.make(f"http://localhost/join/{invite.token}", error="m", micro=False)
    size = len(expected.matrix)
    image = Image.open(io.BytesIO(png.data)).convert("L")
    served = [tuple(int(image.getpixel(((x + 4) * 8 + 4, (y + 4) * 8 + 4)) < 128)
                    for x in range(size)) for y in range(size)]
    root = ET.fromstring(svg.data)
    assert served == [tuple(row) for row in expected.matrix]
    assert image.size == ((size + 8) * 8,) * 2
    assert (root.tag, root.get("width"), root.get("height")) == (
        "{http://www.w3.org/2000/svg}svg", str((size + 8) * 8), str((size + 8) * 8))
    assert svg_matrix(root, size) == [tuple(row) for row in expected.matrix]


def svg_matrix(root, size):
    """The dark modules in segno's SVG: after a white square, one dark path ("M4 4.5h7m1 0h1m-25
    1h1…") draws each row's runs of dark modules as strokes; the quiet zone is 4 modules."""
    path = next(p for p in root.iter("{http://www.w3.org/2000/svg}path")
                if p.get("stroke") == "#000").get("d")
    grid = [[0] * size for _ in range(size)]
    x = y = 0.0
    for command, a, b in re.findall(r"([Mmh])(-?[\d.]+)(?: (-?[\d.]+))?", path):
        if command == "M":
            x, y = float(a), float(b)
        elif command == "m":
            x, y = x + float(a), y + float(b)
        else:
            for dx in range(int(float(a))):
                grid[int(y) - 4][int(x) + dx - 4] = 1
            x += float(a)
    return [tuple(row) for row in grid]


def test_qr_routes_answer_with_type_caching_and_etag(client, login_as):
    cohort = make_cohort()
    invite = invite_of(cohort)

    public_svg = client.get(f"/c/{cohort.slug}/qr.svg")
    again = client.get(f"/c/{cohort.slug}/qr.svg",
                       headers={"If-None-Match": public_svg.headers["ETag"]})
    login_as(cohort.created_by)
    png = client.get(f"/c/{cohort.slug}/invites/{invite.id}/qr.png")

    assert (public_svg.status_code, public_svg.mimetype, again.status_code) == (
        200, "image/svg+xml", 304)
    assert set(public_svg.headers["Cache-Control"].split(", ")) == {"public", "max-age=86400"}
    assert (png.status_code, png.mimetype, png.headers["Content-Disposition"]) == (
        200, "image/png", f'attachment; filename="{cohort.slug}-invite-{invite.id}.png"')
    assert set(png.headers["Cache-Control"].split(", ")) == {"private", "max-age=86400"}


def test_invite_qr_is_for_staff_and_refuses_foreign_unknown_and_dead_links(client, login_as,
                                                                       clock):
    cohort, other = make_cohort(), make_cohort()
    mine, theirs, dead = invite_of(cohort), invite_of(other), invite_of(cohort, days_valid=1)
    url = f"/c/{cohort.slug}/invites/%d/qr.svg"
    anonymous = client.get(url % mine.id)
    login_as(make_member(cohort))
    learner = client.get(url % mine.id)
    client.post("/logout")
    login_as(cohort.created_by)
    clock.advance(days=2)

    answers = [client.get(url % n).status_code for n in (theirs.id, 999_999, dead.id)]
    gone = client.get(url % dead.id)

    assert (anonymous.status_code, learner.status_code) == (302, 403)
    assert answers == [404, 404, 410]
    assert "This invite link no longer works" in html_of(gone)
    assert client.get(f"/c/{cohort.slug}/invites/{mine.id}/qr.gif").status_code == 404


def test_private_cohort_has_no_public_qr_code(client):
    cohort = make_cohort(is_public=False)

    assert client.get(f"/c/{cohort.slug}/qr.svg").status_code == 404
