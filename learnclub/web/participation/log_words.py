"""The cohort log in the reader's words: what each action means, what a change was made on,
and each change as "field: old → new", times in the cohort's zone."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from learnclub.domain.cohorts.activity import TIME_KEYS
from learnclub.domain.cohorts.settings import SETTING_FIELDS
from learnclub.domain.participation.deposit_records import yuan
from learnclub.web.cohorts.forms import CohortForm
from learnclub.web.deposits.words import METHOD_WORDS
from learnclub.web.i18n import local_time
from learnclub.web.integrations.words import event_name, kind_name
from learnclub.web.participation.status import action_labels

#: what was done, for the entries that are not changes of membership (status.action_labels)
ACTION_WORDS = {
    "admitted_as_guest": _l("approved as a guest"),
    "settings_changed": _l("settings changed"),
    "application_rejected": _l("application rejected"),
    "application_waitlisted": _l("application put on the waitlist"),
    "invite_created": _l("invite link created"),
    "invite_revoked": _l("invite link revoked"),
    "removals_paused": _l("removals paused"),
    "removals_resumed": _l("removals resumed"),
    "case_removals_paused": _l("misses paused for a case"),
    "case_removals_resumed": _l("misses count again for a case"),
    "leave_approved": _l("leave approved"),
    "leave_declined": _l("leave declined"),
    "excused": _l("excused"),
    "extension_granted": _l("extension granted"),
    "case_created": _l("case created"),
    "case_edited": _l("case edited"),
    "case_published": _l("case published"),
    "publish_time_changed": _l("publication time changed"),
    "case_moved": _l("case moved in the queue"),
    "case_archived": _l("case archived"),
    "case_restored": _l("case restored"),
    "case_assigned": _l("case handed to a member to write"),
    "case_submitted": _l("member's case submitted for review"),
    "case_approved": _l("member's case approved"),
    "case_sent_back": _l("member's case sent back"),
    "case_taken_back": _l("member's case taken back by the hosts"),
    "case_approval_withdrawn": _l("approval of a member's case withdrawn"),
    "featured": _l("homework featured"),
    "unfeatured": _l("homework no longer featured"),
    "slot_added": _l("session added"),
    "slot_moved": _l("session moved"),
    "slot_cancelled": _l("session cancelled"),
    "talk_accepted": _l("talk accepted"),
    "talk_confirmed": _l("talk confirmed by the guest"),
    "talk_withdrawn": _l("talk withdrawn by the guest"),
    "talk_declined": _l("talk declined"),
    "talk_cancelled": _l("talk cancelled"),
    "talk_held": _l("talk held"),
    "talk_noted": _l("private note on a talk"),
    "transcript_published": _l("transcript published"),
    "transcript_edited": _l("transcript edited"),
    "hook_added": _l("chat robot added"),
    "hook_changed": _l("chat robot changed"),
    "hook_removed": _l("chat robot removed"),
    "deposit_recorded": _l("deposit recorded as received"),
    "deposit_corrected": _l("deposit corrected"),
    "deposit_refunded": _l("deposit refund marked paid"),
    "announcement_posted": _l("announcement posted"),
    "announcement_pinned": _l("announcement pinned"),
    "announcement_unpinned": _l("announcement unpinned"),
    "rules_changed": _l("cohort rules changed"),
    "question_added": _l("application question added"),
    "question_changed": _l("application question changed"),
    "question_removed": _l("application question removed"),
}

#: the fields changes name, other than the cohort settings (named as on the settings form)
FIELD_WORDS = {
    "paused": _l("Paused"),
    "reason": _l("Reason"),
    "starts_on": _l("First day"),
    "ends_on": _l("Last day"),
    "until": _l("Extended until"),
    "title": _l("Title"),
    "body_md": _l("Case text"),
    "homework_prompt": _l("Homework prompt"),
    "tags": _l("Tags"),
    "publish_at": _l("Publication time"),
    "due_at": _l("Due time"),
    "starts_at": _l("Starts"),
    "minutes": _l("Length in minutes"),
    "number": _l("Number in the archive"),
    "transcript_md": _l("Transcript"),
    "recording_url": _l("Recording link"),
    "below_bar": _l("Below the bar"),
    "pinned": _l("Pinned"),
    "version": _l("Version of the rules"),
    "note": _l("Private note"),
    "expires_at": _l("Valid until"),
    "max_uses": _l("Maximum uses (empty: unlimited)"),
    "kind": _l("Kind of robot"),
    "label": _l("Group name"),
    "url": _l("Webhook address"),
    "secret": _l("Signing secret"),
    "events": _l("Events posted"),
    "mention_members": _l("Mention members"),
    "amount_fen": _l("Amount (yuan)"),
    "received_on": _l("Received on"),
    "method": _l("Paid by"),
    "method_other": _l("Other method"),
    "prompt": _l("Question"),
    "choices": _l("Options"),
    "required": _l("Required"),
}
#: amounts stored in fen, shown in yuan (the deposit, docs/rules.md "Deposit")
FEN_KEYS = frozenset({"amount_fen", "deposit_fen"})


def role_name(code):
    return {"host": _("host"), "assistant": _("assistant"), "learner": _("learner"),
            "guest": _("guest")}.get(code, code)


def _setting_words():
    """{setting: (its label on the settings form, {stored value: its words} for choices)}."""
    words = {}
    for name in SETTING_FIELDS:
        unbound = getattr(CohortForm, name, None)
        if unbound is not None:
            choices = unbound.kwargs.get("choices") or []
            words[name] = (unbound.args[0], {getattr(c, "value", None): getattr(c, "label", None)
                                             for c in choices if hasattr(c, "value")})
    return words


def action_words():
    """{action: what was done}, every action of the log, in the reader's language."""
    return {**{k: str(v) for k, v in ACTION_WORDS.items()}, **action_labels()}


