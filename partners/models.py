"""Partner systems' webhook subscriptions, their signing secrets and the delivery log.

A WebhookDelivery is the outbox row of one event for one subscription: written in the
transaction of the change that caused the event, so it exists exactly when the change
does, then sent by Celery and kept as the subscription's delivery log.
"""

from __future__ import annotations

import base64
import secrets
import uuid

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from register.models import ApiClient, StaffUser

SECRET_PREFIX = "whsec_"  # noqa: S105 - the format's prefix, not a secret


def new_secret() -> str:
    """A Standard Webhooks secret: whsec_ and 24 random bytes in base64 (192 bits)."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def new_message_id() -> str:
    return f"msg_{uuid.uuid4().hex}"


class WebhookSubscription(models.Model):
    """A partner system's endpoint and the event types it wants ("*" for every type)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey(
        ApiClient, on_delete=models.PROTECT, related_name="webhook_subscriptions"
    )
    url = models.URLField(max_length=2000)
    event_types = ArrayField(models.CharField(max_length=64))
    description = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(StaffUser, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["client", "created_at"], name="webhooksub_client_idx")]

    def __str__(self) -> str:
        return f"{self.client} → {self.url}"

    def wants(self, event_type: str) -> bool:
        return "*" in self.event_types or event_type in self.event_types


class WebhookSecret(models.Model):
    """A signing secret. Rotation adds a new one and gives the old an expiry: until then
    deliveries carry a signature by each, as Standard Webhooks allows.

    Kept in clear: HMAC signing needs the secret itself, not a hash of it.
    """

    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="secrets"
    )
    secret = models.CharField(max_length=100, default=new_secret)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Secret of {self.subscription_id} from {self.created_at:%Y-%m-%d %H:%M}"

    def signs_at(self, when: object) -> bool:
        return self.expires_at is None or self.expires_at > when  # type: ignore[operator]


class DeliveryState(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    FAILED = "failed", "Failed, will be retried"
    DELIVERED = "delivered", "Delivered"
    DEAD = "dead", "Given up after every retry"
    SKIPPED = "skipped", "Not sent: the partner's agency may not see the record"


DUE_STATES = (DeliveryState.PENDING, DeliveryState.FAILED)


class WebhookDelivery(models.Model):
    """One event for one subscription: the outbox row while due, then its delivery log."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    # The webhook-id header: the same on every attempt and replay, so receivers dedup by it.
    event_id = models.CharField(max_length=64, unique=True, default=new_message_id)
    event_type = models.CharField(max_length=64)
    # Kept to ask the access gate at send time whether the partner may still see the record.
    nominal_id = models.UUIDField(null=True, blank=True)
    payload = models.JSONField()
    state = models.CharField(
        max_length=16, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    replayed_at = models.DateTimeField(null=True, blank=True)
    replayed_by = models.ForeignKey(
        StaffUser, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="webhookdelivery_due_idx",
                condition=models.Q(state__in=["pending", "failed"]),
            ),
            models.Index(fields=["subscription", "-created_at"], name="webhookdelivery_log_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=["pending", "failed"], next_attempt_at__isnull=False)
                | ~models.Q(state__in=["pending", "failed"]),
                name="webhookdelivery_due_has_time",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id} ({self.state})"


class WebhookAttempt(models.Model):
    """One POST to a partner's endpoint and how it answered: the backoff made visible."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="log")
    at = models.DateTimeField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.delivery_id} at {self.at:%H:%M:%S}: {self.status_code or self.error}"
