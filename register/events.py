"""The register's domain events, built and published on core.events.

The register announces what happened to a nominal (created, changed, registered, registration
ended, a primary-aggressor review) and never calls the apps that react: notifications starts
requirements and moves due dates, victims tells a VLO, MAPPA proposes a case, partners push
webhooks, each subscribing from its AppConfig.ready. Listeners run inside the caller's
transaction, so a change that rolls back tells no one.

A safety-relevant change (an address, release or licence dates, licence conditions, a MAPPA
level, a suspected breach) is the same event as the change itself, marked with
`data["safety_change"]` and a summary. The summary is written for a victim liaison officer:
it says what changed and when, never the new address itself (a VLO is told the person moved,
not where to). The typed views below (SafetyChange, RegistrationEvent, AggressorReviewEvent)
are what the victims and MAPPA listeners read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils import timezone

from core import events as core_events
from core.events import DomainEvent

if TYPE_CHECKING:
    from register.models import Nominal, PrimaryAggressorReview, Registration, StaffUser


def announce(
    event_type: str,
    *,
    actor: StaffUser | None,
    nominal: Nominal,
    subject: models.Model | None = None,
    subject_type: str = "nominal",
    data: Mapping[str, Any] | None = None,
    at: dt.datetime | None = None,
    context: Mapping[str, Any] | None = None,
) -> DomainEvent:
    """Publish an event about `nominal` (the subject is the nominal unless another is given).

    `data` must hold ids and small facts a partner may read: never victim data or an address.
    """
    event = DomainEvent(
        type=event_type,
        subject_type=subject_type if subject is not None else "nominal",
        subject_id=str(subject.pk if subject is not None else nominal.pk),
        nominal_id=str(nominal.pk),
        actor_id=actor.pk if actor is not None else None,
        at=at or timezone.now(),
        data=dict(data or {}),
        obj=subject if subject is not None else nominal,
        actor=actor,
        nominal=nominal,
        context=dict(context or {}),
    )
    core_events.publish(event)
    return event


# Safety-relevant changes ---------------------------------------------------------------------


class SafetyChangeKind(models.TextChoices):
    ADDRESS = "address", "Address changed"
    RELEASE = "release", "Release or licence dates changed"
    LICENCE_CONDITIONS = "licence_conditions", "Licence conditions changed"
    MAPPA_LEVEL = "mappa_level", "MAPPA level changed"
    BREACH = "breach", "Suspected breach recorded"


# The event a safety change rides on, when its publisher does not say.
SAFETY_EVENT_TYPES: dict[str, str] = {
    SafetyChangeKind.ADDRESS: "nominal.changed",
    SafetyChangeKind.RELEASE: "nominal.changed",
    SafetyChangeKind.LICENCE_CONDITIONS: "nominal.changed",
    SafetyChangeKind.MAPPA_LEVEL: "mappa.level_changed",
    SafetyChangeKind.BREACH: "breach.recorded",
}


def safety_data(kind: str, summary: str) -> dict[str, str]:
    """The marks that make an event safety-relevant (see the module docstring)."""
    return {"safety_change": str(kind), "summary": summary}


@dataclass(frozen=True)
class SafetyChange:
    """A safety-relevant event, as a victim liaison officer's listener reads it."""

    nominal: Nominal
    kind: str
    summary: str
    at: dt.datetime
    actor: StaffUser


def safety_change_of(event: DomainEvent) -> SafetyChange | None:
    kind = event.data.get("safety_change")
    if not kind:
        return None
    return SafetyChange(
        nominal=event.nominal,
        kind=kind,
        summary=event.data["summary"],
        at=event.at,
        actor=event.actor,
    )


def safety_change(
    *,
    actor: StaffUser,
    nominal: Nominal,
    kind: str,
    summary: str,
    at: dt.datetime | None = None,
    subject: models.Model | None = None,
    subject_type: str = "nominal",
    data: Mapping[str, Any] | None = None,
) -> DomainEvent:
    """Publish the change (its event type follows from the kind) marked as safety-relevant."""
    return announce(
        SAFETY_EVENT_TYPES[kind],
        actor=actor,
        nominal=nominal,
        subject=subject,
        subject_type=subject_type,
        data={**(data or {}), **safety_data(kind, summary)},
        at=at,
    )


# Registration -----------------------------------------------------------------------------


class RegistrationEventKind(models.TextChoices):
    REGISTERED = "registered", "Registered"
    DEREGISTERED = "deregistered", "Registration ended"


@dataclass(frozen=True)
class RegistrationEvent:
    """A person was registered or their registration ended, as victims and MAPPA read it.

    Victims hear of it through their VLO; MAPPA proposes a case to the coordinator.
    """

    nominal: Nominal
    registration: Registration
    kind: str
    at: dt.datetime
    actor: StaffUser


