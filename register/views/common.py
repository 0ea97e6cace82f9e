"""What every staff page shares: 404 for what the user may not open, errors next to fields."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render

from register import access
from register.api_conventions import check_page_version, page_version
from register.errors import DomainError
from register.requests import StaffRequest

PAGE_SIZE = 25


def _apply_domain_error(form: BaseForm, error: DomainError) -> None:
    """Put each message next to its field; messages for fields the form lacks go on top."""
    for field, field_messages in error.errors.items():
        for message in field_messages:
            form.add_error(field if field in form.fields else None, message)


def form_page(
    request: StaffRequest,
    form: BaseForm,
    *,
    save: Callable[[dict[str, Any]], Any],
    done: Callable[[Any], str],
    success: str,
    template: str,
    context: dict[str, Any],
    read: Iterable[Any],
    purpose: str,
    versioned: Any = None,
) -> HttpResponse:
    """The life of a form page: GET shows it (the records it shows logged as read); a valid
    POST saves through the service and redirects to `done(result)` with `success`; a
    DomainError goes next to its field and nothing is saved.

    With `versioned` (the record the form changes) the form carries the record's version
    and a save made against a stale copy is refused, checked under the row's lock
    (register.api_conventions.check_page_version)."""
    version = page_version(request, versioned) if versioned is not None else ""
    if request.method == "POST" and form.is_valid():
        service_data = getattr(form, "service_data", None)
        data = service_data() if callable(service_data) else dict(form.cleaned_data)
        try:
            with transaction.atomic():
                if versioned is not None:
                    check_page_version(request.POST.get("version"), versioned)
                result = save(data)
        except DomainError as error:
            _apply_domain_error(form, error)
        else:
            messages.success(request, success)
            return redirect(done(result))
    elif request.method == "GET":
        records = list(read)
        if records:
            from register.audit import log_page_reads

            log_page_reads(request, records, purpose)
    return render(request, template, {"form": form, "version": version, **context})


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
