"""The Simplified Chinese catalog is complete: every UI string in the code is translated,
with the same placeholders, the compiled catalog matches the source catalog, and the
template (messages.pot) holds what `make messages` extracts from the code today."""
import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "learnclub" / "translations" / "zh_Hans_CN" / "LC_MESSAGES"
#: the Makefile's `pybabel extract -k …` list, and gettext's own names
KEYWORDS = {"_": None, "_l": None, "tr": None, "gettext": None, "ngettext": (1, 2),
            "ngettext_each": (1, 2), "later": None, "word": None}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def _source_messages():
    method_map = [("learnclub/**.py", "python"), ("learnclub/web/templates/**.html", "jinja2"),
                  ("learnclub/domain/reach/templates/**.txt", "jinja2"),
                  ("learnclub/domain/reach/templates/**.html", "jinja2")]
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map=method_map, keywords=KEYWORDS):
        found.add(message if isinstance(message, str) else message[0])
    return found


def _catalog(path=CATALOG / "messages.po"):
    with open(path, "rb") as fh:
        return read_po(fh)


def test_template_holds_what_the_code_says():
    # a stale messages.pot makes `make messages` drop translations still in use
    template = {m.id if isinstance(m.id, str) else m.id[0]
                for m in _catalog(ROOT / "learnclub" / "translations" / "messages.pot") if m.id}
    assert sorted(_source_messages() ^ template) == []


def test_every_ui_string_has_a_chinese_translation():
    catalog = _catalog()
    translated = {m.id if isinstance(m.id, str) else m.id[0]: m.string for m in catalog if m.id}
    missing = sorted(m for m in _source_messages() if not translated.get(m))
    assert missing == []


def test_translations_keep_their_placeholders():
    wrong = []
    for message in _catalog():
        if not message.id:
            continue
        source = message.id if isinstance(message.id, str) else message.id[0]
        target = message.string if isinstance(message.string, str) else message.string[0]
        if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(target)):
            wrong.append((source, target))
    assert wrong == []


def test_compiled_catalog_matches_the_source():
    def key(message):
        ids = message.id if isinstance(message.id, str) else tuple(message.id)
        strings = message.string if isinstance(message.string, str) else tuple(message.string)
        return ids, strings

    with open(CATALOG / "messages.mo", "rb") as fh:
        compiled = dict(key(m) for m in read_mo(fh) if m.id)
    source = dict(key(m) for m in _catalog() if m.id and not m.fuzzy)
    assert compiled == source
