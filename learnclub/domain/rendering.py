"""Markdown to safe HTML: Python-Markdown, then nh3 with a narrow allow-list.

Whatever anyone writes (learners, hosts, guests) goes through here before it reaches a page.
What it gives out loads nothing from another site when read (docs/security.md, "What
readers' browsers load"), and names no class or id of the app's own.
"""
import re
import threading
from html import escape, unescape
from urllib.parse import quote, urlsplit

import markdown
import nh3
from markdown.extensions.toc import slugify_unicode
from markdown.treeprocessors import Treeprocessor

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "details", "div", "em", "h1", "h2",
    "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "s",
    "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead",
    "tr", "ul", "section",
}
ALLOWED_ATTRIBUTES = {
    "*": {"id", "class"},
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"align", "colspan", "rowspan"},
    "td": {"align", "colspan", "rowspan"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto"}
EXTENSIONS = ["tables", "fenced_code", "footnotes", "sane_lists", "toc", "nl2br"]


class _RelativeLinks(Treeprocessor):
    """Point relative image and link targets (images/x.png) at the case's files URL."""

    def __init__(self, md, base):
        super().__init__(md)
        self.base = base

    def run(self, root):
        for element in root.iter():
            attr = {"img": "src", "a": "href"}.get(element.tag)
            target = element.get(attr) if attr else None
            if target and _is_relative_file(target):
                element.set(attr, self.base + quote(target.removeprefix("./")))


def _is_relative_file(target):
    parts = urlsplit(target)
    return not (parts.scheme or parts.netloc or target.startswith(("/", "#", "?"))) \
        and ".." not in parts.path.split("/")


def _markdown(files_base, allow_html):
    """A Markdown converter of this thread, made once per kind and reset before each use:
    building one (extensions, patterns) costs more than converting a homework."""
    kinds = _THREAD.__dict__.setdefault("converters", {})
    key = (files_base is not None, allow_html)
    md = kinds.get(key)
    if md is None:
        md = markdown.Markdown(
            extensions=EXTENSIONS,
            extension_configs={"toc": {"slugify": slugify_unicode, "permalink": False}},
            output_format="html",
        )
        if files_base is not None:
            md.treeprocessors.register(_RelativeLinks(md, files_base), "relative_links", 1)
        if not allow_html:
            md.preprocessors.deregister("html_block")
            md.inlinePatterns.deregister("html")
        kinds[key] = md
    if files_base is not None:
        md.treeprocessors["relative_links"].base = files_base
    md.reset()
    return md


_THREAD = threading.local()


_HIDDEN = re.compile(r"[\x00-\x20\x7f]+")
_URL_IGNORED = re.compile(r"[\t\n\r]")  # a browser ignores these anywhere in a URL
_URL_SPACE = "\t\n\f\r "  # what a browser strips around a URL
# letters, digits and - _ : only: nothing that could end an attribute or change a URL
_ANCHOR_PREFIX = re.compile(r"[A-Za-z][A-Za-z0-9_:-]*")


# classes the renderer itself writes (footnotes, [TOC], fenced code's language): anything
# else, such as the app's own .flash, could make text look like the app's notices
_KEPT_CLASSES = {"footnote", "footnote-ref", "footnote-backref", "toc"}
_LANGUAGE_CLASS = re.compile(r"language-[A-Za-z0-9_+#.-]+")
LINK_REL = "noopener noreferrer nofollow"
#: the anchor namespace of a host's case when the caller gives none: no id of the app's has ":"
CASE_ANCHORS = "case:"


def _disguised(value):
    """Links like 'java\x01script:' that browsers read as relative paths today: dropped too."""
    return _HIDDEN.sub("", value).lower().startswith(("javascript:", "vbscript:", "data:"))


def _kept_classes(value):
    kept = [name for name in value.split()
            if name in _KEPT_CLASSES or _LANGUAGE_CLASS.fullmatch(name)]
    return " ".join(kept) or None


def _attribute_filter(prefix):
    """An nh3 attribute filter: drops disguised schemes and classes not the renderer's; with
    `prefix`, moves a document's ids, and its links to them, under it."""
    def check(_tag, attribute, value):
        if attribute in ("href", "src"):
            if _disguised(value):
                return None
            target = value.strip(_URL_SPACE)
            if prefix and attribute == "href" and target.startswith("#") and target != "#":
                return "#" + prefix + target[1:]
            return value
        if attribute == "class":
            return _kept_classes(value)
        if attribute == "id":
            return prefix + value
        return value
    return check


def sanitise(html, *, anchor_prefix=""):
    """Keep only the allow-listed tags, attributes and link schemes; with `anchor_prefix`,
    also prefix every id and every same-document link (#...) that survives."""
    if anchor_prefix and not _ANCHOR_PREFIX.fullmatch(anchor_prefix):
        raise ValueError(f"not an anchor prefix: {anchor_prefix!r}")
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes=URL_SCHEMES, link_rel=LINK_REL, strip_comments=True,
                     attribute_filter=_attribute_filter(anchor_prefix))


