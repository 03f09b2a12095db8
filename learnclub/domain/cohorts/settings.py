"""Cohorts and their settings (docs/rules.md "Cohort settings"): create, validate, edit,
roles."""
import re
from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from peewee import IntegrityError

from learnclub.db import lock_row, write_transaction
from learnclub.domain.cases.due_times import freeze_shown_dues
from learnclub.domain.cases.editing import reschedule
from learnclub.domain.cohorts.activity import Action, record
from learnclub.domain.errors import Conflict, DomainError, NotAllowed, untranslated
from learnclub.domain.sharing.talks import generate_slots
from learnclub.domain.text import LONG, check_text
from learnclub.i18n import LOCALES
from learnclub.models import Cohort, Membership, MembershipEvent
from learnclub.models.cohorts import ROLES, MembershipStatus

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
RESERVED_SLUGS = {"new", "api", "static", "admin", "login", "logout", "signup", "setup"}
SETTING_FIELDS = (
    "name", "description_md", "timezone", "capacity", "admission", "waitlist_enabled",
    "cadence_min_days", "cadence_target_days", "cadence_max_days", "homework_due_hours",
    "homework_grace_hours", "strike_limit", "excused_per_learner", "reminder_hours",
    "sharing_weekday", "sharing_time", "sharing_minutes", "sharing_weeks_ahead",
    "is_public", "peer_visibility", "homework_min_length", "points_enabled", "points_on_time",
    "points_late", "points_featured", "points_comment", "points_comment_cap",
    "points_guest_share", "guest_proposals_public", "language", "min_window_hours",
    "removal_stop_percent", "removal_stop_count",
    "last_day", "deposit_fen", "deposit_currency", "deposit_percent", "deposit_removal_forfeits",
)


def default_settings():
    """{setting: its default} for every cohort setting (a new cohort's form starts here)."""
    fields = Cohort._meta.fields
    return {key: fields[key].default for key in SETTING_FIELDS}


#: settings that move the dates of queued cases
RHYTHM_FIELDS = {"timezone", "cadence_min_days", "cadence_target_days", "cadence_max_days"}
#: settings of the weekly sharing rule: weeks newly in reach get their slots at once
SHARING_FIELDS = {"timezone", "sharing_weekday", "sharing_time", "sharing_minutes",
                  "sharing_weeks_ahead"}


def _in_range(settings, field, low, high, tr, label=None):
    value = settings[field]
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        if label is not None:
            raise DomainError(tr("%(label)s: enter a whole number from %(low)d to %(high)d.")
                              % {"label": tr(label), "low": low, "high": high}, field=field)
        raise DomainError(tr("Enter a whole number from %(low)d to %(high)d.")
                          % {"low": low, "high": high}, field=field)


#: (setting, lowest, highest) for the whole-number settings
NUMBER_RANGES = (("capacity", 1, 10_000), ("cadence_min_days", 1, 60),
                 ("cadence_target_days", 1, 60), ("cadence_max_days", 1, 60),
                 ("homework_due_hours", 1, 24 * 60), ("homework_grace_hours", 0, 24 * 14),
                 ("min_window_hours", 1, 24 * 14),
                 ("strike_limit", 1, 100), ("excused_per_learner", 0, 100),
                 ("sharing_weekday", 0, 6), ("sharing_minutes", 15, 600),
                 ("sharing_weeks_ahead", 1, 52), ("homework_min_length", 0, 5000),
                 ("points_on_time", 0, 1000), ("points_late", 0, 1000),
                 ("points_featured", 0, 1000), ("points_comment", 0, 1000),
                 ("points_comment_cap", 0, 1000), ("points_guest_share", 0, 1000))
#: (setting, lowest, highest, its name) for the numbers whose message says which they are:
#: the safety stop on mass removal (docs/rules.md "Safety stop")
NAMED_RANGES = (
    ("removal_stop_percent", 1, 100,
     "Safety stop: most learners one check may remove (percent of active learners)"),
    ("removal_stop_count", 1, 10_000,
     "Safety stop: most learners one check may remove (people)"),
    ("deposit_percent", 1, 100, "Deposit: share of counted cases handed in on time (%)"))


def validate_settings(settings, *, tr=untranslated):
    """Check every cohort setting and how they fit together; returns them, with the reminder
    hours put in one canonical form ("2, 24" -> "24,2"). Raises DomainError naming the first
    setting found at fault."""
    _check_texts(settings, tr)
    _check_timezone(settings["timezone"], tr)
    for field, low, high in NUMBER_RANGES:
        _in_range(settings, field, low, high, tr)
    for field, low, high, label in NAMED_RANGES:
        _in_range(settings, field, low, high, tr, label)
    _check_choices(settings, tr)
    _check_deposit(settings, tr)
    settings["reminder_hours"] = _canonical_reminder_hours(settings["reminder_hours"], tr)
    return settings


def _check_texts(settings, tr):
    check_text(settings["name"], field="name", label=tr("Cohort name"), required=True, tr=tr)
    check_text(settings["description_md"], field="description_md", label=tr("Description"),
               max_length=LONG, tr=tr)


def _check_timezone(name, tr):
    try:
        if name not in available_timezones():
            raise ZoneInfoNotFoundError(name)
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise DomainError(tr("Choose a time zone from the list, e.g. Asia/Shanghai."),
                          field="timezone") from exc


