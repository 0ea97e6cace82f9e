"""Sending deliveries: payload, Standard Webhooks signature, the claim, retries.

A delivery is claimed with SELECT … FOR UPDATE SKIP LOCKED (only its own row: never the
subscription's, which would make every other delivery to the same partner look taken)
and held for the length of the POST, so two workers never send one row at once. The
state is written in the same transaction, after the answer: a worker killed mid-POST
leaves the row as it was, and the next worker sends it again. Delivery is therefore at
least once; receivers deduplicate by the `webhook-id` header, the same on every attempt.

Whether the partner's agency may see the record is asked of the access gate at send
time, not when the event was written: access may have been withdrawn in between.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from typing import Any

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from standardwebhooks import Webhook

from core.events import DomainEvent
from partners import conf
from partners.models import (
    DUE_STATES,
    DeliveryState,
    WebhookAttempt,
    WebhookDelivery,
    WebhookSubscription,
)
from register import access
from register.models import ApiClient, Nominal

logger = logging.getLogger(__name__)

DELIVER_TASK = "partners.tasks.deliver_webhook"
DUE_GRACE = dt.timedelta(milliseconds=250)

# Payloads carry ids, the type, the time and a link, never what a record says. Of an
# event's `data` only ids, times and small codes pass; anything naming a victim never.
_PASSING_SUFFIXES = ("_id", "_ids", "_at", "_on")
_PASSING_KEYS = frozenset(
    {"kind", "level", "previous_level", "category", "outcome", "status", "fields"}
)
_WITHHELD_WORDS = ("victim", "contact", "address", "phone", "email", "postcode")


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def _passes(key: str, value: Any) -> bool:
    lowered = key.lower()
    if any(word in lowered for word in _WITHHELD_WORDS):
        return False
    if not (lowered in _PASSING_KEYS or lowered.endswith(_PASSING_SUFFIXES)):
        return False
    return _is_scalar(value) or (isinstance(value, list) and all(_is_scalar(v) for v in value))


def resource_link(nominal_id: str | None) -> str | None:
    """The absolute API address a partner reads the record at (through the access gate)."""
    if not nominal_id:
        return None
    path = reverse("api-nominal-detail", kwargs={"nominal_id": nominal_id})
    return settings.SERVICE_URL.rstrip("/") + path


def payload_for(event: DomainEvent) -> dict[str, Any]:
    data: dict[str, Any] = {
        key: value for key, value in sorted(event.data.items()) if _passes(key, value)
    }
    data.update(
        {
            "id": event.subject_id,
            "subject_type": event.subject_type,
            "nominal_id": event.nominal_id,
            "link": resource_link(event.nominal_id),
        }
    )
    return {"type": event.type, "timestamp": event.at.isoformat(), "data": data}


def subscriptions_for(event_type: str) -> QuerySet[WebhookSubscription]:
    return WebhookSubscription.objects.filter(
        Q(event_types__contains=[event_type]) | Q(event_types__contains=["*"]),
        is_active=True,
        client__is_active=True,
    )


# Signing ------------------------------------------------------------------------------


def signing_secrets(subscription: WebhookSubscription, now: dt.datetime) -> list[str]:
    """The secrets that sign now: the newest, and during an overlap the one it replaced."""
    return [
        s.secret
        for s in subscription.secrets.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .order_by("-created_at", "-pk")
        .only("secret")
    ]


def signed_headers(
    *, event_id: str, body: str, secrets: list[str], now: dt.datetime
) -> dict[str, str]:
    """Standard Webhooks headers; one `v1,` signature per secret, space-separated."""
    signatures = " ".join(Webhook(secret).sign(event_id, now, body) for secret in secrets)
    return {
        "webhook-id": event_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signatures,
        "content-type": "application/json",
        "user-agent": "da-register-webhooks/1",
    }


# Sending ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    status_code: int | None
    error: str
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer, not an instruction: following it would send the event (and
    its signature) to an address the partner never subscribed, perhaps inside our network."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> Answer:
    if not url.lower().startswith(("https://", "http://")):
        return Answer(None, "Only http and https addresses can be called", 0)
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 - scheme checked above
    started = time.monotonic()
    try:
        with _opener.open(request, timeout=timeout) as response:
            status, error = response.status, ""
    except urllib.error.HTTPError as exc:
        status, error = exc.code, f"HTTP {exc.code}"
    except Exception as exc:  # a refused connection, a timeout, a TLS failure, a reset...
        status, error = None, f"{type(exc).__name__}: {exc}"[:2000]
    return Answer(status, error, int((time.monotonic() - started) * 1000))


def partner_may_see(client: ApiClient, nominal_id: uuid.UUID | str | None) -> bool:
    """The access gate, asked as the partner's own account, now."""
    user = client.user
    if nominal_id is None or not (client.is_active and user.is_active):
        return False
    return access.scoped(Nominal.objects.filter(pk=nominal_id), user).exists()


