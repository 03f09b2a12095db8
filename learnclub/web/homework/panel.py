"""What the case page shows about homework: the reader's own, and peers' with the talk around
them (domain.homework.queries.case_homework), with the forms to write and comment."""
from learnclub.domain.homework.queries import case_homework
from learnclub.web.homework.forms import CommentForm, HomeworkForm

# the preview shares the case page with the case and the saved homework: its own anchors,
# the same whether the page or the live preview (homework.js) renders it
PREVIEW_ANCHORS = "preview:"


def homework_panel(case, *, slot, viewer, membership, now):
    """Everything the homework section of a case page needs."""
    panel = case_homework(case, viewer, slot=slot, membership=membership, now=now)
    own = panel["own"]
    panel.update(form=HomeworkForm(obj=own) if own else HomeworkForm(),
                 comment_form=CommentForm(), preview_anchors=PREVIEW_ANCHORS)
    if case.no_homework:  # "no homework due": the page says so, and offers no editor
        panel["can_write"] = False
    return panel
