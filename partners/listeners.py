"""Every domain event becomes one delivery per subscription that wants it.

Runs inside the publisher's transaction (core.events): the deliveries exist exactly when
the change does, and a change that rolls back sends nothing. Workers are asked to send
them once the transaction has committed.
"""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django.utils import timezone

from core.events import DomainEvent
from partners import delivery
from partners.models import WebhookDelivery


def write_deliveries(event: DomainEvent) -> None:
    subscription_ids = list(delivery.subscriptions_for(event.type).values_list("pk", flat=True))
    if not subscription_ids:
        return
    payload = delivery.payload_for(event)
    now = timezone.now()
    rows = WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(
                subscription_id=subscription_id,
                event_type=event.type,
                nominal_id=event.nominal_id,
                payload=payload,
                created_at=now,
                next_attempt_at=now,
            )
            for subscription_id in subscription_ids
        ]
    )
    transaction.on_commit(partial(_queue, [str(row.pk) for row in rows]))


def _queue(delivery_ids: list[str]) -> None:
    for delivery_id in delivery_ids:
        delivery.queue_delivery(delivery_id)
