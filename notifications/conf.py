"""Settings of the notifications app that are policy, not law, with their defaults."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings

from notifications import rules


def travel_notice_days() -> int:
    """Days' notice of foreign travel that count as full notice (default 7, the 2012
    regulations' figure; the seed proposal asks only 24 hours). Setting:
    NOTIFICATIONS_TRAVEL_NOTICE_DAYS."""
    return int(
        getattr(settings, "NOTIFICATIONS_TRAVEL_NOTICE_DAYS", rules.DEFAULT_TRAVEL_NOTICE_DAYS)
    )


def _deadline_text(row: rules.DeadlineSource) -> Callable[[], str]:
    counted = "beginning with" if row.beginning_with else "after"
    return lambda: f"{row.days} days {counted} {row.event}"


def declare_figures() -> None:
    """Notification deadlines (law, from the deadline table) and local settings (policy) on
    the register's reference page /reference/rules/."""
    from register import policy

    area = "Notification requirements"
    policy.declare(
        *[
            policy.RuleFigure(
                key=f"notifications.deadline.{row.key}",
                label=f"From {row.event}: \u201c{row.wording}\u201d",
                value=_deadline_text(row),
                basis="law",
                source=row.source,
                area=area,
            )
            for row in rules.DEADLINE_SOURCES.values()
        ],
        policy.RuleFigure(
            key="notifications.annual",
            label="Annual notification",
            value=lambda: "within one year after each notification",
            basis="law",
            source="SOA 2003 s.85(1)",
            area=area,
        ),
        policy.RuleFigure(
            key="notifications.period",
            label="Notification period",
            value=lambda: (
                "custody 30 months+ indefinite; over 6 and under 30 months 10 years; 6 months "
                "or less 7 years; caution 2 years; other 5 years; halved under 18"
            ),
            basis="law",
            source=rules.PERIOD_SOURCE + " (s.82(1)-(2))",
            area=area,
        ),
        policy.RuleFigure(
            key="notifications.indefinite_review",
            label="Review of indefinite notification requirements",
            value=lambda: (
                "15 years after the initial notification (8 if under 18), then 8 "
                "years after each decision to continue"
            ),
            basis="law",
            source=rules.REVIEW_SOURCE,
            area=area,
        ),
        policy.RuleFigure(
            key="NOTIFICATIONS_TRAVEL_NOTICE_DAYS",
            label="Full notice of foreign travel",
            value=lambda: f"{travel_notice_days()} days (24 hours where that was not practicable)",
            basis="policy",
            source="Local policy setting; the 2012 regulations ask 7 days, the seed proposal "
            "24 hours",
            area=area,
        ),
        policy.RuleFigure(
            key="ESCALATE_AFTER_DAYS",
            label="An overdue task still open is escalated to a supervisor after",
            value=lambda: f"{settings.ESCALATE_AFTER_DAYS} days",
            basis="policy",
            source="Local policy setting",
            area=area,
        ),
    )
