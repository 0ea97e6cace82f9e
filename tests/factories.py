"""Test data built through the services, so tests exercise the same writes as users."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable

from register import services
from register.models import Agency, AgencyKind, ApiClient, ApiScope, Nominal, Role, StaffUser

_seq = itertools.count(1)
PASSWORD = "correct-horse-battery-7"


def agency(code: str | None = None, kind: str = AgencyKind.POLICE_FORCE) -> Agency:
    n = next(_seq)
    code = code or f"AG{n}"
    return services.agency_create(
        actor=None, code=code, name=f"Agency {code}", kind=kind, reason="Test setup"
    )


def staff(agency: Agency, *roles: str, username: str | None = None) -> StaffUser:
    n = next(_seq)
    return services.staff_user_create(
        actor=None,
        agency=agency,
        username=username or f"user{n}",
        first_name="Test",
        last_name=f"User{n}",
        email=f"user{n}@example.gov.uk",
        roles=roles,
        password=PASSWORD,
        reason="Test setup",
    )


def nominal(
    actor: StaffUser,
    family_name: str = "Smith",
    given_names: str = "John",
    date_of_birth: dt.date | None = dt.date(1980, 1, 1),
) -> Nominal:
    return services.nominal_create(
        actor=actor,
        family_name=family_name,
        given_names=given_names,
        date_of_birth=date_of_birth,
        reason="Test setup",
    )


def api_client(
    agency: Agency,
    *roles: str,
    name: str = "Partner system",
    scopes: Iterable[str] | None = None,
    rate: str = "",
) -> tuple[ApiClient, str]:
    """A partner system and its token (`Authorization: Token <token>`), with every scope
    unless told otherwise: tests of the gate are about roles and agencies, not scopes."""
    return services.api_client_create(
        actor=None,
        agency=agency,
        name=name,
        roles=roles or [Role.OFFENDER_MANAGER],
        scopes=ApiScope.values if scopes is None else scopes,
        rate=rate,
        reason="Test setup",
    )


def api_token(agency: Agency, *roles: str, scopes: Iterable[str] | None = None) -> str:
    return api_client(agency, *roles, scopes=scopes)[1]


__all__ = ["PASSWORD", "Role", "agency", "api_client", "api_token", "nominal", "staff"]
