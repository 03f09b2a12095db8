"""Staff's private note on a held talk (docs/rules.md "Sharing that gets better"): "below the
bar" or not, with a line only staff read; each change is logged in the cohort log without
the note's text."""
from learnclub.db import write_transaction
from learnclub.domain.cohorts.activity import Action, record
from learnclub.domain.errors import DomainError, untranslated
from learnclub.domain.text import check_text
from learnclub.models import Talk
from learnclub.models.sharing import TalkStatus
from learnclub.models.talk_ratings import TalkNote

NOTE_MAX = 500  #: characters of a private note


def note_of(talk):
    """Staff's note on the talk, or None."""
    return TalkNote.get_or_none(TalkNote.talk == talk.id)


def note_talk(talk, *, actor, below_bar, note, now, tr=untranslated):
    """Staff mark a held talk below the bar (or not) with a private note, logged in the
    cohort log (the note's text is not copied there). Returns the TalkNote."""
    note = check_text(note, field="note", label=tr("Private note"), max_length=NOTE_MAX, tr=tr)
    with write_transaction():
        talk = Talk.get_by_id(talk.id)
        if talk.status != TalkStatus.HELD:
            raise DomainError(tr("Only a held talk can be noted."))
        before = note_of(talk)
        old = (before.below_bar, before.note) if before else (False, "")
        if old == (bool(below_bar), note):
            return before
        (TalkNote.insert(talk=talk.id, below_bar=bool(below_bar), note=note, author=actor,
                         updated_at=now)
         .on_conflict(conflict_target=[TalkNote.talk],
                      update={TalkNote.below_bar: bool(below_bar), TalkNote.note: note,
                              TalkNote.author: actor.id, TalkNote.updated_at: now})
         .execute())
        changes = {"below_bar": [old[0], bool(below_bar)]} if old[0] != bool(below_bar) else {}
        if old[1] != note:
            changes["note"] = None
        record(talk.cohort_id, Action.TALK_NOTED, actor=actor, now=now, subject=talk,
               changes=changes)
    return note_of(talk)
