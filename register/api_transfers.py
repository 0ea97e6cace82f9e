"""/api/v1/ endpoints for transferring a record between agencies.

The same services and refusals as the pages (register.services.transfers). Only the lead
agency's roles that may share a record ask and withdraw; only a supervisor of the receiving
agency accepts or rejects. A transfer or a nominal the user may not act on answers 404.
Decisions need the transfer's ETag in If-Match (two supervisors holding one ETag: one
decides, the other gets 412), and POSTs take an Idempotency-Key (core.idempotency).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from register import models as m
from register import selectors, transfer_selectors
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
from register.errors import DomainError
from register.requests import StaffApiRequest
from register.services import transfers as services

_ERRORS = {
    400: OpenApiResponse(
        OpenApiTypes.OBJECT, description='Field by field: {"field": ["message"]}; nothing changed'
    ),
    404: OpenApiResponse(
        OpenApiTypes.OBJECT,
        description="No such record, or not one this user's agency and role may act on",
    ),
}
_DECISION_ERRORS = {
    **_ERRORS,
    412: OpenApiResponse(OpenApiTypes.OBJECT, description="The transfer changed since you read it"),
    428: OpenApiResponse(OpenApiTypes.OBJECT, description="If-Match is missing"),
}


def transfer_etag(transfer: m.NominalTransfer) -> str:
    return etag_for(f"{transfer.pk}:{transfer.updated_at.isoformat()}")


class TransferPersonOutput(serializers.Serializer[m.Nominal]):
    """Who the transfer is about: enough for the receiving supervisor to decide, no more."""

    id = serializers.UUIDField()
    given_names = serializers.CharField()
    family_name = serializers.CharField()
    date_of_birth = serializers.DateField(allow_null=True)


class TransferOutput(serializers.ModelSerializer[m.NominalTransfer]):
    nominal = TransferPersonOutput()
    from_agency: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    to_agency: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    requested_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    decided_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    responsible_officer: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        source="new_officer", slug_field="username", read_only=True
    )
    url = serializers.SerializerMethodField()

    class Meta:
        model = m.NominalTransfer
        fields = [
            "id",
            "url",
            "nominal",
            "from_agency",
            "to_agency",
            "new_area",
            "reason",
            "state",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "decision_reason",
            "responsible_officer",
            "sending_read_until",
            "sending_access_ended_at",
        ]

    def get_url(self, transfer: m.NominalTransfer) -> str:
        return reverse("api-transfer-detail", args=[transfer.pk])


class TransferRequestInput(serializers.Serializer[Any]):
    to_agency: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code",
        queryset=m.Agency.objects.exclude(code="system"),
        help_text="The receiving agency's code",
        error_messages={
            "does_not_exist": "No agency has the code {value}",
            "null": "Choose the agency to transfer the record to",
            "required": "Choose the agency to transfer the record to",
        },
    )
    new_area = serializers.CharField(max_length=200, allow_blank=True)
    reason = serializers.CharField(max_length=2000, allow_blank=True)


class TransferAcceptInput(serializers.Serializer[Any]):
    responsible_officer = serializers.CharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        help_text="Username of an officer of your agency; leave out for nobody for now",
    )
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class TransferReasonInput(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=2000, allow_blank=True)


def _valid(data: serializers.Serializer[Any]) -> dict[str, Any]:
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


def _created(transfer: m.NominalTransfer) -> Response:
    transfer = m.NominalTransfer.objects.select_related(
        "nominal", "from_agency", "to_agency", "requested_by", "decided_by", "new_officer"
    ).get(pk=transfer.pk)
    response = with_etag(
        Response(TransferOutput(transfer).data, status=status.HTTP_201_CREATED),
        transfer_etag(transfer),
    )
    response["Location"] = reverse("api-transfer-detail", args=[transfer.pk])
    return response


class NominalTransfersApi(APIView):
    permission_classes = [RoleGate]
    gate_model = m.Nominal

    @extend_schema(
        tags=["transfers"],
        request=TransferRequestInput,
        responses={201: TransferOutput, **_ERRORS},
        summary="Ask another agency to take the record over",
        description=(
            "Only the lead agency's offender managers, MAPPA coordinators and supervisors may "
            "ask. Nothing moves until a supervisor of the receiving agency accepts. One request "
            "may wait at a time for a record."
        ),
    )
    def post(self, request: StaffApiRequest, nominal_id: str) -> Response:
        nominal = selectors.nominal_get(user=request.user, nominal_id=nominal_id, action="share")
        if nominal.merged_into_id or nominal.lead_agency_id != request.user.agency_id:
            raise Http404
        values = _valid(TransferRequestInput(data=request.data))
        transfer = services.transfer_request(actor=request.user, nominal=nominal, **values)
        return _created(transfer)


class TransferListApi(generics.GenericAPIView[m.NominalTransfer]):
    permission_classes = [RoleGate]
    gate_model = m.Nominal
    serializer_class = TransferOutput
    request: StaffApiRequest

    class Pagination(CursorPagination):
        ordering = ("-requested_at", "id")  # type: ignore[assignment]

    pagination_class = Pagination

    @extend_schema(
        tags=["transfers"],
        parameters=[
            PURPOSE_HEADER,
            OpenApiParameter(
                "direction",
                OpenApiTypes.STR,
                enum=list(transfer_selectors.DIRECTIONS),
                description="`incoming` (to your agency: supervisors) or `outgoing` (from it); "
                "both when left out",
            ),
        ],
        responses={200: TransferOutput(many=True), 400: _ERRORS[400], 404: _ERRORS[404]},
        summary="Transfers to and from your agency, newest first",
    )
    def get(self, request: StaffApiRequest) -> Response:
        direction = request.query_params.get("direction") or None
        if direction is not None and direction not in transfer_selectors.DIRECTIONS:
            raise exceptions.ValidationError({"direction": ["Choose incoming or outgoing"]})
        if not transfer_selectors.visible_directions(request.user):
            raise Http404
        queryset = transfer_selectors.transfers_for(
            user=request.user,
            direction=direction,  # type: ignore[arg-type]
        )
        page = self.paginate_queryset(queryset)
        assert page is not None  # noqa: S101 - cursor pagination is always on
        if page:
            log_api_reads(request, [t.nominal for t in page], "Partner system list of transfers")
        return self.get_paginated_response(TransferOutput(page, many=True).data)


class TransferDetailApi(APIView):
    permission_classes = [RoleGate]
    gate_model = m.Nominal

    @extend_schema(
        tags=["transfers"],
        parameters=[PURPOSE_HEADER],
        responses={200: TransferOutput, 404: _ERRORS[404]},
        summary="One transfer, with its ETag",
    )
    def get(self, request: StaffApiRequest, transfer_id: str) -> Response:
        transfer = transfer_selectors.transfer_get(user=request.user, transfer_id=transfer_id)
        log_api_reads(request, [transfer.nominal], "Partner system read of a transfer")
        return with_etag(Response(TransferOutput(transfer).data), transfer_etag(transfer))


def _decided(transfer: m.NominalTransfer) -> Response:
    transfer = m.NominalTransfer.objects.select_related(
        "nominal", "from_agency", "to_agency", "requested_by", "decided_by", "new_officer"
    ).get(pk=transfer.pk)
    return with_etag(Response(TransferOutput(transfer).data), transfer_etag(transfer))


class TransferAcceptApi(APIView):
    permission_classes = [RoleGate]
    gate_model = m.Nominal

    @extend_schema(
        tags=["transfers"],
        parameters=[IF_MATCH_HEADER],
        request=TransferAcceptInput,
        responses={200: TransferOutput, **_DECISION_ERRORS},
        summary="Accept a transfer to your agency (supervisors)",
        description=(
            "Your agency becomes the lead with full access; the sending agency may only read "
            "the record for REGISTER_TRANSFER_READ_DAYS days (a policy setting), then loses it. "
            "Open casework tasks, due items and the MAPPA case the sending agency led move to "
            "the chosen officer (else to you). Victims stay with their VLO's agency."
        ),
    )
    @if_match_write
    def post(self, request: StaffApiRequest, transfer_id: str) -> Response:
        transfer = transfer_selectors.transfer_get(
            user=request.user, transfer_id=transfer_id, direction="incoming"
        )
        values = _valid(TransferAcceptInput(data=request.data))
        officer = None
        username = (values.get("responsible_officer") or "").strip()
        if username:
            officer = (
                services.officer_choices(agency_id=request.user.agency_id)
                .filter(username=username)
                .first()
            )
            if officer is None:
                raise DomainError(
                    f"No officer of {request.user.agency.name} has the username {username}",
                    field="responsible_officer",
                )
        check_if_match(request, transfer, transfer_etag, first=[transfer.nominal])
        transfer = services.transfer_accept(
            actor=request.user,
            transfer=transfer,
            responsible_officer=officer,
            reason=values.get("reason", ""),
        )
        return _decided(transfer)


class _ReasonDecisionApi(APIView):
    permission_classes = [RoleGate]
    gate_model = m.Nominal
    direction: transfer_selectors.Direction

    def act(self, **kwargs: Any) -> m.NominalTransfer:
        raise NotImplementedError

    def decide(self, request: StaffApiRequest, transfer_id: str) -> Response:
        transfer = transfer_selectors.transfer_get(
            user=request.user, transfer_id=transfer_id, direction=self.direction
        )
        values = _valid(TransferReasonInput(data=request.data))
        check_if_match(request, transfer, transfer_etag, first=[transfer.nominal])
        transfer = self.act(actor=request.user, transfer=transfer, reason=values["reason"])
        return _decided(transfer)


class TransferRejectApi(_ReasonDecisionApi):
    direction = "incoming"

    def act(self, **kwargs: Any) -> m.NominalTransfer:
        return services.transfer_reject(**kwargs)

    @extend_schema(
        tags=["transfers"],
        parameters=[IF_MATCH_HEADER],
        request=TransferReasonInput,
        responses={200: TransferOutput, **_DECISION_ERRORS},
        summary="Reject a transfer to your agency (supervisors), saying why",
    )
    @if_match_write
    def post(self, request: StaffApiRequest, transfer_id: str) -> Response:
        return self.decide(request, transfer_id)


class TransferWithdrawApi(_ReasonDecisionApi):
    direction = "outgoing"

    def act(self, **kwargs: Any) -> m.NominalTransfer:
        return services.transfer_withdraw(**kwargs)

    @extend_schema(
        tags=["transfers"],
        parameters=[IF_MATCH_HEADER],
        request=TransferReasonInput,
        responses={200: TransferOutput, **_DECISION_ERRORS},
        summary="Withdraw your agency's transfer request, saying why",
    )
    @if_match_write
    def post(self, request: StaffApiRequest, transfer_id: str) -> Response:
        return self.decide(request, transfer_id)
