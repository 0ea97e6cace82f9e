"""/api/v1/ for victims, their links, the contact log and the disclosure scheme.

On the register API's conventions (register/api_conventions.py): the role gate (404 to roles
that may not see victims), records through victims.selectors (404 for missing and
forbidden alike), reads logged with the X-Purpose the client sent, cursor pagination,
field-by-field errors, ETag / If-Match on updates. Which serializer renders a victim is
the selector's decision (victims.serializers.victim_output).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from register import access
from register import selectors as register_selectors
from register.api_conventions import (
    IF_MATCH_HEADER,
    PURPOSE_HEADER,
    CursorPagination,
    RoleGate,
    check_if_match,
    etag_for,
    if_match_write,
    with_etag,
)
from register.audit import log_api_reads
from register.models import CivilOrder, Conviction, Nominal, StaffUser
from register.requests import StaffApiRequest
from victims import selectors, services
from victims.models import DisclosureCase, Victim, VictimContact, VictimLink
from victims.serializers import (
    AllocationInput,
    ContactDetailsInput,
    ContactInput,
    DisclosureChecksInput,
    DisclosureCreateInput,
    DisclosureDecisionInput,
    DisclosureOutcomeInput,
    DisclosureOutput,
    GrantInput,
    GrantOutput,
    LinkCreateInput,
    LinkOutput,
    NominalVictimOutput,
    OfferInput,
    ReasonInput,
    RepresentationInput,
    RepresentationOutput,
    VictimContactOutput,
    VictimCreateInput,
    VictimUpdateInput,
    victim_output,
)

TAGS = ["victims"]


def victim_etag(victim: Victim) -> str:
    return etag_for(f"{victim.pk}:{victim.updated_at.isoformat()}")


def _of_nominal(model: Any, nominal: Nominal, ids: list[Any], field: str, what: str) -> list[Any]:
    found = list(model.objects.filter(nominal=nominal, pk__in=ids))
    if len(found) != len(set(ids)):
        raise serializers.ValidationError({field: [f"Choose {what} of this person only"]})
    return found


class VictimPagination(CursorPagination):
    ordering = ("family_name", "given_names", "id")  # type: ignore[assignment]


class VictimListApi(generics.GenericAPIView[Victim]):
    permission_classes = [RoleGate]
    gate_model = Victim
    pagination_class = VictimPagination
    request: StaffApiRequest

    @extend_schema(
        tags=TAGS,
        parameters=[PURPOSE_HEADER],
        responses=OpenApiTypes.OBJECT,
        summary="The victims the caller may see; contact details only where the caller holds "
        "the compartment (`compartment: true`)",
        operation_id="victims_list",
    )
    def get(self, request: StaffApiRequest) -> Response:
        victims = selectors.victims_visible(request.user).select_related(
            "agency", "vlo", "contact_details"
        )
        page = self.paginate_queryset(victims)
        assert page is not None  # noqa: S101 - cursor pagination is always on
        if page:
            log_api_reads(request, page, "Partner system list of victims")
        return self.get_paginated_response(
            [victim_output(v, compartment=bool(v.compartment)) for v in page]  # type: ignore[attr-defined]
        )


class VictimItemApi(APIView):
    permission_classes = [RoleGate]
    gate_model = Victim

    def _view(self, request: StaffApiRequest, victim_id: str) -> selectors.VictimView:
        return selectors.victim_get(user=request.user, victim_id=victim_id)

    @extend_schema(
        tags=TAGS,
        parameters=[PURPOSE_HEADER],
        responses=OpenApiTypes.OBJECT,
        summary="Read a victim",
    )
    def get(self, request: StaffApiRequest, victim_id: str) -> Response:
        view = self._view(request, victim_id)
        log_api_reads(request, [view.victim], "Partner system read of a victim")
        victim = (
            Victim.objects.select_related("agency", "vlo", "contact_details").get(pk=view.victim.pk)
            if view.compartment
            else view.victim
        )
        return with_etag(
            Response(victim_output(victim, compartment=view.compartment)),
            victim_etag(view.victim),
        )

    @extend_schema(
        tags=TAGS,
        request=VictimUpdateInput,
        parameters=[IF_MATCH_HEADER],
        responses=OpenApiTypes.OBJECT,
        summary="Change the victim's own fields (compartment holders only)",
    )
    @if_match_write
    def patch(self, request: StaffApiRequest, victim_id: str) -> Response:
        victim = selectors.victim_get_compartment(user=request.user, victim_id=victim_id)
        check_if_match(request, victim, victim_etag)
        data = VictimUpdateInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        if "reason" not in values:
            raise serializers.ValidationError({"reason": ["Enter the reason for this change"]})
        reason = values.pop("reason")
        services.victim_update(actor=request.user, victim=victim, reason=reason, **values)
        victim = Victim.objects.select_related("agency", "vlo", "contact_details").get(pk=victim.pk)
        return with_etag(Response(victim_output(victim, compartment=True)), victim_etag(victim))


class ContactDetailsApi(APIView):
    permission_classes = [RoleGate]
    gate_model = Victim

    @extend_schema(
        tags=TAGS,
        request=ContactDetailsInput,
        parameters=[IF_MATCH_HEADER],
        responses=OpenApiTypes.OBJECT,
        summary="Set the victim's contact details (compartment holders only)",
    )
    @if_match_write
    def put(self, request: StaffApiRequest, victim_id: str) -> Response:
        victim = selectors.victim_get_compartment(user=request.user, victim_id=victim_id)
        check_if_match(request, victim, victim_etag)
        data = ContactDetailsInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        reason = values.pop("reason")
        services.contact_details_set(actor=request.user, victim=victim, reason=reason, **values)
        victim = Victim.objects.select_related("agency", "vlo", "contact_details").get(pk=victim.pk)
        return with_etag(Response(victim_output(victim, compartment=True)), victim_etag(victim))


class VictimLinkListApi(generics.GenericAPIView[VictimLink]):
    permission_classes = [RoleGate]
    gate_model = Victim
    pagination_class = None

    @extend_schema(
        tags=TAGS,
        parameters=[PURPOSE_HEADER],
        responses=LinkOutput(many=True),
        summary="The victim's links to nominals",
    )
    def get(self, request: StaffApiRequest, victim_id: str) -> Response:
        view = selectors.victim_get(user=request.user, victim_id=victim_id)
        links = selectors.links_with_offences().filter(victim=view.victim)
        if not view.compartment:
            links = links.filter(nominal__in=access.scoped(Nominal.objects.all(), request.user))
        log_api_reads(request, [view.victim], "Partner system read of a victim's links")
        return Response(LinkOutput(links, many=True).data)

    @extend_schema(
        tags=TAGS,
        request=LinkCreateInput,
        responses={201: LinkOutput},
        summary="Link the victim to another nominal (needs change on the nominal)",
    )
    def post(self, request: StaffApiRequest, victim_id: str) -> Response:
        view = selectors.victim_get(user=request.user, victim_id=victim_id)
        data = LinkCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        try:
            nominal = register_selectors.nominal_get(
                user=request.user, nominal_id=values.pop("nominal"), action="change"
            )
        except Http404:
            raise serializers.ValidationError(
                {"nominal": ["Choose a person on the register you may change"]}
            ) from None
        values["convictions"] = _of_nominal(
            Conviction, nominal, values["convictions"], "convictions", "convictions"
        )
        values["civil_orders"] = _of_nominal(
            CivilOrder, nominal, values["civil_orders"], "civil_orders", "civil orders"
        )
        link = services.victim_link_add(
            actor=request.user, victim=view.victim, nominal=nominal, **values
        )
        link = selectors.links_with_offences().get(pk=link.pk)
        return Response(LinkOutput(link).data, status=status.HTTP_201_CREATED)


class NominalVictimsApi(generics.GenericAPIView[VictimLink]):
    """The nominal's victims, offender-side fields only, for whoever may see the nominal."""

    permission_classes = [RoleGate]
    gate_model = Nominal
    pagination_class = None

    @extend_schema(
        tags=TAGS,
        parameters=[PURPOSE_HEADER],
        responses=NominalVictimOutput(many=True),
        summary="The nominal's victims: that each exists, relationship and safety flags",
    )
    def get(self, request: StaffApiRequest, nominal_id: str) -> Response:
        nominal, links = selectors.nominal_victims(user=request.user, nominal_id=nominal_id)
        log_api_reads(
            request,
            [nominal, *(link.victim for link in links)],
            "Partner system read of a nominal's victims",
        )
        return Response(NominalVictimOutput(links, many=True).data)  # type: ignore[arg-type]

    @extend_schema(
        tags=TAGS,
        request=VictimCreateInput,
        responses={201: NominalVictimOutput},
        summary="Record a victim of this nominal",
    )
    def post(self, request: StaffApiRequest, nominal_id: str) -> Response:
        nominal = register_selectors.nominal_get(
            user=request.user, nominal_id=nominal_id, action="change"
        )
        data = VictimCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values["convictions"] = _of_nominal(
            Conviction, nominal, values["convictions"], "convictions", "convictions"
        )
        values["civil_orders"] = _of_nominal(
            CivilOrder, nominal, values["civil_orders"], "civil_orders", "civil orders"
        )
        victim = services.victim_create(actor=request.user, nominal=nominal, **values)
        link = (
            selectors.links_with_offences()
            .select_related("victim")
            .get(victim=victim, nominal=nominal)
        )
        return Response(NominalVictimOutput(link).data, status=status.HTTP_201_CREATED)


