"""What every staff page shares: 404 for what the user may not open, errors next to fields."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.forms import BaseForm
from django.http import Http404, HttpRequest, QueryDict

from register import access
from register.errors import DomainError
from register.requests import StaffRequest

PAGE_SIZE = 25


def _apply_domain_error(form: BaseForm, error: DomainError) -> None:
    """Put each message next to its field; messages for fields the form lacks go on top."""
    for field, field_messages in error.errors.items():
        for message in field_messages:
            form.add_error(field if field in form.fields else None, message)


def _require_role(request: StaffRequest, role: str) -> None:
    """Pages for one role answer 404 to everyone else, like a forbidden record."""
    if not request.user.has_role(role):
        raise Http404


def _require_roles_for(request: StaffRequest, model: type, action: access.Action) -> None:
    """A section the user's roles do not open answers 404, like a forbidden record."""
    if not access.roles_allow(request.user, model, action):
        raise Http404


def _page(request: HttpRequest, queryset: Any, per_page: int = PAGE_SIZE) -> Any:
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def _query_without(query: QueryDict, *names: str) -> str:
    """The query string without some parameters (for pagination and sort links)."""
    copy = query.copy()
    for name in names:
        copy.pop(name, None)
    return copy.urlencode()
