"""Pages that show several Markdown documents at once: the case body keeps its own ids, and
each homework, comment, preview and talk abstract gets an anchor namespace of its own, so no
id repeats on a page and a footnote link lands in its own document, not in the case's."""
import re
from collections import Counter
from datetime import timedelta
from html.parser import HTMLParser

from learnclub.domain.homework.feedback import add_comment, toggle_featured
from learnclub.domain.homework.submission import submit_homework
from learnclub.domain.sharing.talks import generate_slots, propose_talk
from learnclub.models import ShareSlot
from tests.factories import make_case, make_cohort, make_member, make_user
from tests.timeline import START

NOW = START  #: where the clock fixture starts every test
# the same heading and footnote in every document: the worst case for colliding ids
WRITING = "## 我的三件事\n\n先建群[^1],再[回到开头](#我的三件事)\n\n[^1]: 二十位愿意说话的邻居"
# the documents a link may not leave: the case body, a homework card, the preview, a proposal
_DOCUMENT = re.compile(r"homework-\d+|homework-preview|proposal-\d+-\d+")
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
         "track", "wbr"}


class PageAnchors(HTMLParser):
    """Every id on a page, and every same-page link, each with the document it sits in."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.stack = [("", None)]  # (tag, document) of each open element
        self.ids, self.links = [], []  # (id, document), (target, document, class)
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        document = self.stack[-1][1]
        if tag == "article" and "case" in (attrs.get("class") or "").split():
            document = "case"
        elif _DOCUMENT.fullmatch(attrs.get("id") or ""):
            document = attrs["id"]
        if "id" in attrs:
            self.ids.append((attrs["id"], document))
        href = attrs.get("href") or ""
        if tag == "a" and href.startswith("#") and href != "#":
            self.links.append((href[1:], document, attrs.get("class")))
        if tag not in _VOID:
            self.stack.append((tag, document))

    def handle_endtag(self, tag):
        tags = [open_tag for open_tag, _document in self.stack]
        if tag in tags[1:]:
            del self.stack[len(tags) - 1 - tags[::-1].index(tag):]

    def repeated_ids(self):
        return sorted(i for i, n in Counter(i for i, _d in self.ids).items() if n > 1)

    def links_leaving_their_document(self):
        """In-document links whose target is missing or in another document."""
        where = dict(self.ids)
        return [(target, document) for target, document, _class in self.links
                if document and where.get(target, "missing") != document]

    def footnote_refs(self):
        return sorted((document, target) for target, document, css in self.links
                      if css == "footnote-ref")


def _page(client, path):
    response = client.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _open_case(cohort):
    return make_case(cohort, publish_at=NOW - timedelta(hours=1), body_md=WRITING)


def test_case_page_homework_and_comments_keep_their_anchors_apart(client, login_as):
    cohort = make_cohort()
    case = _open_case(cohort)
    reader, peer = make_member(cohort), make_member(cohort)
    own, _ = submit_homework(case, reader, WRITING, now=NOW)
    other, _ = submit_homework(case, peer, WRITING, now=NOW)
    on_own = add_comment(own, peer, WRITING, now=NOW)
    on_other = add_comment(other, reader, WRITING, now=NOW)
    login_as(reader)

    anchors = PageAnchors(_page(client, f"/c/{cohort.slug}/cases/{case.id}"))

    assert anchors.repeated_ids() == []
    assert anchors.links_leaving_their_document() == []
    assert anchors.footnote_refs() == sorted([
        ("case", "case:fn:1"),  # the editor shows no preview of saved work: its card does
        (f"homework-{own.id}", f"s{own.id}:fn:1"), (f"homework-{own.id}", f"c{on_own.id}:fn:1"),
        (f"homework-{other.id}", f"s{other.id}:fn:1"),
        (f"homework-{other.id}", f"c{on_other.id}:fn:1")])


def test_homework_preview_has_its_own_anchors_on_the_page_and_live(client, login_as):
    cohort = make_cohort()
    case = _open_case(cohort)
    reader = login_as(make_member(cohort))
    submit_homework(case, reader, WRITING, now=NOW)

    response = client.post(f"/c/{cohort.slug}/cases/{case.id}/homework",
                           data={"body_md": WRITING, "action": "preview"})
    live = client.post(f"/c/{cohort.slug}/homework/preview", data={"body_md": WRITING})

    page = response.get_data(as_text=True)
    anchors = PageAnchors(page)
    assert anchors.repeated_ids() == []
    assert anchors.links_leaving_their_document() == []
    assert ("homework-preview", "preview:fn:1") in anchors.footnote_refs()
    marker = 'id="homework-preview" aria-live="polite">'
    start = page.index(marker) + len(marker)
    html = live.get_json()["html"]
    assert page[start:start + len(html) + len("</div>")] == html + "</div>"  # same rendering


def test_best_of_page_featured_homework_keep_their_anchors_apart(client, login_as):
    cohort = make_cohort(peer_visibility="always")
    case = _open_case(cohort)
    picks = [submit_homework(case, make_member(cohort), WRITING, now=NOW)[0] for _ in range(2)]
    for pick in picks:
        toggle_featured(pick, actor=cohort.created_by, now=NOW)
    login_as(make_member(cohort))

    anchors = PageAnchors(_page(client, f"/c/{cohort.slug}/best"))

    assert anchors.repeated_ids() == []
    assert anchors.footnote_refs() == [(None, f"s{pick.id}:fn:1") for pick in picks]


def test_talk_review_same_talk_in_two_weeks_keeps_anchors_apart(client, login_as):
    cohort = make_cohort()
    generate_slots(cohort, now=NOW)
    first, second = ShareSlot.select().where(ShareSlot.cohort == cohort) \
        .order_by(ShareSlot.starts_at)[:2]
    talks = [propose_talk(cohort, make_member(cohort, make_user(), role="guest"),
                          topic=f"分享{n}", abstract=WRITING, bio=WRITING, title="社群负责人",
                          preferred_slots=[first.id, second.id], now=NOW) for n in (1, 2)]
    login_as(cohort.created_by)

    anchors = PageAnchors(_page(client, f"/c/{cohort.slug}/talks"))

    assert anchors.repeated_ids() == []
    assert anchors.links_leaving_their_document() == []
    assert anchors.footnote_refs() == sorted(
        (f"proposal-{week.id}-{talk.id}", f"w{week.id}-{kind}{talk.id}:fn:1")
        for week in (first, second) for talk in talks for kind in "bt")
