"""Schemathesis over every operation of /api/v1/, against a live server with the demo data.

A partner system's generated client trusts the schema, and a hostile one sends anything it
allows and more. So every operation gets valid and invalid requests (Schemathesis' positive
and negative modes), with a fixed seed and a bounded number of examples, sent over HTTP with
an API client's token, and every answer must:

- not be a server error (not_a_server_error);
- match the documented body for its status (response_schema_conformance);
- have a documented status (status_code_conformance).

Requests reach real records: path ids are the demo's own (SMITH, his details, his MAPPA case,
his victim, ...) three times in four and generated the rest, If-Match is `*` in half of the
writes, so changes get past the ETag check and are really made, and most POSTs carry a fresh
Idempotency-Key (a reused one answers 422 before anything is read).

SCHEMATHESIS_MAX_EXAMPLES (default 12) sets the examples per operation; the test prints the
number of cases sent and the time taken.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from mappa import models as mappa_models
from notifications import models as notification_models
from register import demo
from register import models as m
from register.models import Role
from register.services import DETAIL_KINDS, api_client_create
from victims import models as victim_models

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "12"))
SEED = 20261128
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]
CLIENT_ROLES = [
    Role.OFFENDER_MANAGER,
    Role.VICTIM_LIAISON_OFFICER,
    Role.MAPPA_COORDINATOR,
    Role.SUPERVISOR,
]


def _first_id(queryset: Any) -> str | None:
    pk = queryset.order_by("pk").values_list("pk", flat=True).first()
    return None if pk is None else str(pk)


def demo_ids() -> dict[str, str | None]:
    """Real ids for each path parameter, keyed "<parameter>" or "<path prefix>:<parameter>"."""
    nominal = m.Nominal.objects.get(family_name__iexact="smith", given_names__iexact="jonathan")
    victim = victim_models.Victim.objects.filter(links__nominal=nominal).order_by("pk").first()
    ids: dict[str, str | None] = {
        "nominal_id": str(nominal.pk),
        "breach_id": _first_id(notification_models.Breach.objects.filter(nominal=nominal)),
        "notification_id": _first_id(
            notification_models.Notification.objects.filter(nominal=nominal)
        ),
        "task_id": _first_id(notification_models.Task.objects.all()),
        "mappa:case_id": _first_id(mappa_models.MappaCase.objects.filter(nominal=nominal)),
        "disclosures:case_id": _first_id(victim_models.DisclosureCase.objects.all()),
        "meeting_id": _first_id(mappa_models.Meeting.objects.all()),
        "action_id": _first_id(mappa_models.MeetingAction.objects.all()),
        "plan_id": _first_id(mappa_models.RiskManagementPlan.objects.all()),
        "referral_id": _first_id(mappa_models.Referral.objects.all()),
        "victim_id": None if victim is None else str(victim.pk),
        "grant_id": _first_id(victim_models.VictimAccessGrant.objects.filter(victim=victim)),
    }
    for kind, spec in DETAIL_KINDS.items():
        ids[f"{kind}:detail_id"] = _first_id(
            spec.model._default_manager.filter(**{spec.nominal_lookup: nominal})
        )
    return ids


def real_value(path: str, name: str, ids: dict[str, str | None]) -> str | None:
    parts = path.removeprefix("/api/v1/").split("/")
    if name == "detail_id":
        return ids.get(f"{parts[2]}:detail_id")
    if name == "case_id":
        return ids.get(f"{parts[0]}:case_id")
    return ids.get(name)


@pytest.mark.django_db(transaction=True)
def test_every_operation_against_a_live_server(live_server: Any) -> None:
    started = time.monotonic()
    demo.load()
    agency = m.Agency.objects.get(code="NMP")
    _, token = api_client_create(
        actor=None,
        agency=agency,
        name="Fuzzer",
        roles=CLIENT_ROLES,
        scopes=m.ApiScope.values,
        # Far more requests a minute than a partner's default rate allows (throttling has
        # its own tests in tests/register/test_api_clients.py).
        rate="1000000/min",
        reason="Schemathesis",
    )
    ids = demo_ids()
    session = requests.Session()
    session.headers["Authorization"] = f"Token {token}"
    raw = session.get(f"{live_server.url}/api/v1/schema/", params={"format": "json"}, timeout=60)
    assert raw.status_code == 200, raw.text[:500]
    schema = schemathesis.openapi.from_dict(raw.json())

    sent: Counter[str] = Counter()
    statuses: Counter[int] = Counter()
    failures: dict[str, str] = {}
    operations = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result.err()
        operations.append(result.ok())
    assert len(operations) > 100

    def fuzz(operation: Any) -> None:
        label = f"{operation.method.upper()} {operation.path}"
        cases = st.one_of(
            operation.as_strategy(schemathesis.GenerationMode.POSITIVE),
            operation.as_strategy(schemathesis.GenerationMode.NEGATIVE),
        )

        @seed(SEED)
        @settings(
            max_examples=MAX_EXAMPLES,
            database=None,
            deadline=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=cases, data=st.data())
        def run(case: Any, data: Any) -> None:
            # Hypothesis starts from the smallest draws (0, False): those take the real ids,
            # `*` and a fresh key, so the first examples of every operation reach real records.
            path_parameters = case.path_parameters or {}
            for name in list(path_parameters):
                value = real_value(case.operation.path, name, ids)
                if value is not None and data.draw(st.integers(0, 3), label=name) < 3:
                    path_parameters[name] = value
            headers = case.headers
            if headers is not None and "If-Match" in headers and not data.draw(st.booleans()):
                headers["If-Match"] = "*"
            fresh_key = data.draw(st.integers(0, 3), label="fresh key") < 3
            if headers is not None and "Idempotency-Key" in headers and fresh_key:
                headers["Idempotency-Key"] = f"fuzz-{sum(sent.values())}"
            response = case.call(base_url=live_server.url, session=session, timeout=60)
            sent[label] += 1
            statuses[response.status_code] += 1
            case.validate_response(response, checks=CHECKS)

        try:
            run()
        except (Exception, FailureGroup) as exc:  # one per operation, all reported at the end
            failures[label] = f"{type(exc).__name__}: {exc}"[:3000]

    setup = time.monotonic() - started
    started = time.monotonic()
    for operation in operations:
        fuzz(operation)

    elapsed = time.monotonic() - started
    print(
        f"\nSchemathesis: {sum(sent.values())} cases over {len(operations)} operations "
        f"in {elapsed:.0f} s after {setup:.0f} s loading the demo data and schema (seed {SEED}, up to {MAX_EXAMPLES} examples each); "
        f"statuses {dict(sorted(statuses.items()))}; {len(failures)} operations failed"
    )
    assert not failures, "\n\n".join(f"{label}\n{text}" for label, text in failures.items())
