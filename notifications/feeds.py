"""Dates the register creates that fall due: each becomes (or moves, or closes) a DueItem.

Register services call these after a change, so the same scans flag them and
the same inbox shows them.
"""

from __future__ import annotations

from django.db import models

from notifications import rules
from notifications.models import DueKind, DueStatus
from notifications.services import due_item_schedule, due_items_close
from register.models import CivilOrder, Conviction, Nominal, RiskAssessment, StaffUser


def _track(
    *,
    actor: StaffUser,
    kind: str,
    subject: models.Model,
    nominal: Nominal,
    day: object,
    title: str,
    reason: str,
) -> None:
    """Schedule the item for `day`, or close it (waived) when the date is removed."""
    if day:
        due_item_schedule(
            actor=actor,
            kind=kind,
            subject=subject,
            nominal=nominal,
            due_at=rules.end_of_day(day),  # type: ignore[arg-type]
            title=title,
            owner=nominal.responsible_officer,
            reason=reason,
        )
    else:
        due_items_close(
            actor=actor,
            kinds=[kind],
            subject=subject,
            status=DueStatus.WAIVED,
            reason=reason,
            waived_reason="Date removed from the record",
        )


def risk_assessment_changed(*, actor: StaffUser, assessment: RiskAssessment) -> None:
    _track(
        actor=actor,
        kind=DueKind.RISK_REVIEW,
        subject=assessment,
        nominal=assessment.nominal,
        day=assessment.next_review_on,
        title=f"Review {assessment.get_tool_display()}",
        reason="Risk assessment review date",
    )


def civil_order_changed(*, actor: StaffUser, order: CivilOrder) -> None:
    _track(
        actor=actor,
        kind=DueKind.ORDER_EXPIRY,
        subject=order,
        nominal=order.nominal,
        day=order.ends_on,
        title=f"{order.get_kind_display()} ends",
        reason="Civil order end date",
    )


def conviction_changed(*, actor: StaffUser, conviction: Conviction) -> None:
    _track(
        actor=actor,
        kind=DueKind.LICENCE_EXPIRY,
        subject=conviction,
        nominal=conviction.nominal,
        day=conviction.licence_end,
        title=f"Licence ends ({conviction.offence.title})",
        reason="Licence end date",
    )


FEEDS = {
    "risk-assessments": lambda actor, detail: risk_assessment_changed(
        actor=actor, assessment=detail
    ),
    "civil-orders": lambda actor, detail: civil_order_changed(actor=actor, order=detail),
    "convictions": lambda actor, detail: conviction_changed(actor=actor, conviction=detail),
}


def detail_changed(*, actor: StaffUser, kind: str, detail: models.Model) -> None:
    """Called by register.services.details after any add or change of a detail."""
    feed = FEEDS.get(kind)
    if feed:
        feed(actor, detail)


def detail_removed(*, actor: StaffUser, kind: str, detail: models.Model) -> None:
    kinds = {
        "risk-assessments": DueKind.RISK_REVIEW,
        "civil-orders": DueKind.ORDER_EXPIRY,
        "convictions": DueKind.LICENCE_EXPIRY,
    }
    if kind in kinds:
        due_items_close(
            actor=actor,
            kinds=[kinds[kind]],
            subject=detail,
            status=DueStatus.WAIVED,
            reason="Record removed",
            waived_reason="The record it belonged to was removed",
        )