# sanitised HTML only: nh3 writes every attribute as name="value" with '"' escaped, and every
# '<' in text as &lt;, so each '<' starts a tag and each tag ends at the first '>' outside quotes
_LINK_OR_IMAGE = re.compile(r'<(/?)(a|img)((?:\s+[^\s"\'<>/=]+(?:="[^"]*")?)*)\s*/?>')
_ATTRIBUTE = re.compile(r'([^\s"\'<>/=]+)(?:="([^"]*)")?')
_URL_ENDS = "".join(map(chr, range(0x21)))


def same_site(src, files_base=None):
    """Whether a browser would fetch `src` from this site: a relative URL ("x.png",
    "/c/lab/cases/7/files/x.png"), or an absolute one on the scheme and host of `files_base`
    when that is absolute. "//host/x", "/\\host/x" and "https:host/x" are elsewhere."""
    url = _URL_IGNORED.sub("", src.strip(_URL_ENDS)).replace("\\", "/")
    parts = urlsplit(url)
    if not (parts.scheme or parts.netloc or url.startswith("//")):
        return True
    base = urlsplit(files_base or "")
    return bool(base.scheme and base.netloc) and not url.startswith("//") \
        and (parts.scheme, parts.netloc) == (base.scheme.lower(), base.netloc.lower())


def unload_images(html, files_base=None):
    """Sanitised HTML whose images all come from this site: any other image becomes a plain
    link to it (its alt text, else its URL), or just its alt text where it was inside a link
    already or has no URL left (data: and javascript: sources are dropped before this)."""
    depth = 0  # how many links are open around the current tag

    def replace(match):
        nonlocal depth
        closing, tag, attributes = match.groups()
        if tag == "a":
            depth += -1 if closing else 1
            return match.group(0)
        values = {name: unescape(value or "") for name, value in _ATTRIBUTE.findall(attributes)}
        src = values.get("src", "").strip(_URL_ENDS)
        if src and same_site(src, files_base):
            return match.group(0)
        text = escape(values.get("alt") or src)
        if depth or not src or not text:
            return text
        return f'<a href="{escape(src)}" rel="{LINK_REL}">{text}</a>'
    return _LINK_OR_IMAGE.sub(replace, html)


def render_markdown(text, *, files_base=None, allow_html=False, anchor_prefix=""):
    """Markdown source -> sanitised HTML. Raw HTML in the source is escaped, never run;
    with `allow_html` (hosts' cases) it is kept, through the same allow-list as the rest.

    With `files_base` (e.g. "/c/lab/cases/7/files/"), relative image and link paths point
    there, so images kept next to a case file are served with the case.

    With `anchor_prefix` (e.g. "s12:", made by the caller from an id, never from input), the
    document gets its own anchor namespace on a page that shows several: heading and footnote
    ids become "s12:第一周" and "s12:fn:1", and "#..." links, the author's included, point
    into this document. A ":" in the prefix keeps these ids apart from any heading's slug.
    A host's case (`allow_html`) always has one: CASE_ANCHORS ("case:") unless given, so a
    host's id="homework-form" comes out as "case:homework-form", never one of the page's.

    Images load only from this site (relative, or on `files_base`'s host): any other image
    becomes a link to it (unload_images). Classes are only those the renderer writes.
    """
    if allow_html and not anchor_prefix:
        anchor_prefix = CASE_ANCHORS
    md = _markdown(files_base or None, bool(allow_html))
    return unload_images(sanitise(md.convert(text or ""), anchor_prefix=anchor_prefix),
                         files_base)


def case_files_base(slug, case_id):
    """Where a case's images are served ("/c/lab/cases/7/files/"): the files base of the case
    HTML stored with it. Pages check theirs against it (a site served under a path prefix
    has another, and renders the case for its own)."""
    return f"/c/{quote(slug)}/cases/{case_id}/files/"


def case_html(slug, case_id, text):
    """A host's case's HTML as its page shows it: raw HTML allowed, anchors under "case:",
    relative images served with the case. Stored when the case is written (Case.body_html)."""
    return render_markdown(text, files_base=case_files_base(slug, case_id), allow_html=True)


def homework_html(submission_id, text):
    """A submission's HTML as its pages show it (anchors under "s<id>:"), stored when written."""
    return render_markdown(text, anchor_prefix=f"s{submission_id}:")


#: stands for the id of a submission not saved yet (no row has it: ids stay far below)
_NO_ID_YET = 987_654_321_098_765


def homework_html_before_id(text):
    """homework_html for a submission not saved yet, when its HTML does not depend on the
    id: no anchor in it (no heading, no footnote: most homework), so it is stored with the
    new row. None otherwise (the id's digits show in it): made once the id is known."""
    html = homework_html(_NO_ID_YET, text)
    return None if str(_NO_ID_YET) in html else html


def comment_html(comment_id, text):
    """A comment's HTML as its pages show it (anchors under "c<id>:"), stored when written."""
    return render_markdown(text, anchor_prefix=f"c{comment_id}:")
