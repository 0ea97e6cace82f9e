"""Settings of the accounts app that are policy, not law, with their defaults."""

from __future__ import annotations

import datetime as dt

from django.conf import settings

DEFAULT_INVITATION_DAYS = 7
DEFAULT_RESET_HOURS = 24


def invitation_lifetime() -> dt.timedelta:
    """How long an invitation link works (default 7 days: long enough for someone starting
    after a weekend or leave). Setting: ACCOUNTS_INVITATION_DAYS."""
    return dt.timedelta(
        days=int(getattr(settings, "ACCOUNTS_INVITATION_DAYS", DEFAULT_INVITATION_DAYS))
    )


def reset_lifetime() -> dt.timedelta:
    """How long a reset link works (default 24 hours: the colleague is usually waiting for it,
    and a link lying in a mailbox for days is a way in). Setting: ACCOUNTS_RESET_HOURS."""
    return dt.timedelta(hours=int(getattr(settings, "ACCOUNTS_RESET_HOURS", DEFAULT_RESET_HOURS)))


def declare_figures() -> None:
    """The link lifetimes on the register's reference page /reference/rules/ (policy)."""
    from register import policy

    area = "Accounts"
    policy.declare(
        policy.RuleFigure(
            key="ACCOUNTS_INVITATION_DAYS",
            label="An invitation to set a password works for",
            value=lambda: f"{invitation_lifetime().days} days",
            basis="policy",
            source="Local policy: the setting ACCOUNTS_INVITATION_DAYS (accounts/conf.py), not law",
            area=area,
        ),
        policy.RuleFigure(
            key="ACCOUNTS_RESET_HOURS",
            label="A password reset link issued by an administrator works for",
            value=lambda: f"{int(reset_lifetime().total_seconds() // 3600)} hours",
            basis="policy",
            source="Local policy: the setting ACCOUNTS_RESET_HOURS (accounts/conf.py), not law",
            area=area,
        ),
    )
