"""/api/v1/ endpoints for a registration after the decision: its notice, reviews and appeals,
and its end (issue 15, "Registration over the API"). The decision itself is
POST /nominals/{id}/registration/ (register.api_safeguard).

The same services, rules and refusals as the pages (register.services.registration,
register.views.registration): a registration is reached through its nominal's grant, so
another agency's answers 404, as does a role that cannot view (reads) or change (writes)
records, and a decision not to register (it has no notice, review or end). A change to an
existing registration or review needs its ETag in If-Match (two clients holding one ETag:
one changes it, the other gets 412); every POST takes an Idempotency-Key (core.idempotency).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from register import models as m
from register import page_helpers, services
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
from register.requests import StaffApiRequest
from register.serializers import RegistrationOutput

_ERRORS = {
    400: OpenApiResponse(
        OpenApiTypes.OBJECT, description='Field by field: {"field": ["message"]}; nothing changed'
    ),
    404: OpenApiResponse(
        OpenApiTypes.OBJECT,
        description="No such registration, another agency's, a decision not to register, or a "
        "role that cannot act on records",
    ),
}
_CHANGE_ERRORS = {
    **_ERRORS,
    412: OpenApiResponse(OpenApiTypes.OBJECT, description="It changed since you read it"),
    428: OpenApiResponse(OpenApiTypes.OBJECT, description="If-Match is missing"),
}


def registration_etag(registration: m.Registration) -> str:
    return etag_for(f"{registration.pk}:{registration.updated_at.isoformat()}")


def review_etag(review: m.RegistrationReview) -> str:
    return etag_for(f"{review.pk}:{review.updated_at.isoformat()}")


def _registration(
    request: StaffApiRequest, registration_id: str, action: str = "view"
) -> m.Registration:
    """Through the nominal's grant, as the pages fetch it: a decision not to register is 404."""
    registration = page_helpers.registration_get(
        user=request.user,
        registration_id=registration_id,
        action=action,  # type: ignore[arg-type]
    )
    if registration.decision != m.Decision.REGISTER:
        raise Http404
    return registration


def _valid(data: serializers.Serializer[Any]) -> dict[str, Any]:
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


# The notice -------------------------------------------------------------------------------


class NoticePersonOutput(serializers.Serializer[m.Nominal]):
    id = serializers.UUIDField()
    given_names = serializers.CharField()
    family_name = serializers.CharField()
    date_of_birth = serializers.DateField(allow_null=True)


class NoticeCriteriaOutput(serializers.Serializer[m.CriteriaSet]):
    key = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()


class NoticeOutput(serializers.Serializer[m.Registration]):
    """The facts the printed notice gives the person (register/registration_notice.html)."""

    reference = serializers.UUIDField(source="pk", help_text="Quoted by the person in a review")
    registration = serializers.SerializerMethodField()
    person = NoticePersonOutput(source="nominal")
    issued_by = serializers.CharField(source="nominal.lead_agency.name")
    offender_manager = serializers.SerializerMethodField()
    criteria_set = NoticeCriteriaOutput()
    decided_on = serializers.DateField()
    starts_on = serializers.DateField()
    review_on = serializers.DateField()
    notice_served_on = serializers.DateField(allow_null=True)
    current = serializers.BooleanField(source="is_current")
    ended_on = serializers.DateField(allow_null=True)

    def get_registration(self, registration: m.Registration) -> str:
        return reverse("api-registration-notice", args=[registration.pk])

    def get_offender_manager(self, registration: m.Registration) -> str | None:
        officer = registration.nominal.responsible_officer
        if officer is None:
            return None
        return officer.get_full_name() or officer.username


class ServeNoticeInput(serializers.Serializer[Any]):
    served_on = serializers.DateField()
    reason = serializers.CharField(
        max_length=2000, help_text="How it was served; kept in the record's history"
    )


class RegistrationNoticeApi(APIView):
    permission_classes = [RoleGate]
    gate_model = m.Nominal

    @extend_schema(
        tags=["registration"],
        parameters=[PURPOSE_HEADER],
        responses={200: NoticeOutput, 404: _ERRORS[404]},
        summary="The registration notice's facts",
        description=(
            "What the printed notice tells the person: who registered them, from when, on "
            "which criteria, when it will be reviewed, and whether the notice was served. "
            "The ETag is the registration's, for If-Match on the notice, review and end."
        ),
    )
    def get(self, request: StaffApiRequest, registration_id: str) -> Response:
        registration = _registration(request, registration_id)
        log_api_reads(request, [registration.nominal], "Partner system read of a notice")
        return with_etag(Response(NoticeOutput(registration).data), registration_etag(registration))

    @extend_schema(
        tags=["registration"],
        parameters=[IF_MATCH_HEADER],
        request=ServeNoticeInput,
        responses={200: NoticeOutput, **_CHANGE_ERRORS},
        summary="Record the notice as served",
        description="Only a current registration's notice is served; the date is not in the "
        "future.",
    )
    @if_match_write
    def post(self, request: StaffApiRequest, registration_id: str) -> Response:
        registration = _registration(request, registration_id, "change")
        check_if_match(request, registration, registration_etag, first=[registration.nominal])
        values = _valid(ServeNoticeInput(data=request.data))
        registration = services.registration_serve_notice(
            actor=request.user, registration=registration, **values
        )
        return with_etag(Response(NoticeOutput(registration).data), registration_etag(registration))


# Ending -----------------------------------------------------------------------------------


