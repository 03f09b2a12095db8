"""The review page's filters on the answers to a cohort's own application questions
(docs/rules.md "Screening applications"): a choice question's option ("a12=option" in the
address) and words in any answer. Each is a subquery of application ids, so the review page
keeps its fixed number of queries."""
import re

from learnclub.domain.cohorts.questions import CHOICE_KINDS, MAX_QUESTIONS
from learnclub.models import ApplicationAnswer, ApplicationQuestion

#: the review page's filter on a choice question's answer: "a12=option" in the address
FILTER_ARG = re.compile(r"a([1-9][0-9]{0,8})")


def parse_filters(args, *, clean):
    """The answer filters in a mapping of address arguments ("a12=option"): a sorted tuple of
    (question id, option), at most MAX_QUESTIONS; `clean` cleans a filter value."""
    found = {}
    for key in list(args.keys())[:100]:
        match = FILTER_ARG.fullmatch(str(key))
        option = clean(args.get(key)) if match else ""
        if option and len(found) < MAX_QUESTIONS:
            found[int(match.group(1))] = option
    return tuple(sorted(found.items()))


def choosing(asked, filters):
    """For each (question id, option) filter on one of `asked`'s live choice questions (any
    other is ignored): the ids of the applications whose answer includes the option (one
    row per option chosen, so an equality)."""
    choice = {q.id for q in asked if q.kind in CHOICE_KINDS and q.removed_at is None}
    return [ApplicationAnswer.select(ApplicationAnswer.application)
            .where((ApplicationAnswer.question == question_id)
                   & (ApplicationAnswer.value == option))
            for question_id, option in filters if question_id in choice]


def answered_with(cohort, words):
    """The ids of the cohort's applications with `words` in an answer (case ignored, % and _
    taken literally, as contains() does)."""
    return (ApplicationAnswer.select(ApplicationAnswer.application)
            .join(ApplicationQuestion)
            .where((ApplicationQuestion.cohort == cohort)
                   & ApplicationAnswer.value.contains(words)))
