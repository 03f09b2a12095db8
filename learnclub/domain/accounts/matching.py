"""你可能想认识 (docs/rules.md "Being introduced"): whom the member directory suggests to a
member, and why. One member's "我在寻找" tags are matched to the "我能提供" tags of the other
active members of the same cohort: the same tag (after normalisation), or, for Chinese,
Japanese or Korean, two tags that share two characters in a row ("社群运营" and "社群增长"
share "社群"). Every suggestion carries its reasons, so the page can say why."""
import unicodedata
from dataclasses import dataclass, field

from learnclub.models import Membership, ProfileTag, User
from learnclub.models.cohorts import MembershipStatus


@dataclass(frozen=True)
class Reason:
    """One match: what the member looks for, what the other offers, and, for a similar tag
    rather than the same one, the two characters they share."""

    sought: str
    offered: str
    shared: str = ""  #: "" for the same tag

    @property
    def exact(self):
        return not self.shared


@dataclass
class Suggestion:
    user: object  #: the member suggested (a User)
    reasons: list = field(default_factory=list)  #: [Reason], the same tags first

    @property
    def rank(self):
        exact = sum(r.exact for r in self.reasons)
        return (-exact, -(len(self.reasons) - exact))


@dataclass
class MemberTags:
    user: object
    offer: list = field(default_factory=list)
    seek: list = field(default_factory=list)


def _is_cjk(char):
    name = unicodedata.name(char, "")
    return name.startswith(("CJK UNIFIED", "CJK COMPATIBILITY IDEOGRAPH", "HIRAGANA",
                            "KATAKANA", "HANGUL"))


def pairs(tag):
    """The two-character runs of Chinese (Japanese, Korean) characters in a tag, in order."""
    return [tag[i:i + 2] for i in range(len(tag) - 1)
            if _is_cjk(tag[i]) and _is_cjk(tag[i + 1])]


def cohort_tags(cohort):
    """{user id: MemberTags} of the cohort's active members who have tags: one query,
    whatever the number of members."""
    rows = (ProfileTag.select(ProfileTag, User).join(User)
            .join(Membership, on=(Membership.user == User.id))
            .where((Membership.cohort == cohort) & (Membership.status == MembershipStatus.ACTIVE))
            .order_by(ProfileTag.user, ProfileTag.kind, ProfileTag.position))
    tags = {}
    for row in rows:
        entry = tags.setdefault(row.user_id, MemberTags(row.user))
        getattr(entry, row.kind).append(row.tag)
    return tags


def _reason(sought, offers):
    """The best Reason why `offers` answer `sought`: the same tag, else the first shared pair
    of characters; None if neither."""
    if sought in offers:
        return Reason(sought, sought)
    wanted = pairs(sought)
    for offered in offers:
        shared = next((p for p in wanted if p in pairs(offered)), None)
        if shared:
            return Reason(sought, offered, shared)
    return None


def suggestions(cohort, user, limit=5, *, tags=None):
    """Up to `limit` other active members of the cohort whose offers match what `user` looks
    for, best first: more same tags, then more similar ones, then by name. Removed members
    and the user never. One query (none with `tags` from cohort_tags)."""
    tags = cohort_tags(cohort) if tags is None else tags
    mine = tags.get(user.id)
    if mine is None or not mine.seek:
        return []
    found = []
    for user_id, theirs in tags.items():
        if user_id == user.id or not theirs.offer:
            continue
        reasons = [r for r in (_reason(s, theirs.offer) for s in mine.seek) if r is not None]
        if reasons:
            found.append(Suggestion(theirs.user, sorted(reasons, key=lambda r: not r.exact)))
    found.sort(key=lambda s: (s.rank, s.user.display_name, s.user.id))
    return found[:limit]
