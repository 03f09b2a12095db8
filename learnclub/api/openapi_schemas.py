"""The bodies the API answers with, as JSON Schema (OpenAPI 3.1): one entry per function of
api/serialise.py, plus the error shape. Kept beside the code they describe; the
schemathesis test checks every answer against them."""
from learnclub.api.errors import CODES
from learnclub.api.pagination import CURSOR_PATTERNS
from learnclub.domain.accounts.introductions import INTRODUCTION_MAX, TAG_MAX, TAGS_MAX
from learnclub.domain.cohorts.settings import ROLES  # the roles a membership may have
from learnclub.domain.participation import deposit_records
from learnclub.domain.participation.deposit import DepositState
from learnclub.domain.reach.inbox import Kind  # the kinds of message
from learnclub.domain.sharing.ratings import LINE_MAX, SCORES, NotRatable, RatingsView
from learnclub.domain.sharing.talks import TAKING_STATES  # the talk states that hold a week

STRING = {"type": "string"}
INTEGER = {"type": "integer"}
BOOLEAN = {"type": "boolean"}
TIME = {"type": "string", "format": "date-time", "description": "UTC, ISO-8601 with Z"}
URL = {"type": "string", "format": "uri", "description": "the page on the website"}


def ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema):
    if "$ref" in schema:
        return {"anyOf": [schema, {"type": "null"}]}
    return {**schema, "type": [schema["type"], "null"]}


def obj(description=None, **properties):
    """An object with exactly these properties, all present (null where the type allows)."""
    schema = {"type": "object", "required": list(properties), "properties": properties,
              "additionalProperties": False}
    return {**schema, "description": description} if description else schema


def enum(*values):
    return {"type": "string", "enum": list(values)}


def page_of(name, parts=1):
    return obj(f"A page of {name} items; pass next_cursor back as ?cursor= for the next.",
               items={"type": "array", "items": ref(name)},
               next_cursor={"type": ["string", "null"], "pattern": CURSOR_PATTERNS[parts]})


PERSON = obj(id=INTEGER, display_name=STRING)
TALK = obj(topic=STRING, status=enum(*TAKING_STATES), guest=ref("Person"),
           guest_title=STRING)

FEN = {"type": "integer", "description": "in fen (分): 19900 is 199.00"}
DAY = {"type": ["string", "null"], "format": "date", "description": "in the cohort's zone"}
MY_RATING = obj(score={"type": "integer", "minimum": min(SCORES), "maximum": max(SCORES)},
                line=STRING, created_at=TIME, updated_at=TIME)
TAGS = {"type": "array", "items": STRING}
TAGS_INPUT = {"anyOf": [
    {"type": "string", "description": "as typed on the web: separated by commas, 、, ; or "
                                      "line breaks"},
    {"type": "array", "items": {"type": "string"}}],
    "description": f"at most {TAGS_MAX} tags of at most {TAG_MAX} characters"}

RATING_SCHEMAS = {
    "RatableTalk": obj(id=INTEGER, topic=STRING,
                       number={"type": ["integer", "null"], "description": "第N期"},
                       held_at=TIME),
    "RatableTalkPage": page_of("RatableTalk"),
    "MyRating": MY_RATING,
    "RatingInput": {"type": "object", "required": ["score"], "properties": {
        "score": {"type": "integer", "minimum": min(SCORES), "maximum": max(SCORES)},
        "line": {"type": "string", "maxLength": LINE_MAX, "description": "one line, optional"}}},
    "TalkRatings": obj(
        "A held talk's ratings as the reader may see them: `summary` and `lines` are null "
        "unless `sees` says so; a line's rater is null unless `sees` is named (staff)",
        talk_id=INTEGER, topic=STRING, number={"type": ["integer", "null"]},
        may_rate=BOOLEAN, refusal={"type": ["string", "null"], "enum": [*NotRatable, None]},
        refusal_message={"type": ["string", "null"], "description": "why not, in words"},
        closes_at=nullable(TIME), mine=nullable(MY_RATING),
        sees={"type": ["string", "null"], "enum": [*RatingsView, None]},
        summary={"anyOf": [obj(count=INTEGER, average={"type": ["number", "null"]}),
                           {"type": "null"}]},
        lines={"anyOf": [{"type": "array", "items": obj(
            score=INTEGER, line=STRING, updated_at=TIME,
            rater=nullable(ref("Person")))}, {"type": "null"}]}),
}

