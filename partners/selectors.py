"""Reads of the partners app, scoped to who asks.

A partner system sees its own subscriptions only; an administrator those of their own
agency's partner systems. Anything else answers 404, like a record that does not exist.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404

from partners.models import WebhookDelivery, WebhookSubscription
from register.models import ApiClient, Role, StaffUser


def subscriptions_of_client(*, client: ApiClient) -> QuerySet[WebhookSubscription]:
    return WebhookSubscription.objects.filter(client=client).order_by("created_at", "pk")


def subscriptions_for_administrator(*, user: StaffUser) -> QuerySet[WebhookSubscription]:
    if not (user.is_active and user.has_role(Role.ADMINISTRATOR)):
        return WebhookSubscription.objects.none()
    return (
        WebhookSubscription.objects.filter(client__user__agency_id=user.agency_id)
        .select_related("client")
        .order_by("client__name", "created_at", "pk")
    )


def _get(queryset: QuerySet[WebhookSubscription], subscription_id: str) -> WebhookSubscription:
    try:
        return queryset.get(pk=subscription_id)
    except (WebhookSubscription.DoesNotExist, ValidationError, ValueError) as exc:
        raise Http404 from exc


def subscription_of_client(*, client: ApiClient, subscription_id: str) -> WebhookSubscription:
    return _get(subscriptions_of_client(client=client), subscription_id)


def subscription_for_administrator(*, user: StaffUser, subscription_id: str) -> WebhookSubscription:
    return _get(subscriptions_for_administrator(user=user), subscription_id)


def deliveries_of(*, subscription: WebhookSubscription) -> QuerySet[WebhookDelivery]:
    return WebhookDelivery.objects.filter(subscription=subscription).order_by("-created_at", "pk")


def delivery_of(*, subscription: WebhookSubscription, delivery_id: str) -> WebhookDelivery:
    try:
        return (
            deliveries_of(subscription=subscription)
            .select_related("subscription")
            .get(pk=delivery_id)
        )
    except (WebhookDelivery.DoesNotExist, ValidationError, ValueError) as exc:
        raise Http404 from exc
