from __future__ import annotations

from celery import shared_task
from django.conf import settings

from register.audit import system_actor
from register.services import staff_deactivate_dormant
from register.services.transfers import transfers_end_sending_access


@shared_task
def deactivate_dormant_staff() -> int:
    """Disable accounts nobody has used for DORMANT_ACCOUNT_DAYS; history names the scheduler."""
    return staff_deactivate_dormant(actor=system_actor(), days=settings.DORMANT_ACCOUNT_DAYS)


@shared_task
def refresh_priorities() -> int:
    """Nightly: recency decays with time alone, so every stored RFGV score is recomputed."""
    from register.priority import refresh_all_priorities

    return refresh_all_priorities()


@shared_task
def end_transferred_access() -> int:
    """Hourly: the sending agency of a transfer loses the record when its read-only period ends.

    Conditional and set-based (register.services.transfers): safe to run twice or at once.
    """
    return transfers_end_sending_access(actor=system_actor())
