"""Delivery to a real HTTP receiver by a real Celery worker: signed, gated, retried, at
least once and deduplicated by webhook-id."""

from __future__ import annotations

import itertools
import os
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient
from standardwebhooks import Webhook

from partners import delivery, services
from partners.models import DeliveryState, WebhookAttempt, WebhookDelivery
from register.models import Role
from tests import factories
from tests.conftest import WorkerProcess, wait_for
from tests.core import processes
from tests.partners.helpers import partner, token_header
from tests.partners.receiver import receiver

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world() -> SimpleNamespace:
    agency_a = factories.agency("A")
    agency_b = factories.agency("B")
    officer = factories.staff(agency_a, Role.OFFENDER_MANAGER, username="officer.a")
    client_a, token_a = partner(agency_a, "Probation case system")
    client_b, token_b = partner(agency_b, "Other force's system")
    return SimpleNamespace(
        nominal=factories.nominal(officer),
        client_a=client_a,
        token_a=token_a,
        client_b=client_b,
        token_b=token_b,
    )


def api(token: str) -> APIClient:
    client = APIClient()
    client.credentials(**token_header(token))
    return client


def subscribe(token: str, url: str, event_types: list[str]) -> dict[str, Any]:
    answer = api(token).post(
        reverse("api-webhook-subscription-list"),
        {"url": url, "event_types": event_types},
        format="json",
    )
    assert answer.status_code == 201, answer.content
    return dict(answer.json())


def change_nominal(token: str, nominal: Any) -> None:
    answer = api(token).patch(
        reverse("api-nominal-detail", args=[nominal.pk]),
        {"family_name": "Changed", "reason": "Correction from the partner system"},
        format="json",
        HTTP_IF_MATCH="*",
    )
    assert answer.status_code == 200, answer.content


def test_a_change_over_the_api_reaches_a_real_receiver_signed(
    world: SimpleNamespace, celery_worker_process: WorkerProcess
) -> None:
    with receiver() as hook:
        subscription = subscribe(world.token_a, hook.url, ["nominal.changed"])
        change_nominal(world.token_a, world.nominal)
        wait_for(lambda: hook.processed, 60, log=celery_worker_process)
        row = wait_for(
            lambda: WebhookDelivery.objects.filter(state=DeliveryState.DELIVERED).first(), 30
        )
    [received] = hook.wire
    payload = Webhook(subscription["secret"]).verify(received.body, received.headers)
    assert payload["type"] == "nominal.changed"
    assert payload["data"]["nominal_id"] == str(world.nominal.pk)
    assert payload["data"]["link"].endswith(f"/api/v1/nominals/{world.nominal.pk}/")
    assert received.headers["webhook-id"] == row.event_id
    assert row.attempts == 1
    assert row.last_status_code == 204


def test_an_event_about_a_record_the_partners_agency_cannot_see_is_never_sent(
    world: SimpleNamespace, celery_worker_process: WorkerProcess
) -> None:
    with receiver() as sees, receiver() as outsider:
        subscribe(world.token_a, sees.url, ["*"])
        subscribe(world.token_b, outsider.url, ["*"])
        change_nominal(world.token_a, world.nominal)
        skipped = wait_for(
            lambda: WebhookDelivery.objects.filter(
                subscription__client=world.client_b, state=DeliveryState.SKIPPED
            ).first(),
            60,
            log=celery_worker_process,
        )
        # The same event did reach the agency that may see the record, so the worker ran.
        wait_for(lambda: sees.processed, 60, log=celery_worker_process)
        wait_for(
            lambda: not WebhookDelivery.objects.filter(state__in=["pending", "failed"]).exists(),
            30,
        )
    assert outsider.wire == []
    assert skipped.attempts == 0
    assert not WebhookAttempt.objects.filter(delivery=skipped).exists()
    assert "may not see" in skipped.last_error


def test_a_receiver_answering_500_is_retried_on_the_backoff_schedule(
    world: SimpleNamespace,
) -> None:
    schedule = [1, 2, 3]
    queue = f"{settings.CELERY_TASK_DEFAULT_QUEUE}-webhook-retry"
    env = processes.app_env(PARTNERS_RETRY_SCHEDULE=",".join(map(str, schedule)))
    with (
        receiver(status=500) as hook,
        override_settings(PARTNERS_CELERY_QUEUE=queue, PARTNERS_RETRY_SCHEDULE=schedule),
        processes.worker(queue=queue, env=env) as worker,
    ):
        subscribe(world.token_a, hook.url, ["nominal.changed"])
        change_nominal(world.token_a, world.nominal)
        row = processes.wait_until(
            lambda: WebhookDelivery.objects.filter(state=DeliveryState.DEAD).first(),
            90,
            "the delivery to be given up",
            worker,
        )
    attempts = list(row.log.all())
    assert row.attempts == len(attempts) == len(schedule) + 1
    assert [a.status_code for a in attempts] == [500] * 4
    assert row.next_attempt_at is None
    grace = delivery.DUE_GRACE.total_seconds()
    for earlier, later, wait in zip(attempts, attempts[1:], schedule, strict=False):
        gap = (later.at - earlier.at).total_seconds()
        # Never before its time; on a loaded machine a worker may be a few seconds late.
        assert wait - grace <= gap < wait + 8, (wait, gap)
    arrivals = [r.at for r in hook.wire]
    assert len(arrivals) == 4
    for earlier_at, later_at, wait in zip(arrivals, arrivals[1:], schedule, strict=False):
        assert later_at - earlier_at >= wait - grace - 0.05
    assert hook.ids == {row.event_id}  # one webhook-id on every attempt
    print(
        "\nRetry gaps (s) for schedule",
        schedule,
        ":",
        [round((b.at - a.at).total_seconds(), 2) for a, b in itertools.pairwise(attempts)],
    )


