"""The OpenAPI document matches the code: every route of /api/v1 with each of its methods is
documented, and everything documented is routed; the document is valid OpenAPI 3.1."""
import re

import schemathesis

from learnclub.api.openapi import document

PREFIX = "/api/v1"
AUTOMATIC = {"HEAD", "OPTIONS"}  # answered by Flask itself for every route


def _routed(app):
    pairs = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(PREFIX + "/"):
            path = re.sub(r"<(?:[a-z]+(?:\([^)]*\))?:)?([a-z_]+)>", r"{\1}", rule.rule)
            pairs |= {(path[len(PREFIX):], method.lower())
                      for method in rule.methods - AUTOMATIC}
    return pairs


def test_every_route_is_documented_and_every_operation_routed(app, client):
    document = client.get(f"{PREFIX}/openapi.json").get_json()

    documented = {(path, method) for path, item in document["paths"].items()
                  for method in item}

    assert documented == _routed(app)
    # + GET /messages (issue 17, point 3); + ratings, deposits, introductions (issue 18)
    assert len(documented) == 22


def test_document_is_valid_openapi_and_public(app, client):
    response = client.get(f"{PREFIX}/openapi.json")

    schema = schemathesis.openapi.from_dict(response.get_json())
    operations = [result.ok() for result in schema.get_all_operations()]

    assert (response.status_code, response.get_json()["openapi"]) == (200, "3.1.0")
    assert response.get_json() == document("http://localhost")  # what test_schemathesis reads
    assert response.get_json()["servers"] == [{"url": "http://localhost/api/v1"}]
    assert len(operations) == 22


def test_every_operation_documents_401_and_its_errors_use_the_error_shape(client):
    document = client.get(f"{PREFIX}/openapi.json").get_json()

    missing = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if operation.get("security") == []:
                continue
            for status, response in operation["responses"].items():
                schema = response["content"]["application/json"]["schema"]
                if status >= "400" and schema != {"$ref": "#/components/schemas/Error"}:
                    missing.append((path, method, status))
            if "401" not in operation["responses"]:
                missing.append((path, method, "401"))

    assert missing == []
