"""The administrator's pages: their own agency's partner systems only; replay and rotation
by POST after a confirmation page; fixed query counts."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.events import publish
from partners import services
from partners.models import DeliveryState, WebhookDelivery, WebhookSubscription
from register.models import ApiClient, Nominal, Role, StaffUser
from tests import factories
from tests.base import RegisterTestCase
from tests.partners.helpers import event, partner

LIST = reverse("partners-subscription-list")


class AdministratorPageTests(RegisterTestCase):
    admin_a: StaffUser
    client_a: ApiClient
    nominal: Nominal
    subscription: WebhookSubscription

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.admin_a = factories.staff(cls.agency_a, Role.ADMINISTRATOR, username="admin.a")
        cls.client_a, _ = partner(cls.agency_a, "Probation case system")
        cls.nominal = factories.nominal(cls.officer_a)
        cls.subscription = services.subscription_create(
            actor=cls.client_a.user,
            client=cls.client_a,
            url="https://partner.example/hooks",
            event_types=["*"],
        ).subscription

    def setUp(self) -> None:
        with self.captureOnCommitCallbacks(execute=False):
            publish(event(self.nominal))
        self.delivery = WebhookDelivery.objects.get()
        WebhookDelivery.objects.update(
            state=DeliveryState.DEAD, attempts=11, next_attempt_at=None, last_status_code=500
        )
        self.detail = reverse("partners-subscription-detail", args=[self.subscription.pk])
        self.rotate = reverse("partners-secret-rotate", args=[self.subscription.pk])
        self.replay = reverse(
            "partners-delivery-replay", args=[self.subscription.pk, self.delivery.pk]
        )

    def test_the_administrator_sees_subscriptions_and_the_delivery_log(self) -> None:
        self.as_user(self.admin_a)
        page = self.client.get(LIST)
        self.assertContains(page, "Probation case system")
        self.assertContains(page, "https://partner.example/hooks")
        log = self.client.get(self.detail)
        self.assertContains(log, self.delivery.event_id)
        self.assertContains(log, "Given up after every retry")
        self.assertContains(log, "HTTP 500")

    def test_another_agencys_administrator_and_other_roles_get_404(self) -> None:
        for user in (self.admin_b, self.officer_a, self.supervisor_a, self.auditor):
            self.as_user(user)
            with self.subTest(user=user.username):
                if user is self.admin_b:
                    self.assertNotContains(self.client.get(LIST), "Probation case system")
                else:
                    self.assert_not_found(self.client.get(LIST))
                self.assert_not_found(self.client.get(self.detail))
                self.assert_not_found(self.client.get(self.rotate))
                self.assert_not_found(self.client.post(self.rotate))
                self.assert_not_found(self.client.get(self.replay))
                self.assert_not_found(self.client.post(self.replay))
        self.assertEqual(self.subscription.secrets.count(), 1)
        self.assertEqual(WebhookDelivery.objects.get().state, DeliveryState.DEAD)

    def test_replay_asks_first_then_sends_again(self) -> None:
        self.as_user(self.admin_a)
        confirm = self.client.get(self.replay)
        self.assertContains(confirm, "Send again")
        self.assertEqual(WebhookDelivery.objects.get().state, DeliveryState.DEAD)
        with self.captureOnCommitCallbacks(execute=False) as queued:
            done = self.client.post(self.replay)
        self.assertRedirects(done, self.detail)
        row = WebhookDelivery.objects.get()
        self.assertEqual(row.state, DeliveryState.PENDING)
        self.assertEqual(row.replayed_by, self.admin_a)
        self.assertEqual(len(queued), 1)

    def test_rotation_asks_first_then_shows_the_new_secret_once(self) -> None:
        self.as_user(self.admin_a)
        self.assertContains(self.client.get(self.rotate), "Rotate the secret")
        self.assertEqual(self.subscription.secrets.count(), 1)
        done = self.client.post(self.rotate)
        newest = self.subscription.secrets.order_by("-created_at").first()
        assert newest is not None
        self.assertContains(done, newest.secret)
        self.assertEqual(done["Cache-Control"], "no-store")
        self.assertEqual(self.subscription.secrets.count(), 2)
        self.assertNotContains(self.client.get(self.detail), newest.secret)
        self.assertEqual(self.subscription.history.latest().history_user, self.admin_a)

    def test_query_counts_do_not_grow_with_rows(self) -> None:
        self.as_user(self.admin_a)
        self.client.get(LIST)  # warm the session and templates

        def count(url: str) -> int:
            with CaptureQueriesContext(connection) as queries:
                self.assertEqual(self.client.get(url).status_code, 200)
            return len(queries)

        list_before, detail_before = count(LIST), count(self.detail)
        other, _ = partner(self.agency_a, "Another system")
        for n in range(4):
            services.subscription_create(
                actor=other.user, client=other, url=f"https://o.example/{n}", event_types=["*"]
            )
        with self.captureOnCommitCallbacks(execute=False):
            for _ in range(10):
                publish(event(self.nominal))
        self.assertEqual(count(LIST), list_before)
        self.assertEqual(count(self.detail), detail_before)
        with self.assertNumQueries(list_before):
            self.client.get(LIST)
