"""Rows as the JSON the OpenAPI document describes (api/openapi_schemas.py): times in UTC
ISO-8601 with Z, Markdown with its sanitised HTML beside it."""
from datetime import UTC

from flask import current_app

from learnclub.domain.rendering import homework_html, render_markdown


def iso(instant):
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if instant else None


def web_url(path):
    return current_app.config["BASE_URL"] + path


def person(user):
    return {"id": user.id, "display_name": user.display_name}


def me(user, token):
    return {"id": user.id, "email": user.email, "display_name": user.display_name,
            "locale": user.locale, "city": user.city, "industry": user.industry,
            "company_title": user.company_title, "group_nickname": user.group_nickname,
            "token": {"name": token.name, "prefix": token.prefix, "scope": token.scope}}


def membership(row):
    if row is None:
        return None
    return {"role": row.role, "status": row.status, "joined_at": iso(row.joined_at),
            "removed_at": iso(row.removed_at)}


def cohort(row, member):
    return {"slug": row.slug, "name": row.name, "description_md": row.description_md,
            "description_html": render_markdown(row.description_md),
            "timezone": row.timezone, "is_public": row.is_public, "capacity": row.capacity,
            "homework_due_hours": row.homework_due_hours,
            "homework_grace_hours": row.homework_grace_hours,
            "homework_min_length": row.homework_min_length, "strike_limit": row.strike_limit,
            "peer_visibility": row.peer_visibility, "sharing_weekday": row.sharing_weekday,
            "sharing_time": row.sharing_time, "membership": membership(member),
            "web_url": web_url(f"/c/{row.slug}/")}


def my_cohort(row):
    """A membership with its cohort loaded: the cohorts list."""
    return {"slug": row.cohort.slug, "name": row.cohort.name, "role": row.role,
            "joined_at": iso(row.joined_at), "web_url": web_url(f"/c/{row.cohort.slug}/")}


def case_summary(slot, state, slug):
    case = slot.case
    return {"id": case.id, "title": case.title, "tags": case.tag_list,
            "publish_at": iso(slot.publish_at), "due_at": iso(slot.due_at),
            "grace_until": iso(slot.grace_until), "homework_state": state,
            "web_url": web_url(f"/c/{slug}/cases/{case.id}")}


def case_detail(case, slot, state, slug):
    """A case with its text; `slot` is None for an archived case (staff only)."""
    base = web_url(f"/c/{slug}/cases/{case.id}/files/")
    return {"id": case.id, "title": case.title, "tags": case.tag_list,
            "publish_at": iso(slot.publish_at if slot else case.publish_at),
            "due_at": iso(slot.due_at) if slot else None,
            "grace_until": iso(slot.grace_until) if slot else None,
            "homework_state": state, "archived": case.archived_at is not None,
            "body_md": case.body_md,
            "body_html": render_markdown(case.body_md, files_base=base, allow_html=True),
            "homework_prompt": case.homework_prompt,
            "web_url": web_url(f"/c/{slug}/cases/{case.id}")}


def submission(row):
    """Homework, with `.user` and `.case` loaded."""
    return {"id": row.id, "case_id": row.case_id, "case_title": row.case.title,
            "author": person(row.user), "body_md": row.body_md,
            "body_html": row.body_html if row.body_html is not None
            else homework_html(row.id, row.body_md), "length": row.length,
            "submitted_at": iso(row.submitted_at), "updated_at": iso(row.updated_at),
            "late": row.is_late, "late_seconds": row.late_seconds,
            "featured": row.featured_at is not None}


def member(row, misses, pending, submitted):
    return {"user": person(row.user), "role": row.role, "status": row.status,
            "joined_at": iso(row.joined_at), "removed_at": iso(row.removed_at),
            "misses": misses, "removal_pending": pending, "submitted": submitted}


def share_slot(week):
    """A CalendarWeek: the session and the talk that holds it, if any."""
    talk = week.talk
    return {"id": week.slot.id, "starts_at": iso(week.slot.starts_at),
            "ends_at": iso(week.local_end), "minutes": week.slot.minutes,
            "kind": week.slot.kind, "state": week.state,
            "talk": None if talk is None else {
                "topic": talk.topic, "status": talk.status, "guest": person(talk.guest),
                "guest_title": talk.title_snapshot}}


def archive_entry(talk, cohort_slug):
    """A numbered talk with `.guest` and `.slot` (or None) loaded."""
    return {"number": talk.number, "talk_id": talk.id, "topic": talk.topic,
            "guest": person(talk.guest),
            "guest_title": talk.title_snapshot,
            "held_at": iso(talk.slot.starts_at) if talk.slot_id is not None else None,
            "published_at": iso(talk.published_at), "recording_url": talk.recording_url,
            "web_url": web_url(f"/c/{cohort_slug}/archive/{talk.number}")}


