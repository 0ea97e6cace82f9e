"""Transfer of a record between agencies, through the pages and the services.

Issue 15's "Done when": before acceptance nothing moves; after it the receiving agency's
officer can change the record and the sending agency's can only read it until the period
ends, then gets 404. Agency A (the personas' lead agency) sends, agency B receives, agency C
is a third agency that must see nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from core import events
from mappa import services as mappa_services
from mappa.models import MappaCase
from notifications import services as notification_services
from notifications.models import Compartment, DueItem, Task
from register import access
from register.audit import system_actor
from register.errors import DomainError
from register.models import (
    AccessLog,
    Agency,
    Nominal,
    NominalAgencyPermission,
    NominalTransfer,
    Role,
    StaffUser,
    TransferState,
)
from register.services import nominal_update
from register.services import transfers as services
from tests import factories
from tests.base import RegisterTestCase


def until(transfer: NominalTransfer) -> dt.datetime:
    """The end of the sending agency's read-only period of an accepted transfer."""
    assert transfer.sending_read_until is not None
    return transfer.sending_read_until


class TransferTestCase(RegisterTestCase):
    supervisor_b: StaffUser
    practitioner_a: StaffUser
    agency_c: Agency
    supervisor_c: StaffUser
    officer_c: StaffUser
    nominal: Nominal
    task: Task
    victim_task: Task
    case: MappaCase

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.supervisor_b = factories.staff(cls.agency_b, Role.SUPERVISOR, username="super.b")
        cls.practitioner_a = factories.staff(
            cls.agency_a, Role.PROBATION_PRACTITIONER, username="practitioner.a"
        )
        cls.agency_c = factories.agency("C")
        cls.supervisor_c = factories.staff(cls.agency_c, Role.SUPERVISOR, username="super.c")
        cls.officer_c = factories.staff(cls.agency_c, Role.OFFENDER_MANAGER, username="om.c")
        cls.nominal = factories.nominal(cls.officer_a, "Harrow", "Dean")
        nominal_update(
            actor=cls.officer_a,
            nominal=cls.nominal,
            reason="Allocated",
            responsible_officer=cls.officer_a,
        )
        cls.task = notification_services.task_raise(
            actor=cls.officer_a,
            owner=cls.officer_a,
            nominal=cls.nominal,
            title="Check the new address",
            reason="Test setup",
        )
        cls.victim_task = notification_services.task_raise(
            actor=cls.vlo_a,
            owner=cls.vlo_a,
            nominal=cls.nominal,
            title="Tell the victim",
            compartment=Compartment.VICTIM,
            reason="Test setup",
        )
        cls.case = mappa_services.case_open(
            actor=cls.officer_a,
            nominal=cls.nominal,
            category=1,
            level=1,
            responsible_manager=cls.officer_a,
            start_date=timezone.localdate(),
            reason="Registered offender",
        )

    # Helpers ------------------------------------------------------------------------------

    def request_transfer(self, actor: Any = None) -> NominalTransfer:
        return services.transfer_request(
            actor=actor or self.officer_a,
            nominal=self.nominal,
            to_agency=self.agency_b,
            new_area="Northshire",
            reason="Moved to live with his mother",
        )

    def accept(self, transfer: NominalTransfer, officer: Any = None) -> NominalTransfer:
        return services.transfer_accept(
            actor=self.supervisor_b,
            transfer=transfer,
            responsible_officer=officer if officer is not None else self.officer_b,
            reason="Allocated to our PPU",
        )

    def actions_of(self, agency: Any) -> set[str]:
        return access.agency_actions(self.nominal, agency.pk)

    def state(self) -> tuple[object, ...]:
        """Everything a transfer moves, to compare before and after."""
        nominal = Nominal.objects.get(pk=self.nominal.pk)
        return (
            nominal.lead_agency_id,
            nominal.responsible_officer_id,
            sorted(
                NominalAgencyPermission.objects.filter(content_object=nominal).values_list(
                    "group_id", "permission__codename"
                )
            ),
            sorted(
                Task.objects.filter(nominal=nominal).values_list("pk", "owner_id", "status"),
                key=str,
            ),
            sorted(
                DueItem.objects.filter(nominal=nominal).values_list("pk", "owner_id", "agency_id"),
                key=str,
            ),
            list(MappaCase.objects.filter(nominal=nominal).values_list("lead_agency_id")),
            NominalTransfer.objects.count(),
        )

    def edit_post(self) -> Any:
        return self.client.post(
            reverse("nominal-edit", args=[self.nominal.pk]),
            {
                "family_name": "Harrow",
                "given_names": "Dean Michael",
                "date_of_birth": "1980-01-01",
                "sex": "male",
                "responsible_officer": self.officer_b.pk,
                "reason": "Corrected by the new lead agency",
            },
        )


