"""Tables that belong to no domain app: the outbox and API idempotency records."""

from __future__ import annotations

import uuid

from django.db import models


class OutboxMessage(models.Model):
    """Work that must follow a commit (an e-mail, later a partner event).

    Written in the same transaction as the change that causes it, so it exists
    exactly when the change does; a periodic sweep sends it and marks it sent only
    after the send succeeded, retrying with backoff. `dedup_key` makes writing the
    same message twice a no-op.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    topic = models.CharField(max_length=100)
    dedup_key = models.CharField(max_length=200, unique=True)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    available_at = models.DateTimeField(db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    dead_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["available_at"],
                name="outbox_pending_idx",
                condition=models.Q(sent_at__isnull=True, dead_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.topic} {self.dedup_key}"


class IdempotencyRecord(models.Model):
    """The first response to a POST carrying an Idempotency-Key, replayed for 24 hours."""

    id = models.BigAutoField(primary_key=True)
    client = models.CharField(max_length=200)
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.BinaryField(null=True, blank=True)
    response_headers = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "key"], name="idempotency_one_per_client_key")
        ]

    def __str__(self) -> str:
        return f"{self.client} {self.key}"
