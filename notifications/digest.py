"""E-mail to officers: a notice when something of theirs becomes overdue, and a daily digest.

E-mails say what is due and link to the register; they never carry case details
(e-mail is not an accredited channel for them).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone

from core import outbox
from notifications.models import Task, TaskKind, TaskStatus
from register.models import StaffUser

if TYPE_CHECKING:
    from core.models import OutboxMessage

# Outbox topics; settings.OUTBOX_HANDLERS sends both with send_outbox_email.
OVERDUE_EMAIL = "notifications.overdue_email"
DAILY_DIGEST = "notifications.daily_digest"


def _recipients(owner_ids: set[int]) -> dict[int, StaffUser]:
    return {
        u.pk: u
        for u in StaffUser.objects.filter(pk__in=owner_ids, is_active=True).exclude(email="")
    }


def _email(to: str, subject: str, body: str, **extra: object) -> dict[str, object]:
    return {"to": [to], "subject": subject, "body": body, **extra}


def queue_overdue_notices(*, now: dt.datetime) -> int:
    """In the scan's transaction: one e-mail per officer for the overdue tasks it raised.

    The e-mail goes into the outbox with the tasks, so it exists exactly when they do:
    a scan that rolls back sends nothing, and one that commits cannot lose it to a broker
    outage. The tasks' `emailed_at` is set only once the e-mail has gone.
    """
    per_owner: dict[int, list[str]] = defaultdict(list)
    for pk, owner_id in (
        Task.objects.filter(
            kind=TaskKind.OVERDUE, status=TaskStatus.OPEN, emailed_at__isnull=True, created_at=now
        )
        .order_by("pk")
        .values_list("pk", "owner_id")
    ):
        per_owner[owner_id].append(str(pk))
    users = _recipients(set(per_owner))
    return outbox.put(
        (
            outbox.Message(
                topic=OVERDUE_EMAIL,
                # The same tasks are never announced twice, even if this is called again.
                dedup_key=f"overdue-email:{pk}:{per_owner[pk][0]}",
                payload=_email(
                    user.email,
                    "Register: items now overdue",
                    f"{len(per_owner[pk])} item(s) on your caseload became overdue. Sign in to "
                    f"the register to see your tasks: {settings.SERVICE_URL}/tasks/",
                    task_ids=per_owner[pk],
                ),
            )
            for pk, user in users.items()
        ),
        now=now,
    )


def send_outbox_email(message: OutboxMessage, sender: outbox.Sender) -> None:
    """The outbox handler for e-mails: send, then record on the tasks that they were e-mailed.

    Raises if the send fails, so the outbox retries it; the tasks are marked only after.
    """
    payload = message.payload
    EmailMessage(
        subject=payload["subject"],
        body=payload["body"],
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=payload["to"],
        connection=sender.mail,
    ).send(fail_silently=False)
    if payload.get("task_ids"):
        Task.objects.filter(pk__in=payload["task_ids"], emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        )


def send_overdue_notices() -> int:
    """Send the overdue e-mails waiting in the outbox; safe to run twice or at once."""
    return outbox.sweep(topics=[OVERDUE_EMAIL]).sent


def send_daily_digests(*, now: dt.datetime | None = None) -> int:
    """Queue today's digest for each officer with open tasks; return how many were new.

    One per officer per day, whatever the number of runs: beat catching up a missed
    07:00 after an outage, or a redelivered task, queues nothing the second time.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    rows = Task.objects.filter(status=TaskStatus.OPEN).values_list("owner_id", "kind")
    per_owner: dict[int, Counter[str]] = {}
    for owner_id, kind in rows:
        per_owner.setdefault(owner_id, Counter())[kind] += 1
    users = _recipients(set(per_owner))
    messages = []
    for pk, user in users.items():
        counts = per_owner[pk]
        lines = [f"- {TaskKind(kind).label}: {n}" for kind, n in sorted(counts.items())]
        messages.append(
            outbox.Message(
                topic=DAILY_DIGEST,
                dedup_key=f"daily-digest:{pk}:{today.isoformat()}",
                payload=_email(
                    user.email,
                    f"Register: your open tasks on {today:%d %b %Y}",
                    "Your open tasks:\n" + "\n".join(lines) + f"\n\n{settings.SERVICE_URL}/tasks/",
                ),
            )
        )
    return outbox.put(messages, now=now)