def registration_event(
    *,
    actor: StaffUser,
    registration: Registration,
    kind: str,
    at: dt.datetime | None = None,
    context: Mapping[str, Any] | None = None,
) -> DomainEvent:
    """registration.decided (any decision, to register or not) or registration.ended."""
    data: dict[str, Any] = {
        "decision": registration.decision,
        "criteria_set_id": registration.criteria_set_id,
        "decided_on": registration.decided_on.isoformat(),
    }
    if kind == RegistrationEventKind.DEREGISTERED:
        event_type = "registration.ended"
        data["ended_on"] = registration.ended_on.isoformat() if registration.ended_on else None
    else:
        event_type = "registration.decided"
        data["starts_on"] = registration.starts_on.isoformat() if registration.starts_on else None
    return announce(
        event_type,
        actor=actor,
        nominal=registration.nominal,
        subject=registration,
        subject_type="registration",
        data=data,
        at=at,
        context=context,
    )


def registration_event_of(event: DomainEvent) -> RegistrationEvent | None:
    """The registered / ended view; None for a decision not to register."""
    registration = event.obj
    if event.type == "registration.ended":
        kind = RegistrationEventKind.DEREGISTERED
    elif event.type == "registration.decided" and event.data.get("decision") == "register":
        kind = RegistrationEventKind.REGISTERED
    else:
        return None
    return RegistrationEvent(
        nominal=event.nominal,
        registration=registration,
        kind=kind,
        at=event.at,
        actor=event.actor,
    )


# Primary-aggressor reviews ----------------------------------------------------------------


@dataclass(frozen=True)
class AggressorReviewEvent:
    """A supervisor recorded a primary-aggressor review of a person flagged as a possible
    misidentified victim. A "victim" outcome matters to victim liaison officers: the person
    linked to their victim may be the victim, and the person may be one themselves.
    """

    nominal: Nominal
    review: PrimaryAggressorReview
    outcome: str
    at: dt.datetime
    actor: StaffUser


def aggressor_review_event(
    *, actor: StaffUser, review: PrimaryAggressorReview, at: dt.datetime | None = None
) -> DomainEvent:
    return announce(
        "aggressor_review.recorded",
        actor=actor,
        nominal=review.nominal,
        subject=review,
        subject_type="aggressor_review",
        data={"outcome": review.outcome, "reviewed_on": review.reviewed_on.isoformat()},
        at=at,
    )


def aggressor_review_event_of(event: DomainEvent) -> AggressorReviewEvent:
    return AggressorReviewEvent(
        nominal=event.nominal,
        review=event.obj,
        outcome=event.data["outcome"],
        at=event.at,
        actor=event.actor,
    )


# Typed subscriptions ----------------------------------------------------------------------
# Each registers an adapter on core.events that turns the DomainEvent into the typed view;
# the adapter is kept per listener so subscribing twice is once, and stopping finds it.

_adapters: dict[tuple[str, Callable[..., None]], Callable[[DomainEvent], None]] = {}


def _subscribe(
    family: str,
    event_types: tuple[str, ...],
    listener: Callable[..., None],
    view: Callable[[DomainEvent], Any],
) -> None:
    key = (family, listener)
    if key not in _adapters:

        def adapter(event: DomainEvent) -> None:
            typed = view(event)
            if typed is not None:
                listener(typed)

        _adapters[key] = adapter
    for event_type in event_types:
        core_events.subscribe(event_type, _adapters[key])


def _unsubscribe(family: str, event_types: tuple[str, ...], listener: Callable[..., None]) -> None:
    adapter = _adapters.pop((family, listener), None)
    if adapter is not None:
        for event_type in event_types:
            core_events.unsubscribe(event_type, adapter)


_SAFETY_TYPES = tuple(sorted(set(SAFETY_EVENT_TYPES.values())))
_REGISTRATION_TYPES = ("registration.decided", "registration.ended")
_REVIEW_TYPES = ("aggressor_review.recorded",)


def listen(listener: Callable[[SafetyChange], None]) -> None:
    """Hear every safety-relevant change (once, however often subscribed)."""
    _subscribe("safety", _SAFETY_TYPES, listener, safety_change_of)


def stop_listening(listener: Callable[[SafetyChange], None]) -> None:
    _unsubscribe("safety", _SAFETY_TYPES, listener)


def listen_registration(listener: Callable[[RegistrationEvent], None]) -> None:
    """Hear registrations and their endings (not decisions not to register)."""
    _subscribe("registration", _REGISTRATION_TYPES, listener, registration_event_of)


def stop_listening_registration(listener: Callable[[RegistrationEvent], None]) -> None:
    _unsubscribe("registration", _REGISTRATION_TYPES, listener)


def listen_aggressor_review(listener: Callable[[AggressorReviewEvent], None]) -> None:
    _subscribe("review", _REVIEW_TYPES, listener, aggressor_review_event_of)


def stop_listening_aggressor_review(listener: Callable[[AggressorReviewEvent], None]) -> None:
    _unsubscribe("review", _REVIEW_TYPES, listener)
