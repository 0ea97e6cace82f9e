"""Input no field can hold is refused at the door, field by field, never with a 500.

PostgreSQL cannot store a NUL byte in text (psycopg raises DataError), and no name, code,
identifier or filter ever needs a control character, so:

- `InputMiddleware` refuses a query string or a page's form field holding a NUL or another
  control character (400: field-by-field JSON on /api/, the bad-request page elsewhere) and
  answers 404 to a path holding one (no record can be named by it);
- the API's parsers refuse the same characters, and text that is not valid Unicode (a lone
  surrogate from a JSON `\\ud800` escape), anywhere in a body, naming the field; and JSON
  nested deeper than `API_JSON_MAX_DEPTH` (a policy setting) answers 400 rather than
  exhausting the stack;
- every serializer refuses a field it does not declare (`refuse_unknown_fields`), so a
  misspelt or invented field answers 400 naming it instead of being silently dropped.

Tab, line feed and carriage return are allowed: they are ordinary in free text (notes, minutes),
and harmless in a filter.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from rest_framework import exceptions, parsers, serializers
from rest_framework.exceptions import ErrorDetail
from rest_framework.metadata import SimpleMetadata

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
SURROGATES = re.compile(r"[\ud800-\udfff]")

CONTROL_MESSAGE = "Remove the control character (such as a NUL byte) from this value"
NOT_TEXT_MESSAGE = "This value is not valid text: remove the character that cannot be read"
NON_FIELD = "non_field_errors"


def text_problem(value: str) -> str | None:
    """Why this text cannot be accepted, or None."""
    if CONTROL_CHARACTERS.search(value):
        return CONTROL_MESSAGE
    if SURROGATES.search(value):
        return NOT_TEXT_MESSAGE
    return None


def _field_name(key: str) -> str:
    """A field name fit to report: one that is itself bad is reported as the whole request's."""
    return NON_FIELD if text_problem(key) else key


def query_errors(pairs: Iterable[tuple[str, Iterable[str]]]) -> dict[str, list[str]]:
    """Field-by-field messages for form or query-string values ({"name": ["message"]})."""
    errors: dict[str, list[str]] = {}
    for key, values in pairs:
        problem = text_problem(key) or next(
            (p for p in (text_problem(v) for v in values if isinstance(v, str)) if p), None
        )
        if problem:
            errors.setdefault(_field_name(key), []).append(problem)
    return errors


def json_errors(data: Any, max_depth: int) -> dict[str, list[str]]:
    """Field-by-field messages for a parsed JSON body, keyed by dotted path ("changes.0.line_1").

    Walks without recursion, so a deep body costs a loop, not the stack.
    """
    errors: dict[str, list[str]] = {}
    stack: list[tuple[Any, str, int]] = [(data, "", 1)]
    while stack:
        value, path, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth > max_depth:
                raise exceptions.ParseError(f"The JSON is nested more than {max_depth} levels deep")
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                key_text = str(key)
                if isinstance(key, str) and text_problem(key):
                    errors.setdefault(path or NON_FIELD, []).append(
                        "A field name holds a character that is not allowed"
                    )
                    continue
                stack.append((item, f"{path}.{key_text}" if path else key_text, depth + 1))
        elif isinstance(value, str):
            problem = text_problem(value)
            if problem:
                errors.setdefault(path or NON_FIELD, []).append(problem)
    return errors


def max_json_depth() -> int:
    return int(getattr(settings, "API_JSON_MAX_DEPTH", 32))


# Parsers for /api/v1/ ------------------------------------------------------------------------


class JSONParser(parsers.JSONParser):
    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            # Deeper than the interpreter's stack: far past the limit below.
            raise exceptions.ParseError(
                f"The JSON is nested more than {max_json_depth()} levels deep"
            ) from exc
        errors = json_errors(data, max_json_depth())
        if errors:
            raise exceptions.ValidationError(errors)
        return data


def _checked_form(data: Any) -> None:
    errors = query_errors(data.lists())
    if errors:
        raise exceptions.ValidationError(errors)


class FormParser(parsers.FormParser):
    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        data = super().parse(stream, media_type, parser_context)
        _checked_form(data)
        return data


