"""The OpenAPI document is complete: described operations, examples, documented error answers."""

from __future__ import annotations

import inspect
from typing import Any

import pytest
from pydantic import BaseModel

from api.api_kit import make_settings
from service.api import create_app, models
from service.api import examples as ex
from service.api.errors import ErrorDetail, Problems
from service.api.routes.scenario import ScenarioImported
from service.loading import check_references
from service.wire.scenario import Scenario

METHODS = ("get", "put", "post", "patch", "delete")


def _document() -> dict[str, Any]:
    document: dict[str, Any] = create_app(make_settings("sqlite://")).openapi()
    return document


DOCUMENT = _document()
OPERATIONS = [
    (f"{method.upper()} {path}", operation)
    for path, item in DOCUMENT["paths"].items()
    for method, operation in item.items()
    if method in METHODS
]


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    """A schema, its ``$ref`` followed into the document's components."""
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = DOCUMENT["components"]["schemas"][name]
    return schema


def _has_example(media: dict[str, Any]) -> bool:
    """Whether a request body's media type, or the schema it names, carries an example."""
    schema = _resolve(media.get("schema", {}))
    return any(media.get(key) or schema.get(key) for key in ("example", "examples"))


def _example_models() -> list[type[BaseModel]]:
    """Every model of the API that declares examples in its JSON schema."""
    found: list[type[BaseModel]] = [ScenarioImported, Problems, ErrorDetail]
    for _, value in inspect.getmembers(models, inspect.isclass):
        extra = getattr(value, "model_config", {}).get("json_schema_extra")
        if issubclass(value, BaseModel) and isinstance(extra, dict) and extra.get("examples"):
            found.append(value)
    return found


@pytest.mark.parametrize(("label", "operation"), OPERATIONS, ids=[o[0] for o in OPERATIONS])
def test_every_operation_has_a_summary_description_and_tag(
    label: str, operation: dict[str, Any]
) -> None:
    """Each operation says in a line and in words what it does, under a tag."""
    assert operation.get("summary"), label
    assert operation.get("description"), label
    assert operation.get("tags"), label


@pytest.mark.parametrize(("label", "operation"), OPERATIONS, ids=[o[0] for o in OPERATIONS])
def test_every_request_body_has_an_example(
    label: str, operation: dict[str, Any], request: pytest.FixtureRequest
) -> None:
    """Each request body offers /docs an example to send."""
    content = operation.get("requestBody", {}).get("content", {})
    for media_type, media in content.items():
        assert _has_example(media), f"{label} {media_type}"


@pytest.mark.parametrize(("label", "operation"), OPERATIONS, ids=[o[0] for o in OPERATIONS])
def test_protected_operations_document_their_errors(label: str, operation: dict[str, Any]) -> None:
    """Bearer-protected operations document 401, 404 for path ids, 422 for any input."""
    if not operation.get("security"):
        pytest.skip("not bearer-protected")
    answers = set(operation["responses"])
    assert "401" in answers, label
    parameters = operation.get("parameters", [])
    if any(p["in"] == "path" for p in parameters):
        assert "404" in answers, label
    if parameters or "requestBody" in operation:
        assert "422" in answers, label


def test_bearer_scheme_is_declared_for_the_authorize_button() -> None:
    """The document declares the HTTP bearer scheme that every protected operation names."""
    schemes = DOCUMENT["components"]["securitySchemes"]
    assert [s["scheme"] for s in schemes.values() if s["type"] == "http"] == ["bearer"]
    named = {name for _, op in OPERATIONS for need in op.get("security", []) for name in need}
    assert named == set(schemes)
    assert DOCUMENT["paths"]["/api/v1/health"]["get"].get("security") is None


@pytest.mark.parametrize("model", _example_models(), ids=lambda m: m.__name__)
def test_examples_are_valid_for_their_models(model: type[BaseModel]) -> None:
    """Every example in the document is a valid instance of its model."""
    extra = model.model_config.get("json_schema_extra")
    assert isinstance(extra, dict)
    examples = extra["examples"]
    assert isinstance(examples, list) and examples
    for example in examples:
        assert isinstance(example, dict)
        model.model_validate(example)


def test_scenario_example_is_a_consistent_scenario() -> None:
    """The scenario example loads without cross-reference problems, as PUT and plans need."""
    scenario = Scenario.model_validate(ex.SCENARIO)
    assert check_references(scenario) == []
    assert scenario.station.name == "梅李镇社会工作站"
    assert [v.name for v in scenario.villages] == ["赵市村", "李桥社区"]


def test_request_models_have_examples() -> None:
    """The create and update models of every entity, and both plan requests, carry examples."""
    names = {model.__name__ for model in _example_models()}
    for entity in ("Station", "Village", "Worker", "Resource", "Need"):
        assert {f"{entity}Create", f"{entity}Update", f"{entity}Public"} <= names
    assert {"StationPlanRequest", "ScenarioPlanRequest", "PlanAccepted", "PlanJobPublic"} <= names
