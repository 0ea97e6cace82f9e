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
from notifications.services import (
    civil_order_requirements,
    detail_notifiable_change,
    due_item_schedule,
    due_items_close,
)
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


# Order conditions carry two dates: a positive requirement's compliance review (owned by the
# officer who reports compliance, when one is named) and the end of electronic monitoring.
CONDITION_FEEDS = (
    Feed(
        DueKind.CONDITION_REVIEW,
        "review_on",
        lambda c: f"Review compliance: {c.text[:80]}",
        "Positive requirement review date",
    ),
    Feed(
        DueKind.MONITORING_END,
        "ends_on",
        lambda c: f"Electronic monitoring ends ({c.provider})",
        "Electronic monitoring end date",
    ),
)


def _condition_changed(*, actor: StaffUser, detail: Any) -> None:
    nominal = detail.order.nominal
    for feed in CONDITION_FEEDS:
        day: dt.date | None = getattr(detail, feed.date_field)
        if day:
            owner = (
                detail.compliance_officer
                if feed.due_kind == DueKind.CONDITION_REVIEW and detail.compliance_officer_id
                else nominal.responsible_officer
            )
            due_item_schedule(
                actor=actor,
                kind=feed.due_kind,
                subject=detail,
                nominal=nominal,
                due_at=rules.end_of_day(day),
                title=feed.title(detail),
                owner=owner,
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


def detail_changed(*, actor: StaffUser, kind: str, detail: models.Model) -> None:
    """Schedule (or move) the item for the detail's date; close it when the date is removed.

    A change the person must notify (a new address, name, account...) becomes its own due item
    (notifications.services.detail_notifiable_change); an SPO or a DAPO with notification
    requirements gets its requirement set and first notification due.
    """
    detail_notifiable_change(actor=actor, kind=kind, detail=detail)
    if kind == "civil-orders":
        civil_order_requirements(actor=actor, order=detail)  # type: ignore[arg-type]
    if kind == "order-conditions":
        _condition_changed(actor=actor, detail=detail)
        return
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
    if kind == "order-conditions":
        for condition_feed in CONDITION_FEEDS:
            due_items_close(
                actor=actor,
                kinds=[condition_feed.due_kind],
                subject=detail,
                status=DueStatus.WAIVED,
                reason="Record removed",
                waived_reason="The record it belonged to was removed",
            )
        return
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
