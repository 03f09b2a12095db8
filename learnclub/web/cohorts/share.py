"""Joining and sharing a cohort: what its page and an invite link tell a newcomer (`about`),
and the share kit (the link with a copy button, a QR code made here with segno, a
ready-to-paste invitation) for staff on the invites page and members of a public cohort."""
import hashlib
import io
from dataclasses import dataclass

import segno
from flask import Response, abort, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from learnclub import clock
from learnclub.domain.cohorts import about as cohort_about
from learnclub.domain.cohorts import admission
from learnclub.domain.cohorts import queries as cohort_queries
from learnclub.web.cohorts import bp
from learnclub.web.common import base_url, cohort_for, cohort_or_404

#: QR picture formats served: the SVG shown on pages, the PNG to download and send on
QR_TYPES = {"svg": "image/svg+xml", "png": "image/png"}
#: a QR code of a link never changes; an invite's may stop working, so browsers ask again daily
QR_MAX_AGE = 86400


@dataclass(frozen=True)
class ShareKit:
    key: str  #: tells this kit's elements apart on a page that has several
    link: str
    text: str  #: the invitation, ready to paste into a chat group
    qr: str  #: where the QR code (SVG) is; `qr_png` the PNG to download
    qr_png: str
    download_name: str


@bp.app_template_filter("removal_rule")
def removal_rule_filter(cohort):
    """{{ cohort|removal_rule }}: the removal rule in the reader's language."""
    return cohort_about.removal_rule(cohort, locale=str(get_locale()))


def about_context(cohort, membership):
    """What cohorts/_about.html shows: the cohort's facts for this reader, now."""
    return {"about": cohort_about.about_cohort(cohort, current_user, now=clock.now(),
                                               membership=membership)}


def invitation_text(cohort, link, *, with_rule=True):
    """The invitation in the reader's language: name, one line of description, rule, link."""
    lines = [_("You are invited to join “%(name)s”.", name=cohort.name)]
    summary = cohort_about.summary(cohort)
    if summary:
        lines.append(summary)
    if with_rule:
        lines.append(cohort_about.removal_rule(cohort, locale=str(get_locale())))
    lines.append(_("Join here: %(link)s", link=link))
    return "\n".join(lines)


def invite_link(invite):
    return base_url() + url_for("cohorts.join", token=invite.token)


def invite_kit(cohort, invite):
    """The share kit of one live invite link (the rule only for learners' links)."""
    link = invite_link(invite)
    return ShareKit(f"invite-{invite.id}", link,
                    invitation_text(cohort, link, with_rule=invite.role == "learner"),
                    url_for("cohorts.invite_qr", slug=cohort.slug, invite_id=invite.id,
                            kind="svg"),
                    url_for("cohorts.invite_qr", slug=cohort.slug, invite_id=invite.id,
                            kind="png"),
                    f"{cohort.slug}-invite-{invite.id}.png")


def page_kit(cohort):
    """The share kit of a public cohort's page: where anyone can read about it and apply."""
    link = base_url() + url_for("cohorts.page", slug=cohort.slug)
    return ShareKit("page", link, invitation_text(cohort, link),
                    url_for("cohorts.page_qr", slug=cohort.slug, kind="svg"),
                    url_for("cohorts.page_qr", slug=cohort.slug, kind="png"),
                    f"{cohort.slug}.png")


def qr_code(link, kind):
    """The QR code of `link` as SVG or PNG bytes (dark on white, with the quiet zone)."""
    out = io.BytesIO()
    code = segno.make(link, error="m", micro=False)
    if kind == "svg":
        code.save(out, kind="svg", scale=8, border=4, dark="#000", light="#fff",
                  xmldecl=False, svgclass=None, lineclass=None)
    else:
        code.save(out, kind="png", scale=8, border=4, dark="#000", light="#fff")
    return out.getvalue()


def qr_response(link, kind, *, public, download_name):
    """The QR code answered with its type, a strong ETag (304 when unchanged) and caching:
    public for a public page's link, private (the reader's browser only) for an invite."""
    if kind not in QR_TYPES:
        abort(404)
    body = qr_code(link, kind)
    response = Response(body, content_type=QR_TYPES[kind])
    response.set_etag(hashlib.sha256(body).hexdigest())
    response.cache_control.max_age = QR_MAX_AGE
    if public:
        response.cache_control.public = True
    else:
        response.cache_control.private = True
    if kind == "png":
        response.headers["Content-Disposition"] = f'attachment; filename="{download_name}"'
    return response.make_conditional(request)


@bp.get("/c/<slug>/invites/<int:invite_id>/qr.<kind>")
@login_required
def invite_qr(slug, invite_id, kind):
    """An invite link's QR code, for the cohort's staff; 404 for another cohort's invite,
    410 (and the page saying so) once the link no longer works."""
    cohort = cohort_for(slug, "manage_invites")
    invite = cohort_queries.invite_in(cohort, invite_id)
    if invite is None or kind not in QR_TYPES:
        abort(404)
    if not admission.invite_is_live(invite, now=clock.now()):
        return render_template("cohorts/invite_dead.html"), 410
    return qr_response(invite_link(invite), kind, public=False,
                       download_name=f"{cohort.slug}-invite-{invite.id}.png")


@bp.get("/c/<slug>/qr.<kind>")
def page_qr(slug, kind):
    """The QR code of a public cohort's page, for anyone; a private cohort has none (404)."""
    cohort = cohort_or_404(slug)
    if not cohort.is_public:
        abort(404)
    return qr_response(base_url() + url_for("cohorts.page", slug=cohort.slug), kind,
                       public=True, download_name=f"{cohort.slug}.png")
