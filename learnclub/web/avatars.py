"""A person's avatar beside their name: their profile photo, or their initials on a colour of
their own (from their id, so the same person has the same colour on every page)."""
import functools
import unicodedata
from dataclasses import dataclass

from flask import url_for
from markupsafe import Markup, escape

COLOURS = 8  #: .avatar-c0 … .avatar-c7 in app.css, each dark enough for white letters


def _is_cjk(char):
    return unicodedata.east_asian_width(char) in ("W", "F") and char.isalpha()


@functools.lru_cache(maxsize=4096)  # a pure function of the name, asked per card
def initials(name):
    """What an avatar without a photo shows: a Chinese (or other CJK) name's last two
    characters, as Chinese apps do (林小雨 → 小雨, 王明 → 王明); otherwise the first letters of
    the first and last words (Chen Hao → CH); "?" for a name without a letter or digit."""
    words = [w for w in (name or "").split() if any(c.isalnum() for c in w)]
    if not words:
        return "?"
    last = words[-1]
    trailing = ""
    for char in reversed(last):
        if not _is_cjk(char):
            break
        trailing = char + trailing
    if trailing:
        return trailing[-2:]
    ends = words[:1] if len(words) == 1 else [words[0], words[-1]]
    return "".join(next(c for c in w if c.isalnum()) for w in ends).upper()[:2]


@dataclass(frozen=True)
class Avatar:
    photo_url: str | None
    initials: str
    colour: int  #: 0 … COLOURS - 1


def avatar_of(user):
    """The avatar of a user row (its `photo`, `id` and `display_name`; no query)."""
    photo = getattr(user, "photo", "")
    url = url_for("profiles.photo", user_id=user.id, v=photo[-12:-4]) if photo else None
    return Avatar(url, initials(user.display_name), user.id % COLOURS)


def avatar_html(user, size=""):
    """{{ avatar(user) }}: the avatar beside a name, its photo or its initials on its colour;
    decorative (aria-hidden, empty alt), for the name is always written next to it. `size`:
    "" or "small". A function, not a macro: a page of 50 cards and their comments calls it
    once a person, and a macro call costs several times the markup it writes."""
    a = avatar_of(user)
    kind = f"avatar {escape(size)}" if size else "avatar"
    if a.photo_url:
        pixels = 24 if size else 36
        return Markup(f'<img class="{kind}" src="{escape(a.photo_url)}" alt="" '
                      f'width="{pixels}" height="{pixels}" loading="lazy">')
    return Markup(f'<span class="{kind} avatar-c{a.colour}" aria-hidden="true">'
                  f'{escape(a.initials)}</span>')
