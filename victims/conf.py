"""Settings of the victims app, with their defaults (override in Django settings)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

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


def declare_figures() -> None:
    """The victims app's practice figures (all policy, none statute) on /reference/rules/."""
    from register import policy

    def figure(key: str, label: str, value: Callable[[], str], source: str) -> policy.RuleFigure:
        return policy.RuleFigure(
            key=key, label=label, value=value, basis="policy", source=source, area="Victims"
        )

    policy.declare(
        figure(
            "VICTIMS_VCS_REFERRAL_WORKING_DAYS",
            "Referral to the Victim Contact Scheme after sentence",
            lambda: f"{vcs_referral_working_days()} working days",
            "Practice setting, not in the seed proposal",
        ),
        figure(
            "VICTIMS_DISCLOSURE_TARGET_DAYS",
            "Domestic Violence Disclosure Scheme: whole case",
            lambda: f"{disclosure_target_days()} days",
            "DVDS guidance default; a local setting",
        ),
        figure(
            "VICTIMS_DISCLOSURE_CHECKS_HOURS",
            "Domestic Violence Disclosure Scheme: initial checks",
            lambda: f"{disclosure_checks_hours()} hours",
            "DVDS guidance; a local setting",
        ),
        figure(
            "VICTIMS_DISCLOSURE_MEETING_WORKING_DAYS",
            "Domestic Violence Disclosure Scheme: face-to-face meeting",
            lambda: f"{disclosure_meeting_working_days()} working days",
            "DVDS guidance; a local setting",
        ),
        figure(
            "VICTIMS_VLO_CASELOAD_GUIDE",
            "Victim liaison officer caseload guide",
            lambda: f"at most {vlo_caseload_guide()} victims",
            "Caseload guide (DOMAIN.md \u201cWho uses it\u201d); a local setting",
        ),
    )
