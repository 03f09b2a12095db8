"""Markdown to safe HTML: Python-Markdown, then nh3 with a narrow allow-list.

Whatever anyone writes (learners, hosts, guests) goes through here before it reaches a page.
"""
import re
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


def _markdown(files_base=None):
    md = markdown.Markdown(
        extensions=EXTENSIONS,
        extension_configs={"toc": {"slugify": slugify_unicode, "permalink": False}},
        output_format="html",
    )
    if files_base:
        md.treeprocessors.register(_RelativeLinks(md, files_base), "relative_links", 1)
    return md


_HIDDEN = re.compile(r"[\x00-\x20\x7f]+")


def _drop_disguised_schemes(_tag, attribute, value):
    """Also drop links like 'java\x01script:' that browsers read as relative paths today."""
    disguised = _HIDDEN.sub("", value).lower().startswith(("javascript:", "vbscript:", "data:"))
    return None if attribute in ("href", "src") and disguised else value


def sanitise(html):
    """Keep only the allow-listed tags, attributes and link schemes."""
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes=URL_SCHEMES, link_rel="noopener noreferrer nofollow",
                     strip_comments=True, attribute_filter=_drop_disguised_schemes)


def render_markdown(text, *, files_base=None, allow_html=False):
    """Markdown source -> sanitised HTML. Raw HTML in the source is escaped, never run;
    with `allow_html` (hosts' cases) it is kept, through the same allow-list as the rest.

    With `files_base` (e.g. "/c/lab/cases/7/files/"), relative image and link paths point
    there, so images kept next to a case file are served with the case.
    """
    md = _markdown(files_base)
    if not allow_html:
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
    return sanitise(md.convert(text or ""))
