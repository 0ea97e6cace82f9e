"""/api/v1/webhooks/: a partner system's own subscriptions only; field-by-field 400s;
fixed query counts."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from core.events import publish
from partners import services
from partners.models import DeliveryState, WebhookDelivery, WebhookSecret, WebhookSubscription
from register.models import ApiClient, Nominal, Role, StaffUser
from tests import factories
from tests.base import RegisterTestCase, login_verified
from tests.partners.helpers import event, partner, token_header
from tests.partners.test_asyncapi import DOC

LIST = reverse("api-webhook-subscription-list")


def detail(pk: Any) -> str:
    return reverse("api-webhook-subscription-detail", args=[pk])


class WebhookApiTests(RegisterTestCase):
    client_a: ApiClient
    token_a: str
    client_a2: ApiClient
    token_a2: str
    client_b: ApiClient
    token_b: str
    admin_a: StaffUser
    nominal: Nominal
    subscription: WebhookSubscription

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.client_a, cls.token_a = partner(cls.agency_a, "Probation case system")
        cls.client_a2, cls.token_a2 = partner(cls.agency_a, "Prison system")
        cls.client_b, cls.token_b = partner(cls.agency_b, "Other force's system")
        cls.admin_a = factories.staff(cls.agency_a, Role.ADMINISTRATOR, username="admin.a")
        cls.nominal = factories.nominal(cls.officer_a)
        cls.subscription = services.subscription_create(
            actor=cls.client_a.user,
            client=cls.client_a,
            url="https://partner.example/hooks",
            event_types=["nominal.changed"],
        ).subscription

    def api(self, token: str) -> APIClient:
        client = APIClient()
        client.credentials(**token_header(token))
        return client

    def deliver_events(self, n: int) -> None:
        with self.captureOnCommitCallbacks(execute=False):
            for _ in range(n):
                publish(event(self.nominal))

    # Creating --------------------------------------------------------------------------

    def test_a_partner_system_subscribes_and_gets_its_secret_once(self) -> None:
        answer = self.api(self.token_a).post(
            LIST,
            {"url": "https://partner.example/new", "event_types": ["registration.decided"]},
            format="json",
        )
        self.assertEqual(answer.status_code, 201, answer.content)
        body = answer.json()
        self.assertTrue(body["secret"].startswith("whsec_"))
        created = WebhookSubscription.objects.get(pk=body["id"])
        self.assertEqual(created.client, self.client_a)
        self.assertEqual(created.event_types, ["registration.decided"])
        self.assertEqual(WebhookSecret.objects.get(subscription=created).secret, body["secret"])
        self.assertEqual(created.history.get().history_user, self.client_a.user)
        read = self.api(self.token_a).get(detail(created.pk)).json()
        self.assertNotIn("secret", read)

    def test_bad_input_is_answered_field_by_field_and_changes_nothing(self) -> None:
        before = WebhookSubscription.objects.count()
        answer = self.api(self.token_a).post(
            LIST,
            {"url": "not an address", "event_types": ["nominal.changed", "bogus"]},
            format="json",
        )
        self.assertEqual(answer.status_code, 400)
        body = answer.json()
        self.assertIn("url", body)
        self.assertIn("event_types", body)
        answer = self.api(self.token_a).post(
            LIST, {"url": "https://p.example/h", "event_types": []}, format="json"
        )
        self.assertEqual(answer.status_code, 400)
        self.assertIn("event_types", answer.json())
        self.assertEqual(WebhookSubscription.objects.count(), before)

    @override_settings(PARTNERS_REQUIRE_HTTPS=True)
    def test_only_https_addresses_when_the_setting_asks(self) -> None:
        answer = self.api(self.token_a).post(
            LIST, {"url": "http://partner.example/h", "event_types": ["*"]}, format="json"
        )
        self.assertEqual(answer.status_code, 400)
        self.assertEqual(list(answer.json()), ["url"])
        self.assertEqual(WebhookSubscription.objects.count(), 1)

    def test_every_type_given_with_star_is_just_star(self) -> None:
        answer = self.api(self.token_a).post(
            LIST,
            {"url": "https://p.example/h", "event_types": ["nominal.changed", "*"]},
            format="json",
        )
        self.assertEqual(answer.json()["event_types"], ["*"])

    # Whose subscriptions -------------------------------------------------------------

    def test_another_partner_systems_subscription_answers_404_everywhere(self) -> None:
        self.deliver_events(1)
        row = WebhookDelivery.objects.get()
        urls = {
            "get": detail(self.subscription.pk),
            "patch": detail(self.subscription.pk),
            "delete": detail(self.subscription.pk),
            "rotate": reverse("api-webhook-subscription-rotate", args=[self.subscription.pk]),
            "deliveries": reverse("api-webhook-delivery-list", args=[self.subscription.pk]),
            "replay": reverse("api-webhook-delivery-replay", args=[self.subscription.pk, row.pk]),
        }
        for token in (self.token_a2, self.token_b):  # same agency, and another agency
            api = self.api(token)
            for name, answer in [
                ("get", api.get(urls["get"])),
                ("patch", api.patch(urls["patch"], {"is_active": False}, HTTP_IF_MATCH="*")),
                ("rotate", api.post(urls["rotate"])),
                ("deliveries", api.get(urls["deliveries"])),
                ("replay", api.post(urls["replay"])),
                ("delete", api.delete(urls["delete"])),
            ]:
                with self.subTest(token=token[:6], call=name):
                    self.assert_not_found(answer)
            self.assertEqual(api.get(LIST).json(), [])
        self.subscription.refresh_from_db()
        self.assertTrue(self.subscription.is_active)
        self.assertEqual(self.subscription.secrets.count(), 1)
        self.assertEqual(WebhookDelivery.objects.get().state, DeliveryState.PENDING)

    def test_staff_signed_in_to_the_pages_are_not_partner_systems(self) -> None:
        for user in (self.officer_a, self.admin_a):
            api = APIClient()
            login_verified(api, user)
            with self.subTest(user=user.username):
                self.assert_not_found(api.get(LIST))
                self.assert_not_found(api.get(detail(self.subscription.pk)))
                self.assert_not_found(
                    api.post(LIST, {"url": "https://x.example", "event_types": ["*"]})
                )

    def test_an_unknown_or_malformed_id_answers_404(self) -> None:
        api = self.api(self.token_a)
        self.assert_not_found(api.get(detail("not-a-uuid")))
        self.assert_not_found(api.get(detail("5d8b9d4e-0000-4000-8000-000000000000")))

    # Changing ------------------------------------------------------------------------

    def test_changing_needs_the_current_etag(self) -> None:
        api = self.api(self.token_a)
        url = detail(self.subscription.pk)
        self.assertEqual(api.patch(url, {"is_active": False}, format="json").status_code, 428)
        etag = api.get(url)["ETag"]
        ok = api.patch(url, {"is_active": False}, format="json", HTTP_IF_MATCH=etag)
        self.assertEqual(ok.status_code, 200, ok.content)
        self.assertFalse(ok.json()["is_active"])
        stale = api.patch(url, {"is_active": True}, format="json", HTTP_IF_MATCH=etag)
        self.assertEqual(stale.status_code, 412)
        self.subscription.refresh_from_db()
        self.assertFalse(self.subscription.is_active)

    def test_a_bad_change_is_refused_field_by_field_and_changes_nothing(self) -> None:
        answer = self.api(self.token_a).patch(
            detail(self.subscription.pk),
            {"event_types": ["nope"], "url": "ftp://x"},
            format="json",
            HTTP_IF_MATCH="*",
        )
        self.assertEqual(answer.status_code, 400)
        self.assertEqual(set(answer.json()), {"event_types", "url"})
        self.subscription.refresh_from_db()
        self.assertEqual(self.subscription.event_types, ["nominal.changed"])

    def test_removing_a_subscription(self) -> None:
        answer = self.api(self.token_a).delete(detail(self.subscription.pk))
        self.assertEqual(answer.status_code, 204)
        self.assertFalse(WebhookSubscription.objects.exists())
        self.assertEqual(
            WebhookSubscription.history.filter(history_type="-").get().history_user,
            self.client_a.user,
        )

    def test_rotating_the_secret(self) -> None:
        old = self.subscription.secrets.get().secret
        answer = self.api(self.token_a).post(
            reverse("api-webhook-subscription-rotate", args=[self.subscription.pk])
        )
        self.assertEqual(answer.status_code, 200, answer.content)
        body = answer.json()
        self.assertNotEqual(body["secret"], old)
        self.assertIsNotNone(body["previous_secret_expires_at"])
        self.assertEqual(self.subscription.secrets.count(), 2)

    # The delivery log ----------------------------------------------------------------

    def test_the_delivery_log_and_replay(self) -> None:
        self.deliver_events(2)
        WebhookDelivery.objects.update(state=DeliveryState.DEAD, next_attempt_at=None, attempts=11)
        api = self.api(self.token_a)
        log = api.get(reverse("api-webhook-delivery-list", args=[self.subscription.pk])).json()
        self.assertEqual(len(log["results"]), 2)
        first = log["results"][0]
        self.assertTrue(first["webhook_id"].startswith("msg_"))
        self.assertEqual(first["payload"]["type"], "nominal.changed")
        with self.captureOnCommitCallbacks(execute=False) as queued:
            answer = api.post(
                reverse("api-webhook-delivery-replay", args=[self.subscription.pk, first["id"]])
            )
        self.assertEqual(answer.status_code, 202, answer.content)
        self.assertEqual(len(queued), 1)
        replayed = WebhookDelivery.objects.get(pk=first["id"])
        self.assertEqual(replayed.state, DeliveryState.PENDING)
        self.assertEqual(replayed.attempts, 0)
        self.assertEqual(replayed.event_id, first["webhook_id"])  # the same webhook-id
        self.assertEqual(replayed.replayed_by, self.client_a.user)
        self.assertEqual(WebhookDelivery.objects.filter(state=DeliveryState.DEAD).count(), 1)

    def test_query_counts_do_not_grow_with_rows(self) -> None:
        api = self.api(self.token_a)
        deliveries = reverse("api-webhook-delivery-list", args=[self.subscription.pk])
        self.deliver_events(1)
        api.get(LIST)  # the first call of the minute also notes when the key was last used

        def count(url: str) -> int:
            with CaptureQueriesContext(connection) as queries:
                self.assertEqual(api.get(url).status_code, 200)
            return len(queries)

        list_queries, log_queries = count(LIST), count(deliveries)
        # The token's check, then the list; for the log also the subscription.
        self.assertLessEqual(list_queries, 3)
        self.assertLessEqual(log_queries, 4)
        for n in range(5):
            services.subscription_create(
                actor=self.client_a.user,
                client=self.client_a,
                url=f"https://partner.example/{n}",
                event_types=["*"],
            )
        self.deliver_events(10)
        with self.assertNumQueries(list_queries):
            self.assertEqual(len(api.get(LIST).json()), 6)
        with self.assertNumQueries(log_queries):
            self.assertEqual(len(api.get(deliveries).json()["results"]), 11)


class EventCatalogueApiTests(RegisterTestCase):
    def test_any_partner_system_reads_the_asyncapi_catalogue_beside_the_schema(self) -> None:
        _, token = partner(self.agency_b, "Read-only system")
        api = APIClient()
        api.credentials(**token_header(token))
        answer = api.get(reverse("api-webhook-catalogue"))
        self.assertEqual(answer.status_code, 200)
        self.assertTrue(answer["Content-Type"].startswith("application/yaml"))
        self.assertEqual(answer.content.decode(), DOC.read_text())
        self.assertEqual(APIClient().get(reverse("api-webhook-catalogue")).status_code, 401)
