"""Administrators manage the accounts of their own agency, and nobody else's."""

from __future__ import annotations

from django.urls import reverse

from register.models import Role, StaffUser
from tests import factories
from tests.base import RegisterTestCase


class StaffAdminTests(RegisterTestCase):
    admin_a: StaffUser

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.admin_a = factories.staff(cls.agency_a, Role.ADMINISTRATOR, username="admin.a")

    def valid_form(self, **overrides: object) -> dict[str, object]:
        data: dict[str, object] = {
            "username": "new.officer",
            "first_name": "New",
            "last_name": "Officer",
            "email": "new.officer@example.gov.uk",
            "roles": [Role.OFFENDER_MANAGER],
            "password": "a-long-enough-passphrase",
            "reason": "Joined the PPU",
        }
        data.update(overrides)
        return data

    def test_admin_creates_an_account_in_their_own_agency(self) -> None:
        self.as_user(self.admin_b)
        response = self.client.post(reverse("staff-create"), self.valid_form())
        self.assertRedirects(response, reverse("staff-list"))
        user = StaffUser.objects.get(username="new.officer")
        self.assertEqual(user.agency, self.agency_b)
        self.assertIn(self.agency_b.group, user.groups.all())
        record = user.history.get()
        self.assertEqual(
            (record.history_user, record.history_change_reason), (self.admin_b, "Joined the PPU")
        )

    def test_bad_input_is_explained_field_by_field_and_nothing_is_created(self) -> None:
        self.as_user(self.admin_b)
        response = self.client.post(
            reverse("staff-create"), self.valid_form(email="not-an-email", roles=[], reason="")
        )
        self.assertEqual(response.status_code, 200)
        for message in (
            "Enter an email address in the correct format",
            "Select at least one role",
            "Enter the reason for this change",
        ):
            self.assertContains(response, message, count=2)  # summary and next to the field
        self.assertFalse(StaffUser.objects.filter(username="new.officer").exists())

    def test_duplicate_username_is_refused_next_to_the_field(self) -> None:
        self.as_user(self.admin_b)
        response = self.client.post(reverse("staff-create"), self.valid_form(username="officer.a"))
        self.assertContains(response, "A user with that username already exists")

    def test_admin_cannot_see_or_change_another_agencys_account(self) -> None:
        self.as_user(self.admin_b)
        self.assertNotContains(self.client.get(reverse("staff-list")), "officer.a")
        for name in ("staff-edit", "staff-set-active"):
            with self.subTest(name):
                self.assert_not_found(self.client.get(reverse(name, args=[self.officer_a.pk])))
                response = self.client.post(
                    reverse(name, args=[self.officer_a.pk]),
                    {
                        "first_name": "Hacked",
                        "last_name": "X",
                        "email": "x@example.gov.uk",
                        "roles": [Role.ADMINISTRATOR],
                        "reason": "x",
                    },
                )
                self.assert_not_found(response)
        self.officer_a.refresh_from_db()
        self.assertEqual((self.officer_a.first_name, self.officer_a.is_active), ("Test", True))

    def test_other_roles_cannot_open_staff_pages(self) -> None:
        for persona in (self.officer_a, self.supervisor_a, self.auditor, self.vlo_a):
            with self.subTest(persona.username):
                self.as_user(persona)
                self.assert_not_found(self.client.get(reverse("staff-list")))
                self.assert_not_found(self.client.get(reverse("staff-create")))
                self.assert_not_found(
                    self.client.get(reverse("staff-edit", args=[self.officer_a.pk]))
                )

    def test_disabling_asks_for_confirmation_and_a_reason(self) -> None:
        self.as_user(self.admin_a)
        url = reverse("staff-set-active", args=[self.officer_a.pk])
        self.assertContains(self.client.get(url), "Are you sure you want to disable")
        self.assertContains(
            self.client.post(url, {"reason": ""}), "Enter the reason for this change"
        )
        self.officer_a.refresh_from_db()
        self.assertTrue(self.officer_a.is_active)
        self.assertRedirects(
            self.client.post(url, {"reason": "Left the force"}), reverse("staff-list")
        )
        self.officer_a.refresh_from_db()
        self.assertFalse(self.officer_a.is_active)
        self.assertEqual(self.officer_a.history.first().history_change_reason, "Left the force")

    def test_admin_cannot_remove_their_own_admin_role(self) -> None:
        self.as_user(self.admin_a)
        response = self.client.post(
            reverse("staff-edit", args=[self.admin_a.pk]),
            {
                "first_name": "A",
                "last_name": "B",
                "email": "a@example.gov.uk",
                "roles": [Role.OFFENDER_MANAGER],
                "reason": "Oops",
            },
        )
        self.assertContains(response, "You cannot remove your own administrator role")
        self.admin_a.refresh_from_db()
        self.assertEqual(self.admin_a.roles, [Role.ADMINISTRATOR])

    def test_staff_list_query_count_does_not_grow_with_accounts(self) -> None:
        self.as_user(self.admin_a)
        # 8: one of them reads which accounts on the page are locked out (accounts).
        with self.assertNumQueries(8):
            self.client.get(reverse("staff-list"))
        for _ in range(20):
            factories.staff(self.agency_a, Role.OFFENDER_MANAGER, Role.SUPERVISOR)
        with self.assertNumQueries(8):
            self.client.get(reverse("staff-list"))
