"""Real-world bad input, kept in the repository so the suite needs nothing beside it.

- `blns.json`: the Big List of Naughty Strings, 515 strings that break software, from
  https://github.com/minimaxir/big-list-of-naughty-strings (MIT, see `blns.LICENSE`).
- `xss-payload-list.txt`: 6,613 cross-site-scripting payloads, one per line, from
  https://github.com/payloadbox/xss-payload-list (MIT, see `xss-payload-list.LICENSE`).

Every text field must take each naughty string, store it exactly and show it safely; no
payload may ever execute in a browser.
"""
import json
from functools import cache
from pathlib import Path

CORPORA = Path(__file__).resolve().parent


@cache
def _naughty():
    return tuple(json.loads((CORPORA / "blns.json").read_text(encoding="utf-8")))


@cache
def _payloads():
    return tuple((CORPORA / "xss-payload-list.txt").read_text(encoding="utf-8").splitlines())


def naughty_strings():
    """The 515 naughty strings, as a fresh list."""
    return list(_naughty())


def xss_payloads():
    """The 6,613 payload lines, as a fresh list."""
    return list(_payloads())
