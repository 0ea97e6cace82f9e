"""Of N writers holding one ETag exactly one changes the record: real concurrency.

Issue 11, finding 1: "20 PATCHes of one nominal sent at once with the same ETag: up to 8
answered 200 ... `check_if_match` compares against a row read before the update,
unlocked." DESIGN.md: "Updates use ETag / If-Match, checked *atomically* (a conditional
UPDATE on the version, or the row locked before comparing), so of two editors holding one
ETag exactly one wins."

The requests go over HTTP to pytest-django's live server, a ThreadedWSGIServer (one thread,
and one database connection, per request). So that they really overlap, the test holds the
record's row lock while they arrive and waits until PostgreSQL shows them all waiting on
it; then it lets go. Code that compared before locking would let every one of them through
(they all read the same ETag before they waited) and these tests would see 20 answers of 200.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connection, connections, models, transaction
from django.test import Client
from django.urls import reverse

from register import models as m
from register import services
from register.models import Role
from tests import factories
from tests import register_factories as rf
from tests.base import login_verified

pytestmark = pytest.mark.django_db(transaction=True)

WRITERS = 20
REASON = "Corrected from the case file"
# What the nominal edit page posts for the person rf.person makes.
PAGE_FORM = {
    "given_names": "Dean",
    "date_of_birth": "1984-03-12",
    "sex": "not_known",
    "reason": REASON,
}


@dataclass
class Answer:
    status: int
    body: dict[str, Any]
    headers: dict[str, str]


def call(base: str, method: str, path: str, token: str, body: Any = None, **headers: str) -> Answer:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(  # noqa: S310 - the live server's own http:// URL
        base + path,
        data=data,
        method=method,
        headers={
            "Authorization": f"Token {token}",
            "Content-Type": "application/json",
            "Accept": "application/json",
            **{k.replace("_", "-"): v for k, v in headers.items()},
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            raw, status, got = response.read(), response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        raw, status, got = error.read(), error.code, dict(error.headers)
    return Answer(status, json.loads(raw) if raw else {}, got)


def waiting_on_locks() -> int:
    """Backends of this test database waiting for a lock (each request is one)."""
    with connection.cursor() as cursor:
        # pg_stat_activity is read once per transaction unless told to look again.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(DISTINCT l.pid) FROM pg_locks l "
            "JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE NOT l.granted AND a.datname = current_database()"
        )
        row = cursor.fetchone()
    return int(row[0]) if row else 0


@contextmanager
def row_held(record: models.Model) -> Iterator[None]:
    """Hold `record`'s row lock (as an editor would) until the block ends."""
    with transaction.atomic():
        list(
            type(record)
            ._base_manager.select_for_update()
            .filter(pk=record.pk)
            .values_list("pk", flat=True)
        )
        yield


def all_at_once(
    record: models.Model, writers: list[Callable[[], Any]], *, expect_waiting: int
) -> list[Any]:
    """Run the writers at once while `record` is locked, and let go once they all wait."""
    with ThreadPoolExecutor(max_workers=len(writers)) as pool:
        with row_held(record):
            futures = [pool.submit(w) for w in writers]
            deadline = time.monotonic() + 60
            while waiting_on_locks() < expect_waiting and time.monotonic() < deadline:
                time.sleep(0.05)
            waiting = waiting_on_locks()
        answers = [f.result() for f in futures]
    assert waiting >= expect_waiting, f"only {waiting} requests ever waited together"
    return answers


@pytest.fixture
def world(live_server: Any) -> dict[str, Any]:
    agency = factories.agency("A", m.AgencyKind.POLICE_FORCE)
    officer = factories.staff(agency, Role.OFFENDER_MANAGER, username="officer.a")
    vlo = factories.staff(agency, Role.VICTIM_LIAISON_OFFICER, username="vlo.a")
    nominal = rf.person(officer, "Harrow", "Dean")
    _, token = services.api_client_create(
        actor=None,
        agency=agency,
        name="Probation case system",
        roles=[Role.OFFENDER_MANAGER, Role.VICTIM_LIAISON_OFFICER],
        scopes=m.ApiScope.values,
        reason="Test setup",
    )
    return {
        "base": live_server.url,
        "officer": officer,
        "vlo": vlo,
        "nominal": nominal,
        "token": token,
    }


def test_the_live_server_serves_requests_concurrently(live_server: Any) -> None:
    """Without this the tests below could not tell a lock from a queue."""
    assert isinstance(live_server.thread.httpd, ThreadedWSGIServer)


