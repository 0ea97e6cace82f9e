"""Reads the staff pages need that the selectors do not offer.

Each one is scoped like a selector: a record is reached only through a
nominal the user's agency was granted (`register.access`), and choices for
forms come from the user's own agency. Pages call these, never the ORM.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404

from register import access
from register import models as m

if TYPE_CHECKING:
    import uuid

# Roles whose holders may be responsible for a nominal (the casework roles).
_CASEWORK_ROLES = sorted(access.POLICY["register.nominal"]["change"])


def nominal_actions(*, user: m.StaffUser, nominal: m.Nominal) -> set[str]:
    """What the user may do to this nominal: their roles allow it and their agency holds the grant.

    One query. The page uses it to decide whether to offer "Change" and "Share" links; the
    views behind those links check again through the selectors.
    """
    held = access.agency_actions(nominal, user.agency_id)
    return {
        action
        for action in held
        if action in ("view", "change", "share") and access.roles_allow(user, m.Nominal, action)  # type: ignore[arg-type]
    }


def nominal_history(*, nominal: m.Nominal, limit: int = 20) -> list[Any]:
    """The latest changes to the person's own fields, with who made them and why. One query."""
    return list(
        nominal.history.select_related("history_user").order_by("-history_date")[:limit]  # type: ignore[attr-defined]
    )


def officer_choices(*, user: m.StaffUser) -> QuerySet[m.StaffUser]:
    """People in the user's agency who can be responsible for a nominal."""
    return (
        m.StaffUser.objects.filter(
            agency_id=user.agency_id, is_api_client=False, roles__overlap=_CASEWORK_ROLES
        )
        .select_related(None)
        .order_by("last_name", "first_name", "username")
    )


def team_choices(*, user: m.StaffUser) -> QuerySet[m.Team]:
    return m.Team.objects.filter(agency_id=user.agency_id).order_by("name")


def responsible_officer_choices(*, nominal: m.Nominal) -> QuerySet[m.StaffUser]:
    """Officers of the lead agency (the service refuses anyone else)."""
    return (
        m.StaffUser.objects.filter(
            agency_id=nominal.lead_agency_id, is_api_client=False, roles__overlap=_CASEWORK_ROLES
        )
        .select_related(None)
        .order_by("last_name", "first_name", "username")
    )


def record_staff_choices(*, nominal: m.Nominal) -> QuerySet[m.StaffUser]:
    """Casework staff of the agency that leads the record or of an agency it is shared with
    (holding a grant on it now): the only staff a record's pickers offer, and the API accepts."""
    holding = m.NominalAgencyPermission.objects.filter(content_object=nominal).values("group_id")
    return (
        m.StaffUser.objects.filter(
            Q(agency_id=nominal.lead_agency_id) | Q(agency__group_id__in=holding),
            is_api_client=False,
            roles__overlap=_CASEWORK_ROLES,
        )
        .select_related(None)
        .order_by("last_name", "first_name", "username")
    )


def assessor_choices(*, nominal: m.Nominal) -> QuerySet[m.StaffUser]:
    """Who can be named as a risk assessment's assessor or an order's compliance officer."""
    return record_staff_choices(nominal=nominal)


def offence_choices(*, current_id: int | None = None) -> QuerySet[m.Offence]:
    """Active offences, plus the one already recorded if it has since been retired."""
    condition = Q(is_active=True)
    if current_id is not None:
        condition |= Q(pk=current_id)
    return m.Offence.objects.filter(condition).order_by("title", "statute", "section")


def nominal_orders(*, nominal: m.Nominal) -> QuerySet[m.CivilOrder]:
    """Civil orders of a nominal the caller fetched through the access gate."""
    return m.CivilOrder.objects.filter(nominal=nominal).order_by("-starts_on")


def nominal_convictions(*, nominal: m.Nominal) -> QuerySet[m.Conviction]:
    """Convictions of a nominal the caller fetched through the access gate."""
    return (
        m.Conviction.objects.filter(nominal=nominal)
        .select_related("offence")
        .order_by("-conviction_date")
    )


def active_criteria_sets() -> QuerySet[m.CriteriaSet]:
    return m.CriteriaSet.objects.filter(is_active=True).order_by("name")


def _visible_nominals(user: m.StaffUser, action: access.Action) -> QuerySet[m.Nominal]:
    return access.scoped(m.Nominal.objects.all(), user, action)


def registration_get(
    *, user: m.StaffUser, registration_id: uuid.UUID | str, action: access.Action = "view"
) -> m.Registration:
    """A registration decision, through its nominal's grant: 404 when the nominal is not visible."""
    try:
        return m.Registration.objects.select_related(
            "nominal__lead_agency",
            "nominal__responsible_officer",
            "criteria_set",
            "decided_by",
        ).get(nominal__in=_visible_nominals(user, action), pk=registration_id)
    except (ObjectDoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc


def registration_reviews(*, registration: m.Registration) -> list[m.RegistrationReview]:
    return list(registration.reviews.select_related("decided_by").order_by("-requested_on"))


def review_get(*, registration: m.Registration, review_id: uuid.UUID | str) -> m.RegistrationReview:
    """A review of a registration the caller fetched through the gate."""
    try:
        return m.RegistrationReview.objects.get(registration=registration, pk=review_id)
    except (ObjectDoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc


def labels(choices: Iterable[tuple[Any, Any]], values: Iterable[str]) -> list[str]:
    """Display labels for stored choice values (for ArrayFields of choices)."""
    names = {str(value): str(label) for value, label in choices}
    return [names.get(value, value) for value in values]
