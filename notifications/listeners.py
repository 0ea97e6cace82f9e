"""What notifications does when the register announces a change (register.events).

The register never calls notifications: it publishes, and these run in its transaction.

- registration.decided (to register): the default requirement set, the notification period
  from the index conviction of the eligibility outcome the decision rested on, and the first
  notification due (services.registration_start_requirements).
- nominal.changed about a detail row: the row's dates become, move or close due items, and a
  change the person must notify becomes its own due item (notifications.feeds).
"""

from __future__ import annotations

from core.events import DomainEvent
from notifications import feeds, services


def on_registration_decided(event: DomainEvent) -> None:
    if event.data.get("decision") != "register":
        return
    # A caller that picks the index conviction itself starts the requirements itself.
    if not event.context.get("start_requirements", True):
        return
    registration = event.obj
    outcome = event.context["eligibility"]
    services.registration_start_requirements(
        actor=event.actor,
        registration=registration,
        conviction=services.index_conviction(registration.nominal, outcome),
    )


def on_nominal_changed(event: DomainEvent) -> None:
    detail = event.context.get("detail")
    if detail is None:  # the person's own fields: no dates that fall due
        return
    kind = event.data["detail"]
    if event.data["change"] == "removed":
        feeds.detail_removed(actor=event.actor, kind=kind, detail=detail)
    else:
        feeds.detail_changed(actor=event.actor, kind=kind, detail=detail)
