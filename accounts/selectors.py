"""Reads about accounts' sign-in state."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import AccountEvent
from register.models import StaffUser


def locked_usernames(usernames: Iterable[str], *, now: dt.datetime | None = None) -> set[str]:
    """Which of these usernames django-axes now refuses from at least one address.

    One query for a whole page of accounts. It reads axes' own table (the database
    handler, the project's), with axes' rule: as many failures as AXES_FAILURE_LIMIT,
    the latest within AXES_COOLOFF_TIME.
    """
    wanted = list(usernames)
    if not wanted:
        return set()
    since = (now or timezone.now()) - settings.AXES_COOLOFF_TIME
    return set(
        AccessAttempt.objects.filter(
            username__in=wanted,
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
            attempt_time__gte=since,
        ).values_list("username", flat=True)
    )


def is_locked(account: StaffUser) -> bool:
    return bool(locked_usernames([account.username]))


def account_events(*, account: StaffUser) -> QuerySet[AccountEvent]:
    """An account's sign-in history, newest first. Callers have the account through
    register.selectors.staff_get, so only its own agency's administrators reach this."""
    return AccountEvent.objects.filter(account=account).select_related("actor")
