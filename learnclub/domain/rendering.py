"""Markdown to safe HTML: Python-Markdown, then nh3 with a narrow allow-list.

Whatever anyone writes (learners, hosts, guests) goes through here before it reaches a page.
"""
import re
import threading
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
_URL_SPACE = "\t\n\f\r "  # what a browser strips around a URL
# letters, digits and - _ : only: nothing that could end an attribute or change a URL
_ANCHOR_PREFIX = re.compile(r"[A-Za-z][A-Za-z0-9_:-]*")


def _drop_disguised_schemes(_tag, attribute, value):
    """Also drop links like 'java\x01script:' that browsers read as relative paths today."""
    disguised = _HIDDEN.sub("", value).lower().startswith(("javascript:", "vbscript:", "data:"))
    return None if attribute in ("href", "src") and disguised else value


def _prefixed_anchors(prefix):
    """An attribute filter that moves a document's ids, and its links to them, under `prefix`."""
    def prefix_anchors(tag, attribute, value):
        value = _drop_disguised_schemes(tag, attribute, value)
        if value is None:
            return None
        if attribute == "id":
            return prefix + value
        target = value.strip(_URL_SPACE)
        if attribute == "href" and target.startswith("#") and target != "#":
            return "#" + prefix + target[1:]
        return value
    return prefix_anchors


def sanitise(html, *, anchor_prefix=""):
    """Keep only the allow-listed tags, attributes and link schemes; with `anchor_prefix`,
    also prefix every id and every same-document link (#...) that survives."""
    if anchor_prefix and not _ANCHOR_PREFIX.fullmatch(anchor_prefix):
        raise ValueError(f"not an anchor prefix: {anchor_prefix!r}")
    check = _prefixed_anchors(anchor_prefix) if anchor_prefix else _drop_disguised_schemes
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes=URL_SCHEMES, link_rel="noopener noreferrer nofollow",
                     strip_comments=True, attribute_filter=check)


def render_markdown(text, *, files_base=None, allow_html=False, anchor_prefix=""):
    """Markdown source -> sanitised HTML. Raw HTML in the source is escaped, never run;
    with `allow_html` (hosts' cases) it is kept, through the same allow-list as the rest.

    With `files_base` (e.g. "/c/lab/cases/7/files/"), relative image and link paths point
    there, so images kept next to a case file are served with the case.

    With `anchor_prefix` (e.g. "s12:", made by the caller from an id, never from input), the
    document gets its own anchor namespace on a page that shows several: heading and footnote
    ids become "s12:第一周" and "s12:fn:1", and "#..." links, the author's included, point
    into this document. A ":" in the prefix keeps these ids apart from any heading's slug.
    """
    md = _markdown(files_base or None, bool(allow_html))
    return sanitise(md.convert(text or ""), anchor_prefix=anchor_prefix)


def homework_html(submission_id, text):
    """A submission's HTML as its pages show it (anchors under "s<id>:"), stored when written."""
    return render_markdown(text, anchor_prefix=f"s{submission_id}:")


def comment_html(comment_id, text):
    """A comment's HTML as its pages show it (anchors under "c<id>:"), stored when written."""
    return render_markdown(text, anchor_prefix=f"c{comment_id}:")
