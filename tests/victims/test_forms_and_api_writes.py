"""Forms put the service's message next to the field and save nothing; API writes answer
field by field, need If-Match, and refuse a stale ETag."""

from __future__ import annotations

from django.urls import reverse

from tests.victims.base import SECRETS, VictimsTestCase
from victims.models import Victim, VictimContact, VictimContactDetails


class FormTests(VictimsTestCase):
    def test_record_a_victim_from_the_nominal_tab(self) -> None:
        self.as_user(self.officer_a)
        url = reverse("victim-create", args=[self.nominal.pk])
        before = Victim.objects.count()
        response = self.client.post(
            url,
            {
                "relationship": "partner",
                "sex": "female",
                "children_count": "0",
                "reason": "Case file",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.context["form"].errors["family_name"],
            ["Enter the victim's given names or family name"],
        )
        self.assertContains(response, "There is a problem")
        self.assertEqual(Victim.objects.count(), before)
        response = self.client.post(
            url,
            {
                "given_names": "Ivy",
                "family_name": "Stone",
                "relationship": "partner",
                "sex": "female",
                "children_count": "1",
                "safety_flags": ["pregnant"],
                "convictions": [str(self.conviction.pk)],
                "reason": "Case file",
            },
        )
        self.assertRedirects(response, reverse("nominal-victims", args=[self.nominal.pk]))
        victim = Victim.objects.get(family_name="Stone")
        self.assertEqual(victim.agency, self.agency_a)
        self.assertEqual(victim.history.first().history_user, self.officer_a)
        self.as_user(self.vlo_a)
        self.assert_not_found(self.client.get(url))

    def test_contact_log_form(self) -> None:
        self.as_user(self.vlo_a)
        url = reverse("victim-contact-add", args=[self.victim.pk])
        before = VictimContact.objects.count()
        response = self.client.post(url, {"contact_on": "2026-01-20", "channel": "", "notes": ""})
        self.assertEqual(set(response.context["form"].errors), {"channel", "notes"})
        response = self.client.post(
            url,
            {
                "contact_on": "2026-01-20",
                "channel": "letter",
                "notes": "Sent",
                "next_contact_on": "2026-01-01",
            },
        )
        self.assertEqual(
            response.context["form"].errors["next_contact_on"],
            ["The next contact cannot be before this contact"],
        )
        self.assertEqual(VictimContact.objects.count(), before)
        response = self.client.post(
            url,
            {
                "contact_on": "2026-01-20",
                "channel": "letter",
                "shared": ["parole"],
                "notes": "Letter about the parole hearing",
            },
        )
        self.assertRedirects(
            response, reverse("victim-detail", args=[self.victim.pk]) + "#contact-log"
        )

    def test_contact_details_form_rejects_a_bad_email(self) -> None:
        self.as_user(self.vlo_a)
        url = reverse("victim-contact-details", args=[self.victim.pk])
        self.assertContains(self.client.get(url), SECRETS["postcode"])
        response = self.client.post(url, {**SECRETS, "email": "not-an-email", "reason": "Moved"})
        self.assertIn("email", response.context["form"].errors)
        self.assertEqual(
            VictimContactDetails.objects.get(victim=self.victim).email, SECRETS["email"]
        )

    def test_grant_form(self) -> None:
        self.as_user(self.vlo_a)
        url = reverse("victim-grant-add", args=[self.victim.pk])
        response = self.client.post(url, {"grantee": str(self.officer_a.pk), "reason": ""})
        self.assertEqual(
            response.context["form"].errors["reason"], ["Enter the reason for this change"]
        )
        response = self.client.post(
            url, {"grantee": str(self.officer_a.pk), "reason": "MAPPA plan"}
        )
        self.assertRedirects(response, reverse("victim-detail", args=[self.victim.pk]) + "#grants")
        self.as_user(self.officer_a)
        self.assertContains(
            self.client.get(reverse("victim-detail", args=[self.victim.pk])), SECRETS["phone"]
        )


class ApiWriteTests(VictimsTestCase):
    def test_patch_needs_if_match_and_refuses_a_stale_etag(self) -> None:
        self.as_user(self.vlo_a)
        url = reverse("api-victim-detail", args=[self.victim.pk])
        etag = self.client.get(url)["ETag"]
        body = {"children_count": 3, "reason": "Third child born"}
        self.assertEqual(
            self.client.patch(url, body, content_type="application/json").status_code, 428
        )
        self.assertEqual(
            self.client.patch(
                url, body, content_type="application/json", HTTP_IF_MATCH='"stale"'
            ).status_code,
            412,
        )
        response = self.client.patch(url, body, content_type="application/json", HTTP_IF_MATCH=etag)
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["children_count"], 3)
        self.assertNotEqual(response["ETag"], etag)

    def test_offender_side_cannot_write(self) -> None:
        self.as_user(self.officer_a)
        url = reverse("api-victim-detail", args=[self.victim.pk])
        etag = self.client.get(url)["ETag"]
        response = self.client.patch(
            url,
            {"children_count": 3, "reason": "x"},
            content_type="application/json",
            HTTP_IF_MATCH=etag,
        )
        self.assert_not_found(response)

    def test_contacts_field_by_field_errors_and_nothing_saved(self) -> None:
        self.as_user(self.vlo_a)
        url = reverse("api-victim-contacts", args=[self.victim.pk])
        before = VictimContact.objects.count()
        response = self.client.post(
            url,
            {"contact_on": "2099-01-01", "channel": "phone", "notes": "x"},
            content_type="application/json",
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            response.json(), {"contact_on": ["The date of contact cannot be in the future"]}
        )
        response = self.client.post(url, {"channel": "fax"}, content_type="application/json")
        self.assertEqual(set(response.json()), {"contact_on", "channel", "notes"})
        self.assertEqual(VictimContact.objects.count(), before)

    def test_record_a_victim_through_the_nominal_api(self) -> None:
        self.as_user(self.officer_a)
        url = reverse("api-nominal-victims", args=[self.nominal.pk])
        response = self.client.post(
            url,
            {
                "family_name": "Stone",
                "relationship": "partner",
                "convictions": [str(self.conviction.pk)],
                "reason": "Case file",
            },
            content_type="application/json",
        )
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response.json()["link"]["relationship"], "partner")
        response = self.client.post(
            url, {"family_name": "Stone", "relationship": "cousin"}, content_type="application/json"
        )
        self.assertEqual(set(response.json()), {"relationship", "reason"})