DEPOSIT_RECORD = {"amount_fen": FEN, "received_on": DAY, "refunded_at": nullable(TIME)}
DEPOSIT_SCHEMAS = {
    "MyDeposit": obj(
        state=enum(*DepositState), asked_fen=FEN, currency=STRING, **DEPOSIT_RECORD,
        on_time={"type": "integer", "description": "counted cases handed in on time"},
        counted={"type": "integer", "description": "cases that counted so far"},
        percent={"type": "integer", "description": "the share to hand in on time"},
        on_time_percent={"type": ["integer", "null"]}, meets_rule=BOOLEAN,
        cohort_ends_at=nullable(TIME)),
    "DepositBook": obj(
        currency=STRING, asked_fen=FEN, percent=INTEGER, received_fen=FEN, to_refund_fen=FEN,
        refunded_fen=FEN, forfeited_fen=FEN, members={"type": "array", "items": obj(
            membership_id=INTEGER, user=ref("Person"), status=enum("active", "removed"),
            state=enum(*DepositState), **DEPOSIT_RECORD,
            method={"type": ["string", "null"], "enum": [*deposit_records.METHODS, None]},
            on_time=INTEGER, counted=INTEGER)}),
}

INTRODUCTION_SCHEMAS = {
    "Introduction": obj(introduction=STRING, offer=TAGS, seek=TAGS, introduced=BOOLEAN),
    "IntroductionInput": {"type": "object", "required": ["introduction"], "properties": {
        "introduction": {"type": "string", "maxLength": INTRODUCTION_MAX},
        "offer": TAGS_INPUT, "seek": TAGS_INPUT}},
    "Suggestion": obj(user=ref("Person"), introduction=STRING, reasons={
        "type": "array", "items": obj(
            sought=STRING, offered=STRING,
            in_common={"type": "string", "description": "the characters two similar tags "
                                                        "have in common; \"\" for the same tag"},
            exact=BOOLEAN)}),
    "SuggestionPage": page_of("Suggestion"),
    "DirectoryEntry": obj(
        "A member as the member directory shows them",
        user=ref("Person"), role=enum(*ROLES), city=STRING, industry=STRING,
        company_title=STRING, introduction=STRING, offer_tags=TAGS, seek_tags=TAGS,
        offer={"type": "string", "description": "what the profile says they offer"},
        looking_for={"type": "string", "description": "what the profile says they look for"}),
    "DirectoryPage": page_of("DirectoryEntry"),
}

