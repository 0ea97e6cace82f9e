"""System checks: data that goes stale with the calendar says so before it is wrong."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core import checks

from notifications.rules import BANK_HOLIDAYS_ENGLAND_WALES

# Deadlines reach up to a year ahead (annual notification, plan reviews): the data must too.
HOLIDAYS_NEEDED_AHEAD = dt.timedelta(days=400)


def bank_holidays_cover(today: dt.date) -> list[checks.CheckMessage]:
    last = max(BANK_HOLIDAYS_ENGLAND_WALES)
    if last.year >= (today + HOLIDAYS_NEEDED_AHEAD).year:
        return []
    return [
        checks.Warning(
            f"England and Wales bank holidays are known only to {last.year}: working-day "
            "deadlines after that count bank holidays as working days.",
            hint="Add the next years (gov.uk/bank-holidays) to "
            "notifications.rules.BANK_HOLIDAYS_ENGLAND_WALES.",
            id="notifications.W001",
        )
    ]


@checks.register()
def check_bank_holidays(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    from django.utils import timezone

    return bank_holidays_cover(timezone.localdate())