class BeforeAcceptanceTests(TransferTestCase):
    def test_requesting_on_the_page_moves_nothing_and_shows_a_banner(self) -> None:
        before = self.state()
        self.as_user(self.officer_a)
        page = self.client.get(reverse("nominal-detail", args=[self.nominal.pk]))
        self.assertContains(page, reverse("transfer-request", args=[self.nominal.pk]))

        response = self.client.post(
            reverse("transfer-request", args=[self.nominal.pk]),
            {"to_agency": self.agency_b.pk, "new_area": "Northshire", "reason": "Moved away"},
        )

        transfer = NominalTransfer.objects.get()
        self.assertRedirects(response, reverse("transfer-detail", args=[transfer.pk]))
        self.assertEqual(transfer.state, TransferState.REQUESTED)
        self.assertEqual(transfer.from_agency, self.agency_a)
        after = self.state()
        self.assertEqual(before[:-1], after[:-1], "lead, grants, tasks, due items, MAPPA")
        self.assertEqual(self.actions_of(self.agency_b), set())
        page = self.client.get(reverse("nominal-detail", args=[self.nominal.pk]))
        self.assertContains(page, "A transfer of this record to Agency B is waiting")
        self.assertNotContains(page, reverse("transfer-request", args=[self.nominal.pk]))
        # The receiving agency still cannot open the record before it accepts.
        self.as_user(self.supervisor_b)
        self.assert_not_found(self.client.get(reverse("nominal-detail", args=[self.nominal.pk])))
        self.assertContains(
            self.client.get(reverse("transfer-detail", args=[transfer.pk])), "Accept transfer"
        )

    def test_rejection_and_withdrawal_move_nothing(self) -> None:
        before = self.state()
        transfer = self.request_transfer()
        self.as_user(self.supervisor_b)
        url = reverse("transfer-reject", args=[transfer.pk])
        refused = self.client.post(url, {"reason": "  "})
        self.assertContains(refused, "Enter why the transfer is rejected")
        self.assertContains(refused, "govuk-error-summary")
        transfer.refresh_from_db()
        self.assertEqual(transfer.state, TransferState.REQUESTED)

        self.assertRedirects(
            self.client.post(url, {"reason": "Not our area"}),
            reverse("transfer-detail", args=[transfer.pk]),
        )
        transfer.refresh_from_db()
        self.assertEqual(
            (transfer.state, transfer.decided_by, transfer.decision_reason),
            (TransferState.REJECTED, self.supervisor_b, "Not our area"),
        )
        self.assertEqual(before[:-1], self.state()[:-1])

        again = self.request_transfer()
        self.as_user(self.officer_a)
        self.assertRedirects(
            self.client.post(
                reverse("transfer-withdraw", args=[again.pk]), {"reason": "He stayed"}
            ),
            reverse("transfer-detail", args=[again.pk]),
        )
        again.refresh_from_db()
        self.assertEqual(again.state, TransferState.WITHDRAWN)
        self.assertEqual(before[:-1], self.state()[:-1])

    def test_events_announce_request_and_rejection(self) -> None:
        heard: list[events.DomainEvent] = []
        for kind in ("transfer.requested", "transfer.rejected"):
            events.subscribe(kind, heard.append)
            self.addCleanup(events.unsubscribe, kind, heard.append)
        transfer = self.request_transfer()
        services.transfer_reject(actor=self.supervisor_b, transfer=transfer, reason="No")
        self.assertEqual([e.type for e in heard], ["transfer.requested", "transfer.rejected"])
        self.assertEqual(heard[0].nominal_id, str(self.nominal.pk))
        self.assertEqual(heard[0].data["to_agency"], self.agency_b.code)


