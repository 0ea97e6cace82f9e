"""/api/v1/webhooks/: a partner system manages its own subscriptions and reads its log.

Only a partner system's token opens these endpoints (a member of staff signed in to the
pages is not a partner system: 404), and only its own subscriptions: another system's
answers 404, like a record that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.events import ALL, EVENT_TYPES
from partners import selectors, services
from partners.asyncapi import as_yaml
from partners.models import DeliveryState, WebhookDelivery, WebhookSubscription
from register.api_conventions import (
    IF_MATCH_HEADER,
    CursorPagination,
    check_if_match,
    etag_for,
    if_match_write,
    with_etag,
)
from register.models import ApiClient
from register.requests import StaffApiRequest

TAGS = ["webhooks"]
EVENT_TYPE_CHOICES = [ALL, *EVENT_TYPES]


class PartnerSystemOnly(permissions.IsAuthenticated):
    def has_permission(self, request: Any, view: Any) -> bool:
        if not super().has_permission(request, view):
            return False
        if not isinstance(request.auth, ApiClient):
            raise exceptions.NotFound()
        return True


def _client(request: StaffApiRequest) -> ApiClient:
    """The calling partner system (PartnerSystemOnly let no one else in)."""
    assert isinstance(request.auth, ApiClient)  # noqa: S101
    return request.auth


def subscription_etag(subscription: WebhookSubscription) -> str:
    return etag_for(f"{subscription.pk}:{subscription.updated_at.isoformat()}")


class SubscriptionInput(serializers.Serializer[Any]):
    url = serializers.URLField(max_length=2000, help_text="Where events are POSTed (https)")
    event_types = serializers.ListField(
        child=serializers.ChoiceField(choices=EVENT_TYPE_CHOICES),
        allow_empty=False,
        max_length=len(EVENT_TYPE_CHOICES),
        help_text="Event types to receive (see docs/asyncapi.yaml), or * for all",
    )
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    is_active = serializers.BooleanField(
        required=False,
        help_text="False turns the subscription off: events are neither sent nor kept for it",
    )


class SubscriptionOutput(serializers.ModelSerializer[WebhookSubscription]):
    class Meta:
        model = WebhookSubscription
        fields = [
            "id",
            "url",
            "event_types",
            "description",
            "is_active",
            "created_at",
            "updated_at",
        ]


class SubscriptionCreatedOutput(SubscriptionOutput):
    secret = serializers.SerializerMethodField(
        help_text="The signing secret (whsec_...). Shown once: keep it."
    )

    class Meta(SubscriptionOutput.Meta):
        fields = [*SubscriptionOutput.Meta.fields, "secret"]

    def get_secret(self, subscription: WebhookSubscription) -> str:
        return str(self.context["secret"])


class RotatedOutput(serializers.Serializer[Any]):
    secret = serializers.CharField(help_text="The new signing secret. Shown once: keep it.")
    previous_secret_expires_at = serializers.DateTimeField(
        help_text="Until then deliveries carry a signature by the old secret too"
    )


class DeliveryOutput(serializers.ModelSerializer[WebhookDelivery]):
    webhook_id = serializers.CharField(source="event_id", help_text="The webhook-id header")
    state = serializers.ChoiceField(choices=DeliveryState.choices)

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "webhook_id",
            "event_type",
            "state",
            "attempts",
            "created_at",
            "next_attempt_at",
            "last_attempt_at",
            "last_status_code",
            "last_error",
            "delivered_at",
            "replayed_at",
            "payload",
        ]


class SubscriptionListApi(APIView):
    permission_classes = [PartnerSystemOnly]

    @extend_schema(tags=TAGS, responses=SubscriptionOutput(many=True), summary="Your subscriptions")
    def get(self, request: StaffApiRequest) -> Response:
        rows = selectors.subscriptions_of_client(client=_client(request))
        return Response(SubscriptionOutput(rows, many=True).data)

    @extend_schema(
        tags=TAGS,
        request=SubscriptionInput,
        responses={201: SubscriptionCreatedOutput},
        summary="Subscribe an endpoint to events",
    )
    def post(self, request: StaffApiRequest) -> Response:
        data = SubscriptionInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values.pop("is_active", None)
        created = services.subscription_create(
            actor=request.user, client=_client(request), **values
        )
        body = SubscriptionCreatedOutput(
            created.subscription, context={"secret": created.secret}
        ).data
        return with_etag(
            Response(body, status=status.HTTP_201_CREATED),
            subscription_etag(created.subscription),
        )


class SubscriptionDetailApi(APIView):
    permission_classes = [PartnerSystemOnly]

    def _get(self, request: StaffApiRequest, subscription_id: str) -> WebhookSubscription:
        return selectors.subscription_of_client(
            client=_client(request), subscription_id=subscription_id
        )

    @extend_schema(tags=TAGS, responses=SubscriptionOutput, summary="One of your subscriptions")
    def get(self, request: StaffApiRequest, subscription_id: str) -> Response:
        subscription = self._get(request, subscription_id)
        return with_etag(
            Response(SubscriptionOutput(subscription).data), subscription_etag(subscription)
        )

    @extend_schema(
        tags=TAGS,
        request=SubscriptionInput(partial=True),
        responses=SubscriptionOutput,
        parameters=[IF_MATCH_HEADER],
        summary="Change a subscription (address, event types, paused)",
    )
    @if_match_write
    def patch(self, request: StaffApiRequest, subscription_id: str) -> Response:
        subscription = self._get(request, subscription_id)
        check_if_match(request, subscription, subscription_etag)
        data = SubscriptionInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.subscription_update(
            actor=request.user, subscription=subscription, **data.validated_data
        )
        return with_etag(
            Response(SubscriptionOutput(subscription).data), subscription_etag(subscription)
        )

    @extend_schema(
        tags=TAGS, responses={204: None}, summary="Remove a subscription and its delivery log"
    )
    def delete(self, request: StaffApiRequest, subscription_id: str) -> Response:
        subscription = self._get(request, subscription_id)
        services.subscription_delete(actor=request.user, subscription=subscription)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SubscriptionRotateApi(APIView):
    permission_classes = [PartnerSystemOnly]

    @extend_schema(
        tags=TAGS,
        request=None,
        responses=RotatedOutput,
        summary="Rotate the signing secret (the old one keeps signing for the overlap)",
    )
    def post(self, request: StaffApiRequest, subscription_id: str) -> Response:
        subscription = selectors.subscription_of_client(
            client=_client(request), subscription_id=subscription_id
        )
        rotated = services.secret_rotate(actor=request.user, subscription=subscription)
        return Response(
            RotatedOutput(
                {
                    "secret": rotated.secret,
                    "previous_secret_expires_at": rotated.previous_expires_at,
                }
            ).data
        )


class DeliveryListApi(APIView):
    permission_classes = [PartnerSystemOnly]

    @extend_schema(
        tags=TAGS,
        responses=DeliveryOutput(many=True),
        summary="The subscription's delivery log, newest first",
    )
    def get(self, request: StaffApiRequest, subscription_id: str) -> Response:
        subscription = selectors.subscription_of_client(
            client=_client(request), subscription_id=subscription_id
        )
        paginator = CursorPagination()
        page = paginator.paginate_queryset(
            selectors.deliveries_of(subscription=subscription), request, view=self
        )
        assert page is not None  # noqa: S101 - cursor pagination is always on
        return paginator.get_paginated_response(DeliveryOutput(page, many=True).data)


class DeliveryReplayApi(APIView):
    permission_classes = [PartnerSystemOnly]

    @extend_schema(
        tags=TAGS,
        request=None,
        responses={202: DeliveryOutput},
        summary="Send a delivery again (same webhook-id; retries start afresh)",
    )
    def post(self, request: StaffApiRequest, subscription_id: str, delivery_id: str) -> Response:
        subscription = selectors.subscription_of_client(
            client=_client(request), subscription_id=subscription_id
        )
        row = selectors.delivery_of(subscription=subscription, delivery_id=delivery_id)
        row = services.delivery_replay(actor=request.user, delivery_row=row)
        return Response(DeliveryOutput(row).data, status=status.HTTP_202_ACCEPTED)


@extend_schema(exclude=True)  # a document beside the OpenAPI schema, like the schema itself
class EventCatalogueApi(APIView):
    """The webhook events as AsyncAPI 3.0 YAML (docs/asyncapi.yaml), for any client."""

    required_scope = None

    def get(self, request: StaffApiRequest) -> HttpResponse:
        return HttpResponse(as_yaml(), content_type="application/yaml; charset=utf-8")