def test_a_worker_killed_mid_delivery_leaves_the_receiver_processing_the_event_once(
    world: SimpleNamespace,
) -> None:
    """SIGKILL while the receiver holds the POST open: the claim's transaction dies with the
    worker, the message comes back after the visibility timeout (8 s here), a new worker
    sends it again, and the receiver's dedup by webhook-id processes it once."""
    if not settings.REDIS_URL:
        pytest.skip("the visibility timeout is Redis's; the filesystem transport has none")
    queue = f"{settings.CELERY_TASK_DEFAULT_QUEUE}-webhook-kill"
    env = processes.app_env(
        DATABASE_BATCH_STATEMENT_TIMEOUT="4",
        CELERY_TASK_SOFT_TIME_LIMIT="5",
        CELERY_TASK_TIME_LIMIT="6",
        CELERY_VISIBILITY_TIMEOUT="8",
        CELERY_UNACKED_RESTORE_SECONDS="1",
        PARTNERS_DELIVERY_TIMEOUT="4",
    )
    hold = threading.Event()
    with receiver(hold=hold) as hook, override_settings(PARTNERS_CELERY_QUEUE=queue):
        with processes.worker(queue=queue, env=env) as first:
            subscribe(world.token_a, hook.url, ["nominal.changed"])
            change_nominal(world.token_a, world.nominal)
            processes.wait_until(hook.arrived.is_set, 60, "the first POST to arrive", first)
            os.kill(first.proc.pid, signal.SIGKILL)
            killed_at = time.monotonic()
            first.proc.wait(10)
        row = WebhookDelivery.objects.get()
        # Nothing of the killed attempt was kept: the row is due, as before it was claimed.
        assert (row.state, row.attempts) == (DeliveryState.PENDING, 0)
        hold.set()  # the held request is answered now, to a sender that is gone
        with processes.worker(queue=queue, env=env) as second:
            row = processes.wait_until(
                lambda: WebhookDelivery.objects.filter(state=DeliveryState.DELIVERED).first(),
                60,
                "the event to be sent again and delivered",
                second,
            )
        redelivered_in = time.monotonic() - killed_at
    print(f"\nWorker killed mid-POST: delivered again {redelivered_in:.1f} s after the kill")
    assert len(hook.wire) == 2  # twice on the wire...
    assert hook.ids == {row.event_id}  # ...with one webhook-id...
    assert hook.processed == [row.event_id]  # ...processed once after dedup
    assert row.attempts == 1


def test_senders_running_at_once_never_send_one_delivery_twice(world: SimpleNamespace) -> None:
    """The SKIP LOCKED claim: three sweeps at once, each with its own connection."""
    with receiver(delay=0.3) as hook:
        subscription = services.subscription_create(
            actor=world.client_a.user,
            client=world.client_a,
            url=hook.url,
            event_types=["*"],
        ).subscription
        now = timezone.now()
        WebhookDelivery.objects.bulk_create(
            [
                WebhookDelivery(
                    subscription=subscription,
                    event_type="nominal.changed",
                    nominal_id=world.nominal.pk,
                    payload={"type": "nominal.changed", "n": n},
                    next_attempt_at=now,
                )
                for n in range(6)
            ]
        )
        start = threading.Barrier(3)

        def sweep() -> delivery.SendResult:
            start.wait()
            try:
                return delivery.send_due()
            finally:
                connection.close()

        with ThreadPoolExecutor(3) as pool:
            results = [f.result() for f in [pool.submit(sweep) for _ in range(3)]]
    assert sum(r.delivered for r in results) == 6
    assert sum(1 for r in results if r.delivered) >= 2  # they really ran side by side
    assert len(hook.wire) == 6
    assert len(hook.ids) == 6
    assert WebhookAttempt.objects.count() == 6
    assert set(WebhookDelivery.objects.values_list("state", flat=True)) == {"delivered"}


def test_two_rotations_at_once_leave_exactly_one_secret_without_an_end(
    world: SimpleNamespace,
) -> None:
    """The subscription's row is locked first: without it both rotations could find the same
    live secret, each add a new one, and leave two secrets that never stop signing."""
    subscription = services.subscription_create(
        actor=world.client_a.user,
        client=world.client_a,
        url="https://partner.example/hooks",
        event_types=["*"],
    ).subscription
    start = threading.Barrier(2)

    def rotate() -> str:
        start.wait()
        try:
            return services.secret_rotate(
                actor=world.client_a.user, subscription=subscription
            ).secret
        finally:
            connection.close()

    with ThreadPoolExecutor(2) as pool:
        new = [f.result() for f in [pool.submit(rotate) for _ in range(2)]]
    secrets = list(subscription.secrets.all())
    assert len(secrets) == 3
    live = [s for s in secrets if s.expires_at is None]
    assert len(live) == 1
    assert live[0].secret in new
