"""Partner systems for the webhook tests, made through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from core.events import DomainEvent
from register import services as register_services
from register.models import Agency, ApiClient, ApiScope, Nominal, Role


def partner(agency: Agency, name: str = "Case system", *roles: str) -> tuple[ApiClient, str]:
    """A partner system of `agency` with an offender manager's reach (unless told otherwise),
    allowed to change the register and manage its webhooks."""
    return register_services.api_client_create(
        actor=None,
        agency=agency,
        name=name,
        roles=roles or [Role.OFFENDER_MANAGER],
        scopes=[ApiScope.REGISTER_READ, ApiScope.REGISTER_WRITE, ApiScope.WEBHOOKS_MANAGE],
        reason="Test setup",
    )


def event(
    nominal: Nominal | None,
    type: str = "nominal.changed",
    data: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> DomainEvent:
    return DomainEvent(
        type=type,
        subject_type="nominal",
        subject_id=str(nominal.pk) if nominal else "none",
        nominal_id=str(nominal.pk) if nominal else None,
        actor_id=None,
        at=at or timezone.now(),
        data=data or {},
        obj=nominal,
    )


def token_header(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Token {token}"}
