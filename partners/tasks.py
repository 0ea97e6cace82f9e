"""Celery tasks of webhook delivery: each safe to run twice or at once (SKIP LOCKED claim)."""

from __future__ import annotations

from celery import shared_task

from partners import conf, delivery


@shared_task
def deliver_webhook(delivery_id: str) -> str:
    """Send one delivery if it is still due; a second copy of this task finds it taken or
    done and does nothing."""
    result = delivery.send_one(delivery_id)
    return "sent" if result.handled else "not due"


@shared_task
def sweep_webhooks() -> dict[str, int]:
    """Send every due delivery: retries whose time has come and any whose task was lost
    (the broker was down at commit). A full batch queues another sweep at once."""
    result = delivery.send_due()
    if result.handled >= conf.sweep_batch():
        sweep_webhooks.apply_async(queue=conf.celery_queue())
    return {
        "delivered": result.delivered,
        "failed": result.failed,
        "dead": result.dead,
        "skipped": result.skipped,
    }
