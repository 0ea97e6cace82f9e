"""Issue 11, finding 2: eight notifications recorded at once for one person.

Real threads, each with its own database connection, against real PostgreSQL, through the
API as a partner force would call it. Before the fix one answered 500 (IntegrityError on the
one-open-item constraint): two writers both found no open annual item and both inserted one.
notification_record now locks the nominal's row first (then its due items), so the writers
queue and each sees what the last one met and scheduled.
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from notifications.models import DueItem, DueKind, DueStatus, Notification
from register.models import AgencyKind, Role
from tests import factories
from tests.notifications.factories import register

WRITERS = 8
FULL = ["names", "date_of_birth", "ni_number", "main_address"]


@pytest.mark.django_db(transaction=True)
def test_eight_notifications_at_once_give_no_500_and_one_consistent_record() -> None:
    agency = factories.agency("A", AgencyKind.POLICE_FORCE)
    officer = factories.staff(agency, Role.OFFENDER_MANAGER, username="officer.a")
    person = register(officer, starts_on=timezone.localdate() - dt.timedelta(days=1))
    url = reverse("api-notification-list", args=[person.nominal.pk])
    barrier = threading.Barrier(WRITERS)
    statuses: list[int] = []
    bodies: list[Any] = []

    def notify(n: int) -> None:
        client = APIClient()
        client.force_authenticate(officer)
        try:
            barrier.wait()
            response = client.post(
                url,
                {
                    "received_at": (timezone.now() - dt.timedelta(minutes=n)).isoformat(),
                    "station": "Southshire Police, Eastgate station",
                    "identity_checked": True,
                    "items": FULL,
                    "details": f"Full notification {n}",
                },
                format="json",
            )
            statuses.append(response.status_code)
            bodies.append(response.json())
        finally:
            connection.close()

    threads = [threading.Thread(target=notify, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(statuses) == WRITERS
    assert 500 not in statuses, bodies
    assert set(statuses) <= {201, 409}, bodies
    accepted = statuses.count(201)
    assert accepted == WRITERS  # with the lock, none even races: all are recorded
    assert Notification.objects.filter(nominal=person.nominal).count() == accepted
    items = DueItem.objects.filter(nominal=person.nominal)
    # The initial notification met once (by the first writer to get the lock)...
    initial = items.get(kind=DueKind.INITIAL_NOTIFICATION)
    assert initial.status == DueStatus.MET and initial.met_by is not None
    # ...and exactly one annual notification open: each later writer's full notification met
    # the annual item the one before scheduled (SOA 2003 s.85(2)(c) restarts the year).
    annual = items.filter(kind=DueKind.ANNUAL_NOTIFICATION)
    assert annual.filter(status=DueStatus.OPEN).count() == 1
    assert annual.filter(status=DueStatus.MET).count() == WRITERS - 1
