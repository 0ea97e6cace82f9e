"""Demo notification work, so a new user's inbox shows something on first run.

Called by register.demo.load after the register's own demo data (see APP_LOADERS).
Idempotent: each person's story is told once, found again by their registration.

- Stephen ASHWORTH (n6, registered by the register's demo a year ago) never made his
  initial notification: overdue.
- Jonathan SMITH (n1, Northmoor): registered 14 months ago; his initial notification was
  met, with a new address that went onto his record (verified on a visit); his annual
  notification is due within the week; his requirement set is tailored (the household
  requirement dropped, approved by a supervisor); and a suspected breach is recorded.
- Craig BELLAMY-HART (n2, Northmoor): registered 10 days ago; his initial notification
  (due within 3 days) is overdue.
- SMITH also opened a bank account 10 days ago and notified it 7 days ago: a change notified
  late by one day (due by the end of the third day beginning with the opening, SOA 2003
  s.84(1)), recorded as met late.
- Stephen ASHWORTH's Stalking Protection Order (the register's demo) carries its notification
  requirements (SPA 2019 s.9): name(s) and home address, its 3-day item long overdue.

The scans then run once, so the tasks are in the officers' inboxes straight away.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from notifications import rules, scans, services
from notifications.models import NotificationChannel, RequirementItem, Tailoring
from register.models import CriteriaSet, Decision, Nominal, Role, StaffUser
from register.services import registration

if TYPE_CHECKING:
    from register.demo import DemoWorld

REASON = "Demo data"


def load(world: DemoWorld) -> None:
    today = world.today
    officer = world.user("NMP", Role.OFFENDER_MANAGER)
    supervisor = world.user("NMP", Role.SUPERVISOR)
    _annual_due_soon_tailored_and_breached(world.nominals["n1"], officer, supervisor, today)
    _initial_overdue(world.nominals["n2"], officer, today)
    _change_notified_a_day_late(world.nominals["n1"], officer, today)
    scans.scan_overdue()
    scans.scan_due_soon()


def _register(nominal: Nominal, officer: StaffUser, *, on: dt.date, rationale: str) -> bool:
    """Register the person on `on`; False when the demo already did."""
    if nominal.registrations.filter(decision=Decision.REGISTER).exists():
        return False
    registration.registration_decide(
        actor=officer,
        nominal=nominal,
        criteria_set=CriteriaSet.objects.get(key="broad-convicted"),
        decision=Decision.REGISTER,
        rationale=rationale,
        decided_on=on,
        starts_on=on,
        review_on=on + dt.timedelta(days=365 * 2),
    )
    return True


def _annual_due_soon_tailored_and_breached(
    nominal: Nominal, officer: StaffUser, supervisor: StaffUser, today: dt.date
) -> None:
    registered_on = today - dt.timedelta(days=425)
    if not _register(
        nominal,
        officer,
        on=registered_on,
        rationale="Two stalking convictions against successive partners, one custodial",
    ):
        return
    # Notified three days after registering, a year ago less five days: the annual
    # notification falls due within the week.
    notified_on = today - dt.timedelta(days=360)
    notification = services.notification_record(
        actor=officer,
        nominal=nominal,
        received_at=dt.datetime.combine(notified_on, dt.time(10, 30), tzinfo=rules.LONDON),
        channel=NotificationChannel.IN_PERSON,
        station="Northmoor Central",
        identity_checked=True,
        items=["names", "date_of_birth", "ni_number", "main_address", "phone_numbers"],
        details="Initial notification. Moved in with his sister at 27 Beck Road.",
        changes=[
            (
                "addresses",
                {
                    "kind": "main",
                    "line_1": "27 Beck Road",
                    "town": "Northmoor",
                    "postcode": "NM2 6RT",
                    "date_from": notified_on - dt.timedelta(days=2),
                },
            )
        ],
    )
    services.notification_verify(
        actor=officer,
        notification=notification,
        verified_on=notified_on + dt.timedelta(days=9),
        note="Home visit: seen living at 27 Beck Road; sister confirmed",
    )
    requirement_set = nominal.registrations.get(decision=Decision.REGISTER).requirement_set
    services.requirement_tailor(
        actor=officer,
        requirement_set=requirement_set,
        item=RequirementItem.objects.get(code="household_child"),
        tailoring=Tailoring.DROPPED,
        approved_by=supervisor,
        reason="Offending is against adult intimate partners only; no child contact concerns",
    )
    services.breach_record(
        actor=officer,
        nominal=nominal,
        requirement=RequirementItem.objects.get(code="main_address"),
        found_on=today - dt.timedelta(days=4),
        evidence="Seen by patrol leaving 3 Hollin Close at 07:00 on three mornings; "
        "the address has not been notified",
    )


def _initial_overdue(nominal: Nominal, officer: StaffUser, today: dt.date) -> None:
    _register(
        nominal,
        officer,
        on=today - dt.timedelta(days=10),
        rationale="Stalking conviction with a suspended sentence; high RoSH",
    )


def _change_notified_a_day_late(nominal: Nominal, officer: StaffUser, today: dt.date) -> None:
    """A new bank account opened on day 1, notified on day 4: one day late (SOA 2003 s.84(1))."""
    if nominal.notifications.filter(items__contains=["bank_accounts"]).exists():
        return
    opened_on = today - dt.timedelta(days=10)
    services.notification_record(
        actor=officer,
        nominal=nominal,
        received_at=dt.datetime.combine(
            opened_on + dt.timedelta(days=3), dt.time(11, 0), tzinfo=rules.LONDON
        ),
        channel=NotificationChannel.IN_PERSON,
        station="Northmoor Central",
        identity_checked=True,
        items=["bank_accounts"],
        details="Opened a current account at Northern Building Society.",
        late_reason="Said he did not know a new account had to be notified",
        changes=[
            (
                "financial-accounts",
                {
                    "kind": "bank_account",
                    "provider": "Northern Building Society",
                    "last_four": "4417",
                    "joint": False,
                    "opened_on": opened_on,
                },
            )
        ],
    )