class ContactPagination(CursorPagination):
    ordering = ("-contact_on", "-created_at", "-id")  # type: ignore[assignment]


class VictimContactListApi(generics.GenericAPIView[VictimContact]):
    permission_classes = [RoleGate]
    gate_model = Victim
    pagination_class = ContactPagination
    serializer_class = VictimContactOutput
    request: StaffApiRequest

    @extend_schema(
        tags=TAGS,
        parameters=[PURPOSE_HEADER],
        responses=VictimContactOutput(many=True),
        summary="The VLO contact log (compartment holders only)",
    )
    def get(self, request: StaffApiRequest, victim_id: str) -> Response:
        victim = selectors.victim_get_compartment(user=request.user, victim_id=victim_id)
        page = self.paginate_queryset(
            VictimContact.objects.filter(victim=victim).select_related("recorded_by")
        )
        assert page is not None  # noqa: S101
        log_api_reads(request, [victim], "Partner system read of a victim's contact log")
        return self.get_paginated_response(VictimContactOutput(page, many=True).data)

    @extend_schema(
        tags=TAGS,
        request=ContactInput,
        responses={201: VictimContactOutput},
        summary="Record a contact with the victim",
    )
    def post(self, request: StaffApiRequest, victim_id: str) -> Response:
        victim = selectors.victim_get_compartment(user=request.user, victim_id=victim_id)
        data = ContactInput(data=request.data)
        data.is_valid(raise_exception=True)
        contact = services.contact_record(actor=request.user, victim=victim, **data.validated_data)
        return Response(VictimContactOutput(contact).data, status=status.HTTP_201_CREATED)


