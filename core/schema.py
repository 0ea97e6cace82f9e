"""The OpenAPI schema partners generate their clients from: exact about nulls and errors.

One AutoSchema for every endpoint of /api/v1/, so no view has to repeat what they all share:

- every operation documents the errors it can answer (400, 401, 404 and 503 always; 409 on
  writes; 412 and 428 where it takes If-Match; 422 where it takes an Idempotency-Key; 429 where
  it is throttled), each with a JSON body described once as a component;
- a read-only field whose source can be null (a nullable foreign key, or a one-to-one that may
  be missing, anywhere along a dotted source) is declared nullable, since DRF renders it as null;
- django-filter's backend is documented only on views that declare a filterset (the others'
  querysets need a signed-in user, which schema generation does not have).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular import openapi
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import serializers

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

ERROR_COMPONENT = "Error"
FIELD_ERRORS_COMPONENT = "FieldErrors"

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Why the request was refused.",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
FIELD_ERRORS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": (
        'Field by field: `{"field": ["message", ...]}`, nested like the request body for nested '
        "fields; `non_field_errors` for the request as a whole; `detail` alone when the body "
        "could not be read at all (malformed or too deeply nested JSON)."
    ),
    "additionalProperties": {},
}

RETRY_AFTER = {
    "Retry-After": {
        "schema": {"type": "integer"},
        "description": "Seconds to wait before trying again.",
    }
}

# (status, description, component, when it applies)
ERROR_RESPONSES: tuple[tuple[str, str, str], ...] = (
    ("400", "Bad input: field-by-field messages. Nothing was changed.", FIELD_ERRORS_COMPONENT),
    ("401", "No credentials, or credentials the register does not accept.", ERROR_COMPONENT),
    (
        "404",
        "No such record, or one your agency and roles may not see (the same answer for both).",
        ERROR_COMPONENT,
    ),
    (
        "409",
        "The change conflicts with another made at the same moment: read again and retry.",
        ERROR_COMPONENT,
    ),
    (
        "412",
        "If-Match does not match the record's ETag: it changed since you read it. Nothing was "
        "changed.",
        ERROR_COMPONENT,
    ),
    ("422", "This Idempotency-Key was used before with a different request.", ERROR_COMPONENT),
    ("428", "If-Match is missing: send the ETag from your last read.", ERROR_COMPONENT),
    ("429", "Too many requests: wait for Retry-After seconds.", ERROR_COMPONENT),
    (
        "503",
        "The register cannot reach its database or queue: retry after Retry-After seconds.",
        ERROR_COMPONENT,
    ),
)


def error_codes(*, method: str, header_names: set[str], throttled: bool) -> set[str]:
    """The error statuses one operation can answer."""
    codes = {"400", "401", "404", "503"}
    if method.upper() in WRITE_METHODS:
        codes.add("409")
    if "if-match" in header_names:
        codes |= {"412", "428"}
    if "idempotency-key" in header_names:
        codes.add("422")
    if throttled:
        codes.add("429")
    return codes


def _source(field: serializers.Field[Any, Any, Any, Any]) -> tuple[Any, bool]:
    """The model field a serializer field reads, and whether some step of the way is nullable.

    (None, False) when the source is not a model field (a property or method says what it
    returns itself).
    """
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    if model is None or not field.source_attrs or "*" in field.source_attrs:
        return None, False
    model_field: Any = None
    for index, attr in enumerate(field.source_attrs):
        if index:
            if not model_field.is_relation or model_field.many_to_many or model_field.one_to_many:
                return None, False
            model = model_field.related_model
            if not isinstance(model, type) or not issubclass(model, models.Model):
                return None, False
        try:
            model_field = model._meta.get_field(attr)
        except FieldDoesNotExist:
            return None, False
        if getattr(model_field, "null", False) or (
            model_field.one_to_one and model_field.auto_created
        ):
            # A nullable column, or the reverse side of a one-to-one, which may be missing.
            return model_field, True
    return model_field, False


class AutoSchema(openapi.AutoSchema):
    def get_filter_backends(self) -> list[Any]:
        backends = super().get_filter_backends()
        if getattr(self.view, "filterset_class", None) or getattr(
            self.view, "filterset_fields", None
        ):
            return backends
        return [b for b in backends if not issubclass(b, DjangoFilterBackend)]

    def _map_serializer_field(
        self, field: Any, direction: Any, bypass_extensions: bool = False
    ) -> Any:
        if (
            isinstance(field, serializers.Field)
            and not isinstance(field, serializers.ListSerializer | serializers.ManyRelatedField)
            and field.read_only
        ):
            # Only the schema's copy of the field is changed; a read-only field never validates.
            model_field, nullable = _source(field)
            if nullable:
                field.allow_null = True
            if (
                isinstance(field, serializers.ChoiceField)
                and getattr(model_field, "blank", False)
                and not getattr(model_field, "null", False)
            ):
                # A blank choice column (no choice made yet) is rendered as "".
                field.allow_blank = True
        return super()._map_serializer_field(field, direction, bypass_extensions)

    def get_operation(self, *args: Any, **kwargs: Any) -> Any:
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        headers = {
            p["name"].lower() for p in operation.get("parameters", []) if p.get("in") == "header"
        }
        throttled = bool(getattr(self.view, "throttle_classes", None))
        codes = error_codes(method=self.method, header_names=headers, throttled=throttled)
        responses = operation.setdefault("responses", {})
        for code, description, component_name in ERROR_RESPONSES:
            if code not in codes or code in responses:
                continue
            component = self._error_component(component_name)
            response: dict[str, Any] = {
                "description": description,
                "content": {"application/json": {"schema": component.ref}},
            }
            if code in {"429", "503"}:
                response["headers"] = RETRY_AFTER
            responses[code] = response
        return operation

    def _error_component(self, name: str) -> ResolvedComponent:
        schema = ERROR_SCHEMA if name == ERROR_COMPONENT else FIELD_ERRORS_SCHEMA
        component = ResolvedComponent(
            name=name, type=ResolvedComponent.SCHEMA, object=name, schema=schema
        )
        self.registry.register_on_missing(component)
        return component
