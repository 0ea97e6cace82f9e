"""Domain events: the one way an app announces what happened, and the one way others hear it.

An app that changes something other apps care about (a nominal's details, a registration
decision, a breach, a MAPPA level, a transfer) publishes a DomainEvent; the apps that must
react (victims tells a VLO, MAPPA proposes a case, notifications starts requirements, partners
push webhooks) subscribe from their AppConfig.ready. So the publisher never imports its
listeners: the register knows nothing of notifications, victims or partners.

Listeners run synchronously inside the publisher's transaction: a change that rolls back
tells no one, and a listener's failure rolls the change back with it. A listener that must
reach outside the process (e-mail, a webhook) therefore writes to the outbox (core.outbox)
rather than sending, so the send follows the commit.

`obj` (the subject's model instance), `actor`, `nominal` and `context` are for in-process
listeners that need more than ids (so they do not query again); they are never serialised. `data` holds ids and small, non-sensitive facts only (it may leave the
process in a webhook): never victim compartment data, never an address.

Core imports no domain app: the catalogue of event types lives here as plain strings.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

ALL = "*"


@dataclass(frozen=True)
class DomainEvent:
    type: str  # one of EVENT_TYPES, e.g. "nominal.changed"
    subject_type: str  # "nominal", "registration", "due_item", "breach", "mappa_case", ...
    subject_id: str  # str(pk) of the subject
    nominal_id: str | None  # the nominal whose access the gate checks (None if not about one)
    actor_id: int | None  # StaffUser pk who caused it (None for scheduled jobs)
    at: datetime.datetime
    data: dict[str, Any]  # ids and small non-sensitive facts only, never victim data
    obj: Any = field(default=None, compare=False)  # in-process only; never serialised
    # In-process only, never serialised, for listeners in this process that act for the same
    # person (history names them) or need the instance: the StaffUser, the Nominal, and
    # options the publisher passes on (e.g. the register's eligibility outcome).
    actor: Any = field(default=None, compare=False, repr=False)
    nominal: Any = field(default=None, compare=False, repr=False)
    context: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)


# The catalogue: what each type means, in the words of the people who use the register.
# docs/events.md is checked against it by a test, so the two cannot drift.
EVENT_TYPES: dict[str, str] = {
    "nominal.created": "A person was added to the register.",
    "nominal.changed": "A person's details changed (an identity, address, licence or order).",
    "registration.decided": "A decision was made to register a person, or not to register them.",
    "registration.ended": "A person's registration ended.",
    "aggressor_review.recorded": (
        "A supervisor recorded a primary-aggressor review of a possible misidentified victim."
    ),
    "notification.recorded": "A registered person notified their details to the police.",
    "due_item.overdue": "A notification or review became overdue.",
    "breach.recorded": "A suspected breach of a requirement, order or licence was recorded.",
    "mappa.level_changed": "A person's MAPPA management level changed.",
    "transfer.requested": "The lead agency asked another agency to take over a record.",
    "transfer.accepted": "The receiving agency accepted a transfer and now leads the record.",
    "transfer.rejected": "The receiving agency declined a transfer.",
    "disclosure.made": "Information about a person was disclosed under a disclosure scheme.",
}

Listener = Callable[[DomainEvent], None]
_listeners: dict[str, list[Listener]] = {}


def _check_type(event_type: str, *, allow_all: bool) -> None:
    if event_type in EVENT_TYPES or (allow_all and event_type == ALL):
        return
    raise ValueError(f"Unknown domain event type {event_type!r}; add it to EVENT_TYPES.")


def subscribe(event_type: str, listener: Listener) -> None:
    """Call `listener` for every event of `event_type` ("*" for all types).

    Subscribing the same function again changes nothing, so a ready() that runs twice
    (tests, autoreload) does not double every reaction.
    """
    _check_type(event_type, allow_all=True)
    listeners = _listeners.setdefault(event_type, [])
    if listener not in listeners:
        listeners.append(listener)


def unsubscribe(event_type: str, listener: Listener) -> None:
    listeners = _listeners.get(event_type, [])
    if listener in listeners:
        listeners.remove(listener)


def listeners_for(event_type: str) -> list[Listener]:
    """The listeners an event of this type reaches: its own, then the "*" ones."""
    return [*_listeners.get(event_type, []), *_listeners.get(ALL, [])]


def publish(event: DomainEvent) -> None:
    """Tell every subscriber, now, in the caller's transaction.

    An unknown type is a programming error (a typo would otherwise reach no one): ValueError.
    """
    _check_type(event.type, allow_all=False)
    # A copy: a listener that subscribes or unsubscribes does not change this round.
    for listener in listeners_for(event.type):
        listener(event)
