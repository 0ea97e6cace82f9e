"""Reads of victims and disclosure cases, scoped to what the user may see.

THE compartment decision is `victim_get` (and `victims_visible` for lists, which uses the
same expressions): a victim is open to
- the VLOs of the owning agency, and users with an active grant: with the compartment
  (contact details, contact log, representations);
- offender-side users (casework roles) who may see a nominal the victim is linked to:
  without it (that the victim exists, relationship, safety flags, offences concerned);
- nobody else: 404, as for a victim that does not exist.
Pages and endpoints choose what to show from the decision (`VictimView.compartment`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
)
from django.http import Http404

from register import access
from register import selectors as register_selectors
from register.models import CivilOrder, Conviction, Nominal, Role, StaffUser
from victims.models import (
    DisclosureCase,
    DisclosureStatus,
    Representation,
    Victim,
    VictimAccessGrant,
    VictimContact,
    VictimLink,
)

CONTACTS_SHOWN = 50


@dataclass(frozen=True)
class VictimView:
    victim: Victim
    compartment: bool  # may see contact details, the contact log and representations


def _none() -> Q:
    return Q(pk__in=[])


def _compartment_q(user: StaffUser) -> Q:
    """The victims whose compartment the user holds: owning-agency VLO, or an active grant."""
    grant = VictimAccessGrant.objects.filter(
        victim=OuterRef("pk"), grantee_id=user.pk, revoked_at__isnull=True
    )
    owning = Q(agency_id=user.agency_id) if user.has_role(Role.VICTIM_LIAISON_OFFICER) else _none()
    return owning | Q(Exists(grant))


def _offender_side_q(user: StaffUser) -> Q:
    """Victims linked to a nominal the user may see (casework roles only)."""
    if not access.roles_allow(user, Nominal, "view"):
        return _none()
    visible = access.scoped(Nominal.objects.all(), user)
    return Q(Exists(VictimLink.objects.filter(victim=OuterRef("pk"), nominal__in=visible)))


def victims_visible(user: StaffUser) -> QuerySet[Victim]:
    """Every victim the user may open, each annotated `compartment` (True/False). One query."""
    if not (user.is_authenticated and user.is_active) or not access.roles_allow(
        user, Victim, "view"
    ):
        return Victim.objects.none().annotate(compartment=Value(False))
    compartment = _compartment_q(user)
    return Victim.objects.filter(compartment | _offender_side_q(user)).annotate(
        compartment=_as_boolean(compartment)
    )


def _as_boolean(q: Q) -> Any:
    return ExpressionWrapper(q, output_field=BooleanField())


def _get_or_404(queryset: QuerySet[Any], **lookup: Any) -> Any:
    try:
        return queryset.get(**lookup)
    except (ObjectDoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc


def victim_get(*, user: StaffUser, victim_id: uuid.UUID | str) -> VictimView:
    """The victim and whether the user sees the compartment, or 404. One query."""
    victim: Victim = _get_or_404(
        victims_visible(user).select_related("agency", "vlo", "also_nominal"), pk=victim_id
    )
    return VictimView(victim=victim, compartment=bool(victim.compartment))  # type: ignore[attr-defined]


def victim_get_compartment(*, user: StaffUser, victim_id: uuid.UUID | str) -> Victim:
    """For the compartment's own pages and writes: 404 unless the user holds it."""
    view = victim_get(user=user, victim_id=victim_id)
    if not view.compartment:
        raise Http404
    return view.victim


def links_with_offences() -> QuerySet[VictimLink]:
    return VictimLink.objects.select_related("nominal").prefetch_related(
        Prefetch("convictions", queryset=Conviction.objects.select_related("offence")),
        Prefetch("civil_orders", queryset=CivilOrder.objects.all()),
    )


@dataclass
class VictimPage:
    view: VictimView
    links: list[VictimLink]
    contact_details: Any = None
    contacts: list[VictimContact] | None = None
    representations: list[Representation] | None = None
    grants: list[VictimAccessGrant] | None = None


def victim_page(*, user: StaffUser, victim_id: uuid.UUID | str) -> VictimPage:
    """What the victim page shows; the compartment's parts are loaded only for those who hold it."""
    view = victim_get(user=user, victim_id=victim_id)
    victim = view.victim
    links = links_with_offences().filter(victim=victim)
    if not view.compartment:
        # Offender-side: only the links to nominals the user may see.
        links = links.filter(nominal__in=access.scoped(Nominal.objects.all(), user))
        return VictimPage(view=view, links=list(links))
    from victims.models import VictimContactDetails

    return VictimPage(
        view=view,
        links=list(links),
        contact_details=VictimContactDetails.objects.filter(victim=victim).first(),
        contacts=list(
            VictimContact.objects.filter(victim=victim).select_related("recorded_by")[
                :CONTACTS_SHOWN
            ]
        ),
        representations=list(
            Representation.objects.filter(victim=victim).select_related("link__nominal")
        ),
        grants=list(
            VictimAccessGrant.objects.filter(victim=victim).select_related(
                "grantee__agency", "granted_by", "revoked_by"
            )
        ),
    )


