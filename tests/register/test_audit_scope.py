"""Audit scope (issue 12): an agency's auditor sees the access log of what concerns their
agency, a national auditor sees it all.

An agency auditor sees every read made by their own agency's staff, and every read (by
anyone) of a record their agency leads or holds a grant on now; another agency's reads of
its own records would tell them who is on that agency's register, so they never see them.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.urls import reverse

from register import models as m
from register import selectors, services
from register.errors import DomainError
from register.forms import StaffUserForm
from register.models import AccessChannel, AccessLog, Role
from register.services.staff import NATIONAL_AUDITOR_MESSAGE
from tests import factories
from tests.base import RegisterTestCase


def read(user: m.StaffUser, nominal: m.Nominal, purpose: str) -> AccessLog:
    return AccessLog.objects.create(
        user=user,
        agency_id=user.agency_id,
        record_type="register.nominal",
        record_id=str(nominal.pk),
        record_label=str(nominal),
        channel=AccessChannel.PAGE,
        purpose=purpose,
    )


class AuditScopeTests(RegisterTestCase):
    """Agency A leads SMITH; agency B leads JONES. `auditor` is A's, `auditor_b` B's."""

    auditor_b: m.StaffUser
    national: m.StaffUser
    smith: m.Nominal
    jones: m.Nominal
    a_reads_smith: AccessLog
    b_reads_jones: AccessLog

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.auditor_b = factories.staff(cls.agency_b, Role.AUDITOR, username="auditor.b")
        cls.national = factories.staff(cls.agency_b, Role.NATIONAL_AUDITOR, username="national")
        cls.smith = factories.nominal(cls.officer_a, family_name="Smith")
        cls.jones = factories.nominal(cls.officer_b, family_name="Jones")
        cls.a_reads_smith = read(cls.officer_a, cls.smith, "A reads its own record")
        cls.b_reads_jones = read(cls.officer_b, cls.jones, "B reads its own record")

    def visible(self, user: m.StaffUser) -> set[str]:
        return set(selectors.access_log_search(user=user).values_list("purpose", flat=True))

    def share_smith_with_b(self) -> None:
        services.nominal_share(
            actor=self.officer_a, nominal=self.smith, agency=self.agency_b, reason="MARAC"
        )

    def test_an_agency_auditor_does_not_see_another_agencys_reads_of_its_own_records(
        self,
    ) -> None:
        self.assertEqual(self.visible(self.auditor_b), {"B reads its own record"})
        self.assertEqual(self.visible(self.auditor), {"A reads its own record"})

    def test_once_shared_every_read_of_the_record_is_visible_to_the_agency_holding_it(
        self,
    ) -> None:
        self.share_smith_with_b()
        b_reads_smith = read(self.officer_b, self.smith, "B reads the shared record")
        self.assertEqual(
            self.visible(self.auditor_b),
            {"B reads its own record", "A reads its own record", "B reads the shared record"},
        )
        # A leads SMITH: it sees B's read of it, but still not B's reads of JONES.
        self.assertEqual(
            self.visible(self.auditor), {"A reads its own record", "B reads the shared record"}
        )
        # When the grant ends, B keeps its own staff's reads and loses the rest.
        m.NominalAgencyPermission.objects.filter(
            content_object=self.smith, group_id=self.agency_b.group_id
        ).delete()
        self.assertEqual(
            self.visible(self.auditor_b), {"B reads its own record", b_reads_smith.purpose}
        )

    def test_own_staffs_reads_are_visible_whatever_the_record(self) -> None:
        # A read of a record the agency does not hold (made before a transfer, say).
        read(self.officer_b, self.smith, "B read SMITH once")
        self.assertIn("B read SMITH once", self.visible(self.auditor_b))
        self.assertIn("B read SMITH once", self.visible(self.auditor))  # A leads SMITH

    def test_a_national_auditor_sees_every_agencys_rows(self) -> None:
        self.assertEqual(
            self.visible(self.national), {"A reads its own record", "B reads its own record"}
        )

    def test_other_roles_see_nothing(self) -> None:
        for user in (self.officer_a, self.supervisor_a, self.admin_b):
            with self.subTest(user.username):
                self.assertEqual(self.visible(user), set())

    def test_the_page_shows_southdales_auditor_nothing_of_northmoors_smith(self) -> None:
        self.as_user(self.auditor_b)
        page = self.client.get(reverse("audit-log"))
        self.assertContains(page, "1 entries")
        self.assertContains(page, "JONES")
        self.assertNotContains(page, "SMITH")
        # Searching for the record by its id finds nothing either: no sign it exists.
        page = self.client.get(reverse("audit-log"), {"record_id": str(self.smith.pk)})
        self.assertContains(page, "0 entries")
        self.assertNotContains(page, "SMITH")

    def test_the_page_shows_a_national_auditor_both(self) -> None:
        self.as_user(self.national)
        page = self.client.get(reverse("audit-log"))
        self.assertContains(page, "2 entries")
        self.assertContains(page, "SMITH")
        self.assertContains(page, "JONES")
        self.assertContains(self.client.get(reverse("home")), reverse("audit-log"))

    def test_query_count_does_not_grow_with_rows_or_grants(self) -> None:
        self.as_user(self.auditor_b)

        def page() -> Any:
            return self.client.get(reverse("audit-log"))

        with self.assertNumQueries(7):
            first = page()
        self.assertContains(first, "1 entries")
        self.share_smith_with_b()
        for n in range(5):
            other = factories.nominal(self.officer_a, family_name=f"Shared{n}")
            services.nominal_share(
                actor=self.officer_a, nominal=other, agency=self.agency_b, reason="MARAC"
            )
            for _ in range(3):
                read(self.officer_a, other, "A reads a shared record")
        for _ in range(10):
            read(self.officer_b, self.jones, "B again")
        with self.assertNumQueries(7):
            second = page()
        self.assertContains(second, f"{1 + 1 + 15 + 10} entries")


class NationalAuditorRoleTests(RegisterTestCase):
    def test_an_agency_administrator_cannot_make_a_national_auditor(self) -> None:
        with self.assertRaisesMessage(DomainError, NATIONAL_AUDITOR_MESSAGE):
            services.staff_user_create(
                actor=self.admin_b,
                agency=self.agency_b,
                username="wider",
                first_name="Would",
                last_name="See All",
                email="wider@example.gov.uk",
                roles=[Role.NATIONAL_AUDITOR],
                password=None,
                reason="Audit",
            )
        with self.assertRaisesMessage(DomainError, NATIONAL_AUDITOR_MESSAGE):
            services.staff_user_update(
                actor=self.admin_b,
                user=self.admin_b,
                first_name="A",
                last_name="B",
                email="admin.b@example.gov.uk",
                roles=[Role.ADMINISTRATOR, Role.NATIONAL_AUDITOR],
                reason="Audit",
            )
        self.assertFalse(m.StaffUser.objects.filter(roles__contains=[Role.NATIONAL_AUDITOR]))
        roles_field = StaffUserForm().fields["roles"]
        assert isinstance(roles_field, forms.ChoiceField)
        offered = cast("list[tuple[str, str]]", roles_field.choices)
        self.assertNotIn(Role.NATIONAL_AUDITOR, [value for value, _ in offered])