class AcceptanceTests(TransferTestCase):
    def test_confirmation_then_everything_moves_and_victims_stay(self) -> None:
        transfer = self.request_transfer()
        before = self.state()
        heard: list[events.DomainEvent] = []
        events.subscribe("transfer.accepted", heard.append)
        self.addCleanup(events.unsubscribe, "transfer.accepted", heard.append)
        self.as_user(self.supervisor_b)
        url = reverse("transfer-accept", args=[transfer.pk])
        page = self.client.get(url)
        self.assertContains(page, str(self.officer_b))
        self.assertNotContains(page, str(self.officer_c))  # only the receiving agency's staff

        confirm = self.client.post(url, {"responsible_officer": self.officer_b.pk, "reason": ""})
        self.assertContains(confirm, "Are you sure you want to accept this transfer?")
        self.assertEqual(before, self.state(), "the confirmation page changes nothing")

        done = self.client.post(
            url, {"responsible_officer": self.officer_b.pk, "reason": "", "confirm": "1"}
        )
        self.assertRedirects(done, reverse("nominal-detail", args=[self.nominal.pk]))
        transfer.refresh_from_db()
        nominal = Nominal.objects.get(pk=self.nominal.pk)
        self.assertEqual(transfer.state, TransferState.ACCEPTED)
        self.assertEqual(nominal.lead_agency, self.agency_b)
        self.assertEqual(nominal.responsible_officer, self.officer_b)
        self.assertEqual(self.actions_of(self.agency_b), {"view", "change", "share"})
        self.assertEqual(self.actions_of(self.agency_a), {"view"})
        expected_until = transfer.decided_at + dt.timedelta(  # type: ignore[operator]
            days=settings.REGISTER_TRANSFER_READ_DAYS
        )
        self.assertEqual(transfer.sending_read_until, expected_until)
        self.task.refresh_from_db()
        self.victim_task.refresh_from_db()
        self.assertEqual(self.task.owner, self.officer_b)
        self.assertEqual(self.victim_task.owner, self.vlo_a, "victims stay with their VLO")
        case = MappaCase.objects.get(pk=self.case.pk)
        self.assertEqual(
            (case.lead_agency, case.responsible_manager), (self.agency_b, self.officer_b)
        )
        items = DueItem.objects.filter(nominal=nominal, compartment=Compartment.CASEWORK)
        self.assertTrue(items.exists(), "the MAPPA case scheduled casework due items")
        self.assertEqual(
            set(items.values_list("agency_id", "owner_id")), {(self.agency_b.pk, self.officer_b.pk)}
        )
        self.assertEqual([e.type for e in heard], ["transfer.accepted"])
        # History names who moved it and why.
        latest = nominal.history.order_by("-history_date").first()  # type: ignore[attr-defined]
        self.assertEqual(latest.history_user, self.supervisor_b)
        self.assertIn("Transferred from Agency A to Agency B", latest.history_change_reason)

    def test_receiving_officer_changes_sending_officer_only_reads_until_the_period_ends(
        self,
    ) -> None:
        transfer = self.accept(self.request_transfer())
        detail = reverse("nominal-detail", args=[self.nominal.pk])
        edit = reverse("nominal-edit", args=[self.nominal.pk])

        self.as_user(self.officer_b)
        self.assertEqual(self.client.get(edit).status_code, 200)
        self.assertEqual(self.edit_post().status_code, 302)
        self.assertEqual(Nominal.objects.get(pk=self.nominal.pk).given_names, "Dean Michael")
        self.assertTrue(access.scoped(Nominal.objects.all(), self.officer_b, "change").exists())

        self.as_user(self.officer_a)
        self.assertEqual(self.client.get(detail).status_code, 200)
        self.assert_not_found(self.client.get(edit))
        self.assert_not_found(self.edit_post())
        self.assert_not_found(self.client.get(reverse("nominal-share", args=[self.nominal.pk])))
        self.assert_not_found(self.client.get(reverse("transfer-request", args=[self.nominal.pk])))
        self.assertFalse(access.scoped(Nominal.objects.all(), self.officer_a, "change").exists())

        # The scheduled job before the period ends changes nothing.
        self.assertEqual(
            services.transfers_end_sending_access(
                actor=system_actor(), now=until(transfer) - dt.timedelta(seconds=1)
            ),
            0,
        )
        self.assertEqual(self.client.get(detail).status_code, 200)

        after = until(transfer) + dt.timedelta(seconds=1)
        self.assertEqual(services.transfers_end_sending_access(actor=system_actor(), now=after), 1)
        self.assert_not_found(self.client.get(detail))
        self.assertEqual(self.actions_of(self.agency_a), set())
        grants = NominalAgencyPermission.objects.count()
        history = NominalAgencyPermission.history.count()  # type: ignore[attr-defined]
        # Run twice: idempotent.
        self.assertEqual(services.transfers_end_sending_access(actor=system_actor(), now=after), 0)
        self.assertEqual(NominalAgencyPermission.objects.count(), grants)
        self.assertEqual(NominalAgencyPermission.history.count(), history)  # type: ignore[attr-defined]
        removed = NominalAgencyPermission.history.filter(  # type: ignore[attr-defined]
            history_type="-", group_id=self.agency_a.group_id
        )
        # Who removed each grant: the accepting supervisor (change, share), then the job (view).
        self.assertEqual(
            sorted(removed.values_list("permission__codename", "history_user__username")),
            [
                ("change_nominal", "super.b"),
                ("share_nominal", "super.b"),
                ("view_nominal", system_actor().username),
            ],
        )
        self.as_user(self.officer_b)
        self.assertEqual(self.client.get(detail).status_code, 200)
        transfer.refresh_from_db()
        self.assertIsNotNone(transfer.sending_access_ended_at)

    def test_job_keeps_the_grants_of_an_agency_that_leads_the_record_again(self) -> None:
        first = self.accept(self.request_transfer())
        back = services.transfer_request(
            actor=self.officer_b,
            nominal=Nominal.objects.get(pk=self.nominal.pk),
            to_agency=self.agency_a,
            new_area="Back home",
            reason="Returned",
        )
        services.transfer_accept(
            actor=self.supervisor_a, transfer=back, responsible_officer=self.officer_a
        )
        after = until(first) + dt.timedelta(seconds=1)
        # The transfer back was accepted later: agency B's own period has not yet ended.
        NominalTransfer.objects.filter(pk=back.pk).update(
            sending_read_until=after + dt.timedelta(days=10)
        )
        self.assertEqual(services.transfers_end_sending_access(actor=system_actor(), now=after), 1)
        self.assertEqual(self.actions_of(self.agency_a), {"view", "change", "share"})
        self.assertEqual(self.actions_of(self.agency_b), {"view"})

    def test_only_a_receiving_supervisor_accepts_and_only_their_staff_are_offered(self) -> None:
        transfer = self.request_transfer()
        before = self.state()
        with self.assertRaisesMessage(DomainError, "Only a supervisor of the receiving agency"):
            services.transfer_accept(
                actor=self.officer_b, transfer=transfer, responsible_officer=None
            )
        with self.assertRaisesMessage(DomainError, "Only a supervisor of the receiving agency"):
            services.transfer_accept(
                actor=self.supervisor_c, transfer=transfer, responsible_officer=None
            )
        with self.assertRaises(DomainError) as refused:
            services.transfer_accept(
                actor=self.supervisor_b, transfer=transfer, responsible_officer=self.officer_c
            )
        self.assertEqual(refused.exception.field, "responsible_officer")
        self.as_user(self.supervisor_b)
        page = self.client.post(
            reverse("transfer-accept", args=[transfer.pk]),
            {"responsible_officer": self.officer_c.pk, "confirm": "1"},
        )
        self.assertContains(page, "Select a valid choice")
        self.assertContains(page, "govuk-error-summary")
        self.assertEqual(before, self.state())

    def test_a_decided_transfer_is_not_decided_again(self) -> None:
        transfer = self.accept(self.request_transfer())
        stale = NominalTransfer.objects.get(pk=transfer.pk)
        stale.state = TransferState.REQUESTED  # a copy read before the decision
        with self.assertRaisesMessage(DomainError, "already accepted by"):
            services.transfer_reject(actor=self.supervisor_b, transfer=stale, reason="Late")
        with self.assertRaisesMessage(DomainError, "already accepted"):
            services.transfer_withdraw(actor=self.officer_a, transfer=stale, reason="Late")

    def test_accepting_with_nobody_clears_the_officer_and_work_goes_to_the_supervisor(
        self,
    ) -> None:
        transfer = self.request_transfer()
        services.transfer_accept(
            actor=self.supervisor_b, transfer=transfer, responsible_officer=None
        )
        self.assertIsNone(Nominal.objects.get(pk=self.nominal.pk).responsible_officer)
        self.task.refresh_from_db()
        self.assertEqual(self.task.owner, self.supervisor_b)
        self.assertEqual(
            MappaCase.objects.get(pk=self.case.pk).responsible_manager, self.supervisor_b
        )