class RepresentationListApi(APIView):
    permission_classes = [RoleGate]
    gate_model = Victim

    @extend_schema(
        tags=TAGS,
        parameters=[PURPOSE_HEADER],
        responses=RepresentationOutput(many=True),
        summary="Representations about licence conditions (compartment holders only)",
    )
    def get(self, request: StaffApiRequest, victim_id: str) -> Response:
        victim = selectors.victim_get_compartment(user=request.user, victim_id=victim_id)
        log_api_reads(request, [victim], "Partner system read of a victim's representations")
        return Response(RepresentationOutput(victim.representations.all(), many=True).data)

    @extend_schema(
        tags=TAGS,
        request=RepresentationInput,
        responses={201: RepresentationOutput},
        summary="Record a representation",
    )
    def post(self, request: StaffApiRequest, victim_id: str) -> Response:
        victim = selectors.victim_get_compartment(user=request.user, victim_id=victim_id)
        data = RepresentationInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        link = VictimLink.objects.filter(victim=victim, pk=values.pop("link")).first()
        if link is None:
            raise serializers.ValidationError({"link": ["Choose one of this victim's links"]})
        rep = services.representation_record(actor=request.user, victim=victim, link=link, **values)
        return Response(RepresentationOutput(rep).data, status=status.HTTP_201_CREATED)


class SchemeOfferApi(APIView):
    permission_classes = [RoleGate]
    gate_model = Victim

    @extend_schema(
        tags=TAGS,
        request=OfferInput,
        parameters=[IF_MATCH_HEADER],
        responses=OpenApiTypes.OBJECT,
        summary="Record the scheme offer and the victim's answer",
    )
    @if_match_write
    def put(self, request: StaffApiRequest, victim_id: str) -> Response:
        victim = selectors.victim_get_compartment(user=request.user, victim_id=victim_id)
        check_if_match(request, victim, victim_etag)
        data = OfferInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.scheme_offer_record(actor=request.user, victim=victim, **data.validated_data)
        victim = Victim.objects.select_related("agency", "vlo", "contact_details").get(pk=victim.pk)
        return with_etag(Response(victim_output(victim, compartment=True)), victim_etag(victim))


