"""What every endpoint of /api/v1/ shares: errors, pagination, ETags.

Optimistic locking, atomically
------------------------------
An update sent with `If-Match` (or a page form carrying the hidden `version` it was
rendered with) is compared with the record *after* the record's row is locked, inside
the transaction that then runs the service, so of N writers holding one ETag exactly
one changes the record and the others get 412 (pages: "someone else changed it").
`check_if_match` (API) and `check_page_version` (pages) are the one way to do it; the
view method runs in one transaction (`@if_match_write`, or `transaction.atomic()`).

Lock order
----------
Writes that lock more than one row take them in this order, so two of them never wait
on each other in a circle (a deadlock):

1. the nominal (``register.Nominal``);
2. the nominal's details (a civil order before its conditions and breaches);
3. MAPPA records: the case, then its plans, meetings and actions;
4. the victim, then its contact details;
5. notification records: breaches, then due items, then tasks.

Rows of one table are locked in primary-key order, and FOR UPDATE, as the services do
(notifications.services locks the nominal that way before its due items): a transaction then
never has to strengthen a lock it holds, which could wait on another's KEY SHARE (an
insert of a child row) while that one waits on it. A race the order cannot rule out (a
unique constraint met by two inserts at once, a serialization failure, a deadlock
PostgreSQL broke) answers 409 with a JSON body (`exception_handler`), never 500.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError, IntegrityError, models, transaction
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions, pagination, permissions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from register import access
from register.errors import DomainError


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Errors are JSON; validation errors are field by field ({"field": ["message"]})."""
    if isinstance(exc, DomainError):
        body = {field or "non_field_errors": messages for field, messages in exc.errors.items()}
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        )
    if isinstance(exc, Http404):
        return Response({"detail": "Not found."}, status=status.HTTP_404_NOT_FOUND)
    conflict = _concurrent_write_conflict(exc)
    if conflict is not None:
        return conflict
    return drf_exception_handler(exc, context)


# SQLSTATEs of a lost race rather than a bad request: serialization failure, deadlock
# detected, lock not available (NOWAIT / lock_timeout).
RACE_SQLSTATES = frozenset({"40001", "40P01", "55P03"})

logger = logging.getLogger(__name__)


def _concurrent_write_conflict(exc: Exception) -> Response | None:
    """409 for a write that lost a race the lock order cannot prevent; the client retries."""
    cause = getattr(exc, "__cause__", None)
    sqlstate = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
    if not (
        isinstance(exc, IntegrityError)
        or (isinstance(exc, DatabaseError) and sqlstate in RACE_SQLSTATES)
    ):
        return None
    logger.warning("Concurrent write answered 409 (SQLSTATE %s): %s", sqlstate, exc)
    set_rollback()
    return Response(
        {
            "detail": "Another change to this record was made at the same moment. "
            "Fetch the record again and retry.",
            "code": "conflict",
        },
        status=status.HTTP_409_CONFLICT,
    )


class CursorPagination(pagination.CursorPagination):
    """Stable under inserts, and cost does not grow with the page number."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "-created_at"


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = (
        "The record has changed since you read it. Fetch it again and reapply your change."
    )
    default_code = "precondition_failed"


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_detail = "Send the record's ETag in an If-Match header to change it."
    default_code = "precondition_required"


def etag_for(version: object) -> str:
    return '"' + hashlib.sha256(str(version).encode()).hexdigest()[:32] + '"'


M = TypeVar("M", bound=models.Model)
V = TypeVar("V", bound=Callable[..., Any])


def if_match_write(view_method: V) -> V:
    """Run a view method that calls `check_if_match` in one transaction, so the row it
    locks stays locked until the service has written and the change is committed."""
    return transaction.atomic(view_method)  # type: ignore[return-value]


def lock_for_change(record: M, *, first: Iterable[models.Model] = ()) -> M:
    """Lock `first` then `record` (the lock order above) and reload `record`'s columns.

    The caller's transaction holds the locks until it ends. `record` keeps its cached
    relations unless the key they hang on changed, so callers run no extra queries.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Lock a record inside the transaction that changes it")
    for row in first:
        list(
            type(row)
            ._base_manager.select_for_update()
            .filter(pk=row.pk)
            .values_list("pk", flat=True)
        )
    locked = type(record)._base_manager.select_for_update().filter(pk=record.pk).first()
    if locked is None:
        raise Http404  # removed by the writer that held the lock before us
    deferred = record.get_deferred_fields()
    for field in record._meta.concrete_fields:
        if field.attname in deferred:
            continue
        value = getattr(locked, field.attname)
        if (
            isinstance(field, models.ForeignKey)
            and field.is_cached(record)
            and getattr(record, field.attname) != value
        ):
            field.delete_cached_value(record)
        setattr(record, field.attname, value)
    return record


