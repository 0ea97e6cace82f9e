"""The webhook catalogue as an AsyncAPI 3.0 document, built from core.events.EVENT_TYPES.

`manage.py write_asyncapi` writes docs/asyncapi.yaml; a test checks the file is what this
builds, so the catalogue partners read cannot drift from the events the register sends.
"""

from __future__ import annotations

from typing import Any

import yaml

from core.events import EVENT_TYPES

HEADERS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["webhook-id", "webhook-timestamp", "webhook-signature"],
    "properties": {
        "webhook-id": {
            "type": "string",
            "description": (
                "The message id (msg_...). The same on every retry and replay of one event to "
                "one subscription: process each id once (delivery is at least once)."
            ),
        },
        "webhook-timestamp": {
            "type": "string",
            "description": "Seconds since the Unix epoch when this attempt was signed.",
        },
        "webhook-signature": {
            "type": "string",
            "description": (
                "Space-separated `v1,<base64 HMAC-SHA256>` signatures of "
                "`{webhook-id}.{webhook-timestamp}.{body}` (Standard Webhooks). During a "
                "secret rotation's overlap there is one per live secret."
            ),
        },
    },
}

DATA_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["id", "subject_type", "nominal_id", "link"],
    "properties": {
        "id": {"type": "string", "description": "The id of the record the event is about."},
        "subject_type": {
            "type": "string",
            "description": "What kind of record: nominal, registration, breach, ...",
        },
        "nominal_id": {
            "type": ["string", "null"],
            "format": "uuid",
            "description": "The person the record belongs to.",
        },
        "link": {
            "type": ["string", "null"],
            "format": "uri",
            "description": (
                "Where to read the record through the API (your access is checked again)."
            ),
        },
    },
    "additionalProperties": {
        "description": (
            "Other ids (`*_id`), times (`*_at`, `*_on`) and small codes (kind, level, outcome, "
            "status, fields). Never what a record says, never victim details."
        )
    },
}


def _message_key(event_type: str) -> str:
    return event_type.replace(".", "_")


def build() -> dict[str, Any]:
    messages = {
        _message_key(event_type): {
            "name": event_type,
            "title": event_type,
            "summary": description,
            "contentType": "application/json",
            "headers": {"$ref": "#/components/schemas/WebhookHeaders"},
            "payload": {
                "allOf": [
                    {"$ref": "#/components/schemas/Event"},
                    {"type": "object", "properties": {"type": {"const": event_type}}},
                ]
            },
        }
        for event_type, description in EVENT_TYPES.items()
    }
    refs = {key: {"$ref": f"#/components/messages/{key}"} for key in messages}
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "DA and Stalking Perpetrator Register: events to partner systems",
            "version": "1.0.0",
            "description": (
                "Signed Standard Webhooks POSTed to each subscription's address. Subscribe "
                "with POST /api/v1/webhooks/subscriptions/ (see the OpenAPI schema at "
                "/api/v1/schema/). An event is sent only if your agency may see the record "
                "when it is sent. A 2xx answer delivers it; anything else is retried with "
                "backoff for about three days (PARTNERS_RETRY_SCHEDULE), then given up and "
                "shown in the delivery log, from which it can be replayed."
            ),
        },
        "defaultContentType": "application/json",
        "channels": {
            "subscriptionEndpoint": {
                "address": None,
                "description": "The https address given when subscribing.",
                "messages": refs,
            }
        },
        "operations": {
            "sendEvent": {
                "action": "send",
                "channel": {"$ref": "#/channels/subscriptionEndpoint"},
                "summary": "The register POSTs an event to a partner's endpoint.",
                "messages": [
                    {"$ref": f"#/channels/subscriptionEndpoint/messages/{key}"} for key in messages
                ],
            }
        },
        "components": {
            "schemas": {
                "WebhookHeaders": HEADERS_SCHEMA,
                "Event": {
                    "type": "object",
                    "required": ["type", "timestamp", "data"],
                    "properties": {
                        "type": {"type": "string", "enum": list(EVENT_TYPES)},
                        "timestamp": {"type": "string", "format": "date-time"},
                        "data": DATA_SCHEMA,
                    },
                },
            },
            "messages": messages,
        },
    }


def as_yaml() -> str:
    header = (
        "# Generated by `manage.py write_asyncapi` from core.events.EVENT_TYPES. Do not edit.\n"
    )
    return header + yaml.safe_dump(build(), sort_keys=False, allow_unicode=True, width=100)
