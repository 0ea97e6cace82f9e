"""/api/v1/ for partner systems. Thin: parse, call a selector or service, render."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from register import selectors, services
from register.api_conventions import RoleGate, check_if_match, etag_for
from register.audit import log_api_reads
from register.models import Nominal
from register.requests import StaffApiRequest
from register.serializers import MeOutput, NominalInput, NominalOutput, NominalUpdateInput

PURPOSE_HEADER = OpenApiParameter(
    name="X-Purpose",
    location=OpenApiParameter.HEADER,
    required=False,
    description="Why the partner system is reading: kept in the access log.",
)


class MeApi(APIView):
    @extend_schema(responses=MeOutput, summary="Who the credentials act for")
    def get(self, request: StaffApiRequest) -> Response:
        return Response(MeOutput(request.user).data)


class NominalListApi(generics.GenericAPIView):  # type: ignore[type-arg]
    serializer_class = NominalOutput
    permission_classes = [RoleGate]
    gate_model = Nominal

    request: StaffApiRequest

    def get_queryset(self) -> QuerySet[Nominal]:
        return selectors.nominal_list(user=self.request.user)

    @extend_schema(parameters=[PURPOSE_HEADER], responses=NominalOutput(many=True))
    def get(self, request: StaffApiRequest) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        assert page is not None  # noqa: S101 - cursor pagination is always on
        log_api_reads(request, page, "Partner system list of nominals")
        return self.get_paginated_response(NominalOutput(page, many=True).data)

    @extend_schema(request=NominalInput, responses={201: NominalOutput})
    def post(self, request: StaffApiRequest) -> Response:
        data = NominalInput(data=request.data)
        data.is_valid(raise_exception=True)
        nominal = services.nominal_create(actor=request.user, **data.validated_data)
        return Response(NominalOutput(nominal).data, status=status.HTTP_201_CREATED)


class NominalDetailApi(APIView):
    permission_classes = [RoleGate]
    gate_model = Nominal

    @extend_schema(parameters=[PURPOSE_HEADER], responses=NominalOutput)
    def get(self, request: StaffApiRequest, nominal_id: str) -> Response:
        nominal = selectors.nominal_get(user=request.user, nominal_id=nominal_id)
        log_api_reads(request, [nominal], "Partner system read of a nominal")
        return _with_etag(Response(NominalOutput(nominal).data), nominal)

    @extend_schema(
        request=NominalUpdateInput,
        responses={200: NominalOutput},
        parameters=[
            OpenApiParameter(
                name="If-Match",
                location=OpenApiParameter.HEADER,
                required=True,
                description="The ETag from your last read; a stale one gets 412, changing nothing.",
            )
        ],
    )
    def patch(self, request: StaffApiRequest, nominal_id: str) -> Response:
        nominal = selectors.nominal_get(user=request.user, nominal_id=nominal_id, action="change")
        check_if_match(request, nominal_etag(nominal))
        data = NominalUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        nominal = services.nominal_update(
            actor=request.user, nominal=nominal, **data.validated_data
        )
        return _with_etag(Response(NominalOutput(nominal).data), nominal)


def nominal_etag(nominal: Nominal) -> str:
    return etag_for(f"{nominal.pk}:{nominal.updated_at.isoformat()}")


def _with_etag(response: Response, nominal: Nominal) -> Response:
    response["ETag"] = nominal_etag(nominal)
    return response