class BadInputTests(TransferTestCase):
    def test_request_page_errors_are_next_to_the_fields_and_change_nothing(self) -> None:
        before = self.state()
        self.as_user(self.officer_a)
        url = reverse("transfer-request", args=[self.nominal.pk])
        response = self.client.post(url, {"to_agency": "", "new_area": " ", "reason": ""})
        self.assertEqual(response.status_code, 200)
        for message in (
            "Choose the agency to transfer the record to",
            "Enter the area the person has moved to",
            "Enter why the record should move",
        ):
            self.assertContains(response, message, count=2)  # the summary and the field
        # The lead agency itself is not offered.
        response = self.client.post(
            url, {"to_agency": self.agency_a.pk, "new_area": "X", "reason": "Y"}
        )
        self.assertContains(response, "Select a valid choice")
        self.assertEqual(before, self.state())

    def test_one_request_at_a_time_and_never_to_the_lead_agency(self) -> None:
        self.request_transfer()
        before = self.state()
        with self.assertRaisesMessage(DomainError, "already waiting for a decision") as refused:
            services.transfer_request(
                actor=self.supervisor_a,
                nominal=self.nominal,
                to_agency=self.agency_c,
                new_area="Elsewhere",
                reason="Moved again",
            )
        self.assertEqual(refused.exception.field, "to_agency")
        with self.assertRaises(DomainError) as own:
            services.transfer_request(
                actor=self.officer_a,
                nominal=self.nominal,
                to_agency=self.agency_a,
                new_area="",
                reason="",
            )
        self.assertEqual(set(own.exception.errors), {"to_agency", "new_area", "reason"})
        self.assertEqual(before, self.state())


