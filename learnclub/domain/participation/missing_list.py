"""Who has not written yet on a case (未交名单), and the text a host pastes into the group."""
from learnclub.domain.participation.queries import active_learners, had_real_window
from learnclub.domain.reach.notices import local_when
from learnclub.i18n import translations_for
from learnclub.models import Excuse, Membership, Submission


def still_to_write(cohort, slot):
    """Active learners who were members when the case went out and have neither written
    nor been excused, by name. Memberships with their users: one query."""
    written = Submission.select(Submission.user).where(Submission.case == slot.case.id)
    excused = Excuse.select(Excuse.user).where(Excuse.case == slot.case.id)
    members = active_learners(cohort, with_users=True).where(
        Membership.user.not_in(written) & Membership.user.not_in(excused))
    return sorted((m for m in members
                   if had_real_window(m, slot, min_hours=cohort.min_window_hours)),
                  key=lambda m: (group_name(m.user), m.id))


def group_name(user):
    """What the group calls someone: their group nickname (群昵称), else their display name."""
    return (user.group_nickname or user.display_name).strip()


def mention(user):
    """An @-mention as typed in a chat group: "@" + the group name, spaces kept as they are."""
    return "@" + group_name(user)


def missing_list_text(cohort, slot, *, link):
    """The ready-to-paste "still missing" text, in the cohort's language: case, due time,
    count, one @-mention per learner, and the link. Says so when nobody is missing."""
    tr = translations_for(cohort.language).gettext
    missing = still_to_write(cohort, slot)
    values = {"title": slot.case.title, "n": len(missing), "link": link,
              "when": local_when(slot.due_at, cohort.timezone, cohort.language)}
    lines = [tr("【Homework still missing】“%(title)s”") % values,
             tr("Due: %(when)s") % values]
    if missing:
        lines.append(tr("Still to write (%(n)d): %(names)s") % {
            "n": len(missing), "names": " ".join(mention(m.user) for m in missing)})
    else:
        lines.append(tr("Everyone has handed in. Thank you all!"))
    lines.append(tr("Write here: %(link)s") % values)
    return "\n".join(lines)
