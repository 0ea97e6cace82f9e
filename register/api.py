"""/api/v1/ for partner systems. Thin: parse, call a selector or service, render.

Every nominal endpoint reads through the register's selectors (the access
gate), logs the read with the purpose the client gave in X-Purpose, and
guards updates with ETag / If-Match.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.input import ALSO_VALIDATED_BY_OTHERS
from register import models as m
from register import selectors, services
from register.api_conventions import (
    IF_MATCH_HEADER,
    PURPOSE_HEADER,
    RoleGate,
    check_if_match,
    etag_for,
    if_match_write,
    with_etag,
)
from register.audit import log_api_reads
from register.eligibility import evaluate_nominal, outcome_as_json
from register.requests import StaffApiRequest
from register.search import nominal_search
from register.serializers import (
    MeOutput,
    NominalInput,
    NominalOutput,
    NominalSummaryOutput,
    OffenceOutput,
    ReasonInput,
    detail_serializer,
)


def nominal_etag(nominal: m.Nominal) -> str:
    return etag_for(f"{nominal.pk}:{nominal.updated_at.isoformat()}")


def detail_etag(detail: Any) -> str:
    return etag_for(f"{detail.pk}:{detail.updated_at.isoformat()}")


def _raise_with_reason(data: serializers.Serializer[Any], request: StaffApiRequest) -> None:
    """Validate, and report a missing reason in the same response as every other field.

    Each serializer validates part of one body: each names the other's fields as known, so
    only a field neither declares is refused as unknown (core.input).
    """
    reason = ReasonInput(data=request.data, context={ALSO_VALIDATED_BY_OTHERS: list(data.fields)})
    data.context[ALSO_VALIDATED_BY_OTHERS] = list(reason.fields)
    data_valid, reason_valid = data.is_valid(), reason.is_valid()
    if not (data_valid and reason_valid):
        # The record's serializer speaks last: it may refuse a field by name with its own
        # message (`refused_fields`), which the reason's "Unknown field." must not hide.
        raise serializers.ValidationError({**dict(reason.errors), **dict(data.errors)})


class MeApi(APIView):
    required_scope = None  # any partner system may ask who its credentials act for

    @extend_schema(responses=MeOutput, summary="Who the credentials act for")
    def get(self, request: StaffApiRequest) -> Response:
        return Response(MeOutput(request.user).data)


class OffenceListApi(generics.ListAPIView[m.Offence]):
    """The offence catalogue, for choosing `offence` codes on convictions."""

    serializer_class = OffenceOutput
    pagination_class = None
    queryset = m.Offence.objects.filter(is_active=True)


class NominalListApi(generics.GenericAPIView[m.Nominal]):
    serializer_class = NominalSummaryOutput
    permission_classes = [RoleGate]
    gate_model = m.Nominal
    request: StaffApiRequest

    def get_queryset(self) -> QuerySet[m.Nominal]:
        params = self.request.query_params
        return selectors.nominal_list_filtered(
            user=self.request.user,
            officer_id=None,
            risk_level=params.get("risk_level", ""),
            registration_status=params.get("registration_status", ""),
        ).order_by("-created_at")

    @extend_schema(
        parameters=[
            PURPOSE_HEADER,
            OpenApiParameter("risk_level", OpenApiTypes.STR, enum=m.RiskLevel.values),
            OpenApiParameter(
                "registration_status", OpenApiTypes.STR, enum=m.RegistrationStatus.values
            ),
        ],
        responses=NominalSummaryOutput(many=True),
    )
    def get(self, request: StaffApiRequest) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        assert page is not None  # noqa: S101 - cursor pagination is always on
        log_api_reads(request, page, "Partner system list of nominals")
        return self.get_paginated_response(NominalSummaryOutput(page, many=True).data)

    @extend_schema(request=NominalInput, responses={201: NominalOutput})
    def post(self, request: StaffApiRequest) -> Response:
        data = NominalInput(data=request.data, context={"user": request.user})
        data.is_valid(raise_exception=True)
        nominal = services.nominal_create(actor=request.user, **data.validated_data)
        nominal = selectors.nominal_profile(user=request.user, nominal_id=nominal.pk)
        return with_etag(
            Response(NominalOutput(nominal).data, status=status.HTTP_201_CREATED),
            nominal_etag(nominal),
        )


class NominalSearchApi(APIView):
    permission_classes = [RoleGate]
    gate_model = m.Nominal

    class HitOutput(serializers.Serializer[Any]):
        nominal = NominalSummaryOutput()
        score = serializers.IntegerField()
        reasons = serializers.ListField(child=serializers.CharField())

    @extend_schema(
        parameters=[
            PURPOSE_HEADER,
            OpenApiParameter(
                "q",
                OpenApiTypes.STR,
                required=True,
                description="Name, date of birth, NI number, PNC ID, vehicle registration, phone or email",
            ),
        ],
        responses=HitOutput(many=True),
    )
    def get(self, request: StaffApiRequest) -> Response:
        query = request.query_params.get("q", "").strip()
        if not query:
            raise serializers.ValidationError({"q": ["Enter a name, date of birth or identifier"]})
        hits = nominal_search(user=request.user, text=query)
        log_api_reads(request, [h.nominal for h in hits], "Partner system search")
        return Response(self.HitOutput(hits, many=True).data)


class NominalDetailApi(APIView):
    permission_classes = [RoleGate]
    gate_model = m.Nominal

    @extend_schema(parameters=[PURPOSE_HEADER], responses=NominalOutput)
    def get(self, request: StaffApiRequest, nominal_id: str) -> Response:
        nominal = selectors.nominal_profile(user=request.user, nominal_id=nominal_id)
        log_api_reads(request, [nominal], "Partner system read of a nominal")
        return with_etag(Response(NominalOutput(nominal).data), nominal_etag(nominal))

    @extend_schema(
        request=NominalInput(partial=True),
        responses={200: NominalOutput},
        parameters=[IF_MATCH_HEADER],
    )
    @if_match_write
    def patch(self, request: StaffApiRequest, nominal_id: str) -> Response:
        nominal = selectors.nominal_get(user=request.user, nominal_id=nominal_id, action="change")
        check_if_match(request, nominal, nominal_etag)
        data = NominalInput(
            data=request.data, partial=True, context={"user": request.user, "nominal": nominal}
        )
        _raise_with_reason(data, request)
        services.nominal_update(actor=request.user, nominal=nominal, **data.validated_data)
        nominal = selectors.nominal_profile(user=request.user, nominal_id=nominal.pk)
        return with_etag(Response(NominalOutput(nominal).data), nominal_etag(nominal))


class EligibilityCheckOutput(serializers.Serializer[Any]):
    rule = serializers.CharField()
    passed = serializers.BooleanField()
    detail = serializers.CharField()
    record_ids = serializers.ListField(
        child=serializers.CharField(), help_text="The records the detail names, in order"
    )
    source = serializers.CharField(  # type: ignore[assignment]  # the JSON key, not Field.source
        help_text="Where the rule comes from (statute or source)"
    )


class EligibilityOutcomeOutput(serializers.Serializer[Any]):
    """One criteria set, as register.eligibility.outcome_as_json gives it."""

    criteria_key = serializers.CharField()
    criteria_name = serializers.CharField()
    criteria_met = serializers.BooleanField()
    blocked = serializers.BooleanField()
    checks = serializers.ListField(child=EligibilityCheckOutput())
    can_register = serializers.BooleanField()


class NominalEligibilityApi(APIView):
    permission_classes = [RoleGate]
    gate_model = m.Nominal

    @extend_schema(
        parameters=[PURPOSE_HEADER],
        responses=EligibilityOutcomeOutput(many=True),
        summary="The nominal evaluated against every active criteria set, explained",
    )
    def get(self, request: StaffApiRequest, nominal_id: str) -> Response:
        nominal = selectors.nominal_for_eligibility(user=request.user, nominal_id=nominal_id)
        log_api_reads(request, [nominal], "Partner system eligibility check")
        outcomes = evaluate_nominal(nominal, as_of=timezone.localdate())
        return Response(
            [
                {**outcome_as_json(outcome), "can_register": outcome.can_register}
                for _, outcome in outcomes
            ]
        )


class NominalDetailListApi(APIView):
    """GET and POST /nominals/{id}/{kind}/ for every kind of detail (names, addresses, ...)."""

    permission_classes = [RoleGate]
    gate_model = m.Nominal
    kind = ""

    def get(self, request: StaffApiRequest, nominal_id: str) -> Response:
        nominal = selectors.nominal_get(user=request.user, nominal_id=nominal_id)
        spec = services.detail_kind(self.kind)
        # The serializer names the offence and the assessor: join them, one query for any number.
        related = [name for name in ("offence", "assessor") if name in spec.fields]
        details = spec.model._default_manager.filter(
            **{spec.nominal_lookup: nominal}
        ).select_related(*related)
        log_api_reads(request, [nominal], f"Partner system read of {spec.label}s")
        return Response(detail_serializer(self.kind)(details, many=True).data)

    def post(self, request: StaffApiRequest, nominal_id: str) -> Response:
        nominal = selectors.nominal_get(user=request.user, nominal_id=nominal_id, action="change")
        data = detail_serializer(self.kind)(
            data=request.data, context={"user": request.user, "nominal": nominal}
        )
        _raise_with_reason(data, request)
        values = dict(data.validated_data)
        spec = services.detail_kind(self.kind)
        parent = values.pop(spec.parent_field, None) if spec.parent_field != "nominal" else None
        detail = services.nominal_detail_add(
            actor=request.user,
            nominal=nominal,
            kind=self.kind,
            data=values,
            reason=request.data["reason"],
            parent=parent,
        )
        return with_etag(
            Response(detail_serializer(self.kind)(detail).data, status=status.HTTP_201_CREATED),
            detail_etag(detail),
        )


class NominalDetailItemApi(APIView):
    """GET, PATCH (If-Match) and DELETE (with a reason) /nominals/{id}/{kind}/{detail_id}/."""

    permission_classes = [RoleGate]
    gate_model = m.Nominal
    kind = ""

    def _get(self, request: StaffApiRequest, nominal_id: str, detail_id: str, action: str) -> Any:
        detail = selectors.nominal_detail_get(
            user=request.user,
            kind=self.kind,
            detail_id=detail_id,
            action=action,  # type: ignore[arg-type]
        )
        spec = services.detail_kind(self.kind)
        if str(spec.nominal_of(detail).pk) != str(nominal_id):
            from django.http import Http404

            raise Http404
        return detail

    def get(self, request: StaffApiRequest, nominal_id: str, detail_id: str) -> Response:
        detail = self._get(request, nominal_id, detail_id, "view")
        log_api_reads(
            request,
            [services.detail_kind(self.kind).nominal_of(detail)],
            f"Partner system read of a {services.detail_kind(self.kind).label}",
        )
        return with_etag(Response(detail_serializer(self.kind)(detail).data), detail_etag(detail))

    @if_match_write
    def patch(self, request: StaffApiRequest, nominal_id: str, detail_id: str) -> Response:
        detail = self._get(request, nominal_id, detail_id, "change")
        nominal = services.detail_kind(self.kind).nominal_of(detail)
        check_if_match(request, detail, detail_etag, first=[nominal])
        data = detail_serializer(self.kind)(
            detail,
            data=request.data,
            partial=True,
            context={"user": request.user, "nominal": nominal},
        )
        _raise_with_reason(data, request)
        values = dict(data.validated_data)
        values.pop(services.detail_kind(self.kind).parent_field, None)
        detail = services.nominal_detail_update(
            actor=request.user,
            kind=self.kind,
            detail=detail,
            data=values,
            reason=request.data["reason"],
        )
        return with_etag(Response(detail_serializer(self.kind)(detail).data), detail_etag(detail))

    @if_match_write
    def delete(self, request: StaffApiRequest, nominal_id: str, detail_id: str) -> Response:
        detail = self._get(request, nominal_id, detail_id, "change")
        nominal = services.detail_kind(self.kind).nominal_of(detail)
        check_if_match(request, detail, detail_etag, first=[nominal])
        reason = ReasonInput(data=request.data)
        reason.is_valid(raise_exception=True)
        services.nominal_detail_remove(
            actor=request.user,
            kind=self.kind,
            detail=detail,
            reason=reason.validated_data["reason"],
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


def _for_kind(method: Any) -> Any:
    """A function of the kind's own, so extend_schema documents it and not the shared method.

    extend_schema stores its annotation on the function: decorating the base class's method
    for each kind would leave every kind documented as the last one.
    """

    def handler(self: Any, *args: Any, **kwargs: Any) -> Any:
        return method(self, *args, **kwargs)

    handler.__name__, handler.__doc__ = method.__name__, method.__doc__
    return handler


def detail_views(kind: str) -> tuple[Any, Any]:
    """The list and item views for one kind of detail, documented under its own name."""
    serializer = detail_serializer(kind)
    label = services.detail_kind(kind).label
    tag = ["nominal details"]
    list_view = extend_schema(tags=tag)(
        type(
            f"{serializer.__name__[:-10]}ListApi",
            (NominalDetailListApi,),
            {
                "kind": kind,
                "get": extend_schema(
                    parameters=[PURPOSE_HEADER],
                    responses=serializer(many=True),
                    summary=f"List the nominal's {label}s",
                )(_for_kind(NominalDetailListApi.get)),
                "post": extend_schema(
                    request=serializer,
                    responses={201: serializer},
                    summary=f"Add a {label} (send `reason` too)",
                )(_for_kind(NominalDetailListApi.post)),
            },
        )
    )
    item_view = extend_schema(tags=tag)(
        type(
            f"{serializer.__name__[:-10]}ItemApi",
            (NominalDetailItemApi,),
            {
                "kind": kind,
                "get": extend_schema(
                    parameters=[PURPOSE_HEADER], responses=serializer, summary=f"Read a {label}"
                )(_for_kind(NominalDetailItemApi.get)),
                "patch": extend_schema(
                    request=serializer(partial=True),
                    responses=serializer,
                    parameters=[IF_MATCH_HEADER],
                    summary=f"Change a {label} (send `reason` too)",
                )(_for_kind(NominalDetailItemApi.patch)),
                "delete": extend_schema(
                    request=ReasonInput,
                    responses={204: None},
                    parameters=[IF_MATCH_HEADER],
                    summary=f"Remove a {label}",
                )(_for_kind(NominalDetailItemApi.delete)),
            },
        )
    )
    return list_view, item_view