class MultiPartParser(parsers.MultiPartParser):
    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        parsed = super().parse(stream, media_type, parser_context)
        _checked_form(parsed.data)
        return parsed


class Metadata(SimpleMetadata):
    """OPTIONS answers 200 on every endpoint.

    A generic view that names no serializer of its own (its responses are built by hand)
    describes no actions, instead of failing DRF's assertion with a 500.
    """

    def determine_actions(self, request: Any, view: Any) -> dict[str, Any]:
        from rest_framework import generics  # views import this module through the settings

        if (
            isinstance(view, generics.GenericAPIView)
            and getattr(view, "serializer_class", None) is None
            and type(view).get_serializer_class is generics.GenericAPIView.get_serializer_class
        ):
            return {}
        return super().determine_actions(request, view)  # type: ignore[no-any-return]


# Query strings, paths and pages' forms --------------------------------------------------------


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


class InputMiddleware:
    """Refuses control characters in the path, the query string and pages' form fields."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if text_problem(request.path_info):
            if _is_api(request):
                return JsonResponse({"detail": "Not found."}, status=404)
            raise Http404("No page has this address")
        errors = query_errors(request.GET.lists())
        if not errors and request.method == "POST" and not _is_api(request):
            # The API's parsers check its bodies, naming the field the same way.
            errors = query_errors(request.POST.lists())
        if errors:
            if _is_api(request):
                return JsonResponse(errors, status=400)
            return render(request, "400.html", {"errors": errors}, status=400)
        return self.get_response(request)


# Unknown fields in a body ---------------------------------------------------------------------

UNKNOWN_FIELD_MESSAGE = "Unknown field."
# Names a serializer may not declare but the API accepts anyway: the browsable API's form posts
# its CSRF token with the fields.
IGNORED_FIELDS = frozenset({"csrfmiddlewaretoken"})
# A serializer that validates only part of a body names the rest here, in its context: the
# detail endpoints validate the detail and its `reason` with two serializers of one body.
ALSO_VALIDATED_BY_OTHERS = "also_validated_by_others"


def unknown_field_errors(serializer: serializers.Serializer[Any], data: Any) -> dict[str, Any]:
    """{"name": ["Unknown field."]} for each key of `data` the serializer has no field for.

    A serializer may instead answer a field it refuses by name with its own message, in a
    `refused_fields` mapping (e.g. the safeguard's flags, which only a review clears).
    """
    if not isinstance(data, Mapping):
        return {}
    refused: Mapping[str, str] = getattr(serializer, "refused_fields", {})
    known = (
        set(serializer.fields)
        | IGNORED_FIELDS
        | set(serializer.context.get(ALSO_VALIDATED_BY_OTHERS, ()))
    ) - set(refused)
    return {
        str(key): [ErrorDetail(refused.get(str(key), UNKNOWN_FIELD_MESSAGE), code="unknown_field")]
        for key in data
        if key not in known
    }


def refuse_unknown_fields() -> None:
    """Make every DRF serializer refuse a field it does not declare (400, naming each one).

    DRF silently drops unknown fields, so a client that misspells `date_of_brith` gets 201
    and a record without it. There is no setting for this, and a base class or mixin would
    be forgotten by the next endpoint, so `CoreConfig.ready` wraps
    `Serializer.to_internal_value` once for every serializer of every app, nested ones
    included (their errors are reported under their path). Unknown fields are reported
    with the other field errors in one response.
    """
    original = serializers.Serializer.to_internal_value
    if getattr(original, "refuses_unknown_fields", False):
        return

    @functools.wraps(original)
    def to_internal_value(self: serializers.Serializer[Any], data: Any) -> Any:
        unknown = unknown_field_errors(self, data)
        try:
            value = original(self, data)
        except exceptions.ValidationError as exc:
            if unknown and isinstance(exc.detail, dict):
                exc.detail.update(unknown)
            raise
        if unknown:
            raise exceptions.ValidationError(unknown)
        return value

    to_internal_value.refuses_unknown_fields = True  # type: ignore[attr-defined]
    serializers.Serializer.to_internal_value = to_internal_value  # type: ignore[method-assign,assignment]
