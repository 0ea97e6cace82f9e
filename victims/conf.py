"""Settings of the victims app, with their defaults (override in Django settings)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from notifications.rules import BANK_HOLIDAYS_ENGLAND_WALES


def disclosure_target_days() -> int:
    """Days a disclosure scheme case should take from start to completion (default 28)."""
    return int(getattr(settings, "VICTIMS_DISCLOSURE_TARGET_DAYS", 28))


def vlo_caseload_guide() -> int:
    """The guide: at most this many victims per VLO (DOMAIN.md "Who uses it")."""
    return int(getattr(settings, "VICTIMS_VLO_CASELOAD_GUIDE", 180))


def vcs_referral_working_days() -> int:
    """Referral to the Victim Contact Scheme within this many working days of sentence."""
    return int(getattr(settings, "VICTIMS_VCS_REFERRAL_WORKING_DAYS", 20))


def disclosure_checks_hours() -> int:
    return int(getattr(settings, "VICTIMS_DISCLOSURE_CHECKS_HOURS", 24))


def disclosure_meeting_working_days() -> int:
    return int(getattr(settings, "VICTIMS_DISCLOSURE_MEETING_WORKING_DAYS", 10))


def bank_holidays() -> frozenset[dt.date]:
    """Days that are not working days besides weekends: England and Wales bank holidays (kept
    as data in notifications.rules), or the setting VICTIMS_BANK_HOLIDAYS (ISO dates)."""
    configured = getattr(settings, "VICTIMS_BANK_HOLIDAYS", None)
    if configured is None:
        return BANK_HOLIDAYS_ENGLAND_WALES
    return frozenset(dt.date.fromisoformat(day) for day in configured)