class EndInput(serializers.Serializer[Any]):
    ended_on = serializers.DateField()
    end_reason = serializers.CharField(max_length=5000, help_text="Why the registration ends")


class RegistrationEndApi(APIView):
    permission_classes = [RoleGate]
    gate_model = m.Nominal

    @extend_schema(
        tags=["registration"],
        parameters=[IF_MATCH_HEADER],
        request=EndInput,
        responses={200: RegistrationOutput, **_CHANGE_ERRORS},
        summary="End the registration",
        description=(
            "As the page does: only a current registration ends, with a reason, on a date "
            "neither before it started nor in the future. Victims' liaison officers and MAPPA "
            "hear of it (registration.ended)."
        ),
    )
    @if_match_write
    def post(self, request: StaffApiRequest, registration_id: str) -> Response:
        registration = _registration(request, registration_id, "change")
        check_if_match(request, registration, registration_etag, first=[registration.nominal])
        values = _valid(EndInput(data=request.data))
        registration = services.registration_end(
            actor=request.user, registration=registration, **values
        )
        return with_etag(
            Response(RegistrationOutput(registration).data), registration_etag(registration)
        )


# Reviews and appeals ----------------------------------------------------------------------


class ReviewOutput(serializers.ModelSerializer[m.RegistrationReview]):
    decided_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    url = serializers.SerializerMethodField()

    class Meta:
        model = m.RegistrationReview
        fields = [
            "id",
            "url",
            "registration",
            "kind",
            "requested_on",
            "requested_by",
            "grounds",
            "outcome",
            "outcome_reason",
            "decided_on",
            "decided_by",
            "created_at",
        ]

    def get_url(self, review: m.RegistrationReview) -> str:
        return reverse("api-registration-review", args=[review.registration_id, review.pk])


class ReviewRequestInput(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=m.ReviewKind.choices)
    requested_on = serializers.DateField()
    requested_by = serializers.CharField(
        max_length=200, help_text="The person, or their representative and who they act for"
    )
    grounds = serializers.CharField(max_length=5000)


class ReviewDecideInput(serializers.Serializer[Any]):
    outcome = serializers.ChoiceField(
        choices=[c for c in m.ReviewOutcome.choices if c[0] != m.ReviewOutcome.PENDING]
    )
    outcome_reason = serializers.CharField(max_length=5000)
    decided_on = serializers.DateField()


class RegistrationReviewsApi(APIView):
    permission_classes = [RoleGate]
    gate_model = m.Nominal

    @extend_schema(
        tags=["registration"],
        parameters=[PURPOSE_HEADER],
        responses={200: ReviewOutput(many=True), 404: _ERRORS[404]},
        summary="The registration's reviews and appeals, newest first",
    )
    def get(self, request: StaffApiRequest, registration_id: str) -> Response:
        registration = _registration(request, registration_id)
        reviews = page_helpers.registration_reviews(registration=registration)
        log_api_reads(request, [registration.nominal], "Partner system read of reviews")
        return Response(ReviewOutput(reviews, many=True).data)

    @extend_schema(
        tags=["registration"],
        request=ReviewRequestInput,
        responses={201: ReviewOutput, **_ERRORS},
        summary="Record a request for a review or an appeal",
        description="The person (or their representative) asked for a review or appealed. "
        "Its outcome is recorded with POST .../reviews/{review_id}/decision/.",
    )
    def post(self, request: StaffApiRequest, registration_id: str) -> Response:
        registration = _registration(request, registration_id, "change")
        values = _valid(ReviewRequestInput(data=request.data))
        review = services.registration_review_request(
            actor=request.user, registration=registration, **values
        )
        return with_etag(
            Response(ReviewOutput(review).data, status=status.HTTP_201_CREATED),
            review_etag(review),
        )


class RegistrationReviewApi(APIView):
    permission_classes = [RoleGate]
    gate_model = m.Nominal

    @extend_schema(
        tags=["registration"],
        parameters=[PURPOSE_HEADER],
        responses={200: ReviewOutput, 404: _ERRORS[404]},
        summary="One review or appeal (its ETag is for If-Match on its decision)",
    )
    def get(self, request: StaffApiRequest, registration_id: str, review_id: str) -> Response:
        registration = _registration(request, registration_id)
        review = page_helpers.review_get(registration=registration, review_id=review_id)
        log_api_reads(request, [registration.nominal], "Partner system read of a review")
        return with_etag(Response(ReviewOutput(review).data), review_etag(review))


class RegistrationReviewDecisionApi(APIView):
    permission_classes = [RoleGate]
    gate_model = m.Nominal

    @extend_schema(
        tags=["registration"],
        parameters=[IF_MATCH_HEADER],
        request=ReviewDecideInput,
        responses={200: ReviewOutput, **_CHANGE_ERRORS},
        summary="Record the outcome of a review or appeal",
        description=(
            "As the page does: a pending review is decided once, with a reason. `ended` also "
            "ends the registration on the date of the decision. If-Match carries the review's "
            "ETag."
        ),
    )
    @if_match_write
    def post(self, request: StaffApiRequest, registration_id: str, review_id: str) -> Response:
        registration = _registration(request, registration_id, "change")
        review = page_helpers.review_get(registration=registration, review_id=review_id)
        # Lock order: the nominal, then its registration, then the review.
        check_if_match(request, review, review_etag, first=[registration.nominal, registration])
        values = _valid(ReviewDecideInput(data=request.data))
        review.registration = registration
        review = services.registration_review_decide(actor=request.user, review=review, **values)
        return with_etag(Response(ReviewOutput(review).data), review_etag(review))
