"""Safety-relevant changes to a nominal, announced to the apps that must hear of them.

A victim liaison officer must learn when the person linked to their victim moves,
is released, has their licence conditions changed, changes MAPPA level or is
suspected of a breach, without the register, MAPPA or notifications knowing
anything about victims. The app that records the change calls `safety_change`;
the victims app listens (from its AppConfig.ready). Listeners run inside the
caller's transaction, so a change that rolls back tells no one.

The summary is written for the listener's user: it says what changed and when,
never the new address itself (a VLO is told the person moved, not where to).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import models
from django.utils import timezone

if TYPE_CHECKING:
    from register.models import Nominal, PrimaryAggressorReview, Registration, StaffUser


class SafetyChangeKind(models.TextChoices):
    ADDRESS = "address", "Address changed"
    RELEASE = "release", "Release or licence dates changed"
    LICENCE_CONDITIONS = "licence_conditions", "Licence conditions changed"
    MAPPA_LEVEL = "mappa_level", "MAPPA level changed"
    BREACH = "breach", "Suspected breach recorded"


@dataclass(frozen=True)
class SafetyChange:
    nominal: Nominal
    kind: str
    summary: str
    at: dt.datetime
    actor: StaffUser


Listener = Callable[[SafetyChange], None]
_listeners: list[Listener] = []


def listen(listener: Listener) -> None:
    """Subscribe (once: registering the same function again changes nothing)."""
    if listener not in _listeners:
        _listeners.append(listener)


def stop_listening(listener: Listener) -> None:
    if listener in _listeners:
        _listeners.remove(listener)


def safety_change(
    *,
    actor: StaffUser,
    nominal: Nominal,
    kind: str,
    summary: str,
    at: dt.datetime | None = None,
) -> None:
    change = SafetyChange(
        nominal=nominal, kind=kind, summary=summary, at=at or timezone.now(), actor=actor
    )
    for listener in list(_listeners):
        listener(change)


class RegistrationEventKind(models.TextChoices):
    REGISTERED = "registered", "Registered"
    DEREGISTERED = "deregistered", "Registration ended"


@dataclass(frozen=True)
class RegistrationEvent:
    """A person was registered or their registration ended.

    Victims hear of it through their VLO; MAPPA proposes a case to the coordinator.
    Listeners run inside the deciding transaction, like safety changes.
    """

    nominal: Nominal
    registration: Registration
    kind: str
    at: dt.datetime
    actor: StaffUser


RegistrationListener = Callable[[RegistrationEvent], None]
_registration_listeners: list[RegistrationListener] = []


def listen_registration(listener: RegistrationListener) -> None:
    """Subscribe (once: registering the same function again changes nothing)."""
    if listener not in _registration_listeners:
        _registration_listeners.append(listener)


def stop_listening_registration(listener: RegistrationListener) -> None:
    if listener in _registration_listeners:
        _registration_listeners.remove(listener)


def registration_event(
    *, actor: StaffUser, registration: Registration, kind: str, at: dt.datetime | None = None
) -> None:
    event = RegistrationEvent(
        nominal=registration.nominal,
        registration=registration,
        kind=kind,
        at=at or timezone.now(),
        actor=actor,
    )
    for listener in list(_registration_listeners):
        listener(event)


@dataclass(frozen=True)
class AggressorReviewEvent:
    """A supervisor recorded a primary-aggressor review of a person flagged as a possible
    misidentified victim. A "victim" outcome matters to victim liaison officers: the person
    linked to their victim may be the victim, and the person may be one themselves.
    Listeners run inside the recording transaction, like safety changes.
    """

    nominal: Nominal
    review: PrimaryAggressorReview
    outcome: str
    at: dt.datetime
    actor: StaffUser


AggressorReviewListener = Callable[[AggressorReviewEvent], None]
_review_listeners: list[AggressorReviewListener] = []


def listen_aggressor_review(listener: AggressorReviewListener) -> None:
    """Subscribe (once: registering the same function again changes nothing)."""
    if listener not in _review_listeners:
        _review_listeners.append(listener)


def stop_listening_aggressor_review(listener: AggressorReviewListener) -> None:
    if listener in _review_listeners:
        _review_listeners.remove(listener)


def aggressor_review_event(
    *, actor: StaffUser, review: PrimaryAggressorReview, at: dt.datetime | None = None
) -> None:
    event = AggressorReviewEvent(
        nominal=review.nominal,
        review=review,
        outcome=review.outcome,
        at=at or timezone.now(),
        actor=actor,
    )
    for listener in list(_review_listeners):
        listener(event)
