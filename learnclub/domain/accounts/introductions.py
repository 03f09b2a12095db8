"""Being introduced (docs/rules.md "Being introduced"): a member's 自我介绍, one paragraph of
at most 500 characters, with "我能提供" and "我在寻找" tags. Tags are short free words,
normalised so that the same word typed twice is one tag; `is_introduced` is the one rule of
whether the to-do still asks for it. Who is suggested to whom: matching.py."""
import re
import unicodedata
from dataclasses import dataclass, field

from learnclub.db import write_transaction
from learnclub.domain.errors import DomainError, untranslated
from learnclub.domain.reach.chat_posts import post_member_introduced
from learnclub.domain.text import check_text
from learnclub.models import ProfileTag, User
from learnclub.models.introductions import TagKind

INTRODUCTION_MAX = 500
TAGS_MAX = 8  #: tags of each kind
TAG_MAX = 20  #: characters of one tag, once normalised
#: what separates tags as people type them: commas (also full-width), 、, ;, line breaks
_SEPARATORS = re.compile(r"[,，、;；\n\r]+")


@dataclass
class Tags:
    """A member's tags, each list in the order typed."""

    offer: list = field(default_factory=list)
    seek: list = field(default_factory=list)


def normalise_tag(text):
    """One tag as stored and compared: full-width letters and digits made plain (NFKC),
    trimmed, every run of spaces one space, Latin letters case-folded ("Python" = "python")."""
    text = unicodedata.normalize("NFKC", text or "")
    return " ".join(text.split()).casefold()


def parse_tags(text):
    """The tags in what a member typed, separated by commas, 、, ; or line breaks: normalised,
    empty ones dropped, the first of duplicates kept."""
    tags = []
    for part in _SEPARATORS.split(text or ""):
        tag = normalise_tag(part)
        if tag and tag not in tags:
            tags.append(tag)
    return tags


def check_tags(text, *, field, label, tr=untranslated):
    """The normalised tags of `text`, or DomainError naming the field: at most 8, each at
    most 20 characters and free of control characters."""
    check_text(text, field=field, label=label, max_length=TAGS_MAX * (TAG_MAX + 10), tr=tr)
    tags = parse_tags(text)
    if len(tags) > TAGS_MAX:
        raise DomainError(tr("%(label)s: at most %(max)d tags (you gave %(n)d).")
                          % {"label": label, "max": TAGS_MAX, "n": len(tags)}, field=field)
    for tag in tags:
        if len(tag) > TAG_MAX:
            raise DomainError(tr("%(label)s: “%(tag)s” is %(n)d characters long; a tag has at "
                                 "most %(max)d.") % {"label": label, "tag": tag, "n": len(tag),
                                                     "max": TAG_MAX}, field=field)
        if any(unicodedata.category(c) == "Cc" for c in tag):
            raise DomainError(tr("%(label)s: a tag cannot contain control characters.")
                              % {"label": label}, field=field)
    return tags


def is_introduced(user):
    """Has the member written their introduction? (The to-do asks until they have.)"""
    return bool(user.introduction.strip())


def tags_of(user):
    """The member's Tags: one query."""
    tags = Tags()
    rows = (ProfileTag.select(ProfileTag.kind, ProfileTag.tag).where(ProfileTag.user == user.id)
            .order_by(ProfileTag.kind, ProfileTag.position).tuples())
    for kind, tag in rows:
        getattr(tags, kind).append(tag)
    return tags


def tags_text(tags):
    """Tags as a member edits them: "社群运营、写作"."""
    return "、".join(tags)


def save_introduction(user, *, introduction, offer, seek, now, base_url, tr=untranslated):
    """Store the introduction (as typed) and the tags (normalised, replacing the old ones),
    and queue a welcome post to the robots of each cohort the member is active in that chose
    "member introduced" (once per member and robot: the outbox key). Returns the Tags."""
    check_text(introduction, field="introduction", label=tr("Introduction"),
               max_length=INTRODUCTION_MAX, required=True, tr=tr)
    tags = Tags(check_tags(offer, field="offer", label=tr("I can offer"), tr=tr),
                check_tags(seek, field="seek", label=tr("I'm looking for"), tr=tr))
    with write_transaction():
        User.update(introduction=introduction).where(User.id == user.id).execute()
        ProfileTag.delete().where(ProfileTag.user == user.id).execute()
        rows = [{"user": user.id, "kind": kind.value, "tag": tag, "position": n}
                for kind in TagKind for n, tag in enumerate(getattr(tags, kind.value))]
        if rows:
            ProfileTag.insert_many(rows).execute()
        user.introduction = introduction
        post_member_introduced(user, tags, now=now, base_url=base_url)
    return tags