SCHEMAS = {
    "Error": obj(error=obj(
        code=enum(*sorted(set(CODES.values()) | {"too_late", "error"})),
        message={"type": "string", "description": "in the token owner's language"},
        field={"type": ["string", "null"],
               "description": "the parameter or body field at fault, if one is"})),
    "Person": PERSON,
    "Me": obj(id=INTEGER, email=STRING, display_name=STRING, locale={"type": ["string", "null"]},
              city=STRING, industry=STRING, company_title=STRING, group_nickname=STRING,
              token=obj(name=STRING, prefix=STRING, scope=enum("read", "write"))),
    "Membership": obj(role=enum(*ROLES), status=enum("active", "removed"), joined_at=TIME,
                      removed_at=nullable(TIME)),
    "MyCohort": obj(slug=STRING, name=STRING, role=enum(*ROLES), joined_at=TIME, web_url=URL),
    "MyCohortPage": page_of("MyCohort"),
    "Cohort": obj(
        slug=STRING, name=STRING, description_md=STRING,
        description_html={"type": "string", "description": "sanitised HTML"},
        timezone={"type": "string", "description": "IANA zone the cohort's rules run in"},
        is_public=BOOLEAN, capacity=INTEGER, homework_due_hours=INTEGER,
        homework_grace_hours=INTEGER, homework_min_length=INTEGER, strike_limit=INTEGER,
        peer_visibility=enum("after_submission", "after_due", "always"),
        sharing_weekday={"type": "integer", "minimum": 0, "maximum": 6,
                         "description": "0 = Monday … 6 = Sunday"},
        sharing_time={"type": "string", "description": "HH:MM in the cohort's zone"},
        membership=nullable(ref("Membership")), web_url=URL),
    "CaseSummary": obj(
        id=INTEGER, title=STRING, tags={"type": "array", "items": STRING}, publish_at=TIME,
        due_at=TIME, grace_until=TIME,
        homework_state=enum("scheduled", "open", "grace", "closed"), web_url=URL),
    "CaseSummaryPage": page_of("CaseSummary", parts=2),
    "Case": obj(
        id=INTEGER, title=STRING, tags={"type": "array", "items": STRING},
        publish_at=nullable(TIME), due_at=nullable(TIME), grace_until=nullable(TIME),
        homework_state=enum("scheduled", "open", "grace", "closed", "archived"),
        archived=BOOLEAN, body_md=STRING,
        body_html={"type": "string", "description": "sanitised HTML"},
        homework_prompt=STRING, web_url=URL),
    "Homework": obj(
        id=INTEGER, case_id=INTEGER, case_title=STRING, author=ref("Person"), body_md=STRING,
        body_html={"type": "string", "description": "sanitised HTML"},
        length={"type": "integer", "description": "as a reader counts: a CJK character or a "
                                                  "word is one"},
        submitted_at=TIME, updated_at=TIME, late=BOOLEAN, late_seconds=INTEGER,
        featured=BOOLEAN),
    "HomeworkPage": page_of("Homework"),
    "HomeworkInput": {"type": "object", "required": ["body"], "properties": {
        "body": {"type": "string", "description": "Markdown, stored exactly as sent"}}},
    "Member": obj(
        user=ref("Person"), role=enum(*ROLES), status=enum("active", "removed"),
        joined_at=TIME, removed_at=nullable(TIME),
        misses={"type": "integer", "description": "misses that count now"},
        removal_pending={"type": "boolean",
                         "description": "the next participation sweep removes them"},
        submitted={"type": "integer", "description": "homework handed in on live cases"}),
    "MemberPage": page_of("Member"),
    "ShareSlot": obj(
        id=INTEGER, starts_at=TIME, ends_at=TIME, minutes=INTEGER,
        kind=enum("weekly", "one_off"),
        state=enum("open", "accepted", "confirmed", "held", "cancelled"),
        talk=nullable(ref("Talk"))),
    "Talk": TALK,
    "ShareSlotPage": page_of("ShareSlot", parts=2),
    "ArchiveEntry": obj(
        number={"type": "integer", "description": "第N期"},
        talk_id={"type": "integer", "description": "the talk, for its ratings"},
        topic=STRING, guest=ref("Person"),
        guest_title={"type": "string", "description": "the guest's title when they proposed"},
        held_at=nullable(TIME), published_at=nullable(TIME), recording_url=STRING,
        web_url=URL),
    "ArchiveEntryPage": page_of("ArchiveEntry"),
    "Message": obj(
        "One of my messages: its kind and the names it was recorded with (\"\" where the "
        "kind has none); web_url opens it on the website and marks it read",
        id=INTEGER, kind=enum(*Kind), cohort={"type": ["string", "null"]}, actor=STRING,
        case=STRING, topic=STRING, excerpt=STRING, created_at=TIME, read_at=nullable(TIME),
        web_url=URL),
    "MessagePage": page_of("Message"),
    **RATING_SCHEMAS, **DEPOSIT_SCHEMAS, **INTRODUCTION_SCHEMAS,
}
