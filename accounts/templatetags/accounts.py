"""Template helpers for pages the register draws about accounts (staff list, lockout)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django import template

from accounts.selectors import locked_usernames
from register.models import StaffUser

register = template.Library()


@register.simple_tag
def locked_accounts(members: Iterable[StaffUser]) -> set[str]:
    """The usernames among a page of accounts that are locked out: one query per page."""
    return locked_usernames(member.username for member in members)


@register.filter
def minutes(value: dt.timedelta | None) -> int:
    return int(value.total_seconds() // 60) if value else 0
