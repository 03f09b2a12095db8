"""What the case page shows about homework: the reader's own, and peers' with the talk around
them (domain.homework.case_page.case_homework), with the forms to write and comment."""
from flask import url_for
from flask_wtf.csrf import generate_csrf

from learnclub.domain.homework import images
from learnclub.domain.homework.case_page import case_homework
from learnclub.web.homework.forms import HomeworkForm
from learnclub.web.i18n import local_times, ngettext_each, word

# the preview shares the case page with the case and the saved homework: its own anchors,
# the same whether the page or the live preview (homework.js) renders it
PREVIEW_ANCHORS = "preview:"


class Fields(dict):
    """A dict whose keys a template reads as attributes ({{ hw.words.like }}): each key is
    its own instance attribute (the dict is its own __dict__), so Jinja's attribute lookup,
    which comes before the key's, finds it at once; a failed attribute lookup first cost
    more than the rest of the read, two dozen a card, 50 cards a page. No key is named as a
    dict method (get, items, …): the key would hide the method."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.__dict__ = self


def homework_panel(case, *, slot, viewer, membership, now, peers_page=1):
    """Everything the homework section of a case page needs (`peers_page`: which page of
    the peers' homework)."""
    panel = Fields(case_homework(case, viewer, slot=slot, membership=membership, now=now,
                                 peers_page=peers_page))
    own = panel["own"]
    if case.no_homework:  # "no homework due": the page says so, and offers no editor
        panel["can_write"] = False
    # the editor's form, for whoever may write (a refused one replaces it: cases.routes)
    panel.update(form=(HomeworkForm(obj=own) if own else HomeworkForm())
                 if panel["can_write"] else None, preview_anchors=PREVIEW_ANCHORS)
    panel.update(card_context(case.cohort, ([own] if own else []) + panel["peers"]))
    panel["draft_images"] = images.draft_images(case, viewer) if panel["learner"] else []
    panel["max_images"] = images.MAX_IMAGES
    panel["comment_counts"] = {sid: len(thread) for sid, thread in panel["comments"].items()}
    return panel


def card_context(cohort, shown):
    """What the homework cards of `shown` (and their comments) need on a page: their words,
    the CSRF token, the URLs they post to, the times in the cohort's zone."""
    return Fields(words=_card_words(shown), csrf=generate_csrf(), urls=_card_urls(cohort.slug),
                  when=_minutes(cohort.timezone),
                  galleries=images.galleries([s.id for s in shown]))


def _minutes(zone):
    """local_time in the cohort's zone for the cards ({{ hw.when(s.submitted_at) }}), each
    distinct minute said once a page (it shows no seconds), each day's words made once."""
    shown, say = {}, local_times(zone)

    def when(value):
        if value is None:
            return ""
        minute = value.replace(second=0, microsecond=0)
        if minute not in shown:
            shown[minute] = say(minute)
        return shown[minute]
    return when


_ID = 987654321  #: stands for a submission's id in the URLs built once a page


def _card_urls(slug):
    """The URLs a homework card posts to, built once a page with "{}" for the submission's
    id ({{ hw.urls.like.format(s.id) }}), not three times per card."""
    urls = Fields((name, url_for(f"homework.{name}", slug=slug, submission_id=_ID).replace(
        str(_ID), "{}")) for name in ("like", "feature", "comment"))
    urls["picture"] = picture_url(slug)
    return urls


def picture_url(slug, **external):
    """The URL of a homework picture with "{}" for its id, built once a page."""
    return url_for("homework.picture", slug=slug, image_id=_ID, **external).replace(
        str(_ID), "{}")


def _card_words(shown):
    """The words of a homework card, translated once a page, not once per card (50 cards)."""
    words = Fields(
        featured=word("Featured"), late=word("late"), feature=word("Feature (精选)"),
        unfeature=word("Unfeature"), feedback=word("feedback"), reply=word("Reply"),
        give_feedback=word("Give feedback"), comment=word("Comment"), post=word("Post"),
        comments=word("Comments"), show_all=word("Show all"), show_less=word("Show less"),
        offline=word("Could not send it: check the connection and try again. What you "
                     "wrote is still here."),
        sending=word("Sending…"), picture=word("Picture %(n)s of %(name)s's homework"),
        open_full=word("Open the picture full size"), like=word("Like"))
    words["length"] = ngettext_each("%(num)d character or word", "%(num)d characters or words",
                                    {s.length for s in shown})
    return words
