"""Idempotency-Key on every POST of /api/v1/: a retried request never acts twice.

A partner system that sends `Idempotency-Key: <its own unique value>` with a POST and
then retries it (a timeout, a dropped connection) gets the first response again, with
`Idempotent-Replayed: true`, and nothing is created twice:

- Keys are per client: the user the credentials act for (an API client's token, or a
  signed-in user's session). Another client's identical key is another key.
- A key is remembered for IDEMPOTENCY_KEY_TTL (a setting; 24 hours) and then forgotten:
  the periodic task `core.tasks.delete_expired_idempotency_records` deletes it, and a
  key older than that acts afresh even before the task has run.
- The same key with a different request (method, path, query string, content type or
  body, byte for byte) answers 422 and does nothing.
- The key is claimed, the view runs and its response is stored in ONE transaction. A
  second request with the same key, arriving while the first runs, waits on the claim
  (a unique index) for up to IDEMPOTENCY_WAIT_SECONDS and then replays the first
  response; if the first is still running then, it answers 409 with Retry-After. So two
  requests with one key never both act, and a crash mid-request leaves no claim behind.
- What is stored: every final answer, i.e. a success or a 4xx other than 408, 409, 425
  and 429 (a conflict or throttle that a retry may get past).
- A 5xx (or 408/409/425/429) is not stored, and everything the request did is rolled
  back with the claim, so a retry with the same key acts afresh.
- Requests without the header behave exactly as they would without this middleware.
"""

from __future__ import annotations

import copy
import hashlib
import logging
import re
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError, connection, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.settings import api_settings

from core.models import IdempotencyRecord

logger = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
API_PREFIX = "/api/v1/"
# Visible ASCII, as long as the column: a UUID or any opaque token a client makes.
KEY_PATTERN = re.compile(r"[\x21-\x7e]{1,255}")
# The headers a replay needs to mean what the first response meant.
STORED_HEADERS = ("Content-Type", "ETag", "Location", "Content-Language")
# 4xx answers a retry may get past, so they are not the final word on a key.
NOT_FINAL = frozenset({408, 409, 425, 429})
# lock_not_available: the wait for a running request with the same key ran out.
LOCK_NOT_AVAILABLE = "55P03"


def key_ttl() -> timedelta:
    return getattr(settings, "IDEMPOTENCY_KEY_TTL", timedelta(hours=24))


def wait_seconds() -> float:
    return float(getattr(settings, "IDEMPOTENCY_WAIT_SECONDS", 10))


