"""Being introduced (domain/accounts/introductions.py, matching.py): the caller's 自我介绍
and tags, written through the same `save_introduction` as the web's form, and 你可能想认识,
the members of a cohort whose offers match what the caller looks for, with the reasons."""
from flask import current_app, jsonify, request

from learnclub import clock
from learnclub.api import bp, serialise
from learnclub.api.auth import current_user, query, writes
from learnclub.api.bodies import json_object, tags_field, text_field
from learnclub.api.language import tr
from learnclub.api.pagination import listing, page_of_list, page_request
from learnclub.api.visibility import cohort_for
from learnclub.domain.accounts import introductions, matching, profiles

#: the filters of the web's member directory, cut to the same length
FILTERS = {"city": "city", "industry": "industry", "q": "text"}


@bp.get("/me/introduction")
def my_introduction():
    """The caller's introduction and their "I can offer" / "I'm looking for" tags."""
    user = current_user()
    return jsonify(serialise.introduction(user, introductions.tags_of(user),
                                          introductions.is_introduced(user)))


@bp.put("/me/introduction")
@writes
def write_my_introduction():
    """Write the introduction (required, at most 500 characters) and replace the tags (at
    most 8 of each kind, 20 characters each; a string separated by commas or 、, or a list):
    the web form's rule; a refusal (422 naming the field) changes nothing."""
    user = current_user()
    data = json_object()
    text = text_field(data, "introduction", required=True)
    offer, seek = tags_field(data, "offer"), tags_field(data, "seek")
    tags = introductions.save_introduction(
        user, introduction=text, offer=offer, seek=seek, now=clock.now(),
        base_url=current_app.config["BASE_URL"], tr=tr)
    return jsonify(serialise.introduction(user, tags, introductions.is_introduced(user)))


@bp.get("/cohorts/<slug>/suggestions")
def suggestions(slug):
    """你可能想认识: up to five members of the cohort whose offers match what the caller
    looks for, best first, each with the reasons (the member list's suggestions)."""
    user = current_user()
    cohort, _membership = cohort_for(slug, user, "view_members")
    found = matching.suggestions(cohort, user)
    return jsonify(listing(found, None, serialise.suggestion))


@bp.get("/cohorts/<slug>/directory")
@query("city", "industry", "q", "limit", "cursor")
def directory(slug):
    """The member directory (通讯录) as the web shows it: active members with what their
    profile shares, their introduction and tags, filtered as on the web (?city, ?industry,
    ?q), in the order they joined. Two queries, however many members."""
    cohort, _membership = cohort_for(slug, current_user(), "view_members")
    filters = {word: request.args.get(name, "")[:300] for name, word in FILTERS.items()}
    page = page_request()
    rows = sorted(profiles.directory(cohort, **filters), key=lambda m: m.id)
    items, cursor = page_of_list(rows, page, key=lambda m: (m.id,))
    tags = matching.cohort_tags(cohort)
    return jsonify(listing(items, cursor, lambda m: serialise.directory_entry(
        m, tags.get(m.user_id))))
