"""Celery tasks of the platform: each safe to run twice or at once."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from core import idempotency, outbox


@shared_task
def sweep_outbox() -> dict[str, int]:
    """Send the outbox messages that are due. Two sweeps at once never take the same one.

    A full batch means more are waiting: another sweep is queued at once rather than
    waiting for the next beat tick.
    """
    result = outbox.sweep()
    if result.handled >= settings.OUTBOX_BATCH:
        outbox.kick()
    return {"sent": result.sent, "retrying": result.retrying, "dead": result.dead}


@shared_task
def delete_expired_idempotency_records() -> int:
    """Forget Idempotency-Keys older than IDEMPOTENCY_KEY_TTL. Running twice deletes nothing more."""
    return idempotency.delete_expired()
