"""What every endpoint of /api/v1/ shares: errors, pagination, ETags."""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions, pagination, permissions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

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
    return drf_exception_handler(exc, context)


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


def check_if_match(request: Any, current_etag: str) -> None:
    """Refuse an update made against a stale copy: two editors never silently overwrite."""
    sent = request.headers.get("If-Match")
    if not sent:
        raise PreconditionRequired()
    if sent.strip() != "*" and current_etag not in [t.strip() for t in sent.split(",")]:
        raise PreconditionFailed()


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
