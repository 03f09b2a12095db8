"""The OpenAPI 3.1 document of the API, served at /api/v1/openapi.json. Every route of the
blueprint has its operation here with every status it can answer (tests/api walks the URL
map both ways and runs schemathesis against it)."""
from flask import current_app, jsonify

from learnclub.api import bp
from learnclub.api.auth import public
from learnclub.api.openapi_schemas import SCHEMAS, ref
from learnclub.api.pagination import CURSOR_PATTERNS, MAX_LIMIT
from learnclub.domain.cases.editing import MAX_ID

ERRORS = {
    400: "A parameter or the body is malformed, or a parameter is unknown (`field` names "
         "it).",
    401: "No token, or an unknown or revoked one.",
    403: "The token may only read, or its owner's role does not allow this.",
    404: "Not there, or not visible to the token's owner (private cohorts are not revealed).",
    413: "The body is larger than allowed.",
    422: "A rule refused the body (`field` names what; homework: `code` too_late after the "
         "grace period, else invalid); nothing was changed.",
}
SLUG = {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"},
        "description": "the cohort's address, as in /c/<slug>/"}
CASE_ID = {"name": "case_id", "in": "path", "required": True,
           "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID}}
TALK_ID = {"name": "talk_id", "in": "path", "required": True,
           "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
           "description": "a talk's id (talk_id of an archive entry or a ratable talk)"}


def _page_parameters(parts=1):
    return [{"name": "limit", "in": "query", "required": False,
             "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": 20}},
            {"name": "cursor", "in": "query", "required": False,
             "description": "next_cursor of the previous page, as given",
             "schema": {"type": "string", "pattern": CURSOR_PATTERNS[parts]}}]


def _error(status):
    response = {"description": ERRORS[status],
                "content": {"application/json": {"schema": ref("Error")}}}
    if status == 401:
        response["headers"] = {"WWW-Authenticate": {"schema": {"type": "string"},
                                                    "description": 'Bearer realm="learnclub"'}}
    return response


def _op(summary, body, *errors, parameters=(), status=200, extra=None, tag="cohorts"):
    """One operation: its success body and the errors it can answer (400 and 401 always)."""
    responses = {str(status): {"description": "OK", "content": {
        "application/json": {"schema": ref(body)}}}}
    responses.update(extra or {})
    for code in sorted({400, 401, *errors}):
        responses[str(code)] = _error(code)
    return {"summary": summary, "tags": [tag], "parameters": list(parameters),
            "responses": responses}


def _paths():
    """Every path of the API, by area, in the order the API's reference lists them."""
    page, page2 = _page_parameters(), _page_parameters(parts=2)
    return {**_meta_paths(), **_cohort_paths(page), **_case_paths(page2),
            **_homework_paths(page), **_sharing_paths(page, page2), **_rating_paths(),
            **_deposit_paths(), **_introduction_paths()}


def _meta_paths():
    return {
        "/openapi.json": {"get": {
            "summary": "This document", "tags": ["meta"], "security": [],
            "responses": {"200": {"description": "OK", "content": {
                "application/json": {"schema": {"type": "object"}}}}, "400": _error(400)}}},
        "/me": {"get": _op("The token's owner", "Me", tag="me")},
        "/messages": {"get": _op("My messages (消息), newest first", "MessagePage",
                                 parameters=_page_parameters(), tag="me")},
    }


def _cohort_paths(page):
    return {
        "/cohorts": {"get": _op("Cohorts I am an active member of, with my role",
                                "MyCohortPage", parameters=page)},
        "/cohorts/{slug}": {"get": _op("A public cohort, or one I belong to", "Cohort", 403,
                                       404, parameters=[SLUG])},
        "/cohorts/{slug}/members": {"get": _op(
            "Members with misses, removal pending and homework counts (staff)", "MemberPage",
            403, 404, parameters=[SLUG, *page])},
    }


def _case_paths(page2):
    return {
        "/cohorts/{slug}/cases": {"get": _op(
            "Published cases; staff who manage cases also see scheduled ones",
            "CaseSummaryPage", 403, 404, parameters=[SLUG, *page2], tag="cases")},
        "/cohorts/{slug}/cases/{case_id}": {"get": _op(
            "A case with its text and homework window", "Case", 403, 404,
            parameters=[SLUG, CASE_ID], tag="cases")},
    }