class AccessTests(TransferTestCase):
    """Another agency and the wrong roles get 404 on every transfer page, before and after."""

    def urls(self, transfer: NominalTransfer) -> list[str]:
        return [
            reverse("transfer-request", args=[self.nominal.pk]),
            reverse("transfer-detail", args=[transfer.pk]),
            reverse("transfer-accept", args=[transfer.pk]),
            reverse("transfer-reject", args=[transfer.pk]),
            reverse("transfer-withdraw", args=[transfer.pk]),
        ]

    def assert_list_hides(self, transfer: NominalTransfer) -> None:
        """The list is 404 to roles that act on no transfer; to another agency's supervisors
        and officers it lists only their own agency's transfers."""
        response = self.client.get(reverse("transfer-list"))
        if response.status_code != 404:
            self.assertEqual(response.status_code, 200)
            self.assertNotContains(response, str(transfer.pk))
            self.assertNotContains(response, "Harrow")

    def test_outsiders_and_wrong_roles_get_404_everywhere_and_change_nothing(self) -> None:
        transfer = self.request_transfer()
        before = self.state()
        outsiders = {
            "third agency's supervisor": self.supervisor_c,
            "third agency's officer": self.officer_c,
            "sending VLO": self.vlo_a,
            "sending auditor": self.auditor,
            "receiving administrator": self.admin_b,
        }
        for label, user in outsiders.items():
            self.as_user(user)
            for url in self.urls(transfer):
                with self.subTest(label, url=url):
                    self.assert_not_found(self.client.get(url))
                    if "/transfers/" not in url or not url.endswith(f"{transfer.pk}/"):
                        # The detail page only reads (a POST there is 405 for anyone).
                        self.assert_not_found(
                            self.client.post(url, {"reason": "x", "confirm": "1"})
                        )
            with self.subTest(label, url="transfer-list"):
                self.assert_list_hides(transfer)
        # Right agency, wrong role: a receiving officer cannot decide, a sending
        # practitioner (may change, not share) cannot ask or withdraw.
        self.as_user(self.officer_b)
        for name in ("transfer-detail", "transfer-accept", "transfer-reject"):
            self.assert_not_found(self.client.get(reverse(name, args=[transfer.pk])))
        self.assert_list_hides(transfer)
        self.as_user(self.practitioner_a)
        self.assert_not_found(self.client.get(reverse("transfer-request", args=[self.nominal.pk])))
        self.assert_not_found(
            self.client.post(reverse("transfer-withdraw", args=[transfer.pk]), {"reason": "x"})
        )
        # The sending side cannot decide its own request; the receiving side cannot withdraw it.
        self.as_user(self.supervisor_a)
        self.assert_not_found(self.client.get(reverse("transfer-accept", args=[transfer.pk])))
        self.as_user(self.supervisor_b)
        self.assert_not_found(self.client.get(reverse("transfer-withdraw", args=[transfer.pk])))
        self.assertEqual(before, self.state())

    def test_receiving_supervisor_reading_a_request_is_logged(self) -> None:
        transfer = self.request_transfer()
        self.as_user(self.supervisor_b)
        self.client.get(reverse("transfer-detail", args=[transfer.pk]))
        self.assertTrue(
            AccessLog.objects.filter(
                user=self.supervisor_b, record_id=str(self.nominal.pk)
            ).exists()
        )


