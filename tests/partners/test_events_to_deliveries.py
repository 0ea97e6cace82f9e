"""Events become deliveries in the publisher's transaction; payloads carry ids and a link
only, never victim compartment data."""

from __future__ import annotations

import json

from django.db import transaction
from django.test import override_settings

from core.events import publish
from partners import services
from partners.models import DeliveryState, WebhookDelivery, WebhookSubscription
from register import services as register_services
from register.models import ApiClient, Nominal
from tests import factories
from tests import register_factories as rf
from tests.base import RegisterTestCase
from tests.partners.helpers import event, partner
from tests.victims.base import FORBIDDEN_KEYS, VictimsTestCase, json_keys, secrets_in
from victims import services as victim_services


class WritingTests(RegisterTestCase):
    nominal: Nominal
    client_a: ApiClient
    client_b: ApiClient
    every: WebhookSubscription
    changed: WebhookSubscription
    other_type: WebhookSubscription
    paused: WebhookSubscription

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.nominal = factories.nominal(cls.officer_a)
        cls.client_a, _ = partner(cls.agency_a)
        cls.client_b, _ = partner(cls.agency_b, "Other force")

        def subscribe(client, types, active=True):  # type: ignore[no-untyped-def]
            created = services.subscription_create(
                actor=client.user, client=client, url="https://p.example/h", event_types=types
            )
            if not active:
                services.subscription_update(
                    actor=client.user, subscription=created.subscription, is_active=False
                )
            return created.subscription

        cls.every = subscribe(cls.client_a, ["*"])
        cls.changed = subscribe(cls.client_b, ["nominal.changed"])
        cls.other_type = subscribe(cls.client_a, ["registration.decided"])
        cls.paused = subscribe(cls.client_a, ["*"], active=False)

    def test_one_delivery_per_active_subscription_that_wants_the_type(self) -> None:
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            publish(event(self.nominal))
        rows = WebhookDelivery.objects.all()
        self.assertEqual({r.subscription_id for r in rows}, {self.every.pk, self.changed.pk})
        self.assertEqual(len({r.event_id for r in rows}), 2)  # a webhook-id per subscription
        for row in rows:
            self.assertTrue(row.event_id.startswith("msg_"))
            self.assertEqual(row.state, DeliveryState.PENDING)
            self.assertEqual(row.nominal_id, self.nominal.pk)
        self.assertEqual(len(callbacks), 1)  # the workers are asked after the commit

    def test_the_payload_is_type_time_ids_and_a_link(self) -> None:
        published = event(
            self.nominal,
            data={"fields": ["family_name"], "registration_id": "r-1", "kind": "address"},
        )
        with self.captureOnCommitCallbacks(execute=False):
            publish(published)
        payload = WebhookDelivery.objects.filter(subscription=self.every).get().payload
        self.assertEqual(
            payload,
            {
                "type": "nominal.changed",
                "timestamp": published.at.isoformat(),
                "data": {
                    "id": str(self.nominal.pk),
                    "subject_type": "nominal",
                    "nominal_id": str(self.nominal.pk),
                    "link": f"http://localhost:8000/api/v1/nominals/{self.nominal.pk}/",
                    "fields": ["family_name"],
                    "registration_id": "r-1",
                    "kind": "address",
                },
            },
        )

    def test_nothing_but_ids_and_codes_passes_from_the_events_data(self) -> None:
        data = {
            "victim_id": "v-1",
            "victim_name": "Alice DUNMORE",
            "address": "17 Quillfeather Close",
            "contact_phone": "07700 900417",
            "summary": "Moved to Marrowgate",
            "notes": "Told of the release month",
            "nested": {"registration_id": "r-1"},
            "breach_id": "b-1",
        }
        with self.captureOnCommitCallbacks(execute=False):
            publish(event(self.nominal, data=data))
        payload = WebhookDelivery.objects.filter(subscription=self.every).get().payload
        self.assertEqual(
            set(payload["data"]), {"id", "subject_type", "nominal_id", "link", "breach_id"}
        )
        text = json.dumps(payload)
        for value in ("v-1", "Alice", "Quillfeather", "07700", "Marrowgate", "release"):
            self.assertNotIn(value, text)

    def test_a_change_that_rolls_back_writes_no_delivery(self) -> None:
        class Refused(Exception):
            pass

        try:
            with transaction.atomic():
                publish(event(self.nominal))
                raise Refused
        except Refused:
            pass
        self.assertFalse(WebhookDelivery.objects.exists())

    def test_writing_costs_the_same_queries_however_many_subscriptions(self) -> None:
        with self.captureOnCommitCallbacks(execute=False), self.assertNumQueries(2):
            publish(event(self.nominal))  # the subscriptions, then one insert
        for n in range(8):
            services.subscription_create(
                actor=self.client_a.user,
                client=self.client_a,
                url=f"https://p.example/{n}",
                event_types=["*"],
            )
        with self.captureOnCommitCallbacks(execute=False), self.assertNumQueries(2):
            publish(event(self.nominal))
        self.assertEqual(WebhookDelivery.objects.count(), 2 + 10)

    def test_an_event_nobody_wants_costs_one_query(self) -> None:
        services.subscription_update(
            actor=self.client_a.user, subscription=self.every, is_active=False
        )
        with self.captureOnCommitCallbacks(execute=False) as queued, self.assertNumQueries(1):
            publish(event(self.nominal, type="transfer.rejected"))
        self.assertFalse(WebhookDelivery.objects.exists())
        self.assertEqual(queued, [])

    @override_settings(SERVICE_URL="https://register.example.gov.uk/")
    def test_the_link_is_absolute_on_the_services_address(self) -> None:
        with self.captureOnCommitCallbacks(execute=False):
            publish(event(self.nominal))
        payload = WebhookDelivery.objects.filter(subscription=self.every).get().payload
        self.assertEqual(
            payload["data"]["link"],
            f"https://register.example.gov.uk/api/v1/nominals/{self.nominal.pk}/",
        )


class NoVictimDataTests(VictimsTestCase):
    """Real changes to a person with a fully recorded victim: no delivery carries any of it."""

    def test_no_delivery_payload_carries_victim_compartment_data(self) -> None:
        client, _ = partner(self.agency_a)
        services.subscription_create(
            actor=client.user, client=client, url="https://p.example/h", event_types=["*"]
        )
        with self.captureOnCommitCallbacks(execute=False):
            register_services.nominal_update(
                actor=self.officer_a, nominal=self.nominal, reason="Correction", given_names="Dan"
            )
            rf.add(self.officer_a, self.nominal, "addresses", rf.service_data("addresses"))
            victim_services.victim_update(
                actor=self.vlo_a,
                victim=self.victim,
                reason="Update",
                children_notes="Now at Elm Lanexyz",
            )
            victim_services.contact_details_set(
                actor=self.vlo_a,
                victim=self.victim,
                reason="Moved",
                address_line_1="18 Quillfeather Close",
            )
        payloads = list(WebhookDelivery.objects.values_list("payload", flat=True))
        self.assertTrue(payloads, "the changes published no event at all")
        for payload in payloads:
            text = json.dumps(payload)
            self.assertEqual(secrets_in(text), [])
            self.assertNotIn("Quillfeather", text)
            self.assertNotIn("Elm Lane", text)
            self.assertNotIn(self.victim.family_name, text)
            self.assertNotIn(str(self.victim.pk), text)
            self.assertFalse(set(json_keys(payload)) & FORBIDDEN_KEYS)