# Disclosure scheme -----------------------------------------------------------------------------


class DisclosurePagination(CursorPagination):
    ordering = ("received_on", "created_at", "id")  # type: ignore[assignment]


class DisclosureListApi(generics.GenericAPIView[DisclosureCase]):
    permission_classes = [RoleGate]
    gate_model = DisclosureCase
    pagination_class = DisclosurePagination
    serializer_class = DisclosureOutput
    request: StaffApiRequest

    @extend_schema(
        tags=TAGS,
        parameters=[PURPOSE_HEADER, OpenApiParameter("status", OpenApiTypes.STR)],
        responses=DisclosureOutput(many=True),
        summary="The disclosure scheme cases of the caller's agency",
    )
    def get(self, request: StaffApiRequest) -> Response:
        wanted = request.query_params.get("status", "")
        cases = selectors.disclosures_visible(request.user)
        if wanted:
            cases = cases.filter(status=wanted)
        page = self.paginate_queryset(cases)
        assert page is not None  # noqa: S101
        if page:
            log_api_reads(request, page, "Partner system read of disclosure scheme cases")
        return self.get_paginated_response(DisclosureOutput(page, many=True).data)

    @extend_schema(
        tags=TAGS,
        request=DisclosureCreateInput,
        responses={201: DisclosureOutput},
        summary="Open a disclosure scheme case (its 28-day target becomes a due item)",
    )
    def post(self, request: StaffApiRequest) -> Response:
        data = DisclosureCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        subject = (
            selectors.disclosure_subjects(user=request.user)
            .filter(pk=values.pop("subject"))
            .first()
        )
        if subject is None:
            raise serializers.ValidationError(
                {"subject": ["Choose a person on the register you may see"]}
            )
        case = services.disclosure_create(actor=request.user, subject=subject, **values)
        return Response(
            DisclosureOutput(selectors.disclosure_get(user=request.user, case_id=case.pk)).data,
            status=status.HTTP_201_CREATED,
        )


class DisclosureItemApi(APIView):
    permission_classes = [RoleGate]
    gate_model = DisclosureCase

    @extend_schema(
        tags=TAGS,
        parameters=[PURPOSE_HEADER],
        responses=DisclosureOutput,
        summary="Read a disclosure scheme case",
    )
    def get(self, request: StaffApiRequest, case_id: str) -> Response:
        case = selectors.disclosure_get(user=request.user, case_id=case_id)
        log_api_reads(request, [case], "Partner system read of a disclosure scheme case")
        return Response(DisclosureOutput(case).data)


# One endpoint per step of a case, as on the case page: checks, decision, outcome.
DISCLOSURE_STEPS: dict[str, tuple[type[serializers.Serializer[Any]], Any, str]] = {
    "checks": (DisclosureChecksInput, services.disclosure_checks_record, "Record the checks"),
    "decision": (
        DisclosureDecisionInput,
        services.disclosure_decide,
        "Record the multi-agency decision",
    ),
    "outcome": (
        DisclosureOutcomeInput,
        services.disclosure_complete,
        "Record the disclosure made or declined and the safety plan (completes the case)",
    ),
}


def _disclosure_step_api(step: str) -> type[APIView]:
    input_class, service, summary = DISCLOSURE_STEPS[step]

    class DisclosureStepApi(APIView):
        permission_classes = [RoleGate]
        gate_model = DisclosureCase

        @extend_schema(
            tags=TAGS,
            request=input_class,
            responses={200: DisclosureOutput},
            summary=summary,
            operation_id=f"disclosure_{step}",
        )
        def post(self, request: StaffApiRequest, case_id: str) -> Response:
            case = selectors.disclosure_get(user=request.user, case_id=case_id)
            data = input_class(data=request.data)
            data.is_valid(raise_exception=True)
            service(actor=request.user, case=case, **data.validated_data)
            return Response(
                DisclosureOutput(selectors.disclosure_get(user=request.user, case_id=case.pk)).data
            )

    DisclosureStepApi.__name__ = f"Disclosure{step.title()}Api"
    return DisclosureStepApi


DisclosureChecksApi = _disclosure_step_api("checks")
DisclosureDecisionApi = _disclosure_step_api("decision")
DisclosureOutcomeApi = _disclosure_step_api("outcome")