def test_20_patches_of_one_nominal_with_one_etag_change_it_once(world: dict[str, Any]) -> None:
    nominal, token, base = world["nominal"], world["token"], world["base"]
    path = reverse("api-nominal-detail", args=[nominal.pk])
    etag = call(base, "GET", path, token).headers["ETag"]
    history_before = nominal.history.count()

    def writer(n: int) -> Callable[[], Answer]:
        body = {"family_name": f"Harrow-{n}", "reason": REASON}
        return lambda: call(base, "PATCH", path, token, body, If_Match=etag)

    answers = all_at_once(nominal, [writer(n) for n in range(WRITERS)], expect_waiting=WRITERS)

    assert Counter(a.status for a in answers) == {200: 1, 412: WRITERS - 1}
    winner = next(a for a in answers if a.status == 200)
    nominal.refresh_from_db()
    assert nominal.family_name == winner.body["family_name"]
    assert nominal.history.count() == history_before + 1
    for refused in (a for a in answers if a.status == 412):
        assert refused.body["detail"].startswith("The record has changed since you read it")


def test_20_patches_of_one_address_with_one_etag_change_it_once(world: dict[str, Any]) -> None:
    nominal, token, base = world["nominal"], world["token"], world["base"]
    address = rf.add(world["officer"], nominal, "addresses", rf.service_data("addresses"))
    path = reverse("api-addresses-detail", args=[nominal.pk, address.pk])
    etag = call(base, "GET", path, token).headers["ETag"]
    history_before = address.history.count()

    def writer(n: int) -> Callable[[], Answer]:
        body = {"line_1": f"{n + 1} Mill Lane", "reason": REASON}
        return lambda: call(base, "PATCH", path, token, body, If_Match=etag)

    answers = all_at_once(address, [writer(n) for n in range(WRITERS)], expect_waiting=WRITERS)

    assert Counter(a.status for a in answers) == {200: 1, 412: WRITERS - 1}
    address.refresh_from_db()
    assert address.line_1 == next(a for a in answers if a.status == 200).body["line_1"]
    assert address.history.count() == history_before + 1


def test_a_delete_racing_patches_of_one_address_one_wins(world: dict[str, Any]) -> None:
    """A removal and changes holding one ETag: exactly one of them happens."""
    nominal, token, base = world["nominal"], world["token"], world["base"]
    address = rf.add(world["officer"], nominal, "addresses", rf.service_data("addresses"))
    path = reverse("api-addresses-detail", args=[nominal.pk, address.pk])
    etag = call(base, "GET", path, token).headers["ETag"]
    removal = {"reason": "Recorded against the wrong person"}

    def remover() -> Answer:
        return call(base, "DELETE", path, token, removal, If_Match=etag)

    def changer(n: int) -> Callable[[], Answer]:
        body = {"town": f"Town {n}", "reason": REASON}
        return lambda: call(base, "PATCH", path, token, body, If_Match=etag)

    writers = [remover, *(changer(n) for n in range(5))]

    answers = all_at_once(address, writers, expect_waiting=len(writers))

    succeeded = [a for a in answers if a.status in (200, 204)]
    assert len(succeeded) == 1, [a.status for a in answers]
    assert {a.status for a in answers} - {200, 204} <= {412, 404}
    exists = m.Address.objects.filter(pk=address.pk).exists()
    assert exists == (succeeded[0].status == 200)


def test_20_victim_updates_with_one_etag_change_it_once(world: dict[str, Any]) -> None:
    from tests.victims.base import make_victim
    from victims import services as victim_services

    victim = make_victim(world["officer"], world["nominal"])
    victim_services.victim_allocate(
        actor=world["vlo"], victim=victim, vlo=world["vlo"], reason="Allocated"
    )
    token, base = world["token"], world["base"]
    path = reverse("api-victim-detail", args=[victim.pk])
    etag = call(base, "GET", path, token).headers["ETag"]
    history_before = victim.history.count()

    def writer(n: int) -> Callable[[], Answer]:
        body = {"children_count": n, "reason": REASON}
        return lambda: call(base, "PATCH", path, token, body, If_Match=etag)

    answers = all_at_once(victim, [writer(n) for n in range(WRITERS)], expect_waiting=WRITERS)

    assert Counter(a.status for a in answers) == {200: 1, 412: WRITERS - 1}
    victim.refresh_from_db()
    assert (
        victim.children_count == next(a for a in answers if a.status == 200).body["children_count"]
    )
    assert victim.history.count() == history_before + 1