class IdempotencyMiddleware:
    """Claims the key, runs the view and stores its response in one transaction."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get(HEADER)
        if key is None or request.method != "POST" or not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        if not KEY_PATTERN.fullmatch(key):
            return _problem(
                400,
                {HEADER: ["Send 1 to 255 visible ASCII characters, such as a UUID"]},
            )
        client = client_of(request)
        if client is None:
            return self.get_response(request)  # the view answers 401
        try:
            fingerprint = request_hash(request)
        except RequestDataTooBig:
            return _problem(413, {"detail": "The request body is too large."})
        try:
            with transaction.atomic():
                record, ours = _claim(client, key, request, fingerprint)
                if not ours:
                    return _answer_again(record, fingerprint)
                response = self.get_response(request)
                if is_final(response):
                    _store(record, response)
                else:
                    transaction.set_rollback(True)
                return response
        except DatabaseError as exc:
            if getattr(exc.__cause__, "sqlstate", None) != LOCK_NOT_AVAILABLE:
                raise
            return _still_running()


def client_of(request: HttpRequest) -> str | None:
    """Who the credentials act for, by the API's own authentication classes.

    `request.user` is put back as it was: the view authenticates again, as always.
    """
    missing = object()
    before = request.__dict__.get("user", missing)
    auth_classes: list[Any] = list(api_settings.DEFAULT_AUTHENTICATION_CLASSES)
    wrapped = Request(request, authenticators=[cls() for cls in auth_classes])
    try:
        user = wrapped.user
    except APIException:
        return None  # bad credentials: the view refuses the request itself
    finally:
        if before is missing:
            request.__dict__.pop("user", None)
        else:
            request.user = before  # type: ignore[assignment]
    if user is None or not user.is_authenticated:
        return None
    return f"user:{user.pk}"


def request_hash(request: HttpRequest) -> str:
    digest = hashlib.sha256()
    for part in (
        request.method or "",
        request.path,
        request.META.get("QUERY_STRING", ""),
        request.content_type or "",
    ):
        digest.update(part.encode())
        digest.update(b"\0")
    digest.update(request.body)
    return digest.hexdigest()


def is_final(response: HttpResponse) -> bool:
    return response.status_code < 500 and response.status_code not in NOT_FINAL


def _claim(
    client: str, key: str, request: HttpRequest, fingerprint: str
) -> tuple[IdempotencyRecord, bool]:
    """The key's record, and whether this request owns it (and so acts).

    The INSERT waits for a running request that inserted the same key to end; a key
    older than the TTL is taken over by a conditional UPDATE, so only one request does.
    """
    table = connection.ops.quote_name(IdempotencyRecord._meta.db_table)
    method, path = request.method or "POST", request.path[:500]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('lock_timeout'), set_config('lock_timeout', %s, true)",
            [f"{int(wait_seconds() * 1000)}ms"],
        )
        row = cursor.fetchone()
        previous = row[0] if row else "0"
        cursor.execute(
            f"INSERT INTO {table} "  # noqa: S608 - the table name comes from the model
            "(client, key, method, path, request_hash, response_headers, created_at) "
            "VALUES (%s, %s, %s, %s, %s, '{}'::jsonb, now()) "
            "ON CONFLICT (client, key) DO NOTHING RETURNING id",
            [client, key, method, path, fingerprint],
        )
        inserted = cursor.fetchone()
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [previous])
    if inserted is not None:
        return IdempotencyRecord(
            id=inserted[0],
            client=client,
            key=key,
            method=method,
            path=path,
            request_hash=fingerprint,
        ), True
    record = IdempotencyRecord.objects.get(client=client, key=key)
    if record.created_at >= timezone.now() - key_ttl():
        return record, False
    taken = IdempotencyRecord.objects.filter(
        pk=record.pk, created_at__lt=timezone.now() - key_ttl()
    ).update(
        method=method,
        path=path,
        request_hash=fingerprint,
        status_code=None,
        response_body=None,
        response_headers={},
        created_at=timezone.now(),
    )
    if taken:
        record.request_hash = fingerprint
        return record, True
    return IdempotencyRecord.objects.get(pk=record.pk), False


def _store(record: IdempotencyRecord, response: HttpResponse) -> None:
    body = b"" if response.streaming else bytes(response.content)
    headers = {name: response[name] for name in STORED_HEADERS if response.has_header(name)}
    IdempotencyRecord.objects.filter(pk=record.pk).update(
        status_code=response.status_code, response_body=body, response_headers=headers
    )


def _answer_again(record: IdempotencyRecord, fingerprint: str) -> HttpResponse:
    if record.request_hash != fingerprint:
        return _problem(
            422,
            {
                "detail": "This Idempotency-Key was used before with a different request. "
                "Use a new key for a new request.",
                "code": "idempotency_key_reused",
            },
        )
    if record.status_code is None:
        return _still_running()
    response = HttpResponse(bytes(record.response_body or b""), status=record.status_code)
    for name, value in (record.response_headers or {}).items():
        response[name] = value
    response[REPLAYED_HEADER] = "true"
    return response


def _still_running() -> HttpResponse:
    response = _problem(
        409,
        {
            "detail": "A request with this Idempotency-Key is still being processed. "
            "Retry after a moment to get its response.",
            "code": "idempotency_key_in_use",
        },
    )
    response["Retry-After"] = "1"
    return response


def _problem(status: int, body: dict[str, Any]) -> HttpResponse:
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def delete_expired(*, batch: int = 5000) -> int:
    """Delete records older than the TTL, a batch at a time so no lock is held long."""
    cutoff = timezone.now() - key_ttl()
    deleted = 0
    while True:
        ids = list(
            IdempotencyRecord.objects.filter(created_at__lt=cutoff).values_list("pk", flat=True)[
                :batch
            ]
        )
        if not ids:
            return deleted
        deleted += IdempotencyRecord.objects.filter(pk__in=ids, created_at__lt=cutoff).delete()[0]


# OpenAPI --------------------------------------------------------------------------------

IDEMPOTENCY_KEY_PARAMETER: dict[str, Any] = {
    "in": "header",
    "name": HEADER,
    "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"},
    "description": (
        "Your own unique value (a UUID) for this request. Retrying with the same key within "
        "24 hours (per client) returns the first response (with `Idempotent-Replayed: true`) and does "
        "not act again; the same key with a different request answers 422."
    ),
}


def document_idempotency_key(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: the header, and its 422, on every POST."""
    error_ref: dict[str, Any] = (
        {"$ref": "#/components/schemas/Error"}
        if "Error" in result.get("components", {}).get("schemas", {})
        else {"type": "object", "properties": {"detail": {"type": "string"}}}
    )
    for path_item in result.get("paths", {}).values():
        operation = path_item.get("post")
        if operation is None:
            continue
        parameters = operation.setdefault("parameters", [])
        if not any(p.get("in") == "header" and p.get("name") == HEADER for p in parameters):
            parameters.append(copy.deepcopy(IDEMPOTENCY_KEY_PARAMETER))
        operation.setdefault("responses", {}).setdefault(
            "422",
            {
                "description": "This Idempotency-Key was used before with a different request.",
                "content": {"application/json": {"schema": error_ref}},
            },
        )
    return result
