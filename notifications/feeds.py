"""Dates the register creates that fall due: each becomes (or moves, or closes) a DueItem.

Register services call these after a change, so the same scans flag them and
the same inbox shows them. One row of FEEDS per kind of detail that carries a date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models

from notifications import rules
from notifications.models import DueKind, DueStatus
from notifications.services import due_item_schedule, due_items_close
from register.models import StaffUser


@dataclass(frozen=True)
class Feed:
    due_kind: str
    date_field: str
    title: Callable[[Any], str]
    reason: str


FEEDS = {
    "risk-assessments": Feed(
        DueKind.RISK_REVIEW,
        "next_review_on",
        lambda a: f"Review {a.get_tool_display()}",
        "Risk assessment review date",
    ),
    "civil-orders": Feed(
        DueKind.ORDER_EXPIRY,
        "ends_on",
        lambda o: f"{o.get_kind_display()} ends",
        "Civil order end date",
    ),
    "convictions": Feed(
        DueKind.LICENCE_EXPIRY,
        "licence_end",
        lambda c: f"Licence ends ({c.offence.title})",
        "Licence end date",
    ),
}


def detail_changed(*, actor: StaffUser, kind: str, detail: models.Model) -> None:
    """Schedule (or move) the item for the detail's date; close it when the date is removed."""
    feed = FEEDS.get(kind)
    if feed is None:
        return
    day: dt.date | None = getattr(detail, feed.date_field)
    nominal = detail.nominal  # type: ignore[attr-defined]
    if day:
        due_item_schedule(
            actor=actor,
            kind=feed.due_kind,
            subject=detail,
            nominal=nominal,
            due_at=rules.end_of_day(day),
            title=feed.title(detail),
            owner=nominal.responsible_officer,
            reason=feed.reason,
        )
    else:
        due_items_close(
            actor=actor,
            kinds=[feed.due_kind],
            subject=detail,
            status=DueStatus.WAIVED,
            reason=feed.reason,
            waived_reason="Date removed from the record",
        )


def detail_removed(*, actor: StaffUser, kind: str, detail: models.Model) -> None:
    feed = FEEDS.get(kind)
    if feed is not None:
        due_items_close(
            actor=actor,
            kinds=[feed.due_kind],
            subject=detail,
            status=DueStatus.WAIVED,
            reason="Record removed",
            waived_reason="The record it belonged to was removed",
        )