def _homework_paths(page):
    case_filter = {"name": "case_id", "in": "query", "required": False,
                   "description": "only homework on this case",
                   "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID}}
    return {
        "/cohorts/{slug}/homework": {"get": _op(
            "My homework; everyone's for staff who track homework", "HomeworkPage", 403,
            404, parameters=[SLUG, case_filter, *page], tag="homework")},
        "/cohorts/{slug}/cases/{case_id}/homework/mine": {
            "get": _op("My homework on this case", "Homework", 403, 404,
                       parameters=[SLUG, CASE_ID], tag="homework"),
            "put": _write_my_homework(),
        },
    }


def _write_my_homework():
    return {**_op("Write or edit my homework (a token that may write)", "Homework", 403, 404,
                  413, 422, parameters=[SLUG, CASE_ID], tag="homework",
                  extra={"201": {"description": "Created", "content": {
                      "application/json": {"schema": ref("Homework")}}}}),
            "requestBody": {"required": True, "content": {
                "application/json": {"schema": ref("HomeworkInput")}}}}


def _sharing_paths(page, page2):
    return {
        "/cohorts/{slug}/share-slots": {"get": _op(
            "Guest-sharing sessions ahead, with their talk", "ShareSlotPage", 403, 404,
            parameters=[SLUG, *page2], tag="sharing")},
        "/cohorts/{slug}/archive": {"get": _op(
            "Numbered past sessions (第N期)", "ArchiveEntryPage", 403, 404,
            parameters=[SLUG, *page], tag="sharing")},
    }


def _with_body(operation, schema):
    return {**operation, "requestBody": {"required": True, "content": {
        "application/json": {"schema": ref(schema)}}}}


def _rating_paths():
    return {
        "/cohorts/{slug}/talks/ratable": {"get": _op(
            "Held talks I may rate now, newest first (one page)", "RatableTalkPage", 403, 404,
            parameters=[SLUG], tag="sharing")},
        "/cohorts/{slug}/talks/{talk_id}/ratings": {"get": _op(
            "A held talk's ratings as I may see them: mine and whether I may rate; the "
            "average, count and lines for its speaker; with names for staff", "TalkRatings",
            403, 404, parameters=[SLUG, TALK_ID], tag="sharing")},
        "/cohorts/{slug}/talks/{talk_id}/ratings/mine": {"put": _with_body(_op(
            "Rate a held talk or change my rating (a token that may write; 403 with the "
            "rule's reason if I may not)", "MyRating", 403, 404, 413, 422,
            parameters=[SLUG, TALK_ID], tag="sharing", extra={"201": {
                "description": "Created", "content": {
                    "application/json": {"schema": ref("MyRating")}}}}), "RatingInput")},
    }


def _deposit_paths():
    return {
        "/cohorts/{slug}/deposit/mine": {"get": _op(
            "My deposit (押金) and where it stands; 404 if my cohort page shows none",
            "MyDeposit", 403, 404, parameters=[SLUG], tag="deposits")},
        "/cohorts/{slug}/deposits": {"get": _op(
            "Every learner's deposit with its standing, and the totals (staff)",
            "DepositBook", 403, 404, parameters=[SLUG], tag="deposits")},
    }


def _directory_filters():
    return [{"name": name, "in": "query", "required": False, "description": words,
             "schema": {"type": "string"}}
            for name, words in (("city", "only members whose city contains this"),
                                ("industry", "only members whose industry contains this"),
                                ("q", "words to find in names, profiles, introductions and "
                                      "tags"))]


def _introduction_paths():
    return {
        "/me/introduction": {
            "get": _op("My introduction (自我介绍) and tags", "Introduction", tag="me"),
            "put": _with_body(_op(
                "Write my introduction and replace my tags (a token that may write)",
                "Introduction", 403, 413, 422, tag="me"), "IntroductionInput"),
        },
        "/cohorts/{slug}/directory": {"get": _op(
            "The member directory: active members with their introduction and tags",
            "DirectoryPage", 403, 404, parameters=[SLUG, *_directory_filters(),
                                                   *_page_parameters()])},
        "/cohorts/{slug}/suggestions": {"get": _op(
            "Members I may want to meet (你可能想认识), with the reasons", "SuggestionPage",
            403, 404, parameters=[SLUG])},
    }


def document(base_url):
    return {
        "openapi": "3.1.0",
        "info": {"title": "learnclub API", "version": "1.0.0", "description": (
            "Cases, homework, members and guest sharing of learnclub cohorts. Authenticate "
            "with a personal access token (made at /me/tokens) in `Authorization: Bearer "
            "<token>`. Lists are paged: ?limit=1..100 (20), and ?cursor=<next_cursor>. "
            "Times are UTC. Every error has the shape of the Error schema.")},
        "servers": [{"url": f"{base_url}/api/v1"}],
        "security": [{"bearer": []}],
        "paths": _paths(),
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "a personal access token"}},
            "schemas": SCHEMAS},
    }


@bp.get("/openapi.json")
@public
def openapi_json():
    """The OpenAPI document (no token needed)."""
    return jsonify(document(current_app.config["BASE_URL"]))