def _check_choices(settings, tr):
    """The cadence's order, the settings picked from a list, and how they fit together."""
    if not (settings["cadence_min_days"] <= settings["cadence_target_days"]
            <= settings["cadence_max_days"]):
        raise DomainError(tr("The cadence needs minimum ≤ target ≤ maximum days."),
                          field="cadence_target_days")
    if settings["admission"] not in ("application", "invite"):
        raise DomainError(tr("Choose how people get in."), field="admission")
    if settings["peer_visibility"] not in ("after_submission", "after_due", "always"):
        raise DomainError(tr("Choose when peers' homework is visible."), field="peer_visibility")
    if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", settings["sharing_time"] or ""):
        raise DomainError(tr("Enter a time as HH:MM, e.g. 20:00."), field="sharing_time")
    if settings["guest_proposals_public"] and not settings["is_public"]:
        raise DomainError(tr("Visitors can propose talks only to a public cohort."),
                          field="guest_proposals_public")
    if settings["language"] not in LOCALES:
        raise DomainError(tr("Choose the language of chat-group posts from the list."),
                          field="language")


def _check_deposit(settings, tr):
    """The deposit (docs/rules.md "Deposit"): 0–100,000 yuan, a short currency label, and a
    last day, if any, that is a date."""
    from learnclub.domain.participation.deposit_records import check_fen
    check_fen(settings["deposit_fen"], field="deposit_fen", tr=tr)
    if not re.fullmatch(r"[^\W\d_]{1,8}|[¥￥$€£]", settings["deposit_currency"] or ""):
        raise DomainError(tr("Currency: up to 8 letters, e.g. CNY."), field="deposit_currency")
    last_day = settings["last_day"]
    if last_day is not None and not (isinstance(last_day, date)
                                     and date(2000, 1, 1) <= last_day <= date(2100, 12, 31)):
        raise DomainError(tr("Enter the cohort's last day as a date, or leave it empty."),
                          field="last_day")


def _canonical_reminder_hours(text, tr):
    """"2, 24" -> "24,2": up to five whole hours before due, largest first, each once."""
    parts = [p.strip() for p in (text or "").split(",") if p.strip()]
    if not all(p.isdigit() and 0 < int(p) <= 24 * 14 for p in parts) or len(parts) > 5:
        raise DomainError(tr("List up to five whole hours before the due time, e.g. 24,2."),
                          field="reminder_hours")
    return ",".join(str(n) for n in sorted({int(p) for p in parts}, reverse=True))


def create_cohort(slug, settings, *, actor, now, tr=untranslated):
    """Create a cohort with the actor as its host. Returns the cohort."""
    if not actor.may_create_cohorts:
        raise NotAllowed(tr("Only hosts can create cohorts."))
    if not SLUG.match(slug or "") or slug in RESERVED_SLUGS:
        raise DomainError(tr("Use 1–64 lowercase letters, digits and dashes, e.g. community-2026."),
                          field="slug")
    validate_settings(settings, tr=tr)
    try:
        with write_transaction():
            cohort = Cohort.create(slug=slug, created_by=actor, created_at=now,
                                   **{k: settings[k] for k in SETTING_FIELDS})
            Membership.create(cohort=cohort, user=actor, role="host", joined_at=now)
            MembershipEvent.create(cohort=cohort, user=actor, action="created_cohort",
                                   actor=actor, at=now)
    except IntegrityError as exc:
        raise Conflict(tr("This address is taken; choose another."), field="slug") from exc
    return cohort


def update_cohort(cohort, settings, *, actor, now, tr=untranslated):
    """Save new settings (the caller has checked the actor may edit). Returns changed fields."""
    validate_settings(settings, tr=tr)
    changed = [k for k in SETTING_FIELDS if getattr(cohort, k) != settings[k]]
    logged = {k: None if k == "description_md" else [getattr(cohort, k), settings[k]]
              for k in changed}  # the description is named, not copied
    if changed:  # due times already shown stay as shown (docs/rules.md "Due and grace")
        freeze_shown_dues(cohort, now=now)
    for key in changed:
        setattr(cohort, key, settings[key])
    if changed:
        with write_transaction():
            cohort.save()
            record(cohort, Action.SETTINGS_CHANGED, actor=actor, now=now, changes=logged)
            if set(changed) & RHYTHM_FIELDS:
                reschedule(cohort, now=now)
        if set(changed) & SHARING_FIELDS:
            generate_slots(cohort, now=now)
    return changed


def change_role(membership, role, *, actor, now, tr=untranslated):
    """Give a member another role; a cohort always keeps at least one host. Returns it."""
    if role not in ROLES:
        raise DomainError(tr("Unknown role."), field="role")
    with write_transaction():
        if membership.role == "host" and role != "host":
            hosts = list(lock_row(Membership.select().where(
                (Membership.cohort == membership.cohort_id) & (Membership.role == "host")
                & (Membership.status == MembershipStatus.ACTIVE))))
            if len(hosts) <= 1:
                raise Conflict(tr("A cohort needs at least one host."))
        old = membership.role
        membership.role = role
        membership.save(only=[Membership.role])
        MembershipEvent.create(cohort=membership.cohort_id, user=membership.user_id,
                               action="role_changed", reason=f"{old} → {role}", actor=actor,
                               at=now)
    return membership


def delete_cohort(cohort, *, actor, tr=untranslated):
    """Delete a cohort and everything in it (hosts only, checked by the caller)."""
    cohort.delete_instance(recursive=True)
