"""Reads of the register, scoped to the user through the access gate."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import (
    Case,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast
from django.http import Http404

from register import access
from register import models as m
from register.models import AccessLog, Agency, Nominal, Role, StaffUser

if TYPE_CHECKING:
    import uuid


def nominal_list(*, user: StaffUser) -> QuerySet[Nominal]:
    """Live records the user may see (merged duplicates are kept, but not listed)."""
    return access.scoped(
        Nominal.objects.filter(merged_into__isnull=True).select_related(
            "lead_agency", "responsible_officer"
        ),
        user,
    )


NOMINAL_SORTS = {
    "name": ("family_name", "given_names", "id"),
    "-name": ("-family_name", "-given_names", "id"),
    "priority": ("-priority_score", "family_name", "id"),
    "risk": ("-risk_rank", "family_name", "id"),
    "updated": ("-updated_at", "id"),
}
RISK_RANK = {"low": 1, "medium": 2, "high": 3, "very_high": 4}


def nominal_list_filtered(
    *,
    user: StaffUser,
    officer_id: int | None = None,
    team_id: int | None = None,
    risk_level: str = "",
    registration_status: str = "",
    sort: str = "name",
) -> QuerySet[Nominal]:
    nominals = nominal_list(user=user)
    if officer_id:
        nominals = nominals.filter(responsible_officer_id=officer_id)
    if team_id:
        nominals = nominals.filter(responsible_officer__team_id=team_id)
    if risk_level:
        nominals = nominals.filter(current_risk_level=risk_level)
    if registration_status:
        nominals = nominals.filter(registration_status=registration_status)
    if sort == "risk":
        nominals = nominals.annotate(
            risk_rank=Case(
                *(
                    When(current_risk_level=level, then=Value(rank))
                    for level, rank in RISK_RANK.items()
                ),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
    return nominals.order_by(*NOMINAL_SORTS.get(sort, NOMINAL_SORTS["name"]))


def nominal_get(
    *, user: StaffUser, nominal_id: uuid.UUID | str, action: access.Action = "view"
) -> Nominal:
    return access.get_for_user(
        Nominal.objects.select_related("lead_agency", "responsible_officer", "merged_into"),
        user,
        nominal_id,
        action,
    )


def nominal_profile(*, user: StaffUser, nominal_id: uuid.UUID | str) -> Nominal:
    """The nominal with every section of the profile loaded: a fixed number of queries."""
    # A transfer waiting for a decision shows as a banner: read in the same query.
    waiting = m.NominalTransfer.objects.filter(nominal=OuterRef("pk"), state="requested")
    queryset = (
        Nominal.objects.select_related("lead_agency", "responsible_officer", "merged_into")
        .annotate(
            pending_transfer_id=Subquery(waiting.values("pk")[:1]),
            pending_transfer_to=Subquery(waiting.values("to_agency__name")[:1]),
        )
        .prefetch_related(
            "names",
            "addresses",
            "contact_details",
            "vehicles",
            "financial_accounts",
            "identity_documents",
            "photographs",
            "household_members",
            "incidents",
            Prefetch("convictions", queryset=m.Conviction.objects.select_related("offence")),
            Prefetch(
                "civil_orders",
                queryset=m.CivilOrder.objects.prefetch_related(
                    "conditions",
                    Prefetch(
                        "breaches",
                        queryset=m.OrderBreach.objects.select_related("conviction__offence"),
                    ),
                ),
            ),
            Prefetch(
                "risk_assessments", queryset=m.RiskAssessment.objects.select_related("assessor")
            ),
            Prefetch(
                "registrations",
                queryset=m.Registration.objects.select_related(
                    "criteria_set", "decided_by"
                ).prefetch_related("reviews"),
            ),
        )
    )
    return access.get_for_user(queryset, user, nominal_id)


def nominal_detail_get(
    *, user: StaffUser, kind: str, detail_id: uuid.UUID | str, action: access.Action = "change"
) -> Any:
    """A detail row, through its nominal's grant: 404 when the nominal is not the user's to see."""
    from register.errors import DomainError
    from register.services.details import detail_kind

    try:
        spec = detail_kind(kind)
    except DomainError as exc:  # an unknown kind is just another missing page
        raise Http404 from exc
    visible = access.scoped(Nominal.objects.all(), user, action)
    try:
        return spec.model._default_manager.get(
            **{f"{spec.nominal_lookup}__in": visible, "pk": detail_id}
        )
    except (ObjectDoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc


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
    """The access log an auditor may search (DPA 2018 Part 3: access scoped to need).

    A national auditor sees every row. An agency's auditor sees every read made by their own
    agency's staff, and every read (by anyone) of a record their agency leads or now holds a
    grant on, and nothing else: another agency's log would tell them who is on its register.
    One query, however many rows and grants.
    """
    if user.has_role(Role.NATIONAL_AUDITOR):
        logs = AccessLog.objects.all()
    elif user.has_role(Role.AUDITOR):
        logs = AccessLog.objects.filter(
            Q(agency_id=user.agency_id) | _about_records_held_by(user.agency)
        )
    else:
        return AccessLog.objects.none()
    logs = logs.select_related("user", "agency", "recipient_agency")
    if username:
        logs = logs.filter(user__username__iexact=username.strip())
    if record_id:
        logs = logs.filter(record_id=record_id.strip())
    if date_from:
        logs = logs.filter(at__date__gte=date_from)
    if date_to:
        logs = logs.filter(at__date__lte=date_to)
    return logs


def _keys(queryset: QuerySet[Any]) -> QuerySet[Any]:
    """The records' primary keys as text, as AccessLog.record_id holds them."""
    return queryset.annotate(key=Cast("pk", TextField())).values("key")


def _about_records_held_by(agency: Agency) -> Q:
    """AccessLog rows about a record the agency leads or holds a grant on.

    A nominal: the agency's group holds a grant on it (the lead agency always does). Any
    other protected kind (access.POLICY, declared by each app): the agency it belongs to
    (its `lead_agency` or `agency`), else the nominal it hangs off.
    """
    held = m.NominalAgencyPermission.objects.filter(group_id=agency.group_id)
    held_nominals = held.values("content_object_id")
    condition = Q(
        record_type="register.nominal",
        record_id__in=held.annotate(key=Cast("content_object_id", TextField())).values("key"),
    )
    for label in sorted(access.POLICY):
        if label == "register.nominal":
            continue
        model = apps.get_model(label)
        names = {f.name for f in model._meta.get_fields()}
        if "lead_agency" in names:
            records = model._default_manager.filter(lead_agency_id=agency.pk)
        elif "agency" in names:
            records = model._default_manager.filter(agency_id=agency.pk)
        elif "nominal" in names:
            records = model._default_manager.filter(nominal_id__in=held_nominals)
        else:
            continue  # an owner's own record (a task): only their agency's reads show
        condition |= Q(record_type=label, record_id__in=_keys(records))
    return condition


def nominal_for_eligibility(*, user: StaffUser, nominal_id: uuid.UUID | str) -> Nominal:
    """The nominal with what register.rules needs (convictions, risk, incidents) prefetched."""
    from register.eligibility import FACT_PREFETCHES

    queryset = Nominal.objects.select_related("lead_agency").prefetch_related(*FACT_PREFETCHES)
    return access.get_for_user(queryset, user, nominal_id)