def test_a_page_edit_racing_an_api_edit_one_wins(world: dict[str, Any]) -> None:
    """The edit page's hidden version is checked under the same lock as If-Match."""
    nominal, token, base = world["nominal"], world["token"], world["base"]
    officer = world["officer"]
    api_path = reverse("api-nominal-detail", args=[nominal.pk])
    page_path = reverse("nominal-edit", args=[nominal.pk])
    browser = Client()
    login_verified(browser, officer)
    page = browser.get(page_path)
    version = page.context["version"]
    etag = call(base, "GET", api_path, token).headers["ETag"]
    assert version == etag  # one version, whichever way the record was read
    form = {**PAGE_FORM, "family_name": "Harrow-page", "version": version}
    history_before = nominal.history.count()
    results: dict[str, Any] = {}

    def page_edit() -> None:
        try:
            results["page"] = browser.post(page_path, form)
        finally:
            connections.close_all()

    def api_edit() -> None:
        results["api"] = call(
            base,
            "PATCH",
            api_path,
            token,
            {"family_name": "Harrow-api", "reason": REASON},
            If_Match=etag,
        )

    all_at_once(nominal, [page_edit, api_edit], expect_waiting=2)

    page_won = results["page"].status_code == 302
    api_won = results["api"].status == 200
    assert page_won != api_won, (results["page"].status_code, results["api"].status)
    nominal.refresh_from_db()
    assert nominal.family_name == ("Harrow-page" if page_won else "Harrow-api")
    assert nominal.history.count() == history_before + 1
    if api_won:
        assert "Someone else changed this record" in results["page"].content.decode()
    else:
        assert results["api"].status == 412


def test_a_stale_page_version_changes_nothing(world: dict[str, Any]) -> None:
    nominal, officer = world["nominal"], world["officer"]
    page_path = reverse("nominal-edit", args=[nominal.pk])
    browser = Client()
    login_verified(browser, officer)
    page = browser.get(page_path)
    services.nominal_update(actor=officer, nominal=nominal, reason=REASON, family_name="Harrow-2")
    form = {**PAGE_FORM, "family_name": "Harrow-3", "version": page.context["version"]}
    history_before = nominal.history.count()

    response = browser.post(page_path, form)

    assert response.status_code == 200
    assert "Someone else changed this record" in response.content.decode()
    nominal.refresh_from_db()
    assert nominal.family_name == "Harrow-2"
    assert nominal.history.count() == history_before


def test_a_race_the_lock_order_cannot_prevent_answers_409_json() -> None:
    """A unique constraint met by two writers at once is a conflict to retry, not a 500."""
    from django.db import IntegrityError

    from register.api_conventions import exception_handler

    try:
        with transaction.atomic():
            agency = factories.agency("Z", m.AgencyKind.POLICE_FORCE)
            m.Agency.objects.create(code=agency.code, name="Twice", kind=agency.kind)
    except IntegrityError as exc:
        response = exception_handler(exc, {})
    else:
        pytest.fail("the second agency with one code was accepted")
    assert response is not None
    assert response.status_code == 409
    assert response.data["code"] == "conflict"


def test_a_stale_victim_contact_details_page_changes_nothing(world: dict[str, Any]) -> None:
    """The victims' form pages carry the version too (contact details, allocation, offer)."""
    from tests.victims.base import make_victim
    from victims import services as victim_services
    from victims.models import VictimContactDetails

    vlo = world["vlo"]
    victim = make_victim(world["officer"], world["nominal"])
    victim_services.victim_allocate(actor=vlo, victim=victim, vlo=vlo, reason="Allocated")
    page_path = reverse("victim-contact-details", args=[victim.pk])
    browser = Client()
    login_verified(browser, vlo)
    page = browser.get(page_path)
    assert 'name="version"' in page.content.decode()
    victim_services.contact_details_set(
        actor=vlo, victim=victim, reason="Phoned in", phone="07700 900001"
    )

    response = browser.post(
        page_path,
        {"phone": "07700 900002", "reason": REASON, "version": page.context["version"]},
    )

    assert response.status_code == 200
    assert "Someone else changed this record" in response.content.decode()
    assert VictimContactDetails.objects.get(victim=victim).phone == "07700 900001"
    fresh = browser.get(page_path)
    response = browser.post(
        page_path,
        {"phone": "07700 900002", "reason": REASON, "version": fresh.context["version"]},
    )
    assert response.status_code == 302
    assert VictimContactDetails.objects.get(victim=victim).phone == "07700 900002"