@dataclass
class SendResult:
    delivered: int = 0
    failed: int = 0
    dead: int = 0
    skipped: int = 0
    retry_after: list[tuple[str, float]] | None = None

    @property
    def handled(self) -> int:
        return self.delivered + self.failed + self.dead + self.skipped


def _due(now: dt.datetime) -> QuerySet[WebhookDelivery]:
    # A moment's grace: a retry queued with a countdown may run a hair before its time, and
    # would otherwise wait for the next sweep.
    return WebhookDelivery.objects.filter(
        state__in=DUE_STATES, next_attempt_at__lte=now + DUE_GRACE
    )


def _claim(queryset: QuerySet[WebhookDelivery]) -> WebhookDelivery | None:
    return (
        queryset.select_for_update(skip_locked=True, of=("self",))
        .select_related("subscription__client__user__agency")
        .order_by("next_attempt_at")
        .first()
    )


def send_one(delivery_id: uuid.UUID | str) -> SendResult:
    """Send one delivery if it is due and nobody else is sending it."""
    result = SendResult(retry_after=[])
    with transaction.atomic():
        delivery = _claim(_due(timezone.now()).filter(pk=delivery_id))
        if delivery is not None:
            _send(delivery, result)
    _queue_retries(result)
    return result


def send_due(*, limit: int | None = None) -> SendResult:
    """Send what is due, one delivery per transaction, until none is left or `limit`."""
    limit = limit if limit is not None else conf.sweep_batch()
    result = SendResult(retry_after=[])
    while result.handled < limit:
        with transaction.atomic():
            delivery = _claim(_due(timezone.now()))
            if delivery is None:
                break
            _send(delivery, result)
    _queue_retries(result)
    return result


def _send(delivery: WebhookDelivery, result: SendResult) -> None:
    subscription = delivery.subscription
    now = timezone.now()
    if not subscription.is_active or not partner_may_see(subscription.client, delivery.nominal_id):
        delivery.state = DeliveryState.SKIPPED
        delivery.next_attempt_at = None
        delivery.last_error = (
            "Not sent: the subscription is turned off"
            if not subscription.is_active
            else "Not sent: the partner's agency may not see this record"
        )
        delivery.save(update_fields=["state", "next_attempt_at", "last_error"])
        result.skipped += 1
        return
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True)
    headers = signed_headers(
        event_id=delivery.event_id,
        body=body,
        secrets=signing_secrets(subscription, now),
        now=now,
    )
    answer = post(subscription.url, body.encode(), headers, conf.delivery_timeout())
    WebhookAttempt.objects.create(
        delivery=delivery,
        at=now,
        status_code=answer.status_code,
        error=answer.error,
        duration_ms=answer.duration_ms,
    )
    delivery.attempts += 1
    delivery.last_attempt_at = now
    delivery.last_status_code = answer.status_code
    delivery.last_error = answer.error
    schedule = conf.retry_schedule()
    if answer.ok:
        delivery.state = DeliveryState.DELIVERED
        delivery.delivered_at = timezone.now()
        delivery.next_attempt_at = None
        result.delivered += 1
    elif delivery.attempts <= len(schedule):
        delivery.state = DeliveryState.FAILED
        delivery.next_attempt_at = now + schedule[delivery.attempts - 1]
        result.failed += 1
        assert result.retry_after is not None  # noqa: S101 - set by both callers
        result.retry_after.append(
            (str(delivery.pk), (delivery.next_attempt_at - timezone.now()).total_seconds())
        )
    else:
        delivery.state = DeliveryState.DEAD
        delivery.next_attempt_at = None
        result.dead += 1
        logger.error(
            "Webhook %s to %s failed %d times and is given up: %s",
            delivery.event_id,
            subscription.url,
            delivery.attempts,
            delivery.last_error,
        )
    delivery.save(
        update_fields=[
            "state",
            "attempts",
            "last_attempt_at",
            "last_status_code",
            "last_error",
            "delivered_at",
            "next_attempt_at",
        ]
    )


def _queue_retries(result: SendResult) -> None:
    """Retries due soon go to the broker with a countdown; later ones wait for the sweep."""
    limit = conf.countdown_limit().total_seconds()
    soon = [(pk, delay) for pk, delay in result.retry_after or [] if delay <= limit]
    for pk, delay in soon:
        queue_delivery(pk, countdown=max(0.0, delay))


def queue_delivery(delivery_id: str, *, countdown: float = 0) -> bool:
    """Ask a worker to send a delivery. A broker outage is logged, not raised: the row is
    in the database, and the periodic sweep sends it when the broker is back."""
    try:
        # By name: the tasks module stands on this one, not the other way round.
        current_app.send_task(
            DELIVER_TASK,
            args=[delivery_id],
            countdown=countdown,
            queue=conf.celery_queue(),
            retry=False,
        )
    except Exception:  # kombu and redis raise several kinds for one outage
        logger.warning(
            "Could not queue webhook delivery %s (is the broker down?); the sweep will send it",
            delivery_id,
            exc_info=True,
        )
        return False
    return True