def _matches(sent: str, current_etag: str) -> bool:
    return sent.strip() == "*" or current_etag in [t.strip() for t in sent.split(",")]


def check_if_match(
    request: Any,
    record: M,
    etag_of: Callable[[M], str],
    *,
    first: Iterable[models.Model] = (),
) -> M:
    """Refuse an update made against a stale copy: two editors never silently overwrite.

    Locks `record` (after `first`, see the lock order) and compares the If-Match header
    with the locked row's ETag, so the service the caller then runs in the same
    transaction (`@if_match_write`) changes exactly what the client last read.
    """
    sent = request.headers.get("If-Match")
    if not sent:
        raise PreconditionRequired()
    lock_for_change(record, first=first)
    if not _matches(sent, etag_of(record)):
        raise PreconditionFailed()
    return record


STALE_PAGE_MESSAGE = (
    "Someone else changed this record after you opened this page. Go back to the record "
    "to see their change, then make yours again."
)


def updated_at_version(record: models.Model) -> str:
    """The version a page form carries: the same value as the record's API ETag."""
    return etag_for(f"{record.pk}:{record.updated_at.isoformat()}")  # type: ignore[attr-defined]


def page_version(request: Any, record: models.Model) -> str:
    """The version a page's form carries in a hidden field: the one it was first shown
    with (a form shown again after an error keeps it), else the record's current one."""
    if request.method == "POST":
        return str(request.POST.get("version", ""))
    return updated_at_version(record)


def check_page_version(
    sent_version: str | None,
    record: M,
    version_of: Callable[[M], str] = updated_at_version,
    *,
    first: Iterable[models.Model] = (),
) -> M:
    """The page form's hidden `version`, checked like If-Match: lock, then compare.

    A form posted without a version (pages rendered before the field existed) is
    locked but not compared. Raises DomainError, shown above the form.
    """
    lock_for_change(record, first=first)
    if sent_version and not _matches(sent_version, version_of(record)):
        raise DomainError(STALE_PAGE_MESSAGE)
    return record


class RoleGate(permissions.IsAuthenticated):
    """An endpoint the user's roles do not open answers 404, like a forbidden record.

    The view names its protected model in `gate_model`; reads need the
    "view" action, writes "change". Record-level scoping still happens in
    the selectors.
    """

    def has_permission(self, request: Any, view: Any) -> bool:
        if not super().has_permission(request, view):
            return False
        action: access.Action = "view" if request.method in permissions.SAFE_METHODS else "change"
        if not access.roles_allow(request.user, view.gate_model, action):
            raise exceptions.NotFound()
        return True


# Documented on every endpoint that reads (X-Purpose) or changes with a version (If-Match).
PURPOSE_HEADER = OpenApiParameter(
    name="X-Purpose",
    location=OpenApiParameter.HEADER,
    required=False,
    description="Why the partner system is reading: kept in the access log.",
)
IF_MATCH_HEADER = OpenApiParameter(
    name="If-Match",
    location=OpenApiParameter.HEADER,
    required=True,
    description="The ETag from your last read; a stale one gets 412, changing nothing.",
)


def with_etag(response: Response, etag: str) -> Response:
    response["ETag"] = etag
    return response
