"""Safety-relevant changes to a nominal reach the VLO of every victim linked to them."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from notifications.models import Compartment
from notifications.services import task_raise
from register.events import SafetyChange
from victims.models import VictimLink


def on_safety_change(change: SafetyChange) -> None:
    """One task per victim with an allocated VLO; the task says what changed and when,
    never the new details, and opens the victim's page (the VLO need not see the nominal)."""
    links = (
        VictimLink.objects.filter(nominal=change.nominal, victim__vlo__isnull=False)
        .select_related("victim__vlo")
        .order_by("victim_id")
    )
    when = f"{timezone.localtime(change.at):%d %b %Y %H:%M}"
    for link in links:
        victim = link.victim
        vlo = victim.vlo
        if vlo is None or not vlo.is_active:
            continue
        task_raise(
            actor=change.actor,
            owner=vlo,
            nominal=change.nominal,
            title=f"Safety update: {change.summary}",
            detail=(
                f"{change.summary} (recorded {when}) for the person linked to your victim "
                f"{victim}. Consider whether the victim should be told."
            ),
            compartment=Compartment.VICTIM,
            link=reverse("victim-detail", args=[victim.pk]),
            reason=f"Safety-relevant change to a nominal linked to a victim ({change.kind})",
        )
