"""Profiles and the member directory: who someone is beyond "上海-无业游民-冯宝宝"."""
import unicodedata

from peewee import Case

from learnclub.domain.accounts.introductions import normalise_tag
from learnclub.domain.errors import DomainError, untranslated
from learnclub.domain.text import LONG, SHORT, check_text
from learnclub.i18n import LOCALES
from learnclub.models import Cohort, Membership, ProfileTag, User
from learnclub.models.cohorts import MembershipStatus

#: field -> (max length, required)
PROFILE_FIELDS = {
    "display_name": (SHORT, True),
    "city": (SHORT, False),
    "industry": (SHORT, False),
    "company_title": (SHORT, False),
    "offer": (LONG, False),
    "looking_for": (LONG, False),
    "intro_md": (LONG, False),
}
#: the name the cohort's chat group knows someone by (群昵称), for @-mentions
GROUP_NICKNAME_MAX = 100
#: control characters, and line and paragraph separators: a nickname is one line of text
_NOT_IN_A_NAME = {"Cc", "Zl", "Zp"}


def _labels(tr):
    return {"display_name": tr("Name"), "city": tr("City"), "industry": tr("Industry"),
            "company_title": tr("Company and title"), "offer": tr("What I can offer"),
            "looking_for": tr("What I'm looking for"), "intro_md": tr("Short introduction")}


def check_group_nickname(value, *, tr=untranslated):
    """Return the group nickname unchanged if acceptable: empty, or one line of at most 100
    characters without control characters that is not only spaces. Else raise DomainError."""
    label = tr("Group nickname")
    check_text(value, field="group_nickname", label=label, max_length=GROUP_NICKNAME_MAX, tr=tr)
    if any(unicodedata.category(c) in _NOT_IN_A_NAME for c in value):
        raise DomainError(tr("%(label)s must be one line, without line breaks, tabs or other "
                             "control characters.") % {"label": label}, field="group_nickname")
    if value and not value.strip():
        raise DomainError(tr("%(label)s cannot be only spaces; leave it empty to be mentioned "
                             "by your name.") % {"label": label}, field="group_nickname")
    return value


def update_profile(user, values, *, tr=untranslated):
    """Save the profile fields given (stored exactly as typed). Returns the changed fields."""
    labels = _labels(tr)
    for field, (max_length, required) in PROFILE_FIELDS.items():
        if field in values:
            check_text(values[field], field=field, label=labels[field], max_length=max_length,
                       required=required, tr=tr)
    if "group_nickname" in values:
        check_group_nickname(values["group_nickname"], tr=tr)
    changed = [f for f in (*PROFILE_FIELDS, "group_nickname")
               if f in values and getattr(user, f) != values[f]]
    for field in changed:
        setattr(user, field, values[field])
    if changed:
        user.save(only=[getattr(User, f) for f in changed])
    return changed


def set_locale(user, locale):
    """Remember the chosen UI language on the account."""
    if locale in LOCALES and user.locale != locale:
        user.locale = locale
        user.save(only=[User.locale])


def _contains(field, needle):
    # peewee escapes LIKE wildcards; case-insensitive, and Chinese matches on both databases
    return field.contains(needle)


def directory(cohort, *, city="", industry="", text=""):
    """Active members of a cohort, filtered; one query whatever the cohort's size."""
    query = (Membership.select(Membership, User).join(User)
             .where((Membership.cohort == cohort) & (Membership.status == MembershipStatus.ACTIVE)))
    if city.strip():
        query = query.where(_contains(User.city, city.strip()))
    if industry.strip():
        query = query.where(_contains(User.industry, industry.strip()))
    for word in text.split()[:5]:
        query = query.where(_contains(User.display_name, word) | _contains(User.city, word)
                            | _contains(User.industry, word) | _contains(User.company_title, word)
                            | _contains(User.offer, word) | _contains(User.looking_for, word)
                            | _contains(User.intro_md, word)
                            | _contains(User.introduction, word)
                            | User.id.in_(ProfileTag.select(ProfileTag.user).where(
                                _contains(ProfileTag.tag, normalise_tag(word)))))
    role_order = Case(Membership.role, [("host", 0), ("assistant", 1), ("guest", 2)], 3)
    return list(query.order_by(role_order, User.display_name))


def directory_facets(cohort):
    """Distinct cities and industries among active members, for the filter menus."""
    base = (User.select(User.city, User.industry).join(Membership)
            .where((Membership.cohort == cohort) & (Membership.status == MembershipStatus.ACTIVE)))
    rows = list(base.tuples())
    cities = sorted({c for c, _ in rows if c.strip()})
    industries = sorted({i for _, i in rows if i.strip()})
    return cities, industries


def zones_of(user_ids, default_zone):
    """{user id: zone name}: their earliest active membership's cohort zone, else the default."""
    zones = dict.fromkeys(user_ids, default_zone)
    rows = (Membership.select(Membership.user, Cohort.timezone).join(Cohort)
            .where(Membership.user.in_(list(user_ids))
                   & (Membership.status == MembershipStatus.ACTIVE))
            .order_by(Membership.joined_at.desc(), Membership.id.desc()).tuples())
    for user_id, zone in rows:  # earliest last, so it wins
        zones[user_id] = zone
    return zones


def masked_email(email):
    """The address with most of it hidden ("w•••@e•••.org"): enough for its owner to know it,
    too little for whoever else holds a mail's link to learn it."""
    local, _at, domain = (email or "").rpartition("@")
    name, dot, tld = domain.rpartition(".")
    shown_domain = f"{name[:1]}•••{dot}{tld}" if name else f"{domain[:1]}•••"
    return f"{local[:1]}•••@{shown_domain}" if local else "•••"