def message(row):
    """One of the caller's messages (domain.reach.inbox), with its cohort loaded: its kind and
    the names it was recorded with; web_url opens it on the website (and marks it read)."""
    data = row.data
    return {"id": row.id, "kind": row.kind,
            "cohort": row.cohort.slug if row.cohort_id and row.cohort else None,
            **{name: str(data.get(name) or "") for name in ("actor", "case", "topic", "excerpt")},
            "created_at": iso(row.created_at), "read_at": iso(row.read_at),
            "web_url": web_url(f"/messages/{row.id}")}


def ratable_talk(talk):
    """A held talk the caller may rate, with `.slot` loaded."""
    return {"id": talk.id, "topic": talk.topic, "number": talk.number,
            "held_at": iso(talk.slot.starts_at)}


def own_rating(row):
    """The caller's rating of a talk."""
    return {"score": row.score, "line": row.line, "created_at": iso(row.created_at),
            "updated_at": iso(row.updated_at)}


def talk_ratings(talk, *, may_rate, reason, reason_words, closes, mine, seen, summary, lines):
    """A held talk's ratings as the reader may see them (domain.sharing.ratings.
    ratings_seen_by): `summary` and `lines` are None for readers who see neither, and a line's
    rater is None unless they see names."""
    return {"talk_id": talk.id, "topic": talk.topic, "number": talk.number,
            "may_rate": may_rate, "refusal": None if reason is None else str(reason),
            "refusal_message": reason_words, "closes_at": iso(closes),
            "mine": None if mine is None else own_rating(mine),
            "sees": None if seen is None else str(seen),
            "summary": None if summary is None else {"count": summary.count,
                                                     "average": summary.average},
            "lines": None if lines is None else [
                {"score": r.score, "line": r.line, "updated_at": iso(r.at),
                 "rater": None if r.rater is None else person(r.rater)} for r in lines]}


def _deposit_record(standing):
    deposit = standing.deposit
    return {"amount_fen": standing.amount_fen,
            "received_on": deposit.received_on.isoformat() if deposit is not None else None,
            "refunded_at": iso(deposit.refunded_at) if deposit is not None else None}


def own_deposit(cohort, standing, ends_at):
    """A member's own deposit as their cohort page tells it."""
    return {"state": str(standing.state), "asked_fen": cohort.deposit_fen,
            "currency": cohort.deposit_currency, **_deposit_record(standing),
            "on_time": standing.on_time, "counted": standing.counted,
            "percent": standing.percent, "on_time_percent": standing.on_time_percent,
            "meets_rule": standing.meets, "cohort_ends_at": iso(ends_at)}


def deposit_book(cohort, book):
    """The staff's deposit list: the refund list's columns and the totals."""
    return {"currency": cohort.deposit_currency, "asked_fen": cohort.deposit_fen,
            "percent": cohort.deposit_percent, "received_fen": book.received_fen,
            "to_refund_fen": book.to_refund_fen, "refunded_fen": book.refunded_fen,
            "forfeited_fen": book.forfeited_fen,
            "members": [{"membership_id": row.membership.id, "user": person(row.user),
                         "status": row.membership.status, "state": str(row.standing.state),
                         **_deposit_record(row.standing),
                         "method": row.standing.deposit.method
                         if row.standing.deposit is not None else None,
                         "on_time": row.standing.on_time, "counted": row.standing.counted}
                        for row in book.rows]}


def introduction(user, tags, introduced):
    """The caller's 自我介绍 and tags (normalised, in the order typed)."""
    return {"introduction": user.introduction, "offer": list(tags.offer),
            "seek": list(tags.seek), "introduced": introduced}


def suggestion(found):
    """你可能想认识: a member and why (what I look for, what they offer, the characters two
    similar tags share; "" for the same tag)."""
    return {"user": person(found.user), "introduction": found.user.introduction,
            "reasons": [{"sought": r.sought, "offered": r.offered, "in_common": r.shared,
                         "exact": r.exact} for r in found.reasons]}


def directory_entry(row, tags):
    """A member as the web's member directory shows them (a membership with `.user`; `tags`:
    their matching.MemberTags or None). Contact ids for robots never leave the server."""
    user = row.user
    return {"user": person(user), "role": row.role, "city": user.city,
            "industry": user.industry, "company_title": user.company_title,
            "introduction": user.introduction,
            "offer_tags": list(tags.offer) if tags else [],
            "seek_tags": list(tags.seek) if tags else [],
            "offer": user.offer, "looking_for": user.looking_for}
