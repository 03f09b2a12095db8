"""Reading a JSON object from a request body: 400 if it is not JSON (or holds a lone
surrogate), 422 naming the field if a field has the wrong type. The values themselves are
checked by the domain function the web form calls too."""
import json

from flask import request

from learnclub.api.errors import ApiError
from learnclub.api.language import tr


def _not_json():
    return ApiError(400, tr("The request body is not valid JSON."), field="body")


def _utf8(text):
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:  # a lone surrogate escaped in the JSON (\ud800)
        raise _not_json() from exc
    return text


def json_object():
    """The body as a dict (400 for malformed JSON, 422 for JSON that is no object)."""
    try:
        data = json.loads(request.get_data())
    except (ValueError, RecursionError) as exc:  # not JSON, not UTF-8, or nested too deep
        raise _not_json() from exc
    if not isinstance(data, dict):
        raise ApiError(422, tr("Send a JSON object."), field="body")
    return data


def text_field(data, name, *, required=False):
    """A string field as sent ("" if absent and not required); 422 for another type."""
    if name not in data and not required:
        return ""
    value = data.get(name)
    if not isinstance(value, str):
        raise ApiError(422, tr("“%(field)s” must be a string.") % {"field": name}, field=name)
    return _utf8(value)


def score_field(data, name, message):
    """A whole number as JSON sends it (not a string, not true/false), else 422 with
    `message`; the domain checks its range."""
    value = data.get(name)
    if not isinstance(value, int) or isinstance(value, bool):
        raise ApiError(422, message, field=name)
    return value


def tags_field(data, name):
    """Tags as typed (a string, separated as on the web form) or as a list of strings,
    given to the domain as one text; "" if absent; 422 for another type."""
    if name not in data:
        return ""
    value = data[name]
    if isinstance(value, list) and all(isinstance(tag, str) for tag in value):
        return _utf8("\n".join(value))
    if isinstance(value, str):
        return _utf8(value)
    raise ApiError(422, tr("“%(field)s” must be a string or a list of strings.")
                   % {"field": name}, field=name)
