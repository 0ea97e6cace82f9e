"""docs/asyncapi.yaml is what the catalogue builds: every event type, its headers, valid 3.0."""

from __future__ import annotations

from pathlib import Path

import yaml

from core.events import EVENT_TYPES
from partners.asyncapi import as_yaml

DOC = Path(__file__).resolve().parents[2] / "docs" / "asyncapi.yaml"


def test_the_file_is_what_the_catalogue_builds() -> None:
    assert DOC.read_text() == as_yaml(), "run manage.py write_asyncapi"


def test_every_event_type_is_a_message_with_the_standard_webhooks_headers() -> None:
    doc = yaml.safe_load(DOC.read_text())
    assert doc["asyncapi"].startswith("3.")
    messages = doc["components"]["messages"]
    assert {m["name"] for m in messages.values()} == set(EVENT_TYPES)
    for message in messages.values():
        assert message["summary"] == EVENT_TYPES[message["name"]]
        assert message["headers"] == {"$ref": "#/components/schemas/WebhookHeaders"}
    headers = doc["components"]["schemas"]["WebhookHeaders"]
    assert headers["required"] == ["webhook-id", "webhook-timestamp", "webhook-signature"]
    operation = doc["operations"]["sendEvent"]
    assert len(operation["messages"]) == len(EVENT_TYPES)
    for ref in operation["messages"]:  # every reference resolves
        key = ref["$ref"].rsplit("/", 1)[1]
        assert key in doc["channels"]["subscriptionEndpoint"]["messages"]
        assert key in messages