# Who holds the compartment, and who is the victim's VLO: the owning agency's VLOs only ----


def _owning_vlos_victim(request: StaffApiRequest, victim_id: str) -> Victim:
    """A victim whose compartment the caller holds as one of the owning agency's VLOs; to
    anyone else (a grantee included) there is no such record."""
    victim = selectors.victim_get_compartment(user=request.user, victim_id=victim_id)
    if not services.is_owning_vlo(request.user, victim):
        raise Http404
    return victim


# One answer for a username nobody has and for one of staff the picker does not offer, so
# the API does not tell who works where (the pages offer the same choices).
GRANTEE_NOT_OFFERED = "Choose an active member of staff in a casework or victim liaison role"
VLO_NOT_OFFERED = "Choose one of the victim liaison officers of the victim's agency"


def _staff(username: str | None, field: str, choices: Any, message: str) -> StaffUser | None:
    if username is None:
        return None
    user = choices.filter(username=username).first()
    if user is None:
        raise serializers.ValidationError({field: [message]})
    return user  # type: ignore[no-any-return]


class GrantListApi(APIView):
    permission_classes = [RoleGate]
    gate_model = Victim

    @extend_schema(
        tags=TAGS,
        parameters=[PURPOSE_HEADER],
        responses=GrantOutput(many=True),
        summary="Who was granted the victim's contact details, and when it was revoked",
    )
    def get(self, request: StaffApiRequest, victim_id: str) -> Response:
        victim = _owning_vlos_victim(request, victim_id)
        grants = victim.grants.select_related("grantee", "granted_by", "revoked_by").order_by(
            "-granted_at"
        )
        log_api_reads(request, [victim], "Partner system read of a victim's access grants")
        return Response(GrantOutput(grants, many=True).data)

    @extend_schema(
        tags=TAGS,
        request=GrantInput,
        responses={201: GrantOutput},
        summary="Grant one member of staff the victim's contact details (recorded with why)",
    )
    def post(self, request: StaffApiRequest, victim_id: str) -> Response:
        victim = _owning_vlos_victim(request, victim_id)
        data = GrantInput(data=request.data)
        data.is_valid(raise_exception=True)
        grantee = _staff(
            data.validated_data["grantee"],
            "grantee",
            selectors.grantee_choices(victim=victim),
            GRANTEE_NOT_OFFERED,
        )
        assert grantee is not None  # noqa: S101 - a username is required by the serializer
        grant = services.grant_add(
            actor=request.user, victim=victim, grantee=grantee, reason=data.validated_data["reason"]
        )
        return Response(GrantOutput(grant).data, status=status.HTTP_201_CREATED)


class GrantRevokeApi(APIView):
    permission_classes = [RoleGate]
    gate_model = Victim

    @extend_schema(
        tags=TAGS, request=ReasonInput, responses=GrantOutput, summary="Revoke an access grant"
    )
    def post(self, request: StaffApiRequest, victim_id: str, grant_id: str) -> Response:
        victim = _owning_vlos_victim(request, victim_id)
        grant = selectors.grant_get(user=request.user, victim=victim, grant_id=grant_id)
        data = ReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        grant = services.grant_revoke(
            actor=request.user, grant=grant, reason=data.validated_data["reason"]
        )
        return Response(GrantOutput(grant).data)


class AllocationApi(APIView):
    permission_classes = [RoleGate]
    gate_model = Victim

    @extend_schema(
        tags=TAGS,
        request=AllocationInput,
        parameters=[IF_MATCH_HEADER],
        responses=OpenApiTypes.OBJECT,
        summary="Allocate the victim to one of the owning agency's VLOs (or unallocate)",
    )
    @if_match_write
    def put(self, request: StaffApiRequest, victim_id: str) -> Response:
        victim = _owning_vlos_victim(request, victim_id)
        check_if_match(request, victim, victim_etag)
        data = AllocationInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.victim_allocate(
            actor=request.user,
            victim=victim,
            vlo=_staff(
                data.validated_data["vlo"],
                "vlo",
                selectors.owning_vlos(victim=victim),
                VLO_NOT_OFFERED,
            ),
            reason=data.validated_data["reason"],
        )
        victim = Victim.objects.select_related("agency", "vlo", "contact_details").get(pk=victim.pk)
        return with_etag(Response(victim_output(victim, compartment=True)), victim_etag(victim))
