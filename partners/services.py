"""Every write of the partners app: subscriptions, secret rotation, replay.

Keyword-only, atomic, and each records who acted and why in the subscription's history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from django.db import transaction
from django.utils import timezone

from core.events import ALL, EVENT_TYPES
from partners import conf, delivery
from partners.models import (
    DeliveryState,
    WebhookDelivery,
    WebhookSecret,
    WebhookSubscription,
)
from register.audit import save_with_history
from register.errors import DomainError
from register.models import ApiClient, StaffUser
from register.services.common import full_clean

_UNSET: Any = object()


def _clean_event_types(event_types: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(str(t).strip() for t in event_types))
    if not chosen:
        raise DomainError(
            "Choose at least one event type, or * for every type", field="event_types"
        )
    unknown = [t for t in chosen if t != ALL and t not in EVENT_TYPES]
    if unknown:
        raise DomainError(
            f"Unknown event type: {', '.join(unknown)}. Choose from the event catalogue, or *",
            field="event_types",
        )
    return [ALL] if ALL in chosen else sorted(chosen)


def _check_url(url: str) -> None:
    scheme = urlsplit(url).scheme.lower()
    if conf.require_https() and scheme != "https":
        raise DomainError("Enter an https address: events are only sent encrypted", field="url")
    if scheme not in ("http", "https"):
        raise DomainError("Enter an http or https address", field="url")


@dataclass(frozen=True)
class NewSecret:
    subscription: WebhookSubscription
    secret: str
    previous_expires_at: dt.datetime | None


@transaction.atomic
def subscription_create(
    *,
    actor: StaffUser,
    client: ApiClient,
    url: str,
    event_types: Iterable[str],
    description: str = "",
    reason: str = "Partner system subscribed to events",
) -> NewSecret:
    """Subscribe a partner's endpoint. Returns the signing secret, shown once."""
    # Lock the client so two creations at once cannot both pass the limit.
    ApiClient.objects.select_for_update().filter(pk=client.pk).first()
    if (
        WebhookSubscription.objects.filter(client=client).count()
        >= conf.max_subscriptions_per_client()
    ):
        raise DomainError(
            f"A partner system may have at most {conf.max_subscriptions_per_client()} "
            "subscriptions: change or remove one first"
        )
    subscription = WebhookSubscription(
        client=client,
        url=url,
        event_types=_clean_event_types(event_types),
        description=description,
        created_by=actor,
    )
    full_clean(subscription, exclude=["created_by", "client"])
    _check_url(url)
    save_with_history(subscription, actor=actor, reason=reason)
    secret = WebhookSecret.objects.create(subscription=subscription)
    return NewSecret(subscription, secret.secret, None)


@transaction.atomic
def subscription_update(
    *,
    actor: StaffUser,
    subscription: WebhookSubscription,
    url: str = _UNSET,
    event_types: Iterable[str] = _UNSET,
    description: str = _UNSET,
    is_active: bool = _UNSET,
    reason: str = "Partner system changed its subscription",
) -> WebhookSubscription:
    if url is not _UNSET:
        subscription.url = url
    if event_types is not _UNSET:
        subscription.event_types = _clean_event_types(event_types)
    if description is not _UNSET:
        subscription.description = description
    if is_active is not _UNSET:
        subscription.is_active = is_active
    full_clean(subscription, exclude=["created_by", "client"])
    if url is not _UNSET:
        _check_url(url)
    return save_with_history(subscription, actor=actor, reason=reason)


@transaction.atomic
def subscription_delete(
    *,
    actor: StaffUser,
    subscription: WebhookSubscription,
    reason: str = "Partner system removed its subscription",
) -> None:
    """Removes the subscription with its secrets and delivery log; its history stays."""
    subscription._history_user = actor  # type: ignore[attr-defined]
    subscription._change_reason = reason  # type: ignore[attr-defined]
    subscription.delete()


@transaction.atomic
def secret_rotate(
    *,
    actor: StaffUser,
    subscription: WebhookSubscription,
    reason: str = "Signing secret rotated",
    now: dt.datetime | None = None,
) -> NewSecret:
    """A new signing secret; the current one keeps signing for the overlap, then stops.

    The subscription's row is locked first, so two rotations at once leave one new secret
    and one overlapping one, never two live old ones.
    """
    now = now or timezone.now()
    subscription = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
    expires_at = now + conf.secret_overlap()
    subscription.secrets.filter(expires_at__isnull=True).update(expires_at=expires_at)
    secret = WebhookSecret.objects.create(subscription=subscription, created_at=now)
    save_with_history(subscription, actor=actor, reason=reason)
    return NewSecret(subscription, secret.secret, expires_at)


@transaction.atomic
def delivery_replay(
    *, actor: StaffUser, delivery_row: WebhookDelivery, now: dt.datetime | None = None
) -> WebhookDelivery:
    """Send a delivery again, with the same webhook-id, starting its retries afresh.

    The access gate is asked again at send time, so a replay of a record the partner can
    no longer see is not sent.
    """
    now = now or timezone.now()
    WebhookDelivery.objects.filter(pk=delivery_row.pk).update(
        state=DeliveryState.PENDING,
        attempts=0,
        next_attempt_at=now,
        replayed_at=now,
        replayed_by=actor,
    )
    delivery_row.refresh_from_db()
    subscription = delivery_row.subscription
    save_with_history(
        subscription, actor=actor, reason=f"Delivery {delivery_row.event_id} replayed"
    )
    transaction.on_commit(partial(delivery.queue_delivery, str(delivery_row.pk)))
    return delivery_row