class QueryCountTests(TransferTestCase):
    def test_list_and_detail_pages_run_a_fixed_number_of_queries(self) -> None:
        self.as_user(self.supervisor_b)
        counts: dict[str, list[int]] = {"list": [], "detail": []}
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        first = self.request_transfer()
        for n in range(4):
            person = factories.nominal(self.officer_a, f"Person{n}", "Extra")
            services.transfer_request(
                actor=self.officer_a,
                nominal=person,
                to_agency=self.agency_b,
                new_area="Northshire",
                reason="Moved",
            )
            if n in (0, 3):
                for name, url in (
                    ("list", reverse("transfer-list")),
                    ("detail", reverse("transfer-detail", args=[first.pk])),
                ):
                    with CaptureQueriesContext(connection) as queries:
                        self.assertEqual(self.client.get(url).status_code, 200)
                    counts[name].append(len(queries))
        self.assertEqual(len(set(counts["list"])), 1, counts)
        self.assertEqual(len(set(counts["detail"])), 1, counts)
        # Pinned, so a change that adds a query per row (or at all) is seen.
        with self.assertNumQueries(counts["list"][0]):
            self.client.get(reverse("transfer-list"))
        self.assertLessEqual(counts["list"][0], 10, counts)
        self.assertLessEqual(counts["detail"][0], 8, counts)

    def test_the_nominal_page_shows_the_banner_without_another_query(self) -> None:
        self.as_user(self.officer_a)
        url = reverse("nominal-detail", args=[self.nominal.pk])
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as without:
            self.client.get(url)
        self.request_transfer()
        with CaptureQueriesContext(connection) as with_banner:
            response = self.client.get(url)
        self.assertContains(response, "waiting for their decision")
        self.assertEqual(len(without), len(with_banner))


class NavigationTests(TransferTestCase):
    def test_supervisors_find_transfers_in_the_navigation_and_on_home(self) -> None:
        self.as_user(self.supervisor_b)
        home = self.client.get(reverse("home"))
        labels = {item["label"] for item in home.context["primary_navigation"]}
        self.assertIn("Transfers", labels)
        self.assertContains(home, "Records other agencies ask Agency B to take over")
        self.as_user(self.officer_a)
        home = self.client.get(reverse("home"))
        labels = {item["label"] for item in home.context["primary_navigation"]}
        self.assertNotIn("Transfers", labels)
