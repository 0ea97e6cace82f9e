"""What happens to a nominal that a victim's liaison officer must hear of, as victim-side tasks.

- Safety-relevant changes (an address, release or licence dates, licence conditions, MAPPA
  level, a suspected breach): register.events.safety_change.
- Registration and de-registration (DOMAIN.md "Victims": victims are told, through their VLO,
  "when the person is registered, de-registered, or notifies a change that matters to their
  safety"): register.events.registration_event.
- A primary-aggressor review that found the person to be the victim (DOMAIN.md "Offences and
  the eligibility question", Safeguard): register.events.aggressor_review_event.

Each task goes to the victim's allocated VLO, in the victim compartment, says what happened and
when, never the new details (no address), and opens the victim's page: the VLO need not be able
to see the nominal.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from notifications.models import Compartment
from notifications.services import task_raise
from register.events import (
    AggressorReviewEvent,
    RegistrationEvent,
    RegistrationEventKind,
    SafetyChange,
)
from register.models import AggressorFinding, Nominal, StaffUser
from victims.models import Victim, VictimLink


def _linked_links(nominal: Nominal) -> QuerySet[VictimLink]:
    return (
        VictimLink.objects.filter(nominal=nominal, victim__vlo__isnull=False)
        .select_related("victim__vlo")
        .order_by("victim_id")
    )


def _when(at: dt.datetime) -> str:
    return f"{timezone.localtime(at):%d %b %Y %H:%M}"


def _tell(
    *, actor: StaffUser, victim: Victim, nominal: Nominal, title: str, detail: str, reason: str
) -> None:
    vlo = victim.vlo
    if vlo is None or not vlo.is_active:
        return
    task_raise(
        actor=actor,
        owner=vlo,
        nominal=nominal,
        title=title,
        detail=detail,
        compartment=Compartment.VICTIM,
        link=reverse("victim-detail", args=[victim.pk]),
        reason=reason,
    )


def on_safety_change(change: SafetyChange) -> None:
    """One task per victim with an allocated VLO; the task says what changed and when,
    never the new details, and opens the victim's page (the VLO need not see the nominal)."""
    when = _when(change.at)
    for link in _linked_links(change.nominal):
        victim = link.victim
        _tell(
            actor=change.actor,
            victim=victim,
            nominal=change.nominal,
            title=f"Safety update: {change.summary}",
            detail=(
                f"{change.summary} (recorded {when}) for the person linked to your victim "
                f"{victim}. Consider whether the victim should be told."
            ),
            reason=f"Safety-relevant change to a nominal linked to a victim ({change.kind})",
        )


def on_registration(event: RegistrationEvent) -> None:
    """Registered or de-registered: one task per linked victim with an allocated VLO, to tell
    the victim. The date is the registration's own (its start, or its end)."""
    registration = event.registration
    if event.kind == RegistrationEventKind.REGISTERED:
        day = registration.starts_on or registration.decided_on
        what = f"Registered on the DA and stalking perpetrator register from {day:%d %b %Y}"
        title = "Registration: the person linked to your victim was registered"
    else:
        day = registration.ended_on or timezone.localdate()
        what = f"Registration on the DA and stalking perpetrator register ended on {day:%d %b %Y}"
        title = "Registration ended for the person linked to your victim"
    for link in _linked_links(event.nominal):
        victim = link.victim
        _tell(
            actor=event.actor,
            victim=victim,
            nominal=event.nominal,
            title=title,
            detail=(
                f"{what} (recorded {_when(event.at)}), for the person linked to your victim "
                f"{victim}. Tell the victim, at the contact level they chose."
            ),
            reason=f"Victims are told through their VLO when the person is {event.kind}",
        )


def on_aggressor_review(event: AggressorReviewEvent) -> None:
    """A review found the person to be the victim: the VLOs of their linked victims (who may be
    the primary aggressor) and of any victim record of the person themselves are told."""
    if event.outcome != AggressorFinding.VICTIM:
        return
    review = event.review
    reviewed = f"{review.reviewed_on:%d %b %Y}"
    reason = "A primary-aggressor review found a nominal to be the victim"
    for link in _linked_links(event.nominal):
        victim = link.victim
        _tell(
            actor=event.actor,
            victim=victim,
            nominal=event.nominal,
            title="Primary-aggressor review: the person linked to your victim is the victim",
            detail=(
                f"A primary-aggressor review on {reviewed} found that the person linked to your "
                f"victim {victim} is the victim, not the primary aggressor. Review the victim's "
                "record and safety plan with the offender manager."
            ),
            reason=reason,
        )
    own_records = Victim.objects.filter(
        also_nominal=event.nominal, vlo__isnull=False
    ).select_related("vlo")
    for victim in own_records.order_by("id"):
        _tell(
            actor=event.actor,
            victim=victim,
            nominal=event.nominal,
            title="Primary-aggressor review: your victim was found to be the victim",
            detail=(
                f"A primary-aggressor review on {reviewed} found that {victim}, also recorded "
                "as a nominal, is the victim, not the primary aggressor. They will not be "
                "registered on that record; offer support as their VLO."
            ),
            reason=reason,
        )