class Describer:
    """Puts a page's activity entries into words (the labels looked up once per page)."""

    def __init__(self, cohort):
        self.cohort = cohort
        self.settings = _setting_words()

    def on_what(self, entry):
        """Whom and what an entry concerns: "张三 · “案例一”", a robot, a session, or the
        cohort itself."""
        label = entry.subject_label
        thing = {"case": f"“{label}”", "talk": f"“{label}”",
                 "hook": _("chat robot “%(label)s”", label=label),
                 "slot": _("session of week %(week)s", week=label) if label
                 else _("one-off session"),
                 "invite": _("invite link for a %(role)s", role=role_name(label)),
                 "leave": _("leave request"),
                 "question": _("application question “%(label)s”", label=label)}.get(
            entry.subject_kind, "")
        names = [n for n in (entry.person.display_name if entry.person else "", thing) if n]
        return " · ".join(names) or self.cohort.name

    def changes(self, entry):
        """[(field in words, "old → new" or the value)], in the order they were logged."""
        rows = []
        for key, value in entry.changes.items():
            label = self.settings[key][0] if key in self.settings else FIELD_WORDS.get(key, key)
            if value is None:
                text = _("changed")
            elif isinstance(value, list) and len(value) == 2:
                text = f"{self.value(key, value[0])} → {self.value(key, value[1])}"
            else:
                text = self.value(key, value)
            rows.append((str(label), text))
        return rows

    def value(self, key, value):
        if value is None or value == "":
            return "—"
        if key in TIME_KEYS:
            return local_time(value, self.cohort.timezone)
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if key in FEN_KEYS and isinstance(value, int):
            return yuan(value)
        if key == "method":
            return str(METHOD_WORDS.get(value, value))
        choices = self.settings.get(key, (None, {}))[1]
        if value in choices:
            return str(choices[value])
        if key == "kind":
            return str(kind_name(value))
        if key == "events":
            return ", ".join(str(event_name(e)) for e in value.split(",") if e) or "—"
        return str(value)
