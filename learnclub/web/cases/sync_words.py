"""The last content sync in the reader's words: each stored problem code (domain/cases/
case_file.py, images.py, windows.py, sync.py) as a sentence and what to do about it. No
command-line words here: the block at the top of a case file is "the settings block"."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

#: code -> (what is wrong, what to do); the parameters are those the domain stored
PROBLEMS = {
    "too_big": (_l("The file is %(size)s bytes; at most %(limit)s are allowed."),
                _l("Split the case, or put long material behind a link.")),
    "not_utf8": (_l("The file is not saved as UTF-8 text (at byte %(byte)s)."),
                 _l("Save it again as UTF-8 in your editor.")),
    "no_front_matter": (_l("The file does not start with the settings block (between --- "
                           "lines)."),
                        _l("Make the first line ---, then a line title: and the case's title, "
                           "then another ---.")),
    "front_matter_unclosed": (_l("The settings block at the top of the file (between --- "
                                 "lines) is never closed."),
                              _l("Add a line of three dashes --- after the settings.")),
    "yaml_broken": (_l("The settings block at the top of the file (between --- lines) cannot "
                       "be read."),
                    _l("Check the indentation, and put quotes around a value that contains "
                       "a colon or #.")),
    "not_mapping": (_l("The settings block at the top of the file (between --- lines) must "
                       "hold one setting per line, as name: value."),
                    _l("For example: title: 小区生鲜团购")),
    "bad_date": (_l("“%(value)s” is not a date and time."),
                 _l("Write it like 2026-12-03 20:00 (the cohort's time zone) or "
                    "2026-12-03T20:00+08:00.")),
    "missing": (_l("The setting %(key)s is missing."),
                _l("Add a line %(key)s: … to the settings block at the top of the file.")),
    "not_text": (_l("The setting %(key)s must be text."),
                 _l("Put its value in quotes.")),
    "empty": (_l("The setting %(key)s is empty."), _l("Give the case a title.")),
    "too_long": (_l("The setting %(key)s is longer than %(limit)s characters."),
                 _l("Shorten it.")),
    "bad_tags": (_l("The tags must be a list of words."),
                 _l("Write them like tags: [社群运营, 生鲜].")),
    "tags_too_long": (_l("The tags are too long together."),
                      _l("Use fewer or shorter tags.")),
    "not_bool": (_l("The setting %(key)s must be true or false."),
                 _l("Write %(key)s: true for a case with no homework due.")),
    "body_too_long": (_l("The case text is too long."), _l("Split it into several cases.")),
    "body_nul": (_l("The case text contains an invisible NUL character, which cannot be "
                    "stored."), _l("Delete it and save the file again.")),
    "due_not_after_publish": (_l("The due time (due_at) must come after the publication time "
                                 "(publish_at)."),
                              _l("Give the homework a due time after the case goes out.")),
    "window_past": (_l("The homework due time is already past."),
                    _l("Choose a later due time, or add no_homework: true to the settings "
                       "block if this case has no homework.")),
    "window_short": (_l("Learners would have only %(hours)s hours to write; this cohort needs "
                        "at least %(min)s."),
                     _l("Choose a later due time, or add no_homework: true to the settings "
                        "block if this case has no homework.")),
    "unknown_key": (_l("The setting %(key)s is unknown and was ignored."),
                    _l("Known settings: title, publish_at, due_at, homework, tags, "
                       "no_homework.")),
    "image_missing": (_l("The image %(image)s is not in the folder, so the case page shows a "
                         "broken image."),
                      _l("Put the image in the folder, or correct its path in the text.")),
    "image_outside": (_l("The image %(image)s is outside the cohort's folder and is not "
                         "shown."), _l("Move it into the folder, next to the case file.")),
    "image_type": (_l("%(image)s is not a PNG, JPEG, GIF or WebP image, so it is not shown."),
                   _l("Save it in one of these formats (SVG is not allowed).")),
    "image_too_big": (_l("The image %(image)s is larger than %(mb)s MB and is not shown."),
                      _l("Make it smaller.")),
    "image_unreadable": (_l("The image %(image)s cannot be read and is not shown."),
                         _l("Save it again, or use another file.")),
    "image_pixels": (_l("The image %(image)s has more than %(mp)s megapixels and is not "
                        "shown."), _l("Make it smaller.")),
    "refused": (_l("The file was not imported: %(detail)s"),
                _l("Fix the file and sync again.")),
}

#: what ran the sync (domain.cases.sync_report.SyncBy)
RAN_BY = {"scheduler": _l("automatically"), "command": _l("run by hand on the server")}


def _format(template, params):
    try:
        return str(template) % params
    except (KeyError, TypeError, ValueError):  # a row stored by an older version
        return str(template)


def problem_words(message):
    """(where in the file or "", what is wrong, what to do) of one stored problem."""
    params = message.get("params") or {}
    what, hint = PROBLEMS.get(message.get("code"), PROBLEMS["refused"])
    where = ""
    if params.get("line") and params.get("key"):
        where = _("Line %(line)s (%(key)s):", line=params["line"], key=params["key"])
    elif params.get("line"):
        where = _("Line %(line)s:", line=params["line"])
    params = {"detail": "", **params}
    return where, _format(what, params), _format(hint, params)


def ran_by_words(last):
    """How the last sync ran: automatically, on the server, or by a named person's button."""
    if last.ran_by == "web":
        return _("by %(name)s, with Sync now", name=last.actor_name or "?")
    return str(RAN_BY.get(last.ran_by, RAN_BY["command"]))
