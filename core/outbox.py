"""The transactional outbox: work that must follow a commit, never lost and never doubled.

A change that must be followed by an e-mail (later, a partner event) writes an
OutboxMessage in its own transaction, so the message exists exactly when the change
does. `sweep` sends what is due: it claims one message at a time with
SELECT … FOR UPDATE SKIP LOCKED (two sweeps never take the same row), calls the
topic's handler (settings.OUTBOX_HANDLERS), and marks the message sent only after the
handler succeeded; a failure is retried with exponential backoff and, after
OUTBOX_MAX_ATTEMPTS, set aside as dead for a person to look at.

The sweep runs every OUTBOX_SWEEP_SECONDS from beat and is also queued after each
commit that writes a message; if the broker is down then, the periodic sweep sends
the message when it is back. Delivery is at least once: a sender killed between a
successful send and its commit sends that one message again.

Core imports no domain app: handlers are named in settings.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import get_connection
from django.db import connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from core.models import OutboxMessage

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Message:
    topic: str
    dedup_key: str
    payload: dict[str, Any]


def put(messages: Iterable[Message], *, now: dt.datetime | None = None) -> int:
    """Write messages in the caller's transaction; return how many were new.

    A message whose dedup_key was written before (sent or not) is skipped, so a job
    that runs twice queues its e-mails once.
    """
    now = now or timezone.now()
    wanted = {m.dedup_key: m for m in messages}
    if not wanted:
        return 0
    known = set(
        OutboxMessage.objects.filter(dedup_key__in=wanted).values_list("dedup_key", flat=True)
    )
    new = [
        OutboxMessage(topic=m.topic, dedup_key=key, payload=m.payload, available_at=now)
        for key, m in wanted.items()
        if key not in known
    ]
    # A concurrent writer of the same key is the other guard: ON CONFLICT DO NOTHING.
    OutboxMessage.objects.bulk_create(new, ignore_conflicts=True)
    if new:
        kick_after_commit()
    return len(new)


def kick_after_commit() -> None:
    """Queue a sweep once this transaction commits (once however many messages it wrote)."""
    if not any(entry[1] is kick for entry in connection.run_on_commit):
        transaction.on_commit(kick)


def kick() -> bool:
    """Queue a sweep now. A broker outage is logged, not raised: the caller's change has
    committed, and the periodic sweep sends its messages once the broker is back."""
    from core.tasks import sweep_outbox

    try:
        sweep_outbox.apply_async(retry=False)
    except Exception:  # kombu and redis raise several kinds for one outage
        logger.warning(
            "Could not queue the outbox sweep (is the broker down?); "
            "the periodic sweep will send the waiting messages",
            exc_info=True,
        )
        return False
    return True


@dataclass
class Sender:
    """What a handler sends with, opened once per sweep and only if needed."""

    _mail: Any = field(default=None, init=False)

    @property
    def mail(self) -> Any:
        if self._mail is None:
            self._mail = get_connection(fail_silently=False)
            self._mail.open()
        return self._mail

    def reset(self) -> None:
        """After a failure: the next message opens a fresh connection."""
        if self._mail is not None:
            try:
                self._mail.close()
            except Exception:  # closing a broken SMTP connection can raise anything
                logger.debug("Closing the mail connection failed", exc_info=True)
            self._mail = None


Handler = Callable[[OutboxMessage, Sender], None]


def handler_for(topic: str) -> Handler:
    return import_string(settings.OUTBOX_HANDLERS[topic])  # type: ignore[no-any-return]


def retry_delay(attempts: int) -> dt.timedelta:
    """Exponential backoff: base, twice that, four times… up to the maximum."""
    seconds = settings.OUTBOX_RETRY_BASE_SECONDS * 2 ** max(0, attempts - 1)
    return dt.timedelta(seconds=min(seconds, settings.OUTBOX_RETRY_MAX_SECONDS))


@dataclass
class SweepResult:
    sent: int = 0
    retrying: int = 0
    dead: int = 0

    @property
    def handled(self) -> int:
        return self.sent + self.retrying + self.dead


def sweep(
    *,
    now: dt.datetime | None = None,
    topics: Iterable[str] | None = None,
    limit: int | None = None,
) -> SweepResult:
    """Send what is due, one message per transaction, until none is left or `limit`."""
    limit = limit if limit is not None else settings.OUTBOX_BATCH
    result = SweepResult()
    sender = Sender()
    due = OutboxMessage.objects.filter(sent_at__isnull=True, dead_at__isnull=True)
    if topics is not None:
        due = due.filter(topic__in=list(topics))
    try:
        while result.handled < limit:
            clock = now or timezone.now()
            with transaction.atomic():
                message = (
                    due.filter(available_at__lte=clock)
                    .order_by("available_at")
                    .select_for_update(skip_locked=True)
                    .first()
                )
                if message is None:
                    break
                _send_one(message, sender, clock, result)
    finally:
        sender.reset()
    if result.handled:
        logger.info(
            "Outbox sweep: %d sent, %d to retry, %d dead",
            result.sent,
            result.retrying,
            result.dead,
        )
    return result


def _send_one(
    message: OutboxMessage, sender: Sender, now: dt.datetime, result: SweepResult
) -> None:
    message.attempts += 1
    try:
        # A savepoint: what the handler wrote is undone if its send then fails.
        with transaction.atomic():
            handler_for(message.topic)(message, sender)
    except Exception as exc:  # any failure of any handler is retried, then dead-lettered
        sender.reset()
        message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        if message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
            message.dead_at = now
            result.dead += 1
            logger.error(
                "Outbox message %s (%s) failed %d times and is set aside: %s",
                message.dedup_key,
                message.topic,
                message.attempts,
                message.last_error,
            )
        else:
            message.available_at = now + retry_delay(message.attempts)
            result.retrying += 1
            logger.warning(
                "Outbox message %s (%s) failed (attempt %d), retrying at %s: %s",
                message.dedup_key,
                message.topic,
                message.attempts,
                message.available_at.isoformat(),
                message.last_error,
            )
        message.save(update_fields=["attempts", "last_error", "dead_at", "available_at"])
        return
    message.sent_at = now
    message.save(update_fields=["attempts", "sent_at"])
    result.sent += 1
