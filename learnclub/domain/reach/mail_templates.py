"""Mail text as templates: every mail is a pair of Jinja2 templates in templates/ (plain
text and HTML), written in English through gettext and rendered in the reader's language.

`<name>.txt` holds the subject (block `subject`) and the text (block `body`, inside
`_layout.txt`, which adds the signature); `<name>.html` holds the same paragraphs and links
(inside `_layout.html`: inline styles for mail clients, `lang`, a title). The HTML is
autoescaped, the text is not: a name or title is kept exactly in the text and escaped in the
HTML. Both use the same msgids, so one translation serves both parts.
"""
import re
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from learnclub.i18n import DEFAULT_LOCALE, normalise_locale, translations_for

TEMPLATES = Path(__file__).resolve().parent / "templates"
#: the last lines of every mail's text
SIGNATURE = "\n\n— learnclub"
PARAGRAPH = "margin:0 0 16px;"
LINK = "color:#0b57d0;text-decoration:underline;word-break:break-all;"
URL = re.compile(r"https?://[^\s<>\"]+")


def link(url):
    """An address as a link that shows itself, as the text part shows it."""
    return Markup('<a href="{0}" style="{1}">{0}</a>').format(url, LINK)


def autolink(text):
    """Plain text with its web addresses made links, everything else escaped."""
    parts, start = [], 0
    for match in URL.finditer(str(text)):
        parts += [escape(text[start:match.start()]), link(match.group())]
        start = match.end()
    return Markup("").join([*parts, escape(text[start:])])


def paragraphs(text):
    """Text (escaped unless it is already markup) as HTML paragraphs: a blank line starts a
    paragraph, a single line break stays a line break."""
    blocks = [block.strip("\n") for block in str(escape(text)).split("\n\n")]
    return Markup("\n").join(Markup('<p style="{0}">').format(PARAGRAPH)
                             + Markup(block.replace("\n", "<br>\n")) + Markup("</p>")
                             for block in blocks if block)


def indent_lines(text, prefix="    "):
    """Each line of `text` after `prefix`; empty lines stay empty."""
    return "\n".join(prefix + line if line else "" for line in str(text).splitlines())


@lru_cache(maxsize=4)
def _environment(locale):
    env = Environment(loader=FileSystemLoader(TEMPLATES), extensions=["jinja2.ext.i18n"],
                      autoescape=lambda name: bool(name) and name.endswith(".html"),
                      trim_blocks=True, lstrip_blocks=True, undefined=StrictUndefined)
    env.install_gettext_translations(translations_for(locale), newstyle=True)
    env.filters.update(link=link, autolink=autolink, paragraphs=paragraphs,
                       indent_lines=indent_lines)
    env.globals.update(signature=SIGNATURE.strip("\n"), lang="en" if locale == "en" else
                       "zh-Hans", paragraph=PARAGRAPH)
    return env


def render_mail(name, locale, **context):
    """(subject, text, HTML) of mail `name` in `locale` (the reader's language)."""
    env = _environment(normalise_locale(locale) or DEFAULT_LOCALE)
    text = env.get_template(f"{name}.txt")
    subject = ""
    if "subject" in text.blocks:
        subject = "".join(text.blocks["subject"](text.new_context(context)))
    return (subject, text.render(context),
            env.get_template(f"{name}.html").render(context, subject=subject))
