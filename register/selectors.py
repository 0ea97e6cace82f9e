"""Reads of the register, scoped to the user through the access gate."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404

from register import access
from register.models import AccessLog, Agency, Nominal, Role, StaffUser

if TYPE_CHECKING:
    import uuid


def nominal_list(*, user: StaffUser) -> QuerySet[Nominal]:
    return access.scoped(Nominal.objects.select_related("lead_agency"), user)


def nominal_get(
    *, user: StaffUser, nominal_id: uuid.UUID | str, action: access.Action = "view"
) -> Nominal:
    return access.get_for_user(
        Nominal.objects.select_related("lead_agency"), user, nominal_id, action
    )


def nominal_shared_with(*, nominal: Nominal) -> QuerySet[Agency]:
    """Agencies other than the lead that hold a grant on the nominal."""
    return (
        Agency.objects.filter(group__nominalagencypermission__content_object=nominal)
        .exclude(pk=nominal.lead_agency_id)
        .distinct()
    )


def agencies_to_share_with(*, nominal: Nominal) -> QuerySet[Agency]:
    return Agency.objects.exclude(pk=nominal.lead_agency_id).exclude(code="system")


def staff_list(*, user: StaffUser) -> QuerySet[StaffUser]:
    """Administrators see the accounts of their own agency only; nobody else sees any."""
    if not user.has_role(Role.ADMINISTRATOR):
        return StaffUser.objects.none()
    return StaffUser.objects.filter(agency_id=user.agency_id).select_related("agency")


def staff_get(*, user: StaffUser, staff_id: int | str) -> StaffUser:
    try:
        return staff_list(user=user).get(pk=staff_id)
    except (StaffUser.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


def access_log_search(
    *,
    user: StaffUser,
    username: str = "",
    record_id: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[AccessLog]:
    """Auditors search the access log. It covers every agency: auditing is their job."""
    if not user.has_role(Role.AUDITOR):
        return AccessLog.objects.none()
    logs = AccessLog.objects.select_related("user", "agency", "recipient_agency")
    if username:
        logs = logs.filter(user__username__iexact=username.strip())
    if record_id:
        logs = logs.filter(record_id=record_id.strip())
    if date_from:
        logs = logs.filter(at__date__gte=date_from)
    if date_to:
        logs = logs.filter(at__date__lte=date_to)
    return logs
