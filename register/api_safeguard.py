"""/api/v1/ endpoints for the misidentified-victim safeguard and registration decisions.

The same services as the pages, with the same refusals: a person flagged as a possible
misidentified victim is registered on no path until a supervisor's primary-aggressor review
finds them the primary aggressor (DOMAIN.md "Offences and the eligibility question",
Safeguard). Another agency's record and a role that cannot change records both answer 404.
"""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from register import models as m
from register import selectors, services
from register.api_conventions import PURPOSE_HEADER, RoleGate
from register.audit import log_api_reads
from register.requests import StaffApiRequest
from register.serializers import (
    AggressorReviewInput,
    AggressorReviewOutput,
    MisidentificationInput,
    RegistrationInput,
    RegistrationOutput,
    SafeguardOutput,
)

_ERRORS = {
    400: OpenApiResponse(
        OpenApiTypes.OBJECT, description='Field by field: {"field": ["message"]}; nothing changed'
    ),
    404: OpenApiResponse(
        OpenApiTypes.OBJECT,
        description="No such nominal, another agency's, or a role that cannot change records",
    ),
}


def _valid(data: serializers.Serializer[object]) -> dict[str, object]:
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


class NominalRegistrationApi(APIView):
    permission_classes = [RoleGate]
    gate_model = m.Nominal

    @extend_schema(
        tags=["registration"],
        request=RegistrationInput,
        responses={201: RegistrationOutput, **_ERRORS},
        summary="Decide whether to register the nominal",
        description=(
            "The decision the registration page records, through the same service and with the "
            "same refusals: `register` needs the criteria set met, a start date, a review date "
            "after it, and the misidentified-victim safeguard clear (a person flagged as a "
            "possible misidentified victim needs a supervisor's primary-aggressor review that "
            "found them the primary aggressor; the refusal is reported against `decision`). "
            "`do_not_register` is always possible, with its rationale. `criteria_set` is the "
            "criteria set's key (e.g. `broad-convicted`). The eligibility explanation the "
            "decision rested on is kept with it and returned."
        ),
    )
    def post(self, request: StaffApiRequest, nominal_id: str) -> Response:
        gate = selectors.nominal_get(user=request.user, nominal_id=nominal_id, action="change")
        if gate.merged_into_id:
            raise Http404
        values = _valid(RegistrationInput(data=request.data))
        # The record with the facts the decision is evaluated on, in a fixed number of queries.
        nominal = selectors.nominal_for_eligibility(user=request.user, nominal_id=gate.pk)
        registration = services.registration_decide(
            actor=request.user,
            nominal=nominal,
            criteria_set=values["criteria_set"],  # type: ignore[arg-type]
            decision=str(values["decision"]),
            rationale=str(values["rationale"]),
            decided_on=values["decided_on"],  # type: ignore[arg-type]
            starts_on=values.get("starts_on"),  # type: ignore[arg-type]
            review_on=values.get("review_on"),  # type: ignore[arg-type]
        )
        return Response(RegistrationOutput(registration).data, status=status.HTTP_201_CREATED)


class NominalMisidentificationApi(APIView):
    permission_classes = [RoleGate]
    gate_model = m.Nominal

    @extend_schema(
        tags=["registration"],
        request=MisidentificationInput,
        responses={200: SafeguardOutput, **_ERRORS},
        summary="Flag the nominal as a possible misidentified victim",
        description=(
            "Raises the flag with its reason (a counter-allegation, a dual arrest, violent "
            "resistance). Registration is then blocked until a supervisor's primary-aggressor "
            "review finds the person the primary aggressor. The flag cannot be cleared here or "
            "through PATCH /nominals/{id}/: only such a review clears it."
        ),
    )
    def post(self, request: StaffApiRequest, nominal_id: str) -> Response:
        nominal = selectors.nominal_get(user=request.user, nominal_id=nominal_id, action="change")
        values = _valid(MisidentificationInput(data=request.data))
        nominal = services.nominal_flag_misidentified(
            actor=request.user,
            nominal=nominal,
            misidentification=str(values["misidentification"]),
            raised_on=values.get("raised_on"),  # type: ignore[arg-type]
            reason=str(values["reason"]),
        )
        return Response(SafeguardOutput(nominal).data)


class NominalAggressorReviewsApi(APIView):
    permission_classes = [RoleGate]
    gate_model = m.Nominal

    @extend_schema(
        tags=["registration"],
        parameters=[PURPOSE_HEADER],
        responses={200: AggressorReviewOutput(many=True), 404: _ERRORS[404]},
        summary="The nominal's primary-aggressor reviews, newest first",
    )
    def get(self, request: StaffApiRequest, nominal_id: str) -> Response:
        nominal = selectors.nominal_get(user=request.user, nominal_id=nominal_id)
        reviews = m.PrimaryAggressorReview.objects.filter(nominal=nominal).select_related(
            "reviewed_by"
        )
        log_api_reads(request, [nominal], "Partner system read of primary-aggressor reviews")
        return Response(AggressorReviewOutput(reviews, many=True).data)

    @extend_schema(
        tags=["registration"],
        request=AggressorReviewInput,
        responses={201: AggressorReviewOutput, **_ERRORS},
        summary="Record a supervisor's primary-aggressor review",
        description=(
            "Only a user with the supervisor role may record it. `primary_aggressor` clears the "
            "possible misidentified victim flag and lifts the registration block; `victim` and "
            "`inconclusive` keep it (a `victim` finding tells the linked victim liaison "
            "officers)."
        ),
    )
    def post(self, request: StaffApiRequest, nominal_id: str) -> Response:
        nominal = selectors.nominal_get(user=request.user, nominal_id=nominal_id, action="change")
        values = _valid(AggressorReviewInput(data=request.data))
        review = services.primary_aggressor_review_record(
            actor=request.user,
            nominal=nominal,
            outcome=str(values["outcome"]),
            reviewed_on=values["reviewed_on"],  # type: ignore[arg-type]
            rationale=str(values["rationale"]),
        )
        return Response(AggressorReviewOutput(review).data, status=status.HTTP_201_CREATED)
