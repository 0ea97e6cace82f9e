"""core.events: the one mechanism apps announce what happened with (issue 15, "Domain events,
one mechanism"). Pure: no database, no apps' listeners (they are set aside per test)."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from core import events
from core.events import DomainEvent


@pytest.fixture(autouse=True)
def no_app_listeners() -> Iterator[None]:
    # The apps subscribe at ready(); these tests are about the mechanism, not them.
    saved = {k: list(v) for k, v in events._listeners.items()}
    events._listeners.clear()
    yield
    events._listeners.clear()
    events._listeners.update(saved)


def event(event_type: str = "nominal.changed", **data: object) -> DomainEvent:
    return DomainEvent(
        type=event_type,
        subject_type="nominal",
        subject_id="5",
        nominal_id="5",
        actor_id=1,
        at=timezone.now(),
        data=dict(data),
    )


def test_publish_reaches_listeners_of_its_type_then_those_of_every_type() -> None:
    heard: list[tuple[str, str]] = []
    events.subscribe("nominal.changed", lambda e: heard.append(("changed", e.type)))
    events.subscribe("breach.recorded", lambda e: heard.append(("breach", e.type)))
    events.subscribe("*", lambda e: heard.append(("all", e.type)))

    events.publish(event("nominal.changed"))
    events.publish(event("registration.ended"))

    assert heard == [
        ("changed", "nominal.changed"),
        ("all", "nominal.changed"),
        ("all", "registration.ended"),
    ]


def test_subscribing_twice_hears_once_and_unsubscribe_stops_it() -> None:
    heard: list[DomainEvent] = []
    events.subscribe("nominal.created", heard.append)
    events.subscribe("nominal.created", heard.append)
    events.publish(event("nominal.created"))
    assert len(heard) == 1

    events.unsubscribe("nominal.created", heard.append)
    events.unsubscribe("nominal.created", heard.append)  # not subscribed: nothing happens
    events.publish(event("nominal.created"))
    assert len(heard) == 1


def test_an_unknown_type_is_refused_on_publish_and_subscribe() -> None:
    with pytest.raises(ValueError, match=r"nominal\.chnaged"):
        events.publish(event("nominal.chnaged"))
    with pytest.raises(ValueError, match="breach"):
        events.subscribe("breach", lambda e: None)


def test_a_failing_listener_fails_the_publisher() -> None:
    # The publisher's transaction then rolls back: a change no one could hear of is not made.
    def broken(e: DomainEvent) -> None:
        raise RuntimeError("listener failed")

    events.subscribe("disclosure.made", broken)
    with pytest.raises(RuntimeError, match="listener failed"):
        events.publish(event("disclosure.made"))


def test_the_instance_rides_along_but_is_not_part_of_the_event() -> None:
    plain = event()
    with_obj = dataclasses.replace(plain, obj=object())
    assert plain == with_obj
    with pytest.raises(dataclasses.FrozenInstanceError):
        plain.type = "nominal.created"  # type: ignore[misc]


def test_the_catalogue_holds_every_type_the_apps_announce() -> None:
    wanted = {
        "nominal.created", "nominal.changed", "registration.decided", "registration.ended",
        "notification.recorded", "due_item.overdue", "breach.recorded", "mappa.level_changed",
        "transfer.requested", "transfer.accepted", "transfer.rejected", "disclosure.made",
    }  # fmt: skip
    assert wanted <= set(events.EVENT_TYPES)
    assert all(description.strip() for description in events.EVENT_TYPES.values())


def test_the_documented_catalogue_is_the_catalogue() -> None:
    # docs/events.md cannot drift: every type, with the same description, and no other.
    doc = (Path(settings.BASE_DIR) / "docs" / "events.md").read_text(encoding="utf-8")
    catalogue = doc.split("## The catalogue", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([a-z_]+\.[a-z_]+)` \| ([^|]+) \|", catalogue, flags=re.MULTILINE)
    assert dict((t, d.strip()) for t, d in rows) == events.EVENT_TYPES
    assert len(rows) == len(events.EVENT_TYPES)
