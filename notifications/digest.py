"""E-mail to officers: a notice when something of theirs becomes overdue, and a daily digest.

E-mails say what is due and link to the register; they never carry case details
(e-mail is not an accredited channel for them).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone

from notifications.models import Task, TaskKind, TaskStatus
from register.models import StaffUser


def _recipients(owner_ids: set[int]) -> dict[int, StaffUser]:
    return {
        u.pk: u
        for u in StaffUser.objects.filter(pk__in=owner_ids, is_active=True).exclude(email="")
    }


def send_overdue_notices() -> int:
    """One e-mail per officer for overdue tasks not yet e-mailed; safe to run twice."""
    with transaction.atomic():
        tasks = list(
            Task.objects.select_for_update(skip_locked=True)
            .filter(kind=TaskKind.OVERDUE, status=TaskStatus.OPEN, emailed_at__isnull=True)
            .values_list("pk", "owner_id")
        )
        if not tasks:
            return 0
        Task.objects.filter(pk__in=[pk for pk, _ in tasks]).update(emailed_at=timezone.now())
    counts = Counter(owner for _, owner in tasks)
    users = _recipients(set(counts))
    messages = [
        (
            "Register: items now overdue",
            f"{counts[pk]} item(s) on your caseload became overdue. Sign in to the register to see "
            f"your tasks: {settings.SERVICE_URL}/tasks/",
            settings.DEFAULT_FROM_EMAIL,
            [user.email],
        )
        for pk, user in users.items()
    ]
    return send_mass_mail(messages, fail_silently=False)


def send_daily_digests(*, now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
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
            (
                f"Register: your open tasks on {timezone.localtime(now):%d %b %Y}",
                "Your open tasks:\n" + "\n".join(lines) + f"\n\n{settings.SERVICE_URL}/tasks/",
                settings.DEFAULT_FROM_EMAIL,
                [user.email],
            )
        )
    return send_mass_mail(messages, fail_silently=False)