def caseload(*, user: StaffUser) -> QuerySet[Victim]:
    """The VLO's allocated victims (whose compartment they hold), with their links counted."""
    if not user.has_role(Role.VICTIM_LIAISON_OFFICER):
        return Victim.objects.none()
    return (
        Victim.objects.filter(vlo=user, agency_id=user.agency_id)
        .annotate(link_count=Count("links"))
        .order_by("next_contact_on", "family_name", "given_names", "id")
    )


def nominal_victims(
    *, user: StaffUser, nominal_id: uuid.UUID | str
) -> tuple[Nominal, list[VictimLink]]:
    """A nominal (through the register's gate) and its victims' links, offender-side fields."""
    nominal = register_selectors.nominal_get(user=user, nominal_id=nominal_id)
    links = list(
        links_with_offences()
        .filter(nominal=nominal)
        .select_related("victim")
        .order_by("victim__family_name", "victim__given_names", "victim_id")
    )
    return nominal, links


def recorded_as_victim(*, nominal: Nominal) -> bool:
    """Whether this nominal is also recorded as a victim (a possible misidentified victim)."""
    return Victim.objects.filter(also_nominal=nominal).exists()


def victims_linkable(*, user: StaffUser, nominal: Nominal) -> QuerySet[Victim]:
    """Victims the user may link to this nominal: of other nominals they see, not yet linked."""
    return (
        victims_visible(user)
        .filter(agency_id=user.agency_id)
        .exclude(links__nominal=nominal)
        .order_by("family_name", "given_names", "id")
    )


def owning_vlos(*, victim: Victim) -> QuerySet[StaffUser]:
    return (
        StaffUser.objects.filter(
            agency_id=victim.agency_id,
            roles__contains=[Role.VICTIM_LIAISON_OFFICER],
            is_active=True,
            is_api_client=False,
        )
        .select_related(None)
        .order_by("last_name", "first_name", "username")
    )


def grantee_choices(*, victim: Victim) -> QuerySet[StaffUser]:
    """Active staff in casework or VLO roles, any agency, not already seeing the compartment."""
    roles = sorted(access.POLICY["victims.victim"]["view"])
    held = VictimAccessGrant.objects.filter(victim=victim, revoked_at__isnull=True).values(
        "grantee_id"
    )
    return (
        StaffUser.objects.filter(is_active=True, is_api_client=False, roles__overlap=roles)
        .exclude(pk__in=held)
        .exclude(agency_id=victim.agency_id, roles__contains=[Role.VICTIM_LIAISON_OFFICER])
        .select_related("agency")
        .order_by("agency__name", "last_name", "first_name", "username")
    )


def grant_get(*, user: StaffUser, victim: Victim, grant_id: uuid.UUID | str) -> VictimAccessGrant:
    if not (user.has_role(Role.VICTIM_LIAISON_OFFICER) and user.agency_id == victim.agency_id):
        raise Http404
    return _get_or_404(  # type: ignore[no-any-return]
        VictimAccessGrant.objects.select_related("grantee", "victim"),
        victim=victim,
        pk=grant_id,
        revoked_at__isnull=True,
    )


def representation_get(*, victim: Victim, representation_id: uuid.UUID | str) -> Representation:
    return _get_or_404(  # type: ignore[no-any-return]
        Representation.objects.select_related("victim", "link"),
        victim=victim,
        pk=representation_id,
    )


# Disclosure scheme -------------------------------------------------------------------------


def disclosures_visible(user: StaffUser) -> QuerySet[DisclosureCase]:
    """The cases of the user's agency, for its casework users and VLOs (404 to everyone else)."""
    if not (user.is_authenticated and user.is_active) or not access.roles_allow(
        user, DisclosureCase, "view"
    ):
        return DisclosureCase.objects.none()
    return DisclosureCase.objects.filter(agency_id=user.agency_id).select_related(
        "subject", "case_officer", "agency"
    )


def disclosure_queue(
    *, user: StaffUser, status: str = DisclosureStatus.OPEN
) -> QuerySet[DisclosureCase]:
    cases = disclosures_visible(user)
    if status:
        cases = cases.filter(status=status)
    return cases.order_by("received_on", "created_at", "id")


def disclosure_get(*, user: StaffUser, case_id: uuid.UUID | str) -> DisclosureCase:
    return _get_or_404(disclosures_visible(user), pk=case_id)  # type: ignore[no-any-return]


def disclosure_subjects(*, user: StaffUser) -> QuerySet[Nominal]:
    return access.scoped(Nominal.objects.all(), user)


def case_officer_choices(*, user: StaffUser) -> QuerySet[StaffUser]:
    roles = sorted(access.POLICY["victims.disclosurecase"]["change"])
    return (
        StaffUser.objects.filter(
            agency_id=user.agency_id, is_active=True, is_api_client=False, roles__overlap=roles
        )
        .select_related(None)
        .order_by("last_name", "first_name", "username")
    )
