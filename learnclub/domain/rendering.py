"""Markdown to safe HTML: Python-Markdown, then nh3 with a narrow allow-list.

Whatever anyone writes (learners, hosts, guests) goes through here before it reaches a page.
"""
import markdown
import nh3
from markdown.extensions.toc import slugify_unicode

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


def _markdown():
    return markdown.Markdown(
        extensions=EXTENSIONS,
        extension_configs={"toc": {"slugify": slugify_unicode, "permalink": False}},
        output_format="html",
    )


def sanitise(html):
    """Keep only the allow-listed tags, attributes and link schemes."""
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes=URL_SCHEMES, link_rel="noopener noreferrer nofollow",
                     strip_comments=True)


def render_markdown(text):
    """Markdown source -> sanitised HTML. Raw HTML in the source is escaped, never run."""
    md = _markdown()
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return sanitise(md.convert(text or ""))
