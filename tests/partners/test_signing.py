"""Standard Webhooks signatures, and rotation with an overlap (two signatures, then one)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import override_settings
from django.utils import timezone
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from partners import conf, services
from partners.delivery import signed_headers, signing_secrets
from partners.models import WebhookSecret
from register.models import ApiClient
from tests.base import RegisterTestCase
from tests.partners.helpers import partner

BODY = json.dumps({"type": "nominal.changed", "data": {"id": "x"}})


class SigningTests(RegisterTestCase):
    client_a: ApiClient
    created: services.NewSecret

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.client_a, _ = partner(cls.agency_a)
        cls.created = services.subscription_create(
            actor=cls.client_a.user,
            client=cls.client_a,
            url="https://partner.example/hooks",
            event_types=["*"],
        )

    def headers(self, secrets: list[str]) -> dict[str, str]:
        return signed_headers(event_id="msg_test", body=BODY, secrets=secrets, now=timezone.now())

    def test_a_new_subscription_gets_a_standard_webhooks_secret_that_verifies(self) -> None:
        secret = self.created.secret
        self.assertTrue(secret.startswith("whsec_"))
        subscription = self.created.subscription
        headers = self.headers(signing_secrets(subscription, timezone.now()))
        self.assertEqual(headers["webhook-id"], "msg_test")
        self.assertEqual(len(headers["webhook-signature"].split(" ")), 1)
        self.assertEqual(Webhook(secret).verify(BODY, headers), json.loads(BODY))
        with pytest.raises(WebhookVerificationError):
            Webhook(WebhookSecret().secret).verify(BODY, headers)  # another secret
        with pytest.raises(WebhookVerificationError):
            Webhook(secret).verify(BODY.replace("x", "y"), headers)  # a changed body

    def test_during_the_overlap_both_secrets_sign_and_after_it_the_old_one_is_refused(
        self,
    ) -> None:
        subscription = self.created.subscription
        old = self.created.secret
        now = timezone.now()
        rotated = services.secret_rotate(
            actor=self.client_a.user, subscription=subscription, now=now
        )
        self.assertEqual(rotated.previous_expires_at, now + dt.timedelta(hours=24))

        during = self.headers(signing_secrets(subscription, now))
        self.assertEqual(len(during["webhook-signature"].split(" ")), 2)
        Webhook(old).verify(BODY, during)
        Webhook(rotated.secret).verify(BODY, during)

        after_overlap = now + conf.secret_overlap() + dt.timedelta(seconds=1)
        self.assertEqual(signing_secrets(subscription, after_overlap), [rotated.secret])
        after = self.headers(signing_secrets(subscription, after_overlap))
        Webhook(rotated.secret).verify(BODY, after)
        with pytest.raises(WebhookVerificationError):
            Webhook(old).verify(BODY, after)

    @override_settings(PARTNERS_SECRET_OVERLAP_HOURS=2)
    def test_the_overlap_is_a_setting(self) -> None:
        now = timezone.now()
        rotated = services.secret_rotate(
            actor=self.client_a.user, subscription=self.created.subscription, now=now
        )
        self.assertEqual(rotated.previous_expires_at, now + dt.timedelta(hours=2))
        self.assertEqual(
            len(signing_secrets(self.created.subscription, now + dt.timedelta(hours=1))), 2
        )
        self.assertEqual(
            len(signing_secrets(self.created.subscription, now + dt.timedelta(hours=3))), 1
        )

    def test_rotation_is_in_the_subscriptions_history_with_who_and_why(self) -> None:
        services.secret_rotate(
            actor=self.client_a.user, subscription=self.created.subscription, reason="Leaked"
        )
        latest = self.created.subscription.history.latest()
        self.assertEqual(latest.history_user, self.client_a.user)
        self.assertEqual(latest.history_change_reason, "Leaked")
